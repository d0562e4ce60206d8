//! Charts of a view's rows: drawn by plotters as PNG (bitmap backend, the embedded DejaVu Sans
//! font, so no system font library is needed) or as SVG for the HTML report.

use std::sync::Once;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::time::Zone;

/// What the x axis shows.
#[derive(Debug, Clone)]
pub enum XAxis {
    /// Times in UTC seconds, labelled in the zone.
    Time(Zone),
    /// Named categories at x = 0, 1, 2, ...
    Categories(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Line,
    Bar,
}

#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed, in the colour of the series before it (a moving average, say).
    pub dashed: bool,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub y_label: String,
    pub x: XAxis,
    pub kind: Kind,
    pub series: Vec<Series>,
    /// A fixed top of the y axis (100 for percentages); else the data's maximum.
    pub y_max: Option<f64>,
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

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(drawing)?;
        let points = || self.series.iter().flat_map(|s| s.points.iter());
        let (mut x0, mut x1) = points().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
        let top = points().map(|p| p.1).fold(0.0_f64, f64::max);
        let y1 = self
            .y_max
            .unwrap_or(if top > 0.0 { top * 1.1 } else { 1.0 });
        let empty = x0 > x1;
        match &self.x {
            XAxis::Categories(names) => {
                x0 = -0.5;
                x1 = names.len().max(1) as f64 - 0.5;
            }
            XAxis::Time(_) if empty => (x0, x1) = (0.0, 86_400.0),
            XAxis::Time(_) if x0 == x1 => (x0, x1) = (x0 - 3600.0, x1 + 3600.0),
            XAxis::Time(_) => {}
        }
        // Bars stand on their x, so a half slot is added on both sides.
        let slot = match self.x {
            XAxis::Categories(_) => 1.0,
            XAxis::Time(_) => bar_slot(&self.series),
        };
        if self.kind == Kind::Bar && matches!(self.x, XAxis::Time(_)) && !empty {
            (x0, x1) = (x0 - slot / 2.0, x1 + slot / 2.0);
        }
        let (w, _) = root.dim_in_pixel();
        let title_size = (w / 50).clamp(14, 28);
        let text_size = (w / 80).clamp(11, 16);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", title_size))
            .margin(14)
            .x_label_area_size(text_size * 3)
            .y_label_area_size(text_size * 5)
            .build_cartesian_2d(x0..x1, 0.0..y1)
            .map_err(drawing)?;
        let span = x1 - x0;
        let label_x = |x: &f64| match &self.x {
            XAxis::Time(zone) => {
                let t = zone.time(x.round() as i64);
                if span >= 3.0 * 86_400.0 {
                    t.format("%Y-%m-%d").to_string()
                } else {
                    t.format("%m-%d %H:%M").to_string()
                }
            }
            XAxis::Categories(names) => {
                let i = x.round();
                if (x - i).abs() < 0.01 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            }
        };
        let x_labels = match &self.x {
            XAxis::Categories(names) => names.len().max(1),
            XAxis::Time(_) => (w as usize / 150).max(2),
        };
        let x_desc = match &self.x {
            XAxis::Time(Zone::Utc) => "date and time (UTC)",
            XAxis::Time(Zone::Local) => "date and time (local)",
            XAxis::Categories(_) => "",
        };
        chart
            .configure_mesh()
            .x_labels(x_labels)
            .x_desc(x_desc)
            .y_labels(8)
            .x_label_formatter(&label_x)
            .y_desc(&self.y_label)
            .label_style(("sans-serif", text_size))
            .axis_desc_style(("sans-serif", text_size))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(drawing)?;
        if empty {
            let centre = ((x0 + x1) / 2.0, y1 / 2.0);
            chart
                .draw_series(std::iter::once(Text::new(
                    "no data in this period",
                    centre,
                    ("sans-serif", title_size).into_font(),
                )))
                .map_err(drawing)?;
            return Ok(());
        }
        let bars = self.series.iter().filter(|s| !s.dashed).count().max(1);
        let mut colour_index = 0;
        for s in &self.series {
            if !s.dashed {
                colour_index += 1;
            }
            let colour = COLOURS[(colour_index.max(1) - 1) % COLOURS.len()];
            let drawn = match (self.kind, s.dashed) {
                (_, true) => chart
                    .draw_series(DashedLineSeries::new(
                        s.points.iter().copied(),
                        6,
                        4,
                        colour.stroke_width(2),
                    ))
                    .map_err(drawing)?,
                (Kind::Line, false) => chart
                    .draw_series(LineSeries::new(
                        s.points.iter().copied(),
                        colour.stroke_width(2),
                    ))
                    .map_err(drawing)?,
                (Kind::Bar, false) => {
                    // Bars of several series stand side by side within 80% of a slot.
                    let width = slot * 0.8 / bars as f64;
                    let shift = -slot * 0.4 + width * (colour_index - 1) as f64;
                    chart
                        .draw_series(s.points.iter().map(|&(x, y)| {
                            Rectangle::new(
                                [(x + shift, 0.0), (x + shift + width * 0.9, y)],
                                colour.filled(),
                            )
                        }))
                        .map_err(drawing)?
                }
            };
            drawn.label(&s.name).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))
            });
        }
        if self.series.len() > 1 {
            chart
                .configure_series_labels()
                .label_font(("sans-serif", text_size))
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(180, 180, 180))
                .position(SeriesLabelPosition::UpperLeft)
                .draw()
                .map_err(drawing)?;
        }
        Ok(())
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
    if step == f64::MAX { 86_400.0 } else { step }
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
            y_label: "GB".into(),
            x: XAxis::Time(Zone::Utc),
            kind,
            series: vec![Series {
                name: "a".into(),
                points: (0..points)
                    .map(|i| (i as f64 * 86_400.0, (i % 7) as f64))
                    .collect(),
                dashed: false,
            }],
            y_max: None,
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
}
