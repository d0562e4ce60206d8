//! The shared run wrapper: parse, run, turn the outcome into an exit status and one line on stderr.
//!
//! Exit statuses shared by every tool (usage-check adds the monitoring-plugin ones):
//! 0 success, 1 the work failed (database, file system, kernel), 2 the invocation was wrong
//! (flags, configuration file). A closed stdout pipe is success.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Args, FromArgMatches};

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

/// Runs one tool: `command` is its clap definition, `run` its body.
pub fn main<A: FromArgMatches>(
    command: clap::Command,
    run: fn(A, &mut Env) -> anyhow::Result<()>,
) -> ExitCode {
    main_with(command, run, exit_status, None)
}

/// [`main`] for a tool with its own exit statuses: `status` maps an error to one, and
/// `invocation` (if given) replaces clap's 2 for a wrong command line.
pub fn main_with<A: FromArgMatches>(
    command: clap::Command,
    run: fn(A, &mut Env) -> anyhow::Result<()>,
    status: fn(&anyhow::Error) -> u8,
    invocation: Option<u8>,
) -> ExitCode {
    let name = command.get_name().to_string();
    let matches = match command.try_get_matches() {
        Ok(m) => m,
        // clap prints help, version and its own errors (exit 0 or 2); a closed pipe is fine.
        Err(e) => {
            let _ = e.print();
            let code = e.exit_code().clamp(0, 255) as u8;
            return ExitCode::from(if code == 0 {
                0
            } else {
                invocation.unwrap_or(code)
            });
        }
    };
    let args = match A::from_arg_matches(&matches) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(invocation.unwrap_or(2));
        }
    };
    let mut env = Env::real();
    let result = run(args, &mut env).and_then(|()| env.stdout.flush().map_err(Into::into));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // An error without words (usage-check's verdict) has already said everything.
            let line = one_line(&err);
            if !line.is_empty() {
                let _ = writeln!(io::stderr(), "{name}: {line}");
            }
            ExitCode::from(status(&err))
        }
    }
}

/// The exit status an error maps to.
pub fn exit_status(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| e.is::<UsageError>()) {
        2
    } else {
        1
    }
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
        assert_eq!(exit_status(&err), 2);
        assert_eq!(exit_status(&anyhow::anyhow!("disk full")), 1);
    }

    #[test]
    fn broken_pipe_is_recognised_through_context() {
        let err = Err::<(), _>(io::Error::from(io::ErrorKind::BrokenPipe))
            .context("writing")
            .unwrap_err();
        assert!(is_broken_pipe(&err));
    }
}
