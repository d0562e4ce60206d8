//! usage-report: answer questions about the stored record.

fn main() -> std::process::ExitCode {
    usage::cli::main(usage::report::command(), usage::report::run)
}
