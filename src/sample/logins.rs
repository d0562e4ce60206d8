//! usage-sample's side of the login sessions: wtmp read again whenever it changed, its sessions
//! stored, their ends filled in as they appear.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use anyhow::Result;
use rusqlite::Transaction;

use crate::collect::utmp;
use crate::db::logins::{self as store, LoginRow};
use crate::logins::{self, End, Session};

/// Brings the host's sessions up to date with the wtmp file at `wtmp`; returns how many
/// sessions it read (0 when it was not read). Unchanged since the last run (same inode and size), it is not read;
/// missing (a container without one), nothing happens. Sessions open in the database from
/// before the file's first record (a wtmp rotated since) are carried in, so that their logout
/// in the new file ends them. A session ended by a crash ends at the last sample taken
/// before the boot, when one was taken while it lasted: the machine was up then, and the
/// boot record is written only once it is up again.
pub fn update(tx: &Transaction, host: i64, wtmp: &Path) -> Result<usize> {
    let Ok(meta) = std::fs::metadata(wtmp) else {
        return Ok(0);
    };
    let seen = (meta.ino(), meta.len());
    if store::source(tx, host)? == Some(seen) {
        return Ok(0);
    }
    let records = utmp::read(wtmp)?;
    let first = records.first().map_or(i64::MAX, |r| r.time);
    let before: Vec<Session> = store::open(tx, host)?
        .into_iter()
        .filter(|s| s.start < first)
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
    store::save_source(tx, host, seen.0, seen.1)?;
    Ok(sessions.len())
}
