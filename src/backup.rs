//! usage-backup: online, compressed, checksummed backups of the database; list, verify,
//! restore and prune them.

pub mod prune;

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use clap::{CommandFactory, Parser, Subcommand};
use sha2::{Digest, Sha256};

use crate::archive::{gz, store, verify};
use crate::cli::{self, CommonArgs, Format, Outcome, UsageError};
use crate::config::{self, Config};
use crate::db;
use crate::env::Env;
use crate::files;
use crate::host;
use crate::render::{Cell, Rows};
use store::Meta;
use verify::Stage;

/// Online backups of the usage database
#[derive(Debug, Parser)]
#[command(
    name = "usage-backup",
    version,
    about = "Online, compressed, verified backups of the usage database",
    long_about = "Online, compressed, verified backups of the usage database.\n\ncreate copies the \
database through SQLite's backup API while other tools keep writing, compresses the copy with \
gzip on every core, and writes it with a SHA-256 checksum and metadata (time, source, schema \
version, row counts, sizes) beside it. list shows the backups, verify proves them restorable, \
restore puts one back, prune applies the retention policy.\n\nFiles are written under a \
temporary name, fsynced and renamed: a backup either exists whole or not at all. Backups are \
private to their owner (0600, directory 0700)."
)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,

    /// Backup directory [default: backup.dir in the configuration, else 'backups' beside the
    /// database]
    #[arg(long, value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,

    /// Also copy new backups to DIR (a NAS mount) and prune it with the same policy
    /// [default: backup.mirror]
    #[arg(long, value_name = "DIR", global = true)]
    pub mirror: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Back up the database now
    Create(CreateArgs),
    /// List the backups, newest first
    List(ListArgs),
    /// Prove backups restorable: checksum, inflate, integrity, foreign keys, schema, row counts
    Verify(VerifyArgs),
    /// Replace the database with a verified backup (the current one is backed up first)
    Restore(RestoreArgs),
    /// Remove backups the retention policy no longer keeps
    Prune(PruneArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// Name the backup (letters, digits, '.', '_', '-'): named backups are never pruned
    #[arg(long, value_parser = parse_name)]
    pub name: Option<String>,
    /// Compression level, 1 (fastest) to 12 (smallest) [default: backup.level, else 6]
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=12))]
    pub level: Option<u8>,
    /// Print what was written even when stdout is not a terminal
    #[arg(long)]
    pub print: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Output format [default: table on a terminal, else csv]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Backups to verify: file names in the backup directory, or paths
    #[arg(value_name = "FILE", conflicts_with_all = ["latest", "all"])]
    pub files: Vec<PathBuf>,
    /// Verify the newest N backups [default: 1 when no FILE is given]
    #[arg(long, value_name = "N", conflicts_with = "all")]
    pub latest: Option<usize>,
    /// Verify every backup
    #[arg(long)]
    pub all: bool,
    /// Print each result even when stdout is not a terminal
    #[arg(long)]
    pub print: bool,
    /// Output format of the results (given, they are printed) [default: table on a terminal,
    /// else csv]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup: a file name in the backup directory or the mirror, or a path
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Really replace the database
    #[arg(long)]
    pub confirm: bool,
    /// Accept a backup outside the backup directory and the mirror
    #[arg(long)]
    pub allow_outside: bool,
}

#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// Show what would be removed and remove nothing
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Output format of what is kept and removed (given, it is printed) [default: table on a
    /// terminal, else csv]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Remove backups older than N days (0: no age limit) [default: backup.retention_days, else 30]
    #[arg(long, value_name = "N")]
    pub retention_days: Option<u32>,
    /// Keep at most N unnamed backups (0: no limit) [default: backup.max_backups, else 50]
    #[arg(long, value_name = "N")]
    pub max_backups: Option<u32>,
    /// Also keep the newest backup of each of the last N days that have backups
    #[arg(long, value_name = "N")]
    pub keep_daily: Option<u32>,
    /// Also keep the newest backup of each of the last N ISO weeks that have backups
    #[arg(long, value_name = "N")]
    pub keep_weekly: Option<u32>,
    /// Also keep the newest backup of each of the last N months that have backups
    #[arg(long, value_name = "N")]
    pub keep_monthly: Option<u32>,
}

fn parse_name(s: &str) -> Result<String, String> {
    store::check_name(s).map(|()| s.to_string())
}

impl cli::Tool for Args {}

/// The clap definition, for the binary, man page and completions.
pub fn command() -> clap::Command {
    Args::command()
}

/// Man page sections beyond what clap knows.
/// The man page's hand-written sections.
pub fn man_sections() -> crate::cli::ManSections {
    crate::cli::man_sections(MAN_SECTIONS)
}

const MAN_SECTIONS: &[(&str, &[&str])] = &[
    (
        "FILES IN THE BACKUP DIRECTORY",
        &[
            "usage-YYYYMMDDTHHMMSSZ[-NAME].db.gz\tA backup: the database as SQLite's backup API copied it, in gzip members of 4 MiB compressed in parallel (gzip, zcat and every other reader see one ordinary gzip stream). The time is UTC.",
            "usage-...db.gz.json\tIts metadata: format, file, name, created, host, source, schema_version, tables (rows per table), db_bytes, gz_bytes, sha256 (of the .gz file, as sha256sum prints it) and verified (the latest verification's time and result).",
        ],
    ),
    (
        "RETENTION",
        &[
            "prune keeps a backup when any of these rules keeps it, as restic forget does; everything else is removed with its metadata.",
            "named\tA backup made with --name (pre-restore backups included) is never pruned.",
            "newest\tThe newest backup is always kept, so pruning never leaves none.",
            "recent\tA backup younger than retention_days (30) that is also among the newest max_backups (50) unnamed ones. 0 turns either limit off.",
            "daily, weekly, monthly\tkeep_daily N keeps, for each of the last N days that have backups, that day's newest backup; days without backups do not count, so a machine that was off for a week still keeps N. keep_weekly counts ISO weeks (Monday to Sunday), keep_monthly calendar months. Days, weeks and months are in the local time zone.",
            "With --mirror (or backup.mirror) prune applies the same policy to the mirror's own backups.",
        ],
    ),
    (
        "EXIT STATUS",
        &[
            "0\tSuccess; every backup verified.",
            "1\tThe work failed: the database or the backup directory cannot be read or written (a full file system, a directory that is a file), a restore was refused because the backup failed verification, or the mirror copy failed (the backup itself was kept).",
            "2\tThe invocation is wrong: an unknown flag, a bad value, restore without --confirm or from outside the backup directory without --allow-outside.",
            "3\tverify: the metadata file is missing or unreadable (the rest was still checked).",
            "4\tverify: the checksum differs: the file changed after it was written (truncated, a flipped byte).",
            "5\tverify: the file does not inflate (not gzip, truncated, damaged).",
            "6\tverify: it inflates to something that is not a usage database, or to a newer schema.",
            "7\tverify: integrity_check or foreign_key_check found problems.",
            "8\tverify: row counts differ from those recorded.",
            "When several backups fail, the status is that of the first one listed (newest first).",
        ],
    ),
    (
        "FILES",
        &[
            "$XDG_CONFIG_HOME/usage/config.toml, /etc/usage/config.toml\tConfiguration, first found wins. In [backup]: dir, mirror, level (6), retention_days (30), max_backups (50), keep_daily, keep_weekly, keep_monthly (0).",
            "$XDG_DATA_HOME/usage/usage.db, ~/.local/share/usage/usage.db, /var/lib/usage/usage.db\tThe database; backups go to the 'backups' directory beside it unless configured.",
        ],
    ),
    (
        "ENVIRONMENT",
        &[
            "USAGE_DB\tDatabase path, as --db.",
            "USAGE_CONFIG\tConfiguration file, as --config.",
            "TZ\tThe time zone of the days, weeks and months retention counts in.",
        ],
    ),
    (
        "EXAMPLES",
        &[
            "usage-backup create --name pre-upgrade\tA backup that prune keeps until it is removed by hand.",
            "usage-backup verify --latest 5\tVerify the five newest backups; the exit status says what failed.",
            "usage-backup restore usage-20261123T020000Z.db.gz --confirm\tVerify that backup, back up the current database as pre-restore, then replace it in one transaction.",
            "usage-backup prune --dry-run --keep-daily 7 --keep-weekly 4 --keep-monthly 12\tShow what a grandfather-father-son policy would remove.",
            "usage-backup list --format json\tThe backups, newest first, as JSON.",
        ],
    ),
];

/// A run's settings, resolved once: flags > environment > configuration file > defaults.
struct Plan {
    db: PathBuf,
    dir: PathBuf,
    mirror: Option<PathBuf>,
    /// gzip level of new backups.
    level: u8,
    /// The configured host name new backups are recorded as made on (else the kernel's).
    host: Option<String>,
    policy: prune::Policy,
}

fn plan(args: &Args, config: &Config) -> Plan {
    let b = &config.file.backup;
    let (level, prune) = match &args.command {
        Command::Create(a) => (a.level, None),
        Command::Prune(a) => (None, Some(a)),
        _ => (None, None),
    };
    let pick =
        |flag: fn(&PruneArgs) -> Option<u32>, file: u32| prune.and_then(flag).unwrap_or(file);
    Plan {
        db: config.db.clone(),
        dir: config.backup_dir(args.dir.as_deref()),
        mirror: args
            .mirror
            .clone()
            .or_else(|| b.mirror.as_ref().map(|m| config.relative(m))),
        level: level.unwrap_or(b.level),
        host: config.file.host.clone(),
        policy: prune::Policy {
            retention_days: pick(|a| a.retention_days, b.retention_days),
            max_backups: pick(|a| a.max_backups, b.max_backups),
            keep_daily: pick(|a| a.keep_daily, b.keep_daily),
            keep_weekly: pick(|a| a.keep_weekly, b.keep_weekly),
            keep_monthly: pick(|a| a.keep_monthly, b.keep_monthly),
        },
    }
}

/// Runs usage-backup.
pub fn run(args: Args, env: &mut Env) -> Result<Outcome> {
    let config = config::load(&args.common, env)?;
    let plan = plan(&args, &config);
    let dir = &plan.dir;
    // What killed runs left behind is reclaimed by the next one.
    for d in std::iter::once(dir).chain(plan.mirror.as_ref()) {
        if d.is_dir() {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(d).map_or(0, |m| m.permissions().mode());
            if mode & 0o022 != 0 {
                env.warn(format!(
                    "backup directory '{}' can be written by other users (mode {:04o}): they could replace a backup before it is restored (chmod go-w it)",
                    d.display(),
                    mode & 0o7777
                ));
            }
            files::reclaim(d);
            let _lock = files::lock(d)?;
            store::remove_orphans(d);
        }
    }
    match args.command {
        Command::Create(a) => {
            let made = create(&plan, a.name.as_deref(), false, env)?;
            if a.print || env.stdout_is_terminal {
                writeln!(
                    env.stdout,
                    "{}: {} -> {} ({:.1}x) in {:.1}s",
                    made.path.display(),
                    crate::render::binary_bytes(made.meta.db_bytes),
                    crate::render::binary_bytes(made.meta.gz_bytes),
                    made.meta.db_bytes as f64 / made.meta.gz_bytes.max(1) as f64,
                    made.seconds
                )?;
            }
            if let Some(m) = &plan.mirror {
                copy_to_mirror(&made.path, m)?;
            }
            Ok(Outcome::Done)
        }
        Command::List(a) => {
            let format = Format::or_default(a.format, env);
            list_rows(&store::list(dir)?).write(format, &mut env.stdout)?;
            Ok(Outcome::Done)
        }
        Command::Verify(a) => run_verify(&a, dir, env),
        Command::Restore(a) => run_restore(&a, &plan, env),
        Command::Prune(a) => {
            let now = utc(env.now());
            let mut rows = run_prune(dir, &plan.policy, now, a.dry_run)?;
            if let Some(m) = plan.mirror.as_ref().filter(|m| m.exists()) {
                rows.extend(run_prune(m, &plan.policy, now, a.dry_run)?);
            }
            // A dry run always says what it would do; a real one only on a terminal or when
            // asked, and then only what it removed unless the format is given.
            if a.dry_run || a.format.is_some() || env.stdout_is_terminal {
                let shown = if a.dry_run || a.format.is_some() {
                    rows
                } else {
                    rows.into_iter()
                        .filter(|r| r[0] != Cell::Text("keep".into()))
                        .collect()
                };
                let rows = Rows {
                    columns: vec!["action", "backup", "why"],
                    rows: shown,
                };
                rows.write(Format::or_default(a.format, env), &mut env.stdout)?;
            }
            Ok(Outcome::Done)
        }
    }
}

fn utc(secs: f64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs.floor() as i64, 0).unwrap_or_default()
}

/// A backup just written.
pub struct Made {
    pub path: PathBuf,
    pub meta: Meta,
    pub seconds: f64,
}

/// The first backup name from `at` on, a second at a time, that neither a backup nor a metadata
/// file has.
fn free_name(
    dir: &Path,
    at: DateTime<Utc>,
    name: Option<&str>,
) -> Result<(DateTime<Utc>, PathBuf)> {
    for later in 0..60 {
        let at = at + chrono::Duration::seconds(later);
        let path = dir.join(store::file_name(at, name));
        if !path.exists() && !store::meta_path(&path).exists() {
            return Ok((at, path));
        }
    }
    bail!(
        "the backup names of the next minute are all taken in '{}' (give another --name)",
        dir.display()
    )
}

/// Backs up the plan's database into its directory. `lenient` is for the copy taken before a
/// restore: a database too damaged to count its rows is still saved.
fn create(plan: &Plan, name: Option<&str>, lenient: bool, env: &Env) -> Result<Made> {
    let (db_path, dir, level) = (&plan.db, &plan.dir, plan.level);
    let host = host::own_name(None, plan.host.as_deref(), &env.sysroot)?;
    let started = Instant::now();
    let now = utc(env.now());
    store::ensure_dir(dir)?;
    let src = db::open_existing(db_path)?;
    let shown = db_path.display();
    let size = fs::metadata(db_path)?.len();
    let bar = progress(env, size, "copying");

    // 1. A consistent copy through the backup API (see db::copy::snapshot).
    let copy = files::temp_in(dir, ".usage-copy-")?;
    let copy_err = |e: rusqlite::Error| {
        anyhow!(
            "cannot copy '{shown}' into '{}': {e} (is that file system full or over a size limit?)",
            dir.display()
        )
    };
    db::copy::snapshot(&src, copy.path()).map_err(copy_err)?;
    drop(src);

    // 2. What the copy holds.
    let (schema_version, tables) = match db::copy::describe(copy.path()) {
        Ok(d) => d,
        Err(_) if lenient => (0, Default::default()),
        Err(e) => {
            return Err(anyhow!(
                "the database '{shown}' cannot be read whole, so no backup was made ({e}); run usage-check and restore from a good backup"
            ));
        }
    };
    let db_bytes = copy.as_file().metadata()?.len();

    // 3. Compress into a temporary file, hashing what is written.
    if let Some(b) = &bar {
        b.set_message("compressing");
        b.set_length(db_bytes);
    }
    let gz_tmp = files::temp_in(dir, ".usage-gz-")?;
    let write_err = |e: std::io::Error| {
        anyhow::Error::new(e).context(format!("cannot write backup into '{}'", dir.display()))
    };
    let mut out = HashingWriter {
        inner: BufWriter::with_capacity(1 << 20, gz_tmp.as_file().try_clone().map_err(write_err)?),
        hash: Sha256::new(),
        written: 0,
    };
    let tick = |done: u64| {
        if let Some(b) = &bar {
            b.set_position(done);
        }
    };
    gz::compress(copy.as_file(), db_bytes, i32::from(level), &mut out, &tick).map_err(write_err)?;
    out.inner.flush().map_err(write_err)?;
    let HashingWriter {
        inner,
        hash,
        written: gz_bytes,
    } = out;
    drop(inner);
    let sha256 = gz::hex(&hash.finalize());
    gz_tmp.as_file().sync_all().map_err(write_err)?;
    drop(copy);

    // 4. Metadata first, then the backup under its name: a visible backup always has both. Under
    //    the directory's lock, so two backups made in the same second (cron and a hand run)
    //    take the next free second's name rather than failing or replacing each other.
    let _lock = files::lock(dir)?;
    let (created, final_path) = free_name(dir, now, name)?;
    let meta = Meta {
        format: 1,
        file: final_path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
        name: name.map(str::to_string),
        created,
        host,
        source: fs::canonicalize(db_path).unwrap_or_else(|_| db_path.to_path_buf()),
        schema_version,
        tables,
        db_bytes,
        gz_bytes,
        sha256,
        verified: None,
    };
    store::write_meta(&final_path, &meta)?;
    if let Err(e) = gz_tmp.persist_noclobber(&final_path) {
        let _ = fs::remove_file(store::meta_path(&final_path));
        return Err(write_err(e.error));
    }
    files::sync_dir(dir).map_err(write_err)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(Made {
        path: final_path,
        meta,
        seconds: started.elapsed().as_secs_f64(),
    })
}

struct HashingWriter<W> {
    inner: W,
    hash: Sha256,
    written: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A progress bar on stderr, for databases large enough to wait for, on a terminal only.
fn progress(env: &Env, size: u64, what: &str) -> Option<indicatif::ProgressBar> {
    if !env.stderr_is_terminal || size < 64 << 20 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg:12} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    Some(bar)
}

/// Copies a new backup and its metadata to the mirror: metadata first, like create.
fn copy_to_mirror(backup: &Path, mirror: &Path) -> Result<()> {
    let fail = |e: anyhow::Error| {
        e.context(format!(
            "the backup '{}' was made, but copying it to the mirror '{}' failed",
            backup.display(),
            mirror.display()
        ))
    };
    store::ensure_dir(mirror).map_err(fail)?;
    let name = backup.file_name().unwrap_or_default();
    let to = mirror.join(name);
    files::copy_atomically(&store::meta_path(backup), &store::meta_path(&to)).map_err(fail)?;
    files::copy_atomically(backup, &to).map_err(fail)
}

/// The stages a verification result names ("gzip: ...; checksum: ...") as "gzip, checksum".
fn failed_stages(result: &str) -> String {
    result
        .split("; ")
        .filter_map(|part| part.split_once(": ").map(|(stage, _)| stage))
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_rows(entries: &[store::Entry]) -> Rows {
    let columns = [
        "file",
        "name",
        "created",
        "db_bytes",
        "gz_bytes",
        "ratio",
        "named",
        "verified",
        "verified_at",
    ];
    let rows = entries
        .iter()
        .map(|e| {
            let meta = e.meta.as_ref().ok();
            let verified = match meta.and_then(|m| m.verified.as_ref()) {
                _ if meta.is_none() => Cell::Text("no metadata".into()),
                Some(v) if v.ok => Cell::Text("ok".into()),
                // People get the stages that failed; programs the whole result.
                Some(v) => Cell::Named {
                    key: format!("FAILED: {}", v.result),
                    name: format!("FAILED: {} (verify says why)", failed_stages(&v.result)),
                },
                None => Cell::Text("never".into()),
            };
            let at = meta
                .and_then(|m| m.verified.as_ref())
                .map(|v| Cell::Time(v.at.fixed_offset()))
                .unwrap_or(Cell::Null);
            vec![
                Cell::Text(e.file.clone()),
                e.name.clone().into(),
                Cell::Time(e.created.fixed_offset()),
                meta.map(|m| Cell::Int(m.db_bytes as i64))
                    .unwrap_or(Cell::Null),
                Cell::Int(e.gz_bytes as i64),
                meta.map(|m| Cell::Num(m.db_bytes as f64 / e.gz_bytes.max(1) as f64, 2))
                    .unwrap_or(Cell::Null),
                Cell::Bool(e.name.is_some()),
                verified,
                at,
            ]
        })
        .collect();
    Rows {
        columns: columns.to_vec(),
        rows,
    }
}

/// Verifies the backups asked for; each failure is reported, the first decides the outcome.
fn run_verify(a: &VerifyArgs, dir: &Path, env: &mut Env) -> Result<Outcome> {
    let targets: Vec<PathBuf> = if a.files.is_empty() {
        let all = store::list(dir)?;
        if all.is_empty() {
            bail!("there are no backups in '{}' to verify", dir.display());
        }
        let n = if a.all {
            all.len()
        } else {
            a.latest.unwrap_or(1)
        };
        all.into_iter().take(n).map(|e| e.path).collect()
    } else {
        a.files.iter().map(|f| resolve(f, dir)).collect()
    };
    let print = a.print || a.format.is_some() || env.stdout_is_terminal;
    let mut results = Vec::new();
    let mut first_failure: Option<Stage> = None;
    for path in &targets {
        let scratch = scratch_dir(path, dir);
        files::reclaim(&scratch);
        let bar = progress(
            env,
            fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            "verifying",
        );
        let tick = |done: u64| {
            if let Some(b) = &bar {
                b.set_position(done);
            }
        };
        let report = verify::verify(path, &scratch, false, &tick)?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        record_verification(path, &report, env);
        results.push(vec![
            Cell::Text(path.display().to_string()),
            Cell::Bool(report.ok()),
            Cell::Text(report.summary()),
        ]);
        if let Some(stage) = report.first() {
            env.say(format!("{}: {}", path.display(), report.summary()));
            first_failure.get_or_insert(stage);
        }
    }
    if print {
        let rows = Rows {
            columns: vec!["backup", "verified", "result"],
            rows: results,
        };
        rows.write(Format::or_default(a.format, env), &mut env.stdout)?;
    }
    Ok(first_failure.map_or(Outcome::Done, Outcome::Unverified))
}

/// A bare file name is looked up in the backup directory; anything else is a path.
fn resolve(file: &Path, dir: &Path) -> PathBuf {
    if file.components().count() == 1 && !file.exists() {
        dir.join(file)
    } else {
        file.to_path_buf()
    }
}

/// Where a backup is inflated for checking: beside it, else in the backup directory.
fn scratch_dir(backup: &Path, dir: &Path) -> PathBuf {
    let beside = files::parent(backup);
    if fs::metadata(beside).is_ok_and(|m| !m.permissions().readonly())
        && tempfile::tempfile_in(beside).is_ok()
    {
        beside.to_path_buf()
    } else {
        dir.to_path_buf()
    }
}

/// Notes the outcome in the backup's metadata, when it has readable metadata.
fn record_verification(path: &Path, report: &verify::Report, env: &mut Env) {
    if let Some(mut meta) = report.meta.clone() {
        meta.verified = Some(store::Verified {
            at: utc(env.now()),
            ok: report.ok(),
            result: report.summary(),
        });
        if let Err(e) = store::write_meta(path, &meta) {
            env.warn(crate::cli::one_line(&e));
        }
    }
}

fn run_restore(a: &RestoreArgs, plan: &Plan, env: &mut Env) -> Result<Outcome> {
    let (dir, mirror) = (plan.dir.as_path(), plan.mirror.as_deref());
    let path = resolve(&a.file, dir);
    let path = if !path.exists() && a.file.components().count() == 1 {
        mirror
            .map(|m| m.join(&a.file))
            .filter(|p| p.exists())
            .unwrap_or(path)
    } else {
        path
    };
    if !path.is_file() {
        bail!(
            "backup '{}' does not exist (see usage-backup list)",
            path.display()
        );
    }
    let canonical = fs::canonicalize(&path)?;
    let inside = [Some(dir), mirror]
        .into_iter()
        .flatten()
        .any(|d| fs::canonicalize(d).is_ok_and(|d| canonical.parent() == Some(d.as_path())));
    if !inside && !a.allow_outside {
        return Err(UsageError(format!(
            "'{}' is outside the backup directory '{}'{}; restore it with --allow-outside if that is really meant",
            path.display(),
            dir.display(),
            mirror.map(|m| format!(" and the mirror '{}'", m.display())).unwrap_or_default()
        ))
        .into());
    }
    let db_path = &plan.db;
    if !a.confirm {
        return Err(UsageError(format!(
            "restore replaces the database '{}' with '{}': run it again with --confirm",
            db_path.display(),
            path.display()
        ))
        .into());
    }
    store::ensure_dir(dir)?;
    let bar = progress(env, fs::metadata(&path)?.len(), "verifying");
    let tick = |done: u64| {
        if let Some(b) = &bar {
            b.set_position(done);
        }
    };
    let report = verify::verify(&path, &scratch_dir(&path, dir), true, &tick)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    record_verification(&path, &report, env);
    let summary = report.summary();
    let restored = match (report.first(), report.restored) {
        (None, Some(r)) => r,
        (stage, _) => {
            env.say(format!(
                "not restoring '{}': it failed verification: {summary} (the database was not touched)",
                path.display()
            ));
            return Ok(Outcome::Unverified(stage.unwrap_or(Stage::Database)));
        }
    };
    let pre = if db_path.exists() {
        let made = create(plan, Some("pre-restore"), true, env).with_context(|| {
            format!(
                "not restoring: the current database '{}' could not be backed up first (move it aside to restore anyway)",
                db_path.display()
            )
        })?;
        Some(made.path)
    } else {
        None
    };
    db::copy::replace(restored.path(), db_path)?;
    files::remove_sidecars(restored.path());
    if env.stdout_is_terminal {
        writeln!(
            env.stdout,
            "restored '{}' from '{}'{}",
            db_path.display(),
            path.display(),
            pre.map(|p| format!("; the database as it was is in '{}'", p.display()))
                .unwrap_or_default()
        )?;
    }
    Ok(Outcome::Done)
}

/// Prunes `dir` (or, as a dry run, only decides); returns a row per backup: what is done with
/// it, and why a kept one is kept.
fn run_prune(
    dir: &Path,
    policy: &prune::Policy,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Vec<Vec<Cell>>> {
    let mut rows = Vec::new();
    let entries = store::list(dir)?;
    let keys: Vec<_> = entries
        .iter()
        .map(|e| (e.created, e.name.is_some()))
        .collect();
    let verdicts = prune::decide(&keys, now, policy);
    for (e, v) in entries.iter().zip(&verdicts) {
        let path = Cell::Text(e.path.display().to_string());
        match v {
            prune::Verdict::Keep(why) => {
                rows.push(vec![
                    Cell::Text("keep".into()),
                    path,
                    Cell::Text(why.join(", ")),
                ]);
            }
            prune::Verdict::Remove => {
                let verb = if dry_run { "would remove" } else { "removed" };
                if !dry_run {
                    store::remove(&e.path)?;
                }
                rows.push(vec![Cell::Text(verb.into()), path, Cell::Null]);
            }
        }
    }
    // Leftovers the process-id rule could not judge (a reused id): temporary files older than a
    // day.
    if !dry_run && let Ok(read) = fs::read_dir(dir) {
        for item in read.flatten() {
            let n = item.file_name();
            let stale = item
                .metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 86_400);
            if n.to_string_lossy().starts_with(".usage-") && stale {
                let _ = fs::remove_file(item.path());
            }
        }
    }
    Ok(rows)
}
