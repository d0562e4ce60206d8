//! usage-report: answer questions about the stored record: the ledger's days, billing cycles and
//! trends, the machine's samples, users and processes, and alerts; as a table, CSV, JSON, a PNG
//! chart, or one self-contained HTML or PDF report.
//!
//! Every view builds [`Output`]: rows, which feed the table, CSV and JSON writers, and a chart
//! drawn from the same figures.

mod availability;
mod chart;
mod document;
mod html;
mod logins;
mod overview;
mod pdf;
pub mod period;
mod prometheus;
mod sessions;
mod system;
pub mod usage;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use rusqlite::Connection;

use crate::cli::{self, CommonArgs, Outcome, UsageError};
use crate::config::{self, Config};
use crate::db;
use crate::env::Env;
use crate::host;
use crate::render::{self, Stream};
use crate::time::Zone;

pub use chart::Chart;
pub use period::Period;

/// Answer questions about the stored record
#[derive(Debug, Parser)]
#[command(
    name = "usage-report",
    version,
    about = "Answer questions about the stored record: data usage per location, billing cycles, trends, the machine's samples, users, processes and alerts",
    long_about = "Answer questions about the stored record: data usage per location and day, \
billing cycles with quotas and forecasts, trends, the machine's CPU, memory, disk and network \
over a period, its users and processes, and alerts; as an aligned table (the default on a \
terminal), CSV (the default otherwise), JSON lines, a PNG chart, one self-contained HTML \
or PDF report, or the latest figures for Prometheus (--format prometheus, or -o FILE.prom: \
node_exporter's textfile collector reads it).\n\nWithout a view, the overview is shown. Dates and times are in the local time zone \
(TZ) unless --utc is given."
)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub range: RangeArgs,

    #[command(subcommand)]
    pub view: Option<View>,
}

/// How the result is written.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Output format [default: from --output's extension, else table on a terminal, else csv
    /// (json for the overview)]
    #[arg(long, short = 'f', value_enum, global = true)]
    pub format: Option<Format>,

    /// Write to this file instead of standard output (replaced whole, never half-written; a
    /// pipe or device is written to, a link's target replaced; - is standard output); needed for
    /// png when standard output is a terminal
    #[arg(long, short = 'o', value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,

    /// Size of a PNG chart (or of each chart in the HTML report; the PDF report's charts take
    /// its proportions), in pixels
    #[arg(long, value_name = "WxH", default_value = "1200x600", value_parser = parse_size, global = true)]
    pub size: (u32, u32),

    /// Show dates and times in UTC rather than the local time zone
    #[arg(long, global = true)]
    pub utc: bool,

    /// The page size of a PDF report
    #[arg(long, value_enum, default_value = "a4", global = true)]
    pub paper: pdf::Paper,
}

/// Which stretch of the record a view covers.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RangeArgs {
    /// Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age
    /// (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic,
    /// alerts: 30 days; trends: --days]
    #[arg(long, value_name = "WHEN", global = true)]
    pub since: Option<String>,

    /// End, as for --since; a date includes that day [default: now]
    #[arg(long, value_name = "WHEN", global = true)]
    pub until: Option<String>,

    /// The billing cycle that starts in this month (2024-03); per location in the cycles view
    #[arg(long, value_name = "YYYY-MM", global = true, conflicts_with_all = ["since", "until", "last_cycle"])]
    pub cycle: Option<String>,

    /// The last complete billing cycle; per location in the cycles view
    #[arg(long, global = true, conflicts_with_all = ["since", "until"])]
    pub last_cycle: bool,

    /// Only this location (name or display name); repeatable
    #[arg(long, short = 'l', value_name = "NAME", global = true)]
    pub location: Vec<String>,

    /// The day billing cycles start on, 1 to 31, for locations without their own [config:
    /// ledger.billing_day, default 1]
    #[arg(long, value_name = "DAY", value_parser = clap::value_parser!(u8).range(1..=31), global = true)]
    pub billing_day: Option<u8>,

    /// The host whose samples are shown [default: config host, else this machine's name, else
    /// the only host stored]; repeatable: the views of machine data show each host's rows, a
    /// host column first
    #[arg(long, value_name = "NAME", global = true, value_parser = host::parse_name)]
    pub host: Vec<String>,

    /// Every stored host, as --host for each (a database that merged other hosts' databases)
    #[arg(long, global = true, conflicts_with = "host")]
    pub all_hosts: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people
    Table,
    /// Comma-separated values with a header line
    Csv,
    /// JSON, one object per line
    Json,
    /// A chart as a PNG image
    Png,
    /// One self-contained HTML page: overview, cycles, system, alerts and service availability
    /// with charts
    Html,
    /// The HTML report's content as a printable PDF (A4 or Letter, fonts embedded, charts as
    /// vectors)
    Pdf,
    /// The latest figures of every metric, the alerts, cycles and backups in Prometheus's text
    /// format, for node_exporter's textfile collector (-o DIR/usage.prom)
    Prometheus,
}

#[derive(Debug, Clone, Subcommand)]
pub enum View {
    /// Locations, records, top locations, recent days, the machine's latest state
    Overview,
    /// Usage per location per day (the CSV is usage-import's long layout)
    Daily,
    /// Totals per location per billing cycle, with quota, manual totals and a forecast
    Cycles(usage::CyclesArgs),
    /// Daily totals per location over the last days, with a moving average
    Trends(usage::TrendsArgs),
    /// CPU, memory, swap, load, temperature, disks and network: min/avg/max/p95 per time bucket
    System(system::SystemArgs),
    /// Network traffic per interface per day (as vnStat counts it)
    Traffic,
    /// CPU time and memory per user
    Users(system::UsersArgs),
    /// The top processes by CPU time or memory
    Processes(system::ProcessesArgs),
    /// Alert events and their frequency per day
    Alerts(system::AlertsArgs),
    /// Hours logged in per user and day (as ac -d -p counts them), with the first and last
    /// moment logged in; or the login sessions (--sessions, as last lists them)
    Logins(logins::LoginsArgs),
    /// Application sessions per app and user: sessions, hours, average minutes, actions,
    /// actions per hour, errors, busiest hours; per day with the first and last activity
    /// (--daily); or each session with the machine's CPU and memory during it (--list)
    Sessions(sessions::SessionsArgs),
    /// Application actions and errors by type per day (or hour)
    Activity(sessions::ActivityArgs),
    /// Per probe: uptime outside maintenance, checks passed, outages, response-time
    /// percentiles, TLS days left; or the outages (--outages) or every result (--raw)
    Availability(availability::AvailabilityArgs),
}

impl View {
    /// A view of one machine's data, shown per host when several are asked for.
    fn of_machine(&self) -> bool {
        !matches!(
            self,
            View::Overview | View::Daily | View::Cycles(_) | View::Trends(_)
        )
    }

    fn name(&self) -> &'static str {
        match self {
            View::Overview => "overview",
            View::Daily => "daily",
            View::Cycles(_) => "cycles",
            View::Trends(_) => "trends",
            View::System(_) => "system",
            View::Traffic => "traffic",
            View::Users(_) => "users",
            View::Processes(_) => "processes",
            View::Alerts(_) => "alerts",
            View::Logins(_) => "logins",
            View::Sessions(_) => "sessions",
            View::Activity(_) => "activity",
            View::Availability(_) => "availability",
        }
    }
}

/// What a view produces: rows for the table, CSV and JSON writers, and a chart of them.
pub struct Output<'a> {
    pub rows: Stream<'a>,
    /// The chart, drawn only when asked for: reading what it shows may cost as much as the rows.
    pub chart: Option<Drawing<'a>>,
    /// What the rows cover, as the end of a sentence ("since 2024-03-01", "from ... to ...").
    pub during: String,
}

/// A chart made when it is wanted.
pub type Drawing<'a> = Box<dyn FnOnce() -> Result<Chart> + 'a>;

/// A chart already made.
pub fn drawn(chart: Chart) -> Option<Drawing<'static>> {
    Some(Box::new(move || Ok(chart)))
}

/// What every view reads from.
pub struct Ctx<'a> {
    pub conn: &'a Connection,
    pub config: &'a Config,
    pub period: Period,
    pub now: i64,
    pub today: chrono::NaiveDate,
    pub zone: Zone,
    pub billing_day: u8,
    /// The locations asked for with --location (empty: all).
    pub locations: Vec<db::ledger::Location>,
    pub host: host::Wanted,
    /// The hosts asked for with --host (more than one) or --all-hosts; empty otherwise, when
    /// `host` is the one shown.
    pub hosts: Vec<String>,
}

impl Ctx<'_> {
    /// The same context over another period.
    pub fn with_period(&self, period: Period) -> Ctx<'_> {
        Ctx {
            conn: self.conn,
            config: self.config,
            period,
            now: self.now,
            today: self.today,
            zone: self.zone,
            billing_day: self.billing_day,
            locations: self.locations.clone(),
            host: self.host.clone(),
            hosts: self.hosts.clone(),
        }
    }

    /// The one host whose machine sections the overview and the report show: `None` when none
    /// is stored, several were asked for, or several are stored and none was chosen (the
    /// overview's hosts section covers them).
    pub fn shown_host(&self) -> Result<Option<db::samples::Host>> {
        if !self.hosts.is_empty() {
            return Ok(None);
        }
        match host::choose(self.conn, &self.host, host::Fallback::Ask) {
            Err(e) if e.is::<UsageError>() => Ok(None),
            other => other,
        }
    }

    /// The same context showing one host.
    pub fn for_host(&self, name: &str) -> Ctx<'_> {
        Ctx {
            host: host::Wanted::Named(name.to_string()),
            hosts: Vec::new(),
            ..self.with_period(self.period.clone())
        }
    }
}

impl cli::Tool for Args {}

/// The clap definition, for the binary, man page and completions.
pub fn command() -> clap::Command {
    Args::command()
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || {
        format!(
            "'{s}' is not a size (expected WIDTHxHEIGHT in pixels, each 100 to 10000, e.g. 1200x600)"
        )
    };
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if !(100..=10_000).contains(&w) || !(100..=10_000).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}

/// Runs usage-report.
pub fn run(mut args: Args, env: &mut Env) -> Result<Outcome> {
    // `-o -` is standard output, as for most tools.
    if args.output.output.as_deref() == Some(Path::new("-")) {
        args.output.output = None;
    }
    let view = args.view.clone().unwrap_or(View::Overview);
    let format = args
        .output
        .format
        .or_else(|| args.output.output.as_deref().and_then(format_of_path))
        .unwrap_or(if env.stdout_is_terminal && args.output.output.is_none() {
            Format::Table
        } else if matches!(view, View::Overview) {
            Format::Json
        } else {
            Format::Csv
        });
    check_format(&view, format)?;
    let config = config::load(&args.common, env)?;
    let conn = db::open_reader(&config.db)?;
    let zone = if args.output.utc {
        Zone::Utc
    } else {
        Zone::Local
    };
    let billing_day = args
        .range
        .billing_day
        .unwrap_or(config.file.ledger.billing_day);
    let now = env.now().floor() as i64;
    let bounds = period::Bounds {
        since: args.range.since.as_deref(),
        until: args.range.until.as_deref(),
        cycle: args.range.cycle.as_deref(),
        last_cycle: args.range.last_cycle,
    };
    let period = period::resolve(&bounds, now, zone, billing_day)?;
    let locations = args
        .range
        .location
        .iter()
        .map(|key| db::ledger::find_location(&conn, key))
        .collect::<Result<Vec<_>>>()?;
    let mut hosts = if args.range.all_hosts {
        db::samples::hosts(&conn)?
            .into_iter()
            .map(|h| h.name)
            .collect()
    } else {
        args.range.host.clone()
    };
    let one = (hosts.len() == 1).then(|| hosts[0].clone());
    if hosts.len() == 1 {
        hosts.clear();
    }
    let ctx = Ctx {
        conn: &conn,
        config: &config,
        period,
        now,
        today: zone.date(now),
        zone,
        billing_day,
        locations,
        host: host::Wanted::new(one.as_deref(), config.file.host.as_deref(), &env.sysroot),
        hosts,
    };
    if format == Format::Html {
        emit(format, &args.output, env, |w| {
            html::report(&ctx, args.output.size, w)
        })?;
        return Ok(Outcome::Done);
    }
    if format == Format::Pdf {
        emit(format, &args.output, env, |w| {
            pdf::report(&ctx, args.output.size, args.output.paper, w)
        })?;
        return Ok(Outcome::Done);
    }
    if format == Format::Prometheus {
        // Written for node_exporter, which reads it as its own user.
        let write = |w: &mut dyn Write| prometheus::write(&ctx, w);
        match &args.output.output {
            Some(path) => crate::files::write_buffered_mode(path, crate::files::READABLE, write)?,
            None => emit(format, &args.output, env, write)?,
        }
        return Ok(Outcome::Done);
    }
    if matches!(view, View::Overview) {
        let text = overview::render(&ctx, format == Format::Json)?;
        emit(format, &args.output, env, |w| {
            Ok(w.write_all(text.as_bytes())?)
        })?;
        return Ok(Outcome::Done);
    }
    let per_host: Vec<Ctx> = if view.of_machine() {
        ctx.hosts.iter().map(|h| ctx.for_host(h)).collect()
    } else {
        Vec::new()
    };
    let out = if per_host.is_empty() {
        view_output(&ctx, &view)?
    } else {
        if format == Format::Png {
            return Err(
                UsageError("a chart shows one host: give one --host for a PNG".into()).into(),
            );
        }
        each_host(&per_host, &view)?
    };
    if format == Format::Png {
        let chart = out.chart.ok_or_else(|| no_format(&view, format))?()?;
        let png = chart.png(args.output.size)?;
        emit(format, &args.output, env, |w| Ok(w.write_all(&png)?))?;
        return Ok(Outcome::Done);
    }
    let rows = emit(format, &args.output, env, |w| {
        out.rows.write(rows_format(format), w)
    })?;
    if rows == 0 && env.stderr_is_terminal {
        env.say(format!("{} has no data {}", view.name(), out.during));
    }
    Ok(Outcome::Done)
}

/// The rows of a view of machine data for each host in turn, a host column first (unless the
/// view has its own).
fn each_host<'a>(contexts: &'a [Ctx<'a>], view: &View) -> Result<Output<'a>> {
    let outputs = contexts
        .iter()
        .map(|c| {
            Ok((
                c.host.name().unwrap_or_default().to_string(),
                view_output(c, view)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut columns = outputs
        .first()
        .map(|(_, o)| o.rows.columns.clone())
        .unwrap_or_default();
    let labelled = !columns.contains(&"host");
    if labelled {
        columns.insert(0, "host");
    }
    let during = outputs
        .first()
        .map(|(_, o)| o.during.clone())
        .unwrap_or_default();
    Ok(Output {
        rows: Stream::new(columns, move |sink| {
            for (name, out) in outputs {
                out.rows.each(&mut |mut row| {
                    if labelled {
                        row.insert(0, render::Cell::Text(name.clone()));
                    }
                    sink(row)
                })?;
            }
            Ok(())
        }),
        chart: None,
        during,
    })
}

/// The output of a view other than the overview, for the context's host.
fn view_output<'a>(ctx: &'a Ctx<'a>, view: &View) -> Result<Output<'a>> {
    Ok(match view {
        View::Overview => unreachable!("the overview is rendered whole"),
        View::Daily => usage::daily(ctx)?,
        View::Cycles(a) => usage::cycles(ctx, a)?,
        View::Trends(a) => usage::trends(ctx, a)?,
        View::System(a) => system::system(ctx, a)?,
        View::Traffic => system::traffic(ctx)?,
        View::Users(a) => system::users(ctx, a)?,
        View::Processes(a) => system::processes(ctx, a)?,
        View::Alerts(a) => system::alerts(ctx, a)?,
        View::Logins(a) => logins::logins(ctx, a)?,
        View::Sessions(a) => sessions::sessions_view(ctx, a)?,
        View::Activity(a) => sessions::activity_view(ctx, a)?,
        View::Availability(a) => availability::availability(ctx, a)?,
    })
}

/// The format a file name asks for: report.html, chart.png, days.csv, days.json.
fn format_of_path(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "png" => Some(Format::Png),
        "html" | "htm" => Some(Format::Html),
        "pdf" => Some(Format::Pdf),
        "prom" => Some(Format::Prometheus),
        "csv" => Some(Format::Csv),
        "json" | "jsonl" => Some(Format::Json),
        "txt" => Some(Format::Table),
        _ => None,
    }
}

fn rows_format(format: Format) -> cli::Format {
    match format {
        Format::Table => cli::Format::Table,
        Format::Json => cli::Format::Json,
        _ => cli::Format::Csv,
    }
}

/// Refuses, before any work, a format the view cannot have.
fn check_format(view: &View, format: Format) -> Result<()> {
    let fits = match (view, format) {
        (View::Overview, Format::Csv | Format::Png) => false,
        (_, Format::Html | Format::Pdf | Format::Prometheus) => matches!(view, View::Overview),
        _ => true,
    };
    if fits {
        Ok(())
    } else {
        Err(no_format(view, format))
    }
}

fn no_format(view: &View, format: Format) -> anyhow::Error {
    let name = format
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    let hint = match (view, format) {
        (_, Format::Html) => {
            "the HTML report is the overview's: run `usage-report --format html -o report.html`"
        }
        (_, Format::Pdf) => {
            "the PDF report is the overview's: run `usage-report --format pdf -o report.pdf`"
        }
        (_, Format::Prometheus) => {
            "the Prometheus export holds every metric: run `usage-report --format prometheus -o DIR/usage.prom`"
        }
        (View::Overview, _) => {
            "the overview has sections of different shapes: use table or json, or a view such as cycles for csv and png"
        }
        _ => "use table, csv or json",
    };
    UsageError(format!(
        "the {} view has no {name} format ({hint})",
        view.name()
    ))
    .into()
}

/// Writes the result to --output (atomically, private) or to standard output, buffered; a PNG
/// is never written to a terminal.
fn emit<T>(
    format: Format,
    out: &OutputArgs,
    env: &mut Env,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    match &out.output {
        Some(path) => crate::files::write_buffered(path, write),
        None => {
            if matches!(format, Format::Png | Format::Pdf) && env.stdout_is_terminal {
                let name = if format == Format::Png {
                    "a PNG image"
                } else {
                    "a PDF document"
                };
                return Err(UsageError(format!(
                    "refusing to write {name} to a terminal (give --output FILE or redirect standard output)"
                ))
                .into());
            }
            let mut w = std::io::BufWriter::with_capacity(64 * 1024, &mut env.stdout);
            let value = write(&mut w)?;
            w.flush()?;
            Ok(value)
        }
    }
}

/// The man page's hand-written sections, with the metric vocabulary after VIEWS AND COLUMNS.
pub fn man_sections() -> cli::ManSections {
    let mut sections = cli::man_sections(MAN_SECTIONS);
    sections.insert(1, ("METRICS", crate::metric::man_paragraphs()));
    sections
}

/// Man page sections beyond what clap knows: (title, paragraphs). A paragraph "term\tText" is a
/// tagged paragraph.
const MAN_SECTIONS: &[(&str, &[&str])] = &[
    (
        "VIEWS AND COLUMNS",
        &[
            "The CSV header and the JSON keys are the column names below; they are stable. CSV and JSON carry exact values: amounts in GB (10^9 bytes) with every significant decimal, times in RFC 3339 with the zone's offset, empty cells (null in JSON) where a value does not apply. The table shows times as YYYY-MM-DD HH:MM.",
            "overview\tSections ledger (locations, active, records, first_date, last_date, total_gb), top_locations (location, usage_gb; the 5 largest in the period), recent_days (date, usage_gb, locations; the last 7 days up to the newest record), system (host, time, cpu_pct, memory_pct, swap_pct, load1, load5, load15, temperature_c, uptime_s, processes: the newest sample), disks (mount, used_pct, total_gib, avail_gib), services (probe, time, state, ms, failure, outage_since, severity: each probe's newest result and its open outage; when probes are configured or have results) and database (path, bytes, schema_version). As JSON one object with a key per section. Formats: table, json, html, pdf.",
            "daily\tdate, location, usage_gb: one row per location and day, by date then location. The CSV is usage-import's long layout and imports back unchanged.",
            "cycles\tlocation, cycle (2024-03-13..2024-04-12), start, end, length_days, days_with_data, usage_gb (the sum of daily records), manual_gb (a total entered with usage-import set --monthly), difference_gb (usage minus manual), quota_gb, quota_pct, and for the cycle holding today: forecast_gb (the average of the days up to the newest record times the cycle's length, to the MB), days_left (after today) and days_until_quota (whole days from today until the quota is reached at that average; 0 once reached), and partial: true for a cycle that --since or --until cut, whose sums are of the days inside them only (it has no forecast and no difference from a manual total). A cycle starts on the location's billing day, else --billing-day, else ledger.billing_day; a month shorter than the day starts it on its last day. With --source interfaces each network interface is counted as a location.",
            "trends\tdate, location, usage_gb, average_gb: every day of the last --days (30) days for each location with records, days without a record as 0, and the mean of the --window (7) days ending that day.",
            "system\ttime (the bucket's start), metric (the series, as alert rules write it: cpu_percent, disk_used_percent{mount=\"/\"}), unit, samples, min, avg, max, p95 (nearest rank). Without --metric: the CPU, memory, swap, load and temperature figures, disk_used_percent of each file system and net_rx_rate and net_tx_rate of each interface (see METRICS). --metric takes metric names, series, and the names of earlier releases: cpu (every CPU figure), cpu_user, cpu_system, cpu_iowait, cpu_steal, memory, swap, disk, net, net_rx, net_tx, disk:MOUNT, net_rx:IFACE, net_tx:IFACE. The first sample after a reboot has no CPU or network rates. Default period: the last 24 hours.",
            "traffic\tdate, interface, rx_gb, tx_gb, total_gb: bytes received and sent per interface per calendar day, summed from the sampler's counters as vnStat does. Default period: the last 30 days.",
            "users\tuser, samples, cpu_seconds, avg_cpu_pct, max_cpu_pct (of one CPU), avg_rss_mib, max_rss_mib, max_processes; users in sample.exclude_users are left out. --by memory orders by max_rss_mib. Default period: the last 24 hours.",
            "processes\tcommand, user, samples, cpu_seconds, avg_cpu_pct, max_cpu_pct, avg_rss_mib, max_rss_mib, max_threads: per command and user, counted while the process was among a sample's top processes (sample.top by CPU and by memory). Default period: the last 24 hours.",
            "alerts\tdate, rule, severity, fired, resolved: alert events per day; with --events every event: time, rule, subject, event (pending, firing, reminder, escalated, resolved), severity (info, warning, critical), value, message. Default period: the last 30 days.",
            "logins\tdate, user, sessions, hours, first, last: hours logged in per user and day, split at local midnight and summed per session as ac -d -p --reboots --supplants sums them, with the first and last moment logged in. With --sessions: user, line, from, start, end, how (logout, down, crash, gone, still logged in), minutes, as last lists them. Default period: the last 7 days.",
            "sessions\tapp, user, sessions, hours, avg_minutes, actions, actions_per_hour, errors, busiest_hours (the three hours of the day with the most actions and errors, as 09-10): application sessions overlapping the period, their hours cut to it. With --daily: date, app, user, sessions, hours (split at local midnight), actions, errors, first, last (the day's first and last event: work hours). With --list or --session ID: app, user, session, start, end, how (ended; idle: no end logged, closed at its last event plus sessions.idle or --idle; open: up to now), minutes, actions, errors, cpu_min, cpu_avg, cpu_max, memory_min, memory_avg, memory_max (% from the samples taken during it; empty without any). The png is the hours per day per user. Default period: the last 30 days.",
            "activity\tdate (or hour, with --hourly), app, kind (action or error), type, count: how often each action and error type was logged. The png is the count per day per type. Default period: the last 30 days.",
            "availability\tprobe, kind, uptime_percent (the time up of the time watched outside maintenance windows over every rule, cut to --decimals, never rounded up), checks_passed_percent, checks, checks_failed (outside maintenance), outages (overlapping the period), outages_opened (in it), downtime, downtime_s (outages outside maintenance), maintenance, watched_s (from the first result or the period's start to its end or now), p50_ms, p95_ms, p99_ms (nearest rank, outside maintenance), tls_days_left (whole days, from the newest result), state (up, down, outage). Default period: the last 30 days; --month 2026-11, --cycle or --since/--until choose another. With --outages: id, probe, started, ended, duration, duration_s, in_maintenance, severity, closed_by (recovery, hand or open), cause, note. With --raw every result: time, probe, up, ms, min_ms, max_ms, loss_percent, status, failure, cert_expiry, attempts, outage, detail. The png is the uptime per day per probe.",
        ],
    ),
    (
        "FORMATS",
        &[
            "table\tAligned columns; the default when standard output is a terminal. The widths come from the first 2000 rows; a wider cell after them pushes its own line out.",
            "csv\tA header line and one line per row; the default otherwise (the overview's is json).",
            "The rows of daily, trends and system are written as they are read from the database (system a day of samples at a time), so a long result does not need memory of its size; system --bucket all holds the period's values for its p95.",
            "json\tOne JSON object per row, one per line (the overview: one object).",
            "png\tA chart of the view's rows (--size, 1200x600 by default): lines over time (a point per bucket, at its middle; a line breaks where the machine was not sampled), bars per day for traffic and alerts, bars per billing cycle for cycles (the current cycle's forecast as an outline around its bar, a quota as a dashed level), bars for users and processes; the 8 largest series when there are more (for system, the 8 with the largest average), and the title says so. The legend stands above the plot; dashed lines are averages. The x axis spans the view's period and is marked at whole minutes, hours, days, Mondays or months; the y axis is in a readable unit: traffic and the ledger in powers of 1000 (kB/s, MB, GB, TB, as ISPs bill), memory in powers of 1024 (MiB, GiB, as free -h shows). Written to --output, or to standard output when it is not a terminal.",
            "Tables round amounts in GB to two decimals and show disk sizes in GiB to one; CSV and JSON keep every significant decimal.",
            "html\tOne self-contained page (no network fetches; charts are inline SVG). It opens with what people look for first: the current billing cycle against its quota and forecast of the 20 locations nearest their quota (over it, forecast over it, the largest share of it, then those without one by usage), and the machine's health (the newest sample and its age, each disk's free space, the alerts firing, the newest backup and its verification, judged by usage-check's thresholds); then the overview, billing cycles of the last year, the trend, the system's last day, users and alerts. It reads on a desktop and on a phone, which gets charts drawn for its width. Only without a view (or with overview).",
            "pdf\tThe HTML report's content as a printable PDF, on A4 or Letter pages (--paper), with DejaVu Sans embedded and the charts as vectors; a table that goes on to the next page repeats its header there, and its type shrinks (to 4.5 points at least) when its columns are wider than the page. A table prints its first 1000 rows and says how many it left out; the HTML report and the view's CSV have them all. Written to --output, or to standard output when it is not a terminal.",
            "A file name given to --output ending in .png, .html, .pdf, .csv, .json or .txt chooses the format when --format is not given.",
        ],
    ),
    (
        "EXIT STATUS",
        &[
            "0\tThe report was written; a period without data gives an empty result (a header only in CSV), with a note on standard error when it is a terminal.",
            "1\tThe database does not exist or cannot be read, a location or host is unknown, the output file cannot be written.",
            "2\tThe invocation is wrong: an unknown flag or view, a format the view cannot have, a time that cannot be read, --since not before --until, a billing day outside 1 to 31, an invalid configuration file.",
        ],
    ),
    (
        "FILES",
        &[
            "$XDG_CONFIG_HOME/usage/config.toml, /etc/usage/config.toml\tConfiguration, first found wins. Read here: db, host, ledger.billing_day, sample.exclude_users.",
            "$XDG_DATA_HOME/usage/usage.db, ~/.local/share/usage/usage.db, /var/lib/usage/usage.db\tThe database.",
        ],
    ),
    (
        "ENVIRONMENT",
        &[
            "USAGE_DB\tDatabase path, as --db.",
            "USAGE_CONFIG\tConfiguration file, as --config.",
            "TZ\tThe time zone dates and times are shown in, unless --utc.",
            "USAGE_NOW\tPretend the time is this many seconds since 1970 (UTC); for tests.",
        ],
    ),
    (
        "EXAMPLES",
        &[
            "usage-report\tThe overview.",
            "usage-report cycles --billing-day 13 --location north\tBilling cycles from the 13th, with quota and forecast.",
            "usage-report cycles --last-cycle -f csv\tLast complete cycle per location, for a spreadsheet.",
            "usage-report daily --since 2024-03-01 --until 2024-03-31 > march.csv\tA month of daily usage, in a file usage-import reads back.",
            "usage-report system --since 7d --metric cpu,memory -o week.png\tA week of CPU and memory as a chart.",
            "usage-report -o report.html\tThe HTML report, to mail or open from disk.",
            "usage-report --paper letter -o report.pdf\tThe same report as a PDF on Letter pages, to print or archive.",
            "usage-report overview --format json\tThe overview as one JSON object, for a dashboard.",
            "usage-report trends --days 90 --window 7\tNinety days of daily usage with a 7-day moving average.",
            "usage-report traffic --since 2026-11-01\tBytes received and sent per interface per day, as vnStat's daily view.",
            "usage-report users --since 24h --by memory\tThe last day's CPU time and memory per user, largest memory first.",
            "usage-report processes --top 5\tThe five commands that used the most CPU in the last day.",
            "usage-report alerts --events --since 7d\tEvery alert event of the last week.",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_is_never_written_to_a_terminal() {
        let mut env = Env::real("usage-test");
        env.stdout_is_terminal = true;
        env.stdout = Box::new(Vec::new());
        let out = OutputArgs {
            format: None,
            output: None,
            size: (100, 100),
            utc: false,
            paper: pdf::Paper::A4,
        };
        let err = emit(Format::Png, &out, &mut env, |w| Ok(w.write_all(b"png")?)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("refusing to write a PNG image to a terminal")
        );
        assert_eq!(cli::Convention::Unix.status(&err), 2);
        emit(Format::Csv, &out, &mut env, |w| Ok(w.write_all(b"text")?)).unwrap();
    }

    #[test]
    fn file_names_choose_formats() {
        assert_eq!(format_of_path(Path::new("r.HTML")), Some(Format::Html));
        assert_eq!(format_of_path(Path::new("c.png")), Some(Format::Png));
        assert_eq!(format_of_path(Path::new("x")), None);
    }

    #[test]
    fn sizes_are_checked() {
        assert_eq!(parse_size("800x400"), Ok((800, 400)));
        assert!(parse_size("80x40").is_err());
        assert!(parse_size("big").is_err());
    }
}
