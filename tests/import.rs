//! usage-import through the real binary: the seed's spreadsheet, every layout and cell form,
//! corrections, dry runs, locations, and every kind of bad input leaving the database unchanged.
#![allow(clippy::unwrap_used)]

mod util;

use std::path::Path;

use util::{Cmd, Sandbox, count, write};

/// 2024-06-01T00:00:00Z: "today" for every test here.
const NOW: &str = "1717200000";

const SEED: &str =
    "Date,Location1,Location2,Location3\n13-Mar,9.9,130,12\n14-Mar,19,71,7.3\n15-Mar,12,19,6.1\n";

fn import(sb: &Sandbox) -> Cmd {
    sb.cmd("usage-import")
        .env("USAGE_NOW", NOW)
        .env("TZ", "UTC")
}

/// The ledger as text, to compare before and after.
fn ledger(sb: &Sandbox) -> String {
    if !sb.db().exists() {
        return "no database".into();
    }
    let conn = sb.open_db();
    let mut out = String::new();
    for sql in [
        "SELECT l.name || ' ' || d.date || ' ' || d.bytes FROM daily_usage d JOIN locations l ON l.id = d.location_id ORDER BY 1",
        "SELECT name || ' ' || display_name || ' ' || active || ' ' || ifnull(billing_day, '-') || ' ' || ifnull(quota, '-') FROM locations ORDER BY 1",
        "SELECT location_id || ' ' || period_start || ' ' || period_end || ' ' || bytes FROM monthly_summaries ORDER BY 1",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for row in rows {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
    }
    out
}

fn bytes(sb: &Sandbox, location: &str, date: i64) -> Option<i64> {
    sb.open_db()
        .query_row(
            "SELECT bytes FROM daily_usage d JOIN locations l ON l.id = d.location_id WHERE l.name = ?1 AND d.date = ?2",
            (location, date),
            |r| r.get(0),
        )
        .ok()
}

/// A sandbox whose database already holds the seed's sample.
fn seeded() -> Sandbox {
    let sb = Sandbox::new();
    write(&sb.path("seed.csv"), SEED);
    import(&sb).args(["--year", "2024", "seed.csv"]).ok();
    sb
}

#[test]
fn the_seeds_sample_file_becomes_a_ledger() {
    let sb = Sandbox::new();
    write(&sb.path("seed.csv"), SEED);
    let run = import(&sb).args(["--print", "seed.csv"]).ok();
    assert_eq!(
        run.stderr(),
        "seed.csv: wide, 3 rows, 2024-03-13..2024-03-15: 9 inserted, 0 updated, 0 unchanged, 0 skipped, 0 warnings, 3 new locations\n"
    );
    assert_eq!(run.stdout(), "");
    // Without --year the latest row falls on or before today (2024-06-01).
    assert_eq!(bytes(&sb, "location1", 20240313), Some(9_900_000_000));
    assert_eq!(bytes(&sb, "location2", 20240313), Some(130_000_000_000));
    assert_eq!(bytes(&sb, "location3", 20240315), Some(6_100_000_000));
    let conn = sb.open_db();
    assert_eq!(count(&conn, "SELECT count(*) FROM daily_usage"), 9);
    let list = import(&sb).args(["locations"]).ok().stdout();
    assert_eq!(
        list,
        "name,display_name,active,billing_day,quota_gb,days,first_date,last_date,total_gb,own_billing_day\n\
         location1,Location1,true,1,,3,2024-03-13,2024-03-15,40.9,false\n\
         location2,Location2,true,1,,3,2024-03-13,2024-03-15,220,false\n\
         location3,Location3,true,1,,3,2024-03-13,2024-03-15,25.4,false\n"
    );
}

#[test]
fn re_importing_changes_nothing_and_says_so_and_corrections_win() {
    let sb = seeded();
    let before = ledger(&sb);
    let run = import(&sb).args(["-p", "--year", "2024", "seed.csv"]).ok();
    assert!(
        run.stderr().ends_with(
            "0 inserted, 0 updated, 9 unchanged, 0 skipped, 0 warnings (nothing changed)\n"
        ),
        "{run}"
    );
    assert_eq!(ledger(&sb), before);
    // Silent under cron unless asked.
    let run = import(&sb).args(["--year", "2024", "seed.csv"]).ok();
    assert_eq!(run.stderr(), "");
    write(
        &sb.path("fix.csv"),
        "Date,Location1\n14-Mar,20.5\n16-Mar,1\n",
    );
    let run = import(&sb).args(["-p", "--year", "2024", "fix.csv"]).ok();
    assert!(
        run.stderr().contains("1 inserted, 1 updated, 0 unchanged"),
        "{run}"
    );
    assert_eq!(bytes(&sb, "location1", 20240314), Some(20_500_000_000));
}

#[test]
fn empty_cells_are_zero_but_never_overwrite_and_non_numbers_are_skipped_with_a_warning() {
    let sb = seeded();
    write(
        &sb.path("gaps.csv"),
        "Date,Location1,Location2,Location3\n13-Mar,,n/a,12\n16-Mar,,5,\n",
    );
    let run = import(&sb).args(["-p", "--year", "2024", "gaps.csv"]).ok();
    assert_eq!(
        run.stderr(),
        "usage-import: warning: gaps.csv:2:3: 'n/a' is not a number; skipped\n\
         gaps.csv: wide, 2 rows, 2024-03-13..2024-03-16: 3 inserted, 0 updated, 2 unchanged, 1 skipped, 1 warning\n"
    );
    assert_eq!(bytes(&sb, "location1", 20240313), Some(9_900_000_000));
    assert_eq!(bytes(&sb, "location2", 20240313), Some(130_000_000_000));
    assert_eq!(bytes(&sb, "location1", 20240316), Some(0));
    assert_eq!(bytes(&sb, "location3", 20240316), Some(0));
    // --strict turns the warning into an error and nothing is written.
    let sb = seeded();
    write(
        &sb.path("gaps.csv"),
        "Date,Location1,Location2\n16-Mar,1,n/a\n",
    );
    let before = ledger(&sb);
    let run = import(&sb)
        .args(["--strict", "--year", "2024", "gaps.csv"])
        .fails(1);
    assert_eq!(
        run.stderr(),
        "usage-import: gaps.csv:2:3: 'n/a' is not a number (--strict refuses the file)\n"
    );
    assert_eq!(ledger(&sb), before);
}

#[test]
fn long_and_monthly_files_in_any_column_order() {
    let sb = Sandbox::new();
    write(
        &sb.path("long.csv"),
        "usage,Date,location,notes\n\"1,234.5\",2024-03-13,Main Office,x\n900 MB,2024-03-13,branch,\n1.5 TiB,14/03/2024,Main Office,\n",
    );
    let run = import(&sb).args(["long.csv"]).fails(1);
    assert!(
        run.stderr()
            .contains("long.csv:1:4: unknown column 'notes'"),
        "{run}"
    );
    import(&sb)
        .args(["--ignore-column", "Notes", "long.csv"])
        .ok();
    assert_eq!(bytes(&sb, "main_office", 20240313), Some(1_234_500_000_000));
    assert_eq!(bytes(&sb, "branch", 20240313), Some(900_000_000));
    assert_eq!(bytes(&sb, "main_office", 20240314), Some(1_649_267_441_664));
    let conn = sb.open_db();
    let shown: String = conn
        .query_row(
            "SELECT display_name FROM locations WHERE name = 'main_office'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(shown, "Main Office");

    // Monthly totals: a month or a cycle's first day; the end follows from the billing day.
    import(&sb)
        .args(["locations", "set", "branch", "--billing-day", "13"])
        .ok();
    write(
        &sb.path("monthly.csv"),
        "period_start,location,total\n2024-03,branch,412.5\n2024-04-13,branch,300\n2024-03,main_office,2 TB\n",
    );
    import(&sb).args(["monthly.csv"]).ok();
    let periods: Vec<(i64, i64, i64)> = conn
        .prepare("SELECT period_start, period_end, bytes FROM monthly_summaries ORDER BY location_id DESC, period_start")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        periods,
        vec![
            (20240313, 20240412, 412_500_000_000),
            (20240413, 20240512, 300_000_000_000),
            (20240301, 20240331, 2_000_000_000_000),
        ]
    );
    write(
        &sb.path("bad-period.csv"),
        "period_start,location,total\n2024-04-01,branch,1\n",
    );
    let before = ledger(&sb);
    let run = import(&sb).args(["bad-period.csv"]).fails(1);
    assert!(
        run.stderr().contains("bad-period.csv:2:1: 2024-04-01 does not start a billing cycle of 'branch' (billing day 13; the cycle around it starts 2024-03-13"),
        "{run}"
    );
    assert_eq!(ledger(&sb), before);
}

#[test]
fn european_exports_bom_crlf_semicolons_and_decimal_commas() {
    let sb = Sandbox::new();
    let text = "\u{feff}Datum;Nord;Süd\r\n13.03.2024;9,9;1.234,5\r\n14.03.2024;0,5 GB;900 MB\r\n";
    write(&sb.path("eu.csv"), text);
    // Without --decimal-comma, 9,9 is not a number: the warning says what to do.
    let run = import(&sb).args(["--format", "wide", "eu.csv"]).ok();
    assert!(run.stderr().starts_with("usage-import: warning: eu.csv:2:2: '9,9' is not a number (for a decimal comma as in 9,9 use --decimal-comma); skipped\n"), "{run}");
    import(&sb)
        .args(["--format", "wide", "--decimal-comma", "eu.csv"])
        .ok();
    assert_eq!(bytes(&sb, "nord", 20240313), Some(9_900_000_000));
    assert_eq!(bytes(&sb, "süd", 20240313), Some(1_234_500_000_000));
    assert_eq!(bytes(&sb, "nord", 20240314), Some(500_000_000));
    assert_eq!(bytes(&sb, "süd", 20240314), Some(900_000_000));
}

#[test]
fn yearless_dates_roll_over_into_the_next_year() {
    let sb = Sandbox::new();
    write(
        &sb.path("y.csv"),
        "Date,A\n30-Dec,1\n31-Dec,2\n1-Jan,3\n2-Jan,4\n",
    );
    import(&sb).args(["--year", "2022", "y.csv"]).ok();
    assert_eq!(bytes(&sb, "a", 20221231), Some(2_000_000_000));
    assert_eq!(bytes(&sb, "a", 20230102), Some(4_000_000_000));
    // Without --year the latest row (2 January) is the last one on or before 2024-06-01.
    let sb = Sandbox::new();
    write(&sb.path("y.csv"), "Date,A\n30-Dec,1\n2-Jan,4\n");
    import(&sb).args(["y.csv"]).ok();
    assert_eq!(bytes(&sb, "a", 20231230), Some(1_000_000_000));
    assert_eq!(bytes(&sb, "a", 20240102), Some(4_000_000_000));
}

/// A bank-style export, newest first: accepted with --year (the first row's year) and without,
/// rolling back at the turn of the year; a step the wrong way is refused with a hint that fits.
#[test]
fn a_file_newest_first_is_read_in_its_own_order() {
    let sb = Sandbox::new();
    write(&sb.path("d.csv"), "Date,A\n02-Apr,3\n01-Apr,2\n31-Mar,1\n");
    import(&sb).args(["--year", "2024", "d.csv"]).ok();
    assert_eq!(bytes(&sb, "a", 20240402), Some(3_000_000_000));
    assert_eq!(bytes(&sb, "a", 20240331), Some(1_000_000_000));
    let sb = Sandbox::new();
    write(
        &sb.path("d.csv"),
        "Date,A\n2-Jan,4\n1-Jan,3\n31-Dec,2\n30-Dec,1\n",
    );
    import(&sb).args(["d.csv"]).ok();
    assert_eq!(bytes(&sb, "a", 20240102), Some(4_000_000_000));
    assert_eq!(bytes(&sb, "a", 20231230), Some(1_000_000_000));
    write(
        &sb.path("bad.csv"),
        "Date,A\n02-Apr,3\n01-Apr,2\n02-May,1\n",
    );
    let run = import(&sb).args(["--year", "2024", "bad.csv"]).fails(1);
    assert!(
        run.stderr()
            .contains("in a file whose dates run newest first")
            && !run.stderr().contains("--year"),
        "{run}"
    );
}

#[test]
fn dry_run_reports_without_writing_or_creating_the_database() {
    let sb = Sandbox::new();
    write(&sb.path("seed.csv"), SEED);
    let run = import(&sb)
        .args(["--dry-run", "--format", "json", "seed.csv"])
        .ok();
    assert_eq!(
        run.stdout(),
        "{\"file\":\"seed.csv\",\"status\":\"checked\",\"layout\":\"wide\",\"rows\":3,\"inserted\":9,\"updated\":0,\"unchanged\":0,\"skipped\":0,\"warnings\":0,\"new_locations\":3,\"first_date\":\"2024-03-13\",\"last_date\":\"2024-03-15\",\"error\":null}\n"
    );
    assert!(!sb.db().exists(), "a dry run created the database");
    let sb = seeded();
    let before = ledger(&sb);
    write(&sb.path("fix.csv"), "Date,Location1,New\n14-Mar,20.5,1\n");
    let run = import(&sb)
        .args(["-n", "-p", "--year", "2024", "fix.csv"])
        .ok();
    assert!(
        run.stderr()
            .starts_with("dry run: fix.csv: wide, 1 row, 2024-03-14: 1 inserted, 1 updated"),
        "{run}"
    );
    assert_eq!(ledger(&sb), before);
}

#[test]
fn each_file_is_all_or_nothing_and_the_message_says_which_landed() {
    let sb = Sandbox::new();
    write(&sb.path("a.csv"), "Date,A\n2024-03-13,1\n");
    write(&sb.path("b.csv"), "Date,B\n2024-03-13,2\n2024-03-14,-3\n");
    write(&sb.path("c.csv"), "Date,C\n2024-03-13,3\n");
    let run = import(&sb)
        .args(["--format", "csv", "a.csv", "b.csv", "c.csv"])
        .fails(1);
    assert_eq!(
        run.stderr(),
        "usage-import: b.csv:3:2: '-3' is negative (usage is 0 or more)\n\
         usage-import: 1 of 3 files refused, nothing from them written: b.csv; imported: a.csv, c.csv\n"
    );
    assert!(
        run.stdout().contains(
            "\nb.csv,failed,,0,0,0,0,0,0,0,,,b.csv:3:2: '-3' is negative (usage is 0 or more)\n"
        ),
        "{run}"
    );
    assert_eq!(bytes(&sb, "a", 20240313), Some(1_000_000_000));
    assert_eq!(bytes(&sb, "c", 20240313), Some(3_000_000_000));
    // Not even b.csv's good first row or its location landed.
    assert_eq!(
        count(
            &sb.open_db(),
            "SELECT count(*) FROM locations WHERE name = 'b'"
        ),
        0
    );
}

#[test]
fn standard_input_is_a_file_named_dash() {
    let sb = Sandbox::new();
    import(&sb)
        .args(["-"])
        .stdin("date,location,usage\n2024-03-13,a,1.5\n")
        .ok();
    assert_eq!(bytes(&sb, "a", 20240313), Some(1_500_000_000));
}

#[test]
fn set_correct_and_delete_single_entries() {
    let sb = seeded();
    import(&sb)
        .args(["set", "2024-03-13", "Location1", "10 GB"])
        .ok();
    assert_eq!(bytes(&sb, "location1", 20240313), Some(10_000_000_000));
    let run = import(&sb)
        .args(["set", "2024-03-20", "nowhere", "1"])
        .fails(1);
    assert_eq!(
        run.stderr(),
        "usage-import: pass --create to add it: unknown location 'nowhere' (known: location1, location2, location3)\n"
    );
    import(&sb)
        .args(["set", "--create", "2024-03-20", "Nowhere Else", "1"])
        .ok();
    assert_eq!(bytes(&sb, "nowhere_else", 20240320), Some(1_000_000_000));
    let run = import(&sb)
        .args(["set", "2024-03-13", "location1", "-2"])
        .fails(1);
    assert_eq!(
        run.stderr(),
        "usage-import: '-2' is negative (usage is 0 or more)\n"
    );
    let run = import(&sb)
        .args(["set", "2024-03-13", "location1", "lots"])
        .fails(1);
    assert!(run.stderr().contains("'lots' is not a number"), "{run}");
    import(&sb).args(["delete", "2024-03-13", "location1"]).ok();
    assert_eq!(bytes(&sb, "location1", 20240313), None);
    let run = import(&sb)
        .args(["delete", "2024-03-13", "location1"])
        .fails(1);
    assert_eq!(
        run.stderr(),
        "usage-import: nothing to delete: no usage for 'location1' on 2024-03-13\n"
    );
    import(&sb)
        .args(["set", "--monthly", "2024-03", "location1", "412.5"])
        .ok();
    assert_eq!(
        count(&sb.open_db(), "SELECT bytes FROM monthly_summaries"),
        412_500_000_000
    );
    import(&sb)
        .args(["delete", "--monthly", "2024-03", "location1"])
        .ok();
    assert_eq!(
        count(&sb.open_db(), "SELECT count(*) FROM monthly_summaries"),
        0
    );
    // File flags mean nothing to a subcommand.
    let run = import(&sb).args(["--strict", "locations"]).fails(2);
    assert!(
        run.stderr().contains("--strict applies to importing files"),
        "{run}"
    );
}

#[test]
fn locations_are_listed_added_configured_renamed_and_deactivated() {
    let sb = seeded();
    import(&sb)
        .args([
            "locations",
            "add",
            "Main Office",
            "--quota",
            "500",
            "--billing-day",
            "13",
        ])
        .ok();
    import(&sb)
        .args(["locations", "rename", "location1", "North Site"])
        .ok();
    import(&sb)
        .args([
            "locations",
            "set",
            "North Site",
            "--quota",
            "1.5 TB",
            "--billing-day",
            "31",
        ])
        .ok();
    import(&sb)
        .args(["locations", "deactivate", "location2", "location3"])
        .ok();
    import(&sb)
        .args(["locations", "activate", "location3"])
        .ok();
    let json = import(&sb)
        .args(["locations", "list", "--format", "json"])
        .ok()
        .stdout();
    let lines: Vec<&str> = json.lines().collect();
    assert_eq!(
        lines[0],
        "{\"name\":\"location1\",\"display_name\":\"North Site\",\"active\":true,\"billing_day\":31,\"quota_gb\":1500,\"days\":3,\"first_date\":\"2024-03-13\",\"last_date\":\"2024-03-15\",\"total_gb\":40.9,\"own_billing_day\":true}"
    );
    assert!(
        lines[1].starts_with(
            "{\"name\":\"location2\",\"display_name\":\"Location2\",\"active\":false,"
        )
    );
    assert!(
        lines[2]
            .starts_with("{\"name\":\"location3\",\"display_name\":\"Location3\",\"active\":true,")
    );
    assert_eq!(
        lines[3],
        "{\"name\":\"main_office\",\"display_name\":\"Main Office\",\"active\":true,\"billing_day\":13,\"quota_gb\":500,\"days\":0,\"first_date\":null,\"last_date\":null,\"total_gb\":0,\"own_billing_day\":true}"
    );
    let before = ledger(&sb);
    for (args, code, message) in [
        (
            vec!["locations", "add", "main office"],
            1,
            "location 'main_office' already exists",
        ),
        (
            vec!["locations", "deactivate", "nowhere"],
            1,
            "unknown location 'nowhere' (known: location1, location2, location3, main_office)",
        ),
        (
            vec!["locations", "set", "location1", "--billing-day", "32"],
            2,
            "'32' is not a billing day (expected a day of the month, 1 to 31, or 'default')",
        ),
        (
            vec!["locations", "set", "location1", "--quota", "-5"],
            2,
            "'-5' is not a quota",
        ),
        (vec!["locations", "set", "location1"], 1, "nothing to set"),
    ] {
        let run = import(&sb).args(&args).fails(code);
        assert!(run.stderr().contains(message), "{args:?}: {run}");
    }
    assert_eq!(ledger(&sb), before);
}

#[test]
fn the_daily_bound_comes_from_the_configuration_or_the_flag() {
    let sb = Sandbox::new();
    write(&sb.path("big.csv"), "Date,A\n2024-03-13,12000\n");
    let run = import(&sb).args(["big.csv"]).fails(1);
    assert_eq!(
        run.stderr(),
        "usage-import: big.csv:2:2: '12000' is 12000 GB, more than the 10000 GB a day may hold (raise ledger.max_daily_gb or pass --max-daily if it is real)\n"
    );
    // The refused import created the database, and removed it again.
    assert_eq!(ledger(&sb), "no database");
    import(&sb).args(["--max-daily", "20000", "big.csv"]).ok();
    let sb = Sandbox::new();
    write(&sb.path("big.csv"), "Date,A\n2024-03-13,12000\n");
    write(
        &sb.path("config/usage/config.toml"),
        "[ledger]\nmax_daily_gb = 100\n",
    );
    write(&sb.path("ok.csv"), "Date,A\n2024-03-13,120\n");
    let run = import(&sb).args(["ok.csv"]).fails(1);
    assert!(
        run.stderr().contains("more than the 100 GB a day may hold"),
        "{run}"
    );
    write(
        &sb.path("config/usage/config.toml"),
        "[ledger]\nbilling_day = 0\n",
    );
    let run = import(&sb).args(["ok.csv"]).fails(2);
    assert!(
        run.stderr()
            .contains("ledger.billing_day = 0 is not a day of the month (expected 1 to 31)"),
        "{run}"
    );
}

/// Each bad input: (file name, content, expected message after "usage-import: ").
fn bad_inputs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        (
            "empty.csv",
            b"".to_vec(),
            "'empty.csv' is empty (expected a header line such as 'Date,Location1,Location2')",
        ),
        ("blank.csv", b"\n \r\n".to_vec(), "'blank.csv' is empty"),
        (
            "header-only.csv",
            b"Date,A,B\n".to_vec(),
            "'header-only.csv' has a header but no rows",
        ),
        (
            "missing-header.csv",
            b"Date,,B\n13-Mar,1,2\n".to_vec(),
            "missing-header.csv:1:2: column 2 has no header (every column after the date names a location)",
        ),
        (
            "dup-header.csv",
            b"Date,Site A,site-a\n13-Mar,1,2\n".to_vec(),
            "dup-header.csv:1:3: duplicate header: 'site-a' (column 3) and 'Site A' (column 2) both name location 'site_a'",
        ),
        (
            "dup-long.csv",
            b"date,location,usage,usage_gb\n2024-03-13,a,1,2\n".to_vec(),
            "dup-long.csv:1:4: duplicate header: 'usage_gb' (column 4) and 'usage' (column 3) are both the usage column",
        ),
        (
            "missing-col.csv",
            b"date,location\n2024-03-13,a\n".to_vec(),
            "missing-col.csv:1: missing column 'usage'",
        ),
        (
            "unknown-layout.csv",
            b"when,where,what\n2024-03-13,a,1\n".to_vec(),
            "cannot tell the layout of 'unknown-layout.csv' from its header 'when,where,what' and first row",
        ),
        (
            "ragged.csv",
            b"Date,A,B\n13-Mar,1,2\n14-Mar,1\n".to_vec(),
            "ragged.csv:3: 2 fields where the header has 3 (a missing or extra ','?)",
        ),
        (
            "bad-date.csv",
            b"Date,A\n13-Mar,1\nTotal,2\n".to_vec(),
            "bad-date.csv:3:1: 'Total' is not a date (e.g. 13-Mar, 13-Mar-2024, 13/03/2024 or 2024-03-13; use --date-format for others)",
        ),
        (
            "feb-31.csv",
            b"Date,A\n31-Feb,1\n".to_vec(),
            "feb-31.csv:2:1: '31-Feb' is not a date: February has no day 31",
        ),
        (
            "us-date.csv",
            b"Date,A\n03/13/2024,1\n".to_vec(),
            "us-date.csv:2:1: '03/13/2024' is not a date: there is no month 13",
        ),
        (
            "ambiguous.csv",
            b"Date,A\n30-Mar,1\n01-Apr,1\n31-Mar,2\n".to_vec(),
            "ambiguous.csv:4:1: '31-Mar' comes after a date in April without a year, in a file whose dates run oldest first: cannot tell whether it is another year or out of order",
        ),
        (
            "mixed.csv",
            b"Date,A\n13-Mar,1\n2024-03-14,2\n".to_vec(),
            "mixed.csv:3:1: '2024-03-14' has a year but the file's first date has none",
        ),
        (
            "old.csv",
            b"date,location,usage\n1985-01-01,a,1\n".to_vec(),
            "old.csv:2:1: 1985-01-01 is out of range (expected 1990-01-01 to 2024-06-02",
        ),
        (
            "typo.csv",
            b"Date,A\n13/03/0024,1\n".to_vec(),
            "typo.csv:2:1: 0024-03-13 is out of range (expected 1990-01-01 to 2024-06-02",
        ),
        (
            "future.csv",
            b"date,location,usage\n2024-07-01,a,1\n".to_vec(),
            "future.csv:2:1: 2024-07-01 is out of range",
        ),
        (
            "no-date.csv",
            b"Date,A\n,1\n".to_vec(),
            "no-date.csv:2:1: the row has values but no date",
        ),
        (
            "negative.csv",
            b"Date,A\n13-Mar,-1\n".to_vec(),
            "negative.csv:2:2: '-1' is negative (usage is 0 or more)",
        ),
        (
            "huge.csv",
            b"Date,A\n13-Mar,10001\n".to_vec(),
            "huge.csv:2:2: '10001' is 10001 GB, more than the 10000 GB a day may hold",
        ),
        (
            "utf8.csv",
            b"Date,A\n13-Mar,\xff1\n".to_vec(),
            "utf8.csv:2:2: not UTF-8 text (byte 0xff at offset 0); save the file as UTF-8",
        ),
        (
            "utf16.csv",
            b"\xff\xfeD\0a\0t\0e\0".to_vec(),
            "'utf16.csv' is UTF-16 text (save it as UTF-8",
        ),
        (
            "binary.csv",
            b"\x7fELF\x02\x01\x01\0\0\0".to_vec(),
            "'binary.csv' is a binary file, not CSV text",
        ),
        (
            "really.json",
            b"[{\"date\": \"2024-03-13\", \"usage\": 1}]".to_vec(),
            "'really.json' looks like JSON, not CSV",
        ),
    ]
}

#[test]
fn every_bad_input_is_refused_with_its_place_and_the_database_is_unchanged() {
    let sb = seeded();
    let before = ledger(&sb);
    for (name, content, message) in bad_inputs() {
        std::fs::write(sb.path(name), content).unwrap();
        let run = import(&sb).args([name]).fails(1);
        let expected = format!("usage-import: {message}");
        assert!(
            run.stderr().starts_with(&expected),
            "{name}: expected '{expected}'\n{run}"
        );
        assert_eq!(run.stderr().lines().count(), 1, "{run}");
        assert_eq!(ledger(&sb), before, "{name} changed the database");
    }
}

#[test]
fn directories_missing_and_unreadable_files_are_refused() {
    let sb = seeded();
    let before = ledger(&sb);
    std::fs::create_dir(sb.path("dir.csv")).unwrap();
    let run = import(&sb).args(["dir.csv"]).fails(1);
    assert_eq!(
        run.stderr(),
        "usage-import: 'dir.csv' is a directory (expected a CSV file)\n"
    );
    let run = import(&sb).args(["nope.csv"]).fails(1);
    assert_eq!(
        run.stderr(),
        "usage-import: cannot open 'nope.csv': No such file or directory (os error 2)\n"
    );
    // Reading /proc/self/mem at offset 0 fails even for root.
    let run = import(&sb).args(["/proc/self/mem"]).fails(1);
    assert_eq!(
        run.stderr(),
        "usage-import: cannot read '/proc/self/mem': Input/output error (os error 5)\n"
    );
    if unsafe { libc::geteuid() } != 0 {
        use std::os::unix::fs::PermissionsExt;
        write(&sb.path("secret.csv"), SEED);
        std::fs::set_permissions(
            sb.path("secret.csv"),
            std::fs::Permissions::from_mode(0o000),
        )
        .unwrap();
        let run = import(&sb).args(["secret.csv"]).fails(1);
        assert_eq!(
            run.stderr(),
            "usage-import: cannot open 'secret.csv': Permission denied (os error 13)\n"
        );
    }
    assert_eq!(ledger(&sb), before);
}

#[test]
fn an_endless_line_is_refused_in_bounded_memory() {
    let sb = seeded();
    let before = ledger(&sb);
    // 256 MiB without a newline, through a pipe, to a process allowed 128 MiB of address
    // space: buffering the line would abort it; it must refuse the line after the first MiB.
    let mut input = b"Date,A\n13-Mar,".to_vec();
    input.resize(256 << 20, b'7');
    let mut cmd = import(&sb).args(["-"]);
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.0.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 128 << 20,
                rlim_max: 128 << 20,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let run = cmd.stdin(input).fails(1);
    assert_eq!(
        run.stderr(),
        "usage-import: <stdin>: line 2 is longer than 1 MiB: this is not a CSV ledger\n"
    );
    assert_eq!(ledger(&sb), before);
}

fn big_long_file(path: &Path, days: usize) {
    let mut text = String::from("date,location,usage\n");
    let start = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    for d in 0..days {
        let date = start + chrono::Duration::days(d as i64);
        for loc in 0..50 {
            text.push_str(&format!("{date},site{loc},{}.{}\n", d % 97, loc));
        }
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_import_killed_mid_write_leaves_nothing_behind() {
    let sb = seeded();
    let before = ledger(&sb);
    big_long_file(&sb.path("big.csv"), 6000);
    let mut child = import(&sb).args(["big.csv"]).0.spawn().unwrap();
    // Wait until the import is writing (its WAL grows), then kill it.
    let wal = sb.db().with_extension("db-wal");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < (1 << 20) {
        assert!(
            std::time::Instant::now() < deadline,
            "the import never started writing"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it was killed"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(ledger(&sb), before);
    let conn = sb.open_db();
    util::assert_intact(&conn);
}

#[test]
fn a_sampler_writing_every_few_milliseconds_neither_fails_nor_fails_the_import() {
    let sb = Sandbox::new();
    big_long_file(&sb.path("big.csv"), 1500);
    // Create the database first so both start on the same schema.
    import(&sb).args(["locations", "add", "first"]).ok();
    let sampler = sb
        .cmd("usage-sample")
        .args([
            "--no-processes",
            "-q",
            "--interval",
            "0.02",
            "--count",
            "100",
        ])
        .0
        .spawn()
        .unwrap();
    import(&sb).args(["big.csv"]).ok();
    let out = sampler.wait_with_output().unwrap();
    util::assert_clean(&out, "usage-sample");
    let conn = sb.open_db();
    assert_eq!(count(&conn, "SELECT count(*) FROM daily_usage"), 75_000);
    assert_eq!(count(&conn, "SELECT count(*) FROM samples"), 100);
}

#[test]
fn a_terminal_gets_a_progress_bar_and_a_summary_and_cron_gets_silence() {
    let sb = Sandbox::new();
    big_long_file(&sb.path("big.csv"), 5000); // about 6 MB: large enough for a bar
    let exe = env!("CARGO_BIN_EXE_usage-import");
    // script(1) (util-linux) runs the import on a pseudo-terminal.
    let run = sb
        .raw("script")
        .args(["-qec", &format!("{exe} big.csv"), "/dev/null"])
        // A terminal says what it is; without TERM, progress bars stay off as on a dumb one.
        .env("TERM", "xterm")
        .env("USAGE_NOW", NOW)
        .env("TZ", "UTC")
        .ok();
    let screen = run.stdout();
    assert!(
        screen.contains("big.csv [") && screen.contains("MiB"),
        "no progress bar: {run}"
    );
    assert!(
        screen.contains("big.csv: long, 250000 rows, 2000-01-01..2013-09-08: 250000 inserted"),
        "{run}"
    );
    let quiet = import(&sb).args(["big.csv"]).ok();
    assert_eq!(
        (quiet.stdout(), quiet.stderr()),
        (String::new(), String::new())
    );
}

#[test]
fn other_date_formats_by_flag_and_tab_delimiters() {
    let sb = Sandbox::new();
    write(
        &sb.path("us.tsv"),
        "date\tlocation\tusage\n03/13/2024\ta\t1\n",
    );
    let run = import(&sb).args(["us.tsv"]).fails(1);
    assert!(run.stderr().contains("us.tsv:2:1: '03/13/2024' is not a date: there is no month 13 (dates are read day first, as 13/03/2024; use --date-format %m/%d/%Y for month first)"), "{run}");
    import(&sb)
        .args(["--date-format", "%m/%d/%Y", "us.tsv"])
        .ok();
    assert_eq!(bytes(&sb, "a", 20240313), Some(1_000_000_000));
    let run = import(&sb)
        .args(["--date-format", "%Y%m%d", "us.tsv"])
        .fails(1);
    assert!(
        run.stderr()
            .contains("us.tsv:2:1: '03/13/2024' does not match --date-format '%Y%m%d'"),
        "{run}"
    );
}

/// A European export names its date column in its own language: the first row (a date, then
/// amounts) tells the wide layout, and a refusal quotes the header as the file has it.
#[test]
fn a_wide_file_is_told_by_its_dates_whatever_the_header_calls_them() {
    let sb = Sandbox::new();
    write(
        &sb.path("de.csv"),
        "Datum;Büro;Lager\n13.03.2024;9,9;130\n14.03.2024;1,5;2\n",
    );
    write(&sb.path("es.csv"), "Fecha;Oficina\n13/03/2024;9,9\n");
    import(&sb)
        .args(["--decimal-comma", "de.csv", "es.csv"])
        .ok();
    let conn = sb.open_db();
    assert_eq!(count(&conn, "SELECT count(*) FROM daily_usage"), 5);
    assert_eq!(
        count(&conn, "SELECT sum(bytes) FROM daily_usage"),
        9_900_000_000 + 130_000_000_000 + 1_500_000_000 + 2_000_000_000 + 9_900_000_000
    );
    // A first row that is not a date and amounts is still refused, its header quoted as written.
    write(&sb.path("site.csv"), "Site;North\nnorth;1\n");
    let run = import(&sb).arg("site.csv").fails(1);
    assert!(
        run.stderr()
            .contains("from its header 'Site;North' and first row"),
        "{run}"
    );
}
