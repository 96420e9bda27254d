//! Every `tests/errors/**/*.vir` must be rejected with exactly the
//! diagnostics in the `.err` file beside it (`VITTE_BLESS=1` rewrites them).

mod common;

use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::ir;

#[test]
fn bad_ir_is_rejected_with_located_errors() {
    let files = common::files_with_extension(&common::root().join("tests/errors"), "vir");
    common::run_all(&files, |path| {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let file = SourceFile::new(common::relative(path), text);
        let rendered = match ir::load(&file) {
            Ok(_) => {
                return Err(format!(
                    "{}: accepted, but an error was expected",
                    file.name
                ));
            }
            Err(diagnostics) => diagnostics
                .iter()
                .map(|d| format!("error: {d}\n"))
                .collect::<String>(),
        };
        if !rendered.contains(&format!("--> {}:", file.name)) {
            return Err(format!("{}: no location in:\n{rendered}", file.name));
        }
        common::check_golden(&path.with_extension("err"), &rendered)
    });
}
