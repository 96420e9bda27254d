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

use crate::diag::{Diagnostic, SourceFile};
use crate::ir::{FuncId, Function, FunctionBuilder, Linkage, Module, Signature, Target};
use crate::{emit, encode, lower, validate, wat};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Any failure of the pipeline, from IR text to a validated binary.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Errors in the IR (syntax, names, types, dominance), or IR the lowering
    /// does not support yet; each is located in the IR source when there is one.
    #[error("{}", render(.0))]
    Ir(Vec<Diagnostic>),
    /// WAT text that does not assemble.
    #[error(transparent)]
    Assemble(#[from] emit::AsmError),
    /// A binary that does not validate.
    #[error(transparent)]
    Invalid(#[from] validate::ValidateError),
    /// A lowered module the direct binary path cannot encode.
    #[error(transparent)]
    Encode(#[from] encode::EncodeError),
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Error {
        Error::Ir(vec![d])
    }
}

/// [`crate::verify::verify_module`], its errors located in the module's source.
fn verify_module(module: &Module) -> Result<(), Error> {
    crate::verify::verify_module(module).map_err(|ds| {
        Error::Ir(
            ds.into_iter()
                .map(|d| d.with_file(module.source.as_ref()))
                .collect(),
        )
    })
}

fn render(diagnostics: &[Diagnostic]) -> String {
    let parts: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
    parts.join("\nerror: ")
}

/// A module under construction, and the target it is for.
#[derive(Clone, Debug)]
pub struct Context {
    module: Module,
    target: Target,
}

impl Context {
    pub fn new(target: Target) -> Context {
        Context {
            module: Module::default(),
            target,
        }
    }

    pub fn from_module(module: Module, target: Target) -> Context {
        Context { module, target }
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
    /// those and a body through [`Context::builder`].
    pub fn create_function(&mut self, name: &str) -> FuncId {
        self.module
            .add_function(Function::new(name, Signature::default(), Linkage::Public))
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

    pub fn builder(&mut self, func: FuncId) -> FunctionBuilder<'_> {
        FunctionBuilder::new(&mut self.module, func)
    }
}

/// What the pipeline produced: the WAT text and the binary assembled from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compiled {
    pub wat: String,
    pub wasm: Vec<u8>,
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
}

impl WasmBackend {
    pub fn new() -> WasmBackend {
        WasmBackend::default()
    }

    /// The same backend with chosen lowering optimizations (all on by default).
    pub fn with_options(options: lower::Options) -> WasmBackend {
        WasmBackend {
            options,
            one_shot: false,
        }
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

    /// Compiles the context's module, with `func` exported, to a validated binary.
    pub fn compile(&self, ctx: &Context, func: &FuncId) -> Result<Vec<u8>, Error> {
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
        Ok(wat::print_module(&self.lower(module, target)?))
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
        let lowered = times.time("lower", || {
            lower::lower_module_with(module, target, self.options)
        })?;
        let wat = times.time("print", || wat::print_module(&lowered));
        self.discard(lowered);
        let name = module
            .source
            .as_ref()
            .map(|s| format!("{} (lowered)", s.name))
            .unwrap_or_else(|| "<lowered>".into());
        let wasm = times.time("assemble", || emit::assemble(&wat, &name))?;
        times.time("validate", || validate::validate(&wasm))?;
        Ok(Compiled { wat, wasm })
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

    fn encode_verified(
        &self,
        module: &Module,
        target: Target,
        times: &mut PassTimes,
    ) -> Result<Vec<u8>, Error> {
        // One pass: each function is encoded as soon as it is lowered.
        let wasm = times.time("lower+encode", || {
            encode::lower_and_encode::<Error>(module, target, self.options)
        })?;
        times.time("validate", || validate::validate(&wasm))?;
        Ok(wasm)
    }
}

/// Parses `.vir` text and verifies it as a module to lower.
fn parse_verified(file: &Arc<SourceFile>, times: &mut PassTimes) -> Result<Module, Error> {
    let module = times
        .time("parse", || crate::text::parse_module(file))
        .map_err(|d| Error::Ir(vec![d.with_file(Some(file))]))?;
    times.time("verify", || {
        // The unit's checks as `text::load` makes them, then what a module
        // to lower needs beyond them: the same errors as `verify_module`
        // without checking every function twice.
        crate::verify::verify_unit(&module)
            .and_then(|()| crate::verify::verify_complete(&module))
            .map_err(|ds| Error::Ir(ds.into_iter().map(|d| d.with_file(Some(file))).collect()))
    })?;
    Ok(module)
}
