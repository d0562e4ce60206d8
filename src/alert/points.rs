//! The subjects a rule names, checked against the stored record; its points come from
//! `figures`.

use anyhow::{Result, anyhow};
use rusqlite::Connection;

use super::config::Rule;
use crate::db;
use crate::db::samples::{self, Named};
use crate::metric::{Metric, Source};

/// Checks that a rule's label names something recorded, so a typing error is reported rather
/// than watching nothing forever.
pub fn check_subject(conn: &Connection, rule: &Rule, host: Option<i64>) -> Result<()> {
    let (Some(name), Some(label)) = (&rule.filter, rule.metric.label()) else {
        return Ok(());
    };
    // Anyone may log in or start an application later: a user or app not seen yet is no
    // typing error.
    if matches!(
        rule.metric,
        Metric::LoginHoursToday | Metric::AppHoursToday | Metric::AppErrors
    ) {
        return Ok(());
    }
    let named = match rule.metric.source() {
        Source::Disks => Named::Mounts,
        Source::Interfaces => Named::Interfaces,
        Source::Users => Named::Users,
        Source::Probes => {
            let Some(host) = host else {
                return Ok(());
            };
            let known = db::probes::names(conn, host)?;
            if known.is_empty() || known.contains(name) {
                return Ok(());
            }
            return Err(anyhow!(
                "no probe '{name}' has results on this host (probed: {})",
                known.join(", ")
            ));
        }
        _ => {
            let location = db::ledger::lookup_location(conn, name)?
                .ok_or_else(|| db::ledger::unknown_location(conn, name).unwrap_or_else(|e| e))?;
            if location.quota.is_none() {
                return Err(anyhow!(
                    "location '{}' has no quota (set one: usage-import locations set {} --quota GB)",
                    location.name,
                    location.name
                ));
            }
            return Ok(());
        }
    };
    // Nothing stored yet for this host: there is nothing to compare against.
    let Some(host) = host else {
        return Ok(());
    };
    let known = samples::names(conn, host, named)?;
    if known.is_empty() || known.contains(name) {
        return Ok(());
    }
    Err(anyhow!(
        "no {label} '{name}' is recorded on this host (recorded: {})",
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::config;
    use crate::db::samples::Span;
    use crate::figures::Rows;
    use crate::metric::{METRICS, Source};

    #[test]
    fn every_sample_metric_reads_its_rows() {
        let conn = crate::db::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO hosts (id, name) VALUES (1, 'h');
             INSERT INTO mounts VALUES (1, 1, '/', 'sda1', 'ext4');
             INSERT INTO interfaces VALUES (1, 1, 'eth0');
             INSERT INTO users VALUES (1, 1, 1000, 'alice');
             INSERT INTO samples (id, host_id, ts, interval_cs, ncpu, cpu_busy, cpu_user, cpu_nice,
                 cpu_system, cpu_iowait, cpu_steal, mem_total, mem_used, mem_avail, swap_total,
                 swap_used, load1, load5, load15, uptime, procs, temp, fd_alloc, fd_max,
                 psi_cpu_some60, psi_memory_some60, psi_memory_full60, psi_io_some60,
                 psi_io_full60)
             VALUES (1, 1, 600, 6000, 2, 4550, 4000, 0, 550, 120, 30, 1000000, 400000, 600000,
                 200000, 50000, 125, 150, 175, 1000, 90, 523, 350, 1400, 2516, 0, 7, 148, 70);
             INSERT INTO sample_disks VALUES (1, 1, 100000, 70000, 25000);
             INSERT INTO sample_net VALUES (1, 1, 9000000, 900000, 6000000, 600000, 60, 30, 0, 30, 1, 100);
             INSERT INTO sample_users VALUES (1, 1, 2500, 250000, 3);",
        )
        .unwrap();
        let text: String = METRICS
            .iter()
            .filter(|m| m.source != Source::Clock)
            .map(|m| {
                format!(
                    "[[alert.rule]]\nname = \"{}\"\nwhen = \"{} > -1\"\n",
                    m.name, m.name
                )
            })
            .collect();
        let alerts = config::load(Some(std::path::Path::new("t.toml")), Some(&text));
        assert!(alerts.problems.is_empty(), "{:?}", alerts.problems);
        // One cache for every rule, as an evaluation shares it.
        let mut rows = Rows::default();
        let mut values: Vec<(String, String, f64)> = Vec::new();
        for r in &alerts.rules {
            for (_, subject, v) in rows
                .points(&conn, r.metric, r.filter.as_deref(), 1, Span::after(0, 600))
                .unwrap()
            {
                values.push((r.name.clone(), subject, (v * 1000.0).round() / 1000.0));
            }
        }
        let expect =
            |name: &str, subject: &str, value: f64| (name.to_string(), subject.to_string(), value);
        assert_eq!(
            values,
            [
                expect("cpu_percent", "", 45.5),
                expect("cpu_user_percent", "", 40.0),
                expect("cpu_system_percent", "", 5.5),
                expect("cpu_iowait_percent", "", 1.2),
                expect("cpu_steal_percent", "", 0.3),
                expect("memory_percent", "", 40.0),
                expect("swap_percent", "", 25.0),
                expect("load1", "", 1.25),
                expect("load5", "", 1.5),
                expect("load15", "", 1.75),
                expect("temperature", "", 52.3),
                expect("open_files", "", 350.0),
                expect("fd_used_percent", "", 25.0),
                expect("pressure_cpu_percent", "", 25.16),
                expect("pressure_memory_percent", "", 0.0),
                expect("pressure_memory_full_percent", "", 0.07),
                expect("pressure_io_percent", "", 1.48),
                expect("pressure_io_full_percent", "", 0.7),
                // df: used / (used + available).
                expect("disk_used_percent", "/", 73.684),
                expect("disk_free_percent", "/", 26.316),
                // Bytes since the previous sample over its 60 s.
                expect("net_rx_rate", "eth0", 100_000.0),
                expect("net_tx_rate", "eth0", 10_000.0),
                expect("net_errors_rate", "eth0", 1.0),
                expect("net_drops_rate", "eth0", 1.0),
                expect("interface_up", "eth0", 1.0),
                // 100 kB/s received is 0.8 Mb/s of the 100 Mb/s link.
                expect("net_util_percent", "eth0", 0.8),
                expect("user_cpu_percent", "alice", 25.0),
                expect("user_memory_percent", "alice", 25.0),
            ]
        );
        // A label picks its series; another value picks none.
        let mut r = alerts
            .rules
            .iter()
            .find(|r| r.name == "disk_used_percent")
            .unwrap()
            .clone();
        r.filter = Some("/home".into());
        assert!(
            Rows::default()
                .points(&conn, r.metric, r.filter.as_deref(), 1, Span::after(0, 600))
                .unwrap()
                .is_empty()
        );
        assert!(
            check_subject(&conn, &r, Some(1))
                .unwrap_err()
                .to_string()
                .contains("no mount '/home' is recorded on this host (recorded: /)")
        );
    }
}
