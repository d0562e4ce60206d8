-- usage schema 3: alert history, written by usage-alert and read by usage-report's alerts view.
-- Every transition of an alert is one event; the frequency per day is counted from them.

CREATE TABLE alert_events (
    id       INTEGER PRIMARY KEY,
    ts       INTEGER NOT NULL,         -- UTC seconds
    rule     TEXT NOT NULL,            -- the rule's name
    subject  TEXT NOT NULL DEFAULT '', -- what it looked at: a mount, interface, user, location
    event    TEXT NOT NULL CHECK (event IN ('pending', 'firing', 'reminder', 'escalated', 'resolved')),
    severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    value    REAL,                     -- the value that caused the event, in the rule's unit
    message  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX alert_events_ts ON alert_events(ts);
