//! Frontend source locations: where a frontend says an instruction comes
//! from in *its* source (`demo.vt` line 12 column 5), in place of a span of
//! the `.vir` text.
//!
//! A frontend registers each of its files once ([`Module::add_debug_file`])
//! and tells the builder the location of what it builds next
//! ([`super::FunctionBuilder::set_location`]). The locations a module uses
//! are kept once each in [`Module::locations`]; an instruction, a
//! terminator and a function carry a [`LocId`] into that table, 4 bytes,
//! [`LocId::NONE`] when the frontend gave none. Then the instruction's
//! position is its span in the `.vir` text, as for parsed IR: parsed IR,
//! which never has locations, is unchanged, and the lowering looks at a
//! span only when the location is none.

use super::Module;
use std::sync::Arc;

/// A frontend's source file, registered with [`Module::add_debug_file`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DebugFileId(pub u32);

impl DebugFileId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A position in a frontend's source: a file, and a 1-based line and
/// column (DWARF's line table keeps both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: DebugFileId,
    pub line: u32,
    pub col: u32,
}

/// A [`Location`] of [`Module::locations`], or none: what an instruction,
/// a terminator and a function carry. An instruction copied by an inliner
/// carries an inlined one instead ([`LocId::inlined`]), an index into its
/// function's [`super::Inlined`] record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocId(u32);

/// The bit of an inlined [`LocId`].
const INLINED: u32 = 1 << 31;

impl LocId {
    /// No frontend location: the `.vir` span, if any, is the position.
    pub const NONE: LocId = LocId(0);

    pub fn is_none(self) -> bool {
        self == LocId::NONE
    }

    /// The index in [`Module::locations`], when there is one.
    pub fn index(self) -> Option<usize> {
        match self.is_inlined() {
            true => None,
            false => (self.0 as usize).checked_sub(1),
        }
    }

    /// The id of [`Module::locations`]`[index]`.
    pub fn from_index(index: usize) -> LocId {
        let id = u32::try_from(index + 1).ok().filter(|&i| i < INLINED);
        LocId(id.expect("fewer than 2^31 - 1 locations"))
    }

    /// The id of the inlined position `index` of a function's
    /// [`super::Inlined::positions`] (`inlined.rs`): the high bit set.
    pub fn inlined(index: usize) -> LocId {
        let index = u32::try_from(index).ok().filter(|&i| i < INLINED);
        LocId(INLINED | index.expect("fewer than 2^31 inlined positions"))
    }

    /// Whether this is the position of an inlined instruction.
    pub fn is_inlined(self) -> bool {
        self.0 & INLINED != 0
    }

    /// The index in the function's inlined positions, for an inlined id.
    pub fn inlined_index(self) -> Option<usize> {
        self.is_inlined().then_some((self.0 & !INLINED) as usize)
    }
}

impl Module {
    /// Registers a frontend source file by its name (as debuggers and
    /// backtraces will show it: `src/demo.vt`); the same name gives the
    /// same id. The verifier refuses a name that is empty or has a control
    /// or bidirectional-formatting character ([`debug_file_name_error`]).
    pub fn add_debug_file(&mut self, name: &str) -> DebugFileId {
        let index = match self.debug_files.iter().position(|f| **f == *name) {
            Some(index) => index,
            None => {
                self.debug_files.push(name.into());
                self.debug_files.len() - 1
            }
        };
        DebugFileId(index as u32)
    }

    /// The name of a registered file; `None` for an id it does not have.
    pub fn debug_file(&self, id: DebugFileId) -> Option<&Arc<str>> {
        self.debug_files.get(id.index())
    }

    /// The location `id` stands for; `None` for [`LocId::NONE`] and for an
    /// id out of range (which the verifier reports).
    pub fn location(&self, id: LocId) -> Option<Location> {
        self.locations.get(id.index()?).copied()
    }

    /// The id of `location`, added to [`Module::locations`] unless it is
    /// the last one there (a frontend gives the same location to a run of
    /// instructions, so this keeps the table short without a hash map).
    pub fn intern_location(&mut self, location: Location) -> LocId {
        if self.locations.last() != Some(&location) {
            self.locations.push(location);
        }
        LocId::from_index(self.locations.len() - 1)
    }
}

/// Why `name` cannot name a debug file, if it cannot: it is written in
/// `;;@ file:line:col` lines of the WAT and read back from them, so it must
/// be one line that the printer writes as it is.
pub fn debug_file_name_error(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("is empty");
    }
    let bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if name.chars().any(|c| c.is_control() || bidi(c)) {
        return Some("has a control or bidirectional-formatting character");
    }
    None
}
