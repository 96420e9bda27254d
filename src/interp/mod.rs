//! The reference interpreter: the oracle compiled wasm is compared against.
//!
//! It follows WebAssembly semantics for the code the lowering produces, with
//! the same memory map ([`Layout`]), the same function table and the same
//! shadow stack, so that pointers, traps and memory contents agree.
//!
//! Speed matters (differential tests run millions of instructions), so each
//! function is first translated to a flat array of instructions over a register
//! file of raw `u64` bits: values, block parameters and variables become
//! register indices, `ptr` is resolved to i32 or i64, addresses of data,
//! functions and slots become constants or offsets, and branches become
//! instruction indices. Calls keep an explicit frame stack, so deep guest
//! recursion cannot overflow the host stack.
//!
//! A threads program (one that imports `wasi`.`thread-spawn`, docs/ir.md
//! "Threads in the reference interpreter") runs its threads one at a time,
//! interleaved deterministically ([`ThreadOptions`]).
//!
//! This file is the API and the main loop; `translate.rs` makes the flat
//! code, `machine.rs` holds the state and executes one instruction,
//! `atomic.rs` does atomic accesses, `threads.rs` spawns, blocks and
//! schedules threads, and `numeric.rs` is WebAssembly's arithmetic on raw
//! bits.

use crate::diag::{Diagnostic, Span};
use crate::ir::*;
use crate::memory::{Frame, Layout, MAX_PAGES, PAGE_SIZE};
use crate::value::{TrapKind, Value, lower_type};
use crate::verify;
use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

mod atomic;
pub(crate) mod fold;
mod machine;
mod memories;
mod numeric;
mod threads;
mod translate;

use atomic::AtomicArgs;
use machine::*;
use numeric::*;
use threads::Threads;
pub use threads::{MAX_THREADS, SPAWN_ERROR, ThreadOptions};
use translate::*;

/// Nested frames beyond this trap with `CallStackExhausted`.
const MAX_FRAMES: usize = 100_000;
/// With a timeout, the clock is read once per this many instructions.
const CLOCK_EVERY: u64 = 1 << 16;

/// Why a call did not return normally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterpError {
    Trap(Trap),
    NoSuchFunction(String),
    /// The arguments do not match the signature, or a host function's results do not.
    BadArguments(String),
    /// The guest called an import that has no host function.
    UnresolvedImport {
        module: String,
        name: String,
    },
    /// The call ran longer than [`Interpreter::set_timeout`] allows; the
    /// backtrace is where it was stopped, innermost first.
    Timeout {
        limit: Duration,
        backtrace: Vec<String>,
    },
}

impl fmt::Display for InterpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterpError::Trap(trap) => write!(f, "{trap}"),
            InterpError::NoSuchFunction(name) => write!(f, "no function `@{name}`"),
            InterpError::BadArguments(message) => f.write_str(message),
            InterpError::UnresolvedImport { module, name } => {
                write!(f, "no host function for import \"{module}\" \"{name}\"")
            }
            InterpError::Timeout { limit, backtrace } => {
                write!(f, "the guest exceeded its timeout ({limit:?})")?;
                for name in backtrace {
                    write!(f, "\n    at @{name}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for InterpError {}

/// A trap and where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    pub kind: TrapKind,
    /// Function names, innermost first.
    pub backtrace: Vec<String>,
    /// The thread it happened in: 0 for the main one, else the id
    /// `thread-spawn` gave it.
    pub thread: u32,
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if self.thread != 0 {
            write!(f, " (in thread {})", self.thread)?;
        }
        for name in &self.backtrace {
            write!(f, "\n    at @{name}")?;
        }
        Ok(())
    }
}

/// A host function implementing an import: arguments in, results or a trap out.
pub type HostFn<'m> = Box<dyn FnMut(&[Value]) -> Result<Vec<Value>, TrapKind> + 'm>;

/// Runs the functions of one module over one memory, like an instance.
pub struct Interpreter<'m> {
    module: &'m Module,
    layout: Layout,
    program: Program,
    machine: Machine,
    hosts: Vec<HostFn<'m>>,
    /// The host function of each import, by `FuncId`.
    host_of: Vec<Option<usize>>,
}

impl<'m> Interpreter<'m> {
    /// Lays out memory and initialises data and globals as the compiled module would.
    ///
    /// The module is verified first (the first error is returned), so that
    /// execution can rely on well-formed IR.
    pub fn new(module: &'m Module, target: Target) -> Result<Interpreter<'m>, Diagnostic> {
        if let Err(errors) = verify::verify_module(module) {
            let first = errors.into_iter().next();
            let first = first.unwrap_or_else(|| Diagnostic::new("invalid module", Span::NONE));
            return Err(first.with_file(module.source.as_ref()));
        }
        let layout =
            Layout::new(module, target).map_err(|d| d.with_file(module.source.as_ref()))?;
        if layout.min_pages > MAX_PAGES {
            let message = format!(
                "the module needs {} pages of memory, more than the maximum {MAX_PAGES}",
                layout.min_pages
            );
            return Err(Diagnostic::new(message, Span::NONE));
        }
        let program = Program::new(module, &layout);
        let mut machine = Machine::new(module, &layout);
        machine.threads = Threads::for_module(module, target, &machine.globals).map(Box::new);
        Ok(Interpreter {
            module,
            layout,
            program,
            machine,
            hosts: Vec::new(),
            host_of: vec![None; module.funcs.len()],
        })
    }

    /// Registers a host function for an import (`extern fn`), by import module and name.
    pub fn define_host(&mut self, module: &str, name: &str, f: HostFn<'m>) {
        let index = self.hosts.len();
        self.hosts.push(f);
        for (id, func) in self.module.funcs.iter().enumerate() {
            if let Linkage::Import { module: m, name: n } = &func.linkage
                && m == module
                && n == name
            {
                self.host_of[id] = Some(index);
            }
        }
    }

    /// How the threads of a threads program (a module that imports
    /// `wasi`.`thread-spawn`) are interleaved; nothing changes for another
    /// module. The interpreter implements that import itself: a host
    /// function [`Interpreter::define_host`] gives for it is never called.
    pub fn set_threads(&mut self, options: ThreadOptions) {
        if let Some(threads) = &mut self.machine.threads {
            threads.set_options(options);
        }
    }

    /// Calls a function by name (any function: public or private), with or
    /// without its `@`.
    pub fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, InterpError> {
        let name = name.strip_prefix('@').unwrap_or(name);
        let Some(&func) = self.program.names.get(name) else {
            return Err(InterpError::NoSuchFunction(name.to_string()));
        };
        let info = &self.program.funcs[func as usize];
        let bits = check_values(&info.params, args)
            .map_err(|found| bad_signature(name, "takes", &info.params, &found))?;
        self.machine.frames.clear();
        self.machine.regs.clear();
        self.machine.start_clock();
        let outcome = self.run(func, &bits);
        let results = outcome.map_err(|stop| {
            let error = self.stop_error(stop);
            self.machine.back_to_main();
            self.machine.frames.clear();
            self.machine.regs.clear();
            error
        })?;
        self.machine.back_to_main();
        let info = &self.program.funcs[func as usize];
        Ok(results
            .iter()
            .zip(&info.results)
            .map(|(&b, &ty)| to_value(b, ty))
            .collect())
    }

    pub fn memory(&self) -> &[u8] {
        &self.machine.memory
    }

    /// Limits the number of executed instructions (fuel); None = unlimited.
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.machine.fuel = fuel.unwrap_or(u64::MAX);
        self.machine.reserve = 0;
        self.machine.fuel_limited = fuel.is_some();
    }

    /// The fuel left, when limited.
    pub fn fuel(&self) -> Option<u64> {
        let m = &self.machine;
        m.fuel_limited.then_some(m.fuel + m.reserve)
    }

    /// Limits the wall-clock time of each [`Interpreter::call`]; None =
    /// unlimited. A call that runs longer stops with
    /// [`InterpError::Timeout`] (the clock is read every 65,536
    /// instructions, so it stops within a fraction of a millisecond).
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.machine.timeout = timeout;
    }

    /// The memory map the interpreter follows.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The hidden shadow-stack pointer.
    pub fn stack_pointer(&self) -> u64 {
        self.machine.sp
    }

    /// The current value of a global, by name (with or without its `@`).
    pub fn global(&self, name: &str) -> Option<Value> {
        let name = name.strip_prefix('@').unwrap_or(name);
        let index = self.module.globals.iter().position(|g| g.name == name)?;
        let ty = lower_type(self.module.globals[index].ty, self.layout.target);
        Some(to_value(self.machine.globals[index], ty))
    }

    /// Runs `func` to completion: on the main thread, and, in a threads
    /// program, every thread's slices in turn.
    fn run(&mut self, func: u32, args: &[u64]) -> Result<Vec<u64>, Stop> {
        let Interpreter {
            program: prog,
            machine: m,
            hosts,
            host_of,
            ..
        } = self;
        let hosts = &mut Hosts { hosts, host_of };
        if prog.funcs[func as usize].body.is_none() {
            if m.threads.as_ref().is_some_and(|t| t.is_spawn(func)) {
                return Ok(vec![m.spawn(args.first().copied().unwrap_or(0))]);
            }
            return m.call_host(hosts, prog, func, HostArgs::Bits(args));
        }
        let mut at = m.enter(prog, func)?;
        for (&param, &arg) in at.code.params.iter().zip(args) {
            m.set(at.base, param, arg);
        }
        loop {
            match execute(m, prog, hosts, at) {
                Err(Stop::Switch(pc)) => at = m.switch(prog, pc)?,
                done => return done,
            }
        }
    }

    /// Turns an abnormal stop into the caller-facing error, with a backtrace.
    fn stop_error(&self, stop: Stop) -> InterpError {
        let name = |f: u32| self.module.funcs[f as usize].name.clone();
        let frames = || self.machine.frames.iter().rev().map(|fr| name(fr.func));
        let thread = self.machine.threads.as_ref().map_or(0, |t| t.current());
        match stop {
            Stop::Trap(kind) => InterpError::Trap(Trap {
                kind,
                backtrace: frames().collect(),
                thread,
            }),
            Stop::Timeout => InterpError::Timeout {
                limit: self.machine.timeout.unwrap_or_default(),
                backtrace: frames().collect(),
            },
            Stop::HostTrap(kind, host) => InterpError::Trap(Trap {
                kind,
                backtrace: std::iter::once(name(host)).chain(frames()).collect(),
                thread,
            }),
            // Handled by `run`: never an error.
            Stop::Switch(_) => InterpError::Trap(Trap {
                kind: TrapKind::Unreachable,
                backtrace: frames().collect(),
                thread,
            }),
            Stop::Unresolved(f) => match &self.module.funcs[f as usize].linkage {
                Linkage::Import { module, name } => InterpError::UnresolvedImport {
                    module: module.clone(),
                    name: name.clone(),
                },
                _ => InterpError::NoSuchFunction(name(f)),
            },
            Stop::BadHost(f, found) => {
                let expected = &self.program.funcs[f as usize].results;
                bad_signature(&name(f), "returns", expected, &found)
            }
        }
    }
}

/// The interpreter's main loop: runs the current thread from `at` until
/// the outermost function returns, or it must give way to another thread
/// ([`Stop::Switch`]). Control flow and calls are handled here; everything
/// else is [`Machine::exec`]. Its shape is what keeps it fast: the cold
/// paths only return, so that the cursor stays in registers.
fn execute<'p>(
    m: &mut Machine,
    prog: &'p Program,
    hosts: &mut Hosts<'_, '_>,
    mut at: Cursor<'p>,
) -> Result<Vec<u64>, Stop> {
    loop {
        if m.fuel == 0
            && let Err(stop) = m.refuel()
        {
            return Err(stop.at(at.pc));
        }
        m.fuel -= 1;
        // Every block ends with a terminator, so `pc` stays in range;
        // were it not, this stops with a trap rather than a panic.
        let Some(ins) = at.code.instrs.get(at.pc) else {
            return Err(Stop::Trap(TrapKind::Unreachable));
        };
        match ins {
            Instr::Jump(_) | Instr::BrIf { .. } | Instr::Switch { .. } | Instr::Cases { .. } => {
                at.pc = m.branch(ins, at.base)
            }
            Instr::Return(values) => match m.return_from(prog, values, at.base) {
                Some(caller) => at = caller,
                None => return m.outermost_return(),
            },
            Instr::Call { .. } | Instr::CallIndirect { .. } => {
                at = m.call(prog, hosts, ins, at)?;
            }
            Instr::Unreachable => return Err(Stop::Trap(TrapKind::Unreachable)),
            _ => {
                m.exec(ins, at.base)?;
                at.pc += 1;
            }
        }
    }
}

/// An abnormal end of execution, before the backtrace is attached.
#[derive(Debug)]
enum Stop {
    Trap(TrapKind),
    /// The deadline of [`Interpreter::set_timeout`] passed.
    Timeout,
    /// A host function trapped; the `u32` is the import's `FuncId`.
    HostTrap(TrapKind, u32),
    Unresolved(u32),
    /// A host function returned values of these types, not the import's.
    BadHost(u32, Vec<Type>),
    /// The running thread must give way to another (`threads.rs`); it
    /// stopped at this pc.
    Switch(usize),
}

impl Stop {
    /// A switch of a thread stopped at `pc`.
    fn at(self, pc: usize) -> Stop {
        match self {
            Stop::Switch(_) => Stop::Switch(pc),
            other => other,
        }
    }
}

impl From<TrapKind> for Stop {
    fn from(kind: TrapKind) -> Stop {
        Stop::Trap(kind)
    }
}

/// The bits of each value, or the types found when they do not match `types`.
fn check_values(types: &[Type], values: &[Value]) -> Result<Vec<u64>, Vec<Type>> {
    let found: Vec<(u64, Type)> = values.iter().map(|&v| from_value(v)).collect();
    let matches = found.len() == types.len() && found.iter().zip(types).all(|(f, t)| f.1 == *t);
    if matches {
        Ok(found.into_iter().map(|(bits, _)| bits).collect())
    } else {
        Err(found.into_iter().map(|(_, ty)| ty).collect())
    }
}

fn bad_signature(name: &str, verb: &str, expected: &[Type], found: &[Type]) -> InterpError {
    let list = |types: &[Type]| {
        let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
        format!("({})", names.join(", "))
    };
    InterpError::BadArguments(format!(
        "`@{name}` {verb} {}, found {}",
        list(expected),
        list(found)
    ))
}

fn to_value(bits: u64, ty: Type) -> Value {
    match ty {
        Type::I32 => Value::I32(bits as u32 as i32),
        Type::I64 => Value::I64(bits as i64),
        Type::F32 => Value::F32(bits as u32),
        Type::F64 | Type::Ptr => Value::F64(bits),
    }
}

fn from_value(value: Value) -> (u64, Type) {
    match value {
        Value::I32(v) => (v as u32 as u64, Type::I32),
        Value::I64(v) => (v as u64, Type::I64),
        Value::F32(v) => (v as u64, Type::F32),
        Value::F64(v) => (v, Type::F64),
    }
}

#[cfg(test)]
mod tests;
