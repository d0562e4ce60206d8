"""Per-file counts of cargo-mutants runs: each mutant's best outcome over the runs given (a
later run, with more tests, retries what an earlier one missed; caught anywhere is caught, as a
run that tested nothing keeps the outcomes it was copied from), caught / missed / unviable /
timeout per file, the share caught of the viable mutants, and the mutants missed.

Usage: python3 bench/mutants.py LIST.json MUTANTS_OUT [MUTANTS_OUT...]
    LIST.json: `cargo mutants --list --json` of the same files; the runs earliest first (a later
    one may be a run with --iterate over the earlier ones)
"""

import collections
import json
import os
import sys

KINDS = {
    "CaughtMutant": "caught",
    "MissedMutant": "missed",
    "Unviable": "unviable",
    "Timeout": "timeout",
}

# Which outcome stands when runs disagree: more tests only ever catch more.
RANK = {"missed": 0, "unviable": 1, "timeout": 2, "caught": 3}


def outcomes(directory):
    path = os.path.join(directory, "outcomes.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    found = {}
    for o in data["outcomes"]:
        scenario = o["scenario"]
        if not isinstance(scenario, dict) or "Mutant" not in scenario:
            continue  # the unmutated baseline
        mutant = scenario["Mutant"]
        kind = KINDS.get(o["summary"])
        if kind:
            found[mutant["name"]] = (mutant["file"], kind)
    return found


def main(listing, directories):
    # The mutants of the tree as it is now (cargo mutants --list --json): a mutant of an
    # earlier run on a line that has moved since is gone.
    with open(listing, encoding="utf-8") as f:
        current = {m["name"]: m["file"] for m in json.load(f)}
    last = {}
    for directory in directories:
        for name, (file, kind) in outcomes(directory).items():
            if name not in last or RANK[kind] > RANK[last[name][1]]:
                last[name] = (file, kind)
    untried = sorted(name for name in current if name not in last)
    last = {name: found for name, found in last.items() if name in current}
    per_file = collections.defaultdict(collections.Counter)
    for file, kind in last.values():
        per_file[file][kind] += 1
    columns = ["caught", "missed", "unviable", "timeout"]
    width = max(len(f) for f in per_file)
    print(f"{'file':<{width}}  " + "  ".join(f"{c:>8}" for c in columns) + "  caught of viable")
    total = collections.Counter()
    for file in sorted(per_file):
        counts = per_file[file]
        total.update(counts)
        print(f"{file:<{width}}  " + "  ".join(f"{counts[c]:>8}" for c in columns)
              + f"  {share(counts)}")
    print(f"{'all':<{width}}  " + "  ".join(f"{total[c]:>8}" for c in columns) + f"  {share(total)}")
    if untried:
        print(f"\n{len(untried)} mutants not tried (the run was stopped?): see the list.")
    for kind in ("missed", "timeout"):
        names = sorted(name for name, (_, k) in last.items() if k == kind)
        if names:
            print(f"\n{kind}:")
            for name in names:
                print("  " + name)


def share(counts):
    # A timeout is a mutant the tests stopped (an endless loop): counted as caught.
    viable = counts["caught"] + counts["missed"] + counts["timeout"]
    if viable == 0:
        return "-"
    return f"{100.0 * (counts['caught'] + counts['timeout']) / viable:.1f} %"


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
