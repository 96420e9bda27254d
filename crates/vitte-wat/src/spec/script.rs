//! Running one `.wast` script: its directives, in order, in one wasmtime
//! store.
//!
//! Every directive counts. One that fails is recorded with its
//! `file:line:col`, what the script expected and what happened, and the run
//! goes on: a failed `module` leaves no current instance, so the directives
//! that use it fail too, each saying why, and those that do not still run.
//!
//! `thread` runs its directives on an OS thread with a store of its own,
//! which sees the named shared module's shared memories (all a store can
//! share with another); `wait` joins it and adds its results.

use super::cache::ModuleCache;
use super::compat::Compat;
use super::config::{Profile, SpecEngine};
use super::host::define_spectest;
use super::messages::{Stop, error_corresponds, feature_off, last_cause, trap_corresponds};
use super::report::{Failure, Note, Report};
use super::values::{arg_val, matches, show_actual, show_expected, show_val, show_vals};
use crate::diag::SourceFile;
use std::collections::HashMap;
use std::sync::Arc;
use std::thread::{Scope, ScopedJoinHandle};
use std::time::{Duration, Instant};
use wasmtime::{
    AsContextMut, Engine, Extern, Instance, Linker, Module, RootScope, SharedMemory, Store, Val,
};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::{Id, Span};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// How a script is run.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// How long one directive may run before the guest is interrupted.
    pub timeout: Duration,
    /// Whose conventions the script follows.
    pub compat: Compat,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            timeout: super::config::DEFAULT_TIMEOUT,
            compat: Compat::Strict,
        }
    }
}

/// Runs a script's text with an engine. Never panics on bad input: a
/// script that does not parse gives a report whose `error` is
/// `file:line:col: reason`.
///
/// The engine's profile tells which features the script is written for.
pub fn run(engine: &SpecEngine, path: &str, text: &str, settings: Settings) -> Report {
    let start = Instant::now();
    let file = SourceFile::new(path, text);
    let context = Context {
        engine: engine.engine.clone(),
        profile: engine.profile,
        modules: engine.modules.clone(),
        file,
        settings,
    };
    let mut report = match parse_and_run(&context, text) {
        Ok(report) => report,
        Err(error) => Report {
            error: Some(error),
            ..Report::new(path)
        },
    };
    report.path = path.to_string();
    report.duration = start.elapsed();
    report
}

/// What every session of a script (and its threads) shares.
#[derive(Clone)]
struct Context {
    engine: Engine,
    profile: Profile,
    modules: Arc<ModuleCache>,
    file: Arc<SourceFile>,
    settings: Settings,
}

fn parse_and_run(context: &Context, text: &str) -> Result<Report, String> {
    let file = &context.file;
    let mut lexer = Lexer::new(text);
    // The testsuite's names.wast has bidirectional-text characters in strings.
    lexer.allow_confusing_unicode(true);
    let buffer = ParseBuffer::new_with_lexer(lexer).map_err(|e| locate_error(file, &e))?;
    // wast reads a script without directives as one inline module, which
    // then has no fields; a script of only comments simply has nothing to run.
    if !has_tokens(text) {
        return Ok(Report::new(file.name.clone()));
    }
    let script: Wast = parser::parse(&buffer).map_err(|e| locate_error(file, &e))?;
    std::thread::scope(|scope| {
        let mut session = Session::new(context.clone(), scope, HashMap::new())
            .map_err(|e| format!("{}: cannot set up the store: {e:#}", file.name))?;
        for directive in script.directives {
            session.directive(directive);
        }
        Ok(session.finish())
    })
}

/// When a directive last started or finished, in any script: what the
/// suite's watchdog looks at. The epoch deadline interrupts running wasm
/// code, but not a guest blocked in the host (a `memory.atomic.wait` with
/// no timeout that nothing will notify); the watchdog gives up on those.
pub mod activity {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    static LAST_MS: AtomicU64 = AtomicU64::new(0);

    fn origin() -> Instant {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        *ORIGIN.get_or_init(Instant::now)
    }

    pub(crate) fn touch() {
        let now = origin().elapsed().as_millis() as u64;
        LAST_MS.fetch_max(now, Ordering::Relaxed);
    }

    /// How long since any directive started or finished.
    pub fn idle_for() -> Duration {
        let now = origin().elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(LAST_MS.load(Ordering::Relaxed)))
    }
}

/// Whether the text has anything but whitespace and comments.
fn has_tokens(text: &str) -> bool {
    let mut lexer = Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let mut pos = 0;
    loop {
        use wast::lexer::TokenKind::*;
        match lexer.parse(&mut pos) {
            Ok(None) => return false,
            Ok(Some(token)) if matches!(token.kind, Whitespace | LineComment | BlockComment) => {}
            // A token, or a lexing error that the parser is to report.
            _ => return true,
        }
    }
}

/// `file:line:col: reason` for a wast parse error.
fn locate_error(file: &SourceFile, error: &wast::Error) -> String {
    let (line, col) = file.line_col(error.span().offset());
    format!("{}:{line}:{col}: {}", file.name, error.message())
}

/// Why a directive failed: the script's expectation and what happened.
struct Miss {
    expected: String,
    actual: String,
}

fn miss(expected: impl Into<String>, actual: impl Into<String>) -> Miss {
    Miss {
        expected: expected.into(),
        actual: actual.into(),
    }
}

/// A directive's outcome: passed (maybe with a note for `-v`), or not.
type Check = Result<Option<String>, Miss>;

/// What an action did: returned values, or stopped.
enum Exec {
    Returned(Vec<Val>),
    Stopped(Stop),
}

/// The state of one script (or one `thread` of it).
struct Session<'scope, 'env> {
    cx: Context,
    store: Store<()>,
    linker: Linker<()>,
    current: Option<Instance>,
    instances: HashMap<String, Instance>,
    definitions: HashMap<String, Module>,
    last_definition: Option<Module>,
    /// The shared memories of modules a `thread` was given.
    shared: HashMap<String, Vec<(String, SharedMemory)>>,
    threads: HashMap<String, ScopedJoinHandle<'scope, Report>>,
    scope: &'scope Scope<'scope, 'env>,
    ticks: u64,
    report: Report,
}

impl<'scope, 'env> Session<'scope, 'env> {
    fn new(
        cx: Context,
        scope: &'scope Scope<'scope, 'env>,
        shared: HashMap<String, Vec<(String, SharedMemory)>>,
    ) -> wasmtime::Result<Self> {
        let mut store = Store::new(&cx.engine, ());
        store.epoch_deadline_trap();
        let mut linker = Linker::new(&cx.engine);
        // `register` may reuse a name; the latest registration wins.
        linker.allow_shadowing(true);
        define_spectest(&mut linker, &mut store)?;
        Ok(Session {
            ticks: super::config::deadline_ticks(cx.settings.timeout),
            report: Report::new(cx.file.name.clone()),
            cx,
            store,
            linker,
            current: None,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            shared,
            threads: HashMap::new(),
            scope,
        })
    }

    /// Joins the threads still running and returns the report, in file order.
    fn finish(mut self) -> Report {
        let mut names: Vec<String> = self.threads.keys().cloned().collect();
        names.sort();
        for name in names {
            if let Some(handle) = self.threads.remove(&name) {
                match handle.join() {
                    Ok(report) => self.report.absorb(report),
                    Err(_) => self.report.error = Some(format!("thread ${name} panicked")),
                }
            }
        }
        self.report.failures.sort_by_key(|f| (f.line, f.column));
        self.report
    }

    fn directive(&mut self, directive: WastDirective<'env>) {
        activity::touch();
        let span = directive.span();
        let (kind, check) = match directive {
            WastDirective::Module(module) => ("module", self.module(module)),
            WastDirective::ModuleDefinition(module) => {
                ("module definition", self.definition(module))
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => ("module instance", self.module_instance(instance, module)),
            WastDirective::Register { name, module, .. } => {
                ("register", self.register(name, module))
            }
            WastDirective::Invoke(invoke) => ("invoke", self.invoke_directive(&invoke)),
            WastDirective::AssertReturn { exec, results, .. } => {
                ("assert_return", self.assert_return(exec, &results))
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                ("assert_trap", self.assert_trap(exec, message))
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                ("assert_exhaustion", self.assert_exhaustion(&call, message))
            }
            WastDirective::AssertException { exec, .. } => {
                ("assert_exception", self.assert_exception(exec))
            }
            WastDirective::AssertInvalid {
                module, message, ..
            } => (
                "assert_invalid",
                self.assert_rejected(module, message, Rejection::Invalid),
            ),
            WastDirective::AssertMalformed {
                module, message, ..
            } => (
                "assert_malformed",
                self.assert_rejected(module, message, Rejection::Malformed),
            ),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => ("assert_unlinkable", self.assert_unlinkable(module, message)),
            WastDirective::AssertInvalidCustom { .. } => (
                "assert_invalid_custom",
                Err(miss(
                    "an invalid custom section",
                    "not checked: wasmtime does not interpret custom sections",
                )),
            ),
            WastDirective::AssertMalformedCustom { .. } => (
                "assert_malformed_custom",
                Err(miss(
                    "a malformed custom section",
                    "not checked: wasmtime does not interpret custom sections",
                )),
            ),
            WastDirective::AssertSuspension { .. } => (
                "assert_suspension",
                Err(miss(
                    "an unhandled suspension",
                    "not supported: stack switching is not enabled",
                )),
            ),
            WastDirective::Thread(thread) => ("thread", self.thread(thread)),
            WastDirective::Wait { thread, .. } => ("wait", self.wait(thread)),
        };
        self.record(span, kind, check);
        activity::touch();
    }

    fn record(&mut self, span: Span, directive: &'static str, check: Check) {
        let (line, column) = self.cx.file.line_col(span.offset());
        let location = format!("{}:{line}:{column}", self.cx.file.name);
        match check {
            Ok(note) => {
                self.report.passed += 1;
                if let Some(message) = note {
                    self.report.notes.push(Note {
                        location,
                        directive,
                        message,
                    });
                }
            }
            Err(Miss { expected, actual }) => self.report.failures.push(Failure {
                location,
                line,
                column,
                directive,
                expected,
                actual,
                expected_failure: None,
            }),
        }
    }

    // ---- modules -------------------------------------------------------

    /// Text or binary to a compiled module; the error says which stage.
    fn compile(&self, module: &mut QuoteWat<'_>) -> Result<Module, Miss> {
        if matches!(
            module,
            QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
        ) {
            return Err(miss("a core module", "a component (not supported)"));
        }
        let bytes = module
            .encode()
            .map_err(|e| miss("a module", format!("malformed text `{}`", e.message())))?;
        self.cx
            .modules
            .compile(&self.cx.engine, &bytes)
            .map_err(|e| miss("a valid module", format!("rejected: `{}`", last_cause(&e))))
    }

    fn instantiate(&mut self, module: &Module) -> Result<Instance, Stop> {
        self.store.set_epoch_deadline(self.ticks);
        match self.linker.instantiate(&mut self.store, module) {
            Ok(instance) => Ok(instance),
            Err(e) => Err(stopped(self.store.as_context_mut(), &e)),
        }
    }

    fn stop_text(&self, stop: &Stop) -> String {
        stop.describe(self.cx.settings.timeout.as_secs_f64())
    }

    fn module(&mut self, mut module: QuoteWat<'env>) -> Check {
        // A failed module leaves no current instance (nor one by its name):
        // later directives that use it fail and say so, instead of running
        // against a stale one.
        self.current = None;
        let name = module.name();
        if let Some(name) = name {
            self.instances.remove(name.name());
        }
        let compiled = self.compile(&mut module)?;
        let instance = self
            .instantiate(&compiled)
            .map_err(|stop| miss("the module to instantiate", self.stop_text(&stop)))?;
        self.current = Some(instance);
        if let Some(name) = name {
            self.name_instance(name.name(), instance)?;
        }
        Ok(None)
    }

    /// Keeps an instance under its `$name` for later directives and, in
    /// wasmtime's convention, registers it for imports under that name.
    fn name_instance(&mut self, name: &str, instance: Instance) -> Result<(), Miss> {
        self.instances.insert(name.to_string(), instance);
        if self.cx.settings.compat == Compat::Wasmtime {
            self.linker
                .instance(&mut self.store, name, instance)
                .map_err(|e| miss(format!("to register ${name}"), format!("{e:#}")))?;
        }
        Ok(())
    }

    fn definition(&mut self, mut module: QuoteWat<'env>) -> Check {
        let name = module.name();
        let compiled = self.compile(&mut module)?;
        if let Some(name) = name {
            self.definitions
                .insert(name.name().to_string(), compiled.clone());
        }
        self.last_definition = Some(compiled);
        Ok(None)
    }

    fn module_instance(&mut self, instance: Option<Id<'_>>, module: Option<Id<'_>>) -> Check {
        self.current = None;
        let compiled = match module {
            Some(id) => self.definitions.get(id.name()).cloned(),
            None => self.last_definition.clone(),
        }
        .ok_or_else(|| miss("a module definition", "no such definition"))?;
        let made = self
            .instantiate(&compiled)
            .map_err(|stop| miss("the module to instantiate", self.stop_text(&stop)))?;
        self.current = Some(made);
        if let Some(id) = instance {
            self.name_instance(id.name(), made)?;
        }
        Ok(None)
    }

    fn register(&mut self, name: &str, module: Option<Id<'_>>) -> Check {
        if let Some(memories) = module.and_then(|id| self.shared.get(id.name())) {
            for (field, memory) in memories.clone() {
                self.linker
                    .define(&mut self.store, name, &field, memory)
                    .map_err(|e| miss("a module to register", format!("{e:#}")))?;
            }
            return Ok(None);
        }
        let instance = self.instance(module)?;
        self.linker
            .instance(&mut self.store, name, instance)
            .map_err(|e| miss("a module to register", format!("{e:#}")))?;
        Ok(None)
    }

    fn instance(&self, module: Option<Id<'_>>) -> Result<Instance, Miss> {
        match module {
            Some(id) => self
                .instances
                .get(id.name())
                .copied()
                .ok_or_else(|| miss(format!("a module named ${}", id.name()), "none")),
            None => self.current.ok_or_else(|| {
                miss(
                    "a current module",
                    "none (the last module failed or there was none)",
                )
            }),
        }
    }

    // ---- actions -------------------------------------------------------

    /// Runs an action, and shows what it returned. `Err` when it could not
    /// even start (no such export, a bad argument, a module that does not
    /// compile).
    fn execute(&mut self, exec: WastExecute<'env>) -> Result<(Exec, Vec<String>), Miss> {
        match exec {
            WastExecute::Invoke(invoke) => {
                let instance = self.instance(invoke.module)?;
                self.store.set_epoch_deadline(self.ticks);
                let mut scope = RootScope::new(&mut self.store);
                let exec = call(&mut scope, instance, &invoke)?;
                let shown = match &exec {
                    Exec::Returned(vals) => vals.iter().map(|v| show_val(&mut scope, v)).collect(),
                    Exec::Stopped(_) => Vec::new(),
                };
                Ok((exec, shown))
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                let found = instance
                    .get_global(&mut self.store, global)
                    .ok_or_else(|| miss(format!("an exported global `{global}`"), "none"))?;
                let mut scope = RootScope::new(&mut self.store);
                let value = found.get(&mut scope);
                let shown = vec![show_val(&mut scope, &value)];
                Ok((Exec::Returned(vec![value]), shown))
            }
            WastExecute::Wat(wat) => {
                let compiled = self.compile(&mut QuoteWat::Wat(wat))?;
                Ok(match self.instantiate(&compiled) {
                    Ok(_) => (Exec::Returned(Vec::new()), Vec::new()),
                    Err(stop) => (Exec::Stopped(stop), Vec::new()),
                })
            }
        }
    }

    fn invoke_directive(&mut self, invoke: &WastInvoke<'env>) -> Check {
        let instance = self.instance(invoke.module)?;
        self.store.set_epoch_deadline(self.ticks);
        let mut scope = RootScope::new(&mut self.store);
        match call(&mut scope, instance, invoke)? {
            Exec::Returned(_) => Ok(None),
            Exec::Stopped(stop) => {
                let text = stop.describe(self.cx.settings.timeout.as_secs_f64());
                Err(miss("a normal return", text))
            }
        }
    }

    fn assert_return(&mut self, exec: WastExecute<'env>, expected: &[WastRet<'env>]) -> Check {
        let timeout = self.cx.settings.timeout.as_secs_f64();
        // Results with references are compared in the scope that roots them.
        match exec {
            WastExecute::Invoke(invoke) => {
                let instance = self.instance(invoke.module)?;
                self.store.set_epoch_deadline(self.ticks);
                let mut scope = RootScope::new(&mut self.store);
                let exec = call(&mut scope, instance, &invoke)?;
                compare(&mut scope, exec, expected, timeout)
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                let found = instance
                    .get_global(&mut self.store, global)
                    .ok_or_else(|| miss(format!("an exported global `{global}`"), "none"))?;
                let mut scope = RootScope::new(&mut self.store);
                let value = found.get(&mut scope);
                compare(&mut scope, Exec::Returned(vec![value]), expected, timeout)
            }
            wat @ WastExecute::Wat(_) => {
                let (exec, _) = self.execute(wat)?;
                let mut scope = RootScope::new(&mut self.store);
                compare(&mut scope, exec, expected, timeout)
            }
        }
    }

    fn assert_trap(&mut self, exec: WastExecute<'env>, message: &str) -> Check {
        let expected = format!("trap `{message}`");
        let (exec, shown) = self.execute(exec)?;
        match exec {
            Exec::Stopped(Stop::Trap(trap)) if trap_corresponds(trap, message) => Ok(None),
            Exec::Stopped(stop) => Err(miss(expected, self.stop_text(&stop))),
            Exec::Returned(_) => Err(miss(expected, returned(&shown))),
        }
    }

    fn assert_exhaustion(&mut self, call_: &WastInvoke<'env>, message: &str) -> Check {
        let expected = format!("trap `{message}`");
        let instance = self.instance(call_.module)?;
        self.store.set_epoch_deadline(self.ticks);
        let mut scope = RootScope::new(&mut self.store);
        match call(&mut scope, instance, call_)? {
            Exec::Stopped(Stop::Trap(trap)) if trap_corresponds(trap, message) => Ok(None),
            Exec::Stopped(stop) => Err(miss(
                expected,
                stop.describe(self.cx.settings.timeout.as_secs_f64()),
            )),
            Exec::Returned(vals) => {
                let shown = show_vals(&mut scope, &vals);
                Err(miss(expected, format!("returned {shown}")))
            }
        }
    }

    fn assert_exception(&mut self, exec: WastExecute<'env>) -> Check {
        let (exec, shown) = self.execute(exec)?;
        match exec {
            Exec::Stopped(Stop::Exception) => Ok(None),
            Exec::Stopped(stop) => Err(miss("an uncaught exception", self.stop_text(&stop))),
            Exec::Returned(_) => Err(miss("an uncaught exception", returned(&shown))),
        }
    }

    fn assert_rejected(
        &mut self,
        mut module: QuoteWat<'env>,
        message: &str,
        kind: Rejection,
    ) -> Check {
        let expected = format!("{} module `{message}`", kind.adjective());
        let quoted = matches!(module, QuoteWat::QuoteModule(..));
        let bytes = match module.encode() {
            Ok(bytes) => bytes,
            Err(e) => {
                let text = e.message();
                return match kind {
                    // The text format's own errors are malformations.
                    Rejection::Malformed => Ok(differs(message, &text)),
                    Rejection::Invalid if quoted => Err(miss(
                        expected,
                        format!("malformed text `{text}` (it should parse, then fail to validate)"),
                    )),
                    // An inline module that the text parser's own checks
                    // reject (an unbound name, say) is still rejected for
                    // what the script says when the messages agree.
                    Rejection::Invalid if error_corresponds(message, &text) => Ok(None),
                    Rejection::Invalid => Err(miss(expected, format!("malformed text `{text}`"))),
                };
            }
        };
        match Module::validate(&self.cx.engine, &bytes) {
            Ok(()) => Err(miss(expected, "the module validated")),
            Err(e) => {
                let text = last_cause(&e);
                match (feature_off(&text), kind) {
                    (None, _) => Ok(differs(message, &text)),
                    // A construct outside the script's language (wast's
                    // parser knows more proposals than the script's
                    // version has): the reference interpreter would not
                    // even decode it, so it is rightly malformed.
                    (Some(Some(feature)), Rejection::Malformed)
                        if !self.cx.profile.intended.contains(feature) =>
                    {
                        Ok(Some(format!(
                            "rejected as outside {}: expected `{message}`, got `{text}`",
                            self.cx.profile.name
                        )))
                    }
                    // A wasmtime-style script switches a feature off with a
                    // `;;!` header to assert that what needs it is invalid.
                    (Some(Some(feature)), Rejection::Invalid)
                        if self.cx.settings.compat == Compat::Wasmtime
                            && !self.cx.profile.intended.contains(feature) =>
                    {
                        Ok(differs(message, &text))
                    }
                    // Anything else rejected for a feature being off was
                    // rejected for a reason the script is not about.
                    _ => Err(miss(
                        expected,
                        format!("rejected only because a feature is off: `{text}`"),
                    )),
                }
            }
        }
    }

    fn assert_unlinkable(&mut self, module: Wat<'env>, message: &str) -> Check {
        let expected = format!("link error `{message}`");
        let compiled = self.compile(&mut QuoteWat::Wat(module))?;
        match self.instantiate(&compiled) {
            Ok(_) => Err(miss(expected, "the module instantiated")),
            Err(Stop::Other(text)) => Ok(differs(message, &text)),
            // Older versions of the spec classed what now traps during
            // instantiation (an out-of-bounds segment) as unlinkable.
            Err(Stop::Trap(trap)) if self.cx.settings.compat == Compat::Wasmtime => {
                Ok(Some(format!(
                    "unlinkable as a trap (wasmtime's convention): expected `{message}`, got {}",
                    self.stop_text(&Stop::Trap(trap))
                )))
            }
            Err(stop) => Err(miss(expected, self.stop_text(&stop))),
        }
    }

    // ---- threads -------------------------------------------------------

    fn thread(&mut self, thread: wast::WastThread<'env>) -> Check {
        let name = thread.name.name().to_string();
        let mut shared = HashMap::new();
        if let Some(id) = thread.shared_module {
            let instance = self.instance(Some(id))?;
            let memories: Vec<(String, SharedMemory)> = instance
                .exports(&mut self.store)
                .filter_map(|e| {
                    let field = e.name().to_string();
                    match e.into_extern() {
                        Extern::SharedMemory(m) => Some((field, m)),
                        _ => None,
                    }
                })
                .collect();
            shared.insert(id.name().to_string(), memories);
        }
        let (cx, scope) = (self.cx.clone(), self.scope);
        let directives = thread.directives;
        let handle = std::thread::Builder::new()
            .name(format!("wast thread ${name}"))
            .stack_size(super::WORKER_STACK)
            .spawn_scoped(scope, move || {
                let name = cx.file.name.clone();
                match Session::new(cx, scope, shared) {
                    Ok(mut session) => {
                        for directive in directives {
                            session.directive(directive);
                        }
                        session.finish()
                    }
                    Err(e) => Report {
                        error: Some(format!("{name}: thread: {e:#}")),
                        ..Report::new(name)
                    },
                }
            })
            .map_err(|e| miss("a new thread", e.to_string()))?;
        self.threads.insert(name, handle);
        Ok(None)
    }

    fn wait(&mut self, thread: Id<'_>) -> Check {
        let handle = self
            .threads
            .remove(thread.name())
            .ok_or_else(|| miss(format!("a running thread ${}", thread.name()), "none"))?;
        let report = handle
            .join()
            .map_err(|_| miss("the thread to finish", "it panicked"))?;
        if let Some(error) = &report.error {
            self.report.error.get_or_insert_with(|| error.clone());
        }
        self.report.absorb(report);
        Ok(None)
    }
}

#[derive(Clone, Copy)]
enum Rejection {
    Invalid,
    Malformed,
}

impl Rejection {
    fn adjective(self) -> &'static str {
        match self {
            Rejection::Invalid => "invalid",
            Rejection::Malformed => "malformed",
        }
    }
}

/// A pass; with a note when our message does not correspond to the script's.
fn differs(expected: &str, actual: &str) -> Option<String> {
    if error_corresponds(expected, actual) {
        None
    } else {
        Some(format!(
            "rejected as expected, in other words: expected `{expected}`, got `{actual}`"
        ))
    }
}

fn returned(shown: &[String]) -> String {
    if shown.is_empty() {
        "a normal return".into()
    } else {
        format!("returned {}", shown.join(" "))
    }
}

/// Why a call or an instantiation stopped. An uncaught exception is taken
/// out of the store, so that it does not linger into the next directive.
fn stopped(mut store: wasmtime::StoreContextMut<'_, ()>, error: &wasmtime::Error) -> Stop {
    let stop = Stop::of(error);
    if matches!(stop, Stop::Exception) {
        let _ = store.take_pending_exception();
    }
    stop
}

/// Calls an export with the script's arguments.
fn call(
    scope: &mut RootScope<&mut Store<()>>,
    instance: Instance,
    invoke: &WastInvoke<'_>,
) -> Result<Exec, Miss> {
    let func = instance
        .get_func(&mut *scope, invoke.name)
        .ok_or_else(|| miss(format!("an exported function `{}`", invoke.name), "none"))?;
    let ty = func.ty(&*scope);
    let params: Vec<_> = ty.params().collect();
    if params.len() != invoke.args.len() {
        return Err(miss(
            format!("`{}` to take {} arguments", invoke.name, invoke.args.len()),
            format!("it takes {}", params.len()),
        ));
    }
    let mut args = Vec::with_capacity(params.len());
    for (arg, param) in invoke.args.iter().zip(&params) {
        args.push(arg_val(scope, arg, param).map_err(|e| miss("a valid argument", e))?);
    }
    let mut results = vec![Val::I32(0); ty.results().len()];
    Ok(match func.call(&mut *scope, &args, &mut results) {
        Ok(()) => Exec::Returned(results),
        Err(e) => Exec::Stopped(stopped(scope.as_context_mut(), &e)),
    })
}

/// Compares an invocation's results with the script's.
fn compare(
    scope: &mut RootScope<&mut Store<()>>,
    exec: Exec,
    expected: &[WastRet<'_>],
    timeout: f64,
) -> Check {
    let want = show_expected(expected);
    match exec {
        Exec::Stopped(stop) => Err(miss(want, stop.describe(timeout))),
        Exec::Returned(vals) => {
            let mut ok = vals.len() == expected.len();
            for (e, a) in expected.iter().zip(&vals) {
                if !ok {
                    break;
                }
                ok = matches(scope, e, a).map_err(|m| miss(want.clone(), m))?;
            }
            if ok {
                Ok(None)
            } else {
                Err(miss(want, show_actual(scope, &vals, expected)))
            }
        }
    }
}
