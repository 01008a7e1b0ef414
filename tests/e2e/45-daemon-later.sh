#!/bin/sh
# 45-daemon-later: what changes while the daemon runs needs no reload. A glob source follows
# the files that appear later (from their start; a rotated file renamed to a matching name is
# not read twice, nor is a copy made by copytruncate; a file that went away and comes back is
# new). A full disk keeps the database:
# once space is freed the state kept in memory is written (said once each way).
# The disk-full part runs as root in a private mount namespace on a small tmpfs (this script
# again, with the argument "disk-full"); it is skipped, saying why, when mounting is refused.
set -u
. "$(dirname "$0")/lib.sh"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
trap cleanup EXIT INT TERM
export TZ=UTC
# line IP PORT: one failure of IP now
line() { printf '%s h sshd[%s]: Invalid user u from %s port %s\n' "$(date '+%b %e %H:%M:%S')" "$2" "$1" "$2"; }
# conf DIR SOURCE DATABASE: a daemon configuration in DIR/a.conf (maxretry 3, dry-run firewall)
conf() {
	cat >"$1/a.conf" <<EOF2
[daemon]
socket   = $1/ctl.sock
database = $3
firewall = dryrun:$1/decisions.log
[sshd]
source   = $2
maxretry = 3
EOF2
}
start() {
	"$AUTHWATCH" daemon -c "$1/a.conf" >>"$1/daemon.log" 2>&1 &
	pid=$!
	wait_for 10 test -S "$1/ctl.sock" || fail "no start: $(cat "$1/daemon.log")"
}
stop() {
	kill -TERM "$pid"
	wait_for 10 sh -c "! kill -0 $pid" || fail "no clean stop"
	pid=
}

disk_full() {
	d=$(mktmp daemon-disk-full)
	mount --make-rprivate / 2>/dev/null || skip "disk full: no private mount namespace (not root?)"
	mkdir "$d/mnt"
	mount -t tmpfs -o size=1m tmpfs "$d/mnt" 2>"$d/mount.err" ||
		skip "disk full: mount tmpfs: $(cat "$d/mount.err")"
	conf "$d" "$d/auth.log" "$d/mnt/state.db"
	: >"$d/auth.log"
	start "$d"
	# the file system full: the next position written fails
	dd if=/dev/zero of="$d/mnt/fill" bs=4096 2>/dev/null
	line 192.0.2.30 1 >>"$d/auth.log"
	wait_for 10 grep -q "state.db: disk full" "$d/daemon.log" ||
		fail "a full disk was not noticed: $(cat "$d/daemon.log")"
	line 192.0.2.31 2 >>"$d/auth.log"
	sleep 3 # tried again each second: said once
	[ "$(grep -c "disk full" "$d/daemon.log")" -eq 1 ] || fail "disk full said more than once: $(cat "$d/daemon.log")"
	wait_for 5 jail_status "$d/ctl.sock" 'j["tracked"] == 2' || fail "stopped counting on a full disk"
	"$AUTHWATCH" status -s "$d/ctl.sock" --format json | python3 -c '
import json, sys
assert json.load(sys.stdin)["database"] == "disk full"' || fail "status does not say the disk is full"
	"$AUTHWATCH" status -s "$d/ctl.sock" | head -n 1 | grep -q "(disk full: in memory until there is space)" ||
		fail "status text: $("$AUTHWATCH" status -s "$d/ctl.sock" | head -n 1)"
	# a ban while the disk is full: in the firewall at once, in the database once there is space
	for i in 1 2 3; do line 192.0.2.40 $((30 + i)); done >>"$d/auth.log"
	wait_for 5 grep -q "ban 192.0.2.40/32" "$d/decisions.log" || fail "no ban on a full disk"
	# space again: the database is written without a reload, the recovery said once
	rm "$d/mnt/fill"
	wait_for 10 grep -q "state.db: writable again" "$d/daemon.log" ||
		fail "the database was not written again once space was freed: $(cat "$d/daemon.log")"
	for i in 1 2 3; do line 192.0.2.32 $((10 + i)); done >>"$d/auth.log"
	wait_for 5 grep -q "ban 192.0.2.32/32" "$d/decisions.log" || fail "no ban after the disk full"
	sleep 2
	[ "$(grep -c "disk full" "$d/daemon.log")" -eq 1 ] && [ "$(grep -c "writable again" "$d/daemon.log")" -eq 1 ] ||
		fail "disk full and its end not said once each: $(cat "$d/daemon.log")"
	stop
	# nothing lost: the position past the lines read while the disk was full, the ban made
	# after, the failures still in their windows
	python3 -c 'import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
pos = db.execute("SELECT pos FROM offsets WHERE source = ?", (sys.argv[2],)).fetchall()
assert pos == [(os.path.getsize(sys.argv[2]),)], pos
assert db.execute("SELECT count(*) FROM bans").fetchone()[0] == 2
assert db.execute("SELECT count(*) FROM failures").fetchone()[0] == 2' "$d/mnt/state.db" "$d/auth.log" ||
		fail "the state was not all written: $(cat "$d/daemon.log")"
	start "$d"
	grep -q "restored 2 active bans" "$d/daemon.log" || fail "the bans were not kept: $(cat "$d/daemon.log")"
	wait_for 5 jail_status "$d/ctl.sock" 'j["tracked"] == 2 and j["sources"][0]["lines"] == 0' ||
		fail "lines read twice, or windows lost: $("$AUTHWATCH" status -s "$d/ctl.sock" --format json)"
	stop
	umount "$d/mnt"
	echo "disk full: ok"
	exit 0
}
if [ "${1:-}" = disk-full ]; then
	disk_full
fi

# --- a glob source on an empty directory: its files appear later ---------------------------
d=$(mktmp daemon-later)
mkdir "$d/logs"
conf "$d" "$d/logs/*.log" "$d/state.db"
start "$d"
grep -q "logs/\*.log matches no file" "$d/daemon.log" || fail "no word of the empty glob: $(cat "$d/daemon.log")"
for i in 1 2 3; do line 192.0.2.10 $i; done >"$d/logs/x.log"
wait_for 10 grep -q "ban 192.0.2.10/32" "$d/decisions.log" ||
	fail "a file that appeared under the glob was not followed: $(cat "$d/daemon.log")"
grep -q "following $d/logs/x.log from its start" "$d/daemon.log" || fail "not said: $(cat "$d/daemon.log")"
# rotated to a name the glob matches: read once, by x.log's follower (2 failures of .11, not 3)
line 192.0.2.11 4 >>"$d/logs/x.log"
wait_for 5 jail_status "$d/ctl.sock" 'j["tracked"] == 1' || fail "the line of .11 was not counted"
mv "$d/logs/x.log" "$d/logs/x-1.log"
line 192.0.2.11 5 >"$d/logs/x.log"
sleep 6 # past the periodic look at the glob
wait_for 5 jail_status "$d/ctl.sock" '[s["source"] for s in j["sources"]] == ["'"$d"'/logs/x.log"]' ||
	fail "the rotated file got a follower: $("$AUTHWATCH" status -s "$d/ctl.sock" --format json)"
grep -q "ban 192.0.2.11/" "$d/decisions.log" && fail "a rotated file was read twice"
# copied and cut (copytruncate) to a name the glob matches: the copy is not read again either
line 192.0.2.13 20 >>"$d/logs/x.log"
wait_for 5 jail_status "$d/ctl.sock" 'j["tracked"] == 2' || fail "the line of .13 was not counted"
cp "$d/logs/x.log" "$d/logs/x-2.log"
: >"$d/logs/x.log"
line 192.0.2.13 21 >>"$d/logs/x.log"
wait_for 10 grep -q "not following $d/logs/x-2.log: a copy of $d/logs/x.log" "$d/daemon.log" ||
	fail "a copy was not recognised: $(cat "$d/daemon.log")"
sleep 1
grep -q "ban 192.0.2.1[13]/" "$d/decisions.log" && fail "a copy was read again"
# a second file, then gone (its follower too), then back: a new file, read from its start
line 192.0.2.12 6 >"$d/logs/y.log"
wait_for 5 jail_status "$d/ctl.sock" 'len(j["sources"]) == 2' || fail "y.log was not followed"
rm "$d/logs/y.log" "$d/logs/x-1.log" "$d/logs/x-2.log"
wait_for 10 grep -q "no longer following $d/logs/y.log" "$d/daemon.log" ||
	fail "the follower of a file that went away stayed: $(cat "$d/daemon.log")"
wait_for 5 jail_status "$d/ctl.sock" 'len(j["sources"]) == 1' || fail "y.log is still followed"
for i in 7 8; do line 192.0.2.12 $i; done >"$d/logs/y.log"
wait_for 10 grep -q "ban 192.0.2.12/32" "$d/decisions.log" ||
	fail "a file that came back was not read from its start: $(cat "$d/daemon.log")"
stop

# --- disk full, in a mount namespace of its own ----------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "disk full: needs root for a tmpfs (the glob part passed)"
unshare -m true 2>/dev/null || skip "disk full: mount namespace refused (the glob part passed)"
unshare -m sh "$0" disk-full
rc=$?
[ "$rc" -eq 77 ] && skip "disk full: mount namespace refused (the glob part passed)"
[ "$rc" -eq 0 ] || fail "the disk-full part failed"
done_ok
