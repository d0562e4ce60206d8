//! The login table family (logins, login_source): its SQL and row decoding. usage-sample
//! writes them from wtmp; usage-report reads them.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// A login session as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginRow {
    pub user: String,
    pub line: String,
    pub remote: String,
    pub start: i64,
    pub end: Option<i64>,
    /// logout, down, crash, gone (another login took the line) or open.
    pub how: String,
}

/// Stores a session, or what is new of it (its end, how it ended). A crashed session keeps the
/// earlier of its ends: the last sample before the boot may be pruned since it was found.
pub fn upsert(tx: &Transaction, host: i64, s: &LoginRow) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO logins (host_id, user, line, remote, start, end, how)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (host_id, line, start, user)
         DO UPDATE SET
           end = CASE WHEN how = 'crash' AND excluded.how = 'crash'
                      THEN min(end, excluded.end) ELSE excluded.end END,
           how = excluded.how, remote = excluded.remote
         WHERE end IS NOT excluded.end OR how IS NOT excluded.how",
    )?
    .execute(params![
        host, s.user, s.line, s.remote, s.start, s.end, s.how
    ])?;
    Ok(())
}

const COLUMNS: &str = "user, line, remote, start, end, how";

fn row(r: &rusqlite::Row) -> rusqlite::Result<LoginRow> {
    Ok(LoginRow {
        user: r.get(0)?,
        line: r.get(1)?,
        remote: r.get(2)?,
        start: r.get(3)?,
        end: r.get(4)?,
        how: r.get(5)?,
    })
}

/// The host's sessions still open, oldest first.
pub fn open(conn: &Connection, host: i64) -> Result<Vec<LoginRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM logins WHERE host_id = ?1 AND end IS NULL ORDER BY start, line"
    ))?;
    let rows = stmt.query_map([host], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The host's sessions that overlap `[from, to)` (open ones too), oldest first.
pub fn overlapping(conn: &Connection, host: i64, from: i64, to: i64) -> Result<Vec<LoginRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM logins WHERE host_id = ?1 AND start < ?3
         AND (end IS NULL OR end > ?2) ORDER BY start, line"
    ))?;
    let rows = stmt.query_map(params![host, from, to], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The wtmp file read last and how far (inode, bytes of whole records read).
pub fn source(tx: &Transaction, host: i64) -> Result<Option<(u64, u64)>> {
    Ok(tx
        .prepare_cached("SELECT inode, size FROM login_source WHERE host_id = ?1")?
        .query_row([host], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
        })
        .optional()?)
}

pub fn save_source(tx: &Transaction, host: i64, inode: u64, size: u64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO login_source (host_id, inode, size) VALUES (?1, ?2, ?3)
         ON CONFLICT (host_id) DO UPDATE SET inode = excluded.inode, size = excluded.size",
    )?
    .execute(params![host, inode as i64, size as i64])?;
    Ok(())
}

/// Whether any login sessions are stored.
pub fn any(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM logins)", [], |r| r.get(0))?)
}
