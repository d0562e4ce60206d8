#!/bin/sh
# Benchmark usage-import against the sqlite3 shell's .import: a long CSV of 2,000,000 rows and a
# wide CSV of 3,650 dates x 200 locations, each imported fresh and re-imported with every value
# changed. Builds the release binary, installs sqlite3 and time when missing, and generates the
# data (about 120 MB) under target/bench-import/ once.
# Usage: bench/import.sh [ROUNDS]      (default 3)
set -eu
cd "$(dirname "$0")/.."
if ! command -v sqlite3 >/dev/null || [ ! -x /usr/bin/time ]; then
    echo "installing sqlite3 and time" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 time >/dev/null
fi
data=target/bench-import
if [ ! -f "$data/wide2.csv" ]; then
    python3 bench/import_data.py "$data"
fi
cargo build --release --locked --quiet --bin usage-import
exec python3 bench/import.py target/release/usage-import "$data" "${1:-3}"
