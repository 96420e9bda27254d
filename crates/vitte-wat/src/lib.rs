//! `vitte-wat`: the command line of the Vitte wasm backend (`src/main.rs`,
//! `src/cli/`), and what it shares with the tests:
//!
//! - [`spec`]: running spec-style `.wast` scripts (the official testsuite
//!   and `spec-tests/`) in wasmtime, with its own engines.
//! - [`difftest`]: the differential-testing campaign: the library's random
//!   programs run through the interpreter and wasmtime, compared, reduced.
//! - [`filetest`]: expectations written in `.vir` comments
//!   (`;; run: f(1) == 2`), the golden cases' checks.
//! - [`shard`]: `--shard K/N`, one slice of a campaign, and merging the
//!   slices' reports.
//!
//! The backend itself is the library `vitte-codegen-wasm64` (the workspace's
//! root package) and running modules is `vitte-runtime`; this crate adds
//! clap, mimalloc and the test machinery, which a compiler does not need.

pub mod difftest;
pub mod filetest;
pub mod shard;
pub mod spec;

// The library's modules and the runtime, by the paths these files used when
// they were in the library (`crate::ir`, `crate::runtime`...).
use vitte_codegen_wasm64::{
    WasmBackend, analysis, diag, interp, ir, text, validate, value, verify,
};
use vitte_runtime as runtime;
