#!/bin/sh
# 40-daemon: the real daemon against a real OpenSSH sshd and real nftables, in private network
# namespaces joined by a veth pair; an attacker namespace makes real failed logins (sshpass).
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp daemon)
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, nftables)"
for t in ip nft sshpass ssh ssh-keygen; do
	command -v $t >/dev/null 2>&1 || skip "no $t (scripts/deps.sh test installs it)"
done
[ -x /usr/sbin/sshd ] || skip "no /usr/sbin/sshd (scripts/deps.sh test installs openssh-server)"

tag=aw$$
srv=$tag-srv
att=$tag-att
SRV=10.77.0.1
ATT=10.77.0.2     # the attacker
FRIEND=10.77.0.3  # on the allowlist
VICTIM=10.77.0.5  # named in a crafted user name: must never be banned
daemon_pid=
listener_pid=

cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
	[ -f "$d/sshd.pid" ] && kill "$(cat "$d/sshd.pid")" 2>/dev/null
	[ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null
	ip netns del "$srv" 2>/dev/null
	ip netns del "$att" 2>/dev/null
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT INT TERM # KEEP=1: leave it all for a look

ip netns add "$srv" 2>"$d/netns.err" || skip "the kernel refuses network namespaces: $(cat "$d/netns.err")"
ip netns add "$att" || fail "second namespace"
ip link add "v$tag" type veth peer name "w$tag" || skip "no veth support"
ip link set "v$tag" netns "$srv"
ip link set "w$tag" netns "$att"
ip -n "$srv" addr add $SRV/24 dev "v$tag"
ip -n "$att" addr add $ATT/24 dev "w$tag"
ip -n "$att" addr add $FRIEND/24 dev "w$tag"
ip -n "$srv" link set "v$tag" up
ip -n "$att" link set "w$tag" up
ip -n "$srv" link set lo up
ip -n "$att" link set lo up
ip netns exec "$srv" nft list tables >/dev/null 2>&1 || skip "nftables refused in a namespace"

# --- sshd of its own, logging to a file (sshd -E) ---------------------------------------------
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey" || fail "ssh-keygen"
cat >"$d/sshd_config" <<EOF
Port 22
ListenAddress $SRV
HostKey $d/hostkey
PidFile $d/sshd.pid
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication no
StrictModes no
MaxStartups 100
LogLevel INFO
EOF
ip netns exec "$srv" /usr/sbin/sshd -f "$d/sshd_config" -E "$d/auth.log" || fail "sshd did not start"
ip netns exec "$srv" python3 -c '
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 8080))
s.listen(64)
while True:
    s.accept()[0].close()
' $SRV >/dev/null 2>&1 &
listener_pid=$!

wait_for 10 grep -q "Server listening" "$d/auth.log" || fail "sshd is not listening"

# one failed password login from the attacker namespace (from address $1, as user $2)
attempt() {
	timeout 10 ip netns exec "$att" sshpass -p wrong-password ssh -b "$1" \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o PreferredAuthentications=password -o PubkeyAuthentication=no \
		-o NumberOfPasswordPrompts=1 -o ConnectTimeout=2 -l "$2" $SRV true 2>/dev/null
	return 0
}
# can $1 open a TCP connection to the server? (a banned address's SYNs are dropped; a port
# of its own, so sshd's log is not touched)
reaches() {
	timeout 5 ip netns exec "$att" python3 -c '
import socket, sys
socket.create_connection((sys.argv[2], 8080), 2, source_address=(sys.argv[1], 0)).close()
' "$1" $SRV 2>/dev/null
}
banned() { ip netns exec "$srv" nft list table inet authwatch 2>/dev/null | grep -q "$1"; }
not_banned() { ! banned "$1"; }

cat >"$d/authwatch.conf" <<EOF
[daemon]
socket   = $d/ctl.sock
database = $d/state.db
firewall = nftables
allow    = $FRIEND
[sshd]
source   = $d/auth.log
maxretry = 3
findtime = 10m
bantime  = 20s
bantime.increment = yes
bantime.factor = 2
bantime.max = 1h
EOF
"$AUTHWATCH" daemon -t -c "$d/authwatch.conf" >"$d/effective.conf" 2>"$d/t.err" ||
	fail "daemon -t refused the config: $(cat "$d/t.err")"

start_daemon() {
	ip netns exec "$srv" "$AUTHWATCH" daemon -c "$d/authwatch.conf" >>"$d/daemon.log" 2>&1 &
	daemon_pid=$!
	wait_for 10 test -S "$d/ctl.sock" || fail "the daemon did not start: $(tail -n 5 "$d/daemon.log")"
}
stop_daemon() {
	kill -TERM "$daemon_pid"
	wait_for 10 sh -c "! kill -0 $daemon_pid" || fail "the daemon did not stop on SIGTERM"
	wait "$daemon_pid" 2>/dev/null
	daemon_pid=
}
ctl() { ip netns exec "$srv" "$AUTHWATCH" "$@" -s "$d/ctl.sock"; }

start_daemon

# --- 1. maxretry failures: the attacker's next connection is dropped ---------------------------
reaches $ATT || fail "the attacker cannot reach sshd before any ban"
attempt $ATT root
attempt $ATT admin
not_banned $ATT || fail "banned after 2 failures (maxretry 3)"
attempt $ATT oracle &
apid=$! # its own SYNs may be dropped once the ban is in: do not wait for it
wait_for 10 banned $ATT || fail "not banned after 3 failures: $(tail -n 5 "$d/daemon.log")"
wait $apid
reaches $ATT && fail "a banned attacker still reaches sshd"
ctl bans | grep -q "$ATT/32" || fail "authwatch bans does not list $ATT"
ctl bans --format json | python3 -c 'import json,sys; b=json.load(sys.stdin); assert b[0]["address"]=="10.77.0.2" and b[0]["nth"]==1, b' ||
	fail "bans --format json"

# --- 2. the ban expires (20 s), in the kernel ---------------------------------------------------
wait_for 40 not_banned $ATT || fail "the ban did not expire"
wait_for 5 reaches $ATT || fail "unbanned attacker still cannot connect"

# --- 3. the allowlisted address is never banned ---------------------------------------------------
for i in 1 2 3 4 5; do attempt $FRIEND "friend$i"; done
sleep 0.5
not_banned $FRIEND || fail "an allowlisted address was banned"

# --- 4. a crafted user name bans nobody but the real peer ---------------------------------------
attempt $ATT "x from $VICTIM port 22"
attempt $ATT "y from $VICTIM port 22"
attempt $ATT "z from $VICTIM port 22" &
apid=$!
wait_for 10 banned $ATT || fail "the crafted-name attacker was not banned"
wait $apid
not_banned $VICTIM || fail "log injection banned an innocent address"
# its second ban lasts twice as long (bantime.increment): 40 s
ctl bans --format json | python3 -c '
import json, sys
b = [x for x in json.load(sys.stdin) if x["address"] == "10.77.0.2"][0]
assert b["nth"] == 2 and 20 < b["seconds_left"] <= 40, b' || fail "repeat offender: not ban #2 of 40 s"
ctl unban $ATT >/dev/null || fail "authwatch unban"
wait_for 5 not_banned $ATT || fail "unban did not remove the element"

# --- 5. a restart keeps the ban ------------------------------------------------------------------
ctl ban 10.77.0.99 --for 1h >/dev/null || fail "authwatch ban"
wait_for 5 banned 10.77.0.99 || fail "manual ban not in the set"
stop_daemon
banned 10.77.0.99 || fail "the ban left the kernel when the daemon stopped"
ip netns exec "$srv" nft delete table inet authwatch # as after a reboot
start_daemon
wait_for 5 banned 10.77.0.99 || fail "the ban was not restored after a restart"
grep -q "restored 1 active ban" "$d/daemon.log" || fail "no 'restored' line in the log"

# --- 6. rotation while attacking loses no failure -----------------------------------------------
attempt $ATT u1
attempt $ATT u2
mv "$d/auth.log" "$d/auth.log.1"
kill -HUP "$(cat "$d/sshd.pid")" # sshd re-executes and opens a new auth.log
wait_for 10 test -s "$d/auth.log" || fail "sshd did not reopen its log"
attempt $ATT u3 &
apid=$!
wait_for 10 banned $ATT || fail "a failure was lost across the rotation: $(tail -n 5 "$d/daemon.log")"
wait $apid

# --- 7. a restart resumes where it stopped: nothing counted twice --------------------------------
ctl unban $ATT >/dev/null
stop_daemon
attempt $ATT v1 # written while the daemon is down
attempt $ATT v2
start_daemon
not_banned $ATT || fail "lines from before the restart were counted twice"
attempt $ATT v3 &
apid=$!
wait_for 10 banned $ATT || fail "lines written while the daemon was down were lost"
wait $apid

# --- 8. our table removed by someone else: recreated, bans put back --------------------------------
ip netns exec "$srv" nft delete table inet authwatch
# a ban by hand meanwhile: the answer says the firewall refused it (exit 1), and it comes later
# (unless the table came back between the two commands: then it is there at once)
if ctl ban 10.77.0.98 --for 1h >"$d/ban.out" 2>&1; then
	banned 10.77.0.98 || fail "answered 'banned' but not in the kernel: $(cat "$d/ban.out")"
else
	grep -q "10.77.0.98/32 is decided, but: " "$d/ban.out" || fail "ban answer: $(cat "$d/ban.out")"
fi
wait_for 10 banned 10.77.0.99 || fail "the table was not recreated with its bans"
wait_for 10 banned 10.77.0.98 || fail "the refused ban was not applied once the table was back"

ctl status --format json | python3 -c '
import json, sys
j = json.load(sys.stdin)["jails"][0]
assert j["jail"] == "sshd" and j["bans_last_hour"] >= 1 and j["active_bans"] >= 2, j
t = j["top_offenders"][0]
assert t["address"] == "10.77.0.2" and t["prefix"] == 32 and 3 <= t["bans"] <= 9, j
assert j["sources"][0]["lines"] > 0, j' || fail "status --format json: $(ctl status --format json)"
# the text: the report's kind of tables (the values are checked in the JSON above)
ctl status >"$d/status.txt" || fail "status"
for h in Jails "Top offenders" Sources; do
	grep -qx "$h" "$d/status.txt" || fail "status has no '$h' section: $(cat "$d/status.txt")"
done
stop_daemon
done_ok
