//! Judging a SQLite file without changing it: is it ours, empty, another application's, of a
//! newer release, or no database at all (the one answer `db::open`, usage-check and a backup's
//! verification share); and SQLite's own checks of it.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{APPLICATION_ID, BUSY_TIMEOUT, SCHEMA_VERSION};

/// What a file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A usage database at schema `version`, which this release reads.
    Ours { version: i32 },
    /// A SQLite database without tables or an application id: one about to become ours.
    Empty,
    /// Another application's database.
    Foreign { app_id: i32, tables: i64 },
    /// A usage database written by a newer release.
    Newer { version: i32 },
    /// Not a SQLite database, or one too damaged to read its header.
    NotADatabase { why: String },
}

impl Kind {
    /// Why the file is not one to read, for messages (`None`: it is).
    pub fn refusal(&self) -> Option<String> {
        match self {
            Kind::Ours { .. } | Kind::Empty => None,
            Kind::Foreign { app_id, .. } if *app_id != 0 => Some(format!(
                "it is not a usage database (its application_id is {app_id:#x})"
            )),
            Kind::Foreign { tables, .. } => Some(format!(
                "it is not a usage database (it holds {tables} tables of another application)"
            )),
            Kind::Newer { version } => Some(format!(
                "its schema version {version} is newer than the {SCHEMA_VERSION} this release understands"
            )),
            Kind::NotADatabase { why } => {
                Some(format!("it is not a readable SQLite database ({why})"))
            }
        }
    }
}

/// What the file says about itself, read in one statement so it is one consistent snapshot.
#[derive(Debug, Clone, Copy)]
pub(super) struct State {
    pub version: i32,
    pub app_id: i32,
    pub tables: i64,
}

impl State {
    pub(super) fn read(conn: &Connection) -> rusqlite::Result<State> {
        conn.query_row(
            "SELECT user_version, application_id, (SELECT count(*) FROM sqlite_schema)
             FROM pragma_user_version, pragma_application_id",
            [],
            |r| {
                Ok(State {
                    version: r.get(0)?,
                    app_id: r.get(1)?,
                    tables: r.get(2)?,
                })
            },
        )
    }

    pub(super) fn kind(self) -> Kind {
        let State {
            version,
            app_id,
            tables,
        } = self;
        if app_id == 0 && tables == 0 {
            Kind::Empty
        } else if app_id != APPLICATION_ID {
            Kind::Foreign { app_id, tables }
        } else if version > SCHEMA_VERSION {
            Kind::Newer { version }
        } else {
            Kind::Ours { version }
        }
    }
}

/// True for the codes SQLite gives a file that is not (or no longer) a database.
pub(super) fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// Judges an open connection's file; other read errors (I/O, locks) stay errors.
pub fn inspect(conn: &Connection) -> rusqlite::Result<Kind> {
    match State::read(conn) {
        Ok(state) => Ok(state.kind()),
        Err(e) if is_not_a_database(&e) => Ok(Kind::NotADatabase { why: e.to_string() }),
        Err(e) => Err(e),
    }
}

/// The schema version the file says it has.
pub fn version(conn: &Connection) -> rusqlite::Result<i32> {
    Ok(State::read(conn)?.version)
}

/// Opens an existing file for judging and checking: not created, not migrated, with the busy
/// timeout of every connection and a 16 MB page cache (integrity_check reads every page).
pub fn open(path: &Path) -> Result<Connection> {
    if !path.exists() {
        bail!("database '{}' does not exist", path.display());
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| anyhow::anyhow!("cannot open database '{}': {e}", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Only an optimisation: a file that is no database fails here too, and inspect() says so.
    let _ = conn.pragma_update(None, "cache_size", -16_000);
    Ok(conn)
}

/// Opens an existing file read-only, to judge or copy it without ever writing to it (not even
/// the checkpoint a last connection to a WAL database makes when it closes).
pub fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| anyhow::anyhow!("cannot open database '{}': {e}", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// The problems `PRAGMA integrity_check` or `quick_check` reports (none when it says "ok"), at
/// most ten.
pub fn integrity(conn: &Connection, quick: bool) -> rusqlite::Result<Vec<String>> {
    let pragma = if quick {
        "quick_check"
    } else {
        "integrity_check"
    };
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}(10)"))?;
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines.into_iter().filter(|l| l != "ok").collect())
}

/// The rows `PRAGMA foreign_key_check` reports, described, at most ten.
pub fn foreign_keys(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    let mut total = 0u64;
    while let Some(r) = rows.next()? {
        total += 1;
        if out.len() < 10 {
            let table: String = r.get(0)?;
            let rowid: Option<i64> = r.get(1)?;
            let parent: String = r.get(2)?;
            out.push(match rowid {
                Some(id) => format!("{table} row {id} refers to a missing {parent} row"),
                None => format!("a {table} row refers to a missing {parent} row"),
            });
        }
    }
    if total > out.len() as u64 {
        out.push(format!("and {} more", total - out.len() as u64));
    }
    Ok(out)
}

/// Rows per table (SQLite's own tables left out).
pub fn count_rows(conn: &Connection) -> rusqlite::Result<BTreeMap<String, i64>> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    names
        .into_iter()
        .map(|name| {
            let n = conn.query_row(
                &format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\"")),
                [],
                |r| r.get(0),
            )?;
            Ok((name, n))
        })
        .collect()
}

/// The database file's size in bytes, from its page count.
pub fn size(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row(
        "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_file_gets_one_answer() {
        let dir = tempfile::tempdir().unwrap();
        let judge = |setup: &str| {
            let path = dir.path().join(format!("{}.db", setup.len()));
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(setup).unwrap();
            inspect(&open(&path).unwrap()).unwrap()
        };
        assert_eq!(judge(""), Kind::Empty);
        assert_eq!(
            judge("CREATE TABLE t(x)"),
            Kind::Foreign {
                app_id: 0,
                tables: 1
            }
        );
        let ours = format!("PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 2;");
        assert_eq!(judge(&ours), Kind::Ours { version: 2 });
        let newer = format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};",
            SCHEMA_VERSION + 1
        );
        assert_eq!(
            judge(&newer),
            Kind::Newer {
                version: SCHEMA_VERSION + 1
            }
        );
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, vec![0x42u8; 8192]).unwrap();
        let kind = inspect(&open(&junk).unwrap()).unwrap();
        assert!(matches!(kind, Kind::NotADatabase { .. }), "{kind:?}");
        assert!(
            kind.refusal()
                .unwrap()
                .starts_with("it is not a readable SQLite database")
        );
        assert!(open(&dir.path().join("missing.db")).is_err());
    }
}
