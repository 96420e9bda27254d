//! The spec runner's behaviour: what it counts, reports and refuses, through
//! the library and through `vitte-wat spec` as a user runs it.

mod common;

use common::{stderr, stdout, vitte_wat};

use common::TempDir;
use std::path::Path;
use std::time::Duration;
use vitte_wat::spec::suite::Input;
use vitte_wat::spec::{
    Engines, ExpectedFailures, Profile, Report, Settings, Suite, Totals, script,
};
use wasmtime::WasmFeatures;

/// Runs a script's text as the CLI would for a file of that name.
fn run(name: &str, text: &str) -> Report {
    let suite = Suite {
        settings: Settings {
            timeout: Duration::from_secs(2),
            ..Settings::default()
        },
        ..Suite::default()
    };
    suite.run_one(&Input::Text {
        name: name.into(),
        text: text.to_string().into(),
    })
}

const WRONG_IN_THE_MIDDLE: &str = r#"(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke "add" (i32.const 2) (i32.const 2)) (i32.const 5))
(assert_return (invoke "add" (i32.const 3) (i32.const 4)) (i32.const 7))
(assert_trap (invoke "add" (i32.const 3) (i32.const 4)) "unreachable")
"#;

#[test]
fn a_wrong_value_is_reported_once_and_the_rest_still_runs() {
    let report = run("mid.wast", WRONG_IN_THE_MIDDLE);
    assert_eq!(report.total(), 5, "{report:?}");
    assert_eq!(report.passed, 3, "{report:?}");
    assert_eq!(report.failures.len(), 2, "{report:?}");
    let wrong = &report.failures[0];
    assert_eq!(wrong.location, "mid.wast:5:2");
    assert_eq!((wrong.line, wrong.column), (5, 2));
    assert_eq!(wrong.directive, "assert_return");
    assert_eq!(wrong.expected, "(i32.const 5)");
    assert_eq!(wrong.actual, "(i32.const 4)");
    assert_eq!(
        wrong.to_string(),
        "mid.wast:5:2: assert_return: expected (i32.const 5), got (i32.const 4)"
    );
    // The directives after it ran: the next one passed, the last one failed
    // on its own account.
    let trap = &report.failures[1];
    assert_eq!((trap.line, trap.directive), (7, "assert_trap"));
    assert_eq!(trap.expected, "trap `unreachable`");
    assert_eq!(trap.actual, "returned (i32.const 7)");
}

#[test]
fn every_directive_kind_counts() {
    let text = r#"
(module $m
  (global (export "g") i64 (i64.const -7))
  (memory (export "mem") 1)
  (table (export "t") 2 externref)
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "pair") (result i32 f64) (i32.const 1) (f64.const 2.5))
  (func (export "v") (result v128) (v128.const i32x4 1 2 3 4))
  (func $rec (export "rec") (call $rec))
  (tag $e)
  (func (export "throw") (throw $e))
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))
(register "m" $m)
(module (import "m" "g" (global i64)) (import "spectest" "print_i32" (func (param i32))))
(assert_return (get $m "g") (i64.const -7))
(assert_return (invoke $m "id" (ref.extern 3)) (ref.extern 3))
(assert_return (invoke $m "id" (ref.null extern)) (ref.null extern))
(assert_return (invoke $m "nan") (f32.const nan:canonical))
(assert_return (invoke $m "pair") (i32.const 1) (f64.const 2.5))
(assert_return (invoke $m "v") (v128.const i32x4 1 2 3 4))
(assert_return (invoke $m "v") (either (v128.const i64x2 0 0) (v128.const i32x4 1 2 3 4)))
(assert_exhaustion (invoke $m "rec") "call stack exhausted")
(assert_exception (invoke $m "throw"))
(assert_trap (invoke $m "div" (i32.const 0)) "integer divide by zero")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module quote "(func (i32.const x))") "unknown operator")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_unlinkable (module (import "m" "nope" (func))) "unknown import")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(module definition $d (func (export "one") (result i32) (i32.const 1)))
(module instance $i $d)
(assert_return (invoke $i "one") (i32.const 1))
"#;
    let report = run("kinds.wast", text);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert_eq!(report.passed, 21);
}

#[test]
fn messages_and_kinds_must_correspond() {
    let text = r#"(module (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))
(assert_trap (invoke "div" (i32.const 0)) "integer overflow")
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
(assert_malformed (module (func)) "unexpected token")
(assert_unlinkable (module (func)) "unknown import")
(assert_exhaustion (invoke "div" (i32.const 1)) "call stack exhausted")
(assert_return (invoke "nope"))
(module (func (export "v") (result v128) (v128.const f32x4 1 -2 nan 0.5)))
(assert_return (invoke "v") (v128.const f32x4 1 -2 nan:canonical 0.25))
"#;
    let report = run("wrong.wast", text);
    let got: Vec<(usize, &str, &str)> = report
        .failures
        .iter()
        .map(|f| (f.line, f.directive, f.actual.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (2, "assert_trap", "trap `integer divide by zero`"),
            (3, "assert_invalid", "the module validated"),
            (4, "assert_malformed", "the module validated"),
            (5, "assert_unlinkable", "the module instantiated"),
            (6, "assert_exhaustion", "returned (i32.const 1)"),
            (7, "assert_return", "none"),
            (9, "assert_return", "(v128.const f32x4 1.0 -2.0 nan 0.5)"),
        ]
    );
}

#[test]
fn a_module_rejected_only_for_a_switched_off_feature_does_not_pass() {
    // The script is written for Wasm 3.0, whose SIMD this engine lacks: the
    // module fails for a reason the assertion is not about.
    let profile = Profile {
        name: "no-simd",
        features: WasmFeatures::WASM3 - WasmFeatures::SIMD - WasmFeatures::RELAXED_SIMD,
        intended: WasmFeatures::WASM3,
    };
    let engine = Engines::new().get(&profile).expect("engine");
    let text = r#"(assert_invalid
  (module (func (result v128) (i32.const 0)))
  "type mismatch")
(assert_malformed (module binary "\00asm\01\00\00\00\01\05\01\60\00\01\7b") "malformed")
"#;
    let report = script::run(&engine, "off.wast", text, Settings::default());
    assert_eq!(report.passed, 0, "{report:?}");
    assert_eq!(report.failures.len(), 2);
    for failure in &report.failures {
        assert!(
            failure
                .actual
                .starts_with("rejected only because a feature is off: `")
                && failure.actual.contains("SIMD"),
            "{failure}"
        );
    }

    // A quoted module that fails to parse is not "invalid".
    let report = run(
        "quote.wast",
        r#"(assert_invalid (module quote "(func (i32.const x))") "type mismatch")"#,
    );
    assert_eq!(report.failed(), 1, "{report:?}");
    assert!(report.failures[0].actual.starts_with("malformed text `"));

    // The CLI shows both messages: the failure's, and with -v the notes of
    // passes whose wording differs.
    let dir = TempDir::new("spec-wording");
    let script = dir.path("wording.wast");
    std::fs::write(
        &script,
        "(assert_malformed (module binary \"\\00asm\\01\\00\\00\\00\\05\\03\\01\\09\\00\") \"malformed limits flags\")\n\
         (assert_malformed (module quote \"(module (func (catch_all)))\") \"unexpected token\")\n",
    )
    .expect("write");
    let o = vitte_wat(&["spec", "-v", &script.display().to_string()]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("note: ") && out.contains("got `legacy_exceptions"),
        "{out}"
    );
}

#[test]
fn runaway_guests_are_interrupted_and_the_script_goes_on() {
    let text = r#"(module (func (export "spin") (loop (br 0))) (func (export "one") (result i32) (i32.const 1)))
(invoke "spin")
(assert_return (invoke "one") (i32.const 1))
"#;
    let start = std::time::Instant::now();
    let suite = Suite {
        settings: Settings {
            timeout: Duration::from_millis(200),
            ..Settings::default()
        },
        ..Suite::default()
    };
    let report = suite.run_one(&Input::Text {
        name: "spin.wast".into(),
        text: text.into(),
    });
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(report.passed, 2, "{report:?}");
    assert_eq!(report.failures.len(), 1);
    assert!(
        report.failures[0].actual.starts_with("timed out"),
        "{report:?}"
    );
}

#[test]
fn a_guest_blocked_outside_wasm_is_given_up_on() {
    // memory.atomic.wait with no timeout and nobody to notify: no deadline
    // interrupts it, the suite's watchdog reports the file as stalled.
    let blocked = r#"(module (memory 1 1 shared)
  (func (export "block") (result i32)
    (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
(assert_return (invoke "block") (i32.const 0))
"#;
    let suite = Suite {
        settings: Settings {
            timeout: Duration::from_millis(200),
            ..Settings::default()
        },
        ..Suite::default()
    };
    let inputs = [
        Input::Text {
            name: "blocked.wast".into(),
            text: blocked.into(),
        },
        Input::Text {
            name: "fine.wast".into(),
            text: "(module)".into(),
        },
    ];
    let start = std::time::Instant::now();
    let reports = suite.run(&inputs, |_, _| {});
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_eq!(reports.len(), 2);
    let error = reports[0].error.as_deref().unwrap_or_default();
    assert!(error.starts_with("blocked.wast: stalled: "), "{error}");
    assert!(reports[1].is_clean(), "{:?}", reports[1]);
}

#[test]
fn threads_share_memory_and_report_their_directives() {
    let worker = |n: u32| {
        format!(
            r#"(thread $T{n} (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 1 shared)
    (func (export "run") (local i32)
      (loop $l
        (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 0) (i32.const 10000))))))
  (invoke "run")
  (assert_return (invoke "run") (i32.const {n})))
"#
        )
    };
    let text = format!(
        r#"(module $Mem
  (memory (export "shared") 1 1 shared)
  (func (export "load") (result i32) (i32.atomic.load (i32.const 0))))
{}{}(wait $T1)
(wait $T2)
(assert_return (invoke $Mem "load") (i32.const 40000))
"#,
        worker(1),
        worker(2)
    );
    let report = run("threads.wast", &text);
    // module, 2 x (thread + register + module + invoke + assert_return),
    // 2 x wait, the final check: the two wrong assert_returns fail.
    assert_eq!(report.total(), 14, "{report:?}");
    let failed: Vec<usize> = report.failures.iter().map(|f| f.line).collect();
    assert_eq!(failed, [14, 25], "{report:?}");
}

#[test]
fn malformed_scripts_are_located_errors_not_panics() {
    for (text, at) in [
        (
            "(module\n  (func)\n(assert_return (invoke \"f\"))\n",
            "bad.wast:3:2: ",
        ),
        (
            "(assert_return (invoke \"f\") (i32.const))",
            "bad.wast:1:39: ",
        ),
        ("\0asm\x01\0\0\0", "bad.wast:1:1: "),
        ("(module) (get \"g\")", "bad.wast:1:11: "),
    ] {
        let report = run("bad.wast", text);
        let error = report.error.as_deref().unwrap_or_default();
        assert!(error.starts_with(at), "{text:?}: {error}");
        assert_eq!(report.total(), 0);
        assert!(report.is_failure());
    }
    // Nothing but comments is a script with nothing to run.
    assert!(run("empty.wast", ";; nothing\n(; here ;)").is_clean());

    let dir = TempDir::new("spec-bad");
    let path = dir.path("latin1.wast");
    std::fs::write(&path, b"(module)\n;; caf\xe9\n").expect("write");
    let o = vitte_wat(&["spec", &path.display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: ") && err.contains("latin1.wast:2:7: invalid UTF-8"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn listed_failures_are_excused_and_listed_passes_are_reported() {
    let dir = TempDir::new("spec-expected");
    let script = dir.path("mid.wast");
    std::fs::write(&script, WRONG_IN_THE_MIDDLE).expect("write");
    let list = dir.path("list.txt");
    let script_arg = script.display().to_string();
    let list_arg = list.display().to_string();

    // Both failures listed: the run passes, and says what it excused.
    std::fs::write(&list, "mid.wast:5  known\nmid.wast:7  known too\n").expect("write");
    let o = vitte_wat(&["spec", "--expected-failures", &list_arg, &script_arg]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(" 0 failed, 2 expected failures, 0 unexpected passes"));

    // A listed directive that passes fails the run, named with its reason.
    std::fs::write(
        &list,
        "mid.wast:5  known\nmid.wast:7  known too\nmid.wast:4  stale\n",
    )
    .expect("write");
    let o = vitte_wat(&["spec", "--expected-failures", &list_arg, &script_arg]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("XPASS ") && out.contains("mid.wast:4: listed as an expected failure (stale), but no directive on line 4 failed"),
        "{out}"
    );
    assert!(out.contains("1 unexpected passes"), "{out}");

    // A whole file listed that passes entirely is reported too.
    let clean = dir.path("clean.wast");
    std::fs::write(&clean, "(module)\n").expect("write");
    std::fs::write(&list, "clean.wast  was broken\n").expect("write");
    let o = vitte_wat(&[
        "spec",
        "--expected-failures",
        &list_arg,
        &clean.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("but all 1 directives passed"),
        "{}",
        stdout(&o)
    );

    // The library applies a list the same way.
    let expected = ExpectedFailures::parse("list", "mid.wast:5  known\n").expect("list");
    let mut report = run("mid.wast", WRONG_IN_THE_MIDDLE);
    expected.apply(&mut report);
    assert_eq!((report.failed(), report.expected_failures()), (1, 1));
}

#[test]
fn json_counts_equal_the_text_summary() {
    let dir = TempDir::new("spec-json");
    std::fs::write(dir.path("a.wast"), WRONG_IN_THE_MIDDLE).expect("write");
    std::fs::write(dir.path("b.wast"), "(module\n").expect("write");
    for target in [dir.0.display().to_string(), "spec-tests".to_string()] {
        let text = vitte_wat(&["spec", &target]);
        let json = vitte_wat(&["spec", "--json", &target]);
        assert_eq!(text.status.code(), json.status.code());
        let doc: serde_json::Value =
            serde_json::from_str(&stdout(&json)).expect("--json prints one JSON document");
        assert_eq!(doc["schema"], "vitte-wat-spec/1");
        let t = &doc["totals"];
        let summary = format!(
            "total: {} passed, {} failed, {} expected failures, {} unexpected passes ({} of {} files clean, {} errors)",
            t["passed"],
            t["failed"],
            t["expected_failures"],
            t["unexpected_passes"],
            t["files_clean"],
            t["files"],
            t["errors"]
        );
        let out = stdout(&text);
        assert_eq!(out.lines().last(), Some(summary.as_str()), "{out}");
        // Per file too: the sums of the files are the totals.
        let files = doc["files"].as_array().expect("files");
        let sum = |key: &str| {
            files
                .iter()
                .map(|f| f[key].as_u64().unwrap_or(0))
                .sum::<u64>()
        };
        assert_eq!(sum("passed"), t["passed"].as_u64().unwrap_or(0));
        assert_eq!(sum("failed"), t["failed"].as_u64().unwrap_or(0));
        assert_eq!(sum("directives"), t["directives"].as_u64().unwrap_or(0));
        for f in files {
            let failures = f["failures"].as_array().expect("failures");
            assert_eq!(
                failures.len() as u64,
                f["failed"].as_u64().unwrap_or(0) + f["expected_failures"].as_u64().unwrap_or(0)
            );
        }
    }
}

#[test]
fn output_is_the_same_whatever_the_parallelism() {
    let dir = TempDir::new("spec-order");
    for i in 0..12 {
        let body = if i % 3 == 0 {
            WRONG_IN_THE_MIDDLE
        } else {
            "(module)\n"
        };
        std::fs::write(dir.path(&format!("s{i:02}.wast")), body).expect("write");
    }
    let target = dir.0.display().to_string();
    let one = vitte_wat(&["spec", "-j", "1", &target]);
    let four = vitte_wat(&["spec", "-j", "4", &target]);
    assert_eq!(stdout(&one), stdout(&four));
    assert_eq!(one.status.code(), Some(1));
    let only = vitte_wat(&["spec", "--failures-only", "--filter", "s03", &target]);
    let out = stdout(&only);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("FAIL ")).count(),
        2,
        "{out}"
    );
    assert!(!out.contains("s00") && !out.contains("s01"), "{out}");
}

#[test]
fn the_spec_tests_pass_with_their_totals() {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    vitte_wat::spec::collect_wast(&common::root().join("spec-tests"), &mut files, &mut skipped)
        .expect("spec-tests");
    assert_eq!(skipped, Vec::<String>::new());
    let inputs: Vec<Input> = files.into_iter().map(Input::File).collect();
    let reports = Suite::default().run(&inputs, |_, _| {});
    let totals = Totals::of(&reports);
    let failures: Vec<String> = reports
        .iter()
        .flat_map(|r| {
            r.failures
                .iter()
                .map(|f| f.to_string())
                .chain(r.error.clone())
        })
        .collect();
    assert!(totals.success() && failures.is_empty(), "{failures:#?}");
    assert!(
        reports
            .iter()
            .any(|r| Path::new(&r.path).starts_with(common::root().join("spec-tests/wasm64"))),
        "the hand-written wasm64 scripts run"
    );
}

#[test]
fn the_wasm64_scripts_stay_within_the_backends_features() {
    // What the lowering relies on must run on the backend's own feature set,
    // which is what `spec::run_script` (the golden replay) uses.
    let runtime = vitte_runtime::Runtime::new().expect("wasmtime");
    let dir = common::root().join("spec-tests/wasm64");
    let files = common::files_with_extension(&dir, "wast");
    assert!(files.len() >= 5, "{files:?}");
    common::run_all(&files, |path| {
        let name = common::relative(path);
        let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
        let report = vitte_wat::spec::run_script(&runtime, &name, &text)?;
        let failures: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
        match failures.is_empty() && report.passed > 0 {
            true => Ok(()),
            false => Err(failures.join("\n")),
        }
    });
}

#[cfg(unix)]
#[test]
fn directory_walks_do_not_follow_symlinked_directories_or_read_fifos() {
    let dir = TempDir::new("spec-walk");
    let script = "(module (func (export \"f\") (result i32) i32.const 1))\n\
                  (assert_return (invoke \"f\") (i32.const 1))\n";
    std::fs::create_dir(dir.path("sub")).expect("sub");
    std::fs::write(dir.path("sub/a.wast"), script).expect("a.wast");
    // Links back to an ancestor: followed, they would run a.wast without
    // end (two of them made the walk hang with memory growing).
    std::os::unix::fs::symlink("..", dir.path("sub/up")).expect("symlink");
    std::os::unix::fs::symlink(".", dir.path("self")).expect("symlink");
    let root = dir.0.to_str().unwrap();
    let o = vitte_wat(&["spec", root]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("(1 of 1 files clean"),
        "a.wast ran once: {}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("self: a symlink to a directory, not followed"),
        "{}",
        stderr(&o)
    );
    // A FIFO named like a script is refused by name, not opened (opening
    // one blocks until a writer comes).
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path("sub/x.wast"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let o = vitte_wat(&["spec", root]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("x.wast: not a regular file (a FIFO)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn file_names_with_control_characters_are_printed_escaped() {
    let dir = TempDir::new("spec-names");
    let name = "evil\n\u{1b}[31mFAIL x.wast";
    let script = "(module (func (export \"f\") (result i32) i32.const 1))\n\
                  (assert_return (invoke \"f\") (i32.const 2))\n";
    std::fs::write(dir.path(&format!("{name}.wast")), script).expect("script");
    let o = vitte_wat(&["spec", dir.0.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "no escape sequence: {out:?}");
    let fail_lines: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fail_lines.len(), 1, "one FAIL line, not split: {out:?}");
    assert!(
        fail_lines[0].contains("evil\u{240a}\u{241b}[31mFAIL x.wast.wast:2:"),
        "{out:?}"
    );
}
