#!/bin/sh
# 43-daemon-journal: the daemon following real journal files (sd-journal) with a stored cursor:
# bans from journal entries, and a restart resumes after the last entry (nothing twice).
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp daemon-journal)
remote=
for p in /lib/systemd/systemd-journal-remote /usr/lib/systemd/systemd-journal-remote; do
	[ -x "$p" ] && remote=$p && break
done
[ -n "$remote" ] || skip "no systemd-journal-remote (scripts/deps.sh test installs it)"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
trap cleanup EXIT INT TERM
# journal N ADDR K...: writes journal file N.journal with one failed password per K from ADDR
n=0
journal() {
	name=$1 addr=$2
	shift 2
	python3 - "$d/$name.export" "$addr" "$@" <<'PY'
import sys, time
out, addr, ports = sys.argv[1], sys.argv[2], sys.argv[3:]
now = int(time.time() * 1e6)
with open(out, "w") as f:
    for i, p in enumerate(ports):
        f.write("__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=0123456789abcdef0123456789abcdef\n"
                "_HOSTNAME=bastion\nSYSLOG_IDENTIFIER=sshd\nSYSLOG_PID=%s\n"
                "MESSAGE=Failed password for invalid user u%s from %s port %s ssh2\n\n"
                % (now + i, now + i, p, p, addr, p))
PY
	"$remote" --output="$d/j/$name.journal" "$d/$name.export" >>"$d/remote.log" 2>&1 ||
		fail "systemd-journal-remote: $(tail -n 1 "$d/remote.log")"
}
mkdir -p "$d/j"
journal old 192.0.2.40 1 2 3 4 5 # before the first start: not counted (only new entries)
cat >"$d/a.conf" <<EOF2
[daemon]
socket   = $d/ctl.sock
database = $d/state.db
firewall = dryrun:$d/decisions.log
[sshd]
source   = journal:$d/j
maxretry = 3
EOF2
start() {
	"$AUTHWATCH" daemon -c "$d/a.conf" >>"$d/daemon.log" 2>&1 &
	pid=$!
	wait_for 10 test -S "$d/ctl.sock" || fail "no start: $(cat "$d/daemon.log")"
}
stop() {
	kill -TERM "$pid"
	wait_for 10 sh -c "! kill -0 $pid" || fail "no clean stop"
	pid=
}
start
journal new1 192.0.2.41 11 12 # a new file in the directory: picked up
wait_for 10 jail_status "$d/ctl.sock" 'j["counted"] == 2' ||
	fail "new1 not read: $("$AUTHWATCH" status -s "$d/ctl.sock" --format json)"
grep -q "192.0.2.4" "$d/decisions.log" 2>/dev/null && fail "banned too early: $(cat "$d/decisions.log")"
journal new2 192.0.2.41 13
wait_for 10 grep -q "ban 192.0.2.41/32" "$d/decisions.log" || fail "no ban from journal entries: $(cat "$d/daemon.log")"
grep -q "192.0.2.40" "$d/decisions.log" && fail "entries from before the first start were counted"
# a restart resumes at the stored cursor: 2 failures before the stop, 1 after, no double count
journal new3 192.0.2.42 21 22
wait_for 5 jail_status "$d/ctl.sock" 'j["tracked"] == 1' ||
	fail "new3 not read: $("$AUTHWATCH" status -s "$d/ctl.sock" --format json)"
stop
start
grep -q "ban 192.0.2.42" "$d/decisions.log" && fail "entries read again after a restart"
journal new4 192.0.2.42 23
wait_for 10 grep -q "ban 192.0.2.42/32" "$d/decisions.log" || fail "the window or the cursor was lost across the restart"
stop
done_ok
