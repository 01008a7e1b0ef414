#!/bin/sh
# 53-colour: report's text on a terminal (a pty from script(1)) has colour unless NO_COLOR is
# set to something (an empty NO_COLOR is unset: no-color.org) or TERM is dumb; never in a pipe.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp colour)
command -v script >/dev/null 2>&1 || skip "no script(1) (util-linux) for a pseudo-terminal"
ESC=$(printf '\033')
# on_tty NAME ENV...: the report of examples/auth.log with stdout on a pty, into $d/NAME
on_tty() {
	n=$1
	shift
	script -qec "env $* '$AUTHWATCH' report '$TOP/examples/auth.log' 2>/dev/null" /dev/null \
		>"$d/$n" </dev/null || fail "$n: script exit $?"
	grep -q 'Attackers' "$d/$n" || fail "$n: no report: $(head -c 300 "$d/$n")"
}
on_tty unset -u NO_COLOR TERM=xterm
grep -q "$ESC\[" "$d/unset" || fail "a terminal without NO_COLOR: no colour"
on_tty empty NO_COLOR= TERM=xterm
grep -q "$ESC\[" "$d/empty" || fail "an empty NO_COLOR: no colour"
on_tty set NO_COLOR=1 TERM=xterm
grep -q "$ESC\[" "$d/set" && fail "NO_COLOR=1: colour anyway: $(cat -v "$d/set" | head -n 5)"
on_tty dumb -u NO_COLOR TERM=dumb
grep -q "$ESC\[" "$d/dumb" && fail "TERM=dumb: colour anyway"
"$AUTHWATCH" report --color always "$TOP/examples/auth.log" | grep -q "$ESC\[" ||
	fail "--color always in a pipe: no colour"
env -u NO_COLOR "$AUTHWATCH" report "$TOP/examples/auth.log" | grep -q "$ESC\[" &&
	fail "a pipe: colour"
done_ok
