//! The compile cache: running the same module twice compiles it once.
//!
//! An entry is a `.cwasm` (see [`super::aot`]) named by the SHA-256 of the
//! engine key and the module's bytes, so a different module, wasmtime
//! version or engine configuration never hits another's entry, and a hit
//! goes through every check a `.cwasm` does. A damaged entry is compiled
//! again and replaced. Nothing is evicted: delete the directory to reclaim
//! the space.

use super::{Program, RunError, Runtime, engine};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A cache directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
}

/// What the cache did for one compilation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Loaded from the cache, not compiled.
    Hit,
    /// Compiled and stored.
    Stored,
    /// Compiled; the entry could not be written (the reason).
    NotStored(String),
}

impl Cache {
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// `$VITTE_CACHE_DIR`, else `$XDG_CACHE_HOME/vitte-wat`, else
    /// `$HOME/.cache/vitte-wat`; `None` when none of them is set.
    pub fn default_dir() -> Option<PathBuf> {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        if let Some(dir) = var("VITTE_CACHE_DIR") {
            return Some(PathBuf::from(dir));
        }
        if let Some(dir) = var("XDG_CACHE_HOME") {
            return Some(Path::new(&dir).join("vitte-wat"));
        }
        var("HOME").map(|home| Path::new(&home).join(".cache").join("vitte-wat"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entry for a module under an engine key.
    fn entry(&self, key: &[u8; 32], wasm: &[u8]) -> PathBuf {
        let mut hasher = Sha256::new();
        hasher.update(key);
        hasher.update(wasm);
        let name: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.dir.join(format!("{name}.cwasm"))
    }
}

impl Runtime {
    /// Like [`Runtime::compile`], through the cache.
    pub fn compile_cached(
        &self,
        wasm: &[u8],
        cache: &Cache,
    ) -> Result<(Program, CacheOutcome), RunError> {
        let entry = cache.entry(&engine::key(&self.engine), wasm);
        if let Ok(bytes) = std::fs::read(&entry)
            && let Ok(program) = self.load_precompiled(&bytes)
        {
            return Ok((program, CacheOutcome::Hit));
        }
        // Validate and compile once; the artifact is both run and stored.
        let cwasm = self.precompile(wasm)?;
        let program = self.load_precompiled(&cwasm)?;
        let outcome = match store(&entry, &cwasm) {
            Ok(()) => CacheOutcome::Stored,
            Err(e) => CacheOutcome::NotStored(format!("{}: {e}", entry.display())),
        };
        Ok((program, outcome))
    }
}

/// Writes beside the entry, then renames: concurrent runs of the same
/// module see no entry or a whole one.
fn store(entry: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = entry.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = dir.join(format!(".tmp.{}.{nanos}", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, entry));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn second_compile_hits_and_damage_is_replaced() {
        let dir = std::env::temp_dir().join(format!("vitte-cache-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = Cache::new(&dir);
        let runtime = Runtime::new().expect("engine");
        let wasm = wat::parse_str(r#"(module (func (export "one") (result i32) i32.const 1))"#)
            .expect("wat");
        let (_, first) = runtime.compile_cached(&wasm, &cache).expect("compiles");
        assert_eq!(first, CacheOutcome::Stored);
        let (program, second) = runtime.compile_cached(&wasm, &cache).expect("loads");
        assert_eq!(second, CacheOutcome::Hit);
        let mut inst = runtime.session().instantiate(&program).expect("inst");
        assert_eq!(inst.invoke("one", &[]), Ok(vec![Value::I32(1)]));

        let entry = cache.entry(&engine::key(&runtime.engine), &wasm);
        let bytes = std::fs::read(&entry).expect("entry");
        std::fs::write(&entry, &bytes[..bytes.len() / 2]).expect("truncate");
        let (_, third) = runtime.compile_cached(&wasm, &cache).expect("recompiles");
        assert_eq!(third, CacheOutcome::Stored);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
