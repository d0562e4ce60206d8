//! The ledger's table family (locations, daily_usage, monthly_summaries): its SQL and row
//! decoding. The ledger's rules (GB, dates as keys, billing cycles) are in [`crate::ledger`].

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, Statement};

use crate::ledger::{key_date, slug};

/// A location as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub active: bool,
    pub billing_day: Option<u8>,
    pub quota: Option<i64>,
}

const LOCATION_COLUMNS: &str = "id, name, display_name, active, billing_day, quota";

fn location_row(r: &Row) -> rusqlite::Result<Location> {
    Ok(Location {
        id: r.get(0)?,
        name: r.get(1)?,
        display_name: r.get(2)?,
        active: r.get(3)?,
        billing_day: r.get(4)?,
        quota: r.get(5)?,
    })
}

/// Every location, by name.
pub fn locations(conn: &Connection) -> Result<Vec<Location>> {
    let mut all = Vec::new();
    each_location(conn, |l| all.push(l))?;
    Ok(all)
}

/// How many locations there are.
pub fn location_count(conn: &Connection) -> Result<usize> {
    let count: i64 = conn.query_row("SELECT count(*) FROM locations", [], |r| r.get(0))?;
    Ok(usize::try_from(count).unwrap_or(0))
}

/// Every location by name, one at a time (there may be hundreds of thousands).
pub fn each_location(conn: &Connection, mut each: impl FnMut(Location)) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {LOCATION_COLUMNS} FROM locations ORDER BY name"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(location_row(r)?);
    }
    Ok(())
}

/// The location a user means by `key`: its name, its display name, or either after slugging.
/// An unknown key is an error listing what would be accepted.
pub fn find_location(conn: &Connection, key: &str) -> Result<Location> {
    match lookup_location(conn, key)? {
        Some(location) => Ok(location),
        None => Err(unknown_location(conn, key)?),
    }
}

/// The location `key` names, if any (see [`find_location`]).
pub fn lookup_location(conn: &Connection, key: &str) -> Result<Option<Location>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {LOCATION_COLUMNS} FROM locations
                 WHERE name = ?1 OR display_name = ?1 OR name = ?2
                 ORDER BY name = ?1 DESC, display_name = ?1 DESC LIMIT 1"
            ),
            (key, slug(key)),
            location_row,
        )
        .optional()?)
}

/// The error for a key that names no location, listing the names there are.
pub fn unknown_location(conn: &Connection, key: &str) -> Result<anyhow::Error> {
    const SHOWN: usize = 10;
    let mut stmt = conn.prepare("SELECT name FROM locations ORDER BY name LIMIT ?1")?;
    let names: Vec<String> = stmt
        .query_map([SHOWN as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if names.is_empty() {
        return Ok(anyhow!(
            "unknown location '{key}': there are no locations yet (import a file or run `usage-import locations add NAME`)"
        ));
    }
    let mut list = names.join(", ");
    let count = location_count(conn)?;
    if count > SHOWN {
        list.push_str(&format!(", ... ({count} in all)"));
    }
    Ok(anyhow!("unknown location '{key}' (known: {list})"))
}

/// How many locations are active, and the newest day the ledger has a record of.
pub fn freshness(conn: &Connection) -> Result<(i64, Option<NaiveDate>)> {
    let (active, newest): (i64, Option<i64>) = conn.query_row(
        "SELECT (SELECT count(*) FROM locations WHERE active = 1), (SELECT max(date) FROM daily_usage)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((active, newest.and_then(key_date)))
}

/// The location named `name` exactly (a slug), created with `display_name` if new: (id, its own
/// billing day, whether it was created).
pub fn find_or_add(
    conn: &Connection,
    name: &str,
    display_name: &str,
    now: i64,
) -> Result<(i64, Option<u8>, bool)> {
    let existing: Option<(i64, Option<u8>)> = conn
        .prepare_cached("SELECT id, billing_day FROM locations WHERE name = ?1")?
        .query_row([name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((id, day)) = existing {
        return Ok((id, day, false));
    }
    Ok((add_location(conn, name, display_name, now)?, None, true))
}

/// True when a location has this name.
pub fn location_exists(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM locations WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )?)
}

/// Adds a location; returns its id.
pub fn add_location(conn: &Connection, name: &str, display_name: &str, now: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO locations (name, display_name, created) VALUES (?1, ?2, ?3) RETURNING id",
        )?
        .query_row((name, display_name, now), |r| r.get(0))?)
}

/// A location's setting to change.
#[derive(Debug, Clone, Copy)]
pub enum Setting<'a> {
    DisplayName(&'a str),
    /// `None` clears it: the configured billing day applies.
    BillingDay(Option<u8>),
    /// In bytes; `None` clears it.
    Quota(Option<i64>),
    Active(bool),
}

pub fn set(conn: &Connection, id: i64, setting: Setting) -> Result<()> {
    match setting {
        Setting::DisplayName(name) => conn.execute(
            "UPDATE locations SET display_name = ?2 WHERE id = ?1",
            (id, name),
        )?,
        Setting::BillingDay(day) => conn.execute(
            "UPDATE locations SET billing_day = ?2 WHERE id = ?1",
            (id, day),
        )?,
        Setting::Quota(bytes) => {
            conn.execute("UPDATE locations SET quota = ?2 WHERE id = ?1", (id, bytes))?
        }
        Setting::Active(active) => conn.execute(
            "UPDATE locations SET active = ?2 WHERE id = ?1",
            (id, active),
        )?,
    };
    Ok(())
}

/// A location with a digest of its daily rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub name: String,
    pub display_name: String,
    pub active: bool,
    /// Its own billing day, else `default_day`.
    pub billing_day: u8,
    /// Whether the billing day is its own (else the default: ledger.billing_day).
    pub own_billing_day: bool,
    pub quota: Option<i64>,
    pub days: i64,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    pub total: i64,
}

/// Every location with its days, first and last date and total, by name.
pub fn summaries(conn: &Connection, default_day: u8) -> Result<Vec<Summary>> {
    let mut stmt = conn.prepare(
        "SELECT l.name, l.display_name, l.active, coalesce(l.billing_day, ?1), l.quota,
                coalesce(d.days, 0), d.first, d.last, coalesce(d.total, 0),
                l.billing_day IS NOT NULL
         FROM locations l
         LEFT JOIN (SELECT location_id, count(*) AS days, min(date) AS first,
                           max(date) AS last, sum(bytes) AS total
                    FROM daily_usage GROUP BY location_id) d ON d.location_id = l.id
         ORDER BY l.name",
    )?;
    let rows = stmt.query_map([default_day], |r| {
        Ok(Summary {
            name: r.get(0)?,
            display_name: r.get(1)?,
            active: r.get(2)?,
            billing_day: r.get(3)?,
            quota: r.get(4)?,
            days: r.get(5)?,
            first: r.get::<_, Option<i64>>(6)?.and_then(key_date),
            last: r.get::<_, Option<i64>>(7)?.and_then(key_date),
            total: r.get(8)?,
            own_billing_day: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Which amounts a statement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amounts {
    /// `daily_usage`, by date.
    Daily,
    /// `monthly_summaries`, manual totals by the period's first day.
    Monthly,
}

/// One amount to store: a date key (the period's start for monthly totals), a location, bytes,
/// when it was written, and for monthly totals the period's last day.
#[derive(Debug, Clone, Copy)]
pub struct Amount {
    pub date: i64,
    pub location: i64,
    pub bytes: i64,
    pub now: i64,
    pub end: Option<i64>,
}

/// Writes amounts through two prepared statements: an INSERT OR IGNORE, and an UPDATE that only
/// touches a value that differs, so each says whether it changed anything (inserted, updated
/// and unchanged rows tell apart without a read).
pub struct Writer<'c> {
    insert: Statement<'c>,
    update: Statement<'c>,
}

impl<'c> Writer<'c> {
    pub fn new(conn: &'c Connection, amounts: Amounts) -> Result<Writer<'c>> {
        let (insert, update) = match amounts {
            Amounts::Monthly => (
                "INSERT OR IGNORE INTO monthly_summaries (period_start, location_id, bytes, updated, period_end, manual) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
                "UPDATE monthly_summaries SET bytes = ?3, updated = ?4, period_end = ?5, manual = 1 WHERE period_start = ?1 AND location_id = ?2 AND bytes <> ?3",
            ),
            Amounts::Daily => (
                "INSERT OR IGNORE INTO daily_usage (date, location_id, bytes, updated) VALUES (?1, ?2, ?3, ?4)",
                "UPDATE daily_usage SET bytes = ?3, updated = ?4 WHERE date = ?1 AND location_id = ?2 AND bytes <> ?3",
            ),
        };
        Ok(Writer {
            insert: conn.prepare(insert)?,
            update: conn.prepare(update)?,
        })
    }

    /// Stores a new amount; false when one is stored already.
    pub fn insert(&mut self, a: &Amount) -> rusqlite::Result<bool> {
        run(&mut self.insert, a)
    }

    /// Replaces a stored amount; false when it is the same (or none is stored).
    pub fn update(&mut self, a: &Amount) -> rusqlite::Result<bool> {
        run(&mut self.update, a)
    }
}

fn run(statement: &mut Statement, a: &Amount) -> rusqlite::Result<bool> {
    let changed = match a.end {
        Some(end) => statement.execute((a.date, a.location, a.bytes, a.now, end))?,
        None => statement.execute((a.date, a.location, a.bytes, a.now))?,
    };
    Ok(changed > 0)
}

/// Deletes a location's amounts with dates (period starts) from `first` to `last`; returns how
/// many.
pub fn delete(
    conn: &Connection,
    amounts: Amounts,
    location: i64,
    (first, last): (i64, i64),
) -> Result<usize> {
    let sql = match amounts {
        Amounts::Daily => {
            "DELETE FROM daily_usage WHERE location_id = ?1 AND date BETWEEN ?2 AND ?3"
        }
        Amounts::Monthly => {
            "DELETE FROM monthly_summaries WHERE location_id = ?1 AND period_start BETWEEN ?2 AND ?3"
        }
    };
    Ok(conn.execute(sql, (location, first, last))?)
}

/// `AND column IN (...)` for the locations `ids` (none: every location). Ids are integers, so
/// the list is written into the SQL, which keeps one statement for any number of them.
fn among(column: &str, ids: &[i64]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!(" AND {column} IN ({})", ids.join(","))
}

/// One day's usage of one location.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    /// The date as a YYYYMMDD key.
    pub date: i64,
    pub location: String,
    /// The location's display name.
    pub display: String,
    pub bytes: i64,
}

/// The days from `first` to `last` (date keys) of the locations `ids` (none: all), by date and
/// location name; an error from `each` stops the reading.
pub fn each_day(
    conn: &Connection,
    (first, last): (i64, i64),
    ids: &[i64],
    mut each: impl FnMut(Day) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT d.date, l.name, d.bytes, l.display_name FROM daily_usage d
         JOIN locations l ON l.id = d.location_id
         WHERE d.date BETWEEN ?1 AND ?2{} ORDER BY d.date, l.name",
        among("d.location_id", ids)
    ))?;
    let mut rows = stmt.query((first, last))?;
    while let Some(r) = rows.next()? {
        each(Day {
            date: r.get(0)?,
            location: r.get(1)?,
            bytes: r.get(2)?,
            display: r.get(3)?,
        })?;
    }
    Ok(())
}

/// A location with usage in a span, and its total from a day on.
#[derive(Debug, Clone, PartialEq)]
pub struct Active {
    pub id: i64,
    pub name: String,
    pub display: String,
    /// Bytes from the day asked for to the span's end, as a float: a sum cannot overflow.
    pub total: f64,
}

/// The locations `ids` (none: all) with usage from `first` to `last` (date keys), by name, each
/// with its total from `counted_from` on.
pub fn active(
    conn: &Connection,
    (first, last): (i64, i64),
    counted_from: i64,
    ids: &[i64],
) -> Result<Vec<Active>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT l.id, l.name, total(CASE WHEN d.date >= ?3 THEN d.bytes END), l.display_name
         FROM daily_usage d JOIN locations l ON l.id = d.location_id
         WHERE d.date BETWEEN ?1 AND ?2{} GROUP BY l.id ORDER BY l.name",
        among("d.location_id", ids)
    ))?;
    let rows = stmt.query_map((first, last, counted_from), |r| {
        Ok(Active {
            id: r.get(0)?,
            name: r.get(1)?,
            total: r.get(2)?,
            display: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The amounts from `first` to `last` (date keys) as (date key, location id, bytes), by date:
/// the billing cycles' input, without the join to the names.
pub fn each_amount(
    conn: &Connection,
    (first, last): (i64, i64),
    mut each: impl FnMut(i64, i64, i64),
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT date, location_id, bytes FROM daily_usage WHERE date BETWEEN ?1 AND ?2 ORDER BY date",
    )?;
    let mut rows = stmt.query((first, last))?;
    while let Some(r) = rows.next()? {
        each(r.get(0)?, r.get(1)?, r.get(2)?);
    }
    Ok(())
}

/// Every manual total as (location id, period start, bytes).
pub fn manual_totals(conn: &Connection) -> Result<Vec<(i64, NaiveDate, i64)>> {
    let mut stmt =
        conn.prepare("SELECT location_id, period_start, bytes FROM monthly_summaries")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, start, bytes) = row?;
        if let Some(start) = key_date(start) {
            out.push((id, start, bytes));
        }
    }
    Ok(out)
}

/// The ledger at a glance over a span of date keys, for the locations `ids` (none: all).
#[derive(Debug, Clone, PartialEq)]
pub struct Glance {
    pub locations: i64,
    pub active: i64,
    pub records: i64,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    pub total: i64,
}

pub fn glance(conn: &Connection, (first, last): (i64, i64), ids: &[i64]) -> Result<Glance> {
    let (locations, active): (i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(active), 0) FROM locations WHERE 1{}",
            among("id", ids)
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (records, min, max, total): (i64, Option<i64>, Option<i64>, i64) = conn.query_row(
        &format!(
            "SELECT count(*), min(date), max(date), coalesce(sum(bytes), 0) FROM daily_usage
             WHERE date BETWEEN ?1 AND ?2{}",
            among("location_id", ids)
        ),
        (first, last),
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    Ok(Glance {
        locations,
        active,
        records,
        first: min.and_then(key_date),
        last: max.and_then(key_date),
        total,
    })
}

/// The `n` locations that used the most over a span of date keys: (name, bytes).
pub fn top(
    conn: &Connection,
    (first, last): (i64, i64),
    ids: &[i64],
    n: usize,
) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT l.name, l.display_name, sum(d.bytes) AS total FROM daily_usage d
         JOIN locations l ON l.id = d.location_id
         WHERE d.date BETWEEN ?1 AND ?2{} GROUP BY l.id ORDER BY total DESC, l.name LIMIT {n}",
        among("d.location_id", ids)
    ))?;
    let rows = stmt.query_map((first, last), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Per day over a span of date keys, newest first: (date, bytes of all locations, locations).
pub fn per_day(
    conn: &Connection,
    (first, last): (i64, i64),
    ids: &[i64],
) -> Result<Vec<(Option<NaiveDate>, i64, i64)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT date, sum(bytes), count(*) FROM daily_usage
         WHERE date BETWEEN ?1 AND ?2{} GROUP BY date ORDER BY date DESC",
        among("location_id", ids)
    ))?;
    let rows = stmt.query_map((first, last), |r| {
        Ok((r.get::<_, i64>(0).map(key_date)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A location's use from `first` to `last` (date keys): (bytes, days recorded, the last of them).
pub fn usage_between(
    conn: &Connection,
    location: i64,
    (first, last): (i64, i64),
) -> Result<(i64, u32, Option<NaiveDate>)> {
    let (bytes, days, newest): (Option<i64>, u32, Option<i64>) = conn
        .prepare_cached(
            "SELECT sum(bytes), count(*), max(date) FROM daily_usage
             WHERE location_id = ?1 AND date BETWEEN ?2 AND ?3",
        )?
        .query_row((location, first, last), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    Ok((bytes.unwrap_or(0), days, newest.and_then(key_date)))
}

/// Every stored day from `first` to `last` (date keys, both included): (location id, date
/// key, bytes), in one scan of the table's date order.
pub fn days_between(conn: &Connection, (first, last): (i64, i64)) -> Result<Vec<(i64, i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT location_id, date, bytes FROM daily_usage WHERE date BETWEEN ?1 AND ?2",
    )?;
    let rows = stmt.query_map((first, last), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_location_lists_the_first_ten_and_how_many_there_are() {
        let conn = crate::db::open_in_memory().unwrap();
        let message = |key: &str| unknown_location(&conn, key).unwrap().to_string();
        assert!(message("x").contains("there are no locations yet"));
        for i in 0..10 {
            add_location(&conn, &format!("l{i:02}"), &format!("L{i:02}"), 0).unwrap();
        }
        let ten = "l00, l01, l02, l03, l04, l05, l06, l07, l08, l09";
        assert_eq!(message("x"), format!("unknown location 'x' (known: {ten})"));
        add_location(&conn, "l10", "L10", 0).unwrap();
        assert_eq!(
            message("x"),
            format!("unknown location 'x' (known: {ten}, ... (11 in all))")
        );
    }
}
