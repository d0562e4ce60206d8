//! The data-usage ledger's rules shared by usage-import, usage-report and usage-alert: exact byte
//! amounts shown in GB, dates as keys, billing cycles and their forecast (the tables are in
//! [`crate::db::ledger`]).
//!
//! Amounts are whole bytes; 1 GB is 10^9 bytes, as providers bill. A billing cycle starts on day
//! D of a month (the month's last day when it is shorter) and ends the day before the next start.

use chrono::{Datelike, Months, NaiveDate};

/// Bytes in one GB (decimal, as providers bill).
pub const GB: i64 = 1_000_000_000;

/// The stable key of a location from a header or a name: lower case, runs of anything but
/// letters and digits become one '_', none at either end. "Main Office" -> "main_office".
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// Bytes as GB with every significant decimal and no trailing zeros: 9_900_000_000 -> "9.9".
pub fn format_gb(bytes: i64) -> String {
    let sign = if bytes < 0 { "-" } else { "" };
    let b = bytes.unsigned_abs();
    let (whole, frac) = (b / GB as u64, b % GB as u64);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{frac:09}");
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}

/// A date as the ledger stores it: the integer YYYYMMDD.
pub fn date_key(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 10_000 + i64::from(date.month()) * 100 + i64::from(date.day())
}

/// The date a stored YYYYMMDD integer stands for.
pub fn key_date(key: i64) -> Option<NaiveDate> {
    let year = i32::try_from(key / 10_000).ok()?;
    NaiveDate::from_ymd_opt(year, (key / 100 % 100) as u32, (key % 100) as u32)
}

/// The day a cycle with billing day `day` starts in the given month: `day`, or the month's last
/// day when the month is shorter.
pub fn cycle_start_in(year: i32, month: u32, day: u8) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
    first.with_day(u32::from(day).min(last.day()))
}

/// The billing cycle (first and last day) that contains `date`.
pub fn cycle_containing(date: NaiveDate, day: u8) -> Option<(NaiveDate, NaiveDate)> {
    let this = cycle_start_in(date.year(), date.month(), day)?;
    let start = if date >= this {
        this
    } else {
        let prev = date.with_day(1)?.checked_sub_months(Months::new(1))?;
        cycle_start_in(prev.year(), prev.month(), day)?
    };
    let next = start.with_day(1)?.checked_add_months(Months::new(1))?;
    let end = cycle_start_in(next.year(), next.month(), day)?.pred_opt()?;
    Some((start, end))
}

/// One billing cycle's sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub bytes: i64,
    /// Days with a record.
    pub days: u32,
    /// The last day with a record.
    pub last: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Forecast {
    /// The cycle's total at the average daily rate so far.
    pub total: i64,
    /// Whole days from today until the quota is reached at that rate (0: reached already).
    pub days_until_quota: Option<i64>,
}

/// The current cycle's forecast: the average of the days up to the last one recorded, over the
/// cycle's true length.
pub fn forecast(c: &Cycle, length: i64, today: NaiveDate, quota: Option<i64>) -> Forecast {
    let elapsed = (c.last - c.start).num_days() + 1;
    let rate = c.bytes as f64 / elapsed as f64;
    // Rounded to whole MB: a forecast is not exact to the byte.
    let total = ((rate * length as f64) / 1e6).round() as i64 * 1_000_000;
    let days_until_quota = quota.and_then(|q| {
        if c.bytes >= q {
            Some(0)
        } else if rate > 0.0 {
            let after_last = ((q - c.bytes) as f64 / rate).floor() as i64;
            Some((after_last - (today - c.last).num_days()).max(0))
        } else {
            None
        }
    });
    Forecast {
        total,
        days_until_quota,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn forecast_uses_the_true_cycle_length() {
        // 2024-02-13..2024-03-12 is 29 days (leap year); 10 GB a day for 10 days.
        let c = Cycle {
            start: d("2024-02-13"),
            end: d("2024-03-12"),
            bytes: 100 * GB,
            days: 10,
            last: d("2024-02-22"),
        };
        let f = forecast(&c, 29, d("2024-02-23"), Some(150 * GB));
        assert_eq!(f.total, 290 * GB);
        // 50 GB left at 10 GB a day: 5 days after the 22nd, 4 after today.
        assert_eq!(f.days_until_quota, Some(4));
        assert_eq!(
            forecast(&c, 29, d("2024-02-23"), Some(90 * GB)).days_until_quota,
            Some(0)
        );
        // Nothing used yet: no day the quota is reached.
        let idle = Cycle { bytes: 0, ..c };
        assert_eq!(
            forecast(&idle, 29, d("2024-02-23"), Some(150 * GB)),
            Forecast {
                total: 0,
                days_until_quota: None
            }
        );
    }

    #[test]
    fn slugs_are_stable_keys() {
        assert_eq!(slug("Location1"), "location1");
        assert_eq!(slug("  Main Office (HQ) "), "main_office_hq");
        assert_eq!(slug("Zürich-Nord"), "zürich_nord");
        assert_eq!(slug("!!!"), "");
    }

    #[test]
    fn gb_is_exact() {
        assert_eq!(format_gb(9_900_000_000), "9.9");
        assert_eq!(format_gb(130 * GB), "130");
        assert_eq!(format_gb(1), "0.000000001");
        assert_eq!(format_gb(0), "0");
        assert_eq!(format_gb(-1_500_000_000), "-1.5");
    }

    #[test]
    fn date_keys_round_trip() {
        assert_eq!(date_key(d("2024-03-13")), 20_240_313);
        assert_eq!(key_date(20_240_313), Some(d("2024-03-13")));
        assert_eq!(key_date(20_240_231), None);
    }

    #[test]
    fn cycles_clamp_to_short_months() {
        assert_eq!(
            cycle_containing(d("2024-03-20"), 13),
            Some((d("2024-03-13"), d("2024-04-12")))
        );
        assert_eq!(
            cycle_containing(d("2024-03-12"), 13),
            Some((d("2024-02-13"), d("2024-03-12")))
        );
        // Day 31: February's cycle starts on its last day.
        assert_eq!(
            cycle_containing(d("2023-03-01"), 31),
            Some((d("2023-02-28"), d("2023-03-30")))
        );
        assert_eq!(
            cycle_containing(d("2024-02-29"), 31),
            Some((d("2024-02-29"), d("2024-03-30")))
        );
        assert_eq!(
            cycle_containing(d("2024-12-31"), 1),
            Some((d("2024-12-01"), d("2024-12-31")))
        );
    }

    proptest! {
        #[test]
        fn cycles_tile_the_calendar(days in 0i64..40_000, day in 1u8..=31) {
            let date = d("1990-01-01") + chrono::Duration::days(days);
            let (start, end) = cycle_containing(date, day).unwrap();
            prop_assert!(start <= date && date <= end);
            // The next day is in this cycle or starts the next one.
            let next = end.succ_opt().unwrap();
            prop_assert_eq!(cycle_containing(next, day).unwrap().0, next);
            let len = (end - start).num_days() + 1;
            prop_assert!((28..=31).contains(&len), "{start}..{end}");
        }
    }
}
