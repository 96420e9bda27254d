//! `wast-baseline [-j N] [--opt none|speed] PATH...`: runs `.wast` files with
//! wasmtime-wast's `WastContext` (one per file, error messages ignored), on
//! N threads, with the same wasm features per directory as `vitte-wat spec`.
//! Prints how many files passed; the timing is the caller's (bench/).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use vitte_wat::spec::{Profile, collect_wast};
use wasmtime::{Config, Engine, OptLevel, WasmFeatures};
use wasmtime_wast::{Async, SpectestConfig, WastContext};

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut jobs, mut opt, mut files, mut skipped) = (2, OptLevel::Speed, Vec::new(), Vec::new());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-j" => jobs = args.next().and_then(|n| n.parse().ok()).expect("-j N"),
            "--opt" => {
                opt = match args.next().as_deref() {
                    Some("none") => OptLevel::None,
                    _ => OptLevel::Speed,
                }
            }
            path => collect_wast(Path::new(path), &mut files, &mut skipped).expect("readable path"),
        }
    }
    for line in &skipped {
        eprintln!("wast-baseline: skipped {line}");
    }
    let next = AtomicUsize::new(0);
    let failed = Mutex::new(Vec::new());
    let engines = Mutex::new(HashMap::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn_scoped(scope, || {
                    while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                        if let Err(e) = run(file, opt, &engines) {
                            failed.lock().unwrap().push(format!("{}: {e:#}", file.display()));
                        }
                    }
                })
                .expect("thread");
        }
    });
    let failed = failed.into_inner().unwrap();
    for f in &failed {
        println!("FAIL {}", f.lines().next().unwrap_or_default());
    }
    println!("wasmtime-wast: {} of {} files passed", files.len() - failed.len(), files.len());
}

/// One engine per feature set, shared by the files that use it (as the
/// runner does), so that both sides pay for engine creation alike.
fn engine(features: WasmFeatures, opt: OptLevel, cache: &Mutex<HashMap<u64, Engine>>) -> wasmtime::Result<Engine> {
    let mut cache = cache.lock().unwrap();
    if let Some(engine) = cache.get(&features.bits()) {
        return Ok(engine.clone());
    }
    let mut config = Config::new();
    config
        .wasm_features(WasmFeatures::all(), false)
        .wasm_features(features, true)
        .shared_memory(features.contains(WasmFeatures::THREADS))
        .cranelift_opt_level(opt);
    let engine = Engine::new(&config)?;
    cache.insert(features.bits(), engine.clone());
    Ok(engine)
}

fn run(file: &PathBuf, opt: OptLevel, engines: &Mutex<HashMap<u64, Engine>>) -> wasmtime::Result<()> {
    let engine = engine(Profile::for_path(file).features, opt, engines)?;
    let mut cx = WastContext::new(&engine, Async::No, |_| {});
    cx.ignore_error_messages(true);
    cx.register_spectest(&SpectestConfig {
        use_shared_memory: true,
        suppress_prints: true,
    })?;
    cx.run_file(file)
}
