//! The `[alert]` section of the configuration file: rules, channels and maintenance windows.
//!
//! The section is read from the file's text with every value's position, so each problem names
//! its file, line and column. A bad rule, channel or window is reported and left out; the rest
//! are used, so one typing error never silences every alert.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::rule::{self, Op, Severity};
use super::secret::Password;
use super::services::{Address, Service, visible_url};
use super::webhook::{self, Body, Hook, Template};
use crate::config::{Scalar, Source};
use crate::maintenance::{self, WindowSpec};
use crate::metric::Metric;
use crate::time::parse_duration;

/// Reminders of a firing alert, unless a rule says otherwise (Alertmanager's default).
pub const DEFAULT_REPEAT: i64 = 4 * 3600;

/// A validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    /// The `when` expression as written.
    pub when: String,
    pub metric: Metric,
    pub filter: Option<String>,
    pub op: Op,
    /// Thresholds and the severity each brings, in the order a value crosses them.
    pub steps: Vec<(f64, Severity)>,
    /// A firing alert stays firing while `op` holds against this value (hysteresis).
    pub resolve: f64,
    pub for_secs: i64,
    /// Seconds between reminders; 0: none.
    pub repeat: i64,
    /// A firing alert older than this becomes critical and notifies again.
    pub escalate_after: Option<i64>,
    pub message: Option<String>,
    /// Channels this rule notifies; empty: every channel whose severity it reaches.
    pub channels: Vec<String>,
    /// Channels that also hear the alert once it is escalated (a pager after the chat).
    pub escalate_to: Vec<String>,
    /// Where it was defined: `FILE:LINE`, or `default`.
    pub origin: String,
}

impl Rule {
    pub fn severity_at(&self, level: usize) -> Severity {
        self.steps[level.min(self.steps.len() - 1)].1
    }

    /// The highest step `value` reaches, if any.
    pub fn level(&self, value: f64) -> Option<usize> {
        self.steps
            .iter()
            .rposition(|(threshold, _)| self.op.holds(value, *threshold))
    }
}

/// How a channel delivers.
#[derive(Debug, Clone)]
pub enum Kind {
    Console,
    Log {
        path: PathBuf,
        /// Past this many bytes the file is rotated (path.1, path.2, ...); `None`: never.
        max_size: Option<u64>,
        /// Rotated files kept.
        keep: u32,
    },
    Email {
        server: String,
        port: Option<u16>,
        security: Security,
        username: Option<String>,
        password: Password,
        /// A PEM certificate (an internal CA, a self-signed server) trusted beside the
        /// public roots.
        ca_file: Option<PathBuf>,
        from: String,
        to: Vec<String>,
        /// Seconds to wait for the server at each step.
        timeout: i64,
        /// An email-to-SMS gateway's form: a short subject, one line of at most 160
        /// characters in all.
        sms: bool,
    },
    Webhook {
        url: String,
        /// The request as configured: method, headers, body or form, credentials.
        hook: Hook,
        /// A PEM certificate (an internal CA, a self-signed server) trusted instead of the
        /// public roots.
        ca_file: Option<PathBuf>,
        timeout: i64,
        retries: u32,
    },
    /// A chat, push or paging service, spoken to as it documents.
    Service {
        service: Service,
        url: String,
        /// The service's secret: ntfy's access token, Gotify's app token, PagerDuty's routing key.
        token: Password,
        /// Where within the service: a chat, room, user or phone numbers.
        to: Address,
        /// As a webhook's.
        ca_file: Option<PathBuf>,
        timeout: i64,
        retries: u32,
    },
    Exec {
        command: Vec<String>,
        timeout: i64,
    },
    /// The freedesktop notification service on a session bus (`None`: the user's own).
    Desktop {
        address: Option<String>,
        timeout: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP upgraded with STARTTLS (port 587); refuses a server without it.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: a relay on the loopback or a trusted network (port 25).
    None,
}

#[derive(Debug, Clone)]
pub struct Channel {
    pub name: String,
    pub kind: Kind,
    /// Events below this severity are not sent here.
    pub min_severity: Severity,
    /// Only these rules are sent here (empty: all).
    pub rules: Vec<String>,
    /// How a run's notifications are put together before they are sent.
    pub group: Group,
}

/// How a run's notifications to one channel are sent: together, together per rule, or each
/// on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Run,
    Rule,
    None,
}

impl Channel {
    pub fn console() -> Channel {
        Channel {
            name: "console".into(),
            kind: Kind::Console,
            min_severity: Severity::Info,
            rules: Vec::new(),
            group: Group::None,
        }
    }

    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Console => "console (standard output)".into(),
            Kind::Log { path, .. } => format!("log {}", path.display()),
            Kind::Email { server, to, .. } => format!("email via {server} to {}", to.join(", ")),
            Kind::Webhook { url, hook, .. } => {
                format!("webhook {} {}", hook.method, visible_url(url))
            }
            Kind::Service { service, url, .. } => {
                format!("{} {}", service.name(), visible_url(url))
            }
            Kind::Exec { command, .. } => format!("exec {}", command.join(" ")),
            Kind::Desktop { address, .. } => format!(
                "desktop notification on {}",
                address.as_deref().unwrap_or("the session bus")
            ),
        }
    }
}

/// The section, validated.
#[derive(Debug, Default)]
pub struct Alerts {
    pub rules: Vec<Rule>,
    pub channels: Vec<Channel>,
    pub windows: Vec<WindowSpec>,
    /// One line per rule, channel or window left out, naming where it is and what is wrong.
    pub problems: Vec<String>,
}

impl Alerts {
    /// Run as root, a command is only run from a configuration that no other user can change
    /// (as sudo and OpenSSH treat their files): exec channels of a file, or in a directory,
    /// that a group or others may write, or that root does not own, are left out as problems.
    pub fn refuse_unsafe_exec(&mut self, source: &Path) {
        use std::os::unix::fs::MetadataExt;
        let unsafe_because = [Some(source), source.parent()]
            .into_iter()
            .flatten()
            .filter(|p| !p.as_os_str().is_empty())
            .find_map(|p| {
                let md = std::fs::metadata(p).ok()?;
                (md.uid() != 0 || md.mode() & 0o022 != 0).then(|| {
                    format!(
                        "'{}' (owner uid {}, mode {:04o})",
                        p.display(),
                        md.uid(),
                        md.mode() & 0o7777
                    )
                })
            });
        let Some(why) = unsafe_because else {
            return;
        };
        let (refused, kept): (Vec<Channel>, Vec<Channel>) = std::mem::take(&mut self.channels)
            .into_iter()
            .partition(|c| matches!(c.kind, Kind::Exec { .. }));
        self.channels = kept;
        for c in refused {
            self.problems.push(format!(
                "{}: channel '{}': an exec channel is refused while running as root, because {why} can be changed by other users (chown root and chmod go-w it)",
                source.display(),
                c.name
            ));
        }
    }

    /// Each channel's secret files: (channel, key, path), to be warned of when they cannot
    /// be read or every user can read them.
    pub fn secret_files(&self) -> Vec<(&str, &'static str, &Path)> {
        let mut files = Vec::new();
        for c in &self.channels {
            let secrets: Vec<(&'static str, &Password)> = match &c.kind {
                Kind::Email { password, .. } => vec![("password_file", password)],
                Kind::Service { token, .. } => vec![("token_file", token)],
                Kind::Webhook { hook, .. } => {
                    let mut s = vec![("token_file", &hook.token)];
                    if let Some((_, password)) = &hook.basic {
                        s.push(("password_file", password));
                    }
                    s
                }
                _ => Vec::new(),
            };
            for (key, from) in secrets {
                if let Password::File(path) = from {
                    files.push((c.name.as_str(), key, path.as_path()));
                }
            }
        }
        files
    }

    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name == name)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    repeat_interval: Option<Spanned<Scalar>>,
    // Only their shape is checked here; each element is read on its own below, so a bad one
    // spoils only itself.
    #[serde(default, rename = "rule")]
    _rule: Vec<serde::de::IgnoredAny>,
    #[serde(default, rename = "channel")]
    _channel: toml::Table,
    #[serde(default, rename = "maintenance")]
    _maintenance: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    when: Spanned<String>,
    resolve: Option<Spanned<Scalar>>,
    severity: Option<Severity>,
    steps: Option<Spanned<Vec<Scalar>>>,
    severities: Option<Spanned<Vec<Severity>>>,
    message: Option<String>,
    repeat: Option<Spanned<Scalar>>,
    escalate_after: Option<Spanned<Scalar>>,
    #[serde(default)]
    channels: Vec<String>,
    #[serde(default)]
    escalate_to: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel {
    #[serde(rename = "type")]
    kind: String,
    min_severity: Option<Severity>,
    #[serde(default)]
    rules: Vec<String>,
    path: Option<PathBuf>,
    server: Option<String>,
    port: Option<u16>,
    security: Option<String>,
    username: Option<String>,
    password_file: Option<PathBuf>,
    password_env: Option<String>,
    token_file: Option<PathBuf>,
    token_env: Option<String>,
    chat_id: Option<Scalar>,
    room: Option<String>,
    user: Option<String>,
    account_sid: Option<String>,
    ca_file: Option<PathBuf>,
    from: Option<String>,
    to: Option<Vec<String>>,
    url: Option<String>,
    timeout: Option<Scalar>,
    retries: Option<u32>,
    command: Option<Vec<String>>,
    allow_plaintext: Option<bool>,
    group: Option<String>,
    max_size: Option<Scalar>,
    keep: Option<u32>,
    method: Option<String>,
    headers: Option<BTreeMap<String, String>>,
    body: Option<String>,
    content_type: Option<String>,
    form: Option<BTreeMap<String, String>>,
    preset: Option<String>,
    format: Option<String>,
    address: Option<String>,
}

/// Reads the `[alert]` section of the configuration file `path` (or the defaults without one).
pub fn load(path: Option<&Path>, text: Option<&str>) -> Alerts {
    let mut alerts = Alerts::default();
    let mut repeat = DEFAULT_REPEAT;
    let mut written = 0;
    if let (Some(path), Some(text)) = (path, text) {
        let src = Source::new(path.display().to_string(), text);
        written = read(&src, &mut alerts, &mut repeat);
    }
    if written == 0 {
        alerts.rules = defaults(repeat);
    }
    if alerts.channels.is_empty() {
        alerts.channels.push(Channel::console());
    }
    // A rule naming a channel that is not there is a bad rule: its alerts would go nowhere.
    let names: Vec<String> = alerts.channels.iter().map(|c| c.name.clone()).collect();
    let mut problems = Vec::new();
    alerts.rules.retain(|r| {
        match r
            .channels
            .iter()
            .chain(&r.escalate_to)
            .find(|c| !names.contains(c))
        {
            Some(missing) => {
                problems.push(format!(
                    "{}: rule '{}': unknown channel '{missing}' (configured: {})",
                    r.origin,
                    r.name,
                    names.join(", ")
                ));
                false
            }
            None => true,
        }
    });
    alerts.problems.extend(problems);
    alerts
}

/// Reads the section into `alerts`; returns how many rules the file writes (good or bad).
fn read(src: &Source, alerts: &mut Alerts, repeat: &mut i64) -> usize {
    // The whole file already parsed once (config::load); a syntax error cannot happen here.
    let Ok(doc) = DeTable::parse(src.text) else {
        return 0;
    };
    let Some(section) = doc.get_ref().get("alert") else {
        return 0;
    };
    // config::load accepted the file, so the section is a table.
    let DeValue::Table(table) = section.get_ref() else {
        return 0;
    };
    let elements = |key: &str| -> Vec<Spanned<DeValue>> {
        match table.get(key).map(Spanned::get_ref) {
            Some(DeValue::Array(items)) => items.iter().cloned().collect(),
            _ => Vec::new(),
        }
    };
    let rules = elements("rule");
    let written = rules.len();
    match RawSection::deserialize(ValueDeserializer::from(section.clone())) {
        Err(e) => {
            alerts.problems.push(format!(
                "{}: [alert]: {}",
                src.error_at(&e, section.span().start),
                e.message().trim_end()
            ));
            return written;
        }
        Ok(RawSection {
            repeat_interval: Some(r),
            ..
        }) => match parse_duration(&r.get_ref().text()) {
            Ok(secs) => *repeat = secs,
            Err(e) => alerts.problems.push(format!(
                "{}: alert.repeat_interval: {e}",
                src.at(r.span().start)
            )),
        },
        Ok(_) => {}
    }
    let mut names = std::collections::HashSet::new();
    for item in rules {
        let at = item.span().start;
        match RawRule::deserialize(ValueDeserializer::from(item)) {
            Ok(raw) => {
                let name = raw.name.clone();
                if !names.insert(name.clone()) {
                    alerts.problems.push(format!(
                        "{}: rule '{name}': a rule of that name is defined above (names must be unique)",
                        src.at(at)
                    ));
                    continue;
                }
                match validate_rule(src, at, raw, *repeat) {
                    Ok(rule) => alerts.rules.push(rule),
                    Err(p) => alerts.problems.push(p),
                }
            }
            Err(e) => alerts.problems.push(format!(
                "{}: rule: {}",
                src.error_at(&e, at),
                e.message().trim_end()
            )),
        }
    }
    if let Some(channels) = table.get("channel")
        && let DeValue::Table(channels) = channels.get_ref()
    {
        {
            for (name, value) in channels.iter() {
                let at = name.span().start;
                let name = name.get_ref().to_string();
                match RawChannel::deserialize(ValueDeserializer::from(value.clone())) {
                    Ok(raw) => match validate_channel(&name, raw) {
                        Ok(channel) => alerts.channels.push(channel),
                        Err(e) => alerts
                            .problems
                            .push(format!("{}: channel '{name}': {e}", src.at(at))),
                    },
                    Err(e) => alerts.problems.push(format!(
                        "{}: channel '{name}': {}",
                        src.error_at(&e, at),
                        e.message().trim_end()
                    )),
                }
            }
        }
    }
    alerts.windows.extend(maintenance::read_specs(
        src,
        elements("maintenance"),
        &mut alerts.problems,
    ));
    written
}

fn validate_rule(src: &Source, at: usize, raw: RawRule, repeat: i64) -> Result<Rule, String> {
    let name = raw.name;
    let fail = |offset: usize, what: String| format!("{}: rule '{name}': {what}", src.at(offset));
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(fail(
            at,
            "the name must be letters, digits, '-', '_' or '.'".into(),
        ));
    }
    let when_at = raw.when.span().start;
    let cond = rule::parse_condition(raw.when.get_ref())
        .map_err(|e| fail(when_at, format!("when = \"{}\": {e}", raw.when.get_ref())))?;
    let unit = cond.metric.unit();
    let severity = raw.severity.unwrap_or(Severity::Warning);
    let (op, steps) = match (&cond.comparison, &raw.steps) {
        (Some(_), Some(s)) => {
            return Err(fail(
                s.span().start,
                "give the thresholds either in `when` or as `steps`, not both".into(),
            ));
        }
        (None, None) => {
            return Err(fail(
                when_at,
                format!(
                    "when = \"{}\" has no threshold (expected, e.g., \"{} > 90\", or steps = [50, 80, 100])",
                    raw.when.get_ref(),
                    cond.metric.name()
                ),
            ));
        }
        (Some((op, threshold)), None) => (*op, vec![(*threshold, severity)]),
        (None, Some(s)) => {
            let at = s.span().start;
            let values = s
                .get_ref()
                .iter()
                .map(|v| crate::metric::parse_value(&v.text(), unit))
                .collect::<anyhow::Result<Vec<f64>>>()
                .map_err(|e| fail(at, format!("steps: {e}")))?;
            if values.is_empty() || values.windows(2).any(|w| w[0] >= w[1]) {
                return Err(fail(
                    at,
                    "steps must be one or more thresholds in rising order, as in [50, 80, 100]"
                        .into(),
                ));
            }
            let severities = match &raw.severities {
                Some(list) if list.get_ref().len() != values.len() => {
                    return Err(fail(
                        list.span().start,
                        format!(
                            "severities has {} entries for {} steps",
                            list.get_ref().len(),
                            values.len()
                        ),
                    ));
                }
                Some(list) => list.get_ref().clone(),
                None if values.len() == 1 => vec![severity],
                // The last step is critical, the one before it a warning, earlier ones news.
                None => (0..values.len())
                    .map(|i| match values.len() - i {
                        1 => Severity::Critical,
                        2 => Severity::Warning,
                        _ => Severity::Info,
                    })
                    .collect(),
            };
            (Op::Ge, values.into_iter().zip(severities).collect())
        }
    };
    let first = steps[0].0;
    let resolve = match &raw.resolve {
        None => first,
        Some(r) => {
            let value = crate::metric::parse_value(&r.get_ref().text(), unit)
                .map_err(|e| fail(r.span().start, format!("resolve: {e}")))?;
            let sensible = if op.rising() {
                value <= first
            } else {
                value >= first
            };
            if !sensible {
                return Err(fail(
                    r.span().start,
                    format!(
                        "resolve = {value} must be on the other side of the threshold {first} (at or {} it)",
                        if op.rising() { "below" } else { "above" }
                    ),
                ));
            }
            value
        }
    };
    let duration = |d: &Option<Spanned<Scalar>>, key: &str| -> Result<Option<i64>, String> {
        d.as_ref()
            .map(|d| {
                parse_duration(&d.get_ref().text())
                    .map_err(|e| fail(d.span().start, format!("{key}: {e}")))
            })
            .transpose()
    };
    let repeat = duration(&raw.repeat, "repeat")?.unwrap_or(repeat);
    let escalate_after = duration(&raw.escalate_after, "escalate_after")?;
    if escalate_after.is_some() && steps.iter().all(|s| s.1 == Severity::Critical) {
        return Err(fail(
            at,
            "escalate_after on a rule that is critical already".into(),
        ));
    }
    Ok(Rule {
        name,
        when: raw.when.into_inner(),
        metric: cond.metric,
        filter: cond.filter,
        op,
        steps,
        resolve,
        for_secs: cond.for_secs,
        repeat,
        escalate_after,
        message: raw.message,
        channels: raw.channels,
        escalate_to: raw.escalate_to,
        origin: src.line(at),
    })
}

fn validate_channel(name: &str, mut raw: RawChannel) -> Result<Channel, String> {
    // A webhook with a preset is that service's channel.
    if let Some(preset) = raw.preset.take() {
        if raw.kind != "webhook" {
            return Err(format!(
                "preset goes with type = \"webhook\" (this channel is type = \"{}\")",
                raw.kind
            ));
        }
        if Service::parse(&preset).is_none() {
            let services: Vec<&str> = Service::ALL.iter().map(|s| s.name()).collect();
            return Err(format!(
                "preset = \"{preset}\" is not a service (expected {})",
                services.join(", ")
            ));
        }
        raw.kind = preset;
    }
    let given: Vec<(&str, bool)> = vec![
        ("path", raw.path.is_some()),
        ("server", raw.server.is_some()),
        ("port", raw.port.is_some()),
        ("security", raw.security.is_some()),
        ("username", raw.username.is_some()),
        ("password_file", raw.password_file.is_some()),
        ("password_env", raw.password_env.is_some()),
        ("token_file", raw.token_file.is_some()),
        ("token_env", raw.token_env.is_some()),
        ("chat_id", raw.chat_id.is_some()),
        ("room", raw.room.is_some()),
        ("user", raw.user.is_some()),
        ("account_sid", raw.account_sid.is_some()),
        ("ca_file", raw.ca_file.is_some()),
        ("from", raw.from.is_some()),
        ("to", raw.to.is_some()),
        ("url", raw.url.is_some()),
        ("timeout", raw.timeout.is_some()),
        ("retries", raw.retries.is_some()),
        ("command", raw.command.is_some()),
        ("allow_plaintext", raw.allow_plaintext.is_some()),
        ("group", raw.group.is_some()),
        ("max_size", raw.max_size.is_some()),
        ("keep", raw.keep.is_some()),
        ("method", raw.method.is_some()),
        ("headers", raw.headers.is_some()),
        ("body", raw.body.is_some()),
        ("content_type", raw.content_type.is_some()),
        ("form", raw.form.is_some()),
        ("format", raw.format.is_some()),
        ("address", raw.address.is_some()),
    ];
    let service = Service::parse(&raw.kind);
    let allowed: &[&str] = match raw.kind.as_str() {
        "console" => &[],
        "log" => &["path", "max_size", "keep"],
        "email" => &[
            "server",
            "port",
            "security",
            "username",
            "password_file",
            "password_env",
            "ca_file",
            "from",
            "to",
            "timeout",
            "allow_plaintext",
            "group",
            "format",
        ],
        "webhook" => &[
            "url",
            "method",
            "headers",
            "body",
            "content_type",
            "form",
            "token_file",
            "token_env",
            "username",
            "password_file",
            "password_env",
            "allow_plaintext",
            "ca_file",
            "timeout",
            "retries",
        ],
        "exec" => &["command", "timeout"],
        "desktop" => &["address", "timeout", "group"],
        _ if service.is_some() => service.map_or(&[][..], Service::keys),
        other => {
            let services: Vec<&str> = Service::ALL.iter().map(|s| s.name()).collect();
            return Err(format!(
                "type = \"{other}\" is not a channel type (expected console, log, email, webhook, exec, desktop, or a service: {})",
                services.join(", ")
            ));
        }
    };
    if let Some((key, _)) = given
        .iter()
        .find(|(key, set)| *set && !allowed.contains(key))
    {
        return Err(format!(
            "{key} does not apply to a {} channel (it takes: {})",
            raw.kind,
            if allowed.is_empty() {
                "min_severity, rules".to_string()
            } else {
                allowed.join(", ")
            }
        ));
    }
    let need = |v: Option<String>, key: &str| {
        v.filter(|s| !s.is_empty())
            .ok_or_else(|| format!("a {} channel needs {key}", raw.kind))
    };
    let timeout = |default: i64| -> Result<i64, String> {
        match &raw.timeout {
            None => Ok(default),
            Some(t) => match parse_duration(&t.text()) {
                Ok(0) => Err("timeout must be at least 1s".into()),
                Ok(s) => Ok(s),
                Err(e) => Err(format!("timeout: {e}")),
            },
        }
    };
    let kind = match service {
        Some(service) => service_kind(service, &raw, timeout(10)?)?,
        None => match raw.kind.as_str() {
            "console" => Kind::Console,
            "log" => Kind::Log {
                path: raw
                    .path
                    .clone()
                    .ok_or_else(|| "a log channel needs path".to_string())?,
                max_size: match &raw.max_size {
                    None => None,
                    Some(v) => Some(size(&v.text()).ok_or_else(|| {
                        format!(
                            "max_size = {} is not a size (expected bytes or 10MB, 512KiB, 1G; at least 1KB)",
                            v.text()
                        )
                    })?),
                },
                keep: match raw.keep {
                    Some(k) if !(1..=100).contains(&k) => {
                        return Err(format!("keep = {k} (expected 1 to 100 rotated files)"));
                    }
                    Some(k) => k,
                    None => 5,
                },
            },
            "email" => {
                let security = match raw.security.as_deref().unwrap_or("starttls") {
                    "starttls" => Security::Starttls,
                    "tls" => Security::Tls,
                    "none" => Security::None,
                    other => {
                        return Err(format!(
                            "security = \"{other}\" (expected starttls, tls or none)"
                        ));
                    }
                };
                let password = password(&raw)?;
                if raw.username.is_some()
                    && security == Security::None
                    && raw.allow_plaintext != Some(true)
                {
                    return Err(
                        "security = \"none\" would send the username and password unencrypted (use starttls or tls, or set allow_plaintext = true on a network you trust)"
                            .into(),
                    );
                }
                let to = raw.to.clone().unwrap_or_default();
                if to.is_empty() {
                    return Err("an email channel needs to = [\"someone@example.com\"]".into());
                }
                for address in to.iter().chain(raw.from.iter()) {
                    address
                        .parse::<lettre::message::Mailbox>()
                        .map_err(|e| format!("'{address}' is not a mail address ({e})"))?;
                }
                Kind::Email {
                    server: need(raw.server.clone(), "server")?,
                    port: raw.port,
                    security,
                    username: raw.username.clone(),
                    password,
                    ca_file: raw.ca_file.clone(),
                    from: need(raw.from.clone(), "from")?,
                    to,
                    timeout: timeout(30)?,
                    sms: match raw.format.as_deref() {
                        None | Some("full") => false,
                        Some("sms") => true,
                        Some(other) => {
                            return Err(format!(
                                "format = \"{other}\" (expected full, or sms for an email-to-SMS gateway)"
                            ));
                        }
                    },
                }
            }
            "webhook" => {
                let url = http_url(need(raw.url.clone(), "url")?)?;
                Kind::Webhook {
                    hook: hook(&raw, &url)?,
                    ca_file: raw.ca_file.clone(),
                    url,
                    timeout: timeout(10)?,
                    retries: raw.retries.unwrap_or(2).min(10),
                }
            }
            "desktop" => Kind::Desktop {
                address: raw.address.clone(),
                timeout: timeout(5)?,
            },
            _ => {
                let command = raw.command.clone().unwrap_or_default();
                if command.first().is_none_or(String::is_empty) {
                    return Err(
                        "an exec channel needs command = [\"/path/to/program\", \"arg\", ...]"
                            .into(),
                    );
                }
                Kind::Exec {
                    command,
                    timeout: timeout(30)?,
                }
            }
        },
    };
    // Mail, chat, push and SMS put a run's notifications together; the rest send each.
    let group = match raw.group.as_deref() {
        None if allowed.contains(&"group") => Group::Run,
        None => Group::None,
        Some("run") => Group::Run,
        Some("rule") => Group::Rule,
        Some("none") => Group::None,
        Some(other) => {
            return Err(format!("group = \"{other}\" (expected run, rule or none)"));
        }
    };
    Ok(Channel {
        name: name.to_string(),
        kind,
        min_severity: raw.min_severity.unwrap_or(Severity::Info),
        rules: raw.rules,
        group,
    })
}

/// A chat, push, paging or SMS service's channel: its URL (or the service's own), its token
/// and where within the service it delivers.
fn service_kind(service: Service, raw: &RawChannel, timeout: i64) -> Result<Kind, String> {
    let given = |key: &str| match key {
        "url" => raw.url.is_some(),
        "token" => raw.token_file.is_some() || raw.token_env.is_some(),
        "chat_id" => raw.chat_id.is_some(),
        "room" => raw.room.is_some(),
        "user" => raw.user.is_some(),
        "account_sid" => raw.account_sid.is_some(),
        "from" => raw.from.is_some(),
        "to" => raw.to.as_ref().is_some_and(|t| !t.is_empty()),
        _ => true,
    };
    if let Some(missing) = service.needs().iter().find(|k| !given(k)) {
        return Err(match *missing {
            "token" => format!(
                "a {} channel needs its token, {}: token_file = \"/etc/usage/{}-token\" (or token_env)",
                raw.kind,
                service.token_is(),
                raw.kind
            ),
            "to" => format!("a {} channel needs to = [\"+15551234567\", ...]", raw.kind),
            key => format!("a {} channel needs {key}", raw.kind),
        });
    }
    let url = match (raw.url.clone(), service.default_url()) {
        (Some(u), _) => u,
        (None, Some(d)) => d.to_string(),
        (None, None) => return Err(format!("a {} channel needs url", raw.kind)),
    };
    let token = secret_from(&raw.token_file, &raw.token_env, "token")?;
    let one = |v: Option<String>| v.into_iter().collect::<Vec<_>>();
    let to = Address {
        to: match service {
            Service::Telegram => one(raw.chat_id.as_ref().map(Scalar::text)),
            Service::Matrix => one(raw.room.clone()),
            Service::Pushover => one(raw.user.clone()),
            _ => raw.to.clone().unwrap_or_default(),
        },
        from: raw.from.clone(),
        account: raw.account_sid.clone(),
    };
    Ok(Kind::Service {
        service,
        url: http_url(url)?,
        token,
        to,
        ca_file: raw.ca_file.clone(),
        timeout,
        retries: raw.retries.unwrap_or(2).min(10),
    })
}

/// Where a secret comes from: `KEY_file` or `KEY_env`, not both.
fn secret_from(
    file: &Option<PathBuf>,
    var: &Option<String>,
    key: &str,
) -> Result<Password, String> {
    Ok(match (file, var) {
        (Some(_), Some(_)) => return Err(format!("give {key}_file or {key}_env, not both")),
        (Some(f), None) => Password::File(f.clone()),
        (None, Some(v)) => Password::Env(v.clone()),
        (None, None) => Password::None,
    })
}

/// The password of a channel with a username (email, a webhook's basic authentication).
fn password(raw: &RawChannel) -> Result<Password, String> {
    let password = secret_from(&raw.password_file, &raw.password_env, "password")?;
    if raw.username.is_none() && !matches!(password, Password::None) {
        return Err("a password without a username".into());
    }
    Ok(password)
}

/// A webhook's request as configured: method, headers, body or form fields (templates with
/// `{{name}}` placeholders), a token for `{{token}}`, basic authentication.
fn hook(raw: &RawChannel, url: &str) -> Result<Hook, String> {
    let method = match raw
        .method
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("POST") => "POST",
        Some("PUT") => "PUT",
        Some("PATCH") => "PATCH",
        Some(_) => {
            return Err(format!(
                "method = \"{}\" (expected POST, PUT or PATCH)",
                raw.method.as_deref().unwrap_or_default()
            ));
        }
    };
    let template =
        |what: String, text: &str| Template::parse(text).map_err(|e| format!("{what}: {e}"));
    let mut headers = Vec::new();
    for (name, value) in raw.headers.iter().flatten() {
        if name.is_empty() || !name.chars().all(webhook::is_token_char) {
            return Err(format!(
                "headers: '{name}' is not a header name (letters, digits and !#$%&'*+-.^_`|~)"
            ));
        }
        if value.trim().is_empty() {
            return Err(format!(
                "headers: '{name}' has no value (give one, or leave the header out)"
            ));
        }
        if name.eq_ignore_ascii_case("content-type") {
            return Err(
                "headers: set content_type = \"...\" instead of a Content-Type header".into(),
            );
        }
        if name.eq_ignore_ascii_case("authorization") && raw.username.is_some() {
            return Err(
                "headers: username and password already make the Authorization header".into(),
            );
        }
        headers.push((name.clone(), template(format!("headers: '{name}'"), value)?));
    }
    let body = match (&raw.body, &raw.form, &raw.content_type) {
        (Some(_), Some(_), _) => return Err("give body or form, not both".into()),
        (None, Some(_), Some(_)) => {
            return Err(
                "content_type goes with body (a form is application/x-www-form-urlencoded)".into(),
            );
        }
        (None, None, Some(_)) => {
            return Err(
                "content_type goes with body (without one the JSON document is sent)".into(),
            );
        }
        (None, None, None) => Body::Document,
        (None, Some(form), None) => {
            let mut fields = Vec::new();
            for (name, value) in form {
                fields.push((name.clone(), template(format!("form: '{name}'"), value)?));
            }
            Body::Form(fields)
        }
        (Some(text), None, content_type) => {
            let content_type = content_type
                .clone()
                .unwrap_or_else(|| "application/json".into());
            let template = template("body".into(), text)?;
            if webhook::is_json(&content_type) {
                let sample = template.render(&webhook::sample(), "token", webhook::Escape::Json);
                if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&sample) {
                    return Err(format!(
                        "body is not JSON once its placeholders are filled in ({e}); a string placeholder goes inside quotes: \"{{{{rule}}}}\" (or set content_type)"
                    ));
                }
            }
            Body::Text {
                template,
                content_type,
            }
        }
    };
    let token = secret_from(&raw.token_file, &raw.token_env, "token")?;
    let hook = Hook {
        method,
        headers,
        body,
        basic: match &raw.username {
            Some(user) => Some((user.clone(), password(raw)?)),
            None => {
                password(raw)?;
                None
            }
        },
        token,
    };
    let uses_token = hook.uses("token");
    match (&hook.token, uses_token) {
        (Password::None, true) => {
            return Err(
                "{{token}} is used, but neither token_file nor token_env says where the token is"
                    .into(),
            );
        }
        (Password::File(_) | Password::Env(_), false) => {
            return Err(
                "a token is given, but no header, body or form field uses {{token}}".into(),
            );
        }
        _ => {}
    }
    let secret = uses_token || hook.basic.is_some();
    if secret
        && url.starts_with("http://")
        && !webhook::is_loopback(url)
        && raw.allow_plaintext != Some(true)
    {
        return Err(format!(
            "url '{}' is plain http: the token or password would cross the network unencrypted (use https, or set allow_plaintext = true on a network you trust)",
            visible_url(url)
        ));
    }
    Ok(hook)
}

/// A size in bytes: 5000000, "10MB", "512KiB", "1G" (powers of 1000, or 1024 with "i").
fn size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number.parse().ok()?;
    let unit = unit.trim().trim_end_matches(['B', 'b']);
    let (prefix, binary) = match unit.strip_suffix('i') {
        Some(p) => (p, true),
        None => (unit, false),
    };
    let power = match prefix {
        "" => 0,
        "k" | "K" => 1,
        "M" => 2,
        "G" => 3,
        _ => return None,
    };
    let bytes = number * (if binary { 1024f64 } else { 1000f64 }).powi(power);
    (bytes.is_finite() && (1000.0..1e15).contains(&bytes)).then_some(bytes as u64)
}

fn http_url(url: String) -> Result<String, String> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(url)
    } else {
        Err(format!("url '{url}' is not an http:// or https:// URL"))
    }
}

/// The built-in rules, used when the configuration defines none; read like the
/// user's so they cannot disagree with the documented rule format.
const DEFAULTS: &str = r#"
[[alert.rule]]
name = "high-cpu"
when = "cpu_percent > 90 for 60s"
resolve = 80

[[alert.rule]]
name = "high-memory"
when = "memory_percent > 85 for 60s"
resolve = 80

[[alert.rule]]
name = "disk-full"
when = "disk_used_percent > 90"
resolve = 88

[[alert.rule]]
name = "low-disk-space"
when = "disk_free_percent < 10"
resolve = 12
severity = "critical"

[[alert.rule]]
name = "quota"
when = "quota_used_percent"
steps = [50, 80, 100]

[[alert.rule]]
name = "quota-forecast"
when = "quota_forecast_percent > 100"
resolve = 95

[[alert.rule]]
name = "outage"
when = "outage_open > 0"
severity = "critical"

[[alert.rule]]
name = "tls-expiry"
when = "tls_days_left < 14"
"#;

/// The default rules, reminding every `repeat` seconds.
pub fn defaults(repeat: i64) -> Vec<Rule> {
    let src = Source::new("default".into(), DEFAULTS);
    let mut alerts = Alerts::default();
    let mut repeat = repeat;
    read(&src, &mut alerts, &mut repeat);
    debug_assert!(alerts.problems.is_empty(), "{:?}", alerts.problems);
    for rule in &mut alerts.rules {
        rule.origin = "default".into();
    }
    alerts.rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_from_the_line_index_match_a_scan() {
        let text = "a = 1\n\n[alert]\nx = \"é\"\nlast";
        let src = Source::new("c.toml".into(), text);
        for offset in 0..=text.len() + 3 {
            if text.is_char_boundary(offset.min(text.len())) {
                assert_eq!(
                    src.line_col(offset),
                    crate::config::line_col(text, offset),
                    "{offset}"
                );
            }
        }
    }

    fn parse(text: &str) -> Alerts {
        load(Some(Path::new("c.toml")), Some(text))
    }

    #[test]
    fn without_rules_the_built_in_defaults_apply_and_console_is_the_channel() {
        let a = load(None, None);
        assert!(a.rules.iter().all(|r| r.origin == "default"));
        let names: Vec<&str> = a.rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "high-cpu",
                "high-memory",
                "disk-full",
                "low-disk-space",
                "quota",
                "quota-forecast",
                "outage",
                "tls-expiry"
            ]
        );
        assert_eq!(a.channels.len(), 1);
        assert!(a.problems.is_empty());
    }

    #[test]
    fn bad_rules_are_reported_with_lines_and_good_ones_kept() {
        let a = parse(
            r#"host = "x"

[alert]
repeat_interval = "1h"

[[alert.rule]]
name = "cpu"
when = "cpu_percent > 90 for 60s"
resolve = 80

[[alert.rule]]
name = "typo"
when = "cpu_pct > 90"

[[alert.rule]]
name = "nan"
when = "load1 > lots"

[[alert.rule]]
name = "dur"
when = "load1 > 4 for 5 minutes"

[[alert.rule]]
name = "key"
when = "load1 > 4"
severty = "critical"

[[alert.rule]]
name = "hyst"
when = "load1 > 4"
resolve = 5

[[alert.rule]]
name = "quota"
when = "quota_used_percent"
steps = [50, 80, 100]
"#,
        );
        let names: Vec<&str> = a.rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["cpu", "quota"]);
        assert_eq!(a.rules[0].repeat, 3600);
        assert_eq!(a.rules[0].resolve, 80.0);
        assert_eq!(a.rules[0].origin, "c.toml:6");
        assert_eq!(
            a.rules[1].steps,
            [
                (50.0, Severity::Info),
                (80.0, Severity::Warning),
                (100.0, Severity::Critical)
            ]
        );
        let p = &a.problems;
        assert_eq!(p.len(), 5, "{p:#?}");
        assert!(
            p[0].starts_with(
                "c.toml:13:8: rule 'typo': when = \"cpu_pct > 90\": unknown metric 'cpu_pct'"
            ),
            "{}",
            p[0]
        );
        assert!(p[1].starts_with("c.toml:17:8: rule 'nan': "), "{}", p[1]);
        assert!(p[1].contains("threshold 'lots' is not a number"));
        assert!(p[2].starts_with("c.toml:21:8: rule 'dur': "), "{}", p[2]);
        assert!(
            p[3].starts_with("c.toml:26:1: rule: unknown field `severty`"),
            "{}",
            p[3]
        );
        assert!(
            p[4].starts_with("c.toml:31:11: rule 'hyst': resolve = 5 must be on the other side"),
            "{}",
            p[4]
        );
        assert!(a.rules.iter().all(|r| r.origin.starts_with("c.toml:")));
    }

    #[test]
    fn the_readme_alert_example_is_valid() {
        let readme = include_str!("../../README.md");
        let start = readme.find("```toml\n").unwrap() + 8;
        let text = &readme[start..start + readme[start..].find("```").unwrap()];
        let a = parse(text);
        assert!(a.problems.is_empty(), "{:#?}", a.problems);
        assert_eq!(a.rules.len(), 3);
        assert_eq!(a.channels.len(), 6);
        assert_eq!(a.windows.len(), 1);
        assert_eq!(a.rules[0].repeat, 4 * 3600);
    }

    #[test]
    fn channels_are_checked_per_type() {
        let a = parse(
            r#"
[alert.channel.ops]
type = "email"
server = "smtp.example.com"
from = "usage <usage@example.com>"
to = ["ops@example.com"]
username = "u"
password_env = "SMTP_PASSWORD"
min_severity = "warning"

[alert.channel.hook]
type = "webhook"
url = "ftp://x"

[alert.channel.run]
type = "exec"
command = ["/bin/true"]
url = "http://x"

[alert.channel.page]
type = "pager"
"#,
        );
        assert_eq!(a.channels.len(), 1);
        assert_eq!(a.channels[0].min_severity, Severity::Warning);
        let p = &a.problems;
        assert!(
            p[0].starts_with("c.toml:11:16: channel 'hook': url 'ftp://x' is not"),
            "{p:#?}"
        );
        assert!(
            p[1].contains("channel 'page': type = \"pager\" is not a channel type"),
            "{p:#?}"
        );
        assert!(
            p[2].contains("channel 'run': url does not apply to a exec channel"),
            "{p:#?}"
        );
        // Rules route to channels that exist.
        let a = parse(
            "[alert.channel.log]\ntype = \"log\"\npath = \"a.log\"\n[[alert.rule]]\nname = \"r\"\nwhen = \"load1 > 3\"\nchannels = [\"mail\"]\n",
        );
        assert!(a.rules.is_empty());
        assert!(a.problems[0].contains("rule 'r': unknown channel 'mail' (configured: log)"));
    }

    #[test]
    fn log_sizes_read_as_people_write_them() {
        assert_eq!(size("10MB"), Some(10_000_000));
        assert_eq!(size("512KiB"), Some(524_288));
        assert_eq!(size("1G"), Some(1_000_000_000));
        assert_eq!(size("5000"), Some(5000));
        assert_eq!(size("999"), None);
        assert_eq!(size("5x"), None);
        let a = parse("[alert.channel.j]\ntype = \"log\"\npath = \"a.log\"\nmax_size = \"tiny\"\n");
        assert!(
            a.problems[0].contains("max_size = tiny is not a size"),
            "{:?}",
            a.problems
        );
        let a = parse("[alert.channel.j]\ntype = \"log\"\npath = \"a.log\"\nkeep = 0\n");
        assert!(
            a.problems[0].contains("keep = 0 (expected 1 to 100"),
            "{:?}",
            a.problems
        );
    }

    #[test]
    fn a_preset_makes_a_webhook_that_service_and_sms_is_an_email_format() {
        let a = parse(
            "[alert.channel.chat]\ntype = \"webhook\"\npreset = \"discord\"\nurl = \"https://discord.com/api/webhooks/1/x\"\n",
        );
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        assert!(matches!(
            a.channel("chat").unwrap().kind,
            Kind::Service {
                service: Service::Discord,
                ..
            }
        ));
        for (text, says) in [
            (
                "type = \"webhook\"\npreset = \"slak\"\nurl = \"https://x.example/\"",
                "preset = \"slak\" is not a service (expected slack, mattermost,",
            ),
            (
                "type = \"log\"\npath = \"a\"\npreset = \"slack\"",
                "preset goes with type = \"webhook\" (this channel is type = \"log\")",
            ),
            (
                "type = \"email\"\nserver = \"m\"\nfrom = \"a@b.c\"\nto = [\"d@e.f\"]\nformat = \"tiny\"",
                "format = \"tiny\" (expected full, or sms for an email-to-SMS gateway)",
            ),
        ] {
            let a = parse(&format!("[alert.channel.c]\n{text}\n"));
            assert!(
                a.problems.len() == 1 && a.problems[0].contains(says),
                "{text}: {:?}",
                a.problems
            );
        }
    }

    #[test]
    fn a_webhook_request_is_checked_when_read() {
        let bad = [
            (
                "method = \"GET\"",
                "method = \"GET\" (expected POST, PUT or PATCH)",
            ),
            (
                "headers = { \"X Key\" = \"v\" }",
                "headers: 'X Key' is not a header name",
            ),
            (
                "headers = { X-Key = \"\" }",
                "headers: 'X-Key' has no value (give one, or leave the header out)",
            ),
            (
                "headers = { Content-Type = \"text/plain\" }",
                "set content_type = \"...\" instead",
            ),
            (
                "headers = { X-Key = \"{{tokn}}\" }",
                "headers: 'X-Key': '{{tokn}}' is not a placeholder (expected {{host}}, ",
            ),
            (
                "body = '{\"text\": {{rule}}}'",
                "body is not JSON once its placeholders are filled in (expected value at line 1 column 10); a string placeholder goes inside quotes",
            ),
            (
                "body = 'x'\nform = { a = \"b\" }",
                "give body or form, not both",
            ),
            (
                "content_type = \"text/plain\"",
                "content_type goes with body",
            ),
            (
                "headers = { Authorization = \"Bearer {{token}}\" }",
                "{{token}} is used, but neither token_file nor token_env",
            ),
            (
                "token_env = \"T\"",
                "a token is given, but no header, body or form field uses {{token}}",
            ),
            ("password_env = \"P\"", "a password without a username"),
            (
                "url = \"http://hooks.example.com/x\"\nusername = \"u\"\npassword_env = \"P\"",
                "url 'http://hooks.example.com/...' is plain http",
            ),
            (
                "group = \"run\"",
                "group does not apply to a webhook channel",
            ),
        ];
        for (keys, says) in bad {
            let text = if keys.starts_with("url") {
                format!("[alert.channel.hook]\ntype = \"webhook\"\n{keys}\n")
            } else {
                format!(
                    "[alert.channel.hook]\ntype = \"webhook\"\nurl = \"https://example.com/h\"\n{keys}\n"
                )
            };
            let a = parse(&text);
            assert!(
                a.problems.len() == 1 && a.problems[0].contains(says),
                "{keys}: {:?}",
                a.problems
            );
        }
        // Good ones: a text body, a form, basic authentication over https, a token in a header
        // over plain http to this machine.
        let a = parse(
            r#"
[alert.channel.text]
type = "webhook"
url = "https://example.com/t"
method = "put"
body = "{{headline}}"
content_type = "text/plain"

[alert.channel.form]
type = "webhook"
url = "https://example.com/f"
form = { text = "{{message}}", sev = "{{severity}}" }
username = "u"
password_env = "P"

[alert.channel.local]
type = "webhook"
url = "http://127.0.0.1:8080/h"
headers = { X-Api-Key = "{{token}}" }
token_env = "K"
"#,
        );
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        let Kind::Webhook { hook, .. } = &a.channel("text").unwrap().kind else {
            panic!("not a webhook");
        };
        assert_eq!(hook.method, "PUT");
        assert_eq!(
            a.channel("local").unwrap().describe(),
            "webhook POST http://127.0.0.1:8080/..."
        );
    }

    #[test]
    fn service_channels_need_their_url_and_token() {
        let a = parse(
            r#"
[alert.channel.chat]
type = "slack"
url = "https://hooks.slack.com/services/T/B/X"

[alert.channel.pd]
type = "pagerduty"
token_env = "PD_KEY"

[alert.channel.nourl]
type = "discord"

[alert.channel.notoken]
type = "gotify"
url = "https://gotify.example.com"

[alert.channel.both]
type = "ntfy"
url = "https://ntfy.sh/x"
token_file = "/etc/t"
token_env = "T"

[alert.channel.stray]
type = "teams"
url = "https://example.com/x"
token_file = "/etc/t"

[alert.channel.typo]
type = "slak"

[alert.channel.grouped-pager]
type = "opsgenie"
token_env = "OG"
group = "run"

[alert.channel.badgroup]
type = "slack"
url = "https://hooks.slack.com/x"
group = "daily"
"#,
        );
        let names: Vec<&str> = a.channels.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["chat", "pd"]);
        assert!(
            matches!(&a.channels[1].kind, Kind::Service { service: Service::PagerDuty, url, token: Password::Env(v), .. }
                if url == "https://events.pagerduty.com/v2/enqueue" && v == "PD_KEY")
        );
        let p = a.problems.join("\n");
        for wanted in [
            "channel 'nourl': a discord channel needs url",
            "channel 'notoken': a gotify channel needs its token, the application token: token_file = \"/etc/usage/gotify-token\" (or token_env)",
            "channel 'both': give token_file or token_env, not both",
            "channel 'stray': token_file does not apply to a teams channel (it takes: url, ca_file, timeout, retries, group)",
            "channel 'grouped-pager': group does not apply to a opsgenie channel",
            "channel 'badgroup': group = \"daily\" (expected run, rule or none)",
            "channel 'typo': type = \"slak\" is not a channel type (expected console, log, email, webhook, exec, desktop, or a service: slack, mattermost, rocketchat, discord, teams, matrix, telegram, ntfy, gotify, pushover, pagerduty, opsgenie, twilio)",
        ] {
            assert!(p.contains(wanted), "{wanted}\n{p}");
        }
    }
}
