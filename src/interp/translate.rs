//! Translation: each function of the module, once, to a flat array of
//! [`Instr`]s over a register file of raw bits (values, block parameters and
//! variables become registers, `ptr` becomes i32 or i64, addresses of data,
//! functions and slots become constants or offsets, branches become
//! instruction indices): the [`Program`] the machine runs.

use super::*;

/// A register: an index into the current frame's register file.
pub(super) type Reg = u32;

/// The arithmetic class of a lowered type: `ptr` is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Num {
    I32,
    I64,
    F32,
    F64,
}

impl Num {
    pub(super) fn of(ty: Type, target: Target) -> Num {
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
pub(super) struct LoadShape {
    pub(super) bytes: u8,
    /// Sign-extend a narrow value.
    pub(super) signed: bool,
    /// The result is 64 bits wide; otherwise it is kept zero-extended from 32.
    pub(super) wide: bool,
}

impl LoadShape {
    /// The register bits of the `bytes` read, `raw` (zero-extended).
    #[inline(always)]
    pub(super) fn extend(self, raw: u64) -> u64 {
        let value = if self.signed {
            let shift = 64 - 8 * u32::from(self.bytes);
            (((raw << shift) as i64) >> shift) as u64
        } else {
            raw
        };
        if self.wide {
            value
        } else {
            value as u32 as u64
        }
    }
}

/// `conv` on the lowered types of `target` (`ptr` gone), or `None` when
/// it does nothing there: a wrap or extension between types of one
/// lowered width (`ptr.extend_i32_s` on wasm32) is a move.
pub(super) fn lowered_conversion(conv: ConvOp, target: Target) -> Option<ConvOp> {
    let op = ConvOp {
        kind: conv.kind,
        from: lower_type(conv.from, target),
        to: lower_type(conv.to, target),
    };
    let widening = matches!(
        op.kind,
        ConvKind::Wrap | ConvKind::ExtendS | ConvKind::ExtendU
    );
    (!widening || op.from != op.to).then_some(op)
}

/// A branch: the first instruction of the target, and the block arguments.
#[derive(Debug)]
pub(super) struct EdgeCode {
    pub(super) pc: u32,
    /// `(source, destination)` register pairs.
    pub(super) moves: Box<[(Reg, Reg)]>,
    /// A destination is also a source: copy through a buffer.
    pub(super) parallel: bool,
}

#[derive(Debug)]
pub(super) enum Instr {
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
    /// An atomic access of `bytes` at `addr + offset`; `a` and `b` are the
    /// operands after the address (unused ones are 0). The result is kept
    /// zero-extended from 32 bits unless `wide`.
    Atomic {
        op: AtomicOp,
        bytes: u8,
        wide: bool,
        shared: bool,
        dst: Reg,
        addr: Reg,
        a: Reg,
        b: Reg,
        offset: u64,
    },
    /// Nothing (`atomic.fence`).
    Nop,
    /// The stack pointer plus the slot's offset in the frame.
    SlotAddr {
        dst: Reg,
        offset: u64,
    },
    MemorySize {
        dst: Reg,
    },
    /// An access or a memory operator naming another memory than the
    /// default one (boxed: rare, and the default memory's stay small).
    Named(Box<super::memories::NamedInstr>),
    StackAlloc {
        dst: Reg,
        size: Reg,
    },
    StackSave {
        dst: Reg,
    },
    StackRestore {
        saved: Reg,
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
    /// A general switch: `cases` in their scrutinee's width
    /// (`Case::in_width`), sorted, found by binary search for the register
    /// masked to `mask` (its width on the target).
    Cases {
        value: Reg,
        mask: u64,
        cases: Box<[(u64, EdgeCode)]>,
        default: EdgeCode,
    },
    Return(Box<[Reg]>),
    Unreachable,
}

/// The translated body of a defined function.
#[derive(Debug)]
pub(super) struct Code {
    /// Values, then variables.
    pub(super) nregs: usize,
    pub(super) params: Box<[Reg]>,
    pub(super) frame_size: u64,
    pub(super) instrs: Vec<Instr>,
}

/// What calls need to know about a function, defined or imported.
pub(super) struct FuncInfo {
    /// Lowered parameter and result types.
    pub(super) params: Vec<Type>,
    pub(super) results: Vec<Type>,
    pub(super) sig: u32,
    pub(super) body: Option<Code>,
}

/// Every function translated, plus what calls through pointers need.
pub(super) struct Program {
    pub(super) funcs: Vec<FuncInfo>,
    pub(super) names: HashMap<String, u32>,
    pub(super) table: Vec<Option<u32>>,
    pub(super) ptr_mask: u64,
    /// Stands in for a missing body, so that lookups never panic.
    pub(super) empty: Code,
}

impl Program {
    pub(super) fn new(module: &Module, layout: &Layout) -> Program {
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
            ptr_mask: ptr_mask(layout.target),
            empty: Code {
                nregs: 0,
                params: Box::new([]),
                frame_size: 0,
                instrs: vec![Instr::Unreachable],
            },
        }
    }

    pub(super) fn code(&self, func: u32) -> &Code {
        match self.funcs.get(func as usize).and_then(|f| f.body.as_ref()) {
            Some(code) => code,
            None => &self.empty,
        }
    }
}

pub(super) fn ptr_mask(target: Target) -> u64 {
    match target {
        Target::Wasm64 => u64::MAX,
        Target::Wasm32 => u32::MAX as u64,
    }
}

pub(super) fn lower_all(types: &[Type], target: Target) -> Vec<Type> {
    types.iter().map(|&t| lower_type(t, target)).collect()
}

/// Signatures equal after lowering get the same number, as wasm types do.
pub(super) fn intern_sig(
    sigs: &mut HashMap<Signature, u32>,
    sig: &Signature,
    target: Target,
) -> u32 {
    let lowered = Signature {
        params: lower_all(&sig.params, target),
        results: lower_all(&sig.results, target),
    };
    let next = sigs.len() as u32;
    *sigs.entry(lowered).or_insert(next)
}

/// Translates one verified function to [`Code`].
pub(super) struct Translator<'a> {
    pub(super) layout: &'a Layout,
    pub(super) func: &'a Function,
    pub(super) sigs: &'a mut HashMap<Signature, u32>,
    pub(super) frame: Frame,
    /// The index of each block's first instruction.
    pub(super) starts: Vec<u32>,
}

impl<'a> Translator<'a> {
    pub(super) fn new(
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

    pub(super) fn target(&self) -> Target {
        self.layout.target
    }

    pub(super) fn code(mut self) -> Code {
        let mut instrs = Vec::with_capacity(self.starts.last().map_or(0, |&s| s as usize + 1));
        for block in &self.func.blocks {
            for inst in &block.insts {
                let dst = inst.results.first().map_or(0, |v| v.as_u32());
                instrs.push(self.op(&inst.op, dst, &inst.results));
            }
            instrs.push(match &block.term {
                Some(term) => self.terminator(term),
                None => Instr::Unreachable,
            });
        }
        Code {
            nregs: self.func.values.len() + self.func.vars.len(),
            params: self.func.params.iter().map(|v| v.as_u32()).collect(),
            frame_size: self.frame.size,
            instrs,
        }
    }

    pub(super) fn var(&self, var: VarId) -> Reg {
        (self.func.values.len() + var.index()) as Reg
    }

    pub(super) fn op(&mut self, op: &Op, dst: Reg, results: &[ValueId]) -> Instr {
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
                a: a.as_u32(),
            },
            Op::Binary(op, ty, a, b) => Instr::Binary {
                num: num(ty),
                op,
                dst,
                a: a.as_u32(),
                b: b.as_u32(),
            },
            Op::Compare(op, ty, a, b) => Instr::Compare {
                num: num(ty),
                op,
                dst,
                a: a.as_u32(),
                b: b.as_u32(),
            },
            Op::Convert(conv, a) => self.convert(conv, dst, a.as_u32()),
            Op::Select {
                cond,
                if_true,
                if_false,
                ..
            } => Instr::Select {
                dst,
                cond: cond.as_u32(),
                a: if_true.as_u32(),
                b: if_false.as_u32(),
            },
            Op::VarGet(var) => Instr::Move {
                dst,
                src: self.var(var),
            },
            Op::VarSet(var, value) => Instr::Move {
                dst: self.var(var),
                src: value.as_u32(),
            },
            Op::GlobalGet(g) => Instr::GlobalGet { dst, global: g.0 },
            Op::GlobalSet(g, value) => Instr::GlobalSet {
                global: g.0,
                src: value.as_u32(),
            },
            _ => self.memory_or_call(op, dst, results),
        }
    }

    pub(super) fn memory_or_call(&mut self, op: &Op, dst: Reg, results: &[ValueId]) -> Instr {
        let ptr_bytes = self.target().pointer_bits() / 8;
        let regs = |values: &[ValueId]| values.iter().map(|v| v.as_u32()).collect::<Box<[Reg]>>();
        let shape = |access: &MemAccess| LoadShape {
            bytes: access.bytes(ptr_bytes) as u8,
            signed: access.narrow.is_some_and(|n| n.signed),
            wide: lower_type(access.ty, self.target()).bits(self.target()) == 64,
        };
        let access = match op {
            Op::Load { access, .. } | Op::Store { access, .. } => *access,
            _ => MemAccess::full(Type::I32),
        };
        let bytes = access.bytes(ptr_bytes) as u8;
        if let Some(named) = super::memories::named_instr(op, dst, shape(&access), bytes) {
            return Instr::Named(Box::new(named));
        }
        match op {
            Op::Load {
                access,
                addr,
                offset,
                ..
            } => Instr::Load {
                shape: shape(access),
                dst,
                addr: addr.as_u32(),
                offset: *offset,
            },
            Op::Store {
                access,
                addr,
                value,
                offset,
                ..
            } => Instr::Store {
                bytes: access.bytes(ptr_bytes) as u8,
                addr: addr.as_u32(),
                value: value.as_u32(),
                offset: *offset,
            },
            Op::Atomic {
                op,
                access,
                addr,
                args,
                offset,
            } => {
                let reg = |i: usize| match i < op.arity() {
                    true => args[i].as_u32(),
                    false => 0,
                };
                Instr::Atomic {
                    op: *op,
                    bytes: access.bytes(ptr_bytes) as u8,
                    wide: lower_type(access.ty, self.target()).bits(self.target()) == 64,
                    shared: self.layout.shared,
                    dst,
                    addr: addr.as_u32(),
                    a: reg(0),
                    b: reg(1),
                    offset: u64::from(*offset),
                }
            }
            // Nothing to order: the interpreter runs one thread at a time,
            // each instruction at once (sequentially consistent).
            Op::AtomicFence => Instr::Nop,
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
            Op::MemorySize(_) => Instr::MemorySize { dst },
            Op::StackAlloc(size) => Instr::StackAlloc {
                dst,
                size: size.as_u32(),
            },
            Op::StackSave => Instr::StackSave { dst },
            Op::StackRestore(saved) => Instr::StackRestore {
                saved: saved.as_u32(),
            },
            Op::MemoryGrow(_, delta) => Instr::MemoryGrow {
                dst,
                delta: delta.as_u32(),
            },
            Op::MemoryCopy {
                dst: d, src, len, ..
            } => Instr::MemoryCopy {
                dst: d.as_u32(),
                src: src.as_u32(),
                len: len.as_u32(),
            },
            Op::MemoryFill {
                dst: d, byte, len, ..
            } => Instr::MemoryFill {
                dst: d.as_u32(),
                byte: byte.as_u32(),
                len: len.as_u32(),
            },
            Op::Call { func, args } => Instr::Call {
                func: func.0,
                args: regs(args),
                results: regs(results),
            },
            Op::CallIndirect { sig, callee, args } => Instr::CallIndirect {
                sig: intern_sig(self.sigs, sig, self.target()),
                callee: callee.as_u32(),
                args: regs(args),
                results: regs(results),
            },
            // Handled by `op`; unreachable for verified IR.
            _ => Instr::Unreachable,
        }
    }

    /// Pointer conversions between types of equal lowered width are moves.
    pub(super) fn convert(&self, conv: ConvOp, dst: Reg, a: Reg) -> Instr {
        match lowered_conversion(conv, self.target()) {
            Some(op) => Instr::Convert { op, dst, a },
            None => Instr::Move { dst, src: a },
        }
    }

    pub(super) fn terminator(&self, term: &Terminator) -> Instr {
        match term {
            Terminator::Jump(e) => Instr::Jump(self.edge(e)),
            Terminator::BrIf {
                cond,
                then_edge,
                else_edge,
            } => Instr::BrIf {
                cond: cond.as_u32(),
                then_edge: self.edge(then_edge),
                else_edge: self.edge(else_edge),
            },
            Terminator::Switch {
                index,
                targets,
                default,
            } => Instr::Switch {
                index: index.as_u32(),
                targets: targets.iter().map(|e| self.edge(e)).collect(),
                default: self.edge(default),
            },
            Terminator::Cases {
                value,
                cases,
                default,
            } => {
                // The register's width on this target (a wasm64 ptr is 64
                // bits: one above 2^32 matches no case).
                let ty = self.func.value_type(*value);
                let mask = match Num::of(ty, self.target()) {
                    Num::I32 => u32::MAX as u64,
                    _ => u64::MAX,
                };
                let mut cases: Box<[(u64, EdgeCode)]> = cases
                    .iter()
                    .map(|case| (case.in_width(ty), self.edge(&case.edge)))
                    .collect();
                cases.sort_by_key(|&(value, _)| value);
                Instr::Cases {
                    value: value.as_u32(),
                    mask,
                    cases,
                    default: self.edge(default),
                }
            }
            Terminator::Return(values) => {
                Instr::Return(values.iter().map(|v| v.as_u32()).collect())
            }
            Terminator::Unreachable => Instr::Unreachable,
        }
    }

    pub(super) fn edge(&self, edge: &Edge) -> EdgeCode {
        let params = self
            .func
            .blocks
            .get(edge.block.index())
            .map_or(&[][..], |b| &b.params);
        let moves: Box<[(Reg, Reg)]> = edge
            .args
            .iter()
            .zip(params)
            .map(|(a, p)| (a.as_u32(), p.as_u32()))
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
pub(super) fn const_bits(c: Const, target: Target) -> u64 {
    match c {
        Const::I32(v) => v as u32 as u64,
        Const::I64(v) => v as u64,
        Const::F32(v) => v as u64,
        Const::F64(v) => v,
        Const::Ptr(v) => v & ptr_mask(target),
    }
}
