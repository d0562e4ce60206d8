#!/bin/sh
# Benchmark usage-import events against jq -c reading the same usage log (1,000,000 event lines
# in the application usage logger's format), and usage-report sessions over what was stored.
# Builds the release binaries, installs jq and time when missing, and generates the data (about
# 230 MB) under target/bench-events/ once.
# Usage: bench/events.sh [ROUNDS]      (default 3)
set -eu
cd "$(dirname "$0")/.."
if ! command -v jq >/dev/null || [ ! -x /usr/bin/time ]; then
    echo "installing jq and time" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq time >/dev/null
fi
data=target/bench-events
if [ ! -f "$data/usage.log" ]; then
    python3 bench/events_data.py "$data"
fi
cargo build --release --locked --quiet --bin usage-import --bin usage-report
exec python3 bench/events.py target/release "$data" "${1:-3}"
