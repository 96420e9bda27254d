//! Sessions: what a guest is given (limits, WASI, host functions), and the
//! instances created under them.

use super::limits::{Limits, MemoryLimit, RETICK, Ticker, TimedOut};
use super::profile::{Profile, Sampler};
use super::symbols::DebugSections;
use super::threads::{self, Group};
use super::traps;
use super::values::{check_arity, from_val, ir_type, to_val, val_type, value_type};
use super::wasi::{self, Captured, WasiConfig};
use super::{Program, RunError, Runtime};
use crate::ir::{Target, Type};
use crate::value::Value;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use wasmtime::{
    Caller, Extern, Func, FuncType, Linker, Memory, Store, StoreContextMut, UpdateDeadline, Val,
    ValType, WasmBacktrace,
};
use wasmtime_wasi::I32Exit;
use wasmtime_wasi::p1::{self, WasiP1Ctx};

/// A host function: gets the guest's memory and the arguments, returns the
/// results or a message that stops the guest.
pub type HostFn = dyn Fn(&mut HostCall<'_>, &[Value]) -> Result<Vec<Value>, String> + Send + Sync;

/// The state every store carries.
pub(crate) struct Host {
    wasi: WasiP1Ctx,
    captured: Captured,
    memory: MemoryLimit,
    /// While a call with a timeout runs: when it expires, and the limit.
    deadline: Option<(Instant, Duration)>,
    /// The samples of a profiled store ([`Session::profile`]), shared with
    /// the thread group for a spawned thread's (`threads.rs`), so that the
    /// main instance's profile has every thread's.
    sampler: Option<Arc<Mutex<Sampler>>>,
    /// A spawned thread's store: sampled at the main thread's ticks (the
    /// epoch is the engine's), never starting a ticker of its own.
    spawned: bool,
    /// [`Blueprint::debug`], for backtraces.
    debug: Option<Arc<DebugSections>>,
    /// The threads of a wasi-threads program (`threads.rs`), in every one
    /// of its stores: a stop there interrupts them all.
    pub(crate) group: Option<Arc<Group>>,
}

#[derive(Clone)]
pub(crate) struct HostImport {
    module: String,
    name: String,
    params: Vec<Type>,
    results: Vec<Type>,
    func: Arc<HostFn>,
}

/// How instances are set up: limits, WASI and host functions. Built from
/// [`Runtime::session`]; one session may instantiate many programs, each
/// in a store of its own.
///
/// ```
/// use vitte_codegen_wasm64::ir::Type;
/// use vitte_runtime::{Limits, Runtime};
/// use vitte_codegen_wasm64::value::Value;
///
/// let wasm = wat::parse_str(r#"(module
///   (import "env" "double" (func $double (param i32) (result i32)))
///   (func (export "quad") (param i32) (result i32)
///     (call $double (call $double (local.get 0)))))"#)?;
/// let runtime = Runtime::new()?;
/// let program = runtime.compile(&wasm)?;
/// let limits = Limits { fuel: Some(1_000_000), ..Limits::default() };
/// let mut instance = runtime
///     .session()
///     .limits(limits)
///     .host_fn("env", "double", &[Type::I32], &[Type::I32], |_, args| {
///         Ok(vec![Value::I32(args[0].as_i32() * 2)])
///     })
///     .instantiate(&program)?;
/// assert_eq!(instance.invoke("quad", &[Value::I32(5)])?, vec![Value::I32(20)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Session<'r> {
    runtime: &'r Runtime,
    limits: Limits,
    wasi: Option<WasiConfig>,
    imports: Vec<HostImport>,
    target: Target,
    /// The sampling interval, when instances are profiled.
    profile: Option<Duration>,
    /// The cap on a wasi-threads program's spawned threads.
    max_threads: u32,
}

/// An instantiated module and the store that owns its state.
pub struct Instance {
    store: Store<Host>,
    instance: wasmtime::Instance,
    timeout: Option<Duration>,
    /// The threads it may spawn, for a wasi-threads program.
    group: Option<Arc<Group>>,
}

/// What a host function sees of the calling guest.
pub struct HostCall<'a> {
    caller: Caller<'a, Host>,
}

/// An epoch deadline far enough to never be reached, and small enough that
/// wasmtime's `current + delta` cannot overflow.
const NEVER: u64 = u64::MAX / 2;

impl Runtime {
    /// A session with no limits, no WASI and no host functions.
    pub fn session(&self) -> Session<'_> {
        Session {
            runtime: self,
            limits: Limits::default(),
            wasi: None,
            imports: Vec::new(),
            target: Target::Wasm64,
            profile: None,
            max_threads: threads::DEFAULT_MAX_THREADS,
        }
    }
}

impl<'r> Session<'r> {
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Links `wasi_snapshot_preview1` with this view of the host.
    pub fn wasi(mut self, config: WasiConfig) -> Self {
        self.wasi = Some(config);
        self
    }

    /// The target whose pointer width `ptr` has in host function
    /// signatures (wasm64 unless set).
    pub fn target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    /// Profiles the instances: samples the guest's stack every `interval`
    /// while it runs wasm ([`crate::profile`]; usually
    /// [`DEFAULT_INTERVAL`](crate::profile::DEFAULT_INTERVAL)), for
    /// [`Instance::profile`]. With a [`Limits::timeout`] too, the deadline
    /// is noticed at the first sample after it.
    pub fn profile(mut self, interval: Duration) -> Self {
        self.profile = Some(interval);
        self
    }

    /// The most threads a wasi-threads program may have running besides
    /// its main one ([`threads::DEFAULT_MAX_THREADS`] unless set): past
    /// it, `thread-spawn` returns an error (README, Threads).
    pub fn max_threads(mut self, max: u32) -> Self {
        self.max_threads = max;
        self
    }

    /// Provides the import `module.name` with this signature.
    pub fn host_fn(
        mut self,
        module: &str,
        name: &str,
        params: &[Type],
        results: &[Type],
        func: impl Fn(&mut HostCall<'_>, &[Value]) -> Result<Vec<Value>, String> + Send + Sync + 'static,
    ) -> Self {
        self.imports.push(HostImport {
            module: module.into(),
            name: name.into(),
            params: params.to_vec(),
            results: results.to_vec(),
            func: Arc::new(func),
        });
        self
    }

    /// Instantiates a program in a new store. Every import must be provided
    /// (by WASI or a host function); the first one that is not is a
    /// [`RunError::Link`] naming it, `module.name`.
    pub fn instantiate(&self, program: &Program) -> Result<Instance, RunError> {
        let mut blueprint = self.blueprint();
        blueprint.debug = program.debug.clone();
        let group = threads::group(&blueprint, program, self.max_threads)?;
        let mut store = blueprint.store(None, group.clone())?;
        let mut linker = blueprint.linker()?;
        if let Some(group) = &group {
            group.share_streams(store.data().captured.clone());
            group.link(&mut linker, &mut store)?;
        }
        for import in program.module.imports() {
            if linker.get_by_import(&mut store, &import).is_none() {
                return Err(RunError::Link(format!(
                    "unresolved import `{}.{}`",
                    import.module(),
                    import.name()
                )));
            }
        }
        let instance = enter(&mut store, self.limits.timeout, |store| {
            linker.instantiate(store, &program.module)
        })
        .map_err(|e| match traps::is_trap(&e) {
            // A start function or an out-of-bounds segment can trap here.
            true => traps::run_error(e, blueprint.debug.as_deref()),
            false => RunError::Link(traps::full_text(&e)),
        })?;
        Ok(Instance {
            store,
            instance,
            timeout: self.limits.timeout,
            group,
        })
    }

    /// What makes this session's stores and linkers, owned, so that the
    /// threads of a wasi-threads program can make theirs.
    fn blueprint(&self) -> Blueprint {
        Blueprint {
            engine: self.runtime.engine.clone(),
            limits: self.limits,
            wasi: self.wasi.clone(),
            imports: self.imports.clone(),
            target: self.target,
            profile: self.profile,
            debug: None,
        }
    }
}

/// A [`Session`]'s configuration, owned (see [`Session::blueprint`]).
#[derive(Clone)]
pub(crate) struct Blueprint {
    pub(crate) engine: wasmtime::Engine,
    pub(crate) limits: Limits,
    pub(crate) wasi: Option<WasiConfig>,
    imports: Vec<HostImport>,
    target: Target,
    profile: Option<Duration>,
    /// The program's DWARF, when its engine keeps none
    /// ([`Runtime::for_sampling`]): read by the profiler and for backtraces.
    pub(crate) debug: Option<Arc<DebugSections>>,
}

impl Blueprint {
    /// A store under the limits. A spawned thread's (`shared`: the main
    /// store's captured streams) is not profiled, and has the fuel it was
    /// given at the spawn (set by the caller).
    pub(crate) fn store(
        &self,
        shared: Option<&Captured>,
        group: Option<Arc<Group>>,
    ) -> Result<Store<Host>, RunError> {
        let default = WasiConfig::default();
        let config = self.wasi.as_ref().unwrap_or(&default);
        let (wasi, captured) = wasi::context_sharing(config, shared)?;
        let memory = match &group {
            Some(group) => group.memory_limit(),
            None => MemoryLimit::new(self.limits.max_memory),
        };
        let host = Host {
            wasi,
            captured,
            memory,
            deadline: None,
            sampler: (self.profile)
                .map(|i| Arc::new(Mutex::new(Sampler::new(i, self.debug.clone())))),
            spawned: shared.is_some(),
            debug: self.debug.clone(),
            group,
        };
        let mut store = Store::new(&self.engine, host);
        store.limiter(|host| &mut host.memory);
        store
            .set_fuel(self.limits.fuel.unwrap_or(u64::MAX))
            .map_err(|e| RunError::Other(format!("{e:#}")))?;
        store.set_epoch_deadline(idle_deadline(&store));
        store.epoch_deadline_callback(on_tick);
        Ok(store)
    }

    pub(crate) fn linker(&self) -> Result<Linker<Host>, RunError> {
        let engine = &self.engine;
        let mut linker = Linker::new(engine);
        let link_error = |e: wasmtime::Error| RunError::Link(format!("{e:#}"));
        if self.wasi.is_some() {
            p1::add_to_linker_sync(&mut linker, |host: &mut Host| &mut host.wasi)
                .map_err(link_error)?;
        }
        for import in &self.imports {
            let ty = FuncType::new(
                engine,
                import.params.iter().map(|t| val_type(*t, self.target)),
                import.results.iter().map(|t| val_type(*t, self.target)),
            );
            let func = import.func.clone();
            let qualified = format!("{}.{}", import.module, import.name);
            linker
                .func_new(
                    &import.module,
                    &import.name,
                    ty,
                    move |caller, args, out| call_host(&*func, &qualified, caller, args, out),
                )
                .map_err(link_error)?;
        }
        Ok(linker)
    }
}

/// Runs a host function: converts the arguments, checks its results.
fn call_host(
    func: &HostFn,
    name: &str,
    caller: Caller<'_, Host>,
    args: &[Val],
    out: &mut [Val],
) -> wasmtime::Result<()> {
    let values: Vec<Value> = args.iter().filter_map(from_val).collect();
    let mut call = HostCall { caller };
    let results = func(&mut call, &values)
        .map_err(|m| wasmtime::Error::msg(format!("host function `{name}` failed: {m}")))?;
    let expected: Vec<Type> = out.iter().map(ir_type_of).collect();
    let found: Vec<Type> = results.iter().map(|v| value_type(*v)).collect();
    if expected != found {
        return Err(wasmtime::Error::msg(format!(
            "host function `{name}` returned {found:?}, its signature says {expected:?}"
        )));
    }
    for (slot, value) in out.iter_mut().zip(results) {
        *slot = to_val(value);
    }
    Ok(())
}

/// The type of a result slot wasmtime prepared (zeroed, of the right type).
fn ir_type_of(v: &Val) -> Type {
    from_val(v).map(value_type).unwrap_or(Type::I32)
}

/// The epoch deadline of a store outside [`enter`]: never, except in a
/// wasi-threads program, whose stores check every tick for a stop.
fn idle_deadline(store: &Store<Host>) -> u64 {
    match store.data().group {
        Some(_) => 1,
        None => NEVER,
    }
}

/// The epoch callback: stops a guest past its deadline, or whose program
/// is ending (another thread trapped or exited, or main returned), samples
/// a profiled one, and lets it continue to the next tick.
fn on_tick(context: StoreContextMut<'_, Host>) -> wasmtime::Result<UpdateDeadline> {
    if let Some(group) = &context.data().group
        && group.stopping()
    {
        return Err(threads::Stopped.into());
    }
    if let Some((at, limit)) = context.data().deadline
        && Instant::now() >= at
    {
        return Err(TimedOut(limit).into());
    }
    if let Some(sampler) = context.data().sampler.clone() {
        let trace = WasmBacktrace::capture(&context);
        lock(&sampler).record(&trace);
    }
    // Not sampling: another session's tick, or one just early.
    Ok(UpdateDeadline::Continue(1))
}

/// Runs `f` (an entry into wasm) under the timeout and the sampler, if
/// any: arms the deadline and a ticker thread (every sampling interval,
/// else from the deadline on), and disarms both when `f` returns.
pub(crate) fn enter<R>(
    store: &mut Store<Host>,
    timeout: Option<Duration>,
    f: impl FnOnce(&mut Store<Host>) -> wasmtime::Result<R>,
) -> wasmtime::Result<R> {
    let deadline = timeout.and_then(|t| Some((Instant::now().checked_add(t)?, t)));
    let host = store.data();
    let sampling = match host.spawned {
        true => None,
        false => host.sampler.as_ref().map(|s| lock(s).interval),
    };
    let (first, period) = match (deadline, sampling) {
        (_, Some(interval)) => (Instant::now() + interval, interval),
        (Some((at, _)), None) => (at, RETICK),
        (None, None) => return f(store),
    };
    store.data_mut().deadline = deadline;
    store.set_epoch_deadline(1);
    let ticker = Ticker::start(store.engine(), first, period)?;
    let result = f(store);
    drop(ticker);
    store.data_mut().deadline = None;
    store.set_epoch_deadline(idle_deadline(store));
    result
}

/// A sampler's lock. Its holders never panic while holding it, and a
/// poisoned one holds samples still worth reading.
pub(crate) fn lock(sampler: &Mutex<Sampler>) -> MutexGuard<'_, Sampler> {
    sampler
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Host {
    /// The store's sampler, when its session profiles.
    pub(crate) fn sampler(&self) -> Option<Arc<Mutex<Sampler>>> {
        self.sampler.clone()
    }
}

impl Instance {
    /// Calls an export with arguments given as text, as on a command line:
    /// each is read by [`Value::parse`] at the export's wasm parameter type.
    pub fn invoke_text(&mut self, name: &str, args: &[String]) -> Result<Vec<Value>, RunError> {
        let func = self.func(name)?;
        let params: Vec<ValType> = func.ty(&self.store).params().collect();
        check_arity(name, params.len(), args.len())?;
        let values = params
            .iter()
            .zip(args)
            .map(|(ty, text)| Value::parse(text, ir_type(ty)?, Target::Wasm64))
            .collect::<Result<Vec<_>, _>>()
            .map_err(RunError::BadArguments)?;
        self.call(func, &values)
    }

    /// Calls an exported function with typed arguments.
    pub fn invoke(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, RunError> {
        let func = self.func(name)?;
        let params: Vec<ValType> = func.ty(&self.store).params().collect();
        check_arity(name, params.len(), args.len())?;
        for (i, (ty, arg)) in params.iter().zip(args).enumerate() {
            let expected = ir_type(ty).map_err(RunError::BadArguments)?;
            if value_type(*arg) != expected {
                return Err(RunError::BadArguments(format!(
                    "argument {} of `{name}` is {expected}, found {} `{arg}`",
                    i + 1,
                    value_type(*arg)
                )));
            }
        }
        self.call(func, args)
    }

    /// Runs the WASI command entry `_start` and returns the exit status:
    /// 0 when it returns, N when it calls `proc_exit(N)`.
    ///
    /// For a wasi-threads program, the program ends there: the threads
    /// still running are stopped (README, Threads), and a trap or
    /// `proc_exit` in any thread before is the result.
    pub fn run_command(&mut self) -> Result<i32, RunError> {
        let result = self.invoke("_start", &[]);
        let result = match &self.group {
            Some(group) => group.end(result),
            None => result,
        };
        match result {
            Ok(_) => Ok(0),
            Err(RunError::Exit(code)) => Ok(code),
            Err(e) => Err(e),
        }
    }

    /// The threads of a wasi-threads program (None for another program):
    /// a handle to wait for the first trap or exit in any thread.
    pub fn threads(&self) -> Option<threads::Threads> {
        self.group.clone().map(threads::Threads::new)
    }

    /// Sets the fuel left for execution (one unit is roughly one instruction).
    pub fn set_fuel(&mut self, fuel: u64) -> anyhow::Result<()> {
        Ok(self.store.set_fuel(fuel)?)
    }

    /// The fuel left.
    pub fn fuel(&self) -> u64 {
        self.store.get_fuel().unwrap_or(0)
    }

    /// Reads an exported global (for tests, e.g. `__stack_pointer` if exported).
    pub fn global(&mut self, name: &str) -> Option<Value> {
        let global = self.instance.get_global(&mut self.store, name)?;
        from_val(&global.get(&mut self.store))
    }

    /// The samples taken so far, resolved to IR functions and lines, when
    /// the session profiles ([`Session::profile`]).
    ///
    /// For a wasi-threads program, the profile has every thread's samples
    /// ([`Sample::thread`](crate::profile::Sample::thread)), those of the
    /// threads still running included.
    pub fn profile(&self) -> Option<Profile> {
        let main = lock(self.store.data().sampler.as_ref()?);
        let spawned = (self.group.as_ref()).map_or_else(Vec::new, |g| g.samplers());
        let guards: Vec<_> = spawned.iter().map(|(tid, s)| (*tid, lock(s))).collect();
        let spawned: Vec<(u32, &Sampler)> = guards.iter().map(|(tid, g)| (*tid, &**g)).collect();
        Some(Profile::new(&main, &spawned))
    }

    /// What the guest wrote to stdout, when the session captured it.
    pub fn stdout(&self) -> Vec<u8> {
        let pipe = self.store.data().captured.stdout.as_ref();
        pipe.map(|p| p.contents().to_vec()).unwrap_or_default()
    }

    /// What the guest wrote to stderr, when the session captured it.
    pub fn stderr(&self) -> Vec<u8> {
        let pipe = self.store.data().captured.stderr.as_ref();
        pipe.map(|p| p.contents().to_vec()).unwrap_or_default()
    }

    fn func(&mut self, name: &str) -> Result<Func, RunError> {
        match self.instance.get_export(&mut self.store, name) {
            Some(Extern::Func(f)) => Ok(f),
            _ => Err(RunError::NoSuchExport(name.to_string())),
        }
    }

    fn call(&mut self, func: Func, args: &[Value]) -> Result<Vec<Value>, RunError> {
        let params: Vec<Val> = args.iter().map(|v| to_val(*v)).collect();
        let result_types: Vec<ValType> = func.ty(&self.store).results().collect();
        let mut results = vec![Val::I32(0); result_types.len()];
        let group = self.group.clone();
        let debug = self.store.data().debug.clone();
        enter(&mut self.store, self.timeout, |store| {
            // A thread that ended the program before this entry armed the
            // epoch deadline: its tick came and went.
            if let Some(group) = &group {
                group.check()?;
            }
            func.call(store, &params, &mut results)
        })
        .map_err(|e| match e.downcast_ref::<I32Exit>() {
            Some(exit) => RunError::Exit(exit.0),
            None => traps::run_error(e, debug.as_deref()),
        })
        // Stopped because another thread trapped or exited: that is the
        // result.
        .map_err(|e| match self.group.as_ref().and_then(|g| g.fatal()) {
            Some(fatal) => fatal,
            None => e,
        })?;
        results
            .iter()
            .map(|v| {
                from_val(v).ok_or_else(|| RunError::Other(format!("unsupported result {v:?}")))
            })
            .collect()
    }
}

impl HostCall<'_> {
    /// Reads `len` bytes of the guest's main memory at `addr`.
    pub fn read(&mut self, addr: u64, len: u64) -> Result<Vec<u8>, String> {
        let memory = self.memory()?;
        let start = self.checked_range(memory, addr, len)?;
        let mut bytes = vec![0; len as usize];
        memory
            .read(&self.caller, start, &mut bytes)
            .map_err(|e| e.to_string())?;
        Ok(bytes)
    }

    /// Writes bytes into the guest's main memory at `addr`.
    pub fn write(&mut self, addr: u64, bytes: &[u8]) -> Result<(), String> {
        let memory = self.memory()?;
        let start = self.checked_range(memory, addr, bytes.len() as u64)?;
        memory
            .write(&mut self.caller, start, bytes)
            .map_err(|e| e.to_string())
    }

    /// The main memory: `memory64` where the wasm64 WASI adapter exports
    /// its 32-bit scratch memory as `memory`, else `memory`.
    fn memory(&mut self) -> Result<Memory, String> {
        for name in ["memory64", "memory"] {
            if let Some(Extern::Memory(m)) = self.caller.get_export(name) {
                return Ok(m);
            }
        }
        Err("the guest exports no memory".into())
    }

    /// `addr` as an index, when `addr..addr + len` lies inside the memory
    /// (checked before allocating `len` bytes for a read).
    fn checked_range(&self, memory: Memory, addr: u64, len: u64) -> Result<usize, String> {
        let size = memory.data_size(&self.caller) as u64;
        match addr.checked_add(len) {
            Some(end) if end <= size => Ok(addr as usize),
            _ => Err(format!(
                "{len} bytes at {addr:#x} are outside the guest's memory ({size} bytes)"
            )),
        }
    }
}
