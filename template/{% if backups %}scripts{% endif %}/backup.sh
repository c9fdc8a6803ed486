#!/usr/bin/env bash
# Encrypted, checksummed backup of the service's PostgreSQL database (docs/backups.md).
#
#   DATABASE_URL=postgresql://... BACKUP_ENCRYPTION_KEY=... scripts/backup.sh
#
# Writes NAME-STAMP.dump.enc (pg_dump custom format, AES-256 via openssl, key through PBKDF2),
# NAME-STAMP.counts (rows per table, taken in the dump's own snapshot, for restore verification) and
# NAME-STAMP.sha256 into BACKUP_DIR; then deletes backups older than BACKUP_RETENTION_DAYS and, when
# BACKUP_S3_BUCKET is set, uploads the three files with the aws CLI.
set -Eeuo pipefail
umask 077

die() { printf 'backup: error: %s\n' "$*" >&2; exit 1; }
log() { printf 'backup: %s\n' "$*" >&2; }

for tool in pg_dump psql openssl sha256sum; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "$tool not found on PATH: install the PostgreSQL client tools (Debian: postgresql-client) and openssl"
done

: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
backup_dir="${BACKUP_DIR:-./var/backups}"
retention_days="${BACKUP_RETENTION_DAYS:-30}"
[[ "$retention_days" =~ ^[0-9]+$ ]] || die "BACKUP_RETENTION_DAYS must be a whole number of days, got '$retention_days'"

# openssl reads the key itself (env: or file:), so it never shows up in a process listing.
if [[ -n "${BACKUP_ENCRYPTION_KEY_FILE:-}" ]]; then
  [[ -r "$BACKUP_ENCRYPTION_KEY_FILE" ]] || die "BACKUP_ENCRYPTION_KEY_FILE ($BACKUP_ENCRYPTION_KEY_FILE) is not readable"
  key_source="file:$BACKUP_ENCRYPTION_KEY_FILE"
elif [[ -n "${BACKUP_ENCRYPTION_KEY:-}" ]]; then
  key_source="env:BACKUP_ENCRYPTION_KEY"
else
  die "set BACKUP_ENCRYPTION_KEY or BACKUP_ENCRYPTION_KEY_FILE: backups are never written unencrypted"
fi

# The app's SQLAlchemy URL (postgresql+asyncpg://...?ssl=require) in the form libpq tools accept.
url="${DATABASE_URL/postgresql+asyncpg:\/\//postgresql://}"
url="${url/\?ssl=/?sslmode=}"
database="${url%%\?*}"
database="${database##*/}"
[[ -n "$database" ]] || die "DATABASE_URL names no database"

# Every table's row count as "schema.table|rows", sorted; restore.sh runs the same query.
count_rows_sql="SELECT format('%I.%I', n.nspname, c.relname) || '|' || (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%' ORDER BY 1;"

mkdir -p "$backup_dir"
name="$database-$(date -u +%Y%m%dT%H%M%SZ)"
# Written under a temporary name first: a failed run never leaves a file that looks like a backup.
work="$(mktemp -d "$backup_dir/.partial.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# One REPEATABLE READ transaction exports its snapshot; pg_dump dumps exactly that snapshot and the
# row counts are taken inside it, so they match the dump even while the service keeps writing.
coproc SNAPSHOT { psql --no-psqlrc --quiet --no-align --tuples-only --set ON_ERROR_STOP=1 --dbname="$url"; }
session_pid="$SNAPSHOT_PID"
printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;" "SELECT pg_export_snapshot();" >&"${SNAPSHOT[1]}"
read -r -t 60 snapshot <&"${SNAPSHOT[0]}" || die "could not open a snapshot on database $database"

log "dumping $database"
pg_dump --format=custom --snapshot="$snapshot" --dbname="$url" |
  openssl enc -aes-256-cbc -salt -pbkdf2 -iter 200000 -pass "$key_source" -out "$work/$name.dump.enc"

printf '%s\n' "$count_rows_sql" "SELECT 'end-of-counts';" >&"${SNAPSHOT[1]}"
complete=false
while read -r -t 600 line <&"${SNAPSHOT[0]}"; do
  if [[ "$line" == "end-of-counts" ]]; then complete=true; break; fi
  printf '%s\n' "$line"
done >"$work/$name.counts"
printf '%s\n' "COMMIT;" '\q' >&"${SNAPSHOT[1]}"
wait "$session_pid" || die "the snapshot session on $database failed"
[[ "$complete" == true ]] || die "could not count the rows of $database"

(cd "$work" && sha256sum "$name.dump.enc" "$name.counts" >"$name.sha256")
mv "$work/$name.dump.enc" "$work/$name.counts" "$work/$name.sha256" "$backup_dir/"
log "wrote $backup_dir/$name.dump.enc ($(wc -c <"$backup_dir/$name.dump.enc") bytes)"

if [[ -n "${BACKUP_S3_BUCKET:-}" ]]; then
  command -v aws >/dev/null 2>&1 || die "BACKUP_S3_BUCKET is set but the aws CLI is not installed"
  endpoint=()
  [[ -n "${BACKUP_S3_ENDPOINT_URL:-}" ]] && endpoint=(--endpoint-url "$BACKUP_S3_ENDPOINT_URL")
  for suffix in dump.enc counts sha256; do
    aws "${endpoint[@]}" s3 cp --only-show-errors "$backup_dir/$name.$suffix" \
      "s3://$BACKUP_S3_BUCKET/${BACKUP_S3_PREFIX:-backups}/$name.$suffix"
  done
  log "uploaded to s3://$BACKUP_S3_BUCKET/${BACKUP_S3_PREFIX:-backups}/"
fi

# Retention runs only after a good backup, so a job that keeps failing never deletes the last ones.
find "$backup_dir" -maxdepth 1 -type f \( -name '*.dump.enc' -o -name '*.counts' -o -name '*.sha256' \) \
  -mmin +$((retention_days * 24 * 60)) -print -delete | sed 's/^/backup: expired /' >&2
date -u +%Y-%m-%dT%H:%M:%SZ >"$backup_dir/last-success"
