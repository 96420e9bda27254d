//! The `name` custom section: what `wast` writes for the printed text, so
//! that a disassembler shows the same `$name`s the WAT has.

use super::code::FuncNames;
use crate::wat::{ImportDesc, Module};
use wasm_encoder::{IndirectNameMap, NameMap, NameSection};

/// The names of a module, `bodies` being those of its functions in order.
pub(super) fn name_section(m: &Module, bodies: &[FuncNames]) -> Option<NameSection> {
    let imported = m.imports.iter().filter_map(|i| match &i.desc {
        ImportDesc::Func { id, .. } => Some(id.as_str()),
        ImportDesc::Memory(_) => None,
    });
    let first_defined = imported.clone().count() as u32;
    let funcs = name_map(imported.chain(m.funcs.iter().map(|f| f.id.as_str())));
    let locals = indirect_map(bodies, first_defined, |b| b.locals.as_ref());
    let labels = indirect_map(bodies, first_defined, |b| b.labels.as_ref());
    let types = name_map(m.types.iter().map(|t| t.id.as_str()));
    let tables = name_map(m.tables.iter().map(|t| t.id.as_str()));
    let imported_memories = m.imports.iter().filter_map(|i| match &i.desc {
        ImportDesc::Memory(mem) => Some(mem.id.as_str()),
        ImportDesc::Func { .. } => None,
    });
    let memories = name_map(imported_memories.chain(m.memories.iter().map(|t| t.id.as_str())));
    let globals = name_map(m.globals.iter().map(|t| t.id.as_str()));
    let elems = name_map(m.elems.iter().map(|t| t.id.as_str()));
    let datas = name_map(m.datas.iter().map(|t| t.id.as_str()));

    let maps = [&types, &tables, &memories, &globals, &elems, &datas];
    let any = m.name.is_some()
        || funcs.is_some()
        || locals.is_some()
        || labels.is_some()
        || maps.iter().any(|map| map.is_some());
    if !any {
        return None;
    }
    // The subsections in the order `wast` writes them.
    let mut section = NameSection::new();
    if let Some(name) = &m.name {
        section.module(name);
    }
    if let Some(map) = &funcs {
        section.functions(map);
    }
    if let Some(map) = &locals {
        section.locals(map);
    }
    if let Some(map) = &labels {
        section.labels(map);
    }
    let writers: [fn(&mut NameSection, &NameMap); 6] = [
        NameSection::types,
        NameSection::tables,
        NameSection::memories,
        NameSection::globals,
        NameSection::elements,
        NameSection::data,
    ];
    for (map, write) in maps.into_iter().zip(writers) {
        if let Some(map) = map {
            write(&mut section, map);
        }
    }
    Some(section)
}

/// Index `i` named by the `i`th name; `None` when there are none.
fn name_map<'a>(names: impl Iterator<Item = &'a str>) -> Option<NameMap> {
    let mut map = NameMap::new();
    let mut any = false;
    for (i, name) in names.enumerate() {
        map.append(i as u32, name);
        any = true;
    }
    any.then_some(map)
}

/// The names inside each function, for the functions that have any.
fn indirect_map(
    bodies: &[FuncNames],
    first: u32,
    pick: fn(&FuncNames) -> Option<&NameMap>,
) -> Option<IndirectNameMap> {
    let mut map = IndirectNameMap::new();
    let mut any = false;
    for (i, body) in bodies.iter().enumerate() {
        if let Some(names) = pick(body) {
            map.append(first + i as u32, names);
            any = true;
        }
    }
    any.then_some(map)
}
