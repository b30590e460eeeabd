//! The `math` module: constants and functions on floats, as in google/starlark-go's
//! `lib/math`.
//!
//! Every function takes ints and floats alike (an int becomes the nearest float, or an
//! infinity if it is too large for one), positionally only, and returns a float, except
//! `ceil` and `floor`, which return ints (of any size; an int argument is returned as
//! it is). Domain errors are not errors but NaN (`math.sqrt(-1)`) or an infinity
//! (`math.log(0)`), as in Go; the errors are for arguments of the wrong type (`got
//! string, want float or int`), for `ceil` and `floor` of a non-finite float (`cannot
//! convert float infinity to integer`), and for `log` in base 1 (`division by zero`).
//!
//! The functions are Rust's (the platform's maths library) and, for `gamma` and
//! `remainder`, the `libm` crate's, where Go has its own implementations: results agree
//! with the reference's tests and at special values (infinities, NaN, zeros, small
//! integers), and elsewhere may differ in the last bit.

use num_bigint::BigInt;
use num_traits::{FromPrimitive, ToPrimitive};
use star_core::value::{ConvError, FromValue, NativeModule};
use star_core::{Error, Value};

/// The `math` module (`Value::from(math::module())` is the value to predeclare).
pub fn module() -> NativeModule {
    functions::module()
}

/// A number argument: an int or a float, read as a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FloatOrInt(pub f64);

impl<'a> FromValue<'a> for FloatOrInt {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Float(f) => Ok(FloatOrInt(*f)),
            Value::Int(i) => Ok(FloatOrInt(*i as f64)),
            // The nearest float, or an infinity (as in Go).
            Value::BigInt(b) => Ok(FloatOrInt(b.to_f64().unwrap_or(f64::NAN))),
            _ => Err(ConvError::wrong_type(v, "float or int")),
        }
    }
    fn expected() -> String {
        "float or int".into()
    }
}

impl From<f64> for FloatOrInt {
    fn from(f: f64) -> FloatOrInt {
        FloatOrInt(f)
    }
}

/// The argument of `ceil` and `floor`: an int (kept exact) or a float.
pub(crate) enum IntOrFloat {
    /// An int, of any size.
    Int(Value),
    /// A float.
    Float(f64),
}

impl<'a> FromValue<'a> for IntOrFloat {
    fn from_value(v: &'a Value) -> Result<Self, ConvError> {
        match v {
            Value::Int(_) | Value::BigInt(_) => Ok(IntOrFloat::Int(v.clone())),
            Value::Float(f) => Ok(IntOrFloat::Float(*f)),
            _ => Err(ConvError::wrong_type(v, "float or int")),
        }
    }
    fn expected() -> String {
        "float or int".into()
    }
}

/// `x` rounded by `round` (which must give an integral float), as an int.
fn to_int(x: IntOrFloat, round: fn(f64) -> f64) -> Result<Value, Error> {
    let f = match x {
        IntOrFloat::Int(v) => return Ok(v),
        IntOrFloat::Float(f) => round(f),
    };
    if f.is_nan() {
        return Err(Error::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(Error::value_error(
            "cannot convert float infinity to integer",
        ));
    }
    if f.abs() < 9.0e18 {
        return Ok(Value::Int(f as i64));
    }
    // An integral float converts exactly.
    Ok(Value::from_bigint(BigInt::from_f64(f).unwrap_or_default()))
}

/// Constants and mathematical functions.
///
/// All functions accept ints and floats. ceil and floor return ints; the others return
/// floats, NaN or an infinity outside their domain (sqrt(-1) is nan, log(0) is -inf).
#[star_core::star_module(name = "math")]
mod functions {
    use star_core::{star_builtin, Error, Result, Value};

    use super::{to_int, FloatOrInt, IntOrFloat};

    /// The base of natural logarithms, approximately 2.71828.
    #[star(name = "e")]
    pub const E: f64 = std::f64::consts::E;

    /// The ratio of a circle's circumference to its diameter, approximately 3.14159.
    #[star(name = "pi")]
    pub const PI: f64 = std::f64::consts::PI;

    /// Returns the ceiling of x, the smallest integer greater than or equal to x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn ceil(x: IntOrFloat) -> Result<Value> {
        to_int(x, f64::ceil)
    }

    /// Returns a value with the magnitude of x and the sign of y.
    #[star_builtin(signature = (x, y, /), pure)]
    pub fn copysign(x: FloatOrInt, y: FloatOrInt) -> f64 {
        x.0.copysign(y.0)
    }

    /// Returns the absolute value of x, as a float.
    #[star_builtin(signature = (x, /), pure)]
    pub fn fabs(x: FloatOrInt) -> f64 {
        x.0.abs()
    }

    /// Returns the floor of x, the largest integer less than or equal to x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn floor(x: IntOrFloat) -> Result<Value> {
        to_int(x, f64::floor)
    }

    /// Returns the floating-point remainder of x/y: its magnitude is less than that of
    /// y and its sign is that of x.
    #[star_builtin(name = "mod", signature = (x, y, /), pure)]
    pub fn r#mod(x: FloatOrInt, y: FloatOrInt) -> f64 {
        x.0 % y.0
    }

    /// Returns x**y, the base-x exponential of y.
    #[star_builtin(signature = (x, y, /), pure)]
    pub fn pow(x: FloatOrInt, y: FloatOrInt) -> f64 {
        x.0.powf(y.0)
    }

    /// Returns the IEEE 754 floating-point remainder of x/y: x - n*y for the integer n
    /// nearest to x/y (the even one on a tie).
    #[star_builtin(signature = (x, y, /), pure)]
    pub fn remainder(x: FloatOrInt, y: FloatOrInt) -> f64 {
        libm::remainder(x.0, y.0)
    }

    /// Returns the nearest integer to x as a float, rounding half away from zero.
    #[star_builtin(signature = (x, /), pure)]
    pub fn round(x: FloatOrInt) -> f64 {
        x.0.round()
    }

    /// Returns e raised to the power x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn exp(x: FloatOrInt) -> f64 {
        x.0.exp()
    }

    /// Returns the square root of x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn sqrt(x: FloatOrInt) -> f64 {
        x.0.sqrt()
    }

    /// Returns the arc cosine of x, in radians.
    #[star_builtin(signature = (x, /), pure)]
    pub fn acos(x: FloatOrInt) -> f64 {
        x.0.acos()
    }

    /// Returns the arc sine of x, in radians.
    #[star_builtin(signature = (x, /), pure)]
    pub fn asin(x: FloatOrInt) -> f64 {
        x.0.asin()
    }

    /// Returns the arc tangent of x, in radians.
    #[star_builtin(signature = (x, /), pure)]
    pub fn atan(x: FloatOrInt) -> f64 {
        x.0.atan()
    }

    /// Returns atan(y / x), in radians, between -pi and pi: the angle of the point
    /// (x, y) with the positive X axis, in the quadrant the signs of both give.
    #[star_builtin(signature = (y, x, /), pure)]
    pub fn atan2(y: FloatOrInt, x: FloatOrInt) -> f64 {
        y.0.atan2(x.0)
    }

    /// Returns the cosine of x (in radians).
    #[star_builtin(signature = (x, /), pure)]
    pub fn cos(x: FloatOrInt) -> f64 {
        x.0.cos()
    }

    /// Returns the Euclidean norm sqrt(x*x + y*y), the distance of the point (x, y)
    /// from the origin.
    #[star_builtin(signature = (x, y, /), pure)]
    pub fn hypot(x: FloatOrInt, y: FloatOrInt) -> f64 {
        x.0.hypot(y.0)
    }

    /// Returns the sine of x (in radians).
    #[star_builtin(signature = (x, /), pure)]
    pub fn sin(x: FloatOrInt) -> f64 {
        x.0.sin()
    }

    /// Returns the tangent of x (in radians).
    #[star_builtin(signature = (x, /), pure)]
    pub fn tan(x: FloatOrInt) -> f64 {
        x.0.tan()
    }

    /// Converts the angle x from radians to degrees.
    #[star_builtin(signature = (x, /), pure)]
    pub fn degrees(x: FloatOrInt) -> f64 {
        360.0 * x.0 / (2.0 * PI)
    }

    /// Converts the angle x from degrees to radians.
    #[star_builtin(signature = (x, /), pure)]
    pub fn radians(x: FloatOrInt) -> f64 {
        2.0 * PI * x.0 / 360.0
    }

    /// Returns the inverse hyperbolic cosine of x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn acosh(x: FloatOrInt) -> f64 {
        x.0.acosh()
    }

    /// Returns the inverse hyperbolic sine of x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn asinh(x: FloatOrInt) -> f64 {
        x.0.asinh()
    }

    /// Returns the inverse hyperbolic tangent of x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn atanh(x: FloatOrInt) -> f64 {
        x.0.atanh()
    }

    /// Returns the hyperbolic cosine of x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn cosh(x: FloatOrInt) -> f64 {
        x.0.cosh()
    }

    /// Returns the hyperbolic sine of x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn sinh(x: FloatOrInt) -> f64 {
        x.0.sinh()
    }

    /// Returns the hyperbolic tangent of x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn tanh(x: FloatOrInt) -> f64 {
        x.0.tanh()
    }

    /// Returns the logarithm of x in the given base (by default e, the natural
    /// logarithm). Base 1 is an error.
    #[star_builtin(signature = (x, base = E, /), pure)]
    pub fn log(x: FloatOrInt, base: FloatOrInt) -> Result<f64> {
        if base.0 == 1.0 {
            return Err(Error::value_error("division by zero"));
        }
        Ok(x.0.ln() / base.0.ln())
    }

    /// Returns the Gamma function of x.
    #[star_builtin(signature = (x, /), pure)]
    pub fn gamma(x: FloatOrInt) -> f64 {
        libm::tgamma(x.0)
    }
}
