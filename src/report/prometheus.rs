//! The latest figures in Prometheus's text exposition format, for node_exporter's textfile
//! collector: every metric of the vocabulary under its Prometheus name (see
//! [`metric::prometheus`]), then the alerts, the ledger's cycles and the backups. Each family is
//! written whole, with its HELP and TYPE lines; families with no value are left out.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use super::Ctx;
use super::system::host;
use crate::db;
use crate::db::samples::Span;
use crate::figures::{self, Clock, Rows};
use crate::metric::{self, METRICS, Source, Unit};

/// One metric family: its samples as (labels, value).
struct Family {
    name: &'static str,
    help: String,
    kind: &'static str,
    samples: Vec<(Vec<(&'static str, String)>, f64)>,
}

impl Family {
    fn gauge(name: &'static str, help: impl Into<String>) -> Family {
        Family {
            name,
            help: help.into(),
            kind: "gauge",
            samples: Vec::new(),
        }
    }

    fn add(&mut self, labels: Vec<(&'static str, String)>, value: f64) {
        self.samples.push((labels, value));
    }

    fn write(&self, out: &mut String) {
        if self.samples.is_empty() {
            return;
        }
        let help = self.help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(out, "# HELP {} {help}", self.name);
        let _ = writeln!(out, "# TYPE {} {}", self.name, self.kind);
        for (labels, value) in &self.samples {
            out.push_str(self.name);
            if !labels.is_empty() {
                out.push('{');
                for (i, (k, v)) in labels.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{k}=\"{}\"", escape(v));
                }
                out.push('}');
            }
            let _ = writeln!(out, " {}", number(*value));
        }
    }
}

/// A label value as the exposition format quotes it.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        // Rounded past float noise (0.1 * 3), exact for whole numbers.
        let r = (v * 1e9).round() / 1e9;
        if r == r.trunc() && r.abs() < 1e15 {
            format!("{}", r as i64)
        } else {
            format!("{r}")
        }
    }
}

/// What the unit change says in HELP.
fn unit_note(unit: Unit) -> &'static str {
    match unit {
        Unit::Percent => " (exported as a ratio: 1 is 100 %)",
        Unit::Hours | Unit::Milliseconds | Unit::Days => " (in seconds)",
        _ => "",
    }
}

/// Writes the export.
pub fn write(ctx: &Ctx, out: &mut dyn Write) -> Result<()> {
    let mut text = String::with_capacity(16 * 1024);
    for family in families(ctx)? {
        family.write(&mut text);
    }
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn families(ctx: &Ctx) -> Result<Vec<Family>> {
    let host = host(ctx)?;
    let latest = match host {
        Some(h) => db::samples::latest(ctx.conn, h)?,
        None => None,
    };
    let clock = Clock {
        now: ctx.now,
        today: ctx.today,
        billing_day: ctx.billing_day,
        idle: ctx.config.file.sessions.idle_secs(),
    };
    let probes = match host {
        Some(h) => db::probes::latest(ctx.conn, h)?,
        None => Vec::new(),
    };
    let mut rows = Rows::default();
    let mut families = Vec::new();
    for def in METRICS {
        let (name, scale) = metric::prometheus(def.metric);
        // What a rule's threshold takes means nothing here.
        let about = def
            .about
            .split(" (thresholds take")
            .next()
            .unwrap_or(def.about);
        let mut family = Family::gauge(name, format!("{about}{}", unit_note(def.unit)));
        let points = match (def.source, host, &latest) {
            (Source::Clock, _, _) => figures::clock_points(
                ctx.conn,
                def.metric,
                None,
                host,
                latest.as_ref().map(|s| s.ts),
                &clock,
            )?,
            (Source::Probes, _, _) => probes
                .iter()
                .filter_map(|r| metric::of_probe(def.metric, r).map(|v| (r.ts, r.probe.clone(), v)))
                .collect(),
            (_, Some(h), Some(s)) => {
                rows.points(ctx.conn, def.metric, None, h, Span::new(s.ts, s.ts + 1))?
            }
            _ => Vec::new(),
        };
        for (_, subject, value) in points {
            let labels = match def.label {
                Some(label) => vec![(label, subject)],
                None => Vec::new(),
            };
            family.add(labels, value * scale);
        }
        families.push(family);
    }
    let mut stamp = Family::gauge(
        "usage_sample_timestamp_seconds",
        "when the newest sample of this host was taken (Unix time)",
    );
    if let Some(s) = &latest {
        stamp.add(Vec::new(), s.ts as f64);
    }
    families.push(stamp);
    families.push(alerts(ctx)?);
    families.extend(cycles(ctx)?);
    families.extend(backups(ctx)?);
    Ok(families)
}

/// 1 per alert pending or firing, labelled with its rule, subject, severity and state.
fn alerts(ctx: &Ctx) -> Result<Family> {
    let mut f = Family::gauge(
        "usage_alert_active",
        "1 for each alert usage-alert holds pending or firing, by rule, subject, severity and state",
    );
    for (rule, s) in db::alerts::all_states(ctx.conn)? {
        if s.state == "pending" || s.state == "firing" {
            f.add(
                vec![
                    ("rule", rule),
                    ("subject", s.subject),
                    ("severity", s.severity),
                    ("state", s.state),
                ],
                1.0,
            );
        }
    }
    Ok(f)
}

/// Each active location's current billing cycle: its use so far and its quota.
fn cycles(ctx: &Ctx) -> Result<Vec<Family>> {
    let mut used = Family::gauge(
        "usage_ledger_cycle_bytes",
        "data used by the location in its current billing cycle so far, in bytes",
    );
    let mut quota = Family::gauge(
        "usage_ledger_quota_bytes",
        "the location's quota per billing cycle, in bytes",
    );
    for c in figures::current_cycles(ctx.conn, ctx.today, ctx.billing_day, None)? {
        used.add(vec![("location", c.location.name.clone())], c.bytes as f64);
        if let Some(q) = c.location.quota {
            quota.add(vec![("location", c.location.name)], q as f64);
        }
    }
    Ok(vec![used, quota])
}

/// The newest backup's age and its last verification.
fn backups(ctx: &Ctx) -> Result<Vec<Family>> {
    let dir = ctx.config.backup_dir(None);
    let list = crate::archive::store::list(&dir).unwrap_or_default();
    let mut count = Family::gauge("usage_backups", "backups in the backup directory");
    let mut age = Family::gauge(
        "usage_backup_age_seconds",
        "seconds since the newest backup was made",
    );
    let mut verified = Family::gauge(
        "usage_backup_verified_timestamp_seconds",
        "when the newest backup was last verified (Unix time)",
    );
    let mut ok = Family::gauge(
        "usage_backup_verified_ok",
        "1 when the newest backup's last verification passed, 0 when it failed",
    );
    count.add(Vec::new(), list.len() as f64);
    if let Some(newest) = list.first() {
        age.add(
            Vec::new(),
            (ctx.now - newest.created.timestamp()).max(0) as f64,
        );
        if let Ok(Some(v)) = newest.meta.as_ref().map(|m| m.verified.as_ref()) {
            verified.add(Vec::new(), v.at.timestamp() as f64);
            ok.add(Vec::new(), if v.ok { 1.0 } else { 0.0 });
        }
    }
    Ok(vec![count, age, verified, ok])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_and_help_are_escaped_and_a_family_is_whole() {
        let mut f = Family::gauge("usage_x", "a \\ b\nc");
        f.add(vec![("user", "a\"b\\c\nd".into())], 0.1 + 0.2);
        f.add(vec![("user", "e".into())], 3.0);
        let mut out = String::new();
        f.write(&mut out);
        assert_eq!(
            out,
            "# HELP usage_x a \\\\ b\\nc\n# TYPE usage_x gauge\n\
             usage_x{user=\"a\\\"b\\\\c\\nd\"} 0.3\nusage_x{user=\"e\"} 3\n"
        );
        let mut empty = String::new();
        Family::gauge("usage_y", "none").write(&mut empty);
        assert_eq!(empty, "");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(1.5e-12), "0");
    }
}
