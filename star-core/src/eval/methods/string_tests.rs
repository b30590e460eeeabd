//! Tests of the methods of `string` and `bytes`, run as Starlark through `Module::exec`.
//!
//! Each case is an expression and the `repr` of its value, or the message it fails
//! with; the messages are the reference implementation's.

use crate::eval::{Module, Predeclared};
use crate::thread::Thread;
use crate::Dialect;

/// Runs `x = <expr>`: the repr of `x`, or the error message.
fn run(expr: &str) -> Result<String, String> {
    let mut t = Thread::new("test");
    let mut m = Module::new("test.star", Predeclared::new(), Dialect::standard());
    match m.exec(&mut t, &format!("x = {expr}\n")) {
        Ok(()) => Ok(m.get("x").map(|x| x.repr()).unwrap_or_default()),
        Err(e) => Err(e.message()),
    }
}

/// Checks that each expression evaluates to a value with the given repr.
fn values(cases: &[(&str, &str)]) {
    for (expr, want) in cases {
        match run(expr) {
            Ok(got) => assert_eq!(&got, want, "{expr}"),
            Err(e) => panic!("{expr}: unexpected error: {e}"),
        }
    }
}

/// Checks that each expression fails with the given message.
fn errors(cases: &[(&str, &str)]) {
    for (expr, want) in cases {
        match run(expr) {
            Ok(v) => panic!("{expr}: expected an error, got {v}"),
            Err(e) => assert_eq!(&e, want, "{expr}"),
        }
    }
}

#[test]
fn split_with_a_separator() {
    values(&[
        (r#""a.b.c".split(".")"#, r#"["a", "b", "c"]"#),
        (r#""a.b.c".split(".", 0)"#, r#"["a.b.c"]"#),
        (r#""a.b.c".split(".", 1)"#, r#"["a", "b.c"]"#),
        (r#""a.b.c".split(".", -1)"#, r#"["a", "b", "c"]"#),
        (r#""a.b.c".rsplit(".", 1)"#, r#"["a.b", "c"]"#),
        (r#""a.b.c".rsplit(".", 0)"#, r#"["a.b.c"]"#),
        (r#""a.b.c".rsplit(".")"#, r#"["a", "b", "c"]"#),
        (r#""-x--".split("-")"#, r#"["", "x", "", ""]"#),
        (r#""-x--".rsplit("-", 1)"#, r#"["-x-", ""]"#),
        (r#""  ".split(".")"#, r#"["  "]"#),
        (r#""".split(",")"#, r#"[""]"#),
        // Overlapping separators are found from the left, as in the reference.
        (r#""aaa".rsplit("aa", 1)"#, r#"["", "a"]"#),
        (r#""a::b::c".split("::", 1)"#, r#"["a", "b::c"]"#),
    ]);
    errors(&[
        (r#""a".split("")"#, "split: empty separator"),
        (r#""a".rsplit("")"#, "split: empty separator"),
        (
            r#""a".split(1)"#,
            "split: got int for separator, want string",
        ),
    ]);
}

#[test]
fn split_on_white_space() {
    let s = r#"" x  yz\n\t w ""#;
    values(&[
        (&format!("{s}.split()"), r#"["x", "yz", "w"]"#),
        (&format!("{s}.split(None)"), r#"["x", "yz", "w"]"#),
        (&format!("{s}.split(None, 0)"), r#"["x  yz\n\t w "]"#),
        (&format!("{s}.split(None, 1)"), r#"["x", "yz\n\t w "]"#),
        (&format!("{s}.split(None, 5)"), r#"["x", "yz", "w"]"#),
        (&format!("{s}.rsplit()"), r#"["x", "yz", "w"]"#),
        (&format!("{s}.rsplit(None, 0)"), r#"[" x  yz\n\t w"]"#),
        (&format!("{s}.rsplit(None, 1)"), r#"[" x  yz", "w"]"#),
        (&format!("{s}.rsplit(None, 2)"), r#"[" x", "yz", "w"]"#),
        (&format!("{s}.rsplit(None, 9)"), r#"["x", "yz", "w"]"#),
        (r#""   ".split()"#, "[]"),
        (r#""   ".rsplit(None, 1)"#, "[]"),
        (r#""".split()"#, "[]"),
        // Unicode white space counts; a no-break space is white space too.
        ("\"a\u{2003}b\u{a0}c\".split()", r#"["a", "b", "c"]"#),
    ]);
}

#[test]
fn splitlines() {
    values(&[
        (r#""a\nb\n\nc".splitlines()"#, r#"["a", "b", "", "c"]"#),
        (r#""a\nb\n".splitlines()"#, r#"["a", "b"]"#),
        (r#""\na".splitlines(True)"#, r#"["\n", "a"]"#),
        (r#""a\nb\n".splitlines(True)"#, r#"["a\n", "b\n"]"#),
        (r#""a\nb".splitlines(False)"#, r#"["a", "b"]"#),
        (r#""".splitlines()"#, "[]"),
        (r#""\n".splitlines()"#, r#"[""]"#),
        // Only "\n" ends a line, as in the reference.
        (r#""a\r\nb".splitlines()"#, r#"["a\r", "b"]"#),
    ]);
    // keepends is a bool, not any value's truth, as in the reference.
    errors(&[
        (
            r#""a".splitlines(1)"#,
            "splitlines: for parameter 1: got int, want bool",
        ),
        (
            r#""a".splitlines(None)"#,
            "splitlines: for parameter 1: got NoneType, want bool",
        ),
    ]);
    // The methods take positional arguments only, as in the reference.
    errors(&[(
        r#""a".splitlines(keepends = True)"#,
        "splitlines: unexpected keyword arguments",
    )]);
}

#[test]
fn strip_and_friends() {
    values(&[
        (r#"" \t x y\n ".strip()"#, r#""x y""#),
        (r#"" \t x y\n ".lstrip()"#, r#""x y\n ""#),
        (r#"" \t x y\n ".rstrip()"#, r#"" \t x y""#),
        (r#"" x ".strip("")"#, r#""x""#),
        (r#""xxhixyx".strip("xy")"#, r#""hi""#),
        (r#""xxhixyx".lstrip("xy")"#, r#""hixyx""#),
        (r#""xxhixyx".rstrip("xy")"#, r#""xxhi""#),
        (r#""ééaé".strip("é")"#, r#""a""#),
        (r#""xyx".strip("xy")"#, r#""""#),
        (r#""".strip()"#, r#""""#),
        (r#""Apricot".removeprefix("Apr")"#, r#""icot""#),
        (r#""Apricot".removeprefix("apr")"#, r#""Apricot""#),
        (r#""AprApr".removeprefix("Apr")"#, r#""Apr""#),
        (r#""Apricot".removesuffix("cot")"#, r#""Apri""#),
        (r#""a".removesuffix("")"#, r#""a""#),
    ]);
}

#[test]
fn find_index_and_count() {
    values(&[
        (r#""foofoo".find("oo")"#, "1"),
        (r#""foofoo".find("oo", 2)"#, "4"),
        (r#""foofoo".find("oo", -3)"#, "4"),
        (r#""foofoo".find("oo", 0, 2)"#, "-1"),
        (r#""foofoo".find("oo", 0, -3)"#, "1"),
        (r#""foofoo".find("x")"#, "-1"),
        (r#""foofoo".find("")"#, "0"),
        (r#""foofoo".find("", 4)"#, "4"),
        (r#""foofoo".find("oo", None, None)"#, "1"),
        (r#""foofoo".rfind("oo")"#, "4"),
        (r#""foofoo".rfind("oo", 1, 4)"#, "1"),
        (r#""foofoo".rfind("")"#, "6"),
        (r#""foofoo".index("f", 1)"#, "3"),
        (r#""foofoo".rindex("f", -100, 100)"#, "3"),
        (r#""banana".count("a")"#, "3"),
        (r#""banana".count("a", 2)"#, "2"),
        (r#""banana".count("a", -4, -2)"#, "1"),
        (r#""banana".count("a", 0, -100)"#, "0"),
        (r#""banana".count("ana")"#, "1"),
        // An empty substring is counted once per rune, plus one.
        (r#""héllo".count("")"#, "6"),
    ]);
    errors(&[
        (r#""abc".index("x")"#, "index: substring not found"),
        (r#""abc".rindex("x")"#, "rindex: substring not found"),
        (
            r#""abc".find("a", "1")"#,
            "find: invalid start index: got string, want int",
        ),
        (
            r#""abc".count("a", 0, 1 << 40)"#,
            "count: invalid end index: 1099511627776 out of range",
        ),
        (
            r#""abc".count(1)"#,
            "count: for parameter 1: got int, want string",
        ),
    ]);
}

#[test]
fn startswith_and_endswith() {
    values(&[
        (r#""foo".startswith("fo")"#, "True"),
        (r#""foo".startswith("x")"#, "False"),
        (r#""foo".endswith("oo")"#, "True"),
        (r#""abc".startswith(("x", "a"))"#, "True"),
        (r#""abc".startswith(("x", "y"))"#, "False"),
        (r#""abc".startswith(())"#, "False"),
        (r#""abc".endswith(("C", "c"))"#, "True"),
        (r#""abc".startswith("bc", 1)"#, "True"),
        (r#""abc".startswith("", 99)"#, "True"),
        (r#""abc".startswith("b", 99)"#, "False"),
        (r#""abc".endswith("ab", None, -1)"#, "True"),
        (r#""abc".endswith("b", None, -99)"#, "False"),
    ]);
    errors(&[
        (
            r#""abc".startswith(1)"#,
            "startswith: got int, want string or tuple of string",
        ),
        (
            r#""abc".endswith(["c"])"#,
            "endswith: got list, want string or tuple of string",
        ),
        (
            r#""abc".startswith(("x", 2))"#,
            "startswith: want string, got int, for element 1",
        ),
    ]);
}

#[test]
fn replace_partition_join() {
    values(&[
        (r#""banana".replace("a", "o")"#, r#""bonono""#),
        (r#""banana".replace("a", "o", 2)"#, r#""bonona""#),
        (r#""banana".replace("a", "o", 0)"#, r#""banana""#),
        (r#""banana".replace("a", "o", -5)"#, r#""bonono""#),
        (r#""banana".replace("x", "o")"#, r#""banana""#),
        (r#""abc".replace("", "-")"#, r#""-a-b-c-""#),
        (r#""abc".replace("", "-", 2)"#, r#""-a-bc""#),
        (r#""héllo".replace("", ".")"#, r#"".h.é.l.l.o.""#),
        (r#""a/b/c".partition("/")"#, r#"("a", "/", "b/c")"#),
        (r#""a/b/c".rpartition("/")"#, r#"("a/b", "/", "c")"#),
        (r#""abc".partition("/")"#, r#"("abc", "", "")"#),
        (r#""abc".rpartition("/")"#, r#"("", "", "abc")"#),
        (r#"",".join(["a", "b", "c"])"#, r#""a,b,c""#),
        (r#"",".join(("a",))"#, r#""a""#),
        (r#"",".join([])"#, r#""""#),
        (r#""".join({"x": 1, "y": 2})"#, r#""xy""#),
        (r#""-".join("ab".elems())"#, r#""a-b""#),
    ]);
    errors(&[
        (r#""abc".partition("")"#, "partition: empty separator"),
        (r#""abc".rpartition("")"#, "rpartition: empty separator"),
        (
            r#"",".join(["a", 1])"#,
            "join: in list, want string, got int",
        ),
        (
            r#"",".join("abc")"#,
            "join: for parameter 1: got string, want iterable",
        ),
    ]);
}

#[test]
fn format_fields() {
    values(&[
        (r#""a{}b{}c".format(1, "x")"#, r#""a1bxc""#),
        (r#""{1}{0}{1}".format("a", "b")"#, r#""bab""#),
        (
            r#""{010}".format(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)"#,
            r#""10""#,
        ),
        (r#""{x}-{y}-{}".format(1, x = 2, y = 3)"#, r#""2-3-1""#),
        (r#""{{}} {{x}} }}{{".format()"#, r#""{} {x} }{""#),
        (r#""{!r} {!s}".format("a", "b")"#, r#""\"a\" b""#),
        (r#""{k!r}".format(k = [1, "x"])"#, r#""[1, \"x\"]""#),
        (r#""{}".format([1, "x"])"#, r#""[1, \"x\"]""#),
        (r#""{} {}".format(None, b"by")"#, r#""None b\"by\"""#),
        (r#""no fields".format(1, k = 2)"#, r#""no fields""#),
    ]);
    errors(&[
        (r#""{}{}".format(1)"#, "format: tuple index out of range"),
        (r#""{3}".format(1)"#, "format: tuple index out of range"),
        (
            r#""{}{0}".format(1)"#,
            "format: cannot switch from automatic field numbering to manual field specification",
        ),
        (
            r#""{0}{}".format(1)"#,
            "format: cannot switch from manual field specification to automatic field numbering",
        ),
        (r#""{z}".format(x = 1)"#, "format: keyword z not found"),
        (r#""{-1}".format(1)"#, "format: keyword -1 not found"),
        (r#""{0,1}".format(1)"#, "format: keyword 0,1 not found"),
        (
            r#""{x!}".format(x = 1)"#,
            r#"format: unknown conversion """#,
        ),
        (r#""{!a}".format(1)"#, r#"format: unknown conversion "a""#),
        (
            r#""{:>4}".format(1)"#,
            "format spec features not supported in replacement fields: >4",
        ),
        (
            r#""{a.b}".format(1)"#,
            "format: attribute syntax x.y is not supported in replacement fields: a.b",
        ),
        (
            r#""{a[0]}".format(1)"#,
            "format: element syntax a[i] is not supported in replacement fields: a[0]",
        ),
        (
            r#""{ {} }".format(1)"#,
            "format: nested replacement fields not supported",
        ),
        (r#""{{}".format(1)"#, "format: single '}' in format"),
        (r#""{}}".format(1)"#, "format: single '}' in format"),
        (r#""}{{".format(1)"#, "format: single '}' in format"),
        (r#""}}{".format(1)"#, "format: unmatched '{' in format"),
    ]);
}

#[test]
fn predicates() {
    // Which of isalnum, isalpha, isdigit, islower, isspace, istitle, isupper hold.
    let cases = [
        ("", ""),
        ("abc", "alnum alpha lower"),
        ("ABC", "alnum alpha upper"),
        ("123", "alnum digit"),
        ("base64", "alnum lower"),
        ("HAL-9000", "upper"),
        ("Hello, World!", "title"),
        ("Catch-22", "title"),
        ("hello, world!", "lower"),
        (" \\t\\n\\r", "space"),
        ("héllo", "alnum alpha lower"),
        ("Ünïcode", "alnum alpha"),
        ("٣٤", "alnum digit"),
        ("²", ""),
        ("ǅ ǈ", "title"),
        ("ǅǈ", "alnum alpha"),
        ("ǄǇ", "alnum alpha upper"),
        ("ǆǉ", "alnum alpha lower"),
    ];
    for (s, want) in cases {
        let expr = format!(
            r#"" ".join([p for p in ["alnum", "alpha", "digit", "lower", "space", "title", "upper"] if getattr("{s}", "is" + p)()])"#
        );
        assert_eq!(run(&expr), Ok(format!("\"{want}\"")), "{s:?}");
    }
}

#[test]
fn case_mappings() {
    values(&[
        (r#""hElLo, WoRlD!".lower()"#, r#""hello, world!""#),
        (r#""hElLo, WoRlD!".upper()"#, r#""HELLO, WORLD!""#),
        (r#""¿Por qué?".upper()"#, r#""¿POR QUÉ?""#),
        (r#""ǇUBOVIĆ".lower()"#, r#""ǉubović""#),
        // Simple (one-to-one) mappings: ß stays, as in the reference.
        (r#""straße".upper()"#, r#""STRAßE""#),
        (r#""hElLo, WoRlD!".capitalize()"#, r#""Hello, world!""#),
        (r#""¿Por qué?".capitalize()"#, r#""¿por qué?""#),
        (r#""ǉubović".capitalize()"#, r#""ǈubović""#),
        (r#""".capitalize()"#, r#""""#),
        (r#""hElLo, WoRlD!".title()"#, r#""Hello, World!""#),
        (r#""¿Por qué?".title()"#, r#""¿Por Qué?""#),
        (r#""they're bill's".title()"#, r#""They'Re Bill'S""#),
        (r#""ǉubović".title()"#, r#""ǈubović""#),
        (r#""ǅenan ǈubović".istitle()"#, "True"),
        (r#""Ǆenan Ǉubović".istitle()"#, "False"),
        (r#""ǆenan ǉubović".islower()"#, "True"),
        (r#""ǄENAN ǇUBOVIĆ".isupper()"#, "True"),
    ]);
}

#[test]
fn elems_and_codepoints() {
    values(&[
        (r#"type("aЙ".elems())"#, r#""string.elems""#),
        (r#"type("aЙ".elem_ords())"#, r#""string.elems""#),
        (r#"type("aЙ".codepoints())"#, r#""string.codepoints""#),
        (r#"type("aЙ".codepoint_ords())"#, r#""string.codepoints""#),
        (r#"str("aЙ".elems())"#, r#""\"aЙ\".elems()""#),
        (r#"str("aЙ".elem_ords())"#, r#""\"aЙ\".elem_ords()""#),
        (r#"str("aЙ".codepoints())"#, r#""\"aЙ\".codepoints()""#),
        (
            r#"str("aЙ".codepoint_ords())"#,
            r#""\"aЙ\".codepoint_ords()""#,
        ),
        (
            r#"list("aЙ😿".elems())"#,
            r#"["a", "\xd0", "\x99", "\xf0", "\x9f", "\x98", "\xbf"]"#,
        ),
        (
            r#"list("aЙ😿".elem_ords())"#,
            "[97, 208, 153, 240, 159, 152, 191]",
        ),
        (r#"list("aЙ😿".codepoints())"#, r#"["a", "Й", "😿"]"#),
        (r#"list("aЙ😿".codepoint_ords())"#, "[97, 1049, 128575]"),
        // Bytes that are not valid UTF-8 are U+FFFD, one per byte.
        (
            r#"list(("A" + "😿Z"[1:]).codepoints())"#,
            r#"["A", "�", "�", "�", "Z"]"#,
        ),
        (
            r#"list(("A" + "😿Z"[1:]).codepoint_ords())"#,
            "[65, 65533, 65533, 65533, 90]",
        ),
        (r#"list("".elems()) + list("".codepoints())"#, "[]"),
        // string.elems is a sequence; string.codepoints only iterates.
        (r#"len("aЙ".elems())"#, "3"),
        (r#""aЙ".elems()[0]"#, r#""a""#),
        (r#""aЙ".elem_ords()[-1]"#, "153"),
        (r#"[c for c in "ab".codepoints()]"#, r#"["a", "b"]"#),
        (r#""ab".elems() == "ab".elems()"#, "True"),
        (r#""ab".elems() == "ab".elem_ords()"#, "False"),
        (r#"bool("".elems())"#, "True"),
    ]);
    errors(&[
        (
            r#""abc".codepoints()[1]"#,
            "unhandled index operation string.codepoints[int]",
        ),
        (
            r#"len("abc".codepoint_ords())"#,
            "len: value of type string.codepoints has no len",
        ),
        (
            r#""abc".elems()[3]"#,
            "string.elems index 3 out of range [-3:2]",
        ),
        (
            r#""".elems()[0]"#,
            "index 0 out of range: empty string.elems",
        ),
        (r#"{"a".elems(): 1}"#, "unhashable: string.elems"),
    ]);
}

#[test]
fn bytes_elems() {
    values(&[
        (r#"type(b"hi".elems())"#, r#""bytes.elems""#),
        (r#"str(b"h\xff".elems())"#, r#""b\"h\\xff\".elems()""#),
        (r#"str(b"h\xc3\xa9".elems())"#, r#""b\"hé\".elems()""#),
        (r#"list(b"hi\xff".elems())"#, "[104, 105, 255]"),
        (r#"list(b"".elems())"#, "[]"),
        (r#"bytes(b"hi".elems())"#, r#"b"hi""#),
        (r#"dir(b"")"#, r#"["elems"]"#),
    ]);
    errors(&[(
        r#"len(b"hi".elems())"#,
        "len: value of type bytes.elems has no len",
    )]);
}

#[test]
fn dir_lists_the_methods_in_order() {
    let got = run(r#"dir("")"#).unwrap();
    let names: Vec<&str> = got
        .trim_matches(['[', ']'])
        .split(", ")
        .map(|s| s.trim_matches('"'))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), 35);
    assert!(names.contains(&"format") && names.contains(&"removeprefix"));
}

/// Edge cases of the fast paths: ASCII-only shortcuts next to non-ASCII text, invalid
/// UTF-8 (a byte Go decodes as U+FFFD), empty strings, one- and many-byte needles,
/// and results that are the string itself.
#[test]
fn fast_path_edges() {
    values(&[
        // strip: trailing ASCII is trimmed from the end; a longer rune at the end is
        // found by decoding from the start; invalid bytes are U+FFFD, not space.
        (r#"" é ".strip()"#, r#""é""#),
        (r#""\u3000a\u3000".strip()"#, r#""a""#),
        (r#""a\u3000 \t".rstrip()"#, r#""a""#),
        (r#""\u3000".strip()"#, r#""""#),
        (r#"(" " + "é"[:1] + " ").strip()"#, r#""\xc3""#),
        (r#"("é"[:1] + "é"[:1]).strip("é"[1:])"#, r#""""#),
        (r#""é".strip("é"[1:])"#, r#""é""#),
        (r#"("a" + "€"[:2] + " ").rstrip()"#, r#""a\xe2\x82""#),
        (r#""éa".rstrip("a")"#, r#""é""#),
        (r#""aé".rstrip("é")"#, r#""a""#),
        (r#""aé ".rstrip(" é")"#, r#""a""#),
        (r#""   ".rstrip()"#, r#""""#),
        (r#""   ".lstrip()"#, r#""""#),
        (r#""abc".strip()"#, r#""abc""#),
        (r#""".rstrip("x")"#, r#""""#),
        // upper/lower: ASCII in place; otherwise by rune (invalid bytes become U+FFFD).
        (r#""".upper()"#, r#""""#),
        (r#""a1-Z".upper()"#, r#""A1-Z""#),
        (r#""A1-z".lower()"#, r#""a1-z""#),
        (r#""aé".upper()"#, r#""AÉ""#),
        (r#"("a" + "é"[:1]).upper()"#, r#""A�""#),
        // replace: one-byte and longer needles, growing and shrinking, limits.
        (r#""aXbXc".replace("X", "")"#, r#""abc""#),
        (r#""aXbXc".replace("X", "--")"#, r#""a--b--c""#),
        (r#""aXYbXY".replace("XY", "Z", 1)"#, r#""aZbXY""#),
        (r#""aaaa".replace("aa", "b")"#, r#""bb""#),
        (r#""aaa".replace("aa", "b")"#, r#""ba""#),
        (r#""".replace("a", "b")"#, r#""""#),
        (r#""".replace("", "b")"#, r#""b""#),
        (
            r#"("é"[:1] + "a" + "é"[:1]).replace("é"[:1], "é")"#,
            r#""éaé""#,
        ),
        // find/rfind/count with one- and many-byte needles.
        (r#""abcabc".find("c")"#, "2"),
        (r#""abcabc".rfind("c")"#, "5"),
        (r#""abcabc".rfind("ab")"#, "3"),
        (r#""abcabc".rfind("")"#, "6"),
        (r#""abcabc".find("")"#, "0"),
        (r#""abcabc".find("ca", 3)"#, "-1"),
        (r#""abcabc".count("bc")"#, "2"),
        (r#""ababa".count("aba")"#, "1"),
        (r#"("a" + "é"[:1] + "b" + "é"[:1]).count("é"[:1])"#, "2"),
        (r#""ab" in "xaby""#, "True"),
        (r#""b" in "xaby""#, "True"),
        (r#""z" in "xaby""#, "False"),
        // join: lists and tuples read in place, one allocation; other iterables.
        (r#""".join(["a", "", "b"])"#, r#""ab""#),
        (r#""--".join(["", ""])"#, r#""--""#),
        (r#""é".join(("é"[:1], "é"[1:]))"#, r#""\xc3é\xa9""#),
        (r#""-".join([])"#, r#""""#),
        (r#""-".join(["x"])"#, r#""x""#),
        // split with a one-byte and a longer separator; invalid bytes kept.
        (r#"("a" + "é"[:1] + ",b").split(",")"#, r#"["a\xc3", "b"]"#),
        (r#"",a,".split(",")"#, r#"["", "a", ""]"#),
        (r#""a<>b<>".split("<>")"#, r#"["a", "b", ""]"#),
        // slices: contiguous runs and strides, on strings, lists, tuples and bytes.
        (r#""hello"[1:4]"#, r#""ell""#),
        (r#""hello"[4:1]"#, r#""""#),
        (r#""hello"[::2]"#, r#""hlo""#),
        (r#""hello"[::-2]"#, r#""olh""#),
        (r#""hello"[-2:]"#, r#""lo""#),
        (r#""hello"[1::1 << 70]"#, r#""e""#),
        (r#""hello"[::-(1 << 70)]"#, r#""o""#),
        (r#""héllo"[1:3]"#, r#""é""#),
        (r#""héllo"[1:2]"#, r#""\xc3""#),
        ("[1, 2, 3, 4][1:3]", "[2, 3]"),
        ("[1, 2, 3, 4][3:0:-2]", "[4, 2]"),
        ("(1, 2, 3)[5:]", "()"),
        (r#"b"abc"[::-1]"#, r#"b"cba""#),
        ("range(10)[2:8:3]", "range(2, 8, 3)"),
        ("range(10)[::-1]", "range(9, -1, -1)"),
        ("list(range(10)[8:1:-3])", "[8, 5, 2]"),
        ("range(10)[5:2]", "range(0)"),
        // % formatting: %s of strings (bytes as they are) and other values, %d of ints.
        (
            r#""%s|%s|%s" % ("é"[:1], 1, [1, "a"])"#,
            r#""\xc3|1|[1, \"a\"]""#,
        ),
        (
            r#""%d %i %d" % (-9223372036854775808, 0, 1 << 70)"#,
            r#""-9223372036854775808 0 1180591620717411303424""#,
        ),
        (r#""%d" % 2.7"#, r#""2""#),
        (r#""%s" % ("x",)"#, r#""x""#),
        (r#""%s" % "y""#, r#""y""#),
        (r#""%r|%s" % ("a", None)"#, r#""\"a\"|None""#),
        // str.format with positional arguments only (from the caller's slice).
        (
            r#""{}-{}-{}".format("é"[:1], -12, None)"#,
            r#""\xc3--12-None""#,
        ),
        (r#""{!r}".format(12)"#, r#""12""#),
        (r#""{{}}".format()"#, r#""{}""#),
    ]);
    errors(&[
        (
            r#""%d" % "x""#,
            "%d format requires integer: cannot convert string to int",
        ),
        (
            r#""%s %s" % ("a",)"#,
            "not enough arguments for format string",
        ),
        (
            r#""%s" % ("a", "b")"#,
            "too many arguments for format string",
        ),
        (r#""{}".format()"#, "format: tuple index out of range"),
        (r#""{x}".format(1)"#, "format: keyword x not found"),
        (
            r#""{x}".format(x = 1, **{"x": 2})"#,
            r#"format: duplicate keyword arg: "x""#,
        ),
        (r#"",".join([1])"#, "join: in list, want string, got int"),
        (
            r#"",".join(["a", None])"#,
            "join: in list, want string, got NoneType",
        ),
        ("'abc'[::0]", "zero is not a valid slice step"),
        ("'abc'['a':]", "invalid start index: got string, want int"),
    ]);
}
