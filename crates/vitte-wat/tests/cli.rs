//! `vitte-wat` end to end, as a user runs it.

mod common;

use common::{stderr, stdout, vitte_wat};

use common::TempDir;
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = common::vitte_wat_command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vitte-wat starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("vitte-wat finishes")
}

fn assert_success(o: &Output) {
    assert!(o.status.success(), "failed: {}\n{}", o.status, stderr(o));
}

/// Exit status 1, a located message, no panic.
fn assert_error_at(o: &Output, location: &str) {
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert!(err.starts_with("error: "), "stderr: {err}");
    assert!(err.contains(location), "expected `{location}` in: {err}");
    assert!(!err.contains("panicked"), "stderr: {err}");
}

#[test]
fn run_and_interp_agree_on_fib() {
    for command in ["run", "interp"] {
        let o = vitte_wat(&[command, "examples/fib.vir", "--invoke", "fib", "20"]);
        assert_success(&o);
        assert_eq!(stdout(&o), "6765\n", "{command}");
    }
    let o = vitte_wat(&[
        "run",
        "examples/fib.vir",
        "--invoke",
        "fib",
        "20",
        "--target",
        "wasm32",
    ]);
    assert_success(&o);
    assert_eq!(stdout(&o), "6765\n");
}

#[test]
fn emit_then_asm_from_stdin_then_validate() {
    let dir = TempDir::new("cli-asm");
    let emitted = vitte_wat(&["emit", "examples/fib.vir"]);
    assert_success(&emitted);
    let wat = stdout(&emitted);
    assert!(
        wat.contains("(memory $memory i64 "),
        "memory64 expected:\n{wat}"
    );
    let wasm = dir.path("fib.wasm");
    let wasm_arg = wasm.to_str().expect("utf-8 path");
    assert_success(&with_stdin(&["asm", "-", "-o", wasm_arg], wat.as_bytes()));
    assert_success(&vitte_wat(&["validate", wasm_arg]));
    // And back: the disassembly assembles to the same binary.
    let dis = vitte_wat(&["dis", wasm_arg]);
    assert_success(&dis);
    let again = dir.path("again.wasm");
    let again_arg = again.to_str().expect("utf-8 path");
    assert_success(&with_stdin(&["asm", "-", "-o", again_arg], &dis.stdout));
    assert_eq!(
        std::fs::read(&wasm).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn wasm32_emits_a_32_bit_memory() {
    let o = vitte_wat(&["emit", "examples/fib.vir", "--target", "wasm32"]);
    assert_success(&o);
    let wat = stdout(&o);
    assert!(
        wat.contains("(memory $memory ") && !wat.contains("(memory $memory i64"),
        "{wat}"
    );
}

#[test]
fn build_writes_a_valid_binary_and_is_deterministic() {
    let dir = TempDir::new("cli-build");
    let a = dir.path("a.wasm");
    let b = dir.path("b.wasm");
    for out in [&a, &b] {
        assert_success(&vitte_wat(&[
            "build",
            "examples/fib.vir",
            "-o",
            out.to_str().unwrap(),
        ]));
    }
    let bytes = std::fs::read(&a).unwrap();
    assert!(bytes.starts_with(b"\0asm"));
    assert_eq!(bytes, std::fs::read(&b).unwrap());
    assert_success(&vitte_wat(&[
        "run",
        a.to_str().unwrap(),
        "--invoke",
        "fib",
        "10",
    ]));
}

/// A bad `.vir` exits 1 with file:line:col and leaves no output file.
fn assert_rejected(name: &str, text: &str, location: &str, message: &str) {
    let dir = TempDir::new("cli-bad");
    let input = dir.path(name);
    std::fs::write(&input, text).unwrap();
    let out = dir.path("out.wasm");
    for command in ["check", "build"] {
        let mut args = vec![command, input.to_str().unwrap()];
        if command == "build" {
            args.extend(["-o", out.to_str().unwrap()]);
        }
        let o = vitte_wat(&args);
        assert_error_at(&o, &format!("{}:{location}", input.display()));
        assert!(
            stderr(&o).contains(message),
            "expected `{message}` in {}",
            stderr(&o)
        );
    }
    assert!(!out.exists(), "a failed build left {}", out.display());
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the input may remain: {leftovers:?}"
    );
}

#[test]
fn bad_token_is_located() {
    assert_rejected(
        "bad_token.vir",
        "pub fn @f() -> i32 {\nentry:\n  %x = i32.const 1 #\n  return %x\n}\n",
        "3:20",
        "",
    );
}

#[test]
fn type_mismatch_is_located() {
    assert_rejected(
        "mismatch.vir",
        "pub fn @f(%a: i32, %b: i64) -> i32 {\nentry:\n  %x = i32.add %a, %b\n  return %x\n}\n",
        "3:",
        "type mismatch",
    );
}

#[test]
fn undefined_value_is_located() {
    assert_rejected(
        "undefined.vir",
        "pub fn @f() -> i32 {\nentry:\n  return %nowhere\n}\n",
        "3:10",
        "unknown value %nowhere",
    );
}

#[test]
fn traps_exit_with_status_two() {
    let dir = TempDir::new("cli-trap");
    let input = dir.path("div.vir");
    std::fs::write(
        &input,
        "pub fn @div(%a: i32, %b: i32) -> i32 {\nentry:\n  %q = i32.div_s %a, %b\n  return %q\n}\n",
    )
    .unwrap();
    for command in ["run", "interp"] {
        let o = vitte_wat(&[
            command,
            input.to_str().unwrap(),
            "--invoke",
            "div",
            "1",
            "0",
        ]);
        assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("trap: integer divide by zero"),
            "{}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn bad_wat_and_bad_wasm_are_located() {
    let o = with_stdin(
        &["asm", "-", "-o", "-"],
        b"(module\n  (func (result i32)\n    i32.const x))\n",
    );
    assert_error_at(&o, "<stdin>:3:");
    let dir = TempDir::new("cli-wasm");
    let corrupt = dir.path("corrupt.wasm");
    std::fs::write(&corrupt, b"\0asm\x01\0\0\0\x01\xff").unwrap();
    let o = vitte_wat(&["validate", corrupt.to_str().unwrap()]);
    assert_error_at(&o, "offset 0x");
    let o = vitte_wat(&["check", corrupt.to_str().unwrap()]);
    assert_error_at(&o, "found a wasm binary");
}

#[test]
fn arguments_may_be_negative_and_options_come_anywhere() {
    let o = vitte_wat(&[
        "interp",
        "tests/cases/arith_i32.vir",
        "--invoke",
        "wrap_add",
        "-1",
        "-2",
        "--target",
        "wasm32",
    ]);
    assert_success(&o);
    assert_eq!(stdout(&o), "-3\n");
    let o = vitte_wat(&[
        "run",
        "tests/cases/float_ops.vir",
        "--invoke",
        "divide",
        "--",
        "-inf",
        "2",
    ]);
    assert_success(&o);
    assert_eq!(stdout(&o), "-inf\n");
}

#[test]
fn bad_arguments_are_errors_not_panics() {
    let o = vitte_wat(&["run", "examples/fib.vir", "--invoke", "fib", "twenty"]);
    assert_error_at(&o, "twenty");
    let o = vitte_wat(&["interp", "examples/fib.vir", "--invoke", "fib"]);
    assert_error_at(&o, "takes 1 arguments");
    let o = vitte_wat(&["run", "examples/fib.vir", "--invoke", "nope"]);
    assert_error_at(&o, "nope");
    let o = vitte_wat(&["check", "does/not/exist.vir"]);
    assert_error_at(&o, "does/not/exist.vir");
}

#[test]
fn spec_runs_the_golden_scripts() {
    let o = vitte_wat(&["spec", "spec-tests"]);
    assert_success(&o);
    let out = stdout(&o);
    let total = out.lines().last().unwrap_or_default();
    assert!(
        total.starts_with("total: ") && total.contains(" 0 failed"),
        "{out}"
    );
    assert!(
        Path::new(&common::root())
            .join("spec-tests/lowering/fib.wast")
            .exists()
    );
}

/// A large `zero` (100 MB) that fits in memory is never written out: the
/// binary holds only the non-zero bytes on either side of it, builds in
/// well under a second, and both engines read the bytes where they belong.
#[test]
fn large_zero_data_is_not_materialised() {
    let dir = TempDir::new("cli-zero");
    let input = dir.path("zero.vir");
    std::fs::write(
        &input,
        "data @x align 8 = i8 7, zero 100000000, i64 -1, zero 1000\n\
         pub fn @f() -> i64 {\nentry:\n  %p = data.addr @x\n  %a = i64.load8_u %p\n\
         \x20 %o = ptr.const 100000001\n  %q = ptr.add %p, %o\n  %b = i64.load %q\n\
         \x20 %c = i64.add %a, %b\n  return %c\n}\n",
    )
    .unwrap();
    let input = input.to_str().unwrap();
    for target in ["wasm64", "wasm32"] {
        for direct in [false, true] {
            let out = dir.path(&format!("zero-{target}-{direct}.wasm"));
            let mut args = vec!["build", input, "--target", target];
            args.extend(direct.then_some("--direct"));
            args.extend(["-o", out.to_str().unwrap()]);
            let start = std::time::Instant::now();
            assert_success(&vitte_wat(&args));
            let elapsed = start.elapsed();
            assert!(elapsed.as_secs() < 5, "{args:?} took {elapsed:?}");
            let size = std::fs::metadata(&out).unwrap().len();
            assert!(size < 1000, "{args:?}: {size} bytes");
        }
        for command in ["run", "interp"] {
            let o = vitte_wat(&[command, input, "--target", target, "--invoke", "f"]);
            assert_success(&o);
            assert_eq!(stdout(&o), "6\n", "{command} {target}");
        }
    }
    let wat = stdout(&vitte_wat(&["emit", input]));
    assert!(
        wat.contains("(data $x (memory $memory) (i64.const 16) \"\\07\")")
            && wat.contains("(data $x_1 (memory $memory) (i64.const 100000017) \"\\ff"),
        "{wat}"
    );
}

const SPIN: &str = "pub fn @spin() {\nentry:\n  jump loop\nloop:\n  jump loop\n}\n";

/// `interp` stops an infinite loop with `run`'s options and statuses:
/// --fuel exits 3, --timeout exits 4, each with its message and backtrace.
#[test]
fn interp_stops_a_loop_on_fuel_and_timeout() {
    let dir = TempDir::new("cli-interp-limits");
    let input = dir.path("spin.vir");
    std::fs::write(&input, SPIN).unwrap();
    let input = input.to_str().unwrap();
    let o = vitte_wat(&["interp", input, "--invoke", "spin", "--fuel", "1000"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: the guest exceeded its fuel (--fuel 1000)\nbacktrace:\n  0: @spin\n"
    );
    let start = std::time::Instant::now();
    let o = vitte_wat(&["interp", input, "--invoke", "spin", "--timeout", "1s"]);
    let elapsed = start.elapsed();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: the guest exceeded its timeout (--timeout 1s)\nbacktrace:\n  0: @spin\n"
    );
    assert!(elapsed.as_secs_f64() < 10.0, "took {elapsed:?}");
    // Both given: whichever runs out first.
    let o = vitte_wat(&[
        "interp",
        input,
        "--invoke",
        "spin",
        "--timeout",
        "1m",
        "--fuel",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let o = vitte_wat(&["interp", input, "--invoke", "spin", "--timeout", "soon"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown unit `soon`"), "{}", stderr(&o));
}

/// A runaway recursion traps after 100,000 frames; the backtrace shows the
/// first and last ten and says how many it leaves out.
#[test]
fn interp_elides_the_middle_of_a_deep_backtrace() {
    let dir = TempDir::new("cli-interp-deep");
    let input = dir.path("deep.vir");
    std::fs::write(
        &input,
        "pub fn @down(%n: i32) -> i32 {\nentry:\n  %r = call @down(%n)\n  return %r\n}\n",
    )
    .unwrap();
    let o = vitte_wat(&["interp", input.to_str().unwrap(), "--invoke", "down", "1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2 + 10 + 1 + 10, "{err}");
    assert_eq!(
        lines[..3],
        ["trap: call stack exhausted", "backtrace:", "  0: @down"]
    );
    assert_eq!(lines[12], "  ... 99981 frames elided ...");
    assert_eq!(lines[22], "  100000: @down");
}
