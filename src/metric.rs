//! The one metric vocabulary: every figure the suite records or derives has one name, at most one
//! label (the mount, interface, user or location it is about), a unit, a description, and one
//! way of being read from the stored rows. usage-report's `--metric`, usage-alert's rules, the
//! HTML report and the man pages all speak it; a new figure (probes, sessions, the Prometheus
//! export) is added here once.
//!
//! A series is written as PromQL writes it: `disk_used_percent{mount="/"}`.

use anyhow::{Result, anyhow, bail};

use crate::db::probes::ResultRow;
use crate::db::samples::{DiskRow, NetRow, SampleRow, UserRow};
use crate::time::{parse_duration, show_duration};

/// The unit a metric is measured in; thresholds may carry its suffixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Load,
    Celsius,
    BytesPerSecond,
    Seconds,
    Milliseconds,
    Days,
    Hours,
    /// 1 or 0: up or down, open or not.
    State,
    /// A number of things (errors).
    Count,
    /// Events per second (packets dropped, errors).
    PerSecond,
}

impl Unit {
    /// What follows a value in a sentence: `93.1%`, `52.0 °C`.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::Load | Unit::Seconds | Unit::State | Unit::Count => "",
            Unit::Celsius => " °C",
            Unit::BytesPerSecond => " B/s",
            Unit::Milliseconds => " ms",
            Unit::Days => " days",
            Unit::Hours => " h",
            Unit::PerSecond => "/s",
        }
    }

    /// The unit column of a table: `%`, `load`, `C`, `B/s`, `s`.
    pub fn column(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::Load => "load",
            Unit::Celsius => "C",
            Unit::BytesPerSecond => "B/s",
            Unit::Seconds => "s",
            Unit::Milliseconds => "ms",
            Unit::Days => "days",
            Unit::Hours => "h",
            Unit::State => "1/0",
            Unit::Count => "count",
            Unit::PerSecond => "/s",
        }
    }

    /// A chart's y axis for averages in this unit (its unit is added by the chart).
    pub fn axis(self) -> &'static str {
        match self {
            Unit::Load => "load average, average per bucket",
            _ => "average per bucket",
        }
    }

    /// How values are scaled for people (a chart's axis).
    pub fn quantity(self) -> crate::render::Quantity {
        use crate::render::Quantity;
        match self {
            Unit::Percent => Quantity::Fixed("%"),
            Unit::Load => Quantity::Fixed(""),
            Unit::Celsius => Quantity::Fixed("°C"),
            Unit::BytesPerSecond => Quantity::BytesPerSecond,
            Unit::Seconds => Quantity::Fixed("s"),
            Unit::Milliseconds => Quantity::Fixed("ms"),
            Unit::Days => Quantity::Fixed("days"),
            Unit::Hours => Quantity::Fixed("h"),
            Unit::State => Quantity::Fixed(""),
            Unit::Count => Quantity::Count,
            Unit::PerSecond => Quantity::Fixed("/s"),
        }
    }

    /// Decimals a table shows.
    pub fn decimals(self) -> u8 {
        match self {
            Unit::BytesPerSecond | Unit::Seconds | Unit::State | Unit::Count => 0,
            Unit::Days => 1,
            _ => 2,
        }
    }
}

/// Which stored rows a metric's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// One value per stored sample (`samples`).
    Samples,
    /// One value per file system per sample (`sample_disks`).
    Disks,
    /// One value per interface per sample (`sample_net`).
    Interfaces,
    /// One value per user per sample (`sample_users`).
    Users,
    /// One value per probe per result (`probe_results`).
    Probes,
    /// One value per run, computed at the time of the run (the newest sample's age, the ledger).
    Clock,
}

/// Every metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    CpuPercent,
    CpuUserPercent,
    CpuSystemPercent,
    CpuIowait,
    CpuSteal,
    MemoryPercent,
    SwapPercent,
    Load1,
    Load5,
    Load15,
    Temperature,
    OpenFiles,
    FilesUsedPercent,
    PressureCpu,
    PressureMemory,
    PressureMemoryFull,
    PressureIo,
    PressureIoFull,
    DiskUsedPercent,
    DiskFreePercent,
    NetRxRate,
    NetTxRate,
    NetErrorsRate,
    NetDropsRate,
    InterfaceUp,
    NetUtilPercent,
    UserCpuPercent,
    UserMemoryPercent,
    ProbeUp,
    ProbeResponseMs,
    ProbeLossPercent,
    TlsDaysLeft,
    OutageOpen,
    SampleAge,
    QuotaUsedPercent,
    QuotaForecastPercent,
    LoginHoursToday,
    AppHoursToday,
    AppErrors,
}

/// A metric's entry in the vocabulary.
pub struct Def {
    pub metric: Metric,
    pub name: &'static str,
    /// The label that tells its series apart, if it has several.
    pub label: Option<&'static str>,
    pub unit: Unit,
    pub source: Source,
    /// Shown by `usage-report system` without `--metric`.
    pub system: bool,
    /// What it measures, for --help and the man pages.
    pub about: &'static str,
}

const fn def(
    metric: Metric,
    name: &'static str,
    label: Option<&'static str>,
    unit: Unit,
    source: Source,
    system: bool,
    about: &'static str,
) -> Def {
    Def {
        metric,
        name,
        label,
        unit,
        source,
        system,
        about,
    }
}

use Metric as M;
use Source as S;
use Unit as U;

/// The vocabulary, in the order reports list it.
pub const METRICS: &[Def] = &[
    def(
        M::CpuPercent,
        "cpu_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "CPU busy (user, nice, system) over the sample's interval, %",
    ),
    def(
        M::CpuUserPercent,
        "cpu_user_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "CPU in user mode, guest time included (sar -u %user), %",
    ),
    def(
        M::CpuSystemPercent,
        "cpu_system_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "CPU in the kernel, irq and softirq included (sar -u %system), %",
    ),
    def(
        M::CpuIowait,
        "cpu_iowait_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "CPU iowait, %",
    ),
    def(
        M::CpuSteal,
        "cpu_steal_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "CPU steal, %",
    ),
    def(
        M::MemoryPercent,
        "memory_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "memory used (total - available), %",
    ),
    def(
        M::SwapPercent,
        "swap_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "swap used, % (machines without swap have no values)",
    ),
    def(
        M::Load1,
        "load1",
        None,
        U::Load,
        S::Samples,
        true,
        "1-minute load average",
    ),
    def(
        M::Load5,
        "load5",
        None,
        U::Load,
        S::Samples,
        true,
        "5-minute load average",
    ),
    def(
        M::Load15,
        "load15",
        None,
        U::Load,
        S::Samples,
        true,
        "15-minute load average",
    ),
    def(
        M::Temperature,
        "temperature",
        None,
        U::Celsius,
        S::Samples,
        true,
        "hottest sensor, °C (machines without sensors have no values)",
    ),
    def(
        M::OpenFiles,
        "open_files",
        None,
        U::Count,
        S::Samples,
        false,
        "file handles the kernel has allocated, system-wide (/proc/sys/fs/file-nr)",
    ),
    def(
        M::FilesUsedPercent,
        "fd_used_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "allocated file handles, % of the most the kernel allows (fs.file-max)",
    ),
    def(
        M::PressureCpu,
        "pressure_cpu_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "time some runnable tasks waited for a CPU over the last 60 s, % (PSI; kernels without it have no values)",
    ),
    def(
        M::PressureMemory,
        "pressure_memory_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "time some tasks were stalled on memory over the last 60 s, % (PSI)",
    ),
    def(
        M::PressureMemoryFull,
        "pressure_memory_full_percent",
        None,
        U::Percent,
        S::Samples,
        false,
        "time all non-idle tasks were stalled on memory at once over the last 60 s, % (PSI)",
    ),
    def(
        M::PressureIo,
        "pressure_io_percent",
        None,
        U::Percent,
        S::Samples,
        true,
        "time some tasks were stalled on I/O over the last 60 s, % (PSI)",
    ),
    def(
        M::PressureIoFull,
        "pressure_io_full_percent",
        None,
        U::Percent,
        S::Samples,
        false,
        "time all non-idle tasks were stalled on I/O at once over the last 60 s, % (PSI)",
    ),
    def(
        M::DiskUsedPercent,
        "disk_used_percent",
        Some("mount"),
        U::Percent,
        S::Disks,
        true,
        "file system used, % as df shows it (of the space available to users)",
    ),
    def(
        M::DiskFreePercent,
        "disk_free_percent",
        Some("mount"),
        U::Percent,
        S::Disks,
        false,
        "file system free to users, %",
    ),
    def(
        M::NetRxRate,
        "net_rx_rate",
        Some("interface"),
        U::BytesPerSecond,
        S::Interfaces,
        true,
        "bytes received per second over the sample's interval (thresholds take k, M, G, T; Ki, Mi, Gi)",
    ),
    def(
        M::NetTxRate,
        "net_tx_rate",
        Some("interface"),
        U::BytesPerSecond,
        S::Interfaces,
        true,
        "bytes sent per second over the sample's interval",
    ),
    def(
        M::NetErrorsRate,
        "net_errors_rate",
        Some("interface"),
        U::PerSecond,
        S::Interfaces,
        true,
        "receive and transmit errors per second (as sar -n EDEV's rxerr/s plus txerr/s)",
    ),
    def(
        M::NetDropsRate,
        "net_drops_rate",
        Some("interface"),
        U::PerSecond,
        S::Interfaces,
        true,
        "packets dropped per second, received and sent (rxdrop/s plus txdrop/s)",
    ),
    def(
        M::InterfaceUp,
        "interface_up",
        Some("interface"),
        U::State,
        S::Interfaces,
        false,
        "1 while the interface's operational state is up, 0 while down (interfaces whose state the kernel does not know have no values)",
    ),
    def(
        M::NetUtilPercent,
        "net_util_percent",
        Some("interface"),
        U::Percent,
        S::Interfaces,
        true,
        "the busier direction's bits per second, % of the link's speed (links that report no speed have no values)",
    ),
    def(
        M::UserCpuPercent,
        "user_cpu_percent",
        Some("user"),
        U::Percent,
        S::Users,
        false,
        "CPU of a user's processes, % of one CPU",
    ),
    def(
        M::UserMemoryPercent,
        "user_memory_percent",
        Some("user"),
        U::Percent,
        S::Users,
        false,
        "resident memory of a user's processes, % of RAM",
    ),
    def(
        M::ProbeUp,
        "probe_up",
        Some("probe"),
        U::State,
        S::Probes,
        false,
        "1 when the probe's latest check passed, 0 when it failed",
    ),
    def(
        M::ProbeResponseMs,
        "probe_response_ms",
        Some("probe"),
        U::Milliseconds,
        S::Probes,
        false,
        "milliseconds the probe's check took (ICMP: the average echo), when it got an answer",
    ),
    def(
        M::ProbeLossPercent,
        "probe_loss_percent",
        Some("probe"),
        U::Percent,
        S::Probes,
        false,
        "ICMP echoes lost, %",
    ),
    def(
        M::TlsDaysLeft,
        "tls_days_left",
        Some("probe"),
        U::Days,
        S::Probes,
        false,
        "days until the TLS certificate of an https probe expires (negative once it has)",
    ),
    def(
        M::OutageOpen,
        "outage_open",
        Some("probe"),
        U::State,
        S::Probes,
        false,
        "1 while the probe has an open outage (failures in a row reached probes.fail_after), else 0",
    ),
    def(
        M::SampleAge,
        "sample_age",
        None,
        U::Seconds,
        S::Clock,
        false,
        "seconds since the newest sample, at the time of the run (thresholds take s, m, h, d)",
    ),
    def(
        M::QuotaUsedPercent,
        "quota_used_percent",
        Some("location"),
        U::Percent,
        S::Clock,
        false,
        "the current billing cycle's use, % of the location's quota",
    ),
    def(
        M::QuotaForecastPercent,
        "quota_forecast_percent",
        Some("location"),
        U::Percent,
        S::Clock,
        false,
        "the cycle's use by its last day at the average daily rate so far, % of the quota",
    ),
    def(
        M::LoginHoursToday,
        "login_hours_today",
        Some("user"),
        U::Hours,
        S::Clock,
        false,
        "hours the user has been logged in today (local time), sessions still open up to now, as ac counts them",
    ),
    def(
        M::AppHoursToday,
        "app_hours_today",
        Some("user"),
        U::Hours,
        S::Clock,
        false,
        "hours the user has spent in application sessions today (local time), open ones up to now, unended ones up to their last event plus sessions.idle",
    ),
    def(
        M::AppErrors,
        "app_errors",
        Some("app"),
        U::Count,
        S::Clock,
        false,
        "errors the application logged in the last hour",
    ),
];

/// A metric's name in Prometheus's conventions (the `usage_` prefix, base units: ratios
/// rather than percentages, seconds and bytes) and the factor from its value here to there.
pub fn prometheus(m: Metric) -> (&'static str, f64) {
    const PCT: f64 = 0.01;
    match m {
        M::CpuPercent => ("usage_cpu_busy_ratio", PCT),
        M::CpuUserPercent => ("usage_cpu_user_ratio", PCT),
        M::CpuSystemPercent => ("usage_cpu_system_ratio", PCT),
        M::CpuIowait => ("usage_cpu_iowait_ratio", PCT),
        M::CpuSteal => ("usage_cpu_steal_ratio", PCT),
        M::MemoryPercent => ("usage_memory_used_ratio", PCT),
        M::SwapPercent => ("usage_swap_used_ratio", PCT),
        M::Load1 => ("usage_load1", 1.0),
        M::Load5 => ("usage_load5", 1.0),
        M::Load15 => ("usage_load15", 1.0),
        M::Temperature => ("usage_temperature_celsius", 1.0),
        M::OpenFiles => ("usage_open_files", 1.0),
        M::FilesUsedPercent => ("usage_open_files_ratio", PCT),
        M::PressureCpu => ("usage_pressure_cpu_waiting_ratio", PCT),
        M::PressureMemory => ("usage_pressure_memory_waiting_ratio", PCT),
        M::PressureMemoryFull => ("usage_pressure_memory_stalled_ratio", PCT),
        M::PressureIo => ("usage_pressure_io_waiting_ratio", PCT),
        M::PressureIoFull => ("usage_pressure_io_stalled_ratio", PCT),
        M::DiskUsedPercent => ("usage_filesystem_used_ratio", PCT),
        M::DiskFreePercent => ("usage_filesystem_free_ratio", PCT),
        M::NetRxRate => ("usage_network_receive_bytes_per_second", 1.0),
        M::NetTxRate => ("usage_network_transmit_bytes_per_second", 1.0),
        M::NetErrorsRate => ("usage_network_errors_per_second", 1.0),
        M::NetDropsRate => ("usage_network_drops_per_second", 1.0),
        M::InterfaceUp => ("usage_network_up", 1.0),
        M::NetUtilPercent => ("usage_network_utilization_ratio", PCT),
        M::UserCpuPercent => ("usage_user_cpu_ratio", PCT),
        M::UserMemoryPercent => ("usage_user_memory_ratio", PCT),
        M::ProbeUp => ("usage_probe_up", 1.0),
        M::ProbeResponseMs => ("usage_probe_duration_seconds", 0.001),
        M::ProbeLossPercent => ("usage_probe_loss_ratio", PCT),
        M::TlsDaysLeft => ("usage_probe_tls_remaining_seconds", 86_400.0),
        M::OutageOpen => ("usage_probe_outage_open", 1.0),
        M::SampleAge => ("usage_sample_age_seconds", 1.0),
        M::QuotaUsedPercent => ("usage_quota_used_ratio", PCT),
        M::QuotaForecastPercent => ("usage_quota_forecast_ratio", PCT),
        M::LoginHoursToday => ("usage_login_today_seconds", 3600.0),
        M::AppHoursToday => ("usage_app_today_seconds", 3600.0),
        M::AppErrors => ("usage_app_errors_last_hour", 1.0),
    }
}

/// Names usage-report accepted before the vocabulary, each standing for one or more metrics.
pub const ALIASES: &[(&str, &[Metric])] = &[
    (
        "cpu",
        &[
            M::CpuPercent,
            M::CpuUserPercent,
            M::CpuSystemPercent,
            M::CpuIowait,
            M::CpuSteal,
        ],
    ),
    ("cpu_user", &[M::CpuUserPercent]),
    ("cpu_system", &[M::CpuSystemPercent]),
    ("cpu_iowait", &[M::CpuIowait]),
    ("cpu_steal", &[M::CpuSteal]),
    ("memory", &[M::MemoryPercent]),
    ("swap", &[M::SwapPercent]),
    ("disk", &[M::DiskUsedPercent]),
    ("net", &[M::NetRxRate, M::NetTxRate]),
    ("net_rx", &[M::NetRxRate]),
    ("net_tx", &[M::NetTxRate]),
];

impl Metric {
    pub fn def(self) -> &'static Def {
        // Every variant has its entry (a test holds the table to it).
        &METRICS[METRICS.iter().position(|d| d.metric == self).unwrap_or(0)]
    }

    pub fn name(self) -> &'static str {
        self.def().name
    }

    pub fn unit(self) -> Unit {
        self.def().unit
    }

    /// The label that picks one of several series, if the metric has several.
    pub fn label(self) -> Option<&'static str> {
        self.def().label
    }

    pub fn source(self) -> Source {
        self.def().source
    }

    /// The metric of this name.
    pub fn find(name: &str) -> Option<Metric> {
        METRICS.iter().find(|d| d.name == name).map(|d| d.metric)
    }

    /// A breakdown of `cpu_percent`: not drawn unless asked for.
    pub fn is_breakdown(self) -> bool {
        matches!(
            self,
            M::CpuUserPercent | M::CpuSystemPercent | M::CpuIowait | M::CpuSteal
        )
    }
}

/// Every metric's name, comma-separated, for messages.
pub fn names() -> String {
    METRICS
        .iter()
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The series of `metric` about `subject`, as PromQL writes it: `disk_used_percent{mount="/"}`.
pub fn series(metric: Metric, subject: &str) -> String {
    match metric.label() {
        Some(label) if !subject.is_empty() => format!("{}{{{label}=\"{subject}\"}}", metric.name()),
        _ => metric.name().to_string(),
    }
}

/// A value in a metric's unit for people.
pub fn show_value(value: f64, unit: Unit) -> String {
    match unit {
        Unit::BytesPerSecond => {
            format!("{}/s", crate::render::human_bytes(value.max(0.0) as u64))
        }
        Unit::Seconds => show_duration(value as i64),
        Unit::Load => format!("{value:.2}"),
        Unit::Milliseconds => format!("{value:.1} ms"),
        Unit::Days => format!("{value:.1} days"),
        Unit::Hours => format!("{value:.2} h"),
        Unit::State | Unit::Count => format!("{value:.0}"),
        Unit::PerSecond => format!("{value:.2}/s"),
        Unit::Percent | Unit::Celsius => format!("{value:.1}{}", unit.symbol()),
    }
}

/// A metric and, optionally, the one series it is narrowed to by its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    pub metric: Metric,
    pub value: Option<String>,
}

impl Selector {
    /// True when the series of `metric` about `subject` is selected.
    pub fn selects(&self, metric: Metric, subject: &str) -> bool {
        self.metric == metric && self.value.as_deref().is_none_or(|v| v == subject)
    }
}

/// Parses `NAME` or `NAME{label="value"}` at the start of `text`; returns it and the rest.
pub fn parse_selector(text: &str) -> Result<(Selector, &str)> {
    let rest = text.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    let mut rest = rest[end..].trim_start();
    let metric = Metric::find(name)
        .ok_or_else(|| anyhow!("unknown metric '{name}' (expected one of: {})", names()))?;
    let mut value = None;
    if let Some(inner) = rest.strip_prefix('{') {
        let close = inner
            .find('}')
            .ok_or_else(|| anyhow!("'{{' without a closing '}}' after {name}"))?;
        let selector = inner[..close].trim();
        rest = inner[close + 1..].trim_start();
        let Some(label) = metric.label() else {
            bail!("{name} takes no label (it has one series per host)");
        };
        let (key, v) = selector
            .split_once('=')
            .ok_or_else(|| anyhow!("expected {name}{{{label}=\"...\"}}, found {{{selector}}}"))?;
        if key.trim() != label {
            bail!(
                "{name} is selected by {label}, not by '{}' (expected {name}{{{label}=\"...\"}})",
                key.trim()
            );
        }
        let v = v.trim();
        let unquoted = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(|| {
                anyhow!("the {label} in {name}{{...}} must be quoted: {label}=\"{v}\"")
            })?;
        if unquoted.is_empty() {
            bail!("{name}{{{label}=\"\"}} names no {label}");
        }
        value = Some(unquoted.to_string());
    }
    Ok((Selector { metric, value }, rest))
}

/// What `usage-report --metric` accepts: a selector, an alias (`cpu`, `memory`, `net`, ...), or
/// an alias with its label's value (`disk:/home`, `net_rx:eth0`).
pub fn parse_report_selector(text: &str) -> Result<Vec<Selector>> {
    let (alias, value) = match text.split_once(':') {
        Some((a, "")) => {
            bail!("'{text}' names nothing after ':' (expected {a} or {a}:VALUE, as disk:/home)")
        }
        Some((a, v)) => (a, Some(v.to_string())),
        None => (text, None),
    };
    if let Some((_, metrics)) = ALIASES.iter().find(|(a, _)| *a == alias) {
        if value.is_some() && metrics.iter().any(|m| m.label().is_none()) {
            bail!("{alias} takes no label");
        }
        return Ok(metrics
            .iter()
            .map(|&metric| Selector {
                metric,
                value: value.clone(),
            })
            .collect());
    }
    match parse_selector(text)? {
        (s, "") => Ok(vec![s]),
        (_, rest) => bail!("unexpected '{rest}' after the metric"),
    }
}

/// Hundredths (the stored unit of percentages and load) as a number.
fn hundredths(v: Option<i64>) -> Option<f64> {
    v.map(|v| v as f64 / 100.0)
}

/// `part` in percent of `whole`; none of nothing.
fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Bytes over an interval in centiseconds, per second; none without a baseline.
fn rate(bytes: Option<i64>, interval_cs: Option<i64>) -> Option<f64> {
    let interval = interval_cs.filter(|i| *i > 0)?;
    Some(bytes? as f64 * 100.0 / interval as f64)
}

/// The value of a machine-wide metric in one sample.
pub fn of_sample(metric: Metric, s: &SampleRow) -> Option<f64> {
    match metric {
        M::CpuPercent => hundredths(s.cpu_busy),
        M::CpuUserPercent => hundredths(s.cpu_user),
        M::CpuSystemPercent => hundredths(s.cpu_system),
        M::CpuIowait => hundredths(s.cpu_iowait),
        M::CpuSteal => hundredths(s.cpu_steal),
        M::MemoryPercent => percent(s.mem_used, s.mem_total),
        M::SwapPercent => percent(s.swap_used, s.swap_total),
        M::Load1 => hundredths(Some(s.load[0])),
        M::Load5 => hundredths(Some(s.load[1])),
        M::Load15 => hundredths(Some(s.load[2])),
        M::Temperature => s.temp.map(|t| t as f64 / 10.0),
        M::OpenFiles => s.fd.map(|(open, _)| open as f64),
        M::FilesUsedPercent => s.fd.and_then(|(open, max)| percent(open, max)),
        M::PressureCpu => hundredths(s.psi[0][0]),
        M::PressureMemory => hundredths(s.psi[1][0]),
        M::PressureMemoryFull => hundredths(s.psi[1][1]),
        M::PressureIo => hundredths(s.psi[2][0]),
        M::PressureIoFull => hundredths(s.psi[2][1]),
        _ => None,
    }
}

/// The value of a per-file-system metric in one row.
pub fn of_disk(metric: Metric, d: &DiskRow) -> Option<f64> {
    match metric {
        M::DiskUsedPercent => percent(d.used, d.used + d.avail),
        M::DiskFreePercent => percent(d.avail, d.used + d.avail),
        _ => None,
    }
}

/// The value of a per-interface metric in one row.
pub fn of_net(metric: Metric, n: &NetRow) -> Option<f64> {
    match metric {
        M::NetRxRate => rate(n.rx_delta, n.interval_cs),
        M::NetTxRate => rate(n.tx_delta, n.interval_cs),
        M::NetErrorsRate => rate(n.errors.map(|e| e[0] + e[2]), n.interval_cs),
        M::NetDropsRate => rate(n.errors.map(|e| e[1] + e[3]), n.interval_cs),
        M::InterfaceUp => n.up.map(|u| if u { 1.0 } else { 0.0 }),
        M::NetUtilPercent => {
            let busier = rate(n.rx_delta, n.interval_cs)?.max(rate(n.tx_delta, n.interval_cs)?);
            let link = n.speed_mbps.filter(|s| *s > 0)? as f64 * 1e6;
            Some(busier * 8.0 * 100.0 / link)
        }
        _ => None,
    }
}

/// The value of a per-user metric in one row.
pub fn of_user(metric: Metric, u: &UserRow) -> Option<f64> {
    match metric {
        M::UserCpuPercent => hundredths(u.cpu),
        M::UserMemoryPercent => percent(u.rss, u.mem_total),
        _ => None,
    }
}

/// The value of a probe metric in one result.
pub fn of_probe(metric: Metric, r: &ResultRow) -> Option<f64> {
    match metric {
        M::ProbeUp => Some(f64::from(u8::from(r.up))),
        M::ProbeResponseMs => r.ms,
        M::ProbeLossPercent => r.loss,
        M::TlsDaysLeft => r.cert_expiry.map(|t| (t - r.ts) as f64 / 86_400.0),
        M::OutageOpen => Some(f64::from(u8::from(r.outage.is_some()))),
        _ => None,
    }
}

/// The metrics read from `source`, in vocabulary order.
pub fn read_from(source: Source) -> impl Iterator<Item = Metric> {
    METRICS
        .iter()
        .filter(move |d| d.source == source)
        .map(|d| d.metric)
}

/// The man page's METRICS section: one paragraph per metric ("term\tText").
pub fn man_paragraphs() -> Vec<String> {
    METRICS
        .iter()
        .map(|d| {
            let term = match d.label {
                Some(label) => format!("{}{{{label}=\"...\"}}", d.name),
                None => d.name.to_string(),
            };
            let (prom, _) = prometheus(d.metric);
            format!(
                "{term}\t{}. In the Prometheus export: {prom}.",
                capitalise(d.about)
            )
        })
        .collect()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Parses a threshold in a metric's unit: a number with the unit's suffixes.
pub fn parse_value(text: &str, unit: Unit) -> Result<f64> {
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(number_end);
    let expected = match unit {
        Unit::Percent => "a percentage such as 90 or 90%",
        Unit::Load => "a load average such as 4 or 2.5",
        Unit::Celsius => "degrees Celsius such as 75 or 75C",
        Unit::BytesPerSecond => {
            "bytes per second such as 500000, 500k, 12.5M or 1Gi (optionally followed by B/s)"
        }
        Unit::Seconds => "a duration such as 300, 90s, 5m or 1h",
        Unit::Milliseconds => "milliseconds such as 500 or 500ms",
        Unit::Days => "days such as 14 or 14d",
        Unit::Hours => "hours such as 8, 7.5 or 8h",
        Unit::State => "1 or 0",
        Unit::Count => "a number such as 5",
        Unit::PerSecond => "a rate such as 10 or 0.5/s",
    };
    let bad = || anyhow!("threshold '{text}' is not a number ({expected})");
    if text.is_empty() {
        return Err(bad());
    }
    if unit == Unit::Seconds {
        return parse_duration(text).map(|s| s as f64).map_err(|_| bad());
    }
    let value: f64 = number.parse().map_err(|_| bad())?;
    if !value.is_finite() {
        return Err(bad());
    }
    let scale = match (unit, suffix) {
        (_, "") => 1.0,
        (Unit::Percent, "%") => 1.0,
        (Unit::Celsius, "C" | "°C") => 1.0,
        (Unit::Milliseconds, "ms") => 1.0,
        (Unit::PerSecond, "/s") => 1.0,
        (Unit::Days, "d") => 1.0,
        (Unit::Hours, "h") => 1.0,
        (Unit::BytesPerSecond, s) => {
            let s = s.trim_end_matches("/s").trim_end_matches('B');
            let (prefix, binary) = match s.strip_suffix('i') {
                Some(p) => (p, true),
                None => (s, false),
            };
            let power = match prefix {
                "" => 0,
                "k" | "K" => 1,
                "M" => 2,
                "G" => 3,
                "T" => 4,
                _ => return Err(bad()),
            };
            if binary && power == 0 {
                return Err(bad());
            }
            (if binary { 1024f64 } else { 1000f64 }).powi(power)
        }
        _ => return Err(bad()),
    };
    Ok(value * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_metrics_read_their_result_row() {
        let up = ResultRow {
            probe: "web".into(),
            ts: 1_000_000,
            up: true,
            ms: Some(12.5),
            min_ms: Some(10.0),
            max_ms: Some(15.0),
            loss: Some(25.0),
            status: Some(200),
            failure: None,
            detail: String::new(),
            // Ten and a half days after the result.
            cert_expiry: Some(1_000_000 + 10 * 86_400 + 43_200),
            attempts: 1,
            outage: None,
        };
        let down = ResultRow {
            up: false,
            ms: None,
            loss: None,
            cert_expiry: None,
            outage: Some(3),
            ..up.clone()
        };
        let read = |m: Metric| (of_probe(m, &up), of_probe(m, &down));
        assert_eq!(read(Metric::ProbeUp), (Some(1.0), Some(0.0)));
        assert_eq!(read(Metric::ProbeResponseMs), (Some(12.5), None));
        assert_eq!(read(Metric::ProbeLossPercent), (Some(25.0), None));
        assert_eq!(read(Metric::TlsDaysLeft), (Some(10.5), None));
        assert_eq!(read(Metric::OutageOpen), (Some(0.0), Some(1.0)));
        assert_eq!(of_probe(Metric::CpuPercent, &up), None);
        // Thresholds in the probes' units, and how tables show them.
        assert_eq!(parse_value("500ms", Unit::Milliseconds).unwrap(), 500.0);
        assert_eq!(parse_value("14d", Unit::Days).unwrap(), 14.0);
        assert!(parse_value("14h", Unit::Days).is_err());
        assert_eq!(parse_value("7.5h", Unit::Hours).unwrap(), 7.5);
        assert_eq!(parse_value("8", Unit::Hours).unwrap(), 8.0);
        assert!(parse_value("8d", Unit::Hours).is_err());
        assert_eq!(show_value(4.5, Unit::Hours), "4.50 h");
        assert_eq!(Metric::TlsDaysLeft.unit().decimals(), 1);
        assert_eq!(Metric::ProbeResponseMs.unit().decimals(), 2);
        assert_eq!(Metric::ProbeUp.unit().decimals(), 0);
    }

    #[test]
    fn every_metric_has_one_entry_and_aliases_name_real_metrics() {
        for (i, d) in METRICS.iter().enumerate() {
            assert_eq!(d.metric.def().name, d.name);
            assert_eq!(
                METRICS.iter().filter(|e| e.name == d.name).count(),
                1,
                "{}",
                d.name
            );
            // Listed in enum order, so sorting by Metric sorts as reports list.
            if i > 0 {
                assert!(METRICS[i - 1].metric < d.metric, "{}", d.name);
            }
            assert!(!ALIASES.iter().any(|(a, _)| *a == d.name), "{}", d.name);
        }
    }

    #[test]
    fn report_selectors_accept_names_series_and_the_old_aliases() {
        let one = |t: &str| parse_report_selector(t).unwrap();
        assert_eq!(one("cpu").len(), 5);
        assert_eq!(
            one("disk:/home"),
            [Selector {
                metric: M::DiskUsedPercent,
                value: Some("/home".into())
            }]
        );
        assert_eq!(one(r#"net_tx_rate{interface="eth0"}"#), one("net_tx:eth0"));
        assert_eq!(one("net").len(), 2);
        assert!(parse_report_selector("memory:x").is_err());
        let err = parse_report_selector("gpu").unwrap_err().to_string();
        assert!(
            err.starts_with("unknown metric 'gpu' (expected one of: cpu_percent,"),
            "{err}"
        );
    }

    #[test]
    fn units_read_as_people_expect() {
        let all = [
            Unit::Percent,
            Unit::Load,
            Unit::Celsius,
            Unit::BytesPerSecond,
            Unit::Seconds,
        ];
        let columns: Vec<&str> = all.iter().map(|u| u.column()).collect();
        assert_eq!(columns, ["%", "load", "C", "B/s", "s"]);
        let decimals: Vec<u8> = all.iter().map(|u| u.decimals()).collect();
        assert_eq!(decimals, [2, 2, 2, 0, 0]);
        assert_eq!(Unit::Load.axis(), "load average, average per bucket");
        assert_eq!(Unit::Percent.axis(), "average per bucket");
    }

    #[test]
    fn breakdowns_of_cpu_are_drawn_only_when_asked_for() {
        let breakdowns: Vec<&str> = METRICS
            .iter()
            .filter(|d| d.metric.is_breakdown())
            .map(|d| d.name)
            .collect();
        assert_eq!(
            breakdowns,
            [
                "cpu_user_percent",
                "cpu_system_percent",
                "cpu_iowait_percent",
                "cpu_steal_percent"
            ]
        );
    }

    #[test]
    fn a_selector_with_a_value_selects_that_series_only() {
        let disk = |value: Option<&str>| Selector {
            metric: M::DiskUsedPercent,
            value: value.map(String::from),
        };
        assert!(disk(None).selects(M::DiskUsedPercent, "/home"));
        assert!(disk(Some("/home")).selects(M::DiskUsedPercent, "/home"));
        assert!(!disk(Some("/home")).selects(M::DiskUsedPercent, "/"));
        assert!(!disk(None).selects(M::DiskFreePercent, "/home"));
        assert!(!disk(Some("/")).selects(M::DiskFreePercent, "/"));
        assert_eq!(
            parse_report_selector("disk:").unwrap_err().to_string(),
            "'disk:' names nothing after ':' (expected disk or disk:VALUE, as disk:/home)"
        );
        // A labelled metric without a subject is written without its label.
        assert_eq!(series(M::DiskUsedPercent, ""), "disk_used_percent");
    }

    #[test]
    fn rates_are_per_second_and_need_an_interval() {
        assert_eq!(rate(Some(1_000), Some(200)), Some(500.0));
        assert_eq!(rate(Some(1_000), Some(0)), None);
        assert_eq!(rate(Some(1_000), None), None);
        assert_eq!(rate(None, Some(200)), None);
    }

    #[test]
    fn each_source_reads_its_own_metrics_and_the_man_page_lists_them_all() {
        let disks: Vec<Metric> = read_from(Source::Disks).collect();
        assert_eq!(disks, [M::DiskUsedPercent, M::DiskFreePercent]);
        let paragraphs = man_paragraphs();
        assert_eq!(paragraphs.len(), METRICS.len());
        assert!(
            paragraphs[0].starts_with("cpu_percent\tC"),
            "{}",
            paragraphs[0]
        );
        assert!(
            paragraphs
                .iter()
                .any(|p| p.starts_with("disk_used_percent{mount=\"...\"}\t")),
            "{paragraphs:?}"
        );
        assert_eq!(capitalise("élan"), "Élan");
        assert_eq!(capitalise(""), "");
    }

    #[test]
    fn thresholds_take_their_units_suffixes() {
        let v = |text: &str, unit: Unit| parse_value(text, unit).ok();
        for (text, unit, value) in [
            ("90", Unit::Percent, 90.0),
            ("90%", Unit::Percent, 90.0),
            ("45C", Unit::Celsius, 45.0),
            ("45°C", Unit::Celsius, 45.0),
            ("1.5", Unit::Load, 1.5),
            ("500B/s", Unit::BytesPerSecond, 500.0),
            ("2kB/s", Unit::BytesPerSecond, 2e3),
            ("2KB", Unit::BytesPerSecond, 2e3),
            ("3MB/s", Unit::BytesPerSecond, 3e6),
            ("4G", Unit::BytesPerSecond, 4e9),
            ("5TB/s", Unit::BytesPerSecond, 5e12),
            ("1KiB/s", Unit::BytesPerSecond, 1024.0),
            ("1MiB", Unit::BytesPerSecond, 1024.0 * 1024.0),
        ] {
            assert_eq!(v(text, unit), Some(value), "{text}");
        }
        for (text, unit) in [
            ("90C", Unit::Percent),
            ("45%", Unit::Celsius),
            ("1iB/s", Unit::BytesPerSecond),
            ("1PB/s", Unit::BytesPerSecond),
            ("2%", Unit::Load),
            ("", Unit::Percent),
        ] {
            assert_eq!(v(text, unit), None, "{text}");
        }
    }

    #[test]
    fn values_are_read_in_their_units() {
        let s = SampleRow {
            id: 1,
            ts: 0,
            interval_cs: Some(6000),
            cpu_busy: Some(4550),
            cpu_user: None,
            cpu_system: None,
            cpu_iowait: None,
            cpu_steal: None,
            mem_total: 1000,
            mem_used: 400,
            swap_total: 0,
            swap_used: 0,
            load: [125, 150, 175],
            uptime: 1,
            procs: 1,
            temp: Some(523),
            fd: Some((350, 1400)),
            psi: [[Some(2516), None], [Some(0), Some(7)], [None, None]],
        };
        assert_eq!(of_sample(M::CpuPercent, &s), Some(45.5));
        assert_eq!(of_sample(M::CpuUserPercent, &s), None);
        assert_eq!(of_sample(M::MemoryPercent, &s), Some(40.0));
        assert_eq!(of_sample(M::SwapPercent, &s), None);
        assert_eq!(of_sample(M::Temperature, &s), Some(52.3));
        assert_eq!(of_sample(M::OpenFiles, &s), Some(350.0));
        assert_eq!(of_sample(M::FilesUsedPercent, &s), Some(25.0));
        assert_eq!(of_sample(M::PressureCpu, &s), Some(25.16));
        assert_eq!(of_sample(M::PressureMemory, &s), Some(0.0));
        assert_eq!(of_sample(M::PressureMemoryFull, &s), Some(0.07));
        assert_eq!(of_sample(M::PressureIo, &s), None);
        assert_eq!(of_sample(M::PressureIoFull, &s), None);
        assert_eq!(show_value(93.14, Unit::Percent), "93.1%");
        assert_eq!(show_value(2.5e6, Unit::BytesPerSecond), "2.5 MB/s");
        assert_eq!(show_value(330.0, Unit::Seconds), "5m30s");
        assert_eq!(
            series(M::DiskUsedPercent, "/"),
            "disk_used_percent{mount=\"/\"}"
        );
        assert_eq!(series(M::CpuPercent, ""), "cpu_percent");
    }
}
