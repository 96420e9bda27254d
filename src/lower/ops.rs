//! IR operators to the WAT AST's typed instructions, with `ptr` resolved
//! for the target.
//!
//! The verifier admits only operators that exist for their type (no
//! `f32.clz`, no `ptr.load8_u`) and only the conversions of
//! [`ConvOp::all`], so every verified operator has an instruction here; one
//! that has none is a bug in the verifier, and panics.

use super::val_type;
use crate::ir::{AtomicOp, BinaryOp, CmpOp, ConvKind, ConvOp, MemAccess, Target, Type, UnaryOp};
use crate::wat::{
    AtomicKind, AtomicWidth, Conversion, FloatBinOp, FloatCmpOp, FloatType, FloatUnOp, Instr,
    IntBinOp, IntCmpOp, IntType, IntUnOp, LoadKind, MemArg, SignExtend, StoreKind, ValType,
};
use std::fmt::Debug;

/// A wasm numeric type, by family.
enum Num {
    Int(IntType),
    Float(FloatType),
}

fn num(ty: Type, target: Target) -> Num {
    match val_type(ty, target) {
        ValType::I32 => Num::Int(IntType::I32),
        ValType::I64 => Num::Int(IntType::I64),
        ValType::F32 => Num::Float(FloatType::F32),
        ValType::F64 => Num::Float(FloatType::F64),
    }
}

/// The integer type a target gives `ptr`.
pub(super) fn ptr_type(target: Target) -> IntType {
    match target {
        Target::Wasm64 => IntType::I64,
        Target::Wasm32 => IntType::I32,
    }
}

/// Panics for an operator that the verifier should have refused.
fn unverified(what: impl Debug, ty: impl Debug) -> ! {
    panic!("{what:?} on {ty:?} is not a wasm instruction; the verifier refuses it")
}

pub(super) fn unary(op: UnaryOp, ty: Type, target: Target) -> Instr {
    use UnaryOp::*;
    match num(ty, target) {
        Num::Int(ty) => Instr::IntUnary {
            ty,
            op: match op {
                Clz => IntUnOp::Clz,
                Ctz => IntUnOp::Ctz,
                Popcnt => IntUnOp::Popcnt,
                Eqz => IntUnOp::Eqz,
                Abs | Neg | Sqrt | Ceil | Floor | Trunc | Nearest => unverified(op, ty),
            },
        },
        Num::Float(ty) => Instr::FloatUnary {
            ty,
            op: match op {
                Abs => FloatUnOp::Abs,
                Neg => FloatUnOp::Neg,
                Sqrt => FloatUnOp::Sqrt,
                Ceil => FloatUnOp::Ceil,
                Floor => FloatUnOp::Floor,
                Trunc => FloatUnOp::Trunc,
                Nearest => FloatUnOp::Nearest,
                Clz | Ctz | Popcnt | Eqz => unverified(op, ty),
            },
        },
    }
}

pub(super) fn binary(op: BinaryOp, ty: Type, target: Target) -> Instr {
    use BinaryOp::*;
    match num(ty, target) {
        Num::Int(ty) => Instr::IntBinary {
            ty,
            op: match op {
                Add => IntBinOp::Add,
                Sub => IntBinOp::Sub,
                Mul => IntBinOp::Mul,
                DivS => IntBinOp::DivS,
                DivU => IntBinOp::DivU,
                RemS => IntBinOp::RemS,
                RemU => IntBinOp::RemU,
                And => IntBinOp::And,
                Or => IntBinOp::Or,
                Xor => IntBinOp::Xor,
                Shl => IntBinOp::Shl,
                ShrS => IntBinOp::ShrS,
                ShrU => IntBinOp::ShrU,
                Rotl => IntBinOp::Rotl,
                Rotr => IntBinOp::Rotr,
                Div | Min | Max | Copysign => unverified(op, ty),
            },
        },
        Num::Float(ty) => Instr::FloatBinary {
            ty,
            op: match op {
                Add => FloatBinOp::Add,
                Sub => FloatBinOp::Sub,
                Mul => FloatBinOp::Mul,
                Div => FloatBinOp::Div,
                Min => FloatBinOp::Min,
                Max => FloatBinOp::Max,
                Copysign => FloatBinOp::Copysign,
                DivS | DivU | RemS | RemU | And | Or | Xor | Shl | ShrS | ShrU | Rotl | Rotr => {
                    unverified(op, ty)
                }
            },
        },
    }
}

pub(super) fn compare(op: CmpOp, ty: Type, target: Target) -> Instr {
    use CmpOp::*;
    match num(ty, target) {
        Num::Int(ty) => Instr::IntCompare {
            ty,
            op: match op {
                Eq => IntCmpOp::Eq,
                Ne => IntCmpOp::Ne,
                LtS => IntCmpOp::LtS,
                LtU => IntCmpOp::LtU,
                GtS => IntCmpOp::GtS,
                GtU => IntCmpOp::GtU,
                LeS => IntCmpOp::LeS,
                LeU => IntCmpOp::LeU,
                GeS => IntCmpOp::GeS,
                GeU => IntCmpOp::GeU,
                Lt | Gt | Le | Ge => unverified(op, ty),
            },
        },
        Num::Float(ty) => Instr::FloatCompare {
            ty,
            op: match op {
                Eq => FloatCmpOp::Eq,
                Ne => FloatCmpOp::Ne,
                Lt => FloatCmpOp::Lt,
                Gt => FloatCmpOp::Gt,
                Le => FloatCmpOp::Le,
                Ge => FloatCmpOp::Ge,
                LtS | LtU | GtS | GtU | LeS | LeU | GeS | GeU => unverified(op, ty),
            },
        },
    }
}

/// A conversion with `ptr` resolved; the width-preserving ones that `ptr`
/// gives (`ptr.extend_i32_u` on wasm32, `ptr.wrap_i64` on wasm64...) are
/// no instruction at all.
pub(super) fn convert(conv: ConvOp, target: Target) -> Option<Instr> {
    use ConvKind::*;
    use ValType::{F32, F64, I32, I64};
    let from = val_type(conv.from, target);
    let to = val_type(conv.to, target);
    let conversion = match (conv.kind, from, to) {
        (Wrap | ExtendS | ExtendU, _, _) if from == to => return None,
        (Wrap, I64, I32) => Conversion::Wrap,
        (ExtendS, I32, I64) => Conversion::Extend { signed: true },
        (ExtendU, I32, I64) => Conversion::Extend { signed: false },
        (ExtendLowS(8), I32, I32) => Conversion::SignExtend(SignExtend::I32From8),
        (ExtendLowS(16), I32, I32) => Conversion::SignExtend(SignExtend::I32From16),
        (ExtendLowS(8), I64, I64) => Conversion::SignExtend(SignExtend::I64From8),
        (ExtendLowS(16), I64, I64) => Conversion::SignExtend(SignExtend::I64From16),
        (ExtendLowS(32), I64, I64) => Conversion::SignExtend(SignExtend::I64From32),
        (TruncS | TruncU | TruncSatS | TruncSatU, F32 | F64, I32 | I64) => Conversion::Trunc {
            to: int(to),
            from: float(from),
            signed: matches!(conv.kind, TruncS | TruncSatS),
            saturating: matches!(conv.kind, TruncSatS | TruncSatU),
        },
        (ConvertS | ConvertU, I32 | I64, F32 | F64) => Conversion::Convert {
            to: float(to),
            from: int(from),
            signed: conv.kind == ConvertS,
        },
        (Demote, F64, F32) => Conversion::Demote,
        (Promote, F32, F64) => Conversion::Promote,
        (Reinterpret, F32, I32) | (Reinterpret, I32, F32) => Conversion::Reinterpret { to },
        (Reinterpret, F64, I64) | (Reinterpret, I64, F64) => Conversion::Reinterpret { to },
        _ => unverified(conv.kind, (from, to)),
    };
    Some(Instr::Convert(conversion))
}

fn int(ty: ValType) -> IntType {
    match ty {
        ValType::I32 => IntType::I32,
        ValType::I64 => IntType::I64,
        ValType::F32 | ValType::F64 => unreachable!("{ty:?} is not an integer type"),
    }
}

fn float(ty: ValType) -> FloatType {
    match ty {
        ValType::F32 => FloatType::F32,
        ValType::F64 => FloatType::F64,
        ValType::I32 | ValType::I64 => unreachable!("{ty:?} is not a float type"),
    }
}

/// A load of `access` at `offset` in memory 0, naturally aligned.
pub(super) fn load(access: MemAccess, offset: u64, target: Target) -> Instr {
    let ty = val_type(access.ty, target);
    let kind = match (ty, access.narrow.map(|n| (n.bits, n.signed))) {
        (ValType::I32, None) => LoadKind::I32,
        (ValType::I64, None) => LoadKind::I64,
        (ValType::F32, None) => LoadKind::F32,
        (ValType::F64, None) => LoadKind::F64,
        (ValType::I32, Some((8, true))) => LoadKind::I32_8S,
        (ValType::I32, Some((8, false))) => LoadKind::I32_8U,
        (ValType::I32, Some((16, true))) => LoadKind::I32_16S,
        (ValType::I32, Some((16, false))) => LoadKind::I32_16U,
        (ValType::I64, Some((8, true))) => LoadKind::I64_8S,
        (ValType::I64, Some((8, false))) => LoadKind::I64_8U,
        (ValType::I64, Some((16, true))) => LoadKind::I64_16S,
        (ValType::I64, Some((16, false))) => LoadKind::I64_16U,
        (ValType::I64, Some((32, true))) => LoadKind::I64_32S,
        (ValType::I64, Some((32, false))) => LoadKind::I64_32U,
        _ => unverified(access, ty),
    };
    Instr::Load {
        kind,
        memarg: MemArg::at(offset),
    }
}

/// An atomic access `op` of `access` at `offset` in memory 0 (`ptr` is the
/// target's integer type); its alignment is the natural one, as wasm
/// requires of atomics.
pub(super) fn atomic(op: AtomicOp, access: MemAccess, offset: u64, target: Target) -> Instr {
    let ty = match num(access.ty, target) {
        Num::Int(ty) => ty,
        Num::Float(_) => unverified(access, val_type(access.ty, target)),
    };
    let width = AtomicWidth::of(ty, access.narrow.map(|n| n.bits))
        .unwrap_or_else(|| unverified(access, ty));
    let kind = match op {
        AtomicOp::Load => AtomicKind::Load(width),
        AtomicOp::Store => AtomicKind::Store(width),
        AtomicOp::Rmw(op) => AtomicKind::Rmw(op, width),
        AtomicOp::Cmpxchg => AtomicKind::Cmpxchg(width),
        AtomicOp::Wait if ty == IntType::I64 => AtomicKind::Wait64,
        AtomicOp::Wait => AtomicKind::Wait32,
        AtomicOp::Notify => AtomicKind::Notify,
    };
    Instr::Atomic {
        kind,
        memarg: MemArg::at(offset),
    }
}

/// A store of `access` at `offset` in memory 0, naturally aligned.
pub(super) fn store(access: MemAccess, offset: u64, target: Target) -> Instr {
    let ty = val_type(access.ty, target);
    let kind = match (ty, access.narrow.map(|n| n.bits)) {
        (ValType::I32, None) => StoreKind::I32,
        (ValType::I64, None) => StoreKind::I64,
        (ValType::F32, None) => StoreKind::F32,
        (ValType::F64, None) => StoreKind::F64,
        (ValType::I32, Some(8)) => StoreKind::I32_8,
        (ValType::I32, Some(16)) => StoreKind::I32_16,
        (ValType::I64, Some(8)) => StoreKind::I64_8,
        (ValType::I64, Some(16)) => StoreKind::I64_16,
        (ValType::I64, Some(32)) => StoreKind::I64_32,
        _ => unverified(access, ty),
    };
    Instr::Store {
        kind,
        memarg: MemArg::at(offset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FuncId, Op, ValueId};
    use crate::value::lower_type;

    const TARGETS: [Target; 2] = [Target::Wasm64, Target::Wasm32];

    /// Every operator the verifier admits lowers to the wasm instruction
    /// that the IR's own mnemonic names, `ptr` resolved: the typed
    /// instructions say what the mnemonic strings said.
    #[test]
    fn every_verified_operator_lowers_to_its_namesake() {
        let v = ValueId::new(FuncId(0), 0);
        for target in TARGETS {
            for ty in Type::ALL {
                let wasm = lower_type(ty, target);
                for &op in UnaryOp::ALL.iter().filter(|op| op.accepts(ty)) {
                    let expected = Op::Unary(op, wasm, v).mnemonic();
                    assert_eq!(unary(op, ty, target).mnemonic(), expected);
                }
                for &op in BinaryOp::ALL.iter().filter(|op| op.accepts(ty)) {
                    let expected = Op::Binary(op, wasm, v, v).mnemonic();
                    assert_eq!(binary(op, ty, target).mnemonic(), expected);
                }
                for &op in CmpOp::ALL.iter().filter(|op| op.accepts(ty)) {
                    let expected = Op::Compare(op, wasm, v, v).mnemonic();
                    assert_eq!(compare(op, ty, target).mnemonic(), expected);
                }
            }
            for conv in ConvOp::all() {
                let (from, to) = (lower_type(conv.from, target), lower_type(conv.to, target));
                let resolved = ConvOp { from, to, ..conv };
                match convert(conv, target) {
                    Some(instr) => assert_eq!(instr.mnemonic(), resolved.mnemonic()),
                    // Only a change of width can vanish, when `ptr` has it.
                    None => assert!(
                        from == to
                            && matches!(
                                conv.kind,
                                ConvKind::Wrap | ConvKind::ExtendS | ConvKind::ExtendU
                            ),
                        "{conv:?}"
                    ),
                }
            }
            let resolve = |a: MemAccess| MemAccess {
                ty: lower_type(a.ty, target),
                ..a
            };
            let ptr_bytes = target.pointer_bits() / 8;
            for access in MemAccess::loads() {
                let instr = load(access, 8, target);
                assert_eq!(instr.mnemonic(), resolve(access).load_mnemonic());
                let Instr::Load { kind, .. } = instr else {
                    unreachable!()
                };
                assert_eq!(kind.natural_align().bytes(), access.bytes(ptr_bytes));
            }
            for access in MemAccess::stores() {
                let instr = store(access, 8, target);
                assert_eq!(instr.mnemonic(), resolve(access).store_mnemonic());
                let Instr::Store { kind, .. } = instr else {
                    unreachable!()
                };
                assert_eq!(kind.natural_align().bytes(), access.bytes(ptr_bytes));
            }
        }
    }

    /// `ptr.wrap_i64` is no instruction on wasm64, `i32.wrap_i64` on wasm32.
    #[test]
    fn pointer_conversions_vanish_where_the_widths_agree() {
        let wrap = ConvOp {
            kind: ConvKind::Wrap,
            from: Type::I64,
            to: Type::Ptr,
        };
        assert_eq!(convert(wrap, Target::Wasm64), None);
        assert_eq!(
            convert(wrap, Target::Wasm32),
            Some(Instr::Convert(Conversion::Wrap))
        );
    }

    #[test]
    #[should_panic(expected = "the verifier refuses it")]
    fn an_operator_wasm_lacks_is_a_verifier_bug() {
        unary(UnaryOp::Clz, Type::F32, Target::Wasm64);
    }
}
