//! Constant evaluation for the optimiser (`lower/simplify.rs`): a pure
//! operator applied to constant operands, with the interpreter's own
//! numeric semantics, so that a folded constant is, bit for bit, what the
//! interpreter (the reference the differential tester compares against)
//! computes at run time.

use super::*;

/// The result of `op` on constant operands on `target`: `None` when it
/// traps, is not a pure operator of constants, or gives a float NaN (a
/// NaN's payload is not fixed by wasm, so it is left to run time).
pub(crate) fn fold(op: &Op, operands: &[Const], target: Target) -> Option<Const> {
    let bits = |i: usize| operands.get(i).map(|&c| const_bits(c, target));
    let (ty, result) = match *op {
        Op::Unary(u, ty, _) => (u.result_type(ty), unary(Num::of(ty, target), u, bits(0)?)),
        Op::Binary(b, ty, _, _) => (ty, binary(Num::of(ty, target), b, bits(0)?, bits(1)?)),
        Op::Compare(c, ty, _, _) => (
            Type::I32,
            compare(Num::of(ty, target), c, bits(0)?, bits(1)?),
        ),
        Op::Convert(conv, _) => (conv.to, lowered_convert(conv, bits(0)?, target)),
        _ => return None,
    };
    let bits = result.ok()?;
    let c = match ty {
        Type::I32 => Const::I32(bits as u32 as i32),
        Type::I64 => Const::I64(bits as i64),
        Type::Ptr => Const::Ptr(bits & ptr_mask(target)),
        Type::F32 if f32::from_bits(bits as u32).is_nan() => return None,
        Type::F32 => Const::F32(bits as u32),
        Type::F64 if f64::from_bits(bits).is_nan() => return None,
        Type::F64 => Const::F64(bits),
    };
    Some(c)
}

/// A conversion as the interpreter runs it ([`lowered_conversion`]).
fn lowered_convert(conv: ConvOp, a: u64, target: Target) -> Result<u64, TrapKind> {
    match lowered_conversion(conv, target) {
        Some(op) => convert(op, a),
        None => Ok(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_wrap_and_traps_do_not() {
        let add = Op::Binary(BinaryOp::Add, Type::I32, ValueId::INVALID, ValueId::INVALID);
        let got = fold(&add, &[Const::I32(i32::MAX), Const::I32(1)], Target::Wasm64);
        assert_eq!(got, Some(Const::I32(i32::MIN)));
        let div = Op::Binary(
            BinaryOp::DivS,
            Type::I32,
            ValueId::INVALID,
            ValueId::INVALID,
        );
        assert_eq!(
            fold(&div, &[Const::I32(1), Const::I32(0)], Target::Wasm64),
            None
        );
        let fdiv = Op::Binary(BinaryOp::Div, Type::F64, ValueId::INVALID, ValueId::INVALID);
        let zero = Const::F64(0f64.to_bits());
        assert_eq!(fold(&fdiv, &[zero, zero], Target::Wasm64), None);
    }

    #[test]
    fn pointer_conversions_follow_the_target() {
        let ext = Op::Convert(
            ConvOp {
                kind: ConvKind::ExtendS,
                from: Type::I32,
                to: Type::Ptr,
            },
            ValueId::INVALID,
        );
        let minus = [Const::I32(-1)];
        assert_eq!(
            fold(&ext, &minus, Target::Wasm64),
            Some(Const::Ptr(u64::MAX))
        );
        assert_eq!(
            fold(&ext, &minus, Target::Wasm32),
            Some(Const::Ptr(u32::MAX as u64))
        );
    }
}
