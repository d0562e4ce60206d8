//! The shipped cron files: valid five-field schedules calling binaries this package builds.
#![allow(clippy::unwrap_used)]

use std::path::Path;

/// Whether one schedule field ("*", "*/5", "1-5", "0,30", "7") is valid for min..=max.
fn field_ok(field: &str, min: u32, max: u32) -> bool {
    field.split(',').all(|part| {
        let (range, step) = part.split_once('/').unwrap_or((part, "1"));
        let step_ok = step.parse::<u32>().is_ok_and(|s| s >= 1);
        let in_range = |v: &str| v.parse::<u32>().is_ok_and(|v| (min..=max).contains(&v));
        let range_ok = range == "*"
            || match range.split_once('-') {
                Some((a, b)) => {
                    in_range(a)
                        && in_range(b)
                        && a.parse::<u32>().unwrap() <= b.parse::<u32>().unwrap()
                }
                None => in_range(range),
            };
        step_ok && range_ok
    })
}

fn check(file: &str, has_user: bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let bins: Vec<String> = std::fs::read_dir(root.join("src/bin"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let mut jobs = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty()
            || line.starts_with('#')
            || line.split_whitespace().next().unwrap().contains('=')
        {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let limits = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
        for (i, (min, max)) in limits.iter().enumerate() {
            assert!(
                field_ok(fields[i], *min, *max),
                "{file}:{}: bad field '{}'",
                n + 1,
                fields[i]
            );
        }
        let mut words = &fields[if has_user { 6 } else { 5 }..];
        // `command -v usage-x >/dev/null && usage-x ...`: a guard, as sysstat's lines have.
        if let [
            "command",
            "-v",
            guarded,
            "/dev/null" | ">/dev/null",
            rest @ ..,
        ] = words
        {
            let rest = rest.strip_prefix(&["&&"][..]).unwrap_or(rest);
            assert_eq!(
                rest.first(),
                Some(guarded),
                "{file}:{}: the guard names another tool",
                n + 1
            );
            words = rest;
        }
        let command = words[0];
        assert!(
            bins.iter().any(|b| b == command),
            "{file}:{}: '{command}' is not one of {bins:?}",
            n + 1
        );
        assert!(
            !line.contains('$'),
            "{file}:{}: cron does not expand variables",
            n + 1
        );
        jobs += 1;
    }
    assert!(jobs > 0, "{file} has no jobs");
}

#[test]
fn cron_files_are_valid_and_call_our_binaries() {
    check("cron/usage.cron.d", true);
    check("cron/crontab", false);
    assert!(
        field_ok("*/5", 0, 59)
            && field_ok("1-5,7", 0, 7)
            && !field_ok("60", 0, 59)
            && !field_ok("*/0", 0, 59)
    );
}
