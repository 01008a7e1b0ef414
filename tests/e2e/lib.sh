# lib.sh: helpers for the end-to-end scripts (sourced). Env from tests/run.sh: AUTHWATCH, TOP, OUT.
: "${AUTHWATCH:?}" "${TOP:?}" "${OUT:?}"
fail() {
	echo "FAIL: $*"
	exit 1
}
skip() {
	echo "skipped: $*"
	exit 77
}
done_ok() {
	echo "ok"
	exit 0
}
# A fresh directory under $OUT for this script's files.
mktmp() {
	_d="$OUT/e2e-$1"
	rm -rf "$_d"
	mkdir -p "$_d"
	echo "$_d"
}
# Every line of the file must be one valid JSON object.
check_json() {
	python3 -c '
import json, sys
for i, l in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    o = json.loads(l)
    assert isinstance(o, dict), i
' "$1" || fail "invalid JSON in $1"
}
# wait_for SECONDS CMD...: runs CMD every 0.1 s until it succeeds (0) or SECONDS pass (1).
wait_for() {
	_end=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
	return 0
}
