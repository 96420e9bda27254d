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

use crate::diag::{Diagnostic, Span};
use crate::ir::*;
use crate::memory::{Frame, Layout, MAX_PAGES, PAGE_SIZE};
use crate::value::{TrapKind, Value, lower_type};
use crate::verify;
use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

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
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
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
        let machine = Machine::new(module, &layout);
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
            self.machine.frames.clear();
            self.machine.regs.clear();
            error
        })?;
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

    /// Runs `func` to completion: the interpreter's main loop. Control flow
    /// and calls are handled here; everything else is [`Machine::exec`].
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
            return m.call_host(hosts, prog, func, HostArgs::Bits(args));
        }
        let mut at = m.enter(prog, func)?;
        for (&param, &arg) in at.code.params.iter().zip(args) {
            m.set(at.base, param, arg);
        }
        loop {
            if m.fuel == 0 {
                m.refuel()?;
            }
            m.fuel -= 1;
            // Every block ends with a terminator, so `pc` stays in range;
            // were it not, this stops with a trap rather than a panic.
            let Some(ins) = at.code.instrs.get(at.pc) else {
                return Err(Stop::Trap(TrapKind::Unreachable));
            };
            match ins {
                Instr::Jump(_) | Instr::BrIf { .. } | Instr::Switch { .. } => {
                    at.pc = m.branch(ins, at.base)
                }
                Instr::Return(values) => match m.return_from(prog, values, at.base) {
                    Some(caller) => at = caller,
                    None => return Ok(std::mem::take(&mut m.ret_buf)),
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

    /// Turns an abnormal stop into the caller-facing error, with a backtrace.
    fn stop_error(&self, stop: Stop) -> InterpError {
        let name = |f: u32| self.module.funcs[f as usize].name.clone();
        let frames = || self.machine.frames.iter().rev().map(|fr| name(fr.func));
        match stop {
            Stop::Trap(kind) => InterpError::Trap(Trap {
                kind,
                backtrace: frames().collect(),
            }),
            Stop::Timeout => InterpError::Timeout {
                limit: self.machine.timeout.unwrap_or_default(),
                backtrace: frames().collect(),
            },
            Stop::HostTrap(kind, host) => InterpError::Trap(Trap {
                kind,
                backtrace: std::iter::once(name(host)).chain(frames()).collect(),
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

// ---------------------------------------------------------------------------
// The translated program.

/// A register: an index into the current frame's register file.
type Reg = u32;

/// The arithmetic class of a lowered type: `ptr` is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Num {
    I32,
    I64,
    F32,
    F64,
}

impl Num {
    fn of(ty: Type, target: Target) -> Num {
        match lower_type(ty, target) {
            Type::I32 => Num::I32,
            Type::I64 => Num::I64,
            Type::F32 => Num::F32,
            _ => Num::F64,
        }
    }
}

/// How a load reads memory.
#[derive(Clone, Copy, Debug)]
struct LoadShape {
    bytes: u8,
    /// Sign-extend a narrow value.
    signed: bool,
    /// The result is 64 bits wide; otherwise it is kept zero-extended from 32.
    wide: bool,
}

/// A branch: the first instruction of the target, and the block arguments.
#[derive(Debug)]
struct EdgeCode {
    pc: u32,
    /// `(source, destination)` register pairs.
    moves: Box<[(Reg, Reg)]>,
    /// A destination is also a source: copy through a buffer.
    parallel: bool,
}

#[derive(Debug)]
enum Instr {
    Const {
        dst: Reg,
        bits: u64,
    },
    Move {
        dst: Reg,
        src: Reg,
    },
    Unary {
        num: Num,
        op: UnaryOp,
        dst: Reg,
        a: Reg,
    },
    Binary {
        num: Num,
        op: BinaryOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Compare {
        num: Num,
        op: CmpOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// A conversion with lowered types (never a pointer no-op: that is a `Move`).
    Convert {
        op: ConvOp,
        dst: Reg,
        a: Reg,
    },
    Select {
        dst: Reg,
        cond: Reg,
        a: Reg,
        b: Reg,
    },
    Load {
        shape: LoadShape,
        dst: Reg,
        addr: Reg,
        offset: u64,
    },
    Store {
        bytes: u8,
        addr: Reg,
        value: Reg,
        offset: u64,
    },
    /// The stack pointer plus the slot's offset in the frame.
    SlotAddr {
        dst: Reg,
        offset: u64,
    },
    MemorySize {
        dst: Reg,
    },
    MemoryGrow {
        dst: Reg,
        delta: Reg,
    },
    MemoryCopy {
        dst: Reg,
        src: Reg,
        len: Reg,
    },
    MemoryFill {
        dst: Reg,
        byte: Reg,
        len: Reg,
    },
    GlobalGet {
        dst: Reg,
        global: u32,
    },
    GlobalSet {
        global: u32,
        src: Reg,
    },
    Call {
        func: u32,
        args: Box<[Reg]>,
        results: Box<[Reg]>,
    },
    /// `sig` is an interned lowered signature, compared with the target's.
    CallIndirect {
        sig: u32,
        callee: Reg,
        args: Box<[Reg]>,
        results: Box<[Reg]>,
    },
    Jump(EdgeCode),
    BrIf {
        cond: Reg,
        then_edge: EdgeCode,
        else_edge: EdgeCode,
    },
    Switch {
        index: Reg,
        targets: Box<[EdgeCode]>,
        default: EdgeCode,
    },
    Return(Box<[Reg]>),
    Unreachable,
}

/// The translated body of a defined function.
#[derive(Debug)]
struct Code {
    /// Values, then variables.
    nregs: usize,
    params: Box<[Reg]>,
    frame_size: u64,
    instrs: Vec<Instr>,
}

/// What calls need to know about a function, defined or imported.
struct FuncInfo {
    /// Lowered parameter and result types.
    params: Vec<Type>,
    results: Vec<Type>,
    sig: u32,
    body: Option<Code>,
}

/// Every function translated, plus what calls through pointers need.
struct Program {
    funcs: Vec<FuncInfo>,
    names: HashMap<String, u32>,
    table: Vec<Option<u32>>,
    stack_base: u64,
    ptr_mask: u64,
    /// Stands in for a missing body, so that lookups never panic.
    empty: Code,
}

impl Program {
    fn new(module: &Module, layout: &Layout) -> Program {
        let mut sigs = HashMap::new();
        let funcs = module
            .funcs
            .iter()
            .map(|func| {
                let sig = intern_sig(&mut sigs, &func.sig, layout.target);
                let body =
                    (!func.is_import()).then(|| Translator::new(layout, func, &mut sigs).code());
                FuncInfo {
                    params: lower_all(&func.sig.params, layout.target),
                    results: lower_all(&func.sig.results, layout.target),
                    sig,
                    body,
                }
            })
            .collect();
        let mut names = HashMap::new();
        for (i, func) in module.funcs.iter().enumerate() {
            names.entry(func.name.clone()).or_insert(i as u32);
        }
        Program {
            funcs,
            names,
            table: layout.table.iter().map(|f| f.map(|f| f.0)).collect(),
            stack_base: layout.stack_base,
            ptr_mask: ptr_mask(layout.target),
            empty: Code {
                nregs: 0,
                params: Box::new([]),
                frame_size: 0,
                instrs: vec![Instr::Unreachable],
            },
        }
    }

    fn code(&self, func: u32) -> &Code {
        match self.funcs.get(func as usize).and_then(|f| f.body.as_ref()) {
            Some(code) => code,
            None => &self.empty,
        }
    }
}

fn ptr_mask(target: Target) -> u64 {
    match target {
        Target::Wasm64 => u64::MAX,
        Target::Wasm32 => u32::MAX as u64,
    }
}

fn lower_all(types: &[Type], target: Target) -> Vec<Type> {
    types.iter().map(|&t| lower_type(t, target)).collect()
}

/// Signatures equal after lowering get the same number, as wasm types do.
fn intern_sig(sigs: &mut HashMap<Signature, u32>, sig: &Signature, target: Target) -> u32 {
    let lowered = Signature {
        params: lower_all(&sig.params, target),
        results: lower_all(&sig.results, target),
    };
    let next = sigs.len() as u32;
    *sigs.entry(lowered).or_insert(next)
}

/// Translates one verified function to [`Code`].
struct Translator<'a> {
    layout: &'a Layout,
    func: &'a Function,
    sigs: &'a mut HashMap<Signature, u32>,
    frame: Frame,
    /// The index of each block's first instruction.
    starts: Vec<u32>,
}

impl<'a> Translator<'a> {
    fn new(
        layout: &'a Layout,
        func: &'a Function,
        sigs: &'a mut HashMap<Signature, u32>,
    ) -> Translator<'a> {
        let mut starts = Vec::with_capacity(func.blocks.len());
        let mut next = 0u32;
        for block in &func.blocks {
            starts.push(next);
            next += block.insts.len() as u32 + 1;
        }
        Translator {
            layout,
            func,
            sigs,
            frame: Frame::new(func),
            starts,
        }
    }

    fn target(&self) -> Target {
        self.layout.target
    }

    fn code(mut self) -> Code {
        let mut instrs = Vec::with_capacity(self.starts.last().map_or(0, |&s| s as usize + 1));
        for block in &self.func.blocks {
            for inst in &block.insts {
                let dst = inst.results.first().map_or(0, |v| v.0);
                instrs.push(self.op(&inst.op, dst, &inst.results));
            }
            instrs.push(match &block.term {
                Some(term) => self.terminator(term),
                None => Instr::Unreachable,
            });
        }
        Code {
            nregs: self.func.values.len() + self.func.vars.len(),
            params: self.func.params.iter().map(|v| v.0).collect(),
            frame_size: self.frame.size,
            instrs,
        }
    }

    fn var(&self, var: VarId) -> Reg {
        (self.func.values.len() + var.index()) as Reg
    }

    fn op(&mut self, op: &Op, dst: Reg, results: &[ValueId]) -> Instr {
        let num = |ty: Type| Num::of(ty, self.layout.target);
        match *op {
            Op::Const(c) => Instr::Const {
                dst,
                bits: const_bits(c, self.target()),
            },
            Op::Unary(op, ty, a) => Instr::Unary {
                num: num(ty),
                op,
                dst,
                a: a.0,
            },
            Op::Binary(op, ty, a, b) => Instr::Binary {
                num: num(ty),
                op,
                dst,
                a: a.0,
                b: b.0,
            },
            Op::Compare(op, ty, a, b) => Instr::Compare {
                num: num(ty),
                op,
                dst,
                a: a.0,
                b: b.0,
            },
            Op::Convert(conv, a) => self.convert(conv, dst, a.0),
            Op::Select {
                cond,
                if_true,
                if_false,
                ..
            } => Instr::Select {
                dst,
                cond: cond.0,
                a: if_true.0,
                b: if_false.0,
            },
            Op::VarGet(var) => Instr::Move {
                dst,
                src: self.var(var),
            },
            Op::VarSet(var, value) => Instr::Move {
                dst: self.var(var),
                src: value.0,
            },
            Op::GlobalGet(g) => Instr::GlobalGet { dst, global: g.0 },
            Op::GlobalSet(g, value) => Instr::GlobalSet {
                global: g.0,
                src: value.0,
            },
            _ => self.memory_or_call(op, dst, results),
        }
    }

    fn memory_or_call(&mut self, op: &Op, dst: Reg, results: &[ValueId]) -> Instr {
        let ptr_bytes = self.target().pointer_bits() / 8;
        let regs = |values: &[ValueId]| values.iter().map(|v| v.0).collect::<Box<[Reg]>>();
        match op {
            Op::Load {
                access,
                addr,
                offset,
            } => Instr::Load {
                shape: LoadShape {
                    bytes: access.bytes(ptr_bytes) as u8,
                    signed: access.narrow.is_some_and(|n| n.signed),
                    wide: lower_type(access.ty, self.target()).bits(self.target()) == 64,
                },
                dst,
                addr: addr.0,
                offset: *offset,
            },
            Op::Store {
                access,
                addr,
                value,
                offset,
            } => Instr::Store {
                bytes: access.bytes(ptr_bytes) as u8,
                addr: addr.0,
                value: value.0,
                offset: *offset,
            },
            Op::SlotAddr(slot) => Instr::SlotAddr {
                dst,
                offset: self
                    .frame
                    .slot_offsets
                    .get(slot.index())
                    .copied()
                    .unwrap_or(0),
            },
            Op::DataAddr(d) => Instr::Const {
                dst,
                bits: self.layout.data_addrs.get(d.index()).copied().unwrap_or(0),
            },
            Op::FuncAddr(f) => Instr::Const {
                dst,
                bits: self
                    .layout
                    .func_ptrs
                    .get(f.index())
                    .copied()
                    .flatten()
                    .unwrap_or(0),
            },
            Op::MemorySize => Instr::MemorySize { dst },
            Op::MemoryGrow(delta) => Instr::MemoryGrow {
                dst,
                delta: delta.0,
            },
            Op::MemoryCopy { dst: d, src, len } => Instr::MemoryCopy {
                dst: d.0,
                src: src.0,
                len: len.0,
            },
            Op::MemoryFill { dst: d, byte, len } => Instr::MemoryFill {
                dst: d.0,
                byte: byte.0,
                len: len.0,
            },
            Op::Call { func, args } => Instr::Call {
                func: func.0,
                args: regs(args),
                results: regs(results),
            },
            Op::CallIndirect { sig, callee, args } => Instr::CallIndirect {
                sig: intern_sig(self.sigs, sig, self.target()),
                callee: callee.0,
                args: regs(args),
                results: regs(results),
            },
            // Handled by `op`; unreachable for verified IR.
            _ => Instr::Unreachable,
        }
    }

    /// Pointer conversions between types of equal lowered width are moves.
    fn convert(&self, conv: ConvOp, dst: Reg, a: Reg) -> Instr {
        let target = self.target();
        let op = ConvOp {
            kind: conv.kind,
            from: lower_type(conv.from, target),
            to: lower_type(conv.to, target),
        };
        let widening = matches!(
            op.kind,
            ConvKind::Wrap | ConvKind::ExtendS | ConvKind::ExtendU
        );
        if widening && op.from == op.to {
            Instr::Move { dst, src: a }
        } else {
            Instr::Convert { op, dst, a }
        }
    }

    fn terminator(&self, term: &Terminator) -> Instr {
        match term {
            Terminator::Jump(e) => Instr::Jump(self.edge(e)),
            Terminator::BrIf {
                cond,
                then_edge,
                else_edge,
            } => Instr::BrIf {
                cond: cond.0,
                then_edge: self.edge(then_edge),
                else_edge: self.edge(else_edge),
            },
            Terminator::Switch {
                index,
                targets,
                default,
            } => Instr::Switch {
                index: index.0,
                targets: targets.iter().map(|e| self.edge(e)).collect(),
                default: self.edge(default),
            },
            Terminator::Return(values) => Instr::Return(values.iter().map(|v| v.0).collect()),
            Terminator::Unreachable => Instr::Unreachable,
        }
    }

    fn edge(&self, edge: &Edge) -> EdgeCode {
        let params = self
            .func
            .blocks
            .get(edge.block.index())
            .map_or(&[][..], |b| &b.params);
        let moves: Box<[(Reg, Reg)]> = edge
            .args
            .iter()
            .zip(params)
            .map(|(a, p)| (a.0, p.0))
            .collect();
        let mut sources: Vec<Reg> = moves.iter().map(|m| m.0).collect();
        sources.sort_unstable();
        let parallel = moves
            .iter()
            .any(|&(_, dst)| sources.binary_search(&dst).is_ok());
        EdgeCode {
            pc: self.starts.get(edge.block.index()).copied().unwrap_or(0),
            moves,
            parallel,
        }
    }
}

/// The register bits of a constant; `ptr` constants fit the target (verified).
fn const_bits(c: Const, target: Target) -> u64 {
    match c {
        Const::I32(v) => v as u32 as u64,
        Const::I64(v) => v as u64,
        Const::F32(v) => v as u64,
        Const::F64(v) => v,
        Const::Ptr(v) => v & ptr_mask(target),
    }
}

// ---------------------------------------------------------------------------
// The machine state.

/// A function activation.
#[derive(Clone, Copy, Debug)]
struct ActiveFrame {
    func: u32,
    /// While a callee runs: the index of the call instruction.
    pc: usize,
    /// Where this frame's registers start in `Machine::regs`.
    base: usize,
    /// The stack pointer to restore on return.
    entry_sp: u64,
}

/// Where execution is: the current function's code, registers and pc.
#[derive(Clone, Copy)]
struct Cursor<'p> {
    code: &'p Code,
    base: usize,
    pc: usize,
}

/// The host functions and which import each serves, borrowed for a run.
struct Hosts<'a, 'm> {
    hosts: &'a mut [HostFn<'m>],
    host_of: &'a [Option<usize>],
}

/// The arguments of a host call: from the caller's registers or the embedder.
enum HostArgs<'a> {
    Regs {
        args: &'a [Reg],
        results: &'a [Reg],
        base: usize,
    },
    Bits(&'a [u64]),
}

/// Mutable state: what a wasm instance holds, plus the interpreter's stacks.
struct Machine {
    memory: Vec<u8>,
    globals: Vec<u64>,
    /// The hidden shadow-stack pointer.
    sp: u64,
    regs: Vec<u64>,
    frames: Vec<ActiveFrame>,
    /// Instructions to run before the next check: of the clock, and of the
    /// fuel in `reserve`. Without a timeout, all the fuel left.
    fuel: u64,
    /// Fuel left beyond `fuel`.
    reserve: u64,
    fuel_limited: bool,
    timeout: Option<Duration>,
    deadline: Option<Instant>,
    edge_buf: Vec<u64>,
    ret_buf: Vec<u64>,
    ptr_mask: u64,
}

impl Machine {
    fn new(module: &Module, layout: &Layout) -> Machine {
        let mut memory = vec![0u8; (layout.min_pages * PAGE_SIZE) as usize];
        for id in (0..module.data.len() as u32).map(DataId) {
            for (start, bytes) in layout.data_segments(module, id) {
                let start = start as usize;
                if let Some(place) = memory.get_mut(start..start + bytes.len()) {
                    place.copy_from_slice(&bytes);
                }
            }
        }
        let mask = ptr_mask(layout.target);
        let globals = module
            .globals
            .iter()
            .map(|g| match g.init {
                GlobalInit::Const(c) => const_bits(c, layout.target),
                GlobalInit::DataAddr(d, offset) => layout.data_addr(d).wrapping_add(offset) & mask,
                GlobalInit::FuncAddr(f) => layout.func_ptr(f),
            })
            .collect();
        Machine {
            memory,
            globals,
            sp: layout.stack_top,
            regs: Vec::new(),
            frames: Vec::new(),
            fuel: u64::MAX,
            reserve: 0,
            fuel_limited: false,
            timeout: None,
            deadline: None,
            edge_buf: Vec::new(),
            ret_buf: Vec::new(),
            ptr_mask: mask,
        }
    }

    /// Starts a call's clock: with a timeout, the fuel is handed out
    /// [`CLOCK_EVERY`] instructions at a time, so that running out of a
    /// handful ([`Machine::refuel`]) is when the clock is read.
    fn start_clock(&mut self) {
        let total = self.fuel + self.reserve;
        self.deadline = self.timeout.and_then(|t| Instant::now().checked_add(t));
        let now = match self.deadline {
            Some(_) => total.min(CLOCK_EVERY),
            None => total,
        };
        (self.fuel, self.reserve) = (now, total - now);
    }

    /// `fuel` has run out: stops for the timeout or for the fuel, or hands
    /// out the next instructions.
    #[cold]
    fn refuel(&mut self) -> Result<(), Stop> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Stop::Timeout);
        }
        if self.reserve == 0 {
            return Err(Stop::Trap(TrapKind::Interrupted));
        }
        self.fuel = self.reserve.min(CLOCK_EVERY);
        self.reserve -= self.fuel;
        Ok(())
    }

    #[inline(always)]
    fn reg(&self, base: usize, r: Reg) -> u64 {
        self.regs[base + r as usize]
    }

    #[inline(always)]
    fn set(&mut self, base: usize, r: Reg, bits: u64) {
        self.regs[base + r as usize] = bits;
    }

    /// Pushes a frame for `func` and allocates its registers and stack slots.
    /// The frame is pushed first so that a trap here names the callee.
    fn enter<'p>(&mut self, prog: &'p Program, func: u32) -> Result<Cursor<'p>, TrapKind> {
        let code = prog.code(func);
        let base = self.regs.len();
        self.frames.push(ActiveFrame {
            func,
            pc: 0,
            base,
            entry_sp: self.sp,
        });
        if self.frames.len() > MAX_FRAMES {
            return Err(TrapKind::CallStackExhausted);
        }
        if code.frame_size > 0 {
            // The compiled prologue executes `unreachable` on stack overflow.
            self.sp = self
                .sp
                .checked_sub(code.frame_size)
                .filter(|&sp| sp >= prog.stack_base)
                .ok_or(TrapKind::Unreachable)?;
        }
        self.regs.resize(base + code.nregs, 0);
        Ok(Cursor { code, base, pc: 0 })
    }

    /// Executes a call instruction: a host call continues after it, a call
    /// of a defined function continues at the callee's entry.
    fn call<'p>(
        &mut self,
        prog: &'p Program,
        hosts: &mut Hosts<'_, '_>,
        ins: &Instr,
        at: Cursor<'p>,
    ) -> Result<Cursor<'p>, Stop> {
        let (Instr::Call { args, results, .. } | Instr::CallIndirect { args, results, .. }) = ins
        else {
            return Err(Stop::Trap(TrapKind::Unreachable));
        };
        let callee = self.callee(prog, ins, at.base)?;
        if prog.funcs[callee as usize].body.is_none() {
            let base = at.base;
            self.call_host(
                hosts,
                prog,
                callee,
                HostArgs::Regs {
                    args,
                    results,
                    base,
                },
            )?;
            return Ok(Cursor {
                pc: at.pc + 1,
                ..at
            });
        }
        if let Some(top) = self.frames.last_mut() {
            top.pc = at.pc;
        }
        let new = self.enter(prog, callee)?;
        for (&param, &arg) in new.code.params.iter().zip(args.iter()) {
            self.set(new.base, param, self.reg(at.base, arg));
        }
        Ok(new)
    }

    /// Pops the frame, passing `values` to the caller; `None` when the
    /// outermost frame returned (the values are then in `ret_buf`).
    fn return_from<'p>(
        &mut self,
        prog: &'p Program,
        values: &[Reg],
        base: usize,
    ) -> Option<Cursor<'p>> {
        self.ret_buf.clear();
        for &v in values {
            let bits = self.reg(base, v);
            self.ret_buf.push(bits);
        }
        self.leave();
        let caller = *self.frames.last()?;
        let code = prog.code(caller.func);
        if let Some(Instr::Call { results, .. } | Instr::CallIndirect { results, .. }) =
            code.instrs.get(caller.pc)
        {
            for (&r, &bits) in results.iter().zip(&self.ret_buf) {
                self.regs[caller.base + r as usize] = bits;
            }
        }
        Some(Cursor {
            code,
            base: caller.base,
            pc: caller.pc + 1,
        })
    }

    /// Takes the edge a `jump`, `brif` or `switch` selects; gives the next pc.
    #[inline(always)]
    fn branch(&mut self, ins: &Instr, base: usize) -> usize {
        let edge = match ins {
            Instr::Jump(edge) => edge,
            Instr::BrIf {
                cond,
                then_edge,
                else_edge,
            } => {
                if self.reg(base, *cond) as u32 != 0 {
                    then_edge
                } else {
                    else_edge
                }
            }
            Instr::Switch {
                index,
                targets,
                default,
            } => {
                let i = self.reg(base, *index) as u32 as usize;
                targets.get(i).unwrap_or(default)
            }
            _ => return usize::MAX, // not a branch: an out-of-range pc, which traps
        };
        self.take_edge(edge, base)
    }

    /// Pops the current frame, restoring the stack pointer.
    fn leave(&mut self) {
        if let Some(frame) = self.frames.pop() {
            self.sp = frame.entry_sp;
            self.regs.truncate(frame.base);
        }
    }

    /// Passes block arguments (all at once) and gives the target's first instruction.
    #[inline(always)]
    fn take_edge(&mut self, edge: &EdgeCode, base: usize) -> usize {
        if edge.parallel {
            self.edge_buf.clear();
            for &(src, _) in edge.moves.iter() {
                let bits = self.reg(base, src);
                self.edge_buf.push(bits);
            }
            for (&(_, dst), &bits) in edge.moves.iter().zip(&self.edge_buf) {
                self.regs[base + dst as usize] = bits;
            }
        } else {
            for &(src, dst) in edge.moves.iter() {
                let bits = self.reg(base, src);
                self.set(base, dst, bits);
            }
        }
        edge.pc as usize
    }

    /// The function a call instruction calls, checking function pointers as
    /// `call_indirect` does.
    fn callee(&self, prog: &Program, ins: &Instr, base: usize) -> Result<u32, TrapKind> {
        let (sig, callee) = match *ins {
            Instr::Call { func, .. } => return Ok(func),
            Instr::CallIndirect { sig, callee, .. } => (sig, callee),
            _ => return Err(TrapKind::Unreachable),
        };
        let pointer = self.reg(base, callee) & prog.ptr_mask;
        let target = usize::try_from(pointer)
            .ok()
            .and_then(|i| prog.table.get(i).copied())
            .ok_or(TrapKind::UndefinedElement)?
            .ok_or(TrapKind::UninitializedElement)?;
        match prog.funcs.get(target as usize) {
            Some(info) if info.sig == sig => Ok(target),
            _ => Err(TrapKind::IndirectCallTypeMismatch),
        }
    }

    /// Calls the host function of an import.
    fn call_host(
        &mut self,
        hosts: &mut Hosts<'_, '_>,
        prog: &Program,
        func: u32,
        call: HostArgs<'_>,
    ) -> Result<Vec<u64>, Stop> {
        let host = hosts.host_of.get(func as usize).copied().flatten();
        let (Some(host), Some(info)) = (host, prog.funcs.get(func as usize)) else {
            return Err(Stop::Unresolved(func));
        };
        let arg_bits: Vec<u64> = match &call {
            HostArgs::Regs { args, base, .. } => args.iter().map(|&a| self.reg(*base, a)).collect(),
            HostArgs::Bits(bits) => bits.to_vec(),
        };
        let values: Vec<Value> = arg_bits
            .iter()
            .zip(&info.params)
            .map(|(&b, &ty)| to_value(b, ty))
            .collect();
        let out = (hosts.hosts[host])(&values).map_err(|kind| Stop::HostTrap(kind, func))?;
        let bits = check_values(&info.results, &out).map_err(|found| Stop::BadHost(func, found))?;
        if let HostArgs::Regs { results, base, .. } = call {
            for (&r, &b) in results.iter().zip(&bits) {
                self.set(base, r, b);
            }
        }
        Ok(bits)
    }

    /// Executes a non-control instruction.
    #[inline(always)]
    fn exec(&mut self, ins: &Instr, base: usize) -> Result<(), TrapKind> {
        match *ins {
            Instr::Const { dst, bits } => self.set(base, dst, bits),
            Instr::Move { dst, src } => self.set(base, dst, self.reg(base, src)),
            Instr::Unary { num, op, dst, a } => {
                let v = unary(num, op, self.reg(base, a))?;
                self.set(base, dst, v);
            }
            Instr::Binary { num, op, dst, a, b } => {
                let v = binary(num, op, self.reg(base, a), self.reg(base, b))?;
                self.set(base, dst, v);
            }
            Instr::Compare { num, op, dst, a, b } => {
                let v = compare(num, op, self.reg(base, a), self.reg(base, b))?;
                self.set(base, dst, v);
            }
            Instr::Convert { op, dst, a } => {
                let v = convert(op, self.reg(base, a))?;
                self.set(base, dst, v);
            }
            Instr::Select { dst, cond, a, b } => {
                let pick = if self.reg(base, cond) as u32 != 0 {
                    a
                } else {
                    b
                };
                self.set(base, dst, self.reg(base, pick));
            }
            Instr::GlobalGet { dst, global } => {
                self.set(base, dst, self.globals[global as usize]);
            }
            Instr::GlobalSet { global, src } => {
                self.globals[global as usize] = self.reg(base, src);
            }
            Instr::SlotAddr { dst, offset } => self.set(base, dst, self.sp + offset),
            _ => return self.exec_memory(ins, base),
        }
        Ok(())
    }

    fn exec_memory(&mut self, ins: &Instr, base: usize) -> Result<(), TrapKind> {
        match *ins {
            Instr::Load {
                shape,
                dst,
                addr,
                offset,
            } => {
                let v = self.load(shape, self.reg(base, addr), offset)?;
                self.set(base, dst, v);
            }
            Instr::Store {
                bytes,
                addr,
                value,
                offset,
            } => {
                let at = self.bounds(self.reg(base, addr), offset, bytes as u64)?;
                let bits = self.reg(base, value).to_le_bytes();
                self.memory[at..at + bytes as usize].copy_from_slice(&bits[..bytes as usize]);
            }
            Instr::MemorySize { dst } => self.set(base, dst, self.pages()),
            Instr::MemoryGrow { dst, delta } => {
                let old = self.grow(self.reg(base, delta));
                self.set(base, dst, old);
            }
            Instr::MemoryCopy { dst, src, len } => {
                let len = self.reg(base, len);
                let from = self.bounds(self.reg(base, src), 0, len)?;
                let to = self.bounds(self.reg(base, dst), 0, len)?;
                self.memory.copy_within(from..from + len as usize, to);
            }
            Instr::MemoryFill { dst, byte, len } => {
                let len = self.reg(base, len);
                let at = self.bounds(self.reg(base, dst), 0, len)?;
                let byte = self.reg(base, byte) as u8;
                self.memory[at..at + len as usize].fill(byte);
            }
            _ => return Err(TrapKind::Unreachable),
        }
        Ok(())
    }

    /// The start of `addr + offset .. + len` when it lies in memory. The sum
    /// is computed without wrapping: an overflow is out of bounds.
    #[inline(always)]
    fn bounds(&self, addr: u64, offset: u64, len: u64) -> Result<usize, TrapKind> {
        let start = addr.checked_add(offset).ok_or(TrapKind::OutOfBounds)?;
        let end = start.checked_add(len).ok_or(TrapKind::OutOfBounds)?;
        if end > self.memory.len() as u64 {
            return Err(TrapKind::OutOfBounds);
        }
        Ok(start as usize)
    }

    #[inline(always)]
    fn load(&self, shape: LoadShape, addr: u64, offset: u64) -> Result<u64, TrapKind> {
        let n = shape.bytes as usize;
        let at = self.bounds(addr, offset, n as u64)?;
        let mut buf = [0u8; 8];
        buf[..n].copy_from_slice(&self.memory[at..at + n]);
        let raw = u64::from_le_bytes(buf);
        let value = if shape.signed {
            let shift = 64 - 8 * n as u32;
            (((raw << shift) as i64) >> shift) as u64
        } else {
            raw
        };
        Ok(if shape.wide {
            value
        } else {
            value as u32 as u64
        })
    }

    fn pages(&self) -> u64 {
        self.memory.len() as u64 / PAGE_SIZE
    }

    /// `memory.grow`: the old size in pages, or all ones (of the pointer
    /// width) when the new size would exceed [`MAX_PAGES`].
    fn grow(&mut self, delta: u64) -> u64 {
        let old = self.pages();
        let delta = delta & self.ptr_mask;
        if delta > MAX_PAGES - old {
            return self.ptr_mask;
        }
        self.memory.resize(((old + delta) * PAGE_SIZE) as usize, 0);
        old
    }
}

// ---------------------------------------------------------------------------
// Numeric semantics: WebAssembly's, on raw bits. Operators a type does not
// have are rejected by the verifier; here they trap rather than panic.

fn unary(num: Num, op: UnaryOp, a: u64) -> Result<u64, TrapKind> {
    match num {
        Num::I32 => i32_ops::unary(op, a),
        Num::I64 => i64_ops::unary(op, a),
        Num::F32 => f32_ops::unary(op, a),
        Num::F64 => f64_ops::unary(op, a),
    }
}

#[inline(always)]
fn binary(num: Num, op: BinaryOp, a: u64, b: u64) -> Result<u64, TrapKind> {
    match num {
        Num::I32 => i32_ops::binary(op, a, b),
        Num::I64 => i64_ops::binary(op, a, b),
        Num::F32 => f32_ops::binary(op, a, b),
        Num::F64 => f64_ops::binary(op, a, b),
    }
}

#[inline(always)]
fn compare(num: Num, op: CmpOp, a: u64, b: u64) -> Result<u64, TrapKind> {
    let result = match num {
        Num::I32 => i32_ops::compare(op, a, b),
        Num::I64 => i64_ops::compare(op, a, b),
        Num::F32 => f32_ops::compare(op, a, b),
        Num::F64 => f64_ops::compare(op, a, b),
    };
    result.map(u64::from)
}

/// Integer operators of one width: `$u` unsigned, `$s` signed. Results are
/// kept zero-extended to 64 bits.
macro_rules! int_ops {
    ($module:ident, $u:ty, $s:ty) => {
        mod $module {
            use crate::ir::{BinaryOp, CmpOp, UnaryOp};
            use crate::value::TrapKind;

            #[inline(always)]
            pub fn binary(op: BinaryOp, a: u64, b: u64) -> Result<u64, TrapKind> {
                use BinaryOp::*;
                let (x, y) = (a as $u, b as $u);
                let (sx, sy) = (x as $s, y as $s);
                let count = (y % <$u>::BITS as $u) as u32;
                let r: $u = match op {
                    Add => x.wrapping_add(y),
                    Sub => x.wrapping_sub(y),
                    Mul => x.wrapping_mul(y),
                    DivS if sy == 0 => return Err(TrapKind::IntegerDivideByZero),
                    DivS if sx == <$s>::MIN && sy == -1 => return Err(TrapKind::IntegerOverflow),
                    DivS => (sx / sy) as $u,
                    DivU => x.checked_div(y).ok_or(TrapKind::IntegerDivideByZero)?,
                    RemS if sy == 0 => return Err(TrapKind::IntegerDivideByZero),
                    RemS => sx.wrapping_rem(sy) as $u,
                    RemU => x.checked_rem(y).ok_or(TrapKind::IntegerDivideByZero)?,
                    And => x & y,
                    Or => x | y,
                    Xor => x ^ y,
                    Shl => x << count,
                    ShrS => (sx >> count) as $u,
                    ShrU => x >> count,
                    Rotl => x.rotate_left(count),
                    Rotr => x.rotate_right(count),
                    Div | Min | Max | Copysign => return Err(TrapKind::Unreachable),
                };
                Ok(r as u64)
            }

            pub fn unary(op: UnaryOp, a: u64) -> Result<u64, TrapKind> {
                use UnaryOp::*;
                let x = a as $u;
                Ok(match op {
                    Clz => x.leading_zeros() as u64,
                    Ctz => x.trailing_zeros() as u64,
                    Popcnt => x.count_ones() as u64,
                    Eqz => (x == 0) as u64,
                    _ => return Err(TrapKind::Unreachable),
                })
            }

            #[inline(always)]
            pub fn compare(op: CmpOp, a: u64, b: u64) -> Result<bool, TrapKind> {
                use CmpOp::*;
                let (x, y) = (a as $u, b as $u);
                let (sx, sy) = (x as $s, y as $s);
                Ok(match op {
                    Eq => x == y,
                    Ne => x != y,
                    LtS => sx < sy,
                    LtU => x < y,
                    GtS => sx > sy,
                    GtU => x > y,
                    LeS => sx <= sy,
                    LeU => x <= y,
                    GeS => sx >= sy,
                    GeU => x >= y,
                    Lt | Gt | Le | Ge => return Err(TrapKind::Unreachable),
                })
            }
        }
    };
}

int_ops!(i32_ops, u32, i32);
int_ops!(i64_ops, u64, i64);

/// Float operators of one width: `$f` the float, `$bits` its bit pattern.
/// NaN results are canonical; abs, neg and copysign only touch the sign bit.
macro_rules! float_ops {
    ($module:ident, $f:ty, $bits:ty) => {
        mod $module {
            use crate::ir::{BinaryOp, CmpOp, UnaryOp};
            use crate::value::TrapKind;

            const SIGN: $bits = 1 << (<$bits>::BITS - 1);
            /// The quiet NaN with an empty payload.
            pub const CANONICAL_NAN: $bits = (<$f>::NAN).to_bits() & !SIGN;

            fn get(a: u64) -> $f {
                <$f>::from_bits(a as $bits)
            }

            pub fn canon(x: $f) -> u64 {
                if x.is_nan() {
                    CANONICAL_NAN as u64
                } else {
                    x.to_bits() as u64
                }
            }

            /// wasm's min and max: NaN if either is, and -0 < +0.
            fn min_max(x: $f, y: $f, max: bool) -> u64 {
                if x.is_nan() || y.is_nan() {
                    CANONICAL_NAN as u64
                } else if x == y {
                    // Equal values differ at most in the sign of a zero.
                    let (a, b) = (x.to_bits(), y.to_bits());
                    (if max { a & b } else { a | b }) as u64
                } else if (x < y) != max {
                    x.to_bits() as u64
                } else {
                    y.to_bits() as u64
                }
            }

            #[inline(always)]
            pub fn binary(op: BinaryOp, a: u64, b: u64) -> Result<u64, TrapKind> {
                use BinaryOp::*;
                let (x, y) = (get(a), get(b));
                Ok(match op {
                    Add => canon(x + y),
                    Sub => canon(x - y),
                    Mul => canon(x * y),
                    Div => canon(x / y),
                    Min => min_max(x, y, false),
                    Max => min_max(x, y, true),
                    Copysign => ((a as $bits & !SIGN) | (b as $bits & SIGN)) as u64,
                    _ => return Err(TrapKind::Unreachable),
                })
            }

            pub fn unary(op: UnaryOp, a: u64) -> Result<u64, TrapKind> {
                use UnaryOp::*;
                let x = get(a);
                Ok(match op {
                    Abs => (a as $bits & !SIGN) as u64,
                    Neg => (a as $bits ^ SIGN) as u64,
                    Sqrt => canon(x.sqrt()),
                    Ceil => canon(x.ceil()),
                    Floor => canon(x.floor()),
                    Trunc => canon(x.trunc()),
                    Nearest => canon(x.round_ties_even()),
                    Clz | Ctz | Popcnt | Eqz => return Err(TrapKind::Unreachable),
                })
            }

            #[inline(always)]
            pub fn compare(op: CmpOp, a: u64, b: u64) -> Result<bool, TrapKind> {
                use CmpOp::*;
                let (x, y) = (get(a), get(b));
                Ok(match op {
                    Eq => x == y,
                    Ne => x != y,
                    Lt => x < y,
                    Gt => x > y,
                    Le => x <= y,
                    Ge => x >= y,
                    _ => return Err(TrapKind::Unreachable),
                })
            }
        }
    };
}

float_ops!(f32_ops, f32, u32);
float_ops!(f64_ops, f64, u64);

/// A conversion on lowered types (pointer no-ops were turned into moves).
fn convert(op: ConvOp, a: u64) -> Result<u64, TrapKind> {
    use ConvKind::*;
    use Type::*;
    Ok(match (op.kind, op.from, op.to) {
        (Wrap, I64, I32) | (ExtendU, I32, I64) => a as u32 as u64,
        (ExtendS, I32, I64) => a as u32 as i32 as i64 as u64,
        (ExtendLowS(bits), _, to) => extend_low(a, bits, to),
        (TruncS | TruncU, from, to) => {
            trunc_checked(matches!(op.kind, TruncS), float_value(a, from), to)?
        }
        (TruncSatS | TruncSatU, from, to) => {
            trunc_sat(matches!(op.kind, TruncSatS), float_value(a, from), to)
        }
        (ConvertS | ConvertU, from, to) => int_to_float(matches!(op.kind, ConvertS), a, from, to),
        (Demote, F64, F32) => f32_ops::canon(f64::from_bits(a) as f32),
        (Promote, F32, F64) => f64_ops::canon(f32::from_bits(a as u32) as f64),
        // Registers hold bits, and 32-bit values are zero-extended in both views.
        (Reinterpret, _, _) => a,
        _ => return Err(TrapKind::Unreachable),
    })
}

/// Sign-extends the low `bits` bits in place (`i64.extend8_s`).
fn extend_low(a: u64, bits: u8, to: Type) -> u64 {
    let shift = 64 - bits as u32;
    let wide = (((a << shift) as i64) >> shift) as u64;
    if to == Type::I32 {
        wide as u32 as u64
    } else {
        wide
    }
}

/// A float operand as f64: exact for f32, so the bounds below serve both.
fn float_value(a: u64, from: Type) -> f64 {
    if from == Type::F32 {
        f32::from_bits(a as u32) as f64
    } else {
        f64::from_bits(a)
    }
}

/// The trapping truncations: NaN is an invalid conversion, and a value whose
/// truncation does not fit is an overflow. The bounds are exclusive and exact:
/// the nearest representable values outside the integer range.
fn trunc_checked(signed: bool, x: f64, to: Type) -> Result<u64, TrapKind> {
    if x.is_nan() {
        return Err(TrapKind::InvalidConversion);
    }
    let (low, high) = match (signed, to) {
        (true, Type::I32) => (-2147483649.0, 2147483648.0),
        (false, Type::I32) => (-1.0, 4294967296.0),
        // -2^63 - 2048 is the f64 just below -2^63.
        (true, _) => (-9223372036854777856.0, 9223372036854775808.0),
        (false, _) => (-1.0, 18446744073709551616.0),
    };
    if x > low && x < high {
        Ok(trunc_sat(signed, x, to))
    } else {
        Err(TrapKind::IntegerOverflow)
    }
}

/// Rust's float-to-int `as` is exactly wasm's `trunc_sat`: it saturates and
/// maps NaN to 0.
fn trunc_sat(signed: bool, x: f64, to: Type) -> u64 {
    match (signed, to) {
        (true, Type::I32) => x as i32 as u32 as u64,
        (false, Type::I32) => x as u32 as u64,
        (true, _) => x as i64 as u64,
        (false, _) => x as u64,
    }
}

/// Integer to float, rounding to nearest-even once (`as` is correctly rounded).
fn int_to_float(signed: bool, a: u64, from: Type, to: Type) -> u64 {
    let to_f32 = to == Type::F32;
    macro_rules! cast {
        ($v:expr) => {
            if to_f32 {
                ($v as f32).to_bits() as u64
            } else {
                ($v as f64).to_bits()
            }
        };
    }
    match (signed, from) {
        (true, Type::I32) => cast!(a as u32 as i32),
        (false, Type::I32) => cast!(a as u32),
        (true, _) => cast!(a as i64),
        (false, _) => cast!(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TrapKind::*;

    const W64: Target = Target::Wasm64;
    const W32: Target = Target::Wasm32;

    fn sig(params: &[Type], results: &[Type]) -> Signature {
        Signature {
            params: params.to_vec(),
            results: results.to_vec(),
        }
    }

    /// Adds a function whose entry block is current; `body` builds the rest.
    fn add_fn(
        m: &mut Module,
        name: &str,
        params: &[Type],
        results: &[Type],
        body: impl FnOnce(&mut FunctionBuilder, &[ValueId]),
    ) -> FuncId {
        let f = m.add_function(Function::new(name, Signature::default(), Linkage::Public));
        let mut b = FunctionBuilder::new(m, f);
        let args: Vec<ValueId> = params
            .iter()
            .enumerate()
            .map(|(i, &t)| b.param(&format!("p{i}"), t))
            .collect();
        for &r in results {
            b.result(r);
        }
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        body(&mut b, &args);
        f
    }

    fn run(
        m: &Module,
        target: Target,
        name: &str,
        args: &[Value],
    ) -> Result<Vec<Value>, InterpError> {
        Interpreter::new(m, target)
            .expect("valid module")
            .call(name, args)
    }

    fn trap_of<T: fmt::Debug>(r: Result<T, InterpError>) -> Trap {
        match r {
            Err(InterpError::Trap(t)) => t,
            other => panic!("expected a trap, got {other:?}"),
        }
    }

    /// Computes one instruction on the parameters, on a target.
    fn eval(
        target: Target,
        params: &[Type],
        result: Type,
        args: &[Value],
        op: impl FnOnce(&[ValueId]) -> Op,
    ) -> Result<Value, TrapKind> {
        let mut m = Module::default();
        add_fn(&mut m, "f", params, &[result], |b, p| {
            let v = b.ins(op(p))[0];
            b.ret(&[v]);
        });
        match run(&m, target, "f", args) {
            Ok(v) => Ok(v[0]),
            Err(InterpError::Trap(t)) => Err(t.kind),
            Err(e) => panic!("{e}"),
        }
    }

    fn bin(op: BinaryOp, ty: Type, a: Value, b: Value) -> Result<Value, TrapKind> {
        eval(W64, &[ty, ty], ty, &[a, b], |p| {
            Op::Binary(op, ty, p[0], p[1])
        })
    }

    fn un(op: UnaryOp, ty: Type, a: Value) -> Result<Value, TrapKind> {
        eval(W64, &[ty], op.result_type(ty), &[a], |p| {
            Op::Unary(op, ty, p[0])
        })
    }

    fn cmp(op: CmpOp, ty: Type, a: Value, b: Value) -> Value {
        eval(W64, &[ty, ty], Type::I32, &[a, b], |p| {
            Op::Compare(op, ty, p[0], p[1])
        })
        .unwrap()
    }

    fn conv(target: Target, mnemonic: &str, a: Value) -> Result<Value, TrapKind> {
        let op = ConvOp::from_mnemonic(mnemonic).expect(mnemonic);
        eval(target, &[op.from], op.to, &[a], |p| Op::Convert(op, p[0]))
    }

    fn i32v(v: i32) -> Value {
        Value::I32(v)
    }
    fn i64v(v: i64) -> Value {
        Value::I64(v)
    }
    fn f32v(v: f32) -> Value {
        Value::F32(v.to_bits())
    }
    fn f64v(v: f64) -> Value {
        Value::F64(v.to_bits())
    }

    #[test]
    fn integer_arithmetic_wraps_and_traps_like_wasm() {
        use BinaryOp::*;
        let (i32t, i64t) = (Type::I32, Type::I64);
        assert_eq!(bin(Add, i32t, i32v(i32::MAX), i32v(1)), Ok(i32v(i32::MIN)));
        assert_eq!(bin(Mul, i64t, i64v(i64::MAX), i64v(2)), Ok(i64v(-2)));
        assert_eq!(
            bin(DivS, i32t, i32v(i32::MIN), i32v(-1)),
            Err(IntegerOverflow)
        );
        assert_eq!(bin(DivS, i32t, i32v(7), i32v(0)), Err(IntegerDivideByZero));
        assert_eq!(bin(DivU, i64t, i64v(7), i64v(0)), Err(IntegerDivideByZero));
        assert_eq!(bin(RemS, i32t, i32v(7), i32v(0)), Err(IntegerDivideByZero));
        assert_eq!(bin(RemU, i32t, i32v(7), i32v(0)), Err(IntegerDivideByZero));
        assert_eq!(bin(RemS, i64t, i64v(i64::MIN), i64v(-1)), Ok(i64v(0)));
        assert_eq!(bin(RemS, i32t, i32v(-7), i32v(2)), Ok(i32v(-1)));
        assert_eq!(bin(DivS, i32t, i32v(-7), i32v(2)), Ok(i32v(-3)));
        assert_eq!(bin(DivU, i32t, i32v(-1), i32v(2)), Ok(i32v(i32::MAX)));
        assert_eq!(bin(RemU, i64t, i64v(-1), i64v(10)), Ok(i64v(5)));
    }

    #[test]
    fn shifts_and_rotates_take_the_count_modulo_the_width() {
        use BinaryOp::*;
        let (i32t, i64t) = (Type::I32, Type::I64);
        assert_eq!(bin(Shl, i32t, i32v(1), i32v(33)), Ok(i32v(2)));
        assert_eq!(bin(Shl, i64t, i64v(1), i64v(65)), Ok(i64v(2)));
        assert_eq!(bin(ShrS, i32t, i32v(-8), i32v(33)), Ok(i32v(-4)));
        assert_eq!(bin(ShrU, i32t, i32v(-8), i32v(1)), Ok(i32v(0x7fff_fffc)));
        assert_eq!(bin(ShrU, i64t, i64v(-1), i64v(-1)), Ok(i64v(1)));
        assert_eq!(
            bin(Rotl, i32t, i32v(0x8000_0001u32 as i32), i32v(33)),
            Ok(i32v(3))
        );
        assert_eq!(bin(Rotr, i64t, i64v(1), i64v(65)), Ok(i64v(i64::MIN)));
        assert_eq!(bin(And, i32t, i32v(0b1100), i32v(0b1010)), Ok(i32v(0b1000)));
        assert_eq!(bin(Xor, i64t, i64v(-1), i64v(1)), Ok(i64v(-2)));
    }

    #[test]
    fn bit_counts_and_eqz() {
        use UnaryOp::*;
        assert_eq!(un(Clz, Type::I32, i32v(0)), Ok(i32v(32)));
        assert_eq!(un(Clz, Type::I64, i64v(1)), Ok(i64v(63)));
        assert_eq!(un(Ctz, Type::I64, i64v(0)), Ok(i64v(64)));
        assert_eq!(un(Ctz, Type::I32, i32v(8)), Ok(i32v(3)));
        assert_eq!(un(Popcnt, Type::I32, i32v(-1)), Ok(i32v(32)));
        assert_eq!(un(Eqz, Type::I64, i64v(0)), Ok(i32v(1)));
        assert_eq!(un(Eqz, Type::I32, i32v(5)), Ok(i32v(0)));
    }

    #[test]
    fn comparisons_distinguish_signedness_and_nan() {
        use CmpOp::*;
        assert_eq!(cmp(LtS, Type::I32, i32v(-1), i32v(0)), i32v(1));
        assert_eq!(cmp(LtU, Type::I32, i32v(-1), i32v(0)), i32v(0));
        assert_eq!(cmp(GeU, Type::I64, i64v(-1), i64v(0)), i32v(1));
        assert_eq!(cmp(GtS, Type::I64, i64v(-1), i64v(0)), i32v(0));
        assert_eq!(cmp(Eq, Type::F64, f64v(f64::NAN), f64v(f64::NAN)), i32v(0));
        assert_eq!(cmp(Ne, Type::F64, f64v(f64::NAN), f64v(f64::NAN)), i32v(1));
        assert_eq!(cmp(Eq, Type::F32, f32v(-0.0), f32v(0.0)), i32v(1));
        assert_eq!(cmp(Lt, Type::F32, f32v(1.0), f32v(f32::NAN)), i32v(0));
        assert_eq!(cmp(Ge, Type::F64, f64v(2.0), f64v(2.0)), i32v(1));
    }

    #[test]
    fn float_min_max_follow_wasm() {
        use BinaryOp::*;
        let f = Type::F64;
        let min = bin(Min, f, f64v(-0.0), f64v(0.0)).unwrap();
        assert_eq!(min, f64v(-0.0));
        assert_eq!(bin(Min, f, f64v(0.0), f64v(-0.0)), Ok(f64v(-0.0)));
        assert_eq!(bin(Max, f, f64v(-0.0), f64v(0.0)), Ok(f64v(0.0)));
        assert_eq!(bin(Max, f, f64v(0.0), f64v(-0.0)), Ok(f64v(0.0)));
        assert_eq!(
            bin(Min, f, f64v(1.0), f64v(f64::NAN)),
            Ok(Value::F64(0x7ff8_0000_0000_0000))
        );
        assert_eq!(
            bin(Max, Type::F32, f32v(f32::NAN), f32v(1.0)),
            Ok(Value::F32(0x7fc0_0000))
        );
        assert_eq!(bin(Max, Type::F32, f32v(-3.0), f32v(2.0)), Ok(f32v(2.0)));
        assert_eq!(bin(Min, Type::F32, f32v(-3.0), f32v(2.0)), Ok(f32v(-3.0)));
    }

    #[test]
    fn float_arithmetic_is_ieee_with_canonical_nans() {
        use BinaryOp::*;
        assert_eq!(
            bin(Div, Type::F64, f64v(1.0), f64v(0.0)),
            Ok(f64v(f64::INFINITY))
        );
        assert_eq!(
            bin(Sub, Type::F64, f64v(f64::INFINITY), f64v(f64::INFINITY)),
            Ok(Value::F64(0x7ff8_0000_0000_0000))
        );
        assert_eq!(
            bin(Add, Type::F32, f32v(0.1), f32v(0.2)),
            Ok(f32v(0.1 + 0.2))
        );
        assert_eq!(
            bin(Mul, Type::F32, Value::F32(0xffc0_1234), f32v(1.0)),
            Ok(Value::F32(0x7fc0_0000))
        );
        assert_eq!(
            bin(Copysign, Type::F64, f64v(3.0), f64v(-0.0)),
            Ok(f64v(-3.0))
        );
        assert_eq!(
            bin(Copysign, Type::F32, Value::F32(0x7fc0_0001), f32v(-1.0)),
            Ok(Value::F32(0xffc0_0001))
        );
    }

    #[test]
    fn float_unary_ops() {
        use UnaryOp::*;
        let f = Type::F64;
        assert_eq!(un(Nearest, f, f64v(2.5)), Ok(f64v(2.0)));
        assert_eq!(un(Nearest, f, f64v(3.5)), Ok(f64v(4.0)));
        assert_eq!(un(Nearest, f, f64v(-0.5)), Ok(f64v(-0.0)));
        assert_eq!(un(Nearest, Type::F32, f32v(-2.5)), Ok(f32v(-2.0)));
        assert_eq!(un(Ceil, f, f64v(-0.5)), Ok(f64v(-0.0)));
        assert_eq!(un(Floor, f, f64v(-0.5)), Ok(f64v(-1.0)));
        assert_eq!(un(Trunc, Type::F32, f32v(-1.7)), Ok(f32v(-1.0)));
        assert_eq!(un(Sqrt, f, f64v(16.0)), Ok(f64v(4.0)));
        assert_eq!(
            un(Sqrt, f, f64v(-1.0)),
            Ok(Value::F64(0x7ff8_0000_0000_0000))
        );
        // abs and neg only touch the sign bit, NaN payloads included.
        assert_eq!(
            un(Abs, Type::F32, Value::F32(0xffc0_0001)),
            Ok(Value::F32(0x7fc0_0001))
        );
        assert_eq!(
            un(Neg, f, Value::F64(0x7ff0_0000_0000_0001)),
            Ok(Value::F64(0xfff0_0000_0000_0001))
        );
        assert_eq!(un(Neg, f, f64v(0.0)), Ok(f64v(-0.0)));
    }

    #[test]
    fn trapping_truncation_has_exact_bounds() {
        let t = |m, v| conv(W64, m, v);
        assert_eq!(t("i32.trunc_f64_s", f64v(2147483647.9)), Ok(i32v(i32::MAX)));
        assert_eq!(
            t("i32.trunc_f64_s", f64v(2147483648.0)),
            Err(IntegerOverflow)
        );
        assert_eq!(
            t("i32.trunc_f64_s", f64v(-2147483648.9)),
            Ok(i32v(i32::MIN))
        );
        assert_eq!(
            t("i32.trunc_f64_s", f64v(-2147483649.0)),
            Err(IntegerOverflow)
        );
        assert_eq!(t("i32.trunc_f64_s", f64v(f64::NAN)), Err(InvalidConversion));
        assert_eq!(
            t("i32.trunc_f32_s", f32v(-2147483648.0)),
            Ok(i32v(i32::MIN))
        );
        assert_eq!(
            t("i32.trunc_f32_s", f32v(2147483648.0)),
            Err(IntegerOverflow)
        );
        assert_eq!(t("i32.trunc_f32_u", f32v(-0.9)), Ok(i32v(0)));
        assert_eq!(t("i32.trunc_f32_u", f32v(-1.0)), Err(IntegerOverflow));
        assert_eq!(t("i32.trunc_f64_u", f64v(4294967295.9)), Ok(i32v(-1)));
        assert_eq!(
            t("i32.trunc_f64_u", f64v(4294967296.0)),
            Err(IntegerOverflow)
        );
        assert_eq!(
            t("i64.trunc_f64_s", f64v(-9223372036854775808.0)),
            Ok(i64v(i64::MIN))
        );
        assert_eq!(
            t("i64.trunc_f64_s", f64v(9223372036854775808.0)),
            Err(IntegerOverflow)
        );
        assert_eq!(
            t("i64.trunc_f32_u", f32v(18446742974197923840.0)),
            Ok(i64v(-1099511627776))
        );
        assert_eq!(
            t("i64.trunc_f64_u", f64v(18446744073709551616.0)),
            Err(IntegerOverflow)
        );
        assert_eq!(
            t("i64.trunc_f64_u", f64v(f64::INFINITY)),
            Err(IntegerOverflow)
        );
        assert_eq!(t("i64.trunc_f32_s", f32v(f32::NAN)), Err(InvalidConversion));
    }

    #[test]
    fn saturating_truncation() {
        let t = |m, v| conv(W64, m, v).unwrap();
        assert_eq!(t("i32.trunc_sat_f64_s", f64v(f64::NAN)), i32v(0));
        assert_eq!(t("i32.trunc_sat_f64_s", f64v(1e10)), i32v(i32::MAX));
        assert_eq!(t("i32.trunc_sat_f32_s", f32v(-1e10)), i32v(i32::MIN));
        assert_eq!(t("i32.trunc_sat_f32_u", f32v(-5.0)), i32v(0));
        assert_eq!(t("i32.trunc_sat_f64_u", f64v(1e10)), i32v(-1));
        assert_eq!(t("i64.trunc_sat_f64_u", f64v(f64::INFINITY)), i64v(-1));
        assert_eq!(
            t("i64.trunc_sat_f32_s", f32v(f32::NEG_INFINITY)),
            i64v(i64::MIN)
        );
        assert_eq!(t("i64.trunc_sat_f64_s", f64v(-3.9)), i64v(-3));
    }

    #[test]
    fn integer_conversions() {
        let t = |m, v| conv(W64, m, v).unwrap();
        assert_eq!(t("i64.extend_i32_s", i32v(-1)), i64v(-1));
        assert_eq!(t("i64.extend_i32_u", i32v(-1)), i64v(0xffff_ffff));
        assert_eq!(t("i32.wrap_i64", i64v(0x1_2345_6789)), i32v(0x2345_6789));
        assert_eq!(t("i32.extend8_s", i32v(0x80)), i32v(-128));
        assert_eq!(t("i32.extend16_s", i32v(0x1_7fff)), i32v(0x7fff));
        assert_eq!(t("i64.extend8_s", i64v(0xff)), i64v(-1));
        assert_eq!(t("i64.extend32_s", i64v(0x8000_0000)), i64v(-0x8000_0000));
    }

    #[test]
    fn float_conversions() {
        let t = |m, v| conv(W64, m, v).unwrap();
        assert_eq!(
            t("f32.convert_i64_u", i64v(-1)),
            f32v(18446744073709551615u64 as f32)
        );
        assert_eq!(t("f64.convert_i32_u", i32v(-1)), f64v(4294967295.0));
        assert_eq!(t("f64.convert_i32_s", i32v(-1)), f64v(-1.0));
        // Rounded once, to nearest even: 2^53 + 1 is not representable.
        assert_eq!(
            t("f64.convert_i64_s", i64v((1 << 53) + 1)),
            f64v(9007199254740992.0)
        );
        assert_eq!(t("f32.convert_i64_s", i64v(16777217)), f32v(16777216.0));
        assert_eq!(t("f32.demote_f64", f64v(1e300)), f32v(f32::INFINITY));
        assert_eq!(t("f32.demote_f64", f64v(0.1)), f32v(0.1));
        assert_eq!(t("f64.promote_f32", f32v(1.5)), f64v(1.5));
        assert_eq!(t("i32.reinterpret_f32", f32v(-0.0)), i32v(i32::MIN));
        assert_eq!(
            t("f64.reinterpret_i64", i64v(0x7ff8_0000_0000_0001)),
            Value::F64(0x7ff8_0000_0000_0001)
        );
        assert_eq!(t("f32.reinterpret_i32", i32v(-1)), Value::F32(u32::MAX));
    }

    #[test]
    fn pointer_conversions_depend_on_the_target() {
        let big = i64v(0x1_0000_0010);
        assert_eq!(conv(W64, "ptr.wrap_i64", big), Ok(big));
        assert_eq!(conv(W32, "ptr.wrap_i64", big), Ok(i32v(0x10)));
        assert_eq!(
            conv(W64, "ptr.extend_i32_u", i32v(-1)),
            Ok(i64v(0xffff_ffff))
        );
        assert_eq!(conv(W64, "ptr.extend_i32_s", i32v(-1)), Ok(i64v(-1)));
        assert_eq!(conv(W32, "ptr.extend_i32_s", i32v(-1)), Ok(i32v(-1)));
        assert_eq!(conv(W64, "i32.wrap_ptr", big), Ok(i32v(0x10)));
        assert_eq!(conv(W32, "i32.wrap_ptr", i32v(7)), Ok(i32v(7)));
        assert_eq!(conv(W64, "i64.extend_ptr_u", i64v(-1)), Ok(i64v(-1)));
        assert_eq!(
            conv(W32, "i64.extend_ptr_u", i32v(-1)),
            Ok(i64v(0xffff_ffff))
        );
        assert_eq!(conv(W32, "i64.extend_ptr_s", i32v(-1)), Ok(i64v(-1)));
    }

    #[test]
    fn select_picks_by_nonzero_condition() {
        let f = |c| {
            eval(
                W64,
                &[Type::I32, Type::F64, Type::F64],
                Type::F64,
                &[i32v(c), f64v(1.0), f64v(2.0)],
                |p| Op::Select {
                    ty: Type::F64,
                    cond: p[0],
                    if_true: p[1],
                    if_false: p[2],
                },
            )
        };
        assert_eq!(f(0), Ok(f64v(2.0)));
        assert_eq!(f(-5), Ok(f64v(1.0)));
    }

    fn access(ty: Type, narrow: Option<(u8, bool)>) -> MemAccess {
        MemAccess {
            ty,
            narrow: narrow.map(|(bits, signed)| Narrow { bits, signed }),
        }
    }

    /// Stores `value` with `store` at `addr` and loads it back with `load`.
    fn round_trip(
        target: Target,
        store: MemAccess,
        load: MemAccess,
        addr: u64,
        value: Value,
    ) -> Result<Value, TrapKind> {
        let mut m = Module::default();
        add_fn(&mut m, "f", &[store.ty], &[load.ty], |b, p| {
            let a = b.iconst(Type::Ptr, addr as i64);
            b.store(store, a, p[0], 4);
            let v = b.load(load, a, 4);
            b.ret(&[v]);
        });
        match run(&m, target, "f", &[value]) {
            Ok(v) => Ok(v[0]),
            Err(InterpError::Trap(t)) => Err(t.kind),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn memory_round_trips_little_endian() {
        let full = |ty| access(ty, None);
        let v = i64v(0x0102_0304_0506_0788);
        assert_eq!(
            round_trip(W64, full(Type::I64), full(Type::I64), 1000, v),
            Ok(v)
        );
        let narrow = access(Type::I64, Some((8, true)));
        assert_eq!(
            round_trip(W64, full(Type::I64), narrow, 1000, v),
            Ok(i64v(-120))
        );
        let narrow = access(Type::I64, Some((8, false)));
        assert_eq!(
            round_trip(W64, full(Type::I64), narrow, 1000, v),
            Ok(i64v(0x88))
        );
        let narrow = access(Type::I32, Some((16, true)));
        let store16 = access(Type::I32, Some((16, false)));
        assert_eq!(
            round_trip(W32, store16, narrow, 1000, i32v(0x1_8001)),
            Ok(i32v(-32767))
        );
        let load32 = access(Type::I64, Some((32, false)));
        assert_eq!(
            round_trip(W64, full(Type::I32), load32, 8, i32v(-1)),
            Ok(i64v(0xffff_ffff))
        );
        let f = f32v(1.25);
        assert_eq!(
            round_trip(W32, full(Type::F32), full(Type::F32), 64, f),
            Ok(f)
        );
        let p = i32v(0x1234_5678);
        assert_eq!(
            round_trip(W32, full(Type::Ptr), full(Type::Ptr), 64, p),
            Ok(p)
        );
    }

    #[test]
    fn memory_bounds_are_exact() {
        let full = access(Type::I32, None);
        let mut m = Module::default();
        let layout = Layout::new(&m, W64).unwrap();
        let len = layout.min_pages * PAGE_SIZE;
        // The accesses add an offset of 4.
        assert_eq!(round_trip(W64, full, full, len - 8, i32v(1)), Ok(i32v(1)));
        assert_eq!(
            round_trip(W64, full, full, len - 7, i32v(1)),
            Err(OutOfBounds)
        );
        assert_eq!(
            round_trip(W32, full, full, 0xffff_fffc, i32v(1)),
            Err(OutOfBounds)
        );
        // On wasm64, address + offset overflowing is out of bounds, not a wrap.
        add_fn(&mut m, "f", &[Type::Ptr], &[Type::I32], |b, p| {
            let v = b.load(full, p[0], 8);
            b.ret(&[v]);
        });
        let r = run(&m, W64, "f", &[i64v(-4)]);
        assert_eq!(trap_of(r).kind, OutOfBounds);
        let r = run(&m, W32, "f", &[i32v(-4)]);
        assert_eq!(trap_of(r).kind, OutOfBounds);
    }

    #[test]
    fn memory_grow_size_copy_and_fill() {
        let mut m = Module::default();
        add_fn(&mut m, "grow", &[Type::Ptr], &[Type::Ptr], |b, p| {
            let old = b.ins(Op::MemoryGrow(p[0]))[0];
            b.ret(&[old]);
        });
        add_fn(&mut m, "size", &[], &[Type::Ptr], |b, _| {
            let s = b.ins(Op::MemorySize)[0];
            b.ret(&[s]);
        });
        add_fn(
            &mut m,
            "copy",
            &[Type::Ptr, Type::Ptr, Type::Ptr],
            &[],
            |b, p| {
                b.ins(Op::MemoryCopy {
                    dst: p[0],
                    src: p[1],
                    len: p[2],
                });
                b.ret(&[]);
            },
        );
        add_fn(
            &mut m,
            "fill",
            &[Type::Ptr, Type::I32, Type::Ptr],
            &[],
            |b, p| {
                b.ins(Op::MemoryFill {
                    dst: p[0],
                    byte: p[1],
                    len: p[2],
                });
                b.ret(&[]);
            },
        );
        for target in [W64, W32] {
            let p = |v: u64| match target {
                W64 => i64v(v as i64),
                _ => i32v(v as i32),
            };
            let mut it = Interpreter::new(&m, target).unwrap();
            let pages = it.layout().min_pages;
            assert_eq!(it.call("size", &[]).unwrap(), [p(pages)]);
            assert_eq!(it.call("grow", &[p(2)]).unwrap(), [p(pages)]);
            assert_eq!(it.memory().len() as u64, (pages + 2) * PAGE_SIZE);
            assert_eq!(it.call("grow", &[p(MAX_PAGES)]).unwrap(), [p(u64::MAX)]);
            assert_eq!(it.call("grow", &[p(u64::MAX)]).unwrap(), [p(u64::MAX)]);
            assert_eq!(it.call("size", &[]).unwrap(), [p(pages + 2)]);
            it.call("fill", &[p(100), i32v(0x1ab), p(4)]).unwrap();
            assert_eq!(&it.memory()[99..105], [0, 0xab, 0xab, 0xab, 0xab, 0]);
            // Overlapping copy, forwards.
            it.call("copy", &[p(102), p(100), p(4)]).unwrap();
            assert_eq!(
                &it.memory()[100..107],
                [0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0]
            );
            // Out of bounds: nothing is written.
            let end = it.memory().len() as u64;
            let r = it.call("fill", &[p(end - 2), i32v(1), p(4)]);
            assert_eq!(trap_of(r).kind, OutOfBounds);
            assert_eq!(it.memory()[end as usize - 1], 0);
            let r = it.call("copy", &[p(end - 2), p(100), p(4)]);
            assert_eq!(trap_of(r).kind, OutOfBounds);
            assert_eq!(it.memory()[end as usize - 2], 0);
            it.call("fill", &[p(end), i32v(1), p(0)]).unwrap();
        }
    }

    #[test]
    fn growing_to_exactly_the_maximum_succeeds() {
        let mut m = Module::default();
        add_fn(&mut m, "grow", &[Type::Ptr], &[Type::Ptr], |b, p| {
            let old = b.ins(Op::MemoryGrow(p[0]))[0];
            b.ret(&[old]);
        });
        let mut it = Interpreter::new(&m, W32).unwrap();
        let pages = it.layout().min_pages;
        let delta = (MAX_PAGES - pages) as i32;
        assert_eq!(it.call("grow", &[i32v(delta + 1)]).unwrap(), [i32v(-1)]);
        assert_eq!(
            it.call("grow", &[i32v(delta)]).unwrap(),
            [i32v(pages as i32)]
        );
        assert_eq!(
            it.call("grow", &[i32v(0)]).unwrap(),
            [i32v(MAX_PAGES as i32)]
        );
    }

    #[test]
    fn data_and_globals_are_initialised_from_the_layout() {
        let mut m = Module::default();
        let msg = m.add_data(Data {
            name: "msg".into(),
            align: 4,
            items: vec![DataItem::Bytes(b"hi!".to_vec())],
            span: Span::NONE,
        });
        let f = add_fn(&mut m, "f", &[], &[Type::I32], |b, _| {
            let a = b.ins(Op::DataAddr(msg))[0];
            let v = b.load(access(Type::I32, Some((8, false))), a, 1);
            b.ret(&[v]);
        });
        m.add_data(Data {
            name: "table".into(),
            align: 8,
            items: vec![DataItem::DataAddr(msg, 2), DataItem::FuncAddr(f)],
            span: Span::NONE,
        });
        let global = |name: &str, ty, init| Global {
            name: name.into(),
            ty,
            mutable: true,
            init,
            span: Span::NONE,
        };
        m.add_global(global("p", Type::Ptr, GlobalInit::DataAddr(msg, 1)));
        m.add_global(global("fp", Type::Ptr, GlobalInit::FuncAddr(f)));
        m.add_global(global(
            "x",
            Type::F64,
            GlobalInit::Const(Const::F64(2.5f64.to_bits())),
        ));
        for target in [W64, W32] {
            let mut it = Interpreter::new(&m, target).unwrap();
            let layout = it.layout().clone();
            let at = layout.data_addr(msg) as usize;
            assert_eq!(&it.memory()[at..at + 3], b"hi!");
            let table = layout.data_addr(DataId(1)) as usize;
            assert_eq!(it.memory()[table], at as u8 + 2);
            let fp_at = table + target.pointer_bits() as usize / 8;
            assert_eq!(it.memory()[fp_at], 1);
            assert_eq!(it.call("f", &[]).unwrap(), [i32v(b'i' as i32)]);
            let p = it.global("@p").unwrap();
            assert_eq!(p, Value::zero(Type::Ptr, target).with_bits(at as u64 + 1));
            assert_eq!(
                it.global("fp").unwrap(),
                Value::zero(Type::Ptr, target).with_bits(1)
            );
            assert_eq!(it.global("x"), Some(f64v(2.5)));
            assert_eq!(it.stack_pointer(), layout.stack_top);
        }
    }

    trait WithBits {
        fn with_bits(self, bits: u64) -> Value;
    }

    impl WithBits for Value {
        fn with_bits(self, bits: u64) -> Value {
            match self {
                Value::I32(_) => Value::I32(bits as i32),
                _ => Value::I64(bits as i64),
            }
        }
    }

    #[test]
    fn globals_and_vars() {
        let mut m = Module::default();
        let g = m.add_global(Global {
            name: "count".into(),
            ty: Type::I64,
            mutable: true,
            init: GlobalInit::Const(Const::I64(40)),
            span: Span::NONE,
        });
        add_fn(&mut m, "bump", &[], &[Type::I64, Type::I32], |b, _| {
            let x = b.var("x", Type::I32);
            let zero = b.var_get(x);
            let c = b.global_get(g);
            let one = b.iconst(Type::I64, 1);
            let c1 = b.binary(BinaryOp::Add, Type::I64, c, one);
            b.global_set(g, c1);
            let seven = b.iconst(Type::I32, 7);
            b.var_set(x, seven);
            let back = b.var_get(x);
            let sum = b.binary(BinaryOp::Add, Type::I32, zero, back);
            b.ret(&[c1, sum]);
        });
        let mut it = Interpreter::new(&m, W64).unwrap();
        assert_eq!(it.call("bump", &[]).unwrap(), [i64v(41), i32v(7)]);
        // Variables start at zero on every call; globals persist.
        assert_eq!(it.call("bump", &[]).unwrap(), [i64v(42), i32v(7)]);
        assert_eq!(it.global("count"), Some(i64v(42)));
    }

    /// `@sum(n)`: a loop with block parameters, summing 1..=n in i64.
    fn sum_loop(m: &mut Module) {
        add_fn(m, "sum", &[Type::I64], &[Type::I64], |b, p| {
            let head = b.create_block("head");
            let i = b.block_param(head, "i", Type::I64);
            let acc = b.block_param(head, "acc", Type::I64);
            let body = b.create_block("body");
            let exit = b.create_block("exit");
            let zero = b.iconst(Type::I64, 0);
            b.jump(head, &[zero, zero]);
            b.switch_to_block(head);
            let done = b.compare(CmpOp::GeS, Type::I64, i, p[0]);
            b.brif(done, Edge::new(exit, vec![]), Edge::new(body, vec![]));
            b.switch_to_block(body);
            let one = b.iconst(Type::I64, 1);
            let next = b.binary(BinaryOp::Add, Type::I64, i, one);
            let acc2 = b.binary(BinaryOp::Add, Type::I64, acc, next);
            b.jump(head, &[next, acc2]);
            b.switch_to_block(exit);
            b.ret(&[acc]);
        });
    }

    #[test]
    fn a_loop_with_block_parameters() {
        let mut m = Module::default();
        sum_loop(&mut m);
        assert_eq!(run(&m, W64, "sum", &[i64v(100)]).unwrap(), [i64v(5050)]);
        assert_eq!(run(&m, W32, "sum", &[i64v(0)]).unwrap(), [i64v(0)]);
    }

    #[test]
    fn block_arguments_are_assigned_in_parallel() {
        // fib by iteration: (a, b) <- (b, a + b), and a swap-only edge (a, b) <- (b, a).
        let mut m = Module::default();
        add_fn(&mut m, "fib", &[Type::I32], &[Type::I32], |b, p| {
            let head = b.create_block("head");
            let n = b.block_param(head, "n", Type::I32);
            let x = b.block_param(head, "a", Type::I32);
            let y = b.block_param(head, "b", Type::I32);
            let body = b.create_block("body");
            let exit = b.create_block("exit");
            let zero = b.iconst(Type::I32, 0);
            let one = b.iconst(Type::I32, 1);
            b.jump(head, &[p[0], zero, one]);
            b.switch_to_block(head);
            b.brif(n, Edge::new(body, vec![]), Edge::new(exit, vec![]));
            b.switch_to_block(body);
            let s = b.binary(BinaryOp::Add, Type::I32, x, y);
            let one = b.iconst(Type::I32, 1);
            let n1 = b.binary(BinaryOp::Sub, Type::I32, n, one);
            b.jump(head, &[n1, y, s]);
            b.switch_to_block(exit);
            b.ret(&[x]);
        });
        add_fn(
            &mut m,
            "swap",
            &[Type::I32, Type::I32],
            &[Type::I32],
            |b, p| {
                let head = b.create_block("head");
                let x = b.block_param(head, "a", Type::I32);
                let y = b.block_param(head, "b", Type::I32);
                let twice = b.create_block("twice");
                let out = b.create_block("out");
                b.jump(head, &[p[0], p[1]]);
                b.switch_to_block(head);
                b.brif(x, Edge::new(twice, vec![]), Edge::new(out, vec![]));
                b.switch_to_block(twice);
                b.jump(head, &[y, x]);
                b.switch_to_block(out);
                b.ret(&[y]);
            },
        );
        assert_eq!(run(&m, W64, "fib", &[i32v(20)]).unwrap(), [i32v(6765)]);
        // (5, 0) -> (0, 5): out returns 5.
        assert_eq!(
            run(&m, W64, "swap", &[i32v(5), i32v(0)]).unwrap(),
            [i32v(5)]
        );
    }

    #[test]
    fn switch_uses_the_index_as_unsigned() {
        let mut m = Module::default();
        add_fn(&mut m, "f", &[Type::I32], &[Type::I32], |b, p| {
            let blocks: Vec<BlockId> = (0..3).map(|i| b.create_block(&format!("b{i}"))).collect();
            let targets = blocks[..2].iter().map(|&t| Edge::new(t, vec![])).collect();
            b.switch(p[0], targets, Edge::new(blocks[2], vec![]));
            for (i, &blk) in blocks.iter().enumerate() {
                b.switch_to_block(blk);
                let v = b.iconst(Type::I32, 10 + i as i64);
                b.ret(&[v]);
            }
        });
        let r = |i| run(&m, W64, "f", &[i32v(i)]).unwrap()[0];
        assert_eq!(
            [r(0), r(1), r(2), r(-1)],
            [i32v(10), i32v(11), i32v(12), i32v(12)]
        );
    }

    /// `@fib(n)` recursively, and `@depth(n)` recursing n times.
    fn recursive(m: &mut Module) {
        let fib = FuncId(m.funcs.len() as u32);
        add_fn(m, "fib", &[Type::I32], &[Type::I32], |b, p| {
            let small = b.create_block("small");
            let big = b.create_block("big");
            let two = b.iconst(Type::I32, 2);
            let lt = b.compare(CmpOp::LtS, Type::I32, p[0], two);
            b.brif(lt, Edge::new(small, vec![]), Edge::new(big, vec![]));
            b.switch_to_block(small);
            b.ret(&[p[0]]);
            b.switch_to_block(big);
            let one = b.iconst(Type::I32, 1);
            let n1 = b.binary(BinaryOp::Sub, Type::I32, p[0], one);
            let n2 = b.binary(BinaryOp::Sub, Type::I32, n1, one);
            let a = b.call(fib, &[n1])[0];
            let c = b.call(fib, &[n2])[0];
            let s = b.binary(BinaryOp::Add, Type::I32, a, c);
            b.ret(&[s]);
        });
        let depth = FuncId(m.funcs.len() as u32);
        add_fn(m, "depth", &[Type::I32], &[Type::I32], |b, p| {
            let rec = b.create_block("rec");
            let done = b.create_block("done");
            b.brif(p[0], Edge::new(rec, vec![]), Edge::new(done, vec![]));
            b.switch_to_block(rec);
            let one = b.iconst(Type::I32, 1);
            let n1 = b.binary(BinaryOp::Sub, Type::I32, p[0], one);
            let r = b.call(depth, &[n1])[0];
            let r1 = b.binary(BinaryOp::Add, Type::I32, r, one);
            b.ret(&[r1]);
            b.switch_to_block(done);
            b.ret(&[p[0]]);
        });
    }

    #[test]
    fn recursion() {
        let mut m = Module::default();
        recursive(&mut m);
        assert_eq!(run(&m, W64, "fib", &[i32v(20)]).unwrap(), [i32v(6765)]);
        assert_eq!(
            run(&m, W32, "depth", &[i32v(99_999)]).unwrap(),
            [i32v(99_999)]
        );
    }

    #[test]
    fn deep_recursion_exhausts_the_call_stack_without_crashing() {
        let mut m = Module::default();
        recursive(&mut m);
        let mut it = Interpreter::new(&m, W64).unwrap();
        let trap = trap_of(it.call("depth", &[i32v(1_000_000)]));
        assert_eq!(trap.kind, CallStackExhausted);
        assert_eq!(trap.backtrace.len(), MAX_FRAMES + 1);
        assert!(trap.backtrace.iter().all(|n| n == "depth"));
        // The interpreter is usable afterwards.
        assert_eq!(it.call("depth", &[i32v(10)]).unwrap(), [i32v(10)]);
    }

    /// `@slots(x)`: stores `x` in one of two slots and returns (load, addr).
    fn slot_module() -> Module {
        let mut m = Module::default();
        add_fn(
            &mut m,
            "slots",
            &[Type::I64],
            &[Type::I64, Type::Ptr],
            |b, p| {
                let s1 = b.slot("a", 4, 4);
                let s2 = b.slot("b", 8, 8);
                let _ = s1;
                let addr = b.ins(Op::SlotAddr(s2))[0];
                let full = MemAccess {
                    ty: Type::I64,
                    narrow: None,
                };
                b.store(full, addr, p[0], 0);
                let v = b.load(full, addr, 0);
                b.ret(&[v, addr]);
            },
        );
        m
    }

    #[test]
    fn stack_slots_live_below_the_stack_pointer() {
        let m = slot_module();
        for target in [W64, W32] {
            let mut it = Interpreter::new(&m, target).unwrap();
            let top = it.layout().stack_top;
            let out = it.call("slots", &[i64v(-2)]).unwrap();
            assert_eq!(out[0], i64v(-2));
            // Frame: a at 0 (4 bytes), b at 8 (8 bytes): 16 bytes.
            let expected = top - 16 + 8;
            assert_eq!(out[1], Value::zero(Type::Ptr, target).with_bits(expected));
            let at = expected as usize;
            assert_eq!(&it.memory()[at..at + 8], (-2i64).to_le_bytes());
            assert_eq!(it.stack_pointer(), top);
        }
    }

    #[test]
    fn stack_overflow_traps_unreachable_and_keeps_the_stack_pointer() {
        let mut m = Module::default();
        let f = FuncId(0);
        add_fn(&mut m, "down", &[], &[], |b, _| {
            b.slot("big", 1000, 16);
            b.call(f, &[]);
            b.ret(&[]);
        });
        let mut it = Interpreter::new(&m, W32).unwrap();
        let base = it.layout().stack_base;
        let trap = trap_of(it.call("down", &[]));
        assert_eq!(trap.kind, Unreachable);
        // The frames of 1008 bytes that fit the shadow stack, then one that traps.
        let fit = (crate::memory::STACK_SIZE / 1008) as usize;
        assert_eq!(trap.backtrace.len(), fit + 1);
        assert!(it.stack_pointer() - base < 1008);
    }

    #[test]
    fn call_indirect_checks_null_range_and_signature() {
        let mut m = Module::default();
        let target_fn = add_fn(&mut m, "twice", &[Type::I64], &[Type::I64], |b, p| {
            let s = b.binary(BinaryOp::Add, Type::I64, p[0], p[0]);
            b.ret(&[s]);
        });
        let call = |m: &mut Module, name: &str, params: Vec<Type>, results: Vec<Type>| {
            add_fn(
                m,
                name,
                &[Type::Ptr, params[0]],
                &results.clone(),
                |b, p| {
                    let r = b.ins(Op::CallIndirect {
                        sig: Box::new(Signature { params, results }),
                        callee: p[0],
                        args: vec![p[1]],
                    });
                    b.ret(&r);
                },
            );
        };
        call(&mut m, "via_i64", vec![Type::I64], vec![Type::I64]);
        call(&mut m, "via_i32", vec![Type::I32], vec![Type::I32]);
        // Taking the address puts `twice` in the table, at 1.
        add_fn(&mut m, "addr", &[], &[Type::Ptr], |b, _| {
            let a = b.ins(Op::FuncAddr(target_fn))[0];
            b.ret(&[a]);
        });
        let mut it = Interpreter::new(&m, W64).unwrap();
        assert_eq!(it.call("addr", &[]).unwrap(), [i64v(1)]);
        assert_eq!(
            it.call("via_i64", &[i64v(1), i64v(21)]).unwrap(),
            [i64v(42)]
        );
        let kind = |r| trap_of(r).kind;
        assert_eq!(
            kind(it.call("via_i64", &[i64v(0), i64v(1)])),
            UninitializedElement
        );
        assert_eq!(
            kind(it.call("via_i64", &[i64v(2), i64v(1)])),
            UndefinedElement
        );
        assert_eq!(
            kind(it.call("via_i64", &[i64v(-1), i64v(1)])),
            UndefinedElement
        );
        assert_eq!(
            kind(it.call("via_i32", &[i64v(1), i32v(1)])),
            IndirectCallTypeMismatch
        );
        let trap = trap_of(it.call("via_i32", &[i64v(1), i32v(1)]));
        assert_eq!(trap.backtrace, ["via_i32"]);
    }

    #[test]
    fn indirect_signatures_compare_after_lowering_ptr() {
        let mut m = Module::default();
        let id = add_fn(&mut m, "id", &[Type::I64], &[Type::I64], |b, p| {
            b.ret(&[p[0]])
        });
        add_fn(&mut m, "f", &[Type::Ptr], &[Type::Ptr], |b, p| {
            let fp = b.ins(Op::FuncAddr(id))[0];
            let r = b.ins(Op::CallIndirect {
                sig: Box::new(sig(&[Type::Ptr], &[Type::Ptr])),
                callee: fp,
                args: vec![p[0]],
            });
            b.ret(&r);
        });
        assert_eq!(run(&m, W64, "f", &[i64v(9)]).unwrap(), [i64v(9)]);
        let trap = trap_of(run(&m, W32, "f", &[i32v(9)]));
        assert_eq!(trap.kind, IndirectCallTypeMismatch);
    }

    /// `@three` runs three instructions (two and a return) and returns 2;
    /// `@spin` loops forever.
    fn three_and_spin() -> Module {
        let mut m = Module::default();
        add_fn(&mut m, "three", &[], &[Type::I32], |b, _| {
            let x = b.iconst(Type::I32, 1);
            let y = b.binary(BinaryOp::Add, Type::I32, x, x);
            b.ret(&[y]);
        });
        add_fn(&mut m, "spin", &[], &[], |b, _| {
            let lp = b.create_block("loop");
            b.jump(lp, &[]);
            b.switch_to_block(lp);
            b.jump(lp, &[]);
        });
        m
    }

    #[test]
    fn fuel_counts_instructions_and_terminators() {
        let m = three_and_spin();
        let mut it = Interpreter::new(&m, W64).unwrap();
        it.set_fuel(Some(3));
        assert_eq!(it.call("three", &[]).unwrap(), [i32v(2)]);
        assert_eq!(it.fuel(), Some(0));
        it.set_fuel(Some(2));
        assert_eq!(trap_of(it.call("three", &[])).kind, Interrupted);
        it.set_fuel(Some(1_000_000));
        let trap = trap_of(it.call("spin", &[]));
        assert_eq!(
            (trap.kind, trap.backtrace),
            (Interrupted, vec!["spin".to_string()])
        );
        it.set_fuel(None);
        assert_eq!(it.fuel(), None);
        assert_eq!(it.call("three", &[]).unwrap(), [i32v(2)]);
    }

    #[test]
    fn a_timeout_stops_a_loop_and_keeps_fuel_exact() {
        let m = three_and_spin();
        let mut it = Interpreter::new(&m, W64).unwrap();
        let limit = Duration::from_millis(50);
        it.set_timeout(Some(limit));
        let start = Instant::now();
        let err = it.call("spin", &[]).unwrap_err();
        let elapsed = start.elapsed();
        assert_eq!(
            err,
            InterpError::Timeout {
                limit,
                backtrace: vec!["spin".to_string()]
            }
        );
        assert!(elapsed >= limit && elapsed < limit * 20, "{elapsed:?}");
        // Fuel still counts every instruction, across the clock's checks.
        let fuel = 3 * CLOCK_EVERY + 5;
        it.set_fuel(Some(fuel));
        assert_eq!(it.call("three", &[]).unwrap(), [i32v(2)]);
        assert_eq!(it.fuel(), Some(fuel - 3));
        assert_eq!(trap_of(it.call("spin", &[])).kind, Interrupted);
        assert_eq!(it.fuel(), Some(0));
        it.set_fuel(None);
        it.set_timeout(None);
        assert_eq!(it.call("three", &[]).unwrap(), [i32v(2)]);
    }

    #[test]
    fn unreachable_traps_with_a_backtrace() {
        let mut m = Module::default();
        add_fn(&mut m, "inner", &[], &[], |b, _| b.unreachable());
        add_fn(&mut m, "outer", &[], &[], |b, _| {
            b.call(FuncId(0), &[]);
            b.ret(&[]);
        });
        let trap = trap_of(run(&m, W64, "outer", &[]));
        assert_eq!(trap.kind, Unreachable);
        assert_eq!(trap.backtrace, ["inner", "outer"]);
        assert_eq!(
            trap.to_string(),
            "unreachable\n    at @inner\n    at @outer"
        );
    }

    fn import(m: &mut Module, name: &str, params: &[Type], results: &[Type]) -> FuncId {
        let linkage = Linkage::Import {
            module: "env".into(),
            name: name.into(),
        };
        m.add_function(Function::new(name, sig(params, results), linkage))
    }

    #[test]
    fn imports_call_host_functions() {
        let mut m = Module::default();
        let add = import(&mut m, "add", &[Type::I32, Type::Ptr], &[Type::I32]);
        let boom = import(&mut m, "boom", &[], &[]);
        let missing = import(&mut m, "missing", &[], &[]);
        add_fn(&mut m, "f", &[Type::I32], &[Type::I32], |b, p| {
            let nine = b.iconst(Type::Ptr, 9);
            let r = b.call(add, &[p[0], nine])[0];
            b.ret(&[r]);
        });
        add_fn(&mut m, "g", &[], &[], |b, _| {
            b.call(boom, &[]);
            b.ret(&[]);
        });
        add_fn(&mut m, "h", &[], &[], |b, _| {
            b.call(missing, &[]);
            b.ret(&[]);
        });
        let mut seen = Vec::new();
        {
            let mut it = Interpreter::new(&m, W64).unwrap();
            it.define_host(
                "env",
                "add",
                Box::new(|args: &[Value]| {
                    seen.push(args.to_vec());
                    Ok(vec![i32v(args[0].as_i32() + args[1].as_i64() as i32)])
                }),
            );
            it.define_host("env", "boom", Box::new(|_: &[Value]| Err(IntegerOverflow)));
            assert_eq!(it.call("f", &[i32v(1)]).unwrap(), [i32v(10)]);
            assert_eq!(it.call("add", &[i32v(1), i64v(2)]).unwrap(), [i32v(3)]);
            let trap = trap_of(it.call("g", &[]));
            assert_eq!(
                (trap.kind, trap.backtrace),
                (IntegerOverflow, vec!["boom".into(), "g".into()])
            );
            assert_eq!(
                it.call("h", &[]),
                Err(InterpError::UnresolvedImport {
                    module: "env".into(),
                    name: "missing".into()
                })
            );
        }
        assert_eq!(seen, [vec![i32v(1), i64v(9)], vec![i32v(1), i64v(2)]]);
    }

    #[test]
    fn host_results_are_checked() {
        let mut m = Module::default();
        let get = import(&mut m, "get", &[], &[Type::I32]);
        add_fn(&mut m, "f", &[], &[Type::I32], |b, _| {
            let r = b.call(get, &[])[0];
            b.ret(&[r]);
        });
        let mut it = Interpreter::new(&m, W64).unwrap();
        it.define_host("env", "get", Box::new(|_: &[Value]| Ok(vec![i64v(1)])));
        let err = it.call("f", &[]).unwrap_err();
        assert_eq!(err.to_string(), "`@get` returns (i32), found (i64)");
    }

    #[test]
    fn bad_calls_are_errors() {
        let mut m = Module::default();
        add_fn(&mut m, "f", &[Type::I32], &[], |b, _| b.ret(&[]));
        let mut it = Interpreter::new(&m, W64).unwrap();
        assert_eq!(
            it.call("nope", &[]),
            Err(InterpError::NoSuchFunction("nope".into()))
        );
        let err = it.call("f", &[i64v(1)]).unwrap_err();
        assert_eq!(err.to_string(), "`@f` takes (i32), found (i64)");
        assert!(matches!(
            it.call("f", &[]),
            Err(InterpError::BadArguments(_))
        ));
        assert_eq!(it.call("@f", &[i32v(1)]), Ok(vec![]));
    }

    #[test]
    fn invalid_modules_are_rejected_not_run() {
        let mut m = Module::default();
        add_fn(&mut m, "f", &[Type::I32], &[], |b, p| {
            b.binary(BinaryOp::Add, Type::I64, p[0], p[0]);
            b.ret(&[]);
        });
        // Out-of-range ids that would make the layout index out of bounds.
        m.add_global(Global {
            name: "g".into(),
            ty: Type::Ptr,
            mutable: false,
            init: GlobalInit::FuncAddr(FuncId(99)),
            span: Span::NONE,
        });
        let err = Interpreter::new(&m, W64).err().expect("rejected");
        assert_eq!(err.message, "function id 99 is out of range");
        let mut huge = Module::default();
        huge.add_data(Data {
            name: "big".into(),
            align: 1,
            items: vec![DataItem::Zero(1 << 40)],
            span: Span::NONE,
        });
        let err = Interpreter::new(&huge, W64).err().expect("rejected");
        assert!(
            err.message.contains("maximum of 16384 pages"),
            "{}",
            err.message
        );
        assert!(Interpreter::new(&huge, W32).is_err());
    }
}
