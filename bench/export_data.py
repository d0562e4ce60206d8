"""Generates the database bench/export.sh times: a year of minute samples (as bench/report.sh's
year.db: 2 mounts, 2 interfaces, 2 users, 2 top processes), 50 locations with quotas and three
years of daily ledger rows ending on the same day, and 20 probes with a result a minute over
the 90 days probes.retention_days keeps (2,592,000 results).
Usage: export_data.py BIN_DIR DATA_DIR END_TS"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import report_data  # noqa: E402


def main():
    bin_dir, data, end = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(data, exist_ok=True)
    path = os.path.join(data, "export.db")
    con = report_data.samples(bin_dir, path, end, 365 * 24 * 60, keep=True)
    report_data.ledger(bin_dir, path, 50, 3 * 365, start="2021-05-21", con=con)
    con.execute("UPDATE locations SET quota = 500000000000")
    minutes = 90 * 24 * 60
    start = end - minutes * 60
    con.execute(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {minutes}),
        p(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM p WHERE j < 20)
        INSERT INTO probe_results(host_id, probe, ts, up, ms, status, detail)
        SELECT 1, 'probe' || j, {start} + i * 60, (i + j) % 500 != 0, 20.0 + (i * j) % 80, 200, ''
        FROM n, p ORDER BY i, j""")
    con.commit()
    con.execute("ANALYZE")
    con.close()


if __name__ == "__main__":
    main()
