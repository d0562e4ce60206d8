//! The overview: the ledger at a glance, the machine's latest state, the services probed, the
//! database.

use anyhow::Result;

use super::{Ctx, usage};
use crate::cli;
use crate::db::{self, samples};
use crate::ledger::date_key;
use crate::metric::{self, Metric};
use crate::render::{Cell, Rows};
use chrono::NaiveDate;

/// Locations shown under "top locations".
const TOP: usize = 5;
/// Days shown under "recent days".
const RECENT: i64 = 7;

/// The overview's sections: (key for JSON, heading for people, rows, one object or a list).
pub struct Section {
    pub key: &'static str,
    pub heading: String,
    pub rows: Rows,
    pub single: bool,
}

fn section(key: &'static str, heading: String, rows: Rows, single: bool) -> Section {
    Section {
        key,
        heading,
        rows,
        single,
    }
}

/// Every section of the overview.
pub fn sections(ctx: &Ctx) -> Result<Vec<Section>> {
    let span = usage::day_bounds(ctx.period.first_day(), ctx.period.last_day());
    let ids = usage::location_ids(ctx);
    let g = db::ledger::glance(ctx.conn, span, &ids)?;
    let date = |d: Option<NaiveDate>| d.map_or(Cell::Null, |d| Cell::Text(d.to_string()));
    let ledger = Rows {
        columns: vec![
            "locations",
            "active",
            "records",
            "first_date",
            "last_date",
            "total_gb",
        ],
        rows: vec![vec![
            Cell::Int(g.locations),
            Cell::Int(g.active),
            Cell::Int(g.records),
            date(g.first),
            date(g.last),
            Cell::Gb(g.total),
        ]],
    };
    let top = db::ledger::top(ctx.conn, span, &ids, TOP)?
        .into_iter()
        .map(|(key, name, bytes)| vec![Cell::Named { key, name }, Cell::Gb(bytes)])
        .collect();
    // The last days up to the newest record in the period, each with every location's total.
    let recent_from = g.last.map_or(i64::MAX, |d| {
        date_key(d - chrono::Duration::days(RECENT - 1))
    });
    let recent = db::ledger::per_day(ctx.conn, (recent_from.max(span.0), span.1), &ids)?
        .into_iter()
        .map(|(day, bytes, locations)| vec![date(day), Cell::Gb(bytes), Cell::Int(locations)])
        .collect();
    let mut out = vec![
        section(
            "ledger",
            format!("Ledger, {}", ctx.period.describe()),
            ledger,
            true,
        ),
        section(
            "top_locations",
            "Top locations".into(),
            Rows {
                columns: vec!["location", "usage_gb"],
                rows: top,
            },
            false,
        ),
        section(
            "recent_days",
            "Recent days".into(),
            Rows {
                columns: vec!["date", "usage_gb", "locations"],
                rows: recent,
            },
            false,
        ),
    ];
    out.extend(hosts(ctx)?);
    out.extend(system_status(ctx)?);
    out.extend(services(ctx)?);
    let db_bytes: i64 = ["", "-wal"]
        .iter()
        .filter_map(|suffix| {
            let mut p = ctx.config.db.clone().into_os_string();
            p.push(suffix);
            std::fs::metadata(p).ok().map(|m| m.len() as i64)
        })
        .sum();
    let schema = i64::from(db::inspect::version(ctx.conn)?);
    out.push(section(
        "database",
        "Database".into(),
        Rows {
            columns: vec!["path", "bytes", "schema_version"],
            rows: vec![vec![
                Cell::Text(ctx.config.db.display().to_string()),
                Cell::Int(db_bytes),
                Cell::Int(schema),
            ]],
        },
        true,
    ));
    Ok(out)
}

/// How the machine is, in a few lines people read first: the newest sample and its age, each
/// disk's free space, the alerts firing now, the open outages of the services probed, and the
/// newest backup with its verification. A
/// state per line (ok, warning, critical) by usage-check's thresholds in the configuration.
pub fn health(ctx: &Ctx) -> Result<Rows> {
    let c = &ctx.config.file.check;
    let mut rows = Vec::new();
    let mut line = |what: &str, state: &str, detail: String| {
        rows.push(vec![
            Cell::Text(what.into()),
            Cell::Text(state.into()),
            Cell::Text(detail),
        ]);
    };
    let host = ctx.shown_host()?;
    if host.is_none() {
        fleet_line(ctx, &mut line)?;
    }
    let latest = match &host {
        Some(h) => samples::latest(ctx.conn, h.id)?,
        None => None,
    };
    match (&host, &latest) {
        (Some(h), Some(s)) => {
            let age = (ctx.now - s.ts).max(0) as f64;
            let interval = f64::from(c.sample_interval);
            let state = if age > interval * c.sample_critical {
                "critical"
            } else if age > interval * c.sample_warning {
                "warning"
            } else {
                "ok"
            };
            let pct =
                |m: Metric| metric::of_sample(m, s).map_or("-".to_string(), |v| format!("{v:.0}%"));
            line(
                "latest sample",
                state,
                format!(
                    "{}, {} ago: CPU {}, memory {}, load {:.2}",
                    h.name,
                    crate::time::age(age),
                    pct(Metric::CpuPercent),
                    pct(Metric::MemoryPercent),
                    metric::of_sample(Metric::Load1, s).unwrap_or(0.0)
                ),
            );
            for d in samples::disks_of(ctx.conn, s.id)? {
                let size = d.used + d.avail;
                let free = 100.0 * d.avail as f64 / size.max(1) as f64;
                let state = if free < c.free_critical_percent {
                    "critical"
                } else if free < c.free_warning_percent {
                    "warning"
                } else {
                    "ok"
                };
                line(
                    &format!("disk {}", d.mount),
                    state,
                    format!(
                        "{free:.0}% free: {} of {}",
                        crate::render::binary_bytes(d.avail.max(0) as u64 * 1024),
                        crate::render::binary_bytes(d.total.max(0) as u64 * 1024)
                    ),
                );
            }
        }
        (None, _) if samples::hosts(ctx.conn)?.len() > 1 || !ctx.hosts.is_empty() => {}
        _ => line("latest sample", "critical", "no samples yet".into()),
    }
    let firing: Vec<String> = db::alerts::all_states(ctx.conn)?
        .into_iter()
        .filter(|(_, s)| s.state == "firing")
        .map(|(rule, s)| {
            if s.subject.is_empty() {
                rule
            } else {
                format!("{rule} ({})", s.subject)
            }
        })
        .collect();
    if firing.is_empty() {
        line("alerts", "ok", "none firing".into());
    } else {
        line(
            "alerts",
            "critical",
            format!("{} firing: {}", firing.len(), firing.join(", ")),
        );
    }
    if super::availability::any_probes(ctx)? {
        let open = super::availability::open_outages(ctx)?;
        let minute = |ts| ctx.zone.time(ts).format("%Y-%m-%d %H:%M").to_string();
        match crate::probe::outage::open_line(&open, minute) {
            None => line("services", "ok", "no outage open".into()),
            Some((serious, text)) => line(
                "services",
                if serious { "critical" } else { "warning" },
                text,
            ),
        }
    }
    let dir = ctx.config.backup_dir(None);
    match crate::archive::store::list(&dir)?.first() {
        None => line("backup", "critical", format!("none in {}", dir.display())),
        Some(b) => {
            let age = (ctx.now - b.created.timestamp()).max(0) as f64;
            let state = if age > f64::from(c.backup_critical_hours) * 3600.0 {
                "critical"
            } else if age > f64::from(c.backup_warning_hours) * 3600.0 {
                "warning"
            } else {
                "ok"
            };
            let verified = match b.meta.as_ref().ok().and_then(|m| m.verified.as_ref()) {
                Some(v) if v.ok => format!(
                    "verified {}",
                    ctx.zone.time(v.at.timestamp()).format("%Y-%m-%d %H:%M")
                ),
                Some(_) => "its verification failed".into(),
                None => "not verified yet".into(),
            };
            let state = match b.meta.as_ref().ok().and_then(|m| m.verified.as_ref()) {
                Some(v) if !v.ok => "critical",
                _ => state,
            };
            line(
                "backup",
                state,
                format!("{}, {} ago, {verified}", b.file, crate::time::age(age)),
            );
        }
    }
    Ok(Rows {
        columns: vec!["what", "state", "detail"],
        rows,
    })
}

/// The hosts asked for (every stored host by default), stored with their samples: each one's
/// first and latest sample and its figures then. Shown when there are several.
pub fn host_rows(ctx: &Ctx) -> Result<Rows> {
    let stored = samples::hosts(ctx.conn)?;
    let mut rows = Vec::new();
    for h in &stored {
        if !ctx.hosts.is_empty() && !ctx.hosts.contains(&h.name) {
            continue;
        }
        let latest = samples::latest(ctx.conn, h.id)?;
        let first = samples::first_time(ctx.conn, h.id, samples::Span::ALL)?;
        let time = |t: Option<i64>| t.map_or(Cell::Null, |t| Cell::Time(ctx.zone.time(t)));
        let value = |m: Metric| {
            latest
                .as_ref()
                .and_then(|s| metric::of_sample(m, s))
                .map_or(Cell::Null, |v| Cell::Num(v, 1))
        };
        let fullest = match &latest {
            Some(s) => samples::disks_of(ctx.conn, s.id)?
                .iter()
                .filter_map(|d| metric::of_disk(Metric::DiskUsedPercent, d))
                .reduce(f64::max),
            None => None,
        };
        rows.push(vec![
            Cell::Text(h.name.clone()),
            time(first),
            time(latest.as_ref().map(|s| s.ts)),
            latest.as_ref().map_or(Cell::Null, |s| {
                Cell::Text(crate::time::age((ctx.now - s.ts).max(0) as f64))
            }),
            value(Metric::CpuPercent),
            value(Metric::MemoryPercent),
            value(Metric::Load1),
            fullest.map_or(Cell::Null, |v| Cell::Num(v, 1)),
        ]);
    }
    Ok(Rows {
        columns: vec![
            "host",
            "first_sample",
            "latest_sample",
            "age",
            "cpu_pct",
            "memory_pct",
            "load1",
            "fullest_disk_pct",
        ],
        rows,
    })
}

fn hosts(ctx: &Ctx) -> Result<Option<Section>> {
    let rows = host_rows(ctx)?;
    if rows.rows.len() < 2 && ctx.hosts.is_empty() {
        return Ok(None);
    }
    Ok(Some(section(
        "hosts",
        "Hosts (latest sample of each)".into(),
        rows,
        false,
    )))
}

/// Several hosts in one line: how many, and those whose latest sample is late by usage-check's
/// thresholds.
fn fleet_line(ctx: &Ctx, line: &mut dyn FnMut(&str, &str, String)) -> Result<()> {
    let c = &ctx.config.file.check;
    let interval = f64::from(c.sample_interval);
    let mut late = Vec::new();
    let mut worst = "ok";
    let mut count = 0;
    for h in samples::hosts(ctx.conn)? {
        if !ctx.hosts.is_empty() && !ctx.hosts.contains(&h.name) {
            continue;
        }
        count += 1;
        let age = h.newest.map(|t| (ctx.now - t).max(0) as f64);
        let state = match age {
            Some(a) if a <= interval * c.sample_warning => continue,
            Some(a) if a <= interval * c.sample_critical => "warning",
            _ => "critical",
        };
        if state == "critical" || worst == "ok" {
            worst = state;
        }
        late.push(match age {
            Some(a) => format!("{} ({} ago)", h.name, crate::time::age(a)),
            None => format!("{} (no samples)", h.name),
        });
    }
    let detail = if late.is_empty() {
        format!(
            "{}, all sampled recently",
            crate::render::counted(count, "host")
        )
    } else {
        format!(
            "{} late of {}: {}",
            late.len(),
            crate::render::counted(count, "host"),
            late.join(", ")
        )
    };
    line("latest samples", worst, detail);
    Ok(())
}

/// The newest sample of the host and its disks.
fn system_status(ctx: &Ctx) -> Result<Vec<Section>> {
    let Some(host) = ctx.shown_host()? else {
        return Ok(Vec::new());
    };
    let Some(latest) = samples::latest(ctx.conn, host.id)? else {
        return Ok(Vec::new());
    };
    let value = |m: Metric, decimals: u8| {
        metric::of_sample(m, &latest).map_or(Cell::Null, |v| Cell::Num(v, decimals))
    };
    let row = vec![
        Cell::Text(host.name.clone()),
        Cell::Time(ctx.zone.time(latest.ts)),
        value(Metric::CpuPercent, 2),
        value(Metric::MemoryPercent, 2),
        value(Metric::SwapPercent, 2),
        value(Metric::Load1, 2),
        value(Metric::Load5, 2),
        value(Metric::Load15, 2),
        value(Metric::Temperature, 1),
        Cell::Int(latest.uptime),
        Cell::Int(latest.procs),
    ];
    // Disk sizes are stored in KiB; shown in GiB with a decimal, as usage-sample and df -h.
    const GIB: f64 = 1024.0 * 1024.0;
    let disks = samples::disks_of(ctx.conn, latest.id)?
        .into_iter()
        .map(|d| {
            vec![
                Cell::Text(d.mount.clone()),
                metric::of_disk(Metric::DiskUsedPercent, &d)
                    .map_or(Cell::Null, |v| Cell::Num(v, 2)),
                Cell::Num(d.total as f64 / GIB, 1),
                Cell::Num(d.avail as f64 / GIB, 1),
            ]
        })
        .collect();
    Ok(vec![
        section(
            "system",
            "System (latest sample)".into(),
            Rows {
                columns: vec![
                    "host",
                    "time",
                    "cpu_pct",
                    "memory_pct",
                    "swap_pct",
                    "load1",
                    "load5",
                    "load15",
                    "temperature_c",
                    "uptime_s",
                    "processes",
                ],
                rows: vec![row],
            },
            true,
        ),
        section(
            "disks",
            "Disks (latest sample)".into(),
            Rows {
                columns: vec!["mount", "used_pct", "total_gib", "avail_gib"],
                rows: disks,
            },
            false,
        ),
    ])
}

/// The newest result of each probe of the host, and its open outage.
fn services(ctx: &Ctx) -> Result<Option<Section>> {
    if !super::availability::any_probes(ctx)? {
        return Ok(None);
    }
    let Some(host) = ctx.shown_host()? else {
        return Ok(None);
    };
    let open = super::availability::open_outages(ctx)?;
    let rows = db::probes::latest(ctx.conn, host.id)?
        .into_iter()
        .map(|r| {
            let outage = open
                .iter()
                .find(|o| o.host == host.name && o.probe == r.probe);
            vec![
                Cell::Text(r.probe.clone()),
                Cell::Time(ctx.zone.time(r.ts)),
                Cell::Text(if r.up { "up" } else { "down" }.into()),
                r.ms.map_or(Cell::Null, |v| Cell::Num(v, 2)),
                r.failure.map_or(Cell::Null, Cell::Text),
                outage.map_or(Cell::Null, |o| Cell::Time(ctx.zone.time(o.started))),
                outage.map_or(Cell::Null, |o| Cell::Text(o.severity.clone())),
            ]
        })
        .collect();
    Ok(Some(section(
        "services",
        "Services (latest result of each probe)".into(),
        Rows {
            columns: vec![
                "probe",
                "time",
                "state",
                "ms",
                "failure",
                "outage_since",
                "severity",
            ],
            rows,
        },
        false,
    )))
}

/// The overview as text tables under headings, or as one JSON object.
pub fn render(ctx: &Ctx, json: bool) -> Result<String> {
    let sections = sections(ctx)?;
    let mut out = String::new();
    if json {
        let mut parts = Vec::new();
        for s in &sections {
            let objects = s.rows.objects()?;
            let value = if s.single {
                objects.into_iter().next().unwrap_or_else(|| "null".into())
            } else {
                format!("[{}]", objects.join(","))
            };
            parts.push(format!("\"{}\":{value}", s.key));
        }
        out.push_str(&format!("{{{}}}\n", parts.join(",")));
        return Ok(out);
    }
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&s.heading);
        out.push('\n');
        if s.rows.rows.is_empty() {
            out.push_str("(none)\n");
            continue;
        }
        let mut buf = Vec::new();
        s.rows.write(cli::Format::Table, &mut buf)?;
        out.push_str(&String::from_utf8_lossy(&buf));
    }
    Ok(out)
}
