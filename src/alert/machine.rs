//! One alert's life, as a pure function of its rule, its stored state, the values seen and the
//! clock: pending → firing (→ reminders, escalations) → resolved.
//!
//! The rules follow Prometheus and Alertmanager: a condition must hold for the rule's `for`
//! duration before the alert fires (pending until then; a pending alert whose condition clears
//! simply goes away); a firing alert notifies once, then again every `repeat` seconds; once the
//! value is back past the resolve threshold (hysteresis) one resolved notice is sent, but only
//! to recipients who heard that it fired. Inside a maintenance window transitions are still
//! recorded but nobody is notified; when the window ends, recipients hear what they missed:
//! an alert still firing is announced, one that resolved inside the window after having been
//! announced gets its resolved notice.
//!
//! An alert acknowledged by hand (`acked`) stays quiet as PagerDuty's acknowledged incidents
//! do: no reminders, no escalation by age, and a rise in its steps is recorded but not sent;
//! its resolved notice is. Once the acknowledgement ends, recipients hear the severity they
//! missed, and reminders resume.

use super::config::Rule;
use super::rule::Severity;
use crate::db::alerts::StateRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Pending,
    Firing,
    /// Resolved inside a maintenance window after it had been announced: the notice is owed.
    Resolved,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Pending => "pending",
            Phase::Firing => "firing",
            Phase::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<Phase> {
        match text {
            "pending" => Some(Phase::Pending),
            "firing" => Some(Phase::Firing),
            "resolved" => Some(Phase::Resolved),
            _ => None,
        }
    }
}

/// What is stored of an alert between runs.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub phase: Phase,
    pub severity: Severity,
    /// The step reached (step rules).
    pub level: usize,
    /// The condition has held since then.
    pub since: i64,
    pub fired: Option<i64>,
    pub escalated: Option<i64>,
    pub value: Option<f64>,
    /// The time of `value`.
    pub ts: i64,
    /// The severity recipients last heard of; `None`: they have not heard of this alert.
    pub announced: Option<Severity>,
    /// When they last heard.
    pub notified: Option<i64>,
}

impl State {
    /// The state as stored (see [`db::alerts`](crate::db::alerts)).
    pub fn from_row(r: &StateRow) -> State {
        State {
            phase: Phase::parse(&r.state).unwrap_or(Phase::Pending),
            severity: Severity::parse(&r.severity).unwrap_or(Severity::Warning),
            level: r.level.max(0) as usize,
            since: r.since,
            fired: r.fired,
            escalated: r.escalated,
            value: r.value,
            ts: r.ts,
            announced: r.announced.as_deref().and_then(Severity::parse),
            notified: r.notified,
        }
    }

    pub fn to_row(&self, subject: &str) -> StateRow {
        StateRow {
            subject: subject.to_string(),
            state: self.phase.as_str().into(),
            severity: self.severity.as_str().into(),
            level: self.level as i64,
            since: self.since,
            fired: self.fired,
            escalated: self.escalated,
            value: self.value,
            ts: self.ts,
            announced: self.announced.map(|s| s.as_str().into()),
            notified: self.notified,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pending,
    Firing,
    Reminder,
    Escalated,
    Resolved,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pending => "pending",
            Kind::Firing => "firing",
            Kind::Reminder => "reminder",
            Kind::Escalated => "escalated",
            Kind::Resolved => "resolved",
        }
    }
}

/// Something that happened to an alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub ts: i64,
    pub kind: Kind,
    pub severity: Severity,
    pub value: Option<f64>,
    /// When the alert fired (or began pending).
    pub since: i64,
    /// A transition, kept in the history.
    pub record: bool,
    /// Recipients are told.
    pub notify: bool,
    /// A maintenance window held the notification back.
    pub silenced: bool,
}

/// How an alert is held back at a moment: by a maintenance window (`silenced`), by an
/// acknowledgement (`acked`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hold {
    pub silenced: bool,
    pub acked: bool,
}

impl Hold {
    pub fn silenced(silenced: bool) -> Hold {
        Hold {
            silenced,
            acked: false,
        }
    }
}

/// Feeds one value observed at time `t`.
pub fn observe(
    rule: &Rule,
    state: &mut Option<State>,
    t: i64,
    value: f64,
    hold: Hold,
    out: &mut Vec<Event>,
) {
    let silenced = hold.silenced;
    match state {
        Some(s) if s.phase == Phase::Firing => {
            s.value = Some(value);
            s.ts = t;
            if !rule.op.holds(value, rule.resolve) {
                resolve(state, t, Some(value), silenced, out);
            } else if let Some(level) = rule.level(value).filter(|l| *l > s.level) {
                s.level = level;
                s.severity = s.severity.max(rule.severity_at(level));
                let event = transition(s, Kind::Escalated, t, hold);
                out.push(event);
            }
        }
        Some(s) if s.phase == Phase::Pending => match rule.level(value) {
            None => *state = None,
            Some(level) => {
                s.value = Some(value);
                s.ts = t;
                s.level = level;
                s.severity = rule.severity_at(level);
                if t - s.since >= rule.for_secs {
                    fire(s, t, silenced, out);
                }
            }
        },
        _ => {
            let Some(level) = rule.level(value) else {
                return;
            };
            // A new breach replaces a resolved notice still owed: recipients hear it fire again.
            let s = state.insert(State {
                phase: Phase::Pending,
                severity: rule.severity_at(level),
                level,
                since: t,
                fired: None,
                escalated: None,
                value: Some(value),
                ts: t,
                announced: None,
                notified: None,
            });
            if rule.for_secs == 0 {
                fire(s, t, silenced, out);
            } else {
                out.push(Event {
                    ts: t,
                    kind: Kind::Pending,
                    severity: s.severity,
                    value: Some(value),
                    since: t,
                    record: true,
                    notify: false,
                    silenced: false,
                });
            }
        }
    }
}

/// The series an alert watches is gone (an unmounted file system, a removed location): a firing
/// alert resolves, a pending one is dropped.
pub fn vanish(state: &mut Option<State>, t: i64, silenced: bool, out: &mut Vec<Event>) {
    match state.as_ref().map(|s| s.phase) {
        Some(Phase::Firing) => resolve(state, t, None, silenced, out),
        Some(Phase::Pending) => *state = None,
        _ => {}
    }
}

/// Lets time pass to `now`: escalation by age, reminders, and what recipients missed during a
/// maintenance window once it is over.
pub fn tick(rule: &Rule, state: &mut Option<State>, now: i64, hold: Hold, out: &mut Vec<Event>) {
    let Some(s) = state else {
        return;
    };
    let silenced = hold.silenced;
    match s.phase {
        Phase::Pending => {}
        Phase::Resolved => {
            if !silenced {
                out.push(Event {
                    ts: now,
                    kind: Kind::Resolved,
                    severity: s.severity,
                    value: s.value,
                    since: s.fired.unwrap_or(s.since),
                    record: false,
                    notify: true,
                    silenced: false,
                });
                *state = None;
            }
        }
        Phase::Firing => {
            let fired = s.fired.unwrap_or(s.since);
            if let Some(after) = rule.escalate_after
                && !hold.acked
                && s.escalated.is_none()
                && s.severity < Severity::Critical
                && now - fired >= after
            {
                s.severity = Severity::Critical;
                s.escalated = Some(now);
                let event = transition(s, Kind::Escalated, now, hold);
                out.push(event);
            }
            if silenced || hold.acked {
                return;
            }
            let catch_up = match s.announced {
                None => Some(Kind::Firing),
                Some(heard) if heard < s.severity => Some(Kind::Escalated),
                _ => None,
            };
            if let Some(kind) = catch_up {
                s.announced = Some(s.severity);
                s.notified = Some(now);
                out.push(Event {
                    ts: now,
                    kind,
                    severity: s.severity,
                    value: s.value,
                    since: fired,
                    record: false,
                    notify: true,
                    silenced: false,
                });
            } else if rule.repeat > 0 && s.notified.is_some_and(|n| now - n >= rule.repeat) {
                s.notified = Some(now);
                out.push(Event {
                    ts: now,
                    kind: Kind::Reminder,
                    severity: s.severity,
                    value: s.value,
                    since: fired,
                    record: true,
                    notify: true,
                    silenced: false,
                });
            }
        }
    }
}

/// A silence over the alert has ended at or before `now`: if it fires, people heard of it
/// before, and nothing else holds it or was said of it in this run (`out`), it is said once
/// more, as a reminder, so that the end of the silence is not the silence of an alert.
pub fn silence_over(state: &mut Option<State>, now: i64, hold: Hold, out: &mut Vec<Event>) {
    let Some(s) = state else {
        return;
    };
    if s.phase != Phase::Firing
        || s.announced.is_none()
        || hold.silenced
        || hold.acked
        || out.iter().any(|e| e.notify)
    {
        return;
    }
    let event = transition(s, Kind::Reminder, now, hold);
    out.push(event);
}

fn fire(s: &mut State, t: i64, silenced: bool, out: &mut Vec<Event>) {
    s.phase = Phase::Firing;
    s.fired = Some(t);
    let event = transition(s, Kind::Firing, t, Hold::silenced(silenced));
    out.push(event);
}

/// A recorded transition of a firing alert, announced unless held back.
fn transition(s: &mut State, kind: Kind, t: i64, hold: Hold) -> Event {
    let Hold { silenced, acked } = hold;
    let quiet = silenced || acked;
    if !quiet {
        s.announced = Some(s.severity);
        s.notified = Some(t);
    }
    Event {
        ts: t,
        kind,
        severity: s.severity,
        value: s.value,
        since: s.fired.unwrap_or(s.since),
        record: true,
        notify: !quiet,
        silenced,
    }
}

fn resolve(
    state: &mut Option<State>,
    t: i64,
    value: Option<f64>,
    silenced: bool,
    out: &mut Vec<Event>,
) {
    let Some(s) = state else {
        return;
    };
    let heard = s.announced.is_some();
    out.push(Event {
        ts: t,
        kind: Kind::Resolved,
        severity: s.severity,
        value,
        since: s.fired.unwrap_or(s.since),
        record: true,
        notify: heard && !silenced,
        silenced: heard && silenced,
    });
    if heard && silenced {
        s.phase = Phase::Resolved;
        s.value = value;
        s.ts = t;
    } else {
        *state = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::config::{Rule, defaults};

    fn rule(name: &str) -> Rule {
        defaults(3600).into_iter().find(|r| r.name == name).unwrap()
    }

    /// Runs a rule over (time, value) points, ticking at each one as a daemon evaluating at
    /// every sample would, with maintenance between `quiet.0` and `quiet.1`; returns the
    /// notifications as "time kind severity".
    fn run(rule: &Rule, points: &[(i64, f64)], quiet: (i64, i64)) -> (Vec<String>, Vec<String>) {
        let mut state = None;
        let mut out = Vec::new();
        for &(t, v) in points {
            let silenced = t >= quiet.0 && t < quiet.1;
            observe(rule, &mut state, t, v, Hold::silenced(silenced), &mut out);
            tick(rule, &mut state, t, Hold::silenced(silenced), &mut out);
        }
        let show = |e: &Event| format!("{} {} {}", e.ts, e.kind.as_str(), e.severity);
        (
            out.iter().filter(|e| e.notify).map(show).collect(),
            out.iter().filter(|e| e.record).map(show).collect(),
        )
    }

    #[test]
    fn an_acknowledged_alert_is_quiet_until_it_resolves_or_the_ack_ends() {
        let a = crate::alert::config::load(
            Some(std::path::Path::new("c.toml")),
            Some(
                "[[alert.rule]]\nname = \"cpu\"\nwhen = \"cpu_percent > 90\"\nrepeat = \"10m\"\nescalate_after = \"30m\"\n",
            ),
        );
        let r = &a.rules[0];
        // Firing from minute 0 to 90; acknowledged from minute 5 to minute 60.
        let acked = |t: i64| (300..3600).contains(&t);
        let mut state = None;
        let mut out = Vec::new();
        for m in 0..=95 {
            let t = m * 60;
            let v = if m <= 90 { 95.0 } else { 50.0 };
            let hold = Hold {
                silenced: false,
                acked: acked(t),
            };
            observe(r, &mut state, t, v, hold, &mut out);
            tick(r, &mut state, t, hold, &mut out);
        }
        let told: Vec<String> = out
            .iter()
            .filter(|e| e.notify)
            .map(|e| format!("{} {} {}", e.ts / 60, e.kind.as_str(), e.severity))
            .collect();
        // No reminder at 10..50 nor escalation at 30 while acknowledged; at 60 the escalation
        // owed by age, then reminders every 10 minutes; the resolved notice at 91.
        assert_eq!(
            told,
            [
                "0 firing warning",
                "60 escalated critical",
                "70 reminder critical",
                "80 reminder critical",
                "90 reminder critical",
                "91 resolved critical",
            ]
        );
    }

    #[test]
    fn the_end_of_a_silence_is_said_once_for_an_alert_people_heard_of() {
        let a = crate::alert::config::load(
            Some(std::path::Path::new("c.toml")),
            Some("[[alert.rule]]\nname = \"cpu\"\nwhen = \"cpu_percent > 90\"\nrepeat = \"1h\"\n"),
        );
        let r = &a.rules[0];
        let free = Hold::silenced(false);
        let told = |out: &[Event]| -> Vec<String> {
            out.iter()
                .filter(|e| e.notify)
                .map(|e| format!("{} {}", e.ts / 60, e.kind.as_str()))
                .collect()
        };
        // Heard of at 0, silenced from 5 to 20: said again at 20, as a reminder, recorded.
        let mut state = None;
        let mut first = Vec::new();
        observe(r, &mut state, 0, 95.0, free, &mut first);
        assert_eq!(told(&first), ["0 firing"]);
        let mut out = Vec::new();
        silence_over(&mut state, 1200, free, &mut out);
        assert_eq!(told(&out), ["20 reminder"]);
        assert!(out[0].record);
        assert_eq!(state.as_ref().unwrap().notified, Some(1200));
        // Not when this run said something already, nor while something else holds it.
        silence_over(&mut state, 1260, free, &mut out);
        assert_eq!(out.len(), 1);
        let mut quiet = Vec::new();
        for hold in [
            Hold::silenced(true),
            Hold {
                silenced: false,
                acked: true,
            },
        ] {
            silence_over(&mut state, 1320, hold, &mut quiet);
        }
        assert!(quiet.is_empty());
        // Not for an alert nobody heard of (the silence began before it fired): tick
        // announces it as firing instead.
        let mut state = None;
        let mut out = Vec::new();
        observe(r, &mut state, 0, 95.0, Hold::silenced(true), &mut out);
        silence_over(&mut state, 1200, free, &mut Vec::new());
        tick(r, &mut state, 1200, free, &mut out);
        assert_eq!(told(&out), ["20 firing"]);
        // Nor for one that is pending or gone.
        let mut none = None;
        silence_over(&mut none, 1200, free, &mut out);
        assert_eq!(none, None);
    }

    fn minutes(values: &[f64]) -> Vec<(i64, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as i64 * 60, *v))
            .collect()
    }

    #[test]
    fn phases_are_stored_by_their_names() {
        for (phase, name) in [
            (Phase::Pending, "pending"),
            (Phase::Firing, "firing"),
            (Phase::Resolved, "resolved"),
        ] {
            assert_eq!(phase.as_str(), name);
            assert_eq!(Phase::parse(name), Some(phase));
        }
        assert_eq!(Phase::parse("Firing"), None);
        assert_eq!(Phase::parse(""), None);
    }

    #[test]
    fn fires_after_for_reminds_and_resolves_once() {
        let mut r = rule("high-cpu");
        r.repeat = 180;
        // 95% from minute 1: pending at 1, firing at 2 (held 60 s), reminders every 3 minutes,
        // hovering between the resolve (80) and fire (90) thresholds keeps it firing.
        let v = [50., 95., 95., 95., 85., 85., 95., 85., 85., 70., 70.];
        let (notified, recorded) = run(&r, &minutes(&v), (0, 0));
        assert_eq!(
            notified,
            [
                "120 firing warning",
                "300 reminder warning",
                "480 reminder warning",
                "540 resolved warning"
            ]
        );
        assert_eq!(recorded[0], "60 pending warning");
        assert_eq!(recorded.len(), 5);
    }

    #[test]
    fn a_pending_alert_that_clears_never_notifies() {
        let r = rule("high-cpu");
        let (notified, recorded) = run(&r, &minutes(&[95., 50., 95., 50.]), (0, 0));
        assert!(notified.is_empty());
        assert_eq!(recorded, ["0 pending warning", "120 pending warning"]);
    }

    #[test]
    fn escalates_by_age_and_by_step() {
        let mut r = rule("high-memory");
        r.escalate_after = Some(300);
        r.repeat = 0;
        let v = [90.; 8];
        let (notified, _) = run(&r, &minutes(&v), (0, 0));
        assert_eq!(notified, ["60 firing warning", "360 escalated critical"]);
        let q = rule("quota");
        let (notified, _) = run(&q, &minutes(&[10., 55., 60., 85., 101., 20., 60.]), (0, 0));
        assert_eq!(
            notified,
            [
                "60 firing info",
                "180 escalated warning",
                "240 escalated critical",
                "300 resolved critical",
                "360 firing info"
            ]
        );
    }

    #[test]
    fn maintenance_holds_notices_back_and_delivers_what_was_missed() {
        let mut r = rule("disk-full");
        r.repeat = 0;
        // Fires at 1 (announced); resolves at 3 inside the window [120, 300); the resolved
        // notice goes out at the first evaluation after it, at 300.
        let (notified, recorded) = run(
            &r,
            &minutes(&[50., 95., 95., 50., 50., 50., 50.]),
            (120, 300),
        );
        assert_eq!(notified, ["60 firing warning", "300 resolved warning"]);
        assert_eq!(recorded, ["60 firing warning", "180 resolved warning"]);
        // Fires inside the window: nobody hears until it ends, then it is announced once.
        let (notified, recorded) = run(&r, &minutes(&[50., 95., 95., 95., 95., 95.]), (0, 240));
        assert_eq!(notified, ["240 firing warning"]);
        assert_eq!(recorded, ["60 firing warning"]);
        // Fires and resolves inside the window: never announced, so no resolved notice either.
        let (notified, _) = run(&r, &minutes(&[50., 95., 50., 50., 50.]), (0, 240));
        assert!(notified.is_empty());
    }

    #[test]
    fn pending_waits_for_its_duration_at_real_timestamps() {
        // A day in 2026: the time held is now - since, never a sum of the two.
        let t0 = 1_790_000_000;
        let r = rule("high-cpu");
        let points = [(t0, 95.), (t0 + 30, 95.), (t0 + 59, 95.), (t0 + 60, 95.)];
        let (notified, recorded) = run(&r, &points, (0, 0));
        assert_eq!(notified, [format!("{} firing warning", t0 + 60)]);
        assert_eq!(
            recorded,
            [
                format!("{t0} pending warning"),
                format!("{} firing warning", t0 + 60)
            ]
        );
    }

    #[test]
    fn an_alert_already_critical_does_not_escalate_by_age() {
        let mut r = rule("high-memory");
        r.steps = vec![(85.0, Severity::Critical)];
        r.escalate_after = Some(120);
        r.repeat = 0;
        let (notified, recorded) = run(&r, &minutes(&[90.; 6]), (0, 0));
        assert_eq!(notified, ["60 firing critical"]);
        assert_eq!(recorded, ["0 pending critical", "60 firing critical"]);
    }

    #[test]
    fn an_escalation_inside_maintenance_is_delivered_after_it() {
        let mut r = rule("high-memory");
        r.escalate_after = Some(120);
        r.repeat = 0;
        // Fires at 60 (announced), escalates by age at 180 inside [120, 300): recipients hear
        // the escalation at 300, once.
        let (notified, recorded) = run(&r, &minutes(&[90.; 8]), (120, 300));
        assert_eq!(notified, ["60 firing warning", "300 escalated critical"]);
        assert_eq!(
            recorded,
            [
                "0 pending warning",
                "60 firing warning",
                "180 escalated critical"
            ]
        );
    }

    #[test]
    fn an_alert_never_announced_resolves_without_a_notice() {
        let r = rule("disk-full");
        let mut state = None;
        let mut out = Vec::new();
        // Fires inside a window, resolves in the first reading after it, before any tick.
        observe(&r, &mut state, 0, 95.0, Hold::silenced(true), &mut out);
        observe(&r, &mut state, 60, 50.0, Hold::silenced(false), &mut out);
        assert!(state.is_none());
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].kind, Kind::Resolved);
        assert!(out[1].record);
        assert!(!out[1].notify);
        assert!(!out[1].silenced);
        // Resolved inside the window too: no notice is held back, for none is owed.
        let mut state = None;
        let mut out = Vec::new();
        observe(&r, &mut state, 0, 95.0, Hold::silenced(true), &mut out);
        observe(&r, &mut state, 60, 50.0, Hold::silenced(true), &mut out);
        assert!(state.is_none());
        assert_eq!(out[1].kind, Kind::Resolved);
        assert!(!out[1].notify);
        assert!(!out[1].silenced);
    }

    #[test]
    fn a_vanished_series_drops_a_pending_alert() {
        let r = rule("high-cpu");
        let mut state = None;
        let mut out = Vec::new();
        observe(&r, &mut state, 0, 95.0, Hold::silenced(false), &mut out);
        assert_eq!(state.as_ref().map(|s| s.phase), Some(Phase::Pending));
        vanish(&mut state, 30, false, &mut out);
        assert!(state.is_none());
        assert_eq!(out.len(), 1);
        // Back later, it starts a new pending period rather than firing on the old one.
        observe(&r, &mut state, 90, 95.0, Hold::silenced(false), &mut out);
        assert_eq!(state.as_ref().map(|s| s.since), Some(90));
    }

    #[test]
    fn a_vanished_series_resolves() {
        let r = rule("disk-full");
        let mut state = None;
        let mut out = Vec::new();
        observe(&r, &mut state, 0, 95.0, Hold::silenced(false), &mut out);
        vanish(&mut state, 60, false, &mut out);
        assert!(state.is_none());
        assert_eq!(out[1].kind, Kind::Resolved);
        assert_eq!(out[1].value, None);
        assert!(out[1].notify);
    }
}
