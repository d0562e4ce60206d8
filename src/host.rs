//! Which host: the name this machine's samples are stored under, and which stored host a reader
//! looks at. One rule for every tool, so usage-sample, usage-report, usage-check and usage-alert
//! never disagree about "this machine".

use std::path::Path;

use anyhow::{Result, anyhow};
use rusqlite::Connection;

use crate::cli::UsageError;
use crate::collect;
use crate::db::samples::{self, Host};

/// A host name as `--host` and `host =` take it: not empty, no control characters (it is shown
/// on terminals and in notifications).
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(format!(
            "'{}' is not a usable host name (expected a non-empty name without control characters)",
            crate::render::visible(name)
        ));
    }
    Ok(())
}

/// `--host`'s parser.
pub fn parse_name(name: &str) -> Result<String, String> {
    check_name(name).map(|()| name.to_string())
}

/// The kernel's host name.
pub fn kernel_name(sysroot: &Path) -> Result<String> {
    let name = collect::hostname(sysroot)?;
    anyhow::ensure!(
        !name.is_empty(),
        "the kernel's host name is empty (set host in the configuration or pass --host)"
    );
    Ok(name)
}

/// The name this machine's samples are stored under: `--host`, else `host` in the
/// configuration, else the kernel's host name.
pub fn own_name(flag: Option<&str>, configured: Option<&str>, sysroot: &Path) -> Result<String> {
    match flag.or(configured) {
        Some(name) => Ok(name.to_string()),
        None => kernel_name(sysroot),
    }
}

/// The host a reader asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// Named by `--host` or the configuration: it must be stored.
    Named(String),
    /// This machine, by the kernel's host name when it can be read.
    ThisMachine(Option<String>),
}

impl Wanted {
    pub fn new(flag: Option<&str>, configured: Option<&str>, sysroot: &Path) -> Wanted {
        match flag.or(configured) {
            Some(name) => Wanted::Named(name.to_string()),
            None => Wanted::ThisMachine(kernel_name(sysroot).ok()),
        }
    }

    /// The name asked for, if any: what a notification says when nothing is stored yet.
    pub fn name(&self) -> Option<&str> {
        match self {
            Wanted::Named(n) | Wanted::ThisMachine(Some(n)) => Some(n),
            Wanted::ThisMachine(None) => None,
        }
    }
}

/// What a reader does when the host asked for has no samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// A person's question (usage-report): a named host must exist; otherwise the only host
    /// stored, and with several the reader is asked to choose.
    Ask,
    /// An unattended judgement (usage-check, usage-alert under cron): the host sampled last, so
    /// a database copied from another machine is still watched.
    Newest,
}

/// The stored host a reader looks at; `None` when there is none to look at yet.
pub fn choose(conn: &Connection, wanted: &Wanted, fallback: Fallback) -> Result<Option<Host>> {
    let hosts = samples::hosts(conn)?;
    let found = wanted
        .name()
        .and_then(|name| hosts.iter().find(|h| h.name == name));
    let names = || {
        hosts
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match fallback {
        Fallback::Newest => {
            if let Some(h) = found.filter(|h| h.newest.is_some()) {
                return Ok(Some(h.clone()));
            }
            Ok(hosts
                .iter()
                .filter(|h| h.newest.is_some())
                .max_by_key(|h| h.newest)
                .cloned())
        }
        Fallback::Ask => {
            if let Some(h) = found {
                return Ok(Some(h.clone()));
            }
            match (wanted, hosts.as_slice()) {
                (_, []) => Ok(None),
                (Wanted::Named(name), _) => Err(anyhow!(
                    "no samples of host '{name}' are stored (hosts: {})",
                    names()
                )),
                (_, [only]) => Ok(Some(only.clone())),
                _ => Err(UsageError(format!(
                    "samples of several hosts are stored ({}): choose one with --host",
                    names()
                ))
                .into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(hosts: &[(&str, Option<i64>)]) -> Connection {
        let conn = crate::db::open_in_memory().unwrap();
        for (i, (name, ts)) in hosts.iter().enumerate() {
            conn.execute(
                "INSERT INTO hosts (id, name) VALUES (?1, ?2)",
                (i as i64 + 1, name),
            )
            .unwrap();
            if let Some(ts) = ts {
                conn.execute(
                    "INSERT INTO samples (host_id, ts, ncpu, mem_total, mem_used, mem_avail,
                         swap_total, swap_used, load1, load5, load15, uptime, procs)
                     VALUES (?1, ?2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1)",
                    (i as i64 + 1, ts),
                )
                .unwrap();
            }
        }
        conn
    }

    fn chosen(conn: &Connection, wanted: Wanted, fallback: Fallback) -> Result<Option<String>> {
        Ok(choose(conn, &wanted, fallback)?.map(|h| h.name))
    }

    #[test]
    fn a_person_is_asked_to_choose_and_a_cron_job_takes_the_newest() {
        let two = db(&[("a", Some(100)), ("b", Some(200))]);
        let me = |n: &str| Wanted::ThisMachine(Some(n.to_string()));
        assert_eq!(
            chosen(&two, me("a"), Fallback::Ask).unwrap().as_deref(),
            Some("a")
        );
        assert_eq!(
            chosen(&two, me("a"), Fallback::Newest).unwrap().as_deref(),
            Some("a")
        );
        let err = chosen(&two, me("c"), Fallback::Ask).unwrap_err();
        assert!(err.is::<UsageError>(), "{err}");
        assert!(err.to_string().contains("several hosts are stored (a, b)"));
        assert_eq!(
            chosen(&two, me("c"), Fallback::Newest).unwrap().as_deref(),
            Some("b")
        );
        let named = Wanted::Named("c".into());
        let err = chosen(&two, named.clone(), Fallback::Ask).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no samples of host 'c' are stored (hosts: a, b)"
        );
        assert_eq!(
            chosen(&two, named, Fallback::Newest).unwrap().as_deref(),
            Some("b")
        );
    }

    #[test]
    fn the_only_host_is_shown_and_an_empty_database_has_none() {
        let one = db(&[("a", Some(100))]);
        let unknown = Wanted::ThisMachine(None);
        assert_eq!(
            chosen(&one, unknown.clone(), Fallback::Ask)
                .unwrap()
                .as_deref(),
            Some("a")
        );
        let empty = db(&[]);
        assert_eq!(
            chosen(&empty, unknown.clone(), Fallback::Ask).unwrap(),
            None
        );
        assert_eq!(
            chosen(&empty, Wanted::Named("x".into()), Fallback::Ask).unwrap(),
            None
        );
        // A host without samples is no answer for a judgement.
        let idle = db(&[("a", None)]);
        assert_eq!(chosen(&idle, unknown, Fallback::Newest).unwrap(), None);
    }
}
