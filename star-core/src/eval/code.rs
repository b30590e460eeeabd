//! Compiled code: the instruction set of the register machine.
//!
//! A [`Code`] is the compiled body of one function, or of a module's top-level code. Its
//! frame is an array of registers: the function's locals first (parameters in order,
//! then `*args`, `**kwargs`, then the other locals, as the resolver numbered them), then
//! temporaries. Every operand is a register index, so an instruction reads its inputs
//! and writes its output in place: `x = x + 1` on locals is one `Binary` instruction,
//! with no pushes and pops. Operand lists that do not fit in an instruction (call
//! arguments, closures' captured cells) live in side tables of the `Code`.

use triomphe::Arc;

use crate::syntax::{BinOp, Span, UnaryOp};
use crate::value::{Str, Value};

/// A register index.
pub type Reg = u32;

/// "No register" in optional operands.
pub const NO_REG: Reg = u32::MAX;

/// One instruction. Each variant's doc says what it does with its operands.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// `dst = consts[k]`.
    Const {
        dst: Reg,
        k: u32,
    },
    /// `dst = src`.
    Move {
        dst: Reg,
        src: Reg,
    },
    /// Fails if local `reg` is unbound (used before assignment).
    CheckLocal {
        reg: Reg,
        local: u32,
    },
    /// `dst = globals[slot]` (an error if unbound).
    LoadGlobal {
        dst: Reg,
        slot: u32,
    },
    /// `globals[slot] = src`.
    StoreGlobal {
        slot: u32,
        src: Reg,
    },
    /// `dst = cells[local]` for a captured local of this frame (an error if unbound).
    LoadCell {
        dst: Reg,
        local: u32,
    },
    /// `cells[local] = src`.
    StoreCell {
        local: u32,
        src: Reg,
    },
    /// `dst = free[i]`, a variable captured from an enclosing function.
    LoadFree {
        dst: Reg,
        index: u32,
    },
    /// `dst = op src`.
    Unary {
        op: UnaryOp,
        dst: Reg,
        src: Reg,
    },
    /// `dst = a op b` (not `and`/`or`, which compile to jumps).
    Binary {
        op: BinOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a op b` for `x op= y`: lists extend in place for `+=`.
    InPlace {
        op: BinOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    // The common arithmetic and comparisons have instructions of their own, with the
    // int and float cases inline (`Binary` handles every operator, slowly).
    /// `dst = a + b`.
    Add {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a += b` (lists extend in place).
    AddInPlace {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a - b`.
    Sub {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a * b`.
    Mul {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a % b`.
    Mod {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a // b`.
    FloorDiv {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a < b`.
    Lt {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a <= b`.
    Le {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a > b`.
    Gt {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a >= b`.
    Ge {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a == b`.
    Eq {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a != b`.
    Ne {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    // The same with a constant right operand (`n - 1`, `i < 10`): `b` is `consts[k]`.
    AddK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    SubK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    MulK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    ModK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    FloorDivK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    LtK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    LeK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    GtK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    GeK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    EqK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    NeK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    /// `dst = a / b`.
    Div {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a / consts[k]`.
    DivK {
        dst: Reg,
        a: Reg,
        k: u32,
    },
    /// `dst = consts[k] + b`.
    KAdd {
        dst: Reg,
        k: u32,
        b: Reg,
    },
    /// `dst = consts[k] - b`.
    KSub {
        dst: Reg,
        k: u32,
        b: Reg,
    },
    /// `dst = consts[k] * b`.
    KMul {
        dst: Reg,
        k: u32,
        b: Reg,
    },
    /// `dst = consts[k] / b`.
    KDiv {
        dst: Reg,
        k: u32,
        b: Reg,
    },
    /// `pc = target`.
    Jump {
        target: u32,
    },
    /// `if truth(cond) { pc = target }`.
    JumpIfTrue {
        cond: Reg,
        target: u32,
    },
    /// `if !truth(cond) { pc = target }`.
    JumpIfFalse {
        cond: Reg,
        target: u32,
    },
    /// `if !(a < b) { pc = target }`.
    JumpUnlessLt {
        a: Reg,
        b: Reg,
        target: u32,
    },
    /// `if !(a <= b) { pc = target }`.
    JumpUnlessLe {
        a: Reg,
        b: Reg,
        target: u32,
    },
    /// `if !(a > b) { pc = target }`.
    JumpUnlessGt {
        a: Reg,
        b: Reg,
        target: u32,
    },
    /// `if !(a >= b) { pc = target }`.
    JumpUnlessGe {
        a: Reg,
        b: Reg,
        target: u32,
    },
    /// `if !(a == b) { pc = target }`.
    JumpUnlessEq {
        a: Reg,
        b: Reg,
        target: u32,
    },
    /// `if !(a != b) { pc = target }`.
    JumpUnlessNe {
        a: Reg,
        b: Reg,
        target: u32,
    },
    /// `if !(a < consts[k]) { pc = target }`.
    JumpUnlessLtK {
        a: Reg,
        k: u32,
        target: u32,
    },
    /// `if !(a <= consts[k]) { pc = target }`.
    JumpUnlessLeK {
        a: Reg,
        k: u32,
        target: u32,
    },
    /// `if !(a > consts[k]) { pc = target }`.
    JumpUnlessGtK {
        a: Reg,
        k: u32,
        target: u32,
    },
    /// `if !(a >= consts[k]) { pc = target }`.
    JumpUnlessGeK {
        a: Reg,
        k: u32,
        target: u32,
    },
    /// `if !(a == consts[k]) { pc = target }`.
    JumpUnlessEqK {
        a: Reg,
        k: u32,
        target: u32,
    },
    /// `if !(a != consts[k]) { pc = target }`.
    JumpUnlessNeK {
        a: Reg,
        k: u32,
        target: u32,
    },
    /// `dst = call(calls[desc])`.
    Call {
        dst: Reg,
        desc: u32,
    },
    /// `dst = call(calls[desc])` with the callee read from global `slot` (the
    /// descriptor's `func` is unused).
    CallGlobal {
        dst: Reg,
        desc: u32,
        slot: u32,
    },
    /// Starts a method call `obj.name(...)` (`methods[site]` names `obj` and the
    /// name). If `obj` is a built-in value whose type has the method, does nothing: the
    /// `CallMethod` that follows calls it directly, with no bound-method value made.
    /// Otherwise `dst = obj.name`, as `GetAttr` (errors included, before the
    /// arguments are evaluated).
    LoadMethod {
        dst: Reg,
        obj: Reg,
        site: u32,
    },
    /// Ends the method call that `LoadMethod` with the same `site` started:
    /// `dst = call(methods[site].call)`, with the built-in method of `obj` called on
    /// `obj` if `LoadMethod` found one, else with the value it loaded as the callee.
    CallMethod {
        dst: Reg,
        site: u32,
    },
    /// `dst = obj.names[name]`.
    GetAttr {
        dst: Reg,
        obj: Reg,
        name: u32,
    },
    /// `obj.names[name] = src`.
    SetAttr {
        obj: Reg,
        name: u32,
        src: Reg,
    },
    /// `dst = obj[key]`.
    Index {
        dst: Reg,
        obj: Reg,
        key: Reg,
    },
    /// `obj[key] = src`.
    SetIndex {
        obj: Reg,
        key: Reg,
        src: Reg,
    },
    /// `dst = obj[lo:hi:step]` with the three bounds in `lo`, `lo+1`, `lo+2`
    /// (`None` when absent).
    Slice {
        dst: Reg,
        obj: Reg,
        lo: Reg,
    },
    /// `dst = [start..start+n]`.
    MakeList {
        dst: Reg,
        start: Reg,
        n: u32,
    },
    /// `dst = (start..start+n)`.
    MakeTuple {
        dst: Reg,
        start: Reg,
        n: u32,
    },
    /// `dst = {k0: v0, ...}` from `n` key/value register pairs at `start`.
    MakeDict {
        dst: Reg,
        start: Reg,
        n: u32,
    },
    /// `dst = {}`, with room for `cap` entries (a dict display's entries follow as
    /// `DictAdd`s).
    NewDict {
        dst: Reg,
        cap: u32,
    },
    /// `list.append(src)` (comprehensions).
    Append {
        list: Reg,
        src: Reg,
    },
    /// `dict[key] = src` (comprehensions).
    DictSet {
        dict: Reg,
        key: Reg,
        src: Reg,
    },
    /// `dict[key] = src` for an entry of a dict literal: a duplicate key is an error.
    DictAdd {
        dict: Reg,
        key: Reg,
        src: Reg,
    },
    /// Starts iterating `src` in iterator slot `slot`.
    IterStart {
        slot: u32,
        src: Reg,
    },
    /// `dst = next(iter slot)`, or `pc = end` when exhausted.
    IterNext {
        slot: u32,
        dst: Reg,
        end: u32,
    },
    /// `dst = next(iter slot)` and `pc = body`, or fall through when exhausted (the
    /// bottom of a `for` loop).
    IterLoop {
        slot: u32,
        dst: Reg,
        body: u32,
    },
    /// Ends the iteration in `slot` (so the collection may be mutated again).
    IterEnd {
        slot: u32,
    },
    /// Unpacks the iterable `src` into `n` registers at `dst`.
    Unpack {
        src: Reg,
        dst: Reg,
        n: u32,
    },
    /// `dst = the function protos[proto]`, with defaults in registers at `defaults`.
    MakeFunction {
        dst: Reg,
        proto: u32,
        defaults: Reg,
    },
    /// Concatenates the string forms of `n` registers at `start` (f-strings), using the
    /// conversions in `formats[fmt]`.
    Format {
        dst: Reg,
        start: Reg,
        n: u32,
        fmt: u32,
    },
    /// `load(...)` statement number `index` of the module: binds registers at `dst`.
    Load {
        index: u32,
        dst: Reg,
    },
    /// Returns `src`.
    Return {
        src: Reg,
    },
}

impl CallDesc {
    /// Whether the call passes positional arguments only (no names, `*` or `**`).
    #[inline]
    pub fn is_positional(&self) -> bool {
        self.names.is_empty() && self.star == NO_REG && self.starstar == NO_REG
    }
}

/// The operands of a call instruction.
#[derive(Clone, Debug)]
pub struct CallDesc {
    /// The callee.
    pub func: Reg,
    /// First argument register: positional arguments, then named argument values.
    pub args: Reg,
    /// How many positional arguments.
    pub npos: u32,
    /// Names of the named arguments that follow the positional ones.
    pub names: Box<[Str]>,
    /// `*args` operand, or `NO_REG`.
    pub star: Reg,
    /// `**kwargs` operand, or `NO_REG`.
    pub starstar: Reg,
}

/// The operands of a method call (`LoadMethod` and `CallMethod`).
///
/// `obj` is the receiver's register, and it is not written between the two
/// instructions: it is a temporary, or a local, which an argument expression cannot
/// assign (comprehension variables have slots of their own). So both instructions see
/// the same receiver and agree on whether it has a built-in method.
#[derive(Clone, Debug)]
pub struct MethodSite {
    /// The receiver.
    pub obj: Reg,
    /// The method name, as an index into `names`.
    pub name: u32,
    /// The built-in types' methods of that name.
    pub cache: super::methods::MethodCache,
    /// The call; `call.func` is the register `LoadMethod` writes when the receiver
    /// has no built-in method of that name.
    pub call: CallDesc,
}

/// Where a closure's captured cell comes from in the frame that creates it.
#[derive(Clone, Copy, Debug)]
pub enum Capture {
    /// A captured local (cell) of the creating frame.
    Local(u32),
    /// A free variable of the creating function.
    Free(u32),
}

/// What a `def` or `lambda` compiles to, before it is instantiated.
#[derive(Debug)]
pub struct Proto {
    /// The function's code.
    pub code: Arc<Code>,
    /// Its captured cells, in the order of its free variables.
    pub captures: Box<[Capture]>,
    /// How many default values the instruction passes.
    pub ndefaults: u32,
}

/// A parameter of a compiled function.
#[derive(Clone, Debug)]
pub struct ParamInfo {
    /// The name.
    pub name: Str,
    /// Whether it has a default (stored in the function value).
    pub has_default: bool,
}

/// A compiled function body or module top level.
#[derive(Debug)]
pub struct Code {
    /// The function's name (`<toplevel>` for module code, `lambda` for lambdas).
    pub name: String,
    /// The file it came from.
    pub file: std::sync::Arc<str>,
    /// Where the function is defined.
    pub span: Span,
    /// The instructions.
    pub ops: Vec<Op>,
    /// The source position of each instruction, for errors.
    pub spans: Vec<Span>,
    /// Constants.
    pub consts: Vec<Value>,
    /// Names used by attribute instructions.
    pub names: Vec<Str>,
    /// Call operands.
    pub calls: Vec<CallDesc>,
    /// Method call operands.
    pub methods: Vec<MethodSite>,
    /// Nested functions.
    pub protos: Vec<Proto>,
    /// f-string conversions (`None`, `Some('r')`, `Some('s')`) per `Format` instruction.
    pub formats: Vec<Box<[Option<char>]>>,
    /// Names of the locals, by index (for errors).
    pub local_names: Vec<Str>,
    /// Names of the free variables, by index (for errors).
    pub free_names: Vec<Str>,
    /// Which locals are captured by inner functions (live in cells).
    pub cells: Vec<u32>,
    /// Total registers: locals then temporaries.
    pub nregs: u32,
    /// Number of locals.
    pub nlocals: u32,
    /// Number of iterator slots.
    pub niters: u32,
    /// Ordinary parameters (positional-or-keyword, then keyword-only).
    pub params: Vec<ParamInfo>,
    /// How many of `params` can be given by position.
    pub npositional: u32,
    /// Whether there is a `*args` parameter (local after the ordinary ones).
    pub has_varargs: bool,
    /// Whether there is a `**kwargs` parameter (local after `*args`).
    pub has_kwargs: bool,
    /// The `load` statements of top-level code, by `Load` index.
    pub loads: Vec<LoadDesc>,
}

/// A `load` statement, as the module records it.
#[derive(Clone, Debug)]
pub struct LoadDesc {
    /// The module reference string.
    pub module: Str,
    /// The names to import, in order.
    pub names: Vec<Str>,
    /// Where the statement is.
    pub span: Span,
}

impl Code {
    /// Whether every register an instruction names (operand lists included) is below
    /// `nregs`. The compiler asserts this for each code it makes; the evaluator relies
    /// on it to index registers without bounds checks.
    pub fn registers_fit(&self) -> bool {
        self.ops
            .iter()
            .all(|op| self.op_registers_end(op) <= self.nregs)
    }

    /// One past the highest register `op` reads or writes (0 if none).
    fn op_registers_end(&self, op: &Op) -> u32 {
        let one = |r: Reg| r + 1;
        let span = |start: Reg, n: u32| if n == 0 { 0 } else { start + n };
        match *op {
            Op::Const { dst, .. }
            | Op::LoadGlobal { dst, .. }
            | Op::LoadCell { dst, .. }
            | Op::LoadFree { dst, .. }
            | Op::IterNext { dst, .. }
            | Op::IterLoop { dst, .. } => one(dst),
            Op::CheckLocal { reg, .. } => one(reg),
            Op::StoreGlobal { src, .. }
            | Op::StoreCell { src, .. }
            | Op::IterStart { src, .. }
            | Op::Return { src } => one(src),
            Op::Move { dst, src } | Op::Unary { dst, src, .. } => one(dst).max(one(src)),
            Op::Binary { dst, a, b, .. }
            | Op::InPlace { dst, a, b, .. }
            | Op::Add { dst, a, b }
            | Op::AddInPlace { dst, a, b }
            | Op::Sub { dst, a, b }
            | Op::Mul { dst, a, b }
            | Op::Mod { dst, a, b }
            | Op::FloorDiv { dst, a, b }
            | Op::Lt { dst, a, b }
            | Op::Le { dst, a, b }
            | Op::Gt { dst, a, b }
            | Op::Ge { dst, a, b }
            | Op::Eq { dst, a, b }
            | Op::Ne { dst, a, b }
            | Op::Div { dst, a, b } => one(dst).max(one(a)).max(one(b)),
            Op::KAdd { dst, b, .. }
            | Op::KSub { dst, b, .. }
            | Op::KMul { dst, b, .. }
            | Op::KDiv { dst, b, .. } => one(dst).max(one(b)),
            Op::AddK { dst, a, .. }
            | Op::SubK { dst, a, .. }
            | Op::MulK { dst, a, .. }
            | Op::ModK { dst, a, .. }
            | Op::FloorDivK { dst, a, .. }
            | Op::LtK { dst, a, .. }
            | Op::LeK { dst, a, .. }
            | Op::GtK { dst, a, .. }
            | Op::GeK { dst, a, .. }
            | Op::EqK { dst, a, .. }
            | Op::NeK { dst, a, .. }
            | Op::DivK { dst, a, .. } => one(dst).max(one(a)),
            Op::Jump { .. } | Op::IterEnd { .. } => 0,
            Op::JumpIfTrue { cond, .. } | Op::JumpIfFalse { cond, .. } => one(cond),
            Op::JumpUnlessLt { a, b, .. }
            | Op::JumpUnlessLe { a, b, .. }
            | Op::JumpUnlessGt { a, b, .. }
            | Op::JumpUnlessGe { a, b, .. }
            | Op::JumpUnlessEq { a, b, .. }
            | Op::JumpUnlessNe { a, b, .. } => one(a).max(one(b)),
            Op::JumpUnlessLtK { a, .. }
            | Op::JumpUnlessLeK { a, .. }
            | Op::JumpUnlessGtK { a, .. }
            | Op::JumpUnlessGeK { a, .. }
            | Op::JumpUnlessEqK { a, .. }
            | Op::JumpUnlessNeK { a, .. } => one(a),
            Op::Call { dst, desc } | Op::CallGlobal { dst, desc, .. } => {
                one(dst).max(self.call_registers_end(&self.calls[desc as usize]))
            }
            Op::LoadMethod { dst, obj, site } => {
                let s = &self.methods[site as usize];
                one(dst).max(one(obj)).max(one(s.obj))
            }
            Op::CallMethod { dst, site } => {
                let s = &self.methods[site as usize];
                one(dst)
                    .max(one(s.obj))
                    .max(self.call_registers_end(&s.call))
            }
            Op::GetAttr { dst, obj, .. } => one(dst).max(one(obj)),
            Op::SetAttr { obj, src, .. } => one(obj).max(one(src)),
            Op::Index { dst, obj, key } => one(dst).max(one(obj)).max(one(key)),
            Op::SetIndex { obj, key, src } => one(obj).max(one(key)).max(one(src)),
            Op::Slice { dst, obj, lo } => one(dst).max(one(obj)).max(span(lo, 3)),
            Op::MakeList { dst, start, n } | Op::MakeTuple { dst, start, n } => {
                one(dst).max(span(start, n))
            }
            Op::MakeDict { dst, start, n } => one(dst).max(span(start, 2 * n)),
            Op::NewDict { dst, .. } => one(dst),
            Op::Append { list, src } => one(list).max(one(src)),
            Op::DictSet { dict, key, src } | Op::DictAdd { dict, key, src } => {
                one(dict).max(one(key)).max(one(src))
            }
            Op::Unpack { src, dst, n } => one(src).max(span(dst, n)),
            Op::MakeFunction {
                dst,
                proto,
                defaults,
            } => one(dst).max(span(defaults, self.protos[proto as usize].ndefaults)),
            Op::Format { dst, start, n, .. } => one(dst).max(span(start, n)),
            Op::Load { index, dst } => {
                one(dst).max(span(dst, self.loads[index as usize].names.len() as u32))
            }
        }
    }

    /// One past the highest register a call's operands name.
    fn call_registers_end(&self, d: &CallDesc) -> u32 {
        let n = d.npos + d.names.len() as u32;
        let func = if d.func == NO_REG { 0 } else { d.func + 1 };
        let mut end = func.max(if n == 0 { 0 } else { d.args + n });
        for r in [d.star, d.starstar] {
            if r != NO_REG {
                end = end.max(r + 1);
            }
        }
        end
    }

    /// A short listing of the instructions, for debugging and tests.
    pub fn disassemble(&self) -> String {
        let mut out = String::new();
        for (i, op) in self.ops.iter().enumerate() {
            out.push_str(&format!("{i:4} {op:?}\n"));
        }
        out
    }
}
