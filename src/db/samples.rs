//! The samples table family (hosts, samples and their per-mount, per-interface, per-user and
//! per-process rows, the sampler's baseline): its SQL and its row decoding, in one place.
//!
//! Writing: usage-sample's one transaction holds the sample, its child rows, the new baseline
//! and the retention clean-up, so a killed sampler leaves either all of it or none. Reading: each
//! row type has one column list and one decoder; [`crate::metric`] turns rows into figures.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::Serialize;

use crate::collect::PRESSURE;

/// Everything one sample records, as stored and as printed.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub host: String,
    /// UTC seconds.
    pub time: i64,
    /// Seconds since the baseline; absent when the sample has no rates.
    pub interval_s: Option<f64>,
    pub ncpu: u32,
    pub cpu: Option<CpuRecord>,
    pub memory: MemoryRecord,
    pub load: [f64; 3],
    pub uptime_s: u64,
    pub procs: u32,
    pub temp_c: Option<f64>,
    /// Open file handles, where the kernel says.
    pub files: Option<FilesRecord>,
    /// Pressure stall information per resource the kernel reports (cpu, memory, io).
    pub pressure: Vec<PressureRecord>,
    pub disks: Vec<crate::collect::Disk>,
    pub net: Vec<NetRecord>,
    pub users: Vec<UserRecord>,
    pub top: Vec<ProcRecord>,
}

/// Percentages of the machine's CPU time.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct CpuRecord {
    pub busy: f64,
    pub user: f64,
    pub nice: f64,
    pub system: f64,
    pub iowait: f64,
    pub steal: f64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct MemoryRecord {
    pub total_kib: u64,
    pub used_kib: u64,
    pub available_kib: u64,
    pub swap_total_kib: u64,
    pub swap_used_kib: u64,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct FilesRecord {
    pub allocated: u64,
    pub max: u64,
}

/// Percent of the time tasks were stalled on a resource over the last 10 and 60 seconds: some
/// of them, and (memory, io; the CPU from Linux 5.13) all of them at once.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct PressureRecord {
    pub resource: &'static str,
    pub some_avg10: f64,
    pub some_avg60: f64,
    pub full_avg10: Option<f64>,
    pub full_avg60: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetRecord {
    pub name: String,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub rx_delta: Option<u64>,
    pub tx_delta: Option<u64>,
    /// Receive errors, receive drops, transmit errors, transmit drops since the baseline.
    pub errors_delta: Option<[u64; 4]>,
    /// Whether the link is up; `None`: the kernel does not say.
    pub up: Option<bool>,
    pub speed_mbps: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UserRecord {
    pub uid: u32,
    pub name: String,
    /// Percent of one CPU, summed over the user's processes.
    pub cpu: Option<f64>,
    pub rss_kib: u64,
    pub procs: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProcRecord {
    pub pid: u32,
    pub name: String,
    pub uid: u32,
    pub user: String,
    /// Percent of one CPU.
    pub cpu: Option<f64>,
    pub rss_kib: u64,
    pub threads: u32,
    pub state: char,
    /// UTC seconds.
    pub started: i64,
}

/// A kernel counter or size as SQLite's signed 64-bit integer: a value past 2^63 (a corrupt or
/// fabricated counter) is stored as the largest one rather than wrapping to a negative number.
fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

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

/// The host's id, creating the host on first use, with its machine id recorded when it is new
/// or changed (a reinstalled system keeps its name and history). Steady state: one lookup.
pub fn host_id_of_machine(tx: &Transaction, name: &str, machine_id: Option<&str>) -> Result<i64> {
    let found: Option<(i64, Option<String>)> = tx
        .prepare_cached("SELECT id, machine_id FROM hosts WHERE name = ?1")?
        .query_row([name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let id = match found {
        Some((id, known)) if machine_id.is_none() || known.as_deref() == machine_id => {
            return Ok(id);
        }
        Some((id, _)) => id,
        None => host_id(tx, name)?,
    };
    if let Some(m) = machine_id {
        tx.prepare_cached("UPDATE hosts SET machine_id = ?2 WHERE id = ?1")?
            .execute(params![id, m])?;
    }
    Ok(id)
}

/// The sampler's stored baseline of a host, as (boot id, uptime in centiseconds, counters); the
/// sampler decodes the counters.
pub fn load_baseline(tx: &Transaction, host: i64) -> Result<Option<(String, u64, Vec<u8>)>> {
    Ok(tx
        .prepare_cached(
            "SELECT boot_id, uptime_cs, counters FROM sampler_state WHERE host_id = ?1",
        )?
        .query_row([host], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })
        .optional()?)
}

/// Replaces the host's baseline.
pub fn save_baseline(
    tx: &Transaction,
    host: i64,
    boot_id: &str,
    uptime_cs: u64,
    counters: &[u8],
) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO sampler_state(host_id, boot_id, uptime_cs, counters) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![host, boot_id, int(uptime_cs), counters])?;
    Ok(())
}

/// Inserts the record; returns the sample's id.
pub fn insert(tx: &Transaction, host: i64, r: &Record) -> Result<i64> {
    let cpu = |f: fn(&CpuRecord) -> f64| r.cpu.as_ref().map(|c| centi(f(c)));
    let m = &r.memory;
    let psi = PRESSURE.map(|name| {
        r.pressure
            .iter()
            .find(|p| p.resource == name)
            .map_or([None; 4], |p| {
                [
                    Some(centi(p.some_avg10)),
                    Some(centi(p.some_avg60)),
                    p.full_avg10.map(centi),
                    p.full_avg60.map(centi),
                ]
            })
    });
    tx.prepare_cached(
        "INSERT INTO samples(host_id, ts, interval_cs, ncpu, cpu_busy, cpu_user, cpu_nice, cpu_system,
            cpu_iowait, cpu_steal, mem_total, mem_used, mem_avail, swap_total, swap_used,
            load1, load5, load15, uptime, procs, temp, fd_alloc, fd_max,
            psi_cpu_some10, psi_cpu_some60, psi_cpu_full10, psi_cpu_full60,
            psi_memory_some10, psi_memory_some60, psi_memory_full10, psi_memory_full60,
            psi_io_some10, psi_io_some60, psi_io_full10, psi_io_full60)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35)",
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
        int(m.total_kib),
        int(m.used_kib),
        int(m.available_kib),
        int(m.swap_total_kib),
        int(m.swap_used_kib),
        centi(r.load[0]),
        centi(r.load[1]),
        centi(r.load[2]),
        int(r.uptime_s),
        r.procs,
        r.temp_c.map(|t| (t * 10.0).round() as i64),
        r.files.map(|f| int(f.allocated)),
        r.files.map(|f| int(f.max)),
        psi[0][0],
        psi[0][1],
        psi[0][2],
        psi[0][3],
        psi[1][0],
        psi[1][1],
        psi[1][2],
        psi[1][3],
        psi[2][0],
        psi[2][1],
        psi[2][2],
        psi[2][3],
    ])?;
    let sample = tx.last_insert_rowid();
    for d in &r.disks {
        let mount = mount_id(tx, host, &d.path, &d.device, &d.fstype)?;
        tx.prepare_cached("INSERT INTO sample_disks VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![
                sample,
                mount,
                int(d.total),
                int(d.used),
                int(d.avail)
            ])?;
    }
    for n in &r.net {
        let iface = iface_id(tx, host, &n.name)?;
        let error = |i: usize| n.errors_delta.map(|e| int(e[i]));
        tx.prepare_cached(
            "INSERT INTO sample_net (sample_id, iface_id, rx_bytes, tx_bytes, rx_delta, tx_delta,
               rx_errs, rx_drop, tx_errs, tx_drop, up, speed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            sample,
            iface,
            int(n.rx_bytes),
            int(n.tx_bytes),
            n.rx_delta.and_then(|v| i64::try_from(v).ok()),
            n.tx_delta.and_then(|v| i64::try_from(v).ok()),
            error(0),
            error(1),
            error(2),
            error(3),
            n.up,
            n.speed_mbps,
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
                int(u.rss_kib),
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
                int(p.rss_kib),
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

/// A stored host and the time of its newest sample (`None`: none stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    pub id: i64,
    pub name: String,
    pub newest: Option<i64>,
}

/// Every stored host by name, each with its newest sample's time (one index lookup each).
pub fn hosts(conn: &Connection) -> Result<Vec<Host>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.name, (SELECT max(ts) FROM samples WHERE host_id = h.id)
         FROM hosts h ORDER BY h.name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Host {
            id: r.get(0)?,
            name: r.get(1)?,
            newest: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The samples a reader asks for: a half-open span of UTC seconds, `[from, to)`, and only
/// those stored after the sample `after_id` (a cursor that a clock jumping back cannot fool:
/// ids grow with every sample stored, whatever its time says).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub from: i64,
    pub to: i64,
    pub after_id: i64,
}

impl Span {
    pub const ALL: Span = Span {
        from: i64::MIN,
        to: i64::MAX,
        after_id: i64::MIN,
    };

    /// `[from, to)` in UTC seconds.
    pub fn new(from: i64, to: i64) -> Span {
        Span {
            from,
            to,
            ..Span::ALL
        }
    }

    /// `after < ts <= until`: the samples since a time.
    pub fn after(after: i64, until: i64) -> Span {
        Span::new(after.saturating_add(1), until.saturating_add(1))
    }

    /// The samples stored after the sample `id`, from `from` on.
    pub fn since_sample(id: i64, from: i64) -> Span {
        Span {
            from,
            to: i64::MAX,
            after_id: id,
        }
    }
}

/// The time of the host's newest sample within `(after, before)`.
pub fn newest_between(
    conn: &Connection,
    host: i64,
    after: i64,
    before: i64,
) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT max(ts) FROM samples WHERE host_id = ?1 AND ts > ?2 AND ts < ?3")?
        .query_row(params![host, after, before], |r| r.get(0))?)
}

/// The host's sample stored last (not the one whose time is latest): (id, time).
pub fn newest_stored(conn: &Connection, host: i64) -> Result<Option<(i64, i64)>> {
    Ok(conn
        // Backwards by id, the host only a filter: the index on (host, time) would sort every
        // sample of the host first.
        .prepare_cached("SELECT id, ts FROM samples WHERE +host_id = ?1 ORDER BY id DESC LIMIT 1")?
        .query_row([host], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// One stored sample's machine-wide figures, in the stored units: percentages and load in
/// hundredths, memory in KiB, the temperature in tenths of a degree, the interval in
/// centiseconds (`None`: no baseline, no rates).
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    pub id: i64,
    pub ts: i64,
    pub interval_cs: Option<i64>,
    pub cpu_busy: Option<i64>,
    pub cpu_user: Option<i64>,
    pub cpu_system: Option<i64>,
    pub cpu_iowait: Option<i64>,
    pub cpu_steal: Option<i64>,
    pub mem_total: i64,
    pub mem_used: i64,
    pub swap_total: i64,
    pub swap_used: i64,
    pub load: [i64; 3],
    pub uptime: i64,
    pub procs: i64,
    pub temp: Option<i64>,
    /// Open file handles and the most allowed.
    pub fd: Option<(i64, i64)>,
    /// Pressure in hundredths of a percent, per resource (cpu, memory, io): some and full over
    /// 60 seconds.
    pub psi: [[Option<i64>; 2]; 3],
}

const SAMPLE_COLUMNS: &str = "s.id, s.ts, s.interval_cs, s.cpu_busy, s.cpu_user, s.cpu_system,
    s.cpu_iowait, s.cpu_steal, s.mem_total, s.mem_used, s.swap_total, s.swap_used, s.load1,
    s.load5, s.load15, s.uptime, s.procs, s.temp, s.fd_alloc, s.fd_max, s.psi_cpu_some60,
    s.psi_cpu_full60, s.psi_memory_some60, s.psi_memory_full60, s.psi_io_some60,
    s.psi_io_full60";

fn sample_row(r: &Row) -> rusqlite::Result<SampleRow> {
    Ok(SampleRow {
        id: r.get(0)?,
        ts: r.get(1)?,
        interval_cs: r.get(2)?,
        cpu_busy: r.get(3)?,
        cpu_user: r.get(4)?,
        cpu_system: r.get(5)?,
        cpu_iowait: r.get(6)?,
        cpu_steal: r.get(7)?,
        mem_total: r.get(8)?,
        mem_used: r.get(9)?,
        swap_total: r.get(10)?,
        swap_used: r.get(11)?,
        load: [r.get(12)?, r.get(13)?, r.get(14)?],
        uptime: r.get(15)?,
        procs: r.get(16)?,
        temp: r.get(17)?,
        fd: r
            .get::<_, Option<i64>>(18)?
            .zip(r.get::<_, Option<i64>>(19)?),
        psi: [
            [r.get(20)?, r.get(21)?],
            [r.get(22)?, r.get(23)?],
            [r.get(24)?, r.get(25)?],
        ],
    })
}

/// One file system of one sample, in KiB.
#[derive(Debug, Clone, PartialEq)]
pub struct DiskRow {
    pub sample_id: i64,
    pub ts: i64,
    pub mount: String,
    pub total: i64,
    pub used: i64,
    pub avail: i64,
}

/// One interface of one sample: bytes since the baseline over the sample's interval.
#[derive(Debug, Clone, PartialEq)]
pub struct NetRow {
    pub sample_id: i64,
    pub ts: i64,
    pub interface: String,
    pub rx_delta: Option<i64>,
    pub tx_delta: Option<i64>,
    pub interval_cs: Option<i64>,
    /// Receive errors, receive drops, transmit errors, transmit drops since the baseline.
    pub errors: Option<[i64; 4]>,
    pub up: Option<bool>,
    pub speed_mbps: Option<i64>,
}

/// One user of one sample: CPU in hundredths of a percent of one CPU, memory in KiB.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub sample_id: i64,
    pub ts: i64,
    pub user: String,
    pub cpu: Option<i64>,
    pub rss: i64,
    pub procs: i64,
    pub interval_cs: Option<i64>,
    pub mem_total: i64,
}

/// One top process of one sample, in the units of [`UserRow`].
#[derive(Debug, Clone, PartialEq)]
pub struct ProcRow {
    pub ts: i64,
    pub command: String,
    pub user: String,
    pub cpu: Option<i64>,
    pub rss: i64,
    pub threads: i64,
    pub interval_cs: Option<i64>,
}

/// Runs `sql` (which selects the rows of one host in a span: `{span}` stands for the condition,
/// `?4` is an optional label value) and hands each decoded row to `each`.
fn each_row<T>(
    conn: &Connection,
    sql: &str,
    (host, span, label): (i64, Span, Option<&str>),
    decode: fn(&Row) -> rusqlite::Result<T>,
    mut each: impl FnMut(T),
) -> Result<()> {
    // Two plans: without a sample cursor, a lookup by host and time (?5 is unused); with one, a
    // range of ids from the cursor on (host and time only filter it, `+` keeps SQLite from
    // choosing their index), which is a few rows however far back the time bound reaches.
    let filter = if span.after_id == i64::MIN {
        "s.host_id = ?1 AND s.ts >= ?2 AND s.ts < ?3 AND ?5 IS NOT NULL"
    } else {
        "+s.host_id = ?1 AND +s.ts >= ?2 AND +s.ts < ?3 AND s.id > ?5"
    };
    let sql = sql.replace("{span}", filter);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![host, span.from, span.to, label, span.after_id])?;
    while let Some(r) = rows.next()? {
        each(decode(r)?);
    }
    Ok(())
}

/// The host's samples in `span`, in time order.
pub fn each_sample(
    conn: &Connection,
    host: i64,
    span: Span,
    each: impl FnMut(SampleRow),
) -> Result<()> {
    let sql = format!(
        "SELECT {SAMPLE_COLUMNS} FROM samples s
         WHERE {{span}} AND ?4 IS NULL ORDER BY s.ts"
    );
    each_row(conn, &sql, (host, span, None), sample_row, each)
}

/// The host's newest sample.
pub fn latest(conn: &Connection, host: i64) -> Result<Option<SampleRow>> {
    let sql = format!(
        "SELECT {SAMPLE_COLUMNS} FROM samples s WHERE s.host_id = ?1 ORDER BY s.ts DESC LIMIT 1"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([host], sample_row)
        .optional()?)
}

/// The host's file systems per sample in `span` (only `mount` when given), by time and mount.
pub fn each_disk(
    conn: &Connection,
    host: i64,
    span: Span,
    mount: Option<&str>,
    each: impl FnMut(DiskRow),
) -> Result<()> {
    each_row(
        conn,
        "SELECT d.sample_id, s.ts, m.path, d.total, d.used, d.avail FROM samples s
         JOIN sample_disks d ON d.sample_id = s.id JOIN mounts m ON m.id = d.mount_id
         WHERE {span} AND (?4 IS NULL OR m.path = ?4)
         ORDER BY s.ts, m.path",
        (host, span, mount),
        disk_row,
        each,
    )
}

fn disk_row(r: &Row) -> rusqlite::Result<DiskRow> {
    Ok(DiskRow {
        sample_id: r.get(0)?,
        ts: r.get(1)?,
        mount: r.get(2)?,
        total: r.get(3)?,
        used: r.get(4)?,
        avail: r.get(5)?,
    })
}

/// The file systems of one sample, by mount.
pub fn disks_of(conn: &Connection, sample: i64) -> Result<Vec<DiskRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.sample_id, s.ts, m.path, d.total, d.used, d.avail FROM samples s
         JOIN sample_disks d ON d.sample_id = s.id JOIN mounts m ON m.id = d.mount_id
         WHERE s.id = ?1 ORDER BY m.path",
    )?;
    let rows = stmt.query_map([sample], disk_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The host's interfaces per sample in `span` (only `interface` when given), by time and name.
pub fn each_net(
    conn: &Connection,
    host: i64,
    span: Span,
    interface: Option<&str>,
    each: impl FnMut(NetRow),
) -> Result<()> {
    each_row(
        conn,
        "SELECT n.sample_id, s.ts, i.name, n.rx_delta, n.tx_delta, s.interval_cs, n.rx_errs,
           n.rx_drop, n.tx_errs, n.tx_drop, n.up, n.speed FROM samples s
         JOIN sample_net n ON n.sample_id = s.id JOIN interfaces i ON i.id = n.iface_id
         WHERE {span} AND (?4 IS NULL OR i.name = ?4)
         ORDER BY s.ts, i.name",
        (host, span, interface),
        |r| {
            Ok(NetRow {
                sample_id: r.get(0)?,
                ts: r.get(1)?,
                interface: r.get(2)?,
                rx_delta: r.get(3)?,
                tx_delta: r.get(4)?,
                interval_cs: r.get(5)?,
                errors: match (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?) {
                    (Some(a), Some(b), Some(c), Some(d)) => Some([a, b, c, d]),
                    _ => None,
                },
                up: r.get(10)?,
                speed_mbps: r.get(11)?,
            })
        },
        each,
    )
}

/// The host's users per sample in `span` (only `user` when given), by time and name.
pub fn each_user(
    conn: &Connection,
    host: i64,
    span: Span,
    user: Option<&str>,
    each: impl FnMut(UserRow),
) -> Result<()> {
    each_row(
        conn,
        "SELECT su.sample_id, s.ts, u.name, su.cpu, su.rss, su.procs, s.interval_cs, s.mem_total
         FROM samples s JOIN sample_users su ON su.sample_id = s.id JOIN users u ON u.id = su.user_id
         WHERE {span} AND (?4 IS NULL OR u.name = ?4)
         ORDER BY s.ts, u.name",
        (host, span, user),
        |r| {
            Ok(UserRow {
                sample_id: r.get(0)?,
                ts: r.get(1)?,
                user: r.get(2)?,
                cpu: r.get(3)?,
                rss: r.get(4)?,
                procs: r.get(5)?,
                interval_cs: r.get(6)?,
                mem_total: r.get(7)?,
            })
        },
        each,
    )
}

/// The host's top processes per sample in `span`.
pub fn each_process(
    conn: &Connection,
    host: i64,
    span: Span,
    each: impl FnMut(ProcRow),
) -> Result<()> {
    each_row(
        conn,
        "SELECT s.ts, c.name, u.name, p.cpu, p.rss, p.threads, s.interval_cs FROM samples s
         JOIN sample_procs p ON p.sample_id = s.id JOIN commands c ON c.id = p.command_id
         JOIN users u ON u.id = p.user_id
         WHERE {span} AND ?4 IS NULL",
        (host, span, None),
        |r| {
            Ok(ProcRow {
                ts: r.get(0)?,
                command: r.get(1)?,
                user: r.get(2)?,
                cpu: r.get(3)?,
                rss: r.get(4)?,
                threads: r.get(5)?,
                interval_cs: r.get(6)?,
            })
        },
        each,
    )
}

/// The time of the host's first sample in `span`.
pub fn first_time(conn: &Connection, host: i64, span: Span) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT min(ts) FROM samples WHERE host_id = ?1 AND ts >= ?2 AND ts < ?3")?
        .query_row(params![host, span.from, span.to], |r| r.get(0))?)
}

/// The times of the host's samples in `span`, in order.
pub fn times(conn: &Connection, host: i64, span: Span) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ts FROM samples WHERE host_id = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts",
    )?;
    let rows = stmt.query_map(params![host, span.from, span.to], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a host's child rows name: its file systems, interfaces or users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Mounts,
    Interfaces,
    Users,
}

/// The names recorded of the host: its mount points, interface names or user names, sorted.
pub fn names(conn: &Connection, host: i64, what: Named) -> Result<Vec<String>> {
    let sql = match what {
        Named::Mounts => "SELECT path FROM mounts WHERE host_id = ?1 ORDER BY 1",
        Named::Interfaces => "SELECT name FROM interfaces WHERE host_id = ?1 ORDER BY 1",
        Named::Users => "SELECT name FROM users WHERE host_id = ?1 ORDER BY 1",
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([host], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
