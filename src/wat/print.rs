//! The deterministic WAT printer.
//!
//! The output is meant to be read in a pull-request diff: one module field or
//! one instruction per line, two spaces per nesting level, fields in the
//! binary's section order, no trailing spaces, and no choice left to chance
//! (no hash-map iteration, floats in their shortest exact form). Feeding the
//! text to the `wat` crate gives exactly the module the AST describes.

use super::{
    Align, BlockType, Data, Elem, Export, ExportKind, Func, FuncType, Global, Import, ImportDesc,
    IndexType, Instr, MemArg, Memory, Module, Origin, Table, TypeDef, TypeUse, ValType,
};
use crate::text::float::{format_f32, format_f64};

/// Data segments longer than this many bytes are split into one string per
/// line of this many bytes, so that a change shows as a small diff.
const DATA_CHUNK: usize = 32;

/// What the printer writes beyond the module itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrintOptions {
    /// Binaryen's `;;@ file:line:col` line before an instruction whose
    /// [`Instr::Origin`] differs from the last one written, and above a
    /// function for its [`Func::def`] (`-g`). Off, the text has no source
    /// positions, so a golden file changes only where the code does.
    pub locations: bool,
}

/// Prints a module as WAT text, ending with a newline.
pub fn print_module(module: &Module) -> String {
    print_module_with(module, PrintOptions::default())
}

/// [`print_module`] with options; the bytes the text assembles to do not
/// depend on them.
pub fn print_module_with(module: &Module, options: PrintOptions) -> String {
    let mut p = Printer {
        options,
        ..Printer::default()
    };
    p.module(module);
    p.out
}

#[derive(Default)]
struct Printer {
    out: String,
    indent: usize,
    options: PrintOptions,
    /// The origin of the instructions to come, and the last one written.
    pending: Option<Origin>,
    written: Option<Origin>,
}

impl Printer {
    /// Writes one line at the current indentation.
    fn line(&mut self, text: &str) {
        self.start_line();
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// The current indentation, at the start of a line.
    fn start_line(&mut self) {
        const SPACES: &str = "                                                                ";
        let mut n = 2 * self.indent;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.out.push_str(&SPACES[..k]);
            n -= k;
        }
    }

    /// `;; text` lines; each line of a multi-line text gets its own `;;`,
    /// since a line break (`\n` or `\r`) would otherwise end the comment.
    fn comment(&mut self, text: &str) {
        let text = comment_text(text).replace("\r\n", "\n");
        for part in text.split(['\n', '\r']) {
            let part = part.trim_end();
            if part.is_empty() {
                self.line(";;");
            } else {
                self.line(&format!(";; {part}"));
            }
        }
    }

    fn module(&mut self, m: &Module) {
        match &m.name {
            Some(name) => self.line(&format!("(module {}", id(name))),
            None => self.line("(module"),
        }
        self.indent += 1;
        m.types.iter().for_each(|t| self.line(&type_def(t)));
        m.imports.iter().for_each(|i| self.line(&import(i)));
        m.tables.iter().for_each(|t| self.line(&table(t)));
        m.memories.iter().for_each(|mem| self.line(&memory(mem)));
        m.globals.iter().for_each(|g| self.global(g));
        m.exports.iter().for_each(|e| self.line(&export(e)));
        if let Some(start) = &m.start {
            self.line(&format!("(start {})", id(start)));
        }
        m.elems.iter().for_each(|e| self.line(&elem(e)));
        m.funcs.iter().for_each(|f| self.func(f));
        m.datas.iter().for_each(|d| self.data(d));
        self.indent -= 1;
        self.line(")");
    }

    fn global(&mut self, g: &Global) {
        if let Some(c) = &g.comment {
            self.comment(c);
        }
        let ty = if g.mutable {
            format!("(mut {})", g.ty.name())
        } else {
            g.ty.name().to_string()
        };
        self.line(&format!(
            "(global {} {ty} {})",
            id(&g.id),
            const_expr(&g.init)
        ));
    }

    fn func(&mut self, f: &Func) {
        if let Some(c) = &f.comment {
            self.comment(c);
        }
        if let Some(def) = &f.def {
            self.pending = Some(def.clone());
            self.origin();
        }
        if self.options.locations {
            // The lowering keeps only names that print on one line as they are.
            f.vars.iter().for_each(|v| self.line(&format!(";; {v}")));
        }
        self.line(&format!("(func {}{}", id(&f.id), type_use(&f.ty, true)));
        self.indent += 1;
        for local in &f.locals {
            self.line(&format!("(local {} {})", id(&local.id), local.ty.name()));
        }
        (self.pending, self.written) = (None, None);
        self.instrs(&f.body);
        self.indent -= 1;
        self.line(")");
    }

    fn data(&mut self, d: &Data) {
        if let Some(c) = &d.comment {
            self.comment(c);
        }
        let head = match d.offset.is_empty() {
            // Passive: no memory, no offset.
            true => format!("(data {}", id(&d.id)),
            false => format!(
                "(data {} (memory {}) {}",
                id(&d.id),
                id(&d.memory),
                offset_expr(&d.offset)
            ),
        };
        if d.bytes.len() <= DATA_CHUNK {
            self.line(&format!("{head} {})", string(&d.bytes)));
            return;
        }
        self.line(&head);
        self.indent += 1;
        let chunks: Vec<String> = d.bytes.chunks(DATA_CHUNK).map(string).collect();
        let last = chunks.len() - 1;
        for (i, chunk) in chunks.iter().enumerate() {
            let close = if i == last { ")" } else { "" };
            self.line(&format!("{chunk}{close}"));
        }
        self.indent -= 1;
    }

    fn instrs(&mut self, body: &[Instr]) {
        body.iter().for_each(|i| self.instr(i));
    }

    /// A structured instruction's body, one level deeper.
    fn nested(&mut self, body: &[Instr]) {
        self.indent += 1;
        crate::stack::ensure_stack(|| self.instrs(body));
        self.indent -= 1;
    }

    /// `;;@ file:line:col` before an instruction, when locations are on and
    /// its origin is not the last one written.
    fn origin(&mut self) {
        let Some(origin) = self.pending.take() else {
            return;
        };
        if self.options.locations && self.written.as_ref() != Some(&origin) {
            let text = comment_text(&origin.annotation()).replace(['\n', '\r'], " ");
            self.line(&format!(";;@ {text}"));
            self.written = Some(origin);
        }
    }

    /// `else` or `end`, an operator too: the origin of the body's last
    /// marker goes before it, as [`super::operator_origins`] gives it.
    fn end_line(&mut self, keyword: &str) {
        self.origin();
        self.line(keyword);
    }

    /// `block $label (result i32)`, `loop $label`, `if`.
    fn block_head(&mut self, instr: &Instr, label: &str, ty: &BlockType) {
        self.origin();
        self.line(&format!(
            "{}{}{}",
            instr.mnemonic(),
            label_def(label),
            block_type(ty)
        ));
    }

    fn instr(&mut self, instr: &Instr) {
        match instr {
            Instr::Block { label, ty, body } | Instr::Loop { label, ty, body } => {
                self.block_head(instr, label, ty);
                self.nested(body);
                self.end_line("end");
            }
            Instr::If {
                label,
                ty,
                then_body,
                else_body,
            } => {
                self.block_head(instr, label, ty);
                self.nested(then_body);
                if !else_body.is_empty() {
                    self.end_line("else");
                    self.nested(else_body);
                }
                self.end_line("end");
            }
            Instr::Comment(text) => self.comment(text),
            Instr::Origin(origin) => self.pending = Some(origin.clone()),
            flat => {
                self.origin();
                self.start_line();
                write_flat(&mut self.out, flat);
                self.out.push('\n');
            }
        }
    }
}

/// Appends the one-line text of an instruction without a body: its
/// mnemonic, then its immediates.
fn write_flat(out: &mut String, instr: &Instr) {
    use std::fmt::Write as _;
    out.push_str(instr.mnemonic());
    match instr {
        Instr::Br(x)
        | Instr::BrIf(x)
        | Instr::Call(x)
        | Instr::LocalGet(x)
        | Instr::LocalSet(x)
        | Instr::LocalTee(x)
        | Instr::GlobalGet(x)
        | Instr::GlobalSet(x) => {
            out.push(' ');
            push_id(out, x);
        }
        Instr::BrTable { labels, default } => {
            for l in labels.iter().chain([default]) {
                out.push(' ');
                push_id(out, l);
            }
        }
        Instr::CallIndirect { table, ty } => {
            out.push(' ');
            push_id(out, table);
            out.push_str(&type_use(ty, false));
        }
        Instr::I32Const(v) => {
            let _ = write!(out, " {v}");
        }
        Instr::I64Const(v) => {
            let _ = write!(out, " {v}");
        }
        Instr::F32Const(bits) => {
            out.push(' ');
            out.push_str(&format_f32(*bits));
        }
        Instr::F64Const(bits) => {
            out.push(' ');
            out.push_str(&format_f64(*bits));
        }
        Instr::Load { kind, memarg } => mem_arg(out, memarg, kind.natural_align()),
        Instr::Store { kind, memarg } => mem_arg(out, memarg, kind.natural_align()),
        Instr::Atomic { kind, memarg } => mem_arg(out, memarg, kind.natural_align()),
        Instr::MemoryCopy {
            memories: Some((dst, src)),
        } => {
            out.push(' ');
            push_id(out, dst);
            out.push(' ');
            push_id(out, src);
        }
        Instr::MemoryInit(segment) | Instr::DataDrop(segment) => {
            out.push(' ');
            push_id(out, segment);
        }
        Instr::MemorySize(Some(mem))
        | Instr::MemoryGrow(Some(mem))
        | Instr::MemoryFill(Some(mem)) => {
            out.push(' ');
            push_id(out, mem);
        }
        Instr::Return
        | Instr::Unreachable
        | Instr::Nop
        | Instr::Drop
        | Instr::Select
        | Instr::IntUnary { .. }
        | Instr::FloatUnary { .. }
        | Instr::IntBinary { .. }
        | Instr::FloatBinary { .. }
        | Instr::IntCompare { .. }
        | Instr::FloatCompare { .. }
        | Instr::Convert(_)
        | Instr::MemorySize(None)
        | Instr::MemoryGrow(None)
        | Instr::MemoryCopy { memories: None }
        | Instr::AtomicFence
        | Instr::MemoryFill(None) => {}
        // Printed over several lines by `Printer::instr`, or folded by
        // `folded`; never flat.
        Instr::Block { .. }
        | Instr::Loop { .. }
        | Instr::If { .. }
        | Instr::Comment(_)
        | Instr::Origin(_) => {
            unreachable!("`{}` is not a flat instruction", instr.mnemonic())
        }
    }
}

/// What [`id`] returns, appended.
fn push_id(out: &mut String, name: &str) {
    if !name.is_empty() && name.bytes().all(is_idchar) {
        out.push('$');
        out.push_str(name);
    } else {
        out.push_str(&id(name));
    }
}

/// ` $mem offset=8 align=1` after a load or store, leaving out the
/// defaults: memory 0, offset 0 and the natural alignment.
fn mem_arg(out: &mut String, memarg: &MemArg, natural: Align) {
    use std::fmt::Write as _;
    if let Some(m) = &memarg.memory {
        out.push(' ');
        push_id(out, m);
    }
    if memarg.offset != 0 {
        let _ = write!(out, " offset={}", memarg.offset);
    }
    if let Some(align) = memarg.align
        && align != natural
    {
        let _ = write!(out, " align={}", align.bytes());
    }
}

/// An instruction in folded form, `(i64.const 1)`, for constant expressions
/// that sit on the line of their global, element or data segment.
fn folded(instr: &Instr) -> String {
    match instr {
        Instr::Block { label, ty, body } | Instr::Loop { label, ty, body } => format!(
            "({}{}{}{})",
            instr.mnemonic(),
            label_def(label),
            block_type(ty),
            folded_seq(body)
        ),
        Instr::If {
            label,
            ty,
            then_body,
            else_body,
        } => format!(
            "({}{}{} (then{}) (else{}))",
            instr.mnemonic(),
            label_def(label),
            block_type(ty),
            folded_seq(then_body),
            folded_seq(else_body)
        ),
        // Block comments nest, so neither delimiter may appear inside.
        Instr::Comment(text) => format!(
            "(; {} ;)",
            comment_text(text).replace("(;", "( ;").replace(";)", "; )")
        ),
        Instr::Origin(origin) => format!(
            "(;@ {} ;)",
            comment_text(&origin.annotation())
                .replace("(;", "( ;")
                .replace(";)", "; )")
        ),
        flat => {
            let mut text = String::from("(");
            write_flat(&mut text, flat);
            text.push(')');
            text
        }
    }
}

/// ` (a) (b)`: each instruction folded, each preceded by a space; origins
/// (which a constant expression never has) left out.
fn folded_seq(body: &[Instr]) -> String {
    body.iter()
        .filter(|i| !matches!(i, Instr::Origin(_)))
        .map(|i| format!(" {}", folded(i)))
        .collect()
}

/// A constant expression on one line: `(i64.const 16)`.
fn const_expr(expr: &[Instr]) -> String {
    folded_seq(expr).trim_start().to_string()
}

/// The offset of a segment: one folded instruction is its own abbreviation,
/// several need the `(offset ...)` wrapper.
fn offset_expr(expr: &[Instr]) -> String {
    match expr {
        [one] if !matches!(one, Instr::Comment(_) | Instr::Origin(_)) => folded(one),
        _ => format!("(offset{})", folded_seq(expr)),
    }
}

fn type_def(t: &TypeDef) -> String {
    format!("(type {} (func{}))", id(&t.id), func_type(&t.ty))
}

/// ` (param i32 i64) (result i32)`, empty parts left out.
fn func_type(ty: &FuncType) -> String {
    format!(
        "{}{}",
        types_clause("param", &ty.params),
        types_clause("result", &ty.results)
    )
}

fn block_type(ty: &BlockType) -> String {
    format!(
        "{}{}",
        types_clause("param", &ty.params),
        types_clause("result", &ty.results)
    )
}

/// ` (param i32 i64)`, or nothing when there are no types.
fn types_clause(keyword: &str, types: &[ValType]) -> String {
    if types.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
    format!(" ({keyword} {})", names.join(" "))
}

/// ` (type $t0) (param $n i32) (result i32)`. Named parameters get one clause
/// each (the text format allows one name per clause); runs of anonymous ones
/// share a clause. `call_indirect` may not name its parameters, so
/// `with_names` is false there.
fn type_use(ty: &TypeUse, with_names: bool) -> String {
    let mut text = String::new();
    if let Some(t) = &ty.type_id {
        text.push_str(&format!(" (type {})", id(t)));
    }
    let mut anonymous = Vec::new();
    for (name, vt) in &ty.params {
        match name.as_ref().filter(|_| with_names) {
            Some(name) => {
                text.push_str(&types_clause("param", &std::mem::take(&mut anonymous)));
                text.push_str(&format!(" (param {} {})", id(name), vt.name()));
            }
            None => anonymous.push(*vt),
        }
    }
    text.push_str(&types_clause("param", &anonymous));
    text.push_str(&types_clause("result", &ty.results));
    text
}

fn import(i: &Import) -> String {
    let desc = match &i.desc {
        ImportDesc::Func { id: f, ty } => format!("(func {}{})", id(f), type_use(ty, true)),
        ImportDesc::Memory(m) => memory(m),
    };
    format!(
        "(import {} {} {desc})",
        string(i.module.as_bytes()),
        string(i.name.as_bytes())
    )
}

fn index_type(t: IndexType) -> &'static str {
    match t {
        IndexType::I32 => "",
        IndexType::I64 => " i64",
    }
}

/// ` 3 16`, or ` 3` without a maximum.
fn limits(min: u64, max: Option<u64>) -> String {
    match max {
        Some(max) => format!(" {min} {max}"),
        None => format!(" {min}"),
    }
}

fn table(t: &Table) -> String {
    format!(
        "(table {}{}{} funcref)",
        id(&t.id),
        index_type(t.index_type),
        limits(t.min, t.max)
    )
}

fn memory(m: &Memory) -> String {
    format!(
        "(memory {}{}{}{})",
        id(&m.id),
        index_type(m.index_type),
        limits(m.min, m.max),
        if m.shared { " shared" } else { "" }
    )
}

fn export(e: &Export) -> String {
    let kind = match e.kind {
        ExportKind::Func => "func",
        ExportKind::Table => "table",
        ExportKind::Memory => "memory",
        ExportKind::Global => "global",
    };
    format!(
        "(export {} ({kind} {}))",
        string(e.name.as_bytes()),
        id(&e.id)
    )
}

fn elem(e: &Elem) -> String {
    let funcs: String = e.funcs.iter().map(|f| format!(" {}", id(f))).collect();
    format!(
        "(elem {} (table {}) {} func{funcs})",
        id(&e.id),
        id(&e.table),
        offset_expr(&e.offset)
    )
}

/// Comment text with the bidirectional-override characters escaped as
/// `\u{202e}`: the assembler rejects them in comments (they can make code
/// read differently from what it is).
fn comment_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// ` $label` after `block`/`loop`/`if`; an empty label means an unlabeled
/// block (the text format has no empty ids).
fn label_def(label: &str) -> String {
    if label.is_empty() {
        String::new()
    } else {
        format!(" {}", id(label))
    }
}

/// Whether `b` may appear in a bare `$name` (the text format's idchar).
fn is_idchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-./:<=>?@\\^_`|~".contains(&b)
}

/// `$name`, or `$"name"` when the name has characters a bare id cannot hold
/// (wast 254 reads such string ids). An empty name prints as `$""`, which
/// the assembler rejects with a located "empty identifier" error.
fn id(name: &str) -> String {
    if !name.is_empty() && name.bytes().all(is_idchar) {
        format!("${name}")
    } else {
        format!("${}", string(name.as_bytes()))
    }
}

/// A quoted string: printable ASCII as is, everything else (and `"`, `\`)
/// as `\hh`.
fn string(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() + 2);
    text.push('"');
    for &b in bytes {
        if (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\' {
            text.push(b as char);
        } else {
            text.push_str(&format!("\\{b:02x}"));
        }
    }
    text.push('"');
    text
}
