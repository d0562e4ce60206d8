//! Application usage events through the real binaries: a usage logger's files in its exact
//! format (tests/fixtures/vsat, written by make.py there) imported and reported with the figures
//! its own analytics would compute, worked out by hand below; logs rotated, re-imported and
//! appended to; every kind of bad line; events recorded by many processes at once; the machine's
//! CPU during a session; a rule on the errors.
#![allow(clippy::unwrap_used)]

mod util;

use std::path::PathBuf;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vsat")
        .join(name)
}

fn logs() -> Vec<PathBuf> {
    let mut files = vec![fixture("usage.log.1"), fixture("usage.log")];
    for id in [
        "20240101090000",
        "20240101140000",
        "20240102083000",
        "20240102100000",
    ] {
        files.push(fixture(&format!("session_{id}.json")));
    }
    files
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `usage-report ARGS -f json` in UTC at a pinned time after the fixture.
fn report(sb: &util::Sandbox, args: &[&str]) -> Vec<Value> {
    report_at(sb, "1704326400", args) // 2024-01-04 00:00 UTC
}

fn report_at(sb: &util::Sandbox, now: &str, args: &[&str]) -> Vec<Value> {
    let out = sb
        .cmd("usage-report")
        .args(args)
        .args(["-f", "json"])
        .env("TZ", "UTC")
        .env("USAGE_NOW", now)
        .ok();
    json_lines(&out.stdout())
}

fn import(sb: &util::Sandbox, files: &[PathBuf]) -> Vec<Value> {
    let out = sb
        .cmd("usage-import")
        .args(["events", "--app", "vsat", "-f", "json"])
        .args(files)
        .env("TZ", "UTC")
        .env("USAGE_NOW", "1704326400")
        .ok();
    json_lines(&out.stdout())
}

fn sum(rows: &[Value], key: &str) -> f64 {
    rows.iter().map(|r| r[key].as_f64().unwrap()).sum()
}

#[test]
fn the_loggers_files_report_what_its_own_analytics_compute() {
    let sb = util::Sandbox::new();
    let done = import(&sb, &logs());
    let added: Vec<i64> = done.iter().map(|r| r["added"].as_i64().unwrap()).collect();
    // The rotated log has the first day's two sessions (10 events), the current log the rest
    // (11); the summaries repeat what the logs hold.
    assert_eq!(added, vec![10, 11, 0, 0, 0, 0], "{done:?}");
    assert_eq!(done[2]["stored"], 5);

    // Its analytics read the four session summaries (ended sessions):
    //   durations 60 + 30 + 60 + 45 = 195 minutes: 3.25 hours, 48.75 minutes on average;
    //   actions 3 + 2 + 3 + 1 = 9, 9 / 3.25 = 2.77 per hour;
    //   per start date: 01-01 1.5 h in 2 sessions with 5 actions, 01-02 1.75 h, 2, 4.
    let ended = report(
        &sb,
        &["sessions", "--since", "2024-01-01", "--until", "2024-01-02"],
    );
    assert_eq!(ended.len(), 2, "{ended:?}");
    assert_eq!(sum(&ended, "sessions"), 4.0);
    assert_eq!(sum(&ended, "hours"), 3.25);
    assert_eq!(sum(&ended, "actions"), 9.0);
    let ana = &ended[0];
    assert_eq!(
        (ana["user"].as_str(), ana["sessions"].as_i64()),
        (Some("ana"), Some(3))
    );
    // ana: 60 + 30 + 45 minutes, 6 actions, the io_error; most active 09:00, then 14:00.
    assert_eq!(ana["hours"], 2.25);
    assert_eq!(ana["avg_minutes"], 45.0);
    assert_eq!(ana["actions_per_hour"], 2.67);
    assert_eq!(ana["errors"], 1);
    assert_eq!(ana["busiest_hours"], "09-10 14-15 10-11");
    let all_minutes = sum(&ended, "hours") * 60.0 / sum(&ended, "sessions");
    assert_eq!(all_minutes, 48.75);
    assert_eq!(
        (sum(&ended, "actions") / sum(&ended, "hours") * 100.0).round() / 100.0,
        2.77
    );
    let daily = report(
        &sb,
        &[
            "sessions",
            "--daily",
            "--since",
            "2024-01-01",
            "--until",
            "2024-01-02",
        ],
    );
    let day = |d: &str| -> (f64, f64, f64) {
        let rows: Vec<Value> = daily.iter().filter(|r| r["date"] == d).cloned().collect();
        (
            sum(&rows, "hours"),
            sum(&rows, "sessions"),
            sum(&rows, "actions"),
        )
    };
    assert_eq!(day("2024-01-01"), (1.5, 2.0, 5.0));
    assert_eq!(day("2024-01-02"), (1.75, 2.0, 4.0));
    // Work hours: ana's first and last activity on the first day.
    let first = daily.iter().find(|r| r["date"] == "2024-01-01").unwrap();
    assert_eq!(first["first"], "2024-01-01T09:00:00+00:00");
    assert_eq!(first["last"], "2024-01-01T14:30:00+00:00");

    // ben's third-day session was never ended: it closes 30 minutes after its last event
    // (09:20), marked idle; a shorter timeout in the configuration re-derives it.
    let list = report(
        &sb,
        &[
            "sessions",
            "--list",
            "--user",
            "ben",
            "--since",
            "2024-01-03",
        ],
    );
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["how"], "idle");
    assert_eq!(list[0]["end"], "2024-01-03T09:50:00+00:00");
    assert_eq!(list[0]["minutes"], 50.0);
    util::write(
        &sb.path("config/usage/config.toml"),
        "[sessions]\nidle = \"10m\"\n",
    );
    let list = report(
        &sb,
        &[
            "sessions",
            "--list",
            "--user",
            "ben",
            "--since",
            "2024-01-03",
        ],
    );
    assert_eq!(list[0]["end"], "2024-01-03T09:30:00+00:00");
    assert_eq!(list[0]["minutes"], 30.0);

    // Actions by type per day.
    let activity = report(&sb, &["activity", "--since", "2024-01-01"]);
    let opened: Vec<(String, i64)> = activity
        .iter()
        .filter(|r| r["type"] == "open_file")
        .map(|r| {
            (
                r["date"].as_str().unwrap().to_string(),
                r["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        opened,
        vec![
            ("2024-01-01".into(), 3),
            ("2024-01-02".into(), 2),
            ("2024-01-03".into(), 1)
        ]
    );
    assert!(
        activity
            .iter()
            .any(|r| r["kind"] == "error" && r["type"] == "io_error" && r["count"] == 1)
    );

    // Importing everything again adds nothing.
    let again = import(&sb, &logs());
    assert!(again.iter().all(|r| r["added"] == 0), "{again:?}");
    let conn = sb.open_db();
    assert_eq!(util::count(&conn, "SELECT count(*) FROM app_events"), 21);
    assert_eq!(util::count(&conn, "SELECT count(*) FROM app_sessions"), 5);
    util::assert_intact(&conn);
}

#[test]
fn a_log_being_written_is_read_up_to_its_last_whole_line() {
    let sb = util::Sandbox::new();
    let whole = std::fs::read_to_string(fixture("usage.log")).unwrap();
    let lines: Vec<&str> = whole.lines().collect();
    let log = sb.path("usage.log");
    // Three whole lines and half of the fourth.
    let half = &lines[3][..lines[3].len() / 2];
    util::write(
        &log,
        &format!("{}\n{}\n{}\n{half}", lines[0], lines[1], lines[2]),
    );
    let done = import(&sb, std::slice::from_ref(&log));
    assert_eq!(
        (done[0]["added"].as_i64(), done[0]["unfinished"].as_bool()),
        (Some(3), Some(true))
    );
    // The writer finishes the line and goes on.
    util::write(&log, &whole);
    let done = import(&sb, std::slice::from_ref(&log));
    assert_eq!(
        (done[0]["added"].as_i64(), done[0]["stored"].as_i64()),
        (Some(8), Some(3))
    );
    assert_eq!(done[0]["unfinished"], false);
}

const GOOD: &str = r#"2024-01-05 10:00:00 - INFO - {"event": "session_start", "session_id": "s1", "user_id": "ana", "timestamp": "2024-01-05T10:00:00", "system_info": {}}"#;

#[test]
fn bad_lines_are_skipped_with_their_place_or_refuse_the_file_with_strict() {
    let sb = util::Sandbox::new();
    let ev = |kind: &str, session: &str, user: &str, time: &str, extra: &str| {
        format!(
            r#"{{"event": "{kind}", "session_id": "{session}", "user_id": "{user}", "timestamp": "{time}"{extra}}}"#
        )
    };
    let bad = [
        GOOD.to_string(), // 1
        "2024-01-05 10:01:00 - INFO - {\"event\": \"user_action\", \"session_id\"".into(), // 2
        ev("login", "s1", "ana", "2024-01-05T10:02:00", ""), // 3
        ev("session_start", "s2", "ben", "2024-01-05T11:00:00", ""), // 4
        ev("session_end", "s2", "ben", "2024-01-05T10:30:00", ""), // 5
        ev(
            "user_action",
            "s1",
            "ben",
            "2024-01-05T10:03:00",
            r#", "action_type": "x""#,
        ), // 6
        ev(
            "user_action",
            "s1",
            "ana",
            "2024-01-05T09:50:00",
            r#", "action_type": "early""#,
        ), // 7
        ev(
            "user_action",
            "s1",
            "ana",
            "2031-01-01T00:00:00",
            r#", "action_type": "late""#,
        ), // 8
        "Traceback (most recent call last):".into(), // 9
        ev(
            "user_action",
            "s1",
            "ana",
            "2024-01-05T10:04:00",
            r#", "action_type": "ok""#,
        ), // 10
    ]
    .join("\n");
    let log = sb.path("bad.log");
    // The last line is cut off for good.
    util::write(&log, &format!("{bad}\n{{\"event\": \"user_ac"));
    let run = |strict: bool| {
        let mut c = sb
            .cmd("usage-import")
            .args(["events", "--app", "vsat", "-f", "json"])
            .env("TZ", "UTC")
            .env("USAGE_NOW", "1704499200"); // 2024-01-06
        if strict {
            c = c.arg("--strict");
        }
        c.arg(&log).output()
    };
    let out = run(true);
    assert_eq!(out.code(), 1, "{}", out.stderr());
    assert!(
        out.stderr().contains(&format!(
            "{}:2: not valid JSON (EOF while parsing an object, at column 66) (refused by --strict; nothing from the file was written)",
            log.display()
        )),
        "{}",
        out.stderr()
    );
    // Nothing was written: not even the database the run would have created.
    assert!(!sb.db().exists());

    let out = run(false);
    assert_eq!(out.code(), 0, "{}", out.stderr());
    let err = out.stderr();
    let f = log.display().to_string();
    for expected in [
        format!("{f}:2: not valid JSON (EOF while parsing an object, at column 66); skipped"),
        format!(
            "{f}:3: unknown event kind 'login' (expected session_start, session_end, user_action or error); skipped"
        ),
        format!(
            "{f}:5: session_end at 2024-01-05 10:30:00 is before session 's2''s start at 2024-01-05 11:00:00; skipped"
        ),
        format!(
            "{f}:6: session 's1' of vsat is user 'ana''s; this event names user 'ben' (a session id used twice?); skipped"
        ),
        format!(
            "{f}:7: user_action at 2024-01-05 09:50:00 is 10m before session 's1''s start at 2024-01-05 10:00:00 (clock skew?); kept, the session taken to begin then"
        ),
        format!(
            "{f}:8: the event's time 2031-01-01 00:00:00 is more than a day ahead of this machine's clock (a clock set wrong?); skipped"
        ),
        format!(
            "{f}:9: not an event: 'Traceback (most recent call last):' (expected a JSON object, alone or after a 'YYYY-MM-DD HH:MM:SS - LEVEL - ' prefix); skipped"
        ),
    ] {
        assert!(err.contains(&expected), "missing {expected}\nin {err}");
    }
    let summary = json_lines(&out.stdout());
    assert_eq!(summary[0]["added"], 4, "{summary:?}"); // lines 1, 4, 7, 10
    assert_eq!(summary[0]["skipped"], 6);
    assert_eq!(summary[0]["unfinished"], true);
    let list = report_at(
        &sb,
        "1704499200",
        &["sessions", "--list", "--since", "2024-01-05"],
    );
    let s1 = list.iter().find(|r| r["session"] == "s1").unwrap();
    assert_eq!(s1["start"], "2024-01-05T09:50:00+00:00");

    // A file with no events at all is refused whole.
    util::write(&sb.path("notes.txt"), "hello\nworld\n");
    let out = sb
        .cmd("usage-import")
        .args(["events", "--app", "vsat"])
        .arg(sb.path("notes.txt"))
        .output();
    assert_eq!(out.code(), 1);
    assert!(
        out.stderr()
            .contains("holds no events: none of its 2 lines is a JSON event"),
        "{}",
        out.stderr()
    );
}

#[test]
fn events_from_many_processes_at_once_are_all_kept() {
    let sb = util::Sandbox::new();
    let db = sb.db();
    sb.cmd("usage-import")
        .args([
            "event",
            "--app",
            "build",
            "--session",
            "job-7",
            "--user",
            "ci",
            "--start",
        ])
        .args(["--at", "2024-01-05T10:00:00Z"])
        .ok();
    let exe = env!("CARGO_BIN_EXE_usage-import");
    let children: Vec<std::process::Child> = (0..40)
        .map(|i| {
            std::process::Command::new(exe)
                .env_clear()
                .env("USAGE_DB", &db)
                .env("HOME", sb.path(""))
                .args([
                    "event",
                    "--app",
                    "build",
                    "--session",
                    "job-7",
                    "--user",
                    "ci",
                ])
                .args(["--action", "step", "--detail", &format!("n={i}")])
                .args(["--at", &format!("2024-01-05T10:{:02}:00Z", i + 1)])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let conn = sb.open_db();
    assert_eq!(
        util::count(&conn, "SELECT count(*) FROM app_events WHERE kind = 2"),
        40
    );
    assert_eq!(util::count(&conn, "SELECT actions FROM app_sessions"), 40);
    // The detail is kept as the logger keeps it: JSON.
    let detail: String = conn
        .query_row(
            "SELECT detail FROM app_events WHERE at = ?1",
            [1_704_448_860_000_000i64],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(detail, r#"{"n":"0"}"#);
    // An end before the start, and another user's session, are refused with the reason.
    let out = sb
        .cmd("usage-import")
        .args([
            "event",
            "--app",
            "build",
            "--session",
            "job-7",
            "--user",
            "ci",
            "--end",
        ])
        .args(["--at", "2024-01-05T09:00:00Z"])
        .env("TZ", "UTC")
        .fails(1);
    assert!(out.stderr().contains("session_end at 2024-01-05 09:00:00 is before session 'job-7''s start at 2024-01-05 10:00:00"), "{}", out.stderr());
    let out = sb
        .cmd("usage-import")
        .args([
            "event",
            "--app",
            "build",
            "--session",
            "job-7",
            "--user",
            "eve",
            "--action",
            "x",
        ])
        .fails(1);
    assert!(
        out.stderr()
            .contains("session 'job-7' of build is user 'ci''s; this event names user 'eve'"),
        "{}",
        out.stderr()
    );
    let out = sb
        .cmd("usage-import")
        .args([
            "event",
            "--app",
            "build",
            "--session",
            "job-7",
            "--detail",
            "oops",
        ])
        .fails(2);
    assert!(
        out.stderr().contains("expected KEY=VALUE"),
        "{}",
        out.stderr()
    );
}

#[test]
fn a_session_lists_what_the_machine_did_during_it_and_a_rule_counts_its_errors() {
    let sb = util::Sandbox::new();
    // The samples and the events are of one host, whatever the fake root's name.
    util::write(&sb.path("config/usage/config.toml"), "host = \"lab\"\n");
    // 2024-01-01 09:09 UTC: a baseline sample, then three minutes 20, 60 and 40 % busy, all
    // within ana's first session (09:00 to 10:00).
    let mut m = util::Machine::new(&sb, 1_704_100_140);
    m.sample(&sb).succeeded();
    for busy in [20, 60, 40] {
        m.minute(busy);
        m.sample(&sb).succeeded();
    }
    let host = util::count(&sb.open_db(), "SELECT count(*) FROM hosts");
    assert_eq!(host, 1);
    import(&sb, &logs());
    let list = report(
        &sb,
        &[
            "sessions",
            "--session",
            "20240101090000",
            "--since",
            "2024-01-01",
        ],
    );
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        (
            list[0]["cpu_min"].as_f64(),
            list[0]["cpu_avg"].as_f64(),
            list[0]["cpu_max"].as_f64()
        ),
        (Some(20.0), Some(40.0), Some(60.0))
    );
    assert!(list[0]["memory_avg"].as_f64().is_some());
    // Its second session had no samples: nothing to say.
    let other = report(
        &sb,
        &[
            "sessions",
            "--session",
            "20240101140000",
            "--since",
            "2024-01-01",
        ],
    );
    assert_eq!(other[0]["cpu_avg"], Value::Null);
    let out = sb
        .cmd("usage-report")
        .args(["sessions", "--session", "nope", "--since", "2024-01-01"])
        .env("USAGE_NOW", "1704326400")
        .fails(1);
    assert!(
        out.stderr().contains("no session 'nope' overlaps"),
        "{}",
        out.stderr()
    );

    // An error an hour ago counts; the rule on the app's errors fires.
    util::write(
        &sb.path("config/usage/config.toml"),
        "host = \"lab\"\n[[alert.rule]]\nname = \"app-errors\"\nwhen = \"app_errors{app=\\\"vsat\\\"} > 0\"\n\n\
         [alert.channel.file]\ntype = \"log\"\npath = \"alerts.jsonl\"\n",
    );
    let now = 1_704_326_400;
    sb.cmd("usage-import")
        .args([
            "event",
            "--app",
            "vsat",
            "--session",
            "late",
            "--user",
            "ana",
            "--error",
            "disk full",
        ])
        .args(["--action", "io_error", "--at", "2024-01-03T23:30:00Z"])
        .env("USAGE_NOW", now.to_string())
        .ok();
    let out = sb
        .cmd("usage-alert")
        .env("TZ", "UTC")
        .env("USAGE_NOW", now.to_string())
        .output();
    assert_eq!(out.code(), 1, "{}", out.stderr());
    let told = util::notifications(&sb.path("alerts.jsonl"));
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].1["subject"], "vsat");
    assert_eq!(told[0].1["value"], 1.0);
}
