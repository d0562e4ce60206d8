//! The logins view: hours logged in per user and day (as `ac -d -p` counts them), or the
//! sessions themselves (as `last` lists them), from the sessions usage-sample keeps.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::NaiveDate;

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
    let hours = logins::seconds_by_day(&clipped, ctx.zone, ctx.now);
    let mut days: BTreeMap<(NaiveDate, String), Day> = BTreeMap::new();
    // Each day a session touches: counted there, with the first and last moment of it.
    for s in &clipped {
        let end = s.end.unwrap_or(ctx.now);
        let mut d = ctx.zone.date(s.start);
        while ctx.zone.midnight(d) < end {
            let Some(next) = d.succ_opt() else { break };
            let day = days.entry((d, s.user.clone())).or_default();
            day.sessions += 1;
            day.first = day.first.min(s.start.max(ctx.zone.midnight(d)));
            day.last = day.last.max(end.min(ctx.zone.midnight(next)));
            d = next;
        }
    }
    let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for ((day, user), secs) in &hours {
        series
            .entry(user.clone())
            .or_default()
            .push((ctx.zone.midnight(*day) as f64, *secs as f64 / 3600.0));
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
                    let secs = hours.get(&(day, user.clone())).copied().unwrap_or(0);
                    vec![
                        Cell::Text(day.to_string()),
                        Cell::Text(user),
                        Cell::Int(d.sessions),
                        Cell::Num(secs as f64 / 3600.0, 2),
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

/// One user's day.
struct Day {
    sessions: i64,
    first: i64,
    last: i64,
}

impl Default for Day {
    fn default() -> Self {
        Day {
            sessions: 0,
            first: i64::MAX,
            last: i64::MIN,
        }
    }
}
