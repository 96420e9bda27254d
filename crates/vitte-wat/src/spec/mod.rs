//! A runner for spec-style `.wast` scripts: the official WebAssembly
//! testsuite and the project's own `spec-tests/`.
//!
//! - [`cache`]: each distinct module compiled once per engine.
//! - [`config`]: which wasm features a script gets (Wasm 3.0, plus the
//!   proposal of a `proposals/NAME/` directory) and the engines for them.
//! - [`compat`]: wasmtime's conventions (`--compat wasmtime`): named
//!   modules registered, traps as link errors, `;;!` feature headers.
//! - [`script`]: one script, directive by directive, in one store.
//! - [`host`]: the `spectest` module scripts import from.
//! - [`values`]: arguments, result patterns and their printing.
//! - [`messages`]: comparing the script's error messages with ours.
//! - [`expect`]: the checked-in list of expected failures.
//! - [`suite`]: many files, in parallel, reported in path order.
//! - [`report`] and [`json`]: what a run found, as text and as JSON.
//!
//! This runner is independent of the backend's [`Runtime`]: it has its own
//! engines, with the features the testsuite needs, a deadline per directive
//! and the `spectest` host module. [`run_script`] runs with exactly the
//! backend's feature set, for the golden lowering scripts.

pub mod cache;
pub mod compat;
pub mod config;
pub mod expect;
pub mod host;
pub mod json;
pub mod messages;
pub mod report;
pub mod script;
pub mod suite;
pub mod values;

pub use compat::Compat;
pub use config::{Engines, Profile, SpecEngine};
pub use expect::ExpectedFailures;
pub use report::{Failure, Note, Report, TextOptions, Totals, UnexpectedPass, render_text};
pub use script::Settings;
pub use suite::{Suite, collect_wast};

use crate::runtime::Runtime;
use std::sync::OnceLock;

/// Stack size of the threads that run scripts: the wast parser recurses on
/// nesting, and wasm runs on the host's stack (wasmtime's own limit,
/// `max_wasm_stack`, is 512 KiB, so `assert_exhaustion` still trips first).
pub const WORKER_STACK: usize = 64 << 20;

/// Runs a script with the backend's feature set ([`Profile::backend`]), as
/// the golden tests replay the lowering's scripts. The `Runtime` stands for
/// that feature set: the script runs on an engine configured the same way.
/// A script that does not parse is an error (`file:line:col: reason`); a
/// directive that fails is recorded in the report.
pub fn run_script(_runtime: &Runtime, path: &str, text: &str) -> Result<Report, String> {
    static ENGINES: OnceLock<Engines> = OnceLock::new();
    let profile = Profile::backend();
    let engine = ENGINES.get_or_init(Engines::new).get(&profile)?;
    let report = script::run(&engine, path, text, Settings::default());
    match report.error {
        Some(error) => Err(error),
        None => Ok(report),
    }
}
