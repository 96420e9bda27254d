//! Runtime values and traps, shared by the reference interpreter and the
//! wasmtime runner so that both read arguments and print results alike.

use crate::ir::{Target, Type};
use std::fmt;

/// A wasm value. Floats are kept as bits so that NaN payloads survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
}

impl Value {
    /// The wasm type of an IR type on a target (`ptr` becomes i64 or i32).
    pub fn zero(ty: Type, target: Target) -> Value {
        match lower_type(ty, target) {
            Type::I32 => Value::I32(0),
            Type::I64 => Value::I64(0),
            Type::F32 => Value::F32(0),
            _ => Value::F64(0),
        }
    }

    /// Reads a command-line argument of the given type: a decimal or `0x`
    /// hexadecimal integer (negative allowed), or a float (`1.5`, `-0`,
    /// `inf`, `-inf`, `nan`, `nan:0x7fc00001`).
    pub fn parse(text: &str, ty: Type, target: Target) -> Result<Value, String> {
        let bad = || format!("invalid {ty} argument `{text}`");
        match lower_type(ty, target) {
            Type::I32 => parse_int(text, 32)
                .map(|v| Value::I32(v as i32))
                .ok_or_else(bad),
            Type::I64 => parse_int(text, 64)
                .map(|v| Value::I64(v as i64))
                .ok_or_else(bad),
            Type::F32 => parse_f32(text).map(Value::F32).ok_or_else(bad),
            _ => parse_f64(text).map(Value::F64).ok_or_else(bad),
        }
    }

    pub fn as_i32(self) -> i32 {
        match self {
            Value::I32(v) => v,
            other => panic!("expected i32, found {other:?}"),
        }
    }

    pub fn as_i64(self) -> i64 {
        match self {
            Value::I64(v) => v,
            other => panic!("expected i64, found {other:?}"),
        }
    }
}

/// `ptr` as the integer type it is on the target; other types unchanged.
pub fn lower_type(ty: Type, target: Target) -> Type {
    if ty == Type::Ptr {
        target.pointer_type()
    } else {
        ty
    }
}

/// Integers in two's complement of `bits`, from signed or unsigned text.
fn parse_int(text: &str, bits: u32) -> Option<u64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = digits.replace('_', "");
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => u64::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<u64>().ok()?,
    };
    let max_unsigned = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    if negative {
        // Down to the most negative signed value.
        if magnitude > 1u64 << (bits - 1) {
            return None;
        }
        Some(magnitude.wrapping_neg() & max_unsigned)
    } else if magnitude > max_unsigned {
        None
    } else {
        Some(magnitude)
    }
}

fn parse_f64(text: &str) -> Option<u64> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let sign = if negative { 1u64 << 63 } else { 0 };
    if let Some(payload) = body.strip_prefix("nan:0x") {
        let payload = u64::from_str_radix(payload, 16).ok()?;
        if payload == 0 || payload >= 1 << 52 {
            return None;
        }
        return Some(sign | 0x7ff0_0000_0000_0000 | payload);
    }
    match body {
        "nan" => Some(sign | 0x7ff8_0000_0000_0000),
        "inf" | "infinity" => Some(sign | 0x7ff0_0000_0000_0000),
        _ if body.starts_with(|c: char| c.is_ascii_digit() || c == '.') => {
            body.parse::<f64>().ok().map(|v| v.to_bits() | sign)
        }
        _ => None,
    }
}

fn parse_f32(text: &str) -> Option<u32> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let sign = if negative { 1u32 << 31 } else { 0 };
    if let Some(payload) = body.strip_prefix("nan:0x") {
        let payload = u32::from_str_radix(payload, 16).ok()?;
        if payload == 0 || payload >= 1 << 23 {
            return None;
        }
        return Some(sign | 0x7f80_0000 | payload);
    }
    match body {
        "nan" => Some(sign | 0x7fc0_0000),
        "inf" | "infinity" => Some(sign | 0x7f80_0000),
        _ if body.starts_with(|c: char| c.is_ascii_digit() || c == '.') => {
            body.parse::<f32>().ok().map(|v| v.to_bits() | sign)
        }
        _ => None,
    }
}

/// Formats an f64 in the shortest form that reads back to the same bits.
pub fn format_f64(bits: u64) -> String {
    let v = f64::from_bits(bits);
    if v.is_nan() {
        let sign = if bits >> 63 == 1 { "-" } else { "" };
        let payload = bits & ((1 << 52) - 1);
        if payload == 1 << 51 {
            format!("{sign}nan")
        } else {
            format!("{sign}nan:0x{payload:x}")
        }
    } else if v.is_infinite() {
        if v < 0.0 { "-inf".into() } else { "inf".into() }
    } else {
        // Rust's Debug form is the shortest that round-trips.
        format!("{v:?}")
    }
}

pub fn format_f32(bits: u32) -> String {
    let v = f32::from_bits(bits);
    if v.is_nan() {
        let sign = if bits >> 31 == 1 { "-" } else { "" };
        let payload = bits & ((1 << 23) - 1);
        if payload == 1 << 22 {
            format!("{sign}nan")
        } else {
            format!("{sign}nan:0x{payload:x}")
        }
    } else if v.is_infinite() {
        if v < 0.0 { "-inf".into() } else { "inf".into() }
    } else {
        format!("{v:?}")
    }
}

impl fmt::Display for Value {
    /// Integers in signed decimal, floats in their shortest exact form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::I32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::F32(bits) => f.write_str(&format_f32(*bits)),
            Value::F64(bits) => f.write_str(&format_f64(*bits)),
        }
    }
}

/// Why execution stopped. The messages are the ones the WebAssembly spec
/// testsuite expects in `assert_trap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapKind {
    Unreachable,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversion,
    OutOfBounds,
    /// A call through a null or out-of-range function pointer.
    UndefinedElement,
    /// A call through a function pointer of another signature.
    IndirectCallTypeMismatch,
    /// Too deep a recursion of wasm calls.
    CallStackExhausted,
    /// Fuel or a deadline ran out.
    Interrupted,
}

impl TrapKind {
    pub fn message(self) -> &'static str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::IntegerDivideByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::InvalidConversion => "invalid conversion to integer",
            TrapKind::OutOfBounds => "out of bounds memory access",
            TrapKind::UndefinedElement => "undefined element",
            TrapKind::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapKind::CallStackExhausted => "call stack exhausted",
            TrapKind::Interrupted => "interrupted",
        }
    }

    /// The kind whose message is `text`, as written in a test.
    pub fn from_message(text: &str) -> Option<TrapKind> {
        use TrapKind::*;
        [
            Unreachable,
            IntegerDivideByZero,
            IntegerOverflow,
            InvalidConversion,
            OutOfBounds,
            UndefinedElement,
            IndirectCallTypeMismatch,
            CallStackExhausted,
            Interrupted,
        ]
        .into_iter()
        .find(|k| k.message() == text)
    }
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_parse_signed_unsigned_and_hex() {
        let t = Target::Wasm64;
        assert_eq!(Value::parse("-1", Type::I32, t), Ok(Value::I32(-1)));
        assert_eq!(Value::parse("4294967295", Type::I32, t), Ok(Value::I32(-1)));
        assert_eq!(Value::parse("0x10", Type::I64, t), Ok(Value::I64(16)));
        assert_eq!(
            Value::parse("-2147483648", Type::I32, t),
            Ok(Value::I32(i32::MIN))
        );
        assert!(Value::parse("4294967296", Type::I32, t).is_err());
        assert!(Value::parse("-2147483649", Type::I32, t).is_err());
        assert_eq!(
            Value::parse("7", Type::Ptr, Target::Wasm32),
            Ok(Value::I32(7))
        );
        assert!(Value::parse("x", Type::I64, t).is_err());
    }

    #[test]
    fn floats_print_shortest_and_read_back() {
        for text in [
            "0.1", "-0.0", "1e300", "inf", "-inf", "nan", "nan:0x1", "5e-324",
        ] {
            let v = Value::parse(text, Type::F64, Target::Wasm64).unwrap();
            let printed = v.to_string();
            assert_eq!(
                Value::parse(&printed, Type::F64, Target::Wasm64),
                Ok(v),
                "{text}"
            );
        }
        assert_eq!(Value::F64(0.1f64.to_bits()).to_string(), "0.1");
        assert_eq!(Value::F32(1.5f32.to_bits()).to_string(), "1.5");
        assert_eq!(Value::F32(0x7fc0_0000).to_string(), "nan");
    }
}
