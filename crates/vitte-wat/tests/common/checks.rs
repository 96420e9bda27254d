//! Running a case's checks (`;; run:` / `;; trap:`) in the reference
//! interpreter, in wasmtime, and as a spec script: what the golden and the
//! linking tests both do.

use std::path::Path;
use vitte_codegen_wasm64::interp::{InterpError, Interpreter};
use vitte_codegen_wasm64::ir::{Module, Target};
use vitte_codegen_wasm64::value::Value;
use vitte_runtime::{RunError, Runtime};
use vitte_wat::filetest::{self, TypedCheck, TypedExpect};
use vitte_wat::spec;

/// Runs a spec script of one module and `checks` directives: every
/// directive must pass, and none may be skipped.
pub fn replay_script(
    runtime: &Runtime,
    path: &Path,
    script: &str,
    checks: usize,
) -> Result<(), String> {
    let report = spec::run_script(runtime, &super::relative(path), script)?;
    if !report.failures.is_empty() {
        let lines: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
        return Err(lines.join("\n"));
    }
    if report.passed != checks + 1 {
        return Err(format!(
            "{} directives passed, expected {}",
            report.passed,
            checks + 1
        ));
    }
    Ok(())
}

/// Makes each check's call, in order, on one interpreter instance.
pub fn interpret_checks(
    module: &Module,
    target: Target,
    checks: &[TypedCheck],
) -> Result<(), String> {
    let mut interp = Interpreter::new(module, target).map_err(|d| d.to_string())?;
    for check in checks {
        let outcome = interp.call(&check.func, &check.args);
        let trap = match &outcome {
            Err(InterpError::Trap(t)) => Some(t.kind.message()),
            _ => None,
        };
        compare(check, outcome.map_err(|e| e.to_string()), trap)?;
    }
    Ok(())
}

/// Makes each check's call, in order, on one wasmtime instance.
pub fn run_checks(runtime: &Runtime, wasm: &[u8], checks: &[TypedCheck]) -> Result<(), String> {
    let mut instance = runtime.instantiate(wasm).map_err(|e| e.to_string())?;
    for check in checks {
        let outcome = instance.invoke(&check.func, &check.args);
        let trap = match &outcome {
            Err(RunError::Trap { kind, .. }) => Some(kind.message()),
            _ => None,
        };
        compare(check, outcome.map_err(|e| e.to_string()), trap)?;
    }
    Ok(())
}

/// Compares one outcome with a check; `trap` is the trap message, if any.
fn compare(
    check: &TypedCheck,
    outcome: Result<Vec<Value>, String>,
    trap: Option<&str>,
) -> Result<(), String> {
    let ok = match (&check.expect, &outcome, trap) {
        (TypedExpect::Return(expected), Ok(values), _) => filetest::results_match(expected, values),
        (TypedExpect::Trap(kind), Err(_), Some(message)) => kind.message() == message,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let expected = match &check.expect {
        TypedExpect::Return(values) => tuple(values),
        TypedExpect::Trap(kind) => format!("trap `{kind}`"),
    };
    let actual = match &outcome {
        Ok(values) => tuple(values),
        Err(e) => e.clone(),
    };
    Err(format!("{}: expected {expected}, got {actual}", check.func))
}

fn tuple<T: std::fmt::Display>(values: &[T]) -> String {
    let parts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    format!("({})", parts.join(", "))
}
