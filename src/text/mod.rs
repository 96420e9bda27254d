//! The `.vir` text form, read and written: the parser (a hand-written fast
//! path, and the pest grammar `grammar/vitte-ir.pest` as the reference and
//! the source of every error) and the printer. `docs/ir.md` is the format's
//! reference; printing then parsing gives the same module back.
//!
//! This module sits on [`crate::ir`]; [`load`] is the front door of every
//! command: it reads a file and checks it with [`crate::verify`].

mod build;
mod fast;
pub mod float;
mod parse;
mod print;
mod token;

pub use parse::{
    parse_module, parse_str, parse_str_fast, parse_str_fast_in_chunks, parse_str_reference,
};
pub use print::print_module;

use crate::diag::{Diagnostics, SourceFile};
use crate::ir::Module;
use crate::verify;
use std::sync::Arc;

/// Parses and verifies a `.vir` file: the front door of every command.
/// Errors are in source order, each located in `file`.
///
/// The file is verified as a compilation unit ([`verify::verify_unit`]): it
/// may declare `extern data` and `extern global`s, which only the linker
/// ([`crate::link`]) can resolve; the lowering and the interpreter reject
/// them ([`verify::verify_module`]).
pub fn load(file: &Arc<SourceFile>) -> Result<Module, Diagnostics> {
    let module = parse_module(file).map_err(|d| Diagnostics::from(d.with_file(Some(file))))?;
    verify::verify_unit(&module).map_err(|ds| ds.with_file(Some(file)))?;
    Ok(module)
}
