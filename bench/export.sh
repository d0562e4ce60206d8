#!/bin/sh
# Benchmark usage-report's Prometheus export on a host with a year of minute samples, 50
# locations and 20 probes (90 days of results a minute), against node_exporter's own scrape of
# the file it wrote (the textfile collector alone, on a loopback port). Builds the release
# binaries, installs time and prometheus-node-exporter when missing, and generates the
# database (about 600 MB) under target/bench-export/ once.
# Usage: bench/export.sh [ROUNDS]      (default 20)
set -eu
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ] || ! command -v prometheus-node-exporter >/dev/null; then
    echo "installing time and prometheus-node-exporter" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time prometheus-node-exporter >/dev/null
fi
# The record ends at this minute (2024-05-20 12:00 UTC); the clock is pinned to it.
end=1716206400
data=target/bench-export
cargo build --release --locked --quiet --bin usage-report --bin usage-import
if [ ! -f "$data/export.db" ]; then
    python3 bench/export_data.py target/release "$data" "$end"
fi
exec python3 bench/export.py target/release "$data" "$end" "${1:-20}"
