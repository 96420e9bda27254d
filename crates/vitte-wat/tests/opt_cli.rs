//! The optimisation levels and pass switches on the command line, and
//! `vitte-wat opt`, as a user runs them.

mod common;

use common::{TempDir, stderr, stdout, vitte_wat};
use std::process::Output;
use vitte_codegen_wasm64::lower::PASSES;

const CASE: &str = "tests/cases/opt_frontend.vir";

fn assert_success(o: &Output) {
    assert!(o.status.success(), "failed: {}\n{}", o.status, stderr(o));
}

fn emit(args: &[&str]) -> String {
    let mut all = vec!["emit", CASE];
    all.extend(args);
    let o = vitte_wat(&all);
    assert_success(&o);
    stdout(&o)
}

#[test]
fn levels_and_switches_change_the_wat_and_the_default_is_o2() {
    let o0 = emit(&["-O0"]);
    let o1 = emit(&["-O1"]);
    let o2 = emit(&[]);
    assert_eq!(emit(&["-O2"]), o2);
    assert_eq!(emit(&["-O", "2"]), o2);
    assert!(o0 != o1 && o1 != o2 && o0 != o2);
    // One pass off changes the output; switched back on, it is -O2 again.
    let without = emit(&["--disable-pass", "load-cse"]);
    assert_ne!(without, o2);
    let again = emit(&["--disable-pass", "load-cse", "--enable-pass", "load-cse"]);
    assert_eq!(again, o2);
    // Every pass off is -O0.
    let names: Vec<&str> = PASSES.iter().map(|p| p.name).collect();
    assert_eq!(emit(&["--disable-pass", &names.join(",")]), o0);
}

#[test]
fn unknown_passes_and_levels_are_errors() {
    let o = vitte_wat(&["emit", CASE, "--disable-pass", "frobnicate"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("unknown pass `frobnicate`"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("load-cse"), "{}", stderr(&o));
    let o = vitte_wat(&["build", CASE, "-O3", "-o", "-"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("0, 1 or 2"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn every_level_runs_the_same_and_traps_the_same() {
    for level in ["-O0", "-O1", "-O2"] {
        let o = vitte_wat(&["run", CASE, level, "--invoke", "sum_pairs", "3"]);
        assert_success(&o);
        assert_eq!(stdout(&o), "44\n", "{level}");
        let o = vitte_wat(&["run", CASE, level, "--invoke", "safe_div", "7", "0"]);
        assert_eq!(o.status.code(), Some(2), "{level}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("integer divide by zero"),
            "{level}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn opt_prints_the_ir_after_each_pass_and_its_output_runs() {
    let o = vitte_wat(&["opt", "--list-passes"]);
    assert_success(&o);
    for pass in PASSES {
        assert!(stdout(&o).contains(pass.name), "{}", stdout(&o));
    }
    let o = vitte_wat(&["opt", CASE, "--print-after-all"]);
    assert_success(&o);
    let text = stdout(&o);
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(";; IR after"))
        .collect();
    assert_eq!(
        headers,
        [
            ";; IR after inline",
            ";; IR after promote-vars",
            ";; IR after tailrec",
            ";; IR after sroa",
            ";; IR after simplify",
            ";; IR after jump-threading",
            ";; IR after select-diamonds",
            ";; IR after expand-switches",
            ";; IR after fold-offsets",
            ";; IR after gvn",
            ";; IR after fold-const-loads",
            ";; IR after load-cse",
            ";; IR after licm",
            ";; IR after widen-iv",
            ";; IR after strength-reduce",
            ";; IR after unroll-outer",
            ";; IR after fold-const-loads",
            ";; IR after simplify",
            ";; IR after unroll",
            ";; IR after unroll-partial",
            ";; IR after fold-const-loads",
            ";; IR after simplify",
            ";; IR after jump-threading",
            ";; IR after gvn",
            ";; IR after fold-accessed-offsets"
        ]
    );
    // The final IR has no variable left and computes the same.
    let o = vitte_wat(&["opt", CASE]);
    assert_success(&o);
    let optimized = stdout(&o);
    assert!(!optimized.contains("var.get"), "{optimized}");
    let dir = TempDir::new("opt-cli");
    let file = dir.path("opt.vir");
    std::fs::write(&file, &optimized).expect("write");
    let path = file.to_str().expect("utf-8 path");
    let o = vitte_wat(&["run", path, "-O0", "--invoke", "dot", "3", "4"]);
    assert_success(&o);
    assert_eq!(stdout(&o), "25\n");
    // -O0 leaves the IR as it is (but for the switch expansion).
    let o = vitte_wat(&["opt", CASE, "-O0"]);
    assert_success(&o);
    assert!(stdout(&o).contains("var.get"));
}
