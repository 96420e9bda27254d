//! Constants worth testing, and the pool of values a block may use.

use super::rng::Rng;
use crate::ir::{Const, Type, ValueId};

/// Integers at the edges of wasm's operators: zero, signs, widths, shifts.
const INTS: &[u64] = &[
    0,
    1,
    2,
    3,
    7,
    8,
    31,
    32,
    33,
    63,
    64,
    127,
    128,
    255,
    256,
    0x7fff,
    0x8000,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1_0000_0000,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    u64::MAX,
    u64::MAX - 1,
    0x0123_4567_89ab_cdef,
];

/// Floats at the edges of conversions and rounding, as f64.
const FLOATS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    3.75,
    0.1,
    1e10,
    -1e10,
    2147483647.0,
    2147483648.0,
    -2147483648.0,
    -2147483649.0,
    4294967295.0,
    4294967296.0,
    9223372036854775807.0,
    -9223372036854775808.0,
    18446744073709551615.0,
    1e300,
    5e-324,
    1.17549435e-38,
    3.4028235e38,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

/// A random integer of `bits` width: an edge value, a small number or noise.
pub fn int_bits(rng: &mut Rng, bits: u32) -> u64 {
    let v = match rng.below(10) {
        0..=4 => *rng.pick(INTS).unwrap_or(&0),
        5..=6 => rng.below(16),
        7 => rng.below(16).wrapping_neg(),
        _ => rng.next_u64(),
    };
    if bits == 64 { v } else { v & 0xffff_ffff }
}

/// Random float bits of a type: an edge value, a small number, noise
/// (finite), or now and then a NaN with a payload.
pub fn float_bits(rng: &mut Rng, ty: Type) -> u64 {
    let f32_bits = |x: f64| (x as f32).to_bits() as u64;
    let value = match rng.below(12) {
        0..=5 => *rng.pick(FLOATS).unwrap_or(&0.0),
        6..=8 => (rng.below(200) as f64 - 100.0) / 8.0,
        9 => {
            let bits = rng.next_u64();
            return if ty == Type::F32 {
                // Keep noise finite: a NaN is chosen on purpose below.
                let b = bits as u32;
                if f32::from_bits(b).is_finite() {
                    b as u64
                } else {
                    b as u64 & 0xbfff_ffff
                }
            } else if f64::from_bits(bits).is_finite() {
                bits
            } else {
                bits & 0xbfff_ffff_ffff_ffff
            };
        }
        10 => rng.next_u64() as i64 as f64,
        _ => {
            // A NaN with a payload: exact bits, as long as nothing computes on it.
            return if ty == Type::F32 {
                0x7f80_0000 | rng.range(1, 0x7f_ffff) | (rng.below(2) << 31)
            } else {
                0x7ff0_0000_0000_0000 | rng.range(1, (1 << 52) - 1) | (rng.below(2) << 63)
            };
        }
    };
    if ty == Type::F32 {
        f32_bits(value)
    } else {
        value.to_bits()
    }
}

/// A random constant of a type; `ptr` constants fit in 32 bits.
pub fn constant(rng: &mut Rng, ty: Type) -> Const {
    match ty {
        Type::I32 => Const::I32(int_bits(rng, 32) as u32 as i32),
        Type::I64 => Const::I64(int_bits(rng, 64) as i64),
        Type::Ptr => Const::Ptr(int_bits(rng, 32)),
        Type::F32 => Const::F32(float_bits(rng, Type::F32) as u32),
        Type::F64 => Const::F64(float_bits(rng, Type::F64)),
    }
}

/// The bits of an argument of a type (for the harness).
pub fn arg_bits(rng: &mut Rng, ty: Type) -> u64 {
    match ty {
        Type::I32 | Type::Ptr => int_bits(rng, 32),
        Type::I64 => int_bits(rng, 64),
        Type::F32 | Type::F64 => float_bits(rng, ty),
    }
}

/// A type for a new value, integers more often than floats.
pub fn any_type(rng: &mut Rng) -> Type {
    const TYPES: [Type; 5] = [Type::I32, Type::I64, Type::F32, Type::F64, Type::Ptr];
    TYPES[rng.weighted(&[30, 24, 12, 14, 20])]
}

/// Up to `max` random types.
pub fn types(rng: &mut Rng, max: u64) -> Vec<Type> {
    (0..rng.range(0, max)).map(|_| any_type(rng)).collect()
}

/// A value a block may use: it is defined where it dominates the block.
#[derive(Clone, Copy, Debug)]
pub struct Val {
    pub id: ValueId,
    pub ty: Type,
    /// For floats: its bits are the same on every engine. False when it may
    /// be a NaN computed by arithmetic, whose payload and sign wasm leaves open.
    pub exact: bool,
}

/// The values usable at the current point, in definition order. Entering a
/// branch saves its length; leaving it truncates back, so that a join only
/// sees what dominates it.
#[derive(Clone, Debug, Default)]
pub struct Pool {
    vals: Vec<Val>,
    /// Whether each value has been picked as an operand yet.
    used: Vec<bool>,
}

impl Pool {
    pub fn push(&mut self, val: Val) {
        self.vals.push(val);
        self.used.push(false);
    }

    pub fn len(&self) -> usize {
        self.vals.len()
    }

    pub fn truncate(&mut self, len: usize) {
        self.vals.truncate(len);
        self.used.truncate(len);
    }

    /// A value of `ty`: often one not used yet, so that most results feed
    /// something (and a wrong one shows), else a recent one, so that data
    /// flows far.
    pub fn pick(&mut self, rng: &mut Rng, ty: Type) -> Option<Val> {
        let of_type: Vec<usize> = (0..self.vals.len())
            .filter(|&i| self.vals[i].ty == ty)
            .collect();
        if of_type.is_empty() {
            return None;
        }
        let unused: Vec<usize> = of_type.iter().copied().filter(|&i| !self.used[i]).collect();
        let n = of_type.len();
        let i = if !unused.is_empty() && rng.percent(60) {
            unused[unused.len() - 1 - rng.index(unused.len().min(4))]
        } else if rng.percent(60) {
            of_type[n - 1 - rng.index(n.min(6))]
        } else {
            of_type[rng.index(n)]
        };
        self.used[i] = true;
        Some(self.vals[i])
    }
}
