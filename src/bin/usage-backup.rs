//! usage-backup: online, compressed, verified backups of the database.

fn main() -> std::process::ExitCode {
    usage::cli::main(usage::backup::command(), usage::backup::run)
}
