//! The front door for a compiler: build IR in a [`Context`], compile it with
//! [`WasmBackend`].
//!
//! ```
//! use vitte_codegen_wasm64::{Context, Target, WasmBackend};
//! use vitte_codegen_wasm64::ir::{BinaryOp, Type};
//!
//! let mut ctx = Context::new(Target::Wasm64);
//! let func = ctx.create_function("sum");
//! {
//!     let mut b = ctx.builder(func);
//!     let x = b.param("x", Type::I64);
//!     let y = b.param("y", Type::I64);
//!     b.result(Type::I64);
//!     let entry = b.create_block("entry");
//!     b.switch_to_block(entry);
//!     let s = b.binary(BinaryOp::Add, Type::I64, x, y);
//!     b.ret(&[s]);
//! }
//! let wasm = WasmBackend::new().compile(&ctx, &func)?;
//! assert_eq!(&wasm[..4], b"\0asm");
//! # Ok::<(), vitte_codegen_wasm64::Error>(())
//! ```
//!
//! A frontend with calls declares every function with its signature first
//! ([`Context::declare_function`]), then builds the bodies in any order;
//! misuse of a builder is an error of [`WasmBackend::compile`]
//! ([`Error::Build`]), never a panic or a different program:
//!
//! ```
//! use vitte_codegen_wasm64::{Context, Error, Target, WasmBackend};
//! use vitte_codegen_wasm64::ir::{Linkage, Signature, Type};
//!
//! let mut ctx = Context::new(Target::Wasm64);
//! let sig = Signature { params: vec![Type::I64], results: vec![Type::I64] };
//! let main = ctx.declare_function("main", sig.clone(), Linkage::Public);
//! let twice = ctx.declare_function("twice", sig, Linkage::Private);
//! {
//!     let mut b = ctx.builder(main);
//!     let x = b.params()[0];
//!     let entry = b.create_block("entry");
//!     b.switch_to_block(entry);
//!     let r = b.call(twice, &[x])[0]; // `twice` has no body yet
//!     b.ret(&[r]);
//!     b.ret(&[x]); // refused: the block already ends in `return`
//! }
//! {
//!     let mut b = ctx.builder(twice);
//!     let x = b.params()[0];
//!     let entry = b.create_block("entry");
//!     b.switch_to_block(entry);
//!     let y = b.add(x, x); // i64.add, from the operands' type
//!     b.ret(&[y]);
//! }
//! let Err(e @ Error::Build(_)) = WasmBackend::new().compile(&ctx, &main) else { panic!() };
//! assert_eq!(
//!     e.report(),
//!     "error: in function `@main`, block `entry`: a second terminator `return`; \
//!      the block already ends in `return`"
//! );
//! ```

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::ir::{
    BuildError, FuncId, Function, FunctionBuilder, Linkage, Module, Signature, Target, ValueDef,
};
use crate::{emit, encode, lower, validate, wat};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Any failure of the pipeline, from IR text to a validated binary.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Errors in the IR (syntax, names, types, dominance), or IR the lowering
    /// does not support yet; each is located in the IR source when there is one,
    /// and in its function, block and instruction when the IR was built in memory.
    #[error("{}", crate::diag::render_list(.0))]
    Ir(Diagnostics),
    /// Misuse of a [`FunctionBuilder`] made by [`Context::builder`]: the
    /// module is not the program the frontend asked for, so it is not compiled.
    #[error("{}", crate::diag::render_list(.0))]
    Build(Vec<BuildError>),
    /// WAT text that does not assemble.
    #[error(transparent)]
    Assemble(#[from] emit::AsmError),
    /// A binary that does not validate.
    #[error(transparent)]
    Invalid(#[from] validate::ValidateError),
    /// A lowered module the direct binary path cannot encode.
    #[error(transparent)]
    Encode(#[from] encode::EncodeError),
    /// Origins that do not fit the binary they should describe in DWARF.
    #[cfg(feature = "dwarf")]
    #[error(transparent)]
    Dwarf(#[from] crate::dwarf::DwarfError),
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Error {
        Error::Ir(d.into())
    }
}

/// [`crate::verify::verify_module`], its errors located in the module's source.
fn verify_module(module: &Module) -> Result<(), Error> {
    crate::verify::verify_module(module).map_err(|ds| {
        Error::Ir(
            ds.into_iter()
                .map(|d| locate_built(d.with_file(module.source.as_ref())))
                .collect(),
        )
    })
}

/// A diagnostic about IR built in memory has no source to point into: its
/// notes (the function, block and instruction the verifier names) become
/// lines of its message, except those that point "here", at no text.
fn locate_built(mut d: Diagnostic) -> Diagnostic {
    if d.file.is_some() {
        return d;
    }
    for (note, _, _) in std::mem::take(&mut d.notes) {
        if !note.ends_with(" here") {
            d.message = format!("{}\n  --> {note}", d.message);
        }
    }
    d
}

impl Error {
    /// The whole report, every error prefixed `error: ` (`Display` leaves
    /// out the first prefix, which the command line writes).
    pub fn report(&self) -> String {
        format!("error: {self}")
    }

    /// The misuse of builders, when that is what this error is.
    pub fn build_errors(&self) -> &[BuildError] {
        match self {
            Error::Build(errors) => errors,
            _ => &[],
        }
    }
}

/// A module under construction, and the target it is for.
///
/// Functions are declared first, with [`Context::create_function`] (an
/// exported function whose signature the builder gives) or
/// [`Context::declare_function`] (any linkage, the signature given now, so
/// that calls can be built before the body), then defined by one
/// [`Context::builder`] each. The builders' errors are kept here:
/// [`WasmBackend::compile`] returns them instead of compiling.
#[derive(Clone, Debug)]
pub struct Context {
    module: Module,
    target: Target,
    errors: Vec<BuildError>,
}

impl Context {
    pub fn new(target: Target) -> Context {
        Context::from_module(Module::default(), target)
    }

    pub fn from_module(module: Module, target: Target) -> Context {
        Context {
            module,
            target,
            errors: Vec::new(),
        }
    }

    /// The errors of the builders made so far, in the order they happened.
    pub fn errors(&self) -> &[BuildError] {
        &self.errors
    }

    /// The module if every builder was used correctly and it verifies
    /// (what [`WasmBackend::compile`] checks before lowering).
    pub fn verify(&self) -> Result<&Module, Error> {
        if !self.errors.is_empty() {
            return Err(Error::Build(self.errors.clone()));
        }
        verify_module(&self.module)?;
        Ok(&self.module)
    }

    pub fn target(&self) -> Target {
        self.target
    }

    pub fn module(&self) -> &Module {
        &self.module
    }

    pub fn module_mut(&mut self) -> &mut Module {
        &mut self.module
    }

    /// Adds an exported function with no parameters or results yet; give it
    /// those (before its first block) and a body through [`Context::builder`].
    pub fn create_function(&mut self, name: &str) -> FuncId {
        self.module
            .add_function(Function::new(name, Signature::default(), Linkage::Public))
    }

    /// Declares a function with its signature, to be defined later by
    /// [`Context::builder`]: calls to it can be built before its body, and
    /// the body takes its parameter values from
    /// [`FunctionBuilder::params`] (named `%p0`, `%p1`, ...; rename them with
    /// [`FunctionBuilder::set_value_name`]). `Linkage::Private` makes an
    /// internal function, not exported; for an import use
    /// [`Context::declare_import`].
    pub fn declare_function(&mut self, name: &str, sig: Signature, linkage: Linkage) -> FuncId {
        let mut func = Function::new(name, sig, linkage);
        if !func.is_import() {
            for (i, ty) in func.sig.params.clone().into_iter().enumerate() {
                let value = func.new_value(ty, format!("p{i}"), ValueDef::Param(i as u32));
                func.params.push(value);
            }
        }
        self.module.add_function(func)
    }

    /// Declares an imported function (`extern fn`).
    pub fn declare_import(
        &mut self,
        name: &str,
        sig: Signature,
        module: &str,
        field: &str,
    ) -> FuncId {
        let linkage = Linkage::Import {
            module: module.into(),
            name: field.into(),
        };
        self.module.add_function(Function::new(name, sig, linkage))
    }

    /// The builder of `func`'s body. Its errors are kept in this context
    /// when it is finished or dropped.
    pub fn builder(&mut self, func: FuncId) -> FunctionBuilder<'_> {
        FunctionBuilder::with_sink(&mut self.module, func, &mut self.errors)
    }
}

/// What the pipeline produced: the WAT text and the binary assembled from
/// it, and where each operator of each function came from in the IR (for a
/// runtime's backtraces, whatever the text's options).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compiled {
    pub wat: String,
    pub wasm: Vec<u8>,
    pub origins: Vec<wat::FuncOrigins>,
}

/// The wall time of each pass of a compilation, in the order they ran
/// (`vitte-wat build --time-passes` prints them).
#[derive(Clone, Debug, Default)]
pub struct PassTimes {
    pub passes: Vec<(&'static str, Duration)>,
}

impl PassTimes {
    /// Runs `f` as the pass `name` and records how long it took.
    pub fn time<R>(&mut self, name: &'static str, f: impl FnOnce() -> R) -> R {
        let start = Instant::now();
        let result = f();
        self.passes.push((name, start.elapsed()));
        result
    }

    pub fn total(&self) -> Duration {
        self.passes.iter().map(|(_, d)| *d).sum()
    }
}

/// Verifies, lowers, prints, assembles and validates.
#[derive(Clone, Debug, Default)]
pub struct WasmBackend {
    options: lower::Options,
    /// See [`WasmBackend::one_shot`].
    one_shot: bool,
    /// See [`WasmBackend::with_locations`].
    print: wat::PrintOptions,
    /// See `WasmBackend::with_debug_info` (feature `dwarf`); never set
    /// without it.
    debug_info: bool,
}

impl WasmBackend {
    pub fn new() -> WasmBackend {
        WasmBackend::default()
    }

    /// The same backend with chosen lowering optimizations (all on by default).
    pub fn with_options(options: lower::Options) -> WasmBackend {
        WasmBackend {
            options,
            ..WasmBackend::default()
        }
    }

    /// The same backend at an optimisation level: `O0` lowers each IR
    /// instruction as it is, `O2` (the default) runs every pass
    /// (docs/lowering.md, Optimisation levels).
    pub fn with_opt_level(mut self, level: lower::OptLevel) -> WasmBackend {
        self.options = lower::Options::at(level);
        self
    }

    /// The same backend with chosen passes: a level's, some switched on or
    /// off by name (`lower::Options::set`).
    pub fn with_lowering_options(mut self, options: lower::Options) -> WasmBackend {
        self.options = options;
        self
    }

    /// The same backend writing each instruction's IR position in the WAT
    /// (`-g`): a `;;@ file:line:col` line wherever it changes, and one above
    /// each function for its definition. The binary is the same either way.
    pub fn with_locations(mut self, on: bool) -> WasmBackend {
        self.print.locations = on;
        self
    }

    /// The same backend appending DWARF sections to the binary (`build
    /// -g`), which map its code back to the IR source: see [`crate::dwarf`].
    /// The other sections are the same bytes either way.
    #[cfg(feature = "dwarf")]
    pub fn with_debug_info(mut self, on: bool) -> WasmBackend {
        self.debug_info = on;
        self
    }

    /// `wasm` with DWARF sections made from `origins` when asked for.
    fn add_debug_info(
        &self,
        wasm: Vec<u8>,
        origins: &[wat::FuncOrigins],
        target: Target,
        times: &mut PassTimes,
    ) -> Result<Vec<u8>, Error> {
        #[cfg(feature = "dwarf")]
        if self.debug_info {
            let dwarf = || crate::dwarf::append_debug_info(wasm, origins, target);
            return Ok(times.time("dwarf", dwarf)?);
        }
        let _ = (origins, target, times); // used by the feature only

        Ok(wasm)
    }

    /// The same backend for a process that exits after one compilation (the
    /// command line): the IR and the WAT AST it builds are not freed, which
    /// saves the time of freeing millions of small allocations one by one
    /// (rustc does the same). A long-running caller must not use it.
    pub fn one_shot(mut self) -> WasmBackend {
        self.one_shot = true;
        self
    }

    fn discard<T>(&self, value: T) {
        if self.one_shot {
            std::mem::forget(value);
        }
    }

    /// Compiles the context's module, with `func` exported, to a validated
    /// binary; the errors of its builders, if any, instead.
    pub fn compile(&self, ctx: &Context, func: &FuncId) -> Result<Vec<u8>, Error> {
        if !ctx.errors.is_empty() {
            return Err(Error::Build(ctx.errors.clone()));
        }
        let mut module = ctx.module.clone();
        let Some(f) = module.funcs.get_mut(func.index()) else {
            return Err(Diagnostic::new(
                format!("no function {} in this context", func.index()),
                crate::diag::Span::NONE,
            )
            .into());
        };
        if f.linkage == Linkage::Private {
            f.linkage = Linkage::Public;
        }
        Ok(self.compile_module(&module, ctx.target)?.wasm)
    }

    /// The lowered WAT AST of a module, after verification.
    pub fn lower(&self, module: &Module, target: Target) -> Result<wat::Module, Error> {
        verify_module(module)?;
        Ok(lower::lower_module_with(module, target, self.options)?)
    }

    /// The WAT text of a module.
    pub fn emit_wat(&self, module: &Module, target: Target) -> Result<String, Error> {
        Ok(wat::print_module_with(
            &self.lower(module, target)?,
            self.print,
        ))
    }

    /// WAT text and the validated binary assembled from exactly that text.
    pub fn compile_module(&self, module: &Module, target: Target) -> Result<Compiled, Error> {
        let mut times = PassTimes::default();
        times.time("verify", || verify_module(module))?;
        self.compile_verified(module, target, &mut times)
    }

    /// Lowers, prints, assembles and validates a module that passed
    /// [`crate::verify::verify_module`], timing each pass.
    fn compile_verified(
        &self,
        module: &Module,
        target: Target,
        times: &mut PassTimes,
    ) -> Result<Compiled, Error> {
        let (lowered, origins) = times.time("lower", || {
            lower::lower_module_with_origins(module, target, self.options)
        })?;
        let wat = times.time("print", || wat::print_module_with(&lowered, self.print));
        self.discard(lowered);
        let name = module
            .source
            .as_ref()
            .map(|s| format!("{} (lowered)", s.name))
            .unwrap_or_else(|| "<lowered>".into());
        let wasm = times.time("assemble", || emit::assemble(&wat, &name))?;
        let wasm = self.add_debug_info(wasm, &origins, target, times)?;
        times.time("validate", || validate::validate(&wasm))?;
        Ok(Compiled { wat, wasm, origins })
    }

    /// Parses, verifies and compiles `.vir` text.
    pub fn compile_source(
        &self,
        file: &Arc<SourceFile>,
        target: Target,
    ) -> Result<Compiled, Error> {
        self.compile_source_timed(file, target, &mut PassTimes::default())
    }

    /// [`WasmBackend::compile_source`], recording the time of each pass in
    /// `times`: parse, verify, lower, print, assemble, validate.
    pub fn compile_source_timed(
        &self,
        file: &Arc<SourceFile>,
        target: Target,
        times: &mut PassTimes,
    ) -> Result<Compiled, Error> {
        let module = parse_verified(file, times)?;
        let compiled = self.compile_verified(&module, target, times);
        self.discard(module);
        compiled
    }

    /// The validated binary of a module, encoded straight from the WAT AST
    /// (no text), one function at a time: the same bytes as
    /// [`WasmBackend::compile_module`]'s, faster.
    pub fn compile_module_direct(&self, module: &Module, target: Target) -> Result<Vec<u8>, Error> {
        let mut times = PassTimes::default();
        times.time("verify", || verify_module(module))?;
        self.encode_verified(module, target, &mut times)
    }

    /// Parses, verifies and compiles `.vir` text by the direct binary path,
    /// timing each pass: parse, verify, lower+encode (one pass), validate. The bytes
    /// are those [`WasmBackend::compile_source_timed`] gives.
    pub fn compile_source_direct_timed(
        &self,
        file: &Arc<SourceFile>,
        target: Target,
        times: &mut PassTimes,
    ) -> Result<Vec<u8>, Error> {
        let module = parse_verified(file, times)?;
        let wasm = self.encode_verified(&module, target, times);
        self.discard(module);
        wasm
    }

    /// [`WasmBackend::compile_source_direct_timed`], also returning each
    /// function's origins, as [`Compiled::origins`] has them (for a source
    /// map of the binary).
    pub fn compile_source_direct_with_origins(
        &self,
        file: &Arc<SourceFile>,
        target: Target,
        times: &mut PassTimes,
    ) -> Result<(Vec<u8>, Vec<wat::FuncOrigins>), Error> {
        let module = parse_verified(file, times)?;
        let compiled = self.encode_with_origins(&module, target, true, times);
        self.discard(module);
        compiled
    }

    fn encode_verified(
        &self,
        module: &Module,
        target: Target,
        times: &mut PassTimes,
    ) -> Result<Vec<u8>, Error> {
        let (wasm, _) = self.encode_with_origins(module, target, false, times)?;
        Ok(wasm)
    }

    /// The binary and, when debug information or `with_origins` asks for
    /// them, the origins (else none).
    fn encode_with_origins(
        &self,
        module: &Module,
        target: Target,
        with_origins: bool,
        times: &mut PassTimes,
    ) -> Result<(Vec<u8>, Vec<wat::FuncOrigins>), Error> {
        let with_origins = with_origins || self.debug_info;
        // One pass: each function is encoded as soon as it is lowered.
        let (wasm, origins) = times.time("lower+encode", || {
            encode::lower_and_encode::<Error>(module, target, self.options, with_origins)
        })?;
        let wasm = self.add_debug_info(wasm, &origins, target, times)?;
        times.time("validate", || validate::validate(&wasm))?;
        Ok((wasm, origins))
    }
}

/// Parses `.vir` text and verifies it as a module to lower.
fn parse_verified(file: &Arc<SourceFile>, times: &mut PassTimes) -> Result<Module, Error> {
    let module = times
        .time("parse", || crate::text::parse_module(file))
        .map_err(|d| Error::Ir(d.with_file(Some(file)).into()))?;
    times.time("verify", || {
        // The unit's checks as `text::load` makes them, then what a module
        // to lower needs beyond them: the same errors as `verify_module`
        // without checking every function twice.
        crate::verify::verify_unit(&module)
            .and_then(|()| crate::verify::verify_complete(&module))
            .map_err(|ds| Error::Ir(ds.with_file(Some(file))))
    })?;
    Ok(module)
}
