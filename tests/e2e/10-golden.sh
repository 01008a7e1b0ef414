#!/bin/sh
# Golden parser cases: tests/golden/*.txt through `authwatch events` (see tests/golden/check.py).
# Env from tests/run.sh: AUTHWATCH, OUT, TOP. Exit 0 pass, 1 fail, 77 skip.
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v python3 >/dev/null 2>&1; then
	echo "python3 not found"
	exit 77
fi
AUTHWATCH=${AUTHWATCH:-$top/build/authwatch} OUT=${OUT:-/tmp} TOP=$top \
	python3 "$top/tests/golden/check.py"
rc=$?
[ "$rc" -eq 0 ] && exit 0
exit 1
