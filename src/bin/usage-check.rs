//! usage-check: integrity, freshness and backup health, as a monitoring plugin.

fn main() -> std::process::ExitCode {
    // Monitoring plugins answer UNKNOWN (3) to a wrong command line, not 2 (CRITICAL).
    usage::cli::main_with(
        usage::check::command(),
        usage::check::run,
        usage::check::exit_status,
        Some(3),
    )
}
