#!/bin/sh
# Builds a usage database of about 500 MB for the backup benchmark: DAYS days (default 456) of
# minute samples of one host with 3 mounts, 2 interfaces, 5 users and 12 top processes each, plus
# a ledger of 20 locations. Values move like a real machine's (slow drifts, counters that grow,
# a few busy spikes), so the data compresses the way real data does.
# Usage: bench/backup_data.sh OUT.db [DAYS]
set -eu
out=$1
days=${2:-456}
rm -f "$out" "$out-wal" "$out-shm"
# The schema comes from the tools themselves.
"${USAGE_IMPORT:-target/release/usage-import}" --db "$out" locations list >/dev/null
sqlite3 "$out" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO hosts(id, name) VALUES (1, 'bench');
INSERT INTO mounts(id, host_id, path, device, fstype) VALUES
  (1, 1, '/', '/dev/sda1', 'ext4'), (2, 1, '/boot', '/dev/sda2', 'vfat'),
  (3, 1, '/home', '/dev/sdb1', 'ext4');
INSERT INTO interfaces(id, host_id, name) VALUES (1, 1, 'eth0'), (2, 1, 'wlan0');
INSERT INTO users(id, host_id, uid, name) VALUES
  (1, 1, 0, 'root'), (2, 1, 1000, 'alice'), (3, 1, 1001, 'bob'), (4, 1, 33, 'www-data'),
  (5, 1, 105, 'postgres');
INSERT INTO commands(id, name) VALUES
  (1, 'systemd'), (2, 'sshd'), (3, 'postgres'), (4, 'nginx'), (5, 'python3'), (6, 'bash'),
  (7, 'cron'), (8, 'rsyslogd'), (9, 'firefox'), (10, 'node'), (11, 'java'), (12, 'make'),
  (13, 'cc1'), (14, 'rustc'), (15, 'journald'), (16, 'dockerd');
CREATE TEMP TABLE n(i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $days * 1440 - 1)
INSERT INTO n SELECT i FROM c;
INSERT INTO samples
SELECT i + 1, 1, 1700000000 + i * 60, 6000, 4,
  abs(random() % 1500) + (i % 1440 > 480 AND i % 1440 < 1080) * 2500,
  abs(random() % 1200), 0, abs(random() % 400), abs(random() % 90), 0,
  8000000, 3000000 + (i % 10000) * 50 + abs(random() % 20000), 5000000 - (i % 10000) * 50,
  2000000, 10000 + (i / 1440) * 10, 20 + abs(random() % 150), 30 + abs(random() % 80),
  40 + abs(random() % 40), (i % 43200) * 60, 180 + abs(random() % 40), 45000 + abs(random() % 15000)
FROM n;
INSERT INTO sample_disks
SELECT i + 1, m, 30000000 * m, 10000000 * m + i * 3 + abs(random() % 100), 20000000 * m - i * 3
FROM n, (SELECT 1 AS m UNION ALL SELECT 2 UNION ALL SELECT 3);
INSERT INTO sample_net
SELECT i + 1, f, i * 180000 * f + abs(random() % 50000), i * 40000 * f + abs(random() % 9000),
  170000 + abs(random() % 20000), 38000 + abs(random() % 4000)
FROM n, (SELECT 1 AS f UNION ALL SELECT 2);
INSERT INTO sample_users
SELECT i + 1, u, abs(random() % (2000 * u)), 100000 * u + abs(random() % 50000), 5 * u + abs(random() % 5)
FROM n, (SELECT 1 AS u UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5);
INSERT INTO sample_procs
SELECT i + 1, 100 + p * 37 + (i / 5000) % 3000, 1 + (p + i / 20000) % 16, 1 + p % 5,
  abs(random() % 10000), 5000 + abs(random() % 400000), 1 + p % 8,
  CASE WHEN abs(random() % 10) = 0 THEN 'R' ELSE 'S' END, 1699990000 + (i / 5000) * 3000 + p
FROM n, (SELECT value AS p FROM generate_series(1, 12));
INSERT INTO locations(id, name, display_name, active, billing_day, quota, created)
SELECT value, 'site_' || value, 'Site ' || value, 1, 1 + value % 28, 500000000000, 1700000000
FROM generate_series(1, 20);
WITH RECURSIVE d(k, day) AS (SELECT 0, date('2023-11-14') UNION ALL
  SELECT k + 1, date(day, '+1 day') FROM d WHERE k < $days - 1)
INSERT INTO daily_usage
SELECT CAST(replace(day, '-', '') AS INTEGER), l.value, abs(random() % 20000000000), 1700000000
FROM d, generate_series(1, 20) l;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
