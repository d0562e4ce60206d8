//! The one way into the database: `open()` sets the pragmas and brings the schema up to date.
//!
//! Migrations are the append-only files in `src/db/migrations/`; the schema version is
//! `PRAGMA user_version` and a database is marked as ours by `PRAGMA application_id`. A database
//! written by a newer release is refused rather than misread.

use std::fs::{self, OpenOptions};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

pub mod activity;
pub mod alerts;
pub mod copy;
pub mod inspect;
pub mod ledger;
pub mod logins;
pub mod merge;
pub mod probes;
pub mod samples;

use inspect::{Kind, State};

/// 'usag' in ASCII: marks a SQLite file as a usage database.
pub const APPLICATION_ID: i32 = 0x7573_6167;

/// How long a writer waits for another (an overlapping cron run, a backup) before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The migrations, in order; the schema version is the number applied. Never edit a shipped one.
pub const MIGRATIONS: &[&str] = &[
    include_str!("db/migrations/0001_samples.sql"),
    include_str!("db/migrations/0002_ledger.sql"),
    include_str!("db/migrations/0003_alerts.sql"),
    include_str!("db/migrations/0004_alert_state.sql"),
    include_str!("db/migrations/0005_alert_cursor_sample.sql"),
    include_str!("db/migrations/0006_probes.sql"),
    include_str!("db/migrations/0007_alert_acks.sql"),
    include_str!("db/migrations/0008_alert_silences.sql"),
    include_str!("db/migrations/0009_logins.sql"),
    include_str!("db/migrations/0010_activity.sql"),
    include_str!("db/migrations/0011_fleet.sql"),
    include_str!("db/migrations/0012_deeper_samples.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Errors callers may want to tell apart.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "database '{path}' has schema version {found}, newer than the {supported} this release understands (upgrade usage, or restore a backup made by this release)"
    )]
    TooNew {
        path: String,
        found: i32,
        supported: i32,
    },
    #[error("'{path}': {why}")]
    Foreign { path: String, why: String },
}

/// Opens (creating if needed, with its directory) the database at `path` and migrates it: the
/// way in for the tools that record (usage-sample, usage-import).
pub fn open(path: &Path) -> Result<Connection> {
    create_private(path)?;
    connect(path, Use::Write)
}

/// As [`open`], for usage-import --merge: the connection also takes `file:` URIs, so the source
/// database is attached read-only (`?mode=ro`), never written to.
pub fn open_merging(path: &Path) -> Result<Connection> {
    create_private(path)?;
    connect(path, Use::Merge)
}

/// Opens an existing usage database for a tool that reads it (usage-report, usage-alert, the
/// listings), migrating an older schema of ours. A missing or empty file is refused rather than
/// initialised: a mistyped --db must not become a new, silent, empty database.
pub fn open_reader(path: &Path) -> Result<Connection> {
    if !path.exists() {
        anyhow::bail!(
            "database '{}' does not exist (usage-sample and usage-import create it; --db or USAGE_DB names another)",
            path.display()
        );
    }
    connect(path, Use::Read)
}

/// What a connection is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Write,
    Read,
    /// Writing, with URIs for ATTACH.
    Merge,
}

fn connect(path: &Path, to: Use) -> Result<Connection> {
    let shown = path.display().to_string();
    let uri = if to == Use::Merge {
        OpenFlags::SQLITE_OPEN_URI
    } else {
        OpenFlags::empty()
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | uri,
    )
    .map_err(|e| explain(e, &shown))?;
    // The busy timeout first, so everything after it waits for other connections.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Switching a new database to WAL, WAL recovery and the first migration return "database is
    // locked" without consulting the busy handler when another process is doing the same (cron
    // jobs starting together on a fresh database): retry those steps until the same deadline.
    let deadline = Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(2);
    loop {
        match set_up(&conn, &shown, to) {
            Err(e) if is_busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            other => return other.map(|()| conn),
        }
    }
}

/// Opens an existing database as it is: not created, not migrated (a backup of it must be the
/// schema it has), refused if it is another application's or newer than this release.
pub fn open_existing(path: &Path) -> Result<Connection> {
    let shown = path.display().to_string();
    if !path.exists() {
        anyhow::bail!("database '{shown}' does not exist");
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| explain(e, &shown))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let state = State::read(&conn).map_err(|e| explain(e, &shown))?;
    refuse(&shown, state)?;
    Ok(conn)
}

/// An empty database in memory at the current schema: what a dry run works on when the database
/// file does not exist yet, so checking never creates it.
pub fn open_in_memory() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", true)?;
    migrate(&conn, ":memory:")?;
    Ok(conn)
}

/// The file judged first (nothing is written to a file that is refused), then the pragmas
/// (outside any transaction), then migrations.
fn set_up(conn: &Connection, shown: &str, to: Use) -> Result<()> {
    let state = State::read(conn).map_err(|e| explain(e, shown))?;
    refuse(shown, state)?;
    if to == Use::Read && state.kind() == Kind::Empty {
        anyhow::bail!(
            "database '{shown}' is empty (usage-sample and usage-import initialise it; --db or USAGE_DB names another)"
        );
    }
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(|e| explain(e, shown))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| explain(e, shown))?;
    if !mode.eq_ignore_ascii_case("wal") {
        anyhow::bail!("database '{shown}' cannot use WAL journaling (journal_mode is '{mode}')");
    }
    // WAL with NORMAL survives a killed process; only a power cut may lose the last commits.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    migrate(conn, shown)
}

/// The WAL size past which [`fold_wal`] checkpoints it: about 20 samples.
pub const WAL_FOLD_BYTES: u64 = 512 * 1024;

/// Sets up a connection for a writer that commits a little and exits, every minute
/// (usage-sample under cron): closing leaves the WAL in place instead of checkpointing it into
/// the database, so a run does no fsync at all rather than four (creating the WAL and its
/// directory entry, then the checkpoint's WAL and database). The next connection reads the WAL
/// back and [`fold_wal`] keeps it short. As everywhere (synchronous NORMAL), a killed writer
/// loses nothing and a power cut may lose the commits the kernel had not yet written back, never
/// the database.
pub fn keep_wal(conn: &Connection) -> Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    )?;
    Ok(())
}

/// Once the WAL of the database at `path` is larger than [`WAL_FOLD_BYTES`], checkpoints it into
/// the database and empties it. Waits only briefly for readers: a database in use is folded by a
/// later run.
pub fn fold_wal(conn: &Connection, path: &Path) -> Result<()> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if fs::metadata(&wal).map_or(0, |m| m.len()) <= WAL_FOLD_BYTES {
        return Ok(());
    }
    conn.busy_timeout(Duration::from_millis(200))?;
    let folded = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    conn.busy_timeout(BUSY_TIMEOUT)?;
    folded.with_context(|| format!("checkpointing the WAL of '{}'", path.display()))
}

/// Removes a database (and its WAL files) that holds no row in any table: one a failed run
/// created. Any doubt (it cannot be read, another tool wrote to it meanwhile) keeps it.
pub fn remove_if_unused(path: &Path) {
    let unused = inspect::open(path)
        .and_then(|c| Ok(inspect::count_rows(&c)?))
        .is_ok_and(|tables| tables.values().all(|n| *n == 0));
    if !unused {
        return;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = fs::remove_file(p);
    }
}

/// Refreshes the query planner's statistics (the weekly upkeep).
pub fn optimize(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("ANALYZE; PRAGMA optimize;")
}

/// Compacts the database and folds the WAL back in (the monthly upkeep; it needs about twice
/// the database's size free).
pub fn vacuum(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
}

fn is_busy(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<rusqlite::Error>()
            .and_then(rusqlite::Error::sqlite_error_code)
            .is_some_and(|code| matches!(code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
    })
}

/// Creates the database's directory (0700) and an empty file (0600) unless they exist, so the
/// file and the WAL files SQLite derives from it are private from the start.
pub(crate) fn create_private(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create database directory '{}'", dir.display()))?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot create database '{}'", path.display())),
    }
}

fn migrate(conn: &Connection, shown: &str) -> Result<()> {
    let state = State::read(conn).map_err(|e| explain(e, shown))?;
    refuse(shown, state)?;
    if state.version == SCHEMA_VERSION {
        return Ok(());
    }
    // Take the write lock before re-reading the version: two tools opening a fresh database at
    // once must not both apply migration 1.
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(|e| explain(e, shown))?;
    let state = State::read(&tx)?;
    refuse(shown, state)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(state.version as usize) {
        tx.execute_batch(sql)
            .with_context(|| format!("migrating '{shown}' to schema version {}", i + 1))?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}

/// Refuses a file this release must not write: another application's or a newer release's.
fn refuse(shown: &str, state: State) -> Result<()> {
    match state.kind() {
        kind @ Kind::Foreign { .. } => Err(DbError::Foreign {
            path: shown.into(),
            why: kind.refusal().unwrap_or_default(),
        }
        .into()),
        Kind::Newer { version } => Err(DbError::TooNew {
            path: shown.into(),
            found: version,
            supported: SCHEMA_VERSION,
        }
        .into()),
        Kind::Ours { .. } | Kind::Empty | Kind::NotADatabase { .. } => Ok(()),
    }
}

/// Turns SQLite's terse codes into a sentence naming the file and the likely cause.
fn explain(e: rusqlite::Error, shown: &str) -> anyhow::Error {
    let why = match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => "the file is not a SQLite database or is corrupt",
        Some(ErrorCode::DatabaseCorrupt) => "the database is corrupt",
        Some(ErrorCode::CannotOpen) => "cannot open the file (is its directory writable?)",
        Some(ErrorCode::ReadOnly) => "the file or its directory is read-only",
        Some(ErrorCode::PermissionDenied) => "permission denied",
        _ => return anyhow::Error::new(e).context(format!("database '{shown}'")),
    };
    anyhow::anyhow!("database '{shown}': {why} ({e})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn open_creates_private_files_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/usage.db");
        let conn = open(&path).unwrap();
        let v: i32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        drop(conn);
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("sub")), 0o700);
        open(&path).unwrap();
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("u.db");
        let conn = open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(conn);
        let err = open(&path).unwrap_err();
        assert!(
            matches!(err.downcast_ref::<DbError>(), Some(DbError::TooNew { .. })),
            "{err}"
        );
    }

    #[test]
    fn another_applications_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE t(x)")
            .unwrap();
        let err = open(&path).unwrap_err();
        assert!(
            matches!(err.downcast_ref::<DbError>(), Some(DbError::Foreign { .. })),
            "{err}"
        );
    }

    #[test]
    fn garbage_file_is_named_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.db");
        fs::write(&path, vec![0x42u8; 8192]).unwrap();
        let msg = format!("{:#}", open(&path).unwrap_err());
        assert!(msg.contains("not a SQLite database or is corrupt"), "{msg}");
    }
}
