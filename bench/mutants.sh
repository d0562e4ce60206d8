#!/bin/sh
# Mutation testing of the core files: cargo-mutants changes the code one operator or function
# body at a time, and a mutant that no test catches is behaviour no test pins. Each mutant is
# first tried against the unit tests (seconds each); those they miss are tried again against
# the integration tests of the tools the files feed (sample, import, alert, backup, sysstat,
# report, probes, and the generated man pages).
# Prints caught / missed / unviable / timeout per file, the share caught of the viable mutants,
# and every mutant missed, with its diff under target/mutants/all/mutants.out/diff/.
# Not in CI: the core files give some 800 mutants, a few hours on 2 cores. Run it before
# resolving an issue that changes these files; `--in-diff FILE` (a `git diff` of the change)
# keeps to the mutants on changed lines.
# Usage: bench/mutants.sh [--in-diff DIFF] [FILE...]    (default: the core files below)
set -eu
cd "$(dirname "$0")/.."
if ! cargo mutants --version >/dev/null 2>&1; then
    echo "bench/mutants.sh: cargo-mutants is not installed (cargo install --locked cargo-mutants)" >&2
    exit 2
fi
diff=""
if [ "${1:-}" = "--in-diff" ]; then
    [ -f "${2:-}" ] || { echo "bench/mutants.sh: --in-diff needs a diff file, as made by git diff" >&2; exit 2; }
    diff="--in-diff=$(realpath "$2")"
    shift 2
fi
[ $# -gt 0 ] || set -- 'src/collect/*.rs' 'src/sample/*.rs' src/import/parse.rs src/ledger.rs \
    src/alert/machine.rs src/backup/prune.rs src/metric.rs
files=""
for f in "$@"; do files="$files --file=$f"; done
out=target/mutants
rm -rf "$out"
mkdir -p "$out/unit" "$out/all"
# Fewer proptest cases: each mutant runs the whole unit suite, and a broken rule fails fast.
export PROPTEST_CASES=32
# shellcheck disable=SC2086 # $files and $diff are lists of options
# --cargo-arg reaches the build as well as the test run: only the targets run are built.
cargo mutants --no-shuffle --jobs "${MUTANTS_JOBS:-2}" --output "$out/unit" $diff $files \
    --cargo-arg=--lib >"$out/unit.log" 2>&1 || true
cp -r "$out/unit/mutants.out" "$out/all/"
# shellcheck disable=SC2086
cargo mutants --no-shuffle --iterate --jobs 1 --output "$out/all" $diff $files \
    --cargo-arg=--lib --cargo-arg=--bins --cargo-arg=--test=sample --cargo-arg=--test=import \
    --cargo-arg=--test=alert --cargo-arg=--test=backup --cargo-arg=--test=sysstat \
    --cargo-arg=--test=report --cargo-arg=--test=probes --cargo-arg=--test=generated \
    >"$out/all.log" 2>&1 || true
# shellcheck disable=SC2086
cargo mutants --list --json $diff $files >"$out/list.json"
exec python3 bench/mutants.py "$out/list.json" "$out/unit/mutants.out" "$out/all/mutants.out"
