//! The checks of frontend locations ([`crate::ir::Location`]): every
//! [`LocId`] names an entry of the module's table, every entry a debug file
//! the module has, lines and columns count from 1, and every file name can
//! be written on one `;;@ file:line:col` line. The lowering relies on none
//! of it (a location it cannot read is no location), but a location that
//! silently vanished would be a wrong line table.

use crate::diag::{Diagnostic, Span};
use crate::ir::{Function, LocId, Module, debug_file_name_error};

/// The module's debug files and locations.
pub(super) fn check_module(module: &Module) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (index, name) in module.debug_files.iter().enumerate() {
        if let Some(why) = debug_file_name_error(name) {
            let message = format!("debug file {index} ({:?}) {why}", &**name);
            errors.push(Diagnostic::new(message, Span::NONE));
        }
    }
    for (index, l) in module.locations.iter().enumerate() {
        let problem = if module.debug_file(l.file).is_none() {
            format!("names debug file {}, which does not exist", l.file.0)
        } else if l.line == 0 || l.col == 0 {
            "has line or column 0 (they count from 1)".to_string()
        } else {
            continue;
        };
        let message = format!(
            "location {index} (file {}, {}:{}) {problem}",
            l.file.0, l.line, l.col
        );
        errors.push(Diagnostic::new(message, Span::NONE));
    }
    errors
}

/// The location ids of `func`: of the function, its instructions and its
/// terminators.
pub(super) fn check_function(module: &Module, func: &Function) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let count = module.locations.len();
    let mut check = |loc: LocId, what: &dyn Fn() -> String, span: Span| {
        if loc.index().is_some_and(|i| i >= count) {
            let message = format!(
                "{}: location {} is out of range (the module has {count} locations)",
                what(),
                loc.index().unwrap_or(0)
            );
            errors.push(Diagnostic::new(message, span));
        }
    };
    let name = &func.name;
    check(func.loc, &|| format!("function `@{name}`"), func.span);
    for block in &func.blocks {
        let at = || format!("function `@{name}`, block `{}`", block.name);
        for (index, inst) in block.insts.iter().enumerate() {
            check(
                inst.loc,
                &|| format!("{}, instruction {index}", at()),
                inst.span,
            );
        }
        check(
            block.term_loc,
            &|| format!("{}, terminator", at()),
            block.term_span,
        );
    }
    errors
}
