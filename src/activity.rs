//! Application sessions derived from their stored events (pure code): a session runs from its
//! session_start (or its first event, if earlier or not logged) to its session_end (or its last
//! event, if later); one with no end closes at its last event plus the idle timeout, or is
//! still open when that moment has not come. Because the timeout is applied when sessions are
//! read, changing it re-derives the whole history.
//!
//! Hours are split at midnight in the display zone; actions, errors, first and last activity
//! come from the events themselves, grouped by quarter hour (every zone's offset is a multiple
//! of one, so local hours and days are made of whole quarters). Times are UTC microseconds.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Timelike};

use crate::db::activity::{Quarter, SessionRow};
use crate::time::Zone;

pub const MICROS: i64 = 1_000_000;

/// How a session closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Its session_end was logged.
    Ended,
    /// No end was logged: it closed at its last event plus the idle timeout.
    Idle,
    /// No end was logged and the idle timeout has not run out: it lasts up to now.
    Open,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Ended => "ended",
            How::Idle => "idle",
            How::Open => "open",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub row: SessionRow,
    pub begin: i64,
    pub finish: i64,
    pub how: How,
}

impl Session {
    pub fn micros(&self) -> i64 {
        self.finish - self.begin
    }
}

/// The session a stored row stands for, with unended sessions closed `idle` microseconds after
/// their last event, as seen at `now`.
pub fn derive(row: SessionRow, idle: i64, now: i64) -> Session {
    let begin = row.start.map_or(row.first, |s| s.min(row.first));
    let (finish, how) = match row.end {
        Some(end) => (end.max(row.last), How::Ended),
        None if row.last + idle <= now => (row.last + idle, How::Idle),
        None => (now.max(row.last), How::Open),
    };
    Session {
        row,
        begin,
        finish,
        how,
    }
}

/// Figures of one app and user over a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub sessions: i64,
    pub micros: i64,
    pub actions: i64,
    pub errors: i64,
    /// Actions and errors per local hour of the day.
    pub by_hour: [i64; 24],
}

impl Summary {
    pub fn hours(&self) -> f64 {
        self.micros as f64 / 3_600_000_000.0
    }

    /// Average session length in minutes.
    pub fn average_minutes(&self) -> Option<f64> {
        (self.sessions > 0).then(|| self.micros as f64 / 60_000_000.0 / self.sessions as f64)
    }

    pub fn actions_per_hour(&self) -> Option<f64> {
        (self.micros > 0).then(|| self.actions as f64 / self.hours())
    }

    /// The (up to) three hours of the day with the most actions and errors, busiest first, as
    /// "14-15 10-11 09-10".
    pub fn busiest(&self) -> String {
        let mut hours: Vec<(usize, i64)> = self
            .by_hour
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, n)| n > 0)
            .collect();
        hours.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        hours
            .iter()
            .take(3)
            .map(|(h, _)| format!("{h:02}-{:02}", h + 1))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Figures of one app and user on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub sessions: i64,
    pub micros: i64,
    pub actions: i64,
    pub errors: i64,
    /// The day's first and last event, when it had any.
    pub first: Option<i64>,
    pub last: Option<i64>,
}

/// (app, user)
pub type Who = (String, String);

/// Figures per (day, app, user).
pub type Days = BTreeMap<(NaiveDate, String, String), Day>;

/// What the sessions and their events' quarters within `[from, to)` add up to, per app and user
/// and per day, app and user.
pub fn summarize(
    sessions: &[Session],
    quarters: &[Quarter],
    zone: Zone,
    from: i64,
    to: i64,
) -> (BTreeMap<Who, Summary>, Days) {
    let mut totals: BTreeMap<Who, Summary> = BTreeMap::new();
    let mut days = Days::new();
    let mut who: BTreeMap<i64, Who> = BTreeMap::new();
    for s in sessions {
        let key = (s.row.app.clone(), s.row.user.clone());
        who.insert(s.row.id, key.clone());
        // A session of one moment (a lone event) counts where that moment is.
        let overlaps =
            s.begin < to && (s.finish > from || (s.begin == s.finish && s.begin >= from));
        if !overlaps {
            continue;
        }
        let (begin, finish) = (s.begin.max(from), s.finish.min(to));
        let total = totals.entry(key.clone()).or_default();
        total.sessions += 1;
        total.micros += (finish - begin).max(0);
        for (day, a, b) in split(begin, finish, zone) {
            let d = day_entry(&mut days, day, &key);
            d.sessions += 1;
            d.micros += b - a;
        }
    }
    for q in quarters {
        let Some(key) = who.get(&q.session) else {
            continue;
        };
        let total = totals.entry(key.clone()).or_default();
        total.actions += q.actions;
        total.errors += q.errors;
        let local = zone.time(q.at.div_euclid(MICROS));
        total.by_hour[local.hour() as usize] += q.actions + q.errors;
        let d = day_entry(&mut days, local.date_naive(), key);
        d.actions += q.actions;
        d.errors += q.errors;
        d.first = Some(d.first.map_or(q.first, |f| f.min(q.first)));
        d.last = Some(d.last.map_or(q.last, |l| l.max(q.last)));
    }
    (totals, days)
}

fn day_entry<'a>(days: &'a mut Days, day: NaiveDate, (app, user): &Who) -> &'a mut Day {
    days.entry((day, app.clone(), user.clone())).or_insert(Day {
        sessions: 0,
        micros: 0,
        actions: 0,
        errors: 0,
        first: None,
        last: None,
    })
}

/// `[from, to)` split at local midnights: (day, from, to) in microseconds. A moment (from ==
/// to) is one piece.
pub fn split(from: i64, to: i64, zone: Zone) -> Vec<(NaiveDate, i64, i64)> {
    let mut out = Vec::new();
    let mut at = from;
    loop {
        let day = zone.date(at.div_euclid(MICROS));
        let next = (zone.midnight(day + Duration::days(1)) * MICROS).min(to);
        out.push((day, at, next.max(at)));
        if next <= at || next >= to {
            return out;
        }
        at = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(first: i64, last: i64, start: Option<i64>, end: Option<i64>) -> SessionRow {
        SessionRow {
            id: 1,
            app: "vsat".into(),
            session: "s".into(),
            user: "ana".into(),
            first,
            last,
            start,
            end,
            actions: 0,
            errors: 0,
        }
    }

    const M: i64 = 60 * MICROS;

    #[test]
    fn an_unended_session_closes_after_the_idle_timeout_or_is_still_open() {
        let ended = derive(row(0, 10 * M, Some(0), Some(12 * M)), 30 * M, 100 * M);
        assert_eq!(
            (ended.begin, ended.finish, ended.how),
            (0, 12 * M, How::Ended)
        );
        let idle = derive(row(0, 10 * M, Some(0), None), 30 * M, 100 * M);
        assert_eq!((idle.finish, idle.how), (40 * M, How::Idle));
        // The timeout is applied when read: a shorter one closes the same session earlier.
        let shorter = derive(row(0, 10 * M, Some(0), None), 5 * M, 100 * M);
        assert_eq!(shorter.finish, 15 * M);
        let open = derive(row(0, 10 * M, Some(0), None), 30 * M, 20 * M);
        assert_eq!((open.finish, open.how), (20 * M, How::Open));
    }

    #[test]
    fn events_outside_the_logged_start_and_end_widen_the_session() {
        let s = derive(row(-2 * M, 15 * M, Some(0), Some(12 * M)), 30 * M, 100 * M);
        assert_eq!((s.begin, s.finish), (-2 * M, 15 * M));
    }

    #[test]
    fn a_session_over_midnight_counts_on_both_days() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let midnight = Zone::Utc.midnight(d.succ_opt().unwrap()) * MICROS;
        let s = derive(
            row(
                midnight - 30 * M,
                midnight + 90 * M,
                Some(midnight - 30 * M),
                Some(midnight + 90 * M),
            ),
            30 * M,
            midnight * 2,
        );
        let (totals, days) = summarize(&[s], &[], Zone::Utc, i64::MIN / 2, i64::MAX / 2);
        let t = &totals[&("vsat".into(), "ana".into())];
        assert_eq!((t.sessions, t.micros), (1, 120 * M));
        let per: Vec<(NaiveDate, i64, i64)> = days
            .iter()
            .map(|((day, _, _), v)| (*day, v.sessions, v.micros))
            .collect();
        assert_eq!(
            per,
            vec![(d, 1, 30 * M), (d.succ_opt().unwrap(), 1, 90 * M)]
        );
    }

    #[test]
    fn figures_of_a_summary_and_a_session() {
        let s = Summary {
            sessions: 4,
            micros: 195 * M,
            actions: 9,
            ..Summary::default()
        };
        assert_eq!(s.hours(), 3.25);
        assert_eq!(s.average_minutes(), Some(48.75));
        assert_eq!(s.actions_per_hour(), Some(9.0 / 3.25));
        // Nothing to average or divide by.
        let none = Summary::default();
        assert_eq!(
            (none.average_minutes(), none.actions_per_hour()),
            (None, None)
        );
        let one = derive(row(5 * M, 7 * M, Some(5 * M), Some(9 * M)), 30 * M, 100 * M);
        assert_eq!(one.micros(), 4 * M);
        let names: Vec<&str> = [How::Ended, How::Idle, How::Open].map(How::as_str).to_vec();
        assert_eq!(names, ["ended", "idle", "open"]);
    }

    #[test]
    fn only_sessions_within_the_period_count_a_lone_event_too() {
        let lone = derive(row(50 * M, 50 * M, None, Some(50 * M)), 30 * M, 100 * M);
        let later = derive(
            row(70 * M, 80 * M, Some(70 * M), Some(80 * M)),
            30 * M,
            100 * M,
        );
        let earlier = derive(row(0, 5 * M, Some(0), Some(5 * M)), 30 * M, 100 * M);
        let (totals, _) = summarize(&[lone, later, earlier], &[], Zone::Utc, 10 * M, 60 * M);
        let t = &totals[&("vsat".into(), "ana".into())];
        assert_eq!((t.sessions, t.micros), (1, 0));
    }

    #[test]
    fn busiest_hours_are_ordered_by_count_then_hour() {
        let mut s = Summary::default();
        s.by_hour[14] = 5;
        s.by_hour[9] = 3;
        s.by_hour[10] = 3;
        s.by_hour[23] = 1;
        assert_eq!(s.busiest(), "14-15 09-10 10-11");
        assert_eq!(Summary::default().busiest(), "");
    }

    #[test]
    fn quarters_count_per_local_day_and_hour() {
        let at = Zone::Utc.midnight(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()) * MICROS;
        let s = derive(
            row(at, at + 60 * M, Some(at), Some(at + 60 * M)),
            30 * M,
            at * 2,
        );
        let quarters = vec![
            Quarter {
                session: 1,
                at,
                actions: 2,
                errors: 1,
                first: at,
                last: at + 5 * M,
            },
            Quarter {
                session: 1,
                at: at + 45 * M,
                actions: 1,
                errors: 0,
                first: at + 50 * M,
                last: at + 60 * M,
            },
        ];
        let (totals, days) = summarize(&[s], &quarters, Zone::Utc, i64::MIN / 2, i64::MAX / 2);
        let t = &totals[&("vsat".into(), "ana".into())];
        assert_eq!((t.actions, t.errors, t.by_hour[0]), (3, 1, 4));
        assert_eq!(t.actions_per_hour(), Some(3.0));
        let d = days.values().next().unwrap();
        assert_eq!((d.first, d.last), (Some(at), Some(at + 60 * M)));
    }
}
