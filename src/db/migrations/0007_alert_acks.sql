-- usage schema 7: alerts acknowledged by hand (usage-alert ack). An acknowledged alert sends no
-- reminders and is not escalated until it resolves, the acknowledgement runs out, or it is
-- taken back (usage-alert unack); its resolved notice is still sent. Rows are kept as history.
CREATE TABLE alert_acks (
    id      INTEGER PRIMARY KEY,
    rule    TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    at      INTEGER NOT NULL,          -- UTC seconds
    until   INTEGER,                   -- it runs out then; NULL: when the alert resolves
    who     TEXT NOT NULL DEFAULT '',  -- the user who acknowledged it
    note    TEXT NOT NULL DEFAULT '',
    ended   INTEGER,                   -- when it ended: resolved, ran out, or taken back
    ended_by TEXT CHECK (ended_by IN ('resolved', 'expired', 'unack'))
) STRICT;
CREATE INDEX alert_acks_open ON alert_acks(rule, subject) WHERE ended IS NULL;
