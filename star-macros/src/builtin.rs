//! `#[star_builtin]`: a free Rust function as a script builtin.
//!
//! The function is kept as written. Beside it goes a module of the same name (modules
//! and functions live in different namespaces) holding `pub static BUILTIN:
//! NativeFunction`, its signature and the wrapper; `use super::*` inside it makes the
//! function's parameter types and the names its defaults use resolve as they do at the
//! function. So `greet::BUILTIN` is the builtin of `fn greet`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::parse::Parser;
use syn::{ItemFn, ReturnType};

use crate::options::{doc_text, unraw, Options, BUILTIN_KEYS};
use crate::params::{analyze, Errors, ReceiverMode};
use crate::wrapper::Wrapper;

/// Expands `#[star_builtin(attr)] item`.
pub fn expand(attr: TokenStream, item: ItemFn) -> syn::Result<TokenStream> {
    let opts =
        (|input: syn::parse::ParseStream| Options::parse(input, BUILTIN_KEYS)).parse2(attr)?;
    check_function(&item)?;
    let mode = if opts.method {
        ReceiverMode::FirstParam
    } else {
        ReceiverMode::None
    };
    let params = analyze(&item.sig, mode, opts.signature.as_ref())?;
    let ident = &item.sig.ident;
    let name = match &opts.name {
        Some(n) => n.value(),
        None => unraw(ident),
    };
    let wrapper = Wrapper {
        name: name.clone(),
        doc: doc_text(&item.attrs),
        pure: opts.pure,
        is_async: item.sig.asyncness.is_some(),
        params,
        output: match &item.sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => Some((**ty).clone()),
        },
        call: quote!(super::#ident),
        self_ty: None,
    };
    let signature_ident = format_ident!("SIGNATURE");
    let invoke_ident = format_ident!("__invoke");
    let signature = wrapper.signature();
    let native = wrapper.native_function(&signature_ident, &invoke_ident);
    let invoke = wrapper.invoke(&invoke_ident, &signature_ident);
    let vis = &item.vis;
    let mod_doc =
        format!("The script builtin `{name}`, made by `#[star_builtin]` from `fn {ident}`.");
    let static_doc = format!("The builtin `{name}`: `Value::Builtin(&{ident}::BUILTIN)`.");
    Ok(quote! {
        #item

        #[doc = #mod_doc]
        #[allow(dead_code, non_snake_case)]
        #vis mod #ident {
            #[allow(unused_imports)]
            use super::*;

            #[doc = #static_doc]
            pub static BUILTIN: ::star_core::call::NativeFunction = #native;

            static SIGNATURE: ::star_core::call::Signature = #signature;

            #invoke
        }
    })
}

/// Rejects the kinds of functions that cannot be builtins.
fn check_function(item: &ItemFn) -> syn::Result<()> {
    let mut errors = Errors::default();
    let sig = &item.sig;
    for param in &sig.generics.params {
        match param {
            syn::GenericParam::Lifetime(_) => {}
            other => errors.on(
                other,
                "builtins cannot be generic: the wrapper needs concrete parameter types",
            ),
        }
    }
    if let Some(u) = &sig.unsafety {
        errors.on(
            u,
            "builtins cannot be `unsafe fn`: scripts cannot uphold its contract",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.on(abi, "builtins cannot have an `extern` ABI");
    }
    if let Some(v) = &sig.variadic {
        errors.on(v, "builtins cannot be variadic");
    }
    errors.finish()
}
