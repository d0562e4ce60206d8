"""Generates the databases bench/report.sh times; see there.

  ledger-a.db   200 locations x 10,000 days (2,000,000 rows, from 1995-01-01)
  ledger-b.db   10,000 locations x 200 days (2,000,000 rows)
  week.db       one week of minute samples (2 mounts, 2 interfaces, 2 users, 2 top processes)
  year.db       one year of the same, ending at the same minute
  points.db     one location x 10,000 days: the chart's data alone, as gnuplot reads it from
  points.csv    the same 10,000 days as CSV, for gnuplot and matplotlib
  report.db     the year of minute samples plus 200 locations x 3 years of ledger ending on the
                same day (quotas on every tenth): what the HTML and PDF reports read

The schema comes from the binary (`usage-import locations add`), the rows from SQL, so the
databases are what the tools write. Usage: report_data.py BIN_DIR DATA_DIR END_TS
"""
import os
import sqlite3
import subprocess
import sys

DAYS_FROM = "1995-01-01"


def create(bin_dir, path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    subprocess.run([os.path.join(bin_dir, "usage-import"), "--db", path, "locations", "add", "seed"],
                   check=True)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("DELETE FROM locations")
    return con


def ledger(bin_dir, path, locations, days, start=DAYS_FROM, con=None):
    own = con is None
    con = con or create(bin_dir, path)
    con.execute(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {locations})
        INSERT INTO locations(id, name, display_name, created) SELECT i, 'loc' || i, 'Location ' || i, 0 FROM n""")
    # Bytes vary by day and location; dates ascend, as exports do.
    con.execute(f"""WITH RECURSIVE d(k, day) AS (
            SELECT 0, date('{start}') UNION ALL SELECT k + 1, date(day, '+1 day') FROM d WHERE k < {days - 1}),
        n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {locations})
        INSERT INTO daily_usage(date, location_id, bytes, updated)
        SELECT CAST(strftime('%Y%m%d', day) AS INTEGER), i, ((k * 7919 + i * 104729) % 20000) * 1000000, 0
        FROM d, n ORDER BY k, i""")
    con.commit()
    if own:
        con.close()


def samples(bin_dir, path, end, minutes, keep=False):
    con = create(bin_dir, path)
    con.executescript("""
        INSERT INTO hosts(id, name) VALUES (1, 'bench');
        INSERT INTO mounts VALUES (1, 1, '/', '/dev/sda1', 'ext4'), (2, 1, '/home', '/dev/sda2', 'ext4');
        INSERT INTO interfaces VALUES (1, 1, 'eth0'), (2, 1, 'wlan0');
        INSERT INTO users VALUES (1, 1, 1000, 'alice'), (2, 1, 1001, 'bob');
        INSERT INTO commands VALUES (1, 'postgres'), (2, 'firefox');
    """)
    start = end - minutes * 60
    con.execute(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {minutes})
        INSERT INTO samples (id, host_id, ts, interval_cs, ncpu, cpu_busy, cpu_user, cpu_nice, cpu_system,
            cpu_iowait, cpu_steal, mem_total, mem_used, mem_avail, swap_total, swap_used, load1, load5, load15,
            uptime, procs, temp)
        SELECT i, 1, {start} + i * 60, 6000, 4, i % 10000, i % 5000, 0, i % 3000, i % 100, 0,
            8000000, 4000000 + i % 100000, 4000000, 2000000, i % 1000, 150, 120, 100, i * 60, 200, 450 + i % 100
        FROM n""")
    con.execute("""INSERT INTO sample_disks SELECT s.id, m.id, 100000000, 40000000 + s.id % 1000, 60000000
        FROM samples s, mounts m""")
    con.execute("""INSERT INTO sample_net (sample_id, iface_id, rx_bytes, tx_bytes, rx_delta, tx_delta) SELECT s.id, f.id, s.id * 600000, s.id * 60000, 600000 + s.id % 997, 60000
        FROM samples s, interfaces f""")
    con.execute("""INSERT INTO sample_users SELECT s.id, u.id, 1000 * u.id, 100000 * u.id, u.id
        FROM samples s, users u""")
    con.execute("""INSERT INTO sample_procs SELECT s.id, 100 * c.id, c.id, c.id, 900 * c.id, 80000 * c.id, 4, 'S', 0
        FROM samples s, commands c""")
    con.commit()
    if keep:
        return con
    con.close()


def main():
    bin_dir, data, end = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(data, exist_ok=True)
    ledger(bin_dir, os.path.join(data, "ledger-a.db"), 200, 10_000)
    ledger(bin_dir, os.path.join(data, "ledger-b.db"), 10_000, 200)
    samples(bin_dir, os.path.join(data, "week.db"), end, 7 * 1440)
    samples(bin_dir, os.path.join(data, "year.db"), end, 365 * 1440)
    ledger(bin_dir, os.path.join(data, "points.db"), 1, 10_000)
    con = sqlite3.connect(os.path.join(data, "points.db"))
    with open(os.path.join(data, "points.csv"), "w") as fh:
        for key, b in con.execute("SELECT date, bytes FROM daily_usage WHERE location_id = 1 ORDER BY date"):
            fh.write(f"{key // 10000:04d}-{key // 100 % 100:02d}-{key % 100:02d},{b / 1e9}\n")
    con.close()
    # The report's database: a year of samples and three years of 200 locations' days.
    con = samples(bin_dir, os.path.join(data, "report.db"), end, 365 * 1440, keep=True)
    days = 3 * 365 + 1
    first = con.execute(f"SELECT date({end}, 'unixepoch', '-{days - 1} days')").fetchone()[0]
    ledger(bin_dir, None, 200, days, start=first, con=con)
    con.execute("UPDATE locations SET quota = 300000000000 WHERE id % 10 = 0")
    con.commit()
    con.close()


if __name__ == "__main__":
    main()
