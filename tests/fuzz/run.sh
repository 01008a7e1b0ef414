#!/bin/sh
# run.sh: short libFuzzer runs (test.sh runs it once): the header parser, classifier and escapers;
# the configuration parser and writer (a round trip). Prints "2 passed, 0 failed", or what failed.
# FUZZ_SECONDS sets the length of each (default 20).
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${B:-build/fuzz}
mkdir -p "$B"
if ! command -v clang >/dev/null 2>&1; then
	echo "clang missing (scripts/deps.sh test installs it)"
	echo "0 passed, 2 failed"
	exit 1
fi
make -s B="$B" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}" >"$B/fuzz.log" 2>&1
rc=$?
grep '^Done [0-9]* runs' "$B/fuzz.log"
done=$(grep -c '^Done [0-9]* runs' "$B/fuzz.log")
if [ $rc -ne 0 ] || [ "$done" -ne 2 ]; then
	echo "a fuzzer found a crash or did not build: see $B/fuzz.log"
	grep -a -B 5 -A 20 'ERROR' "$B/fuzz.log" | head -n 60
	echo "$done passed, $((2 - done)) failed"
	exit 1
fi
echo "2 passed, 0 failed"
