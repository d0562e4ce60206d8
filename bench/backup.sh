#!/bin/sh
# Benchmark usage-backup against the sqlite3 shell and gzip: create (online copy + compression)
# against `sqlite3 DB '.backup F' && gzip -6 F`, and verify against
# `sha256sum F; gunzip -c F > T; sqlite3 T 'integrity_check; foreign_key_check; count(*) ...'`.
# Builds release binaries, installs sqlite3 and time if missing, generates a ~500 MB database.
# Usage: bench/backup.sh [RUNS]      (default 5 runs of each command, alternating)
set -eu
cd "$(dirname "$0")/.."
if ! command -v sqlite3 >/dev/null || [ ! -x /usr/bin/time ]; then
    echo "installing sqlite3 and time" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 time gzip >/dev/null
fi
cargo build --release --locked --quiet --bin usage-backup --bin usage-import
mkdir -p target/bench-backup
db=target/bench-backup/big.db
[ -f "$db" ] || bench/backup_data.sh "$db"
exec python3 bench/backup.py target/release/usage-backup "$db" "${1:-5}"
