#!/bin/sh
# 42-daemon-state: the daemon with the dry-run firewall: a corrupt database (it goes on in
# memory), replay of the last findtime at first start, SIGHUP reload, a bad reload refused,
# the ban history forgotten after `history`.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp daemon-state)
pid=

cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
trap cleanup EXIT INT TERM
now_line() { printf '%s h sshd[%s]: Invalid user u from %s port %s\n' "$(date '+%b %e %H:%M:%S')" "$2" "$1" "$2"; }

# a log that already holds 2 recent failures of 192.0.2.50 and 5 old ones of 192.0.2.60
export TZ=UTC
{
	old=$(date -d '-2 hours' '+%b %e %H:%M:%S') # older than findtime (10m)
	for i in 1 2 3 4 5; do printf '%s h sshd[%s]: Invalid user old from 192.0.2.60 port %s\n' "$old" $i $i; done
	now_line 192.0.2.50 101
	now_line 192.0.2.50 102
} >"$d/auth.log"
head -c 4096 /dev/urandom >"$d/state.db" # not a database
cat >"$d/a.conf" <<EOF2
[daemon]
socket   = $d/ctl.sock
database = $d/state.db
firewall = dryrun:$d/decisions.log
[sshd]
source   = $d/auth.log
maxretry = 3
replay   = yes
EOF2
"$AUTHWATCH" daemon -c "$d/a.conf" >"$d/daemon.log" 2>&1 &
pid=$!
wait_for 10 test -S "$d/ctl.sock" || fail "no start: $(cat "$d/daemon.log")"
grep -q "state.db: .*memory only" "$d/daemon.log" || fail "no clear message about the database: $(cat "$d/daemon.log")"
# the replay counted the 2 recent failures (not the old ones): one more bans
now_line 192.0.2.50 103 >>"$d/auth.log"
wait_for 5 grep -q "ban 192.0.2.50/32 600 sshd" "$d/decisions.log" ||
	fail "no ban after replay + 1 line: $(cat "$d/daemon.log")"
grep -q "192.0.2.60" "$d/decisions.log" && fail "lines older than findtime were counted"

# reload with a lower maxretry
sed -i 's/^maxretry = 3/maxretry = 1/' "$d/a.conf"
kill -HUP "$pid"
wait_for 5 grep -q "reloaded" "$d/daemon.log" || fail "SIGHUP did not reload"
now_line 192.0.2.70 201 >>"$d/auth.log"
wait_for 5 grep -q "ban 192.0.2.70/32" "$d/decisions.log" || fail "the reloaded maxretry is not used"
# a broken config on reload: refused, the running one stays
echo "bogus line" >>"$d/a.conf"
"$AUTHWATCH" reload -s "$d/ctl.sock" >"$d/reload.out" 2>&1 && fail "a broken reload was accepted"
grep -q "reload refused: .*a.conf:[0-9]*: .*(the running configuration stays)" "$d/reload.out" || fail "reload message: $(cat "$d/reload.out")"
kill -0 "$pid" || fail "the daemon died on a bad reload"
now_line 192.0.2.71 202 >>"$d/auth.log"
wait_for 5 grep -q "ban 192.0.2.71/32" "$d/decisions.log" || fail "stopped banning after a bad reload"
# a reload that moves the socket and the firewall: said, and both kept until the next start
sed -i -e '/^bogus line$/d' -e "s|^socket .*|socket = $d/other.sock|" \
	-e "s|^firewall .*|firewall = dryrun:$d/other.log|" "$d/a.conf"
"$AUTHWATCH" reload -s "$d/ctl.sock" >"$d/reload.out" 2>&1 || fail "reload: $(cat "$d/reload.out")"
grep -q "socket, firewall changed: kept until the next start" "$d/reload.out" ||
	fail "reload did not say what it kept: $(cat "$d/reload.out")"
grep -q "reload: socket, firewall changed in .*kept until the next start" "$d/daemon.log" ||
	fail "the log does not say what the reload kept: $(cat "$d/daemon.log")"
"$AUTHWATCH" status -s "$d/ctl.sock" --format json >"$d/status.json" || fail "the old socket went away"
[ -e "$d/other.sock" ] && fail "a socket appeared where the reload said it would not"
now_line 192.0.2.72 203 >>"$d/auth.log"
wait_for 5 grep -q "ban 192.0.2.72/32" "$d/decisions.log" || fail "bans left the running firewall"
[ -e "$d/other.log" ] && fail "the new firewall was used before a restart"
sed -i -e "s|^socket .*|socket = $d/ctl.sock|" -e "s|^firewall .*|firewall = dryrun:$d/decisions.log|" \
	"$d/a.conf"

# hostile input never kills it: binary junk, a 1 MB line, NUL bytes
head -c 100000 /dev/urandom >>"$d/auth.log"
printf '\n' >>"$d/auth.log"
python3 -c 'import sys; sys.stdout.write("x" * 1048576 + "\n" + "a\0b Invalid user \0 from 192.0.2.1 port 1\n")' >>"$d/auth.log"
now_line 192.0.2.72 203 >>"$d/auth.log"
wait_for 5 grep -q "ban 192.0.2.72/32" "$d/decisions.log" || fail "junk stopped the daemon"
"$AUTHWATCH" status -s "$d/ctl.sock" >"$d/status" || fail "status"
grep -q "state in memory only" "$d/status" || fail "status does not say the state is in memory"
# the text is the report's kind of tables: a heading per section, a header row per table
for h in Jails "Top offenders" Sources; do
	grep -qx "$h" "$d/status" || fail "status has no '$h' section: $(cat "$d/status")"
done
grep -q "^  jail  *tracked  *active bans  *bans 1h  *bans 24h  *lines  *events  *counted" "$d/status" ||
	fail "status has no jail table: $(cat "$d/status")"
"$AUTHWATCH" bans -s "$d/ctl.sock" >"$d/bans" || fail "bans"
grep -q "^  192.0.2.72/32  *sshd  " "$d/bans" || fail "bans has no row for 192.0.2.72: $(cat "$d/bans")"
"$AUTHWATCH" bans -s "$d/ctl.sock" --history 192.0.2.72 >"$d/nohist" 2>&1 && fail "history without a database"
grep -q "no database" "$d/nohist" || fail "history without a database: $(cat "$d/nohist")"
kill -TERM "$pid"
wait_for 10 sh -c "! kill -0 $pid" || fail "no clean stop"
pid=

# a clean restart keeps the failures still inside their window (a working database now)
sed -e "s|state.db|good.db|" -e 's/^maxretry = 1/maxretry = 3/' -e '/^bogus/d' -e '/^replay/d' \
	"$d/a.conf" >"$d/b.conf"
# start [CONF LOG]: the daemon on $d/CONF (b.conf), its output appended to $d/LOG (daemon2.log)
start() {
	"$AUTHWATCH" daemon -c "$d/${1:-b.conf}" >>"$d/${2:-daemon2.log}" 2>&1 &
	pid=$!
	wait_for 10 test -S "$d/ctl.sock" || fail "no start: $(cat "$d/${2:-daemon2.log}")"
}
start
now_line 192.0.2.80 301 >>"$d/auth.log"
now_line 192.0.2.80 302 >>"$d/auth.log"
wait_for 5 jail_status "$d/ctl.sock" 'j["tracked"] == 1' ||
	fail "the two failures were not counted: $("$AUTHWATCH" status -s "$d/ctl.sock" --format json)"
kill -TERM "$pid"
wait_for 10 sh -c "! kill -0 $pid" || fail "no clean stop"
start
now_line 192.0.2.80 303 >>"$d/auth.log"
wait_for 5 grep -q "ban 192.0.2.80/32" "$d/decisions.log" ||
	fail "the window was lost across a clean restart: $(cat "$d/daemon2.log")"
# journalctl -o json lines in a followed file count as their text would
for i in 1 2 3; do
	printf '{"__REALTIME_TIMESTAMP":"%s","_HOSTNAME":"h","SYSLOG_IDENTIFIER":"sshd","_PID":"%d","MESSAGE":"Failed password for invalid user \\"j\\" from 192.0.2.96 port %d ssh2"}\n' \
		"$(date +%s%6N)" $((500 + i)) $((500 + i)) >>"$d/auth.log"
done
wait_for 5 grep -q "ban 192.0.2.96/32" "$d/decisions.log" ||
	fail "journal JSON lines were not counted: $(tail -n 3 "$d/auth.log")"
# a ban by hand naming only the jail gets the jail's own ban time
"$AUTHWATCH" ban -s "$d/ctl.sock" --jail sshd 192.0.2.91 >"$d/ban.out" 2>&1 || fail "ban --jail: $(cat "$d/ban.out")"
wait_for 5 grep -q "ban 192.0.2.91/32 600 sshd" "$d/decisions.log" || fail "ban --jail: not 600 s"
kill -TERM "$pid"
wait_for 10 sh -c "! kill -0 $pid" || fail "no clean stop"
pid=

# history: bans older than it no longer count for escalation and leave the database
sed -e "s|good.db|hist.db|" -e 's/^maxretry = 3/maxretry = 1/' "$d/b.conf" >"$d/h.conf"
sed -i -e 's/^\[daemon\]/[daemon]\nhistory = 3s/' -e 's/^\[sshd\]/[sshd]\nbantime = 1s/' "$d/h.conf"
start h.conf daemon3.log
now_line 192.0.2.95 401 >>"$d/auth.log"
wait_for 5 grep -q "ban 192.0.2.95/32 1 sshd" "$d/decisions.log" || fail "no first ban: $(cat "$d/daemon3.log")"
sleep 2 # the 1 s ban is over
now_line 192.0.2.95 402 >>"$d/auth.log"
wait_for 5 grep -q "ban 192.0.2.95/32 2 sshd" "$d/decisions.log" || fail "no doubled second ban"
"$AUTHWATCH" bans -s "$d/ctl.sock" --history 192.0.2.95 >"$d/hist1" || fail "bans --history"
[ "$(grep -c "192.0.2.95/32" "$d/hist1")" -eq 2 ] || fail "history of two bans: $(cat "$d/hist1")"
"$AUTHWATCH" bans -s "$d/ctl.sock" --history 192.0.2.95 --format json >"$d/hist1.json" || fail "bans --history json"
python3 -c 'import json, sys
h = json.load(open(sys.argv[1]))
assert [b["nth"] for b in h] == [2, 1], h
assert h[0]["address"] == "192.0.2.95" and h[0]["prefix"] == 32 and h[0]["jail"] == "sshd", h
assert h[1]["in_force"] is False and h[1]["ended"] is None and h[1]["until"] is not None, h' "$d/hist1.json" ||
	fail "history JSON: $(cat "$d/hist1.json")"
"$AUTHWATCH" bans -s "$d/ctl.sock" --history 192.0.2.0/24 >"$d/hist.bad" 2>&1 && fail "a network was taken for --history"
kill -TERM "$pid"
wait_for 10 sh -c "! kill -0 $pid" || fail "no clean stop"
sleep 4 # both bans started over 3 s ago: a restart forgets them
start h.conf daemon3.log
"$AUTHWATCH" bans -s "$d/ctl.sock" --history 192.0.2.95 >"$d/hist2" || fail "bans --history"
grep -q "192.0.2.95/32" "$d/hist2" && fail "the history outlived 'history': $(cat "$d/hist2")"
now_line 192.0.2.95 403 >>"$d/auth.log"
wait_for 5 sh -c "[ \$(grep -c 'ban 192.0.2.95/32 1 sshd' '$d/decisions.log') -eq 2 ]" ||
	fail "a forgotten offender is not a first offender again: $(grep 192.0.2.95 "$d/decisions.log")"
# a reload forgets at once what is past the history (not within the hour)
sleep 4
kill -HUP "$pid"
wait_for 5 sh -c "grep -q reloaded '$d/daemon3.log'" || fail "no reload"
"$AUTHWATCH" bans -s "$d/ctl.sock" --history 192.0.2.95 >"$d/hist3" || fail "bans --history"
grep -q "192.0.2.95/32" "$d/hist3" && fail "a reload kept the history past 'history': $(cat "$d/hist3")"
kill -TERM "$pid"
wait_for 10 sh -c "! kill -0 $pid" || fail "no clean stop"
pid=
done_ok
