//! usage-sample's CPU arithmetic checked against sysstat itself.
//!
//! 1. From the same raw counters: sadc records them, `sadf -r` prints them raw, our code derives
//!    the percentages and they must match sar's to 0.01 points.
//! 2. Live: sadc and usage-sample measure the same seconds of steady load and must agree within
//!    a few points.
//!
//! sysstat is installed by .ci/run; without it these tests fail under CI and skip elsewhere.
#![allow(clippy::unwrap_used)]

mod util;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use usage::collect::cpu::{CpuTimes, usage as cpu_usage};

const SADC: &str = "/usr/lib/sysstat/sadc";

fn sysstat_present() -> bool {
    if Path::new(SADC).exists() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "sysstat is missing: .ci/run must install it"
    );
    eprintln!("skipping: sysstat is not installed");
    false
}

/// Keeps one CPU busy until dropped, so the figures compared are not all zero.
struct Load(Arc<AtomicBool>, Option<std::thread::JoinHandle<()>>);

impl Load {
    fn start() -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut x: u64 = 1;
            while !flag.load(Ordering::Relaxed) {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
        });
        Load(stop, Some(handle))
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
        if let Some(h) = self.1.take() {
            h.join().unwrap();
        }
    }
}

/// `sadf FLAG FILE -- SAR_ARGS`: sadf prints what sar would, in a machine-readable layout.
fn sadf(flag: &str, file: &Path, sar_args: &[&str]) -> String {
    let out = Command::new("sadf")
        .arg(flag)
        .arg(file)
        .arg("--")
        .args(sar_args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// sar's machine-wide percentages (user, nice, system, iowait, steal, idle) per record.
fn sar_all_rows(file: &Path) -> Vec<[f64; 6]> {
    sadf("-d", file, &["-u", "-P", "ALL"])
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(';').collect::<Vec<_>>())
        .filter(|f| f[3] == "-1")
        .map(|f| std::array::from_fn(|i| f[4 + i].parse().unwrap()))
        .collect()
}

/// The raw per-CPU counters of each record as (previous, current) pairs.
fn raw_pairs(file: &Path) -> Vec<(Vec<CpuTimes>, Vec<CpuTimes>)> {
    let mut records: Vec<(String, Vec<CpuTimes>, Vec<CpuTimes>)> = Vec::new();
    for line in sadf("-r", file, &["-u", "ALL", "-P", "ALL"]).lines() {
        let f: Vec<&str> = line.split(';').map(str::trim).collect();
        if f.len() < 4 || f[1] != "CPU" || f[2] == "-1" {
            continue;
        }
        // "%usr; prev; curr; %nice; prev; curr; ..." in sar -u ALL order.
        let mut prev = [0u64; 10];
        let mut curr = [0u64; 10];
        for chunk in f[3..].chunks(3).filter(|c| c.len() == 3) {
            let slot = match chunk[0] {
                "%usr" => 0,
                "%nice" => 1,
                "%sys" => 2,
                "%idle" => 3,
                "%iowait" => 4,
                "%irq" => 5,
                "%soft" => 6,
                "%steal" => 7,
                "%guest" => 8,
                "%gnice" => 9,
                other => panic!("unexpected field {other} in {line}"),
            };
            prev[slot] = chunk[1].parse().unwrap();
            curr[slot] = chunk[2].parse().unwrap();
        }
        let id: u32 = f[2].parse().unwrap();
        if records.last().is_none_or(|r| r.0 != f[0]) {
            records.push((f[0].to_string(), Vec::new(), Vec::new()));
        }
        let rec = records.last_mut().unwrap();
        rec.1.push(CpuTimes::from_fields(id, prev));
        rec.2.push(CpuTimes::from_fields(id, curr));
    }
    records.into_iter().map(|(_, p, c)| (p, c)).collect()
}

#[test]
fn cpu_percentages_match_sar_from_the_same_raw_counters() {
    if !sysstat_present() {
        return;
    }
    let sb = util::Sandbox::new();
    let file = sb.path("sa");
    {
        let _load = Load::start();
        let st = Command::new(SADC)
            .args(["1", "4"])
            .arg(&file)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let pairs = raw_pairs(&file);
    let sar = sar_all_rows(&file);
    assert_eq!(pairs.len(), sar.len(), "one raw record per sar row");
    assert!(pairs.len() >= 3);
    let mut busy_seen = false;
    for ((prev, curr), expected) in pairs.iter().zip(&sar) {
        let u = cpu_usage(prev, curr).unwrap();
        let ours = [u.user, u.nice, u.system, u.iowait, u.steal, u.idle];
        for (name, (o, e)) in ["user", "nice", "system", "iowait", "steal", "idle"]
            .iter()
            .zip(ours.iter().zip(expected))
        {
            assert!((o - e).abs() <= 0.01, "%{name}: ours {o:.4}, sar {e:.2}");
        }
        busy_seen |= u.busy() > 10.0;
    }
    assert!(
        busy_seen,
        "the load thread should show in the figures: {sar:?}"
    );
}

#[test]
fn live_sample_agrees_with_sadc_over_the_same_seconds() {
    if !sysstat_present() {
        return;
    }
    let sb = util::Sandbox::new();
    let file = sb.path("sa");
    let _load = Load::start();
    std::thread::sleep(Duration::from_millis(300)); // let the load settle
    let sadc = Command::new(SADC)
        .args(["2", "2"])
        .arg(&file)
        .spawn()
        .unwrap();
    let ours = sb
        .cmd("usage-sample")
        // One sample over the same two seconds as sadc's two records, as `sar 2 1` reports.
        .args(["--interval", "2", "--count", "1", "--no-processes"])
        .ok();
    assert!(sadc.wait_with_output().unwrap().status.success());
    let sar = sar_all_rows(&file);
    let sar_busy = sar[0][0] + sar[0][1] + sar[0][2];
    let busy: i64 = sb
        .open_db()
        .query_row("SELECT cpu_busy FROM samples WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let busy = busy as f64 / 100.0;
    assert!(
        (busy - sar_busy).abs() <= 5.0,
        "usage-sample {busy:.2}% busy, sar {sar_busy:.2}%\n{ours}"
    );
    assert!(busy > 10.0, "the load should show: {busy}");
}

/// Interface errors and drops per second (`sar -n EDEV`) over the same two seconds.
#[test]
fn interface_errors_and_drops_agree_with_sar_edev() {
    if !sysstat_present() {
        return;
    }
    let sb = util::Sandbox::new();
    let file = sb.path("sa");
    let sadc = Command::new(SADC)
        .args(["-S", "XALL", "2", "2"])
        .arg(&file)
        .spawn()
        .unwrap();
    sb.cmd("usage-sample")
        .args(["--interval", "2", "--count", "1", "--no-processes"])
        .ok();
    assert!(sadc.wait_with_output().unwrap().status.success());
    // hostname;interval;timestamp;IFACE;rxerr/s;txerr/s;coll/s;rxdrop/s;txdrop/s;...
    let edev = sadf("-d", &file, &["-n", "EDEV"]);
    let theirs: Vec<(String, f64, f64)> = edev
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            let n = |i: usize| f[i].parse::<f64>().unwrap();
            (f[3].to_string(), n(4) + n(5), n(7) + n(8))
        })
        .collect();
    let db = sb.open_db();
    let mut stmt = db
        .prepare(
            "SELECT i.name, (n.rx_errs + n.tx_errs) * 100.0 / s.interval_cs,
                    (n.rx_drop + n.tx_drop) * 100.0 / s.interval_cs
             FROM sample_net n JOIN interfaces i ON i.id = n.iface_id JOIN samples s ON s.id = n.sample_id",
        )
        .unwrap();
    let ours: Vec<(String, f64, f64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!ours.is_empty());
    for (name, errors, drops) in &ours {
        let (_, e, d) = theirs
            .iter()
            .find(|(n, ..)| n == name)
            .unwrap_or_else(|| panic!("sar has no {name}: {edev}"));
        assert!(
            (errors - e).abs() <= 0.5 + e * 0.05,
            "{name} errors: {errors} vs {e}"
        );
        assert!(
            (drops - d).abs() <= 0.5 + d * 0.05,
            "{name} drops: {drops} vs {d}"
        );
    }
}
