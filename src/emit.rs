//! WAT text to wasm binary and back.
//!
//! Assembly goes through `wast` (the parser inside the `wat` crate) directly,
//! because its error keeps the byte offset of the problem, which `wat::Error`
//! hides: that offset becomes a line and column in a rustc-style diagnostic.

use crate::diag::{Diagnostic, SourceFile, Span};
use wast::Wat;
use wast::parser::{self, ParseBuffer};

/// Why text could not be assembled or a binary could not be printed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AsmError {
    /// WAT text that does not lex, parse or resolve (unknown `$name`...).
    #[error("{diagnostic}")]
    Text {
        message: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column, in characters.
        col: usize,
        /// The message with `--> path:line:col`, the line and a caret.
        diagnostic: Diagnostic,
    },
    /// A binary that is not well-formed.
    #[error("{}", binary_message(message, *offset))]
    Binary {
        message: String,
        /// Byte offset of the problem, when the decoder gave one.
        offset: Option<usize>,
    },
}

fn binary_message(message: &str, offset: Option<usize>) -> String {
    match offset {
        Some(offset) => format!("malformed wasm binary at offset {offset:#x}: {message}"),
        None => format!("malformed wasm binary: {message}"),
    }
}

/// Assembles WAT text into a wasm binary (with a name section); `path` names the file in errors.
pub fn assemble(text: &str, path: &str) -> Result<Vec<u8>, AsmError> {
    assemble_inspecting(text, path, false, |_| ()).map(|(wasm, ())| wasm)
}

/// [`assemble`], with what `inspect` reads from the parsed text before it
/// is encoded (which resolves names in place); `instr_spans` fills each
/// body's [`wast::core::Expression::instr_spans`].
pub(crate) fn assemble_inspecting<T>(
    text: &str,
    path: &str,
    instr_spans: bool,
    inspect: impl FnOnce(&Wat) -> T,
) -> Result<(Vec<u8>, T), AsmError> {
    let located = |e: wast::Error| text_error(text, path, e.span().offset(), e.message());
    let mut buf = ParseBuffer::new(text).map_err(located)?;
    buf.track_instr_spans(instr_spans);
    let mut wat = parser::parse::<Wat>(&buf).map_err(located)?;
    if let Wat::Component(c) = &wat {
        // `wast` is built without the component model and would panic
        // encoding one.
        let message = "components are not supported, expected `(module ...)`".to_string();
        return Err(text_error(text, path, c.span.offset(), message));
    }
    let inspected = inspect(&wat);
    Ok((wat.encode().map_err(located)?, inspected))
}

pub(crate) fn text_error(text: &str, path: &str, offset: usize, message: String) -> AsmError {
    let file = SourceFile::new(path, text);
    let (line, col) = file.line_col(offset);
    let diagnostic =
        Diagnostic::new(message.clone(), Span::new(offset, offset)).with_file(Some(&file));
    AsmError::Text {
        message,
        line,
        col,
        diagnostic,
    }
}

/// Prints a binary as WAT (wasmprinter), for `vitte-wat dis`.
pub fn disassemble(bytes: &[u8]) -> Result<String, AsmError> {
    wasmprinter::print_bytes(bytes).map_err(|e| {
        match e.downcast_ref::<wasmparser::BinaryReaderError>() {
            Some(b) => AsmError::Binary {
                message: crate::validate::decoder_message(b.message(), bytes),
                offset: Some(b.offset()),
            },
            None => AsmError::Binary {
                message: format!("{e:#}"),
                offset: None,
            },
        }
    })
}

impl AsmError {
    /// The 1-based line and column of a text error.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match self {
            AsmError::Text { line, col, .. } => Some((*line, *col)),
            AsmError::Binary { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assembles_with_a_name_section() {
        let bytes = assemble(
            "(module $m (func $answer (result i32) i32.const 42))",
            "a.wat",
        )
        .expect("assembles");
        assert_eq!(&bytes[..4], b"\0asm");
        let text = disassemble(&bytes).expect("prints");
        assert!(text.contains("(module $m"), "{text}");
        assert!(text.contains("(func $answer"), "{text}");
    }

    #[test]
    fn text_errors_point_at_line_and_column() {
        let text = "(module\n  (func $f\n    local.get $nope))\n";
        let err = assemble(text, "t.wat").unwrap_err();
        assert_eq!(err.line_col(), Some((3, 15)));
        let AsmError::Text { message, .. } = &err else {
            unreachable!()
        };
        assert!(message.contains("unknown local"), "{message}");
        assert_eq!(
            err.to_string(),
            format!(
                "{message}\n --> t.wat:3:15\n  |\n3 |     local.get $nope))\n  |               ^"
            )
        );
    }

    #[test]
    fn lex_and_parse_errors_are_located() {
        let err = assemble("(module\n  (func i32.const \"x))", "l.wat").unwrap_err();
        assert_eq!(err.line_col().map(|(l, _)| l), Some(2));
        let err = assemble("(module (func (i32.bogus)))", "p.wat").unwrap_err();
        assert_eq!(err.line_col(), Some((1, 16)), "{err}");
        assert!(assemble("", "e.wat").is_err());
    }

    #[test]
    fn components_are_refused_not_panicked_on() {
        let err = assemble("(component)", "c.wat").unwrap_err();
        assert_eq!(err.line_col(), Some((1, 2)), "{err}");
    }

    #[test]
    fn binary_errors_carry_the_offset() {
        let err = disassemble(b"\0asm\x01\0\0\0\x01\x05").unwrap_err();
        let AsmError::Binary { offset, .. } = &err else {
            panic!("{err}")
        };
        assert!(offset.is_some(), "{err}");
        assert!(err.to_string().contains("at offset 0x"), "{err}");
        assert!(disassemble(b"junk").is_err());
    }
}
