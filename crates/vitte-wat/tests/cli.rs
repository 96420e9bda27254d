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

/// A threads program (the IR's threads ABI): two threads increment a
/// counter 1000 times each with plain loads and stores (a race), `@boom`'s
/// thread divides by zero, `@stuck` waits forever.
const THREADS: &str = "memory shared
extern fn @spawn(ptr) -> i32 from \"wasi\" \"thread-spawn\"
data @stacks align 16 = zero 24576
data @b1 align 16 = ptr @stacks, ptr 8192
data @b2 align 16 = ptr @stacks + 8192, ptr 8192
data @b3 align 16 = ptr @stacks + 16384, ptr 8192
data @running align 4 = i32 2
data @counter align 4 = i32 0
data @never align 4 = i32 0

pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {
entry:
  %zero = i32.const 0
  %b3 = data.addr @b3
  %crash = ptr.eq %arg, %b3
  brif %crash, boom, top(%zero)
boom:
  %q = i32.div_s %tid, %zero
  return
top(%i: i32):
  %limit = i32.const 1000
  %more = i32.lt_u %i, %limit
  brif %more, body, out
body:
  %c = data.addr @counter
  %v = i32.load %c
  %one = i32.const 1
  %v1 = i32.add %v, %one
  i32.store %c, %v1
  %i1 = i32.add %i, %one
  jump top(%i1)
out:
  %p = data.addr @running
  %one2 = i32.const 1
  %old = i32.atomic.rmw.sub %p, %one2
  %n = memory.atomic.notify %p, %one2
  return
}

pub fn @main() -> i32 {
entry:
  %b1 = data.addr @b1
  %t1 = call @spawn(%b1)
  %b2 = data.addr @b2
  %t2 = call @spawn(%b2)
  %p = data.addr @running
  jump top
top:
  %n = i32.atomic.load %p
  %zero = i32.const 0
  %z = i32.eq %n, %zero
  brif %z, out, wait
wait:
  %inf = i64.const -1
  %r = memory.atomic.wait32 %p, %n, %inf
  jump top
out:
  %c = data.addr @counter
  %v = i32.load %c
  return %v
}

pub fn @boom() {
entry:
  %b3 = data.addr @b3
  %t = call @spawn(%b3)
  call @stuck()
  return
}

pub fn @stuck() {
entry:
  %p = data.addr @never
  %zero = i32.const 0
  %inf = i64.const -1
  %r = memory.atomic.wait32 %p, %zero, %inf
  return
}
";

/// `interp` runs a threads program's threads as `--quantum` and `--seed`
/// say: the same options give the same result, a slice longer than a
/// thread's work loses no update and short ones do; a spawned thread's trap
/// names its thread; a deadlock traps.
#[test]
fn interp_interleaves_threads_by_quantum_and_seed() {
    let dir = TempDir::new("cli-interp-threads");
    let input = dir.path("threads.vir");
    std::fs::write(&input, THREADS).unwrap();
    let input = input.to_str().unwrap();
    let count = |options: &[&str]| {
        let mut args = vec!["interp", input, "--invoke", "main"];
        args.extend(options);
        let o = vitte_wat(&args);
        assert_success(&o);
        stdout(&o).trim().parse::<i32>().expect("a number")
    };
    for target in ["wasm64", "wasm32"] {
        assert_eq!(count(&["--target", target, "--quantum", "100000"]), 2000);
    }
    assert_eq!(count(&[]), count(&["--quantum", "1000"]), "the default");
    let short: Vec<i32> = ["1", "3", "7"]
        .iter()
        .map(|q| count(&["--quantum", q]))
        .collect();
    assert!(short.iter().any(|&c| c < 2000), "{short:?}");
    for seed in ["1", "2"] {
        let options = ["--quantum", "5", "--seed", seed];
        assert_eq!(count(&options), count(&options));
    }
    let seeded: std::collections::BTreeSet<i32> = (0..5)
        .map(|s| count(&["--quantum", "5", "--seed", &s.to_string()]))
        .collect();
    assert!(seeded.len() > 1, "{seeded:?}");
    let o = vitte_wat(&["interp", input, "--invoke", "boom"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "trap: integer divide by zero (in thread 1)\nbacktrace:\n  0: @wasi_thread_start\n"
    );
    let o = vitte_wat(&["interp", input, "--invoke", "stuck"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "trap: deadlock: every thread waits forever\nbacktrace:\n  0: @stuck\n"
    );
    let o = vitte_wat(&["interp", input, "--invoke", "main", "--quantum", "0"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}
