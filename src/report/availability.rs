//! Service availability: per probe, the share of a period it was up (maintenance left out),
//! the share of checks that passed, outages, response-time percentiles and the TLS certificate's
//! days left; the outages themselves; or the raw results for export.
//!
//! Uptime is time: the period the probe was watched (from its first result, or the period's
//! start, to the period's end or now), less the maintenance windows that cover every rule, is
//! the whole; the outages in it, less maintenance, are the downtime. A failure that opened no
//! outage (fewer than probes.fail_after in a row) is no downtime, but counts against the
//! checks' share.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::Duration;

use super::chart::{Chart, DAY, Kind, Series, XAxis};
use super::period::Period;
use super::{Ctx, Output, drawn};
use crate::cli::UsageError;
use crate::db::probes::{self as store, OutageRow, ResultRow};
use crate::host;
use crate::maintenance::{self, Window};
use crate::probe::config::{Probe, load as load_probes};
use crate::render::{Cell, Quantity, Rows};
use crate::time::show_duration;

#[derive(Debug, Clone, clap::Args)]
pub struct AvailabilityArgs {
    /// Only this probe (its id); repeatable
    #[arg(long, value_name = "ID")]
    pub probe: Vec<String>,

    /// The calendar month (2024-03) instead of --since/--until or a billing cycle
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["since", "until", "cycle", "last_cycle"])]
    pub month: Option<String>,

    /// Decimals of the percentages, 0 to 6; they are cut, not rounded, so any downtime shows
    /// below 100
    #[arg(long, value_name = "N", default_value = "3", value_parser = clap::value_parser!(u8).range(0..=6))]
    pub decimals: u8,

    /// List the outages of the period instead (start, end, duration, severity, the part in
    /// maintenance, cause, note)
    #[arg(long, conflicts_with = "raw")]
    pub outages: bool,

    /// Every stored result of the period, for export (CSV or JSON)
    #[arg(long)]
    pub raw: bool,
}

/// Spans `[start, end)` in UTC seconds.
type Spans = Vec<(i64, i64)>;

/// The spans merged where they overlap or touch, in order.
fn union(mut spans: Spans) -> Spans {
    spans.retain(|(a, b)| b > a);
    spans.sort_unstable();
    let mut out: Spans = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Seconds of (merged) `spans` inside `[from, to)`.
fn inside(spans: &[(i64, i64)], from: i64, to: i64) -> i64 {
    spans
        .iter()
        .map(|&(a, b)| (b.min(to) - a.max(from)).max(0))
        .sum()
}

/// Seconds of `down` inside `[from, to)` and outside `maint` (both merged).
fn down_outside(down: &[(i64, i64)], maint: &[(i64, i64)], from: i64, to: i64) -> i64 {
    down.iter()
        .map(|&(a, b)| {
            let (a, b) = (a.max(from), b.min(to));
            if b <= a {
                0
            } else {
                (b - a) - inside(maint, a, b)
            }
        })
        .sum()
}

/// One probe's figures over a stretch of time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Seconds watched, maintenance included; of them in maintenance; of the rest down.
    pub watched: i64,
    pub maintenance: i64,
    pub down: i64,
    /// Checks outside maintenance, and of them those that passed.
    pub checks: u64,
    pub passed: u64,
}

impl Figures {
    /// Uptime in percent of the time watched outside maintenance; none when nothing was.
    pub fn uptime(&self) -> Option<f64> {
        let whole = self.watched - self.maintenance;
        (whole > 0).then(|| {
            if self.down == 0 {
                100.0
            } else {
                (whole - self.down) as f64 * 100.0 / whole as f64
            }
        })
    }

    pub fn checks_percent(&self) -> Option<f64> {
        (self.checks > 0).then(|| self.passed as f64 * 100.0 / self.checks as f64)
    }
}

/// A percentage cut (not rounded) to `decimals`: 99.9996 with 3 decimals is 99.999, never 100.
pub fn cut(value: f64, decimals: u8) -> f64 {
    let scale = 10f64.powi(i32::from(decimals));
    // The nudge keeps a decimal figure stored a hair low (99.95 as 99.9499...) at itself.
    let cut = ((value * scale) + 1e-6).floor() / scale;
    if value < 100.0 {
        cut.min(100.0 - 1.0 / scale)
    } else {
        cut
    }
}

/// The `q`-th percentile (0 to 100) of sorted values, by nearest rank.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Everything the views need about one probe in the period.
struct Probed {
    id: String,
    results: Vec<ResultRow>,
    outages: Vec<OutageRow>,
}

/// The watched stretch of a probe in `[from, to)`: from its first result (or `from`) to its
/// last result plus its interval (or `to`), never past now.
fn watched(p: &Probed, interval: i64, from: i64, to: i64, now: i64) -> Option<(i64, i64)> {
    let first = p.results.first()?.ts;
    let last = p.results.last()?.ts;
    let start = from.max(first);
    let end = to.min(now).min(last + interval);
    (end > start).then_some((start, end))
}

fn figures(p: &Probed, interval: i64, maint: &[(i64, i64)], span: (i64, i64), now: i64) -> Figures {
    let Some((from, to)) = watched(p, interval, span.0, span.1, now) else {
        return Figures::default();
    };
    let down = union(
        p.outages
            .iter()
            .map(|o| (o.started, o.ended.unwrap_or(now)))
            .collect(),
    );
    let outside = |t: i64| inside(maint, t, t + 1) == 0;
    let checks = p
        .results
        .iter()
        .filter(|r| r.ts >= from && r.ts < to && outside(r.ts));
    let (mut n, mut up) = (0u64, 0u64);
    for r in checks {
        n += 1;
        up += u64::from(r.up);
    }
    Figures {
        watched: to - from,
        maintenance: inside(maint, from, to),
        down: down_outside(&down, maint, from, to),
        checks: n,
        passed: up,
    }
}

impl AvailabilityArgs {
    /// Every probe over the period asked for, as the HTML and PDF report show it.
    pub fn all(outages: bool) -> Self {
        AvailabilityArgs {
            probe: Vec::new(),
            month: None,
            decimals: 3,
            outages,
            raw: false,
        }
    }
}

/// Whether there is anything to say of services: probes configured, or results stored.
pub fn any_probes(ctx: &Ctx) -> Result<bool> {
    if !load_probes(ctx.config.source.as_deref(), ctx.config.text.as_deref())
        .probes
        .is_empty()
    {
        return Ok(true);
    }
    Ok(match ctx.shown_host()? {
        Some(h) => !store::names(ctx.conn, h.id)?.is_empty(),
        None => false,
    })
}

/// The outages open now, of every host, oldest first.
pub fn open_outages(ctx: &Ctx) -> Result<Vec<OutageRow>> {
    store::outages(ctx.conn, i64::MIN, i64::MAX, true)
}

pub fn availability(ctx: &Ctx, args: &AvailabilityArgs) -> Result<Output<'static>> {
    let period = match &args.month {
        Some(m) => month(ctx, m)?,
        // The last 30 whole days, as the alerts view.
        None => {
            let last = ctx.period.last_day().unwrap_or(ctx.today);
            ctx.period
                .or_since(ctx.zone.midnight(last - Duration::days(29)))
        }
    };
    let (from, to) = (
        period.since.unwrap_or(i64::MIN),
        period.until.unwrap_or(i64::MAX),
    );
    let configured = load_probes(ctx.config.source.as_deref(), ctx.config.text.as_deref());
    let host = host::choose(ctx.conn, &ctx.host, host::Fallback::Ask)?;
    let mut probed: BTreeMap<String, Probed> = BTreeMap::new();
    let wanted = |id: &str| args.probe.is_empty() || args.probe.iter().any(|p| p == id);
    if let Some(h) = &host {
        store::each_result(ctx.conn, h.id, from, to, |r| {
            if wanted(&r.probe) {
                probed
                    .entry(r.probe.clone())
                    .or_insert_with(|| Probed {
                        id: r.probe.clone(),
                        results: Vec::new(),
                        outages: Vec::new(),
                    })
                    .results
                    .push(r);
            }
            Ok(())
        })?;
        for o in store::outages(ctx.conn, from, to, false)? {
            if o.host == h.name
                && let Some(p) = probed.get_mut(&o.probe)
            {
                p.outages.push(o);
            }
        }
    }
    if let Some(unknown) = args.probe.iter().find(|id| !probed.contains_key(*id)) {
        let known: Vec<&str> = configured.probes.iter().map(|p| p.id.as_str()).collect();
        if !known.contains(&unknown.as_str()) {
            return Err(UsageError(format!(
                "--probe {unknown}: no such probe (configured: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
            .into());
        }
    }
    let specs = maintenance::configured(ctx.config.source.as_deref(), ctx.config.text.as_deref());
    let windows = maintenance::all(ctx.conn, &specs, ctx.now, &mut Vec::new())?;
    // Only a window over every rule is maintenance of the services; one naming rules silences
    // those rules alone.
    let maint = union(
        windows
            .iter()
            .filter(|w: &&Window| w.rules.is_empty())
            .map(|w| (w.start, w.end))
            .collect(),
    );
    let probe_of = |id: &str| configured.probes.iter().find(|p| p.id == id);
    let interval = |id: &str| probe_of(id).map_or(60, |p: &Probe| p.interval);
    if args.raw {
        return Ok(raw(ctx, &period, probed));
    }
    if args.outages {
        return Ok(outage_rows(ctx, &period, &probed, &maint, &probe_of));
    }
    let d = args.decimals;
    let pct = |v: Option<f64>| v.map_or(Cell::Null, |v| Cell::Num(cut(v, d), d));
    let mut rows = Vec::new();
    let mut series = Vec::new();
    for p in probed.values() {
        let f = figures(p, interval(&p.id), &maint, (from, to), ctx.now);
        let mut ms: Vec<f64> = p
            .results
            .iter()
            .filter(|r| inside(&maint, r.ts, r.ts + 1) == 0)
            .filter_map(|r| r.ms)
            .collect();
        ms.sort_unstable_by(f64::total_cmp);
        let latest = p.results.last();
        let tls = latest
            .and_then(|r| r.cert_expiry)
            .map_or(Cell::Null, |t| Cell::Int((t - ctx.now).div_euclid(86_400)));
        let def = probe_of(&p.id);
        let ms_cell = |q: f64| percentile(&ms, q).map_or(Cell::Null, |v| Cell::Num(v, 2));
        let opened = p.outages.iter().filter(|o| o.started >= from).count();
        rows.push(vec![
            Cell::Named {
                key: p.id.clone(),
                name: def.map_or_else(|| p.id.clone(), |d| d.name.clone()),
            },
            Cell::Text(def.map_or("", |d| d.check.kind()).into()),
            pct(f.uptime()),
            pct(f.checks_percent()),
            Cell::Int(f.checks as i64),
            Cell::Int((f.checks - f.passed) as i64),
            Cell::Int(p.outages.len() as i64),
            Cell::Int(opened as i64),
            Cell::Text(show_duration(f.down)),
            Cell::Int(f.down),
            Cell::Text(show_duration(f.maintenance)),
            Cell::Int(f.watched),
            ms_cell(50.0),
            ms_cell(95.0),
            ms_cell(99.0),
            tls,
            Cell::Text(match latest {
                // Its outage may since have been resolved by hand.
                Some(r) if r.outage.is_some() && p.outages.iter().any(|o| o.ended.is_none()) => {
                    "outage".into()
                }
                Some(r) if r.up => "up".into(),
                Some(_) => "down".into(),
                None => String::new(),
            }),
        ]);
        series.push(Series::new(
            def.map_or_else(|| p.id.clone(), |d| d.name.clone()),
            daily(ctx, &period, p, interval(&p.id), &maint),
        ));
    }
    let chart = Chart {
        title: format!("Availability per day, {}", period.describe()),
        y_label: "time up, outside maintenance".into(),
        quantity: Quantity::Fixed("%"),
        x: XAxis::Time(ctx.zone),
        kind: Kind::Line,
        series,
        y_max: Some(100.0),
        span: period.day_span(ctx.now),
        bucket: Some(DAY),
    };
    Ok(Output {
        during: period.during(),
        rows: Rows {
            columns: vec![
                "probe",
                "kind",
                "uptime_percent",
                "checks_passed_percent",
                "checks",
                "checks_failed",
                "outages",
                "outages_opened",
                "downtime",
                "downtime_s",
                "maintenance",
                "watched_s",
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "tls_days_left",
                "state",
            ],
            rows,
        }
        .into(),
        chart: drawn(chart),
    })
}

/// Uptime per local day of the period, for the chart.
fn daily(
    ctx: &Ctx,
    period: &Period,
    p: &Probed,
    interval: i64,
    maint: &[(i64, i64)],
) -> Vec<(f64, f64)> {
    let Some((first, last)) = p.results.first().zip(p.results.last()) else {
        return Vec::new();
    };
    let from = period.since.unwrap_or(first.ts).max(first.ts);
    let to = period.until.unwrap_or(ctx.now).min(last.ts + interval);
    let mut day = ctx.zone.date(from);
    let mut points = Vec::new();
    while ctx.zone.midnight(day) < to {
        let start = ctx.zone.midnight(day);
        let end = ctx.zone.midnight(day + Duration::days(1));
        if let Some(u) = figures(p, interval, maint, (start, end), ctx.now).uptime() {
            points.push((start as f64, u));
        }
        day += Duration::days(1);
    }
    points
}

fn month(ctx: &Ctx, text: &str) -> Result<Period> {
    let first =
        chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").map_err(|_| {
            UsageError(format!(
                "--month '{text}' is not a month (expected YYYY-MM, as 2024-03)"
            ))
        })?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| UsageError(format!("--month '{text}' is out of range")))?;
    Ok(Period {
        since: Some(ctx.zone.midnight(first)),
        until: Some(ctx.zone.midnight(next)),
        cycle: None,
        zone: ctx.zone,
    })
}

fn outage_rows<'p>(
    ctx: &Ctx,
    period: &Period,
    probed: &BTreeMap<String, Probed>,
    maint: &[(i64, i64)],
    probe_of: &dyn Fn(&str) -> Option<&'p Probe>,
) -> Output<'static> {
    let mut rows = Vec::new();
    for p in probed.values() {
        let name = probe_of(&p.id).map_or_else(|| p.id.clone(), |d| d.name.clone());
        for o in &p.outages {
            let end = o.ended.unwrap_or(ctx.now);
            rows.push(vec![
                Cell::Int(o.id),
                Cell::Named {
                    key: o.probe.clone(),
                    name: name.clone(),
                },
                Cell::Time(ctx.zone.time(o.started)),
                o.ended.map_or(Cell::Null, |t| Cell::Time(ctx.zone.time(t))),
                Cell::Text(show_duration(end - o.started)),
                Cell::Int(end - o.started),
                Cell::Text(show_duration(inside(maint, o.started, end))),
                Cell::Text(o.severity.clone()),
                Cell::Text(o.closed_by.clone().unwrap_or_else(|| "open".into())),
                Cell::Text(o.cause.clone()),
                Cell::Text(o.note.clone()),
            ]);
        }
    }
    rows.sort_by_key(|r| match &r[2] {
        Cell::Time(t) => t.timestamp(),
        _ => 0,
    });
    Output {
        during: period.during(),
        rows: Rows {
            columns: vec![
                "id",
                "probe",
                "started",
                "ended",
                "duration",
                "duration_s",
                "in_maintenance",
                "severity",
                "closed_by",
                "cause",
                "note",
            ],
            rows,
        }
        .into(),
        chart: None,
    }
}

fn raw(ctx: &Ctx, period: &Period, probed: BTreeMap<String, Probed>) -> Output<'static> {
    let zone = ctx.zone;
    let mut all: Vec<ResultRow> = probed.into_values().flat_map(|p| p.results).collect();
    all.sort_by_key(|r| r.ts);
    let rows = all
        .into_iter()
        .map(|r| {
            let num = |v: Option<f64>| v.map_or(Cell::Null, |v| Cell::Num(v, 2));
            vec![
                Cell::Time(zone.time(r.ts)),
                Cell::Text(r.probe),
                Cell::Bool(r.up),
                num(r.ms),
                num(r.min_ms),
                num(r.max_ms),
                num(r.loss),
                r.status.map_or(Cell::Null, Cell::Int),
                r.failure.into(),
                r.cert_expiry
                    .map_or(Cell::Null, |t| Cell::Time(zone.time(t))),
                Cell::Int(r.attempts),
                r.outage.map_or(Cell::Null, Cell::Int),
                Cell::Text(r.detail),
            ]
        })
        .collect();
    Output {
        during: period.during(),
        rows: Rows {
            columns: vec![
                "time",
                "probe",
                "up",
                "ms",
                "min_ms",
                "max_ms",
                "loss_percent",
                "status",
                "failure",
                "cert_expiry",
                "attempts",
                "outage",
                "detail",
            ],
            rows,
        }
        .into(),
        chart: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_merge_and_maintenance_is_taken_out_of_downtime() {
        assert_eq!(
            union(vec![(5, 9), (0, 3), (3, 4), (8, 12), (20, 20)]),
            [(0, 4), (5, 12)]
        );
        let maint = union(vec![(100, 200)]);
        assert_eq!(inside(&maint, 150, 300), 50);
        // Down 50..250: 100 s of it in maintenance.
        assert_eq!(down_outside(&[(50, 250)], &maint, 0, 1000), 100);
        assert_eq!(down_outside(&[(50, 250)], &maint, 60, 120), 40);
    }

    #[test]
    fn percentages_are_cut_never_rounded_up_to_100() {
        assert_eq!(cut(99.9996, 3), 99.999);
        assert_eq!(cut(99.95, 2), 99.95);
        assert_eq!(cut(100.0, 3), 100.0);
        assert_eq!(cut(99.99999999999, 2), 99.99);
        assert_eq!(cut(12.3456, 0), 12.0);
        let f = Figures {
            watched: 30 * 86_400,
            maintenance: 0,
            down: 1,
            checks: 0,
            passed: 0,
        };
        assert!(f.uptime().unwrap() < 100.0);
        assert_eq!(cut(f.uptime().unwrap(), 3), 99.999);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(50.0));
        assert_eq!(percentile(&v, 95.0), Some(95.0));
        assert_eq!(percentile(&v, 99.0), Some(99.0));
        assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
    }
}
