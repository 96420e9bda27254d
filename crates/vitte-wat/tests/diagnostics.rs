//! Every `tests/errors/**/*.vir` must be rejected with exactly the
//! diagnostics in the `.err` file beside it (`VITTE_BLESS=1` rewrites them):
//! by the parser or the verifier, or else by the lowering for either target.
//! One test per file (`cargo test --release --test diagnostics bad_token`).

mod common;

use std::path::Path;
use vitte_codegen_wasm64::diag::{Diagnostic, SourceFile};
use vitte_codegen_wasm64::ir::{self, Target};
use vitte_codegen_wasm64::text;
use vitte_codegen_wasm64::{Error, WasmBackend};

fn main() {
    let files = common::files_with_extension(&common::root().join("tests/errors"), "vir");
    assert!(!files.is_empty(), "no files in tests/errors");
    common::run_trials(common::file_trials(
        &files,
        bad_ir_is_rejected_with_located_errors,
    ))
}

fn bad_ir_is_rejected_with_located_errors(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let file = SourceFile::new(common::relative(path), text);
    let diagnostics = match text::load(&file) {
        Ok(module) => lowering_errors(&module),
        Err(diagnostics) => diagnostics.into_vec(),
    };
    if diagnostics.is_empty() {
        return Err(format!(
            "{}: accepted, but an error was expected",
            file.name
        ));
    }
    let rendered = common::render_errors(&diagnostics);
    if !rendered.contains(&format!("--> {}:", file.name)) {
        return Err(format!("{}: no location in:\n{rendered}", file.name));
    }
    common::check_golden(&path.with_extension("err"), &rendered)
}

/// The lowering's errors for both targets, wasm64 first, without repeats.
fn lowering_errors(module: &ir::Module) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for target in [Target::Wasm64, Target::Wasm32] {
        match WasmBackend::new().lower(module, target) {
            Ok(_) => {}
            Err(Error::Ir(diagnostics)) => {
                // Most errors are the same for both targets: say them once.
                for d in diagnostics {
                    if !all.contains(&d) {
                        all.push(d);
                    }
                }
            }
            Err(other) => panic!("lowering failed without a diagnostic: {other}"),
        }
    }
    all
}
