//! `vitte-wat run` and `compile` end to end: WASI, the sandbox's limits,
//! AOT and the cache, and the documented exit statuses.

mod common;

use common::TempDir;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs vitte-wat in the crate root with its cache in `cache`.
fn vitte_wat_cached(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vitte-wat"))
        .args(args)
        .current_dir(common::root())
        .env("VITTE_CACHE_DIR", cache)
        .env_remove("VITTE_TEST_SECRET")
        .output()
        .expect("vitte-wat runs")
}

/// Runs vitte-wat with a throwaway cache.
fn vitte_wat(args: &[&str]) -> Output {
    let cache = TempDir::new("run-cache");
    vitte_wat_cached(&cache.0, args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn status(o: &Output) -> Option<i32> {
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
    o.status.code()
}

/// A `.vir` file in a temporary directory.
fn write_vir(dir: &TempDir, name: &str, text: &str) -> String {
    let path = dir.path(name);
    std::fs::write(&path, text).expect("write .vir");
    path.to_str().expect("utf-8 path").to_string()
}

const SPIN: &str = "\
pub fn @spin() {
entry:
  jump loop
loop:
  jump loop
}

pub fn @_start() {
entry:
  call @spin()
  return
}

pub fn @grow(%pages: ptr) -> ptr {
entry:
  %old = memory.grow %pages
  return %old
}
";

const TARGETS: [&str; 2] = ["wasm64", "wasm32"];

#[test]
fn hello_prints_hello_world_on_both_targets() {
    for target in TARGETS {
        let o = vitte_wat(&["run", "examples/hello.vir", "--target", target]);
        assert_eq!(status(&o), Some(0), "{target}: {}", stderr(&o));
        assert_eq!(stdout(&o), "hello, world\n", "{target}");
    }
}

#[test]
fn fuel_stops_an_infinite_loop_with_status_3() {
    let dir = TempDir::new("run-fuel");
    let spin = write_vir(&dir, "spin.vir", SPIN);
    let o = vitte_wat(&["run", &spin, "--fuel", "1000000"]);
    assert_eq!(status(&o), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: the guest exceeded its fuel (--fuel 1000000)"),
        "{err}"
    );
    assert!(err.contains("  0: @spin, block "), "{err}");
}

#[test]
fn timeout_stops_an_infinite_loop_with_status_4() {
    let dir = TempDir::new("run-timeout");
    let spin = write_vir(&dir, "spin.vir", SPIN);
    let start = Instant::now();
    let o = vitte_wat(&["run", &spin, "--timeout", "1s", "--invoke", "spin"]);
    let elapsed = start.elapsed();
    assert_eq!(status(&o), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: the guest exceeded its timeout (--timeout 1s)"),
        "{}",
        stderr(&o)
    );
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}

#[test]
fn max_memory_caps_growth_and_grow_returns_minus_one() {
    let dir = TempDir::new("run-memory");
    let spin = write_vir(&dir, "grow.vir", SPIN);
    // The module starts with 17 pages (data and a 1 MiB shadow stack).
    let grow = |pages: &str, cap: &str| {
        vitte_wat(&["run", &spin, "--invoke", "grow", pages, "--max-memory", cap])
    };
    let o = grow("1", "2MiB");
    assert_eq!((status(&o), stdout(&o)), (Some(0), "17\n".into()));
    let o = grow("16", "2MiB");
    assert_eq!((status(&o), stdout(&o)), (Some(0), "-1\n".into()));
    let o = vitte_wat(&["run", &spin, "--invoke", "grow", "16"]);
    assert_eq!((status(&o), stdout(&o)), (Some(0), "17\n".into()));
    // A cap below the initial memory refuses to instantiate.
    let o = grow("0", "64KiB");
    assert_eq!(status(&o), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("exceeds memory limits"),
        "{}",
        stderr(&o)
    );
}

/// The files cat may see, and one beside them it may not.
struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = TempDir::new("run-sandbox");
        std::fs::create_dir(dir.path("inside")).unwrap();
        std::fs::write(dir.path("inside/note.txt"), "inside the sandbox\n").unwrap();
        std::fs::write(dir.path("secret.txt"), "outside\n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path("secret.txt"), dir.path("inside/link.txt")).unwrap();
        Sandbox { dir }
    }

    fn cat(&self, target: &str, file: &str) -> Output {
        let preopen = format!("{}::/data", self.dir.path("inside").display());
        vitte_wat(&[
            "run",
            "examples/cat.vir",
            "--target",
            target,
            "--dir",
            &preopen,
            "--",
            file,
        ])
    }
}

#[test]
fn cat_copies_a_file_from_its_preopened_directory() {
    let sandbox = Sandbox::new();
    for target in TARGETS {
        let o = sandbox.cat(target, "note.txt");
        assert_eq!(status(&o), Some(0), "{target}: {}", stderr(&o));
        assert_eq!(stdout(&o), "inside the sandbox\n", "{target}");
    }
}

#[test]
fn files_outside_the_preopened_directory_are_refused() {
    let sandbox = Sandbox::new();
    let secret = sandbox.dir.path("secret.txt");
    let mut escapes = vec!["../secret.txt".to_string(), secret.display().to_string()];
    if cfg!(unix) {
        escapes.push("link.txt".into());
    }
    for (target, escape) in TARGETS
        .iter()
        .flat_map(|t| escapes.iter().map(move |e| (t, e)))
    {
        let o = sandbox.cat(target, escape);
        // 63 is WASI's EPERM, 76 ENOTCAPABLE: refused by the runtime.
        let code = status(&o);
        assert!(matches!(code, Some(63 | 76)), "{target} {escape}: {code:?}");
        assert_eq!(stderr(&o), "cat: cannot open FILE\n", "{target} {escape}");
        assert!(!stdout(&o).contains("outside"), "{target} {escape}");
    }
    let o = sandbox.cat("wasm64", "missing.txt");
    assert_eq!(status(&o), Some(44), "ENOENT: {}", stderr(&o));
}

#[test]
fn without_dir_the_guest_has_no_filesystem() {
    let o = vitte_wat(&[
        "run",
        "examples/cat.vir",
        "--target",
        "wasm32",
        "--",
        "README.md",
    ]);
    assert_eq!(status(&o), Some(8), "EBADF: {}", stderr(&o));
    assert!(stderr(&o).contains("no preopened directory"));
}

/// Exits with the number of environment variables it sees.
const ENV_COUNT: &str = "\
extern fn @environ_sizes_get(ptr, ptr) -> i32 from \"wasi_snapshot_preview1\" \"environ_sizes_get\"
extern fn @proc_exit(i32) from \"wasi_snapshot_preview1\" \"proc_exit\"

pub fn @_start() {
  slot $sizes: 16 align 8
entry:
  %count = slot.addr $sizes
  %eight = ptr.const 8
  %size = ptr.add %count, %eight
  %errno = call @environ_sizes_get(%count, %size)
  %n = ptr.load %count
  %n32 = i32.wrap_ptr %n
  call @proc_exit(%n32)
  unreachable
}
";

#[test]
fn environment_only_through_env_and_exit_status_passes_through() {
    let dir = TempDir::new("run-env");
    let file = write_vir(&dir, "env.vir", ENV_COUNT);
    let run = |extra: &[&str]| {
        let mut args = vec!["run", file.as_str(), "--target", "wasm32"];
        args.extend(extra);
        let cache = TempDir::new("run-env-cache");
        let o = Command::new(env!("CARGO_BIN_EXE_vitte-wat"))
            .args(&args)
            .env("VITTE_CACHE_DIR", &cache.0)
            .env("VITTE_TEST_SECRET", "host value")
            .output()
            .expect("runs");
        status(&o)
    };
    assert_eq!(run(&[]), Some(0), "the host environment leaked");
    assert_eq!(run(&["--env", "A=1", "--env", "B=2"]), Some(2));
    assert_eq!(run(&["--env", "VITTE_TEST_SECRET"]), Some(1));
}

#[test]
fn aot_round_trip_computes_fib_25() {
    let dir = TempDir::new("run-aot");
    let cwasm = dir.path("fib.cwasm");
    let cwasm = cwasm.to_str().unwrap();
    let o = vitte_wat(&["compile", "examples/fib.vir", "-o", cwasm]);
    assert_eq!(status(&o), Some(0), "{}", stderr(&o));
    let o = vitte_wat(&["run", cwasm, "--invoke", "fib", "25"]);
    assert_eq!(status(&o), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "75025\n");
}

#[test]
fn truncated_corrupt_and_foreign_cwasm_are_refused() {
    let dir = TempDir::new("run-bad-cwasm");
    let good = dir.path("fib.cwasm");
    let o = vitte_wat(&["compile", "examples/fib.vir", "-o", good.to_str().unwrap()]);
    assert_eq!(status(&o), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&good).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let cases: [(&str, &[u8], &str); 4] = [
        ("truncated.cwasm", &bytes[..bytes.len() / 3], "truncated"),
        ("flipped.cwasm", &flipped, "corrupt"),
        ("raw.cwasm", &bytes[80..], "not a .cwasm"),
        ("empty.cwasm", b"", "not a .cwasm"),
    ];
    for (name, content, why) in cases {
        let path = dir.path(name);
        std::fs::write(&path, content).unwrap();
        let o = vitte_wat(&["run", path.to_str().unwrap(), "--invoke", "fib", "25"]);
        assert_eq!(status(&o), Some(1), "{name}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.starts_with("error: ") && err.contains(why) && err.contains(name),
            "{name}: {err}"
        );
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn the_cache_is_written_once_and_can_be_turned_off() {
    let cache = TempDir::new("run-cache-dir");
    let entries = || std::fs::read_dir(&cache.0).map(|d| d.count()).unwrap_or(0);
    let fib = ["run", "examples/fib.vir", "--invoke", "fib", "20"];
    let o = vitte_wat_cached(&cache.0, &[&fib[..], &["--no-cache"]].concat());
    assert_eq!(stdout(&o), "6765\n");
    assert_eq!(entries(), 0, "--no-cache wrote the cache");
    for _ in 0..2 {
        let o = vitte_wat_cached(&cache.0, &fib);
        assert_eq!(stdout(&o), "6765\n", "{}", stderr(&o));
        assert_eq!(entries(), 1);
    }
    // A damaged entry is compiled again, never loaded.
    let entry = std::fs::read_dir(&cache.0)
        .unwrap()
        .flatten()
        .next()
        .unwrap();
    std::fs::write(entry.path(), b"VITTECW\x01 damaged").unwrap();
    let o = vitte_wat_cached(&cache.0, &fib);
    assert_eq!(stdout(&o), "6765\n", "{}", stderr(&o));
}

#[test]
fn trap_backtraces_name_ir_functions_and_lines() {
    let dir = TempDir::new("run-trap");
    let file = write_vir(
        &dir,
        "div.vir",
        "fn @div(%a: i32, %b: i32) -> i32 {\nentry:\n  %q = i32.div_s %a, %b\n  return %q\n}\n\n\
         pub fn @main(%a: i32) -> i32 {\nentry:\n  %z = i32.const 0\n  %r = call @div(%a, %z)\n  return %r\n}\n",
    );
    let o = vitte_wat(&["run", &file, "--invoke", "main", "7"]);
    assert_eq!(status(&o), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "trap: integer divide by zero", "{err}");
    assert_eq!(lines[1], "wasm backtrace:", "{err}");
    // Each frame's IR block and the line of its label.
    let frame = |i: usize, prefix: &str, line: &str| {
        assert!(
            lines[i].starts_with(prefix) && lines[i].contains(line),
            "{err}"
        )
    };
    frame(2, "  0: @div, block entry (", "div.vir:2)");
    frame(3, "  1: @main, block entry (", "div.vir:8)");

    let file = write_vir(
        &dir,
        "loop.vir",
        "pub fn @f(%n: i32) -> i32 {\nentry:\n  %zero = i32.const 0\n  jump loop(%zero)\n\
         loop(%i: i32):\n  %one = i32.const 1\n  %i1 = i32.add %i, %one\n  %done = i32.ge_s %i1, %n\n\
         brif %done, exit(%i1), loop(%i1)\nexit(%r: i32):\n  %z = i32.const 0\n\
         %q = i32.div_s %r, %z\n  return %q\n}\n",
    );
    for target in TARGETS {
        let o = vitte_wat(&["run", &file, "--invoke", "f", "5", "--target", target]);
        let err = stderr(&o);
        assert!(err.contains("  0: @f, block exit ("), "{err}");
        assert!(err.contains("loop.vir:10)"), "{err}");
    }
}

#[test]
fn help_documents_the_exit_statuses() {
    let o = vitte_wat(&["--help"]);
    let help = stdout(&o);
    for status in [
        "1 on an error",
        "2 when the guest traps",
        "3 when it runs out of --fuel",
        "4 when it exceeds --timeout",
        "proc_exit(N)",
    ] {
        assert!(help.contains(status), "`{status}` missing from:\n{help}");
    }
}

#[test]
fn bad_limits_are_errors_not_panics() {
    for args in [
        &["--timeout", "soon"][..],
        &["--timeout", "1e400s"],
        &["--max-memory", "99999999999999999999G"],
        &["--fuel", "-1"],
        &["--dir", "::/x"],
        &["--env", "SURELY_NOT_SET_VITTE_VARIABLE"],
        &["--dir", "/does/not/exist"],
    ] {
        let mut all = vec!["run", "examples/fib.vir", "--invoke", "fib", "1"];
        all.extend(args);
        let o = vitte_wat(&all);
        assert_eq!(status(&o), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("error"), "{args:?}: {}", stderr(&o));
    }
}
