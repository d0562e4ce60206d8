//! usage-alert through the real binary, with a pinned clock, a real SQLite file, a real SMTP
//! server (Debian's python3-aiosmtpd) and a real HTTP server on the loopback.
#![allow(clippy::unwrap_used)]

mod util;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use util::{Sandbox, notifications};

/// A minute boundary in 2026; sample `m` is taken at `T0 + 60 m`.
const T0: i64 = 1_789_999_980;

fn at(minute: i64) -> String {
    (T0 + minute * 60).to_string()
}

/// A sandbox whose configuration names the host "box" and holds `alert`, with the schema made.
fn sandbox(alert: &str) -> Sandbox {
    sandbox_in(Sandbox::new(), alert)
}

/// The same, in a sandbox made already (holding files the configuration names).
fn sandbox_in(sb: Sandbox, alert: &str) -> Sandbox {
    std::fs::create_dir_all(sb.path("config/usage")).unwrap();
    std::fs::write(
        sb.path("config/usage/config.toml"),
        format!("host = \"box\"\n{alert}"),
    )
    .unwrap();
    std::fs::create_dir_all(sb.db().parent().unwrap()).unwrap();
    usage::db::open(&sb.db()).unwrap();
    sb.open_db()
        .execute("INSERT INTO hosts (id, name) VALUES (1, 'box')", [])
        .unwrap();
    sb
}

/// Stores one sample per minute from `first` with these CPU percentages (memory at 50%, the
/// root file system at `disk` percent used).
fn samples(sb: &Sandbox, first: i64, cpu: &[f64], disk: f64) {
    let mut conn = sb.open_db();
    let tx = conn.transaction().unwrap();
    tx.execute(
        "INSERT OR IGNORE INTO mounts (id, host_id, path, device, fstype) VALUES (1, 1, '/', '/dev/sda1', 'ext4')",
        [],
    )
    .unwrap();
    for (i, c) in cpu.iter().enumerate() {
        let ts = T0 + (first + i as i64) * 60;
        tx.execute(
            "INSERT INTO samples (host_id, ts, interval_cs, ncpu, cpu_busy, mem_total, mem_used, mem_avail,
             swap_total, swap_used, load1, load5, load15, uptime, procs)
             VALUES (1, ?1, 6000, 2, ?2, 1000000, 500000, 500000, 0, 0, 100, 100, 100, 1000, 100)",
            (ts, (c * 100.0) as i64),
        )
        .unwrap();
        let used = (disk * 1000.0) as i64;
        tx.execute(
            "INSERT INTO sample_disks (sample_id, mount_id, total, used, avail) VALUES (last_insert_rowid(), 1, 100000, ?1, ?2)",
            (used, 100_000 - used),
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

/// The notifications the log channel received: "minute event severity rule".
fn log(sb: &Sandbox) -> Vec<String> {
    log_of(sb, "alerts.jsonl")
}

/// The same, of another log channel's file.
fn log_of(sb: &Sandbox, file: &str) -> Vec<String> {
    notifications(&sb.path(file))
        .into_iter()
        .map(|(t, v)| {
            format!(
                "{} {} {} {}",
                (t - T0) / 60,
                v["event"].as_str().unwrap(),
                v["severity"].as_str().unwrap(),
                v["rule"].as_str().unwrap()
            )
        })
        .collect()
}

const CPU_RULE: &str = r#"
[[alert.rule]]
name = "cpu"
when = "cpu_percent > 90 for 2m"
resolve = 80
repeat = "10m"
escalate_after = "20m"

[alert.channel.file]
type = "log"
path = "alerts.jsonl"
"#;

/// CPU at 50% until minute 9, 95% from 10 to 44, 85% (between the resolve and fire thresholds)
/// from 45 to 47, 50% from 48 to 70.
fn cpu_story() -> Vec<f64> {
    (0..=70)
        .map(|m| match m {
            10..=44 => 95.0,
            45..=47 => 85.0,
            _ => 50.0,
        })
        .collect()
}

/// Runs usage-alert at every fifth minute up to `last`, as cron would, with the samples up to
/// that minute stored; returns the exit statuses.
fn cron(sb: &Sandbox, story: &[f64], last: i64) -> Vec<i32> {
    let mut stored = 0;
    let mut codes = Vec::new();
    for minute in (5..=last).step_by(5) {
        let upto = (minute as usize + 1).min(story.len());
        samples(sb, stored as i64, &story[stored..upto], 50.0);
        stored = upto;
        let out = sb.cmd("usage-alert").env("USAGE_NOW", at(minute)).output();
        assert!(out.stderr().is_empty(), "{}", out.stderr());
        codes.push(out.code());
    }
    codes
}

#[test]
fn a_cron_run_every_five_minutes_notifies_like_a_daemon() {
    let sb = sandbox(CPU_RULE);
    let codes = cron(&sb, &cpu_story(), 70);
    // Alertmanager with for: 2m, repeat_interval: 10m over the same samples: pending at 10,
    // firing at 12 (the condition has held 2 minutes), a reminder 10 minutes after the last
    // notification (22), escalated to critical 20 minutes after firing (32; like a new
    // notification it restarts the repeat interval), a reminder at 42, resolved once the value is
    // at or below the resolve threshold (48); 85% at 45-47 is above it and keeps it firing.
    assert_eq!(
        log(&sb),
        [
            "12 firing warning cpu",
            "22 reminder warning cpu",
            "32 escalated critical cpu",
            "42 reminder critical cpu",
            "48 resolved critical cpu",
        ]
    );
    // Exit 1 while firing (runs at 15..45), 0 otherwise.
    let expected: Vec<i32> = (5..=70)
        .step_by(5)
        .map(|m| i32::from((15..=45).contains(&m)))
        .collect();
    assert_eq!(codes, expected);
    // The history holds every transition, pending included; the report shows it.
    let history = sb
        .cmd("usage-alert")
        .args(["history", "--since", "2026-01-01", "-f", "csv"])
        .env("USAGE_NOW", at(70))
        .ok()
        .stdout();
    let events: Vec<&str> = history
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "pending",
            "firing",
            "reminder",
            "escalated",
            "reminder",
            "resolved"
        ]
    );
    let report = sb
        .cmd("usage-report")
        .args(["alerts", "--events", "--format", "csv"])
        .env("USAGE_NOW", at(70))
        .ok()
        .stdout();
    assert!(
        report.contains(",cpu,,escalated,critical,95.00,"),
        "{report}"
    );
    // Nothing is left in the state table or the outbox.
    let conn = sb.open_db();
    let left: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM alert_state) + (SELECT count(*) FROM alert_outbox)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn maintenance_holds_notices_back_and_sends_the_resolved_one_afterwards() {
    let sb = sandbox(CPU_RULE);
    let story = cpu_story();
    cron(&sb, &story, 35);
    // A window from minute 40 to 55 for this rule, made from the command line at minute 36.
    let out = sb
        .cmd("usage-alert")
        .args(["maintenance", "add", "--duration", "15m", "--start"])
        .arg(format!("@{}", T0 + 40 * 60))
        .env("USAGE_NOW", at(36))
        .output();
    // '@' is not a time form: the error says what is.
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr()
            .contains("is not a time (expected now, +DURATION"),
        "{}",
        out.stderr()
    );
    let start = chrono::DateTime::from_timestamp(T0 + 40 * 60, 0)
        .unwrap()
        .to_rfc3339();
    let added = sb
        .cmd("usage-alert")
        .args(["maintenance", "add", "--start", &start, "--duration", "15m"])
        .args(["--rule", "cpu", "--reason", "kernel upgrade", "--print"])
        .env("USAGE_NOW", at(36))
        .ok()
        .stdout();
    assert!(added.starts_with("maintenance window #1: "), "{added}");
    let list = sb
        .cmd("usage-alert")
        .args(["maintenance", "list", "-f", "csv"])
        .env("USAGE_NOW", at(36))
        .ok()
        .stdout();
    assert!(
        list.contains("#1,") && list.contains(",cpu,planned,kernel upgrade"),
        "{list}"
    );
    // Continue the story from minute 40 on.
    let mut codes = Vec::new();
    for minute in (40..=70).step_by(5) {
        let first = minute - 4;
        samples(&sb, first, &story[first as usize..=minute as usize], 50.0);
        codes.push(
            sb.cmd("usage-alert")
                .env("USAGE_NOW", at(minute))
                .output()
                .code(),
        );
    }
    // Alertmanager with a silence over [40, 55): the reminder due at 42 is not sent; the alert
    // resolves at 48 inside the silence; its resolved notice goes out once the silence is over
    // (the first evaluation at or after 55), because its firing had been announced.
    assert_eq!(
        log(&sb),
        [
            "12 firing warning cpu",
            "22 reminder warning cpu",
            "32 escalated critical cpu",
            "55 resolved critical cpu",
        ]
    );
    // The resolved transition is in the history at 48, marked as silenced.
    let conn = sb.open_db();
    let (ts, silenced): (i64, bool) = conn
        .query_row(
            "SELECT ts, silenced FROM alert_events WHERE event = 'resolved'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(((ts - T0) / 60, silenced), (48, true));
    assert_eq!(codes, [1, 1, 0, 0, 0, 0, 0]);
    // Deleting: an unknown window is an error; a known one goes.
    let out = sb
        .cmd("usage-alert")
        .args(["maintenance", "delete", "7"])
        .output();
    assert_eq!(out.code(), 2);
    assert!(out.stderr().contains("no stored maintenance window #7"));
    sb.cmd("usage-alert")
        .args(["maintenance", "delete", "1"])
        .ok();
}

#[test]
fn dry_run_changes_nothing_and_overlapping_runs_notify_once() {
    let sb = sandbox(CPU_RULE);
    samples(&sb, 0, &[95.0; 5], 50.0);
    let out = sb
        .cmd("usage-alert")
        .arg("--dry-run")
        .env("USAGE_NOW", at(4))
        .output();
    assert_eq!(out.code(), 1);
    let text = out.stdout();
    assert!(text.contains(",cpu,,pending,warning,95.00,-,"), "{text}");
    assert!(text.contains(",cpu,,firing,warning,95.00,file,"), "{text}");
    assert!(
        out.stderr()
            .contains("dry run: nothing recorded, nobody notified")
    );
    let conn = sb.open_db();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM alert_state"), 0);
    assert_eq!(count("SELECT count(*) FROM alert_events"), 0);
    assert!(log(&sb).is_empty());
    // Eight runs started together: one fires and notifies, the others find it done. A new rule
    // looks back over its `for` duration only: pending at 2, firing at 4 (a daemon running
    // since minute 0 would have fired at 2; Prometheus, which keeps no history for a new rule,
    // at 6).
    let children: Vec<_> = (0..8)
        .map(|_| {
            sb.cmd("usage-alert")
                .env("USAGE_NOW", at(4))
                .0
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(log(&sb), ["4 firing warning cpu"]);
    assert_eq!(
        count("SELECT count(*) FROM alert_events WHERE event = 'firing'"),
        1
    );
    let status = sb
        .cmd("usage-alert")
        .args(["status", "-f", "csv"])
        .ok()
        .stdout();
    assert!(status.contains("cpu,,firing,warning,"), "{status}");
}

#[test]
fn bad_rules_are_reported_precisely_and_the_good_ones_still_notify() {
    let sb = sandbox(
        r#"
[[alert.rule]]
name = "metric"
when = "cpu_pct > 90"

[[alert.rule]]
name = "duration"
when = "cpu_percent > 90 for 5 minutes"

[[alert.rule]]
name = "number"
when = "cpu_percent > ninety"

[[alert.rule]]
name = "place"
when = 'quota_used_percent{location="atlantis"} > 50'

[[alert.rule]]
name = "disk"
when = 'disk_used_percent{mount="/"} > 90'

[alert.channel.file]
type = "log"
path = "alerts.jsonl"
"#,
    );
    samples(&sb, 0, &[50.0; 3], 95.0);
    let out = sb.cmd("usage-alert").env("USAGE_NOW", at(2)).output();
    assert_eq!(out.code(), 2);
    let err = out.stderr();
    let config = sb.path("config/usage/config.toml").display().to_string();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[0].starts_with(&format!("usage-alert: {config}:5:8: rule 'metric': when = \"cpu_pct > 90\": unknown metric 'cpu_pct' (expected one of: cpu_percent,")), "{err}");
    assert!(lines[1].contains(":9:8: rule 'duration': when = \"cpu_percent > 90 for 5 minutes\": '5 minutes' is not a duration"), "{err}");
    assert!(lines[2].contains(":13:8: rule 'number': when = \"cpu_percent > ninety\": threshold 'ninety' is not a number"), "{err}");
    assert!(
        lines[3].contains(":15: rule 'place': unknown location 'atlantis'"),
        "{err}"
    );
    assert_eq!(log(&sb), ["2 firing warning disk"]);
    // `rules` lists what is in force and reports the same problems.
    let out = sb.cmd("usage-alert").args(["rules", "-f", "csv"]).output();
    assert_eq!(out.code(), 2);
    assert!(
        out.stdout()
            .contains("disk,\"disk_used_percent{mount=\"\"/\"\"} > 90\""),
        "{}",
        out.stdout()
    );
    // A wrong command line is 2 as well.
    assert_eq!(sb.cmd("usage-alert").arg("--bogus").output().code(), 2);
}

#[test]
fn quota_steps_and_forecast() {
    let sb = sandbox(
        r#"
[ledger]
billing_day = 13

[[alert.rule]]
name = "quota"
when = "quota_used_percent"
steps = [50, 80, 100]

[[alert.rule]]
name = "forecast"
when = "quota_forecast_percent > 100"

[alert.channel.file]
type = "log"
path = "alerts.jsonl"
"#,
    );
    let conn = sb.open_db();
    conn.execute(
        "INSERT INTO locations (id, name, display_name, quota, created) VALUES (1, 'north', 'North', 100000000000, 0)",
        [],
    )
    .unwrap();
    // T0 is 2026-09-21 (UTC); the cycle began on the 13th. 6 GB a day from the 13th.
    let day = |date: i64, gb: i64| {
        conn.execute(
            "INSERT OR REPLACE INTO daily_usage (date, location_id, bytes, updated) VALUES (?1, 1, ?2, 0)",
            (date, gb * 1_000_000_000),
        )
        .unwrap();
    };
    for d in 13..=21 {
        day(20260900 + d, 6);
    }
    let run = || {
        sb.cmd("usage-alert")
            .env("USAGE_NOW", at(0))
            .env("TZ", "UTC")
            .output()
    };
    // 54 GB of 100: the first step; at 6 GB a day the cycle (30 days) ends near 180 GB.
    assert_eq!(run().code(), 1);
    assert_eq!(
        log(&sb),
        ["0 firing info quota", "0 firing warning forecast"]
    );
    day(20260921, 35);
    assert_eq!(run().code(), 1);
    // 83 GB: escalated to the warning step.
    assert_eq!(log(&sb).last().unwrap(), "0 escalated warning quota");
    let text = std::fs::read_to_string(sb.path("alerts.jsonl")).unwrap();
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["subject"], "north");
    assert_eq!(last["labels"]["location"], "north");
    assert_eq!(
        last["message"],
        "quota_used_percent{location=\"north\"} is 83.0% (>= 50.0%)"
    );
}

/// A loopback HTTP server that records request bodies; `hang` makes it accept and never answer.
struct Http {
    port: u16,
    bodies: Arc<Mutex<Vec<String>>>,
}

fn http_server(hang: bool) -> Http {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            if hang {
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_secs(30));
                    drop(stream);
                });
                continue;
            }
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut request = String::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if request.is_empty() {
                    request = line.clone();
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            assert!(request.starts_with("POST /hook "), "{request}");
            seen.lock().unwrap().push(String::from_utf8(body).unwrap());
            stream
                .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                .unwrap();
        }
    });
    Http { port, bodies }
}

#[test]
fn webhook_exec_and_a_hanging_webhook_that_never_blocks_the_others() {
    let good = http_server(false);
    let hanging = http_server(true);
    let config = format!(
        r#"
[[alert.rule]]
name = "disk"
when = 'disk_used_percent{{mount="/"}} > 90'
message = "{{mount}} is {{value}} full on {{host}}"
repeat = "0"

[alert.channel.hook]
type = "webhook"
url = "http://127.0.0.1:{}/hook"

[alert.channel.stuck]
type = "webhook"
url = "http://127.0.0.1:{}/hook"
timeout = "1s"
retries = 1

[alert.channel.run]
type = "exec"
command = ["/bin/sh", "-c", "printf '%s|%s|%s|%s' \"$USAGE_ALERT_EVENT\" \"$USAGE_ALERT_SUBJECT\" \"$USAGE_ALERT_VALUE\" \"$USAGE_ALERT_MESSAGE\" > exec.out", "ignored"]

[alert.channel.missing]
type = "exec"
command = ["/nonexistent/pager"]
"#,
        good.port, hanging.port
    );
    let sb = sandbox(&config);
    samples(&sb, 0, &[50.0], 95.0);
    let started = Instant::now();
    let out = sb.cmd("usage-alert").env("USAGE_NOW", at(0)).output();
    let took = started.elapsed();
    assert_eq!(out.code(), 3, "{}", out.stderr());
    let err = out.stderr();
    assert!(err.contains("usage-alert: channel 'missing': cannot run '/nonexistent/pager': No such file or directory"), "{err}");
    assert!(
        err.contains(&format!("usage-alert: channel 'stuck': webhook http://127.0.0.1:{}/...: no answer within 1s (2 attempts); 1 notification kept for the next run", hanging.port)),
        "{err}"
    );
    // Two attempts of one second and a pause of one: the others were not held up by it.
    assert!(took < Duration::from_secs(10), "{took:?}");
    let bodies = good.bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1);
    let body: Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(body["version"], 1);
    assert_eq!(body["host"], "box");
    assert_eq!(body["rule"], "disk");
    assert_eq!(body["event"], "firing");
    assert_eq!(body["severity"], "warning");
    assert_eq!(body["value"], 95.0);
    assert_eq!(body["threshold"], 90.0);
    assert_eq!(body["message"], "/ is 95.0% full on box");
    assert_eq!(
        std::fs::read_to_string(sb.path("exec.out")).unwrap(),
        "firing|/|95.0|/ is 95.0% full on box"
    );
    // The failed deliveries stay in the outbox and are retried by the next run, which sends
    // nothing twice.
    let conn = sb.open_db();
    let kept: Vec<(String, i64)> = conn
        .prepare("SELECT channel, attempts FROM alert_outbox ORDER BY channel")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kept, [("missing".to_string(), 1), ("stuck".to_string(), 1)]);
    let out = sb.cmd("usage-alert").env("USAGE_NOW", at(1)).output();
    assert_eq!(out.code(), 3);
    assert_eq!(good.bodies.lock().unwrap().len(), 1);
    let attempts: i64 = conn
        .query_row("SELECT sum(attempts) FROM alert_outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(attempts, 4);
    // A day later they are given up, and said so.
    let out = sb
        .cmd("usage-alert")
        .env("USAGE_NOW", at(24 * 60 + 1))
        .output();
    assert!(
        out.stderr()
            .contains("could not be delivered for a day and was dropped"),
        "{}",
        out.stderr()
    );
    let left: i64 = conn
        .query_row("SELECT count(*) FROM alert_outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

/// Debian's python3-aiosmtpd, saving what it receives into a Maildir.
struct Smtp {
    child: Child,
    port: u16,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_server(maildir: &Path) -> Option<Smtp> {
    let python = "/usr/bin/python3";
    let present = Command::new(python)
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        // CI installs it (.ci/run); a developer machine may not have it.
        assert!(
            std::env::var_os("CI").is_none(),
            "python3-aiosmtpd is missing"
        );
        eprintln!("skipped: python3-aiosmtpd is not installed");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Smtp { child, port })
}

/// The messages in a Maildir, oldest first.
fn mails(maildir: &Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(maildir.join("new")) else {
        return Vec::new();
    };
    let mut files: Vec<_> = dir.map(|e| e.unwrap().path()).collect();
    files.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

#[test]
fn email_reaches_a_real_smtp_server_and_an_unreachable_one_is_named() {
    let maildir = tempfile::tempdir().unwrap();
    // aiosmtpd makes the Maildir only where nothing exists yet.
    let maildir = maildir.path().join("mail");
    let Some(smtp) = smtp_server(&maildir) else {
        return;
    };
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = format!(
        r#"
[[alert.rule]]
name = "disk"
when = 'disk_used_percent{{mount="/"}} > 90'
severity = "critical"

[alert.channel.mail]
type = "email"
server = "127.0.0.1"
port = {}
security = "none"
from = "usage on box <usage@box.example>"
to = ["ops@example.com", "Second <second@example.com>"]

[alert.channel.sms]
type = "email"
server = "127.0.0.1"
port = {}
security = "none"
from = "usage@box.example"
to = ["5551234567@sms.example.com"]
format = "sms"

[alert.channel.down]
type = "email"
server = "127.0.0.1"
port = {closed}
security = "none"
from = "usage@box.example"
to = ["ops@example.com"]
"#,
        smtp.port, smtp.port
    );
    let sb = sandbox(&config);
    let out = sb.cmd("usage-alert").args(["test", "mail"]).output();
    assert_eq!(out.code(), 0, "{}", out.stderr());
    assert!(out.stdout().starts_with(
        "sent a test notification through 'mail' (email via 127.0.0.1 to ops@example.com"
    ));
    let out = sb.cmd("usage-alert").args(["test", "down"]).output();
    assert_eq!(out.code(), 3);
    assert!(
        out.stderr().contains(&format!(
            "channel 'down': SMTP server 127.0.0.1:{closed}: the connection was refused"
        )),
        "{}",
        out.stderr()
    );
    // Refused is not "no answer", and needs no TLS hint.
    assert!(
        !out.stderr().contains("no answer") && !out.stderr().contains("TLS"),
        "{}",
        out.stderr()
    );
    samples(&sb, 0, &[50.0], 95.0);
    let out = sb.cmd("usage-alert").env("USAGE_NOW", at(0)).output();
    assert_eq!(out.code(), 3, "{}", out.stderr());
    assert!(out.stderr().contains("channel 'down': SMTP server"));
    let (sms, got): (Vec<String>, Vec<String>) = mails(&maildir)
        .into_iter()
        .partition(|m| m.contains("To: 5551234567@sms.example.com"));
    // The gateway's form: a short subject, one line, 160 characters in all.
    assert_eq!(sms.len(), 1, "{sms:#?}");
    assert!(sms[0].contains("Subject: FIRING disk\n"), "{}", sms[0]);
    let body = sms[0].split("\n\n").nth(1).unwrap().trim_end();
    assert_eq!(
        body,
        "box: disk_used_percent{mount=\"/\"} is 95.0% (> 90.0%)"
    );
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got[0].contains("Subject: [usage] TEST info test on box"),
        "{}",
        got[0]
    );
    let alert = &got[1];
    assert!(
        alert.contains("Subject: [usage] FIRING critical disk on box"),
        "{alert}"
    );
    assert!(
        alert.contains("From: usage on box <usage@box.example>")
            || alert.contains("From: \"usage on box\" <usage@box.example>"),
        "{alert}"
    );
    assert!(
        alert.contains("To: ops@example.com, Second <second@example.com>")
            || alert.contains("second@example.com"),
        "{alert}"
    );
    assert!(
        alert.contains("disk_used_percent{mount=\"/\"} is 95.0% (> 90.0%)"),
        "{alert}"
    );
    assert!(alert.contains("severity:  critical"), "{alert}");
}

/// A private CA in `dir` and a certificate it signs for 127.0.0.1, as an internal server has:
/// (certificate, its key, the CA's certificate).
fn private_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let ok = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "openssl {args:?}");
    };
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=usage test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "key.pem",
        "-out",
        "req.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "req.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "ext.cnf",
        "-out",
        "cert.pem",
    ]);
    (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("ca.pem"),
    )
}

#[test]
fn services_over_https_trust_a_private_ca_given_as_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca) = private_ca(dir.path());
    let got = dir.path().join("got.jsonl");
    let mut server = Command::new("/usr/bin/python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/https_hook.py"
        ))
        .args([&cert, &key, &got])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut port = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let _server = Killed(vec![server]);
    let base = format!("https://127.0.0.1:{}", port.trim());
    let config = format!(
        r#"
[[alert.rule]]
name = "disk"
when = 'disk_used_percent{{mount="/"}} > 90'

[alert.channel.chat]
type = "mattermost"
url = "{base}/hooks/abc"
ca_file = "{ca}"

[alert.channel.push]
type = "ntfy"
url = "{base}/alerts"
ca_file = "{ca}"

[alert.channel.hook]
type = "webhook"
url = "{base}/hook"
ca_file = "{ca}"

[alert.channel.untrusted]
type = "slack"
url = "{base}/slack"
retries = 0
"#,
        ca = ca.display()
    );
    let sb = sandbox(&config);
    samples(&sb, 0, &[50.0], 95.0);
    let out = sb.cmd("usage-alert").env("USAGE_NOW", at(0)).output();
    // The channel without the CA fails, naming the server and why; the others deliver.
    assert_eq!(out.code(), 3, "{}", out.stderr());
    let err = out.stderr();
    assert!(
        err.contains(&format!(
            "channel 'untrusted': slack https://127.0.0.1:{}/...: ",
            port.trim()
        )) && err.to_lowercase().contains("certificate"),
        "{err}"
    );
    let requests: Vec<Value> = std::fs::read_to_string(&got)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut paths: Vec<&str> = requests
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    assert_eq!(paths, ["/alerts", "/hook", "/hooks/abc"], "{requests:?}");
    let at = |path: &str| requests.iter().find(|r| r["path"] == path).unwrap();
    assert_eq!(at("/hooks/abc")["method"], "POST");
    let chat: Value = serde_json::from_str(at("/hooks/abc")["body"].as_str().unwrap()).unwrap();
    assert!(
        chat["text"]
            .as_str()
            .unwrap()
            .starts_with("FIRING warning disk"),
        "{chat}"
    );
    // Header names as the client sent them; HTTP says they are case-insensitive.
    assert_eq!(at("/alerts")["headers"]["priority"], "4");
    let hook: Value = serde_json::from_str(at("/hook")["body"].as_str().unwrap()).unwrap();
    assert_eq!(hook["version"], 1);
    // A ca_file that holds no certificate is named.
    util::write(&sb.path("empty.pem"), "not a certificate\n");
    let config = format!(
        "[alert.channel.hook]\ntype = \"webhook\"\nurl = \"{base}/hook\"\nca_file = \"{}\"\n",
        sb.path("empty.pem").display()
    );
    util::write(&sb.path("config/usage/config.toml"), &config);
    let out = sb.cmd("usage-alert").args(["test", "hook"]).output();
    assert_eq!(out.code(), 3);
    assert!(
        out.stderr()
            .contains("empty.pem' holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)"),
        "{}",
        out.stderr()
    );
}

#[test]
fn email_over_starttls_and_implicit_tls_with_auth_and_a_private_ca() {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("mail");
    if smtp_server(&maildir).is_none() {
        return;
    }
    // A private CA and a server certificate it signs, as an internal mail relay has.
    let (cert, key, ca) = private_ca(dir.path());
    // One server per mode, both delivering into the same Maildir.
    let serve = |mode: &str| {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/smtp_tls.py");
        let mut server = Command::new("/usr/bin/python3")
            .arg(fixture)
            .arg(port.to_string())
            .arg(&maildir)
            .args([&cert, &key])
            .args(["alerts", "s3cret", mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        assert_eq!(ready.trim(), "ready");
        (server, port)
    };
    let (mut server, port) = serve("starttls");
    let (mut smtps, smtps_port) = serve("tls");
    let config = format!(
        r#"
[alert.channel.mail]
type = "email"
server = "127.0.0.1"
port = {port}
security = "starttls"
ca_file = "{ca}"
username = "alerts"
password_env = "SMTP_PASSWORD"
from = "usage@box.example"
to = ["ops@example.com"]
timeout = "2s"

[alert.channel.smtps]
type = "email"
server = "127.0.0.1"
port = {smtps_port}
security = "tls"
ca_file = "{ca}"
username = "alerts"
password_env = "SMTP_PASSWORD"
from = "usage@box.example"
to = ["ops@example.com"]

[alert.channel.tls-on-starttls-port]
type = "email"
server = "127.0.0.1"
port = {port}
security = "tls"
ca_file = "{ca}"
from = "usage@box.example"
to = ["ops@example.com"]

[alert.channel.starttls-on-tls-port]
type = "email"
server = "127.0.0.1"
port = {smtps_port}
ca_file = "{ca}"
from = "usage@box.example"
to = ["ops@example.com"]
timeout = "1s"

[alert.channel.public-roots-only]
type = "email"
server = "127.0.0.1"
port = {port}
username = "alerts"
password_env = "SMTP_PASSWORD"
from = "usage@box.example"
to = ["ops@example.com"]
"#,
        ca = ca.display()
    );
    let sb = sandbox(&config);
    let send = |channel: &str, password: &str| {
        sb.cmd("usage-alert")
            .args(["test", channel])
            .env("SMTP_PASSWORD", password)
            .output()
    };
    let out = send("mail", "s3cret");
    assert_eq!(out.code(), 0, "{}", out.stderr());
    // Implicit TLS (port 465's way): encrypted from the first byte.
    let out = send("smtps", "s3cret");
    assert_eq!(out.code(), 0, "{}", out.stderr());
    // aiosmtpd answers a wrong password by waiting: the channel's timeout ends it.
    let out = send("mail", "wrong");
    assert_eq!(out.code(), 3);
    assert!(
        out.stderr().contains(&format!(
            "channel 'mail': SMTP server 127.0.0.1:{port}: no answer within 2s"
        )),
        "{}",
        out.stderr()
    );
    // Each port's security mode used on the other: the error says which to use.
    let out = send("tls-on-starttls-port", "");
    assert_eq!(out.code(), 3);
    assert!(
        out.stderr().contains(
            "does not speak TLS from the start: on port 587 or 25 use security = \"starttls\""
        ),
        "{}",
        out.stderr()
    );
    let out = send("starttls-on-tls-port", "");
    assert_eq!(out.code(), 3);
    assert!(
        out.stderr().contains(
            "no answer within 1s (if the server expects TLS from the first byte, as on port 465, use security = \"tls\")"
        ),
        "{}",
        out.stderr()
    );
    // Without the private CA the server's certificate is not trusted: nothing is sent.
    let out = send("public-roots-only", "s3cret");
    assert_eq!(out.code(), 3);
    assert!(out.stderr().contains("certificate"), "{}", out.stderr());
    for server in [&mut server, &mut smtps] {
        drop(server.stdin.take());
        server.wait().unwrap();
    }
    let got = mails(&maildir);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got.iter()
            .all(|m| m.contains("Subject: [usage] TEST info test on box"))
    );
}

#[test]
fn without_rules_the_seed_defaults_notify_on_the_console() {
    let sb = sandbox("");
    samples(&sb, 0, &[50.0], 95.0);
    let out = sb
        .cmd("usage-alert")
        .env("USAGE_NOW", at(0))
        .env("TZ", "UTC")
        .output();
    assert_eq!(out.code(), 1, "{}", out.stderr());
    assert_eq!(
        out.stdout(),
        "2026-09-21 14:13:00 FIRING warning disk-full: disk_used_percent{mount=\"/\"} is 95.0% (> 90.0%)\n\
         2026-09-21 14:13:00 FIRING critical low-disk-space: disk_free_percent{mount=\"/\"} is 5.0% (< 10.0%)\n"
    );
    assert!(out.stderr().is_empty());
    // The next run has nothing new to say, and says nothing.
    let out = sb.cmd("usage-alert").env("USAGE_NOW", at(1)).output();
    assert_eq!((out.code(), out.stdout()), (1, String::new()));
}

#[test]
fn a_maintenance_window_in_the_configuration_silences_its_rules() {
    let start = chrono::DateTime::from_timestamp(T0, 0)
        .unwrap()
        .to_rfc3339();
    let sb = sandbox(&format!(
        r#"
[[alert.rule]]
name = "disk"
when = 'disk_used_percent{{mount="/"}} > 90'

[alert.channel.file]
type = "log"
path = "alerts.jsonl"

[[alert.maintenance]]
start = "{start}"
duration = "1h"
rules = ["disk"]
reason = "resize"
"#
    ));
    samples(&sb, 0, &[50.0], 95.0);
    assert_eq!(
        sb.cmd("usage-alert")
            .env("USAGE_NOW", at(0))
            .output()
            .code(),
        1
    );
    assert!(log(&sb).is_empty());
    let silenced: bool = sb
        .open_db()
        .query_row(
            "SELECT silenced FROM alert_events WHERE event = 'firing'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(silenced);
    let list = sb
        .cmd("usage-alert")
        .args(["maintenance", "list", "-f", "csv"])
        .env("USAGE_NOW", at(0))
        .ok()
        .stdout();
    let config = sb.path("config/usage/config.toml").display().to_string();
    assert!(
        list.contains(&format!("{config}:11,")) && list.contains(",disk,active,resize"),
        "{list}"
    );
    // Once it is over, the alert that fired inside is announced.
    samples(&sb, 60, &[50.0], 95.0);
    assert_eq!(
        sb.cmd("usage-alert")
            .env("USAGE_NOW", at(60))
            .output()
            .code(),
        1
    );
    assert_eq!(log(&sb), ["60 firing warning disk"]);
}

/// One request a service fixture received.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
    at: Instant,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{}: {e}", self.body))
    }
}

/// What the fixture received at one path, in order.
fn received(got: &[Received], path: &str) -> Vec<Received> {
    got.iter().filter(|r| r.path == path).cloned().collect()
}

/// A loopback HTTP server answering as each service does, by path: Slack's 200 "ok" and its
/// "invalid_token", Discord's 204, Teams' 202, ntfy's and Gotify's 200 with JSON, PagerDuty's
/// 202 with the dedup key, a 429 with Retry-After: 1 for the first request to /limited, and
/// 200 for any webhook under /hook/.
fn service_fixture() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::<Received>::new()));
    let seen = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            reader.read_line(&mut first).unwrap();
            let mut headers = Vec::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line == "\r\n" || line.is_empty() {
                    break;
                }
                let (name, value) = line.trim_end().split_once(':').unwrap();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
                headers.push((name.to_string(), value.trim().to_string()));
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let method = first.split_whitespace().next().unwrap().to_string();
            let path = first.split_whitespace().nth(1).unwrap().to_string();
            let body = String::from_utf8(body).unwrap();
            let limited_before = seen
                .lock()
                .unwrap()
                .iter()
                .any(|r: &Received| r.path == "/limited");
            seen.lock().unwrap().push(Received {
                method,
                path: path.clone(),
                headers,
                body: body.clone(),
                at: Instant::now(),
            });
            let json = "application/json";
            let (status, kind, text) = match path.as_str() {
                "/slack" | "/mattermost" => ("200 OK", "text/html", "ok".to_string()),
                "/slack-revoked" => ("403 Forbidden", "text/html", "invalid_token".into()),
                "/discord" => ("204 No Content", json, String::new()),
                "/teams" => ("202 Accepted", json, String::new()),
                "/ntfy/alerts" => ("200 OK", json, r#"{"id":"x1","event":"message"}"#.into()),
                "/gotify/message" => ("200 OK", json, r#"{"id":7}"#.into()),
                "/pagerduty" => {
                    let v: Value = serde_json::from_str(&body).unwrap();
                    let answer = format!(
                        r#"{{"status":"success","message":"Event processed","dedup_key":{}}}"#,
                        v["dedup_key"]
                    );
                    ("202 Accepted", json, answer)
                }
                "/botT0KEN/sendMessage" => ("200 OK", json, r#"{"ok":true,"result":{}}"#.into()),
                "/2010-04-01/Accounts/AC42/Messages.json" => (
                    "201 Created",
                    json,
                    r#"{"sid":"SM1","status":"queued"}"#.into(),
                ),
                "/limited" if !limited_before => (
                    "429 Too Many Requests\r\nRetry-After: 1",
                    "text/plain",
                    "rate limited".into(),
                ),
                "/limited" => ("200 OK", "text/html", "ok".into()),
                p if p.starts_with("/hook/") => ("200 OK", "text/plain", "thanks".into()),
                _ => ("404 Not Found", "text/plain", "no such hook".into()),
            };
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                )
                .as_bytes(),
            );
        }
    });
    (port, got)
}

#[test]
fn chat_push_and_paging_services_get_the_requests_they_document() {
    let (port, got) = service_fixture();
    let base = format!("http://127.0.0.1:{port}");
    let sb = Sandbox::new();
    util::write(&sb.path("pd-key"), "R0UT1NGKEY\n");
    util::write(&sb.path("gotify-token"), "AppToken\n");
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &str, mode: u32| {
        std::fs::set_permissions(sb.path(path), std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode("pd-key", 0o600);
    // Left readable by every user: delivered, and warned of.
    mode("gotify-token", 0o644);
    let config = format!(
        r#"
[[alert.rule]]
name = "disk"
when = 'disk_used_percent{{mount="/"}} > 90'
resolve = 85
severity = "critical"

[alert.channel.slack]
type = "slack"
url = "{base}/slack"

[alert.channel.mm]
type = "mattermost"
url = "{base}/mattermost"

[alert.channel.discord]
type = "discord"
url = "{base}/discord"

[alert.channel.teams]
type = "teams"
url = "{base}/teams"

[alert.channel.ntfy]
type = "ntfy"
url = "{base}/ntfy/alerts"
token_env = "NTFY_TOKEN"

[alert.channel.gotify]
type = "gotify"
url = "{base}/gotify/"
token_file = "{gotify}"

[alert.channel.pager]
type = "pagerduty"
url = "{base}/pagerduty"
token_file = "{pd}"

[alert.channel.tg]
type = "telegram"
url = "{base}"
token_env = "TG_TOKEN"
chat_id = -100200300

[alert.channel.sms]
type = "twilio"
url = "{base}"
account_sid = "AC42"
token_env = "TWILIO_TOKEN"
from = "+15550001111"
to = ["+15550002222", "+15550003333"]
"#,
        gotify = sb.path("gotify-token").display(),
        pd = sb.path("pd-key").display(),
    );
    let sb = sandbox_in(sb, &config);
    // The disk fills at minute 0 and is back under 85 % at minute 5.
    samples(&sb, 0, &[50.0], 95.0);
    let out = sb
        .cmd("usage-alert")
        .env("USAGE_NOW", at(0))
        .env("NTFY_TOKEN", "tk_secret")
        .env("TG_TOKEN", "T0KEN")
        .env("TWILIO_TOKEN", "tw")
        .output();
    assert_eq!(out.code(), 1, "{}", out.stderr());
    assert_eq!(
        out.stderr(),
        format!(
            "usage-alert: warning: channel 'gotify': token_file '{}' can be read by every user (chmod o-r it)\n",
            sb.path("gotify-token").display()
        )
    );
    samples(&sb, 5, &[50.0], 80.0);
    let out = sb
        .cmd("usage-alert")
        .env("USAGE_NOW", at(5))
        .env("NTFY_TOKEN", "tk_secret")
        .env("TG_TOKEN", "T0KEN")
        .env("TWILIO_TOKEN", "tw")
        .output();
    assert_eq!(out.code(), 0, "{}", out.stderr());
    let got = got.lock().unwrap().clone();
    let to = |path: &str| received(&got, path);
    // Each service: one request firing, one resolved, each as the service documents it.
    for path in [
        "/slack",
        "/mattermost",
        "/discord",
        "/teams",
        "/ntfy/alerts",
        "/gotify/message",
        "/pagerduty",
    ] {
        assert_eq!(to(path).len(), 2, "{path}: {got:?}");
    }
    let slack = to("/slack");
    assert_eq!(slack[0].header("content-type"), Some("application/json"));
    let v = slack[0].json();
    assert!(
        v["text"]
            .as_str()
            .unwrap()
            .starts_with("FIRING critical disk: "),
        "{v}"
    );
    assert_eq!(v["attachments"][0]["color"], "#cf222e");
    assert_eq!(v["attachments"][0]["blocks"][0]["type"], "section");
    assert_eq!(slack[1].json()["attachments"][0]["color"], "#1a7f37");
    let discord = to("/discord")[0].json();
    assert!(discord["content"].as_str().unwrap().starts_with("FIRING"));
    assert_eq!(discord["embeds"][0]["color"], 0xcf222e);
    let teams = to("/teams")[0].json();
    assert_eq!(teams["type"], "message");
    assert_eq!(
        teams["attachments"][0]["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(teams["attachments"][0]["content"]["type"], "AdaptiveCard");
    let ntfy = &to("/ntfy/alerts")[0];
    assert_eq!(ntfy.header("authorization"), Some("Bearer tk_secret"));
    assert_eq!(ntfy.header("priority"), Some("5"));
    assert_eq!(ntfy.header("tags"), Some("rotating_light"));
    assert!(
        ntfy.header("title")
            .unwrap()
            .starts_with("FIRING critical disk")
    );
    let gotify = &to("/gotify/message")[0];
    assert_eq!(gotify.header("x-gotify-key"), Some("AppToken"));
    assert_eq!(gotify.json()["priority"], 8);
    let pd = to("/pagerduty");
    let (trigger, resolve) = (pd[0].json(), pd[1].json());
    assert_eq!(trigger["routing_key"], "R0UT1NGKEY");
    assert_eq!(trigger["event_action"], "trigger");
    assert_eq!(trigger["payload"]["severity"], "critical");
    assert_eq!(trigger["payload"]["source"], "box");
    assert_eq!(resolve["event_action"], "resolve");
    assert_eq!(resolve["dedup_key"], trigger["dedup_key"]);
    assert_eq!(trigger["dedup_key"], "usage/box/disk//");
    let tg = to("/botT0KEN/sendMessage");
    assert_eq!(tg.len(), 2);
    assert_eq!(tg[0].json()["chat_id"], "-100200300");
    // One SMS per number and event, as a form with basic authentication.
    let sms = to("/2010-04-01/Accounts/AC42/Messages.json");
    assert_eq!(sms.len(), 4);
    assert_eq!(
        sms[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(sms[0].header("authorization"), Some("Basic QUM0Mjp0dw=="));
    assert!(
        sms[1]
            .body
            .starts_with("To=%2B15550003333&From=%2B15550001111&Body=FIRING"),
        "{}",
        sms[1].body
    );
}

#[test]
fn a_service_that_says_no_is_named_and_a_429_is_waited_out() {
    let (port, got) = service_fixture();
    let base = format!("http://127.0.0.1:{port}");
    let config = format!(
        r#"
[[alert.rule]]
name = "disk"
when = 'disk_used_percent{{mount="/"}} > 90'

[alert.channel.revoked]
type = "slack"
url = "{base}/slack-revoked"
retries = 0

[alert.channel.busy]
type = "slack"
url = "{base}/limited"
retries = 1
"#
    );
    let sb = sandbox(&config);
    samples(&sb, 0, &[50.0], 95.0);
    let out = sb.cmd("usage-alert").env("USAGE_NOW", at(0)).output();
    assert_eq!(out.code(), 3, "{}", out.stderr());
    // The service's own words, and the URL without its secret path.
    assert!(
        out.stderr().contains(&format!(
            "usage-alert: channel 'revoked': slack http://127.0.0.1:{port}/...: HTTP status 403: invalid_token (1 attempt); 1 notification kept for the next run"
        )),
        "{}",
        out.stderr()
    );
    assert!(!out.stderr().contains("slack-revoked"), "{}", out.stderr());
    // The 429 said to wait a second: the second attempt came no sooner, and got through.
    let limited = received(&got.lock().unwrap(), "/limited");
    assert_eq!(limited.len(), 2);
    assert!(limited[1].at - limited[0].at >= Duration::from_millis(990));
    assert!(!out.stderr().contains("'busy'"), "{}", out.stderr());
}

#[test]
fn a_silence_holds_back_the_alerts_its_matchers_match_and_its_end_is_said() {
    let sb = sandbox(
        r#"
[[alert.rule]]
name = "disk"
when = "disk_used_percent > 90"
repeat = "1h"

[[alert.rule]]
name = "cpu"
when = "cpu_percent > 90"
repeat = "1h"

[alert.channel.file]
type = "log"
path = "alerts.jsonl"
"#,
    );
    // CPU at 95 %, / and /boot 95 % full, each minute up to `last`, stored as by the sampler.
    let stored = std::cell::Cell::new(0);
    let sample_to = |last: i64| {
        let first = stored.replace(last + 1);
        samples(&sb, first, &vec![95.0; (last + 1 - first) as usize], 95.0);
        sb.open_db()
            .execute_batch(
                "INSERT OR IGNORE INTO mounts (id, host_id, path, device, fstype)
                   VALUES (2, 1, '/boot', '/dev/sda2', 'ext4');
                 INSERT INTO sample_disks (sample_id, mount_id, total, used, avail)
                   SELECT id, 2, 100000, 95000, 5000 FROM samples
                   WHERE id NOT IN (SELECT sample_id FROM sample_disks WHERE mount_id = 2);",
            )
            .unwrap();
    };
    let alert = |minute: i64| sb.cmd("usage-alert").env("USAGE_NOW", at(minute));
    // Bad matchers are refused, each saying what would be accepted.
    for (matcher, says) in [
        (
            "mount",
            "'mount' is not a matcher (expected name=value, name!=value, name=~regex or name!~regex)",
        ),
        ("=x", "'=x': '' is not a label name"),
        ("rule=~(", "'rule=~(': '(' is not a regular expression"),
        (
            "uuid=1",
            "no rule's alerts have the label 'uuid' (labels: rule, host, mount)",
        ),
        (
            "rule=dsk",
            "--match rule=dsk: no such rule (rules: disk, cpu)",
        ),
    ] {
        let out = alert(0)
            .args(["silence", "add", "--for", "1h", "--match", matcher])
            .output();
        assert_eq!(out.code(), 2, "{matcher}: {}", out.stderr());
        assert!(out.stderr().contains(says), "{matcher}: {}", out.stderr());
    }
    let out = alert(0)
        .args(["silence", "add", "--match", "rule=disk", "--end"])
        .arg(
            chrono::DateTime::from_timestamp(T0 - 3600, 0)
                .unwrap()
                .to_rfc3339(),
        )
        .output();
    assert_eq!(out.code(), 2, "{}", out.stderr());
    assert!(
        out.stderr().contains("before it does anything"),
        "{}",
        out.stderr()
    );
    assert!(
        sb.open_db()
            .query_row("SELECT count(*) FROM alert_silences", [], |r| r
                .get::<_, i64>(0))
            .unwrap()
            == 0
    );
    // /boot silenced from minute 0 to 20, before anything fired.
    let added = alert(0)
        .args([
            "silence",
            "add",
            "--match",
            "rule=disk",
            "--match",
            "mount=/boot",
        ])
        .args(["--for", "20m", "--reason", "boot cleanup", "--print"])
        .ok()
        .stdout();
    assert!(added.starts_with("silence #1: "), "{added}");
    assert!(
        added.trim_end().ends_with("rule=disk, mount=/boot"),
        "{added}"
    );
    sample_to(1);
    alert(1).fails(1);
    // Then every rule whose name starts with c, on this host, from minute 2 to 12 (after cpu
    // was heard of), and one planned for later, taken back.
    alert(2)
        .args([
            "silence",
            "add",
            "--match",
            "rule=~c.*",
            "--match",
            "host=box",
            "--for",
            "10m",
        ])
        .ok();
    alert(2)
        .args([
            "silence",
            "add",
            "--match",
            "mount!~/boot",
            "--start",
            "+1h",
            "--for",
            "1h",
        ])
        .ok();
    alert(3).args(["silence", "expire", "3"]).ok();
    let out = alert(3).args(["silence", "expire", "7"]).output();
    assert_eq!(out.code(), 2);
    assert!(out.stderr().contains("no silence #7"), "{}", out.stderr());
    let list = |all: bool| -> Vec<String> {
        let args: &[&str] = if all { &["--all"] } else { &[] };
        let out = alert(5)
            .args(["silence", "list", "-f", "json"])
            .args(args)
            .ok()
            .stdout();
        out.lines()
            .map(|l| {
                let s: Value = serde_json::from_str(l).unwrap();
                format!(
                    "{} {} {} {}",
                    s["id"].as_str().unwrap(),
                    s["matchers"].as_str().unwrap(),
                    s["state"].as_str().unwrap(),
                    s["reason"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        list(false),
        [
            "#1 rule=disk, mount=/boot active boot cleanup",
            "#2 rule=~c.*, host=box active "
        ]
    );
    assert_eq!(list(true)[2], "#3 mount!~/boot ended ");
    // The status says what holds each alert back.
    sample_to(5);
    alert(5).fails(1);
    let status = alert(5).args(["status", "-f", "json"]).ok().stdout();
    let held: Vec<String> = status
        .lines()
        .map(|l| {
            let a: Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {} {}",
                a["rule"].as_str().unwrap(),
                a["subject"].as_str().unwrap(),
                a["held_by"]
                    .as_str()
                    .unwrap_or("-")
                    .split(" until ")
                    .next()
                    .unwrap()
            )
        })
        .collect();
    assert_eq!(
        held,
        ["cpu  silence #2", "disk / -", "disk /boot silence #1"]
    );
    for minute in [15, 25, 30] {
        sample_to(minute);
        alert(minute).fails(1);
    }
    // Heard of: / and cpu at 1; cpu again at 15, its silence over (at 12); /boot at 20, the
    // first sample after its silence, for the first time; nothing twice, and nothing of the
    // silence taken back before it began.
    let told: Vec<String> = notifications(&sb.path("alerts.jsonl"))
        .into_iter()
        .map(|(t, v)| {
            format!(
                "{} {} {} {}",
                (t - T0) / 60,
                v["event"].as_str().unwrap(),
                v["rule"].as_str().unwrap(),
                v["subject"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        told,
        [
            "1 firing disk /",
            "1 firing cpu ",
            "15 reminder cpu ",
            "20 firing disk /boot"
        ]
    );
    // The history has /boot firing at 1, held back.
    let held: (i64, bool) = sb
        .open_db()
        .query_row(
            "SELECT ts, silenced FROM alert_events WHERE event = 'firing' AND subject = '/boot'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(((held.0 - T0) / 60, held.1), (1, true));
}

#[test]
fn an_acknowledged_alert_stops_reminding_until_it_resolves_or_the_ack_runs_out() {
    let story = cpu_story();
    // Until it resolves: no reminder at 22, no escalation at 32; the resolved notice at 48.
    let sb = sandbox(CPU_RULE);
    cron(&sb, &story, 15);
    let out = sb
        .cmd("usage-alert")
        .args(["ack", "nosuch"])
        .env("USAGE_NOW", at(16))
        .fails(2);
    assert!(
        out.stderr()
            .contains("no firing alert nosuch (firing: cpu)"),
        "{}",
        out.stderr()
    );
    let said = sb
        .cmd("usage-alert")
        .args(["ack", "cpu", "--note", "rebuilding the index", "--print"])
        .env("USAGE_NOW", at(16))
        .env("USER", "alice")
        .ok()
        .stdout();
    assert_eq!(
        said,
        "acknowledged cpu by alice (rebuilding the index): no reminders or escalation until it resolves\n"
    );
    let status = sb
        .cmd("usage-alert")
        .args(["status", "-f", "csv"])
        .env("USAGE_NOW", at(16))
        .ok()
        .stdout();
    assert!(status.contains(",alice,rebuilding the index,"), "{status}");
    let mut codes = Vec::new();
    for minute in (20..=70).step_by(5) {
        samples(
            &sb,
            minute - 4,
            &story[(minute - 4) as usize..=minute as usize],
            50.0,
        );
        codes.push(
            sb.cmd("usage-alert")
                .env("USAGE_NOW", at(minute))
                .output()
                .code(),
        );
    }
    assert_eq!(
        log(&sb),
        ["12 firing warning cpu", "48 resolved warning cpu"]
    );
    // Exit 1 while it fires, acknowledged or not.
    assert_eq!(codes, [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    let history = sb
        .cmd("usage-alert")
        .args(["history", "-f", "csv", "--since", "-1d"])
        .env("USAGE_NOW", at(70))
        .ok()
        .stdout();
    assert!(
        history.contains(",cpu,,acknowledged,,,false,by alice: rebuilding the index"),
        "{history}"
    );
    assert!(
        history.contains(",cpu,,unacknowledged,,,false,the alert resolved"),
        "{history}"
    );
    // Once resolved it is no longer acknowledged.
    let out = sb
        .cmd("usage-alert")
        .args(["unack", "cpu"])
        .env("USAGE_NOW", at(70))
        .fails(2);
    assert!(
        out.stderr().contains("cpu is not acknowledged"),
        "{}",
        out.stderr()
    );

    // For ten minutes: the reminder owed comes when it runs out (26), the escalation at 32.
    let sb = sandbox(CPU_RULE);
    cron(&sb, &story, 15);
    sb.cmd("usage-alert")
        .args(["ack", "cpu", "--for", "10m"])
        .env("USAGE_NOW", at(16))
        .ok();
    for minute in (20..=70).step_by(5) {
        samples(
            &sb,
            minute - 4,
            &story[(minute - 4) as usize..=minute as usize],
            50.0,
        );
        sb.cmd("usage-alert").env("USAGE_NOW", at(minute)).output();
    }
    assert_eq!(
        log(&sb),
        [
            "12 firing warning cpu",
            "26 reminder warning cpu",
            "32 escalated critical cpu",
            "42 reminder critical cpu",
            "48 resolved critical cpu",
        ]
    );
}

#[test]
fn a_webhook_sends_the_request_its_channel_writes_with_every_value_escaped() {
    let (port, got) = service_fixture();
    let base = format!("http://127.0.0.1:{port}");
    let sb = Sandbox::new();
    util::write(&sb.path("hook-key"), "s3cret\n");
    std::fs::set_permissions(
        sb.path("hook-key"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    // The rule's message holds quotes, a line break and what would be a header of its own.
    let config = format!(
        r#"
[[alert.rule]]
name = "disk"
when = 'disk_used_percent{{mount="/"}} > 90'
message = "disk \"{{mount}}\" is full\nX-Injected: yes"

[alert.channel.json]
type = "webhook"
url = "{base}/hook/json"
headers = {{ X-Api-Key = "{{{{token}}}}", X-Alert = "{{{{message}}}}" }}
token_file = "{key}"
body = '{{"title": "{{{{headline}}}}", "text": "{{{{message}}}}", "value": {{{{value}}}}, "doc": {{{{json}}}}}}'

[alert.channel.form]
type = "webhook"
url = "{base}/hook/form"
form = {{ text = "{{{{message}}}}", sev = "{{{{severity}}}}" }}
username = "ops"
password_env = "HOOK_PASSWORD"

[alert.channel.put]
type = "webhook"
url = "{base}/hook/put"
method = "PUT"
body = "{{{{event}}}} {{{{rule}}}} on {{{{host}}}}"
content_type = "text/plain; charset=utf-8"

[alert.channel.lost]
type = "webhook"
url = "{base}/hook/lost"
headers = {{ X-Api-Key = "{{{{token}}}}" }}
token_file = "/nonexistent/hook-key"
"#,
        key = sb.path("hook-key").display()
    );
    let sb = sandbox_in(sb, &config);
    samples(&sb, 0, &[50.0], 95.0);
    let out = sb
        .cmd("usage-alert")
        .env("USAGE_NOW", at(0))
        .env("HOOK_PASSWORD", "pa:ss")
        .output();
    // The channel whose token file is missing is warned of and fails; the others deliver.
    assert_eq!(out.code(), 3, "{}", out.stderr());
    let err = out.stderr();
    assert!(
        err.starts_with("usage-alert: warning: channel 'lost': token_file '/nonexistent/hook-key' cannot be read (No such file or directory (os error 2)): its notifications fail until it can\n"),
        "{err}"
    );
    assert!(
        err.contains("channel 'lost': cannot read webhook token file '/nonexistent/hook-key'"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "{err}");
    let got = got.lock().unwrap().clone();
    let message = "disk \"/\" is full\nX-Injected: yes";
    let json = received(&got, "/hook/json");
    assert_eq!(json.len(), 1, "{got:?}");
    let r = &json[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.header("X-Api-Key"), Some("s3cret"));
    // The line break became a space: no header of its own.
    assert_eq!(
        r.header("X-Alert"),
        Some("disk \"/\" is full X-Injected: yes")
    );
    assert!(r.header("X-Injected").is_none(), "{:?}", r.headers);
    let v = r.json();
    assert_eq!(
        v["title"],
        "FIRING warning disk: disk \"/\" is full\nX-Injected: yes"
    );
    assert_eq!(v["text"], message);
    assert_eq!(v["value"], 95.0);
    assert_eq!(v["doc"]["rule"], "disk");
    assert_eq!(v["doc"]["message"], message);
    let form = received(&got, "/hook/form");
    assert_eq!(form.len(), 1, "{got:?}");
    let r = &form[0];
    assert_eq!(
        r.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    // Basic authentication of ops:pa:ss, and each field percent-encoded.
    assert_eq!(r.header("Authorization"), Some("Basic b3BzOnBhOnNz"));
    assert_eq!(
        r.body,
        "sev=warning&text=disk%20%22%2F%22%20is%20full%0AX-Injected%3A%20yes"
    );
    let put = received(&got, "/hook/put");
    assert_eq!(put.len(), 1, "{got:?}");
    assert_eq!(put[0].method, "PUT");
    assert_eq!(put[0].body, "firing disk on box");
    // The token went nowhere else: not to stderr, not to the history.
    let conn = sb.open_db();
    let leaked: i64 = conn
        .query_row(
            "SELECT count(*) FROM alert_events WHERE message LIKE '%s3cret%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leaked, 0);
}

/// Processes a test started, killed when it ends.
struct Killed(Vec<Child>);

impl Drop for Killed {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
fn the_desktop_channel_reaches_a_notification_service_on_a_real_session_bus() {
    let python = "/usr/bin/python3";
    let gi = Command::new(python)
        .args(["-c", "import gi"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        gi || std::env::var_os("CI").is_none(),
        "python3-gi is missing"
    );
    if !util::needed("dbus-daemon") || !gi {
        return;
    }
    let sb = sandbox(
        r#"
[[alert.rule]]
name = "disk"
when = 'disk_used_percent{mount="/"} > 90'
severity = "critical"

[[alert.rule]]
name = "cpu"
when = "cpu_percent > 90"

[alert.channel.desk]
type = "desktop"

[alert.channel.file]
type = "log"
path = "alerts.jsonl"
"#,
    );
    let bus = format!("unix:path={}", sb.path("bus").display());
    let mut children = Killed(Vec::new());
    children.0.push(
        Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--address", &bus])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while !sb.path("bus").exists() {
        assert!(Instant::now() < deadline, "dbus-daemon did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Without a notification service the failure says so; the log still hears the alerts.
    samples(&sb, 0, &[95.0], 95.0);
    let out = sb
        .cmd("usage-alert")
        .env("USAGE_NOW", at(0))
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .output();
    assert_eq!(out.code(), 3, "{}", out.stderr());
    assert!(
        out.stderr().contains(&format!(
            "channel 'desk': the session bus {bus} has no notification service (org.freedesktop.DBus.Error.ServiceUnknown: "
        )),
        "{}",
        out.stderr()
    );
    assert_eq!(log(&sb), ["0 firing critical disk", "0 firing warning cpu"]);
    // With one (GLib's D-Bus, a peer of its own), the next run delivers what failed: both
    // alerts of the run as one notification, critical.
    let got = sb.path("got.jsonl");
    let mut notifyd = Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/notifyd.py"
        ))
        .arg(&bus)
        .arg(&got)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(notifyd.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert_eq!(ready, "ready\n");
    children.0.push(notifyd);
    let out = sb
        .cmd("usage-alert")
        .env("USAGE_NOW", at(1))
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .output();
    assert_eq!(out.code(), 1, "{}", out.stderr());
    assert!(out.stderr().is_empty(), "{}", out.stderr());
    let calls: Vec<Value> = std::fs::read_to_string(&got)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let c = &calls[0];
    assert_eq!(c[0], "usage-alert");
    assert_eq!(c[2], "dialog-error");
    assert_eq!(c[3], "2 alerts: 1 critical, 1 warning");
    assert!(c[4].as_str().unwrap().contains("disk"), "{c}");
    assert_eq!(c[6]["urgency"], 2);
    assert_eq!(c[7], -1);
    // No bus at all: the error says where it looked and what cron needs.
    let out = sb.cmd("usage-alert").args(["test", "desk"]).output();
    assert_eq!(out.code(), 3);
    assert!(
        out.stderr()
            .contains("no session bus at unix:path=/run/user/")
            && out.stderr().contains("in the desktop user's crontab"),
        "{}",
        out.stderr()
    );
}

#[test]
fn five_alerts_in_one_run_reach_a_chat_as_one_message_and_a_pager_as_five_incidents() {
    let (port, got) = service_fixture();
    let base = format!("http://127.0.0.1:{port}");
    let sb = Sandbox::new();
    util::write(&sb.path("pd-key"), "K\n");
    std::fs::set_permissions(
        sb.path("pd-key"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let mut config = String::new();
    for (name, when, severity) in [
        ("cpu-10", "cpu_percent > 10", "warning"),
        ("cpu-20", "cpu_percent > 20", "warning"),
        ("cpu-30", "cpu_percent > 30", "info"),
        ("cpu-40", "cpu_percent > 40", "warning"),
        ("disk", "disk_used_percent > 90", "critical"),
    ] {
        config.push_str(&format!(
            "[[alert.rule]]\nname = \"{name}\"\nwhen = \"{when}\"\nseverity = \"{severity}\"\n\n"
        ));
    }
    config.push_str(&format!(
        "[alert.channel.slack]\ntype = \"slack\"\nurl = \"{base}/slack\"\n\n\
         [alert.channel.teams]\ntype = \"teams\"\nurl = \"{base}/teams\"\ngroup = \"none\"\n\n\
         [alert.channel.pager]\ntype = \"pagerduty\"\nurl = \"{base}/pagerduty\"\ntoken_file = \"{}\"\n",
        sb.path("pd-key").display()
    ));
    let sb = sandbox_in(sb, &config);
    samples(&sb, 0, &[50.0], 95.0);
    let out = sb.cmd("usage-alert").env("USAGE_NOW", at(0)).output();
    assert_eq!(out.code(), 1, "{}", out.stderr());
    let got = got.lock().unwrap().clone();
    let to = |path: &str| received(&got, path);
    let slack = to("/slack");
    assert_eq!(slack.len(), 1, "{got:?}");
    let v = slack[0].json();
    assert_eq!(v["text"], "5 alerts: 1 critical, 3 warning, 1 info");
    // The block holds a line per alert, and the colour is the highest severity's.
    let block = v["attachments"][0]["blocks"][0]["text"]["text"]
        .as_str()
        .unwrap();
    assert_eq!(
        block.lines().filter(|l| l.starts_with("FIRING ")).count(),
        5,
        "{block}"
    );
    assert!(block.contains("FIRING critical disk: "), "{block}");
    assert_eq!(v["attachments"][0]["color"], "#cf222e");
    assert_eq!(to("/teams").len(), 5);
    let pd = to("/pagerduty");
    assert_eq!(pd.len(), 5);
    let keys: std::collections::BTreeSet<String> = pd
        .iter()
        .map(|r| r.json()["dedup_key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
}

#[test]
fn escalate_to_reaches_a_second_channel_from_the_escalation_on() {
    let config = CPU_RULE.replace(
        "escalate_after = \"20m\"\n",
        "escalate_after = \"20m\"\nchannels = [\"file\"]\nescalate_to = [\"pager\"]\n",
    ) + "\n[alert.channel.pager]\ntype = \"log\"\npath = \"pager.jsonl\"\n";
    let sb = sandbox(&config);
    cron(&sb, &cpu_story(), 70);
    assert_eq!(
        log(&sb),
        [
            "12 firing warning cpu",
            "22 reminder warning cpu",
            "32 escalated critical cpu",
            "42 reminder critical cpu",
            "48 resolved critical cpu",
        ]
    );
    assert_eq!(
        log_of(&sb, "pager.jsonl"),
        [
            "32 escalated critical cpu",
            "42 reminder critical cpu",
            "48 resolved critical cpu",
        ]
    );
    // A channel that is not there is named.
    let sb = sandbox(&CPU_RULE.replace(
        "escalate_after = \"20m\"\n",
        "escalate_after = \"20m\"\nescalate_to = [\"oncall\"]\n",
    ));
    let out = sb.cmd("usage-alert").args(["rules"]).output();
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr()
            .contains("rule 'cpu': unknown channel 'oncall' (configured: file)"),
        "{}",
        out.stderr()
    );
}
