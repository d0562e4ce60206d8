//! Merging another usage database into this one (usage-import --merge), in one transaction of
//! SQL over the attached file: its hosts, their samples with every child row, the ledger with
//! its locations, alert history, probe results and outages, login sessions and application
//! events. A row already stored is left as it is (except what the source knows more of: an
//! outage or login that ended since, a ledger day edited later), so merging the same file again
//! changes nothing.
//!
//! Not copied: what belongs to the source machine's own runs rather than to its record, the
//! sampler's baseline, where wtmp was last read, the probes' current streaks, the state, outbox,
//! cursors, acknowledgements and silences of its alerts, and its maintenance windows (they would
//! silence this machine's rules).
//!
//! Retention: the samples and probe results of each host merged are kept as this database's
//! own settings keep them, counted back from the host's newest sample (or result) rather than
//! from the clock, so a clock that is wrong deletes nothing: older rows are not copied, and
//! those stored are deleted in the same transaction, as usage-sample deletes its own.
//!
//! Host identity: a source host whose name is not stored becomes a new host. One whose name is
//! stored is the same machine when both sides know its machine id and the ids are equal; when
//! either does not, when the samples of both sides cover a common stretch of time and share a
//! reading (the same time, uptime and memory size), or cover no common stretch at all (the same
//! machine's older or newer history). Otherwise it is another machine of the same name, stored
//! as NAME-2 (or -3, ...), where the next merge of it finds it again by the same rule.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::SCHEMA_VERSION;

/// How a source host was matched with the stored ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// No host of its name was stored.
    New,
    /// The same machine as a stored host.
    Same,
    /// A machine other than the stored host of its name: stored under a new name.
    Apart,
}

impl Match {
    pub fn as_str(self) -> &'static str {
        match self {
            Match::New => "new",
            Match::Same => "same",
            Match::Apart => "apart",
        }
    }
}

/// One source host and where it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostMerge {
    pub source: String,
    pub stored: String,
    pub matched: Match,
    /// Its samples added.
    pub samples: i64,
}

/// Rows added (or brought up to date) per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub samples: i64,
    pub locations: i64,
    /// Days added, or changed because the source edited them later.
    pub ledger_days: i64,
    pub monthly: i64,
    pub alert_events: i64,
    pub probe_results: i64,
    /// Outages added, or ended since.
    pub outages: i64,
    /// Login sessions added, or ended since.
    pub logins: i64,
    pub app_events: i64,
    /// The merged hosts' samples and probe results the retention deleted.
    pub expired: i64,
}

/// How long the merged hosts' rows are kept, in days (0: forever).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Keep {
    pub samples_days: u32,
    pub results_days: u32,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub hosts: Vec<HostMerge>,
    pub counts: Counts,
}

/// Percent-encodes a path into a read-only `file:` URI.
fn read_only_uri(path: &Path) -> Result<String> {
    let path = std::path::absolute(path)
        .with_context(|| format!("cannot resolve '{}'", path.display()))?;
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro");
    Ok(uri)
}

/// Merges the usage database at `source` (at this release's schema: the caller migrates an
/// older one's copy first) into `conn`'s, in one IMMEDIATE transaction; with `dry_run` it is
/// rolled back. `conn` must take URIs ([`super::open_merging`]).
pub fn merge(conn: &mut Connection, source: &Path, keep: Keep, dry_run: bool) -> Result<Merged> {
    conn.execute("ATTACH DATABASE ?1 AS src", [read_only_uri(source)?])
        .with_context(|| format!("cannot open '{}' to merge", source.display()))?;
    let result = (|| {
        let version: i32 = conn.query_row("PRAGMA src.user_version", [], |r| r.get(0))?;
        ensure!(
            version == SCHEMA_VERSION,
            "'{}' has schema version {version}, not {SCHEMA_VERSION}",
            source.display()
        );
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context("cannot start writing to the database")?;
        let merged = copy(&tx, keep)?;
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(merged)
    })();
    let detached = conn.execute_batch("DETACH DATABASE src");
    let merged = result?;
    detached?;
    Ok(merged)
}

const TEMP_TABLES: &[&str] = &[
    "host_map",
    "mount_map",
    "iface_map",
    "user_map",
    "command_map",
    "sample_map",
    "result_map",
    "location_map",
    "outage_map",
    "session_map",
];

fn copy(tx: &Transaction, keep: Keep) -> Result<Merged> {
    for t in TEMP_TABLES {
        let key = match *t {
            "sample_map" | "result_map" => "n INTEGER PRIMARY KEY, src INTEGER NOT NULL UNIQUE",
            // From when (UTC seconds) the host's samples and results are kept.
            "host_map" => {
                "src INTEGER PRIMARY KEY, dst INTEGER NOT NULL, samples_from INTEGER NOT NULL,
                 results_from INTEGER NOT NULL"
            }
            _ => "src INTEGER PRIMARY KEY, dst INTEGER NOT NULL",
        };
        tx.execute_batch(&format!(
            "DROP TABLE IF EXISTS temp.{t}; CREATE TEMP TABLE {t} ({key});"
        ))?;
    }
    let mut hosts = match_hosts(tx, keep)?;
    let mut counts = Counts {
        samples: copy_samples(tx)?,
        expired: expire(tx)?,
        ..Counts::default()
    };
    for h in &mut hosts {
        h.samples = tx.query_row(
            "SELECT count(*) FROM temp.sample_map m JOIN src.samples s ON s.id = m.src
             JOIN src.hosts h ON h.id = s.host_id WHERE h.name = ?1",
            [&h.source],
            |r| r.get(0),
        )?;
    }
    copy_ledger(tx, &mut counts)?;
    counts.alert_events = copy_alert_events(tx)?;
    copy_probes(tx, &mut counts)?;
    counts.logins = tx.execute(
        "INSERT INTO main.logins (host_id, user, line, remote, start, end, how)
         SELECT hm.dst, l.user, l.line, l.remote, l.start, l.end, l.how
         FROM src.logins l JOIN temp.host_map hm ON hm.src = l.host_id WHERE true
         ON CONFLICT (host_id, line, start, user) DO UPDATE SET end = excluded.end, how = excluded.how
         WHERE logins.end IS NULL AND excluded.end IS NOT NULL",
        [],
    )? as i64;
    counts.app_events = copy_app_events(tx)?;
    for t in TEMP_TABLES {
        tx.execute_batch(&format!("DROP TABLE temp.{t}"))?;
    }
    Ok(Merged { hosts, counts })
}

/// Maps every source host to a stored one (creating it when new or another machine).
fn match_hosts(tx: &Transaction, keep: Keep) -> Result<Vec<HostMerge>> {
    let sources: Vec<(i64, String, Option<String>)> = tx
        .prepare("SELECT id, name, machine_id FROM src.hosts ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (src, name, machine) in sources {
        let mut n = 1;
        let (dst, stored, matched) = loop {
            let candidate = if n == 1 {
                name.clone()
            } else {
                format!("{name}-{n}")
            };
            let found: Option<(i64, Option<String>)> = tx
                .query_row(
                    "SELECT id, machine_id FROM main.hosts WHERE name = ?1",
                    [&candidate],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match found {
                None => {
                    tx.execute(
                        "INSERT INTO main.hosts (name, machine_id) VALUES (?1, ?2)",
                        params![candidate, machine],
                    )?;
                    let how = if n == 1 { Match::New } else { Match::Apart };
                    break (tx.last_insert_rowid(), candidate, how);
                }
                Some((dst, known)) if same_machine(tx, (dst, &known), (src, &machine))? => {
                    if known.is_none() && machine.is_some() {
                        tx.execute(
                            "UPDATE main.hosts SET machine_id = ?2 WHERE id = ?1",
                            params![dst, machine],
                        )?;
                    }
                    let how = if n == 1 { Match::Same } else { Match::Apart };
                    break (dst, candidate, how);
                }
                Some(_) => n += 1,
            }
        };
        let from = |days: u32, table: &str| -> Result<i64> {
            if days == 0 {
                return Ok(i64::MIN);
            }
            let newest: Option<i64> = tx.query_row(
                &format!(
                    "SELECT max(coalesce(a, b), coalesce(b, a)) FROM
                       (SELECT (SELECT max(ts) FROM src.{table} WHERE host_id = ?1) AS a,
                               (SELECT max(ts) FROM main.{table} WHERE host_id = ?2) AS b)"
                ),
                [src, dst],
                |r| r.get(0),
            )?;
            Ok(newest.map_or(i64::MIN, |t| t - i64::from(days) * 86_400))
        };
        tx.execute(
            "INSERT INTO temp.host_map VALUES (?1, ?2, ?3, ?4)",
            [
                src,
                dst,
                from(keep.samples_days, "samples")?,
                from(keep.results_days, "probe_results")?,
            ],
        )?;
        out.push(HostMerge {
            source: name,
            stored,
            matched,
            samples: 0,
        });
    }
    Ok(out)
}

/// The identity rule of the module's documentation.
fn same_machine(
    tx: &Transaction,
    (dst, dst_id): (i64, &Option<String>),
    (src, src_id): (i64, &Option<String>),
) -> Result<bool> {
    if let (Some(a), Some(b)) = (dst_id, src_id) {
        return Ok(a == b);
    }
    let range = |table: &str, host: i64| -> Result<Option<(i64, i64)>> {
        Ok(tx.query_row(
            &format!("SELECT min(ts), max(ts) FROM {table} WHERE host_id = ?1"),
            [host],
            |r| Ok(r.get::<_, Option<i64>>(0)?.zip(r.get::<_, Option<i64>>(1)?)),
        )?)
    };
    let (Some((a0, a1)), Some((b0, b1))) =
        (range("main.samples", dst)?, range("src.samples", src)?)
    else {
        return Ok(true);
    };
    let (from, to) = (a0.max(b0), a1.min(b1));
    if from > to {
        return Ok(true);
    }
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM src.samples s JOIN main.samples d
           ON d.host_id = ?1 AND d.ts = s.ts AND d.uptime = s.uptime AND d.mem_total = s.mem_total
         WHERE s.host_id = ?2 AND s.ts BETWEEN ?3 AND ?4)",
        params![dst, src, from, to],
        |r| r.get(0),
    )?)
}

/// The samples not stored yet (by host and time) with their disks, interfaces, users and
/// processes; returns how many samples.
fn copy_samples(tx: &Transaction) -> Result<i64> {
    tx.execute_batch(
        "INSERT INTO main.mounts (host_id, path, device, fstype)
           SELECT hm.dst, m.path, m.device, m.fstype
           FROM src.mounts m JOIN temp.host_map hm ON hm.src = m.host_id WHERE true
           ON CONFLICT (host_id, path) DO NOTHING;
         INSERT INTO temp.mount_map SELECT m.id, d.id FROM src.mounts m
           JOIN temp.host_map hm ON hm.src = m.host_id
           JOIN main.mounts d ON d.host_id = hm.dst AND d.path = m.path;
         INSERT INTO main.interfaces (host_id, name)
           SELECT hm.dst, i.name FROM src.interfaces i JOIN temp.host_map hm ON hm.src = i.host_id
           WHERE true ON CONFLICT (host_id, name) DO NOTHING;
         INSERT INTO temp.iface_map SELECT i.id, d.id FROM src.interfaces i
           JOIN temp.host_map hm ON hm.src = i.host_id
           JOIN main.interfaces d ON d.host_id = hm.dst AND d.name = i.name;
         INSERT INTO main.users (host_id, uid, name)
           SELECT hm.dst, u.uid, u.name FROM src.users u JOIN temp.host_map hm ON hm.src = u.host_id
           WHERE true ON CONFLICT (host_id, uid) DO NOTHING;
         INSERT INTO temp.user_map SELECT u.id, d.id FROM src.users u
           JOIN temp.host_map hm ON hm.src = u.host_id
           JOIN main.users d ON d.host_id = hm.dst AND d.uid = u.uid;
         INSERT INTO main.commands (name) SELECT name FROM src.commands WHERE true
           ON CONFLICT (name) DO NOTHING;
         INSERT INTO temp.command_map SELECT c.id, d.id FROM src.commands c
           JOIN main.commands d ON d.name = c.name;
         ",
    )?;
    new_rows(tx, &SAMPLE_KEYS)?;
    // New ids follow the stored ones in the source's order, so every table is appended to.
    let base: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM main.samples", [], |r| {
        r.get(0)
    })?;
    let added = tx.execute(
        "INSERT INTO main.samples (id, host_id, ts, interval_cs, ncpu, cpu_busy, cpu_user,
           cpu_nice, cpu_system, cpu_iowait, cpu_steal, mem_total, mem_used, mem_avail,
           swap_total, swap_used, load1, load5, load15, uptime, procs, temp, fd_alloc, fd_max,
           psi_cpu_some10, psi_cpu_some60, psi_cpu_full10, psi_cpu_full60, psi_memory_some10,
           psi_memory_some60, psi_memory_full10, psi_memory_full60, psi_io_some10,
           psi_io_some60, psi_io_full10, psi_io_full60)
         SELECT ?1 + m.n, hm.dst, s.ts, s.interval_cs, s.ncpu, s.cpu_busy, s.cpu_user,
           s.cpu_nice, s.cpu_system, s.cpu_iowait, s.cpu_steal, s.mem_total, s.mem_used,
           s.mem_avail, s.swap_total, s.swap_used, s.load1, s.load5, s.load15, s.uptime,
           s.procs, s.temp, s.fd_alloc, s.fd_max, s.psi_cpu_some10, s.psi_cpu_some60,
           s.psi_cpu_full10, s.psi_cpu_full60, s.psi_memory_some10, s.psi_memory_some60,
           s.psi_memory_full10, s.psi_memory_full60, s.psi_io_some10, s.psi_io_some60,
           s.psi_io_full10, s.psi_io_full60
         FROM temp.sample_map m CROSS JOIN src.samples s ON s.id = m.src
         JOIN temp.host_map hm ON hm.src = s.host_id ORDER BY m.n",
        [base],
    )?;
    if added == 0 {
        return Ok(0);
    }
    for sql in [
        "INSERT INTO main.sample_disks (sample_id, mount_id, total, used, avail)
         SELECT ?1 + m.n, mm.dst, d.total, d.used, d.avail
         FROM temp.sample_map m CROSS JOIN src.sample_disks d ON d.sample_id = m.src
         JOIN temp.mount_map mm ON mm.src = d.mount_id",
        "INSERT INTO main.sample_net (sample_id, iface_id, rx_bytes, tx_bytes, rx_delta, tx_delta,
           rx_errs, rx_drop, tx_errs, tx_drop, up, speed)
         SELECT ?1 + m.n, im.dst, n.rx_bytes, n.tx_bytes, n.rx_delta, n.tx_delta, n.rx_errs,
           n.rx_drop, n.tx_errs, n.tx_drop, n.up, n.speed
         FROM temp.sample_map m CROSS JOIN src.sample_net n ON n.sample_id = m.src
         JOIN temp.iface_map im ON im.src = n.iface_id",
        "INSERT INTO main.sample_users (sample_id, user_id, cpu, rss, procs)
         SELECT ?1 + m.n, um.dst, u.cpu, u.rss, u.procs
         FROM temp.sample_map m CROSS JOIN src.sample_users u ON u.sample_id = m.src
         JOIN temp.user_map um ON um.src = u.user_id",
        "INSERT INTO main.sample_procs (sample_id, pid, command_id, user_id, cpu, rss, threads,
           state, started)
         SELECT ?1 + m.n, p.pid, cm.dst, um.dst, p.cpu, p.rss, p.threads, p.state, p.started
         FROM temp.sample_map m CROSS JOIN src.sample_procs p ON p.sample_id = m.src
         JOIN temp.command_map cm ON cm.src = p.command_id
         JOIN temp.user_map um ON um.src = p.user_id",
    ] {
        tx.execute(sql, [base])?;
    }
    Ok(added as i64)
}

/// Deletes the merged hosts' samples and probe results older than the retention keeps (their
/// child rows go with them); returns how many.
fn expire(tx: &Transaction) -> Result<i64> {
    let samples = tx.execute(
        "DELETE FROM main.samples WHERE id IN (SELECT s.id FROM temp.host_map hm
           JOIN main.samples s ON s.host_id = hm.dst AND s.ts < hm.samples_from)",
        [],
    )?;
    let results = tx.execute(
        "DELETE FROM main.probe_results WHERE id IN (SELECT r.id FROM temp.host_map hm
           JOIN main.probe_results r ON r.host_id = hm.dst AND r.ts < hm.results_from)",
        [],
    )?;
    Ok((samples + results) as i64)
}

/// Locations by name (a stored one keeps its settings), days and billing-period totals; a day
/// or total stored on both sides takes the source's value when the source changed it later.
fn copy_ledger(tx: &Transaction, counts: &mut Counts) -> Result<()> {
    counts.locations = tx.execute(
        "INSERT INTO main.locations (name, display_name, active, billing_day, quota, created)
         SELECT name, display_name, active, billing_day, quota, created FROM src.locations
         WHERE true ON CONFLICT (name) DO NOTHING",
        [],
    )? as i64;
    tx.execute(
        "INSERT INTO temp.location_map SELECT l.id, d.id FROM src.locations l
         JOIN main.locations d ON d.name = l.name",
        [],
    )?;
    counts.ledger_days = tx.execute(
        "INSERT INTO main.daily_usage (date, location_id, bytes, updated)
         SELECT u.date, lm.dst, u.bytes, u.updated
         FROM src.daily_usage u JOIN temp.location_map lm ON lm.src = u.location_id WHERE true
         ON CONFLICT (date, location_id) DO UPDATE SET bytes = excluded.bytes,
           updated = excluded.updated
         WHERE excluded.updated > daily_usage.updated AND excluded.bytes <> daily_usage.bytes",
        [],
    )? as i64;
    counts.monthly = tx.execute(
        "INSERT INTO main.monthly_summaries (location_id, period_start, period_end, bytes, manual,
           updated)
         SELECT lm.dst, m.period_start, m.period_end, m.bytes, m.manual, m.updated
         FROM src.monthly_summaries m JOIN temp.location_map lm ON lm.src = m.location_id
         WHERE true
         ON CONFLICT (location_id, period_start) DO UPDATE SET period_end = excluded.period_end,
           bytes = excluded.bytes, manual = excluded.manual, updated = excluded.updated
         WHERE excluded.updated > monthly_summaries.updated
           AND (excluded.bytes, excluded.period_end)
             IS NOT (monthly_summaries.bytes, monthly_summaries.period_end)",
        [],
    )? as i64;
    Ok(())
}

/// Alert events not stored yet (by time, rule, subject, event and host). An event of no host
/// (from before schema 11 in a database of several) is the source's most recently sampled
/// host's, the host its usage-alert judged.
fn copy_alert_events(tx: &Transaction) -> Result<i64> {
    let judged: Option<i64> = tx
        .query_row(
            "SELECT hm.dst FROM src.hosts h JOIN temp.host_map hm ON hm.src = h.id
             ORDER BY (SELECT max(ts) FROM src.samples WHERE host_id = h.id) DESC NULLS LAST
             LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(tx.execute(
        "INSERT INTO main.alert_events (ts, rule, subject, event, severity, value, message,
           silenced, host_id)
         SELECT e.ts, e.rule, e.subject, e.event, e.severity, e.value, e.message, e.silenced,
           coalesce(hm.dst, ?1)
         FROM src.alert_events e LEFT JOIN temp.host_map hm ON hm.src = e.host_id
         WHERE NOT EXISTS (SELECT 1 FROM main.alert_events x WHERE x.ts = e.ts
           AND x.rule = e.rule AND x.subject = e.subject AND x.event = e.event
           AND x.host_id IS coalesce(hm.dst, ?1))
         ORDER BY e.id",
        [judged],
    )? as i64)
}

/// Outages (by host, probe and start; one still open here takes the source's end) and the
/// probe results not stored yet (by host, probe and time).
fn copy_probes(tx: &Transaction, counts: &mut Counts) -> Result<()> {
    let added = tx.execute(
        "INSERT INTO main.outages (host_id, probe, started, ended, severity, priority, cause,
           closed_by, note)
         SELECT hm.dst, o.probe, o.started, o.ended, o.severity, o.priority, o.cause,
           o.closed_by, o.note
         FROM src.outages o JOIN temp.host_map hm ON hm.src = o.host_id
         WHERE NOT EXISTS (SELECT 1 FROM main.outages d WHERE d.host_id = hm.dst
           AND d.probe = o.probe AND d.started = o.started)
         ORDER BY o.id",
        [],
    )?;
    let ended = tx.execute(
        "UPDATE main.outages AS d SET ended = o.ended, closed_by = o.closed_by,
           severity = o.severity, note = o.note
         FROM src.outages o JOIN temp.host_map hm ON hm.src = o.host_id
         WHERE d.host_id = hm.dst AND d.probe = o.probe AND d.started = o.started
           AND d.ended IS NULL AND o.ended IS NOT NULL",
        [],
    )?;
    counts.outages = (added + ended) as i64;
    tx.execute(
        "INSERT INTO temp.outage_map SELECT o.id, d.id FROM src.outages o
         JOIN temp.host_map hm ON hm.src = o.host_id
         JOIN main.outages d ON d.host_id = hm.dst AND d.probe = o.probe AND d.started = o.started",
        [],
    )?;
    new_rows(tx, &RESULT_KEYS)?;
    counts.probe_results = tx.execute(
        "INSERT INTO main.probe_results (host_id, probe, ts, up, ms, min_ms, max_ms, loss, status,
           failure, detail, cert_expiry, attempts, outage_id)
         SELECT hm.dst, r.probe, r.ts, r.up, r.ms, r.min_ms, r.max_ms, r.loss, r.status,
           r.failure, r.detail, r.cert_expiry, r.attempts, om.dst
         FROM temp.result_map n CROSS JOIN src.probe_results r ON r.id = n.src
         JOIN temp.host_map hm ON hm.src = r.host_id
         LEFT JOIN temp.outage_map om ON om.src = r.outage_id
         ORDER BY n.n",
        [],
    )? as i64;
    Ok(())
}

/// How the rows of one table are keyed within a host, for [`new_rows`]: by time, within a
/// group (a probe's name; samples have one group, '').
struct Keys {
    /// The groups of the source's rows of host ?1.
    groups: &'static str,
    /// The source's rows of host ?1 and group ?3 from time ?2 on, by time: (id, time).
    source: &'static str,
    /// The first and last time of those rows.
    first: &'static str,
    last: &'static str,
    /// The stored rows of host ?1 and group ?4 from time ?2 to ?3, by time: (time).
    stored: &'static str,
    /// The temporary table the new rows' source ids go to, in order.
    into: &'static str,
    /// Which `host_map` column says from when rows are kept.
    from: &'static str,
}

const SAMPLE_KEYS: Keys = Keys {
    groups: "SELECT '' WHERE ?1 IS NOT NULL",
    source: "SELECT id, ts FROM src.samples WHERE host_id = ?1 AND ts >= ?2 AND ?3 = ''
             ORDER BY ts",
    first: "SELECT min(ts) FROM src.samples WHERE host_id = ?1 AND ts >= ?2 AND ?3 = ''",
    last: "SELECT max(ts) FROM src.samples WHERE host_id = ?1 AND ts >= ?2 AND ?3 = ''",
    stored: "SELECT ts FROM main.samples WHERE host_id = ?1 AND ts BETWEEN ?2 AND ?3 AND ?4 = ''
             ORDER BY ts",
    into: "sample_map",
    from: "samples_from",
};

const RESULT_KEYS: Keys = Keys {
    groups: "SELECT DISTINCT probe FROM src.probe_results WHERE host_id = ?1",
    source: "SELECT id, ts FROM src.probe_results WHERE host_id = ?1 AND ts >= ?2 AND probe = ?3
             ORDER BY ts",
    first: "SELECT min(ts) FROM src.probe_results WHERE host_id = ?1 AND ts >= ?2 AND probe = ?3",
    last: "SELECT max(ts) FROM src.probe_results WHERE host_id = ?1 AND ts >= ?2 AND probe = ?3",
    stored: "SELECT ts FROM main.probe_results
             WHERE host_id = ?1 AND ts BETWEEN ?2 AND ?3 AND probe = ?4 ORDER BY ts",
    into: "result_map",
    from: "results_from",
};

/// Lists in `keys.into` the source rows of every mapped host whose key is not stored, in the
/// source's id order. Both sides are read in time order, two index scans side by side rather
/// than a seek per row: what merging the same file again costs.
fn new_rows(tx: &Transaction, keys: &Keys) -> Result<()> {
    let pairs: Vec<(i64, i64, i64)> = tx
        .prepare(&format!(
            "SELECT src, dst, {} FROM temp.host_map",
            keys.from
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut insert = tx.prepare(&format!("INSERT INTO temp.{} (src) VALUES (?1)", keys.into))?;
    let mut source = tx.prepare(keys.source)?;
    let mut stored = tx.prepare(keys.stored)?;
    for (src, dst, from) in pairs {
        let groups: Vec<String> = tx
            .prepare(keys.groups)?
            .query_map([src], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut ids = Vec::new();
        for group in &groups {
            let bound = |sql: &str| -> rusqlite::Result<Option<i64>> {
                tx.query_row(sql, params![src, from, group], |r| r.get(0))
            };
            let (Some(first), Some(last)) = (bound(keys.first)?, bound(keys.last)?) else {
                continue;
            };
            let mut rows = source.query(params![src, from, group])?;
            let mut there = stored.query(params![dst, first, last, group])?;
            let mut at: Option<i64> = there.next()?.map(|r| r.get(0)).transpose()?;
            while let Some(r) = rows.next()? {
                let ts: i64 = r.get(1)?;
                while let Some(t) = at
                    && t < ts
                {
                    at = there.next()?.map(|r| r.get(0)).transpose()?;
                }
                if at != Some(ts) {
                    ids.push(r.get::<_, i64>(0)?);
                }
            }
        }
        ids.sort_unstable();
        for id in ids {
            insert.execute([id])?;
        }
    }
    Ok(())
}

/// Application sessions (by host, app and session id) and their events; the sessions that
/// gained events have their span and counts recomputed.
fn copy_app_events(tx: &Transaction) -> Result<i64> {
    tx.execute_batch(
        "INSERT INTO main.app_sessions (host_id, app, session, user, first_at, last_at, start_at,
           end_at, actions, errors)
         SELECT hm.dst, s.app, s.session, s.user, s.first_at, s.last_at, s.start_at, s.end_at,
           s.actions, s.errors
         FROM src.app_sessions s JOIN temp.host_map hm ON hm.src = s.host_id WHERE true
         ON CONFLICT (host_id, app, session) DO NOTHING;
         INSERT INTO temp.session_map SELECT s.id, d.id FROM src.app_sessions s
           JOIN temp.host_map hm ON hm.src = s.host_id
           JOIN main.app_sessions d ON d.host_id = hm.dst AND d.app = s.app
             AND d.session = s.session;",
    )?;
    let added = tx.execute(
        "INSERT INTO main.app_events (session_id, at, kind, name, detail)
         SELECT sm.dst, e.at, e.kind, e.name, e.detail
         FROM temp.session_map sm CROSS JOIN src.app_events e ON e.session_id = sm.src
         WHERE true ON CONFLICT DO NOTHING",
        [],
    )?;
    if added > 0 {
        let sessions: Vec<i64> = tx
            .prepare("SELECT dst FROM temp.session_map")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for s in sessions {
            super::activity::refresh(tx, s)?;
        }
    }
    Ok(added as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_becomes_a_read_only_uri() {
        assert_eq!(
            read_only_uri(Path::new("/srv/fleet/web 1?#%.db")).unwrap(),
            "file:/srv/fleet/web%201%3F%23%25.db?mode=ro"
        );
    }
}
