//! The options the macros accept, and doc comments.
//!
//! Every macro reads the same small option language: `#[star_builtin(name = "f", pure,
//! method, signature = (a, /, b = 1, *args, c, **kwargs))]`, and the helper attribute
//! `#[star(...)]` on methods, fields, constants and structs. One parser reads them all;
//! each place says which keys it allows, so a misplaced key is an error that names the
//! keys that would have been accepted.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Ident, LitStr, Token};

/// Options of a builtin, a method, a field, a constant, a struct or a module.
#[derive(Default)]
pub struct Options {
    /// `name = "..."`: the name scripts use.
    pub name: Option<LitStr>,
    /// `pure`: the builtin has no side effects.
    pub pure: bool,
    /// `method`: the first parameter is the receiver.
    pub method: bool,
    /// `skip`: hide the item from scripts.
    pub skip: bool,
    /// `signature = (...)`: the script parameters.
    pub signature: Option<SignatureSpec>,
}

/// The keys each place accepts.
pub const BUILTIN_KEYS: &[&str] = &["name", "pure", "method", "signature"];
/// Keys of `#[star(...)]` on a method of `#[star_methods]`.
pub const METHOD_KEYS: &[&str] = &["name", "pure", "signature", "skip"];
/// Keys of `#[star(...)]` on a field or a module constant.
pub const MEMBER_KEYS: &[&str] = &["name", "skip"];
/// Keys of `#[star(...)]` on a struct, and of `#[star_module(...)]`.
pub const NAME_KEY: &[&str] = &["name"];

impl Options {
    /// Parses a comma-separated option list, accepting only `allowed` keys.
    pub fn parse(input: ParseStream, allowed: &[&str]) -> syn::Result<Options> {
        let mut opts = Options::default();
        while !input.is_empty() {
            let key = Ident::parse_any(input)?;
            let k = key.to_string();
            if !allowed.contains(&k.as_str()) {
                return Err(syn::Error::new_spanned(
                    &key,
                    format!(
                        "unknown option `{k}`; expected {}",
                        allowed
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            let duplicate = || syn::Error::new_spanned(&key, format!("duplicate option `{k}`"));
            match k.as_str() {
                "name" => {
                    input.parse::<Token![=]>()?;
                    if opts.name.is_some() {
                        return Err(duplicate());
                    }
                    let lit: LitStr = input.parse()?;
                    if lit.value().is_empty() {
                        return Err(syn::Error::new_spanned(&lit, "the name cannot be empty"));
                    }
                    opts.name = Some(lit);
                }
                "signature" => {
                    input.parse::<Token![=]>()?;
                    if opts.signature.is_some() {
                        return Err(duplicate());
                    }
                    let content;
                    syn::parenthesized!(content in input);
                    let items = Punctuated::<SigItem, Token![,]>::parse_terminated(&content)?;
                    opts.signature = Some(SignatureSpec {
                        items: items.into_iter().collect(),
                    });
                }
                flag => {
                    let slot = match flag {
                        "pure" => &mut opts.pure,
                        "method" => &mut opts.method,
                        _ => &mut opts.skip,
                    };
                    if *slot {
                        return Err(duplicate());
                    }
                    *slot = true;
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(opts)
    }

    /// Reads and removes the `#[star(...)]` attributes of an item (and, for methods,
    /// `#[star_builtin(...)]`, which means the same there).
    pub fn take_from(
        attrs: &mut Vec<Attribute>,
        allowed: &[&str],
        also_builtin: bool,
    ) -> syn::Result<Options> {
        let mut found: Option<Options> = None;
        let mut error: Option<syn::Error> = None;
        attrs.retain(|attr| {
            let ours = attr.path().is_ident("star")
                || (also_builtin && last_segment_is(attr.path(), "star_builtin"));
            if !ours {
                return true;
            }
            let parsed = if matches!(attr.meta, syn::Meta::Path(_)) {
                Ok(Options::default())
            } else {
                attr.parse_args_with(|input: ParseStream| Options::parse(input, allowed))
            };
            let result = match (parsed, &found) {
                (Ok(_), Some(_)) => Err(syn::Error::new_spanned(
                    attr,
                    "only one `#[star(...)]` attribute is allowed here",
                )),
                (Ok(o), None) => {
                    found = Some(o);
                    Ok(())
                }
                (Err(e), _) => Err(e),
            };
            if let Err(e) = result {
                match &mut error {
                    Some(all) => all.combine(e),
                    None => error = Some(e),
                }
            }
            false
        });
        match error {
            Some(e) => Err(e),
            None => Ok(found.unwrap_or_default()),
        }
    }
}

/// Whether the last segment of `path` is `name` (so `star_core::star_builtin` counts).
pub fn last_segment_is(path: &syn::Path, name: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// The `signature = (...)` of a builtin, as written.
pub struct SignatureSpec {
    /// The items, in order.
    pub items: Vec<SigItem>,
}

/// One item of a signature.
pub enum SigItem {
    /// `/`: the parameters before it are positional-only.
    Slash(Token![/]),
    /// A bare `*`: the parameters after it are keyword-only.
    Star(Token![*]),
    /// `name`, `name = default`, `*name` or `**name`.
    Param(Box<SigParam>),
}

/// A named item of a signature.
pub struct SigParam {
    /// How many stars precede the name: 0, 1 (`*args`) or 2 (`**kwargs`).
    pub stars: usize,
    /// The first token (the first star, or the name), for errors.
    pub first: Span,
    /// The name.
    pub name: Ident,
    /// The default, if any.
    pub default: Option<Expr>,
}

impl Parse for SigItem {
    fn parse(input: ParseStream) -> syn::Result<SigItem> {
        if input.peek(Token![/]) {
            return Ok(SigItem::Slash(input.parse()?));
        }
        let mut stars = 0;
        let mut first = None;
        while input.peek(Token![*]) && stars < 2 {
            let star: Token![*] = input.parse()?;
            first.get_or_insert(star.span);
            stars += 1;
            if stars == 1 && (input.is_empty() || input.peek(Token![,])) {
                return Ok(SigItem::Star(star));
            }
        }
        let name = Ident::parse_any(input)?;
        let default = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse::<Expr>()?)
        } else {
            None
        };
        Ok(SigItem::Param(Box::new(SigParam {
            stars,
            first: first.unwrap_or_else(|| name.span()),
            name,
            default,
        })))
    }
}

/// The text of the doc comments in `attrs`: one line per comment line, with the one
/// space after `///` removed, and no leading or trailing blank lines.
pub fn doc_text(attrs: &[Attribute]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                for line in s.value().split('\n') {
                    let line = line.strip_suffix('\r').unwrap_or(line);
                    let line = line.strip_prefix(' ').unwrap_or(line);
                    lines.push(line.trim_end().to_string());
                }
            }
        }
    }
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// The name of an identifier as scripts see it: without `r#`.
pub fn unraw(ident: &Ident) -> String {
    ident.unraw().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_comments_lose_one_space() {
        let item: syn::ItemFn = syn::parse_quote! {
            ///
            /// First line.
            ///
            ///   Indented.
            #[doc = "Last."]
            ///
            fn f() {}
        };
        assert_eq!(doc_text(&item.attrs), "First line.\n\n  Indented.\nLast.");
    }

    #[test]
    fn options_parse_and_reject() {
        let parse = |ts: proc_macro2::TokenStream, keys: &[&str]| {
            syn::parse::Parser::parse2(|input: ParseStream| Options::parse(input, keys), ts)
        };
        let o = parse(
            quote::quote!(name = "f", pure, signature = (a, /, b = 1, *c, d, **e)),
            BUILTIN_KEYS,
        )
        .unwrap();
        assert_eq!(o.name.unwrap().value(), "f");
        assert!(o.pure && !o.method);
        assert_eq!(o.signature.unwrap().items.len(), 6);
        let e = parse(quote::quote!(skip), BUILTIN_KEYS).err().unwrap();
        assert_eq!(
            e.to_string(),
            "unknown option `skip`; expected `name`, `pure`, `method`, `signature`"
        );
        let e = parse(quote::quote!(pure, pure), BUILTIN_KEYS)
            .err()
            .unwrap();
        assert_eq!(e.to_string(), "duplicate option `pure`");
    }
}
