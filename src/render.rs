//! Writers for rows of data: an aligned table for people, CSV with a header, one JSON object per
//! line. The same rows feed every writer, so formats never disagree.

use std::io::Write;

use anyhow::Result;

use crate::cli::Format;
use crate::ledger::format_gb;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A thing with a key programs use and a name people read: a location is `north_site` in
    /// CSV and JSON (usage-import reads it back) and "North Site" in a table or chart.
    Named {
        key: String,
        name: String,
    },
    Int(i64),
    /// Bytes, shown as GB: exact for programs, to two decimals for people.
    Gb(i64),
    Bool(bool),
    /// A measurement with this many decimals.
    Num(f64, u8),
    /// A point in time: `2024-03-13 14:05` for people, RFC 3339 with the offset for programs.
    Time(chrono::DateTime<chrono::FixedOffset>),
    Null,
}

impl Cell {
    /// As text: booleans are yes/no for people, true/false for programs.
    pub fn text(&self, for_people: bool) -> String {
        match self {
            Cell::Text(s) if for_people => visible(s).into_owned(),
            Cell::Text(s) => s.clone(),
            Cell::Named { name, .. } if for_people => visible(name).into_owned(),
            Cell::Named { key, .. } => key.clone(),
            Cell::Int(i) => i.to_string(),
            // People read GB to the hundredth (10 MB); programs get every byte.
            Cell::Gb(b) if for_people => format!("{:.2}", *b as f64 / crate::ledger::GB as f64),
            Cell::Gb(b) => format_gb(*b),
            Cell::Bool(b) if for_people => if *b { "yes" } else { "no" }.into(),
            Cell::Bool(b) => b.to_string(),
            Cell::Num(v, decimals) => format!("{v:.*}", usize::from(*decimals)),
            Cell::Time(t) if for_people => t.format("%Y-%m-%d %H:%M").to_string(),
            Cell::Time(t) => t.to_rfc3339(),
            Cell::Null => String::new(),
        }
    }

    /// The value as a plain number, for charts.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Gb(b) => Some(*b as f64 / crate::ledger::GB as f64),
            Cell::Num(v, _) => Some(*v),
            _ => None,
        }
    }

    fn json(&self) -> Result<String> {
        Ok(match self {
            Cell::Text(s) | Cell::Named { key: s, .. } => serde_json::to_string(s)?,
            Cell::Int(i) => i.to_string(),
            // format_gb writes a valid JSON number, exactly.
            Cell::Gb(b) => format_gb(*b),
            Cell::Bool(b) => b.to_string(),
            Cell::Num(v, _) if !v.is_finite() => "null".into(),
            Cell::Num(..) => self.text(false),
            Cell::Time(t) => serde_json::to_string(&t.to_rfc3339())?,
            Cell::Null => "null".into(),
        })
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Gb(_) | Cell::Num(..))
    }
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Cell {
        v.map_or(Cell::Null, Cell::Text)
    }
}

/// Named columns and their rows.
pub struct Rows {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Rows {
    /// Written as a [`Stream`] is: one writer for every format.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> Result<()> {
        let rows = self.rows.iter().cloned();
        Stream::from_iter(self.columns.clone(), rows).write(format, out)?;
        Ok(())
    }

    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let layout = Layout::of(&self.columns, &self.rows);
        layout.header(&self.columns, out)?;
        for row in &self.rows {
            layout.row(row, out)?;
        }
        Ok(())
    }

    /// Each row as a JSON object, in column order.
    pub fn objects(&self) -> Result<Vec<String>> {
        self.rows.iter().map(|r| object(&self.columns, r)).collect()
    }
}

/// How a row is handed on: an error (a closed pipe) stops the rows' producer.
pub type Sink<'s> = dyn FnMut(Vec<Cell>) -> Result<()> + 's;

/// What makes a stream's rows: it hands each to the sink it is given.
type Producer<'a> = Box<dyn FnOnce(&mut Sink<'_>) -> Result<()> + 'a>;

/// Rows produced one at a time and written as they come, so memory does not grow with the
/// result: the producer may read them from the database as they are written.
pub struct Stream<'a> {
    pub columns: Vec<&'static str>,
    produce: Producer<'a>,
}

/// Rows an aligned table holds back to find its column widths and alignment: every row of most
/// results; after them a wider cell pushes its own line out instead of holding the whole result.
const TABLE_LAYOUT_ROWS: usize = 2_000;

impl<'a> Stream<'a> {
    /// Rows that `produce` hands to its sink one at a time.
    pub fn new(
        columns: Vec<&'static str>,
        produce: impl FnOnce(&mut Sink<'_>) -> Result<()> + 'a,
    ) -> Self {
        Stream {
            columns,
            produce: Box::new(produce),
        }
    }

    pub fn from_iter(
        columns: Vec<&'static str>,
        rows: impl IntoIterator<Item = Vec<Cell>> + 'a,
    ) -> Self {
        Stream::new(columns, move |sink| rows.into_iter().try_for_each(sink))
    }

    /// Only these columns, in this order (each must be one of the stream's).
    pub fn select(self, wanted: &[&'static str]) -> Stream<'a> {
        let at: Vec<usize> = wanted
            .iter()
            .filter_map(|w| self.columns.iter().position(|c| c == w))
            .collect();
        debug_assert_eq!(at.len(), wanted.len(), "{wanted:?} of {:?}", self.columns);
        let columns = at.iter().map(|&i| self.columns[i]).collect();
        Stream::new(columns, move |sink| {
            self.each(&mut |mut row: Vec<Cell>| {
                let picked = at
                    .iter()
                    .map(|&i| std::mem::replace(&mut row[i], Cell::Null))
                    .collect();
                sink(picked)
            })
        })
    }

    /// Hands every row to `sink` (a writer of its own, such as the PDF report's).
    pub fn each(self, sink: &mut Sink<'_>) -> Result<()> {
        (self.produce)(sink)
    }

    /// Writes every row; returns how many there were.
    pub fn write(self, format: Format, out: &mut dyn Write) -> Result<usize> {
        let mut count = 0;
        let columns = self.columns;
        match format {
            Format::Table => {
                let mut held = Vec::new();
                let mut layout: Option<Layout> = None;
                (self.produce)(&mut |row| {
                    count += 1;
                    match &layout {
                        Some(l) => l.row(&row, out),
                        None if held.len() < TABLE_LAYOUT_ROWS => {
                            held.push(row);
                            Ok(())
                        }
                        None => {
                            let l = Layout::of(&columns, &held);
                            l.header(&columns, out)?;
                            for r in held.drain(..).chain([row]) {
                                l.row(&r, out)?;
                            }
                            layout = Some(l);
                            Ok(())
                        }
                    }
                })?;
                if layout.is_none() {
                    Rows {
                        columns,
                        rows: held,
                    }
                    .table(out)?;
                }
            }
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(&columns).map_err(unwrap_io)?;
                (self.produce)(&mut |row| {
                    count += 1;
                    w.write_record(row.iter().map(|c| c.text(false)))
                        .map_err(unwrap_io)
                })?;
                w.flush()?;
            }
            Format::Json => (self.produce)(&mut |row| {
                count += 1;
                Ok(writeln!(out, "{}", object(&columns, &row)?)?)
            })?,
        }
        Ok(count)
    }

    /// An HTML table, written as the rows come (nothing when there are none); numbers align
    /// right. Returns how many rows there were.
    pub fn html(self, out: &mut dyn Write) -> Result<usize> {
        let mut count = 0;
        let columns = self.columns;
        (self.produce)(&mut |row| {
            if count == 0 {
                write!(out, "<table>\n<thead><tr>")?;
                // People read `usage_gb` as "usage gb", which may wrap between its words.
                for c in &columns {
                    write!(out, "<th>{}</th>", escape(&c.replace('_', " ")))?;
                }
                write!(out, "</tr></thead>\n<tbody>\n")?;
            }
            count += 1;
            write!(out, "<tr>")?;
            for cell in &row {
                let class = if cell.is_number() { " class=\"n\"" } else { "" };
                write!(out, "<td{class}>{}</td>", escape(&cell.text(true)))?;
            }
            writeln!(out, "</tr>")?;
            Ok(())
        })?;
        if count > 0 {
            writeln!(out, "</tbody>\n</table>")?;
        }
        Ok(count)
    }
}

impl From<Rows> for Stream<'_> {
    fn from(rows: Rows) -> Self {
        Stream::from_iter(rows.columns, rows.rows)
    }
}

/// An aligned table's column widths, and which columns align right (numbers, like ls -l and
/// sar).
struct Layout {
    widths: Vec<usize>,
    right: Vec<bool>,
}

impl Layout {
    fn of(columns: &[&str], rows: &[Vec<Cell>]) -> Layout {
        let widths = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                rows.iter()
                    .map(|r| r[i].text(true).chars().count())
                    .chain([c.len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let right = (0..columns.len())
            .map(|i| {
                rows.iter().any(|r| r[i].is_number())
                    && rows.iter().all(|r| r[i].is_number() || r[i] == Cell::Null)
            })
            .collect();
        Layout { widths, right }
    }

    fn header(&self, columns: &[&str], out: &mut dyn Write) -> Result<()> {
        self.line(columns.iter().map(|c| c.to_string()), out)
    }

    fn row(&self, row: &[Cell], out: &mut dyn Write) -> Result<()> {
        self.line(row.iter().map(|c| c.text(true)), out)
    }

    fn line(&self, cells: impl Iterator<Item = String>, out: &mut dyn Write) -> Result<()> {
        let mut s = String::new();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = self.widths[i].saturating_sub(cell.chars().count());
            if self.right[i] {
                s.push_str(&" ".repeat(pad));
                s.push_str(&cell);
            } else {
                s.push_str(&cell);
                if i + 1 < self.widths.len() {
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        writeln!(out, "{}", s.trim_end())?;
        Ok(())
    }
}

/// The io::Error inside a csv error, so a closed pipe is still recognised as one.
fn unwrap_io(e: csv::Error) -> anyhow::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io.into(),
        other => anyhow::anyhow!("cannot write CSV: {other:?}"),
    }
}

/// One row as a JSON object, in column order.
fn object(columns: &[&str], row: &[Cell]) -> Result<String> {
    let mut s = String::from("{");
    for (i, (col, cell)) in columns.iter().zip(row).enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&serde_json::to_string(col)?);
        s.push(':');
        s.push_str(&cell.json()?);
    }
    s.push('}');
    Ok(s)
}

/// How an amount is written for people. Traffic and the ledger count in powers of 1000, as
/// ISPs bill and vnStat's SI mode shows (1 GB is 10^9 bytes); memory and disks in powers of
/// 1024, as `free -h` and `df -h` show (GiB). CSV and JSON keep exact numbers in the column's
/// own unit; this is only for tables, messages and chart axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// A measure in a fixed unit, never scaled: `%`, `°C`, `s`, or none (a load, a count).
    Fixed(&'static str),
    /// A number of things (alerts, rows): whole numbers, never scaled.
    Count,
    /// Bytes in powers of 1000: kB, MB, GB, TB.
    Bytes,
    /// Bytes per second in powers of 1000: kB/s, MB/s.
    BytesPerSecond,
    /// Bytes in powers of 1024: KiB, MiB, GiB, TiB.
    BinaryBytes,
}

impl Quantity {
    /// The unit and divisor that write `largest` (and everything smaller beside it) as a number
    /// under 1000: `(1e6, "MB/s")` for 150,000,000 B/s.
    pub fn scale(self, largest: f64) -> (f64, String) {
        const SI: [&str; 6] = ["", "k", "M", "G", "T", "P"];
        const IEC: [&str; 6] = ["", "Ki", "Mi", "Gi", "Ti", "Pi"];
        let (base, prefixes, unit) = match self {
            Quantity::Fixed(unit) => return (1.0, unit.to_string()),
            Quantity::Count => return (1.0, String::new()),
            Quantity::Bytes => (1000.0, SI, "B"),
            Quantity::BytesPerSecond => (1000.0, SI, "B/s"),
            Quantity::BinaryBytes => (1024.0, IEC, "B"),
        };
        let mut divisor = 1.0;
        let mut i = 0;
        while largest.abs() / divisor >= base && i + 1 < prefixes.len() {
            divisor *= base;
            i += 1;
        }
        (divisor, format!("{}{unit}", prefixes[i]))
    }

    /// Whether the axis counts whole things at this divisor (no tick at 0.5 alerts or bytes).
    pub fn whole(self, divisor: f64) -> bool {
        divisor == 1.0 && !matches!(self, Quantity::Fixed(_))
    }

    /// One amount for people: `1.2 GB`, `345 kB`, `512 B`, `3.0 GiB`, `93.1%`.
    pub fn show(self, value: f64) -> String {
        let (divisor, unit) = self.scale(value);
        let v = value / divisor;
        // Whole numbers as they are; 100 and more of a decimal unit without a decimal (345 kB).
        let whole = (divisor == 1.0 && v.fract() == 0.0) || self == Quantity::Count;
        let large = divisor > 1.0 && v.abs() >= 100.0 && self != Quantity::BinaryBytes;
        let number = if whole || large {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        };
        match unit.as_str() {
            "" => number,
            "%" => format!("{number}%"),
            _ => format!("{number} {unit}"),
        }
    }
}

/// A size in powers of 1000, for traffic and the ledger: 1.2 GB, 345 kB.
pub fn human_bytes(n: u64) -> String {
    Quantity::Bytes.show(n as f64)
}

/// A size in powers of 1024, for memory, disks and files, as `df -h` shows it: 3.0 GiB.
pub fn binary_bytes(n: u64) -> String {
    Quantity::BinaryBytes.show(n as f64)
}

/// A count and its noun, singular for one: "1 row", "2 rows", "0 new locations".
pub fn counted(n: impl TryInto<u64> + Copy + std::fmt::Display, noun: &str) -> String {
    if n.try_into().ok() == Some(1) {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Text as a person may safely see it: control characters (a process named `\e[2J`, a cell
/// holding a carriage return) are shown escaped, as `\u{1b}[2J`, the way `ls -b` and `ps` keep
/// a terminal from obeying them. CSV and JSON keep the exact text.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// HTML-escapes text for the report page.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// usage(7)'s description of the formats and what stays stable; the generator adds the
/// database's tables (tests/generated.rs).
pub const MAN_SECTIONS: &[(&str, &[&str])] = &[
    (
        "DESCRIPTION",
        &[
            "The usage tools keep one SQLite database and print rows as aligned tables for people, as CSV and as JSON lines for programs. This page describes what programs may rely on.",
        ],
    ),
    (
        "CSV",
        &[
            "UTF-8, a header line of column names, then one line per row; fields are quoted as RFC 4180 says (a comma, quote or line break inside a field), lines end with a newline. The columns of each view are listed in usage-report(1).",
            "Dates are YYYY-MM-DD; times are RFC 3339 with the offset (2026-12-01T14:05:00+01:00, or Z with --utc). Amounts in GB are exact decimals of bytes (9.9 is 9,900,000,000 bytes; 1 GB is 10^9 bytes). Booleans are true and false. An empty field has no value.",
            "A location is named by its key (north_site), which usage-import and --location accept; tables, charts and the HTML report show its display name (North Site) instead.",
            "usage-report daily writes date,location,usage_gb, which usage-import reads back unchanged.",
        ],
    ),
    (
        "JSON",
        &[
            "One JSON object per line (JSON Lines), with the CSV header's names as keys in the same order; numbers are JSON numbers, an empty value is null, times are RFC 3339 strings. The overview (usage-report overview --format json) is one object with a key per section. Text keeps its exact bytes; only a table for people shows control characters escaped.",
            "Notifications (webhook bodies, log lines, usage-alert's exec environment) are the version 1 document described in usage-alert(1).",
        ],
    ),
    (
        "STABILITY",
        &[
            "Within a major version, the columns of a view and the keys of a JSON object keep their names, meanings and units, and new ones are only added at the end; read columns by name, not by position. A column is renamed or removed only in a new major version, named in the release notes.",
            "The database is versioned by PRAGMA user_version (the schema version below) and marked as the suite's by PRAGMA application_id; each release brings older schemas up to date on first use and refuses a newer one. Other programs may read every table with sqlite3(1) while the tools run (WAL mode); they must not write to it.",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_keeps_the_columns_asked_for_in_their_order() {
        let rows = vec![
            vec![Cell::Int(1), Cell::Text("a".into()), Cell::Bool(true)],
            vec![Cell::Int(2), Cell::Text("b".into()), Cell::Bool(false)],
        ];
        let mut out = Vec::new();
        Stream::from_iter(vec!["n", "s", "b"], rows)
            .select(&["b", "n"])
            .write(Format::Csv, &mut out)
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "b,n\ntrue,1\nfalse,2\n");
    }

    fn sample() -> Rows {
        Rows {
            columns: vec!["name", "gb", "active", "day"],
            rows: vec![
                vec![
                    Cell::Text("a, b".into()),
                    Cell::Gb(9_900_000_000),
                    Cell::Bool(true),
                    Cell::Null,
                ],
                vec![
                    Cell::Text("long name".into()),
                    Cell::Gb(130_000_000_000),
                    Cell::Bool(false),
                    Cell::Int(13),
                ],
            ],
        }
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        sample().write(format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_set_of_rows_three_formats() {
        assert_eq!(
            render(Format::Table),
            "name           gb  active  day\na, b         9.90  yes\nlong name  130.00  no       13\n"
        );
        assert_eq!(
            render(Format::Csv),
            "name,gb,active,day\n\"a, b\",9.9,true,\nlong name,130,false,13\n"
        );
        assert_eq!(
            render(Format::Json),
            "{\"name\":\"a, b\",\"gb\":9.9,\"active\":true,\"day\":null}\n{\"name\":\"long name\",\"gb\":130,\"active\":false,\"day\":13}\n"
        );
    }

    #[test]
    fn a_long_table_is_aligned_by_its_first_rows_and_written_as_it_comes() {
        let rows = (0..TABLE_LAYOUT_ROWS + 2).map(|i| {
            let name = if i == TABLE_LAYOUT_ROWS + 1 {
                "wider than any"
            } else {
                "n"
            };
            vec![Cell::Text(name.into()), Cell::Int(i as i64)]
        });
        let mut out = Vec::new();
        let count = Stream::from_iter(vec!["name", "i"], rows)
            .write(Format::Table, &mut out)
            .unwrap();
        assert_eq!(count, TABLE_LAYOUT_ROWS + 2);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "name     i");
        assert_eq!(lines[1], "n        0");
        assert_eq!(lines[TABLE_LAYOUT_ROWS + 1], "n     2000");
        // A cell wider than the first rows' pushes its own line out; the others stay aligned.
        assert_eq!(lines[TABLE_LAYOUT_ROWS + 2], "wider than any  2001");
    }
}
