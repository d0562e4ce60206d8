//! Silences: label matchers, written as amtool writes them (`mount=/boot`, `rule!=cpu`,
//! `rule=~disk.*`, `interface!~^docker`), that hold back the notifications of the alerts they
//! all match while the silence lasts. An alert's labels are its rule, its host and its
//! subject under the metric's label name (mount, interface, user, location, probe).

use regex::Regex;
use rusqlite::Connection;

use super::config::Rule;
use crate::db::alerts::{self, SilenceRow};
use crate::maintenance::{self, Window, WindowSpec};
use crate::time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equal,
    NotEqual,
    Matches,
    NotMatches,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Equal => "=",
            Op::NotEqual => "!=",
            Op::Matches => "=~",
            Op::NotMatches => "!~",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Matcher {
    pub name: String,
    pub op: Op,
    pub value: String,
    /// The value as a regular expression anchored at both ends, as Prometheus anchors them.
    regex: Option<Regex>,
}

impl Matcher {
    /// Reads `name=value`, `name!=value`, `name=~regex` or `name!~regex`.
    pub fn parse(text: &str) -> Result<Matcher, String> {
        let at = text.find(['=', '!']).ok_or_else(|| {
            format!("'{text}' is not a matcher (expected name=value, name!=value, name=~regex or name!~regex)")
        })?;
        let (name, rest) = text.split_at(at);
        let (op, value) = if let Some(v) = rest.strip_prefix("=~") {
            (Op::Matches, v)
        } else if let Some(v) = rest.strip_prefix("!~") {
            (Op::NotMatches, v)
        } else if let Some(v) = rest.strip_prefix("!=") {
            (Op::NotEqual, v)
        } else if let Some(v) = rest.strip_prefix('=') {
            (Op::Equal, v)
        } else {
            return Err(format!(
                "'{text}' is not a matcher (expected name=value, name!=value, name=~regex or name!~regex)"
            ));
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("'{text}': '{name}' is not a label name"));
        }
        let regex = match op {
            Op::Matches | Op::NotMatches => {
                Some(Regex::new(&format!("^(?:{value})$")).map_err(|e| {
                    format!("'{text}': '{value}' is not a regular expression ({e})")
                })?)
            }
            _ => None,
        };
        Ok(Matcher {
            name: name.to_string(),
            op,
            value: value.to_string(),
            regex,
        })
    }

    /// Whether `value` (the alert's, or "" when it has no such label) satisfies the matcher.
    fn accepts(&self, value: &str) -> bool {
        match (self.op, &self.regex) {
            (Op::Equal, _) => value == self.value,
            (Op::NotEqual, _) => value != self.value,
            (Op::Matches, Some(re)) => re.is_match(value),
            (Op::NotMatches, Some(re)) => !re.is_match(value),
            _ => false,
        }
    }

    pub fn show(&self) -> String {
        format!("{}{}{}", self.name, self.op.as_str(), self.value)
    }
}

/// A silence with its matchers read.
#[derive(Debug, Clone)]
pub struct Silence {
    pub id: i64,
    pub matchers: Vec<Matcher>,
    pub start: i64,
    pub end: i64,
    pub who: String,
    pub reason: String,
    pub noticed: Option<i64>,
}

impl Silence {
    /// The silence a row stores. Its matchers were read when it was added; should one not read
    /// now (an edited database), the silence matches nothing rather than more than was asked.
    pub fn from_row(row: &SilenceRow) -> Silence {
        let pairs: Vec<(String, String, String)> =
            serde_json::from_str(&row.matchers).unwrap_or_default();
        let matchers: Result<Vec<Matcher>, String> = pairs
            .iter()
            .map(|(n, o, v)| Matcher::parse(&format!("{n}{o}{v}")))
            .collect();
        Silence {
            id: row.id,
            matchers: matchers.unwrap_or_default(),
            start: row.start,
            end: row.end,
            who: row.who.clone(),
            reason: row.reason.clone(),
            noticed: row.noticed,
        }
    }

    /// The matchers as stored.
    pub fn stored(matchers: &[Matcher]) -> String {
        let pairs: Vec<(&str, &str, &str)> = matchers
            .iter()
            .map(|m| (m.name.as_str(), m.op.as_str(), m.value.as_str()))
            .collect();
        serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into())
    }

    /// Whether it holds back the alert of `rule` on `subject` of `host` at `t`.
    pub fn covers(&self, rule: &Rule, subject: &str, host: &str, t: i64) -> bool {
        t >= self.start && t < self.end && self.matches(rule, subject, host)
    }

    /// Whether it was in force over that alert at some time after `since` (when it fired): a
    /// silence ended before it began, or before the alert fired, held nothing of it back.
    pub fn held_since(&self, rule: &Rule, subject: &str, host: &str, since: i64) -> bool {
        self.start < self.end && self.end > since && self.matches(rule, subject, host)
    }

    pub fn matches(&self, rule: &Rule, subject: &str, host: &str) -> bool {
        !self.matchers.is_empty()
            && self.matchers.iter().all(|m| {
                let value = match m.name.as_str() {
                    "rule" => rule.name.as_str(),
                    "host" => host,
                    name if rule.metric.label() == Some(name) => subject,
                    _ => "",
                };
                m.accepts(value)
            })
    }

    pub fn show_matchers(&self) -> String {
        let shown: Vec<String> = self.matchers.iter().map(Matcher::show).collect();
        shown.join(", ")
    }
}

/// What holds notifications back: maintenance windows (whole rules) and silences (alerts by
/// their labels).
pub struct Quiet {
    pub windows: Vec<Window>,
    pub silences: Vec<Silence>,
}

impl Quiet {
    /// The stored windows and silences and the configuration's windows (those whose times do
    /// not parse are reported in `problems`).
    pub fn load(
        conn: &Connection,
        specs: &[WindowSpec],
        now: i64,
        problems: &mut Vec<String>,
    ) -> anyhow::Result<Quiet> {
        Ok(Quiet {
            windows: maintenance::all(conn, specs, now, problems)?,
            silences: alerts::silences(conn)?
                .iter()
                .map(Silence::from_row)
                .collect(),
        })
    }

    /// What holds back the alert of `rule` on `subject` of `host` at `t`, for a person:
    /// "maintenance #3 until 2027-03-01 14:20", "silence #2 until ..."; `None` when nothing does.
    pub fn held_by(&self, rule: &Rule, subject: &str, host: &str, t: i64) -> Option<String> {
        if let Some(w) = self.windows.iter().find(|w| w.covers(&rule.name, t)) {
            return Some(format!(
                "maintenance {} until {}",
                w.origin,
                time::local_minute(w.end)
            ));
        }
        self.silences
            .iter()
            .find(|s| s.covers(rule, subject, host, t))
            .map(|s| format!("silence #{} until {}", s.id, time::local_minute(s.end)))
    }

    pub fn holds(&self, rule: &Rule, subject: &str, host: &str, t: i64) -> bool {
        self.held_by(rule, subject, host, t).is_some()
    }

    /// The silences that have ended and whose end nobody has been told of yet.
    pub fn ended_untold(&self, now: i64) -> Vec<&Silence> {
        self.silences
            .iter()
            .filter(|s| s.end <= now && s.noticed.is_none())
            .collect()
    }
}

/// The label names the rules' alerts have: rule, host and each metric's label.
pub fn label_names(rules: &[Rule]) -> Vec<String> {
    let mut names = vec!["rule".to_string(), "host".to_string()];
    for r in rules {
        if let Some(label) = r.metric.label()
            && !names.iter().any(|n| n == label)
        {
            names.push(label.to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::config::load;

    #[test]
    fn matchers_read_and_match_as_amtool_and_prometheus_do() {
        let a = load(
            Some(std::path::Path::new("c.toml")),
            Some("[[alert.rule]]\nname = \"disk-full\"\nwhen = \"disk_used_percent > 90\"\n"),
        );
        let rule = &a.rules[0];
        let silence = |ms: &[&str]| Silence {
            id: 1,
            matchers: ms.iter().map(|m| Matcher::parse(m).unwrap()).collect(),
            start: 100,
            end: 200,
            who: String::new(),
            reason: String::new(),
            noticed: None,
        };
        let s = silence(&["rule=disk-full", "mount=/boot"]);
        assert!(s.covers(rule, "/boot", "box", 150));
        assert!(!s.covers(rule, "/home", "box", 150));
        assert!(!s.covers(rule, "/boot", "box", 200));
        assert!(!s.covers(rule, "/boot", "box", 99));
        // In force over an alert that fired before its end; not one taken back before it began.
        assert!(s.held_since(rule, "/boot", "box", 150));
        assert!(!s.held_since(rule, "/boot", "box", 200));
        assert!(!s.held_since(rule, "/home", "box", 150));
        let taken_back = Silence {
            end: 100,
            ..s.clone()
        };
        assert!(!taken_back.held_since(rule, "/boot", "box", 50));
        // Regular expressions are anchored: "disk" does not match "disk-full".
        assert!(!silence(&["rule=~disk"]).matches(rule, "/", "box"));
        assert!(silence(&["rule=~disk.*", "mount!~/(boot|home)"]).matches(rule, "/", "box"));
        assert!(silence(&["host!=other"]).matches(rule, "/", "box"));
        // A label the alert lacks is empty.
        assert!(silence(&["interface="]).matches(rule, "/", "box"));
        assert!(!silence(&["interface=eth0"]).matches(rule, "/", "box"));
        for bad in ["mount", "=x", "mo unt=/", "rule=~(", "rule~x"] {
            assert!(Matcher::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Matcher::parse("rule=~(").unwrap_err(),
            "'rule=~(': '(' is not a regular expression (regex parse error:\n    ^(?:()$\n     ^\nerror: unclosed group)"
        );
        let stored = Silence::stored(&s.matchers);
        assert_eq!(
            stored,
            r#"[["rule","=","disk-full"],["mount","=","/boot"]]"#
        );
    }
}
