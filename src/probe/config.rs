//! `[[probe]]` in the configuration file: the endpoints usage-sample checks. Each probe is read
//! and validated on its own, so a bad one is named (`file:line:column`) and left out while the
//! others still run.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::config::{Scalar, Source};
use crate::time::parse_duration;

/// How much an outage of a probe matters: its severity starts here and rises with duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    Low,
    Normal,
    High,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
        }
    }

    fn parse(text: &str) -> Option<Priority> {
        match text {
            "low" => Some(Priority::Low),
            "normal" => Some(Priority::Normal),
            "high" => Some(Priority::High),
            _ => None,
        }
    }
}

/// What a reply must contain: a substring or a regular expression.
#[derive(Debug, Clone)]
pub enum Match {
    Text(String),
    Regex(regex::Regex),
}

impl Match {
    pub fn found_in(&self, text: &str) -> bool {
        match self {
            Match::Text(t) => text.contains(t.as_str()),
            Match::Regex(r) => r.is_match(text),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Match::Text(t) => format!("'{t}'"),
            Match::Regex(r) => format!("/{}/", r.as_str()),
        }
    }
}

/// An http:// or https:// address, split as a request needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub tls: bool,
    /// A name or an address; an IPv6 address without its brackets.
    pub host: String,
    pub port: u16,
    /// The path and query, starting with '/'.
    pub path: String,
}

impl Url {
    /// Parses `http[s]://host[:port][/path][?query]`; a fragment is dropped, as browsers do.
    pub fn parse(text: &str) -> Result<Url, String> {
        let bad = |why: &str| {
            format!(
                "'{text}' is not a URL a probe can fetch: {why} (expected http://HOST[:PORT]/PATH or https://...)"
            )
        };
        let (tls, rest) = if let Some(rest) = text.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = text.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(bad("it does not start with http:// or https://"));
        };
        let rest = rest.split('#').next().unwrap_or_default();
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        if authority.contains('@') {
            return Err(bad("user names and passwords in URLs are not sent"));
        }
        let (host, port) =
            split_host_port(authority, if tls { 443 } else { 80 }).map_err(|why| bad(&why))?;
        let path = match path {
            "" => "/".to_string(),
            p if p.starts_with('?') => format!("/{p}"),
            p => p.to_string(),
        };
        if path.chars().any(|c| c.is_control() || c == ' ') {
            return Err(bad(
                "the path holds spaces or control characters (write them as %20, ...)",
            ));
        }
        Ok(Url {
            tls,
            host,
            port,
            path,
        })
    }

    /// The Host header's value.
    pub fn authority(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match (self.tls, self.port) {
            (true, 443) | (false, 80) => host,
            _ => format!("{host}:{}", self.port),
        }
    }
}

impl std::fmt::Display for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = if self.tls { "https" } else { "http" };
        write!(f, "{scheme}://{}{}", self.authority(), self.path)
    }
}

/// `host:port`, `[v6]:port`, or a host alone (with `default` as the port; 0: a port is
/// required).
pub fn split_host_port(text: &str, default: u16) -> Result<(String, u16), String> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| "'[' without a closing ']'".to_string())?;
        if host.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("'{host}' in brackets is not an IPv6 address"));
        }
        match after {
            "" => (host, None),
            p => match p.strip_prefix(':') {
                Some(p) => (host, Some(p)),
                None => return Err(format!("unexpected '{p}' after ']'")),
            },
        }
    } else if text.matches(':').count() > 1 {
        return Err(format!(
            "'{text}' looks like an IPv6 address: write it in brackets, as [::1]:80"
        ));
    } else {
        match text.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (text, None),
        }
    };
    if host.is_empty() {
        return Err("no host".into());
    }
    if !host.contains(':')
        && !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(format!(
            "'{host}' is not a host name (letters, digits, '.', '-' and '_')"
        ));
    }
    let port = match port {
        None if default > 0 => default,
        None => return Err(format!("'{text}' names no port (expected HOST:PORT)")),
        Some(p) => match p.parse::<u32>() {
            Ok(n) if (1..=65_535).contains(&n) => n as u16,
            Ok(n) => return Err(format!("port {n} is out of range (expected 1 to 65535)")),
            Err(_) => return Err(format!("'{p}' is not a port number (expected 1 to 65535)")),
        },
    };
    Ok((host.to_string(), port))
}

/// DNS record types a probe can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    A,
    Aaaa,
    Cname,
    Mx,
    Ns,
    Txt,
    Ptr,
    Soa,
    Srv,
    Caa,
}

impl Record {
    pub const ALL: [Record; 10] = [
        Record::A,
        Record::Aaaa,
        Record::Cname,
        Record::Mx,
        Record::Ns,
        Record::Txt,
        Record::Ptr,
        Record::Soa,
        Record::Srv,
        Record::Caa,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Record::A => "A",
            Record::Aaaa => "AAAA",
            Record::Cname => "CNAME",
            Record::Mx => "MX",
            Record::Ns => "NS",
            Record::Txt => "TXT",
            Record::Ptr => "PTR",
            Record::Soa => "SOA",
            Record::Srv => "SRV",
            Record::Caa => "CAA",
        }
    }

    /// The type's number on the wire (RFC 1035, 3596, 2782, 8659).
    pub fn code(self) -> u16 {
        match self {
            Record::A => 1,
            Record::Ns => 2,
            Record::Cname => 5,
            Record::Soa => 6,
            Record::Ptr => 12,
            Record::Mx => 15,
            Record::Txt => 16,
            Record::Aaaa => 28,
            Record::Srv => 33,
            Record::Caa => 257,
        }
    }

    fn parse(text: &str) -> Option<Record> {
        Record::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text))
    }
}

#[derive(Debug, Clone)]
pub struct Http {
    pub url: Url,
    /// HEAD instead of GET: no body is read.
    pub head: bool,
    /// Accepted status codes, as inclusive ranges.
    pub status: Vec<(u16, u16)>,
    pub body: Option<Match>,
    pub follow_redirects: bool,
    pub tls_verify: bool,
    /// A PEM file of certificates trusted beside the public roots (an internal CA).
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Dns {
    pub name: String,
    /// A server to ask (host, port); none: the system's resolver.
    pub server: Option<(String, u16)>,
    pub record: Record,
    /// An answer that must be among those returned, as `dig +short` writes it.
    pub expect: Option<String>,
}

/// What a probe checks, by kind.
#[derive(Debug, Clone)]
pub enum Check {
    Http(Http),
    Tcp {
        host: String,
        port: u16,
    },
    Dns(Dns),
    Icmp {
        host: String,
        count: u32,
    },
    Udp {
        host: String,
        port: u16,
        payload: Vec<u8>,
        expect: Option<Match>,
    },
}

impl Check {
    pub fn kind(&self) -> &'static str {
        match self {
            Check::Http(h) if h.url.tls => "https",
            Check::Http(_) => "http",
            Check::Tcp { .. } => "tcp",
            Check::Dns(_) => "dns",
            Check::Icmp { .. } => "icmp",
            Check::Udp { .. } => "udp",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Probe {
    pub id: String,
    /// What people read; the id when none is given.
    pub name: String,
    /// The target as written.
    pub target: String,
    pub check: Check,
    /// For one attempt; never more than the run's budget.
    pub timeout: Duration,
    /// Further attempts within one run before a failure counts.
    pub retries: u32,
    /// Seconds between runs: a probe due less often than the sampler runs waits until due.
    pub interval: i64,
    pub active: bool,
    pub priority: Priority,
    pub labels: BTreeMap<String, String>,
    /// `file:line` where it is defined.
    pub origin: String,
}

/// The probes a configuration file defines.
#[derive(Debug, Default)]
pub struct Probes {
    pub probes: Vec<Probe>,
    /// One line per probe left out, naming where it is and what is wrong.
    pub problems: Vec<String>,
}

impl Probes {
    pub fn get(&self, id: &str) -> Option<&Probe> {
        self.probes.iter().find(|p| p.id == id)
    }
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_INTERVAL: i64 = 60;
pub const DEFAULT_COUNT: u32 = 3;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProbe {
    id: Spanned<String>,
    name: Option<String>,
    kind: Spanned<String>,
    target: Spanned<String>,
    timeout: Option<Spanned<Scalar>>,
    retries: Option<Spanned<u32>>,
    interval: Option<Spanned<Scalar>>,
    active: Option<bool>,
    priority: Option<Spanned<String>>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    method: Option<Spanned<String>>,
    status: Option<Spanned<Scalar>>,
    body: Option<String>,
    body_regex: Option<Spanned<String>>,
    follow_redirects: Option<bool>,
    tls_verify: Option<bool>,
    ca_file: Option<PathBuf>,
    server: Option<Spanned<String>>,
    record: Option<Spanned<String>>,
    expect: Option<String>,
    expect_regex: Option<Spanned<String>>,
    count: Option<Spanned<u32>>,
    payload: Option<String>,
}

const KINDS: &str = "http, https, tcp, dns, icmp or udp";

/// Reads every `[[probe]]` of the configuration file `name` whose text is `text`.
pub fn load(name: Option<&std::path::Path>, text: Option<&str>) -> Probes {
    let mut out = Probes::default();
    let (Some(name), Some(text)) = (name, text) else {
        return out;
    };
    let src = Source::new(name.display().to_string(), text);
    let Ok(doc) = DeTable::parse(src.text) else {
        return out;
    };
    let Some(DeValue::Array(items)) = doc.get_ref().get("probe").map(Spanned::get_ref) else {
        return out;
    };
    let mut seen: HashMap<String, String> = HashMap::new();
    for item in items.iter().cloned() {
        let at = item.span().start;
        // Where each key is written, to point at the one at fault.
        let keys: Vec<(String, usize)> = match item.get_ref() {
            DeValue::Table(t) => t
                .iter()
                .map(|(k, _)| (k.get_ref().to_string(), k.span().start))
                .collect(),
            _ => Vec::new(),
        };
        if let Some((key, key_at)) = keys.iter().find(|(k, _)| !KEYS.contains(&k.as_str())) {
            let near = KEYS
                .iter()
                .find(|k| edit_distance(k, key) <= 2)
                .map(|k| format!("did you mean {k}? "))
                .unwrap_or_default();
            out.problems.push(format!(
                "{}: probe: unknown key '{key}' ({near}a probe takes: {})",
                src.at(*key_at),
                KEYS.join(", ")
            ));
            continue;
        }
        match RawProbe::deserialize(ValueDeserializer::from(item)) {
            Ok(raw) => {
                let id = raw.id.get_ref().clone();
                let id_at = raw.id.span().start;
                match validate(&src, at, &keys, raw) {
                    Ok(probe) => {
                        if let Some(first) = seen.get(&id) {
                            out.problems.push(format!(
                                "{}: probe '{id}': a probe of that id is defined at {first} (ids must be unique)",
                                src.at(id_at)
                            ));
                            continue;
                        }
                        seen.insert(id, probe.origin.clone());
                        out.probes.push(probe);
                    }
                    Err(p) => out.problems.push(p),
                }
            }
            Err(e) => out.problems.push(format!(
                "{}: probe: {}",
                src.error_at(&e, at),
                e.message().trim_end()
            )),
        }
    }
    out
}

/// Every key a probe takes.
pub const KEYS: &[&str] = &[
    "id",
    "name",
    "kind",
    "target",
    "timeout",
    "retries",
    "interval",
    "active",
    "priority",
    "labels",
    "method",
    "status",
    "body",
    "body_regex",
    "follow_redirects",
    "tls_verify",
    "ca_file",
    "server",
    "record",
    "expect",
    "expect_regex",
    "count",
    "payload",
];

/// Letters to change, add or drop to turn `a` into `b` (Levenshtein).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The keys only some kinds take.
const KIND_KEYS: &[(&str, &[&str])] = &[
    (
        "http",
        &[
            "method",
            "status",
            "body",
            "body_regex",
            "follow_redirects",
            "tls_verify",
            "ca_file",
        ],
    ),
    ("tcp", &[]),
    ("dns", &["server", "record", "expect"]),
    ("icmp", &["count"]),
    ("udp", &["payload", "expect", "expect_regex"]),
];

fn validate(
    src: &Source,
    at: usize,
    keys: &[(String, usize)],
    raw: RawProbe,
) -> Result<Probe, String> {
    let id = raw.id.get_ref().clone();
    let fail = |offset: usize, what: String| format!("{}: probe '{id}': {what}", src.at(offset));
    let key_at = |key: &str| keys.iter().find(|(k, _)| k == key).map_or(at, |(_, a)| *a);
    if id.is_empty()
        || id.len() > 64
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(fail(
            raw.id.span().start,
            "the id must be 1 to 64 letters, digits, '-', '_' or '.'".into(),
        ));
    }
    let kind = raw.kind.get_ref().as_str();
    let family = match kind {
        "https" => "http",
        k => k,
    };
    let Some((_, allowed)) = KIND_KEYS.iter().find(|(k, _)| *k == family) else {
        return Err(fail(
            raw.kind.span().start,
            format!("kind = \"{kind}\" is not a kind of probe (expected {KINDS})"),
        ));
    };
    let given = [
        ("method", raw.method.is_some()),
        ("status", raw.status.is_some()),
        ("body", raw.body.is_some()),
        ("body_regex", raw.body_regex.is_some()),
        ("follow_redirects", raw.follow_redirects.is_some()),
        ("tls_verify", raw.tls_verify.is_some()),
        ("ca_file", raw.ca_file.is_some()),
        ("server", raw.server.is_some()),
        ("record", raw.record.is_some()),
        ("expect", raw.expect.is_some()),
        ("expect_regex", raw.expect_regex.is_some()),
        ("count", raw.count.is_some()),
        ("payload", raw.payload.is_some()),
    ];
    if let Some((key, _)) = given.iter().find(|(k, set)| *set && !allowed.contains(k)) {
        return Err(fail(
            key_at(key),
            format!(
                "{key} does not apply to a {kind} probe ({})",
                if allowed.is_empty() {
                    "it takes only the common keys".to_string()
                } else {
                    format!("it takes: {}", allowed.join(", "))
                }
            ),
        ));
    }
    let target = raw.target.get_ref().clone();
    let target_at = raw.target.span().start;
    let in_target = |why: String| fail(target_at, format!("target: {why}"));
    let regex = |r: &Spanned<String>, key: &str| -> Result<Match, String> {
        regex::Regex::new(r.get_ref())
            .map(Match::Regex)
            .map_err(|e| {
                let why = e.to_string();
                let why = why.lines().last().unwrap_or_default().trim();
                let why = why.strip_prefix("error: ").unwrap_or(why);
                fail(
                    r.span().start,
                    format!(
                        "{key} '{}' is not a valid regular expression: {why}",
                        r.get_ref()
                    ),
                )
            })
    };
    let check = match family {
        "http" => {
            let url = Url::parse(&target).map_err(in_target)?;
            if kind == "https" && !url.tls {
                return Err(in_target(format!(
                    "a https probe needs an https:// URL, not '{target}'"
                )));
            }
            let head = match raw.method.as_ref().map(|m| m.get_ref().as_str()) {
                None | Some("GET") => false,
                Some("HEAD") => true,
                Some(other) => {
                    return Err(fail(
                        raw.method.as_ref().map_or(at, |m| m.span().start),
                        format!("method = \"{other}\" (expected GET or HEAD)"),
                    ));
                }
            };
            if head && (raw.body.is_some() || raw.body_regex.is_some()) {
                return Err(fail(
                    key_at("method"),
                    "a HEAD request has no body to match".into(),
                ));
            }
            let follow_redirects = raw.follow_redirects.unwrap_or(true);
            let status = match &raw.status {
                None if follow_redirects => vec![(200, 299)],
                None => vec![(200, 399)],
                Some(s) => {
                    parse_status(&s.get_ref().text()).map_err(|why| fail(s.span().start, why))?
                }
            };
            let body = match (&raw.body, &raw.body_regex) {
                (Some(_), Some(_)) => {
                    return Err(fail(
                        key_at("body_regex"),
                        "give body or body_regex, not both".into(),
                    ));
                }
                (Some(t), None) => Some(Match::Text(t.clone())),
                (None, Some(r)) => Some(regex(r, "body_regex")?),
                (None, None) => None,
            };
            if !url.tls && (raw.tls_verify.is_some() || raw.ca_file.is_some()) {
                let key = if raw.tls_verify.is_some() {
                    "tls_verify"
                } else {
                    "ca_file"
                };
                return Err(fail(
                    key_at(key),
                    "tls_verify and ca_file apply to https:// URLs only".into(),
                ));
            }
            Check::Http(Http {
                url,
                head,
                status,
                body,
                follow_redirects,
                tls_verify: raw.tls_verify.unwrap_or(true),
                ca_file: raw.ca_file.map(|f| src_relative(src, f)),
            })
        }
        "tcp" => {
            let (host, port) = split_host_port(&target, 0).map_err(in_target)?;
            Check::Tcp { host, port }
        }
        "dns" => {
            let name = target.trim_end_matches('.');
            if name.is_empty()
                || name.len() > 253
                || name.split('.').any(|l| {
                    l.is_empty()
                        || l.len() > 63
                        || !l
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                })
            {
                return Err(in_target(format!(
                    "'{target}' is not a domain name (labels of letters, digits, '-' and '_', joined by '.')"
                )));
            }
            let server = match &raw.server {
                None => None,
                Some(s) => Some(
                    split_host_port(s.get_ref(), 53)
                        .map_err(|why| fail(s.span().start, format!("server: {why}")))?,
                ),
            };
            let record = match &raw.record {
                None => Record::A,
                Some(r) => Record::parse(r.get_ref()).ok_or_else(|| {
                    fail(
                        r.span().start,
                        format!(
                            "record = \"{}\" is not a DNS record type a probe asks for (expected {})",
                            r.get_ref(),
                            Record::ALL.map(Record::as_str).join(", ")
                        ),
                    )
                })?,
            };
            Check::Dns(Dns {
                name: name.to_string(),
                server,
                record,
                expect: raw.expect.clone(),
            })
        }
        "icmp" => {
            let host = if target.parse::<std::net::IpAddr>().is_ok() {
                target.clone()
            } else if target.contains(':') {
                return Err(in_target(format!(
                    "'{target}': ICMP has no ports (give a host name or an address)"
                )));
            } else {
                split_host_port(&target, 1).map_err(in_target)?.0
            };
            let count = match &raw.count {
                None => DEFAULT_COUNT,
                Some(c) if (1..=100).contains(c.get_ref()) => *c.get_ref(),
                Some(c) => {
                    return Err(fail(
                        c.span().start,
                        format!("count = {} (expected 1 to 100 echoes)", c.get_ref()),
                    ));
                }
            };
            Check::Icmp { host, count }
        }
        _ => {
            let (host, port) = split_host_port(&target, 0).map_err(in_target)?;
            let expect = match (&raw.expect, &raw.expect_regex) {
                (Some(_), Some(_)) => {
                    return Err(fail(
                        key_at("expect_regex"),
                        "give expect or expect_regex, not both".into(),
                    ));
                }
                (Some(t), None) => Some(Match::Text(t.clone())),
                (None, Some(r)) => Some(regex(r, "expect_regex")?),
                (None, None) => None,
            };
            Check::Udp {
                host,
                port,
                payload: raw.payload.unwrap_or_default().into_bytes(),
                expect,
            }
        }
    };
    let timeout = match &raw.timeout {
        None => DEFAULT_TIMEOUT,
        Some(t) => parse_timeout(&t.get_ref().text()).map_err(|why| fail(t.span().start, why))?,
    };
    let interval = match &raw.interval {
        None => DEFAULT_INTERVAL,
        Some(i) => match parse_duration(&i.get_ref().text()) {
            Ok(secs) if secs >= 1 => secs,
            Ok(_) => return Err(fail(i.span().start, "interval must be at least 1s".into())),
            Err(e) => return Err(fail(i.span().start, format!("interval: {e}"))),
        },
    };
    let retries = match &raw.retries {
        None => 0,
        Some(r) if *r.get_ref() <= 10 => *r.get_ref(),
        Some(r) => {
            return Err(fail(
                r.span().start,
                format!("retries = {} (expected 0 to 10)", r.get_ref()),
            ));
        }
    };
    let priority = match &raw.priority {
        None => Priority::Normal,
        Some(p) => Priority::parse(p.get_ref()).ok_or_else(|| {
            fail(
                p.span().start,
                format!(
                    "priority = \"{}\" (expected high, normal or low)",
                    p.get_ref()
                ),
            )
        })?,
    };
    Ok(Probe {
        name: raw
            .name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| id.clone()),
        id,
        target,
        check,
        timeout,
        retries,
        interval,
        active: raw.active.unwrap_or(true),
        priority,
        labels: raw.labels,
        origin: src.line(at),
    })
}

/// A path in the configuration file, taken from the file's directory.
fn src_relative(src: &Source, path: PathBuf) -> PathBuf {
    match std::path::Path::new(&src.name).parent() {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path,
    }
}

/// `200`, `"2xx"`, `"200-299"`, or a list of them separated by commas: `"200,204,301-308"`.
pub fn parse_status(text: &str) -> Result<Vec<(u16, u16)>, String> {
    let bad = |part: &str| {
        format!(
            "status '{part}' is not a status code or range (expected 100 to 599, as 200, 2xx, 200-299 or \"200,301-308\")"
        )
    };
    let code = |t: &str| match t.trim().parse::<u16>() {
        Ok(n) if (100..=599).contains(&n) => Ok(n),
        _ => Err(bad(t.trim())),
    };
    let mut ranges = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let range = if let Some(class) = part.strip_suffix("xx").or(part.strip_suffix("XX")) {
            let first = code(&format!("{class}00"))?;
            (first, first + 99)
        } else if let Some((a, b)) = part.split_once('-') {
            let (a, b) = (code(a)?, code(b)?);
            if a > b {
                return Err(format!("status range '{part}' runs backwards"));
            }
            (a, b)
        } else {
            let n = code(part)?;
            (n, n)
        };
        ranges.push(range);
    }
    Ok(ranges)
}

/// A timeout: seconds with decimals (`2.5`), milliseconds (`500ms`) or a duration (`1m`), from
/// 10 ms to 10 minutes.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs = if let Some(ms) = text.strip_suffix("ms") {
        ms.trim().parse::<f64>().ok().map(|ms| ms / 1000.0)
    } else {
        text.trim()
            .parse::<f64>()
            .ok()
            .or_else(|| parse_duration(text).ok().map(|s| s as f64))
    };
    match secs {
        Some(s) if (0.01..=600.0).contains(&s) => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "timeout '{text}' is not a usable time (expected 10ms to 10m, as 5, 2.5, 500ms or 1m)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Probes {
        load(
            Some(std::path::Path::new("/etc/usage/config.toml")),
            Some(text),
        )
    }

    #[test]
    fn good_probes_are_read_with_their_defaults() {
        let p = load_text(
            r#"
[[probe]]
id = "web"
name = "Web site"
kind = "https"
target = "https://example.com/health?full=1#top"
body_regex = "\"status\": *\"UP\""
priority = "high"
labels = { team = "web" }

[[probe]]
id = "db"
kind = "tcp"
target = "[::1]:5432"
timeout = "500ms"
interval = "5m"
retries = 2

[[probe]]
id = "mx"
kind = "dns"
target = "example.com."
server = "127.0.0.1:5353"
record = "mx"
expect = "10 mail.example.com"

[[probe]]
id = "gw"
kind = "icmp"
target = "fe80::1"
count = 5
"#,
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.probes.len(), 4);
        let web = p.get("web").unwrap();
        assert_eq!(web.name, "Web site");
        assert_eq!(web.priority, Priority::High);
        assert_eq!(web.timeout, DEFAULT_TIMEOUT);
        assert_eq!(web.interval, 60);
        assert_eq!(web.origin, "/etc/usage/config.toml:2");
        let Check::Http(h) = &web.check else { panic!() };
        assert_eq!(h.url.to_string(), "https://example.com/health?full=1");
        assert_eq!(h.status, [(200, 299)]);
        assert!(h.follow_redirects && h.tls_verify && !h.head);
        let db = p.get("db").unwrap();
        assert_eq!(db.name, "db");
        assert_eq!(db.timeout, Duration::from_millis(500));
        assert_eq!((db.interval, db.retries), (300, 2));
        assert!(matches!(&db.check, Check::Tcp { host, port: 5432 } if host == "::1"));
        let Check::Dns(d) = &p.get("mx").unwrap().check else {
            panic!()
        };
        assert_eq!(d.name, "example.com");
        assert_eq!(d.server, Some(("127.0.0.1".into(), 5353)));
        assert_eq!(d.record, Record::Mx);
        assert!(
            matches!(&p.get("gw").unwrap().check, Check::Icmp { host, count: 5 } if host == "fe80::1")
        );
    }

    #[test]
    fn bad_probes_are_named_at_their_place_and_the_rest_kept() {
        let p = load_text(
            r#"[[probe]]
id = "ok"
kind = "tcp"
target = "localhost:22"

[[probe]]
id = "url"
kind = "http"
target = "htp://example.com"

[[probe]]
id = "kind"
kind = "gopher"
target = "x"

[[probe]]
id = "port"
kind = "tcp"
target = "db.local:70000"

[[probe]]
id = "re"
kind = "http"
target = "http://x.org/"
body_regex = "(unclosed"

[[probe]]
id = "ok"
kind = "tcp"
target = "localhost:23"

[[probe]]
id = "type"
kind = "dns"
target = "example.com"
record = "AAAAA"

[[probe]]
id = "stray"
kind = "tcp"
target = "h:1"
record = "A"

[[probe]]
id = "typo"
kind = "tcp"
target = "h:1"
tiemout = 5
"#,
        );
        assert_eq!(p.probes.len(), 1);
        assert_eq!(p.probes[0].target, "localhost:22");
        let want = [
            "/etc/usage/config.toml:9:10: probe 'url': target: 'htp://example.com' is not a URL a probe can fetch: it does not start with http:// or https://",
            "/etc/usage/config.toml:13:8: probe 'kind': kind = \"gopher\" is not a kind of probe (expected http, https, tcp, dns, icmp or udp)",
            "/etc/usage/config.toml:19:10: probe 'port': target: port 70000 is out of range (expected 1 to 65535)",
            "/etc/usage/config.toml:25:14: probe 're': body_regex '(unclosed' is not a valid regular expression: unclosed group",
            "/etc/usage/config.toml:28:6: probe 'ok': a probe of that id is defined at /etc/usage/config.toml:1 (ids must be unique)",
            "/etc/usage/config.toml:36:10: probe 'type': record = \"AAAAA\" is not a DNS record type a probe asks for (expected A, AAAA, CNAME, MX, NS, TXT, PTR, SOA, SRV, CAA)",
            "/etc/usage/config.toml:42:1: probe 'stray': record does not apply to a tcp probe (it takes only the common keys)",
            "/etc/usage/config.toml:48:1: probe: unknown key 'tiemout' (did you mean timeout? a probe takes: id, name,",
        ];
        assert_eq!(p.problems.len(), want.len(), "{:#?}", p.problems);
        for (got, want) in p.problems.iter().zip(want) {
            assert!(
                got.starts_with(want),
                "{got}\n  expected it to start with\n{want}"
            );
        }
    }

    #[test]
    fn status_ranges() {
        assert_eq!(parse_status("200"), Ok(vec![(200, 200)]));
        assert_eq!(parse_status("2xx"), Ok(vec![(200, 299)]));
        assert_eq!(
            parse_status("200, 301-308"),
            Ok(vec![(200, 200), (301, 308)])
        );
        for bad in ["", "600", "99", "2yy", "300-200", "abc", "6xx"] {
            assert!(parse_status(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_timeout("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_timeout("1m"), Ok(Duration::from_secs(60)));
        for bad in ["0", "5ms", "11m", "fast", "-1"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_and_host_ports() {
        let u = Url::parse("http://[::1]:8080").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("::1", 8080, "/")
        );
        assert_eq!(u.authority(), "[::1]:8080");
        assert_eq!(
            Url::parse("https://a.b?q").unwrap().to_string(),
            "https://a.b/?q"
        );
        for bad in [
            "ftp://x",
            "http://",
            "http://user:pw@x/",
            "http://x:0/",
            "http://x y/",
            "http://x/a b",
            "http://::1/",
        ] {
            assert!(Url::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(split_host_port("h:53", 0), Ok(("h".into(), 53)));
        assert_eq!(split_host_port("h", 53), Ok(("h".into(), 53)));
        assert!(
            split_host_port("h", 0)
                .unwrap_err()
                .contains("names no port")
        );
        assert!(
            split_host_port("h:x", 0)
                .unwrap_err()
                .contains("not a port number")
        );
    }
}
