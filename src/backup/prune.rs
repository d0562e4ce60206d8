//! Which backups a retention policy keeps.
//!
//! A backup is kept when any rule keeps it, as `restic forget` does:
//! - a named backup is always kept;
//! - the newest backup is always kept, so pruning never leaves none;
//! - the seed's rule: a backup younger than `retention_days` that is also among the newest
//!   `max_backups` (0 turns either limit off);
//! - `keep_daily N`: for the last N days that have backups, the newest backup of each day;
//!   `keep_weekly` and `keep_monthly` the same per ISO week and per month. Days, weeks and months
//!   are the local time zone's, and periods without backups do not count.

use chrono::{DateTime, Datelike, Local, Utc};

/// The retention policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub retention_days: u32,
    pub max_backups: u32,
    pub keep_daily: u32,
    pub keep_weekly: u32,
    pub keep_monthly: u32,
}

/// Why a backup is kept, or that it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Keep(Vec<&'static str>),
    Remove,
}

/// Decides for each backup (created, named), given newest first.
pub fn decide(
    backups: &[(DateTime<Utc>, bool)],
    now: DateTime<Utc>,
    policy: &Policy,
) -> Vec<Verdict> {
    let mut reasons: Vec<Vec<&'static str>> = vec![Vec::new(); backups.len()];
    let mut unnamed_rank = 0u32;
    for (i, &(created, named)) in backups.iter().enumerate() {
        if named {
            reasons[i].push("named");
            continue;
        }
        unnamed_rank += 1;
        let young = policy.retention_days == 0
            || now.signed_duration_since(created).num_seconds()
                < i64::from(policy.retention_days) * 86_400;
        let few = policy.max_backups == 0 || unnamed_rank <= policy.max_backups;
        if young && few {
            reasons[i].push("recent");
        }
    }
    if let Some(i) = backups.iter().position(|&(_, named)| !named) {
        reasons[i].insert(0, "newest");
    }
    type Bucket = fn(DateTime<Local>) -> (i32, u32);
    let rules: [(&'static str, u32, Bucket); 3] = [
        ("daily", policy.keep_daily, |t| (t.year(), t.ordinal())),
        ("weekly", policy.keep_weekly, |t| {
            (t.iso_week().year(), t.iso_week().week())
        }),
        ("monthly", policy.keep_monthly, |t| (t.year(), t.month())),
    ];
    for (label, n, key) in rules {
        let mut last = None;
        let mut kept = 0;
        for (i, &(created, named)) in backups.iter().enumerate() {
            if named || kept >= n {
                continue;
            }
            let k = key(created.with_timezone(&Local));
            if last != Some(k) {
                last = Some(k);
                kept += 1;
                reasons[i].push(label);
            }
        }
    }
    reasons
        .into_iter()
        .map(|r| {
            if r.is_empty() {
                Verdict::Remove
            } else {
                Verdict::Keep(r)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const NONE: Policy = Policy {
        retention_days: 0,
        max_backups: 0,
        keep_daily: 0,
        keep_weekly: 0,
        keep_monthly: 0,
    };

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        // Noon-ish in UTC keeps the local date the same in any zone within +-10 h.
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    fn kept(v: &[Verdict]) -> Vec<usize> {
        v.iter()
            .enumerate()
            .filter(|(_, v)| matches!(v, Verdict::Keep(_)))
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn seed_policy_is_age_and_count_with_named_kept() {
        let now = at(31, 12);
        // Newest first: days 30 .. 1, one a day at 12:00, day 20's named.
        let list: Vec<_> = (1..=30).rev().map(|d| (at(d, 12), d == 20)).collect();
        let p = Policy {
            retention_days: 7,
            max_backups: 5,
            ..NONE
        };
        let v = decide(&list, now, &p);
        // Within 7 days: days 30..25; among the newest 5 unnamed: 30..26; plus the named one.
        assert_eq!(kept(&v), vec![0, 1, 2, 3, 4, 10]);
        assert_eq!(v[10], Verdict::Keep(vec!["named"]));
        assert_eq!(v[0], Verdict::Keep(vec!["newest", "recent"]));
    }

    #[test]
    fn a_backup_exactly_retention_days_old_is_no_longer_recent() {
        let now = at(31, 12);
        let week = chrono::Duration::days(7);
        let second = chrono::Duration::seconds(1);
        let list = [
            (now - second, false),
            (now - week + second, false),
            (now - week, false),
        ];
        let p = Policy {
            retention_days: 7,
            ..NONE
        };
        let v = decide(&list, now, &p);
        assert_eq!(v[1], Verdict::Keep(vec!["recent"]));
        assert_eq!(v[2], Verdict::Remove);
    }

    #[test]
    fn the_newest_backup_survives_any_policy() {
        let list = vec![(at(1, 12), false), (at(1, 11), false)];
        let p = Policy {
            retention_days: 1,
            max_backups: 1,
            ..NONE
        };
        let v = decide(&list, at(31, 12), &p);
        assert_eq!(v, vec![Verdict::Keep(vec!["newest"]), Verdict::Remove]);
    }

    #[test]
    fn keep_daily_takes_the_newest_of_each_of_the_last_n_days_with_backups() {
        // Three backups on the 10th, two on the 8th, one on the 5th; none on the 9th, 7th, 6th.
        let list = vec![
            (at(10, 14), false),
            (at(10, 13), false),
            (at(10, 12), false),
            (at(8, 14), false),
            (at(8, 12), false),
            (at(5, 12), false),
        ];
        let p = Policy {
            retention_days: 1,
            max_backups: 1,
            keep_daily: 2,
            ..NONE
        };
        let v = decide(&list, at(20, 12), &p);
        // As restic: the last 2 days *with* backups are the 10th and the 8th, not the 10th and 9th.
        assert_eq!(kept(&v), vec![0, 3]);
        assert_eq!(v[3], Verdict::Keep(vec!["daily"]));
    }

    #[test]
    fn weekly_and_monthly_buckets() {
        // Sundays and Mondays straddle ISO weeks: 2026-03-01 is a Sunday.
        let list = vec![
            (at(9, 12), false), // Mon, week 11
            (at(8, 12), false), // Sun, week 10
            (at(2, 12), false), // Mon, week 10
            (at(1, 12), false), // Sun, week 9
            (Utc.with_ymd_and_hms(2026, 2, 20, 12, 0, 0).unwrap(), false),
        ];
        let p = Policy {
            retention_days: 1,
            max_backups: 1,
            keep_weekly: 3,
            keep_monthly: 2,
            ..NONE
        };
        let v = decide(&list, at(20, 12), &p);
        assert_eq!(v[0], Verdict::Keep(vec!["newest", "weekly", "monthly"]));
        assert_eq!(v[1], Verdict::Keep(vec!["weekly"]));
        assert_eq!(v[2], Verdict::Remove);
        assert_eq!(v[3], Verdict::Keep(vec!["weekly"]));
        assert_eq!(v[4], Verdict::Keep(vec!["monthly"]));
    }
}
