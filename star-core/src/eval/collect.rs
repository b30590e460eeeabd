//! Freeing the reference cycles of a module that is dropped.
//!
//! Values are reference counted, and a module is full of cycles: every function holds
//! its module's globals, which hold the function; a script can also make a list that
//! contains itself. Counting alone never frees them, so a host that runs a new
//! [`Module`](super::Module) per request would grow without bound. When a module that
//! was not frozen is dropped, this collector finds which of the objects it reaches are
//! garbage and breaks their cycles, the way a trial-deletion cycle collector (Bacon and
//! Rajan's, CPython's) does, restricted to the module's graph:
//!
//! 1. *Scan*: walk every object reachable from the module (globals, top-level locals
//!    and cells) through mutable containers, functions, tuples, bound methods and host
//!    values, counting for each object the references to it from inside the graph.
//! 2. *External references*: an object whose reference count is higher than that (less
//!    the collector's own reference) is held from outside: by the host, a frame still
//!    running, another module. It and everything it reaches stay alive.
//! 3. *Break*: every other object is garbage; the collector empties the garbage lists,
//!    dicts, sets, captured-variable cells and module globals, then lets go of its
//!    references, and the counts free everything.
//!
//! The counts must not change under the collector, so it only looks at what no other
//! OS thread can be using. Mutable containers are never shared between threads
//! (`Value` is not `Send`, and a `FrozenValue` freezes all it reaches). Frozen values
//! cross threads only through `FrozenValue` (and `FrozenModule`, made of them), which
//! knows the modules of the functions it reaches and marks them *shared* when its value
//! is taken on another OS thread. So:
//!
//! - For a module that is not frozen, frozen containers and functions of frozen
//!   modules are leaves: never counted, never emptied.
//! - A frozen module (dropped `FrozenModule`, or a `Module` frozen by `into_frozen`) is
//!   collected only on the OS thread that made it and only if it was never shared; the
//!   walk then goes through frozen containers too (they are all on this thread), but
//!   the only thing it empties is the module's own globals, which breaks the
//!   function-module cycles. A frozen list that contains itself stays.
//!
//! The walk uses work lists, never recursion, and the emptied contents are dropped
//! only once every garbage container is empty, so no drop recurses through a deep
//! structure either. A module still held from outside is kept as an orphan and tried
//! again later (see [`collect_cycles`]).

use rustc_hash::FxHashMap;
use triomphe::Arc;

use super::vm::{ModuleState, ValueCell};
use crate::value::{freeze_mode, Freezer, Value};

/// A number identifying the current OS thread (cheaper than `ThreadId`).
pub(crate) fn thread_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        static ID: u64 = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    ID.try_with(|id| *id).unwrap_or(0)
}

/// An object of the module's graph.
enum Node {
    Value(Value),
    Cell(Arc<ValueCell>),
    State(Arc<ModuleState>),
}

impl Node {
    /// The object's address, its identity in the graph.
    fn addr(&self) -> usize {
        match self {
            Node::Value(v) => identity(v),
            Node::Cell(c) => Arc::as_ptr(c) as usize,
            Node::State(s) => Arc::as_ptr(s) as usize,
        }
    }

    /// Its reference count.
    fn count(&self) -> usize {
        match self {
            Node::Value(v) => match v {
                Value::List(l) => Arc::count(l),
                Value::Dict(d) => Arc::count(d),
                Value::Set(s) => Arc::count(s),
                Value::Function(f) => Arc::count(f),
                Value::BoundMethod(m) => Arc::count(m),
                Value::Tuple(t) => t.ref_count(),
                Value::Host(h) => h.ref_count(),
                _ => 0,
            },
            Node::Cell(c) => Arc::count(c),
            Node::State(s) => Arc::count(s),
        }
    }
}

/// The address of a value with identity (0 for immediates and leaves).
fn identity(v: &Value) -> usize {
    match v {
        Value::List(l) => Arc::as_ptr(l) as usize,
        Value::Dict(d) => Arc::as_ptr(d) as usize,
        Value::Set(s) => Arc::as_ptr(s) as usize,
        Value::Function(f) => Arc::as_ptr(f) as usize,
        Value::BoundMethod(m) => Arc::as_ptr(m) as usize,
        Value::Tuple(t) => t.addr(),
        Value::Host(h) => h.addr(),
        _ => 0,
    }
}

/// Which objects a collection looks at (see the module documentation).
#[derive(Clone, Copy)]
struct Scope {
    /// The frozen module being collected, if it is one (its address): frozen objects
    /// are then in the graph too, and so are the functions of that module.
    frozen: Option<usize>,
}

impl Scope {
    /// The address of a value the graph tracks: one that can take part in a cycle.
    fn value_addr(self, v: &Value) -> Option<usize> {
        let open = |frozen: bool| !frozen || self.frozen.is_some();
        let tracked = match v {
            Value::List(l) => open(l.is_frozen()),
            Value::Dict(d) => open(d.is_frozen()),
            Value::Set(s) => open(s.is_frozen()),
            Value::Function(f) => self.state_addr(&f.module).is_some(),
            Value::BoundMethod(_) | Value::Host(_) => true,
            Value::Tuple(t) => !t.is_empty(),
            _ => false,
        };
        tracked.then(|| identity(v))
    }

    fn cell_addr(self, c: &Arc<ValueCell>) -> Option<usize> {
        (!c.is_frozen() || self.frozen.is_some()).then(|| Arc::as_ptr(c) as usize)
    }

    /// A module state is tracked if it is not frozen, or is the one being collected.
    fn state_addr(self, s: &Arc<ModuleState>) -> Option<usize> {
        let addr = Arc::as_ptr(s) as usize;
        (!s.globals.is_frozen() || self.frozen == Some(addr)).then_some(addr)
    }
}

/// The graph being scanned.
struct Graph {
    scope: Scope,
    nodes: Vec<Node>,
    index: FxHashMap<usize, usize>,
    /// References to each node from inside the graph (or from the module being
    /// dropped).
    internal: Vec<usize>,
}

impl Graph {
    /// Counts a reference to `node`, adding it to the graph the first time.
    fn reference(&mut self, node: Node) {
        let addr = node.addr();
        let i = *self.index.entry(addr).or_insert_with(|| {
            self.nodes.push(node);
            self.internal.push(0);
            self.nodes.len() - 1
        });
        self.internal[i] += 1;
    }

    /// Counts a reference from a node (or the module being dropped) to `child`, if
    /// it is something the graph tracks.
    fn reference_child(&mut self, child: Child<'_>) {
        let node = match child {
            Child::Value(v) => self.scope.value_addr(v).map(|_| Node::Value(v.clone())),
            Child::Cell(c) => self.scope.cell_addr(c).map(|_| Node::Cell(c.clone())),
            Child::State(s) => self.scope.state_addr(s).map(|_| Node::State(s.clone())),
        };
        if let Some(node) = node {
            self.reference(node);
        }
    }
}

/// What a node references, one callback per reference.
fn for_each_child(node: &Node, mut visit: impl FnMut(Child<'_>)) {
    match node {
        Node::Value(v) => match v {
            Value::List(l) => {
                if let Some(items) = l.cell().try_borrow() {
                    items.iter().for_each(|x| visit(Child::Value(x)));
                }
            }
            Value::Dict(d) => {
                if let Some(map) = d.cell().try_borrow() {
                    for (k, x) in map.iter() {
                        visit(Child::Value(k.value()));
                        visit(Child::Value(x));
                    }
                }
            }
            Value::Set(s) => {
                if let Some(items) = s.cell().try_borrow() {
                    items.iter().for_each(|k| visit(Child::Value(k.value())));
                }
            }
            Value::Tuple(t) => t.iter().for_each(|x| visit(Child::Value(x))),
            Value::BoundMethod(m) => visit(Child::Value(&m.receiver)),
            Value::Function(f) => {
                f.defaults.iter().for_each(|x| visit(Child::Value(x)));
                f.free.iter().for_each(|c| visit(Child::Cell(c)));
                visit(Child::State(&f.module));
            }
            Value::Host(h) => {
                let mut t = Freezer::new(freeze_mode::Trace);
                h.freeze_contents(&mut t);
                t.take_pending().iter().for_each(|x| visit(Child::Value(x)));
            }
            _ => {}
        },
        Node::Cell(c) => {
            if let Some(x) = c.try_borrow() {
                visit(Child::Value(&x));
            }
        }
        Node::State(s) => {
            for cell in [&s.globals, s.retired()] {
                if let Some(values) = cell.try_borrow() {
                    values.iter().for_each(|x| visit(Child::Value(x)));
                }
            }
        }
    }
}

/// A reference from one node to something.
enum Child<'a> {
    Value(&'a Value),
    Cell(&'a Arc<ValueCell>),
    State(&'a Arc<ModuleState>),
}

impl Child<'_> {
    fn to_node(&self) -> Node {
        match self {
            Child::Value(v) => Node::Value((*v).clone()),
            Child::Cell(c) => Node::Cell((*c).clone()),
            Child::State(s) => Node::State((*s).clone()),
        }
    }

    /// The address of the node it refers to, if it is one the graph tracks.
    fn addr(&self, scope: Scope) -> Option<usize> {
        match self {
            Child::Value(v) => scope.value_addr(v),
            Child::Cell(c) => scope.cell_addr(c),
            Child::State(s) => scope.state_addr(s),
        }
    }
}

/// A module dropped while something outside still held part of it, to be collected
/// again later: the collector keeps its state (one reference, which the scan counts as
/// the module's own).
struct Orphan {
    state: Arc<ModuleState>,
    /// The number of module drops on this thread after which to try again.
    retry_at: u64,
    /// How many drops to wait after the next failed try.
    backoff: u64,
}

#[derive(Default)]
struct Orphans {
    list: Vec<Orphan>,
    drops: u64,
    /// Orphans are being retried (a retry drops values, which may drop modules: those
    /// do not start another retry).
    retrying: bool,
}

thread_local! {
    /// The orphaned modules of this OS thread. Values are not `Send`, so whatever still
    /// holds an unfrozen module's values lives on the thread that made them.
    static ORPHANS: std::cell::RefCell<Orphans> = std::cell::RefCell::default();
}

/// Frees the cycles of a module that is being dropped: `state` with the module's own
/// reference, and its top-level locals and cells (see the module documentation). If
/// something outside still holds part of the module (the host keeps one of its
/// functions), the module is kept as an orphan and collected again after later module
/// drops on this thread (with exponential backoff), or by [`collect_cycles`].
pub(crate) fn collect_module(
    state: &Arc<ModuleState>,
    locals: &[Value],
    cells: &[Option<Arc<ValueCell>>],
) {
    if collect(state, locals, cells) {
        // What this module held may have been what kept earlier orphans.
        retry_orphans(true);
    } else {
        let _ = ORPHANS.try_with(|o| {
            o.borrow_mut().list.push(Orphan {
                state: state.clone(),
                retry_at: 0,
                backoff: 1,
            })
        });
        retry_orphans(false);
    }
}

/// Collects the modules of this OS thread that were dropped while the host still held
/// some of their values, as far as those values have been dropped since. Module drops
/// do this from time to time by themselves; a host may call it after letting go of
/// values it kept (functions, lists) from modules it dropped earlier.
pub fn collect_cycles() {
    retry_orphans(true);
}

fn retry_orphans(all: bool) {
    let Ok(Some(mut list)) = ORPHANS.try_with(|o| {
        let mut o = o.borrow_mut();
        if o.retrying || o.list.is_empty() {
            return None;
        }
        o.retrying = true;
        o.drops += 1;
        let drops = o.drops;
        let (due, wait): (Vec<_>, Vec<_>) = std::mem::take(&mut o.list)
            .into_iter()
            .partition(|x| all || x.retry_at <= drops);
        o.list = wait;
        Some(due.into_iter().map(|x| (x, drops)).collect::<Vec<_>>())
    }) else {
        return;
    };
    // Collected outside the borrow: dropping values may drop more modules. The flag
    // goes back down however this ends (a host value's drop may panic).
    struct Retrying;
    impl Drop for Retrying {
        fn drop(&mut self) {
            let _ = ORPHANS.try_with(|o| o.borrow_mut().retrying = false);
        }
    }
    let _retrying = Retrying;
    list.retain_mut(|(x, drops)| {
        let freed = collect(&x.state, &[], &[]);
        x.backoff = x.backoff.saturating_mul(2);
        x.retry_at = *drops + x.backoff;
        !freed
    });
    let _ = ORPHANS.try_with(|o| o.borrow_mut().list.extend(list.into_iter().map(|(x, _)| x)));
}

/// One collection (see the module documentation); false if the module's state is
/// still held from outside (true also when it cannot be collected at all: frozen and
/// shared, or made by another OS thread, so it is not worth keeping as an orphan).
fn collect(state: &Arc<ModuleState>, locals: &[Value], cells: &[Option<Arc<ValueCell>>]) -> bool {
    let scope = if state.globals.is_frozen() {
        if state.owner == 0 || state.owner != thread_id() || state.is_shared() {
            return true;
        }
        Scope {
            frozen: Some(Arc::as_ptr(state) as usize),
        }
    } else {
        Scope { frozen: None }
    };
    let mut g = Graph {
        scope,
        nodes: Vec::new(),
        index: FxHashMap::default(),
        internal: Vec::new(),
    };
    g.reference_child(Child::State(state));
    locals
        .iter()
        .for_each(|v| g.reference_child(Child::Value(v)));
    cells
        .iter()
        .flatten()
        .for_each(|c| g.reference_child(Child::Cell(c)));
    // 1. Scan: the nodes list grows while it is walked.
    let mut i = 0;
    while i < g.nodes.len() {
        let mut children = Vec::new();
        for_each_child(&g.nodes[i], |c| {
            if c.addr(scope).is_some() {
                children.push(c.to_node());
            }
        });
        for c in children {
            g.reference(c);
        }
        i += 1;
    }
    // 2. External references keep a node, and all it reaches, alive. (The collector
    // holds one reference to each node itself.)
    let mut alive = vec![false; g.nodes.len()];
    let mut work = Vec::new();
    for (i, node) in g.nodes.iter().enumerate() {
        if node.count() > g.internal[i] + 1 {
            alive[i] = true;
            work.push(i);
        }
    }
    while let Some(i) = work.pop() {
        for_each_child(&g.nodes[i], |c| {
            if let Some(j) = c.addr(scope).and_then(|a| g.index.get(&a)) {
                if !alive[*j] {
                    alive[*j] = true;
                    work.push(*j);
                }
            }
        });
    }
    // A frozen module whose value another thread took while the counts were read
    // cannot be emptied: that thread set `shared` before letting go of the
    // `FrozenValue` whose references the counts no longer show, and reading a count
    // that shows it (an acquire load of a release decrement), then this fence, makes
    // the flag visible below.
    if scope.frozen.is_some() {
        std::sync::atomic::fence(std::sync::atomic::Ordering::Acquire);
        if state.is_shared() {
            return true;
        }
    }
    // 3. Empty the garbage containers; drop what they held only when all are empty.
    // The state is the first node.
    let freed = !alive[0];
    let mut trash = Trash::default();
    for (node, _) in g.nodes.iter().zip(&alive).filter(|(_, a)| !**a) {
        trash.empty(node);
    }
    drop(trash);
    drop(g);
    freed
}

/// The contents taken out of garbage containers.
#[derive(Default)]
struct Trash {
    values: Vec<Value>,
    dicts: Vec<crate::value::DictMap>,
    sets: Vec<crate::value::SetMap>,
}

impl Trash {
    fn empty(&mut self, node: &Node) {
        match node {
            Node::State(s) if s.globals.is_frozen() => {
                for cell in [&s.globals, s.retired()] {
                    // SAFETY: the collector runs on a frozen module only on the OS
                    // thread that made it and only if no value reaching it was ever
                    // taken on another thread (`collect`), so nothing outside this
                    // thread refers to it; and it found no reference on this thread
                    // from outside the module's graph, whose own references do not
                    // read the globals while the collector runs. So nothing reads the
                    // cell while it is emptied, or after.
                    self.values.append(&mut unsafe { cell.take_for_teardown() });
                }
            }
            // A frozen captured-variable cell in the graph of a frozen module belongs
            // to one of that module's functions (the scope admits no other module's
            // functions), and is reachable only through them.
            Node::Cell(c) if c.is_frozen() => {
                // SAFETY: as for the globals above: the cell is reachable only
                // through functions of a module that no other thread ever used and
                // that nothing on this thread reaches from outside its graph.
                self.values.push(unsafe { c.take_for_teardown() });
            }
            // Frozen containers are never emptied (see the module documentation): a
            // container does not know its module, and one that another module made
            // may be in use on another thread.
            Node::Value(Value::List(l)) if l.is_frozen() => {}
            Node::Value(Value::Dict(d)) if d.is_frozen() => {}
            Node::Value(Value::Set(s)) if s.is_frozen() => {}
            Node::Value(Value::List(l)) => {
                if let Ok(mut items) = l.borrow_mut("collect") {
                    self.values.append(&mut items);
                }
            }
            Node::Value(Value::Dict(d)) => {
                if let Ok(mut map) = d.borrow_mut("collect") {
                    self.dicts
                        .push(std::mem::replace(&mut *map, crate::value::DictMap::new()));
                }
            }
            Node::Value(Value::Set(s)) => {
                if let Ok(mut items) = s.borrow_mut("collect") {
                    self.sets
                        .push(std::mem::replace(&mut *items, crate::value::SetMap::new()));
                }
            }
            Node::Cell(c) => {
                if let Ok(mut x) = c.borrow_mut() {
                    self.values.push(std::mem::take(&mut *x));
                }
            }
            Node::State(s) => {
                for cell in [&s.globals, s.retired()] {
                    if let Ok(mut values) = cell.borrow_mut() {
                        self.values.append(&mut values);
                    }
                }
            }
            // Immutable: their references go when the containers around them do.
            Node::Value(_) => {}
        }
    }
}
