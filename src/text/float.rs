//! Float literals, read and written: one syntax for `.vir` text, WAT text,
//! command-line arguments and printed results. A decimal as Rust reads it
//! (`1.5`, `1e-3`), `inf`, `nan` or `nan:0xPAYLOAD`, each optionally
//! negative; written in the shortest form that reads back to the same bits.

use crate::ir::Type;

/// Why a text is not a float literal of a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatTextError {
    NotAFloat,
    /// A `nan:0x...` payload outside `1..=max`.
    NanPayload {
        max: u64,
    },
    /// A finite literal that rounds to infinity.
    OutOfRange,
}

/// The bit layout of f32 or f64: mantissa width, exponent mask, sign bit.
fn float_layout(ty: Type) -> (u32, u64, u64) {
    match ty {
        Type::F32 => (23, 0x7f80_0000, 1 << 31),
        _ => (52, 0x7ff0_0000_0000_0000, 1 << 63),
    }
}

/// The bits of a float literal of type `ty` (f32 or f64): a decimal as Rust
/// reads it (`1.5`, `1e-3`), `inf`, `nan` or `nan:0xPAYLOAD`, each
/// optionally negative. This is the one reader of float text, for `.vir`
/// literals and for command-line arguments alike.
pub fn parse_float_bits(text: &str, ty: Type) -> Result<u64, FloatTextError> {
    let (mantissa, exponent, sign_bit) = float_layout(ty);
    let (sign, body) = match text.strip_prefix('-') {
        Some(body) => (sign_bit, body),
        None => (0, text),
    };
    let bits = if body == "inf" {
        exponent
    } else if body == "nan" {
        exponent | 1 << (mantissa - 1)
    } else if let Some(hex) = body.strip_prefix("nan:0x") {
        let max = (1u64 << mantissa) - 1;
        match u64::from_str_radix(hex, 16) {
            Ok(payload) if (1..=max).contains(&payload) => exponent | payload,
            _ => return Err(FloatTextError::NanPayload { max }),
        }
    } else {
        finite_bits(body, ty)?
    };
    Ok(sign | bits)
}

fn finite_bits(body: &str, ty: Type) -> Result<u64, FloatTextError> {
    if !body.starts_with(|c: char| c.is_ascii_digit()) || body.starts_with("0x") {
        return Err(FloatTextError::NotAFloat);
    }
    let bits = match ty {
        Type::F32 => body
            .parse::<f32>()
            .map(|v| (v.is_finite(), v.to_bits() as u64)),
        _ => body.parse::<f64>().map(|v| (v.is_finite(), v.to_bits())),
    };
    match bits {
        Ok((true, bits)) => Ok(bits),
        Ok((false, _)) => Err(FloatTextError::OutOfRange),
        Err(_) => Err(FloatTextError::NotAFloat),
    }
}

/// Float bits in the shortest form that reads back to the same bits:
/// `0.1`, `-0.0`, `inf`, `nan` (the canonical quiet NaN), `nan:0x1`.
pub fn format_float_bits(bits: u64, ty: Type) -> String {
    let (mantissa, exponent, sign_bit) = float_layout(ty);
    let sign = if bits & sign_bit != 0 { "-" } else { "" };
    let payload = bits & ((1 << mantissa) - 1);
    if bits & exponent != exponent {
        // Finite: Rust's Debug form is the shortest that round-trips.
        return match ty {
            Type::F32 => format!("{:?}", f32::from_bits(bits as u32)),
            _ => format!("{:?}", f64::from_bits(bits)),
        };
    }
    match payload {
        0 => format!("{sign}inf"),
        p if p == 1 << (mantissa - 1) => format!("{sign}nan"),
        p => format!("{sign}nan:0x{p:x}"),
    }
}

pub fn format_f64(bits: u64) -> String {
    format_float_bits(bits, Type::F64)
}

pub fn format_f32(bits: u32) -> String {
    format_float_bits(bits as u64, Type::F32)
}
