//! The generated-code benchmark's runner (`bench/codegen.sh` drives it): runs
//! the same export of two modules, ours and clang's, in the one engine
//! configuration every module gets (`vitte_runtime`), checks
//! that both return the same result, and times them.
//!
//! ```sh
//! cargo run --release --example codegen_bench -- [--runs N] [--warmup N] [--placements N] \
//!     NAME ARG OURS.wasm CLANG.wasm [NAME ARG OURS.wasm CLANG.wasm ...]
//! cargo run --release --example codegen_bench -- --only ours NAME ARG OURS.wasm CLANG.wasm
//! ```
//!
//! Each export takes one i32 (the workload size) and returns an i64
//! checksum. Each module is compiled `--placements` times (default 1), one
//! instance each: where the JIT puts the code changes how fast a tight
//! loop runs (we have seen one program take 18 ms in one process and 28 ms
//! in the next, the same bytes), so several compilations keep one draw from
//! deciding the figure. After `--warmup` calls of each instance, ours and
//! clang's are called alternately `--runs` times, the run going round the
//! compilations (so a change of load on the machine hits both alike), and
//! each call is timed on its own. Prints one
//! tab-separated line per program:
//! `name arg checksum ours_median ours_min ours_max clang_median clang_min
//! clang_max ours_code clang_code ours_module clang_module ours_wall
//! clang_wall`: times in seconds, the calling thread's CPU time (on Linux;
//! elsewhere wall time), which other work on a shared machine disturbs far
//! less than wall time, then the median wall times; sizes in bytes (the code
//! section's contents, and the whole module). `--only ours|clang` calls just that module (one call per run,
//! no checks): for instruction counts under `valgrind --tool=callgrind`.

use std::time::Instant;
use vitte_codegen_wasm64::value::Value;
use vitte_runtime::{Instance, Runtime};

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 15usize;
    let mut warmup = 2usize;
    let mut placements = 1usize;
    let mut only: Option<String> = None;
    loop {
        match args.first().map(String::as_str) {
            Some("--runs") => {
                runs = args[1].parse()?;
                args.drain(..2);
            }
            Some("--warmup") => {
                warmup = args[1].parse()?;
                args.drain(..2);
            }
            Some("--placements") => {
                placements = args[1].parse()?;
                args.drain(..2);
            }
            Some("--only") => {
                only = Some(args[1].clone());
                args.drain(..2);
            }
            _ => break,
        }
    }
    if args.is_empty() || !args.len().is_multiple_of(4) || runs == 0 || placements == 0 {
        anyhow::bail!(
            "usage: codegen_bench [--runs N] [--warmup N] [--placements N] [--only ours|clang] (NAME ARG OURS.wasm CLANG.wasm)..."
        );
    }
    let runtime = Runtime::new()?;
    for group in args.chunks(4) {
        let (name, arg) = (&group[0], group[1].parse::<i32>()?);
        let bytes = [std::fs::read(&group[2])?, std::fs::read(&group[3])?];
        // `placements` compilations of each module: `instances[p][k]` is
        // module k (ours, clang's) compiled the p-th time.
        let mut instances = Vec::new();
        for _ in 0..placements {
            let mut pair = Vec::new();
            for (wasm, path) in bytes.iter().zip(&group[2..]) {
                let program = runtime
                    .compile(wasm)
                    .map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
                pair.push(
                    runtime
                        .session()
                        .instantiate(&program)
                        .map_err(|e| anyhow::anyhow!("{path}: {e}"))?,
                );
            }
            instances.push(pair);
        }
        if let Some(which) = &only {
            let k = match which.as_str() {
                "ours" => 0,
                "clang" => 1,
                _ => anyhow::bail!("--only takes ours or clang"),
            };
            for run in 0..warmup + runs {
                call(&mut instances[run % placements][k], name, arg)?;
            }
            continue;
        }
        // The first compilation gives each module's answer; every later
        // call, of any compilation, must give it again.
        let mut results = [0i64; 2];
        for (k, instance) in instances[0].iter_mut().enumerate() {
            results[k] = call(instance, name, arg)?;
        }
        for (p, pair) in instances.iter_mut().enumerate() {
            for (k, instance) in pair.iter_mut().enumerate() {
                // `warmup` calls of each instance, the one above included.
                for _ in usize::from(p == 0)..warmup {
                    repeated(call(instance, name, arg)?, results[k], name, arg)?;
                }
            }
        }
        if results[0] != results[1] {
            anyhow::bail!(
                "{name}({arg}): ours returned {}, clang's {}",
                results[0],
                results[1]
            );
        }
        let mut times = [Vec::new(), Vec::new()];
        let mut walls = [Vec::new(), Vec::new()];
        for run in 0..runs {
            for (k, instance) in instances[run % placements].iter_mut().enumerate() {
                let start = Instant::now();
                let cpu = thread_cpu_time();
                let r = call(instance, name, arg)?;
                times[k].push(thread_cpu_time() - cpu);
                walls[k].push(start.elapsed().as_secs_f64());
                repeated(r, results[k], name, arg)?;
            }
        }
        let mut line = format!("{name}\t{arg}\t{}", results[0]);
        for t in &mut times {
            let median = median(t);
            line += &format!("\t{median:.6}\t{:.6}\t{:.6}", t[0], t[t.len() - 1]);
        }
        for wasm in &bytes {
            line += &format!("\t{}", code_size(wasm)?);
        }
        for wasm in &bytes {
            line += &format!("\t{}", wasm.len());
        }
        for w in &mut walls {
            line += &format!("\t{:.6}", median(w));
        }
        println!("{line}");
    }
    Ok(())
}

/// A call's result against the module's first answer.
fn repeated(r: i64, first: i64, name: &str, arg: i32) -> anyhow::Result<()> {
    if r != first {
        anyhow::bail!("{name}({arg}) is not deterministic: {first} then {r}");
    }
    Ok(())
}

/// Sorts `t` and returns its median.
fn median(t: &mut [f64]) -> f64 {
    t.sort_by(f64::total_cmp);
    if t.len() % 2 == 1 {
        t[t.len() / 2]
    } else {
        (t[t.len() / 2 - 1] + t[t.len() / 2]) / 2.0
    }
}

/// The CPU time of the calling thread, in seconds.
#[cfg(target_os = "linux")]
fn thread_cpu_time() -> f64 {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let status = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Elsewhere, wall time since the first call.
#[cfg(not(target_os = "linux"))]
fn thread_cpu_time() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

fn call(instance: &mut Instance, name: &str, arg: i32) -> anyhow::Result<i64> {
    match instance.invoke(name, &[Value::I32(arg)]) {
        Ok(values) => match values.as_slice() {
            [Value::I64(v)] => Ok(*v),
            other => anyhow::bail!("{name} returned {other:?}, expected one i64"),
        },
        Err(e) => anyhow::bail!("{name}({arg}): {e}"),
    }
}

/// The size of the code section's contents (function bodies), in bytes.
fn code_size(wasm: &[u8]) -> anyhow::Result<usize> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CodeSectionStart { range, .. } = payload? {
            return Ok(range.len());
        }
    }
    Ok(0)
}
