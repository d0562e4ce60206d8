-- usage schema 2: the data-usage ledger (seed 002, Appendix C), kept exact.
-- Usage is stored in whole bytes (INTEGER), so sums, comparisons and re-imports are exact; tools
-- show it in GB (10^9 bytes). Calendar dates, in the configured zone, are integers YYYYMMDD
-- (20240313): readable, ordered, and compared as integers, which keeps imports fast.

CREATE TABLE locations (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,     -- stable key: the header, lower-cased, '_' for the rest
    display_name TEXT NOT NULL,            -- as written in the first file that named it
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    billing_day  INTEGER CHECK (billing_day BETWEEN 1 AND 31),  -- NULL: the configured default
    quota        INTEGER CHECK (quota > 0),                      -- bytes per billing cycle
    created      INTEGER NOT NULL          -- UTC seconds
) STRICT;

-- Keyed date first: exports are sorted by date, so imports append to the tree. No second index:
-- a report's date range narrows the scan, and imports pay for every index.
CREATE TABLE daily_usage (
    date        INTEGER NOT NULL CHECK (date BETWEEN 10000101 AND 99991231),
    location_id INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
    bytes       INTEGER NOT NULL CHECK (bytes >= 0),
    updated     INTEGER NOT NULL,          -- UTC seconds of the last change
    PRIMARY KEY (date, location_id)
) STRICT, WITHOUT ROWID;

-- Totals per billing period entered by hand or imported from a provider's statement; kept apart
-- from the daily rows so reports can show both and the difference.
CREATE TABLE monthly_summaries (
    location_id  INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
    period_start INTEGER NOT NULL CHECK (period_start BETWEEN 10000101 AND 99991231),
    period_end   INTEGER NOT NULL CHECK (period_end >= period_start),
    bytes        INTEGER NOT NULL CHECK (bytes >= 0),
    manual       INTEGER NOT NULL DEFAULT 1 CHECK (manual IN (0, 1)),
    updated      INTEGER NOT NULL,
    PRIMARY KEY (location_id, period_start)
) STRICT, WITHOUT ROWID;
