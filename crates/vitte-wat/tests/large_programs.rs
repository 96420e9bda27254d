//! Programs too large to keep as golden files, built as text here: a
//! 1,000-way switch, recursion 10,000 deep through stack slots, and a
//! state machine whose cycle is entered at many blocks (irreducible). Each
//! compiles for both targets, validates, and computes in wasmtime what the
//! reference interpreter computes, which is also checked against a formula.

use std::fmt::Write;
use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::interp::Interpreter;
use vitte_codegen_wasm64::ir::{Module, Target};
use vitte_codegen_wasm64::text;
use vitte_codegen_wasm64::value::Value;
use vitte_runtime::Runtime;

fn load(name: &str, text: &str) -> Module {
    let file = SourceFile::new(name, text);
    match text::load(&file) {
        Ok(module) => module,
        Err(ds) => panic!(
            "{}",
            ds.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// Calls `func` with each argument list in the interpreter and in wasmtime,
/// for both targets, and checks every result against `expected`.
fn check(module: &Module, func: &str, calls: &[(Vec<Value>, Value)]) {
    let runtime = Runtime::new().expect("wasmtime starts");
    for target in [Target::Wasm64, Target::Wasm32] {
        let compiled = WasmBackend::new()
            .compile_module(module, target)
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        let mut instance = runtime.instantiate(&compiled.wasm).expect("instantiates");
        let mut interp = Interpreter::new(module, target).expect("interpreter starts");
        for (args, expected) in calls {
            let want = vec![*expected];
            let got = interp
                .call(func, args)
                .unwrap_or_else(|e| panic!("{target} interp {args:?}: {e}"));
            assert_eq!(got, want, "{target} interpreter, {func}{args:?}");
            let got = instance
                .invoke(func, args)
                .unwrap_or_else(|e| panic!("{target} wasmtime {args:?}: {e}"));
            assert_eq!(got, want, "{target} wasmtime, {func}{args:?}");
        }
    }
}

#[test]
fn a_thousand_way_switch() {
    // Case k returns k * 7 + 1; odd cases go through a shared block with an argument.
    let n = 1000;
    let mut text = String::from("pub fn @pick(%x: i32) -> i32 {\nentry:\n  switch %x, [");
    let targets: Vec<String> = (0..n)
        .map(|k| {
            if k % 2 == 1 {
                format!("odd{k}")
            } else {
                format!("case{k}")
            }
        })
        .collect();
    text.push_str(&targets.join(", "));
    text.push_str("], other\n");
    for (k, block) in targets.iter().enumerate() {
        let _ = writeln!(text, "{block}:\n  %v{k} = i32.const {}", k * 7 + 1);
        if k % 2 == 1 {
            let _ = writeln!(text, "  jump shared(%v{k})");
        } else {
            let _ = writeln!(text, "  return %v{k}");
        }
    }
    text.push_str("shared(%s: i32):\n  return %s\nother:\n  %m = i32.const -1\n  return %m\n}\n");
    let module = load("switch1000.vir", &text);
    let calls: Vec<(Vec<Value>, Value)> = [0, 1, 2, 499, 500, 998, 999, 1000, -1]
        .into_iter()
        .map(|k: i32| {
            let expected = if (0..n).contains(&k) { k * 7 + 1 } else { -1 };
            (vec![Value::I32(k)], Value::I32(expected))
        })
        .collect();
    check(&module, "pick", &calls);
}

#[test]
fn recursion_ten_thousand_deep_through_stack_slots() {
    // depth(n) = n + depth(n - 1), with n kept in a stack slot across the call.
    let text = "pub fn @depth(%n: i64) -> i64 {\n  slot $keep: 8 align 8\nentry:\n\
                %p = slot.addr $keep\n  i64.store %p, %n\n  %zero = i64.eqz %n\n  brif %zero, base, rec\n\
                base:\n  %z = i64.const 0\n  return %z\nrec:\n  %one = i64.const 1\n  %m = i64.sub %n, %one\n\
                %below = call @depth(%m)\n  %mine = i64.load %p\n  %r = i64.add %below, %mine\n  return %r\n}\n";
    let module = load("depth.vir", text);
    // On an ordinary test thread (2 MiB of native stack): see runtime.rs.
    let calls = [10_000i64, 10, 0]
        .map(|n| (vec![Value::I64(n)], Value::I64(n * (n + 1) / 2)))
        .to_vec();
    check(&module, "depth", &calls);
}

#[test]
fn a_state_machine_entered_at_every_state() {
    // States s0..s49 form one cycle; `entry` jumps into any of them, so the
    // cycle has fifty entries. Each state adds its number and moves on until
    // the budget runs out.
    let states: i32 = 50;
    let mut text = String::from(
        "pub fn @run(%start: i32, %budget: i32) -> i32 {\nentry:\n  %zero = i32.const 0\n  switch %start, [",
    );
    let entries: Vec<String> = (0..states)
        .map(|k| format!("s{k}(%budget, %zero)"))
        .collect();
    text.push_str(&entries.join(", "));
    text.push_str("], s0(%budget, %zero)\n");
    for k in 0..states {
        let next = (k * 7 + 3) % states;
        let _ = writeln!(
            text,
            "s{k}(%b{k}: i32, %acc{k}: i32):\n  %done{k} = i32.eqz %b{k}\n  brif %done{k}, exit(%acc{k}), t{k}\n\
             t{k}:\n  %one{k} = i32.const 1\n  %k{k} = i32.const {k}\n  %nb{k} = i32.sub %b{k}, %one{k}\n\
             %na{k} = i32.add %acc{k}, %k{k}\n  jump s{next}(%nb{k}, %na{k})"
        );
    }
    text.push_str("exit(%r: i32):\n  return %r\n}\n");
    let module = load("states.vir", &text);
    let model = |start: i32, budget: i32| {
        let (mut state, mut acc) = (
            if (0..states).contains(&start) {
                start
            } else {
                0
            },
            0,
        );
        for _ in 0..budget {
            acc += state;
            state = (state * 7 + 3) % states;
        }
        acc
    };
    let calls: Vec<(Vec<Value>, Value)> = [(0, 10), (13, 100), (49, 1000), (77, 5), (5, 0)]
        .into_iter()
        .map(|(s, b)| (vec![Value::I32(s), Value::I32(b)], Value::I32(model(s, b))))
        .collect();
    check(&module, "run", &calls);
}

#[test]
fn a_chain_of_twenty_thousand_blocks_compiles_on_a_test_thread_stack() {
    // Block k adds k to its parameter and jumps to block k + 1: the dominator
    // tree is 20,000 deep, and the structuring recurses along it (about ten
    // times what a 2 MiB test thread holds without `stack::ensure_stack`).
    use vitte_codegen_wasm64::ir::{BinaryOp, Type};
    use vitte_codegen_wasm64::{Context, Target as T};
    let n = 20_000;
    let mut ctx = Context::new(T::Wasm64);
    let f = ctx.create_function("chain");
    {
        let mut b = ctx.builder(f);
        let x = b.param("x", Type::I64);
        b.result(Type::I64);
        let entry = b.create_block("entry");
        let blocks: Vec<_> = (0..n).map(|k| b.create_block(&format!("b{k}"))).collect();
        let params: Vec<_> = blocks
            .iter()
            .map(|&bl| b.block_param(bl, "v", Type::I64))
            .collect();
        b.switch_to_block(entry);
        b.jump(blocks[0], &[x]);
        for k in 0..n {
            b.switch_to_block(blocks[k]);
            let c = b.iconst(Type::I64, k as i64);
            let sum = b.binary(BinaryOp::Add, Type::I64, params[k], c);
            match blocks.get(k + 1) {
                Some(&next) => b.jump(next, &[sum]),
                None => b.ret(&[sum]),
            }
        }
    }
    let expected = (n as i64) * (n as i64 - 1) / 2 + 7;
    check(
        ctx.module(),
        "chain",
        &[(vec![Value::I64(7)], Value::I64(expected))],
    );
}
