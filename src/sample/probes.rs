//! usage-sample's probes: which are due, running them within the budget, the re-check before an
//! outage opens, and storing results, streaks and outages in one transaction.

use std::time::{Duration, Instant};

use anyhow::Result;
use rusqlite::{Connection, TransactionBehavior};

use crate::config::ProbesSection;
use crate::db::probes::{self as store, ResultRow, StreakRow};
use crate::db::samples::host_id;
use crate::probe::outage::{self, Change, Rules, Streak};
use crate::probe::{self, Probe, Reading};
use crate::render::{Cell, Rows};

/// A probe's result as stored, with what it changed.
pub struct Done {
    pub row: ResultRow,
    pub change: Change,
}

pub fn rules(s: &ProbesSection) -> Rules {
    Rules {
        fail_after: s.fail_after,
        recover_after: s.recover_after,
        verify: s.verify,
    }
}

/// A probe is due once its interval has passed since its latest result, give or take a tenth
/// of it (at most 10 s): a cron job started a second early still runs a one-minute probe.
fn due(probe: &Probe, last_run: Option<i64>, now: i64) -> bool {
    let slack = (probe.interval / 10).min(10);
    probe.active && last_run.is_none_or(|last| now - last >= probe.interval - slack)
}

/// Runs `chosen` (all of them, or the due ones of the active probes) and stores the results;
/// returns them in the probes' order.
pub fn run(
    conn: &mut Connection,
    host: &str,
    probes: &[Probe],
    settings: &ProbesSection,
    now: i64,
    all: bool,
) -> Result<Vec<Done>> {
    let rules = rules(settings);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(settings.budget_secs() as u64);
    let streaks = {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let host = host_id(&tx, host)?;
        let mut streaks = Vec::with_capacity(probes.len());
        for p in probes {
            streaks.push(load(&tx, host, &p.id)?);
        }
        tx.commit()?;
        streaks
    };
    let chosen: Vec<usize> = (0..probes.len())
        .filter(|&i| all || due(&probes[i], streaks[i].0.map(|s| s.last_run), now))
        .collect();
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    let batch: Vec<Probe> = chosen.iter().map(|&i| probes[i].clone()).collect();
    let mut readings = probe::run_all(&batch, deadline);
    // A failure that would open an outage is checked once more at once.
    if rules.verify {
        let again: Vec<usize> = (0..batch.len())
            .filter(|&k| {
                let r = &readings[k];
                !r.up
                    && r.failure != Some(probe::Failure::Budget)
                    && streaks[chosen[k]].1.would_open(&rules)
            })
            .collect();
        if !again.is_empty() {
            let subset: Vec<Probe> = again.iter().map(|&k| batch[k].clone()).collect();
            let rechecked = probe::run_all(&subset, deadline);
            for (k, second) in again.into_iter().zip(rechecked) {
                readings[k] = verified(&readings[k], second);
            }
        }
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let host_key = host_id(&tx, host)?;
    let mut done = Vec::with_capacity(batch.len());
    for (k, reading) in readings.into_iter().enumerate() {
        let p = &batch[k];
        // Read again inside the write transaction: another run may have stored a result since.
        let (stored, mut streak) = load(&tx, host_key, &p.id)?;
        let open_since = streak.open_since;
        let change = streak.add(now, reading.up, &rules);
        let mut outage = stored.and_then(|s| s.outage);
        match change {
            Change::Opened { start } => {
                let severity = outage::severity(p.priority, now - start);
                outage = Some(store::open_outage(
                    &tx,
                    host_key,
                    &p.id,
                    start,
                    severity.as_str(),
                    p.priority.as_str(),
                    &reading.detail,
                )?);
            }
            Change::Closed { end } => {
                if let (Some(id), Some(started)) = (outage.take(), open_since) {
                    let severity = outage::severity(p.priority, end - started);
                    store::close_outage(&tx, id, end, severity.as_str(), "recovery", "")?;
                }
            }
            Change::None => {
                if let (Some(id), Some(start)) = (outage, streak.open_since) {
                    let severity = outage::severity(p.priority, now - start);
                    store::set_severity(&tx, id, severity.as_str())?;
                }
            }
        }
        let row = result_row(&p.id, now, &reading, outage);
        store::insert_result(&tx, host_key, &row)?;
        store::save_streak(
            &tx,
            host_key,
            &p.id,
            &StreakRow {
                fails: i64::from(streak.fails),
                first_fail: streak.first_fail,
                oks: i64::from(streak.oks),
                first_ok: streak.first_ok,
                last_run: now,
                outage,
            },
        )?;
        done.push(Done { row, change });
    }
    if settings.retention_days > 0 {
        store::prune(
            &tx,
            host_key,
            now - i64::from(settings.retention_days) * 86_400,
        )?;
    }
    tx.commit()?;
    Ok(done)
}

/// A probe's stored streak, and the same as the outage rules see it (with its open outage's
/// start).
fn load(tx: &rusqlite::Transaction, host: i64, probe: &str) -> Result<(Option<StreakRow>, Streak)> {
    let Some(s) = store::streak(tx, host, probe)? else {
        return Ok((None, Streak::default()));
    };
    let open_since = match s.outage {
        Some(id) => store::outage_started(tx, id)?,
        None => None,
    };
    let count = |n: i64| n.clamp(0, i64::from(u32::MAX)) as u32;
    let streak = Streak {
        fails: count(s.fails),
        first_fail: s.first_fail,
        oks: count(s.oks),
        first_ok: s.first_ok,
        open_since,
    };
    Ok((Some(s), streak))
}

/// The result of a failure and its immediate re-check.
fn verified(first: &Reading, second: Reading) -> Reading {
    let attempts = first.attempts + second.attempts;
    if second.up {
        Reading {
            attempts,
            detail: format!("{} (after a failed check: {})", second.detail, first.detail),
            ..second
        }
    } else {
        Reading {
            attempts,
            detail: format!("{} (confirmed by a re-check)", first.detail),
            ..first.clone()
        }
    }
}

fn result_row(probe: &str, ts: i64, r: &Reading, outage: Option<i64>) -> ResultRow {
    ResultRow {
        probe: probe.to_string(),
        ts,
        up: r.up,
        ms: r.ms,
        min_ms: r.min_ms,
        max_ms: r.max_ms,
        loss: r.loss,
        status: r.status,
        failure: r.failure.map(|f| f.as_str().to_string()),
        detail: r.detail.clone(),
        cert_expiry: r.cert_expiry,
        attempts: i64::from(r.attempts),
        outage,
    }
}

/// The results as rows for `--print` and `--probe`.
pub fn rows(probes: &[Probe], done: &[Done], now: i64) -> Rows {
    let rows = done
        .iter()
        .map(|d| {
            let p = probes.iter().find(|p| p.id == d.row.probe);
            let r = &d.row;
            let change = match d.change {
                Change::Opened { .. } => "outage opened",
                Change::Closed { .. } => "outage closed",
                Change::None if r.outage.is_some() => "outage open",
                Change::None => "",
            };
            vec![
                Cell::Text(r.probe.clone()),
                Cell::Text(p.map_or("", |p| p.check.kind()).to_string()),
                Cell::Text(p.map_or_else(String::new, |p| p.target.clone())),
                Cell::Text(if r.up { "up" } else { "down" }.into()),
                r.ms.map_or(Cell::Null, |ms| Cell::Num(ms, 2)),
                r.loss.map_or(Cell::Null, |l| Cell::Num(l, 1)),
                r.status.map_or(Cell::Null, Cell::Int),
                r.cert_expiry
                    .map_or(Cell::Null, |t| Cell::Int((t - now).div_euclid(86_400))),
                Cell::Text(r.failure.clone().unwrap_or_default()),
                Cell::Text(change.into()),
                Cell::Text(r.detail.clone()),
            ]
        })
        .collect();
    Rows {
        columns: vec![
            "probe",
            "kind",
            "target",
            "state",
            "ms",
            "loss_percent",
            "status",
            "tls_days_left",
            "failure",
            "outage",
            "detail",
        ],
        rows,
    }
}
