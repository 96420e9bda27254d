//! The IR verifier: the checks every later stage relies on.
//!
//! IR reaches the verifier from the parser (names resolved, types unchecked)
//! or from the builder (nothing checked, spans `Span::NONE`), so nothing is
//! trusted: ids are bounds-checked before use and every error is collected
//! rather than stopping at the first. The checks are target-independent: a
//! module that passes compiles for wasm64 and for wasm32 alike.

use crate::analysis::{Cfg, DomTree};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::ir::*;
use std::collections::HashSet;

/// The largest load/store offset: wasm32's memarg offsets are 32-bit.
const MAX_OFFSET: u64 = u32::MAX as u64;
/// The largest slot alignment: the stack pointer itself is 16-aligned.
const MAX_SLOT_ALIGN: u32 = 16;
/// The largest slot, so that frame sizes cannot overflow on wasm32.
const MAX_SLOT_SIZE: u64 = 1 << 31;
/// The largest data alignment: one wasm page.
const MAX_DATA_ALIGN: u32 = 65536;
pub mod limits;
mod locations;
mod memories;
mod readonly;
mod threads;
use limits::*;

/// Checks a module that is to be lowered or run: a unit ([`verify_unit`])
/// whose `extern data` and `extern global`s are all resolved, which only
/// the linker does. Returns every error found, in source order.
pub fn verify_module(module: &Module) -> Result<(), Diagnostics> {
    verify(module, true)
}

/// Checks a compilation unit: everything [`verify_module`] checks except that
/// it may declare `extern data` and `extern global`s for the linker.
pub fn verify_unit(module: &Module) -> Result<(), Diagnostics> {
    verify(module, false)
}

/// What [`verify_module`] checks beyond [`verify_unit`]: that no `extern data`
/// or `extern global` is left. For a module that passed `verify_unit`, this
/// fails exactly when `verify_module` does, with the same errors, without
/// checking every function again.
pub fn verify_complete(module: &Module) -> Result<(), Diagnostics> {
    let mut v = Verifier::new(module);
    v.check_visibility(true);
    v.check_thread_start_defined();
    v.finish()
}

fn verify(module: &Module, complete: bool) -> Result<(), Diagnostics> {
    let mut v = Verifier::new(module);
    for global in &module.globals {
        v.check_global(global);
    }
    for data in &module.data {
        v.check_data(data);
    }
    v.check_memory();
    v.errors.extend(memories::check_module(module));
    v.check_visibility(complete);
    v.check_threads();
    if complete {
        // A unit may leave `@wasi_thread_start` to another one.
        v.check_thread_start_defined();
    }
    v.errors.extend(locations::check_module(module));
    // Functions are checked independently (on several threads for a large
    // module); their errors join the module's in function order.
    let per_function = crate::parallel::map(&module.funcs, |func| {
        let mut checker = Verifier::new(module);
        FuncChecker::new(&mut checker, func).check();
        checker
            .errors
            .extend(locations::check_function(module, func));
        checker.errors
    });
    v.errors.extend(per_function.into_iter().flatten());
    v.finish()
}

/// The operators that exist, looked up by every function's checks.
struct Tables {
    conversions: FxHashSet<ConvOp>,
    loads: FxHashSet<MemAccess>,
    stores: FxHashSet<MemAccess>,
    atomics: FxHashSet<(AtomicOp, MemAccess)>,
}

fn tables() -> &'static Tables {
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| Tables {
        conversions: ConvOp::all().into_iter().collect(),
        loads: MemAccess::loads().into_iter().collect(),
        stores: MemAccess::stores().into_iter().collect(),
        atomics: AtomicOp::all().into_iter().collect(),
    })
}

/// Module-wide state: the module, the opcode tables and the errors so far.
struct Verifier<'m> {
    module: &'m Module,
    errors: Vec<Diagnostic>,
    tables: &'static Tables,
}

impl<'m> Verifier<'m> {
    fn new(module: &'m Module) -> Verifier<'m> {
        Verifier {
            module,
            errors: Vec::new(),
            tables: tables(),
        }
    }

    fn finish(mut self) -> Result<(), Diagnostics> {
        if self.errors.is_empty() {
            return Ok(());
        }
        // Stable: builder-made IR (all spans empty) keeps discovery order.
        self.errors.sort_by_key(|d| d.span.start);
        Err(self.errors.into())
    }

    fn error(&mut self, message: impl Into<String>, span: Span) {
        self.errors.push(Diagnostic::new(message, span));
    }

    fn mismatch(&mut self, expected: Type, found: Type, span: Span) {
        if expected != found {
            self.error(
                format!("type mismatch: expected {expected}, found {found}"),
                span,
            );
        }
    }

    fn func_exists(&mut self, id: FuncId, span: Span) -> Option<&'m Function> {
        let found = self.module.funcs.get(id.index());
        if found.is_none() {
            self.error(format!("function id {} is out of range", id.0), span);
        }
        found
    }

    fn data_exists(&mut self, id: DataId, span: Span) -> bool {
        let ok = id.index() < self.module.data.len();
        if !ok {
            self.error(format!("data id {} is out of range", id.0), span);
        }
        ok
    }

    fn global_exists(&mut self, id: GlobalId, span: Span) -> Option<&'m Global> {
        let found = self.module.globals.get(id.index());
        if found.is_none() {
            self.error(format!("global id {} is out of range", id.0), span);
        }
        found
    }

    /// `ptr` constants are emitted as `i32.const` on wasm32, so they must fit.
    fn check_const(&mut self, c: Const, span: Span) {
        if let Const::Ptr(v) = c
            && v > u32::MAX as u64
        {
            self.error(
                format!("ptr constant {v} does not fit in 32 bits (wasm32)"),
                span,
            );
        }
    }

    fn check_global(&mut self, global: &Global) {
        let span = global.span;
        match global.init {
            GlobalInit::Const(c) => {
                self.mismatch(global.ty, c.ty(), span);
                self.check_const(c, span);
            }
            GlobalInit::DataAddr(d, _) => {
                self.mismatch(global.ty, Type::Ptr, span);
                self.data_exists(d, span);
            }
            GlobalInit::FuncAddr(f) => {
                self.mismatch(global.ty, Type::Ptr, span);
                self.func_exists(f, span);
            }
        }
    }

    fn check_data(&mut self, data: &Data) {
        if !data.align.is_power_of_two() || data.align > MAX_DATA_ALIGN {
            self.error(
                format!(
                    "data alignment must be a power of two at most {MAX_DATA_ALIGN}, found {}",
                    data.align
                ),
                data.span,
            );
        }
        for item in &data.items {
            match *item {
                DataItem::DataAddr(d, _) => {
                    self.data_exists(d, data.span);
                }
                DataItem::FuncAddr(f) => {
                    self.func_exists(f, data.span);
                }
                DataItem::Ptr(n) if n > u32::MAX as u64 => self.error(
                    format!("ptr constant {n} does not fit in 32 bits (wasm32)"),
                    data.span,
                ),
                DataItem::Bytes(_) | DataItem::Scalar(_) | DataItem::Zero(_) | DataItem::Ptr(_) => {
                }
            }
        }
    }
}

impl Verifier<'_> {
    /// The memory map: data and the shadow stack fit in the memory's maximum
    /// on both targets (wasm64's pointers are the wider, so its data is the
    /// larger), and the data segments are within the limit of wasm engines.
    fn check_memory(&mut self) {
        for target in [Target::Wasm64, Target::Wasm32] {
            if let Err(error) = crate::memory::data_layout(self.module, target) {
                self.errors.push(error);
                return;
            }
        }
        self.check_module_limits();
        let segments = crate::memory::data_segment_bound(self.module);
        if segments > MAX_DATA_SEGMENTS {
            let span = self.module.data.last().map_or(Span::NONE, |d| d.span);
            self.error(
                format!(
                    "the module's data needs {segments} data segments, more than the limit \
                     of {MAX_DATA_SEGMENTS} of wasm engines"
                ),
                span,
            );
        }
    }

    /// The module-wide limits of wasm engines ([`limits`]).
    fn check_module_limits(&mut self) {
        let module = self.module;
        let imports = module.funcs.iter().filter(|f| f.is_import()).count();
        // On wasm64 a WASI import may also get an adapter function.
        let functions = module.funcs.len() + imports;
        if functions + RESERVED > MAX_FUNCTIONS {
            let at = (MAX_FUNCTIONS - RESERVED) / 2;
            let span = module.funcs.get(at).map_or(Span::NONE, |f| f.span);
            self.error(
                format!(
                    "the module has {} functions ({imports} of them imported, which count twice), \
                     more than the limit of {} of wasm engines (less {RESERVED} kept for the lowering)",
                    module.funcs.len(),
                    MAX_FUNCTIONS
                ),
                span,
            );
        }
        if module.globals.len() + RESERVED > MAX_GLOBALS {
            let span = module.globals[MAX_GLOBALS - RESERVED].span;
            self.error(
                format!(
                    "the module has {} globals, more than the limit of {MAX_GLOBALS} of wasm \
                     engines (less {RESERVED} kept for the lowering)",
                    module.globals.len()
                ),
                span,
            );
        }
        // Types: the distinct signatures of functions and indirect calls,
        // counted only when there could be too many.
        let indirect = || {
            (module.funcs.iter())
                .flat_map(|f| f.blocks.iter().flat_map(|b| &b.insts))
                .filter_map(|inst| match &inst.op {
                    Op::CallIndirect { sig, .. } => Some(&**sig),
                    _ => None,
                })
        };
        if module.funcs.len() + RESERVED > MAX_TYPES
            || module.funcs.len() + indirect().count() + RESERVED > MAX_TYPES
        {
            let sigs: FxHashSet<&Signature> = (module.funcs.iter().map(|f| &f.sig))
                .chain(indirect())
                .collect();
            if sigs.len() + RESERVED > MAX_TYPES {
                self.error(
                    format!(
                        "the module has {} distinct function signatures, more than the limit of \
                         {MAX_TYPES} types of wasm engines (less {RESERVED} kept for the lowering)",
                        sigs.len()
                    ),
                    Span::NONE,
                );
            }
        }
        // Imports and exports: the functions imported and the public ones.
        let mut size = 1 + RESERVED;
        for func in &module.funcs {
            if func.is_import() || func.linkage == Linkage::Public {
                size += 2 + func.sig.params.len() + func.sig.results.len();
                if size >= MAX_TYPE_SIZE {
                    self.error(
                        format!(
                            "the signatures of the module's imports and exports add up to more \
                             than the limit of {MAX_TYPE_SIZE} of wasm engines (2 plus the \
                             parameters and results of each function imported or `pub`) at `@{}`",
                            func.name
                        ),
                        func.span,
                    );
                    break;
                }
            }
        }
    }

    /// Visibility entries name existing entities, extern data has no
    /// contents, and a `complete` module has no extern left.
    fn check_visibility(&mut self, complete: bool) {
        let module = self.module;
        for (&id, &vis) in &module.global_visibility {
            let Some(global) = self.global_exists(id, Span::NONE) else {
                continue;
            };
            if complete && vis == Visibility::Extern {
                self.unresolved("global", &global.name, global.span);
            }
        }
        for (&id, &vis) in &module.data_visibility {
            if !self.data_exists(id, Span::NONE) || vis != Visibility::Extern {
                continue;
            }
            let data = module.data_def(id);
            if !data.items.is_empty() {
                let message = format!("extern data `@{}` cannot have contents", data.name);
                self.error(message, data.span);
            }
            if complete {
                self.unresolved("data", &data.name, data.span);
            }
        }
    }

    fn unresolved(&mut self, kind: &str, name: &str, span: Span) {
        self.error(
            format!(
                "extern {kind} `@{name}` is not defined in this module: \
                 link it with the module that defines it (`vitte-wat link`)"
            ),
            span,
        );
    }
}

/// Where a value is defined, found from the function's structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Site {
    Param,
    BlockParam(BlockId),
    /// The instruction at this index of the block.
    Inst(BlockId, usize),
}

/// The checks of one function.
struct FuncChecker<'v, 'm> {
    v: &'v mut Verifier<'m>,
    func: &'m Function,
    /// The definition site of each value, `None` if it has none.
    defs: Vec<Option<Site>>,
    /// The errors before this one have been located ([`FuncChecker::locate`]).
    located: usize,
}

impl<'v, 'm> FuncChecker<'v, 'm> {
    fn new(v: &'v mut Verifier<'m>, func: &'m Function) -> FuncChecker<'v, 'm> {
        let located = v.errors.len();
        FuncChecker {
            v,
            func,
            defs: vec![None; func.values.len()],
            located,
        }
    }

    /// IR built in memory has no spans to point at: the errors found since
    /// the last call get a note naming the function, and the block and
    /// instruction (its index in the block, from 0) or terminator concerned.
    fn locate(&mut self, block: Option<BlockId>, inst: Option<usize>) {
        let start = std::mem::replace(&mut self.located, self.v.errors.len());
        if !self.func.span.is_none() || start == self.located {
            return;
        }
        let note = self.place(block, inst);
        for d in &mut self.v.errors[start..] {
            d.notes.push((note.clone(), Span::NONE, None));
        }
    }

    fn place(&self, block: Option<BlockId>, inst: Option<usize>) -> String {
        let mut place = format!("in function `@{}`", self.func.name);
        let Some(b) = block.and_then(|b| self.func.blocks.get(b.index()).map(|d| (b, d))) else {
            return place;
        };
        match b.1.name.as_str() {
            "" => place += &format!(", block {}", b.0.index()),
            name => place += &format!(", block `{name}`"),
        }
        match inst {
            Some(i) if i < b.1.insts.len() => {
                let op = op_name(self.v.module, &b.1.insts[i].op);
                place += &format!(", instruction {i} `{op}`");
            }
            Some(_) => place += ", its terminator",
            None => {}
        }
        place
    }

    fn error(&mut self, message: impl Into<String>, span: Span) {
        self.v.error(message, span);
    }

    fn value_name(&self, id: ValueId) -> String {
        match self.func.values.get(id.index()) {
            Some(data) if !data.name.is_empty() => format!("%{}", data.name),
            _ => format!("%{}", id.index()),
        }
    }

    fn check(mut self) {
        let func = self.func;
        self.check_function_limits();
        if func.is_import() {
            if !func.blocks.is_empty() {
                let message = format!("imported function `@{}` cannot have a body", func.name);
                self.error(message, func.span);
            }
            return self.locate(None, None);
        }
        if func.blocks.is_empty() {
            self.error(
                format!("function `@{}` has no blocks", func.name),
                func.span,
            );
            return self.locate(None, None);
        }
        self.check_params();
        self.check_slots();
        self.collect_block_defs();
        self.locate(None, None);
        for (index, block) in func.blocks.iter().enumerate() {
            self.check_block(func.block_id(index), block);
        }
        self.check_uses();
    }

    /// Parameter values agree with the signature and are recorded as defined.
    /// A function's own limits of wasm engines ([`limits`]): its signature,
    /// its names, and the locals its variables need (one each, besides the
    /// parameters and the frame; the values' locals, which the lowering
    /// shares, are checked when it is done).
    fn check_function_limits(&mut self) {
        let func = self.func;
        let sig = &func.sig;
        for (count, limit, what) in [
            (sig.params.len(), MAX_PARAMS, "parameters"),
            (sig.results.len(), MAX_RESULTS, "results"),
        ] {
            if count > limit {
                self.error(
                    format!(
                        "function `@{}` has {count} {what}, more than the limit of {limit} of \
                         wasm engines",
                        func.name
                    ),
                    func.span,
                );
            }
        }
        let locals = sig.params.len() + func.vars.len() + 1;
        if locals > MAX_LOCALS {
            self.error(
                format!(
                    "function `@{}` needs {locals} locals for its parameters, {} variables and \
                     its frame, more than the limit of {MAX_LOCALS} of wasm engines",
                    func.name,
                    func.vars.len()
                ),
                func.span,
            );
        }
        let mut names: Vec<(&str, &str)> = Vec::new();
        if let Linkage::Import { module, name } = &func.linkage {
            names.extend([
                ("import module name", module.as_str()),
                ("import name", name),
            ]);
        }
        if func.linkage == Linkage::Public {
            names.push(("export name", &func.name));
        }
        for (what, name) in names {
            if name.len() > MAX_NAME {
                self.error(
                    format!(
                        "the {what} of function `@{}` is {} bytes long, more than the limit of \
                         {MAX_NAME} of wasm engines",
                        func.name,
                        name.len()
                    ),
                    func.span,
                );
            }
        }
    }

    fn check_params(&mut self) {
        let func = self.func;
        if func.params.len() != func.sig.params.len() {
            let message = format!(
                "function `@{}` has {} parameter types but {} parameter values",
                func.name,
                func.sig.params.len(),
                func.params.len()
            );
            self.error(message, func.span);
        }
        for (i, &value) in func.params.iter().enumerate() {
            if let Some(ty) = self.define(value, Site::Param, ValueDef::Param(i as u32), func.span)
                && let Some(&expected) = func.sig.params.get(i)
            {
                let span = func.values[value.index()].span;
                let span = if span.is_none() { func.span } else { span };
                self.v.mismatch(expected, ty, span);
            }
        }
    }

    fn check_slots(&mut self) {
        for slot in &self.func.slots {
            if !slot.align.is_power_of_two() || slot.align > MAX_SLOT_ALIGN {
                let message = format!(
                    "slot alignment must be a power of two at most {MAX_SLOT_ALIGN}, found {}",
                    slot.align
                );
                self.error(message, slot.span);
            }
            if slot.size > MAX_SLOT_SIZE {
                let message = format!(
                    "slot `${}` is too large: {} bytes, at most {MAX_SLOT_SIZE}",
                    slot.name, slot.size
                );
                self.error(message, slot.span);
            }
        }
    }

    /// Records block parameters and instruction results before any use is
    /// checked, since a use may come before its definition in block order.
    fn collect_block_defs(&mut self) {
        let func = self.func;
        for (b, block) in func.blocks.iter().enumerate() {
            let id = func.block_id(b);
            for (i, &value) in block.params.iter().enumerate() {
                let def = ValueDef::BlockParam(id, i as u32);
                self.define(value, Site::BlockParam(id), def, block.span);
            }
            for (index, inst) in block.insts.iter().enumerate() {
                for (result, &value) in inst.results.iter().enumerate() {
                    let def = ValueDef::InstResult {
                        block: id,
                        index: index as u32,
                        result: result as u32,
                    };
                    self.define(value, Site::Inst(id, index), def, inst.span);
                }
            }
        }
    }

    /// Records a definition; returns the value's type when it exists.
    fn define(&mut self, value: ValueId, site: Site, def: ValueDef, span: Span) -> Option<Type> {
        let data = self.lookup(value, span)?;
        // Names are formatted only for a message: this runs per definition.
        if self.defs[value.index()].is_some() {
            let name = self.value_name(value);
            self.error(format!("value {name} is defined more than once"), span);
        } else {
            self.defs[value.index()] = Some(site);
            if data.def != def {
                let name = self.value_name(value);
                let message = format!("value {name} is not defined where its record says");
                self.error(message, span);
            }
        }
        Some(data.ty)
    }

    /// The type of a value, or `None` (reported) when it does not exist.
    fn type_of(&mut self, value: ValueId, span: Span) -> Option<Type> {
        self.lookup(value, span).map(|d| d.ty)
    }

    /// The record of a value, or `None` (reported) when the id is out of
    /// range or is another function's: IR built by hand can hold one, and
    /// this function's value of that index would be read in its place.
    fn lookup(&mut self, value: ValueId, span: Span) -> Option<&'m ValueData> {
        let (index, tag) = (value.index(), value.func());
        let len = self.func.values.len();
        self.local_id("value", index, tag, len, span)
            .then(|| &self.func.values[index])
    }

    /// Whether the `what` id of `index` and tag `tag` is one of this
    /// function's `len`; reported when it is another function's or out of
    /// range.
    fn local_id(&mut self, what: &str, index: usize, tag: FuncId, len: usize, span: Span) -> bool {
        if tag != self.func.tag() {
            let owner = match self.v.module.funcs.get(tag.index()) {
                Some(f) => format!("function `@{}`", f.name),
                None => "another function".into(),
            };
            let name = &self.func.name;
            self.error(
                format!("{what} id {index} belongs to {owner}, not to `@{name}`"),
                span,
            );
            return false;
        }
        if index >= len {
            self.error(format!("{what} id {index} is out of range"), span);
        }
        index < len
    }

    /// An operand must have a type; the message names the operand, since
    /// the span covers the whole instruction.
    fn expect(&mut self, value: ValueId, expected: Type, span: Span) {
        if let Some(found) = self.type_of(value, span)
            && found != expected
        {
            let name = self.value_name(value);
            self.error(
                format!("type mismatch: {name} is {found}, expected {expected}"),
                span,
            );
        }
    }

    /// Each distinct operand once: `i32.add %x, %x` with an i64 `%x` is one error.
    fn expect_all(&mut self, values: &[ValueId], types: &[Type], span: Span) {
        for (i, (&value, &ty)) in values.iter().zip(types).enumerate() {
            if !values[..i]
                .iter()
                .zip(types)
                .any(|(&v, &t)| (v, t) == (value, ty))
            {
                self.expect(value, ty, span);
            }
        }
    }

    fn check_block(&mut self, id: BlockId, block: &'m Block) {
        if id == self.func.entry() && !block.params.is_empty() {
            let message = format!("entry block `{}` cannot have parameters", block.name);
            self.error(message, block.span);
        }
        self.locate(Some(id), None);
        for (index, inst) in block.insts.iter().enumerate() {
            self.check_inst(inst);
            self.locate(Some(id), Some(index));
        }
        match &block.term {
            Some(term) => {
                self.check_terminator(term, block.term_span);
                self.locate(Some(id), Some(block.insts.len()));
            }
            None => {
                let message = format!("block `{}` has no terminator", block.name);
                self.error(message, block.span);
                self.locate(Some(id), None);
            }
        }
    }

    fn check_inst(&mut self, inst: &'m Inst) {
        self.check_op(&inst.op, inst.span);
        self.check_results(inst);
    }

    /// The results agree in number and type with what the operator defines.
    fn check_results(&mut self, inst: &Inst) {
        let Some(types) = self.v.module.result_types(self.func, &inst.op) else {
            return; // a missing operand or entity, already reported
        };
        if inst.results.len() != types.len() {
            let message = format!(
                "wrong number of results: `{}` defines {}, found {}",
                op_name(self.v.module, &inst.op),
                types.len(),
                inst.results.len()
            );
            self.error(message, inst.span);
            return;
        }
        for (&value, &ty) in inst.results.iter().zip(&types) {
            if self.func.has_value(value) {
                self.v.mismatch(ty, self.func.value_type(value), inst.span);
            }
        }
    }

    fn check_op(&mut self, op: &'m Op, span: Span) {
        match op {
            Op::Const(c) => self.v.check_const(*c, span),
            Op::Unary(u, ty, a) => {
                self.operator_exists(u.accepts(*ty), op, span);
                self.expect(*a, *ty, span);
            }
            Op::Binary(b, ty, x, y) => {
                self.operator_exists(b.accepts(*ty), op, span);
                self.expect_all(&[*x, *y], &[*ty, *ty], span);
            }
            Op::Compare(c, ty, x, y) => {
                self.operator_exists(c.accepts(*ty), op, span);
                self.expect_all(&[*x, *y], &[*ty, *ty], span);
            }
            Op::Convert(conv, a) => {
                let known = self.v.tables.conversions.contains(conv);
                self.operator_exists(known, op, span);
                self.expect(*a, conv.from, span);
            }
            Op::Select {
                ty,
                cond,
                if_true,
                if_false,
            } => {
                self.expect(*cond, Type::I32, span);
                self.expect_all(&[*if_true, *if_false], &[*ty, *ty], span);
            }
            _ => self.check_memory_op(op, span),
        }
    }

    fn operator_exists(&mut self, exists: bool, op: &Op, span: Span) {
        if !exists {
            let message = format!("unknown operator `{}`", op_name(self.v.module, op));
            self.error(message, span);
        }
    }

    /// The index type of memory `mem`, or an error at `span`.
    fn index_type(&mut self, mem: MemId, span: Span) -> Option<Type> {
        memories::index_type(self.v.module, mem)
            .map_err(|message| self.error(message, span))
            .ok()
    }

    fn check_offset(&mut self, offset: u64, span: Span) {
        if offset > MAX_OFFSET {
            let message = format!("offset {offset} does not fit in 32 bits (wasm32)");
            self.error(message, span);
        }
    }

    fn check_memory_op(&mut self, op: &'m Op, span: Span) {
        if let Some(data) = readonly::written(self.v.module, self.func, op) {
            let name = &self.v.module.data_def(data).name;
            let what = op_name(self.v.module, op);
            let message = format!("`{what}` writes `@{name}`, which is read-only data (`const`)");
            self.error(message, span);
        }
        match op {
            Op::Load {
                access,
                addr,
                offset,
                mem,
            } => {
                let known = self.v.tables.loads.contains(access);
                self.operator_exists(known, op, span);
                if let Some(index) = self.index_type(*mem, span) {
                    self.expect(*addr, index, span);
                }
                self.check_offset(*offset, span);
            }
            Op::Store {
                access,
                addr,
                value,
                offset,
                mem,
            } => {
                let known = self.v.tables.stores.contains(access);
                self.operator_exists(known, op, span);
                if let Some(index) = self.index_type(*mem, span) {
                    self.expect_all(&[*addr, *value], &[index, access.ty], span);
                }
                self.check_offset(*offset, span);
            }
            Op::Atomic {
                op: atomic,
                access,
                addr,
                args,
                ..
            } => {
                let known = self.v.tables.atomics.contains(&(*atomic, *access));
                self.operator_exists(known, op, span);
                let mut values = vec![*addr];
                values.extend(&args[..atomic.arity()]);
                self.expect_all(&values, &atomic_operand_types(*atomic, access.ty), span);
            }
            Op::StackAlloc(delta) | Op::StackRestore(delta) => self.expect(*delta, Type::Ptr, span),
            Op::MemorySize(mem) => {
                self.index_type(*mem, span);
            }
            Op::MemoryGrow(mem, delta) => {
                if let Some(index) = self.index_type(*mem, span) {
                    self.expect(*delta, index, span)
                }
            }
            Op::MemoryCopy {
                dst,
                src,
                len,
                dst_mem,
                src_mem,
            } => {
                let d = self.index_type(*dst_mem, span);
                let s = self.index_type(*src_mem, span);
                if let (Some(d), Some(s)) = (d, s) {
                    let len_ty = Type::smaller_index(d, s);
                    self.expect_all(&[*dst, *src, *len], &[d, s, len_ty], span)
                }
            }
            Op::MemoryFill {
                dst,
                byte,
                len,
                mem,
            } => {
                if let Some(index) = self.index_type(*mem, span) {
                    let types = [index, Type::I32, index];
                    self.expect_all(&[*dst, *byte, *len], &types, span)
                }
            }
            _ => self.check_entity_op(op, span),
        }
    }

    fn check_entity_op(&mut self, op: &'m Op, span: Span) {
        match op {
            Op::SlotAddr(slot) => {
                let len = self.func.slots.len();
                self.local_id("slot", slot.index(), slot.func(), len, span);
            }
            Op::DataAddr(d) => {
                self.v.data_exists(*d, span);
            }
            Op::FuncAddr(f) => {
                self.v.func_exists(*f, span);
            }
            Op::Call { func, args } => {
                if let Some(callee) = self.v.func_exists(*func, span) {
                    let name = format!("`@{}`", callee.name);
                    self.check_args(&name, &callee.sig, args, span);
                }
            }
            Op::CallIndirect { sig, callee, args } => {
                self.expect(*callee, Type::Ptr, span);
                if sig.params.len() > MAX_PARAMS || sig.results.len() > MAX_RESULTS {
                    self.error(
                        format!(
                            "call_indirect's signature has {} parameters and {} results, more \
                             than the limit of {MAX_PARAMS} each of wasm engines",
                            sig.params.len(),
                            sig.results.len()
                        ),
                        span,
                    );
                }
                self.check_args(&format!("`{sig}`"), sig, args, span);
            }
            Op::GlobalGet(g) => {
                self.v.global_exists(*g, span);
            }
            Op::GlobalSet(g, value) => self.check_global_set(*g, *value, span),
            Op::VarGet(var) => {
                self.var_type(*var, span);
            }
            Op::VarSet(var, value) => {
                if let Some(ty) = self.var_type(*var, span) {
                    self.expect(*value, ty, span);
                }
            }
            _ => {}
        }
    }

    fn check_args(&mut self, callee: &str, sig: &Signature, args: &[ValueId], span: Span) {
        if args.len() != sig.params.len() {
            let message = format!(
                "wrong number of arguments: {callee} takes {}, found {}",
                sig.params.len(),
                args.len()
            );
            self.error(message, span);
        }
        self.expect_all(args, &sig.params, span);
    }

    fn check_global_set(&mut self, g: GlobalId, value: ValueId, span: Span) {
        let Some(global) = self.v.global_exists(g, span) else {
            return;
        };
        if !global.mutable {
            let message = format!("cannot set immutable global `@{}`", global.name);
            self.error(message, span);
        }
        self.expect(value, global.ty, span);
    }

    fn var_type(&mut self, var: VarId, span: Span) -> Option<Type> {
        let len = self.func.vars.len();
        self.local_id("variable", var.index(), var.func(), len, span)
            .then(|| self.func.vars[var.index()].ty)
    }

    /// A general switch's scrutinee is an integer, and its case values are
    /// distinct and fit its type: i32 values signed or unsigned, ptr values
    /// below 2^32 (so that the switch means the same on both targets).
    fn check_cases(&mut self, value: ValueId, cases: &[Case], span: Span) {
        let Some(ty) = self.type_of(value, span) else {
            return;
        };
        let fits: fn(u64) -> bool = match ty {
            Type::I32 => |v| v <= u32::MAX as u64 || v >= (i32::MIN as i64) as u64,
            Type::I64 => |_| true,
            Type::Ptr => |v| v <= u32::MAX as u64,
            _ => {
                let name = self.value_name(value);
                let message = format!("switch on {name} of type {ty}: expected i32, i64 or ptr");
                return self.error(message, span);
            }
        };
        if cases.is_empty() {
            // It would print as `switch %x, [], d`, a table on an i32.
            return self.error("a general switch without cases: use `jump`", span);
        }
        let mut seen: FxHashMap<u64, usize> = FxHashMap::default();
        for (i, case) in cases.iter().enumerate() {
            let shown = case.value as i64;
            if !fits(case.value) {
                self.error(format!("case value {shown} does not fit in {ty}"), span);
            } else if let Some(&first) = seen.get(&case.in_width(ty)) {
                let earlier = cases[first].value as i64;
                let message = format!(
                    "duplicate case value {shown}: as an {ty} it equals case {} ({earlier})",
                    first + 1
                );
                self.error(message, span);
            } else {
                seen.insert(case.in_width(ty), i);
            }
        }
    }

    fn check_terminator(&mut self, term: &Terminator, span: Span) {
        match term {
            Terminator::BrIf { cond, .. } => self.expect(*cond, Type::I32, span),
            Terminator::Switch { index, .. } => self.expect(*index, Type::I32, span),
            Terminator::Cases { value, cases, .. } => self.check_cases(*value, cases, span),
            Terminator::Return(values) => self.check_return(values, span),
            Terminator::Jump(_) | Terminator::Unreachable => {}
        }
        for edge in term.edges() {
            self.check_edge(edge, span);
        }
    }

    fn check_return(&mut self, values: &[ValueId], span: Span) {
        let func = self.func;
        if values.len() != func.sig.results.len() {
            let message = format!(
                "wrong number of return values: `@{}` returns {}, found {}",
                func.name,
                func.sig.results.len(),
                values.len()
            );
            self.error(message, span);
        }
        self.expect_all(values, &func.sig.results, span);
    }

    fn check_edge(&mut self, edge: &Edge, span: Span) {
        let (index, tag) = (edge.block.index(), edge.block.func());
        if !self.local_id("block", index, tag, self.func.blocks.len(), span) {
            return;
        }
        let target = &self.func.blocks[index];
        if edge.args.len() != target.params.len() {
            let message = format!(
                "wrong number of block arguments: `{}` takes {}, found {}",
                target.name,
                target.params.len(),
                edge.args.len()
            );
            self.error(message, span);
        }
        for (&arg, &param) in edge.args.iter().zip(&target.params) {
            if self.func.has_value(param) {
                self.expect(arg, self.func.value_type(param), span);
            }
        }
    }

    /// Every use is defined, and in reachable blocks, dominated by its definition.
    fn check_uses(&mut self) {
        let func = self.func;
        let cfg = Cfg::new(func);
        let dom = DomTree::new(&cfg);
        for (b, block) in func.blocks.iter().enumerate() {
            let id = func.block_id(b);
            let reachable = cfg.is_reachable(id);
            for (index, inst) in block.insts.iter().enumerate() {
                for value in distinct(inst.op.operands().collect()) {
                    self.check_use(value, (id, index), reachable, (&cfg, &dom), inst.span);
                }
                self.locate(Some(id), Some(index));
            }
            if let Some(term) = &block.term {
                let at = (id, block.insts.len());
                for value in distinct(term.operands()) {
                    self.check_use(value, at, reachable, (&cfg, &dom), block.term_span);
                }
                self.locate(Some(id), Some(at.1));
            }
        }
    }

    fn check_use(
        &mut self,
        value: ValueId,
        at: (BlockId, usize),
        reachable: bool,
        (cfg, dom): (&Cfg, &DomTree),
        span: Span,
    ) {
        let def = match self.defs.get(value.index()) {
            Some(&def) if value.func() == self.func.tag() => def,
            _ => return, // out of range or foreign: reported by the type checks
        };
        let Some(site) = def else {
            let name = self.value_name(value);
            self.error(format!("value {name} is used but never defined"), span);
            return;
        };
        if !reachable || dominates(site, at, cfg, dom) {
            return;
        }
        let name = self.value_name(value);
        let def_span = self.func.values[value.index()].span;
        let mut diagnostic = Diagnostic::new(
            format!("value {name} is used where its definition does not dominate"),
            span,
        )
        .with_note(format!("{name} is defined here"), def_span);
        if self.func.span.is_none() {
            let (block, inst) = match site {
                Site::Param => (None, None),
                Site::BlockParam(b) => (Some(b), None),
                Site::Inst(b, i) => (Some(b), Some(i)),
            };
            let note = format!("{name} is defined {}", self.place(block, inst));
            diagnostic = diagnostic.with_note(note, Span::NONE);
        }
        self.v.errors.push(diagnostic);
    }
}

/// The values in first-use order without repeats, so that `i32.add %x, %x`
/// reports a bad `%x` once.
fn distinct(mut values: Vec<ValueId>) -> Vec<ValueId> {
    if values.len() <= 16 {
        // Operand lists are short: a scan is cheaper than a hash set for
        // every instruction.
        let mut kept = 0;
        for i in 0..values.len() {
            if !values[..kept].contains(&values[i]) {
                values[kept] = values[i];
                kept += 1;
            }
        }
        values.truncate(kept);
        return values;
    }
    let mut seen = HashSet::new();
    values.retain(|v| seen.insert(*v));
    values
}

/// Whether a definition at `site` is visible at position `at` (an
/// instruction index, or the block length for the terminator) of a reachable block.
fn dominates(site: Site, (block, pos): (BlockId, usize), cfg: &Cfg, dom: &DomTree) -> bool {
    let visible_from = |def: BlockId| cfg.is_reachable(def) && dom.dominates(def, block);
    match site {
        Site::Param => true,
        Site::BlockParam(def) => visible_from(def),
        Site::Inst(def, index) if def == block => index < pos,
        Site::Inst(def, _) => visible_from(def),
    }
}

/// The text mnemonic of an operator, for messages; a call names its callee.
fn op_name(module: &Module, op: &Op) -> String {
    match op {
        Op::Call { func, .. } => match module.funcs.get(func.index()) {
            Some(f) => format!("call @{}", f.name),
            None => "call".into(),
        },
        _ => op.mnemonic(),
    }
}

/// The types of an atomic access's operands, the address first.
fn atomic_operand_types(op: AtomicOp, ty: Type) -> Vec<Type> {
    let rest: &[Type] = match op {
        AtomicOp::Load => &[],
        AtomicOp::Store | AtomicOp::Rmw(_) => &[ty],
        AtomicOp::Cmpxchg => &[ty, ty],
        AtomicOp::Wait => &[ty, Type::I64],
        AtomicOp::Notify => &[Type::I32],
    };
    std::iter::once(Type::Ptr)
        .chain(rest.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with one public function `@f`, built by `body`.
    fn module_with(body: impl FnOnce(&mut FunctionBuilder)) -> Module {
        let mut m = Module::default();
        let f = m.add_function(Function::new("f", Signature::default(), Linkage::Public));
        body(&mut FunctionBuilder::new(&mut m, f));
        m
    }

    fn messages(m: &Module) -> Vec<String> {
        match verify_module(m) {
            Ok(()) => vec![],
            Err(ds) => ds.into_iter().map(|d| d.message).collect(),
        }
    }

    /// Asserts that verification fails with exactly these messages.
    fn assert_errors(m: &Module, expected: &[&str]) {
        assert_eq!(messages(m), expected);
    }

    fn entry(b: &mut FunctionBuilder) -> BlockId {
        let e = b.create_block("entry");
        b.switch_to_block(e);
        e
    }

    fn push_inst(m: &mut Module, block: usize, op: Op, results: Vec<ValueId>) {
        m.funcs[0].blocks[block].insts.insert(
            0,
            Inst {
                op,
                results,
                span: Span::NONE,
                loc: crate::ir::LocId::NONE,
            },
        );
    }

    fn ptr_global(m: &mut Module, mutable: bool, ty: Type, init: GlobalInit) -> GlobalId {
        m.add_global(Global {
            name: "g".into(),
            ty,
            mutable,
            init,
            span: Span::NONE,
        })
    }

    #[test]
    fn a_well_formed_loop_passes() {
        let m = module_with(|b| {
            let n = b.param("n", Type::I32);
            b.result(Type::I32);
            let x = b.var("x", Type::I64);
            let s = b.slot("buf", 16, 8);
            entry(b);
            let head = b.create_block("head");
            let i = b.block_param(head, "i", Type::I32);
            let exit = b.create_block("exit");
            let zero = b.iconst(Type::I32, 0);
            b.jump(head, &[zero]);
            b.switch_to_block(head);
            let one = b.iconst(Type::I32, 1);
            let next = b.binary(BinaryOp::Add, Type::I32, i, one);
            let wide = b.convert(
                ConvOp {
                    kind: ConvKind::ExtendS,
                    from: Type::I32,
                    to: Type::I64,
                },
                next,
            );
            b.var_set(x, wide);
            let addr = b.ins(Op::SlotAddr(s))[0];
            b.store(
                MemAccess {
                    ty: Type::I64,
                    narrow: None,
                },
                addr,
                wide,
                8,
            );
            let done = b.compare(CmpOp::GeS, Type::I32, next, n);
            b.brif(done, Edge::new(exit, vec![]), Edge::new(head, vec![next]));
            b.switch_to_block(exit);
            b.ret(&[i]);
        });
        assert_eq!(verify_module(&m), Ok(()));
    }

    #[test]
    fn binary_operands_must_have_the_op_type() {
        let m = module_with(|b| {
            let a = b.param("a", Type::I32);
            let c = b.param("c", Type::I64);
            entry(b);
            b.binary(BinaryOp::Add, Type::I32, a, c);
            b.compare(CmpOp::Eq, Type::I64, a, c);
            b.ret(&[]);
        });
        assert_errors(
            &m,
            &[
                "type mismatch: %c is i64, expected i32",
                "type mismatch: %a is i32, expected i64",
            ],
        );
    }

    #[test]
    fn operators_must_exist_for_their_type() {
        let m = module_with(|b| {
            let a = b.param("a", Type::F32);
            let i = b.param("i", Type::I32);
            entry(b);
            b.binary(BinaryOp::Shl, Type::F32, a, a);
            b.unary(UnaryOp::Sqrt, Type::I32, i);
            b.compare(CmpOp::LtS, Type::F32, a, a);
            b.ret(&[]);
        });
        assert_errors(
            &m,
            &[
                "unknown operator `f32.shl`",
                "unknown operator `i32.sqrt`",
                "unknown operator `f32.lt_s`",
            ],
        );
    }

    #[test]
    fn conversions_check_their_operand_and_existence() {
        let m = module_with(|b| {
            let a = b.param("a", Type::I32);
            entry(b);
            let wrap = ConvOp {
                kind: ConvKind::Wrap,
                from: Type::I64,
                to: Type::I32,
            };
            b.convert(wrap, a);
            let bogus = ConvOp {
                kind: ConvKind::Demote,
                from: Type::I32,
                to: Type::F32,
            };
            b.convert(bogus, a);
            b.ret(&[]);
        });
        assert_errors(
            &m,
            &[
                "type mismatch: %a is i32, expected i64",
                "unknown operator `f32.demote_i32`",
            ],
        );
    }

    #[test]
    fn select_needs_i32_cond_and_arms_of_its_type() {
        let m = module_with(|b| {
            let a = b.param("a", Type::I32);
            let c = b.param("c", Type::I64);
            entry(b);
            b.select(Type::I32, a, a, c);
            b.select(Type::I64, c, c, c);
            b.ret(&[]);
        });
        assert_errors(
            &m,
            &[
                "type mismatch: %c is i64, expected i32",
                "type mismatch: %c is i64, expected i32",
            ],
        );
    }

    #[test]
    fn calls_check_argument_count_and_types() {
        let mut m = Module::default();
        let g = m.add_function(Function::new("g", Signature::default(), Linkage::Private));
        {
            let mut b = FunctionBuilder::new(&mut m, g);
            b.param("x", Type::I32);
            b.param("y", Type::I32);
            entry(&mut b);
            b.ret(&[]);
        }
        let f = m.add_function(Function::new("f", Signature::default(), Linkage::Public));
        let mut b = FunctionBuilder::new(&mut m, f);
        let a = b.param("a", Type::I32);
        let w = b.param("w", Type::I64);
        entry(&mut b);
        b.call(g, &[a, a, a]);
        b.call(g, &[a, w]);
        b.ret(&[]);
        assert_errors(
            &m,
            &[
                "wrong number of arguments: `@g` takes 2, found 3",
                "type mismatch: %w is i64, expected i32",
            ],
        );
    }

    #[test]
    fn call_indirect_needs_a_ptr_callee_and_matching_args() {
        let m = module_with(|b| {
            let a = b.param("a", Type::I32);
            entry(b);
            let sig = Signature {
                params: vec![Type::I32],
                results: vec![Type::I32],
            };
            b.ins(Op::CallIndirect {
                sig: Box::new(sig.clone()),
                callee: a,
                args: vec![a],
            });
            let p = b.iconst(Type::Ptr, 8);
            b.ins(Op::CallIndirect {
                sig: Box::new(sig),
                callee: p,
                args: vec![],
            });
            b.ret(&[]);
        });
        assert_errors(
            &m,
            &[
                "type mismatch: %a is i32, expected ptr",
                "wrong number of arguments: `(i32) -> i32` takes 1, found 0",
            ],
        );
    }

    #[test]
    fn memory_operands_are_checked() {
        let m = module_with(|b| {
            let a = b.param("a", Type::I32);
            let p = b.param("p", Type::Ptr);
            entry(b);
            let i64_access = MemAccess {
                ty: Type::I64,
                narrow: None,
            };
            b.load(i64_access, a, 0);
            b.load(i64_access, p, 1 << 32);
            b.store(i64_access, p, a, 0);
            b.ins(Op::MemoryFill {
                dst: p,
                byte: p,
                len: p,
                mem: MemId::DEFAULT,
            });
            b.ins(Op::MemoryGrow(MemId::DEFAULT, a));
            b.ins(Op::MemoryCopy {
                dst: p,
                src: p,
                len: a,
                dst_mem: MemId::DEFAULT,
                src_mem: MemId::DEFAULT,
            });
            let bad = MemAccess {
                ty: Type::Ptr,
                narrow: Some(Narrow {
                    bits: 8,
                    signed: false,
                }),
            };
            b.load(bad, p, 0);
            b.ret(&[]);
        });
        assert_errors(
            &m,
            &[
                "type mismatch: %a is i32, expected ptr",
                "offset 4294967296 does not fit in 32 bits (wasm32)",
                "type mismatch: %a is i32, expected i64",
                "type mismatch: %p is ptr, expected i32",
                "type mismatch: %a is i32, expected ptr",
                "type mismatch: %a is i32, expected ptr",
                "unknown operator `ptr.load8_u`",
            ],
        );
    }

    #[test]
    fn ptr_constants_must_fit_in_32_bits() {
        let mut m = module_with(|b| {
            entry(b);
            b.iconst(Type::Ptr, 0xffff_ffff);
            b.iconst(Type::Ptr, 1 << 32);
            b.ret(&[]);
        });
        ptr_global(
            &mut m,
            false,
            Type::Ptr,
            GlobalInit::Const(Const::Ptr(1 << 40)),
        );
        // Globals are checked before functions; all spans are empty.
        assert_errors(
            &m,
            &[
                "ptr constant 1099511627776 does not fit in 32 bits (wasm32)",
                "ptr constant 4294967296 does not fit in 32 bits (wasm32)",
            ],
        );
    }

    #[test]
    fn globals_check_mutability_and_types() {
        let mut m = module_with(|_| {});
        let imm = ptr_global(&mut m, false, Type::I32, GlobalInit::Const(Const::I32(0)));
        let var = ptr_global(&mut m, true, Type::I64, GlobalInit::Const(Const::I32(0)));
        ptr_global(&mut m, false, Type::I32, GlobalInit::FuncAddr(FuncId(0)));
        let d = m.add_data(Data {
            name: "d".into(),
            align: 1,
            readonly: false,
            items: vec![],
            span: Span::NONE,
        });
        ptr_global(&mut m, false, Type::Ptr, GlobalInit::DataAddr(d, 1 << 40));
        let mut b = FunctionBuilder::new(&mut m, FuncId(0));
        let a = b.param("a", Type::I32);
        entry(&mut b);
        b.global_set(imm, a);
        b.global_set(var, a);
        b.ret(&[]);
        assert_errors(
            &m,
            &[
                "type mismatch: expected i64, found i32",
                "type mismatch: expected i32, found ptr",
                "cannot set immutable global `@g`",
                "type mismatch: %a is i32, expected i64",
            ],
        );
    }

    #[test]
    fn var_set_checks_the_value_type() {
        let m = module_with(|b| {
            let a = b.param("a", Type::F64);
            let x = b.var("x", Type::I32);
            entry(b);
            b.var_set(x, a);
            b.ret(&[]);
        });
        assert_errors(&m, &["type mismatch: %a is f64, expected i32"]);
    }

    #[test]
    fn results_must_match_the_operator() {
        let mut m = module_with(|b| {
            let a = b.param("a", Type::I32);
            entry(b);
            b.ret(&[]);
            let _ = a;
        });
        let extra = m.funcs[0].new_value(Type::I64, "r", ValueDef::Param(9));
        let a = m.funcs[0].value_id(0);
        let op = Op::Binary(BinaryOp::Add, Type::I32, a, a);
        push_inst(&mut m, 0, op.clone(), vec![]);
        m.funcs[0].values[extra.index()].def = ValueDef::InstResult {
            block: m.funcs[0].entry(),
            index: 1,
            result: 0,
        };
        push_inst(&mut m, 0, op, vec![extra]);
        // The second push is at index 0; the first moved to index 1.
        m.funcs[0].values[extra.index()].def = ValueDef::InstResult {
            block: m.funcs[0].entry(),
            index: 0,
            result: 0,
        };
        assert_errors(
            &m,
            &[
                "type mismatch: expected i32, found i64",
                "wrong number of results: `i32.add` defines 1, found 0",
            ],
        );
    }

    #[test]
    fn edges_check_argument_count_types_and_conditions() {
        let m = module_with(|b| {
            let a = b.param("a", Type::I32);
            let w = b.param("w", Type::I64);
            entry(b);
            let next = b.create_block("next");
            b.block_param(next, "v", Type::I32);
            let last = b.create_block("last");
            b.brif(w, Edge::new(next, vec![a, a]), Edge::new(next, vec![w]));
            b.switch_to_block(next);
            b.switch(w, vec![Edge::new(last, vec![])], Edge::new(last, vec![]));
            b.switch_to_block(last);
            b.ret(&[]);
        });
        assert_errors(
            &m,
            &[
                "type mismatch: %w is i64, expected i32",
                "wrong number of block arguments: `next` takes 1, found 2",
                "type mismatch: %w is i64, expected i32",
                "type mismatch: %w is i64, expected i32",
            ],
        );
    }

    #[test]
    fn returns_match_the_signature() {
        let m = module_with(|b| {
            let a = b.param("a", Type::I32);
            b.result(Type::I64);
            entry(b);
            let yes = b.create_block("yes");
            let no = b.create_block("no");
            b.brif(a, Edge::new(yes, vec![]), Edge::new(no, vec![]));
            b.switch_to_block(yes);
            b.ret(&[a, a]);
            b.switch_to_block(no);
            b.ret(&[a]);
        });
        assert_errors(
            &m,
            &[
                "wrong number of return values: `@f` returns 1, found 2",
                "type mismatch: %a is i32, expected i64",
                "type mismatch: %a is i32, expected i64",
            ],
        );
    }

    #[test]
    fn blocks_need_terminators_and_entry_has_no_params() {
        let m = module_with(|b| {
            let e = entry(b);
            b.block_param(e, "p", Type::I32);
            let next = b.create_block("next");
            b.jump(next, &[]);
        });
        assert_errors(
            &m,
            &[
                "entry block `entry` cannot have parameters",
                "block `next` has no terminator",
            ],
        );
    }

    #[test]
    fn functions_need_blocks_and_imports_none() {
        let mut m = module_with(|_| {});
        let import = Linkage::Import {
            module: "env".into(),
            name: "h".into(),
        };
        let h = m.add_function(Function::new("h", Signature::default(), import));
        m.funcs[h.index()].blocks.push(Block::new("entry"));
        assert_errors(
            &m,
            &[
                "function `@f` has no blocks",
                "imported function `@h` cannot have a body",
            ],
        );
    }

    #[test]
    fn use_in_join_of_a_value_from_one_arm_is_not_dominated() {
        let m = module_with(|b| {
            let c = b.param("c", Type::I32);
            b.result(Type::I32);
            entry(b);
            let left = b.create_block("left");
            let right = b.create_block("right");
            let join = b.create_block("join");
            b.brif(c, Edge::new(left, vec![]), Edge::new(right, vec![]));
            b.switch_to_block(left);
            let x = b.iconst(Type::I32, 1);
            b.jump(join, &[]);
            b.switch_to_block(right);
            b.jump(join, &[]);
            b.switch_to_block(join);
            b.ret(&[x]);
        });
        let errors = verify_module(&m).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message,
            "value %v1 is used where its definition does not dominate"
        );
        assert_eq!(errors[0].notes[0].0, "%v1 is defined here");
    }

    #[test]
    fn a_value_is_visible_only_after_its_instruction() {
        let mut m = module_with(|b| {
            let a = b.param("a", Type::I32);
            entry(b);
            let s = b.binary(BinaryOp::Add, Type::I32, a, a);
            b.binary(BinaryOp::Add, Type::I32, s, s);
            b.ret(&[]);
        });
        // Swap the two instructions: the use now precedes the definition.
        let insts = &mut m.funcs[0].blocks[0].insts;
        insts.swap(0, 1);
        for (index, inst) in insts.clone().iter().enumerate() {
            for &r in &inst.results {
                m.funcs[0].values[r.index()].def = ValueDef::InstResult {
                    block: m.funcs[0].entry(),
                    index: index as u32,
                    result: 0,
                };
            }
        }
        assert_errors(
            &m,
            &["value %v1 is used where its definition does not dominate"],
        );
    }

    #[test]
    fn unreachable_blocks_skip_dominance_but_cannot_feed_reachable_ones() {
        let m = module_with(|b| {
            b.result(Type::I32);
            entry(b);
            let dead = b.create_block("dead");
            let live = b.create_block("live");
            b.jump(live, &[]);
            b.switch_to_block(dead);
            let x = b.iconst(Type::I32, 1);
            b.jump(live, &[]);
            b.switch_to_block(live);
            let y = b.iconst(Type::I32, 2);
            b.ret(&[x]);
            // A dead block may use anything.
            let dead2 = b.create_block("dead2");
            b.switch_to_block(dead2);
            b.ret(&[y]);
        });
        assert_errors(
            &m,
            &["value %v0 is used where its definition does not dominate"],
        );
    }

    #[test]
    fn slots_and_data_have_bounded_alignment_and_size() {
        let mut m = module_with(|b| {
            b.slot("a", 8, 3);
            b.slot("b", 8, 32);
            b.slot("c", (1 << 31) + 1, 8);
            entry(b);
            b.ret(&[]);
        });
        m.add_data(Data {
            name: "d".into(),
            align: 1 << 17,
            readonly: false,
            items: vec![],
            span: Span::NONE,
        });
        assert_errors(
            &m,
            &[
                "data alignment must be a power of two at most 65536, found 131072",
                "slot alignment must be a power of two at most 16, found 3",
                "slot alignment must be a power of two at most 16, found 32",
                "slot `$c` is too large: 2147483649 bytes, at most 2147483648",
            ],
        );
    }

    #[test]
    fn out_of_range_ids_are_reported_without_panicking() {
        let mut m = module_with(|b| {
            entry(b);
            let next = b.create_block("next");
            b.jump(next, &[]);
            b.switch_to_block(next);
            b.ret(&[]);
        });
        let bad = [
            Op::Unary(UnaryOp::Clz, Type::I32, m.funcs[0].value_id(99)),
            Op::Call {
                func: FuncId(7),
                args: vec![],
            },
            Op::GlobalGet(GlobalId(3)),
            Op::VarSet(m.funcs[0].var_id(2), m.funcs[0].value_id(98)),
            Op::SlotAddr(m.funcs[0].slot_id(1)),
            Op::DataAddr(DataId(4)),
            Op::FuncAddr(FuncId(5)),
        ];
        for op in bad {
            push_inst(&mut m, 1, op, vec![]);
        }
        m.funcs[0].blocks[0].term =
            Some(Terminator::Jump(Edge::new(m.funcs[0].block_id(9), vec![])));
        let unrecorded = m.funcs[0].value_id(77);
        m.funcs[0].blocks[1].insts.push(Inst {
            op: Op::Const(Const::I32(0)),
            results: vec![unrecorded],
            span: Span::NONE,
            loc: crate::ir::LocId::NONE,
        });
        m.add_data(Data {
            name: "d".into(),
            align: 1,
            readonly: false,
            items: vec![
                DataItem::DataAddr(DataId(8), 0),
                DataItem::FuncAddr(FuncId(8)),
            ],
            span: Span::NONE,
        });
        let errors = messages(&m);
        for expected in [
            "value id 99 is out of range",
            "function id 7 is out of range",
            "global id 3 is out of range",
            "variable id 2 is out of range",
            "slot id 1 is out of range",
            "data id 4 is out of range",
            "function id 5 is out of range",
            "block id 9 is out of range",
            "value id 77 is out of range",
            "data id 8 is out of range",
            "function id 8 is out of range",
        ] {
            assert!(
                errors.iter().any(|e| e == expected),
                "{expected}: {errors:?}"
            );
        }
    }

    #[test]
    fn values_must_be_defined_once_where_recorded() {
        let mut m = module_with(|b| {
            let a = b.param("a", Type::I32);
            entry(b);
            b.binary(BinaryOp::Add, Type::I32, a, a);
            b.ret(&[]);
        });
        let orphan = m.funcs[0].new_value(Type::I32, "o", ValueDef::Param(5));
        m.funcs[0].blocks[0].insts[0].op = Op::Binary(BinaryOp::Add, Type::I32, orphan, orphan);
        let v1 = m.funcs[0].value_id(1);
        m.funcs[0].blocks[0].params.push(v1);
        assert_eq!(
            messages(&m),
            [
                "value %v1 is not defined where its record says",
                "value %v1 is defined more than once",
                "entry block `entry` cannot have parameters",
                "value %o is used but never defined",
            ]
        );
    }

    #[test]
    fn a_value_of_another_function_is_named_not_read_as_this_ones() {
        // `g`'s %v1 is an i32 defined in its entry, as `f`'s %v1 is: only
        // the function a value carries tells them apart.
        let mut m = module_with(|b| {
            let a = b.param("a", Type::I32);
            b.result(Type::I32);
            entry(b);
            let s = b.binary(BinaryOp::Add, Type::I32, a, a);
            b.ret(&[s]);
        });
        let g = m.add_function(Function::new("g", Signature::default(), Linkage::Private));
        let foreign = {
            let mut b = FunctionBuilder::new(&mut m, g);
            let x = b.param("x", Type::I32);
            entry(&mut b);
            let y = b.binary(BinaryOp::Mul, Type::I32, x, x);
            b.ret(&[]);
            y
        };
        assert_eq!(foreign.index(), 1);
        let inst = &mut m.funcs[0].blocks[0].insts[0];
        inst.op = Op::Binary(BinaryOp::Add, Type::I32, foreign, foreign);
        inst.results = vec![foreign];
        m.funcs[0].blocks[0].term = Some(Terminator::Return(vec![foreign]));
        let errors = verify_module(&m).unwrap_err();
        let located: Vec<(&str, &str)> = errors
            .iter()
            .map(|d| (d.message.as_str(), d.notes[0].0.as_str()))
            .collect();
        let foreign = "value id 1 belongs to function `@g`, not to `@f`";
        assert_eq!(
            located,
            [
                (foreign, "in function `@f`"),
                (
                    foreign,
                    "in function `@f`, block `entry`, instruction 0 `i32.add`"
                ),
                (foreign, "in function `@f`, block `entry`, its terminator"),
            ]
        );
    }

    #[test]
    fn a_block_variable_or_slot_of_another_function_is_named_not_read_as_this_ones() {
        // `f` and `g` each have a variable, a slot and blocks `entry` and
        // `next`: only the function an id carries tells them apart.
        let locals = |b: &mut FunctionBuilder| {
            let a = b.param("a", Type::I32);
            let var = b.var("v", Type::I32);
            let slot = b.slot("s", 4, 4);
            entry(b);
            let next = b.create_block("next");
            b.var_set(var, a);
            b.slot_addr(slot);
            b.jump(next, &[]);
            b.switch_to_block(next);
            b.ret(&[]);
            (var, slot, next)
        };
        let mut m = module_with(|b| {
            locals(b);
        });
        let g = m.add_function(Function::new("g", Signature::default(), Linkage::Private));
        let (var, slot, next) = locals(&mut FunctionBuilder::new(&mut m, g));
        let entry = &mut m.funcs[0].blocks[0];
        let Op::VarSet(v, _) = &mut entry.insts[0].op else {
            panic!("{:?}", entry.insts[0].op);
        };
        *v = var;
        entry.insts[1].op = Op::SlotAddr(slot);
        entry.term = Some(Terminator::Jump(Edge::new(next, vec![])));
        let errors = verify_module(&m).unwrap_err();
        let located: Vec<(&str, &str)> = errors
            .iter()
            .map(|d| (d.message.as_str(), d.notes[0].0.as_str()))
            .collect();
        let at = "in function `@f`, block `entry`";
        assert_eq!(
            located,
            [
                (
                    "variable id 0 belongs to function `@g`, not to `@f`",
                    &*format!("{at}, instruction 0 `var.set`")
                ),
                (
                    "slot id 0 belongs to function `@g`, not to `@f`",
                    &*format!("{at}, instruction 1 `slot.addr`")
                ),
                (
                    "block id 1 belongs to function `@g`, not to `@f`",
                    &*format!("{at}, its terminator")
                ),
            ]
        );
    }

    #[test]
    fn errors_are_sorted_by_span_start() {
        let mut m = module_with(|b| {
            let a = b.param("a", Type::I32);
            let w = b.param("w", Type::I64);
            entry(b);
            b.binary(BinaryOp::Add, Type::I32, a, w);
            b.binary(BinaryOp::Sub, Type::I32, a, w);
            b.ret(&[]);
        });
        m.funcs[0].blocks[0].insts[0].span = Span::new(50, 60);
        m.funcs[0].blocks[0].insts[1].span = Span::new(10, 20);
        let errors = verify_module(&m).unwrap_err();
        let starts: Vec<u32> = errors.iter().map(|d| d.span.start).collect();
        assert_eq!(starts, [10, 50]);
    }
}
