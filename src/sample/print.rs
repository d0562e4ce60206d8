//! What usage-sample shows of the sample it stored: a readable block on a terminal, one JSON
//! object per line, or CSV with the machine-wide figures (one row per sample, header once).

use std::io::Write;

use anyhow::Result;

use crate::cli::Format;
use crate::db::samples::{CpuRecord, PressureRecord, Record};
use crate::render::{binary_bytes, human_bytes, visible};

pub struct Printer {
    format: Format,
    header_done: bool,
}

impl Printer {
    pub fn new(format: Format) -> Printer {
        Printer {
            format,
            header_done: false,
        }
    }

    pub fn write(&mut self, r: &Record, out: &mut dyn Write) -> Result<()> {
        match self.format {
            Format::Json => {
                serde_json::to_writer(&mut *out, r)?;
                writeln!(out)?;
            }
            Format::Csv => self.csv(r, out)?,
            Format::Table => table(r, out)?,
        }
        out.flush()?;
        Ok(())
    }

    fn csv(&mut self, r: &Record, out: &mut dyn Write) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        if !self.header_done {
            w.write_record(CSV_HEADER)?;
            self.header_done = true;
        }
        let opt = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
        let cpu = |f: fn(&CpuRecord) -> f64| opt(r.cpu.as_ref().map(f));
        let m = &r.memory;
        w.write_record([
            iso_time(r.time),
            r.host.clone(),
            opt(r.interval_s),
            cpu(|c| c.busy),
            cpu(|c| c.user),
            cpu(|c| c.nice),
            cpu(|c| c.system),
            cpu(|c| c.iowait),
            cpu(|c| c.steal),
            m.total_kib.to_string(),
            m.used_kib.to_string(),
            m.available_kib.to_string(),
            m.swap_total_kib.to_string(),
            m.swap_used_kib.to_string(),
            format!("{:.2}", r.load[0]),
            format!("{:.2}", r.load[1]),
            format!("{:.2}", r.load[2]),
            r.uptime_s.to_string(),
            r.procs.to_string(),
            opt(r.temp_c),
            r.files.map(|f| f.allocated.to_string()).unwrap_or_default(),
            r.files.map(|f| f.max.to_string()).unwrap_or_default(),
            pressure(r, "cpu", |p| Some(p.some_avg60)),
            pressure(r, "memory", |p| Some(p.some_avg60)),
            pressure(r, "memory", |p| p.full_avg60),
            pressure(r, "io", |p| Some(p.some_avg60)),
            pressure(r, "io", |p| p.full_avg60),
        ])?;
        w.flush()?;
        Ok(())
    }
}

/// One pressure figure of the record, as CSV writes it ('' when the kernel has none).
fn pressure(r: &Record, resource: &str, value: fn(&PressureRecord) -> Option<f64>) -> String {
    r.pressure
        .iter()
        .find(|p| p.resource == resource)
        .and_then(value)
        .map(|v| format!("{v:.2}"))
        .unwrap_or_default()
}

const CSV_HEADER: [&str; 27] = [
    "time",
    "host",
    "interval_s",
    "cpu_busy",
    "cpu_user",
    "cpu_nice",
    "cpu_system",
    "cpu_iowait",
    "cpu_steal",
    "mem_total_kib",
    "mem_used_kib",
    "mem_avail_kib",
    "swap_total_kib",
    "swap_used_kib",
    "load1",
    "load5",
    "load15",
    "uptime_s",
    "procs",
    "temp_c",
    "open_files",
    "files_max",
    "pressure_cpu",
    "pressure_memory",
    "pressure_memory_full",
    "pressure_io",
    "pressure_io_full",
];

fn iso_time(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_else(|| ts.to_string())
}

fn table(r: &Record, out: &mut dyn Write) -> Result<()> {
    let when = match r.interval_s {
        Some(s) => format!("{s:.1} s after the previous sample"),
        None => "no baseline yet: counters stored, rates from the next sample on".into(),
    };
    writeln!(out, "{} at {}, {when}", visible(&r.host), iso_time(r.time))?;
    match &r.cpu {
        Some(c) => writeln!(
            out,
            "  cpu      busy {:.2}%  user {:.2}  nice {:.2}  system {:.2}  iowait {:.2}  steal {:.2}  ({} CPUs)",
            c.busy, c.user, c.nice, c.system, c.iowait, c.steal, r.ncpu
        )?,
        None => writeln!(out, "  cpu      -  ({} CPUs)", r.ncpu)?,
    }
    let m = &r.memory;
    writeln!(
        out,
        "  memory   {} used of {} ({:.1}%), {} available; swap {} used of {}",
        kib(m.used_kib),
        kib(m.total_kib),
        100.0 * m.used_kib as f64 / m.total_kib.max(1) as f64,
        kib(m.available_kib),
        kib(m.swap_used_kib),
        kib(m.swap_total_kib)
    )?;
    let temp = r
        .temp_c
        .map(|t| format!("{t:.1} °C"))
        .unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "  system   load {:.2} {:.2} {:.2}  uptime {}  processes {}  temperature {temp}",
        r.load[0],
        r.load[1],
        r.load[2],
        duration(r.uptime_s),
        r.procs
    )?;
    let files = r.files.map_or_else(
        || "not available".to_string(),
        |f| {
            format!(
                "{} open of {} ({:.1}%)",
                f.allocated,
                f.max,
                100.0 * f.allocated as f64 / f.max.max(1) as f64
            )
        },
    );
    let pressure = if r.pressure.is_empty() {
        "not available".to_string()
    } else {
        r.pressure
            .iter()
            .map(|p| match p.full_avg60 {
                Some(full) if p.resource != "cpu" => {
                    format!("{} {:.2}% (all {full:.2}%)", p.resource, p.some_avg60)
                }
                _ => format!("{} {:.2}%", p.resource, p.some_avg60),
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    writeln!(out, "  files    {files}  pressure (60 s) {pressure}")?;
    for d in &r.disks {
        writeln!(
            out,
            "  disk     {}  {} used of {} ({:.1}%), {} available",
            visible(&d.path),
            kib(d.used),
            kib(d.total),
            100.0 * d.used as f64 / (d.used + d.avail).max(1) as f64,
            kib(d.avail)
        )?;
    }
    for n in &r.net {
        let moved = match (n.rx_delta, n.tx_delta) {
            (Some(rx), Some(tx)) => format!(
                "rx {} tx {} since the baseline",
                human_bytes(rx),
                human_bytes(tx)
            ),
            _ => "-".into(),
        };
        let state = match n.up {
            Some(true) => "up",
            Some(false) => "down",
            None => "state unknown",
        };
        let speed = n.speed_mbps.map_or_else(
            || "speed not available".to_string(),
            |s| format!("{s} Mb/s"),
        );
        let errors = n.errors_delta.map_or_else(
            || "-".to_string(),
            |e| {
                format!(
                    "errors rx {} tx {}, drops rx {} tx {}",
                    e[0], e[2], e[1], e[3]
                )
            },
        );
        writeln!(
            out,
            "  net      {}  {moved}  (counters rx {} tx {})  {state}, {speed}; {errors}",
            visible(&n.name),
            human_bytes(n.rx_bytes),
            human_bytes(n.tx_bytes)
        )?;
    }
    for u in &r.users {
        writeln!(
            out,
            "  user     {}  cpu {}  memory {}  processes {}",
            visible(&u.name),
            pct(u.cpu),
            kib(u.rss_kib),
            u.procs
        )?;
    }
    for p in &r.top {
        writeln!(
            out,
            "  process  {} {} ({})  cpu {}  memory {}  threads {}  state {}",
            p.pid,
            visible(&p.name),
            visible(&p.user),
            pct(p.cpu),
            kib(p.rss_kib),
            p.threads,
            p.state
        )?;
    }
    Ok(())
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "-".into())
}

fn kib(v: u64) -> String {
    binary_bytes(v.saturating_mul(1024))
}

fn duration(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60);
    if d > 0 {
        format!("{d}d {h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::collect::Disk;
    use crate::db::samples::{FilesRecord, MemoryRecord, NetRecord, ProcRecord, UserRecord};

    fn record() -> Record {
        Record {
            host: "h".into(),
            time: 1_790_000_000,
            interval_s: Some(60.0),
            ncpu: 2,
            cpu: Some(CpuRecord {
                busy: 45.5,
                user: 40.0,
                nice: 0.0,
                system: 5.5,
                iowait: 1.2,
                steal: 0.3,
            }),
            memory: MemoryRecord {
                total_kib: 4 * 1024 * 1024,
                used_kib: 1024 * 1024,
                available_kib: 3 * 1024 * 1024,
                swap_total_kib: 1024 * 1024,
                swap_used_kib: 0,
            },
            load: [1.25, 1.5, 1.75],
            uptime_s: 90_061,
            procs: 90,
            temp_c: Some(52.3),
            files: Some(FilesRecord {
                allocated: 350,
                max: 1400,
            }),
            pressure: vec![
                PressureRecord {
                    resource: "cpu",
                    some_avg10: 21.85,
                    some_avg60: 25.16,
                    full_avg10: Some(0.0),
                    full_avg60: Some(0.0),
                },
                PressureRecord {
                    resource: "io",
                    some_avg10: 1.0,
                    some_avg60: 1.48,
                    full_avg10: Some(0.2),
                    full_avg60: Some(0.7),
                },
            ],
            disks: vec![Disk {
                path: "/".into(),
                device: "/dev/sda1".into(),
                fstype: "ext4".into(),
                total: 100 * 1024 * 1024,
                used: 70 * 1024 * 1024,
                avail: 25 * 1024 * 1024,
            }],
            net: vec![NetRecord {
                name: "eth0".into(),
                rx_bytes: 9_000_000,
                tx_bytes: 900_000,
                rx_delta: Some(6_000_000),
                tx_delta: Some(600_000),
                errors_delta: Some([1, 2, 3, 4]),
                up: Some(true),
                speed_mbps: Some(1000),
            }],
            users: vec![UserRecord {
                uid: 1000,
                name: "alice".into(),
                cpu: Some(25.0),
                rss_kib: 512 * 1024,
                procs: 3,
            }],
            top: vec![ProcRecord {
                pid: 42,
                name: "make".into(),
                uid: 1000,
                user: "alice".into(),
                cpu: None,
                rss_kib: 2048,
                threads: 4,
                state: 'R',
                started: 1_789_999_000,
            }],
        }
    }

    fn printed(format: Format, times: usize) -> String {
        let mut p = Printer::new(format);
        let mut out = Vec::new();
        for _ in 0..times {
            p.write(&record(), &mut out).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_table_shows_each_figure_in_its_unit() {
        let text = printed(Format::Table, 1);
        let lines: Vec<&str> = text.lines().collect();
        let at = iso_time(1_790_000_000);
        assert_eq!(
            lines[0],
            format!("h at {at}, 60.0 s after the previous sample")
        );
        assert_eq!(
            &lines[1..],
            [
                "  cpu      busy 45.50%  user 40.00  nice 0.00  system 5.50  iowait 1.20  steal 0.30  (2 CPUs)",
                "  memory   1.0 GiB used of 4.0 GiB (25.0%), 3.0 GiB available; swap 0 B used of 1.0 GiB",
                "  system   load 1.25 1.50 1.75  uptime 1d 01:01  processes 90  temperature 52.3 °C",
                "  files    350 open of 1400 (25.0%)  pressure (60 s) cpu 25.16%  io 1.48% (all 0.70%)",
                "  disk     /  70.0 GiB used of 100.0 GiB (73.7%), 25.0 GiB available",
                "  net      eth0  rx 6.0 MB tx 600 kB since the baseline  (counters rx 9.0 MB tx 900 kB)  up, 1000 Mb/s; errors rx 1 tx 3, drops rx 2 tx 4",
                "  user     alice  cpu 25.0%  memory 512.0 MiB  processes 3",
                "  process  42 make (alice)  cpu -  memory 2.0 MiB  threads 4  state R",
            ]
        );
    }

    #[test]
    fn csv_writes_its_header_once_and_json_a_line_per_sample() {
        let text = printed(Format::Csv, 2);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(lines[0], CSV_HEADER.join(","));
        let at = iso_time(1_790_000_000);
        assert_eq!(
            lines[1],
            format!(
                "{at},h,60.00,45.50,40.00,0.00,5.50,1.20,0.30,4194304,1048576,3145728,1048576,0,1.25,1.50,1.75,90061,90,52.30,350,1400,25.16,,,1.48,0.70"
            )
        );
        assert_eq!(lines[1], lines[2]);
        let json = printed(Format::Json, 2);
        let objects: Vec<serde_json::Value> = json
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(objects.len(), 2);
        assert_eq!(objects[0]["cpu"]["busy"], 45.5);
        assert_eq!(objects[0]["disks"][0]["used_kib"], 70 * 1024 * 1024);
    }

    #[test]
    fn times_are_rfc_3339_in_the_local_zone() {
        let t = chrono::DateTime::parse_from_rfc3339(&iso_time(1_790_000_000)).unwrap();
        assert_eq!(t.timestamp(), 1_790_000_000);
    }

    #[test]
    fn sizes_read_like_df_h() {
        assert_eq!(duration(59), "00:00");
        assert_eq!(duration(3599), "00:59");
        assert_eq!(duration(3600), "01:00");
        assert_eq!(duration(86_399), "23:59");
        assert_eq!(duration(86_400), "1d 00:00");
        assert_eq!(binary_bytes(512), "512 B");
        assert_eq!(binary_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
        assert_eq!(kib(3 * 1024 * 1024), "3.0 GiB");
        assert_eq!(duration(90_061), "1d 01:01");
    }
}
