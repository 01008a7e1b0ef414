#!/bin/sh
# Installs missing dependencies, builds with warnings as errors, runs every test with gcc,
# again under AddressSanitizer + UBSan, the threads under ThreadSanitizer, and with clang; ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")" || exit 1
scripts/deps.sh test || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
total_p=0 total_f=0 total_s=0
log=$(mktemp)
run() {
	label=$1
	shift
	echo "== $label: $*"
	"$@" >"$log" 2>&1
	rc=$?
	grep -v '^ok ' "$log" | tail -n 150
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$last" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$last" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
	s=$(echo "$last" | sed -n 's/.*, \([0-9]*\) skipped$/\1/p')
	: "${p:=0}" "${f:=0}" "${s:=0}"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "$label: exit code $rc"
	fi
	total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
}
run gcc make -j"$jobs" WERROR=1 CC=gcc B=build/gcc check
run asan make -j"$jobs" WERROR=1 CC=gcc asan
run tsan make WERROR=1 CC=gcc tsan
run clang make -j"$jobs" WERROR=1 CC=clang B=build/clang check
run fuzz sh tests/fuzz/run.sh
rm -f "$log"
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
