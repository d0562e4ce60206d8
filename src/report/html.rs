//! The HTML report: one self-contained page (inline CSS, charts as inline SVG, nothing fetched)
//! combining the overview, billing cycles, the system's last day and the alerts.

use anyhow::Result;

use super::chart::Chart;
use super::{Ctx, Output, overview, system, usage};
use crate::render::{Rows, escape};

const STYLE: &str = "body{font-family:sans-serif;margin:2em auto;max-width:1300px;color:#222}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}\
h3{font-size:1em;margin-bottom:.3em}table{border-collapse:collapse;margin:.5em 0 1em}\
th,td{padding:.2em .7em;border-bottom:1px solid #e4e4e4;text-align:left;white-space:nowrap}\
.rows{overflow-x:auto}\
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}\
.chart svg{max-width:100%;height:auto}.note{color:#666}";

fn table(rows: &Rows) -> String {
    if rows.rows.is_empty() {
        "<p class=\"note\">No data in this period.</p>\n".into()
    } else {
        format!("<div class=\"rows\">{}</div>\n", rows.html())
    }
}

fn chart(chart: Option<&Chart>, size: (u32, u32)) -> Result<String> {
    Ok(match chart {
        Some(c) if c.series.iter().any(|s| !s.points.is_empty()) => {
            format!("<div class=\"chart\">{}</div>\n", c.svg(size)?)
        }
        _ => String::new(),
    })
}

/// The whole page.
pub fn report(ctx: &Ctx, size: (u32, u32)) -> Result<String> {
    let mut body = String::new();
    body.push_str("<h2>Overview</h2>\n");
    for s in overview::sections(ctx)? {
        body.push_str(&format!(
            "<h3>{}</h3>\n{}",
            escape(&s.heading),
            table(&s.rows)
        ));
    }

    // Cycles: those of the period, or of the last year.
    let year_ago = ctx.zone.midnight(ctx.today - chrono::Duration::days(365));
    let cycles_ctx = ctx.with_period(ctx.period.or_since(year_ago));
    let cycles = usage::cycles(&cycles_ctx, &usage::CyclesArgs::default())?;
    section(&mut body, "Billing cycles", cycles, size)?;

    let trends = usage::trends(ctx, &usage::TrendsArgs::default())?;
    body.push_str("<h2>Trends</h2>\n");
    body.push_str(&chart(trends.chart.as_ref(), size)?);

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
    body.push_str("<h2>System</h2>\n");
    body.push_str(&chart(buckets.chart.as_ref(), size)?);
    body.push_str(&table(&whole.rows.collect()));

    let users = system::users(
        ctx,
        &system::UsersArgs {
            by: system::By::Cpu,
        },
    )?;
    section(&mut body, "Users", users, size)?;

    let alerts = system::alerts(ctx, &system::AlertsArgs { events: false })?;
    section(&mut body, "Alerts", alerts, size)?;

    let generated = ctx.zone.time(ctx.now).format("%Y-%m-%d %H:%M %:z");
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<title>usage report, {generated}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
<h1>usage report</h1>\n<p class=\"note\">Generated {generated} from {}.</p>\n{body}</body>\n</html>\n",
        escape(&ctx.config.db.display().to_string())
    ))
}

fn section(body: &mut String, title: &str, out: Output, size: (u32, u32)) -> Result<()> {
    body.push_str(&format!("<h2>{}</h2>\n", escape(title)));
    body.push_str(&chart(out.chart.as_ref(), size)?);
    body.push_str(&table(&out.rows.collect()));
    Ok(())
}
