//! The only place that talks to the kernel: one reading of the machine, from /proc and /sys.
//!
//! Read directly rather than through sysinfo: sysinfo has no cumulative CPU ticks (only a
//! percentage between two of its own refreshes) and its full process refresh costs more than
//! usage-sample's whole budget on a small machine. Everything here is a plain reading; rates are
//! computed later against the stored baseline.

pub mod cpu;
pub mod disk;
pub mod net;
pub mod process;
pub mod system;
pub mod utmp;

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub use cpu::{CpuTimes, CpuUsage};
pub use disk::Disk;
pub use net::NetCounters;
pub use process::Proc;
pub use system::{Files, Memory, Pressure};

/// What to read besides the machine-wide figures.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub processes: bool,
    pub exclude_interfaces: Vec<String>,
    pub exclude_mounts: Vec<String>,
}

/// One reading of the machine.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Identifies the boot: counters are only comparable within one.
    pub boot_id: String,
    /// Seconds since boot, in hundredths (from /proc/uptime).
    pub uptime_cs: u64,
    /// Clock ticks per second (USER_HZ) for CPU counters.
    pub hz: u64,
    pub cpus: Vec<CpuTimes>,
    pub memory: Memory,
    /// Load averages in hundredths.
    pub load: [u32; 3],
    /// Hottest sensor in tenths of a degree Celsius, if the machine exposes any.
    pub temp: Option<i32>,
    pub disks: Vec<Disk>,
    pub net: Vec<NetCounters>,
    /// Every process, when asked for; else only their number is known.
    pub procs: Option<Vec<Proc>>,
    pub nprocs: u32,
    /// Open file handles, where /proc/sys/fs/file-nr can be read.
    pub files: Option<Files>,
    /// Pressure stall information of the CPU, memory and I/O, where the kernel has it.
    pub pressure: [Option<Pressure>; 3],
}

/// The resources /proc/pressure has a file for, in [`Snapshot::pressure`]'s order.
pub const PRESSURE: [&str; 3] = ["cpu", "memory", "io"];

/// Reads the machine under `root` (`/` except in tests).
pub fn read(root: &Path, opts: &Options) -> Result<Snapshot> {
    let proc_ = root.join("proc");
    let stat = read_text(&proc_.join("stat"))?;
    let cpus = cpu::parse_stat(&stat).context("reading /proc/stat")?;
    let uptime_cs = system::parse_uptime(&read_text(&proc_.join("uptime"))?)?;
    let boot_id = read_text(&proc_.join("sys/kernel/random/boot_id"))
        .map(|s| s.trim().to_string())
        // Without boot_id (very old kernels, some containers) the boot time stands in.
        .or_else(|_| system::parse_btime(&stat).map(|b| format!("btime-{b}")))?;
    let memory = system::parse_meminfo(&read_text(&proc_.join("meminfo"))?)?;
    let load = system::parse_loadavg(&read_text(&proc_.join("loadavg"))?)?;
    let temp = system::temperature(&root.join("sys/class"));
    let disks = disk::read(&proc_.join("self/mounts"), &opts.exclude_mounts)?;
    let mut net = net::parse(
        &read_text(&proc_.join("net/dev"))?,
        &opts.exclude_interfaces,
    )?;
    for n in &mut net {
        net::link(&root.join("sys/class/net"), n);
    }
    let (procs, nprocs) = if opts.processes {
        let procs = process::scan(&proc_, system::page_kib())?;
        let n = procs.len() as u32;
        (Some(procs), n)
    } else {
        (None, process::count(&proc_)?)
    };
    // Figures not every kernel has are absent rather than a failed sample.
    let files = read_text(&proc_.join("sys/fs/file-nr"))
        .ok()
        .and_then(|t| system::parse_file_nr(&t).ok());
    let pressure = PRESSURE.map(|name| {
        read_text(&proc_.join("pressure").join(name))
            .ok()
            .and_then(|t| system::parse_pressure(name, &t).ok())
    });
    Ok(Snapshot {
        boot_id,
        uptime_cs,
        hz: system::clock_ticks(),
        cpus,
        memory,
        load,
        temp,
        disks,
        net,
        procs,
        nprocs,
        files,
        pressure,
    })
}

/// The kernel's host name, as it stands (maybe empty).
pub fn hostname(root: &Path) -> Result<String> {
    Ok(read_text(&root.join("proc/sys/kernel/hostname"))?
        .trim()
        .to_string())
}

/// The machine's id as systemd keeps it (`/etc/machine-id`: 32 lower-case hex digits, fixed
/// when the system is installed); `None` where it is missing, unreadable or not one.
pub fn machine_id(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("etc/machine-id")).ok()?;
    let id = text.trim();
    (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_ascii_lowercase())
}

/// Reads a whole kernel file, naming it in the error.
pub fn read_text(path: &Path) -> Result<String> {
    let mut s = String::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_string(&mut s))
        .with_context(|| format!("cannot read '{}'", path.display()))?;
    Ok(s)
}

fn invalid(path: impl Into<PathBuf>, what: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: {what}", path.into().display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_name_is_the_kernels_without_its_newline() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("proc/sys/kernel");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("hostname"), "web1\n").unwrap();
        assert_eq!(hostname(root.path()).unwrap(), "web1");
        let missing = hostname(&root.path().join("gone")).unwrap_err();
        assert!(format!("{missing:#}").contains("gone/proc/sys/kernel/hostname"));
    }
}
