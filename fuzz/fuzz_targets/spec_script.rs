//! Bytes into the `.wast` runner (`spec::script::run`, what `vitte-wat spec`
//! runs for each file) and its text and JSON reports: no panic, no hang.
//! Each directive gets a 1 s deadline (the epoch interruption the runner
//! uses), and each input a fresh module cache so memory stays bounded.
//! Threads (shared memories, `memory.atomic.wait`) are off: a guest blocked
//! in a wait with no timeout is stopped by the suite's watchdog, not by the
//! runner, and would only show here as a libFuzzer timeout.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use vitte_wat::spec::cache::ModuleCache;
use vitte_wat::spec::{
    Engines, Profile, Settings, SpecEngine, TextOptions, json, render_text, script,
};
use wasmtime::WasmFeatures;

static ENGINE: LazyLock<SpecEngine> = LazyLock::new(|| {
    let features = Profile::WASM3
        .features
        .difference(WasmFeatures::THREADS | WasmFeatures::SHARED_EVERYTHING_THREADS);
    let profile = Profile {
        name: "fuzz",
        features,
        intended: features,
    };
    Engines::new()
        .get(&profile)
        .expect("wasmtime accepts the feature set")
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let engine = SpecEngine {
        modules: Arc::new(ModuleCache::default()),
        ..ENGINE.clone()
    };
    let settings = Settings {
        timeout: Duration::from_secs(1),
    };
    let report = script::run(&engine, "fuzz.wast", &text, settings);
    let _ = render_text(&report, TextOptions::default());
    let _ = json::document(std::slice::from_ref(&report), |_| true);
});
