//! `#[derive(StarValue)]`: a struct with named fields as a host value.
//!
//! Generated: `HostValue` (type name, `repr` as `Point(x = 1, y = "a")`, public fields
//! as read-only attributes, equality field by field, freezing every field, and the
//! methods of a `#[star_methods]` impl if the type has one), `FreezeSafe` (bounded on
//! every field type being `FreezeSafe`), `IntoValue` (as a host value) and
//! `FromValue for &T` (a downcast). Exposed fields are the `pub` ones without
//! `#[star(skip)]`; reading one clones it and converts it with `IntoValue`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Visibility};

use crate::options::{unraw, Options, MEMBER_KEYS, NAME_KEY};
use crate::params::Errors;

/// Expands `#[derive(StarValue)]`.
pub fn expand(mut input: DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let opts = Options::take_from(&mut input.attrs, NAME_KEY, false)?;
    let ident = &input.ident;
    let type_name = match &opts.name {
        Some(n) => n.value(),
        None => unraw(ident),
    };
    let fields = match &mut input.data {
        Data::Struct(s) => match &mut s.fields {
            Fields::Named(f) => &mut f.named,
            Fields::Unnamed(f) => {
                return Err(syn::Error::new_spanned(
                    f,
                    "`#[derive(StarValue)]` needs named fields (scripts read them as \
                     attributes by name); tuple structs are not supported",
                ))
            }
            Fields::Unit => {
                return Err(syn::Error::new_spanned(
                    ident,
                    "`#[derive(StarValue)]` needs a struct with named fields",
                ))
            }
        },
        Data::Enum(e) => {
            return Err(syn::Error::new_spanned(
                e.enum_token,
                "`#[derive(StarValue)]` only supports structs with named fields, not enums \
                 (implement `HostValue` by hand)",
            ))
        }
        Data::Union(u) => {
            return Err(syn::Error::new_spanned(
                u.union_token,
                "`#[derive(StarValue)]` only supports structs with named fields",
            ))
        }
    };
    if !input.generics.params.is_empty() {
        errors.on(
            &input.generics,
            "`#[derive(StarValue)]` does not support generic types: a host type must be \
             one concrete type",
        );
    }

    // Every field is frozen; the exposed ones are also attributes.
    let mut all = Vec::new();
    let mut exposed = Vec::new();
    for field in fields.iter_mut() {
        let opts = match Options::take_from(&mut field.attrs, MEMBER_KEYS, false) {
            Ok(o) => o,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let fident = field.ident.clone().expect("named field");
        let public = matches!(field.vis, Visibility::Public(_));
        if !public && opts.name.is_some() {
            errors.on(
                &fident,
                "only `pub` fields are visible to scripts: make the field `pub` or remove \
                 its `#[star(name = ...)]`",
            );
        }
        all.push((fident.clone(), field.ty.clone()));
        if public && !opts.skip {
            let name = match &opts.name {
                Some(n) => n.value(),
                None => unraw(&fident),
            };
            exposed.push((name, fident, field.ty.clone()));
        }
    }
    errors.finish()?;

    let value = quote!(::star_core::value::Value);
    let field_value = |owner: TokenStream, f: &syn::Ident, ty: &syn::Type| {
        quote_spanned! {ty.span()=>
            ::star_core::value::IntoValue::into_value(
                ::core::clone::Clone::clone(&#owner.#f))
        }
    };

    let mut repr_parts = Vec::new();
    for (i, (name, f, ty)) in exposed.iter().enumerate() {
        let label = if i == 0 {
            format!("{name} = ")
        } else {
            format!(", {name} = ")
        };
        let v = field_value(quote!(self), f, ty);
        repr_parts.push(quote! {
            __out.push_str(#label);
            #v.write_repr(__out);
        });
    }
    let equal_parts = exposed.iter().map(|(_, f, ty)| {
        let a = field_value(quote!(self), f, ty);
        let b = field_value(quote!(__other), f, ty);
        quote! {
            if !#a.equals(&#b)? {
                return ::core::result::Result::Ok(false);
            }
        }
    });
    let attr_arms = exposed.iter().map(|(name, f, ty)| {
        let v = field_value(quote!(self), f, ty);
        quote!(#name => ::core::option::Option::Some(#v),)
    });
    let mut names: Vec<&String> = exposed.iter().map(|(n, _, _)| n).collect();
    names.sort();

    // These and the bounds are spanned at the field types, so that a field type that is
    // not `FreezeSafe` gets one error, at the field (the compiler merges the duplicates).
    let freeze_bounds: Vec<TokenStream> = all
        .iter()
        .map(|(_, ty)| quote_spanned!(ty.span()=> #ty: ::star_core::value::FreezeSafe,))
        .collect();
    let freeze_fields: Vec<TokenStream> = all
        .iter()
        .map(|(f, ty)| {
            quote_spanned!(ty.span()=> ::star_core::value::FreezeSafe::freeze_contents(&self.#f, __freezer);)
        })
        .collect();

    // SAFETY (of the generated `unsafe impl FreezeSafe`): the derive gives scripts read
    // access to the fields only (attributes are clones, `set_attr` is refused), and every
    // field type is itself `FreezeSafe` (the where clause), so once `freeze_contents` has
    // frozen each field nothing reachable through `&self` changes.
    Ok(quote! {
        impl ::star_core::value::HostValue for #ident {
            fn type_name(&self) -> &'static str {
                #type_name
            }

            fn repr(&self, __out: &mut ::std::string::String) {
                __out.push_str(#type_name);
                __out.push('(');
                #(#repr_parts)*
                __out.push(')');
            }

            fn equals(&self, __other: &#value) -> ::star_core::error::Result<bool> {
                let ::core::option::Option::Some(__other) = __other.downcast_ref::<Self>() else {
                    return ::core::result::Result::Ok(false);
                };
                #(#equal_parts)*
                ::core::result::Result::Ok(true)
            }

            fn attr(&self, __name: &str) -> ::core::option::Option<#value> {
                match __name {
                    #(#attr_arms)*
                    _ => ::core::option::Option::None,
                }
            }

            fn attr_names(&self) -> ::std::vec::Vec<::std::string::String> {
                ::std::vec![#(::std::string::String::from(#names)),*]
            }

            fn methods(&self) -> &'static [&'static ::star_core::call::NativeFunction] {
                #[allow(unused_imports)]
                use ::star_core::__private::{ViaHostMethods as _, ViaNoMethods as _};
                (&::star_core::__private::MethodsProbe::<Self>::new()).star_methods()
            }
        }

        unsafe impl ::star_core::value::FreezeSafe for #ident
        where
            #(#freeze_bounds)*
        {
            fn freeze_contents(&self, __freezer: &mut ::star_core::value::Freezer) {
                #(#freeze_fields)*
            }
        }

        impl ::star_core::value::IntoValue for #ident
        where
            #(#freeze_bounds)*
        {
            fn into_value(self) -> #value {
                #value::host(self)
            }
        }

        impl<'__a> ::star_core::value::FromValue<'__a> for &'__a #ident {
            fn from_value(
                __v: &'__a #value,
            ) -> ::core::result::Result<Self, ::star_core::value::ConvError> {
                match __v.downcast_ref::<#ident>() {
                    ::core::option::Option::Some(__x) => ::core::result::Result::Ok(__x),
                    ::core::option::Option::None => ::core::result::Result::Err(
                        ::star_core::value::ConvError::wrong_type(__v, #type_name)),
                }
            }

            fn expected() -> ::std::string::String {
                ::std::string::String::from(#type_name)
            }
        }
    })
}
