//! Probes: checks of services over the network (HTTP and HTTPS, TCP, DNS, ICMP, UDP), as
//! `collect` is the reading of the kernel. usage-sample runs the due ones concurrently within a
//! time budget and stores what each found; `outage` turns the results into outages.
#![allow(
    clippy::result_large_err,
    reason = "a probe's steps fail with the Reading they end in: a down result is as common as an up one, so boxing it buys nothing"
)]

pub mod config;
mod dns;
mod http;
mod icmp;
mod net;
pub mod outage;
mod udp;

use std::sync::mpsc;
use std::time::{Duration, Instant};

pub use config::{Check, Probe, Probes};

/// Why a probe failed, by kind: stored as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No answer within the timeout.
    Timeout,
    /// The host answered that nothing listens (TCP reset, ICMP port unreachable).
    Refused,
    /// No route, network down, host unreachable.
    Unreachable,
    /// The name did not resolve.
    Resolve,
    /// The TLS handshake failed (untrusted, expired or mismatched certificate, ...).
    Tls,
    /// An HTTP status outside the accepted ones.
    Status,
    /// The reply lacked the expected text.
    Content,
    /// A DNS answer other than the expected one, or an error code.
    Answer,
    /// Every ICMP echo went unanswered.
    Loss,
    /// The system does not allow this probe (ICMP without a ping socket or root).
    NotPermitted,
    /// The run's time budget ran out before the probe finished.
    Budget,
    /// The peer spoke something else than the protocol (a bad HTTP or DNS reply).
    Protocol,
    /// Anything else the system reported.
    Error,
}

impl Failure {
    pub const ALL: [Failure; 13] = [
        Failure::Timeout,
        Failure::Refused,
        Failure::Unreachable,
        Failure::Resolve,
        Failure::Tls,
        Failure::Status,
        Failure::Content,
        Failure::Answer,
        Failure::Loss,
        Failure::NotPermitted,
        Failure::Budget,
        Failure::Protocol,
        Failure::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Failure::Timeout => "timeout",
            Failure::Refused => "refused",
            Failure::Unreachable => "unreachable",
            Failure::Resolve => "resolve",
            Failure::Tls => "tls",
            Failure::Status => "status",
            Failure::Content => "content",
            Failure::Answer => "answer",
            Failure::Loss => "loss",
            Failure::NotPermitted => "not_permitted",
            Failure::Budget => "budget",
            Failure::Protocol => "protocol",
            Failure::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Failure> {
        Failure::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// What one run of a probe found.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub up: bool,
    /// Milliseconds the check took (the average echo for ICMP); none when it never got an
    /// answer.
    pub ms: Option<f64>,
    /// ICMP: the fastest and slowest echo, and the share of echoes lost, %.
    pub min_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub loss: Option<f64>,
    /// The HTTP status, or the DNS response code.
    pub status: Option<i64>,
    pub failure: Option<Failure>,
    /// What happened, for people: "200 OK", "connection refused", ...
    pub detail: String,
    /// When the server's TLS certificate expires, UTC seconds.
    pub cert_expiry: Option<i64>,
    /// Attempts made (1 + retries used).
    pub attempts: u32,
}

impl Reading {
    pub fn up(ms: f64, detail: impl Into<String>) -> Reading {
        Reading {
            up: true,
            ms: Some(ms),
            min_ms: None,
            max_ms: None,
            loss: None,
            status: None,
            failure: None,
            detail: detail.into(),
            cert_expiry: None,
            attempts: 1,
        }
    }

    pub fn down(failure: Failure, detail: impl Into<String>) -> Reading {
        Reading {
            up: false,
            ms: None,
            min_ms: None,
            max_ms: None,
            loss: None,
            status: None,
            failure: Some(failure),
            detail: detail.into(),
            cert_expiry: None,
            attempts: 1,
        }
    }
}

/// Runs one probe once: its first attempt and, while they fail, its retries, each within the
/// probe's timeout and all before `deadline`.
pub fn check(probe: &Probe, deadline: Instant) -> Reading {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let left = deadline.saturating_duration_since(Instant::now());
        let timeout = probe.timeout.min(left);
        let mut reading = if timeout.is_zero() {
            Reading::down(Failure::Budget, budget_spent())
        } else {
            attempt(&probe.check, timeout)
        };
        reading.attempts = attempts;
        if reading.up || attempts > probe.retries || reading.failure == Some(Failure::Budget) {
            return reading;
        }
    }
}

fn budget_spent() -> String {
    "the run's time budget was spent before this probe finished".into()
}

fn attempt(check: &Check, timeout: Duration) -> Reading {
    let deadline = Instant::now() + timeout;
    match check {
        Check::Http(h) => http::check(h, deadline),
        Check::Tcp { host, port } => net::tcp_check(host, *port, deadline),
        Check::Dns(d) => dns::check(d, deadline),
        Check::Icmp { host, count } => icmp::check(host, *count, deadline),
        Check::Udp {
            host,
            port,
            payload,
            expect,
        } => udp::check(host, *port, payload, expect.as_ref(), deadline),
    }
}

/// Runs `probes` concurrently and returns a reading for each, in their order, by `deadline`: a
/// probe still running then is read as down ([`Failure::Budget`]) and left to end on its own
/// timeout.
pub fn run_all(probes: &[Probe], deadline: Instant) -> Vec<Reading> {
    let (tx, rx) = mpsc::channel();
    for (i, probe) in probes.iter().enumerate() {
        let sender = tx.clone();
        let probe = probe.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("probe {}", probe.id))
            .stack_size(256 * 1024)
            .spawn(move || {
                let reading = check(&probe, deadline);
                // The receiver is gone once the budget is spent: nothing is waiting any more.
                let _ = sender.send((i, reading));
            });
        if let Err(e) = spawned {
            let _ = tx.send((
                i,
                Reading::down(Failure::Error, format!("cannot start a thread: {e}")),
            ));
        }
    }
    drop(tx);
    let mut readings: Vec<Option<Reading>> = vec![None; probes.len()];
    let mut missing = probes.len();
    while missing > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((i, reading)) => {
                readings[i] = Some(reading);
                missing -= 1;
            }
            Err(_) => break,
        }
    }
    readings
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Reading::down(Failure::Budget, budget_spent())))
        .collect()
}

/// Milliseconds since `start`, to a hundredth.
fn ms_since(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 100_000.0).round() / 100.0
}
