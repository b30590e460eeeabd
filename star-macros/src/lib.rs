//! Procedural macros that expose Rust code to star scripts: `#[star_builtin]` (a
//! function), `#[star_module]` (a module of them), `#[derive(StarValue)]` (a struct as a
//! host value) and `#[star_methods]` (its methods). Use them through `star_core`, which
//! re-exports them; the generated code names `::star_core` and nothing else.
//!
//! ```
//! use star_core::{star_builtin, star_methods, star_module, Args, StarValue, Thread, Value};
//!
//! /// Greets someone.
//! #[star_builtin(signature = (name, *, punct = "!"))]
//! fn greet(name: &str, punct: String) -> String {
//!     format!("hello, {name}{punct}")
//! }
//!
//! /// Arithmetic.
//! #[star_module]
//! mod math {
//!     use star_core::star_builtin;
//!
//!     #[star(name = "pi")]
//!     pub const PI: f64 = std::f64::consts::PI;
//!
//!     /// Squares a number.
//!     #[star_builtin(pure)]
//!     pub fn square(x: f64) -> f64 {
//!         x * x
//!     }
//! }
//!
//! #[derive(StarValue)]
//! pub struct Point {
//!     pub x: i64,
//!     pub y: i64,
//! }
//!
//! #[star_methods]
//! impl Point {
//!     /// The squared length.
//!     pub fn norm2(&self) -> i64 {
//!         self.x * self.x + self.y * self.y
//!     }
//! }
//!
//! fn main() {
//!     let mut thread = Thread::default();
//!     let f = Value::Builtin(&greet::BUILTIN);
//!     let r = thread.call(&f, &Args::positional(&[Value::str("bob")])).unwrap();
//!     assert_eq!(r.repr(), r#""hello, bob!""#);
//!     assert_eq!(greet::BUILTIN.help(), "greet(name, *, punct=\"!\")\n\nGreets someone.");
//!
//!     let m = math::module(); // math.pi, math.square(x)
//!     assert!(m.help().contains("square(x)"));
//!
//!     let p = Value::host(Point { x: 3, y: 4 });
//!     assert_eq!(p.repr(), "Point(x = 3, y = 4)");
//!     let Value::Host(h) = &p else { unreachable!() };
//!     let norm2 = h.method("norm2").unwrap();
//!     let r = norm2.call_method(&mut thread, &p, &Args::positional(&[])).unwrap();
//!     assert_eq!(r.repr(), "25");
//! }
//! ```
//!
//! # Builtins
//!
//! `#[star_builtin]` keeps the function and adds a module of the same name holding
//! `pub static BUILTIN: NativeFunction`, so `f::BUILTIN` is the builtin of `fn f`. The
//! function must be an item of a module (not a local item of a function body), since
//! the generated module reaches the function and the types it uses through `super`.
//!
//! Options: `name = "script_name"`, `pure` (no side effects), `method` (the first
//! parameter is the receiver, converted with `FromValue`, for builtins attached to a
//! built-in type), and `signature = (...)`:
//!
//! - Without a signature, every parameter is positional-or-keyword, named as in Rust
//!   (without `r#`), required unless its type is `Option<T>` (absent means `None`).
//! - A signature names the script parameters in the Rust order, with `/` (those before
//!   are positional-only), `*` (those after are keyword-only), `*args` (type `Vec<T>`
//!   or any `FromIterator<T>`), `**kwargs` (any `FromIterator<(String, T)>`, such as
//!   `IndexMap<String, T>`) and defaults: `signature = (x, /, sep = " ", *args, end =
//!   "\n", **kwargs)`. A default is a Rust expression evaluated when the argument is
//!   absent and converted with `Into` to the parameter's type; its tokens are the
//!   default help text shows.
//! - A parameter of type `&mut Thread` or `&Thread` receives the calling thread and is
//!   not a script parameter.
//!
//! Arguments convert with `FromValue` (errors read `f: for parameter "x": got int, want
//! list`); the result converts with `IntoValue` (`()` is `None`), and a return type
//! whose last path segment is `Result` (`Result<T, E>`, `anyhow::Result<T>`,
//! `std::io::Result<T>`, `star_core::Result<T>`) maps `Err(e)` into a star error: a
//! star `Error` as is, any `std::error::Error` keeping its source, anything else that
//! is `Display` by its text. These checks read how types are written, so a type alias
//! is recognised only under the same last name (`type Result<T> = ...` works,
//! `type MyResult<T> = ...` does not).
//!
//! An `async fn` is an async builtin: the arguments are converted to owned Rust values
//! before its future is created, so borrowed parameter types (`&str`) and the thread
//! are compile errors there.
//!
//! # Modules
//!
//! `#[star_module]` (option `name = "..."`) on an inline `mod` adds
//! `pub fn module() -> NativeModule` with the module's `#[star_builtin]` functions
//! (except `method` ones) and its `const` items (named as in Rust unless
//! `#[star(name = "...")]`; `#[star(skip)]` leaves one out). The module's doc comment is
//! the module's help.
//!
//! # Host types
//!
//! `#[derive(StarValue)]` on a struct with named fields implements `HostValue`,
//! `FreezeSafe`, `IntoValue` and `FromValue for &T`. `pub` fields (unless
//! `#[star(skip)]`; renamed with `#[star(name = "...")]`) are read-only attributes and
//! must be `Clone + IntoValue`; every field must be `FreezeSafe`. `#[star(name =
//! "point")]` on the struct sets the type name (default: the struct's name). Values are
//! equal when all exposed fields are equal; they are unhashable.
//!
//! `#[star_methods]` on an inherent `impl` block makes each `&self` method a script
//! method, with the same argument handling as builtins; `#[star(name = "...", pure,
//! signature = (...))]` or `#[star(skip)]` on a method adjusts it. The derive picks the
//! methods up by itself.

use proc_macro::TokenStream;

mod builtin;
mod derive;
mod methods;
mod module;
mod options;
mod params;
mod test_files;
mod types;
mod wrapper;

/// Makes a function a script builtin: adds `f::BUILTIN`, a `NativeFunction`. See the
/// crate docs for the options and the parameter rules.
#[proc_macro_attribute]
pub fn star_builtin(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item_tokens = proc_macro2::TokenStream::from(item.clone());
    match syn::parse::<syn::ItemFn>(item) {
        Ok(f) => finish(builtin::expand(attr.into(), f), item_tokens),
        Err(e) => with_item(e, item_tokens),
    }
}

/// Makes an inline module a script module: adds `pub fn module() -> NativeModule`.
#[proc_macro_attribute]
pub fn star_module(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item_tokens = proc_macro2::TokenStream::from(item.clone());
    match syn::parse::<syn::ItemMod>(item) {
        Ok(m) => finish(module::expand(attr.into(), m), item_tokens),
        Err(e) => with_item(e, item_tokens),
    }
}

/// Makes the `&self` methods of an impl block script methods (`impl HostMethods`).
#[proc_macro_attribute]
pub fn star_methods(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item_tokens = proc_macro2::TokenStream::from(item.clone());
    match syn::parse::<syn::ItemImpl>(item) {
        Ok(i) => finish(methods::expand(attr.into(), i), item_tokens),
        Err(e) => with_item(e, item_tokens),
    }
}

/// Implements `HostValue`, `FreezeSafe`, `IntoValue` and `FromValue for &T` for a
/// struct with named fields.
#[proc_macro_derive(StarValue, attributes(star))]
pub fn star_value(item: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(item) {
        Ok(input) => match derive::expand(input) {
            Ok(ts) => ts.into(),
            Err(e) => e.to_compile_error().into(),
        },
        Err(e) => e.to_compile_error().into(),
    }
}

/// The expansion, or the item unchanged plus the errors (so that a mistake in the
/// attribute does not also make every use of the item an error).
fn finish(
    result: syn::Result<proc_macro2::TokenStream>,
    item: proc_macro2::TokenStream,
) -> TokenStream {
    match result {
        Ok(ts) => ts.into(),
        Err(e) => with_item(e, item),
    }
}

fn with_item(e: syn::Error, item: proc_macro2::TokenStream) -> TokenStream {
    let errors = e.to_compile_error();
    quote::quote!(#item #errors).into()
}

/// One `#[test]` per `.star` file of a folder; used through `star_core::star_test_files!`.
#[doc(hidden)]
#[proc_macro]
pub fn __star_test_files(input: TokenStream) -> TokenStream {
    test_files::expand(input.into())
        .unwrap_or_else(|e| e.to_compile_error())
        .into()
}
