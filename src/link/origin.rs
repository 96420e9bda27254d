//! The linked module as text, and the way back from it to the units.
//!
//! The merged module is printed as canonical `.vir` and parsed again, so
//! the linked module is an ordinary parsed module whose `source` is its own
//! text: the verifier, the interpreter and the lowering work on it
//! unchanged, and the WAT comments (`;; fn @a.helper, line 12`) point at
//! lines of that text, which `vitte-wat link -o OUT.vir` writes out.
//!
//! Diagnostics found later (by the lowering, say) point into that text too.
//! [`Origins`] maps them back into the units: printing then parsing keeps
//! every function's blocks, instructions, values and locals in order, so
//! each entity of the linked module is paired with the one it came from.

use super::merge::Merged;
use crate::diag::{Diagnostic, Diagnostics, SourceFile, Span};
use crate::ir::{DebugFileId, Function, LocId, Location, Module};
use std::sync::Arc;

pub(crate) struct Origins {
    linked: Arc<SourceFile>,
    /// `(span in the linked text, unit, span in the unit)`, sorted.
    spans: Vec<(Span, usize, Span)>,
    files: Vec<Option<Arc<SourceFile>>>,
}

/// Prints, parses and verifies the merged module as the file `name`.
pub(crate) fn reparse(
    merged: &Merged,
    units: &[Module],
    name: &str,
) -> Result<(Module, Origins), Diagnostics> {
    let text = header(units) + "\n" + &crate::text::print_module(&merged.module);
    let file = SourceFile::new(name, text);
    let mut module =
        crate::text::parse_module(&file).map_err(|d| Diagnostics::from(internal(d)))?;
    let origins = Origins::new(merged, &module, units, file);
    crate::verify::verify_module(&module).map_err(|ds| {
        ds.into_iter()
            .map(|d| origins.map(d.with_file(module.source.as_ref())))
            .collect::<Diagnostics>()
    })?;
    relocate(merged, units, &mut module);
    Ok((module, origins))
}

/// Points every function that comes from a unit with a file back at that
/// file ([`Function::source`]) and its spans in it, so that debug
/// information and backtraces name where each function was written rather
/// than a line of the linked text. A unit built in memory has no file: its
/// functions keep the linked text's spans. The frontend locations of every
/// unit (which the text does not carry) are copied too, into the linked
/// module's own table of them.
fn relocate(merged: &Merged, units: &[Module], linked: &mut Module) {
    let mut locations = LocationMap::new(units);
    let pairs = merged.module.funcs.iter().zip(&mut linked.funcs);
    for ((from, to), &u) in pairs.zip(&merged.func_units) {
        if let Some(source) = &units[u].source {
            copy_spans(from, to);
            to.source = Some(source.clone());
        }
        locations.copy(u, from, to);
    }
    (linked.debug_files, linked.locations) = (locations.files, locations.locations);
}

/// The units' frontend locations in the linked module's table: each file
/// once by name, each unit's location once.
struct LocationMap<'u> {
    units: &'u [Module],
    files: Vec<Arc<str>>,
    locations: Vec<Location>,
    /// Per unit, the linked id of each of its locations, once mapped.
    ids: Vec<Vec<Option<LocId>>>,
}

impl<'u> LocationMap<'u> {
    fn new(units: &'u [Module]) -> LocationMap<'u> {
        LocationMap {
            units,
            files: Vec::new(),
            locations: Vec::new(),
            ids: units
                .iter()
                .map(|u| vec![None; u.locations.len()])
                .collect(),
        }
    }

    /// The locations of `from`, a function of unit `u`, onto `to`, its
    /// printed and parsed copy.
    fn copy(&mut self, u: usize, from: &Function, to: &mut Function) {
        if self.units[u].locations.is_empty() {
            return;
        }
        to.loc = self.map(u, from.loc);
        for (a, b) in from.blocks.iter().zip(&mut to.blocks) {
            b.term_loc = self.map(u, a.term_loc);
            for (x, y) in a.insts.iter().zip(&mut b.insts) {
                y.loc = self.map(u, x.loc);
            }
        }
    }

    /// The linked id of unit `u`'s location `loc` (the unit was verified:
    /// an id it cannot name would be none, not another location).
    fn map(&mut self, u: usize, loc: LocId) -> LocId {
        let units = self.units;
        let unit = &units[u];
        let Some(index) = loc.index().filter(|&i| i < unit.locations.len()) else {
            return LocId::NONE;
        };
        if let Some(id) = self.ids[u][index] {
            return id;
        }
        let location = unit.locations[index];
        let Some(name) = unit.debug_file(location.file) else {
            return LocId::NONE;
        };
        let file = match self.files.iter().position(|f| f == name) {
            Some(i) => i,
            None => {
                self.files.push(name.clone());
                self.files.len() - 1
            }
        };
        self.locations.push(Location {
            file: DebugFileId(file as u32),
            ..location
        });
        let id = LocId::from_index(self.locations.len() - 1);
        self.ids[u][index] = Some(id);
        id
    }
}

/// `from`'s spans into `to`, its printed and parsed copy (the same
/// entities in the same order).
fn copy_spans(from: &Function, to: &mut Function) {
    to.span = from.span;
    for (a, b) in from.values.iter().zip(&mut to.values) {
        b.span = a.span;
    }
    for (a, b) in from.vars.iter().zip(&mut to.vars) {
        b.span = a.span;
    }
    for (a, b) in from.slots.iter().zip(&mut to.slots) {
        b.span = a.span;
    }
    for (a, b) in from.blocks.iter().zip(&mut to.blocks) {
        b.span = a.span;
        b.term_span = a.term_span;
        for (x, y) in a.insts.iter().zip(&mut b.insts) {
            y.span = x.span;
        }
    }
}

/// A comment naming the units, so that the linked text says where it
/// comes from (private names say which unit they belong to).
fn header(units: &[Module]) -> String {
    let mut text = String::from("; Linked by `vitte-wat link` from these modules, in order:\n");
    for (index, unit) in units.iter().enumerate() {
        match &unit.source {
            Some(file) => text += &format!(";   {}\n", file.name.escape_debug()),
            None => text += &format!(";   unit{index} (built in memory)\n"),
        }
    }
    text
}

/// The printed module always parses; if not, that is a bug of the linker.
fn internal(d: Diagnostic) -> Diagnostic {
    let message = format!("internal error: the linked module does not parse: {d}");
    Diagnostic::new(message, Span::NONE)
}

impl Origins {
    fn new(merged: &Merged, linked: &Module, units: &[Module], file: Arc<SourceFile>) -> Origins {
        let mut o = Origins {
            linked: file,
            spans: Vec::new(),
            files: units.iter().map(|u| u.source.clone()).collect(),
        };
        let unit_of = |units: &[usize], i: usize| units.get(i).copied();
        let m = &merged.module;
        for (i, (from, to)) in m.funcs.iter().zip(&linked.funcs).enumerate() {
            if let Some(u) = unit_of(&merged.func_units, i) {
                o.pair_function(u, from, to);
            }
        }
        for (i, (from, to)) in m.globals.iter().zip(&linked.globals).enumerate() {
            if let Some(u) = unit_of(&merged.global_units, i) {
                o.pair(to.span, u, from.span);
            }
        }
        for (i, (from, to)) in m.data.iter().zip(&linked.data).enumerate() {
            if let Some(u) = unit_of(&merged.data_units, i) {
                o.pair(to.span, u, from.span);
            }
        }
        o.spans.sort();
        o.spans.dedup_by_key(|(linked, ..)| *linked);
        o
    }

    fn pair(&mut self, linked: Span, unit: usize, from: Span) {
        if !linked.is_none() && !from.is_none() {
            self.spans.push((linked, unit, from));
        }
    }

    fn pair_function(&mut self, u: usize, from: &Function, to: &Function) {
        self.pair(to.span, u, from.span);
        for (a, b) in from.values.iter().zip(&to.values) {
            self.pair(b.span, u, a.span);
        }
        for (a, b) in from.vars.iter().zip(&to.vars) {
            self.pair(b.span, u, a.span);
        }
        for (a, b) in from.slots.iter().zip(&to.slots) {
            self.pair(b.span, u, a.span);
        }
        for (a, b) in from.blocks.iter().zip(&to.blocks) {
            self.pair(b.span, u, a.span);
            self.pair(b.term_span, u, a.term_span);
            for (x, y) in a.insts.iter().zip(&b.insts) {
                self.pair(y.span, u, x.span);
            }
        }
    }

    /// The unit file and span a span of the linked text comes from: the
    /// entity with exactly that span, else the smallest one around it.
    pub fn origin(&self, span: Span) -> Option<(Option<&Arc<SourceFile>>, Span)> {
        let exact = self.spans.binary_search_by_key(&span, |(s, ..)| *s);
        let (_, unit, from) = match exact {
            Ok(i) => self.spans[i],
            Err(_) => *(self.spans.iter())
                .filter(|(s, ..)| s.start <= span.start && span.end <= s.end)
                .min_by_key(|(s, ..)| s.end - s.start)?,
        };
        Some((self.files.get(unit).and_then(Option::as_ref), from))
    }

    fn is_linked(&self, file: Option<&Arc<SourceFile>>) -> bool {
        file.is_some_and(|f| Arc::ptr_eq(f, &self.linked))
    }

    /// A diagnostic about the linked text, pointed at the units instead.
    /// Locations it cannot map stay in the linked text.
    pub fn map(&self, mut d: Diagnostic) -> Diagnostic {
        if self.is_linked(d.file.as_ref())
            && let Some((file, span)) = self.origin(d.span)
        {
            // Notes in the diagnostic's own file keep pointing there.
            for note in d.notes.iter_mut().filter(|n| n.2.is_none()) {
                note.2 = d.file.clone();
            }
            d.file = file.cloned();
            d.span = span;
        }
        let own = d.file.clone();
        for (_, span, file) in &mut d.notes {
            let in_linked = file.as_ref().or(own.as_ref());
            if !self.is_linked(in_linked) {
                continue;
            }
            if let Some((from, unit_span)) = self.origin(*span) {
                *file = from.cloned();
                *span = unit_span;
            }
        }
        d
    }
}
