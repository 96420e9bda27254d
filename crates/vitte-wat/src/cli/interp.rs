//! `vitte-wat interp`: one function of a .vir file in the reference
//! interpreter, with `run`'s limits and exit statuses; a threads program's
//! threads interleaved as `--quantum` and `--seed` say.

use super::commands::{load_ir, print_results};
use super::run::{EXIT_FUEL, EXIT_TIMEOUT, parse_duration};
use super::{Failure, TargetArg};
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;
use vitte_codegen_wasm64::interp::{InterpError, Interpreter, ThreadOptions};
use vitte_codegen_wasm64::value::{TrapKind, Value};

/// A backtrace longer than twice this shows its first and last this many
/// frames, and how many it leaves out between them.
const SHOWN_FRAMES: usize = 10;

/// A function to call, its arguments and the limits of the call.
#[derive(Args)]
pub struct InterpArgs {
    /// A .vir file, or `-` for stdin.
    pub file: PathBuf,
    /// The function to call (any function, public or private).
    #[arg(long)]
    pub invoke: String,
    /// Arguments, read with the function's parameter types (after `--`
    /// when one starts with `-` and is not a number, like `-inf`).
    #[arg(allow_negative_numbers = true)]
    pub args: Vec<String>,
    /// The target the module is interpreted for (its memory map and `ptr`).
    #[arg(long, value_enum, default_value = "wasm64")]
    pub target: TargetArg,
    /// Stop the guest after N units of fuel (one per IR instruction or
    /// terminator): exit status 3.
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,
    /// Stop the guest after this much wall-clock time (`500ms`, `2s`, `1.5m`;
    /// a bare number is seconds): exit status 4.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// For a threads program (one that imports `wasi`.`thread-spawn`): the
    /// instructions a thread runs before the next runnable one takes over.
    #[arg(long, value_name = "N", default_value_t = ThreadOptions::default().quantum,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub quantum: u64,
    /// For a threads program: each slice of a thread is 1 to 2 x quantum
    /// instructions long, drawn by a generator seeded with S (without it,
    /// every slice is the quantum). The same seed gives the same run.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
}

pub fn run(args: InterpArgs) -> Result<(), Failure> {
    let target = args.target.into();
    let module = load_ir(&args.file)?;
    let name = &args.invoke;
    let id = module
        .func_by_name(name)
        .ok_or_else(|| Failure::error(format!("no function `@{name}`")))?;
    let sig = &module.func(id).sig;
    if sig.params.len() != args.args.len() {
        return Err(Failure::error(format!(
            "`@{name}` takes {} arguments, {} given",
            sig.params.len(),
            args.args.len()
        )));
    }
    let values = (args.args.iter())
        .zip(&sig.params)
        .map(|(text, ty)| Value::parse(text, *ty, target).map_err(Failure::error))
        .collect::<Result<Vec<_>, _>>()?;
    let mut interp =
        Interpreter::new(&module, target).map_err(|d| Failure::error(d.to_string()))?;
    interp.set_fuel(args.fuel);
    interp.set_timeout(args.timeout);
    interp.set_threads(ThreadOptions {
        quantum: args.quantum,
        seed: args.seed,
    });
    match interp.call(name, &values) {
        Ok(results) => {
            print_results(&results);
            Ok(())
        }
        Err(InterpError::Trap(trap))
            if trap.kind == TrapKind::Interrupted && args.fuel.is_some() =>
        {
            Err(Failure::Status(
                EXIT_FUEL,
                format!(
                    "error: the guest exceeded its fuel (--fuel {}){}\n{}",
                    args.fuel.unwrap_or_default(),
                    in_thread(trap.thread),
                    backtrace(&trap.backtrace)
                ),
            ))
        }
        Err(InterpError::Trap(trap)) => Err(Failure::Trap(format!(
            "trap: {}{}\n{}",
            trap.kind,
            in_thread(trap.thread),
            backtrace(&trap.backtrace)
        ))),
        Err(InterpError::Timeout {
            limit,
            backtrace: frames,
        }) => Err(Failure::Status(
            EXIT_TIMEOUT,
            format!(
                "error: the guest exceeded its timeout (--timeout {limit:?})\n{}",
                backtrace(&frames)
            ),
        )),
        Err(other) => Err(Failure::error(other.to_string())),
    }
}

/// ` (in thread N)` for a spawned thread; nothing for the main one.
fn in_thread(thread: u32) -> String {
    match thread {
        0 => String::new(),
        n => format!(" (in thread {n})"),
    }
}

/// `backtrace:` and one line per frame, innermost first (`  0: @f`); of a
/// deep one, the first and last [`SHOWN_FRAMES`] around
/// `  ... N frames elided ...`.
fn backtrace(frames: &[String]) -> String {
    let line = |i: usize| format!("  {i}: @{}", frames[i]);
    let mut lines = vec!["backtrace:".to_string()];
    if frames.len() <= 2 * SHOWN_FRAMES + 1 {
        lines.extend((0..frames.len()).map(line));
    } else {
        let last = frames.len() - SHOWN_FRAMES;
        lines.extend((0..SHOWN_FRAMES).map(line));
        lines.push(format!("  ... {} frames elided ...", last - SHOWN_FRAMES));
        lines.extend((last..frames.len()).map(line));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_backtraces_keep_both_ends() {
        let frames: Vec<String> = (0..100_000).map(|i| format!("f{i}")).collect();
        let text = backtrace(&frames);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 2 * SHOWN_FRAMES + 1);
        assert_eq!(lines[1], "  0: @f0");
        assert_eq!(lines[SHOWN_FRAMES], "  9: @f9");
        assert_eq!(lines[SHOWN_FRAMES + 1], "  ... 99980 frames elided ...");
        assert_eq!(lines.last(), Some(&"  99999: @f99999"));
        let short = backtrace(&frames[..21]);
        assert_eq!(short.lines().count(), 22);
        assert!(!short.contains("elided"));
    }
}
