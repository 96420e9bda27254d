//! Source files, spans and diagnostics that render like rustc's.
//!
//! Every error the crate reports about user input carries a [`Span`] (a byte
//! range) and, where the input came from a file, the [`SourceFile`] it points
//! into. [`Diagnostic`]'s `Display` renders it as
//!
//! ```text
//! error: type mismatch: expected i32, found i64
//!   --> examples/fib.vir:7:18
//!    |
//!  7 |   %c = i32.add %n, %x
//!    |                    ^^
//! ```

use std::fmt;
use std::sync::Arc;

/// A byte range `start..end` into a [`SourceFile`]'s text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The span of IR built in memory rather than parsed: it points nowhere.
    pub const NONE: Span = Span { start: 0, end: 0 };

    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn is_none(self) -> bool {
        self == Span::NONE
    }
}

/// A named text, shared by the IR parsed from it and by its diagnostics.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count();
        (line + 1, col + 1)
    }

    /// The text of a 1-based line, without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// An error about user input, located in a source file where it can be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    pub span: Span,
    pub file: Option<Arc<SourceFile>>,
    /// Secondary locations, for example the first definition of a duplicate:
    /// the message, the span, and the file when it is not the diagnostic's
    /// own (the linker's "first defined here" in another module).
    pub notes: Vec<(String, Span, Option<Arc<SourceFile>>)>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span,
            file: None,
            notes: Vec::new(),
        }
    }

    pub fn with_file(mut self, file: Option<&Arc<SourceFile>>) -> Diagnostic {
        if self.file.is_none() {
            self.file = file.cloned();
        }
        self
    }

    pub fn with_note(mut self, message: impl Into<String>, span: Span) -> Diagnostic {
        self.notes.push((message.into(), span, None));
        self
    }

    /// A note located in `file`, which may differ from the diagnostic's.
    pub fn with_note_in(
        mut self,
        message: impl Into<String>,
        span: Span,
        file: Option<&Arc<SourceFile>>,
    ) -> Diagnostic {
        self.notes.push((message.into(), span, file.cloned()));
        self
    }

    /// The file the `index`-th note points into.
    pub fn note_file(&self, index: usize) -> Option<&Arc<SourceFile>> {
        match self.notes.get(index) {
            Some((_, _, Some(file))) => Some(file),
            _ => self.file.as_ref(),
        }
    }

    /// `file:line:col` of the primary span, when there is a file.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        let (line, col) = file.line_col(self.span.start as usize);
        Some(format!("{}:{line}:{col}", file.name))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(file) = &self.file {
            render_snippet(f, file, self.span, None)?;
        }
        // A note without a file (IR built in memory) has nothing to show.
        for (index, (note, span, _)) in self.notes.iter().enumerate() {
            if let Some(file) = self.note_file(index) {
                render_snippet(f, file, *span, Some(note))?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

fn render_snippet(
    f: &mut fmt::Formatter<'_>,
    file: &SourceFile,
    span: Span,
    note: Option<&str>,
) -> fmt::Result {
    let (line, col) = file.line_col(span.start as usize);
    let text = file.line_text(line);
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    if let Some(note) = note {
        write!(f, "\n{pad} = note: {note}")?;
    }
    write!(f, "\n{pad}--> {}:{line}:{col}", file.name)?;
    write!(f, "\n{pad} |\n{line} | {text}\n{pad} | ")?;
    // The caret underlines the span, or one column when it is empty or spans lines.
    let (end_line, end_col) = file.line_col(span.end as usize);
    let width = if end_line == line && end_col > col {
        end_col - col
    } else {
        1
    };
    let indent: String = text
        .chars()
        .take(col - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    write!(f, "{indent}{}", "^".repeat(width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_in_characters() {
        let file = SourceFile::new("a.vir", "ab\né x\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        assert_eq!(file.line_col(6), (2, 3)); // after the two-byte 'é' and a space
        assert_eq!(file.line_text(2), "é x");
    }

    #[test]
    fn a_note_may_point_into_another_file() {
        let a = SourceFile::new("a.vir", "pub fn @f() {\n");
        let b = SourceFile::new("b.vir", "\npub fn @f() {\n");
        let d = Diagnostic::new("duplicate", Span::new(1, 14))
            .with_file(Some(&b))
            .with_note("first here", Span::new(0, 13))
            .with_note_in("first defined here", Span::new(0, 13), Some(&a));
        assert_eq!(d.note_file(0).map(|f| f.name.as_str()), Some("b.vir"));
        assert_eq!(d.note_file(1).map(|f| f.name.as_str()), Some("a.vir"));
        let text = d.to_string();
        assert!(text.contains("--> b.vir:2:1"), "{text}");
        assert!(
            text.contains("= note: first defined here\n --> a.vir:1:1"),
            "{text}"
        );
    }

    #[test]
    fn renders_location_and_caret() {
        let file = SourceFile::new("t.vir", "fn @f() {\n  bad token\n}\n");
        let d = Diagnostic::new("unexpected token", Span::new(12, 15)).with_file(Some(&file));
        assert_eq!(d.location().as_deref(), Some("t.vir:2:3"));
        assert_eq!(
            d.to_string(),
            "unexpected token\n --> t.vir:2:3\n  |\n2 |   bad token\n  |   ^^^"
        );
    }
}
