//! Reading one cell: dates as spreadsheets write them, and usage amounts with optional units,
//! converted exactly to whole bytes.

use chrono::{Datelike, NaiveDate};

/// A date cell: complete, or day and month whose year comes from the rows around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    Full(NaiveDate),
    Yearless { month: u32, day: u32 },
}

/// What a date cell should look like, for error messages.
pub const DATE_FORMATS: &str = "e.g. 13-Mar, 13-Mar-2024, 13/03/2024 or 2024-03-13";

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Parses a date cell. `custom` is a chrono format (`--date-format`); without a year field in it
/// the dates are yearless. The error says why, without the cell's position.
pub fn date(text: &str, custom: Option<&str>) -> Result<Day, String> {
    let s = text.trim();
    if let Some(fmt) = custom {
        return custom_date(s, fmt);
    }
    let fields: Vec<&str> = s.split(['-', '/', '.', ' ']).collect();
    let numeric = |f: &str| !f.is_empty() && f.len() <= 4 && f.bytes().all(|b| b.is_ascii_digit());
    let unknown = || format!("'{s}' is not a date ({DATE_FORMATS}; use --date-format for others)");
    match fields.as_slice() {
        // YYYY-MM-DD, YYYY/MM/DD
        [y, m, d] if y.len() == 4 && numeric(y) && numeric(m) && numeric(d) => {
            full(s, num(y), num(m), num(d))
        }
        // DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY
        [d, m, y]
            if d.len() <= 2
                && m.len() <= 2
                && y.len() == 4
                && numeric(d)
                && numeric(m)
                && numeric(y) =>
        {
            full(s, num(y), num(m), num(d))
        }
        // 13-Mar, 13 March
        [d, m] if d.len() <= 2 && numeric(d) => {
            let month = month(m).ok_or_else(unknown)?;
            yearless(s, month, num(d))
        }
        // 13-Mar-2024, 13-Mar-24
        [d, m, y] if d.len() <= 2 && numeric(d) && numeric(y) && matches!(y.len(), 2 | 4) => {
            let month = month(m).ok_or_else(unknown)?;
            let year = match y.len() {
                // POSIX strptime's %y: 69-99 are 1969-1999, 00-68 are 2000-2068.
                2 if num(y) >= 69 => 1900 + num(y),
                2 => 2000 + num(y),
                _ => num(y),
            };
            full(s, year, month, num(d))
        }
        _ => Err(unknown()),
    }
}

fn num(field: &str) -> u32 {
    field.parse().unwrap_or(u32::MAX)
}

fn month(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    // "Sept" is a common abbreviation too.
    let lower = if lower == "sept" { "sep".into() } else { lower };
    MONTHS
        .iter()
        .position(|m| m.starts_with(&lower))
        .map(|i| i as u32 + 1)
}

fn full(s: &str, year: u32, month: u32, day: u32) -> Result<Day, String> {
    check_day(s, month, day, Some(year))?;
    NaiveDate::from_ymd_opt(year as i32, month, day)
        .map(Day::Full)
        .ok_or_else(|| format!("'{s}' is not a date"))
}

fn yearless(s: &str, month: u32, day: u32) -> Result<Day, String> {
    check_day(s, month, day, None)?;
    Ok(Day::Yearless { month, day })
}

/// Rejects month 13 and day 31 of a 30-day month with a reason; February 29 only in leap years
/// (always possible without a year).
fn check_day(s: &str, month: u32, day: u32, year: Option<u32>) -> Result<(), String> {
    if !(1..=12).contains(&month) {
        return Err(format!(
            "'{s}' is not a date: there is no month {month} (dates are read day first, as 13/03/2024; use --date-format %m/%d/%Y for month first)"
        ));
    }
    let leap = year.is_none_or(|y| NaiveDate::from_ymd_opt(y as i32, 2, 29).is_some());
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > days {
        let name = MONTHS[month as usize - 1];
        let name = format!("{}{}", name[..1].to_uppercase(), &name[1..]);
        let year = year.map(|y| format!(" {y}")).unwrap_or_default();
        return Err(format!(
            "'{s}' is not a date: {name}{year} has no day {day}"
        ));
    }
    Ok(())
}

fn custom_date(s: &str, fmt: &str) -> Result<Day, String> {
    let bad = |e: chrono::ParseError| format!("'{s}' does not match --date-format '{fmt}' ({e})");
    let has_year = ["%Y", "%y", "%C", "%G", "%g", "%F", "%D", "%x", "%s", "%+"]
        .iter()
        .any(|f| fmt.contains(f));
    if has_year {
        return NaiveDate::parse_from_str(s, fmt)
            .map(Day::Full)
            .map_err(bad);
    }
    // A leap year, so 29 February parses; the real year is chosen later.
    let d = NaiveDate::parse_from_str(&format!("{s} 2000"), &format!("{fmt} %Y")).map_err(bad)?;
    Ok(Day::Yearless {
        month: d.month(),
        day: d.day(),
    })
}

/// A month written alone, as a monthly summary's period: `2024-03`, `03/2024`, `Mar-2024`,
/// `March 2024`.
pub fn month_of(text: &str) -> Option<(i32, u32)> {
    let fields: Vec<&str> = text.trim().split(['-', '/', '.', ' ']).collect();
    let year = |f: &str| (f.len() == 4).then(|| f.parse::<i32>().ok()).flatten();
    let number = |f: &str| (f.len() <= 2).then(|| f.parse::<u32>().ok()).flatten();
    let (y, m) = match fields.as_slice() {
        [y, m] if year(y).is_some() => (year(y)?, number(m)?),
        [m, y] => (year(y)?, number(m).or_else(|| month(m))?),
        _ => return None,
    };
    (1..=12).contains(&m).then_some((y, m))
}

/// Units an amount may carry, as multiples of a byte.
const UNITS: &[(&str, u128)] = &[
    ("b", 1),
    ("byte", 1),
    ("bytes", 1),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
    ("tb", 1_000_000_000_000),
    ("pb", 1_000_000_000_000_000),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("tib", 1 << 40),
    ("pib", 1 << 50),
];

/// The bytes in one `name` (KB, MiB, GB, ...), for `--unit`.
pub fn unit(name: &str) -> Option<u128> {
    let lower = name.trim().to_ascii_lowercase();
    UNITS.iter().find(|(u, _)| *u == lower).map(|&(_, b)| b)
}

/// Why an amount cell was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// Not a number at all (a note, a typo): skipped with a warning.
    NotANumber(String),
    /// A number, but unusable: an error.
    Negative,
    TooLarge,
}

/// Parses an amount: `9.9`, `130`, `1,234.5`, `1.2e3`, with an optional unit (`900 MB`,
/// `1.2 TB`, `2 GiB`); a bare number is in `default_unit` bytes. With `decimal_comma` the roles
/// of ',' and '.' swap and spaces may group thousands. `Ok(None)` is an empty cell. Rounds to
/// the nearest byte.
pub fn amount(
    text: &str,
    decimal_comma: bool,
    default_unit: u128,
) -> Result<Option<i64>, AmountError> {
    let s = text.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let not_a_number = || {
        let hint = if !decimal_comma && s.contains(',') && !s.contains('.') {
            " (for a decimal comma as in 9,9 use --decimal-comma)"
        } else {
            ""
        };
        AmountError::NotANumber(format!("'{s}' is not a number{hint}"))
    };
    // Split off the unit: the trailing letters.
    let split = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphabetic())
        .last()
        .map_or(s.len(), |(i, _)| i);
    let (number, unit_name) = s.split_at(split);
    let (number, unit_name) = (number.trim_end(), unit_name);
    // An exponent looks like a unit ending in digits: take "1.2e3" apart before the unit.
    let (number, exponent, unit_bytes) = if unit_name.is_empty() {
        match number.find(['e', 'E']) {
            Some(i) => {
                let exp: i32 = number[i + 1..].parse().map_err(|_| not_a_number())?;
                (&number[..i], exp, default_unit)
            }
            None => (number, 0, default_unit),
        }
    } else {
        (number, 0, unit(unit_name).ok_or_else(not_a_number)?)
    };
    let (negative, digits) = match number.as_bytes().first() {
        Some(b'-') => (true, &number[1..]),
        Some(b'+') => (false, &number[1..]),
        _ => (false, number),
    };
    let (decimal, group) = if decimal_comma {
        (',', '.')
    } else {
        ('.', ',')
    };
    let (int_part, frac_part) = match digits.split_once(decimal) {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(not_a_number());
    }
    let grouped =
        |c: char| c == group || (decimal_comma && matches!(c, ' ' | '\u{a0}' | '\u{202f}'));
    // The digits accumulate into the mantissa as they are checked, without allocating: this
    // runs once per value of a file.
    let mut mantissa: u128 = 0;
    let mut significant = 0;
    let mut push = |digits: &str| -> Result<(), AmountError> {
        for b in digits.bytes() {
            if !b.is_ascii_digit() {
                return Err(not_a_number());
            }
            if mantissa > 0 || b != b'0' {
                significant += 1;
                if significant > 30 {
                    return Err(AmountError::TooLarge);
                }
            }
            mantissa = mantissa * 10 + u128::from(b - b'0');
        }
        Ok(())
    };
    if int_part.contains(grouped) {
        // Thousands groups: 1 to 3 digits, then groups of exactly 3.
        for (i, g) in int_part.split(grouped).enumerate() {
            let fits = if i == 0 {
                (1..=3).contains(&g.len())
            } else {
                g.len() == 3
            };
            if !fits {
                return Err(not_a_number());
            }
            push(g)?;
        }
    } else {
        push(int_part)?;
    }
    push(frac_part)?;
    if negative && mantissa != 0 {
        return Err(AmountError::Negative);
    }
    // value = mantissa * 10^(exponent - frac digits) * unit_bytes
    let scale = exponent - frac_part.len() as i32;
    let product = mantissa
        .checked_mul(unit_bytes)
        .ok_or(AmountError::TooLarge)?;
    let bytes = if scale >= 0 {
        10u128
            .checked_pow(scale as u32)
            .and_then(|p| product.checked_mul(p))
            .ok_or(AmountError::TooLarge)?
    } else {
        match 10u128.checked_pow(scale.unsigned_abs()) {
            Some(p) => (product + p / 2) / p,
            None => 0, // far below one byte
        }
    };
    i64::try_from(bytes)
        .map(Some)
        .map_err(|_| AmountError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GB: u128 = 1_000_000_000;

    fn d(s: &str) -> Day {
        Day::Full(s.parse().unwrap())
    }

    #[test]
    fn the_seeds_date_formats() {
        assert_eq!(
            date("13-Mar", None),
            Ok(Day::Yearless { month: 3, day: 13 })
        );
        assert_eq!(date(" 13-Mar-2024 ", None), Ok(d("2024-03-13")));
        assert_eq!(date("13-mar-24", None), Ok(d("2024-03-13")));
        assert_eq!(date("13 March 2024", None), Ok(d("2024-03-13")));
        assert_eq!(date("13/03/2024", None), Ok(d("2024-03-13")));
        assert_eq!(date("3/4/2024", None), Ok(d("2024-04-03")));
        assert_eq!(date("13.03.2024", None), Ok(d("2024-03-13")));
        assert_eq!(date("2024-03-13", None), Ok(d("2024-03-13")));
        assert_eq!(date("2024/3/13", None), Ok(d("2024-03-13")));
        assert_eq!(date("5-Sept", None), Ok(Day::Yearless { month: 9, day: 5 }));
        assert_eq!(
            date("29-Feb", None),
            Ok(Day::Yearless { month: 2, day: 29 })
        );
        assert_eq!(date("1-Jan-99", None), Ok(d("1999-01-01")));
    }

    #[test]
    fn impossible_and_unknown_dates_say_why() {
        assert_eq!(
            date("31-Feb", None).unwrap_err(),
            "'31-Feb' is not a date: February has no day 31"
        );
        assert_eq!(
            date("31-Apr-2024", None).unwrap_err(),
            "'31-Apr-2024' is not a date: April 2024 has no day 31"
        );
        assert_eq!(date("30-Sep-2024", None), Ok(d("2024-09-30")));
        assert_eq!(date("31-Oct-2024", None), Ok(d("2024-10-31")));
        assert_eq!(
            date("29-Feb-2023", None).unwrap_err(),
            "'29-Feb-2023' is not a date: February 2023 has no day 29"
        );
        assert!(
            date("03/13/2024", None)
                .unwrap_err()
                .contains("no month 13")
        );
        for bad in ["", "Total", "13-Foo", "2024-03", "13", "45364", "13-Ma"] {
            let e = date(bad, None).unwrap_err();
            assert!(e.contains("is not a date (e.g. 13-Mar"), "{bad}: {e}");
        }
    }

    #[test]
    fn malformed_years_are_refused() {
        // Two-digit years only with a month name: 13/03/24 could be 1924 as well as 2024.
        for bad in [
            "13/03/24",
            "13.03.024",
            "13-Mar-2024x",
            "13-Mar-24x",
            "13-Mar-999",
            "13-Mar-20245",
            "2024x-03-13",
            "113/03/2024",
            "13/003/2024",
            "/03/2024",
            "2024-03-00013",
            "2024-3-",
            "113-Mar",
            "ab-Mar",
        ] {
            let e = date(bad, None).unwrap_err();
            assert!(e.contains("is not a date (e.g. 13-Mar"), "{bad}: {e}");
        }
        // A year written with leading zeros is read as written: the loader refuses dates before
        // 1990 with the range it accepts.
        assert_eq!(date("13/03/0024", None), Ok(d("0024-03-13")));
        assert_eq!(date("31-Dec-68", None), Ok(d("2068-12-31")));
        assert_eq!(date("1-Jan-69", None), Ok(d("1969-01-01")));
    }

    #[test]
    fn custom_formats_with_and_without_a_year() {
        assert_eq!(date("03/13/2024", Some("%m/%d/%Y")), Ok(d("2024-03-13")));
        assert_eq!(
            date("13.3.", Some("%d.%m.")),
            Ok(Day::Yearless { month: 3, day: 13 })
        );
        assert!(
            date("2024-03-13", Some("%d/%m/%Y"))
                .unwrap_err()
                .contains("does not match --date-format '%d/%m/%Y'")
        );
    }

    #[test]
    fn months_alone() {
        assert_eq!(month_of("2024-03"), Some((2024, 3)));
        assert_eq!(month_of("03/2024"), Some((2024, 3)));
        assert_eq!(month_of("Mar-2024"), Some((2024, 3)));
        assert_eq!(month_of("march 2024"), Some((2024, 3)));
        assert_eq!(month_of("2024-13"), None);
        assert_eq!(month_of("2024-03-13"), None);
        assert_eq!(month_of("13-Mar"), None);
    }

    #[test]
    fn amounts_in_the_seeds_and_exports_forms() {
        let a = |s: &str| amount(s, false, GB);
        assert_eq!(a("9.9"), Ok(Some(9_900_000_000)));
        assert_eq!(a("130"), Ok(Some(130_000_000_000)));
        assert_eq!(a("1,234.5"), Ok(Some(1_234_500_000_000)));
        assert_eq!(a("900 MB"), Ok(Some(900_000_000)));
        assert_eq!(a("1.2 TB"), Ok(Some(1_200_000_000_000)));
        assert_eq!(a("2GiB"), Ok(Some(2 << 30)));
        assert_eq!(a("1.5 kib"), Ok(Some(1536)));
        assert_eq!(a("1 MiB"), Ok(Some(1 << 20)));
        assert_eq!(a("1 TiB"), Ok(Some(1 << 40)));
        assert_eq!(a("1 PiB"), Ok(Some(1 << 50)));
        assert_eq!(a("1 PB"), Ok(Some(1_000_000_000_000_000)));
        assert_eq!(a("1.2E3"), Ok(Some(1_200_000_000_000)));
        assert_eq!(a(".5"), Ok(Some(500_000_000)));
        assert_eq!(a("+7"), Ok(Some(7_000_000_000)));
        assert_eq!(a("-0"), Ok(Some(0)));
        assert_eq!(a("  "), Ok(None));
        assert_eq!(a("0.0000000004"), Ok(Some(0)));
        assert_eq!(a("0.0000000005"), Ok(Some(1)));
        let c = |s: &str| amount(s, true, GB);
        assert_eq!(c("9,9"), Ok(Some(9_900_000_000)));
        assert_eq!(c("1.234,5"), Ok(Some(1_234_500_000_000)));
        assert_eq!(c("1 234,5 MB"), Ok(Some(1_234_500_000)));
    }

    #[test]
    fn bad_amounts() {
        let a = |s: &str| amount(s, false, GB);
        assert_eq!(a("-3"), Err(AmountError::Negative));
        assert_eq!(a("99999999999999 TB"), Err(AmountError::TooLarge));
        // Past 30 significant digits an amount is refused before it can overflow, in debug and
        // release builds alike; leading zeros are not significant.
        let b = |s: &str| amount(s, false, 1);
        let zeros = "0".repeat(40);
        assert_eq!(b(&format!("1{zeros}")), Err(AmountError::TooLarge));
        assert_eq!(b(&format!("{zeros}1")), Ok(Some(1)));
        assert_eq!(b(&format!("0.{zeros}")), Ok(Some(0)));
        let thirty = "1.23456789012345678901234567890";
        assert_eq!(b(thirty), Ok(Some(1)));
        assert_eq!(b(&format!("{thirty}1")), Err(AmountError::TooLarge));
        assert_eq!(b(&format!("0{thirty}")), Ok(Some(1)));
        for bad in [
            "n/a",
            "12,5x",
            "1,23",
            "1.2.3",
            "GB",
            "5 parsecs",
            "nan",
            "inf",
            "1e",
            "--1",
            ".",
        ] {
            assert!(
                matches!(a(bad), Err(AmountError::NotANumber(_))),
                "{bad}: {:?}",
                a(bad)
            );
        }
        let AmountError::NotANumber(why) = a("9,9").unwrap_err() else {
            panic!()
        };
        assert!(why.contains("--decimal-comma"), "{why}");
        // The hint only where a decimal comma would have read it.
        for (text, comma) in [("n/a", false), ("1,5.5x", false), ("9,9x", true)] {
            let AmountError::NotANumber(why) = amount(text, comma, GB).unwrap_err() else {
                panic!("{text}")
            };
            assert!(!why.contains("--decimal-comma"), "{text}: {why}");
        }
    }

    proptest! {
        #[test]
        fn full_dates_round_trip_in_every_format(days in 0i64..60_000) {
            let date0 = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days);
            for fmt in ["%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y", "%-d.%-m.%Y", "%d %B %Y"] {
                let text = date0.format(fmt).to_string();
                prop_assert_eq!(date(&text, None), Ok(Day::Full(date0)), "{}", text);
            }
            let text = date0.format("%d-%b").to_string();
            prop_assert_eq!(date(&text, None), Ok(Day::Yearless { month: date0.month(), day: date0.day() }));
        }

        #[test]
        fn any_text_is_a_date_or_an_error_never_a_panic(s in "\\PC{0,16}") {
            let _ = date(&s, None);
            let _ = amount(&s, false, GB);
            let _ = amount(&s, true, GB);
        }

        #[test]
        fn amounts_round_trip_exactly(bytes in 0i64..=10_000_000_000_000_000, comma in any::<bool>()) {
            // Written as GB with all nine decimals, with and without thousands groups.
            let whole = bytes / 1_000_000_000;
            let frac = bytes % 1_000_000_000;
            let (dec, group) = if comma { (',', '.') } else { ('.', ',') };
            let plain = format!("{whole}{dec}{frac:09}");
            prop_assert_eq!(amount(&plain, comma, GB), Ok(Some(bytes)));
            let digits = whole.to_string();
            let mut grouped = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push(group);
                }
                grouped.push(c);
            }
            let text = format!("{grouped}{dec}{frac:09} GB");
            prop_assert_eq!(amount(&text, comma, GB), Ok(Some(bytes)));
            // The same amount in MB.
            let mb = format!("{}{dec}{:06} MB", bytes / 1_000_000, bytes % 1_000_000);
            prop_assert_eq!(amount(&mb, comma, GB), Ok(Some(bytes)));
        }
    }
}
