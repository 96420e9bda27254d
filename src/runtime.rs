//! Running modules in wasmtime (Cranelift JIT), with the results and traps
//! expressed as the [`Value`]s and [`TrapKind`]s the reference interpreter
//! uses, so that the two can be compared directly.

use crate::ir::{Target, Type};
use crate::validate;
use crate::value::{TrapKind, Value};
use wasmtime::{Config, Engine, Extern, Func, Module, OptLevel, Store, Trap, Val, ValType};

/// A configured wasmtime engine; compiles and instantiates modules.
pub struct Runtime {
    engine: wasmtime::Engine,
}

/// An instantiated module and the store that owns its state.
pub struct Instance {
    store: wasmtime::Store<()>,
    instance: wasmtime::Instance,
}

/// Why running a module failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// Execution trapped; `message` is wasmtime's full text with the wasm backtrace.
    #[error("trap: {kind}")]
    Trap { kind: TrapKind, message: String },
    #[error("no exported function `{0}`")]
    NoSuchExport(String),
    #[error("bad arguments: {0}")]
    BadArguments(String),
    /// Instantiation failed (an unresolved import, or another link error).
    #[error("link error: {0}")]
    Link(String),
    /// The binary is invalid for the engine's features or failed to compile.
    #[error("compile error: {0}")]
    Compile(String),
    /// A runtime failure with no [`TrapKind`] (a wasmtime trap outside the
    /// backend's feature set, or a host error).
    #[error("runtime error: {0}")]
    Other(String),
}

/// Fuel given to every new store: effectively unlimited until a caller sets
/// a budget with [`Instance::set_fuel`].
const UNLIMITED_FUEL: u64 = u64::MAX;

impl Runtime {
    /// An engine whose wasm features are exactly [`validate::features`], so
    /// that what validates is what runs and nothing more.
    pub fn new() -> anyhow::Result<Runtime> {
        let mut config = Config::new();
        config
            .wasm_features(wasmtime::WasmFeatures::all(), false)
            .wasm_features(validate::features(), true)
            .cranelift_opt_level(OptLevel::Speed)
            // Fuel lets tests and the CLI bound runaway loops.
            .consume_fuel(true)
            // wasm runs on the calling thread's native stack. 1 MiB (twice
            // wasmtime's default) lets recursion 10,000 deep run, and stays
            // well inside the 2 MiB of a spawned Rust thread, so running out
            // is the `call stack exhausted` trap, never a crash.
            .max_wasm_stack(1 << 20);
        Ok(Runtime {
            engine: Engine::new(&config)?,
        })
    }

    /// Compiles and instantiates a binary. No imports are resolved yet: a
    /// module with imports gives a [`RunError::Link`] naming the first one,
    /// `module.name`.
    pub fn instantiate(&self, bytes: &[u8]) -> Result<Instance, RunError> {
        let module =
            Module::new(&self.engine, bytes).map_err(|e| RunError::Compile(format!("{e:#}")))?;
        if let Some(import) = module.imports().next() {
            return Err(RunError::Link(format!(
                "unresolved import `{}.{}`",
                import.module(),
                import.name()
            )));
        }
        let mut store = Store::new(&self.engine, ());
        store
            .set_fuel(UNLIMITED_FUEL)
            .map_err(|e| RunError::Other(format!("{e:#}")))?;
        // A start function or an out-of-bounds segment can trap here.
        let instance =
            wasmtime::Instance::new(&mut store, &module, &[]).map_err(|e| match trap_of(&e) {
                Some(_) => run_error(e),
                None => RunError::Link(full_text(&e)),
            })?;
        Ok(Instance { store, instance })
    }
}

impl Instance {
    /// Calls an export with arguments given as text, as on a command line:
    /// each is read by [`Value::parse`] at the export's wasm parameter type.
    pub fn invoke_text(&mut self, name: &str, args: &[String]) -> Result<Vec<Value>, RunError> {
        let func = self.func(name)?;
        let params: Vec<ValType> = func.ty(&self.store).params().collect();
        check_arity(name, params.len(), args.len())?;
        let values = params
            .iter()
            .zip(args)
            .map(|(ty, text)| Value::parse(text, ir_type(ty)?, Target::Wasm64))
            .collect::<Result<Vec<_>, _>>()
            .map_err(RunError::BadArguments)?;
        self.call(func, &values)
    }

    /// Calls an exported function with typed arguments.
    pub fn invoke(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, RunError> {
        let func = self.func(name)?;
        let params: Vec<ValType> = func.ty(&self.store).params().collect();
        check_arity(name, params.len(), args.len())?;
        for (i, (ty, arg)) in params.iter().zip(args).enumerate() {
            let expected = ir_type(ty).map_err(RunError::BadArguments)?;
            if value_type(*arg) != expected {
                return Err(RunError::BadArguments(format!(
                    "argument {} of `{name}` is {expected}, found {} `{arg}`",
                    i + 1,
                    value_type(*arg)
                )));
            }
        }
        self.call(func, args)
    }

    /// Sets the fuel left for execution (one unit is roughly one instruction).
    pub fn set_fuel(&mut self, fuel: u64) -> anyhow::Result<()> {
        Ok(self.store.set_fuel(fuel)?)
    }

    /// Reads an exported global (for tests, e.g. `__stack_pointer` if exported).
    pub fn global(&mut self, name: &str) -> Option<Value> {
        let global = self.instance.get_global(&mut self.store, name)?;
        from_val(&global.get(&mut self.store))
    }

    fn func(&mut self, name: &str) -> Result<Func, RunError> {
        match self.instance.get_export(&mut self.store, name) {
            Some(Extern::Func(f)) => Ok(f),
            _ => Err(RunError::NoSuchExport(name.to_string())),
        }
    }

    fn call(&mut self, func: Func, args: &[Value]) -> Result<Vec<Value>, RunError> {
        let params: Vec<Val> = args.iter().map(|v| to_val(*v)).collect();
        let result_types: Vec<ValType> = func.ty(&self.store).results().collect();
        let mut results = vec![Val::I32(0); result_types.len()];
        func.call(&mut self.store, &params, &mut results)
            .map_err(run_error)?;
        results
            .iter()
            .map(|v| {
                from_val(v).ok_or_else(|| RunError::Other(format!("unsupported result {v:?}")))
            })
            .collect()
    }
}

fn check_arity(name: &str, expected: usize, found: usize) -> Result<(), RunError> {
    if expected == found {
        return Ok(());
    }
    Err(RunError::BadArguments(format!(
        "`{name}` takes {expected} argument(s), {found} given"
    )))
}

/// The IR type for a wasm parameter type (only numeric types are supported).
fn ir_type(ty: &ValType) -> Result<Type, String> {
    match ty {
        ValType::I32 => Ok(Type::I32),
        ValType::I64 => Ok(Type::I64),
        ValType::F32 => Ok(Type::F32),
        ValType::F64 => Ok(Type::F64),
        other => Err(format!("unsupported parameter type {other}")),
    }
}

fn value_type(v: Value) -> Type {
    match v {
        Value::I32(_) => Type::I32,
        Value::I64(_) => Type::I64,
        Value::F32(_) => Type::F32,
        Value::F64(_) => Type::F64,
    }
}

fn to_val(v: Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(bits) => Val::F32(bits),
        Value::F64(bits) => Val::F64(bits),
    }
}

fn from_val(v: &Val) -> Option<Value> {
    match v {
        Val::I32(x) => Some(Value::I32(*x)),
        Val::I64(x) => Some(Value::I64(*x)),
        Val::F32(bits) => Some(Value::F32(*bits)),
        Val::F64(bits) => Some(Value::F64(*bits)),
        _ => None,
    }
}

fn trap_of(e: &wasmtime::Error) -> Option<Trap> {
    e.downcast_ref::<Trap>().copied()
}

/// A wasmtime error as a [`RunError`]: traps with a kind when they have one.
fn run_error(e: wasmtime::Error) -> RunError {
    let message = full_text(&e);
    match trap_of(&e).and_then(trap_kind) {
        Some(kind) => RunError::Trap { kind, message },
        None => RunError::Other(message),
    }
}

/// The trap message, then wasmtime's context (the wasm backtrace), without
/// the host's Rust backtrace that `{:?}` would add.
fn full_text(e: &wasmtime::Error) -> String {
    let mut parts: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    parts.reverse();
    parts.join("\n")
}

/// The spec-level kind of a wasmtime trap, for the traps the backend's
/// feature set can raise.
fn trap_kind(trap: Trap) -> Option<TrapKind> {
    Some(match trap {
        Trap::UnreachableCodeReached => TrapKind::Unreachable,
        Trap::IntegerDivisionByZero => TrapKind::IntegerDivideByZero,
        Trap::IntegerOverflow => TrapKind::IntegerOverflow,
        Trap::BadConversionToInteger => TrapKind::InvalidConversion,
        Trap::MemoryOutOfBounds => TrapKind::OutOfBounds,
        Trap::IndirectCallToNull | Trap::TableOutOfBounds => TrapKind::UndefinedElement,
        Trap::BadSignature => TrapKind::IndirectCallTypeMismatch,
        Trap::StackOverflow => TrapKind::CallStackExhausted,
        Trap::OutOfFuel | Trap::Interrupt => TrapKind::Interrupted,
        // Atomics, GC, exceptions and components are outside the feature set.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(text: &str) -> Instance {
        let bytes = wat::parse_str(text).expect("test module assembles");
        Runtime::new()
            .expect("engine")
            .instantiate(&bytes)
            .expect("instantiates")
    }

    fn trap(result: Result<Vec<Value>, RunError>) -> TrapKind {
        match result {
            Err(RunError::Trap { kind, .. }) => kind,
            other => panic!("expected a trap, got {other:?}"),
        }
    }

    const ARITH: &str = r#"(module
      (func (export "mix") (param i32 i64 f32 f64) (result f64 i64 i32 f32)
        (f64.add (local.get 3) (f64.promote_f32 (local.get 2)))
        (i64.add (local.get 1) (i64.extend_i32_s (local.get 0)))
        (i32.wrap_i64 (local.get 1))
        (local.get 2))
      (func (export "div") (param i32 i32) (result i32)
        (i32.div_s (local.get 0) (local.get 1)))
      (func (export "trunc") (param f64) (result i32)
        (i32.trunc_f64_s (local.get 0)))
      (func (export "unreachable") unreachable)
      (func $loop (export "spin") (loop $l (br $l)))
      (func $rec (export "recurse") (result i32) (i32.add (call $rec) (i32.const 1)))
      (global (export "sp") (mut i64) (i64.const 66608)))"#;

    #[test]
    fn scalar_arguments_and_multi_value_results() {
        let mut inst = instance(ARITH);
        let args = [
            Value::I32(-2),
            Value::I64(40),
            Value::F32(1.5f32.to_bits()),
            Value::F64(0.25f64.to_bits()),
        ];
        assert_eq!(
            inst.invoke("mix", &args),
            Ok(vec![
                Value::F64(1.75f64.to_bits()),
                Value::I64(38),
                Value::I32(40),
                Value::F32(1.5f32.to_bits())
            ])
        );
        let text: Vec<String> = ["-2", "40", "1.5", "0.25"].map(String::from).to_vec();
        assert_eq!(inst.invoke_text("mix", &text), inst.invoke("mix", &args));
        assert_eq!(inst.global("sp"), Some(Value::I64(66608)));
        assert_eq!(inst.global("nope"), None);
    }

    #[test]
    fn arithmetic_traps_map_to_kinds() {
        let mut inst = instance(ARITH);
        let div = |a, b| [Value::I32(a), Value::I32(b)];
        assert_eq!(
            trap(inst.invoke("div", &div(1, 0))),
            TrapKind::IntegerDivideByZero
        );
        assert_eq!(
            trap(inst.invoke("div", &div(i32::MIN, -1))),
            TrapKind::IntegerOverflow
        );
        let nan = [Value::F64(f64::NAN.to_bits())];
        assert_eq!(
            trap(inst.invoke("trunc", &nan)),
            TrapKind::InvalidConversion
        );
        assert_eq!(trap(inst.invoke("unreachable", &[])), TrapKind::Unreachable);
        assert_eq!(
            trap(inst.invoke("recurse", &[])),
            TrapKind::CallStackExhausted
        );
    }

    #[test]
    fn trap_display_and_message() {
        let mut inst = instance(ARITH);
        let err = inst
            .invoke("div", &[Value::I32(1), Value::I32(0)])
            .unwrap_err();
        assert_eq!(err.to_string(), "trap: integer divide by zero");
        let RunError::Trap { message, .. } = err else {
            unreachable!()
        };
        assert!(
            message.starts_with("wasm trap: integer divide by zero\n"),
            "{message}"
        );
        assert!(message.contains("wasm backtrace"), "{message}");
        assert!(!message.contains("Stack backtrace"), "{message}");
    }

    #[test]
    fn fuel_bounds_infinite_loops() {
        let mut inst = instance(ARITH);
        inst.set_fuel(10_000).expect("fuel");
        assert_eq!(trap(inst.invoke("spin", &[])), TrapKind::Interrupted);
    }

    #[test]
    fn memory64_and_table64_traps() {
        let mut inst = instance(
            r#"(module
              (type $v (func))
              (type $i (func (result i32)))
              (memory i64 1)
              (table $t i64 3 funcref)
              (func $f (type $v))
              (elem (table $t) (i64.const 1) func $f)
              (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
              (func (export "call") (param i64) (result i32)
                (call_indirect $t (type $i) (local.get 0))))"#,
        );
        assert_eq!(
            inst.invoke("load", &[Value::I64(65532)]),
            Ok(vec![Value::I32(0)])
        );
        assert_eq!(
            trap(inst.invoke("load", &[Value::I64(65533)])),
            TrapKind::OutOfBounds
        );
        assert_eq!(
            trap(inst.invoke("load", &[Value::I64(-1)])),
            TrapKind::OutOfBounds
        );
        assert_eq!(
            trap(inst.invoke("call", &[Value::I64(0)])),
            TrapKind::UndefinedElement
        );
        assert_eq!(
            trap(inst.invoke("call", &[Value::I64(7)])),
            TrapKind::UndefinedElement
        );
        assert_eq!(
            trap(inst.invoke("call", &[Value::I64(1)])),
            TrapKind::IndirectCallTypeMismatch
        );
    }

    #[test]
    fn bad_arguments_are_reported() {
        let mut inst = instance(ARITH);
        let bad = |r: Result<Vec<Value>, RunError>| matches!(r, Err(RunError::BadArguments(_)));
        assert!(bad(inst.invoke_text("div", &["1".into()])));
        assert!(bad(inst.invoke_text("div", &["1".into(), "x".into()])));
        assert!(bad(inst.invoke_text("div", &["1".into(), "1.5".into()])));
        assert!(bad(inst.invoke("div", &[Value::I32(1), Value::I64(1)])));
        assert!(bad(inst.invoke("div", &[])));
        assert_eq!(
            inst.invoke("none", &[]),
            Err(RunError::NoSuchExport("none".into()))
        );
        assert_eq!(
            inst.invoke("sp", &[]),
            Err(RunError::NoSuchExport("sp".into()))
        );
    }

    #[test]
    fn imports_are_unresolved_and_start_traps_surface() {
        let runtime = Runtime::new().expect("engine");
        let bytes =
            wat::parse_str(r#"(module (import "env" "print" (func (param i32))))"#).expect("wat");
        match runtime.instantiate(&bytes) {
            Err(RunError::Link(m)) => assert!(m.contains("`env.print`"), "{m}"),
            other => panic!("{:?}", other.err()),
        }
        let bytes = wat::parse_str("(module (func $s unreachable) (start $s))").expect("wat");
        assert!(matches!(
            runtime.instantiate(&bytes),
            Err(RunError::Trap {
                kind: TrapKind::Unreachable,
                ..
            })
        ));
        assert!(matches!(
            runtime.instantiate(b"junk"),
            Err(RunError::Compile(_))
        ));
    }

    #[test]
    fn engine_rejects_what_validation_rejects() {
        let runtime = Runtime::new().expect("engine");
        let bytes =
            wat::parse_str("(module (func (result v128) v128.const i64x2 0 0))").expect("wat");
        assert!(matches!(
            runtime.instantiate(&bytes),
            Err(RunError::Compile(_))
        ));
    }
}
