//! The backup directory: file names, the metadata beside each backup, listing, and writing files
//! so that a crash never leaves a half-written one under its real name.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Backups are `usage-YYYYMMDDTHHMMSSZ[-NAME].db.gz`.
pub const PREFIX: &str = "usage-";
pub const SUFFIX: &str = ".db.gz";
/// The metadata of `F` is `F.json`.
pub const META_SUFFIX: &str = ".json";

/// What is recorded beside a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The metadata layout; 1 is this one.
    pub format: u32,
    /// The backup's file name.
    pub file: String,
    /// The name given with --name: named backups are never pruned.
    pub name: Option<String>,
    /// When the copy was taken (UTC).
    pub created: DateTime<Utc>,
    pub host: String,
    /// The database it copies.
    pub source: PathBuf,
    pub schema_version: i32,
    /// Rows per table in the copy.
    pub tables: BTreeMap<String, i64>,
    /// Size of the database copy, uncompressed.
    pub db_bytes: u64,
    /// Size of the compressed file.
    pub gz_bytes: u64,
    /// SHA-256 of the compressed file.
    pub sha256: String,
    /// The outcome of the latest verification.
    pub verified: Option<Verified>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Verified {
    pub at: DateTime<Utc>,
    pub ok: bool,
    /// "ok", or what failed.
    pub result: String,
}

/// A backup file found in a directory, with its metadata if that could be read.
#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub file: String,
    pub gz_bytes: u64,
    /// When the file name says it was made.
    pub created: DateTime<Utc>,
    /// The part of the file name after the time, if any.
    pub name: Option<String>,
    pub meta: std::result::Result<Meta, String>,
}

/// The file name of a backup taken at `at`.
pub fn file_name(at: DateTime<Utc>, name: Option<&str>) -> String {
    let stamp = at.format("%Y%m%dT%H%M%SZ");
    match name {
        Some(n) => format!("{PREFIX}{stamp}-{n}{SUFFIX}"),
        None => format!("{PREFIX}{stamp}{SUFFIX}"),
    }
}

/// The time and name a backup's file name holds, or None for other files.
pub fn parse_name(file: &str) -> Option<(DateTime<Utc>, Option<String>)> {
    let rest = file.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let stamp = rest.get(..16)?;
    let at = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ")
        .ok()?
        .and_utc();
    match &rest[16..] {
        "" => Some((at, None)),
        tail => Some((at, Some(tail.strip_prefix('-')?.to_string()))),
    }
}

/// Checks a --name: it becomes part of a file name.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a usable backup name (expected 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' or '-')"
        ))
    }
}

pub fn meta_path(backup: &Path) -> PathBuf {
    let mut p = backup.as_os_str().to_owned();
    p.push(META_SUFFIX);
    PathBuf::from(p)
}

/// Reads a backup's metadata; the error says what is wrong with it.
pub fn read_meta(backup: &Path) -> std::result::Result<Meta, String> {
    let path = meta_path(backup);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(format!("its metadata file '{}' is missing", path.display()));
        }
        Err(e) => return Err(format!("cannot read '{}': {e}", path.display())),
    };
    serde_json::from_str(&text)
        .map_err(|e| format!("'{}' is not valid metadata: {e}", path.display()))
}

/// Writes a backup's metadata atomically.
pub fn write_meta(backup: &Path, meta: &Meta) -> Result<()> {
    let mut text = serde_json::to_string_pretty(meta)?;
    text.push('\n');
    crate::files::write_atomically(&meta_path(backup), |f| {
        f.write_all(text.as_bytes()).map_err(Into::into)
    })
}

/// The backups in `dir`, newest first; a missing directory holds none.
pub fn list(dir: &Path) -> Result<Vec<Entry>> {
    let read = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot read backup directory '{}'", dir.display()));
        }
    };
    let mut entries = Vec::new();
    for item in read {
        let item =
            item.with_context(|| format!("cannot read backup directory '{}'", dir.display()))?;
        let Some(file) = item.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Some((created, name)) = parse_name(&file) else {
            continue;
        };
        let path = item.path();
        let Ok(md) = item.metadata() else { continue };
        if !md.is_file() {
            continue;
        }
        entries.push(Entry {
            meta: read_meta(&path),
            gz_bytes: md.len(),
            path,
            file,
            created,
            name,
        });
    }
    entries.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| b.file.cmp(&a.file)));
    Ok(entries)
}

/// Makes sure `dir` is a private directory, creating it (0700) if needed.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    match fs::metadata(dir) {
        Ok(md) if md.is_dir() => Ok(()),
        Ok(_) => bail!(
            "backup directory '{}' is not a directory (set backup.dir or --dir to a directory)",
            dir.display()
        ),
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create backup directory '{}'", dir.display())),
        Err(e) => {
            Err(e).with_context(|| format!("cannot use backup directory '{}'", dir.display()))
        }
    }
}

/// Removes metadata files whose backup is gone (a prune or a create killed between the two
/// files); the caller holds the directory's lock, so no create is between writing them.
pub fn remove_orphans(dir: &Path) -> usize {
    let Ok(read) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for item in read.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        let Some(backup) = name.strip_suffix(META_SUFFIX) else {
            continue;
        };
        if backup.starts_with(PREFIX)
            && backup.ends_with(SUFFIX)
            && !dir.join(backup).exists()
            && fs::remove_file(item.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Removes a backup and its metadata.
pub fn remove(backup: &Path) -> Result<()> {
    fs::remove_file(backup).with_context(|| format!("cannot remove '{}'", backup.display()))?;
    match fs::remove_file(meta_path(backup)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove '{}'", meta_path(backup).display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_round_trip() {
        let at = DateTime::parse_from_rfc3339("2026-11-23T02:00:05Z")
            .unwrap()
            .to_utc();
        assert_eq!(file_name(at, None), "usage-20261123T020005Z.db.gz");
        assert_eq!(parse_name(&file_name(at, None)), Some((at, None)));
        let named = file_name(at, Some("pre-upgrade"));
        assert_eq!(named, "usage-20261123T020005Z-pre-upgrade.db.gz");
        assert_eq!(parse_name(&named), Some((at, Some("pre-upgrade".into()))));
        assert_eq!(parse_name("usage-20261123T020005Zx.db.gz"), None);
        assert_eq!(parse_name("other.db.gz"), None);
        assert!(check_name("pre-upgrade_2.1").is_ok());
        for bad in ["", "-x", ".hidden", "a/b", "a b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
