//! A webhook's own request: a body, form fields and headers written with `{{name}}`
//! placeholders that are filled in from the notification, each escaped for where it lands
//! (inside a JSON string, a form field, a header line), so that no value can end a string,
//! add a field or start a header of its own.

use serde_json::{Value, json};

use super::secret::Password;
use super::services::Request;

/// The placeholders a template may use: the notification's fields, and `headline`,
/// `details` (as the chat services show them), `json` (the whole document, as JSON) and
/// `token` (the channel's secret).
pub const NAMES: &[&str] = &[
    "host",
    "rule",
    "subject",
    "event",
    "severity",
    "metric",
    "value",
    "threshold",
    "when",
    "since",
    "time",
    "message",
    "headline",
    "details",
    "json",
    "token",
];

/// A webhook's request as configured.
#[derive(Debug, Clone)]
pub struct Hook {
    /// POST, PUT or PATCH.
    pub method: &'static str,
    pub headers: Vec<(String, Template)>,
    pub body: Body,
    /// The secret `{{token}}` stands for.
    pub token: Password,
    /// Basic authentication: the username and where its password is.
    pub basic: Option<(String, Password)>,
}

#[derive(Debug, Clone)]
pub enum Body {
    /// The JSON document (version 1), as it is.
    Document,
    /// A template, sent as `content_type`; escaped as JSON when that is a JSON type.
    Text {
        template: Template,
        content_type: String,
    },
    /// Form fields, each a template, sent as application/x-www-form-urlencoded.
    Form(Vec<(String, Template)>),
}

impl Hook {
    /// Whether a header, the body or a form field uses the placeholder `name`.
    pub fn uses(&self, name: &str) -> bool {
        self.headers.iter().any(|(_, t)| t.uses(name))
            || match &self.body {
                Body::Document => false,
                Body::Text { template, .. } => template.uses(name),
                Body::Form(fields) => fields.iter().any(|(_, t)| t.uses(name)),
            }
    }

    /// The request that delivers notification `p` to `url`, with the token and the basic
    /// authentication's password as read for this delivery.
    pub fn request(&self, url: &str, p: &Value, token: &str, password: Option<&str>) -> Request {
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(name, t)| (name.clone(), t.render(p, token, Escape::Header)))
            .collect();
        if let Some((user, _)) = &self.basic {
            let pair = format!("{user}:{}", password.unwrap_or_default());
            headers.push((
                "Authorization".into(),
                format!("Basic {}", super::services::base64(pair.as_bytes())),
            ));
        }
        let (content_type, body) = match &self.body {
            Body::Document => ("application/json".to_string(), p.to_string()),
            Body::Text {
                template,
                content_type,
            } => {
                let escape = if is_json(content_type) {
                    Escape::Json
                } else {
                    Escape::Text
                };
                (content_type.clone(), template.render(p, token, escape))
            }
            Body::Form(fields) => {
                let pairs: Vec<String> = fields
                    .iter()
                    .map(|(name, t)| {
                        format!(
                            "{}={}",
                            super::services::percent(name),
                            t.render(p, token, Escape::Form)
                        )
                    })
                    .collect();
                (
                    "application/x-www-form-urlencoded".to_string(),
                    pairs.join("&"),
                )
            }
        };
        Request {
            method: self.method,
            url: url.to_string(),
            headers,
            content_type,
            body,
        }
    }
}

/// Whether a content type is JSON (application/json, application/vnd.api+json, ...).
pub fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
}

/// A character a header name may hold (RFC 9110's token).
pub fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Whether a URL's host is this machine (plain http there crosses no network).
pub fn is_loopback(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or_default();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A notification with every field set, to try a template on when it is read.
pub fn sample() -> Value {
    json!({
        "version": 1,
        "host": "host",
        "rule": "rule",
        "subject": "subject",
        "labels": {},
        "event": "firing",
        "severity": "warning",
        "metric": "cpu_percent",
        "value": 1.5,
        "threshold": 1.0,
        "resolve_threshold": null,
        "when": "cpu_percent > 1",
        "since": "2026-01-01T00:00:00Z",
        "time": "2026-01-01T00:00:00Z",
        "message": "message \"quoted\"\nand a line",
        "silenced": false,
    })
}

/// How a filled-in value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Inside a JSON document: a string's contents escaped as JSON (the template writes the
    /// quotes); numbers, `null` and `json` as JSON.
    Json,
    /// A field of an `application/x-www-form-urlencoded` body: percent-encoded.
    Form,
    /// A header's value: line breaks and other control characters become spaces.
    Header,
    /// Plain text: as it is.
    Text,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Field(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Reads `text`; an unknown or unclosed placeholder is an error naming it and the
    /// accepted ones.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 2..];
            let close = after.find("}}").ok_or_else(|| {
                format!(
                    "'{{{{' at character {} is not closed by '}}}}'",
                    text.len() - rest.len() + open + 1
                )
            })?;
            let name = after[..close].trim();
            let known = NAMES.iter().find(|n| **n == name).ok_or_else(|| {
                let all: Vec<String> = NAMES.iter().map(|n| format!("{{{{{n}}}}}")).collect();
                format!(
                    "'{{{{{name}}}}}' is not a placeholder (expected {})",
                    all.join(", ")
                )
            })?;
            parts.push(Part::Field(known));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    pub fn uses(&self, name: &str) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Field(n) if *n == name))
    }

    /// The template filled in from notification `p` (with the channel's `token`).
    pub fn render(&self, p: &Value, token: &str, escape: Escape) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(name) => out.push_str(&fill(name, p, token, escape)),
            }
        }
        out
    }
}

fn fill(name: &str, p: &Value, token: &str, escape: Escape) -> String {
    let value = match name {
        "json" => {
            let doc = p.to_string();
            return match escape {
                Escape::Json => doc,
                _ => write(&doc, escape),
            };
        }
        "headline" => Value::String(super::services::headline(p)),
        "details" => Value::String(super::services::details(p)),
        "token" => Value::String(token.to_string()),
        _ => p.get(name).cloned().unwrap_or(Value::Null),
    };
    match (&value, escape) {
        (Value::String(s), _) => write(s, escape),
        (Value::Null, Escape::Json) => "null".into(),
        (Value::Null, _) => String::new(),
        (other, _) => other.to_string(),
    }
}

fn write(text: &str, escape: Escape) -> String {
    match escape {
        Escape::Json => {
            let quoted = Value::String(text.to_string()).to_string();
            quoted[1..quoted.len() - 1].to_string()
        }
        Escape::Form => super::services::percent(text),
        Escape::Header => text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
        Escape::Text => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "host": "box",
            "rule": "disk",
            "subject": "/srv \"data\"",
            "event": "firing",
            "severity": "warning",
            "metric": "disk_used_percent",
            "value": 95.5,
            "threshold": 90.0,
            "when": "disk_used_percent > 90",
            "since": "2026-12-01T10:00:00Z",
            "time": "2026-12-01T10:05:00Z",
            "message": "line one\nline two\r\nX-Evil: yes",
        })
    }

    #[test]
    fn placeholders_are_filled_in_escaped_for_where_they_land() {
        let t = Template::parse(
            r#"{"text": "{{ rule }} on {{subject}}: {{message}}", "v": {{value}}, "none": {{metric_x}}"#,
        );
        assert_eq!(
            t.unwrap_err(),
            "'{{metric_x}}' is not a placeholder (expected {{host}}, {{rule}}, {{subject}}, {{event}}, {{severity}}, {{metric}}, {{value}}, {{threshold}}, {{when}}, {{since}}, {{time}}, {{message}}, {{headline}}, {{details}}, {{json}}, {{token}})"
        );
        let t = Template::parse(
            r#"{"text": "{{ rule }} on {{subject}}: {{message}}", "v": {{value}}, "doc": {{json}}}"#,
        )
        .unwrap();
        let body = t.render(&doc(), "", Escape::Json);
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(
            v["text"],
            "disk on /srv \"data\": line one\nline two\r\nX-Evil: yes"
        );
        assert_eq!(v["v"], 95.5);
        assert_eq!(v["doc"]["host"], "box");
        // A form field is percent-encoded: no value adds a field.
        let f = Template::parse("{{subject}}&x={{token}}").unwrap();
        assert_eq!(
            f.render(&doc(), "a&b=c", Escape::Form),
            "%2Fsrv%20%22data%22&x=a%26b%3Dc"
        );
        // A header never gets a line break, so a value cannot start a header of its own.
        let h = Template::parse("Bearer {{token}} {{message}}").unwrap();
        assert_eq!(
            h.render(&doc(), "t0k", Escape::Header),
            "Bearer t0k line one line two  X-Evil: yes"
        );
        assert!(h.uses("token") && !h.uses("rule"));
        // A missing value is null in JSON, empty elsewhere.
        let n = Template::parse("[{{value}}]").unwrap();
        assert_eq!(n.render(&json!({}), "", Escape::Json), "[null]");
        assert_eq!(n.render(&json!({}), "", Escape::Text), "[]");
        assert_eq!(
            Template::parse("ab {{rule").unwrap_err(),
            "'{{' at character 4 is not closed by '}}'"
        );
        assert_eq!(
            Template::parse("plain")
                .unwrap()
                .render(&doc(), "", Escape::Json),
            "plain"
        );
    }
}
