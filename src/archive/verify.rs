//! Proving a backup restorable: checksum, inflate, open, `integrity_check`, `foreign_key_check`,
//! schema version and row counts, each failure tagged with the stage (and exit status) it belongs
//! to.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use anyhow::{Context, Result};

use super::gz::{self, ReadError};
use super::store::{self, Meta};
use crate::db::inspect::{self, Kind};

/// The stages of a verification, in order (each has its exit status: `cli::Outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Metadata,
    Checksum,
    Gzip,
    Database,
    Integrity,
    Rows,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Metadata => "metadata",
            Stage::Checksum => "checksum",
            Stage::Gzip => "gzip",
            Stage::Database => "database",
            Stage::Integrity => "integrity",
            Stage::Rows => "rows",
        }
    }
}

/// What a verification found.
pub struct Report {
    pub meta: Option<Meta>,
    pub failures: Vec<(Stage, String)>,
    /// The inflated database, when asked to keep it and it passed every check but perhaps the
    /// metadata's.
    pub restored: Option<tempfile::NamedTempFile>,
    /// Rows per table found in the copy.
    pub tables: BTreeMap<String, i64>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// The first failed stage.
    pub fn first(&self) -> Option<Stage> {
        self.failures.iter().map(|(s, _)| *s).min()
    }

    /// "ok", or every failure on one line.
    pub fn summary(&self) -> String {
        if self.ok() {
            return "ok".into();
        }
        self.failures
            .iter()
            .map(|(s, m)| format!("{}: {m}", s.label()))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Verifies the backup at `path`, inflating it into a temporary file in `scratch`. Errors are for
/// what stops the verification itself (an unreadable file, a full scratch file system); what is
/// wrong with the backup is in the report.
pub fn verify(path: &Path, scratch: &Path, keep: bool, progress: &dyn Fn(u64)) -> Result<Report> {
    let mut report = Report {
        meta: None,
        failures: Vec::new(),
        restored: None,
        tables: BTreeMap::new(),
    };
    match store::read_meta(path) {
        Ok(m) => report.meta = Some(m),
        Err(why) => report.failures.push((
            Stage::Metadata,
            format!("{why}: the checksum and row counts cannot be checked"),
        )),
    }
    let shown = path.display();
    let mut file = File::open(path).with_context(|| format!("cannot read backup '{shown}'"))?;
    let size = file.metadata()?.len();
    let tmp = crate::files::temp_in(scratch, ".usage-verify-")?;
    let mut out = BufWriter::with_capacity(1 << 20, tmp);
    let inflated = gz::decompress(&mut file, &mut out, progress);
    let digest = match inflated {
        Ok((digest, _)) => Some(digest),
        Err(ReadError::Damaged(why)) => {
            report.failures.push((Stage::Gzip, why));
            None
        }
        Err(ReadError::Read(e)) => return Err(e).context(format!("cannot read backup '{shown}'")),
        Err(ReadError::Write(e)) => {
            return Err(e).context(format!(
                "cannot inflate '{shown}' into '{}'",
                scratch.display()
            ));
        }
    };
    if let Some(meta) = &report.meta {
        let digest = match digest {
            Some(d) => d,
            None => {
                let mut again = File::open(path)?;
                gz::sha256_file(&mut again)
                    .with_context(|| format!("cannot read backup '{shown}'"))?
            }
        };
        let hex = gz::hex(&digest);
        if hex != meta.sha256 {
            let sizes = if size == meta.gz_bytes {
                String::new()
            } else {
                format!(
                    ", and it is {size} bytes where {} were written",
                    meta.gz_bytes
                )
            };
            report.failures.push((
                Stage::Checksum,
                format!(
                    "its SHA-256 is {hex}, not the {} recorded when it was made{sizes}",
                    meta.sha256
                ),
            ));
        }
    }
    if digest.is_none() {
        return Ok(report);
    }
    let tmp = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot inflate '{shown}' into '{}'", scratch.display()))?;
    check_database(tmp.path(), &mut report);
    // The checks' connections may leave SQLite's side files when they close together.
    crate::files::remove_sidecars(tmp.path());
    // Kept when the database in it is sound, even without metadata to check it against: a
    // restore still refuses it (its first failed stage), a merge warns.
    if keep && report.failures.iter().all(|(s, _)| *s == Stage::Metadata) {
        report.restored = Some(tmp);
    }
    Ok(report)
}

/// The database checks, run on two connections at once: `integrity_check` on one, the foreign
/// keys and row counts on the other.
fn check_database(path: &Path, report: &mut Report) {
    let kind = inspect::open(path).and_then(|c| Ok(inspect::inspect(&c)?));
    let version = match kind {
        Ok(Kind::Ours { version }) => version,
        Ok(Kind::Empty) => {
            report.failures.push((
                Stage::Database,
                "it holds an empty SQLite database, not a usage database".into(),
            ));
            return;
        }
        Ok(kind) => {
            report
                .failures
                .push((Stage::Database, kind.refusal().unwrap_or_default()));
            return;
        }
        Err(e) => {
            report.failures.push((
                Stage::Database,
                format!("it does not hold a readable SQLite database ({e})"),
            ));
            return;
        }
    };
    if let Some(meta) = &report.meta
        && meta.schema_version != version
    {
        report.failures.push((
            Stage::Database,
            format!(
                "its schema version is {version}, not the {} recorded",
                meta.schema_version
            ),
        ));
    }
    let (integrity, rest) = std::thread::scope(|s| {
        let a = s.spawn(|| inspect::open(path).and_then(|c| Ok(inspect::integrity(&c, false)?)));
        let b = s.spawn(|| {
            inspect::open(path).and_then(|c| {
                let fk = inspect::foreign_keys(&c)?;
                Ok((fk, inspect::count_rows(&c)?))
            })
        });
        (a.join(), b.join())
    });
    match integrity {
        Ok(Ok(problems)) if problems.is_empty() => {}
        Ok(Ok(problems)) => report.failures.push((
            Stage::Integrity,
            format!("integrity_check: {}", problems.join("; ")),
        )),
        Ok(Err(e)) => report
            .failures
            .push((Stage::Integrity, format!("integrity_check failed: {e}"))),
        Err(_) => report
            .failures
            .push((Stage::Integrity, "integrity_check panicked".into())),
    }
    match rest {
        Ok(Ok((fk, tables))) => {
            if !fk.is_empty() {
                report.failures.push((
                    Stage::Integrity,
                    format!("foreign_key_check: {}", fk.join("; ")),
                ));
            }
            if let Some(meta) = &report.meta
                && meta.tables != tables
            {
                report
                    .failures
                    .push((Stage::Rows, differences(&meta.tables, &tables)));
            }
            report.tables = tables;
        }
        Ok(Err(e)) => report
            .failures
            .push((Stage::Integrity, format!("reading the tables failed: {e}"))),
        Err(_) => report
            .failures
            .push((Stage::Integrity, "counting rows panicked".into())),
    }
}

fn differences(recorded: &BTreeMap<String, i64>, found: &BTreeMap<String, i64>) -> String {
    let mut out = Vec::new();
    for (table, n) in recorded {
        match found.get(table) {
            Some(m) if m == n => {}
            Some(m) => out.push(format!("{table} has {m} rows, {n} recorded")),
            None => out.push(format!("table {table} is missing ({n} rows recorded)")),
        }
    }
    for table in found.keys().filter(|t| !recorded.contains_key(*t)) {
        out.push(format!("table {table} was not recorded"));
    }
    out.join(", ")
}
