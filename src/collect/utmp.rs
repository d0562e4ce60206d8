//! utmp and wtmp records (utmp(5)): who is logged in now (/run/utmp) and the history of logins,
//! logouts, boots and shutdowns (/var/log/wtmp), as glibc on Linux writes them: 384-byte
//! records in the machine's byte order.

use std::path::Path;

use anyhow::{Context, Result};

/// The size of one record (struct utmp of glibc on Linux, 32- and 64-bit alike).
pub const RECORD: usize = 384;

/// What a record says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The run level changed; "shutdown" in the user field when the system goes down.
    RunLevel,
    /// The system booted ("reboot" in the user field).
    Boot,
    /// A user logged in on a line.
    Login,
    /// The process on a line ended: its user logged out.
    Logout,
    /// Anything else (clock changes, init and getty processes, accounting).
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: Kind,
    pub pid: i32,
    /// The terminal: tty1, pts/0, or a seat or display for graphical sessions.
    pub line: String,
    pub user: String,
    /// Where from: a host name or address, a display; empty for a local console.
    pub host: String,
    /// UTC seconds (and microseconds).
    pub time: i64,
    pub usec: i64,
}

/// Every whole record of a utmp or wtmp file; a missing file has none. A last record cut short
/// (a file being written) is left for the next reading.
pub fn read(path: &Path) -> Result<Vec<Record>> {
    read_from(path, 0)
}

/// The whole records from byte `offset` on (a multiple of [`RECORD`]: where an earlier
/// reading stopped).
pub fn read_from(path: &Path, offset: u64) -> Result<Vec<Record>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| file.read_to_end(&mut bytes))
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(parse(&bytes))
}

pub fn parse(bytes: &[u8]) -> Vec<Record> {
    bytes.chunks_exact(RECORD).map(record).collect()
}

fn record(r: &[u8]) -> Record {
    let i16_at = |at: usize| i16::from_ne_bytes([r[at], r[at + 1]]);
    let i32_at = |at: usize| i32::from_ne_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]);
    // Text fields are NUL-padded, and full ones are not NUL-terminated.
    let text = |at: usize, len: usize| {
        let field = &r[at..at + len];
        let end = field.iter().position(|&b| b == 0).unwrap_or(len);
        String::from_utf8_lossy(&field[..end]).into_owned()
    };
    Record {
        kind: match i16_at(0) {
            1 => Kind::RunLevel,
            2 => Kind::Boot,
            7 => Kind::Login,
            8 => Kind::Logout,
            _ => Kind::Other,
        },
        pid: i32_at(4),
        line: text(8, 32),
        // 40..44 is ut_id.
        user: text(44, 32),
        host: text(76, 256),
        // 332..336 ut_exit, 336..340 ut_session; ut_tv is two 32-bit fields on every ABI.
        time: i64::from(i32_at(340)),
        usec: i64::from(i32_at(344)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record as glibc lays it out.
    fn raw(kind: i16, line: &str, user: &str, host: &str, time: i32) -> Vec<u8> {
        let mut r = vec![0u8; RECORD];
        r[0..2].copy_from_slice(&kind.to_ne_bytes());
        r[4..8].copy_from_slice(&4242i32.to_ne_bytes());
        r[8..8 + line.len()].copy_from_slice(line.as_bytes());
        r[44..44 + user.len()].copy_from_slice(user.as_bytes());
        r[76..76 + host.len()].copy_from_slice(host.as_bytes());
        r[340..344].copy_from_slice(&time.to_ne_bytes());
        r[344..348].copy_from_slice(&500i32.to_ne_bytes());
        r
    }

    #[test]
    fn records_read_as_glibc_writes_them() {
        let mut bytes = raw(7, "pts/0", "alice", "10.0.0.5", 1_800_000_000);
        // A user name of the full 32 bytes has no NUL.
        bytes.extend(raw(8, "tty1", &"u".repeat(32), "", 1_800_000_060));
        bytes.extend(raw(2, "~", "reboot", "6.1.0", 1_800_000_120));
        // Half a record at the end: a write in progress.
        bytes.extend(vec![7u8; 100]);
        let r = parse(&bytes);
        assert_eq!(r.len(), 3);
        assert_eq!(
            r[0],
            Record {
                kind: Kind::Login,
                pid: 4242,
                line: "pts/0".into(),
                user: "alice".into(),
                host: "10.0.0.5".into(),
                time: 1_800_000_000,
                usec: 500,
            }
        );
        assert_eq!((r[1].kind, r[1].user.len()), (Kind::Logout, 32));
        assert_eq!(r[2].kind, Kind::Boot);
        assert_eq!(read(Path::new("/nonexistent/wtmp")).unwrap(), []);
        // A file that is there and cannot be read is an error, naming it.
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path()).unwrap_err();
        assert!(format!("{e:#}").starts_with(&format!("cannot read {}", dir.path().display())));
        let file = dir.path().join("wtmp");
        std::fs::write(&file, raw(7, "tty1", "bob", "", 1)).unwrap();
        assert_eq!(read(&file).unwrap()[0].user, "bob");
        let mut two = raw(7, "tty1", "bob", "", 1);
        two.extend(raw(8, "tty1", "", "", 2));
        std::fs::write(&file, &two).unwrap();
        let rest = read_from(&file, RECORD as u64).unwrap();
        assert_eq!((rest.len(), rest[0].kind), (1, Kind::Logout));
    }
}
