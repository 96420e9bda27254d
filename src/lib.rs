//! `vitte-codegen-wasm64`: the WebAssembly backend of the Vitte compiler.
//!
//! The pipeline is text-first: every stage can be written out and read.
//!
//! ```text
//! .vir text --ir::parse--> ir::Module --ir::verify--> verified IR
//!   --lower--> wat::Module (AST) --wat::print--> WAT text
//!   --emit (the `wat` crate)--> wasm binary --validate (wasmparser)--> valid module
//!   --runtime (wasmtime)--> results
//! ```
//!
//! Where things live:
//! - [`ir`]: the Vitte IR: data model, builder, `.vir` parser and printer,
//!   verifier, and the reference interpreter that tests compare against.
//! - [`analysis`]: CFG, dominator tree, loops.
//! - [`memory`]: the memory map (data, shadow stack, heap, function table).
//! - [`lower`]: IR to the WAT AST, including structured control flow.
//! - [`wat`]: the WAT AST and its deterministic printer.
//! - [`emit`], [`validate`]: text to binary, and binary validation.
//! - [`runtime`]: running modules in wasmtime.
//! - [`value`]: values and traps shared by the interpreter and the runtime.
//! - [`diag`]: spans and diagnostics rendered like rustc's.

pub mod analysis;
pub mod diag;
pub mod emit;
pub mod ir;
pub mod memory;
pub mod runtime;
pub mod validate;
pub mod value;
pub mod wat;
