#!/bin/sh
# Runs every test: unit binaries, golden parser cases, end-to-end scripts.
# Ends with the line "N passed, N failed, N skipped"; exits non-zero on any failure.
# B names the build directory (default build). Test output goes to $B/test-out.
set -u
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export AUTHWATCH="$top/$B/authwatch" TOP="$top" OUT="$top/$B/test-out"
rm -rf "$OUT"
mkdir -p "$OUT"
pass=0 fail=0 skip=0 failed_names=""

# unit tests print "tests: N passed, N failed" as their last line (exit 77: skipped)
for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" >"$OUT/$name.log" 2>&1
	rc=$?
	if [ "$rc" -eq 77 ]; then
		# the tests that need a missing component print why and exit 77
		skip=$((skip + 1))
		echo "skip $name: $(grep -i 'skip' "$OUT/$name.log" | tail -n 1)"
		continue
	fi
	line=$(grep '^tests: ' "$OUT/$name.log" | tail -n 1)
	p=$(echo "$line" | sed -n 's/^tests: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(echo "$line" | sed -n 's/^tests: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then p=0; f=1; fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p)) fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		failed_names="$failed_names $name"
		echo "FAIL $name (rc $rc)"
		grep -v '^ok ' "$OUT/$name.log" | head -n 40
	else
		echo "ok   $name ($p)"
	fi
done

# end-to-end scripts (golden cases run as one of them): exit 0 pass, 77 skip, else fail
for t in tests/e2e/[0-9]*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	sh "$t" >"$OUT/$name.log" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "ok   $name" ;;
	77) skip=$((skip + 1)); echo "skip $name: $(tail -n 1 "$OUT/$name.log")" ;;
	*) fail=$((fail + 1)); failed_names="$failed_names $name"
	   echo "FAIL $name (rc $rc)"; tail -n 30 "$OUT/$name.log" ;;
	esac
done

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
