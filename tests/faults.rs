//! The fault suite: every tool that writes is killed with SIGKILL at seeded random moments, and
//! after each kill the record must be whole: the database passes integrity_check, an import
//! landed all or nothing, no partial backup is listed, and the next run leaves no temporary
//! file. It prints one summary table.
//!
//! USAGE_FAULT_KILLS sets the kills per operation (default 30, as CI runs it); USAGE_FAULT_SEED
//! the seed (default 1), printed so a failure can be replayed.
#![allow(clippy::unwrap_used)]

mod util;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use util::{Sandbox, assert_intact, count};

/// A small deterministic generator (xorshift): the same seed kills at the same moments.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Starts `args` of `tool`, kills it after `ms` milliseconds (if it still runs); true when the
/// kill landed while it ran.
fn kill_after(sb: &Sandbox, tool: &str, args: &[&str], ms: u64) -> bool {
    let mut child = sb
        .cmd(tool)
        .args(args)
        .0
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(ms));
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    child.wait().unwrap();
    running
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|read| {
            read.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".usage-"))
                .collect()
        })
        .unwrap_or_default()
}

/// One line of the summary: operation, kills, kills that landed mid-run, checks passed.
struct Line {
    operation: &'static str,
    kills: u64,
    landed: u64,
    checks: u64,
}

#[test]
fn killed_at_random_moments_the_record_stays_whole() {
    let kills = setting("USAGE_FAULT_KILLS", 30);
    let seed = setting("USAGE_FAULT_SEED", 1);
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut lines = Vec::new();

    // import: a 40,000-row file lands whole or not at all.
    {
        let sb = Sandbox::new();
        let mut csv = String::from("date,location,usage_gb\n");
        let day = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        for i in 0..40_000 {
            let date = day + chrono::Duration::days(i / 20);
            csv.push_str(&format!("{date},site{},{}\n", i % 20, i % 97));
        }
        std::fs::write(sb.path("big.csv"), csv).unwrap();
        let mut line = Line {
            operation: "usage-import",
            kills,
            landed: 0,
            checks: 0,
        };
        for _ in 0..kills {
            if sb.db().exists() {
                std::fs::remove_file(sb.db()).unwrap();
                for s in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{s}", sb.db().display()));
                }
            }
            line.landed += u64::from(kill_after(
                &sb,
                "usage-import",
                &["big.csv"],
                rng.below(400),
            ));
            if sb.db().exists() {
                let conn = sb.open_db();
                assert_intact(&conn);
                let rows = count(&conn, "SELECT count(*) FROM daily_usage");
                assert!(
                    rows == 0 || rows == 40_000,
                    "seed {seed}: {rows} rows landed"
                );
            }
            line.checks += 1;
        }
        lines.push(line);
    }

    // The database the other operations work on: a year of daily usage and some samples.
    let sb = Sandbox::with_database();
    sb.open_db()
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
             INSERT INTO daily_usage (date, location_id, bytes, updated)
             SELECT 19000101 + i, 1, i * 7919 % 1000003, 0 FROM n;",
        )
        .unwrap();
    let ledger_rows = 200_000;
    let backups = sb.path("data/usage/backups");
    let whole = |sb: &Sandbox| {
        let conn = sb.open_db();
        assert_intact(&conn);
        assert_eq!(
            count(&conn, "SELECT count(*) FROM daily_usage"),
            ledger_rows,
            "seed {seed}"
        );
    };

    // sample, backup create, restore, prune, check --vacuum.
    sb.cmd("usage-backup")
        .args(["create", "--name", "base"])
        .ok();
    let base = std::fs::read_dir(&backups)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with("-base.db.gz"))
        .unwrap();
    let operations: [(&'static str, Vec<&str>, u64); 5] = [
        ("usage-sample", vec!["-q", "--interval", "0.01"], 400),
        ("usage-backup", vec!["create"], 300),
        ("usage-backup", vec!["restore", &base, "--confirm"], 400),
        ("usage-backup", vec!["prune", "--max-backups", "2"], 15),
        ("usage-check", vec!["--vacuum", "-q"], 300),
    ];
    let names = [
        "usage-sample",
        "usage-backup create",
        "usage-backup restore",
        "usage-backup prune",
        "usage-check --vacuum",
    ];
    for ((tool, args, span), name) in operations.into_iter().zip(names) {
        let mut line = Line {
            operation: name,
            kills,
            landed: 0,
            checks: 0,
        };
        for k in 0..kills {
            if name == "usage-backup prune" {
                // Something to prune each time: copies of the base backup, a day apart.
                for d in 0..8 {
                    let stamp = format!("usage-2020{:02}{:02}T000000Z", 1 + k % 12, 1 + d);
                    for suffix in [".db.gz", ".db.gz.json"] {
                        std::fs::copy(
                            backups.join(format!("{}{suffix}", base.trim_end_matches(".db.gz"))),
                            backups.join(format!("{stamp}{suffix}")),
                        )
                        .unwrap();
                    }
                }
            }
            line.landed += u64::from(kill_after(&sb, tool, &args, rng.below(span)));
            whole(&sb);
            // The next run of the tool that was killed reclaims what it left.
            if tool == "usage-backup" {
                sb.cmd("usage-backup").args(["list"]).ok();
                assert!(
                    temp_files(&backups).is_empty(),
                    "{:?}",
                    temp_files(&backups)
                );
            }
            line.checks += 1;
        }
        lines.push(line);
    }
    // No partial backup is listed: every one verifies.
    sb.cmd("usage-backup").args(["verify", "--all"]).ok();
    assert!(temp_files(&sb.path("data/usage")).is_empty());

    println!("fault suite, seed {seed}");
    println!(
        "{:<22} {:>6} {:>8} {:>7}",
        "operation", "kills", "mid-run", "intact"
    );
    for l in &lines {
        println!(
            "{:<22} {:>6} {:>8} {:>7}",
            l.operation, l.kills, l.landed, l.checks
        );
    }
    // Some kills must land while the tools work, or they prove nothing.
    for l in &lines {
        assert!(l.landed > 0, "{}: no kill landed mid-run", l.operation);
    }
}

/// A small file system for the database: a 1 MiB tmpfs where the test may mount one (as root),
/// else a file-size limit on every write (`ulimit -f`).
/// Unmounts the small file system however the test ends.
struct Unmount(std::path::PathBuf, bool);

impl Drop for Unmount {
    fn drop(&mut self) {
        if self.1 {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
}

fn small(sb: &Sandbox) -> (std::path::PathBuf, bool) {
    let dir = sb.path("small");
    std::fs::create_dir(&dir).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&dir)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (dir, mounted)
}

#[test]
fn a_full_file_system_fails_cleanly_and_half_writes_nothing() {
    let sb = Sandbox::new();
    let (dir, mounted) = small(&sb);
    let _unmount = Unmount(dir.clone(), mounted);
    let db = dir.join("usage.db");
    let db_arg = db.to_str().unwrap().to_string();
    // Run a tool with the database on the small file system (or under the size limit).
    let run = |args: &[&str]| {
        let limit = if mounted { "" } else { "ulimit -f 2048;" };
        sb.raw("sh")
            .arg("-c")
            .arg(format!("{limit} exec \"$@\""))
            .arg("sh")
            .args(args)
            .output()
    };
    let import = env!("CARGO_BIN_EXE_usage-import");
    let sample = env!("CARGO_BIN_EXE_usage-sample");
    run(&[import, "--db", &db_arg, "locations", "add", "north"]).succeeded();
    // An import larger than the space: refused whole, with a clear message.
    let mut csv = String::from("date,location,usage_gb\n");
    let day = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    for i in 0..60_000 {
        csv.push_str(&format!(
            "{},site{},{}\n",
            day + chrono::Duration::days(i / 40),
            i % 40,
            i % 997
        ));
    }
    std::fs::write(sb.path("big.csv"), csv).unwrap();
    let big = sb.path("big.csv");
    let out = run(&[import, "--db", &db_arg, big.to_str().unwrap()]);
    assert_eq!(out.code(), 1, "{out}");
    let said = out.stderr();
    assert!(
        said.contains("full") || said.contains("too large") || said.contains("File too large"),
        "{out}"
    );
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        assert_intact(&conn);
        assert_eq!(count(&conn, "SELECT count(*) FROM daily_usage"), 0);
    }
    // Samples until the space runs out: each is stored whole or fails with a message. On the
    // tmpfs, all but 64 KiB is filled first.
    if mounted {
        use std::io::Write;
        std::fs::write(dir.join("reserve"), vec![0u8; 64 * 1024]).unwrap();
        let mut filler = std::fs::File::create(dir.join("filler")).unwrap();
        while filler.write_all(&[0u8; 4096]).is_ok() {}
        let _ = filler.sync_all();
        std::fs::remove_file(dir.join("reserve")).unwrap();
    }
    let mut failed = 0;
    for _ in 0..400 {
        let out = run(&[sample, "--db", &db_arg, "-q"]);
        if out.code() != 0 {
            assert_eq!(out.code(), 1, "{out}");
            failed += 1;
            if failed > 3 {
                break;
            }
        }
    }
    // The space did run out (else this proves nothing about it).
    assert!(failed > 0 || !mounted, "no sample met the full file system");
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert_intact(&conn);
    let incomplete = count(
        &conn,
        "SELECT count(*) FROM samples s WHERE NOT EXISTS (SELECT 1 FROM sample_disks d WHERE d.sample_id = s.id)",
    );
    assert_eq!(incomplete, 0);
}
