#!/bin/sh
# 51-tail: `authwatch tail` live: under tmux (lines, colours, the summary kept at the bottom,
# scrolling, rotation, keys, Ctrl-C), piped (plain lines, no escape sequence), exit codes.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp tail)
ESC=$(printf '\033')
sock="$d/tmux.sock"
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	[ -S "$sock" ] && tmux -S "$sock" kill-server 2>/dev/null
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT INT TERM # KEEP=1: leave the tmux server for a look


# log FILE PORT WHAT: appends one sshd line; the port marks it (each port is used once).
log() {
	case $3 in
	fail) printf 'May 31 07:07:22 bastion sshd[%s]: Failed password for invalid user oracle from 203.0.113.9 port %s ssh2\n' "$2" "$2" ;;
	root) printf 'May 31 07:07:23 bastion sshd[%s]: Failed password for root from 198.51.100.%s port %s ssh2\n' "$2" "$(($2 % 250))" "$2" ;;
	ok) printf 'May 31 07:07:24 bastion sshd[%s]: Accepted publickey for alice from 192.0.2.10 port %s ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg\n' "$2" "$2" ;;
	probe) printf 'May 31 07:07:25 bastion sshd[%s]: Did not receive identification string from 198.51.100.7 port %s\n' "$2" "$2" ;;
	evil) printf 'May 31 07:07:26 bastion sshd[%s]: Invalid user \033]0;x\007<\377 from 203.0.113.9 port %s\n' "$2" "$2" ;;
	esac >>"$1"
}

# --- exit codes --------------------------------------------------------------------------------
: >"$d/empty.log"
"$AUTHWATCH" tail "$d/no/such/dir/auth.log" 2>"$d/e1"
[ $? -eq 66 ] || fail "a path in a missing directory: exit not 66 ($(cat "$d/e1"))"
grep -q 'no/such/dir/auth.log' "$d/e1" || fail "the bad path is not named: $(cat "$d/e1")"
"$AUTHWATCH" tail "$d" 2>"$d/e2"
[ $? -eq 66 ] || fail "a directory: exit not 66"
"$AUTHWATCH" tail "$d/empty.log" "$d/" 2>"$d/e3"
[ $? -eq 66 ] || fail "one bad path among good ones: exit not 66"
for bad in "--only nope" "--only failure," "-n -1" "-n 10001" "--color sometimes" \
	"--ip 300.1.1.1" "--bogus"; do
	# shellcheck disable=SC2086
	"$AUTHWATCH" tail $bad "$d/empty.log" 2>"$d/e4" </dev/null
	rc=$?
	[ $rc -eq 64 ] || fail "tail $bad: exit $rc, not 64"
done
"$AUTHWATCH" tail journal: 2>/dev/null
[ $? -eq 64 ] || fail "journal: without a unit: exit not 64"

# --- piped: plain lines, -n, no escape sequences ------------------------------------------------
f="$d/piped.log"
log "$f" 1001 fail
log "$f" 1002 ok
echo "Nov 30 10:00:00 bastion sshd[1]: some line nobody knows" >>"$f"
log "$f" 1003 probe
(
	"$AUTHWATCH" tail -n 2 "$f" 2>"$d/p.err" &
	echo $! >"$d/p.pid"
	wait $!
	echo $? >"$d/p.rc"
) | cat >"$d/p.out" &
pids="$pids $!"
wait_for 5 grep -q ' 1003$' "$d/p.out" || fail "piped: -n 2 lines did not come ($(cat "$d/p.err"))"
log "$f" 1004 fail
log "$f" 1005 evil
wait_for 5 grep -q ' 1005$' "$d/p.out" || fail "piped: a new line did not come"
kill "$(cat "$d/p.pid")"
wait_for 5 test -s "$d/p.rc" || fail "piped: no exit after SIGTERM"
[ "$(cat "$d/p.rc")" = 0 ] || fail "piped: exit $(cat "$d/p.rc") after SIGTERM"
grep -q "$ESC" "$d/p.out" && fail "piped output holds escape sequences: $(cat -v "$d/p.out")"
grep -q 'attempts/min' "$d/p.out" && fail "piped output holds the summary"
grep -q ' 1001 ' "$d/p.out" && fail "-n 2 showed a third line"
[ "$(wc -l <"$d/p.out")" -eq 4 ] || fail "piped: not 4 lines: $(cat "$d/p.out")"
grep -q '^07:07:24 success auth_accepted  *alice  *192\.0\.2\.10  *1002 publickey$' "$d/p.out" ||
	fail "piped: the login line: $(cat "$d/p.out")"
grep -q '^07:07:25 probe   no_identification  *-  *198\.51\.100\.7  *1003$' "$d/p.out" ||
	fail "piped: the probe line: $(cat "$d/p.out")"
grep -q '^07:07:22 failure auth_failed  *oracle  *203\.0\.113\.9  *1004 password$' "$d/p.out" ||
	fail "piped: the failure line: $(cat "$d/p.out")"
grep -qF '\x1b]0;x\x07<'"$(printf '\357\277\275')"' ' "$d/p.out" ||
	fail "piped: the hostile user name is not escaped: $(cat -v "$d/p.out")"

# filters, and a file that appears later (read from its start)
f2="$d/later.log"
(
	"$AUTHWATCH" tail --only failure,probe --ip 198.51.100.0/24 --user root "$f2" \
		2>"$d/q.err" &
	echo $! >"$d/q.pid"
	wait $!
) | cat >"$d/q.out" &
pids="$pids $!"
wait_for 5 grep -q 'does not exist yet' "$d/q.err" || fail "no word about the missing file"
log "$f2.tmp" 2001 fail
log "$f2.tmp" 2002 root
log "$f2.tmp" 2003 ok
log "$f2.tmp" 2004 probe
log "$f2.tmp" 2005 root
mv "$f2.tmp" "$f2"
wait_for 5 grep -q ' 2005 password$' "$d/q.out" || fail "filtered: lines did not come: $(cat "$d/q.err")"
kill "$(cat "$d/q.pid")"
[ "$(grep -c . "$d/q.out")" -eq 2 ] && grep -q ' 2002 password$' "$d/q.out" ||
	fail "filters: $(cat "$d/q.out")"

# --- under tmux ---------------------------------------------------------------------------------
command -v tmux >/dev/null 2>&1 || skip "no tmux (scripts/deps.sh test installs it)"
cat >"$d/tmux.conf" <<'EOF'
set -g status off
set -g remain-on-exit on
set -g default-shell /bin/sh
set -g history-limit 5000
EOF
t="$d/live.log"
log "$t" 3000 fail # there before: not shown (no -n)
# The program runs under a shell that waits for it and writes its exit status (tmux's own
# pane_dead_status needs SIGCHLD, which a test runner may have blocked). That shell traps
# SIGINT so that Ctrl-C does not kill it before it writes the status (dash would die); a
# trapped signal is reset to its default in the program it starts, which handles it itself.
tmux -S "$sock" -f "$d/tmux.conf" new-session -d -s aw -x 120 -y 30 \
	"trap : INT; env -u NO_COLOR '$AUTHWATCH' tail '$t' 2>'$d/t.err'; echo \$? >'$d/t.rc'" \
	2>"$d/tmux.err" || skip "tmux cannot start a session here: $(cat "$d/tmux.err")"
pane() {
	tmux -S "$sock" capture-pane -p -t aw "$@"
}
# the last line on screen (blank ones aside)
last_line() {
	pane | grep -v '^ *$' | tail -n 1
}
summary_last() {
	last_line | grep -Eq '^-- [0-9]+ attempts/min \| [0-9]+\+? sources/10min \| top .* --$'
}
wait_for 5 summary_last || fail "tmux: no summary line: $(pane) $(cat "$d/t.err")"

log "$t" 3001 fail
log "$t" 3002 ok
log "$t" 3003 probe
log "$t" 3004 evil
log "$t" 3005 fail
wait_for 5 sh -c "tmux -S '$sock' capture-pane -p -t aw | grep -q ' 3005 password'" ||
	fail "tmux: the lines did not come: $(pane)"
pane >"$d/screen1"
grep -q ' 3000 ' "$d/screen1" && fail "tmux: a line written before the start was shown"
grep -q '^07:07:22 failure auth_failed  *oracle  *203\.0\.113\.9  *3001 password$' "$d/screen1" ||
	fail "tmux: the failure line: $(cat "$d/screen1")"
grep -q '^07:07:24 success auth_accepted  *alice  *192\.0\.2\.10  *3002 publickey$' "$d/screen1" ||
	fail "tmux: the login line: $(cat "$d/screen1")"
grep -q '^07:07:25 probe   no_identification  *-  *198\.51\.100\.7  *3003$' "$d/screen1" ||
	fail "tmux: the probe line: $(cat "$d/screen1")"
grep -qF '\x1b]0;x\x07<' "$d/screen1" || fail "tmux: the hostile name is not shown escaped"
[ "$(tmux -S "$sock" display -p -t aw '#{pane_title}')" != "x" ] ||
	fail "tmux: a user name set the terminal's title"
summary_last || fail "tmux: the summary is not the last line: $(cat "$d/screen1")"
[ "$(grep -c 'attempts/min' "$d/screen1")" -eq 1 ] || fail "tmux: more than one summary line"
# the summary catches up within a refresh: 203.0.113.9 leads
wait_for 5 sh -c "tmux -S '$sock' capture-pane -p -t aw | grep -q 'top 203\.0\.113\.9 ([0-9]*) --\$'" ||
	fail "tmux: the summary does not name the top attacker: $(last_line)"
# colours on a terminal
pane -e >"$d/screen1e"
grep -q "$ESC\[31mfailure" "$d/screen1e" || fail "tmux: failure is not red: $(cat -v "$d/screen1e")"
grep -q "$ESC\[32msuccess" "$d/screen1e" || fail "tmux: success is not green"
grep -q "$ESC\[33mprobe" "$d/screen1e" || fail "tmux: probe is not yellow"

# enough lines to scroll: the summary moves with them and leaves nothing behind
i=3100
while [ $i -lt 3145 ]; do
	log "$t" $i root
	i=$((i + 1))
done
wait_for 5 sh -c "tmux -S '$sock' capture-pane -p -t aw | grep -q ' 3144 password'" ||
	fail "tmux: the scrolling lines did not come"
wait_for 5 summary_last || fail "tmux: after scrolling the summary is not last: $(pane)"
pane -S - >"$d/history1"
[ "$(grep -c 'attempts/min' "$d/history1")" -eq 1 ] ||
	fail "tmux: summary garbage left in the scrollback: $(grep -n 'attempts/min' "$d/history1")"

# rotation: the writer still adds to the renamed file, then a new file is created
mv "$t" "$t.1"
log "$t.1" 3200 fail
: >"$t"
log "$t" 3201 ok
log "$t" 3202 fail
wait_for 5 sh -c "tmux -S '$sock' capture-pane -p -t aw | grep -q ' 3202 password'" ||
	fail "tmux: lines after rotation did not come: $(pane)"
wait_for 5 summary_last || fail "tmux: after rotation the summary is not last"
pane -S - >"$d/history2"
for p in 3001 3002 3003 3004 3005 3100 3144 3200 3201 3202; do
	n=$(grep -c " $p\( \|$\)" "$d/history2")
	[ "$n" -eq 1 ] || fail "tmux: the line of port $p is there $n times"
done

# keys: Enter adds a blank line under the last one; the summary stays last
tmux -S "$sock" send-keys -t aw Enter
wait_for 5 sh -c "tmux -S '$sock' capture-pane -p -t aw | tail -n 30 | grep -A1 ' 3202 password' | tail -n 1 | grep -q '^\$'" ||
	fail "tmux: Enter did not add a blank line: $(pane | tail -n 5)"
summary_last || fail "tmux: after Enter the summary is not last"

# Ctrl-C: exit 0, the summary line cleared
tmux -S "$sock" send-keys -t aw C-c
wait_for 5 test -s "$d/t.rc" || fail "tmux: no exit after Ctrl-C"
[ "$(cat "$d/t.rc")" = 0 ] || fail "tmux: exit $(cat "$d/t.rc") after Ctrl-C ($(cat "$d/t.err"))"
pane >"$d/screen3"
grep -q 'attempts/min' "$d/screen3" && fail "tmux: the summary line was left after Ctrl-C"
grep -q ' 3202 password' "$d/screen3" || fail "tmux: the lines went away after Ctrl-C"
[ -s "$d/t.err" ] && fail "tmux: unexpected messages: $(cat "$d/t.err")"

# NO_COLOR on a terminal: no colours, the summary still there; q quits
tmux -S "$sock" new-window -t aw -n nc \
	"NO_COLOR=1 '$AUTHWATCH' tail '$t' 2>'$d/n.err'; echo \$? >'$d/n.rc'" ||
	fail "tmux: second window"
nc_summary() {
	tmux -S "$sock" capture-pane -p -t aw:nc | grep -q 'attempts/min'
}
wait_for 5 nc_summary || fail "NO_COLOR: no summary"
log "$t" 3300 fail
wait_for 5 sh -c "tmux -S '$sock' capture-pane -p -t aw:nc | grep -q ' 3300 password'" ||
	fail "NO_COLOR: the line did not come"
tmux -S "$sock" capture-pane -p -e -t aw:nc >"$d/screen4e"
grep -q "$ESC\[3[123]m" "$d/screen4e" && fail "NO_COLOR: colours anyway: $(cat -v "$d/screen4e")"
tmux -S "$sock" send-keys -t aw:nc q
wait_for 5 test -s "$d/n.rc" || fail "q did not quit"
[ "$(cat "$d/n.rc")" = 0 ] || fail "q: exit $(cat "$d/n.rc")"
done_ok
