//! `vitte-wat`: see `vitte-wat --help` and the README.

mod cli;

use clap::Parser;
use std::process::ExitCode;

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
    if args.command.is_one_shot() {
        tune_malloc();
    }
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

/// For a command that compiles one input on one thread and exits: glibc's
/// allocator tuned for millions of small allocations that live to the end.
/// One arena (the worker thread would otherwise get a secondary arena, grown
/// 64 MiB heap by heap with `mprotect`), no fastbins (whose consolidation
/// runs again each time a large buffer is freed or grown), and memory kept
/// rather than given back to the system in between. About 15% less CPU
/// time for `build` of a large program; never used by the multi-threaded
/// commands (`spec`, `difftest`, `run`).
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MXFAST, 0);
        libc::mallopt(libc::M_TOP_PAD, 256 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}
