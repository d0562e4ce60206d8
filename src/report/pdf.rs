//! The PDF report: the same blocks as the HTML page, laid out on A4 or Letter pages by krilla
//! (pure Rust), with DejaVu Sans embedded and the charts drawn as vectors from their SVG. No
//! browser or system library is involved.
//!
//! Each page is laid out as a list of things to draw and written when the next one starts; a
//! table that reaches the bottom of a page goes on on the next one under its header again.

use std::io::Write;
use std::sync::Arc;

use ab_glyph::{Font as _, FontRef};
use anyhow::{Result, anyhow};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

use super::Ctx;
use super::document::{self, Block};
use crate::render::Cell;

/// A page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Paper {
    /// 210 x 297 mm
    A4,
    /// 8.5 x 11 in
    Letter,
}

impl Paper {
    /// Width and height in points.
    fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

const MARGIN: f32 = 42.0;
const FOOTER: f32 = 24.0;
const TABLE_SIZE: f32 = 8.0;
const SMALLEST: f32 = 4.5;

type Colour = (u8, u8, u8);
const INK: Colour = (34, 34, 34);
const QUIET: Colour = (102, 102, 102);
const RULE: Colour = (210, 210, 210);
const SHADE: Colour = (244, 244, 244);

/// One thing drawn on a page, at points from the top left.
enum Mark {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Colour,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    Svg {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        svg: String,
    },
}

/// The two faces, for measuring (ab_glyph) and for writing (krilla).
struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Faces {
    fn new() -> Result<Faces> {
        let face = |data: &'static [u8]| {
            FontRef::try_from_slice(data).map_err(|e| anyhow!("the built-in font: {e}"))
        };
        Ok(Faces {
            regular: face(dejavu::sans::regular())?,
            bold: face(dejavu::sans::bold())?,
        })
    }

    /// The width of `text` at `size` points.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let units = face.units_per_em().unwrap_or(2048.0);
        let advance: f32 = text
            .chars()
            .map(|c| face.h_advance_unscaled(face.glyph_id(c)))
            .sum();
        advance / units * size
    }
}

/// Pages being laid out, each written to the document when the next one starts.
struct Layout<'f> {
    faces: &'f Faces,
    size: (f32, f32),
    /// What the current page draws.
    page: Vec<Mark>,
    pages: Pages,
    y: f32,
    /// Headings waiting for what follows them (text, whether a section's).
    held: Vec<(String, bool)>,
}

/// A table's columns, found from its rows: their widths and the type size that fits them
/// on the page.
struct Columns {
    names: Vec<String>,
    widths: Vec<f32>,
    size: f32,
}

const PAD: f32 = 6.0;

/// The most rows a table prints: a document of thousands of pages is read by nobody.
const PDF_ROWS: usize = 1_000;

/// A table being written: its rows are held (at most PDF_ROWS) until its columns are laid out.
struct Table {
    names: Vec<String>,
    held: Vec<Vec<(String, bool)>>,
    colour: fn(usize, &str) -> Colour,
}

impl Table {
    fn new(names: Vec<String>, colour: fn(usize, &str) -> Colour) -> Table {
        Table {
            names,
            held: Vec::new(),
            colour,
        }
    }

    fn push(&mut self, row: Vec<(String, bool)>) {
        self.held.push(row);
    }

    /// Lays the table out; false when it had no rows.
    fn finish(self, l: &mut Layout) -> Result<bool> {
        if self.held.is_empty() {
            return Ok(false);
        }
        let columns = l.columns(&self.names, &self.held);
        l.start(columns.size * 1.6 * 3.0)?;
        l.header(&columns);
        for row in &self.held {
            l.row(&columns, row, self.colour)?;
        }
        l.y += 8.0;
        Ok(true)
    }
}

impl Layout<'_> {
    fn width(&self) -> f32 {
        self.size.0 - 2.0 * MARGIN
    }

    fn bottom(&self) -> f32 {
        self.size.1 - MARGIN - FOOTER
    }

    fn new_page(&mut self) -> Result<()> {
        let page = std::mem::take(&mut self.page);
        self.pages.write(self.size, page)?;
        self.y = MARGIN;
        Ok(())
    }

    /// Room for `height` more points, on a new page if this one has not got it.
    fn room(&mut self, height: f32) -> Result<()> {
        if self.y + height > self.bottom() && self.y > MARGIN {
            self.new_page()?;
        }
        Ok(())
    }

    fn mark(&mut self, mark: Mark) {
        self.page.push(mark);
    }

    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, colour: Colour, text: &str) {
        self.mark(Mark::Text {
            x,
            y: baseline,
            size,
            bold,
            colour,
            text: text.to_string(),
        });
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        self.mark(Mark::Rect { x, y, w, h, colour });
    }

    /// A line of text that wraps at words within the content width.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool, colour: Colour) -> Result<()> {
        let mut line = String::new();
        let mut lines = Vec::new();
        for word in text.split(' ') {
            let wider = format!("{line} {word}");
            if !line.is_empty() && self.faces.width(&wider, size, bold) > self.width() {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            } else if line.is_empty() {
                line = word.to_string();
            } else {
                line = wider;
            }
        }
        lines.push(line);
        self.start(size * 1.5)?;
        for l in lines {
            self.room(size * 1.5)?;
            let baseline = self.y + size;
            self.text(MARGIN, baseline, size, bold, colour, &l);
            self.y += size * 1.45;
        }
        Ok(())
    }

    /// Headings wait for what follows them, so that a heading never ends a page.
    fn heading(&mut self, text: &str) {
        self.held.push((text.to_string(), true));
    }

    fn subheading(&mut self, text: &str) {
        self.held.push((text.to_string(), false));
    }

    /// Room for the held headings and `height` of what follows them; then the headings.
    fn start(&mut self, height: f32) -> Result<()> {
        let held = std::mem::take(&mut self.held);
        let headings: f32 = held.iter().map(|h| if h.1 { 36.0 } else { 20.0 }).sum();
        self.room(headings + height)?;
        for (text, big) in held {
            if big {
                self.draw_heading(&text);
            } else {
                self.draw_subheading(&text);
            }
        }
        Ok(())
    }

    fn draw_heading(&mut self, text: &str) {
        self.y += 10.0;
        let baseline = self.y + 14.0;
        self.text(MARGIN, baseline, 14.0, true, INK, text);
        self.rect(MARGIN, baseline + 4.0, self.width(), 0.6, RULE);
        self.y = baseline + 12.0;
    }

    fn draw_subheading(&mut self, text: &str) {
        self.y += 4.0;
        let baseline = self.y + 10.0;
        self.text(MARGIN, baseline, 10.0, true, INK, text);
        self.y = baseline + 6.0;
    }

    /// Columns that fit the content width: the type shrinks, down to 4.5 points, when the
    /// columns are wider than the page.
    fn columns(&self, names: &[String], rows: &[Vec<(String, bool)>]) -> Columns {
        let natural: Vec<f32> = (0..names.len())
            .map(|i| {
                rows.iter()
                    .map(|r| self.faces.width(&r[i].0, TABLE_SIZE, false))
                    .chain([self.faces.width(&names[i], TABLE_SIZE, true)])
                    .fold(0.0, f32::max)
                    + PAD
            })
            .collect();
        let total: f32 = natural.iter().sum();
        let size = if total > self.width() {
            (TABLE_SIZE * self.width() / total).max(SMALLEST)
        } else {
            TABLE_SIZE
        };
        Columns {
            names: names.to_vec(),
            widths: natural.iter().map(|w| w * size / TABLE_SIZE).collect(),
            size,
        }
    }

    /// A table's header row (none when its columns have no names).
    fn header(&mut self, c: &Columns) {
        if c.names.iter().all(String::is_empty) {
            return;
        }
        let line = c.size * 1.6;
        let width = c.widths.iter().sum::<f32>().min(self.width());
        self.rect(MARGIN, self.y, width, line, SHADE);
        let mut x = MARGIN;
        for (name, w) in c.names.iter().zip(&c.widths) {
            self.text(
                x + PAD / 2.0,
                self.y + c.size * 1.15,
                c.size,
                true,
                INK,
                name,
            );
            x += w;
        }
        self.y += line;
    }

    /// One row; at the foot of a page the table goes on on the next under its header again.
    fn row(
        &mut self,
        c: &Columns,
        row: &[(String, bool)],
        colour: fn(usize, &str) -> Colour,
    ) -> Result<()> {
        let line = c.size * 1.6;
        if self.y + line > self.bottom() {
            self.new_page()?;
            self.header(c);
        }
        let mut x = MARGIN;
        for (i, ((text, right), w)) in row.iter().zip(&c.widths).enumerate() {
            let left = if *right {
                x + w - PAD / 2.0 - self.faces.width(text, c.size, false)
            } else {
                x + PAD / 2.0
            };
            self.text(
                left,
                self.y + c.size * 1.15,
                c.size,
                false,
                colour(i, text),
                text,
            );
            x += w;
        }
        let width = c.widths.iter().sum::<f32>().min(self.width());
        self.rect(MARGIN, self.y + line - 0.3, width, 0.3, RULE);
        self.y += line;
        Ok(())
    }

    fn chart(&mut self, svg: String, aspect: f32) -> Result<()> {
        let w = self.width();
        let h = w * aspect;
        self.start(h + 8.0)?;
        let y = self.y;
        self.mark(Mark::Svg {
            x: MARGIN,
            y,
            w,
            h,
            svg,
        });
        self.y += h + 8.0;
        Ok(())
    }
}

/// A cell as a table shows it, and whether it aligns right.
fn shown(cell: &Cell) -> (String, bool) {
    (cell.text(true), cell.is_number())
}

fn state_colour(state: &str) -> Colour {
    match state {
        "ok" => (26, 127, 55),
        "warning" => (154, 103, 0),
        "critical" => (207, 34, 46),
        _ => INK,
    }
}

fn ink(_: usize, _: &str) -> Colour {
    INK
}

/// The state column in its colour.
fn states(i: usize, text: &str) -> Colour {
    if i == 1 { state_colour(text) } else { INK }
}

/// The report as a PDF document. Pages are written as they are laid out, tables as their rows
/// are read, so memory follows a page and a table's first rows, not the report's length.
pub fn report(ctx: &Ctx, chart_size: (u32, u32), paper: Paper, out: &mut dyn Write) -> Result<()> {
    let faces = Faces::new()?;
    let t = document::title(ctx);
    let mut l = Layout {
        faces: &faces,
        size: paper.size(),
        page: Vec::new(),
        pages: Pages::new(&t.title)?,
        y: MARGIN,
        held: Vec::new(),
    };
    l.paragraph("usage report", 20.0, true, INK)?;
    l.paragraph(
        &format!("Generated {} from {}.", t.generated, t.source),
        8.5,
        false,
        QUIET,
    )?;
    // Charts are drawn 720 pixels wide, in --size's proportions, so that their type reads at
    // about 8 points across the page's width.
    let aspect = chart_size.1 as f32 / chart_size.0 as f32;
    let chart_size = (720, (720.0 * aspect).round() as u32);
    document::blocks(ctx, &mut |block| {
        match block {
            Block::Heading(text) => l.heading(&text),
            Block::Subheading(text) => l.subheading(&text),
            Block::Note(text) => l.paragraph(&text, 8.0, false, QUIET)?,
            Block::Table(rows) => {
                let names = rows.columns.iter().map(|c| c.replace('_', " ")).collect();
                let mut table = Table::new(names, ink);
                let mut count = 0usize;
                rows.each(&mut |row| {
                    count += 1;
                    if count <= PDF_ROWS {
                        table.push(row.iter().map(shown).collect());
                    }
                    Ok(())
                })?;
                if !table.finish(&mut l)? {
                    l.paragraph("No data in this period.", 8.0, false, QUIET)?;
                } else if count > PDF_ROWS {
                    l.paragraph(
                        &format!(
                            "The first {PDF_ROWS} of {count} rows; the HTML report and the view's CSV have them all."
                        ),
                        8.0,
                        false,
                        QUIET,
                    )?;
                }
            }
            Block::States(rows) => {
                let mut table = Table::new(vec![String::new(); rows.columns.len()], states);
                for row in &rows.rows {
                    table.push(row.iter().map(|c| (c.text(true), false)).collect());
                }
                table.finish(&mut l)?;
            }
            Block::Chart(chart) => l.chart(chart.svg(chart_size)?, aspect)?,
        }
        Ok(())
    })?;
    let last = std::mem::take(&mut l.page);
    l.pages.write(l.size, last)?;
    out.write_all(&l.pages.finish()?)?;
    Ok(())
}

/// The document being written, a page at a time.
struct Pages {
    doc: Document,
    title: String,
    regular: Font,
    bold: Font,
    svg: usvg::Options<'static>,
    count: usize,
}

impl Pages {
    fn new(title: &str) -> Result<Pages> {
        let font = |data: &'static [u8]| {
            Font::new(data.to_vec().into(), 0)
                .ok_or_else(|| anyhow!("the built-in font is unusable"))
        };
        let mut fonts = usvg::fontdb::Database::new();
        fonts.load_font_data(dejavu::sans::regular().to_vec());
        fonts.set_sans_serif_family("DejaVu Sans");
        let mut doc = Document::new();
        doc.set_metadata(
            Metadata::new()
                .title(title.to_string())
                .creator("usage-report".into()),
        );
        Ok(Pages {
            doc,
            title: title.to_string(),
            regular: font(dejavu::sans::regular())?,
            bold: font(dejavu::sans::bold())?,
            svg: usvg::Options {
                fontdb: Arc::new(fonts),
                font_family: "DejaVu Sans".into(),
                ..usvg::Options::default()
            },
            count: 0,
        })
    }

    /// Writes one page, with its number at the foot.
    fn write(&mut self, (w, h): (f32, f32), marks: Vec<Mark>) -> Result<()> {
        self.count += 1;
        let settings = PageSettings::from_wh(w, h)
            .ok_or_else(|| anyhow!("cannot make a page of {w}x{h} points"))?;
        let mut page = self.doc.start_page_with(settings);
        let mut surface = page.surface();
        let fill = |c: Colour| Fill {
            paint: rgb::Color::new(c.0, c.1, c.2).into(),
            ..Fill::default()
        };
        let footer = Mark::Text {
            x: MARGIN,
            y: h - MARGIN + 6.0,
            size: 7.0,
            bold: false,
            colour: QUIET,
            text: format!("{} · page {}", self.title, self.count),
        };
        for mark in marks.iter().chain([&footer]) {
            match mark {
                Mark::Text {
                    x,
                    y,
                    size,
                    bold,
                    colour,
                    text,
                } => {
                    surface.set_fill(Some(fill(*colour)));
                    surface.set_stroke(None);
                    let face = if *bold { &self.bold } else { &self.regular };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        face.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Mark::Rect { x, y, w, h, colour } => {
                    let mut path = PathBuilder::new();
                    if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                        path.push_rect(r);
                    }
                    if let Some(path) = path.finish() {
                        surface.set_fill(Some(fill(*colour)));
                        surface.set_stroke(None::<Stroke>);
                        surface.draw_path(&path);
                    }
                }
                Mark::Svg { x, y, w, h, svg } => {
                    let tree = usvg::Tree::from_str(svg, &self.svg)
                        .map_err(|e| anyhow!("cannot read a chart's SVG: {e}"))?;
                    let size = Size::from_wh(*w, *h)
                        .ok_or_else(|| anyhow!("a chart of {w}x{h} points"))?;
                    surface.push_transform(&krilla::geom::Transform::from_translate(*x, *y));
                    surface.draw_svg(&tree, size, SvgSettings::default());
                    surface.pop();
                }
            }
        }
        surface.finish();
        page.finish();
        Ok(())
    }

    fn finish(self) -> Result<Vec<u8>> {
        self.doc
            .finish()
            .map_err(|e| anyhow!("cannot write the PDF: {e:?}"))
    }
}
