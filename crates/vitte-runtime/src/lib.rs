//! `vitte-runtime`: running modules of the Vitte wasm backend in wasmtime,
//! safely, with the results and traps
//! expressed as the [`Value`]s and [`TrapKind`]s the reference interpreter
//! uses, so that the two can be compared directly.
//!
//! This is the API a host program uses; nobody needs wasmtime's own types
//! for the common case:
//!
//! - [`Runtime`]: the engine, one configuration for everything
//!   ([`engine`]). It compiles ([`Runtime::compile`], JIT), compiles ahead
//!   of time ([`Runtime::precompile`], [`Runtime::load_precompiled`]:
//!   `.cwasm`, [`aot`]) and through a [`Cache`].
//! - [`Session`] ([`Runtime::session`]): what a guest gets: [`Limits`]
//!   (fuel, timeout, memory), WASI preview1 ([`WasiConfig`]) and host
//!   functions. It instantiates [`Program`]s.
//! - [`Instance`]: calls exports with typed or textual arguments, or runs
//!   the WASI command `_start`.
//!
//! ```
//! use vitte_codegen_wasm64::value::Value;
//! use vitte_runtime::Runtime;
//!
//! let wasm = wat::parse_str(r#"(module (func (export "inc") (param i64) (result i64)
//!   (i64.add (local.get 0) (i64.const 1))))"#)?;
//! let runtime = Runtime::new()?;
//! let mut instance = runtime.session().instantiate(&runtime.compile(&wasm)?)?;
//! assert_eq!(instance.invoke("inc", &[Value::I64(41)])?, vec![Value::I64(42)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

//! Where things live: `engine.rs` (the one wasmtime configuration, the
//! library's [`validate::features`] and threads), [`aot`] (`.cwasm`), `cache.rs` (the
//! compile cache: HMAC-authenticated entries under a per-user key),
//! [`Limits`] (fuel, timeout, memory and table sizes), [`Session`] and
//! [`Instance`] (instantiating, calling, `_start`), [`wasi`] (preview1),
//! [`threads`] (wasi-threads programs: spawning, one store per thread),
//! `traps.rs` (wasmtime's traps as [`TrapKind`]s), `frames.rs` (a frame's
//! IR function and `.vir` position, from the module's DWARF), `symbols.rs`
//! (the same lookup done by us, for a sampling engine that keeps no DWARF), [`profile`]
//! (sampling a run, by IR function and line, and its formats).
//!
//! The library (`vitte-codegen-wasm64`) knows nothing of this crate: a
//! compiler that only emits wasm does not build wasmtime.

pub mod aot;
mod cache;
mod engine;
mod frames;
mod limits;
pub mod profile;
mod session;
mod symbols;
pub mod threads;
mod traps;
mod values;
pub mod wasi;

pub use aot::is_precompiled;
pub use cache::{Cache, CacheOutcome};
pub use limits::{Limits, MAX_TABLE_ELEMENTS, TABLE_ELEMENT_BYTES};
pub use profile::Profile;
pub use session::{HostCall, HostFn, Instance, Session};
pub use threads::Threads;
pub use wasi::{Preopen, WasiConfig};

// The library's modules, by the paths these files used when they were
// `src/runtime/` in it.
use vitte_codegen_wasm64::{ir, validate, value};

use crate::value::TrapKind;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::Module;

#[cfg(doc)]
use crate::value::Value;

/// A configured wasmtime engine; compiles and instantiates modules.
pub struct Runtime {
    engine: wasmtime::Engine,
    /// The perf agent `engine` was made with, for [`Runtime::for_sampling`].
    agent: wasmtime::ProfilingStrategy,
    /// Whether `engine` keeps no DWARF and programs carry their own
    /// ([`Runtime::for_sampling`]).
    sampling: bool,
}

/// A compiled module, ready to instantiate any number of times. Its
/// backtraces name source positions when the binary carries DWARF (`.vir`
/// compiled by `WasmBackend::with_debug_info`, `build -g`).
#[derive(Clone)]
pub struct Program {
    module: Module,
    /// The binary's DWARF, kept by a [`Runtime::for_sampling`] (whose
    /// engine does not) for the profiler and backtraces.
    debug: Option<Arc<symbols::DebugSections>>,
}

/// Why running a module failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// Execution trapped; `message` is the trap's text and the wasm
    /// backtrace. Running out of fuel is the trap [`TrapKind::Interrupted`].
    #[error("trap: {kind}")]
    Trap { kind: TrapKind, message: String },
    /// The wall-clock [`Limits::timeout`] expired; `message` has the
    /// backtrace of where the guest was. Not a trap: it depends on the
    /// machine, not on the program.
    #[error("timeout: the guest ran longer than {limit:?}")]
    Timeout { limit: Duration, message: String },
    /// The guest made a WASI call fail by its own fault, which WASI says
    /// traps: a pointer out of bounds of its memory or misaligned, an exit
    /// status outside 0..126, no exported memory. `reason` is what it did;
    /// `message` has it and the wasm backtrace, as for [`RunError::Trap`].
    #[error("trap: {reason}")]
    GuestFault { reason: String, message: String },
    /// The guest called WASI `proc_exit` with this status.
    #[error("the guest exited with status {0}")]
    Exit(i32),
    #[error("no exported function `{0}`")]
    NoSuchExport(String),
    #[error("bad arguments: {0}")]
    BadArguments(String),
    /// Instantiation failed (an unresolved import, or another link error).
    #[error("link error: {0}")]
    Link(String),
    /// The binary is invalid for the engine's features or failed to compile.
    #[error("compile error: {0}")]
    Compile(String),
    /// A `.cwasm` that is refused: not ours, damaged, or for another engine.
    #[error("cannot load precompiled module: {0}")]
    Artifact(String),
    /// A runtime failure with no [`TrapKind`] (a wasmtime trap outside the
    /// backend's feature set, or a host error: a failing host function, a
    /// WASI call failing on the host's side).
    #[error("runtime error: {0}")]
    Other(String),
}

impl Runtime {
    /// An engine whose wasm features are exactly [`threads::features`]: the
    /// backend's ([`crate::validate::features`]), so that what validates is
    /// what runs, and threads, for wasi-threads programs; nothing more.
    pub fn new() -> anyhow::Result<Runtime> {
        Ok(Runtime {
            engine: engine::engine()?,
            agent: wasmtime::ProfilingStrategy::None,
            sampling: false,
        })
    }

    /// [`Runtime::new`]'s engine, that also writes Linux perf's JIT map,
    /// `/tmp/perf-PID.map` (PID: this process's), naming each function it
    /// compiles or loads by its name-section name (the IR function's, for
    /// a `.vir`), so that `perf record` / `perf report` name guest code.
    pub fn with_perf_map() -> anyhow::Result<Runtime> {
        Ok(Runtime {
            engine: engine::engine_with_profiler(wasmtime::ProfilingStrategy::PerfMap)?,
            agent: wasmtime::ProfilingStrategy::PerfMap,
            sampling: false,
        })
    }

    /// [`Runtime::new`]'s engine, that also writes Linux perf's jitdump,
    /// `jit-PID.dump` in the current directory: each function it compiles
    /// or loads, by its name-section name (the IR function's, for a
    /// `.vir`), with its machine code, for `perf inject --jit` (which then
    /// lets `perf report` name, and `perf annotate` disassemble, guest code).
    pub fn with_jitdump() -> anyhow::Result<Runtime> {
        Ok(Runtime {
            engine: engine::engine_with_profiler(wasmtime::ProfilingStrategy::JitDump)?,
            agent: wasmtime::ProfilingStrategy::JitDump,
            sampling: false,
        })
    }

    /// This runtime's engine (its perf agent included) made for sampled
    /// runs ([`Session::profile`]): it keeps no DWARF in compiled code, so
    /// that a sample is a bare stack walk, and the programs it compiles
    /// keep their binary's DWARF themselves, which the profiler and
    /// backtraces read (`symbols.rs`): profiles and backtraces are the same
    /// as under [`Runtime::new`], and a sample costs a few microseconds
    /// instead of some 100 on a deep stack. Its compiled code is
    /// not [`Runtime::new`]'s: its `.cwasm` files and cache entries are its
    /// own, and it refuses the others (a `.cwasm` is better profiled on
    /// [`Runtime::new`], which samples it the slow way).
    pub fn for_sampling(self) -> anyhow::Result<Runtime> {
        Runtime::sampling(self.agent)
    }

    /// [`Runtime::new`]'s engine made for sampling: [`Runtime::for_sampling`]
    /// without making the other engine first.
    pub fn new_sampling() -> anyhow::Result<Runtime> {
        Runtime::sampling(wasmtime::ProfilingStrategy::None)
    }

    fn sampling(agent: wasmtime::ProfilingStrategy) -> anyhow::Result<Runtime> {
        Ok(Runtime {
            engine: engine::sampling_engine(agent)?,
            agent,
            sampling: true,
        })
    }

    /// Compiles a binary (JIT, in memory).
    pub fn compile(&self, wasm: &[u8]) -> Result<Program, RunError> {
        let module =
            Module::new(&self.engine, wasm).map_err(|e| RunError::Compile(format!("{e:#}")))?;
        Ok(self.with_debug(Program::new(module), wasm))
    }

    /// The program of `wasm`, with its DWARF when this runtime samples.
    fn with_debug(&self, mut program: Program, wasm: &[u8]) -> Program {
        if self.sampling {
            program.debug = symbols::DebugSections::of(wasm).map(Arc::new);
        }
        program
    }

    /// Compiles and instantiates a binary with no imports resolved: a module
    /// with imports gives a [`RunError::Link`] naming the first one,
    /// `module.name`. Shorthand for [`Runtime::session`]`().instantiate(..)`.
    pub fn instantiate(&self, bytes: &[u8]) -> Result<Instance, RunError> {
        self.session().instantiate(&self.compile(bytes)?)
    }
}

impl Program {
    fn new(module: Module) -> Program {
        Program {
            module,
            debug: None,
        }
    }

    /// Whether it is a WASI command (exports `_start`).
    pub fn is_command(&self) -> bool {
        self.module.get_export("_start").is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn instance(text: &str) -> Instance {
        let bytes = wat::parse_str(text).expect("test module assembles");
        Runtime::new()
            .expect("engine")
            .instantiate(&bytes)
            .expect("instantiates")
    }

    fn trap(result: Result<Vec<Value>, RunError>) -> TrapKind {
        match result {
            Err(RunError::Trap { kind, .. }) => kind,
            other => panic!("expected a trap, got {other:?}"),
        }
    }

    const ARITH: &str = r#"(module
      (func (export "mix") (param i32 i64 f32 f64) (result f64 i64 i32 f32)
        (f64.add (local.get 3) (f64.promote_f32 (local.get 2)))
        (i64.add (local.get 1) (i64.extend_i32_s (local.get 0)))
        (i32.wrap_i64 (local.get 1))
        (local.get 2))
      (func (export "div") (param i32 i32) (result i32)
        (i32.div_s (local.get 0) (local.get 1)))
      (func (export "trunc") (param f64) (result i32)
        (i32.trunc_f64_s (local.get 0)))
      (func (export "unreachable") unreachable)
      (func $loop (export "spin") (loop $l (br $l)))
      (func $rec (export "recurse") (result i32) (i32.add (call $rec) (i32.const 1)))
      (global (export "sp") (mut i64) (i64.const 66608)))"#;

    #[test]
    fn scalar_arguments_and_multi_value_results() {
        let mut inst = instance(ARITH);
        let args = [
            Value::I32(-2),
            Value::I64(40),
            Value::F32(1.5f32.to_bits()),
            Value::F64(0.25f64.to_bits()),
        ];
        assert_eq!(
            inst.invoke("mix", &args),
            Ok(vec![
                Value::F64(1.75f64.to_bits()),
                Value::I64(38),
                Value::I32(40),
                Value::F32(1.5f32.to_bits())
            ])
        );
        let text: Vec<String> = ["-2", "40", "1.5", "0.25"].map(String::from).to_vec();
        assert_eq!(inst.invoke_text("mix", &text), inst.invoke("mix", &args));
        assert_eq!(inst.global("sp"), Some(Value::I64(66608)));
        assert_eq!(inst.global("nope"), None);
    }

    #[test]
    fn arithmetic_traps_map_to_kinds() {
        let mut inst = instance(ARITH);
        let div = |a, b| [Value::I32(a), Value::I32(b)];
        assert_eq!(
            trap(inst.invoke("div", &div(1, 0))),
            TrapKind::IntegerDivideByZero
        );
        assert_eq!(
            trap(inst.invoke("div", &div(i32::MIN, -1))),
            TrapKind::IntegerOverflow
        );
        let nan = [Value::F64(f64::NAN.to_bits())];
        assert_eq!(
            trap(inst.invoke("trunc", &nan)),
            TrapKind::InvalidConversion
        );
        assert_eq!(trap(inst.invoke("unreachable", &[])), TrapKind::Unreachable);
        assert_eq!(
            trap(inst.invoke("recurse", &[])),
            TrapKind::CallStackExhausted
        );
    }

    #[test]
    fn trap_display_and_message() {
        let mut inst = instance(ARITH);
        let err = inst
            .invoke("div", &[Value::I32(1), Value::I32(0)])
            .unwrap_err();
        assert_eq!(err.to_string(), "trap: integer divide by zero");
        let RunError::Trap { message, .. } = err else {
            unreachable!()
        };
        assert!(
            message.starts_with("wasm trap: integer divide by zero\n"),
            "{message}"
        );
        assert!(message.contains("wasm backtrace"), "{message}");
        assert!(!message.contains("Stack backtrace"), "{message}");
    }

    #[test]
    fn fuel_bounds_infinite_loops() {
        let mut inst = instance(ARITH);
        inst.set_fuel(10_000).expect("fuel");
        assert_eq!(trap(inst.invoke("spin", &[])), TrapKind::Interrupted);
    }

    #[test]
    fn memory64_and_table64_traps() {
        let mut inst = instance(
            r#"(module
              (type $v (func))
              (type $i (func (result i32)))
              (memory i64 1)
              (table $t i64 3 funcref)
              (func $f (type $v))
              (elem (table $t) (i64.const 1) func $f)
              (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
              (func (export "call") (param i64) (result i32)
                (call_indirect $t (type $i) (local.get 0))))"#,
        );
        assert_eq!(
            inst.invoke("load", &[Value::I64(65532)]),
            Ok(vec![Value::I32(0)])
        );
        assert_eq!(
            trap(inst.invoke("load", &[Value::I64(65533)])),
            TrapKind::OutOfBounds
        );
        assert_eq!(
            trap(inst.invoke("load", &[Value::I64(-1)])),
            TrapKind::OutOfBounds
        );
        assert_eq!(
            trap(inst.invoke("call", &[Value::I64(0)])),
            TrapKind::UninitializedElement
        );
        assert_eq!(
            trap(inst.invoke("call", &[Value::I64(7)])),
            TrapKind::UndefinedElement
        );
        assert_eq!(
            trap(inst.invoke("call", &[Value::I64(1)])),
            TrapKind::IndirectCallTypeMismatch
        );
    }

    #[test]
    fn bad_arguments_are_reported() {
        let mut inst = instance(ARITH);
        let bad = |r: Result<Vec<Value>, RunError>| matches!(r, Err(RunError::BadArguments(_)));
        assert!(bad(inst.invoke_text("div", &["1".into()])));
        assert!(bad(inst.invoke_text("div", &["1".into(), "x".into()])));
        assert!(bad(inst.invoke_text("div", &["1".into(), "1.5".into()])));
        assert!(bad(inst.invoke("div", &[Value::I32(1), Value::I64(1)])));
        assert!(bad(inst.invoke("div", &[])));
        assert_eq!(
            inst.invoke("none", &[]),
            Err(RunError::NoSuchExport("none".into()))
        );
        assert_eq!(
            inst.invoke("sp", &[]),
            Err(RunError::NoSuchExport("sp".into()))
        );
    }

    #[test]
    fn imports_are_unresolved_and_start_traps_surface() {
        let runtime = Runtime::new().expect("engine");
        let bytes =
            wat::parse_str(r#"(module (import "env" "print" (func (param i32))))"#).expect("wat");
        match runtime.instantiate(&bytes) {
            Err(RunError::Link(m)) => assert!(m.contains("`env.print`"), "{m}"),
            other => panic!("{:?}", other.err()),
        }
        let bytes = wat::parse_str("(module (func $s unreachable) (start $s))").expect("wat");
        assert!(matches!(
            runtime.instantiate(&bytes),
            Err(RunError::Trap {
                kind: TrapKind::Unreachable,
                ..
            })
        ));
        assert!(matches!(
            runtime.instantiate(b"junk"),
            Err(RunError::Compile(_))
        ));
    }

    #[test]
    fn engine_rejects_what_validation_rejects() {
        let runtime = Runtime::new().expect("engine");
        let bytes =
            wat::parse_str("(module (func (result v128) v128.const i64x2 0 0))").expect("wat");
        assert!(matches!(
            runtime.instantiate(&bytes),
            Err(RunError::Compile(_))
        ));
    }
}
