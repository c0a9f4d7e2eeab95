#!/usr/bin/env bash
# Runs the built test suite in three passes: the fast application target, which must not start a
# database cluster (CATALYST_TEST_NO_CLUSTER makes any attempt fail); the broker and market-data clients
# against the local fake Alpaca, also without a cluster, on their own because their timeouts are real
# seconds and a machine busy starting clusters and servers can stall them; then everything else. With
# arguments, runs `swift test --skip-build` with them instead. CI shows only the tail of the output, so on
# failure the failing tests and their recorded issues are printed again at the end, where they are seen.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fast='^ApplicationTests\.'
clients='^(BrokerTests|MarketDataTests)\.'
swift="${SWIFT:-swift}"
if [ "$#" -gt 0 ]; then
  "$swift" test --skip-build "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
else
  start=$(date +%s)
  CATALYST_TEST_NO_CLUSTER=1 "$swift" test --skip-build --filter "$fast" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  echo "fast application target (no database cluster): $(( $(date +%s) - start )) s"
  if [ "$rc" -eq 0 ]; then
    CATALYST_TEST_NO_CLUSTER=1 "$swift" test --skip-build --filter "$clients" 2>&1 | tee -a "$log"
    rc=${PIPESTATUS[0]}
  fi
  if [ "$rc" -eq 0 ]; then
    "$swift" test --skip-build --skip "$fast" --skip "$clients" 2>&1 | tee -a "$log"
    rc=${PIPESTATUS[0]}
  fi
fi
if [ "$rc" -ne 0 ]; then
  echo
  echo "==== what failed (repeated from above; exit $rc) ===="
  grep -a -E -A4 'recorded an issue|Fatal error|fatalError|Precondition failed|Assertion failed|error: |Crash|signal [0-9]+|Exited with' "$log" \
    | grep -a -v -E '^\s*$' | head -150
  grep -a -E '✘ (Test|Suite) .* (failed|with [0-9]+ issue)' "$log" | head -50
fi
exit "$rc"
