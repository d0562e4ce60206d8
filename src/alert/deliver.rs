//! Delivery: the outbox the evaluation filled is claimed, each channel's notifications are sent
//! on its own thread, and what failed waits for the next run (for up to a day).

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use rusqlite::{Connection, TransactionBehavior};
use serde_json::Value;

use super::config::{Alerts, Channel, Group, Kind as ChannelKind};
use super::notify;
use crate::db;
use crate::env::Env;

/// How long a run may take to deliver what it claimed before another run may try again.
const CLAIM: i64 = 900;
/// A notification that could not be delivered for this long is dropped (and said so).
const GIVE_UP: i64 = 86_400;

/// A notification taken from the outbox, its payload parsed.
struct Queued {
    id: i64,
    payload: Value,
    created: i64,
}

/// Claims the outbox, delivers each channel's notifications on its own thread, and keeps the
/// failed ones for the next run. Returns one line per failure.
pub fn outbox(
    conn: &mut Connection,
    alerts: &Alerts,
    now: i64,
    env: &mut Env,
) -> Result<Vec<String>> {
    let claimed = db::alerts::claim(conn, now, now + CLAIM)?;
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_channel: BTreeMap<String, Vec<Queued>> = BTreeMap::new();
    for q in claimed {
        let payload = serde_json::from_str(&q.payload).unwrap_or(Value::Null);
        by_channel.entry(q.channel).or_default().push(Queued {
            id: q.id,
            payload,
            created: q.created,
        });
    }
    let mut results: Vec<(i64, i64, Result<(), String>)> = Vec::new();
    let mut failures = Vec::new();
    let delivery = notify::DeliveryEnv::new(env);
    let mut threaded: Vec<(&Channel, Vec<Queued>)> = Vec::new();
    for (name, items) in by_channel {
        match alerts.channel(&name) {
            None => {
                failures.push(format!(
                    "channel '{name}' is no longer configured: {} for it dropped",
                    crate::render::counted(items.len(), "notification")
                ));
                for q in items {
                    results.push((q.id, q.created, Ok(())));
                }
            }
            Some(channel) if matches!(channel.kind, ChannelKind::Console) => {
                for Queued {
                    id,
                    payload,
                    created,
                } in items
                {
                    writeln!(env.stdout, "{}", notify::console_line(&payload))?;
                    results.push((id, created, Ok(())));
                }
            }
            Some(channel) => threaded.push((channel, items)),
        }
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = threaded
            .into_iter()
            .map(|(channel, items)| {
                let delivery = &delivery;
                scope.spawn(move || {
                    let mut out = Vec::new();
                    let mut broken: Option<String> = None;
                    for batch in batches(channel.group, items) {
                        // Once a channel fails, the rest of its queue waits for the next run
                        // rather than each waiting out the same timeout.
                        let result = match &broken {
                            Some(e) => Err(e.clone()),
                            None => {
                                let payload = match batch.as_slice() {
                                    [one] => one.payload.clone(),
                                    many => notify::grouped(
                                        &many.iter().map(|q| q.payload.clone()).collect::<Vec<_>>(),
                                    ),
                                };
                                notify::deliver(channel, &payload, delivery)
                                    .map_err(|e| crate::cli::one_line(&e))
                            }
                        };
                        if let Err(e) = &result {
                            broken.get_or_insert_with(|| e.clone());
                        }
                        for q in batch {
                            out.push((q.id, q.created, result.clone()));
                        }
                    }
                    (channel.name.clone(), out)
                })
            })
            .collect();
        for handle in handles {
            if let Ok((name, out)) = handle.join() {
                let failed: Vec<&String> = out.iter().filter_map(|r| r.2.as_ref().err()).collect();
                if let Some(first) = failed.first() {
                    failures.push(format!(
                        "channel '{name}': {first}; {} kept for the next run",
                        crate::render::counted(failed.len(), "notification")
                    ));
                }
                results.extend(out);
            }
        }
    });
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (id, created, result) in results {
        match result {
            Ok(()) => db::alerts::done(&tx, id)?,
            Err(_) if now - created >= GIVE_UP => {
                db::alerts::done(&tx, id)?;
                failures.push(format!(
                    "notification #{id} could not be delivered for a day and was dropped"
                ));
            }
            Err(e) => db::alerts::retry(&tx, id, &e)?,
        }
    }
    tx.commit()?;
    Ok(failures)
}

/// A channel's queue as the messages it is sent in: all together (`run`), together per rule,
/// or one by one; in the order they were queued.
fn batches(group: Group, items: Vec<Queued>) -> Vec<Vec<Queued>> {
    match group {
        Group::None => items.into_iter().map(|q| vec![q]).collect(),
        Group::Run if items.is_empty() => Vec::new(),
        Group::Run => vec![items],
        Group::Rule => {
            let mut by_rule: Vec<(String, Vec<Queued>)> = Vec::new();
            for q in items {
                let rule = q.payload["rule"].as_str().unwrap_or_default().to_string();
                match by_rule.iter_mut().find(|(r, _)| *r == rule) {
                    Some((_, batch)) => batch.push(q),
                    None => by_rule.push((rule, vec![q])),
                }
            }
            by_rule.into_iter().map(|(_, batch)| batch).collect()
        }
    }
}
