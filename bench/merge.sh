#!/bin/sh
# Benchmark usage-import --merge: 100 host databases of 30 days of minute samples each merged
# into one central database (in ten runs of ten, to show how the cost grows with the central
# database), then all 100 again (nothing to do), against the sqlite3 shell copying the same
# rows with plain INSERT ... SELECT (no host matching, no id mapping of names, no checks).
# Builds the release binary, installs time and sqlite3 when missing, and generates the host
# databases (about 1.3 GB) under target/bench-merge/ once.
# Usage: bench/merge.sh [HOSTS]      (default 100)
set -eu
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ] || ! command -v sqlite3 >/dev/null; then
    echo "installing time and sqlite3" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time sqlite3 >/dev/null
fi
# The record ends at this minute (2024-05-20 12:00 UTC).
end=1716206400
hosts=${1:-100}
data=target/bench-merge
cargo build --release --locked --quiet --bin usage-import
last=$(printf 'host%03d.db' "$hosts")
if [ ! -f "$data/$last" ]; then
    python3 bench/merge_data.py target/release "$data" "$end" "$hosts"
fi
exec python3 bench/merge.py target/release "$data" "$end" "$hosts"
