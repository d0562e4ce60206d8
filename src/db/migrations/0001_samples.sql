-- usage schema 1: hosts and system samples.
-- Units are chosen so every figure is a small integer (SQLite stores REAL as 8 bytes):
-- percentages in hundredths of a percent, memory and disk sizes in KiB, network in bytes,
-- load averages in hundredths, temperatures in tenths of a degree Celsius, times in UTC seconds.

CREATE TABLE hosts (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;

-- One row per sample: the machine-wide figures.
CREATE TABLE samples (
    id          INTEGER PRIMARY KEY,
    host_id     INTEGER NOT NULL REFERENCES hosts(id),
    ts          INTEGER NOT NULL,  -- UTC seconds
    interval_cs INTEGER,           -- centiseconds since the baseline; NULL: no baseline, no rates
    ncpu        INTEGER NOT NULL,  -- online CPUs
    cpu_busy    INTEGER,           -- user + nice + system: time the machine spent working
    cpu_user    INTEGER,           -- sar -u %user (includes guest time)
    cpu_nice    INTEGER,
    cpu_system  INTEGER,           -- sar -u %system (system + irq + softirq)
    cpu_iowait  INTEGER,
    cpu_steal   INTEGER,
    mem_total   INTEGER NOT NULL,  -- KiB
    mem_used    INTEGER NOT NULL,  -- total - available
    mem_avail   INTEGER NOT NULL,
    swap_total  INTEGER NOT NULL,
    swap_used   INTEGER NOT NULL,
    load1       INTEGER NOT NULL,
    load5       INTEGER NOT NULL,
    load15      INTEGER NOT NULL,
    uptime      INTEGER NOT NULL,  -- seconds since boot
    procs       INTEGER NOT NULL,  -- processes (not threads)
    temp        INTEGER            -- hottest sensor; NULL where the machine has none
) STRICT;
CREATE INDEX samples_host_ts ON samples(host_id, ts);

CREATE TABLE mounts (
    id      INTEGER PRIMARY KEY,
    host_id INTEGER NOT NULL REFERENCES hosts(id),
    path    TEXT NOT NULL,
    device  TEXT NOT NULL,
    fstype  TEXT NOT NULL,
    UNIQUE (host_id, path)
) STRICT;

CREATE TABLE interfaces (
    id      INTEGER PRIMARY KEY,
    host_id INTEGER NOT NULL REFERENCES hosts(id),
    name    TEXT NOT NULL,
    UNIQUE (host_id, name)
) STRICT;

CREATE TABLE users (
    id      INTEGER PRIMARY KEY,
    host_id INTEGER NOT NULL REFERENCES hosts(id),
    uid     INTEGER NOT NULL,
    name    TEXT NOT NULL,
    UNIQUE (host_id, uid)
) STRICT;

CREATE TABLE commands (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE sample_disks (
    sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    mount_id  INTEGER NOT NULL REFERENCES mounts(id),
    total     INTEGER NOT NULL,  -- KiB
    used      INTEGER NOT NULL,
    avail     INTEGER NOT NULL,  -- free to unprivileged users, as df shows it
    PRIMARY KEY (sample_id, mount_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sample_net (
    sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    iface_id  INTEGER NOT NULL REFERENCES interfaces(id),
    rx_bytes  INTEGER NOT NULL,  -- the kernel's cumulative counters
    tx_bytes  INTEGER NOT NULL,
    rx_delta  INTEGER,           -- bytes since the baseline; NULL: no baseline
    tx_delta  INTEGER,
    PRIMARY KEY (sample_id, iface_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sample_users (
    sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users(id),
    cpu       INTEGER,           -- hundredths of a percent of one CPU; NULL: no baseline
    rss       INTEGER NOT NULL,  -- KiB, summed over the user's processes
    procs     INTEGER NOT NULL,
    PRIMARY KEY (sample_id, user_id)
) STRICT, WITHOUT ROWID;

-- The top processes by CPU and by memory (the union of both lists).
CREATE TABLE sample_procs (
    sample_id  INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    pid        INTEGER NOT NULL,
    command_id INTEGER NOT NULL REFERENCES commands(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    cpu        INTEGER,           -- hundredths of a percent of one CPU; NULL: no baseline
    rss        INTEGER NOT NULL,  -- KiB
    threads    INTEGER NOT NULL,
    state      TEXT NOT NULL,     -- R, S, D, Z, ... as in ps
    started    INTEGER NOT NULL,  -- UTC seconds
    PRIMARY KEY (sample_id, pid)
) STRICT, WITHOUT ROWID;

-- The kernel counters of the latest sample per host: the baseline the next sample's rates are
-- computed from. Replaced with every sample, in the same transaction.
CREATE TABLE sampler_state (
    host_id   INTEGER PRIMARY KEY REFERENCES hosts(id),
    boot_id   TEXT NOT NULL,
    uptime_cs INTEGER NOT NULL,
    counters  BLOB NOT NULL
) STRICT;
