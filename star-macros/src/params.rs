//! From a Rust function signature (and an optional `signature = (...)`) to the
//! parameters scripts see.
//!
//! The Rust parameters fall into three groups: the receiver (the first parameter of a
//! `method` builtin, or `&self` in `#[star_methods]`), the calling thread (a `&Thread`
//! or `&mut Thread`, wherever it is), and the script parameters: all the others, in
//! order. Without a `signature`, every script parameter is positional-or-keyword, and
//! required unless its type is `Option<..>`. With one, the signature must name the
//! script parameters in the same order, and says where the `/`, `*`, `*args` and
//! `**kwargs` markers go and which defaults apply. Every mistake is reported at the
//! token that makes it, and all mistakes are reported at once.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, FnArg, Ident, Pat, Type};

use crate::options::{unraw, SigItem, SignatureSpec};
use crate::types;

/// How a script parameter can be passed (`star_core::call::ParamKind`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PositionalOnly,
    Normal,
    KeywordOnly,
    Args,
    Kwargs,
}

/// A parameter scripts see.
pub struct ScriptParam {
    /// The script name (the Rust name without `r#`).
    pub name: String,
    /// The Rust type.
    pub ty: Type,
    /// How it can be passed.
    pub kind: Kind,
    /// The default expression, evaluated when the argument is absent.
    pub default: Option<Expr>,
    /// Whether the type is `Option<..>` (absent means `None`).
    pub optional: bool,
}

impl ScriptParam {
    /// Whether a call must supply it.
    pub fn required(&self) -> bool {
        self.default.is_none() && !self.optional && !matches!(self.kind, Kind::Args | Kind::Kwargs)
    }

    /// Whether it takes a binding slot (everything but `*args` and `**kwargs`).
    pub fn has_slot(&self) -> bool {
        !matches!(self.kind, Kind::Args | Kind::Kwargs)
    }
}

/// What each Rust parameter receives, in the Rust order.
pub enum Input {
    /// The calling thread, `&mut Thread` or `&Thread`.
    Thread { mutable: bool },
    /// The receiver, converted from the value the method was looked up on.
    Receiver { ty: Box<Type> },
    /// The script parameter with this index.
    Script(usize),
}

/// Where a builtin's receiver comes from.
#[derive(Clone, Copy)]
pub enum ReceiverMode<'a> {
    /// A function: no receiver.
    None,
    /// A `method` builtin: the first parameter.
    FirstParam,
    /// A method of `#[star_methods]`: `&self`, of this type.
    SelfRef(&'a Type),
}

/// The analysed parameters of a builtin.
pub struct Params {
    /// One per Rust parameter.
    pub inputs: Vec<Input>,
    /// The script parameters, in order.
    pub script: Vec<ScriptParam>,
}

/// Collects errors, so that all of them are reported at once.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    /// Records an error at `span`.
    pub fn at(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.push(syn::Error::new(span, msg));
    }

    /// Records an error on the tokens of `node`.
    pub fn on(&mut self, node: impl quote::ToTokens, msg: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(node, msg));
    }

    /// Records an error.
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    /// `Err` with every error recorded so far, if any (and forgets them).
    pub fn finish(&mut self) -> syn::Result<()> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Analyses the parameters of `sig`.
pub fn analyze(
    sig: &syn::Signature,
    mode: ReceiverMode,
    spec: Option<&SignatureSpec>,
) -> syn::Result<Params> {
    let mut errors = Errors::default();
    let is_async = sig.asyncness.is_some();
    let mut inputs = Vec::new();
    let mut rust_script: Vec<(Ident, Type)> = Vec::new();
    let mut thread_seen = false;

    for (i, arg) in sig.inputs.iter().enumerate() {
        match arg {
            FnArg::Receiver(r) => match mode {
                ReceiverMode::SelfRef(self_ty) if i == 0 => {
                    let shared_ref =
                        matches!(&*r.ty, Type::Reference(rr) if rr.mutability.is_none());
                    if !shared_ref {
                        errors.on(
                            r,
                            "unsupported receiver: a star method takes `&self` (host values \
                             are shared; use a `Mutex` or atomics for state that changes)",
                        );
                    } else if is_async {
                        errors.on(
                            r,
                            "async methods cannot take `&self`: the future must own its \
                             inputs; write an async `#[star_builtin(method)]` function \
                             taking an owned receiver instead",
                        );
                    }
                    inputs.push(Input::Receiver {
                        ty: Box::new(syn::parse_quote!(&#self_ty)),
                    });
                }
                _ => errors.on(
                    r,
                    "`self` is only allowed in the methods of a `#[star_methods]` impl block",
                ),
            },
            FnArg::Typed(pt) => {
                if i == 0 && matches!(mode, ReceiverMode::FirstParam) {
                    if is_async {
                        if let Some(b) = types::find_borrow(&pt.ty) {
                            errors.on(b, async_borrow_message());
                        }
                    }
                    inputs.push(Input::Receiver { ty: pt.ty.clone() });
                    continue;
                }
                if let Some(mutable) = types::thread_ref(&pt.ty) {
                    if is_async {
                        errors.on(
                            &pt.ty,
                            "async builtins cannot take the thread: the future outlives \
                             the call, so it can borrow nothing from it",
                        );
                    } else if thread_seen {
                        errors.on(&pt.ty, "only one parameter can take the thread");
                    }
                    thread_seen = true;
                    inputs.push(Input::Thread { mutable });
                    continue;
                }
                let ident = match &*pt.pat {
                    Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => p.ident.clone(),
                    other => {
                        errors.on(
                            other,
                            "the parameters of a builtin must be plain names (scripts \
                             pass arguments by these names)",
                        );
                        Ident::new("__invalid", other.span())
                    }
                };
                if let Type::ImplTrait(t) = &*pt.ty {
                    errors.on(
                        t,
                        "`impl Trait` parameters are not supported: a builtin's \
                         parameters need concrete types",
                    );
                }
                if is_async {
                    if let Some(b) = types::find_borrow(&pt.ty) {
                        errors.on(b, async_borrow_message());
                    }
                }
                inputs.push(Input::Script(rust_script.len()));
                rust_script.push((ident, (*pt.ty).clone()));
            }
        }
    }
    if matches!(mode, ReceiverMode::FirstParam) && inputs.is_empty() {
        errors.on(
            &sig.ident,
            "a `method` builtin takes its receiver as its first parameter, and this one \
             has no parameters",
        );
    }

    let script = match spec {
        None => rust_script
            .into_iter()
            .map(|(ident, ty)| ScriptParam {
                name: unraw(&ident),
                optional: types::option_inner(&ty).is_some(),
                ty,
                kind: Kind::Normal,
                default: None,
            })
            .collect(),
        Some(spec) => apply_signature(spec, rust_script, &mut errors),
    };
    errors.finish()?;
    Ok(Params { inputs, script })
}

fn async_borrow_message() -> &'static str {
    "async builtins cannot take borrowed arguments: the future must own its inputs; \
     use an owned type such as `String`, `Vec<T>` or `Value`"
}

/// Matches a `signature = (...)` against the Rust script parameters.
fn apply_signature(
    spec: &SignatureSpec,
    rust: Vec<(Ident, Type)>,
    errors: &mut Errors,
) -> Vec<ScriptParam> {
    let mut out: Vec<ScriptParam> = Vec::new();
    let mut next = 0; // the next Rust parameter to match
    let mut slash_seen = false;
    let mut star_seen = false; // `*` or `*args`
    let mut bare_star: Option<Span> = None;
    let mut keyword_only_seen = false;
    let mut kwargs_seen = false;
    let mut star_errors = false; // a marker error was reported: no follow-up errors
    let mut misplaced: Vec<String> = Vec::new();

    for item in &spec.items {
        if kwargs_seen {
            let span = match item {
                SigItem::Slash(s) => s.span,
                SigItem::Star(s) => s.span,
                SigItem::Param(p) => p.first,
            };
            errors.at(span, "`**kwargs` must be the last parameter");
            // Go on matching names, so that this is the only error.
            kwargs_seen = false;
            star_errors = true;
        }
        match item {
            SigItem::Slash(s) => {
                if slash_seen {
                    errors.on(s, "duplicate `/`");
                } else if star_seen {
                    errors.on(s, "`/` must come before `*` and `*args`");
                } else if out.is_empty() {
                    errors.on(s, "`/` must follow at least one parameter");
                } else {
                    for p in &mut out {
                        p.kind = Kind::PositionalOnly;
                    }
                }
                slash_seen = true;
            }
            SigItem::Star(s) => {
                if star_seen {
                    errors.on(s, "only one `*` or `*args` is allowed");
                    star_errors = true;
                }
                star_seen = true;
                bare_star = Some(s.span);
            }
            SigItem::Param(p) => {
                let name = unraw(&p.name);
                let ty = match rust.get(next) {
                    Some((ident, ty)) if unraw(ident) == name => {
                        next += 1;
                        ty.clone()
                    }
                    _ => {
                        let msg = match rust.iter().position(|(id, _)| unraw(id) == name) {
                            Some(k) if k < next => {
                                format!("parameter `{name}` is listed twice")
                            }
                            Some(_) => format!(
                                "parameter `{name}` is out of order: the signature lists \
                                 the parameters in the order of the function, where `{}` \
                                 comes first",
                                unraw(&rust[next].0)
                            ),
                            None => format!(
                                "unknown parameter `{name}`: the function has no \
                                 parameter of that name"
                            ),
                        };
                        errors.on(&p.name, msg);
                        misplaced.push(name);
                        continue;
                    }
                };
                let kind = match p.stars {
                    1 => {
                        if star_seen {
                            errors.at(p.first, "only one `*` or `*args` is allowed");
                            star_errors = true;
                        }
                        star_seen = true;
                        Kind::Args
                    }
                    2 => {
                        kwargs_seen = true;
                        Kind::Kwargs
                    }
                    _ if star_seen => {
                        keyword_only_seen = true;
                        Kind::KeywordOnly
                    }
                    _ => Kind::Normal,
                };
                if let (Some(d), 1 | 2) = (&p.default, p.stars) {
                    let what = if p.stars == 1 {
                        "`*args`"
                    } else {
                        "`**kwargs`"
                    };
                    errors.on(d, format!("{what} cannot have a default"));
                }
                out.push(ScriptParam {
                    name,
                    optional: types::option_inner(&ty).is_some(),
                    ty,
                    kind,
                    default: if p.stars == 0 {
                        p.default.clone()
                    } else {
                        None
                    },
                });
            }
        }
    }
    for (ident, _) in rust.iter().skip(next) {
        if misplaced.contains(&unraw(ident)) {
            continue;
        }
        errors.on(
            ident,
            format!("parameter `{}` is missing from the signature", unraw(ident)),
        );
    }
    if let Some(s) = bare_star {
        if !keyword_only_seen && !star_errors {
            errors.at(s, "a bare `*` must be followed by a keyword-only parameter");
        }
    }
    out
}
