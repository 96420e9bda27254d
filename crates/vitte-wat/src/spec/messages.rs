//! Comparing the script's error messages with what our stack says.
//!
//! The testsuite's messages are the reference interpreter's; wasmtime and
//! wasmparser word some of them differently (testsuite issue 153). Traps are
//! compared through wasmtime's [`Trap`] codes, which map onto the spec's
//! messages one to one or nearly. Decoding and validation errors are compared
//! as text where the texts correspond (with a table of known equivalents);
//! where they do not, the directive still passes (the module was rejected at
//! the right stage) and a note says so (`-v`).
//!
//! What never passes is a module rejected only because a feature is off
//! ([`feature_off`]): under `assert_invalid` always (a module using a
//! construct its language lacks is malformed, not invalid), and under
//! `assert_malformed` when the script's language has the feature
//! ([`Profile::intended`]). What remains is wast's parser knowing more
//! proposals than the script's language, e.g. the legacy `catch_all`: that
//! module is malformed for the script, and our validator says why.
//!
//! [`Profile::intended`]: super::config::Profile::intended

use wasmtime::{Trap, WasmFeatures};

/// Why running something in wasmtime did not return normally.
#[derive(Debug)]
pub enum Stop {
    /// A trap, with wasmtime's code.
    Trap(Trap),
    /// An uncaught wasm exception.
    Exception,
    /// Anything else (a host error, a link error...), as text.
    Other(String),
}

impl Stop {
    pub fn of(error: &wasmtime::Error) -> Stop {
        if let Some(trap) = error.downcast_ref::<Trap>() {
            return Stop::Trap(*trap);
        }
        if error.downcast_ref::<wasmtime::ThrownException>().is_some() {
            return Stop::Exception;
        }
        Stop::Other(last_cause(error))
    }

    /// As printed in a failure.
    pub fn describe(&self, timeout_secs: f64) -> String {
        match self {
            Stop::Trap(Trap::Interrupt) => {
                format!("timed out: interrupted after {timeout_secs} s (`--timeout`)")
            }
            Stop::Trap(trap) => format!("trap `{}`", trap_text(*trap)),
            Stop::Exception => "an uncaught exception".into(),
            Stop::Other(text) => format!("error `{text}`"),
        }
    }
}

/// A trap's message without wasmtime's `wasm trap: ` prefix.
pub fn trap_text(trap: Trap) -> String {
    let text = trap.to_string();
    text.strip_prefix("wasm trap: ")
        .map(str::to_string)
        .unwrap_or(text)
}

/// Whether a trap is the one the script's message names.
pub fn trap_corresponds(trap: Trap, expected: &str) -> bool {
    let accepted: &[&str] = match trap {
        Trap::StackOverflow => &["call stack exhausted"],
        Trap::MemoryOutOfBounds => &["out of bounds memory access"],
        Trap::HeapMisaligned => &["unaligned atomic"],
        // wasmtime reports an index past a table's end the same way for
        // `table.get` and for `call_indirect`, where the spec says
        // "undefined element".
        Trap::TableOutOfBounds => &["out of bounds table access", "undefined element"],
        Trap::IndirectCallToNull => &["uninitialized element"],
        Trap::BadSignature => &["indirect call type mismatch"],
        Trap::IntegerOverflow => &["integer overflow"],
        Trap::IntegerDivisionByZero => &["integer divide by zero"],
        Trap::BadConversionToInteger => &["invalid conversion to integer"],
        Trap::UnreachableCodeReached => &["unreachable"],
        // "null function reference", "null structure reference", ...
        Trap::NullReference => &["null "],
        Trap::ArrayOutOfBounds => &["out of bounds array access"],
        Trap::AllocationTooLarge => &["allocation size too large", "out of bounds"],
        Trap::CastFailure => &["cast failure"],
        Trap::AtomicWaitNonSharedMemory => &["expected shared memory"],
        _ => &[],
    };
    // Older scripts abbreviate ("out of bounds", "uninitialized"): a
    // message that is the start of an accepted one names it too.
    accepted
        .iter()
        .any(|a| expected.starts_with(a) || (!expected.is_empty() && a.starts_with(expected)))
        || trap_text(trap).starts_with(expected)
}

/// The innermost cause of an error: wasmparser's or the linker's own words,
/// without wasmtime's wrapping.
pub fn last_cause(error: &wasmtime::Error) -> String {
    error
        .chain()
        .last()
        .map(|c| c.to_string())
        .unwrap_or_default()
}

/// When an error only says that a feature is switched off: which feature
/// (`Some(None)` when the wording names none we know).
pub fn feature_off(message: &str) -> Option<Option<WasmFeatures>> {
    const OFF: &[&str] = &[
        "not enabled",
        "must be enabled",
        "is disabled",
        "not supported",
        "feature required",
        "required for",
        "requires the",
        "requires `gc`",
        "are disallowed",
        "disabled at compile time",
    ];
    // Longer names first: "legacy_exceptions" before "exceptions".
    const NAMES: &[(&str, WasmFeatures)] = &[
        ("legacy_exceptions", WasmFeatures::LEGACY_EXCEPTIONS),
        ("legacy exceptions", WasmFeatures::LEGACY_EXCEPTIONS),
        ("custom descriptors", WasmFeatures::CUSTOM_DESCRIPTORS),
        (
            "shared-everything-threads",
            WasmFeatures::SHARED_EVERYTHING_THREADS,
        ),
        ("threads", WasmFeatures::THREADS),
        ("shared memor", WasmFeatures::THREADS),
        ("relaxed simd", WasmFeatures::RELAXED_SIMD),
        ("simd", WasmFeatures::SIMD),
        ("reference types", WasmFeatures::REFERENCE_TYPES),
        ("exceptions", WasmFeatures::EXCEPTIONS),
        ("custom page sizes", WasmFeatures::CUSTOM_PAGE_SIZES),
        ("stack switching", WasmFeatures::STACK_SWITCHING),
        ("wide arithmetic", WasmFeatures::WIDE_ARITHMETIC),
        ("multi-value", WasmFeatures::MULTI_VALUE),
        ("bulk memory", WasmFeatures::BULK_MEMORY),
        ("bulk-memory", WasmFeatures::BULK_MEMORY),
        ("mutable global", WasmFeatures::MUTABLE_GLOBAL),
        ("memory64", WasmFeatures::MEMORY64),
        ("multi-memory", WasmFeatures::MULTI_MEMORY),
        ("multiple memories", WasmFeatures::MULTI_MEMORY),
        ("tail call", WasmFeatures::TAIL_CALL),
        ("extended const", WasmFeatures::EXTENDED_CONST),
        ("function references", WasmFeatures::FUNCTION_REFERENCES),
        ("gc", WasmFeatures::GC),
    ];
    let lower = message.to_ascii_lowercase();
    if !OFF.iter().any(|p| lower.contains(p)) {
        return None;
    }
    Some(
        NAMES
            .iter()
            .find(|(name, _)| lower.contains(name))
            .map(|(_, flag)| *flag),
    )
}

/// Whether a decoding or validation error says what the script expects.
///
/// Besides plain containment, a few spec messages have wasmparser
/// counterparts worded differently; those listed here are the same error.
pub fn error_corresponds(expected: &str, actual: &str) -> bool {
    let expected = expected.to_ascii_lowercase();
    let actual = actual.to_ascii_lowercase();
    if actual.contains(&expected) {
        return true;
    }
    ALIASES
        .iter()
        .any(|(spec, ours)| expected.starts_with(spec) && ours.iter().any(|o| actual.contains(o)))
}

/// Spec messages (lowercase prefixes) and the wasmparser, wasmtime or
/// wast phrases that report the same error.
const ALIASES: &[(&str, &[&str])] = &[
    // Linking: wasmtime names the mismatch precisely.
    ("incompatible import type", &["incompatible", "but found"]),
    // Binary decoding.
    (
        "unexpected end",
        &["unexpected end-of-file", "control frames remain"],
    ),
    ("length out of bounds", &["unexpected end-of-file"]),
    (
        "unexpected content after last section",
        &["section out of order"],
    ),
    (
        "section size mismatch",
        &["control frames remain", "unexpected end-of-file"],
    ),
    ("end opcode expected", &["control frames remain"]),
    ("malformed limits flags", &["limits flags"]),
    ("malformed import kind", &["for external kind"]),
    ("malformed mutability", &["malformed global flags"]),
    ("illegal opcode", &["illegal opcode"]),
    (
        "function and code section have inconsistent lengths",
        &["function section", "code section"],
    ),
    (
        "data count and data section have inconsistent lengths",
        &["data count", "data section"],
    ),
    // Validation.
    ("invalid lane index", &["simd index out of bounds"]),
    (
        "memory size must be at most",
        &["memory size must be at most"],
    ),
    ("immutable array", &["array is immutable"]),
    // The text format: wast says what it expected instead.
    (
        "unknown operator",
        &[
            "expected a",
            "expected an",
            "expected `(`",
            "unexpected token",
            "constant out of range",
            "expected valid module field",
        ],
    ),
    (
        "unexpected token",
        &[
            "expected a",
            "expected an",
            "unexpected token",
            "extra tokens",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traps_correspond_to_spec_messages() {
        assert!(trap_corresponds(
            Trap::UnreachableCodeReached,
            "unreachable"
        ));
        assert!(trap_corresponds(
            Trap::NullReference,
            "null structure reference"
        ));
        assert!(trap_corresponds(
            Trap::TableOutOfBounds,
            "undefined element"
        ));
        assert!(!trap_corresponds(
            Trap::IntegerOverflow,
            "integer divide by zero"
        ));
        assert!(!trap_corresponds(Trap::Interrupt, "unreachable"));
        assert!(trap_corresponds(Trap::TableOutOfBounds, "out of bounds"));
        assert!(!trap_corresponds(
            Trap::TableOutOfBounds,
            "out of bounds memory access"
        ));
    }

    #[test]
    fn disabled_features_are_recognised() {
        assert_eq!(
            feature_off("SIMD support is not enabled"),
            Some(Some(WasmFeatures::SIMD))
        );
        assert_eq!(
            feature_off("threads must be enabled for shared memories"),
            Some(Some(WasmFeatures::THREADS))
        );
        assert_eq!(
            feature_off("legacy_exceptions feature required for catch instruction"),
            Some(Some(WasmFeatures::LEGACY_EXCEPTIONS))
        );
        assert_eq!(feature_off("frobs are not enabled"), Some(None));
        assert_eq!(feature_off("type mismatch: expected i32, found i64"), None);
    }

    #[test]
    fn messages_correspond_through_aliases() {
        assert!(error_corresponds(
            "type mismatch",
            "type mismatch: expected i32"
        ));
        assert!(error_corresponds(
            "malformed UTF-8 encoding",
            "malformed utf-8 encoding (at offset 0x3)"
        ));
        assert!(error_corresponds(
            "incompatible import type",
            "expected func, but found memory"
        ));
        assert!(!error_corresponds("unknown local", "type mismatch"));
    }
}
