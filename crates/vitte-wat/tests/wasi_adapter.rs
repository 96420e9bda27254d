//! The wasm64 WASI adapter, against a small preview1 host written here.
//!
//! The host implements the preview1 functions the program uses over the
//! memory the module exports as `memory`, as any preview1 runtime does. The
//! same portable IR program runs as wasm32 (direct imports) and as wasm64
//! (through the adapter's scratch memory), and both must print the same
//! bytes and compute the same results.

use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::ir::{Module, Target};
use vitte_codegen_wasm64::text;
use vitte_codegen_wasm64::{WasmBackend, validate};
use wasmtime::{Caller, Config, Engine, Extern, Linker, Store};

const PROGRAM: &str = r#"
extern fn @fd_write(i32, ptr, ptr, ptr) -> i32 from "wasi_snapshot_preview1" "fd_write"
extern fn @fd_read(i32, ptr, ptr, ptr) -> i32 from "wasi_snapshot_preview1" "fd_read"
extern fn @args_sizes_get(ptr, ptr) -> i32 from "wasi_snapshot_preview1" "args_sizes_get"
extern fn @args_get(ptr, ptr) -> i32 from "wasi_snapshot_preview1" "args_get"
extern fn @clock_time_get(i32, i64, ptr) -> i32 from "wasi_snapshot_preview1" "clock_time_get"
extern fn @random_get(ptr, ptr) -> i32 from "wasi_snapshot_preview1" "random_get"
extern fn @fd_prestat_get(i32, ptr) -> i32 from "wasi_snapshot_preview1" "fd_prestat_get"
extern fn @fd_prestat_dir_name(i32, ptr, ptr) -> i32 from "wasi_snapshot_preview1" "fd_prestat_dir_name"
extern fn @proc_exit(i32) from "wasi_snapshot_preview1" "proc_exit"

data @hello = "hello\n"
data @big align 8 = zero 300000
data @iovs align 8 = ptr @hello, ptr 6, ptr @big, ptr 300000
data @written align 8 = ptr 0
data @argc align 8 = ptr 0
data @argv_size align 8 = ptr 0
data @argv align 8 = zero 64
data @argv_buf = zero 64
data @time align 8 = i64 0
data @random = zero 300
; struct prestat { u8 tag; size_t name_len; }: two pointer-sized slots.
data @prestat align 8 = ptr 0, ptr 0
data @prestat_end = i8 0
data @dir_name = zero 16
data @read_buf = zero 64
data @read_iov align 8 = ptr @read_buf, ptr 64
data @read_count align 8 = ptr 0

; Returns: errno sum, bytes written, argc, first byte of argv[0], time,
; random byte 299, preopen name length, its second byte, bytes read, 3rd byte read.
pub fn @run() -> (i32, i64, i64, i32, i64, i32, i64, i32, i64, i32) {
entry:
  %big = data.addr @big
  %x = i32.const 120
  %len = ptr.const 300000
  memory.fill %big, %x, %len
  %one = i32.const 1
  %iovs = data.addr @iovs
  %two = ptr.const 2
  %written = data.addr @written
  %e1 = call @fd_write(%one, %iovs, %two, %written)
  %nw = ptr.load %written
  %argc_at = data.addr @argc
  %size_at = data.addr @argv_size
  %e2 = call @args_sizes_get(%argc_at, %size_at)
  %argc = ptr.load %argc_at
  %argv = data.addr @argv
  %argv_buf = data.addr @argv_buf
  %e3 = call @args_get(%argv, %argv_buf)
  %arg0 = ptr.load %argv
  %p = i32.load8_u %arg0
  %time_at = data.addr @time
  %zero = i32.const 0
  %precision = i64.const 1
  %e4 = call @clock_time_get(%zero, %precision, %time_at)
  %time = i64.load %time_at
  %random = data.addr @random
  %rlen = ptr.const 300
  %e5 = call @random_get(%random, %rlen)
  %r299 = i32.load8_u %random offset=299
  %three = i32.const 3
  %prestat = data.addr @prestat
  %e6 = call @fd_prestat_get(%three, %prestat)
  %end = data.addr @prestat_end
  %size = ptr.sub %end, %prestat
  %sh = ptr.const 1
  %half = ptr.shr_u %size, %sh
  %len_at = ptr.add %prestat, %half
  %name_len = ptr.load %len_at
  %dir = data.addr @dir_name
  %e7 = call @fd_prestat_dir_name(%three, %dir, %name_len)
  %d1 = i32.load8_u %dir offset=1
  %read_iov = data.addr @read_iov
  %count = ptr.const 1
  %read_count = data.addr @read_count
  %e8 = call @fd_read(%zero, %read_iov, %count, %read_count)
  %nr = ptr.load %read_count
  %rb = data.addr @read_buf
  %c2 = i32.load8_u %rb offset=2
  %s1 = i32.add %e1, %e2
  %s2 = i32.add %s1, %e3
  %s3 = i32.add %s2, %e4
  %s4 = i32.add %s3, %e5
  %s5 = i32.add %s4, %e6
  %s6 = i32.add %s5, %e7
  %s7 = i32.add %s6, %e8
  %nw64 = i64.extend_ptr_u %nw
  %argc64 = i64.extend_ptr_u %argc
  %name_len64 = i64.extend_ptr_u %name_len
  %nr64 = i64.extend_ptr_u %nr
  return %s7, %nw64, %argc64, %p, %time, %r299, %name_len64, %d1, %nr64, %c2
}

pub fn @bad_fd() -> i32 {
entry:
  %nine = i32.const 9
  %prestat = data.addr @prestat
  %e = call @fd_prestat_get(%nine, %prestat)
  return %e
}

pub fn @quit() {
entry:
  %code = i32.const 3
  call @proc_exit(%code)
  unreachable
}
"#;

/// What the host saw and holds.
#[derive(Default)]
struct Host {
    stdout: Vec<u8>,
    stdin: Vec<u8>,
    exit_code: Option<i32>,
}

type Cx<'a> = Caller<'a, Host>;

fn memory<'a>(caller: &'a mut Cx<'_>) -> (&'a mut [u8], &'a mut Host) {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        panic!("the module exports no `memory`");
    };
    memory.data_and_store_mut(caller)
}

fn u32_at(mem: &[u8], at: u32) -> u32 {
    u32::from_le_bytes(mem[at as usize..at as usize + 4].try_into().unwrap())
}

fn put(mem: &mut [u8], at: u32, bytes: &[u8]) {
    mem[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
}

const ARGS: &[u8] = b"prog\0hello\0";

fn host_linker(engine: &Engine) -> Linker<Host> {
    let mut l = Linker::new(engine);
    let m = "wasi_snapshot_preview1";
    l.func_wrap(
        m,
        "fd_write",
        |mut c: Cx, _fd: i32, iovs: i32, n: i32, out: i32| {
            let (mem, host) = memory(&mut c);
            let mut total = 0u32;
            for k in 0..n as u32 {
                let (buf, len) = (
                    u32_at(mem, iovs as u32 + 8 * k),
                    u32_at(mem, iovs as u32 + 8 * k + 4),
                );
                host.stdout
                    .extend_from_slice(&mem[buf as usize..(buf + len) as usize]);
                total += len;
            }
            put(mem, out as u32, &total.to_le_bytes());
            0
        },
    )
    .unwrap();
    l.func_wrap(
        m,
        "fd_read",
        |mut c: Cx, _fd: i32, iovs: i32, _n: i32, out: i32| {
            let (mem, host) = memory(&mut c);
            let (buf, len) = (u32_at(mem, iovs as u32), u32_at(mem, iovs as u32 + 4));
            let count = host.stdin.len().min(len as usize);
            let data: Vec<u8> = host.stdin.drain(..count).collect();
            put(mem, buf, &data);
            put(mem, out as u32, &(count as u32).to_le_bytes());
            0
        },
    )
    .unwrap();
    l.func_wrap(m, "args_sizes_get", |mut c: Cx, argc: i32, size: i32| {
        let (mem, _) = memory(&mut c);
        put(mem, argc as u32, &2u32.to_le_bytes());
        put(mem, size as u32, &(ARGS.len() as u32).to_le_bytes());
        0
    })
    .unwrap();
    l.func_wrap(m, "args_get", |mut c: Cx, argv: i32, buf: i32| {
        let (mem, _) = memory(&mut c);
        put(mem, buf as u32, ARGS);
        put(mem, argv as u32, &(buf as u32).to_le_bytes());
        put(mem, argv as u32 + 4, &(buf as u32 + 5).to_le_bytes());
        0
    })
    .unwrap();
    l.func_wrap(
        m,
        "clock_time_get",
        |mut c: Cx, _id: i32, _precision: i64, out: i32| {
            let (mem, _) = memory(&mut c);
            put(mem, out as u32, &1_234_567_890_123u64.to_le_bytes());
            0
        },
    )
    .unwrap();
    l.func_wrap(m, "random_get", |mut c: Cx, buf: i32, len: i32| {
        let (mem, _) = memory(&mut c);
        let bytes: Vec<u8> = (0..len as u32).map(|i| (i % 251) as u8).collect();
        put(mem, buf as u32, &bytes);
        0
    })
    .unwrap();
    l.func_wrap(m, "fd_prestat_get", |mut c: Cx, fd: i32, out: i32| {
        if fd != 3 {
            return 8; // badf
        }
        let (mem, _) = memory(&mut c);
        put(mem, out as u32, &[0, 0, 0, 0]);
        put(mem, out as u32 + 4, &5u32.to_le_bytes());
        0
    })
    .unwrap();
    l.func_wrap(
        m,
        "fd_prestat_dir_name",
        |mut c: Cx, _fd: i32, path: i32, len: i32| {
            let (mem, _) = memory(&mut c);
            put(mem, path as u32, &b"/data"[..len as usize]);
            0
        },
    )
    .unwrap();
    l.func_wrap(
        m,
        "proc_exit",
        |mut c: Cx, code: i32| -> wasmtime::Result<()> {
            c.data_mut().exit_code = Some(code);
            Err(wasmtime::Error::msg("exit"))
        },
    )
    .unwrap();
    l
}

fn program() -> Module {
    let file = SourceFile::new("wasi.vir", PROGRAM);
    text::load(&file).unwrap_or_else(|ds| panic!("{}", ds[0]))
}

struct Run {
    host: Host,
    results: Vec<i64>,
    bad_fd: i32,
}

fn run(target: Target) -> Run {
    let compiled = WasmBackend::new()
        .compile_module(&program(), target)
        .unwrap_or_else(|e| panic!("{target}: {e}"));
    let mut config = Config::new();
    config.wasm_features(validate::features(), true);
    let engine = Engine::new(&config).unwrap();
    let module = wasmtime::Module::new(&engine, &compiled.wasm).unwrap();
    let host = Host {
        stdin: b"abcdef".to_vec(),
        ..Host::default()
    };
    let mut store = Store::new(&engine, host);
    let instance = host_linker(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = instance.get_func(&mut store, "run").unwrap();
    let mut out = vec![wasmtime::Val::I32(0); 10];
    run.call(&mut store, &[], &mut out).unwrap();
    let results = out
        .iter()
        .map(|v| v.i64().unwrap_or_else(|| v.unwrap_i32() as i64))
        .collect();
    let bad = instance
        .get_typed_func::<(), i32>(&mut store, "bad_fd")
        .unwrap();
    let bad_fd = bad.call(&mut store, ()).unwrap();
    let quit = instance
        .get_typed_func::<(), ()>(&mut store, "quit")
        .unwrap();
    assert!(quit.call(&mut store, ()).is_err(), "proc_exit ends the run");
    Run {
        host: store.into_data(),
        results,
        bad_fd,
    }
}

#[test]
fn wasm64_through_the_adapter_does_what_wasm32_does_directly() {
    let expected = [
        0,
        300_006,
        2,
        b'p' as i64,
        1_234_567_890_123,
        299 % 251,
        5,
        b'd' as i64,
        6,
        b'c' as i64,
    ];
    for target in [Target::Wasm32, Target::Wasm64] {
        let run = run(target);
        assert_eq!(run.results, expected, "{target}");
        assert_eq!(run.host.stdout.len(), 300_006, "{target}");
        assert!(run.host.stdout.starts_with(b"hello\nxxx"), "{target}");
        assert!(
            run.host.stdout.iter().skip(6).all(|&b| b == b'x'),
            "{target}"
        );
        assert_eq!(run.bad_fd, 8, "{target}: errors pass through");
        assert_eq!(
            run.host.exit_code,
            Some(3),
            "{target}: proc_exit passes through"
        );
    }
}

#[test]
fn wasm64_exports_the_scratch_memory_as_memory() {
    let wat = WasmBackend::new()
        .emit_wat(&program(), Target::Wasm64)
        .unwrap();
    assert!(wat.contains("(memory $wasi_scratch 4 4)"), "{wat}");
    assert!(wat.contains("(export \"memory\" (memory $wasi_scratch))"));
    assert!(wat.contains("(export \"memory64\" (memory $memory))"));
    assert!(wat.contains("(import \"wasi_snapshot_preview1\" \"fd_write\" (func $wasi:fd_write"));
    // Functions without pointers are imported as they are.
    assert!(wat.contains("(import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit"));
    let wat32 = WasmBackend::new()
        .emit_wat(&program(), Target::Wasm32)
        .unwrap();
    assert!(
        !wat32.contains("wasi_scratch") && wat32.contains("(export \"memory\" (memory $memory))")
    );
}

#[test]
fn unsupported_or_misdeclared_wasi_functions_are_located_errors() {
    for (decl, message) in [
        (
            r#"extern fn @sock_accept(i32, i32, ptr) -> i32 from "wasi_snapshot_preview1" "sock_accept""#,
            "not yet supported: the WASI function `sock_accept` on wasm64",
        ),
        (
            r#"extern fn @fd_write(i32, ptr, ptr) -> i32 from "wasi_snapshot_preview1" "fd_write""#,
            "WASI `fd_write` is declared as `(i32, ptr, ptr) -> i32`, but wasm64 WASI expects `(i32, ptr, ptr, ptr) -> i32`",
        ),
    ] {
        let file = SourceFile::new("bad.vir", format!("{decl}\n"));
        let module = text::load(&file).unwrap();
        let err = WasmBackend::new()
            .compile_module(&module, Target::Wasm64)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(message), "{err}");
        assert!(err.contains("--> bad.vir:1:1"), "{err}");
        // wasm32 imports them as declared.
        WasmBackend::new()
            .compile_module(&module, Target::Wasm32)
            .unwrap();
    }
}
