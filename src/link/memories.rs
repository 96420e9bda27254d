//! Named memories across units (docs/linking.md, "Memories"): units that
//! declare a memory of the same name share it, and must declare it alike
//! (index type, initial pages, maximum); a different declaration is an
//! error at the second unit's. The linked module's memories are the names
//! in order of first declaration.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{MemId, Memory, Module};

/// The linked memories, and for each unit the linked id of each of its
/// memories by its own `MemId` (the default memory maps to itself).
pub(crate) fn plan(units: &[Module]) -> Result<(Vec<Memory>, Vec<Vec<MemId>>), Diagnostics> {
    let mut linked: Vec<Memory> = Vec::new();
    let mut maps = Vec::with_capacity(units.len());
    let mut errors = Vec::new();
    for unit in units {
        let mut map = vec![MemId::DEFAULT];
        for memory in &unit.memories {
            let found = linked.iter().position(|m| m.name == memory.name);
            let index = match found {
                Some(i) if !same_declaration(&linked[i], memory) => {
                    errors.push(conflict(&linked[i], memory, unit));
                    i
                }
                Some(i) => i,
                None => {
                    linked.push(memory.clone());
                    linked.len() - 1
                }
            };
            map.push(MemId(index as u32 + 1));
        }
        maps.push(map);
    }
    match errors.is_empty() {
        true => Ok((linked, maps)),
        false => Err(errors.into()),
    }
}

fn same_declaration(a: &Memory, b: &Memory) -> bool {
    (a.index, a.pages, a.max) == (b.index, b.pages, b.max)
}

fn conflict(first: &Memory, second: &Memory, unit: &Module) -> Diagnostic {
    let max = |m: &Memory| m.max.map(|x| format!(" max {x}")).unwrap_or_default();
    Diagnostic::new(
        format!(
            "memory @{} is declared `{} {}{}` here and `{} {}{}` in an earlier unit: \
             units sharing a memory must declare it alike",
            second.name,
            second.index,
            second.pages,
            max(second),
            first.index,
            first.pages,
            max(first)
        ),
        second.span,
    )
    .with_file(unit.source.as_ref())
}
