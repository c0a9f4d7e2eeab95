#!/usr/bin/env bash
# Builds everything with the tests and fails on a compiler warning from our own code (tools/check-warnings).
# Usage: tools/build-checked.sh [swift]   (the Makefile's `test` target runs it)
set -uo pipefail
swift=${1:-swift}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$swift" build --build-tests 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || exit "$rc"
"$(dirname "$0")/check-warnings" "$log"
