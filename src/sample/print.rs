//! What usage-sample shows of the sample it stored: a readable block on a terminal, one JSON
//! object per line, or CSV with the machine-wide figures (one row per sample, header once).

use std::io::Write;

use anyhow::Result;

use crate::cli::Format;
use crate::db::samples::{CpuRecord, Record};
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
        ])?;
        w.flush()?;
        Ok(())
    }
}

const CSV_HEADER: [&str; 20] = [
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
        writeln!(
            out,
            "  net      {}  {moved}  (counters rx {} tx {})",
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

    #[test]
    fn sizes_read_like_df_h() {
        assert_eq!(binary_bytes(512), "512 B");
        assert_eq!(binary_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
        assert_eq!(kib(3 * 1024 * 1024), "3.0 GiB");
        assert_eq!(duration(90_061), "1d 01:01");
    }
}
