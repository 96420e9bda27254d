//! The fast path of the `.vir` parser: a hand-written recursive-descent
//! reading of `grammar/vitte-ir.pest` that builds the same [`Module`] as the
//! pest path, about twenty times faster.
//!
//! It only ever succeeds or gives up: on any syntax or name error it
//! returns `None`, and [`super::parse::parse_text`] parses the text again with pest,
//! which stays the reference grammar and the only source of error messages.
//! So a fast path that gives up too often is only slower, never wrong; what
//! must hold is that when it succeeds, pest succeeds with the same module
//! (spans included). `tests/parser_equivalence.rs` checks that on every
//! `.vir` file of the repository, on random programs and on mutations of
//! them.
//!
//! Each rule below mirrors its pest rule, including where pest skips
//! whitespace and comments implicitly (between the elements of a
//! non-atomic sequence and between repetitions, never after the last
//! element): a rule's span may end after a skip when its last element is an
//! optional part that matched nothing, and the spans kept in the module
//! (instructions, terminators, slots, globals, data) must end where pest's do.

use super::build::{Arg, BodyBuilder, Symbol, Symbols, declare_shared_memory, memory_def};
use super::token::{
    Tok, align_literal, import_name, int_literal, pointer_item, scalar_item, u64_literal, unescape,
};
use crate::diag::{Diagnostic, Span};
use crate::ir::{
    BlockId, Case, Const, Data, DataId, DataItem, Edge, FuncId, Function, Global, GlobalId,
    GlobalInit, Linkage, Module, Op, Signature, Terminator, Type, ValueId, Visibility,
};

/// Texts shorter than this are read on one thread.
const MIN_CHUNKED: usize = 1 << 20;

/// Parses `text` into a module, or `None` when pest must say what is wrong.
pub(super) fn parse(text: &str) -> Option<Module> {
    let chunks = match text.len() >= MIN_CHUNKED {
        true => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
        false => 1,
    };
    parse_in_chunks(text, chunks)
}

/// [`parse`], reading the text's items in up to `chunks` pieces at once.
///
/// The pieces are cut where a line starts with `fn ` or `pub fn `, which
/// inside an item can only be in a string; each piece is read as a file of
/// its own with the spans of the whole text. If any piece does not read,
/// the whole text is read again in one piece, so cutting can make parsing
/// slower but never different.
pub(super) fn parse_in_chunks(text: &str, chunks: usize) -> Option<Module> {
    if text.len() >= u32::MAX as usize {
        return None;
    }
    let cuts = cut_points(text, chunks);
    let pieces: Vec<(usize, usize)> = cuts
        .iter()
        .copied()
        .zip(cuts.iter().skip(1).copied())
        .collect();
    let read = |&(start, end): &(usize, usize)| {
        P {
            s: &text.as_bytes()[..end],
            pos: start,
        }
        .file()
    };
    let items = match pieces.len() {
        1 => read(&pieces[0])?,
        _ => match crate::parallel::map_all(&pieces, read)
            .into_iter()
            .collect::<Option<Vec<_>>>()
        {
            Some(parts) => parts.into_iter().flatten().collect(),
            None => read(&(0, text.len()))?,
        },
    };
    build(text, &items).ok()
}

/// `0`, the starts of up to `chunks - 1` lines that begin a function, about
/// evenly spaced, and the text's length.
fn cut_points(text: &str, chunks: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    let step = text.len() / chunks.max(1);
    for k in 1..chunks {
        let from = (k * step).max(cuts[cuts.len() - 1] + 1);
        if let Some(at) = next_function_line(text, from) {
            cuts.push(at);
        }
    }
    cuts.push(text.len());
    cuts.dedup();
    cuts
}

/// The start of the first line at or after `from` that begins with `fn ` or
/// `pub fn `.
fn next_function_line(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from.min(bytes.len());
    loop {
        let line = bytes[at..].iter().position(|&b| b == b'\n')? + at + 1;
        let rest = &bytes[line..];
        if rest.starts_with(b"fn ") || rest.starts_with(b"pub fn ") {
            return Some(line);
        }
        at = line;
    }
}

// ------------------------------------------------------------------ syntax

/// A token or rule: a byte range of the text.
#[derive(Clone, Copy, Debug)]
struct Tk {
    start: u32,
    end: u32,
}

impl Tk {
    fn new(start: usize, end: usize) -> Tk {
        Tk {
            start: start as u32,
            end: end as u32,
        }
    }

    fn span(self) -> Span {
        Span {
            start: self.start,
            end: self.end,
        }
    }

    fn tok(self, text: &str) -> Tok<'_> {
        Tok {
            text: &text[self.start as usize..self.end as usize],
            span: self.span(),
        }
    }
}

enum Init {
    Number(Tk),
    Symbol(Tk, Option<Tk>),
}

enum DItem {
    Str(Tk),
    Scalar(Tk, Tk),
    Zero(Tk),
    PtrNum(Tk),
    PtrSym(Tk, Option<Tk>),
}

struct Param {
    name: Tk,
    ty: Type,
}

struct Edg {
    label: Tk,
    args: Vec<Tk>,
}

enum Term {
    Jump(Edg),
    Brif(Tk, Edg, Edg),
    Switch(Tk, Vec<Edg>, Edg),
    Cases(Tk, Vec<(Tk, Edg)>, Edg),
    Ret(Vec<Tk>),
    Unreachable,
}

enum OpSyn {
    Call(Tk, Vec<Tk>),
    CallIndirect(Tk, Vec<Tk>, Vec<Type>, Vec<Type>),
    Generic(Tk, Vec<(Arg, Tk)>, Option<Tk>),
}

enum Line {
    Var(Tk, Tk, Type),
    Slot(Tk, Tk, Tk, Option<Tk>),
    Label(Tk, Tk, Vec<Param>),
    Term(Tk, Term),
    Inst(Tk, Vec<Tk>, OpSyn),
}

enum Item {
    /// `memory shared`.
    SharedMemory(Tk),
    /// `memory @name [TYPE] PAGES [max MAX]`.
    Memory {
        span: Tk,
        name: Tk,
        index: Option<Tk>,
        pages: Tk,
        max: Option<Tk>,
    },
    Global {
        span: Tk,
        public: bool,
        mutable: bool,
        name: Tk,
        ty: Type,
        init: Init,
    },
    ExternGlobal {
        span: Tk,
        mutable: bool,
        name: Tk,
        ty: Type,
    },
    Data {
        span: Tk,
        public: bool,
        name: Tk,
        /// `const`: read-only.
        readonly: bool,
        /// `in @mem`.
        memory: Option<Tk>,
        align: Option<Tk>,
        items: Vec<DItem>,
    },
    ExternData {
        span: Tk,
        name: Tk,
    },
    ExternFn {
        header: Tk,
        name: Tk,
        params: Vec<Type>,
        results: Vec<Type>,
        from: Option<(Tk, Tk)>,
    },
    Func {
        header: Tk,
        public: bool,
        name: Tk,
        params: Vec<Param>,
        results: Vec<Type>,
        /// The body between the braces, read when the function is built.
        body: Body,
    },
}

/// Where a function's lines start (after `{` and the skip after it) and
/// where its `}` is. The lines are read when the function is built, on the
/// builder's thread, and dropped with it: a module's syntax is never held
/// whole (it took nine times the text's size).
#[derive(Clone, Copy)]
struct Body {
    lines: usize,
    close: usize,
}

fn ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

struct P<'a> {
    s: &'a [u8],
    pos: usize,
}

/// `keyword` of the grammar: what `mnemonic` may not be.
const KEYWORDS: [&[u8]; 9] = [
    b"call",
    b"call_indirect",
    b"jump",
    b"brif",
    b"switch",
    b"return",
    b"unreachable",
    b"var",
    b"slot",
];

impl<'a> P<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.s.get(i).copied()
    }

    /// The implicit `(WHITESPACE | COMMENT)*` between elements.
    fn skip(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.pos += 1;
        }
        if self.peek() == Some(b';') {
            while !matches!(self.peek(), None | Some(b'\n' | b'\r')) {
                self.pos += 1;
            }
        }
    }

    fn punct(&mut self, c: u8) -> Option<()> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    fn nl(&mut self) -> Option<()> {
        match self.peek()? {
            b'\n' => self.pos += 1,
            b'\r' => {
                self.pos += 1;
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            _ => return None,
        }
        Some(())
    }

    /// Whether the text at `pos` is `word` not followed by an identifier character.
    fn is_kw(&self, word: &[u8]) -> bool {
        self.s[self.pos..].starts_with(word)
            && !self.at(self.pos + word.len()).is_some_and(ident_char)
    }

    fn kw(&mut self, word: &[u8]) -> Option<()> {
        if self.is_kw(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    fn ident_run(&mut self) {
        while self.peek().is_some_and(ident_char) {
            self.pos += 1;
        }
    }

    /// `symbol`, `value`, `local`: a sigil and one or more identifier characters.
    fn sigil(&mut self, sigil: u8) -> Option<Tk> {
        let start = self.pos;
        if self.peek() != Some(sigil) || !self.at(start + 1).is_some_and(ident_char) {
            return None;
        }
        self.pos += 1;
        self.ident_run();
        Some(Tk::new(start, self.pos))
    }

    fn symbol(&mut self) -> Option<Tk> {
        self.sigil(b'@')
    }

    fn value(&mut self) -> Option<Tk> {
        self.sigil(b'%')
    }

    fn local(&mut self) -> Option<Tk> {
        self.sigil(b'$')
    }

    fn label_name(&mut self) -> Option<Tk> {
        let start = self.pos;
        let first = self.peek()?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        self.pos += 1;
        self.ident_run();
        Some(Tk::new(start, self.pos))
    }

    fn mnemonic(&mut self) -> Option<Tk> {
        if KEYWORDS.iter().any(|k| self.is_kw(k)) {
            return None;
        }
        self.label_name()
    }

    fn word(&mut self) -> Option<Tk> {
        if self.is_kw(b"offset") {
            return None;
        }
        self.label_name()
    }

    fn ty(&mut self) -> Option<Type> {
        let ty = [
            (&b"i32"[..], Type::I32),
            (b"i64", Type::I64),
            (b"f32", Type::F32),
            (b"f64", Type::F64),
            (b"ptr", Type::Ptr),
        ]
        .into_iter()
        .find(|(name, _)| self.s[self.pos..].starts_with(name))?;
        if self.at(self.pos + 3).is_some_and(ident_char) {
            return None;
        }
        self.pos += 3;
        Some(ty.1)
    }

    fn data_ty(&mut self) -> Option<Tk> {
        let start = self.pos;
        let name = [&b"i8"[..], b"i16", b"i32", b"i64", b"f32", b"f64"]
            .into_iter()
            .find(|name| self.s[start..].starts_with(name))?;
        if self.at(start + name.len()).is_some_and(ident_char) {
            return None;
        }
        self.pos += name.len();
        Some(Tk::new(start, self.pos))
    }

    fn hex_run(&mut self) -> bool {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
            self.pos += 1;
        }
        self.pos > start
    }

    fn digit_run(&mut self) -> bool {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// `number`: `-`? then the first of hex, nan, inf, decimal that
    /// matches, then no identifier character.
    fn number(&mut self) -> Option<Tk> {
        let start = self.pos;
        let r = self.number_inner(start);
        if r.is_none() {
            self.pos = start;
        }
        r
    }

    fn number_inner(&mut self, start: usize) -> Option<Tk> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let body = self.pos;
        let rest = &self.s[body..];
        if rest.starts_with(b"0x") && self.at(body + 2).is_some_and(|b| b.is_ascii_hexdigit()) {
            self.pos += 2;
            self.hex_run();
        } else if rest.starts_with(b"nan") {
            self.pos += 3;
            if self.s[self.pos..].starts_with(b":0x")
                && self.at(self.pos + 3).is_some_and(|b| b.is_ascii_hexdigit())
            {
                self.pos += 3;
                self.hex_run();
            }
        } else if rest.starts_with(b"inf") {
            self.pos += 3;
        } else {
            if !self.digit_run() {
                return None;
            }
            if self.peek() == Some(b'.') {
                self.pos += 1;
                self.digit_run();
            }
            if matches!(self.peek(), Some(b'e' | b'E')) {
                let before = self.pos;
                self.pos += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
                if !self.digit_run() {
                    self.pos = before;
                }
            }
        }
        if self.peek().is_some_and(ident_char) {
            return None;
        }
        Some(Tk::new(start, self.pos))
    }

    fn string(&mut self) -> Option<Tk> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return None;
        }
        self.pos += 1;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Some(Tk::new(start, self.pos));
                }
                Some(b'\\') if !matches!(self.at(self.pos + 1), None | Some(b'\n' | b'\r')) => {
                    self.pos += 2;
                }
                Some(b'\\' | b'\n' | b'\r') | None => {
                    self.pos = start;
                    return None;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Runs `f`; on failure, the position is restored (as every pest rule does).
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.pos;
        let r = f(self);
        if r.is_none() {
            self.pos = start;
        }
        r
    }

    /// `x ~ (comma ~ x)*` (the first element already skipped to): the
    /// elements, the position after the last one, or after the skip
    /// that follows it when there is only one.
    fn list<T>(&mut self, mut x: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut items = vec![x(self)?];
        self.skip();
        // First repetition: no skip before it (the sequence did it).
        if let Some(item) = self.attempt(|p| {
            p.punct(b',')?;
            p.skip();
            x(p)
        }) {
            items.push(item);
            while let Some(item) = self.attempt(|p| {
                p.skip();
                p.punct(b',')?;
                p.skip();
                x(p)
            }) {
                items.push(item);
            }
        }
        Some(items)
    }

    /// `(x ~ (comma ~ x)*)?`.
    fn opt_list<T>(&mut self, x: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        self.attempt(|p| p.list(x)).unwrap_or_default()
    }

    // ---------------------------------------------------------- the file

    fn file(&mut self) -> Option<Vec<Item>> {
        let mut items = Vec::new();
        self.skip();
        // (item? ~ nl)*, then item? ~ EOI.
        let mut first = true;
        loop {
            let start = self.pos;
            if !first {
                self.skip();
            }
            let item = self.attempt(|p| p.item());
            self.skip();
            if self.nl().is_some() {
                items.extend(item);
                first = false;
                continue;
            }
            // The repetition ends here: back to its end, then `item? ~ EOI`.
            self.pos = start;
            self.skip();
            let item = self.attempt(|p| p.item());
            self.skip();
            if self.pos != self.s.len() {
                return None;
            }
            items.extend(item);
            return Some(items);
        }
    }

    fn item(&mut self) -> Option<Item> {
        if self.is_kw(b"extern") {
            return self
                .attempt(|p| p.extern_global())
                .or_else(|| self.attempt(|p| p.extern_data()))
                .or_else(|| self.attempt(|p| p.extern_fn()));
        }
        if self.is_kw(b"memory") {
            return self
                .attempt(|p| p.shared_memory())
                .or_else(|| self.attempt(|p| p.memory_def()));
        }
        self.attempt(|p| p.global())
            .or_else(|| self.attempt(|p| p.data()))
            .or_else(|| self.attempt(|p| p.func()))
    }

    fn shared_memory(&mut self) -> Option<Item> {
        let start = self.pos;
        self.kw(b"memory")?;
        self.skip();
        self.kw(b"shared")?;
        Some(Item::SharedMemory(Tk::new(start, self.pos)))
    }

    fn memory_def(&mut self) -> Option<Item> {
        let start = self.pos;
        self.kw(b"memory")?;
        self.skip();
        let name = self.symbol()?;
        self.skip();
        let ty_start = self.pos;
        let index = self.ty().map(|_| Tk::new(ty_start, self.pos));
        self.skip();
        let pages = self.number()?;
        self.skip();
        let max = self.attempt(|p| {
            p.kw(b"max")?;
            p.skip();
            p.number()
        });
        Some(Item::Memory {
            span: Tk::new(start, self.pos),
            name,
            index,
            pages,
            max,
        })
    }

    /// `kw_pub?` and the skip after it.
    fn public(&mut self) -> bool {
        let public = self.kw(b"pub").is_some();
        self.skip();
        public
    }

    fn global(&mut self) -> Option<Item> {
        let start = self.pos;
        let public = self.public();
        self.kw(b"global")?;
        self.skip();
        let mutable = self.kw(b"mut").is_some();
        self.skip();
        let name = self.symbol()?;
        self.skip();
        self.punct(b':')?;
        self.skip();
        let ty = self.ty()?;
        self.skip();
        self.punct(b'=')?;
        self.skip();
        let init = self.init()?;
        Some(Item::Global {
            span: Tk::new(start, self.pos),
            public,
            mutable,
            name,
            ty,
            init,
        })
    }

    fn init(&mut self) -> Option<Init> {
        if let Some(n) = self.number() {
            return Some(Init::Number(n));
        }
        let symbol = self.symbol()?;
        self.skip();
        Some(Init::Symbol(symbol, self.plus_number()))
    }

    /// `(plus ~ number)?`
    fn plus_number(&mut self) -> Option<Tk> {
        self.attempt(|p| {
            p.punct(b'+')?;
            p.skip();
            p.number()
        })
    }

    fn data(&mut self) -> Option<Item> {
        let start = self.pos;
        let public = self.public();
        self.kw(b"data")?;
        self.skip();
        let name = self.symbol()?;
        self.skip();
        let readonly = self.kw(b"const").is_some();
        self.skip();
        let memory = self.attempt(|p| {
            p.kw(b"in")?;
            p.skip();
            p.symbol()
        });
        self.skip();
        let align = self.attempt(|p| {
            p.kw(b"align")?;
            p.skip();
            p.number()
        });
        self.skip();
        self.punct(b'=')?;
        self.skip();
        let items = self.opt_list(|p| p.data_item());
        Some(Item::Data {
            span: Tk::new(start, self.pos),
            public,
            name,
            readonly,
            memory,
            align,
            items,
        })
    }

    fn data_item(&mut self) -> Option<DItem> {
        if let Some(s) = self.string() {
            return Some(DItem::Str(s));
        }
        if let Some(item) = self.attempt(|p| {
            let ty = p.data_ty()?;
            p.skip();
            Some(DItem::Scalar(ty, p.number()?))
        }) {
            return Some(item);
        }
        if let Some(item) = self.attempt(|p| {
            p.kw(b"zero")?;
            p.skip();
            Some(DItem::Zero(p.number()?))
        }) {
            return Some(item);
        }
        self.attempt(|p| {
            p.kw(b"ptr")?;
            p.skip();
            if let Some(symbol) = p.attempt(|p| {
                let symbol = p.symbol()?;
                p.skip();
                Some(symbol)
            }) {
                return Some(DItem::PtrSym(symbol, p.plus_number()));
            }
            Some(DItem::PtrNum(p.number()?))
        })
    }

    fn extern_global(&mut self) -> Option<Item> {
        let start = self.pos;
        self.kw(b"extern")?;
        self.skip();
        self.kw(b"global")?;
        self.skip();
        let mutable = self.kw(b"mut").is_some();
        self.skip();
        let name = self.symbol()?;
        self.skip();
        self.punct(b':')?;
        self.skip();
        let ty = self.ty()?;
        Some(Item::ExternGlobal {
            span: Tk::new(start, self.pos),
            mutable,
            name,
            ty,
        })
    }

    fn extern_data(&mut self) -> Option<Item> {
        let start = self.pos;
        self.kw(b"extern")?;
        self.skip();
        self.kw(b"data")?;
        self.skip();
        let name = self.symbol()?;
        Some(Item::ExternData {
            span: Tk::new(start, self.pos),
            name,
        })
    }

    fn extern_fn(&mut self) -> Option<Item> {
        let start = self.pos;
        self.kw(b"extern")?;
        self.skip();
        self.kw(b"fn")?;
        self.skip();
        let name = self.symbol()?;
        self.skip();
        let params = self.type_list()?;
        let mut header_end = self.pos;
        self.skip();
        let results = match self.attempt(|p| p.results()) {
            Some(r) => {
                header_end = self.pos;
                r
            }
            None => Vec::new(),
        };
        self.skip();
        let from = self.attempt(|p| {
            p.kw(b"from")?;
            p.skip();
            let module = p.string()?;
            p.skip();
            Some((module, p.string()?))
        });
        if let Some((_, name)) = from {
            header_end = name.end as usize;
        }
        Some(Item::ExternFn {
            header: Tk::new(start, header_end),
            name,
            params,
            results,
            from,
        })
    }

    fn type_list(&mut self) -> Option<Vec<Type>> {
        self.punct(b'(')?;
        self.skip();
        let types = self.opt_list(|p| p.ty());
        self.skip();
        self.punct(b')')?;
        Some(types)
    }

    fn results(&mut self) -> Option<Vec<Type>> {
        self.punct(b'-')?;
        self.punct(b'>')?;
        self.skip();
        if let Some(ty) = self.ty() {
            return Some(vec![ty]);
        }
        self.type_list()
    }

    fn params(&mut self) -> Option<Vec<Param>> {
        self.punct(b'(')?;
        self.skip();
        let params = self.opt_list(|p| p.param());
        self.skip();
        self.punct(b')')?;
        Some(params)
    }

    fn param(&mut self) -> Option<Param> {
        let name = self.value()?;
        self.skip();
        self.punct(b':')?;
        self.skip();
        let ty = self.ty()?;
        Some(Param { name, ty })
    }

    fn func(&mut self) -> Option<Item> {
        let start = self.pos;
        let public = self.public();
        self.kw(b"fn")?;
        self.skip();
        let name = self.symbol()?;
        self.skip();
        let params = self.params()?;
        let mut header_end = self.pos;
        self.skip();
        let results = match self.attempt(|p| p.results()) {
            Some(r) => {
                header_end = self.pos;
                r
            }
            None => Vec::new(),
        };
        self.skip();
        self.punct(b'{')?;
        self.skip();
        let lines = self.pos;
        let close = self.closing_brace()?;
        self.pos = close + 1;
        Some(Item::Func {
            header: Tk::new(start, header_end),
            public,
            name,
            params,
            results,
            body: Body { lines, close },
        })
    }

    /// The first `}` outside a comment from here: the end of a function
    /// body, whose lines hold no string or brace. Only a guess until
    /// [`P::body_lines`] reads the lines and ends there.
    fn closing_brace(&self) -> Option<usize> {
        let mut p = P {
            s: self.s,
            pos: self.pos,
        };
        loop {
            match p.peek()? {
                b'}' => return Some(p.pos),
                // A comment, to the end of its line.
                b';' => p.skip(),
                _ => p.pos += 1,
            }
        }
    }

    /// `(body_line? ~ nl)*` from `body.lines`, which must end, after a skip,
    /// at `body.close`.
    fn body_lines(&mut self, body: Body) -> Option<Vec<Line>> {
        self.pos = body.lines;
        let mut lines = Vec::new();
        let mut first = true;
        loop {
            let before = self.pos;
            let line = self.attempt(|p| {
                if !first {
                    p.skip();
                }
                let line = p.attempt(|p| p.body_line());
                p.skip();
                p.nl()?;
                Some(line)
            });
            match line {
                Some(line) => {
                    lines.extend(line);
                    first = false;
                }
                None => {
                    self.pos = before;
                    break;
                }
            }
        }
        self.skip();
        (self.pos == body.close).then_some(lines)
    }

    // ------------------------------------------------------- body lines

    fn body_line(&mut self) -> Option<Line> {
        let start = self.pos;
        let first = self.peek()?;
        if first == b'v' || first == b's' {
            if let Some(line) = self.attempt(|p| p.var_decl(start)) {
                return Some(line);
            }
            if let Some(line) = self.attempt(|p| p.slot_decl(start)) {
                return Some(line);
            }
        }
        if first.is_ascii_alphabetic() || first == b'_' {
            if let Some(line) = self.attempt(|p| p.label(start)) {
                return Some(line);
            }
            if let Some(term) = self.attempt(|p| p.terminator()) {
                return Some(Line::Term(Tk::new(start, self.pos), term));
            }
        }
        self.attempt(|p| p.inst(start))
    }

    fn var_decl(&mut self, start: usize) -> Option<Line> {
        self.kw(b"var")?;
        self.skip();
        let name = self.local()?;
        self.skip();
        self.punct(b':')?;
        self.skip();
        let ty = self.ty()?;
        Some(Line::Var(Tk::new(start, self.pos), name, ty))
    }

    fn slot_decl(&mut self, start: usize) -> Option<Line> {
        self.kw(b"slot")?;
        self.skip();
        let name = self.local()?;
        self.skip();
        self.punct(b':')?;
        self.skip();
        let size = self.number()?;
        self.skip();
        let align = self.attempt(|p| {
            p.kw(b"align")?;
            p.skip();
            p.number()
        });
        Some(Line::Slot(Tk::new(start, self.pos), name, size, align))
    }

    fn label(&mut self, start: usize) -> Option<Line> {
        let name = self.label_name()?;
        self.skip();
        let params = self.attempt(|p| p.params()).unwrap_or_default();
        self.skip();
        self.punct(b':')?;
        Some(Line::Label(Tk::new(start, self.pos), name, params))
    }

    fn terminator(&mut self) -> Option<Term> {
        if self.kw(b"jump").is_some() {
            self.skip();
            return Some(Term::Jump(self.edge()?));
        }
        if self.kw(b"brif").is_some() {
            self.skip();
            let cond = self.value()?;
            self.skip();
            self.punct(b',')?;
            self.skip();
            let then_edge = self.edge()?;
            self.skip();
            self.punct(b',')?;
            self.skip();
            let else_edge = self.edge()?;
            return Some(Term::Brif(cond, then_edge, else_edge));
        }
        if self.kw(b"switch").is_some() {
            self.skip();
            let index = self.value()?;
            self.skip();
            self.punct(b',')?;
            self.skip();
            self.punct(b'[')?;
            self.skip();
            let cases = self.attempt(|p| p.list(|p| p.case()));
            let targets = match cases {
                Some(_) => Vec::new(),
                None => self.opt_list(|p| p.edge()),
            };
            self.skip();
            self.punct(b']')?;
            self.skip();
            self.punct(b',')?;
            self.skip();
            let default = self.edge()?;
            return Some(match cases {
                Some(cases) => Term::Cases(index, cases, default),
                None => Term::Switch(index, targets, default),
            });
        }
        if self.kw(b"return").is_some() {
            self.skip();
            return Some(Term::Ret(self.opt_list(|p| p.value())));
        }
        self.kw(b"unreachable")?;
        Some(Term::Unreachable)
    }

    /// `case`: a number, `:`, an edge.
    fn case(&mut self) -> Option<(Tk, Edg)> {
        let value = self.number()?;
        self.skip();
        self.punct(b':')?;
        self.skip();
        Some((value, self.edge()?))
    }

    fn edge(&mut self) -> Option<Edg> {
        let label = self.label_name()?;
        self.skip();
        let args = self.attempt(|p| p.args()).unwrap_or_default();
        Some(Edg { label, args })
    }

    fn args(&mut self) -> Option<Vec<Tk>> {
        self.punct(b'(')?;
        self.skip();
        let values = self.opt_list(|p| p.value());
        self.skip();
        self.punct(b')')?;
        Some(values)
    }

    fn inst(&mut self, start: usize) -> Option<Line> {
        let defs = self
            .attempt(|p| {
                let values = p.list(|p| p.value())?;
                p.skip();
                p.punct(b'=')?;
                Some(values)
            })
            .unwrap_or_default();
        self.skip();
        let op = if let Some(op) = self.attempt(|p| p.call()) {
            op
        } else if let Some(op) = self.attempt(|p| p.call_indirect()) {
            op
        } else {
            self.attempt(|p| p.generic())?
        };
        Some(Line::Inst(Tk::new(start, self.pos), defs, op))
    }

    fn call(&mut self) -> Option<OpSyn> {
        self.kw(b"call")?;
        self.skip();
        let symbol = self.symbol()?;
        self.skip();
        Some(OpSyn::Call(symbol, self.args()?))
    }

    fn call_indirect(&mut self) -> Option<OpSyn> {
        self.kw(b"call_indirect")?;
        self.skip();
        let callee = self.value()?;
        self.skip();
        let args = self.args()?;
        self.skip();
        self.punct(b':')?;
        self.skip();
        let params = self.type_list()?;
        self.skip();
        let results = self.attempt(|p| p.results()).unwrap_or_default();
        Some(OpSyn::CallIndirect(callee, args, params, results))
    }

    fn generic(&mut self) -> Option<OpSyn> {
        let mnemonic = self.mnemonic()?;
        self.skip();
        let operands = self.opt_list(|p| p.operand());
        self.skip();
        let offset = self.attempt(|p| {
            p.kw(b"offset")?;
            p.skip();
            p.punct(b'=')?;
            p.skip();
            p.number()
        });
        Some(OpSyn::Generic(mnemonic, operands, offset))
    }

    fn operand(&mut self) -> Option<(Arg, Tk)> {
        if let Some(v) = self.value() {
            return Some((Arg::Value, v));
        }
        if let Some(s) = self.symbol() {
            return Some((Arg::Symbol, s));
        }
        if let Some(l) = self.local() {
            return Some((Arg::Local, l));
        }
        if let Some(n) = self.number() {
            return Some((Arg::Literal, n));
        }
        self.word().map(|w| (Arg::Word, w))
    }
}

// ---------------------------------------------------------------- building

/// Any error: the pest path will say which.
struct GiveUp;

impl From<Diagnostic> for GiveUp {
    fn from(_: Diagnostic) -> GiveUp {
        GiveUp
    }
}

type BResult<T> = Result<T, GiveUp>;

fn some<T>(o: Option<T>) -> BResult<T> {
    o.ok_or(GiveUp)
}

/// The module the items build, through the builder the pest path uses too.
fn build(text: &str, items: &[Item]) -> BResult<Module> {
    let mut module = Module::default();
    let mut symbols = Symbols::with_capacity(items.len());
    // Every symbol is declared first, as the pest path does.
    let mut decls = Vec::with_capacity(items.len());
    for item in items {
        if let Item::SharedMemory(span) = item {
            declare_shared_memory(&mut module, span.span())?;
            continue;
        }
        let (name, symbol) = declare(text, &mut module, item)?;
        symbols.declare(name.tok(text), symbol)?;
        decls.push(symbol);
    }
    // Function bodies only read the declarations: they are built last, on
    // several threads for a large module, and put back in order.
    let mut funcs = Vec::new();
    let with_symbols = items
        .iter()
        .filter(|item| !matches!(item, Item::SharedMemory(_)));
    for (item, decl) in with_symbols.zip(decls) {
        match (item, decl) {
            (Item::Func { params, body, .. }, Symbol::Func(id)) => funcs.push((id, params, *body)),
            _ => define(text, &mut module, &symbols, decl, item)?,
        }
    }
    let built = crate::parallel::map(&funcs, |&(id, params, body)| {
        let mut p = P {
            s: text.as_bytes(),
            pos: 0,
        };
        let lines = some(p.body_lines(body))?;
        let shell = module.func(id).clone();
        let body = BodyBuilder::new(&module, &symbols, shell);
        FuncBuilder { text, body }.build(params, &lines)
    });
    for ((id, ..), func) in funcs.iter().zip(built) {
        module.funcs[id.index()] = func?;
    }
    Ok(module)
}

fn declare(text: &str, module: &mut Module, item: &Item) -> BResult<(Tk, Symbol)> {
    let vis = |public: bool| match public {
        true => Visibility::Public,
        false => Visibility::Private,
    };
    Ok(match item {
        // Marks the module; `build` handles it before declaring symbols.
        Item::SharedMemory(_) => return Err(GiveUp),
        Item::Memory {
            span,
            name,
            index,
            pages,
            max,
        } => {
            let tok = |t: &Tk| t.tok(text);
            let memory = memory_def(
                tok(name),
                index.as_ref().map(tok),
                tok(pages),
                max.as_ref().map(tok),
                span.span(),
            )?;
            (*name, Symbol::Memory(module.add_memory(memory)))
        }
        Item::Global {
            span,
            public,
            mutable,
            name,
            ty,
            ..
        } => {
            let id = add_global(text, module, *span, *mutable, *name, *ty, vis(*public));
            (*name, Symbol::Global(id))
        }
        Item::ExternGlobal {
            span,
            mutable,
            name,
            ty,
        } => {
            let extern_ = Visibility::Extern;
            let id = add_global(text, module, *span, *mutable, *name, *ty, extern_);
            (*name, Symbol::Global(id))
        }
        Item::Data {
            span,
            public,
            name,
            align,
            readonly,
            ..
        } => {
            let align = match align {
                Some(a) => align_literal(a.tok(text))?,
                None => 1,
            };
            let id = add_data(text, module, *span, *name, align, vis(*public));
            module.data[id.index()].readonly = *readonly;
            (*name, Symbol::Data(id))
        }
        Item::ExternData { span, name } => {
            let id = add_data(text, module, *span, *name, 1, Visibility::Extern);
            (*name, Symbol::Data(id))
        }
        Item::ExternFn {
            header,
            name,
            params,
            results,
            from,
        } => {
            let linkage = match from {
                None => Linkage::Import {
                    module: "env".into(),
                    name: name.tok(text).name().to_string(),
                },
                Some((m, n)) => Linkage::Import {
                    module: import_name(m.tok(text))?,
                    name: import_name(n.tok(text))?,
                },
            };
            let sig = Signature {
                params: params.clone(),
                results: results.clone(),
            };
            let mut func = Function::new(name.tok(text).name(), sig, linkage);
            func.span = header.span();
            (*name, Symbol::Func(module.add_function(func)))
        }
        Item::Func {
            header,
            public,
            name,
            params,
            results,
            ..
        } => {
            let sig = Signature {
                params: params.iter().map(|p| p.ty).collect(),
                results: results.clone(),
            };
            let linkage = match public {
                true => Linkage::Public,
                false => Linkage::Private,
            };
            let mut func = Function::new(name.tok(text).name(), sig, linkage);
            func.span = header.span();
            (*name, Symbol::Func(module.add_function(func)))
        }
    })
}

fn add_global(
    text: &str,
    module: &mut Module,
    span: Tk,
    mutable: bool,
    name: Tk,
    ty: Type,
    vis: Visibility,
) -> GlobalId {
    let id = module.add_global(Global {
        name: name.tok(text).name().to_string(),
        ty,
        mutable,
        init: GlobalInit::Const(Const::zero(ty)),
        span: span.span(),
    });
    module.set_global_vis(id, vis);
    id
}

fn add_data(
    text: &str,
    module: &mut Module,
    span: Tk,
    name: Tk,
    align: u32,
    vis: Visibility,
) -> DataId {
    let id = module.add_data(Data {
        name: name.tok(text).name().to_string(),
        align,
        readonly: false,
        items: Vec::new(),
        span: span.span(),
    });
    module.set_data_vis(id, vis);
    id
}

fn define(
    text: &str,
    module: &mut Module,
    symbols: &Symbols,
    decl: Symbol,
    item: &Item,
) -> BResult<()> {
    match (item, decl) {
        (Item::Global { ty, init, .. }, Symbol::Global(id)) => {
            let value = match init {
                Init::Number(n) => symbols.global_init(*ty, Some(n.tok(text)), None),
                Init::Symbol(s, offset) => {
                    let address = (s.tok(text), offset.map(|o| o.tok(text)));
                    symbols.global_init(*ty, None, Some(address))
                }
            };
            module.globals[id.index()].init = value?;
        }
        (Item::Data { items, memory, .. }, Symbol::Data(id)) => {
            if let Some(mem) = memory {
                let mem = symbols.memory(mem.tok(text))?;
                module.data_memory.insert(id, mem);
            }
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(data_item(text, symbols, item)?);
            }
            module.data[id.index()].items = out;
        }
        (Item::ExternGlobal { .. } | Item::ExternData { .. } | Item::ExternFn { .. }, _) => {}
        (Item::Memory { .. }, _) => {}
        _ => return Err(GiveUp),
    }
    Ok(())
}

fn data_item(text: &str, symbols: &Symbols, item: &DItem) -> BResult<DataItem> {
    Ok(match item {
        DItem::Str(s) => DataItem::Bytes(unescape(s.tok(text))?),
        DItem::Zero(n) => DataItem::Zero(u64_literal(n.tok(text), "a byte count")?),
        DItem::Scalar(ty, n) => DataItem::Scalar(scalar_item(ty.tok(text).text, n.tok(text))?),
        DItem::PtrNum(n) => DataItem::Ptr(u64_literal(n.tok(text), "a pointer-sized integer")?),
        DItem::PtrSym(s, offset) => {
            let name = s.tok(text);
            let address = symbols.address_of(name, offset.map(|o| o.tok(text)))?;
            pointer_item(address, name.span)?
        }
    })
}

/// Hands one function's lines to the [`BodyBuilder`] twice: declarations,
/// then uses, as the pest path does.
struct FuncBuilder<'a, 'm> {
    text: &'a str,
    body: BodyBuilder<'a, 'm>,
}

impl<'a> FuncBuilder<'a, '_> {
    fn tok(&self, t: Tk) -> Tok<'a> {
        t.tok(self.text)
    }

    fn toks<'t>(&self, ts: &'t [Tk]) -> impl Iterator<Item = Tok<'a>> + use<'a, 't> {
        let text = self.text;
        ts.iter().map(move |t| t.tok(text))
    }

    fn build(mut self, params: &[Param], lines: &[Line]) -> BResult<Function> {
        let (mut labels, mut values) = (0, params.len());
        for line in lines {
            match line {
                Line::Label(_, _, ps) => {
                    labels += 1;
                    values += ps.len();
                }
                Line::Inst(_, defs, _) => values += defs.len(),
                _ => {}
            }
        }
        self.body.reserve(values, labels);
        for param in params {
            self.body.param(self.tok(param.name), param.ty)?;
        }
        // Pass 1: declarations; `owner[i]` is the block of line i.
        let mut owner: Vec<(BlockId, Vec<ValueId>)> = Vec::with_capacity(lines.len());
        for line in lines {
            // A declaration has no block; this one is never read.
            let none = (BlockId::new(FuncId(0), 0), Vec::new());
            owner.push(match line {
                Line::Var(span, name, ty) => {
                    self.body.var(span.span(), self.tok(*name), *ty)?;
                    none
                }
                Line::Slot(span, name, size, align) => {
                    let align = align.map(|a| self.tok(a));
                    let (name, size) = (self.tok(*name), self.tok(*size));
                    self.body.slot(span.span(), name, size, align)?;
                    none
                }
                Line::Label(span, name, params) => {
                    let block = self.body.block(span.span(), self.tok(*name))?;
                    for param in params {
                        self.body
                            .block_param(block, self.tok(param.name), param.ty)?;
                    }
                    (block, Vec::new())
                }
                Line::Term(span, _) => (self.body.declare_terminator(span.span())?, Vec::new()),
                Line::Inst(span, defs, _) => {
                    self.body.declare_inst(span.span(), self.toks(defs))?
                }
            });
        }
        // Pass 2: uses.
        for (line, (block, results)) in lines.iter().zip(owner) {
            match line {
                Line::Term(span, term) => {
                    let term = self.terminator(term)?;
                    self.body.terminate(block, term, span.span());
                }
                Line::Inst(span, _, op) => {
                    let op = self.op(op)?;
                    let line = span.span();
                    // The error is pest's to word; its span and text do not matter here.
                    self.body
                        .inst(block, op, results, line, line, String::new)?;
                }
                Line::Var(..) | Line::Slot(..) | Line::Label(..) => {}
            }
        }
        Ok(self.body.finish())
    }

    fn edge(&self, e: &Edg) -> BResult<Edge> {
        Ok(self.body.edge(self.tok(e.label), self.toks(&e.args))?)
    }

    fn terminator(&self, term: &Term) -> BResult<Terminator> {
        Ok(match term {
            Term::Jump(e) => Terminator::Jump(self.edge(e)?),
            Term::Brif(cond, t, e) => Terminator::BrIf {
                cond: self.body.value(self.tok(*cond))?,
                then_edge: self.edge(t)?,
                else_edge: self.edge(e)?,
            },
            Term::Switch(index, targets, default) => Terminator::Switch {
                index: self.body.value(self.tok(*index))?,
                targets: targets
                    .iter()
                    .map(|e| self.edge(e))
                    .collect::<BResult<_>>()?,
                default: self.edge(default)?,
            },
            Term::Cases(value, cases, default) => Terminator::Cases {
                value: self.body.value(self.tok(*value))?,
                cases: cases
                    .iter()
                    .map(|(value, edge)| {
                        let value = int_literal(self.tok(*value), 64, true, "a case value")?;
                        Ok(Case {
                            value,
                            edge: self.edge(edge)?,
                        })
                    })
                    .collect::<BResult<_>>()?,
                default: self.edge(default)?,
            },
            Term::Ret(values) => Terminator::Return(self.body.values(self.toks(values))?),
            Term::Unreachable => Terminator::Unreachable,
        })
    }

    fn op(&self, op: &OpSyn) -> BResult<Op> {
        Ok(match op {
            OpSyn::Call(symbol, args) => self.body.call(self.tok(*symbol), self.toks(args))?,
            OpSyn::CallIndirect(callee, args, params, results) => {
                let sig = || {
                    Ok(Signature {
                        params: params.clone(),
                        results: results.clone(),
                    })
                };
                self.body
                    .call_indirect(self.tok(*callee), self.toks(args), sig)?
            }
            OpSyn::Generic(mnemonic, operands, offset) => {
                // No instruction takes more than five operands (three,
                // after `memory.copy`'s two memories): more is an error, for
                // pest to report.
                let mut buf = [(Arg::Word, self.tok(*mnemonic)); 5];
                if operands.len() > buf.len() {
                    return Err(GiveUp);
                }
                for (slot, &(arg, t)) in buf.iter_mut().zip(operands) {
                    *slot = (arg, self.tok(t));
                }
                let offset = offset.map(|o| (o.span(), self.tok(o)));
                let operands = &buf[..operands.len()];
                self.body.generic(self.tok(*mnemonic), operands, offset)?
            }
        })
    }
}
