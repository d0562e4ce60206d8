//! usage-backup and usage-check through the real binaries: round trips compared with the sqlite3
//! shell's .dump, and every fault of the issue made on purpose.
#![allow(clippy::unwrap_used)]

mod util;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use util::{Sandbox, count};

/// 2024-05-20 12:00 UTC.
const NOW: i64 = 1_716_206_400;

/// A database with the schema from usage-sample and `n` minute samples ending at NOW, each with
/// disks, interfaces, users and processes.
fn fixture(sb: &Sandbox, n: i64) -> PathBuf {
    sb.cmd("usage-sample").ok();
    let conn = sb.open_db();
    conn.execute_batch(&format!(
        "BEGIN;
         DELETE FROM samples;
         INSERT OR IGNORE INTO hosts(id, name) VALUES (100, 'fixture');
         INSERT INTO mounts(id, host_id, path, device, fstype) VALUES (100, 100, '/', 'sda1', 'ext4');
         INSERT INTO users(id, host_id, uid, name) VALUES (100, 100, 1000, 'alice');
         INSERT INTO commands(id, name) VALUES (100, 'worker');
         WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < {n} - 1)
         INSERT INTO samples(id, host_id, ts, interval_cs, ncpu, cpu_busy, cpu_user, cpu_nice,
           cpu_system, cpu_iowait, cpu_steal, mem_total, mem_used, mem_avail, swap_total, swap_used,
           load1, load5, load15, uptime, procs, temp)
         SELECT 1000 + i, 100, {NOW} - ({n} - i) * 60, 6000, 2, abs(random() % 10000), 1, 0, 1, 0, 0,
           8000000, 4000000 + i, 4000000 - i, 0, 0, 10, 20, 30, i * 60, 100, NULL FROM c;
         INSERT INTO sample_disks SELECT id, 100, 1000000, 500000 + id, 500000 FROM samples WHERE host_id = 100;
         INSERT INTO sample_users SELECT id, 100, abs(random() % 100), 1000, 3 FROM samples WHERE host_id = 100;
         INSERT INTO sample_procs SELECT id, 4242, 100, 100, abs(random() % 100), abs(random() % 100000), 1, 'S', {NOW}
           FROM samples WHERE host_id = 100;
         COMMIT;"
    ))
    .unwrap();
    sb.db()
}

/// The sqlite3 shell's dump of a database.
fn dump(db: &Path) -> String {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(".dump")
        .output()
        .expect("the sqlite3 shell (apt-get install sqlite3)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|r| {
            r.map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().ends_with(".db.gz"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Everything in a directory, hidden temporary files included.
fn all_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn backup_dir(sb: &Sandbox) -> PathBuf {
    sb.path("data/usage/backups")
}

#[test]
fn a_restore_round_trip_reproduces_every_row() {
    let sb = Sandbox::new();
    let db = fixture(&sb, 3000);
    let before = dump(&db);
    sb.cmd("usage-backup").args(["create"]).ok();
    let dir = backup_dir(&sb);
    let made = backups(&dir);
    assert_eq!(made.len(), 1);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&made[0]), 0o600);
    let meta: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(format!("{}.json", made[0].display())).unwrap())
            .unwrap();
    assert_eq!(meta["tables"]["samples"], 3000);
    assert_eq!(meta["schema_version"], usage::db::SCHEMA_VERSION);
    // Any gzip reader sees one stream holding the database.
    let gunzip = Command::new("gzip")
        .args(["-dc"])
        .arg(&made[0])
        .output()
        .unwrap();
    assert!(gunzip.status.success());
    assert_eq!(&gunzip.stdout[..16], b"SQLite format 3\0");

    // Damage the live data, then restore.
    let conn = sb.open_db();
    conn.execute_batch("DELETE FROM sample_procs; DELETE FROM samples WHERE id % 2 = 0; INSERT INTO hosts(name) VALUES ('intruder');").unwrap();
    drop(conn);
    assert_ne!(dump(&db), before);
    let name = made[0].file_name().unwrap().to_str().unwrap().to_string();
    let refused = sb.cmd("usage-backup").args(["restore", &name]).fails(2);
    assert!(refused.stderr().contains("--confirm"), "{refused}");
    sb.cmd("usage-backup")
        .args(["restore", &name, "--confirm"])
        .ok();
    assert_eq!(dump(&db), before);
    // The database as it was is kept as a named backup, which prune never removes.
    let list = sb
        .cmd("usage-backup")
        .args(["list", "--format", "json"])
        .ok()
        .stdout();
    assert!(list.contains("\"name\":\"pre-restore\""), "{list}");
    assert!(list.contains("\"verified\":\"ok\""), "{list}");
    sb.cmd("usage-check")
        .args(["--skip", "sample_age", "--skip", "sample_gaps"])
        .env("USAGE_NOW", NOW.to_string())
        .ok();
}

#[test]
fn verify_names_the_stage_that_failed_in_its_exit_status() {
    let sb = Sandbox::new();
    fixture(&sb, 500);
    sb.cmd("usage-backup").args(["create"]).ok();
    let dir = backup_dir(&sb);
    let good = backups(&dir).remove(0);
    let bytes = fs::read(&good).unwrap();
    let meta_of = |p: &Path| PathBuf::from(format!("{}.json", p.display()));
    let copy = |to: &str, data: &[u8], meta: bool| {
        let p = dir.join(to);
        fs::write(&p, data).unwrap();
        if meta {
            fs::copy(meta_of(&good), meta_of(&p)).unwrap();
        }
        p
    };
    let verify = |p: &Path, code: i32, says: &str| {
        let run = sb.cmd("usage-backup").args(["verify"]).arg(p).fails(code);
        assert!(run.stderr().contains(says), "{run}");
    };
    sb.cmd("usage-backup").args(["verify", "--all"]).ok();

    let truncated = copy("truncated.db.gz", &bytes[..bytes.len() / 2], true);
    verify(&truncated, 4, "truncated");
    let mut flipped_bytes = bytes.clone();
    let mid = bytes.len() / 2;
    flipped_bytes[mid] ^= 0x01;
    let flipped = copy("flipped.db.gz", &flipped_bytes, true);
    verify(&flipped, 4, "SHA-256");
    let orphan = copy("orphan.db.gz", &bytes, false);
    verify(&orphan, 3, "metadata file");

    // A gzip of the wrong file: with its own checksum recorded, the database stage catches it.
    let wrong = Command::new("gzip")
        .arg("-c")
        .arg("/etc/passwd")
        .output()
        .unwrap()
        .stdout;
    let wrong_path = copy("wrong.db.gz", &wrong, true);
    verify(&wrong_path, 4, "SHA-256");
    let mut meta: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(meta_of(&wrong_path)).unwrap()).unwrap();
    let sha = Command::new("sha256sum")
        .arg(&wrong_path)
        .output()
        .unwrap()
        .stdout;
    meta["sha256"] = String::from_utf8_lossy(&sha[..64]).into_owned().into();
    fs::write(meta_of(&wrong_path), meta.to_string()).unwrap();
    verify(&wrong_path, 6, "readable SQLite database");

    // Row counts that differ from those recorded.
    let rows = copy("rows.db.gz", &bytes, true);
    let mut meta: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(meta_of(&rows)).unwrap()).unwrap();
    meta["tables"]["samples"] = 499.into();
    fs::write(meta_of(&rows), meta.to_string()).unwrap();
    verify(&rows, 8, "samples has 500 rows, 499 recorded");

    // A restore refuses each of them and leaves the database alone.
    let before = dump(&sb.db());
    for bad in [&truncated, &flipped, &orphan] {
        let run = sb
            .cmd("usage-backup")
            .args(["restore", "--confirm"])
            .arg(bad)
            .output();
        assert_ne!(run.out.status.code(), Some(0), "{run}");
        assert!(
            run.stderr().contains("not restoring") || run.stderr().contains("failed verification"),
            "{run}"
        );
    }
    assert_eq!(dump(&sb.db()), before);
    // A backup from elsewhere needs --allow-outside.
    let outside = sb.path("elsewhere.db.gz");
    fs::copy(&good, &outside).unwrap();
    fs::copy(meta_of(&good), meta_of(&outside)).unwrap();
    let run = sb
        .cmd("usage-backup")
        .args(["restore", "--confirm"])
        .arg(&outside)
        .fails(2);
    assert!(run.stderr().contains("--allow-outside"), "{run}");
    sb.cmd("usage-backup")
        .args(["restore", "--confirm", "--allow-outside"])
        .arg(&outside)
        .ok();
}

#[test]
fn a_corrupted_database_is_critical_and_the_newest_good_backup_brings_every_row_back() {
    let sb = Sandbox::new();
    let db = fixture(&sb, 4000);
    sb.cmd("usage-backup").args(["create"]).ok();
    let good = dump(&db);
    let conn = sb.open_db();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    // A leaf page of sample_procs, overwritten in the middle.
    let page: i64 = conn
        .query_row("SELECT pageno FROM dbstat WHERE name = 'sample_procs' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 5", [], |r| r.get(0))
        .unwrap();
    let size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    let mut data = fs::read(&db).unwrap();
    let at = ((page - 1) * size + 200) as usize;
    data[at..at + 600].fill(0xA5);
    fs::write(&db, data).unwrap();

    let run = sb
        .cmd("usage-check")
        .env("USAGE_NOW", NOW.to_string())
        .fails(2);
    let out = run.stdout();
    assert!(out.starts_with("USAGE CRITICAL - "), "{run}");
    assert!(out.contains("CRITICAL integrity: integrity_check"), "{run}");

    let newest = backups(&backup_dir(&sb)).pop().unwrap();
    sb.cmd("usage-backup")
        .args(["restore", "--confirm"])
        .arg(&newest)
        .ok();
    assert_eq!(dump(&db), good);
    sb.cmd("usage-check")
        .args(["--skip", "sample_gaps"])
        .env("USAGE_NOW", NOW.to_string())
        .ok();
    // The damaged database was kept as pre-restore, and it does not verify.
    let pre = backups(&backup_dir(&sb))
        .into_iter()
        .find(|p| p.to_string_lossy().contains("pre-restore"))
        .unwrap();
    sb.cmd("usage-backup").args(["verify"]).arg(&pre).fails(7);
}

#[test]
fn a_restore_killed_midway_leaves_the_old_database_intact() {
    let sb = Sandbox::new();
    let db = fixture(&sb, 60_000);
    sb.cmd("usage-backup").args(["create"]).ok();
    let newest = backups(&backup_dir(&sb)).pop().unwrap();
    let conn = sb.open_db();
    conn.execute_batch(
        "DELETE FROM sample_procs WHERE sample_id % 3 = 0; PRAGMA wal_checkpoint(TRUNCATE);",
    )
    .unwrap();
    drop(conn);
    let before = dump(&db);
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let mut child = sb
        .cmd("usage-backup")
        .args(["restore", "--confirm"])
        .arg(&newest)
        .0
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it is writing restored pages into the database's WAL.
    let deadline = Instant::now() + Duration::from_secs(60);
    while fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) < 256 * 1024 {
        assert!(
            Instant::now() < deadline,
            "the restore never started writing"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the restore finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(dump(&db), before);
    sb.cmd("usage-check")
        .args(["--skip", "sample_gaps", "--skip", "backup_age"])
        .env("USAGE_NOW", NOW.to_string())
        .ok();
}

#[test]
fn a_directory_that_is_a_file_and_a_full_file_system_fail_cleanly() {
    let sb = Sandbox::new();
    fixture(&sb, 3000);
    let not_dir = sb.path("file");
    fs::write(&not_dir, "x").unwrap();
    let run = sb
        .cmd("usage-backup")
        .args(["create", "--dir"])
        .arg(&not_dir)
        .fails(1);
    assert!(run.stderr().contains("is not a directory"), "{run}");

    // A full file system: a small tmpfs where this test may mount one, else a file-size limit.
    let dir = sb.path("small");
    fs::create_dir(&dir).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(&dir)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let exe = env!("CARGO_BIN_EXE_usage-backup");
    let limit = if mounted { "" } else { "ulimit -f 256;" };
    let run = sb
        .raw("sh")
        .arg("-c")
        .arg(format!("{limit} exec \"$0\" create --dir \"$1\""))
        .arg(exe)
        .arg(&dir)
        .fails(1);
    assert!(run.stderr().contains("cannot"), "{run}");
    let left = all_files(&dir);
    if mounted {
        Command::new("umount").arg(&dir).status().unwrap();
    }
    assert!(left.is_empty(), "left behind: {left:?}\n{run}");
}

#[test]
fn backups_are_consistent_while_the_sampler_and_a_long_writer_work() {
    let sb = Sandbox::new();
    fixture(&sb, 2000);
    let sampler = sb
        .cmd("usage-sample")
        .args(["--interval", "1", "--count", "4"])
        .0
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut sampler = sampler;
    for _ in 0..3 {
        sb.cmd("usage-backup").args(["create"]).ok();
        std::thread::sleep(Duration::from_millis(1100));
    }
    assert!(sampler.wait().unwrap().success());
    sb.cmd("usage-backup").args(["verify", "--all"]).ok();

    // A writer holding the write lock for two seconds: backups and checks read past it, and
    // vacuum waits for it.
    let db = sb.db();
    let writer = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE; INSERT INTO hosts(name) VALUES ('uncommitted');")
            .unwrap();
        std::thread::sleep(Duration::from_secs(2));
        conn.execute_batch("COMMIT").unwrap();
    });
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    sb.cmd("usage-backup")
        .args(["create", "--name", "during-write"])
        .ok();
    sb.cmd("usage-check").args(["--skip", "sample_gaps"]).ok();
    assert!(
        t.elapsed() < Duration::from_millis(1700),
        "blocked by the writer: {:?}",
        t.elapsed()
    );
    let run = sb
        .cmd("usage-check")
        .args(["--skip", "sample_gaps", "--vacuum", "-v"])
        .ok();
    assert!(
        t.elapsed() >= Duration::from_millis(1700),
        "vacuum did not wait for the writer"
    );
    assert!(run.stdout().contains("OK vacuum:"), "{run}");
    writer.join().unwrap();
    let named = backups(&backup_dir(&sb))
        .into_iter()
        .find(|p| p.to_string_lossy().contains("during-write"))
        .unwrap();
    let out = Command::new("gzip")
        .arg("-dc")
        .arg(&named)
        .output()
        .unwrap()
        .stdout;
    let copy = sb.path("copy.db");
    fs::write(&copy, out).unwrap();
    let conn = rusqlite::Connection::open(&copy).unwrap();
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM hosts WHERE name = 'uncommitted'"
        ),
        0
    );
}

#[test]
fn prune_keeps_named_recent_and_the_newest_and_mirrors_follow() {
    let sb = Sandbox::new();
    fixture(&sb, 100);
    let mirror = sb.path("nas");
    // One backup a day for 10 days before NOW, the 3rd named.
    for day in (0..10).rev() {
        let at = NOW - day * 86_400;
        let mut args = vec![
            "create".to_string(),
            "--mirror".into(),
            mirror.display().to_string(),
        ];
        if day == 7 {
            args.extend(["--name".into(), "keepme".into()]);
        }
        sb.cmd("usage-backup")
            .args(&args)
            .env("USAGE_NOW", at.to_string())
            .ok();
    }
    assert_eq!(backups(&mirror).len(), 10);
    let dry = sb
        .cmd("usage-backup")
        .args([
            "prune",
            "--dry-run",
            "--retention-days",
            "3",
            "--max-backups",
            "10",
        ])
        .env("USAGE_NOW", NOW.to_string())
        .ok();
    assert_eq!(dry.stdout().matches("would remove").count(), 6, "{dry}");
    assert_eq!(backups(&backup_dir(&sb)).len(), 10);
    sb.cmd("usage-backup")
        .args([
            "prune",
            "--retention-days",
            "3",
            "--max-backups",
            "10",
            "--mirror",
        ])
        .arg(&mirror)
        .env("USAGE_NOW", NOW.to_string())
        .ok();
    let left: Vec<String> = backups(&backup_dir(&sb))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 4, "{left:?}");
    assert!(left.iter().any(|f| f.contains("keepme")));
    assert_eq!(backups(&mirror).len(), 4);
    // Metadata goes with its backup.
    assert_eq!(all_files(&backup_dir(&sb)).len(), 8);
}

#[test]
fn check_speaks_the_monitoring_plugin_protocol() {
    let sb = Sandbox::new();
    // No database: UNKNOWN.
    let run = sb.cmd("usage-check").fails(3);
    assert!(run.stdout().starts_with("USAGE UNKNOWN - "), "{run}");
    sb.cmd("usage-check")
        .args(["--bogus"])
        .arg(Path::new("x"))
        .fails(3);
    sb.cmd("usage-check").args(["--skip", "nonsense"]).fails(3);
    // The same names are checked in the configuration file, with the line and column.
    std::fs::write(
        sb.path("skip.toml"),
        "[check]\nskip = [\"growth\", \"integrty\"]\n",
    )
    .unwrap();
    let run = sb
        .cmd("usage-check")
        .arg("--config")
        .arg(sb.path("skip.toml"))
        .fails(3);
    assert!(
        run.stderr()
            .contains("skip.toml:2:19: unknown variant `integrty`, expected one of"),
        "{run}"
    );

    fixture(&sb, 1500);
    let now = NOW.to_string();
    // No backup yet: CRITICAL, with a line for that check.
    let run = sb.cmd("usage-check").env("USAGE_NOW", &now).fails(2);
    assert!(
        run.stdout().contains("CRITICAL backup_age: no backup"),
        "{run}"
    );
    sb.cmd("usage-backup")
        .args(["create"])
        .env("USAGE_NOW", &now)
        .ok();
    let run = sb
        .cmd("usage-check")
        .args(["--verify-backups"])
        .env("USAGE_NOW", &now)
        .ok();
    let first = run.stdout().lines().next().unwrap().to_string();
    assert!(first.starts_with("USAGE OK - "), "{run}");
    assert!(first.contains(" | sample_age=60s;300;900 "), "{run}");
    // The sampler stopped 10 minutes ago: WARNING; an hour ago: CRITICAL.
    let run = sb
        .cmd("usage-check")
        .env("USAGE_NOW", (NOW + 540).to_string())
        .fails(1);
    assert!(run.stdout().contains("WARNING sample_age"), "{run}");
    let run = sb
        .cmd("usage-check")
        .args(["--format", "json"])
        .env("USAGE_NOW", (NOW + 3600).to_string())
        .fails(2);
    let doc: serde_json::Value = serde_json::from_str(run.stdout().trim()).unwrap();
    assert_eq!(doc["status"], "CRITICAL");
    assert_eq!(doc["exit"], 2);
    // A gap in sampling over the last day.
    sb.open_db()
        .execute(
            "DELETE FROM samples WHERE ts BETWEEN ?1 AND ?2",
            (NOW - 7200, NOW - 3600),
        )
        .unwrap();
    let run = sb.cmd("usage-check").env("USAGE_NOW", &now).fails(1);
    assert!(
        run.stdout().contains("WARNING sample_gaps: 1 gaps"),
        "{run}"
    );
}

/// A failed verification fits a table for people (its stages) and stays whole for programs.
#[test]
fn a_failed_verification_is_listed_short_for_people_and_whole_for_programs() {
    let sb = util::Sandbox::new();
    sb.cmd("usage-sample").arg("-q").ok();
    sb.cmd("usage-backup").arg("create").ok();
    let dir = sb.path("data/usage/backups");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "gz"))
        .unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[100..107].copy_from_slice(b"garbage");
    std::fs::write(&file, bytes).unwrap();
    sb.cmd("usage-backup").arg("verify").output();
    let table = sb
        .cmd("usage-backup")
        .args(["list", "--format", "table"])
        .ok()
        .stdout();
    assert!(
        table.contains("FAILED: gzip, checksum (verify says why)"),
        "{table}"
    );
    assert!(table.lines().all(|l| l.chars().count() < 160), "{table}");
    let csv = sb
        .cmd("usage-backup")
        .args(["list", "--format", "csv"])
        .ok()
        .stdout();
    assert!(
        csv.contains("FAILED: gzip: the member at byte 0 does not inflate"),
        "{csv}"
    );
}
