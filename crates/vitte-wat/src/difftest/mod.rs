//! Differential testing: random programs of the library's generator
//! (`vitte_codegen_wasm64::testgen`) run through the reference interpreter
//! and wasmtime ([`vitte_runtime`]) on both targets, and compared.
//!
//! Checking ([`Runner`]): each program is verified and round-tripped through
//! its text ([`well_formed`]), then run call by call on a fresh instance in
//! the interpreter and in wasmtime, for wasm64 and wasm32. [`Campaign`] does
//! that for many seeds over threads, with [`Coverage`] statistics; a
//! mismatching program is written as a `.vir` file with the interpreter's
//! outcomes as checks ([`failure_file`]) and shrunk by delta debugging
//! ([`reduce`]).
//!
//! Files: `diff.rs` (running and comparing), `campaign.rs`, `coverage.rs`,
//! `report.rs`, `reduce.rs`, `json.rs` (`--json` and merging shards).

mod campaign;
mod coverage;
mod diff;
pub mod json;
mod reduce;
mod report;

pub use campaign::{Campaign, Failure, Progress, REDUCE_BUDGET, Summary};
pub use coverage::Coverage;
pub use diff::{CallStats, Mismatch, Outcome, ProgramReport, Runner, Verdict, interpret};
pub use reduce::{reduce, reduce_with};
pub use report::{failure_file, program_from_vir};
// The generator, from the library, so that one path names the whole loop.
pub use vitte_codegen_wasm64::testgen::{
    Arg, Call, GenConfig, Program, generate, generate_from_bytes, generate_program, rng,
    well_formed,
};

#[cfg(test)]
mod tests;
