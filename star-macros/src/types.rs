//! What the macros read from Rust types, by syntax alone.
//!
//! A proc macro sees tokens, not types, so these answers are about how a type is
//! written: `Option<..>` (an optional parameter), a path ending in `Result` (a fallible
//! builtin), a reference to a path ending in `Thread` (the calling thread), whether a
//! type borrows (not allowed in async builtins), and a script-facing name for help text.
//! A type alias hides all of this, which the crate docs say.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{GenericArgument, PathArguments, Type};

/// The last segment of a path type, if the type is one.
fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Group(g) => last_segment(&g.elem),
        Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

/// The type arguments of a path segment.
fn type_args(seg: &syn::PathSegment) -> Vec<&Type> {
    match &seg.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `Some(T)` if the type is written `Option<T>`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let seg = last_segment(ty)?;
    if seg.ident != "Option" {
        return None;
    }
    type_args(seg).first().copied()
}

/// Whether the type is written as a path ending in `Result` (`Result<T>`,
/// `anyhow::Result<T>`, `std::io::Result<T>`, `star_core::Result<T>`, ...).
pub fn is_result(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "Result")
}

/// `Some(mutable)` if the type is `&Thread` or `&mut Thread` (any path ending in
/// `Thread`).
pub fn thread_ref(ty: &Type) -> Option<bool> {
    match ty {
        Type::Reference(r) => {
            let seg = last_segment(&r.elem)?;
            (seg.ident == "Thread").then_some(r.mutability.is_some())
        }
        Type::Group(g) => thread_ref(&g.elem),
        Type::Paren(p) => thread_ref(&p.elem),
        _ => None,
    }
}

/// Whether the type is a primitive number type (`i64`, `usize`, `f32`, ...).
pub fn is_number(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p.path.get_ident().is_some_and(|i| {
            matches!(
                i.to_string().as_str(),
                "i8" | "i16"
                    | "i32"
                    | "i64"
                    | "i128"
                    | "isize"
                    | "u8"
                    | "u16"
                    | "u32"
                    | "u64"
                    | "u128"
                    | "usize"
                    | "f32"
                    | "f64"
            )
        }),
        Type::Group(g) => is_number(&g.elem),
        Type::Paren(p) => is_number(&p.elem),
        _ => false,
    }
}

/// Whether the type is `()`.
pub fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}

/// The first part of the type that borrows (a reference, a lifetime or a trait
/// object), for the error of an async builtin.
pub fn find_borrow(ty: &Type) -> Option<TokenStream> {
    struct Finder(Option<TokenStream>);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
            if self.0.is_none() {
                self.0 = Some(r.to_token_stream());
            }
        }
        fn visit_lifetime(&mut self, l: &'ast syn::Lifetime) {
            if self.0.is_none() && l.ident != "static" {
                self.0 = Some(l.to_token_stream());
            }
        }
    }
    let mut f = Finder(None);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

/// The type with every named lifetime replaced by `'_`, so that it can be written
/// inside the generated wrapper, which does not declare the function's lifetimes.
pub fn elide_lifetimes(ty: &Type) -> Type {
    struct Elide;
    impl VisitMut for Elide {
        fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
            if l.ident != "static" {
                *l = syn::Lifetime::new("'_", l.apostrophe);
            }
        }
    }
    let mut ty = ty.clone();
    Elide.visit_type_mut(&mut ty);
    ty
}

/// The tokens with every `Self` replaced by `self_ty` (methods are wrapped outside
/// their impl block, where `Self` means nothing).
pub fn replace_self(tokens: TokenStream, self_ty: &TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .flat_map(|tt| match tt {
            TokenTree::Ident(i) if i == "Self" => self_ty.clone(),
            TokenTree::Group(g) => {
                let mut ng =
                    proc_macro2::Group::new(g.delimiter(), replace_self(g.stream(), self_ty));
                ng.set_span(g.span());
                TokenTree::Group(ng).into_token_stream()
            }
            tt => tt.into_token_stream(),
        })
        .collect()
}

/// A short, script-facing name of the values a parameter accepts, for help text:
/// `int`, `string`, `list`, `int or None`, or the Rust type's last name.
pub fn script_type(ty: &Type) -> String {
    match ty {
        Type::Reference(r) => return script_type(&r.elem),
        Type::Slice(s) => {
            return match &*s.elem {
                Type::Path(p) if p.path.is_ident("u8") => "bytes".into(),
                _ => "list".into(),
            }
        }
        Type::Tuple(t) if t.elems.is_empty() => return "None".into(),
        Type::Tuple(_) => return "tuple".into(),
        Type::Group(g) => return script_type(&g.elem),
        Type::Paren(p) => return script_type(&p.elem),
        _ => {}
    }
    let Some(seg) = last_segment(ty) else {
        return "value".into();
    };
    let name = seg.ident.to_string();
    match name.as_str() {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" | "BigInt" => "int".into(),
        "f32" | "f64" => "float".into(),
        "bool" => "bool".into(),
        "str" | "String" | "Str" | "char" => "string".into(),
        "Bytes" => "bytes".into(),
        "Vec" | "List" => "list".into(),
        "Tuple" => "tuple".into(),
        "Dict" | "HashMap" | "BTreeMap" | "IndexMap" => "dict".into(),
        "Value" => "value".into(),
        "Option" => match type_args(seg).first() {
            Some(t) => format!("{} or None", script_type(t)),
            None => "value".into(),
        },
        _ => name,
    }
}

/// The element type of `Vec<T>`-like `*args` types, or the value type of
/// `**kwargs` maps, for help text: the last type argument.
pub fn element_type(ty: &Type) -> Option<&Type> {
    let seg = last_segment(ty)?;
    let last = type_args(seg).last().copied()?;
    match last {
        // `Vec<(String, T)>` for **kwargs.
        Type::Tuple(t) if t.elems.len() == 2 => t.elems.last(),
        t => Some(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> Type {
        syn::parse_str(s).unwrap()
    }

    #[test]
    fn help_type_names() {
        assert_eq!(script_type(&ty("i64")), "int");
        assert_eq!(script_type(&ty("&str")), "string");
        assert_eq!(script_type(&ty("Option<&'a str>")), "string or None");
        assert_eq!(script_type(&ty("Vec<String>")), "list");
        assert_eq!(script_type(&ty("&[u8]")), "bytes");
        assert_eq!(script_type(&ty("IndexMap<String, i64>")), "dict");
        assert_eq!(script_type(&ty("&Point")), "Point");
        assert_eq!(
            element_type(&ty("Vec<(String, f64)>")).map(script_type),
            Some("float".into())
        );
    }

    #[test]
    fn recognised_shapes() {
        assert!(is_result(&ty("anyhow::Result<i64>")));
        assert!(is_result(&ty("std::io::Result<()>")));
        assert!(!is_result(&ty("SearchResult")));
        assert_eq!(thread_ref(&ty("&mut Thread")), Some(true));
        assert_eq!(thread_ref(&ty("&star_core::Thread")), Some(false));
        assert_eq!(thread_ref(&ty("Thread")), None);
        assert!(option_inner(&ty("Option<i64>")).is_some());
        assert!(find_borrow(&ty("Vec<&str>")).is_some());
        assert!(find_borrow(&ty("Vec<String>")).is_none());
        assert!(find_borrow(&ty("&'static str")).is_some());
        let elided = elide_lifetimes(&ty("&'a Foo<'b>"));
        assert_eq!(quote::quote!(#elided).to_string(), "& '_ Foo < '_ >");
    }
}
