//! Named memories lowered (docs/ir.md, "Memories"): each `memory @m` is a
//! wasm memory after memory 0 (the default memory, exported as `memory`)
//! and, on wasm64 with WASI imports, the adapter's scratch memory; it is
//! not exported. The memory of each access, `memory.size`/`grow`/`fill`/
//! `copy` and data segment is named in the WAT (`i32.load $buf`), so the
//! indices are the assembler's (and the direct encoder's) business.

use super::ModuleCx;
use super::names::NameSpace;
use crate::ir::{MemId, Module, Target, Type};
use crate::memory::MAX_PAGES;
use crate::wat;

/// The WAT ids of the named memories, by `MemId` less one: the IR's names,
/// made unique against the default memory's and the scratch memory's.
pub(super) fn memory_ids(module: &Module, main: &str) -> Vec<String> {
    let mut names = NameSpace::default();
    names.fresh(main);
    names.fresh(super::wasi64::SCRATCH);
    (module.memories.iter())
        .map(|m| names.fresh(&m.name))
        .collect()
}

/// The wasm index type of an IR index type on `target`.
fn wasm_index(index: Type, target: Target) -> wat::IndexType {
    match (index, target) {
        (Type::I32, _) | (Type::Ptr, Target::Wasm32) => wat::IndexType::I32,
        _ => wat::IndexType::I64,
    }
}

impl ModuleCx<'_> {
    /// `(memory $m i32|i64 PAGES MAX)` for each named memory, in order.
    pub(super) fn named_memories(&mut self) {
        for (memory, id) in self.module.memories.iter().zip(&self.memory_ids) {
            self.out.memories.push(wat::Memory {
                id: id.clone(),
                index_type: wasm_index(memory.index, self.target),
                min: memory.pages,
                max: Some(memory.max.unwrap_or(MAX_PAGES)),
                shared: false,
            });
        }
    }

    /// The WAT id of memory `mem`: `None` for the default memory (memory
    /// 0, which instructions need not name).
    pub fn named_memory(&self, mem: MemId) -> Option<String> {
        let index = mem.index().checked_sub(1)?;
        self.memory_ids.get(index).cloned()
    }

    /// The WAT id of memory `mem`, the default memory's included.
    pub fn memory_id(&self, mem: MemId) -> String {
        self.named_memory(mem)
            .unwrap_or_else(|| self.memory.clone())
    }

    /// An address constant of memory `mem`'s index type.
    pub fn address_const(&self, mem: MemId, value: u64) -> wat::Instr {
        let index = self.module.index_type(mem).unwrap_or(Type::Ptr);
        match wasm_index(index, self.target) {
            wat::IndexType::I64 => wat::Instr::I64Const(value as i64),
            wat::IndexType::I32 => wat::Instr::I32Const(value as u32 as i32),
        }
    }
}
