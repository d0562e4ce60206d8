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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::samples::Span;
    use std::net::TcpListener;

    const T0: i64 = 1_000_000;

    fn tcp_probe(id: &str, port: u16) -> Probe {
        let text = format!(
            "[[probe]]\nid = \"{id}\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{port}\"\npriority = \"low\"\ntimeout = \"2s\"\n"
        );
        let p = crate::probe::config::load(Some(std::path::Path::new("c.toml")), Some(&text));
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        p.probes[0].clone()
    }

    /// A loopback port nothing listens on (bound and let go).
    fn closed_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    fn settings(fail_after: u32, retention_days: u32) -> ProbesSection {
        ProbesSection {
            budget: crate::config::Scalar::Int(5),
            fail_after,
            recover_after: 1,
            verify: true,
            retention_days,
        }
    }

    fn results(conn: &Connection) -> Vec<ResultRow> {
        let tx = conn.unchecked_transaction().unwrap();
        let host = host_id(&tx, "box").unwrap();
        let span = Span {
            from: i64::MIN,
            to: i64::MAX,
            after_id: 0,
        };
        store::results_in(&tx, host, span).unwrap()
    }

    fn severity(conn: &Connection) -> String {
        let o = store::outages(conn, i64::MIN, i64::MAX, false).unwrap();
        assert_eq!(o.len(), 1);
        o[0].severity.clone()
    }

    #[test]
    fn the_settings_are_the_rules() {
        let r = rules(&ProbesSection {
            fail_after: 4,
            recover_after: 2,
            verify: false,
            ..ProbesSection::default()
        });
        assert_eq!((r.fail_after, r.recover_after, r.verify), (4, 2, false));
    }

    #[test]
    fn a_probe_is_due_a_tenth_of_its_interval_early_at_most_ten_seconds() {
        let mut p = tcp_probe("a", 1);
        p.interval = 60;
        assert!(due(&p, None, T0));
        assert!(due(&p, Some(T0), T0 + 54) && !due(&p, Some(T0), T0 + 53));
        p.interval = 300;
        assert!(due(&p, Some(T0), T0 + 290) && !due(&p, Some(T0), T0 + 289));
        p.active = false;
        assert!(!due(&p, None, T0));
    }

    #[test]
    fn a_recheck_adds_its_attempts_and_says_what_it_saw() {
        let down = |detail: &str, attempts| Reading {
            attempts,
            ..Reading::down(probe::Failure::Refused, detail)
        };
        let up = Reading::up(1.5, "connected");
        let r = verified(&down("connection refused", 2), up);
        assert!(r.up && r.ms == Some(1.5) && r.failure.is_none());
        assert_eq!(r.attempts, 3);
        assert_eq!(
            r.detail,
            "connected (after a failed check: connection refused)"
        );
        let r = verified(&down("connection refused", 1), down("timeout", 1));
        assert!(!r.up && r.failure == Some(probe::Failure::Refused));
        assert_eq!(r.attempts, 2);
        assert_eq!(r.detail, "connection refused (confirmed by a re-check)");
    }

    #[test]
    fn an_outage_opens_rises_and_closes_with_its_severity_by_its_age() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open(&dir.path().join("u.db")).unwrap();
        let port = closed_port();
        let probes = [tcp_probe("db", port)];
        let s = settings(2, 1);
        let run_at = |conn: &mut Connection, t: i64| {
            let done = run(conn, "box", &probes, &s, t, true).unwrap();
            assert_eq!(done.len(), 1);
            done.into_iter().next().unwrap()
        };
        // The first failure is not checked again: it cannot open an outage.
        let d = run_at(&mut conn, T0);
        assert!(!d.row.up && d.row.attempts == 1, "{:?}", d.row.detail);
        assert!(matches!(d.change, Change::None));
        // The second is, and opens one from the first failure: a low-priority outage 1900 s
        // old is minor (warning, and minor from 30 minutes).
        let d = run_at(&mut conn, T0 + 1900);
        assert!(matches!(d.change, Change::Opened { start: T0 }));
        assert_eq!(d.row.attempts, 2);
        assert!(d.row.detail.ends_with("(confirmed by a re-check)"));
        assert_eq!(severity(&conn), "minor");
        // Still down 2500 s in: stored again by its age.
        let d = run_at(&mut conn, T0 + 2500);
        assert!(matches!(d.change, Change::None) && d.row.outage.is_some());
        assert_eq!(severity(&conn), "minor");
        // Up at 3000 s: closed by recovery, 50 minutes long, minor.
        let _listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let d = run_at(&mut conn, T0 + 3000);
        assert!(matches!(d.change, Change::Closed { end } if end == T0 + 3000));
        let o = &store::outages(&conn, i64::MIN, i64::MAX, false).unwrap()[0];
        assert_eq!(
            (o.ended, o.severity.as_str(), o.closed_by.as_deref()),
            (Some(T0 + 3000), "minor", Some("recovery"))
        );
        // Results older than a day go, those within it stay; the outage stays.
        run_at(&mut conn, T0 + 2 * 86_400 - 3600);
        run_at(&mut conn, T0 + 2 * 86_400);
        let kept: Vec<i64> = results(&conn).iter().map(|r| r.ts).collect();
        assert_eq!(kept, [T0 + 2 * 86_400 - 3600, T0 + 2 * 86_400]);
        assert_eq!(
            store::outages(&conn, i64::MIN, i64::MAX, false)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn a_success_is_not_checked_again_and_retention_0_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open(&dir.path().join("u.db")).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let probes = [tcp_probe("web", listener.local_addr().unwrap().port())];
        // One failure would open an outage, so every failure is checked again; a success is not.
        let s = settings(1, 0);
        for t in [T0, T0 + 400 * 86_400] {
            let done = run(&mut conn, "box", &probes, &s, t, true).unwrap();
            assert!(done[0].row.up, "{}", done[0].row.detail);
            assert_eq!(done[0].row.attempts, 1, "{}", done[0].row.detail);
        }
        assert_eq!(results(&conn).len(), 2);
        // Asked for, a probe runs whether due or not; otherwise not before its interval.
        let again = T0 + 400 * 86_400 + 1;
        assert_eq!(
            run(&mut conn, "box", &probes, &s, again, true)
                .unwrap()
                .len(),
            1
        );
        assert!(
            run(&mut conn, "box", &probes, &s, again + 1, false)
                .unwrap()
                .is_empty()
        );
        assert_eq!(results(&conn).len(), 3);
    }
}
