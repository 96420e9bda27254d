//! Origins read back from WAT text (`vitte-wat asm -g`): the same
//! [`FuncOrigins`] the lowering gives, so that `emit -g | asm -g` writes
//! the DWARF `build -g` does.
//!
//! Text with `;;@ file:line:col` annotations (Binaryen's, which `emit -g`
//! writes): an operator takes the last annotation before it in its
//! function, as [`super::operator_origins`] takes the last marker; an
//! annotation above a function's `(func` is where it is defined, a
//! `;; fn @name` comment there names its IR function, and `;; param %n:
//! i32 = local 0` and `;; var $x: i64 = local 2` lines there are its IR
//! parameters and variables ([`DebugVar`]). Text without any
//! annotation points into itself: each operator at its own line and
//! column, a function defined at its `func` keyword and named by its `$id`.
//! A function whose operators do not match its text one to one (an
//! instruction `wast` encodes as several) gets no origins rather than
//! wrong ones. A malformed annotation is a located error.

use super::{DebugVar, FuncOrigins, InlinedAt, Origin};
use crate::diag::SourceFile;
use crate::emit::{AsmError, assemble_inspecting, text_error};
use std::sync::Arc;
use wasmparser::{Parser, Payload};
use wast::Wat;
use wast::core::{FuncKind, ModuleField, ModuleKind};
use wast::lexer::{Lexer, TokenKind};

/// Assembles `text` like [`crate::emit::assemble`], with the origins of
/// each function body of the binary, in order.
pub fn assemble_with_origins(
    text: &str,
    path: &str,
) -> Result<(Vec<u8>, Vec<FuncOrigins>), AsmError> {
    let (wasm, funcs) = assemble_inspecting(text, path, true, text_funcs)?;
    let notes = Notes::scan(text, path)?;
    let counts = operator_counts(&wasm)?;
    let file = SourceFile::new(path, text);
    let reader = Reader {
        file: &file,
        name: path.into(),
        notes: &notes,
    };
    let origins = if funcs.len() == counts.len() {
        let previous = std::iter::once(0).chain(funcs.iter().map(TextFunc::last));
        funcs
            .iter()
            .zip(previous)
            .zip(&counts)
            .map(|((func, after), &count)| reader.origins(func, after, count))
            .collect()
    } else {
        counts.iter().map(|&count| unknown(count)).collect()
    };
    Ok((wasm, origins))
}

/// A function defined in the text: where its `func` keyword is, its `$id`
/// and the offset of each instruction (`None` when `wast` gave none).
struct TextFunc {
    offset: usize,
    id: Option<String>,
    instrs: Option<Vec<usize>>,
}

impl TextFunc {
    /// The offset of the function's last instruction (or keyword): what
    /// comes after it is above the next function.
    fn last(&self) -> usize {
        let last = self.instrs.as_ref().and_then(|i| i.iter().max().copied());
        last.unwrap_or(self.offset).max(self.offset)
    }
}

/// The functions with a body, in the order of the code section.
fn text_funcs(wat: &Wat) -> Vec<TextFunc> {
    let Wat::Module(module) = wat else {
        return Vec::new();
    };
    let ModuleKind::Text(fields) = &module.kind else {
        return Vec::new();
    };
    let funcs = fields.iter().filter_map(|field| match field {
        ModuleField::Func(f) => Some(f),
        _ => None,
    });
    let with_body = funcs.filter_map(|f| match &f.kind {
        FuncKind::Inline { expression, .. } => Some((f, expression)),
        FuncKind::Import(..) => None,
    });
    with_body
        .map(|(f, body)| TextFunc {
            offset: f.span.offset(),
            id: f.id.map(|id| id.name().to_string()),
            instrs: body
                .instr_spans
                .as_ref()
                .map(|spans| spans.iter().map(|s| s.offset()).collect()),
        })
        .collect()
}

/// The number of operators of each body of the code section, its final
/// `end` left out.
fn operator_counts(wasm: &[u8]) -> Result<Vec<usize>, AsmError> {
    let binary = |e: wasmparser::BinaryReaderError| AsmError::Binary {
        message: e.message().to_string(),
        offset: Some(e.offset()),
    };
    let mut counts = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload.map_err(binary)? {
            let mut reader = body.get_operators_reader().map_err(binary)?;
            let mut count = 0;
            while !reader.eof() {
                reader.read().map_err(binary)?;
                count += 1;
            }
            counts.push(count.max(1) - 1);
        }
    }
    Ok(counts)
}

/// The `;;@` annotations and `;; fn @name` comments of the text, by
/// offset, read from the lexer's line comments (so none inside a string
/// or a block comment).
#[derive(Default)]
struct Notes {
    origins: Vec<(usize, Origin)>,
    names: Vec<(usize, String)>,
    vars: Vec<(usize, DebugVar)>,
}

impl Notes {
    fn scan(text: &str, path: &str) -> Result<Notes, AsmError> {
        let lexer = Lexer::new(text);
        let located = |e: wast::Error| text_error(text, path, e.span().offset(), e.message());
        let mut notes = Notes::default();
        let mut pos = 0;
        while let Some(token) = lexer.parse(&mut pos).map_err(located)? {
            if token.kind != TokenKind::LineComment {
                continue;
            }
            let comment = token.src(text).trim_end();
            if let Some(position) = comment.strip_prefix(";;@") {
                let origin = parse_origin(position).ok_or_else(|| {
                    let message =
                        format!("malformed annotation `{comment}`, expected `;;@ file:line:col`");
                    text_error(text, path, token.offset, message)
                })?;
                notes.origins.push((token.offset, origin));
            } else if let Some(name) = comment.strip_prefix(";; fn @") {
                notes.names.push((token.offset, name.to_string()));
            } else if let Some(var) = comment.strip_prefix(";; ").and_then(DebugVar::parse) {
                notes.vars.push((token.offset, var));
            }
        }
        Ok(notes)
    }
}

/// An annotation's text after one space: `file:line:col`, then the copies
/// its code is in ([`Origin::annotation`]), each `, @callee#site inlined
/// at file:line:col`.
fn parse_origin(text: &str) -> Option<Origin> {
    let mut levels = text.strip_prefix(' ')?.split(", @");
    let mut origin = parse_position(levels.next()?)?;
    let mut copies = Vec::new();
    for level in levels {
        let (callee, call) = level.split_once(" inlined at ")?;
        let (callee, site) = callee.rsplit_once('#')?;
        let site: u32 = site.parse().ok()?;
        copies.push((site, callee, parse_position(call)?));
    }
    // The outermost copy's call is in the function itself.
    for (site, callee, mut call) in copies.into_iter().rev() {
        call.inlined = origin.inlined.take();
        let callee = callee.into();
        origin.inlined = Some(Arc::new(InlinedAt { site, callee, call }));
    }
    Some(origin)
}

/// `file:line:col`, the line and column 1-based numbers.
fn parse_position(position: &str) -> Option<Origin> {
    let mut parts = position.rsplitn(3, ':');
    let col = parts.next()?.parse().ok().filter(|&n| n > 0)?;
    let line = parts.next()?.parse().ok().filter(|&n| n > 0)?;
    let file = parts.next().filter(|f| !f.is_empty())?;
    Some(Origin::new(file.into(), line, col))
}

struct Reader<'a> {
    file: &'a SourceFile,
    /// The text's own name, shared by the origins that point into it.
    name: Arc<str>,
    notes: &'a Notes,
}

impl Reader<'_> {
    /// The origins of `func`, whose body has `count` operators; its
    /// annotations above it come after offset `after`.
    fn origins(&self, func: &TextFunc, after: usize, count: usize) -> FuncOrigins {
        let wasm_name = func.id.clone().unwrap_or_default();
        let Some(instrs) = func.instrs.as_ref().filter(|i| i.len() == count) else {
            return unknown(count);
        };
        if self.notes.origins.is_empty() {
            return FuncOrigins {
                ir_name: wasm_name.clone(),
                wasm_name,
                def: Some(self.here(func.offset)),
                operators: instrs.iter().map(|&o| Some(self.here(o))).collect(),
                vars: Vec::new(),
            };
        }
        let above = |o: usize| o > after && o < func.offset;
        let name = self.notes.names.iter().rev().find(|(o, _)| above(*o));
        FuncOrigins {
            wasm_name,
            ir_name: name.map(|(_, n)| n.clone()).unwrap_or_default(),
            def: self.last_origin(after, func.offset),
            operators: instrs
                .iter()
                .map(|&o| self.last_origin(func.offset, o))
                .collect(),
            vars: (self.notes.vars.iter())
                .filter(|(o, _)| above(*o))
                .map(|(_, v)| v.clone())
                .collect(),
        }
    }

    /// The last annotation strictly between offsets `from` and `to`.
    fn last_origin(&self, from: usize, to: usize) -> Option<Origin> {
        let origins = &self.notes.origins;
        let end = origins.partition_point(|(o, _)| *o < to);
        let (offset, origin) = origins[..end].last()?;
        (*offset > from).then(|| origin.clone())
    }

    /// The position of `offset` in the text itself.
    fn here(&self, offset: usize) -> Origin {
        let (line, col) = self.file.line_col(offset);
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let col = u32::try_from(col).unwrap_or(u32::MAX);
        Origin::new(self.name.clone(), line, col)
    }
}

/// No origins for a body of `count` operators: nothing to describe.
fn unknown(count: usize) -> FuncOrigins {
    FuncOrigins {
        wasm_name: String::new(),
        ir_name: String::new(),
        def: None,
        operators: vec![None; count],
        vars: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of two copies (a callee inlined into a function that was
    /// inlined in turn) reads back from its annotation as it was written;
    /// a malformed link is no origin.
    #[test]
    fn an_inline_chain_reads_back_from_its_annotation() {
        let at = |site, callee: &str, call: Origin| {
            Some(Arc::new(InlinedAt {
                site,
                callee: callee.into(),
                call,
            }))
        };
        let outer = Origin::new("a b.vir".into(), 17, 3);
        let mut mid = Origin::new("a b.vir".into(), 10, 3);
        mid.inlined = at(0, "mid", outer);
        let mut origin = Origin::new("c.vir".into(), 3, 5);
        origin.inlined = at(1, "div", mid);
        let text = origin.annotation();
        assert_eq!(
            text,
            "c.vir:3:5, @div#1 inlined at a b.vir:10:3, @mid#0 inlined at a b.vir:17:3"
        );
        assert_eq!(parse_origin(&format!(" {text}")), Some(origin));
        for bad in [
            " c.vir:3:5, @div inlined at a.vir:1:1",
            " c.vir:3:5, @div#x inlined at a.vir:1:1",
            " c.vir:3:5, @div#1 at a.vir:1:1",
            " c.vir:3:5, @div#1 inlined at a.vir:0:1",
        ] {
            assert_eq!(parse_origin(bad), None, "{bad}");
        }
    }
}
