//! `usage-import locations`: list locations, add them, change their display name, billing day
//! and quota, deactivate and reactivate them. Their data is never deleted here.

use anyhow::{Result, bail};
use clap::Subcommand;
use rusqlite::Connection;

use super::parse;
use crate::cli::Format;
use crate::config::Config;
use crate::db::{self, ledger::Setting};
use crate::env::Env;
use crate::ledger;
use crate::render::{Cell, Rows};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,

    /// Output format of the list [default: table on a terminal, else csv]
    // Its own id: a global argument's value is shared with the parent, whose --format differs.
    #[arg(
        id = "list_format",
        long = "format",
        short = 'f',
        value_enum,
        global = true
    )]
    pub format: Option<Format>,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// List every location with its settings and data (the default); billing_day is the one in
    /// force, own_billing_day whether it is the location's own or the default (ledger.billing_day)
    List,
    /// Add a location before any data names it
    Add {
        /// Its name; the stable key is derived from it (Main Office -> main_office)
        name: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Change a location's display name, billing day or quota
    Set {
        /// The location's name or display name
        location: String,
        #[command(flatten)]
        settings: Settings,
    },
    /// Change a location's display name
    Rename {
        /// The location's name or display name
        location: String,
        /// The new display name
        display_name: String,
    },
    /// Mark locations inactive: reports leave them out unless asked; their data stays
    Deactivate {
        /// Names or display names
        #[arg(required = true)]
        locations: Vec<String>,
    },
    /// Mark locations active again
    Activate {
        /// Names or display names
        #[arg(required = true)]
        locations: Vec<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct Settings {
    /// The name shown in reports
    #[arg(long, value_name = "TEXT")]
    pub display_name: Option<String>,
    /// The day its billing cycles start, 1 to 31, or 'default' for ledger.billing_day
    #[arg(long, value_name = "DAY", value_parser = parse_day)]
    pub billing_day: Option<BillingDay>,
    /// Its quota per billing cycle in GB (or with a unit: 1.5 TB), or 'none'
    #[arg(long, value_name = "GB", value_parser = parse_quota, allow_hyphen_values = true)]
    pub quota: Option<Quota>,
}

#[derive(Debug, Clone, Copy)]
pub struct BillingDay(Option<u8>);

#[derive(Debug, Clone, Copy)]
pub struct Quota(Option<i64>);

fn parse_day(s: &str) -> Result<BillingDay, String> {
    match s {
        "default" | "none" => Ok(BillingDay(None)),
        _ => match s.parse::<u8>() {
            Ok(d @ 1..=31) => Ok(BillingDay(Some(d))),
            _ => Err(format!(
                "'{s}' is not a billing day (expected a day of the month, 1 to 31, or 'default')"
            )),
        },
    }
}

fn parse_quota(s: &str) -> Result<Quota, String> {
    if s == "none" {
        return Ok(Quota(None));
    }
    match parse::amount(s, false, ledger::GB as u128) {
        Ok(Some(b)) if b > 0 => Ok(Quota(Some(b))),
        _ => Err(format!(
            "'{s}' is not a quota (expected a positive amount in GB, e.g. 500 or 1.5 TB, or 'none')"
        )),
    }
}

pub fn run(args: Args, config: &Config, env: &mut Env) -> Result<()> {
    let action = args.action.unwrap_or(Action::List);
    // Listing reads; a missing database is an error, not a new one.
    let conn = match action {
        Action::List => db::open_reader(&config.db)?,
        _ => db::open(&config.db)?,
    };
    match action {
        Action::List => {
            let format = args.format.unwrap_or(if env.stdout_is_terminal {
                Format::Table
            } else {
                Format::Csv
            });
            list(&conn, config.file.ledger.billing_day)?.write(format, &mut env.stdout)
        }
        Action::Add { name, settings } => {
            let slug = ledger::slug(&name);
            if slug.is_empty() {
                bail!("'{name}' cannot name a location (it needs a letter or a digit)");
            }
            check_display_name(name.trim())?;
            if db::ledger::location_exists(&conn, &slug)? {
                bail!(
                    "location '{slug}' already exists (change it with `usage-import locations set {slug} ...`)"
                );
            }
            let tx = conn.unchecked_transaction()?;
            let id = db::ledger::add_location(&tx, &slug, name.trim(), env.now().floor() as i64)?;
            apply(&tx, id, &settings)?;
            tx.commit()?;
            Ok(())
        }
        Action::Set { location, settings } => {
            let location = db::ledger::find_location(&conn, &location)?;
            if settings.display_name.is_none()
                && settings.billing_day.is_none()
                && settings.quota.is_none()
            {
                bail!("nothing to set (give --display-name, --billing-day or --quota)");
            }
            apply(&conn, location.id, &settings)
        }
        Action::Rename {
            location,
            display_name,
        } => {
            let location = db::ledger::find_location(&conn, &location)?;
            let settings = Settings {
                display_name: Some(display_name),
                billing_day: None,
                quota: None,
            };
            apply(&conn, location.id, &settings)
        }
        Action::Deactivate { locations } => set_active(&conn, &locations, false),
        Action::Activate { locations } => set_active(&conn, &locations, true),
    }
}

fn check_display_name(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().any(char::is_control) {
        bail!("'{name}' is not a usable display name (expected text without control characters)");
    }
    Ok(())
}

fn apply(conn: &Connection, id: i64, settings: &Settings) -> Result<()> {
    if let Some(name) = &settings.display_name {
        check_display_name(name.trim())?;
        db::ledger::set(conn, id, Setting::DisplayName(name.trim()))?;
    }
    if let Some(BillingDay(day)) = settings.billing_day {
        db::ledger::set(conn, id, Setting::BillingDay(day))?;
    }
    if let Some(Quota(quota)) = settings.quota {
        db::ledger::set(conn, id, Setting::Quota(quota))?;
    }
    Ok(())
}

fn set_active(conn: &Connection, keys: &[String], active: bool) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    for key in keys {
        let location = db::ledger::find_location(&tx, key)?;
        db::ledger::set(&tx, location.id, Setting::Active(active))?;
    }
    tx.commit()?;
    Ok(())
}

/// Every location with its effective billing day and a digest of its daily rows.
fn list(conn: &Connection, default_day: u8) -> Result<Rows> {
    let date = |d: Option<chrono::NaiveDate>| d.map_or(Cell::Null, |d| Cell::Text(d.to_string()));
    let rows = db::ledger::summaries(conn, default_day)?
        .into_iter()
        .map(|s| {
            vec![
                Cell::Text(s.name),
                Cell::Text(s.display_name),
                Cell::Bool(s.active),
                Cell::Int(i64::from(s.billing_day)),
                s.quota.map_or(Cell::Null, Cell::Gb),
                Cell::Int(s.days),
                date(s.first),
                date(s.last),
                Cell::Gb(s.total),
                Cell::Bool(s.own_billing_day),
            ]
        })
        .collect();
    Ok(Rows {
        columns: vec![
            "name",
            "display_name",
            "active",
            "billing_day",
            "quota_gb",
            "days",
            "first_date",
            "last_date",
            "total_gb",
            "own_billing_day",
        ],
        rows,
    })
}
