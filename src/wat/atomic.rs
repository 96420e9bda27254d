//! The atomic memory instructions of the WAT AST (wasm's threads proposal):
//! `i32.atomic.load`, `i64.atomic.rmw16.add_u`, `memory.atomic.wait32`...
//!
//! As for loads and stores ([`super::ops`]), the AST holds only atomics
//! wasm has: an [`AtomicWidth`] is an integer type at full width or one of
//! its narrow widths (zero-extending), and every [`AtomicKind`] exists at
//! every width it takes. The mnemonics are written here once; the encoder
//! numbers the same kinds (`crate::encode`), and a test checks each
//! against the text the assembler reads.

use super::ops::{Align, IntType};
use crate::fxhash::FxHashMap;
use crate::ir::RmwOp;
use std::sync::LazyLock;

/// The value type and the bytes of memory an atomic access touches, in
/// wasm's opcode order.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AtomicWidth {
    I32,
    I64,
    I32_8,
    I32_16,
    I64_8,
    I64_16,
    I64_32,
}

impl AtomicWidth {
    pub const ALL: &'static [AtomicWidth] = &[
        AtomicWidth::I32,
        AtomicWidth::I64,
        AtomicWidth::I32_8,
        AtomicWidth::I32_16,
        AtomicWidth::I64_8,
        AtomicWidth::I64_16,
        AtomicWidth::I64_32,
    ];

    /// The width `bits` of `ty` (its full width when `bits` is `None`), if
    /// wasm has it.
    pub fn of(ty: IntType, bits: Option<u8>) -> Option<AtomicWidth> {
        use AtomicWidth as W;
        Some(match (ty, bits) {
            (IntType::I32, None | Some(32)) => W::I32,
            (IntType::I64, None | Some(64)) => W::I64,
            (IntType::I32, Some(8)) => W::I32_8,
            (IntType::I32, Some(16)) => W::I32_16,
            (IntType::I64, Some(8)) => W::I64_8,
            (IntType::I64, Some(16)) => W::I64_16,
            (IntType::I64, Some(32)) => W::I64_32,
            _ => return None,
        })
    }

    pub fn ty(self) -> IntType {
        match self {
            AtomicWidth::I32 | AtomicWidth::I32_8 | AtomicWidth::I32_16 => IntType::I32,
            _ => IntType::I64,
        }
    }

    /// The bytes of memory accessed, which is also the only alignment an
    /// atomic access may declare.
    pub fn bytes(self) -> u32 {
        match self {
            AtomicWidth::I32_8 | AtomicWidth::I64_8 => 1,
            AtomicWidth::I32_16 | AtomicWidth::I64_16 => 2,
            AtomicWidth::I32 | AtomicWidth::I64_32 => 4,
            AtomicWidth::I64 => 8,
        }
    }

    /// Narrow: the access is shorter than its type.
    fn narrow(self) -> bool {
        !matches!(self, AtomicWidth::I32 | AtomicWidth::I64)
    }

    /// Its index in [`AtomicWidth::ALL`] (and in each group of opcodes).
    pub fn index(self) -> u32 {
        AtomicWidth::ALL
            .iter()
            .position(|&w| w == self)
            .unwrap_or(0) as u32
    }
}

/// An atomic instruction that accesses memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AtomicKind {
    Load(AtomicWidth),
    Store(AtomicWidth),
    /// A read-modify-write giving the old value.
    Rmw(RmwOp, AtomicWidth),
    Cmpxchg(AtomicWidth),
    Wait32,
    Wait64,
    Notify,
}

impl AtomicKind {
    /// Every atomic instruction that accesses memory.
    pub fn all() -> Vec<AtomicKind> {
        let mut all = vec![AtomicKind::Notify, AtomicKind::Wait32, AtomicKind::Wait64];
        for &w in AtomicWidth::ALL {
            all.push(AtomicKind::Load(w));
            all.push(AtomicKind::Store(w));
            all.extend(RmwOp::ALL.iter().map(|&op| AtomicKind::Rmw(op, w)));
            all.push(AtomicKind::Cmpxchg(w));
        }
        all
    }

    /// The bytes accessed: the natural and only alignment.
    pub fn natural_align(self) -> Align {
        let bytes = match self {
            AtomicKind::Load(w)
            | AtomicKind::Store(w)
            | AtomicKind::Rmw(_, w)
            | AtomicKind::Cmpxchg(w) => w.bytes(),
            AtomicKind::Wait32 | AtomicKind::Notify => 4,
            AtomicKind::Wait64 => 8,
        };
        match bytes {
            1 => Align::B1,
            2 => Align::B2,
            4 => Align::B4,
            _ => Align::B8,
        }
    }

    pub fn mnemonic(self) -> &'static str {
        MNEMONICS.get(&self).map_or("atomic", String::as_str)
    }

    fn text(self) -> String {
        let width = |w: AtomicWidth| {
            let ty = match w.ty() {
                IntType::I32 => "i32",
                IntType::I64 => "i64",
            };
            let bits = match w.narrow() {
                true => (w.bytes() * 8).to_string(),
                false => String::new(),
            };
            let u = if w.narrow() { "_u" } else { "" };
            (ty, bits, u)
        };
        match self {
            AtomicKind::Load(w) => {
                let (ty, bits, u) = width(w);
                format!("{ty}.atomic.load{bits}{u}")
            }
            AtomicKind::Store(w) => {
                let (ty, bits, _) = width(w);
                format!("{ty}.atomic.store{bits}")
            }
            AtomicKind::Rmw(op, w) => {
                let (ty, bits, u) = width(w);
                format!("{ty}.atomic.rmw{bits}.{}{u}", op.name())
            }
            AtomicKind::Cmpxchg(w) => {
                let (ty, bits, u) = width(w);
                format!("{ty}.atomic.rmw{bits}.cmpxchg{u}")
            }
            AtomicKind::Wait32 => "memory.atomic.wait32".into(),
            AtomicKind::Wait64 => "memory.atomic.wait64".into(),
            AtomicKind::Notify => "memory.atomic.notify".into(),
        }
    }
}

/// Every kind's mnemonic, written once.
static MNEMONICS: LazyLock<FxHashMap<AtomicKind, String>> = LazyLock::new(|| {
    AtomicKind::all()
        .into_iter()
        .map(|kind| (kind, kind.text()))
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_are_distinct_and_wasm_s() {
        let all = AtomicKind::all();
        assert_eq!(all.len(), 3 + 7 * 9);
        let mut names: Vec<&str> = all.iter().map(|k| k.mnemonic()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        let rmw = AtomicKind::Rmw(RmwOp::Add, AtomicWidth::I64_16);
        assert_eq!(rmw.mnemonic(), "i64.atomic.rmw16.add_u");
        let load = AtomicKind::Load(AtomicWidth::I32);
        assert_eq!(load.mnemonic(), "i32.atomic.load");
        assert_eq!(
            AtomicWidth::of(IntType::I32, Some(32)),
            Some(AtomicWidth::I32)
        );
        assert_eq!(AtomicWidth::of(IntType::I32, Some(64)), None);
    }
}
