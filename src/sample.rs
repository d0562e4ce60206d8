//! usage-sample: take one sample of the machine (or several, like `sar INTERVAL COUNT`) and store
//! it. Under cron it is silent unless something failed.

mod baseline;
mod logins;
mod print;
mod probes;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use clap::{CommandFactory, Parser};
use rusqlite::{Connection, TransactionBehavior};

use baseline::{Baseline, Relation};

use crate::cli::{self, CommonArgs, Format, Outcome};
use crate::collect::{self, Snapshot};
use crate::config::{self, Config};
use crate::db::samples::Record;
use crate::db::{self, samples as store};
use crate::env::Env;
use crate::host;
use crate::probe;

/// Take one sample of the machine and store it
#[derive(Debug, Parser)]
#[command(
    name = "usage-sample",
    version,
    about = "Take one sample of the machine and store it",
    long_about = "Take one sample of the machine and store it: CPU, memory, swap, load, uptime, \
temperature, disk space per file system, network traffic per interface, and per-user and \
top-process CPU and memory.\n\nCPU and network rates are measured from the kernel's cumulative \
counters between this sample and the previous stored one, so a sample taken by cron every minute \
covers the whole minute. The first sample (and the first after a reboot) stores the counters \
without rates.\n\nRun it from cron every minute; it prints nothing unless asked or on a terminal."
)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,

    /// Take samples every SECS seconds (decimals allowed), each covering one interval, the first
    /// too (as sar's first report); repeats until stopped unless --count is given
    #[arg(long, short = 'i', value_name = "SECS", value_parser = parse_seconds, allow_negative_numbers = true)]
    pub interval: Option<f64>,

    /// Number of samples to take at --interval
    #[arg(long, short = 'n', value_name = "N", requires = "interval", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// When there is no baseline yet (empty database, reboot), read the counters, wait SECS and
    /// measure against them, so even the first sample has rates
    #[arg(long, value_name = "SECS", value_parser = parse_seconds, allow_negative_numbers = true)]
    pub warm_up: Option<f64>,

    /// Show what was stored (the default on a terminal)
    #[arg(long, short = 'p', conflicts_with = "quiet")]
    pub print: bool,

    /// Show nothing, even on a terminal
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Output format of --print [default: table]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    /// Skip the process scan: no per-user figures or top processes
    #[arg(long)]
    pub no_processes: bool,

    /// Keep the N processes using the most CPU and the N using the most memory [config:
    /// sample.top, default 5]
    #[arg(long, value_name = "N")]
    pub top: Option<u32>,

    /// Store the sample under this host name [config: host, default: the kernel's host name]
    #[arg(long, value_name = "NAME", value_parser = host::parse_name)]
    pub host: Option<String>,

    /// Run the probe ID of the configuration file now, due or not (inactive too), store its
    /// result and show it; no machine sample is taken
    #[arg(long, value_name = "ID", conflicts_with_all = ["probes_only", "no_probes", "interval", "warm_up"])]
    pub probe: Option<String>,

    /// Run the due probes and take no machine sample; with --interval and --count, runs them
    /// at that cadence (--interval 20 --count 3 from a one-minute cron job: every 20 s)
    #[arg(long, conflicts_with_all = ["no_probes", "warm_up", "no_processes", "top"])]
    pub probes_only: bool,

    /// Take the machine sample without running the probes (a series taken with --interval
    /// runs none unless --probes-only)
    #[arg(long)]
    pub no_probes: bool,
}

impl cli::Tool for Args {}

/// The clap definition, for the binary, man page and completions.
pub fn command() -> clap::Command {
    Args::command()
}

/// Man page sections beyond what clap knows: (title, paragraphs). A paragraph "term\tText" is a
/// tagged paragraph.
/// The man page's hand-written sections.
pub fn man_sections() -> crate::cli::ManSections {
    crate::cli::man_sections(MAN_SECTIONS)
}

const MAN_SECTIONS: &[(&str, &[&str])] = &[
    (
        "EXIT STATUS",
        &[
            "0\tThe samples were stored and the probes that were due were run (or --help/--version was shown). A probe that finds its service down is a result, not an error: it is stored, and outages are opened and closed from it. A closed output pipe also counts as success.",
            "1\tThe work failed: the database cannot be created, opened or written (read-only or missing directory, corrupt file, schema of a newer release), or a kernel file such as /proc/stat cannot be read. Nothing is half-written: a sample is stored whole or not at all.",
            "2\tThe invocation is wrong: an unknown flag, a bad value (e.g. a negative --interval), an unreadable or invalid configuration file (the message names the file, line and column). A [[probe]] that is wrong (an unknown key or kind, a malformed URL, a port out of range, a pattern that is not a regular expression, a duplicate id, an unknown DNS record type) is named at its FILE:LINE:COL and left out; the sample and the other probes are still taken and stored, and the exit status is 2 so cron mails the message. --probe with an id that is not configured is 2 as well.",
        ],
    ),
    (
        "FILES",
        &[
            "$XDG_CONFIG_HOME/usage/config.toml, /etc/usage/config.toml\tConfiguration, first found wins. Keys: db, host, and in [sample]: processes (true), top (5), exclude_users ([]), exclude_interfaces ([]), exclude_mounts ([]), retention_days (90; 0 keeps samples forever); [probes] and [[probe]] (see usage.conf(5)) for the services probed. An unknown key is an error.",
            "$XDG_DATA_HOME/usage/usage.db, ~/.local/share/usage/usage.db, /var/lib/usage/usage.db\tThe database: with XDG_DATA_HOME set, under it; else root's is under /var/lib, other users' under their home. Created 0600 in a 0700 directory.",
            "usage.db-wal, usage.db-shm\tSQLite's write-ahead log and its index, next to the database. usage-sample leaves its commits there instead of copying them into the database on every run, and folds them in once the log passes 512 KiB (any other tool closing the database last folds them too). Copy a live database with usage-backup or sqlite3's .backup, not cp, which would miss the samples still in the log.",
        ],
    ),
    (
        "ENVIRONMENT",
        &[
            "USAGE_DB\tDatabase path, as --db.",
            "USAGE_CONFIG\tConfiguration file, as --config.",
            "XDG_DATA_HOME, XDG_CONFIG_HOME, HOME\tWhere the default database and configuration are looked for.",
            "USAGE_SYSROOT\tRead /proc, /sys and /etc/passwd under this directory instead of /; for tests.",
        ],
    ),
    (
        "NOTES",
        &[
            "CPU percentages follow sar -u: %user includes guest time, %system includes irq and softirq time, busy is user + nice + system. Machine-wide figures are summed from per-CPU counters; a CPU offline in either reading is left out. A counter that goes backwards (reboot, CPU back online) starts a new baseline and never yields a negative or over-100% figure.",
            "Rates need readings at least 0.9 s apart (90 % of a second, or of a shorter --interval or --warm-up asked for): a sample taken sooner after the previous one (two cron jobs in the same second) is stored without CPU and network rates, and the next sample measures from the earlier baseline, so no byte is lost.",
            "Counters and sizes past 2^63 are stored as the largest 64-bit integer, never as a negative number.",
            "Network deltas count bytes since the previous sample; a counter that went backwards was reset and counts from zero; after a reboot the counters since boot are counted, as vnStat does. The loopback interface is not recorded.",
            "Interface errors and drops count since the previous sample by the same rules as bytes, as sar -n EDEV counts them (rxerr, txerr, rxdrop, txdrop). An interface's state is its operstate (up, or down, lowerlayerdown, dormant, notpresent); many virtual interfaces say unknown, stored as NULL. Its speed is the driver's, in Mb/s; none for virtual links or a link that is down.",
            "Open file handles and the limit are /proc/sys/fs/file-nr's first and last figures. Pressure stall information is /proc/pressure/{cpu,memory,io}: the share of time some (and, for memory and I/O, all) runnable tasks were stalled, over the last 10 and 60 s; the metrics use the 60 s figure, which a sample a minute covers. A kernel without these files (before 4.20, or booted with psi=0) stores NULL, and usage-sample --print says not available.",
            "Process and per-user CPU is in percent of one CPU, from each process's CPU time between samples; a process started since the previous sample is measured over its life. Processes that end between samples are not counted.",
            "Durability: a killed or crashed sampler loses nothing committed; a power cut may lose the samples of the last half minute or so, which the kernel had not yet written to disk, as with sadc, and never damages the database (SQLite's WAL with synchronous=NORMAL).",
            "Samples older than retention_days are deleted with their per-disk, per-interface, per-user and per-process rows by each run. Their age is judged against the earlier of the clock and the boot's start (the earliest its readings put it at) plus the uptime, and only from the tenth minute after boot on, so a clock that jumps ahead, or that is wrong when the machine boots until NTP sets it, deletes nothing.",
        ],
    ),
    (
        "EXAMPLES",
        &[
            "* * * * * usage-sample\tA crontab line: one sample a minute, silent unless something fails.",
            "usage-sample --interval 5 --count 12 --print\tTwelve samples five seconds apart, shown as they are stored (like sar 5 12).",
            "usage-sample --print --format json | jq .cpu\tOne sample, shown as JSON.",
            "sqlite3 ~/.local/share/usage/usage.db 'SELECT datetime(ts, \"unixepoch\"), cpu_busy / 100.0 FROM samples ORDER BY id DESC LIMIT 5'\tThe busy CPU percentage of the latest samples; the schema is in src/db/migrations/.",
        ],
    ),
];

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() && v <= 86_400.0 * 365.0 => Ok(v),
        _ => Err(format!(
            "'{s}' is not a usable number of seconds (expected a positive number, e.g. 60 or 0.5)"
        )),
    }
}

/// What a run needs besides the database, resolved once.
struct Plan {
    host: String,
    opts: collect::Options,
    top: usize,
    exclude_users: Vec<String>,
    user_names: BTreeMap<u32, String>,
    retention_days: u32,
    /// Rates are measured over at least this many centiseconds (see [`MIN_INTERVAL`]).
    min_interval_cs: u64,
    /// The wtmp and utmp files whose login sessions are kept; `None`: none are.
    logins: Option<logins::Files>,
}

/// Rates need readings at least 0.9 s apart (sadc refuses intervals under a second), or 90 % of
/// a shorter --interval or --warm-up asked for: two cron runs within a second must not store
/// CPU rates over one or two clock ticks.
pub const MIN_INTERVAL: f64 = 0.9;

/// Retention waits until a boot has run this long: time for NTP to set a clock that started
/// wrong.
const SETTLE_SECS: i64 = 600;

pub fn run(args: Args, env: &mut Env) -> Result<Outcome> {
    let cfg = config::load(&args.common, env)?;
    let plan = plan(&args, &cfg, env)?;
    let probes = probe::config::load(cfg.source.as_deref(), cfg.text.as_deref());
    for p in &probes.problems {
        env.warn(format!("{p}; the probe is left out"));
    }
    let outcome = if probes.problems.is_empty() {
        Outcome::Done
    } else {
        Outcome::Misconfigured
    };
    let mut conn = db::open(&cfg.db)?;
    db::keep_wal(&conn)?;
    if let Some(id) = &args.probe {
        let Some(p) = probes.get(id) else {
            let known: Vec<&str> = probes.probes.iter().map(|p| p.id.as_str()).collect();
            return Err(cli::UsageError(format!(
                "no probe '{id}' in {} (configured: {})",
                cfg.source
                    .as_deref()
                    .map_or("the configuration".into(), |s| format!("'{}'", s.display())),
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            ))
            .into());
        };
        let one = std::slice::from_ref(p);
        let done = probes::run(
            &mut conn,
            &plan.host,
            one,
            &cfg.file.probes,
            env.now() as i64,
            true,
        )
        .with_context(|| format!("storing a probe result in '{}'", cfg.db.display()))?;
        db::fold_wal(&conn, &cfg.db)?;
        if !args.quiet {
            probes::rows(one, &done, env.now() as i64)
                .write(args.format.unwrap_or(Format::Table), &mut env.stdout)?;
        }
        return Ok(outcome);
    }
    let show = (args.print || env.stdout_is_terminal) && !args.quiet;
    let mut printer = print::Printer::new(args.format.unwrap_or(Format::Table));
    let count = match (args.interval, args.count) {
        (None, _) => Some(1),
        (Some(_), count) => count,
    };
    let interval = Duration::from_secs_f64(args.interval.unwrap_or(1.0));
    let start = Instant::now();
    let mut taken: u64 = 0;
    while count.is_none_or(|c| taken < c) {
        if taken > 0 {
            // Keep to a fixed grid so the samples do not drift by the time each one takes; the
            // first one ended an interval after the start.
            let due = start + interval.mul_f64((taken + 1) as f64);
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
        }
        // As sar 5 12: the first of a series covers its own first interval, measured from a
        // reading taken now; alone, --warm-up does so only when there is no baseline.
        let warm_up = match (taken, args.interval, args.warm_up) {
            (0, Some(i), _) => Some(WarmUp::Always(Duration::from_secs_f64(i))),
            (0, None, Some(w)) => Some(WarmUp::WithoutBaseline(Duration::from_secs_f64(w))),
            _ => None,
        };
        if !args.probes_only {
            let record = take(&mut conn, env, &plan, warm_up)
                .with_context(|| format!("storing a sample in '{}'", cfg.db.display()))?;
            db::fold_wal(&conn, &cfg.db)?;
            if show {
                printer.write(&record, &mut env.stdout)?;
            }
        }
        let run_probes = args.probes_only || (!args.no_probes && args.interval.is_none());
        if run_probes && !probes.probes.is_empty() {
            let now = env.now() as i64;
            let done = probes::run(
                &mut conn,
                &plan.host,
                &probes.probes,
                &cfg.file.probes,
                now,
                false,
            )
            .with_context(|| format!("storing probe results in '{}'", cfg.db.display()))?;
            db::fold_wal(&conn, &cfg.db)?;
            // Beside a sample shown as JSON or CSV, probe rows would spoil the stream.
            let format = args.format.unwrap_or(Format::Table);
            if show && !done.is_empty() && (args.probes_only || format == Format::Table) {
                probes::rows(&probes.probes, &done, now).write(format, &mut env.stdout)?;
            }
        }
        taken += 1;
    }
    Ok(outcome)
}

fn plan(args: &Args, cfg: &Config, env: &Env) -> Result<Plan> {
    let s = &cfg.file.sample;
    let processes = s.processes && !args.no_processes;
    let host = host::own_name(args.host.as_deref(), cfg.file.host.as_deref(), &env.sysroot)?;
    Ok(Plan {
        host,
        opts: collect::Options {
            processes,
            exclude_interfaces: s.exclude_interfaces.clone(),
            exclude_mounts: s.exclude_mounts.clone(),
        },
        top: args.top.unwrap_or(s.top) as usize,
        exclude_users: s.exclude_users.clone(),
        user_names: if processes {
            crate::env::user_names(&env.sysroot.join("etc/passwd"))
        } else {
            BTreeMap::new()
        },
        retention_days: s.retention_days,
        logins: s.logins.then(|| logins::Files::under(&env.sysroot)),
        min_interval_cs: {
            let asked = args
                .interval
                .into_iter()
                .chain(args.warm_up)
                .fold(1.0, f64::min);
            (asked * MIN_INTERVAL * 100.0).round() as u64
        },
    })
}

/// A reading taken before the sample, to measure it from.
#[derive(Debug, Clone, Copy)]
enum WarmUp {
    /// Always, this long before: the first sample of --interval.
    Always(Duration),
    /// Only when there is no usable baseline: --warm-up.
    WithoutBaseline(Duration),
}

/// Reads, derives and stores one sample in one write transaction.
fn take(
    conn: &mut Connection,
    env: &mut Env,
    plan: &Plan,
    warm_up: Option<WarmUp>,
) -> Result<Record> {
    // An earlier reading taken here stands in for the baseline: always for the first sample of
    // a series, else (--warm-up) when there is no usable one.
    let early = match warm_up {
        Some(WarmUp::Always(wait)) => {
            let first = collect::read(&env.sysroot, &plan.opts)?;
            std::thread::sleep(wait);
            Some(Baseline::of(&first))
        }
        Some(WarmUp::WithoutBaseline(wait)) => {
            let stored = {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
                let host = store::host_id(&tx, &plan.host)?;
                let b = load_baseline(&tx, host)?;
                tx.commit()?;
                b
            };
            let first = collect::read(&env.sysroot, &plan.opts)?;
            if baseline::relate(stored.as_ref(), &first, plan.min_interval_cs)
                == Relation::Continues
            {
                None
            } else {
                std::thread::sleep(wait);
                Some(Baseline::of(&first))
            }
        }
        None => None,
    };
    let snap: Snapshot = collect::read(&env.sysroot, &plan.opts)?;
    let now = env.now();
    // IMMEDIATE: a concurrent sampler waits here (busy timeout) rather than failing at commit,
    // and reads the baseline only after the other one's commit.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let machine = collect::machine_id(&env.sysroot);
    let host = store::host_id_of_machine(&tx, &plan.host, machine.as_deref())?;
    let stored = load_baseline(&tx, host)?;
    let relation = baseline::relate(stored.as_ref(), &snap, plan.min_interval_cs);
    // The boot's wall-clock start: the earliest this boot's readings put it at. A clock that
    // jumps ahead later (a wrong NTP answer, USAGE_NOW) never moves it; one that was ahead when
    // the machine booted (a board without a real-time clock) is set right by the first reading
    // after NTP set the clock. Taken too early, it only prunes less.
    let uptime_s = (snap.uptime_cs / 100) as i64;
    let known_boot = stored
        .as_ref()
        .filter(|b| b.boot_id == snap.boot_id)
        .and_then(|b| b.boot_wall);
    let measure_from = match (relation, early, warm_up) {
        (_, Some(early), Some(WarmUp::Always(_))) => Some(early),
        (Relation::First | Relation::Rebooted, Some(early), _) => Some(early),
        _ => stored,
    };
    let ctx = baseline::Context {
        host: &plan.host,
        now,
        top: plan.top,
        exclude_users: &plan.exclude_users,
        user_names: &plan.user_names,
        min_interval_cs: plan.min_interval_cs,
    };
    let record = baseline::derive(measure_from.as_ref(), &snap, &ctx);
    store::insert(&tx, host, &record)?;
    // Sessions are brought up to date with the sample; a wtmp that cannot be read costs them
    // that update, not the sample (the next run tries again: its place is not saved).
    if let Some(files) = &plan.logins
        && let Err(e) = logins::update(&tx, host, files, now.floor() as i64)
    {
        env.warn(format!("login sessions not updated: {e:#}"));
    }
    let reading = now.floor() as i64 - uptime_s;
    let boot_wall = known_boot.map_or(reading, |b| b.min(reading));
    // An overtaken or too early reading keeps the baseline: the next sample measures from it.
    if !matches!(relation, Relation::Overtaken | Relation::TooSoon) {
        let b = Baseline {
            boot_wall: Some(boot_wall),
            ..Baseline::of(&snap)
        };
        store::save_baseline(&tx, host, &b.boot_id, b.uptime_cs, &b.encode())?;
    }
    // Retention is never judged on one reading's word: only once the boot's start is known and
    // the boot has run for SETTLE_SECS (a board without a real-time clock boots with a wrong
    // clock until NTP sets it), and against the earlier of the clock and that start plus the
    // uptime, so a clock that jumps ahead deletes nothing.
    if plan.retention_days > 0 && uptime_s >= SETTLE_SECS && known_boot.is_some() {
        let now = record.time.min(boot_wall + uptime_s);
        store::prune(&tx, host, now - i64::from(plan.retention_days) * 86_400)?;
    }
    tx.commit()?;
    Ok(record)
}

/// The host's stored baseline; an unknown or damaged one is none (a new baseline starts).
fn load_baseline(tx: &rusqlite::Transaction, host: i64) -> Result<Option<Baseline>> {
    Ok(store::load_baseline(tx, host)?
        .and_then(|(boot, uptime_cs, blob)| Baseline::decode(boot, uptime_cs, &blob)))
}

/// uid to name from a passwd file; unreadable or odd lines are skipped (names then show as uids).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_must_be_positive() {
        assert_eq!(parse_seconds("0.5"), Ok(0.5));
        for bad in ["-1", "0", "abc", "inf", "NaN"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }
}
