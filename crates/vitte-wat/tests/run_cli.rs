//! `vitte-wat run` and `compile` end to end: WASI, the sandbox's limits,
//! AOT and the cache, and the documented exit statuses.

mod common;

use common::{stderr, stdout};

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
    // Inlining off: the frame of @spin is the point (`-O2` inlines it).
    let o = vitte_wat(&[
        "run",
        &spin,
        "--fuel",
        "1000000",
        "--disable-pass",
        "inline",
    ]);
    assert_eq!(status(&o), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: the guest exceeded its fuel (--fuel 1000000)"),
        "{err}"
    );
    // The position of the instruction the guest was at, in the loop.
    assert!(err.contains("  0: @spin ("), "{err}");
    assert!(err.contains("spin.vir:"), "{err}");
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
    let entries = || cache_entries(&cache.0).len();
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
    let entry = cache.0.join(&cache_entries(&cache.0)[0]);
    std::fs::write(entry, b"VITTECW\x01 damaged").unwrap();
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
    // At the default -O2: a callee that can trap is never inlined, so its
    // frame stays.
    let o = vitte_wat(&["run", &file, "--invoke", "main", "7"]);
    assert_eq!(status(&o), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "trap: integer divide by zero", "{err}");
    assert_eq!(lines[1], "wasm backtrace:", "{err}");
    // Each frame's IR function and the position of its instruction: the
    // division, then the call.
    let frame = |i: usize, text: &str| {
        assert!(
            lines[i].starts_with("  ") && lines[i].contains(text),
            "{err}"
        )
    };
    frame(2, "0: @div (");
    frame(2, "div.vir:3:3), wasm offset ");
    frame(3, "1: @main (");
    frame(3, "div.vir:10:3), wasm offset ");

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
        assert!(err.contains("  0: @f ("), "{err}");
        assert!(err.contains("loop.vir:12:1), wasm offset "), "{err}");
    }
}

/// The issue's acceptance: a division by zero at the third call level gives
/// three frames, each with the exact position of its call or division,
/// though @div is inlined into @mid and @mid into @main (frames of the
/// DWARF, issue 16). The
/// positions come from the DWARF, so the `build -g` binary, a `.cwasm`
/// compiled from it and a compile-cache hit give the same frames.
#[test]
fn a_trap_three_calls_deep_gives_each_frame_its_instruction() {
    let dir = TempDir::new("run-trap3");
    let file = write_vir(
        &dir,
        "prog.vir",
        "fn @div(%a: i32, %b: i32) -> i32 {\nentry:\n  %q = i32.div_s %a, %b\n  return %q\n}\n\n\
         fn @mid(%a: i32) -> i32 {\nentry:\n  %z = i32.const 0\n  %r = call @div(%a, %z)\n  return %r\n}\n\n\
         pub fn @main() -> i32 {\nentry:\n  %a = i32.const 7\n  %r = call @mid(%a)\n  return %r\n}\n",
    );
    let expected = [
        "  0: @div (prog.vir:3:3)",
        "  1: @mid (prog.vir:10:3)",
        "  2: @main (prog.vir:17:3)",
    ];
    // The frames of a run, the file as given on the command line without
    // its directory, and each frame's offset left out.
    let frames = |o: &Output| {
        assert_eq!(status(o), Some(2), "{}", stderr(o));
        let err = stderr(o).replace(&format!("{}/", dir.0.display()), "");
        assert_eq!(err.lines().nth(1), Some("wasm backtrace:"), "{err}");
        err.lines()
            .skip(2)
            .map(|l| l.split(", wasm offset").next().unwrap_or(l).to_string())
            .collect::<Vec<_>>()
    };
    let cache = TempDir::new("run-trap3-cache");
    for target in TARGETS {
        // At -O2 (the default) @div, which can trap, is copied into @mid
        // and @mid into @main, which is all the module has left: the frames
        // above come from the DWARF's chain of two inlined subroutines.
        let o = vitte_wat(&["emit", &file, "--target", target]);
        assert_eq!(status(&o), Some(0), "{}", stderr(&o));
        let wat = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            !wat.contains("(func $mid") && !wat.contains("(func $div"),
            "{wat}"
        );
        let main = &wat[wat.find("(func $main").expect("$main")..];
        assert!(
            !main.contains("call") && main.contains("i32.div_s"),
            "{main}"
        );
        let run = |file: &str| {
            vitte_wat_cached(
                &cache.0,
                &["run", file, "--invoke", "main", "--target", target],
            )
        };
        // Compiled, then loaded from the cache.
        assert_eq!(frames(&run(&file)), expected, "{target}");
        assert_eq!(frames(&run(&file)), expected, "{target}: cache hit");
        let wasm = dir.path(&format!("prog-{target}.wasm"));
        let wasm = wasm.to_str().expect("utf-8 path");
        let o = vitte_wat(&["build", "-g", &file, "-o", wasm, "--target", target]);
        assert_eq!(status(&o), Some(0), "{}", stderr(&o));
        assert_eq!(frames(&run(wasm)), expected, "{target}: build -g");
        let cwasm = dir.path(&format!("prog-{target}.cwasm"));
        let cwasm = cwasm.to_str().expect("utf-8 path");
        let o = vitte_wat(&["compile", wasm, "-o", cwasm]);
        assert_eq!(status(&o), Some(0), "{}", stderr(&o));
        assert_eq!(frames(&run(cwasm)), expected, "{target}: .cwasm");
        // Without DWARF: the name section's names of the wasm frames, each
        // with its offset; @div, inlined into @mid, and @mid, a helper of
        // that leaf inlined into @main with it, have none of their own.
        let plain = dir.path(&format!("plain-{target}.wasm"));
        let plain = plain.to_str().expect("utf-8 path");
        let o = vitte_wat(&["build", &file, "-o", plain, "--target", target]);
        assert_eq!(status(&o), Some(0), "{}", stderr(&o));
        let o = run(plain);
        assert_eq!(frames(&o), ["  0: main"], "{target}");
        assert_eq!(stderr(&o).matches(", wasm offset 0x").count(), 1);
        let o = vitte_wat(&[
            "build",
            &file,
            "-o",
            plain,
            "--target",
            target,
            "--disable-pass",
            "inline",
        ]);
        assert_eq!(status(&o), Some(0), "{}", stderr(&o));
        let o = run(plain);
        assert_eq!(
            frames(&o),
            ["  0: div", "  1: mid", "  2: main"],
            "{target}"
        );
    }
    // The DWARF names the file, so the same program under another name is
    // another cache entry, whose frames name it.
    let other = write_vir(&dir, "other.vir", &std::fs::read_to_string(&file).unwrap());
    let o = vitte_wat_cached(&cache.0, &["run", &other, "--invoke", "main"]);
    let renamed: Vec<String> = expected
        .iter()
        .map(|l| l.replace("prog.vir", "other.vir"))
        .collect();
    assert_eq!(frames(&o), renamed);
}

/// Any DWARF serves, not only the IR's: `asm -g` of plain WAT points at
/// the WAT's own lines, and the frames name them, without the IR's `@`.
#[test]
fn a_binary_with_dwarf_of_its_wat_names_the_wat_lines() {
    let dir = TempDir::new("run-trap-wat");
    let wat = write_wat(
        &dir,
        "div.wat",
        "(module\n  (func $div (param i32 i32) (result i32)\n    local.get 0\n    local.get 1\n    \
         i32.div_s)\n  (func $main (export \"main\") (result i32)\n    i32.const 7\n    \
         i32.const 0\n    call $div))\n",
    );
    let wasm = dir.path("div.wasm");
    let wasm = wasm.to_str().expect("utf-8 path");
    let o = vitte_wat(&["asm", "-g", &wat, "-o", wasm]);
    assert_eq!(status(&o), Some(0), "{}", stderr(&o));
    let o = vitte_wat(&["run", wasm, "--invoke", "main"]);
    assert_eq!(status(&o), Some(2), "{}", stderr(&o));
    let err = stderr(&o).replace(&format!("{}/", dir.0.display()), "");
    let frames: Vec<&str> = err
        .lines()
        .skip(2)
        .map(|l| l.split(", wasm offset").next().unwrap_or(l))
        .collect();
    assert_eq!(
        frames,
        ["  0: div (div.wat:5:5)", "  1: main (div.wat:9:5)"],
        "{err}"
    );
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

// Issue 13: the security review of the sandbox and the compile cache.

/// A WAT file in a temporary directory.
fn write_wat(dir: &TempDir, name: &str, text: &str) -> String {
    write_vir(dir, name, text)
}

/// vitte-wat with its cache in `cache`, killed if it runs longer than
/// `bound` (then `None`): for guests that would otherwise hang the test.
fn vitte_wat_bounded(cache: &Path, args: &[&str], bound: Duration) -> Option<Output> {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vitte-wat"))
        .args(args)
        .current_dir(common::root())
        .env("VITTE_CACHE_DIR", cache)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vitte-wat starts");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > bound {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(child.wait_with_output().expect("output"))
}

/// The names of the entries in a cache directory (not the key), sorted.
fn cache_entries(cache: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(cache)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".cwasm"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

const ONE: &str = r#"(module (func (export "f") (result i32) i32.const 1))"#;
const TWO: &str = r#"(module (func (export "f") (result i32) i32.const 2))"#;

#[test]
fn a_cache_entry_copied_over_another_modules_name_is_not_run() {
    let dir = TempDir::new("run-cache-swap");
    let cache = dir.path("cache");
    let one = write_wat(&dir, "one.wat", ONE);
    let two = write_wat(&dir, "two.wat", TWO);
    let o = vitte_wat_cached(&cache, &["run", &one, "--invoke", "f"]);
    assert_eq!(
        (status(&o), stdout(&o)),
        (Some(0), "1\n".into()),
        "{}",
        stderr(&o)
    );
    let first = cache_entries(&cache);
    assert_eq!(first.len(), 1);
    let o = vitte_wat_cached(&cache, &["run", &two, "--invoke", "f"]);
    assert_eq!(stdout(&o), "2\n", "{}", stderr(&o));
    let both = cache_entries(&cache);
    assert_eq!(both.len(), 2);
    let entry_one = cache.join(&first[0]);
    let entry_two = cache.join(both.iter().find(|n| **n != first[0]).unwrap());
    let two_bytes = std::fs::read(&entry_two).unwrap();
    std::fs::write(&entry_one, &two_bytes).unwrap();
    let o = vitte_wat_cached(&cache, &["run", &one, "--invoke", "f"]);
    assert_eq!(
        (status(&o), stdout(&o)),
        (Some(0), "1\n".into()),
        "{}",
        stderr(&o)
    );
    // The swapped entry was replaced by one's own.
    assert_ne!(std::fs::read(&entry_one).unwrap(), two_bytes);
    let o = vitte_wat_cached(&cache, &["run", &one, "--invoke", "f"]);
    assert_eq!(stdout(&o), "1\n", "{}", stderr(&o));
}

#[test]
fn a_forged_cache_entry_is_not_run() {
    let dir = TempDir::new("run-cache-forged");
    let cache = dir.path("cache");
    let one = write_wat(&dir, "one.wat", ONE);
    let two = write_wat(&dir, "two.wat", TWO);
    let o = vitte_wat_cached(&cache, &["run", &one, "--invoke", "f"]);
    assert_eq!(stdout(&o), "1\n", "{}", stderr(&o));
    let entry = cache.join(&cache_entries(&cache)[0]);
    // A `.cwasm` anyone can write (with valid magic, engine key and
    // digest), planted under one's name.
    let forged = dir.path("two.cwasm");
    let o = vitte_wat_cached(&cache, &["compile", &two, "-o", forged.to_str().unwrap()]);
    assert_eq!(status(&o), Some(0), "{}", stderr(&o));
    let forged = std::fs::read(&forged).unwrap();
    std::fs::write(&entry, &forged).unwrap();
    let o = vitte_wat_cached(&cache, &["run", &one, "--invoke", "f"]);
    assert_eq!(
        (status(&o), stdout(&o)),
        (Some(0), "1\n".into()),
        "{}",
        stderr(&o)
    );
    assert_ne!(std::fs::read(&entry).unwrap(), forged, "not replaced");
}

#[cfg(unix)]
#[test]
fn an_unsafe_cache_directory_or_key_turns_the_cache_off() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("run-cache-unsafe");
    let one = write_wat(&dir, "one.wat", ONE);
    let run = |cache: &Path| vitte_wat_cached(cache, &["run", &one, "--invoke", "f"]);
    // Writable by others.
    let open = dir.path("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let o = run(&open);
    assert_eq!(
        (status(&o), stdout(&o)),
        (Some(0), "1\n".into()),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).starts_with("warning: "), "{}", stderr(&o));
    assert!(stderr(&o).contains("cache"), "{}", stderr(&o));
    assert_eq!(cache_entries(&open), Vec::<String>::new());
    // A key that is a symlink (to a file of 32 bytes the attacker knows).
    let linked = dir.path("linked");
    std::fs::create_dir(&linked).unwrap();
    let known = dir.path("known-key");
    std::fs::write(&known, [7u8; 32]).unwrap();
    std::fs::set_permissions(&known, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink(&known, linked.join("key")).unwrap();
    let o = run(&linked);
    assert_eq!(stdout(&o), "1\n", "{}", stderr(&o));
    assert!(stderr(&o).starts_with("warning: "), "{}", stderr(&o));
    assert_eq!(cache_entries(&linked), Vec::<String>::new());
    // A key others can write.
    let shared = dir.path("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::write(shared.join("key"), [7u8; 32]).unwrap();
    std::fs::set_permissions(shared.join("key"), std::fs::Permissions::from_mode(0o666)).unwrap();
    let o = run(&shared);
    assert_eq!(stdout(&o), "1\n", "{}", stderr(&o));
    assert!(stderr(&o).starts_with("warning: "), "{}", stderr(&o));
    assert_eq!(cache_entries(&shared), Vec::<String>::new());
    // A fresh cache is made private: the directory 0700, the key 0600.
    let fresh = dir.path("fresh");
    let o = run(&fresh);
    assert_eq!((stdout(&o), stderr(&o)), ("1\n".into(), String::new()));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&fresh), 0o700);
    assert_eq!(mode(&fresh.join("key")), 0o600);
    assert_eq!(cache_entries(&fresh).len(), 1);
}

#[test]
fn a_dir_over_the_cache_turns_the_cache_off() {
    let dir = TempDir::new("run-cache-dir-over");
    let cache = dir.path("cache");
    let one = write_wat(&dir, "one.wat", ONE);
    let base = dir.0.to_str().unwrap().to_string();
    let cache_text = cache.to_str().unwrap().to_string();
    let inner = format!("{cache_text}/inner");
    std::fs::create_dir_all(&inner).unwrap();
    for grant in [&base, &cache_text, &inner] {
        let spec = format!("{grant}::/g");
        let o = vitte_wat_cached(&cache, &["run", &one, "--invoke", "f", "--dir", &spec]);
        assert_eq!(
            (status(&o), stdout(&o)),
            (Some(0), "1\n".into()),
            "{}",
            stderr(&o)
        );
        assert!(
            stderr(&o).starts_with("warning: "),
            "{grant}: {}",
            stderr(&o)
        );
        assert_eq!(cache_entries(&cache), Vec::<String>::new(), "{grant}");
    }
    // A directory beside the cache leaves it on.
    let beside = dir.path("beside");
    std::fs::create_dir(&beside).unwrap();
    let spec = format!("{}::/g", beside.display());
    let o = vitte_wat_cached(&cache, &["run", &one, "--invoke", "f", "--dir", &spec]);
    assert_eq!((stdout(&o), stderr(&o)), ("1\n".into(), String::new()));
    assert_eq!(cache_entries(&cache).len(), 1);
}

const TABLE: &str = r#"(module
  (table 1 funcref)
  (func (export "grow") (param i32) (result i32)
    (table.grow (ref.null func) (local.get 0))))"#;

#[test]
fn max_memory_counts_tables_and_tables_have_a_default_cap() {
    let dir = TempDir::new("run-table");
    let table = write_wat(&dir, "table.wat", TABLE);
    let grow = |n: &str, cap: &[&str]| {
        let o = vitte_wat(&[&["run", &table, "--invoke", "grow", n][..], cap].concat());
        assert_eq!(status(&o), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    // 8 bytes an element: 1,000 fit in 1 MiB, 200,000 do not.
    assert_eq!(grow("1000", &["--max-memory", "1MiB"]), "1\n");
    assert_eq!(grow("200000", &["--max-memory", "1MiB"]), "-1\n");
    // Without --max-memory: 10,000,000 elements in all.
    assert_eq!(grow("9999999", &[]), "1\n");
    assert_eq!(grow("10000000", &[]), "-1\n");
}

const MEMORY64: &str = r#"(module
  (memory i64 1)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))"#;

#[test]
fn run_caps_memory_at_4_gib_by_default() {
    let dir = TempDir::new("run-memory-default");
    let memory = write_wat(&dir, "memory64.wat", MEMORY64);
    let grow = |pages: &str, cap: &[&str]| {
        let o = vitte_wat(&[&["run", &memory, "--invoke", "grow", pages][..], cap].concat());
        assert_eq!(status(&o), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    // 65,535 more pages make 4 GiB; one more is past it.
    assert_eq!(grow("65535", &[]), "1\n");
    assert_eq!(grow("65536", &[]), "-1\n");
    assert_eq!(grow("65536", &["--max-memory", "8GiB"]), "1\n");
    assert_eq!(grow("65536", &["--max-memory", "unlimited"]), "1\n");
}

#[test]
fn env_names_must_be_names() {
    for spec in ["=x", "="] {
        let o = vitte_wat(&[
            "run",
            "examples/fib.vir",
            "--invoke",
            "fib",
            "1",
            "--env",
            spec,
        ]);
        assert_eq!(status(&o), Some(1), "{spec}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with(&format!("error: --env {spec}: ")),
            "{spec}: {}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty());
    }
}

/// A WASI command whose `_start` makes one call to preview1.
fn wasi_command(imports: &str, start: &str) -> String {
    format!(
        r#"(module {imports}
  (memory (export "memory") 1)
  (func $main {start})
  (func (export "_start") (call $main)))"#
    )
}

#[test]
fn guest_faults_in_wasi_calls_are_traps() {
    let dir = TempDir::new("run-wasi-fault");
    let fd_write = r#"(import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))"#;
    let proc_exit = r#"(import "wasi_snapshot_preview1" "proc_exit" (func $x (param i32)))"#;
    let cases = [
        // An iovec array outside the memory.
        (
            fd_write,
            "(drop (call $w (i32.const 1) (i32.const 0x7fffff00) (i32.const 1) (i32.const 0)))",
        ),
        // An iovec whose buffer is outside the memory.
        (
            fd_write,
            "(i32.store (i32.const 0) (i32.const 0xfff0)) (i32.store (i32.const 4) (i32.const 64)) (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))",
        ),
        // A misaligned pointer.
        (
            fd_write,
            "(drop (call $w (i32.const 1) (i32.const 1) (i32.const 1) (i32.const 16)))",
        ),
        // An exit status WASI does not allow.
        (proc_exit, "(call $x (i32.const 200))"),
    ];
    for (i, (import, body)) in cases.iter().enumerate() {
        let file = write_wat(&dir, &format!("fault{i}.wat"), &wasi_command(import, body));
        let o = vitte_wat(&["run", &file]);
        let err = stderr(&o);
        assert_eq!(status(&o), Some(2), "{body}: {err}");
        assert!(err.starts_with("trap: "), "{body}: {err}");
        assert!(
            err.contains("wasm backtrace:\n  0: main, wasm offset"),
            "{body}: {err}"
        );
    }
    // A module that imports WASI and exports no memory.
    let file = write_wat(
        &dir,
        "no-memory.wat",
        &format!(
            r#"(module {fd_write} (func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))))"#
        ),
    );
    let o = vitte_wat(&["run", &file]);
    assert_eq!(status(&o), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("trap: "), "{}", stderr(&o));
}

/// `_start` sleeps with `poll_oneoff` on a relative clock: `nanos` each
/// time, once or forever.
fn sleeper(nanos: u64, forever: bool) -> String {
    let call = format!(
        "(i32.store8 (i32.const 8) (i32.const 0))
         (i32.store (i32.const 16) (i32.const 1))
         (i64.store (i32.const 24) (i64.const {nanos}))
         (i64.store (i32.const 32) (i64.const 0))
         (i32.store16 (i32.const 40) (i32.const 0))
         (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))"
    );
    let body = match forever {
        true => format!("(loop $l {call} (br $l))"),
        false => call,
    };
    wasi_command(
        r#"(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))"#,
        &body,
    )
}

#[test]
fn timeout_stops_a_guest_blocked_in_a_host_call() {
    let dir = TempDir::new("run-timeout-blocked");
    let cache = dir.path("cache");
    let once = write_wat(&dir, "sleep30.wat", &sleeper(30_000_000_000, false));
    let forever = write_wat(&dir, "sleep-forever.wat", &sleeper(3_600_000_000_000, true));
    for file in [&once, &forever] {
        let o = vitte_wat_bounded(
            &cache,
            &["run", file, "--timeout", "1s"],
            Duration::from_secs(15),
        )
        .unwrap_or_else(|| panic!("{file}: still running after 15 s"));
        assert_eq!(status(&o), Some(4), "{file}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("error: the guest exceeded its timeout (--timeout 1s)"),
            "{file}: {}",
            stderr(&o)
        );
    }
    // A short sleep under a long timeout is not stopped.
    let short = write_wat(&dir, "sleep-short.wat", &sleeper(10_000_000, false));
    let o = vitte_wat_bounded(
        &cache,
        &["run", &short, "--timeout", "60s"],
        Duration::from_secs(60),
    )
    .expect("finishes");
    assert_eq!(status(&o), Some(0), "{}", stderr(&o));
}
