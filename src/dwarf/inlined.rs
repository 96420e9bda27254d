//! The frames of inlined code: under a function's `DW_TAG_subprogram`, a
//! `DW_TAG_inlined_subroutine` for each copy of a callee an inliner made in
//! it (an origin's [`crate::wat::InlinedAt`] chain), so that addr2line,
//! `llvm-symbolizer --inlining` and wasmtime's backtraces name the callee
//! as a frame of its own, then the caller at the call.
//!
//! Each copy's entry has the callee's abstract `DW_TAG_subprogram` as its
//! `DW_AT_abstract_origin` (one per callee name and unit, a child of the
//! unit's root with `DW_AT_inline`: the callee's own concrete subprogram
//! may be in another unit once modules are linked), the addresses of the
//! operators whose origins are in that copy (`DW_AT_low_pc`/`high_pc`
//! when they are contiguous, else `DW_AT_ranges`), and the call's file,
//! line and column. A copy inside another copy is a child of that copy's
//! entry. The line table's rows for the copied operators already name the
//! callee's own lines ([`super::line_rows`]).

use super::{Body, add_file};
use crate::wat::{FuncOrigins, InlinedAt};
use gimli::constants;
use gimli::write::{Address, AttributeValue, Dwarf, Range, RangeList, Unit, UnitEntryId, UnitId};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A copy: its chain, its entry's parent (the enclosing copy, or none for
/// the subprogram), and its address ranges, in order.
struct Copy {
    at: Arc<InlinedAt>,
    parent: Option<usize>,
    ranges: Vec<std::ops::Range<u64>>,
}

/// Adds the entries of the copies in `func`, whose body is `body`, under
/// `subprogram` in the unit `id`; `abstracts` holds the unit's abstract
/// subprograms by callee name.
pub(super) fn describe_copies(
    dwarf: &mut Dwarf,
    id: UnitId,
    subprogram: UnitEntryId,
    abstracts: &mut BTreeMap<Arc<str>, UnitEntryId>,
    func: &FuncOrigins,
    body: &Body,
) {
    let copies = copies_of(func, body);
    if copies.is_empty() {
        return;
    }
    let mut entries: Vec<UnitEntryId> = Vec::with_capacity(copies.len());
    for copy in &copies {
        let name = &copy.at.callee;
        let origin = match abstracts.get(name) {
            Some(&entry) => entry,
            None => {
                let entry = abstract_subprogram(dwarf, id, name);
                abstracts.insert(name.clone(), entry);
                entry
            }
        };
        let parent = copy.parent.map_or(subprogram, |p| entries[p]);
        let unit = dwarf.units.get_mut(id);
        let entry = unit.add(parent, constants::DW_TAG_inlined_subroutine);
        set_ranges(unit, entry, &copy.ranges);
        let call = &copy.at.call;
        let dir = unit.line_program.default_directory();
        let file = add_file(&mut unit.line_program, dir, &call.file);
        let die = unit.get_mut(entry);
        die.set(
            constants::DW_AT_abstract_origin,
            AttributeValue::UnitRef(origin),
        );
        if file.is_some() {
            die.set(constants::DW_AT_call_file, AttributeValue::FileIndex(file));
        }
        let (line, col) = (call.line.into(), call.col.into());
        die.set(constants::DW_AT_call_line, AttributeValue::Udata(line));
        die.set(constants::DW_AT_call_column, AttributeValue::Udata(col));
        entries.push(entry);
    }
}

/// The copies the origins of `func` are in, each after the copy it is in,
/// in the order of their first operator: each operator's address range
/// (to the next operator's address) belongs to every copy of its chain.
fn copies_of(func: &FuncOrigins, body: &Body) -> Vec<Copy> {
    let mut copies: Vec<Copy> = Vec::new();
    let mut index: HashMap<Arc<InlinedAt>, usize> = HashMap::new();
    let ends = (body.operators.iter().skip(1).copied()).chain([body.range.end.saturating_sub(1)]);
    let located = func.operators.iter().zip(&body.operators).zip(ends);
    for ((origin, &start), end) in located {
        let Some(origin) = origin else { continue };
        let chain: Vec<&Arc<InlinedAt>> = origin.inline_chain().collect();
        let mut parent = None;
        // Outermost first, so that a copy's parent is registered before it.
        for at in chain.into_iter().rev() {
            let k = *index.entry(at.clone()).or_insert_with(|| {
                copies.push(Copy {
                    at: at.clone(),
                    parent,
                    ranges: Vec::new(),
                });
                copies.len() - 1
            });
            let ranges = &mut copies[k].ranges;
            match ranges.last_mut() {
                Some(last) if last.end == start => last.end = end,
                _ if start < end => ranges.push(start..end),
                _ => {}
            }
            parent = Some(k);
        }
    }
    copies
}

/// `DW_AT_low_pc`/`DW_AT_high_pc` for one range, else `DW_AT_ranges`.
fn set_ranges(unit: &mut Unit, entry: UnitEntryId, ranges: &[std::ops::Range<u64>]) {
    if let [one] = ranges {
        let die = unit.get_mut(entry);
        let low = AttributeValue::Address(Address::Constant(one.start));
        die.set(constants::DW_AT_low_pc, low);
        die.set(
            constants::DW_AT_high_pc,
            AttributeValue::Udata(one.end - one.start),
        );
        return;
    }
    let list = (ranges.iter())
        .map(|r| Range::StartEnd {
            begin: Address::Constant(r.start),
            end: Address::Constant(r.end),
        })
        .collect();
    let list = unit.ranges.add(RangeList(list));
    let die = unit.get_mut(entry);
    die.set(constants::DW_AT_ranges, AttributeValue::RangeListRef(list));
}

/// The abstract `DW_TAG_subprogram` of the callee `name`, inlined.
fn abstract_subprogram(dwarf: &mut Dwarf, id: UnitId, name: &str) -> UnitEntryId {
    let name = super::nameable(name).then(|| dwarf.strings.add(name));
    let unit = dwarf.units.get_mut(id);
    let root = unit.root();
    let entry = unit.add(root, constants::DW_TAG_subprogram);
    let die = unit.get_mut(entry);
    if let Some(name) = name {
        die.set(constants::DW_AT_name, AttributeValue::StringRef(name));
    }
    die.set(
        constants::DW_AT_inline,
        AttributeValue::Inline(constants::DW_INL_inlined),
    );
    entry
}
