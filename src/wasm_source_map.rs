//! A version-3 source map of a finished binary (`vitte-wat build
//! --source-map`), for the tools that read source maps rather than DWARF
//! (browsers' developer tools).
//!
//! It follows the WebAssembly convention (emscripten's, the tool-conventions'
//! `Debugging.md`): the binary is one line, so every segment is on line 0
//! and its generated column is the byte offset of an operator *in the whole
//! file* (DWARF's addresses are offsets in the code section's contents: the
//! two differ by where the code section starts). The binary names its map
//! in a custom section `sourceMappingURL` whose content is the URL, a
//! length-prefixed string ([`append_source_mapping_url`]).
//!
//! The map says what the DWARF line table of [`crate::dwarf`] says, from the
//! same data (each operator's offset read back from the code section, and
//! the lowering's origins): for a described function, a segment at its
//! first operator, then one wherever the row in force changes; for a body
//! without origins (the WASI adapters), one segment naming no source, so
//! that the previous function's position does not run on over it. Sources
//! are the origins' file names, sorted; `names` is empty.

use crate::dwarf::{self, Body, DwarfError};
use crate::wat::{FuncOrigins, Origin};
use std::collections::BTreeMap;
use wasm_encoder::{CustomSection, Section};

/// The name of the custom section that holds the map's URL.
pub const URL_SECTION: &str = "sourceMappingURL";

/// The source map of `wasm`, as JSON text. `origins[k]` describes the k-th
/// function body, as for [`dwarf::append_debug_info`].
pub fn source_map(wasm: &[u8], origins: &[FuncOrigins]) -> Result<String, DwarfError> {
    let (code_start, bodies) = dwarf::code_layout(wasm)?;
    if origins.len() > bodies.len() {
        return Err(DwarfError {
            message: format!(
                "origins of {} functions for {} bodies",
                origins.len(),
                bodies.len()
            ),
        });
    }
    let mut sources: BTreeMap<&str, i64> = BTreeMap::new();
    for func in origins {
        for origin in func.def.iter().chain(func.operators.iter().flatten()) {
            if dwarf::nameable(&origin.file) {
                sources.insert(&*origin.file, 0);
            }
        }
    }
    for (index, value) in sources.values_mut().enumerate() {
        *value = index as i64;
    }
    let mut mappings = Mappings::default();
    for (k, body) in bodies.iter().enumerate() {
        match origins.get(k) {
            Some(func) => function(&mut mappings, &sources, code_start, func, body)?,
            None => mappings.unmapped(code_start, body),
        }
    }
    let mut json = String::from("{\"version\":3,\"sources\":[");
    for (k, file) in sources.keys().enumerate() {
        if k > 0 {
            json.push(',');
        }
        json_string(&mut json, file);
    }
    json.push_str("],\"names\":[],\"mappings\":\"");
    json.push_str(&mappings.text);
    json.push_str("\"}\n");
    Ok(json)
}

/// `wasm` with a `sourceMappingURL` custom section naming `url` appended.
pub fn append_source_mapping_url(mut wasm: Vec<u8>, url: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(url.len() + 5);
    leb128(&mut data, url.len() as u64);
    data.extend_from_slice(url.as_bytes());
    let section = CustomSection {
        name: URL_SECTION.into(),
        data: data.into(),
    };
    section.append_to(&mut wasm);
    wasm
}

/// The segments of one function: the row in force at each operator, as the
/// line table has it (the definition until an operator is located; an
/// origin whose file cannot be named does not replace the row), written
/// where it changes.
fn function(
    mappings: &mut Mappings,
    sources: &BTreeMap<&str, i64>,
    code_start: u64,
    func: &FuncOrigins,
    body: &Body,
) -> Result<(), DwarfError> {
    dwarf::fits(func, body)?;
    let Some(home) = dwarf::home(func) else {
        mappings.unmapped(code_start, body);
        return Ok(());
    };
    let mut current = home;
    for (k, (origin, &address)) in func.operators.iter().zip(&body.operators).enumerate() {
        let changed = match origin {
            Some(o) if o != current && dwarf::nameable(&o.file) => {
                current = o;
                true
            }
            _ => false,
        };
        if k == 0 || changed {
            mappings.segment(
                code_start + address,
                Some((sources[&*current.file], current)),
            );
        }
    }
    Ok(())
}

/// The `mappings` string being written: one line of segments, each field
/// relative to the same field of the segment before it.
#[derive(Default)]
struct Mappings {
    text: String,
    column: i64,
    source: i64,
    line: i64,
    col: i64,
}

impl Mappings {
    /// A segment at `offset`, naming `(source index, origin)` or nothing.
    fn segment(&mut self, offset: u64, at: Option<(i64, &Origin)>) {
        if !self.text.is_empty() {
            self.text.push(',');
        }
        let offset = offset as i64;
        vlq(&mut self.text, offset - self.column);
        self.column = offset;
        if let Some((source, origin)) = at {
            // Source maps count lines and columns from 0, the IR from 1.
            let line = i64::from(origin.line.saturating_sub(1));
            let col = i64::from(origin.col.saturating_sub(1));
            vlq(&mut self.text, source - self.source);
            vlq(&mut self.text, line - self.line);
            vlq(&mut self.text, col - self.col);
            (self.source, self.line, self.col) = (source, line, col);
        }
    }

    /// A segment naming no source at the body's first operator (its final
    /// `end` when it has none).
    fn unmapped(&mut self, code_start: u64, body: &Body) {
        let first = body.operators.first().copied();
        // The final `end` is the body's last byte.
        let address = first.unwrap_or(body.range.end.saturating_sub(1));
        self.segment(code_start + address, None);
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends `value` as a base64 VLQ: the sign in the lowest bit, then five
/// bits per digit, least significant first, bit 5 set on every digit but
/// the last.
fn vlq(out: &mut String, value: i64) {
    let mut rest = (value.unsigned_abs() << 1) | u64::from(value < 0);
    loop {
        let digit = (rest & 0b1_1111) as usize;
        rest >>= 5;
        let continued = if rest > 0 { 0b10_0000 } else { 0 };
        out.push(BASE64[digit | continued] as char);
        if rest == 0 {
            return;
        }
    }
}

fn leb128(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// `text` as a JSON string literal.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(values: &[i64]) -> String {
        let mut out = String::new();
        for &v in values {
            vlq(&mut out, v);
        }
        out
    }

    /// Vectors of the specification's examples and of Mozilla's
    /// `source-map` library tests.
    #[test]
    fn vlq_known_vectors() {
        assert_eq!(encoded(&[0]), "A");
        assert_eq!(encoded(&[1]), "C");
        assert_eq!(encoded(&[-1]), "D");
        assert_eq!(encoded(&[15]), "e");
        assert_eq!(encoded(&[-15]), "f");
        assert_eq!(encoded(&[16]), "gB");
        assert_eq!(encoded(&[-16]), "hB");
        assert_eq!(encoded(&[123]), "2H");
        assert_eq!(encoded(&[1000]), "w+B");
        assert_eq!(encoded(&[0, 0, 0, 0]), "AAAA");
        assert_eq!(encoded(&[9, 0, 0, 8]), "SAAQ");
        assert_eq!(encoded(&[-2147483648]), "hgggggE");
        assert_eq!(encoded(&[2147483647]), "+/////D");
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut out = String::new();
        json_string(&mut out, "a\"b\\c\u{1}é");
        assert_eq!(out, "\"a\\\"b\\\\c\\u0001é\"");
    }

    #[test]
    fn the_url_section_is_length_prefixed() {
        let header = b"\0asm\x01\0\0\0".to_vec();
        let wasm = append_source_mapping_url(header.clone(), "fib.wasm.map");
        let mut expected = header;
        let name = URL_SECTION.as_bytes();
        let content_len = 1 + name.len() + 1 + 12;
        expected.extend([0, content_len as u8, name.len() as u8]);
        expected.extend(name);
        expected.push(12);
        expected.extend(b"fib.wasm.map");
        assert_eq!(wasm, expected);
    }
}
