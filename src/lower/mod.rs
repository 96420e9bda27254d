//! Lowering: a verified IR module to the WAT AST, for wasm64 or wasm32.
//!
//! One lowering serves both targets; the pointer width is a parameter
//! ([`Target`]), never a copy of the code. The module-level parts live here:
//! types, imports, the memory (i64 addresses on wasm64), the function table
//! (a 64-bit table on wasm64, so that a function pointer is used as the
//! table index as it is, with no wrap), globals, data and element segments
//! and exports. [`func`] lowers function bodies and [`control`] turns a CFG
//! into structured control flow. [`lower_module`] gives the whole module;
//! `Lowering` gives the module without its bodies and then one body at a
//! time, which the direct binary path encodes as it goes.
//!
//! Names: IR symbols keep their names (`@fib` becomes `$fib`); generated
//! entities (`$__stack_pointer`, `$memory`, `$table`) get a suffix if the IR
//! uses the same name. Comments in the output name the IR function, block
//! or data they come from, without line numbers (a golden file then changes
//! only where the code does); each IR instruction's position is an
//! [`wat::Instr::Origin`] marker, printed only with `-g`.

mod accessed;
mod const_loads;
mod control;
mod dead_counters;
mod dead_funcs;
mod func;
mod guards;
mod gvn;
mod inline;
mod inline_calls;
mod jump_thread;
mod licm;
mod liveset;
mod load_cse;
mod locals;
mod loops;
mod memories;
mod names;
mod offsets;
mod ops;
mod passes;
mod peephole;
mod promote;
mod ranges;
mod reducible;
mod rotate;
mod selects;
mod simplify;
mod sroa;
mod strength;
mod switches;
mod tailrec;
mod threads;
mod unroll;
mod unroll_outer;
mod unroll_partial;
mod wasi64;
mod widen;

use crate::diag::{Diagnostic, SourceFile, Span};
use crate::fxhash::FxHashMap;
use crate::ir::{self, FuncId, GlobalInit, Linkage, Module, Signature, Target, Type};
use crate::memory::{Frame, Layout, MAX_PAGES};
use crate::verify::limits::MAX_LOCALS;
use crate::wat;
use names::NameSpace;
pub use passes::{OptLevel, PASSES, PassInfo, optimize_module};
use std::borrow::Cow;
use std::sync::Arc;

/// The longest chain of inlined calls an origin describes (the passes make
/// chains of one: they inline leaves); a longer one, or a cycle in a
/// function's inlined record, ends at the call's position.
const MAX_INLINE_DEPTH: usize = 16;

/// What the lowering optimizes; everything is on by default (`-O2`).
/// Turning a part off gives the plain form, for measuring what each part
/// buys: [`Options::at`] a level, [`Options::set`] one pass by its name
/// ([`PASSES`] lists them, `passes.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Keep single-use values on the operand stack and emit small or
    /// single-use constants where they are used, instead of in locals.
    pub stack_values: bool,
    /// Let values whose live ranges do not overlap share a local.
    pub reuse_locals: bool,
    /// Test a loop's condition at the bottom (`rotate.rs`): one branch per
    /// iteration instead of two.
    pub rotate_loops: bool,
    /// Replace calls to small leaf functions by their body (`inline.rs`,
    /// `inline_calls.rs`).
    pub inline_leaves: bool,
    /// Fold `ptr.add` of a constant into the offset of the loads and stores
    /// that use it, where that cannot change a result (`offsets.rs`).
    pub fold_offsets: bool,
    /// Reuse the value of a pure computation that a dominating
    /// instruction already made (`gvn.rs`).
    pub gvn: bool,
    /// Promote `var`s to SSA values and block parameters (`promote.rs`).
    pub promote_vars: bool,
    /// Turn tail self-calls into loops, with an accumulator when an
    /// integer operator combines the call's result (`tailrec.rs`).
    pub tailrec: bool,
    /// Replace the fields of stack slots whose address does not escape by
    /// SSA values (`sroa.rs`).
    pub sroa: bool,
    /// Reuse the value of a load or store of the same address when memory
    /// cannot have changed (`load_cse.rs`).
    pub load_cse: bool,
    /// Hoist pure loop invariants into the loop's preheader (`licm.rs`).
    pub licm: bool,
    /// Replace sign extensions of i32 counters (times and plus invariants)
    /// that provably do not wrap by wide loop-carried values (`widen.rs`).
    pub widen_iv: bool,
    /// Replace products of a loop's induction variables by loop-carried
    /// sums (`strength.rs`).
    pub strength_reduce: bool,
    /// Unroll loops of a constant trip count that hold loops, where the
    /// copies read read-only data at constant addresses (`unroll_outer.rs`).
    pub unroll_outer: bool,
    /// Unroll small loops of a constant trip count, side exits included
    /// (`unroll.rs`).
    pub unroll: bool,
    /// Unroll small counted loops by 2 or 4, the iterations that remain
    /// left to the original loop (`unroll_partial.rs`).
    pub unroll_partial: bool,
    /// Send edges that pass a known value straight past blocks that only
    /// branch on it (`jump_thread.rs`).
    pub jump_threading: bool,
    /// Diamonds that only pick a value made `select`s (`selects.rs`).
    pub select_diamonds: bool,
    /// A `br_if` known never to branch, a rotated loop's first test on
    /// constants, removed (`guards.rs`).
    pub loop_guards: bool,
    /// Replace loads of read-only data at known offsets by the constants
    /// they read (`const_loads.rs`).
    pub fold_const_loads: bool,
    /// Exact integer identities and operations on constants simplified
    /// (`simplify.rs`).
    pub simplify: bool,
    /// Fold `ptr.add` of a constant into `offset=` where a load or store
    /// of its base ran before (`accessed.rs`).
    pub fold_accessed_offsets: bool,
    /// Leave out private functions that no call reaches once the IR
    /// passes ran (`dead_funcs.rs`).
    pub dead_functions: bool,
    /// Read an instruction's first operands from their locals before the
    /// code that computes its later ones, which then stay on the operand
    /// stack (`func.rs`; with `stack_values`).
    pub early_operands: bool,
    /// Make the `block` around a diamond's `if` its `else` (`control.rs`).
    pub if_else: bool,
    /// `local.tee` for a set and a get of one local (`peephole.rs`).
    pub peephole: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options::at(OptLevel::O2)
    }
}

/// Lowers a verified module. Errors are located in the module's source.
pub fn lower_module(module: &Module, target: Target) -> Result<wat::Module, Diagnostic> {
    lower_module_with(module, target, Options::default())
}

/// [`lower_module`] with chosen optimizations.
pub fn lower_module_with(
    module: &Module,
    target: Target,
    options: Options,
) -> Result<wat::Module, Diagnostic> {
    let lowering = Lowering::new(module, target, options)?;
    let funcs = crate::parallel::map(lowering.function_ids(), |&id| lowering.function(id))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    Ok(lowering.into_module(funcs))
}

/// [`lower_module_with`], and the origins of each function it lowered
/// (the functions with bodies come first, in module order; the WASI
/// adapters after them have none): for a runtime's backtraces, which need
/// neither the text nor its comments.
pub fn lower_module_with_origins(
    module: &Module,
    target: Target,
    options: Options,
) -> Result<(wat::Module, Vec<wat::FuncOrigins>), Diagnostic> {
    let lowering = Lowering::new(module, target, options)?;
    let lowered = crate::parallel::map(lowering.function_ids(), |&id| {
        let func = lowering.function(id)?;
        let origins = lowering.origins(id, &func);
        Ok((func, origins))
    });
    let (funcs, origins): (Vec<_>, Vec<_>) = lowered
        .into_iter()
        .collect::<Result<Vec<_>, Diagnostic>>()?
        .into_iter()
        .unzip();
    Ok((lowering.into_module(funcs), origins))
}

/// The origins of `lowered`, the lowering of `func`.
fn origins_of(
    module: &Module,
    file: Option<&Arc<str>>,
    func: &ir::Function,
    lowered: &wat::Func,
) -> wat::FuncOrigins {
    wat::FuncOrigins {
        wasm_name: lowered.id.clone(),
        ir_name: func.name.clone(),
        def: located(module, func.loc)
            .or_else(|| origin_in(module.func_source(func), file, func.span)),
        operators: wat::operator_origins(&lowered.body),
        vars: lowered.vars.clone(),
    }
}

/// The frontend location `loc` ([`ir::Location`]), if it is one; the name
/// of its file is shared by every origin in it.
fn located(module: &Module, loc: ir::LocId) -> Option<wat::Origin> {
    let location = module.location(loc)?;
    let file = module.debug_file(location.file)?.clone();
    Some(wat::Origin::new(file, location.line, location.col))
}

/// The name of each function's file ([`Module::func_source`]), one
/// `Arc` per file shared by all its [`wat::Origin`]s.
fn file_names(module: &Module) -> Vec<Option<Arc<str>>> {
    let mut names: Vec<(Arc<SourceFile>, Arc<str>)> = Vec::new();
    let mut name_of = |source: &Arc<SourceFile>| {
        // A handful of files (a linked module's units): a list will do.
        if let Some((_, name)) = names.iter().find(|(s, _)| Arc::ptr_eq(s, source)) {
            return name.clone();
        }
        let name: Arc<str> = source.name.as_str().into();
        names.push((source.clone(), name.clone()));
        name
    };
    (module.funcs.iter())
        .map(|f| module.func_source(f).map(&mut name_of))
        .collect()
}

/// The position of a span in `source` (named `file`), when the IR came
/// from a file.
fn origin_in(
    source: Option<&Arc<SourceFile>>,
    file: Option<&Arc<str>>,
    span: Span,
) -> Option<wat::Origin> {
    let (source, file) = (source?, file?);
    if span.is_none() {
        return None;
    }
    let (line, col) = source.line_col(span.start as usize);
    Some(wat::Origin::new(file.clone(), line as u32, col as u32))
}

/// A module lowered but for its function bodies, which are lowered one at
/// a time on demand: the direct binary path encodes each body as soon as
/// it is lowered and drops it, so the AST of the whole module never exists.
pub(crate) struct Lowering<'m> {
    cx: ModuleCx<'m>,
    /// The functions with bodies to emit, in module order.
    ids: Vec<FuncId>,
    /// Each defined function after the IR-to-IR passes, by id.
    optimized: Vec<Option<Cow<'m, ir::Function>>>,
}

impl<'m> Lowering<'m> {
    pub fn new(module: &'m Module, target: Target, options: Options) -> Result<Self, Diagnostic> {
        let with_file = |d: Diagnostic| d.with_file(module.source.as_ref());
        let layout = Layout::new(module, target).map_err(with_file)?;
        let mut cx = ModuleCx::new(module, target, layout, options);
        cx.lower_all_but_bodies().map_err(with_file)?;
        let defined: Vec<FuncId> = module
            .func_ids()
            .filter(|&id| !module.func(id).is_import())
            .collect();
        // Every function is optimized before any is lowered: which private
        // functions are left out depends on the calls inlining left.
        let bodies = crate::parallel::map(&defined, |&id| passes::optimize(module, id, &options));
        let ids = match options.dead_functions {
            true => dead_funcs::live_functions(module, &cx.layout, &defined, &bodies),
            false => defined.clone(),
        };
        let mut optimized: Vec<Option<Cow<'m, ir::Function>>> = vec![None; module.funcs.len()];
        for (id, body) in defined.into_iter().zip(bodies) {
            optimized[id.index()] = Some(body);
        }
        // Each function's name and type, its locals and body left empty;
        // the wasm64 WASI adapters, complete, after them.
        let shells: Vec<wat::Func> = ids
            .iter()
            .map(|&id| wat::Func {
                id: cx.func_names[id.index()].clone(),
                ty: cx.type_use(&module.func(id).sig),
                locals: Vec::new(),
                body: Vec::new(),
                comment: None,
                def: None,
                vars: Vec::new(),
            })
            .collect();
        cx.out.funcs = shells;
        cx.out.funcs.append(&mut cx.wasi_adapters);
        cx.out.funcs.extend(cx.init_memory_func.take());
        Ok(Lowering { cx, ids, optimized })
    }

    /// Lowers the bodies without [`wat::Instr::Origin`] markers, for a
    /// caller that needs neither debug information nor origins: computing
    /// each instruction's line and column was a tenth of the direct path's
    /// time, and the markers change no code.
    pub fn without_origins(mut self) -> Self {
        self.cx.origins = false;
        self
    }

    /// The module with every function in place, the bodies of
    /// [`Lowering::function_ids`] empty (their ids and types are final).
    pub fn shell(&self) -> &wat::Module {
        &self.cx.out
    }

    pub fn function_ids(&self) -> &[FuncId] {
        &self.ids
    }

    /// The module, with `funcs`, the lowerings of [`Lowering::function_ids`]
    /// in order, in place of their shells, before the adapters.
    fn into_module(self, funcs: Vec<wat::Func>) -> wat::Module {
        let mut out = self.cx.out;
        out.funcs.splice(..funcs.len(), funcs);
        out
    }

    /// The origins of `lowered`, the lowering of the function `id`.
    pub fn origins(&self, id: FuncId, lowered: &wat::Func) -> wat::FuncOrigins {
        let module = self.cx.module;
        let file = self.cx.files[id.index()].as_ref();
        origins_of(module, file, module.func(id), lowered)
    }

    /// The lowered function `id`; errors are located in the module's source.
    pub fn function(&self, id: FuncId) -> Result<wat::Func, Diagnostic> {
        let optimized = self.optimized[id.index()].as_deref();
        let optimized = optimized.expect("a function to emit is defined, so optimized");
        let lowered = func::lower_function(&self.cx, id, optimized).and_then(|f| {
            // The verifier bounds parameters and variables; the values'
            // locals are known only once they are shared out.
            let func = self.cx.module.func(id);
            let locals = func.sig.params.len() + f.locals.len();
            if locals > MAX_LOCALS {
                let message = format!(
                    "function `@{}` needs {locals} wasm locals, more than the limit of \
                     {MAX_LOCALS} of wasm engines",
                    func.name
                );
                return Err(Diagnostic::new(message, func.span));
            }
            Ok(f)
        });
        let module = self.cx.module;
        lowered.map_err(|d| d.with_file(module.func_source(module.func(id))))
    }
}

/// The id of the module's own memory (memory 0).
pub(crate) const MAIN_MEMORY: &str = "memory";

/// The wasm type of an IR type on a target.
pub(crate) fn val_type(ty: Type, target: Target) -> wat::ValType {
    match crate::value::lower_type(ty, target) {
        Type::I32 => wat::ValType::I32,
        Type::I64 => wat::ValType::I64,
        Type::F32 => wat::ValType::F32,
        _ => wat::ValType::F64,
    }
}

/// State shared by the lowering of every function of a module.
pub(crate) struct ModuleCx<'m> {
    pub module: &'m Module,
    pub target: Target,
    pub options: Options,
    pub layout: Layout,
    pub out: wat::Module,
    /// WAT names of IR functions and globals, by id.
    pub func_names: Vec<String>,
    pub global_names: Vec<String>,
    pub stack_pointer: String,
    /// A threads program's `$__stack_limit` (`threads.rs`): the lowest
    /// address the running thread's frames may use. None in other modules,
    /// whose limit is the constant `stack_base`.
    pub stack_limit: Option<String>,
    /// A threads program's start function's name (`threads.rs`).
    init_memory: Option<String>,
    /// That function, complete, when it has segments to write.
    init_memory_func: Option<wat::Func>,
    /// Immutable globals exported under these names, for a runtime.
    data_end: String,
    heap_base: String,
    pub memory: String,
    /// The WAT ids of the named memories, by `MemId` less one (`memories.rs`).
    memory_ids: Vec<String>,
    pub table: String,
    /// wasm64 wrappers of WASI imports; when there are any, the module has
    /// a scratch memory too (see `wasi64.rs`).
    wasi_adapters: Vec<wat::Func>,
    types: FxHashMap<wat::FuncType, String>,
    /// The name of each function's file, shared by its [`wat::Origin`]s.
    files: Vec<Option<Arc<str>>>,
    /// Whether the bodies carry [`wat::Origin`] markers and the functions
    /// their [`wat::DebugVar`]s ([`Lowering::without_origins`]).
    pub origins: bool,
}

impl<'m> ModuleCx<'m> {
    fn new(module: &'m Module, target: Target, layout: Layout, options: Options) -> ModuleCx<'m> {
        let mut funcs = NameSpace::default();
        let func_names = module.funcs.iter().map(|f| funcs.fresh(&f.name)).collect();
        let init_memory_name = funcs.fresh("__init_memory");
        let mut globals = NameSpace::default();
        let global_names = module
            .globals
            .iter()
            .map(|g| globals.fresh(&g.name))
            .collect();
        ModuleCx {
            module,
            target,
            options,
            layout,
            out: wat::Module::default(),
            func_names,
            global_names,
            stack_pointer: globals.fresh("__stack_pointer"),
            data_end: globals.fresh("__data_end"),
            heap_base: globals.fresh("__heap_base"),
            stack_limit: module
                .is_threads_program()
                .then(|| globals.fresh("__stack_limit")),
            init_memory: module.is_threads_program().then_some(init_memory_name),
            init_memory_func: None,
            memory: MAIN_MEMORY.into(),
            memory_ids: memories::memory_ids(module, MAIN_MEMORY),
            table: "table".into(),
            wasi_adapters: Vec::new(),
            types: FxHashMap::default(),
            files: file_names(module),
            origins: true,
        }
    }

    /// Everything but the functions (the wasm64 WASI adapters are made, in
    /// `wasi_adapters`).
    fn lower_all_but_bodies(&mut self) -> Result<(), Diagnostic> {
        self.out.name = self.module_name();
        self.imports()?;
        self.memory_and_table();
        self.named_memories();
        self.globals();
        self.exports();
        self.element_segment();
        self.intern_function_types();
        self.data_segments();
        Ok(())
    }

    /// The module is named after its file, when it has one.
    fn module_name(&self) -> Option<String> {
        let source = self.module.source.as_ref()?;
        let stem = std::path::Path::new(&source.name).file_stem()?.to_str()?;
        Some(NameSpace::default().fresh(stem))
    }

    fn func_type(&self, sig: &Signature) -> wat::FuncType {
        wat::FuncType {
            params: sig
                .params
                .iter()
                .map(|t| val_type(*t, self.target))
                .collect(),
            results: sig
                .results
                .iter()
                .map(|t| val_type(*t, self.target))
                .collect(),
        }
    }

    /// Adds the `$tN` type of a signature, unless it has one.
    fn intern_type(&mut self, sig: &Signature) {
        let ty = self.func_type(sig);
        if !self.types.contains_key(&ty) {
            let id = format!("t{}", self.out.types.len());
            self.types.insert(ty.clone(), id.clone());
            self.out.types.push(wat::TypeDef { id, ty });
        }
    }

    /// The types of the functions and of their indirect calls, in the order
    /// of the functions and, within one, of its instructions: added before
    /// the functions are lowered (in parallel), so that `$tN` never depends
    /// on which function is lowered first.
    fn intern_function_types(&mut self) {
        let module = self.module;
        for func in module.funcs.iter().filter(|f| !f.is_import()) {
            self.intern_type(&func.sig);
            for inst in func.blocks.iter().flat_map(|b| &b.insts) {
                if let ir::Op::CallIndirect { sig, .. } = &inst.op {
                    self.intern_type(sig);
                }
            }
        }
    }

    /// The type use of a signature: its `$tN`, interned before lowering.
    pub fn type_use(&self, sig: &Signature) -> wat::TypeUse {
        let ty = self.func_type(sig);
        let id = self.types.get(&ty).cloned();
        debug_assert!(id.is_some(), "signature {ty:?} was not interned");
        wat::TypeUse {
            type_id: id,
            params: ty.params.iter().map(|t| (None, *t)).collect(),
            results: ty.results,
        }
    }

    /// [`ModuleCx::type_use`], adding the type if it is new (for imports and
    /// adapters, made before the functions).
    pub fn new_type_use(&mut self, sig: &Signature) -> wat::TypeUse {
        self.intern_type(sig);
        self.type_use(sig)
    }

    /// Imports, or on wasm64 for WASI functions with pointers, the real
    /// preview1 imports and a wrapper under the IR's name.
    fn imports(&mut self) -> Result<(), Diagnostic> {
        for (index, func) in self.module.funcs.iter().enumerate() {
            if let Linkage::Import { module, name } = &func.linkage {
                if self.target == Target::Wasm64
                    && module == wasi64::WASI_MODULE
                    && wasi64::needs_adapter(&func.sig)
                {
                    let wrapper = self.func_names[index].clone();
                    // Located in the function's own file (a linked unit's).
                    let module = self.module;
                    let adapter = wasi64::adapt(self, name, &func.sig, &wrapper, func.span)
                        .map_err(|d| d.with_file(module.func_source(func)))?;
                    self.wasi_adapters.push(adapter);
                    continue;
                }
                let ty = self.new_type_use(&func.sig);
                self.out.imports.push(wat::Import {
                    module: module.clone(),
                    name: name.clone(),
                    desc: wat::ImportDesc::Func {
                        id: self.func_names[index].clone(),
                        ty,
                    },
                });
            }
        }
        Ok(())
    }

    pub fn index_type(&self) -> wat::IndexType {
        match self.target {
            Target::Wasm64 => wat::IndexType::I64,
            Target::Wasm32 => wat::IndexType::I32,
        }
    }

    /// A pointer-sized constant.
    pub fn ptr_const(&self, value: u64) -> wat::Instr {
        match self.target {
            Target::Wasm64 => wat::Instr::I64Const(value as i64),
            Target::Wasm32 => wat::Instr::I32Const(value as u32 as i32),
        }
    }

    /// A table exists when a function's address is taken or a call is indirect.
    fn needs_table(&self) -> bool {
        self.layout.table.len() > 1
            || self.module.funcs.iter().any(|f| {
                f.blocks
                    .iter()
                    .flat_map(|b| &b.insts)
                    .any(|i| matches!(i.op, ir::Op::CallIndirect { .. }))
            })
    }

    fn memory_and_table(&mut self) {
        let memory = wat::Memory {
            id: self.memory.clone(),
            index_type: self.index_type(),
            min: self.layout.min_pages,
            max: Some(MAX_PAGES),
            shared: self.module.shared_memory,
        };
        match self.module.is_threads_program() {
            true => self.out.imports.push(threads::memory_import(memory)),
            false => self.out.memories.push(memory),
        }
        if !self.wasi_adapters.is_empty() {
            self.out.memories.push(wat::Memory {
                id: wasi64::SCRATCH.into(),
                index_type: wat::IndexType::I32,
                min: wasi64::SCRATCH_PAGES,
                max: Some(wasi64::SCRATCH_PAGES),
                shared: false,
            });
        }
        if self.needs_table() {
            let size = self.layout.table.len() as u64;
            self.out.tables.push(wat::Table {
                id: self.table.clone(),
                index_type: self.index_type(),
                min: size,
                max: Some(size),
            });
        }
    }

    fn globals(&mut self) {
        for (index, global) in self.module.globals.iter().enumerate() {
            let init = match &global.init {
                GlobalInit::Const(c) => func::const_instr(*c, self.target),
                GlobalInit::DataAddr(data, offset) => {
                    self.ptr_const(self.layout.data_addr(*data).wrapping_add(*offset))
                }
                GlobalInit::FuncAddr(f) => self.ptr_const(self.layout.func_ptr(*f)),
            };
            self.out.globals.push(wat::Global {
                id: self.global_names[index].clone(),
                ty: val_type(global.ty, self.target),
                mutable: global.mutable,
                init: vec![init],
                comment: None,
            });
        }
        let ptr = val_type(Type::Ptr, self.target);
        let stack_pointer = wat::Global {
            id: self.stack_pointer.clone(),
            ty: ptr,
            mutable: true,
            init: vec![self.ptr_const(self.layout.stack_top)],
            comment: Some(format!(
                "shadow stack: {:#x}..{:#x}, growing down",
                self.layout.stack_base, self.layout.stack_top
            )),
        };
        self.out.globals.push(stack_pointer);
        if let Some(limit) = &self.stack_limit {
            self.out.globals.push(wat::Global {
                id: limit.clone(),
                ty: ptr,
                mutable: true,
                init: vec![self.ptr_const(self.layout.stack_base)],
                comment: Some("threads: the running thread's lowest stack address".into()),
            });
        }
        for (id, value, comment) in [
            (&self.data_end, self.layout.data_end, "the end of the data"),
            (
                &self.heap_base,
                self.layout.heap_base,
                "the first byte free for a heap",
            ),
        ] {
            self.out.globals.push(wat::Global {
                id: id.clone(),
                ty: ptr,
                mutable: false,
                init: vec![self.ptr_const(value)],
                comment: Some(comment.into()),
            });
        }
    }

    fn exports(&mut self) {
        for (index, func) in self.module.funcs.iter().enumerate() {
            if func.linkage == Linkage::Public {
                self.out.exports.push(wat::Export {
                    name: func.name.clone(),
                    kind: wat::ExportKind::Func,
                    id: self.func_names[index].clone(),
                });
            }
        }
        // WASI runtimes read buffers from the memory exported as `memory`:
        // with the wasm64 adapter, that is the 32-bit scratch memory.
        let main_export = if self.wasi_adapters.is_empty() {
            "memory"
        } else {
            "memory64"
        };
        self.out.exports.push(wat::Export {
            name: main_export.into(),
            kind: wat::ExportKind::Memory,
            id: self.memory.clone(),
        });
        if !self.wasi_adapters.is_empty() {
            self.out.exports.push(wat::Export {
                name: "memory".into(),
                kind: wat::ExportKind::Memory,
                id: wasi64::SCRATCH.into(),
            });
        }
        // The memory map, so that a runtime can place a heap (see memory.rs).
        for name in ["__data_end", "__heap_base"] {
            let id = if name == "__data_end" {
                &self.data_end
            } else {
                &self.heap_base
            };
            self.out.exports.push(wat::Export {
                name: name.into(),
                kind: wat::ExportKind::Global,
                id: id.clone(),
            });
        }
    }

    fn element_segment(&mut self) {
        let funcs: Vec<String> = self
            .layout
            .table
            .iter()
            .flatten()
            .map(|f: &FuncId| self.func_names[f.index()].clone())
            .collect();
        if funcs.is_empty() {
            return;
        }
        self.out.elems.push(wat::Elem {
            id: "functions".into(),
            table: self.table.clone(),
            offset: vec![self.ptr_const(1)],
            funcs,
        });
    }

    /// The active segments of each data definition ([`Layout::data_segments`]):
    /// one, unless long `zero` runs split it; none for an all-zero one, since
    /// memory starts zeroed.
    ///
    /// A threads program's in its shared memory are passive, written by its
    /// start function; a named memory is each instance's own, so its
    /// segments stay active.
    fn data_segments(&mut self) {
        let mut names = NameSpace::default();
        let mut segments = Vec::new();
        for id in (0..self.module.data.len() as u32).map(ir::DataId) {
            let data = self.module.data_def(id);
            let mem = self.module.data_mem(id);
            let passive = self.init_memory.is_some() && mem.is_default();
            for (addr, bytes) in self.layout.data_segments(self.module, id) {
                let id = names.fresh(&data.name);
                if passive {
                    segments.push(threads::Segment {
                        id: id.clone(),
                        addr,
                        len: bytes.len() as u32,
                    });
                }
                self.out.datas.push(wat::Data {
                    id,
                    memory: self.memory_id(mem),
                    offset: match passive {
                        true => Vec::new(),
                        false => vec![self.address_const(mem, addr)],
                    },
                    bytes,
                    comment: self.name_comment(&format!("data @{}", data.name)),
                });
            }
        }
        let Some(id) = self.init_memory.clone() else {
            return;
        };
        if segments.is_empty() {
            // Nothing to write: memory starts zeroed.
            return;
        }
        self.out.start = Some(id.clone());
        self.init_memory_func = Some(threads::init_memory(self, id, &segments));
    }

    /// `what` as a comment, when the IR came from a file or a frontend
    /// gave locations (then `asm -g` names each function after its
    /// `;; fn @name`, as `build -g` does). No line number: the positions
    /// are in the [`wat::Instr::Origin`] markers.
    pub fn name_comment(&self, what: &str) -> Option<String> {
        let located = self.module.source.is_some() || !self.module.locations.is_empty();
        located.then(|| what.to_string())
    }

    /// The position of an entity of the function `id`: its frontend
    /// location `loc` if it has one, else its span in the function's
    /// file, when the IR came from one.
    pub fn origin(&self, id: FuncId, span: Span, loc: ir::LocId) -> Option<wat::Origin> {
        if !self.origins {
            return None;
        }
        if !loc.is_none() {
            return located(self.module, loc);
        }
        let source = self.module.func_source(self.module.func(id));
        origin_in(source, self.files[id.index()].as_ref(), span)
    }

    /// [`ModuleCx::origin`] of an entity of `func`, the function `id`
    /// after the passes: an inlined `loc` ([`ir::LocId::inlined`]) gives
    /// the position in the callee with the chain of calls it was inlined
    /// at, or the call's position when the callee's is unknown.
    pub fn origin_in_func(
        &self,
        id: FuncId,
        func: &ir::Function,
        span: Span,
        loc: ir::LocId,
    ) -> Option<wat::Origin> {
        self.inlined_origin(id, func, span, loc, MAX_INLINE_DEPTH)
    }

    fn inlined_origin(
        &self,
        id: FuncId,
        func: &ir::Function,
        span: Span,
        loc: ir::LocId,
        depth: usize,
    ) -> Option<wat::Origin> {
        let Some((position, site)) = func.inlined_position(loc).filter(|_| depth > 0) else {
            return self.origin(id, span, loc);
        };
        let call = self.inlined_origin(id, func, site.call_span, site.call_loc, depth - 1);
        let callee = self.module.funcs.get(site.callee.index());
        let own = callee.and_then(|_| self.origin(site.callee, position.span, position.loc));
        let (Some(mut origin), Some(call), Some(callee)) = (own, call.clone(), callee) else {
            return call;
        };
        origin.inlined = Some(Arc::new(wat::InlinedAt {
            site: position.site,
            callee: callee.name.as_str().into(),
            call,
        }));
        Some(origin)
    }

    pub fn frame(&self, func: FuncId) -> Frame {
        Frame::new(self.module.func(func))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::parse_str;
    use crate::{emit, validate};

    fn lower_text(text: &str, target: Target) -> (wat::Module, String) {
        let module = parse_str("t.vir", text).expect("parses");
        crate::verify::verify_module(&module).expect("verifies");
        let ast = lower_module(&module, target).expect("lowers");
        let text = wat::print_module(&ast);
        let wasm = emit::assemble(&text, "t.wat").expect("assembles");
        validate::validate(&wasm).expect("validates");
        (ast, text)
    }

    #[test]
    fn externs_become_typed_imports() {
        let (ast, text) = lower_text(
            "extern fn @log(i32, ptr) -> i32 from \"env\" \"log\"\n\
             pub fn @f(%x: i32) -> i32 {\nentry:\n  %p = ptr.const 8\n  %r = call @log(%x, %p)\n  return %r\n}\n",
            Target::Wasm64,
        );
        assert_eq!(ast.imports.len(), 1);
        assert!(
            text.contains(
                "(import \"env\" \"log\" (func $log (type $t0) (param i32 i64) (result i32)))"
            ),
            "{text}"
        );
        assert!(text.contains("call $log"));
    }

    #[test]
    fn tables_and_memories_use_the_target_index_type() {
        let text = "fn @g() {\nentry:\n  return\n}\n\
                    pub fn @f() -> ptr {\nentry:\n  %p = func.addr @g\n  return %p\n}\n";
        for (target, index) in [
            (Target::Wasm64, wat::IndexType::I64),
            (Target::Wasm32, wat::IndexType::I32),
        ] {
            let (ast, _) = lower_text(text, target);
            assert_eq!(ast.memories[0].index_type, index);
            assert_eq!(ast.tables[0].index_type, index);
            assert_eq!((ast.tables[0].min, ast.tables[0].max), (2, Some(2)));
            assert_eq!(ast.elems[0].funcs, vec!["g".to_string()]);
        }
    }

    #[test]
    fn generated_names_step_aside_for_ir_names() {
        let (ast, text) = lower_text(
            "global mut @__stack_pointer: i32 = 7\npub fn @f() -> i32 {\nentry:\n  %v = global.get @__stack_pointer\n  return %v\n}\n",
            Target::Wasm64,
        );
        let ids: Vec<&str> = ast.globals.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "__stack_pointer",
                "__stack_pointer_1",
                "__data_end",
                "__heap_base"
            ]
        );
        assert!(text.contains("global.get $__stack_pointer\n"), "{text}");
    }

    #[test]
    fn more_wasm_locals_than_engines_allow_is_a_located_error() {
        // 50,001 values, each in a local of its own without sharing: the
        // verifier cannot bound this (sharing decides), so the lowering does.
        let mut text =
            String::from("pub fn @f(%a: i32) -> i32 {\nentry:\n  %s0 = i32.add %a, %a\n");
        for i in 1..=MAX_LOCALS {
            text.push_str(&format!("  %s{i} = i32.add %s{}, %a\n", i - 1));
        }
        text.push_str(&format!("  return %s{MAX_LOCALS}\n}}\n"));
        let module = parse_str("t.vir", &text).expect("parses");
        crate::verify::verify_module(&module).expect("verifies");
        let options = Options {
            stack_values: false,
            reuse_locals: false,
            ..Options::default()
        };
        let err = lower_module_with(&module, Target::Wasm64, options).unwrap_err();
        assert_eq!(
            err.message,
            "function `@f` needs 50002 wasm locals, more than the limit of 50000 of wasm engines"
        );
        assert_eq!(err.to_string().lines().nth(1), Some(" --> t.vir:1:1"));
        // Shared, the same values fit in a handful of locals.
        assert!(lower_module(&module, Target::Wasm64).is_ok());
    }

    #[test]
    fn all_zero_data_needs_no_segment() {
        let (ast, _) = lower_text(
            "data @bss = zero 64\ndata @msg = \"hi\"\npub fn @f() -> ptr {\nentry:\n  %p = data.addr @bss\n  return %p\n}\n",
            Target::Wasm32,
        );
        assert_eq!(ast.datas.len(), 1);
        assert_eq!(ast.datas[0].id, "msg");
        assert_eq!(ast.datas[0].bytes, b"hi");
    }
}
