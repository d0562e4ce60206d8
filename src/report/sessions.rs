//! The sessions and activity views: application sessions derived from their stored events (per
//! app and user, per day with the first and last activity, or each session with what the
//! machine did during it), and actions by type over time.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow};

use super::system::{bounds, day_bars, host, recent_days};
use super::{Ctx, Output, drawn};
use crate::activity::{self, MICROS, Session};
use crate::db::{self, activity::Kind};
use crate::metric::{self, Metric};
use crate::render::{Cell, Quantity, Rows};

#[derive(Debug, Clone, clap::Args)]
pub struct SessionsArgs {
    /// Per day, app and user: sessions, hours, actions, errors, and the first and last activity
    /// (work hours)
    #[arg(long, conflicts_with = "list")]
    pub daily: bool,

    /// List the sessions: start, end, how they closed (ended, idle, open), minutes, actions,
    /// errors, and the machine's CPU and memory over each (min, avg, max)
    #[arg(long)]
    pub list: bool,

    /// Only this session (by the id the application logged), listed with what the machine did
    /// during it
    #[arg(long, value_name = "ID", conflicts_with = "daily")]
    pub session: Option<String>,

    /// Only this application; repeatable
    #[arg(long, value_name = "NAME")]
    pub app: Vec<String>,

    /// Only this user; repeatable
    #[arg(long, value_name = "NAME")]
    pub user: Vec<String>,

    /// How long after its last event a session with no logged end closes (30m, 1h) [config:
    /// sessions.idle, default 30m]
    #[arg(long, value_name = "TIME", value_parser = parse_idle)]
    pub idle: Option<i64>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ActivityArgs {
    /// Only this application; repeatable
    #[arg(long, value_name = "NAME")]
    pub app: Vec<String>,

    /// Count per hour rather than per day
    #[arg(long)]
    pub hourly: bool,
}

impl SessionsArgs {
    /// Per app and user, every app and user, the configured timeout.
    pub fn summary() -> SessionsArgs {
        SessionsArgs {
            daily: false,
            list: false,
            session: None,
            app: Vec::new(),
            user: Vec::new(),
            idle: None,
        }
    }
}

fn parse_idle(text: &str) -> Result<i64, String> {
    match crate::time::parse_duration(text) {
        Ok(secs) if (60..=7 * 86400).contains(&secs) => Ok(secs),
        _ => Err("expected a time from 1m to 7d, as 30m or 1h".into()),
    }
}

/// The sessions of the period's host that overlap it and pass the filters, as derived with the
/// idle timeout.
fn sessions(ctx: &Ctx, args: &SessionsArgs, host: i64, from: i64, to: i64) -> Result<Vec<Session>> {
    let idle = args
        .idle
        .unwrap_or_else(|| ctx.config.file.sessions.idle_secs())
        * MICROS;
    let now = ctx.now * MICROS;
    let rows = db::activity::overlapping(ctx.conn, host, from, to, idle)?;
    Ok(rows
        .into_iter()
        .filter(|r| args.app.is_empty() || args.app.contains(&r.app))
        .filter(|r| args.user.is_empty() || args.user.contains(&r.user))
        .filter(|r| args.session.as_ref().is_none_or(|s| *s == r.session))
        .map(|r| activity::derive(r, idle, now))
        .filter(|s| s.begin < to && s.finish >= from)
        .collect())
}

/// Period bounds in microseconds, never past now.
fn micro_bounds(ctx: &Ctx, period: &super::Period) -> (i64, i64) {
    let (since, until) = bounds(period);
    let clamp = |t: i64| t.saturating_mul(MICROS);
    (
        clamp(since.max(i64::MIN / MICROS)),
        clamp(until.min(ctx.now + 1)),
    )
}

pub fn sessions_view(ctx: &Ctx, args: &SessionsArgs) -> Result<Output<'static>> {
    let period = recent_days(ctx, 30);
    let Some(host) = host(ctx)? else {
        return Ok(empty(
            &period,
            if args.list || args.session.is_some() {
                LIST
            } else if args.daily {
                DAILY
            } else {
                SUMMARY
            },
        ));
    };
    let (from, to) = micro_bounds(ctx, &period);
    let sessions = sessions(ctx, args, host, from, to)?;
    if let Some(id) = &args.session
        && sessions.is_empty()
    {
        return Err(anyhow!(
            "no session '{id}' overlaps {} (usage-report sessions --list shows the sessions)",
            period.describe()
        ));
    }
    let quarters: Vec<_> = db::activity::quarters(ctx.conn, host, from, to)?;
    let (totals, days) = activity::summarize(&sessions, &quarters, ctx.zone, from, to);
    let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let apps: std::collections::BTreeSet<&String> = totals.keys().map(|(app, _)| app).collect();
    let several_apps = apps.len() > 1;
    for ((day, app, user), d) in &days {
        let name = if several_apps {
            format!("{app} {user}")
        } else {
            user.clone()
        };
        series
            .entry(name)
            .or_default()
            .push((ctx.zone.midnight(*day) as f64, d.micros as f64 / 3.6e9));
    }
    let chart = day_bars(
        ctx,
        &period,
        format!("Hours in sessions per day, {}", period.describe()),
        "hours in sessions",
        Quantity::Fixed("h"),
        series,
    );
    let time = |t: Option<i64>| {
        t.map_or(Cell::Null, |t| {
            Cell::Time(ctx.zone.time(t.div_euclid(MICROS)))
        })
    };
    let rows = if args.list || args.session.is_some() {
        let mut rows = Vec::with_capacity(sessions.len());
        for s in &sessions {
            let machine = machine_during(ctx, host, s)?;
            let mut row = vec![
                Cell::Text(s.row.app.clone()),
                Cell::Text(s.row.user.clone()),
                Cell::Text(s.row.session.clone()),
                time(Some(s.begin)),
                time(Some(s.finish)),
                Cell::Text(s.how.as_str().into()),
                Cell::Num(s.micros() as f64 / 6e7, 1),
                Cell::Int(s.row.actions),
                Cell::Int(s.row.errors),
            ];
            row.extend(machine);
            rows.push(row);
        }
        Rows {
            columns: LIST.to_vec(),
            rows,
        }
    } else if args.daily {
        Rows {
            columns: DAILY.to_vec(),
            rows: days
                .into_iter()
                .map(|((day, app, user), d)| {
                    vec![
                        Cell::Text(day.to_string()),
                        Cell::Text(app),
                        Cell::Text(user),
                        Cell::Int(d.sessions),
                        Cell::Num(d.micros as f64 / 3.6e9, 2),
                        Cell::Int(d.actions),
                        Cell::Int(d.errors),
                        time(d.first),
                        time(d.last),
                    ]
                })
                .collect(),
        }
    } else {
        Rows {
            columns: SUMMARY.to_vec(),
            rows: totals
                .into_iter()
                .map(|((app, user), t)| {
                    let num = |v: Option<f64>| v.map_or(Cell::Null, |v| Cell::Num(v, 2));
                    vec![
                        Cell::Text(app),
                        Cell::Text(user),
                        Cell::Int(t.sessions),
                        Cell::Num(t.hours(), 2),
                        num(t.average_minutes()),
                        Cell::Int(t.actions),
                        num(t.actions_per_hour()),
                        Cell::Int(t.errors),
                        Cell::Text(t.busiest()),
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

const SUMMARY: &[&str] = &[
    "app",
    "user",
    "sessions",
    "hours",
    "avg_minutes",
    "actions",
    "actions_per_hour",
    "errors",
    "busiest_hours",
];
const DAILY: &[&str] = &[
    "date", "app", "user", "sessions", "hours", "actions", "errors", "first", "last",
];
const LIST: &[&str] = &[
    "app",
    "user",
    "session",
    "start",
    "end",
    "how",
    "minutes",
    "actions",
    "errors",
    "cpu_min",
    "cpu_avg",
    "cpu_max",
    "memory_min",
    "memory_avg",
    "memory_max",
];

fn empty(period: &super::Period, columns: &[&'static str]) -> Output<'static> {
    Output {
        during: period.during(),
        rows: Rows {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
        .into(),
        chart: None,
    }
}

/// The machine's CPU and memory (% busy, % used) over a session, from the samples taken
/// during it: min, avg, max of each; NULL without samples.
fn machine_during(ctx: &Ctx, host: i64, s: &Session) -> Result<Vec<Cell>> {
    let span = db::samples::Span::new(s.begin.div_euclid(MICROS), s.finish.div_euclid(MICROS) + 1);
    let mut cpu = Stats::default();
    let mut mem = Stats::default();
    db::samples::each_sample(ctx.conn, host, span, |r| {
        cpu.add(metric::of_sample(Metric::CpuPercent, &r));
        mem.add(metric::of_sample(Metric::MemoryPercent, &r));
    })?;
    let mut cells = cpu.cells();
    cells.extend(mem.cells());
    Ok(cells)
}

#[derive(Default)]
struct Stats {
    n: u32,
    min: f64,
    max: f64,
    sum: f64,
}

impl Stats {
    fn add(&mut self, v: Option<f64>) {
        let Some(v) = v else { return };
        if self.n == 0 {
            (self.min, self.max) = (v, v);
        }
        self.n += 1;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.sum += v;
    }

    fn cells(&self) -> Vec<Cell> {
        if self.n == 0 {
            return vec![Cell::Null, Cell::Null, Cell::Null];
        }
        vec![
            Cell::Num(self.min, 1),
            Cell::Num(self.sum / f64::from(self.n), 1),
            Cell::Num(self.max, 1),
        ]
    }
}

/// Actions and errors by type per day (or hour), per app.
pub fn activity_view(ctx: &Ctx, args: &ActivityArgs) -> Result<Output<'static>> {
    let period = recent_days(ctx, 30);
    let first = if args.hourly { "hour" } else { "date" };
    let columns = vec![first, "app", "kind", "type", "count"];
    let Some(host) = host(ctx)? else {
        return Ok(empty(&period, &columns));
    };
    let (from, to) = micro_bounds(ctx, &period);
    // Quarter hours from the store, gathered into local hours or days here.
    let mut counts: BTreeMap<(i64, String, Kind, String), i64> = BTreeMap::new();
    db::activity::counts(
        ctx.conn,
        host,
        from,
        to,
        db::activity::QUARTER,
        |at, app, kind, name, n| {
            if !args.app.is_empty() && !args.app.contains(&app) {
                return;
            }
            let secs = at.div_euclid(MICROS);
            let bucket = if args.hourly {
                secs - (secs + i64::from(ctx.zone.offset(secs))).rem_euclid(3600)
            } else {
                ctx.zone.midnight(ctx.zone.date(secs))
            };
            *counts.entry((bucket, app, kind, name)).or_default() += n;
        },
    )?;
    let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut per_day: BTreeMap<(String, i64), f64> = BTreeMap::new();
    for ((bucket, _, kind, name), n) in &counts {
        let label = match kind {
            Kind::Error => format!("error: {name}"),
            _ => name.clone(),
        };
        let day = ctx.zone.midnight(ctx.zone.date(*bucket));
        *per_day.entry((label, day)).or_default() += *n as f64;
    }
    for ((label, day), n) in per_day {
        series.entry(label).or_default().push((day as f64, n));
    }
    let chart = day_bars(
        ctx,
        &period,
        format!("Actions and errors per day by type, {}", period.describe()),
        "actions and errors",
        Quantity::Count,
        series,
    );
    let rows = Rows {
        columns,
        rows: counts
            .into_iter()
            .map(|((bucket, app, kind, name), n)| {
                let when = if args.hourly {
                    Cell::Time(ctx.zone.time(bucket))
                } else {
                    Cell::Text(ctx.zone.date(bucket).to_string())
                };
                vec![
                    when,
                    Cell::Text(app),
                    Cell::Text(
                        if kind == Kind::Error {
                            "error"
                        } else {
                            "action"
                        }
                        .into(),
                    ),
                    Cell::Text(name),
                    Cell::Int(n),
                ]
            })
            .collect(),
    };
    Ok(Output {
        during: period.during(),
        rows: rows.into(),
        chart: drawn(chart),
    })
}
