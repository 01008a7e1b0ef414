#!/bin/sh
# Builds authwatch (installing missing build dependencies with apt-get) and runs it on the
# bundled sample log: every recognised line as an event, then the totals.
set -e
cd "$(dirname "$0")"
scripts/deps.sh build
make -s -j"$(nproc 2>/dev/null || echo 2)"
echo "== build/authwatch events examples/auth.log" >&2
build/authwatch events examples/auth.log
echo "== build/authwatch events --format none --all examples/auth.log" >&2
build/authwatch events --format none --all examples/auth.log
