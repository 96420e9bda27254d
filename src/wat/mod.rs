//! An owned, structured AST of a WebAssembly core module, and its printer.
//!
//! The lowering builds this AST; [`print`] turns it into WAT text that reads
//! well in a review and is byte-for-byte stable. Everything is referred to by
//! symbolic `$name`s (stored here without the `$`), never by raw indices, so
//! the text says what it means and a change shows up as a small diff.
//! Instructions are kept structured (`block`/`loop`/`if` own their bodies),
//! and printed flat with indentation, one instruction per line.

pub mod print;

pub use print::print_module;

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
    Func { id: String, ty: TypeUse },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Func {
    pub id: String,
    pub ty: TypeUse,
    pub locals: Vec<Local>,
    pub body: Vec<Instr>,
    /// A line printed as `;; ...` above the function.
    pub comment: Option<String>,
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

/// An active data segment.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub id: String,
    pub memory: String,
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
    /// `i64.load8_s offset=8 align=1`: the full mnemonic, a byte offset and
    /// the alignment in bytes (printed only when it differs from the natural one).
    Load {
        op: String,
        /// The memory, when it is not memory 0 (multi-memory).
        memory: Option<String>,
        offset: u64,
        align: u32,
        natural_align: u32,
    },
    Store {
        op: String,
        memory: Option<String>,
        offset: u64,
        align: u32,
        natural_align: u32,
    },
    MemorySize,
    MemoryGrow,
    /// `memory.copy`, or `memory.copy $dst $src` between two memories.
    MemoryCopy {
        memories: Option<(String, String)>,
    },
    MemoryFill,
    /// An instruction without immediates, by mnemonic: `i32.add`, `f64.sqrt`.
    Plain(String),
    /// A `;; ...` line among the instructions.
    Comment(String),
}
