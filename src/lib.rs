//! usage: record how a machine is used, keep that record safe, and answer questions about it.
//!
//! One library crate behind the `usage-*` binaries. Each tool has one module holding its clap
//! definition (`command()`/`Args`) and `run()`; the binaries only call [`cli::main`]. The
//! layers and their rules are in ARCHITECTURE.md: tools never import tools, shared rules sit
//! below them, and only `db` writes SQL.

pub mod activity;
pub mod alert;
pub mod archive;
pub mod backup;
pub mod check;
pub mod cli;
pub mod collect;
pub mod config;
pub mod db;
pub mod env;
pub mod figures;
pub mod files;
pub mod host;
pub mod import;
pub mod ledger;
pub mod logins;
pub mod maintenance;
pub mod metric;
pub mod probe;
pub mod render;
pub mod report;
pub mod sample;
pub mod time;
