//! The fault suite, one test that prints one summary table:
//! - every tool that writes is killed with SIGKILL at seeded random moments, and after each kill
//!   the record must be whole: the database passes integrity_check, an import landed all or
//!   nothing, no partial backup is listed, and the next run leaves no temporary file;
//! - import, sample and backup meet a full file system: a clear error, nothing half-written;
//! - a machine whose clock jumps ahead and back, whose counters reset and fall back, that reboots
//!   (sometimes with its clock wrong until NTP sets it) and is sampled twice within a second:
//!   no sample is lost or pruned, no rate is absurd, and alerts still fire on new samples;
//! - the parsers (CSV files, dates, amounts, durations, times, rule expressions, the
//!   configuration) are fed seeded mutations of good inputs: no panic, no input takes long, and
//!   memory stays bounded.
//!
//! USAGE_FAULT_KILLS sets the kills per operation (default 30, as CI runs it),
//! USAGE_FAULT_STEPS the machine's steps (200), USAGE_FAULT_INPUTS the inputs per parser (3000),
//! USAGE_FAULT_SEED the seed (1), printed so a failure can be replayed. A longer run:
//! `USAGE_FAULT_KILLS=300 USAGE_FAULT_STEPS=3000 USAGE_FAULT_INPUTS=100000 cargo test --test faults`.
#![allow(clippy::unwrap_used)]

mod util;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use util::{Machine, Sandbox, assert_intact, count};

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

/// One line of the summary: an operation, how often it ran, the faults it met, for kills how many
/// landed while it ran, and how many runs left everything intact.
struct Line {
    operation: String,
    runs: u64,
    faults: u64,
    landed: Option<u64>,
    intact: u64,
}

impl Line {
    fn new(operation: impl Into<String>) -> Line {
        Line {
            operation: operation.into(),
            runs: 0,
            faults: 0,
            landed: None,
            intact: 0,
        }
    }

    /// One run that met one fault and left everything intact.
    fn once(operation: &str) -> Line {
        Line {
            runs: 1,
            faults: 1,
            intact: 1,
            ..Line::new(operation)
        }
    }

    fn kills(operation: &str, kills: u64) -> Line {
        Line {
            runs: kills,
            faults: kills,
            landed: Some(0),
            ..Line::new(operation)
        }
    }

    fn land(&mut self, landed: bool) {
        *self.landed.get_or_insert(0) += u64::from(landed);
    }
}

/// The settings of one run of the suite.
struct Settings {
    seed: u64,
    kills: u64,
    steps: u64,
    inputs: u64,
}

#[test]
fn the_fault_suite() {
    let s = Settings {
        seed: setting("USAGE_FAULT_SEED", 1),
        kills: setting("USAGE_FAULT_KILLS", 30),
        steps: setting("USAGE_FAULT_STEPS", 200),
        inputs: setting("USAGE_FAULT_INPUTS", 3000),
    };
    let mut rng = Rng(s.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut lines = Vec::new();
    // The parsers first: their memory is measured against a process that has done little.
    parsers(&s, &mut rng, &mut lines);
    killed_at_random_moments(&s, &mut rng, &mut lines);
    full_file_system(&mut lines);
    clock_counters_and_reboots(&s, &mut rng, &mut lines);

    println!("fault suite, seed {}", s.seed);
    let row = |a: &str, b: &str, c: &str, d: &str, e: &str| {
        println!("{a:<46} {b:>7} {c:>7} {d:>8} {e:>7}");
    };
    row("operation", "runs", "faults", "mid-run", "intact");
    for l in &lines {
        let landed = l.landed.map_or("-".to_string(), |n| n.to_string());
        row(
            &l.operation,
            &l.runs.to_string(),
            &l.faults.to_string(),
            &landed,
            &l.intact.to_string(),
        );
    }
    for l in &lines {
        assert_eq!(
            l.intact, l.runs,
            "{}: not every run was intact",
            l.operation
        );
        // Some kills must land while the tools work, or they prove nothing.
        assert!(
            l.landed != Some(0) || s.kills < 10,
            "{}: no kill landed mid-run",
            l.operation
        );
    }
}

/// kill -9 at random moments inside import, sample, backup create, restore, prune and
/// `usage-check --vacuum`.
fn killed_at_random_moments(s: &Settings, rng: &mut Rng, lines: &mut Vec<Line>) {
    let (kills, seed) = (s.kills, s.seed);

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
        let mut line = Line::kills("usage-import", kills);
        for _ in 0..kills {
            if sb.db().exists() {
                std::fs::remove_file(sb.db()).unwrap();
                for s in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{s}", sb.db().display()));
                }
            }
            line.land(kill_after(
                &sb,
                "usage-import",
                &["big.csv"],
                rng.below(400),
            ));
            if sb.db().exists() {
                let conn = sb.open_db();
                assert_intact(&conn);
                // Killed before the schema's one transaction committed: a database with no
                // tables at all, which the next run initialises; never half a schema.
                let tables = count(&conn, "SELECT count(*) FROM sqlite_master");
                let rows = if tables == 0 {
                    0
                } else {
                    count(&conn, "SELECT count(*) FROM daily_usage")
                };
                assert!(
                    rows == 0 || rows == 40_000,
                    "seed {seed}: {rows} rows landed"
                );
            }
            line.intact += 1;
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
        let mut line = Line::kills(name, kills);
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
            line.land(kill_after(&sb, tool, &args, rng.below(span)));
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
            line.intact += 1;
        }
        lines.push(line);
    }
    // No partial backup is listed: every one verifies.
    sb.cmd("usage-backup").args(["verify", "--all"]).ok();
    assert!(temp_files(&sb.path("data/usage")).is_empty());
}

/// The run failed saying the space ran out.
fn said_full(out: &util::Run) {
    assert_eq!(out.code(), 1, "{out}");
    let said = out.stderr();
    assert!(said.contains("full") || said.contains("too large"), "{out}");
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

/// Import, sample and backup on a file system that is full.
fn full_file_system(lines: &mut Vec<Line>) {
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
    said_full(&out);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        assert_intact(&conn);
        assert_eq!(count(&conn, "SELECT count(*) FROM daily_usage"), 0);
    }
    lines.push(Line::once("disk full: usage-import"));
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
    let mut line = Line::new("disk full: usage-sample");
    for _ in 0..400 {
        line.runs += 1;
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
    line.faults = failed;
    line.intact = line.runs;
    lines.push(line);

    // A backup larger than the space left: refused with a clear message, nothing listed, no
    // temporary file left, the database untouched.
    let _ = std::fs::remove_file(dir.join("filler"));
    let source = sb.path("big.db");
    let source_arg = source.to_str().unwrap().to_string();
    sb.cmd("usage-import")
        .args(["--db", &source_arg, "locations", "add", "north"])
        .ok();
    // Random amounts: a database that does not compress into the space left.
    rusqlite::Connection::open(&source)
        .unwrap()
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
             INSERT INTO daily_usage (date, location_id, bytes, updated)
             SELECT 19000101 + i, 1, abs(random() % 1000000000000), 0 FROM n;",
        )
        .unwrap();
    let backups = dir.join("backups");
    let backups_arg = backups.to_str().unwrap().to_string();
    let backup = env!("CARGO_BIN_EXE_usage-backup");
    let out = run(&[backup, "--db", &source_arg, "--dir", &backups_arg, "create"]);
    said_full(&out);
    let listed = run(&[
        backup,
        "--db",
        &source_arg,
        "--dir",
        &backups_arg,
        "list",
        "--format",
        "csv",
    ])
    .succeeded();
    assert_eq!(listed.stdout().lines().count(), 1, "{listed}");
    assert!(
        temp_files(&backups).is_empty(),
        "{:?}",
        temp_files(&backups)
    );
    let conn = rusqlite::Connection::open(&source).unwrap();
    assert_intact(&conn);
    assert_eq!(count(&conn, "SELECT count(*) FROM daily_usage"), 200_000);
    lines.push(Line::once("disk full: usage-backup create"));
}

/// A machine sampled every minute whose clock jumps ahead (up to 200 days) and back, whose
/// counters reset or fall back, that reboots (half the time with its clock ahead until NTP sets
/// it a few minutes later) and that is sampled twice within a second; usage-alert runs every
/// tenth step at the machine's clock, as cron would. No sample is lost or pruned, no rate is
/// absurd, and at the end two minutes of a busy CPU still fire high-cpu.
fn clock_counters_and_reboots(s: &Settings, rng: &mut Rng, lines: &mut Vec<Line>) {
    const FAULTS: [&str; 8] = [
        "a minute passes",
        "the clock jumps ahead",
        "the clock jumps back",
        "interface counters reset",
        "CPU counters fall back",
        "reboot",
        "reboot, clock ahead until NTP",
        "again within a second",
    ];
    let sb = Sandbox::new();
    let mut truth: i64 = 1_796_090_400;
    let mut m = Machine::new(&sb, truth);
    let mut kinds: Vec<Line> = FAULTS
        .iter()
        .map(|f| Line::new(format!("usage-sample: {f}")))
        .collect();
    let mut alerts = Line::new("usage-alert at the machine's clock");
    let days = |rng: &mut Rng| (1 + rng.below(200) as i64) * 86_400;
    let mut ntp_in: Option<u64> = None;
    let mut taken = 0;
    let sample = |m: &Machine, taken: &mut i64, what: &str| {
        let run = m.sample(&sb);
        assert_eq!(run.code(), 0, "after '{what}': {run}");
        *taken += 1;
        let conn = sb.open_db();
        assert_intact(&conn);
        assert_eq!(
            count(&conn, "SELECT count(*) FROM samples"),
            *taken,
            "after '{what}': a sample was lost or pruned"
        );
        let absurd = count(
            &conn,
            "SELECT count(*) FROM samples s LEFT JOIN sample_net n ON n.sample_id = s.id
             WHERE s.cpu_busy NOT BETWEEN 0 AND 10000
                OR n.rx_delta NOT BETWEEN 0 AND 10000000 OR n.tx_delta NOT BETWEEN 0 AND 10000000",
        );
        assert_eq!(absurd, 0, "after '{what}': a rate out of range");
    };
    for step in 0..s.steps {
        let kind = match rng.below(100) {
            0..=49 => 0,
            50..=57 => 1,
            58..=65 => 2,
            66..=72 => 3,
            73..=78 => 4,
            79..=84 => 5,
            85..=89 => 6,
            _ => 7,
        };
        match kind {
            5 | 6 => {
                let up = 20 + rng.below(60);
                truth += 90 + up as i64;
                m.reboot(up as f64);
                m.clock = truth;
                ntp_in = None;
                if kind == 6 {
                    m.clock += days(rng);
                    // Set within eight minutes: before the boot's tenth minute.
                    ntp_in = Some(1 + rng.below(7));
                }
            }
            7 => m.uptime += 0.3,
            _ => {
                m.minute(rng.below(50));
                truth += 60;
                match kind {
                    1 => m.clock = truth + days(rng),
                    2 => m.clock = truth - rng.below(2 * 86_400) as i64,
                    3 => m.net = [rng.below(1000), rng.below(1000)],
                    4 => m.cpu = m.cpu.map(|c| c / 2),
                    _ => {}
                }
            }
        }
        if let Some(n) = ntp_in {
            if n == 0 {
                m.clock = truth;
                ntp_in = None;
            } else {
                ntp_in = Some(n - 1);
            }
        }
        sample(&m, &mut taken, FAULTS[kind]);
        let line = &mut kinds[kind];
        line.runs += 1;
        line.faults += u64::from(kind > 0);
        line.intact += 1;
        if step % 10 == 9 {
            let run = sb
                .cmd("usage-alert")
                .env("USAGE_NOW", m.clock.to_string())
                .output();
            assert!(matches!(run.code(), 0 | 1), "{run}");
            assert!(!run.stdout().contains("high-cpu"), "{run}");
            alerts.runs += 1;
            alerts.faults += u64::from(m.clock != truth);
            alerts.intact += 1;
        }
    }
    // The clock is right again and the CPU busy for three minutes: high-cpu fires.
    m.clock = truth;
    for _ in 0..4 {
        m.minute(100);
        sample(&m, &mut taken, "a busy minute");
    }
    let run = sb
        .cmd("usage-alert")
        .env("USAGE_NOW", m.clock.to_string())
        .output();
    assert_eq!(run.code(), 1, "{run}");
    assert!(run.stdout().contains("high-cpu"), "{run}");
    alerts.runs += 1;
    alerts.intact += 1;
    lines.extend(kinds);
    lines.push(alerts);
}

/// A mutation of `seed`: characters changed, cut or doubled, tokens that parsers find hard put
/// in, a part repeated into a long input.
fn mutate(rng: &mut Rng, seed: &str) -> String {
    const TOKENS: &[&str] = &[
        "",
        "-",
        "+",
        ".",
        ",",
        ":",
        "/",
        "e",
        "E",
        "0",
        "9",
        "999999999999999999999999",
        "-9223372036854775808",
        "18446744073709551616",
        "1e308",
        "-0",
        "NaN",
        "inf",
        "0x1f",
        "\u{0}",
        "\u{1b}[2J",
        "\u{feff}",
        "é",
        "𝟙",
        "\"",
        "'",
        "{",
        "}",
        "[",
        "]",
        "=",
        "#",
        "\n",
        "\r",
        "\t",
        " ",
        "for",
        "for ",
        ">",
        ">=",
        "<",
        "%",
        "GB",
        "GiB",
        "TB",
        "ms",
        "s",
        "m",
        "h",
        "d",
        "w",
        "T",
        "Z",
        "+05:30",
        "24:00",
        "2024-02-30",
        "0000-00-00",
        "{mount=\"/\"}",
        "[[alert.rule]]",
        "[sample]",
        "when = ",
        "name = ",
        "\"\"\"",
        ",,,",
    ];
    let mut chars: Vec<char> = seed.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(chars.len() as u64 + 1) as usize;
        let len = (1 + rng.below(8) as usize).min(chars.len() - at);
        match rng.below(6) {
            0 => {
                let token = TOKENS[rng.below(TOKENS.len() as u64) as usize];
                chars.splice(at..at, token.chars());
            }
            1 => {
                chars.drain(at..at + len);
            }
            2 if at < chars.len() => chars[at] = char::from(rng.below(128) as u8),
            3 => {
                let part: Vec<char> = chars[at..at + len].to_vec();
                let times = 2 + rng.below(63) as usize;
                chars.splice(at..at, part.repeat(times));
            }
            4 => chars.truncate(at),
            _ => {
                let times = (2 + rng.below(200) as usize).min(100_000 / chars.len().max(1));
                chars = chars.repeat(times.max(1));
            }
        }
    }
    chars.into_iter().collect()
}

/// The `i`th input of a run: each seed as it is first, then mutations of seeds chosen at random.
fn nth_input(rng: &mut Rng, seeds: &[&str], i: u64) -> String {
    match seeds.get(i as usize) {
        Some(seed) => seed.to_string(),
        None => {
            let seed = seeds[rng.below(seeds.len() as u64) as usize];
            mutate(rng, seed)
        }
    }
}

/// Peak resident memory of this process, in KiB.
fn peak_kib() -> i64 {
    // SAFETY: rusage is plain data that getrusage fills.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss
}

/// Feeds `inputs` mutations of the seeds to `parse`: a panic names the input; the slowest input
/// is shown in the summary and must take under a second.
fn fuzz(
    name: &str,
    seeds: &[&str],
    inputs: u64,
    rng: &mut Rng,
    parse: impl Fn(&str, bool) + std::panic::RefUnwindSafe,
) -> Line {
    let mut slowest = Duration::ZERO;
    for i in 0..inputs {
        let input = nth_input(rng, seeds, i);
        let flag = rng.below(2) == 0;
        let started = std::time::Instant::now();
        if std::panic::catch_unwind(|| parse(&input, flag)).is_err() {
            panic!("{name} panicked on {input:?}");
        }
        slowest = slowest.max(started.elapsed());
        assert!(
            slowest < Duration::from_secs(1),
            "{name} took {slowest:?} on {input:?}"
        );
    }
    Line {
        runs: inputs,
        faults: inputs.saturating_sub(seeds.len() as u64),
        intact: inputs,
        ..Line::new(format!(
            "parse {name} (slowest {:.1} ms)",
            slowest.as_secs_f64() * 1000.0
        ))
    }
}

/// The parsers under mutations of good inputs: no panic, no slow input, bounded memory; CSV
/// files through usage-import itself.
fn parsers(s: &Settings, rng: &mut Rng, lines: &mut Vec<Line>) {
    use usage::import::parse;
    let n = s.inputs;
    let before = peak_kib();
    let config = util::readme_config();
    let now = 1_796_090_400;
    let gb = usage::ledger::GB as u128;
    lines.push(fuzz(
        "dates",
        &[
            "2024-03-13",
            "13/03/2024",
            "13-Mar-2024",
            "13.3.2024",
            "13 March 2024",
            "13-Mar",
        ],
        n,
        rng,
        |t, custom| {
            let _ = parse::date(t, custom.then_some("%d.%m.%Y %H:%M"));
        },
    ));
    lines.push(fuzz(
        "amounts",
        &[
            "9.9", "130", "1,234.5", "1.234,5", "1.2e3", "900 MB", "1.2 TB", "2 GiB", " 12 ",
        ],
        n,
        rng,
        |t, comma| {
            let _ = parse::amount(t, comma, gb);
        },
    ));
    lines.push(fuzz(
        "durations",
        &["5m", "90s", "1h30m", "2d", "1w", "0s", "45"],
        n,
        rng,
        |t, _| {
            let _ = usage::time::parse_duration(t);
        },
    ));
    lines.push(fuzz(
        "times",
        &[
            "now",
            "+2h",
            "2026-12-01",
            "2026-12-01 02:00",
            "2026-12-01T02:00:30+01:00",
        ],
        n,
        rng,
        |t, _| {
            let _ = usage::time::parse_time(t, now);
        },
    ));
    lines.push(fuzz(
        "rule expressions",
        &[
            "cpu_percent > 90 for 5m",
            "disk_used_percent{mount=\"/\"} >= 85 for 5m",
            "net_rx_rate{interface=\"eth0\"} > 10MB",
            "memory_percent > 85",
            "load1 >= 4 for 10m",
            "swap_percent < 1",
        ],
        n,
        rng,
        |t, _| {
            let _ = usage::alert::rule::parse_condition(t);
        },
    ));
    let path = Path::new("config.toml");
    lines.push(fuzz("configuration", &[&config], n / 10, rng, |t, _| {
        let _ = usage::config::parse(path, t);
        let _ = usage::alert::config::load(Some(path), Some(t));
    }));
    let grown = peak_kib() - before;
    assert!(grown < 64 * 1024, "the parsers grew memory by {grown} KiB");

    // CSV files, read by usage-import itself (--dry-run): refused with a message or checked.
    let sb = Sandbox::with_database();
    let seeds = [
        "date,location,usage_gb\n2024-03-13,north,9.9\n2024-03-14,North,1,234.5\n2024-03-15,south,12\n",
        "Date;North;South\n13/03/2024;9,9;1\n14/03/2024;2;3\n",
        "day,site,GB,notes\n13-Mar,north,1.5,\"a, b\"\n14-Mar,north,2,\n",
    ];
    let files = (n / 20).max(10);
    let mut line = Line::new("usage-import: mutated CSV files");
    let mut slowest = Duration::ZERO;
    for i in 0..files {
        let text = nth_input(rng, &seeds, i);
        std::fs::write(sb.path("in.csv"), &text).unwrap();
        let started = std::time::Instant::now();
        let run = sb
            .cmd("usage-import")
            .args(["--dry-run", "in.csv"])
            .output();
        slowest = slowest.max(started.elapsed());
        assert!(matches!(run.code(), 0 | 1), "{text:?}: {run}");
        assert!(run.code() == 0 || !run.stderr().is_empty(), "{run}");
        line.runs += 1;
        line.faults += u64::from(i >= seeds.len() as u64);
        line.intact += 1;
    }
    line.operation = format!("{} (slowest {} ms)", line.operation, slowest.as_millis());
    lines.push(line);
}
