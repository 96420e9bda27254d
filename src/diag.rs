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
//!
//! Why not annotate-snippets (rustc's renderer) or codespan-reporting: the
//! library's dependency tree is held to 45 lines of `cargo tree -e normal`
//! (a compiler links it) and already takes 43; each brings three crates
//! (itself, anstyle or termcolor, unicode-width: measured with `cargo tree`
//! on 0.11.5 and 0.12.0). What is rendered here is one label per span, an
//! optional note in another file, long lines clipped around the column and
//! control characters shown as pictures: [`render_snippet`] and two helpers.

use std::fmt;
use std::sync::Arc;

/// Errors one per line, each after the first prefixed `error: `: the one
/// rendering of a list of errors. The first prefix is the caller's (the
/// command line writes it; `backend::Error::report` adds it).
pub fn render_list<T: fmt::Display>(errors: &[T]) -> String {
    let parts: Vec<String> = errors.iter().map(T::to_string).collect();
    parts.join("\nerror: ")
}

/// The errors of one run of the text reader, the verifier or the linker, in
/// source order: a slice of [`Diagnostic`]s (it derefs to one) whose
/// `Display` is [`render_list`] and which is a [`std::error::Error`], so a
/// frontend can `?` it into its own error type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }

    /// Each error, given `file` where it has none.
    pub fn with_file(self, file: Option<&Arc<SourceFile>>) -> Diagnostics {
        self.into_iter().map(|d| d.with_file(file)).collect()
    }
}

impl std::ops::Deref for Diagnostics {
    type Target = [Diagnostic];

    fn deref(&self) -> &[Diagnostic] {
        &self.0
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(errors: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics(errors)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(error: Diagnostic) -> Diagnostics {
        Diagnostics(vec![error])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Diagnostics {
        Diagnostics(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render_list(&self.0))
    }
}

impl std::error::Error for Diagnostics {}

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

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.partition_point(|&s| s <= offset)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset) - 1;
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
            message: clip_words(message.into()),
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
        self.notes.push((clip_words(message.into()), span, None));
        self
    }

    /// A note located in `file`, which may differ from the diagnostic's.
    pub fn with_note_in(
        mut self,
        message: impl Into<String>,
        span: Span,
        file: Option<&Arc<SourceFile>>,
    ) -> Diagnostic {
        self.notes
            .push((clip_words(message.into()), span, file.cloned()));
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
    let full = file.line_text(line);
    let (text, shown_col) = clip_line(full, col);
    let clipped = text.len() != full.len();
    let text = control_pictures(text);
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    if let Some(note) = note {
        write!(f, "\n{pad} = note: {note}")?;
    }
    write!(f, "\n{pad}--> {}:{line}:{col}", file.name)?;
    write!(f, "\n{pad} |\n{line} | {text}\n{pad} | ")?;
    // The caret underlines the span, or one column when it is empty or spans lines.
    let (end_line, end_col) = file.line_col(span.end as usize);
    let mut width = if end_line == line && end_col > col {
        end_col - col
    } else {
        1
    };
    if clipped {
        // Within what is shown of a long line.
        width = width.min(text.chars().count().saturating_sub(shown_col - 1).max(1));
    }
    let indent: String = text
        .chars()
        .take(shown_col - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    write!(f, "{indent}{}", "^".repeat(width))
}

/// The `line:col` (from 1, columns in characters) of the first byte that is
/// not valid UTF-8, for an error that names it like every other error.
pub fn utf8_error_location(bytes: &[u8], error: &std::str::Utf8Error) -> (usize, usize) {
    let valid = &bytes[..error.valid_up_to()];
    let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
    let start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    // The prefix is valid UTF-8 by definition of `valid_up_to`.
    let col = 1 + std::str::from_utf8(&valid[start..]).map_or(0, |s| s.chars().count());
    (line, col)
}

/// `text` with control characters shown as control pictures (`␊` for a
/// newline), for a name from outside (a file name) printed to a terminal or
/// a line-oriented report: it can neither split a line nor send an escape
/// sequence.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    control_pictures(std::borrow::Cow::Borrowed(text))
}

/// Control characters (a NUL in a name, say) shown as their Unicode control
/// pictures (`␀`), as rustc does: the terminal and the `.err` files get
/// only printable text. Tabs stay (the caret line copies them).
fn control_pictures(text: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return text;
    }
    text.chars()
        .map(|c| match c {
            '\t' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .into()
}

/// A word of a message (a token it quotes) longer than this many bytes is
/// cut: a 10 MB literal or name gives a short message.
const MAX_WORD: usize = 120;

/// `message` with each run of non-blank characters longer than
/// [`MAX_WORD`] bytes cut to its first 60 characters and `...` (and its
/// closing backtick, when it had one).
fn clip_words(message: String) -> String {
    if message.len() <= MAX_WORD || !message.split_whitespace().any(|w| w.len() > MAX_WORD) {
        return message;
    }
    let mut out = String::new();
    let mut rest = message.as_str();
    while !rest.is_empty() {
        let blank = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(&rest[..blank]);
        rest = &rest[blank..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        if word.len() > MAX_WORD {
            out.extend(word.chars().take(60));
            out.push_str("...");
            if word.ends_with('`') {
                out.push('`');
            }
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    out
}

/// A source line longer than this many bytes is shown in part.
const MAX_SHOWN_LINE: usize = 160;
/// Characters shown before the column in a line shown in part.
const SHOWN_BEFORE: usize = 60;
/// Characters shown of a line shown in part.
const SHOWN_CHARS: usize = 120;

/// The part of a long line shown around 1-based column `col` (`...` marks
/// what is left out) and the column in it: a 10 MB line gives a short
/// message.
fn clip_line(text: &str, col: usize) -> (std::borrow::Cow<'_, str>, usize) {
    if text.len() <= MAX_SHOWN_LINE {
        return (text.into(), col);
    }
    let skip = (col - 1).saturating_sub(SHOWN_BEFORE);
    let mut shown: String = if skip > 0 {
        "...".into()
    } else {
        String::new()
    };
    let mut chars = text.chars().skip(skip);
    shown.extend(chars.by_ref().take(SHOWN_CHARS));
    if chars.next().is_some() {
        shown.push_str("...");
    }
    let lead = if skip > 0 { 3 } else { 0 };
    (shown.into(), col - skip + lead)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located_by_line_and_character_column() {
        let bytes: &[u8] = &[b"ab\ncaf\xc3\xa9 ".as_slice(), &[0xe9], b"t\n"].concat();
        let error = std::str::from_utf8(bytes).unwrap_err();
        // Line 2: `c a f é space` are five characters before the bad byte.
        assert_eq!(utf8_error_location(bytes, &error), (2, 6));
        let lone = vec![0xffu8];
        let error = std::str::from_utf8(&lone).unwrap_err();
        assert_eq!(utf8_error_location(&lone, &error), (1, 1));
    }

    #[test]
    fn printable_names_cannot_split_lines_or_reach_the_terminal() {
        assert_eq!(printable("a.wast"), "a.wast");
        assert_eq!(
            printable("a\n\u{1b}[2Jb\u{7f}"),
            "a\u{240a}\u{241b}[2Jb\u{2421}"
        );
    }

    #[test]
    fn line_col_counts_from_one_in_characters() {
        let file = SourceFile::new("a.vir", "ab\né x\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        assert_eq!(file.line_col(6), (2, 3)); // after the two-byte 'é' and a space
        assert_eq!(
            (file.line_of(2), file.line_of(3), file.line_of(99)),
            (1, 2, 3)
        );
        assert_eq!(file.line_text(2), "é x");
    }

    #[test]
    fn a_long_line_is_shown_in_part_around_the_column() {
        let line = format!("{}@bad{}", "x".repeat(100_000), "y".repeat(100_000));
        let file = SourceFile::new("long.vir", line);
        let d =
            Diagnostic::new("unexpected `@`", Span::new(100_000, 100_004)).with_file(Some(&file));
        let text = d.to_string();
        assert!(text.len() < 600, "{text}");
        assert!(text.contains("--> long.vir:1:100001"), "{text}");
        let shown = text.lines().nth(3).unwrap();
        let caret = text.lines().nth(4).unwrap();
        assert!(
            shown.starts_with("1 | ...") && shown.ends_with("..."),
            "{text}"
        );
        assert_eq!(&shown[caret.find('^').unwrap()..][..4], "@bad", "{text}");
        assert!(caret.ends_with(" ^^^^"), "{text}");
        // A long word of the message is cut too.
        let d = Diagnostic::new(
            format!("literal `{}` out of range", "9".repeat(1 << 20)),
            Span::NONE,
        );
        assert_eq!(
            d.message,
            format!("literal `{}...` out of range", "9".repeat(59))
        );
        // Columns just past the shown prefix: fewer characters skipped than
        // the `...` that replaces them (found by the parse_vir fuzz target).
        for col in [59, 60, 61, 62, 63, 64, 200] {
            let line = "z".repeat(300);
            let file = SourceFile::new("c.vir", line);
            let d = Diagnostic::new("m", Span::new(col, col + 1)).with_file(Some(&file));
            let text = d.to_string();
            assert!(text.contains(&format!("c.vir:1:{}", col + 1)), "{text}");
        }
        // A NUL is shown as a control picture.
        let file = SourceFile::new("n.vir", "fn @a\0b");
        let d = Diagnostic::new("m", Span::new(5, 6)).with_file(Some(&file));
        assert!(
            d.to_string().contains("1 | fn @a\u{2400}b\n  |      ^"),
            "{d}"
        );
        // Short lines are shown whole.
        let file = SourceFile::new("s.vir", "fn @f() {\n");
        let d = Diagnostic::new("m", Span::new(3, 5)).with_file(Some(&file));
        assert!(d.to_string().contains("1 | fn @f() {\n  |    ^^"), "{d}");
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
