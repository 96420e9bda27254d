//! Bytes into the binary paths of `vitte-wat validate` and `vitte-wat dis`
//! (`validate::validate`, `emit::disassemble`) and their error rendering.
//! A binary that validates also prints, and the printed WAT assembles back
//! to a module that validates (`vitte-wat dis x.wasm | vitte-wat asm -`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use vitte_codegen_wasm64::{emit, validate};

fuzz_target!(|data: &[u8]| {
    let valid = match validate::validate(data) {
        Ok(()) => true,
        Err(e) => {
            let rendered = e.to_string();
            assert!(
                rendered.starts_with("invalid module at offset 0x"),
                "{rendered}"
            );
            false
        }
    };
    let printed = match emit::disassemble(data) {
        Ok(text) => text,
        Err(e) => {
            let _ = e.to_string();
            assert!(!valid, "a valid module does not print: {e}");
            return;
        }
    };
    if valid {
        let again = match emit::assemble(&printed, "printed.wat") {
            Ok(again) => again,
            // wasmprinter writes a name that is no valid `$id` as an `(@name "...")`
            // annotation, which wast does not read on a label: a disagreement of
            // the crates beneath (`vitte-wat dis | vitte-wat asm` fails the same way).
            Err(e) if e.to_string().contains("(@name ") => return,
            Err(e) => panic!("printed WAT does not assemble: {e}\n{printed}"),
        };
        validate::validate(&again).unwrap_or_else(|e| {
            panic!("printed WAT assembles to an invalid module: {e}\n{printed}")
        });
    }
});
