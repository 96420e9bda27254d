//! Bytes into the assembly path of `vitte-wat asm` (`emit::assemble`, then
//! `validate::validate`) and its error rendering: an error with a line and
//! column, or a binary. A binary that validates prints back to WAT
//! (`emit::disassemble`, as `vitte-wat dis`), and that text assembles again
//! to a module that validates.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vitte_codegen_wasm64::{emit, validate};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let wasm = match emit::assemble(&text, "fuzz.wat") {
        Ok(wasm) => wasm,
        Err(e) => {
            let rendered = e.to_string();
            let (line, col) = e.line_col().expect("a text error has a location");
            assert!(line >= 1 && col >= 1, "{rendered}");
            assert!(
                rendered.contains(&format!("fuzz.wat:{line}:{col}")),
                "{rendered}"
            );
            return;
        }
    };
    if let Err(e) = validate::validate(&wasm) {
        let _ = e.to_string();
        return;
    }
    let printed = emit::disassemble(&wasm).expect("a valid binary prints");
    let again = match emit::assemble(&printed, "printed.wat") {
        Ok(again) => again,
        // wasmprinter writes a name that is no valid `$id` as an `(@name "...")`
        // annotation, which wast does not read on a label: a disagreement of
        // the crates beneath (see fuzz/README.md).
        Err(e) if e.to_string().contains("(@name ") => return,
        Err(e) => panic!("printed WAT does not assemble: {e}\n{printed}"),
    };
    validate::validate(&again)
        .unwrap_or_else(|e| panic!("printed WAT assembles to an invalid module: {e}\n{printed}"));
});
