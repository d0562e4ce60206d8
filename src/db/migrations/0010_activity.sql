-- usage schema 10: application usage events (usage-import events / event) as they were logged,
-- and the sessions they belong to. A session's span and counts are recomputed from its events
-- whenever events are added; how an unended session closes (the idle timeout) is applied when
-- it is read, so changing the timeout re-derives the whole history.
CREATE TABLE app_sessions (
    id       INTEGER PRIMARY KEY,
    host_id  INTEGER NOT NULL REFERENCES hosts(id),
    app      TEXT NOT NULL,
    session  TEXT NOT NULL,             -- the session id the application logged
    user     TEXT NOT NULL,
    first_at INTEGER NOT NULL,          -- UTC microseconds: its earliest and latest event
    last_at  INTEGER NOT NULL,
    start_at INTEGER,                   -- its session_start and session_end events, if logged
    end_at   INTEGER,
    actions  INTEGER NOT NULL DEFAULT 0,
    errors   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (host_id, app, session)
) STRICT;
CREATE INDEX app_sessions_span ON app_sessions(host_id, first_at);
CREATE TABLE app_events (
    session_id INTEGER NOT NULL REFERENCES app_sessions(id),
    at         INTEGER NOT NULL,        -- UTC microseconds
    kind       INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 3), -- start, end, action, error
    name       TEXT NOT NULL DEFAULT '', -- the action_type or error_type
    detail     TEXT,                    -- details (JSON) as logged; an error's message in it
    PRIMARY KEY (session_id, at, kind, name)
) STRICT, WITHOUT ROWID;
