//! The code behind one builtin: its `Signature`, its `NativeFunction` and the wrapper
//! function that unpacks the arguments, calls the Rust function and packs the result.
//!
//! `#[star_builtin]` and `#[star_methods]` both use this; they differ only in where the
//! statics live and how the Rust function is named. The wrapper follows the calling
//! convention of `star_core::call`: bind the arguments to slots (on the stack), convert
//! each slot with `FromValue` (or evaluate the default), call, convert the result with
//! `IntoValue`, mapping `Err(e)` through `__convert_star_error!`. For an async function the
//! same conversions run before the future is made, and the future is returned unpolled.

use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Expr, Type};

use crate::params::{Input, Kind, Params};
use crate::types;

/// Everything needed to generate one builtin.
pub struct Wrapper {
    /// The name scripts use.
    pub name: String,
    /// The help text.
    pub doc: String,
    /// Whether the builtin is pure.
    pub pure: bool,
    /// Whether the Rust function is `async`.
    pub is_async: bool,
    /// The parameters.
    pub params: Params,
    /// The declared return type (`None` for `-> ()` left out).
    pub output: Option<Type>,
    /// The path of the Rust function (`super::f`, `<Point>::area`).
    pub call: TokenStream,
    /// For methods: the type `Self` stands for in parameter types and defaults.
    pub self_ty: Option<TokenStream>,
}

impl Wrapper {
    /// Rewrites `Self` (methods only) and named lifetimes, so that a parameter type can
    /// be written in the wrapper.
    fn local_type(&self, ty: &Type) -> TokenStream {
        let ty = types::elide_lifetimes(ty);
        self.replace_self(ty.to_token_stream())
    }

    fn replace_self(&self, tokens: TokenStream) -> TokenStream {
        match &self.self_ty {
            Some(s) => types::replace_self(tokens, s),
            None => tokens,
        }
    }

    /// The `Signature` value (a constant expression).
    pub fn signature(&self) -> TokenStream {
        let params = self.params.script.iter().map(|p| {
            let name = &p.name;
            let kind = match p.kind {
                Kind::PositionalOnly => quote!(PositionalOnly),
                Kind::Normal => quote!(Normal),
                Kind::KeywordOnly => quote!(KeywordOnly),
                Kind::Args => quote!(Args),
                Kind::Kwargs => quote!(Kwargs),
            };
            let required = p.required();
            let default = match (&p.default, p.optional) {
                (Some(d), _) => {
                    let text = default_text(d);
                    quote!(::core::option::Option::Some(#text))
                }
                (None, true) => quote!(::core::option::Option::Some("None")),
                (None, false) => quote!(::core::option::Option::None),
            };
            let shown = match p.kind {
                Kind::Args | Kind::Kwargs => types::element_type(&p.ty).unwrap_or(&p.ty),
                _ => &p.ty,
            };
            let ty = types::script_type(shown);
            quote! {
                ::star_core::call::Param {
                    name: #name,
                    kind: ::star_core::call::ParamKind::#kind,
                    required: #required,
                    default: #default,
                    ty: #ty,
                }
            }
        });
        let script = &self.params.script;
        let count = |f: fn(Kind) -> bool| script.iter().filter(|p| f(p.kind)).count();
        let positional = count(|k| matches!(k, Kind::PositionalOnly | Kind::Normal));
        let positional_only = count(|k| k == Kind::PositionalOnly);
        let slots = script.iter().filter(|p| p.has_slot()).count();
        let has_args = script.iter().any(|p| p.kind == Kind::Args);
        let has_kwargs = script.iter().any(|p| p.kind == Kind::Kwargs);
        quote! {
            ::star_core::call::Signature {
                params: &[#(#params),*],
                positional: #positional,
                positional_only: #positional_only,
                slots: #slots,
                has_args: #has_args,
                has_kwargs: #has_kwargs,
            }
        }
    }

    /// The `NativeFunction` value, given the paths of the signature static and of the
    /// wrapper function.
    pub fn native_function(&self, signature: &Ident, invoke: &Ident) -> TokenStream {
        let name = &self.name;
        let doc = &self.doc;
        let pure = self.pure;
        let imp = if self.is_async {
            quote!(Async)
        } else {
            quote!(Sync)
        };
        quote! {
            ::star_core::call::NativeFunction {
                name: #name,
                doc: #doc,
                signature: &#signature,
                pure: #pure,
                imp: ::star_core::call::NativeImpl::#imp(#invoke),
            }
        }
    }

    /// The wrapper function `fn #invoke(thread, receiver, args) -> Result<..>`.
    pub fn invoke(&self, invoke: &Ident, signature: &Ident) -> TokenStream {
        let name = &self.name;
        let script = &self.params.script;
        let slots = script.iter().filter(|p| p.has_slot()).count();
        let has_extra = script.iter().any(|p| !p.has_slot());
        let bind = if has_extra {
            quote! {
                let mut __extra = ::star_core::call::Extra::default();
                #signature.bind(
                    __NAME, __args, &mut __slots, ::core::option::Option::Some(&mut __extra))?;
            }
        } else {
            quote! {
                #signature.bind(__NAME, __args, &mut __slots, ::core::option::Option::None)?;
            }
        };

        // A builtin whose parameters are all positional-only names them by position in
        // conversion errors (`find: for parameter 1: ...`), as the reference does.
        let by_position = script.iter().all(|p| p.kind == Kind::PositionalOnly);
        let mut conversions = Vec::new();
        let mut slot = 0usize;
        for (i, p) in script.iter().enumerate() {
            let local = format_ident!("__p{}", i);
            let ty = self.local_type(&p.ty);
            let pname = &p.name;
            let span = p.ty.span();
            let conversion = match p.kind {
                Kind::Args => quote_spanned! {span=>
                    let #local: #ty =
                        ::star_core::__private::args(__NAME, #pname, &__extra.args)?;
                },
                Kind::Kwargs => quote_spanned! {span=>
                    let #local: #ty =
                        ::star_core::__private::kwargs(__NAME, #pname, &__extra.kwargs)?;
                },
                _ => {
                    let absent = match &p.default {
                        // A number type takes the default as is, so that a literal
                        // gets the parameter's type (`Into` would leave `2` an i32).
                        Some(d) if types::is_number(&p.ty) => {
                            self.replace_self(d.to_token_stream())
                        }
                        Some(d) => {
                            let d = self.replace_self(d.to_token_stream());
                            quote_spanned!(d.span()=> ::core::convert::Into::into(#d))
                        }
                        None if p.optional => quote!(::core::option::Option::None),
                        None => quote! {
                            return ::core::result::Result::Err(
                                ::star_core::__private::missing(__NAME, #pname))
                        },
                    };
                    let shown = match by_position {
                        true => (slot + 1).to_string(),
                        false => pname.clone(),
                    };
                    let convert = quote_spanned! {span=>
                        ::star_core::__private::convert(__NAME, #shown, __v)?
                    };
                    let s = slot;
                    slot += 1;
                    quote! {
                        let #local: #ty = match __slots[#s] {
                            ::core::option::Option::Some(__v) => #convert,
                            ::core::option::Option::None => #absent,
                        };
                    }
                }
            };
            conversions.push(conversion);
        }

        let mut call_args = Vec::new();
        for input in &self.params.inputs {
            call_args.push(match input {
                Input::Thread { mutable: true } => quote!(__thread),
                Input::Thread { mutable: false } => quote!(&*__thread),
                Input::Receiver { ty } => {
                    let ty = self.local_type(ty);
                    conversions.insert(
                        0,
                        quote_spanned! {ty.span()=>
                            let __recv: #ty =
                                ::star_core::__private::receiver(__NAME, __receiver)?;
                        },
                    );
                    quote!(__recv)
                }
                Input::Script(i) => format_ident!("__p{}", i).into_token_stream(),
            });
        }
        let func = &self.call;
        let call = if self.is_async {
            quote!(#func(#(#call_args),*).await)
        } else {
            quote!(#func(#(#call_args),*))
        };
        let result = self.result(call);

        let value = quote!(::star_core::value::Value);
        let body_end = if self.is_async {
            quote! {
                let __future: ::star_core::call::NativeFuture =
                    ::std::boxed::Box::pin(async move {
                        let __out: ::star_core::error::Result<#value> = #result;
                        __out
                    });
                ::core::result::Result::Ok(__future)
            }
        } else {
            result
        };
        let ret = if self.is_async {
            quote!(::star_core::call::NativeFuture)
        } else {
            value.clone()
        };
        quote! {
            #[doc(hidden)]
            fn #invoke(
                __thread: &mut ::star_core::thread::Thread,
                __receiver: &#value,
                __args: &::star_core::call::Args<'_>,
            ) -> ::star_core::error::Result<#ret> {
                const __NAME: &str = #name;
                let mut __slots: [::core::option::Option<&#value>; #slots] =
                    [::core::option::Option::None; #slots];
                #bind
                #(#conversions)*
                #body_end
            }
        }
    }

    /// The expression converting the result of `call` into `Result<Value>`.
    fn result(&self, call: TokenStream) -> TokenStream {
        match &self.output {
            None => quote! {{
                #call;
                ::core::result::Result::Ok(::star_core::value::Value::None)
            }},
            Some(ty) if types::is_result(ty) => quote_spanned! {ty.span()=>
                match #call {
                    ::core::result::Result::Ok(__r) => ::core::result::Result::Ok(
                        ::star_core::value::IntoValue::into_value(__r)),
                    ::core::result::Result::Err(__e) => ::core::result::Result::Err(
                        ::star_core::__convert_star_error!(__e)),
                }
            },
            Some(ty) if types::is_unit(ty) => quote! {{
                #call;
                ::core::result::Result::Ok(::star_core::value::Value::None)
            }},
            Some(ty) => quote_spanned! {ty.span()=>
                ::core::result::Result::Ok(::star_core::value::IntoValue::into_value(#call))
            },
        }
    }
}

/// The default as help text shows it: literals as written (booleans and `None` in
/// script spelling), anything else as compact Rust tokens.
fn default_text(e: &Expr) -> String {
    match e {
        Expr::Lit(l) => match &l.lit {
            syn::Lit::Bool(b) => if b.value { "True" } else { "False" }.to_string(),
            lit => lit.to_token_stream().to_string(),
        },
        Expr::Path(p) if p.path.is_ident("None") => "None".to_string(),
        _ => {
            let mut out = String::new();
            compact(e.to_token_stream(), &mut out);
            out
        }
    }
}

/// Prints tokens with spaces only where needed: between two words, and after commas.
fn compact(tokens: TokenStream, out: &mut String) {
    let mut word_before = false;
    for tt in tokens {
        match tt {
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                if word_before {
                    out.push(' ');
                }
                out.push_str(&tt.to_string());
                word_before = true;
            }
            TokenTree::Punct(p) => {
                out.push(p.as_char());
                if p.as_char() == ',' {
                    out.push(' ');
                }
                word_before = false;
            }
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                compact(g.stream(), out);
                out.push_str(close);
                word_before = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::default_text;

    #[test]
    fn defaults_read_as_written() {
        let text = |e: syn::Expr| default_text(&e);
        assert_eq!(text(syn::parse_quote!(" ")), r#"" ""#);
        assert_eq!(text(syn::parse_quote!("\n")), r#""\n""#);
        assert_eq!(text(syn::parse_quote!(true)), "True");
        assert_eq!(text(syn::parse_quote!(None)), "None");
        assert_eq!(text(syn::parse_quote!(-1)), "-1");
        assert_eq!(text(syn::parse_quote!(Vec::new())), "Vec::new()");
        assert_eq!(text(syn::parse_quote!(vec![1, 2])), "vec![1, 2]");
        assert_eq!(text(syn::parse_quote!(a as u8)), "a as u8");
    }
}
