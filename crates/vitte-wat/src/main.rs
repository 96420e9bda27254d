//! `vitte-wat`: see `vitte-wat --help` and the README.

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc, for the command line only (the library leaves the choice to
/// its user): a compilation makes millions of small allocations, and large
/// modules are lowered on several threads, where glibc's arenas contend.
/// About 20% less time for `build` of a large program than glibc's malloc.
/// Built without transparent huge pages (`no_thp`): their faults made the
/// system time of one `build` vary from 0.05 s to 1.3 s.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // clap's own exit status for a bad command line is 2, which is the
    // status of a trap here: report it as an error in the command (1).
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return match e.use_stderr() {
                true => ExitCode::from(1),
                false => ExitCode::SUCCESS,
            };
        }
    };
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
