//! Tokens and literals: what both parsers hand the builder ([`Tok`]: a
//! text and its span) and how a literal's text becomes a value: integers
//! in range, floats with their bits, strings with their escapes, alignments
//! that are powers of two. Every error is a [`Diagnostic`] at the token.

use super::float::{FloatTextError, parse_float_bits};
use crate::diag::{Diagnostic, Span};
use crate::ir::{Const, DataItem, DataScalar, GlobalInit, Type};

pub(super) type PResult<T> = Result<T, Diagnostic>;

/// A broken guarantee of the grammar, reported as an error rather than a panic.
pub(super) fn internal(span: Span) -> Diagnostic {
    Diagnostic::new("internal error: unexpected parse tree", span)
}

/// The text and location of a token.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tok<'a> {
    pub(super) text: &'a str,
    pub(super) span: Span,
}

impl<'a> Tok<'a> {
    /// The name after a sigil (`@`, `%`, `$`).
    pub(super) fn name(self) -> &'a str {
        self.text.get(1..).unwrap_or("")
    }
}

enum IntText {
    NotInt,
    TooBig,
    Int { negative: bool, magnitude: u64 },
}

fn read_int(text: &str) -> IntText {
    let (negative, body) = match text.strip_prefix('-') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let (digits, radix) = match body.strip_prefix("0x") {
        Some(hex) => (hex, 16),
        None => (body, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return IntText::NotInt;
    }
    match u64::from_str_radix(digits, radix) {
        Ok(magnitude) => IntText::Int {
            negative,
            magnitude,
        },
        Err(_) => IntText::TooBig,
    }
}

/// An integer literal as `bits`-wide two's complement. It may be written
/// signed or unsigned (`-2^(bits-1) ..= 2^bits - 1`); `signed: false`
/// accepts only `0 ..= 2^bits - 1`. `what` names the place in messages.
pub(super) fn int_literal(tok: Tok, bits: u32, signed: bool, what: &str) -> PResult<u64> {
    let max = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let min_magnitude = if signed { 1u64 << (bits - 1) } else { 0 };
    match read_int(tok.text) {
        IntText::NotInt => Err(Diagnostic::new(
            format!("expected an integer for {what}, found `{}`", tok.text),
            tok.span,
        )),
        IntText::Int {
            negative: false,
            magnitude,
        } if magnitude <= max => Ok(magnitude),
        IntText::Int {
            negative: true,
            magnitude,
        } if magnitude <= min_magnitude => Ok(magnitude.wrapping_neg() & max),
        _ => Err(Diagnostic::new(
            format!("literal `{}` out of range for {what}", tok.text),
            tok.span,
        )),
    }
}

/// A non-negative 64-bit count, offset or size.
pub(super) fn u64_literal(tok: Tok, what: &str) -> PResult<u64> {
    int_literal(tok, 64, false, what)
}

/// An alignment: a power of two that fits in 32 bits.
pub(super) fn align_literal(tok: Tok) -> PResult<u32> {
    let align = u64_literal(tok, "an alignment")?;
    match u32::try_from(align) {
        Ok(align) if align.is_power_of_two() => Ok(align),
        _ => Err(Diagnostic::new(
            format!("alignment must be a power of two, found `{}`", tok.text),
            tok.span,
        )),
    }
}

/// The bits of a float literal of type `ty` (f32 or f64), as
/// [`parse_float_bits`] reads it, with its errors located at `tok`.
pub(super) fn float_literal(tok: Tok, ty: Type) -> PResult<u64> {
    parse_float_bits(tok.text, ty).map_err(|e| {
        let message = match e {
            FloatTextError::NotAFloat => format!("expected an {ty} literal, found `{}`", tok.text),
            FloatTextError::NanPayload { max } => format!(
                "NaN payload `{}` out of range for {ty}: expected 0x1 to {max:#x}",
                tok.text
            ),
            FloatTextError::OutOfRange => format!("literal `{}` out of range for {ty}", tok.text),
        };
        Diagnostic::new(message, tok.span)
    })
}

/// A constant of type `ty` written as `tok`.
pub(super) fn const_literal(tok: Tok, ty: Type) -> PResult<Const> {
    Ok(match ty {
        Type::I32 => Const::I32(int_literal(tok, 32, true, "i32")? as u32 as i32),
        Type::I64 => Const::I64(int_literal(tok, 64, true, "i64")? as i64),
        Type::Ptr => Const::Ptr(int_literal(tok, 64, false, "ptr")?),
        Type::F32 => Const::F32(float_literal(tok, ty)? as u32),
        Type::F64 => Const::F64(float_literal(tok, ty)?),
    })
}

/// The bytes of a string literal: WAT's escapes, other characters as UTF-8.
pub(super) fn unescape(tok: Tok) -> PResult<Vec<u8>> {
    let inner = tok
        .text
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| internal(tok.span))?;
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let rest = inner.get(i + 1..).unwrap_or("");
        let (byte, len) = escape(rest).ok_or_else(|| bad_escape(tok, i, rest))?;
        bytes.push(byte);
        for _ in 0..len {
            chars.next();
        }
    }
    Ok(bytes)
}

/// The byte an escape stands for and how many characters follow the `\`.
fn escape(rest: &str) -> Option<(u8, usize)> {
    let simple = match rest.chars().next()? {
        'n' => Some(b'\n'),
        't' => Some(b'\t'),
        'r' => Some(b'\r'),
        '\\' => Some(b'\\'),
        '"' => Some(b'"'),
        '\'' => Some(b'\''),
        _ => None,
    };
    if let Some(byte) = simple {
        return Some((byte, 1));
    }
    let hex = rest.get(..2)?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u8::from_str_radix(hex, 16).ok().map(|b| (b, 2))
}

fn bad_escape(tok: Tok, offset: usize, rest: &str) -> Diagnostic {
    let next = rest.chars().next().map_or(0, char::len_utf8);
    let start = tok.span.start as usize + 1 + offset;
    Diagnostic::new(
        format!(
            "invalid escape `\\{}`: expected \\n, \\t, \\r, \\\\, \\\", \\' or two hex digits",
            rest.chars().next().unwrap_or(' ').escape_debug()
        ),
        Span::new(start, start + 1 + next),
    )
}

/// One of the strings after `from`.
pub(super) fn import_name(tok: Tok) -> PResult<String> {
    String::from_utf8(unescape(tok)?)
        .map_err(|_| Diagnostic::new("an import name must be valid UTF-8", tok.span))
}

/// A data scalar, `i8 1` to `f64 2.5`: its type's name and its literal.
pub(super) fn scalar_item(ty: &str, value: Tok) -> PResult<DataScalar> {
    let int = |bits| int_literal(value, bits, true, ty);
    Ok(match ty {
        "i8" => DataScalar::I8(int(8)? as u8),
        "i16" => DataScalar::I16(int(16)? as u16),
        "i32" => DataScalar::I32(int(32)? as u32),
        "i64" => DataScalar::I64(int(64)?),
        "f32" => DataScalar::F32(float_literal(value, Type::F32)? as u32),
        _ => DataScalar::F64(float_literal(value, Type::F64)?),
    })
}

/// A `ptr @sym [+ N]` data item, from the address it names.
pub(super) fn pointer_item(address: GlobalInit, span: Span) -> PResult<DataItem> {
    match address {
        GlobalInit::DataAddr(d, offset) => Ok(DataItem::DataAddr(d, offset)),
        GlobalInit::FuncAddr(f) => Ok(DataItem::FuncAddr(f)),
        GlobalInit::Const(_) => Err(internal(span)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_with_sign_and_payload() {
        let t = |text| Tok {
            text,
            span: Span::NONE,
        };
        assert_eq!(float_literal(t("-0.0"), Type::F64), Ok(1 << 63));
        assert_eq!(float_literal(t("-0.0"), Type::F32), Ok(1 << 31));
        assert_eq!(float_literal(t("nan:0x1"), Type::F32), Ok(0x7f80_0001));
        assert_eq!(float_literal(t("-inf"), Type::F32), Ok(0xff80_0000));
        assert!(float_literal(t("nan:0x800000"), Type::F32).is_err());
        assert!(float_literal(t("1e39"), Type::F32).is_err());
        assert!(float_literal(t("0x10"), Type::F64).is_err());
    }
}
