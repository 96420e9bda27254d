//! wasmtime's errors as [`RunError`]s, with backtraces that name IR
//! functions and their lines in the `.vir` file.
//!
//! Names come from the module's name section (`wast` writes one from the
//! WAT's `$ids`, which the lowering takes from the IR). Lines come from a
//! [`SourceMap`] read from the WAT's `;; fn @name, line N` comments: the
//! line of the function's definition, not of the trapping instruction
//! (wast does not report the binary offset of each instruction).

use super::RunError;
use super::limits::TimedOut;
use crate::value::TrapKind;
use std::collections::HashMap;
use wasmtime::{Trap, WasmBacktrace};

/// Where each lowered function came from in the IR.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    file: String,
    /// wasm function name (its WAT `$id`) -> (IR name, line of `fn @name`).
    funcs: HashMap<String, (String, usize)>,
}

impl SourceMap {
    /// Reads the lowering's comments: a `;; fn @NAME, line N` line followed
    /// by `(func $ID ...`. `file` is the `.vir` file's name for messages.
    pub fn from_wat(wat: &str, file: &str) -> SourceMap {
        let mut funcs = HashMap::new();
        let mut pending: Option<(String, usize)> = None;
        for line in wat.lines().map(str::trim_start) {
            if let Some(rest) = line.strip_prefix(";; fn @") {
                pending = parse_fn_comment(rest);
            } else if let Some(rest) = line.strip_prefix("(func $") {
                let id: String = rest
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != ')')
                    .collect();
                if let Some(source) = pending.take() {
                    funcs.insert(id, source);
                }
            } else if !line.starts_with(";;") {
                pending = None;
            }
        }
        SourceMap {
            file: file.to_string(),
            funcs,
        }
    }

    /// `@name (file:line)` for a lowered IR function.
    fn describe(&self, wasm_name: &str) -> Option<String> {
        let (name, line) = self.funcs.get(wasm_name)?;
        Some(format!("@{name} ({}:{line})", self.file))
    }

    pub fn is_empty(&self) -> bool {
        self.funcs.is_empty()
    }
}

/// `NAME, line N` -> (NAME, N).
fn parse_fn_comment(rest: &str) -> Option<(String, usize)> {
    let (name, line) = rest.split_once(", line ")?;
    Some((name.to_string(), line.trim().parse().ok()?))
}

/// A wasmtime error as a [`RunError`]: traps with their kind, an expired
/// timeout, else [`RunError::Other`]; backtraces rendered with `map`.
pub(crate) fn run_error(e: wasmtime::Error, map: Option<&SourceMap>) -> RunError {
    let backtrace = e.downcast_ref::<WasmBacktrace>().map(|b| render(b, map));
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

/// Whether an error is a trap (rather than a link or host error).
pub(crate) fn is_trap(e: &wasmtime::Error) -> bool {
    e.downcast_ref::<Trap>().is_some() || e.downcast_ref::<TimedOut>().is_some()
}

/// One line per frame, innermost first:
/// `  0: @fib (fib.vir:9), wasm offset 0x2a`.
fn render(trace: &WasmBacktrace, map: Option<&SourceMap>) -> String {
    let mut out = String::from("wasm backtrace:");
    for (i, frame) in trace.frames().iter().enumerate() {
        let wasm_name = frame.func_name();
        let described = wasm_name.and_then(|n| map.and_then(|m| m.describe(n)));
        let name = match (described, wasm_name) {
            (Some(d), _) => d,
            (None, Some(n)) => n.to_string(),
            (None, None) => format!("func[{}]", frame.func_index()),
        };
        out.push_str(&format!("\n  {i}: {name}"));
        if let Some(offset) = frame.module_offset() {
            out.push_str(&format!(", wasm offset {offset:#x}"));
        }
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
        Trap::IndirectCallToNull | Trap::TableOutOfBounds => TrapKind::UndefinedElement,
        Trap::BadSignature => TrapKind::IndirectCallTypeMismatch,
        Trap::StackOverflow => TrapKind::CallStackExhausted,
        Trap::OutOfFuel | Trap::Interrupt => TrapKind::Interrupted,
        // Atomics, GC, exceptions and components are outside the feature set.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_map_reads_the_lowering_comments() {
        let wat = "(module\n  ;; fn @fib, line 9\n  (func $fib (type $t0)\n    ;; entry, line 10\n  )\n  ;; fn @a.b, line 12\n  (func $a.b_1)\n  (func $helper)\n)";
        let map = SourceMap::from_wat(wat, "f.vir");
        assert_eq!(map.describe("fib").as_deref(), Some("@fib (f.vir:9)"));
        assert_eq!(map.describe("a.b_1").as_deref(), Some("@a.b (f.vir:12)"));
        assert_eq!(map.describe("helper"), None);
    }
}
