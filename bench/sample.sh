#!/bin/sh
# Benchmark usage-sample against sysstat's sadc: wall time, peak RSS, process-scan cost and
# stored bytes per value. Builds release binaries (as `cargo install` builds them, and statically
# linked as the README recommends for the every-minute sampler) and installs sysstat when missing.
# Also times the sampler on a database already holding 90 days of minute samples.
# Usage: bench/sample.sh [RUNS]      (default 41 runs of each command, alternating)
set -eu
cd "$(dirname "$0")/.."
if [ ! -x /usr/lib/sysstat/sadc ] || [ ! -x /usr/bin/time ]; then
    echo "installing sysstat (sadc, sadf) and time" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sysstat time >/dev/null
fi
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --locked --quiet --bin usage-sample --bin usage-import
RUSTFLAGS="-C target-feature=+crt-static" \
    cargo build --release --locked --quiet --bin usage-sample --target "$host"
exec python3 bench/sample.py target/release/usage-sample "${1:-41}" \
    "target/$host/release/usage-sample"
