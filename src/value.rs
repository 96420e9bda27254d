//! Runtime values and traps, shared by the reference interpreter and the
//! wasmtime runner so that both read arguments and print results alike.

use crate::ir::{Target, Type};
use crate::text::float::{format_f32, format_f64, parse_float_bits};
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
    /// hexadecimal integer (negative allowed), or a float as
    /// [`parse_float_bits`] reads it (`1.5`, `-0.0`, `-inf`, `nan:0x1`).
    pub fn parse(text: &str, ty: Type, target: Target) -> Result<Value, String> {
        let bad = || format!("invalid {ty} argument `{text}`");
        match lower_type(ty, target) {
            Type::I32 => parse_int(text, 32)
                .map(|v| Value::I32(v as i32))
                .ok_or_else(bad),
            Type::I64 => parse_int(text, 64)
                .map(|v| Value::I64(v as i64))
                .ok_or_else(bad),
            Type::F32 => parse_float_bits(text, Type::F32)
                .map(|bits| Value::F32(bits as u32))
                .map_err(|_| bad()),
            _ => parse_float_bits(text, Type::F64)
                .map(Value::F64)
                .map_err(|_| bad()),
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
    /// A call through a function pointer past the end of the table.
    UndefinedElement,
    /// A call through the null function pointer (the table's slot 0, never
    /// filled).
    UninitializedElement,
    /// A call through a function pointer of another signature.
    IndirectCallTypeMismatch,
    /// Too deep a recursion of wasm calls.
    CallStackExhausted,
    /// Fuel or a deadline ran out.
    Interrupted,
    /// An atomic access at an address that is not a multiple of its width.
    UnalignedAtomic,
    /// `memory.atomic.wait` on a memory that is not shared.
    ExpectedSharedMemory,
    /// Every thread of the interpreter waits in `memory.atomic.wait` with
    /// no timeout, so nothing could wake any of them (wasm would hang).
    Deadlock,
    /// A write to read-only data (`data @x const`): a program error that
    /// only the reference interpreter reports (compiled code writes it).
    ReadOnlyWrite,
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
            TrapKind::UninitializedElement => "uninitialized element",
            TrapKind::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapKind::CallStackExhausted => "call stack exhausted",
            TrapKind::Interrupted => "interrupted",
            TrapKind::UnalignedAtomic => "unaligned atomic",
            TrapKind::ExpectedSharedMemory => "expected shared memory",
            TrapKind::Deadlock => "deadlock: every thread waits forever",
            TrapKind::ReadOnlyWrite => "write to read-only data",
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
            UninitializedElement,
            IndirectCallTypeMismatch,
            CallStackExhausted,
            Interrupted,
            UnalignedAtomic,
            ExpectedSharedMemory,
            Deadlock,
            ReadOnlyWrite,
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
