//! The machine's views: system figures per time bucket, traffic per interface per day, users,
//! processes, and alert events.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Result, anyhow};
use chrono::{Duration, NaiveDate};
use rusqlite::OptionalExtension;

use super::chart::{Chart, Kind, MAX_SERIES, Series, XAxis};
use super::period::{Period, Zone};
use super::{Ctx, Output};
use crate::cli::UsageError;
use crate::env::Env;
use crate::ledger::GB;
use crate::render::{Cell, Rows, Stream};

#[derive(Debug, Clone, clap::Args)]
pub struct SystemArgs {
    /// Time bucket of each row [default: auto: minute up to 2 hours, hour up to 4 days, else
    /// day]; all: one row per metric for the whole period
    #[arg(long, value_enum, default_value = "auto")]
    pub bucket: Bucket,

    /// Only these metrics (comma-separated): cpu, cpu_user, cpu_system, cpu_iowait, cpu_steal,
    /// memory, swap, load1, load5, load15, temperature, disk (or disk:/home), net (or
    /// net_rx:eth0); a name also selects those it prefixes (cpu selects cpu_user)
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

/// The host whose samples are shown: --host or the configured one (which must exist), else
/// this machine if it has samples, else the only host. `None`: nothing is stored yet.
pub(super) fn host(ctx: &Ctx, env: &Env) -> Result<Option<i64>> {
    let find = |name: &str| -> Result<Option<i64>> {
        Ok(ctx
            .conn
            .query_row("SELECT id FROM hosts WHERE name = ?1", [name], |r| r.get(0))
            .optional()?)
    };
    let mut stmt = ctx
        .conn
        .prepare("SELECT id, name FROM hosts ORDER BY name")?;
    let hosts: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let names = || {
        hosts
            .iter()
            .map(|h| h.1.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(name) = &ctx.host {
        return match find(name)? {
            Some(id) => Ok(Some(id)),
            None if hosts.is_empty() => Ok(None),
            None => Err(anyhow!(
                "no samples of host '{name}' are stored (hosts: {})",
                names()
            )),
        };
    }
    if let Ok(me) = crate::sample::hostname(&env.sysroot)
        && let Some(id) = find(&me)?
    {
        return Ok(Some(id));
    }
    match hosts.as_slice() {
        [] => Ok(None),
        [(id, _)] => Ok(Some(*id)),
        _ => Err(UsageError(format!(
            "samples of several hosts are stored ({}): choose one with --host",
            names()
        ))
        .into()),
    }
}

/// The period with a default start `default` seconds before now (or before --until).
fn recent(ctx: &Ctx, default: i64) -> Period {
    let end = ctx.period.until.unwrap_or(ctx.now);
    ctx.period.or_since(end - default)
}

fn bounds(p: &Period) -> (i64, i64) {
    (p.since.unwrap_or(i64::MIN), p.until.unwrap_or(i64::MAX))
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

/// The metrics every sample has, in the order rows show them: (name, unit).
const METRICS: [(&str, &str); 11] = [
    ("cpu", "%"),
    ("cpu_user", "%"),
    ("cpu_system", "%"),
    ("cpu_iowait", "%"),
    ("cpu_steal", "%"),
    ("memory", "%"),
    ("swap", "%"),
    ("load1", "load"),
    ("load5", "load"),
    ("load15", "load"),
    ("temperature", "C"),
];

fn selected(name: &str, wanted: &[String]) -> bool {
    wanted.is_empty()
        || wanted.iter().any(|w| {
            name == w
                || name
                    .strip_prefix(w.as_str())
                    .is_some_and(|rest| rest.starts_with([':', '_']))
        })
}

fn check_metrics(wanted: &[String]) -> Result<()> {
    for w in wanted {
        let known = METRICS
            .iter()
            .any(|(m, _)| selected(m, std::slice::from_ref(w)))
            || ["disk", "net", "net_rx", "net_tx"].contains(&w.as_str())
            || w.starts_with("disk:")
            || w.starts_with("net_rx:")
            || w.starts_with("net_tx:");
        if !known {
            return Err(UsageError(format!(
                "--metric '{w}' is not a metric (expected cpu, cpu_user, cpu_system, cpu_iowait, cpu_steal, memory, swap, load1, load5, load15, temperature, disk, disk:MOUNT, net, net_rx:IFACE, net_tx:IFACE)"
            ))
            .into());
        }
    }
    Ok(())
}

/// Values per (bucket, metric), the metrics' names and units in order of first appearance.
#[derive(Default)]
struct Stats {
    metrics: Vec<(String, &'static str)>,
    index: HashMap<String, usize>,
    values: BTreeMap<(i64, usize), Vec<f32>>,
}

impl Stats {
    fn metric(&mut self, name: &str, unit: &'static str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.metrics.push((name.to_string(), unit));
        self.index.insert(name.to_string(), self.metrics.len() - 1);
        self.metrics.len() - 1
    }

    fn add(&mut self, bucket: i64, metric: usize, value: Option<f64>) {
        if let Some(v) = value {
            self.values
                .entry((bucket, metric))
                .or_default()
                .push(v as f32);
        }
    }
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

/// CPU, memory, swap, load, temperature, disks and network per time bucket.
pub fn system(ctx: &Ctx, env: &Env, args: &SystemArgs) -> Result<Output> {
    check_metrics(&args.metric)?;
    let period = recent(ctx, 86_400);
    let (since, until) = bounds(&period);
    let span = until.min(ctx.now) - since;
    let size = match args.bucket {
        Bucket::Minute => 60,
        Bucket::Hour => 3600,
        Bucket::Day => 86_400,
        Bucket::All => i64::MAX,
        Bucket::Auto if span <= 2 * 3600 => 60,
        Bucket::Auto if span <= 4 * 86_400 => 3600,
        Bucket::Auto => 86_400,
    };
    let mut stats = Stats::default();
    for (name, unit) in METRICS {
        stats.metric(name, unit);
    }
    let mut buckets: HashMap<i64, i64> = HashMap::new();
    let mut first_sample = None;
    if let Some(host) = host(ctx, env)? {
        let mut bucketer = Bucketer::new(ctx.zone, size);
        let mut stmt = ctx.conn.prepare(
            "SELECT id, ts, cpu_busy, cpu_user, cpu_system, cpu_iowait, cpu_steal, mem_total,
                    mem_used, swap_total, swap_used, load1, load5, load15, temp
             FROM samples WHERE host_id = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts",
        )?;
        let mut q = stmt.query((host, since, until))?;
        while let Some(r) = q.next()? {
            let ts: i64 = r.get(1)?;
            first_sample.get_or_insert(ts);
            let b = bucketer.start(ts);
            buckets.insert(r.get(0)?, b);
            let hundredths = |i: usize| -> rusqlite::Result<Option<f64>> {
                Ok(r.get::<_, Option<i64>>(i)?.map(|v| v as f64 / 100.0))
            };
            let pct = |used: usize, total: usize| -> rusqlite::Result<Option<f64>> {
                let total: i64 = r.get(total)?;
                (total > 0)
                    .then(|| {
                        r.get::<_, i64>(used)
                            .map(|u| u as f64 * 100.0 / total as f64)
                    })
                    .transpose()
            };
            let values = [
                hundredths(2)?,
                hundredths(3)?,
                hundredths(4)?,
                hundredths(5)?,
                hundredths(6)?,
                pct(8, 7)?,
                pct(10, 9)?,
                hundredths(11)?,
                hundredths(12)?,
                hundredths(13)?,
                r.get::<_, Option<i64>>(14)?.map(|t| t as f64 / 10.0),
            ];
            for (i, v) in values.into_iter().enumerate() {
                stats.add(b, i, v);
            }
        }
        let mut stmt = ctx.conn.prepare(
            "SELECT d.sample_id, m.path, d.used, d.avail FROM samples s
             JOIN sample_disks d ON d.sample_id = s.id JOIN mounts m ON m.id = d.mount_id
             WHERE s.host_id = ?1 AND s.ts >= ?2 AND s.ts < ?3 ORDER BY m.path",
        )?;
        let mut q = stmt.query((host, since, until))?;
        while let Some(r) = q.next()? {
            let (used, avail): (i64, i64) = (r.get(2)?, r.get(3)?);
            let metric = stats.metric(&format!("disk:{}", r.get_ref(1)?.as_str()?), "%");
            // Use% as df shows it: of the space available to users.
            let value = (used + avail > 0).then(|| used as f64 * 100.0 / (used + avail) as f64);
            stats.add(buckets[&r.get::<_, i64>(0)?], metric, value);
        }
        let mut stmt = ctx.conn.prepare(
            "SELECT n.sample_id, i.name, n.rx_delta, n.tx_delta, s.interval_cs FROM samples s
             JOIN sample_net n ON n.sample_id = s.id JOIN interfaces i ON i.id = n.iface_id
             WHERE s.host_id = ?1 AND s.ts >= ?2 AND s.ts < ?3 ORDER BY i.name",
        )?;
        let mut q = stmt.query((host, since, until))?;
        while let Some(r) = q.next()? {
            let b = buckets[&r.get::<_, i64>(0)?];
            let name = r.get_ref(1)?.as_str()?.to_string();
            let interval: Option<i64> = r.get(4)?;
            for (col, dir) in [(2, "net_rx"), (3, "net_tx")] {
                let metric = stats.metric(&format!("{dir}:{name}"), "B/s");
                let rate = r
                    .get::<_, Option<i64>>(col)?
                    .zip(interval.filter(|i| *i > 0))
                    .map(|(d, i)| d as f64 * 100.0 / i as f64);
                stats.add(b, metric, rate);
            }
        }
    }
    let mut rows = Vec::new();
    let mut lines: BTreeMap<usize, Vec<(f64, f64)>> = BTreeMap::new();
    let mut values = std::mem::take(&mut stats.values);
    for ((bucket, metric), vals) in values.iter_mut() {
        let (name, unit) = &stats.metrics[*metric];
        if !selected(name, &args.metric) {
            continue;
        }
        let (min, avg, max, p95) = summary(vals);
        // One bucket for the whole period is shown at its first sample.
        let start = if size == i64::MAX {
            first_sample.unwrap_or(since)
        } else {
            *bucket
        };
        lines.entry(*metric).or_default().push((start as f64, avg));
        let decimals = if *unit == "B/s" { 0 } else { 2 };
        rows.push(vec![
            Cell::Time(ctx.zone.time(start)),
            Cell::Text(name.clone()),
            Cell::Text((*unit).to_string()),
            Cell::Int(vals.len() as i64),
            Cell::Num(min, decimals),
            Cell::Num(avg, decimals),
            Cell::Num(max, decimals),
            Cell::Num(p95, decimals),
        ]);
    }
    // The chart shows the averages of one unit: percentages, unless --metric starts with
    // another; the title names what it leaves out.
    let unit = match args.metric.first() {
        Some(_) => lines.keys().next().map_or("%", |&m| stats.metrics[m].1),
        None => "%",
    };
    let mut title = format!("System, {}", period.describe());
    let other: Vec<&str> = lines
        .keys()
        .map(|&m| &stats.metrics[m])
        .filter(|(_, u)| *u != unit)
        .map(|(name, _)| name.as_str())
        .collect();
    if !other.is_empty() && !args.metric.is_empty() {
        title.push_str(&format!(" ({} not drawn: not in {unit})", other.join(", ")));
    }
    let series = lines
        .into_iter()
        .filter(|(m, _)| stats.metrics[*m].1 == unit)
        .filter(|(m, _)| !args.metric.is_empty() || !stats.metrics[*m].0.starts_with("cpu_"))
        .take(MAX_SERIES)
        .map(|(m, points)| Series {
            name: stats.metrics[m].0.clone(),
            points,
            dashed: false,
        })
        .collect();
    let y_label = match unit {
        "%" => "percent (average per bucket)",
        "B/s" => "bytes per second (average per bucket)",
        "C" => "degrees Celsius (average per bucket)",
        _ => "load average (average per bucket)",
    };
    Ok(Output {
        rows: system_rows(rows).into(),
        chart: Some(Chart {
            title,
            y_label: y_label.into(),
            x: XAxis::Time(ctx.zone),
            kind: Kind::Line,
            series,
            y_max: (unit == "%").then_some(100.0),
        }),
    })
}

fn system_rows(rows: Vec<Vec<Cell>>) -> Rows {
    Rows {
        columns: vec![
            "time", "metric", "unit", "samples", "min", "avg", "max", "p95",
        ],
        rows,
    }
}

/// Bytes received and sent per interface per calendar day, from the first to the last day.
pub fn traffic_days(
    ctx: &Ctx,
    env: &Env,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
) -> Result<BTreeMap<(NaiveDate, String), (i64, i64)>> {
    let mut days = BTreeMap::new();
    let Some(host) = host(ctx, env)? else {
        return Ok(days);
    };
    let since = first.map_or(i64::MIN, |d| ctx.zone.midnight(d));
    let until = last.map_or(i64::MAX, |d| ctx.zone.midnight(d + Duration::days(1)));
    let mut stmt = ctx.conn.prepare(
        "SELECT s.ts, i.name, n.rx_delta, n.tx_delta FROM samples s
         JOIN sample_net n ON n.sample_id = s.id JOIN interfaces i ON i.id = n.iface_id
         WHERE s.host_id = ?1 AND s.ts >= ?2 AND s.ts < ?3 AND n.rx_delta IS NOT NULL",
    )?;
    let mut bucketer = Bucketer::new(ctx.zone, 86_400);
    let mut q = stmt.query((host, since, until))?;
    while let Some(r) = q.next()? {
        let day = ctx.zone.date(bucketer.start(r.get(0)?));
        let entry: &mut (i64, i64) = days.entry((day, r.get(1)?)).or_default();
        entry.0 += r.get::<_, Option<i64>>(2)?.unwrap_or(0);
        entry.1 += r.get::<_, Option<i64>>(3)?.unwrap_or(0);
    }
    Ok(days)
}

/// Traffic per interface per day, vnStat's daily view.
pub fn traffic(ctx: &Ctx, env: &Env) -> Result<Output> {
    let first = ctx
        .period
        .first_day()
        .unwrap_or(ctx.period.last_day().unwrap_or(ctx.today) - Duration::days(29));
    let days = traffic_days(ctx, env, Some(first), ctx.period.last_day())?;
    let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let rows = days
        .into_iter()
        .map(|((day, name), (rx, tx))| {
            series
                .entry(name.clone())
                .or_default()
                .push((ctx.zone.midnight(day) as f64, (rx + tx) as f64 / GB as f64));
            vec![
                Cell::Text(day.to_string()),
                Cell::Text(name),
                Cell::Gb(rx),
                Cell::Gb(tx),
                Cell::Gb(rx + tx),
            ]
        })
        .collect();
    let period = Period {
        since: Some(ctx.zone.midnight(first)),
        ..ctx.period.clone()
    };
    Ok(Output {
        rows: Stream::from(Rows {
            columns: vec!["date", "interface", "rx_gb", "tx_gb", "total_gb"],
            rows,
        }),
        chart: Some(Chart {
            title: format!("Traffic per interface per day, {}", period.describe()),
            y_label: "GB per day (received + sent)".into(),
            x: XAxis::Time(ctx.zone),
            kind: Kind::Bar,
            series: series
                .into_iter()
                .take(MAX_SERIES)
                .map(|(name, points)| Series {
                    name,
                    points,
                    dashed: false,
                })
                .collect(),
            y_max: None,
        }),
    })
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
fn bar_chart(title: String, names: Vec<String>, values: Vec<f64>, by: By) -> Chart {
    let (label, y_label) = match by {
        By::Cpu => ("CPU time", "CPU seconds"),
        By::Memory => ("peak memory", "resident memory, MiB"),
    };
    Chart {
        title: format!("{title} by {label}"),
        y_label: y_label.into(),
        x: XAxis::Categories(names),
        kind: Kind::Bar,
        series: vec![Series {
            name: label.into(),
            points: values
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i as f64, v))
                .collect(),
            dashed: false,
        }],
        y_max: None,
    }
}

/// CPU time and memory per user; users excluded in the configuration are left out.
pub fn users(ctx: &Ctx, env: &Env, args: &UsersArgs) -> Result<Output> {
    let period = recent(ctx, 86_400);
    let (since, until) = bounds(&period);
    let excluded = &ctx.config.file.sample.exclude_users;
    let mut per_user: BTreeMap<String, Usage> = BTreeMap::new();
    if let Some(host) = host(ctx, env)? {
        let mut stmt = ctx.conn.prepare(
            "SELECT u.name, su.cpu, s.interval_cs, su.rss, su.procs FROM samples s
             JOIN sample_users su ON su.sample_id = s.id JOIN users u ON u.id = su.user_id
             WHERE s.host_id = ?1 AND s.ts >= ?2 AND s.ts < ?3",
        )?;
        let mut q = stmt.query((host, since, until))?;
        while let Some(r) = q.next()? {
            let name: String = r.get(0)?;
            if excluded.contains(&name) {
                continue;
            }
            per_user
                .entry(name)
                .or_default()
                .add(r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        }
    }
    let mut users: Vec<(String, Usage)> = per_user.into_iter().collect();
    users.sort_by(|a, b| {
        b.1.key(args.by)
            .total_cmp(&a.1.key(args.by))
            .then(a.0.cmp(&b.0))
    });
    let chart = bar_chart(
        format!("Users, {}", period.describe()),
        users.iter().take(20).map(|u| u.0.clone()).collect(),
        users.iter().take(20).map(|u| u.1.key(args.by)).collect(),
        args.by,
    );
    Ok(Output {
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
        chart: Some(chart),
    })
}

/// The top processes (by command and user) while they were among a sample's top processes.
pub fn processes(ctx: &Ctx, env: &Env, args: &ProcessesArgs) -> Result<Output> {
    let period = recent(ctx, 86_400);
    let (since, until) = bounds(&period);
    let excluded = &ctx.config.file.sample.exclude_users;
    let mut per_process: HashMap<(String, String), Usage> = HashMap::new();
    if let Some(host) = host(ctx, env)? {
        let mut stmt = ctx.conn.prepare(
            "SELECT c.name, u.name, p.cpu, s.interval_cs, p.rss, p.threads FROM samples s
             JOIN sample_procs p ON p.sample_id = s.id JOIN commands c ON c.id = p.command_id
             JOIN users u ON u.id = p.user_id
             WHERE s.host_id = ?1 AND s.ts >= ?2 AND s.ts < ?3",
        )?;
        let mut q = stmt.query((host, since, until))?;
        while let Some(r) = q.next()? {
            let user: String = r.get(1)?;
            if excluded.contains(&user) {
                continue;
            }
            per_process.entry((r.get(0)?, user)).or_default().add(
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            );
        }
    }
    let mut procs: Vec<((String, String), Usage)> = per_process.into_iter().collect();
    procs.sort_by(|a, b| {
        b.1.key(args.by)
            .total_cmp(&a.1.key(args.by))
            .then(a.0.cmp(&b.0))
    });
    procs.truncate(args.top as usize);
    let chart = bar_chart(
        format!("Top processes, {}", period.describe()),
        procs.iter().map(|p| p.0.0.clone()).collect(),
        procs.iter().map(|p| p.1.key(args.by)).collect(),
        args.by,
    );
    Ok(Output {
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
        chart: Some(chart),
    })
}

/// Alert events, or how many fired and resolved per day and rule.
pub fn alerts(ctx: &Ctx, args: &AlertsArgs) -> Result<Output> {
    let period = recent(ctx, 30 * 86_400);
    let (since, until) = bounds(&period);
    let mut stmt = ctx.conn.prepare(
        "SELECT ts, rule, subject, event, severity, value, message FROM alert_events
         WHERE ts >= ?1 AND ts < ?2 ORDER BY ts, id",
    )?;
    let mut q = stmt.query((since, until))?;
    let mut events = Vec::new();
    let mut per_day: BTreeMap<(NaiveDate, String, String), (i64, i64)> = BTreeMap::new();
    while let Some(r) = q.next()? {
        let ts: i64 = r.get(0)?;
        let (rule, event, severity): (String, String, String) = (r.get(1)?, r.get(3)?, r.get(4)?);
        let counts = per_day
            .entry((ctx.zone.date(ts), rule.clone(), severity.clone()))
            .or_default();
        match event.as_str() {
            "firing" => counts.0 += 1,
            "resolved" => counts.1 += 1,
            _ => {}
        }
        if args.events {
            events.push(vec![
                Cell::Time(ctx.zone.time(ts)),
                Cell::Text(rule),
                Cell::Text(r.get(2)?),
                Cell::Text(event),
                Cell::Text(severity),
                r.get::<_, Option<f64>>(5)?
                    .map_or(Cell::Null, |v| Cell::Num(v, 2)),
                Cell::Text(r.get(6)?),
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
    let chart = Chart {
        title: format!("Alerts fired per day, {}", period.describe()),
        y_label: "alerts fired".into(),
        x: XAxis::Time(ctx.zone),
        kind: Kind::Bar,
        series: series
            .into_iter()
            .take(MAX_SERIES)
            .map(|(name, points)| Series {
                name,
                points,
                dashed: false,
            })
            .collect(),
        y_max: None,
    };
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
        rows: rows.into(),
        chart: Some(chart),
    })
}
