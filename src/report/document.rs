//! The report as a sequence of blocks, which the HTML and PDF writers lay out: what people open
//! it for first (each location's current cycle against its quota and forecast, the machine's
//! health), then the detail (overview, cycles, trends, system, users, logins and application
//! sessions when there are any, alerts, service availability).
//!
//! Blocks are handed on one at a time, so a long table is written as it is read.

use anyhow::Result;

use super::{Chart, Ctx, Drawing, Output, availability, logins, overview, sessions, system, usage};
use crate::db;
use crate::render::{Rows, Stream};

pub enum Block<'a> {
    /// A section's heading.
    Heading(String),
    /// A table's heading within a section.
    Subheading(String),
    /// A quiet line of text.
    Note(String),
    Table(Stream<'a>),
    /// Lines whose second cell is a state (ok, warning, critical), shown in its colour.
    States(Rows),
    Chart(Chart),
}

/// What the page says of itself.
pub struct Title {
    pub title: String,
    pub generated: String,
    pub source: String,
}

pub fn title(ctx: &Ctx) -> Title {
    let generated = ctx
        .zone
        .time(ctx.now)
        .format("%Y-%m-%d %H:%M %:z")
        .to_string();
    Title {
        title: format!("usage report, {generated}"),
        source: ctx.config.db.display().to_string(),
        generated,
    }
}

/// Hands on the report's blocks in order.
pub fn blocks<'a>(ctx: &Ctx<'a>, each: &mut dyn FnMut(Block<'a>) -> Result<()>) -> Result<()> {
    each(Block::Heading("At a glance".into()))?;
    each(Block::Subheading("This billing cycle".into()))?;
    let current = ctx.with_period(ctx.period.current_cycle(ctx.today, ctx.billing_day));
    let (nearest, count) = usage::current_cycles(&current)?;
    let shown = nearest.rows.len();
    each(Block::Table(nearest.into()))?;
    let mut note = String::new();
    if count > shown {
        note = format!(
            "The {shown} of {count} locations nearest their quota; Billing cycles below has them all. "
        );
    }
    note.push_str("A forecast is the cycle's daily average so far over its whole length.");
    each(Block::Note(note))?;
    let several = ctx.shown_host()?.is_none() && !db::samples::hosts(ctx.conn)?.is_empty();
    let machines = if several { "The hosts" } else { "The machine" };
    each(Block::Subheading(machines.into()))?;
    each(Block::States(overview::health(ctx)?))?;

    each(Block::Heading("Overview".into()))?;
    for s in overview::sections(ctx)? {
        each(Block::Subheading(s.heading))?;
        each(Block::Table(s.rows.into()))?;
    }

    // Cycles: those of the period, or of the last year from the start of a cycle.
    let year_ago = ctx.today - chrono::Duration::days(365);
    let year_ago =
        crate::ledger::cycle_containing(year_ago, ctx.billing_day).map_or(year_ago, |c| c.0);
    let year_ago = ctx.zone.midnight(year_ago);
    let cycles_ctx = ctx.with_period(ctx.period.or_since(year_ago));
    let cycles = usage::cycles(&cycles_ctx, &usage::CyclesArgs::default())?;
    section("Billing cycles", cycles, each)?;

    let trends = usage::trends(ctx, &usage::TrendsArgs::default())?;
    each(Block::Heading("Trends".into()))?;
    chart(trends.chart, each)?;

    if several {
        each(Block::Heading("Each host".into()))?;
        each(Block::Note(
            "The database holds several hosts: the report of one machine (its system, users, \
             logins, sessions, alerts and services) is made with --host NAME."
                .into(),
        ))?;
        return Ok(());
    }
    machine_blocks(ctx, each)
}

/// The sections of the one machine shown.
fn machine_blocks<'a>(ctx: &Ctx<'a>, each: &mut dyn FnMut(Block<'a>) -> Result<()>) -> Result<()> {
    let buckets = system::system(
        ctx,
        &system::SystemArgs {
            bucket: system::Bucket::Auto,
            metric: Vec::new(),
        },
    )?;
    let whole = system::system(
        ctx,
        &system::SystemArgs {
            bucket: system::Bucket::All,
            metric: Vec::new(),
        },
    )?;
    each(Block::Heading("System".into()))?;
    chart(buckets.chart, each)?;
    each(Block::Table(whole.rows))?;

    let users = system::users(
        ctx,
        &system::UsersArgs {
            by: system::By::Cpu,
        },
    )?;
    section("Users", users, each)?;

    if db::logins::any(ctx.conn)? {
        let hours = logins::logins(ctx, &logins::LoginsArgs { sessions: false })?;
        section("Logins", hours, each)?;
    }
    if db::activity::any(ctx.conn)? {
        let apps = sessions::sessions_view(ctx, &sessions::SessionsArgs::summary())?;
        section("Application sessions", apps, each)?;
        each(Block::Note(
            "A session with no logged end closes at its last event plus sessions.idle. \
             usage-report sessions --daily has the first and last activity of each day, \
             --list each session with the machine's CPU and memory during it."
                .into(),
        ))?;
    }

    let alerts = system::alerts(ctx, &system::AlertsArgs { events: false })?;
    section("Alerts", alerts, each)?;

    if availability::any_probes(ctx)? {
        let mut services =
            availability::availability(ctx, &availability::AvailabilityArgs::all(false))?;
        // The columns a reader compares; the view's CSV and JSON have them all.
        services.rows = services.rows.select(&[
            "probe",
            "uptime_percent",
            "checks_passed_percent",
            "outages",
            "downtime",
            "maintenance",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "tls_days_left",
            "state",
        ]);
        section("Service availability", services, each)?;
        each(Block::Note(
            "Uptime is the time up outside maintenance windows, cut (not rounded) to three \
             decimals; checks passed counts every check, also failures that opened no outage. \
             usage-report availability has every column, --outages every outage."
                .into(),
        ))?;
        let outages = availability::availability(ctx, &availability::AvailabilityArgs::all(true))?;
        each(Block::Subheading("Outages".into()))?;
        each(Block::Table(outages.rows.select(&[
            "probe",
            "started",
            "ended",
            "duration",
            "in_maintenance",
            "severity",
            "closed_by",
            "cause",
            "note",
        ])))?;
    }
    Ok(())
}

/// A view's chart, when it has data.
fn chart<'a>(
    drawing: Option<Drawing>,
    each: &mut dyn FnMut(Block<'a>) -> Result<()>,
) -> Result<()> {
    if let Some(draw) = drawing {
        let c = draw()?;
        if c.series.iter().any(|s| !s.points.is_empty()) {
            each(Block::Chart(c))?;
        }
    }
    Ok(())
}

fn section<'a>(
    title: &str,
    output: Output<'a>,
    each: &mut dyn FnMut(Block<'a>) -> Result<()>,
) -> Result<()> {
    each(Block::Heading(title.into()))?;
    chart(output.chart, each)?;
    each(Block::Table(output.rows))
}
