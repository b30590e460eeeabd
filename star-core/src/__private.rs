//! Support for the code that `star-macros` generates. Not a public API: names and
//! signatures here change whenever the macros do.
//!
//! The generated wrapper of a builtin calls these helpers rather than inlining their
//! bodies, which keeps the expansion of each builtin small and the error messages in one
//! place: [`convert`] for a bound argument, [`receiver`] for a method's receiver,
//! [`args`] and [`kwargs`] for the extra arguments. [`MethodsProbe`] lets
//! `#[derive(StarValue)]` find the `#[star_methods]` table of a type when there is one
//! (the derive cannot see the impl block), by "autoref specialization": the method call
//! `(&MethodsProbe::<T>::new()).star_methods()` resolves to [`ViaHostMethods`] when
//! `T: HostMethods` and falls back to [`ViaNoMethods`] otherwise.

use std::marker::PhantomData;

use crate::call::{param_error, NativeFunction};
use crate::error::{Error, ErrorKind, Result};
use crate::value::{ConvError, FromValue, HostMethods, Str, Value};

/// Converts a bound argument to a parameter's Rust type.
#[inline]
pub fn convert<'a, T: FromValue<'a>>(function: &str, param: &str, v: &'a Value) -> Result<T> {
    match T::from_value(v) {
        Ok(x) => Ok(x),
        Err(e) => Err(param_error(function, param, e)),
    }
}

/// The error for a required parameter with no argument. `Signature::bind` reports
/// missing arguments first, so generated code only reaches this if a macro is wrong.
#[cold]
pub fn missing(function: &str, param: &str) -> Error {
    Error::new(
        ErrorKind::Arguments,
        format!("{function}: missing argument for required parameter \"{param}\""),
    )
}

/// Converts the receiver of a method: `upper: for receiver: got int, want string`.
#[inline]
pub fn receiver<'a, T: FromValue<'a>>(function: &str, v: &'a Value) -> Result<T> {
    match T::from_value(v) {
        Ok(x) => Ok(x),
        Err(e) => Err(receiver_error(function, e)),
    }
}

#[cold]
fn receiver_error(function: &str, e: ConvError) -> Error {
    Error::new(ErrorKind::Type, format!("{function}: for receiver: {e}"))
}

/// Converts the extra positional arguments (`*args`) into any collection.
pub fn args<'a, C, T>(function: &str, param: &str, items: &'a [Value]) -> Result<C>
where
    C: FromIterator<T>,
    T: FromValue<'a>,
{
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            T::from_value(v)
                .map_err(|e| param_error(function, param, ConvError(format!("at index {i}: {e}"))))
        })
        .collect()
}

/// Converts the extra keyword arguments (`**kwargs`) into any map from `String`.
pub fn kwargs<'a, M, T>(function: &str, param: &str, items: &'a [(Str, Value)]) -> Result<M>
where
    M: FromIterator<(String, T)>,
    T: FromValue<'a>,
{
    items
        .iter()
        .map(|(k, v)| {
            let key = k.to_str_lossy().into_owned();
            match T::from_value(v) {
                Ok(x) => Ok((key, x)),
                Err(e) => Err(param_error(
                    function,
                    param,
                    ConvError(format!("for key \"{key}\": {e}")),
                )),
            }
        })
        .collect()
}

/// The probe of [`ViaHostMethods`] / [`ViaNoMethods`].
pub struct MethodsProbe<T>(PhantomData<fn() -> T>);

impl<T> MethodsProbe<T> {
    /// A probe for `T`.
    pub fn new() -> MethodsProbe<T> {
        MethodsProbe(PhantomData)
    }
}

impl<T> Default for MethodsProbe<T> {
    fn default() -> Self {
        MethodsProbe::new()
    }
}

/// Picked when the type has a `#[star_methods]` impl.
pub trait ViaHostMethods {
    /// The methods.
    fn star_methods(&self) -> &'static [&'static NativeFunction];
}

impl<T: HostMethods> ViaHostMethods for MethodsProbe<T> {
    fn star_methods(&self) -> &'static [&'static NativeFunction] {
        T::methods()
    }
}

/// Picked otherwise: no methods.
pub trait ViaNoMethods {
    /// No methods.
    fn star_methods(&self) -> &'static [&'static NativeFunction];
}

impl<T> ViaNoMethods for &MethodsProbe<T> {
    fn star_methods(&self) -> &'static [&'static NativeFunction] {
        &[]
    }
}
