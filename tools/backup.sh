#!/usr/bin/env bash
# Nightly backup: pg_dump of the whole database plus an LZ4 event archive of everything recorded before
# today (New York), into $CATALYST_BACKUP_DIR/<UTC timestamp>/, then deletes backups older than
# $CATALYST_BACKUP_RETENTION_DAYS (default 30). Exits non-zero if any step fails (nothing is deleted then).
#   CATALYST=.build/release/catalyst CATALYST_BACKUP_DIR=/var/backups/catalyst tools/backup.sh
# To restore what it wrote on a new machine: `CATALYST_HOME=<fresh folder> catalyst restore <stamp>/catalyst.dump`
# (never pg_restore alone: see docs/backup-and-restore.md), or `catalyst archive import <stamp>/archive`.
set -euo pipefail
catalyst="${CATALYST:-$(dirname "$0")/../.build/release/catalyst}"
root="${CATALYST_BACKUP_DIR:-$(dirname "$0")/../.catalyst/backups}"
days="${CATALYST_BACKUP_RETENTION_DAYS:-30}"
case "$days" in ''|*[!0-9]*) echo "CATALYST_BACKUP_RETENTION_DAYS must be a whole number of days" >&2; exit 64 ;; esac
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dest="$root/$stamp"
mkdir -p "$dest"
url="${DATABASE_URL:-$("$catalyst" db url)}"
echo "$(date -u +%FT%TZ) backup to $dest"
pg_dump --format=custom --file="$dest/catalyst.dump" "$url"
today=$(TZ=America/New_York date +%F)
# A new ledger has nothing sealed before today yet: that is not a failure of the backup.
if out=$("$catalyst" archive export --before "$today" --dir "$dest/archive" 2>&1); then
  echo "$out"
  "$catalyst" archive verify "$dest/archive"
elif printf '%s' "$out" | grep -q "nothing to export"; then
  echo "note: no events recorded before $today yet; archive skipped"
  rm -rf "$dest/archive"
else
  echo "$out" >&2
  exit 1
fi
# Retention: whole backup directories older than $days days (only directories named like a stamp).
find "$root" -mindepth 1 -maxdepth 1 -type d -name '2*T*Z' -mtime +"$days" -print -exec rm -rf {} +
echo "$(date -u +%FT%TZ) backup done"
