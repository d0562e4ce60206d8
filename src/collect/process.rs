//! The process table: one read of /proc/PID/stat and one stat of /proc/PID per process.
//!
//! Processes come and go during the scan; one that vanishes or cannot be read is skipped.

use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use anyhow::{Context, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proc {
    pub pid: u32,
    pub comm: String,
    pub state: char,
    pub uid: u32,
    /// user + system CPU time, in clock ticks.
    pub ticks: u64,
    pub threads: u32,
    /// Start time in clock ticks after boot; with the pid it identifies the process.
    pub start_ticks: u64,
    pub rss_kib: u64,
}

/// Reads every process under `proc_` (a /proc directory).
pub fn scan(proc_: &Path, page_kib: u64) -> Result<Vec<Proc>> {
    let mut out = Vec::with_capacity(512);
    let mut buf = Vec::with_capacity(512);
    let mut path = proc_.to_path_buf();
    for pid in pids(proc_)? {
        path.push(pid.to_string());
        if let Some(p) = read_one(&mut path, pid, page_kib, &mut buf) {
            out.push(p);
        }
        path.pop();
    }
    out.sort_unstable_by_key(|p| p.pid);
    Ok(out)
}

/// The number of processes, without reading them.
pub fn count(proc_: &Path) -> Result<u32> {
    Ok(pids(proc_)?.count() as u32)
}

fn pids(proc_: &Path) -> Result<impl Iterator<Item = u32>> {
    let dir =
        std::fs::read_dir(proc_).with_context(|| format!("cannot list '{}'", proc_.display()))?;
    Ok(dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()))
}

fn read_one(
    dir: &mut std::path::PathBuf,
    pid: u32,
    page_kib: u64,
    buf: &mut Vec<u8>,
) -> Option<Proc> {
    // The directory's owner is the process's effective user, as ps reports it.
    let uid = std::fs::metadata(&*dir).ok()?.uid();
    dir.push("stat");
    buf.clear();
    let read = std::fs::File::open(&*dir).and_then(|mut f| f.read_to_end(buf));
    dir.pop();
    read.ok()?;
    let mut p = parse_stat(std::str::from_utf8(buf).ok()?, page_kib)?;
    p.pid = pid;
    p.uid = uid;
    Some(p)
}

/// Parses /proc/PID/stat; the command name may hold spaces and parentheses, so it runs from the
/// first '(' to the last ')'.
pub fn parse_stat(text: &str, page_kib: u64) -> Option<Proc> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_string();
    let mut f = text.get(close + 1..)?.split_ascii_whitespace();
    // Fields numbered as in proc(5); field 3 (state) is the first after the name.
    let state = f.next()?.chars().next()?;
    let mut nth = |skip: usize| -> Option<u64> { f.nth(skip)?.parse().ok() };
    let utime = nth(10)?; // field 14
    let stime = nth(0)?; // 15
    let threads = nth(4)?; // 20
    let start_ticks = nth(1)?; // 22
    let rss_pages = nth(1)?; // 24
    Some(Proc {
        pid: 0,
        comm,
        state,
        uid: 0,
        ticks: utime + stime,
        threads: threads as u32,
        start_ticks,
        rss_kib: rss_pages * page_kib,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_with_spaces_and_parentheses() {
        let line = "1234 (tmux: server (1)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 98765 123456789 512 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        let p = parse_stat(line, 4).unwrap();
        assert_eq!(p.comm, "tmux: server (1)");
        assert_eq!(p.state, 'S');
        assert_eq!(p.ticks, 300);
        assert_eq!(p.threads, 3);
        assert_eq!(p.start_ticks, 98765);
        assert_eq!(p.rss_kib, 2048);
    }

    #[test]
    fn truncated_lines_are_rejected_not_misread() {
        assert_eq!(parse_stat("1 (x) S 1 2 3", 4), None);
        assert_eq!(parse_stat("garbage", 4), None);
    }

    #[test]
    fn counts_the_numbered_entries_only() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["1", "22", "333", "self", "net", "4x"] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        assert_eq!(count(dir.path()).unwrap(), 3);
    }

    #[test]
    fn scans_this_process() {
        let procs = scan(Path::new("/proc"), 4).unwrap();
        let me = procs.iter().find(|p| p.pid == std::process::id()).unwrap();
        assert!(me.threads >= 1 && me.rss_kib > 0);
    }
}
