//! `__star_test_files!("dir", runner)`: one `#[test]` per `.star` file of a folder.
//!
//! The folder is read when the macro expands, relative to the manifest of the crate
//! being compiled. Each file is also `include_str!`ed, so editing a test file rebuilds
//! the tests (adding a file needs a rebuild of the test crate, as with any listing
//! done at compile time).

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, LitStr, Token};

struct Input {
    dir: LitStr,
    runner: Expr,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let dir = input.parse()?;
        input.parse::<Token![,]>()?;
        let runner = input.parse()?;
        Ok(Input { dir, runner })
    }
}

/// Expands the macro.
pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let Input { dir, runner } = syn::parse2(input)?;
    let root = std::env::var("CARGO_MANIFEST_DIR")
        .map_err(|_| syn::Error::new(dir.span(), "CARGO_MANIFEST_DIR is not set"))?;
    let path = std::path::Path::new(&root).join(dir.value());
    let entries = std::fs::read_dir(&path)
        .map_err(|e| syn::Error::new(dir.span(), format!("cannot read {}: {e}", path.display())))?;
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "star"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(syn::Error::new(
            dir.span(),
            format!("no .star files in {}", path.display()),
        ));
    }
    let tests = files.iter().map(|f| {
        let stem = f.file_stem().unwrap_or_default().to_string_lossy();
        let mut name: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            name.insert(0, '_');
        }
        // A Rust keyword (`struct.star`) becomes a raw identifier; the few keywords
        // that cannot be raw (`self`, `super`, `crate`, `Self`) get a suffix.
        let ident = match syn::parse_str::<Ident>(&name) {
            Ok(_) => Ident::new(&name, Span::call_site()),
            Err(_) if matches!(name.as_str(), "self" | "super" | "crate") => {
                Ident::new(&format!("{name}_"), Span::call_site())
            }
            Err(_) => Ident::new_raw(&name, Span::call_site()),
        };
        let file = f.to_string_lossy().into_owned();
        quote! {
            #[test]
            fn #ident() {
                const _: &str = include_str!(#file);
                let runner = #runner;
                ::star_core::testing::assert_star_file_with(#file, &runner);
            }
        }
    });
    Ok(quote! { #(#tests)* })
}
