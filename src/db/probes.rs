//! The probe table family (probe_results, probe_streaks, outages): its SQL and row decoding.
//! usage-sample writes them; usage-alert lists outages and resolves them by hand; usage-report
//! reads them all.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::samples::Span;

/// One run of a probe, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub probe: String,
    pub ts: i64,
    pub up: bool,
    pub ms: Option<f64>,
    pub min_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub loss: Option<f64>,
    pub status: Option<i64>,
    /// Why it was down, by name (`probe::Failure`).
    pub failure: Option<String>,
    pub detail: String,
    pub cert_expiry: Option<i64>,
    pub attempts: i64,
    /// The outage open after this result.
    pub outage: Option<i64>,
}

const RESULT_COLUMNS: &str = "probe, ts, up, ms, min_ms, max_ms, loss, status, failure, detail, \
    cert_expiry, attempts, outage_id";

fn result_row(r: &Row) -> rusqlite::Result<ResultRow> {
    Ok(ResultRow {
        probe: r.get(0)?,
        ts: r.get(1)?,
        up: r.get(2)?,
        ms: r.get(3)?,
        min_ms: r.get(4)?,
        max_ms: r.get(5)?,
        loss: r.get(6)?,
        status: r.get(7)?,
        failure: r.get(8)?,
        detail: r.get(9)?,
        cert_expiry: r.get(10)?,
        attempts: r.get(11)?,
        outage: r.get(12)?,
    })
}

pub fn insert_result(tx: &Transaction, host: i64, row: &ResultRow) -> Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO probe_results(host_id, {RESULT_COLUMNS}) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    ))?
    .execute(params![
        host,
        row.probe,
        row.ts,
        row.up,
        row.ms,
        row.min_ms,
        row.max_ms,
        row.loss,
        row.status,
        row.failure,
        row.detail,
        row.cert_expiry,
        row.attempts,
        row.outage,
    ])?;
    Ok(())
}

/// A probe's results in a row, as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreakRow {
    pub fails: i64,
    pub first_fail: Option<i64>,
    pub oks: i64,
    pub first_ok: Option<i64>,
    pub last_run: i64,
    pub outage: Option<i64>,
}

pub fn streak(tx: &Transaction, host: i64, probe: &str) -> Result<Option<StreakRow>> {
    Ok(tx
        .prepare_cached(
            "SELECT fails, first_fail, oks, first_ok, last_run, outage_id FROM probe_streaks \
             WHERE host_id = ?1 AND probe = ?2",
        )?
        .query_row(params![host, probe], |r| {
            Ok(StreakRow {
                fails: r.get(0)?,
                first_fail: r.get(1)?,
                oks: r.get(2)?,
                first_ok: r.get(3)?,
                last_run: r.get(4)?,
                outage: r.get(5)?,
            })
        })
        .optional()?)
}

pub fn save_streak(tx: &Transaction, host: i64, probe: &str, s: &StreakRow) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO probe_streaks(host_id, probe, fails, first_fail, oks, first_ok, \
         last_run, outage_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        host,
        probe,
        s.fails,
        s.first_fail,
        s.oks,
        s.first_ok,
        s.last_run,
        s.outage
    ])?;
    Ok(())
}

/// One outage, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OutageRow {
    pub id: i64,
    pub host: String,
    pub probe: String,
    pub started: i64,
    pub ended: Option<i64>,
    pub severity: String,
    pub priority: String,
    pub cause: String,
    pub closed_by: Option<String>,
    pub note: String,
}

const OUTAGE_COLUMNS: &str = "o.id, h.name, o.probe, o.started, o.ended, o.severity, o.priority, \
    o.cause, o.closed_by, o.note";

fn outage_row(r: &Row) -> rusqlite::Result<OutageRow> {
    Ok(OutageRow {
        id: r.get(0)?,
        host: r.get(1)?,
        probe: r.get(2)?,
        started: r.get(3)?,
        ended: r.get(4)?,
        severity: r.get(5)?,
        priority: r.get(6)?,
        cause: r.get(7)?,
        closed_by: r.get(8)?,
        note: r.get(9)?,
    })
}

/// Opens an outage; returns its id.
pub fn open_outage(
    tx: &Transaction,
    host: i64,
    probe: &str,
    started: i64,
    severity: &str,
    priority: &str,
    cause: &str,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO outages(host_id, probe, started, severity, priority, cause) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![host, probe, started, severity, priority, cause])?;
    Ok(tx.last_insert_rowid())
}

/// When an outage started.
pub fn outage_started(tx: &Transaction, id: i64) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached("SELECT started FROM outages WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Raises an open outage's severity.
pub fn set_severity(tx: &Transaction, id: i64, severity: &str) -> Result<()> {
    tx.prepare_cached("UPDATE outages SET severity = ?2 WHERE id = ?1")?
        .execute(params![id, severity])?;
    Ok(())
}

/// Closes an outage that is still open; false when it was closed already.
pub fn close_outage(
    tx: &Transaction,
    id: i64,
    ended: i64,
    severity: &str,
    by: &str,
    note: &str,
) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE outages SET ended = ?2, severity = ?3, closed_by = ?4, note = ?5 \
             WHERE id = ?1 AND ended IS NULL",
        )?
        .execute(params![id, ended, severity, by, note])?;
    Ok(n == 1)
}

/// Forgets the results in a row of the probe whose open outage is `outage` (resolved by hand:
/// a new outage needs a new row of failures).
pub fn reset_streak_of(tx: &Transaction, outage: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE probe_streaks SET fails = 0, first_fail = NULL, oks = 0, first_ok = NULL, \
         outage_id = NULL WHERE outage_id = ?1",
    )?
    .execute([outage])?;
    Ok(())
}

pub fn outage(conn: &Connection, id: i64) -> Result<Option<OutageRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {OUTAGE_COLUMNS} FROM outages o JOIN hosts h ON h.id = o.host_id WHERE o.id = ?1"
        ))?
        .query_row([id], outage_row)
        .optional()?)
}

/// The outages that overlap `[from, to)` (or are open), oldest first; `open_only` keeps the
/// open ones.
pub fn outages(conn: &Connection, from: i64, to: i64, open_only: bool) -> Result<Vec<OutageRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OUTAGE_COLUMNS} FROM outages o JOIN hosts h ON h.id = o.host_id \
         WHERE o.started < ?2 AND (o.ended IS NULL OR o.ended > ?1) \
         AND (?3 = 0 OR o.ended IS NULL) ORDER BY o.started, o.id"
    ))?;
    let rows = stmt.query_map(params![from, to, open_only], outage_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The results of `host` in `[from, to)`, oldest first, handed to `each`.
pub fn each_result(
    conn: &Connection,
    host: i64,
    from: i64,
    to: i64,
    mut each: impl FnMut(ResultRow) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RESULT_COLUMNS} FROM probe_results \
         WHERE host_id = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts, id"
    ))?;
    let mut rows = stmt.query(params![host, from, to])?;
    while let Some(r) = rows.next()? {
        each(result_row(r)?)?;
    }
    Ok(())
}

/// The newest result of each probe of `host`.
pub fn latest(conn: &Connection, host: i64) -> Result<Vec<ResultRow>> {
    // Each probe's name found by a seek past the last one, then its newest result by another:
    // a few index seeks per probe however many results are kept (a scan of every result per
    // result took minutes at 90 days of 20 probes).
    let mut stmt = conn.prepare_cached(&format!(
        "WITH RECURSIVE p(name) AS (
           SELECT min(probe) FROM probe_results WHERE host_id = ?1
           UNION ALL
           SELECT (SELECT min(probe) FROM probe_results WHERE host_id = ?1 AND probe > p.name)
           FROM p WHERE p.name IS NOT NULL)
         SELECT {RESULT_COLUMNS} FROM p JOIN probe_results r ON r.id =
           (SELECT id FROM probe_results WHERE host_id = ?1 AND probe = p.name
            ORDER BY ts DESC, id DESC LIMIT 1)
         ORDER BY r.probe"
    ))?;
    let rows = stmt.query_map([host], result_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The result stored last for `host` (by id, whatever its time says): (id, time).
pub fn newest_stored(conn: &Connection, host: i64) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, ts FROM probe_results WHERE +host_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([host], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The results of `host` in `span` (its times, and after its row id), oldest first.
pub fn results_in(conn: &Connection, host: i64, span: Span) -> Result<Vec<ResultRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RESULT_COLUMNS} FROM probe_results \
         WHERE host_id = ?1 AND ts >= ?2 AND ts < ?3 AND id > ?4 ORDER BY ts, id"
    ))?;
    let rows = stmt.query_map(params![host, span.from, span.to, span.after_id], result_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether any probe of any host has a result stored.
pub fn any(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM probe_results)")?
        .query_row([], |r| r.get(0))?)
}

/// The probes `host` has results of.
pub fn names(conn: &Connection, host: i64) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT DISTINCT probe FROM probe_results WHERE host_id = ?1 ORDER BY 1")?;
    let rows = stmt.query_map([host], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Deletes the results of `host` older than `before`.
pub fn prune(tx: &Transaction, host: i64, before: i64) -> Result<usize> {
    Ok(tx
        .prepare_cached("DELETE FROM probe_results WHERE host_id = ?1 AND ts < ?2")?
        .execute(params![host, before])?)
}
