//! usage-import: load CSV ledgers of data usage per location and day.

fn main() -> std::process::ExitCode {
    usage::cli::main(usage::import::command(), usage::import::run)
}
