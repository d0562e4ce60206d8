//! A metric's values read from the stored record (shared by usage-alert's rules and
//! usage-report's Prometheus export): per stored row over a span, or, for the clock metrics
//! (the newest sample's age, quotas, logins and application sessions today), once at a moment.

use std::collections::HashMap;

use anyhow::Result;
use chrono::NaiveDate;
use rusqlite::Connection;

use crate::activity::{self, MICROS};
use crate::db;
use crate::db::probes::ResultRow;
use crate::db::samples::{self, DiskRow, NetRow, SampleRow, Span, UserRow};
use crate::ledger::{self, Cycle, forecast};
use crate::metric::{self, Metric, Source};

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
    /// The values of `m` (of the subject `filter`, else every one) in `span`, in time order (by subject within a sample).
    pub fn points(
        &mut self,
        conn: &Connection,
        m: Metric,
        filter: Option<&str>,
        host: i64,
        span: Span,
    ) -> Result<Vec<Point>> {
        let wanted = |subject: &str| filter.is_none_or(|f| f == subject);
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

/// When a run looks at the clock metrics, and the settings they are figured with.
pub struct Clock {
    pub now: i64,
    pub today: NaiveDate,
    pub billing_day: u8,
    /// The sessions' idle timeout, in seconds.
    pub idle: i64,
}

/// The value of the clock metric `m` at `now`, per subject (of `filter`, else every one); `newest` is the newest sample's time.
pub fn clock_points(
    conn: &Connection,
    m: Metric,
    filter: Option<&str>,
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
    let wanted = |subject: &String| filter.is_none_or(|f| f == subject);
    match m {
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
                .filter(|(user, _)| wanted(user))
                .map(|(user, secs)| (now, user, secs as f64 / 3600.0))
                .collect())
        }
        Metric::QuotaUsedPercent | Metric::QuotaForecastPercent => {
            // One named location (check_subject made sure it exists), else every active one.
            let locations = match filter {
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
                let value = if m == Metric::QuotaUsedPercent {
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
