//! Outages: when a probe's failures make one, when its successes end it, and how severe it is.
//!
//! An outage opens at the `fail_after`-th failure in a row (with verification, only if an
//! immediate re-check fails too) and starts at the first failure of the row; it closes at the
//! `recover_after`-th success in a row and ends at the first success of that row. Its severity
//! starts at the probe's priority (high: major, normal: minor, low: warning) and rises one
//! step once it has lasted 30 minutes and another at 2 hours, up to critical.

use super::config::Priority;
use crate::db::probes::OutageRow;

/// An outage's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Minor,
    Major,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Warning,
        Severity::Minor,
        Severity::Major,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether an open outage of this severity (stored as text) is a CRITICAL state for
    /// usage-check and the report's first lines: major and critical are; minor and warning
    /// are a WARNING.
    pub fn is_serious(stored: &str) -> bool {
        Severity::parse(stored).is_some_and(|s| s >= Severity::Major)
    }
}

/// The outages open now in one line for a person, and whether any is serious: "2 outages open:
/// web on h1 (major, since 2027-03-01 10:00), ...", each start written by `minute`. `None`
/// when none is open.
pub fn open_line(open: &[OutageRow], minute: impl Fn(i64) -> String) -> Option<(bool, String)> {
    if open.is_empty() {
        return None;
    }
    let serious = open.iter().any(|o| Severity::is_serious(&o.severity));
    let each: Vec<String> = open
        .iter()
        .map(|o| {
            format!(
                "{} on {} ({}, since {})",
                o.probe,
                o.host,
                o.severity,
                minute(o.started)
            )
        })
        .collect();
    let line = format!(
        "{} open: {}",
        crate::render::counted(open.len(), "outage"),
        each.join(", ")
    );
    Some((serious, line))
}

/// Durations at which an outage's severity rises a step.
pub const STEPS: [i64; 2] = [30 * 60, 2 * 3600];

/// The severity of an outage of a probe of `priority` that has lasted `secs`.
pub fn severity(priority: Priority, secs: i64) -> Severity {
    let base = match priority {
        Priority::Low => 0,
        Priority::Normal => 1,
        Priority::High => 2,
    };
    let rise = STEPS.iter().filter(|&&s| secs >= s).count();
    Severity::ALL[(base + rise).min(3)]
}

/// How many results in a row open and close an outage.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub fail_after: u32,
    pub recover_after: u32,
    /// Re-check at once before opening an outage.
    pub verify: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            fail_after: 3,
            recover_after: 1,
            verify: true,
        }
    }
}

/// A probe's run of results, kept between runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Streak {
    /// Failures in a row, and when the first of them was.
    pub fails: u32,
    pub first_fail: Option<i64>,
    /// Successes in a row, and when the first of them was.
    pub oks: u32,
    pub first_ok: Option<i64>,
    /// The open outage's start, if one is open.
    pub open_since: Option<i64>,
}

/// What a result did to the probe's outages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    None,
    /// An outage opened, starting at the first failure of the row.
    Opened {
        start: i64,
    },
    /// The open outage closed, ending at the first success of the row.
    Closed {
        end: i64,
    },
}

impl Streak {
    /// True when a failure now would open an outage, so (with verification) the probe is to be
    /// checked once more first.
    pub fn would_open(&self, rules: &Rules) -> bool {
        self.open_since.is_none() && self.fails + 1 >= rules.fail_after
    }

    /// Adds a result at `ts` (after verification: a passing re-check is a success).
    pub fn add(&mut self, ts: i64, up: bool, rules: &Rules) -> Change {
        if up {
            if self.oks == 0 {
                self.first_ok = Some(ts);
            }
            self.oks += 1;
            self.fails = 0;
            self.first_fail = None;
            if self.open_since.is_some() && self.oks >= rules.recover_after {
                self.open_since = None;
                return Change::Closed {
                    end: self.first_ok.unwrap_or(ts),
                };
            }
            return Change::None;
        }
        if self.fails == 0 {
            self.first_fail = Some(ts);
        }
        self.fails += 1;
        self.oks = 0;
        self.first_ok = None;
        if self.open_since.is_none() && self.fails >= rules.fail_after {
            let start = self.first_fail.unwrap_or(ts);
            self.open_since = Some(start);
            return Change::Opened { start };
        }
        Change::None
    }

    /// An outage resolved by hand: a new one needs a new row of failures.
    pub fn resolved_by_hand(&mut self) {
        *self = Streak::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_and_critical_outages_are_serious() {
        let serious: Vec<bool> = ["warning", "minor", "major", "critical", "bogus"]
            .into_iter()
            .map(Severity::is_serious)
            .collect();
        assert_eq!(serious, [false, false, true, true, false]);
    }

    fn run(rules: &Rules, results: &[(i64, bool)]) -> Vec<(i64, Change)> {
        let mut s = Streak::default();
        results
            .iter()
            .map(|&(t, up)| (t, s.add(t, up, rules)))
            .filter(|(_, c)| *c != Change::None)
            .collect()
    }

    #[test]
    fn opens_at_the_third_failure_from_the_first_and_closes_at_the_first_success() {
        let r = Rules::default();
        let results = [
            (0, true),
            (60, false),
            (120, false),
            (180, true),
            (240, false),
            (300, false),
            (360, false),
            (420, false),
            (480, true),
        ];
        assert_eq!(
            run(&r, &results),
            [
                (360, Change::Opened { start: 240 }),
                (480, Change::Closed { end: 480 })
            ]
        );
    }

    #[test]
    fn recovery_needs_its_row_and_ends_at_its_first_success() {
        let r = Rules {
            fail_after: 1,
            recover_after: 3,
            verify: false,
        };
        let results = [
            (0, false),
            (60, true),
            (120, true),
            (180, false),
            (240, true),
            (300, true),
            (360, true),
        ];
        assert_eq!(
            run(&r, &results),
            [
                (0, Change::Opened { start: 0 }),
                (360, Change::Closed { end: 240 })
            ]
        );
    }

    #[test]
    fn a_failure_that_would_open_one_is_announced() {
        let r = Rules::default();
        let mut s = Streak::default();
        assert!(!s.would_open(&r));
        s.add(0, false, &r);
        assert!(!s.would_open(&r));
        s.add(60, false, &r);
        assert!(s.would_open(&r));
        s.add(120, false, &r);
        // Open already: nothing more to open.
        assert!(!s.would_open(&r));
        s.resolved_by_hand();
        assert_eq!(s, Streak::default());
    }

    #[test]
    fn severity_rises_with_duration_from_the_priority() {
        use Priority::*;
        use Severity::*;
        let table = [
            (Low, 0, Warning),
            (Low, 1799, Warning),
            (Low, 1800, Minor),
            (Low, 7200, Major),
            (Normal, 0, Minor),
            (Normal, 1800, Major),
            (Normal, 7199, Major),
            (Normal, 7200, Critical),
            (High, 0, Major),
            (High, 1800, Critical),
            (High, 86_400, Critical),
        ];
        for (p, secs, want) in table {
            assert_eq!(severity(p, secs), want, "{p:?} {secs}");
        }
    }
}
