#!/bin/sh
# run.sh: a short libFuzzer run over the header parser, classifier and escapers (test.sh runs it once).
# Prints "1 passed, 0 failed" or "0 passed, 1 failed". FUZZ_SECONDS sets the length (default 20).
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${B:-build/fuzz}
mkdir -p "$B"
if ! command -v clang >/dev/null 2>&1; then
	echo "clang missing (scripts/deps.sh test installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi
make -s B="$B" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}" >"$B/fuzz.log" 2>&1
rc=$?
tail -n 3 "$B/fuzz.log"
if [ $rc -ne 0 ] || ! grep -q '^Done [0-9]* runs' "$B/fuzz.log"; then
	echo "fuzzer found a crash or did not build: see $B/fuzz.log"
	grep -A 20 'ERROR' "$B/fuzz.log" | head -n 40
	echo "0 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
