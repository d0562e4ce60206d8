//! The notification services people use, each spoken to as it documents: chat (Slack,
//! Mattermost, Rocket.Chat, Discord, Microsoft Teams, Matrix, Telegram), push (ntfy, Gotify,
//! Pushover), paging (PagerDuty, Opsgenie) and SMS (Twilio). Each turns our notification (the
//! JSON document `notify::payload` makes) into the HTTP requests the service takes, and judges
//! its answer.

use serde_json::{Value, json};

/// A service a channel delivers to (`type = "..."` of `[alert.channel.NAME]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Slack,
    Mattermost,
    RocketChat,
    Discord,
    Teams,
    Matrix,
    Telegram,
    Ntfy,
    Gotify,
    Pushover,
    PagerDuty,
    Opsgenie,
    Twilio,
}

/// Where PagerDuty's Events API v2 takes events.
const PAGERDUTY_URL: &str = "https://events.pagerduty.com/v2/enqueue";

impl Service {
    pub const ALL: [Service; 13] = [
        Service::Slack,
        Service::Mattermost,
        Service::RocketChat,
        Service::Discord,
        Service::Teams,
        Service::Matrix,
        Service::Telegram,
        Service::Ntfy,
        Service::Gotify,
        Service::Pushover,
        Service::PagerDuty,
        Service::Opsgenie,
        Service::Twilio,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Service::Slack => "slack",
            Service::Mattermost => "mattermost",
            Service::RocketChat => "rocketchat",
            Service::Discord => "discord",
            Service::Teams => "teams",
            Service::Matrix => "matrix",
            Service::Telegram => "telegram",
            Service::Ntfy => "ntfy",
            Service::Gotify => "gotify",
            Service::Pushover => "pushover",
            Service::PagerDuty => "pagerduty",
            Service::Opsgenie => "opsgenie",
            Service::Twilio => "twilio",
        }
    }

    pub fn parse(text: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.name() == text)
    }

    /// The URL used when the channel gives none; `None`: the channel must give one.
    pub fn default_url(self) -> Option<&'static str> {
        match self {
            Service::PagerDuty => Some(PAGERDUTY_URL),
            Service::Telegram => Some("https://api.telegram.org"),
            Service::Pushover => Some("https://api.pushover.net/1/messages.json"),
            Service::Opsgenie => Some("https://api.opsgenie.com"),
            Service::Twilio => Some("https://api.twilio.com"),
            _ => None,
        }
    }

    /// The keys a channel of this service takes besides type, min_severity and rules; those
    /// it must have are `needs`.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Service::Slack
            | Service::Mattermost
            | Service::RocketChat
            | Service::Discord
            | Service::Teams => &["url", "ca_file", "timeout", "retries", "group"],
            Service::Matrix => &[
                "url",
                "token_file",
                "token_env",
                "room",
                "ca_file",
                "timeout",
                "retries",
                "group",
            ],
            Service::Telegram => &[
                "url",
                "token_file",
                "token_env",
                "chat_id",
                "ca_file",
                "timeout",
                "retries",
                "group",
            ],
            Service::Ntfy | Service::Gotify => &[
                "url",
                "token_file",
                "token_env",
                "ca_file",
                "timeout",
                "retries",
                "group",
            ],
            // One incident per alert: never grouped.
            Service::PagerDuty | Service::Opsgenie => &[
                "url",
                "token_file",
                "token_env",
                "ca_file",
                "timeout",
                "retries",
            ],
            Service::Pushover => &[
                "url",
                "token_file",
                "token_env",
                "user",
                "ca_file",
                "timeout",
                "retries",
                "group",
            ],
            Service::Twilio => &[
                "url",
                "token_file",
                "token_env",
                "account_sid",
                "from",
                "to",
                "ca_file",
                "timeout",
                "retries",
                "group",
            ],
        }
    }

    /// The keys without which a channel of this service cannot deliver ("token": token_file
    /// or token_env).
    pub fn needs(self) -> &'static [&'static str] {
        match self {
            Service::Slack
            | Service::Mattermost
            | Service::RocketChat
            | Service::Discord
            | Service::Teams => &["url"],
            Service::Ntfy => &["url"],
            Service::Gotify => &["url", "token"],
            Service::Matrix => &["url", "token", "room"],
            Service::Telegram => &["token", "chat_id"],
            Service::Pushover => &["token", "user"],
            Service::PagerDuty | Service::Opsgenie => &["token"],
            Service::Twilio => &["token", "account_sid", "from", "to"],
        }
    }

    /// What the token is, for messages.
    pub fn token_is(self) -> &'static str {
        match self {
            Service::Ntfy => "the access token",
            Service::Gotify => "the application token",
            Service::Matrix => "the access token",
            Service::Telegram => "the bot token",
            Service::Pushover => "the application's API token",
            Service::PagerDuty => "the integration's routing key",
            Service::Opsgenie => "the API key",
            Service::Twilio => "the auth token",
            _ => "none",
        }
    }
}

/// Where a notification goes within a service: Telegram's chat, Matrix's room, Pushover's
/// user, Twilio's numbers and account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Address {
    pub to: Vec<String>,
    pub from: Option<String>,
    pub account: Option<String>,
}

/// One HTTP request to a service.
#[derive(Debug, PartialEq)]
pub struct Request {
    /// POST, or PUT (Matrix), or what a webhook says.
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub content_type: String,
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

/// The lines under the headline: host, subject, rule, since; for a group, one line per alert.
pub(super) fn details(p: &Value) -> String {
    if field(p, "event") == "group" {
        return format!("{}\nhost: {}", field(p, "message"), field(p, "host"));
    }
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

/// The message and its details (a group's details hold its lines already).
fn long_text(p: &Value) -> String {
    if field(p, "event") == "group" {
        details(p)
    } else {
        format!("{}\n{}", field(p, "message"), details(p))
    }
}

/// One of four values by what notification `p` says: resolved, else critical, warning,
/// anything milder.
pub fn by_state<T>(p: &Value, [resolved, critical, warning, other]: [T; 4]) -> T {
    match (field(p, "event"), field(p, "severity")) {
        ("resolved", _) => resolved,
        (_, "critical") => critical,
        (_, "warning") => warning,
        _ => other,
    }
}

/// The one-line summary channels lead with: `FIRING warning high-cpu: ...`; for a group,
/// `3 alerts (high-cpu): 1 critical, 2 warning`.
pub fn headline(p: &Value) -> String {
    if field(p, "event") == "group" {
        let n = p["alerts"].as_array().map_or(0, Vec::len);
        let rule = field(p, "rule");
        return format!(
            "{n} alerts{}: {}",
            if rule.is_empty() {
                String::new()
            } else {
                format!(" ({rule})")
            },
            field(p, "counts")
        );
    }
    format!(
        "{} {} {}: {}",
        field(p, "event").to_uppercase(),
        field(p, "severity"),
        field(p, "rule"),
        field(p, "message")
    )
}

/// A URL as an error may show it: a webhook URL's path is its secret (Slack's, Discord's,
/// Teams'), so only the scheme and host are shown.
pub fn visible_url(url: &str) -> String {
    match url.find("://").map(|i| i + 3) {
        Some(start) => {
            let end = url[start..].find('/').map_or(url.len(), |i| start + i);
            format!("{}/...", &url[..end])
        }
        None => url.to_string(),
    }
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

/// One notification on its way to one channel, with the texts every service starts from.
struct Message<'a> {
    /// The channel's URL as configured.
    url: &'a str,
    /// The same without a trailing slash, for services whose paths go below it.
    base: &'a str,
    token: &'a str,
    to: &'a Address,
    p: &'a Value,
    headline: String,
    /// The headline, then a line per detail.
    text: String,
}

impl Message<'_> {
    fn first_to(&self) -> &str {
        self.to.to.first().map_or("", String::as_str)
    }

    fn event(&self) -> &str {
        field(self.p, "event")
    }

    fn severity(&self) -> &str {
        field(self.p, "severity")
    }

    fn by_state<T>(&self, values: [T; 4]) -> T {
        by_state(self.p, values)
    }

    fn hex_colour(&self) -> String {
        format!("#{:06x}", colour(self.p))
    }
}

/// The requests that deliver notification `p` to `service` at `url` (one, or Twilio's one per
/// number).
pub fn requests(
    service: Service,
    url: &str,
    token: Option<&str>,
    to: &Address,
    p: &Value,
) -> Vec<Request> {
    let headline = headline(p);
    let m = Message {
        url,
        base: url.trim_end_matches('/'),
        token: token.unwrap_or_default(),
        to,
        p,
        text: format!("{headline}\n{}", details(p)),
        headline,
    };
    match service {
        Service::Matrix => vec![matrix(&m)],
        Service::Telegram => vec![telegram(&m)],
        Service::Pushover => vec![pushover(&m)],
        Service::Opsgenie => vec![opsgenie(&m)],
        Service::Twilio => twilio(&m),
        Service::Slack => vec![slack(&m)],
        Service::Mattermost | Service::RocketChat => vec![mattermost(&m)],
        Service::Discord => vec![discord(&m)],
        Service::Teams => vec![teams(&m)],
        Service::Ntfy => vec![ntfy(&m)],
        Service::Gotify => vec![gotify(&m)],
        Service::PagerDuty => vec![pagerduty(&m)],
    }
}

/// Matrix's client-server API: a PUT with a transaction id, so a retry is not a second message.
fn matrix(m: &Message) -> Request {
    let mut r = json_request(
        &format!(
            "{}/_matrix/client/v3/rooms/{}/send/m.room.message/{}",
            m.base,
            percent(m.first_to()),
            transaction_id(m.p)
        ),
        json!({"msgtype": "m.text", "body": m.text}),
    );
    r.method = "PUT";
    r.headers
        .push(("Authorization".into(), format!("Bearer {}", m.token)));
    r
}

fn telegram(m: &Message) -> Request {
    json_request(
        &format!("{}/bot{}/sendMessage", m.base, m.token),
        json!({
            "chat_id": m.to.to.first(),
            "text": clip(&m.text, 4096),
            "disable_web_page_preview": true,
        }),
    )
}

/// Pushover's form, with its priorities: 1 high, 0 normal, -1 quiet.
fn pushover(m: &Message) -> Request {
    form_request(
        m.url,
        &[
            ("token", m.token),
            ("user", m.first_to()),
            ("title", &clip(&m.headline, 250)),
            ("message", &clip(&details(m.p), 1024)),
            ("priority", m.by_state(["0", "1", "0", "-1"])),
            ("timestamp", &timestamp(m.p)),
        ],
    )
}

/// Opsgenie: an alert created under our dedup key as its alias, closed by that alias.
fn opsgenie(m: &Message) -> Request {
    let alias = dedup_key(m.p);
    let mut r = if m.event() == "resolved" {
        json_request(
            &format!(
                "{}/v2/alerts/{}/close?identifierType=alias",
                m.base,
                percent(&alias)
            ),
            json!({"source": field(m.p, "host"), "note": field(m.p, "message")}),
        )
    } else {
        json_request(
            &format!("{}/v2/alerts", m.base),
            json!({
                "message": clip(&m.headline, 130),
                "alias": clip(&alias, 512),
                "description": clip(&details(m.p), 15000),
                "priority": m.by_state(["P5", "P1", "P3", "P5"]),
                "source": field(m.p, "host"),
                "tags": [field(m.p, "rule"), m.severity()],
            }),
        )
    };
    r.headers
        .push(("Authorization".into(), format!("GenieKey {}", m.token)));
    r
}

/// Twilio: one SMS per number, the headline alone in at most 320 characters (two segments).
fn twilio(m: &Message) -> Vec<Request> {
    let account = m.to.account.as_deref().unwrap_or_default();
    let from = m.to.from.as_deref().unwrap_or_default();
    let body = clip(&m.headline, 320);
    let auth = format!(
        "Basic {}",
        base64(format!("{account}:{}", m.token).as_bytes())
    );
    m.to.to
        .iter()
        .map(|number| {
            let mut r = form_request(
                &format!(
                    "{}/2010-04-01/Accounts/{}/Messages.json",
                    m.base,
                    percent(account)
                ),
                &[("To", number), ("From", from), ("Body", &body)],
            );
            r.headers.push(("Authorization".into(), auth.clone()));
            r
        })
        .collect()
}

fn slack(m: &Message) -> Request {
    json_request(
        m.url,
        json!({
            "text": slack_escape(&m.headline),
            "attachments": [{
                "color": m.hex_colour(),
                "blocks": [{
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": clip(&slack_escape(&details(m.p)), 3000)},
                }],
            }],
        }),
    )
}

/// Mattermost's and Rocket.Chat's Slack-like incoming webhooks, without Slack's blocks.
fn mattermost(m: &Message) -> Request {
    json_request(
        m.url,
        json!({
            "text": slack_escape(&m.headline),
            "attachments": [{
                "color": m.hex_colour(),
                "fallback": m.headline,
                "text": slack_escape(&details(m.p)),
            }],
        }),
    )
}

/// Discord: the headline as content, the details in an embed, no mention pings anyone.
fn discord(m: &Message) -> Request {
    json_request(
        m.url,
        json!({
            "content": clip(&m.headline, 2000),
            "allowed_mentions": {"parse": []},
            "embeds": [{
                "title": clip(&format!("{} {}", m.event(), field(m.p, "rule")), 256),
                "description": clip(&details(m.p), 4096),
                "color": colour(m.p),
                "timestamp": field(m.p, "time"),
            }],
        }),
    )
}

/// Teams' workflow webhooks: an Adaptive Card, its headline coloured by state.
fn teams(m: &Message) -> Request {
    json_request(
        m.url,
        json!({
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
                            "text": m.headline,
                            "weight": "Bolder",
                            "wrap": true,
                            "color": m.by_state(["Good", "Attention", "Warning", "Default"]),
                        },
                        {"type": "TextBlock", "text": details(m.p), "wrap": true},
                    ],
                },
            }],
        }),
    )
}

/// ntfy: the text as the body, title, priority (5 urgent, 4 high, 3 default) and tags (shown as
/// emoji) as headers.
fn ntfy(m: &Message) -> Request {
    let (priority, tag) = m.by_state([
        ("3", "white_check_mark"),
        ("5", "rotating_light"),
        ("4", "warning"),
        ("3", "information_source"),
    ]);
    let mut headers = vec![
        ("Title".to_string(), header_safe(&m.headline)),
        ("Priority".to_string(), priority.to_string()),
        ("Tags".to_string(), tag.to_string()),
    ];
    if !m.token.is_empty() {
        headers.push(("Authorization".into(), format!("Bearer {}", m.token)));
    }
    Request {
        method: "POST",
        url: m.url.to_string(),
        headers,
        content_type: "text/plain; charset=utf-8".into(),
        body: long_text(m.p),
    }
}

/// Gotify: priorities 8 and up ring on Android, 4 to 7 sound, below that stay quiet.
fn gotify(m: &Message) -> Request {
    let mut r = json_request(
        &format!("{}/message", m.base),
        json!({
            "title": m.headline,
            "message": long_text(m.p),
            "priority": m.by_state([4, 8, 5, 2]),
        }),
    );
    r.headers.push(("X-Gotify-Key".into(), m.token.to_string()));
    r
}

/// PagerDuty's Events API v2: trigger and resolve one incident per alert by its dedup key.
fn pagerduty(m: &Message) -> Request {
    if m.event() == "resolved" {
        return json_request(
            m.url,
            json!({
                "routing_key": m.token,
                "event_action": "resolve",
                "dedup_key": dedup_key(m.p),
            }),
        );
    }
    json_request(
        m.url,
        json!({
            "routing_key": m.token,
            "event_action": "trigger",
            "dedup_key": dedup_key(m.p),
            "payload": {
                "summary": clip(&m.headline, 1024),
                "source": field(m.p, "host"),
                "severity": m.by_state(["info", "critical", "warning", "info"]),
                "timestamp": field(m.p, "time"),
                "component": field(m.p, "subject"),
                "group": field(m.p, "rule"),
                "class": field(m.p, "metric"),
                "custom_details": m.p,
            },
        }),
    )
}

fn json_request(url: &str, body: Value) -> Request {
    Request {
        method: "POST",
        url: url.to_string(),
        headers: Vec::new(),
        content_type: "application/json".into(),
        body: body.to_string(),
    }
}

fn form_request(url: &str, fields: &[(&str, &str)]) -> Request {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}={}", percent(k), percent(v)))
        .collect();
    Request {
        method: "POST",
        url: url.to_string(),
        headers: Vec::new(),
        content_type: "application/x-www-form-urlencoded".into(),
        body: body.join("&"),
    }
}

/// Percent-encoding of everything but unreserved characters (RFC 3986), for paths and forms.
pub(super) fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Standard base64 with padding (RFC 4648), for HTTP basic authentication.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The event's time in Unix seconds (Pushover's timestamp).
fn timestamp(p: &Value) -> String {
    chrono::DateTime::parse_from_rfc3339(field(p, "time"))
        .map(|t| t.timestamp().to_string())
        .unwrap_or_default()
}

/// Matrix's transaction id: the same notification sent twice (a retry) is one message.
fn transaction_id(p: &Value) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(
        format!(
            "{}|{}|{}",
            dedup_key(p),
            field(p, "event"),
            field(p, "time")
        )
        .as_bytes(),
    );
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
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
        Service::Telegram => {
            let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
            if v["ok"] == true {
                Ok(())
            } else {
                Err(format!("Telegram answered{}", said()))
            }
        }
        Service::Pushover => {
            let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
            if v["status"] == 1 {
                Ok(())
            } else {
                Err(format!("Pushover answered{}", said()))
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

    fn one(service: Service, url: &str, token: Option<&str>, p: &Value) -> Request {
        let mut all = requests(service, url, token, &Address::default(), p);
        assert_eq!(all.len(), 1);
        all.remove(0)
    }

    #[test]
    fn slack_gets_text_and_a_coloured_block_with_markup_escaped() {
        let r = one(
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
        let fire = one(
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
        let resolve = one(
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
        let r = one(Service::Discord, "http://h/x", None, &p);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["content"].as_str().unwrap().chars().count(), 2000);
        assert_eq!(v["allowed_mentions"]["parse"], json!([]));
        assert_eq!(v["embeds"][0]["color"], 0x0969da);
        let ntfy = one(
            Service::Ntfy,
            "http://h/t",
            Some("tk"),
            &payload("resolved", "x"),
        );
        assert!(ntfy.headers.contains(&("Priority".into(), "3".into())));
        assert!(
            ntfy.headers
                .contains(&("Authorization".into(), "Bearer tk".into()))
        );
        let gotify = one(
            Service::Gotify,
            "http://h/",
            Some("tk"),
            &payload("firing", "critical"),
        );
        assert_eq!(gotify.url, "http://h/message");
    }

    #[test]
    fn the_other_services_get_their_own_shapes() {
        let p = payload("firing", "critical");
        let to = |to: &[&str]| Address {
            to: to.iter().map(|s| s.to_string()).collect(),
            from: Some("+15550000000".into()),
            account: Some("AC123".into()),
        };
        // Matrix: PUT with the room encoded and a transaction id that a retry repeats.
        let m = requests(
            Service::Matrix,
            "https://m.org/",
            Some("tok"),
            &to(&["!room:m.org"]),
            &p,
        );
        assert_eq!(m[0].method, "PUT");
        assert!(
            m[0].url.starts_with(
                "https://m.org/_matrix/client/v3/rooms/%21room%3Am.org/send/m.room.message/"
            ),
            "{}",
            m[0].url
        );
        let again = requests(
            Service::Matrix,
            "https://m.org/",
            Some("tok"),
            &to(&["!room:m.org"]),
            &p,
        );
        assert_eq!(m[0].url, again[0].url);
        assert!(
            m[0].headers
                .contains(&("Authorization".into(), "Bearer tok".into()))
        );
        // Telegram: the bot token in the path, the chat in the body.
        let t = requests(
            Service::Telegram,
            "https://api.telegram.org",
            Some("123:ABC"),
            &to(&["-100200"]),
            &p,
        );
        assert_eq!(t[0].url, "https://api.telegram.org/bot123:ABC/sendMessage");
        assert_eq!(
            serde_json::from_str::<Value>(&t[0].body).unwrap()["chat_id"],
            "-100200"
        );
        // Pushover: a form.
        let po = requests(
            Service::Pushover,
            "https://api.pushover.net/1/messages.json",
            Some("app"),
            &to(&["usr"]),
            &p,
        );
        assert_eq!(po[0].content_type, "application/x-www-form-urlencoded");
        assert!(
            po[0]
                .body
                .starts_with("token=app&user=usr&title=FIRING%20critical%20disk-full%3A%20"),
            "{}",
            po[0].body
        );
        assert!(
            po[0].body.contains("&priority=1&timestamp=1796119500"),
            "{}",
            po[0].body
        );
        // Opsgenie: create by alias, close by alias.
        let og = requests(
            Service::Opsgenie,
            "https://api.opsgenie.com",
            Some("k"),
            &to(&[]),
            &p,
        );
        assert_eq!(og[0].url, "https://api.opsgenie.com/v2/alerts");
        assert!(
            og[0]
                .headers
                .contains(&("Authorization".into(), "GenieKey k".into()))
        );
        let close = requests(
            Service::Opsgenie,
            "https://api.opsgenie.com",
            Some("k"),
            &to(&[]),
            &payload("resolved", "critical"),
        );
        assert_eq!(
            close[0].url,
            "https://api.opsgenie.com/v2/alerts/usage%2Fbox%2Fdisk-full%2F%2Fhome/close?identifierType=alias"
        );
        // Twilio: one message per number, basic auth of the account and token.
        let tw = requests(
            Service::Twilio,
            "https://api.twilio.com",
            Some("secret"),
            &to(&["+15551", "+15552"]),
            &p,
        );
        assert_eq!(tw.len(), 2);
        assert_eq!(
            tw[1].url,
            "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
        );
        assert!(
            tw[1]
                .body
                .starts_with("To=%2B15552&From=%2B15550000000&Body=FIRING"),
            "{}",
            tw[1].body
        );
        assert!(tw[0].headers.contains(&(
            "Authorization".to_string(),
            format!("Basic {}", base64(b"AC123:secret"))
        )));
        assert_eq!(
            accepted(
                Service::Telegram,
                200,
                r#"{"ok":false,"description":"chat not found"}"#
            ),
            Err("Telegram answered: {\"ok\":false,\"description\":\"chat not found\"}".into())
        );
        assert_eq!(accepted(Service::Pushover, 200, r#"{"status":1}"#), Ok(()));
    }

    #[test]
    fn base64_and_percent_encoding_by_the_rfcs() {
        // RFC 4648's test vectors.
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
        assert_eq!(percent("a b+c/é~"), "a%20b%2Bc%2F%C3%A9~");
    }
}
