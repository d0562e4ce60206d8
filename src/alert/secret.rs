//! Where a channel's secrets come from (an SMTP password, a service's token, a webhook's token
//! or password): a file or an environment variable, never the command line, read at each
//! delivery so that a rotated token is used at once.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};

#[derive(Debug, Clone)]
pub enum Password {
    None,
    File(PathBuf),
    Env(String),
}

impl Password {
    /// The secret from its file (its last line break dropped) or variable; `None` when there
    /// is none. `what` names it in errors ("SMTP password", "gotify token").
    pub fn read(&self, what: &str, vars: &BTreeMap<String, String>) -> Result<Option<String>> {
        Ok(match self {
            Password::None => None,
            Password::File(path) => Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {what} file '{}'", path.display()))?
                    .trim_end_matches(['\r', '\n'])
                    .to_string(),
            ),
            Password::Env(var) => Some(
                vars.get(var)
                    .cloned()
                    .ok_or_else(|| anyhow!("{what} variable {var} is not set"))?,
            ),
        })
    }
}
