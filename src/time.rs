//! Time as the suite reads and shows it: the zone calendar dates are in, durations (`90s`,
//! `1h30m`), and times for people (local) and for programs (RFC 3339, UTC).

use anyhow::{Result, anyhow};
use chrono::{
    DateTime, Duration, FixedOffset, Local, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Utc,
};

/// The zone calendar dates and times are shown in: the machine's (TZ) or UTC (`--utc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Local,
    Utc,
}

impl Zone {
    /// The zone's offset from UTC at `ts`, in seconds.
    pub fn offset(self, ts: i64) -> i32 {
        match self {
            Zone::Utc => 0,
            Zone::Local => Local
                .timestamp_opt(ts, 0)
                .single()
                .map_or(0, |t| t.offset().fix().local_minus_utc()),
        }
    }

    pub fn time(self, ts: i64) -> DateTime<FixedOffset> {
        let offset = FixedOffset::east_opt(self.offset(ts)).unwrap_or(Utc.fix());
        DateTime::from_timestamp(ts, 0)
            .unwrap_or_default()
            .with_timezone(&offset)
    }

    /// The calendar date at `ts`.
    pub fn date(self, ts: i64) -> NaiveDate {
        self.time(ts).date_naive()
    }

    /// The UTC seconds of a wall-clock time; in a gap (spring forward) the first moment after
    /// it, when repeated (fall back) the first of the two.
    pub fn timestamp(self, local: NaiveDateTime) -> i64 {
        match self {
            Zone::Utc => local.and_utc().timestamp(),
            Zone::Local => match Local.from_local_datetime(&local) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp(),
                LocalResult::None => self.timestamp(local + Duration::hours(1)),
            },
        }
    }

    /// The UTC seconds at which `date` begins.
    pub fn midnight(self, date: NaiveDate) -> i64 {
        self.timestamp(date.and_time(NaiveTime::MIN))
    }
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

/// `90s`, `5m`, `1h30m`, `2d`.
pub fn show_duration(secs: i64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = secs;
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

/// RFC 3339 in UTC, to the second.
pub fn rfc3339(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A time as people read it: local, to the minute (seconds when they are not zero).
pub fn show_local(ts: i64) -> String {
    let t = DateTime::from_timestamp(ts, 0)
        .unwrap_or_default()
        .with_timezone(&Local);
    if ts % 60 == 0 {
        t.format("%Y-%m-%d %H:%M").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// An age in its largest sensible unit: `90s`, `45m`, `5.5h`, `3.2d`.
pub fn age(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..120 => format!("{s}s"),
        120..7200 => format!("{}m", s / 60),
        7200..172_800 => format!("{:.1}h", secs / 3600.0),
        _ => format!("{:.1}d", secs / 86_400.0),
    }
}

/// A time in the local zone to the minute.
pub fn local_minute(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Parses a point in time: `now`, `+2h` (from now), a date (midnight), or a date and time in
/// the local zone (`2026-12-01 02:00`, `2026-12-01T02:00:30`), or RFC 3339 with an offset.
pub fn parse_time(text: &str, now: i64) -> Result<i64> {
    let text = text.trim();
    if text == "now" {
        return Ok(now);
    }
    if let Some(rest) = text.strip_prefix('+') {
        return Ok(now + parse_duration(rest)?);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    for format in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(Zone::Local.timestamp(t));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(Zone::Local.midnight(d));
    }
    Err(anyhow!(
        "'{text}' is not a time (expected now, +DURATION such as +2h, YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' in local time, or RFC 3339)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), 90);
        assert_eq!(parse_duration("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration("2d").unwrap(), 172_800);
        assert!(parse_duration("-5").is_err());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("99999999999w").is_err());
        assert_eq!(show_duration(5400), "1h30m");
        assert_eq!(show_duration(0), "0s");
        assert_eq!(age(90.0), "90s");
        assert_eq!(age(3.0 * 3600.0), "3.0h");
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("now", 1000).unwrap(), 1000);
        assert_eq!(parse_time("+2h", 1000).unwrap(), 8200);
        assert_eq!(
            parse_time("2026-12-01T02:00:00Z", 0).unwrap(),
            1_796_090_400
        );
        assert!(parse_time("2026-12-01 02:00", 0).is_ok());
        assert!(
            parse_time("tomorrow", 0)
                .unwrap_err()
                .to_string()
                .contains("is not a time")
        );
    }
}
