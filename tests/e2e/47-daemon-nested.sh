#!/bin/sh
# 47-daemon-nested: bans that share a firewall element, with real nftables in a private network
# namespace: a narrower ban inside a wider one (one element of the interval set for both) and
# one address banned by two jails (one element of the hash set). When the wider or the shared
# ban is lifted or expires, the others are back in the kernel with their own time left, so
# `authwatch bans` never lists a ban that is not enforced.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp daemon-nested)
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, nftables)"
for t in ip nft python3; do
	command -v $t >/dev/null 2>&1 || skip "no $t (scripts/deps.sh test installs it)"
done
ns=aw$$-nest
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT INT TERM
ip netns add "$ns" 2>"$d/netns.err" || skip "the kernel refuses network namespaces: $(cat "$d/netns.err")"
ip -n "$ns" link set lo up
ip netns exec "$ns" nft list tables >/dev/null 2>&1 || skip "nftables refused in a namespace"

: >"$d/a.log"
: >"$d/b.log"
cat >"$d/authwatch.conf" <<EOF
[daemon]
socket   = $d/ctl.sock
database = $d/state.db
firewall = nftables
[sshd]
source = $d/a.log
[other]
source = $d/b.log
EOF
start() {
	ip netns exec "$ns" "$AUTHWATCH" daemon -c "$d/authwatch.conf" >>"$d/daemon.log" 2>&1 &
	pid=$!
	wait_for 10 test -S "$d/ctl.sock" || fail "the daemon did not start: $(tail -n 5 "$d/daemon.log")"
}
stop() {
	kill -TERM "$pid"
	wait_for 10 sh -c "! kill -0 $pid" || fail "the daemon did not stop"
	wait "$pid" 2>/dev/null
	pid=
}
ctl() { ip netns exec "$ns" "$AUTHWATCH" "$@" -s "$d/ctl.sock"; }
# kernel NET MIN MAX: the kernel holds NET (ADDR/LEN, or an address) in one of our sets, with
# MIN..MAX seconds left (MAX 0: any); MIN -1: it holds no element NET
kernel() {
	ip netns exec "$ns" nft -j list table inet authwatch | python3 -c '
import json, sys
net, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
left = None
for o in json.load(sys.stdin)["nftables"]:
    for e in o.get("set", {}).get("elem", []):
        v = e["elem"] if isinstance(e, dict) and "elem" in e else {"val": e}
        k = v["val"]
        k = "%s/%d" % (k["prefix"]["addr"], k["prefix"]["len"]) if isinstance(k, dict) else k
        if k == net:
            left = v.get("expires", 0)
if lo < 0:
    sys.exit(0 if left is None else 1)
sys.exit(0 if left is not None and left >= lo and (hi == 0 or left <= hi) else 1)' "$@"
}
# listed NET: `authwatch bans --format json` lists NET (ADDR/LEN)
listed() {
	ctl bans --format json | python3 -c '
import json, sys
sys.exit(0 if any("%s/%d" % (b["address"], b["prefix"]) == sys.argv[1] for b in json.load(sys.stdin)) else 1)' "$1"
}
dump() { echo "kernel: $(ip netns exec "$ns" nft list table inet authwatch); bans: $(ctl bans)"; }

start

# --- 1. a wider ban lifted: the narrower ones it hid are back ---------------------------------
ctl ban 10.0.1.0/24 --for 2h >/dev/null || fail "ban 10.0.1.0/24"
ctl ban 10.0.0.0/16 --for 1h >/dev/null || fail "ban 10.0.0.0/16"
ctl ban 10.0.2.0/24 --for 3h >/dev/null || fail "ban 10.0.2.0/24"
wait_for 5 kernel 10.0.0.0/16 3500 3600 || fail "the /16 is not in the kernel: $(dump)"
# the interval set keeps one element: the /16 stands for the /24s inside it
kernel 10.0.1.0/24 -1 0 || fail "a /24 next to the /16 in the interval set: $(dump)"
listed 10.0.1.0/24 && listed 10.0.2.0/24 || fail "the /24s are not listed: $(dump)"
ctl unban 10.0.0.0/16 >/dev/null || fail "unban 10.0.0.0/16"
wait_for 5 kernel 10.0.0.0/16 -1 0 || fail "the /16 stayed: $(dump)"
wait_for 5 kernel 10.0.1.0/24 7100 7200 || fail "10.0.1.0/24 (2h) not back after the /16's unban: $(dump)"
kernel 10.0.2.0/24 10700 10800 || fail "10.0.2.0/24 (3h) not back after the /16's unban: $(dump)"
listed 10.0.1.0/24 && listed 10.0.2.0/24 || fail "the /24s are no longer listed: $(dump)"

# --- 2. a wider ban expires: the narrower one it hid is back ----------------------------------
ctl ban 10.1.1.0/24 --for 1h >/dev/null || fail "ban 10.1.1.0/24"
ctl ban 10.1.0.0/16 --for 3s >/dev/null || fail "ban 10.1.0.0/16"
wait_for 5 kernel 10.1.0.0/16 1 3 || fail "the /16 is not in the kernel: $(dump)"
kernel 10.1.1.0/24 -1 0 || fail "a /24 next to the /16: $(dump)"
wait_for 10 kernel 10.1.1.0/24 3500 3600 || fail "10.1.1.0/24 not back after the /16 expired: $(dump)"
kernel 10.1.0.0/16 -1 0 || fail "the expired /16 is still there: $(dump)"
listed 10.1.0.0/16 && fail "the expired /16 is listed"
listed 10.1.1.0/24 || fail "10.1.1.0/24 is not listed"

# --- 3. one address banned by two jails: the shorter ban's end leaves the longer one ----------
ctl ban 203.0.113.5 --for 1h --jail sshd >/dev/null || fail "ban in sshd"
ctl ban 203.0.113.5 --for 3s --jail other >/dev/null || fail "ban in other"
wait_for 5 kernel 203.0.113.5 1 3 || fail "the later ban's timeout is not the element's: $(dump)"
sleep 4
wait_for 5 kernel 203.0.113.5 3500 3600 || fail "the sshd ban left the kernel with the other jail's: $(dump)"
ctl ban 203.0.113.6 --for 1h --jail sshd >/dev/null || fail "ban in sshd"
ctl ban 203.0.113.6 --for 1h --jail other >/dev/null || fail "ban in other"
ctl unban --jail other 203.0.113.6 >/dev/null || fail "unban in other"
wait_for 5 listed 203.0.113.6/32 || fail "the sshd ban of 203.0.113.6 is not listed"
sleep 0.5
kernel 203.0.113.6 3500 3600 || fail "unbanning one jail's ban lifted the other's: $(dump)"

# --- 4. a restart puts back the same set -----------------------------------------------------------
stop
ip netns exec "$ns" nft delete table inet authwatch # as after a reboot
start
wait_for 5 kernel 10.0.1.0/24 7000 7200 || fail "10.0.1.0/24 not restored: $(dump)"
kernel 10.1.1.0/24 3400 3600 || fail "10.1.1.0/24 not restored: $(dump)"
kernel 203.0.113.5 3400 3600 || fail "203.0.113.5 not restored: $(dump)"
stop
done_ok
