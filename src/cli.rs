//! The shared run wrapper: parse, run, turn the outcome into an exit status and one line on stderr.
//!
//! Exit statuses: 0 success, 1 the work failed (database, file system, kernel), 2 the invocation
//! was wrong (flags, configuration file); usage-alert, usage-check and usage-backup verify add
//! outcomes of their own ([`Outcome`]). A closed stdout pipe is success. This is the only module
//! that maps anything to an exit status.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Args, FromArgMatches};

use crate::archive::verify::Stage;
use crate::env::Env;

/// An error in how the tool was invoked or configured: exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Flags every tool takes.
#[derive(Debug, Clone, Default, Args)]
pub struct CommonArgs {
    /// Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db
    /// if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]
    #[arg(
        long,
        value_name = "PATH",
        env = "USAGE_DB",
        hide_env_values = true,
        global = true
    )]
    pub db: Option<std::path::PathBuf>,

    /// Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else
    /// /etc/usage/config.toml]
    #[arg(
        long,
        value_name = "PATH",
        env = "USAGE_CONFIG",
        hide_env_values = true,
        global = true
    )]
    pub config: Option<std::path::PathBuf>,
}

/// How data is written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people
    Table,
    /// Comma-separated values with a header line
    Csv,
    /// JSON, one object per line
    Json,
}

impl Format {
    /// The format asked for, else a table on a terminal and CSV for programs.
    pub fn or_default(given: Option<Format>, env: &Env) -> Format {
        given.unwrap_or(if env.stdout_is_terminal {
            Format::Table
        } else {
            Format::Csv
        })
    }
}

/// A man page's hand-written sections: (title, paragraphs); a paragraph "term\tText" is a
/// tagged paragraph. The generator (tests/generated.rs) appends them to clap's page.
pub type ManSections = Vec<(&'static str, Vec<String>)>;

/// Sections written out as constants, as [`ManSections`].
pub fn man_sections(fixed: &[(&'static str, &[&str])]) -> ManSections {
    fixed
        .iter()
        .map(|(title, paragraphs)| (*title, paragraphs.iter().map(|p| p.to_string()).collect()))
        .collect()
}

/// What a run came to when it is not an error. Each has its exit status, and this is the only
/// place that knows the numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The work was done: 0.
    Done,
    /// usage-alert's verdict: 3 when a notification could not be delivered (it is retried),
    /// else 2 when the `[alert]` configuration has problems, else 1 while alerts are firing.
    Alerts {
        firing: bool,
        misconfigured: bool,
        undelivered: bool,
    },
    /// usage-check's monitoring-plugin state.
    Plugin(Plugin),
    /// usage-backup: the first verification stage a backup failed, 3 (metadata) to 8 (rows).
    Unverified(Stage),
    /// The work was done, but part of the configuration was left out as wrong (a bad
    /// `[[probe]]`): 2, each problem named on standard error.
    Misconfigured,
}

impl Outcome {
    pub fn status(self) -> u8 {
        match self {
            Outcome::Done => 0,
            Outcome::Misconfigured => 2,
            Outcome::Alerts {
                firing,
                misconfigured,
                undelivered,
            } => {
                if undelivered {
                    3
                } else if misconfigured {
                    2
                } else {
                    u8::from(firing)
                }
            }
            Outcome::Plugin(state) => match state {
                Plugin::Ok => 0,
                Plugin::Warning => 1,
                Plugin::Critical => 2,
                Plugin::Unknown => 3,
            },
            Outcome::Unverified(stage) => match stage {
                Stage::Metadata => 3,
                Stage::Checksum => 4,
                Stage::Gzip => 5,
                Stage::Database => 6,
                Stage::Integrity => 7,
                Stage::Rows => 8,
            },
        }
    }
}

/// A monitoring plugin's state, ordered by how bad it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Plugin {
    Ok,
    Warning,
    Unknown,
    Critical,
}

impl Plugin {
    pub fn label(self) -> &'static str {
        match self {
            Plugin::Ok => "OK",
            Plugin::Warning => "WARNING",
            Plugin::Critical => "CRITICAL",
            Plugin::Unknown => "UNKNOWN",
        }
    }
}

/// How a tool's errors map to exit statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    /// 1 the work failed, 2 the invocation or configuration is wrong.
    Unix,
    /// usage-alert, whose 1 means "firing": 3 the work failed, 2 the invocation is wrong.
    Alert,
    /// A monitoring plugin: every error is UNKNOWN (3), a wrong command line too.
    Plugin,
}

impl Convention {
    fn failed(self) -> u8 {
        match self {
            Convention::Unix => 1,
            Convention::Alert | Convention::Plugin => 3,
        }
    }

    fn invocation(self) -> u8 {
        match self {
            Convention::Unix | Convention::Alert => 2,
            Convention::Plugin => 3,
        }
    }

    /// The exit status an error maps to.
    pub fn status(self, err: &anyhow::Error) -> u8 {
        if err.chain().any(|e| e.is::<UsageError>()) {
            self.invocation()
        } else {
            self.failed()
        }
    }
}

/// A tool's parsed command line, and the convention its exit statuses follow.
pub trait Tool: FromArgMatches {
    const CONVENTION: Convention = Convention::Unix;
}

/// Runs one tool: `command` is its clap definition, `run` its body. Prints an error once, on
/// one line, prefixed with the tool's name; maps outcomes and errors to exit statuses.
pub fn main<A: Tool>(
    command: clap::Command,
    run: fn(A, &mut Env) -> anyhow::Result<Outcome>,
) -> ExitCode {
    let name = command.get_name().to_string();
    let convention = A::CONVENTION;
    let matches = match command.try_get_matches() {
        Ok(m) => m,
        // clap prints help and version (a closed pipe is fine); its errors are the tool's own.
        Err(e) if e.exit_code() == 0 => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => return invocation_error(&name, &e, convention),
    };
    let args = match A::from_arg_matches(&matches) {
        Ok(a) => a,
        Err(e) => return invocation_error(&name, &e, convention),
    };
    // Without this a file-size limit (ulimit -f) kills a tool mid-write; ignored, the write fails
    // with EFBIG and is undone like one on a full disk.
    // SAFETY: setting a signal's disposition to SIG_IGN has no preconditions.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let mut env = Env::real(&name);
    let result = run(args, &mut env);
    // What was written stands; a reader that went away (`| head`) changes no verdict.
    let flushed = env.stdout.flush();
    match result {
        Ok(outcome) => match flushed {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                let _ = writeln!(io::stderr(), "{name}: writing standard output: {e}");
                ExitCode::from(convention.failed())
            }
            _ => ExitCode::from(outcome.status()),
        },
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let line = one_line(&err);
            let _ = writeln!(io::stderr(), "{name}: {}", crate::render::visible(&line));
            ExitCode::from(convention.status(&err))
        }
    }
}

/// A wrong command line, said as every other error is (`usage-report: unexpected argument ...`),
/// with clap's usage line and hint after it.
fn invocation_error(name: &str, e: &clap::Error, convention: Convention) -> ExitCode {
    let text = e.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    let _ = write!(io::stderr(), "{name}: {text}");
    ExitCode::from(convention.invocation())
}

/// The error and its causes on one line, outermost first, without repeating a cause that the
/// message above it already quotes.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line.replace('\n', " ")
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn one_line_joins_the_chain_and_skips_quoted_causes() {
        let inner = anyhow::anyhow!("permission denied");
        let err = Err::<(), _>(inner)
            .context("cannot open 'x.db'")
            .unwrap_err();
        assert_eq!(one_line(&err), "cannot open 'x.db': permission denied");
        let quoted = Err::<(), _>(anyhow::anyhow!("bad"))
            .context("value is bad")
            .unwrap_err();
        assert_eq!(one_line(&quoted), "value is bad");
    }

    #[test]
    fn usage_errors_exit_2_anywhere_in_the_chain() {
        let err = Err::<(), _>(UsageError("bad flag".into()))
            .context("while starting")
            .unwrap_err();
        assert_eq!(Convention::Unix.status(&err), 2);
        assert_eq!(Convention::Plugin.status(&err), 3);
        let failed = anyhow::anyhow!("disk full");
        assert_eq!(Convention::Unix.status(&failed), 1);
        assert_eq!(Convention::Alert.status(&failed), 3);
    }

    #[test]
    fn outcomes_carry_their_statuses() {
        let alerts = |firing, misconfigured, undelivered| {
            Outcome::Alerts {
                firing,
                misconfigured,
                undelivered,
            }
            .status()
        };
        assert_eq!(alerts(false, false, false), 0);
        assert_eq!(alerts(true, false, false), 1);
        assert_eq!(alerts(true, true, false), 2);
        assert_eq!(alerts(true, true, true), 3);
        assert_eq!(Outcome::Plugin(Plugin::Unknown).status(), 3);
        assert!(Plugin::Unknown < Plugin::Critical);
        assert_eq!(Outcome::Unverified(Stage::Metadata).status(), 3);
        assert_eq!(Outcome::Unverified(Stage::Rows).status(), 8);
    }

    #[test]
    fn broken_pipe_is_recognised_through_context() {
        let err = Err::<(), _>(io::Error::from(io::ErrorKind::BrokenPipe))
            .context("writing")
            .unwrap_err();
        assert!(is_broken_pipe(&err));
    }
}
