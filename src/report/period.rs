//! The period a report covers (`--since`, `--until`, `--cycle`, `--last-cycle`).

use anyhow::Result;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime};

use crate::cli::UsageError;
use crate::ledger;
use crate::time::Zone;

/// What `--cycle` and `--last-cycle` ask for: a billing cycle per location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CycleChoice {
    /// The cycle that starts in this month (year, month).
    StartingIn(i32, u32),
    /// The last complete cycle before today's.
    Last,
    /// The cycle today is in (the report's summary).
    Current,
}

/// The period a report covers: `[since, until)` in UTC seconds, and the calendar days it
/// touches. `None` is open-ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub cycle: Option<CycleChoice>,
    pub zone: Zone,
}

impl Period {
    /// The first calendar day of the period.
    pub fn first_day(&self) -> Option<NaiveDate> {
        self.since.map(|t| self.zone.date(t))
    }

    /// The last calendar day of the period (the day of its last second).
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.until.map(|t| self.zone.date(t - 1))
    }

    /// The period, or the given default start when it has none (the last 24 hours, say).
    /// The cycle today is in, per location.
    pub fn current_cycle(&self, today: NaiveDate, billing_day: u8) -> Period {
        let (start, end) =
            cycle_dates(CycleChoice::Current, today, billing_day).unwrap_or((today, today));
        Period {
            since: Some(self.zone.midnight(start)),
            until: Some(self.zone.midnight(end + Duration::days(1))),
            cycle: Some(CycleChoice::Current),
            zone: self.zone,
        }
    }

    pub fn or_since(&self, since: i64) -> Period {
        Period {
            since: self.since.or(Some(since)),
            ..self.clone()
        }
    }

    /// How the period reads in a note: `2024-03-01..2024-03-31`, `since 2024-03-01`.
    /// The period as the end of a sentence: "has no data since 2024-03-01".
    pub fn during(&self) -> String {
        match (self.first_day(), self.last_day()) {
            (Some(a), Some(b)) if a == b => format!("on {a}"),
            (Some(a), Some(b)) => format!("from {a} to {b}"),
            (Some(a), None) => format!("since {a}"),
            (None, Some(b)) => format!("until {b}"),
            (None, None) => "at all".into(),
        }
    }

    /// The period in a title: days (`2024-03-01..2024-03-31`), or times where it does not
    /// start or end at midnight (`since 2024-03-01 14:05`), so a title matches its axis.
    pub fn describe(&self) -> String {
        let start = self.since.map(|t| self.show(t, self.zone.date(t)));
        let end = self.until.map(|t| self.show(t, self.zone.date(t - 1)));
        match (start, end) {
            (Some(a), Some(b)) => format!("{a}..{b}"),
            (Some(a), None) => format!("since {a}"),
            (None, Some(b)) => format!("until {b}"),
            (None, None) => "the whole record".into(),
        }
    }

    /// A bound as a day when it falls on midnight, else as a local minute.
    fn show(&self, t: i64, day: NaiveDate) -> String {
        if self.zone.midnight(self.zone.date(t)) == t {
            day.to_string()
        } else {
            self.zone.time(t).format("%Y-%m-%d %H:%M").to_string()
        }
    }

    /// The stretch a chart of the period spans (UTC seconds), up to `now` at most: none when
    /// the period has no start (the whole record: the data's own).
    pub fn span(&self, now: i64) -> Option<(f64, f64)> {
        let since = self.since?;
        let until = self.until.map_or(now, |u| u.min(now.max(since + 1)));
        Some((since as f64, until as f64))
    }

    /// As [`span`](Self::span), in whole days: from the first day's midnight to the end of the
    /// last day.
    pub fn day_span(&self, now: i64) -> Option<(f64, f64)> {
        let first = self.first_day()?;
        let last = self.last_day().unwrap_or(self.zone.date(now));
        Some((
            self.zone.midnight(first) as f64,
            self.zone.midnight(last + chrono::Duration::days(1)) as f64,
        ))
    }
}

/// The flags that choose a period, as given.
#[derive(Debug, Default, Clone)]
pub struct Bounds<'a> {
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
    pub cycle: Option<&'a str>,
    pub last_cycle: bool,
}

/// Resolves the period flags against `now` (UTC seconds); `billing_day` places `--cycle` and
/// `--last-cycle` for the views that are not per location.
pub fn resolve(b: &Bounds, now: i64, zone: Zone, billing_day: u8) -> Result<Period> {
    let today = zone.date(now);
    let mut period = Period {
        since: b
            .since
            .map(|s| bound(s, "--since", false, now, zone))
            .transpose()?,
        until: b
            .until
            .map(|s| bound(s, "--until", true, now, zone))
            .transpose()?,
        cycle: None,
        zone,
    };
    let choice = match (b.cycle, b.last_cycle) {
        (Some(month), _) => Some(cycle_month(month)?),
        (None, true) => Some(CycleChoice::Last),
        (None, false) => None,
    };
    if let Some(choice) = choice {
        let (start, end) = cycle_dates(choice, today, billing_day).ok_or_else(|| {
            UsageError(format!(
                "no billing cycle is near {today} (dates run 1990 to 2100)"
            ))
        })?;
        period.since = Some(zone.midnight(start));
        period.until = Some(zone.midnight(end + Duration::days(1)));
        period.cycle = Some(choice);
    }
    if let (Some(since), Some(until)) = (period.since, period.until)
        && since >= until
    {
        return Err(UsageError(format!(
            "--since {} is not before --until {} (the period would be empty)",
            b.since.unwrap_or_default(),
            b.until.unwrap_or_default()
        ))
        .into());
    }
    Ok(period)
}

/// The first and last day of the cycle `choice` names, with cycles starting on `day`.
pub fn cycle_dates(
    choice: CycleChoice,
    today: NaiveDate,
    day: u8,
) -> Option<(NaiveDate, NaiveDate)> {
    match choice {
        CycleChoice::StartingIn(year, month) => {
            ledger::cycle_containing(ledger::cycle_start_in(year, month, day)?, day)
        }
        CycleChoice::Last => {
            let (start, _) = ledger::cycle_containing(today, day)?;
            ledger::cycle_containing(start.pred_opt()?, day)
        }
        CycleChoice::Current => ledger::cycle_containing(today, day),
    }
}

fn cycle_month(s: &str) -> Result<CycleChoice> {
    let bad = || {
        UsageError(format!(
            "--cycle '{s}' is not a month (expected YEAR-MONTH, e.g. 2024-03: the cycle starting in that month)"
        ))
    };
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    if !(1990..=2100).contains(&year) || !(1..=12).contains(&month) {
        return Err(bad().into());
    }
    Ok(CycleChoice::StartingIn(year, month))
}

/// One bound: `2024-03-13` (the day's start, or with `end` the next day's start, so a date
/// given to --until is included), `2024-03-13 14:05[:30]` or with a T, `today`, `yesterday`,
/// or an age such as `30m`, `24h`, `7d`, `2w` before now.
fn bound(s: &str, flag: &str, end: bool, now: i64, zone: Zone) -> Result<i64> {
    let t = s.trim();
    let today = zone.date(now);
    let day = |date: NaiveDate| zone.midnight(if end { date + Duration::days(1) } else { date });
    match t {
        "now" => return Ok(now),
        "today" => return Ok(day(today)),
        "yesterday" => return Ok(day(today - Duration::days(1))),
        _ => {}
    }
    if let Some(unit) = t.chars().last().filter(|c| "smhdw".contains(*c))
        && let Ok(n) = t[..t.len() - 1].parse::<u32>()
    {
        let secs = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => 7 * 86_400,
        };
        return Ok(now - i64::from(n) * secs);
    }
    if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(day(date));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(time) = NaiveDateTime::parse_from_str(t, format) {
            return Ok(zone.timestamp(time));
        }
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(t) {
        return Ok(time.timestamp());
    }
    Err(UsageError(format!(
        "{flag} '{s}' is not a time (expected a date 2024-03-13, a time 2024-03-13 14:05, today, yesterday, or an age such as 30m, 24h, 7d, 2w)"
    ))
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_710_338_400; // 2024-03-13 14:00:00 UTC

    fn period(since: Option<&str>, until: Option<&str>) -> Result<Period> {
        let b = Bounds {
            since,
            until,
            ..Bounds::default()
        };
        resolve(&b, NOW, Zone::Utc, 13)
    }

    #[test]
    fn dates_include_the_until_day_and_ages_count_back() {
        let p = period(Some("2024-03-01"), Some("2024-03-12")).unwrap();
        assert_eq!(p.describe(), "2024-03-01..2024-03-12");
        let p = period(Some("24h"), None).unwrap();
        assert_eq!(p.since, Some(NOW - 86_400));
        let p = period(Some("2024-03-13 12:30"), Some("now")).unwrap();
        assert_eq!(p.since, Some(NOW - 5400));
        assert_eq!(p.until, Some(NOW));
        let p = period(Some("yesterday"), Some("yesterday")).unwrap();
        assert_eq!(p.describe(), "2024-03-12..2024-03-12");
    }

    #[test]
    fn bad_bounds_are_usage_errors_naming_the_value() {
        let e = period(Some("last tuesday"), None).unwrap_err();
        assert!(
            e.to_string()
                .contains("--since 'last tuesday' is not a time"),
            "{e}"
        );
        let e = period(Some("2024-03-10"), Some("2024-03-01")).unwrap_err();
        assert!(e.to_string().contains("is not before --until"), "{e}");
        assert!(e.is::<UsageError>());
    }

    #[test]
    fn cycles_follow_the_billing_day() {
        let b = Bounds {
            cycle: Some("2024-02"),
            ..Bounds::default()
        };
        let p = resolve(&b, NOW, Zone::Utc, 31).unwrap();
        assert_eq!(p.describe(), "2024-02-29..2024-03-30");
        let b = Bounds {
            last_cycle: true,
            ..Bounds::default()
        };
        assert_eq!(
            resolve(&b, NOW, Zone::Utc, 13).unwrap().describe(),
            "2024-02-13..2024-03-12"
        );
        let bad = Bounds {
            cycle: Some("2024-13"),
            ..Bounds::default()
        };
        assert!(resolve(&bad, NOW, Zone::Utc, 13).is_err());
    }
}
