"""Runs usage-backup and its peers alternately and prints medians and ratios.

Called by bench/backup.sh: backup.py USAGE_BACKUP DB RUNS
"""

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

exe, db, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
work = os.path.join(os.path.dirname(db), "runs")


def timed(argv):
    """Wall seconds and peak RSS (KiB, largest process of the tree) of one command. The RSS comes
    from GNU time: wait4 on a child of this process would also count the Python pages the child
    was forked from."""
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{argv} failed with status {out.returncode}: {out.stderr}")
    return wall, int(out.stderr.strip().splitlines()[-1])


def fresh():
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)


tables = [r[0] for r in sqlite3.connect(db).execute(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'")]
counts = "; ".join(f'SELECT count(*) FROM "{t}"' for t in tables)
peer_create = f"sqlite3 '{db}' '.backup {work}/p.db' && gzip -6 {work}/p.db"
peer_verify = (f"sha256sum {work}/p.db.gz >/dev/null && gunzip -c {work}/p.db.gz > {work}/t.db && "
               f"sqlite3 {work}/t.db 'PRAGMA integrity_check; PRAGMA foreign_key_check; {counts}' >/dev/null"
               f" && rm {work}/t.db")

res = {k: [] for k in ("ours", "peer", "ours_v", "peer_v")}
sizes = {}
for i in range(runs):
    fresh()
    res["ours"].append(timed([exe, "--db", db, "--dir", work, "create"]))
    ours_file = [f for f in os.listdir(work) if f.endswith(".db.gz")][0]
    sizes["ours"] = os.path.getsize(os.path.join(work, ours_file))
    res["ours_v"].append(timed([exe, "--db", db, "--dir", work, "verify"]))
    res["peer"].append(timed(["sh", "-c", peer_create]))
    sizes["peer"] = os.path.getsize(f"{work}/p.db.gz")
    res["peer_v"].append(timed(["sh", "-c", peer_verify]))
    print(f"run {i + 1}: create {res['ours'][-1][0]:.2f}s vs {res['peer'][-1][0]:.2f}s, "
          f"verify {res['ours_v'][-1][0]:.2f}s vs {res['peer_v'][-1][0]:.2f}s", flush=True)
shutil.rmtree(work, ignore_errors=True)


def med(key, i):
    return statistics.median(r[i] for r in res[key])


size = os.path.getsize(db)
print(f"\ndatabase: {size / 1e6:.0f} MB, {runs} runs each, medians")
print(f"create: usage-backup {med('ours', 0):.2f}s, {med('ours', 1) / 1024:.1f} MiB peak RSS; "
      f"sqlite3 .backup + gzip -6 {med('peer', 0):.2f}s ({size / 1e6 / med('peer', 0):.1f} MB/s); "
      f"ratio {med('ours', 0) / med('peer', 0):.2f}x (target <= 0.5x, RSS <= 64 MiB)")
print(f"output: usage-backup {sizes['ours'] / 1e6:.1f} MB, gzip -6 {sizes['peer'] / 1e6:.1f} MB; "
      f"ratio {sizes['ours'] / sizes['peer']:.3f} (target <= 1)")
print(f"verify: usage-backup {med('ours_v', 0):.2f}s, {med('ours_v', 1) / 1024:.1f} MiB; "
      f"sha256sum + gunzip + sqlite3 checks {med('peer_v', 0):.2f}s; "
      f"ratio {med('ours_v', 0) / med('peer_v', 0):.2f}x (target <= 0.5x)")
