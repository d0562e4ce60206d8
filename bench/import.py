"""Times usage-import against the sqlite3 shell's .import in one run; see bench/import.sh.

Each round imports, alternating: the long file into a fresh database with sqlite3 (a table with
a UNIQUE(date, location) index) and with usage-import, then usage-import's re-import of the long
file with every value changed, then the wide file fresh and changed. Medians over the rounds.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

SQLITE_SCRIPT = """CREATE TABLE usage(date TEXT, location TEXT, usage REAL, UNIQUE(date, location));
.import --csv --skip 1 {file} usage
"""


def timed(argv, stdin=None):
    """Wall seconds and peak RSS (KiB) of one run."""
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdin=stdin,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {out.stderr}")
    return wall, int(out.stderr.strip().splitlines()[-1])


def fresh(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def main():
    binary, data, rounds = os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    f = {name: os.path.join(data, f"{name}.csv") for name in ("long", "long2", "wide", "wide2")}
    for path in f.values():  # into the page cache
        with open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "import.sql")
        with open(script, "w") as fh:
            fh.write(SQLITE_SCRIPT.format(file=f["long"]))
        peer_db, long_db, wide_db = (os.path.join(tmp, n) for n in ("peer.db", "long.db", "wide.db"))
        for _ in range(rounds):
            fresh(peer_db)
            with open(script) as fh:
                runs = [("sqlite3 .import, long", timed(["sqlite3", peer_db], stdin=fh))]
            fresh(long_db)
            runs.append(("usage-import, long", timed([binary, "--db", long_db, "-q", f["long"]])))
            runs.append(("usage-import, long re-import", timed([binary, "--db", long_db, "-q", f["long2"]])))
            fresh(wide_db)
            runs.append(("usage-import, wide", timed([binary, "--db", wide_db, "-q", f["wide"]])))
            runs.append(("usage-import, wide re-import", timed([binary, "--db", wide_db, "-q", f["wide2"]])))
            for name, r in runs:
                results.setdefault(name, []).append(r)
    med = {n: (statistics.median(w for w, _ in r), statistics.median(m for _, m in r))
           for n, r in results.items()}
    long_rows, wide_values = 2_000_000, 3_650 * 200
    peer = med["sqlite3 .import, long"][0]
    print(f"{rounds} alternating rounds, medians; long: {long_rows:,} rows, wide: 3,650 x 200")
    print(f"{'command':30} {'wall s':>7} {'x sqlite3':>9} {'rate':>16} {'peak RSS KiB':>13}")
    for name, (wall, rss) in med.items():
        per = wide_values if "wide" in name else long_rows
        unit = "values/s" if "wide" in name else "rows/s"
        ratio = f"{wall / peer:9.2f}" if "long" in name else f"{'':9}"
        print(f"{name:30} {wall:7.2f} {ratio} {per / wall:>9,.0f} {unit:6} {rss:13,}")
    print("targets: long wall <= 1.0x sqlite3 .import, wide >= 400,000 values/s, "
          "peak RSS < 30 MiB (30,720 KiB)")


if __name__ == "__main__":
    main()
