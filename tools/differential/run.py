#!/usr/bin/env python3
"""Differential runner: star vs starlark-go (the yardstick) vs starlark-rust.

Dev tool, not part of CI. Needs `pip install starlark-go starlark-pyo3` and a
built `star` binary (see README.md).

Each input file is split into chunks on "\\n---\\n" lines, as `star test` does.
Every chunk is rewritten once and run by each implementation:

* `print(...)` becomes `_p(...)`, which prints the repr of the joined line, so
  output with invalid UTF-8 survives the Go binding (it crashes on such text);
* `assert.X(` becomes `assert_X(LINE, `, defined by a small Starlark prelude,
  and the `load("assert.star", ...)` line is blanked. Failed assertions are
  printed as `ASSERT LINE: ...` lines. `freeze` is the identity (the Go
  binding has no freeze), so chunks that use it are flagged.
* `assert.fails(f, pattern)` cannot be caught without a native helper, so the
  chunk is run once more per `assert.fails` line with that line as the
  target: the prelude calls `f()` there and the run is expected to stop with
  an error matching `pattern` (checked here with Python's `re`).

A chunk's run yields (output lines, error message, error line). The report
lists, per chunk, where star disagrees with Go (output, erroring, and
informationally message text), each implementation's problems against the
file's own expectations (`### "regexp"` lines, assertion failures), and
optionally the same for starlark-rust.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_STAR = os.path.join(
    os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "debug", "star"
)

OPTIONS = ["set", "while", "recursion", "toplevelcontrol", "globalreassign"]

PRELUDE = '''\
_TARGET = %(target)d
def _p(*args, sep = " "):
    _emit(repr(sep.join([a if type(a) == "string" else str(a) for a in args])))
def assert_eq(line, x, y):
    if x != y:
        _emit("ASSERT %%d: %%r != %%r" %% (line, x, y))
def assert_ne(line, x, y):
    if x == y:
        _emit("ASSERT %%d: %%r == %%r" %% (line, x, y))
def assert_true(line, cond, msg = "assertion failed"):
    if not cond:
        _emit("ASSERT %%d: %%s" %% (line, msg))
def assert_lt(line, x, y):
    if not (x < y):
        _emit("ASSERT %%d: %%s is not less than %%s" %% (line, x, y))
def assert_contains(line, x, y):
    if y not in x:
        _emit("ASSERT %%d: %%s does not contain %%s" %% (line, x, y))
def assert_fail(line, msg):
    _emit("ASSERT %%d: %%s" %% (line, msg))
def assert_fails(line, f, pattern):
    if line == _TARGET:
        _emit("FAILS-CALL %%d" %% line)
        f()
        _emit("FAILS-NOERROR %%d" %% line)
def freeze(x):
    return x
'''
PRELUDE_LINES = PRELUDE.count("\n")

LOAD_RE = re.compile(r'^\s*load\("assert\.star"')
ASSERT_RE = re.compile(r"\bassert\.(eq|ne|true|lt|contains|fails|fail)\(")
PRINT_RE = re.compile(r"(?<![.\w])print\(")
EXPECT_RE = re.compile(r"###\s*(.*)$")


def split_chunks(text):
    """Yields (first_line, chunk_text) as `star test` splits a file."""
    line = 1
    for piece in text.split("\n---\n"):
        yield line, piece
        line += piece.count("\n") + 2


def go_literal(lit):
    lit = lit.strip()
    if lit.startswith("`") and lit.endswith("`"):
        return lit[1:-1]
    if lit.startswith('"') and lit.endswith('"'):
        return json.loads(lit) if "\\x" not in lit else bytes(lit[1:-1], "utf-8").decode("unicode_escape")
    return None


def transform(chunk, first_line, target):
    """The program text run by every implementation, and its line offset."""
    out = []
    for n, text in enumerate(chunk.split("\n"), start=first_line):
        if LOAD_RE.match(text):
            text = ""
        text = ASSERT_RE.sub(lambda m: "assert_%s(%d, " % (m.group(1), n), text)
        text = PRINT_RE.sub("_p(", text)
        out.append(text)
    body = "\n" * (first_line - 1) + "\n".join(out)
    return PRELUDE % {"target": target} + body, PRELUDE_LINES


def decode_repr(s):
    """Decodes a Starlark string repr (as printed by _p) to bytes, loosely."""
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        return s.encode("utf-8", "surrogateescape")
    s = s[1:-1]
    out = bytearray()
    i = 0
    simple = {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\", '"': b'"', "'": b"'",
              "a": b"\a", "b": b"\b", "f": b"\f", "v": b"\v", "0": b"\0"}
    while i < len(s):
        c = s[i]
        if c != "\\" or i + 1 == len(s):
            out += c.encode("utf-8", "surrogateescape")
            i += 1
            continue
        e = s[i + 1]
        if e == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif e == "u" and i + 2 < len(s) and s[i + 2] == "{":  # Rust style \u{..}
            j = s.index("}", i)
            out += chr(int(s[i + 3:j], 16)).encode()
            i = j + 1
        elif e == "u":
            out += chr(int(s[i + 2:i + 6], 16)).encode("utf-8", "surrogatepass")
            i += 6
        elif e == "U":
            out += chr(int(s[i + 2:i + 10], 16)).encode()
            i += 10
        elif e in "01234567" and i + 3 < len(s) and all(ch in "01234567" for ch in s[i + 1:i + 4]):
            out.append(int(s[i + 1:i + 4], 8) & 0xFF)
            i += 4
        else:
            out += simple.get(e, ("\\" + e).encode())
            i += 2
    return bytes(out)


def norm_output(lines):
    """Output lines as text for display: _p lines decoded, others kept."""
    res = []
    for ln in lines:
        if ln.startswith('"'):
            res.append(decode_repr(ln).decode("utf-8", "backslashreplace"))
        else:
            res.append(ln)
    return res


# ---------------------------------------------------------------------------
# Implementations. Each run returns {"out": [lines], "err": msg|None, "line": n|None}.

def run_star(star, prog, offset, options):
    with tempfile.NamedTemporaryFile("w", suffix=".star", delete=False) as f:
        f.write(prog)
        path = f.name
    # `_emit` is print for star: the program prints one line per event.
    prog2 = "_emit = print\n" + prog
    with open(path, "w") as f:
        f.write(prog2)
    flags = []
    for o in options:
        flags.append({"toplevelcontrol": "--toplevel-control"}.get(o, "--" + o))
    try:
        p = subprocess.run([star, "run"] + flags + [path], capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        os.unlink(path)
        return {"out": [], "err": "TIMEOUT", "line": None}
    os.unlink(path)
    out = p.stdout.decode("utf-8", "surrogateescape").splitlines()
    err = None
    line = None
    if p.returncode != 0:
        text = p.stderr.decode("utf-8", "replace")
        m = re.search(r"^error: (.*)$", text, re.M)
        err = m.group(1) if m else (text.strip() or "exit %d" % p.returncode)
        frames = re.findall(re.escape(path) + r":(\d+):\d+", text)
        if frames:
            line = int(frames[-1]) - 1 - offset
    return {"out": out, "err": err, "line": line}


GO_WORKER = r'''
import json, re, sys
import starlark_go as sg
for req in sys.stdin:
    req = json.loads(req)
    o = req["options"]
    sg.configure_starlark(allow_set="set" in o, allow_global_reassign="globalreassign" in o,
                          allow_recursion="recursion" in o)
    out = []
    s = sg.Starlark(print=lambda m: out.append(m))
    res = {"out": out, "err": None, "line": None}
    try:
        s.exec("_emit = print\n" + req["prog"], filename="chunk.star")
    except sg.StarlarkError as e:
        msg = e.error
        bt = getattr(e, "backtrace", "")
        frames = re.findall(r"chunk\.star:(\d+):\d+", bt) or re.findall(r"chunk\.star:(\d+):\d+", msg)
        m = re.match(r"^.*?:\d+:\d+: (.*)$", msg, re.S)
        if m:
            msg = m.group(1)
        if isinstance(e, sg.ResolveError) and getattr(e, "errors", None):
            it = e.errors[0]
            msg, frames = it.msg, [str(it.line)]
        res["err"] = msg
        res["line"] = int(frames[-1]) - 1 - req["offset"] if frames else None
    print(json.dumps(res), flush=True)
'''

PYO3_WORKER = r'''
import json, re, sys
import starlark as sl
L = sl.LibraryExtension
for req in sys.stdin:
    req = json.loads(req)
    out = []
    m = sl.Module()
    m.add_callable("_emit", lambda s: out.append(s))
    res = {"out": out, "err": None, "line": None}
    try:
        g = sl.Globals.extended_by([L.StructType, L.Json])
        sl.eval(m, sl.parse("chunk.star", req["prog"], sl.Dialect.extended()), g)
    except Exception as e:
        text = str(e)
        m = re.search(r"^error: (.*)$", text, re.M)
        res["err"] = m.group(1) if m else (text.splitlines() or [repr(e)])[0]
        frames = re.findall(r"chunk\.star:(\d+):\d+", text)
        res["line"] = int(frames[-1]) - req["offset"] if frames else None
    print(json.dumps(res), flush=True)
'''


class Worker:
    """A Python subprocess running one binding; restarted when it crashes."""

    def __init__(self, code, name):
        self.code, self.name, self.proc = code, name, None

    def run(self, prog, offset, options):
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([sys.executable, "-c", self.code], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.proc.stdin.write(json.dumps({"prog": prog, "offset": offset, "options": options}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            self.proc = None
            return {"out": [], "err": "CRASH in %s binding (invalid UTF-8 passed to Python?)" % self.name,
                    "line": None}
        return json.loads(line)


# ---------------------------------------------------------------------------

def expectations(chunk, first_line):
    exp = {}
    for n, text in enumerate(chunk.split("\n"), start=first_line):
        m = EXPECT_RE.search(text)
        if m:
            exp[n] = go_literal(m.group(1))
    return exp


def fails_lines(chunk, first_line):
    res = []
    for n, text in enumerate(chunk.split("\n"), start=first_line):
        m = re.search(r"\bassert\.fails\(", text)
        if m and not text.lstrip().startswith("#"):
            res.append(n)
    return res


def search(pattern, msg):
    try:
        return re.search(pattern, msg) is not None
    except re.error:
        return pattern in msg


def problems(main, fails, exp):
    """The test-format verdict of one implementation's runs on a chunk."""
    probs = []
    for ln in main["out"]:
        if ln.startswith("ASSERT "):
            probs.append(ln)
    if main["err"] is not None:
        line = main["line"]
        if line in exp:
            if not search(exp[line], main["err"]):
                probs.append("line %s: error %r does not match %r" % (line, main["err"], exp[line]))
        else:
            probs.append("line %s: unexpected error: %s" % (line, main["err"]))
    for line, pat in exp.items():
        if main["err"] is None or main["line"] != line:
            probs.append("line %d: expected error matching %r" % (line, pat))
    for line, (res, pattern) in fails.items():
        if "FAILS-CALL %d" % line not in res["out"]:
            continue  # not reached (an earlier error or a branch not taken)
        if res["err"] is None or "FAILS-NOERROR %d" % line in res["out"]:
            probs.append("line %d: assert.fails: evaluation succeeded unexpectedly (want %r)" % (line, pattern))
        elif not search(pattern, res["err"]):
            probs.append("line %d: assert.fails: %r does not match error %r" % (line, pattern, res["err"]))
    return probs


def fails_pattern(chunk, first_line, line):
    text = chunk.split("\n")[line - first_line]
    m = re.search(r'assert\.fails\(.*,\s*("(?:[^"\\]|\\.)*"|`[^`]*`)\s*\)\s*(#.*)?$', text)
    return go_literal(m.group(1)) if m else ".*"


def run_chunk(impls, chunk, first_line):
    options = [o for o in OPTIONS if "option:" + o in chunk]
    exp = expectations(chunk, first_line)
    results = {}
    for name, fn in impls.items():
        prog, offset = transform(chunk, first_line, -1)
        main = fn(prog, offset, options)
        fails = {}
        for line in fails_lines(chunk, first_line):
            prog, offset = transform(chunk, first_line, line)
            fails[line] = (fn(prog, offset, options), fails_pattern(chunk, first_line, line))
        results[name] = (main, fails, problems(main, fails, exp))
    return results


def summarize(res):
    main, fails, _ = res
    s = {"out": norm_output([l for l in main["out"]]), "err": main["err"], "line": main["line"]}
    s["fails"] = {l: (r["err"], "FAILS-CALL %d" % l in r["out"]) for l, (r, _) in fails.items()}
    return s


def compare(a, b):
    """Differences between two implementations' runs: (hard, soft) lists."""
    hard, soft = [], []
    sa, sb = summarize(a), summarize(b)
    if sa["out"] != sb["out"]:
        hard.append("output differs:\n      star: %s\n      go:   %s" % (sa["out"], sb["out"]))
    if (sa["err"] is None) != (sb["err"] is None) or sa["line"] != sb["line"]:
        hard.append("error differs: star %r (line %s) / go %r (line %s)" % (sa["err"], sa["line"], sb["err"], sb["line"]))
    elif sa["err"] != sb["err"]:
        soft.append("message: star %r / go %r" % (sa["err"], sb["err"]))
    for l in sorted(sa["fails"]):
        (ea, ra), (eb, rb) = sa["fails"][l], sb["fails"].get(l, (None, False))
        if not ra or not rb:
            continue
        if (ea is None) != (eb is None):
            hard.append("line %d assert.fails: star %r / go %r" % (l, ea, eb))
        elif ea != eb:
            soft.append("line %d message: star %r / go %r" % (l, ea, eb))
    return hard, soft


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", help=".star files or directories")
    ap.add_argument("--star", default=DEFAULT_STAR, help="the star binary (default: %(default)s)")
    ap.add_argument("--pyo3", action="store_true", help="also run starlark-rust (starlark-pyo3), informationally")
    ap.add_argument("--messages", action="store_true", help="also report error-message differences")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every chunk's outputs")
    args = ap.parse_args()

    files = []
    for p in args.paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".star"))
        else:
            files.append(p)

    go = Worker(GO_WORKER, "starlark-go")
    impls = {"star": lambda prog, off, opts: run_star(args.star, prog, off, opts), "go": go.run}
    if args.pyo3:
        impls["rust"] = Worker(PYO3_WORKER, "starlark-pyo3").run

    total = disagree = go_bad = 0
    for path in files:
        text = open(path, encoding="utf-8").read()
        for first_line, chunk in split_chunks(text):
            total += 1
            res = run_chunk(impls, chunk, first_line)
            hard, soft = compare(res["star"], res["go"])
            uses_freeze = "freeze(" in chunk
            lines = []
            if hard:
                disagree += 1
                lines += ["  STAR vs GO: " + h for h in hard]
            if args.messages:
                lines += ["  msg: " + s for s in soft]
            for name in res:
                probs = res[name][2]
                if name == "go" and probs:
                    go_bad += 1
                for pr in probs:
                    lines.append("  %s problem: %s" % (name, pr))
            if args.verbose:
                for name in res:
                    s = summarize(res[name])
                    lines.append("  %s: out=%s err=%r line=%s" % (name, s["out"], s["err"], s["line"]))
            if lines:
                note = " (uses freeze: a no-op here)" if uses_freeze else ""
                print("%s:%d: chunk%s" % (path, first_line, note))
                print("\n".join(lines))
    print("%d chunks; %d where star and Go disagree; %d where Go fails the file's expectations"
          % (total, disagree, go_bad))


if __name__ == "__main__":
    main()
