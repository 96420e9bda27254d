//! The compile cache: running the same module twice compiles it once.
//!
//! An entry is a `.cwasm` (see [`super::aot`]) in a cache envelope, named by
//! the SHA-256 of the engine key and the module's bytes:
//!
//! ```text
//! "VITTECE\x01"        8 bytes   magic and format version
//! module digest       32 bytes   SHA-256 of the module it was compiled from
//! MAC                 32 bytes   HMAC-SHA256 under the cache's key of
//!                                the engine key, module digest and .cwasm
//! .cwasm                         as `Runtime::precompile` writes it
//! ```
//!
//! A `.cwasm` holds native code that runs as is, so an entry is loaded only
//! when it is bound to this module and this engine and was written by
//! someone holding the cache's key: its module digest must be the SHA-256
//! of the module being compiled, and its MAC must verify under the key (a
//! `key` file of 32 random bytes in the directory, private to its owner).
//! Anyone who cannot read the key cannot plant an entry or move one
//! module's entry to another's name; any such entry, like a damaged one,
//! is compiled again and replaced, never loaded. Then the `.cwasm` goes
//! through every check a `.cwasm` does.
//!
//! The directory is created 0700 and the key 0600. The cache refuses to
//! work (the compilation goes on without it, [`CacheOutcome::Refused`])
//! when the directory or the key belongs to another user or may be written
//! by others, when the key may be read by others, or when the key is a
//! symlink. Nothing is evicted: delete the directory to reclaim the space.

use super::{Program, RunError, Runtime, engine};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
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
    /// Compiled without the cache, which is not safe to use: the directory
    /// or its key belongs to another user, may be written by others, or
    /// the key is a symlink or cannot be read or created (the reason).
    Refused(String),
}

const MAGIC: &[u8; 8] = b"VITTECE\x01";
const HEADER_LEN: usize = 8 + 32 + 32;
const KEY_FILE: &str = "key";
const KEY_LEN: usize = 32;

type HmacSha256 = Hmac<Sha256>;

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

    /// Whether a host directory handed to a guest (a WASI preopen) contains
    /// the cache directory or lies inside it, comparing canonical paths (of
    /// the longest existing ancestor, for a cache not created yet). A guest
    /// given such a directory could read the key or plant entries: the
    /// cache must not be used in that run.
    pub fn reachable_from(&self, dir: &Path) -> bool {
        let (Some(cache), Some(dir)) = (canonical(&self.dir), canonical(dir)) else {
            // Cannot tell: assume the worst.
            return true;
        };
        cache.starts_with(&dir) || dir.starts_with(&cache)
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

    /// Creates the directory (0700) and reads or creates its key (0600),
    /// after checking that both are private to the current user.
    fn open(&self) -> Result<[u8; KEY_LEN], String> {
        if let Some(parent) = self.dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        private::create_dir(&self.dir)
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        private::check_dir(&self.dir)?;
        let key = self.dir.join(KEY_FILE);
        match private::open_key(&key) {
            Ok(file) => read_key(file, &key),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => self.create_key(&key),
            Err(e) => Err(format!("cannot open the cache key {}: {e}", key.display())),
        }
    }

    /// A new key: written to a private temporary file (0600, created with
    /// O_CREAT|O_EXCL), then linked to `key` without replacing one another
    /// run created meanwhile, so no run ever reads half a key.
    fn create_key(&self, key: &Path) -> Result<[u8; KEY_LEN], String> {
        let mut bytes = [0u8; KEY_LEN];
        getrandom::fill(&mut bytes).map_err(|e| format!("no random numbers for the key: {e}"))?;
        let written = tempfile::NamedTempFile::new_in(&self.dir).and_then(|mut tmp| {
            tmp.write_all(&bytes)?;
            tmp.as_file().sync_all()?;
            Ok(tmp)
        });
        let tmp = written.map_err(|e| format!("cannot write the cache key: {e}"))?;
        match tmp.persist_noclobber(key) {
            Ok(_) => Ok(bytes),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                let file = private::open_key(key)
                    .map_err(|e| format!("cannot open the cache key {}: {e}", key.display()))?;
                read_key(file, key)
            }
            Err(e) => Err(format!(
                "cannot create the cache key {}: {}",
                key.display(),
                e.error
            )),
        }
    }
}

/// The key in an open key file, once the file is found private.
fn read_key(mut file: std::fs::File, path: &Path) -> Result<[u8; KEY_LEN], String> {
    private::check_key(&file, path)?;
    let mut bytes = Vec::with_capacity(KEY_LEN + 1);
    (&mut file)
        .take(KEY_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the cache key {}: {e}", path.display()))?;
    bytes.try_into().map_err(|_| {
        format!(
            "the cache key {} is not {KEY_LEN} bytes; delete it to make a new one",
            path.display()
        )
    })
}

/// The canonical form of a path, or of its longest existing ancestor with
/// the rest appended.
fn canonical(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut rest = Vec::new();
    let mut at = absolute.as_path();
    loop {
        if let Ok(found) = at.canonicalize() {
            return Some(rest.iter().rev().fold(found, |p, c| p.join(c)));
        }
        rest.push(at.file_name()?.to_owned());
        at = at.parent()?;
    }
}

/// The MAC of an entry: it covers the engine key, the module's digest and
/// the `.cwasm`.
fn mac(key: &[u8; KEY_LEN], engine_key: &[u8; 32], module: &[u8; 32], cwasm: &[u8]) -> HmacSha256 {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(MAGIC);
    mac.update(engine_key);
    mac.update(module);
    mac.update(cwasm);
    mac
}

fn seal(key: &[u8; KEY_LEN], engine_key: &[u8; 32], module: &[u8; 32], cwasm: &[u8]) -> Vec<u8> {
    let tag = mac(key, engine_key, module, cwasm).finalize().into_bytes();
    let mut out = Vec::with_capacity(HEADER_LEN + cwasm.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(module);
    out.extend_from_slice(&tag);
    out.extend_from_slice(cwasm);
    out
}

/// The `.cwasm` of an entry, when it is for this module and its MAC
/// verifies under the key.
fn open_entry<'a>(
    key: &[u8; KEY_LEN],
    engine_key: &[u8; 32],
    module: &[u8; 32],
    entry: &'a [u8],
) -> Option<&'a [u8]> {
    if entry.len() < HEADER_LEN || !entry.starts_with(MAGIC) || entry[8..40] != module[..] {
        return None;
    }
    let cwasm = &entry[HEADER_LEN..];
    mac(key, engine_key, module, cwasm)
        .verify_slice(&entry[40..72])
        .ok()?;
    Some(cwasm)
}

impl Runtime {
    /// Like [`Runtime::compile`], through the cache (see the
    /// [module documentation](self) for what an entry must pass to be
    /// loaded). A cache that is not safe to use is left alone:
    /// [`CacheOutcome::Refused`].
    pub fn compile_cached(
        &self,
        wasm: &[u8],
        cache: &Cache,
    ) -> Result<(Program, CacheOutcome), RunError> {
        let key = match cache.open() {
            Ok(key) => key,
            Err(reason) => return Ok((self.compile(wasm)?, CacheOutcome::Refused(reason))),
        };
        let engine_key = engine::key(&self.engine);
        let module: [u8; 32] = Sha256::digest(wasm).into();
        let entry = cache.entry(&engine_key, wasm);
        if let Ok(bytes) = std::fs::read(&entry)
            && let Some(cwasm) = open_entry(&key, &engine_key, &module, &bytes)
            && let Ok(program) = self.load_precompiled(cwasm)
        {
            return Ok((self.with_debug(program, wasm), CacheOutcome::Hit));
        }
        // Validate and compile once; the artifact is both run and stored.
        let cwasm = self.precompile(wasm)?;
        let program = self.with_debug(self.load_precompiled(&cwasm)?, wasm);
        let sealed = seal(&key, &engine_key, &module, &cwasm);
        let outcome = match store(&entry, &sealed) {
            Ok(()) => CacheOutcome::Stored,
            Err(e) => CacheOutcome::NotStored(format!("{}: {e}", entry.display())),
        };
        Ok((program, outcome))
    }
}

/// Writes to a new temporary file of an unpredictable name beside the
/// entry (created with O_EXCL), then renames it over the entry: concurrent
/// runs of the same module see no entry or a whole one.
fn store(entry: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = entry.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(entry).map_err(|e| e.error)?;
    Ok(())
}

/// The ownership and permission checks, on Unix.
#[cfg(unix)]
mod private {
    use std::fs::{DirBuilder, File, OpenOptions};
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
    use std::path::Path;

    pub(super) fn create_dir(dir: &Path) -> std::io::Result<()> {
        match DirBuilder::new().mode(0o700).create(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            other => other,
        }
    }

    fn euid() -> u32 {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() }
    }

    pub(super) fn check_dir(dir: &Path) -> Result<(), String> {
        let meta = std::fs::metadata(dir)
            .map_err(|e| format!("cannot read the cache directory {}: {e}", dir.display()))?;
        if !meta.is_dir() {
            return Err(format!(
                "the cache path {} is not a directory",
                dir.display()
            ));
        }
        owned_by_us(&meta, "directory", dir)?;
        if meta.mode() & 0o022 != 0 {
            return Err(format!(
                "the cache directory {} may be written by others (mode {:o}); chmod 700 it",
                dir.display(),
                meta.mode() & 0o777
            ));
        }
        Ok(())
    }

    /// `Err` naming the owner when the cache `what` at `path` is not ours.
    fn owned_by_us(meta: &std::fs::Metadata, what: &str, path: &Path) -> Result<(), String> {
        if meta.uid() == euid() {
            return Ok(());
        }
        Err(format!(
            "the cache {what} {} belongs to another user (uid {})",
            path.display(),
            meta.uid()
        ))
    }

    /// Opens the key for reading, not following a symlink.
    pub(super) fn open_key(path: &Path) -> std::io::Result<File> {
        OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ELOOP) => std::io::Error::other("it is a symlink"),
                _ => e,
            })
    }

    pub(super) fn check_key(file: &File, path: &Path) -> Result<(), String> {
        let meta = file
            .metadata()
            .map_err(|e| format!("cannot read the cache key {}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(format!("the cache key {} is not a file", path.display()));
        }
        owned_by_us(&meta, "key", path)?;
        if meta.mode() & 0o077 != 0 {
            return Err(format!(
                "the cache key {} may be read or written by others (mode {:o}); delete it",
                path.display(),
                meta.mode() & 0o777
            ));
        }
        Ok(())
    }
}

/// Elsewhere: no ownership to check.
#[cfg(not(unix))]
mod private {
    use std::fs::File;
    use std::path::Path;

    pub(super) fn create_dir(dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    pub(super) fn check_dir(_: &Path) -> Result<(), String> {
        Ok(())
    }

    pub(super) fn open_key(path: &Path) -> std::io::Result<File> {
        File::open(path)
    }

    pub(super) fn check_key(_: &File, _: &Path) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn temp_cache(tag: &str) -> Cache {
        let dir = std::env::temp_dir().join(format!("vitte-cache-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Cache::new(dir)
    }

    fn call(runtime: &Runtime, program: &Program) -> Result<Vec<Value>, RunError> {
        runtime.session().instantiate(program)?.invoke("f", &[])
    }

    const ONE: &str = r#"(module (func (export "f") (result i32) i32.const 1))"#;
    const TWO: &str = r#"(module (func (export "f") (result i32) i32.const 2))"#;

    #[test]
    fn second_compile_hits_and_damage_is_replaced() {
        let cache = temp_cache("unit");
        let runtime = Runtime::new().expect("engine");
        let wasm = wat::parse_str(ONE).expect("wat");
        let (_, first) = runtime.compile_cached(&wasm, &cache).expect("compiles");
        assert_eq!(first, CacheOutcome::Stored);
        let (program, second) = runtime.compile_cached(&wasm, &cache).expect("loads");
        assert_eq!(second, CacheOutcome::Hit);
        assert_eq!(call(&runtime, &program), Ok(vec![Value::I32(1)]));

        let entry = cache.entry(&engine::key(&runtime.engine), &wasm);
        let bytes = std::fs::read(&entry).expect("entry");
        std::fs::write(&entry, &bytes[..bytes.len() / 2]).expect("truncate");
        let (_, third) = runtime.compile_cached(&wasm, &cache).expect("recompiles");
        assert_eq!(third, CacheOutcome::Stored);
        let _ = std::fs::remove_dir_all(cache.dir());
    }

    /// An entry in the right format, for the right module, whose MAC was
    /// made without the cache's key: the one thing a forger cannot do.
    #[test]
    fn an_entry_sealed_without_the_key_is_recompiled_and_replaced() {
        let cache = temp_cache("forged");
        let runtime = Runtime::new().expect("engine");
        let one = wat::parse_str(ONE).expect("wat");
        let two = wat::parse_str(TWO).expect("wat");
        let (_, first) = runtime.compile_cached(&one, &cache).expect("compiles");
        assert_eq!(first, CacheOutcome::Stored);
        let engine_key = engine::key(&runtime.engine);
        let module: [u8; 32] = Sha256::digest(&one).into();
        let evil = runtime.precompile(&two).expect("precompile");
        let forged = seal(&[0x55; KEY_LEN], &engine_key, &module, &evil);
        let entry = cache.entry(&engine_key, &one);
        std::fs::write(&entry, &forged).expect("plant");
        let (program, outcome) = runtime.compile_cached(&one, &cache).expect("compiles");
        assert_eq!(outcome, CacheOutcome::Stored);
        assert_eq!(call(&runtime, &program), Ok(vec![Value::I32(1)]));
        assert_ne!(std::fs::read(&entry).expect("entry"), forged);

        // Sealed with the right key but for another module (two's entry
        // under one's name): the module digest does not match.
        let key: [u8; KEY_LEN] = std::fs::read(cache.dir().join(KEY_FILE))
            .expect("key")
            .try_into()
            .expect("32 bytes");
        let other: [u8; 32] = Sha256::digest(&two).into();
        std::fs::write(&entry, seal(&key, &engine_key, &other, &evil)).expect("swap");
        let (program, outcome) = runtime.compile_cached(&one, &cache).expect("compiles");
        assert_eq!(outcome, CacheOutcome::Stored);
        assert_eq!(call(&runtime, &program), Ok(vec![Value::I32(1)]));
        let (_, outcome) = runtime.compile_cached(&one, &cache).expect("loads");
        assert_eq!(outcome, CacheOutcome::Hit);
        let _ = std::fs::remove_dir_all(cache.dir());
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_others_may_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let cache = temp_cache("open");
        std::fs::create_dir_all(cache.dir()).expect("dir");
        std::fs::set_permissions(cache.dir(), std::fs::Permissions::from_mode(0o777))
            .expect("chmod");
        let runtime = Runtime::new().expect("engine");
        let wasm = wat::parse_str(ONE).expect("wat");
        let (program, outcome) = runtime.compile_cached(&wasm, &cache).expect("compiles");
        match outcome {
            CacheOutcome::Refused(why) => assert!(why.contains("written by others"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(call(&runtime, &program), Ok(vec![Value::I32(1)]));
        assert_eq!(std::fs::read_dir(cache.dir()).expect("dir").count(), 0);
        let _ = std::fs::remove_dir_all(cache.dir());
    }

    #[test]
    fn reachable_from_compares_canonical_paths() {
        let cache = temp_cache("reach");
        let base = cache.dir().parent().expect("parent").to_path_buf();
        // Not created yet: its parent decides.
        assert!(cache.reachable_from(&base));
        std::fs::create_dir_all(cache.dir().join("inner")).expect("dirs");
        assert!(cache.reachable_from(cache.dir()));
        assert!(cache.reachable_from(&cache.dir().join("inner")));
        assert!(cache.reachable_from(&cache.dir().join("inner/..")));
        let beside = base.join(format!("vitte-cache-beside-{}", std::process::id()));
        std::fs::create_dir_all(&beside).expect("dir");
        assert!(!cache.reachable_from(&beside));
        let _ = std::fs::remove_dir_all(cache.dir());
        let _ = std::fs::remove_dir_all(&beside);
    }
}
