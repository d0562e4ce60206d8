//! usage-alert: rules over the stored record that notify once, remind, escalate and resolve.

fn main() -> std::process::ExitCode {
    usage::cli::main(usage::alert::command(), usage::alert::run)
}
