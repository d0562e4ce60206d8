//! Maintenance windows: spans of time in which alerts are tracked but nobody is notified, and
//! which availability figures leave out. Made from the command line (stored in the database) or
//! written in the configuration file (`[[alert.maintenance]]`).

use anyhow::{Result, anyhow};
use rusqlite::Connection;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::config::{Scalar, Source};
use crate::db;
use crate::time::{parse_duration, parse_time, show_local};

/// A maintenance window from the configuration file (times as written; resolved when used).
#[derive(Debug, Clone)]
pub struct WindowSpec {
    pub start: String,
    pub end: Option<String>,
    pub duration: Option<i64>,
    pub rules: Vec<String>,
    pub reason: String,
    pub origin: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    start: String,
    end: Option<String>,
    duration: Option<Scalar>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    reason: String,
}

/// Reads `[[alert.maintenance]]` entries; each bad one is a line in `problems`.
pub fn read_specs(
    src: &Source,
    items: Vec<Spanned<DeValue>>,
    problems: &mut Vec<String>,
) -> Vec<WindowSpec> {
    let mut specs = Vec::new();
    for item in items {
        let at = item.span().start;
        match RawWindow::deserialize(ValueDeserializer::from(item)) {
            Ok(raw) => {
                let duration = match raw.duration.as_ref().map(|d| parse_duration(&d.text())) {
                    Some(Err(e)) => {
                        problems.push(format!("{}: maintenance window: duration {e}", src.at(at)));
                        continue;
                    }
                    Some(Ok(secs)) => Some(secs),
                    None => None,
                };
                if raw.end.is_some() == duration.is_some() {
                    problems.push(format!(
                        "{}: maintenance window: give either end or duration",
                        src.at(at)
                    ));
                    continue;
                }
                specs.push(WindowSpec {
                    start: raw.start,
                    end: raw.end,
                    duration,
                    rules: raw.rules,
                    reason: raw.reason,
                    origin: src.line(at),
                });
            }
            Err(e) => problems.push(format!(
                "{}: maintenance window: {}",
                src.error_at(&e, at),
                e.message().trim_end()
            )),
        }
    }
    specs
}

/// The windows the configuration file writes, for a reader that does not evaluate rules (the
/// availability report); their problems are usage-alert's to report.
pub fn configured(path: Option<&std::path::Path>, text: Option<&str>) -> Vec<WindowSpec> {
    let (Some(path), Some(text)) = (path, text) else {
        return Vec::new();
    };
    let src = Source::new(path.display().to_string(), text);
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let items = match doc.get_ref().get("alert").map(Spanned::get_ref) {
        Some(DeValue::Table(t)) => match t.get("maintenance").map(Spanned::get_ref) {
            Some(DeValue::Array(items)) => items.iter().cloned().collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    read_specs(&src, items, &mut Vec::new())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// The database row; `None` for a window from the configuration file.
    pub id: Option<i64>,
    pub start: i64,
    pub end: i64,
    /// Rules it silences; empty: every rule.
    pub rules: Vec<String>,
    pub reason: String,
    /// `#ID`, or the configuration file and line.
    pub origin: String,
}

impl Window {
    pub fn covers(&self, rule: &str, t: i64) -> bool {
        t >= self.start
            && t < self.end
            && (self.rules.is_empty() || self.rules.iter().any(|r| r == rule))
    }
}

/// Every window: the stored ones and the configuration's (those whose times do not parse are
/// reported in `problems`).
pub fn all(
    conn: &Connection,
    specs: &[WindowSpec],
    now: i64,
    problems: &mut Vec<String>,
) -> Result<Vec<Window>> {
    let mut windows: Vec<Window> = db::alerts::windows(conn)?
        .into_iter()
        .map(|w| Window {
            id: Some(w.id),
            start: w.start,
            end: w.end,
            rules: serde_json::from_str(&w.rules).unwrap_or_default(),
            reason: w.reason,
            origin: format!("#{}", w.id),
        })
        .collect();
    for spec in specs {
        match resolve(spec, now) {
            Ok(w) => windows.push(w),
            Err(e) => problems.push(format!("{}: maintenance window: {e}", spec.origin)),
        }
    }
    windows.sort_by_key(|w| (w.start, w.end));
    Ok(windows)
}

fn resolve(spec: &WindowSpec, now: i64) -> Result<Window> {
    let start = parse_time(&spec.start, now)?;
    let end = match (&spec.end, spec.duration) {
        (Some(end), _) => parse_time(end, now)?,
        (None, Some(d)) => start + d,
        (None, None) => start,
    };
    if end <= start {
        return Err(anyhow!(
            "it ends ({}) before it starts ({})",
            show_local(end),
            show_local(start)
        ));
    }
    Ok(Window {
        id: None,
        start,
        end,
        rules: spec.rules.clone(),
        reason: spec.reason.clone(),
        origin: spec.origin.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_silence_their_rules_in_their_span() {
        let w = Window {
            id: Some(1),
            start: 100,
            end: 200,
            rules: vec!["a".into()],
            reason: String::new(),
            origin: "#1".into(),
        };
        assert!(w.covers("a", 100) && w.covers("a", 199));
        assert!(!w.covers("a", 200) && !w.covers("b", 150));
        let all = Window { rules: vec![], ..w };
        assert!(all.covers("b", 150));
    }
}
