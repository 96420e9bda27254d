//! `vitte-wat run`: a WASI command or one export, in a sandbox.

use super::commands::print_results;
use super::io::{Input, Kind, kind_of};
use super::profile::{self, ProfileFormat};
use super::{Failure, TargetArg};
use clap::Args;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::emit;
use vitte_codegen_wasm64::ir::Target;
use vitte_codegen_wasm64::value::TrapKind;
use vitte_codegen_wasm64::{Error, WasmBackend};
use vitte_runtime::threads;
use vitte_runtime::wasi::{Stdin, Stdout};
use vitte_runtime::{
    Cache, CacheOutcome, Instance, Limits, Preopen, Profile, Program, RunError, Runtime,
    WasiConfig, is_precompiled,
};

/// Exit status when the guest runs out of `--fuel`.
pub const EXIT_FUEL: u8 = 3;
/// Exit status when the guest exceeds `--timeout`.
pub const EXIT_TIMEOUT: u8 = 4;

#[derive(Args, Clone)]
pub struct RunArgs {
    /// A .vir, .wat, .wasm or .cwasm file, or `-` for stdin.
    pub file: PathBuf,
    /// Call this export with ARGS and print its results, instead of running
    /// the WASI command `_start`.
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,
    /// With --invoke, the export's arguments, read with its parameter types;
    /// else the program's arguments (argv[1..]). Put them after `--` when
    /// one starts with `-` and is not a number.
    #[arg(allow_negative_numbers = true)]
    pub args: Vec<String>,
    /// The target a .vir file is compiled for.
    #[arg(long, value_enum, default_value = "wasm64")]
    pub target: TargetArg,
    #[command(flatten)]
    pub opt: super::OptArgs,
    /// Stop the guest after N units of fuel (about one per wasm
    /// instruction): exit status 3.
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,
    /// Stop the run after this much wall-clock time from its start,
    /// compilation included, whatever the guest does (`500ms`, `2s`, `1.5m`;
    /// a bare number is seconds): exit status 4.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Cap the guest's linear memory and tables, all together, a table
    /// element counting 8 bytes (`1048576`, `64KiB`, `16MiB`, `1GiB`, or
    /// `unlimited`): `memory.grow` or `table.grow` past it returns -1.
    #[arg(long, value_name = "BYTES", value_parser = parse_max_memory, default_value = "4GiB")]
    pub max_memory: MaxMemory,
    /// The most threads a wasi-threads program may run besides its main
    /// one: past it, `thread-spawn` returns an error (README, Threads).
    #[arg(long, value_name = "N", default_value_t = threads::DEFAULT_MAX_THREADS)]
    pub max_threads: u32,
    /// Let the guest use a host directory, seen as GUEST (HOST as written
    /// when `::GUEST` is left out); the first is fd 3. Repeatable. No other
    /// path of the host is reachable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]", value_parser = Preopen::parse)]
    pub dirs: Vec<Preopen>,
    /// Give the guest an environment variable: NAME=VALUE, or NAME for the
    /// host's value. Repeatable. Nothing else of the environment is passed.
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    pub env: Vec<String>,
    /// Use the compile cache (the default): $VITTE_CACHE_DIR, else
    /// $XDG_CACHE_HOME/vitte-wat, else ~/.cache/vitte-wat.
    #[arg(long, overrides_with = "no_cache")]
    pub cache: bool,
    /// Compile every time; do not read or write the cache.
    #[arg(long, overrides_with = "cache")]
    pub no_cache: bool,
    /// Sample the guest while it runs and write its profile, by IR function
    /// and line, to OUT: .folded/.txt (folded stacks), .json (Firefox
    /// profiler), .svg (flame graph), .html (flame graph and tables).
    #[arg(long, value_name = "OUT")]
    pub profile: Option<PathBuf>,
    /// The format of --profile's file, whatever its extension.
    #[arg(long, value_enum, value_name = "FORMAT", requires = "profile")]
    pub profile_format: Option<ProfileFormat>,
    /// Write Linux perf's JIT map, /tmp/perf-PID.map, so that `perf record`
    /// and `perf report` name the guest's functions (README, Profiling).
    #[arg(long, conflicts_with = "jitdump")]
    pub perf_map: bool,
    /// Write Linux perf's jitdump, ./jit-PID.dump (the guest's functions with
    /// their machine code), for `perf record -k 1` then `perf inject --jit`
    /// (README, Profiling).
    #[arg(long)]
    pub jitdump: bool,
    /// Time between two samples of the profile (`1ms`, `100us`).
    #[arg(long, value_name = "DURATION", value_parser = profile::parse_interval, default_value = "1ms")]
    pub profile_interval: Duration,
}

/// `--max-memory`: bytes, or `unlimited` (`None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxMemory(pub Option<u64>);

/// How long after the deadline the watchdog waits before it ends the
/// process: time for the epoch check to stop a guest that is running wasm
/// code, which reports where it was (a backtrace).
const WATCHDOG_GRACE: Duration = Duration::from_millis(500);

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let sampling = args.profile.is_some().then_some(args.profile_interval);
    execute(&args, sampling, |_| ())
}

/// `vitte-wat profile`: the run, sampled, then the report on stderr (stdout
/// stays the program's).
pub fn profile(args: RunArgs) -> Result<(), Failure> {
    execute(&args, Some(args.profile_interval), |profile| {
        eprint!("{}", profile::report(profile));
    })
}

/// Runs the program; when `sampling`, writes `--profile`'s file and hands
/// the profile to `report`, whatever the guest did once instantiated.
fn execute(
    args: &RunArgs,
    sampling: Option<Duration>,
    report: impl FnOnce(&Profile),
) -> Result<(), Failure> {
    // The deadline holds for the whole run, from here: compilation, a guest
    // blocked in a host call (a WASI sleep, a read of stdin) included.
    let start = Instant::now();
    let _watchdog = match args.timeout {
        Some(limit) => Some(Watchdog::start(limit, start + limit + WATCHDOG_GRACE)?),
        None => None,
    };
    // Refuse an unknown extension before running, not after.
    let format = match &args.profile {
        Some(out) => Some(profile::format_of(out, args.profile_format)?),
        None => None,
    };
    let input = Input::read(&args.file)?;
    let runtime = runtime(args, sampling.is_some() && !precompiled(args, &input))?;
    let wasi = wasi_config(args, &input)?;
    let program = load(&runtime, args, &input)?;
    let limits = Limits {
        fuel: args.fuel,
        timeout: args.timeout,
        max_memory: args.max_memory.0,
    };
    // wasm code gets what is left of the time, checked by epochs.
    let left = Limits {
        timeout: args.timeout.map(|t| t.saturating_sub(start.elapsed())),
        ..limits
    };
    let mut session = runtime
        .session()
        .limits(left)
        .wasi(wasi)
        .max_threads(args.max_threads);
    if let Some(interval) = sampling {
        session = session.profile(interval);
    }
    let mut instance = session
        .instantiate(&program)
        .map_err(|e| failure(e, &limits))?;
    let (outcome, instance) = match instance.threads() {
        Some(threads) => threaded(instance, threads, args, &limits)?,
        None => (guest(&mut instance, args, &limits), Some(instance)),
    };
    if let Some(profile) = instance.as_ref().and_then(Instance::profile) {
        if let (Some(out), Some(format)) = (&args.profile, format) {
            profile::write(&profile, out, format, &input.name)?;
        }
        report(&profile);
    }
    outcome
}

/// Calls `--invoke`'s export and prints its results, or runs `_start`.
fn guest(instance: &mut Instance, args: &RunArgs, limits: &Limits) -> Result<(), Failure> {
    let fail = |e| failure(e, limits);
    match &args.invoke {
        Some(name) => {
            let results = instance.invoke_text(name, &args.args).map_err(fail)?;
            print_results(&results);
            Ok(())
        }
        None => match instance.run_command().map_err(fail)? {
            0 => Ok(()),
            code => Err(Failure::Status(status_byte(code), String::new())),
        },
    }
}

/// Runs a wasi-threads program: the guest on a thread of its own, so that
/// a trap or exit in a spawned thread ends the run even when the main one
/// is blocked for good (in `memory.atomic.wait`); the instance comes back
/// when the main thread finished first. Threads still blocked then die
/// with the process.
fn threaded(
    mut instance: Instance,
    threads: vitte_runtime::Threads,
    args: &RunArgs,
    limits: &Limits,
) -> Result<(Result<(), Failure>, Option<Instance>), Failure> {
    enum Ended {
        Main(Result<(), Failure>, Box<Instance>),
        Thread(vitte_runtime::RunError),
    }
    let (send, ended) = std::sync::mpsc::channel();
    let main = send.clone();
    let (args, limits) = (args.clone(), *limits);
    std::thread::Builder::new()
        .name("vitte-wasi-main".into())
        .stack_size(GUEST_STACK)
        .spawn(move || {
            let outcome = guest(&mut instance, &args, &limits);
            let _ = main.send(Ended::Main(outcome, Box::new(instance)));
        })
        .map_err(|e| Failure::error(format!("cannot start the guest's thread: {e}")))?;
    std::thread::Builder::new()
        .name("vitte-wasi-reaper".into())
        .spawn(move || {
            if let Some(fatal) = threads.wait() {
                let _ = send.send(Ended::Thread(fatal));
            }
        })
        .map_err(|e| Failure::error(format!("cannot start the guest's thread: {e}")))?;
    match ended.recv() {
        Ok(Ended::Main(outcome, instance)) => Ok((outcome, Some(*instance))),
        Ok(Ended::Thread(RunError::Exit(0))) => Ok((Ok(()), None)),
        Ok(Ended::Thread(fatal)) => Ok((Err(failure(fatal, &limits)), None)),
        Err(_) => Err(Failure::error("the guest's thread ended without a result")),
    }
}

/// The native stack of the thread that runs a wasi-threads program's main
/// thread: the wasm stack (1 MiB) and the host's frames around it.
const GUEST_STACK: usize = 8 << 20;

/// Ends the process with the timeout's status once the deadline has
/// passed, unless dropped first (the run returned). It stops what the
/// epoch check cannot: a guest blocked in a host call, or a compilation.
struct Watchdog {
    /// Set when the run has returned; the watchdog holds it while it ends
    /// the process, so the two never both report.
    done: Arc<Mutex<bool>>,
}

impl Watchdog {
    fn start(limit: Duration, at: Instant) -> Result<Watchdog, Failure> {
        let done = Arc::new(Mutex::new(false));
        let flag = done.clone();
        std::thread::Builder::new()
            .name("vitte-watchdog".into())
            .spawn(move || {
                loop {
                    let now = Instant::now();
                    if now >= at {
                        break;
                    }
                    std::thread::sleep(at - now);
                }
                let done = flag.lock().unwrap_or_else(|e| e.into_inner());
                if *done {
                    return;
                }
                let message =
                    format!("error: the guest exceeded its timeout (--timeout {limit:?})\n");
                // Straight to fd 2 and out, without the locks of Rust's
                // stderr or exit handlers, which the blocked thread may hold.
                // SAFETY: write reads `message.len()` bytes of a live
                // buffer; _exit has no preconditions.
                unsafe {
                    libc::write(2, message.as_ptr().cast(), message.len());
                    libc::_exit(i32::from(EXIT_TIMEOUT));
                }
            })
            .map_err(|e| Failure::error(format!("cannot start the timeout watchdog: {e}")))?;
        Ok(Watchdog { done })
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        *self.done.lock().unwrap_or_else(|e| e.into_inner()) = true;
    }
}

/// The compiled program: a `.cwasm` is loaded (after its checks), anything
/// else is compiled, through the cache unless `--no-cache`.
/// The runtime: with `--perf-map`'s or `--jitdump`'s agent, and made for
/// sampling when `sampled` (an engine that keeps no DWARF, so that a sample
/// is a bare stack walk: [`Runtime::for_sampling`]).
fn runtime(args: &RunArgs, sampled: bool) -> Result<Runtime, Failure> {
    let runtime = if sampled && !args.perf_map && !args.jitdump {
        Runtime::new_sampling()
    } else if args.perf_map {
        Runtime::with_perf_map()
    } else if args.jitdump {
        Runtime::with_jitdump()
    } else {
        Runtime::new()
    };
    match sampled {
        true => runtime.and_then(Runtime::for_sampling),
        false => runtime,
    }
    .map_err(|e| Failure::error(format!("cannot start wasmtime: {e}")))
}

/// Whether the input is a `.cwasm` (compiled for [`Runtime::new`]'s
/// engine: a profiled run of it samples on that engine).
fn precompiled(args: &RunArgs, input: &Input) -> bool {
    is_precompiled(&input.bytes) || args.file.extension().is_some_and(|e| e == "cwasm")
}

fn load(runtime: &Runtime, args: &RunArgs, input: &Input) -> Result<Program, Failure> {
    let located = |e: RunError| Failure::error(format!("{}: {e}", input.name));
    if precompiled(args, input) {
        return runtime.load_precompiled(&input.bytes).map_err(located);
    }
    if input.bytes.starts_with(b"\x7fELF") {
        return Err(Failure::error(format!(
            "{}: a raw wasmtime artifact; `run` only loads .cwasm files written by `vitte-wat compile`",
            input.name
        )));
    }
    // A .vir gets DWARF, which wasmtime reads for backtraces and profiles.
    let wasm = wasm_of(&args.file, input, args.target.into(), true, &args.opt)?;
    match cache(args) {
        Some(cache) => runtime.compile_cached(&wasm, &cache).map(|(p, outcome)| {
            if let CacheOutcome::Refused(reason) = outcome {
                eprintln!("warning: compile cache off: {reason}");
            }
            p
        }),
        None => runtime.compile(&wasm),
    }
    .map_err(located)
}

/// The cache, unless `--no-cache`, or a `--dir` gives the guest the cache
/// directory (contains it or lies inside it): the guest could then read its
/// key and plant code that a later run would execute outside the sandbox.
fn cache(args: &RunArgs) -> Option<Cache> {
    if args.no_cache {
        return None;
    }
    let cache = Cache::new(Cache::default_dir()?);
    if let Some(dir) = args.dirs.iter().find(|d| cache.reachable_from(&d.host)) {
        eprintln!(
            "warning: compile cache off for this run: --dir {} gives the guest the cache directory {}",
            dir.host.display(),
            cache.dir().display()
        );
        return None;
    }
    Some(cache)
}

/// A validated binary from a `.vir`, `.wat` or `.wasm` input; a `.vir`
/// with DWARF (`build -g`'s) when `debug_info`.
pub(super) fn wasm_of(
    path: &Path,
    input: &Input,
    target: Target,
    debug_info: bool,
    opt: &super::OptArgs,
) -> Result<Vec<u8>, Failure> {
    let options = opt.options()?;
    match kind_of(path, input) {
        // What the runtime runs: the backend's features and threads
        // (wasi-threads programs).
        Kind::Wasm => {
            threads::validate(&input.bytes)
                .map_err(|e| Failure::error(format!("{}: {e}", input.name)))?;
            Ok(input.bytes.clone())
        }
        Kind::Wat => {
            let wasm = emit::assemble(input.text("WAT")?, &input.name)
                .map_err(|e| Failure::error(e.to_string()))?;
            threads::validate(&wasm).map_err(|e| Failure::error(format!("{}: {e}", input.name)))?;
            Ok(wasm)
        }
        Kind::Vir => {
            let text = input.text("Vitte IR")?;
            let file = SourceFile::new(input.name.clone(), text);
            let compile = |debug_info| {
                WasmBackend::with_options(options)
                    .with_debug_info(debug_info)
                    .compile_source(&file, target)
            };
            match compile(debug_info) {
                Ok(compiled) => Ok(compiled.wasm),
                // Positions are a help, not a condition of running: should
                // the DWARF fail (origins that do not fit a body, a bug),
                // the program still runs, with names and offsets.
                Err(Error::Dwarf(e)) => {
                    eprintln!("warning: {}: backtraces without positions: {e}", input.name);
                    compile(false).map(|c| c.wasm)
                }
                Err(e) => Err(e),
            }
            .map_err(|e| Failure::error(e.to_string()))
        }
    }
}

/// What the guest sees of the host: the standard streams, its arguments,
/// and only the directories and variables granted on the command line.
fn wasi_config(args: &RunArgs, input: &Input) -> Result<WasiConfig, Failure> {
    let mut argv = vec![input.name.clone()];
    if args.invoke.is_none() {
        argv.extend(args.args.iter().cloned());
    }
    let env = args
        .env
        .iter()
        .map(|spec| env_var(spec))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(WasiConfig {
        args: argv,
        env,
        preopens: args.dirs.clone(),
        // A program read from stdin leaves nothing there for the guest.
        stdin: if args.file == Path::new("-") {
            Stdin::Closed
        } else {
            Stdin::Inherit
        },
        stdout: Stdout::Inherit,
        stderr: Stdout::Inherit,
    })
}

/// `NAME=VALUE`, or `NAME` for the host's value of NAME. A name is not
/// empty and has no `=` (the first one ends it) or NUL; a value has no NUL.
fn env_var(spec: &str) -> Result<(String, String), Failure> {
    let refuse = |why: &str| Err(Failure::error(format!("--env {spec}: {why}")));
    if spec.is_empty() || spec.starts_with('=') {
        return refuse("empty variable name (use NAME=VALUE)");
    }
    if spec.contains('\0') {
        return refuse("NUL byte in the variable");
    }
    if let Some((name, value)) = spec.split_once('=') {
        return Ok((name.to_string(), value.to_string()));
    }
    match std::env::var(spec) {
        Ok(value) => Ok((spec.to_string(), value)),
        Err(_) => Err(Failure::error(format!(
            "--env {spec}: no such variable in the environment (use NAME=VALUE)"
        ))),
    }
}

/// The failure for a run error; fuel and timeout get their own statuses.
fn failure(e: RunError, limits: &Limits) -> Failure {
    match e {
        RunError::Trap {
            kind: TrapKind::Interrupted,
            message,
        } if limits.fuel.is_some() => Failure::Status(
            EXIT_FUEL,
            format!(
                "error: the guest exceeded its fuel (--fuel {})\n{}",
                limits.fuel.unwrap_or_default(),
                backtrace_of(&message)
            ),
        ),
        RunError::Trap { kind, message } => {
            Failure::Trap(format!("trap: {kind}\n{}", backtrace_of(&message)))
        }
        RunError::GuestFault { reason, message } => {
            Failure::Trap(format!("trap: {reason}\n{}", backtrace_of(&message)))
        }
        // The limit as given: the session had what was left of it.
        RunError::Timeout { limit, message } => Failure::Status(
            EXIT_TIMEOUT,
            format!(
                "error: the guest exceeded its timeout (--timeout {:?})\n{}",
                limits.timeout.unwrap_or(limit),
                backtrace_of(&message)
            ),
        ),
        RunError::Exit(code) => Failure::Status(status_byte(code), String::new()),
        other => Failure::error(other.to_string()),
    }
}

/// wasmtime-wasi only lets a guest exit with 0..126, so this never clamps
/// in practice; it keeps a bad status from wrapping to 0 (success).
fn status_byte(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(1).max(u8::from(code != 0))
}

/// The trap text without its first line (which repeats the reason).
fn backtrace_of(message: &str) -> String {
    message.lines().skip(1).collect::<Vec<_>>().join("\n")
}

/// `500ms`, `2s`, `1.5m`, `1h`, `100us`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "" | "s" => 1.0,
        "ms" => 1e-3,
        "us" => 1e-6,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("unknown unit `{unit}` (use ms, s, m or h)")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration `{text}`"))?;
    Duration::try_from_secs_f64(value * scale).map_err(|_| format!("invalid duration `{text}`"))
}

/// `--max-memory`: a size, or `unlimited`.
pub fn parse_max_memory(text: &str) -> Result<MaxMemory, String> {
    match text {
        "unlimited" => Ok(MaxMemory(None)),
        _ => parse_bytes(text).map(|n| MaxMemory(Some(n))),
    }
}

/// `65536`, `64K`/`64KiB`, `16M`/`16MiB`, `1G`/`1GiB` (powers of 1024).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale: u64 = match unit {
        "" | "B" => 1,
        "K" | "KiB" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        _ => return Err(format!("unknown unit `{unit}` (use KiB, MiB or GiB)")),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| format!("invalid size `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5m"), Ok(Duration::from_secs(90)));
        for bad in ["", "s", "1x", "-1s", "1e999", "1.2.3s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("65536"), Ok(65536));
        assert_eq!(parse_bytes("64KiB"), Ok(65536));
        assert_eq!(parse_bytes("2M"), Ok(2 << 20));
        assert_eq!(parse_bytes("1GiB"), Ok(1 << 30));
        assert_eq!(parse_max_memory("4GiB"), Ok(MaxMemory(Some(4 << 30))));
        assert_eq!(parse_max_memory("unlimited"), Ok(MaxMemory(None)));
        assert!(parse_max_memory("none").is_err());
        for bad in [
            "",
            "MiB",
            "1TB",
            "-1",
            "99999999999999999999",
            "18446744073709551615G",
        ] {
            assert!(parse_bytes(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn statuses_never_wrap_to_success() {
        assert_eq!(status_byte(3), 3);
        assert_eq!(status_byte(256), 1);
        assert_eq!(status_byte(-1), 1);
    }
}
