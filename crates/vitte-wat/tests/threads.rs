//! `vitte-wat run` on wasi-threads programs (README, Threads): hand-written
//! WAT under tests/threads/, on wasm32 and wasm64 (a 64-bit shared memory),
//! and threads programs written in the IR (docs/ir.md, Threads): the
//! `.vir` files there and examples/threads.vir, each compiled for both
//! targets, their expected results computed here, and each agreeing with
//! the reference interpreter's threads (`vitte-wat interp`). They are not
//! golden cases (tests/golden.rs also runs every case in the spec runner,
//! which has no `thread-spawn` to link); their WAT is checked here instead
//! (`golden/`, `VITTE_BLESS=1` rewrites it), and the direct encoder's bytes
//! against the text path's.

mod common;

use common::{stderr, stdout};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// How long any of these runs may take before the test calls it a hang
/// (each takes well under a second when it works).
const HANG: Duration = Duration::from_secs(30);

/// Runs `vitte-wat run ARGS` and kills it if it hangs.
fn run(args: &[&str]) -> Output {
    command("run", args)
}

/// Runs `vitte-wat COMMAND ARGS` and kills it if it hangs.
fn command(command: &str, args: &[&str]) -> Output {
    let mut child = common::vitte_wat_command()
        .arg(command)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vitte-wat runs");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > HANG {
            let _ = child.kill();
            panic!("vitte-wat {command} {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let o = child.wait_with_output().expect("output");
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    o
}

fn program(name: &str) -> String {
    format!("crates/vitte-wat/tests/threads/{name}")
}

/// 1 + 2 + ... + n.
fn sum_to(n: u64) -> u64 {
    n * (n + 1) / 2
}

#[test]
fn four_threads_sum_a_million_numbers_exactly_on_both_targets() {
    for file in ["sum.wat", "sum64.wat"] {
        let o = run(&[&program(file)]);
        assert_eq!(o.status.code(), Some(0), "{file}: {}", stderr(&o));
        assert_eq!(stdout(&o), format!("{}\n", sum_to(1_000_000)), "{file}");
    }
}

#[test]
fn a_mutex_of_compare_exchange_and_wait_notify_counts_exactly() {
    let o = run(&[&program("mutex.wat")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{}\n", 4 * 250_000));
}

#[test]
fn a_deadlock_ends_with_the_timeout_status() {
    let o = run(&["--timeout", "1s", &program("deadlock.wat")]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("exceeded its timeout"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_trap_in_a_spawned_thread_ends_the_program_with_its_backtrace() {
    let o = run(&[&program("trap.wat")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("trap: integer divide by zero"), "{err}");
    assert!(err.contains("0: boom"), "{err}");
}

#[test]
fn proc_exit_in_a_spawned_thread_is_the_programs_status() {
    let o = run(&[&program("exit.wat")]);
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
}

#[test]
fn thread_spawn_fails_past_max_threads() {
    // The program prints how many spawns succeeded, then the error negated
    // (EAGAIN is 6 in WASI).
    let o = run(&["--max-threads", "8", &program("spawn_loop.wat")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "8 6\n");
    // The documented default.
    let o = run(&[&program("spawn_loop.wat")]);
    assert_eq!(stdout(&o), "64 6\n", "{}", stderr(&o));
    let o = run(&["--max-threads", "0", &program("spawn_loop.wat")]);
    assert_eq!(stdout(&o), "0 6\n", "{}", stderr(&o));
}

#[test]
fn fuel_bounds_all_threads_together() {
    let o = run(&["--fuel", "10000000", &program("busy.wat")]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("exceeded its fuel (--fuel 10000000)"), "{err}");
    assert!(err.contains("spin"), "{err}");
}

#[test]
fn the_timeout_stops_threads_that_spin() {
    let o = run(&["--timeout", "300ms", &program("busy.wat")]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

#[test]
fn max_memory_caps_the_shared_memory() {
    // Its maximum is clamped to the limit: memory.grow fails past it.
    let o = run(&["--max-memory", "256KiB", &program("grow.wat")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "-1 1 4\n");
    let o = run(&[&program("grow.wat")]);
    assert_eq!(stdout(&o), "1 -1 5\n", "{}", stderr(&o));
    // An initial size past it is refused before running.
    let o = run(&["--max-memory", "32KiB", &program("sum64.wat")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("exceed the memory limit"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_program_missing_part_of_the_abi_is_refused_saying_what() {
    let dir = common::TempDir::new("threads-abi");
    let cases = [
        (
            "no_shared.wat",
            r#"(module (import "wasi" "thread-spawn" (func (param i32) (result i32)))
                 (memory (export "memory") 1)
                 (func (export "wasi_thread_start") (param i32 i32))
                 (func (export "_start")))"#,
            "must import a shared memory",
        ),
        (
            "no_start.wat",
            r#"(module (import "wasi" "thread-spawn" (func (param i32) (result i32)))
                 (import "env" "memory" (memory 1 1 shared))
                 (func (export "_start")))"#,
            "must export `wasi_thread_start`",
        ),
        (
            "wrong_width.wat",
            r#"(module (import "wasi" "thread-spawn" (func (param i32) (result i32)))
                 (import "env" "memory" (memory i64 1 1 shared))
                 (func (export "wasi_thread_start") (param i32 i64))
                 (func (export "_start")))"#,
            "(func (param i64) (result i32)) for a 64-bit memory",
        ),
    ];
    for (name, text, says) in cases {
        let path = dir.path(name);
        std::fs::write(&path, text).expect("write");
        let o = run(&[path.to_str().expect("utf-8")]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{name}: {}", stderr(&o));
    }
}

#[test]
fn the_program_ends_when_main_returns() {
    let o = run(&[&program("main_returns.wat")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Both targets, as `run`'s option.
const TARGETS: [&str; 2] = ["wasm64", "wasm32"];

/// Runs an IR program of tests/threads/ (or `path` as given) for `target`.
fn run_ir(path: &str, target: &str, args: &[&str]) -> Output {
    let mut all = vec![path, "--target", target];
    all.extend(args);
    run(&all)
}

/// A run that must succeed, and its stdout.
fn ok(o: &Output, what: &str) -> String {
    assert_eq!(o.status.code(), Some(0), "{what}: {}", stderr(o));
    stdout(o)
}

#[test]
fn ir_four_threads_sum_a_million_numbers_on_both_targets() {
    for target in TARGETS {
        let o = run_ir("examples/threads.vir", target, &[]);
        let out = ok(&o, target);
        assert_eq!(out, format!("{}\n", sum_to(1_000_000)), "{target}");
    }
}

#[test]
fn ir_spin_lock_of_compare_exchange_counts_exactly() {
    for target in TARGETS {
        let o = run_ir(&program("spinlock.vir"), target, &["--invoke", "main"]);
        assert_eq!(ok(&o, target), format!("{}\n", 4 * 100_000), "{target}");
    }
}

#[test]
fn ir_mutex_of_compare_exchange_and_wait_notify_counts_exactly() {
    for target in TARGETS {
        let o = run_ir(&program("mutex.vir"), target, &["--invoke", "main"]);
        assert_eq!(ok(&o, target), format!("{}\n", 4 * 250_000), "{target}");
    }
}

#[test]
fn ir_producer_consumer_queue_checksum_is_exact() {
    // The producer pushes 3k + 1 for k in 0..n; the consumer sums
    // (k + 1) * value in pop order, wrapping at 64 bits.
    let checksum = |n: u64| {
        (0..n).fold(0u64, |sum, k| {
            sum.wrapping_add((k + 1).wrapping_mul(3 * k + 1))
        }) as i64
    };
    for target in TARGETS {
        for n in [1u64, 17, 100_000] {
            let count = n.to_string();
            let o = run_ir(&program("queue.vir"), target, &["--invoke", "main", &count]);
            assert_eq!(
                ok(&o, target),
                format!("{}\n", checksum(n)),
                "{target}, n = {n}"
            );
        }
    }
}

#[test]
fn ir_deadlock_ends_with_the_timeout_status() {
    for target in TARGETS {
        let o = run_ir(
            &program("deadlock.vir"),
            target,
            &["--invoke", "main", "--timeout", "1s"],
        );
        assert_eq!(o.status.code(), Some(4), "{target}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("exceeded its timeout"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn ir_fuel_running_out_in_a_spawned_thread_ends_the_program() {
    for target in TARGETS {
        let o = run_ir(
            &program("fuel.vir"),
            target,
            &["--invoke", "main", "--fuel", "10000000"],
        );
        assert_eq!(o.status.code(), Some(3), "{target}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("exceeded its fuel (--fuel 10000000)"), "{err}");
        // The spinning thread's frame, named from the DWARF.
        assert!(
            err.contains("0: @wasi_thread_start (crates/vitte-wat/tests/threads/fuel.vir:"),
            "{err}"
        );
    }
}

#[test]
fn ir_a_thread_stack_is_its_block_and_overflowing_it_traps() {
    // Each call of @dive has a 64-byte frame (one 64-byte slot), the block
    // 4096 bytes: 64 calls fill it exactly, the deepest slot at its low
    // end, and the guard below it is untouched.
    const FRAME: u64 = 64;
    const BLOCK: u64 = 4096;
    let guard = 0x5afe_5afe_5afe_5afe_i64;
    for target in TARGETS {
        for depth in [1, 2, BLOCK / FRAME] {
            let arg = depth.to_string();
            let o = run_ir(
                &program("stack_limit.vir"),
                target,
                &["--invoke", "main", &arg],
            );
            assert_eq!(
                ok(&o, target),
                format!("{guard}\n{}\n", depth * FRAME),
                "{target}, depth {depth}"
            );
        }
        // One call more would go below the block: it traps instead.
        let arg = (BLOCK / FRAME + 1).to_string();
        let o = run_ir(
            &program("stack_limit.vir"),
            target,
            &["--invoke", "main", &arg],
        );
        assert_eq!(o.status.code(), Some(2), "{target}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.starts_with("trap: unreachable\n"), "{err}");
        assert!(
            err.contains("0: @dive (crates/vitte-wat/tests/threads/stack_limit.vir:"),
            "{err}"
        );
    }
}

#[test]
fn ir_a_thread_block_that_puts_the_stack_below_its_low_end_traps_on_entry() {
    for target in TARGETS {
        let o = run_ir(&program("bad_block.vir"), target, &["--invoke", "main"]);
        assert_eq!(o.status.code(), Some(2), "{target}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.starts_with("trap: unreachable\n"), "{err}");
        assert!(
            err.contains("0: @wasi_thread_start (crates/vitte-wat/tests/threads/bad_block.vir:"),
            "{err}"
        );
    }
}

#[test]
fn ir_data_is_written_once_not_again_when_a_thread_starts() {
    // Main stored 42 over @cell's 7 before spawning; the thread sees 42,
    // and @other as its data wrote it; thread ids 1 and 2 in spawn order.
    for target in TARGETS {
        let o = run_ir(&program("once.vir"), target, &["--invoke", "main"]);
        assert_eq!(ok(&o, target), "42\n1234\n1\n2\n", "{target}");
    }
}

/// The IR threads programs: those of tests/threads/ and the example.
fn ir_programs() -> Vec<std::path::PathBuf> {
    let mut files = common::files_with_extension(&common::root().join(program("")), "vir");
    files.push(common::root().join("examples/threads.vir"));
    assert!(files.len() >= 9, "{files:?}");
    files
}

#[test]
fn ir_threads_wat_matches_its_golden_files() {
    // A small program's whole WAT: the imported memory, the passive data
    // and its start function, the stack limit and the thread's entry.
    for target in TARGETS {
        let o = common::vitte_wat(&["emit", &program("once.vir"), "--target", target, "-o", "-"]);
        let wat = ok(&o, target);
        let golden = common::root().join(program(&format!("golden/once.{target}.wat")));
        if let Err(e) = common::check_golden(&golden, &wat) {
            panic!("{e}");
        }
    }
}

#[test]
fn ir_threads_direct_encoding_gives_the_bytes_of_the_text_path() {
    let dir = common::TempDir::new("threads-direct");
    for file in ir_programs() {
        let file = file.to_str().expect("utf-8");
        for target in TARGETS {
            for debug in [&[][..], &["-g"][..]] {
                let build = |direct: bool, name: &str| {
                    let out = dir.path(name);
                    let mut args = vec!["build", file, "--target", target, "-o"];
                    args.push(out.to_str().expect("utf-8"));
                    args.extend(debug);
                    if direct {
                        args.push("--direct");
                    }
                    let o = common::vitte_wat(&args);
                    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
                    std::fs::read(out).expect("read the binary")
                };
                let text = build(false, "text.wasm");
                assert!(
                    text == build(true, "direct.wasm"),
                    "{file} ({target}, {debug:?})"
                );
            }
        }
    }
}

#[test]
fn ir_threads_program_explores_on_both_targets() {
    // Its generated start function has no IR: the page has the IR's
    // functions and their stages only.
    let dir = common::TempDir::new("threads-explore");
    for target in TARGETS {
        let page = dir.path(&format!("threads.{target}.html"));
        let page = page.to_str().expect("utf-8");
        let args = [
            "explore",
            "examples/threads.vir",
            "--target",
            target,
            "-o",
            page,
        ];
        let o = common::vitte_wat(&args);
        assert_eq!(o.status.code(), Some(0), "{target}: {}", stderr(&o));
        let html = std::fs::read_to_string(page).expect("read the page");
        assert!(html.contains("wasi_thread_start"), "{target}");
    }
}

/// The trap of a failed run or interpretation: its first line without the
/// thread the interpreter names (`trap: unreachable (in thread 1)`).
fn trap_line(o: &Output) -> String {
    let err = stderr(o);
    let first = err.lines().next().unwrap_or_default();
    first
        .split(" (in thread")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Every IR threads program that ends by itself gives what the reference
/// interpreter gives, on both targets: results, or the trap and exit
/// status; the interpreter under its default slices and under others.
#[test]
fn ir_programs_agree_with_the_reference_interpreter() {
    let cases: [(String, &str, &[&str]); 9] = [
        ("examples/threads.vir".into(), "parallel_sum", &[]),
        (program("spinlock.vir"), "main", &[]),
        (program("mutex.vir"), "main", &[]),
        (program("once.vir"), "main", &[]),
        (program("queue.vir"), "main", &["17"]),
        (program("queue.vir"), "main", &["100000"]),
        (program("stack_limit.vir"), "main", &["64"]),
        (program("stack_limit.vir"), "main", &["65"]),
        (program("bad_block.vir"), "main", &[]),
    ];
    for target in TARGETS {
        for (path, entry, args) in &cases {
            let mut call = vec![path.as_str(), "--target", target, "--invoke", entry];
            call.extend(*args);
            let compiled = run(&call);
            let what = format!("{path} {entry} {args:?} on {target}");
            // A million increments or additions: one schedule is enough.
            let long = ["spinlock", "mutex", "examples/"].map(|p| path.contains(p));
            let schedules: &[&[&str]] = match long.contains(&true) {
                true => &[&[]],
                false => &[&[], &["--quantum", "7", "--seed", "3"]],
            };
            for schedule in schedules {
                let interpreted = command("interp", &[&call[..], schedule].concat());
                let what = format!("{what}, interp {schedule:?}");
                assert_eq!(compiled.status.code(), interpreted.status.code(), "{what}");
                assert_eq!(stdout(&compiled), stdout(&interpreted), "{what}");
                if compiled.status.code() != Some(0) {
                    assert_eq!(trap_line(&compiled), trap_line(&interpreted), "{what}");
                }
            }
        }
    }
}

/// The deadlock the compiled program can only time out on is a trap in the
/// interpreter, which sees every thread wait.
#[test]
fn the_interpreter_names_the_deadlock() {
    for target in TARGETS {
        let path = program("deadlock.vir");
        let o = command("interp", &[&path, "--target", target, "--invoke", "main"]);
        assert_eq!(o.status.code(), Some(2), "{target}: {}", stderr(&o));
        assert_eq!(trap_line(&o), "trap: deadlock: every thread waits forever");
    }
}
