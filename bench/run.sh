#!/bin/bash
# run.sh: generate synthetic auth.log files, then time authwatch and its peers on them side by side.
#
#   B=build bench/run.sh                     1M and 10M lines (what `make bench` runs)
#   BENCH_QUICK=1 bench/run.sh               200k lines only
#   BENCH_LINES="50000 2000000" bench/run.sh any sizes
#   BENCH_RUNS=5                             best of N runs (default 3)
#   BENCH_SLOW=15                            a command slower than this (s) runs once
#   BENCH_SSHG=/path/to/sshg-parser          sshguard's parser (found when unset; empty: skip)
#
# It reports, it does not gate: exit 0 even when a target is missed; non-zero only when
# authwatch itself fails (not built, non-zero exit, no events, .gz and plain disagree).
set -u

B=${B:-build}
here=$(cd "$(dirname "$0")" && pwd)
AW=$B/authwatch
GEN=$B/bench/gen
DIR=$B/bench
RUNS=${BENCH_RUNS:-3}
SLOW=${BENCH_SLOW:-15}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	LINES=${BENCH_LINES:-200000}
else
	LINES=${BENCH_LINES:-"1000000 10000000"}
fi

# Targets (DESIGN): MB/s of uncompressed input; peak RSS in MiB.
T_CLASS=1000
T_NDJSON=300
T_GZ=400
T_RSS=16
T_REPORT=1000
T_REPORT_RSS=64

# The main sshd families, for the grep baseline.
GREP_RE='Failed|Invalid user|Accepted|Connection closed|Connection reset|Disconnected'
GREP_RE="$GREP_RE|Disconnecting|Received disconnect|maximum authentication|Did not receive"
GREP_RE="$GREP_RE|Unable to negotiate|banner exchange|kex_exchange_identification"
GREP_RE="$GREP_RE|Timeout before|drop connection|POSSIBLE BREAK-IN|authentication failure"

status=0
say() { printf 'bench: %s\n' "$*" >&2; }

mkdir -p "$DIR" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/awbench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# --- tools ---------------------------------------------------------------------------------

if [ ! -x "$GEN" ]; then
	say "$GEN missing, compiling $here/gen.c and its modules"
	${CC:-cc} -std=c11 -O2 -o "$GEN" "$here/gen.c" "$here/gen_script.c" "$here/gen_sshd.c" || exit 1
fi

have_aw=1
if [ ! -x "$AW" ]; then
	say "$AW is not built (make B=$B): measuring the peers only, exit status 1"
	have_aw=0
	status=1
fi

# sshguard's parser: /usr/libexec on current Debian, /usr/lib on older releases.
if [ -n "${BENCH_SSHG+set}" ]; then
	SSHG=$BENCH_SSHG
	[ -n "$SSHG" ] && [ ! -x "$SSHG" ] && SSHG=
else
	SSHG=
	for p in /usr/libexec/sshguard/sshg-parser /usr/lib/sshguard/sshg-parser \
		/usr/local/libexec/sshguard/sshg-parser /usr/local/libexec/sshg-parser; do
		if [ -x "$p" ]; then
			SSHG=$p
			break
		fi
	done
	if [ -z "$SSHG" ] && command -v sshg-parser >/dev/null 2>&1; then
		SSHG=$(command -v sshg-parser)
	fi
fi
SSHG_VER=
if [ -n "$SSHG" ] && command -v dpkg-query >/dev/null 2>&1; then
	SSHG_VER=$(dpkg-query -W -f '${Version}' sshguard 2>/dev/null)
fi

# The stopwatch: a tiny fork/exec/wait4 wrapper (monotonic clock, microseconds, ru_maxrss),
# so no shell, date or time(1) start-up is counted; GNU time (10 ms resolution) otherwise.
TIMEIT=$DIR/timeit
if [ ! -x "$TIMEIT" ] || [ "$here/run.sh" -nt "$TIMEIT" ]; then
	${CC:-cc} -std=c11 -O2 -o "$TIMEIT" -x c - <<'EOF' 2>/dev/null || rm -f "$TIMEIT"
/* timeit OUT CMD [ARG...]: runs CMD; writes "wall_us maxrss_kib exit" to OUT. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	int st, rc;
	pid_t pid;
	FILE *f;

	if (argc < 3)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &b);
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	f = fopen(argv[1], "w");
	if (!f)
		return 2;
	fprintf(f, "%lld %ld %d\n",
		(long long)(b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000,
		ru.ru_maxrss, rc);
	fclose(f);
	return rc;
}
EOF
fi
if [ -x "$TIMEIT" ]; then
	CLOCK="fork/exec/wait4 wrapper, monotonic clock"
	stopwatch() { "$TIMEIT" "$tmp/m" "$@"; }
	reading() { cat "$tmp/m"; }
elif /usr/bin/time -f '%e %M' -o "$tmp/m" true 2>/dev/null; then
	CLOCK="GNU time, 10 ms resolution"
	stopwatch() { /usr/bin/time -f '%e %M' -o "$tmp/m" "$@"; }
	reading() { tail -n 1 "$tmp/m" | awk '{ printf "%d %d 0\n", $1 * 1e6, $2 }'; }
else
	say "need a C compiler (for the stopwatch) or GNU time (/usr/bin/time, package 'time')"
	exit 1
fi

# --- data ----------------------------------------------------------------------------------

gen_sum=$(cksum <"$GEN" | cut -d' ' -f1)

# prepare N: $DIR/auth-N.log and its .gz, unless the cached ones came from this gen.
prepare() {
	local n=$1 f=$DIR/auth-$1.log want
	want="gen $gen_sum -n $n -s 1 -f bsd"
	if [ -f "$f" ] && [ -f "$f.gz" ] && [ "$(cat "$f.stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	say "generating $f ($n lines)"
	rm -f "$f.stamp"
	"$GEN" -n "$n" -s 1 -f bsd >"$f.tmp" && mv "$f.tmp" "$f" || return 1
	say "gzip -6 $f"
	gzip -6 -c "$f" >"$f.gz.tmp" && mv "$f.gz.tmp" "$f.gz" || return 1
	echo "$want" >"$f.stamp"
}

# --- measuring -----------------------------------------------------------------------------

# run_one KIND FILE: one run under the stopwatch; stdout kept in $tmp/out where useful.
run_one() {
	local f=$2
	case $1 in
	aw_none) stopwatch "$AW" events --format none "$f" >"$tmp/out" ;;
	aw_ndjson) stopwatch "$AW" events --format ndjson "$f" >/dev/null ;;
	aw_gz) stopwatch "$AW" events --format none "$f.gz" >"$tmp/out" ;;
	aw_report1) stopwatch "$AW" report --threads 1 --format json "$f" >"$tmp/report1" ;;
	aw_report2) stopwatch "$AW" report --threads 2 --format json "$f" >"$tmp/report2" ;;
	gunzip) stopwatch gzip -dc "$f.gz" >/dev/null ;;
	sshg) stopwatch "$SSHG" <"$f" >/dev/null ;;
	grep) stopwatch grep -cE "$GREP_RE" "$f" >"$tmp/out" ;;
	wc) stopwatch wc -l "$f" >"$tmp/out" ;;
	esac
}

# measure KIND FILE: best wall time of $RUNS runs -> $best_s, largest peak RSS (KiB) ->
# $rss_k, exit status of the last run -> $rc.
measure() {
	local i=0 best= us kib
	rss_k=
	rc=0
	while [ "$i" -lt "$RUNS" ]; do
		: >"$tmp/m"
		run_one "$1" "$2"
		rc=$?
		read -r us kib _ < <(reading) || us=
		if [ -z "$us" ]; then
			[ "$rc" -eq 0 ] && rc=1
			break
		fi
		if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; fi
		if [ -z "$rss_k" ] || [ "$kib" -gt "$rss_k" ]; then rss_k=$kib; fi
		[ "$rc" -ne 0 ] && break
		[ "$us" -gt $((SLOW * 1000000)) ] && break
		i=$((i + 1))
	done
	best_s=$(awk -v n="${best:-0}" 'BEGIN { printf "%.3f", n / 1e6 }')
}

# row LABEL BYTES LINES [TARGET_MBS [TARGET_RSS_MIB]]: one table line from the last measure.
row() {
	awk -v label="$1" -v bytes="$2" -v lines="$3" -v tgt="${4:-}" -v s="$best_s" \
		-v rss="$rss_k" -v trss="${5:-$T_RSS}" -v rc="$rc" 'BEGIN {
		mbs = s > 0 ? bytes / 1e6 / s : 0
		mls = s > 0 ? lines / 1e6 / s : 0
		r = rss == "" ? "n/a" : sprintf("%.1f", rss / 1024)
		t = ""
		v = ""
		if (tgt != "") {
			t = sprintf(">=%d MB/s, <%d MiB", tgt, trss)
			miss = ""
			if (mbs < tgt)
				miss = "speed"
			if (rss != "" && rss / 1024 >= trss)
				miss = miss == "" ? "rss" : miss ", rss"
			v = miss == "" ? "PASS" : "MISS (" miss ")"
		}
		if (s <= 0 && tgt != "")
			v = "n/a (too fast to time)"
		if (rc != 0)
			v = "FAILED (exit " rc ")"
		if (s > 0)
			line = sprintf("  %-38s %8.3f %9.1f %9.2f %8s  %-21s %s", label, s, mbs, mls,
				       r, t, v)
		else
			line = sprintf("  %-38s %8s %9s %9s %8s  %-21s %s", label, "<0.010", "-", "-",
				       r, t, v)
		sub(/ +$/, "", line)
		print line
	}'
}

absent() {
	printf '  %-38s %s\n' "$1" "$2"
}

# --- run -----------------------------------------------------------------------------------

out=$tmp/table
{
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
	echo "authwatch benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sm)"
	echo "cpu: ${cpu:-unknown}, $(nproc 2>/dev/null || echo '?') online; page cache warm;" \
		"best of $RUNS runs (1 when a run takes over ${SLOW}s)"
	echo "wall time: $CLOCK; MB = 10^6 bytes of uncompressed input;" \
		"RSS = peak resident set (ru_maxrss)"
} >"$out"

for n in $LINES; do
	if ! prepare "$n"; then
		say "cannot generate $n lines"
		exit 1
	fi
	f=$DIR/auth-$n.log
	bytes=$(wc -c <"$f")
	gzbytes=$(wc -c <"$f.gz")
	nlines=$(wc -l <"$f")
	cat "$f" "$f.gz" >/dev/null # warm the page cache
	{
		echo
		awk -v f="$f" -v l="$nlines" -v b="$bytes" -v g="$gzbytes" 'BEGIN {
			printf "%s: %d lines, %.1f MB (gzip -6: %.1f MB)\n", f, l, b / 1e6, g / 1e6 }'
		printf '  %-38s %8s %9s %9s %8s  %-21s %s\n' command "best s" "MB/s" "Mlines/s" \
			"RSS MiB" target result
	} >>"$out"
	say "measuring $f"

	summary=
	if [ "$have_aw" = 1 ]; then
		measure aw_none "$f"
		summary=$(cat "$tmp/out")
		events=$(sed -n 's/.*events \([0-9][0-9]*\).*/\1/p' "$tmp/out")
		row "authwatch events --format none" "$bytes" "$nlines" "$T_CLASS" >>"$out"
		if [ "$rc" -ne 0 ]; then
			say "authwatch events --format none $f: exit $rc"
			status=1
		elif [ -z "$events" ] || [ "$events" -eq 0 ]; then
			say "authwatch counted no events in $f (it printed '$summary')"
			status=1
		fi

		measure aw_ndjson "$f"
		row "authwatch events --format ndjson" "$bytes" "$nlines" "$T_NDJSON" >>"$out"
		if [ "$rc" -ne 0 ]; then
			say "authwatch events --format ndjson $f: exit $rc"
			status=1
		fi

		measure aw_gz "$f"
		gzsummary=$(cat "$tmp/out")
		row "authwatch events --format none .gz" "$bytes" "$nlines" "$T_GZ" >>"$out"
		if [ "$rc" -ne 0 ]; then
			say "authwatch events --format none $f.gz: exit $rc"
			status=1
		elif [ "$gzsummary" != "$summary" ]; then
			say "$f.gz gives '$gzsummary' but the plain file '$summary'"
			status=1
		fi

		measure aw_report1 "$f"
		row "authwatch report, 1 thread" "$bytes" "$nlines" "$T_REPORT" "$T_REPORT_RSS" >>"$out"
		if [ "$rc" -ne 0 ]; then
			say "authwatch report --threads 1 $f: exit $rc"
			status=1
		fi
		measure aw_report2 "$f"
		row "authwatch report, 2 threads" "$bytes" "$nlines" "$T_REPORT" "$T_REPORT_RSS" >>"$out"
		if [ "$rc" -ne 0 ]; then
			say "authwatch report --threads 2 $f: exit $rc"
			status=1
		elif ! cmp -s "$tmp/report1" "$tmp/report2"; then
			say "authwatch report: --threads 1 and --threads 2 disagree on $f"
			status=1
		fi
	else
		absent "authwatch" "not built ($AW)" >>"$out"
	fi

	measure gunzip "$f"
	row "gzip -dc .gz (reference)" "$bytes" "$nlines" >>"$out"

	if [ -n "$SSHG" ]; then
		measure sshg "$f"
		row "sshg-parser${SSHG_VER:+ (sshguard $SSHG_VER)}" "$bytes" "$nlines" >>"$out"
	else
		absent "sshg-parser" "not installed (Debian package sshguard)" >>"$out"
	fi

	measure grep "$f"
	[ "$rc" -eq 1 ] && rc=0 # grep: no line matched
	matched=$(cat "$tmp/out")
	row "grep -cE (sshd families)" "$bytes" "$nlines" >>"$out"

	measure wc "$f"
	row "wc -l" "$bytes" "$nlines" >>"$out"

	{
		[ -n "$summary" ] && echo "  authwatch: $summary"
		echo "  grep -cE matched $matched lines"
		# where a report's time goes: its two halves on 2M lines held in memory
		if [ -x "$B/bench/consumer" ]; then
			"$B/bench/consumer" "$f" 2000000 3 | sed 's/^/  report halves (bench\/consumer): /'
		fi
	} >>"$out"
done

cat "$out"
cp "$out" "$DIR/results.txt"
echo "(also in $DIR/results.txt)"
exit "$status"
