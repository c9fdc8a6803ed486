#!/usr/bin/env bash
# Restores a backup written by scripts/backup.sh, then checks every table's row count (docs/backups.md).
#
#   scripts/restore.sh --verify ARCHIVE.dump.enc   restore into a scratch database on the server of
#                                                  DATABASE_URL, compare row counts, drop it (the drill)
#   RESTORE_DATABASE_URL=postgresql://... scripts/restore.sh ARCHIVE.dump.enc
#                                                  restore into that database, replacing what it holds
#
# The key comes from BACKUP_ENCRYPTION_KEY or BACKUP_ENCRYPTION_KEY_FILE, as for backup.sh. The
# checksum is checked and the archive fully decrypted and read before the target is touched, and the
# restore is one transaction: a corrupted archive or a wrong key fails and leaves the target as it was.
set -Eeuo pipefail
umask 077

die() { printf 'restore: error: %s\n' "$*" >&2; exit 1; }
log() { printf 'restore: %s\n' "$*" >&2; }

verify=false
if [[ "${1:-}" == "--verify" ]]; then verify=true; shift; fi
[[ $# -eq 1 ]] || die "usage: restore.sh [--verify] ARCHIVE.dump.enc"
archive="$1"
[[ "$archive" == *.dump.enc && -f "$archive" ]] || die "$archive is not a backup archive (NAME.dump.enc)"

for tool in pg_restore psql openssl sha256sum; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "$tool not found on PATH: install the PostgreSQL client tools (Debian: postgresql-client) and openssl"
done

if [[ -n "${BACKUP_ENCRYPTION_KEY_FILE:-}" ]]; then
  [[ -r "$BACKUP_ENCRYPTION_KEY_FILE" ]] || die "BACKUP_ENCRYPTION_KEY_FILE ($BACKUP_ENCRYPTION_KEY_FILE) is not readable"
  key_source="file:$BACKUP_ENCRYPTION_KEY_FILE"
elif [[ -n "${BACKUP_ENCRYPTION_KEY:-}" ]]; then
  key_source="env:BACKUP_ENCRYPTION_KEY"
else
  die "set BACKUP_ENCRYPTION_KEY or BACKUP_ENCRYPTION_KEY_FILE to the key the backup was written with"
fi

libpq_url() {
  local url="${1/postgresql+asyncpg:\/\//postgresql://}"
  printf '%s' "${url/\?ssl=/?sslmode=}"
}

# Same query as backup.sh: "schema.table|rows" for every table, sorted.
count_rows_sql="SELECT format('%I.%I', n.nspname, c.relname) || '|' || (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%' ORDER BY 1;"
sql() { psql --no-psqlrc --quiet --no-align --tuples-only --set ON_ERROR_STOP=1 --dbname="$1" --command="$2"; }

# 1. Integrity: the checksum covers the encrypted archive and the row counts.
directory="$(cd "$(dirname "$archive")" && pwd)"
name="$(basename "$archive" .dump.enc)"
[[ -f "$directory/$name.sha256" && -f "$directory/$name.counts" ]] ||
  die "$name.sha256 or $name.counts is missing next to the archive"
(cd "$directory" && sha256sum --check --quiet --strict "$name.sha256") ||
  die "checksum mismatch: $archive is corrupted or incomplete; nothing was restored"

# 2. Decrypt completely and read the archive's table of contents before touching any database.
work="$(mktemp -d)"
scratch_database=""
server_url=""
cleanup() {
  rm -rf "$work"
  if [[ -n "$scratch_database" ]]; then
    sql "$server_url" "DROP DATABASE IF EXISTS \"$scratch_database\" WITH (FORCE)" >/dev/null || true
  fi
}
trap cleanup EXIT
openssl enc -d -aes-256-cbc -pbkdf2 -iter 200000 -pass "$key_source" -in "$archive" -out "$work/database.dump" 2>"$work/openssl.log" ||
  die "cannot decrypt $archive (wrong key?): $(tr '\n' ' ' <"$work/openssl.log")"
pg_restore --list "$work/database.dump" >/dev/null 2>&1 ||
  die "$archive does not decrypt to a pg_dump archive (wrong key?); nothing was restored"

# 3. The target: a fresh scratch database for --verify, otherwise RESTORE_DATABASE_URL.
if [[ "$verify" == true ]]; then
  : "${DATABASE_URL:?set DATABASE_URL to a database on the server to verify on (its user needs CREATEDB)}"
  base="$(libpq_url "$DATABASE_URL")"
  query=""
  [[ "$base" == *\?* ]] && query="?${base#*\?}"
  base="${base%%\?*}"
  server_url="${base%/*}/postgres$query"
  scratch_database="restore_verify_$(date -u +%Y%m%d%H%M%S)_$$"
  sql "$server_url" "CREATE DATABASE \"$scratch_database\"" >/dev/null
  log "verifying in the scratch database $scratch_database (dropped afterwards)"
  target="${base%/*}/$scratch_database$query"
  clean=()
else
  : "${RESTORE_DATABASE_URL:?set RESTORE_DATABASE_URL to the database to restore into (its contents are replaced)}"
  target="$(libpq_url "$RESTORE_DATABASE_URL")"
  clean=(--clean --if-exists)
fi

# 4. One transaction: any error rolls the whole restore back.
log "restoring $name"
pg_restore --single-transaction --exit-on-error --no-owner --no-privileges "${clean[@]}" \
  --dbname="$target" "$work/database.dump"

# 5. Every table of the backup holds the rows it held when the backup was taken (tables the target
# has besides, when restoring into a used database, are left alone and not compared).
# Sorted bytewise on both sides: the target's collation may order names differently.
LC_ALL=C sort "$directory/$name.counts" >"$work/expected.counts"
sql "$target" "$count_rows_sql" | LC_ALL=C sort >"$work/restored.counts"
LC_ALL=C comm -23 "$work/expected.counts" "$work/restored.counts" >"$work/missing.counts"
if [[ -s "$work/missing.counts" ]]; then
  sed 's/^/restore: expected, not found: /' "$work/missing.counts" >&2
  die "row counts after the restore differ from the backup's (listed above)"
fi
log "verified: $(wc -l <"$work/expected.counts") tables, row counts match the backup"
