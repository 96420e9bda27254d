//! The generated-code benchmark's programs (`bench/programs/*.vir`, see
//! `bench/codegen.sh`) with small workloads: each entry's result in the
//! reference interpreter (the oracle) must be what the compiled module
//! returns in wasmtime, on wasm64 and on wasm32. Their C twins are checked
//! against them by the benchmark itself (it needs clang).

mod common;

use std::path::Path;

use vitte_codegen_wasm64::diag::{SourceFile, render_list};
use vitte_codegen_wasm64::text;

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

/// One test per program, named by its path (`cargo test --release -p
/// vitte-wat --test bench_programs sieve`), and one that the table above
/// lists exactly the programs there are.
fn main() {
    let files = common::files_with_extension(&common::root().join("bench/programs"), "vir");
    let names: Vec<String> = files.iter().map(|f| stem(f)).collect();
    let mut trials = vec![common::trial("every_program_has_workloads", move || {
        let mut listed: Vec<&str> = WORKLOADS.iter().map(|(n, _)| *n).collect();
        listed.sort();
        match names == listed {
            true => Ok(()),
            false => Err(format!("programs {names:?}, workloads for {listed:?}")),
        }
    })];
    trials.extend(common::file_trials(&files, check_program));
    common::run_trials(trials)
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// One engine for every program (shared by the trials' threads).
fn check_program(path: &Path) -> Result<(), String> {
    let name = stem(path);
    let args = WORKLOADS
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| format!("{name}: no workloads in WORKLOADS"))?
        .1;
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let file = SourceFile::new(common::relative(path), text);
    let module = text::load(&file).map_err(|ds| format!("{name}: {}", render_list(&ds)))?;
    common::agree::interpreter_and_wasmtime_agree(&module, &name, args)?;
    Ok(())
}
