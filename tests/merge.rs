//! usage-import --merge: hosts' databases made by the real tools, merged into a central one
//! (directly and from usage-backup's backups), twice; reports per host and across hosts; which
//! hosts are the same machine; what is refused.
#![allow(clippy::unwrap_used)]

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use util::{Machine, Sandbox, count, write};

/// Midnight UTC, Tuesday 2026-12-01.
const T0: i64 = 1_796_083_200;

/// A host of its own: a sandbox whose configuration names it, and a fake machine.
struct HostBox {
    sb: Sandbox,
    machine: Machine,
}

impl HostBox {
    fn new(name: &str, extra: &str) -> HostBox {
        let sb = Sandbox::new();
        write(
            &sb.path("config/usage/config.toml"),
            &format!("host = \"{name}\"\n{extra}"),
        );
        let machine = Machine::new(&sb, T0);
        HostBox { sb, machine }
    }

    /// `minutes` samples a minute apart, the CPU at `busy` percent.
    fn run(&mut self, minutes: usize, busy: u64) {
        for _ in 0..minutes {
            self.machine.minute(busy);
            self.machine.sample(&self.sb).succeeded();
        }
    }

    fn tool(&self, bin: &str) -> util::Cmd {
        self.sb
            .cmd(bin)
            .env("USAGE_NOW", self.machine.clock.to_string())
    }
}

/// A copy of a database as a file copy would make it (after folding its WAL in, as a copy of
/// a live database's file alone would lack it).
fn copy_db(from: &Path, to: &Path) {
    rusqlite::Connection::open(from)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    std::fs::copy(from, to).unwrap();
}

/// An ISO time for --at.
fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).unwrap().to_rfc3339()
}

/// Rows per table of the database at `path`.
fn tables(path: &Path) -> BTreeMap<String, i64> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    names
        .into_iter()
        .map(|t| {
            let n = count(&conn, &format!("SELECT count(*) FROM \"{t}\""));
            (t, n)
        })
        .collect()
}

/// The three hosts: web1 with a ledger and application events, web2 with an alert that
/// fired, db1 with a probe of a closed port (an outage).
fn three_hosts() -> Vec<HostBox> {
    let mut web1 = HostBox::new("web1", "");
    web1.run(30, 20);
    write(
        &web1.sb.path("ledger.csv"),
        "Date,North,South\n2026-11-29,1.5,2\n2026-11-30,2.5,3\n",
    );
    web1.tool("usage-import").arg("ledger.csv").ok();
    for (what, at) in [
        ("--start", T0 + 300),
        ("--action", T0 + 400),
        ("--end", T0 + 900),
    ] {
        let mut cmd = web1.tool("usage-import").args([
            "event",
            "--app",
            "vsat",
            "--session",
            "s1",
            "--user",
            "ana",
            what,
        ]);
        if what == "--action" {
            cmd = cmd.arg("search");
        }
        cmd.args(["--at", &iso(at)]).ok();
    }
    let mut web2 = HostBox::new(
        "web2",
        "[[alert.rule]]\nname = \"busy\"\nwhen = \"cpu_percent > 50\"\n\n\
         [alert.channel.file]\ntype = \"log\"\npath = \"alerts.jsonl\"\n",
    );
    web2.run(20, 80);
    // Exit status 1: an alert is firing.
    web2.tool("usage-alert").output().exited(1);
    web2.run(10, 10);
    web2.tool("usage-alert").ok();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut db1 = HostBox::new(
        "db1",
        &format!("[[probe]]\nid = \"pg\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{port}\"\n"),
    );
    db1.run(30, 50);
    vec![web1, web2, db1]
}

#[test]
fn three_hosts_merged_twice_keep_every_row_once_and_report_per_host() {
    let hosts = three_hosts();
    let web2 = &hosts[1];
    assert!(
        count(&web2.sb.open_db(), "SELECT count(*) FROM alert_events") >= 2,
        "web2's alert fired and resolved"
    );
    assert!(count(&hosts[2].sb.open_db(), "SELECT count(*) FROM outages") >= 1);
    // web2 comes as a backup, as rsync would copy it.
    web2.tool("usage-backup")
        .args(["create", "--dir"])
        .arg(web2.sb.path("backups"))
        .ok();
    let backup: PathBuf = std::fs::read_dir(web2.sb.path("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".db.gz"))
        .unwrap();
    let sources = [hosts[0].sb.db(), backup, hosts[2].sb.db()];
    let before: Vec<Vec<u8>> = [&hosts[0], &hosts[2]]
        .iter()
        .map(|h| std::fs::read(h.sb.db()).unwrap())
        .collect();

    let central = Sandbox::new();
    let first = central
        .cmd("usage-import")
        .arg("--merge")
        .args(&sources)
        .args(["-f", "json"])
        .ok();
    let lines: Vec<serde_json::Value> = first
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{first}");
    assert_eq!(lines[0]["hosts"], "web1 (new)");
    assert_eq!(lines[0]["samples"], 30);
    assert_eq!(lines[0]["ledger_days"], 4);
    assert_eq!(lines[0]["app_events"], 3);
    assert_eq!(lines[1]["hosts"], "web2 (new)");
    assert_eq!(lines[1]["samples"], 30);
    assert_eq!(lines[2]["hosts"], "db1 (new)");
    assert!(lines[2]["probe_results"].as_i64().unwrap() >= 30, "{first}");

    // Every row of every host once: the central tables are the sums of the hosts'.
    let merged = tables(&central.db());
    let per_host: Vec<BTreeMap<String, i64>> = hosts.iter().map(|h| tables(&h.sb.db())).collect();
    let sum = |t: &str| per_host.iter().map(|m| m[t]).sum::<i64>();
    for t in [
        "hosts",
        "samples",
        "sample_disks",
        "sample_net",
        "daily_usage",
        "locations",
        "alert_events",
        "probe_results",
        "outages",
        "app_sessions",
        "app_events",
    ] {
        assert_eq!(merged[t], sum(t), "{t}");
    }
    // The machinery of each host's own runs stays there.
    for t in [
        "sampler_state",
        "alert_state",
        "alert_outbox",
        "probe_streaks",
    ] {
        assert_eq!(merged[t], 0, "{t}");
    }
    let db = central.open_db();
    util::assert_intact(&db);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM alert_events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'web2'"
        ),
        per_host[1]["alert_events"]
    );

    // Again: nothing changes, and the summary says so.
    let again = central
        .cmd("usage-import")
        .arg("--merge")
        .arg("-p")
        .args(&sources)
        .ok();
    assert_eq!(tables(&central.db()), merged);
    assert_eq!(again.stderr().matches("nothing new").count(), 3, "{again}");
    // The sources were only read.
    for (h, bytes) in [&hosts[0], &hosts[2]].iter().zip(&before) {
        assert_eq!(&std::fs::read(h.sb.db()).unwrap(), bytes);
    }

    // A report per host is the host's own report; across hosts, each host's rows in turn.
    let report = |sb: &Sandbox, args: &[&str]| {
        sb.cmd("usage-report")
            .args(args)
            .args([
                "--since",
                "2026-12-01",
                "--until",
                "2026-12-02",
                "-f",
                "csv",
                "--utc",
            ])
            .env("USAGE_NOW", (T0 + 3600).to_string())
            .ok()
            .stdout()
    };
    let own: Vec<String> = hosts
        .iter()
        .map(|h| report(&h.sb, &["system", "--bucket", "minute"]))
        .collect();
    for (h, own) in ["web1", "web2", "db1"].iter().zip(&own) {
        assert_eq!(
            &report(&central, &["system", "--bucket", "minute", "--host", h]),
            own,
            "{h}"
        );
    }
    let all = report(&central, &["system", "--bucket", "minute", "--all-hosts"]);
    let mut lines = all.lines();
    assert!(lines.next().unwrap().starts_with("host,time,metric"));
    for (h, own) in ["db1", "web1", "web2"]
        .iter()
        .zip([&own[2], &own[0], &own[1]])
    {
        for row in own.lines().skip(1) {
            assert_eq!(lines.next().unwrap(), format!("{h},{row}"));
        }
    }
    assert_eq!(lines.next(), None);
    let two = report(
        &central,
        &["availability", "--host", "db1", "--host", "web1"],
    );
    assert!(two.lines().nth(1).unwrap().starts_with("db1,pg,"), "{two}");
    let sessions = report(&central, &["sessions", "--host", "web1"]);
    assert!(sessions.contains("vsat,ana,1,"), "{sessions}");
    let alerts = report(&central, &["alerts", "--events", "--host", "web2"]);
    assert!(alerts.contains(",busy,"), "{alerts}");
    assert!(!report(&central, &["alerts", "--events", "--host", "web1"]).contains(",busy,"));

    // db1 runs on: the next merge adds only its new samples and probe results.
    let mut hosts = hosts;
    let results = |sb: &Sandbox| count(&sb.open_db(), "SELECT count(*) FROM probe_results");
    let (had, central_had) = (results(&hosts[2].sb), results(&central));
    hosts[2].run(5, 50);
    let more = central
        .cmd("usage-import")
        .args(["--merge", "-f", "csv"])
        .arg(hosts[2].sb.db())
        .ok()
        .stdout();
    assert!(more.contains(",db1,5,"), "{more}");
    assert!(results(&hosts[2].sb) > had);
    assert_eq!(results(&central) - central_had, results(&hosts[2].sb) - had);
    util::assert_intact(&central.open_db());

    // The overview has a row per host; with several, no machine is picked for the rest.
    let overview = central
        .cmd("usage-report")
        .args(["-f", "json"])
        .env("USAGE_NOW", (T0 + 3600).to_string())
        .ok()
        .stdout();
    let v: serde_json::Value = serde_json::from_str(&overview).unwrap();
    let names: Vec<&str> = v["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["host"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["db1", "web1", "web2"]);
    assert!(v.get("system").is_none(), "{overview}");
    let html = central
        .cmd("usage-report")
        .args(["-f", "html"])
        .env("USAGE_NOW", (T0 + 3600).to_string())
        .ok()
        .stdout();
    assert!(html.contains("Hosts (latest sample of each)"));
    assert!(html.contains("latest samples"));
}

/// Two machines called debian (the installer's default) whose samples cover the same hours
/// share no reading: they stay two hosts, and each finds itself again on the next merge. A later
/// copy of the first adds only its new samples. Machine ids, where known, decide alone.
#[test]
fn machines_of_one_name_are_told_apart_by_their_readings_and_machine_ids() {
    let mut a = HostBox::new("debian", "");
    let mut b = HostBox::new("debian", "");
    b.machine.reboot(5000.0);
    b.machine.clock = a.machine.clock;
    a.run(10, 30);
    b.run(10, 30);
    let central = Sandbox::new();
    let merge = |paths: &[PathBuf]| {
        central
            .cmd("usage-import")
            .args(["--merge", "-f", "csv"])
            .args(paths)
            .ok()
            .stdout()
    };
    let out = merge(&[a.sb.db(), b.sb.db()]);
    assert!(out.contains(",debian (new),10,"), "{out}");
    assert!(
        out.contains(",debian (as debian-2: another machine of that name),10,"),
        "{out}"
    );
    let out = merge(&[b.sb.db(), a.sb.db()]);
    assert_eq!(out.matches(",0,0,0,0,0,0,0,0,0,").count(), 2, "{out}");
    a.run(5, 30);
    let out = merge(&[a.sb.db()]);
    assert!(out.contains(",debian,5,"), "{out}");
    let db = central.open_db();
    assert_eq!(count(&db, "SELECT count(*) FROM hosts"), 2);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM samples s JOIN hosts h ON h.id = s.host_id WHERE h.name = 'debian'"
        ),
        15
    );

    // With machine ids: the same id is the same machine even with no reading in common, and
    // another id is another machine even where the readings would have matched.
    let ids = Sandbox::new();
    let mut c = HostBox::new("box", "");
    write(
        &c.machine.root.join("etc/machine-id"),
        "0123456789abcdef0123456789abcdef\n",
    );
    c.run(3, 10);
    let stored = c.sb.db();
    let copy = ids.path("copy.db");
    copy_db(&stored, &copy);
    let other = rusqlite::Connection::open(&copy).unwrap();
    other
        .execute(
            "UPDATE hosts SET machine_id = 'ffffffffffffffffffffffffffffffff'",
            [],
        )
        .unwrap();
    drop(other);
    let out = ids
        .cmd("usage-import")
        .args(["--merge", "-f", "csv"])
        .arg(&stored)
        .arg(&copy)
        .ok()
        .stdout();
    assert!(out.contains(",box (new),3,"), "{out}");
    assert!(
        out.contains(",box (as box-2: another machine of that name),3,"),
        "{out}"
    );
}

#[test]
fn what_cannot_be_merged_is_refused_and_nothing_of_it_is_written() {
    let mut h = HostBox::new("web1", "");
    h.run(3, 10);
    let central = Sandbox::with_database();
    let before = tables(&central.db());
    let refused = |path: &Path, why: &str| {
        let run = central
            .cmd("usage-import")
            .arg("--merge")
            .arg(path)
            .fails(1);
        assert!(run.stderr().contains(why), "{why}: {run}");
        assert_eq!(tables(&central.db()), before, "{why}");
    };
    let newer = central.path("newer.db");
    copy_db(&h.sb.db(), &newer);
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    refused(&newer, "its schema version 99 is newer than the");
    let foreign = central.path("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    refused(&foreign, "it is not a usage database");
    let text = central.path("notes.txt");
    write(
        &text,
        "not a database at all, just some words long enough for a header..........\n",
    );
    refused(&text, "it is not a readable SQLite database");
    refused(&central.db(), "is the database being merged into");
    refused(&central.path("missing.db"), "is not a file");
    // A backup damaged in transit.
    h.tool("usage-backup")
        .args(["create", "--dir"])
        .arg(central.path("bk"))
        .ok();
    let gz = std::fs::read_dir(central.path("bk"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".db.gz"))
        .unwrap();
    let mut bytes = std::fs::read(&gz).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    let damaged = central.path("damaged.db.gz");
    std::fs::write(&damaged, bytes).unwrap();
    refused(&damaged, "is not a sound backup, nothing merged");
    // A dry run says what it would do and writes nothing.
    let dry = central
        .cmd("usage-import")
        .args(["--merge", "--dry-run"])
        .arg(h.sb.db())
        .ok();
    assert!(
        dry.stderr().contains("web1 (new); would merge 3 samples"),
        "{dry}"
    );
    assert_eq!(tables(&central.db()), before);
    // A CSV layout means nothing to a merge.
    let run = central
        .cmd("usage-import")
        .args(["--merge", "-f", "wide"])
        .arg(h.sb.db())
        .fails(2);
    assert!(run.stderr().contains("--merge reads databases"), "{run}");

    // An older schema is merged from an upgraded private copy; the file itself is not touched.
    let dump = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/db/v1.sql"
    ))
    .unwrap();
    let old = central.path("v1.db");
    let conn = rusqlite::Connection::open(&old).unwrap();
    conn.execute_batch(&dump).unwrap();
    conn.execute_batch("PRAGMA user_version = 1; PRAGMA application_id = 1970495847;")
        .unwrap();
    drop(conn);
    let bytes = std::fs::read(&old).unwrap();
    let run = central
        .cmd("usage-import")
        .args(["--merge", "-p"])
        .arg(&old)
        .ok();
    assert!(
        run.stderr()
            .contains("fixture-host (new); merged 2 samples"),
        "{run}"
    );
    assert_eq!(std::fs::read(&old).unwrap(), bytes);
    let leftovers: Vec<_> = std::fs::read_dir(central.db().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".usage-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    util::assert_intact(&central.open_db());
}

/// The central database keeps merged hosts' samples as its own retention_days says, counted
/// back from each host's newest sample: older ones are not copied, stored ones are deleted.
#[test]
fn the_central_keeps_what_its_retention_keeps() {
    let mut h = HostBox::new("web1", "");
    h.run(2, 10);
    h.machine.clock += 3 * 86_400;
    h.run(2, 10);
    let central = Sandbox::new();
    let merge = || {
        central
            .cmd("usage-import")
            .args(["--merge", "-p"])
            .arg(h.sb.db())
            .ok()
            .stderr()
    };
    assert!(merge().contains("merged 4 samples"));
    write(
        &central.path("config/usage/config.toml"),
        "[sample]\nretention_days = 1\n",
    );
    let out = merge();
    assert!(
        out.contains("nothing new; deleted 2 rows past the retention"),
        "{out}"
    );
    assert!(merge().ends_with("nothing new\n"));
    let db = central.open_db();
    assert_eq!(count(&db, "SELECT count(*) FROM samples"), 2);
    assert_eq!(
        count(&db, "SELECT count(*) FROM sample_disks"),
        count(
            &h.sb.open_db(),
            "SELECT count(*) FROM sample_disks WHERE sample_id > 2"
        )
    );
    let fresh = Sandbox::new();
    write(
        &fresh.path("config/usage/config.toml"),
        "[sample]\nretention_days = 1\n",
    );
    let run = fresh
        .cmd("usage-import")
        .args(["--merge", "-p"])
        .arg(h.sb.db())
        .ok();
    assert!(run.stderr().contains("merged 2 samples"), "{run}");
}
