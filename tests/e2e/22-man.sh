#!/bin/sh
# 22-man: the man pages follow the program. Every command, every option each command accepts
# (read from the program: its --help, its getopt strings and option tables) is in
# authwatch.1; every configuration key (read from src/conf_key.c's table, checked against
# `authwatch daemon -t`) is in authwatch.conf.5 with the default that -t prints, and its
# example configurations load; `mandoc -Tlint` has nothing to say; `make install` puts both
# pages in place and they render.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp man)
man1="$TOP/man/authwatch.1"
man5="$TOP/man/authwatch.conf.5"
[ -f "$man1" ] || fail "no $man1"
[ -f "$man5" ] || fail "no $man5"

# The page with each ".It Xo" joined to the macro line after it (".It Xo Cm report"), so that
# an item's head is on its .It line whichever way it is written.
join_xo() {
	sed '/^\.It Xo$/{N;s/\n\./ /;}' "$1"
}
# section FILE NAME: the lines of section ".Sh NAME" (up to the next .Sh).
section() {
	awk -v s=".Sh $2" '/^\.Sh /{ on = ($0 == s) } on' "$1"
}
# item FILE ERE: the list items whose .It line matches ERE, nested lists included: from the
# .It line to the next .It or .El of the same list.
item() {
	awk -v re="$2" '
	/^\.Bl/ { depth++ }
	/^\.It/ && on && depth == d { on = 0 }
	/^\.El/ { if (on && depth == d) on = 0; depth--; next }
	/^\.It/ && !on && $0 ~ re { on = 1; d = depth }
	on { print }' "$1"
}
# has_flag FILE FLAG: FLAG ("-n", "--format") is written as a flag (Fl -format) in FILE.
has_flag() {
	grep -Eq "(^|[[:space:]])Fl ${2#-}([[:space:]]|\$)" "$1"
}

join_xo "$man1" >"$d/man1"
join_xo "$man5" >"$d/man5"

# --- the commands: those `authwatch --help` lists, each with its own item in authwatch.1
"$AUTHWATCH" --help >"$d/help" || fail "authwatch --help: exit $?"
sed -n '/^commands:/,/^$/p' "$d/help" | awk 'NF && $1 != "commands:" { print $1 }' >"$d/commands"
[ -s "$d/commands" ] || fail "no command in authwatch --help: $(cat "$d/help")"
# the global options (main.c parses them by hand: its help is the list)
for o in -h --help $(sed -n '/^options:/,$p' "$d/help" | grep -oE '(^|[[:space:]])--?[a-z][a-z0-9-]*' |
	tr -d ' \t' | sort -u); do
	has_flag "$d/man1" "$o" || fail "global option $o is not in authwatch.1"
done

# the functions that run each command (main.c's table), for their getopt strings and tables
sed -n 's/^[[:space:]]*{"\([a-z]*\)", \(cmd_[a-z_]*\),.*/\1 \2/p' "$TOP/src/main.c" >"$d/fns"
[ "$(wc -l <"$d/fns")" -eq "$(wc -l <"$d/commands")" ] ||
	fail "main.c's table ($(wc -l <"$d/fns")) and --help ($(wc -l <"$d/commands")) disagree"

# the list of the options the requests to the daemon share (status, bans, ban, unban, reload)
awk '/^The commands that talk to the daemon/ { on = 1 } on { print } on && /^\.El/ { exit }' \
	"$d/man1" >"$d/shared"
grep -q 'Fl -socket' "$d/shared" || fail "no list of the daemon requests' shared options"
nopts=0
while read -r c; do
	item "$d/man1" "^\\.It (Xo )?Cm $c( |\$)" >"$d/item.$c"
	[ -s "$d/item.$c" ] || fail "command $c has no item (.It Cm $c) in authwatch.1"
	# the requests to the daemon also have the options they share, listed once
	case $c in status | bans | ban | unban | reload) cat "$d/shared" >>"$d/item.$c" ;; esac
	# every option its help names
	"$AUTHWATCH" "$c" --help >"$d/help.$c" 2>&1 </dev/null ||
		"$AUTHWATCH" "$c" -h >"$d/help.$c" 2>&1 </dev/null ||
		fail "$c: neither --help nor -h works: $(cat "$d/help.$c")"
	for o in $(grep -oE '(^|[^a-z0-9-])--[a-z][a-z0-9-]*' "$d/help.$c" | sed 's/^[^-]*//' | sort -u); do
		[ "$o" = --help ] && continue
		has_flag "$d/item.$c" "$o" || fail "$c: $o (in its --help) is not in its item in authwatch.1"
		nopts=$((nopts + 1))
	done
	# every short option of its getopt string (but -h, described once for all)
	fn=$(awk -v c="$c" '$1 == c { print $2 }' "$d/fns")
	src=$(grep -l "^$fn(" "$TOP"/src/*.c) || fail "$c: no definition of $fn in src/"
	echo "$c $src" >>"$d/srcs"
	str=$(grep -oE 'getopt(_long)?\(argc, argv, "[^"]*"' "$src" | sed 's/.*"\(.*\)"/\1/')
	[ -n "$str" ] || fail "$c: no getopt string in $src"
	for l in $(echo "$str" | tr -d ':h' | sed 's/./& /g'); do
		has_flag "$d/item.$c" "-$l" || fail "$c: -$l (getopt \"$str\" in $src) is not in its item"
		nopts=$((nopts + 1))
	done
done <"$d/commands"

# every long option of each struct option table (several may share a line), aliases the
# help leaves out included (--output, --lines, --socket ...): somewhere in authwatch.1 (the
# control commands share one list of options)
for src in $(awk '{ print $2 }' "$d/srcs" | sort -u); do
	for o in $(grep -oE '\{"[a-z][a-z0-9-]*", *(no|required|optional)_argument' "$src" |
		sed 's/{"\([^"]*\)".*/\1/' | sort -u); do
		[ "$o" = help ] && continue
		has_flag "$d/man1" "--$o" || fail "--$o (struct option in $src) is not in authwatch.1"
		nopts=$((nopts + 1))
	done
done
echo "authwatch.1: $(wc -l <"$d/commands") commands, $nopts option checks"

# --- the configuration keys: src/conf_key.c's table, each in its section(s) of authwatch.conf.5
sed -n 's/^[[:space:]]*{"\([a-z0-9_.]*\)", K_[A-Z0-9_]*, T_[A-Z]*, \([A-Z_ |]*\),.*/\1 \2/p' \
	"$TOP/src/conf_key.c" | tr -d ' |' | sed 's/IN_/ IN_/' >"$d/keys"
[ -s "$d/keys" ] || fail "no key read from src/conf_key.c"
section "$d/man5" "DAEMON SECTION" >"$d/sect.daemon"
section "$d/man5" "JAIL SECTIONS" >"$d/sect.jail"
[ -s "$d/sect.daemon" ] && [ -s "$d/sect.jail" ] ||
	fail "authwatch.conf.5 has no DAEMON SECTION or JAIL SECTIONS"
while read -r k where; do
	re="^\\.It Cm $(echo "$k" | sed 's/\./\\./g')( |\$)"
	case $where in *IN_DAEMON*)
		[ -n "$(item "$d/sect.daemon" "$re")" ] || fail "[daemon] key $k is not in DAEMON SECTION"
	esac
	case $where in *IN_JAIL*)
		[ -n "$(item "$d/sect.jail" "$re")" ] || fail "jail key $k is not in JAIL SECTIONS"
	esac
done <"$d/keys"

# the program agrees: every key `daemon -t` prints is in the table read above, and the
# default it prints is written in the key's item
printf '[daemon]\ngeoip = /nonexistent\n[j]\nsource = /nonexistent.log\n' >"$d/geo.conf"
printf '[j]\nsource = /nonexistent.log\n' >"$d/min.conf"
"$AUTHWATCH" daemon -t -c "$d/geo.conf" >"$d/geo.out" 2>"$d/err" || fail "daemon -t: $(cat "$d/err")"
for k in $(sed -n 's/^\([a-z][a-z0-9_.]*\) =.*/\1/p' "$d/geo.out" | sort -u); do
	grep -q "^$k " "$d/keys" || fail "daemon -t prints $k, which the key table read here lacks"
done
"$AUTHWATCH" daemon -t -c "$d/min.conf" >"$d/min.out" 2>"$d/err" || fail "daemon -t: $(cat "$d/err")"
sect=daemon
while IFS= read -r line; do
	case $line in
	"[daemon]") sect=daemon; continue ;;
	"["*) sect=jail; continue ;;
	*" = "*) ;;
	*) continue ;;
	esac
	k=${line%% = *}
	v=${line#* = }
	[ "$k" = source ] && continue # set above, no default
	item "$d/sect.$sect" "^\\.It Cm $(echo "$k" | sed 's/\./\\./g')( |\$)" >"$d/item"
	for w in $v; do
		grep -Fqw -- "$w" "$d/item" || fail "$sect key $k: the default $w (daemon -t) is not in its item"
	done
done <"$d/min.out"
echo "authwatch.conf.5: $(wc -l <"$d/keys") keys"

# every example configuration of authwatch.conf.5 loads
section "$d/man5" EXAMPLES | awk -v dir="$d" '
	/^\.Bd -literal/ { n++; f = dir "/example" n ".conf"; on = 1; next }
	/^\.Ed/ { on = 0 }
	on { print > f }'
n=0
for f in "$d"/example*.conf; do
	[ -f "$f" ] || fail "no example configuration in authwatch.conf.5"
	"$AUTHWATCH" daemon -t -c "$f" >/dev/null 2>"$d/err" || fail "example $f: $(cat "$d/err")"
	n=$((n + 1))
done
echo "authwatch.conf.5: $n example configurations load"

# --- make install puts both pages in place (the binary as built: -o keeps make from rebuilding)
b=${AUTHWATCH%/authwatch}
b=${b#"$TOP"/}
MAKEFLAGS='' MFLAGS='' MAKELEVEL='' make -s -C "$TOP" -o "$b/authwatch" B="$b" \
	DESTDIR="$d/root" PREFIX=/usr/local install >"$d/install.log" 2>&1 ||
	fail "make install: $(cat "$d/install.log")"
for p in man1/authwatch.1 man5/authwatch.conf.5; do
	f="$d/root/usr/local/share/man/$p"
	[ -f "$f" ] || fail "make install did not install $f"
	cmp -s "$f" "$TOP/man/${p#*/}" || fail "$f differs from man/${p#*/}"
	[ "$(stat -c %a "$f")" = 644 ] || fail "$f has mode $(stat -c %a "$f"), not 644"
done

# --- mandoc: no warning, and the installed pages render (with man(1) too, when it is here)
command -v mandoc >/dev/null 2>&1 || skip "mandoc is not installed (scripts/deps.sh test installs it)"
for p in "$man1" "$man5"; do
	out=$(mandoc -Tlint -W warning "$p" 2>&1)
	rc=$?
	[ -z "$out" ] && [ $rc -eq 0 ] || fail "mandoc -Tlint -W warning $p (exit $rc): $out"
done
# (the one-line description, .Nd, is plain text in the output: no overstrike to strip)
for p in man1/authwatch.1 man5/authwatch.conf.5; do
	f="$d/root/usr/local/share/man/$p"
	nd=$(sed -n 's/^\.Nd //p' "$f")
	[ -n "$nd" ] || fail "$f has no .Nd"
	mandoc -Tascii "$f" >"$d/render" 2>"$d/err" || fail "mandoc $f: $(cat "$d/err")"
	grep -qF "$nd" "$d/render" || fail "mandoc $f: no '$nd' in $(head -n 5 "$d/render")"
	if command -v man >/dev/null 2>&1; then
		LC_ALL=C MANWIDTH=80 man -l "$f" >"$d/render" 2>"$d/err" || fail "man -l $f: $(cat "$d/err")"
		grep -qF "$nd" "$d/render" || fail "man -l $f: no '$nd' in $(head -n 5 "$d/render")"
	fi
done
done_ok
