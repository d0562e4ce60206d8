//! usage-sample: take one sample of the machine and store it.

fn main() -> std::process::ExitCode {
    usage::cli::main(usage::sample::command(), usage::sample::run)
}
