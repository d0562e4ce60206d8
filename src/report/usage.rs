//! The ledger's views: usage per day, per billing cycle, and its trend.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use anyhow::Result;
use chrono::{Datelike, Duration, NaiveDate};

use super::chart::{Chart, DAY, Kind, MAX_SERIES, Role, Series, XAxis, largest};
use super::period::{CycleChoice, Period, cycle_dates};
use super::{Ctx, Output, drawn};
use crate::db;
use crate::ledger::{self, Cycle, date_key, forecast, key_date};
use crate::render::{Cell, Quantity, Rows, Stream};

#[derive(Debug, Clone, Default, clap::Args)]
pub struct CyclesArgs {
    /// Count usage from the ledger, or from the traffic of the machine's network interfaces
    /// (each interface is a location; a location of the same name lends its billing day and
    /// quota)
    #[arg(long, value_enum, default_value = "ledger")]
    pub source: Source,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    #[default]
    Ledger,
    Interfaces,
}

#[derive(Debug, Clone, clap::Args)]
pub struct TrendsArgs {
    /// How many days, ending with --until's day, else with the newest day the ledger has (at
    /// most today: a day not yet imported is not drawn as zero)
    #[arg(long, value_name = "N", default_value = "30", value_parser = clap::value_parser!(u32).range(1..=36_600))]
    pub days: u32,

    /// Days in the trailing moving average
    #[arg(long, value_name = "N", default_value = "7", value_parser = clap::value_parser!(u32).range(1..=366))]
    pub window: u32,
}

impl Default for TrendsArgs {
    fn default() -> Self {
        TrendsArgs {
            days: 30,
            window: 7,
        }
    }
}

/// The ids of the locations asked for (none: every location).
pub(super) fn location_ids(ctx: &Ctx) -> Vec<i64> {
    ctx.locations.iter().map(|l| l.id).collect()
}

pub(super) fn day_bounds(first: Option<NaiveDate>, last: Option<NaiveDate>) -> (i64, i64) {
    (first.map_or(0, date_key), last.map_or(99_999_999, date_key))
}

/// Usage per location per day: `date,location,usage_gb`, which usage-import reads back. The rows
/// are read as they are written; the chart draws the largest locations.
pub fn daily<'a>(ctx: &Ctx<'a>) -> Result<Output<'a>> {
    let span = day_bounds(ctx.period.first_day(), ctx.period.last_day());
    let active = db::ledger::active(ctx.conn, span, span.0, &location_ids(ctx))?;
    let (chosen, title) = largest(
        active.iter().map(|l| (l.name.as_str(), l.total)),
        MAX_SERIES,
        format!("Daily usage per location, {}", ctx.period.describe()),
    );
    let ids: Vec<i64> = chosen.iter().map(|&i| active[i].id).collect();
    let mut points: HashMap<String, Vec<(f64, f64)>> = HashMap::new();
    if !ids.is_empty() {
        db::ledger::each_day(ctx.conn, span, &ids, |day| {
            let date = key_date(day.date).unwrap_or_default();
            points
                .entry(day.location)
                .or_default()
                .push((ctx.zone.midnight(date) as f64, day.bytes as f64));
            Ok(())
        })?;
    }
    let series = chosen
        .iter()
        .map(|&i| {
            Series::new(
                active[i].display.clone(),
                points.remove(&active[i].name).unwrap_or_default(),
            )
        })
        .collect();
    let (conn, ids) = (ctx.conn, location_ids(ctx));
    Ok(Output {
        during: ctx.period.during(),
        rows: Stream::new(vec!["date", "location", "usage_gb"], move |sink| {
            db::ledger::each_day(conn, span, &ids, |day| {
                sink(vec![
                    Cell::Text(key_date(day.date).unwrap_or_default().to_string()),
                    Cell::Named {
                        key: day.location,
                        name: day.display,
                    },
                    Cell::Gb(day.bytes),
                ])
            })
        }),
        chart: drawn(Chart {
            title,
            y_label: "usage per day".into(),
            quantity: Quantity::Bytes,
            x: XAxis::Time(ctx.zone),
            series,
            span: ctx.period.span(ctx.now),
            bucket: Some(DAY),
            ..Chart::default()
        }),
    })
}

/// What is counted per cycle: a location, or an interface.
#[derive(Debug)]
pub struct Account {
    pub name: String,
    /// What people read: a location's display name, an interface's name.
    pub display: String,
    pub billing_day: u8,
    pub quota: Option<i64>,
    /// Manual totals by period start.
    pub manual: BTreeMap<NaiveDate, i64>,
    pub cycles: Vec<Cycle>,
}

/// Sums days into cycles. Days must come in date order (accounts may interleave); the cycle of a
/// date is worked out once per distinct billing day, not once per row.
pub struct Cycler {
    /// The distinct billing days and, for the current date, the cycle each places it in.
    days: Vec<(u8, NaiveDate, NaiveDate)>,
    /// Each account's index into `days`.
    slot: Vec<usize>,
    date: i64,
    day: NaiveDate,
}

impl Cycler {
    pub fn new(accounts: &[Account]) -> Cycler {
        let mut days: Vec<(u8, NaiveDate, NaiveDate)> = Vec::new();
        let slot = accounts
            .iter()
            .map(|a| match days.iter().position(|d| d.0 == a.billing_day) {
                Some(i) => i,
                None => {
                    days.push((a.billing_day, NaiveDate::MIN, NaiveDate::MIN));
                    days.len() - 1
                }
            })
            .collect();
        Cycler {
            days,
            slot,
            date: -1,
            day: NaiveDate::MIN,
        }
    }

    /// Adds one day's bytes (the date as a YYYYMMDD key) to account `i`.
    pub fn add(&mut self, accounts: &mut [Account], date: i64, i: usize, bytes: i64) {
        if date != self.date {
            self.date = date;
            self.day = key_date(date).unwrap_or_default();
            for d in &mut self.days {
                (d.1, d.2) =
                    ledger::cycle_containing(self.day, d.0).unwrap_or((self.day, self.day));
            }
        }
        let (_, start, end) = self.days[self.slot[i]];
        let cycles = &mut accounts[i].cycles;
        match cycles.last_mut() {
            Some(c) if c.start == start => {
                c.bytes += bytes;
                c.days += 1;
                c.last = self.day;
            }
            _ => {
                // Most accounts have one cycle in a period: room for one, not four.
                if cycles.is_empty() {
                    cycles.reserve_exact(1);
                }
                cycles.push(Cycle {
                    start,
                    end,
                    bytes,
                    days: 1,
                    last: self.day,
                });
            }
        }
    }
}

/// The ledger's locations as accounts, and the index of each location id.
fn ledger_accounts(ctx: &Ctx) -> Result<(Vec<Account>, HashMap<i64, usize>)> {
    let wanted: BTreeSet<i64> = ctx.locations.iter().map(|l| l.id).collect();
    // Held once per location (there may be hundreds of thousands): no spare room.
    let count = match wanted.len() {
        0 => db::ledger::location_count(ctx.conn)?,
        n => n,
    };
    let mut accounts = Vec::with_capacity(count);
    let mut index = HashMap::with_capacity(count);
    db::ledger::each_location(ctx.conn, |l| {
        if !wanted.is_empty() && !wanted.contains(&l.id) {
            return;
        }
        index.insert(l.id, accounts.len());
        accounts.push(Account {
            name: l.name,
            display: l.display_name,
            billing_day: l.billing_day.unwrap_or(ctx.billing_day),
            quota: l.quota,
            manual: BTreeMap::new(),
            cycles: Vec::new(),
        });
    })?;
    for (id, start, bytes) in db::ledger::manual_totals(ctx.conn)? {
        if let Some(&i) = index.get(&id) {
            accounts[i].manual.insert(start, bytes);
        }
    }
    Ok((accounts, index))
}

/// The days to read for the cycles of the period: for a cycle chosen per location (--cycle,
/// --last-cycle), the months around it; else the period's own days.
fn scan_days(ctx: &Ctx) -> (Option<NaiveDate>, Option<NaiveDate>) {
    if let Some(choice) = ctx.period.cycle {
        // Per location, the cycle may start anywhere from the month before to the month after.
        let (start, end) = cycle_dates(choice, ctx.today, ctx.billing_day).unwrap_or_default();
        return (
            Some(start - Duration::days(62)),
            Some(end + Duration::days(62)),
        );
    }
    // --since and --until cut the cycles at their edges (the rows say partial).
    (ctx.period.first_day(), ctx.period.last_day())
}

/// The locations as accounts, with the ledger's days of the period summed into their cycles.
fn ledger_cycles(ctx: &Ctx) -> Result<Vec<Account>> {
    let (first, last) = scan_days(ctx);
    let (mut accounts, index) = ledger_accounts(ctx)?;
    let mut cycler = Cycler::new(&accounts);
    db::ledger::each_amount(ctx.conn, day_bounds(first, last), |date, id, bytes| {
        if let Some(&i) = index.get(&id) {
            cycler.add(&mut accounts, date, i, bytes);
        }
    })?;
    Ok(accounts)
}

/// Totals per location (or interface) per billing cycle.
pub fn cycles(ctx: &Ctx, args: &CyclesArgs) -> Result<Output<'static>> {
    let (first, last) = scan_days(ctx);
    let accounts = match args.source {
        Source::Ledger => ledger_cycles(ctx)?,
        Source::Interfaces => {
            let traffic = super::system::traffic_days(ctx, first, last)?;
            interface_accounts(ctx, &traffic)?
        }
    };
    Ok(cycle_rows(ctx, accounts))
}

/// The most locations the report's summary shows.
pub const GLANCE: usize = 20;

/// Each location's cycle today is in (the context's period must be the current cycle): what it
/// has used against its quota and its forecast, and a word on how it stands; the `GLANCE`
/// nearest their quota first (over it, forecast over it, the largest share of it, then those
/// without a quota by usage), and how many locations there were.
pub fn current_cycles(ctx: &Ctx) -> Result<(Rows, usize)> {
    let accounts = ledger_cycles(ctx)?;
    // Of the cycles' columns: location, cycle, usage, quota, quota_pct, forecast, days_left.
    const KEPT: [usize; 7] = [0, 1, 6, 9, 10, 11, 12];
    // (rank, share of the quota or usage, row): the smallest rank and the largest share first.
    type Ranked = (u8, f64, Vec<Cell>);
    let keep = |nearest: &mut Vec<Ranked>| {
        nearest.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        nearest.truncate(GLANCE);
    };
    let mut nearest: Vec<Ranked> = Vec::with_capacity(2 * GLANCE);
    let mut count = 0;
    // Each account is dropped once ranked: only the nearest are held.
    for a in accounts {
        for row in account_rows(&a, &ctx.period, ctx.today) {
            count += 1;
            let number = |i: usize| row[i].number();
            let (used, quota, forecast) = (number(6), number(9), number(11));
            let (rank, status) = match (used, quota, forecast) {
                (_, None, _) => (3, "no quota"),
                (Some(u), Some(q), _) if u > q => (0, "over quota"),
                (_, Some(q), Some(f)) if f > q => (1, "forecast over quota"),
                _ => (2, "within quota"),
            };
            let share = match quota {
                Some(q) if q > 0.0 => forecast.or(used).unwrap_or(0.0) / q,
                _ => used.unwrap_or(0.0),
            };
            let mut kept: Vec<Cell> = KEPT.iter().map(|&i| row[i].clone()).collect();
            kept.push(Cell::Text(status.into()));
            nearest.push((rank, share, kept));
            if nearest.len() == 2 * GLANCE {
                keep(&mut nearest);
            }
        }
    }
    keep(&mut nearest);
    let columns = KEPT
        .iter()
        .map(|&i| CYCLE_COLUMNS[i])
        .chain(["status"])
        .collect();
    let rows = nearest.into_iter().map(|n| n.2).collect();
    Ok((Rows { columns, rows }, count))
}

/// Interfaces as accounts: a location of the same name lends its billing day and quota.
fn interface_accounts(
    ctx: &Ctx,
    traffic: &BTreeMap<(NaiveDate, String), (i64, i64)>,
) -> Result<Vec<Account>> {
    let locations: HashMap<String, db::ledger::Location> = db::ledger::locations(ctx.conn)?
        .into_iter()
        .map(|l| (l.name.clone(), l))
        .collect();
    let names: BTreeSet<&String> = traffic.keys().map(|(_, name)| name).collect();
    let mut accounts: Vec<Account> = names
        .iter()
        .map(|&name| {
            let l = locations.get(&ledger::slug(name));
            Account {
                name: name.clone(),
                display: name.clone(),
                billing_day: l.and_then(|l| l.billing_day).unwrap_or(ctx.billing_day),
                quota: l.and_then(|l| l.quota),
                manual: BTreeMap::new(),
                cycles: Vec::new(),
            }
        })
        .collect();
    let index: HashMap<String, usize> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.name.clone(), i))
        .collect();
    let mut cycler = Cycler::new(&accounts);
    for ((date, name), (rx, tx)) in traffic {
        cycler.add(&mut accounts, date_key(*date), index[name], rx + tx);
    }
    Ok(accounts)
}

/// Does the cycle starting on `start` belong in the report?
fn wanted(
    period: &Period,
    today: NaiveDate,
    a: &Account,
    start: NaiveDate,
    end: NaiveDate,
) -> bool {
    match period.cycle {
        Some(choice @ (CycleChoice::Last | CycleChoice::Current)) => {
            cycle_dates(choice, today, a.billing_day).is_some_and(|c| c.0 == start)
        }
        Some(CycleChoice::StartingIn(y, m)) => start.year() == y && start.month() == m,
        None => {
            period.first_day().is_none_or(|f| end >= f)
                && period.last_day().is_none_or(|l| start <= l)
        }
    }
}

/// The account's cycles the report shows, in order: those with daily records, and those with
/// only a manual total; (start, end, sums).
fn shown_cycles<'a>(
    a: &'a Account,
    period: &Period,
    today: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate, Option<&'a Cycle>)> {
    let mut all: BTreeMap<NaiveDate, Option<&Cycle>> =
        a.cycles.iter().map(|c| (c.start, Some(c))).collect();
    for start in a.manual.keys() {
        all.entry(*start).or_insert(None);
    }
    all.into_iter()
        .filter_map(|(start, cycle)| {
            let end = match cycle {
                Some(c) => c.end,
                None => ledger::cycle_containing(start, a.billing_day)?.1,
            };
            wanted(period, today, a, start, end).then_some((start, end, cycle))
        })
        .collect()
}

const CYCLE_COLUMNS: [&str; 15] = [
    "location",
    "cycle",
    "start",
    "end",
    "length_days",
    "days_with_data",
    "usage_gb",
    "manual_gb",
    "difference_gb",
    "quota_gb",
    "quota_pct",
    "forecast_gb",
    "days_left",
    "days_until_quota",
    "partial",
];

/// One account's rows.
fn account_rows(a: &Account, period: &Period, today: NaiveDate) -> Vec<Vec<Cell>> {
    let gb = |v: Option<i64>| v.map_or(Cell::Null, Cell::Gb);
    shown_cycles(a, period, today)
        .into_iter()
        .map(|(start, end, cycle)| {
            let manual = a.manual.get(&start).copied();
            let usage = cycle.map(|c| c.bytes);
            let length = (end - start).num_days() + 1;
            let current = (start..=end).contains(&today);
            // --since and --until cut a cycle to the days inside them: its sums are of those
            // days only, and neither its manual total nor a forecast applies.
            let partial = period.cycle.is_none()
                && (period.first_day().is_some_and(|f| f > start)
                    || period.last_day().is_some_and(|l| l < end));
            let forecast = cycle
                .filter(|_| current && !partial)
                .map(|c| forecast(c, length, today, a.quota));
            let manual_difference = usage.zip(manual).filter(|_| !partial).map(|(u, m)| u - m);
            vec![
                Cell::Named {
                    key: a.name.clone(),
                    name: a.display.clone(),
                },
                Cell::Text(format!("{start}..{end}")),
                Cell::Text(start.to_string()),
                Cell::Text(end.to_string()),
                Cell::Int(length),
                Cell::Int(cycle.map_or(0, |c| i64::from(c.days))),
                gb(usage),
                gb(manual),
                gb(manual_difference),
                gb(a.quota),
                match (a.quota, usage) {
                    (Some(q), Some(u)) if q > 0 => Cell::Num(u as f64 * 100.0 / q as f64, 1),
                    _ => Cell::Null,
                },
                gb(forecast.map(|f| f.total)),
                if current {
                    Cell::Int((end - today).num_days())
                } else {
                    Cell::Null
                },
                forecast
                    .and_then(|f| f.days_until_quota)
                    .map_or(Cell::Null, Cell::Int),
                Cell::Bool(partial),
            ]
        })
        .collect()
}

/// The cycles' rows, made one account at a time as they are written (there may be hundreds of
/// thousands), and a chart of their totals.
fn cycle_rows(ctx: &Ctx, accounts: Vec<Account>) -> Output<'static> {
    let chart = cycle_chart(ctx, &accounts);
    let (period, today) = (ctx.period.clone(), ctx.today);
    Output {
        during: ctx.period.during(),
        rows: Stream::from_iter(
            CYCLE_COLUMNS.to_vec(),
            accounts
                .into_iter()
                .flat_map(move |a| account_rows(&a, &period, today)),
        ),
        chart: drawn(chart),
    }
}

/// Bars of each cycle's total by the month it starts in, for the largest accounts; the current
/// cycle's forecast is the outline around its bar, a quota the dashed level across each bar.
fn cycle_chart(ctx: &Ctx, accounts: &[Account]) -> Chart {
    // (cycle start, bytes so far, the forecast of a current cycle)
    let bars = |a: &Account| -> Vec<(NaiveDate, i64, Option<i64>)> {
        shown_cycles(a, &ctx.period, ctx.today)
            .into_iter()
            .filter_map(|(start, end, c)| {
                let c = c?;
                let length = (end - start).num_days() + 1;
                let current = (start..=end).contains(&ctx.today);
                let forecast = current.then(|| forecast(c, length, ctx.today, a.quota).total);
                Some((start, c.bytes, forecast))
            })
            .collect()
    };
    // Totals first, bars only for the chosen: there may be hundreds of thousands of accounts.
    let charted: Vec<(&Account, f64)> = accounts
        .iter()
        .filter_map(|a| {
            let cycles = shown_cycles(a, &ctx.period, ctx.today);
            let total: f64 = cycles
                .iter()
                .filter_map(|c| c.2)
                .map(|c| c.bytes as f64)
                .sum();
            cycles.iter().any(|c| c.2.is_some()).then_some((a, total))
        })
        .collect();
    let (chosen, title) = largest(
        charted.iter().map(|(a, total)| (a.name.as_str(), *total)),
        MAX_SERIES,
        format!("Usage per billing cycle, {}", ctx.period.describe()),
    );
    let charted: Vec<(&Account, Vec<_>)> = chosen
        .iter()
        .map(|&i| (charted[i].0, bars(charted[i].0)))
        .collect();
    let months: BTreeSet<(i32, u32)> = charted
        .iter()
        .flat_map(|(_, bars)| bars.iter().map(|b| (b.0.year(), b.0.month())))
        .collect();
    let months: Vec<(i32, u32)> = months.into_iter().collect();
    let at = |d: NaiveDate| {
        months
            .binary_search(&(d.year(), d.month()))
            .map_or(0.0, |i| i as f64)
    };
    let mut series = Vec::new();
    for (a, bars) in &charted {
        series.push(Series::new(
            a.display.clone(),
            bars.iter().map(|b| (at(b.0), b.1 as f64)).collect(),
        ));
        let forecasts: Vec<(f64, f64)> = bars
            .iter()
            .filter_map(|b| Some((at(b.0), b.2? as f64)))
            .collect();
        if !forecasts.is_empty() {
            series.push(
                Series::new(format!("{}, forecast", a.display), forecasts)
                    .with_role(Role::Forecast),
            );
        }
        if let Some(quota) = a.quota {
            series.push(
                Series::new(
                    format!("{}, quota", a.display),
                    bars.iter().map(|b| (at(b.0), quota as f64)).collect(),
                )
                .with_role(Role::Limit),
            );
        }
    }
    Chart {
        title,
        y_label: "usage per cycle".into(),
        quantity: Quantity::Bytes,
        x: XAxis::Categories(months.iter().map(|(y, m)| format!("{y}-{m:02}")).collect()),
        kind: Kind::Bar,
        series,
        ..Chart::default()
    }
}

/// Daily totals per location over the last days, with a trailing moving average. The rows, by
/// date and location, are made as they are written, so memory grows with the locations, not with
/// days times locations; the chart draws the largest locations.
pub fn trends<'a>(ctx: &Ctx<'a>, args: &TrendsArgs) -> Result<Output<'a>> {
    let end = match ctx.period.last_day() {
        Some(last) => last,
        None => db::ledger::freshness(ctx.conn)?
            .1
            .map_or(ctx.today, |newest| newest.min(ctx.today)),
    };
    let start = match ctx.period.first_day() {
        Some(first) if ctx.period.since.is_some() => first,
        _ => end - Duration::days(i64::from(args.days) - 1),
    };
    let days = Days {
        read_from: start - Duration::days(i64::from(args.window) - 1),
        start,
        end,
        window: args.window,
    };
    let active = db::ledger::active(
        ctx.conn,
        (date_key(days.read_from), date_key(end)),
        date_key(start),
        &location_ids(ctx),
    )?;
    // Each location's usage with its average dashed beside it: half as many locations fit.
    let (chosen, title) = largest(
        active.iter().map(|l| (l.name.as_str(), l.total)),
        MAX_SERIES / 2,
        format!(
            "Daily usage and {}-day average, {start}..{end}",
            args.window
        ),
    );
    let largest: Vec<db::ledger::Active> = chosen.iter().map(|&i| active[i].clone()).collect();
    let mut lines = vec![(Vec::new(), Vec::new()); largest.len()];
    each_trend(ctx.conn, &largest, &days, |day, i, bytes, average| {
        let x = ctx.zone.midnight(day) as f64;
        lines[i].0.push((x, bytes as f64));
        lines[i].1.push((x, average as f64));
        Ok(())
    })?;
    let window = args.window;
    let series = largest
        .iter()
        .zip(lines)
        .flat_map(|(location, (usage, average))| {
            [
                Series::new(location.display.clone(), usage),
                Series::new(
                    format!("{}, {window}-day average", location.display),
                    average,
                )
                .with_role(Role::Average),
            ]
        })
        .collect();
    let conn = ctx.conn;
    let columns = vec!["date", "location", "usage_gb", "average_gb"];
    Ok(Output {
        during: format!("from {start} to {end}"),
        rows: Stream::new(columns, move |sink| {
            each_trend(conn, &active, &days, |day, i, bytes, average| {
                sink(vec![
                    Cell::Text(day.to_string()),
                    Cell::Named {
                        key: active[i].name.clone(),
                        name: active[i].display.clone(),
                    },
                    Cell::Gb(bytes),
                    Cell::Gb(average),
                ])
            })
        }),
        chart: drawn(Chart {
            title,
            y_label: "usage per day".into(),
            quantity: Quantity::Bytes,
            x: XAxis::Time(ctx.zone),
            series,
            span: Some((
                ctx.zone.midnight(start) as f64,
                ctx.zone.midnight(end + Duration::days(1)) as f64,
            )),
            bucket: Some(DAY),
            ..Chart::default()
        }),
    })
}

/// The days of a trend: those shown, from `start` to `end`, and the days before them that the
/// first averages need.
struct Days {
    read_from: NaiveDate,
    start: NaiveDate,
    end: NaiveDate,
    window: u32,
}

/// Hands on, by date and location, each day from `start` to `end` of the `locations` (sorted by
/// name) as (day, index into `locations`, bytes, the trailing average in bytes). Holds only the
/// days inside the window of each location.
fn each_trend(
    conn: &rusqlite::Connection,
    locations: &[db::ledger::Active],
    days: &Days,
    mut each: impl FnMut(NaiveDate, usize, i64, i64) -> Result<()>,
) -> Result<()> {
    if locations.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = locations.iter().map(|l| l.id).collect();
    // Each location's days inside the window, and their sum.
    let mut recent: Vec<(VecDeque<(NaiveDate, i64)>, i128)> =
        vec![(VecDeque::new(), 0); locations.len()];
    let window = i64::from(days.window);
    let mut finish = |day: NaiveDate, today: &mut Vec<(usize, i64)>| -> Result<()> {
        for (i, bytes) in today.drain(..) {
            recent[i].0.push_back((day, bytes));
            recent[i].1 += i128::from(bytes);
        }
        if day < days.start {
            return Ok(());
        }
        let oldest = day - Duration::days(window - 1);
        for (i, (held, sum)) in recent.iter_mut().enumerate() {
            while let Some(&(_, bytes)) = held.front().filter(|(d, _)| *d < oldest) {
                held.pop_front();
                *sum -= i128::from(bytes);
            }
            let bytes = held.back().filter(|(d, _)| *d == day).map_or(0, |p| p.1);
            let average = (*sum as f64 / window as f64).round() as i64;
            each(day, i, bytes, average)?;
        }
        Ok(())
    };
    let mut day = days.read_from;
    let mut today = Vec::new();
    let span = (date_key(days.read_from), date_key(days.end));
    db::ledger::each_day(conn, span, &ids, |row| {
        let Some(date) = key_date(row.date) else {
            return Ok(());
        };
        while day < date {
            finish(day, &mut today)?;
            day += Duration::days(1);
        }
        if let Ok(i) = locations.binary_search_by(|l| l.name.as_str().cmp(&row.location)) {
            today.push((i, row.bytes));
        }
        Ok(())
    })?;
    while day <= days.end {
        finish(day, &mut today)?;
        day += Duration::days(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn account(day: u8) -> Account {
        Account {
            name: "a".into(),
            display: "A".into(),
            billing_day: day,
            quota: None,
            manual: BTreeMap::new(),
            cycles: Vec::new(),
        }
    }

    proptest! {
        /// Every day lands in exactly one cycle, cycles are contiguous, and moving the billing
        /// day re-buckets the same total.
        #[test]
        fn cycler_puts_every_day_in_one_cycle(
            start in 0i64..20_000, len in 1i64..800, day_a in 1u8..=31, day_b in 1u8..=31
        ) {
            let first = d("1990-01-01") + Duration::days(start);
            let mut accounts = vec![account(day_a), account(day_b)];
            let mut cycler = Cycler::new(&accounts);
            for k in 0..len {
                let date = date_key(first + Duration::days(k));
                cycler.add(&mut accounts, date, 0, 1);
                cycler.add(&mut accounts, date, 1, 1);
            }
            for a in &accounts {
                let total: i64 = a.cycles.iter().map(|c| c.bytes).sum();
                prop_assert_eq!(total, len);
                for pair in a.cycles.windows(2) {
                    prop_assert_eq!(pair[0].end.succ_opt().unwrap(), pair[1].start);
                }
                for c in &a.cycles {
                    prop_assert!(c.start <= c.last && c.last <= c.end);
                    prop_assert_eq!(ledger::cycle_containing(c.start, a.billing_day), Some((c.start, c.end)));
                }
            }
        }
    }
}
