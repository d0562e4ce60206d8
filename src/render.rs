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
    Int(i64),
    /// Bytes, shown as exact GB.
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
            Cell::Int(i) => i.to_string(),
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
            Cell::Text(s) => serde_json::to_string(s)?,
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

    fn is_number(&self) -> bool {
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
    pub fn write(&self, format: Format, out: &mut dyn Write) -> Result<()> {
        match format {
            Format::Table => self.table(out),
            Format::Csv => write_csv(&self.columns, self.rows.iter(), out),
            Format::Json => {
                for row in &self.rows {
                    writeln!(out, "{}", object(&self.columns, row)?)?;
                }
                Ok(())
            }
        }
    }

    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let texts: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text(true)).collect())
            .collect();
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                texts
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([c.len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        // Numbers align right, like ls -l and sar.
        let right: Vec<bool> = (0..self.columns.len())
            .map(|i| {
                self.rows.iter().any(|r| r[i].is_number())
                    && self
                        .rows
                        .iter()
                        .all(|r| r[i].is_number() || r[i] == Cell::Null)
            })
            .collect();
        let line = |cells: &mut dyn Iterator<Item = &str>| {
            let mut s = String::new();
            for (i, cell) in cells.enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                let pad = widths[i].saturating_sub(cell.chars().count());
                if right[i] {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(cell);
                } else {
                    s.push_str(cell);
                    if i + 1 < widths.len() {
                        s.push_str(&" ".repeat(pad));
                    }
                }
            }
            s.trim_end().to_string()
        };
        writeln!(out, "{}", line(&mut self.columns.iter().copied()))?;
        for row in &texts {
            writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
        }
        Ok(())
    }

    /// Each row as a JSON object, in column order.
    pub fn objects(&self) -> Result<Vec<String>> {
        self.rows.iter().map(|r| object(&self.columns, r)).collect()
    }

    /// An HTML table; numbers align right.
    pub fn html(&self) -> String {
        let mut s = String::from("<table>\n<thead><tr>");
        for c in &self.columns {
            s.push_str(&format!("<th>{}</th>", escape(c)));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            s.push_str("<tr>");
            for cell in row {
                let class = if cell.is_number() { " class=\"n\"" } else { "" };
                s.push_str(&format!("<td{class}>{}</td>", escape(&cell.text(true))));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody>\n</table>\n");
        s
    }
}

/// Rows produced one at a time: CSV and JSON are written as they come, so memory does not grow
/// with the result; a table needs every row for its column widths.
pub struct Stream<'a> {
    pub columns: Vec<&'static str>,
    pub rows: Box<dyn Iterator<Item = Vec<Cell>> + 'a>,
}

impl<'a> Stream<'a> {
    /// Writes every row; returns how many there were.
    pub fn write(self, format: Format, out: &mut dyn Write) -> Result<usize> {
        let mut count = 0;
        let rows = self.rows.inspect(|_| count += 1);
        match format {
            Format::Table => {
                Rows {
                    columns: self.columns,
                    rows: rows.collect(),
                }
                .table(out)?;
            }
            Format::Csv => write_csv(&self.columns, rows, out)?,
            Format::Json => {
                for row in rows {
                    writeln!(out, "{}", object(&self.columns, &row)?)?;
                }
            }
        }
        Ok(count)
    }

    pub fn collect(self) -> Rows {
        Rows {
            columns: self.columns,
            rows: self.rows.collect(),
        }
    }
}

impl From<Rows> for Stream<'_> {
    fn from(rows: Rows) -> Self {
        Stream {
            columns: rows.columns,
            rows: Box::new(rows.rows.into_iter()),
        }
    }
}

fn write_csv<R: AsRef<[Cell]>>(
    columns: &[&str],
    rows: impl Iterator<Item = R>,
    out: &mut dyn Write,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(columns).map_err(unwrap_io)?;
    for row in rows {
        w.write_record(row.as_ref().iter().map(|c| c.text(false)))
            .map_err(unwrap_io)?;
    }
    w.flush()?;
    Ok(())
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

/// Text made safe inside HTML elements and attribute values.
/// A size for people, in powers of 1000: 1.2 GB, 345 kB.
pub fn human_bytes(n: u64) -> String {
    let n = n as f64;
    match n {
        _ if n >= 1e12 => format!("{:.1} TB", n / 1e12),
        _ if n >= 1e9 => format!("{:.1} GB", n / 1e9),
        _ if n >= 1e6 => format!("{:.1} MB", n / 1e6),
        _ if n >= 1e3 => format!("{:.0} kB", n / 1e3),
        _ => format!("{n} B"),
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

#[cfg(test)]
mod tests {
    use super::*;

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
            "name        gb  active  day\na, b       9.9  yes\nlong name  130  no       13\n"
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
}
