//! Loading one CSV file into the ledger inside the caller's transaction: the header decides the
//! layout, every row is validated, and each value is inserted, corrected or left unchanged.
//!
//! Any error returns before the caller commits, so a file lands whole or not at all.

use std::collections::HashMap;

use anyhow::{Result, anyhow, bail};
use chrono::{Datelike, NaiveDate};
use csv::ByteRecord;
use rusqlite::Connection;

use super::parse::{self, AmountError, Day};
use super::source::{Input, describe};
use crate::db;
use crate::ledger::{self, format_gb};

/// How a file lays out its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `Date,Location1,Location2,...`: one row per date, one column per location.
    Wide,
    /// `date,location,usage`: one row per value.
    Long,
    /// `period_start,location,total`: totals per billing period.
    Monthly,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Wide => "wide",
            Layout::Long => "long",
            Layout::Monthly => "monthly",
        }
    }
}

/// How cells are read; the same for every file of a run.
pub struct Options {
    pub layout: Option<Layout>,
    pub date_format: Option<String>,
    /// The year of the first yearless date.
    pub year: Option<i32>,
    pub decimal_comma: bool,
    /// Bytes in one unit of a bare number.
    pub unit: u128,
    pub strict: bool,
    /// Column names (slugged) that are read past.
    pub ignore: Vec<String>,
    /// The most one location may use in a day, in bytes.
    pub max_daily: i64,
    /// The billing day of locations without their own.
    pub billing_day: u8,
    /// Today in the configured zone: the latest date accepted is tomorrow.
    pub today: NaiveDate,
    /// UTC seconds stamped on what is written.
    pub now: i64,
}

/// The earliest date accepted.
const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1990, 1, 1) {
    Some(d) => d,
    None => panic!(),
};

/// What one file did, as shown in the summary.
#[derive(Debug, Default)]
pub struct Report {
    pub file: String,
    pub layout: Option<Layout>,
    /// Data rows read (blank rows aside).
    pub rows: u64,
    /// Values stored that were not there before.
    pub inserted: u64,
    /// Values that replaced a different stored value.
    pub updated: u64,
    /// Values equal to what was stored (and empty cells over stored values).
    pub unchanged: u64,
    /// Cells that were not numbers.
    pub skipped: u64,
    pub warnings: u64,
    /// Locations created for headers or names not seen before.
    pub new_locations: u64,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
}

/// Imports `input` through `conn` (inside the caller's transaction). `warn` receives each
/// warning, already placed (`file:line:column: ...`); `progress` the bytes read so far.
pub fn import(
    conn: &Connection,
    input: &mut Input,
    opts: &Options,
    warn: &mut dyn FnMut(&str),
    progress: &mut dyn FnMut(u64),
) -> Result<Report> {
    let name = input.name.clone();
    let mut reader = csv_reader(input)?;
    let mut record = ByteRecord::new();
    let header = read_header(&mut reader, &mut record, &name)?;
    if !read_row(&mut reader, &mut record, &name)? {
        bail!("'{name}' has a header but no rows");
    }
    // A first row of a date and amounts makes a wide file whatever its header calls the date
    // column (Datum, Fecha).
    let dated = text(&record, 0, &name)
        .is_ok_and(|t| parse::date(t, opts.date_format.as_deref()).is_ok())
        && (1..record.len()).all(|col| {
            text(&record, col, &name)
                .is_ok_and(|t| parse::amount(t, opts.decimal_comma, opts.unit).is_ok())
        });
    let plan = Plan::new(&header, opts, &name, (input.delimiter, dated))?;
    let mut loader = Loader::new(conn, opts, &name, input.delimiter, plan.layout, warn)?;
    // Yearless dates are placed so the latest lands on or before today, which takes a look at
    // every date first.
    if opts.year.is_none() && loader.is_yearless(plan.date_cell(&record)) {
        let mut scan = csv_reader(input)?;
        let mut rec = ByteRecord::new();
        read_row(&mut scan, &mut rec, &name)?;
        read_row(&mut scan, &mut rec, &name)?;
        loader.years.base = Some(yearless_base(&mut scan, &mut rec, &plan, opts));
    }
    for (col, header) in &plan.locations {
        let loc = loader.location(header, 1)?;
        loader.columns.push((*col, loc));
    }
    let mut rows = 0u64;
    loop {
        loader.row(&plan, &record)?;
        rows += 1;
        if rows.is_multiple_of(8192) {
            progress(reader.get_ref().consumed);
        }
        if !read_row(&mut reader, &mut record, &name)? {
            break;
        }
    }
    progress(reader.get_ref().consumed);
    let mut report = loader.report;
    report.file = input.name.clone();
    report.layout = Some(plan.layout);
    report.rows = rows;
    Ok(report)
}

/// Stores one value given on the command line, `[date, location, amount]`, with the checks of
/// a file row; `layout` is long (a day) or monthly (a period). Errors carry no file position.
pub fn set(conn: &Connection, opts: &Options, layout: Layout, cells: [&str; 3]) -> Result<Report> {
    let plan = Plan {
        layout,
        width: 3,
        date: 0,
        location: 1,
        value: 2,
        locations: Vec::new(),
    };
    let mut ignore = |_: &str| {};
    let mut loader = Loader::new(conn, opts, "", b',', layout, &mut ignore)?;
    loader.row(&plan, &ByteRecord::from(cells.to_vec()))?;
    Ok(loader.report)
}

type Reader = csv::Reader<super::source::LineGuard<std::io::BufReader<std::fs::File>>>;

fn csv_reader(input: &mut Input) -> Result<Reader> {
    Ok(csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(input.delimiter)
        // Lines end at '\n' alone, so CRLF files count lines as LF files do (the '\r' is
        // trimmed off the last cell like any other space).
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(input.reader()?))
}

/// Reads the next row that has any non-blank cell; false at the end.
fn read_row(reader: &mut Reader, record: &mut ByteRecord, name: &str) -> Result<bool> {
    loop {
        match reader.read_byte_record(record) {
            Ok(false) => return Ok(false),
            Ok(true) if record.iter().all(|f| f.trim_ascii().is_empty()) => continue,
            Ok(true) => return Ok(true),
            Err(e) => return Err(csv_error(e, name)),
        }
    }
}

fn csv_error(e: csv::Error, name: &str) -> anyhow::Error {
    if !e.is_io_error() {
        return anyhow!("{name}: {e}");
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => describe(io, name),
        other => anyhow!("{name}: {other:?}"),
    }
}

/// Where a cell is, as a message prefix: `file:line:column: `; nothing for a command line.
fn place(name: &str, line: u64, col: usize) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!("{name}:{line}:{}: ", col + 1)
    }
}

fn line_of(record: &ByteRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

/// A cell as text, or an error naming where it is.
fn text<'a>(record: &'a ByteRecord, col: usize, name: &str) -> Result<&'a str> {
    let bytes = record.get(col).unwrap_or_default();
    std::str::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "{}not UTF-8 text (byte {:#04x} at offset {}); save the file as UTF-8",
            place(name, line_of(record), col),
            bytes[e.valid_up_to()],
            e.valid_up_to()
        )
    })
}

fn read_header(reader: &mut Reader, record: &mut ByteRecord, name: &str) -> Result<Vec<String>> {
    if !read_row(reader, record, name)? {
        bail!("'{name}' is empty (expected a header line such as 'Date,Location1,Location2')");
    }
    (0..record.len())
        .map(|col| text(record, col, name).map(|t| t.trim().to_string()))
        .collect()
}

/// Which column holds what, decided from the header.
struct Plan {
    layout: Layout,
    width: usize,
    date: usize,
    /// Long and monthly: the location and value columns.
    location: usize,
    value: usize,
    /// Wide: (column, header) of each location column.
    locations: Vec<(usize, String)>,
}

const DATE_NAMES: &[&str] = &["date", "day"];
const LOCATION_NAMES: &[&str] = &["location", "location_name"];
const USAGE_NAMES: &[&str] = &["usage", "usage_gb", "gb", "value"];
const PERIOD_NAMES: &[&str] = &["period_start", "period", "start", "month"];
const TOTAL_NAMES: &[&str] = &["total", "total_gb", "total_usage_gb", "usage", "usage_gb"];

impl Plan {
    /// `delimiter` is the file's, `dated` whether the first row starts with a date.
    fn new(
        header: &[String],
        opts: &Options,
        name: &str,
        (delimiter, dated): (u8, bool),
    ) -> Result<Plan> {
        let slugs: Vec<String> = header.iter().map(|h| ledger::slug(h)).collect();
        let has = |names: &[&str]| slugs.iter().any(|s| names.contains(&s.as_str()));
        let layout = match opts.layout {
            Some(l) => l,
            None if has(PERIOD_NAMES) && has(LOCATION_NAMES) => Layout::Monthly,
            None if has(DATE_NAMES) && has(LOCATION_NAMES) => Layout::Long,
            None if slugs[0].starts_with("date") || slugs[0] == "day" || dated => Layout::Wide,
            None => bail!(
                "cannot tell the layout of '{name}' from its header '{}' and first row: expected a first column of dates (wide: Date,<location>,...), 'date,location,usage' (long) or 'period_start,location,total' (monthly); or pass --format wide|long|monthly",
                header.join(&char::from(delimiter).to_string())
            ),
        };
        let mut plan = Plan {
            layout,
            width: header.len(),
            date: 0,
            location: 0,
            value: 0,
            locations: Vec::new(),
        };
        match layout {
            Layout::Wide => plan.wide(header, &slugs, opts, name)?,
            Layout::Long => plan.named(
                header,
                &slugs,
                opts,
                name,
                [DATE_NAMES, LOCATION_NAMES, USAGE_NAMES],
                ["date", "location", "usage"],
            )?,
            Layout::Monthly => plan.named(
                header,
                &slugs,
                opts,
                name,
                [PERIOD_NAMES, LOCATION_NAMES, TOTAL_NAMES],
                ["period_start", "location", "total"],
            )?,
        }
        Ok(plan)
    }

    fn wide(
        &mut self,
        header: &[String],
        slugs: &[String],
        opts: &Options,
        name: &str,
    ) -> Result<()> {
        if header.len() < 2 {
            bail!(
                "{name}:1: a wide file needs a date column and at least one location column (header: '{}')",
                header.join(",")
            );
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (col, (head, slug)) in header.iter().zip(slugs).enumerate().skip(1) {
            if head.is_empty() {
                bail!(
                    "{name}:1:{}: column {} has no header (every column after the date names a location)",
                    col + 1,
                    col + 1
                );
            }
            if opts.ignore.contains(slug) {
                continue;
            }
            if slug.is_empty() {
                bail!(
                    "{name}:1:{}: header '{head}' has no letters or digits to name a location",
                    col + 1
                );
            }
            if let Some(&other) = seen.get(slug.as_str()) {
                bail!(
                    "{name}:1:{}: duplicate header: '{head}' (column {}) and '{}' (column {}) both name location '{slug}'",
                    col + 1,
                    col + 1,
                    header[other],
                    other + 1
                );
            }
            seen.insert(slug, col);
            self.locations.push((col, head.clone()));
        }
        if self.locations.is_empty() {
            bail!("{name}:1: every location column is ignored; nothing to import");
        }
        Ok(())
    }

    /// Long and monthly files: three named columns in any order, others only if ignored.
    fn named(
        &mut self,
        header: &[String],
        slugs: &[String],
        opts: &Options,
        name: &str,
        aliases: [&[&str]; 3],
        names: [&str; 3],
    ) -> Result<()> {
        let layout = self.layout.name();
        let mut found: [Option<usize>; 3] = [None; 3];
        for (col, (head, slug)) in header.iter().zip(slugs).enumerate() {
            if head.is_empty() {
                bail!(
                    "{name}:1:{}: column {} has no header (a {layout} file has {})",
                    col + 1,
                    col + 1,
                    names.join(", ")
                );
            }
            let Some(role) = aliases.iter().position(|a| a.contains(&slug.as_str())) else {
                if opts.ignore.contains(slug) {
                    continue;
                }
                bail!(
                    "{name}:1:{}: unknown column '{head}' (a {layout} file has {}; pass --ignore-column '{head}' to read past it)",
                    col + 1,
                    names.join(", ")
                );
            };
            if let Some(other) = found[role] {
                bail!(
                    "{name}:1:{}: duplicate header: '{head}' (column {}) and '{}' (column {}) are both the {} column",
                    col + 1,
                    col + 1,
                    header[other],
                    other + 1,
                    names[role]
                );
            }
            found[role] = Some(col);
        }
        for (role, col) in found.iter().enumerate() {
            if col.is_none() {
                bail!(
                    "{name}:1: missing column '{}' (a {layout} file has {}; header: '{}'; pass --format wide if the columns after the first name locations)",
                    names[role],
                    names.join(", "),
                    header.join(",")
                );
            }
        }
        [self.date, self.location, self.value] = found.map(|c| c.unwrap_or(0));
        Ok(())
    }

    fn date_cell<'a>(&self, record: &'a ByteRecord) -> &'a [u8] {
        record.get(self.date).unwrap_or_default()
    }
}

/// The years of yearless dates: from `--year` or a first scan, rolling over when the month
/// jumps half a year or more against the file's order: forward in time (Dec -> Jan) in a file
/// oldest first, back (Jan -> Dec) in one newest first. The order is told by the first change
/// of date.
#[derive(Default)]
struct Years {
    base: Option<i32>,
    offset: i32,
    last: Option<(u32, u32)>,
    newest_first: Option<bool>,
}

impl Years {
    /// The year offset of the next yearless (month, day); an error for a step against the
    /// file's order that could be either a disorder or a new year.
    fn step(&mut self, month: u32, day: u32, text: &str) -> Result<i32, String> {
        if let Some(last) = self.last
            && (month, day) != last
        {
            // Forward in time: a small step to a later day, or a turn of the year (Dec -> Jan).
            let later = (month, day) > last;
            let turn = month.abs_diff(last.0) >= 6;
            let forward = later != turn;
            // The first change of date tells the file's order.
            let newest_first = *self.newest_first.get_or_insert(!forward);
            if forward != newest_first {
                if turn {
                    self.offset += if newest_first { -1 } else { 1 };
                }
            } else if !turn && month != last.0 {
                let order = if newest_first {
                    "newest first"
                } else {
                    "oldest first"
                };
                return Err(format!(
                    "'{text}' comes after a date in {} without a year, in a file whose dates run {order}: cannot tell whether it is another year or out of order (give full dates, or sort the file by date)",
                    month_name(last.0)
                ));
            }
        }
        self.last = Some((month, day));
        Ok(self.offset)
    }
}

fn month_name(month: u32) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][(month as usize).clamp(1, 12) - 1]
}

/// The first yearless date's year such that the latest date falls on or before today.
fn yearless_base(reader: &mut Reader, record: &mut ByteRecord, plan: &Plan, opts: &Options) -> i32 {
    let mut years = Years::default();
    let mut latest = (0, 0, 0);
    loop {
        // Errors are left to the import pass, which reports them with their place.
        let cell = std::str::from_utf8(plan.date_cell(record)).unwrap_or_default();
        let Ok(Day::Yearless { month, day }) = parse::date(cell, opts.date_format.as_deref())
        else {
            break;
        };
        let Ok(offset) = years.step(month, day, cell) else {
            break;
        };
        latest = latest.max((offset, month, day));
        if !matches!(read_row(reader, record, ""), Ok(true)) {
            break;
        }
    }
    let (offset, month, day) = latest;
    latest_year(opts.today, month, day) - offset
}

/// The year that puts a yearless day on or before `today`, as late as possible.
pub fn latest_year(today: NaiveDate, month: u32, day: u32) -> i32 {
    if (month, day) > (today.month(), today.day()) {
        today.year() - 1
    } else {
        today.year()
    }
}

/// A location met in this file.
struct Loc {
    id: i64,
    name: String,
    /// How this file first wrote it, and on which line (0: the header), so two labels that
    /// slug alike are refused rather than merged.
    label: String,
    line: u64,
    billing_day: u8,
    /// Days given for it so far, to warn about a value given twice.
    seen: DaySet,
}

/// Days seen, as bits over the span of days met.
#[derive(Default)]
struct DaySet {
    first_word: i64,
    words: Vec<u64>,
}

impl DaySet {
    /// Adds a day (days since 1970); false if it was there.
    fn insert(&mut self, day: i64) -> bool {
        let word = day.div_euclid(64);
        if self.words.is_empty() {
            self.first_word = word;
        }
        if word < self.first_word {
            let grow = (self.first_word - word) as usize;
            self.words.splice(0..0, std::iter::repeat_n(0, grow));
            self.first_word = word;
        }
        let i = (word - self.first_word) as usize;
        if i >= self.words.len() {
            self.words.resize(i + 1, 0);
        }
        let bit = 1u64 << day.rem_euclid(64);
        let new = self.words[i] & bit == 0;
        self.words[i] |= bit;
        new
    }
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!(),
};

/// The date a row's values belong to.
#[derive(Default)]
struct RowDate {
    /// The cell it was read from, to skip parsing a run of equal cells.
    cell: Vec<u8>,
    date: NaiveDate,
    /// The YYYYMMDD key it is stored under and its day number, kept beside it because every
    /// value of a row needs them.
    key: i64,
    days: i64,
}

struct Loader<'c> {
    conn: &'c Connection,
    opts: &'c Options,
    name: &'c str,
    delimiter: u8,
    layout: Layout,
    warn: &'c mut dyn FnMut(&str),
    years: Years,
    /// Whether the file's dates have years; fixed by its first row.
    yearless: Option<bool>,
    locs: Vec<Loc>,
    by_name: HashMap<String, usize>,
    by_cell: HashMap<Vec<u8>, usize>,
    /// Wide: (column, location) pairs.
    columns: Vec<(usize, usize)>,
    date: RowDate,
    /// Whether the last value was new: the statement tried first for the next one.
    expect_new: bool,
    writer: db::ledger::Writer<'c>,
    report: Report,
}

impl<'c> Loader<'c> {
    fn new(
        conn: &'c Connection,
        opts: &'c Options,
        name: &'c str,
        delimiter: u8,
        layout: Layout,
        warn: &'c mut dyn FnMut(&str),
    ) -> Result<Self> {
        let amounts = if layout == Layout::Monthly {
            db::ledger::Amounts::Monthly
        } else {
            db::ledger::Amounts::Daily
        };
        Ok(Loader {
            conn,
            opts,
            name,
            delimiter,
            layout,
            warn,
            years: Years {
                base: opts.year,
                ..Years::default()
            },
            yearless: None,
            locs: Vec::new(),
            by_name: HashMap::new(),
            by_cell: HashMap::new(),
            columns: Vec::new(),
            date: RowDate::default(),
            expect_new: true,
            writer: db::ledger::Writer::new(conn, amounts)?,
            report: Report::default(),
        })
    }

    fn is_yearless(&self, cell: &[u8]) -> bool {
        let text = std::str::from_utf8(cell).unwrap_or_default();
        matches!(
            parse::date(text, self.opts.date_format.as_deref()),
            Ok(Day::Yearless { .. })
        )
    }

    /// The location named `text` (a header or a cell, on `line`), created if new.
    fn location(&mut self, text: &str, line: u64) -> Result<usize> {
        let slug = ledger::slug(text);
        if let Some(&idx) = self.by_name.get(&slug) {
            let first = &self.locs[idx];
            if first.label != text.trim() {
                bail!(
                    "{}:{line}: '{}' and '{}' (line {}) both name location '{slug}' (write each location one way)",
                    self.name,
                    text.trim(),
                    first.label,
                    first.line
                );
            }
            return Ok(idx);
        }
        let (id, billing_day, created) =
            db::ledger::find_or_add(self.conn, &slug, text.trim(), self.opts.now)?;
        if created {
            self.report.new_locations += 1;
        }
        self.locs.push(Loc {
            id,
            name: slug.clone(),
            label: text.trim().to_string(),
            line,
            billing_day: billing_day.unwrap_or(self.opts.billing_day),
            seen: DaySet::default(),
        });
        self.by_name.insert(slug, self.locs.len() - 1);
        Ok(self.locs.len() - 1)
    }

    fn row(&mut self, plan: &Plan, record: &ByteRecord) -> Result<()> {
        let line = line_of(record);
        let name = self.name;
        if record.len() != plan.width {
            bail!(
                "{name}:{line}: {} fields where the header has {} (a missing or extra '{}'?)",
                record.len(),
                plan.width,
                char::from(self.delimiter).escape_default()
            );
        }
        if plan.layout == Layout::Wide {
            self.read_date(record, plan.date, line)?;
            for i in 0..self.columns.len() {
                let (col, loc) = self.columns[i];
                self.value(record, col, line, loc)?;
            }
            return Ok(());
        }
        let cell = record.get(plan.location).unwrap_or_default();
        let loc = match self.by_cell.get(cell) {
            Some(&loc) => loc,
            None => {
                let text = text(record, plan.location, name)?;
                if ledger::slug(text).is_empty() {
                    bail!(
                        "{}'{text}' is not a location name (expected letters or digits)",
                        place(name, line, plan.location)
                    );
                }
                let loc = self.location(text, line)?;
                self.by_cell.insert(cell.to_vec(), loc);
                loc
            }
        };
        if plan.layout == Layout::Monthly {
            self.read_period(record, plan.date, line, loc)?;
        } else {
            self.read_date(record, plan.date, line)?;
        }
        self.value(record, plan.value, line, loc)
    }

    /// Reads the row's date into `self.date`.
    fn read_date(&mut self, record: &ByteRecord, col: usize, line: u64) -> Result<()> {
        let cell = record.get(col).unwrap_or_default();
        // Yearless dates go through `place` every row: a run of them may roll over.
        if !cell.is_empty() && cell == self.date.cell.as_slice() && self.yearless == Some(false) {
            return Ok(());
        }
        let name = self.name;
        let text = text(record, col, name)?;
        let at = |why: String| anyhow!("{}{why}", place(name, line, col));
        if text.trim().is_empty() {
            return Err(at("the row has values but no date".into()));
        }
        let day = parse::date(text, self.opts.date_format.as_deref()).map_err(at)?;
        let date = self.place(day, text).map_err(at)?;
        self.set_date(date).map_err(at)?;
        self.date.cell.clear();
        self.date.cell.extend_from_slice(cell);
        Ok(())
    }

    /// Checks the range of a row's date and makes it current.
    fn set_date(&mut self, date: NaiveDate) -> Result<(), String> {
        let tomorrow = self.opts.today.succ_opt().unwrap_or(self.opts.today);
        if date < EARLIEST || date > tomorrow {
            return Err(format!(
                "{date} is out of range (expected {EARLIEST} to {tomorrow}: usage is not recorded before 1990 or in the future)"
            ));
        }
        let r = &mut self.report;
        r.first_date = Some(r.first_date.map_or(date, |f| f.min(date)));
        r.last_date = Some(r.last_date.map_or(date, |l| l.max(date)));
        self.date.days = (date - EPOCH).num_days();
        self.date.key = ledger::date_key(date);
        self.date.date = date;
        self.date.cell.clear();
        Ok(())
    }

    /// A parsed date with its year, checking the file does not mix dates with and without one.
    fn place(&mut self, day: Day, text: &str) -> Result<NaiveDate, String> {
        let yearless = matches!(day, Day::Yearless { .. });
        match self.yearless {
            None => self.yearless = Some(yearless),
            Some(first) if first != yearless => {
                return Err(format!(
                    "'{}' {} a year but the file's first date {} (write every date the same way)",
                    text.trim(),
                    if yearless { "has no" } else { "has" },
                    if yearless { "has one" } else { "has none" },
                ));
            }
            Some(_) => {}
        }
        match day {
            Day::Full(date) => Ok(date),
            Day::Yearless { month, day } => {
                let offset = self.years.step(month, day, text.trim())?;
                let year = self.years.base.unwrap_or(self.opts.today.year()) + offset;
                NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
                    format!(
                        "'{}' is not a date in {year}, the year it falls in (pass --year for the first row, or give full dates)",
                        text.trim()
                    )
                })
            }
        }
    }

    /// Reads a monthly row's period start into `self.date`: a month (`2024-03`) or the first
    /// day of a billing cycle of the location.
    fn read_period(
        &mut self,
        record: &ByteRecord,
        col: usize,
        line: u64,
        loc: usize,
    ) -> Result<()> {
        let name = self.name;
        let at = |why: String| anyhow!("{}{why}", place(name, line, col));
        let billing_day = self.locs[loc].billing_day;
        let start = match parse::month_of(text(record, col, name)?) {
            Some((y, m)) => ledger::cycle_start_in(y, m, billing_day)
                .ok_or_else(|| at(format!("{y}-{m:02} is out of range")))?,
            None => {
                self.read_date(record, col, line)?;
                let date = self.date.date;
                let start = ledger::cycle_containing(date, billing_day).map_or(date, |(s, _)| s);
                if start != date {
                    return Err(at(format!(
                        "{date} does not start a billing cycle of '{}' (billing day {billing_day}; the cycle around it starts {start}: give that date, or the month as {})",
                        self.locs[loc].name,
                        start.format("%Y-%m")
                    )));
                }
                start
            }
        };
        self.set_date(start).map_err(at)
    }

    /// A warning, and what is done about it; under --strict it refuses the file instead.
    fn warn(&mut self, message: String, done: &str) -> Result<()> {
        if self.opts.strict {
            bail!("{message} (--strict refuses the file)");
        }
        self.report.warnings += 1;
        (self.warn)(&format!("{message}; {done}"));
        Ok(())
    }

    /// Reads one value cell and stores it for `loc` on the current date.
    fn value(&mut self, record: &ByteRecord, col: usize, line: u64, loc: usize) -> Result<()> {
        let name = self.name;
        let shown = text(record, col, name)?;
        let at = |why: String| format!("{}{why}", place(name, line, col));
        let parsed = parse::amount(shown, self.opts.decimal_comma, self.opts.unit);
        let monthly = self.layout == Layout::Monthly;
        let bound = if monthly {
            self.opts.max_daily.saturating_mul(31)
        } else {
            self.opts.max_daily
        };
        let (bytes, empty) = match parsed {
            Ok(Some(b)) if b > bound => bail!(at(format!(
                "'{}' is {} GB, more than the {} GB a {} may hold (raise ledger.max_daily_gb or pass --max-daily if it is real)",
                shown.trim(),
                format_gb(b),
                format_gb(bound),
                if monthly {
                    "billing period (31 days)"
                } else {
                    "day"
                }
            ))),
            Ok(Some(b)) => (b, false),
            Ok(None) => (0, true),
            Err(AmountError::Negative) => bail!(at(format!(
                "'{}' is negative (usage is 0 or more)",
                shown.trim()
            ))),
            Err(AmountError::TooLarge) => bail!(at(format!("'{}' is too large", shown.trim()))),
            Err(AmountError::NotANumber(why)) => {
                self.report.skipped += 1;
                return self.warn(at(why), "skipped");
            }
        };
        if !self.locs[loc].seen.insert(self.date.days) {
            let message = format!(
                "{} {} for '{}' was given earlier in this file",
                if monthly { "period" } else { "date" },
                self.date.date,
                self.locs[loc].name
            );
            self.warn(at(message), "the later value wins")?;
        }
        let id = self.locs[loc].id;
        let date = self.date.key;
        let end = if monthly {
            ledger::cycle_containing(self.date.date, self.locs[loc].billing_day)
                .map(|(_, end)| ledger::date_key(end))
        } else {
            None
        };
        let amount = db::ledger::Amount {
            date,
            location: id,
            bytes,
            now: self.opts.now,
            end,
        };
        let w = &mut self.writer;
        // Try first what the previous value needed: a fresh import inserts, a re-import of
        // corrected files updates, each in one statement.
        let r = &mut self.report;
        if empty {
            // An empty cell never overwrites a stored value.
            if w.insert(&amount)? {
                r.inserted += 1;
            } else {
                r.unchanged += 1;
            }
        } else if self.expect_new {
            if w.insert(&amount)? {
                r.inserted += 1;
            } else {
                self.expect_new = false;
                if w.update(&amount)? {
                    r.updated += 1;
                } else {
                    r.unchanged += 1;
                }
            }
        } else if w.update(&amount)? {
            r.updated += 1;
        } else if w.insert(&amount)? {
            r.inserted += 1;
            self.expect_new = true;
        } else {
            r.unchanged += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_sets_grow_both_ways() {
        let mut s = DaySet::default();
        assert!(s.insert(20_000));
        assert!(!s.insert(20_000));
        assert!(s.insert(19_000));
        assert!(s.insert(21_000));
        assert!(!s.insert(19_000));
        assert!(s.insert(-5));
        assert!(!s.insert(-5));
        assert!(!s.insert(21_000));
    }

    #[test]
    fn yearless_months_roll_over_forward_and_refuse_small_steps_back() {
        let mut y = Years::default();
        assert_eq!(y.step(11, 1, "1-Nov"), Ok(0));
        assert_eq!(y.step(12, 1, "1-Dec"), Ok(0));
        assert_eq!(y.step(1, 1, "1-Jan"), Ok(1));
        assert_eq!(y.step(1, 2, "2-Jan"), Ok(1));
        assert!(y.step(12, 1, "1-Dec").is_ok()); // a jump forward stays in the year
        let mut y = Years::default();
        y.step(3, 30, "30-Mar").unwrap();
        y.step(4, 1, "1-Apr").unwrap();
        assert!(y.step(3, 31, "31-Mar").unwrap_err().contains("cannot tell"));
    }

    #[test]
    fn a_file_newest_first_rolls_back_a_year() {
        let mut y = Years::default();
        assert_eq!(y.step(4, 2, "02-Apr"), Ok(0));
        assert_eq!(y.step(4, 1, "01-Apr"), Ok(0));
        assert_eq!(y.step(3, 31, "31-Mar"), Ok(0));
        assert_eq!(y.step(1, 1, "01-Jan"), Ok(0));
        assert_eq!(y.step(12, 31, "31-Dec"), Ok(-1));
        assert_eq!(y.step(11, 30, "30-Nov"), Ok(-1));
        let err = y.step(12, 1, "01-Dec").unwrap_err();
        assert!(err.contains("newest first"), "{err}");
        // The first change of date may be the turn of the year itself.
        let mut y = Years::default();
        y.step(1, 1, "01-Jan").unwrap();
        assert_eq!(y.step(12, 31, "31-Dec"), Ok(-1));
        assert_eq!(y.step(12, 30, "30-Dec"), Ok(-1));
    }
}
