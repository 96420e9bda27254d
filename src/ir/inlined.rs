//! Where inlined code comes from: an instruction copied from a callee into
//! a caller keeps its own position in the callee and says where the callee
//! was inlined, as LLVM's `DILocation` does with its `inlinedAt`.
//!
//! The record is a side table of the function ([`Function::inlined`]), so
//! that [`super::Inst`] does not grow: a copied instruction's `loc` is an
//! *inlined* [`LocId`] ([`LocId::inlined`]), an index into that table, in
//! place of a frontend location. Each entry is the copied instruction's
//! position in the callee (its span in the callee's file, or the callee's
//! frontend location) and its [`InlineSite`]: which function was inlined,
//! and the position of the call in the caller. A call position may itself
//! be inlined (a callee copied into a function that was then copied
//! elsewhere), which makes a chain, innermost first, ending at a position
//! of the function itself. Passes that copy or move instructions carry the
//! `loc` along and the table with the function, so nothing else changes.
//!
//! The lowering resolves each position into an origin with its chain
//! ([`crate::wat::Origin::inlined`]), DWARF describes the chain with
//! `DW_TAG_inlined_subroutine` entries, and a runtime's backtrace names
//! the callee as a frame of its own.

use super::{FuncId, Function, LocId};
use crate::diag::Span;

/// A function's record of inlined code: the sites, then the positions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inlined {
    pub sites: Vec<InlineSite>,
    pub positions: Vec<InlinedPosition>,
}

/// One copy of a callee into the function: the callee, and where the call
/// was (its `span` and `loc`; the `loc` an inlined one when the call was
/// itself copied from an inlined callee).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlineSite {
    pub callee: FuncId,
    pub call_span: Span,
    pub call_loc: LocId,
}

/// The position of a copied instruction in its callee (its span in the
/// callee's file, or the callee's frontend location when not none; never
/// an inlined one), and the copy it belongs to (an index in
/// [`Inlined::sites`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlinedPosition {
    pub span: Span,
    pub loc: LocId,
    pub site: u32,
}

impl Function {
    /// Records that `callee` is copied at a call positioned at
    /// (`call_span`, `call_loc`): the id of that copy.
    pub fn add_inline_site(&mut self, callee: FuncId, call_span: Span, call_loc: LocId) -> u32 {
        let site = InlineSite {
            callee,
            call_span,
            call_loc,
        };
        self.inlined.sites.push(site);
        u32::try_from(self.inlined.sites.len() - 1).expect("fewer than 2^32 inline sites")
    }

    /// The `loc` of an instruction copied into the copy `site` from
    /// `callee`, where it was at (`span`, `loc`). Code `callee` had itself
    /// inlined keeps its position in `callee`, the call's (`inline_calls.rs`
    /// chains such code below a copy of its site instead, and passes only
    /// `callee`'s own positions here).
    pub fn inlined_loc(&mut self, site: u32, callee: &Function, span: Span, loc: LocId) -> LocId {
        let (mut span, mut loc) = (span, loc);
        for _ in 0..=callee.inlined.sites.len() {
            let Some((_, outer)) = callee.inlined_position(loc) else {
                break;
            };
            (span, loc) = (outer.call_span, outer.call_loc);
        }
        let loc = if loc.is_inlined() { LocId::NONE } else { loc };
        let position = InlinedPosition { span, loc, site };
        // A run of copied instructions often shares one position.
        if self.inlined.positions.last() != Some(&position) {
            self.inlined.positions.push(position);
        }
        LocId::inlined(self.inlined.positions.len() - 1)
    }

    /// What an inlined `loc` stands for; `None` for any other.
    pub fn inlined_position(&self, loc: LocId) -> Option<(InlinedPosition, InlineSite)> {
        let position = *self.inlined.positions.get(loc.inlined_index()?)?;
        let site = *self.inlined.sites.get(position.site as usize)?;
        Some((position, site))
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::Inst;

    /// The record is a side table: an instruction is as big as before it
    /// (issue 14 measures compile throughput by it).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_instruction_does_not_grow() {
        assert_eq!(std::mem::size_of::<Inst>(), 80);
    }
}
