#!/bin/sh
# 44-daemon-bans: when bans end and start, without a kernel: with `firewall = command` the
# unban command runs when a ban expires (not for a permanent one), also for a ban that ran out
# while the daemon was stopped; with the dry run, a ban decided from replayed older lines starts
# when it is decided, so `bans` lists it, `unban` lifts it and the history counts it.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp daemon-bans)
pid=

cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
trap cleanup EXIT INT TERM
export TZ=UTC
# start CONF LOG: the daemon on $d/CONF, its output appended to $d/LOG
start() {
	"$AUTHWATCH" daemon -c "$d/$1" >>"$d/$2" 2>&1 &
	pid=$!
	wait_for 10 test -S "$d/ctl.sock" || fail "no start: $(cat "$d/$2")"
}
stop() {
	kill -TERM "$pid"
	wait_for 10 sh -c "! kill -0 $pid" || fail "no clean stop"
	wait "$pid" 2>/dev/null
	pid=
}
ctl() { "$AUTHWATCH" "$@" -s "$d/ctl.sock"; }
# active ADDR: the daemon's `bans --format json` lists ADDR
active() {
	ctl bans --format json | python3 -c '
import json, sys
sys.exit(0 if any(b["address"] == sys.argv[1] for b in json.load(sys.stdin)) else 1)' "$1"
}

# --- 1. firewall = command: unban_command runs when a ban expires ----------------------------------
cat >"$d/fw.sh" <<EOF
#!/bin/sh
echo "\$*" >>"$d/cmd.log"
EOF
chmod +x "$d/fw.sh"
: >"$d/auth.log"
: >"$d/perm.log"
cat >"$d/cmd.conf" <<EOF
[daemon]
socket        = $d/ctl.sock
database      = $d/cmd.db
firewall      = command
ban_command   = $d/fw.sh ban {ip} {prefix} {seconds} {jail}
unban_command = $d/fw.sh unban {ip} {prefix} {seconds} {jail}
[sshd]
source  = $d/auth.log
bantime = 2s
[perm]
source  = $d/perm.log
bantime.permanent_after = 1
EOF
start cmd.conf cmd-daemon.log
ctl ban --jail sshd 203.0.113.1 >/dev/null || fail "ban --jail sshd"
ctl ban --jail perm 203.0.113.2 >/dev/null || fail "ban --jail perm"
wait_for 5 grep -qx "ban 203.0.113.1 32 2 sshd" "$d/cmd.log" || fail "no ban command: $(cat "$d/cmd.log")"
wait_for 5 grep -qx "ban 203.0.113.2 32 0 perm" "$d/cmd.log" || fail "no permanent ban: $(cat "$d/cmd.log")"
wait_for 10 grep -qx "unban 203.0.113.1 32 0 sshd" "$d/cmd.log" ||
	fail "unban_command did not run when the ban expired: $(cat "$d/cmd.log")"
active 203.0.113.1 && fail "an expired ban is still listed"
sleep 1
grep -q "unban 203.0.113.2 " "$d/cmd.log" && fail "a permanent ban was unbanned: $(cat "$d/cmd.log")"
active 203.0.113.2 || fail "the permanent ban is not listed"
[ "$(grep -c "203.0.113.1 " "$d/cmd.log")" -eq 2 ] || fail "one ban, one unban: $(cat "$d/cmd.log")"
# a ban that runs out while the daemon is stopped: the next start runs its unban, once
ctl ban --for 2s 203.0.113.3 >/dev/null || fail "ban --for 2s"
wait_for 5 grep -qx "ban 203.0.113.3 32 2 sshd" "$d/cmd.log" || fail "no ban of 203.0.113.3"
stop
grep -q "unban 203.0.113.3 " "$d/cmd.log" && fail "unbanned before it expired: $(cat "$d/cmd.log")"
sleep 3
start cmd.conf cmd-daemon.log
wait_for 5 grep -qx "unban 203.0.113.3 32 0 sshd" "$d/cmd.log" ||
	fail "a ban that ran out while the daemon was down was not unbanned: $(cat "$d/cmd.log")"
wait_for 5 sh -c "[ \$(grep -c 'ban 203.0.113.2 32 0 perm' '$d/cmd.log') -eq 2 ]" ||
	fail "the permanent ban was not restored: $(cat "$d/cmd.log")"
active 203.0.113.3 && fail "a ban over while the daemon was down is listed"
stop
start cmd.conf cmd-daemon.log
sleep 1
[ "$(grep -c "unban 203.0.113.3 " "$d/cmd.log")" -eq 1 ] || fail "unbanned twice: $(cat "$d/cmd.log")"
grep -q "unban 203.0.113.2 " "$d/cmd.log" && fail "a permanent ban was unbanned: $(cat "$d/cmd.log")"
stop

# --- 2. replay: a ban from lines 20 minutes old starts now --------------------------------------------
old=$(date -d '-20 minutes' '+%b %e %H:%M:%S')
for i in 1 2 3; do
	printf '%s h sshd[%s]: Invalid user u%s from 198.51.100.9 port %s\n' "$old" $i $i $((4000 + i))
done >"$d/replay.log"
cat >"$d/replay.conf" <<EOF
[daemon]
socket   = $d/ctl.sock
database = $d/replay.db
firewall = dryrun:$d/decisions.log
[sshd]
source   = $d/replay.log
replay   = yes
maxretry = 3
findtime = 30m
bantime  = 10m
EOF
start replay.conf replay-daemon.log
wait_for 5 grep -q "ban 198.51.100.9/32 600 sshd" "$d/decisions.log" ||
	fail "the replayed lines banned nobody: $(cat "$d/replay-daemon.log")"
grep -q "ban 198.51.100.9/32 for 10m" "$d/replay-daemon.log" || fail "log: $(cat "$d/replay-daemon.log")"
sleep 1.5 # a tick or more: a ban dated in the past would be expired by now
ctl bans --format json >"$d/bans.json" || fail "bans"
python3 -c 'import json, sys
b = [x for x in json.load(open(sys.argv[1])) if x["address"] == "198.51.100.9"]
assert len(b) == 1 and b[0]["prefix"] == 32 and b[0]["nth"] == 1, b
assert 590 <= b[0]["seconds_left"] <= 600, b' "$d/bans.json" ||
	fail "bans does not list the ban the firewall holds: $(cat "$d/bans.json")"
ctl bans --history 198.51.100.9 --format json >"$d/hist.json" || fail "bans --history"
python3 -c 'import json, sys
h = json.load(open(sys.argv[1]))
assert len(h) == 1 and h[0]["in_force"] is True and h[0]["ended"] is None, h' "$d/hist.json" ||
	fail "history: $(cat "$d/hist.json")"
ctl unban 198.51.100.9 >"$d/unban.out" 2>&1 || fail "unban refused: $(cat "$d/unban.out")"
wait_for 5 grep -q "unban 198.51.100.9/32 " "$d/decisions.log" || fail "no unban in the firewall"
active 198.51.100.9 && fail "still listed after unban"
# the next ban of it, from live lines, is its second (the history counted the first): 20m
now=$(date '+%b %e %H:%M:%S')
for i in 4 5 6; do
	printf '%s h sshd[%s]: Invalid user u%s from 198.51.100.9 port %s\n' "$now" $i $i $((4000 + i))
done >>"$d/replay.log"
wait_for 5 grep -q "ban 198.51.100.9/32 1200 sshd" "$d/decisions.log" ||
	fail "the second ban is not ban #2: $(cat "$d/decisions.log")"
ctl bans --format json | python3 -c 'import json, sys
b = [x for x in json.load(sys.stdin) if x["address"] == "198.51.100.9"]
assert len(b) == 1 and b[0]["nth"] == 2 and 1190 <= b[0]["seconds_left"] <= 1200, b' ||
	fail "bans after the second ban: $(ctl bans --format json)"
stop
done_ok
