//! The HTML report: one self-contained page (inline CSS, charts as inline SVG, nothing fetched)
//! of the report's blocks. It reads on a desktop (1280 px) and on a phone (390 px): margins,
//! tables that wrap their headings, and each chart drawn twice, for a wide and a narrow screen.

use std::io::Write;

use anyhow::Result;

use super::Ctx;
use super::document::{self, Block};
use crate::render::escape;

const STYLE: &str = "body{font-family:sans-serif;margin:0 auto;padding:1.5em 2em 3em;\
max-width:1200px;color:#222;line-height:1.35}\
.narrow{display:none}\
@media (max-width:600px){body{padding:1em .8em 2em}th,td{padding:.2em .35em}td{white-space:normal}\
.wide{display:none}.narrow{display:block}}\
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}\
h3{font-size:1em;margin-bottom:.3em}table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}\
th,td{padding:.2em .6em;border-bottom:1px solid #e4e4e4;text-align:left}\
td{white-space:nowrap}th{background:#f4f4f4;vertical-align:bottom;font-weight:600}\
.rows{overflow-x:auto;max-width:100%}\
td.n{text-align:right;font-variant-numeric:tabular-nums}\
td.ok{color:#1a7f37}td.warning{color:#9a6700;font-weight:600}td.critical{color:#cf222e;font-weight:600}\
td.wrap{white-space:normal}\
.chart svg{max-width:100%;height:auto;display:block}.note{color:#666}";

/// The size of the charts a narrow screen shows instead.
const NARROW: (u32, u32) = (480, 400);

/// The whole page, written as each block is read: the page may be larger than what is held.
pub fn report(ctx: &Ctx, size: (u32, u32), out: &mut dyn Write) -> Result<()> {
    let t = document::title(ctx);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
<h1>usage report</h1>\n<p class=\"note\">Generated {} from {}.</p>\n",
        escape(&t.title),
        escape(&t.generated),
        escape(&t.source)
    )?;
    document::blocks(ctx, &mut |block| {
        match block {
            Block::Heading(text) => writeln!(out, "<h2>{}</h2>", escape(&text))?,
            Block::Subheading(text) => writeln!(out, "<h3>{}</h3>", escape(&text))?,
            Block::Note(text) => writeln!(out, "<p class=\"note\">{}</p>", escape(&text))?,
            Block::Table(rows) => {
                write!(out, "<div class=\"rows\">")?;
                if rows.html(out)? == 0 {
                    write!(out, "<p class=\"note\">No data in this period.</p>")?;
                }
                writeln!(out, "</div>")?;
            }
            Block::States(rows) => {
                write!(out, "<div class=\"rows\"><table>\n<tbody>\n")?;
                for row in &rows.rows {
                    let text = |i: usize| escape(&row[i].text(true));
                    writeln!(
                        out,
                        "<tr><td>{}</td><td class=\"{}\">{}</td><td class=\"wrap\">{}</td></tr>",
                        text(0),
                        text(1),
                        text(1),
                        text(2)
                    )?;
                }
                writeln!(out, "</tbody>\n</table></div>")?;
            }
            // A phone gets a chart drawn for its width, whose type it can read.
            Block::Chart(chart) => {
                writeln!(
                    out,
                    "<div class=\"chart wide\">{}</div>\n<div class=\"chart narrow\">{}</div>",
                    chart.svg(size)?,
                    chart.svg(NARROW)?
                )?;
            }
        }
        Ok(())
    })?;
    writeln!(out, "</body>\n</html>")?;
    Ok(())
}
