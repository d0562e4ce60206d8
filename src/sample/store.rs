//! Writing a sample: one transaction holds the sample, its child rows, the new baseline and the
//! retention clean-up, so a killed sampler leaves either all of it or none.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::baseline::{Baseline, Record};

/// Hundredths, the stored unit of percentages and load averages.
fn centi(v: f64) -> i64 {
    (v * 100.0).round() as i64
}

/// The host's id, creating the host on first use.
pub fn host_id(tx: &Transaction, name: &str) -> Result<i64> {
    let found = tx
        .prepare_cached("SELECT id FROM hosts WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    tx.prepare_cached("INSERT INTO hosts(name) VALUES (?1)")?
        .execute([name])?;
    Ok(tx.last_insert_rowid())
}

/// The host whose samples are judged and its newest sample, as (id, name, time): the named host,
/// else the host sampled last (a database copied from another machine). `None`: no samples.
pub fn newest_sample(
    conn: &Connection,
    host: &str,
) -> rusqlite::Result<Option<(i64, String, i64)>> {
    let named = conn
        .query_row(
            "SELECT h.id, h.name, (SELECT max(ts) FROM samples WHERE host_id = h.id) FROM hosts h WHERE h.name = ?1",
            [host],
            |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<i64>>(2)?)),
        )
        .optional()?;
    if let Some((id, name, Some(ts))) = named {
        return Ok(Some((id, name, ts)));
    }
    conn.query_row(
        "SELECT s.host_id, h.name, s.ts FROM samples s JOIN hosts h ON h.id = s.host_id ORDER BY s.ts DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

pub fn load_baseline(tx: &Transaction, host: i64) -> Result<Option<Baseline>> {
    let row = tx
        .prepare_cached(
            "SELECT boot_id, uptime_cs, counters FROM sampler_state WHERE host_id = ?1",
        )?
        .query_row([host], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })
        .optional()?;
    Ok(row.and_then(|(boot, up, blob)| Baseline::decode(boot, up as u64, &blob)))
}

pub fn save_baseline(tx: &Transaction, host: i64, b: &Baseline) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO sampler_state(host_id, boot_id, uptime_cs, counters) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![host, b.boot_id, b.uptime_cs as i64, b.encode()])?;
    Ok(())
}

/// Inserts the record; returns the sample's id.
pub fn insert(tx: &Transaction, host: i64, r: &Record) -> Result<i64> {
    let cpu = |f: fn(&super::baseline::CpuRecord) -> f64| r.cpu.as_ref().map(|c| centi(f(c)));
    let m = &r.memory;
    tx.prepare_cached(
        "INSERT INTO samples(host_id, ts, interval_cs, ncpu, cpu_busy, cpu_user, cpu_nice, cpu_system,
            cpu_iowait, cpu_steal, mem_total, mem_used, mem_avail, swap_total, swap_used,
            load1, load5, load15, uptime, procs, temp)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )?
    .execute(params![
        host,
        r.time,
        r.interval_s.map(centi),
        r.ncpu,
        cpu(|c| c.busy),
        cpu(|c| c.user),
        cpu(|c| c.nice),
        cpu(|c| c.system),
        cpu(|c| c.iowait),
        cpu(|c| c.steal),
        m.total_kib as i64,
        m.used_kib as i64,
        m.available_kib as i64,
        m.swap_total_kib as i64,
        m.swap_used_kib as i64,
        centi(r.load[0]),
        centi(r.load[1]),
        centi(r.load[2]),
        r.uptime_s as i64,
        r.procs,
        r.temp_c.map(|t| (t * 10.0).round() as i64),
    ])?;
    let sample = tx.last_insert_rowid();
    for d in &r.disks {
        let mount = mount_id(tx, host, &d.path, &d.device, &d.fstype)?;
        tx.prepare_cached("INSERT INTO sample_disks VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![
                sample,
                mount,
                d.total as i64,
                d.used as i64,
                d.avail as i64
            ])?;
    }
    for n in &r.net {
        let iface = iface_id(tx, host, &n.name)?;
        tx.prepare_cached("INSERT INTO sample_net VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![
                sample,
                iface,
                n.rx_bytes as i64,
                n.tx_bytes as i64,
                n.rx_delta.map(|v| v as i64),
                n.tx_delta.map(|v| v as i64),
            ])?;
    }
    // Top processes belong to users just stored: resolve each uid once.
    let mut user_ids = std::collections::BTreeMap::new();
    for u in &r.users {
        let user = user_id(tx, host, u.uid, &u.name)?;
        user_ids.insert(u.uid, user);
        tx.prepare_cached("INSERT INTO sample_users VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![
                sample,
                user,
                u.cpu.map(centi),
                u.rss_kib as i64,
                u.procs
            ])?;
    }
    for p in &r.top {
        let user = match user_ids.get(&p.uid) {
            Some(&id) => id,
            None => user_id(tx, host, p.uid, &p.user)?,
        };
        let command = command_id(tx, &p.name)?;
        tx.prepare_cached("INSERT INTO sample_procs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?
            .execute(params![
                sample,
                p.pid,
                command,
                user,
                p.cpu.map(centi),
                p.rss_kib as i64,
                p.threads,
                p.state.to_string(),
                p.started,
            ])?;
    }
    Ok(sample)
}

/// Deletes the host's samples older than `cutoff` (UTC seconds); child rows go with them.
pub fn prune(tx: &Transaction, host: i64, cutoff: i64) -> Result<usize> {
    // Compiling the DELETE (with its cascades into four tables) costs more than the rest of a
    // sample's SQL; on most runs nothing has expired, which an index lookup tells cheaply.
    let expired: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM samples WHERE host_id = ?1 AND ts < ?2)")?
        .query_row(params![host, cutoff], |r| r.get(0))?;
    if !expired {
        return Ok(0);
    }
    Ok(tx
        .prepare_cached("DELETE FROM samples WHERE host_id = ?1 AND ts < ?2")?
        .execute(params![host, cutoff])?)
}

fn iface_id(conn: &Connection, host: i64, name: &str) -> Result<i64> {
    let found = conn
        .prepare_cached("SELECT id FROM interfaces WHERE host_id = ?1 AND name = ?2")?
        .query_row(params![host, name], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO interfaces(host_id, name) VALUES (?1, ?2)")?
        .execute(params![host, name])?;
    Ok(conn.last_insert_rowid())
}

fn mount_id(conn: &Connection, host: i64, path: &str, device: &str, fstype: &str) -> Result<i64> {
    let found = conn
        .prepare_cached("SELECT id, device, fstype FROM mounts WHERE host_id = ?1 AND path = ?2")?
        .query_row(params![host, path], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .optional()?;
    match found {
        Some((id, d, f)) if d == device && f == fstype => Ok(id),
        // Another file system is mounted there now: keep the path's history, record what it is.
        Some((id, ..)) => {
            conn.prepare_cached("UPDATE mounts SET device = ?2, fstype = ?3 WHERE id = ?1")?
                .execute(params![id, device, fstype])?;
            Ok(id)
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO mounts(host_id, path, device, fstype) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![host, path, device, fstype])?;
            Ok(conn.last_insert_rowid())
        }
    }
}

fn user_id(conn: &Connection, host: i64, uid: u32, name: &str) -> Result<i64> {
    let found = conn
        .prepare_cached("SELECT id, name FROM users WHERE host_id = ?1 AND uid = ?2")?
        .query_row(params![host, uid], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?;
    match found {
        Some((id, n)) if n == name => Ok(id),
        Some((id, _)) => {
            conn.prepare_cached("UPDATE users SET name = ?2 WHERE id = ?1")?
                .execute(params![id, name])?;
            Ok(id)
        }
        None => {
            conn.prepare_cached("INSERT INTO users(host_id, uid, name) VALUES (?1, ?2, ?3)")?
                .execute(params![host, uid, name])?;
            Ok(conn.last_insert_rowid())
        }
    }
}

fn command_id(conn: &Connection, name: &str) -> Result<i64> {
    if let Some(id) = conn
        .prepare_cached("SELECT id FROM commands WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?
    {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO commands(name) VALUES (?1)")?
        .execute([name])?;
    Ok(conn.last_insert_rowid())
}
