//! A program's function run by the reference interpreter and by wasmtime,
//! on both targets: the check the bench-program and frontend-program tests
//! share.
#![allow(dead_code)]

use std::sync::OnceLock;
use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::interp::Interpreter;
use vitte_codegen_wasm64::ir::{Module, Target};
use vitte_codegen_wasm64::value::Value;
use vitte_runtime::Runtime;

/// The one wasmtime of a test binary.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| Runtime::new().expect("wasmtime starts"))
}

/// Calls `name(arg)` for each of `args` in the interpreter and in wasmtime
/// (a fresh instance per call, as the interpreter's memory is not reset
/// either way: each entry reinitialises its data), on wasm64 and wasm32;
/// an error at the first disagreement. Returns each call's result, with its
/// target and argument, for further comparisons.
pub fn interpreter_and_wasmtime_agree(
    module: &Module,
    name: &str,
    args: &[i32],
) -> Result<Vec<(Target, i32, Vec<Value>)>, String> {
    let mut results = Vec::new();
    for target in [Target::Wasm64, Target::Wasm32] {
        let compiled = WasmBackend::new()
            .compile_module(module, target)
            .map_err(|e| format!("{name} ({target}): {e}"))?;
        let program = runtime()
            .compile(&compiled.wasm)
            .map_err(|e| format!("{name} ({target}): {e}"))?;
        let mut interp = Interpreter::new(module, target).map_err(|d| d.to_string())?;
        for &arg in args {
            let expected = interp
                .call(name, &[Value::I32(arg)])
                .map_err(|e| format!("{name}({arg}) ({target}, interpreter): {e}"))?;
            let mut instance = runtime()
                .session()
                .target(target)
                .instantiate(&program)
                .map_err(|e| e.to_string())?;
            let got = instance
                .invoke(name, &[Value::I32(arg)])
                .map_err(|e| format!("{name}({arg}) ({target}, wasmtime): {e}"))?;
            if got != expected {
                return Err(format!(
                    "{name}({arg}) ({target}): wasmtime {got:?}, interpreter {expected:?}"
                ));
            }
            results.push((target, arg, expected));
        }
    }
    Ok(results)
}
