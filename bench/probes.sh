#!/bin/sh
# Benchmark usage-sample's service probes: 20 HTTP probes of which 5 hang against the run's
# budget; the cost of 20 healthy probes on a sample (wall, CPU, RSS) against the sample
# without them; and Debian's prometheus-blackbox-exporter probing the same 20 loopback
# targets once each, measured in the same run. Builds the release binary (as `cargo install`
# does) and installs prometheus-blackbox-exporter and GNU time when missing.
# Usage: bench/probes.sh [RUNS]      (default 21 runs of each variant, alternating)
set -eu
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/prometheus-blackbox-exporter ] || [ ! -x /usr/bin/time ]; then
    echo "installing prometheus-blackbox-exporter and time" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        prometheus-blackbox-exporter time >/dev/null
fi
cargo build --release --locked --quiet --bin usage-sample
exec python3 bench/probes.py target/release/usage-sample "${1:-21}"
