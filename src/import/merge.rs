//! usage-import --merge: other hosts' databases, or usage-backup's backups of them, merged into
//! this one (the rule of what is copied and which hosts are the same machine is
//! [`crate::db::merge`]'s). Each source is one transaction.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use rusqlite::Connection;

use super::FileArgs;
use crate::archive::verify;
use crate::cli::{Format, one_line};
use crate::config::Config;
use crate::db::merge::{Keep, Merged};
use crate::db::{self, SCHEMA_VERSION, inspect::Kind};
use crate::env::Env;
use crate::files;
use crate::render::{Cell, Rows, counted};

/// One source's outcome.
struct SourceOutcome {
    file: String,
    merged: Option<Merged>,
    error: Option<String>,
}

pub fn run(args: &FileArgs, output: Option<Format>, config: &Config, env: &mut Env) -> Result<()> {
    let summary = !args.quiet && (args.print || args.dry_run || env.stderr_is_terminal);
    let mut conn = if args.dry_run && !config.db.exists() {
        db::open_in_memory()?
    } else {
        db::open_merging(&config.db)?
    };
    let keep = Keep {
        samples_days: config.file.sample.retention_days,
        results_days: config.file.probes.retention_days,
    };
    let mut outcomes = Vec::new();
    for path in &args.files {
        let file = path.display().to_string();
        let outcome = match merge_one(&mut conn, path, &config.db, keep, args.dry_run, env) {
            Ok(merged) => SourceOutcome {
                file,
                merged: Some(merged),
                error: None,
            },
            Err(e) => {
                let message = one_line(&e);
                if args.files.len() > 1 {
                    env.say(&message);
                }
                SourceOutcome {
                    file,
                    merged: None,
                    error: Some(message),
                }
            }
        };
        if summary
            && output.is_none_or(|o| o == Format::Table)
            && let Some(m) = &outcome.merged
        {
            env.note(summary_line(&outcome.file, m, args.dry_run));
        }
        outcomes.push(outcome);
    }
    if let Some(format @ (Format::Csv | Format::Json)) = output {
        write_outcomes(&outcomes, format, args.dry_run, env)?;
    }
    let listed: Vec<(&str, Option<&str>)> = outcomes
        .iter()
        .map(|o| (o.file.as_str(), o.error.as_deref()))
        .collect();
    super::conclude(&listed, if args.dry_run { "checked" } else { "merged" })
}

/// Merges one source: a usage database, or a backup of one (verified and inflated beside the
/// database first); an older schema's copy is brought up to date first.
fn merge_one(
    conn: &mut Connection,
    path: &Path,
    db_path: &Path,
    keep: Keep,
    dry_run: bool,
    env: &mut Env,
) -> Result<Merged> {
    let shown = path.display();
    if !path.is_file() {
        bail!("'{shown}' is not a file (expected a usage database or a backup of one, .db.gz)");
    }
    if db_path.exists() && same_file(path, db_path) {
        bail!("'{shown}' is the database being merged into");
    }
    let scratch = files::parent(db_path).to_path_buf();
    // Kept until the merge is done: the inflated or upgraded copy it reads.
    let mut copy: Option<tempfile::NamedTempFile> = None;
    let mut source: PathBuf = path.to_path_buf();
    if is_gzip(path)? {
        let report = verify::verify(path, &scratch, true, &|_| {})?;
        let Some(inflated) = report.restored else {
            bail!(
                "'{shown}' is not a sound backup, nothing merged: {}",
                report.summary()
            );
        };
        if report.meta.is_none() {
            env.warn(format!(
                "'{shown}' has no metadata beside it: its checksum and row counts were not checked (the database in it passed SQLite's checks)"
            ));
        }
        source = inflated.path().to_path_buf();
        copy = Some(inflated);
    }
    let version = match judge(&source) {
        Ok(Kind::Ours { version }) => version,
        Ok(Kind::Empty) => bail!("'{shown}' is an empty database: there is nothing to merge"),
        Ok(kind) => bail!(
            "'{shown}' cannot be merged: {}",
            kind.refusal().unwrap_or_default()
        ),
        Err(e) => bail!("'{shown}' cannot be merged: {e:#}"),
    };
    if version < SCHEMA_VERSION {
        // Read where it lies, upgraded in a private copy: the source is never written to.
        let upgraded = files::temp_in(&scratch, ".usage-merge-")?;
        {
            let from = db::inspect::open_read_only(&source)?;
            db::copy::snapshot(&from, upgraded.path())?;
        }
        drop(db::open(upgraded.path())?);
        files::remove_sidecars(upgraded.path());
        source = upgraded.path().to_path_buf();
        copy = Some(upgraded);
    }
    let merged = db::merge::merge(conn, &source, keep, dry_run)
        .map_err(|e| anyhow!("'{shown}': {e:#} (nothing from it was merged)"))?;
    if let Some(c) = copy {
        files::remove_sidecars(c.path());
    }
    Ok(merged)
}

fn judge(path: &Path) -> Result<Kind> {
    let conn = db::inspect::open_read_only(path)?;
    Ok(db::inspect::inspect(&conn)?)
}

/// A gzip file (by its magic, whatever its name).
fn is_gzip(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut magic = [0u8; 2];
    let mut f =
        std::fs::File::open(path).map_err(|e| anyhow!("cannot read '{}': {e}", path.display()))?;
    let n = f.read(&mut magic)?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// The hosts as people read them: "web1 (new), db1 (as db1-2: another machine)".
fn hosts_text(m: &Merged) -> String {
    m.hosts
        .iter()
        .map(|h| match h.matched {
            db::merge::Match::New => format!("{} (new)", h.source),
            db::merge::Match::Same if h.stored == h.source => h.source.clone(),
            db::merge::Match::Same => format!("{} (as {})", h.source, h.stored),
            db::merge::Match::Apart => {
                format!(
                    "{} (as {}: another machine of that name)",
                    h.source, h.stored
                )
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary_line(file: &str, m: &Merged, dry_run: bool) -> String {
    let c = &m.counts;
    let parts = [
        (c.samples, "sample"),
        (c.ledger_days, "ledger day"),
        (c.monthly, "billing-period total"),
        (c.locations, "new location"),
        (c.alert_events, "alert event"),
        (c.probe_results, "probe result"),
        (c.outages, "outage"),
        (c.logins, "login session"),
        (c.app_events, "application event"),
    ];
    let expired = (c.expired > 0).then(|| {
        format!(
            "; deleted {} past the retention (samples, probe results)",
            counted(c.expired, "row")
        )
    });
    let changed: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|&(n, noun)| counted(n, noun))
        .collect();
    let verb = if dry_run { "would merge" } else { "merged" };
    let hosts = if m.hosts.is_empty() {
        "no hosts".to_string()
    } else {
        format!(
            "{}: {}",
            counted(m.hosts.len() as i64, "host"),
            hosts_text(m)
        )
    };
    if changed.is_empty() {
        let nothing = if dry_run {
            "would change nothing"
        } else {
            "nothing new"
        };
        format!("{file}: {hosts}; {nothing}{}", expired.unwrap_or_default())
    } else {
        format!(
            "{file}: {hosts}; {verb} {}{}",
            changed.join(", "),
            expired.unwrap_or_default()
        )
    }
}

fn write_outcomes(
    outcomes: &[SourceOutcome],
    format: Format,
    dry_run: bool,
    env: &mut Env,
) -> Result<()> {
    use std::io::Write;
    let ok = if dry_run { "checked" } else { "merged" };
    let rows = Rows {
        columns: vec![
            "file",
            "status",
            "hosts",
            "samples",
            "ledger_days",
            "monthly_totals",
            "new_locations",
            "alert_events",
            "probe_results",
            "outages",
            "logins",
            "app_events",
            "expired",
            "error",
        ],
        rows: outcomes
            .iter()
            .map(|o| {
                let c = o
                    .merged
                    .as_ref()
                    .map(|m| m.counts.clone())
                    .unwrap_or_default();
                let n = Cell::Int;
                vec![
                    Cell::Text(o.file.clone()),
                    Cell::Text(if o.error.is_some() { "failed" } else { ok }.into()),
                    o.merged.as_ref().map(hosts_text).into(),
                    n(c.samples),
                    n(c.ledger_days),
                    n(c.monthly),
                    n(c.locations),
                    n(c.alert_events),
                    n(c.probe_results),
                    n(c.outages),
                    n(c.logins),
                    n(c.app_events),
                    n(c.expired),
                    o.error.clone().into(),
                ]
            })
            .collect(),
    };
    rows.write(format, &mut env.stdout)?;
    env.stdout.flush()?;
    Ok(())
}
