//! What a tool run may observe of the outside world, injected so tests can pin it.
//!
//! Domain code reads the clock, the environment variables, the kernel's file systems and the
//! terminal only through [`Env`]; `Env::real()` wires them to the process, tests build their own.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub struct Env {
    /// Current time in UTC seconds (with fraction); called once per sample.
    pub clock: Box<dyn Fn() -> f64>,
    /// Environment variables as seen at start-up.
    pub vars: BTreeMap<String, String>,
    /// Where `/proc`, `/sys` and `/etc` are found: `/` except in tests.
    pub sysroot: PathBuf,
    pub stdout: Box<dyn Write>,
    /// Diagnostics: warnings and problems that do not stop the run (see [`Env::warn`], [`Env::say`]).
    pub stderr: Box<dyn Write>,
    /// The tool's name, which prefixes every diagnostic (`usage-import: warning: ...`).
    pub tool: String,
    /// True when stdout is a terminal: tools print what they did only then (or when asked).
    pub stdout_is_terminal: bool,
    /// True when stderr is a terminal: progress bars and summaries are drawn only then.
    pub stderr_is_terminal: bool,
    /// True when the effective user is root: picks the system-wide default paths.
    pub is_root: bool,
}

impl Env {
    pub fn real(tool: &str) -> Env {
        let vars: BTreeMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        // A sysroot other than `/` exists for the test suite: it points the collectors at a
        // fabricated /proc tree to exercise processes that vanish and files that cannot be read.
        let sysroot = vars
            .get("USAGE_SYSROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/"));
        // USAGE_NOW pins the clock (UTC seconds) for the test suite: yearless dates and billing
        // cycles depend on today.
        let pinned = vars.get("USAGE_NOW").and_then(|v| v.parse::<f64>().ok());
        Env {
            clock: match pinned {
                Some(now) => Box::new(move || now),
                None => Box::new(|| {
                    SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map(|d| d.as_secs_f64())
                        .unwrap_or(0.0)
                }),
            },
            vars,
            sysroot,
            stdout: Box::new(io::stdout().lock()),
            stderr: Box::new(io::stderr()),
            tool: tool.to_string(),
            stdout_is_terminal: io::stdout().is_terminal(),
            stderr_is_terminal: io::stderr().is_terminal(),
            // SAFETY: geteuid has no preconditions and cannot fail.
            is_root: unsafe { libc::geteuid() } == 0,
        }
    }

    /// Who runs this, for the records that say who did what (acknowledgements, silences): the
    /// user behind sudo, else the login name, else the effective user's name in /etc/passwd,
    /// else "uid N".
    pub fn user(&self) -> String {
        if let Some(name) = ["SUDO_USER", "USER", "LOGNAME"]
            .iter()
            .find_map(|v| self.vars.get(*v).filter(|s| !s.is_empty()))
        {
            return name.clone();
        }
        // SAFETY: geteuid has no preconditions and cannot fail.
        let uid = unsafe { libc::geteuid() };
        user_names(&self.sysroot.join("etc/passwd"))
            .remove(&uid)
            .unwrap_or_else(|| format!("uid {uid}"))
    }

    pub fn now(&self) -> f64 {
        (self.clock)()
    }

    /// Today's date in the local time zone (TZ, else /etc/localtime).
    pub fn today(&self) -> chrono::NaiveDate {
        use chrono::TimeZone;
        let secs = self.now().floor() as i64;
        chrono::Local
            .timestamp_opt(secs, 0)
            .single()
            .map(|t| t.date_naive())
            .unwrap_or_default()
    }

    /// A warning: the run goes on. `usage-xxx: warning: ...` on stderr.
    pub fn warn(&mut self, message: impl std::fmt::Display) {
        let message = message.to_string();
        let shown = crate::render::visible(&message);
        let _ = writeln!(self.stderr, "{}: warning: {shown}", self.tool);
    }

    /// A problem that does not stop the run but decides its outcome (a bad rule, a failed
    /// delivery, a backup that failed verification): `usage-xxx: ...` on stderr.
    pub fn say(&mut self, message: impl std::fmt::Display) {
        let message = message.to_string();
        let shown = crate::render::visible(&message);
        let _ = writeln!(self.stderr, "{}: {shown}", self.tool);
    }

    /// A line for a person watching (a summary on a terminal), without the prefix.
    pub fn note(&mut self, message: impl std::fmt::Display) {
        let message = message.to_string();
        let _ = writeln!(self.stderr, "{}", crate::render::visible(&message));
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// uid to user name, from a passwd file; lines that do not read are left out.
pub fn user_names(passwd: &Path) -> BTreeMap<u32, String> {
    let text = std::fs::read_to_string(passwd).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let mut f = line.split(':');
            let name = f.next()?;
            let uid = f.nth(1)?.parse().ok()?;
            Some((uid, name.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines_map_uids_to_names() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("passwd");
        std::fs::write(
            &p,
            "root:x:0:0:root:/root:/bin/sh\nbroken\nann:x:1000:1000::/home/ann:/bin/sh\n",
        )
        .unwrap();
        let names = user_names(&p);
        assert_eq!(names.get(&0).map(String::as_str), Some("root"));
        assert_eq!(names.get(&1000).map(String::as_str), Some("ann"));
        assert_eq!(names.len(), 2);
    }
}
