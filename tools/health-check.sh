#!/usr/bin/env bash
# Reads the API's /health and exits non-zero unless it answers "healthy" (or "degraded" with --allow-degraded).
#   tools/health-check.sh [--allow-degraded]      (CATALYST_API_URL, default http://127.0.0.1:5006)
# Exit codes: 0 healthy, 1 degraded, 2 unhealthy (503 / database down), 3 unreachable or unreadable.
set -u
url="${CATALYST_API_URL:-http://127.0.0.1:5006}/health"
allow_degraded=0
[ "${1:-}" = "--allow-degraded" ] && allow_degraded=1
body=$(curl --silent --show-error --max-time 10 "$url") || { echo "$(date -u +%FT%TZ) UNREACHABLE $url"; exit 3; }
status=$(printf '%s' "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("status","?"))' 2>/dev/null) || status="?"
problems=$(printf '%s' "$body" | python3 -c 'import json,sys; print("; ".join(json.load(sys.stdin).get("problems",[])))' 2>/dev/null)
echo "$(date -u +%FT%TZ) $status ${problems}"
case "$status" in
  healthy) exit 0 ;;
  degraded) [ "$allow_degraded" = 1 ] && exit 0 || exit 1 ;;
  unhealthy) exit 2 ;;
  *) exit 3 ;;
esac
