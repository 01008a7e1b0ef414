#!/bin/sh
# 30-fuzz: a short libFuzzer run over the header parser, classifier and escapers (in the ASan pass only).
set -u
. "$(dirname "$0")/lib.sh"
case "${B:-}" in
*asan*) ;;
*) skip "runs once, in the ASan pass (B=$B)" ;;
esac
command -v clang >/dev/null 2>&1 || fail "clang missing (scripts/deps.sh test installs it)"
cd "$TOP" || exit 1
make -s B="$OUT/fuzz" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}" >"$OUT/fuzz.log" 2>&1
rc=$?
tail -n 3 "$OUT/fuzz.log"
[ $rc -eq 0 ] || fail "fuzzer found a crash or did not build (see $OUT/fuzz.log)"
grep -q '^Done [0-9]* runs' "$OUT/fuzz.log" || fail "fuzzer did not run"
done_ok
