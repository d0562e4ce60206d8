//! Alert rules: the metrics they may watch, the `when` expressions that say how, and the
//! `[alert]` section of the configuration file they are read from, with line numbers.
//!
//! A rule reads like a PromQL alert: `disk_used_percent{mount="/"} > 90 for 5m`. Each metric
//! has at most one label (the mount, interface, user or location); without it the rule watches
//! every one, each as its own alert.

use std::fmt;

use anyhow::{Result, anyhow, bail};

/// How bad an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The unit a metric is measured in; thresholds may carry its suffixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Load,
    Celsius,
    BytesPerSecond,
    Seconds,
}

impl Unit {
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::Load | Unit::Seconds => "",
            Unit::Celsius => " °C",
            Unit::BytesPerSecond => " B/s",
        }
    }
}

/// Where a metric's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// One value per stored sample, replayed in order.
    Samples,
    /// One value per run, computed at the time of the run.
    Clock,
}

/// Every metric a rule may watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    CpuPercent,
    CpuIowait,
    CpuSteal,
    MemoryPercent,
    SwapPercent,
    Load1,
    Load5,
    Load15,
    Temperature,
    DiskUsedPercent,
    DiskFreePercent,
    NetRxRate,
    NetTxRate,
    UserCpuPercent,
    UserMemoryPercent,
    SampleAge,
    QuotaUsedPercent,
    QuotaForecastPercent,
}

pub const METRICS: &[(Metric, &str, &str)] = &[
    (
        Metric::CpuPercent,
        "cpu_percent",
        "CPU busy (user, nice, system) over the sample's interval, %",
    ),
    (Metric::CpuIowait, "cpu_iowait_percent", "CPU iowait, %"),
    (Metric::CpuSteal, "cpu_steal_percent", "CPU steal, %"),
    (
        Metric::MemoryPercent,
        "memory_percent",
        "memory used (total - available), %",
    ),
    (Metric::SwapPercent, "swap_percent", "swap used, %"),
    (Metric::Load1, "load1", "1-minute load average"),
    (Metric::Load5, "load5", "5-minute load average"),
    (Metric::Load15, "load15", "15-minute load average"),
    (
        Metric::Temperature,
        "temperature",
        "hottest sensor, °C (machines without sensors have no values)",
    ),
    (
        Metric::DiskUsedPercent,
        "disk_used_percent",
        "{mount=\"/\"}: file system used, % as df shows it",
    ),
    (
        Metric::DiskFreePercent,
        "disk_free_percent",
        "{mount=\"/\"}: file system free to users, %",
    ),
    (
        Metric::NetRxRate,
        "net_rx_rate",
        "{interface=\"eth0\"}: bytes received per second (suffixes k, M, G, T; Ki, Mi, Gi)",
    ),
    (
        Metric::NetTxRate,
        "net_tx_rate",
        "{interface=\"eth0\"}: bytes sent per second",
    ),
    (
        Metric::UserCpuPercent,
        "user_cpu_percent",
        "{user=\"alice\"}: CPU of a user's processes, % of one CPU",
    ),
    (
        Metric::UserMemoryPercent,
        "user_memory_percent",
        "{user=\"alice\"}: resident memory of a user's processes, % of RAM",
    ),
    (
        Metric::SampleAge,
        "sample_age",
        "seconds since the newest sample (suffixes s, m, h, d)",
    ),
    (
        Metric::QuotaUsedPercent,
        "quota_used_percent",
        "{location=\"site-a\"}: the current billing cycle's use, % of the location's quota",
    ),
    (
        Metric::QuotaForecastPercent,
        "quota_forecast_percent",
        "{location=\"site-a\"}: the cycle's use at the current daily rate by its last day, % of quota",
    ),
];

impl Metric {
    pub fn name(self) -> &'static str {
        METRICS.iter().find(|m| m.0 == self).map_or("", |m| m.1)
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::Load1 | Metric::Load5 | Metric::Load15 => Unit::Load,
            Metric::Temperature => Unit::Celsius,
            Metric::NetRxRate | Metric::NetTxRate => Unit::BytesPerSecond,
            Metric::SampleAge => Unit::Seconds,
            _ => Unit::Percent,
        }
    }

    /// The label that picks one of several series, if the metric has several.
    pub fn label(self) -> Option<&'static str> {
        match self {
            Metric::DiskUsedPercent | Metric::DiskFreePercent => Some("mount"),
            Metric::NetRxRate | Metric::NetTxRate => Some("interface"),
            Metric::UserCpuPercent | Metric::UserMemoryPercent => Some("user"),
            Metric::QuotaUsedPercent | Metric::QuotaForecastPercent => Some("location"),
            _ => None,
        }
    }

    pub fn source(self) -> Source {
        match self {
            Metric::SampleAge | Metric::QuotaUsedPercent | Metric::QuotaForecastPercent => {
                Source::Clock
            }
            _ => Source::Samples,
        }
    }
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Gt => value > threshold,
            Op::Ge => value >= threshold,
            Op::Lt => value < threshold,
            Op::Le => value <= threshold,
        }
    }

    /// True for `>` and `>=`: the alert is about a value rising.
    pub fn rising(self) -> bool {
        matches!(self, Op::Gt | Op::Ge)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }
}

/// A parsed `when` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub metric: Metric,
    /// The label's value, when the rule watches one series only.
    pub filter: Option<String>,
    /// `None` for a step rule written without a comparison (`steps` gives the thresholds).
    pub comparison: Option<(Op, f64)>,
    /// Seconds the condition must hold before the alert fires.
    pub for_secs: i64,
}

/// Parses `METRIC[{label="value"}] [OP THRESHOLD] [for DURATION]`.
pub fn parse_condition(text: &str) -> Result<Condition> {
    let mut rest = text.trim();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    rest = rest[end..].trim_start();
    let metric = METRICS
        .iter()
        .find(|m| m.1 == name)
        .map(|m| m.0)
        .ok_or_else(|| {
            let names: Vec<&str> = METRICS.iter().map(|m| m.1).collect();
            anyhow!(
                "unknown metric '{name}' (expected one of: {})",
                names.join(", ")
            )
        })?;
    let mut filter = None;
    if let Some(inner) = rest.strip_prefix('{') {
        let close = inner
            .find('}')
            .ok_or_else(|| anyhow!("'{{' without a closing '}}' after {name}"))?;
        let selector = inner[..close].trim();
        rest = inner[close + 1..].trim_start();
        let Some(label) = metric.label() else {
            bail!("{name} takes no label (it has one series per host)");
        };
        let (key, value) = selector
            .split_once('=')
            .ok_or_else(|| anyhow!("expected {name}{{{label}=\"...\"}}, found {{{selector}}}"))?;
        if key.trim() != label {
            bail!(
                "{name} is selected by {label}, not by '{}' (expected {name}{{{label}=\"...\"}})",
                key.trim()
            );
        }
        let value = value.trim();
        let unquoted = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(|| {
                anyhow!("the {label} in {name}{{...}} must be quoted: {label}=\"{value}\"")
            })?;
        if unquoted.is_empty() {
            bail!("{name}{{{label}=\"\"}} names no {label}");
        }
        filter = Some(unquoted.to_string());
    }
    let mut comparison = None;
    let op = [(">=", Op::Ge), ("<=", Op::Le), (">", Op::Gt), ("<", Op::Lt)]
        .into_iter()
        .find(|(s, _)| rest.starts_with(s));
    if let Some((symbol, op)) = op {
        rest = rest[symbol.len()..].trim_start();
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let threshold = parse_value(&rest[..end], metric.unit())?;
        rest = rest[end..].trim_start();
        comparison = Some((op, threshold));
    } else if !rest.is_empty() && !rest.starts_with("for") {
        bail!("expected a comparison (>, >=, <, <=) after {name}, found '{rest}'");
    }
    let mut for_secs = 0;
    if let Some(after) = rest.strip_prefix("for") {
        if comparison.is_none() {
            bail!("'for' needs a comparison before it, as in {name} > 90 for 5m");
        }
        let duration = after.trim();
        if duration.is_empty() {
            bail!("'for' needs a duration, as in 'for 5m'");
        }
        for_secs = parse_duration(duration)?;
        rest = "";
    }
    if !rest.is_empty() {
        bail!("unexpected '{rest}' at the end");
    }
    Ok(Condition {
        metric,
        filter,
        comparison,
        for_secs,
    })
}

/// Parses a duration: `90`, `90s`, `5m`, `1h30m`, `2d`, `1w`. Whole seconds, at most ten years.
pub fn parse_duration(text: &str) -> Result<i64> {
    let bad = || {
        anyhow!(
            "'{text}' is not a duration (expected seconds or a number with s, m, h, d or w, as in 90s, 5m, 1h30m)"
        )
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = text.parse::<i64>() {
        return if (0..=10 * 366 * 86_400).contains(&secs) {
            Ok(secs)
        } else {
            Err(bad())
        };
    }
    let mut total: i64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        if digits == 0 {
            return Err(bad());
        }
        let n: i64 = rest[..digits].parse().map_err(|_| bad())?;
        let scale = match rest[digits..].chars().next() {
            Some('s') => 1,
            Some('m') => 60,
            Some('h') => 3600,
            Some('d') => 86_400,
            Some('w') => 7 * 86_400,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(scale)
            .and_then(|v| total.checked_add(v))
            .filter(|t| *t <= 10 * 366 * 86_400)
            .ok_or_else(bad)?;
        rest = &rest[digits + 1..];
    }
    Ok(total)
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
    fn conditions_parse_like_the_issue_writes_them() {
        let c = parse_condition("cpu_percent > 90 for 60s").unwrap();
        assert_eq!(c.metric, Metric::CpuPercent);
        assert_eq!(c.comparison, Some((Op::Gt, 90.0)));
        assert_eq!(c.for_secs, 60);
        let c = parse_condition(r#"disk_used_percent{mount="/"} > 90"#).unwrap();
        assert_eq!(c.filter.as_deref(), Some("/"));
        assert_eq!(c.for_secs, 0);
        let c = parse_condition(r#"net_rx_rate{interface="eth0"}>=12.5M for 5m"#).unwrap();
        assert_eq!(c.comparison, Some((Op::Ge, 12.5e6)));
        assert_eq!(c.for_secs, 300);
        let c = parse_condition("sample_age > 5m").unwrap();
        assert_eq!(c.comparison, Some((Op::Gt, 300.0)));
        let c = parse_condition("quota_used_percent").unwrap();
        assert_eq!(c.comparison, None);
        assert_eq!(
            parse_condition("disk_free_percent < 10%")
                .unwrap()
                .comparison,
            Some((Op::Lt, 10.0))
        );
        assert_eq!(
            parse_condition("net_tx_rate > 1GiB/s").unwrap().comparison,
            Some((Op::Gt, 1073741824.0))
        );
    }

    #[test]
    fn bad_conditions_say_what_is_wrong() {
        let err = |t: &str| parse_condition(t).unwrap_err().to_string();
        assert!(
            err("cpu_pct > 9")
                .starts_with("unknown metric 'cpu_pct' (expected one of: cpu_percent,")
        );
        assert!(err("cpu_percent > ninety").contains("threshold 'ninety' is not a number"));
        assert!(err("cpu_percent > 90 for 5 minutes").contains("'5 minutes' is not a duration"));
        assert!(err("cpu_percent > 90 for").contains("needs a duration"));
        assert!(err(r#"load1{mount="/"} > 2"#).contains("load1 takes no label"));
        assert!(err(r#"disk_used_percent{path="/"} > 2"#).contains("selected by mount"));
        assert!(err("disk_used_percent{mount=/} > 2").contains("must be quoted"));
        assert!(err("cpu_percent = 9").contains("expected a comparison"));
        assert!(err("net_rx_rate > 5X").contains("bytes per second"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), 90);
        assert_eq!(parse_duration("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration("2d").unwrap(), 172_800);
        assert!(parse_duration("-5").is_err());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("99999999999w").is_err());
    }
}
