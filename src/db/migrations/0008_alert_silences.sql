-- usage schema 8: silences (usage-alert silence add): label matchers, as amtool's, that hold
-- back the notifications of the alerts they match for a while. Kept after they end, as history.
CREATE TABLE alert_silences (
    id       INTEGER PRIMARY KEY,
    matchers TEXT NOT NULL,            -- JSON: [["mount", "=", "/boot"], ["rule", "=~", "disk.*"]]
    start    INTEGER NOT NULL,         -- UTC seconds
    end      INTEGER NOT NULL,         -- UTC seconds; expire sets it to the moment
    who      TEXT NOT NULL DEFAULT '',
    reason   TEXT NOT NULL DEFAULT '',
    created  INTEGER NOT NULL,
    noticed  INTEGER                   -- when its end was told (alerts still firing); NULL: not yet
) STRICT;
