//! The logins view: hours logged in per user and day (as `ac -d -p` counts them), or the
//! sessions themselves (as `last` lists them), from the sessions usage-sample keeps.

use std::collections::BTreeMap;

use anyhow::Result;

use super::system::{bounds, day_bars, host, recent_days};
use super::{Ctx, Output, drawn};
use crate::db;
use crate::logins;
use crate::render::{Cell, Quantity, Rows};

#[derive(Debug, Clone, clap::Args)]
pub struct LoginsArgs {
    /// List the sessions (user, line, from where, start, end, how it ended) instead of the
    /// hours per user and day
    #[arg(long)]
    pub sessions: bool,
}

/// Per day and user: sessions, hours, and the first and last moment logged in (work hours); or
/// the sessions.
pub fn logins(ctx: &Ctx, args: &LoginsArgs) -> Result<Output<'static>> {
    let period = recent_days(ctx, 7);
    let (since, until) = bounds(&period);
    let stored = match host(ctx)? {
        Some(h) => db::logins::overlapping(ctx.conn, h, since, until.min(ctx.now))?,
        None => Vec::new(),
    };
    let sessions = logins::from_rows(stored);
    // Hours within the period only: a session over its start counts from there.
    let clipped = logins::clip(&sessions, since, until, ctx.now);
    let days = logins::by_day(&clipped, ctx.zone, ctx.now);
    let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for ((day, user), d) in &days {
        series
            .entry(user.clone())
            .or_default()
            .push((ctx.zone.midnight(*day) as f64, d.seconds as f64 / 3600.0));
    }
    let chart = day_bars(
        ctx,
        &period,
        format!("Hours logged in per day, {}", period.describe()),
        "hours logged in",
        Quantity::Fixed("h"),
        series,
    );
    let time = |t: Option<i64>| t.map_or(Cell::Null, |t| Cell::Time(ctx.zone.time(t)));
    let rows = if args.sessions {
        Rows {
            columns: vec!["user", "line", "from", "start", "end", "how", "minutes"],
            rows: sessions
                .iter()
                .map(|s| {
                    vec![
                        Cell::Text(s.user.clone()),
                        Cell::Text(s.line.clone()),
                        Cell::Text(s.host.clone()),
                        time(Some(s.start)),
                        time(s.end),
                        Cell::Text(s.how.as_str().into()),
                        Cell::Int(s.seconds(ctx.now) / 60),
                    ]
                })
                .collect(),
        }
    } else {
        Rows {
            columns: vec!["date", "user", "sessions", "hours", "first", "last"],
            rows: days
                .into_iter()
                .map(|((day, user), d)| {
                    vec![
                        Cell::Text(day.to_string()),
                        Cell::Text(user),
                        Cell::Int(d.sessions),
                        Cell::Num(d.seconds as f64 / 3600.0, 2),
                        time(Some(d.first)),
                        time(Some(d.last)),
                    ]
                })
                .collect(),
        }
    };
    Ok(Output {
        during: period.during(),
        rows: rows.into(),
        chart: drawn(chart),
    })
}
