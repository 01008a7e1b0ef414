#!/bin/sh
# Builds authwatch (installing missing build dependencies with apt-get) and runs the report
# on the bundled sample log, then shows the same log as structured events.
set -e
cd "$(dirname "$0")"
scripts/deps.sh build
make -s -j"$(nproc 2>/dev/null || echo 2)"
echo "== build/authwatch report examples/auth.log" >&2
build/authwatch report examples/auth.log
echo "== build/authwatch events examples/auth.log | head -n 3" >&2
build/authwatch events examples/auth.log | head -n 3
