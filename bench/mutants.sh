#!/bin/sh
# Mutation testing of the core files: cargo-mutants changes the code one operator or function
# body at a time, and a mutant that no test catches is behaviour no test pins. Each mutant is
# first tried against the unit tests (seconds each); those they miss are tried again against
# the integration tests of the tools each file feeds (collect/: sample, sysstat and logins;
# sample/: those and probes; import/parse.rs: import; ledger.rs: import, report, alert; alert/: alert;
# backup/: backup; metric.rs: alert, report, probes, logins and the generated man pages).
# Prints caught / missed / unviable / timeout per file, the share caught of the viable mutants,
# and every mutant missed, with its diff under target/mutants/all/N/mutants.out/diff/.
# Not in CI: the core files give some 800 mutants, a few hours on 2 cores. Run it before
# resolving an issue that changes these files; `--in-diff FILE` (a `git diff` of the change)
# keeps to the mutants on changed lines.
# Usage: bench/mutants.sh [--retry] [--in-diff DIFF] [FILE...]  (default: the core files below)
#   --retry keeps the unit run of an earlier call and runs the integration tests again on what
#   it missed (after adding tests).
set -eu
cd "$(dirname "$0")/.."
if ! cargo mutants --version >/dev/null 2>&1; then
    echo "bench/mutants.sh: cargo-mutants is not installed (cargo install --locked cargo-mutants)" >&2
    exit 2
fi
retry=""
if [ "${1:-}" = "--retry" ]; then
    retry=1
    shift
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
# Fewer proptest cases: each mutant runs the whole unit suite, and a broken rule fails fast.
export PROPTEST_CASES=32
if [ -z "$retry" ]; then
    rm -rf "$out"
    mkdir -p "$out/unit"
    # shellcheck disable=SC2086 # $files and $diff are lists of options
    # --cargo-arg reaches the build as well as the test run: only the targets run are built.
    cargo mutants --no-shuffle --jobs "${MUTANTS_JOBS:-2}" --output "$out/unit" $diff $files \
        --cargo-arg=--lib >"$out/unit.log" 2>&1 || true
fi
rm -rf "$out/all" "$out/all.log"
# Then each file's survivors against the integration tests of the tools it feeds (a file not
# named here gets them all): one run per file, each starting from the unit run's outcomes, so
# only what the unit tests missed is tried again.
tests_of() {
    case "$1" in
        src/collect/*) echo "sample sysstat logins" ;;
        src/sample/*) echo "sample sysstat probes logins" ;;
        src/import/*) echo "import" ;;
        src/ledger.rs) echo "import report alert" ;;
        src/alert/*) echo "alert" ;;
        src/backup/*) echo "backup" ;;
        src/metric.rs) echo "alert report probes logins generated" ;;
        *) echo "sample import alert backup sysstat report probes logins generated" ;;
    esac
}
runs=""
i=0
for f in "$@"; do
    i=$((i + 1))
    dir="$out/all/$i"
    mkdir -p "$dir"
    cp -r "$out/unit/mutants.out" "$dir/"
    args="--cargo-arg=--lib --cargo-arg=--bins"
    for t in $(tests_of "$f"); do args="$args --cargo-arg=--test=$t"; done
    echo "$f: $(tests_of "$f")" >>"$out/all.log"
    # shellcheck disable=SC2086 # $diff and $args are lists of options
    cargo mutants --no-shuffle --iterate --jobs 1 --output "$dir" $diff "--file=$f" $args \
        >>"$out/all.log" 2>&1 || true
    runs="$runs $dir/mutants.out"
done
# shellcheck disable=SC2086
cargo mutants --list --json $diff $files >"$out/list.json"
# shellcheck disable=SC2086 # $runs is a list of directories
exec python3 bench/mutants.py "$out/list.json" "$out/unit/mutants.out" $runs
