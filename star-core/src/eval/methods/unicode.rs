//! Text as Go's `unicode` and `unicode/utf8` packages see it, for the string methods.
//!
//! The reference implementation decodes strings with Go's `for range`: a byte that does
//! not start a valid UTF-8 sequence is one U+FFFD of width one, so a string that is not
//! valid UTF-8 still splits into runes in exactly one way ([`Runes`]). Its character
//! classes are Unicode general categories (`IsLetter` is L, `IsDigit` is Nd, `IsUpper`
//! is Lu, `IsLower` is Ll, `IsTitle` is Lt) and its case mappings are the simple,
//! one-to-one mappings of UnicodeData.txt.
//!
//! Rust's `char` offers derived properties (Alphabetic, Lowercase, Uppercase,
//! White_Space) and full case mappings instead. Each Go function here is the Rust one
//! corrected by a small table: the derived property minus the code points outside the
//! category (tables generated from the Unicode Character Database), and the full
//! mapping where it is one character (which is then the simple mapping), with the few
//! simple mappings of characters whose full mapping is several characters written out.
//! `White_Space` is exactly Go's `IsSpace`.

use std::cmp::Ordering;

/// The rune Go decodes for a byte that does not start a valid UTF-8 sequence.
pub(super) const REPLACEMENT: char = '\u{FFFD}';

/// Decodes the first rune of a non-empty byte string: the rune and its width in bytes,
/// or ([`REPLACEMENT`], 1) if the bytes do not start with a valid UTF-8 sequence.
#[inline]
pub(super) fn decode_rune(b: &[u8]) -> (char, usize) {
    let width = match b[0] {
        0x00..=0x7F => return (b[0] as char, 1),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (REPLACEMENT, 1),
    };
    // `from_utf8` rejects what Go rejects: overlong forms, surrogates, > U+10FFFF.
    match b.get(..width).map(std::str::from_utf8) {
        Some(Ok(s)) => (s.chars().next().unwrap_or(REPLACEMENT), width),
        _ => (REPLACEMENT, 1),
    }
}

/// The runes of a byte string with their byte offsets and widths, decoded as Go's
/// `for i, r := range s` does.
pub(super) struct Runes<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Runes<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Runes<'a> {
        Runes { bytes, pos: 0 }
    }
}

impl Iterator for Runes<'_> {
    /// (offset, rune, width)
    type Item = (usize, char, usize);

    fn next(&mut self) -> Option<(usize, char, usize)> {
        let rest = self.bytes.get(self.pos..).filter(|r| !r.is_empty())?;
        let (c, w) = decode_rune(rest);
        let at = self.pos;
        self.pos += w;
        Some((at, c, w))
    }
}

/// The number of runes, as Go's `utf8.RuneCount`.
pub(super) fn rune_count(b: &[u8]) -> usize {
    Runes::new(b).count()
}

/// Each rune of `b` mapped by `f`, encoded as UTF-8 (invalid bytes become U+FFFD
/// first, as in Go's `strings.Map`).
pub(super) fn map_runes(b: &[u8], mut f: impl FnMut(usize, char) -> char) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut buf = [0u8; 4];
    for (i, c, _) in Runes::new(b) {
        out.extend_from_slice(f(i, c).encode_utf8(&mut buf).as_bytes());
    }
    out
}

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                Ordering::Less
            } else if lo > c {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's `unicode.IsLetter`: category L.
pub(super) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.is_alphabetic() && !in_table(ALPHABETIC_NOT_LETTERS, c)
}

/// Go's `unicode.IsDigit`: category Nd.
pub(super) fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_table(DECIMAL_DIGITS, c)
}

/// Go's `unicode.IsSpace`: the White_Space property.
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `unicode.IsUpper`: category Lu.
pub(super) fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    c.is_uppercase() && !in_table(OTHER_UPPERCASE, c)
}

/// Go's `unicode.IsLower`: category Ll.
pub(super) fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    c.is_lowercase() && !in_table(OTHER_LOWERCASE, c)
}

/// Go's `unicode.IsTitle`: category Lt.
pub(super) fn is_title(c: char) -> bool {
    matches!(
        c,
        '\u{01C5}'
            | '\u{01C8}'
            | '\u{01CB}'
            | '\u{01F2}'
            | '\u{1F88}'..='\u{1F8F}'
            | '\u{1F98}'..='\u{1F9F}'
            | '\u{1FA8}'..='\u{1FAF}'
            | '\u{1FBC}'
            | '\u{1FCC}'
            | '\u{1FFC}'
    )
}

/// Go's `unicode.ToLower`: the simple lowercase mapping.
pub(super) fn to_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut full = c.to_lowercase();
    match (full.next(), full.next()) {
        (Some(l), None) => l,
        // The only character whose full lowercase is longer than one: İ.
        _ if c == '\u{0130}' => 'i',
        _ => c,
    }
}

/// Go's `unicode.ToUpper`: the simple uppercase mapping.
pub(super) fn to_upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut full = c.to_uppercase();
    match (full.next(), full.next()) {
        (Some(u), None) => u,
        // Of the characters whose full uppercase is longer than one (ß → SS, ﬁ → FI,
        // ...), only the Greek letters with ypogegrammeni have a simple mapping: to the
        // letter with prosgegrammeni.
        _ => match c {
            '\u{1F80}'..='\u{1F87}' | '\u{1F90}'..='\u{1F97}' | '\u{1FA0}'..='\u{1FA7}' => {
                char::from_u32(c as u32 + 8).unwrap_or(c)
            }
            '\u{1FB3}' | '\u{1FC3}' | '\u{1FF3}' => char::from_u32(c as u32 + 9).unwrap_or(c),
            _ => c,
        },
    }
}

/// Go's `unicode.ToTitle`: the simple titlecase mapping, which differs from the
/// uppercase one only for the digraphs DŽ, LJ, NJ and DZ.
pub(super) fn to_title(c: char) -> char {
    match c {
        '\u{01C4}'..='\u{01C6}' => '\u{01C5}',
        '\u{01C7}'..='\u{01C9}' => '\u{01C8}',
        '\u{01CA}'..='\u{01CC}' => '\u{01CB}',
        '\u{01F1}'..='\u{01F3}' => '\u{01F2}',
        _ => to_upper(c),
    }
}

/// Whether a rune is cased as the reference's `isCasedRune` decides: an ASCII letter, or
/// one whose simple case folding (`unicode.SimpleFold`) is another rune. That is a rune
/// with a different simple lower or upper case, except İ and ı (which Go folds to
/// themselves), plus ß (which folds to ẞ).
pub(super) fn is_cased(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    match c {
        '\u{0130}' | '\u{0131}' => false,
        '\u{00DF}' => true,
        _ => to_lower(c) != c || to_upper(c) != c,
    }
}

/// Go's `unicode.Digit` (category Nd): decimal digits.
#[rustfmt::skip]
static DECIMAL_DIGITS: &[(u32, u32)] = &[
    (0x0030, 0x0039), (0x0660, 0x0669), (0x06F0, 0x06F9), (0x07C0, 0x07C9), (0x0966, 0x096F),
    (0x09E6, 0x09EF), (0x0A66, 0x0A6F), (0x0AE6, 0x0AEF), (0x0B66, 0x0B6F), (0x0BE6, 0x0BEF),
    (0x0C66, 0x0C6F), (0x0CE6, 0x0CEF), (0x0D66, 0x0D6F), (0x0DE6, 0x0DEF), (0x0E50, 0x0E59),
    (0x0ED0, 0x0ED9), (0x0F20, 0x0F29), (0x1040, 0x1049), (0x1090, 0x1099), (0x17E0, 0x17E9),
    (0x1810, 0x1819), (0x1946, 0x194F), (0x19D0, 0x19D9), (0x1A80, 0x1A89), (0x1A90, 0x1A99),
    (0x1B50, 0x1B59), (0x1BB0, 0x1BB9), (0x1C40, 0x1C49), (0x1C50, 0x1C59), (0xA620, 0xA629),
    (0xA8D0, 0xA8D9), (0xA900, 0xA909), (0xA9D0, 0xA9D9), (0xA9F0, 0xA9F9), (0xAA50, 0xAA59),
    (0xABF0, 0xABF9), (0xFF10, 0xFF19), (0x104A0, 0x104A9), (0x10D30, 0x10D39),
    (0x11066, 0x1106F), (0x110F0, 0x110F9), (0x11136, 0x1113F), (0x111D0, 0x111D9),
    (0x112F0, 0x112F9), (0x11450, 0x11459), (0x114D0, 0x114D9), (0x11650, 0x11659),
    (0x116C0, 0x116C9), (0x11730, 0x11739), (0x118E0, 0x118E9), (0x11950, 0x11959),
    (0x11C50, 0x11C59), (0x11D50, 0x11D59), (0x11DA0, 0x11DA9), (0x11F50, 0x11F59),
    (0x16A60, 0x16A69), (0x16AC0, 0x16AC9), (0x16B50, 0x16B59), (0x1D7CE, 0x1D7FF),
    (0x1E140, 0x1E149), (0x1E2F0, 0x1E2F9), (0x1E4F0, 0x1E4F9), (0x1E950, 0x1E959),
    (0x1FBF0, 0x1FBF9),
];

/// Code points with the Alphabetic property that are not letters (category L):
/// `char::is_alphabetic` minus these is Go's `unicode.IsLetter`.
#[rustfmt::skip]
static ALPHABETIC_NOT_LETTERS: &[(u32, u32)] = &[
    (0x0345, 0x0345), (0x0363, 0x036F), (0x05B0, 0x05BD), (0x05BF, 0x05BF), (0x05C1, 0x05C2),
    (0x05C4, 0x05C5), (0x05C7, 0x05C7), (0x0610, 0x061A), (0x064B, 0x0657), (0x0659, 0x065F),
    (0x0670, 0x0670), (0x06D6, 0x06DC), (0x06E1, 0x06E4), (0x06E7, 0x06E8), (0x06ED, 0x06ED),
    (0x0711, 0x0711), (0x0730, 0x073F), (0x07A6, 0x07B0), (0x0816, 0x0817), (0x081B, 0x0823),
    (0x0825, 0x0827), (0x0829, 0x082C), (0x08D4, 0x08DF), (0x08E3, 0x08E9), (0x08F0, 0x0903),
    (0x093A, 0x093B), (0x093E, 0x094C), (0x094E, 0x094F), (0x0955, 0x0957), (0x0962, 0x0963),
    (0x0981, 0x0983), (0x09BE, 0x09C4), (0x09C7, 0x09C8), (0x09CB, 0x09CC), (0x09D7, 0x09D7),
    (0x09E2, 0x09E3), (0x0A01, 0x0A03), (0x0A3E, 0x0A42), (0x0A47, 0x0A48), (0x0A4B, 0x0A4C),
    (0x0A51, 0x0A51), (0x0A70, 0x0A71), (0x0A75, 0x0A75), (0x0A81, 0x0A83), (0x0ABE, 0x0AC5),
    (0x0AC7, 0x0AC9), (0x0ACB, 0x0ACC), (0x0AE2, 0x0AE3), (0x0AFA, 0x0AFC), (0x0B01, 0x0B03),
    (0x0B3E, 0x0B44), (0x0B47, 0x0B48), (0x0B4B, 0x0B4C), (0x0B56, 0x0B57), (0x0B62, 0x0B63),
    (0x0B82, 0x0B82), (0x0BBE, 0x0BC2), (0x0BC6, 0x0BC8), (0x0BCA, 0x0BCC), (0x0BD7, 0x0BD7),
    (0x0C00, 0x0C04), (0x0C3E, 0x0C44), (0x0C46, 0x0C48), (0x0C4A, 0x0C4C), (0x0C55, 0x0C56),
    (0x0C62, 0x0C63), (0x0C81, 0x0C83), (0x0CBE, 0x0CC4), (0x0CC6, 0x0CC8), (0x0CCA, 0x0CCC),
    (0x0CD5, 0x0CD6), (0x0CE2, 0x0CE3), (0x0D00, 0x0D03), (0x0D3E, 0x0D44), (0x0D46, 0x0D48),
    (0x0D4A, 0x0D4C), (0x0D57, 0x0D57), (0x0D62, 0x0D63), (0x0D81, 0x0D83), (0x0DCF, 0x0DD4),
    (0x0DD6, 0x0DD6), (0x0DD8, 0x0DDF), (0x0DF2, 0x0DF3), (0x0E31, 0x0E31), (0x0E34, 0x0E3A),
    (0x0E4D, 0x0E4D), (0x0EB1, 0x0EB1), (0x0EB4, 0x0EB9), (0x0EBB, 0x0EBC), (0x0ECD, 0x0ECD),
    (0x0F71, 0x0F83), (0x0F8D, 0x0F97), (0x0F99, 0x0FBC), (0x102B, 0x1036), (0x1038, 0x1038),
    (0x103B, 0x103E), (0x1056, 0x1059), (0x105E, 0x1060), (0x1062, 0x1064), (0x1067, 0x106D),
    (0x1071, 0x1074), (0x1082, 0x108D), (0x108F, 0x108F), (0x109A, 0x109D), (0x16EE, 0x16F0),
    (0x1712, 0x1713), (0x1732, 0x1733), (0x1752, 0x1753), (0x1772, 0x1773), (0x17B6, 0x17C8),
    (0x1885, 0x1886), (0x18A9, 0x18A9), (0x1920, 0x192B), (0x1930, 0x1938), (0x1A17, 0x1A1B),
    (0x1A55, 0x1A5E), (0x1A61, 0x1A74), (0x1ABF, 0x1AC0), (0x1ACC, 0x1ACE), (0x1B00, 0x1B04),
    (0x1B35, 0x1B43), (0x1B80, 0x1B82), (0x1BA1, 0x1BA9), (0x1BAC, 0x1BAD), (0x1BE7, 0x1BF1),
    (0x1C24, 0x1C36), (0x1DD3, 0x1DF4), (0x2160, 0x2182), (0x2185, 0x2188), (0x24B6, 0x24E9),
    (0x2DE0, 0x2DFF), (0x3007, 0x3007), (0x3021, 0x3029), (0x3038, 0x303A), (0xA674, 0xA67B),
    (0xA69E, 0xA69F), (0xA6E6, 0xA6EF), (0xA802, 0xA802), (0xA80B, 0xA80B), (0xA823, 0xA827),
    (0xA880, 0xA881), (0xA8B4, 0xA8C3), (0xA8C5, 0xA8C5), (0xA8FF, 0xA8FF), (0xA926, 0xA92A),
    (0xA947, 0xA952), (0xA980, 0xA983), (0xA9B4, 0xA9BF), (0xA9E5, 0xA9E5), (0xAA29, 0xAA36),
    (0xAA43, 0xAA43), (0xAA4C, 0xAA4D), (0xAA7B, 0xAA7D), (0xAAB0, 0xAAB0), (0xAAB2, 0xAAB4),
    (0xAAB7, 0xAAB8), (0xAABE, 0xAABE), (0xAAEB, 0xAAEF), (0xAAF5, 0xAAF5), (0xABE3, 0xABEA),
    (0xFB1E, 0xFB1E), (0x10140, 0x10174), (0x10341, 0x10341), (0x1034A, 0x1034A),
    (0x10376, 0x1037A), (0x103D1, 0x103D5), (0x10A01, 0x10A03), (0x10A05, 0x10A06),
    (0x10A0C, 0x10A0F), (0x10D24, 0x10D27), (0x10EAB, 0x10EAC), (0x11000, 0x11002),
    (0x11038, 0x11045), (0x11073, 0x11074), (0x11080, 0x11082), (0x110B0, 0x110B8),
    (0x110C2, 0x110C2), (0x11100, 0x11102), (0x11127, 0x11132), (0x11145, 0x11146),
    (0x11180, 0x11182), (0x111B3, 0x111BF), (0x111CE, 0x111CF), (0x1122C, 0x11234),
    (0x11237, 0x11237), (0x1123E, 0x1123E), (0x112DF, 0x112E8), (0x11300, 0x11303),
    (0x1133E, 0x11344), (0x11347, 0x11348), (0x1134B, 0x1134C), (0x11357, 0x11357),
    (0x11362, 0x11363), (0x11435, 0x11441), (0x11443, 0x11445), (0x114B0, 0x114C1),
    (0x115AF, 0x115B5), (0x115B8, 0x115BE), (0x115DC, 0x115DD), (0x11630, 0x1163E),
    (0x11640, 0x11640), (0x116AB, 0x116B5), (0x1171D, 0x1172A), (0x1182C, 0x11838),
    (0x11930, 0x11935), (0x11937, 0x11938), (0x1193B, 0x1193C), (0x11940, 0x11940),
    (0x11942, 0x11942), (0x119D1, 0x119D7), (0x119DA, 0x119DF), (0x119E4, 0x119E4),
    (0x11A01, 0x11A0A), (0x11A35, 0x11A39), (0x11A3B, 0x11A3E), (0x11A51, 0x11A5B),
    (0x11A8A, 0x11A97), (0x11C2F, 0x11C36), (0x11C38, 0x11C3E), (0x11C92, 0x11CA7),
    (0x11CA9, 0x11CB6), (0x11D31, 0x11D36), (0x11D3A, 0x11D3A), (0x11D3C, 0x11D3D),
    (0x11D3F, 0x11D41), (0x11D43, 0x11D43), (0x11D47, 0x11D47), (0x11D8A, 0x11D8E),
    (0x11D90, 0x11D91), (0x11D93, 0x11D96), (0x11EF3, 0x11EF6), (0x12400, 0x1246E),
    (0x16F4F, 0x16F4F), (0x16F51, 0x16F87), (0x16F8F, 0x16F92), (0x16FF0, 0x16FF1),
    (0x1BC9E, 0x1BC9E), (0x1E000, 0x1E006), (0x1E008, 0x1E018), (0x1E01B, 0x1E021),
    (0x1E023, 0x1E024), (0x1E026, 0x1E02A), (0x1E947, 0x1E947), (0x1F130, 0x1F149),
    (0x1F150, 0x1F169), (0x1F170, 0x1F189),
];

/// Code points with the Lowercase property outside category Ll (Other_Lowercase).
#[rustfmt::skip]
static OTHER_LOWERCASE: &[(u32, u32)] = &[
    (0x00AA, 0x00AA), (0x00BA, 0x00BA), (0x02B0, 0x02B8), (0x02C0, 0x02C1), (0x02E0, 0x02E4),
    (0x0345, 0x0345), (0x037A, 0x037A), (0x10FC, 0x10FC), (0x1D2C, 0x1D6A), (0x1D78, 0x1D78),
    (0x1D9B, 0x1DBF), (0x2071, 0x2071), (0x207F, 0x207F), (0x2090, 0x209C), (0x2170, 0x217F),
    (0x24D0, 0x24E9), (0x2C7C, 0x2C7D), (0xA69C, 0xA69D), (0xA770, 0xA770), (0xA7F2, 0xA7F4),
    (0xA7F8, 0xA7F9), (0xAB5C, 0xAB5F), (0xAB69, 0xAB69), (0x10780, 0x10780),
    (0x10783, 0x10785), (0x10787, 0x107B0), (0x107B2, 0x107BA),
];

/// Code points with the Uppercase property outside category Lu (Other_Uppercase).
#[rustfmt::skip]
static OTHER_UPPERCASE: &[(u32, u32)] = &[
    (0x2160, 0x216F), (0x24B6, 0x24CF), (0x1F130, 0x1F149), (0x1F150, 0x1F169),
    (0x1F170, 0x1F189),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_matches_go() {
        assert_eq!(decode_rune("é".as_bytes()), ('é', 2));
        assert_eq!(decode_rune(b"\xff"), (REPLACEMENT, 1));
        // A truncated sequence is one replacement per byte.
        let runes: Vec<(usize, char, usize)> = Runes::new(b"\xf0\x9f\x98Z").collect();
        assert_eq!(
            runes,
            vec![
                (0, REPLACEMENT, 1),
                (1, REPLACEMENT, 1),
                (2, REPLACEMENT, 1),
                (3, 'Z', 1)
            ]
        );
        // Surrogates and overlong forms are invalid.
        assert_eq!(decode_rune(b"\xed\xa0\x80"), (REPLACEMENT, 1));
        assert_eq!(decode_rune(b"\xc0\x80"), (REPLACEMENT, 1));
        assert_eq!(rune_count("Hello, 世界".as_bytes()), 9);
    }

    #[test]
    fn categories_match_go() {
        assert!(is_letter('é') && is_letter('Й') && is_letter('世'));
        assert!(!is_letter('\u{0902}')); // a Devanagari sign: Alphabetic, but Mn
        assert!(!is_letter('Ⅳ')); // a letterlike number: Nl
        assert!(is_digit('٣') && !is_digit('²') && !is_digit('½'));
        assert!(is_space('\u{85}') && is_space('\u{a0}') && !is_space('\u{1c}'));
        assert!(is_upper('É') && !is_upper('Ⓐ') && !is_upper('ǅ'));
        assert!(is_lower('é') && !is_lower('ª') && !is_lower('ǅ'));
        assert!(is_title('ǅ') && is_title('ᾼ') && !is_title('A'));
    }

    #[test]
    fn simple_case_mappings() {
        assert_eq!(to_upper('ß'), 'ß');
        assert_eq!(to_upper('ﬁ'), 'ﬁ');
        assert_eq!(to_upper('ᾳ'), 'ᾼ');
        assert_eq!(to_upper('ᾀ'), 'ᾈ');
        assert_eq!(to_upper('ᾈ'), 'ᾈ');
        assert_eq!(to_lower('İ'), 'i');
        assert_eq!(to_lower('ᾈ'), 'ᾀ');
        assert_eq!(to_title('ǆ'), 'ǅ');
        assert_eq!(to_title('é'), 'É');
        assert_eq!(to_upper('é'), 'É');
        assert!(is_cased('ß') && is_cased('ſ') && is_cased('ǅ'));
        assert!(!is_cased('ı') && !is_cased('İ') && !is_cased('ª') && !is_cased('1'));
    }
}
