//! usage-sample through the real binary: storing, rates, silence, bad input, concurrency.
#![allow(clippy::unwrap_used)]

mod util;

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::Duration;

use util::{Sandbox, count, fake_root, write};

#[test]
fn first_run_creates_a_private_database_and_the_next_stores_rates() {
    let sb = Sandbox::new();
    let first = sb.cmd("usage-sample").ok();
    assert_eq!(
        first.stdout(),
        "",
        "silent when stdout is not a terminal\n{first}"
    );
    assert_eq!(first.stderr(), "", "{first}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&sb.db()), 0o600);
    assert_eq!(mode(sb.db().parent().unwrap()), 0o700);

    std::thread::sleep(Duration::from_millis(1100));
    sb.cmd("usage-sample").ok();
    let db = sb.open_db();
    let rows: Vec<(Option<i64>, Option<i64>)> = db
        .prepare("SELECT interval_cs, cpu_busy FROM samples ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], (None, None), "the first sample has no baseline");
    let (interval, busy) = rows[1];
    assert!(interval.unwrap() >= 100, "{rows:?}");
    assert!((0..=10_000).contains(&busy.unwrap()), "{rows:?}");
    // Network: the second sample has deltas for every interface it shares with the first.
    let with_delta = count(
        &db,
        "SELECT count(*) FROM sample_net WHERE sample_id = 2 AND rx_delta IS NOT NULL",
    );
    let ifaces = count(&db, "SELECT count(*) FROM sample_net WHERE sample_id = 2");
    assert_eq!(with_delta, ifaces);
    assert!(count(&db, "SELECT count(*) FROM sample_disks WHERE sample_id = 2") >= 1);
    assert!(
        count(
            &db,
            "SELECT count(*) FROM sample_users WHERE sample_id = 2 AND cpu IS NOT NULL"
        ) >= 1
    );
    assert!(count(&db, "SELECT count(*) FROM sample_procs WHERE sample_id = 2") >= 1);
    util::assert_intact(&db);
}

#[test]
fn interval_and_count_take_several_samples_in_one_process() {
    let sb = Sandbox::new();
    let run = sb
        .cmd("usage-sample")
        .args([
            "--interval",
            "0.3",
            "--count",
            "3",
            "--print",
            "--format",
            "json",
        ])
        .ok();
    let lines: Vec<serde_json::Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{run}");
    // The first covers its own interval too, as sar's first report does.
    for later in &lines {
        let busy = later["cpu"]["busy"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&busy));
        let interval = later["interval_s"].as_f64().unwrap();
        assert!((0.2..1.5).contains(&interval), "{interval}");
    }
    assert_eq!(count(&sb.open_db(), "SELECT count(*) FROM samples"), 3);
}

#[test]
fn warm_up_gives_the_first_sample_rates() {
    let sb = Sandbox::new();
    sb.cmd("usage-sample").args(["--warm-up", "0.3"]).ok();
    let busy = count(
        &sb.open_db(),
        "SELECT count(*) FROM samples WHERE cpu_busy IS NOT NULL",
    );
    assert_eq!(busy, 1);
}

#[test]
fn csv_and_table_output() {
    let sb = Sandbox::new();
    let csv = sb
        .cmd("usage-sample")
        .args(["-p", "-f", "csv", "-i", "0.2", "-n", "2"])
        .ok()
        .stdout();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "one header and two rows:\n{csv}");
    assert!(lines[0].starts_with("time,host,interval_s,cpu_busy"));
    let table = sb
        .cmd("usage-sample")
        .args(["--print", "--host", "box1"])
        .ok()
        .stdout();
    assert!(table.starts_with("box1 at "), "{table}");
    assert!(table.contains("  memory   "), "{table}");
}

#[test]
fn no_processes_skips_users_and_top_but_counts_processes() {
    let sb = Sandbox::new();
    sb.cmd("usage-sample").args(["--no-processes"]).ok();
    let db = sb.open_db();
    assert!(count(&db, "SELECT procs FROM samples") > 1);
    assert_eq!(count(&db, "SELECT count(*) FROM sample_users"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM sample_procs"), 0);
}

#[test]
fn negative_or_zero_interval_is_a_usage_error() {
    let sb = Sandbox::new();
    for bad in ["-5", "0", "soon"] {
        let run = sb.cmd("usage-sample").args(["--interval", bad]).fails(2);
        assert!(run.stderr().contains(&format!("'{bad}'")), "{run}");
        assert!(run.stderr().contains("positive number"), "{run}");
    }
    assert!(!sb.db().exists(), "nothing written on a usage error");
}

#[test]
fn unknown_config_key_names_file_line_and_column() {
    let sb = Sandbox::new();
    let cfg = sb.path("config/usage/config.toml");
    write(&cfg, "[sample]\ntop = 3\nretention = 5\n");
    let run = sb.cmd("usage-sample").fails(2);
    let err = run.stderr();
    assert!(
        err.starts_with(&format!(
            "usage-sample: {}:3:1: unknown field `retention`",
            cfg.display()
        )),
        "{run}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {run}");
    assert!(!sb.db().exists());
}

#[test]
fn config_file_sets_host_top_and_excluded_users() {
    let sb = Sandbox::new();
    write(
        &sb.path("cfg.toml"),
        "host = \"lab-1\"\n[sample]\ntop = 1\nexclude_users = [\"nobody-here\"]\n",
    );
    sb.cmd("usage-sample")
        .env("USAGE_CONFIG", sb.path("cfg.toml"))
        .ok();
    let db = sb.open_db();
    let host: String = db
        .query_row("SELECT name FROM hosts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(host, "lab-1");
    assert!(
        count(&db, "SELECT count(*) FROM sample_procs") <= 2,
        "top 1 by CPU and 1 by memory"
    );
}

#[test]
fn help_and_version_never_touch_the_database() {
    let sb = Sandbox::new();
    let db = sb.path("nowhere/usage.db");
    let help = sb
        .cmd("usage-sample")
        .args(["--help"])
        .env("USAGE_DB", &db)
        .ok();
    assert!(help.stdout().contains("--interval"));
    sb.cmd("usage-sample")
        .args(["--version"])
        .env("USAGE_DB", &db)
        .ok();
    assert!(!db.parent().unwrap().exists());
}

#[test]
fn unusable_database_locations_fail_with_one_line_naming_the_path() {
    let sb = Sandbox::new();
    write(&sb.path("file"), "x");
    let run = sb
        .cmd("usage-sample")
        .args(["--db"])
        .args([sb.path("file/usage.db")])
        .fails(1);
    assert!(
        run.stderr()
            .contains(&format!("'{}'", sb.path("file").display())),
        "{run}"
    );
    assert_eq!(run.stderr().lines().count(), 1, "{run}");

    // A read-only directory: root ignores permission bits, a read-only file system it cannot.
    let ro = if unsafe_is_root() {
        std::path::PathBuf::from("/proc/usage.db")
    } else {
        let dir = sb.path("ro");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
        dir.join("usage.db")
    };
    let run = sb.cmd("usage-sample").args(["--db"]).args([&ro]).fails(1);
    assert!(
        run.stderr().contains(&format!("'{}'", ro.display())),
        "{run}"
    );
    assert_eq!(run.stderr().lines().count(), 1, "{run}");
}

fn unsafe_is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

#[test]
fn corrupt_database_is_refused_and_left_untouched() {
    let sb = Sandbox::new();
    sb.cmd("usage-sample").ok();
    // The sampler leaves its commits in the WAL; any other connection's close folds them into
    // the file. Then overwrite the file past its header with garbage.
    let samples: i64 = sb
        .open_db()
        .query_row("SELECT count(*) FROM samples", [], |r| r.get(0))
        .unwrap();
    assert_eq!(samples, 1);
    assert!(!sb.db().with_extension("db-wal").exists());
    let mut bytes = std::fs::read(sb.db()).unwrap();
    let n = bytes.len();
    bytes[100..n].iter_mut().for_each(|b| *b = 0xA5);
    std::fs::write(sb.db(), &bytes).unwrap();
    let run = sb.cmd("usage-sample").fails(1);
    assert!(
        run.stderr().contains(&format!("'{}'", sb.db().display())),
        "{run}"
    );
    assert!(run.stderr().contains("corrupt"), "{run}");
    assert_eq!(
        std::fs::read(sb.db()).unwrap(),
        bytes,
        "nothing half-written"
    );

    let garbage = sb.path("garbage.db");
    std::fs::write(&garbage, vec![7u8; 4096]).unwrap();
    let run = sb
        .cmd("usage-sample")
        .args(["--db"])
        .args([&garbage])
        .fails(1);
    assert!(
        run.stderr().contains("not a SQLite database or is corrupt"),
        "{run}"
    );
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_message() {
    let sb = Sandbox::new();
    sb.cmd("usage-sample").ok();
    sb.open_db()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let run = sb.cmd("usage-sample").fails(1);
    assert!(
        run.stderr().contains("schema version 999, newer than"),
        "{run}"
    );
}

#[test]
fn overlapping_samplers_all_succeed_and_none_is_lost() {
    let sb = Sandbox::new();
    // First on a fresh database (all of them racing to create it), then on the existing one.
    for wave in 1..=2 {
        let children: Vec<_> = (0..8)
            .map(|_| {
                let mut c = sb.cmd("usage-sample").0;
                c.stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            util::assert_clean(&child.wait_with_output().unwrap(), &format!("wave {wave}"));
        }
        let db = sb.open_db();
        assert_eq!(count(&db, "SELECT count(*) FROM samples"), 8 * wave);
        assert_eq!(count(&db, "SELECT count(*) FROM sampler_state"), 1);
    }
}

#[test]
fn the_wal_is_kept_between_runs_and_folded_once_large() {
    let sb = Sandbox::new();
    let wal = sb.db().with_extension("db-wal");
    let wal_size = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    let (mut folds, mut largest, mut before) = (0, 0, 0);
    for run in 0..45 {
        sb.cmd("usage-sample").ok();
        let after = wal_size();
        assert!(
            run > 0 || after > 0,
            "the first run left its commits in the WAL"
        );
        folds += usize::from(after < before);
        largest = largest.max(after);
        before = after;
    }
    assert!(folds >= 1, "never folded; the WAL reached {largest} bytes");
    // Folding happens once a run ends past the limit: never more than a run's pages over it.
    assert!(
        largest < usage::db::WAL_FOLD_BYTES + 128 * 1024,
        "{largest}"
    );
    let db = sb.open_db();
    assert_eq!(count(&db, "SELECT count(*) FROM samples"), 45);
    util::assert_intact(&db);
}

#[test]
fn a_reader_holding_a_snapshot_delays_the_fold_without_failing_the_sampler() {
    let sb = Sandbox::new();
    sb.cmd("usage-sample").ok();
    let reader = sb.open_db();
    reader.execute_batch("BEGIN").unwrap();
    assert_eq!(count(&reader, "SELECT count(*) FROM samples"), 1);
    let wal = sb.db().with_extension("db-wal");
    let wal_size = || std::fs::metadata(&wal).unwrap().len();
    let mut runs = 1;
    while wal_size() <= usage::db::WAL_FOLD_BYTES {
        sb.cmd("usage-sample").ok();
        runs += 1;
        assert!(runs < 200, "the WAL does not grow");
    }
    // Past the limit, but the reader still needs the old pages: the run waits briefly, succeeds
    // and leaves the WAL as it is.
    let held = wal_size();
    let started = std::time::Instant::now();
    sb.cmd("usage-sample").ok();
    runs += 1;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(wal_size() > held);
    assert_eq!(
        count(&reader, "SELECT count(*) FROM samples"),
        1,
        "its snapshot"
    );
    reader.execute_batch("COMMIT").unwrap();
    // The snapshot is released: the next run folds.
    sb.cmd("usage-sample").ok();
    runs += 1;
    assert!(wal_size() < held);
    assert_eq!(count(&reader, "SELECT count(*) FROM samples"), runs);
}

#[test]
fn a_sampler_killed_mid_run_leaves_whole_samples_only() {
    let sb = Sandbox::new();
    for delay in [150, 230, 370] {
        let mut child = sb
            .cmd("usage-sample")
            .args(["--interval", "0.01"])
            .0
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let db = sb.open_db();
    util::assert_intact(&db);
    let samples = count(&db, "SELECT count(*) FROM samples");
    assert!(samples >= 3, "{samples}");
    // Every stored sample is complete: it has its disks and network rows.
    let incomplete = count(
        &db,
        "SELECT count(*) FROM samples s WHERE NOT EXISTS (SELECT 1 FROM sample_disks d WHERE d.sample_id = s.id)",
    );
    assert_eq!(incomplete, 0);
    // And the sampler carries on from there.
    sb.cmd("usage-sample").ok();
}

#[test]
fn closed_stdout_pipe_is_success() {
    let sb = Sandbox::new();
    let mut child = sb
        .cmd("usage-sample")
        .args(["--print", "--interval", "0.05", "--count", "20"])
        .0
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    util::assert_clean(&child.wait_with_output().unwrap(), "closed pipe");
}

#[test]
fn vanished_and_unreadable_processes_are_skipped_and_missing_sensors_are_null() {
    let sb = Sandbox::new();
    let root = fake_root(&sb, false);
    let run = sb
        .cmd("usage-sample")
        .env("USAGE_SYSROOT", &root)
        .args(["-p", "-f", "json"])
        .ok();
    let v: serde_json::Value = serde_json::from_str(run.stdout().trim()).unwrap();
    assert_eq!(v["host"], "fakehost");
    assert!(v["temp_c"].is_null(), "{v}");
    let pids: Vec<u64> = v["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pid"].as_u64().unwrap())
        .collect();
    assert_eq!(pids, vec![1]);
    assert_eq!(v["procs"], 1);
    assert_eq!(v["top"][0]["rss_kib"].as_u64().unwrap() % 250, 0);
    let db = sb.open_db();
    assert_eq!(
        count(&db, "SELECT count(*) FROM samples WHERE temp IS NULL"),
        1
    );
    assert_eq!(count(&db, "SELECT rx_bytes FROM sample_net"), 5000);

    let sb = Sandbox::new();
    let root = fake_root(&sb, true);
    sb.cmd("usage-sample").env("USAGE_SYSROOT", &root).ok();
    assert_eq!(count(&sb.open_db(), "SELECT temp FROM samples"), 482);
}

#[test]
fn counters_going_backwards_start_a_new_baseline_without_absurd_rates() {
    let sb = Sandbox::new();
    let root = fake_root(&sb, false);
    let sample = || sb.cmd("usage-sample").env("USAGE_SYSROOT", &root).ok();
    sample();
    // Counters jump forward, then the interface counter resets and CPU counters fall back.
    write(&root.join("proc/uptime"), "1060.50 900.00\n");
    write(&root.join("proc/stat"), "cpu0 40 0 40 4100 0 0 0 0 0 0\n");
    write(
        &root.join("proc/net/dev"),
        "h1\nh2\n  eth9: 9000 1 0 0 0 0 0 0 7500 1 0 0 0 0 0 0\n",
    );
    sample();
    write(&root.join("proc/uptime"), "1120.50 900.00\n");
    write(&root.join("proc/stat"), "cpu0 5 0 5 50 0 0 0 0 0 0\n");
    write(
        &root.join("proc/net/dev"),
        "h1\nh2\n  eth9: 300 1 0 0 0 0 0 0 7600 1 0 0 0 0 0 0\n",
    );
    sample();
    let db = sb.open_db();
    let rows: Vec<(Option<i64>, Option<i64>, Option<i64>)> = db
        .prepare("SELECT s.cpu_busy, n.rx_delta, n.tx_delta FROM samples s JOIN sample_net n ON n.sample_id = s.id ORDER BY s.id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows[0], (None, None, None));
    // 30 user + 30 system ticks out of 4180 - 120 = 4060 elapsed: 1.48% busy.
    assert_eq!(rows[1], (Some(148), Some(4000), Some(500)));
    // The reset interface counts what it shows since the reset; CPU stays within 0..100%.
    let (busy, rx, tx) = rows[2];
    assert!(busy.is_none_or(|b| (0..=10_000).contains(&b)), "{rows:?}");
    assert_eq!((rx, tx), (Some(300), Some(100)));
}

#[test]
fn counters_past_2_to_the_63_are_never_stored_negative() {
    let sb = Sandbox::new();
    let root = fake_root(&sb, false);
    let sample = || sb.cmd("usage-sample").env("USAGE_SYSROOT", &root).ok();
    let big = 1u64 << 63;
    let dev = |rx: u64, tx: u64| format!("h1\nh2\n  eth9: {rx} 1 0 0 0 0 0 0 {tx} 1 0 0 0 0 0 0\n");
    // From small to past 2^63 in a minute: the delta still fits, and is positive.
    write(&root.join("proc/net/dev"), &dev(5000, 7000));
    sample();
    write(&root.join("proc/uptime"), "1060.50 900.00\n");
    write(&root.join("proc/net/dev"), &dev(big + 10, 7100));
    sample();
    // Past 2^63 both times: the counter is kept at the largest value, the delta is exact.
    write(&root.join("proc/uptime"), "1120.50 900.00\n");
    write(&root.join("proc/net/dev"), &dev(big + 4010, 7200));
    sample();
    let db = sb.open_db();
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = db
        .prepare("SELECT n.rx_bytes, n.rx_delta, n.tx_delta FROM sample_net n ORDER BY n.sample_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows[1],
        (i64::MAX, Some((big + 10 - 5000) as i64), Some(100)),
        "{rows:?}"
    );
    assert_eq!(rows[2], (i64::MAX, Some(4000), Some(100)), "{rows:?}");
    let traffic = sb
        .cmd("usage-report")
        .env("USAGE_SYSROOT", &root)
        .args(["traffic", "--since", "1970-01-01", "-f", "csv"])
        .ok()
        .stdout();
    assert!(!traffic.contains(",-"), "{traffic}");
}

#[test]
fn missing_kernel_files_fail_naming_the_file() {
    let sb = Sandbox::new();
    let root = fake_root(&sb, false);
    std::fs::remove_file(root.join("proc/stat")).unwrap();
    let run = sb.cmd("usage-sample").env("USAGE_SYSROOT", &root).fails(1);
    assert!(
        run.stderr()
            .contains(&format!("'{}'", root.join("proc/stat").display())),
        "{run}"
    );
    assert_eq!(run.stderr().lines().count(), 1);
}

/// A database written by schema version 1 (tests/fixtures/db/v1.sql, a sqlite3 .dump of two
/// samples) is brought up to date and sampled into: every later migration is tested on it.
#[test]
fn a_schema_1_database_is_upgraded_and_sampled_into() {
    let sb = Sandbox::new();
    let dump = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/db/v1.sql"
    ))
    .unwrap();
    std::fs::create_dir_all(sb.db().parent().unwrap()).unwrap();
    let old = rusqlite::Connection::open(sb.db()).unwrap();
    old.execute_batch(&dump).unwrap();
    old.execute_batch("PRAGMA user_version = 1; PRAGMA application_id = 1970495847;")
        .unwrap();
    drop(old);
    sb.cmd("usage-sample").args(["--host", "fixture-host"]).ok();
    let db = sb.open_db();
    assert_eq!(count(&db, "SELECT count(*) FROM samples"), 3);
    assert_eq!(count(&db, "SELECT count(*) FROM hosts"), 1);
    assert_eq!(
        count(&db, "PRAGMA user_version"),
        usage::db::SCHEMA_VERSION as i64
    );
    util::assert_intact(&db);
}

#[test]
fn samples_older_than_the_retention_are_deleted_with_their_rows() {
    let sb = Sandbox::new();
    write(
        &sb.path("config/usage/config.toml"),
        "[sample]\nretention_days = 7\n",
    );
    sb.cmd("usage-sample").ok();
    let db = sb.open_db();
    // Age the first sample to eight days.
    db.execute("UPDATE samples SET ts = ts - 8 * 86400", [])
        .unwrap();
    let children = "SELECT (SELECT count(*) FROM sample_disks) + (SELECT count(*) FROM sample_net) + (SELECT count(*) FROM sample_users) + (SELECT count(*) FROM sample_procs)";
    let before = count(&db, children);
    assert!(before > 0);
    sb.cmd("usage-sample").ok();
    assert_eq!(
        count(&db, "SELECT count(*) FROM samples"),
        1,
        "the old sample is gone"
    );
    assert_eq!(count(&db, "SELECT min(id) FROM samples"), 2);
    assert_eq!(
        count(&db, "SELECT count(*) FROM sample_disks WHERE sample_id = 1"),
        0
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM sample_procs WHERE sample_id = 1"),
        0
    );
    // retention_days = 0 keeps everything.
    write(
        &sb.path("config/usage/config.toml"),
        "[sample]\nretention_days = 0\n",
    );
    db.execute("UPDATE samples SET ts = ts - 400 * 86400", [])
        .unwrap();
    sb.cmd("usage-sample").ok();
    assert_eq!(count(&db, "SELECT count(*) FROM samples"), 2);
}

/// As `sar 1 3`: every sample of a series covers one interval, the first included, even right
/// after another sample (cron's) and on an empty database.
#[test]
fn each_sample_of_a_series_covers_one_interval() {
    for before in [false, true] {
        let sb = Sandbox::new();
        if before {
            sb.cmd("usage-sample").arg("-q").ok();
        }
        sb.cmd("usage-sample")
            .args(["-q", "--interval", "1", "--count", "3", "--no-processes"])
            .ok();
        let db = sb.open_db();
        let intervals: Vec<Option<i64>> = db
            .prepare("SELECT interval_cs FROM samples ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let series = &intervals[usize::from(before)..];
        assert_eq!(series.len(), 3, "{intervals:?}");
        for cs in series {
            assert!(
                cs.is_some_and(|cs| (95..=150).contains(&cs)),
                "{intervals:?}"
            );
        }
    }
}
