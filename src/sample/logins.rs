//! usage-sample's side of the login sessions: wtmp read again whenever it changed, its sessions
//! stored, their ends filled in as they appear; where there is no wtmp, who utmp says is logged
//! in at each run.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rusqlite::Transaction;

use crate::collect::utmp;
use crate::db::logins::{self as store, LoginRow};
use crate::logins::{self, End, Session};

/// Where login records are: the history (wtmp) and who is logged in now (utmp).
#[derive(Debug, Clone)]
pub struct Files {
    pub wtmp: PathBuf,
    pub utmp: PathBuf,
}

impl Files {
    pub fn under(root: &Path) -> Files {
        Files {
            wtmp: root.join("var/log/wtmp"),
            utmp: root.join("run/utmp"),
        }
    }
}

/// Brings the host's sessions up to date: from wtmp when there is one, else from utmp at `now`
/// (see [`from_wtmp`] and [`from_utmp`]).
pub fn update(tx: &Transaction, host: i64, files: &Files, now: i64) -> Result<usize> {
    match std::fs::metadata(&files.wtmp) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => from_utmp(tx, host, &files.utmp, now),
        _ => from_wtmp(tx, host, &files.wtmp),
    }
}

/// Without a history, sessions from who is logged in at each run: a login utmp lists is stored
/// open (from its login time, so the first run after it counts it whole); a stored open session
/// utmp no longer lists ended by the run that first misses it (a logout), or, when the machine
/// booted since it began, at the last sample before the boot ("down": without wtmp a shutdown
/// and a crash look alike). The same sessions from a wtmp read before are the same rows.
pub fn from_utmp(tx: &Transaction, host: i64, utmp_path: &Path, now: i64) -> Result<usize> {
    let records = utmp::read(utmp_path)?;
    let boot = records
        .iter()
        .filter(|r| r.kind == utmp::Kind::Boot)
        .map(|r| r.time)
        .max();
    let current: Vec<LoginRow> = records
        .iter()
        .filter(|r| r.kind == utmp::Kind::Login && !r.user.is_empty())
        .map(|r| LoginRow {
            user: r.user.clone(),
            line: r.line.clone(),
            remote: r.host.clone(),
            start: r.time,
            end: None,
            how: End::Open.key().to_string(),
        })
        .collect();
    let same =
        |a: &LoginRow, b: &LoginRow| a.user == b.user && a.line == b.line && a.start == b.start;
    let mut changed = 0;
    for mut s in store::open(tx, host)? {
        if current.iter().any(|c| same(c, &s)) {
            continue;
        }
        match boot.filter(|&b| b > s.start) {
            Some(b) => {
                let last = crate::db::samples::newest_between(tx, host, s.start, b)?;
                s.end = Some(last.unwrap_or(b));
                s.how = End::Down.key().to_string();
            }
            None => {
                s.end = Some(now.max(s.start));
                s.how = End::Logout.key().to_string();
            }
        }
        store::upsert(tx, host, &s)?;
        changed += 1;
    }
    for s in &current {
        store::upsert(tx, host, s)?;
    }
    Ok(changed + current.len())
}

/// Brings the host's sessions up to date with the wtmp file at `wtmp`; returns how many
/// sessions the records read make (0 when none were read). Only what was appended since the
/// last run is read (the same inode, grown); another file (rotated) or a shorter one is read
/// from its start; an unchanged one not at all; a missing one (a container) changes nothing.
/// Sessions open in the database are carried in, so that a logout read now ends them: all of
/// them when reading on, those from before the file's first record when reading it anew. A
/// session ended by a crash ends at the last sample taken before the boot, when one was taken
/// while it lasted: the machine was up then, and the boot record is written only once it is up
/// again.
pub fn from_wtmp(tx: &Transaction, host: i64, wtmp: &Path) -> Result<usize> {
    let Ok(meta) = std::fs::metadata(wtmp) else {
        return Ok(0);
    };
    let (inode, size) = (meta.ino(), meta.len());
    // wtmp is rotated by renaming it (logrotate's `create`), so the same inode grown is the
    // same file appended to; a shorter one was truncated and is read anew.
    let from = match store::source(tx, host)? {
        Some((i, read)) if i == inode && read == size => return Ok(0),
        Some((i, read)) if i == inode && read < size && read % utmp::RECORD as u64 == 0 => read,
        _ => 0,
    };
    let records = utmp::read_from(wtmp, from)?;
    let first = records.first().map_or(i64::MAX, |r| r.time);
    let before: Vec<Session> = store::open(tx, host)?
        .into_iter()
        .filter(|s| from > 0 || s.start < first)
        .map(|s| Session {
            user: s.user,
            line: s.line,
            host: s.remote,
            start: s.start,
            end: None,
            how: End::Open,
        })
        .collect();
    let mut sessions = logins::sessions_from(before, &records);
    for s in sessions.iter_mut().filter(|s| s.how == End::Crash) {
        if let Some(boot) = s.end
            && let Some(last) = crate::db::samples::newest_between(tx, host, s.start, boot)?
        {
            s.end = Some(last);
        }
    }
    for s in &sessions {
        store::upsert(
            tx,
            host,
            &LoginRow {
                user: s.user.clone(),
                line: s.line.clone(),
                remote: s.host.clone(),
                start: s.start,
                end: s.end,
                how: s.how.key().to_string(),
            },
        )?;
    }
    // Up to the last whole record: one being written is read whole next time.
    let read = from + (records.len() * utmp::RECORD) as u64;
    store::save_source(tx, host, inode, read)?;
    Ok(sessions.len())
}
