#!/bin/sh
# 31-journal: `authwatch report` on the systemd journal (real journal files, sd-journal), and on
# `journalctl -o json` text.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp journal)
remote=
for p in /lib/systemd/systemd-journal-remote /usr/lib/systemd/systemd-journal-remote; do
	[ -x "$p" ] && remote=$p && break
done
[ -n "$remote" ] || skip "no systemd-journal-remote (scripts/deps.sh test installs it)"

# One attacker (3 connections, 4 failed passwords), one key login, a sudo, a kernel line,
# and a crafted user name, as journald would store them (export format).
python3 - "$d/export" <<'PY'
import sys
t0 = 1780000000 * 1000000  # 2026-05-28T20:26:40Z
n = 0
def ent(dt, ident, pid, msg, host="bastion"):
    global n
    n += 1
    return ("__CURSOR=c%d\n__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n"
            "_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=%s\n"
            "SYSLOG_IDENTIFIER=%s\nSYSLOG_PID=%d\n_PID=%d\nMESSAGE=%s\n\n"
            % (n, t0 + dt * 1000000, dt * 1000000 + 1, host, ident, pid, pid, msg))
out = []
for c in range(3):
    pid = 4000 + c
    port = 50000 + c
    out.append(ent(c * 10, "sshd", pid, "Invalid user oracle from 203.0.113.9 port %d" % port))
    out.append(ent(c * 10 + 1, "sshd", pid, "Failed password for invalid user oracle from 203.0.113.9 port %d ssh2" % port))
    if c == 2:
        out.append(ent(c * 10 + 2, "sshd", pid, "Failed password for invalid user oracle from 203.0.113.9 port %d ssh2" % port))
    out.append(ent(c * 10 + 3, "sshd", pid, "Connection closed by invalid user oracle 203.0.113.9 port %d [preauth]" % port))
out.append(ent(40, "sshd", 4100, "Invalid user x from 192.0.2.66 port 22 from 198.51.100.1 port 4242"))
out.append(ent(41, "sshd", 4100, "Connection closed by invalid user x from 192.0.2.66 port 22 198.51.100.1 port 4242 [preauth]"))
out.append(ent(60, "sshd", 4200, "Accepted publickey for alice from 192.0.2.10 port 60000 ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg"))
out.append(ent(60, "sshd", 4200, "pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)"))
out.append(ent(70, "sudo", 4300, "   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id"))
out.append(ent(75, "kernel", 0, "Failed password for root from 198.51.100.200 port 1 ssh2"))
out.append(ent(90, "sshd", 4200, "pam_unix(sshd:session): session closed for user alice"))
open(sys.argv[1], "w").write("".join(out))
PY
mkdir -p "$d/j"
"$remote" --output="$d/j/test.journal" "$d/export" >"$d/remote.log" 2>&1 ||
	skip "systemd-journal-remote could not write a journal here: $(tail -n 1 "$d/remote.log")"

for j in 1 2; do
	"$AUTHWATCH" report --threads $j --format json "journal:$d/j" >"$d/r$j.json" 2>"$d/err$j" ||
		fail "report exit $? ($(cat "$d/err$j"))"
done
cmp -s "$d/r1.json" "$d/r2.json" || fail "journal: threads disagree"
python3 - "$d/r1.json" <<'PY' || fail "journal report"
import json, sys
r = json.load(open(sys.argv[1]))
o = r["overview"]
assert o["hosts"] == ["bastion"], o["hosts"]
assert o["logins"] == 1, o
att = {a["src_ip"]: a for a in r["attackers"]["items"]}
# the kernel line is not read; the crafted user name bans nobody but its real peer
assert set(att) == {"203.0.113.9", "198.51.100.1"}, sorted(att)
a = att["203.0.113.9"]
assert a["connections"] == 3 and a["attempts"] == 4 and a["users"] == ["oracle"], a
l = r["logins"]["items"][0]
assert l["user"] == "alice" and l["src_ip"] == "192.0.2.10" and l["method"] == "publickey", l
assert l["ts"] == "2026-05-28T20:27:40Z", l["ts"]
assert l["sudo_commands"] == 1 and l["duration_s"] == 30 and l["open"] is False, l
PY

# --since narrows what the journal is asked for
"$AUTHWATCH" report --format json --since 2026-05-28T20:27:10Z "journal:$d/j" >"$d/since.json" ||
	fail "since exit"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert [a["src_ip"] for a in r["attackers"]["items"]] == ["198.51.100.1"], r["attackers"]
' "$d/since.json" || fail "journal --since"

# `journalctl -o json` text, from this host or another: the same events as the journal itself,
# from a file and from a pipe; with awkward values (quotes, backslashes, UTF-8, a newline and a
# byte that is not UTF-8, which journalctl writes as an array of byte values)
python3 - "$d/export2" <<'PY'
import struct, sys
t0 = 1780000100 * 1000000
def field(k, v):
    if b"\n" in v:  # the export format's binary form
        return k + b"\n" + struct.pack("<Q", len(v)) + v + b"\n"
    return k + b"=" + v + b"\n"
def ent(i, ident, pid, msg):
    return (field(b"__CURSOR", b"k%d" % i) + field(b"__REALTIME_TIMESTAMP", b"%d" % (t0 + i)) +
            field(b"__MONOTONIC_TIMESTAMP", b"%d" % (i + 1)) +
            field(b"_BOOT_ID", b"0123456789abcdef0123456789abcdef") + field(b"_HOSTNAME", b"gw") +
            field(b"SYSLOG_IDENTIFIER", ident) + field(b"_PID", b"%d" % pid) +
            field(b"MESSAGE", msg) + b"\n")
out = [ent(1, b"sshd", 7001, b'Invalid user a"b\\c from 203.0.113.77 port 5'),
       ent(2, b"sshd", 7002, "Invalid user jos\u00e9 from 203.0.113.78 port 6".encode()),
       ent(3, b"sshd", 7003, b"Invalid user q\xffq from 203.0.113.79 port 7"),
       ent(4, b"sshd", 7004, b"Failed password for root from 203.0.113.80 port 8 ssh2\nsecond line"),
       ent(5, b"sshd", 7005, b"Accepted password for bob from 192.0.2.11 port 9 ssh2")]
open(sys.argv[1], "wb").write(b"".join(out))
PY
mkdir -p "$d/j2"
"$remote" --output="$d/j2/odd.journal" "$d/export2" >"$d/remote2.log" 2>&1 ||
	fail "systemd-journal-remote: $(tail -n 1 "$d/remote2.log")"
if command -v journalctl >/dev/null 2>&1; then
	for dir in j j2; do
		journalctl --file="$d/$dir/*.journal" -o json >"$d/$dir.json" 2>"$d/jctl.err" ||
			fail "journalctl -o json: $(cat "$d/jctl.err")"
		"$AUTHWATCH" events --all "$d/$dir.json" >"$d/$dir.from-json" || fail "events on -o json"
		"$AUTHWATCH" events --all - <"$d/$dir.json" >"$d/$dir.from-pipe" || fail "events - on -o json"
	done
	journalctl --file="$d/j/*.journal" -o json-seq >"$d/j.seq" 2>"$d/jctl.err" ||
		fail "journalctl -o json-seq: $(cat "$d/jctl.err")"
	"$AUTHWATCH" events --all "$d/j.seq" >"$d/j.from-seq" || fail "events on -o json-seq"
	# journalctl's own text of the same entries gives the same events
	journalctl --file="$d/j/*.journal" -o short-iso-precise --utc >"$d/j.txt" 2>"$d/jctl.err" ||
		fail "journalctl -o short-iso-precise: $(cat "$d/jctl.err")"
	"$AUTHWATCH" events --all "$d/j.txt" >"$d/j.from-text" || fail "events on journalctl text"
	python3 - "$d/j.from-text" "$d/j.from-json" "$d/j.from-pipe" "$d/j.from-seq" \
		"$d/j2.from-json" "$d/j2.from-pipe" <<'PY' ||
import json, sys
def load(p):
    out = []
    for line in open(p, encoding="utf-8", errors="surrogateescape"):
        e = json.loads(line)
        e.pop("file", None)
        e.pop("line", None)
        out.append(e)
    return out
text, js, pipe, seq, odd, oddpipe = (load(p) for p in sys.argv[1:])
assert len(text) == 17 and text == js == pipe == seq, [x for x in zip(text, js) if x[0] != x[1]][:2]
assert odd == oddpipe and len(odd) == 5, len(odd)
assert odd[0]["user"] == 'a"b\\c' and odd[0]["src_ip"] == "203.0.113.77", odd[0]
assert odd[1]["user"] == "jos\u00e9" and odd[1]["host"] == "gw" and odd[1]["pid"] == 7002, odd[1]
assert odd[2]["src_ip"] == "203.0.113.79" and odd[2]["user"].startswith("q"), odd[2]
# a newline in MESSAGE becomes a space, as when the journal is read itself
assert odd[3]["msg"].endswith("ssh2 second line") and odd[3]["pid"] == 7004, odd[3]
assert odd[4]["event"] == "auth_accepted" and odd[4]["ts"] == "2026-05-28T20:28:20.000005Z", odd[4]
PY
		fail "journalctl -o json is not read as the journal's own text"
	# the report on the JSON agrees with the report on the journal
	"$AUTHWATCH" report --format json "$d/j.json" >"$d/rj.json" || fail "report on -o json"
	python3 - "$d/r1.json" "$d/rj.json" <<'PY' || fail "report on journalctl -o json differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("attackers", "logins", "usernames", "sessions", "alerts"):
    assert a[k] == b[k], (k, a[k], b[k])
PY
fi

# a journal directory that does not exist: a clear error, exit 66
"$AUTHWATCH" report "journal:$d/nope" >"$d/out" 2>"$d/err"
[ $? -eq 66 ] || fail "missing journal directory: exit not 66"
grep -q "journal: .*nope" "$d/err" || fail "missing journal directory: $(cat "$d/err")"

# no FILE and no /var/log/auth.log* or secure*: the local journal, said on stderr
if ! ls /var/log/auth.log* /var/log/secure* >/dev/null 2>&1; then
	"$AUTHWATCH" report --format json >"$d/local.json" 2>"$d/local.err" || fail "local journal exit $?"
	grep -q "reading the systemd journal" "$d/local.err" || fail "no line saying what was read"
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$d/local.json" || fail "local journal json"
fi
done_ok
