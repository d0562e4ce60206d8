//! The machine's views: system figures per time bucket, traffic per interface per day, users,
//! processes, and alert events.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use chrono::{Duration, NaiveDate};

use super::chart::{Chart, DAY, Kind, MAX_SERIES, Series, XAxis, largest_series};
use super::period::Period;
use super::{Ctx, Output, drawn};
use crate::cli::UsageError;
use crate::db;
use crate::db::samples::{self, Span};
use crate::host;
use crate::metric::{self, Metric, Selector, Source, Unit};
use crate::render::{Cell, Quantity, Rows, Stream};
use crate::time::Zone;
use rusqlite::Connection;

#[derive(Debug, Clone, clap::Args)]
pub struct SystemArgs {
    /// Time bucket of each row [default: auto: minute up to 2 hours, hour up to 4 days, else
    /// day]; all: one row per metric for the whole period
    #[arg(long, value_enum, default_value = "auto")]
    pub bucket: Bucket,

    /// Only these series (comma-separated): metrics (cpu_percent, memory_percent,
    /// disk_used_percent, net_rx_rate, user_cpu_percent, ...: see METRICS in the man page),
    /// series ('disk_used_percent{mount="/home"}'), or the earlier names cpu (every CPU figure),
    /// memory, swap, disk, net, disk:MOUNT, net_rx:IFACE, net_tx:IFACE
    #[arg(long, value_name = "METRIC", value_delimiter = ',')]
    pub metric: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Bucket {
    Auto,
    Minute,
    Hour,
    Day,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    Cpu,
    Memory,
}

#[derive(Debug, Clone, clap::Args)]
pub struct UsersArgs {
    /// Order by CPU time or by peak memory
    #[arg(long, value_enum, default_value = "cpu")]
    pub by: By,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ProcessesArgs {
    /// Order by CPU time or by peak memory
    #[arg(long, value_enum, default_value = "cpu")]
    pub by: By,

    /// How many processes to show
    #[arg(long, value_name = "N", default_value = "10", value_parser = clap::value_parser!(u32).range(1..))]
    pub top: u32,
}

#[derive(Debug, Clone, clap::Args)]
pub struct AlertsArgs {
    /// List every event rather than counting them per day
    #[arg(long)]
    pub events: bool,
}

/// The host whose samples are shown (see [`host::choose`]). `None`: nothing is stored yet.
pub(super) fn host(ctx: &Ctx) -> Result<Option<i64>> {
    Ok(host::choose(ctx.conn, &ctx.host, host::Fallback::Ask)?.map(|h| h.id))
}

/// The period with a default start `default` seconds before now (or before --until).
fn recent(ctx: &Ctx, default: i64) -> Period {
    let end = ctx.period.until.unwrap_or(ctx.now);
    ctx.period.or_since(end - default)
}

/// The period, or its last `days` whole days when it has no start: a view of counts per day
/// never starts in the middle of one.
pub(super) fn recent_days(ctx: &Ctx, days: i64) -> Period {
    let last = ctx.period.last_day().unwrap_or(ctx.today);
    let first = last - Duration::days(days - 1);
    ctx.period.or_since(ctx.zone.midnight(first))
}

pub(super) fn bounds(p: &Period) -> (i64, i64) {
    (p.since.unwrap_or(i64::MIN), p.until.unwrap_or(i64::MAX))
}

fn span(p: &Period) -> Span {
    let (from, to) = bounds(p);
    Span::new(from, to)
}

/// Places times into buckets of local minutes, hours or days, caching the current day.
struct Bucketer {
    zone: Zone,
    size: i64,
    day: (i64, i64),
}

impl Bucketer {
    fn new(zone: Zone, size: i64) -> Bucketer {
        Bucketer {
            zone,
            size,
            day: (i64::MAX, i64::MIN),
        }
    }

    /// The start of the bucket holding `ts`.
    fn start(&mut self, ts: i64) -> i64 {
        if self.size == i64::MAX {
            return 0;
        }
        if self.size >= 86_400 {
            if !(self.day.0..self.day.1).contains(&ts) {
                let date = self.zone.date(ts);
                self.day = (
                    self.zone.midnight(date),
                    self.zone.midnight(date + Duration::days(1)),
                );
            }
            return self.day.0;
        }
        let off = i64::from(self.zone.offset(ts));
        (ts + off).div_euclid(self.size) * self.size - off
    }
}

/// The series `--metric` asks for (none: the system view's default set), refused with the
/// accepted names when one is not a metric.
fn selection(wanted: &[String]) -> Result<Vec<Selector>> {
    let mut all = Vec::new();
    for w in wanted {
        let selectors = metric::parse_report_selector(w)
            .map_err(|e| UsageError(format!("--metric '{w}' is not a metric: {e}")))?;
        if let Some(s) = selectors
            .iter()
            .find(|s| s.metric.source() == Source::Clock)
        {
            return Err(UsageError(format!(
                "--metric '{w}': {} is not stored with the samples (it is judged by usage-alert at the time of its run)",
                s.metric.name()
            ))
            .into());
        }
        all.extend(selectors);
    }
    Ok(all)
}

/// min, avg, max and the 95th percentile (nearest rank) of `values`.
fn summary(values: &mut [f32]) -> (f64, f64, f64, f64) {
    values.sort_by(f32::total_cmp);
    let n = values.len();
    let avg = values.iter().map(|v| f64::from(*v)).sum::<f64>() / n as f64;
    let rank = ((0.95 * n as f64).ceil() as usize).clamp(1, n) - 1;
    (
        f64::from(values[0]),
        avg,
        f64::from(values[n - 1]),
        f64::from(values[rank]),
    )
}

/// One series: a metric and the subject its label names (empty for machine-wide metrics).
type Key = (Metric, String);

/// What the system view reads: which series, over which span, in buckets of what size.
#[derive(Clone)]
struct Figures {
    wanted: Vec<Selector>,
    host: Option<i64>,
    since: i64,
    until: i64,
    /// Seconds per bucket; `i64::MAX`: one bucket for the whole period.
    size: i64,
    zone: Zone,
}

/// One bucket's figures of one series.
struct Figure {
    /// The bucket's start; for one bucket over the whole period, its first sample.
    start: i64,
    key: Key,
    samples: usize,
    min: f64,
    avg: f64,
    max: f64,
    p95: f64,
}

impl Figures {
    fn selected(&self, m: Metric, subject: &str) -> bool {
        if self.wanted.is_empty() {
            m.def().system
        } else {
            self.wanted.iter().any(|s| s.selects(m, subject))
        }
    }

    /// The metrics of one row family that may be shown: a family none of them is read from is
    /// not queried at all.
    fn of(&self, source: Source) -> Vec<Metric> {
        metric::read_from(source)
            .filter(|&m| {
                self.wanted.is_empty() && m.def().system
                    || self.wanted.iter().any(|s| s.metric == m)
            })
            .collect()
    }

    /// Hands on each bucket's figures by time, then series. The period is read a local day at a
    /// time (all of it for one bucket over the whole period), so memory holds a day's values,
    /// not the period's.
    fn each(&self, conn: &Connection, mut each: impl FnMut(Figure) -> Result<()>) -> Result<()> {
        let Some(host) = self.host else {
            return Ok(());
        };
        let mut from = self.since;
        while let Some(first) = samples::first_time(conn, host, Span::new(from, self.until))? {
            let to = if self.size == i64::MAX {
                self.until
            } else {
                let next_day = self.zone.date(first) + Duration::days(1);
                self.zone.midnight(next_day).min(self.until)
            };
            self.chunk(conn, host, Span::new(first, to), &mut each)?;
            if to == self.until {
                break;
            }
            from = to;
        }
        Ok(())
    }

    /// The figures of the buckets in `span`, which starts at a sample and ends at a bucket's end.
    fn chunk(
        &self,
        conn: &Connection,
        host: i64,
        span: Span,
        each: &mut impl FnMut(Figure) -> Result<()>,
    ) -> Result<()> {
        let mut values: BTreeMap<(i64, Key), Vec<f32>> = BTreeMap::new();
        let mut bucketer = Bucketer::new(self.zone, self.size);
        let mut add = |ts: i64, m: Metric, subject: &str, value: Option<f64>| {
            if let Some(v) = value.filter(|_| self.selected(m, subject)) {
                let b = bucketer.start(ts);
                values
                    .entry((b, (m, subject.to_string())))
                    .or_default()
                    .push(v as f32);
            }
        };
        let metrics = self.of(Source::Samples);
        samples::each_sample(conn, host, span, |s| {
            for &m in &metrics {
                add(s.ts, m, "", metric::of_sample(m, &s));
            }
        })?;
        let metrics = self.of(Source::Disks);
        if !metrics.is_empty() {
            samples::each_disk(conn, host, span, None, |d| {
                for &m in &metrics {
                    add(d.ts, m, &d.mount, metric::of_disk(m, &d));
                }
            })?;
        }
        let metrics = self.of(Source::Interfaces);
        if !metrics.is_empty() {
            samples::each_net(conn, host, span, None, |n| {
                for &m in &metrics {
                    add(n.ts, m, &n.interface, metric::of_net(m, &n));
                }
            })?;
        }
        let metrics = self.of(Source::Users);
        if !metrics.is_empty() {
            samples::each_user(conn, host, span, None, |u| {
                for &m in &metrics {
                    add(u.ts, m, &u.user, metric::of_user(m, &u));
                }
            })?;
        }
        for ((bucket, key), mut vals) in values {
            let (min, avg, max, p95) = summary(&mut vals);
            each(Figure {
                start: if self.size == i64::MAX {
                    span.from
                } else {
                    bucket
                },
                key,
                samples: vals.len(),
                min,
                avg,
                max,
                p95,
            })?;
        }
        Ok(())
    }
}

/// The system view's figures per time bucket, for every series of the vocabulary's sample
/// metrics (`--metric` narrows them). The rows are read as they are written; the chart, when
/// drawn, reads the averages again.
pub fn system<'a>(ctx: &Ctx<'a>, args: &SystemArgs) -> Result<Output<'a>> {
    let wanted = selection(&args.metric)?;
    let period = recent(ctx, 86_400);
    let during = period.during();
    let (since, until) = bounds(&period);
    let size = match args.bucket {
        Bucket::Minute => 60,
        Bucket::Hour => 3600,
        Bucket::Day => 86_400,
        Bucket::All => i64::MAX,
        Bucket::Auto => match until.min(ctx.now) - since {
            s if s <= 2 * 3600 => 60,
            s if s <= 4 * 86_400 => 3600,
            _ => 86_400,
        },
    };
    let figures = Figures {
        wanted,
        host: host(ctx)?,
        since,
        until,
        size,
        zone: ctx.zone,
    };
    let (conn, zone, now) = (ctx.conn, ctx.zone, ctx.now);
    let charted = figures.clone();
    let rows = Stream::new(SYSTEM_COLUMNS.to_vec(), move |sink| {
        figures.each(conn, |f| {
            let unit = f.key.0.unit();
            let decimals = unit.decimals();
            sink(vec![
                Cell::Time(zone.time(f.start)),
                Cell::Text(metric::series(f.key.0, &f.key.1)),
                Cell::Text(unit.column().to_string()),
                Cell::Int(f.samples as i64),
                Cell::Num(f.min, decimals),
                Cell::Num(f.avg, decimals),
                Cell::Num(f.max, decimals),
                Cell::Num(f.p95, decimals),
            ])
        })
    });
    let chart = move || -> Result<Chart> {
        let mut lines: BTreeMap<Key, Vec<(f64, f64)>> = BTreeMap::new();
        charted.each(conn, |f| {
            lines
                .entry(f.key)
                .or_default()
                .push((f.start as f64, f.avg));
            Ok(())
        })?;
        Ok(system_chart(
            lines,
            &charted.wanted,
            &period,
            zone,
            size,
            now,
        ))
    };
    Ok(Output {
        rows,
        chart: Some(Box::new(chart)),
        during,
    })
}

/// The chart of the averages of one unit: percentages, unless --metric starts with another; the
/// title names what it leaves out.
fn system_chart(
    lines: BTreeMap<Key, Vec<(f64, f64)>>,
    wanted: &[Selector],
    period: &Period,
    zone: Zone,
    size: i64,
    now: i64,
) -> Chart {
    let unit = match lines.keys().next() {
        Some(first) if !wanted.is_empty() => first.0.unit(),
        _ => Unit::Percent,
    };
    let mut title = format!("System, {}", period.describe());
    let other: Vec<String> = lines
        .keys()
        .filter(|k| k.0.unit() != unit)
        .map(|k| metric::series(k.0, &k.1))
        .collect();
    if !other.is_empty() && !wanted.is_empty() {
        title.push_str(&format!(
            " ({} not drawn: not in {})",
            other.join(", "),
            unit.column()
        ));
    }
    let lines: Vec<(String, Vec<(f64, f64)>)> = lines
        .into_iter()
        .filter(|(k, _)| k.0.unit() == unit && (!wanted.is_empty() || !k.0.is_breakdown()))
        .map(|(k, points)| (metric::series(k.0, &k.1), points))
        .collect();
    // The busiest series: the largest average over the period.
    let (series, title) = largest_series(lines, MAX_SERIES, title, |points| {
        points.iter().map(|p| p.1).sum::<f64>() / points.len().max(1) as f64
    });
    Chart {
        title,
        y_label: unit.axis().into(),
        quantity: unit.quantity(),
        x: XAxis::Time(zone),
        series,
        y_max: (unit == Unit::Percent).then_some(100.0),
        span: period.span(now),
        bucket: Some(size as f64),
        ..Chart::default()
    }
}

const SYSTEM_COLUMNS: [&str; 8] = [
    "time", "metric", "unit", "samples", "min", "avg", "max", "p95",
];

/// Bytes received and sent per interface per calendar day, from the first to the last day.
pub fn traffic_days(
    ctx: &Ctx,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
) -> Result<BTreeMap<(NaiveDate, String), (i64, i64)>> {
    let mut days = BTreeMap::new();
    let Some(host) = host(ctx)? else {
        return Ok(days);
    };
    let since = first.map_or(i64::MIN, |d| ctx.zone.midnight(d));
    let until = last.map_or(i64::MAX, |d| ctx.zone.midnight(d + Duration::days(1)));
    let span = Span::new(since, until);
    let mut bucketer = Bucketer::new(ctx.zone, 86_400);
    samples::each_net(ctx.conn, host, span, None, |n| {
        if n.rx_delta.is_none() {
            return;
        }
        let day = ctx.zone.date(bucketer.start(n.ts));
        let entry: &mut (i64, i64) = days.entry((day, n.interface)).or_default();
        entry.0 = entry.0.saturating_add(n.rx_delta.unwrap_or(0));
        entry.1 = entry.1.saturating_add(n.tx_delta.unwrap_or(0));
    })?;
    Ok(days)
}

/// Traffic per interface per day, vnStat's daily view.
pub fn traffic(ctx: &Ctx) -> Result<Output<'static>> {
    let period = recent_days(ctx, 30);
    let days = traffic_days(ctx, period.first_day(), period.last_day())?;
    let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let rows = days
        .into_iter()
        .map(|((day, name), (rx, tx))| {
            series
                .entry(name.clone())
                .or_default()
                .push((ctx.zone.midnight(day) as f64, (rx + tx) as f64));
            vec![
                Cell::Text(day.to_string()),
                Cell::Text(name),
                Cell::Gb(rx),
                Cell::Gb(tx),
                Cell::Gb(rx + tx),
            ]
        })
        .collect();
    Ok(Output {
        during: period.during(),
        rows: Stream::from(Rows {
            columns: vec!["date", "interface", "rx_gb", "tx_gb", "total_gb"],
            rows,
        }),
        chart: drawn(day_bars(
            ctx,
            &period,
            format!("Traffic per interface per day, {}", period.describe()),
            "received + sent per day",
            Quantity::Bytes,
            series,
        )),
    })
}

/// Bars per day of the largest series, over the period's days.
pub(super) fn day_bars(
    ctx: &Ctx,
    period: &Period,
    title: String,
    y_label: &str,
    quantity: Quantity,
    series: BTreeMap<String, Vec<(f64, f64)>>,
) -> Chart {
    let (series, title) =
        largest_series(series.into_iter().collect(), MAX_SERIES, title, |points| {
            points.iter().map(|p| p.1).sum()
        });
    Chart {
        title,
        y_label: y_label.into(),
        quantity,
        x: XAxis::Time(ctx.zone),
        kind: Kind::Bar,
        series,
        span: period.day_span(ctx.now),
        bucket: Some(DAY),
        ..Chart::default()
    }
}

/// Per-user or per-process sums over samples.
#[derive(Default)]
struct Usage {
    samples: i64,
    cpu_samples: i64,
    cpu_seconds: f64,
    cpu_sum: f64,
    cpu_max: f64,
    rss_sum: f64,
    rss_max: i64,
    most: i64,
}

impl Usage {
    /// `cpu` in hundredths of a percent of one CPU, `interval` in centiseconds, `rss` in KiB.
    fn add(&mut self, cpu: Option<i64>, interval: Option<i64>, rss: i64, most: i64) {
        self.samples += 1;
        if let (Some(cpu), Some(interval)) = (cpu, interval) {
            self.cpu_samples += 1;
            self.cpu_seconds += cpu as f64 * interval as f64 / 1e6;
            self.cpu_sum += cpu as f64 / 100.0;
            self.cpu_max = self.cpu_max.max(cpu as f64 / 100.0);
        }
        self.rss_sum += rss as f64;
        self.rss_max = self.rss_max.max(rss);
        self.most = self.most.max(most);
    }

    fn cells(&self) -> Vec<Cell> {
        let avg_cpu = (self.cpu_samples > 0).then(|| self.cpu_sum / self.cpu_samples as f64);
        vec![
            Cell::Int(self.samples),
            Cell::Num(self.cpu_seconds, 1),
            avg_cpu.map_or(Cell::Null, |v| Cell::Num(v, 2)),
            Cell::Num(self.cpu_max, 2),
            Cell::Num(self.rss_sum / self.samples as f64 / 1024.0, 1),
            Cell::Num(self.rss_max as f64 / 1024.0, 1),
            Cell::Int(self.most),
        ]
    }

    /// What rows are ordered and charted by: CPU seconds, or peak memory in MiB.
    fn key(&self, by: By) -> f64 {
        match by {
            By::Cpu => self.cpu_seconds,
            By::Memory => self.rss_max as f64 / 1024.0,
        }
    }
}

/// A bar chart of the rows' CPU seconds or peak memory.
fn bar_chart(what: &str, period: &Period, names: Vec<String>, values: Vec<f64>, by: By) -> Chart {
    // Memory is ordered in MiB; the axis scales bytes.
    let (label, y_label, quantity, factor) = match by {
        By::Cpu => ("CPU time", "CPU time", Quantity::Fixed("s"), 1.0),
        By::Memory => (
            "peak memory",
            "peak resident memory",
            Quantity::BinaryBytes,
            1_048_576.0,
        ),
    };
    Chart {
        title: format!("{what} by {label}, {}", period.describe()),
        y_label: y_label.into(),
        quantity,
        x: XAxis::Categories(names),
        kind: Kind::Bar,
        series: vec![Series::new(
            label,
            values
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i as f64, v * factor))
                .collect(),
        )],
        ..Chart::default()
    }
}

/// CPU time and memory per user; users excluded in the configuration are left out.
pub fn users(ctx: &Ctx, args: &UsersArgs) -> Result<Output<'static>> {
    let period = recent(ctx, 86_400);
    let excluded = &ctx.config.file.sample.exclude_users;
    let mut per_user: BTreeMap<String, Usage> = BTreeMap::new();
    if let Some(host) = host(ctx)? {
        samples::each_user(ctx.conn, host, span(&period), None, |u| {
            if !excluded.contains(&u.user) {
                per_user
                    .entry(u.user)
                    .or_default()
                    .add(u.cpu, u.interval_cs, u.rss, u.procs);
            }
        })?;
    }
    let mut users: Vec<(String, Usage)> = per_user.into_iter().collect();
    users.sort_by(|a, b| {
        b.1.key(args.by)
            .total_cmp(&a.1.key(args.by))
            .then(a.0.cmp(&b.0))
    });
    let chart = bar_chart(
        "Users",
        &period,
        users.iter().take(20).map(|u| u.0.clone()).collect(),
        users.iter().take(20).map(|u| u.1.key(args.by)).collect(),
        args.by,
    );
    Ok(Output {
        during: period.during(),
        rows: Stream::from(Rows {
            columns: vec![
                "user",
                "samples",
                "cpu_seconds",
                "avg_cpu_pct",
                "max_cpu_pct",
                "avg_rss_mib",
                "max_rss_mib",
                "max_processes",
            ],
            rows: users
                .into_iter()
                .map(|(name, u)| [vec![Cell::Text(name)], u.cells()].concat())
                .collect(),
        }),
        chart: drawn(chart),
    })
}

/// The top processes (by command and user) while they were among a sample's top processes.
pub fn processes(ctx: &Ctx, args: &ProcessesArgs) -> Result<Output<'static>> {
    let period = recent(ctx, 86_400);
    let excluded = &ctx.config.file.sample.exclude_users;
    let mut per_process: HashMap<(String, String), Usage> = HashMap::new();
    if let Some(host) = host(ctx)? {
        samples::each_process(ctx.conn, host, span(&period), |p| {
            if !excluded.contains(&p.user) {
                per_process.entry((p.command, p.user)).or_default().add(
                    p.cpu,
                    p.interval_cs,
                    p.rss,
                    p.threads,
                );
            }
        })?;
    }
    let mut procs: Vec<((String, String), Usage)> = per_process.into_iter().collect();
    procs.sort_by(|a, b| {
        b.1.key(args.by)
            .total_cmp(&a.1.key(args.by))
            .then(a.0.cmp(&b.0))
    });
    procs.truncate(args.top as usize);
    let chart = bar_chart(
        "Top processes",
        &period,
        procs.iter().map(|p| p.0.0.clone()).collect(),
        procs.iter().map(|p| p.1.key(args.by)).collect(),
        args.by,
    );
    Ok(Output {
        during: period.during(),
        rows: Stream::from(Rows {
            columns: vec![
                "command",
                "user",
                "samples",
                "cpu_seconds",
                "avg_cpu_pct",
                "max_cpu_pct",
                "avg_rss_mib",
                "max_rss_mib",
                "max_threads",
            ],
            rows: procs
                .into_iter()
                .map(|((command, user), u)| {
                    [vec![Cell::Text(command), Cell::Text(user)], u.cells()].concat()
                })
                .collect(),
        }),
        chart: drawn(chart),
    })
}

/// Alert events, or how many fired and resolved per day and rule.
pub fn alerts(ctx: &Ctx, args: &AlertsArgs) -> Result<Output<'static>> {
    let period = recent_days(ctx, 30);
    let (since, until) = bounds(&period);
    let mut events = Vec::new();
    let mut per_day: BTreeMap<(NaiveDate, String, String), (i64, i64)> = BTreeMap::new();
    // The host's events, and those of no host (written before schema 11 in a database of
    // several hosts).
    let shown = host(ctx)?;
    let events_of_host = db::alerts::events(ctx.conn, since, until)?
        .into_iter()
        .filter(|e| shown.is_none() || e.host.is_none() || e.host == shown);
    for e in events_of_host {
        let counts = per_day
            .entry((ctx.zone.date(e.ts), e.rule.clone(), e.severity.clone()))
            .or_default();
        match e.event.as_str() {
            "firing" => counts.0 += 1,
            "resolved" => counts.1 += 1,
            _ => {}
        }
        if args.events {
            events.push(vec![
                Cell::Time(ctx.zone.time(e.ts)),
                Cell::Text(e.rule),
                Cell::Text(e.subject),
                Cell::Text(e.event),
                Cell::Text(e.severity),
                e.value.map_or(Cell::Null, |v| Cell::Num(v, 2)),
                Cell::Text(e.message),
            ]);
        }
    }
    let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for ((day, rule, _), (fired, _)) in &per_day {
        series
            .entry(rule.clone())
            .or_default()
            .push((ctx.zone.midnight(*day) as f64, *fired as f64));
    }
    let chart = day_bars(
        ctx,
        &period,
        format!("Alerts fired per day, {}", period.describe()),
        "alerts fired per day",
        Quantity::Count,
        series,
    );
    let rows = if args.events {
        Rows {
            columns: vec![
                "time", "rule", "subject", "event", "severity", "value", "message",
            ],
            rows: events,
        }
    } else {
        Rows {
            columns: vec!["date", "rule", "severity", "fired", "resolved"],
            rows: per_day
                .into_iter()
                .map(|((day, rule, severity), (fired, resolved))| {
                    vec![
                        Cell::Text(day.to_string()),
                        Cell::Text(rule),
                        Cell::Text(severity),
                        Cell::Int(fired),
                        Cell::Int(resolved),
                    ]
                })
                .collect(),
        }
    };
    Ok(Output {
        during: period.during(),
        rows: rows.into(),
        chart: drawn(chart),
    })
}
