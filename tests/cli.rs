//! What every tool has in common at the command line: one error prefix, clap's or the tool's
//! own; a --format wherever data is printed; dry runs that say what they would do; commands that
//! write saying nothing off a terminal (cron mails what they print).
#![allow(clippy::unwrap_used)]

mod util;

use util::{Sandbox, TOOLS};

#[test]
fn every_error_starts_with_the_tool_name() {
    let sb = Sandbox::new();
    for tool in TOOLS {
        // clap's: an unknown flag.
        let run = sb.cmd(tool).arg("--no-such-flag").output();
        let said = run.stderr();
        assert!(
            said.starts_with(&format!("{tool}: unexpected argument '--no-such-flag'")),
            "{run}"
        );
        assert!(!said.contains("error:"), "{run}");
        let invocation = if tool == "usage-check" { 3 } else { 2 };
        assert_eq!(run.code(), invocation, "{run}");
        // The tool's own: a database that is not there (usage-sample and usage-import would
        // create it, so they get a directory they cannot create it in).
        let db = if matches!(tool, "usage-sample" | "usage-import") {
            "/proc/no/such.db"
        } else {
            "missing.db"
        };
        let mut cmd = sb.cmd(tool).args(["--db", db]);
        if tool == "usage-import" {
            cmd = cmd.args(["locations", "add", "north"]);
        }
        if tool == "usage-backup" {
            cmd = cmd.arg("create");
        }
        let run = cmd.output();
        assert!(run.code() != 0, "{run}");
        if tool == "usage-check" {
            // A monitoring plugin says what is wrong on stdout, in the plugin's format.
            assert!(run.stdout().starts_with("USAGE UNKNOWN - "), "{run}");
        } else {
            assert!(run.stderr().starts_with(&format!("{tool}: ")), "{run}");
        }
    }
}

#[test]
fn data_is_printed_in_the_format_asked_for() {
    let sb = Sandbox::new();
    sb.cmd("usage-sample").arg("-q").ok();
    sb.cmd("usage-backup").arg("create").ok();
    let cases: [&[&str]; 13] = [
        &["usage-sample", "--print"],
        &["usage-import", "locations", "list"],
        &["usage-report", "system"],
        &["usage-report", "daily"],
        &["usage-backup", "list"],
        &["usage-backup", "verify"],
        &["usage-backup", "prune", "--dry-run"],
        &["usage-check"],
        &["usage-alert", "--dry-run"],
        &["usage-alert", "status"],
        &["usage-alert", "rules"],
        &["usage-alert", "history"],
        &["usage-alert", "maintenance", "list"],
    ];
    for args in cases {
        let run = sb
            .cmd(args[0])
            .args(&args[1..])
            .args(["--format", "json"])
            .output();
        assert!(matches!(run.code(), 0 | 1), "{run}");
        // These have rows in this database; the others may have none.
        let has_rows = matches!(
            args[1..].first().copied(),
            Some("--print" | "system" | "list" | "verify" | "prune" | "rules") | None
        ) && args != ["usage-import", "locations", "list"]
            && args != ["usage-alert", "maintenance", "list"];
        assert!(
            !has_rows || !run.stdout().is_empty(),
            "{args:?} printed nothing: {run}"
        );
        for line in run.stdout().lines() {
            let value: Result<serde_json::Value, _> = serde_json::from_str(line);
            assert!(value.is_ok(), "{args:?}: not JSON: {line}");
        }
    }
}

#[test]
fn dry_runs_say_what_they_would_do_off_a_terminal() {
    let sb = Sandbox::with_database();
    util::write(
        &sb.path("in.csv"),
        "date,location,usage_gb\n2024-03-13,north,9.9\n",
    );
    let run = sb.cmd("usage-import").args(["--dry-run", "in.csv"]).ok();
    assert!(run.stderr().contains("dry run"), "{run}");
    assert_eq!(
        util::count(&sb.open_db(), "SELECT count(*) FROM daily_usage"),
        0
    );
    sb.cmd("usage-backup").arg("create").ok();
    let run = sb.cmd("usage-backup").args(["prune", "--dry-run"]).ok();
    assert!(
        run.stdout().starts_with("action,backup,why\nkeep,"),
        "{run}"
    );
    let run = sb.cmd("usage-alert").arg("--dry-run").ok();
    assert!(run.stdout().starts_with("time,rule,"), "{run}");
    assert!(run.stderr().contains("dry run"), "{run}");
}

#[test]
fn commands_that_write_say_nothing_off_a_terminal() {
    let sb = Sandbox::with_database();
    // Today's usage, so that usage-check finds the ledger fresh.
    let today = chrono::Local::now().date_naive();
    util::write(
        &sb.path("in.csv"),
        &format!("date,location,usage_gb\n{today},north,9.9\n"),
    );
    let runs: [&[&str]; 10] = [
        &["usage-sample"],
        &["usage-import", "in.csv"],
        &["usage-import", "set", "2024-03-14", "north", "1"],
        &["usage-import", "locations", "add", "south"],
        &[
            "usage-import",
            "locations",
            "set",
            "south",
            "--quota",
            "500",
        ],
        &["usage-backup", "create"],
        &["usage-backup", "prune"],
        &["usage-alert"],
        &["usage-alert", "maintenance", "add", "--duration", "1h"],
        &["usage-check", "--quiet"],
    ];
    for args in runs {
        let run = sb.cmd(args[0]).args(&args[1..]).output();
        assert_eq!(run.code(), 0, "{run}");
        assert!(
            run.stdout().is_empty() && run.stderr().is_empty(),
            "{args:?} printed: {run}"
        );
    }
}
