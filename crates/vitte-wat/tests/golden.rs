//! Golden tests of the lowering.
//!
//! For each `tests/cases/**/*.vir`, whose checks are written in its comments
//! (`;; run: fib(20) == 6765`, `;; trap: div(1, 0) -> integer divide by zero`):
//! 1. for each target, the WAT and one directive per check make a spec-style
//!    script, `spec-tests/lowering/<name>.wast` for wasm64 and
//!    `<name>.wasm32.wast` beside it, which must match the checked-in file
//!    (`VITTE_BLESS=1` rewrites it; review the diff like code);
//! 2. each script runs in wasmtime through the crate's spec runner;
//! 3. the same checks run in the reference interpreter, for both targets.
//!
//! Compiling twice must give byte-identical WAT and wasm.
//!
//! The scripts are compiled at the default level (`-O2`). A case may ask
//! for more with `;; opt: WORDS` lines, each a level then passes switched
//! off (`no-NAME`) or on (`NAME`) as `lower::Options::from_words` reads
//! them: `;; opt: O0`, `;; opt: O2 no-load-cse`. Each gets its own script,
//! the words joined by dots before the extension
//! (`<name>.O2.no-load-cse.wast`), so that the diff between two scripts
//! shows what one pass does to the WAT; the checks run on each.
//!
//! One test per case, named by its path: `cargo test --release fib` runs
//! `tests/cases/fib.vir` alone.

mod common;

use common::checks;
use vitte_codegen_wasm64::text;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::ir::{Module, Target};
use vitte_codegen_wasm64::lower::Options;
use vitte_runtime::Runtime;
use vitte_wat::filetest::{self, TypedCheck};

fn cases_dir() -> PathBuf {
    common::root().join("tests/cases")
}

fn golden_dir() -> PathBuf {
    common::root().join("spec-tests/lowering")
}

/// `spec-tests/lowering/<path under tests/cases>.wast`, or `.wasm32.wast`;
/// a variant's words (`;; opt: O0`) before the extension: `.O0.wast`.
fn golden_path(case: &Path, target: Target, variant: &[&str]) -> PathBuf {
    let rel = case
        .strip_prefix(cases_dir())
        .expect("case under tests/cases");
    let extension = match target {
        Target::Wasm64 => "wast",
        Target::Wasm32 => "wasm32.wast",
    };
    let extension = (variant.iter().copied())
        .chain([extension])
        .collect::<Vec<_>>()
        .join(".");
    golden_dir().join(rel).with_extension(extension)
}

/// The case's `;; opt: WORDS` lines, each with its options.
fn variants(file: &SourceFile) -> Result<Vec<(Vec<&str>, Options)>, String> {
    let mut out = Vec::new();
    for (n, line) in file.text.lines().enumerate() {
        let Some(words) = line.trim().strip_prefix(";; opt:") else {
            continue;
        };
        let options =
            Options::from_words(words).map_err(|e| format!("{}:{}: {e}", file.name, n + 1))?;
        out.push((words.split_whitespace().collect(), options));
    }
    Ok(out)
}

fn main() {
    let (files, enough) = common::golden_cases();
    let mut trials = vec![
        enough,
        common::trial(
            "every_golden_script_has_a_case",
            every_golden_script_has_a_case,
        ),
    ];
    trials.extend(common::file_trials(&files, |path| {
        check_case(runtime(), path)
    }));
    common::run_trials(trials)
}

/// One engine for every case (it is shared by the trials' threads).
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| Runtime::new().expect("wasmtime starts"))
}

fn every_golden_script_has_a_case() -> Result<(), String> {
    let scripts = common::files_with_extension(&golden_dir(), "wast");
    let orphans: Vec<String> = scripts
        .iter()
        .filter(|script| {
            let rel = script.strip_prefix(golden_dir()).expect("under golden dir");
            // The case is named by what comes before the first dot.
            let rel = rel.to_string_lossy();
            let file_start = rel.rfind('/').map_or(0, |i| i + 1);
            let stem_end = rel[file_start..]
                .find('.')
                .map_or(rel.len(), |i| file_start + i);
            !cases_dir()
                .join(format!("{}.vir", &rel[..stem_end]))
                .exists()
        })
        .map(|s| common::relative(s))
        .collect();
    match orphans.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "golden scripts without a case (delete them): {orphans:?}"
        )),
    }
}

fn check_case(runtime: &Runtime, path: &Path) -> Result<(), String> {
    let name = common::relative(path);
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let file = SourceFile::new(name.clone(), text);
    let module =
        text::load(&file).map_err(|ds| format!("{name}:\n{}", common::render_errors(&ds)))?;
    let checks =
        filetest::parse_checks(&file).map_err(|d| format!("{}", d.with_file(Some(&file))))?;
    if checks.is_empty() {
        return Err(format!("{name}: no `;; run:` or `;; trap:` checks"));
    }
    let typed = |target| {
        checks
            .iter()
            .map(|c| {
                c.typed(&module, target)
                    .map_err(|d| d.with_file(Some(&file)).to_string())
            })
            .collect::<Result<Vec<TypedCheck>, String>>()
    };
    let mut all = vec![(Vec::new(), Options::default())];
    all.extend(variants(&file)?);
    for target in [Target::Wasm64, Target::Wasm32] {
        let checks = typed(target)?;
        for (words, options) in &all {
            let script = golden_script(&module, &name, target, &checks, words, *options)?;
            let golden = golden_path(path, target, words);
            common::check_golden(&golden, &script)?;
            checks::replay_script(runtime, &golden, &script, checks.len())?;
        }
        checks::interpret_checks(&module, target, &checks)
            .map_err(|e| format!("{name} ({target}, interpreter): {e}"))?;
    }
    Ok(())
}

/// The script for a target, after checking that compiling is deterministic.
fn golden_script(
    module: &Module,
    name: &str,
    target: Target,
    checks: &[TypedCheck],
    words: &[&str],
    options: Options,
) -> Result<String, String> {
    let backend = WasmBackend::with_options(options);
    let compile = || {
        backend
            .compile_module(module, target)
            .map_err(|e| format!("{name} ({target}): {e}"))
    };
    let first = compile()?;
    if compile()? != first {
        return Err(format!("{name} ({target}): two compilations differ"));
    }
    let level = match words {
        [] => String::new(),
        words => format!(", -{}", words.join(" ")),
    };
    let header = format!(
        "Generated from {name} by tests/golden.rs ({target}{level}): do not edit.\n\
         `VITTE_BLESS=1 cargo test --release --test golden` rewrites it."
    );
    Ok(filetest::spec_script(&header, &first.wat, checks))
}
