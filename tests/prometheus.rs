//! The Prometheus export against the programs that read it: `promtool check metrics` (Debian's
//! prometheus), a real prometheus-node-exporter reading it with its textfile collector on a
//! loopback port, and a real Prometheus server scraping that node_exporter and answering PromQL
//! queries through its HTTP API with the values we wrote.
#![allow(clippy::unwrap_used)]

mod util;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// 2026-12-01 12:00 UTC.
const NOW: i64 = 1_796_126_400;

/// A machine sampled twice a minute apart (60 % busy), a location with a quota and 125 GB used
/// this cycle, and a rule firing on the CPU.
fn stored() -> util::Sandbox {
    let sb = util::Sandbox::new();
    util::write(
        &sb.path("config/usage/config.toml"),
        "host = \"web-1\"\n[[alert.rule]]\nname = \"busy\"\nwhen = \"cpu_percent > 50\"\n\
         severity = \"critical\"\n",
    );
    let mut m = util::Machine::new(&sb, NOW - 60);
    m.sample(&sb).succeeded();
    m.minute(60);
    m.sample(&sb).succeeded();
    let now = NOW.to_string();
    sb.cmd("usage-import")
        .args(["set", "2026-12-01", "north", "125", "--create"])
        .env("USAGE_NOW", &now)
        .ok();
    sb.cmd("usage-import")
        .args(["locations", "set", "north", "--quota", "500"])
        .ok();
    let out = sb.cmd("usage-alert").env("USAGE_NOW", &now).output();
    assert_eq!(out.code(), 1, "{}", out.stderr());
    sb
}

fn export(sb: &util::Sandbox, path: &Path) {
    sb.cmd("usage-report")
        .arg("-o")
        .arg(path)
        .env("TZ", "UTC")
        .env("USAGE_NOW", NOW.to_string())
        .ok();
}

#[test]
fn the_export_passes_promtool_and_holds_the_stored_figures() {
    if !util::needed("promtool") {
        return;
    }
    let sb = stored();
    let dir = sb.path("textfile");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("usage.prom");
    export(&sb, &file);
    // node_exporter reads it as its own user; nothing else is left in the directory.
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & 0o044, 0o044, "{mode:o}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    let text = std::fs::read_to_string(&file).unwrap();
    let check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}\n{text}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    for line in [
        "usage_cpu_busy_ratio 0.6",
        // (2048000 - 1500000) kB of 2048000 kB.
        "usage_memory_used_ratio 0.267578125",
        "usage_load1 0.5",
        "usage_quota_used_ratio{location=\"north\"} 0.25",
        "usage_ledger_cycle_bytes{location=\"north\"} 125000000000",
        "usage_ledger_quota_bytes{location=\"north\"} 500000000000",
        "usage_alert_active{rule=\"busy\",subject=\"\",severity=\"critical\",state=\"firing\"} 1",
        "usage_sample_age_seconds 0",
        "usage_sample_timestamp_seconds 1796126400",
        "usage_backups 0",
        "# TYPE usage_cpu_busy_ratio gauge",
    ] {
        assert!(text.lines().any(|l| l == line), "no line {line} in\n{text}");
    }
    // One family is never split: each name's lines are together, after its HELP and TYPE.
    let mut seen = Vec::new();
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        let name = l.split(['{', ' ']).next().unwrap().to_string();
        if seen.last() != Some(&name) {
            assert!(!seen.contains(&name), "{name} split");
            seen.push(name);
        }
    }
    // On standard output too, and no other view has the format.
    let out = sb.cmd("usage-report").args(["-f", "prometheus"]).ok();
    assert!(out.stdout().contains("# TYPE usage_cpu_busy_ratio gauge"));
    let out = sb
        .cmd("usage-report")
        .args(["system", "-f", "prometheus"])
        .fails(2);
    assert!(
        out.stderr()
            .contains("usage-report --format prometheus -o DIR/usage.prom"),
        "{}",
        out.stderr()
    );
}

/// A free loopback port (taken back just before the server binds it).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server process, stopped when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// GET `path` from a loopback port: the body, once the server answers 200.
fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.0 200")
        .then(|| body.to_string())
        .or_else(|| head.starts_with("HTTP/1.1 200").then(|| body.to_string()))
}

fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "gave up waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The value of an instant PromQL query's single result.
fn query(port: u16, promql: &str) -> Option<f64> {
    let encoded: String = promql
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let body = get(port, &format!("/api/v1/query?query={encoded}"))?;
    let v: serde_json::Value = serde_json::from_str(&body).ok()?;
    let result = v["data"]["result"].as_array()?;
    let first = result.first()?;
    first["value"][1].as_str()?.parse().ok()
}

#[test]
fn node_exporter_serves_the_file_and_prometheus_answers_queries_with_our_values() {
    if !util::needed("prometheus-node-exporter") || !util::needed("prometheus") {
        return;
    }
    let sb = stored();
    let dir = sb.path("textfile");
    std::fs::create_dir_all(&dir).unwrap();
    export(&sb, &dir.join("usage.prom"));

    let node_port = free_port();
    let _node = Server(
        Command::new("prometheus-node-exporter")
            .arg(format!("--web.listen-address=127.0.0.1:{node_port}"))
            .arg("--collector.disable-defaults")
            .arg("--collector.textfile")
            .arg(format!("--collector.textfile.directory={}", dir.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let metrics = wait_for("node_exporter", || get(node_port, "/metrics"));
    assert!(
        metrics.lines().any(|l| l == "usage_cpu_busy_ratio 0.6"),
        "{metrics}"
    );
    // It read the file without an error.
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("node_textfile_scrape_error 0")),
        "{metrics}"
    );

    let prom_port = free_port();
    let config = sb.path("prometheus.yml");
    util::write(
        &config,
        &format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: node\n    \
             static_configs:\n      - targets: ['127.0.0.1:{node_port}']\n"
        ),
    );
    let _prometheus = Server(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", sb.path("tsdb").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let busy = wait_for("Prometheus to scrape", || {
        query(prom_port, "usage_cpu_busy_ratio")
    });
    assert_eq!(busy, 0.6);
    let quota = query(prom_port, "usage_quota_used_ratio{location=\"north\"}").unwrap();
    assert_eq!(quota, 0.25);
    let firing = query(prom_port, "sum(usage_alert_active{state=\"firing\"})").unwrap();
    assert_eq!(firing, 1.0);
}
