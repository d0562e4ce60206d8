//! usage-backup: online, compressed, verified backups of the database.

fn main() -> std::process::ExitCode {
    usage::cli::main_with(
        usage::backup::command(),
        usage::backup::run,
        usage::backup::exit_status,
        None,
    )
}
