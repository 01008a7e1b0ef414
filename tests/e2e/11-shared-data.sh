#!/bin/sh
# authwatch against the shared real-world data beside the repository ($TOP/../shared/data):
# SSHGuard's sshd parser cases and LogHub's OpenSSH_2k sample with fail2ban/SSHGuard verdicts.
# Nothing is copied into the repo (see tests/golden/shared_data.py for the pass criteria).
# Env from tests/run.sh: AUTHWATCH, OUT, TOP. Exit 0 pass, 1 fail, 77 skip.
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v python3 >/dev/null 2>&1; then
	echo "python3 not found"
	exit 77
fi
if [ ! -d "$top/../shared/data" ] && [ -z "${SHARED_DATA:-}" ]; then
	echo "no shared data at $top/../shared/data"
	exit 77
fi
AUTHWATCH=${AUTHWATCH:-$top/build/authwatch} OUT=${OUT:-/tmp} TOP=$top \
	python3 "$top/tests/golden/shared_data.py"
rc=$?
case $rc in
0 | 77) exit "$rc" ;;
*) exit 1 ;;
esac
