//! Numeric semantics: WebAssembly's, on raw bits, for each arithmetic
//! class ([`Num`]). Operators a type does not
//! have are rejected by the verifier; here they trap rather than panic.

use super::*;

pub(super) fn unary(num: Num, op: UnaryOp, a: u64) -> Result<u64, TrapKind> {
    match num {
        Num::I32 => i32_ops::unary(op, a),
        Num::I64 => i64_ops::unary(op, a),
        Num::F32 => f32_ops::unary(op, a),
        Num::F64 => f64_ops::unary(op, a),
    }
}

#[inline(always)]
pub(super) fn binary(num: Num, op: BinaryOp, a: u64, b: u64) -> Result<u64, TrapKind> {
    match num {
        Num::I32 => i32_ops::binary(op, a, b),
        Num::I64 => i64_ops::binary(op, a, b),
        Num::F32 => f32_ops::binary(op, a, b),
        Num::F64 => f64_ops::binary(op, a, b),
    }
}

#[inline(always)]
pub(super) fn compare(num: Num, op: CmpOp, a: u64, b: u64) -> Result<u64, TrapKind> {
    let result = match num {
        Num::I32 => i32_ops::compare(op, a, b),
        Num::I64 => i64_ops::compare(op, a, b),
        Num::F32 => f32_ops::compare(op, a, b),
        Num::F64 => f64_ops::compare(op, a, b),
    };
    result.map(u64::from)
}

/// Integer operators of one width: `$u` unsigned, `$s` signed. Results are
/// kept zero-extended to 64 bits.
macro_rules! int_ops {
    ($module:ident, $u:ty, $s:ty) => {
        mod $module {
            use crate::ir::{BinaryOp, CmpOp, UnaryOp};
            use crate::value::TrapKind;

            #[inline(always)]
            pub fn binary(op: BinaryOp, a: u64, b: u64) -> Result<u64, TrapKind> {
                use BinaryOp::*;
                let (x, y) = (a as $u, b as $u);
                let (sx, sy) = (x as $s, y as $s);
                let count = (y % <$u>::BITS as $u) as u32;
                let r: $u = match op {
                    Add => x.wrapping_add(y),
                    Sub => x.wrapping_sub(y),
                    Mul => x.wrapping_mul(y),
                    DivS if sy == 0 => return Err(TrapKind::IntegerDivideByZero),
                    DivS if sx == <$s>::MIN && sy == -1 => return Err(TrapKind::IntegerOverflow),
                    DivS => (sx / sy) as $u,
                    DivU => x.checked_div(y).ok_or(TrapKind::IntegerDivideByZero)?,
                    RemS if sy == 0 => return Err(TrapKind::IntegerDivideByZero),
                    RemS => sx.wrapping_rem(sy) as $u,
                    RemU => x.checked_rem(y).ok_or(TrapKind::IntegerDivideByZero)?,
                    And => x & y,
                    Or => x | y,
                    Xor => x ^ y,
                    Shl => x << count,
                    ShrS => (sx >> count) as $u,
                    ShrU => x >> count,
                    Rotl => x.rotate_left(count),
                    Rotr => x.rotate_right(count),
                    Div | Min | Max | Copysign => return Err(TrapKind::Unreachable),
                };
                Ok(r as u64)
            }

            pub fn unary(op: UnaryOp, a: u64) -> Result<u64, TrapKind> {
                use UnaryOp::*;
                let x = a as $u;
                Ok(match op {
                    Clz => x.leading_zeros() as u64,
                    Ctz => x.trailing_zeros() as u64,
                    Popcnt => x.count_ones() as u64,
                    Eqz => (x == 0) as u64,
                    _ => return Err(TrapKind::Unreachable),
                })
            }

            #[inline(always)]
            pub fn compare(op: CmpOp, a: u64, b: u64) -> Result<bool, TrapKind> {
                use CmpOp::*;
                let (x, y) = (a as $u, b as $u);
                let (sx, sy) = (x as $s, y as $s);
                Ok(match op {
                    Eq => x == y,
                    Ne => x != y,
                    LtS => sx < sy,
                    LtU => x < y,
                    GtS => sx > sy,
                    GtU => x > y,
                    LeS => sx <= sy,
                    LeU => x <= y,
                    GeS => sx >= sy,
                    GeU => x >= y,
                    Lt | Gt | Le | Ge => return Err(TrapKind::Unreachable),
                })
            }
        }
    };
}

int_ops!(i32_ops, u32, i32);
int_ops!(i64_ops, u64, i64);

/// Float operators of one width: `$f` the float, `$bits` its bit pattern.
/// NaN results are canonical; abs, neg and copysign only touch the sign bit.
macro_rules! float_ops {
    ($module:ident, $f:ty, $bits:ty) => {
        mod $module {
            use crate::ir::{BinaryOp, CmpOp, UnaryOp};
            use crate::value::TrapKind;

            const SIGN: $bits = 1 << (<$bits>::BITS - 1);
            /// The quiet NaN with an empty payload.
            pub const CANONICAL_NAN: $bits = (<$f>::NAN).to_bits() & !SIGN;

            fn get(a: u64) -> $f {
                <$f>::from_bits(a as $bits)
            }

            pub fn canon(x: $f) -> u64 {
                if x.is_nan() {
                    CANONICAL_NAN as u64
                } else {
                    x.to_bits() as u64
                }
            }

            /// wasm's min and max: NaN if either is, and -0 < +0.
            fn min_max(x: $f, y: $f, max: bool) -> u64 {
                if x.is_nan() || y.is_nan() {
                    CANONICAL_NAN as u64
                } else if x == y {
                    // Equal values differ at most in the sign of a zero.
                    let (a, b) = (x.to_bits(), y.to_bits());
                    (if max { a & b } else { a | b }) as u64
                } else if (x < y) != max {
                    x.to_bits() as u64
                } else {
                    y.to_bits() as u64
                }
            }

            #[inline(always)]
            pub fn binary(op: BinaryOp, a: u64, b: u64) -> Result<u64, TrapKind> {
                use BinaryOp::*;
                let (x, y) = (get(a), get(b));
                Ok(match op {
                    Add => canon(x + y),
                    Sub => canon(x - y),
                    Mul => canon(x * y),
                    Div => canon(x / y),
                    Min => min_max(x, y, false),
                    Max => min_max(x, y, true),
                    Copysign => ((a as $bits & !SIGN) | (b as $bits & SIGN)) as u64,
                    _ => return Err(TrapKind::Unreachable),
                })
            }

            pub fn unary(op: UnaryOp, a: u64) -> Result<u64, TrapKind> {
                use UnaryOp::*;
                let x = get(a);
                Ok(match op {
                    Abs => (a as $bits & !SIGN) as u64,
                    Neg => (a as $bits ^ SIGN) as u64,
                    Sqrt => canon(x.sqrt()),
                    Ceil => canon(x.ceil()),
                    Floor => canon(x.floor()),
                    Trunc => canon(x.trunc()),
                    Nearest => canon(x.round_ties_even()),
                    Clz | Ctz | Popcnt | Eqz => return Err(TrapKind::Unreachable),
                })
            }

            #[inline(always)]
            pub fn compare(op: CmpOp, a: u64, b: u64) -> Result<bool, TrapKind> {
                use CmpOp::*;
                let (x, y) = (get(a), get(b));
                Ok(match op {
                    Eq => x == y,
                    Ne => x != y,
                    Lt => x < y,
                    Gt => x > y,
                    Le => x <= y,
                    Ge => x >= y,
                    _ => return Err(TrapKind::Unreachable),
                })
            }
        }
    };
}

float_ops!(f32_ops, f32, u32);
float_ops!(f64_ops, f64, u64);

/// A conversion on lowered types (pointer no-ops were turned into moves).
pub(super) fn convert(op: ConvOp, a: u64) -> Result<u64, TrapKind> {
    use ConvKind::*;
    use Type::*;
    Ok(match (op.kind, op.from, op.to) {
        (Wrap, I64, I32) | (ExtendU, I32, I64) => a as u32 as u64,
        (ExtendS, I32, I64) => a as u32 as i32 as i64 as u64,
        (ExtendLowS(bits), _, to) => extend_low(a, bits, to),
        (TruncS | TruncU, from, to) => {
            trunc_checked(matches!(op.kind, TruncS), float_value(a, from), to)?
        }
        (TruncSatS | TruncSatU, from, to) => {
            trunc_sat(matches!(op.kind, TruncSatS), float_value(a, from), to)
        }
        (ConvertS | ConvertU, from, to) => int_to_float(matches!(op.kind, ConvertS), a, from, to),
        (Demote, F64, F32) => f32_ops::canon(f64::from_bits(a) as f32),
        (Promote, F32, F64) => f64_ops::canon(f32::from_bits(a as u32) as f64),
        // Registers hold bits, and 32-bit values are zero-extended in both views.
        (Reinterpret, _, _) => a,
        _ => return Err(TrapKind::Unreachable),
    })
}

/// Sign-extends the low `bits` bits in place (`i64.extend8_s`).
pub(super) fn extend_low(a: u64, bits: u8, to: Type) -> u64 {
    let shift = 64 - bits as u32;
    let wide = (((a << shift) as i64) >> shift) as u64;
    if to == Type::I32 {
        wide as u32 as u64
    } else {
        wide
    }
}

/// A float operand as f64: exact for f32, so the bounds below serve both.
pub(super) fn float_value(a: u64, from: Type) -> f64 {
    if from == Type::F32 {
        f32::from_bits(a as u32) as f64
    } else {
        f64::from_bits(a)
    }
}

/// The trapping truncations: NaN is an invalid conversion, and a value whose
/// truncation does not fit is an overflow. The bounds are exclusive and exact:
/// the nearest representable values outside the integer range.
pub(super) fn trunc_checked(signed: bool, x: f64, to: Type) -> Result<u64, TrapKind> {
    if x.is_nan() {
        return Err(TrapKind::InvalidConversion);
    }
    let (low, high) = match (signed, to) {
        (true, Type::I32) => (-2147483649.0, 2147483648.0),
        (false, Type::I32) => (-1.0, 4294967296.0),
        // -2^63 - 2048 is the f64 just below -2^63.
        (true, _) => (-9223372036854777856.0, 9223372036854775808.0),
        (false, _) => (-1.0, 18446744073709551616.0),
    };
    if x > low && x < high {
        Ok(trunc_sat(signed, x, to))
    } else {
        Err(TrapKind::IntegerOverflow)
    }
}

/// Rust's float-to-int `as` is exactly wasm's `trunc_sat`: it saturates and
/// maps NaN to 0.
pub(super) fn trunc_sat(signed: bool, x: f64, to: Type) -> u64 {
    match (signed, to) {
        (true, Type::I32) => x as i32 as u32 as u64,
        (false, Type::I32) => x as u32 as u64,
        (true, _) => x as i64 as u64,
        (false, _) => x as u64,
    }
}

/// Integer to float, rounding to nearest-even once (`as` is correctly rounded).
pub(super) fn int_to_float(signed: bool, a: u64, from: Type, to: Type) -> u64 {
    let to_f32 = to == Type::F32;
    macro_rules! cast {
        ($v:expr) => {
            if to_f32 {
                ($v as f32).to_bits() as u64
            } else {
                ($v as f64).to_bits()
            }
        };
    }
    match (signed, from) {
        (true, Type::I32) => cast!(a as u32 as i32),
        (false, Type::I32) => cast!(a as u32),
        (true, _) => cast!(a as i64),
        (false, _) => cast!(a),
    }
}
