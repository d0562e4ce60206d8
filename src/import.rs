//! usage-import: load CSV ledgers of data usage per location and day (wide spreadsheets, long
//! files, monthly totals), set, correct or delete single entries, and manage locations.
//!
//! Each file is one transaction: it lands whole or not at all.

pub mod events;
mod load;
mod locations;
mod merge;
pub mod parse;
mod record;
mod source;

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use rusqlite::{Connection, TransactionBehavior};

pub use load::{Layout, Report};

use crate::cli::{self, CommonArgs, Format, Outcome, UsageError, one_line};
use crate::config::{self, Config};
use crate::db;
use crate::env::Env;
use crate::ledger;

/// Load CSV ledgers of data usage per location and day
#[derive(Debug, Parser)]
#[command(
    name = "usage-import",
    version,
    about = "Load CSV ledgers of data usage per location and day",
    long_about = "Load CSV ledgers of data usage per location and day into the database: wide \
spreadsheets (Date,Location1,Location2,...), long files (date,location,usage) and monthly \
totals (period_start,location,total). The layout is told from the header. Values are in GB \
unless they carry a unit (900 MB, 1.2 TB, 2 GiB).\n\nEach file is one transaction: on any error \
nothing from it is written. A date and location already stored takes the new value; importing \
the same file again changes nothing. Empty cells count as zero but never overwrite a stored \
value; cells that are not numbers are skipped with a warning (an error with --strict).\n\nThe \
subcommands set, correct or delete single entries and manage locations. A file named like a \
subcommand is given as ./NAME.",
    subcommand_negates_reqs = true
)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,

    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub files: FileArgs,
}

/// Flags of a file import.
#[derive(Debug, clap::Args)]
pub struct FileArgs {
    /// CSV files to import; '-' reads standard input
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// The files' layout (wide, long, monthly; told from the header by default) and/or the
    /// summary's format (table on stderr, csv or json on stdout); may be given twice
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT")]
    pub format: Vec<FormatArg>,

    /// How dates are written, as a strftime format (e.g. %m/%d/%Y); without a year field the
    /// dates are yearless
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,

    /// The year of the first row when dates have none (13-Mar); later rows roll over into the
    /// next year when the month jumps back (Dec -> Jan) [default: the latest row falls on or
    /// before today]
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1990..=2100))]
    pub year: Option<i32>,

    /// Read 9,9 as nine point nine and 1.234,5 as one thousand two hundred thirty-four point
    /// five
    #[arg(long)]
    pub decimal_comma: bool,

    /// The field delimiter: ',', ';', tab, or any single character [default: the most frequent
    /// of ',', ';' and tab in the header]
    #[arg(long, short = 'd', value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,

    /// Unit of values written without one: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB
    #[arg(long, value_name = "UNIT", default_value = "GB", value_parser = parse_unit)]
    pub unit: u128,

    /// The most one location may use in a day, in GB; larger values are errors (a monthly
    /// total may be 31 times this) [config: ledger.max_daily_gb, default 10000]
    #[arg(long, value_name = "GB", value_parser = parse_gb)]
    pub max_daily: Option<f64>,

    /// Read past a column of this name (e.g. a Total or Notes column); repeatable
    #[arg(long, value_name = "NAME")]
    pub ignore_column: Vec<String>,

    /// Turn every warning (a cell that is not a number, a date given twice) into an error
    #[arg(long)]
    pub strict: bool,

    /// The files are other usage databases, or usage-backup's backups of them (.db.gz), to
    /// merge into this one: their hosts, samples, ledger, alert history, probe results,
    /// logins and application events; merging the same file again changes nothing
    #[arg(long, conflicts_with_all = ["date_format", "year", "decimal_comma", "delimiter", "max_daily", "ignore_column", "strict"])]
    pub merge: bool,

    /// Read and check everything, report what would change, write nothing
    #[arg(long, short = 'n')]
    pub dry_run: bool,

    /// Show a summary line per file (the default on a terminal)
    #[arg(long, short = 'p', conflicts_with = "quiet")]
    pub print: bool,

    /// Show no summary or progress bar, even on a terminal
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// A value of --format: a layout or an output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Date,Location1,Location2,...: one row per date
    Wide,
    /// date,location,usage: one row per value
    Long,
    /// period_start,location,total: totals per billing period
    Monthly,
    /// Summary lines on stderr
    Table,
    /// Summary as CSV on stdout
    Csv,
    /// Summary as JSON on stdout, one object per file
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set one day's usage for a location (or a billing period's total with --monthly),
    /// creating or correcting it
    Set(SetArgs),
    /// Delete one day's usage for a location (or a period's total with --monthly)
    Delete(DeleteArgs),
    /// List locations, or add, rename, configure, deactivate and reactivate them
    Locations(locations::Args),
    /// Import an application's usage logs (JSON events, one per line) and session summary
    /// files; the same events again add nothing
    #[command(long_about = record::EVENTS_ABOUT)]
    Events(record::EventsArgs),
    /// Record one application event (a session's start or end, an action, an error), as a
    /// program or shell script would; safe to run from many processes at once
    #[command(long_about = record::EVENT_ABOUT)]
    Event(record::EventArgs),
}

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The date (2024-03-13, 13/03/2024, 13-Mar-2024, 13-Mar); with --monthly the period's
    /// first day or its month (2024-03)
    pub date: String,
    /// The location's name or display name
    pub location: String,
    /// The usage in GB, or with a unit (900 MB, 1.2 TB)
    #[arg(allow_hyphen_values = true)]
    pub usage: String,
    /// Set a billing period's total rather than a day's usage
    #[arg(long)]
    pub monthly: bool,
    /// Create the location if it does not exist
    #[arg(long)]
    pub create: bool,
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The date; with --monthly the period's first day or its month
    pub date: String,
    /// The location's name or display name
    pub location: String,
    /// Delete a billing period's total rather than a day's usage
    #[arg(long)]
    pub monthly: bool,
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
        "FILE LAYOUTS",
        &[
            "wide\tThe first column is a date, every other column a location, as spreadsheets export them: Date,Location1,Location2 then 13-Mar,9.9,130. The date column may be called anything (Datum, Fecha) when the first row is a date and amounts. Each new header becomes a location (its name is the header lower-cased with '_' for spaces and punctuation; the header is kept as its display name).",
            "long\tColumns date, location and usage in any order (also accepted: location_name or site; usage_gb or gb). Other columns are errors unless --ignore-column names them. usage-report's daily CSV is in this layout.",
            "monthly\tColumns period_start, location and total: totals per billing period entered by hand, kept apart from daily rows. period_start is the first day of a billing cycle of the location (ledger.billing_day, or the location's own) or a month (2024-03); the period's end follows from the billing day.",
        ],
    ),
    (
        "VALUES",
        &[
            "Dates\t13-Mar (no year), 13-Mar-2024, 13-Mar-24, 13 March 2024, 13/03/2024 (day first), 13.03.2024, 2024-03-13; --date-format for others. A file's dates all have a year or all lack one. Yearless dates take --year for the first row and roll over to the next year when the month jumps back by six months or more (Dec -> Jan); a smaller jump back is an error, since it could be a disorder. Without --year, the years are chosen so the latest row falls on or before today. Dates before 1990 or after tomorrow are errors.",
            "Amounts\t9.9, 130, 1,234.5 (quoted in comma-separated files), 1.2e3, with an optional unit: B, KB, MB, GB, TB, PB (powers of 1000) or KiB, MiB, GiB, TiB, PiB (powers of 1024), in any case. A bare number is in --unit (GB). With --decimal-comma, 9,9 and 1.234,5 and 1 234,5. Amounts are stored exactly, in whole bytes. Negative amounts and amounts over the daily bound are errors.",
            "Text\tUTF-8 with or without a byte-order mark, CRLF or LF line ends; ',', ';' or tab delimiters are told from the header.",
        ],
    ),
    (
        "MERGING",
        &[
            "--merge FILE...\tEach FILE is another usage database, or a backup of one made by usage-backup (.db.gz: verified and inflated beside the database first; one without its .json metadata is merged with a warning). Copy a live database with usage-backup, not cp: its latest commits may still be in its -wal file. A database of an older schema is upgraded in a private copy; the file itself is only read. A newer schema is refused. Each file is one transaction.",
            "What is copied\tHosts; their samples (with disks, interfaces, users and processes), probe results and outages, login sessions and application events; the ledger's locations (a stored location keeps its settings), days and billing-period totals; alert history, each event under its host. A row already stored is left as it is, so merging the same file again changes nothing; an outage or login session that has ended since, and a ledger day or total the source changed later, are brought up to date. Not copied: the source's sampler baseline, where it last read wtmp, its probes' current streaks, its alerts' state, outbox, acknowledgements and silences, and its maintenance windows.",
            "Hosts\tA host whose name is not stored is added. One whose name is stored is the same machine when both know its machine id (/etc/machine-id, recorded by usage-sample) and the ids are equal; when either does not, when their samples share a reading (the same time, uptime and memory size) in the time both cover, or cover no common time at all. Otherwise it is another machine of that name, stored as NAME-2 (or -3, ...), where the next merge finds it again.",
            "Retention\tThe merged hosts' samples and probe results are kept as this database's sample.retention_days and probes.retention_days say, counted back from each host's newest sample or result: older ones are not copied, and stored ones are deleted.",
            "Reports\tusage-report --host NAME (repeatable) or --all-hosts shows each host's rows; the overview and the HTML and PDF reports list the hosts.",
        ],
    ),
    (
        "EXIT STATUS",
        &[
            "0\tEvery file was imported (or checked, with --dry-run), or the subcommand did its work. Warnings do not change the status unless --strict is given.",
            "1\tA file was refused and nothing from it was written: it is missing, unreadable, a directory, empty, binary, JSON, UTF-16, not UTF-8; its header is missing, duplicated or unknown; a row is ragged, a date unknown, impossible, ambiguous or out of range, an amount negative or over the bound; or a line is longer than 1 MiB. Other files given in the same run are still imported, and the message says which landed. Also: an unknown location, an entry to delete that does not exist, a database that cannot be opened or written.",
            "\tWith --merge: a file is missing, not a usage database, of a newer schema, empty, the database itself, or a backup that fails verification; nothing from it is merged, the other files are.",
            "2\tThe invocation is wrong: an unknown flag, a bad value (--year 1800, --unit parsecs), an invalid configuration file.",
        ],
    ),
    (
        "FILES",
        &[
            "$XDG_CONFIG_HOME/usage/config.toml, /etc/usage/config.toml\tConfiguration, first found wins. In [ledger]: billing_day (1; the day billing cycles start, 1 to 31) and max_daily_gb (10000; the most a location may use in a day).",
            "$XDG_DATA_HOME/usage/usage.db, ~/.local/share/usage/usage.db, /var/lib/usage/usage.db\tThe database.",
        ],
    ),
    (
        "ENVIRONMENT",
        &[
            "USAGE_DB\tDatabase path, as --db.",
            "USAGE_CONFIG\tConfiguration file, as --config.",
            "TZ\tThe time zone of today's date.",
            "USAGE_NOW\tPretend the time is this many seconds since 1970 (UTC); for tests.",
        ],
    ),
    (
        "EXAMPLES",
        &[
            "usage-import --year 2024 sites.csv\tImport a wide spreadsheet whose dates are 13-Mar, 14-Mar, ... starting in 2024.",
            "usage-import --merge /srv/fleet/*/usage-*.db.gz\tMerge other hosts' backups, copied here by rsync; again the next night, only what is new is added.",
            "usage-import --dry-run --format json exports/*.csv\tCheck files and show, one JSON object per file, what importing them would change.",
            "usage-import --decimal-comma --ignore-column Notes statement.csv\tA European export with a notes column.",
            "usage-import set 2024-03-13 location1 9.9\tSet (or correct) one day's usage.",
            "usage-import set --monthly 2024-03 location1 412.5\tRecord a billing period's total from a provider's statement.",
            "usage-import locations set location1 --billing-day 13 --quota 500\tBill location1 from the 13th, with a quota of 500 GB per cycle.",
            "usage-import delete 2024-03-13 location1\tRemove one day's entry (a typing error).",
            "usage-import locations add north --display-name 'North site' --quota 500\tAdd a location before its first import.",
            "usage-import locations rename north 'North campus'\tChange the name reports show; the key stays north.",
            "usage-import locations deactivate south\tLeave south out of reports unless asked for; its data stays.",
            "usage-import locations activate south\tCount south again.",
            "usage-import locations list --format csv\tEvery location with its settings.",
        ],
    ),
];

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "'{s}' is not a usable delimiter (expected one character such as ',' or ';', or 'tab')"
        )),
    }
}

fn parse_unit(s: &str) -> Result<u128, String> {
    parse::unit(s).ok_or_else(|| {
        format!("'{s}' is not a unit (expected B, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB or PiB)")
    })
}

fn parse_gb(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1e9 => Ok(v),
        _ => Err(format!(
            "'{s}' is not a usable number of GB (expected a positive number, e.g. 10000)"
        )),
    }
}

/// Runs usage-import.
pub fn run(args: Args, env: &mut Env) -> Result<Outcome> {
    if args.command.is_some()
        && let Some(flag) = file_flag(&args.files)
    {
        return Err(UsageError(format!(
            "{flag} applies to importing files; give it without a subcommand"
        ))
        .into());
    }
    let config = config::load(&args.common, env)?;
    let existed = config.db.exists();
    let result = match args.command {
        Some(Command::Set(set)) => run_set(&set, &config, env),
        Some(Command::Delete(delete)) => run_delete(&delete, &config, env),
        Some(Command::Locations(loc)) => locations::run(loc, &config, env),
        Some(Command::Events(events)) => record::run_events(&events, &config, env),
        Some(Command::Event(event)) => record::run_event(&event, &config, env),
        None => run_files(&args.files, &config, env),
    };
    // A run that failed leaves no database it created and put nothing in: a typo in --db is not
    // a new database.
    if result.is_err() && !existed {
        db::remove_if_unused(&config.db);
    }
    result.map(|()| Outcome::Done)
}

/// The first file-import flag given, if any: they mean nothing to the subcommands.
fn file_flag(a: &FileArgs) -> Option<&'static str> {
    let given = [
        (!a.format.is_empty(), "--format"),
        (a.date_format.is_some(), "--date-format"),
        (a.year.is_some(), "--year"),
        (a.decimal_comma, "--decimal-comma"),
        (a.delimiter.is_some(), "--delimiter"),
        (a.unit != ledger::GB as u128, "--unit"),
        (a.max_daily.is_some(), "--max-daily"),
        (!a.ignore_column.is_empty(), "--ignore-column"),
        (a.strict, "--strict"),
        (a.merge, "--merge"),
        (a.dry_run, "--dry-run"),
        (a.print, "--print"),
        (a.quiet, "--quiet"),
    ];
    given.iter().find(|(on, _)| *on).map(|&(_, flag)| flag)
}

/// Cell-reading options from the configuration, before any flags.
fn options(config: &Config, env: &Env) -> load::Options {
    load::Options {
        layout: None,
        date_format: None,
        year: None,
        decimal_comma: false,
        unit: ledger::GB as u128,
        strict: false,
        ignore: Vec::new(),
        max_daily: gb_to_bytes(config.file.ledger.max_daily_gb),
        billing_day: config.file.ledger.billing_day,
        today: env.today(),
        now: env.now().floor() as i64,
    }
}

fn gb_to_bytes(gb: f64) -> i64 {
    (gb * ledger::GB as f64).round() as i64
}

/// The summary of one file, as written by --format csv and json.
#[derive(Debug)]
struct FileOutcome {
    /// imported, checked (--dry-run) or failed
    status: &'static str,
    report: Report,
    error: Option<String>,
}

/// The layout and the summary's format that --format names (each at most once).
fn formats(args: &FileArgs) -> Result<(Option<Layout>, Option<Format>)> {
    let mut layout = None;
    let mut output = None;
    for f in &args.format {
        let (slot, value, kind) = match f {
            FormatArg::Wide => (&mut layout, Some(Layout::Wide), "layout"),
            FormatArg::Long => (&mut layout, Some(Layout::Long), "layout"),
            FormatArg::Monthly => (&mut layout, Some(Layout::Monthly), "layout"),
            FormatArg::Table | FormatArg::Csv | FormatArg::Json => {
                let out = match f {
                    FormatArg::Csv => Format::Csv,
                    FormatArg::Json => Format::Json,
                    _ => Format::Table,
                };
                if output.replace(out).is_some_and(|o| o != out) {
                    return Err(UsageError(
                        "--format names two output formats (give one of table, csv, json)".into(),
                    )
                    .into());
                }
                continue;
            }
        };
        if slot.is_some() && *slot != value {
            return Err(UsageError(format!(
                "--format names two {kind}s (give one of wide, long, monthly)"
            ))
            .into());
        }
        *slot = value;
    }
    Ok((layout, output))
}

fn run_files(args: &FileArgs, config: &Config, env: &mut Env) -> Result<()> {
    let (layout, output) = formats(args)?;
    if args.merge {
        if let Some(l) = layout {
            return Err(UsageError(format!(
                "--format {} names a CSV layout; --merge reads databases",
                l.name()
            ))
            .into());
        }
        return merge::run(args, output, config, env);
    }
    let base = options(config, env);
    let opts = load::Options {
        layout,
        date_format: args.date_format.clone(),
        year: args.year,
        decimal_comma: args.decimal_comma,
        unit: args.unit,
        strict: args.strict,
        ignore: args.ignore_column.iter().map(|c| ledger::slug(c)).collect(),
        max_daily: args.max_daily.map_or(base.max_daily, gb_to_bytes),
        ..base
    };
    // A dry run always says what it would do (unless --quiet): that is all it is for.
    let summary = !args.quiet && (args.print || args.dry_run || env.stderr_is_terminal);
    let mut conn = open(&config.db, args.dry_run)?;
    let mut outcomes = Vec::new();
    for path in &args.files {
        let shown = if path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let result = import_file(&mut conn, path, &opts, args, env);
        let outcome = match result {
            Ok(report) => FileOutcome {
                status: if args.dry_run { "checked" } else { "imported" },
                report,
                error: None,
            },
            Err(e) => {
                let message = one_line(&e);
                if args.files.len() > 1 {
                    env.say(&message);
                }
                FileOutcome {
                    status: "failed",
                    report: Report {
                        file: shown,
                        ..Report::default()
                    },
                    error: Some(message),
                }
            }
        };
        if summary && output.is_none_or(|o| o == Format::Table) && outcome.error.is_none() {
            env.note(summary_line(&outcome.report, args.dry_run));
        }
        outcomes.push(outcome);
    }
    if let Some(format @ (Format::Csv | Format::Json)) = output {
        write_outcomes(&outcomes, format, env)?;
    }
    let listed: Vec<(&str, Option<&str>)> = outcomes
        .iter()
        .map(|o| (o.report.file.as_str(), o.error.as_deref()))
        .collect();
    conclude(&listed, if args.dry_run { "checked" } else { "imported" })
}

/// The end of a run over files, each `(file, its error)`: the one file's error, or which of
/// several were refused and which landed.
fn conclude(outcomes: &[(&str, Option<&str>)], landed: &str) -> Result<()> {
    let names = |failed: bool| {
        let picked: Vec<&str> = outcomes
            .iter()
            .filter(|(_, e)| e.is_some() == failed)
            .map(|(f, _)| *f)
            .collect();
        if picked.is_empty() {
            "none".to_string()
        } else {
            picked.join(", ")
        }
    };
    let failed = outcomes.iter().filter(|(_, e)| e.is_some()).count();
    match failed {
        0 => Ok(()),
        _ if outcomes.len() == 1 => bail!("{}", outcomes[0].1.unwrap_or_default()),
        n => bail!(
            "{n} of {} files refused, nothing from them written: {}; {landed}: {}",
            outcomes.len(),
            names(true),
            names(false)
        ),
    }
}

/// Opens the database; a dry run against a database that does not exist yet uses an empty one
/// in memory rather than create the file.
fn open(path: &std::path::Path, dry_run: bool) -> Result<Connection> {
    if dry_run && !path.exists() {
        return db::open_in_memory();
    }
    db::open(path)
}

fn import_file(
    conn: &mut Connection,
    path: &std::path::Path,
    opts: &load::Options,
    args: &FileArgs,
    env: &mut Env,
) -> Result<Report> {
    let mut input = source::Input::open(path, args.delimiter)?;
    let bar = progress_bar(&input, args, env);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .context("cannot start writing to the database")?;
    let mut shown = 0usize;
    let mut warn = |message: &str| {
        // The first warnings in full; the summary counts them all.
        const SHOWN: usize = 20;
        if shown < SHOWN {
            bar.suspend(|| env.warn(message));
        } else if shown == SHOWN {
            bar.suspend(|| env.warn("more warnings follow; only their number is shown"));
        }
        shown += 1;
    };
    let mut progress = |bytes: u64| bar.set_position(bytes);
    let report = load::import(&tx, &mut input, opts, &mut warn, &mut progress);
    bar.finish_and_clear();
    let report = report?;
    if args.dry_run {
        tx.rollback()?;
    } else {
        tx.commit()
            .with_context(|| format!("cannot commit '{}' to the database", input.name))?;
    }
    Ok(report)
}

/// A progress bar on a terminal for files large enough to take a moment.
fn progress_bar(input: &source::Input, args: &FileArgs, env: &Env) -> indicatif::ProgressBar {
    if args.quiet || !env.stderr_is_terminal || input.size < 4 << 20 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(input.size);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {bytes}/{total_bytes} {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(input.name.clone());
    bar
}

fn summary_line(r: &Report, dry_run: bool) -> String {
    use crate::render::counted;
    let layout = r.layout.map_or("", Layout::name);
    let dates = match (&r.first_date, &r.last_date) {
        (Some(a), Some(b)) if a != b => format!(", {a}..{b}"),
        (Some(a), _) => format!(", {a}"),
        _ => String::new(),
    };
    let mut line = format!(
        "{}{}: {layout}, {}{dates}: {} inserted, {} updated, {} unchanged, {} skipped, {}",
        if dry_run { "dry run: " } else { "" },
        r.file,
        counted(r.rows, "row"),
        r.inserted,
        r.updated,
        r.unchanged,
        r.skipped,
        counted(r.warnings, "warning"),
    );
    if r.new_locations > 0 {
        line.push_str(&format!(", {}", counted(r.new_locations, "new location")));
    }
    if r.inserted == 0 && r.updated == 0 && r.new_locations == 0 {
        line.push_str(if dry_run {
            " (would change nothing)"
        } else {
            " (nothing changed)"
        });
    }
    line
}

fn write_outcomes(outcomes: &[FileOutcome], format: Format, env: &mut Env) -> Result<()> {
    use crate::render::{Cell, Rows};
    let rows = Rows {
        columns: vec![
            "file",
            "status",
            "layout",
            "rows",
            "inserted",
            "updated",
            "unchanged",
            "skipped",
            "warnings",
            "new_locations",
            "first_date",
            "last_date",
            "error",
        ],
        rows: outcomes
            .iter()
            .map(|o| {
                let r = &o.report;
                let n = |v: u64| Cell::Int(v as i64);
                vec![
                    Cell::Text(r.file.clone()),
                    Cell::Text(o.status.into()),
                    r.layout.map(|l| l.name().to_string()).into(),
                    n(r.rows),
                    n(r.inserted),
                    n(r.updated),
                    n(r.unchanged),
                    n(r.skipped),
                    n(r.warnings),
                    n(r.new_locations),
                    r.first_date.map(|d| d.to_string()).into(),
                    r.last_date.map(|d| d.to_string()).into(),
                    o.error.clone().into(),
                ]
            })
            .collect(),
    };
    rows.write(format, &mut env.stdout)?;
    env.stdout.flush()?;
    Ok(())
}

/// A date given on the command line, yearless ones placed on or before today.
fn command_line_date(text: &str, env: &Env) -> Result<chrono::NaiveDate> {
    match parse::date(text, None).map_err(|e| anyhow!(e))? {
        parse::Day::Full(d) => Ok(d),
        parse::Day::Yearless { month, day } => {
            let year = load::latest_year(env.today(), month, day);
            chrono::NaiveDate::from_ymd_opt(year, month, day)
                .ok_or_else(|| anyhow!("'{text}' is not a date in {year} (give the year)"))
        }
    }
}

fn run_set(args: &SetArgs, config: &Config, env: &mut Env) -> Result<()> {
    let mut conn = db::open(&config.db)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let location = match db::ledger::lookup_location(&tx, &args.location)? {
        Some(l) => l.name,
        None if args.create => args.location.clone(),
        None => {
            let unknown = db::ledger::unknown_location(&tx, &args.location)?;
            return Err(unknown.context("pass --create to add it"));
        }
    };
    let layout = if args.monthly {
        Layout::Monthly
    } else {
        Layout::Long
    };
    let date = if args.monthly && parse::month_of(&args.date).is_some() {
        args.date.clone()
    } else {
        command_line_date(&args.date, env)?.to_string()
    };
    let opts = load::Options {
        layout: Some(layout),
        strict: true,
        ..options(config, env)
    };
    let report = load::set(&tx, &opts, layout, [&date, &location, &args.usage])?;
    tx.commit()?;
    if env.stdout_is_terminal {
        let what = if report.inserted > 0 {
            "stored"
        } else if report.updated > 0 {
            "corrected"
        } else {
            "unchanged"
        };
        writeln!(
            env.stdout,
            "{location} {}: {what}",
            report.first_date.map(|d| d.to_string()).unwrap_or_default()
        )?;
    }
    Ok(())
}

fn run_delete(args: &DeleteArgs, config: &Config, env: &mut Env) -> Result<()> {
    let conn = db::open(&config.db)?;
    let location = db::ledger::find_location(&conn, &args.location)?;
    let amounts = if args.monthly {
        db::ledger::Amounts::Monthly
    } else {
        db::ledger::Amounts::Daily
    };
    // A month names the period that starts in it.
    let (first, last) = match parse::month_of(&args.date) {
        Some((y, m)) if args.monthly => {
            let month = i64::from(y) * 10_000 + i64::from(m) * 100;
            (month + 1, month + 31)
        }
        _ => {
            let key = ledger::date_key(command_line_date(&args.date, env)?);
            (key, key)
        }
    };
    let deleted = db::ledger::delete(&conn, amounts, location.id, (first, last))?;
    if deleted == 0 {
        bail!(
            "nothing to delete: no {} for '{}' on {}",
            if args.monthly {
                "period total"
            } else {
                "usage"
            },
            location.name,
            args.date
        );
    }
    Ok(())
}
