#!/usr/bin/env python3
"""Golden parser cases for `authwatch events` (python3, standard library only).

Each tests/golden/NN-*.txt holds cases, one case = two lines:

    in: <log line, everything after "in: ", trailing spaces kept>
    ev: <JSON object: the fields the event must have>

"inx: " instead of "in: " allows the escapes \\xNN (one byte) and \\\\ (a backslash); any other
backslash there is an error. '#' lines and blank lines are comments.

For every .txt file the checker writes the in: lines, in order, to $OUT/golden/<name>.log, sets the
file's mtime to 2026-06-15 12:00:00 UTC (year-less BSD stamps then fall in 2026), runs

    TZ=UTC $AUTHWATCH events --all --format ndjson <file>

and compares line by line. Every field of ev must equal the output's (same JSON type); a field
given as null must be absent. The output may carry no field beyond those of ev except ts, host,
prog, pid, n, file (compared only when ev lists them). Each output line must be valid JSON, and
there must be exactly one per input line, in order (aligned on `n` when the output has it).

It then runs `--format csv` on the same file: the header must be the column list of
doc/events.md ("## CSV columns"), with one row per input line, each row as wide as the header
and agreeing with the NDJSON output on event, outcome, user, src_ip, src_port and n.

Usage: check.py [--lint] [-v] [FILE.txt ...]
  --lint   only parse the case files and check them against doc/events.md (no binary needed)
Env: AUTHWATCH (default $TOP/build/authwatch), OUT (default /tmp), TOP (default: this repo).
Prints one block per mismatch (file:line, input, expected, actual) and ends with
"golden: N passed, N failed"; exits 1 when anything failed, 2 on usage/setup errors.
"""

import calendar
import csv
import glob
import io
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("TOP") or os.path.dirname(os.path.dirname(HERE))
OUT = os.environ.get("OUT") or "/tmp"
AUTHWATCH = os.environ.get("AUTHWATCH") or os.path.join(TOP, "build", "authwatch")
MTIME = calendar.timegm((2026, 6, 15, 12, 0, 0))
HEADER_FIELDS = {"ts", "host", "prog", "pid", "n", "file"}
TIMEOUT = 120

# Fallback if doc/events.md cannot be read; the doc is the reference.
CSV_COLUMNS_FALLBACK = (
    "ts,host,prog,pid,event,outcome,user,user_valid,src_ip,src_host,src_port,dst_ip,dst_port,"
    "method,key_type,key_fp,reason,target,detail,detail2,num1,num2,count,flags,n,file"
).split(",")


class Case:
    __slots__ = ("path", "lineno", "raw", "data", "ev", "index")

    def __init__(self, path, lineno, raw, data, ev):
        self.path, self.lineno, self.raw, self.data, self.ev = path, lineno, raw, data, ev
        self.index = 0  # 1-based line number in the generated input


def decode_inx(text):
    """\\xNN and \\\\ only. Returns bytes, or raises ValueError."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        if text.startswith("\\\\", i):
            out += b"\\"
            i += 2
        elif re.match(r"\\x[0-9a-fA-F]{2}", text[i:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            raise ValueError("bad escape at column %d (only \\xNN and \\\\)" % (i + 6))
    return bytes(out)


def load_cases(path, errors):
    cases = []
    pending = None  # (lineno, raw, data)
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for no, line in enumerate(lines, 1):
        if line.startswith("in: ") or line.startswith("inx: "):
            if pending:
                errors.append("%s:%d: in: line without an ev: line" % (path, pending[0]))
            if line.startswith("in: "):
                raw = line[4:]
                data = raw.encode("utf-8")
            else:
                raw = line[5:]
                try:
                    data = decode_inx(raw)
                except ValueError as e:
                    errors.append("%s:%d: %s" % (path, no, e))
                    pending = None
                    continue
            if b"\n" in data:
                errors.append("%s:%d: an input line cannot contain a newline" % (path, no))
                pending = None
                continue
            pending = (no, raw, data)
        elif line.startswith("ev: "):
            if not pending:
                errors.append("%s:%d: ev: line without an in: line" % (path, no))
                continue
            try:
                ev = json.loads(line[4:])
            except ValueError as e:
                errors.append("%s:%d: ev: is not valid JSON: %s" % (path, no, e))
                pending = None
                continue
            if not isinstance(ev, dict) or "event" not in ev or "outcome" not in ev:
                errors.append("%s:%d: ev: must be an object with event and outcome" % (path, no))
                pending = None
                continue
            cases.append(Case(path, pending[0], pending[1], pending[2], ev))
            pending = None
        elif line.strip() == "" or line.lstrip().startswith("#"):
            continue
        else:
            errors.append("%s:%d: not a comment, in:, inx: or ev: line" % (path, no))
    if pending:
        errors.append("%s:%d: in: line without an ev: line" % (path, pending[0]))
    for i, c in enumerate(cases, 1):
        c.index = i
    return cases


def doc_text():
    try:
        with open(os.path.join(TOP, "doc", "events.md"), encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def doc_csv_columns(doc):
    if doc:
        m = re.search(r"## CSV columns.*?\n`([a-z_,0-9]+)`", doc, re.S)
        if m:
            return m.group(1).split(",")
    return CSV_COLUMNS_FALLBACK


def doc_event_names(doc):
    names = {"unknown"}
    if not doc:
        return None
    part = doc.split("## Event types", 1)[-1]
    for line in part.split("\n"):
        if line.startswith("| `"):
            first = line.split("|")[1]
            names.update(re.findall(r"`([a-z0-9_]+)`", first))
    return names


def same(a, b):
    """JSON equality with types: 1 != 1.0 != true."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def compare(expected, actual):
    """Returns a list of problems (empty when the event matches)."""
    problems = []
    for k, v in expected.items():
        if v is None:
            if k in actual:
                problems.append("%s: must be absent, got %s" % (k, json.dumps(actual[k], ensure_ascii=False)))
        elif k not in actual:
            problems.append("%s: missing (want %s)" % (k, json.dumps(v, ensure_ascii=False)))
        elif not same(v, actual[k]):
            problems.append("%s: want %s, got %s" % (k, json.dumps(v, ensure_ascii=False),
                                                     json.dumps(actual[k], ensure_ascii=False)))
    for k in actual:
        if k not in expected and k not in HEADER_FIELDS:
            problems.append("%s: unexpected field (%s)" % (k, json.dumps(actual[k], ensure_ascii=False)))
    return problems


def show(b):
    s = b.decode("utf-8", "backslashreplace")
    return "".join(ch if ch >= " " or ch == "\t" else "\\x%02x" % ord(ch) for ch in s)


def run(args, path):
    env = dict(os.environ, TZ="UTC")
    try:
        p = subprocess.run([AUTHWATCH] + args + [path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, b"", b"timed out after %d s" % TIMEOUT
    return p.returncode, p.stdout, p.stderr


def write_input(name, cases):
    d = os.path.join(OUT, "golden")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, name + ".log")
    with open(path, "wb") as f:
        for c in cases:
            f.write(c.data + b"\n")
    os.utime(path, (MTIME, MTIME))
    return path


def check_file(txt, cases, columns, verbose):
    """Returns (passed, failed, report lines)."""
    name = os.path.splitext(os.path.basename(txt))[0]
    rel = os.path.relpath(txt, TOP)
    report = []
    path = write_input(name, cases)
    rc, out, err = run(["events", "--all", "--format", "ndjson"], path)
    if rc != 0:
        report.append("%s: authwatch events exited %s: %s" % (rel, rc, show(err.strip()[:500])))
        return 0, len(cases), report
    outlines = out.split(b"\n")
    if outlines and outlines[-1] == b"":
        outlines.pop()
    parsed = []
    bad_json = 0
    for i, ol in enumerate(outlines, 1):
        try:
            obj = json.loads(ol.decode("utf-8"))
            if not isinstance(obj, dict):
                raise ValueError("not an object")
            parsed.append(obj)
        except (ValueError, UnicodeDecodeError) as e:
            bad_json += 1
            parsed.append({"__invalid__": "output line %d is not valid JSON (%s): %s" % (i, e, show(ol[:300]))})
    if len(parsed) != len(cases):
        report.append("%s: %d input lines gave %d output lines" % (rel, len(cases), len(parsed)))
    # Align on n when every valid output line has it; else by position.
    by_n = {}
    use_n = parsed and all(isinstance(o.get("n"), int) for o in parsed if "__invalid__" not in o)
    if use_n:
        for o in parsed:
            if "__invalid__" not in o:
                by_n.setdefault(o["n"], o)
    passed = failed = 0
    ndjson_by_index = {}
    for c in cases:
        if use_n:
            actual = by_n.get(c.index)
            if actual is None and c.index - 1 < len(parsed) and "__invalid__" in parsed[c.index - 1]:
                actual = parsed[c.index - 1]
        else:
            actual = parsed[c.index - 1] if c.index - 1 < len(parsed) else None
        if actual is None:
            problems = ["no output line for this input line"]
        elif "__invalid__" in actual:
            problems = [actual["__invalid__"]]
        else:
            problems = compare(c.ev, actual)
            ndjson_by_index[c.index] = actual
            if use_n and actual.get("n") != c.index:
                problems.append("n: want %d, got %s" % (c.index, actual.get("n")))
        if problems:
            failed += 1
            report.append("%s:%d: %s" % (rel, c.lineno, "; ".join(problems)))
            report.append("    in:       %s" % show(c.data))
            report.append("    expected: %s" % json.dumps(c.ev, ensure_ascii=False))
            report.append("    actual:   %s" % (json.dumps(actual, ensure_ascii=False)
                                                 if actual is not None else "(none)"))
        else:
            passed += 1
            if verbose:
                report.append("ok %s:%d" % (rel, c.lineno))

    # CSV
    rc, out, err = run(["events", "--all", "--format", "csv"], path)
    csv_problems = []
    if rc != 0:
        csv_problems.append("authwatch events --format csv exited %s: %s" % (rc, show(err.strip()[:300])))
    else:
        try:
            text = out.decode("utf-8")
        except UnicodeDecodeError as e:
            text = None
            csv_problems.append("CSV output is not valid UTF-8: %s" % e)
        if text is not None:
            try:
                rows = list(csv.reader(io.StringIO(text, newline="")))
            except csv.Error as e:
                rows = None
                csv_problems.append("CSV does not parse: %s" % e)
            if rows is not None:
                if not rows:
                    csv_problems.append("CSV output is empty")
                else:
                    header, body = rows[0], rows[1:]
                    if header != columns:
                        csv_problems.append("CSV header %s != doc/events.md %s" % (",".join(header), ",".join(columns)))
                    if len(body) != len(cases):
                        csv_problems.append("CSV has %d rows for %d input lines" % (len(body), len(cases)))
                    col = {h: i for i, h in enumerate(header)}
                    for i, row in enumerate(body, 1):
                        if len(row) != len(header):
                            csv_problems.append("CSV row %d has %d cells, header %d" % (i, len(row), len(header)))
                            continue
                        ev = ndjson_by_index.get(i)
                        if ev is None:
                            continue
                        for f in ("event", "outcome", "user", "src_ip", "src_port", "n"):
                            if f not in col:
                                continue
                            want = ev.get(f)
                            want = "" if want is None else (str(want) if not isinstance(want, str) else want)
                            # CSV cannot escape control bytes: accept them replaced by U+FFFD
                            alt = re.sub("[\x00-\x08\x0b-\x1f\x7f]", "\ufffd", want)
                            if row[col[f]] != want and row[col[f]] != alt:
                                csv_problems.append("CSV row %d column %s = %r, NDJSON has %r (%s:%d)"
                                                    % (i, f, row[col[f]], want, rel, cases[i - 1].lineno))
    if csv_problems:
        failed += 1
        report.append("%s: CSV: %s" % (rel, csv_problems[0]))
        for p in csv_problems[1:20]:
            report.append("    %s" % p)
        if len(csv_problems) > 20:
            report.append("    ... %d more" % (len(csv_problems) - 20))
    return passed, failed, report


def main(argv):
    lint = "--lint" in argv
    verbose = "-v" in argv
    files = [a for a in argv if not a.startswith("-")]
    if not files:
        files = sorted(glob.glob(os.path.join(HERE, "*.txt")))
    errors = []
    allcases = {}
    for txt in files:
        allcases[txt] = load_cases(txt, errors)
    doc = doc_text()
    columns = doc_csv_columns(doc)
    names = doc_event_names(doc)
    if names:
        for txt, cases in allcases.items():
            for c in cases:
                if c.ev["event"] not in names:
                    errors.append("%s:%d: event %r is not in doc/events.md" % (txt, c.lineno, c.ev["event"]))
                if c.ev["outcome"] not in ("success", "failure", "probe", "info"):
                    errors.append("%s:%d: outcome %r" % (txt, c.lineno, c.ev["outcome"]))
    for e in errors:
        print("case file error: " + e)
    if lint:
        total = 0
        for txt, cases in allcases.items():
            print("%-28s %4d cases" % (os.path.basename(txt), len(cases)))
            total += len(cases)
        seen = {c.ev["event"] for cs in allcases.values() for c in cs}
        if names:
            missing = sorted(names - seen)
            print("event types without a case: %s" % (", ".join(missing) if missing else "none"))
        print("total %d cases, %d case file errors" % (total, len(errors)))
        return 1 if errors else 0
    if errors:
        print("golden: case files have errors; fix them first")
        return 2
    if not (os.path.isfile(AUTHWATCH) and os.access(AUTHWATCH, os.X_OK)):
        print("golden: no executable at AUTHWATCH=%s" % AUTHWATCH)
        return 2
    passed = failed = 0
    for txt, cases in allcases.items():
        p, f, report = check_file(txt, cases, columns, verbose)
        passed += p
        failed += f
        for line in report:
            print(line)
    print("golden: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
