//! `#[star_module]`: an inline Rust module as a script module.
//!
//! The module is kept, and gains `pub fn module() -> NativeModule` listing, in source
//! order, every `#[star_builtin]` function (under its script name; `method` builtins are
//! left out) and every `const` (under its Rust name, or `#[star(name = "...")]`; the
//! attribute is removed, and `#[star(skip)]` leaves a constant out). This macro runs
//! before the `#[star_builtin]` attributes inside are expanded, so it only notes which
//! functions carry one and refers to the `BUILTIN` static those will generate.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Item, ItemMod};

use crate::options::{
    doc_text, last_segment_is, unraw, Options, BUILTIN_KEYS, MEMBER_KEYS, NAME_KEY,
};
use crate::params::Errors;

/// Expands `#[star_module(attr)] item`.
pub fn expand(attr: TokenStream, mut item: ItemMod) -> syn::Result<TokenStream> {
    let opts = (|input: syn::parse::ParseStream| Options::parse(input, NAME_KEY)).parse2(attr)?;
    let name = match &opts.name {
        Some(n) => n.value(),
        None => unraw(&item.ident),
    };
    let doc = doc_text(&item.attrs);
    let Some((_, items)) = &mut item.content else {
        return Err(syn::Error::new_spanned(
            &item,
            "`#[star_module]` needs an inline module: `mod name { ... }`",
        ));
    };
    let mut errors = Errors::default();
    let mut members = Vec::new();
    for it in items.iter_mut() {
        match it {
            Item::Fn(f) => {
                let Some(attr) = f
                    .attrs
                    .iter()
                    .find(|a| last_segment_is(a.path(), "star_builtin"))
                else {
                    continue;
                };
                // A malformed option list is reported by `#[star_builtin]` itself.
                let is_method = match &attr.meta {
                    syn::Meta::List(l) => l
                        .parse_args_with(|input: syn::parse::ParseStream| {
                            Options::parse(input, BUILTIN_KEYS)
                        })
                        .is_ok_and(|o| o.method),
                    _ => false,
                };
                if !is_method {
                    let ident = &f.sig.ident;
                    members.push(quote! {
                        __module.add_function(&self::#ident::BUILTIN);
                    });
                }
            }
            Item::Const(c) => {
                let opts = match Options::take_from(&mut c.attrs, MEMBER_KEYS, false) {
                    Ok(o) => o,
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                };
                if opts.skip {
                    continue;
                }
                let member = match &opts.name {
                    Some(n) => n.value(),
                    None => c.ident.to_string(),
                };
                let ident = &c.ident;
                members.push(quote_spanned! {c.ty.span()=>
                    __module.add(#member, self::#ident);
                });
            }
            _ => {}
        }
    }
    if let Err(e) = errors.finish() {
        // The item without its `#[star(...)]` attributes, so that only the real
        // errors are reported.
        let e = e.to_compile_error();
        return Ok(quote!(#item #e));
    }
    let fn_doc = format!("The script module `{name}`, made by `#[star_module]`.");
    items.push(syn::parse_quote! {
        #[doc = #fn_doc]
        pub fn module() -> ::star_core::value::NativeModule {
            let mut __module = ::star_core::value::NativeModule::new(#name, #doc);
            #(#members)*
            __module
        }
    });
    Ok(quote!(#item))
}
