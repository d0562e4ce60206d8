//! The application activity table family (app_sessions, app_events): its SQL and row decoding.
//! usage-import writes events and keeps each session's span and counts equal to its events;
//! usage-report and usage-alert read them. Times are UTC microseconds.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// What an event is: the order is the stored `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Start = 0,
    End = 1,
    Action = 2,
    Error = 3,
}

impl Kind {
    /// The name seed loggers give it in their `event` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Start => "session_start",
            Kind::End => "session_end",
            Kind::Action => "user_action",
            Kind::Error => "error",
        }
    }

    fn from_i64(k: i64) -> Kind {
        match k {
            0 => Kind::Start,
            1 => Kind::End,
            2 => Kind::Action,
            _ => Kind::Error,
        }
    }
}

/// One event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow<'a> {
    pub at: i64,
    pub kind: Kind,
    /// The action_type or error_type; empty for a start or end.
    pub name: &'a str,
    /// The details as logged (JSON text).
    pub detail: Option<&'a str>,
}

/// A session as stored: who, and the span and counts of its events.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub id: i64,
    pub app: String,
    pub session: String,
    pub user: String,
    pub first: i64,
    pub last: i64,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub actions: i64,
    pub errors: i64,
}

/// The stored session `session` of `app` on the host: its id and user, and its logged start and
/// end.
pub struct Known {
    pub id: i64,
    pub user: String,
    pub start: Option<i64>,
    pub end: Option<i64>,
}

pub fn find(tx: &Connection, host: i64, app: &str, session: &str) -> Result<Option<Known>> {
    Ok(tx
        .prepare_cached(
            "SELECT id, user, start_at, end_at FROM app_sessions
             WHERE host_id = ?1 AND app = ?2 AND session = ?3",
        )?
        .query_row(params![host, app, session], |r| {
            Ok(Known {
                id: r.get(0)?,
                user: r.get(1)?,
                start: r.get(2)?,
                end: r.get(3)?,
            })
        })
        .optional()?)
}

/// Creates a session with no events yet (`refresh` fills in its span); returns its id.
pub fn create(
    tx: &Transaction,
    host: i64,
    app: &str,
    session: &str,
    user: &str,
    at: i64,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO app_sessions (host_id, app, session, user, first_at, last_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![host, app, session, user, at])?;
    Ok(tx.last_insert_rowid())
}

/// Stores an event unless the same one (session, time, kind, name) is stored; true when it was
/// new.
pub fn insert(tx: &Transaction, session: i64, e: &EventRow) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO app_events (session_id, at, kind, name, detail)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![session, e.at, e.kind as i64, e.name, e.detail])?;
    Ok(n == 1)
}

/// Sets a session's span and counts from its events.
pub fn refresh(tx: &Transaction, session: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE app_sessions SET (first_at, last_at, start_at, end_at, actions, errors) =
           (SELECT min(at), max(at), min(CASE kind WHEN 0 THEN at END),
                   max(CASE kind WHEN 1 THEN at END),
                   count(CASE kind WHEN 2 THEN 1 END), count(CASE kind WHEN 3 THEN 1 END)
            FROM app_events WHERE session_id = ?1)
         WHERE id = ?1",
    )?
    .execute([session])?;
    Ok(())
}

const COLUMNS: &str =
    "id, app, session, user, first_at, last_at, start_at, end_at, actions, errors";

fn row(r: &rusqlite::Row) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id: r.get(0)?,
        app: r.get(1)?,
        session: r.get(2)?,
        user: r.get(3)?,
        first: r.get(4)?,
        last: r.get(5)?,
        start: r.get(6)?,
        end: r.get(7)?,
        actions: r.get(8)?,
        errors: r.get(9)?,
    })
}

/// The host's sessions that may overlap `[from, to)` when an unended one lasts `idle` past its
/// last event (open ones too), oldest first.
pub fn overlapping(
    conn: &Connection,
    host: i64,
    from: i64,
    to: i64,
    idle: i64,
) -> Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM app_sessions
         WHERE host_id = ?1 AND first_at < ?3
           AND max(coalesce(end_at, last_at + ?4), last_at) >= ?2
         ORDER BY first_at, id"
    ))?;
    let rows = stmt.query_map(params![host, from, to, idle], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Events of a session, or of every session of the host, in a quarter of an hour (every zone's
/// offset is a multiple of it, so local hours and days are made of them).
#[derive(Debug, Clone, PartialEq)]
pub struct Quarter {
    pub session: i64,
    /// UTC microseconds at which the quarter begins.
    pub at: i64,
    pub actions: i64,
    pub errors: i64,
    /// The quarter's first and last event.
    pub first: i64,
    pub last: i64,
}

pub const QUARTER: i64 = 900_000_000;

/// The host's events in `[from, to)` per session and quarter hour, in time order per session.
pub fn quarters(conn: &Connection, host: i64, from: i64, to: i64) -> Result<Vec<Quarter>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.session_id, e.at / ?4, count(CASE e.kind WHEN 2 THEN 1 END),
                count(CASE e.kind WHEN 3 THEN 1 END), min(e.at), max(e.at)
         FROM app_sessions s JOIN app_events e ON e.session_id = s.id
         WHERE s.host_id = ?1 AND e.at >= ?2 AND e.at < ?3
         GROUP BY e.session_id, e.at / ?4",
    )?;
    let rows = stmt.query_map(params![host, from, to, QUARTER], |r| {
        Ok(Quarter {
            session: r.get(0)?,
            at: r.get::<_, i64>(1)? * QUARTER,
            actions: r.get(2)?,
            errors: r.get(3)?,
            first: r.get(4)?,
            last: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How often each action (or error) type was logged per app and bucket of `width`
/// microseconds (aligned to UTC; the caller groups them into local days).
pub fn counts(
    conn: &Connection,
    host: i64,
    from: i64,
    to: i64,
    width: i64,
    each: impl FnMut(i64, String, Kind, String, i64),
) -> Result<()> {
    let mut each = each;
    let mut stmt = conn.prepare_cached(
        "SELECT e.at / ?4, s.app, e.kind, e.name, count(*)
         FROM app_sessions s JOIN app_events e ON e.session_id = s.id
         WHERE s.host_id = ?1 AND e.at >= ?2 AND e.at < ?3 AND e.kind >= 2
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
    )?;
    let mut rows = stmt.query(params![host, from, to, width])?;
    while let Some(r) = rows.next()? {
        each(
            r.get::<_, i64>(0)? * width,
            r.get(1)?,
            Kind::from_i64(r.get(2)?),
            r.get(3)?,
            r.get(4)?,
        );
    }
    Ok(())
}

/// Errors logged since `from`, per app of the host.
pub fn errors_since(conn: &Connection, host: i64, from: i64) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.app, count(*) FROM app_sessions s JOIN app_events e ON e.session_id = s.id
         WHERE s.host_id = ?1 AND e.kind = 3 AND e.at >= ?2 GROUP BY s.app ORDER BY s.app",
    )?;
    let rows = stmt.query_map(params![host, from], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The apps with events on the host.
pub fn apps(conn: &Connection, host: i64) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT DISTINCT app FROM app_sessions WHERE host_id = ?1 ORDER BY app")?;
    let rows = stmt.query_map([host], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether any application events are stored.
pub fn any(conn: &Connection) -> Result<bool> {
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM app_sessions)", [], |r| {
            r.get(0)
        })?,
    )
}
