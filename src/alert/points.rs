//! The points a rule watches, read from the stored record: per sample (replayed in order) or,
//! for the age of the newest sample and the quotas, once at the time of the run.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use rusqlite::Connection;

use super::config::Rule;
use crate::activity::{self, MICROS};
use crate::db;
use crate::db::probes::ResultRow;
use crate::db::samples::{self, DiskRow, Named, NetRow, SampleRow, Span, UserRow};
use crate::ledger::{self, Cycle, forecast};
use crate::metric::{self, Metric, Source};

/// One value of one series: (time, subject, value). The subject is the label's value (a mount,
/// interface, user or location), empty for machine-wide metrics.
pub type Point = (i64, String, f64);

/// The stored rows one evaluation reads, kept for the rules that watch the same rows over the
/// same span: fifty rules over a day of catching up read each table once, not once per rule.
#[derive(Default)]
pub struct Rows {
    samples: HashMap<Span, Vec<SampleRow>>,
    disks: HashMap<Span, Vec<DiskRow>>,
    nets: HashMap<Span, Vec<NetRow>>,
    users: HashMap<Span, Vec<UserRow>>,
    probes: HashMap<Span, Vec<ResultRow>>,
}

/// The rows of `span` from `cache`, read through `read` the first time.
fn cached<T>(
    cache: &mut HashMap<Span, Vec<T>>,
    span: Span,
    read: impl FnOnce(&mut Vec<T>) -> Result<()>,
) -> Result<&[T]> {
    if let std::collections::hash_map::Entry::Vacant(slot) = cache.entry(span) {
        let mut rows = Vec::new();
        read(&mut rows)?;
        slot.insert(rows);
    }
    Ok(cache.get(&span).map_or(&[], Vec::as_slice))
}

impl Rows {
    /// The sample values of `rule` in `span`, in time order (by subject within a sample).
    pub fn points(
        &mut self,
        conn: &Connection,
        rule: &Rule,
        host: i64,
        span: Span,
    ) -> Result<Vec<Point>> {
        let m = rule.metric;
        let wanted = |subject: &str| rule.filter.as_deref().is_none_or(|f| f == subject);
        let point = |ts: i64, subject: &str, value: Option<f64>| {
            value
                .filter(|_| wanted(subject))
                .map(|v| (ts, subject.to_string(), v))
        };
        Ok(match m.source() {
            Source::Samples => cached(&mut self.samples, span, |rows| {
                samples::each_sample(conn, host, span, |s| rows.push(s))
            })?
            .iter()
            .filter_map(|s| point(s.ts, "", metric::of_sample(m, s)))
            .collect(),
            Source::Disks => cached(&mut self.disks, span, |rows| {
                samples::each_disk(conn, host, span, None, |d| rows.push(d))
            })?
            .iter()
            .filter_map(|d| point(d.ts, &d.mount, metric::of_disk(m, d)))
            .collect(),
            Source::Interfaces => cached(&mut self.nets, span, |rows| {
                samples::each_net(conn, host, span, None, |n| rows.push(n))
            })?
            .iter()
            .filter_map(|n| point(n.ts, &n.interface, metric::of_net(m, n)))
            .collect(),
            Source::Users => cached(&mut self.users, span, |rows| {
                samples::each_user(conn, host, span, None, |u| rows.push(u))
            })?
            .iter()
            .filter_map(|u| point(u.ts, &u.user, metric::of_user(m, u)))
            .collect(),
            Source::Probes => cached(&mut self.probes, span, |rows| {
                *rows = db::probes::results_in(conn, host, span)?;
                Ok(())
            })?
            .iter()
            .filter_map(|r| point(r.ts, &r.probe, metric::of_probe(m, r)))
            .collect(),
            Source::Clock => Vec::new(),
        })
    }
}

/// Checks that a rule's label names something recorded, so a typing error is reported rather
/// than watching nothing forever.
pub fn check_subject(conn: &Connection, rule: &Rule, host: Option<i64>) -> Result<()> {
    let (Some(name), Some(label)) = (&rule.filter, rule.metric.label()) else {
        return Ok(());
    };
    // Anyone may log in or start an application later: a user or app not seen yet is no
    // typing error.
    if matches!(
        rule.metric,
        Metric::LoginHoursToday | Metric::AppHoursToday | Metric::AppErrors
    ) {
        return Ok(());
    }
    let named = match rule.metric.source() {
        Source::Disks => Named::Mounts,
        Source::Interfaces => Named::Interfaces,
        Source::Users => Named::Users,
        Source::Probes => {
            let Some(host) = host else {
                return Ok(());
            };
            let known = db::probes::names(conn, host)?;
            if known.is_empty() || known.contains(name) {
                return Ok(());
            }
            return Err(anyhow!(
                "no probe '{name}' has results on this host (probed: {})",
                known.join(", ")
            ));
        }
        _ => {
            let location = db::ledger::lookup_location(conn, name)?
                .ok_or_else(|| db::ledger::unknown_location(conn, name).unwrap_or_else(|e| e))?;
            if location.quota.is_none() {
                return Err(anyhow!(
                    "location '{}' has no quota (set one: usage-import locations set {} --quota GB)",
                    location.name,
                    location.name
                ));
            }
            return Ok(());
        }
    };
    // Nothing stored yet for this host: there is nothing to compare against.
    let Some(host) = host else {
        return Ok(());
    };
    let known = samples::names(conn, host, named)?;
    if known.is_empty() || known.contains(name) {
        return Ok(());
    }
    Err(anyhow!(
        "no {label} '{name}' is recorded on this host (recorded: {})",
        known.join(", ")
    ))
}

/// When a run looks at the clock metrics, and the settings they are figured with.
pub struct Clock {
    pub now: i64,
    pub today: NaiveDate,
    pub billing_day: u8,
    /// The sessions' idle timeout, in seconds.
    pub idle: i64,
}

/// The value of a clock metric at `now`, per subject; `newest` is the newest sample's time.
pub fn clock_points(
    conn: &Connection,
    rule: &Rule,
    host: Option<i64>,
    newest: Option<i64>,
    clock: &Clock,
) -> Result<Vec<Point>> {
    let Clock {
        now,
        today,
        billing_day,
        idle,
    } = *clock;
    let wanted = |subject: &String| rule.filter.as_ref().is_none_or(|f| f == subject);
    match rule.metric {
        Metric::AppHoursToday => {
            let Some(host) = host else {
                return Ok(Vec::new());
            };
            let (midnight, now_us, idle) = (
                crate::time::Zone::Local.midnight(today) * MICROS,
                now * MICROS,
                idle * MICROS,
            );
            let stored = db::activity::overlapping(conn, host, midnight, now_us + 1, idle)?;
            let mut per_user: std::collections::BTreeMap<String, i64> = Default::default();
            for s in stored
                .into_iter()
                .map(|r| activity::derive(r, idle, now_us))
            {
                let (from, to) = (s.begin.max(midnight), s.finish.min(now_us));
                *per_user.entry(s.row.user).or_default() += (to - from).max(0);
            }
            Ok(per_user
                .into_iter()
                .filter(|(user, _)| wanted(user))
                .map(|(user, micros)| (now, user, micros as f64 / 3.6e9))
                .collect())
        }
        Metric::AppErrors => {
            let Some(host) = host else {
                return Ok(Vec::new());
            };
            let mut counts: std::collections::BTreeMap<String, i64> =
                db::activity::apps(conn, host)?
                    .into_iter()
                    .map(|a| (a, 0))
                    .collect();
            counts.extend(db::activity::errors_since(
                conn,
                host,
                (now - 3600) * MICROS,
            )?);
            Ok(counts
                .into_iter()
                .filter(|(app, _)| wanted(app))
                .map(|(app, n)| (now, app, n as f64))
                .collect())
        }
        Metric::SampleAge => Ok(newest
            .map(|ts| vec![(now, String::new(), (now - ts).max(0) as f64)])
            .unwrap_or_default()),
        Metric::LoginHoursToday => {
            let Some(host) = host else {
                return Ok(Vec::new());
            };
            let midnight = crate::time::Zone::Local.midnight(today);
            let stored = db::logins::overlapping(conn, host, midnight, now)?;
            let today = crate::logins::clip(&crate::logins::from_rows(stored), midnight, now, now);
            let mut per_user: std::collections::BTreeMap<String, i64> = Default::default();
            for s in &today {
                *per_user.entry(s.user.clone()).or_default() += s.seconds(now);
            }
            Ok(per_user
                .into_iter()
                .filter(|(user, _)| rule.filter.as_ref().is_none_or(|f| f == user))
                .map(|(user, secs)| (now, user, secs as f64 / 3600.0))
                .collect())
        }
        Metric::QuotaUsedPercent | Metric::QuotaForecastPercent => {
            // One named location (check_subject made sure it exists), else every active one.
            let locations = match &rule.filter {
                Some(f) => db::ledger::lookup_location(conn, f)?.into_iter().collect(),
                None => db::ledger::locations(conn)?
                    .into_iter()
                    .filter(|l| l.active)
                    .collect::<Vec<_>>(),
            };
            let mut points = Vec::new();
            for location in locations {
                let Some(quota) = location.quota else {
                    continue;
                };
                let day = location.billing_day.unwrap_or(billing_day);
                let Some((start, end)) = ledger::cycle_containing(today, day) else {
                    continue;
                };
                let span = (ledger::date_key(start), ledger::date_key(today));
                let (bytes, days, last) = db::ledger::usage_between(conn, location.id, span)?;
                let value = if rule.metric == Metric::QuotaUsedPercent {
                    bytes as f64 * 100.0 / quota as f64
                } else {
                    // No day of this cycle recorded yet: nothing to project from.
                    let Some(last) = last else {
                        continue;
                    };
                    let cycle = Cycle {
                        start,
                        end,
                        bytes,
                        days,
                        last,
                    };
                    let length = (end - start).num_days() + 1;
                    forecast(&cycle, length, today, Some(quota)).total as f64 * 100.0 / quota as f64
                };
                points.push((now, location.name, value));
            }
            Ok(points)
        }
        _ => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::config;
    use crate::metric::{METRICS, Source};

    #[test]
    fn every_sample_metric_reads_its_rows() {
        let conn = crate::db::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO hosts VALUES (1, 'h');
             INSERT INTO mounts VALUES (1, 1, '/', 'sda1', 'ext4');
             INSERT INTO interfaces VALUES (1, 1, 'eth0');
             INSERT INTO users VALUES (1, 1, 1000, 'alice');
             INSERT INTO samples (id, host_id, ts, interval_cs, ncpu, cpu_busy, cpu_user, cpu_nice,
                 cpu_system, cpu_iowait, cpu_steal, mem_total, mem_used, mem_avail, swap_total,
                 swap_used, load1, load5, load15, uptime, procs, temp)
             VALUES (1, 1, 600, 6000, 2, 4550, 4000, 0, 550, 120, 30, 1000000, 400000, 600000,
                 200000, 50000, 125, 150, 175, 1000, 90, 523);
             INSERT INTO sample_disks VALUES (1, 1, 100000, 70000, 25000);
             INSERT INTO sample_net VALUES (1, 1, 9000000, 900000, 6000000, 600000);
             INSERT INTO sample_users VALUES (1, 1, 2500, 250000, 3);",
        )
        .unwrap();
        let text: String = METRICS
            .iter()
            .filter(|m| m.source != Source::Clock)
            .map(|m| {
                format!(
                    "[[alert.rule]]\nname = \"{}\"\nwhen = \"{} > -1\"\n",
                    m.name, m.name
                )
            })
            .collect();
        let alerts = config::load(Some(std::path::Path::new("t.toml")), Some(&text));
        assert!(alerts.problems.is_empty(), "{:?}", alerts.problems);
        // One cache for every rule, as an evaluation shares it.
        let mut rows = Rows::default();
        let mut values: Vec<(String, String, f64)> = Vec::new();
        for r in &alerts.rules {
            for (_, subject, v) in rows.points(&conn, r, 1, Span::after(0, 600)).unwrap() {
                values.push((r.name.clone(), subject, (v * 1000.0).round() / 1000.0));
            }
        }
        let expect =
            |name: &str, subject: &str, value: f64| (name.to_string(), subject.to_string(), value);
        assert_eq!(
            values,
            [
                expect("cpu_percent", "", 45.5),
                expect("cpu_user_percent", "", 40.0),
                expect("cpu_system_percent", "", 5.5),
                expect("cpu_iowait_percent", "", 1.2),
                expect("cpu_steal_percent", "", 0.3),
                expect("memory_percent", "", 40.0),
                expect("swap_percent", "", 25.0),
                expect("load1", "", 1.25),
                expect("load5", "", 1.5),
                expect("load15", "", 1.75),
                expect("temperature", "", 52.3),
                // df: used / (used + available).
                expect("disk_used_percent", "/", 73.684),
                expect("disk_free_percent", "/", 26.316),
                // Bytes since the previous sample over its 60 s.
                expect("net_rx_rate", "eth0", 100_000.0),
                expect("net_tx_rate", "eth0", 10_000.0),
                expect("user_cpu_percent", "alice", 25.0),
                expect("user_memory_percent", "alice", 25.0),
            ]
        );
        // A label picks its series; another value picks none.
        let mut r = alerts.rules[11].clone();
        r.filter = Some("/home".into());
        assert!(
            Rows::default()
                .points(&conn, &r, 1, Span::after(0, 600))
                .unwrap()
                .is_empty()
        );
        assert!(
            check_subject(&conn, &r, Some(1))
                .unwrap_err()
                .to_string()
                .contains("no mount '/home' is recorded on this host (recorded: /)")
        );
    }
}
