//! The seed's usage: build a function with the builder API, compile it to a
//! wasm64 binary, and call it in wasmtime.
//!
//! `sum(n)` adds 0 + 1 + ... + (n - 1) with a loop whose state lives in
//! block parameters.
//!
//! ```sh
//! cargo run --release --example seed     # prints: sum(10) = 45
//! ```

use vitte_codegen_wasm64::ir::{BinaryOp, CmpOp, Edge, Type};
use vitte_codegen_wasm64::value::Value;
use vitte_codegen_wasm64::{Context, Target, WasmBackend};
use vitte_runtime::Runtime;

fn main() -> anyhow::Result<()> {
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
    let wasm = WasmBackend::new().compile(&ctx, &func)?;

    let mut instance = Runtime::new()?.instantiate(&wasm)?;
    let result = instance.invoke("sum", &[Value::I64(10)])?;
    println!("sum(10) = {}", result[0]);
    assert_eq!(result, vec![Value::I64(45)]);
    Ok(())
}
