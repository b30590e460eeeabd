//! `#[star_methods]`: the `&self` methods of an impl block as script methods.
//!
//! The impl block is kept (minus the `#[star(...)]` attributes), so Rust code calls the
//! methods as usual. Each `&self` method not marked `#[star(skip)]` becomes a builtin
//! whose receiver is the host value, downcast through `FromValue for &T` (which
//! `#[derive(StarValue)]` provides). The statics and wrappers live in an anonymous
//! `const _: () = { ... };` block, which sees the names of the enclosing module, and
//! `impl HostMethods for T` there lists them; the derive's `methods()` finds that impl.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use syn::{FnArg, ImplItem, ItemImpl, ReturnType};

use crate::options::{doc_text, unraw, Options, METHOD_KEYS};
use crate::params::{analyze, Errors, ReceiverMode};
use crate::wrapper::Wrapper;

/// Expands `#[star_methods] item`.
pub fn expand(attr: TokenStream, mut item: ItemImpl) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(syn::Error::new_spanned(
            attr,
            "`#[star_methods]` takes no options (put `#[star(...)]` on a method)",
        ));
    }
    let mut errors = Errors::default();
    if let Some((_, path, _)) = &item.trait_ {
        errors.on(
            path,
            "`#[star_methods]` goes on an inherent impl block (`impl Point { ... }`), \
             not on a trait impl",
        );
    }
    if !item.generics.params.is_empty() {
        errors.on(
            &item.generics,
            "`#[star_methods]` does not support generic impl blocks",
        );
    }
    errors.finish()?;

    let self_ty = (*item.self_ty).clone();
    let self_tokens = self_ty.to_token_stream();
    let mut statics = Vec::new();
    let mut refs = Vec::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        let opts = match Options::take_from(&mut method.attrs, METHOD_KEYS, true) {
            Ok(o) => o,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let has_self = matches!(method.sig.inputs.first(), Some(FnArg::Receiver(_)));
        if !has_self || opts.skip {
            if !has_self && (opts.name.is_some() || opts.signature.is_some() || opts.pure) {
                errors.on(
                    &method.sig.ident,
                    "only methods taking `&self` become script methods",
                );
            }
            continue;
        }
        if !method.sig.generics.params.is_empty() {
            errors.on(&method.sig.generics, "script methods cannot be generic");
            continue;
        }
        let params = match analyze(
            &method.sig,
            ReceiverMode::SelfRef(&self_ty),
            opts.signature.as_ref(),
        ) {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let ident = &method.sig.ident;
        let name = match &opts.name {
            Some(n) => n.value(),
            None => unraw(ident),
        };
        let upper = unraw(ident).to_uppercase();
        let wrapper = Wrapper {
            name,
            doc: doc_text(&method.attrs),
            pure: opts.pure,
            is_async: method.sig.asyncness.is_some(),
            params,
            output: match &method.sig.output {
                ReturnType::Default => None,
                ReturnType::Type(_, ty) => Some((**ty).clone()),
            },
            call: quote!(<#self_ty>::#ident),
            self_ty: Some(self_tokens.clone()),
        };
        let function = format_ident!("__STAR_METHOD_{}", upper);
        let signature = format_ident!("__STAR_SIGNATURE_{}", upper);
        let invoke = format_ident!("__star_invoke_{}", unraw(ident));
        let sig_value = wrapper.signature();
        let native = wrapper.native_function(&signature, &invoke);
        let invoke_fn = wrapper.invoke(&invoke, &signature);
        statics.push(quote! {
            static #signature: ::star_core::call::Signature = #sig_value;
            static #function: ::star_core::call::NativeFunction = #native;
            #invoke_fn
        });
        refs.push(function);
    }
    if let Err(e) = errors.finish() {
        // The item without its `#[star(...)]` attributes, so that only the real
        // errors are reported.
        let e = e.to_compile_error();
        return Ok(quote!(#item #e));
    }
    let count = refs.len();
    Ok(quote! {
        #item

        const _: () = {
            #(#statics)*

            impl ::star_core::value::HostMethods for #self_ty {
                fn methods() -> &'static [&'static ::star_core::call::NativeFunction] {
                    static METHODS: [&::star_core::call::NativeFunction; #count] =
                        [#(&#refs),*];
                    &METHODS
                }
            }
        };
    })
}
