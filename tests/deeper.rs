//! Deeper samples: open file handles and pressure stall information against the kernel's own files
//! read at the same moment, a machine without them (an old kernel, PSI switched off), and each
//! interface's errors, drops, state, speed and utilisation from counters the test writes.
#![allow(clippy::unwrap_used)]

mod util;

use util::{Sandbox, count, fake_root};

fn field(text: &str, word: &str) -> f64 {
    text.split_ascii_whitespace()
        .find_map(|w| w.strip_prefix(word))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn open_files_and_pressure_match_the_kernels_files() {
    let sb = Sandbox::new();
    let run = sb.cmd("usage-sample").args(["-p", "-f", "json"]).ok();
    let file_nr = std::fs::read_to_string("/proc/sys/fs/file-nr").unwrap();
    let v: serde_json::Value = serde_json::from_str(run.stdout().trim()).unwrap();
    let nr: Vec<u64> = file_nr
        .split_ascii_whitespace()
        .map(|w| w.parse().unwrap())
        .collect();
    let allocated = v["files"]["allocated"].as_u64().unwrap();
    assert_eq!(v["files"]["max"].as_u64().unwrap(), nr[2]);
    // Handles open and close between the two readings: within a few percent.
    let drift = allocated.abs_diff(nr[0]);
    assert!(drift <= 50 + nr[0] / 20, "{allocated} vs {file_nr}");
    let stored = sb.open_db();
    assert_eq!(
        count(&stored, "SELECT fd_alloc FROM samples") as u64,
        allocated
    );
    let pressure = v["pressure"].as_array().unwrap();
    if !std::path::Path::new("/proc/pressure/cpu").exists() {
        assert!(pressure.is_empty(), "{pressure:?}");
        return;
    }
    assert_eq!(pressure.len(), 3, "{pressure:?}");
    for p in pressure {
        let resource = p["resource"].as_str().unwrap();
        let text = std::fs::read_to_string(format!("/proc/pressure/{resource}")).unwrap();
        let some = text.lines().find(|l| l.starts_with("some")).unwrap();
        // avg60 moves little within a second.
        let ours = p["some_avg60"].as_f64().unwrap();
        assert!(
            (ours - field(some, "avg60=")).abs() < 2.0,
            "{resource}: {ours} vs {some}"
        );
        if let Some(full) = text.lines().find(|l| l.starts_with("full")) {
            let ours = p["full_avg60"].as_f64().unwrap();
            assert!(
                (ours - field(full, "avg60=")).abs() < 2.0,
                "{resource}: {ours} vs {full}"
            );
        }
        let column = format!("psi_{resource}_some60");
        let hundredths = count(&stored, &format!("SELECT {column} FROM samples"));
        assert_eq!(hundredths, (ours * 100.0).round() as i64, "{resource}");
    }
    // Reports and rules read them from the vocabulary.
    let csv = sb
        .cmd("usage-report")
        .args(["system", "--bucket", "all", "-f", "csv"])
        .args([
            "--metric",
            "fd_used_percent",
            "--metric",
            "pressure_cpu_percent",
        ])
        .ok()
        .stdout();
    assert!(csv.contains(",fd_used_percent,%,1,"), "{csv}");
    assert!(csv.contains(",pressure_cpu_percent,%,1,"), "{csv}");
}

#[test]
fn a_kernel_without_them_stores_nulls_and_says_not_available() {
    let sb = Sandbox::new();
    let root = fake_root(&sb, false);
    let sample = |format: &str| {
        sb.cmd("usage-sample")
            .args(["-p", "-f", format, "--no-processes"])
            .env("USAGE_SYSROOT", &root)
            .ok()
            .stdout()
    };
    let v: serde_json::Value = serde_json::from_str(sample("json").trim()).unwrap();
    assert!(v["files"].is_null(), "{v}");
    assert_eq!(v["pressure"], serde_json::json!([]));
    assert!(sample("table").contains("  files    not available  pressure (60 s) not available"),);
    let db = sb.open_db();
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM samples WHERE fd_alloc IS NULL AND psi_cpu_some60 IS NULL AND psi_io_full10 IS NULL"
        ),
        2
    );
    // A malformed file is no figure, and no failed sample.
    util::write(&root.join("proc/sys/fs/file-nr"), "lots\n");
    util::write(&root.join("proc/pressure/io"), "some avg10=x\n");
    let v: serde_json::Value = serde_json::from_str(sample("json").trim()).unwrap();
    assert!(
        v["files"].is_null() && v["pressure"] == serde_json::json!([]),
        "{v}"
    );
}

/// Errors and drops per second, the link's state and speed and its utilisation, from counters
/// and /sys files the test writes.
#[test]
fn interface_health_is_measured_against_the_baseline_and_the_link() {
    let sb = Sandbox::new();
    let root = fake_root(&sb, false);
    let dev = |rx: u64, errs: u64, drops: u64| {
        util::write(
            &root.join("proc/net/dev"),
            &format!("h1\nh2\n  eth9: {rx} 1 {errs} {drops} 0 0 0 0 7000 1 {errs} 0 0 0 0 0\n"),
        );
    };
    util::write(&root.join("sys/class/net/eth9/operstate"), "up\n");
    util::write(&root.join("sys/class/net/eth9/speed"), "100\n");
    let sample = |now: i64, uptime: &str| {
        util::write(&root.join("proc/uptime"), uptime);
        sb.cmd("usage-sample")
            .args(["-q", "--no-processes"])
            .env("USAGE_SYSROOT", &root)
            .env("USAGE_NOW", now.to_string())
            .ok();
    };
    dev(5_000, 10, 20);
    sample(1_800_000_000, "1000.00 0\n");
    // A minute on: 750,000 bytes in (100 kb/s of the 100 Mb/s link: 0.1 %), 60 errors each way,
    // 120 drops.
    dev(755_000, 70, 140);
    sample(1_800_000_060, "1060.00 0\n");
    let csv = sb
        .cmd("usage-report")
        .args([
            "system",
            "--bucket",
            "all",
            "-f",
            "csv",
            "--since",
            "2027-01-01",
        ])
        .args(["--metric", "net_errors_rate", "--metric", "net_drops_rate"])
        .args(["--metric", "interface_up", "--metric", "net_util_percent"])
        .env("USAGE_NOW", "1800000100")
        .ok()
        .stdout();
    for want in [
        r#""net_errors_rate{interface=""eth9""}",/s,1,2.00,2.00,2.00"#,
        r#""net_drops_rate{interface=""eth9""}",/s,1,2.00,2.00,2.00"#,
        // Both samples say up; only the second has rates.
        r#""interface_up{interface=""eth9""}",1/0,2,1,1,1"#,
        r#""net_util_percent{interface=""eth9""}",%,1,0.10,0.10,0.10"#,
    ] {
        assert!(csv.contains(want), "{want}\n{csv}");
    }
}
