//! Whole-database copies through SQLite's online backup API: the consistent snapshot a backup
//! starts from, and the restore that writes a verified copy over the live database.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, anyhow};
use rusqlite::{Connection, OpenFlags};

use super::{BUSY_TIMEOUT, create_private, inspect};

/// Copies the database `src` is open on into the (new, empty) file `to` in one step: the read
/// transaction it holds keeps the snapshot while writers go on appending to the WAL.
pub fn snapshot(src: &Connection, to: &Path) -> rusqlite::Result<()> {
    let mut dst = Connection::open(to)?;
    dst.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    let backup = rusqlite::backup::Backup::new(src, &mut dst)?;
    backup.step(-1)?;
    Ok(())
}

/// Schema version and rows per table of the database file at `path`.
pub fn describe(path: &Path) -> rusqlite::Result<(i32, BTreeMap<String, i64>)> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((version, inspect::count_rows(&conn)?))
}

/// Writes the database at `from` over the one at `to` in one transaction of the backup API, so
/// other connections see the old database or the new one, and a killed restore leaves the old.
pub fn replace(from: &Path, to: &Path) -> Result<()> {
    let shown = to.display();
    let fail = |e: rusqlite::Error| {
        anyhow!("cannot restore into '{shown}': {e} (the database was not changed)")
    };
    let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(fail)?;
    create_private(to)?;
    let mut dst =
        Connection::open_with_flags(to, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(fail)?;
    dst.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
    {
        let backup = rusqlite::backup::Backup::new(&src, &mut dst).map_err(fail)?;
        backup.step(-1).map_err(fail)?;
    }
    // Fold the restored pages back into the file; a busy reader only delays this.
    let _ = dst.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
    Ok(())
}
