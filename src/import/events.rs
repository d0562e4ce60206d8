//! Application usage events: the logs of a usage logger (one JSON object per line, with or
//! without a `2024-01-01 12:00:00 - INFO - ` prefix), its `session_*.json` summary files, and
//! single events given on the command line, stored as they were logged inside the caller's
//! transaction.
//!
//! An event is the same event when its session, time, kind and action are: importing a log
//! again, or a rotated copy of it, or a summary of sessions already in the log, adds nothing.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{BufRead, BufReader, Read};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDateTime, Timelike};
use rusqlite::Transaction;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::activity::MICROS;
use crate::db::activity::{self as store, EventRow, Kind};
use crate::time::Zone;

/// The longest line read: a usage logger's lines are far shorter.
const MAX_LINE: usize = 1 << 20;

/// One event, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<'a> {
    pub kind: Kind,
    pub session: Cow<'a, str>,
    pub user: Option<Cow<'a, str>>,
    /// UTC microseconds.
    pub at: i64,
    /// The action_type or error_type; empty for a start or an end.
    pub name: Cow<'a, str>,
    /// The details (of a start: its system_info; of an error: its message and details), as
    /// JSON text.
    pub detail: Option<Cow<'a, str>>,
}

/// Where an event was read: a file and line, or a summary file's part.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub file: &'a str,
    pub line: u64,
    /// In a summary file: which part ("start_time", "actions[3]").
    pub part: Option<&'a str>,
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.part {
            Some(part) => write!(f, "{}: {part}", self.file),
            None => write!(f, "{}:{}", self.file, self.line),
        }
    }
}

/// What one file (or one event) did, as shown in the summary.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub file: String,
    /// Lines read (blank lines aside); 1 for a summary file.
    pub lines: u64,
    pub added: u64,
    /// Events already stored.
    pub stored: u64,
    /// Lines and events skipped with a warning.
    pub skipped: u64,
    /// Sessions with events added.
    pub sessions: u64,
    /// The last line had no end (still being written, or cut off) and was left for later.
    pub unfinished: bool,
}

/// A session as the loader knows it while a file is read.
struct Known {
    id: i64,
    user: String,
    start: Option<i64>,
    end: Option<i64>,
    /// Its latest event so far in this file, and where.
    latest: Option<(i64, u64)>,
}

/// Stores events into one transaction, checking each against its session.
pub struct Loader<'t, 'w> {
    tx: &'t Transaction<'t>,
    host: i64,
    app: String,
    /// With --strict (or for a single event), what a problem's error adds; else problems are
    /// warnings.
    strict: Option<&'static str>,
    /// UTC microseconds: events more than a day later are refused.
    now: i64,
    sessions: HashMap<String, Known>,
    touched: HashSet<i64>,
    warn: &'w mut dyn FnMut(&str),
    pub report: Report,
}

impl<'t, 'w> Loader<'t, 'w> {
    pub fn new(
        tx: &'t Transaction<'t>,
        host: i64,
        app: &str,
        strict: Option<&'static str>,
        now: i64,
        warn: &'w mut dyn FnMut(&str),
    ) -> Loader<'t, 'w> {
        Loader {
            tx,
            host,
            app: app.to_string(),
            strict,
            now,
            sessions: HashMap::new(),
            touched: HashSet::new(),
            warn,
            report: Report::default(),
        }
    }

    /// A problem with one line or event: an error with --strict, else a warning and the line is
    /// left out (or, with `kept`, stored all the same).
    fn problem(&mut self, place: Place, message: impl fmt::Display, kept: bool) -> Result<()> {
        let text = if place.file.is_empty() {
            message.to_string()
        } else {
            format!("{place}: {message}")
        };
        if let Some(note) = self.strict {
            let cut = text.rfind("; skipped").or_else(|| text.rfind("; kept"));
            let text = &text[..cut.unwrap_or(text.len())];
            bail!("{text}{note}");
        }
        if !kept {
            self.report.skipped += 1;
        }
        (self.warn)(&text);
        Ok(())
    }

    /// A line of a log: an event, or a problem with it.
    pub fn line(&mut self, place: Place, line: &str) -> Result<()> {
        match parse_line(line) {
            Ok(Some(event)) => self.add(place, event),
            Ok(None) => Ok(()),
            Err(message) => self.problem(place, message, false),
        }
    }

    /// Stores one event after checking it against its session.
    pub fn add(&mut self, place: Place, e: Event) -> Result<()> {
        if e.at > self.now + 86_400 * MICROS {
            let at = when(e.at);
            return self.problem(
                place,
                format!("the event's time {at} is more than a day ahead of this machine's clock (a clock set wrong?); skipped"),
                false,
            );
        }
        if !self.sessions.contains_key(e.session.as_ref()) {
            let known = match store::find(self.tx, self.host, &self.app, &e.session)? {
                Some(k) => Known {
                    id: k.id,
                    user: k.user,
                    start: k.start,
                    end: k.end,
                    latest: None,
                },
                None => {
                    let Some(user) = e.user.as_deref().filter(|u| !u.is_empty()) else {
                        return self.problem(
                            place,
                            format!(
                                "the event has no user_id and session {} has no earlier event naming its user; skipped",
                                quoted(&e.session)
                            ),
                            false,
                        );
                    };
                    let id = store::create(self.tx, self.host, &self.app, &e.session, user, e.at)?;
                    Known {
                        id,
                        user: user.to_string(),
                        start: None,
                        end: None,
                        latest: None,
                    }
                }
            };
            self.sessions.insert(e.session.to_string(), known);
        }
        let Some(s) = self.sessions.get(e.session.as_ref()) else {
            return Ok(());
        };
        let (id, start, end, latest) = (s.id, s.start, s.end, s.latest);
        if let Some(user) = e.user.as_deref().filter(|u| *u != s.user && !u.is_empty()) {
            let owner = s.user.clone();
            return self.problem(
                place,
                format!(
                    "session {} of {} is user {}'s; this event names user {} (a session id used twice?); skipped",
                    quoted(&e.session),
                    self.app,
                    quoted(&owner),
                    quoted(user)
                ),
                false,
            );
        }
        // Shown only in a problem's message: formatted then, not for every event.
        let session = Quoted(&e.session);
        let at = When(e.at);
        match e.kind {
            Kind::Start => {
                if let Some(s) = start.filter(|&s| s != e.at) {
                    let s = when(s);
                    return self.problem(
                        place,
                        format!("session {session} already started at {s}; a second session_start at {at} skipped"),
                        false,
                    );
                }
                if let Some(end) = end.filter(|&end| end < e.at) {
                    let end = when(end);
                    return self.problem(
                        place,
                        format!(
                            "session_start at {at} is after the session's end at {end}; skipped"
                        ),
                        false,
                    );
                }
            }
            Kind::End => {
                if let Some(s) = start.filter(|&s| e.at < s) {
                    let s = when(s);
                    return self.problem(
                        place,
                        format!("session_end at {at} is before session {session}'s start at {s}; skipped"),
                        false,
                    );
                }
                if let Some(end) = end.filter(|&end| end != e.at) {
                    let end = when(end);
                    return self.problem(
                        place,
                        format!("session {session} already ended at {end}; a second session_end at {at} skipped"),
                        false,
                    );
                }
            }
            Kind::Action | Kind::Error => {
                let what = e.kind.as_str();
                if let Some(s) = start.filter(|&s| e.at < s) {
                    let (by, s) = (gap(s - e.at), when(s));
                    self.problem(
                        place,
                        format!("{what} at {at} is {by} before session {session}'s start at {s} (clock skew?); kept, the session taken to begin then"),
                        true,
                    )?;
                } else if let Some(end) = end.filter(|&end| e.at > end) {
                    let (by, end) = (gap(e.at - end), when(end));
                    self.problem(
                        place,
                        format!("{what} at {at} is {by} after session {session}'s end at {end} (clock skew?); kept, the session taken to last until then"),
                        true,
                    )?;
                } else if let Some((t, line)) = latest.filter(|&(t, _)| e.at + MICROS < t) {
                    let by = gap(t - e.at);
                    self.problem(
                        place,
                        format!("{what} at {at} is {by} earlier than the event of line {line} of the same session (the clock went back?); kept at its own time"),
                        true,
                    )?;
                }
            }
        }
        let row = EventRow {
            at: e.at,
            kind: e.kind,
            name: &e.name,
            detail: e.detail.as_deref(),
        };
        if store::insert(self.tx, id, &row)? {
            self.report.added += 1;
            if self.touched.insert(id) {
                self.report.sessions += 1;
            }
        } else {
            self.report.stored += 1;
        }
        if let Some(s) = self.sessions.get_mut(e.session.as_ref()) {
            match e.kind {
                Kind::Start => s.start = Some(e.at),
                Kind::End => s.end = Some(e.at),
                _ => {}
            }
            if s.latest.is_none_or(|(t, _)| e.at >= t) {
                s.latest = Some((e.at, place.line));
            }
        }
        Ok(())
    }

    /// Sets the span and counts of every session given events; returns what was done.
    pub fn finish(self) -> Result<Report> {
        for &id in &self.touched {
            store::refresh(self.tx, id)?;
        }
        Ok(self.report)
    }
}

/// Reads a log (one event per line) or a summary file into the loader. A last line without an
/// end is still being written, or was cut off: it is left for a later import, unless it holds a
/// whole event.
pub fn read(loader: &mut Loader, name: &str, input: impl Read) -> Result<()> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let first = input
        .fill_buf()
        .with_context(|| format!("cannot read '{name}'"))?;
    let text_start = first.iter().position(|b| !b.is_ascii_whitespace());
    if text_start.is_some_and(|i| first[i] == b'{') && is_summary(first) {
        let mut text = String::new();
        input
            .read_to_string(&mut text)
            .with_context(|| format!("'{name}' is not UTF-8 text (expected JSON)"))?;
        loader.report.lines = 1;
        return summary(loader, name, &text);
    }
    let mut buf = Vec::with_capacity(1024);
    let mut number = 0u64;
    loop {
        buf.clear();
        let n = (&mut input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .with_context(|| format!("cannot read '{name}'"))?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        let place = Place {
            file: name,
            line: number,
            part: None,
        };
        let whole = buf.last() == Some(&b'\n');
        if !whole && buf.len() > MAX_LINE {
            bail!(
                "{place}: the line is longer than {MAX_LINE} bytes (expected one JSON event per line)"
            );
        }
        let Ok(line) = std::str::from_utf8(&buf) else {
            loader.problem(place, "the line is not UTF-8 text; skipped", false)?;
            continue;
        };
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        if !whole {
            match parse_line(line) {
                Ok(Some(event)) => {
                    loader.report.lines += 1;
                    loader.add(place, event)?;
                }
                _ => {
                    loader.report.unfinished = true;
                    // Not a problem of the file: a writer is likely midway through it.
                }
            }
            return Ok(());
        }
        loader.report.lines += 1;
        loader.line(place, line)?;
    }
}

/// A summary file starts with an object over several lines whose first key is one of its own.
fn is_summary(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    lines.next() == Some("{")
        && lines.next().is_some_and(|l| {
            [
                "\"session_id\"",
                "\"start_time\"",
                "\"end_time\"",
                "\"user_id\"",
            ]
            .iter()
            .any(|k| l.starts_with(k))
        })
}

/// The JSON of one log line, read past the logger's prefix.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    event: Option<Cow<'a, str>>,
    #[serde(borrow)]
    session_id: Option<&'a RawValue>,
    #[serde(borrow)]
    user_id: Option<&'a RawValue>,
    #[serde(borrow)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(borrow)]
    action_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    error_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<&'a RawValue>,
    #[serde(borrow)]
    details: Option<&'a RawValue>,
    #[serde(borrow)]
    system_info: Option<&'a RawValue>,
}

const KINDS: &str = "session_start, session_end, user_action or error";

/// One line of a log: `Ok(None)` for a blank one.
pub fn parse_line(line: &str) -> Result<Option<Event<'_>>, String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    let json = strip_prefix(line).ok_or_else(|| {
        format!(
            "not an event: {} (expected a JSON object, alone or after a 'YYYY-MM-DD HH:MM:SS - LEVEL - ' prefix); skipped",
            excerpt(line)
        )
    })?;
    let raw: Line = serde_json::from_str(json).map_err(|e| {
        format!(
            "not valid JSON ({}, at column {}); skipped",
            plain(&e),
            e.column() + (json.as_ptr() as usize - line.as_ptr() as usize)
        )
    })?;
    let kind = match raw.event.as_deref() {
        Some("session_start") => Kind::Start,
        Some("session_end") => Kind::End,
        Some("user_action") => Kind::Action,
        Some("error") => Kind::Error,
        Some(other) => {
            return Err(format!(
                "unknown event kind {} (expected {KINDS}); skipped",
                quoted(other)
            ));
        }
        None => {
            return Err(format!(
                "no \"event\" field (expected one of {KINDS}); skipped"
            ));
        }
    };
    let session = match raw.session_id {
        Some(id) => id_text(id).ok_or("session_id is not a string or number; skipped")?,
        None => return Err("no \"session_id\" field; skipped".into()),
    };
    let user = match raw.user_id {
        Some(id) => Some(id_text(id).ok_or("user_id is not a string or number; skipped")?),
        None => None,
    };
    let at = match raw.timestamp.as_deref() {
        Some(t) => parse_time(t).ok_or_else(|| {
            format!(
                "timestamp {} is not a time (expected ISO 8601, as 2024-01-01T12:00:00.123456, local unless it has an offset); skipped",
                quoted(t)
            )
        })?,
        None => return Err("no \"timestamp\" field; skipped".into()),
    };
    let (name, detail) = match kind {
        Kind::Start => (Cow::Borrowed(""), raw.system_info.map(raw_text)),
        Kind::End => (Cow::Borrowed(""), None),
        Kind::Action => match raw.action_type {
            Some(a) if !a.is_empty() => (a, raw.details.map(raw_text)),
            _ => return Err("user_action without an action_type; skipped".into()),
        },
        Kind::Error => (
            raw.error_type
                .filter(|t| !t.is_empty())
                .unwrap_or(Cow::Borrowed("error")),
            error_detail(raw.message, raw.details),
        ),
    };
    Ok(Some(Event {
        kind,
        session,
        user,
        at,
        name,
        detail,
    }))
}

/// The JSON of a line: the whole line, or what follows a logging prefix (a date, a time, a
/// level, separated by " - ").
fn strip_prefix(line: &str) -> Option<&str> {
    if line.starts_with('{') {
        return Some(line);
    }
    let open = line.find('{')?;
    let prefix = line[..open].trim_end();
    let prefix = prefix.strip_suffix('-')?.trim_end();
    let (time, level) = prefix.rsplit_once(" - ")?;
    let dated = time.len() >= 19
        && time.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && time.as_bytes()[4] == b'-';
    let level_ok = !level.is_empty() && level.bytes().all(|b| b.is_ascii_alphabetic());
    (dated && level_ok).then_some(&line[open..])
}

/// An id given as a string ("20240101120000") or a bare number.
fn id_text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get();
    if text.starts_with('"') {
        serde_json::from_str::<Cow<str>>(text).ok()
    } else if text
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'-' || b == b'.')
        && !text.is_empty()
    {
        Some(Cow::Borrowed(text))
    } else {
        None
    }
}

fn raw_text(raw: &RawValue) -> Cow<'_, str> {
    Cow::Borrowed(raw.get())
}

/// An error's message and details, kept as one JSON object.
fn error_detail<'a>(
    message: Option<&'a RawValue>,
    details: Option<&'a RawValue>,
) -> Option<Cow<'a, str>> {
    let parts: Vec<String> = [("message", message), ("details", details)]
        .into_iter()
        .filter_map(|(k, v)| {
            v.filter(|v| v.get() != "null")
                .map(|v| format!("\"{k}\":{}", v.get()))
        })
        .collect();
    (!parts.is_empty()).then(|| Cow::Owned(format!("{{{}}}", parts.join(","))))
}

/// An ISO 8601 time: local wall-clock time (as Python's `datetime.now().isoformat()` writes
/// it), or with `Z` or an offset. UTC microseconds.
pub fn parse_time(text: &str) -> Option<i64> {
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            let micros = i64::from(local.nanosecond() / 1000);
            let whole = local.with_nanosecond(0)?;
            return Some(Zone::Local.timestamp(whole) * MICROS + micros);
        }
    }
    let t = DateTime::parse_from_rfc3339(text)
        .ok()
        .or_else(|| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z").ok())?;
    Some(t.timestamp() * MICROS + i64::from(t.timestamp_subsec_micros()))
}

#[derive(Deserialize)]
struct SummaryFile {
    session_id: Box<RawValue>,
    user_id: Option<Box<RawValue>>,
    start_time: String,
    end_time: Option<String>,
    system_info: Option<Box<RawValue>>,
    #[serde(default)]
    actions: Vec<SummaryAction>,
}

#[derive(Deserialize)]
struct SummaryAction {
    timestamp: String,
    action_type: String,
    details: Option<Box<RawValue>>,
}

/// A session summary file: its start, actions and end as events.
fn summary(loader: &mut Loader, name: &str, text: &str) -> Result<()> {
    let place = |part| Place {
        file: name,
        line: 1,
        part: Some(part),
    };
    let file: SummaryFile = match serde_json::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            return loader.problem(
                Place {
                    file: name,
                    line: e.line() as u64,
                    part: None,
                },
                format!(
                    "not a session summary ({}; expected session_id, user_id, start_time, end_time, actions); skipped",
                    plain(&e)
                ),
                false,
            );
        }
    };
    let Some(session) = id_text(&file.session_id) else {
        return loader.problem(
            place("session_id"),
            "not a string or number; skipped",
            false,
        );
    };
    let user = file.user_id.as_deref().and_then(id_text);
    let time = |loader: &mut Loader, part: &'static str, t: &str| -> Result<Option<i64>> {
        match parse_time(t) {
            Some(at) => Ok(Some(at)),
            None => {
                loader.problem(
                    place(part),
                    format!("{} is not a time (expected ISO 8601); skipped", quoted(t)),
                    false,
                )?;
                Ok(None)
            }
        }
    };
    let event = |kind, at, name: &str, detail: Option<&RawValue>| Event {
        kind,
        session: session.clone(),
        user: user.clone(),
        at,
        name: Cow::Owned(name.to_string()),
        detail: detail.map(|d| Cow::Owned(d.get().to_string())),
    };
    if let Some(at) = time(loader, "start_time", &file.start_time)? {
        loader.add(
            place("start_time"),
            event(Kind::Start, at, "", file.system_info.as_deref()),
        )?;
    }
    let parts: Vec<String> = (0..file.actions.len())
        .map(|i| format!("actions[{i}]"))
        .collect();
    for (a, part) in file.actions.iter().zip(&parts) {
        let at = match parse_time(&a.timestamp) {
            Some(at) => at,
            None => {
                loader.problem(
                    Place {
                        file: name,
                        line: 1,
                        part: Some(part),
                    },
                    format!(
                        "{} is not a time (expected ISO 8601); skipped",
                        quoted(&a.timestamp)
                    ),
                    false,
                )?;
                continue;
            }
        };
        let p = Place {
            file: name,
            line: 1,
            part: Some(part),
        };
        loader.add(
            p,
            event(Kind::Action, at, &a.action_type, a.details.as_deref()),
        )?;
    }
    if let Some(end) = &file.end_time
        && let Some(at) = time(loader, "end_time", end)?
    {
        loader.add(place("end_time"), event(Kind::End, at, "", None))?;
    }
    Ok(())
}

/// serde_json's message without its own " at line 1 column 5".
fn plain(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn quoted(text: &str) -> String {
    Quoted(text).to_string()
}

/// The start of a long line, for a message.
fn excerpt(line: &str) -> String {
    let cut: String = line.chars().take(60).collect();
    if cut.len() < line.len() {
        format!("{}...", quoted(&cut))
    } else {
        quoted(&cut)
    }
}

/// A local time to the second, as a log shows it.
fn when(micros: i64) -> String {
    When(micros).to_string()
}

/// [`when`], formatted only when shown.
struct When(i64);

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let t = Zone::Local.time(self.0.div_euclid(MICROS));
        write!(f, "{}", t.format("%Y-%m-%d %H:%M:%S"))
    }
}

/// [`quoted`], formatted only when shown.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "'{}'", crate::render::visible(self.0))
    }
}

fn gap(micros: i64) -> String {
    crate::time::show_duration(micros / MICROS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_read_with_or_without_the_logging_prefix() {
        let json = r#"{"event": "user_action", "session_id": "20240101120000", "user_id": "ana", "timestamp": "2024-01-01T12:05:00.250000", "action_type": "open_file", "details": {"path": "/x"}}"#;
        let bare = parse_line(json).unwrap().unwrap();
        let line = format!("2024-01-01 12:05:00 - INFO - {json}");
        let prefixed = parse_line(&line).unwrap().unwrap();
        assert_eq!(bare, prefixed);
        assert_eq!(bare.kind, Kind::Action);
        assert_eq!(bare.session, "20240101120000");
        assert_eq!(bare.name, "open_file");
        assert_eq!(bare.detail.as_deref(), Some(r#"{"path": "/x"}"#));
        assert_eq!(bare.at % MICROS, 250_000);
        assert!(parse_line("   ").unwrap().is_none());
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let err = |l: &str| parse_line(l).unwrap_err();
        assert!(
            err("hello world").contains("not an event"),
            "{}",
            err("hello world")
        );
        assert!(err(r#"{"event": "user_action", "session_id": "s""#).contains("not valid JSON"));
        assert!(
            err(r#"{"event": "login", "session_id": "s", "timestamp": "2024-01-01T00:00:00"}"#)
                .contains("unknown event kind 'login'")
        );
        assert!(
            err(r#"{"event": "user_action", "session_id": "s", "timestamp": "yesterday"}"#)
                .contains("timestamp 'yesterday' is not a time")
        );
        assert!(
            err(
                r#"{"event": "user_action", "session_id": "s", "timestamp": "2024-01-01T00:00:00"}"#
            )
            .contains("without an action_type")
        );
        assert!(
            err(r#"{"event": "error", "timestamp": "2024-01-01T00:00:00"}"#).contains("session_id")
        );
    }

    #[test]
    fn an_error_keeps_its_message_and_details() {
        let e = parse_line(
            r#"{"event": "error", "session_id": 7, "user_id": "ana", "timestamp": "2024-01-01T00:00:00Z", "error_type": "io", "message": "disk \"full\"", "details": {}}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (e.kind, e.session.as_ref(), e.name.as_ref()),
            (Kind::Error, "7", "io")
        );
        let detail: serde_json::Value = serde_json::from_str(e.detail.as_deref().unwrap()).unwrap();
        assert_eq!(detail["message"], "disk \"full\"");
        assert_eq!(e.at, 1_704_067_200 * MICROS);
    }

    #[test]
    fn times_with_an_offset_are_exact() {
        assert_eq!(
            parse_time("2024-01-01T01:00:00+01:00"),
            Some(1_704_067_200 * MICROS)
        );
        assert_eq!(
            parse_time("2024-01-01T00:00:00.000001Z"),
            Some(1_704_067_200 * MICROS + 1)
        );
        assert_eq!(parse_time("2024-13-01T00:00:00"), None);
    }

    #[test]
    fn a_summary_file_is_told_from_a_log() {
        assert!(is_summary(b"{\n    \"session_id\": \"1\",\n"));
        assert!(!is_summary(b"{\"event\": \"session_start\"}\n"));
        assert!(!is_summary(b"{\n  \"rows\": 1\n}"));
    }
}
