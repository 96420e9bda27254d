//! The Vitte IR: an SSA IR with block parameters, plus mutable variables.
//!
//! A [`Module`] holds globals, data definitions and functions (defined or
//! imported). A defined [`Function`] is a list of basic blocks; block 0 is
//! the entry. Values are SSA: each is defined once, by a function parameter,
//! a block parameter or an instruction, and is used where its definition
//! dominates. Frontends whose places are assigned many times (a MIR) can use
//! [`Var`]s instead, read and written with `var.get` / `var.set`.
//!
//! This module is the ground floor of the crate: it holds the data model,
//! its types and operators, and the builder, and imports nothing of the
//! crate above it. The text form (`.vir`) is read and written by
//! [`crate::text`] (`docs/ir.md` is its reference), checked by
//! [`crate::verify`] and run by [`crate::interp`].

mod builder;
mod inlined;
mod location;
mod ops;
pub mod threads;
mod types;

pub use builder::{BlockState, BuildError, FunctionBuilder, Place};
pub use inlined::{InlineSite, Inlined, InlinedPosition};
pub use location::{DebugFileId, LocId, Location, debug_file_name_error};
pub use ops::{AtomicOp, BinaryOp, CmpOp, ConvKind, ConvOp, MemAccess, Narrow, RmwOp, UnaryOp};
pub use types::{
    BlockId, Const, DataId, FuncId, GlobalId, MemId, Signature, SlotId, Target, Type, ValueId,
    VarId,
};

use crate::diag::{SourceFile, Span};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A compilation unit: what one `.vir` file holds.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub globals: Vec<Global>,
    pub data: Vec<Data>,
    pub funcs: Vec<Function>,
    /// The text this module was parsed from, for diagnostics and for the
    /// comments that point from the WAT back to the IR.
    pub source: Option<Arc<SourceFile>>,
    /// The globals that are not private (`pub global`, `extern global`).
    /// Only the linker reads it: a side table rather than a field of
    /// [`Global`], so that a module that never links is built as before.
    pub global_visibility: BTreeMap<GlobalId, Visibility>,
    /// The data definitions that are not private (`pub data`, `extern data`).
    pub data_visibility: BTreeMap<DataId, Visibility>,
    /// The frontend's source files ([`Module::add_debug_file`]), which
    /// [`Location`]s name; empty for parsed IR.
    pub debug_files: Vec<Arc<str>>,
    /// Every frontend location the module's instructions, terminators and
    /// functions carry (by [`LocId`]); empty for parsed IR.
    pub locations: Vec<Location>,
    /// `memory shared`: the linear memory is a shared memory (wasm threads),
    /// which other threads may use at the same time.
    pub shared_memory: bool,
    /// The named memories (`memory @name ...`), [`MemId`] 1, 2, ... in
    /// declaration order; the default memory is implicit (`MemId::DEFAULT`).
    pub memories: Vec<Memory>,
    /// The data definitions placed in a named memory (`data @x in @m`); the
    /// others are in the default memory. A side table, as the visibilities.
    pub data_memory: BTreeMap<DataId, MemId>,
}

/// A named linear memory: `memory @name [i32|i64] PAGES [max MAX]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Memory {
    pub name: String,
    /// The type of its addresses, sizes and page counts: `Ptr` (the
    /// target's, when the text gives none), `I32` or `I64`.
    pub index: Type,
    /// Initial size in 64 KiB pages.
    pub pages: u64,
    /// The declared maximum in pages; `None`: the default maximum.
    pub max: Option<u64>,
    pub span: Span,
}

/// How a global or a data definition is seen from other modules when
/// modules are linked. (A function says it with its [`Linkage`].)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Visibility {
    /// Seen only in its own module.
    #[default]
    Private,
    /// `pub`: other modules may declare and use it. It is not a wasm export.
    Public,
    /// `extern`: declared here, defined by another module. Only the linker
    /// resolves it; a module that still has one cannot be lowered or run.
    Extern,
}

impl Module {
    pub fn func(&self, id: FuncId) -> &Function {
        &self.funcs[id.index()]
    }

    /// The file the spans of `func`, one of this module's functions, point into.
    pub fn func_source<'a>(&'a self, func: &'a Function) -> Option<&'a Arc<SourceFile>> {
        func.source.as_ref().or(self.source.as_ref())
    }

    pub fn global(&self, id: GlobalId) -> &Global {
        &self.globals[id.index()]
    }

    pub fn data_def(&self, id: DataId) -> &Data {
        &self.data[id.index()]
    }

    pub fn func_by_name(&self, name: &str) -> Option<FuncId> {
        self.funcs
            .iter()
            .position(|f| f.name == name)
            .map(|i| FuncId(i as u32))
    }

    pub fn func_ids(&self) -> impl Iterator<Item = FuncId> + use<> {
        (0..self.funcs.len() as u32).map(FuncId)
    }

    /// Adds a function; its tag, and its values', become its id here.
    pub fn add_function(&mut self, mut func: Function) -> FuncId {
        let id = FuncId(self.funcs.len() as u32);
        func.retag(id);
        self.funcs.push(func);
        id
    }

    pub fn add_global(&mut self, global: Global) -> GlobalId {
        self.globals.push(global);
        GlobalId(self.globals.len() as u32 - 1)
    }

    pub fn add_data(&mut self, data: Data) -> DataId {
        self.data.push(data);
        DataId(self.data.len() as u32 - 1)
    }

    /// The named memory `id`; `None` for the default memory or an id past
    /// the declared ones.
    pub fn memory(&self, id: MemId) -> Option<&Memory> {
        (id.0 as usize)
            .checked_sub(1)
            .and_then(|i| self.memories.get(i))
    }

    /// The index type of memory `id` (`Ptr` for the default memory), or
    /// `None` when it does not exist.
    pub fn index_type(&self, id: MemId) -> Option<Type> {
        match id.is_default() {
            true => Some(Type::Ptr),
            false => self.memory(id).map(|m| m.index),
        }
    }

    /// The memory a data definition is placed in.
    pub fn data_mem(&self, id: DataId) -> MemId {
        self.data_memory.get(&id).copied().unwrap_or(MemId::DEFAULT)
    }

    /// Adds a named memory; its id is its position plus one.
    pub fn add_memory(&mut self, memory: Memory) -> MemId {
        self.memories.push(memory);
        MemId(self.memories.len() as u32)
    }

    pub fn global_vis(&self, id: GlobalId) -> Visibility {
        self.global_visibility.get(&id).copied().unwrap_or_default()
    }

    pub fn data_vis(&self, id: DataId) -> Visibility {
        self.data_visibility.get(&id).copied().unwrap_or_default()
    }

    /// Sets a global's visibility; the table keeps only non-private entries.
    pub fn set_global_vis(&mut self, id: GlobalId, vis: Visibility) {
        match vis {
            Visibility::Private => self.global_visibility.remove(&id),
            _ => self.global_visibility.insert(id, vis),
        };
    }

    pub fn set_data_vis(&mut self, id: DataId, vis: Visibility) {
        match vis {
            Visibility::Private => self.data_visibility.remove(&id),
            _ => self.data_visibility.insert(id, vis),
        };
    }

    /// The types an operator defines, or `None` when an operand or a
    /// referenced entity does not exist (the verifier reports that).
    pub fn result_types(&self, func: &Function, op: &Op) -> Option<Vec<Type>> {
        let one = |t: Type| Some(vec![t]);
        match op {
            Op::Const(c) => one(c.ty()),
            Op::Unary(op, ty, _) => one(op.result_type(*ty)),
            Op::Binary(_, ty, _, _) => one(*ty),
            Op::Compare(..) => one(Type::I32),
            Op::Convert(conv, _) => one(conv.to),
            Op::Select { ty, .. } => one(*ty),
            Op::Load { access, .. } => one(access.ty),
            Op::Atomic { op, access, .. } => Some(op.result_type(*access).into_iter().collect()),
            Op::SlotAddr(_) | Op::FuncAddr(_) => one(Type::Ptr),
            Op::DataAddr(d) => one(self.index_type(self.data_mem(*d))?),
            Op::MemorySize(mem) | Op::MemoryGrow(mem, _) => one(self.index_type(*mem)?),
            Op::StackAlloc(_) | Op::StackSave => one(Type::Ptr),
            Op::Store { .. }
            | Op::StackRestore(_)
            | Op::MemoryCopy { .. }
            | Op::MemoryFill { .. }
            | Op::GlobalSet(..)
            | Op::AtomicFence
            | Op::VarSet(..) => Some(vec![]),
            Op::Call { func: callee, .. } => {
                Some(self.funcs.get(callee.index())?.sig.results.clone())
            }
            Op::CallIndirect { sig, .. } => Some(sig.results.clone()),
            Op::GlobalGet(g) => one(self.globals.get(g.index())?.ty),
            Op::VarGet(v) => one(func.vars.get(v.index())?.ty),
        }
    }
}

/// A global variable.
#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    pub name: String,
    pub ty: Type,
    pub mutable: bool,
    pub init: GlobalInit,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum GlobalInit {
    Const(Const),
    /// The address of a data symbol plus an offset (type `ptr`).
    DataAddr(DataId, u64),
    /// A function pointer (type `ptr`).
    FuncAddr(FuncId),
}

/// Bytes placed in linear memory at an address fixed by the layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub name: String,
    /// A power of two.
    pub align: u32,
    /// `data @x const`: read-only. The program never writes it (docs/ir.md,
    /// "Data"), so a load from it may be replaced by its initial bytes.
    pub readonly: bool,
    pub items: Vec<DataItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DataItem {
    /// Raw bytes, written as a string with escapes.
    Bytes(Vec<u8>),
    /// A little-endian scalar (`i8 1`, `i16 2`, `i32 3`, `i64 4`, `f32 1.5`, `f64 2.5`).
    Scalar(DataScalar),
    /// `n` zero bytes.
    Zero(u64),
    /// A pointer-sized integer (`ptr 13`): 8 bytes on wasm64, 4 on wasm32, as
    /// a `size_t` field of a C struct is. It must fit in 32 bits.
    Ptr(u64),
    /// A pointer-sized address of a data symbol plus an offset: `ptr @msg + 4`.
    DataAddr(DataId, u64),
    /// A pointer-sized function pointer: `ptr @fib`.
    FuncAddr(FuncId),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DataScalar {
    I8(u8),
    I16(u16),
    I32(u32),
    I64(u64),
    F32(u32),
    F64(u64),
}

/// How a function is seen from outside the module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Linkage {
    /// `pub fn`: exported under its name.
    Public,
    /// `fn`: internal.
    Private,
    /// `extern fn ... [from "module" "name"]`: declared, not defined here.
    /// The linker binds it to a `pub fn` of the same name in another module;
    /// otherwise it is this wasm import (`"env"` and the function's name when
    /// the text has no `from`).
    Import { module: String, name: String },
}

/// A function, defined (with blocks) or imported (without).
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub sig: Signature,
    pub linkage: Linkage,
    /// The values of the parameters, in order; they are defined at the entry.
    pub params: Vec<ValueId>,
    pub vars: Vec<Var>,
    pub slots: Vec<Slot>,
    pub blocks: Vec<Block>,
    pub values: Vec<ValueData>,
    pub span: Span,
    /// The file this function's spans point into when it is not the
    /// module's: a linked function keeps its own unit's, so that debug
    /// information and backtraces name the file it was written in. `None`:
    /// the module's [`Module::source`].
    pub source: Option<Arc<SourceFile>>,
    /// Where a frontend says the function is defined (DWARF's declaration
    /// line), in place of `span`.
    pub loc: LocId,
    /// Where its inlined instructions come from (`inlined.rs`): empty
    /// until an inliner copies a callee into it.
    pub inlined: Inlined,
    /// What every [`ValueId`], [`BlockId`], [`VarId`] and [`SlotId`] of
    /// this function carries: the id the module gave it ([`Module::add_function`]); 0 until it is added.
    tag: FuncId,
}

impl Function {
    pub fn new(name: impl Into<String>, sig: Signature, linkage: Linkage) -> Function {
        Function {
            name: name.into(),
            sig,
            linkage,
            params: Vec::new(),
            vars: Vec::new(),
            slots: Vec::new(),
            blocks: Vec::new(),
            values: Vec::new(),
            span: Span::NONE,
            source: None,
            loc: LocId::NONE,
            inlined: Inlined::default(),
            tag: FuncId(0),
        }
    }

    /// The tag this function's ids (values, blocks, variables, slots) carry.
    pub fn tag(&self) -> FuncId {
        self.tag
    }

    /// Whether `id` is a value of this function: its tag is this function's
    /// and its index exists.
    pub fn has_value(&self, id: ValueId) -> bool {
        id.func() == self.tag && id.index() < self.values.len()
    }

    /// Whether `id` is a block of this function (its tag and its index).
    pub fn has_block(&self, id: BlockId) -> bool {
        id.func() == self.tag && id.index() < self.blocks.len()
    }

    /// Whether `id` is a variable of this function (its tag and its index).
    pub fn has_var(&self, id: VarId) -> bool {
        id.func() == self.tag && id.index() < self.vars.len()
    }

    /// Whether `id` is a slot of this function (its tag and its index).
    pub fn has_slot(&self, id: SlotId) -> bool {
        id.func() == self.tag && id.index() < self.slots.len()
    }

    /// The value of index `index` of this function.
    pub fn value_id(&self, index: usize) -> ValueId {
        ValueId::new(self.tag, index as u32)
    }

    /// The block of index `index` of this function.
    pub fn block_id(&self, index: usize) -> BlockId {
        BlockId::new(self.tag, index as u32)
    }

    /// The variable of index `index` of this function.
    pub fn var_id(&self, index: usize) -> VarId {
        VarId::new(self.tag, index as u32)
    }

    /// The slot of index `index` of this function.
    pub fn slot_id(&self, index: usize) -> SlotId {
        SlotId::new(self.tag, index as u32)
    }

    /// Replaces every operand of every instruction and terminator by
    /// `f` of it (a pass's substitution of values by values).
    pub(crate) fn map_operands(&mut self, mut f: impl FnMut(ValueId) -> ValueId) {
        for block in &mut self.blocks {
            for inst in &mut block.insts {
                inst.op.map_operands(&mut f);
            }
            if let Some(term) = &mut block.term {
                term.map_operands(&mut f);
            }
        }
    }

    /// Gives the function, and its ids, the tag `tag` (an id of another
    /// function keeps its own: the verifier reports it).
    pub fn retag(&mut self, tag: FuncId) {
        if tag == self.tag {
            return;
        }
        let old = std::mem::replace(&mut self.tag, tag);
        let v = |id: ValueId| match id.func() == old {
            true => ValueId::new(tag, id.as_u32()),
            false => id,
        };
        let b = |id: BlockId| match id.func() == old {
            true => BlockId::new(tag, id.as_u32()),
            false => id,
        };
        self.params.iter_mut().for_each(|p| *p = v(*p));
        for value in &mut self.values {
            value.def.map_block(b);
        }
        for block in &mut self.blocks {
            block.params.iter_mut().for_each(|p| *p = v(*p));
            for inst in &mut block.insts {
                inst.op.map_operands(v);
                inst.op.retag_locals(old, tag);
                inst.results.iter_mut().for_each(|r| *r = v(*r));
            }
            if let Some(term) = &mut block.term {
                term.map_operands(v);
                term.edges_mut()
                    .into_iter()
                    .for_each(|e| e.block = b(e.block));
            }
        }
    }

    pub fn is_import(&self) -> bool {
        matches!(self.linkage, Linkage::Import { .. })
    }

    pub fn block(&self, id: BlockId) -> &Block {
        &self.blocks[id.index()]
    }

    pub fn value(&self, id: ValueId) -> &ValueData {
        &self.values[id.index()]
    }

    pub fn value_type(&self, id: ValueId) -> Type {
        self.values[id.index()].ty
    }

    pub fn block_ids(&self) -> impl Iterator<Item = BlockId> + use<> {
        let tag = self.tag;
        (0..self.blocks.len() as u32).map(move |b| BlockId::new(tag, b))
    }

    pub fn entry(&self) -> BlockId {
        self.block_id(0)
    }

    /// Adds a value; its name is made unique by the printer if it clashes.
    pub fn new_value(&mut self, ty: Type, name: impl Into<String>, def: ValueDef) -> ValueId {
        let id = self.value_id(self.values.len());
        self.values.push(ValueData {
            ty,
            name: name.into(),
            def,
            span: Span::NONE,
        });
        id
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValueData {
    pub ty: Type,
    /// The name in the text form, without the `%`.
    pub name: String,
    pub def: ValueDef,
    pub span: Span,
}

/// Where a value is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueDef {
    /// The n-th function parameter.
    Param(u32),
    /// The n-th parameter of a block.
    BlockParam(BlockId, u32),
    /// The n-th result of the instruction at `index` in `block`.
    InstResult {
        block: BlockId,
        index: u32,
        result: u32,
    },
}

impl ValueDef {
    /// Replaces the block the value is defined in by `f(block)`.
    pub(crate) fn map_block(&mut self, f: impl FnOnce(BlockId) -> BlockId) {
        match self {
            ValueDef::Param(_) => {}
            ValueDef::BlockParam(block, _) | ValueDef::InstResult { block, .. } => {
                *block = f(*block)
            }
        }
    }
}

/// A mutable local variable (`var $x: i32`); it starts at zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Var {
    pub name: String,
    pub ty: Type,
    pub span: Span,
}

/// A stack slot (`slot $buf: 16 align 8`): `size` bytes in linear memory for
/// the duration of a call, at an address aligned to `align`.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    pub name: String,
    pub size: u64,
    pub align: u32,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub name: String,
    pub params: Vec<ValueId>,
    pub insts: Vec<Inst>,
    /// `None` only while a block is being built; the verifier rejects it.
    pub term: Option<Terminator>,
    pub span: Span,
    /// The span of the terminator.
    pub term_span: Span,
    /// The frontend location of the terminator, in place of `term_span`.
    pub term_loc: LocId,
}

impl Block {
    pub fn new(name: impl Into<String>) -> Block {
        Block {
            name: name.into(),
            params: Vec::new(),
            insts: Vec::new(),
            term: None,
            span: Span::NONE,
            term_span: Span::NONE,
            term_loc: LocId::NONE,
        }
    }

    pub fn successors(&self) -> Vec<BlockId> {
        self.term
            .as_ref()
            .map(|t| t.edges().map(|e| e.block).collect())
            .unwrap_or_default()
    }
}

/// An instruction: an operator and the values it defines.
#[derive(Clone, Debug, PartialEq)]
pub struct Inst {
    pub op: Op,
    pub results: Vec<ValueId>,
    pub span: Span,
    /// Where a frontend says the instruction comes from, in place of
    /// `span` ([`FunctionBuilder::set_location`]).
    pub loc: LocId,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Const(Const),
    Unary(UnaryOp, Type, ValueId),
    Binary(BinaryOp, Type, ValueId, ValueId),
    Compare(CmpOp, Type, ValueId, ValueId),
    Convert(ConvOp, ValueId),
    /// `<ty>.select %cond, %a, %b`: `%a` when `%cond` (i32) is non-zero.
    Select {
        ty: Type,
        cond: ValueId,
        if_true: ValueId,
        if_false: ValueId,
    },
    Load {
        access: MemAccess,
        addr: ValueId,
        offset: u64,
        /// The memory read (`MemId::DEFAULT` unless the text names one).
        mem: MemId,
    },
    Store {
        access: MemAccess,
        addr: ValueId,
        value: ValueId,
        offset: u64,
        mem: MemId,
    },
    /// The address of a stack slot (`slot.addr $buf`).
    SlotAddr(SlotId),
    /// The address of a data symbol (`data.addr @msg`).
    DataAddr(DataId),
    /// A function pointer (`func.addr @f`).
    FuncAddr(FuncId),
    /// The size of a memory in 64 KiB pages (its index type).
    MemorySize(MemId),
    /// Grows a memory by a number of pages (its index type); gives the old
    /// size or -1.
    MemoryGrow(MemId, ValueId),
    /// Copies `len` bytes from `src` in `src_mem` to `dst` in `dst_mem`.
    MemoryCopy {
        dst: ValueId,
        src: ValueId,
        len: ValueId,
        dst_mem: MemId,
        src_mem: MemId,
    },
    /// `size` bytes (`ptr`) on the shadow stack, 16-aligned, until the
    /// function returns or a `stack.restore` frees them; traps
    /// `unreachable` when the stack cannot hold them.
    StackAlloc(ValueId),
    /// The shadow stack's top (`ptr`), for a later `stack.restore`.
    StackSave,
    /// Frees what `stack.alloc` took since the `stack.save` that gave the
    /// operand; traps `unreachable` for a pointer outside the free part of
    /// the stack below this call's slots.
    StackRestore(ValueId),
    /// Sets `len` bytes at `dst` to the low byte of `byte` (i32).
    MemoryFill {
        dst: ValueId,
        byte: ValueId,
        len: ValueId,
        mem: MemId,
    },
    /// An atomic access to memory (wasm's threads proposal), at `addr +
    /// offset`, which must be aligned to the access's width (else it traps
    /// `unaligned atomic`). `args` holds the operands after the address,
    /// [`AtomicOp::arity`] of them; the others are [`ValueId::INVALID`].
    /// The offset is 32-bit (as the verifier requires of loads and stores):
    /// so the variant takes no more room than a store, and `Op` stays 40
    /// bytes.
    Atomic {
        op: AtomicOp,
        access: MemAccess,
        offset: u32,
        addr: ValueId,
        args: [ValueId; 2],
    },
    /// `atomic.fence`: orders the memory accesses around it.
    AtomicFence,
    Call {
        func: FuncId,
        args: Vec<ValueId>,
    },
    /// A call through a function pointer, which must have signature `sig`
    /// (boxed: it would double the size of every instruction).
    CallIndirect {
        sig: Box<Signature>,
        callee: ValueId,
        args: Vec<ValueId>,
    },
    GlobalGet(GlobalId),
    GlobalSet(GlobalId, ValueId),
    VarGet(VarId),
    VarSet(VarId, ValueId),
}

impl Op {
    /// The values this operator reads, in evaluation order. An iterator,
    /// not a `Vec`: the lowering asks for every instruction's operands
    /// several times, and an allocation each time showed in profiles.
    pub fn operands(&self) -> Operands<'_> {
        let fixed = |values: &[ValueId]| Operands::new(&[], values);
        match self {
            Op::Const(_)
            | Op::SlotAddr(_)
            | Op::DataAddr(_)
            | Op::FuncAddr(_)
            | Op::MemorySize(_)
            | Op::StackSave
            | Op::AtomicFence
            | Op::GlobalGet(_)
            | Op::VarGet(_) => fixed(&[]),
            Op::Unary(_, _, a) | Op::Convert(_, a) | Op::MemoryGrow(_, a) => fixed(&[*a]),
            Op::StackAlloc(a) | Op::StackRestore(a) => fixed(&[*a]),
            Op::GlobalSet(_, a) | Op::VarSet(_, a) => fixed(&[*a]),
            Op::Binary(_, _, a, b) | Op::Compare(_, _, a, b) => fixed(&[*a, *b]),
            Op::Select {
                cond,
                if_true,
                if_false,
                ..
            } => fixed(&[*if_true, *if_false, *cond]),
            Op::Load { addr, .. } => fixed(&[*addr]),
            Op::Store { addr, value, .. } => fixed(&[*addr, *value]),
            Op::Atomic { op, addr, args, .. } => match op.arity() {
                0 => fixed(&[*addr]),
                1 => fixed(&[*addr, args[0]]),
                _ => fixed(&[*addr, args[0], args[1]]),
            },
            Op::MemoryCopy { dst, src, len, .. } => fixed(&[*dst, *src, *len]),
            Op::MemoryFill { dst, byte, len, .. } => fixed(&[*dst, *byte, *len]),
            Op::Call { args, .. } => Operands::new(args, &[]),
            Op::CallIndirect { callee, args, .. } => Operands::new(args, &[*callee]),
        }
    }

    /// Gives the variable or slot of tag `old` the tag `tag`.
    fn retag_locals(&mut self, old: FuncId, tag: FuncId) {
        match self {
            Op::VarGet(var) | Op::VarSet(var, _) if var.func() == old => {
                *var = VarId::new(tag, var.as_u32())
            }
            Op::SlotAddr(slot) if slot.func() == old => *slot = SlotId::new(tag, slot.as_u32()),
            _ => {}
        }
    }

    /// Replaces every operand `v` by `f(v)`, in the order of [`Op::operands`].
    pub(crate) fn map_operands(&mut self, mut f: impl FnMut(ValueId) -> ValueId) {
        match self {
            Op::Const(_)
            | Op::SlotAddr(_)
            | Op::DataAddr(_)
            | Op::FuncAddr(_)
            | Op::MemorySize(_)
            | Op::StackSave
            | Op::AtomicFence
            | Op::GlobalGet(_)
            | Op::VarGet(_) => {}
            Op::Unary(_, _, a) | Op::Convert(_, a) | Op::MemoryGrow(_, a) => *a = f(*a),
            Op::StackAlloc(a) | Op::StackRestore(a) => *a = f(*a),
            Op::GlobalSet(_, a) | Op::VarSet(_, a) => *a = f(*a),
            Op::Binary(_, _, a, b) | Op::Compare(_, _, a, b) => {
                *a = f(*a);
                *b = f(*b);
            }
            Op::Select {
                cond,
                if_true,
                if_false,
                ..
            } => {
                *if_true = f(*if_true);
                *if_false = f(*if_false);
                *cond = f(*cond);
            }
            Op::Load { addr, .. } => *addr = f(*addr),
            Op::Store { addr, value, .. } => {
                *addr = f(*addr);
                *value = f(*value);
            }
            Op::Atomic { op, addr, args, .. } => {
                *addr = f(*addr);
                let n = op.arity();
                args[..n].iter_mut().for_each(|a| *a = f(*a));
            }
            Op::MemoryCopy { dst, src, len, .. } => {
                *dst = f(*dst);
                *src = f(*src);
                *len = f(*len);
            }
            Op::MemoryFill { dst, byte, len, .. } => {
                *dst = f(*dst);
                *byte = f(*byte);
                *len = f(*len);
            }
            Op::Call { args, .. } => args.iter_mut().for_each(|a| *a = f(*a)),
            Op::CallIndirect { callee, args, .. } => {
                args.iter_mut().for_each(|a| *a = f(*a));
                *callee = f(*callee);
            }
        }
    }
}

/// The operands of an [`Op`]: a slice of arguments (a call's), then up to
/// three values held inline.
#[derive(Clone, Debug)]
pub struct Operands<'a> {
    args: std::slice::Iter<'a, ValueId>,
    fixed: [ValueId; 3],
    next: u8,
    end: u8,
}

impl<'a> Operands<'a> {
    fn new(args: &'a [ValueId], fixed: &[ValueId]) -> Operands<'a> {
        let mut inline = [ValueId::INVALID; 3];
        inline[..fixed.len()].copy_from_slice(fixed);
        Operands {
            args: args.iter(),
            fixed: inline,
            next: 0,
            end: fixed.len() as u8,
        }
    }
}

impl Iterator for Operands<'_> {
    type Item = ValueId;

    fn next(&mut self) -> Option<ValueId> {
        if let Some(&v) = self.args.next() {
            return Some(v);
        }
        (self.next < self.end).then(|| {
            self.next += 1;
            self.fixed[usize::from(self.next - 1)]
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.args.len() + usize::from(self.end - self.next);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Operands<'_> {}

/// The end of a block.
#[derive(Clone, Debug, PartialEq)]
pub enum Terminator {
    Jump(Edge),
    /// `brif %cond, then, else`: `then` when `%cond` (i32) is non-zero.
    BrIf {
        cond: ValueId,
        then_edge: Edge,
        else_edge: Edge,
    },
    /// A jump table: `targets[index]`, or `default` when `index` (i32) is out of range.
    Switch {
        index: ValueId,
        targets: Vec<Edge>,
        default: Edge,
    },
    /// A general switch: the edge of the case whose value equals `value`
    /// (i32, i64 or ptr) in that type's width, or `default`. The lowering
    /// expands it into tables and compares (`lower/switches.rs`).
    Cases {
        value: ValueId,
        cases: Vec<Case>,
        default: Edge,
    },
    Return(Vec<ValueId>),
    Unreachable,
}

impl Terminator {
    /// Outgoing edges, in order (`switch`: the targets or cases, then the
    /// default).
    pub fn edges(&self) -> Edges<'_> {
        let mut edges = Edges::default();
        match self {
            Terminator::Jump(e) => edges.head = Some(e),
            Terminator::BrIf {
                then_edge,
                else_edge,
                ..
            } => {
                edges.head = Some(then_edge);
                edges.tail = Some(else_edge);
            }
            Terminator::Switch {
                targets, default, ..
            } => {
                edges.rest = targets.iter();
                edges.tail = Some(default);
            }
            Terminator::Cases { cases, default, .. } => {
                edges.cases = cases.iter();
                edges.tail = Some(default);
            }
            Terminator::Return(_) | Terminator::Unreachable => {}
        }
        edges
    }

    /// Outgoing edges, mutably, in the order of [`Terminator::edges`].
    pub fn edges_mut(&mut self) -> Vec<&mut Edge> {
        match self {
            Terminator::Jump(e) => vec![e],
            Terminator::BrIf {
                then_edge,
                else_edge,
                ..
            } => vec![then_edge, else_edge],
            Terminator::Switch {
                targets, default, ..
            } => targets.iter_mut().chain(std::iter::once(default)).collect(),
            Terminator::Cases { cases, default, .. } => cases
                .iter_mut()
                .map(|case| &mut case.edge)
                .chain(std::iter::once(default))
                .collect(),
            Terminator::Return(_) | Terminator::Unreachable => vec![],
        }
    }

    /// Values read by the terminator itself and by its edges' arguments.
    pub fn operands(&self) -> Vec<ValueId> {
        let mut all = match self {
            Terminator::BrIf { cond, .. } => vec![*cond],
            Terminator::Switch { index, .. } => vec![*index],
            Terminator::Cases { value, .. } => vec![*value],
            Terminator::Return(values) => values.clone(),
            Terminator::Jump(_) | Terminator::Unreachable => vec![],
        };
        for edge in self.edges() {
            all.extend(&edge.args);
        }
        all
    }

    /// Replaces every value `v` the terminator and its edges read by `f(v)`.
    pub(crate) fn map_operands(&mut self, mut f: impl FnMut(ValueId) -> ValueId) {
        match self {
            Terminator::BrIf { cond: v, .. }
            | Terminator::Switch { index: v, .. }
            | Terminator::Cases { value: v, .. } => *v = f(*v),
            Terminator::Return(values) => values.iter_mut().for_each(|v| *v = f(*v)),
            Terminator::Jump(_) | Terminator::Unreachable => {}
        }
        for edge in self.edges_mut() {
            edge.args.iter_mut().for_each(|a| *a = f(*a));
        }
    }
}

/// The outgoing edges of a terminator, in the order [`Terminator::edges`]
/// gives: `head`, then the cases or the table, then `tail`.
#[derive(Clone, Default)]
pub struct Edges<'a> {
    head: Option<&'a Edge>,
    cases: std::slice::Iter<'a, Case>,
    rest: std::slice::Iter<'a, Edge>,
    tail: Option<&'a Edge>,
}

impl<'a> Iterator for Edges<'a> {
    type Item = &'a Edge;

    fn next(&mut self) -> Option<&'a Edge> {
        self.head
            .take()
            .or_else(|| self.cases.next().map(|case| &case.edge))
            .or_else(|| self.rest.next())
            .or_else(|| self.tail.take())
    }
}

/// One case of a general switch: `value: edge`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Case {
    /// The literal's 64-bit two's complement; only the low bits of the
    /// scrutinee's width count (so `-1` and `4294967295` are one i32 case).
    pub value: u64,
    pub edge: Edge,
}

impl Case {
    /// The value as a scrutinee of type `ty` holds it: i64 cases in 64 bits,
    /// i32 and ptr cases in 32 (the verifier keeps ptr cases below 2^32, so
    /// a switch means the same on both targets).
    pub fn in_width(&self, ty: Type) -> u64 {
        match ty {
            Type::I64 => self.value,
            _ => self.value & u32::MAX as u64,
        }
    }
}

/// A branch to a block, passing values for its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edge {
    pub block: BlockId,
    pub args: Vec<ValueId>,
}

impl Edge {
    pub fn new(block: BlockId, args: Vec<ValueId>) -> Edge {
        Edge { block, args }
    }
}
