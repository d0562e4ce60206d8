#!/bin/sh
# Benchmark usage-alert (see bench/alert.py): one cron run of 50 rules over a year of minute
# samples, against the issue's targets (50 ms, 20 MiB). Builds the release binaries and generates
# the database (about 350 MB) under target/bench-alert/ once.
# Usage: bench/alert.sh [ROUNDS]      (default 11)
set -eu
cd "$(dirname "$0")/.."
# The samples end at this minute (2024-05-20 12:00 UTC); the clock is pinned to it.
end=1716206400
if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
cargo build --release --locked --quiet --bin usage-alert --bin usage-import
exec python3 bench/alert.py target/release target/bench-alert "$end" "${1:-11}"
