//! wasmtime's conventions for `.wast` scripts (`spec --compat wasmtime`).
//!
//! Scripts in the wild are written against the runner of their project, and
//! wasmtime's differs from the reference interpreter's in ways that are not
//! about wasm semantics:
//!
//! - a named module, `(module $env ...)`, is importable by later modules as
//!   `env` without a `register` (its runner registers named instances under
//!   their id);
//! - `assert_unlinkable` is satisfied by a module whose instantiation traps
//!   (an out-of-bounds data segment was a link error in older versions of
//!   the spec, and is a trap in current ones);
//! - `;;! feature = true|false` header lines configure the engine for the
//!   script (`;;! memory64 = true`, `;;! bulk_memory = false`).
//!
//! [`Compat::Strict`], the default, follows the reference interpreter (the
//! official testsuite): headers are plain comments there. Compatibility is
//! a flag rather than guessed from the headers, so that a strict run never
//! changes its meaning because a comment looks like a header.

use super::config::Profile;
use crate::diag::SourceFile;
use wasmtime::WasmFeatures;

/// Whose conventions a script follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compat {
    /// The reference interpreter's: the official testsuite.
    #[default]
    Strict,
    /// wasmtime's `wast` runner's (the module docs above).
    Wasmtime,
}

/// The header names this runner honours, as wasmtime spells them, and the
/// features they switch.
const FEATURES: [(&str, WasmFeatures); 16] = [
    ("bulk_memory", WasmFeatures::BULK_MEMORY),
    ("custom_page_sizes", WasmFeatures::CUSTOM_PAGE_SIZES),
    ("exceptions", WasmFeatures::EXCEPTIONS),
    ("extended_const", WasmFeatures::EXTENDED_CONST),
    ("function_references", WasmFeatures::FUNCTION_REFERENCES),
    ("gc", WasmFeatures::GC),
    ("memory64", WasmFeatures::MEMORY64),
    ("multi_memory", WasmFeatures::MULTI_MEMORY),
    ("multi_value", WasmFeatures::MULTI_VALUE),
    ("reference_types", WasmFeatures::REFERENCE_TYPES),
    ("relaxed_simd", WasmFeatures::RELAXED_SIMD),
    ("simd", WasmFeatures::SIMD),
    ("tail_call", WasmFeatures::TAIL_CALL),
    ("threads", WasmFeatures::THREADS),
    ("wide_arithmetic", WasmFeatures::WIDE_ARITHMETIC),
    ("gc_types", WasmFeatures::GC_TYPES),
];

/// Features that need others: switching one of the needed ones off
/// switches these off too, as wasmtime refuses the set otherwise (GC
/// without reference types, say). Switching one on switches on what it
/// needs.
const NEEDS: [(WasmFeatures, WasmFeatures); 5] = [
    (WasmFeatures::GC, WasmFeatures::FUNCTION_REFERENCES),
    (WasmFeatures::GC, WasmFeatures::GC_TYPES),
    (
        WasmFeatures::FUNCTION_REFERENCES,
        WasmFeatures::REFERENCE_TYPES,
    ),
    (WasmFeatures::RELAXED_SIMD, WasmFeatures::SIMD),
    (WasmFeatures::EXCEPTIONS, WasmFeatures::REFERENCE_TYPES),
];

/// What a script's headers ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Headers {
    /// The features to run with.
    Run(Profile),
    /// A header asks for something this runner does not have: the script
    /// is skipped, with this reason, and never counted as passing.
    Skip(String),
}

/// The profile of a wasmtime-style script: `base` with its `;;!` headers
/// applied, in order. A header that does not parse is an error,
/// `file:line:col: reason`. A header switching on something unknown (a
/// feature wasmtime has and this engine lacks, or a knob of wasmtime's
/// runner like `hogs_memory`) skips the script; switching an unknown one
/// off is harmless and ignored.
pub fn headers(file: &SourceFile, base: Profile) -> Result<Headers, String> {
    let mut features = base.features;
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let indent = line.len() - line.trim_start().len();
        let Some(body) = line.trim_start().strip_prefix(";;!") else {
            continue;
        };
        let at = |column: usize| {
            let (l, c) = file.line_col(start + indent + column);
            format!("{}:{l}:{c}", file.name)
        };
        let Some(eq) = body.find('=') else {
            return Err(format!(
                "{}: a `;;!` header is `name = true` or `name = false`",
                at(0)
            ));
        };
        let (key, after) = (body[..eq].trim(), &body[eq + 1..]);
        let value = after.trim();
        let on = match value {
            "true" => true,
            "false" => false,
            _ => {
                // `;;!`, the text up to `=`, `=` and the blanks after it.
                let column = 3 + eq + 1 + (after.len() - after.trim_start().len());
                return Err(format!(
                    "{}: `{key}` must be `true` or `false`, not `{value}`",
                    at(column)
                ));
            }
        };
        match FEATURES.iter().find(|(name, _)| *name == key) {
            Some(&(_, feature)) => features = switch(features, feature, on),
            None if on => {
                return Ok(Headers::Skip(format!(
                    "`;;! {key} = true` ({}) is not supported by this runner",
                    at(0)
                )));
            }
            None => {}
        }
    }
    Ok(Headers::Run(Profile {
        name: "wasmtime-compat",
        features,
        intended: features,
    }))
}

/// `features` with one switched, and what depends on it (or what it needs)
/// made consistent.
fn switch(mut features: WasmFeatures, feature: WasmFeatures, on: bool) -> WasmFeatures {
    features.set(feature, on);
    // Each pass settles one level of the table; three levels is the deepest.
    for _ in 0..NEEDS.len() {
        for (dependent, needed) in NEEDS {
            if on && features.contains(dependent) && !features.contains(needed) {
                features.insert(needed);
            }
            if !on && !features.contains(needed) {
                features.remove(dependent);
            }
        }
    }
    features
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<Headers, String> {
        let file = SourceFile::new("h.wast", text);
        headers(&file, Profile::WASM3)
    }

    fn features(text: &str) -> WasmFeatures {
        match run(text) {
            Ok(Headers::Run(profile)) => profile.features,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn headers_switch_features_from_wasm3() {
        let f = features(";;! wide_arithmetic = true\n;;! memory64 = false\n(module)\n");
        assert!(f.contains(WasmFeatures::WIDE_ARITHMETIC));
        assert!(!f.contains(WasmFeatures::MEMORY64));
        assert!(f.contains(WasmFeatures::SIMD));
        assert_eq!(features("(module)"), WasmFeatures::WASM3);
    }

    #[test]
    fn switching_a_needed_feature_off_switches_off_its_dependents() {
        let f = features(";;! reference_types = false\n");
        assert!(!f.contains(WasmFeatures::REFERENCE_TYPES));
        assert!(!f.contains(WasmFeatures::GC));
        assert!(!f.contains(WasmFeatures::FUNCTION_REFERENCES));
        assert!(!f.contains(WasmFeatures::EXCEPTIONS));
        assert!(f.contains(WasmFeatures::SIMD));
        let f = features(";;! simd = false\n");
        assert!(!f.contains(WasmFeatures::RELAXED_SIMD));
        let f = features(";;! gc = false\n;;! gc = true\n");
        assert!(f.contains(WasmFeatures::GC | WasmFeatures::GC_TYPES));
    }

    #[test]
    fn unknown_headers_skip_when_on_and_are_ignored_when_off() {
        assert_eq!(
            run(";;! stack_switching = false\n").map(|h| matches!(h, Headers::Run(_))),
            Ok(true)
        );
        match run("(module)\n  ;;! hogs_memory = true\n") {
            Ok(Headers::Skip(why)) => {
                assert_eq!(
                    why,
                    "`;;! hogs_memory = true` (h.wast:2:3) is not supported by this runner"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_headers_are_located_errors() {
        assert_eq!(
            run("\n;;! simd\n"),
            Err("h.wast:2:1: a `;;!` header is `name = true` or `name = false`".into())
        );
        assert_eq!(
            run(";;! simd = yes\n"),
            Err("h.wast:1:12: `simd` must be `true` or `false`, not `yes`".into())
        );
    }
}
