//! usage-check: is the record sound, fresh and backed up? One status line in the
//! monitoring-plugins format with the exit status cron, Nagios or Icinga act on; optionally the
//! weekly maintenance (ANALYZE, VACUUM) in the same run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::{CommandFactory, Parser, ValueEnum};
use rusqlite::{Connection, ErrorCode};
use serde_json::json;

use crate::archive::{store, verify};
use crate::cli::{self, CommonArgs, Outcome};
use crate::config::{self, CheckName, Config};
use crate::db;
use crate::db::inspect::{self, Kind};
use crate::db::probes;
use crate::db::samples::{self, Span};
use crate::env::Env;
use crate::host;
use crate::time;

/// Check the usage database, its freshness and its backups
#[derive(Debug, Parser)]
#[command(
    name = "usage-check",
    version,
    about = "Check the usage database, its freshness and its backups (a monitoring plugin)",
    long_about = "Check the usage database: SQLite's integrity and foreign keys, the schema \
version, how fresh the newest sample and ledger entry are, gaps in sampling over the last day, \
the age (and with --verify-backups the soundness) of the newest backup, free space on the \
database's file system, the database's growth, and the outages open now of the services \
usage-sample probes.\n\nPrints one status line in the \
monitoring-plugins format (USAGE OK - ... | perfdata) and one line per check that is not OK \
(every check with --verbose), and exits 0 OK, 1 WARNING, 2 CRITICAL or 3 UNKNOWN, so cron, \
Nagios or Icinga can act on it. --optimize and --vacuum run the weekly and monthly \
maintenance after the checks."
)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,

    /// Run PRAGMA quick_check instead of the full integrity_check
    #[arg(long)]
    pub quick: bool,

    /// Also verify the newest backup (checksum, inflate, integrity, row counts)
    #[arg(long)]
    pub verify_backups: bool,

    /// Backup directory [default: backup.dir, else 'backups' beside the database]
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,

    /// Leave out a check (repeatable)
    #[arg(long, value_name = "CHECK", value_enum)]
    pub skip: Vec<CheckName>,

    /// List every check, not only those that are not OK
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Print nothing when every check is OK (for cron, which mails any output)
    #[arg(long, short)]
    pub quiet: bool,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Output::Plugin)]
    pub format: Output,

    /// After the checks, run ANALYZE and PRAGMA optimize
    #[arg(long)]
    pub optimize: bool,

    /// After the checks, compact the database with VACUUM (refused when free space is short or
    /// the integrity check failed)
    #[arg(long)]
    pub vacuum: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// The monitoring-plugins format: a status line with perfdata, then one line per check
    Plugin,
    /// One JSON object with every check
    Json,
}

/// A check's outcome, ordered by how bad it is: the monitoring-plugin states.
use crate::cli::Plugin as Status;

/// One perfdata value: label=value[unit];warn;crit
struct Perf {
    label: &'static str,
    value: f64,
    unit: &'static str,
    warn: Option<f64>,
    crit: Option<f64>,
    /// Lower is worse (free space): the thresholds are written as ranges, `10:`.
    below: bool,
}

struct Check {
    name: &'static str,
    status: Status,
    message: String,
    perf: Vec<Perf>,
}

impl Check {
    fn new(name: &'static str, status: Status, message: impl Into<String>) -> Check {
        Check {
            name,
            status,
            message: message.into(),
            perf: Vec::new(),
        }
    }
    fn perf(
        mut self,
        label: &'static str,
        value: f64,
        unit: &'static str,
        warn: Option<f64>,
        crit: Option<f64>,
    ) -> Check {
        self.perf.push(Perf {
            label,
            value,
            unit,
            warn,
            crit,
            below: false,
        });
        self
    }

    /// Perfdata whose lower values are worse.
    fn perf_below(
        self,
        label: &'static str,
        value: f64,
        unit: &'static str,
        warn: f64,
        crit: f64,
    ) -> Check {
        let mut check = self.perf(label, value, unit, Some(warn), Some(crit));
        if let Some(p) = check.perf.last_mut() {
            p.below = true;
        }
        check
    }
}

/// The status a value gets against a warning and a critical bound (higher is worse).
fn grade(value: f64, warn: f64, crit: f64) -> Status {
    if value >= crit {
        Status::Critical
    } else if value >= warn {
        Status::Warning
    } else {
        Status::Ok
    }
}

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
        "CHECKS",
        &[
            "integrity\tPRAGMA integrity_check (quick_check with --quick): CRITICAL on any problem.",
            "foreign_keys\tPRAGMA foreign_key_check: CRITICAL on any row that refers to a missing one.",
            "schema\tThe file is a usage database (application_id) of a schema this release knows: CRITICAL for another application's, UNKNOWN for a newer schema.",
            "sample_age\tAge of the newest sample of this host (host in the configuration, else the kernel's host name, else the host sampled last): WARNING after check.sample_warning (5) sample intervals, CRITICAL after check.sample_critical (15); WARNING when there is no sample at all.",
            "sample_gaps\tGaps between consecutive samples over the last 24 hours longer than the warning age: WARNING.",
            "ledger_age\tDays since the newest ledger entry, when active locations exist: WARNING after check.ledger_warning_days (3), CRITICAL after check.ledger_critical_days (10).",
            "backup_age\tHours since the newest backup: WARNING after check.backup_warning_hours (26), CRITICAL after check.backup_critical_hours (50) or when there is none; CRITICAL when its last verification failed or its metadata is missing.",
            "backup_verify\tWith --verify-backups: the newest backup is verified as usage-backup verify does; CRITICAL when it fails.",
            "free_space\tFree space on the database's file system: WARNING below check.free_warning_percent (10), CRITICAL below check.free_critical_percent (5).",
            "growth\tThe database's growth per day, measured against the oldest backup of the last 30 days that is at least a day old: WARNING when the file system fills within check.fill_warning_days (30) at that rate.",
        ],
    ),
    (
        "OUTPUT",
        &[
            "The first line is 'USAGE STATUS - summary | perfdata' as the monitoring-plugins guidelines describe; perfdata holds db_size (B), free (%), sample_age, ledger_age and backup_age (all in seconds), gaps and growth (B per day) with their warning and critical thresholds; free's thresholds are ranges (free=30.1%;10:;5:), as the guidelines write a value that is worse when lower. Each following line is one check: 'STATUS name: message'. --format json prints one object: status, exit, checks (name, status, message, perfdata).",
        ],
    ),
    (
        "EXIT STATUS",
        &[
            "0\tOK: every check passed.",
            "1\tWARNING: at least one check warns and none is critical.",
            "2\tCRITICAL: at least one check is critical (a corrupt database, no backup, a stopped sampler).",
            "3\tUNKNOWN: the state could not be judged: the database could not be opened (missing, unreadable), its schema is newer than this release, the invocation or the configuration is wrong.",
        ],
    ),
    (
        "FILES",
        &[
            "$XDG_CONFIG_HOME/usage/config.toml, /etc/usage/config.toml\tConfiguration. In [check]: sample_interval (60 s), sample_warning (5), sample_critical (15), ledger_warning_days (3), ledger_critical_days (10), backup_warning_hours (26), backup_critical_hours (50), free_warning_percent (10), free_critical_percent (5), fill_warning_days (30), skip (a list of check names). In [backup]: dir.",
        ],
    ),
    (
        "ENVIRONMENT",
        &[
            "USAGE_DB\tDatabase path, as --db.",
            "USAGE_CONFIG\tConfiguration file, as --config.",
            "USAGE_NOW\tPretend the time is this many seconds since 1970 (UTC); for tests.",
        ],
    ),
    (
        "EXAMPLES",
        &[
            "usage-check\tAll checks; silent output is never the case: the status line is the plugin's answer.",
            "usage-check --quick --skip backup_age\tA cheap check for every 15 minutes on a machine backed up elsewhere.",
            "usage-check --verify-backups --optimize\tThe weekly run: verify the newest backup, refresh the query planner's statistics.",
            "define command { command_name check_usage; command_line /usr/local/bin/usage-check --db /var/lib/usage/usage.db }\tAs a Nagios or Icinga command (run by NRPE on the machine itself).",
        ],
    ),
];

impl cli::Tool for Args {
    /// Every error is UNKNOWN, a wrong command line too.
    const CONVENTION: cli::Convention = cli::Convention::Plugin;
}

/// Runs usage-check: the worst state of the checks is the outcome.
pub fn run(args: Args, env: &mut Env) -> Result<Outcome> {
    let config = config::load(&args.common, env)?;
    let mut skip = args.skip.clone();
    skip.extend(&config.file.check.skip);
    let checks = run_checks(&args, &config, &skip, env);
    let worst = checks.iter().map(|c| c.status).max().unwrap_or(Status::Ok);
    match args.format {
        _ if args.quiet && worst == Status::Ok => {}
        Output::Plugin => print_plugin(&checks, worst, args.verbose, &mut env.stdout)?,
        Output::Json => print_json(&checks, worst, &mut env.stdout)?,
    }
    Ok(Outcome::Plugin(worst))
}

/// What the checks read, gathered once.
struct Cx<'a> {
    args: &'a Args,
    config: &'a Config,
    conn: &'a Connection,
    now: f64,
    today: chrono::NaiveDate,
    /// This host's newest sample: (host id, name, time); `None` when nothing is sampled.
    newest: Result<Option<(i64, String, i64)>>,
    dir: PathBuf,
    backups: Result<Vec<store::Entry>>,
    /// The database's size in bytes.
    size: Option<u64>,
    /// (available to unprivileged users, total) bytes on the database's file system.
    fs: std::io::Result<(u64, u64)>,
}

impl Cx<'_> {
    /// The sample age past which the newest sample is a warning, and a critical.
    fn sample_limits(&self) -> (f64, f64) {
        let c = &self.config.file.check;
        let interval = f64::from(c.sample_interval);
        (interval * c.sample_warning, interval * c.sample_critical)
    }
}

fn run_checks(args: &Args, config: &Config, skip: &[CheckName], env: &Env) -> Vec<Check> {
    let path = &config.db;
    let conn = match open(path) {
        Ok(c) => c,
        Err(check) => return vec![check],
    };
    let mut checks = Vec::new();
    let schema = schema(&conn, path);
    let usable = schema.status != Status::Critical && schema.status != Status::Unknown;
    if !skip.contains(&CheckName::Schema) || !usable {
        checks.push(schema);
    }
    if !usable {
        return checks;
    }
    let this = host::Wanted::new(None, config.file.host.as_deref(), &env.sysroot);
    let dir = config.backup_dir(args.backup_dir.as_deref());
    let cx = Cx {
        args,
        config,
        conn: &conn,
        now: env.now(),
        today: env.today(),
        newest: host::choose(&conn, &this, host::Fallback::Newest)
            .map(|h| h.and_then(|h| Some((h.id, h.name, h.newest?)))),
        backups: store::list(&dir),
        dir,
        size: inspect::size(&conn).ok(),
        fs: free_space(path),
    };
    for name in CheckName::ALL {
        if name != CheckName::Schema && !skip.contains(&name) {
            checks.extend(judge(name, &cx));
        }
    }
    let integrity_ok = checks
        .iter()
        .all(|c| c.name != "integrity" || c.status == Status::Ok);
    if args.optimize {
        checks.push(optimize(&conn));
    }
    if args.vacuum {
        checks.push(vacuum(&cx, integrity_ok));
    }
    checks
}

/// One check; `None` when it has nothing to say (no samples to find gaps in, no
/// --verify-backups).
fn judge(name: CheckName, cx: &Cx) -> Option<Check> {
    Some(match name {
        CheckName::Schema => return None,
        CheckName::Integrity => integrity(cx),
        CheckName::ForeignKeys => foreign_keys(cx),
        CheckName::SampleAge => sample_age(cx),
        CheckName::SampleGaps => sample_gaps(cx)?,
        CheckName::LedgerAge => ledger_age(cx),
        CheckName::BackupAge => match &cx.backups {
            Ok(list) => backup_age(list, cx),
            Err(e) => Check::new("backup_age", Status::Unknown, crate::cli::one_line(e)),
        },
        CheckName::BackupVerify if cx.args.verify_backups => backup_verify(cx),
        CheckName::BackupVerify => return None,
        CheckName::FreeSpace => free_space_check(cx),
        CheckName::Growth => growth(cx),
        CheckName::Outages => outages(cx)?,
    })
}

/// The services' outages open now: a major or critical one is CRITICAL, a minor or warning one
/// a WARNING. `None` when no probe is configured and none has results.
fn outages(cx: &Cx) -> Option<Check> {
    let configured =
        crate::probe::config::load(cx.config.source.as_deref(), cx.config.text.as_deref());
    let open = match probes::outages(cx.conn, i64::MIN, i64::MAX, true) {
        Ok(o) => o,
        Err(e) => return Some(failed("outages", &e)),
    };
    if open.is_empty() && configured.probes.is_empty() {
        match probes::any(cx.conn) {
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => return Some(failed("outages", &e)),
        }
    }
    let Some((serious, line)) = crate::probe::outage::open_line(&open, time::local_minute) else {
        return Some(Check::new("outages", Status::Ok, "no outage open").perf(
            "outages_open",
            0.0,
            "",
            None,
            None,
        ));
    };
    let status = if serious {
        Status::Critical
    } else {
        Status::Warning
    };
    Some(
        Check::new("outages", status, format!("{line} (usage-alert outages)")).perf(
            "outages_open",
            open.len() as f64,
            "",
            Some(1.0),
            None,
        ),
    )
}

fn integrity(cx: &Cx) -> Check {
    let pragma = if cx.args.quick {
        "quick_check"
    } else {
        "integrity_check"
    };
    match inspect::integrity(cx.conn, cx.args.quick) {
        Ok(p) if p.is_empty() => Check::new("integrity", Status::Ok, format!("{pragma} ok")),
        Ok(p) => Check::new(
            "integrity",
            Status::Critical,
            format!("{pragma}: {} (restore from a good backup)", p.join("; ")),
        ),
        Err(e) => failed("integrity", &e.into()),
    }
}

fn foreign_keys(cx: &Cx) -> Check {
    match inspect::foreign_keys(cx.conn) {
        Ok(p) if p.is_empty() => Check::new("foreign_keys", Status::Ok, "foreign_key_check ok"),
        Ok(p) => Check::new(
            "foreign_keys",
            Status::Critical,
            format!("foreign_key_check: {}", p.join("; ")),
        ),
        Err(e) => failed("foreign_keys", &e.into()),
    }
}

fn sample_age(cx: &Cx) -> Check {
    let (warn, crit) = cx.sample_limits();
    match &cx.newest {
        Err(e) => failed("sample_age", e),
        Ok(None) => Check::new(
            "sample_age",
            Status::Warning,
            "no sample has been stored (is usage-sample in cron?)",
        ),
        Ok(Some((_, name, ts))) => {
            let age = (cx.now - *ts as f64).max(0.0);
            Check::new(
                "sample_age",
                grade(age, warn, crit),
                format!("newest sample of {name} is {} old", time::age(age)),
            )
            .perf("sample_age", age.round(), "s", Some(warn), Some(crit))
        }
    }
}

fn sample_gaps(cx: &Cx) -> Option<Check> {
    let (warn, _) = cx.sample_limits();
    let host = match &cx.newest {
        Err(e) => return Some(failed("sample_gaps", e)),
        Ok(None) => return None,
        Ok(Some((host, ..))) => *host,
    };
    Some(match gaps(cx.conn, host, cx.now, warn) {
        Ok((0, _, _)) => Check::new("sample_gaps", Status::Ok, "no gaps over the last day")
            .perf("gaps", 0.0, "", None, None),
        Ok((n, longest, at)) => Check::new(
            "sample_gaps",
            Status::Warning,
            format!(
                "{n} gaps in sampling over the last day, the longest {} from {}",
                time::age(longest),
                time::local_minute(at)
            ),
        )
        .perf("gaps", n as f64, "", Some(1.0), None),
        Err(e) => failed("sample_gaps", &e),
    })
}

fn backup_verify(cx: &Cx) -> Check {
    let newest = cx.backups.as_ref().ok().and_then(|l| l.first());
    let Some(newest) = newest else {
        return Check::new(
            "backup_verify",
            Status::Critical,
            format!("no backup in '{}' to verify", cx.dir.display()),
        );
    };
    match verify::verify(&newest.path, &cx.dir, false, &|_| {}) {
        Ok(r) if r.ok() => Check::new(
            "backup_verify",
            Status::Ok,
            format!("{} verified", newest.file),
        ),
        Ok(r) => Check::new(
            "backup_verify",
            Status::Critical,
            format!("{}: {}", newest.file, r.summary()),
        ),
        Err(e) => Check::new("backup_verify", Status::Unknown, crate::cli::one_line(&e)),
    }
}

fn free_space_check(cx: &Cx) -> Check {
    let c = &cx.config.file.check;
    match &cx.fs {
        Ok((avail, total)) => {
            let pct = 100.0 * *avail as f64 / (*total).max(1) as f64;
            let status = if pct < c.free_critical_percent {
                Status::Critical
            } else if pct < c.free_warning_percent {
                Status::Warning
            } else {
                Status::Ok
            };
            Check::new(
                "free_space",
                status,
                format!(
                    "{:.1}% free ({}) on the database's file system",
                    pct,
                    crate::render::binary_bytes(*avail)
                ),
            )
            .perf_below(
                "free",
                (pct * 10.0).round() / 10.0,
                "%",
                c.free_warning_percent,
                c.free_critical_percent,
            )
        }
        Err(e) => Check::new(
            "free_space",
            Status::Unknown,
            format!("cannot stat the database's file system: {e}"),
        ),
    }
}

fn optimize(conn: &Connection) -> Check {
    let t = Instant::now();
    match db::optimize(conn) {
        Ok(()) => Check::new(
            "optimize",
            Status::Ok,
            format!(
                "ANALYZE and optimize done in {:.1}s",
                t.elapsed().as_secs_f64()
            ),
        ),
        Err(e) => Check::new("optimize", Status::Warning, format!("ANALYZE failed: {e}")),
    }
}

/// Opens the database without creating or migrating it; failing that, the check that says why.
fn open(path: &Path) -> Result<Connection, Check> {
    inspect::open(path).map_err(|e| Check::new("open", Status::Unknown, crate::cli::one_line(&e)))
}

/// Is this our database, of a schema this release reads?
fn schema(conn: &Connection, path: &Path) -> Check {
    let shown = path.display();
    match inspect::inspect(conn) {
        Err(e) => Check::new(
            "schema",
            Status::Unknown,
            format!("cannot read '{shown}': {e}"),
        ),
        Ok(Kind::Ours { version }) => {
            Check::new("schema", Status::Ok, format!("schema version {version}"))
        }
        Ok(Kind::Empty) => Check::new("schema", Status::Ok, "schema version 0 (empty)"),
        Ok(kind @ Kind::Newer { .. }) => Check::new(
            "schema",
            Status::Unknown,
            format!(
                "'{shown}': {} (upgrade usage)",
                kind.refusal().unwrap_or_default()
            ),
        ),
        Ok(kind @ Kind::NotADatabase { .. }) => Check::new(
            "schema",
            Status::Critical,
            format!(
                "'{shown}': {}: restore from a backup",
                kind.refusal().unwrap_or_default()
            ),
        ),
        Ok(kind @ Kind::Foreign { .. }) => Check::new(
            "schema",
            Status::Critical,
            format!("'{shown}': {}", kind.refusal().unwrap_or_default()),
        ),
    }
}

fn failed(name: &'static str, e: &anyhow::Error) -> Check {
    let code = e
        .chain()
        .find_map(|c| c.downcast_ref::<rusqlite::Error>())
        .and_then(rusqlite::Error::sqlite_error_code);
    let status = match code {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Status::Critical,
        _ => Status::Unknown,
    };
    Check::new(name, status, format!("{name} could not run: {e}"))
}

/// Gaps longer than `limit` seconds over the last day: (count, longest, when the longest began).
fn gaps(conn: &Connection, host: i64, now: f64, limit: f64) -> Result<(u64, f64, i64)> {
    let span = Span::new(now as i64 - 86_400, i64::MAX);
    let times = samples::times(conn, host, span)?;
    let mut count = 0;
    let mut longest = (0.0, 0);
    for w in times.windows(2) {
        let gap = (w[1] - w[0]) as f64;
        if gap > limit {
            count += 1;
            if gap > longest.0 {
                longest = (gap, w[0]);
            }
        }
    }
    Ok((count, longest.0, longest.1))
}

fn ledger_age(cx: &Cx) -> Check {
    let c = &cx.config.file.check;
    match db::ledger::freshness(cx.conn) {
        Err(e) => failed("ledger_age", &e),
        Ok((0, _)) => Check::new("ledger_age", Status::Ok, "no active locations"),
        Ok((_, None)) => Check::new(
            "ledger_age",
            Status::Warning,
            "locations exist but no daily usage was imported",
        ),
        Ok((_, Some(day))) => {
            let days = (cx.today - day).num_days().max(0);
            let (w, k) = (
                f64::from(c.ledger_warning_days),
                f64::from(c.ledger_critical_days),
            );
            Check::new(
                "ledger_age",
                grade(days as f64, w, k),
                format!("newest ledger entry is {day} ({days} days ago)"),
            )
            // Ages in seconds, a unit of the monitoring-plugins format.
            .perf(
                "ledger_age",
                (days * 86_400) as f64,
                "s",
                Some(w * 86_400.0),
                Some(k * 86_400.0),
            )
        }
    }
}

fn backup_age(list: &[store::Entry], cx: &Cx) -> Check {
    let (c, dir, now) = (&cx.config.file.check, &cx.dir, cx.now);
    let (w, k) = (
        f64::from(c.backup_warning_hours),
        f64::from(c.backup_critical_hours),
    );
    let Some(newest) = list.first() else {
        return Check::new(
            "backup_age",
            Status::Critical,
            format!(
                "no backup in '{}' (run usage-backup create from cron)",
                dir.display()
            ),
        );
    };
    let hours = ((now - newest.created.timestamp() as f64) / 3600.0).max(0.0);
    let mut check = Check::new(
        "backup_age",
        grade(hours, w, k),
        format!(
            "newest backup {} is {} old",
            newest.file,
            time::age(hours * 3600.0)
        ),
    )
    .perf(
        "backup_age",
        (hours * 3600.0).round(),
        "s",
        Some(w * 3600.0),
        Some(k * 3600.0),
    );
    match &newest.meta {
        Err(why) => {
            check.status = Status::Critical;
            check.message = format!("newest backup {}: {why}", newest.file);
        }
        Ok(meta) => {
            if let Some(v) = meta.verified.as_ref().filter(|v| !v.ok) {
                check.status = Status::Critical;
                check.message = format!(
                    "newest backup {} failed verification at {}: {}",
                    newest.file, v.at, v.result
                );
            }
        }
    }
    check
}

/// The database's size in bytes (pages in use and free, as a backup copies it).
/// (available to unprivileged users, total) bytes on the file system holding `path`.
fn free_space(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::ffi::OsStrExt;
    let dir = crate::files::parent(path);
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: c is a valid NUL-terminated path and st a writable statvfs.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let frsize = st.f_frsize as u64;
    Ok((st.f_bavail as u64 * frsize, st.f_blocks as u64 * frsize))
}

fn growth(cx: &Cx) -> Check {
    let (avail, now) = (cx.fs.as_ref().ok().map(|f| f.0), cx.now);
    let backups = cx.backups.as_deref().unwrap_or(&[]);
    let fill_warning_days = cx.config.file.check.fill_warning_days;
    let Some(size) = cx.size else {
        return Check::new("growth", Status::Unknown, "cannot read the database's size");
    };
    let base = backups
        .iter()
        .filter_map(|e| {
            e.meta
                .as_ref()
                .ok()
                .map(|m| (e.created.timestamp() as f64, m.db_bytes))
        })
        .filter(|(t, _)| now - t >= 86_400.0 && now - t <= 30.0 * 86_400.0)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    let mut check = Check::new(
        "growth",
        Status::Ok,
        format!("database is {}", crate::render::binary_bytes(size)),
    )
    .perf("db_size", size as f64, "B", None, None);
    let Some((then, was)) = base else {
        check
            .message
            .push_str(" (no backup from 1 to 30 days ago to measure growth against)");
        return check;
    };
    let per_day = (size as f64 - was as f64) / ((now - then) / 86_400.0);
    check = check.perf("growth", per_day.round(), "B", None, None);
    check.message = format!(
        "database is {}, growing {}/day",
        crate::render::binary_bytes(size),
        crate::render::binary_bytes(per_day.max(0.0) as u64)
    );
    if per_day > 0.0
        && let Some(avail) = avail
    {
        let days = avail as f64 / per_day;
        if days < f64::from(fill_warning_days) {
            check.status = Status::Warning;
            check.message.push_str(&format!(
                "; at that rate the file system is full in {days:.0} days"
            ));
        }
    }
    check
}

fn vacuum(cx: &Cx, integrity_ok: bool) -> Check {
    let (size, avail) = (cx.size, cx.fs.as_ref().ok().map(|f| f.0));
    if !integrity_ok {
        return Check::new(
            "vacuum",
            Status::Warning,
            "vacuum refused: the integrity check did not pass",
        );
    }
    let (Some(size), Some(avail)) = (size, avail) else {
        return Check::new(
            "vacuum",
            Status::Warning,
            "vacuum refused: the free space or the database size is unknown",
        );
    };
    // VACUUM writes a compacted copy, then the copy's pages through the WAL: twice the database.
    let need = size.saturating_mul(2) + (64 << 20);
    if avail < need {
        return Check::new(
            "vacuum",
            Status::Warning,
            format!(
                "vacuum refused: it needs about {} free, there is {}",
                crate::render::binary_bytes(need),
                crate::render::binary_bytes(avail)
            ),
        );
    }
    let t = Instant::now();
    match db::vacuum(cx.conn) {
        Ok(()) => {
            let after = inspect::size(cx.conn).unwrap_or(size);
            Check::new(
                "vacuum",
                Status::Ok,
                format!(
                    "{} -> {} in {:.1}s",
                    crate::render::binary_bytes(size),
                    crate::render::binary_bytes(after),
                    t.elapsed().as_secs_f64()
                ),
            )
        }
        Err(e) => Check::new("vacuum", Status::Warning, format!("vacuum failed: {e}")),
    }
}

fn perfdata(checks: &[Check]) -> String {
    checks
        .iter()
        .flat_map(|c| &c.perf)
        .map(|p| {
            // A bare threshold alerts above it; `N:` alerts below N (the plugins' range syntax).
            let num = |v: Option<f64>| {
                v.map(|v| {
                    if p.below {
                        format!("{v}:")
                    } else {
                        format!("{v}")
                    }
                })
                .unwrap_or_default()
            };
            format!(
                "{}={}{};{};{}",
                p.label,
                p.value,
                p.unit,
                num(p.warn),
                num(p.crit)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn print_plugin(checks: &[Check], worst: Status, verbose: bool, out: &mut dyn Write) -> Result<()> {
    let bad: Vec<&Check> = checks.iter().filter(|c| c.status != Status::Ok).collect();
    let summary = if bad.is_empty() {
        let facts: Vec<&str> = checks
            .iter()
            .filter(|c| matches!(c.name, "sample_age" | "backup_age" | "growth"))
            .map(|c| c.message.as_str())
            .collect();
        format!("{} checks passed; {}", checks.len(), facts.join("; "))
    } else {
        let names: Vec<String> = bad
            .iter()
            .map(|c| format!("{} {}", c.name, c.status.label()))
            .collect();
        format!(
            "{} of {} checks not OK: {}",
            bad.len(),
            checks.len(),
            names.join(", ")
        )
    };
    let perf = perfdata(checks);
    if perf.is_empty() {
        writeln!(out, "USAGE {} - {summary}", worst.label())?;
    } else {
        writeln!(out, "USAGE {} - {summary} | {perf}", worst.label())?;
    }
    for c in checks.iter().filter(|c| verbose || c.status != Status::Ok) {
        writeln!(out, "{} {}: {}", c.status.label(), c.name, c.message)?;
    }
    Ok(())
}

fn print_json(checks: &[Check], worst: Status, out: &mut dyn Write) -> Result<()> {
    let list: Vec<_> = checks
        .iter()
        .map(|c| {
            let perf: serde_json::Map<String, serde_json::Value> = c
                .perf
                .iter()
                .map(|p| (p.label.to_string(), json!({"value": p.value, "unit": p.unit, "warning": p.warn, "critical": p.crit})))
                .collect();
            json!({"name": c.name, "status": c.status.label(), "message": c.message, "perfdata": perf})
        })
        .collect();
    let doc =
        json!({"status": worst.label(), "exit": Outcome::Plugin(worst).status(), "checks": list});
    writeln!(out, "{doc}")?;
    Ok(())
}
