//! The baseline a sample's rates are measured from, and the derivation of one sample's record.
//!
//! The baseline holds the previous reading's cumulative counters (per CPU, per interface, per
//! process); it is stored per host in `sampler_state` as a compact little-endian blob and replaced
//! with every sample, so a once-a-minute cron run measures the whole minute.

use std::collections::BTreeMap;

use crate::collect::{CpuTimes, Snapshot, cpu, net};
use crate::db::samples::{
    CpuRecord, FilesRecord, MemoryRecord, NetRecord, PressureRecord, ProcRecord, Record, UserRecord,
};

/// Cumulative counters of one reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub boot_id: String,
    pub uptime_cs: u64,
    pub cpus: Vec<CpuTimes>,
    /// (interface, rx bytes, tx bytes)
    pub net: Vec<(String, u64, u64)>,
    /// Each interface's error and drop counters, in `net`'s order; empty in baselines stored
    /// before they were kept.
    pub net_errors: Vec<[u64; 4]>,
    /// (pid, start ticks, CPU ticks), sorted by pid; empty when processes were not scanned.
    pub procs: Vec<(u32, u64, u64)>,
    /// The wall-clock time (UTC seconds) this boot began, as the clock said when the boot was
    /// first sampled: with the uptime it gives a time no later jump of the clock can move, which
    /// retention is judged against. `None` in baselines stored before it was kept.
    pub boot_wall: Option<i64>,
}

/// 2 adds `boot_wall`, 3 `net_errors`; 1 and 2 are still read.
const FORMAT: u8 = 3;

impl Baseline {
    pub fn of(snap: &Snapshot) -> Baseline {
        Baseline {
            boot_id: snap.boot_id.clone(),
            uptime_cs: snap.uptime_cs,
            cpus: snap.cpus.clone(),
            net: snap
                .net
                .iter()
                .map(|n| (n.name.clone(), n.rx_bytes, n.tx_bytes))
                .collect(),
            net_errors: snap.net.iter().map(|n| n.errors).collect(),
            procs: snap
                .procs
                .iter()
                .flatten()
                .map(|p| (p.pid, p.start_ticks, p.ticks))
                .collect(),
            boot_wall: None,
        }
    }

    /// The counters as stored (boot id and uptime are columns of their own).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.cpus.len() * 84 + self.procs.len() * 20);
        out.push(FORMAT);
        put(&mut out, self.cpus.len() as u64);
        for c in &self.cpus {
            put(&mut out, u64::from(c.id));
            c.fields().iter().for_each(|&v| put(&mut out, v));
        }
        put(&mut out, self.net.len() as u64);
        for (name, rx, tx) in &self.net {
            put(&mut out, name.len() as u64);
            out.extend_from_slice(name.as_bytes());
            put(&mut out, *rx);
            put(&mut out, *tx);
        }
        put(&mut out, self.procs.len() as u64);
        for &(pid, start, ticks) in &self.procs {
            out.extend_from_slice(&pid.to_le_bytes());
            put(&mut out, start);
            put(&mut out, ticks);
        }
        put(&mut out, self.boot_wall.map_or(u64::MAX, |t| t as u64));
        for errors in &self.net_errors {
            errors.iter().for_each(|&v| put(&mut out, v));
        }
        out
    }

    /// Decodes a stored baseline; `None` for an unknown or damaged blob (the next sample then
    /// starts a new baseline instead of failing).
    pub fn decode(boot_id: String, uptime_cs: u64, blob: &[u8]) -> Option<Baseline> {
        let mut r = Reader(blob);
        let format = r.bytes(1)?[0];
        if !(1..=FORMAT).contains(&format) {
            return None;
        }
        let n = r.u64()? as usize;
        let mut cpus = Vec::with_capacity(n.min(4096));
        for _ in 0..n {
            let id = r.u64()? as u32;
            let mut f = [0u64; 10];
            for v in &mut f {
                *v = r.u64()?;
            }
            cpus.push(CpuTimes::from_fields(id, f));
        }
        let n = r.u64()? as usize;
        let mut net = Vec::with_capacity(n.min(4096));
        for _ in 0..n {
            let len = r.u64()? as usize;
            let name = String::from_utf8(r.bytes(len)?.to_vec()).ok()?;
            net.push((name, r.u64()?, r.u64()?));
        }
        let n = r.u64()? as usize;
        let mut procs = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let pid = u32::from_le_bytes(r.bytes(4)?.try_into().ok()?);
            procs.push((pid, r.u64()?, r.u64()?));
        }
        let boot_wall = match format {
            1 => None,
            _ => Some(r.u64()?).filter(|&t| t != u64::MAX).map(|t| t as i64),
        };
        let mut net_errors = Vec::new();
        if format >= 3 {
            for _ in 0..net.len() {
                net_errors.push([r.u64()?, r.u64()?, r.u64()?, r.u64()?]);
            }
        }
        r.0.is_empty().then_some(Baseline {
            boot_id,
            uptime_cs,
            cpus,
            net,
            net_errors,
            procs,
            boot_wall,
        })
    }
}

fn put(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.bytes(8)?.try_into().ok()?))
    }
}

/// How a reading relates to the stored baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// No baseline: the first sample of this host.
    First,
    /// Same boot, later reading: rates are measured.
    Continues,
    /// The machine rebooted since the baseline.
    Rebooted,
    /// Another sampler stored a later reading while this one was being taken: this sample is
    /// stored without rates and the newer baseline is kept.
    Overtaken,
    /// Less than the minimum interval since the baseline (two cron runs within a second): rates
    /// over a few clock ticks would be noise (one tick of two CPUs over 2 cs reads as 50 %), so
    /// this sample is stored without rates and the baseline is kept for the next one.
    TooSoon,
}

/// How `snap` relates to `baseline`; readings less than `min_interval_cs` apart are too soon.
pub fn relate(baseline: Option<&Baseline>, snap: &Snapshot, min_interval_cs: u64) -> Relation {
    match baseline {
        None => Relation::First,
        Some(b) if b.boot_id != snap.boot_id => Relation::Rebooted,
        Some(b) if b.uptime_cs >= snap.uptime_cs => Relation::Overtaken,
        Some(b) if snap.uptime_cs - b.uptime_cs < min_interval_cs => Relation::TooSoon,
        Some(_) => Relation::Continues,
    }
}

/// What a record is derived with besides the reading itself.
pub struct Context<'a> {
    pub host: &'a str,
    /// UTC seconds of the reading.
    pub now: f64,
    pub top: usize,
    pub exclude_users: &'a [String],
    /// uid to user name (from /etc/passwd).
    pub user_names: &'a BTreeMap<u32, String>,
    /// The least time between two readings that rates are measured over, in centiseconds.
    pub min_interval_cs: u64,
}

/// Derives the record of `snap` measured against `baseline`.
pub fn derive(baseline: Option<&Baseline>, snap: &Snapshot, ctx: &Context) -> Record {
    let relation = relate(baseline, snap, ctx.min_interval_cs);
    let since = baseline.filter(|_| relation == Relation::Continues);
    let interval_cs = since.map(|b| snap.uptime_cs - b.uptime_cs);
    let cpu = since
        .and_then(|b| cpu::usage(&b.cpus, &snap.cpus))
        .map(|u| CpuRecord {
            busy: u.busy(),
            user: u.user,
            nice: u.nice,
            system: u.system,
            iowait: u.iowait,
            steal: u.steal,
        });
    let net = snap
        .net
        .iter()
        .map(|n| {
            // Bytes, then errors and drops, each moved since the baseline.
            let (moved, errors) = match relation {
                Relation::Continues => {
                    let at =
                        since.and_then(|b| b.net.iter().position(|(name, ..)| *name == n.name));
                    match at.and_then(|i| since.map(|b| (&b.net[i], b.net_errors.get(i)))) {
                        Some((&(_, rx, tx), errors)) => (
                            Some((net::delta(rx, n.rx_bytes), net::delta(tx, n.tx_bytes))),
                            // A baseline from before errors were kept has none to count from.
                            errors.map(|e| {
                                let mut d = [0; 4];
                                for (i, v) in d.iter_mut().enumerate() {
                                    *v = net::delta(e[i], n.errors[i]);
                                }
                                d
                            }),
                        ),
                        // Appeared since the baseline (a PPP link, a USB modem): all of it is new.
                        None => (Some((n.rx_bytes, n.tx_bytes)), Some(n.errors)),
                    }
                }
                // After a reboot the counters hold what moved since the boot, as vnStat counts it.
                Relation::Rebooted => (Some((n.rx_bytes, n.tx_bytes)), Some(n.errors)),
                Relation::First | Relation::Overtaken | Relation::TooSoon => (None, None),
            };
            NetRecord {
                name: n.name.clone(),
                rx_bytes: n.rx_bytes,
                tx_bytes: n.tx_bytes,
                rx_delta: moved.map(|m| m.0),
                tx_delta: moved.map(|m| m.1),
                errors_delta: errors,
                up: n.up,
                speed_mbps: n.speed_mbps,
            }
        })
        .collect();
    let boot_time = ctx.now - snap.uptime_cs as f64 / 100.0;
    let (users, top) = match &snap.procs {
        Some(procs) => processes(procs, since, snap, boot_time, ctx),
        None => (Vec::new(), Vec::new()),
    };
    Record {
        host: ctx.host.to_string(),
        time: ctx.now.floor() as i64,
        interval_s: interval_cs.map(|cs| cs as f64 / 100.0),
        ncpu: snap.cpus.len() as u32,
        cpu,
        memory: MemoryRecord {
            total_kib: snap.memory.total,
            used_kib: snap.memory.used(),
            available_kib: snap.memory.available,
            swap_total_kib: snap.memory.swap_total,
            swap_used_kib: snap.memory.swap_used(),
        },
        load: snap.load.map(|l| f64::from(l) / 100.0),
        uptime_s: snap.uptime_cs / 100,
        procs: snap.nprocs,
        temp_c: snap.temp.map(|t| f64::from(t) / 10.0),
        files: snap.files.map(|f| FilesRecord {
            allocated: f.allocated,
            max: f.max,
        }),
        pressure: crate::collect::PRESSURE
            .iter()
            .zip(&snap.pressure)
            .filter_map(|(&resource, p)| {
                let pct = |v: u32| f64::from(v) / 100.0;
                p.map(|p| PressureRecord {
                    resource,
                    some_avg10: pct(p.some[0]),
                    some_avg60: pct(p.some[1]),
                    full_avg10: p.full.map(|f| pct(f[0])),
                    full_avg60: p.full.map(|f| pct(f[1])),
                })
            })
            .collect(),
        disks: snap.disks.clone(),
        net,
        users,
        top,
    }
}

/// Per-user sums and the top processes by CPU and by memory.
fn processes(
    procs: &[crate::collect::Proc],
    since: Option<&Baseline>,
    snap: &Snapshot,
    boot_time: f64,
    ctx: &Context,
) -> (Vec<UserRecord>, Vec<ProcRecord>) {
    let hz = snap.hz as f64;
    let max_cpu = 100.0 * snap.cpus.len().max(1) as f64;
    let name_of = |uid: u32| {
        ctx.user_names
            .get(&uid)
            .cloned()
            .unwrap_or_else(|| uid.to_string())
    };
    let mut users: BTreeMap<u32, UserRecord> = BTreeMap::new();
    let mut rows: Vec<ProcRecord> = Vec::new();
    for p in procs {
        let name = name_of(p.uid);
        if ctx.exclude_users.contains(&name) {
            continue;
        }
        let cpu = since.and_then(|b| {
            let start_cs = p.start_ticks as f64 * 100.0 / hz;
            let (ticks, elapsed_cs) = match b.procs.binary_search_by_key(&p.pid, |e| e.0) {
                Ok(i) if b.procs[i].1 == p.start_ticks => (
                    p.ticks.saturating_sub(b.procs[i].2),
                    (snap.uptime_cs - b.uptime_cs) as f64,
                ),
                // Started since the baseline (or its pid was reused): measured over its life.
                _ if start_cs >= b.uptime_cs as f64 => (p.ticks, snap.uptime_cs as f64 - start_cs),
                // Older than the baseline but not in it: the baseline had no process table.
                _ => return None,
            };
            Some((ticks as f64 / hz / (elapsed_cs.max(1.0) / 100.0) * 100.0).min(max_cpu))
        });
        let user = users.entry(p.uid).or_insert_with(|| UserRecord {
            uid: p.uid,
            name: name.clone(),
            cpu: since.map(|_| 0.0),
            rss_kib: 0,
            procs: 0,
        });
        user.procs += 1;
        user.rss_kib += p.rss_kib;
        if let (Some(total), Some(c)) = (&mut user.cpu, cpu) {
            *total += c;
        }
        rows.push(ProcRecord {
            pid: p.pid,
            name: p.comm.clone(),
            uid: p.uid,
            user: name,
            cpu,
            rss_kib: p.rss_kib,
            threads: p.threads,
            state: p.state,
            started: (boot_time + p.start_ticks as f64 / hz).round() as i64,
        });
    }
    (users.into_values().collect(), top(rows, ctx.top))
}

/// The union of the `n` processes using the most CPU and the `n` using the most memory.
fn top(mut rows: Vec<ProcRecord>, n: usize) -> Vec<ProcRecord> {
    let mut keep = vec![false; rows.len()];
    // Of those that used any CPU, the most first.
    let mut busy: Vec<(usize, f64)> = (0..rows.len())
        .filter_map(|i| rows[i].cpu.filter(|&c| c > 0.0).map(|c| (i, c)))
        .collect();
    busy.sort_by(|a, b| b.1.total_cmp(&a.1));
    busy.iter().take(n).for_each(|&(i, _)| keep[i] = true);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(rows[i].rss_kib));
    order.iter().take(n).for_each(|&i| keep[i] = true);
    let mut i = 0;
    rows.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::{Memory, NetCounters, Proc};

    fn snap(boot: &str, uptime_cs: u64, user_ticks: u64, rx: u64, procs: Vec<Proc>) -> Snapshot {
        Snapshot {
            boot_id: boot.into(),
            uptime_cs,
            hz: 100,
            cpus: vec![CpuTimes {
                id: 0,
                user: user_ticks,
                idle: uptime_cs - user_ticks,
                ..Default::default()
            }],
            memory: Memory {
                total: 1000,
                available: 400,
                swap_total: 0,
                swap_free: 0,
            },
            load: [1, 2, 3],
            temp: None,
            files: None,
            pressure: [None; 3],
            disks: vec![],
            net: vec![NetCounters {
                name: "eth0".into(),
                rx_bytes: rx,
                tx_bytes: 0,
                errors: [rx / 1000, 0, 0, 1],
                ..NetCounters::default()
            }],
            nprocs: procs.len() as u32,
            procs: Some(procs),
        }
    }

    fn proc_(pid: u32, uid: u32, ticks: u64, start: u64, rss: u64) -> Proc {
        Proc {
            pid,
            comm: format!("p{pid}"),
            state: 'S',
            uid,
            ticks,
            threads: 1,
            start_ticks: start,
            rss_kib: rss,
        }
    }

    /// The top row of process `pid`.
    fn row_of(r: &Record, pid: u32) -> &ProcRecord {
        r.top.iter().find(|p| p.pid == pid).unwrap()
    }

    fn ctx<'a>(names: &'a BTreeMap<u32, String>, exclude: &'a [String]) -> Context<'a> {
        Context {
            host: "h",
            now: 1_000_000.0,
            top: 2,
            exclude_users: exclude,
            user_names: names,
            min_interval_cs: 90,
        }
    }

    #[test]
    fn baseline_round_trips_and_rejects_damage() {
        let s = snap(
            "b",
            10_000,
            500,
            7,
            vec![proc_(3, 0, 5, 1, 1), proc_(9, 0, 6, 2, 1)],
        );
        let b = Baseline::of(&s);
        let blob = b.encode();
        assert_eq!(Baseline::decode("b".into(), 10_000, &blob), Some(b));
        assert_eq!(
            Baseline::decode("b".into(), 10_000, &blob[..blob.len() - 1]),
            None
        );
        assert_eq!(Baseline::decode("b".into(), 10_000, b"\x07"), None);
    }

    #[test]
    fn baselines_of_older_formats_lack_the_boot_time_and_the_errors() {
        let mut b = Baseline::of(&snap("b", 10_000, 500, 7, vec![proc_(3, 0, 5, 1, 1)]));
        b.boot_wall = Some(1_700_000_000);
        assert_eq!(b.net_errors, [[0, 0, 0, 1]]);
        assert_eq!(
            Baseline::decode("b".into(), 10_000, &b.encode()),
            Some(b.clone())
        );
        // Format 2 ended before the interfaces' errors, format 1 before the boot time.
        let mut blob = Baseline {
            net_errors: Vec::new(),
            ..b.clone()
        }
        .encode();
        blob[0] = 2;
        let two = Baseline::decode("b".into(), 10_000, &blob).unwrap();
        assert_eq!((two.boot_wall, two.net_errors.len()), (b.boot_wall, 0));
        blob[0] = 1;
        blob.truncate(blob.len() - 8);
        let old = Baseline::decode("b".into(), 10_000, &blob).unwrap();
        assert_eq!(old.boot_wall, None);
        assert_eq!((old.cpus, old.procs), (b.cpus, b.procs));
    }

    #[test]
    fn readings_closer_than_the_minimum_interval_are_too_soon() {
        let b = Baseline::of(&snap("b", 10_000, 0, 0, vec![]));
        let at = |uptime_cs: u64| relate(Some(&b), &snap("b", uptime_cs, 0, 0, vec![]), 90);
        assert_eq!(at(10_001), Relation::TooSoon);
        assert_eq!(at(10_089), Relation::TooSoon);
        assert_eq!(at(10_090), Relation::Continues);
        assert_eq!(at(10_000), Relation::Overtaken);
        assert_eq!(
            relate(None, &snap("b", 10, 0, 0, vec![]), 90),
            Relation::First
        );
    }

    #[test]
    fn first_sample_has_no_rates_and_the_second_measures_the_interval() {
        let names = BTreeMap::new();
        let a = snap("b", 10_000, 1_000, 100, vec![proc_(1, 0, 50, 0, 10)]);
        let r = derive(None, &a, &ctx(&names, &[]));
        assert!(r.cpu.is_none() && r.interval_s.is_none() && r.net[0].rx_delta.is_none());
        assert!(r.users[0].cpu.is_none() && r.top[0].cpu.is_none());
        // 60 s later: 30 s of user time on the one CPU, 1 MB received, the process used 15 s.
        let b = snap(
            "b",
            16_000,
            4_000,
            1_000_100,
            vec![proc_(1, 0, 1_550, 0, 10)],
        );
        let r = derive(Some(&Baseline::of(&a)), &b, &ctx(&names, &[]));
        assert_eq!(r.interval_s, Some(60.0));
        assert_eq!(r.cpu.unwrap().user, 50.0);
        assert_eq!(r.net[0].rx_delta, Some(1_000_000));
        assert_eq!(r.net[0].errors_delta, Some([1_000, 0, 0, 0]));
        assert_eq!(r.top[0].cpu, Some(25.0));
        assert_eq!(r.users[0].cpu, Some(25.0));
    }

    #[test]
    fn reboot_counts_traffic_since_boot_but_no_cpu_rate() {
        let names = BTreeMap::new();
        let before = Baseline::of(&snap("old", 900_000, 1_000, 5_000_000, vec![]));
        let r = derive(
            Some(&before),
            &snap("new", 3_000, 100, 2_000, vec![]),
            &ctx(&names, &[]),
        );
        assert!(r.cpu.is_none());
        assert_eq!(r.net[0].rx_delta, Some(2_000));
        assert_eq!(
            relate(Some(&before), &snap("new", 3_000, 100, 2_000, vec![]), 90),
            Relation::Rebooted
        );
    }

    #[test]
    fn a_reading_older_than_the_baseline_is_overtaken_not_negative() {
        let names = BTreeMap::new();
        let newer = Baseline::of(&snap("b", 20_000, 1_000, 500, vec![]));
        let older = snap("b", 19_990, 990, 400, vec![]);
        assert_eq!(relate(Some(&newer), &older, 90), Relation::Overtaken);
        let r = derive(Some(&newer), &older, &ctx(&names, &[]));
        assert!(r.cpu.is_none() && r.net[0].rx_delta.is_none());
    }

    #[test]
    fn new_processes_are_measured_over_their_life_and_reused_pids_are_not_confused() {
        let names = BTreeMap::new();
        let a = snap("b", 10_000, 0, 0, vec![proc_(7, 0, 900, 100, 1)]);
        // pid 7 was replaced by a process started at 150 s that used 10 s of its 10 s of life.
        let b = snap("b", 16_000, 0, 0, vec![proc_(7, 0, 1_000, 15_000, 1)]);
        let r = derive(Some(&Baseline::of(&a)), &b, &ctx(&names, &[]));
        assert_eq!(r.top[0].cpu, Some(100.0));
    }

    #[test]
    fn load_temperature_and_uptime_are_stored_in_their_units() {
        let names = BTreeMap::new();
        let mut s = snap("b", 123_456, 0, 0, vec![]);
        s.load = crate::collect::system::parse_loadavg("1.50 0.05 12.07 1/123 456\n").unwrap();
        s.temp = Some(455);
        let r = derive(None, &s, &ctx(&names, &[]));
        assert_eq!(r.load, [1.5, 0.05, 12.07]);
        assert_eq!(r.temp_c, Some(45.5));
        assert_eq!(r.uptime_s, 1234);
    }

    #[test]
    fn a_process_started_since_the_baseline_is_measured_over_its_life() {
        let names = BTreeMap::new();
        // At 250 ticks a second: the baseline at 100 s after boot, the sample at 160 s (the
        // clock reads 1,000,000 then, so the machine booted at 999,840).
        let mut a = snap("b", 10_000, 0, 0, vec![]);
        a.hz = 250;
        // Started 150 s after boot, 10 s ago, it used 5 s: 50 %. Another started the instant
        // the baseline was taken used 30 s of its 60 s.
        let procs = vec![
            proc_(8, 0, 5 * 250, 150 * 250, 1),
            proc_(9, 0, 30 * 250, 100 * 250, 1),
        ];
        let mut b = snap("b", 16_000, 0, 0, procs);
        b.hz = 250;
        let r = derive(Some(&Baseline::of(&a)), &b, &ctx(&names, &[]));
        assert_eq!(row_of(&r, 8).cpu, Some(50.0));
        assert_eq!(row_of(&r, 9).cpu, Some(50.0));
        assert_eq!(row_of(&r, 8).started, 999_840 + 150);
        assert_eq!(row_of(&r, 9).started, 999_840 + 100);
    }

    #[test]
    fn a_process_older_than_a_baseline_without_it_has_no_rate() {
        let names = BTreeMap::new();
        // The baseline, at 100 s, read one process; pid 5 started at 50 s was not in it (its
        // table was read before the process showed up in /proc, or the pid was hidden).
        let a = snap("b", 10_000, 0, 0, vec![proc_(4, 0, 0, 0, 1)]);
        let b = snap("b", 16_000, 0, 0, vec![proc_(5, 0, 1_000, 5_000, 1)]);
        let r = derive(Some(&Baseline::of(&a)), &b, &ctx(&names, &[]));
        assert_eq!(r.top[0].pid, 5);
        assert_eq!(r.top[0].cpu, None);
    }

    #[test]
    fn a_process_may_use_every_cpu_and_no_more() {
        let names = BTreeMap::new();
        let four = |mut s: Snapshot| {
            s.cpus = (0..4).map(|id| CpuTimes { id, ..s.cpus[0] }).collect();
            s
        };
        let a = four(snap(
            "b",
            10_000,
            0,
            0,
            vec![proc_(1, 0, 0, 0, 1), proc_(2, 0, 0, 0, 1)],
        ));
        // 60 s later: pid 1 ran 4 threads flat out (240 s), pid 2 reads more than can be.
        let b = four(snap(
            "b",
            16_000,
            0,
            0,
            vec![proc_(1, 0, 24_000, 0, 1), proc_(2, 0, 50_000, 0, 1)],
        ));
        let r = derive(Some(&Baseline::of(&a)), &b, &ctx(&names, &[]));
        assert_eq!(row_of(&r, 1).cpu, Some(400.0));
        assert_eq!(row_of(&r, 2).cpu, Some(400.0));
    }

    #[test]
    fn top_keeps_the_busiest_that_used_cpu_and_the_largest() {
        let row = |pid: u32, cpu: Option<f64>, rss_kib: u64| ProcRecord {
            pid,
            name: format!("p{pid}"),
            uid: 0,
            user: "root".into(),
            cpu,
            rss_kib,
            threads: 1,
            state: 'S',
            started: 0,
        };
        let pids = |rows: Vec<ProcRecord>| rows.iter().map(|r| r.pid).collect::<Vec<_>>();
        // Of CPU only pid 2 used any; of memory 4 and 3 are the largest; pid 1 (no CPU, least
        // memory) and 5 (not measured) are left out.
        let rows = vec![
            row(1, Some(0.0), 1),
            row(2, Some(20.0), 2),
            row(3, Some(0.0), 300),
            row(4, Some(0.0), 400),
            row(5, None, 3),
        ];
        assert_eq!(pids(top(rows, 2)), [2, 3, 4]);
        // The busiest first: 7 and 8 outrank 6, whatever the order they come in.
        let rows = vec![
            row(6, Some(1.0), 1),
            row(7, Some(30.0), 2),
            row(8, Some(20.0), 3),
            row(9, None, 500),
        ];
        assert_eq!(pids(top(rows, 2)), [7, 8, 9]);
    }

    #[test]
    fn excluded_users_are_left_out_and_top_is_the_union_of_cpu_and_memory() {
        let names = BTreeMap::from([
            (0, "root".to_string()),
            (1000, "ann".to_string()),
            (33, "www".to_string()),
        ]);
        let exclude = vec!["www".to_string()];
        let a = snap(
            "b",
            10_000,
            0,
            0,
            vec![
                proc_(1, 0, 0, 0, 900),
                proc_(2, 1000, 0, 0, 10),
                proc_(3, 1000, 0, 0, 20),
                proc_(4, 33, 0, 0, 5000),
                proc_(5, 0, 0, 0, 800),
            ],
        );
        let b = snap(
            "b",
            11_000,
            0,
            0,
            vec![
                proc_(1, 0, 0, 0, 900),
                proc_(2, 1000, 500, 0, 10),
                proc_(3, 1000, 300, 0, 20),
                proc_(4, 33, 900, 0, 5000),
                proc_(5, 0, 0, 0, 800),
            ],
        );
        let r = derive(Some(&Baseline::of(&a)), &b, &ctx(&names, &exclude));
        let pids: Vec<u32> = r.top.iter().map(|p| p.pid).collect();
        assert_eq!(pids, vec![1, 2, 3, 5]);
        assert!(r.users.iter().all(|u| u.name != "www"));
        let ann = r.users.iter().find(|u| u.name == "ann").unwrap();
        assert_eq!((ann.procs, ann.rss_kib, ann.cpu), (2, 30, Some(80.0)));
    }
}
