//! Ahead-of-time compiled modules (`.cwasm`): writing them, and loading
//! them only after checking that they are ours, whole, and for this engine.
//!
//! A `.cwasm` is wasmtime's precompiled module (an ELF image with machine
//! code) in a small envelope:
//!
//! ```text
//! "VITTECW\x01"        8 bytes   magic and format version
//! engine key          32 bytes   SHA-256 of wasmtime's compatibility hash
//! payload digest      32 bytes   SHA-256 of the payload
//! payload length       8 bytes   little-endian
//! payload                        Engine::precompile_module's output
//! ```
//!
//! Loading checks, in order: the magic, the engine key (another wasmtime
//! version or configuration is refused before wasmtime sees the bytes), the
//! length (a truncated file), the digest (any corrupted byte), then
//! `Engine::detect_precompiled` (a precompiled *module*, not a component),
//! and finally wasmtime's own header checks inside `Module::deserialize`.

use super::{Program, RunError, Runtime, engine};
use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module, Precompiled};

const MAGIC: &[u8; 8] = b"VITTECW\x01";
const HEADER_LEN: usize = 8 + 32 + 32 + 8;

/// Whether bytes look like a `.cwasm` of ours (by the magic only).
pub fn is_precompiled(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

impl Runtime {
    /// Compiles a binary ahead of time: the bytes of a `.cwasm` that
    /// [`Runtime::load_precompiled`] of the same build accepts.
    pub fn precompile(&self, wasm: &[u8]) -> Result<Vec<u8>, RunError> {
        let payload = self
            .engine
            .precompile_module(wasm)
            .map_err(|e| RunError::Compile(format!("{e:#}")))?;
        Ok(wrap(&engine::key(&self.engine), &payload))
    }

    /// Loads a `.cwasm` without compiling, after the checks in the
    /// [module documentation](self); any failed check is
    /// [`RunError::Artifact`] saying which.
    pub fn load_precompiled(&self, bytes: &[u8]) -> Result<Program, RunError> {
        let payload = unwrap(&engine::key(&self.engine), bytes)?;
        if Engine::detect_precompiled(payload) != Some(Precompiled::Module) {
            return Err(RunError::Artifact(
                "the payload is not a precompiled wasm module".into(),
            ));
        }
        // SAFETY: `Module::deserialize` is unsafe because the payload holds
        // machine code that wasmtime runs as is; it checks the header (its
        // version, the target, flags and features) but cannot check the
        // code. The checks above establish that these exact bytes are what
        // `precompile` (through `compile` or the cache) wrote with this
        // engine configuration: the engine key matches ours and the SHA-256
        // of the payload matches the recorded one, so a truncated, corrupted
        // or foreign file never gets here. What they cannot stop is a file
        // forged on purpose with a matching digest: a `.cwasm` must be
        // trusted like a native executable, which the README says. The
        // compile cache passes only entries whose HMAC under the user's
        // private key verifies and that record this module's SHA-256
        // (`super::cache`).
        let module = unsafe { Module::deserialize(&self.engine, payload) }
            .map_err(|e| RunError::Artifact(format!("wasmtime refused it: {e:#}")))?;
        Ok(Program::new(module))
    }
}

fn wrap(key: &[u8; 32], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(key);
    out.extend_from_slice(&Sha256::digest(payload));
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// The payload, once the envelope checks pass.
fn unwrap<'a>(key: &[u8; 32], bytes: &'a [u8]) -> Result<&'a [u8], RunError> {
    let refuse = |why: &str| Err(RunError::Artifact(why.to_string()));
    if !is_precompiled(bytes) {
        return refuse("not a .cwasm written by `vitte-wat compile` (bad magic number)");
    }
    if bytes.len() < HEADER_LEN {
        return refuse("truncated .cwasm (incomplete header)");
    }
    let (header, payload) = bytes.split_at(HEADER_LEN);
    if header[8..40] != key[..] {
        return refuse(
            "compiled by another wasmtime version or engine configuration; \
             compile it again with this vitte-wat",
        );
    }
    let length = u64::from_le_bytes(header[72..80].try_into().unwrap_or_default());
    if length != payload.len() as u64 {
        return refuse(&format!(
            "truncated or padded .cwasm: {} payload bytes, the header says {length}",
            payload.len()
        ));
    }
    if Sha256::digest(payload)[..] != header[40..72] {
        return refuse("corrupt .cwasm: the payload does not match its SHA-256 digest");
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(result: Result<Program, RunError>) -> String {
        match result {
            Err(RunError::Artifact(message)) => message,
            Err(other) => panic!("expected a refusal, got {other}"),
            Ok(_) => panic!("expected a refusal, the module loaded"),
        }
    }

    #[test]
    fn round_trip_and_every_damage_is_refused() {
        let runtime = Runtime::new().expect("engine");
        let wasm = wat::parse_str(
            r#"(module (func (export "add") (param i32 i32) (result i32)
                 (i32.add (local.get 0) (local.get 1))))"#,
        )
        .expect("wat");
        let cwasm = runtime.precompile(&wasm).expect("precompile");
        let program = runtime.load_precompiled(&cwasm).expect("loads");
        let mut instance = runtime.session().instantiate(&program).expect("inst");
        use crate::value::Value;
        assert_eq!(
            instance.invoke("add", &[Value::I32(2), Value::I32(3)]),
            Ok(vec![Value::I32(5)])
        );

        assert!(refused(runtime.load_precompiled(&wasm)).contains("magic"));
        assert!(refused(runtime.load_precompiled(&cwasm[..20])).contains("header"));
        let cut = &cwasm[..cwasm.len() - 100];
        assert!(refused(runtime.load_precompiled(cut)).contains("truncated"));
        let mut flipped = cwasm.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(refused(runtime.load_precompiled(&flipped)).contains("corrupt"));
        let mut foreign = cwasm.clone();
        foreign[8] ^= 1;
        assert!(refused(runtime.load_precompiled(&foreign)).contains("another wasmtime"));
        // A raw wasmtime artifact without our envelope is not ours.
        let raw = &cwasm[HEADER_LEN..];
        assert!(refused(runtime.load_precompiled(raw)).contains("magic"));
        // A well-formed envelope around something that is not a module.
        let junk = wrap(&engine::key(&runtime.engine), b"\x7fELF not really");
        assert!(refused(runtime.load_precompiled(&junk)).contains("not a precompiled"));
    }
}
