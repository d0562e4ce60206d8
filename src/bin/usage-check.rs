//! usage-check: integrity, freshness and backup health, as a monitoring plugin.

fn main() -> std::process::ExitCode {
    usage::cli::main(usage::check::command(), usage::check::run)
}
