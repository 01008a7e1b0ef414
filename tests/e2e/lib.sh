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
# jail_status SOCKET EXPR: true when the Python expression EXPR holds for the first jail of
# `authwatch status --format json` from the daemon at SOCKET (j: that jail's object, with
# tracked, counted, active_bans, top_offenders, sources...). Tests read the JSON, not the text
# tables, so that a change of layout breaks none of them.
jail_status() {
	"$AUTHWATCH" status -s "$1" --format json | python3 -c '
import json, sys
j = json.load(sys.stdin)["jails"][0]
sys.exit(0 if eval(sys.argv[1]) else 1)' "$2"
}
