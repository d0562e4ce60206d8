#!/bin/sh
# Benchmark usage-report against its peers (see bench/report.py): billing-cycle totals over
# 2,000,000 ledger rows against the sqlite3 shell and pandas, the system view's last 24 hours in
# a week-long and a year-long database, and a 10,000-point PNG against gnuplot and matplotlib.
# Builds the release binaries, installs sqlite3, time and gnuplot when missing, pandas and
# matplotlib into target/bench-venv when pip can reach PyPI, and generates the databases (about
# 700 MB) under target/bench-report/ once.
# Usage: bench/report.sh [ROUNDS]      (default 3)
#        EARLIER=/path/to/older/usage-report bench/report.sh   also times that binary's HTML report
set -eu
cd "$(dirname "$0")/.."
if ! command -v sqlite3 >/dev/null || [ ! -x /usr/bin/time ] || ! command -v gnuplot >/dev/null; then
    echo "installing sqlite3, time and gnuplot" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 time gnuplot-nox >/dev/null
fi
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pandas, matplotlib" 2>/dev/null; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q pandas matplotlib || echo "pandas and matplotlib could not be installed" >&2
fi
# The samples end at this minute (2024-05-20 12:00 UTC); the clock is pinned to it.
end=1716206400
data=target/bench-report
cargo build --release --locked --quiet --bin usage-report --bin usage-import
if [ ! -f "$data/report.db" ]; then
    python3 bench/report_data.py target/release "$data" "$end"
fi
exec python3 bench/report.py target/release "$data" "$end" "${1:-3}" "$venv/bin/python"
