//! The frontend-style benchmark set (`bench/frontend/`, issue 16): each
//! `NAME.nf` lowered by the naive frontend (crates/naive-frontend) must give
//! its checked-in `NAME.vir` byte for byte (nobody edits those by hand:
//! `bench/frontend/generate.sh` rewrites them), and that IR must verify and
//! return the same results in the reference interpreter and compiled for
//! wasm64 and wasm32, and the same as its hand-written SSA twin
//! (`bench/programs/NAME.vir`) where it has one. The C twins are checked
//! against them by the benchmark (`bench/codegen.sh`, it needs clang).

mod common;

use std::path::Path;
use std::sync::OnceLock;

use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::diag::{SourceFile, render_list};
use vitte_codegen_wasm64::interp::Interpreter;
use vitte_codegen_wasm64::ir::{Module, Target};
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
    ("interp", &[0, 1, 100]),
    ("crc32", &[0, 1, 3]),
    ("fannkuch", &[-1, 0, 1, 2, 3, 6]),
    ("vec3", &[0, 1, 2]),
    ("hashtab", &[0, 1, 100, 3000]),
];

/// Sources the frontend must refuse, each with the position of the error
/// it must name (and no panic).
const BAD_SOURCES: &[(&str, &str)] = &[
    ("(fn f () i32", "1:1: unclosed `(`"),
    ("(fn f () i32 (return x))", "1:22: unknown name `x`"),
    (
        "(fn f ((a i32)) i64\n  (return a))",
        "2:11: expected i64, found i32",
    ),
    (
        "(fn f () void (break))",
        "1:15: `break` or `continue` outside a loop",
    ),
    (
        "(fn f () i32 (return (+ 1 2.5)))",
        "1:27: expected i32, found f64",
    ),
    (
        "(struct S (a i32))\n(fn f ((p (ptr S))) i32 (return (fget p b)))",
        "2:41: struct S has no field `b`",
    ),
    (
        "(fn f () i32 (return (g 1)))",
        "1:22: unknown function or operator `g`",
    ),
    (
        "(fn f ((x i32)) i32 (switch x (case 1) (case 1)) (return 0))",
        "1:46: case 1 twice",
    ),
    (
        "(data d i32 \"abc\")",
        "1:1: expected `(data NAME TYPE COUNT|(VALUES...)|\"BYTES\")`",
    ),
    (
        "(fn f () i32 (return 99999999999999999999))",
        "1:22: bad integer literal `99999999999999999999`",
    ),
    (
        "(bogus)",
        "1:1: expected `(struct ...)`, `(data ...)`, `(fn ...)` or `(pub fn ...)`",
    ),
];

/// One test per program (`cargo test --release -p vitte-wat --test
/// frontend_programs sieve`), one that the table above lists exactly the
/// programs there are, and one for the frontend's errors.
fn main() {
    let dir = common::root().join("bench/frontend");
    let files = common::files_with_extension(&dir, "nf");
    let names: Vec<String> = files.iter().map(|f| stem(f)).collect();
    let mut trials = vec![
        common::trial("every_program_has_workloads", move || {
            let mut listed: Vec<&str> = WORKLOADS.iter().map(|(n, _)| *n).collect();
            listed.sort();
            match names == listed {
                true => Ok(()),
                false => Err(format!("programs {names:?}, workloads for {listed:?}")),
            }
        }),
        common::trial("bad_sources_are_errors", bad_sources),
    ];
    trials.extend(common::file_trials(&files, check_program));
    common::run_trials(trials)
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| Runtime::new().expect("wasmtime starts"))
}

fn bad_sources() -> Result<(), String> {
    // Nesting deep enough to overflow a recursive reader's stack.
    let deep = "(".repeat(100_000);
    let deep_error = ("1:201: lists nested more than 200 deep", deep.as_str());
    let cases = BAD_SOURCES.iter().map(|&(s, e)| (e, s)).chain([deep_error]);
    for (expected, source) in cases {
        match naive_frontend::compile_to_vir(source) {
            Ok(_) => return Err(format!("accepted {:?}", &source[..source.len().min(80)])),
            Err(e) if e.to_string() == expected => {}
            Err(e) => {
                let source = &source[..source.len().min(80)];
                return Err(format!("{source:?}: `{e}`, expected `{expected}`"));
            }
        }
    }
    Ok(())
}

fn load(path: &Path) -> Result<Module, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = SourceFile::new(common::relative(path), text);
    text::load(&file).map_err(|ds| render_list(&ds))
}

fn check_program(path: &Path) -> Result<(), String> {
    let name = stem(path);
    let args = WORKLOADS
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| format!("{name}: no workloads in WORKLOADS"))?
        .1;
    // (a) The checked-in IR is what the frontend writes.
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let generated = naive_frontend::compile_to_vir(&source)
        .map_err(|e| format!("{}:{e}", common::relative(path)))?;
    let vir = path.with_extension("vir");
    let checked_in = std::fs::read_to_string(&vir).unwrap_or_default();
    if generated != checked_in {
        return Err(format!(
            "{} is not what the frontend writes (run bench/frontend/generate.sh):\n{}",
            common::relative(&vir),
            common::line_diff(&checked_in, &generated)
        ));
    }
    // (b) It verifies (compile_module does), and the interpreter, wasm64,
    // wasm32 and the SSA twin agree.
    let module = load(&vir)?;
    let twin_path = common::root().join(format!("bench/programs/{name}.vir"));
    let twin = match twin_path.exists() {
        true => Some(load(&twin_path)?),
        false => None,
    };
    for target in [Target::Wasm64, Target::Wasm32] {
        let compiled = WasmBackend::new()
            .compile_module(&module, target)
            .map_err(|e| format!("{name} ({target}): {e}"))?;
        let program = runtime()
            .compile(&compiled.wasm)
            .map_err(|e| format!("{name} ({target}): {e}"))?;
        let mut interp = Interpreter::new(&module, target).map_err(|d| d.to_string())?;
        for &arg in args {
            let expected = interp
                .call(&name, &[Value::I32(arg)])
                .map_err(|e| format!("{name}({arg}) ({target}, interpreter): {e}"))?;
            let mut instance = runtime()
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
            if let Some(twin) = &twin {
                let mut twin_interp = Interpreter::new(twin, target).map_err(|d| d.to_string())?;
                let theirs = twin_interp
                    .call(&name, &[Value::I32(arg)])
                    .map_err(|e| format!("{name}({arg}) ({target}, SSA twin): {e}"))?;
                if theirs != expected {
                    return Err(format!(
                        "{name}({arg}) ({target}): frontend set {expected:?}, SSA twin {theirs:?}"
                    ));
                }
            }
        }
    }
    Ok(())
}
