-- usage schema 9: login sessions (usage-sample, from wtmp), as last(1) lists them, and where in
-- wtmp the sampler last read. A session's end and how it ended are filled in when they appear.
CREATE TABLE logins (
    id      INTEGER PRIMARY KEY,
    host_id INTEGER NOT NULL REFERENCES hosts(id),
    user    TEXT NOT NULL,
    line    TEXT NOT NULL,              -- tty1, pts/0, a seat or display
    remote  TEXT NOT NULL DEFAULT '',   -- where from: a host name or address; '' on a console
    start   INTEGER NOT NULL,           -- UTC seconds
    end     INTEGER,                    -- UTC seconds; NULL while logged in
    how     TEXT NOT NULL CHECK (how IN ('logout', 'down', 'crash', 'gone', 'open')),
    UNIQUE (host_id, line, start, user)
) STRICT;
CREATE INDEX logins_open ON logins(host_id) WHERE end IS NULL;
CREATE TABLE login_source (
    host_id INTEGER PRIMARY KEY REFERENCES hosts(id),
    inode   INTEGER NOT NULL,           -- the wtmp file read last, and its size then
    size    INTEGER NOT NULL
) STRICT;
