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
            let mut points = Vec::new();
            for c in current_cycles(conn, today, billing_day, filter)? {
                let Some(quota) = c.location.quota else {
                    continue;
                };
                let value = if m == Metric::QuotaUsedPercent {
                    c.bytes as f64 * 100.0 / quota as f64
                } else {
                    // No day of this cycle recorded yet: nothing to project from.
                    let Some(last) = c.last else {
                        continue;
                    };
                    let cycle = Cycle {
                        start: c.start,
                        end: c.end,
                        bytes: c.bytes,
                        days: c.days,
                        last,
                    };
                    let length = (c.end - c.start).num_days() + 1;
                    forecast(&cycle, length, today, Some(quota)).total as f64 * 100.0 / quota as f64
                };
                points.push((now, c.location.name, value));
            }
            Ok(points)
        }
        _ => Ok(Vec::new()),
    }
}

/// A location's billing cycle containing today, as recorded so far.
pub struct CycleNow {
    pub location: db::ledger::Location,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub bytes: i64,
    pub days: u32,
    pub last: Option<NaiveDate>,
}

/// The current cycle of one named location (`filter`), else of every active one, read in one
/// scan of the days since the earliest of their starts.
pub fn current_cycles(
    conn: &Connection,
    today: NaiveDate,
    billing_day: u8,
    filter: Option<&str>,
) -> Result<Vec<CycleNow>> {
    let locations = match filter {
        Some(f) => db::ledger::lookup_location(conn, f)?.into_iter().collect(),
        None => db::ledger::locations(conn)?
            .into_iter()
            .filter(|l| l.active)
            .collect::<Vec<_>>(),
    };
    let mut cycles: Vec<CycleNow> = locations
        .into_iter()
        .filter_map(|location| {
            let day = location.billing_day.unwrap_or(billing_day);
            let (start, end) = ledger::cycle_containing(today, day)?;
            Some(CycleNow {
                location,
                start,
                end,
                bytes: 0,
                days: 0,
                last: None,
            })
        })
        .collect();
    let Some(first) = cycles.iter().map(|c| c.start).min() else {
        return Ok(cycles);
    };
    let index: HashMap<i64, usize> = cycles
        .iter()
        .enumerate()
        .map(|(i, c)| (c.location.id, i))
        .collect();
    let span = (ledger::date_key(first), ledger::date_key(today));
    for (location, key, bytes) in db::ledger::days_between(conn, span)? {
        let (Some(&i), Some(date)) = (index.get(&location), ledger::key_date(key)) else {
            continue;
        };
        let c = &mut cycles[i];
        if date >= c.start {
            c.bytes += bytes;
            c.days += 1;
            c.last = Some(c.last.map_or(date, |l| l.max(date)));
        }
    }
    Ok(cycles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_location_counts_the_days_of_its_own_cycle_only() {
        let conn = crate::db::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO locations (id, name, display_name, billing_day, quota, created)
               VALUES (1, 'north', 'North', 13, 1000, 0), (2, 'south', 'South', NULL, NULL, 0),
                      (3, 'gone', 'Gone', NULL, 10, 0);
             UPDATE locations SET active = 0 WHERE id = 3;
             INSERT INTO daily_usage (date, location_id, bytes, updated) VALUES
               (20240301, 1, 1, 0), (20240312, 1, 2, 0), (20240313, 1, 4, 0), (20240320, 1, 8, 0),
               (20240301, 2, 16, 0), (20240320, 2, 32, 0), (20240321, 2, 64, 0),
               (20240320, 3, 128, 0);",
        )
        .unwrap();
        let today = NaiveDate::from_ymd_opt(2024, 3, 20).unwrap();
        let got: Vec<(String, NaiveDate, i64, u32, Option<NaiveDate>)> =
            current_cycles(&conn, today, 1, None)
                .unwrap()
                .into_iter()
                .map(|c| (c.location.name, c.start, c.bytes, c.days, c.last))
                .collect();
        let d = |day| NaiveDate::from_ymd_opt(2024, 3, day).unwrap();
        // north's cycle starts on the 13th, south's on the 1st; a day after today is not yet,
        // an inactive location not at all.
        assert_eq!(
            got,
            vec![
                ("north".into(), d(13), 12, 2, Some(d(20))),
                ("south".into(), d(1), 48, 2, Some(d(20))),
            ]
        );
        let one = current_cycles(&conn, today, 1, Some("north")).unwrap();
        assert_eq!(one.len(), 1);
    }
}
