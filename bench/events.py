"""Times usage-import events against jq -c in one run; see bench/events.sh.

Each round, alternating: jq -c over the events as bare JSON lines (usage.jsonl: jq cannot skip
a logging prefix without its regex engine, which is ten times slower), usage-import events of
the same file into a fresh database, of the logger's own file (usage.log, with the prefix) into
another, the latter again (everything already stored), then usage-report sessions, --daily and
activity over the whole record. Medians over the rounds.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed(argv, env=None):
    """Wall seconds and peak RSS (KiB) of one run."""
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {out.stderr}")
    return wall, int(out.stderr.strip().splitlines()[-1])


def fresh(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def main():
    bins, data, rounds = os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    log, bare = os.path.join(data, "usage.log"), os.path.join(data, "usage.jsonl")
    for path in (log, bare):
        with open(path, "rb") as fh:  # into the page cache
            while fh.read(1 << 20):
                pass
    lines = sum(1 for _ in open(log, "rb"))
    imp, rep = os.path.join(bins, "usage-import"), os.path.join(bins, "usage-report")
    env = dict(os.environ, TZ="UTC", USAGE_NOW="1798761600")  # 2027-01-01
    env.pop("USAGE_DB", None)
    env.pop("USAGE_CONFIG", None)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        db, bare_db = os.path.join(tmp, "events.db"), os.path.join(tmp, "bare.db")
        for _ in range(rounds):
            runs = [("jq -c", timed(["jq", "-c", ".", bare]))]
            fresh(bare_db)
            runs.append(("usage-import events, bare", timed([imp, "--db", bare_db, "events", "--app", "vsat", "-q", bare], env)))
            fresh(db)
            runs.append(("usage-import events", timed([imp, "--db", db, "events", "--app", "vsat", "-q", log], env)))
            runs.append(("usage-import events again", timed([imp, "--db", db, "events", "--app", "vsat", "-q", log], env)))
            for view in (["sessions"], ["sessions", "--daily"], ["activity"]):
                runs.append((f"usage-report {' '.join(view)}",
                             timed([rep, "--db", db, *view, "--since", "2024-01-01", "-f", "csv"], env)))
            for name, r in runs:
                results.setdefault(name, []).append(r)
        size = os.path.getsize(db)
    med = {n: (statistics.median(w for w, _ in r), statistics.median(m for _, m in r))
           for n, r in results.items()}
    peer = med["jq -c"][0]
    print(f"{rounds} alternating rounds, medians; {lines:,} event lines, "
          f"{os.path.getsize(log) / 1e6:.0f} MB; database {size / 1e6:.0f} MB ({size / lines:.0f} B/event)")
    print(f"{'command':30} {'wall s':>7} {'x jq':>6} {'lines/s':>11} {'peak RSS KiB':>13}")
    for name, (wall, rss) in med.items():
        rate = f"{lines / wall:11,.0f}" if "import" in name or name == "jq -c" else f"{'':11}"
        print(f"{name:30} {wall:7.2f} {wall / peer:6.2f} {rate} {rss:13,}")
    print("targets: usage-import events wall <= 2.0x jq -c; usage-report sessions < 1 s")


if __name__ == "__main__":
    main()
