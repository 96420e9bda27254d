//! The `name` custom section: what `wast` writes for the printed text, so
//! that a disassembler shows the same `$name`s the WAT has.

use super::code::BodyNames;
use crate::wat::{ImportDesc, Module};
use wasm_encoder::{IndirectNameMap, NameMap, NameSection};

/// The names of a module, `bodies` being those of its functions in order.
pub(super) fn name_section(m: &Module, bodies: &[BodyNames<'_>]) -> Option<NameSection> {
    let imported = m.imports.iter().map(|i| match &i.desc {
        ImportDesc::Func { id, .. } => id.as_str(),
    });
    let funcs = name_map(imported.chain(m.funcs.iter().map(|f| f.id.as_str())));
    let first_defined = m.imports.len() as u32;
    let locals = indirect_map(bodies, first_defined, |b| &b.locals);
    let labels = indirect_map(bodies, first_defined, |b| &b.labels);
    let types = name_map(m.types.iter().map(|t| t.id.as_str()));
    let tables = name_map(m.tables.iter().map(|t| t.id.as_str()));
    let memories = name_map(m.memories.iter().map(|t| t.id.as_str()));
    let globals = name_map(m.globals.iter().map(|t| t.id.as_str()));
    let elems = name_map(m.elems.iter().map(|t| t.id.as_str()));
    let datas = name_map(m.datas.iter().map(|t| t.id.as_str()));

    // The subsections in the order `wast` writes them.
    let mut section = NameSection::new();
    let mut any = false;
    if let Some(name) = &m.name {
        section.module(name);
        any = true;
    }
    let mut put = |write: &mut dyn FnMut(&mut NameSection)| {
        write(&mut section);
        any = true;
    };
    if let Some(map) = &funcs {
        put(&mut |s| s.functions(map));
    }
    if let Some(map) = &locals {
        put(&mut |s| s.locals(map));
    }
    if let Some(map) = &labels {
        put(&mut |s| s.labels(map));
    }
    for (map, write) in [
        (&types, NameSection::types as fn(&mut NameSection, &NameMap)),
        (&tables, NameSection::tables),
        (&memories, NameSection::memories),
        (&globals, NameSection::globals),
        (&elems, NameSection::elements),
        (&datas, NameSection::data),
    ] {
        if let Some(map) = map {
            put(&mut |s| write(s, map));
        }
    }
    any.then_some(section)
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
fn indirect_map<'m>(
    bodies: &[BodyNames<'m>],
    first: u32,
    pick: for<'b> fn(&'b BodyNames<'m>) -> &'b [(u32, &'m str)],
) -> Option<IndirectNameMap> {
    let mut map = IndirectNameMap::new();
    let mut any = false;
    for (i, body) in bodies.iter().enumerate() {
        let names = pick(body);
        if names.is_empty() {
            continue;
        }
        let mut inner = NameMap::new();
        for (index, name) in names {
            inner.append(*index, name);
        }
        map.append(first + i as u32, &inner);
        any = true;
    }
    any.then_some(map)
}
