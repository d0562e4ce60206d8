"""Generates the host databases bench/merge.sh merges: HOSTS databases (host001.db, ...), each
30 days of minute samples (as bench/report.sh's week.db: 2 mounts, 2 interfaces, 2 users, 2 top
processes; 43,200 samples and 345,600 child rows), one probe's result a minute (43,200) and 30
days of ledger for 5 locations of its own. One is made by SQL on the binary's schema; the others
are copies under their own host name and machine id.
Usage: merge_data.py BIN_DIR DATA_DIR END_TS HOSTS"""
import os
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(__file__))
import report_data  # noqa: E402

MINUTES = 30 * 24 * 60


def main():
    bin_dir, data, end, hosts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(data, exist_ok=True)
    first = os.path.join(data, "host001.db")
    con = report_data.samples(bin_dir, first, end, MINUTES, keep=True)
    start = end - MINUTES * 60
    con.execute(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {MINUTES})
        INSERT INTO probe_results(host_id, probe, ts, up, ms, status, detail)
        SELECT 1, 'web', {start} + i * 60, i % 500 != 0, 20.0 + i % 80, 200, '' FROM n""")
    day0 = con.execute(f"SELECT date({end}, 'unixepoch', '-29 days')").fetchone()[0]
    report_data.ledger(bin_dir, None, 5, 30, start=day0, con=con)
    con.commit()
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    for i in range(1, hosts + 1):
        path = os.path.join(data, f"host{i:03d}.db")
        if i > 1:
            shutil.copyfile(first, path)
        con = sqlite3.connect(path)
        con.execute("UPDATE hosts SET name = ?, machine_id = ?", (f"host{i:03d}", f"{i:032x}"))
        con.execute("UPDATE locations SET name = ? || '-' || name", (f"site{i:03d}",))
        con.commit()
        con.close()


if __name__ == "__main__":
    main()
