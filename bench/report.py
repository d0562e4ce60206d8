"""Times usage-report against its peers in one run, alternating; see bench/report.sh.

1. Billing-cycle totals per location with billing day 13 over 2,000,000 ledger rows (200
   locations x 10,000 days, and 10,000 locations x 200 days): usage-report cycles --format csv
   against the sqlite3 shell running the equivalent SQL, and pandas read_sql + groupby.
2. The system view over the last 24 hours of a database holding one week and one year of minute
   samples: the cost must not grow with the database.
3. A PNG line chart of 10,000 points: usage-report daily against gnuplot (pngcairo) and
   matplotlib (Agg), 1200x600 each.
4. The HTML and the PDF report of a year of minute samples and 200 locations x 3 years of
   ledger: wall time and peak RSS (the earlier HTML figure, when bench/report.sh is given an
   earlier binary as EARLIER, is measured in the same rounds).
Medians of wall time and peak RSS over the rounds.
"""
import os
import statistics
import subprocess
import sys
import time

CYCLES_SQL = """.mode csv
.output /dev/null
SELECT l.name AS location,
       strftime('%Y-%m', printf('%04d-%02d-%02d', d.date / 10000, d.date / 100 % 100, d.date % 100), '-12 days') AS cycle,
       sum(d.bytes) / 1e9 AS usage_gb
FROM daily_usage d JOIN locations l ON l.id = d.location_id
GROUP BY l.name, cycle ORDER BY l.name, cycle;
"""

PANDAS = """import os, sqlite3, sys
import pandas as pd
con = sqlite3.connect(sys.argv[1])
df = pd.read_sql("SELECT l.name AS location, d.date, d.bytes FROM daily_usage d "
                 "JOIN locations l ON l.id = d.location_id", con)
day = pd.to_datetime(df["date"].astype(str), format="%Y%m%d") - pd.Timedelta(days=12)
df["cycle"] = day.dt.to_period("M")
out = df.groupby(["location", "cycle"])["bytes"].sum() / 1e9
out.to_csv(os.devnull)
"""

GNUPLOT = """set terminal pngcairo size 1200,600
set output '{out}'
set datafile separator ','
set xdata time
set timefmt '%Y-%m-%d'
set format x '%Y-%m-%d'
set title 'Daily usage per location'
set ylabel 'GB per day'
plot '{data}' using 1:2 with lines title 'loc1'
"""

MATPLOTLIB = """import sys, datetime
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
x, y = [], []
with open(sys.argv[1]) as fh:
    for line in fh:
        d, v = line.split(",")
        x.append(datetime.date.fromisoformat(d)); y.append(float(v))
fig = plt.figure(figsize=(12, 6), dpi=100)
plt.plot(x, y, label="loc1")
plt.title("Daily usage per location"); plt.ylabel("GB per day"); plt.legend()
fig.savefig(sys.argv[2])
"""


def timed(argv, stdin=None, env=None):
    """Wall seconds and peak RSS (KiB) of one run."""
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdin=stdin, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {out.stderr}")
    return wall, int(out.stderr.strip().splitlines()[-1])


def warm(path):
    with open(path, "rb") as fh:
        while fh.read(1 << 20):
            pass


def main():
    bin_dir, data, end, rounds, python = sys.argv[1:6]
    rounds = int(rounds)
    report = os.path.abspath(os.path.join(bin_dir, "usage-report"))
    env = dict(os.environ, USAGE_NOW=end, TZ="UTC")
    db = {n: os.path.join(data, f"{n}.db")
          for n in ("ledger-a", "ledger-b", "week", "year", "points", "report")}
    earlier = os.environ.get("EARLIER")
    for path in db.values():
        warm(path)
    sql = os.path.join(data, "cycles.sql")
    with open(sql, "w") as fh:
        fh.write(CYCLES_SQL)
    pandas = os.path.join(data, "cycles_pandas.py")
    with open(pandas, "w") as fh:
        fh.write(PANDAS)
    plot = os.path.join(data, "plot.gp")
    with open(plot, "w") as fh:
        fh.write(GNUPLOT.format(out=os.path.join(data, "gnuplot.png"), data=os.path.join(data, "points.csv")))
    mpl = os.path.join(data, "plot_mpl.py")
    with open(mpl, "w") as fh:
        fh.write(MATPLOTLIB)
    have_pandas = python and subprocess.run([python, "-c", "import pandas, matplotlib"],
                                             capture_output=True).returncode == 0
    results = {}
    for _ in range(rounds):
        runs = []
        for name in ("ledger-a", "ledger-b"):
            with open(sql) as fh:
                runs.append((f"cycles {name}: sqlite3", timed(["sqlite3", db[name]], stdin=fh)))
            runs.append((f"cycles {name}: usage-report", timed(
                [report, "--db", db[name], "cycles", "--billing-day", "13", "--format", "csv"], env=env)))
            if have_pandas:
                runs.append((f"cycles {name}: pandas", timed([python, pandas, db[name]])))
        for name in ("week", "year"):
            runs.append((f"system 24h: {name}", timed(
                [report, "--db", db[name], "system", "--since", "24h", "--format", "csv"], env=env)))
        runs.append(("png 10,000 points: gnuplot", timed(["gnuplot", plot])))
        runs.append(("png 10,000 points: usage-report", timed(
            [report, "--db", db["points"], "daily", "--size", "1200x600",
             "-o", os.path.join(data, "usage.png")], env=env)))
        for fmt in ("html", "pdf"):
            runs.append((f"report {fmt}: usage-report", timed(
                [report, "--db", db["report"], "--format", fmt,
                 "-o", os.path.join(data, f"report.{fmt}")], env=env)))
        if earlier:
            runs.append(("report html: earlier", timed(
                [earlier, "--db", db["report"], "--format", "html",
                 "-o", os.path.join(data, "earlier.html")], env=env)))
        if have_pandas:
            runs.append(("png 10,000 points: matplotlib", timed(
                [python, mpl, os.path.join(data, "points.csv"), os.path.join(data, "mpl.png")])))
        for name, r in runs:
            results.setdefault(name, []).append(r)
    med = {n: (statistics.median(w for w, _ in r), statistics.median(m for _, m in r))
           for n, r in results.items()}
    print(f"{rounds} alternating rounds, medians")
    print(f"{'command':36} {'wall s':>7} {'ratio':>22} {'peak RSS KiB':>13}")
    for name, (wall, rss) in med.items():
        ratio = ""
        if name.startswith("cycles") and not name.endswith("sqlite3"):
            peer = med[name.rsplit(":", 1)[0] + ": sqlite3"][0]
            ratio = f"{wall / peer:.3f}x sqlite3"
        elif name == "system 24h: year":
            ratio = f"{wall / med['system 24h: week'][0]:.2f}x week"
        elif name == "png 10,000 points: usage-report":
            ratio = f"{wall / med['png 10,000 points: gnuplot'][0]:.2f}x gnuplot"
            if "png 10,000 points: matplotlib" in med:
                ratio += f", {med['png 10,000 points: matplotlib'][0] / wall:.0f}x faster than mpl"
        elif name.startswith("report") and "report html: earlier" in med:
            ratio = f"{wall / med['report html: earlier'][0]:.2f}x earlier html"
        print(f"{name:36} {wall:7.3f} {ratio:>22} {rss:13,}")
    if not have_pandas:
        print("pandas/matplotlib not available: their rows are left out")
    print("targets: cycles <= 0.25x sqlite3 and <= 50 MiB (51,200 KiB); system 24h year <= 1.5x week;"
          " png <= 1.0x gnuplot and >= 10x faster than matplotlib; report html and pdf under 64 MiB")


if __name__ == "__main__":
    main()
