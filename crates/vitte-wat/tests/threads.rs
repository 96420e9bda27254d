//! `vitte-wat run` on wasi-threads programs (README, Threads): hand-written
//! WAT under tests/threads/, on wasm32 and wasm64 (a 64-bit shared memory),
//! until the IR has atomics of its own.

mod common;

use common::{stderr, stdout};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// How long any of these runs may take before the test calls it a hang
/// (each takes well under a second when it works).
const HANG: Duration = Duration::from_secs(30);

/// Runs `vitte-wat run ARGS` and kills it if it hangs.
fn run(args: &[&str]) -> Output {
    let mut child = common::vitte_wat_command()
        .arg("run")
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
            panic!("vitte-wat run {args:?} hung");
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
