"""Times usage-alert: one cron run evaluating 50 rules over a year of minute samples; see
bench/alert.sh.

The database holds one year of minute samples (2 mounts, 2 interfaces, 2 users; generated as
bench/report_data.py does) and 5 locations with quotas and a billing cycle of ledger days. The
50 rules cover every metric, with and without labels, durations from 0 to 10 minutes, some of
them firing. Two runs are timed, each on a fresh copy of a prepared database:

  cron run   the steady state: the previous run was 5 minutes ago, so each rule replays the 5
             newest samples (cursors moved back 300 s), with state and history in place;
  first run  no state at all: each rule looks back over its own `for` duration;
  day behind the previous run was a day ago (cron or the machine was down): each rule replays
             1,440 samples, the most a run catches up.

Medians of wall time (including /usr/bin/time's own start) and peak RSS over the rounds; targets 50 ms and 20 MiB.
Usage: alert.py BIN_DIR DATA_DIR END_TS ROUNDS
"""
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import report_data  # noqa: E402

METRICS = [
    'cpu_percent > {t} for {d}',
    'cpu_iowait_percent > {t}',
    'memory_percent > {t} for {d}',
    'swap_percent > {t}',
    'load1 > {l}',
    'load5 > {l} for {d}',
    'temperature > {t}',
    'disk_used_percent > {t}',
    'disk_used_percent{{mount="/home"}} > {t} for {d}',
    'disk_free_percent < {f}',
    'net_rx_rate > {r}M for {d}',
    'net_tx_rate{{interface="eth0"}} > {r}k',
    'user_cpu_percent > {t}',
    'user_memory_percent{{user="alice"}} > {f}',
    'sample_age > 5m',
    'quota_used_percent > {t}',
    'quota_forecast_percent > 100',
]


def config(path, log):
    lines = ['host = "bench"\n[ledger]\nbilling_day = 13\n']
    for i in range(50):
        when = METRICS[i % len(METRICS)].format(
            t=40 + i, d=f"{i % 11}m", l=1 + (i % 4) * 0.2, f=20 + i % 30, r=1 + i % 3)
        lines.append(f"[[alert.rule]]\nname = \"r{i:02d}\"\nwhen = '{when}'\n")
        if i % 5 == 0:
            lines.append('escalate_after = "30m"\n')
        lines.append("\n")
    lines.append(f'[alert.channel.file]\ntype = "log"\npath = "{log}"\n')
    with open(path, "w") as fh:
        fh.write("".join(lines))


def prepare(bin_dir, data, end):
    year = os.path.join(data, "year.db")
    if not os.path.exists(year):
        report_data.samples(bin_dir, year, end, 365 * 1440)
        con = sqlite3.connect(year)
        con.execute("""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
            INSERT INTO locations(id, name, display_name, quota, created)
            SELECT i, 'site' || i, 'Site ' || i, 100000000000, 0 FROM n""")
        con.execute("""WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 400)
            INSERT INTO daily_usage(date, location_id, bytes, updated)
            SELECT CAST(strftime('%Y%m%d', date('2024-05-20', '-' || k || ' days')) AS INTEGER), l.id,
                   (l.id * 700 + k % 13 * 100) * 1000000, 0
            FROM d, locations l""")
        con.commit()
        con.close()
    return year


def run(bin_dir, db, cfg, now):
    env = dict(os.environ, USAGE_DB=db, USAGE_CONFIG=cfg, USAGE_NOW=str(now), TZ="UTC")
    # Peak RSS from /usr/bin/time: wait4 on a child of this process would also count the
    # Python parent's pages the child started from.
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", os.path.join(bin_dir, "usage-alert")], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if out.returncode not in (0, 1):
        sys.exit(f"usage-alert exited {out.returncode}: {out.stderr}")
    return wall, int(out.stderr.strip().splitlines()[-1]) / 1024


def main():
    bin_dir, data, end, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(data, exist_ok=True)
    year = prepare(bin_dir, data, end)
    work = os.path.join(data, "work")
    os.makedirs(work, exist_ok=True)
    cfg = os.path.join(work, "config.toml")
    log = os.path.join(work, "alerts.jsonl")
    config(cfg, log)
    # The steady state: a first run leaves state, history and cursors; then the cursors go back
    # five minutes, as if the previous run had been at end - 300.
    steady = os.path.join(work, "steady.db")
    shutil.copy(year, steady)
    run(bin_dir, steady, cfg, end - 300)
    con = sqlite3.connect(steady)
    con.execute("UPDATE alert_cursors SET ts = ts - 300, sample_id = (SELECT max(id) FROM samples WHERE ts <= alert_cursors.ts - 300)")
    firing, events = con.execute(
        "SELECT (SELECT count(*) FROM alert_state WHERE state = 'firing'), (SELECT count(*) FROM alert_events)"
    ).fetchone()
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    behind = os.path.join(work, "behind.db")
    shutil.copy(steady, behind)
    con = sqlite3.connect(behind)
    con.execute("UPDATE alert_cursors SET ts = ts - 86100, sample_id = (SELECT max(id) FROM samples WHERE ts <= alert_cursors.ts - 86100)")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    samples = sqlite3.connect(year).execute("SELECT count(*) FROM samples").fetchone()[0]
    print(f"database: {samples} minute samples, {os.path.getsize(year) / 1e6:.0f} MB; 50 rules; "
          f"{firing} alerts firing after the first run, {events} events")
    results = {"cron run": [], "first run": [], "day behind": []}
    db = os.path.join(work, "run.db")
    for _ in range(rounds):
        for name, source in (("cron run", steady), ("first run", year), ("day behind", behind)):
            for suffix in ("-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            shutil.copy(source, db)
            results[name].append(run(bin_dir, db, cfg, end))
    print(f"{'':10} {'wall ms':>8} {'peak RSS MiB':>13}   targets: 50 ms, 20 MiB")
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs) * 1000
        rss = statistics.median(r[1] for r in runs)
        print(f"{name:10} {wall:8.1f} {rss:13.1f}   ({wall / 50:.2f}x and {rss / 20:.2f}x of the targets)")


if __name__ == "__main__":
    main()
