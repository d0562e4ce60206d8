//! The HTML report: one self-contained page (inline CSS, charts as inline SVG, nothing fetched)
//! combining the overview, billing cycles, the system's last day and the alerts.

use std::io::Write;

use anyhow::Result;

use super::{Ctx, Drawing, Output, overview, system, usage};
use crate::render::{Stream, escape};

const STYLE: &str = "body{font-family:sans-serif;margin:2em auto;max-width:1300px;color:#222}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}\
h3{font-size:1em;margin-bottom:.3em}table{border-collapse:collapse;margin:.5em 0 1em}\
th,td{padding:.2em .7em;border-bottom:1px solid #e4e4e4;text-align:left;white-space:nowrap}\
.rows{overflow-x:auto}\
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}\
.chart svg{max-width:100%;height:auto}.note{color:#666}";

/// A section's rows as a table, written as they come, or a note that there are none.
fn table(rows: Stream, out: &mut dyn Write) -> Result<()> {
    write!(out, "<div class=\"rows\">")?;
    if rows.html(out)? == 0 {
        write!(out, "<p class=\"note\">No data in this period.</p>")?;
    }
    writeln!(out, "</div>")?;
    Ok(())
}

fn chart(chart: Option<Drawing>, size: (u32, u32), out: &mut dyn Write) -> Result<()> {
    let Some(draw) = chart else {
        return Ok(());
    };
    let c = draw()?;
    if c.series.iter().any(|s| !s.points.is_empty()) {
        writeln!(out, "<div class=\"chart\">{}</div>", c.svg(size)?)?;
    }
    Ok(())
}

/// The whole page, written as each section is read: the page may be larger than what is held.
pub fn report(ctx: &Ctx, size: (u32, u32), out: &mut dyn Write) -> Result<()> {
    let generated = ctx.zone.time(ctx.now).format("%Y-%m-%d %H:%M %:z");
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<title>usage report, {generated}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
<h1>usage report</h1>\n<p class=\"note\">Generated {generated} from {}.</p>\n",
        escape(&ctx.config.db.display().to_string())
    )?;
    writeln!(out, "<h2>Overview</h2>")?;
    for s in overview::sections(ctx)? {
        writeln!(out, "<h3>{}</h3>", escape(&s.heading))?;
        table(s.rows.into(), out)?;
    }

    // Cycles: those of the period, or of the last year.
    let year_ago = ctx.zone.midnight(ctx.today - chrono::Duration::days(365));
    let cycles_ctx = ctx.with_period(ctx.period.or_since(year_ago));
    let cycles = usage::cycles(&cycles_ctx, &usage::CyclesArgs::default())?;
    section("Billing cycles", cycles, size, out)?;

    let trends = usage::trends(ctx, &usage::TrendsArgs::default())?;
    writeln!(out, "<h2>Trends</h2>")?;
    chart(trends.chart, size, out)?;

    let args = system::SystemArgs {
        bucket: system::Bucket::Auto,
        metric: Vec::new(),
    };
    let buckets = system::system(ctx, &args)?;
    let whole = system::system(
        ctx,
        &system::SystemArgs {
            bucket: system::Bucket::All,
            metric: Vec::new(),
        },
    )?;
    writeln!(out, "<h2>System</h2>")?;
    chart(buckets.chart, size, out)?;
    table(whole.rows, out)?;

    let users = system::users(
        ctx,
        &system::UsersArgs {
            by: system::By::Cpu,
        },
    )?;
    section("Users", users, size, out)?;

    let alerts = system::alerts(ctx, &system::AlertsArgs { events: false })?;
    section("Alerts", alerts, size, out)?;
    writeln!(out, "</body>\n</html>")?;
    Ok(())
}

fn section(title: &str, output: Output, size: (u32, u32), out: &mut dyn Write) -> Result<()> {
    writeln!(out, "<h2>{}</h2>", escape(title))?;
    chart(output.chart, size, out)?;
    table(output.rows, out)
}
