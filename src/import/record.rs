//! `usage-import events` (an application's usage logs and session summaries) and
//! `usage-import event` (one event from a program or a shell script).

use std::fs::File;
use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, TransactionBehavior};

use super::events::{self, Event, Loader, Place, Report};
use crate::activity::MICROS;
use crate::cli::{Format, UsageError, one_line};
use crate::config::Config;
use crate::db::activity::Kind;
use crate::env::Env;
use crate::render::{Cell, Rows, counted};
use crate::{db, host};

#[derive(Debug, clap::Args)]
pub struct EventsArgs {
    /// Usage logs (one JSON event per line, alone or after a 'YYYY-MM-DD HH:MM:SS - LEVEL - '
    /// prefix) and session summary files (session_*.json); '-' reads standard input
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// The application the events are of
    #[arg(long, value_name = "NAME", value_parser = parse_name)]
    pub app: String,

    /// Refuse a file on its first bad line (malformed JSON, an unknown event kind, an end
    /// before its start, a session id of another user, clock skew) rather than skip the line
    /// with a warning
    #[arg(long)]
    pub strict: bool,

    /// Read and check everything, report what would be added, write nothing
    #[arg(long, short = 'n')]
    pub dry_run: bool,

    /// The summary's format: table (lines on stderr), csv or json (on stdout)
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    /// Show a summary line per file (the default on a terminal)
    #[arg(long, short = 'p', conflicts_with = "quiet")]
    pub print: bool,

    /// Show no summary
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct EventArgs {
    /// The application the event is of
    #[arg(long, value_name = "NAME", value_parser = parse_name)]
    pub app: String,

    /// The session it belongs to (any text the program keeps for the session, such as its
    /// start time or a process id)
    #[arg(long, value_name = "ID", value_parser = parse_name)]
    pub session: String,

    /// Whose session it is [default: the user behind sudo, else the login name]
    #[arg(long, value_name = "NAME", value_parser = parse_name)]
    pub user: Option<String>,

    /// The action's type (open_file, export); with --error, the error's type
    #[arg(long, value_name = "TYPE", value_parser = parse_name, required_unless_present_any = ["start", "end", "error"], conflicts_with_all = ["start", "end"])]
    pub action: Option<String>,

    /// A detail of the action or error, kept as text; repeatable
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_detail)]
    pub detail: Vec<(String, String)>,

    /// The session starts
    #[arg(long, conflicts_with_all = ["end", "error"])]
    pub start: bool,

    /// The session ends
    #[arg(long, conflicts_with = "error")]
    pub end: bool,

    /// An error happened, with this message
    #[arg(long, value_name = "MESSAGE")]
    pub error: Option<String>,

    /// When it happened: a time (2024-03-13 14:05:07, or ISO 8601 with an offset) [default:
    /// now]
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
}

/// An app, session, user or action type: any non-empty text without control characters.
fn parse_name(text: &str) -> Result<String, String> {
    if text.is_empty() || text.chars().any(char::is_control) {
        return Err("expected a non-empty name without control characters".into());
    }
    Ok(text.to_string())
}

fn parse_detail(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err("expected KEY=VALUE, as path=/tmp/x".into()),
    }
}

/// usage-import events' long description.
pub const EVENTS_ABOUT: &str = "Import an application's usage logs and session summary files.\n\nA log \
holds one JSON object per line, alone or after a logging prefix such as '2024-01-01 12:00:00 - \
INFO - ', with the fields event (session_start, session_end, user_action or error), \
session_id, user_id, timestamp (ISO 8601; local time unless it has an offset), action_type \
and details for an action, error_type, message and details for an error, system_info for a \
start. A summary file (session_*.json) holds one session: session_id, user_id, start_time, \
end_time and its actions.\n\nAn event already stored (the same session, time, kind and type) \
is not stored again: a log imported twice, a rotated copy of it (usage.log.1) or the \
summaries of sessions in the log add nothing. A log being written to is read up to its last \
whole line; the rest is read by the next import. Each file is one transaction: with --strict \
a bad line refuses the whole file; without it, the line is skipped with a FILE:LINE warning \
and the rest lands.\n\nSessions are derived when they are read: one with no session_end closes \
at its last event plus sessions.idle (30m), so changing that setting re-derives every \
session. usage-report sessions and activity show them.";

/// usage-import event's long description.
pub const EVENT_ABOUT: &str = "Record one application event, for a program or shell script that has no \
usage logger: a session's start (--start) or end (--end), an action (--action TYPE, with \
--detail KEY=VALUE as often as needed), or an error (--error MESSAGE, its type by --action). \
It is stored as a logged event is, in one transaction that waits for other writers: many \
processes may record at once. An end before the session's start, a second start or end at \
another time, and a session id already used by another user are refused with the reason.\n\n\
Example: usage-import event --app backup --session \"$$\" --start; ... usage-import event \
--app backup --session \"$$\" --action upload --detail bytes=52000; ... usage-import event \
--app backup --session \"$$\" --end";

const STRICT: &str = " (refused by --strict; nothing from the file was written)";

pub fn run_events(args: &EventsArgs, config: &Config, env: &mut Env) -> Result<()> {
    let name = host::own_name(None, config.file.host.as_deref(), &env.sysroot)?;
    let now = (env.now() * MICROS as f64) as i64;
    let mut conn = super::open(&config.db, args.dry_run)?;
    let summary = !args.quiet && (args.print || args.dry_run || env.stderr_is_terminal);
    let mut outcomes: Vec<(Report, Option<String>)> = Vec::new();
    for path in &args.files {
        let shown = if path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        match import(&mut conn, path, &shown, &name, now, args, env) {
            Ok(report) => {
                if summary && args.format.is_none_or(|f| f == Format::Table) {
                    env.note(summary_line(&report, args.dry_run));
                }
                outcomes.push((report, None));
            }
            Err(e) => {
                let message = one_line(&e);
                if args.files.len() > 1 {
                    env.say(&message);
                }
                let report = Report {
                    file: shown,
                    ..Report::default()
                };
                outcomes.push((report, Some(message)));
            }
        }
    }
    if let Some(format @ (Format::Csv | Format::Json)) = args.format {
        write_outcomes(&outcomes, format, args.dry_run, env)?;
    }
    let listed: Vec<(&str, Option<&str>)> = outcomes
        .iter()
        .map(|(r, e)| (r.file.as_str(), e.as_deref()))
        .collect();
    super::conclude(&listed, if args.dry_run { "checked" } else { "imported" })
}

fn import(
    conn: &mut Connection,
    path: &std::path::Path,
    shown: &str,
    host_name: &str,
    now: i64,
    args: &EventsArgs,
    env: &mut Env,
) -> Result<Report> {
    let input: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = File::open(path).with_context(|| format!("cannot open '{shown}'"))?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            bail!("'{shown}' is a directory (expected a usage log or a session summary file)");
        }
        Box::new(file)
    };
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .context("cannot start writing to the database")?;
    let host = db::samples::host_id(&tx, host_name)?;
    let mut shown_warnings = 0usize;
    let mut warn = |message: &str| {
        // The first warnings in full; the summary counts them all.
        const SHOWN: usize = 20;
        if shown_warnings < SHOWN {
            env.warn(message);
        } else if shown_warnings == SHOWN {
            env.warn("more warnings follow; only their number is shown");
        }
        shown_warnings += 1;
    };
    let strict = args.strict.then_some(STRICT);
    let mut loader = Loader::new(&tx, host, &args.app, strict, now, &mut warn);
    events::read(&mut loader, shown, input)?;
    let mut report = loader.finish()?;
    report.file = shown.to_string();
    if report.lines > 0 && report.skipped == report.lines {
        bail!(
            "'{shown}' holds no events: none of its {} is a JSON event (expected a usage log, one JSON object per line, or a session summary file)",
            counted(report.lines, "line")
        );
    }
    if args.dry_run {
        tx.rollback()?;
    } else {
        tx.commit()
            .with_context(|| format!("cannot commit '{shown}' to the database"))?;
    }
    Ok(report)
}

fn summary_line(r: &Report, dry_run: bool) -> String {
    let added = if dry_run { "to add" } else { "added" };
    let mut line = format!(
        "{}: {}, {} {added}, {} already stored, {} skipped, {}",
        r.file,
        counted(r.lines, "line"),
        counted(r.added, "event"),
        r.stored,
        r.skipped,
        counted(r.sessions, "session"),
    );
    if r.unfinished {
        line.push_str(
            "; its last line is unfinished (being written?) and left for the next import",
        );
    }
    line
}

fn write_outcomes(
    outcomes: &[(Report, Option<String>)],
    format: Format,
    dry_run: bool,
    env: &mut Env,
) -> Result<()> {
    let status = |e: &Option<String>| match (e, dry_run) {
        (Some(_), _) => "failed",
        (None, true) => "checked",
        (None, false) => "imported",
    };
    let rows = Rows {
        columns: vec![
            "file",
            "status",
            "lines",
            "added",
            "stored",
            "skipped",
            "sessions",
            "unfinished",
            "error",
        ],
        rows: outcomes
            .iter()
            .map(|(r, e)| {
                let n = |v: u64| Cell::Int(v as i64);
                vec![
                    Cell::Text(r.file.clone()),
                    Cell::Text(status(e).into()),
                    n(r.lines),
                    n(r.added),
                    n(r.stored),
                    n(r.skipped),
                    n(r.sessions),
                    Cell::Bool(r.unfinished),
                    e.clone().into(),
                ]
            })
            .collect(),
    };
    rows.write(format, &mut env.stdout)?;
    env.stdout.flush()?;
    Ok(())
}

pub fn run_event(args: &EventArgs, config: &Config, env: &mut Env) -> Result<()> {
    let now = (env.now() * MICROS as f64) as i64;
    let at = match &args.at {
        None => now,
        Some(text) => events::parse_time(text)
            .or_else(|| crate::time::parse_time(text, now / MICROS).ok().map(|t| t * MICROS))
            .ok_or_else(|| {
                UsageError(format!(
                    "--at '{text}' is not a time (expected 2024-03-13 14:05:07, or ISO 8601 as 2024-03-13T14:05:07.5+01:00)"
                ))
            })?,
    };
    let (kind, name) = match (&args.error, args.start, args.end) {
        (Some(_), _, _) => (
            Kind::Error,
            args.action.clone().unwrap_or_else(|| "error".into()),
        ),
        (None, true, _) => (Kind::Start, String::new()),
        (None, _, true) => (Kind::End, String::new()),
        (None, false, false) => (Kind::Action, args.action.clone().unwrap_or_default()),
    };
    let mut details = serde_json::Map::new();
    for (k, v) in &args.detail {
        if details.insert(k.clone(), v.clone().into()).is_some() {
            return Err(
                UsageError(format!("--detail {k}= is given twice (give each key once)")).into(),
            );
        }
    }
    let details = (!details.is_empty()).then_some(serde_json::Value::Object(details));
    let detail = match (&args.error, details) {
        (Some(message), d) => {
            let mut m = serde_json::Map::new();
            m.insert("message".into(), message.clone().into());
            if let Some(d) = d {
                m.insert("details".into(), d);
            }
            Some(serde_json::Value::Object(m).to_string())
        }
        (None, d) => d.map(|d| d.to_string()),
    };
    let user = args.user.clone().unwrap_or_else(|| env.user());
    let event = Event {
        kind,
        session: args.session.as_str().into(),
        user: Some(user.into()),
        at,
        name: name.into(),
        detail: detail.map(Into::into),
    };
    let host_name = host::own_name(None, config.file.host.as_deref(), &env.sysroot)?;
    let mut conn = db::open(&config.db)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .context("cannot start writing to the database")?;
    let host = db::samples::host_id(&tx, &host_name)?;
    let mut warn = |_: &str| {};
    let mut loader = Loader::new(&tx, host, &args.app, Some(""), now, &mut warn);
    let place = Place {
        file: "",
        line: 0,
        part: None,
    };
    loader.add(place, event)?;
    loader.finish()?;
    tx.commit()
        .context("cannot commit the event to the database")?;
    Ok(())
}
