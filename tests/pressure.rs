//! Open file handles and pressure stall information, against the kernel's own files read at the
//! same moment; and a machine without them (an old kernel, PSI switched off).
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
