#!/bin/sh
# 20-cli: `authwatch events` end to end: inputs, compression, order, time, bad input, exit codes.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp cli)
export TZ=UTC

# --- every line of the sample recognised but the kernel one; output is valid NDJSON
"$AUTHWATCH" events --all "$TOP/examples/auth.log" >"$d/all.json" || fail "events --all exit $?"
check_json "$d/all.json"
n=$(grep -c . "$d/all.json")
[ "$n" -eq "$(wc -l <"$TOP/examples/auth.log")" ] || fail "--all gave $n objects"
[ "$(grep -c '"event":"unknown"' "$d/all.json")" -eq 1 ] || fail "unknown count"

# --- same events from every compression, detected by content (misleading names)
cp "$TOP/examples/auth.log" "$d/plain.log"
touch -d '2027-01-02 00:00:00 UTC' "$d/plain.log"
gzip -c "$d/plain.log" >"$d/gz.txt"
xz -c "$d/plain.log" >"$d/xz.log"
zstd -q -c "$d/plain.log" >"$d/zst.log"
bzip2 -c "$d/plain.log" >"$d/bz.gz"
"$AUTHWATCH" events "$d/plain.log" | sed 's/,"file":.*//' >"$d/ref"
for f in gz.txt xz.log zst.log bz.gz; do
	touch -d '2027-01-02 00:00:00 UTC' "$d/$f"
	"$AUTHWATCH" events "$d/$f" | sed 's/,"file":.*//' >"$d/out.$f" || fail "$f: exit $?"
	cmp -s "$d/ref" "$d/out.$f" || fail "$f: events differ from the plain file"
done
cat "$d/gz.txt" | "$AUTHWATCH" events - | sed 's/,"file":.*//' >"$d/stdin" || fail "stdin gz"
[ "$(grep -c . "$d/stdin")" -eq "$(grep -c . "$d/ref")" ] || fail "gzip on stdin"

# --- New Year: mtime in January 2027 puts the December lines in 2026
grep -q '"ts":"2026-12-31T23:58:02Z","event":"connection"' "$d/ref" || fail "Dec 31 not 2026"
grep -q '"ts":"2027-01-01T00:00:12Z","event":"negotiation_failed"' "$d/ref" || fail "Jan 1 not 2027"

# --- --tz: zone-less stamps are local time of the given zone
"$AUTHWATCH" --tz Europe/Berlin events "$d/plain.log" | head -n 1 | grep -q '"ts":"2026-12-31T22:58:02Z"' ||
	fail "--tz Europe/Berlin"
"$AUTHWATCH" --tz Nowhere/Atlantis events "$d/plain.log" >/dev/null 2>"$d/err"
[ $? -eq 64 ] && grep -q "Nowhere/Atlantis" "$d/err" || fail "bad --tz not refused"

# --- rotation order: given shuffled, read oldest first
printf 'Jan  1 00:00:01 h sshd[1]: Invalid user old from 192.0.2.1 port 1\n' | gzip >"$d/auth.log.2.gz"
printf 'Jan  1 00:00:02 h sshd[2]: Invalid user mid from 192.0.2.2 port 2\n' >"$d/auth.log.1"
printf 'Jan  1 00:00:03 h sshd[3]: Invalid user new from 192.0.2.3 port 3\n' >"$d/auth.log"
"$AUTHWATCH" events "$d/auth.log" "$d/auth.log.1" "$d/auth.log.2.gz" | sed -n 's/.*"user":"\([a-z]*\)".*/\1/p' |
	tr '\n' ' ' >"$d/order"
[ "$(cat "$d/order")" = "old mid new " ] || fail "order: $(cat "$d/order")"
"$AUTHWATCH" events "$d/auth.log*" | grep -c invalid_user | grep -qx 3 || fail "quoted glob"

# --- a missing file and a directory: named, the rest still read, exit 66
"$AUTHWATCH" events "$d/nope.log" "$d/auth.log" >"$d/out" 2>"$d/err"
rc=$?
[ $rc -eq 66 ] || fail "missing file: exit $rc"
grep -q "nope.log" "$d/err" || fail "missing file not named: $(cat "$d/err")"
grep -q '"user":"new"' "$d/out" || fail "the other file was not read"
"$AUTHWATCH" events "$d" >/dev/null 2>"$d/err"
[ $? -eq 66 ] && grep -qi "directory" "$d/err" || fail "directory: $(cat "$d/err")"

# --- truncated .gz: events up to the damage, then a clear error, exit 65
i=0
while [ $i -lt 3000 ]; do
	printf 'May  1 10:00:00 h sshd[%d]: Invalid user u%d from 192.0.2.7 port %d\n' $i $i $((i + 1))
	i=$((i + 1))
done | gzip >"$d/big.gz"
size=$(wc -c <"$d/big.gz")
head -c $((size / 2)) "$d/big.gz" >"$d/cut.gz"
"$AUTHWATCH" events "$d/cut.gz" >"$d/out" 2>"$d/err"
rc=$?
[ $rc -eq 65 ] || fail "truncated gz: exit $rc"
grep -qi "truncated" "$d/err" || fail "truncated gz message: $(cat "$d/err")"
got=$(grep -c . "$d/out")
[ "$got" -gt 100 ] && [ "$got" -lt 3000 ] || fail "truncated gz gave $got events"
check_json "$d/out"
# the line it names is the last whole one: every line up to it is an event here
grep -q "after line $got (the lines up to it were read" "$d/err" ||
	fail "truncated gz: $got events, but: $(cat "$d/err")"
"$AUTHWATCH" report --format json "$d/cut.gz" 2>"$d/err" | python3 -c '
import json, sys
f = json.load(sys.stdin)["overview"]["files"][0]
assert f["lines"] == f["events"] == int(sys.argv[1]), f
assert f["error"].startswith("truncated gzip data after line %s" % sys.argv[1]), f
' "$got" || fail "report on the truncated gz: $(cat "$d/err")"

# --- junk: NUL bytes, CRLF, a 1 MiB line, binary, invalid UTF-8 and control bytes in a user
{
	printf 'May  1 10:00:00 h sshd[1]: Invalid user a\000b from 192.0.2.9 port 1\n'
	printf 'May  1 10:00:00 h sshd[1]: Invalid user crlf from 192.0.2.9 port 2\r\n'
	printf 'May  1 10:00:00 h sshd[1]: Invalid user '
	head -c 1100000 /dev/zero | tr '\0' 'A'
	printf ' from 192.0.2.9 port 3\n'
	head -c 4096 /dev/urandom
	printf '\nMay  1 10:00:00 h sshd[1]: Invalid user \377\376"q\\\033[31m from 192.0.2.9 port 4\n'
	printf 'May  1 10:00:00 h sshd[1]: Invalid user last from 192.0.2.9 port 5'
} >"$d/junk.log"
"$AUTHWATCH" events --all "$d/junk.log" >"$d/out" 2>"$d/err" || fail "junk: exit $?"
check_json "$d/out"
grep -q '"user":"crlf","user_valid":false,"src_ip":"192.0.2.9","src_port":2' "$d/out" || fail "CRLF"
grep -q '"truncated":true' "$d/out" || fail "1 MiB line not flagged truncated"
python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
hostile = [e for e in evs if e.get("src_port") == 4]
assert hostile and hostile[0]["user"] == "\ufffd\ufffd\"q\\\x1b[31m", hostile
' "$d/out" || fail "escaping of a hostile user name"
grep -q '"user":"last".*"src_port":5' "$d/out" || fail "last line without newline"
grep -q '"user":"a\\u0000b"' "$d/out" || fail "NUL byte in a user name"
"$AUTHWATCH" events --format csv "$d/junk.log" >"$d/out.csv" || fail "csv exit"
python3 -c 'import csv,sys; rows=list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))); assert len(rows[0])==26, rows[0]; assert all(len(r)==26 for r in rows), [len(r) for r in rows]' "$d/out.csv" ||
	fail "CSV does not parse into 26 columns"

# --- usage and output errors
"$AUTHWATCH" events --format yaml "$d/plain.log" >/dev/null 2>&1
[ $? -eq 64 ] || fail "unknown format not a usage error"
"$AUTHWATCH" nosuchcommand >/dev/null 2>&1
[ $? -eq 64 ] || fail "unknown command"
# each daemon request takes only its own options: "json" must never reach the daemon as a
# duration or a jail name (these fail before any socket is tried)
for a in "ban 192.0.2.10 --format json" "ban 192.0.2.9 --for 2h --format json" \
	"unban 192.0.2.7 --format json" "status --for 1h" "bans --jail j" "reload --format json" \
	"status --history 192.0.2.1" "unban --for 1h 192.0.2.7"; do
	# shellcheck disable=SC2086 # the words of $a are the arguments
	"$AUTHWATCH" $a -s "$d/no.sock" >/dev/null 2>"$d/err"
	rc=$?
	[ $rc -eq 64 ] && grep -q "is not an option of" "$d/err" || fail "$a: exit $rc: $(cat "$d/err")"
done
# every command answers --help on stdout with exit 0, and refuses an unknown option with 64
for c in report events tail daemon check status bans ban unban reload; do
	"$AUTHWATCH" $c --help >"$d/help" 2>"$d/err" && grep -q "usage: authwatch $c" "$d/help" ||
		fail "$c --help: $(cat "$d/err")"
	"$AUTHWATCH" $c --no-such-option >/dev/null 2>"$d/err"
	rc=$?
	[ $rc -eq 64 ] && grep -q "usage: authwatch $c" "$d/err" || fail "$c --no-such-option: exit $rc: $(cat "$d/err")"
	head -n 1 "$d/err" | grep -qx "authwatch: $c: '--no-such-option' is not an option of $c, or its value is missing" ||
		fail "$c --no-such-option: $(head -n 1 "$d/err")"
done
if [ -w /dev/full ]; then
	"$AUTHWATCH" events "$d/plain.log" >/dev/full 2>"$d/err"
	[ $? -eq 74 ] && grep -qi "space" "$d/err" || fail "full disk: $(cat "$d/err")"
fi
done_ok
