#!/bin/sh
# 41-check: `authwatch check` replays a log in log time: the lines counted and the bans decided;
# `authwatch daemon -t` accepts the sample config and refuses a bad one with FILE:LINE.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp check)
export TZ=UTC

cat >"$d/auth.log" <<'EOF2'
May 31 07:00:01 h sshd[10]: Invalid user admin from 203.0.113.5 port 4000
May 31 07:00:03 h sshd[10]: Failed password for invalid user admin from 203.0.113.5 port 4000 ssh2
May 31 07:00:03 h sshd[10]: Connection closed by invalid user admin 203.0.113.5 port 4000 [preauth]
May 31 07:01:00 h sshd[11]: Failed password for root from 203.0.113.5 port 4001 ssh2
May 31 07:01:02 h sshd[11]: Failed password for root from 203.0.113.5 port 4001 ssh2
May 31 07:01:04 h sshd[11]: Failed password for root from 203.0.113.5 port 4001 ssh2
May 31 07:01:06 h sshd[11]: Failed password for root from 203.0.113.5 port 4001 ssh2
May 31 07:02:00 h sshd[12]: Invalid user x from 10.9.9.9 port 22 from 198.51.100.7 port 5000
May 31 07:02:00 h sshd[12]: Invalid user y from 10.9.9.9 port 22 from 198.51.100.7 port 5001
May 31 07:30:00 h sshd[13]: Connection closed by 127.0.0.1 port 6000 [preauth]
May 31 09:00:00 h sshd[14]: Invalid user late from 203.0.113.5 port 4002
EOF2
touch -d '2021-05-31 12:00:00 UTC' "$d/auth.log"

"$AUTHWATCH" check "$d/auth.log" >"$d/out" 2>"$d/err" || fail "check exit $? ($(cat "$d/err"))"
# one attempt per failed password (not per line): the 5th (07:01:06) bans, for 10 minutes
grep -q "^2021-05-31 07:01:06  sshd     BAN 203.0.113.5/32 for 10m (5 failures in 10m, ban #1)" "$d/out" ||
	fail "no ban at the fifth attempt: $(cat "$d/out")"
[ "$(grep -c ' BAN ' "$d/out")" -eq 1 ] || fail "more than one ban: $(grep BAN "$d/out")"
grep -q "198.51.100.7 .*+1.00 failure " "$d/out" || fail "the crafted user's real peer is not counted"
awk '$3 == "10.9.9.9"' "$d/out" | grep -q . && fail "the injected address was counted"
grep -q "127.0.0.1 .* allowed" "$d/out" || fail "loopback not shown as allowed"
grep -q "^jail sshd: 8 occurrences counted, 1 from allowed addresses, 1 ban (maxretry" "$d/out" ||
	fail "summary: $(tail -n 1 "$d/out")"

# a config: "4 failures in 10 minutes" is one line; --bans prints only the decisions
printf '[sshd]\nsource = %s\nmaxretry = 4\nbantime = 1h\n' "$d/auth.log" >"$d/four.conf"
"$AUTHWATCH" check -c "$d/four.conf" --bans >"$d/out4" || fail "check -c exit"
grep -q "07:01:04  sshd     BAN 203.0.113.5/32 for 1h" "$d/out4" || fail "maxretry 4: $(cat "$d/out4")"
grep -q "Failed password" "$d/out4" && fail "--bans printed lines"

# daemon -t: the sample config is fine; a bad one is refused with FILE:LINE and exit 78
"$AUTHWATCH" daemon -t -c "$TOP/etc/authwatch.conf" >"$d/eff.conf" 2>"$d/t.err" || fail "sample config refused: $(cat "$d/t.err")"
grep -q "configuration OK" "$d/t.err" || fail "no OK line"
grep -q "^maxretry = 5" "$d/eff.conf" || fail "effective config lacks defaults"
printf '[daemon]\nfirewall = nftables\n[sshd]\nsource = /var/log/auth.log\nmaxretyr = 3\n' >"$d/bad.conf"
"$AUTHWATCH" daemon -t -c "$d/bad.conf" >/dev/null 2>"$d/bad.err"
[ $? -eq 78 ] || fail "bad config: exit not 78"
grep -q "bad.conf:5: .*maxretyr.*maxretry" "$d/bad.err" || fail "bad config message: $(cat "$d/bad.err")"

# the control commands without a daemon: a clear error, exit 69
"$AUTHWATCH" status -s "$d/none.sock" >/dev/null 2>"$d/st.err"
[ $? -eq 69 ] || fail "status without a daemon: exit not 69"
grep -q "is the daemon running" "$d/st.err" || fail "status without a daemon: $(cat "$d/st.err")"
"$AUTHWATCH" ban -s "$d/none.sock" not-an-address >/dev/null 2>&1
[ $? -eq 64 ] || fail "ban of a non-address: not a usage error"
done_ok
