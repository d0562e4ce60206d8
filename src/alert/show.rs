//! What usage-alert shows people: the dry run, the alerts in force, the history, the rules.

use std::io::Write;

use anyhow::Result;
use rusqlite::Connection;

use super::config::Alerts;
use super::rule::Severity;
use super::{Evaluation, FormatArgs, HistoryArgs, OutagesArgs, ResolveArgs, route};
use crate::cli::{Format, UsageError};
use crate::db;
use crate::env::Env;
use crate::metric;
use crate::render::{Cell, Rows};
use crate::time::{self, Zone};

pub fn dry_run(evaluation: &Evaluation, format: Option<Format>, env: &mut Env) -> Result<()> {
    let rows = Rows {
        columns: vec![
            "time", "rule", "subject", "event", "severity", "value", "notify", "message",
        ],
        rows: evaluation
            .happened
            .iter()
            .map(|h| {
                let notify = if h.event.silenced {
                    "silenced".to_string()
                } else if h.channels.is_empty() {
                    "-".to_string()
                } else {
                    h.channels.join(" ")
                };
                vec![
                    Cell::Time(Zone::Local.time(h.event.ts)),
                    Cell::Text(h.rule.name.clone()),
                    Cell::Text(h.subject.clone()),
                    Cell::Text(h.event.kind.as_str().into()),
                    Cell::Text(h.event.severity.as_str().into()),
                    h.event.value.map_or(Cell::Null, |v| Cell::Num(v, 2)),
                    Cell::Text(notify),
                    Cell::Text(h.payload["message"].as_str().unwrap_or("").into()),
                ]
            })
            .collect(),
    };
    rows.write(Format::or_default(format, env), &mut env.stdout)?;
    env.say(format!(
        "{}; {} firing; dry run: nothing recorded, nobody notified",
        crate::render::counted(evaluation.happened.len(), "event"),
        crate::render::counted(evaluation.firing, "alert")
    ));
    Ok(())
}

/// The open outages, or with --since every outage since then.
pub fn outages(conn: &Connection, now: i64, args: &OutagesArgs, env: &mut Env) -> Result<()> {
    let rows = match &args.since {
        None => db::probes::outages(conn, i64::MIN, i64::MAX, true)?,
        Some(text) => db::probes::outages(conn, since(text, now)?, i64::MAX, false)?,
    };
    let zone = Zone::Local;
    let rows = rows
        .into_iter()
        .map(|o| {
            let end = o.ended.unwrap_or(now);
            vec![
                Cell::Int(o.id),
                Cell::Text(o.host),
                Cell::Text(o.probe),
                Cell::Time(zone.time(o.started)),
                o.ended.map_or(Cell::Null, |t| Cell::Time(zone.time(t))),
                Cell::Text(time::show_duration(end - o.started)),
                Cell::Text(o.severity),
                Cell::Text(o.priority),
                Cell::Text(o.closed_by.unwrap_or_else(|| "open".into())),
                Cell::Text(o.cause),
                Cell::Text(o.note),
            ]
        })
        .collect();
    Rows {
        columns: vec![
            "id",
            "host",
            "probe",
            "started",
            "ended",
            "duration",
            "severity",
            "priority",
            "closed_by",
            "cause",
            "note",
        ],
        rows,
    }
    .write(Format::or_default(args.format.format, env), &mut env.stdout)?;
    Ok(())
}

/// Closes an open outage by hand.
pub fn resolve_outage(
    conn: &mut Connection,
    now: i64,
    args: &ResolveArgs,
    env: &mut Env,
) -> Result<()> {
    let note = args.note.trim();
    if note.is_empty() {
        return Err(UsageError("--note is empty (say why the outage is closed)".into()).into());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let Some(outage) = db::probes::outage(&tx, args.id)? else {
        return Err(UsageError(format!(
            "no outage {} (usage-alert outages --since -30d lists them)",
            args.id
        ))
        .into());
    };
    if let Some(ended) = outage.ended {
        return Err(UsageError(format!(
            "outage {} of probe '{}' closed at {} already",
            outage.id,
            outage.probe,
            time::show_local(ended)
        ))
        .into());
    }
    db::probes::close_outage(&tx, outage.id, now, &outage.severity, "hand", note)?;
    db::probes::reset_streak_of(&tx, outage.id)?;
    tx.commit()?;
    if env.stdout_is_terminal {
        writeln!(
            env.stdout,
            "outage {} of probe '{}' closed after {}",
            outage.id,
            outage.probe,
            time::show_duration(now - outage.started)
        )?;
    }
    Ok(())
}

/// An alert as people name it: the rule, and its subject in parentheses.
pub fn alert_name(rule: &str, subject: &str) -> String {
    if subject.is_empty() {
        rule.to_string()
    } else {
        format!("{rule} ({subject})")
    }
}

/// The alerts' state; `held_by(rule, subject)` says what holds an alert's notifications back
/// now (a maintenance window, a silence).
pub fn status(
    conn: &Connection,
    args: &FormatArgs,
    held_by: &dyn Fn(&str, &str) -> Option<String>,
    env: &mut Env,
) -> Result<()> {
    let zone = Zone::Local;
    let time = |t: Option<i64>| t.map_or(Cell::Null, |t| Cell::Time(zone.time(t)));
    let acks = db::alerts::open_acks(conn, None)?;
    let rows = db::alerts::all_states(conn)?
        .into_iter()
        .map(|(rule, s)| {
            let ack = acks
                .iter()
                .find(|a| a.rule == rule && a.subject == s.subject);
            let text = |f: &dyn Fn(&db::alerts::AckRow) -> String| {
                ack.map_or(Cell::Null, |a| Cell::Text(f(a)))
            };
            let held = held_by(&rule, &s.subject).map_or(Cell::Null, Cell::Text);
            vec![
                Cell::Text(rule),
                Cell::Text(s.subject),
                Cell::Text(s.state),
                Cell::Text(s.severity),
                time(Some(s.since)),
                time(s.fired),
                s.value.map_or(Cell::Null, |v| Cell::Num(v, 2)),
                time(s.notified),
                text(&|a| a.who.clone()),
                text(&|a| a.note.clone()),
                ack.and_then(|a| a.until)
                    .map_or(Cell::Null, |u| Cell::Time(zone.time(u))),
                held,
            ]
        })
        .collect();
    Rows {
        columns: vec![
            "rule",
            "subject",
            "state",
            "severity",
            "since",
            "fired",
            "value",
            "notified",
            "acked_by",
            "ack_note",
            "ack_until",
            "held_by",
        ],
        rows,
    }
    .write(Format::or_default(args.format, env), &mut env.stdout)?;
    Ok(())
}

/// A `--since` value: a time, or `-DURATION` back from `now`.
fn since(text: &str, now: i64) -> Result<i64> {
    Ok(match text.strip_prefix('-') {
        Some(d) => {
            now - time::parse_duration(d).map_err(|e| UsageError(format!("--since: {e}")))?
        }
        None => time::parse_time(text, now).map_err(|e| UsageError(format!("--since: {e}")))?,
    })
}

pub fn history(conn: &Connection, now: i64, args: &HistoryArgs, env: &mut Env) -> Result<()> {
    let since = match &args.since {
        None => now - 7 * 86_400,
        Some(text) => since(text, now)?,
    };
    let zone = Zone::Local;
    let wanted = |rule: &str| args.rule.is_empty() || args.rule.iter().any(|r| r == rule);
    let mut rows: Vec<(i64, Vec<Cell>)> = db::alerts::events(conn, since, i64::MAX)?
        .into_iter()
        .filter(|e| wanted(&e.rule))
        .map(|e| {
            (
                e.ts,
                vec![
                    Cell::Time(zone.time(e.ts)),
                    Cell::Text(e.rule),
                    Cell::Text(e.subject),
                    Cell::Text(e.event),
                    Cell::Text(e.severity),
                    e.value.map_or(Cell::Null, |v| Cell::Num(v, 2)),
                    Cell::Bool(e.silenced),
                    Cell::Text(e.message),
                ],
            )
        })
        .collect();
    // Acknowledgements, as events of their own: who, why, and how each ended.
    for a in db::alerts::acks_since(conn, since)?
        .into_iter()
        .filter(|a| wanted(&a.rule))
    {
        let row = |ts: i64, event: &str, message: String| {
            (
                ts,
                vec![
                    Cell::Time(zone.time(ts)),
                    Cell::Text(a.rule.clone()),
                    Cell::Text(a.subject.clone()),
                    Cell::Text(event.into()),
                    Cell::Null,
                    Cell::Null,
                    Cell::Bool(false),
                    Cell::Text(message),
                ],
            )
        };
        if a.at >= since {
            let mut said = format!("by {}", a.who);
            if !a.note.is_empty() {
                said.push_str(&format!(": {}", a.note));
            }
            if let Some(u) = a.until {
                said.push_str(&format!(" (until {})", time::show_local(u)));
            }
            rows.push(row(a.at, "acknowledged", said));
        }
        if let (Some(ended), Some(by)) = (a.ended, &a.ended_by) {
            let how = match by.as_str() {
                "resolved" => "the alert resolved".to_string(),
                "expired" => "it ran out".to_string(),
                _ => "taken back".to_string(),
            };
            rows.push(row(ended, "unacknowledged", how));
        }
    }
    // Stable: events before the acknowledgements of the same second.
    rows.sort_by_key(|r| r.0);
    let rows = rows.into_iter().map(|r| r.1).collect();
    Rows {
        columns: vec![
            "time", "rule", "subject", "event", "severity", "value", "silenced", "message",
        ],
        rows,
    }
    .write(Format::or_default(args.format.format, env), &mut env.stdout)?;
    Ok(())
}

pub fn rules(alerts: &Alerts, args: &FormatArgs, env: &mut Env) -> Result<()> {
    let rows = alerts
        .rules
        .iter()
        .map(|r| {
            let unit = r.metric.unit();
            let steps = r
                .steps
                .iter()
                .map(|(t, s)| format!("{} {s}", metric::show_value(*t, unit)))
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                Cell::Text(r.name.clone()),
                Cell::Text(r.when.clone()),
                Cell::Text(steps),
                Cell::Text(metric::show_value(r.resolve, unit)),
                Cell::Text(if r.repeat == 0 {
                    "never".into()
                } else {
                    time::show_duration(r.repeat)
                }),
                r.escalate_after
                    .map_or(Cell::Null, |e| Cell::Text(time::show_duration(e))),
                Cell::Text(route(alerts, r, Severity::Critical).join(" ")),
                Cell::Text(r.origin.clone()),
            ]
        })
        .collect();
    Rows {
        columns: vec![
            "rule",
            "when",
            "thresholds",
            "resolve",
            "repeat",
            "escalate_after",
            "channels",
            "defined",
        ],
        rows,
    }
    .write(Format::or_default(args.format, env), &mut env.stdout)?;
    Ok(())
}
