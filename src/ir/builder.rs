//! Building IR in memory, as a frontend does.
//!
//! ```
//! use vitte_codegen_wasm64::ir::{BinaryOp, Linkage, Module, Signature, Type, FunctionBuilder, Function};
//!
//! let mut module = Module::default();
//! let add = module.add_function(Function::new("add", Signature::default(), Linkage::Public));
//! let mut b = FunctionBuilder::new(&mut module, add);
//! let x = b.param("x", Type::I32);
//! let y = b.param("y", Type::I32);
//! b.result(Type::I32);
//! let entry = b.create_block("entry");
//! b.switch_to_block(entry);
//! let sum = b.binary(BinaryOp::Add, Type::I32, x, y);
//! b.ret(&[sum]);
//! b.finish().expect("well-formed");
//! ```
//!
//! The builder keeps the state of every block (empty, partial: it has
//! instructions, filled: it has its terminator) and refuses what would
//! build a different program than the one asked for: an instruction with no
//! current block or after the block's terminator, a second terminator, an
//! id that does not exist in the function or the module, a value, block,
//! variable or slot of another function (a [`ValueId`], [`BlockId`],
//! [`VarId`] or [`SlotId`] knows its function), a signature changed after
//! the body was begun. A refused call changes nothing, records a
//! [`BuildError`] naming the function, the block and the instruction, and
//! returns [`ValueId::INVALID`] for the values it would have defined; an
//! instruction that uses such a value is refused without a second error.
//! [`FunctionBuilder::finish`] returns the errors and adds one for each
//! block left without a terminator. A builder made by
//! [`crate::Context::builder`] also records every error in its context as
//! it happens, and [`crate::WasmBackend::compile`] refuses a context with
//! errors; with [`FunctionBuilder::new`] on a bare module, checking
//! [`FunctionBuilder::finish`] (or [`FunctionBuilder::errors`]) is the
//! caller's job.
//!
//! Types of explicitly typed operators (`binary(BinaryOp::Add, Type::I64,
//! ..)`) are checked by the verifier, as for parsed IR; the type-inferring
//! helpers (`binop`, `cmp`, `conv`, `store_value`, ...) check the operands
//! they infer from.

use super::*;
use std::fmt;

/// Where a builder error happened: a function, and the block when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub func: String,
    pub block: Option<String>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "in function `@{}`", self.func)?;
        if let Some(block) = &self.block {
            write!(f, ", block `{block}`")?;
        }
        Ok(())
    }
}

/// A misuse of [`FunctionBuilder`]: each names the function, the block and
/// the instruction (its mnemonic) concerned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("no function with id {id} in this module (it has {count})")]
    UnknownFunction { id: u32, count: usize },
    #[error("function `@{func}` is imported: it cannot have a body")]
    ImportedFunction { func: String },
    #[error("function `@{func}` is already defined: a function's blocks are built by one builder")]
    AlreadyDefined { func: String },
    #[error("{at}: `{inst}` before any block was switched to (call switch_to_block first)")]
    NoCurrentBlock { at: Place, inst: String },
    #[error("{at}: `{inst}` after the block's terminator `{term}`")]
    AfterTerminator {
        at: Place,
        inst: String,
        term: String,
    },
    #[error("{at}: a second terminator `{inst}`; the block already ends in `{term}`")]
    SecondTerminator {
        at: Place,
        inst: String,
        term: String,
    },
    #[error("{at}: `{inst}` refers to {what} id {id}, which does not exist in this {scope}")]
    UnknownEntity {
        at: Place,
        inst: String,
        what: &'static str,
        id: u32,
        scope: &'static str,
    },
    #[error(
        "{at}: `{inst}` uses value id {id} of {owner}: a value is used only in its own function"
    )]
    ForeignValue {
        at: Place,
        inst: String,
        id: u32,
        /// The value's function as the message names it: by its name, or
        /// by its id when this module has no function of that id.
        owner: String,
    },
    #[error(
        "{at}: `{inst}` uses {what} id {id} of {owner}: a {what} is used only in its own function"
    )]
    ForeignEntity {
        at: Place,
        inst: String,
        /// `block`, `variable` or `slot`.
        what: &'static str,
        id: u32,
        /// The id's function, named as in [`BuildError::ForeignValue`].
        owner: String,
    },
    #[error("{at}: `{inst}`: {detail}")]
    Operands {
        at: Place,
        inst: String,
        detail: String,
    },
    #[error(
        "{at}: {what} after the body was begun: a signature is complete before the first block"
    )]
    SignatureAfterBody { at: Place, what: String },
    #[error("{at}: `{block}` cannot become the entry block: the entry is already `{entry}`")]
    EntryAlreadyChosen {
        at: Place,
        block: String,
        entry: String,
    },
    #[error("{at}: the block has no terminator")]
    Unterminated { at: Place },
    /// A location naming a file the module has not registered, or line or
    /// column 0: refused, and what is built until the next
    /// [`FunctionBuilder::set_location`] has no location.
    #[error("{at}: location {location}: {detail}")]
    BadLocation {
        at: Place,
        /// `file#line:col`, the file by its id.
        location: String,
        detail: String,
    },
}

/// The state of a block being built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockState {
    /// No instruction and no terminator yet.
    Empty,
    /// Instructions, no terminator yet.
    Partial,
    /// Ended by its terminator: nothing more can be appended.
    Filled,
}

impl ValueId {
    /// What a refused builder call returns in place of a value: an id no
    /// function has. Instructions that use it are refused silently, since
    /// the call that made it has already been reported.
    pub const INVALID: ValueId = ValueId::new(FuncId(u32::MAX), u32::MAX);
}

impl MemAccess {
    /// A load or store of a whole value of type `ty`.
    pub fn full(ty: Type) -> MemAccess {
        MemAccess { ty, narrow: None }
    }

    /// A load of `bits` (8, 16 or 32) into an integer of type `ty`, sign-
    /// or zero-extended; or a store of the low `bits` of `ty`
    /// (`signed` is then false).
    pub fn narrow(ty: Type, bits: u8, signed: bool) -> MemAccess {
        MemAccess {
            ty,
            narrow: Some(Narrow { bits, signed }),
        }
    }
}

impl ConvOp {
    /// The conversion `kind` from `from` to `to`, if it exists
    /// (`ConvOp::new(ConvKind::ExtendS, Type::I32, Type::I64)` is `i64.extend_i32_s`).
    pub fn new(kind: ConvKind, from: Type, to: Type) -> Option<ConvOp> {
        let op = ConvOp { kind, from, to };
        ConvOp::all().contains(&op).then_some(op)
    }
}

/// Appends parameters, blocks and instructions to one function of a module,
/// in the manner of Cranelift's `cranelift-frontend` `FunctionBuilder`.
///
/// Values get the names `v0`, `v1`, ... unless a name is given; the printer
/// writes them as `%v0`, `%v1`, ...
///
/// The entry block is the one given to [`FunctionBuilder::set_entry_block`],
/// or else the first one switched to. It becomes block 0, the IR's entry,
/// at once, by trading places with the block created first (no block has
/// instructions yet); the builder goes on translating the two ids, so a
/// frontend keeps using the ids [`FunctionBuilder::create_block`] gave it.
/// Only in the function built do they differ: there the entry is block 0.
pub struct FunctionBuilder<'m> {
    module: &'m mut Module,
    func: FuncId,
    /// False when the function cannot be built (it does not exist, is
    /// imported, or already has a body): every call is then refused, and
    /// reported once, when the builder was made.
    usable: bool,
    /// The current block (physical: as in the function).
    current: Option<BlockId>,
    /// The entry block, as the frontend knows it.
    entry: Option<BlockId>,
    /// When the entry was not block 0: the block it traded places with
    /// block 0 with; ids given to and by the frontend are translated.
    swapped: Option<BlockId>,
    errors: Vec<BuildError>,
    /// Where the errors also go as they happen.
    sink: Option<&'m mut Vec<BuildError>>,
    /// The location of what is built next ([`FunctionBuilder::set_location`]).
    loc: LocId,
}

impl<'m> FunctionBuilder<'m> {
    /// A builder for `func`, which must exist, be defined here (not
    /// imported) and have no blocks yet.
    pub fn new(module: &'m mut Module, func: FuncId) -> FunctionBuilder<'m> {
        let mut b = FunctionBuilder {
            module,
            func,
            usable: false,
            current: None,
            entry: None,
            swapped: None,
            errors: Vec::new(),
            sink: None,
            loc: LocId::NONE,
        };
        let count = b.module.funcs.len();
        match b.module.funcs.get(func.index()) {
            None => b
                .errors
                .push(BuildError::UnknownFunction { id: func.0, count }),
            Some(f) if f.is_import() => b.errors.push(BuildError::ImportedFunction {
                func: f.name.clone(),
            }),
            Some(f) if !f.blocks.is_empty() => b.errors.push(BuildError::AlreadyDefined {
                func: f.name.clone(),
            }),
            Some(_) => b.usable = true,
        }
        b
    }

    /// A builder whose errors are also appended to `sink`, as they happen
    /// ([`crate::Context::builder`]).
    pub(crate) fn with_sink(
        module: &'m mut Module,
        func: FuncId,
        sink: &'m mut Vec<BuildError>,
    ) -> FunctionBuilder<'m> {
        let mut b = FunctionBuilder::new(module, func);
        sink.extend(b.errors.iter().cloned());
        b.sink = Some(sink);
        b
    }

    fn report(&mut self, error: BuildError) {
        if let Some(sink) = self.sink.as_mut() {
            sink.push(error.clone());
        }
        self.errors.push(error);
    }

    /// Translates a block id between the frontend's numbering and the
    /// function's (the same map both ways: it swaps two ids).
    fn phys(&self, block: BlockId) -> BlockId {
        match self.swapped {
            Some(k) if block == k => BlockId::new(k.func(), 0),
            // Only this function's entry is swapped: another function's
            // block 0 stays foreign, for the checks to name it.
            Some(k) if block == BlockId::new(k.func(), 0) => k,
            _ => block,
        }
    }

    fn edge(&self, edge: Edge) -> Edge {
        Edge::new(self.phys(edge.block), edge.args)
    }

    /// The function being built.
    pub fn func_id(&self) -> FuncId {
        self.func
    }

    /// The function being built; `None` when it does not exist.
    pub fn function(&self) -> Option<&Function> {
        self.module.funcs.get(self.func.index())
    }

    /// The module, to read other functions' signatures, globals and data.
    pub fn module(&self) -> &Module {
        self.module
    }

    /// Adds a global to the module while the function is built.
    pub fn add_global(&mut self, global: Global) -> GlobalId {
        self.module.add_global(global)
    }

    /// Adds data (a string literal, a table) to the module while the
    /// function is built.
    pub fn add_data(&mut self, data: Data) -> DataId {
        self.module.add_data(data)
    }

    /// The errors recorded so far.
    pub fn errors(&self) -> &[BuildError] {
        &self.errors
    }

    /// The source location of the instructions and terminators built from
    /// now on, until the next call: a file the frontend registered with
    /// [`Module::add_debug_file`] (or [`FunctionBuilder::add_debug_file`]), a 1-based line and column. Debug
    /// information and backtraces then point there (Cranelift's
    /// `set_srcloc`, with a file). `None`: no location, as before the
    /// first call. A location the module cannot name is refused (an
    /// error, and no location until the next call).
    pub fn set_location(&mut self, location: Option<Location>) {
        self.loc = match location {
            None => LocId::NONE,
            Some(l) => self.check_location(l).unwrap_or(LocId::NONE),
        };
    }

    /// Where the function is defined in the frontend's source (DWARF's
    /// declaration line, the row of its prologue), checked as
    /// [`FunctionBuilder::set_location`]'s.
    pub fn set_function_location(&mut self, location: Option<Location>) {
        if !self.usable {
            return;
        }
        let loc = match location {
            None => LocId::NONE,
            Some(l) => self.check_location(l).unwrap_or(LocId::NONE),
        };
        self.func_mut().loc = loc;
    }

    /// The location's id in the module, or an error when the module has
    /// no such file or the line or column is 0.
    fn check_location(&mut self, l: Location) -> Option<LocId> {
        let detail = if self.module.debug_file(l.file).is_none() {
            let count = self.module.debug_files.len();
            format!(
                "no debug file with id {} in this module (it has {count})",
                l.file.0
            )
        } else if l.line == 0 || l.col == 0 {
            "lines and columns count from 1".to_string()
        } else {
            return Some(self.module.intern_location(l));
        };
        let at = self.place(self.current);
        self.report(BuildError::BadLocation {
            at,
            location: format!("file#{}:{}:{}", l.file.0, l.line, l.col),
            detail,
        });
        None
    }

    /// Registers a frontend source file while the function is built
    /// ([`Module::add_debug_file`]).
    pub fn add_debug_file(&mut self, name: &str) -> DebugFileId {
        self.module.add_debug_file(name)
    }

    /// Ends the definition: every block must have its terminator. Returns
    /// every error of this builder.
    pub fn finish(mut self) -> Result<(), Vec<BuildError>> {
        if self.usable {
            for id in self.func().block_ids() {
                if self.func().blocks[id.index()].term.is_none() {
                    let at = self.place(Some(id));
                    self.report(BuildError::Unterminated { at });
                }
            }
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(std::mem::take(&mut self.errors))
        }
    }

    /// Makes `entry` (a frontend id) the entry: block 0 of the function. No
    /// block has instructions yet, only parameters.
    fn choose_entry(&mut self, entry: BlockId) {
        self.entry = Some(entry);
        if entry.index() == 0 {
            return;
        }
        self.swapped = Some(entry);
        let func = self.func_mut();
        func.blocks.swap(0, entry.index());
        for value in &mut func.values {
            if let ValueDef::BlockParam(b, _) = &mut value.def {
                if *b == entry {
                    *b = BlockId::new(entry.func(), 0);
                } else if b.index() == 0 {
                    *b = entry;
                }
            }
        }
    }

    fn func_mut(&mut self) -> &mut Function {
        &mut self.module.funcs[self.func.index()]
    }

    fn func(&self) -> &Function {
        &self.module.funcs[self.func.index()]
    }

    fn func_name(&self) -> String {
        self.function().map_or_else(String::new, |f| f.name.clone())
    }

    fn block_name(&self, block: BlockId) -> String {
        match self.function().and_then(|f| f.blocks.get(block.index())) {
            Some(b) if !b.name.is_empty() => b.name.clone(),
            _ => format!("block{}", block.index()),
        }
    }

    fn place(&self, block: Option<BlockId>) -> Place {
        Place {
            func: self.func_name(),
            block: block.map(|b| self.block_name(b)),
        }
    }

    fn value_name(&self, value: ValueId) -> String {
        match self.func().values.get(value.index()) {
            Some(v) if !v.name.is_empty() => format!("%{}", v.name),
            _ => format!("%{}", value.index()),
        }
    }

    /// Records an unknown block used by `inst`; false when it is unknown.
    fn check_block(&mut self, block: BlockId, inst: &str) -> bool {
        if !self.usable {
            return false;
        }
        if self.func().has_block(self.phys(block)) {
            return true;
        }
        let at = self.place(self.current);
        self.bad_id(at, inst, "block", block.as_u32(), block.func());
        false
    }

    /// The function of tag `tag` as an error names it.
    fn owner(&self, tag: FuncId) -> String {
        match self.module.funcs.get(tag.index()) {
            Some(f) => format!("function `@{}`", f.name),
            None => format!("function id {}, which this module does not have", tag.0),
        }
    }

    /// Records a value that is not this function's: another function's,
    /// or an index it does not have.
    fn bad_value(&mut self, at: Place, inst: &str, value: ValueId) {
        let tag = value.func();
        if tag == self.func().tag() {
            return self.unknown(at, inst, "value", value.as_u32(), "function");
        }
        let owner = self.owner(tag);
        self.report(BuildError::ForeignValue {
            at,
            inst: inst.into(),
            id: value.as_u32(),
            owner,
        });
    }

    /// Records a block, variable or slot id (`what`) that is not this
    /// function's: another function's (of tag `tag`), or an index it does
    /// not have.
    fn bad_id(&mut self, at: Place, inst: &str, what: &'static str, id: u32, tag: FuncId) {
        if tag == self.func().tag() {
            return self.unknown(at, inst, what, id, "function");
        }
        let owner = self.owner(tag);
        self.report(BuildError::ForeignEntity {
            at,
            inst: inst.into(),
            what,
            id,
            owner,
        });
    }

    fn unknown(&mut self, at: Place, inst: &str, what: &'static str, id: u32, scope: &'static str) {
        self.report(BuildError::UnknownEntity {
            at,
            inst: inst.into(),
            what,
            id,
            scope,
        });
    }

    /// The state of a block, read from the IR (`Empty` for an id that is
    /// not one of this function's).
    pub fn block_state(&self, block: BlockId) -> BlockState {
        let block = self.phys(block);
        // Another function's block is not this one's of the same index.
        let this = self.function().filter(|f| f.has_block(block));
        match this.map(|f| &f.blocks[block.index()]) {
            Some(b) if b.term.is_some() => BlockState::Filled,
            Some(b) if !b.insts.is_empty() => BlockState::Partial,
            _ => BlockState::Empty,
        }
    }

    /// Whether `block` has its terminator.
    pub fn is_filled(&self, block: BlockId) -> bool {
        self.block_state(block) == BlockState::Filled
    }

    /// The block instructions are appended to, if any.
    pub fn current_block(&self) -> Option<BlockId> {
        self.current.map(|b| self.phys(b))
    }

    /// The entry block, once chosen.
    pub fn entry_block(&self) -> Option<BlockId> {
        self.entry
    }

    /// Whether an instruction appended now would be refused: there is no
    /// current block, or it is filled. After a `return` in the middle of a
    /// source block, a frontend switches to a fresh block for the dead rest.
    pub fn is_unreachable(&self) -> bool {
        self.current_block().is_none_or(|b| self.is_filled(b))
    }

    fn signature_open(&mut self, what: &str) -> bool {
        if !self.usable {
            return false;
        }
        if self.func().blocks.is_empty() {
            return true;
        }
        let at = self.place(None);
        self.report(BuildError::SignatureAfterBody {
            at,
            what: what.into(),
        });
        false
    }

    /// Adds a parameter to the signature and returns its value. Only before
    /// the first block is created.
    pub fn param(&mut self, name: &str, ty: Type) -> ValueId {
        if !self.signature_open(&format!("parameter `%{name}: {ty}`")) {
            return ValueId::INVALID;
        }
        let func = self.func_mut();
        let index = func.params.len() as u32;
        let value = func.new_value(ty, name, ValueDef::Param(index));
        func.params.push(value);
        func.sig.params.push(ty);
        value
    }

    /// Adds a result to the signature. Only before the first block is created.
    pub fn result(&mut self, ty: Type) {
        if self.signature_open(&format!("result `{ty}`")) {
            self.func_mut().sig.results.push(ty);
        }
    }

    /// The values of the parameters, in order: those given to
    /// [`FunctionBuilder::param`] or made by [`crate::Context::declare_function`].
    pub fn params(&self) -> Vec<ValueId> {
        self.function().map_or_else(Vec::new, |f| f.params.clone())
    }

    /// Renames a value (a parameter of a declared function, say).
    pub fn set_value_name(&mut self, value: ValueId, name: &str) {
        if !self.usable {
            return;
        }
        if self.func().has_value(value) {
            self.func_mut().values[value.index()].name = name.into();
        } else if value != ValueId::INVALID {
            let at = self.place(None);
            self.bad_value(at, "set_value_name", value);
        }
    }

    /// The type of a value of this function, if it is one.
    pub fn value_type(&self, value: ValueId) -> Option<Type> {
        let func = self.function()?;
        func.has_value(value).then(|| func.value_type(value))
    }

    pub fn var(&mut self, name: &str, ty: Type) -> VarId {
        if !self.usable {
            return VarId::new(FuncId(u32::MAX), u32::MAX);
        }
        let func = self.func_mut();
        func.vars.push(Var {
            name: name.into(),
            ty,
            span: Span::NONE,
        });
        func.var_id(func.vars.len() - 1)
    }

    pub fn slot(&mut self, name: &str, size: u64, align: u32) -> SlotId {
        if !self.usable {
            return SlotId::new(FuncId(u32::MAX), u32::MAX);
        }
        let func = self.func_mut();
        func.slots.push(Slot {
            name: name.into(),
            size,
            align,
            span: Span::NONE,
        });
        func.slot_id(func.slots.len() - 1)
    }

    /// Creates an empty block. The entry is the first block switched to,
    /// unless [`FunctionBuilder::set_entry_block`] chose one.
    pub fn create_block(&mut self, name: &str) -> BlockId {
        if !self.usable {
            return BlockId::new(FuncId(u32::MAX), u32::MAX);
        }
        let func = self.func_mut();
        func.blocks.push(Block::new(name));
        let id = func.block_id(func.blocks.len() - 1);
        self.phys(id)
    }

    /// Chooses the entry block, before or instead of switching to it first.
    pub fn set_entry_block(&mut self, block: BlockId) {
        if !self.check_block(block, "set_entry_block") {
            return;
        }
        match self.entry {
            None => self.choose_entry(block),
            Some(entry) if entry == block => {}
            Some(entry) => {
                let at = self.place(None);
                let block = self.block_name(self.phys(block));
                let entry = self.block_name(self.phys(entry));
                self.report(BuildError::EntryAlreadyChosen { at, block, entry });
            }
        }
    }

    pub fn block_param(&mut self, block: BlockId, name: &str, ty: Type) -> ValueId {
        if !self.check_block(block, "block_param") {
            return ValueId::INVALID;
        }
        let block = self.phys(block);
        let func = self.func_mut();
        let index = func.blocks[block.index()].params.len() as u32;
        let value = func.new_value(ty, name, ValueDef::BlockParam(block, index));
        func.blocks[block.index()].params.push(value);
        value
    }

    /// Makes `block` the one instructions are appended to; the first block
    /// switched to is the entry unless one was chosen.
    pub fn switch_to_block(&mut self, block: BlockId) {
        if !self.check_block(block, "switch_to_block") {
            return;
        }
        if self.entry.is_none() {
            self.choose_entry(block);
        }
        self.current = Some(self.phys(block));
    }

    /// The block an instruction named `inst` can be appended to, or the
    /// error why there is none.
    fn open_block(&mut self, inst: &str, terminator: bool) -> Option<BlockId> {
        if !self.usable {
            return None;
        }
        let Some(block) = self.current else {
            let at = self.place(None);
            self.report(BuildError::NoCurrentBlock {
                at,
                inst: inst.into(),
            });
            return None;
        };
        let Some(term) = &self.func().blocks[block.index()].term else {
            return Some(block);
        };
        let term = terminator_name(term).to_string();
        let (at, inst) = (self.place(Some(block)), inst.to_string());
        self.report(if terminator {
            BuildError::SecondTerminator { at, inst, term }
        } else {
            BuildError::AfterTerminator { at, inst, term }
        });
        None
    }

    /// Checks that every value and entity `op` uses exists; false (with an
    /// error, unless a value is [`ValueId::INVALID`]) when one does not.
    fn check_refs(
        &mut self,
        block: BlockId,
        inst: &str,
        values: &[ValueId],
        op: Option<&Op>,
    ) -> bool {
        if values.contains(&ValueId::INVALID) {
            return false;
        }
        if let Some(&bad) = values.iter().find(|&&v| !self.func().has_value(v)) {
            let at = self.place(Some(block));
            self.bad_value(at, inst, bad);
            return false;
        }
        let Some(op) = op else {
            return true;
        };
        let func = self.func();
        let local = match *op {
            Op::SlotAddr(s) => (!func.has_slot(s)).then_some(("slot", s.as_u32(), s.func())),
            Op::VarGet(v) | Op::VarSet(v, _) => {
                (!func.has_var(v)).then_some(("variable", v.as_u32(), v.func()))
            }
            _ => None,
        };
        if let Some((what, id, tag)) = local {
            let at = self.place(Some(block));
            self.bad_id(at, inst, what, id, tag);
            return false;
        }
        let module = &*self.module;
        let missing = match *op {
            Op::DataAddr(d) => (d.index() >= module.data.len()).then_some(("data", d.0, "module")),
            Op::FuncAddr(f) | Op::Call { func: f, .. } => {
                (f.index() >= module.funcs.len()).then_some(("function", f.0, "module"))
            }
            Op::GlobalGet(g) | Op::GlobalSet(g, _) => {
                (g.index() >= module.globals.len()).then_some(("global", g.0, "module"))
            }
            _ => None,
        };
        match missing {
            Some((what, id, scope)) => {
                let at = self.place(Some(block));
                self.unknown(at, inst, what, id, scope);
                false
            }
            None => true,
        }
    }

    /// Appends an instruction and returns the values it defines, or records
    /// why it cannot (see the module documentation) and returns
    /// [`ValueId::INVALID`] for each value it would define.
    pub fn ins(&mut self, op: Op) -> Vec<ValueId> {
        let inst = self.describe(&op);
        let operands: Vec<ValueId> = op.operands().collect();
        let poisoned = operands.contains(&ValueId::INVALID);
        let block = if poisoned {
            None
        } else {
            self.open_block(&inst, false)
        };
        let ok = block.is_some_and(|b| self.check_refs(b, &inst, &operands, Some(&op)));
        let types = if self.usable {
            self.module.result_types(self.func(), &op)
        } else {
            None
        };
        let (Some(block), true) = (block, ok) else {
            let n = types.map_or(1, |t| t.len());
            return vec![ValueId::INVALID; n];
        };
        let types = types.unwrap_or_default();
        let func = &mut self.module.funcs[self.func.index()];
        let index = func.blocks[block.index()].insts.len() as u32;
        let results = types
            .into_iter()
            .enumerate()
            .map(|(result, ty)| {
                let def = ValueDef::InstResult {
                    block,
                    index,
                    result: result as u32,
                };
                let name = format!("v{}", func.values.len());
                func.new_value(ty, name, def)
            })
            .collect();
        func.blocks[block.index()].insts.push(Inst {
            op,
            results: Vec::clone(&results),
            span: Span::NONE,
            loc: self.loc,
        });
        results
    }

    /// The instruction's text name for messages; a call names its callee.
    fn describe(&self, op: &Op) -> String {
        match op {
            Op::Call { func, .. } => match self.module.funcs.get(func.index()) {
                Some(f) => format!("call @{}", f.name),
                None => "call".into(),
            },
            _ => op.mnemonic(),
        }
    }

    fn ins1(&mut self, op: Op) -> ValueId {
        self.ins(op).first().copied().unwrap_or(ValueId::INVALID)
    }

    pub fn iconst(&mut self, ty: Type, value: i64) -> ValueId {
        let c = match ty {
            Type::I32 => Const::I32(value as i32),
            Type::I64 => Const::I64(value),
            Type::Ptr => Const::Ptr(value as u64),
            Type::F32 => Const::F32((value as f32).to_bits()),
            Type::F64 => Const::F64((value as f64).to_bits()),
        };
        self.ins1(Op::Const(c))
    }

    pub fn f64const(&mut self, value: f64) -> ValueId {
        self.ins1(Op::Const(Const::F64(value.to_bits())))
    }

    pub fn f32const(&mut self, value: f32) -> ValueId {
        self.ins1(Op::Const(Const::F32(value.to_bits())))
    }

    pub fn unary(&mut self, op: UnaryOp, ty: Type, a: ValueId) -> ValueId {
        self.ins1(Op::Unary(op, ty, a))
    }

    pub fn binary(&mut self, op: BinaryOp, ty: Type, a: ValueId, b: ValueId) -> ValueId {
        self.ins1(Op::Binary(op, ty, a, b))
    }

    pub fn compare(&mut self, op: CmpOp, ty: Type, a: ValueId, b: ValueId) -> ValueId {
        self.ins1(Op::Compare(op, ty, a, b))
    }

    /// The common type of `values`, for an operator named `inst` that
    /// infers its type from its operands; `None` (with an error unless an
    /// operand is already invalid) when they differ or one does not exist.
    fn infer(&mut self, inst: &str, values: &[ValueId]) -> Option<Type> {
        if values.contains(&ValueId::INVALID) {
            return None;
        }
        let block = self.open_block(inst, false)?;
        if !self.check_refs(block, inst, values, None) {
            return None;
        }
        let ty = self.func().value_type(values[0]);
        if let Some(&other) = values.iter().find(|&&v| self.func().value_type(v) != ty) {
            let detail = format!(
                "operands of different types: {} is {ty}, {} is {}",
                self.value_name(values[0]),
                self.value_name(other),
                self.func().value_type(other)
            );
            self.operand_error(block, inst, detail);
            return None;
        }
        Some(ty)
    }

    fn operand_error(&mut self, block: BlockId, inst: &str, detail: String) {
        let at = self.place(Some(block));
        self.report(BuildError::Operands {
            at,
            inst: inst.into(),
            detail,
        });
    }

    /// `a op b` at the type of `a` and `b`, which must agree
    /// (`b.binop(BinaryOp::Add, x, y)` for `i64.add` when `x` and `y` are i64).
    pub fn binop(&mut self, op: BinaryOp, a: ValueId, b: ValueId) -> ValueId {
        let Some(ty) = self.infer(op.name(), &[a, b]) else {
            return ValueId::INVALID;
        };
        if !op.accepts(ty) {
            let block = self.current.unwrap_or(BlockId::new(self.func, 0));
            let inst = format!("{ty}.{}", op.name());
            self.operand_error(
                block,
                &inst,
                format!("`{}` does not exist for {ty}", op.name()),
            );
            return ValueId::INVALID;
        }
        self.binary(op, ty, a, b)
    }

    pub fn add(&mut self, a: ValueId, b: ValueId) -> ValueId {
        self.binop(BinaryOp::Add, a, b)
    }

    pub fn sub(&mut self, a: ValueId, b: ValueId) -> ValueId {
        self.binop(BinaryOp::Sub, a, b)
    }

    pub fn mul(&mut self, a: ValueId, b: ValueId) -> ValueId {
        self.binop(BinaryOp::Mul, a, b)
    }

    /// `op a` at the type of `a`.
    pub fn unop(&mut self, op: UnaryOp, a: ValueId) -> ValueId {
        let Some(ty) = self.infer(op.name(), &[a]) else {
            return ValueId::INVALID;
        };
        if !op.accepts(ty) {
            let block = self.current.unwrap_or(BlockId::new(self.func, 0));
            let inst = format!("{ty}.{}", op.name());
            self.operand_error(
                block,
                &inst,
                format!("`{}` does not exist for {ty}", op.name()),
            );
            return ValueId::INVALID;
        }
        self.unary(op, ty, a)
    }

    /// The comparison `a op b` (an i32, 0 or 1) at the type of `a` and `b`.
    pub fn cmp(&mut self, op: CmpOp, a: ValueId, b: ValueId) -> ValueId {
        let Some(ty) = self.infer(op.name(), &[a, b]) else {
            return ValueId::INVALID;
        };
        if !op.accepts(ty) {
            let block = self.current.unwrap_or(BlockId::new(self.func, 0));
            let inst = format!("{ty}.{}", op.name());
            self.operand_error(
                block,
                &inst,
                format!("`{}` does not exist for {ty}", op.name()),
            );
            return ValueId::INVALID;
        }
        self.compare(op, ty, a, b)
    }

    pub fn convert(&mut self, op: ConvOp, a: ValueId) -> ValueId {
        self.ins1(Op::Convert(op, a))
    }

    /// The conversion `kind` of `a` to `to`, from the type of `a`
    /// (`b.conv(ConvKind::ExtendS, Type::I64, x)` for `i64.extend_i32_s` when
    /// `x` is i32).
    pub fn conv(&mut self, kind: ConvKind, to: Type, a: ValueId) -> ValueId {
        let Some(from) = self.infer("conversion", &[a]) else {
            return ValueId::INVALID;
        };
        match ConvOp::new(kind, from, to) {
            Some(op) => self.convert(op, a),
            None => {
                let block = self.current.unwrap_or(BlockId::new(self.func, 0));
                let detail = format!(
                    "no conversion {kind:?} from {from} to {to} ({} is {from})",
                    self.value_name(a)
                );
                self.operand_error(block, "conversion", detail);
                ValueId::INVALID
            }
        }
    }

    pub fn select(
        &mut self,
        ty: Type,
        cond: ValueId,
        if_true: ValueId,
        if_false: ValueId,
    ) -> ValueId {
        self.ins1(Op::Select {
            ty,
            cond,
            if_true,
            if_false,
        })
    }

    pub fn load(&mut self, access: MemAccess, addr: ValueId, offset: u64) -> ValueId {
        self.ins1(Op::Load {
            access,
            addr,
            offset,
            mem: MemId::DEFAULT,
        })
    }

    /// A load of a whole `ty` at `addr + offset`.
    pub fn load_as(&mut self, ty: Type, addr: ValueId, offset: u64) -> ValueId {
        self.load(MemAccess::full(ty), addr, offset)
    }

    pub fn store(&mut self, access: MemAccess, addr: ValueId, value: ValueId, offset: u64) {
        self.ins(Op::Store {
            access,
            addr,
            value,
            offset,
            mem: MemId::DEFAULT,
        });
    }

    /// A store of the whole `value`, at its type, to `addr + offset`.
    pub fn store_value(&mut self, addr: ValueId, value: ValueId, offset: u64) {
        if let Some(ty) = self.infer("store", &[value]) {
            self.store(MemAccess::full(ty), addr, value, offset);
        }
    }

    /// The address of a stack slot (`slot.addr`, a `ptr`).
    pub fn slot_addr(&mut self, slot: SlotId) -> ValueId {
        self.ins1(Op::SlotAddr(slot))
    }

    /// The address of a data definition (`data.addr`, a `ptr`).
    pub fn data_addr(&mut self, data: DataId) -> ValueId {
        self.ins1(Op::DataAddr(data))
    }

    /// A function pointer (`func.addr`, a `ptr`).
    pub fn func_addr(&mut self, func: FuncId) -> ValueId {
        self.ins1(Op::FuncAddr(func))
    }

    /// A call; its results are those of the callee's signature as it is now
    /// (declare it with [`crate::Context::declare_function`] to call it
    /// before its body is built).
    pub fn call(&mut self, func: FuncId, args: &[ValueId]) -> Vec<ValueId> {
        self.ins(Op::Call {
            func,
            args: args.to_vec(),
        })
    }

    /// A call through a function pointer of signature `sig`.
    pub fn call_indirect(
        &mut self,
        sig: Signature,
        callee: ValueId,
        args: &[ValueId],
    ) -> Vec<ValueId> {
        self.ins(Op::CallIndirect {
            sig: Box::new(sig),
            callee,
            args: args.to_vec(),
        })
    }

    pub fn var_get(&mut self, var: VarId) -> ValueId {
        self.ins1(Op::VarGet(var))
    }

    pub fn var_set(&mut self, var: VarId, value: ValueId) {
        self.ins(Op::VarSet(var, value));
    }

    pub fn global_get(&mut self, global: GlobalId) -> ValueId {
        self.ins1(Op::GlobalGet(global))
    }

    pub fn global_set(&mut self, global: GlobalId, value: ValueId) {
        self.ins(Op::GlobalSet(global, value));
    }

    fn terminate(&mut self, term: Terminator) {
        let name = terminator_name(&term);
        if term.operands().contains(&ValueId::INVALID) {
            return;
        }
        let Some(block) = self.open_block(name, true) else {
            return;
        };
        if !self.check_refs(block, name, &term.operands(), None) {
            return;
        }
        if let Some(bad) = term.edges().find(|e| !self.func().has_block(e.block)) {
            let at = self.place(Some(block));
            let (id, tag) = (bad.block.as_u32(), bad.block.func());
            self.bad_id(at, name, "block", id, tag);
            return;
        }
        let loc = self.loc;
        let block = &mut self.func_mut().blocks[block.index()];
        block.term = Some(term);
        block.term_loc = loc;
    }

    pub fn jump(&mut self, block: BlockId, args: &[ValueId]) {
        let edge = Edge::new(self.phys(block), args.to_vec());
        self.terminate(Terminator::Jump(edge));
    }

    pub fn brif(&mut self, cond: ValueId, then_edge: Edge, else_edge: Edge) {
        self.terminate(Terminator::BrIf {
            cond,
            then_edge: self.edge(then_edge),
            else_edge: self.edge(else_edge),
        });
    }

    pub fn switch(&mut self, index: ValueId, targets: Vec<Edge>, default: Edge) {
        self.terminate(Terminator::Switch {
            index,
            targets: targets.into_iter().map(|e| self.edge(e)).collect(),
            default: self.edge(default),
        });
    }

    /// A general switch on an i32, i64 or ptr `value`: each case's value is
    /// its literal in 64-bit two's complement (`-1` for an i32 is fine).
    /// Without cases it is a `jump` to `default` (the text has no empty
    /// general switch: `switch %x, [], d` is a table).
    pub fn switch_cases(&mut self, value: ValueId, cases: Vec<(i64, Edge)>, default: Edge) {
        if cases.is_empty() {
            return self.jump(default.block, &default.args);
        }
        let cases = cases.into_iter().map(|(value, edge)| Case {
            value: value as u64,
            edge: self.edge(edge),
        });
        self.terminate(Terminator::Cases {
            value,
            cases: cases.collect(),
            default: self.edge(default),
        });
    }

    pub fn ret(&mut self, values: &[ValueId]) {
        self.terminate(Terminator::Return(values.to_vec()));
    }

    pub fn unreachable(&mut self) {
        self.terminate(Terminator::Unreachable);
    }
}

fn terminator_name(term: &Terminator) -> &'static str {
    match term {
        Terminator::Jump(_) => "jump",
        Terminator::BrIf { .. } => "brif",
        Terminator::Switch { .. } | Terminator::Cases { .. } => "switch",
        Terminator::Return(_) => "return",
        Terminator::Unreachable => "unreachable",
    }
}
