//! Probes through the real usage-sample against real peers on loopback: an HTTP server that
//! answers, fails, redirects and hangs, a TCP port opened and closed, a UDP echo, ICMP to
//! 127.0.0.1 and dnsmasq answering one name; outages opened and closed at given clocks; a
//! configuration with a bad probe.
#![allow(clippy::unwrap_used)]

mod util;

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::time::{Duration, Instant};

use util::{Sandbox, count, notifications, write};

/// An HTTP/1.1 peer on a free loopback port: `/` says hello, `/fail` is a 500, `/moved`
/// redirects to `/`, `/hang` never answers. Runs until the test ends.
fn http_peer() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let reply = match path.as_str() {
                    "/" => "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world".to_string(),
                    "/fail" => "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n".to_string(),
                    "/moved" => {
                        format!(
                            "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{port}/\r\nContent-Length: 0\r\n\r\n"
                        )
                    }
                    _ => {
                        std::thread::sleep(Duration::from_secs(30));
                        return;
                    }
                };
                let _ = stream.write_all(reply.as_bytes());
            });
        }
    });
    port
}

/// A UDP echo on a free loopback port.
fn udp_echo() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let _ = socket.send_to(&buf[..n], from);
        }
    });
    port
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The results of one run, as JSON lines, by probe id.
fn results(stdout: &str) -> std::collections::BTreeMap<String, serde_json::Value> {
    stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["probe"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

#[test]
fn each_kind_against_a_real_peer() {
    let sb = Sandbox::new();
    let (http, udp, closed) = (http_peer(), udp_echo(), closed_port());
    let mut config = format!(
        r#"[probes]
budget = "3s"

[[probe]]
id = "hello"
kind = "http"
target = "http://127.0.0.1:{http}/"
body = "hello"

[[probe]]
id = "fail"
kind = "http"
target = "http://127.0.0.1:{http}/fail"

[[probe]]
id = "moved"
kind = "http"
target = "http://127.0.0.1:{http}/moved"

[[probe]]
id = "moved-kept"
kind = "http"
target = "http://127.0.0.1:{http}/moved"
follow_redirects = false
status = "302"

[[probe]]
id = "wrong-body"
kind = "http"
target = "http://127.0.0.1:{http}/"
body = "goodbye"

[[probe]]
id = "hang"
kind = "http"
target = "http://127.0.0.1:{http}/hang"
timeout = "700ms"

[[probe]]
id = "tcp-open"
kind = "tcp"
target = "127.0.0.1:{http}"

[[probe]]
id = "tcp-closed"
kind = "tcp"
target = "127.0.0.1:{closed}"

[[probe]]
id = "echo"
kind = "udp"
target = "127.0.0.1:{udp}"
payload = "ping"
expect = "ping"

[[probe]]
id = "loopback"
kind = "icmp"
target = "127.0.0.1"
count = 2
"#
    );
    let dns = util::needed("dnsmasq").then(|| dnsmasq(&sb));
    if let Some((port, _)) = &dns {
        config.push_str(&format!(
            r#"
[[probe]]
id = "dns-known"
kind = "dns"
target = "printer.test"
server = "127.0.0.1:{port}"
expect = "10.1.2.3"

[[probe]]
id = "dns-unknown"
kind = "dns"
target = "nothing.test"
server = "127.0.0.1:{port}"
"#
        ));
    }
    write(&sb.path("config/usage/config.toml"), &config);

    let started = Instant::now();
    let run = sb
        .cmd("usage-sample")
        .args(["--probes-only", "--print", "--format", "json"])
        .env("USAGE_NOW", "1800000000")
        .ok();
    // The hanging endpoint costs its timeout, not the budget or longer.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let r = results(&run.stdout());
    let state = |id: &str| {
        let v = &r[id];
        (
            v["state"].as_str().unwrap().to_string(),
            v["failure"].as_str().unwrap().to_string(),
        )
    };
    let up = ("up".to_string(), String::new());
    let down = |f: &str| ("down".to_string(), f.to_string());
    assert_eq!(state("hello"), up);
    assert_eq!(r["hello"]["status"], 200);
    assert!(r["hello"]["ms"].as_f64().unwrap() > 0.0);
    assert_eq!(state("fail"), down("status"));
    assert_eq!(r["fail"]["status"], 500);
    assert_eq!(state("moved"), up, "{}", r["moved"]);
    assert_eq!(r["moved"]["status"], 200);
    assert_eq!(state("moved-kept"), up, "{}", r["moved-kept"]);
    assert_eq!(r["moved-kept"]["status"], 302);
    assert_eq!(state("wrong-body"), down("content"));
    assert_eq!(state("hang"), down("timeout"));
    assert_eq!(state("tcp-open"), up);
    assert_eq!(state("tcp-closed"), down("refused"));
    assert_eq!(state("echo"), up, "{}", r["echo"]);
    // ICMP: up where ping sockets or raw sockets are allowed (root in CI), else said plainly.
    let icmp = state("loopback");
    assert!(
        icmp == up || icmp == down("not_permitted"),
        "{}",
        r["loopback"]
    );
    // Root may always open a raw socket: there it must be up.
    let root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    if root || icmp == up {
        assert_eq!(icmp, up, "{}", r["loopback"]);
        assert_eq!(r["loopback"]["loss_percent"], 0.0);
    }
    if let Some((_, mut child)) = dns {
        assert_eq!(state("dns-known"), up, "{}", r["dns-known"]);
        assert_eq!(state("dns-unknown"), down("answer"), "{}", r["dns-unknown"]);
        let _ = child.kill();
        let _ = child.wait();
    }
    // Every result is stored, once.
    let conn = sb.open_db();
    assert_eq!(
        count(&conn, "SELECT count(*) FROM probe_results") as usize,
        r.len()
    );

    // --probe runs one at once, due or not, and prints it.
    let one = sb
        .cmd("usage-sample")
        .args(["--probe", "fail", "--format", "csv"])
        .env("USAGE_NOW", "1800000001")
        .ok()
        .stdout();
    let lines: Vec<&str> = one.lines().collect();
    assert_eq!(lines.len(), 2, "{one}");
    assert!(lines[1].starts_with("fail,http,"), "{one}");
    sb.cmd("usage-sample")
        .args(["--probe", "nope"])
        .fails(2)
        .stderr()
        .contains("nope");
}

/// dnsmasq on a free loopback port, knowing printer.test only.
fn dnsmasq(sb: &Sandbox) -> (u16, std::process::Child) {
    let hosts = sb.path("hosts");
    write(&hosts, "10.1.2.3 printer.test\n");
    let port = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new("dnsmasq")
        .args([
            &format!("--port={port}"),
            "--no-resolv",
            "--no-hosts",
            &format!("--addn-hosts={}", hosts.display()),
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--pid-file=",
            "--user=root",
            "--local=/test/",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Ready once it answers TCP on the same port.
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "dnsmasq did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (port, child)
}

#[test]
fn an_outage_opens_after_three_failures_from_the_first_and_closes_on_recovery() {
    let sb = Sandbox::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    write(
        &sb.path("config/usage/config.toml"),
        &format!(
            "[[probe]]\nid = \"db\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{port}\"\npriority = \"high\"\n"
        ),
    );
    let t0 = 1_800_000_000_i64;
    let run = |t: i64| {
        sb.cmd("usage-sample")
            .args(["--probes-only", "--print", "--format", "json"])
            .env("USAGE_NOW", t.to_string())
            .ok()
            .stdout()
    };
    let outage = |s: &str| results(s)["db"]["outage"].as_str().unwrap().to_string();
    assert_eq!(outage(&run(t0)), "");
    assert_eq!(outage(&run(t0 + 60)), "");
    // A run before the probe is due does nothing.
    assert_eq!(run(t0 + 70), "");
    assert_eq!(outage(&run(t0 + 120)), "outage opened");
    let conn = sb.open_db();
    // The third failure was checked once more at once, and the result says so: one row a run.
    assert_eq!(
        count(&conn, "SELECT count(*) FROM probe_results WHERE up = 0"),
        3
    );
    let detail: String = conn
        .query_row(
            "SELECT detail FROM probe_results ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(detail.contains("confirmed by a re-check"), "{detail}");
    let (started, ended, severity): (i64, Option<i64>, String) = conn
        .query_row("SELECT started, ended, severity FROM outages", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((started, ended, severity.as_str()), (t0, None, "major"));
    assert_eq!(outage(&run(t0 + 180)), "outage open");

    // While it is open, usage-check and the report's first lines say so.
    let now = (t0 + 200).to_string();
    let check = sb
        .cmd("usage-check")
        .env("USAGE_NOW", &now)
        .fails(2)
        .stdout();
    assert!(
        check.contains("CRITICAL outages: 1 outage open: db on ")
            && check.contains("(major, since "),
        "{check}"
    );
    assert!(check.contains("outages_open=1;1;"), "{check}");
    let html = sb
        .cmd("usage-report")
        .args(["--format", "html"])
        .env("USAGE_NOW", &now)
        .ok()
        .stdout();
    assert!(html.contains("<h2>Service availability</h2>"), "{html}");
    let overview = sb
        .cmd("usage-report")
        .args(["overview", "--format", "json", "--utc"])
        .env("USAGE_NOW", &now)
        .ok()
        .stdout();
    let v: serde_json::Value = serde_json::from_str(&overview).unwrap();
    let service = &v["services"][0];
    assert_eq!(
        (
            service["probe"].as_str(),
            service["state"].as_str(),
            service["failure"].as_str(),
            service["severity"].as_str()
        ),
        (Some("db"), Some("down"), Some("refused"), Some("major")),
        "{overview}"
    );
    assert_eq!(
        service["outage_since"].as_str().unwrap(),
        chrono::DateTime::from_timestamp(t0, 0)
            .unwrap()
            .to_rfc3339(),
        "{overview}"
    );
    assert!(
        html.contains("<td>services</td><td class=\"critical\">critical</td><td class=\"wrap\">1 outage open: db on "),
        "{html}"
    );

    // The port opens: one success closes the outage at that moment.
    let _listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    assert_eq!(outage(&run(t0 + 240)), "outage closed");
    let (ended, closed_by): (i64, String) = conn
        .query_row("SELECT ended, closed_by FROM outages", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((ended, closed_by.as_str()), (t0 + 240, "recovery"));
    let check = sb
        .cmd("usage-check")
        .args(["--verbose"])
        .env("USAGE_NOW", (t0 + 250).to_string())
        .fails(2)
        .stdout();
    assert!(check.contains("OK outages: no outage open"), "{check}");

    // The report counts 240 s down of the watched time, from the first result to now.
    let csv = sb
        .cmd("usage-report")
        .args(["availability", "--format", "csv", "--since", "2027-01-01"])
        .env("USAGE_NOW", (t0 + 600).to_string())
        .env("TZ", "UTC")
        .ok()
        .stdout();
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| row[head.iter().position(|h| *h == name).unwrap()];
    assert_eq!(col("outages"), "1", "{csv}");
    assert_eq!(col("downtime_s"), "240", "{csv}");
    let watched: f64 = col("watched_s").parse().unwrap();
    let uptime = 100.0 * (watched - 240.0) / watched;
    let shown: f64 = col("uptime_percent").parse().unwrap();
    assert!(
        (shown - uptime).abs() < 0.001 && shown <= uptime,
        "{csv}: {uptime}"
    );
    assert_eq!(col("checks"), "5", "{csv}");
}

#[test]
fn a_bad_probe_is_named_and_the_others_still_run() {
    let sb = Sandbox::new();
    let port = http_peer();
    write(
        &sb.path("config/usage/config.toml"),
        &format!(
            "[[probe]]\nid = \"good\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{port}\"\n\n\
             [[probe]]\nid = \"bad\"\nkind = \"http\"\ntarget = \"http://127.0.0.1/\"\ntimeuot = \"1s\"\n\n\
             [[probe]]\nid = \"worse\"\nkind = \"gopher\"\ntarget = \"x\"\n"
        ),
    );
    let run = sb
        .cmd("usage-sample")
        .args(["--probes-only", "--print", "--format", "json"])
        .env("USAGE_NOW", "1800000000")
        .fails(2);
    let err = run.stderr();
    assert!(err.contains("config.toml:10:1"), "{err}");
    assert!(err.contains("timeuot") && err.contains("timeout"), "{err}");
    assert!(
        err.contains("config.toml:14:8") && err.contains("gopher"),
        "{err}"
    );
    assert!(err.contains("the probe is left out"), "{err}");
    let r = results(&run.stdout());
    assert_eq!(r.keys().collect::<Vec<_>>(), ["good"]);
    assert_eq!(r["good"]["state"], "up");
}

#[test]
fn a_certificate_expiring_in_ten_days_is_recorded_trusted_or_not() {
    if !util::needed("openssl") {
        return;
    }
    let sb = Sandbox::new();
    let openssl = |args: &[&str]| {
        let ok = std::process::Command::new("openssl")
            .args(args)
            .current_dir(sb.dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "openssl {args:?}");
    };
    write(
        &sb.path("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    );
    let key = ["-newkey", "rsa:2048", "-nodes"];
    openssl(
        &[
            &["req", "-x509"][..],
            &key,
            &["-days", "30", "-subj", "/CN=probe test CA"],
            &["-keyout", "ca.key", "-out", "ca.pem"],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &key,
            &[
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "key.pem",
                "-out",
                "req.csr",
            ],
        ]
        .concat(),
    );
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
        "10",
        "-extfile",
        "ext.cnf",
        "-out",
        "cert.pem",
    ]);
    let server = "import http.server, ssl, sys\n\
        s = http.server.HTTPServer(('127.0.0.1', 0), http.server.SimpleHTTPRequestHandler)\n\
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
        c.load_cert_chain('cert.pem', 'key.pem')\n\
        s.socket = c.wrap_socket(s.socket, server_side=True)\n\
        print(s.server_address[1], flush=True)\n\
        s.serve_forever()\n";
    let mut child = std::process::Command::new("python3")
        .args(["-c", server])
        .current_dir(sb.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port: u16 = line.trim().parse().unwrap();
    let ca = sb.path("ca.pem");
    write(
        &sb.path("config/usage/config.toml"),
        &format!(
            "[[probe]]\nid = \"trusted\"\nkind = \"https\"\ntarget = \"https://127.0.0.1:{port}/\"\nca_file = \"{}\"\n\n\
             [[probe]]\nid = \"untrusted\"\nkind = \"https\"\ntarget = \"https://127.0.0.1:{port}/\"\n\n\
             [[probe]]\nid = \"unchecked\"\nkind = \"https\"\ntarget = \"https://127.0.0.1:{port}/\"\ntls_verify = false\n",
            ca.display()
        ),
    );
    let run = sb
        .cmd("usage-sample")
        .args(["--probes-only", "--print", "--format", "json"])
        .ok();
    let _ = child.kill();
    let _ = child.wait();
    let r = results(&run.stdout());
    for (id, state, failure) in [
        ("trusted", "up", ""),
        ("untrusted", "down", "tls"),
        ("unchecked", "up", ""),
    ] {
        assert_eq!(r[id]["state"], state, "{}", r[id]);
        assert_eq!(r[id]["failure"], failure, "{}", r[id]);
        // Ten days from its making, less the time since: 9 whole days left, or 10 when the
        // probe ran within the second the certificate was made.
        let left = r[id]["tls_days_left"].as_i64().unwrap();
        assert!(left == 9 || left == 10, "{}", r[id]);
    }
}

/// The notifications the log channel wrote: "seconds after t0, event, rule, subject".
fn notices(sb: &Sandbox, t0: i64) -> Vec<String> {
    notifications(&sb.path("alerts.jsonl"))
        .into_iter()
        .map(|(t, v)| {
            format!(
                "{} {} {} {}",
                t - t0,
                v["event"].as_str().unwrap(),
                v["rule"].as_str().unwrap(),
                v["subject"].as_str().unwrap()
            )
        })
        .collect()
}

/// A free loopback port, closed.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn a_maintenance_window_silences_outages_and_the_owed_resolved_notice_follows_it() {
    let sb = Sandbox::new();
    let (db_port, web_port) = (free_port(), free_port());
    let t0 = 1_800_000_000_i64;
    let rfc = |t: i64| chrono::DateTime::from_timestamp(t, 0).unwrap().to_rfc3339();
    write(
        &sb.path("config/usage/config.toml"),
        &format!(
            "host = \"box\"\n\n\
             [[probe]]\nid = \"db\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{db_port}\"\n\n\
             [[probe]]\nid = \"web\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{web_port}\"\n\n\
             [[alert.rule]]\nname = \"outage\"\nwhen = \"outage_open > 0\"\n\n\
             [alert.channel.file]\ntype = \"log\"\npath = \"{}\"\n\n\
             [[alert.maintenance]]\nstart = \"{}\"\nend = \"{}\"\nreason = \"switch replaced\"\n",
            sb.path("alerts.jsonl").display(),
            rfc(t0 + 300),
            rfc(t0 + 900)
        ),
    );
    // Cron every minute: the probes, then the alerts. db is down from the start and comes back
    // at minute 6, inside the window (minutes 5 to 15); web is up, down from minute 7 to 10,
    // wholly inside the window.
    let mut web = Some(TcpListener::bind(("127.0.0.1", web_port)).unwrap());
    let mut db = None;
    for minute in 0..=16 {
        match minute {
            6 => db = Some(TcpListener::bind(("127.0.0.1", db_port)).unwrap()),
            7 => web = None,
            11 => web = Some(TcpListener::bind(("127.0.0.1", web_port)).unwrap()),
            _ => {}
        }
        let now = (t0 + minute * 60).to_string();
        sb.cmd("usage-sample")
            .args(["--probes-only"])
            .env("USAGE_NOW", &now)
            .ok();
        let out = sb.cmd("usage-alert").env("USAGE_NOW", &now).output();
        assert!(out.stderr().is_empty(), "minute {minute}: {}", out.stderr());
    }
    drop((db, web));
    // db's outage fired at its third failure, before the window; it resolved at minute 6, in
    // the window, and its resolved notice waits for the window's end. web's outage opened and
    // closed inside the window: nobody heard it fire, so nobody hears it resolve.
    assert_eq!(
        notices(&sb, t0),
        ["120 firing outage db", "900 resolved outage db"]
    );
    let conn = sb.open_db();
    let silenced = count(
        &conn,
        "SELECT count(*) FROM alert_events WHERE silenced = 1",
    );
    assert!(silenced >= 2, "{silenced}");
    // Both outages are in the record, web's whole and in maintenance.
    let outages = sb
        .cmd("usage-report")
        .args(["availability", "--outages", "--format", "csv", "--utc"])
        .args(["--since", &rfc(t0)])
        .env("USAGE_NOW", (t0 + 1000).to_string())
        .ok()
        .stdout();
    let lines: Vec<&str> = outages.lines().collect();
    assert_eq!(lines.len(), 3, "{outages}");
    assert!(
        lines[1].contains(",db,") && lines[1].contains(",6m,360,1m,"),
        "{outages}"
    );
    assert!(
        lines[2].contains(",web,") && lines[2].contains(",4m,240,4m,"),
        "{outages}"
    );
}

#[test]
fn uptime_over_a_month_leaves_out_a_maintenance_window_inside_it() {
    let sb = Sandbox::new();
    write(
        &sb.path("config/usage/config.toml"),
        "host = \"box\"\n\n[[probe]]\nid = \"web\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:1\"\n\
         interval = \"1h\"\n\n[[alert.maintenance]]\nstart = \"2027-03-10T11:00:00Z\"\n\
         duration = \"2h\"\nreason = \"upgrade\"\n",
    );
    std::fs::create_dir_all(sb.db().parent().unwrap()).unwrap();
    usage::db::open(&sb.db()).unwrap();
    // March 2027, a check every hour; the outage runs from 10:00 to 12:00 on the 10th, and the
    // window from 11:00 to 13:00 takes its second hour.
    let march = 1_803_859_200_i64;
    let outage_start = march + 9 * 86_400 + 10 * 3600;
    {
        let mut conn = sb.open_db();
        let tx = conn.transaction().unwrap();
        tx.execute("INSERT INTO hosts (id, name) VALUES (1, 'box')", [])
            .unwrap();
        tx.execute(
            "INSERT INTO outages (id, host_id, probe, started, ended, severity, priority, closed_by) \
             VALUES (1, 1, 'web', ?1, ?2, 'major', 'normal', 'recovery')",
            (outage_start, outage_start + 7200),
        )
        .unwrap();
        for hour in 0..31 * 24 {
            let ts = march + hour * 3600;
            let down = ts == outage_start || ts == outage_start + 3600;
            tx.execute(
                "INSERT INTO probe_results (host_id, probe, ts, up, ms, outage_id) \
                 VALUES (1, 'web', ?1, ?2, 1.5, ?3)",
                (ts, !down, down.then_some(1)),
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let csv = sb
        .cmd("usage-report")
        .args(["availability", "--month", "2027-03", "--decimals", "6"])
        .args(["--format", "csv", "--utc"])
        .env("USAGE_NOW", "1806600000")
        .ok()
        .stdout();
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| row[head.iter().position(|h| *h == name).unwrap()];
    // By hand: 31 days are 2,678,400 s; less the window's 7,200 s, 2,671,200 s are counted;
    // the outage's first hour, 3,600 s, is down: 2,667,600 / 2,671,200 = 99.86522911...%.
    assert_eq!(col("watched_s"), "2678400", "{csv}");
    assert_eq!(col("maintenance"), "2h", "{csv}");
    assert_eq!(col("downtime_s"), "3600", "{csv}");
    assert_eq!(col("uptime_percent"), "99.865229", "{csv}");
    // The checks at 11:00 and 12:00 fall in the window: 742 counted, the one at 10:00 failed.
    assert_eq!(col("checks"), "742", "{csv}");
    assert_eq!(col("checks_failed"), "1", "{csv}");
    assert_eq!(col("outages"), "1", "{csv}");
    // Three decimals cut: 99.865, not rounded.
    let three = sb
        .cmd("usage-report")
        .args([
            "availability",
            "--month",
            "2027-03",
            "--format",
            "json",
            "--utc",
        ])
        .env("USAGE_NOW", "1806600000")
        .ok()
        .stdout();
    assert!(three.contains("\"uptime_percent\":99.865,"), "{three}");
}
