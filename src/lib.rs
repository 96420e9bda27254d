//! `vitte-codegen-wasm64`: the WebAssembly backend of the Vitte compiler.
//!
//! The pipeline is text-first: every stage can be written out and read.
//!
//! ```text
//! .vir text --text::parse--> ir::Module --verify--> verified IR
//!   --lower--> wat::Module (AST) --wat::print--> WAT text
//!   --emit (the `wast` crate)--> wasm binary --validate (wasmparser)--> valid module
//! ```
//!
//! This crate is what a compiler depends on: the wasm-tools family, pest and
//! thiserror, no wasmtime and no clap. The workspace's other members hold
//! the rest: `vitte-runtime` (crates/vitte-runtime) runs modules in wasmtime
//! (WASI, AOT, the compile cache, sandbox limits), and `vitte-wat`
//! (crates/vitte-wat) is the command line with the spec runner, the
//! differential-testing campaign and the file tests.
//!
//! Where things live:
//! - [`backend`]: the entry point for a compiler: [`Context`] and [`WasmBackend`].
//! - [`ir`]: the Vitte IR, the ground floor: data model, types, operators and
//!   the builder. It imports nothing of the crate above it.
//! - [`text`]: the `.vir` text form, read (a hand-written fast path, and the
//!   pest grammar as the reference and the source of every error, sharing one
//!   builder that resolves names) and written; float literals; [`text::load`],
//!   the front door of every command.
//! - [`verify`]: the IR verifier and the implementation limits it enforces.
//! - [`interp`]: the reference interpreter that tests compare against.
//! - [`analysis`]: CFG, dominator tree, loops.
//! - [`memory`]: the memory map (data, shadow stack, heap, function table).
//! - [`link`]: several IR modules into one, before lowering: symbol
//!   resolution, renaming, merging and dead-code removal.
//! - [`lower`]: IR to the WAT AST, including structured control flow, and
//!   the optimisation passes that [`OptLevel`] and `lower::Options` choose
//!   ([`WasmBackend::with_opt_level`]; `lower::PASSES` lists them).
//! - [`wat`]: the WAT AST and its deterministic printer.
//! - [`emit`]: WAT text to binary, and binary back to text.
//! - [`encode`]: the WAT AST straight to binary, byte-identical to printing
//!   then assembling it (the fast path of `vitte-wat build --direct`).
//! - `dwarf` (feature `dwarf`): DWARF sections mapping a binary's code
//!   back to the IR source, for `vitte-wat build -g`.
//! - `wasm_source_map` (feature `dwarf`): the same positions as a
//!   version-3 source map, for `vitte-wat build --source-map`.
//! - [`validate`]: binary validation with an explicit feature set.
//! - [`testgen`]: random valid IR programs, seeded (the generator of
//!   differential testing; the campaign that runs them is `vitte-wat`'s).
//! - [`value`]: values and traps shared by the interpreter and the runtime.
//! - [`diag`]: spans and diagnostics rendered like rustc's.
//!
//! No two top-level modules import each other, directly or through others:
//! `tests/layering.rs` checks it.
//!
//! The seed's usage, end to end:
//!
//! ```
//! use vitte_codegen_wasm64::{Context, Target, WasmBackend};
//! use vitte_codegen_wasm64::ir::{BinaryOp, Type};
//!
//! let mut ctx = Context::new(Target::Wasm64);
//! let func = ctx.create_function("sum");
//! {
//!     let mut b = ctx.builder(func);
//!     let n = b.param("n", Type::I32);
//!     b.result(Type::I32);
//!     let entry = b.create_block("entry");
//!     b.switch_to_block(entry);
//!     let doubled = b.binary(BinaryOp::Add, Type::I32, n, n);
//!     b.ret(&[doubled]);
//! }
//! let wasm = WasmBackend::new().compile(&ctx, &func)?;
//! assert!(wasm.starts_with(b"\0asm"));
//! # Ok::<(), vitte_codegen_wasm64::Error>(())
//! ```

pub mod analysis;
pub mod backend;
pub mod diag;
#[cfg(feature = "dwarf")]
pub mod dwarf;
pub mod emit;
pub mod encode;
mod fxhash;
pub mod interp;
pub mod ir;
pub mod link;
pub mod lower;
pub mod memory;
mod parallel;
mod stack;
pub mod testgen;
pub mod text;
pub mod validate;
pub mod value;
pub mod verify;
#[cfg(feature = "dwarf")]
pub mod wasm_source_map;
pub mod wat;

pub use backend::{Compiled, Context, Error, WasmBackend};
pub use ir::Target;
pub use lower::OptLevel;
