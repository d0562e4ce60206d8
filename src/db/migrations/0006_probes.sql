-- usage schema 6: service availability, written by usage-sample's probes. One row per run of a
-- probe; the run of results in a row each probe is on; the outages those results opened.

CREATE TABLE probe_results (
    id          INTEGER PRIMARY KEY,
    host_id     INTEGER NOT NULL REFERENCES hosts(id),  -- the machine that probed
    probe       TEXT NOT NULL,                          -- the probe's id in the configuration
    ts          INTEGER NOT NULL,                       -- UTC seconds
    up          INTEGER NOT NULL CHECK (up IN (0, 1)),
    ms          REAL,                                   -- response time (ICMP: the average echo)
    min_ms      REAL,                                   -- ICMP: fastest and slowest echo
    max_ms      REAL,
    loss        REAL,                                   -- ICMP: echoes lost, %
    status      INTEGER,                                -- HTTP status, DNS response code
    failure     TEXT,                                   -- why it was down: timeout, refused, ...
    detail      TEXT NOT NULL DEFAULT '',               -- what happened, for people
    cert_expiry INTEGER,                                -- the TLS certificate's notAfter, UTC seconds
    attempts    INTEGER NOT NULL DEFAULT 1,
    outage_id   INTEGER REFERENCES outages(id)          -- the outage open after this result
) STRICT;
CREATE INDEX probe_results_probe_ts ON probe_results(host_id, probe, ts);
CREATE INDEX probe_results_ts ON probe_results(ts);

CREATE TABLE probe_streaks (
    host_id    INTEGER NOT NULL REFERENCES hosts(id),
    probe      TEXT NOT NULL,
    fails      INTEGER NOT NULL,
    first_fail INTEGER,
    oks        INTEGER NOT NULL,
    first_ok   INTEGER,
    last_run   INTEGER NOT NULL,                        -- UTC seconds of the latest result
    outage_id  INTEGER REFERENCES outages(id),          -- the open outage, if any
    PRIMARY KEY (host_id, probe)
) STRICT, WITHOUT ROWID;

CREATE TABLE outages (
    id        INTEGER PRIMARY KEY,
    host_id   INTEGER NOT NULL REFERENCES hosts(id),
    probe     TEXT NOT NULL,
    started   INTEGER NOT NULL,                         -- the first failure of the row, UTC seconds
    ended     INTEGER,                                  -- the first success of the closing row; NULL: open
    severity  TEXT NOT NULL CHECK (severity IN ('warning', 'minor', 'major', 'critical')),
    priority  TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high')),
    cause     TEXT NOT NULL DEFAULT '',                 -- the opening failure's detail
    closed_by TEXT CHECK (closed_by IN ('recovery', 'hand')),
    note      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outages_probe ON outages(host_id, probe, started);
