//! Compiled modules, shared by every script run on one engine.
//!
//! Scripts declare the same module again and again (a fresh instance per
//! group of assertions), and the testsuite's versions and proposals repeat
//! whole files: compiling each distinct binary once is most of what makes a
//! run fast. Keys are the exact bytes, so a hit is the same module.

use std::collections::HashMap;
use std::sync::Mutex;
use wasmtime::{Engine, Module};

/// Past this many bytes of wasm kept, new modules are compiled but not
/// kept: a bound on memory for very long runs.
const MAX_CACHED_BYTES: usize = 64 << 20;

#[derive(Default)]
pub struct ModuleCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    modules: HashMap<Vec<u8>, Module>,
    bytes: usize,
}

impl ModuleCache {
    /// The module for these bytes: from the cache, or compiled (and kept).
    pub fn compile(&self, engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Module> {
        if let Some(module) = self.lock().modules.get(bytes) {
            return Ok(module.clone());
        }
        // Compiled outside the lock: other workers go on meanwhile (two may
        // compile the same bytes at once; either result is the same).
        let module = Module::new(engine, bytes)?;
        let mut inner = self.lock();
        if inner.bytes + bytes.len() <= MAX_CACHED_BYTES {
            inner.bytes += bytes.len();
            inner.modules.insert(bytes.to_vec(), module.clone());
        }
        Ok(module)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}
