//! Strings and byte strings: immutable, shared, one pointer wide.
//!
//! A Starlark string is a sequence of bytes (usually, not necessarily, UTF-8), indexed by
//! byte as in google/starlark-go. [`Str`] and [`Bytes`] are both a thin atomic reference
//! to one allocation holding a small header and the bytes (`triomphe::ThinArc`): cloning
//! is one atomic increment, no copy, and the value stays 8 bytes so that [`Value`] fits
//! in 16. The header caches the hash used by dict keys (computed on first use) and
//! whether the bytes are valid UTF-8, so that repeated lookups and conversions to `&str`
//! cost nothing after the first.
//!
//! [`Value`]: crate::value::Value

use std::borrow::Cow;
use std::fmt;
use std::hash::Hasher;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};

use triomphe::ThinArc;

use super::memory;

#[derive(Debug)]
struct Header {
    /// 0 until computed; see [`ByteStr::hash32`].
    hash: AtomicU32,
    /// 0 unknown, 1 valid UTF-8, 2 not UTF-8.
    utf8: AtomicU8,
}

/// The shared representation of [`Str`] and [`Bytes`].
#[derive(Clone)]
struct ByteStr(ThinArc<Header, u8>);

/// The bytes a string's allocation takes besides its contents (count, header, length),
/// for the memory account.
const OVERHEAD: usize = 24;

impl Drop for ByteStr {
    #[inline]
    fn drop(&mut self) {
        // The last reference gives the allocation back to the memory account. (Two
        // threads dropping the last two references of a shared string at once both see
        // two: the credit is lost, and the account errs upwards.)
        if ThinArc::strong_count(&self.0) == 1 {
            memory::credit(OVERHEAD + self.0.slice.len());
        }
    }
}

impl ByteStr {
    fn new(bytes: &[u8], utf8: u8) -> ByteStr {
        memory::charge(OVERHEAD + bytes.len());
        ByteStr(ThinArc::from_header_and_slice(
            Header {
                hash: AtomicU32::new(0),
                utf8: AtomicU8::new(utf8),
            },
            bytes,
        ))
    }

    /// `len` bytes written in place by `fill` (into a zeroed buffer), in one
    /// allocation: no intermediate `Vec` and no second copy.
    #[inline]
    fn build(len: usize, utf8: u8, fill: impl FnOnce(&mut [u8])) -> ByteStr {
        /// Zeros to copy from: triomphe fills from a slice with one `memcpy`, but from
        /// an iterator byte by byte.
        static ZEROS: [u8; 256] = [0; 256];
        memory::charge(OVERHEAD + len);
        let header = Header {
            hash: AtomicU32::new(0),
            utf8: AtomicU8::new(utf8),
        };
        let mut arc = match ZEROS.get(..len) {
            Some(zeros) => ThinArc::from_header_and_slice(header, zeros),
            None => ThinArc::from_header_and_iter(header, std::iter::repeat_n(0u8, len)),
        };
        arc.with_arc_mut(|a| {
            let inner = triomphe::Arc::get_mut(a).expect("a new string is not shared");
            fill(inner.slice_mut())
        });
        ByteStr(arc)
    }

    #[inline]
    fn bytes(&self) -> &[u8] {
        &self.0.slice
    }

    #[inline]
    fn hash32(&self) -> u32 {
        let h = self.0.header.header.hash.load(Ordering::Relaxed);
        if h != 0 {
            return h;
        }
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write(self.bytes());
        let full = hasher.finish();
        let h = ((full >> 32) as u32 ^ full as u32).max(1);
        self.0.header.header.hash.store(h, Ordering::Relaxed);
        h
    }

    #[inline]
    fn is_utf8(&self) -> bool {
        match self.0.header.header.utf8.load(Ordering::Relaxed) {
            1 => true,
            2 => false,
            _ => {
                let ok = std::str::from_utf8(self.bytes()).is_ok();
                self.0
                    .header
                    .header
                    .utf8
                    .store(if ok { 1 } else { 2 }, Ordering::Relaxed);
                ok
            }
        }
    }

    fn ptr_eq(&self, other: &ByteStr) -> bool {
        ThinArc::ptr(&self.0) == ThinArc::ptr(&other.0)
    }
}

/// A Starlark string: immutable bytes, cheap to clone.
#[derive(Clone)]
pub struct Str(ByteStr);

impl Str {
    /// A string from UTF-8 text.
    pub fn new(s: &str) -> Str {
        Str(ByteStr::new(s.as_bytes(), 1))
    }

    /// A string from arbitrary bytes (Starlark strings need not be valid UTF-8).
    pub fn from_bytes(b: &[u8]) -> Str {
        Str(ByteStr::new(b, 0))
    }

    /// The concatenation of several pieces, in one allocation.
    pub fn concat(parts: &[&[u8]]) -> Str {
        let len = parts.iter().map(|p| p.len()).sum();
        Str::build(len, |buf| {
            let mut at = 0;
            for p in parts {
                buf[at..at + p.len()].copy_from_slice(p);
                at += p.len();
            }
        })
    }

    /// A string of `len` bytes that `fill` writes in place (the buffer it gets starts
    /// zeroed), in one allocation.
    #[inline]
    pub fn build(len: usize, fill: impl FnOnce(&mut [u8])) -> Str {
        Str(ByteStr::build(len, 0, fill))
    }

    /// The bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.0.bytes()
    }

    /// The text, if the bytes are valid UTF-8 (checked once, then remembered).
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        if self.0.is_utf8() {
            // SAFETY: validated (and cached) by `is_utf8`.
            Some(unsafe { std::str::from_utf8_unchecked(self.as_bytes()) })
        } else {
            None
        }
    }

    /// The text, with invalid UTF-8 replaced by U+FFFD.
    pub fn to_str_lossy(&self) -> Cow<'_, str> {
        match self.as_str() {
            Some(s) => Cow::Borrowed(s),
            None => String::from_utf8_lossy(self.as_bytes()),
        }
    }

    /// The length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether the string is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A fast hash of the bytes (not the one `hash()` returns), cached after first use.
    #[inline]
    pub fn hash32(&self) -> u32 {
        self.0.hash32()
    }

    /// Whether both are the same allocation (a cheap test before comparing bytes).
    #[inline]
    pub fn ptr_eq(&self, other: &Str) -> bool {
        self.0.ptr_eq(&other.0)
    }
}

impl PartialEq for Str {
    #[inline]
    fn eq(&self, other: &Str) -> bool {
        self.ptr_eq(other) || self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Str {}

impl std::hash::Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u32(self.hash32());
    }
}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_str_lossy(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str_lossy())
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str::new(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::new(&s)
    }
}

/// A Starlark `bytes` value: an immutable byte sequence, cheap to clone.
#[derive(Clone)]
pub struct Bytes(ByteStr);

impl Bytes {
    /// Bytes from a slice.
    pub fn new(b: &[u8]) -> Bytes {
        Bytes(ByteStr::new(b, 0))
    }

    /// The bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.0.bytes()
    }

    /// The length.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether there are no bytes.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A fast hash of the bytes, cached after first use.
    #[inline]
    pub fn hash32(&self) -> u32 {
        self.0.hash32()
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Bytes) -> bool {
        self.0.ptr_eq(&other.0) || self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Bytes {}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_thin_and_shared() {
        assert_eq!(std::mem::size_of::<Str>(), 8);
        let a = Str::new("héllo");
        let b = a.clone();
        assert!(a.ptr_eq(&b));
        assert_eq!(a.as_str(), Some("héllo"));
        assert_eq!(a.len(), 6);
        assert_eq!(a.hash32(), Str::new("héllo").hash32());
    }

    #[test]
    fn invalid_utf8_is_a_string_too() {
        let s = Str::from_bytes(b"a\xffb");
        assert_eq!(s.as_str(), None);
        assert_eq!(s.to_str_lossy(), "a\u{fffd}b");
    }

    #[test]
    fn concat_joins_pieces() {
        let s = Str::concat(&[b"ab", b"", b"cde"]);
        assert_eq!(s.as_str(), Some("abcde"));
        assert_eq!(Str::concat(&[]).len(), 0);
        assert_eq!(Str::concat(&[b"\xff", b"\xfe"]).as_bytes(), b"\xff\xfe");
        assert_eq!(Str::concat(&[b"\xc3", b"\xa9"]).as_str(), Some("\u{e9}"));
    }

    #[test]
    fn build_writes_in_place() {
        let s = Str::build(3, |b| b.copy_from_slice(b"a\xffc"));
        assert_eq!(s.as_bytes(), b"a\xffc");
        assert_eq!(s.as_str(), None);
        assert_eq!(Str::build(0, |_| {}).len(), 0);
        assert_eq!(Str::build(2, |_| {}).as_bytes(), b"\0\0");
        let long = Str::build(300, |b| b[299] = b'x');
        assert_eq!(long.len(), 300);
        assert!(long.as_bytes()[..299].iter().all(|&b| b == 0));
    }
}
