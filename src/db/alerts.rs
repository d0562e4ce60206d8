//! The alert table family (alert_state, alert_cursors, alert_events, alert_outbox,
//! maintenance_windows): its SQL and row decoding. usage-alert writes them; usage-report's alerts
//! view reads the events.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

/// One alert that is pending, firing, or resolved with its notice owed, as stored: the state and
/// severities are the names in the schema's CHECK constraints.
#[derive(Debug, Clone, PartialEq)]
pub struct StateRow {
    pub subject: String,
    pub state: String,
    pub severity: String,
    pub level: i64,
    pub since: i64,
    pub fired: Option<i64>,
    pub escalated: Option<i64>,
    pub value: Option<f64>,
    pub ts: i64,
    pub announced: Option<String>,
    pub notified: Option<i64>,
}

const STATE_COLUMNS: &str =
    "subject, state, severity, level, since, fired, escalated, value, ts, announced, notified";

/// Decodes [`STATE_COLUMNS`] starting at column `at`.
fn state_row(r: &Row, at: usize) -> rusqlite::Result<StateRow> {
    Ok(StateRow {
        subject: r.get(at)?,
        state: r.get(at + 1)?,
        severity: r.get(at + 2)?,
        level: r.get(at + 3)?,
        since: r.get(at + 4)?,
        fired: r.get(at + 5)?,
        escalated: r.get(at + 6)?,
        value: r.get(at + 7)?,
        ts: r.get(at + 8)?,
        announced: r.get(at + 9)?,
        notified: r.get(at + 10)?,
    })
}

/// The stored alerts of one rule.
pub fn states(tx: &Transaction, rule: &str) -> Result<Vec<StateRow>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {STATE_COLUMNS} FROM alert_state WHERE rule = ?1"
    ))?;
    let rows = stmt.query_map([rule], |r| state_row(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores an alert's state; `None` removes it (the alert is inactive).
pub fn save_state(
    tx: &Transaction,
    rule: &str,
    subject: &str,
    state: Option<&StateRow>,
) -> Result<()> {
    match state {
        None => {
            tx.prepare_cached("DELETE FROM alert_state WHERE rule = ?1 AND subject = ?2")?
                .execute((rule, subject))?;
        }
        Some(s) => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO alert_state
                 (rule, subject, state, severity, level, since, fired, escalated, value, ts, announced, notified)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                rule,
                subject,
                s.state,
                s.severity,
                s.level,
                s.since,
                s.fired,
                s.escalated,
                s.value,
                s.ts,
                s.announced,
                s.notified,
            ])?;
        }
    }
    Ok(())
}

/// Every stored alert with its rule, firing first, then critical, then by rule and subject.
pub fn all_states(conn: &Connection) -> Result<Vec<(String, StateRow)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT rule, {STATE_COLUMNS} FROM alert_state
         ORDER BY state = 'firing' DESC, severity = 'critical' DESC, rule, subject"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, state_row(r, 1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Where a rule's evaluation stopped: the last sample's time, and its id (`None` in cursors
/// written before schema 5).
pub fn cursor(tx: &Transaction, rule: &str) -> Result<Option<(i64, Option<i64>)>> {
    Ok(tx
        .prepare_cached("SELECT ts, sample_id FROM alert_cursors WHERE rule = ?1")?
        .query_row([rule], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub fn set_cursor(tx: &Transaction, rule: &str, ts: i64, sample: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO alert_cursors (rule, ts, sample_id) VALUES (?1, ?2, ?3)",
    )?
    .execute((rule, ts, sample))?;
    Ok(())
}

/// One transition of one alert.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub ts: i64,
    pub rule: String,
    pub subject: String,
    pub event: String,
    pub severity: String,
    pub value: Option<f64>,
    pub message: String,
    pub silenced: bool,
    /// The host the rules judged (`None`: none is stored yet, or an event from before schema 11
    /// in a database of several hosts).
    pub host: Option<i64>,
}

pub fn record_event(tx: &Transaction, e: &EventRow) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO alert_events
           (ts, rule, subject, event, severity, value, message, silenced, host_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        e.ts, e.rule, e.subject, e.event, e.severity, e.value, e.message, e.silenced, e.host
    ])?;
    Ok(())
}

fn event_row(r: &Row) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        ts: r.get(0)?,
        rule: r.get(1)?,
        subject: r.get(2)?,
        event: r.get(3)?,
        severity: r.get(4)?,
        value: r.get(5)?,
        message: r.get(6)?,
        silenced: r.get(7)?,
        host: r.get(8)?,
    })
}

/// The events with `from <= ts < to`, in the order they happened.
pub fn events(conn: &Connection, from: i64, to: i64) -> Result<Vec<EventRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ts, rule, subject, event, severity, value, message, silenced, host_id
         FROM alert_events WHERE ts >= ?1 AND ts < ?2 ORDER BY ts, id",
    )?;
    let rows = stmt.query_map((from, to), event_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Queues a notification for a channel, in the transaction of the transition it tells of.
pub fn enqueue(tx: &Transaction, created: i64, channel: &str, payload: &str) -> Result<()> {
    tx.prepare_cached("INSERT INTO alert_outbox (created, channel, payload) VALUES (?1, ?2, ?3)")?
        .execute((created, channel, payload))?;
    Ok(())
}

/// A notification taken from the outbox for delivery.
#[derive(Debug, Clone)]
pub struct Queued {
    pub id: i64,
    pub channel: String,
    pub payload: String,
    pub created: i64,
}

/// Takes every notification not claimed by another run and claims it until `until`, in one
/// write transaction, so overlapping runs never send one twice.
pub fn claim(conn: &mut Connection, now: i64, until: i64) -> Result<Vec<Queued>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let rows = tx
        .prepare(
            "SELECT id, channel, payload, created FROM alert_outbox
             WHERE claimed_until <= ?1 ORDER BY id",
        )?
        .query_map([now], |r| {
            Ok(Queued {
                id: r.get(0)?,
                channel: r.get(1)?,
                payload: r.get(2)?,
                created: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    tx.execute(
        "UPDATE alert_outbox SET claimed_until = ?1 WHERE claimed_until <= ?2",
        (until, now),
    )?;
    tx.commit()?;
    Ok(rows)
}

/// A notification delivered (or given up on): it leaves the outbox.
pub fn done(tx: &Transaction, id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM alert_outbox WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// A failed delivery: the notification waits for the next run.
pub fn retry(tx: &Transaction, id: i64, error: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE alert_outbox SET attempts = attempts + 1, last_error = ?2, claimed_until = 0
         WHERE id = ?1",
    )?
    .execute((id, error))?;
    Ok(())
}

/// A stored maintenance window; `rules` is the JSON array of rule names (empty: every rule).
#[derive(Debug, Clone, PartialEq)]
pub struct WindowRow {
    pub id: i64,
    pub start: i64,
    pub end: i64,
    pub rules: String,
    pub reason: String,
}

/// The stored maintenance windows by start.
pub fn windows(conn: &Connection) -> Result<Vec<WindowRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, start, end, rules, reason FROM maintenance_windows ORDER BY start, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(WindowRow {
            id: r.get(0)?,
            start: r.get(1)?,
            end: r.get(2)?,
            rules: r.get(3)?,
            reason: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores a window; returns its id.
pub fn add_window(
    conn: &Connection,
    (start, end): (i64, i64),
    rules: &str,
    reason: &str,
    created: i64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO maintenance_windows (start, end, rules, reason, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        (start, end, rules, reason, created),
    )?;
    Ok(conn.last_insert_rowid())
}

/// Removes a stored window; false when there is none with this id.
pub fn delete_window(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.execute("DELETE FROM maintenance_windows WHERE id = ?1", [id])? > 0)
}

/// An acknowledgement of an alert (usage-alert ack).
#[derive(Debug, Clone, PartialEq)]
pub struct AckRow {
    pub id: i64,
    pub rule: String,
    pub subject: String,
    pub at: i64,
    pub until: Option<i64>,
    pub who: String,
    pub note: String,
    pub ended: Option<i64>,
    pub ended_by: Option<String>,
}

const ACK_COLUMNS: &str = "id, rule, subject, at, until, who, note, ended, ended_by";

fn ack_row(r: &Row) -> rusqlite::Result<AckRow> {
    Ok(AckRow {
        id: r.get(0)?,
        rule: r.get(1)?,
        subject: r.get(2)?,
        at: r.get(3)?,
        until: r.get(4)?,
        who: r.get(5)?,
        note: r.get(6)?,
        ended: r.get(7)?,
        ended_by: r.get(8)?,
    })
}

/// The acknowledgements in force (not ended), of one rule or of all (`None`).
pub fn open_acks(conn: &Connection, rule: Option<&str>) -> Result<Vec<AckRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ACK_COLUMNS} FROM alert_acks WHERE ended IS NULL AND (?1 IS NULL OR rule = ?1) \
         ORDER BY rule, subject"
    ))?;
    let rows = stmt.query_map([rule], ack_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The acknowledgements made or ended since `since`, oldest first, for the history.
pub fn acks_since(conn: &Connection, since: i64) -> Result<Vec<AckRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ACK_COLUMNS} FROM alert_acks WHERE at >= ?1 OR ended >= ?1 ORDER BY at, id"
    ))?;
    let rows = stmt.query_map([since], ack_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Acknowledges an alert; one already in force is replaced (its note and end are the new ones).
pub fn ack(
    tx: &Transaction,
    rule: &str,
    subject: &str,
    at: i64,
    until: Option<i64>,
    who: &str,
    note: &str,
) -> Result<()> {
    end_ack(tx, rule, subject, at, "unack")?;
    tx.prepare_cached(
        "INSERT INTO alert_acks (rule, subject, at, until, who, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![rule, subject, at, until, who, note])?;
    Ok(())
}

/// Ends the acknowledgement in force of an alert, if any; true when there was one.
pub fn end_ack(tx: &Transaction, rule: &str, subject: &str, at: i64, by: &str) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE alert_acks SET ended = ?3, ended_by = ?4 \
             WHERE rule = ?1 AND subject = ?2 AND ended IS NULL",
        )?
        .execute(params![rule, subject, at, by])?;
    Ok(n > 0)
}

/// A silence as stored; its matchers are JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct SilenceRow {
    pub id: i64,
    pub matchers: String,
    pub start: i64,
    pub end: i64,
    pub who: String,
    pub reason: String,
    pub noticed: Option<i64>,
}

/// Every silence, oldest first.
pub fn silences(conn: &Connection) -> Result<Vec<SilenceRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, matchers, start, end, who, reason, noticed FROM alert_silences ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SilenceRow {
            id: r.get(0)?,
            matchers: r.get(1)?,
            start: r.get(2)?,
            end: r.get(3)?,
            who: r.get(4)?,
            reason: r.get(5)?,
            noticed: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores a silence; returns its number.
pub fn add_silence(
    conn: &Connection,
    matchers: &str,
    span: (i64, i64),
    who: &str,
    reason: &str,
    now: i64,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO alert_silences (matchers, start, end, who, reason, created) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![matchers, span.0, span.1, who, reason, now])?;
    Ok(conn.last_insert_rowid())
}

/// Ends a silence now (one that has ended already is left, one still to come ends before it
/// begins); false when there is no such one.
pub fn expire_silence(conn: &Connection, id: i64, now: i64) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE alert_silences SET start = min(start, ?2), end = min(end, ?2) WHERE id = ?1",
        )?
        .execute(params![id, now])?;
    Ok(n == 1)
}

/// Marks a silence's end as told.
pub fn silence_noticed(tx: &Transaction, id: i64, now: i64) -> Result<()> {
    tx.prepare_cached("UPDATE alert_silences SET noticed = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}
