-- usage schema 4: what usage-alert needs to behave like a daemon across cron runs.

-- One row per alert that is pending, firing, or resolved with its notice still owed (resolved
-- inside a maintenance window after it had been announced). Inactive alerts have no row.
CREATE TABLE alert_state (
    rule      TEXT NOT NULL,
    subject   TEXT NOT NULL DEFAULT '',
    state     TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
    severity  TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    level     INTEGER NOT NULL DEFAULT 0,  -- the step reached (step rules; 0 otherwise)
    since     INTEGER NOT NULL,            -- UTC seconds: the condition has held since then
    fired     INTEGER,                     -- when it fired
    escalated INTEGER,                     -- when it was escalated by age
    value     REAL,                        -- the latest value, in the rule's unit
    ts        INTEGER NOT NULL,            -- the time of that value
    announced TEXT CHECK (announced IN ('info', 'warning', 'critical')),  -- the severity recipients last heard of; NULL: none
    notified  INTEGER,                     -- when recipients last heard (fire, reminder, escalation)
    PRIMARY KEY (rule, subject)
) STRICT, WITHOUT ROWID;

-- Per rule: the newest sample time already evaluated, so the next run replays only newer ones.
CREATE TABLE alert_cursors (
    rule TEXT PRIMARY KEY,
    ts   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Maintenance windows made from the command line (those in the configuration file are not
-- stored). `rules` is a JSON array of rule names; empty: every rule.
CREATE TABLE maintenance_windows (
    id      INTEGER PRIMARY KEY,
    start   INTEGER NOT NULL,
    end     INTEGER NOT NULL CHECK (end > start),
    rules   TEXT NOT NULL DEFAULT '[]',
    reason  TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL
) STRICT;

-- Notifications not yet delivered, one per channel: written in the same transaction as the
-- transition, removed once delivered. A run claims rows before sending, so overlapping runs never
-- send one twice; a failed delivery stays for the next run.
CREATE TABLE alert_outbox (
    id            INTEGER PRIMARY KEY,
    created       INTEGER NOT NULL,
    channel       TEXT NOT NULL,
    payload       TEXT NOT NULL,            -- the notification as JSON (the webhook body)
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT
) STRICT;

-- Events recorded while a maintenance window silenced their notification.
ALTER TABLE alert_events ADD COLUMN silenced INTEGER NOT NULL DEFAULT 0 CHECK (silenced IN (0, 1));
