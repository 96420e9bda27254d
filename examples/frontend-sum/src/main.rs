//! The seed's `sum` function, built the way a frontend builds it (the
//! builder API of `vitte-codegen-wasm64`), compiled to a wasm64 binary.
//!
//! ```sh
//! cargo run --release -p frontend-sum -- sum.wasm
//! target/release/vitte-wat run sum.wasm --invoke sum 10    # 45
//! ```
//!
//! It writes the binary (to the path given, `sum.wasm` by default), with
//! DWARF pointing at the frontend's own source (the `sum.vt` below, which
//! a real frontend would have parsed), checks it with the library's
//! validator (memory64 on), and prints its size, the head of its WAT text,
//! the source positions the WAT carries and `sum(10)` computed by the
//! library's reference interpreter on the same IR.

use std::process::ExitCode;
use vitte_codegen_wasm64::interp::Interpreter;
use vitte_codegen_wasm64::ir::{BinaryOp, CmpOp, Edge, Location, Type};
use vitte_codegen_wasm64::value::Value;
use vitte_codegen_wasm64::{Context, Target, WasmBackend, emit, validate};

/// The source this frontend "compiled", for the locations it gives.
const SOURCE: &str = "\
fn sum(n: i64) -> i64 {
    var acc = 0
    for i in 0..n {
        acc = acc + i
    }
    return acc
}
";

/// `sum(n)` adds 0 + 1 + ... + (n - 1) with a loop whose state lives in
/// block parameters; each instruction at its place in `sum.vt`.
fn build_sum() -> (Context, vitte_codegen_wasm64::ir::FuncId) {
    let mut ctx = Context::new(Target::Wasm64);
    let file = ctx.module_mut().add_debug_file("sum.vt");
    let at = |line, col| Some(Location { file, line, col });
    let func = ctx.create_function("sum");
    {
        let mut b = ctx.builder(func);
        b.set_function_location(at(1, 1));
        let n = b.param("n", Type::I64);
        b.result(Type::I64);
        let entry = b.create_block("entry");
        let head = b.create_block("loop");
        let body = b.create_block("body");
        let exit = b.create_block("exit");
        let i = b.block_param(head, "i", Type::I64);
        let acc = b.block_param(head, "acc", Type::I64);

        b.switch_to_block(entry);
        b.set_location(at(2, 15));
        let zero = b.iconst(Type::I64, 0);
        b.set_location(at(3, 14));
        b.jump(head, &[zero, zero]);

        b.switch_to_block(head);
        b.set_location(at(3, 11));
        let done = b.compare(CmpOp::GeS, Type::I64, i, n);
        b.brif(done, Edge::new(exit, vec![]), Edge::new(body, vec![]));

        b.switch_to_block(body);
        b.set_location(at(4, 15));
        let acc1 = b.binary(BinaryOp::Add, Type::I64, acc, i);
        b.set_location(at(3, 14));
        let one = b.iconst(Type::I64, 1);
        let i1 = b.binary(BinaryOp::Add, Type::I64, i, one);
        b.jump(head, &[i1, acc1]);

        b.switch_to_block(exit);
        b.set_location(at(6, 5));
        b.ret(&[acc]);
    }
    (ctx, func)
}

fn run() -> Result<(), String> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "sum.wasm".into());
    let (ctx, func) = build_sum();
    let wasm = WasmBackend::new()
        .with_debug_info(true)
        .compile(&ctx, &func)
        .map_err(|e| format!("compile: {e}"))?;
    validate::validate(&wasm).map_err(|e| format!("validate: {e}"))?;
    std::fs::write(&path, &wasm).map_err(|e| format!("{path}: {e}"))?;
    println!("wrote {path}: {} bytes, valid", wasm.len());

    let text = emit::disassemble(&wasm).map_err(|e| format!("disassemble: {e}"))?;
    for line in text
        .lines()
        .filter(|l| l.contains("(memory") || l.contains("(export"))
    {
        println!("{}", line.trim());
    }
    // The positions `emit -g` writes: those of `sum.vt`, which the DWARF
    // line table of the binary holds too.
    let located = WasmBackend::new()
        .with_locations(true)
        .emit_wat(ctx.module(), Target::Wasm64)
        .map_err(|e| format!("emit: {e}"))?;
    for position in located
        .lines()
        .filter_map(|l| l.trim().strip_prefix(";;@ "))
    {
        let line = position
            .split(':')
            .nth(1)
            .and_then(|l| l.parse::<usize>().ok());
        let text = line.and_then(|l| SOURCE.lines().nth(l.checked_sub(1)?));
        let text = text.unwrap_or("");
        println!("{position:<12} | {}", text.trim());
    }

    let mut interp =
        Interpreter::new(ctx.module(), Target::Wasm64).map_err(|e| format!("interp: {e}"))?;
    let result = interp
        .call("sum", &[Value::I64(10)])
        .map_err(|e| format!("interp: {e:?}"))?;
    println!("sum(10) = {}", result[0]);
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
