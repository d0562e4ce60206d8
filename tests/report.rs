//! usage-report through the real binary, on a fixture database with a pinned clock: every view
//! in every format it has, snapshots of tables, CSV and JSON, charts decoded, the HTML report
//! rendered by headless Chromium, and every kind of bad input.
#![allow(clippy::unwrap_used)]

mod util;

use std::fmt::Write as _;
use std::path::Path;

use util::{Cmd, Sandbox, write};

/// 2024-05-20T12:00:00Z: "now" for every test here.
const NOW: i64 = 1_716_206_400;

fn report(sb: &Sandbox) -> Cmd {
    sb.cmd("usage-report")
        .env("USAGE_NOW", NOW.to_string())
        .env("TZ", "UTC")
}

fn import(sb: &Sandbox) -> Cmd {
    sb.cmd("usage-import")
        .env("USAGE_NOW", NOW.to_string())
        .env("TZ", "UTC")
}

/// Compares `text` with `tests/snapshots/report/NAME`; `USAGE_BLESS=1` rewrites the file.
fn snapshot(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/report")
        .join(name);
    if std::env::var_os("USAGE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {}; run with USAGE_BLESS=1", path.display()));
    assert_eq!(
        text, expected,
        "snapshot {name} differs (USAGE_BLESS=1 rewrites it)"
    );
}

/// The ledger: north 10 GB a day (billing day 13, quota 300 GB), south as many GB a day as the
/// month's number, east 1.5 GB a day until March; 2024-01-01 to today, 2024-05-20.
fn ledger_csv() -> String {
    let mut csv = String::from("date,location,usage_gb\n");
    let mut day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2024, 5, 20).unwrap();
    while day <= today {
        use chrono::Datelike;
        writeln!(csv, "{day},north,10").unwrap();
        writeln!(csv, "{day},south,{}", day.month()).unwrap();
        if day.month() <= 3 {
            writeln!(csv, "{day},east,1.5").unwrap();
        }
        day = day.succ_opt().unwrap();
    }
    csv
}

/// Two days of minute samples up to now: CPU busy 0..99% in turn, memory 50%, load 1.5,
/// 45.5 C, / 25% used, eth0 100 kB/s in and 10 kB/s out, alice 50% of a CPU and 100 MiB,
/// bob 10% and 50 MiB, root excluded by the configuration; postgres and vim as top processes.
fn add_samples(sb: &Sandbox) {
    let mut conn = sb.open_db();
    let tx = conn.transaction().unwrap();
    tx.execute_batch(
        "INSERT INTO hosts(id, name) VALUES (1, 'fixture');
         INSERT INTO mounts(id, host_id, path, device, fstype) VALUES (1, 1, '/', '/dev/sda1', 'ext4');
         INSERT INTO interfaces(id, host_id, name) VALUES (1, 1, 'eth0');
         INSERT INTO users(id, host_id, uid, name) VALUES (1, 1, 1000, 'alice'), (2, 1, 1001, 'bob'), (3, 1, 0, 'root');
         INSERT INTO commands(id, name) VALUES (1, 'postgres'), (2, 'vim');",
    )
    .unwrap();
    for i in 0..2880_i64 {
        let ts = NOW - (2880 - i) * 60;
        let first = i == 0;
        let rate = |v: i64| if first { None } else { Some(v) };
        tx.execute(
            "INSERT INTO samples(id, host_id, ts, interval_cs, ncpu, cpu_busy, cpu_user, cpu_nice,
                 cpu_system, cpu_iowait, cpu_steal, mem_total, mem_used, mem_avail, swap_total,
                 swap_used, load1, load5, load15, uptime, procs, temp)
             VALUES (?1, 1, ?2, ?3, 4, ?4, ?5, 0, ?6, 0, 0, 1000000, 500000, 500000, 0, 0, 150,
                 120, 100, ?7, 120, 455)",
            rusqlite::params![
                i + 1,
                ts,
                rate(6000),
                rate(i % 100 * 100),
                rate(i % 100 * 50),
                rate(i % 100 * 50),
                86_400 + i * 60
            ],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO sample_disks VALUES (?1, 1, 104857600, 26214400, 78643200)",
            [i + 1],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO sample_net (sample_id, iface_id, rx_bytes, tx_bytes, rx_delta, tx_delta) VALUES (?1, 1, ?2, ?3, ?4, ?5)",
            rusqlite::params![
                i + 1,
                i * 6_000_000,
                i * 600_000,
                rate(6_000_000),
                rate(600_000)
            ],
        )
        .unwrap();
        for (user, cpu, rss, procs) in [
            (1, 5000, 102_400, 3),
            (2, 1000, 51_200, 1),
            (3, 100, 10_240, 60),
        ] {
            tx.execute(
                "INSERT INTO sample_users VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![i + 1, user, rate(cpu), rss, procs],
            )
            .unwrap();
        }
        for (pid, command, user, cpu, rss, threads) in
            [(100, 1, 1, 4000, 81_920, 4), (200, 2, 2, 1000, 20_480, 1)]
        {
            tx.execute(
                "INSERT INTO sample_procs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'S', 0)",
                rusqlite::params![i + 1, pid, command, user, rate(cpu), rss, threads],
            )
            .unwrap();
        }
    }
    for (ts, rule, event, severity) in [
        (NOW - 3 * 86_400, "cpu_high", "firing", "warning"),
        (NOW - 3 * 86_400 + 600, "cpu_high", "resolved", "warning"),
        (NOW - 86_400, "disk_full", "firing", "critical"),
        (NOW - 86_400 + 60, "cpu_high", "firing", "warning"),
    ] {
        tx.execute(
            "INSERT INTO alert_events(ts, rule, subject, event, severity, value, message)
             VALUES (?1, ?2, '/', ?3, ?4, 95.5, 'over the threshold')",
            rusqlite::params![ts, rule, event, severity],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

/// The fixture: ledger, locations, a manual total, samples, alert events, and a configuration
/// that leaves root out.
fn fixture() -> Sandbox {
    let sb = Sandbox::new();
    write(&sb.path("ledger.csv"), &ledger_csv());
    import(&sb).args(["ledger.csv"]).ok();
    import(&sb)
        .args([
            "locations",
            "set",
            "north",
            "--billing-day",
            "13",
            "--quota",
            "300",
        ])
        .ok();
    import(&sb)
        .args(["set", "--monthly", "2024-03-13", "north", "290"])
        .ok();
    write(
        &sb.path("config/usage/config.toml"),
        "[sample]\nexclude_users = [\"root\"]\n",
    );
    add_samples(&sb);
    sb
}

/// The output without what changes from run to run: the sandbox's path and the database's size
/// (which depends on when SQLite checkpoints).
fn stable(sb: &Sandbox, text: &str) -> String {
    let text = text.replace(&sb.dir.path().display().to_string(), "$SANDBOX");
    let mut out = String::new();
    for line in text.lines() {
        let line = if let Some(i) = line.find("\"bytes\":") {
            let rest = &line[i + 8..];
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            format!("{}\"bytes\":SIZE{}", &line[..i], &rest[digits..])
        } else if line.starts_with("$SANDBOX/data/usage/usage.db ") {
            let fields: Vec<&str> = line.split_whitespace().collect();
            format!("{}  SIZE  {}", fields[0], fields[2])
        } else {
            line.to_string()
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn every_view_as_table_csv_and_json() {
    let sb = fixture();
    let views: &[(&str, &[&str])] = &[
        ("overview", &["overview"]),
        (
            "daily",
            &[
                "daily",
                "--since",
                "2024-05-18",
                "--location",
                "north",
                "-l",
                "South",
            ],
        ),
        ("cycles", &["cycles"]),
        ("cycles-last", &["cycles", "--last-cycle"]),
        ("cycles-2024-03", &["cycles", "--cycle", "2024-03"]),
        (
            "cycles-day-1",
            &[
                "cycles",
                "--billing-day",
                "1",
                "--since",
                "2024-01-01",
                "--until",
                "2024-04-30",
                "-l",
                "south",
            ],
        ),
        (
            "trends",
            &["trends", "--days", "5", "--window", "3", "-l", "south"],
        ),
        (
            "system-hour",
            &[
                "system",
                "--since",
                "6h",
                "--bucket",
                "hour",
                "--metric",
                "cpu,memory,disk,net",
            ],
        ),
        ("system-all", &["system", "--bucket", "all"]),
        ("traffic", &["traffic"]),
        ("cycles-interfaces", &["cycles", "--source", "interfaces"]),
        ("users", &["users"]),
        ("processes", &["processes", "--by", "memory"]),
        ("alerts", &["alerts"]),
        ("alerts-events", &["alerts", "--events"]),
    ];
    for (name, args) in views {
        for format in ["table", "csv", "json"] {
            if *name == "overview" && format == "csv" {
                continue;
            }
            let run = report(&sb).args(*args).args(["--format", format]).ok();
            assert_eq!(run.stderr(), "", "{name} {format}");
            snapshot(&format!("{name}.{format}"), &stable(&sb, &run.stdout()));
        }
    }
}

#[test]
fn cycles_carry_quota_forecast_and_manual_totals() {
    let sb = fixture();
    let csv = report(&sb)
        .args(["cycles", "-l", "north", "-f", "csv"])
        .ok()
        .stdout();
    // The 2024-03-13 cycle: 31 days of 10 GB against a manual total of 290.
    assert!(
        csv.contains(
            "north,2024-03-13..2024-04-12,2024-03-13,2024-04-12,31,31,310,290,20,300,103.3,,,,false\n"
        ),
        "{csv}"
    );
    // The current cycle: 8 days of 10 GB, 31 days long, 23 days left, quota reached in 22.
    assert!(
        csv.contains(
            "north,2024-05-13..2024-06-12,2024-05-13,2024-06-12,31,8,80,,,300,26.7,310,23,22,false\n"
        ),
        "{csv}"
    );
    // February 2024 has 29 days: the cycle 2024-02-13..2024-03-12.
    assert!(
        csv.contains("north,2024-02-13..2024-03-12,2024-02-13,2024-03-12,29,29,290,"),
        "{csv}"
    );
    // A range inside a cycle: the days inside it only, marked partial, with no forecast and no
    // difference from the manual total.
    let csv = report(&sb)
        .args([
            "cycles",
            "-l",
            "north",
            "--since",
            "2024-03-20",
            "--until",
            "2024-03-29",
        ])
        .args(["-f", "csv"])
        .ok()
        .stdout();
    assert_eq!(
        csv.lines().nth(1).unwrap(),
        "north,2024-03-13..2024-04-12,2024-03-13,2024-04-12,31,10,100,290,,300,33.3,,,,true"
    );
    let csv = report(&sb)
        .args([
            "cycles",
            "-l",
            "north",
            "--since",
            "2024-05-15",
            "-f",
            "csv",
        ])
        .ok()
        .stdout();
    assert!(csv.ends_with(",31,6,60,,,300,20.0,,23,,true\n"), "{csv}");
}

#[test]
fn a_billing_day_change_re_buckets_history() {
    let sb = fixture();
    let total = |day: &str| -> (Vec<String>, f64) {
        let csv = report(&sb)
            .args(["cycles", "-l", "south", "-f", "csv", "--billing-day", day])
            .ok()
            .stdout();
        let mut labels = Vec::new();
        let mut sum = 0.0;
        for line in csv.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            labels.push(f[1].to_string());
            sum += f[6].parse::<f64>().unwrap();
        }
        (labels, sum)
    };
    let (by_1, sum_1) = total("1");
    let (by_31, sum_31) = total("31");
    assert_eq!(by_1[1], "2024-02-01..2024-02-29");
    // Day 31: February's cycle starts on its last day (the 29th in 2024).
    assert!(
        by_31.contains(&"2024-02-29..2024-03-30".to_string()),
        "{by_31:?}"
    );
    assert!(
        by_31.contains(&"2024-01-31..2024-02-28".to_string()),
        "{by_31:?}"
    );
    assert_eq!(sum_1, sum_31);
    // Jan 31 (1 GB) + Feb (58) + Mar (93) + Apr (120) + May 1-20 (100)
    assert_eq!(sum_1, 31.0 + 58.0 + 93.0 + 120.0 + 100.0);
}

#[test]
fn metrics_are_selected_by_the_names_alert_rules_use_and_by_the_earlier_ones() {
    let sb = fixture();
    let rows = |metric: &str| {
        let out = report(&sb)
            .args(["system", "--bucket", "all", "-f", "csv", "--metric", metric])
            .ok()
            .stdout();
        out.lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let named = rows(r#"disk_used_percent{mount="/"},net_tx_rate,load5"#);
    assert_eq!(
        named,
        [
            "load5",
            r#""disk_used_percent{mount=""/""}""#,
            r#""net_tx_rate{interface=""eth0""}""#
        ]
    );
    assert_eq!(rows("load5,disk:/,net_tx"), named);
    // A series this host does not have selects nothing.
    assert!(rows(r#"disk_used_percent{mount="/home"}"#).is_empty());
    // Per-user figures are in the vocabulary too.
    assert_eq!(
        rows("user_cpu_percent").len(),
        3,
        "{:?}",
        rows("user_cpu_percent")
    );
}

#[test]
fn the_daily_csv_round_trips_through_usage_import() {
    let sb = fixture();
    let first = report(&sb).args(["daily"]).ok().stdout();
    assert!(
        first.starts_with("date,location,usage_gb\n2024-01-01,east,1.5\n"),
        "{first}"
    );
    let other = Sandbox::new();
    write(&other.path("daily.csv"), &first);
    import(&other).args(["daily.csv"]).ok();
    let again = report(&other).args(["daily", "-f", "csv"]).ok().stdout();
    assert_eq!(first, again);
}

#[test]
fn the_time_zone_moves_calendar_days() {
    let sb = fixture();
    // In UTC the two days of samples fall on 05-18 (12 h), 05-19 and 05-20 (12 h); at +05:30
    // the first day holds 6.5 h and the last 17.5 h.
    let utc = report(&sb).args(["traffic", "-f", "csv"]).ok().stdout();
    assert!(utc.contains("2024-05-18,eth0,4.314,"), "{utc}");
    let india = report(&sb)
        .env("TZ", "Asia/Kolkata")
        .args(["traffic", "-f", "csv"])
        .ok()
        .stdout();
    assert!(india.contains("2024-05-18,eth0,2.334,"), "{india}");
    assert!(india.contains("2024-05-20,eth0,6.3,"), "{india}");
    let forced = report(&sb)
        .env("TZ", "Asia/Kolkata")
        .args(["traffic", "--utc", "-f", "csv"])
        .ok()
        .stdout();
    assert_eq!(forced, utc);
}

/// Decodes a PNG: (width, height, RGB pixels).
fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(png).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn charts_are_pngs_of_the_asked_size_with_lines_and_text() {
    let sb = fixture();
    for view in [
        "daily",
        "cycles",
        "trends",
        "system",
        "traffic",
        "users",
        "processes",
        "alerts",
    ] {
        let file = sb.path(&format!("{view}.png"));
        report(&sb)
            .args([view, "--size", "800x400", "-o"])
            .args([&file])
            .ok();
        let (w, h, pixels) = decode(&std::fs::read(&file).unwrap());
        assert_eq!((w, h), (800, 400), "{view}");
        let px = |x: u32, y: u32| {
            let i = ((y * w + x) * 3) as usize;
            [pixels[i], pixels[i + 1], pixels[i + 2]]
        };
        // Text: dark pixels in the title band; data: the first series' colour in the plot.
        let title_ink = (0..w)
            .flat_map(|x| (0..30).map(move |y| (x, y)))
            .filter(|&(x, y)| px(x, y).iter().all(|c| *c < 100))
            .count();
        assert!(
            title_ink > 200,
            "{view}: {title_ink} dark pixels in the title band"
        );
        let series = pixels.chunks(3).filter(|p| p == &[31, 119, 180]).count();
        assert!(series > 100, "{view}: {series} pixels of the first series");
        let mode = std::fs::metadata(&file).unwrap().permissions();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(mode.mode() & 0o777, 0o600, "{view}");
    }
    // Standard output that is not a terminal takes the PNG too.
    let run = report(&sb)
        .args(["daily", "-f", "png", "--size", "300x200"])
        .ok();
    assert_eq!(decode(&run.out.stdout).0, 300);
}

#[test]
fn the_html_report_is_one_self_contained_file() {
    let sb = fixture();
    let file = sb.path("report.html");
    report(&sb).args(["-o"]).args([&file]).ok();
    let html = std::fs::read_to_string(&file).unwrap();
    for part in [
        "<h2>Overview</h2>",
        "<h2>Billing cycles</h2>",
        "<h2>System</h2>",
        "<h2>Alerts</h2>",
        "2024-05-13..2024-06-12",
    ] {
        assert!(html.contains(part), "{part}");
    }
    assert!(html.matches("<svg").count() >= 5, "charts are inline SVG");
    // Nothing is fetched: no scripts, links, images or addresses.
    for fetch in [
        "<script", "<link", "<img", "src=", "http://", "https://", "url(",
    ] {
        let allowed = fetch == "http://"
            && html.matches(fetch).all(|_| true)
            && html.contains("xmlns=\"http://www.w3.org/2000/svg\"");
        if !allowed {
            assert!(!html.contains(fetch), "the report refers to {fetch}");
        }
    }
    screenshot(&sb, &file);
}

/// Opens the report in headless Chromium at a desktop's and a phone's width and checks what a
/// person would see: margins, charts drawn (for the phone, its own narrow ones). CI installs
/// Chromium; elsewhere the check is skipped with a note when it is missing.
fn screenshot(sb: &Sandbox, html: &Path) {
    for width in [1280, 390] {
        let Some((w, step, buf)) = shoot(sb, html, width) else {
            return;
        };
        // The charts' first and second series colours, as the browser drew the SVG.
        let near = |p: &[u8], c: [u8; 3]| p.iter().zip(c).all(|(a, b)| a.abs_diff(b) < 12);
        let blue = buf.chunks(step).filter(|p| near(p, [31, 119, 180])).count();
        let orange = buf.chunks(step).filter(|p| near(p, [255, 127, 14])).count();
        assert!(
            blue > 1000 && orange > 300,
            "{width} px: charts rendered: {blue} blue, {orange} orange pixels"
        );
        // A margin: nothing is drawn in the leftmost 8 pixels (the page's text and tables
        // started at the window's edge before).
        let rows = buf.len() / step / w as usize;
        let inked = (0..rows)
            .flat_map(|y| (0..8).map(move |x| (y * w as usize + x) * step))
            .filter(|&i| buf[i..i + 3].iter().any(|c| *c < 200))
            .count();
        assert_eq!(inked, 0, "{width} px: ink in the left margin");
    }
}

/// A screenshot of the page `width` pixels wide: (width, bytes per pixel, pixels).
fn shoot(sb: &Sandbox, html: &Path, width: u32) -> Option<(u32, usize, Vec<u8>)> {
    let Some(chromium) = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium");
        eprintln!("chromium is not installed: the screenshot check is skipped");
        return None;
    };
    let shot = sb.path(&format!("shot-{width}.png"));
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--window-size={width},4000"))
        .arg(format!("--user-data-dir={}", sb.path("chromium").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", html.display()))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        shot.exists(),
        "chromium wrote no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    let mut reader = png::Decoder::new(png.as_slice()).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    Some((info.width, info.color_type.samples(), buf))
}

#[test]
fn empty_results_are_honest_and_exit_0() {
    let sb = fixture();
    // A range without data: the header only, nothing on stderr (not a terminal).
    let run = report(&sb)
        .args(["daily", "--since", "2023-01-01", "--until", "2023-01-31"])
        .ok();
    assert_eq!(run.stdout(), "date,location,usage_gb\n");
    assert_eq!(run.stderr(), "");
    // An empty database (created by an import of nothing but a location).
    let empty = Sandbox::new();
    import(&empty).args(["locations", "add", "north"]).ok();
    for view in [
        "daily",
        "cycles",
        "trends",
        "system",
        "traffic",
        "users",
        "processes",
        "alerts",
    ] {
        let run = report(&empty).args([view, "-f", "json"]).ok();
        assert_eq!(run.stdout(), "", "{view}");
    }
    let overview = report(&empty).args(["-f", "json"]).ok().stdout();
    assert!(
        overview.contains("\"ledger\":{\"locations\":1,\"active\":1,\"records\":0,"),
        "{overview}"
    );
    assert!(!overview.contains("\"system\""), "{overview}");
}

#[test]
fn bad_input_gets_one_line_and_the_right_status() {
    let sb = fixture();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["daily", "-l", "narnia"],
            1,
            "unknown location 'narnia' (known: east, north, south)",
        ),
        (
            &["daily", "--since", "2024-05-10", "--until", "2024-05-01"],
            2,
            "--since 2024-05-10 is not before --until 2024-05-01",
        ),
        (
            &["daily", "--since", "last week"],
            2,
            "--since 'last week' is not a time",
        ),
        (&["cycles", "--billing-day", "0"], 2, "0 is not in 1..=31"),
        (&["cycles", "--billing-day", "32"], 2, "32 is not in 1..=31"),
        (
            &["cycles", "--cycle", "2024-13"],
            2,
            "--cycle '2024-13' is not a month",
        ),
        (
            &["--format", "png"],
            2,
            "the overview view has no png format",
        ),
        (
            &["overview", "-f", "csv"],
            2,
            "the overview view has no csv format",
        ),
        (
            &["daily", "--format", "html"],
            2,
            "the daily view has no html format",
        ),
        (
            &["system", "--metric", "gpu"],
            2,
            "--metric 'gpu' is not a metric",
        ),
        (
            &["system", "--metric", "sample_age"],
            2,
            "--metric 'sample_age': sample_age is not stored with the samples",
        ),
        (
            &["system", "--metric", "load1{mount=\"/\"}"],
            2,
            "load1 takes no label",
        ),
        (
            &["system", "--host", "elsewhere"],
            1,
            "no samples of host 'elsewhere' are stored (hosts: fixture)",
        ),
        (&["daily", "--size", "5x5"], 2, "'5x5' is not a size"),
        (
            &["daily", "-o", "/nonexistent/dir/x.csv"],
            1,
            "cannot write '/nonexistent/dir/x.csv'",
        ),
        (
            &["daily", "-o", "."],
            1,
            "cannot write '.': it is a directory",
        ),
        (&["weekly"], 2, "unrecognized subcommand 'weekly'"),
    ];
    for (args, code, message) in cases {
        let run = report(&sb).args(*args).fails(*code);
        // The first line says it all (clap adds a hint line to its own errors).
        let first = run.stderr().lines().next().unwrap_or_default().to_string();
        assert!(first.contains(message), "{args:?}: {}", run.stderr());
        assert_eq!(run.stdout(), "", "{args:?}");
    }
    // A billing day of 32 in the configuration file is refused with its line.
    write(&sb.path("bad.toml"), "[ledger]\nbilling_day = 32\n");
    let run = report(&sb)
        .args(["--config", "bad.toml", "cycles"])
        .fails(2);
    assert!(run.stderr().contains("bad.toml"), "{}", run.stderr());
    // A missing database is not created.
    let none = Sandbox::new();
    let run = report(&none).args(["daily"]).fails(1);
    assert!(run.stderr().contains("does not exist"), "{}", run.stderr());
    assert!(!none.db().exists());
    // Nothing is left behind by a refused write.
    let leftovers: Vec<_> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".usage-report"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_closed_pipe_is_success() {
    let sb = fixture();
    let mut child = report(&sb)
        .args(["system", "--bucket", "minute", "--since", "2d"])
        .0
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert!(child.wait().unwrap().success());
}

#[test]
fn help_never_opens_the_database() {
    let sb = Sandbox::new();
    for args in [&["--help"][..], &["cycles", "--help"], &["--version"]] {
        report(&sb).args(args).ok();
    }
    assert!(!sb.db().exists());
}

/// People read a location's display name (tables, overview, charts, the HTML report); programs
/// get its key (CSV, JSON), which usage-import reads back.
#[test]
fn people_read_display_names_and_programs_get_keys() {
    let sb = Sandbox::new();
    write(
        &sb.path("w.csv"),
        "Date,North Site,\"O'Brien, the pub\"\n2024-03-13,9.9,130\n2024-03-14,1,2\n",
    );
    import(&sb).arg("w.csv").ok();
    for view in ["daily", "cycles", "overview"] {
        let table = report(&sb)
            .args([view, "--format", "table", "--since", "2024-03-01"])
            .ok()
            .stdout();
        assert!(
            table.contains("North Site") && table.contains("O'Brien, the pub"),
            "{view}: {table}"
        );
        assert!(!table.contains("north_site"), "{view}: {table}");
    }
    let csv = report(&sb)
        .args(["daily", "--format", "csv", "--since", "2024-03-01"])
        .ok()
        .stdout();
    assert!(csv.contains("2024-03-13,o_brien_the_pub,130"), "{csv}");
    let json = report(&sb)
        .args(["cycles", "--format", "json", "--since", "2024-03-01"])
        .ok()
        .stdout();
    assert!(json.contains("\"location\":\"north_site\""), "{json}");
    report(&sb)
        .args(["--since", "2024-03-01", "-o", "r.html"])
        .ok();
    let page = std::fs::read_to_string(sb.path("r.html")).unwrap();
    assert!(page.contains("O&#39;Brien, the pub"), "the HTML report");
}

/// A day not yet imported is not a day of zero usage: without --until, trends ends on the newest
/// day the ledger has.
#[test]
fn trends_end_on_the_newest_day_imported() {
    let sb = Sandbox::new();
    // NOW is 2024-05-20; the ledger's newest day is the 18th.
    write(
        &sb.path("w.csv"),
        "Date,North\n2024-05-17,2\n2024-05-18,4\n",
    );
    import(&sb).arg("w.csv").ok();
    let csv = report(&sb)
        .args(["trends", "--days", "3", "--window", "2", "-f", "csv"])
        .ok()
        .stdout();
    assert_eq!(
        csv,
        "date,location,usage_gb,average_gb\n2024-05-16,north,0,0\n2024-05-17,north,2,1\n2024-05-18,north,4,3\n"
    );
    // --until still says where it ends.
    let csv = report(&sb)
        .args([
            "trends",
            "--days",
            "1",
            "--until",
            "2024-05-20",
            "-f",
            "csv",
        ])
        .ok()
        .stdout();
    assert!(csv.ends_with("2024-05-20,north,0,0.857142857\n"), "{csv}");
}

/// A day-one database: three samples in the last hour and a 75-day ledger of three locations,
/// one with a quota and its own billing day.
fn day_one() -> Sandbox {
    let sb = Sandbox::new();
    let mut csv = String::from("Date,North Site,Depot,\"O'Brien, the pub\"\n");
    let today = chrono::NaiveDate::from_ymd_opt(2024, 5, 20).unwrap();
    for back in (0..75).rev() {
        let day = today - chrono::Duration::days(back);
        writeln!(csv, "{day},{},{},{}", 30 + back % 7, 100 + back % 5, 5).unwrap();
    }
    write(&sb.path("l.csv"), &csv);
    import(&sb).arg("l.csv").ok();
    import(&sb)
        .args([
            "locations",
            "set",
            "depot",
            "--quota",
            "3000",
            "--billing-day",
            "13",
        ])
        .ok();
    let conn = sb.open_db();
    conn.execute_batch("INSERT INTO hosts(id, name) VALUES (1, 'fixture');")
        .unwrap();
    for (i, ago) in [1800_i64, 1200, 600].iter().enumerate() {
        conn.execute(
            "INSERT INTO samples(id, host_id, ts, interval_cs, ncpu, cpu_busy, cpu_user, cpu_nice,
                 cpu_system, cpu_iowait, cpu_steal, mem_total, mem_used, mem_avail, swap_total,
                 swap_used, load1, load5, load15, uptime, procs, temp)
             VALUES (?1, 1, ?2, 6000, 4, 3000, 2000, 0, 1000, 0, 0, 1000000, 400000, 600000,
                 0, 0, 150, 120, 100, 3600, 120, NULL)",
            rusqlite::params![i as i64 + 1, NOW - ago],
        )
        .unwrap();
    }
    sb
}

/// Pixels of a colour in the rows and columns given of a PNG.
fn colour_in(
    png: &[u8],
    colour: [u8; 3],
    rows: std::ops::Range<u32>,
    columns: std::ops::Range<u32>,
) -> usize {
    let (w, _, pixels) = decode(png);
    pixels
        .chunks(3)
        .enumerate()
        .filter(|(i, p)| {
            let (x, y) = (*i as u32 % w, *i as u32 / w);
            rows.contains(&y) && columns.contains(&x) && *p == colour
        })
        .count()
}

/// Charts on day one: one bucket is drawn, not an empty plot; the axis spans the period its
/// title names; cycles are bars with their quota and the current cycle's forecast; the legend
/// says which lines are averages; no axis is in 1970.
#[test]
fn day_one_charts_show_what_their_titles_say() {
    let sb = day_one();
    let png = |args: &[&str]| {
        report(&sb)
            .args(args)
            .args(["--size", "800x400", "-f", "png"])
            .ok()
            .out
            .stdout
    };
    // One hour bucket: its point is drawn at the right, where the last hour is (before: an
    // empty plot, with the legend at the top left).
    for metric in [&["system"][..], &["system", "--metric", "cpu"]] {
        let drawn = colour_in(&png(metric), [31, 119, 180], 60..360, 600..800);
        assert!(drawn > 20, "{metric:?}: {drawn} pixels of the series");
    }
    let cycles = png(&["cycles"]);
    let bars = colour_in(&cycles, [31, 119, 180], 80..360, 0..800);
    assert!(bars > 3000, "cycles are bars: {bars} pixels");
    // The HTML report's charts are SVG, whose text can be read.
    report(&sb).args(["-o", "r.html"]).ok();
    let html = std::fs::read_to_string(sb.path("r.html")).unwrap();
    assert!(!html.contains("1970"), "an axis in 1970");
    for text in [
        "Depot, forecast",
        "Depot, quota",
        "Depot, 7-day average",
        // The system chart's title and axis: the last 24 hours, to the minute.
        "System, since 2024-05-19 12:00",
        "05-20 00:00",
        "usage per cycle (TB)",
    ] {
        assert!(html.contains(text), "the report's charts lack {text:?}");
    }
    // The summary answers first: each location's current cycle, the machine's health.
    let glance = &html[..html.find("<h2>Overview</h2>").unwrap()];
    for text in [
        "2024-05-13..2024-06-12",
        "forecast over quota",
        "latest sample",
        "none in",
    ] {
        assert!(
            glance.contains(text),
            "the summary lacks {text:?}: {glance}"
        );
    }
}

/// With many locations the summary keeps to the 20 nearest their quota, those over it first,
/// and says how many there are.
#[test]
fn the_summary_shows_the_locations_nearest_their_quota() {
    let sb = Sandbox::new();
    // 25 locations, L00 to L24, each as many GB on 2024-05-19 as its number.
    let mut csv = String::from("date");
    for i in 0..25 {
        csv.push_str(&format!(",L{i:02}"));
    }
    csv.push_str("\n2024-05-19");
    for i in 0..25 {
        csv.push_str(&format!(",{i}"));
    }
    csv.push('\n');
    write(&sb.path("wide.csv"), &csv);
    import(&sb).arg("wide.csv").ok();
    // L01 is over its quota of 0.5 GB; L02 has a quota of 1000 GB, far from it.
    for (location, quota) in [("L01", "0.5"), ("L02", "1000")] {
        import(&sb)
            .args(["locations", "set", location, "--quota", quota])
            .ok();
    }
    report(&sb).args(["-o", "r.html"]).ok();
    let html = std::fs::read_to_string(sb.path("r.html")).unwrap();
    let glance = &html[..html.find("<h2>Overview</h2>").unwrap()];
    assert!(
        glance.contains("The 20 of 25 locations nearest their quota"),
        "{glance}"
    );
    // Over its quota first, then the one with a quota, then the largest without one.
    let mut order: Vec<(usize, String)> = (0..25)
        .map(|i| format!("L{i:02}"))
        .filter_map(|name| Some((glance.find(&format!(">{name}<"))?, name)))
        .collect();
    order.sort();
    let order: Vec<&str> = order.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(order.len(), 20, "{order:?}");
    assert_eq!(&order[..4], ["L01", "L02", "L24", "L23"], "{order:?}");
    assert!(
        !order.contains(&"L00") && !order.contains(&"L03"),
        "{order:?}"
    );
}

/// The PDF report: the HTML report's content on A4 or Letter pages, with its fonts embedded,
/// its numbers in the text and its charts drawn.
#[test]
fn the_pdf_report_has_the_numbers_and_draws_its_charts() {
    if !util::needed("pdftoppm") {
        return;
    }
    let sb = fixture();
    report(&sb).args(["-o", "report.pdf"]).ok();
    report(&sb)
        .args(["--format", "pdf", "--paper", "letter", "-o", "letter.pdf"])
        .ok();
    let tool = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program)
            .args(args)
            .current_dir(sb.dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{program} {args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let info = tool("pdfinfo", &["report.pdf"]);
    assert!(info.contains("(A4)"), "{info}");
    assert!(tool("pdfinfo", &["letter.pdf"]).contains("(letter)"));
    let fonts = tool("pdffonts", &["report.pdf"]);
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes yes ")) && fonts.contains("DejaVuSans"),
        "fonts are embedded: {fonts}"
    );
    let text = tool("pdftotext", &["-layout", "report.pdf", "-"]);
    for number in [
        "1948.50",
        "2024-05-13..2024-06-12",
        "300.00",
        "At a glance",
        "Billing cycles",
    ] {
        assert!(text.contains(number), "the PDF's text lacks {number}");
    }
    tool("pdftoppm", &["-r", "40", "-png", "report.pdf", "page"]);
    let mut pages = 0;
    let mut blue = 0;
    for entry in std::fs::read_dir(sb.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("page") && name.ends_with(".png") {
            pages += 1;
            let png = std::fs::read(&path).unwrap();
            let mut reader = png::Decoder::new(png.as_slice()).read_info().unwrap();
            let mut buf = vec![0; reader.output_buffer_size()];
            let info = reader.next_frame(&mut buf).unwrap();
            let step = info.color_type.samples();
            blue += buf[..info.buffer_size()]
                .chunks(step)
                .filter(|p| {
                    p[0].abs_diff(31) < 16 && p[1].abs_diff(119) < 16 && p[2].abs_diff(180) < 16
                })
                .count();
        }
    }
    assert!(pages >= 3, "{pages} pages");
    assert!(blue > 500, "the charts are drawn: {blue} blue pixels");
}
