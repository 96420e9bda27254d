//! The checks of named memories (docs/ir.md, "Memories"): each declaration
//! (index type, initial pages, maximum), the memory each data definition is
//! placed in, and that no `ptr` is made of an address in a named memory
//! (its addresses have the memory's index type, and a `ptr` global or data
//! item holds addresses of the default memory). The instructions' memory
//! operands are checked with their other operands (`mod.rs`).

use crate::diag::{Diagnostic, Span};
use crate::ir::{DataId, DataItem, GlobalInit, MemId, Module, Type};
use crate::memory::MAX_PAGES;

/// The module-level errors about named memories.
pub(super) fn check_module(module: &Module) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for memory in &module.memories {
        let at = |message: String| Diagnostic::new(message, memory.span);
        let name = &memory.name;
        if !matches!(memory.index, Type::I32 | Type::I64 | Type::Ptr) {
            let ty = memory.index;
            errors.push(at(format!(
                "memory @{name}: its index type must be i32, i64 or ptr, found {ty}"
            )));
        }
        let pages = memory.pages;
        if pages > MAX_PAGES {
            errors.push(at(format!(
                "memory @{name} starts with {pages} pages, more than the maximum of {MAX_PAGES}"
            )));
        }
        match memory.max {
            Some(max) if max > MAX_PAGES => errors.push(at(format!(
                "memory @{name} has a maximum of {max} pages, more than {MAX_PAGES}"
            ))),
            Some(max) if max < pages => errors.push(at(format!(
                "memory @{name} has a maximum of {max} pages, below its initial {pages}"
            ))),
            _ => {}
        }
    }
    check_data(module, &mut errors);
    errors
}

/// Each data definition's memory exists, and no `ptr` initialiser or data
/// item takes the address of a definition in a named memory.
fn check_data(module: &Module, errors: &mut Vec<Diagnostic>) {
    for (&id, &mem) in &module.data_memory {
        let Some(data) = module.data.get(id.index()) else {
            errors.push(Diagnostic::new(
                format!("data id {} is placed in a memory but is out of range", id.0),
                Span::NONE,
            ));
            continue;
        };
        if !mem.is_default() && module.memory(mem).is_none() {
            errors.push(Diagnostic::new(
                format!(
                    "data @{} is in memory id {}, which does not exist",
                    data.name, mem.0
                ),
                data.span,
            ));
        }
    }
    for global in &module.globals {
        if let GlobalInit::DataAddr(d, _) = global.init {
            not_a_ptr(module, d, global.span, errors);
        }
    }
    for data in &module.data {
        for item in &data.items {
            if let DataItem::DataAddr(d, _) = *item {
                not_a_ptr(module, d, data.span, errors);
            }
        }
    }
}

/// An error when `d` is in a named memory: its address is no `ptr`.
fn not_a_ptr(module: &Module, d: DataId, span: Span, errors: &mut Vec<Diagnostic>) {
    let mem = module.data_mem(d);
    let (Some(data), Some(memory)) = (module.data.get(d.index()), module.memory(mem)) else {
        return;
    };
    errors.push(Diagnostic::new(
        format!(
            "@{} is in memory @{}: its address is an address of that memory, not a ptr",
            data.name, memory.name
        ),
        span,
    ));
}

/// The index type of memory `mem`, or the error that it does not exist.
pub(super) fn index_type(module: &Module, mem: MemId) -> Result<Type, String> {
    module
        .index_type(mem)
        .ok_or_else(|| format!("memory id {} is out of range", mem.0))
}
