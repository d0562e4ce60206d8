//! Login sessions from utmp/wtmp records, as last(1) and ac(1) derive them: a login on a line
//! lasts until the logout on that line, the system going down (a shutdown record: "down") or
//! booting again without one ("crash"), or another login on the same line ("gone"); one with
//! none of these is still logged in. Hours per user and day are split at midnight in the
//! configured zone and summed per session, as `ac -d -p --reboots --supplants` sums them: a
//! crashed session counts up to the boot that ended it (as last shows it), a supplanted one up
//! to the login that took its line. (ac without those flags drops such a session's time after
//! the last midnight it spans, but keeps the days before: so its daily and total figures
//! disagree.)

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::collect::utmp::{Kind, Record};
use crate::db::logins::LoginRow;
use crate::time::Zone;

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Logout,
    /// The system was shut down.
    Down,
    /// The system booted again without a shutdown.
    Crash,
    /// Another login on the same line.
    Gone,
    /// Still logged in at the last record.
    Open,
}

impl End {
    pub fn as_str(self) -> &'static str {
        match self {
            End::Logout => "logout",
            End::Down => "down",
            End::Crash => "crash",
            End::Gone => "gone",
            End::Open => "still logged in",
        }
    }

    /// The word stored in the database.
    pub fn key(self) -> &'static str {
        match self {
            End::Open => "open",
            other => other.as_str(),
        }
    }

    pub fn from_key(key: &str) -> Option<End> {
        [End::Logout, End::Down, End::Crash, End::Gone, End::Open]
            .into_iter()
            .find(|e| e.key() == key)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user: String,
    pub line: String,
    pub host: String,
    pub start: i64,
    /// `None` while still logged in.
    pub end: Option<i64>,
    pub how: End,
}

impl Session {
    /// Seconds logged in, up to `now` while still logged in.
    pub fn seconds(&self, now: i64) -> i64 {
        (self.end.unwrap_or(now) - self.start).max(0)
    }
}

/// The sessions the records make, in order of login.
pub fn sessions(records: &[Record]) -> Vec<Session> {
    sessions_from(Vec::new(), records)
}

/// The same, with sessions already open before the first record (carried over from a wtmp
/// since rotated): the records can end them.
pub fn sessions_from(before: Vec<Session>, records: &[Record]) -> Vec<Session> {
    let mut done: Vec<Session> = Vec::new();
    // Open sessions by line.
    let mut open: BTreeMap<String, Session> =
        before.into_iter().map(|s| (s.line.clone(), s)).collect();
    for r in records {
        match r.kind {
            Kind::Login if !r.user.is_empty() => {
                if let Some(mut old) = open.remove(&r.line) {
                    old.end = Some(r.time);
                    old.how = End::Gone;
                    done.push(old);
                }
                open.insert(
                    r.line.clone(),
                    Session {
                        user: r.user.clone(),
                        line: r.line.clone(),
                        host: r.host.clone(),
                        start: r.time,
                        end: None,
                        how: End::Open,
                    },
                );
            }
            Kind::Logout => {
                if let Some(mut s) = open.remove(&r.line) {
                    s.end = Some(r.time);
                    s.how = End::Logout;
                    done.push(s);
                }
            }
            Kind::RunLevel if r.user == "shutdown" => {
                close_all(&mut open, &mut done, r.time, End::Down);
            }
            Kind::Boot => close_all(&mut open, &mut done, r.time, End::Crash),
            _ => {}
        }
    }
    done.extend(open.into_values());
    done.sort_by(|a, b| (a.start, &a.line).cmp(&(b.start, &b.line)));
    done
}

/// Ends every open session at `t`.
fn close_all(open: &mut BTreeMap<String, Session>, done: &mut Vec<Session>, t: i64, how: End) {
    for (_, mut s) in std::mem::take(open) {
        s.end = Some(t);
        s.how = how;
        done.push(s);
    }
}

/// The sessions stored rows describe.
pub fn from_rows(rows: Vec<LoginRow>) -> Vec<Session> {
    rows.into_iter()
        .map(|r| Session {
            how: End::from_key(&r.how).unwrap_or(End::Open),
            user: r.user,
            line: r.line,
            host: r.remote,
            start: r.start,
            end: r.end,
        })
        .collect()
}

/// The parts of `sessions` within `[from, to)`, those still open ended at `now`; sessions
/// wholly outside are left out.
pub fn clip(sessions: &[Session], from: i64, to: i64, now: i64) -> Vec<Session> {
    sessions
        .iter()
        .map(|s| Session {
            start: s.start.max(from),
            end: Some(s.end.unwrap_or(now).min(to).min(now)),
            ..s.clone()
        })
        .filter(|s| s.end > Some(s.start))
        .collect()
}

/// One user's day: seconds logged in, the sessions that touched it, and the first and last
/// moment logged in (work hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub seconds: i64,
    pub sessions: i64,
    pub first: i64,
    pub last: i64,
}

/// Each user's days (in `zone`), each session cut at the midnights it spans; sessions still
/// open count up to `now`.
pub fn by_day(sessions: &[Session], zone: Zone, now: i64) -> BTreeMap<(NaiveDate, String), Day> {
    let mut out: BTreeMap<(NaiveDate, String), Day> = BTreeMap::new();
    for s in sessions {
        let end = s.end.unwrap_or(now);
        let mut from = s.start;
        while from < end {
            let day = zone.time(from).date_naive();
            let to = end.min(zone.midnight(day + Duration::days(1)));
            let d = out.entry((day, s.user.clone())).or_insert(Day {
                seconds: 0,
                sessions: 0,
                first: from,
                last: to,
            });
            d.seconds += to - from;
            d.sessions += 1;
            d.first = d.first.min(from);
            d.last = d.last.max(to);
            from = to;
        }
    }
    out
}

/// Seconds logged in per day and user, as [`by_day`] counts them.
pub fn seconds_by_day(
    sessions: &[Session],
    zone: Zone,
    now: i64,
) -> BTreeMap<(NaiveDate, String), i64> {
    by_day(sessions, zone, now)
        .into_iter()
        .map(|(k, d)| (k, d.seconds))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(kind: Kind, line: &str, user: &str, time: i64) -> Record {
        Record {
            kind,
            pid: 1,
            line: line.into(),
            user: user.into(),
            host: String::new(),
            time,
            usec: 0,
        }
    }

    const H: i64 = 3600;

    #[test]
    fn sessions_end_as_last_ends_them() {
        let r = [
            rec(Kind::Boot, "~", "reboot", 0),
            rec(Kind::Login, "pts/0", "alice", H),
            rec(Kind::Login, "pts/1", "alice", 2 * H),
            rec(Kind::Logout, "pts/0", "", 3 * H),
            // A logout on a line nobody is on changes nothing.
            rec(Kind::Logout, "pts/9", "", 3 * H),
            rec(Kind::Login, "tty1", "bob", 4 * H),
            rec(Kind::Login, "tty1", "carol", 5 * H),
            rec(Kind::RunLevel, "~~", "shutdown", 6 * H),
            rec(Kind::Boot, "~", "reboot", 7 * H),
            rec(Kind::Login, "tty2", "dave", 8 * H),
            rec(Kind::Boot, "~", "reboot", 9 * H),
            rec(Kind::Login, "pts/0", "erin", 10 * H),
        ];
        let shown: Vec<String> = sessions(&r)
            .iter()
            .map(|s| {
                format!(
                    "{} {} {}-{} {}",
                    s.user,
                    s.line,
                    s.start / H,
                    s.end.map_or("".into(), |e| (e / H).to_string()),
                    s.how.as_str()
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "alice pts/0 1-3 logout",
                "alice pts/1 2-6 down",
                "bob tty1 4-5 gone",
                "carol tty1 5-6 down",
                "dave tty2 8-9 crash",
                "erin pts/0 10- still logged in",
            ]
        );
    }

    #[test]
    fn a_session_open_before_the_records_is_ended_by_them() {
        let before = Session {
            user: "alice".into(),
            line: "pts/0".into(),
            host: String::new(),
            start: 0,
            end: None,
            how: End::Open,
        };
        let s = sessions_from(vec![before], &[rec(Kind::Logout, "pts/0", "", H)]);
        assert_eq!((s[0].end, s[0].how), (Some(H), End::Logout));
        for e in [End::Logout, End::Down, End::Crash, End::Gone, End::Open] {
            assert_eq!(End::from_key(e.key()), Some(e));
        }
        assert_eq!(End::from_key("still logged in"), None);
    }

    #[test]
    fn hours_are_cut_at_midnight_and_summed_per_session() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let t0 = Zone::Utc.midnight(day);
        let r = [
            rec(Kind::Login, "pts/0", "alice", t0 + 9 * H),
            rec(Kind::Login, "pts/1", "alice", t0 + 9 * H + 1800),
            rec(Kind::Logout, "pts/0", "", t0 + 10 * H),
            rec(Kind::Logout, "pts/1", "", t0 + 11 * H + 900),
            rec(Kind::Login, "tty1", "bob", t0 + 22 * H),
            rec(Kind::Logout, "tty1", "", t0 + 26 * H + 1800),
            rec(Kind::Login, "tty2", "carol", t0 + 47 * H),
        ];
        let seconds = seconds_by_day(&sessions(&r), Zone::Utc, t0 + 49 * H);
        let next = day.succ_opt().unwrap();
        let got: Vec<(NaiveDate, &str, i64)> = seconds
            .iter()
            .map(|((d, u), s)| (*d, u.as_str(), *s))
            .collect();
        // As ac -d -p: alice's overlapping sessions add up (1 h + 1 h 45 min).
        assert_eq!(
            got,
            [
                (day, "alice", 2 * H + 2700),
                (day, "bob", 2 * H),
                (next, "bob", 2 * H + 1800),
                (next, "carol", H),
                (next.succ_opt().unwrap(), "carol", H),
            ]
        );
        // Bob's day after midnight: one session, from midnight to 02:30.
        let d = by_day(&sessions(&r), Zone::Utc, t0 + 49 * H)[&(next, "bob".to_string())];
        assert_eq!(
            d,
            Day {
                seconds: 2 * H + 1800,
                sessions: 1,
                first: t0 + 24 * H,
                last: t0 + 26 * H + 1800
            }
        );
        // A supplanted session counts up to the login that took its line, a crashed one up
        // to the boot.
        let r = [
            rec(Kind::Login, "tty1", "bob", t0 + H),
            rec(Kind::Login, "tty1", "carol", t0 + 2 * H),
            rec(Kind::Boot, "~", "reboot", t0 + 4 * H),
        ];
        let total: Vec<(String, i64)> = seconds_by_day(&sessions(&r), Zone::Utc, t0 + 5 * H)
            .into_iter()
            .map(|((_, u), secs)| (u, secs / H))
            .collect();
        assert_eq!(total, [("bob".to_string(), 1), ("carol".to_string(), 2)]);
    }
}
