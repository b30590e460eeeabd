//! The `json` module, run from Starlark: encodings, decodings, round trips, and the
//! exact messages and offsets of the errors (those of google/starlark-go's lib/json).

mod common;

use common::{error, eval, eval_str, run};

#[test]
fn members() {
    assert_eq!(
        eval_str("dir(json)"),
        r#"["decode", "encode", "encode_indent", "indent"]"#
    );
    assert_eq!(eval_str("type(json)"), "module");
    assert_eq!(eval_str("json"), r#"<module "json">"#);
}

#[test]
fn encode_scalars() {
    let cases = [
        ("None", "null"),
        ("True", "true"),
        ("False", "false"),
        ("-123", "-123"),
        ("0", "0"),
        (
            "12345*12345*12345*12345*12345*12345",
            "3539537889086624823140625",
        ),
        ("-(1 << 100)", "-1267650600228229401496703205376"),
        (
            "float(12345*12345*12345*12345*12345*12345)",
            "3.539537889086625e+24",
        ),
        ("12.345e67", "1.2345e+68"),
        // Go's %g: integral floats have no decimal point.
        ("1.0", "1"),
        ("-0.0", "-0"),
        ("100000.0", "100000"),
        ("1000000.0", "1e+06"),
        ("0.5", "0.5"),
        ("1e-5", "1e-05"),
        ("0.1 + 0.2", "0.30000000000000004"),
        (r#""hello""#, r#""hello""#),
        (r#""""#, r#""""#),
    ];
    for (expr, want) in cases {
        assert_eq!(eval_str(&format!("json.encode({expr})")), want, "{expr}");
    }
}

#[test]
fn encode_strings() {
    let cases = [
        // Printable ASCII: only " and \ are escaped.
        (r#""a\"b\\c/<&>""#, r#""a\"b\\c/<&>""#),
        // Anything else: encoding/json's escapes, HTML characters included.
        (r#""é<&>""#, r#""é\u003c\u0026\u003e""#),
        (r#""\n\r\t\b\f""#, r#""\n\r\t\b\f""#),
        (r#""\x00\x01\x1f""#, r#""\u0000\u0001\u001f""#),
        (r#""\u2028\u2029""#, r#""\u2028\u2029""#),
        (r#""😹💍""#, r#""😹💍""#),
        // Invalid UTF-8: one replacement escape per byte.
        (r#""😹"[:1]"#, r#""\ufffd""#),
        (r#""😹"[:3]"#, r#""\ufffd\ufffd\ufffd""#),
        (r#""a" + "😹"[1:] + "b""#, r#""a\ufffd\ufffd\ufffdb""#),
    ];
    for (expr, want) in cases {
        assert_eq!(eval_str(&format!("json.encode({expr})")), want, "{expr}");
    }
}

#[test]
fn encode_containers() {
    let cases = [
        ("[1, 2, 3]", "[1,2,3]"),
        ("(1, 2, 3)", "[1,2,3]"),
        ("()", "[]"),
        ("[]", "[]"),
        ("{}", "{}"),
        ("range(3)", "[0,1,2]"),
        ("set([3, 1, 2])", "[3,1,2]"),
        ("dict(x = 1, y = 'two')", r#"{"x":1,"y":"two"}"#),
        // Key order, not insertion order; keys compare as bytes.
        ("dict(y = 'two', x = 1)", r#"{"x":1,"y":"two"}"#),
        (
            r#"{"b": 1, "a": 2, "B": 3, "é": 4, "": 5}"#,
            r#"{"":5,"B":3,"a":2,"b":1,"é":4}"#,
        ),
        ("struct(y = 'two', x = 1)", r#"{"x":1,"y":"two"}"#),
        ("struct()", "{}"),
        (
            "struct(a = [struct(b = None)], c = {'d': (1.5,)})",
            r#"{"a":[{"b":null}],"c":{"d":[1.5]}}"#,
        ),
        // The same list twice, side by side, is not a cycle.
        (
            "[[1], [1]] if False else (lambda l: [l, {'k': l}])([1])",
            r#"[[1],{"k":[1]}]"#,
        ),
    ];
    for (expr, want) in cases {
        assert_eq!(eval_str(&format!("json.encode({expr})")), want, "{expr}");
    }
}

#[test]
fn encode_errors() {
    run(r#"
fails(lambda: json.encode(float("NaN")), "json.encode: cannot encode non-finite float nan")
fails(lambda: json.encode(float("+inf")), "json.encode: cannot encode non-finite float +inf")
fails(lambda: json.encode([float("-inf")]), "json.encode: at list index 0: cannot encode non-finite float -inf")
fails(lambda: json.encode({1: "two"}), "json.encode: dict has int key, want string")
fails(lambda: json.encode({"a": 1, None: 2}), "json.encode: dict has NoneType key, want string")
fails(lambda: json.encode(len), "json.encode: cannot encode builtin_function_or_method as JSON")
fails(lambda: json.encode(lambda: 1), "json.encode: cannot encode function as JSON")
fails(lambda: json.encode(b"abc"), "json.encode: cannot encode bytes as JSON")
fails(lambda: json.encode(struct(x=[1, {"x": len}])),
      'json.encode: in field .x: at list index 1: in dict key "x": cannot encode builtin_function_or_method as JSON')
fails(lambda: json.encode(("a", ("b", [len]))),
      "json.encode: at tuple index 1: at tuple index 1: at list index 0: cannot encode builtin_function_or_method as JSON")
fails(lambda: json.encode(json), "json.encode: in field .decode: cannot encode builtin_function_or_method as JSON")

recursive_map = {}
recursive_map["r"] = recursive_map
fails(lambda: json.encode(recursive_map), 'json.encode: in dict key "r": cycle in JSON structure')

recursive_list = []
recursive_list.append(recursive_list)
fails(lambda: json.encode(recursive_list), "json.encode: at list index 0: cycle in JSON structure")

recursive_tuple = (1, 2, [])
recursive_tuple[2].append(recursive_tuple)
fails(lambda: json.encode(recursive_tuple), "json.encode: at tuple index 2: at list index 0: cycle in JSON structure")

deep = [1]
deep.append({"k": struct(v = deep)})
fails(lambda: json.encode(deep), 'json.encode: at list index 1: in dict key "k": in field .v: cycle in JSON structure')
"#);
    assert!(error("json.encode()").starts_with("encode: "));
    assert!(error("json.encode(1, 2)").starts_with("encode: "));
    assert!(error("json.encode(x=1)").starts_with("encode: "));
}

#[test]
fn decode_values() {
    run(r#"
eq(json.decode("null"), None)
eq(json.decode("true"), True)
eq(json.decode("false"), False)
eq(json.decode("-123"), -123)
eq(json.decode("-0"), 0)
eq(type(json.decode("-0")), "int")
eq(json.decode("3539537889086624823140625"), 3539537889086624823140625)
eq(json.decode("-3539537889086624823140625"), -3539537889086624823140625)
eq(json.decode("3539537889086624823140625.0"), float(3539537889086624823140625))
eq(json.decode("3.539537889086625e+24"), 3.539537889086625e+24)
eq(json.decode("0e+1"), 0)
eq(type(json.decode("0e+1")), "float")
eq(type(json.decode("1E2")), "float")
eq(json.decode("-0.0"), -0.0)
eq(json.decode("-0.000000000000000000000000000000000000000000000000000000000000000000000000000001"),
   -0.000000000000000000000000000000000000000000000000000000000000000000000000000001)
eq(json.decode("[]"), [])
eq(json.decode("[1]"), [1])
eq(json.decode(" [ 1 , 2,3 ] "), [1, 2, 3])
eq(json.decode('{"one": 1, "two": 2}'), dict(one=1, two=2))
eq(json.decode('{"a": {"b": [null, true, {}]}}'), {"a": {"b": [None, True, {}]}})
eq(json.decode('{"a": 1, "a": 2}'), {"a": 2})
eq(json.decode('{"foo\\u0000bar": 42}'), {"foo\x00bar": 42})
eq(json.decode('"\\ud83d\\ude39\\ud83d\\udc8d"'), "😹💍")
eq(json.decode('"\\u0123"'), "ģ")
eq(json.decode('"\x7f"'), "\x7f")
eq(json.decode('"\\"\\\\\\/\\b\\f\\n\\r\\t"'), '"\\/\b\f\n\r\t')
eq(json.decode('"\\ud83d"'), "\ufffd")
eq(json.decode('"😹"'), "😹")

# Results are new, mutable values.
d = json.decode('{"l": [1]}')
d["l"].append(2)
d["m"] = 3
eq(d, {"l": [1, 2], "m": 3})
"#);
}

#[test]
fn decode_errors() {
    run(r#"
def decode_error(text, want):
    fails(lambda: json.decode(text), "json.decode: " + want)

decode_error("truefalse", "at offset 4, unexpected character 'f' after value")
decode_error('"abc', "at offset 0, unclosed string literal")
decode_error('"ab\\gc"', "at offset 7, invalid character 'g' in string escape code")
decode_error("'abc'", "at offset 0, unexpected character '\\''")
decode_error("1.2.3", "at offset 5, invalid number: 1.2.3")
decode_error("+1", "at offset 0, unexpected character '+'")
decode_error("-abc", "at offset 1, invalid number: -")
decode_error("-", "at offset 1, invalid number: -")
decode_error("-00", "at offset 3, invalid number: -00")
decode_error("00", "at offset 2, invalid number: 00")
decode_error("--1", "at offset 3, invalid number: --1")
decode_error("-+1", "at offset 3, invalid number: -+1")
decode_error("1e1e1", "at offset 5, invalid number: 1e1e1")
decode_error("0123", "at offset 4, invalid number: 0123")
decode_error("000.123", "at offset 7, invalid number: 000.123")
decode_error("-0123", "at offset 5, invalid number: -0123")
decode_error("-000.123", "at offset 8, invalid number: -000.123")
decode_error("1e999", "at offset 5, invalid number: 1e999")
decode_error("0x123", "at offset 1, unexpected character 'x' after value")
decode_error("", "at offset 0, unexpected end of file")
decode_error("   ", "at offset 3, unexpected end of file")
decode_error("nul", "at offset 0, unexpected character 'n'")
decode_error("True", "at offset 0, unexpected character 'T'")
decode_error("[1, 2 ", "at offset 6, unexpected end of file")
decode_error("[1, 2, ", "at offset 7, unexpected end of file")
decode_error("[1, 2, ]", "at offset 7, unexpected character ']'")
decode_error("[1, 2, }", "at offset 7, unexpected character '}'")
decode_error("[1, 2}", "at offset 5, got '}', want ',' or ']'")
decode_error('{"one": 1', "at offset 9, unexpected end of file")
decode_error('{"one" 1', "at offset 7, after object key, got '1', want ':' ")
decode_error('{"one": 1 "two": 2', "at offset 10, in object, got '\"', want ',' or '}'")
decode_error('{"one": 1,', "at offset 10, unexpected end of file")
decode_error('{"one": 1, }', "at offset 11, unexpected character '}'")
decode_error('{"one": 1]', "at offset 9, in object, got ']', want ',' or '}'")
decode_error('{1: 2}', "at offset 2, got int for object key, want string")
decode_error('{[]: 2}', "at offset 3, got list for object key, want string")
decode_error('"é\x01"', "at offset 5, invalid character '\\x01' in string literal")
decode_error('"\\u12"', "at offset 6, invalid character '\"' in \\u hexadecimal character escape")
decode_error('"\\uzzzz"', "at offset 8, invalid character 'z' in \\u hexadecimal character escape")
decode_error("\x00", "at offset 0, unexpected character '\\x00'")
decode_error("é", "at offset 0, unexpected character 'Ã'")
"#);
    assert_eq!(
        error("json.decode(1)"),
        r#"decode: for parameter "x": got int, want string"#
    );
    assert!(error("json.decode(x='1')").starts_with("decode: "));
}

#[test]
fn decode_default() {
    run(r#"
eq(json.decode('{"valid": "json"}', default = "default value"), {"valid": "json"})
eq(json.decode('{"valid": "json"}', "default value"), {"valid": "json"})
eq(json.decode('{"invalid": "json"', default = "default value"), "default value")
eq(json.decode('{"invalid": "json"', "default value"), "default value")
eq(json.decode('{"invalid": "json"', default = None), None)
eq(json.decode('{"invalid": "json"', None), None)
eq(json.decode('"\\x"', default = 0), 0)
fails(lambda: json.decode('{"invalid": "json"'), 'json.decode: at offset 18, unexpected end of file')
"#);
    // The default covers invalid text, not a wrong argument.
    assert_eq!(
        error("json.decode(1, default = 2)"),
        r#"decode: for parameter "x": got int, want string"#
    );
}

#[test]
fn round_trips() {
    run(r#"
def codec(x):
    return json.decode(json.encode(x))

strings = [
    "😿",  # U+1F63F CRYING CAT FACE
    "🐱‍👤",  # CAT FACE + ZERO WIDTH JOINER + BUST IN SILHOUETTE
    "<a href='x'>&amp;</a>\u2028é",
    "\x00\x01\x7f",
]
eq(codec(strings), strings)

# Every code point of the basic multilingual plane except the surrogates.
codepoints = "".join([chr(c) for c in range(0xD800)] + [chr(c) for c in range(0xE000, 0x10000)])
eq(codec(codepoints), codepoints)
eq(codec(chr(0x10FFFF)), chr(0x10FFFF))

numbers = [0, 1, -1, +1, 1.23e45, -1.23e-45, 0.1, 5e-324, 1.7976931348623157e308,
           3539537889086624823140625, -(1 << 200), float(3539537889086624823140625)]
eq(codec(numbers), numbers)

value = {"a": [1, 2.5, None, True, "x"], "b": {"c": {}, "d": []}, "": ""}
eq(codec(value), value)
eq(json.decode(json.encode_indent(value)), value)
eq(json.decode(json.indent(json.encode(value), prefix = "  ", indent = " ")), value)
"#);
}

#[test]
fn indent() {
    run(r##"
s = json.encode(dict(x = 1, y = ["one", "two"]))

eq(json.indent(s), '''{
	"x": 1,
	"y": [
		"one",
		"two"
	]
}''')

eq(json.decode(json.indent(s)), {"x": 1, "y": ["one", "two"]})

eq(json.indent(s, prefix='¶', indent='–––'), '''{
¶–––"x": 1,
¶–––"y": [
¶––––––"one",
¶––––––"two"
¶–––]
¶}''')

eq(json.indent('  {"a" : [ ], "b": { }, "c": [{}]}  '), '{\n\t"a": [],\n\t"b": {},\n\t"c": [\n\t\t{}\n\t]\n}  ')
eq(json.indent("3"), "3")
eq(json.indent('"x"', prefix = ">"), '"x"')

fails(lambda: json.indent("!@#$%^& this is not json"),
      "json.indent: invalid character '!' looking for beginning of value")
fails(lambda: json.indent('{"a": 1,}'),
      "json.indent: invalid character '}' looking for beginning of object key string")
fails(lambda: json.indent("[1, 2"), "json.indent: unexpected end of JSON input")
fails(lambda: json.indent(""), "json.indent: unexpected end of JSON input")
fails(lambda: json.indent("[1] [2]"), "json.indent: invalid character '[' after top-level value")
fails(lambda: json.indent("tru"), "json.indent: invalid character ' ' in literal true (expecting 'e')")

eq(json.encode_indent(dict(x = 1, y = ["one", "two"])), json.indent(s))
eq(json.encode_indent([1, {"a": None}], prefix = "#", indent = "  "), '[\n#  1,\n#  {\n#    "a": null\n#  }\n#]')
eq(json.encode_indent([]), "[]")
eq(json.encode_indent("x"), '"x"')
fails(lambda: json.encode_indent([len]),
      "json.encode_indent: at list index 0: cannot encode builtin_function_or_method as JSON")
"##);
    assert!(error("json.indent('1', '')").starts_with("indent: "));
    assert!(error("json.encode_indent(1, '')").starts_with("encode_indent: "));
}

#[test]
fn deep_nesting() {
    // Deep values encode without overflowing the stack (the encoder grows it).
    let m = run(r#"
v = []
for i in range(3000):
    v = [v, {"k": v}] if i % 1000 == 0 else [v]
t = json.encode(v)
ok = t[:4] == "[[[[" and t[-4:] == "]]]]" and len(t) > 6000
"#);
    assert_eq!(m.get("ok").unwrap().repr(), "True");

    // Decoding accepts 1000 levels, and not one more (the reference has no limit).
    let ok = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    let m = run(&format!(
        "v = json.decode('{ok}')
back = json.encode(v)
"
    ));
    assert_eq!(m.get("back").unwrap().to_str(), ok);
    let deep = format!("{}[1]{}", "[{\"a\":".repeat(500), "}]".repeat(500));
    assert_eq!(
        error(&format!("json.decode('{deep}')")),
        "json.decode: at offset 3000, nesting exceeds 1000 levels"
    );
    let m = run(&format!("d = json.decode('{deep}', default = 'deep')\n"));
    assert_eq!(m.get("d").unwrap().to_str(), "deep");

    // The indenter, like Go's scanner, refuses more than 10000 levels.
    let text = format!("{}{}", "[".repeat(10001), "]".repeat(10001));
    let err = error(&format!("json.indent('{text}', indent = '')"));
    assert_eq!(err, "json.indent: invalid character '[' exceeded max depth");
}

#[test]
fn help() {
    let m = star_stdlib::json::module();
    let help = m.help();
    assert!(help.starts_with("module json\n"), "{help}");
    assert!(help.contains("decode(x, /, default=Unset)"), "{help}");
    assert!(
        help.contains("indent(str, /, *, prefix=\"\", indent=\"\\t\")"),
        "{help}"
    );
    let _ = eval("json.encode");
}
