//! Login sessions from wtmp against the peers people check them with: `last -F` (util-linux)
//! for the list and `ac -d -p` (Debian's acct) for the hours per user and day, on the same
//! records, written by `utmpdump -r`.
#![allow(clippy::unwrap_used)]

mod util;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use usage::logins::{self, End};
use usage::time::Zone;

/// Midnight UTC, Tuesday 2026-12-01.
const T0: i64 = 1_796_083_200;

/// A small deterministic generator: the same fixture on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn stamp(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S,000000+00:00")
        .to_string()
}

/// One record in utmpdump's text form.
fn line(kind: u8, pid: u32, user: &str, tty: &str, host: &str, t: i64) -> String {
    let id = tty.rsplit('/').next().unwrap_or(tty);
    format!(
        "[{kind}] [{pid:05}] [{id:<4.4}] [{user:<8}] [{tty:<12}] [{host:<20}] [0.0.0.0        ] [{}]\n",
        stamp(t)
    )
}

/// Twenty days of logins on a few lines: overlapping sessions of one user, sessions over
/// midnight, logins that supplant another on their line, shutdowns, and crashes (a boot with
/// nobody logged out). It ends with a shutdown, so nothing is still logged in.
fn fixture() -> String {
    let mut rng = Lcg(42);
    let users = ["alice", "bob", "carol", "dave"];
    let ttys = ["tty1", "tty2", "pts/0", "pts/1", "pts/2"];
    let mut out = line(2, 0, "reboot", "~", "6.1.0", T0);
    let mut open: BTreeMap<&str, (u32, i64)> = BTreeMap::new();
    let mut t = T0 + 600;
    let mut pid = 1000;
    while t < T0 + 20 * 86_400 {
        t += 60 * (1 + rng.below(180) as i64);
        match rng.below(20) {
            0 => {
                out += &line(1, 0, "shutdown", "~~", "6.1.0", t);
                open.clear();
                t += 600;
                out += &line(2, 0, "reboot", "~", "6.1.0", t);
            }
            1 => {
                // A crash: the next boot, nobody logged out.
                t += 1800;
                open.clear();
                out += &line(2, 0, "reboot", "~", "6.1.0", t);
            }
            2..=10 => {
                let tty = ttys[rng.below(ttys.len() as u64) as usize];
                let user = users[rng.below(users.len() as u64) as usize];
                pid += 1;
                let host = if tty.starts_with("pts") {
                    "10.0.0.5"
                } else {
                    ""
                };
                out += &line(7, pid, user, tty, host, t);
                open.insert(tty, (pid, t));
            }
            _ => {
                if let Some(tty) = open.keys().nth(rng.below(5) as usize).copied() {
                    let (pid, _) = open.remove(tty).unwrap();
                    out += &line(8, pid, "", tty, "", t);
                }
            }
        }
    }
    out + &line(1, 0, "shutdown", "~~", "6.1.0", t + 60)
}

/// A sandbox with a fake root (see `util::fake_root`) and the path of its wtmp, not written yet.
fn machine() -> (util::Sandbox, PathBuf, PathBuf) {
    let sb = util::Sandbox::new();
    let root = util::fake_root(&sb, false);
    let wtmp = root.join("var/log/wtmp");
    std::fs::create_dir_all(wtmp.parent().unwrap()).unwrap();
    (sb, root, wtmp)
}

/// Binary wtmp records from utmpdump's text form.
fn wtmp_of(text: &str) -> Vec<u8> {
    let mut child = Command::new("utmpdump")
        .arg("-r")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap().stdout
}

/// `ac -d -p` counting crashed and supplanted sessions to their ends, as we do, as lines
/// "Dec  1 alice 9.38", users sorted within a day. It calls the last day it shows "Today".
fn ac_hours(wtmp: &str) -> Vec<String> {
    let mut theirs = Vec::new();
    let mut users = Vec::new();
    for l in run(
        "ac",
        &["-d", "-p", "--reboots", "--supplants", "-f", wtmp],
        None,
    )
    .lines()
    {
        let l = l.trim_end();
        if let Some(rest) = l.strip_prefix('\t') {
            let (user, hours) = rest.split_once(' ').unwrap();
            users.push(format!("{user} {}", hours.trim()));
        } else if let Some((day, _)) = l.split_once("\ttotal") {
            users.sort();
            for u in users.drain(..) {
                theirs.push(format!("{day} {u}"));
            }
        }
    }
    theirs
}

fn run(program: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(program)
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{program} {args:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sessions_match_last_and_hours_match_ac_on_the_same_records() {
    if !util::needed("utmpdump") || !util::needed("last") || !util::needed("ac") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let wtmp = dir.path().join("wtmp");
    std::fs::write(&wtmp, wtmp_of(&fixture())).unwrap();
    let records = usage::collect::utmp::read(&wtmp).unwrap();
    let sessions = logins::sessions(&records);
    assert!(sessions.len() > 100, "{}", sessions.len());
    for how in [End::Logout, End::Down, End::Crash, End::Gone] {
        assert!(
            sessions.iter().any(|s| s.how == how),
            "no {how:?} in the fixture"
        );
    }
    // last -F: "user line host start - end (duration)", newest first; its end is a time, or
    // "down" or "crash". A supplanted session ends at the next login, which last shows as a time.
    let path = wtmp.to_str().unwrap();
    let theirs: Vec<String> = run("last", &["-F", "-w", "-f", path], None)
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("reboot") && !l.starts_with("wtmp "))
        .map(|l| {
            let user = &l[..9];
            let tty = &l[9..22];
            let rest = &l[39..];
            let (start, end) = rest.split_once(" - ").unwrap();
            // Then the duration: "(01:45)", or "(1+05:01)" past a day.
            let end = match end.trim_end().strip_suffix(')') {
                Some(e) => e.rsplit_once(" (").map_or(e, |(e, _)| e),
                None => end,
            }
            .trim();
            format!("{} {} {} - {end}", user.trim(), tty.trim(), start.trim())
        })
        .collect();
    let when = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .format("%a %b %e %H:%M:%S %Y")
            .to_string()
    };
    let mut ours: Vec<String> = sessions
        .iter()
        .map(|s| {
            let end = match s.how {
                End::Logout | End::Gone => when(s.end.unwrap()),
                End::Down => "down".into(),
                End::Crash => "crash".into(),
                End::Open => "still logged in".into(),
            };
            format!("{} {} {} - {end}", s.user, s.line, when(s.start))
        })
        .collect();
    ours.reverse();
    // last lists a line's logins in its own order within one second; ours are by start time.
    let (mut a, mut b) = (theirs.clone(), ours.clone());
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(theirs.len(), ours.len());
    let theirs = ac_hours(path);
    let by_day = logins::seconds_by_day(&sessions, Zone::Utc, T0 + 21 * 86_400);
    let last_day = by_day.keys().map(|(d, _)| *d).max().unwrap();
    let ours: Vec<String> = by_day
        .iter()
        .filter(|(_, secs)| **secs > 0)
        .map(|((day, user), secs)| {
            let label = if *day == last_day {
                "Today".to_string()
            } else {
                day.format("%b %e").to_string()
            };
            format!("{label} {user} {:.2}", *secs as f64 / 3600.0)
        })
        .collect();
    assert!(ours.len() > 60, "{}", ours.len());
    assert_eq!(ours, theirs);
}

#[test]
fn usage_sample_keeps_the_sessions_of_wtmp_across_appends_and_a_rotation() {
    if !util::needed("utmpdump") {
        return;
    }
    let (sb, root, wtmp) = machine();
    let sample = || {
        let out = sb.cmd("usage-sample").env("USAGE_SYSROOT", &root).output();
        assert_eq!(out.code(), 0, "{}", out.stderr());
        out.stderr()
    };
    let logins = || -> Vec<String> {
        let conn = sb.open_db();
        let mut stmt = conn
            .prepare("SELECT user, line, remote, start, end, how FROM logins ORDER BY start")
            .unwrap();
        stmt.query_map([], |r| {
            Ok(format!(
                "{} {} {} {} {} {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                (r.get::<_, i64>(3)? - T0) / 60,
                r.get::<_, Option<i64>>(4)?
                    .map_or("-".into(), |e| ((e - T0) / 60).to_string()),
                r.get::<_, String>(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    // No wtmp (a container): samples as before.
    assert_eq!(sample(), "");
    let mut text = line(2, 0, "reboot", "~", "6.1.0", T0)
        + &line(7, 100, "alice", "pts/0", "10.0.0.5", T0 + 60)
        + &line(7, 101, "bob", "tty1", "", T0 + 120);
    std::fs::write(&wtmp, wtmp_of(&text)).unwrap();
    assert_eq!(sample(), "");
    assert_eq!(
        logins(),
        ["alice pts/0 10.0.0.5 1 - open", "bob tty1  2 - open"]
    );
    // Appended to: bob logs out.
    text += &line(8, 101, "", "tty1", "", T0 + 180);
    std::fs::write(&wtmp, wtmp_of(&text)).unwrap();
    sample();
    assert_eq!(
        logins(),
        ["alice pts/0 10.0.0.5 1 - open", "bob tty1  2 3 logout"]
    );
    // Caught writing a record: the part written waits; once whole, it is read.
    let mut bytes = wtmp_of(&text);
    let next = wtmp_of(&line(7, 102, "carol", "tty2", "", T0 + 200));
    bytes.extend(&next[..100]);
    std::fs::write(&wtmp, &bytes).unwrap();
    sample();
    assert_eq!(logins().len(), 2);
    bytes.extend(&next[100..]);
    std::fs::write(&wtmp, &bytes).unwrap();
    sample();
    assert_eq!(logins()[2], "carol tty2  3 - open");
    // Rotated: a new file, whose first record is alice's logout.
    std::fs::remove_file(&wtmp).unwrap();
    std::fs::write(&wtmp, wtmp_of(&line(8, 100, "", "pts/0", "", T0 + 240))).unwrap();
    sample();
    assert_eq!(
        logins(),
        [
            "alice pts/0 10.0.0.5 1 4 logout",
            "bob tty1  2 3 logout",
            "carol tty2  3 - open"
        ]
    );
    // A wtmp that cannot be read costs the update, not the sample.
    std::fs::remove_file(&wtmp).unwrap();
    std::fs::create_dir(&wtmp).unwrap();
    let err = sample();
    assert!(
        err.starts_with("usage-sample: warning: login sessions not updated: cannot read "),
        "{err}"
    );
    assert_eq!(
        util::count(&sb.open_db(), "SELECT count(*) FROM samples"),
        7
    );
}

#[test]
fn usage_report_logins_shows_the_hours_ac_counts_and_the_sessions_last_lists() {
    if !util::needed("utmpdump") || !util::needed("ac") || !util::needed("last") {
        return;
    }
    let (sb, root, wtmp) = machine();
    std::fs::write(&wtmp, wtmp_of(&fixture())).unwrap();
    // Sampled before the fixture's days: no sample shortens a crashed session (ac counts it up
    // to the boot).
    sb.cmd("usage-sample")
        .env("USAGE_SYSROOT", &root)
        .env("USAGE_NOW", (T0 - 86_400).to_string())
        .ok();
    let report = |args: &[&str]| {
        sb.cmd("usage-report")
            .args([
                "logins",
                "--utc",
                "--since",
                "2026-12-01",
                "--until",
                "2026-12-23",
            ])
            .args(args)
            .env("TZ", "UTC")
            .env("USAGE_NOW", (T0 + 30 * 86_400).to_string())
            .ok()
            .stdout()
    };
    let csv = report(&["-f", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("date,user,sessions,hours,first,last"));
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let last_day = rows.iter().map(|r| r[0].clone()).max().unwrap();
    let ours: Vec<String> = rows
        .iter()
        .map(|r| {
            let day = chrono::NaiveDate::parse_from_str(&r[0], "%Y-%m-%d").unwrap();
            let label = if r[0] == last_day {
                "Today".to_string()
            } else {
                day.format("%b %e").to_string()
            };
            format!("{label} {} {}", r[1], r[3])
        })
        .collect();
    assert_eq!(ours, ac_hours(wtmp.to_str().unwrap()));
    // Each day's first and last moment lie within it.
    for r in &rows {
        assert!(r[4].starts_with(&r[0]) && r[4] <= r[5], "{r:?}");
    }
    // The sessions, as many as last lists, with how each ended.
    let sessions = report(&["--sessions", "-f", "csv"]);
    let listed = run("last", &["-F", "-w", "-f", wtmp.to_str().unwrap()], None)
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("reboot") && !l.starts_with("wtmp "))
        .count();
    assert_eq!(sessions.lines().count() - 1, listed);
    assert!(
        sessions.contains(",crash,") && sessions.contains(",down,"),
        "{sessions}"
    );
    // The chart draws.
    let png = sb
        .cmd("usage-report")
        .args([
            "logins",
            "--utc",
            "--since",
            "2026-12-01",
            "--until",
            "2026-12-23",
            "-o",
        ])
        .arg(sb.path("logins.png"))
        .env("USAGE_NOW", (T0 + 30 * 86_400).to_string())
        .output();
    assert_eq!(png.code(), 0, "{}", png.stderr());
    assert!(
        std::fs::read(sb.path("logins.png"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
}

#[test]
fn a_rule_on_login_hours_today_fires_for_the_user_over_it() {
    if !util::needed("utmpdump") {
        return;
    }
    let (sb, root, wtmp) = machine();
    // Today (T0's day): alice since 08:00, still logged in, and since yesterday 23:00 on
    // another line until 01:00; bob from 09:00 to 09:30.
    let text = line(2, 0, "reboot", "~", "6.1.0", T0 - 7200)
        + &line(7, 99, "alice", "pts/1", "", T0 - 3600)
        + &line(8, 99, "", "pts/1", "", T0 + 3600)
        + &line(7, 100, "alice", "pts/0", "10.0.0.5", T0 + 8 * 3600)
        + &line(7, 101, "bob", "tty1", "", T0 + 9 * 3600)
        + &line(8, 101, "", "tty1", "", T0 + 9 * 3600 + 1800);
    std::fs::write(&wtmp, wtmp_of(&text)).unwrap();
    sb.cmd("usage-sample").env("USAGE_SYSROOT", &root).ok();
    util::write(
        &sb.path("config/usage/config.toml"),
        "[[alert.rule]]\nname = \"long-day\"\nwhen = \"login_hours_today > 3.5h\"\n\n\
         [alert.channel.file]\ntype = \"log\"\npath = \"alerts.jsonl\"\n",
    );
    let now = (T0 + 11 * 3600 + 1800).to_string();
    let out = sb
        .cmd("usage-alert")
        .env("TZ", "UTC")
        .env("USAGE_NOW", &now)
        .output();
    assert_eq!(out.code(), 1, "{}", out.stderr());
    let told = util::notifications(&sb.path("alerts.jsonl"));
    assert_eq!(told.len(), 1, "{told:?}");
    let v = &told[0].1;
    // alice: 01:00 after midnight and 3.5 h since 08:00; bob's half hour is under.
    assert_eq!(v["subject"], "alice");
    assert_eq!(v["value"], 4.5);
    assert_eq!(
        v["message"],
        "login_hours_today{user=\"alice\"} is 4.50 h (> 3.50 h)"
    );
    // A threshold in another unit says what it takes.
    util::write(
        &sb.path("config/usage/config.toml"),
        "[[alert.rule]]\nname = \"long-day\"\nwhen = \"login_hours_today > 8x\"\n",
    );
    let out = sb.cmd("usage-alert").args(["rules"]).output();
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr()
            .contains("threshold '8x' is not a number (hours such as 8, 7.5 or 8h)"),
        "{}",
        out.stderr()
    );
}

#[test]
fn a_crashed_session_ends_at_the_last_sample_before_the_boot() {
    if !util::needed("utmpdump") {
        return;
    }
    let (sb, root, wtmp) = machine();
    let sample = |t: i64| {
        sb.cmd("usage-sample")
            .env("USAGE_SYSROOT", &root)
            .env("USAGE_NOW", t.to_string())
            .ok();
    };
    let login = line(2, 0, "reboot", "~", "6.1.0", T0) + &line(7, 7, "carol", "tty2", "", T0 + 60);
    std::fs::write(&wtmp, wtmp_of(&login)).unwrap();
    sample(T0 + 600);
    // The machine died after 10 minutes; it booted again at 1 h.
    std::fs::write(
        &wtmp,
        wtmp_of(&(login.clone() + &line(2, 0, "reboot", "~", "6.1.0", T0 + 3600))),
    )
    .unwrap();
    sample(T0 + 3700);
    let (end, how): (i64, String) = sb
        .open_db()
        .query_row("SELECT end, how FROM logins", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((end - T0, how.as_str()), (600, "crash"));
}

#[test]
fn without_wtmp_sessions_come_from_who_utmp_lists_at_each_run() {
    if !util::needed("utmpdump") {
        return;
    }
    let (sb, root, wtmp) = machine();
    assert!(!wtmp.exists());
    let utmp = root.join("run/utmp");
    std::fs::create_dir_all(utmp.parent().unwrap()).unwrap();
    let sample = |t: i64| {
        sb.cmd("usage-sample")
            .env("USAGE_SYSROOT", &root)
            .env("USAGE_NOW", t.to_string())
            .ok();
    };
    let rows = || -> Vec<(String, String, i64, Option<i64>, String)> {
        let conn = sb.open_db();
        let mut stmt = conn
            .prepare("SELECT user, line, start, end, how FROM logins ORDER BY start, line")
            .unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, i64>(2)? - T0,
                r.get::<_, Option<i64>>(3)?.map(|e| e - T0),
                r.get(4)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let boot = line(2, 0, "reboot", "~", "6.1.0", T0);
    // alice on pts/0 since 00:10 and bob on tty1 since 00:20.
    let both = boot.clone()
        + &line(7, 10, "alice", "pts/0", "10.0.0.5", T0 + 600)
        + &line(7, 11, "bob", "tty1", "", T0 + 1200);
    std::fs::write(&utmp, wtmp_of(&both)).unwrap();
    sample(T0 + 1500);
    sample(T0 + 1560);
    // bob logged out before the next run: his line is a dead process now.
    let alice = boot
        + &line(7, 10, "alice", "pts/0", "10.0.0.5", T0 + 600)
        + &line(8, 11, "", "tty1", "", T0 + 1580);
    std::fs::write(&utmp, wtmp_of(&alice)).unwrap();
    sample(T0 + 1620);
    assert_eq!(
        rows(),
        vec![
            ("alice".into(), "pts/0".into(), 600, None, "open".into()),
            (
                "bob".into(),
                "tty1".into(),
                1200,
                Some(1620),
                "logout".into()
            ),
        ]
    );
    // The machine went down and came back at 01:00 with nobody logged in: alice's session ends
    // at the last sample before the boot.
    std::fs::write(
        &utmp,
        wtmp_of(&line(2, 0, "reboot", "~", "6.1.0", T0 + 3600)),
    )
    .unwrap();
    sample(T0 + 3700);
    assert_eq!(
        rows()[0],
        (
            "alice".into(),
            "pts/0".into(),
            600,
            Some(1620),
            "down".into()
        )
    );
    // The hours count it whole, once: the same sessions at every run are the same rows.
    assert_eq!(rows().len(), 2);
}
