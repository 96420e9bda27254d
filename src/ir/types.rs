//! Value types, signatures, typed ids and constants of the Vitte IR.

use std::fmt;

/// A value type. `Ptr` is pointer-sized: i64 on wasm64, i32 on wasm32.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    I32,
    I64,
    F32,
    F64,
    Ptr,
}

impl Type {
    /// The length type of a `memory.copy` between memories of index types
    /// `a` and `b`: the smaller (`ptr` is at most `i64` and at least `i32`
    /// on both targets), as the multi-memory and memory64 proposals define.
    pub fn smaller_index(a: Type, b: Type) -> Type {
        match (a, b) {
            (Type::I32, _) | (_, Type::I32) => Type::I32,
            (Type::Ptr, _) | (_, Type::Ptr) => Type::Ptr,
            _ => Type::I64,
        }
    }

    pub const ALL: [Type; 5] = [Type::I32, Type::I64, Type::F32, Type::F64, Type::Ptr];

    pub fn name(self) -> &'static str {
        match self {
            Type::I32 => "i32",
            Type::I64 => "i64",
            Type::F32 => "f32",
            Type::F64 => "f64",
            Type::Ptr => "ptr",
        }
    }

    pub fn from_name(name: &str) -> Option<Type> {
        Type::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Integer types, `ptr` included.
    pub fn is_int(self) -> bool {
        matches!(self, Type::I32 | Type::I64 | Type::Ptr)
    }

    pub fn is_float(self) -> bool {
        matches!(self, Type::F32 | Type::F64)
    }

    /// Width in bits for the given pointer width.
    pub fn bits(self, target: Target) -> u32 {
        match self {
            Type::I32 | Type::F32 => 32,
            Type::I64 | Type::F64 => 64,
            Type::Ptr => target.pointer_bits(),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The wasm flavour code is generated for; it fixes the width of `ptr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Target {
    /// memory64: i64 addresses, `(memory i64 ...)`.
    #[default]
    Wasm64,
    /// Classic wasm: i32 addresses.
    Wasm32,
}

impl Target {
    pub fn pointer_bits(self) -> u32 {
        match self {
            Target::Wasm64 => 64,
            Target::Wasm32 => 32,
        }
    }

    /// The concrete integer type `ptr` stands for.
    pub fn pointer_type(self) -> Type {
        match self {
            Target::Wasm64 => Type::I64,
            Target::Wasm32 => Type::I32,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Target::Wasm64 => "wasm64",
            Target::Wasm32 => "wasm32",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parameter and result types of a function or of an indirect call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Signature {
    pub params: Vec<Type>,
    pub results: Vec<Type>,
}

impl fmt::Display for Signature {
    /// `(i32, i64) -> i32`, `() -> (i32, i32)`, `(ptr)` when there is no result.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({})", join(&self.params))?;
        match self.results.as_slice() {
            [] => Ok(()),
            [one] => write!(f, " -> {one}"),
            many => write!(f, " -> ({})", join(many)),
        }
    }
}

fn join(types: &[Type]) -> String {
    types
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(", ")
}

macro_rules! entity_id {
    ($(#[$doc:meta] $name:ident;)*) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

entity_id! {
    /// A function of a module: defined or imported (`extern fn`).
    FuncId;
    /// A global variable of a module.
    GlobalId;
    /// A data definition of a module.
    DataId;
    /// A linear memory of a module: 0 is the default memory, `k` the named memory `Module::memories[k - 1]` (`memory @name ...`).
    MemId;
}

impl MemId {
    /// The implicit memory every module has (wasm memory 0).
    pub const DEFAULT: MemId = MemId(0);

    pub fn is_default(self) -> bool {
        self == MemId::DEFAULT
    }
}

macro_rules! function_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// Besides its index in the function, it carries the function's tag
        /// ([`Function::tag`](super::Function::tag), the index the module
        /// gave the function), so that an id of another function is refused
        /// by the builder and the verifier rather than read as this
        /// function's id of the same index.
        ///
        /// Equality and order include the tag (the index first); the hash is
        /// the index's alone, so that hash tables iterate as they would
        /// without tags.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub struct $name {
            index: u32,
            func: u32,
        }

        impl $name {
            /// The id of index `index` of the function tagged `func`.
            pub const fn new(func: FuncId, index: u32) -> $name {
                $name {
                    index,
                    func: func.0,
                }
            }

            pub fn index(self) -> usize {
                self.index as usize
            }

            /// The index as a `u32`, for dense tables keyed by id.
            pub fn as_u32(self) -> u32 {
                self.index
            }

            /// The tag of the function the id belongs to.
            pub fn func(self) -> FuncId {
                FuncId(self.func)
            }
        }

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.index.hash(state);
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({}, func {})", stringify!($name), self.index, self.func)
            }
        }
    )*};
}

function_id! {
    /// An SSA value of a function: a parameter, a block parameter or an
    /// instruction result.
    ValueId;
    /// A basic block of a function; block 0 is the entry.
    BlockId;
    /// A mutable local variable of a function.
    VarId;
    /// A stack slot of a function: address-taken storage in linear memory.
    SlotId;
}

/// A constant. Floats are kept as bits so that NaN payloads survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Const {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// A pointer-sized integer; it must fit in the target's pointer width.
    Ptr(u64),
}

impl Const {
    pub fn ty(self) -> Type {
        match self {
            Const::I32(_) => Type::I32,
            Const::I64(_) => Type::I64,
            Const::F32(_) => Type::F32,
            Const::F64(_) => Type::F64,
            Const::Ptr(_) => Type::Ptr,
        }
    }

    /// The zero of a type: the initial value of variables.
    pub fn zero(ty: Type) -> Const {
        match ty {
            Type::I32 => Const::I32(0),
            Type::I64 => Const::I64(0),
            Type::F32 => Const::F32(0),
            Type::F64 => Const::F64(0),
            Type::Ptr => Const::Ptr(0),
        }
    }

    /// An integer constant's bits in its type's width (an `i32` zero-extended;
    /// a `ptr` fits the target), `None` for a float.
    pub fn int_bits(self) -> Option<u64> {
        match self {
            Const::I32(v) => Some(v as u32 as u64),
            Const::I64(v) => Some(v as u64),
            Const::Ptr(v) => Some(v),
            Const::F32(_) | Const::F64(_) => None,
        }
    }
}
