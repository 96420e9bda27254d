//! `vitte-wat`: see `vitte-wat --help` and the README.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    // Deeply nested input is handled iteratively where it can be; the big
    // stack is a safety margin for the recursive parts (the WAT printer and
    // assembler) on large generated programs.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || cli::run(args));
    let outcome = match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| Err(cli::Failure::error("internal error: the command panicked"))),
        Err(e) => Err(cli::Failure::error(format!("cannot start: {e}"))),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match &failure {
                cli::Failure::Error(message) => eprintln!("error: {message}"),
                cli::Failure::Trap(message) => eprintln!("{message}"),
                cli::Failure::Status(_, message) if message.is_empty() => {}
                cli::Failure::Status(_, message) => eprintln!("{message}"),
            }
            ExitCode::from(failure.exit_code() as u8)
        }
    }
}
