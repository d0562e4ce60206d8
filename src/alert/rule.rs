//! Alert rules: the metrics they may watch, the `when` expressions that say how, and the
//! `[alert]` section of the configuration file they are read from, with line numbers.
//!
//! A rule reads like a PromQL alert: `disk_used_percent{mount="/"} > 90 for 5m`. Each metric
//! has at most one label (the mount, interface, user or location); without it the rule watches
//! every one, each as its own alert.

use std::fmt;

use anyhow::{Result, bail};

use crate::metric::{self, Metric, parse_value};
use crate::time::parse_duration;

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
    let (selector, rest) = metric::parse_selector(text)?;
    let (metric, filter) = (selector.metric, selector.value);
    let name = metric.name();
    let mut rest = rest;
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
}
