//! The seed's `sum` function, built the way a frontend builds it (the
//! builder API of `vitte-codegen-wasm64`), compiled to a wasm64 binary.
//!
//! ```sh
//! cargo run --release -p frontend-sum -- sum.wasm
//! target/release/vitte-wat run sum.wasm --invoke sum 10    # 45
//! ```
//!
//! It writes the binary (to the path given, `sum.wasm` by default), checks
//! it with the library's validator (memory64 on), and prints its size, the
//! head of its WAT text and `sum(10)` computed by the library's reference
//! interpreter on the same IR.

use std::process::ExitCode;
use vitte_codegen_wasm64::interp::Interpreter;
use vitte_codegen_wasm64::ir::{BinaryOp, CmpOp, Edge, Type};
use vitte_codegen_wasm64::value::Value;
use vitte_codegen_wasm64::{Context, Target, WasmBackend, emit, validate};

/// `sum(n)` adds 0 + 1 + ... + (n - 1) with a loop whose state lives in
/// block parameters.
fn build_sum() -> (Context, vitte_codegen_wasm64::ir::FuncId) {
    let mut ctx = Context::new(Target::Wasm64);
    let func = ctx.create_function("sum");
    {
        let mut b = ctx.builder(func);
        let n = b.param("n", Type::I64);
        b.result(Type::I64);
        let entry = b.create_block("entry");
        let head = b.create_block("loop");
        let body = b.create_block("body");
        let exit = b.create_block("exit");
        let i = b.block_param(head, "i", Type::I64);
        let acc = b.block_param(head, "acc", Type::I64);

        b.switch_to_block(entry);
        let zero = b.iconst(Type::I64, 0);
        b.jump(head, &[zero, zero]);

        b.switch_to_block(head);
        let done = b.compare(CmpOp::GeS, Type::I64, i, n);
        b.brif(done, Edge::new(exit, vec![]), Edge::new(body, vec![]));

        b.switch_to_block(body);
        let acc1 = b.binary(BinaryOp::Add, Type::I64, acc, i);
        let one = b.iconst(Type::I64, 1);
        let i1 = b.binary(BinaryOp::Add, Type::I64, i, one);
        b.jump(head, &[i1, acc1]);

        b.switch_to_block(exit);
        b.ret(&[acc]);
    }
    (ctx, func)
}

fn run() -> Result<(), String> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "sum.wasm".into());
    let (ctx, func) = build_sum();
    let wasm = WasmBackend::new()
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
