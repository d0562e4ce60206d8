//! Charts of a view's rows: drawn by plotters as PNG (bitmap backend, the embedded DejaVu Sans
//! font, so no system font library is needed) or as SVG for the HTML and PDF reports.
//!
//! The axes are laid out here, not by plotters: time ticks fall on local minutes, hours,
//! midnights, Mondays or the first of a month and are labelled to match; amounts are scaled to
//! a readable unit (`render::Quantity`: kB/s, MB, GiB); the legend stands above the plot, where
//! it covers neither the data nor an axis.

use std::ops::Range;
use std::sync::Once;

use anyhow::{Result, anyhow};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::prelude::*;

use crate::render::Quantity;
use crate::time::Zone;

/// What the x axis shows.
#[derive(Debug, Clone)]
pub enum XAxis {
    /// Times in UTC seconds, labelled in the zone.
    Time(Zone),
    /// Named categories at x = 0, 1, 2, ...
    Categories(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Line,
    Bar,
}

/// What a series is to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// A series of its own, in the next colour.
    #[default]
    Main,
    /// The previous series' moving average: a dashed line in its colour.
    Average,
    /// The previous series' forecast: on a bar chart, the outline of the bar it is expected to
    /// reach, around the bar so far.
    Forecast,
    /// The previous series' limit (a quota): a dashed level across its bar or the chart.
    Limit,
}

#[derive(Debug, Clone, Default)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub role: Role,
}

impl Series {
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            points,
            role: Role::Main,
        }
    }

    pub fn with_role(mut self, role: Role) -> Series {
        self.role = role;
        self
    }
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    /// What the y axis counts ("usage per day"); its unit is added from `quantity`.
    pub y_label: String,
    /// The unit of the y values, scaled to a readable one on the axis.
    pub quantity: Quantity,
    pub x: XAxis,
    pub kind: Kind,
    pub series: Vec<Series>,
    /// A fixed top of the y axis (100 for percentages); else the data's maximum.
    pub y_max: Option<f64>,
    /// The stretch of time the chart covers (UTC seconds), so that an empty or one-bucket chart
    /// spans what its title says; else the data's.
    pub span: Option<(f64, f64)>,
    /// The time one point stands for, from its x on (a bucket, a day); lines break where
    /// points are further apart than twice this, and bars are this wide.
    pub bucket: Option<f64>,
}

impl Default for Chart {
    fn default() -> Chart {
        Chart {
            title: String::new(),
            y_label: String::new(),
            quantity: Quantity::Fixed(""),
            x: XAxis::Time(Zone::Local),
            kind: Kind::Line,
            series: Vec::new(),
            y_max: None,
            span: None,
            bucket: None,
        }
    }
}

/// Series colours (Tableau 10): distinct and readable on white.
const COLOURS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The most series a chart draws; views keep the largest and say so in the title.
pub const MAX_SERIES: usize = 8;

pub const DAY: f64 = 86_400.0;

fn register_font() {
    static FONT: Once = Once::new();
    FONT.call_once(|| {
        // The font is compiled in and known to parse; failing here would be a build defect.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

/// One axis laid out: its range and its labelled ticks.
#[derive(Clone)]
struct Axis {
    range: Range<f64>,
    ticks: Vec<(f64, String)>,
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let width = self.range.end - self.range.start;
        let f = if width > 0.0 {
            (value - self.range.start) / width
        } else {
            0.5
        };
        limit.0 + (f * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, _hint: H) -> Vec<f64> {
        self.ticks.iter().map(|t| t.0).collect()
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

impl ValueFormatter<f64> for Axis {
    fn format_ext(&self, value: &f64) -> String {
        self.ticks
            .iter()
            .find(|t| (t.0 - value).abs() < 1e-6 * (1.0 + value.abs()))
            .map(|t| t.1.clone())
            .unwrap_or_default()
    }
}

/// Where each series is drawn: its colour and, on a bar chart, its place within a slot.
struct Look {
    colour: RGBColor,
    place: usize,
}

fn looks(series: &[Series]) -> Vec<Look> {
    let mut main = 0usize;
    series
        .iter()
        .map(|s| {
            if s.role == Role::Main {
                main += 1;
            }
            let place = main.max(1) - 1;
            Look {
                colour: COLOURS[place % COLOURS.len()],
                place,
            }
        })
        .collect()
}

impl Chart {
    /// The chart as a PNG image of `size` pixels.
    pub fn png(&self, size: (u32, u32)) -> Result<Vec<u8>> {
        register_font();
        let (w, h) = size;
        let mut rgb = vec![0u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(drawing)?;
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&rgb)?;
        writer.finish()?;
        Ok(out)
    }

    /// The chart as an SVG document of `size` pixels.
    pub fn svg(&self, size: (u32, u32)) -> Result<String> {
        register_font();
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(drawing)?;
        }
        Ok(out)
    }

    fn empty(&self) -> bool {
        self.series.iter().all(|s| s.points.is_empty())
    }

    /// The x range and the width of one bar slot.
    fn x_range(&self) -> (f64, f64, f64) {
        let points = || self.series.iter().flat_map(|s| s.points.iter());
        match &self.x {
            XAxis::Categories(names) => (-0.5, names.len().max(1) as f64 - 0.5, 1.0),
            XAxis::Time(zone) => {
                let slot = self.bucket.unwrap_or_else(|| bar_slot(&self.series));
                let (lo, hi) = points().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
                    (lo.min(p.0), hi.max(p.0))
                });
                // A point stands for its bucket: the last one reaches to its end.
                let data = (lo <= hi).then(|| (lo, hi + self.bucket.unwrap_or(0.0)));
                let (mut x0, mut x1) = match (self.span, data) {
                    (Some((a, b)), Some((lo, hi))) => (a.min(lo), b.max(hi)),
                    (Some(span), None) => span,
                    (None, Some(data)) => data,
                    (None, None) => {
                        let today = zone.midnight(zone.date(0)) as f64;
                        (today, today + DAY)
                    }
                };
                if self.kind == Kind::Bar && data.is_some() && self.bucket.is_none() {
                    x1 = x1.max(hi + slot);
                }
                if x1 - x0 < 60.0 {
                    (x0, x1) = (x0 - 1800.0, x1 + 1800.0);
                }
                (x0, x1, slot)
            }
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(drawing)?;
        let (w, _) = root.dim_in_pixel();
        let title_size = (w / 50).clamp(14, 28);
        let text_size = (w / 80).clamp(11, 16);
        let font = TextStyle::from(("sans-serif", text_size).into_font());
        let empty = self.empty();
        let looks = looks(&self.series);

        // Title, then the legend in rows above the plot.
        let entries: Vec<(usize, u32)> = if self.series.len() > 1 || self.has_roles() {
            self.series
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.points.is_empty())
                .map(|(i, s)| {
                    let text = root
                        .estimate_text_size(&s.name, &font)
                        .map_or(s.name.len() as u32 * text_size / 2, |(tw, _)| tw);
                    (i, text + 30 + text_size * 2)
                })
                .collect()
        } else {
            Vec::new()
        };
        let margin = 14u32;
        let mut rows: Vec<Vec<(usize, u32)>> = Vec::new();
        let mut used = u32::MAX;
        for (i, width) in entries {
            if used.saturating_add(width) > w.saturating_sub(2 * margin + text_size * 5) {
                rows.push(Vec::new());
                used = 0;
            }
            if let Some(row) = rows.last_mut() {
                row.push((i, width));
            }
            used += width;
        }
        let line = text_size * 3 / 2;
        let title_h = title_size * 2;
        let legend_h = rows.len() as u32 * line + if rows.is_empty() { 0 } else { 6 };
        let (top, plot) = root.split_vertically(title_h + legend_h);
        let title_font = TextStyle::from(("sans-serif", title_size).into_font());
        let title_w = top
            .estimate_text_size(&self.title, &title_font)
            .map_or(0, |(tw, _)| tw);
        top.draw_text(
            &self.title,
            &title_font.color(&BLACK),
            (
                (w.saturating_sub(title_w) / 2) as i32,
                (title_size / 2) as i32,
            ),
        )
        .map_err(drawing)?;
        for (r, row) in rows.iter().enumerate() {
            let y = (title_h + r as u32 * line + line / 2) as i32;
            let mut x = (margin + text_size * 5) as i32;
            for &(i, width) in row {
                let s = &self.series[i];
                let colour = looks[i].colour;
                let swatch = (x, y)..(x + 22, y);
                match (s.role, self.kind) {
                    (Role::Average | Role::Limit, _) => {
                        // A limit on a bar chart is drawn in black, to show on its own bar.
                        let colour = if s.role == Role::Limit && self.kind == Kind::Bar {
                            BLACK
                        } else {
                            colour
                        };
                        for d in (0..22).step_by(8) {
                            top.draw(&PathElement::new(
                                vec![(x + d, y), (x + (d + 5).min(22), y)],
                                colour.stroke_width(3),
                            ))
                            .map_err(drawing)?;
                        }
                    }
                    (Role::Forecast, _) => top
                        .draw(&Rectangle::new(
                            [(x + 3, y - 6), (x + 19, y + 6)],
                            colour.stroke_width(2),
                        ))
                        .map_err(drawing)?,
                    (Role::Main, Kind::Bar) => top
                        .draw(&Rectangle::new(
                            [(x + 3, y - 6), (x + 19, y + 6)],
                            colour.filled(),
                        ))
                        .map_err(drawing)?,
                    (Role::Main, Kind::Line) => top
                        .draw(&PathElement::new(
                            vec![(swatch.start.0, y), (swatch.end.0, y)],
                            colour.stroke_width(3),
                        ))
                        .map_err(drawing)?,
                }
                top.draw_text(
                    &s.name,
                    &font.color(&BLACK),
                    (x + 28, y - text_size as i32 / 2),
                )
                .map_err(drawing)?;
                x += width as i32;
            }
        }

        // The axes.
        let (x0, x1, slot) = self.x_range();
        let top_value = self
            .series
            .iter()
            .flat_map(|s| s.points.iter())
            .map(|p| p.1)
            .fold(0.0_f64, f64::max);
        let y1 = self.y_max.unwrap_or(if top_value > 0.0 {
            top_value * 1.04
        } else {
            1.0
        });
        let (divisor, unit) = self.quantity.scale(y1);
        let y_axis = amount_axis(
            y1,
            divisor,
            self.quantity.whole(divisor),
            self.y_max.is_some() || top_value <= 0.0,
        );
        let max_x_labels = (w as usize / 150).max(2);
        let x_axis = match &self.x {
            XAxis::Categories(names) => category_axis(names, max_x_labels * 2),
            XAxis::Time(zone) => {
                // Bars of a day or more are labelled at their middle, under the bar.
                let centre = if self.kind == Kind::Bar {
                    slot / 2.0
                } else {
                    0.0
                };
                time_axis(x0, x1, *zone, max_x_labels, centre, slot)
            }
        };
        let y_desc = if unit.is_empty() {
            self.y_label.clone()
        } else {
            format!("{} ({unit})", self.y_label)
        };
        let x_desc = match &self.x {
            XAxis::Time(Zone::Utc) => "date and time (UTC)",
            XAxis::Time(Zone::Local) => "date and time (local)",
            XAxis::Categories(_) => "",
        };
        let mut chart = ChartBuilder::on(&plot)
            .margin(margin)
            .margin_right(margin + text_size * 3)
            .margin_top(4)
            .x_label_area_size(text_size * 3)
            .y_label_area_size(text_size * 5)
            .build_cartesian_2d(x_axis, y_axis)
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(&y_desc)
            .label_style(("sans-serif", text_size))
            .axis_desc_style(("sans-serif", text_size))
            .bold_line_style(RGBColor(225, 225, 225))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(drawing)?;
        if empty {
            let centre = ((x0 + x1) / 2.0, y1 / 2.0);
            let text = "no data in this period";
            let tw = plot
                .estimate_text_size(text, &title_font)
                .map_or(0, |(tw, _)| tw);
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(centre)
                        + Text::new(text, (-(tw as i32) / 2, 0), title_font.clone()),
                ))
                .map_err(drawing)?;
            return Ok(());
        }

        // The series.
        let bars = self
            .series
            .iter()
            .filter(|s| s.role == Role::Main)
            .count()
            .max(1);
        let categories = matches!(self.x, XAxis::Categories(_));
        // Bars of several series stand side by side within 80% of a slot; a time slot starts
        // at the point's x, a category's is centred on it.
        let width = slot * 0.8 / bars as f64;
        let bar_at = |x: f64, place: usize| {
            let left = if categories {
                x - slot * 0.4
            } else {
                x + slot * 0.1
            };
            let a = left + width * place as f64;
            (a + width * 0.05, a + width * 0.95)
        };
        let gap = self.bucket.map(|b| b * 2.0 + 1.0);
        for (s, look) in self.series.iter().zip(&looks) {
            let colour = look.colour;
            match (self.kind, s.role) {
                (Kind::Bar, Role::Main) => chart
                    .draw_series(s.points.iter().map(|&(x, y)| {
                        let (a, b) = bar_at(x, look.place);
                        Rectangle::new([(a, 0.0), (b, y)], colour.filled())
                    }))
                    .map(|_| ())
                    .map_err(drawing)?,
                (Kind::Bar, Role::Forecast) => chart
                    .draw_series(s.points.iter().map(|&(x, y)| {
                        let (a, b) = bar_at(x, look.place);
                        Rectangle::new([(a, 0.0), (b, y)], colour.stroke_width(2))
                    }))
                    .map(|_| ())
                    .map_err(drawing)?,
                (Kind::Bar, Role::Limit) => {
                    for &(x, y) in &s.points {
                        let (a, b) = bar_at(x, look.place);
                        let pad = (b - a) * 0.15;
                        chart
                            .draw_series(DashedLineSeries::new(
                                [(a - pad, y), (b + pad, y)],
                                5,
                                3,
                                BLACK.stroke_width(2),
                            ))
                            .map_err(drawing)?;
                    }
                }
                (_, role) => {
                    // A line's point stands at the middle of its bucket.
                    let half = match self.x {
                        XAxis::Time(_) => self.bucket.unwrap_or(0.0) / 2.0,
                        XAxis::Categories(_) => 0.0,
                    };
                    let points: Vec<(f64, f64)> =
                        s.points.iter().map(|&(x, y)| (x + half, y)).collect();
                    for run in runs(&points, gap) {
                        if run.len() == 1 {
                            chart
                                .draw_series(std::iter::once(Circle::new(
                                    run[0],
                                    4,
                                    colour.filled(),
                                )))
                                .map_err(drawing)?;
                        } else if matches!(role, Role::Average | Role::Limit) {
                            chart
                                .draw_series(DashedLineSeries::new(
                                    run.iter().copied(),
                                    6,
                                    4,
                                    colour.stroke_width(2),
                                ))
                                .map_err(drawing)?;
                        } else {
                            chart
                                .draw_series(LineSeries::new(
                                    run.iter().copied(),
                                    colour.stroke_width(2),
                                ))
                                .map_err(drawing)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn has_roles(&self) -> bool {
        self.series.iter().any(|s| s.role != Role::Main)
    }
}

/// Which of the named totals a chart draws: the `keep` largest (ties by name), as indices in the
/// order given, and the title, which says when some were left out.
pub fn largest<'n>(
    totals: impl IntoIterator<Item = (&'n str, f64)>,
    keep: usize,
    title: String,
) -> (Vec<usize>, String) {
    let mut order: Vec<(usize, &str, f64)> = totals
        .into_iter()
        .enumerate()
        .map(|(i, (name, total))| (i, name, total))
        .collect();
    let all = order.len();
    order.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.1.cmp(b.1)));
    order.truncate(keep);
    let mut chosen: Vec<usize> = order.into_iter().map(|o| o.0).collect();
    chosen.sort_unstable();
    let title = if all > chosen.len() {
        format!("{title} (the {} largest of {all})", chosen.len())
    } else {
        title
    };
    (chosen, title)
}

/// The `keep` lines largest by `size`, as series in the order given, and the title, which says
/// when some were left out.
pub fn largest_series(
    lines: Vec<(String, Vec<(f64, f64)>)>,
    keep: usize,
    title: String,
    size: impl Fn(&[(f64, f64)]) -> f64,
) -> (Vec<Series>, String) {
    let (chosen, title) = largest(
        lines
            .iter()
            .map(|(name, points)| (name.as_str(), size(points))),
        keep,
        title,
    );
    let series = lines
        .into_iter()
        .enumerate()
        .filter(|(i, _)| chosen.binary_search(i).is_ok())
        .map(|(_, (name, points))| Series::new(name, points))
        .collect();
    (series, title)
}

/// Splits points into runs without gaps wider than `gap`.
fn runs(points: &[(f64, f64)], gap: Option<f64>) -> Vec<&[(f64, f64)]> {
    let Some(gap) = gap else {
        return if points.is_empty() {
            Vec::new()
        } else {
            vec![points]
        };
    };
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=points.len() {
        if i == points.len() || points[i].0 - points[i - 1].0 > gap {
            if start < i {
                out.push(&points[start..i]);
            }
            start = i;
        }
    }
    out
}

/// The y axis from 0 to `top`: ticks at 1, 2 or 5 times a power of ten of the scaled unit,
/// written with as many decimals as the step needs.
fn amount_axis(top: f64, divisor: f64, whole: bool, fixed: bool) -> Axis {
    let scaled = top / divisor;
    let rough = if whole {
        (scaled / 6.0).max(1.0)
    } else {
        scaled / 6.0
    };
    let power = 10f64.powf(rough.log10().floor());
    let (multiple, step) = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| (*m, m * power))
        .find(|(_, s)| *s >= rough)
        .unwrap_or((10.0, 10.0 * power));
    // As many decimals as the step has: 0.05 two, 2.5 one, 25 none.
    let k = (step / multiple).log10().round() as i32;
    let decimals = (-k).max(0) as usize + usize::from(multiple == 2.5 && k <= 0);
    let mut ticks = Vec::new();
    let mut i = 0.0;
    while i * step <= scaled * (1.0 + 1e-9) {
        let v = i * step;
        ticks.push((v * divisor, format!("{v:.decimals$}")));
        i += 1.0;
    }
    // A free top rises to the next tick, so the highest value has a label above it.
    let end = if fixed && !ticks.is_empty() {
        top
    } else {
        let v = i * step;
        ticks.push((v * divisor, format!("{v:.decimals$}")));
        v * divisor
    };
    Axis {
        range: 0.0..end,
        ticks,
    }
}

/// Categories at 0, 1, 2, ..., every k-th labelled when there are more than fit.
fn category_axis(names: &[String], fit: usize) -> Axis {
    let every = names.len().div_ceil(fit.max(1)).max(1);
    Axis {
        range: -0.5..names.len().max(1) as f64 - 0.5,
        ticks: names
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, n)| (i as f64, n.clone()))
            .collect(),
    }
}

/// A step between time ticks.
#[derive(Clone, Copy)]
enum Step {
    Seconds(i64),
    Days(i64),
    Months(u32),
}

/// Ticks on local clock times from `x0` to `x1`: the smallest step of minutes, hours, days,
/// weeks or months that gives at most `fit` labels. `centre` moves each tick (not its label)
/// by that many seconds, so a day's bar is labelled under its middle.
fn time_axis(x0: f64, x1: f64, zone: Zone, fit: usize, centre: f64, slot: f64) -> Axis {
    const STEPS: [Step; 22] = [
        Step::Seconds(60),
        Step::Seconds(300),
        Step::Seconds(600),
        Step::Seconds(900),
        Step::Seconds(1800),
        Step::Seconds(3600),
        Step::Seconds(7200),
        Step::Seconds(3 * 3600),
        Step::Seconds(6 * 3600),
        Step::Seconds(12 * 3600),
        Step::Days(1),
        Step::Days(2),
        Step::Days(7),
        Step::Days(14),
        Step::Months(1),
        Step::Months(2),
        Step::Months(3),
        Step::Months(6),
        Step::Months(12),
        Step::Months(24),
        Step::Months(60),
        Step::Months(120),
    ];
    let span = x1 - x0;
    let length = |s: Step| match s {
        Step::Seconds(n) => n as f64,
        Step::Days(n) => n as f64 * DAY,
        Step::Months(n) => f64::from(n) * 30.44 * DAY,
    };
    // A bar's label stands for its whole slot: ticks are never closer than bars.
    let step = STEPS
        .iter()
        .copied()
        .find(|s| span / length(*s) <= fit as f64 && length(*s) >= slot.min(DAY) * 0.99)
        .unwrap_or(Step::Months(120));
    let centre = if length(step) >= slot * 0.99 {
        centre
    } else {
        0.0
    };
    let first = zone.time(x0.floor() as i64 - 1).naive_local();
    let day = first.date();
    let mut ticks = Vec::new();
    let mut push = |t: chrono::NaiveDateTime, label: String| {
        let x = zone.timestamp(t) as f64 + centre;
        if x >= x0 - 1e-6 && x <= x1 + 1e-6 {
            ticks.push((x, label));
        }
    };
    let year_of = |d: NaiveDate| d.year();
    let one_year = year_of(zone.date(x0 as i64)) == year_of(zone.date(x1 as i64 - 1));
    let date_label = |d: NaiveDate| {
        if one_year {
            d.format("%m-%d").to_string()
        } else {
            d.format("%Y-%m-%d").to_string()
        }
    };
    match step {
        Step::Seconds(n) => {
            let mut t = day.and_time(NaiveTime::MIN);
            let end = zone.time(x1.ceil() as i64).naive_local();
            let mut last_day = None;
            while t <= end {
                // The date is written on the first tick and at each midnight.
                let label = if last_day != Some(t.date()) {
                    last_day = Some(t.date());
                    format!("{} {}", date_label(t.date()), t.format("%H:%M"))
                } else {
                    t.format("%H:%M").to_string()
                };
                if zone.timestamp(t) as f64 + centre >= x0 - 1e-6 {
                    push(t, label);
                } else {
                    last_day = None;
                }
                t += Duration::seconds(n);
                if t.num_seconds_from_midnight() as i64 % n != 0 {
                    // Across a day boundary the steps start again at midnight.
                    t = t.date().and_time(NaiveTime::MIN);
                }
            }
        }
        Step::Days(n) => {
            // Weeks start on Mondays; other steps count days from the first.
            let mut d = if n == 7 || n == 14 {
                day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
            } else {
                day
            };
            let end = zone.date(x1.ceil() as i64);
            while d <= end {
                push(d.and_time(NaiveTime::MIN), date_label(d));
                d += Duration::days(n);
            }
        }
        Step::Months(n) => {
            let mut m = (day.year() * 12 + day.month0() as i32) / n as i32 * n as i32;
            let end = zone.date(x1.ceil() as i64);
            while let Some(d) = NaiveDate::from_ymd_opt(m / 12, (m % 12) as u32 + 1, 1)
                && d <= end
            {
                let label = if n >= 12 {
                    d.format("%Y").to_string()
                } else {
                    d.format("%Y-%m").to_string()
                };
                push(d.and_time(NaiveTime::MIN), label);
                m += n as i32;
            }
        }
    }
    Axis {
        range: x0..x1,
        ticks,
    }
}

/// The width of one bar slot on a time axis: the smallest step between the points of any
/// series, or a day when no series has two.
fn bar_slot(series: &[Series]) -> f64 {
    let step = series
        .iter()
        .flat_map(|s| s.points.windows(2).map(|w| w[1].0 - w[0].0))
        .filter(|d| *d > 0.0)
        .fold(f64::MAX, f64::min);
    if step == f64::MAX { DAY } else { step }
}

fn drawing<E: std::error::Error + Send + Sync + 'static>(
    e: DrawingAreaErrorKind<E>,
) -> anyhow::Error {
    anyhow!("cannot draw the chart: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(kind: Kind, points: usize) -> Chart {
        Chart {
            title: "Daily usage".into(),
            y_label: "usage per day".into(),
            quantity: Quantity::Bytes,
            kind,
            series: vec![Series::new(
                "a",
                (0..points)
                    .map(|i| (i as f64 * DAY, (i % 7) as f64 * 1e9))
                    .collect(),
            )],
            x: XAxis::Time(Zone::Utc),
            ..Chart::default()
        }
    }

    #[test]
    fn png_has_the_asked_size_and_is_not_blank() {
        let png = chart(Kind::Line, 30).png((400, 300)).unwrap();
        let decoder = png::Decoder::new(png.as_slice());
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (400, 300));
        let coloured = buf.chunks(3).filter(|p| p != &[255, 255, 255]).count();
        assert!(coloured > 1000, "{coloured} non-white pixels");
    }

    #[test]
    fn empty_and_bar_charts_draw() {
        assert!(
            chart(Kind::Bar, 5)
                .svg((400, 300))
                .unwrap()
                .contains("<rect")
        );
        let svg = chart(Kind::Line, 0).svg((400, 300)).unwrap();
        assert!(svg.contains("no data in this period"), "{svg}");
    }

    #[test]
    fn amounts_are_scaled_and_ticks_are_round() {
        let axis = amount_axis(150_000.0, 1000.0, false, true);
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0", "25", "50", "75", "100", "125", "150"]);
        assert_eq!(Quantity::BytesPerSecond.scale(162_000.0).1, "kB/s");
        let small = amount_axis(0.3, 1.0, false, false);
        let count = amount_axis(1.0, 1.0, true, true);
        assert_eq!(count.ticks.len(), 2, "{:?}", count.ticks);
        assert_eq!(small.ticks[1].1, "0.05");
    }

    #[test]
    fn day_ticks_fall_on_midnights_and_bars_are_labelled_under_their_middle() {
        let start = 1_764_547_200.0; // 2025-12-01 00:00 UTC
        let axis = time_axis(start, start + 7.0 * DAY, Zone::Utc, 8, DAY / 2.0, DAY);
        assert_eq!(axis.ticks.len(), 7, "{:?}", axis.ticks);
        assert_eq!(axis.ticks[0], (start + DAY / 2.0, "12-01".to_string()));
        assert_eq!(axis.ticks[6].1, "12-07");
        // Within a day, hours; the date only where it changes.
        let hours = time_axis(
            start + 3600.0,
            start + 7.0 * 3600.0,
            Zone::Utc,
            8,
            0.0,
            60.0,
        );
        let labels: Vec<&str> = hours.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(
            labels,
            [
                "12-01 01:00",
                "02:00",
                "03:00",
                "04:00",
                "05:00",
                "06:00",
                "07:00"
            ]
        );
        // A year: months.
        let year = time_axis(start, start + 365.0 * DAY, Zone::Utc, 8, 0.0, 3600.0);
        assert!(
            year.ticks.iter().all(|t| t.1.len() == 7),
            "{:?}",
            year.ticks
        );
    }

    #[test]
    fn lines_break_at_gaps() {
        let points = [
            (0.0, 1.0),
            (60.0, 1.0),
            (600.0, 2.0),
            (660.0, 2.0),
            (2000.0, 3.0),
        ];
        let runs = runs(&points, Some(121.0));
        assert_eq!(runs.iter().map(|r| r.len()).collect::<Vec<_>>(), [2, 2, 1]);
    }

    /// The x of each text element with this content, and the x range of each bar of a colour.
    fn texts(svg: &str, content: &str) -> Vec<f64> {
        svg.split("<text")
            .skip(1)
            .filter(|t| {
                t.split('>')
                    .nth(1)
                    .is_some_and(|c| c.trim_start().starts_with(content))
            })
            .filter_map(|t| attribute(t, "x"))
            .collect()
    }

    fn attribute(element: &str, name: &str) -> Option<f64> {
        let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
        element[start..].split('"').next()?.parse().ok()
    }

    fn bars(svg: &str, fill: &str) -> Vec<(f64, f64)> {
        svg.split("<rect")
            .skip(1)
            .filter(|r| r.contains(&format!("fill=\"{fill}\"")))
            .filter_map(|r| {
                let x = attribute(r, "x")?;
                Some((x, x + attribute(r, "width")?))
            })
            .collect()
    }

    #[test]
    fn a_days_bar_stands_over_its_date() {
        let start = 1_764_547_200.0; // 2025-12-01 00:00 UTC
        let chart = Chart {
            title: "Traffic".into(),
            quantity: Quantity::Bytes,
            kind: Kind::Bar,
            x: XAxis::Time(Zone::Utc),
            series: vec![Series::new("eth0", vec![(start, 5e9), (start + DAY, 7e9)])],
            span: Some((start, start + 2.0 * DAY)),
            bucket: Some(DAY),
            ..Chart::default()
        };
        let svg = chart.svg((600, 300)).unwrap();
        let bars = bars(&svg, "#1F77B4");
        assert_eq!(bars.len(), 2, "{svg}");
        for (label, bar) in ["12-01", "12-02"].iter().zip(&bars) {
            let at = texts(&svg, label);
            assert_eq!(at.len(), 1, "{label}: {at:?}");
            assert!(
                bar.0 < at[0] && at[0] < bar.1,
                "{label} at {} under {bar:?}",
                at[0]
            );
        }
        // The y axis is in GB, with round ticks.
        assert!(svg.contains("(GB)"), "{svg}");
        assert_eq!(texts(&svg, "8").len(), 1, "a tick above the largest bar");
    }

    #[test]
    fn an_empty_chart_spans_its_period() {
        let start = 1_764_547_200.0;
        let chart = Chart {
            title: "Alerts".into(),
            kind: Kind::Bar,
            quantity: Quantity::Count,
            span: Some((start, start + 30.0 * DAY)),
            bucket: Some(DAY),
            x: XAxis::Time(Zone::Utc),
            ..Chart::default()
        };
        let svg = chart.svg((600, 300)).unwrap();
        assert!(svg.contains("no data in this period"));
        assert!(!svg.contains("01-01"), "an axis in 1970: {svg}");
        // Every other Monday inside the period, none before it.
        assert_eq!(texts(&svg, "12-08").len(), 1, "{svg}");
        assert_eq!(texts(&svg, "12-22").len(), 1, "{svg}");
        assert!(texts(&svg, "11-24").is_empty(), "{svg}");
    }
}
