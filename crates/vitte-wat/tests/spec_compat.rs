//! `spec --compat wasmtime`: scripts written in wasmtime's conventions
//! (`tests/wasmtime-compat/`) pass in that mode, and fail where they should
//! in the default strict mode, which follows the reference interpreter.

mod common;

use common::{stdout, vitte_wat};

use std::time::Duration;
use vitte_wat::spec::suite::Input;
use vitte_wat::spec::{Compat, Report, Settings, Suite};

const DIR: &str = "tests/wasmtime-compat";

/// Runs a script's text in wasmtime's conventions.
fn run_compat(name: &str, text: &str) -> Report {
    let suite = Suite {
        settings: Settings {
            timeout: Duration::from_secs(2),
            compat: Compat::Wasmtime,
        },
        ..Suite::default()
    };
    suite.run_one(&Input::Text {
        name: name.into(),
        text: text.to_string().into(),
    })
}

/// The `FAIL` lines' `file:line:col: directive` parts.
fn failed_directives(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.strip_prefix("FAIL "))
        .map(|l| l.splitn(3, ": ").take(2).collect::<Vec<_>>().join(": "))
        .collect()
}

#[test]
fn the_wasmtime_style_suite_passes_in_compatibility_mode() {
    let run = vitte_wat(&["spec", "--compat", "wasmtime", DIR]);
    let out = stdout(&run);
    assert_eq!(run.status.code(), Some(0), "{out}");
    assert_eq!(
        out.lines().last(),
        Some(
            "total: 15 passed, 0 failed, 0 expected failures, 0 unexpected passes \
             (4 of 5 files clean, 0 errors, 1 skipped)"
        ),
        "{out}"
    );
    // The skipped script says why, with the header's location; it is not
    // counted as passing.
    assert!(
        out.contains(
            "tests/wasmtime-compat/unsupported-header.wast: 0 passed, 0 failed, skipped: \
             `;;! hogs_memory = true` (tests/wasmtime-compat/unsupported-header.wast:1:1) \
             is not supported by this runner"
        ),
        "{out}"
    );
}

#[test]
fn the_same_scripts_fail_where_they_should_in_strict_mode() {
    let run = vitte_wat(&["spec", DIR]);
    let out = stdout(&run);
    assert_eq!(run.status.code(), Some(1), "{out}");
    let f = |s: &str| format!("tests/wasmtime-compat/{s}");
    assert_eq!(
        failed_directives(&out),
        [
            // Headers are comments: wide arithmetic stays off, memory64 and
            // bulk memory on.
            f("feature-headers.wast:6:2: module"),
            f("feature-headers.wast:9:2: assert_return"),
            f("feature-headers.wast:13:2: assert_invalid"),
            f("feature-headers.wast:17:2: assert_invalid"),
            // `$env` is not registered: its importers do not link.
            f("named-modules.wast:8:2: module"),
            f("named-modules.wast:16:2: assert_return"),
            f("named-modules.wast:18:2: module"),
            f("named-modules.wast:24:2: assert_return"),
            f("simd-off.wast:3:2: assert_invalid"),
            // A trap is not a link error...
            f("unlinkable-traps.wast:3:2: assert_unlinkable"),
            f("unlinkable-traps.wast:9:2: assert_unlinkable"),
        ],
        "{out}"
    );
    assert!(
        out.contains("got error `unknown import: `env::base` has not been defined`"),
        "{out}"
    );
    assert!(
        out.contains(
            "expected link error `data segment does not fit`, got trap `out of bounds memory access`"
        ),
        "{out}"
    );
    // ...and nothing is skipped: the header is a comment.
    assert!(
        out.contains("tests/wasmtime-compat/unsupported-header.wast: 1 passed, 0 failed\n"),
        "{out}"
    );
}

#[test]
fn a_trap_that_is_not_at_instantiation_is_still_not_a_link_error() {
    // The module instantiates: nothing to be lenient about.
    let report = run_compat(
        "t.wast",
        r#"(assert_unlinkable (module (func (export "f") unreachable)) "unknown import")"#,
    );
    assert_eq!(report.failures.len(), 1, "{report:?}");
    assert_eq!(report.failures[0].actual, "the module instantiated");
}

#[test]
fn named_instances_shadow_earlier_registrations_of_their_name() {
    let text = r#"
(module $m (func (export "v") (result i32) (i32.const 1)))
(module $m (func (export "v") (result i32) (i32.const 2)))
(module (import "m" "v" (func $v (result i32))) (func (export "g") (result i32) (call $v)))
(assert_return (invoke "g") (i32.const 2))
"#;
    let report = run_compat("shadow.wast", text);
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.passed, 4);
}

#[test]
fn a_header_switching_a_feature_off_makes_what_needs_it_invalid() {
    let text = ";;! simd = false\n\
                (assert_invalid (module (func (result i32) (i64.const 0))) \"type mismatch\")\n\
                (assert_invalid (module (func (result v128) (v128.const i64x2 0 0))) \"oops\")\n\
                (assert_malformed (module quote \"(func (result v128) (v128.const i64x2 0 0))\") \"x\")\n";
    let report = run_compat("mixed.wast", text);
    // The type mismatch is still one; the v128 module is rejected for the
    // feature the header switched off, which makes it invalid (and, outside
    // the script's language, malformed, as in strict mode for a proposal
    // the script lacks); the differing wordings are notes for `-v`.
    assert_eq!(report.passed, 3, "{report:?}");
    assert!(report.failures.is_empty(), "{report:?}");
    let noted: Vec<&str> = report.notes.iter().map(|n| n.directive).collect();
    assert_eq!(noted, ["assert_invalid", "assert_malformed"]);
    // Strict mode reads the header as a comment: the v128 module validates.
    let strict = Suite::default().run_one(&Input::Text {
        name: "mixed.wast".into(),
        text: text.to_string().into(),
    });
    assert_eq!(strict.failures.len(), 2, "{strict:?}");
    assert_eq!(strict.failures[0].actual, "the module validated");
}

#[test]
fn malformed_headers_are_located_errors_and_fail_the_run() {
    let report = run_compat("bad.wast", "(module)\n;;! simd = maybe\n");
    assert_eq!(
        report.error.as_deref(),
        Some("bad.wast:2:12: `simd` must be `true` or `false`, not `maybe`")
    );
    assert!(report.is_failure());
    let dir = common::TempDir::new("compat-bad-header");
    std::fs::write(dir.path("bad.wast"), ";;! gc\n(module)\n").expect("write");
    let run = vitte_wat(&[
        "spec",
        "--compat",
        "wasmtime",
        &dir.path("bad.wast").display().to_string(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bad.wast:1:1: a `;;!` header is `name = true` or `name = false`"),
        "{err}"
    );
}

#[test]
fn skipped_files_are_in_the_json_report() {
    let run = vitte_wat(&["spec", "--compat", "wasmtime", "--json", DIR]);
    assert_eq!(run.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&run)).expect("JSON");
    assert_eq!(doc["totals"]["skipped"], 1);
    assert_eq!(doc["totals"]["files_clean"], 4);
    let files = doc["files"].as_array().expect("files");
    let skipped: Vec<&str> = files
        .iter()
        .filter(|f| !f["skipped"].is_null())
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(skipped, ["tests/wasmtime-compat/unsupported-header.wast"]);
}
