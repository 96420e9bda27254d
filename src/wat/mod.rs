//! An owned, structured AST of a WebAssembly core module, and its printer.
//!
//! The lowering builds this AST; [`print`] turns it into WAT text that reads
//! well in a review and is byte-for-byte stable. Everything is referred to by
//! symbolic `$name`s (stored here without the `$`), never by raw indices, so
//! the text says what it means and a change shows up as a small diff.
//! Instructions are kept structured (`block`/`loop`/`if` own their bodies),
//! and printed flat with indentation, one instruction per line.
//!
//! Every instruction is a typed [`Instr`] variant, never a mnemonic string:
//! numeric ones carry their type and operator (`IntBinary { ty: I64, op:
//! Add }` is `i64.add`), loads and stores a [`LoadKind`] or [`StoreKind`]
//! and a [`MemArg`] (memory, offset, alignment), constants their value. The
//! operator enums ([`ops`]) hold only operators that exist for every type
//! their variant allows, so the AST cannot hold an instruction wasm lacks.
//! Their text is written once, in [`ops`], and [`Instr::mnemonic`] gives
//! it for every instruction: the printer writes it, and the direct encoder
//! (`crate::encode`) matches on the variants.

pub mod annotations;
pub mod atomic;
pub mod ops;
pub mod origin;
pub mod print;

pub use atomic::{AtomicKind, AtomicWidth};
pub use ops::{
    Align, Conversion, FloatBinOp, FloatCmpOp, FloatType, FloatUnOp, IntBinOp, IntCmpOp, IntType,
    IntUnOp, LoadKind, MemArg, SignExtend, StoreKind,
};
pub use origin::{DebugVar, FuncOrigins, InlinedAt, Origin, operator_origins};
pub use print::{PrintOptions, print_module, print_module_with};

/// A numeric value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
}

impl ValType {
    pub fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
        }
    }
}

/// The address type of a memory or table: i64 with memory64 / table64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IndexType {
    I32,
    I64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FuncType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    /// `(module $name ...)`.
    pub name: Option<String>,
    /// `(type $id (func ...))`, referred to by `TypeUse::id`.
    pub types: Vec<TypeDef>,
    pub imports: Vec<Import>,
    pub funcs: Vec<Func>,
    pub tables: Vec<Table>,
    pub memories: Vec<Memory>,
    pub globals: Vec<Global>,
    pub exports: Vec<Export>,
    pub start: Option<String>,
    pub elems: Vec<Elem>,
    pub datas: Vec<Data>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    pub id: String,
    pub ty: FuncType,
}

/// A function's type: a reference to a `TypeDef` plus parameter names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeUse {
    /// The `(type $id)` this function or call uses.
    pub type_id: Option<String>,
    /// `(param $name i32)`; the name is `None` for an anonymous parameter.
    pub params: Vec<(Option<String>, ValType)>,
    pub results: Vec<ValType>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub desc: ImportDesc,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ImportDesc {
    Func {
        id: String,
        ty: TypeUse,
    },
    /// An imported memory (a threads program's shared memory): it comes
    /// before the module's own memories in the memory index space.
    Memory(Memory),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Func {
    pub id: String,
    pub ty: TypeUse,
    pub locals: Vec<Local>,
    pub body: Vec<Instr>,
    /// A line printed as `;; ...` above the function.
    pub comment: Option<String>,
    /// Where the function is defined, printed as `;;@ file:line:col` above
    /// it with `-g`, so that `asm -g` gives the DWARF `build -g` does.
    pub def: Option<Origin>,
    /// The IR parameters and variables DWARF describes, printed as
    /// `;; param %n: i32 = local 0` lines above it with `-g`.
    pub vars: Vec<DebugVar>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Local {
    pub id: String,
    pub ty: ValType,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub id: String,
    pub index_type: IndexType,
    pub min: u64,
    pub max: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Memory {
    pub id: String,
    pub index_type: IndexType,
    /// In 64 KiB pages.
    pub min: u64,
    pub max: Option<u64>,
    /// `shared` (threads): it then has a `max`.
    pub shared: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    pub id: String,
    pub ty: ValType,
    pub mutable: bool,
    /// A constant expression.
    pub init: Vec<Instr>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
    pub id: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Func,
    Table,
    Memory,
    Global,
}

/// An active element segment: functions placed into a table at an offset.
#[derive(Clone, Debug, PartialEq)]
pub struct Elem {
    pub id: String,
    pub table: String,
    pub offset: Vec<Instr>,
    pub funcs: Vec<String>,
}

/// A data segment: active (written into `memory` at `offset` when the
/// module is instantiated), or passive when `offset` is empty (written only
/// by `memory.init`: a threads program's segments, see
/// `lower/threads.rs`).
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub id: String,
    pub memory: String,
    /// A constant expression; empty for a passive segment.
    pub offset: Vec<Instr>,
    pub bytes: Vec<u8>,
    pub comment: Option<String>,
}

/// The type of a `block`, `loop` or `if`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Instr {
    Block {
        label: String,
        ty: BlockType,
        body: Vec<Instr>,
    },
    Loop {
        label: String,
        ty: BlockType,
        body: Vec<Instr>,
    },
    If {
        label: String,
        ty: BlockType,
        then_body: Vec<Instr>,
        else_body: Vec<Instr>,
    },
    Br(String),
    BrIf(String),
    BrTable {
        labels: Vec<String>,
        default: String,
    },
    Return,
    Unreachable,
    Nop,
    Drop,
    /// `select` (numeric operands).
    Select,
    Call(String),
    CallIndirect {
        table: String,
        ty: TypeUse,
    },
    LocalGet(String),
    LocalSet(String),
    LocalTee(String),
    GlobalGet(String),
    GlobalSet(String),
    I32Const(i32),
    I64Const(i64),
    /// Bits of an f32, so that NaN payloads survive.
    F32Const(u32),
    F64Const(u64),
    /// `i32.clz`, `i64.eqz`...
    IntUnary {
        ty: IntType,
        op: IntUnOp,
    },
    /// `f64.sqrt`, `f32.neg`...
    FloatUnary {
        ty: FloatType,
        op: FloatUnOp,
    },
    /// `i64.add`, `i32.shr_u`...
    IntBinary {
        ty: IntType,
        op: IntBinOp,
    },
    /// `f32.div`, `f64.copysign`...
    FloatBinary {
        ty: FloatType,
        op: FloatBinOp,
    },
    /// `i32.lt_u`, `i64.eq`...
    IntCompare {
        ty: IntType,
        op: IntCmpOp,
    },
    /// `f64.le`, `f32.ne`...
    FloatCompare {
        ty: FloatType,
        op: FloatCmpOp,
    },
    /// `i64.extend_i32_u`, `f32.demote_f64`...
    Convert(Conversion),
    /// `i64.load8_s offset=8`.
    Load {
        kind: LoadKind,
        memarg: MemArg,
    },
    /// `i32.store16 $scratch`.
    Store {
        kind: StoreKind,
        memarg: MemArg,
    },
    /// `memory.size`, or `memory.size $mem` of another memory than memory 0.
    MemorySize(Option<String>),
    /// `memory.grow`, or `memory.grow $mem`.
    MemoryGrow(Option<String>),
    /// `memory.copy`, or `memory.copy $dst $src` between two memories.
    MemoryCopy {
        memories: Option<(String, String)>,
    },
    /// `memory.fill`, or `memory.fill $mem`.
    MemoryFill(Option<String>),
    /// `memory.init $segment` (memory 0): copies part of a passive segment.
    MemoryInit(String),
    /// `data.drop $segment`: frees a passive segment.
    DataDrop(String),
    /// `i32.atomic.rmw8.add_u offset=4`, `memory.atomic.notify`...
    Atomic {
        kind: AtomicKind,
        memarg: MemArg,
    },
    AtomicFence,
    /// A `;; ...` line among the instructions.
    Comment(String),
    /// Where the instructions after it came from, up to the next one: no
    /// code, a `;;@ file:line:col` line when printed with locations.
    Origin(Origin),
}

impl Instr {
    /// A load or store of memory `memory` instead of memory 0 (`None`:
    /// itself); any other instruction is itself.
    pub fn in_memory(mut self, memory: Option<String>) -> Instr {
        if let (Instr::Load { memarg, .. } | Instr::Store { memarg, .. }, Some(_)) =
            (&mut self, &memory)
        {
            memarg.memory = memory;
        }
        self
    }

    /// The instruction's name in the text format (`block`, `local.get`,
    /// `i64.load8_s`), without its immediates; `;;` for a comment, `;;@`
    /// for an origin.
    pub fn mnemonic(&self) -> &'static str {
        match self {
            Instr::Block { .. } => "block",
            Instr::Loop { .. } => "loop",
            Instr::If { .. } => "if",
            Instr::Br(_) => "br",
            Instr::BrIf(_) => "br_if",
            Instr::BrTable { .. } => "br_table",
            Instr::Return => "return",
            Instr::Unreachable => "unreachable",
            Instr::Nop => "nop",
            Instr::Drop => "drop",
            Instr::Select => "select",
            Instr::Call(_) => "call",
            Instr::CallIndirect { .. } => "call_indirect",
            Instr::LocalGet(_) => "local.get",
            Instr::LocalSet(_) => "local.set",
            Instr::LocalTee(_) => "local.tee",
            Instr::GlobalGet(_) => "global.get",
            Instr::GlobalSet(_) => "global.set",
            Instr::I32Const(_) => "i32.const",
            Instr::I64Const(_) => "i64.const",
            Instr::F32Const(_) => "f32.const",
            Instr::F64Const(_) => "f64.const",
            Instr::IntUnary { ty, op } => op.mnemonic(*ty),
            Instr::FloatUnary { ty, op } => op.mnemonic(*ty),
            Instr::IntBinary { ty, op } => op.mnemonic(*ty),
            Instr::FloatBinary { ty, op } => op.mnemonic(*ty),
            Instr::IntCompare { ty, op } => op.mnemonic(*ty),
            Instr::FloatCompare { ty, op } => op.mnemonic(*ty),
            Instr::Convert(conversion) => conversion.mnemonic(),
            Instr::Load { kind, .. } => kind.mnemonic(),
            Instr::Store { kind, .. } => kind.mnemonic(),
            Instr::MemorySize(_) => "memory.size",
            Instr::MemoryGrow(_) => "memory.grow",
            Instr::MemoryCopy { .. } => "memory.copy",
            Instr::MemoryFill(_) => "memory.fill",
            Instr::MemoryInit(_) => "memory.init",
            Instr::DataDrop(_) => "data.drop",
            Instr::Atomic { kind, .. } => kind.mnemonic(),
            Instr::AtomicFence => "atomic.fence",
            Instr::Comment(_) => ";;",
            Instr::Origin(_) => ";;@",
        }
    }
}
