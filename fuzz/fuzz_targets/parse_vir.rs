//! Bytes into the `.vir` front door (parse, then verify as a compilation
//! unit), as `vitte-wat check` does: an error or a module, never a panic.
//! Every module that verifies prints to text that parses and verifies again
//! and prints the same; one that also verifies as a whole module (no
//! `extern`s) goes through the lowering for both targets, which either
//! refuses it with an error or gives a binary that validates.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::ir::Target;
use vitte_codegen_wasm64::text::{self, print_module};
use vitte_codegen_wasm64::verify;
use vitte_codegen_wasm64::{WasmBackend, validate};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new("fuzz.vir", text.as_ref());
    let module = match text::load(&file) {
        Ok(module) => module,
        Err(diagnostics) => {
            // The rendering (source line, caret) must not panic either.
            for d in diagnostics {
                let _ = d.to_string();
            }
            return;
        }
    };
    let printed = print_module(&module);
    let again = SourceFile::new("printed.vir", printed.as_str());
    let reparsed = match text::load(&again) {
        Ok(m) => m,
        Err(ds) => {
            let ds: Vec<String> = ds.iter().map(|d| d.to_string()).collect();
            panic!(
                "a module that verified printed to text that does not load:\n{}\n--- printed:\n{printed}",
                ds.join("\n")
            );
        }
    };
    assert_eq!(
        print_module(&reparsed),
        printed,
        "print, parse, print gives other text"
    );
    if verify::verify_module(&module).is_err() {
        return;
    }
    let backend = WasmBackend::new();
    for target in [Target::Wasm64, Target::Wasm32] {
        match backend.compile_module(&module, target) {
            Ok(compiled) => {
                validate::validate(&compiled.wasm).expect("compile_module's binary validates");
                let direct = backend.compile_module_direct(&module, target);
                assert_eq!(direct.ok(), Some(compiled.wasm), "the direct path on {target}");
            }
            Err(e) => {
                let message = e.to_string();
                // The pipeline may refuse IR it does not support, but the
                // WAT it writes must always assemble and validate.
                assert!(
                    !matches!(
                        e,
                        vitte_codegen_wasm64::Error::Assemble(_)
                            | vitte_codegen_wasm64::Error::Invalid(_)
                            | vitte_codegen_wasm64::Error::Encode(_)
                    ),
                    "the lowering of a verified module wrote bad wasm on {target}: {message}"
                );
            }
        }
    }
});
