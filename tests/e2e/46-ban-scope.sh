#!/bin/sh
# 46-ban-scope: a ban never covers what must not be banned. A network ban (ipv4.prefix) that
# would hold an allowlisted address shrinks to the attacker's address; by hand, /0 and any
# network holding an allowlisted address or loopback are refused. Dry-run firewall.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp ban-scope)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
trap cleanup EXIT INT TERM
export TZ=UTC
fails() { # fails ADDR N: N failed connections from ADDR, dated now
	i=0
	while [ $i -lt "$2" ]; do
		i=$((i + 1))
		printf '%s h sshd[%s]: Failed password for root from %s port %s ssh2\n' \
			"$(date '+%b %e %H:%M:%S')" "$i$$" "$1" "$i"
	done
}
: >"$d/auth.log"
cat >"$d/a.conf" <<EOF2
[daemon]
socket   = $d/ctl.sock
database = $d/state.db
firewall = dryrun:$d/decisions.log
[sshd]
source      = $d/auth.log
maxretry    = 3
ipv4.prefix = 24
allow       = 198.51.100.10
EOF2
"$AUTHWATCH" daemon -c "$d/a.conf" >"$d/daemon.log" 2>&1 &
pid=$!
wait_for 10 test -S "$d/ctl.sock" || fail "no start: $(cat "$d/daemon.log")"

# 198.51.100.0/24 holds the allowlisted .10: only the attacker's address is banned
fails 198.51.100.66 3 >>"$d/auth.log"
wait_for 5 grep -q "ban 198.51.100.66/32" "$d/decisions.log" ||
	fail "no /32 ban: $(cat "$d/decisions.log" "$d/daemon.log" 2>/dev/null)"
grep -q "198.51.100.0/24" "$d/decisions.log" && fail "the /24 holding an allowed address was banned"
grep -q "banning 198.51.100.66 alone, not 198.51.100.0/24" "$d/daemon.log" ||
	fail "the narrowing is not said: $(cat "$d/daemon.log")"
# a network without allowed addresses is banned whole
fails 203.0.113.66 3 >>"$d/auth.log"
wait_for 5 grep -q "ban 203.0.113.0/24" "$d/decisions.log" || fail "no /24 ban: $(cat "$d/daemon.log")"

# by hand: nothing that holds an allowed address, loopback (allowed by default) or everything
for n in 0.0.0.0/0 ::/0 198.51.100.0/24 127.0.0.0/7 0.0.0.0/1 ::/1; do
	"$AUTHWATCH" ban -s "$d/ctl.sock" "$n" --for 1h >"$d/out" 2>&1 && fail "ban $n was accepted"
	grep -q "would ban every\|holds an address of this host or of the allowlist" "$d/out" ||
		fail "ban $n: $(cat "$d/out")"
done
"$AUTHWATCH" ban -s "$d/ctl.sock" 198.18.0.0/24 --for 1h >"$d/out" 2>&1 || fail "ban 198.18.0.0/24: $(cat "$d/out")"
# nor the network of one of this host's own addresses (when it has one besides loopback)
own=$(ip -4 -o addr show 2>/dev/null | awk '$4 !~ /^127\./ { sub("/.*", "", $4); print $4; exit }')
if [ -n "$own" ]; then
	net=$(echo "$own" | awk -F. '{ print $1 "." $2 ".0.0/16" }')
	"$AUTHWATCH" ban -s "$d/ctl.sock" "$net" --for 1h >"$d/out" 2>&1 && fail "ban $net (holds $own) accepted"
	grep -q "holds an address of this host" "$d/out" || fail "ban $net: $(cat "$d/out")"
fi
grep -q "1.0.0.0/1\|0.0.0.0/0\|127.0.0.0" "$d/decisions.log" && fail "a refused ban reached the firewall"
# bans and unbans by hand are in the daemon's log
grep -q "sshd: ban 198.18.0.0/24 by hand until" "$d/daemon.log" || fail "ban by hand not logged: $(cat "$d/daemon.log")"
"$AUTHWATCH" unban -s "$d/ctl.sock" 198.18.0.0/24 >"$d/out" 2>&1 || fail "unban: $(cat "$d/out")"
grep -q "unban 198.18.0.0/24 by hand: 1 ban lifted" "$d/daemon.log" || fail "unban by hand not logged: $(cat "$d/daemon.log")"
# a jail renamed by a reload: its bans stay, and can still be lifted by its old name
"$AUTHWATCH" ban -s "$d/ctl.sock" 198.18.1.1 --for 1h >"$d/out" 2>&1 || fail "ban: $(cat "$d/out")"
sed -i 's/^\[sshd\]$/[ssh2]/' "$d/a.conf"
"$AUTHWATCH" reload -s "$d/ctl.sock" >"$d/out" 2>&1 || fail "reload: $(cat "$d/out")"
"$AUTHWATCH" unban -s "$d/ctl.sock" --jail sshd 198.18.1.1 >"$d/out" 2>&1 ||
	fail "the ban of a renamed jail cannot be lifted by its jail: $(cat "$d/out")"
"$AUTHWATCH" unban -s "$d/ctl.sock" --jail nosuch 198.18.1.1 >"$d/out" 2>&1 && fail "unban in no jail"
grep -q "no jail 'nosuch'" "$d/out" || fail "unban in no jail: $(cat "$d/out")"
done_ok
