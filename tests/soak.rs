//! The soak: all six tools at once on one database, as cron would run them on a busy minute,
//! for USAGE_SOAK_SECONDS (default 60). Zero failures, zero "database is locked", and every
//! sample and ledger row accounted for.
#![allow(clippy::unwrap_used)]

mod util;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use util::{Sandbox, assert_intact, count};

#[test]
fn six_tools_at_once_lose_nothing_and_never_fail() {
    let seconds: u64 = std::env::var("USAGE_SOAK_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let sb = Sandbox::with_database();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let failures = Mutex::new(Vec::<String>::new());
    let runs = Mutex::new(std::collections::BTreeMap::<&str, u64>::new());
    let samples_asked = seconds * 5;
    let imported = Mutex::new(0i64);
    // A tool run must succeed (alert may report firing alerts: 1) and never see a lock.
    let judge = |what: &'static str, out: std::process::Output, ok: &[i32]| {
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let code = out.status.code().unwrap_or(-1);
        if !ok.contains(&code) || stderr.contains("locked") {
            failures
                .lock()
                .unwrap()
                .push(format!("{what}: exit {code}: {stderr}"));
        }
        *runs.lock().unwrap().entry(what).or_default() += 1;
    };
    std::thread::scope(|s| {
        s.spawn(|| {
            let out = sb
                .cmd("usage-sample")
                .args(["-q", "-i", "0.2", "-n", &samples_asked.to_string()])
                .0
                .output()
                .unwrap();
            judge("usage-sample", out, &[0]);
        });
        s.spawn(|| {
            let mut n = 0;
            while Instant::now() < deadline {
                // Each file its own location, so every row is new and can be counted.
                let path = sb.path(&format!("day{n}.csv"));
                let mut csv = String::from("date,location,usage_gb\n");
                let first = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
                for d in 0..100 {
                    csv.push_str(&format!(
                        "{},site{n},{d}\n",
                        first + chrono::Duration::days(d)
                    ));
                }
                std::fs::write(&path, csv).unwrap();
                let out = sb.cmd("usage-import").arg(&path).0.output().unwrap();
                if out.status.success() {
                    *imported.lock().unwrap() += 100;
                }
                judge("usage-import", out, &[0]);
                n += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        s.spawn(|| {
            while Instant::now() < deadline {
                let out = sb.cmd("usage-backup").args(["create"]).0.output().unwrap();
                judge("usage-backup create", out, &[0]);
                let out = sb
                    .cmd("usage-backup")
                    .args(["verify", "--latest", "1"])
                    .0
                    .output()
                    .unwrap();
                judge("usage-backup verify", out, &[0]);
                std::thread::sleep(Duration::from_millis(500));
            }
        });
        s.spawn(|| {
            while Instant::now() < deadline {
                let out = sb.cmd("usage-alert").0.output().unwrap();
                judge("usage-alert", out, &[0, 1]);
                std::thread::sleep(Duration::from_millis(200));
            }
        });
        s.spawn(|| {
            while Instant::now() < deadline {
                for view in ["overview", "daily", "system", "cycles"] {
                    let out = sb
                        .cmd("usage-report")
                        .args([view, "-f", "json"])
                        .0
                        .output()
                        .unwrap();
                    judge("usage-report", out, &[0]);
                }
            }
        });
        s.spawn(|| {
            while Instant::now() < deadline {
                let out = sb
                    .cmd("usage-check")
                    .args(["--quick", "--skip", "backup_age", "--skip", "sample_gaps"])
                    .0
                    .output()
                    .unwrap();
                // The plugin's verdict (OK to CRITICAL) is not a failure; UNKNOWN (3) is.
                judge("usage-check", out, &[0, 1, 2]);
                std::thread::sleep(Duration::from_millis(300));
            }
        });
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let conn = sb.open_db();
    assert_intact(&conn);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM samples") as u64,
        samples_asked,
        "every sample is stored"
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM daily_usage"),
        imported.into_inner().unwrap(),
        "every imported row is stored"
    );
    println!("soak, {seconds} s: {:?}", runs.into_inner().unwrap());
}
