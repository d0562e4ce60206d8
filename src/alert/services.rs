//! The notification services people use, each spoken to as it documents: chat (Slack,
//! Mattermost, Rocket.Chat, Discord, Microsoft Teams), push (ntfy, Gotify) and paging
//! (PagerDuty). Each turns our notification (the JSON document `notify::payload` makes) into
//! the one HTTP request the service takes, and judges its answer.

use serde_json::{Value, json};

/// A service a channel delivers to (`type = "..."` of `[alert.channel.NAME]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Slack,
    Mattermost,
    RocketChat,
    Discord,
    Teams,
    Ntfy,
    Gotify,
    PagerDuty,
}

/// Where PagerDuty's Events API v2 takes events.
const PAGERDUTY_URL: &str = "https://events.pagerduty.com/v2/enqueue";

impl Service {
    pub const ALL: [Service; 8] = [
        Service::Slack,
        Service::Mattermost,
        Service::RocketChat,
        Service::Discord,
        Service::Teams,
        Service::Ntfy,
        Service::Gotify,
        Service::PagerDuty,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Service::Slack => "slack",
            Service::Mattermost => "mattermost",
            Service::RocketChat => "rocketchat",
            Service::Discord => "discord",
            Service::Teams => "teams",
            Service::Ntfy => "ntfy",
            Service::Gotify => "gotify",
            Service::PagerDuty => "pagerduty",
        }
    }

    pub fn parse(text: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.name() == text)
    }

    /// The URL used when the channel gives none; `None`: the channel must give one.
    pub fn default_url(self) -> Option<&'static str> {
        match self {
            Service::PagerDuty => Some(PAGERDUTY_URL),
            _ => None,
        }
    }

    /// Whether the channel needs a token (token_file or token_env), may have one, or takes
    /// none (the webhook URL is the secret).
    pub fn token(self) -> Token {
        match self {
            Service::Gotify | Service::PagerDuty => Token::Needed,
            Service::Ntfy => Token::Optional,
            _ => Token::None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Needed,
    Optional,
    None,
}

/// One HTTP request to a service.
#[derive(Debug, PartialEq)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub content_type: &'static str,
    pub body: String,
}

fn field<'a>(p: &'a Value, key: &str) -> &'a str {
    p.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The colour people read a severity by (the HTML report's: red, amber, blue), and green for
/// a resolved alert.
fn colour(p: &Value) -> u32 {
    if field(p, "event") == "resolved" {
        return 0x1a7f37;
    }
    match field(p, "severity") {
        "critical" => 0xcf222e,
        "warning" => 0x9a6700,
        _ => 0x0969da,
    }
}

/// The first `max` characters of `text`, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Slack's mrkdwn and Mattermost's markdown treat &, < and > as markup.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The lines under the headline: host, subject, value, since, time.
fn details(p: &Value) -> String {
    let mut lines = vec![format!("host: {}", field(p, "host"))];
    if !field(p, "subject").is_empty() {
        lines.push(format!("subject: {}", field(p, "subject")));
    }
    if !field(p, "when").is_empty() {
        lines.push(format!("rule: {} ({})", field(p, "rule"), field(p, "when")));
    }
    lines.push(format!("since: {}", field(p, "since")));
    lines.join("\n")
}

/// PagerDuty's incident key for an alert: one incident per alert, so our resolved closes it.
pub fn dedup_key(p: &Value) -> String {
    format!(
        "usage/{}/{}/{}",
        field(p, "host"),
        field(p, "rule"),
        field(p, "subject")
    )
}

/// The request that delivers notification `p` to `service` at `url`.
pub fn request(service: Service, url: &str, token: Option<&str>, p: &Value) -> Request {
    let headline = super::notify::headline(p);
    let json = |body: Value| Request {
        url: url.to_string(),
        headers: Vec::new(),
        content_type: "application/json",
        body: body.to_string(),
    };
    let hex = format!("#{:06x}", colour(p));
    match service {
        Service::Slack => json(json!({
            "text": slack_escape(&headline),
            "attachments": [{
                "color": hex,
                "blocks": [{
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": clip(&slack_escape(&details(p)), 3000)},
                }],
            }],
        })),
        Service::Mattermost | Service::RocketChat => json(json!({
            "text": slack_escape(&headline),
            "attachments": [{
                "color": hex,
                "fallback": headline,
                "text": slack_escape(&details(p)),
            }],
        })),
        Service::Discord => json(json!({
            "content": clip(&headline, 2000),
            "allowed_mentions": {"parse": []},
            "embeds": [{
                "title": clip(&format!("{} {}", field(p, "event"), field(p, "rule")), 256),
                "description": clip(&details(p), 4096),
                "color": colour(p),
                "timestamp": field(p, "time"),
            }],
        })),
        Service::Teams => json(json!({
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": headline,
                            "weight": "Bolder",
                            "wrap": true,
                            "color": match (field(p, "event"), field(p, "severity")) {
                                ("resolved", _) => "Good",
                                (_, "critical") => "Attention",
                                (_, "warning") => "Warning",
                                _ => "Default",
                            },
                        },
                        {"type": "TextBlock", "text": details(p), "wrap": true},
                    ],
                },
            }],
        })),
        Service::Ntfy => {
            // ntfy's priorities: 5 max/urgent, 4 high, 3 default; tags become emoji.
            let (priority, tag) = match (field(p, "event"), field(p, "severity")) {
                ("resolved", _) => ("3", "white_check_mark"),
                (_, "critical") => ("5", "rotating_light"),
                (_, "warning") => ("4", "warning"),
                _ => ("3", "information_source"),
            };
            let mut headers = vec![
                ("Title", header_safe(&headline)),
                ("Priority", priority.to_string()),
                ("Tags", tag.to_string()),
            ];
            if let Some(t) = token {
                headers.push(("Authorization", format!("Bearer {t}")));
            }
            Request {
                url: url.to_string(),
                headers,
                content_type: "text/plain; charset=utf-8",
                body: format!("{}\n{}", field(p, "message"), details(p)),
            }
        }
        Service::Gotify => {
            let priority = match (field(p, "event"), field(p, "severity")) {
                ("resolved", _) => 4,
                (_, "critical") => 8,
                (_, "warning") => 5,
                _ => 2,
            };
            let mut r = json(json!({
                "title": headline,
                "message": format!("{}\n{}", field(p, "message"), details(p)),
                "priority": priority,
            }));
            r.url = format!("{}/message", url.trim_end_matches('/'));
            if let Some(t) = token {
                r.headers.push(("X-Gotify-Key", t.to_string()));
            }
            r
        }
        Service::PagerDuty => {
            let key = token.unwrap_or_default();
            if field(p, "event") == "resolved" {
                return json(json!({
                    "routing_key": key,
                    "event_action": "resolve",
                    "dedup_key": dedup_key(p),
                }));
            }
            json(json!({
                "routing_key": key,
                "event_action": "trigger",
                "dedup_key": dedup_key(p),
                "payload": {
                    "summary": clip(&headline, 1024),
                    "source": field(p, "host"),
                    "severity": match field(p, "severity") {
                        "critical" => "critical",
                        "warning" => "warning",
                        _ => "info",
                    },
                    "timestamp": field(p, "time"),
                    "component": field(p, "subject"),
                    "group": field(p, "rule"),
                    "class": field(p, "metric"),
                    "custom_details": p,
                },
            }))
        }
    }
}

/// A header value: one line of printable text, which HTTP allows.
fn header_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Whether the service took the notification, from its answer's status and body: `Err` says
/// why not, in the service's words.
pub fn accepted(service: Service, status: u16, body: &str) -> Result<(), String> {
    let said = || {
        let text = body.trim();
        if text.is_empty() {
            String::new()
        } else {
            format!(": {}", clip(&crate::render::visible(text), 200))
        }
    };
    if !(200..300).contains(&status) {
        return Err(format!("HTTP status {status}{}", said()));
    }
    match service {
        // Slack answers 200 "ok"; anything else is its error code.
        Service::Slack if body.trim() != "ok" => Err(format!("Slack answered{}", said())),
        Service::PagerDuty => {
            let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
            if v["status"] == "success" {
                Ok(())
            } else {
                Err(format!("PagerDuty answered{}", said()))
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(event: &str, severity: &str) -> Value {
        json!({
            "version": 1, "host": "box", "rule": "disk-full", "subject": "/home",
            "labels": {"mount": "/home"}, "event": event, "severity": severity,
            "metric": "disk_used_percent", "value": 93.5, "threshold": 90.0,
            "when": "disk_used_percent > 90", "since": "2026-12-01T10:00:00+00:00",
            "time": "2026-12-01T10:05:00+00:00", "message": "/home is 93.5% <full> & rising",
            "silenced": false,
        })
    }

    #[test]
    fn slack_gets_text_and_a_coloured_block_with_markup_escaped() {
        let r = request(
            Service::Slack,
            "http://h/x",
            None,
            &payload("firing", "critical"),
        );
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            v["text"],
            "FIRING critical disk-full: /home is 93.5% &lt;full&gt; &amp; rising"
        );
        assert_eq!(v["attachments"][0]["color"], "#cf222e");
        assert_eq!(v["attachments"][0]["blocks"][0]["text"]["type"], "mrkdwn");
        assert_eq!(r.content_type, "application/json");
    }

    #[test]
    fn pagerduty_triggers_and_resolves_one_incident_per_alert() {
        let fire = request(
            Service::PagerDuty,
            PAGERDUTY_URL,
            Some("KEY"),
            &payload("firing", "warning"),
        );
        let v: Value = serde_json::from_str(&fire.body).unwrap();
        assert_eq!(v["event_action"], "trigger");
        assert_eq!(v["routing_key"], "KEY");
        assert_eq!(v["dedup_key"], "usage/box/disk-full//home");
        assert_eq!(v["payload"]["severity"], "warning");
        assert_eq!(v["payload"]["source"], "box");
        let resolve = request(
            Service::PagerDuty,
            PAGERDUTY_URL,
            Some("KEY"),
            &payload("resolved", "warning"),
        );
        let v: Value = serde_json::from_str(&resolve.body).unwrap();
        assert_eq!(v["event_action"], "resolve");
        assert_eq!(v["dedup_key"], "usage/box/disk-full//home");
        assert!(v.get("payload").is_none());
        assert_eq!(
            accepted(
                Service::PagerDuty,
                202,
                r#"{"status":"success","dedup_key":"x"}"#
            ),
            Ok(())
        );
        assert!(accepted(Service::PagerDuty, 202, "{}").is_err());
    }

    #[test]
    fn each_service_judges_its_answer() {
        assert_eq!(accepted(Service::Slack, 200, "ok"), Ok(()));
        assert_eq!(
            accepted(Service::Slack, 200, "invalid_payload"),
            Err("Slack answered: invalid_payload".into())
        );
        assert_eq!(accepted(Service::Discord, 204, ""), Ok(()));
        assert_eq!(
            accepted(
                Service::Discord,
                400,
                "{\"message\": \"Cannot send an empty message\"}"
            ),
            Err("HTTP status 400: {\"message\": \"Cannot send an empty message\"}".into())
        );
        assert_eq!(
            accepted(Service::Ntfy, 500, "\u{1b}[2J"),
            Err("HTTP status 500: \\u{1b}[2J".into())
        );
    }

    #[test]
    fn discord_content_is_clipped_and_mentions_are_off() {
        let mut p = payload("firing", "info");
        p["message"] = json!("@everyone ".repeat(300));
        let r = request(Service::Discord, "http://h/x", None, &p);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["content"].as_str().unwrap().chars().count(), 2000);
        assert_eq!(v["allowed_mentions"]["parse"], json!([]));
        assert_eq!(v["embeds"][0]["color"], 0x0969da);
        let ntfy = request(
            Service::Ntfy,
            "http://h/t",
            Some("tk"),
            &payload("resolved", "x"),
        );
        assert!(ntfy.headers.contains(&("Priority", "3".into())));
        assert!(
            ntfy.headers
                .contains(&("Authorization", "Bearer tk".into()))
        );
        let gotify = request(
            Service::Gotify,
            "http://h/",
            Some("tk"),
            &payload("firing", "critical"),
        );
        assert_eq!(gotify.url, "http://h/message");
    }
}
