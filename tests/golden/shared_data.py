#!/usr/bin/env python3
"""Compares `authwatch events` with peers on the shared real-world data (python3, stdlib only).

The data lives beside the repository, in $TOP/../shared/data (CI has it); its licences allow
testing but not redistribution, so nothing of it is copied into the project: authwatch reads the
log files where they are, and SSHGuard's test lines are written to a scratch file under $OUT.

1. sshguard_sshd_cases.jsonl (SSHGuard's own parser tests):
   - expect_match true: authwatch must give an event with outcome failure or probe whose src_ip
     equals the expected "host". Cases whose line is in a header format or wording outside
     doc/events.md (multilog/tai64 stamps, "auth.info" facility tags, placeholder methods such as
     "Failed XYZ", non-Linux-PAM error texts) are "extended": reported, not required.
   - expect_match false: authwatch may flag the line (failure/probe with an address) only where
     doc/events.md says so: a [preauth] connection_closed/connection_reset/received_disconnect/
     disconnected is a probe by design (SSHGuard ignores them). Anything else is a failure.
   - In every case a src_ip, when given, must be the expected host (never another address).
2. loghub-openssh-2k.log + loghub-openssh-2k.peers.jsonl (fail2ban 1.0.2 normal/aggressive and
   sshg-parser 2.4.2 verdicts per line): a per-peer table of agreements, lines only authwatch
   flags and lines only the peer flags, with LogHub event ids. Required: one event per line;
   no line where authwatch and a peer both give an address and the addresses differ; every
   src_ip literally present in its line; every line that fail2ban (normal) and SSHGuard both flag
   flagged by authwatch with the same address.

Env: AUTHWATCH, OUT, TOP as in tests/run.sh. Exit 0 pass, 1 fail, 77 skip (no data).
"""

import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("TOP") or os.path.dirname(os.path.dirname(HERE))
OUT = os.environ.get("OUT") or "/tmp"
AUTHWATCH = os.environ.get("AUTHWATCH") or os.path.join(TOP, "build", "authwatch")
DATA = os.environ.get("SHARED_DATA") or os.path.join(os.path.dirname(TOP), "shared", "data")
FLAG = ("failure", "probe")
PREAUTH_PROBES = {"connection_closed", "connection_reset", "received_disconnect", "disconnected"}

# Lines outside the formats doc/events.md promises (reported, not required).
EXTENDED = [
    (re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+ auth\.info: "), "multilog/tai64-style stamp with facility tag"),
    (re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"), "space-separated ISO date (s6/multilog/macOS style)"),
    (re.compile(r"^\w{3} +\d+ [\d:]+ \S+ \w+\.\w+ "), "facility.level between host and program"),
    (re.compile(r"^\w{3} \d [\d:]+ sshd\["), "BSD stamp without host name and unpadded day"),
    (re.compile(r"^\w{3} +\d+ [\d:]+ <[\d.]+> "), "non-standard '<N.N>' token in the header"),
    (re.compile(r"\bsshd\[\d+\] error:"), "no ':' after the program tag"),
    (re.compile(r"Failed XYZ for XYZ"), "placeholder method name 'XYZ' (not an sshd method)"),
    (re.compile(r"identification XYZ from"), "placeholder banner without sshd's quotes"),
    (re.compile(r"error: PAM: (?!Authentication failure for )"), "PAM error text other than Linux-PAM's 'Authentication failure'"),
]


def extended_reason(line):
    for rx, why in EXTENDED:
        if rx.search(line):
            return why
    return None


def run_events(path):
    env = dict(os.environ, TZ="UTC")
    p = subprocess.run([AUTHWATCH, "events", "--all", "--format", "ndjson", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("authwatch exited %d: %s" % (p.returncode, p.stderr.decode(errors="replace")[:300]))
    events = {}
    bad = 0
    for raw in p.stdout.split(b"\n"):
        if not raw:
            continue
        try:
            ev = json.loads(raw.decode("utf-8"))
        except ValueError:
            bad += 1
            continue
        if isinstance(ev.get("n"), int):
            events[ev["n"]] = ev
    return events, bad


def flagged(ev):
    return ev is not None and ev.get("outcome") in FLAG


def desc(ev):
    if ev is None:
        return "(no event)"
    keep = {k: v for k, v in ev.items() if k not in ("ts", "host", "prog", "pid", "file", "n", "msg")}
    return json.dumps(keep, ensure_ascii=False)


def sshguard_part():
    path = os.path.join(DATA, "sshguard_sshd_cases.jsonl")
    cases = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                cases.append(json.loads(line))
    d = os.path.join(OUT, "shared-data")
    os.makedirs(d, exist_ok=True)
    scratch = os.path.join(d, "sshguard-lines.log")
    with open(scratch, "wb") as f:
        for c in cases:
            f.write(c["tested_line"].encode("utf-8") + b"\n")
    events, bad = run_events(scratch)
    fails, notes = [], []
    counts = collections.Counter()
    if bad:
        fails.append("%d output lines were not valid JSON" % bad)
    for i, c in enumerate(cases, 1):
        ev = events.get(i)
        line = c["tested_line"]
        where = "sshguard tests.txt:%s" % c["lineno"]
        ext = extended_reason(line)
        ip = ev.get("src_ip") if ev else None
        if c["expect_match"]:
            host = c["host"]
            if ip is not None and ip != host:
                fails.append("%s: WRONG ADDRESS %s (want %s): %s -> %s" % (where, ip, host, line, desc(ev)))
                counts["wrong address"] += 1
            elif flagged(ev) and ip == host:
                counts["match: core" if not ext else "match: extended"] += 1
            elif ext:
                counts["miss: extended"] += 1
                notes.append("%s: extended (%s), not matched: %s -> %s" % (where, ext, line, desc(ev)))
            else:
                counts["miss: core"] += 1
                fails.append("%s: MISSED (want failure/probe from %s): %s -> %s" % (where, host, line, desc(ev)))
        else:
            if flagged(ev) and ip is not None:
                if ev.get("preauth") and ev.get("event") in PREAUTH_PROBES:
                    counts["no-match case flagged (doc: preauth probe)"] += 1
                    notes.append("%s: SSHGuard ignores it, doc/events.md makes it a probe: %s -> %s" % (where, line, desc(ev)))
                else:
                    counts["no-match case flagged (bug)"] += 1
                    fails.append("%s: FLAGGED a line SSHGuard must not match: %s -> %s" % (where, line, desc(ev)))
            else:
                counts["no-match case not flagged"] += 1
    print("== SSHGuard parser cases (%d): %s" % (len(cases), os.path.relpath(path, os.path.dirname(TOP))))
    for k in sorted(counts):
        print("   %-45s %4d" % (k, counts[k]))
    for n in notes:
        print("   note: " + n)
    return fails


def loghub_part():
    log = os.path.join(DATA, "loghub-openssh-2k.log")
    peers_path = os.path.join(DATA, "loghub-openssh-2k.peers.jsonl")
    with open(log, "rb") as f:
        raw_lines = f.read().split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    peers = {}
    with open(peers_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                peers[d["lineno"]] = d
    events, bad = run_events(log)
    fails = []
    if bad:
        fails.append("loghub: %d output lines were not valid JSON" % bad)
    if len(events) != len(raw_lines):
        fails.append("loghub: %d input lines gave %d events" % (len(raw_lines), len(events)))
    names = ("f2b_normal", "f2b_aggressive", "sshguard")
    table = {p: collections.Counter() for p in names}
    only_aw = {p: collections.Counter() for p in names}
    only_peer = {p: collections.Counter() for p in names}
    aw_events = collections.Counter()
    for no in range(1, len(raw_lines) + 1):
        ev = events.get(no)
        pr = peers.get(no, {})
        eid = pr.get("event_id", "?")
        text = raw_lines[no - 1].decode("utf-8", "replace")
        aw_flag = flagged(ev) and ev.get("src_ip") is not None
        aw_ip = ev.get("src_ip") if ev else None
        aw_events[(eid, ev.get("event") if ev else None, ev.get("outcome") if ev else None)] += 1
        if aw_ip is not None and aw_ip not in text:
            fails.append("loghub:%d: src_ip %s is not in the line: %s" % (no, aw_ip, text.strip()))
        for p in names:
            v = pr.get(p) or {}
            p_flag = bool(v.get("failure")) and v.get("ip") is not None
            p_ip = v.get("ip")
            if aw_flag and p_flag:
                if aw_ip == p_ip:
                    table[p]["both flag, same address"] += 1
                else:
                    table[p]["both flag, DIFFERENT address"] += 1
                    fails.append("loghub:%d (%s): authwatch %s, %s %s: %s" % (no, eid, aw_ip, p, p_ip, text.strip()))
            elif aw_flag:
                table[p]["only authwatch flags"] += 1
                only_aw[p][(eid, ev.get("event"))] += 1
            elif p_flag:
                if flagged(ev):
                    table[p]["only peer (authwatch: %s, no address)" % ev.get("outcome")] += 1
                else:
                    table[p]["only peer flags"] += 1
                only_peer[p][(eid, ev.get("event") if ev else None)] += 1
            else:
                table[p]["neither flags"] += 1
            if aw_ip is not None and p_ip is not None and aw_ip != p_ip and not (aw_flag and p_flag):
                fails.append("loghub:%d (%s): addresses differ: authwatch %s, %s %s" % (no, eid, aw_ip, p, p_ip))
        n, s = pr.get("f2b_normal") or {}, pr.get("sshguard") or {}
        if n.get("failure") and s.get("failure") and n.get("ip"):
            if not (aw_flag and aw_ip == n.get("ip")):
                fails.append("loghub:%d (%s): fail2ban and SSHGuard flag %s, authwatch gives %s: %s"
                             % (no, eid, n.get("ip"), desc(ev), text.strip()))
    print("== LogHub OpenSSH_2k (%d lines) vs peers (flag = failure/probe with an address)" % len(raw_lines))
    keys = sorted({k for p in names for k in table[p]})
    print("   %-44s %12s %16s %10s" % ("", "f2b normal", "f2b aggressive", "sshguard"))
    for k in keys:
        print("   %-44s %12d %16d %10d" % (k, table["f2b_normal"][k], table["f2b_aggressive"][k], table["sshguard"][k]))
    for p in names:
        if only_aw[p]:
            print("   only authwatch vs %s: %s" % (p, ", ".join("%s/%s x%d" % (e, a, c) for (e, a), c in sorted(only_aw[p].items()))))
        if only_peer[p]:
            print("   only %s: %s" % (p, ", ".join("%s/%s x%d" % (e, a, c) for (e, a), c in sorted(only_peer[p].items(), key=str))))
    print("   authwatch events by LogHub template:")
    for (eid, name, outcome), c in sorted(aw_events.items(), key=lambda x: (int(x[0][0][1:]) if x[0][0][1:].isdigit() else 0, str(x[0][1]))):
        print("     %-4s %-26s %-8s %5d" % (eid, name, outcome, c))
    return fails


def main():
    if not os.path.isdir(DATA):
        print("shared data not found at %s" % DATA)
        return 77
    if not (os.path.isfile(AUTHWATCH) and os.access(AUTHWATCH, os.X_OK)):
        print("no executable at AUTHWATCH=%s" % AUTHWATCH)
        return 1
    fails = []
    if os.path.isfile(os.path.join(DATA, "sshguard_sshd_cases.jsonl")):
        fails += sshguard_part()
    else:
        print("== SSHGuard cases: not present, skipped")
    if os.path.isfile(os.path.join(DATA, "loghub-openssh-2k.log")) and \
            os.path.isfile(os.path.join(DATA, "loghub-openssh-2k.peers.jsonl")):
        fails += loghub_part()
    else:
        print("== LogHub sample: not present, skipped")
    for f in fails:
        print("FAIL " + f)
    print("shared-data: %d failures" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
