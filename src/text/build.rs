//! The builder both parsers share: it resolves names and maps mnemonics to
//! operators, so that the fast path and the pest path cannot disagree on
//! what a text means. Each parser reads its syntax its own way and hands
//! the builder tokens ([`Tok`]: a text and its span); the builder declares
//! names, then resolves them, and says what is wrong in the words of every
//! error message (the fast path drops the message and lets pest, the
//! reference, report the same error).
//!
//! Module symbols (globals, data, functions) share one namespace and are
//! all declared before any is used; in a function body, labels, locals and
//! values are all declared ([`BodyBuilder`]'s first pass) before any use is
//! resolved (its second), so a value may be used above its definition (on a
//! back edge).

use super::token::{PResult, Tok, align_literal, const_literal, internal, u64_literal};
use crate::diag::{Diagnostic, Span};
use crate::fxhash::{FxHashMap, ShortKey};
use crate::ir::{
    AtomicOp, BinaryOp, Block, BlockId, CmpOp, ConvOp, DataId, Edge, FuncId, Function, GlobalId,
    GlobalInit, Inst, MemAccess, MemId, Memory, Module, Op, Signature, Slot, SlotId, Type, UnaryOp,
    ValueDef, ValueId, Var, VarId,
};
use std::sync::LazyLock;

// ------------------------------------------------------------- mnemonics

/// What a generic instruction's mnemonic stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Mnemonic {
    Const(Type),
    Unary(UnaryOp, Type),
    Binary(BinaryOp, Type),
    Compare(CmpOp, Type),
    Convert(ConvOp),
    Select(Type),
    Load(MemAccess),
    Store(MemAccess),
    Atomic(AtomicOp, MemAccess),
    AtomicFence,
    SlotAddr,
    DataAddr,
    FuncAddr,
    MemorySize,
    MemoryGrow,
    StackAlloc,
    StackSave,
    StackRestore,
    MemoryCopy,
    MemoryFill,
    GlobalGet,
    GlobalSet,
    VarGet,
    VarSet,
}

/// Built once from the opcode tables of `ir/ops.rs`, so that the parser
/// accepts exactly the mnemonics the printer writes.
pub(super) static MNEMONICS: LazyLock<FxHashMap<String, Mnemonic>> = LazyLock::new(mnemonic_table);

fn mnemonic_table() -> FxHashMap<String, Mnemonic> {
    let mut table = FxHashMap::default();
    for ty in Type::ALL {
        table.insert(format!("{ty}.const"), Mnemonic::Const(ty));
        table.insert(format!("{ty}.select"), Mnemonic::Select(ty));
        for &op in UnaryOp::ALL.iter().filter(|op| op.accepts(ty)) {
            table.insert(format!("{ty}.{}", op.name()), Mnemonic::Unary(op, ty));
        }
        for &op in BinaryOp::ALL.iter().filter(|op| op.accepts(ty)) {
            table.insert(format!("{ty}.{}", op.name()), Mnemonic::Binary(op, ty));
        }
        for &op in CmpOp::ALL.iter().filter(|op| op.accepts(ty)) {
            table.insert(format!("{ty}.{}", op.name()), Mnemonic::Compare(op, ty));
        }
    }
    for op in ConvOp::all() {
        table.insert(op.mnemonic(), Mnemonic::Convert(op));
    }
    for access in MemAccess::loads() {
        table.insert(access.load_mnemonic(), Mnemonic::Load(access));
    }
    for access in MemAccess::stores() {
        table.insert(access.store_mnemonic(), Mnemonic::Store(access));
    }
    for (op, access) in AtomicOp::all() {
        table.insert(op.mnemonic(access), Mnemonic::Atomic(op, access));
    }
    let fixed = [
        ("atomic.fence", Mnemonic::AtomicFence),
        ("slot.addr", Mnemonic::SlotAddr),
        ("data.addr", Mnemonic::DataAddr),
        ("func.addr", Mnemonic::FuncAddr),
        ("memory.size", Mnemonic::MemorySize),
        ("memory.grow", Mnemonic::MemoryGrow),
        ("stack.alloc", Mnemonic::StackAlloc),
        ("stack.save", Mnemonic::StackSave),
        ("stack.restore", Mnemonic::StackRestore),
        ("memory.copy", Mnemonic::MemoryCopy),
        ("memory.fill", Mnemonic::MemoryFill),
        ("global.get", Mnemonic::GlobalGet),
        ("global.set", Mnemonic::GlobalSet),
        ("var.get", Mnemonic::VarGet),
        ("var.set", Mnemonic::VarSet),
    ];
    for (name, mnemonic) in fixed {
        table.insert(name.to_string(), mnemonic);
    }
    table
}

/// The kinds of operand a generic instruction takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Arg {
    Value,
    Symbol,
    Local,
    Literal,
    /// A bare word: never accepted.
    Word,
}

impl Mnemonic {
    /// The operands, and how the documentation writes them.
    fn args(self) -> (&'static [Arg], &'static str) {
        use Arg::*;
        use Mnemonic as M;
        match self {
            M::Const(_) => (&[Literal], "a literal"),
            M::Unary(..) | M::Convert(_) => (&[Value], "`%a`"),
            M::Load(_) => (&[Value], "`%addr`"),
            M::MemoryGrow => (&[Value], "`%pages`"),
            M::StackAlloc => (&[Value], "`%size`"),
            M::StackRestore => (&[Value], "`%saved`"),
            M::Binary(..) | M::Compare(..) => (&[Value, Value], "`%a, %b`"),
            M::Store(_) => (&[Value, Value], "`%addr, %value`"),
            M::Select(_) => (&[Value, Value, Value], "`%cond, %a, %b`"),
            M::MemoryCopy => (&[Value, Value, Value], "`%dst, %src, %len`"),
            M::MemoryFill => (&[Value, Value, Value], "`%dst, %byte, %len`"),
            M::Atomic(op, _) => atomic_args(op),
            M::MemorySize | M::StackSave | M::AtomicFence => (&[], "no operand"),
            M::SlotAddr => (&[Local], "`$slot`"),
            M::VarGet => (&[Local], "`$var`"),
            M::VarSet => (&[Local, Value], "`$var, %value`"),
            M::DataAddr => (&[Symbol], "`@data`"),
            M::FuncAddr => (&[Symbol], "`@func`"),
            M::GlobalGet => (&[Symbol], "`@global`"),
            M::GlobalSet => (&[Symbol, Value], "`@global, %value`"),
        }
    }

    /// How many memories it may name before its operands: one, or two for
    /// `memory.copy` (destination, source).
    fn memory_operands(self) -> usize {
        match self {
            Mnemonic::Load(_)
            | Mnemonic::Store(_)
            | Mnemonic::MemorySize
            | Mnemonic::MemoryGrow
            | Mnemonic::MemoryFill => 1,
            Mnemonic::MemoryCopy => 2,
            _ => 0,
        }
    }

    fn takes_offset(self) -> bool {
        matches!(
            self,
            Mnemonic::Load(_) | Mnemonic::Store(_) | Mnemonic::Atomic(..)
        )
    }
}

/// An atomic access's offset, which the IR holds in 32 bits (as wasm32
/// requires of every offset: the verifier says so of loads and stores).
fn atomic_offset(offset: u64, span: Option<Span>) -> PResult<u32> {
    u32::try_from(offset).map_err(|_| {
        Diagnostic::new(
            format!("offset {offset} does not fit in 32 bits (wasm32)"),
            span.unwrap_or(Span::NONE),
        )
    })
}

/// The operands of an atomic access, and how the documentation writes them.
fn atomic_args(op: AtomicOp) -> (&'static [Arg], &'static str) {
    use Arg::Value;
    match op {
        AtomicOp::Load => (&[Value], "`%addr`"),
        AtomicOp::Store | AtomicOp::Rmw(_) => (&[Value, Value], "`%addr, %value`"),
        AtomicOp::Notify => (&[Value, Value], "`%addr, %count`"),
        AtomicOp::Cmpxchg => (&[Value, Value, Value], "`%addr, %expected, %replacement`"),
        AtomicOp::Wait => (&[Value, Value, Value], "`%addr, %expected, %timeout`"),
    }
}

/// Checks that a generic instruction's operands are of the kinds it takes.
fn check_operands(kind: Mnemonic, mnemonic: Tok, operands: &[(Arg, Tok)]) -> PResult<()> {
    let (expected, syntax) = kind.args();
    let mismatch = operands
        .iter()
        .zip(expected)
        .find(|((arg, _), a)| arg != *a)
        .map(|((_, o), _)| o.span);
    let extra = operands.get(expected.len()).map(|(_, o)| o.span);
    let missing = (operands.len() < expected.len()).then(|| {
        let end = operands
            .last()
            .map_or(mnemonic.span.end, |(_, o)| o.span.end);
        Span {
            start: mnemonic.span.start,
            end,
        }
    });
    match mismatch.or(extra).or(missing) {
        None => Ok(()),
        Some(span) => Err(Diagnostic::new(
            format!("wrong operands for `{}`: expected {syntax}", mnemonic.text),
            span,
        )),
    }
}

/// A generic instruction's operand: its kind and its token.
type Operand<'a> = (Arg, Tok<'a>);

/// Whether an operand names a memory: `@name`, or the bare word `default`
/// (the default memory, for `memory.copy` between it and a named one).
fn is_memory_operand(kind: Mnemonic, (arg, tok): &(Arg, Tok)) -> bool {
    *arg == Arg::Symbol
        || (kind == Mnemonic::MemoryCopy && *arg == Arg::Word && tok.text == "default")
}

/// The memories a generic instruction names (none: the default memory),
/// and the operands after them. An atomic access naming a memory is an
/// error: atomics use the default memory only.
fn split_memories<'o, 'a>(
    kind: Mnemonic,
    operands: &'o [Operand<'a>],
) -> PResult<(&'o [Operand<'a>], &'o [Operand<'a>])> {
    if let (Mnemonic::Atomic(..), Some((Arg::Symbol, name))) = (kind, operands.first()) {
        return Err(Diagnostic::new(
            format!(
                "an atomic access uses the default memory only: {} cannot be named",
                name.text
            ),
            name.span,
        ));
    }
    let named = (operands.iter())
        .take(kind.memory_operands())
        .take_while(|o| is_memory_operand(kind, o))
        .count();
    Ok(operands.split_at(named))
}

// ------------------------------------------------------------ the module

/// `memory @name [TYPE] PAGES [max MAX]`: the named memory, which the
/// caller declares as a symbol. `TYPE` is `i32`, `i64` or `ptr` (the
/// default); the sizes are checked by the verifier.
pub(super) fn memory_def(
    name: Tok,
    index: Option<Tok>,
    pages: Tok,
    max: Option<Tok>,
    span: Span,
) -> PResult<Memory> {
    let index = match index {
        None => Type::Ptr,
        Some(ty) => match Type::from_name(ty.text) {
            Some(t @ (Type::I32 | Type::I64 | Type::Ptr)) => t,
            _ => {
                return Err(Diagnostic::new(
                    format!(
                        "a memory's index type is `i32`, `i64` or `ptr`, found `{}`",
                        ty.text
                    ),
                    ty.span,
                ));
            }
        },
    };
    Ok(Memory {
        name: name.name().to_string(),
        index,
        pages: u64_literal(pages, "a number of pages")?,
        max: max
            .map(|m| u64_literal(m, "a number of pages"))
            .transpose()?,
        span,
    })
}

/// `memory shared`: makes the module's memory shared. Said once: a second
/// declaration is an error at it.
pub(super) fn declare_shared_memory(module: &mut Module, span: Span) -> PResult<()> {
    if module.shared_memory {
        return Err(Diagnostic::new(
            "the memory is already declared `memory shared`",
            span,
        ));
    }
    module.shared_memory = true;
    Ok(())
}

/// A module-level name: globals, data and functions share one namespace.
#[derive(Clone, Copy, Debug)]
pub(super) enum Symbol {
    Global(GlobalId),
    Data(DataId),
    Func(FuncId),
    Memory(MemId),
}

impl Symbol {
    fn kind(self) -> &'static str {
        match self {
            Symbol::Global(_) => "a global",
            Symbol::Data(_) => "a data definition",
            Symbol::Func(_) => "a function",
            Symbol::Memory(_) => "a memory",
        }
    }
}

/// The module's symbols, by name (without the `@`), with where each is defined.
#[derive(Default)]
pub(super) struct Symbols<'a> {
    names: FxHashMap<&'a str, (Symbol, Span)>,
}

impl<'a> Symbols<'a> {
    pub(super) fn with_capacity(n: usize) -> Symbols<'a> {
        Symbols {
            names: FxHashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    /// Declares `name` (`@name`), which must be new.
    pub(super) fn declare(&mut self, name: Tok<'a>, symbol: Symbol) -> PResult<()> {
        if let Some((_, first)) = self.names.get(name.name()) {
            return Err(
                Diagnostic::new(format!("duplicate symbol {}", name.text), name.span)
                    .with_note(format!("{} is first defined here", name.text), *first),
            );
        }
        self.names.insert(name.name(), (symbol, name.span));
        Ok(())
    }

    fn lookup(&self, name: Tok) -> PResult<Symbol> {
        self.names
            .get(name.name())
            .map(|(s, _)| *s)
            .ok_or_else(|| Diagnostic::new(format!("unknown symbol {}", name.text), name.span))
    }

    fn func(&self, name: Tok) -> PResult<FuncId> {
        match self.lookup(name)? {
            Symbol::Func(f) => Ok(f),
            other => Err(wrong_symbol(name, other, "a function")),
        }
    }

    fn data(&self, name: Tok) -> PResult<DataId> {
        match self.lookup(name)? {
            Symbol::Data(d) => Ok(d),
            other => Err(wrong_symbol(name, other, "a data definition")),
        }
    }

    /// A named memory, or (`default`) the default memory.
    pub(super) fn memory(&self, name: Tok) -> PResult<MemId> {
        if name.text == "default" {
            return Ok(MemId::DEFAULT);
        }
        match self.lookup(name)? {
            Symbol::Memory(m) => Ok(m),
            other => Err(wrong_symbol(name, other, "a memory")),
        }
    }

    fn global(&self, name: Tok) -> PResult<GlobalId> {
        match self.lookup(name)? {
            Symbol::Global(g) => Ok(g),
            other => Err(wrong_symbol(name, other, "a global")),
        }
    }

    /// `@sym [+ N]` in an initialiser or a data item: a data address or a
    /// function pointer (which takes no offset).
    pub(super) fn address_of(&self, name: Tok, offset: Option<Tok>) -> PResult<GlobalInit> {
        let offset = offset.map(|o| u64_literal(o, "an offset")).transpose()?;
        match self.lookup(name)? {
            Symbol::Data(d) => Ok(GlobalInit::DataAddr(d, offset.unwrap_or(0))),
            Symbol::Func(f) if offset.is_none() => Ok(GlobalInit::FuncAddr(f)),
            Symbol::Func(_) => Err(Diagnostic::new(
                format!("a function pointer takes no offset: {}", name.text),
                name.span,
            )),
            global => Err(wrong_symbol(
                name,
                global,
                "a data definition or a function: a global has no address",
            )),
        }
    }

    /// A global's initialiser: a literal of its type, or (`ptr` only) an address.
    pub(super) fn global_init(
        &self,
        ty: Type,
        literal: Option<Tok>,
        address: Option<(Tok, Option<Tok>)>,
    ) -> PResult<GlobalInit> {
        match (literal, address) {
            (_, Some((name, _))) if ty != Type::Ptr => Err(Diagnostic::new(
                format!("a global of type {ty} needs a literal, found {}", name.text),
                name.span,
            )),
            (_, Some((name, offset))) => self.address_of(name, offset),
            (Some(literal), None) => Ok(GlobalInit::Const(const_literal(literal, ty)?)),
            (None, None) => Err(internal(Span::NONE)),
        }
    }
}

fn wrong_symbol(name: Tok, found: Symbol, expected: &str) -> Diagnostic {
    Diagnostic::new(
        format!("{} is {}, not {expected}", name.text, found.kind()),
        name.span,
    )
}

// --------------------------------------------------------- function bodies

/// A `$name`: variables and slots share one namespace per function.
#[derive(Clone, Copy, Debug)]
enum Local {
    Var(VarId),
    Slot(SlotId),
}

/// One function body, built in two passes over its lines: first every
/// local, label and value is declared (in text order), then operands and
/// branch targets are resolved and instructions are added.
pub(super) struct BodyBuilder<'a, 'm> {
    module: &'m Module,
    symbols: &'m Symbols<'a>,
    func: Function,
    values: FxHashMap<ShortKey<'a>, ValueId>,
    blocks: FxHashMap<&'a str, BlockId>,
    locals: FxHashMap<&'a str, (Local, Span)>,
    /// Instructions declared so far in the current block.
    inst_count: u32,
    /// The span of the current block's terminator, once it has one.
    terminated: Option<Span>,
}

impl<'a, 'm> BodyBuilder<'a, 'm> {
    /// Builds the body of `func`, a declared function of `module`.
    pub(super) fn new(module: &'m Module, symbols: &'m Symbols<'a>, func: Function) -> Self {
        BodyBuilder {
            module,
            symbols,
            func,
            values: FxHashMap::default(),
            blocks: FxHashMap::default(),
            locals: FxHashMap::default(),
            inst_count: 0,
            terminated: None,
        }
    }

    /// Sizes the tables once: a function of 100,000 blocks would otherwise
    /// rehash and copy them a dozen times.
    pub(super) fn reserve(&mut self, values: usize, blocks: usize) {
        self.values.reserve(values);
        self.blocks.reserve(blocks);
        self.func.values.reserve(values);
        self.func.blocks.reserve(blocks);
    }

    pub(super) fn finish(self) -> Function {
        self.func
    }

    // ---- pass 1: declarations

    fn define_value(&mut self, name: Tok<'a>, ty: Type, def: ValueDef) -> PResult<ValueId> {
        if let Some(&first) = self.values.get(&ShortKey::new(name.name())) {
            return Err(
                Diagnostic::new(format!("duplicate value {}", name.text), name.span).with_note(
                    format!("{} is first defined here", name.text),
                    self.func.value(first).span,
                ),
            );
        }
        let id = self.func.new_value(ty, name.name(), def);
        self.func.values[id.index()].span = name.span;
        self.values.insert(ShortKey::new(name.name()), id);
        Ok(id)
    }

    /// The next function parameter, `%name: ty`.
    pub(super) fn param(&mut self, name: Tok<'a>, ty: Type) -> PResult<()> {
        let def = ValueDef::Param(self.func.params.len() as u32);
        let value = self.define_value(name, ty, def)?;
        self.func.params.push(value);
        Ok(())
    }

    /// A local's name, before the first block and not yet taken.
    fn declare_local(&self, line: Span, name: Tok<'a>, kind: &str) -> PResult<()> {
        if !self.func.blocks.is_empty() {
            return Err(Diagnostic::new(
                format!("a {kind} must be declared before the first block"),
                line,
            ));
        }
        if let Some(&(_, first)) = self.locals.get(name.name()) {
            return Err(
                Diagnostic::new(format!("duplicate {kind} {}", name.text), name.span)
                    .with_note(format!("{} is first defined here", name.text), first),
            );
        }
        Ok(())
    }

    /// `var $name: ty`, the line at `line`.
    pub(super) fn var(&mut self, line: Span, name: Tok<'a>, ty: Type) -> PResult<()> {
        self.declare_local(line, name, "variable")?;
        let id = self.func.var_id(self.func.vars.len());
        self.func.vars.push(Var {
            name: name.name().to_string(),
            ty,
            span: line,
        });
        self.locals.insert(name.name(), (Local::Var(id), name.span));
        Ok(())
    }

    /// `slot $name: size [align N]`, the line at `line` (8-aligned by default).
    pub(super) fn slot(
        &mut self,
        line: Span,
        name: Tok<'a>,
        size: Tok,
        align: Option<Tok>,
    ) -> PResult<()> {
        self.declare_local(line, name, "slot")?;
        let align = match align {
            Some(align) => align_literal(align)?,
            None => 8,
        };
        let id = self.func.slot_id(self.func.slots.len());
        self.func.slots.push(Slot {
            name: name.name().to_string(),
            size: u64_literal(size, "a slot size")?,
            align,
            span: line,
        });
        self.locals
            .insert(name.name(), (Local::Slot(id), name.span));
        Ok(())
    }

    /// A label, `name:` at `line`, opening a block; its parameters follow
    /// with [`BodyBuilder::block_param`].
    pub(super) fn block(&mut self, line: Span, name: Tok<'a>) -> PResult<BlockId> {
        if let Some(&first) = self.blocks.get(name.text) {
            return Err(
                Diagnostic::new(format!("duplicate block `{}`", name.text), name.span).with_note(
                    "the block is first defined here",
                    self.func.block(first).span,
                ),
            );
        }
        let id = self.func.block_id(self.func.blocks.len());
        let mut block = Block::new(name.text);
        block.span = line;
        self.func.blocks.push(block);
        self.blocks.insert(name.text, id);
        self.inst_count = 0;
        self.terminated = None;
        Ok(id)
    }

    /// The next parameter of `block`, `%name: ty`.
    pub(super) fn block_param(&mut self, block: BlockId, name: Tok<'a>, ty: Type) -> PResult<()> {
        let index = self.func.block(block).params.len() as u32;
        let value = self.define_value(name, ty, ValueDef::BlockParam(block, index))?;
        self.func.blocks[block.index()].params.push(value);
        Ok(())
    }

    /// The block a line belongs to; it must have one that is not terminated.
    fn open_block(&self, line: Span, what: &str) -> PResult<BlockId> {
        let Some(last) = self.func.blocks.len().checked_sub(1) else {
            return Err(Diagnostic::new(
                format!("{what} outside a block: the first block needs a label, such as `entry:`"),
                line,
            ));
        };
        if let Some(end) = self.terminated {
            let name = &self.func.blocks[last].name;
            return Err(Diagnostic::new(
                format!("{what} after the terminator of block `{name}`"),
                line,
            )
            .with_note("the block ends here", end));
        }
        Ok(self.func.block_id(last))
    }

    /// A terminator at `line`: the block it ends.
    pub(super) fn declare_terminator(&mut self, line: Span) -> PResult<BlockId> {
        let block = self.open_block(line, "terminator")?;
        self.terminated = Some(line);
        Ok(block)
    }

    /// An instruction at `line` defining the values `defs`: its block and
    /// its results (typed once the operator is resolved, by [`Self::inst`]).
    pub(super) fn declare_inst(
        &mut self,
        line: Span,
        defs: impl IntoIterator<Item = Tok<'a>>,
    ) -> PResult<(BlockId, Vec<ValueId>)> {
        let block = self.open_block(line, "instruction")?;
        let index = self.inst_count;
        self.inst_count += 1;
        let mut results = Vec::new();
        for (result, name) in defs.into_iter().enumerate() {
            let def = ValueDef::InstResult {
                block,
                index,
                result: result as u32,
            };
            results.push(self.define_value(name, Type::I32, def)?);
        }
        Ok((block, results))
    }

    // ---- pass 2: uses

    pub(super) fn value(&self, name: Tok) -> PResult<ValueId> {
        self.values
            .get(&ShortKey::new(name.name()))
            .copied()
            .ok_or_else(|| Diagnostic::new(format!("unknown value {}", name.text), name.span))
    }

    pub(super) fn values(&self, names: impl IntoIterator<Item = Tok<'a>>) -> PResult<Vec<ValueId>> {
        names.into_iter().map(|name| self.value(name)).collect()
    }

    fn local(&self, name: Tok, kind: &str) -> PResult<Local> {
        self.locals
            .get(name.name())
            .map(|&(local, _)| local)
            .ok_or_else(|| Diagnostic::new(format!("unknown {kind} {}", name.text), name.span))
    }

    fn var_ref(&self, name: Tok) -> PResult<VarId> {
        match self.local(name, "variable")? {
            Local::Var(var) => Ok(var),
            Local::Slot(_) => Err(Diagnostic::new(
                format!("{} is a slot, not a variable", name.text),
                name.span,
            )),
        }
    }

    fn slot_ref(&self, name: Tok) -> PResult<SlotId> {
        match self.local(name, "slot")? {
            Local::Slot(slot) => Ok(slot),
            Local::Var(_) => Err(Diagnostic::new(
                format!("{} is a variable, not a slot", name.text),
                name.span,
            )),
        }
    }

    /// A branch to `label` passing `args`.
    pub(super) fn edge(
        &self,
        label: Tok,
        args: impl IntoIterator<Item = Tok<'a>>,
    ) -> PResult<Edge> {
        let block = *self.blocks.get(label.text).ok_or_else(|| {
            Diagnostic::new(format!("unknown block `{}`", label.text), label.span)
        })?;
        Ok(Edge::new(block, self.values(args)?))
    }

    /// `call @f(args)`.
    pub(super) fn call(&self, func: Tok, args: impl IntoIterator<Item = Tok<'a>>) -> PResult<Op> {
        let func = self.symbols.func(func)?;
        Ok(Op::Call {
            func,
            args: self.values(args)?,
        })
    }

    /// `call_indirect %callee(args): sig`.
    pub(super) fn call_indirect(
        &self,
        callee: Tok,
        args: impl IntoIterator<Item = Tok<'a>>,
        sig: impl FnOnce() -> PResult<Signature>,
    ) -> PResult<Op> {
        let callee = self.value(callee)?;
        let args = self.values(args)?;
        let sig = Box::new(sig()?);
        Ok(Op::CallIndirect { sig, callee, args })
    }

    /// A generic instruction: `mnemonic operands [offset=N]`; `offset` is
    /// the whole `offset=N` and the number.
    pub(super) fn generic(
        &self,
        mnemonic: Tok,
        operands: &[(Arg, Tok)],
        offset: Option<(Span, Tok)>,
    ) -> PResult<Op> {
        use Mnemonic as M;
        let kind = *MNEMONICS.get(mnemonic.text).ok_or_else(|| {
            Diagnostic::new(
                format!("unknown instruction `{}`", mnemonic.text),
                mnemonic.span,
            )
        })?;
        let (memories, operands) = split_memories(kind, operands)?;
        let memories = (memories.iter())
            .map(|(_, name)| self.symbols.memory(*name))
            .collect::<PResult<Vec<_>>>()?;
        let mem = memories.first().copied().unwrap_or(MemId::DEFAULT);
        let src_mem = memories.last().copied().unwrap_or(MemId::DEFAULT);
        check_operands(kind, mnemonic, operands)?;
        let offset_span = offset.map(|(_, number)| number.span);
        let offset = match offset {
            None => 0,
            Some((_, number)) if kind.takes_offset() => u64_literal(number, "an offset")?,
            Some((span, _)) => {
                return Err(Diagnostic::new(
                    format!(
                        "`{}` takes no offset: only loads, stores and atomic accesses do",
                        mnemonic.text
                    ),
                    span,
                ));
            }
        };
        // `check_operands` saw as many operands as the mnemonic takes.
        let arg = |i: usize| operands[i].1;
        let v = |i: usize| self.value(arg(i));
        Ok(match kind {
            M::Const(ty) => Op::Const(const_literal(arg(0), ty)?),
            M::Unary(op, ty) => Op::Unary(op, ty, v(0)?),
            M::Binary(op, ty) => Op::Binary(op, ty, v(0)?, v(1)?),
            M::Compare(op, ty) => Op::Compare(op, ty, v(0)?, v(1)?),
            M::Convert(op) => Op::Convert(op, v(0)?),
            M::Select(ty) => Op::Select {
                ty,
                cond: v(0)?,
                if_true: v(1)?,
                if_false: v(2)?,
            },
            M::Load(access) => Op::Load {
                access,
                addr: v(0)?,
                offset,
                mem,
            },
            M::Store(access) => Op::Store {
                access,
                addr: v(0)?,
                value: v(1)?,
                offset,
                mem,
            },
            M::Atomic(op, access) => {
                let mut args = [ValueId::INVALID; 2];
                for (i, slot) in args.iter_mut().enumerate().take(op.arity()) {
                    *slot = v(i + 1)?;
                }
                Op::Atomic {
                    op,
                    access,
                    addr: v(0)?,
                    args,
                    offset: atomic_offset(offset, offset_span)?,
                }
            }
            M::AtomicFence => Op::AtomicFence,
            M::SlotAddr => Op::SlotAddr(self.slot_ref(arg(0))?),
            M::DataAddr => Op::DataAddr(self.symbols.data(arg(0))?),
            M::FuncAddr => Op::FuncAddr(self.symbols.func(arg(0))?),
            M::MemorySize => Op::MemorySize(mem),
            M::MemoryGrow => Op::MemoryGrow(mem, v(0)?),
            M::StackAlloc => Op::StackAlloc(v(0)?),
            M::StackSave => Op::StackSave,
            M::StackRestore => Op::StackRestore(v(0)?),
            M::MemoryCopy => Op::MemoryCopy {
                dst: v(0)?,
                src: v(1)?,
                len: v(2)?,
                dst_mem: mem,
                src_mem,
            },
            M::MemoryFill => Op::MemoryFill {
                dst: v(0)?,
                byte: v(1)?,
                len: v(2)?,
                mem,
            },
            M::GlobalGet => Op::GlobalGet(self.symbols.global(arg(0))?),
            M::GlobalSet => Op::GlobalSet(self.symbols.global(arg(0))?, v(1)?),
            M::VarGet => Op::VarGet(self.var_ref(arg(0))?),
            M::VarSet => Op::VarSet(self.var_ref(arg(0))?, v(1)?),
        })
    }

    /// Adds the instruction at `line` to `block`, typing its `results`. `op`
    /// is the operator's syntax (where a wrong number of results is
    /// reported when none is named) and `what` its name in that error.
    pub(super) fn inst(
        &mut self,
        block: BlockId,
        op: Op,
        results: Vec<ValueId>,
        line: Span,
        syntax: Span,
        what: impl FnOnce() -> String,
    ) -> PResult<()> {
        let types = self
            .module
            .result_types(&self.func, &op)
            .ok_or_else(|| internal(line))?;
        if types.len() != results.len() {
            let at = match results.first().zip(results.last()) {
                Some((a, b)) => Span {
                    start: self.func.value(*a).span.start,
                    end: self.func.value(*b).span.end,
                },
                None => syntax,
            };
            return Err(result_count_error(&what(), types.len(), results.len(), at));
        }
        for (&value, ty) in results.iter().zip(types) {
            self.func.values[value.index()].ty = ty;
        }
        self.func.blocks[block.index()].insts.push(Inst {
            op,
            results,
            span: line,
            loc: crate::ir::LocId::NONE,
        });
        Ok(())
    }

    /// Ends `block` with the terminator at `line`.
    pub(super) fn terminate(&mut self, block: BlockId, term: crate::ir::Terminator, line: Span) {
        let block = &mut self.func.blocks[block.index()];
        block.term = Some(term);
        block.term_span = line;
    }
}

fn result_count_error(what: &str, defined: usize, named: usize, span: Span) -> Diagnostic {
    let defines = match defined {
        0 => "no value".to_string(),
        1 => "1 value".to_string(),
        n => format!("{n} values"),
    };
    let given = match named {
        0 => "no name is given".to_string(),
        1 => "1 name is given".to_string(),
        n => format!("{n} names are given"),
    };
    Diagnostic::new(format!("`{what}` defines {defines}, but {given}"), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mnemonic_names_one_operator() {
        let mut count = Type::ALL.len() * 2 + 15 + AtomicOp::all().len();
        for ty in Type::ALL {
            count += UnaryOp::ALL.iter().filter(|op| op.accepts(ty)).count();
            count += BinaryOp::ALL.iter().filter(|op| op.accepts(ty)).count();
            count += CmpOp::ALL.iter().filter(|op| op.accepts(ty)).count();
        }
        count += ConvOp::all().len() + MemAccess::loads().len() + MemAccess::stores().len();
        assert_eq!(MNEMONICS.len(), count, "two operators share a mnemonic");
    }
}
