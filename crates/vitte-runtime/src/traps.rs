//! wasmtime's errors as [`RunError`]s, with backtraces that name IR
//! functions and the `file:line:col` of each frame's instruction, from the
//! module's DWARF (`frames.rs`).

use super::RunError;
use super::frames;
use super::limits::TimedOut;
use super::symbols::DebugSections;
use crate::value::TrapKind;
use wasmtime::{Trap, WasmBacktrace};

/// A wasmtime error as a [`RunError`]: traps with their kind, an expired
/// timeout, else [`RunError::Other`]; with the wasm backtrace. `debug` is
/// the program's DWARF when its engine keeps none (a sampling runtime's):
/// the frames are then looked up in it, to read the same.
pub(crate) fn run_error(e: wasmtime::Error, debug: Option<&DebugSections>) -> RunError {
    let backtrace = e
        .downcast_ref::<WasmBacktrace>()
        .map(|trace| render(trace, debug));
    let with_backtrace = |first: String| match &backtrace {
        Some(trace) => format!("{first}\n{trace}"),
        None => first,
    };
    if let Some(timed_out) = e.downcast_ref::<TimedOut>() {
        return RunError::Timeout {
            limit: timed_out.0,
            message: with_backtrace(timed_out.to_string()),
        };
    }
    if let Some(reason) = guest_fault(&e) {
        return RunError::GuestFault {
            message: with_backtrace(format!("wasm trap: {reason}")),
            reason,
        };
    }
    match e.downcast_ref::<Trap>().copied() {
        Some(trap) => match trap_kind(trap) {
            Some(kind) => RunError::Trap {
                kind,
                message: with_backtrace(trap.to_string()),
            },
            None => RunError::Other(full_text(&e)),
        },
        None => RunError::Other(full_text(&e)),
    }
}

/// What the guest did, when an error out of a WASI call is the guest's
/// fault, which WASI makes a trap: wasmtime-wasi turns a pointer out of
/// bounds, overflowing or misaligned into a trap carrying wiggle's
/// [`GuestError`](wiggle::GuestError) (the other guest errors become an
/// errno the guest sees). Two more come as plain messages (wasmtime-wasi
/// is pinned, `=48.0.8`, and tests/run_cli.rs checks each): an exit status
/// outside 0..126, and a module that imports WASI without exporting its
/// memory. Anything else from the host (an I/O failure, a host function's
/// error) stays [`RunError::Other`].
fn guest_fault(e: &wasmtime::Error) -> Option<String> {
    use wiggle::GuestError;
    for cause in e.chain() {
        let Some(mut guest) = cause.downcast_ref::<GuestError>() else {
            continue;
        };
        while let GuestError::InFunc { err, .. } = guest {
            guest = err;
        }
        return Some(match guest {
            GuestError::PtrOutOfBounds(_) | GuestError::PtrOverflow => {
                format!("out of bounds memory access (a pointer passed to WASI: {guest})")
            }
            GuestError::PtrNotAligned(..) => {
                format!("misaligned pointer passed to WASI ({guest})")
            }
            other => format!("invalid WASI call ({other})"),
        });
    }
    e.chain().find_map(|cause| {
        let text = cause.to_string();
        if text.starts_with("exit with invalid exit status") {
            Some(format!("proc_exit: {text}"))
        } else if text == "missing required memory export" {
            Some("the module calls WASI but exports no `memory`".into())
        } else {
            None
        }
    })
}

/// Whether an error is a trap (rather than a link or host error).
pub(crate) fn is_trap(e: &wasmtime::Error) -> bool {
    e.downcast_ref::<Trap>().is_some()
        || e.downcast_ref::<TimedOut>().is_some()
        || guest_fault(e).is_some()
}

/// One line per frame, innermost first, the functions inlined into a wasm
/// frame's function each a frame of their own:
/// `  0: @div (prog.vir:3:3), wasm offset 0x72`.
fn render(trace: &WasmBacktrace, debug: Option<&DebugSections>) -> String {
    // wasmtime looked the frames up unless the engine keeps no DWARF.
    let unsymbolized = trace.frames().iter().all(|f| f.symbols().is_empty());
    let symbolizer = debug
        .filter(|_| unsymbolized)
        .and_then(DebugSections::symbolizer);
    let mut out = String::from("wasm backtrace:");
    let lines =
        trace
            .frames()
            .iter()
            .flat_map(|frame| match (&symbolizer, frame.module_offset()) {
                (Some(own), Some(offset)) => frames::describe_in(frame, &own.lookup(offset)),
                _ => frames::describe(frame),
            });
    for (i, line) in lines.enumerate() {
        out.push_str(&format!("\n  {i}: {line}"));
    }
    out
}

/// The message, then wasmtime's context, without the host's Rust backtrace
/// that `{:?}` would add.
pub(crate) fn full_text(e: &wasmtime::Error) -> String {
    let mut parts: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    parts.reverse();
    parts.join("\n")
}

/// The spec-level kind of a wasmtime trap, for the traps the backend's
/// feature set can raise.
fn trap_kind(trap: Trap) -> Option<TrapKind> {
    Some(match trap {
        Trap::UnreachableCodeReached => TrapKind::Unreachable,
        Trap::IntegerDivisionByZero => TrapKind::IntegerDivideByZero,
        Trap::IntegerOverflow => TrapKind::IntegerOverflow,
        Trap::BadConversionToInteger => TrapKind::InvalidConversion,
        Trap::MemoryOutOfBounds => TrapKind::OutOfBounds,
        Trap::IndirectCallToNull => TrapKind::UninitializedElement,
        Trap::TableOutOfBounds => TrapKind::UndefinedElement,
        Trap::BadSignature => TrapKind::IndirectCallTypeMismatch,
        Trap::StackOverflow => TrapKind::CallStackExhausted,
        Trap::OutOfFuel | Trap::Interrupt => TrapKind::Interrupted,
        Trap::HeapMisaligned => TrapKind::UnalignedAtomic,
        Trap::AtomicWaitNonSharedMemory => TrapKind::ExpectedSharedMemory,
        // GC, exceptions and components are outside the feature set.
        _ => return None,
    })
}
