//! Trust: nothing lost, nothing silenced, nothing overwritten. Each test pins one way the tools
//! could lose or damage what a user has, found by trying them as a careful sysadmin and a
//! hostile local user would.
#![allow(clippy::unwrap_used)]

mod util;

use util::{Machine, Sandbox, count};

/// The SQLite header's "file format" bytes (18 and 19): 1 for a rollback journal, 2 for WAL.
fn journal_bytes(path: &std::path::Path) -> (u8, u8) {
    let bytes = std::fs::read(path).unwrap();
    (bytes[18], bytes[19])
}

#[test]
fn a_mistyped_database_is_refused_by_every_reader_and_never_created() {
    let sb = Sandbox::new();
    let typo = sb.path("typo.db");
    let db = typo.to_str().unwrap();
    for (tool, args, status) in [
        ("usage-alert", vec![], 3),
        ("usage-alert", vec!["status"], 3),
        ("usage-alert", vec!["rules"], 3),
        ("usage-alert", vec!["history"], 3),
        ("usage-report", vec![], 1),
        ("usage-report", vec!["daily"], 1),
        ("usage-check", vec![], 3),
        ("usage-import", vec!["locations"], 1),
    ] {
        let run = sb.cmd(tool).args(["--db", db]).args(&args).fails(status);
        let said = run.stderr() + &run.stdout();
        assert!(said.contains("does not exist"), "{tool} {args:?}: {run}");
        assert!(!typo.exists(), "{tool} {args:?} created {db}");
    }
}

#[test]
fn an_empty_file_is_not_initialised_by_a_reader() {
    let sb = Sandbox::new();
    let empty = sb.path("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let db = empty.to_str().unwrap();
    for (tool, args, status) in [
        ("usage-alert", vec![], 3),
        ("usage-report", vec!["daily"], 1),
        ("usage-import", vec!["locations"], 1),
    ] {
        let run = sb.cmd(tool).args(["--db", db]).args(&args).fails(status);
        assert!(run.stderr().contains("is empty"), "{tool}: {run}");
        assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0, "{tool}");
    }
    // A tool that records may start a database in it.
    sb.cmd("usage-import")
        .args(["--db", db, "locations", "add", "north"])
        .ok();
    assert!(std::fs::metadata(&empty).unwrap().len() > 0);
}

#[test]
fn a_failed_import_into_a_new_path_leaves_no_database() {
    let sb = Sandbox::new();
    let new = sb.path("new/usage.db");
    let db = new.to_str().unwrap();
    let run = sb
        .cmd("usage-import")
        .env("USAGE_NOW", "1717200000")
        .args(["--db", db, "set", "2024-05-01", "nowhere", "3"])
        .fails(1);
    assert!(run.stderr().contains("unknown location 'nowhere'"), "{run}");
    std::fs::write(
        sb.path("bad.csv"),
        "Date,A\n2024-05-01,lots\n2024-05-02,x\n",
    )
    .unwrap();
    sb.cmd("usage-import")
        .args(["--db", db, "--strict", "bad.csv"])
        .output();
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{db}{suffix}");
        assert!(!std::path::Path::new(&p).exists(), "{p} was left behind");
    }
    // A database that already held data is never removed, whatever fails.
    sb.cmd("usage-import")
        .args(["--db", db, "locations", "add", "north"])
        .ok();
    sb.cmd("usage-import")
        .env("USAGE_NOW", "1717200000")
        .args(["--db", db, "set", "2024-05-01", "nowhere", "3"])
        .fails(1);
    assert!(new.exists());
}

#[test]
fn a_refused_database_is_not_touched() {
    let sb = Sandbox::new();
    let foreign = sb.path("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    let before = std::fs::read(&foreign).unwrap();
    let newer = sb.path("newer.db");
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch(&format!(
            "PRAGMA application_id = {}; PRAGMA user_version = 999; CREATE TABLE hosts(id);",
            usage::db::APPLICATION_ID
        ))
        .unwrap();
    for (path, says) in [
        (&foreign, "is not a usage database"),
        (&newer, "newer than"),
    ] {
        for (tool, args, status) in [
            ("usage-report", vec!["daily"], 1),
            ("usage-alert", vec![], 3),
            ("usage-sample", vec!["-q", "--no-processes"], 1),
            ("usage-import", vec!["locations", "add", "x"], 1),
        ] {
            let run = sb
                .cmd(tool)
                .args(["--db", path.to_str().unwrap()])
                .args(&args)
                .fails(status);
            assert!(run.stderr().contains(says), "{tool}: {run}");
            // Still in rollback-journal mode: nothing switched it to WAL before refusing.
            assert_eq!(journal_bytes(path), (1, 1), "{tool} on {}", path.display());
        }
    }
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
}

#[test]
fn samples_closer_than_a_second_store_no_rates_and_lose_nothing() {
    let sb = Sandbox::new();
    let sample = || sb.cmd("usage-sample").args(["-q", "--no-processes"]).ok();
    sample();
    sample();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    sample();
    let conn = sb.open_db();
    let rows: Vec<(Option<i64>, Option<i64>)> = conn
        .prepare("SELECT interval_cs, cpu_busy FROM samples ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(rows.len(), 3);
    // The second came too soon: stored, without rates.
    assert_eq!(rows[1], (None, None), "{rows:?}");
    // The third measures from the first, over the whole time since.
    let interval = rows[2].0.unwrap();
    assert!(interval >= 110, "{rows:?}");
    assert!(rows[2].1.is_some());
    // A closer --interval asked for on the command line is honoured.
    let run = sb
        .cmd("usage-sample")
        .args(["-p", "-f", "json", "--no-processes", "-i", "0.3", "-n", "2"])
        .ok();
    let last: serde_json::Value =
        serde_json::from_str(run.stdout().lines().last().unwrap()).unwrap();
    assert!(last["cpu"]["busy"].is_number(), "{run}");
}

#[test]
fn output_replaces_regular_files_only() {
    let sb = Sandbox::with_database();
    let report = |out: &std::path::Path| {
        sb.cmd("usage-report")
            .args(["daily", "-f", "csv", "-o"])
            .arg(out)
            .ok()
    };
    // Through a symbolic link: the file it names is replaced, the link stays a link.
    let target = sb.path("real.csv");
    std::fs::write(&target, "old\n").unwrap();
    let link = sb.path("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    report(&link);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("date,location")
    );
    // A named pipe is written to, not replaced by a file.
    let fifo = sb.path("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    report(&fifo);
    assert!(reader.join().unwrap().starts_with("date,location"));
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    // /dev/stdout is written to (it stays what it was: a link into /proc).
    let run = report(std::path::Path::new("/dev/stdout"));
    assert!(run.stdout().starts_with("date,location"), "{run}");
    assert!(
        std::fs::symlink_metadata("/dev/stdout")
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // `-o -` is standard output, and no file named '-' appears.
    let run = report(std::path::Path::new("-"));
    assert!(run.stdout().starts_with("date,location"), "{run}");
    assert!(!sb.path("-").exists());
    // A link to nothing and a directory are refused.
    let dangling = sb.path("dangling.csv");
    std::os::unix::fs::symlink(sb.path("missing/x.csv"), &dangling).unwrap();
    let run = sb
        .cmd("usage-report")
        .args(["daily", "-o"])
        .arg(&dangling)
        .fails(1);
    assert!(run.stderr().contains("symbolic link to nothing"), "{run}");
}

#[test]
fn control_characters_reach_no_terminal_but_csv_keeps_them() {
    let sb = Sandbox::new();
    let esc = "\u{1b}[2J\u{1b}]0;owned\u{7}";
    // A location's display name, from a file's header.
    std::fs::write(sb.path("h.csv"), format!("Date,North{esc}\n2024-05-01,1\n")).unwrap();
    sb.cmd("usage-import").arg("h.csv").ok();
    let table = sb
        .cmd("usage-import")
        .args(["locations", "-f", "table"])
        .ok()
        .stdout();
    assert!(!table.contains('\u{1b}'), "{table:?}");
    assert!(table.contains("North\\u{1b}[2J"), "{table:?}");
    let csv = sb
        .cmd("usage-import")
        .args(["locations", "-f", "csv"])
        .ok()
        .stdout();
    assert!(csv.contains(esc), "{csv:?}");
    // A warning that quotes a cell.
    std::fs::write(sb.path("w.csv"), format!("Date,North\n2024-05-01,x{esc}\n")).unwrap();
    let run = sb.cmd("usage-import").arg("w.csv").ok();
    assert!(run.stderr().contains("warning"), "{run}");
    assert!(!run.stderr().contains('\u{1b}'), "{:?}", run.stderr());
    // A process any local user can name.
    sb.cmd("usage-sample").args(["-q"]).ok();
    let conn = sb.open_db();
    conn.execute_batch(&format!(
        "INSERT INTO commands (id, name) VALUES (999, 'evil{esc}');
         UPDATE sample_procs SET command_id = 999;
         INSERT INTO sample_procs (sample_id, pid, command_id, user_id, cpu, rss, threads, state, started)
           SELECT id, 4242, 999, (SELECT min(id) FROM users), 100, 1000, 1, 'R', ts FROM samples
           WHERE NOT EXISTS (SELECT 1 FROM sample_procs);"
    ))
    .unwrap();
    let table = sb
        .cmd("usage-report")
        .args(["processes", "-f", "table", "--since", "1970-01-01"])
        .ok()
        .stdout();
    assert!(table.contains("evil\\u{1b}"), "{table:?}");
    assert!(!table.contains('\u{1b}'), "{table:?}");
    // --host is held to the configuration's rule.
    let run = sb
        .cmd("usage-sample")
        .args(["--host", "\u{1b}[2J"])
        .fails(2);
    assert!(run.stderr().contains("not a usable host name"), "{run}");
    assert!(!run.stderr().contains('\u{1b}'), "{:?}", run.stderr());
}

#[test]
fn backups_made_in_the_same_second_all_land() {
    let sb = Sandbox::with_database();
    // Pinned clock: the second one takes the next second's name.
    for _ in 0..2 {
        sb.cmd("usage-backup")
            .env("USAGE_NOW", "1796090400")
            .args(["create"])
            .ok();
    }
    // Three at once on the real clock: cron and two hand runs.
    let children: Vec<_> = (0..3)
        .map(|_| sb.cmd("usage-backup").args(["create"]).0.spawn().unwrap())
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let list = sb
        .cmd("usage-backup")
        .args(["list", "-f", "csv"])
        .ok()
        .stdout();
    assert_eq!(list.lines().count(), 1 + 5, "{list}");
    assert!(list.contains("usage-20261201T020000Z.db.gz"), "{list}");
    assert!(list.contains("usage-20261201T020001Z.db.gz"), "{list}");
    sb.cmd("usage-backup").args(["verify", "--all"]).ok();
}

#[test]
fn check_perfdata_follows_the_monitoring_plugins_format() {
    let sb = Sandbox::new();
    sb.cmd("usage-sample").args(["-q", "--no-processes"]).ok();
    sb.cmd("usage-import")
        .args(["locations", "add", "north"])
        .ok();
    let today = chrono::Local::now().date_naive().to_string();
    sb.cmd("usage-import")
        .args(["set", &today, "north", "1"])
        .ok();
    sb.cmd("usage-backup").args(["create"]).ok();
    let run = sb.cmd("usage-check").output();
    let first = run.stdout().lines().next().unwrap_or_default().to_string();
    let (_, perf) = first.split_once(" | ").expect("a perfdata part");
    let mut labels = Vec::new();
    for item in perf.split(' ') {
        let (label, rest) = item.split_once('=').unwrap();
        let fields: Vec<&str> = rest.split(';').collect();
        let value = fields[0];
        let unit = value.trim_start_matches(|c: char| c.is_ascii_digit() || "-.".contains(c));
        assert!(
            ["", "s", "%", "B", "c"].contains(&unit),
            "{item}: unit '{unit}'"
        );
        if label == "free" {
            assert!(
                fields[1].ends_with(':') && fields[2].ends_with(':'),
                "{item}"
            );
        }
        labels.push(label.to_string());
    }
    for wanted in ["sample_age", "ledger_age", "backup_age", "free", "db_size"] {
        assert!(
            labels.iter().any(|l| l == wanted),
            "{wanted} missing: {perf}"
        );
    }
}

#[test]
fn an_exec_channel_may_write_much_to_stderr() {
    let sb = Sandbox::with_database();
    std::fs::create_dir_all(sb.path("config/usage")).unwrap();
    std::fs::write(
        sb.path("config/usage/config.toml"),
        r#"[alert.channel.noisy]
type = "exec"
command = ["/bin/sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x >&2; echo >&2; exit 0"]
timeout = "5s"

[alert.channel.failing]
type = "exec"
command = ["/bin/sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x >&2; echo >&2; echo 'the real reason' >&2; exit 4"]
timeout = "5s"
"#,
    )
    .unwrap();
    let started = std::time::Instant::now();
    sb.cmd("usage-alert").args(["test", "noisy"]).ok();
    let run = sb.cmd("usage-alert").args(["test", "failing"]).fails(3);
    assert!(
        run.stderr().contains("the real reason"),
        "{}",
        run.stderr().len()
    );
    assert!(
        !run.stderr().contains("did not finish"),
        "{}",
        run.stderr().len()
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
}

/// A process id that no longer runs.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn leftovers(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".usage-") || (n.ends_with(".json") && !n.contains("Z")))
        .collect();
    names.sort();
    names
}

#[test]
fn what_dead_writers_left_is_reclaimed_by_the_next_run() {
    let sb = Sandbox::with_database();
    sb.cmd("usage-backup").args(["create"]).ok();
    let dir = sb.path("data/usage/backups");
    let dead = dead_pid();
    let live = std::process::id();
    for name in [
        format!(".usage-copy-{dead}-Ab3xYz"),
        format!(".usage-verify-{dead}-Cd4wVu-wal"),
        format!(".usage-gz-{live}-Ef5tSr"),
        "usage-20200101T000000Z.db.gz.json".to_string(),
    ] {
        std::fs::write(dir.join(name), b"x").unwrap();
    }
    sb.cmd("usage-backup").args(["list"]).ok();
    // The dead writer's files and the orphan metadata are gone; a live writer's stays.
    assert_eq!(leftovers(&dir), [format!(".usage-gz-{live}-Ef5tSr")]);
    assert!(!dir.join("usage-20200101T000000Z.db.gz.json").exists());
}

#[test]
fn a_killed_backup_leaves_nothing_once_the_next_run_is_done() {
    let sb = Sandbox::with_database();
    {
        let conn = sb.open_db();
        conn.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
             INSERT INTO daily_usage (date, location_id, bytes, updated)
             SELECT 19000101 + i, 1, i * 7919 % 1000003, 0 FROM n;",
        )
        .unwrap();
    }
    let dir = sb.path("data/usage/backups");
    let mut saw_leftovers = false;
    for (i, ms) in [5u64, 20, 40, 70, 110, 160].iter().enumerate() {
        let args: &[&str] = if i % 2 == 0 {
            &["create"]
        } else {
            &["verify", "--all"]
        };
        let mut child = sb
            .cmd("usage-backup")
            .args(args)
            .0
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(*ms));
        let _ = child.kill();
        child.wait().unwrap();
        // Each run reclaims what the killed one before it left.
        saw_leftovers |= dir.exists() && !leftovers(&dir).is_empty();
    }
    // The kills did leave work behind (else this test would prove nothing).
    assert!(saw_leftovers);
    sb.cmd("usage-backup").args(["list"]).ok();
    if dir.exists() {
        assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
    }
    // Every backup listed verifies.
    if dir.exists() && std::fs::read_dir(&dir).unwrap().count() > 0 {
        sb.cmd("usage-backup").args(["verify", "--all"]).ok();
    }
}

/// How many lines a file has, read without holding it.
fn lines_of(path: &std::path::Path) -> usize {
    use std::io::BufRead;
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    file.split(b'\n').count()
}

#[test]
fn memory_follows_what_is_held_not_days_times_locations() {
    use std::fmt::Write;
    const LOCATIONS: usize = 100_000;
    const LIMIT_KIB: i64 = 64 * 1024;
    let sb = Sandbox::new();
    // One wide file, 100,000 locations on one day (under 1 MB).
    let mut csv = String::from("date");
    for i in 0..LOCATIONS {
        write!(csv, ",L{i}").unwrap();
    }
    csv.push_str("\n2024-03-10");
    for i in 0..LOCATIONS {
        write!(csv, ",{}", i % 7 + 1).unwrap();
    }
    csv.push('\n');
    std::fs::write(sb.path("wide.csv"), csv).unwrap();
    sb.cmd("usage-import").arg("wide.csv").ok();
    let now = "1710201600"; // 2024-03-12 00:00 UTC
    let out = sb.path("out");
    let views: [(&[&str], usize); 7] = [
        (&["trends"], 30 * LOCATIONS + 1),
        (&["trends", "--days", "120"], 120 * LOCATIONS + 1),
        (&["trends", "--format", "table"], 30 * LOCATIONS + 1),
        (&["daily"], LOCATIONS + 1),
        (&["cycles"], LOCATIONS + 1),
        (&["--format", "pdf"], 0),
        (&["--format", "html"], 0),
    ];
    for (args, lines) in views {
        let (code, peak) = sb
            .cmd("usage-report")
            .args(args)
            .args(["--utc"])
            .env("USAGE_NOW", now)
            .peak_memory(&out);
        assert_eq!(code, 0, "{args:?}");
        assert!(
            peak <= LIMIT_KIB,
            "usage-report {args:?} peaked at {peak} KiB"
        );
        if lines > 0 {
            assert_eq!(lines_of(&out), lines, "{args:?}");
        }
    }
    // The charts draw the largest locations and say how many were left out.
    let page = std::fs::read_to_string(&out).unwrap();
    for title in ["(the 8 largest of 100000)", "(the 4 largest of 100000)"] {
        assert!(page.contains(title), "{title}");
    }

    // 90 days of minute samples, shown minute by minute: 129,600 buckets of each series.
    sb.open_db()
        .execute_batch(
            "INSERT INTO hosts (id, name) VALUES (1, 'h');
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 129599)
             INSERT INTO samples (host_id, ts, interval_cs, ncpu, cpu_busy, cpu_user, mem_total,
                 mem_used, mem_avail, swap_total, swap_used, load1, load5, load15, uptime, procs)
             SELECT 1, 1702425600 + i * 60, 6000, 4, i % 10000, i % 5000, 1000, i % 1000,
                 1000 - i % 1000, 100, i % 100, 1, 1, 1, 1000 + i * 60, 100 FROM n;",
        )
        .unwrap();
    let (code, peak) = sb
        .cmd("usage-report")
        .args([
            "system",
            "--bucket",
            "minute",
            "--since",
            "2023-12-13",
            "--utc",
        ])
        .env("USAGE_NOW", now)
        .peak_memory(&out);
    assert_eq!(code, 0);
    assert!(
        peak <= LIMIT_KIB,
        "system by the minute peaked at {peak} KiB"
    );
    let rows = lines_of(&out) - 1;
    assert!(rows >= 129_600 * 5, "{rows} rows");
}

#[test]
fn labels_that_slug_alike_are_refused_in_long_files_as_in_wide_ones() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.path("long.csv"),
        "date,location,usage_gb\n2024-05-01,$(touch x) L,1\n2024-05-02,`touch x` L,2\n",
    )
    .unwrap();
    let run = sb.cmd("usage-import").arg("long.csv").fails(1);
    assert!(
        run.stderr().contains(
            "long.csv:3: '`touch x` L' and '$(touch x) L' (line 2) both name location 'touch_x_l'"
        ),
        "{run}"
    );
    std::fs::write(
        sb.path("wide.csv"),
        "Date,$(touch x) L,`touch x` L\n2024-05-01,1,2\n",
    )
    .unwrap();
    let run = sb.cmd("usage-import").arg("wide.csv").fails(1);
    assert!(
        run.stderr().contains("both name location 'touch_x_l'"),
        "{run}"
    );
    // Nothing was imported by either, and the same label written twice is fine.
    std::fs::write(
        sb.path("ok.csv"),
        "date,location,usage_gb\n2024-05-01,North,1\n2024-05-02, North ,2\n",
    )
    .unwrap();
    sb.cmd("usage-import").arg("ok.csv").ok();
}

#[test]
fn files_other_users_could_change_or_read_are_refused_or_named() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::with_database();
    let config = sb.path("config/usage/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(sb.path("secret"), "hunter2\n").unwrap();
    std::fs::set_permissions(sb.path("secret"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let write = |text: &str, mode: u32| {
        std::fs::write(&config, text).unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let exec = "[alert.channel.run]\ntype = \"exec\"\ncommand = [\"/bin/true\"]\n";
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        write(exec, 0o666);
        let run = sb.cmd("usage-alert").args(["rules"]).fails(2);
        assert!(
            run.stderr()
                .contains("channel 'run': an exec channel is refused while running as root"),
            "{run}"
        );
        write(exec, 0o600);
        sb.cmd("usage-alert").args(["rules"]).ok();
    }
    let email = |extra: &str| {
        format!(
            "[alert.channel.mail]\ntype = \"email\"\nserver = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"u\"\npassword_file = \"{}\"\nfrom = \"a@example.com\"\nto = [\"b@example.com\"]\n{extra}",
            sb.path("secret").display()
        )
    };
    write(&email(""), 0o600);
    let run = sb.cmd("usage-alert").args(["rules"]).fails(2);
    assert!(
        run.stderr()
            .contains("would send the username and password unencrypted"),
        "{run}"
    );
    write(&email("allow_plaintext = true\n"), 0o600);
    let run = sb.cmd("usage-alert").args(["rules"]).ok();
    assert!(run.stderr().contains("can be read by every user"), "{run}");
    // A backup directory others may write to is named.
    write("", 0o600);
    let dir = sb.path("data/usage/backups");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let run = sb.cmd("usage-backup").args(["create"]).ok();
    assert!(
        run.stderr()
            .contains("can be written by other users (mode 0777)"),
        "{run}"
    );
}

#[test]
fn a_clock_that_jumps_ahead_deletes_no_history() {
    let sb = Sandbox::new();
    let mut m = Machine::new(&sb, 1_796_090_400);
    let count = || count(&sb.open_db(), "SELECT count(*) FROM samples");
    for _ in 0..3 {
        m.minute(10);
        m.sample(&sb).succeeded();
    }
    // The clock jumps 91 days ahead (retention is 90) and stays there for a while.
    let right = m.clock;
    m.clock += 91 * 86_400;
    for _ in 0..2 {
        m.minute(10);
        m.sample(&sb).succeeded();
    }
    assert_eq!(count(), 5, "retention pruned against a clock that jumped");
    // Retention still works against the time the boot's uptime vouches for.
    m.clock = right + 180;
    sb.open_db()
        .execute_batch(&format!(
            "INSERT INTO samples (host_id, ts, ncpu, mem_total, mem_used, mem_avail, swap_total,
                 swap_used, load1, load5, load15, uptime, procs)
             SELECT host_id, {}, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1 FROM samples LIMIT 1",
            right - 100 * 86_400
        ))
        .unwrap();
    assert_eq!(count(), 6);
    m.minute(10);
    m.sample(&sb).succeeded();
    assert_eq!(
        count(),
        6,
        "the 100-day-old sample is pruned, the new one added"
    );
}

#[test]
fn a_machine_that_boots_with_its_clock_ahead_deletes_no_history() {
    let sb = Sandbox::new();
    let mut m = Machine::new(&sb, 1_796_090_400);
    let count = || count(&sb.open_db(), "SELECT count(*) FROM samples");
    for _ in 0..3 {
        m.minute(10);
        m.sample(&sb).succeeded();
    }
    // A board without a real-time clock boots 91 days ahead; NTP sets the clock after 5 minutes.
    m.reboot(30.0);
    let right = m.clock;
    m.clock += 91 * 86_400;
    for _ in 0..5 {
        m.sample(&sb).succeeded();
        m.minute(10);
    }
    m.clock = right + 300;
    for _ in 0..10 {
        m.sample(&sb).succeeded();
        m.minute(10);
    }
    assert_eq!(
        count(),
        18,
        "retention pruned against the clock the machine booted with"
    );
    // Later in the same boot the clock jumps ahead again: the boot's start was set right.
    m.clock += 91 * 86_400;
    for _ in 0..2 {
        m.sample(&sb).succeeded();
        m.minute(10);
    }
    assert_eq!(count(), 20, "retention pruned after a second jump");
}

#[test]
fn after_the_clock_jumped_ahead_and_back_alerts_still_see_new_samples() {
    let sb = Sandbox::with_database();
    let t0: i64 = 1_796_090_400;
    let add = |ts: i64, cpu: i64| {
        sb.open_db()
            .execute(
                "INSERT INTO samples (host_id, ts, interval_cs, ncpu, cpu_busy, mem_total, mem_used,
                     mem_avail, swap_total, swap_used, load1, load5, load15, uptime, procs)
                 VALUES (1, ?1, 6000, 1, ?2, 100, 10, 90, 0, 0, 0, 0, 0, 1000, 10)",
                (ts, cpu * 100),
            )
            .unwrap();
    };
    sb.open_db()
        .execute("INSERT INTO hosts (id, name) VALUES (1, 'h')", [])
        .unwrap();
    let alert = |now: i64| {
        sb.cmd("usage-alert")
            .env("USAGE_NOW", now.to_string())
            .output()
    };
    for m in 0..3 {
        add(t0 + m * 60, 10);
    }
    assert_eq!(alert(t0 + 120).code(), 0);
    // The sampler's clock is 91 days ahead for one sample, and so is usage-alert's run.
    add(t0 + 91 * 86_400, 10);
    assert_eq!(alert(t0 + 91 * 86_400).code(), 0);
    // Corrected: two minutes of 100 % CPU fire high-cpu (over 90 % for 60 s).
    for m in 3..6 {
        add(t0 + m * 60, 100);
    }
    let run = alert(t0 + 300);
    assert_eq!(run.code(), 1, "{run}");
    assert!(run.stdout().contains("high-cpu"), "{run}");
}
