#!/usr/bin/env bash
# Runs the built test suite. CI shows only the tail of the output, so on failure the failing tests and
# their recorded issues are printed again at the end, where they are seen.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"${SWIFT:-swift}" test --skip-build "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  echo
  echo "==== what failed (repeated from above; exit $rc) ===="
  grep -a -E -A4 'recorded an issue|Fatal error|fatalError|Precondition failed|Assertion failed|error: |Crash|signal [0-9]+|Exited with' "$log" \
    | grep -a -v -E '^\s*$' | head -150
  grep -a -E '✘ (Test|Suite) .* (failed|with [0-9]+ issue)' "$log" | head -50
fi
exit "$rc"
