//! Notifications: what one says (a JSON document, the webhook's body) and how each channel
//! delivers it. Every delivery either succeeds or returns one line saying why not; none waits
//! longer than its channel's timeout.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

use super::config::{Channel, Kind, Rule, Security};
use super::machine::Event;
use super::secret::Password;
use super::services::{self, Request, headline, visible_url};
use crate::env::Env;
use crate::metric::{series, show_value};
use crate::time::{rfc3339, show_duration};

/// The version of the JSON document; bumped only for changes that break readers.
pub const PAYLOAD_VERSION: u32 = 1;

/// The notification for one event of one alert.
pub fn payload(rule: &Rule, subject: &str, event: &Event, host: &str) -> Value {
    let unit = rule.metric.unit();
    let threshold = rule.steps[0].0;
    let value = event.value.map(|v| show_value(v, unit));
    let condition = format!(
        "{} {}{}",
        rule.op.as_str(),
        show_value(threshold, unit),
        if rule.for_secs > 0 {
            format!(" for {}", show_duration(rule.for_secs))
        } else {
            String::new()
        }
    );
    let fields = [
        ("rule", rule.name.clone()),
        ("subject", subject.to_string()),
        ("host", host.to_string()),
        ("metric", rule.metric.name().to_string()),
        ("event", event.kind.as_str().to_string()),
        ("severity", event.severity.as_str().to_string()),
        (
            "value",
            value.clone().unwrap_or_else(|| "no longer reported".into()),
        ),
        ("threshold", show_value(threshold, unit)),
        ("condition", condition.clone()),
        ("since", rfc3339(event.since)),
    ];
    let message = match &rule.message {
        Some(template) => {
            let mut text = template.clone();
            for (key, v) in &fields {
                text = text.replace(&format!("{{{key}}}"), v);
            }
            if let Some(label) = rule.metric.label() {
                text = text.replace(&format!("{{{label}}}"), subject);
            }
            text
        }
        None => match &value {
            Some(v) => format!("{} is {v} ({condition})", series(rule.metric, subject)),
            None => format!("{} is no longer reported", series(rule.metric, subject)),
        },
    };
    json!({
        "version": PAYLOAD_VERSION,
        "host": host,
        "rule": rule.name,
        "subject": subject,
        "labels": match rule.metric.label() {
            Some(label) if !subject.is_empty() => json!({ label: subject }),
            _ => json!({}),
        },
        "event": event.kind.as_str(),
        "severity": event.severity.as_str(),
        "metric": rule.metric.name(),
        "value": event.value,
        "threshold": threshold,
        "resolve_threshold": rule.resolve,
        "when": rule.when,
        "since": rfc3339(event.since),
        "time": rfc3339(event.ts),
        "message": message,
        "silenced": event.silenced,
    })
}

/// A test notification for `usage-alert test CHANNEL`.
pub fn test_payload(channel: &str, host: &str, now: i64) -> Value {
    json!({
        "version": PAYLOAD_VERSION,
        "host": host,
        "rule": "test",
        "subject": "",
        "labels": {},
        "event": "test",
        "severity": "info",
        "metric": "",
        "value": null,
        "threshold": null,
        "resolve_threshold": null,
        "when": "",
        "since": rfc3339(now),
        "time": rfc3339(now),
        "message": format!("test notification from usage-alert through channel '{channel}'"),
        "silenced": false,
    })
}

fn field<'a>(p: &'a Value, key: &str) -> &'a str {
    p.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Several notifications to one channel as one (its `group`): the highest severity, the
/// earliest start and the latest time, a line per alert as the message, and the alerts
/// themselves under `alerts`.
pub fn grouped(items: &[Value]) -> Value {
    let rank = |p: &Value| match field(p, "severity") {
        "critical" => 2,
        "warning" => 1,
        _ => 0,
    };
    let highest = items
        .iter()
        .max_by_key(|p| rank(p))
        .map_or("info", |p| field(p, "severity"));
    let mut counts: Vec<String> = Vec::new();
    for severity in ["critical", "warning", "info"] {
        let n = items
            .iter()
            .filter(|p| field(p, "severity") == severity)
            .count();
        if n > 0 {
            counts.push(format!("{n} {severity}"));
        }
    }
    let first = items.first().cloned().unwrap_or(Value::Null);
    let rules: std::collections::BTreeSet<&str> = items.iter().map(|p| field(p, "rule")).collect();
    let rule = if rules.len() == 1 {
        field(&first, "rule")
    } else {
        ""
    };
    let lines: Vec<String> = items.iter().map(headline).collect();
    let earliest = items
        .iter()
        .map(|p| field(p, "since"))
        .min()
        .unwrap_or_default();
    let latest = items
        .iter()
        .map(|p| field(p, "time"))
        .max()
        .unwrap_or_default();
    json!({
        "version": PAYLOAD_VERSION,
        "host": field(&first, "host"),
        "rule": rule,
        "subject": "",
        "labels": {},
        "event": "group",
        "severity": highest,
        "metric": "",
        "value": null,
        "threshold": null,
        "resolve_threshold": null,
        "when": "",
        "since": earliest,
        "time": latest,
        "message": lines.join("\n"),
        "silenced": false,
        "counts": counts.join(", "),
        "alerts": items,
    })
}

/// The console channel's line: the local time of the event, then the headline.
pub fn console_line(p: &Value) -> String {
    let when = chrono::DateTime::parse_from_rfc3339(field(p, "time"))
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    format!("{when} {}", crate::render::visible(&headline(p)))
}

/// Delivers through every channel but the console (which writes to the run's stdout and is
/// handled by the caller). Safe to call from several threads.
pub fn deliver(channel: &Channel, payload: &Value, env: &DeliveryEnv) -> Result<()> {
    match &channel.kind {
        Kind::Console => Ok(()),
        Kind::Log {
            path,
            max_size,
            keep,
        } => {
            let mut line = serde_json::to_vec(payload)?;
            line.push(b'\n');
            // Rotation and the append under one lock of the directory: overlapping runs
            // neither rotate twice nor write into a file just moved away.
            let _lock = match max_size {
                Some(max) => {
                    let lock = crate::files::lock(crate::files::parent(path))?;
                    rotate(path, *max, *keep, line.len() as u64)?;
                    Some(lock)
                }
                None => None,
            };
            // Opened for each notification, so logrotate may move the file away (no
            // copytruncate needed): the next one creates it anew.
            let mut file = OpenOptions::new()
                .append(true)
                .create(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("cannot open log file '{}'", path.display()))?;
            // One write of one line: appends from overlapping runs never interleave.
            file.write_all(&line)
                .with_context(|| format!("cannot write log file '{}'", path.display()))
        }
        Kind::Email {
            server,
            port,
            security,
            username,
            password,
            ca_file,
            from,
            to,
            timeout,
            sms,
        } => {
            let smtp = Smtp {
                timeout: *timeout,
                server,
                port: *port,
                security: *security,
                username: username.as_deref(),
                password,
                ca_file: ca_file.as_deref(),
            };
            email(&smtp, from, to, payload, *sms, env)
        }
        Kind::Webhook {
            url,
            hook,
            ca_file,
            timeout,
            retries,
        } => {
            let token = hook.token.read("webhook token", &env.vars)?;
            let password = match &hook.basic {
                Some((_, from)) => from.read("webhook password", &env.vars)?,
                None => None,
            };
            let request = hook.request(
                url,
                payload,
                token.as_deref().unwrap_or_default(),
                password.as_deref(),
            );
            post(
                "webhook",
                &request,
                &Http {
                    timeout: *timeout,
                    retries: *retries,
                    ca_file: ca_file.as_deref(),
                },
                env,
                &|status, _| {
                    if (200..300).contains(&status) {
                        Ok(())
                    } else {
                        Err(format!("HTTP status {status}"))
                    }
                },
            )
        }
        Kind::Service {
            service,
            url,
            token,
            to,
            ca_file,
            timeout,
            retries,
        } => {
            let token = token.read(&format!("{} token", service.name()), &env.vars)?;
            for request in services::requests(*service, url, token.as_deref(), to, payload) {
                post(
                    service.name(),
                    &request,
                    &Http {
                        timeout: *timeout,
                        retries: *retries,
                        ca_file: ca_file.as_deref(),
                    },
                    env,
                    &|status, body| services::accepted(*service, status, body),
                )?;
            }
            Ok(())
        }
        Kind::Exec { command, timeout } => exec(command, *timeout, payload),
        Kind::Desktop { address, timeout } => {
            // SAFETY: geteuid has no preconditions and cannot fail.
            let uid = unsafe { libc::geteuid() };
            let address = address
                .clone()
                .unwrap_or_else(|| super::desktop::session_address(&env.vars, uid));
            let (urgency, icon) = services::by_state(
                payload,
                [
                    (1, "dialog-information"),
                    (2, "dialog-error"),
                    (1, "dialog-warning"),
                    (0, "dialog-information"),
                ],
            );
            let n = super::desktop::Notification {
                summary: &headline(payload),
                body: &super::services::details(payload),
                urgency,
                icon,
            };
            super::desktop::notify(&address, uid, &n, Duration::from_secs(*timeout as u64))
                .map(|_| ())
                .map_err(|e| anyhow!(e))
        }
    }
}

/// Moves a log that `adding` more bytes would take past `max` to `path.1` (and `path.1` to
/// `path.2`, ..., keeping `keep`), as Python's RotatingFileHandler does.
fn rotate(path: &std::path::Path, max: u64, keep: u32, adding: u64) -> Result<()> {
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(_) => return Ok(()),
    };
    if size == 0 || size + adding <= max {
        return Ok(());
    }
    let numbered = |n: u32| {
        let mut p = path.as_os_str().to_owned();
        p.push(format!(".{n}"));
        std::path::PathBuf::from(p)
    };
    let _ = std::fs::remove_file(numbered(keep));
    for n in (1..keep).rev() {
        let from = numbered(n);
        if from.exists() {
            std::fs::rename(&from, numbered(n + 1))
                .with_context(|| format!("cannot rotate log file '{}'", from.display()))?;
        }
    }
    std::fs::rename(path, numbered(1))
        .with_context(|| format!("cannot rotate log file '{}'", path.display()))
}

/// What deliveries may read of the outside world.
pub struct DeliveryEnv {
    pub vars: std::collections::BTreeMap<String, String>,
    /// The first pause between webhook attempts; doubled after each.
    pub backoff: Duration,
}

impl DeliveryEnv {
    pub fn new(env: &Env) -> DeliveryEnv {
        DeliveryEnv {
            vars: env.vars.clone(),
            backoff: Duration::from_secs(1),
        }
    }
}

/// How to reach an SMTP server.
struct Smtp<'a> {
    server: &'a str,
    port: Option<u16>,
    security: Security,
    username: Option<&'a str>,
    password: &'a Password,
    ca_file: Option<&'a std::path::Path>,
    timeout: i64,
}

impl Smtp<'_> {
    fn transport(&self, env: &DeliveryEnv) -> Result<lettre::SmtpTransport> {
        use lettre::SmtpTransport;
        use lettre::transport::smtp::authentication::Credentials;
        use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};

        let server = self.server;
        let mut builder = match (self.security, self.ca_file) {
            (Security::None, _) => SmtpTransport::builder_dangerous(server),
            (Security::Starttls, None) => SmtpTransport::starttls_relay(server)?,
            (Security::Tls, None) => SmtpTransport::relay(server)?,
            (security, Some(path)) => {
                let pem = std::fs::read(path)
                    .with_context(|| format!("cannot read ca_file '{}'", path.display()))?;
                let tls = TlsParameters::builder(server.to_string())
                    .add_root_certificate(Certificate::from_pem(&pem).map_err(|e| {
                        anyhow!("ca_file '{}' is not a PEM certificate: {e}", path.display())
                    })?)
                    .build_rustls()?;
                let (tls, port) = if security == Security::Tls {
                    (Tls::Wrapper(tls), 465)
                } else {
                    (Tls::Required(tls), 587)
                };
                SmtpTransport::builder_dangerous(server).tls(tls).port(port)
            }
        };
        if let Some(port) = self.port {
            builder = builder.port(port);
        }
        if let Some(user) = self.username {
            let secret = self
                .password
                .read("SMTP password", &env.vars)?
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.to_string(), secret));
        }
        Ok(builder
            .timeout(Some(Duration::from_secs(self.timeout as u64)))
            .build())
    }
}

/// The longest text message a gateway passes whole, subject and body together.
const SMS_LENGTH: usize = 160;

/// An email-to-SMS gateway's message: a short subject ("FIRING disk-full", "5 alerts") and
/// one line of what happened, together at most 160 characters, cut with "..." (plain ASCII,
/// which every phone shows).
fn sms_text(payload: &Value) -> (String, String) {
    let group = field(payload, "event") == "group";
    let subject = if group {
        let n = payload["alerts"].as_array().map_or(0, Vec::len);
        format!("{n} alerts")
    } else {
        format!(
            "{} {}",
            field(payload, "event").to_uppercase(),
            field(payload, "rule")
        )
    };
    let text = if group {
        format!("{} on {}", field(payload, "counts"), field(payload, "host"))
    } else {
        format!("{}: {}", field(payload, "host"), field(payload, "message"))
    };
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let room = SMS_LENGTH.saturating_sub(subject.chars().count() + 1);
    let body = if line.chars().count() <= room {
        line
    } else {
        let mut cut: String = line.chars().take(room.saturating_sub(3)).collect();
        cut.push_str("...");
        cut
    };
    (subject, body)
}

fn email(
    smtp: &Smtp,
    from: &str,
    to: &[String],
    payload: &Value,
    sms: bool,
    env: &DeliveryEnv,
) -> Result<()> {
    use lettre::message::{Mailbox, header::ContentType};
    use lettre::{Message, Transport};

    let (subject, body) = if sms {
        sms_text(payload)
    } else {
        full_text(payload)
    };
    let mut message = Message::builder()
        .from(from.parse::<Mailbox>()?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN);
    for address in to {
        message = message.to(address.parse::<Mailbox>()?);
    }
    let message = message.body(body)?;
    let transport = smtp.transport(env)?;
    let shown = format!(
        "{}:{}",
        smtp.server,
        smtp.port.map_or("default port".into(), |p| p.to_string())
    );
    transport.send(&message).map(|_| ()).map_err(|e| {
        let text = e.to_string();
        let io = io_kind(&e);
        // A read that timed out surfaces as EAGAIN (os error 11), not as a timeout; a refused
        // connection (os error 111) is its own answer, with no TLS hint.
        let timed_out = e.is_timeout()
            || matches!(io, Some(std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut));
        if io == Some(std::io::ErrorKind::ConnectionRefused) {
            return anyhow!(
                "SMTP server {shown}: the connection was refused (is a mail server listening on that port?)"
            );
        }
        // The usual mistake: the security mode of the other port.
        let hint = match smtp.security {
            Security::Tls if text.contains("InvalidContentType") => {
                " (the server does not speak TLS from the start: on port 587 or 25 use security = \"starttls\")"
            }
            Security::Starttls | Security::None if timed_out => {
                " (if the server expects TLS from the first byte, as on port 465, use security = \"tls\")"
            }
            _ => "",
        };
        let why = if timed_out {
            format!("no answer within {}s", smtp.timeout)
        } else {
            text
        };
        anyhow!("SMTP server {shown}: {why}{hint}")
    })
}

/// A mail's subject and body: the headline, the message and every field.
fn full_text(payload: &Value) -> (String, String) {
    let group = field(payload, "event") == "group";
    let subject = if group {
        format!(
            "[usage] {} on {}",
            headline(payload),
            field(payload, "host")
        )
    } else {
        format!(
            "[usage] {} {} {} on {}",
            field(payload, "event").to_uppercase(),
            field(payload, "severity"),
            field(payload, "rule"),
            field(payload, "host")
        )
    };
    let body = if group {
        format!(
            "{}\n\nhost:      {}\n",
            field(payload, "message"),
            field(payload, "host")
        )
    } else {
        format!(
            "{}\n\nrule:      {}\nsubject:   {}\nhost:      {}\nevent:     {}\nseverity:  {}\nvalue:     {}\nwhen:      {}\nsince:     {}\ntime:      {}\n",
            field(payload, "message"),
            field(payload, "rule"),
            field(payload, "subject"),
            field(payload, "host"),
            field(payload, "event"),
            field(payload, "severity"),
            payload
                .get("value")
                .map(Value::to_string)
                .unwrap_or_default(),
            field(payload, "when"),
            field(payload, "since"),
            field(payload, "time"),
        )
    };
    (subject, body)
}

/// The kind of the I/O error behind `e`, if one is.
fn io_kind(e: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cause = c.source();
    }
    None
}

/// The longest a 429's Retry-After is waited for within one run.
const MAX_RETRY_AFTER: u64 = 30;

/// How an HTTP channel sends: seconds per attempt, attempts after the first, and a CA of its
/// own.
struct Http<'a> {
    timeout: i64,
    retries: u32,
    ca_file: Option<&'a std::path::Path>,
}

/// The certificates of a PEM file, to trust instead of the public roots.
fn roots(path: &std::path::Path) -> Result<ureq::tls::RootCerts> {
    let pem =
        std::fs::read(path).with_context(|| format!("cannot read ca_file '{}'", path.display()))?;
    let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        bail!(
            "ca_file '{}' holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)",
            path.display()
        );
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

/// POSTs `request`, trying again `retries` times with a pause that doubles (a 429's
/// Retry-After instead, up to 30 s); `judge` reads the answer's status and body.
fn post(
    what: &str,
    request: &Request,
    http: &Http,
    env: &DeliveryEnv,
    judge: &dyn Fn(u16, &str) -> Result<(), String>,
) -> Result<()> {
    let Http {
        timeout, retries, ..
    } = *http;
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(timeout as u64)))
        .user_agent(concat!("usage-alert/", env!("CARGO_PKG_VERSION")))
        .http_status_as_error(false);
    if let Some(path) = http.ca_file {
        config = config.tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(roots(path)?)
                .build(),
        );
    }
    let agent: ureq::Agent = config.build().into();
    let url = &request.url;
    let mut pause = env.backoff;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut call = match request.method {
            "PUT" => agent.put(url),
            "PATCH" => agent.patch(url),
            _ => agent.post(url),
        }
        .header("Content-Type", &request.content_type);
        for (name, value) in &request.headers {
            call = call.header(name, value);
        }
        let mut wait = pause;
        let error = match call.send(request.body.as_str()) {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(64 * 1024)
                    .read_to_string()
                    .unwrap_or_default();
                match judge(status, &body) {
                    Ok(()) => return Ok(()),
                    Err(e) => {
                        if status == 429
                            && let Some(secs) = response
                                .headers()
                                .get("retry-after")
                                .and_then(|v| v.to_str().ok())
                                .and_then(|v| v.trim().parse::<u64>().ok())
                        {
                            wait = Duration::from_secs(secs.min(MAX_RETRY_AFTER));
                        }
                        e
                    }
                }
            }
            Err(ureq::Error::Timeout(_)) => format!("no answer within {timeout}s"),
            Err(e) => {
                let text = e.to_string();
                if text.contains("UnknownIssuer") && http.ca_file.is_none() {
                    format!(
                        "{text} (signed by a CA of your own? name its certificate with ca_file = \"/etc/ssl/certs/your-ca.pem\")"
                    )
                } else {
                    text
                }
            }
        };
        if attempt > retries {
            bail!(
                "{what} {}: {error} ({})",
                visible_url(url),
                crate::render::counted(attempt, "attempt")
            );
        }
        std::thread::sleep(wait);
        pause *= 2;
    }
}

fn exec(command: &[String], timeout: i64, payload: &Value) -> Result<()> {
    let program = &command[0];
    let mut cmd = Command::new(program);
    cmd.args(&command[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for key in [
        "rule", "subject", "host", "event", "severity", "metric", "when", "since", "time",
        "message",
    ] {
        cmd.env(
            format!("USAGE_ALERT_{}", key.to_uppercase()),
            field(payload, key),
        );
    }
    for key in ["value", "threshold"] {
        let v = payload
            .get(key)
            .filter(|v| !v.is_null())
            .map(Value::to_string);
        cmd.env(
            format!("USAGE_ALERT_{}", key.to_uppercase()),
            v.unwrap_or_default(),
        );
    }
    cmd.env("USAGE_ALERT_JSON", payload.to_string());
    let mut child = cmd
        .spawn()
        .map_err(|e| anyhow!("cannot run '{program}': {e}"))?;
    // Drained as it comes, so a program that writes more than a pipe holds is not blocked (and
    // then killed as a timeout); only the last few KiB are kept, for the message.
    let drain = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            const KEPT: usize = 4096;
            let mut tail: Vec<u8> = Vec::new();
            let mut chunk = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&chunk[..n]);
                if tail.len() > 2 * KEPT {
                    tail.drain(..tail.len() - KEPT);
                }
            }
            String::from_utf8_lossy(&tail).into_owned()
        })
    });
    let deadline = Instant::now() + Duration::from_secs(timeout as u64);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("'{program}' did not finish within {timeout}s and was killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    if status.success() {
        return Ok(());
    }
    // A grandchild may hold the pipe open: wait for the tail briefly, not for it.
    let stderr = drain
        .and_then(|handle| {
            let until = Instant::now() + Duration::from_secs(1);
            while !handle.is_finished() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(5));
            }
            handle.is_finished().then(|| handle.join().ok()).flatten()
        })
        .unwrap_or_default();
    let said = stderr.lines().last().unwrap_or("").trim();
    bail!(
        "'{program}' failed ({status}){}",
        if said.is_empty() {
            String::new()
        } else {
            format!(": {said}")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::config::Group;
    use crate::alert::rule::Severity;

    #[test]
    fn an_sms_is_a_short_subject_and_one_line_of_160_characters_at_most() {
        let one = json!({
            "event": "firing", "rule": "disk-full", "host": "box",
            "message": "disk_used_percent{mount=\"/\"} is 95.0%\n(> 90.0%)",
        });
        assert_eq!(
            sms_text(&one),
            (
                "FIRING disk-full".to_string(),
                "box: disk_used_percent{mount=\"/\"} is 95.0% (> 90.0%)".to_string()
            )
        );
        let long =
            json!({"event": "resolved", "rule": "r", "host": "box", "message": "x ".repeat(200)});
        let (subject, body) = sms_text(&long);
        assert_eq!(subject, "RESOLVED r");
        assert_eq!(subject.len() + 1 + body.len(), 160);
        assert!(body.ends_with("x...") || body.ends_with(" ..."), "{body}");
        let group = json!({"event": "group", "host": "box", "counts": "1 critical, 4 warning",
            "alerts": [{}, {}, {}, {}, {}]});
        assert_eq!(
            sms_text(&group),
            (
                "5 alerts".to_string(),
                "1 critical, 4 warning on box".to_string()
            )
        );
    }

    #[test]
    fn a_log_past_its_size_is_rotated_and_only_keep_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alerts.jsonl");
        let channel = Channel {
            name: "journal".into(),
            kind: Kind::Log {
                path: path.clone(),
                max_size: Some(1000),
                keep: 2,
            },
            min_severity: Severity::Info,
            rules: Vec::new(),
            group: Group::None,
        };
        let env = DeliveryEnv {
            vars: Default::default(),
            backoff: Duration::from_millis(1),
        };
        for i in 0..40 {
            let p = json!({"n": i, "pad": "x".repeat(200)});
            deliver(&channel, &p, &env).unwrap();
        }
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
        for name in ["alerts.jsonl", "alerts.jsonl.1", "alerts.jsonl.2"] {
            let text = read(name);
            assert!(
                !text.is_empty() && text.len() <= 1000,
                "{name}: {}",
                text.len()
            );
            assert!(
                text.lines()
                    .all(|l| serde_json::from_str::<Value>(l).is_ok())
            );
        }
        assert!(!dir.path().join("alerts.jsonl.3").exists());
        // The newest notifications are in the live file, the one before in .1.
        assert!(
            read("alerts.jsonl")
                .lines()
                .last()
                .unwrap()
                .contains("\"n\":39")
        );
        let last_of_1: Value =
            serde_json::from_str(read("alerts.jsonl.1").lines().last().unwrap()).unwrap();
        let first_live: Value =
            serde_json::from_str(read("alerts.jsonl").lines().next().unwrap()).unwrap();
        assert_eq!(
            last_of_1["n"].as_i64().unwrap() + 1,
            first_live["n"].as_i64().unwrap()
        );
    }
}
