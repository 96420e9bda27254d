//! The limits of wasm implementations (the JS API's, which wasmparser and
//! so wasmtime enforce) that a module's lowering could reach: the verifier
//! refuses IR that would cross them, so that every verified module lowers.

/// Data segments of a module.
pub const MAX_DATA_SEGMENTS: usize = 100_000;
/// Functions of a module, imported and defined.
pub const MAX_FUNCTIONS: usize = 1_000_000;
/// Distinct function types of a module.
pub const MAX_TYPES: usize = 1_000_000;
/// Globals of a module, imported and defined.
pub const MAX_GLOBALS: usize = 1_000_000;
/// Parameters, and results, of a function type.
pub const MAX_PARAMS: usize = 1000;
pub const MAX_RESULTS: usize = 1000;
/// Locals of a function, its parameters included.
pub const MAX_LOCALS: usize = 50_000;
/// Bytes of an import's or an export's name.
pub const MAX_NAME: usize = 100_000;
/// The "effective type size" of imports and exports: 2 plus parameters
/// plus results per function, 1 per memory, table or global, summed from
/// 1, must stay under this.
pub const MAX_TYPE_SIZE: usize = 1_000_000;
/// What the lowering adds to the IR's functions, types, globals and
/// exports (the stack pointer, `__data_end`, memories, the WASI
/// adapters' types): a margin kept free under each module-wide limit.
pub const RESERVED: usize = 64;
