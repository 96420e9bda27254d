//! The one wasmtime configuration every module runs under, and the key that
//! identifies it in `.cwasm` files and the compile cache.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use wasmtime::{Config, Engine, OptLevel, ProfilingStrategy, WasmBacktraceDetails};

/// The engine configuration. It is the same for JIT, AOT and the cache, so
/// that a precompiled module is valid for every run of this build.
pub(crate) fn config() -> Config {
    let mut config = Config::new();
    config
        .wasm_features(wasmtime::WasmFeatures::all(), false)
        // The backend's features, and threads for wasi-threads programs
        // (`threads.rs`).
        .wasm_features(crate::threads::features(), true)
        // Shared memories: wasi-threads programs import one, which the
        // runner creates. No cost to other modules (a permission, not a
        // code generation setting); wasmtime ranks shared memories tier 2
        // (README, Threads).
        .shared_memory(true)
        .cranelift_opt_level(OptLevel::Speed)
        // Fuel lets tests and the CLI bound runaway loops deterministically.
        .consume_fuel(true)
        // Epoch checks let `--timeout` stop a guest from another thread. The
        // instrumentation is compiled in always (it is part of the code, so a
        // `.cwasm` must have it too); stores without a timeout never expire.
        .epoch_interruption(true)
        // Keep a module's DWARF (`.debug_*` sections) in its compiled code,
        // so that backtraces and profiles name each frame's `file:line:col`
        // (`frames.rs`). wasmtime only copies the sections: the machine code
        // is the same, and a module without them costs nothing. Set, not left
        // to wasmtime's default, which reads `WASMTIME_BACKTRACE_DETAILS`:
        // the setting is part of [`key`], which must not depend on the
        // environment.
        .wasm_backtrace_details(WasmBacktraceDetails::Enable)
        // wasm runs on the calling thread's native stack. 1 MiB (twice
        // wasmtime's default) lets recursion 10,000 deep run, and stays
        // well inside the 2 MiB of a spawned Rust thread, so running out
        // is the `call stack exhausted` trap, never a crash.
        .max_wasm_stack(1 << 20);
    config
}

pub(crate) fn engine() -> wasmtime::Result<Engine> {
    Engine::new(&config())
}

/// [`engine`] with one of wasmtime's profiling agents, which tell Linux
/// perf about each function it compiles or loads, by its name-section name:
/// `PerfMap` lists them in `/tmp/perf-PID.map`, `JitDump` writes their code
/// to `./jit-PID.dump` for `perf inject --jit`. A runtime agent, not a
/// compiler setting: the code, and so [`key`], stay the same.
pub(crate) fn engine_with_profiler(profiler: ProfilingStrategy) -> wasmtime::Result<Engine> {
    let mut config = config();
    config.profiler(profiler);
    Engine::new(&config)
}

/// [`engine_with_profiler`] for sampled runs: it keeps no DWARF, so that
/// wasmtime captures a backtrace without looking each frame up in it (some
/// 5 µs a frame, every sample); the profiler does that itself, once per
/// distinct frame (`symbols.rs`). The machine code is the same, but the
/// artifacts are not interchangeable: [`key`] differs, so its compile cache
/// entries are its own and it refuses the default engine's `.cwasm`.
pub(crate) fn sampling_engine(profiler: ProfilingStrategy) -> wasmtime::Result<Engine> {
    let mut config = config();
    config
        .profiler(profiler)
        .wasm_backtrace_details(WasmBacktraceDetails::Disable);
    Engine::new(&config)
}

/// SHA-256 of everything wasmtime says makes compiled code compatible: its
/// version, the target, Cranelift's flags, the tunables and wasm features.
pub(crate) fn key(engine: &Engine) -> [u8; 32] {
    let mut hasher = Sha256Hasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.0.finalize().into()
}

/// Feeds `Hash` output into SHA-256: stable across runs and processes,
/// unlike `DefaultHasher`, whose algorithm may change between Rust releases.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// Unused: the digest is read from the inner state.
    fn finish(&self) -> u64 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_stable_for_one_configuration() {
        let a = engine().expect("engine");
        let b = engine().expect("engine");
        assert_eq!(key(&a), key(&b));
        let mut other = config();
        other.consume_fuel(false);
        let c = Engine::new(&other).expect("engine");
        assert_ne!(key(&a), key(&c));
        // Whether the DWARF is kept changes the compiled artifact.
        let mut other = config();
        other.wasm_backtrace_details(WasmBacktraceDetails::Disable);
        let d = Engine::new(&other).expect("engine");
        assert_ne!(key(&a), key(&d));
    }
}
