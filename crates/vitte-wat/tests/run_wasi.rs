//! WASI modules from the lowering run on a standard preview1 runtime
//! (wasmtime-wasi used directly, with wasmtime's default configuration),
//! and through the crate's own `Session` API.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;
use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::ir::{Target, Type};
use vitte_codegen_wasm64::value::{TrapKind, Value};
use vitte_runtime::wasi::Stdout;
use vitte_runtime::{Limits, RunError, Runtime, WasiConfig};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// `examples/NAME` compiled for a target, as `vitte-wat build` does.
fn build(name: &str, target: Target) -> Vec<u8> {
    let path = common::root().join("examples").join(name);
    let text = std::fs::read_to_string(&path).expect("example");
    let file = SourceFile::new(path.display().to_string(), text);
    WasmBackend::new()
        .compile_source(&file, target)
        .expect("example compiles")
        .wasm
}

/// Runs a command module the way any preview1 embedder would: wasmtime's
/// default engine, wasmtime-wasi's linker, `_start`. Returns stdout.
fn run_with_wasmtime_wasi(wasm: &[u8]) -> String {
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, wasm).expect("compiles");
    let mut linker: wasmtime::Linker<WasiP1Ctx> = wasmtime::Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |ctx| ctx).expect("links WASI");
    let stdout = MemoryOutputPipe::new(1 << 20);
    let ctx = wasmtime_wasi::WasiCtxBuilder::new()
        .stdout(stdout.clone())
        .build_p1();
    let mut store = wasmtime::Store::new(&engine, ctx);
    let instance = linker
        .instantiate(&mut store, &module)
        .expect("instantiates");
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .expect("a command exports _start");
    start.call(&mut store, ()).expect("runs");
    String::from_utf8(stdout.contents().to_vec()).expect("utf-8")
}

#[test]
fn wasmtime_wasi_runs_hello_built_for_wasm32() {
    let wasm = build("hello.vir", Target::Wasm32);
    assert_eq!(run_with_wasmtime_wasi(&wasm), "hello, world\n");
}

/// The acceptance test of the wasm64 adapter: a standard preview1 host,
/// which knows nothing of wasm64, runs the module.
#[test]
fn wasmtime_wasi_runs_hello_built_for_wasm64() {
    let wasm = build("hello.vir", Target::Wasm64);
    assert_eq!(run_with_wasmtime_wasi(&wasm), "hello, world\n");
}

fn hello_through_a_session(target: Target) -> (i32, Vec<u8>) {
    let runtime = Runtime::new().expect("engine");
    let program = runtime
        .compile(&build("hello.vir", target))
        .expect("compiles");
    let wasi = WasiConfig {
        args: vec!["hello".into()],
        stdout: Stdout::Capture,
        ..WasiConfig::default()
    };
    let mut instance = runtime
        .session()
        .wasi(wasi)
        .instantiate(&program)
        .expect("instantiates");
    let status = instance.run_command().expect("runs");
    (status, instance.stdout())
}

#[test]
fn session_runs_hello_on_both_targets() {
    for target in [Target::Wasm64, Target::Wasm32] {
        assert_eq!(
            hello_through_a_session(target),
            (0, b"hello, world\n".to_vec()),
            "{target:?}"
        );
    }
}

#[test]
fn wasi_imports_are_unresolved_without_wasi() {
    let runtime = Runtime::new().expect("engine");
    let program = runtime
        .compile(&build("hello.vir", Target::Wasm32))
        .expect("compiles");
    match runtime.session().instantiate(&program) {
        Err(RunError::Link(m)) => {
            assert!(m.contains("`wasi_snapshot_preview1.fd_write`"), "{m}")
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("instantiated without WASI"),
    }
}

/// The docs/ir.md example's `env.print(ptr, ptr)`, provided by the host:
/// strings are read from guest memory on both targets.
#[test]
fn host_functions_read_guest_memory() {
    let vir = r#"
extern fn @print(ptr, ptr) -> i32 from "env" "print"
data @msg = "from the guest"
pub fn @greet() -> i32 {
entry:
  %p = data.addr @msg
  %n = ptr.const 14
  %r = call @print(%p, %n)
  return %r
}
"#;
    for target in [Target::Wasm64, Target::Wasm32] {
        let file = SourceFile::new("greet.vir", vir);
        let wasm = WasmBackend::new()
            .compile_source(&file, target)
            .expect("compiles")
            .wasm;
        let printed = Arc::new(Mutex::new(Vec::new()));
        let sink = printed.clone();
        let runtime = Runtime::new().expect("engine");
        let program = runtime.compile(&wasm).expect("compiles");
        let mut instance = runtime
            .session()
            .target(target)
            .host_fn(
                "env",
                "print",
                &[Type::Ptr, Type::Ptr],
                &[Type::I32],
                move |call, args| {
                    let (addr, len) = match args {
                        [Value::I64(a), Value::I64(n)] => (*a as u64, *n as u64),
                        [Value::I32(a), Value::I32(n)] => (*a as u32 as u64, *n as u32 as u64),
                        other => return Err(format!("unexpected arguments {other:?}")),
                    };
                    let bytes = call.read(addr, len)?;
                    sink.lock().map_err(|e| e.to_string())?.extend(bytes);
                    Ok(vec![Value::I32(len as i32)])
                },
            )
            .instantiate(&program)
            .expect("instantiates");
        assert_eq!(instance.invoke("greet", &[]), Ok(vec![Value::I32(14)]));
        assert_eq!(printed.lock().unwrap().as_slice(), b"from the guest");
    }
}

#[test]
fn host_function_errors_and_bad_reads_stop_the_guest_cleanly() {
    let wasm = wat::parse_str(
        r#"(module (import "env" "peek" (func $peek (param i64) (result i32)))
             (memory (export "memory") 1)
             (func (export "go") (param i64) (result i32) (call $peek (local.get 0))))"#,
    )
    .expect("wat");
    let runtime = Runtime::new().expect("engine");
    let program = runtime.compile(&wasm).expect("compiles");
    let mut instance = runtime
        .session()
        .host_fn("env", "peek", &[Type::I64], &[Type::I32], |call, args| {
            let bytes = call.read(args[0].as_i64() as u64, 1 << 40)?;
            Ok(vec![Value::I32(bytes.len() as i32)])
        })
        .instantiate(&program)
        .expect("instantiates");
    match instance.invoke("go", &[Value::I64(16)]) {
        Err(RunError::Other(m)) => {
            assert!(m.contains("host function `env.peek` failed"), "{m}");
            assert!(m.contains("outside the guest's memory"), "{m}");
        }
        other => panic!("{other:?}"),
    }
}

const SPIN: &str = r#"(module
  (memory (export "memory") 1 10)
  (func $spin (export "spin") (loop $l (br $l)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

#[test]
fn limits_stop_runaway_guests() {
    let runtime = Runtime::new().expect("engine");
    let program = runtime
        .compile(&wat::parse_str(SPIN).unwrap())
        .expect("compiles");
    let limited = |limits| {
        runtime
            .session()
            .limits(limits)
            .instantiate(&program)
            .expect("instantiates")
    };
    let fuel = Limits {
        fuel: Some(100_000),
        ..Limits::default()
    };
    assert!(matches!(
        limited(fuel).invoke("spin", &[]),
        Err(RunError::Trap {
            kind: TrapKind::Interrupted,
            ..
        })
    ));
    let timeout = Limits {
        timeout: Some(Duration::from_millis(200)),
        ..Limits::default()
    };
    let mut instance = limited(timeout);
    match instance.invoke("spin", &[]) {
        Err(RunError::Timeout { limit, message }) => {
            assert_eq!(limit, Duration::from_millis(200));
            assert!(message.contains("spin"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // The deadline was per call: the instance can be called again.
    assert_eq!(
        instance.invoke("grow", &[Value::I32(0)]),
        Ok(vec![Value::I32(1)])
    );
    let memory = Limits {
        max_memory: Some(3 * 65536),
        ..Limits::default()
    };
    let mut instance = limited(memory);
    assert_eq!(
        instance.invoke("grow", &[Value::I32(2)]),
        Ok(vec![Value::I32(1)])
    );
    assert_eq!(
        instance.invoke("grow", &[Value::I32(1)]),
        Ok(vec![Value::I32(-1)])
    );
}

#[test]
fn two_sessions_with_timeouts_do_not_stop_each_other() {
    let runtime = Arc::new(Runtime::new().expect("engine"));
    let wasm = wat::parse_str(
        r#"(module (func (export "count") (param i64) (result i64) (local i64)
             (loop $l
               (local.set 1 (i64.add (local.get 1) (i64.const 1)))
               (br_if $l (i64.lt_u (local.get 1) (local.get 0))))
             (local.get 1)))"#,
    )
    .unwrap();
    let program = runtime.compile(&wasm).expect("compiles");
    let short = Limits {
        timeout: Some(Duration::from_millis(50)),
        ..Limits::default()
    };
    let long = Limits {
        timeout: Some(Duration::from_secs(60)),
        ..Limits::default()
    };
    // The short one's ticks bump the shared epoch while the long one runs.
    let spinner = {
        let (runtime, program) = (runtime.clone(), program.clone());
        std::thread::spawn(move || {
            let mut inst = runtime
                .session()
                .limits(short)
                .instantiate(&program)
                .unwrap();
            inst.invoke("count", &[Value::I64(i64::MAX)])
        })
    };
    let mut inst = runtime
        .session()
        .limits(long)
        .instantiate(&program)
        .unwrap();
    let n = 300_000_000;
    assert_eq!(
        inst.invoke("count", &[Value::I64(n)]),
        Ok(vec![Value::I64(n)])
    );
    assert!(matches!(
        spinner.join().unwrap(),
        Err(RunError::Timeout { .. })
    ));
}

#[test]
fn proc_exit_is_the_exit_status() {
    let wasm = wat::parse_str(
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (func (export "_start") (call $exit (i32.const 7)) unreachable))"#,
    )
    .unwrap();
    let runtime = Runtime::new().expect("engine");
    let program = runtime.compile(&wasm).expect("compiles");
    assert!(program.is_command());
    let mut instance = runtime
        .session()
        .wasi(WasiConfig::default())
        .instantiate(&program)
        .expect("instantiates");
    assert_eq!(instance.run_command(), Ok(7));
}
