//! The generated-code benchmark's programs (`bench/programs/*.vir`, see
//! `bench/codegen.sh`) with small workloads: each entry's result in the
//! reference interpreter (the oracle) must be what the compiled module
//! returns in wasmtime, on wasm64 and on wasm32. Their C twins are checked
//! against them by the benchmark itself (it needs clang).

mod common;

use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::interp::Interpreter;
use vitte_codegen_wasm64::ir::Target;
use vitte_codegen_wasm64::text;
use vitte_codegen_wasm64::value::Value;
use vitte_runtime::Runtime;

/// Each program's entry (its file name) and small workloads.
const WORKLOADS: &[(&str, &[i32])] = &[
    ("fib", &[0, 1, 2, 15]),
    ("sieve", &[0, 2, 1000, 5000]),
    ("matmul", &[0, 1, 7]),
    ("quicksort", &[0, 1, 2, 300]),
    ("nbody", &[0, 1, 20]),
    ("fnv", &[0, 1, 2]),
    ("bintree", &[0, 4, 6]),
    ("strsearch", &[0, 3, 2000]),
];

#[test]
fn bench_programs_match_the_interpreter_on_both_targets() {
    let dir = common::root().join("bench/programs");
    let files = common::files_with_extension(&dir, "vir");
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let listed: Vec<&str> = WORKLOADS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, {
        let mut l = listed.clone();
        l.sort();
        l
    });
    let runtime = Runtime::new().expect("wasmtime starts");
    common::run_all(&files, |path| {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let args = WORKLOADS.iter().find(|(n, _)| *n == name).unwrap().1;
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let file = SourceFile::new(common::relative(path), text);
        let module = text::load(&file).map_err(|ds| format!("{name}: {ds:?}"))?;
        for target in [Target::Wasm64, Target::Wasm32] {
            let compiled = WasmBackend::new()
                .compile_module(&module, target)
                .map_err(|e| format!("{name} ({target}): {e}"))?;
            let program = runtime
                .compile(&compiled.wasm)
                .map_err(|e| format!("{name} ({target}): {e}"))?;
            let mut interp = Interpreter::new(&module, target).map_err(|d| d.to_string())?;
            for &arg in args {
                let expected = interp
                    .call(&name, &[Value::I32(arg)])
                    .map_err(|e| format!("{name}({arg}) ({target}, interpreter): {e}"))?;
                // A fresh instance per call, as the interpreter's memory is
                // not reset either way: each entry reinitialises its data.
                let mut instance = runtime
                    .session()
                    .target(target)
                    .instantiate(&program)
                    .map_err(|e| e.to_string())?;
                let got = instance
                    .invoke(&name, &[Value::I32(arg)])
                    .map_err(|e| format!("{name}({arg}) ({target}, wasmtime): {e}"))?;
                if got != expected {
                    return Err(format!(
                        "{name}({arg}) ({target}): wasmtime {got:?}, interpreter {expected:?}"
                    ));
                }
            }
        }
        Ok(())
    });
}
