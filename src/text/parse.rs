//! The `.vir` parser: text to a [`Module`] whose names are all resolved.
//!
//! It works in three steps, so that a name may be used before its definition:
//! 1. the pest grammar (`grammar/vitte-ir.pest`) checks the syntax;
//! 2. every module symbol is declared: globals, data and function signatures;
//! 3. initialisers, data items and function bodies are built. In a function,
//!    labels, locals and values are all declared before any use is resolved,
//!    so a value may be used above its definition (on a back edge).
//!
//! Steps 2 and 3 are the builder's (`build.rs`), which the fast path
//! (`fast.rs`) shares: this file walks pest's tree and hands it tokens.
//!
//! Operand types are not checked here (the verifier does it): the parser
//! rejects only what the IR cannot represent: unknown names, duplicates,
//! unknown mnemonics, literals out of range, wrong numbers of result names.
//! Every error is a [`Diagnostic`] located at the offending token.

use super::build::{Arg, BodyBuilder, Symbol, Symbols, declare_shared_memory, memory_def};
use super::fast;
use super::token::{
    PResult, Tok, align_literal, import_name, int_literal, internal, pointer_item, scalar_item,
    u64_literal, unescape,
};
use crate::diag::{Diagnostic, SourceFile, Span};
use crate::ir::{
    BlockId, Case, Const, Data, DataId, DataItem, Edge, FuncId, Function, Global, GlobalId,
    GlobalInit, Linkage, MemId, Module, Op, Signature, Terminator, Type, ValueId, Visibility,
};
use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use std::sync::Arc;

/// Private, so that the grammar's `Rule` enum stays out of the public API.
mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/vitte-ir.pest"]
    pub struct VirParser;
}

use grammar::{Rule, VirParser};

type Node<'a> = Pair<'a, Rule>;

/// Parses a `.vir` file into a module (names resolved, not yet verified).
/// The module keeps `file` as its source; an error points into it.
pub fn parse_module(file: &Arc<SourceFile>) -> Result<Module, Diagnostic> {
    let mut module = parse_text(&file.text).map_err(|d| d.with_file(Some(file)))?;
    module.source = Some(file.clone());
    Ok(module)
}

/// Parses `text` as if read from a file called `name`: for tests and tools.
pub fn parse_str(name: &str, text: &str) -> Result<Module, Diagnostic> {
    parse_module(&SourceFile::new(name, text))
}

/// The fast path when it succeeds, else pest (which says what is wrong).
fn parse_text(text: &str) -> PResult<Module> {
    match fast::parse(text) {
        Some(module) => Ok(module),
        None => parse_text_pest(text),
    }
}

/// Only the pest path (the reference grammar), without the fast path: for
/// tests that compare the two.
#[doc(hidden)]
pub fn parse_str_reference(name: &str, text: &str) -> Result<Module, Diagnostic> {
    let file = SourceFile::new(name, text);
    let mut module = parse_text_pest(&file.text).map_err(|d| d.with_file(Some(&file)))?;
    module.source = Some(file);
    Ok(module)
}

/// Only the fast path: `None` where it gives up (then pest would be asked).
#[doc(hidden)]
pub fn parse_str_fast(name: &str, text: &str) -> Option<Module> {
    let file = SourceFile::new(name, text);
    let mut module = fast::parse(&file.text)?;
    module.source = Some(file);
    Some(module)
}

/// [`parse_str_fast`] with the text's items read in up to `chunks` pieces
/// at once, as the fast path does for a large text (for tests: the result
/// must not depend on the pieces).
#[doc(hidden)]
pub fn parse_str_fast_in_chunks(name: &str, text: &str, chunks: usize) -> Option<Module> {
    let file = SourceFile::new(name, text);
    let mut module = fast::parse_in_chunks(&file.text, chunks)?;
    module.source = Some(file);
    Some(module)
}

fn parse_text_pest(text: &str) -> PResult<Module> {
    let items: Vec<Node> = VirParser::parse(Rule::file, text)
        .map_err(|e| syntax_error(text, &e))?
        .filter(|p| p.as_rule() == Rule::item)
        .filter_map(|item| item.into_inner().next())
        .collect();
    let mut builder = ModuleBuilder::default();
    // `memory shared` declares no symbol: it only marks the module.
    let (memory, items): (Vec<Node>, Vec<Node>) = items
        .into_iter()
        .partition(|item| item.as_rule() == Rule::memory_decl);
    for decl in &memory {
        declare_shared_memory(&mut builder.module, span_of(decl))?;
    }
    let decls = items
        .iter()
        .map(|item| builder.declare(item))
        .collect::<PResult<Vec<_>>>()?;
    for (item, decl) in items.iter().zip(decls) {
        builder.define(item, decl)?;
    }
    Ok(builder.module)
}

// ------------------------------------------------------------------ tokens

impl<'a> Tok<'a> {
    fn of(node: &Node<'a>) -> Tok<'a> {
        Tok {
            text: node.as_str(),
            span: span_of(node),
        }
    }
}

fn span_of(node: &Node) -> Span {
    let s = node.as_span();
    Span::new(s.start(), s.end())
}

fn children<'a>(node: &Node<'a>, rule: Rule) -> impl Iterator<Item = Node<'a>> + use<'a> {
    node.clone()
        .into_inner()
        .filter(move |c| c.as_rule() == rule)
}

fn opt_child<'a>(node: &Node<'a>, rule: Rule) -> Option<Node<'a>> {
    children(node, rule).next()
}

fn child<'a>(node: &Node<'a>, rule: Rule) -> PResult<Node<'a>> {
    opt_child(node, rule).ok_or_else(|| internal(span_of(node)))
}

fn first<'a>(node: &Node<'a>) -> PResult<Node<'a>> {
    node.clone()
        .into_inner()
        .next()
        .ok_or_else(|| internal(span_of(node)))
}

fn tok<'a>(node: &Node<'a>, rule: Rule) -> PResult<Tok<'a>> {
    child(node, rule).map(|c| Tok::of(&c))
}

fn parse_type(node: &Node) -> PResult<Type> {
    Type::from_name(node.as_str()).ok_or_else(|| internal(span_of(node)))
}

fn types_of(node: &Node) -> PResult<Vec<Type>> {
    children(node, Rule::ty).map(|t| parse_type(&t)).collect()
}

/// The types after `->`: one type or a parenthesised list.
fn result_list(results: Option<Node>) -> PResult<Vec<Type>> {
    let Some(results) = results else {
        return Ok(Vec::new());
    };
    match opt_child(&results, Rule::type_list) {
        Some(list) => types_of(&list),
        None => types_of(&results),
    }
}

// ---------------------------------------------------------- syntax errors

/// Turns pest's "expected one of these rules" into a readable sentence.
fn syntax_error(text: &str, err: &pest::error::Error<Rule>) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((p, _)) => p,
    };
    let span = Span::new(pos, token_end(text, pos));
    if unterminated_string_at(text, pos) {
        return Diagnostic::new("unterminated string", span);
    }
    let message = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => expected(positives, found(text, pos)),
        ErrorVariant::CustomError { message } => message.clone(),
    };
    Diagnostic::new(message, span)
}

fn expected(positives: &[Rule], found: String) -> String {
    // A blank line is always allowed where a line may start: don't say so.
    let line_start = positives.contains(&Rule::item) || positives.contains(&Rule::body_line);
    let mut rules: Vec<Rule> = positives
        .iter()
        .copied()
        .filter(|r| !(line_start && matches!(r, Rule::nl | Rule::EOI)))
        .collect();
    rules.sort_by_key(|r| match r {
        Rule::rbrace => 1,
        Rule::nl => 2,
        Rule::EOI => 3,
        _ => 0,
    });
    let mut phrases: Vec<String> = Vec::new();
    for phrase in rules.into_iter().flat_map(describe) {
        if !phrases.contains(&phrase) {
            phrases.push(phrase);
        }
    }
    match phrases.split_last() {
        None => format!("unexpected {found}"),
        Some((last, [])) => format!("expected {last}, found {found}"),
        Some((last, rest)) => format!("expected {} or {last}, found {found}", rest.join(", ")),
    }
}

fn describe(rule: Rule) -> Vec<String> {
    let text = match rule {
        Rule::item => "a declaration (`global`, `data`, `fn`, `pub fn` or `extern fn`)",
        Rule::body_line => {
            let phrases = ["an instruction", "a terminator", "a block label"];
            return phrases.map(String::from).to_vec();
        }
        Rule::nl => "end of line",
        Rule::EOI => "end of file",
        Rule::symbol => "a symbol `@name`",
        Rule::value => "a value `%name`",
        Rule::local => "a variable or slot `$name`",
        Rule::label_name | Rule::edge | Rule::word => "a block label",
        Rule::mnemonic | Rule::inst | Rule::generic => "an instruction",
        Rule::kw_call | Rule::kw_call_indirect => "an instruction",
        Rule::ty => "a type (`i32`, `i64`, `f32`, `f64` or `ptr`)",
        Rule::data_ty => "a scalar type (`i8`, `i16`, `i32`, `i64`, `f32` or `f64`)",
        Rule::number => "a number",
        Rule::string => "a string",
        Rule::init => "an initial value (a literal, `@data` or `@func`)",
        Rule::data_item => "a data item (a string, `i32 1`, `zero 8`, `ptr 8` or `ptr @symbol`)",
        Rule::operand => "an operand",
        Rule::kw_offset => "`offset=`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::equals => "`=`",
        Rule::arrow => "`->`",
        Rule::plus => "`+`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        other => {
            let name = format!("{other:?}");
            return vec![match name.strip_prefix("kw_") {
                Some(keyword) => format!("`{keyword}`"),
                None => name.replace('_', " "),
            }];
        }
    };
    vec![text.to_string()]
}

/// How the text at `pos` is named in a message.
fn found(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    if rest.is_empty() {
        return "end of file".into();
    }
    if rest.starts_with(['\n', '\r']) {
        return "end of line".into();
    }
    let token = &text[pos..token_end(text, pos)];
    let shown: String = token.chars().take(40).collect();
    format!("`{}`", shown.escape_debug())
}

/// The end of the token starting at `pos`: a word (with its sigil or sign),
/// a string up to its closing quote or the end of its line, or one character.
fn token_end(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or("");
    let mut chars = rest.char_indices();
    let Some((_, c)) = chars.next() else {
        return pos;
    };
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    if c == '"' {
        return pos + string_end(rest).unwrap_or_else(|| line_len(rest));
    }
    if c == '\n' || c == '\r' {
        return pos;
    }
    if !(word(c) || matches!(c, '@' | '%' | '$' | '-')) {
        return pos + c.len_utf8();
    }
    let len = chars
        .find(|&(_, c)| !word(c))
        .map_or(rest.len(), |(i, _)| i);
    pos + len
}

fn line_len(text: &str) -> usize {
    text.find(['\n', '\r']).unwrap_or(text.len())
}

/// The length of the string literal `text` starts with, closing quote
/// included, or `None` when it does not end on its line.
fn string_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            '\n' | '\r' => return None,
            '"' if !escaped => return Some(i + 1),
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    None
}

fn unterminated_string_at(text: &str, pos: usize) -> bool {
    let rest = text.get(pos..).unwrap_or("");
    rest.starts_with('"') && string_end(rest).is_none()
}

/// The kind of a generic instruction's operand.
fn arg_kind(rule: Rule) -> Arg {
    match rule {
        Rule::symbol => Arg::Symbol,
        Rule::local => Arg::Local,
        Rule::number => Arg::Literal,
        Rule::word => Arg::Word,
        _ => Arg::Value,
    }
}

// ------------------------------------------------------------ the module

/// What an item declared, so that `define` finds it again.
#[derive(Clone, Copy)]
enum Decl {
    Global(GlobalId),
    Data(DataId),
    Func(FuncId),
    Memory(MemId),
}

#[derive(Default)]
struct ModuleBuilder<'a> {
    module: Module,
    symbols: Symbols<'a>,
}

impl<'a> ModuleBuilder<'a> {
    /// Declares an item's symbol; its contents wait for `define`.
    fn declare(&mut self, item: &Node<'a>) -> PResult<Decl> {
        let decl = match item.as_rule() {
            Rule::global | Rule::extern_global => Decl::Global(self.declare_global(item)?),
            Rule::data | Rule::extern_data => Decl::Data(self.declare_data(item)?),
            Rule::extern_fn | Rule::func => Decl::Func(self.declare_func(item)?),
            Rule::memory_def => Decl::Memory(self.declare_memory(item)?),
            _ => return Err(internal(span_of(item))),
        };
        let symbol = match decl {
            Decl::Global(g) => Symbol::Global(g),
            Decl::Data(d) => Symbol::Data(d),
            Decl::Func(f) => Symbol::Func(f),
            Decl::Memory(m) => Symbol::Memory(m),
        };
        self.symbols.declare(tok(item, Rule::symbol)?, symbol)?;
        Ok(decl)
    }

    /// `memory @name [TYPE] PAGES [max MAX]`.
    fn declare_memory(&mut self, item: &Node<'a>) -> PResult<MemId> {
        let index = opt_child(item, Rule::ty).map(|t| Tok::of(&t));
        let mut numbers = children(item, Rule::number).map(|n| Tok::of(&n));
        let pages = numbers.next().ok_or_else(|| internal(span_of(item)))?;
        let max = numbers.next();
        let name = tok(item, Rule::symbol)?;
        let memory = memory_def(name, index, pages, max, span_of(item))?;
        Ok(self.module.add_memory(memory))
    }

    fn declare_global(&mut self, item: &Node<'a>) -> PResult<GlobalId> {
        let ty = parse_type(&child(item, Rule::ty)?)?;
        let id = self.module.add_global(Global {
            name: tok(item, Rule::symbol)?.name().to_string(),
            ty,
            mutable: opt_child(item, Rule::kw_mut).is_some(),
            init: GlobalInit::Const(Const::zero(ty)),
            span: span_of(item),
        });
        self.module.set_global_vis(id, visibility(item));
        Ok(id)
    }

    fn declare_data(&mut self, item: &Node<'a>) -> PResult<DataId> {
        // The only number directly in `data` is the alignment.
        let align = match opt_child(item, Rule::number) {
            Some(n) => align_literal(Tok::of(&n))?,
            None => 1,
        };
        let id = self.module.add_data(Data {
            name: tok(item, Rule::symbol)?.name().to_string(),
            align,
            readonly: opt_child(item, Rule::kw_const).is_some(),
            items: Vec::new(),
            span: span_of(item),
        });
        self.module.set_data_vis(id, visibility(item));
        Ok(id)
    }

    fn declare_func(&mut self, item: &Node<'a>) -> PResult<FuncId> {
        let results = result_list(opt_child(item, Rule::results))?;
        let (params, linkage) = if item.as_rule() == Rule::extern_fn {
            (types_of(&child(item, Rule::type_list)?)?, import(item)?)
        } else {
            let params = children(&child(item, Rule::params)?, Rule::param)
                .map(|p| parse_type(&child(&p, Rule::ty)?))
                .collect::<PResult<Vec<_>>>()?;
            let linkage = match opt_child(item, Rule::kw_pub) {
                Some(_) => Linkage::Public,
                None => Linkage::Private,
            };
            (params, linkage)
        };
        let name = tok(item, Rule::symbol)?.name();
        let mut func = Function::new(name, Signature { params, results }, linkage);
        func.span = header_span(item);
        Ok(self.module.add_function(func))
    }

    fn define(&mut self, item: &Node<'a>, decl: Decl) -> PResult<()> {
        match decl {
            // An extern declaration has no contents: the linker supplies them.
            _ if matches!(item.as_rule(), Rule::extern_global | Rule::extern_data) => {}
            Decl::Global(id) => {
                let ty = self.module.global(id).ty;
                self.module.globals[id.index()].init = self.global_init(item, ty)?;
            }
            Decl::Data(id) => {
                if let Some(mem) = children(item, Rule::symbol).nth(1) {
                    let mem = self.symbols.memory(Tok::of(&mem))?;
                    self.module.data_memory.insert(id, mem);
                }
                self.module.data[id.index()].items = children(item, Rule::data_item)
                    .map(|i| self.data_item(&i))
                    .collect::<PResult<_>>()?;
            }
            Decl::Func(id) if item.as_rule() == Rule::func => {
                let shell = self.module.func(id).clone();
                let body = BodyBuilder::new(&self.module, &self.symbols, shell);
                let func = FuncBuilder { body }.build(item)?;
                self.module.funcs[id.index()] = func;
            }
            Decl::Func(_) | Decl::Memory(_) => {}
        }
        Ok(())
    }

    fn global_init(&self, item: &Node<'a>, ty: Type) -> PResult<GlobalInit> {
        let init = child(item, Rule::init)?;
        let address = opt_child(&init, Rule::symbol).map(|symbol| {
            let offset = opt_child(&init, Rule::number).map(|n| Tok::of(&n));
            (Tok::of(&symbol), offset)
        });
        let literal = match address {
            Some(_) => None,
            None => Some(Tok::of(&child(&init, Rule::number)?)),
        };
        self.symbols.global_init(ty, literal, address)
    }

    fn data_item(&self, item: &Node<'a>) -> PResult<DataItem> {
        let inner = first(item)?;
        match inner.as_rule() {
            Rule::string => Ok(DataItem::Bytes(unescape(Tok::of(&inner))?)),
            Rule::zero_item => {
                let count = tok(&inner, Rule::number)?;
                Ok(DataItem::Zero(u64_literal(count, "a byte count")?))
            }
            Rule::scalar_item => {
                let ty = child(&inner, Rule::data_ty)?.as_str();
                scalar_item(ty, tok(&inner, Rule::number)?).map(DataItem::Scalar)
            }
            Rule::ptr_item if opt_child(&inner, Rule::symbol).is_none() => {
                let value = tok(&inner, Rule::number)?;
                Ok(DataItem::Ptr(u64_literal(
                    value,
                    "a pointer-sized integer",
                )?))
            }
            Rule::ptr_item => {
                let name = tok(&inner, Rule::symbol)?;
                let offset = opt_child(&inner, Rule::number).map(|n| Tok::of(&n));
                pointer_item(self.symbols.address_of(name, offset)?, name.span)
            }
            _ => Err(internal(span_of(&inner))),
        }
    }
}

/// How a global or data item is seen from other modules.
fn visibility(item: &Node) -> Visibility {
    match item.as_rule() {
        Rule::extern_global | Rule::extern_data => Visibility::Extern,
        _ if opt_child(item, Rule::kw_pub).is_some() => Visibility::Public,
        _ => Visibility::Private,
    }
}

/// An `extern fn`'s import names; without `from`, "env" and the symbol's name.
fn import(item: &Node) -> PResult<Linkage> {
    if opt_child(item, Rule::kw_from).is_none() {
        return Ok(Linkage::Import {
            module: "env".into(),
            name: tok(item, Rule::symbol)?.name().to_string(),
        });
    }
    let mut names = children(item, Rule::string).map(|s| import_name(Tok::of(&s)));
    let span = span_of(item);
    let module = names.next().ok_or_else(|| internal(span))??;
    let name = names.next().ok_or_else(|| internal(span))??;
    Ok(Linkage::Import { module, name })
}

/// A function's span: its header, up to the end of the signature or import.
fn header_span(item: &Node) -> Span {
    let start = item.as_span().start();
    let end = item
        .clone()
        .into_inner()
        .take_while(|c| c.as_rule() != Rule::lbrace)
        .last()
        .map_or(item.as_span().end(), |c| c.as_span().end());
    Span::new(start, end)
}

// --------------------------------------------------------- function bodies

/// An instruction or terminator waiting for its uses to be resolved.
struct Pending<'a> {
    block: BlockId,
    line: Node<'a>,
    results: Vec<ValueId>,
}

/// Walks one function's syntax tree twice for the [`BodyBuilder`]:
/// declarations, then uses.
struct FuncBuilder<'a, 'm> {
    body: BodyBuilder<'a, 'm>,
}

impl<'a> FuncBuilder<'a, '_> {
    fn build(mut self, item: &Node<'a>) -> PResult<Function> {
        for param in children(&child(item, Rule::params)?, Rule::param) {
            let ty = parse_type(&child(&param, Rule::ty)?)?;
            self.body.param(tok(&param, Rule::value)?, ty)?;
        }
        let mut pending = Vec::new();
        for line in children(item, Rule::body_line) {
            if let Some(p) = self.declare_line(first(&line)?)? {
                pending.push(p);
            }
        }
        for p in pending {
            self.resolve(p)?;
        }
        Ok(self.body.finish())
    }

    // ---- pass 1: declarations

    fn declare_line(&mut self, line: Node<'a>) -> PResult<Option<Pending<'a>>> {
        let span = span_of(&line);
        match line.as_rule() {
            Rule::var_decl => {
                let name = tok(&line, Rule::local)?;
                let ty = parse_type(&child(&line, Rule::ty)?)?;
                self.body.var(span, name, ty)?;
            }
            Rule::slot_decl => {
                let name = tok(&line, Rule::local)?;
                let mut numbers = children(&line, Rule::number).map(|n| Tok::of(&n));
                let size = numbers.next().ok_or_else(|| internal(span))?;
                self.body.slot(span, name, size, numbers.next())?;
            }
            Rule::label => {
                let block = self.body.block(span, tok(&line, Rule::label_name)?)?;
                if let Some(params) = opt_child(&line, Rule::params) {
                    for param in children(&params, Rule::param) {
                        let ty = parse_type(&child(&param, Rule::ty)?)?;
                        self.body
                            .block_param(block, tok(&param, Rule::value)?, ty)?;
                    }
                }
            }
            Rule::terminator => {
                let block = self.body.declare_terminator(span)?;
                return Ok(Some(Pending {
                    block,
                    line,
                    results: Vec::new(),
                }));
            }
            Rule::inst => {
                let defs = match opt_child(&line, Rule::defs) {
                    Some(defs) => children(&defs, Rule::value).map(|v| Tok::of(&v)).collect(),
                    None => Vec::new(),
                };
                let (block, results) = self.body.declare_inst(span, defs)?;
                return Ok(Some(Pending {
                    block,
                    line,
                    results,
                }));
            }
            _ => return Err(internal(span)),
        }
        Ok(None)
    }

    // ---- pass 2: uses

    fn resolve(&mut self, pending: Pending<'a>) -> PResult<()> {
        let span = span_of(&pending.line);
        if pending.line.as_rule() == Rule::terminator {
            let term = self.terminator(&first(&pending.line)?)?;
            self.body.terminate(pending.block, term, span);
            return Ok(());
        }
        let line = &pending.line;
        let node = line
            .clone()
            .into_inner()
            .find(|c| c.as_rule() != Rule::defs)
            .ok_or_else(|| internal(span))?;
        let op = match node.as_rule() {
            Rule::call => self.body.call(tok(&node, Rule::symbol)?, args(&node))?,
            Rule::call_indirect => {
                let sig = || {
                    Ok(Signature {
                        params: types_of(&child(&node, Rule::type_list)?)?,
                        results: result_list(opt_child(&node, Rule::results))?,
                    })
                };
                self.body
                    .call_indirect(tok(&node, Rule::value)?, args(&node), sig)?
            }
            _ => self.generic(&node)?,
        };
        let what = || match node.as_rule() {
            Rule::call => format!("call {}", tok(&node, Rule::symbol).map_or("", |t| t.text)),
            Rule::call_indirect => "call_indirect".to_string(),
            _ => tok(&node, Rule::mnemonic)
                .map_or("", |t| t.text)
                .to_string(),
        };
        let syntax = span_of(&node);
        self.body
            .inst(pending.block, op, pending.results, span, syntax, what)
    }

    fn generic(&self, node: &Node<'a>) -> PResult<Op> {
        let mnemonic = tok(node, Rule::mnemonic)?;
        let operands = children(node, Rule::operand)
            .map(|o| first(&o).map(|o| (arg_kind(o.as_rule()), Tok::of(&o))))
            .collect::<PResult<Vec<_>>>()?;
        let offset = match opt_child(node, Rule::offset) {
            Some(o) => Some((span_of(&o), tok(&o, Rule::number)?)),
            None => None,
        };
        self.body.generic(mnemonic, &operands, offset)
    }

    fn terminator(&self, node: &Node<'a>) -> PResult<Terminator> {
        let span = span_of(node);
        let edges = || {
            children(node, Rule::edge)
                .map(|e| self.body.edge(tok(&e, Rule::label_name)?, args(&e)))
                .collect::<PResult<Vec<_>>>()
        };
        match node.as_rule() {
            Rule::jump => {
                let [edge] = <[Edge; 1]>::try_from(edges()?).map_err(|_| internal(span))?;
                Ok(Terminator::Jump(edge))
            }
            Rule::brif => {
                let cond = self.body.value(tok(node, Rule::value)?)?;
                let [then_edge, else_edge] =
                    <[Edge; 2]>::try_from(edges()?).map_err(|_| internal(span))?;
                Ok(Terminator::BrIf {
                    cond,
                    then_edge,
                    else_edge,
                })
            }
            Rule::switch => {
                let index = self.body.value(tok(node, Rule::value)?)?;
                let mut targets = edges()?;
                let default = targets.pop().ok_or_else(|| internal(span))?;
                let Some(cases) = opt_child(node, Rule::cases) else {
                    return Ok(Terminator::Switch {
                        index,
                        targets,
                        default,
                    });
                };
                let cases = children(&cases, Rule::case)
                    .map(|case| {
                        let value =
                            int_literal(tok(&case, Rule::number)?, 64, true, "a case value")?;
                        let edge = child(&case, Rule::edge)?;
                        let edge = self.body.edge(tok(&edge, Rule::label_name)?, args(&edge))?;
                        Ok(Case { value, edge })
                    })
                    .collect::<PResult<Vec<_>>>()?;
                Ok(Terminator::Cases {
                    value: index,
                    cases,
                    default,
                })
            }
            Rule::ret => {
                let values = children(node, Rule::value).map(|v| Tok::of(&v));
                Ok(Terminator::Return(self.body.values(values)?))
            }
            Rule::unreachable => Ok(Terminator::Unreachable),
            _ => Err(internal(span)),
        }
    }
}

/// The values in the `(...)` of a call or an edge; none without one.
fn args<'a>(node: &Node<'a>) -> Vec<Tok<'a>> {
    match opt_child(node, Rule::args) {
        Some(args) => children(&args, Rule::value).map(|v| Tok::of(&v)).collect(),
        None => Vec::new(),
    }
}
