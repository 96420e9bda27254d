//! Validation of wasm binaries against the exact feature set the backend
//! targets.
//!
//! The set is spelled out rather than taken from `wasmparser`'s defaults, so
//! that a module using anything else (SIMD, GC, tail calls...) is
//! rejected here, before it reaches an engine that might accept it. The
//! runtime configures wasmtime with the same set.

use std::fmt;
use wasmparser::{Validator, WasmFeatures};

/// The wasm features the backend's output may use.
pub fn features() -> WasmFeatures {
    // Numeric code needs f32/f64 at all (a wasmparser switch, not a proposal).
    WasmFeatures::FLOATS
        // wasm64: i64 memory addresses; in wasmparser this flag also covers
        // table64, the i64-indexed function table of function pointers.
        | WasmFeatures::MEMORY64
        // Functions and blocks returning several values (IR multi-results,
        // block parameters of structured control flow).
        | WasmFeatures::MULTI_VALUE
        // `memory.copy` / `memory.fill` for aggregate copies and zeroing.
        | WasmFeatures::BULK_MEMORY
        // `i32.extend8_s` and friends for narrow signed integers.
        | WasmFeatures::SIGN_EXTENSION
        // `i32.trunc_sat_f64_s` and friends: float-to-int casts that saturate.
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        // The shadow-stack pointer is a mutable global (and may be exported).
        | WasmFeatures::MUTABLE_GLOBAL
        // Named tables in `call_indirect $table` and table64 element segments
        // are encoded with the reference-types table immediate.
        | WasmFeatures::REFERENCE_TYPES
        // wasm64 programs reach WASI preview1 through a second, 32-bit
        // scratch memory exported as `memory` (Wasm 3.0 multi-memory; see
        // `lower/wasi64.rs` and docs/ir.md).
        | WasmFeatures::MULTI_MEMORY
        // Atomic accesses, `memory.atomic.wait`/`notify`, `atomic.fence` and
        // a `memory shared` module's shared memory (docs/ir.md).
        | WasmFeatures::THREADS
}

/// A module that is malformed or does not type-check.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ValidateError {
    /// Byte offset of the offending item in the binary.
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ValidateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid module at offset {:#x}: {}",
            self.offset, self.message
        )
    }
}

/// Validates a binary with [`features`].
pub fn validate(bytes: &[u8]) -> Result<(), ValidateError> {
    Validator::new_with_features(features())
        .validate_all(bytes)
        .map(|_| ())
        .map_err(|e| ValidateError {
            offset: e.offset(),
            message: decoder_message(e.message(), bytes),
        })
}

/// wasmparser's message, except for a bad magic number, which it spells as
/// two multi-line debug arrays: said in one line, with the bytes found.
pub(crate) fn decoder_message(message: &str, bytes: &[u8]) -> String {
    if message.starts_with("magic header not detected") {
        let found = bytes.get(..4).unwrap_or(bytes).escape_ascii();
        return format!("not a wasm binary: it starts with b\"{found}\", not b\"\\0asm\"");
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wasm(text: &str) -> Vec<u8> {
        wat::parse_str(text).expect("test module assembles")
    }

    #[test]
    fn memory64_module_with_table64_is_valid() {
        let bytes = wasm(
            r#"(module
                 (type $t (func (param i64) (result i64 i64)))
                 (memory $m i64 1)
                 (table $tab i64 2 funcref)
                 (global $sp (mut i64) (i64.const 1024))
                 (func $f (type $t) (param $p i64) (result i64 i64)
                   (drop (i64.load8_s offset=8 (local.get $p)))
                   (memory.fill (i64.const 8) (i32.const 0) (i64.const 8))
                   (call_indirect $tab (type $t) (local.get $p) (i64.const 1)))
                 (elem (table $tab) (i64.const 0) func $f)
                 (data (memory $m) (i64.const 16) "hi"))"#,
        );
        assert_eq!(validate(&bytes), Ok(()));
    }

    #[test]
    fn a_second_memory_is_valid_for_the_wasi_adapter() {
        let bytes = wasm(
            r#"(module
                 (memory $main i64 1)
                 (memory $scratch 1)
                 (export "memory" (memory $scratch))
                 (func (param i64)
                   (memory.copy $scratch $main (i32.const 0) (local.get 0) (i32.const 8))))"#,
        );
        assert_eq!(validate(&bytes), Ok(()));
    }

    #[test]
    fn type_error_reports_its_offset() {
        let bytes = wasm("(module (func (result i32) i64.const 1))");
        let err = validate(&bytes).unwrap_err();
        assert!(err.offset > 0, "{err}");
        assert!(err.message.contains("type mismatch"), "{err}");
        assert!(
            err.to_string().starts_with(&format!(
                "invalid module at offset {:#x}: type mismatch",
                err.offset
            )),
            "{err}"
        );
    }

    #[test]
    fn disabled_features_are_rejected() {
        for (text, why) in [
            ("(module (func (result v128) v128.const i64x2 0 0))", "SIMD"),
            ("(module (func $f return_call $f))", "tail calls"),
            (
                "(module (func (drop (ref.func 0))) (elem declare func 0) (func (param (ref func))))",
                "function references",
            ),
            (
                "(module (global i64 (i64.add (i64.const 1) (i64.const 2))))",
                "constant expression required",
            ),
        ] {
            let err = validate(&wasm(text)).expect_err(text);
            assert!(err.message.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn shared_memories_and_atomics_are_allowed() {
        let text = "(module (memory i64 1 2 shared) (func (param i64) (result i32) \
                    local.get 0 i32.atomic.load atomic.fence))";
        validate(&wasm(text)).expect("threads");
    }

    #[test]
    fn a_second_memory_is_allowed_for_the_wasi_adapter() {
        validate(&wasm("(module (memory i64 1) (memory 1))")).expect("multi-memory");
    }

    #[test]
    fn a_bad_magic_number_is_said_in_one_line() {
        let err = validate(b"(module)").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid module at offset 0x0: not a wasm binary: it starts with b\"(mod\", not b\"\\0asm\""
        );
    }

    #[test]
    fn garbage_is_rejected_without_panic() {
        assert!(validate(b"\0asm\x01\0\0\0\x01").is_err());
        assert!(validate(b"").is_err());
    }
}
