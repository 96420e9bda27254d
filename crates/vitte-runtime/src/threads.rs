//! wasi-threads: running a program that spawns threads.
//!
//! wasmtime 48 no longer has wasi-threads (wasmtime-wasi-threads ended at
//! 46; RFC bytecodealliance/rfcs#47): spawning is the embedder's job. This
//! is ours, for the legacy ABI that wasi-libc's pthreads are built on
//! (<https://github.com/WebAssembly/wasi-threads>):
//!
//! - the program imports its memory, shared (`(import "env" "memory"
//!   (memory N M shared))`), and the function `wasi`.`thread-spawn`
//!   `(param i32) (result i32)`: start a thread with this argument; the
//!   result is the new thread's id, in `1..2^29`, or a negative error
//!   (`-6`, EAGAIN: too many threads, or the program is ending);
//! - it exports `wasi_thread_start (param $tid i32) (param $start_arg
//!   i32)`, which the new thread runs.
//!
//! The wasm64 variant: when the shared memory is 64-bit, `start_arg` (a
//! pointer into it) is an `i64` in both, the tid stays `i32`.
//!
//! Each thread is a std thread with a store of its own (same engine and
//! limits configuration) and an instance of the module over the one shared
//! memory, with a WASI context of its own: the same arguments, environment
//! and preopens, and the main thread's standard streams.
//!
//! The program is one run: a trap or `proc_exit` in any thread ends it
//! with that result, and so does main's `_start` returning. The other
//! threads are stopped by the stop flag every one of their stores checks at
//! each epoch tick (`Group::stopping`, `session.rs`'s `on_tick`), which
//! ending bumps. A thread parked in `memory.atomic.wait` without a timeout
//! cannot be woken that way: it stays parked (holding its store) until the
//! process exits, which `vitte-wat run` does at once.

use super::limits::MemoryLimit;
use super::profile::Sampler;
use super::session::{Blueprint, Host, enter};
use super::traps;
use super::wasi::Captured;
use super::{Program, RunError};
use crate::validate;
use crate::value::Value;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::Instant;
use wasmtime::{
    Caller, ExternType, FuncType, Linker, MemoryType, MemoryTypeBuilder, SharedMemory, Store, Val,
    ValType, WasmFeatures,
};
use wasmtime_wasi::I32Exit;

/// Threads a program may have running besides its main one, unless
/// [`Session::max_threads`](crate::Session::max_threads) says otherwise.
pub const DEFAULT_MAX_THREADS: u32 = 64;

/// What `thread-spawn` returns when it cannot spawn: WASI's EAGAIN, negated
/// (wasi-libc's `pthread_create` then returns EAGAIN).
pub const SPAWN_ERROR: i32 = -6;

/// Thread ids are below 2^29 (the wasi-threads spec leaves the top bits to
/// the guest's futex words).
const MAX_TID: u32 = (1 << 29) - 1;

/// A spawned thread's native stack: the wasm stack (1 MiB, `engine.rs`)
/// and the host's frames around it, with room to spare.
const THREAD_STACK: usize = 4 << 20;

/// The wasm features modules may use under this runtime: the backend's
/// ([`validate::features`]) and threads (shared memories, atomics), for
/// programs built for wasi-threads.
pub fn features() -> WasmFeatures {
    validate::features() | WasmFeatures::THREADS
}

/// Validates a binary with [`features`]: what `vitte-wat run` accepts.
pub fn validate(bytes: &[u8]) -> Result<(), validate::ValidateError> {
    let Err(e) = wasmparser::Validator::new_with_features(features()).validate_all(bytes) else {
        return Ok(());
    };
    // The library's error for the same fault says it better (a bad magic
    // number in one line).
    match validate::validate(bytes) {
        Err(same) if same.offset == e.offset() => Err(same),
        _ => Err(validate::ValidateError {
            offset: e.offset(),
            message: e.message().to_string(),
        }),
    }
}

/// The error that stops a thread because the program is ending.
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("the program ended in another thread")]
pub(crate) struct Stopped;

/// The threads of one run of a wasi-threads program.
pub(crate) struct Group {
    blueprint: Blueprint,
    program: Program,
    /// Where the program imports its shared memory.
    import: (String, String),
    memory: SharedMemory,
    /// `start_arg` is an i64 (the memory is 64-bit).
    wide: bool,
    max_threads: u32,
    /// The budget of every thread's own memories and tables.
    memory_limit: MemoryLimit,
    /// The main thread's streams, shared by the others.
    streams: OnceLock<Captured>,
    /// When `Limits::timeout` expires, for every thread.
    deadline: Option<Instant>,
    running: AtomicU32,
    next_tid: AtomicU32,
    /// Set once the program is ending: read at every epoch tick.
    stopping: AtomicBool,
    end: Mutex<End>,
    ended: Condvar,
    /// Each spawned thread's sampler, by thread id, when the program is
    /// profiled: sampled at the main thread's ticks.
    samplers: Mutex<Vec<(u32, Arc<Mutex<Sampler>>)>>,
}

#[derive(Default)]
struct End {
    stopped: bool,
    /// The first trap or exit of a spawned thread.
    fatal: Option<RunError>,
}

/// The group of a program that imports `wasi.thread-spawn`, None for any
/// other; a program that imports it without the rest of the ABI is a
/// [`RunError::Link`] saying what is missing.
pub(crate) fn group(
    blueprint: &Blueprint,
    program: &Program,
    max_threads: u32,
) -> Result<Option<Arc<Group>>, RunError> {
    let module = &program.module;
    let link = |m: &str| Err(RunError::Link(format!("wasi-threads: {m}")));
    let Some(spawn) = module
        .imports()
        .find(|i| i.module() == "wasi" && i.name() == "thread-spawn")
    else {
        return Ok(None);
    };
    let Some((import, ty)) = module.imports().find_map(|i| match i.ty() {
        ExternType::Memory(m) if m.is_shared() => {
            Some(((i.module().to_string(), i.name().to_string()), m))
        }
        _ => None,
    }) else {
        return link(
            "a program that imports `wasi.thread-spawn` must import a shared memory (`env.memory`)",
        );
    };
    let wide = ty.is_64();
    let arg = if wide { "i64" } else { "i32" };
    let spawn_ok = match spawn.ty() {
        ExternType::Func(f) => signature(&f) == (vec![arg], vec!["i32"]),
        _ => false,
    };
    if !spawn_ok {
        return link(&format!(
            "`wasi.thread-spawn` must be (func (param {arg}) (result i32)) for a {}-bit memory",
            if wide { 64 } else { 32 }
        ));
    }
    let start_ok = match module.get_export("wasi_thread_start") {
        Some(ExternType::Func(f)) => signature(&f) == (vec!["i32", arg], vec![]),
        _ => false,
    };
    if !start_ok {
        return link(&format!(
            "the program must export `wasi_thread_start` (func (param i32 {arg}))"
        ));
    }
    let memory = shared_memory(blueprint, &ty)?;
    Ok(Some(Arc::new(Group {
        blueprint: blueprint.clone(),
        program: program.clone(),
        import,
        memory,
        wide,
        max_threads,
        memory_limit: MemoryLimit::new(blueprint.limits.max_memory),
        streams: OnceLock::new(),
        deadline: blueprint
            .limits
            .timeout
            .and_then(|t| Instant::now().checked_add(t)),
        running: AtomicU32::new(0),
        next_tid: AtomicU32::new(1),
        stopping: AtomicBool::new(false),
        end: Mutex::new(End::default()),
        ended: Condvar::new(),
        samplers: Mutex::new(Vec::new()),
    })))
}

/// A function type as its value types' names, to compare with the ABI's.
fn signature(f: &FuncType) -> (Vec<&'static str>, Vec<&'static str>) {
    let name = |t: ValType| match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        _ => "other",
    };
    (
        f.params().map(name).collect(),
        f.results().map(name).collect(),
    )
}

/// The shared memory for the import `ty`. Its maximum is at most
/// `--max-memory` (wasmtime grows shared memories without asking the
/// stores' limiters, so the maximum is what bounds it); an initial size
/// past that fails.
fn shared_memory(blueprint: &Blueprint, ty: &MemoryType) -> Result<SharedMemory, RunError> {
    let page = ty.page_size();
    let declared = ty.maximum().unwrap_or(ty.minimum());
    let max = match blueprint.limits.max_memory {
        Some(bytes) => declared.min(bytes / page),
        None => declared,
    };
    if ty.minimum() > max {
        return Err(RunError::Link(format!(
            "the shared memory's initial {} bytes exceed the memory limit",
            u128::from(ty.minimum()) * u128::from(page)
        )));
    }
    let clamped = MemoryTypeBuilder::new()
        .min(ty.minimum())
        .max(Some(max))
        .memory64(ty.is_64())
        .shared(true)
        .page_size_log2(ty.page_size_log2())
        .build()
        .map_err(|e| RunError::Link(format!("{e:#}")))?;
    SharedMemory::new(&blueprint.engine, clamped)
        .map_err(|e| RunError::Link(format!("cannot create the shared memory: {e:#}")))
}

impl Group {
    /// Defines the shared memory and `wasi.thread-spawn` for a store's
    /// instance.
    pub(crate) fn link(
        &self,
        linker: &mut Linker<Host>,
        store: &mut Store<Host>,
    ) -> Result<(), RunError> {
        let link_error = |e: wasmtime::Error| RunError::Link(format!("{e:#}"));
        let (module, name) = &self.import;
        linker
            .define(&mut *store, module, name, self.memory.clone())
            .map_err(link_error)?;
        let arg = if self.wide {
            ValType::I64
        } else {
            ValType::I32
        };
        let ty = FuncType::new(&self.blueprint.engine, [arg], [ValType::I32]);
        linker
            .func_new("wasi", "thread-spawn", ty, thread_spawn)
            .map_err(link_error)?;
        Ok(())
    }

    /// Keeps the main thread's streams for the others.
    pub(crate) fn share_streams(&self, captured: Captured) {
        let _ = self.streams.set(captured);
    }

    /// The memory budget every thread's store draws on.
    pub(crate) fn memory_limit(&self) -> MemoryLimit {
        self.memory_limit.clone()
    }

    /// Whether the program is ending: every thread stops at its next tick.
    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// The first trap or exit of a spawned thread, if any.
    pub(crate) fn fatal(&self) -> Option<RunError> {
        self.lock().fatal.clone()
    }

    /// Main's `_start` returned with `result`: the program ends. The result
    /// is a spawned thread's trap or exit if one came first.
    pub(crate) fn end(&self, result: Result<Vec<Value>, RunError>) -> Result<Vec<Value>, RunError> {
        let mut end = self.lock();
        let outcome = match &end.fatal {
            Some(fatal) => Err(fatal.clone()),
            None => result,
        };
        end.stopped = true;
        drop(end);
        self.stop();
        outcome
    }

    /// A spawned thread trapped or exited: the program ends with that,
    /// unless it has ended already.
    fn fail(&self, error: RunError) {
        let mut end = self.lock();
        if end.stopped {
            return;
        }
        end.stopped = true;
        end.fatal = Some(error);
        drop(end);
        self.stop();
    }

    /// Raises the stop flag, makes every store check it (an epoch tick),
    /// and wakes [`Threads::wait`].
    fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.blueprint.engine.increment_epoch();
        self.ended.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, End> {
        self.end.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a thread running `wasi_thread_start(tid, start_arg)` with
    /// `fuel`; its tid, or [`SPAWN_ERROR`] when the cap is reached, the
    /// program is ending or the host cannot start a thread.
    fn spawn(self: &Arc<Self>, start_arg: u64, fuel: Option<u64>) -> i32 {
        if self.stopping() {
            return SPAWN_ERROR;
        }
        let max = self.max_threads;
        let reserved = self
            .running
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            });
        if reserved.is_err() {
            return SPAWN_ERROR;
        }
        let tid = self.next_tid.fetch_add(1, Ordering::SeqCst);
        if tid == 0 || tid > MAX_TID {
            self.running.fetch_sub(1, Ordering::SeqCst);
            return SPAWN_ERROR;
        }
        let group = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name(format!("vitte-wasi-thread-{tid}"))
            .stack_size(THREAD_STACK)
            .spawn(move || {
                if let Err(error) = group.run(tid, start_arg, fuel) {
                    group.fail(error);
                }
                group.running.fetch_sub(1, Ordering::SeqCst);
            });
        match spawned {
            // tid <= MAX_TID < 2^31.
            Ok(_) => tid as i32,
            Err(_) => {
                self.running.fetch_sub(1, Ordering::SeqCst);
                SPAWN_ERROR
            }
        }
    }

    /// A spawned thread: its store, instance, and `wasi_thread_start`.
    /// Being stopped is no error.
    fn run(self: &Arc<Self>, tid: u32, start_arg: u64, fuel: Option<u64>) -> Result<(), RunError> {
        let streams = self.streams.get().cloned().unwrap_or_default();
        let mut store = self
            .blueprint
            .store(Some(&streams), Some(Arc::clone(self)))?;
        if let Some(sampler) = store.data().sampler() {
            let mut samplers = self.samplers.lock().unwrap_or_else(|p| p.into_inner());
            samplers.push((tid, sampler));
        }
        if let Some(fuel) = fuel {
            store
                .set_fuel(fuel)
                .map_err(|e| RunError::Other(format!("{e:#}")))?;
        }
        let mut linker = self.blueprint.linker()?;
        self.link(&mut linker, &mut store)?;
        let timeout = self
            .deadline
            .map(|at| at.saturating_duration_since(Instant::now()));
        let module = &self.program.module;
        // Each entry into wasm checks the stop flag after the store's epoch
        // deadline is armed: a stop before the check is seen there, one
        // after it bumps the epoch past the deadline.
        let instance = enter(&mut store, timeout, |store| {
            self.check()?;
            linker.instantiate(store, module)
        })
        .map_err(|e| self.error(e))?;
        let Some(start) = instance.get_func(&mut store, "wasi_thread_start") else {
            return Err(RunError::NoSuchExport("wasi_thread_start".into()));
        };
        let arg = match self.wide {
            true => Val::I64(start_arg as i64),
            false => Val::I32(start_arg as u32 as i32),
        };
        let args = [Val::I32(tid as i32), arg];
        enter(&mut store, timeout, |store| {
            self.check()?;
            start.call(store, &args, &mut [])
        })
        .map_err(|e| self.error(e))
    }

    /// The spawned threads' samplers so far, by thread id.
    pub(crate) fn samplers(&self) -> Vec<(u32, Arc<Mutex<Sampler>>)> {
        let mut samplers = self
            .samplers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        samplers.sort_by_key(|(tid, _)| *tid);
        samplers
    }

    /// [`Stopped`] once the program is ending.
    pub(crate) fn check(&self) -> wasmtime::Result<()> {
        match self.stopping() {
            true => Err(Stopped.into()),
            false => Ok(()),
        }
    }

    /// What a thread's wasmtime error means for the program; [`Stopped`]
    /// is mapped to it too but never recorded ([`Group::fail`] ignores
    /// errors once the program is ending).
    fn error(&self, e: wasmtime::Error) -> RunError {
        if let Some(exit) = e.downcast_ref::<I32Exit>() {
            return RunError::Exit(exit.0);
        }
        if e.downcast_ref::<Stopped>().is_some() {
            return RunError::Other(Stopped.to_string());
        }
        match traps::is_trap(&e) {
            true => traps::run_error(e, self.blueprint.debug.as_deref()),
            false => RunError::Link(traps::full_text(&e)),
        }
    }
}

/// `wasi.thread-spawn`: gives the new thread half the caller's fuel when
/// fuel is limited (so that all threads together never have more than
/// `Limits::fuel`), back if the spawn fails.
fn thread_spawn(
    mut caller: Caller<'_, Host>,
    args: &[Val],
    out: &mut [Val],
) -> wasmtime::Result<()> {
    let Some(group) = caller.data().group.clone() else {
        return Err(wasmtime::Error::msg(
            "wasi.thread-spawn outside a threads program",
        ));
    };
    let start_arg = match args.first() {
        Some(Val::I32(v)) => u64::from(*v as u32),
        Some(Val::I64(v)) => *v as u64,
        _ => return Err(wasmtime::Error::msg("wasi.thread-spawn: bad argument")),
    };
    let fuel = match group.blueprint.limits.fuel {
        Some(_) => {
            let mine = caller.get_fuel()?;
            let given = mine / 2;
            caller.set_fuel(mine - given)?;
            Some(given)
        }
        None => None,
    };
    let tid = group.spawn(start_arg, fuel);
    if let (true, Some(given)) = (tid < 0, fuel) {
        let mine = caller.get_fuel()?;
        caller.set_fuel(mine.saturating_add(given))?;
    }
    if let Some(slot) = out.first_mut() {
        *slot = Val::I32(tid);
    }
    Ok(())
}

/// A handle on the threads of a running wasi-threads program
/// ([`Instance::threads`](crate::Instance::threads)), usable from any
/// thread: to learn that the program ended in a spawned thread while the
/// main one is blocked (in `memory.atomic.wait`, say).
#[derive(Clone)]
pub struct Threads {
    group: Arc<Group>,
}

impl Threads {
    pub(crate) fn new(group: Arc<Group>) -> Threads {
        Threads { group }
    }

    /// Blocks until the program ends: the first trap or `proc_exit` (as
    /// [`RunError::Exit`]) of a spawned thread, or None when main's
    /// `_start` ended it.
    pub fn wait(&self) -> Option<RunError> {
        let mut end = self.group.lock();
        while !end.stopped {
            end = self
                .group
                .ended
                .wait(end)
                .unwrap_or_else(|e| e.into_inner());
        }
        end.fatal.clone()
    }

    /// Spawned threads running now.
    pub fn running(&self) -> u32 {
        self.group.running.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use crate::wasi::{Stdout, WasiConfig};
    use crate::{Limits, RunError, Runtime};

    /// A thread prints `thread\n`, then main, once it is done, `main\n`.
    /// (0: done flag; 16..: the texts and iovecs.)
    const PRINTS: &str = r#"(module
      (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write"
        (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "env" "memory" (memory 1 1 shared))
      (export "memory" (memory 0))
      (data (i32.const 16) "thread\0a")
      (data (i32.const 32) "main\0a")
      (func $write (param $at i32) (param $len i32) (param $iov i32)
        (i32.store (local.get $iov) (local.get $at))
        (i32.store offset=4 (local.get $iov) (local.get $len))
        (drop (call $fd_write (i32.const 1) (local.get $iov) (i32.const 1)
                              (i32.add (local.get $iov) (i32.const 8)))))
      (func (export "wasi_thread_start") (param $tid i32) (param $iov i32)
        (call $write (i32.const 16) (i32.const 7) (local.get $iov))
        (i32.atomic.store (i32.const 0) (i32.const 1))
        (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))
      (func (export "_start")
        (if (i32.le_s (call $spawn (i32.const 64)) (i32.const 0)) (then unreachable))
        (block $done
          (loop $wait
            (br_if $done (i32.atomic.load (i32.const 0)))
            (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
            (br $wait)))
        (call $write (i32.const 32) (i32.const 5) (i32.const 96))))"#;

    fn captured() -> WasiConfig {
        WasiConfig {
            stdout: Stdout::Capture,
            ..WasiConfig::default()
        }
    }

    #[test]
    fn threads_share_the_captured_stdout() {
        let runtime = Runtime::new().expect("engine");
        let wasm = wat::parse_str(PRINTS).expect("assembles");
        let program = runtime.compile(&wasm).expect("compiles");
        let mut instance = runtime
            .session()
            .wasi(captured())
            .instantiate(&program)
            .expect("instantiates");
        let threads = instance.threads().expect("a threads program");
        assert_eq!(instance.run_command(), Ok(0));
        assert_eq!(instance.stdout(), b"thread\nmain\n");
        // main returned: the program has ended, with no thread's failure.
        assert!(threads.wait().is_none());
    }

    #[test]
    fn threads_still_running_stop_when_main_returns() {
        let runtime = Runtime::new().expect("engine");
        let wasm = wat::parse_str(
            r#"(module
              (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
              (import "env" "memory" (memory 1 1 shared))
              (func (export "wasi_thread_start") (param i32 i32)
                (loop $forever (br $forever)))
              (func (export "_start")
                (if (i32.ne (call $spawn (i32.const 0)) (i32.const 1)) (then unreachable))
                (if (i32.ne (call $spawn (i32.const 0)) (i32.const 2)) (then unreachable))))"#,
        )
        .expect("assembles");
        let mut instance = runtime
            .session()
            .instantiate(&runtime.compile(&wasm).expect("compiles"))
            .expect("instantiates");
        let threads = instance.threads().expect("a threads program");
        assert_eq!(instance.run_command(), Ok(0));
        // The spinning threads see the stop at their next epoch check; a
        // bound only so that a failure cannot hang the suite.
        let give_up = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while threads.running() > 0 {
            assert!(
                std::time::Instant::now() < give_up,
                "the threads never stopped"
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    #[test]
    fn other_programs_have_no_threads() {
        let runtime = Runtime::new().expect("engine");
        let wasm = wat::parse_str(r#"(module (func (export "_start")))"#).expect("assembles");
        let instance = runtime
            .session()
            .instantiate(&runtime.compile(&wasm).expect("compiles"))
            .expect("instantiates");
        assert!(instance.threads().is_none());
    }

    #[test]
    fn max_threads_zero_refuses_every_spawn() {
        let runtime = Runtime::new().expect("engine");
        let wasm = wat::parse_str(PRINTS).expect("assembles");
        let program = runtime.compile(&wasm).expect("compiles");
        let mut instance = runtime
            .session()
            .wasi(captured())
            .max_threads(0)
            .instantiate(&program)
            .expect("instantiates");
        // The spawn fails (SPAWN_ERROR), and main traps on it.
        match instance.run_command() {
            Err(RunError::Trap { message, .. }) => assert!(message.contains("unreachable")),
            other => panic!("{other:?}"),
        }
        assert_eq!(instance.stdout(), b"");
    }

    #[test]
    fn fuel_is_split_at_each_spawn() {
        // Main spawns once: the thread took half of main's fuel, so main
        // ends with less than half (without the split, nearly all).
        let runtime = Runtime::new().expect("engine");
        let wasm = wat::parse_str(PRINTS).expect("assembles");
        let program = runtime.compile(&wasm).expect("compiles");
        let limits = Limits {
            fuel: Some(1_000_000),
            ..Limits::default()
        };
        let mut instance = runtime
            .session()
            .wasi(captured())
            .limits(limits)
            .instantiate(&program)
            .expect("instantiates");
        assert_eq!(instance.run_command(), Ok(0));
        assert!(instance.fuel() < 500_000, "main kept {}", instance.fuel());
        assert_eq!(instance.stdout(), b"thread\nmain\n");
    }
}
