//! The builder API as a frontend uses it (`Context`, `ctx.builder`): every
//! misuse is a named error, never a panic or a different program, and a
//! small frontend's programs (a loop over a reassigned variable, a call
//! built before its callee's body, recursion, a stack array) compile and run.

use vitte_codegen_wasm64::interp::Interpreter;
use vitte_codegen_wasm64::ir::{
    BinaryOp, BlockId, BlockState, BuildError, CmpOp, ConvKind, DebugFileId, Edge, FuncId,
    Function, FunctionBuilder, Linkage, LocId, Location, MemAccess, Module, Signature, SlotId,
    Type, ValueId, VarId,
};
use vitte_codegen_wasm64::value::Value;
use vitte_codegen_wasm64::{Context, Error, Target, WasmBackend};
use vitte_runtime::Runtime;

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature {
        params: params.to_vec(),
        results: results.to_vec(),
    }
}

/// The builder errors `compile` refuses the context with (it must refuse).
fn build_errors(ctx: &Context, func: FuncId) -> Vec<BuildError> {
    match WasmBackend::new().compile(ctx, &func) {
        Err(Error::Build(errors)) => {
            assert_eq!(errors, ctx.errors(), "compile reports the context's errors");
            errors
        }
        Err(e) => panic!("expected builder errors, got {}", e.report()),
        Ok(_) => panic!("a misused builder compiled"),
    }
}

/// The one error of a context, rendered.
fn one_error(ctx: &Context, func: FuncId) -> (BuildError, String) {
    let errors = build_errors(ctx, func);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = errors[0].clone();
    let text = e.to_string();
    (e, text)
}

/// Runs `name(args)` in the interpreter and in wasmtime (wasm64 and wasm32).
fn run(ctx: &Context, func: FuncId, name: &str, args: &[Value]) -> Vec<Value> {
    let module = ctx.verify().unwrap_or_else(|e| panic!("{}", e.report()));
    let wasm = WasmBackend::new()
        .compile(ctx, &func)
        .unwrap_or_else(|e| panic!("{}", e.report()));
    let runtime = Runtime::new().expect("wasmtime starts");
    let mut instance = runtime.instantiate(&wasm).expect("instantiates");
    let got = instance.invoke(name, args).expect("runs in wasmtime");
    for target in [Target::Wasm64, Target::Wasm32] {
        let mut interp = Interpreter::new(module, target).expect("interpreter starts");
        let want = interp.call(name, args).expect("runs in the interpreter");
        assert_eq!(got, want, "{target}: wasmtime and the interpreter agree");
    }
    got
}

// ---------------------------------------------------------------- terminators

#[test]
fn a_second_terminator_is_refused_not_a_replacement() {
    // `ret 1` then `jump merge` in the same block: it used to return 2.
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        b.result(Type::I32);
        let entry = b.create_block("entry");
        let merge = b.create_block("merge");
        b.switch_to_block(entry);
        let one = b.iconst(Type::I32, 1);
        b.ret(&[one]);
        assert_eq!(b.block_state(entry), BlockState::Filled);
        b.jump(merge, &[]);
        b.switch_to_block(merge);
        let two = b.iconst(Type::I32, 2);
        b.ret(&[two]);
    }
    let (e, text) = one_error(&ctx, f);
    assert!(matches!(e, BuildError::SecondTerminator { .. }));
    assert_eq!(
        text,
        "in function `@f`, block `entry`: a second terminator `jump`; the block already ends \
         in `return`"
    );
}

#[test]
fn an_instruction_after_the_terminator_is_refused_not_run_before_it() {
    // A division after `return` used to be appended before it, and trapped.
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let x = b.param("x", Type::I32);
        b.result(Type::I32);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        b.ret(&[x]);
        let zero = b.iconst(Type::I32, 0);
        assert_eq!(zero, ValueId::INVALID);
        // Uses of the refused value are refused without a second error.
        let q = b.binary(BinaryOp::DivS, Type::I32, x, zero);
        assert_eq!(q, ValueId::INVALID);
        assert!(b.is_unreachable());
    }
    let (e, text) = one_error(&ctx, f);
    assert!(matches!(e, BuildError::AfterTerminator { .. }));
    assert_eq!(
        text,
        "in function `@f`, block `entry`: `i32.const` after the block's terminator `return`"
    );
}

#[test]
fn a_block_left_without_its_terminator_is_named() {
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        b.iconst(Type::I32, 7);
        assert_eq!(b.block_state(entry), BlockState::Partial);
        let errors = b.finish().unwrap_err();
        assert!(matches!(errors[..], [BuildError::Unterminated { .. }]));
    }
    let (_, text) = one_error(&ctx, f);
    assert_eq!(
        text,
        "in function `@f`, block `entry`: the block has no terminator"
    );
    // Without `finish`, the verifier says the same, in the same place.
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        b.iconst(Type::I32, 7);
    }
    let e = WasmBackend::new().compile(&ctx, &f).unwrap_err();
    assert_eq!(
        e.report(),
        "error: block `entry` has no terminator\n  --> in function `@f`, block `entry`"
    );
}

// ---------------------------------------------------------------- the entry

/// `exit` is created first; `entry` is switched to first. Returns `x + 1`.
fn exit_created_first(ctx: &mut Context, explicit: bool) -> FuncId {
    let f = ctx.create_function("f");
    let mut b = ctx.builder(f);
    let x = b.param("x", Type::I32);
    b.result(Type::I32);
    let exit = b.create_block("exit");
    let r = b.block_param(exit, "r", Type::I32);
    let entry = b.create_block("entry");
    if explicit {
        b.set_entry_block(entry);
        b.switch_to_block(exit);
        b.ret(&[r]);
        b.switch_to_block(entry);
    } else {
        b.switch_to_block(entry);
    }
    assert_eq!(b.entry_block(), Some(entry));
    assert_eq!(b.current_block(), Some(entry));
    let one = b.iconst(Type::I32, 1);
    let sum = b.add(x, one);
    b.jump(exit, &[sum]);
    if !explicit {
        b.switch_to_block(exit);
        b.ret(&[r]);
    }
    b.finish().expect("no misuse");
    f
}

#[test]
fn the_entry_is_the_first_block_switched_to_not_the_first_created() {
    for explicit in [false, true] {
        let mut ctx = Context::new(Target::Wasm64);
        let f = exit_created_first(&mut ctx, explicit);
        assert_eq!(ctx.module().func(f).blocks[0].name, "entry");
        assert_eq!(run(&ctx, f, "f", &[Value::I32(41)]), [Value::I32(42)]);
    }
}

#[test]
fn a_second_entry_is_refused() {
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let a = b.create_block("a");
        let c = b.create_block("c");
        b.switch_to_block(a);
        b.ret(&[]);
        b.set_entry_block(c);
        b.switch_to_block(c);
        b.ret(&[]);
    }
    let (e, text) = one_error(&ctx, f);
    assert!(matches!(e, BuildError::EntryAlreadyChosen { .. }));
    assert_eq!(
        text,
        "in function `@f`: `c` cannot become the entry block: the entry is already `a`"
    );
}

// ---------------------------------------------------------------- signatures

#[test]
fn the_signature_cannot_change_once_the_body_is_begun() {
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let entry = b.create_block("entry");
        let late = b.param("late", Type::I64);
        assert_eq!(late, ValueId::INVALID);
        b.result(Type::I32);
        b.switch_to_block(entry);
        b.ret(&[]);
    }
    let errors = build_errors(&ctx, f);
    let texts: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        texts,
        [
            "in function `@f`: parameter `%late: i64` after the body was begun: a signature is \
             complete before the first block",
            "in function `@f`: result `i32` after the body was begun: a signature is complete \
             before the first block",
        ]
    );
}

#[test]
fn a_function_is_defined_once_and_an_import_never() {
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        b.ret(&[]);
    }
    {
        let mut b = ctx.builder(f);
        let again = b.create_block("again");
        b.switch_to_block(again);
        b.ret(&[]);
    }
    let print = ctx.declare_import("print", sig(&[Type::I32], &[]), "env", "print");
    {
        let mut b = ctx.builder(print);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        b.ret(&[]);
    }
    {
        let mut b = ctx.builder(FuncId(99));
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        b.ret(&[]);
    }
    let texts: Vec<String> = build_errors(&ctx, f)
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "function `@f` is already defined: a function's blocks are built by one builder",
            "function `@print` is imported: it cannot have a body",
            "no function with id 99 in this module (it has 2)",
        ]
    );
    // The first definition is intact.
    assert_eq!(ctx.module().func(f).blocks.len(), 1);
}

// ---------------------------------------------------------------- no current block, bad ids

#[test]
fn an_instruction_before_switch_to_block_is_an_error_not_a_panic() {
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        b.result(Type::I32);
        let c = b.iconst(Type::I32, 3);
        assert_eq!(c, ValueId::INVALID);
        assert_eq!(b.current_block(), None);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        let c = b.iconst(Type::I32, 3);
        b.ret(&[c]);
    }
    let (e, text) = one_error(&ctx, f);
    assert!(matches!(e, BuildError::NoCurrentBlock { .. }));
    assert_eq!(
        text,
        "in function `@f`: `i32.const` before any block was switched to (call switch_to_block \
         first)"
    );
}

#[test]
fn ids_of_another_function_are_errors_not_panics() {
    let mut ctx = Context::new(Target::Wasm64);
    let g = ctx.create_function("g");
    let (g_var, g_block, g_value) = {
        let mut b = ctx.builder(g);
        let x = b.param("x", Type::I64);
        let v0 = b.var("a", Type::I32);
        let v1 = b.var("b", Type::I32);
        let v2 = b.var("c", Type::I32);
        let _ = (v0, v1);
        let entry = b.create_block("entry");
        let blocks: Vec<_> = (0..4).map(|i| b.create_block(&format!("b{i}"))).collect();
        b.switch_to_block(entry);
        let mut last = x;
        for _ in 0..5 {
            last = b.add(last, x);
        }
        b.jump(blocks[0], &[]);
        for (i, &bl) in blocks.iter().enumerate() {
            b.switch_to_block(bl);
            match blocks.get(i + 1) {
                Some(&next) => b.jump(next, &[]),
                None => b.ret(&[]),
            }
        }
        (v2, blocks[3], last)
    };
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        let v = b.var_get(g_var);
        assert_eq!(v, ValueId::INVALID);
        b.block_param(g_block, "p", Type::I32);
        b.switch_to_block(g_block);
        b.var_set(VarId::new(f, 7), v); // refused silently: `v` is already an error
        let c = b.iconst(Type::I64, 1);
        b.add(c, g_value);
        b.call(FuncId(40), &[]);
        b.jump(g_block, &[]);
        b.ret(&[]);
    }
    let texts: Vec<String> = build_errors(&ctx, f)
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "in function `@f`, block `entry`: `var.get` uses variable id 2 of function `@g`: a \
             variable is used only in its own function",
            "in function `@f`, block `entry`: `block_param` uses block id 4 of function `@g`: a \
             block is used only in its own function",
            "in function `@f`, block `entry`: `switch_to_block` uses block id 4 of function \
             `@g`: a block is used only in its own function",
            "in function `@f`, block `entry`: `add` uses value id 5 of function `@g`: a value \
             is used only in its own function",
            "in function `@f`, block `entry`: `call` refers to function id 40, which does not \
             exist in this module",
            "in function `@f`, block `entry`: `jump` uses block id 4 of function `@g`: a block \
             is used only in its own function",
        ]
    );
}

/// `g(%x: i64) -> i64 { %v1 = i32.const 1; %v2 = i64.add %x, %x; return %v2 }`:
/// its `%v1` (i32) and `%v2` (i64).
fn g_values(ctx: &mut Context) -> (FuncId, ValueId, ValueId) {
    let g = ctx.create_function("g");
    let mut b = ctx.builder(g);
    let x = b.param("x", Type::I64);
    b.result(Type::I64);
    let entry = b.create_block("entry");
    b.switch_to_block(entry);
    let c = b.iconst(Type::I32, 1);
    let s = b.add(x, x);
    b.ret(&[s]);
    (g, c, s)
}

#[test]
fn a_value_of_another_function_in_range_is_an_error_not_this_functions_value() {
    // `f` has values of the same indices and types as `g`'s: without the
    // function a value belongs to, `g`'s %v2 would be `f`'s %v2, and the
    // program would verify and compile, reading another value.
    let mut ctx = Context::new(Target::Wasm64);
    let (g, g_i32, g_i64) = g_values(&mut ctx);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let a = b.param("a", Type::I64);
        b.result(Type::I64);
        let buf = b.slot("buf", 8, 8);
        let entry = b.create_block("entry");
        let exit = b.create_block("exit");
        b.switch_to_block(entry);
        let _ = b.iconst(Type::I32, 0);
        let five = b.iconst(Type::I64, 5);
        assert_eq!(
            (five.index(), b.value_type(five)),
            (g_i64.index(), Some(Type::I64))
        );
        assert_eq!(b.value_type(g_i64), None);
        let p = b.slot_addr(buf);
        let r = b.block_param(exit, "r", Type::I64);
        assert_eq!(
            b.binary(BinaryOp::Add, Type::I64, a, g_i64),
            ValueId::INVALID
        );
        b.store(MemAccess::full(Type::I64), p, g_i64, 0);
        assert_eq!(b.call(g, &[g_i64]), [ValueId::INVALID]);
        assert_eq!(b.add(a, g_i64), ValueId::INVALID);
        // A refused terminator leaves the block open for the next one.
        b.jump(exit, &[g_i64]);
        b.brif(g_i32, Edge::new(exit, vec![a]), Edge::new(exit, vec![a]));
        b.switch(
            g_i32,
            vec![Edge::new(exit, vec![a])],
            Edge::new(exit, vec![a]),
        );
        assert!(!b.is_filled(entry));
        b.jump(exit, &[five]);
        b.switch_to_block(exit);
        b.set_value_name(g_i64, "y");
        b.ret(&[g_i64]);
        b.ret(&[r]);
    }
    let texts: Vec<String> = build_errors(&ctx, f)
        .iter()
        .map(|e| {
            assert!(
                matches!(e, BuildError::ForeignValue { id: 1 | 2, .. }),
                "{e:?}"
            );
            e.to_string()
        })
        .collect();
    let of_g = "of function `@g`: a value is used only in its own function";
    assert_eq!(
        texts,
        [
            format!("in function `@f`, block `entry`: `i64.add` uses value id 2 {of_g}"),
            format!("in function `@f`, block `entry`: `i64.store` uses value id 2 {of_g}"),
            format!("in function `@f`, block `entry`: `call @g` uses value id 2 {of_g}"),
            format!("in function `@f`, block `entry`: `add` uses value id 2 {of_g}"),
            format!("in function `@f`, block `entry`: `jump` uses value id 2 {of_g}"),
            format!("in function `@f`, block `entry`: `brif` uses value id 1 {of_g}"),
            format!("in function `@f`, block `entry`: `switch` uses value id 1 {of_g}"),
            format!("in function `@f`: `set_value_name` uses value id 2 {of_g}"),
            format!("in function `@f`, block `exit`: `return` uses value id 2 {of_g}"),
        ]
    );
    // Nothing refused was built: `g`'s value names and `f`'s body are intact.
    let module = ctx.module();
    assert_eq!(module.func(g).value(g_i64).name, "v2");
    let body = &module.func(f).blocks;
    assert_eq!((body[0].insts.len(), body[1].insts.len()), (3, 0));
}

/// `g`: blocks `entry` and `next(%p: i64)`, a variable and a slot, each of
/// index 0 or 1 as `f`'s below.
fn g_locals(ctx: &mut Context) -> (BlockId, BlockId, VarId, SlotId) {
    let g = ctx.create_function("g");
    let mut b = ctx.builder(g);
    let x = b.param("x", Type::I64);
    let var = b.var("v", Type::I64);
    let slot = b.slot("s", 8, 8);
    let entry = b.create_block("entry");
    let next = b.create_block("next");
    let p = b.block_param(next, "p", Type::I64);
    b.switch_to_block(entry);
    b.var_set(var, x);
    b.jump(next, &[x]);
    b.switch_to_block(next);
    let a = b.slot_addr(slot);
    b.store(MemAccess::full(Type::I64), a, p, 0);
    b.ret(&[]);
    (entry, next, var, slot)
}

#[test]
fn a_block_variable_or_slot_of_another_function_in_range_is_an_error() {
    // `f` has blocks, a variable and a slot of the same indices as `g`'s:
    // without the function an id belongs to, `g`'s would be `f`'s.
    let mut ctx = Context::new(Target::Wasm64);
    let (g_entry, g_next, g_var, g_slot) = g_locals(&mut ctx);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let a = b.param("a", Type::I64);
        let var = b.var("v", Type::I64);
        let slot = b.slot("s", 8, 8);
        let entry = b.create_block("entry");
        let exit = b.create_block("exit");
        let ids = [entry.index(), exit.index(), var.index(), slot.index()];
        let g_ids = [
            g_entry.index(),
            g_next.index(),
            g_var.index(),
            g_slot.index(),
        ];
        assert_eq!(ids, g_ids);
        b.set_entry_block(g_next);
        b.switch_to_block(g_entry);
        b.switch_to_block(entry);
        assert_eq!(b.block_param(g_next, "r", Type::I64), ValueId::INVALID);
        let r = b.block_param(exit, "r", Type::I64);
        assert_eq!(b.var_get(g_var), ValueId::INVALID);
        b.var_set(g_var, a);
        assert_eq!(b.slot_addr(g_slot), ValueId::INVALID);
        b.var_set(var, a);
        // `g`'s entry is filled; `f`'s is partial: neither is what `g`'s id
        // names here.
        assert_eq!(b.block_state(entry), BlockState::Partial);
        assert_eq!(b.block_state(g_entry), BlockState::Empty);
        let c = b.iconst(Type::I32, 1);
        let to = |block| Edge::new(block, vec![a]);
        b.jump(g_next, &[a]);
        b.brif(c, to(exit), to(g_next));
        b.switch(c, vec![to(g_next)], to(exit));
        b.switch_cases(c, vec![(7, to(exit))], to(g_next));
        assert!(!b.is_filled(entry));
        b.jump(exit, &[a]);
        b.switch_to_block(exit);
        b.ret(&[r]);
    }
    let errors = build_errors(&ctx, f);
    assert!(
        errors
            .iter()
            .all(|e| matches!(e, BuildError::ForeignEntity { id: 0 | 1, .. })),
        "{errors:#?}"
    );
    let texts: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let of_g = |what: &str, id: u32| {
        format!("{what} id {id} of function `@g`: a {what} is used only in its own function")
    };
    let (block, var, slot) = ("block", "variable", "slot");
    let at = "in function `@f`, block `entry`";
    assert_eq!(
        texts,
        [
            format!(
                "in function `@f`: `set_entry_block` uses {}",
                of_g(block, 1)
            ),
            format!(
                "in function `@f`: `switch_to_block` uses {}",
                of_g(block, 0)
            ),
            format!("{at}: `block_param` uses {}", of_g(block, 1)),
            format!("{at}: `var.get` uses {}", of_g(var, 0)),
            format!("{at}: `var.set` uses {}", of_g(var, 0)),
            format!("{at}: `slot.addr` uses {}", of_g(slot, 0)),
            format!("{at}: `jump` uses {}", of_g(block, 1)),
            format!("{at}: `brif` uses {}", of_g(block, 1)),
            format!("{at}: `switch` uses {}", of_g(block, 1)),
            format!("{at}: `switch` uses {}", of_g(block, 1)),
        ]
    );
    // Nothing refused was built: `f`'s entry holds its own `var.set` and
    // constant, and its entry was not swapped for `g`'s `next`.
    let body = &ctx.module().func(f).blocks;
    assert_eq!((body[0].name.as_str(), body[0].insts.len()), ("entry", 2));
}

#[test]
fn a_value_of_a_function_of_another_module_is_an_error() {
    let mut other = Context::new(Target::Wasm64);
    let (_, _, g_i64) = g_values(&mut other);
    let _ = g_values(&mut other); // a second `g`: its values are tagged 1
    let g2 = other.module().funcs[1].value_id(g_i64.index());
    let mut m = Module::default();
    let f = m.add_function(Function::new("f", Signature::default(), Linkage::Public));
    let mut b = FunctionBuilder::new(&mut m, f);
    let entry = b.create_block("entry");
    b.switch_to_block(entry);
    let zero = b.iconst(Type::I64, 0);
    let _ = b.iconst(Type::I64, 1);
    let _ = b.iconst(Type::I64, 2);
    b.binary(BinaryOp::Add, Type::I64, zero, g2);
    b.ret(&[]);
    let errors = b.finish().unwrap_err();
    let texts: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        texts,
        [
            "in function `@f`, block `entry`: `i64.add` uses value id 2 of function id 1, \
          which this module does not have: a value is used only in its own function"
        ]
    );
}

// ---------------------------------------------------------------- type inference

#[test]
fn inferred_operators_name_operands_of_different_types() {
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let x = b.param("x", Type::I32);
        let y = b.param("y", Type::I64);
        let z = b.param("z", Type::F64);
        b.result(Type::I64);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        b.add(x, y);
        b.binop(BinaryOp::Div, x, x); // `div` is the float division
        b.conv(ConvKind::Demote, Type::F32, x);
        b.cmp(CmpOp::LtS, z, z);
        let wide = b.conv(ConvKind::ExtendS, Type::I64, x);
        let s = b.add(wide, y);
        b.ret(&[s]);
    }
    let texts: Vec<String> = build_errors(&ctx, f)
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "in function `@f`, block `entry`: `add`: operands of different types: %x is i32, %y \
             is i64",
            "in function `@f`, block `entry`: `i32.div`: `div` does not exist for i32",
            "in function `@f`, block `entry`: `conversion`: no conversion Demote from i32 to f32 \
             (%x is i32)",
            "in function `@f`, block `entry`: `f64.lt_s`: `lt_s` does not exist for f64",
        ]
    );
}

// ---------------------------------------------------------------- errors of built IR

#[test]
fn verifier_errors_of_built_ir_name_the_function_block_and_instruction_once() {
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let x = b.param("x", Type::I32);
        b.result(Type::I64);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        // Explicitly typed: the verifier checks it, as for parsed IR.
        let s = b.binary(BinaryOp::Add, Type::I64, x, x);
        b.ret(&[s]);
    }
    assert!(ctx.errors().is_empty());
    let e = WasmBackend::new().compile(&ctx, &f).unwrap_err();
    assert_eq!(
        e.report(),
        "error: type mismatch: %x is i32, expected i64\n  --> in function `@f`, block `entry`, \
         instruction 0 `i64.add`"
    );
}

#[test]
fn every_line_of_a_report_has_the_error_prefix() {
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        b.ret(&[]);
        b.ret(&[]);
        b.unreachable();
    }
    let e = WasmBackend::new().compile(&ctx, &f).unwrap_err();
    let report = e.report();
    assert_eq!(report.lines().count(), 2);
    assert!(report.lines().all(|l| l.starts_with("error: ")), "{report}");
}

// ---------------------------------------------------------------- the raw builder

#[test]
fn the_raw_builder_returns_its_errors_from_finish() {
    let mut m = Module::default();
    let f = m.add_function(Function::new("f", Signature::default(), Linkage::Public));
    let mut b = FunctionBuilder::new(&mut m, f);
    let entry = b.create_block("entry");
    b.switch_to_block(entry);
    b.ret(&[]);
    b.ret(&[]);
    let errors = b.finish().unwrap_err();
    assert!(matches!(errors[..], [BuildError::SecondTerminator { .. }]));
}

// ---------------------------------------------------------------- a small frontend

/// The source language: integer variables that can be reassigned, `while`,
/// `if`, calls, returns and one stack array per function.
enum Expr {
    Int(i64),
    Local(usize),
    Bin(BinaryOp, Box<Expr>, Box<Expr>),
    Less(Box<Expr>, Box<Expr>),
    Call(usize, Vec<Expr>),
    /// `array[i]`, an i64 element of the function's stack array.
    Index(Box<Expr>),
}

enum Stmt {
    Assign(usize, Expr),
    Store(Expr, Expr),
    While(Expr, Vec<Stmt>),
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    Return(Expr),
}

struct SourceFn {
    name: &'static str,
    params: usize,
    locals: usize,
    array: u64,
    exported: bool,
    body: Vec<Stmt>,
}

/// Lowers every function: all are declared first (calls may come before
/// the callee's body, and recursion needs its own signature), then defined.
fn lower(ctx: &mut Context, fns: &[SourceFn]) -> Vec<FuncId> {
    let ids: Vec<FuncId> = fns
        .iter()
        .map(|f| {
            let linkage = if f.exported {
                Linkage::Public
            } else {
                Linkage::Private
            };
            ctx.declare_function(
                f.name,
                sig(&vec![Type::I64; f.params], &[Type::I64]),
                linkage,
            )
        })
        .collect();
    for (f, &id) in fns.iter().zip(&ids) {
        let mut b = ctx.builder(id);
        let params = b.params();
        let vars: Vec<VarId> = (0..f.params + f.locals)
            .map(|i| b.var(&format!("l{i}"), Type::I64))
            .collect();
        let array = b.slot("array", f.array * 8, 8);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        for (i, &p) in params.iter().enumerate() {
            b.var_set(vars[i], p);
        }
        let mut cx = Lowering {
            b,
            vars,
            ids: &ids,
            array,
        };
        cx.stmts(&f.body);
        if !cx.b.is_unreachable() {
            let zero = cx.b.iconst(Type::I64, 0);
            cx.b.ret(&[zero]);
        }
        cx.b.finish()
            .expect("the frontend uses the builder correctly");
    }
    ids
}

struct Lowering<'a, 'm> {
    b: FunctionBuilder<'m>,
    vars: Vec<VarId>,
    ids: &'a [FuncId],
    array: vitte_codegen_wasm64::ir::SlotId,
}

impl Lowering<'_, '_> {
    fn expr(&mut self, e: &Expr) -> ValueId {
        match e {
            Expr::Int(n) => self.b.iconst(Type::I64, *n),
            Expr::Local(i) => self.b.var_get(self.vars[*i]),
            Expr::Bin(op, x, y) => {
                let (x, y) = (self.expr(x), self.expr(y));
                self.b.binop(*op, x, y)
            }
            Expr::Less(x, y) => {
                let (x, y) = (self.expr(x), self.expr(y));
                let c = self.b.cmp(CmpOp::LtS, x, y);
                self.b.conv(ConvKind::ExtendU, Type::I64, c)
            }
            Expr::Call(f, args) => {
                let args: Vec<ValueId> = args.iter().map(|a| self.expr(a)).collect();
                self.b.call(self.ids[*f], &args)[0]
            }
            Expr::Index(i) => {
                let addr = self.element(i);
                self.b.load_as(Type::I64, addr, 0)
            }
        }
    }

    fn element(&mut self, index: &Expr) -> ValueId {
        let i = self.expr(index);
        let eight = self.b.iconst(Type::I64, 8);
        let offset = self.b.mul(i, eight);
        let offset = self.b.conv(ConvKind::Wrap, Type::Ptr, offset);
        let base = self.b.slot_addr(self.array);
        self.b.add(base, offset)
    }

    fn cond(&mut self, e: &Expr) -> ValueId {
        let v = self.expr(e);
        let zero = self.b.iconst(Type::I64, 0);
        self.b.cmp(CmpOp::Ne, v, zero)
    }

    fn stmts(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            if self.b.is_unreachable() {
                // Code after a `return`: its own block, which nothing reaches.
                let dead = self.b.create_block("dead");
                self.b.switch_to_block(dead);
            }
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Assign(i, e) => {
                let v = self.expr(e);
                self.b.var_set(self.vars[*i], v);
            }
            Stmt::Store(i, e) => {
                let addr = self.element(i);
                let v = self.expr(e);
                self.b.store_value(addr, v, 0);
            }
            Stmt::Return(e) => {
                let v = self.expr(e);
                self.b.ret(&[v]);
            }
            Stmt::While(c, body) => {
                let head = self.b.create_block("head");
                let inner = self.b.create_block("body");
                let exit = self.b.create_block("exit");
                self.b.jump(head, &[]);
                self.b.switch_to_block(head);
                let c = self.cond(c);
                self.b
                    .brif(c, Edge::new(inner, vec![]), Edge::new(exit, vec![]));
                self.b.switch_to_block(inner);
                self.stmts(body);
                if !self.b.is_unreachable() {
                    self.b.jump(head, &[]);
                }
                self.b.switch_to_block(exit);
            }
            Stmt::If(c, then, other) => {
                let (t, e, join) = (
                    self.b.create_block("then"),
                    self.b.create_block("else"),
                    self.b.create_block("join"),
                );
                let c = self.cond(c);
                self.b.brif(c, Edge::new(t, vec![]), Edge::new(e, vec![]));
                for (block, body) in [(t, then), (e, other)] {
                    self.b.switch_to_block(block);
                    self.stmts(body);
                    if !self.b.is_unreachable() {
                        self.b.jump(join, &[]);
                    }
                }
                self.b.switch_to_block(join);
            }
        }
    }
}

fn int(n: i64) -> Box<Expr> {
    Box::new(Expr::Int(n))
}

fn local(i: usize) -> Box<Expr> {
    Box::new(Expr::Local(i))
}

fn bin(op: BinaryOp, a: Box<Expr>, b: Box<Expr>) -> Box<Expr> {
    Box::new(Expr::Bin(op, a, b))
}

#[test]
fn a_small_frontend_compiles_loops_calls_recursion_and_a_stack_array() {
    use BinaryOp::*;
    // fn main(n) {                         // exported; calls `square` and `fact`,
    //   i = 0; acc = 0;                    // both defined after it
    //   while i < n { a[i] = square(i); i = i + 1 }
    //   i = 0;
    //   while i < n { acc = acc + a[i]; i = i + 1 }
    //   if acc < 0 { return 0 - 1 } else { }
    //   return acc * 1000 + fact(n)
    //   acc = 7                            // dead code after the return
    // }
    // fn square(x) { return x * x }        // internal
    // fn fact(n) { if n < 2 { return 1 } else { return n * fact(n - 1) } }
    let main = SourceFn {
        name: "main",
        params: 1,
        locals: 2,
        array: 16,
        exported: true,
        body: vec![
            Stmt::Assign(1, Expr::Int(0)),
            Stmt::Assign(2, Expr::Int(0)),
            Stmt::While(
                Expr::Less(local(1), local(0)),
                vec![
                    Stmt::Store(Expr::Local(1), Expr::Call(1, vec![Expr::Local(1)])),
                    Stmt::Assign(1, *bin(Add, local(1), int(1))),
                ],
            ),
            Stmt::Assign(1, Expr::Int(0)),
            Stmt::While(
                Expr::Less(local(1), local(0)),
                vec![
                    Stmt::Assign(2, *bin(Add, local(2), Box::new(Expr::Index(local(1))))),
                    Stmt::Assign(1, *bin(Add, local(1), int(1))),
                ],
            ),
            Stmt::If(
                Expr::Less(local(2), int(0)),
                vec![Stmt::Return(*bin(Sub, int(0), int(1)))],
                vec![],
            ),
            Stmt::Return(*bin(
                Add,
                bin(Mul, local(2), int(1000)),
                Box::new(Expr::Call(2, vec![Expr::Local(0)])),
            )),
            Stmt::Assign(2, Expr::Int(7)),
        ],
    };
    let square = SourceFn {
        name: "square",
        params: 1,
        locals: 0,
        array: 0,
        exported: false,
        body: vec![Stmt::Return(*bin(Mul, local(0), local(0)))],
    };
    let fact = SourceFn {
        name: "fact",
        params: 1,
        locals: 0,
        array: 0,
        exported: true,
        body: vec![Stmt::If(
            Expr::Less(local(0), int(2)),
            vec![Stmt::Return(Expr::Int(1))],
            vec![Stmt::Return(*bin(
                Mul,
                local(0),
                Box::new(Expr::Call(2, vec![*bin(Sub, local(0), int(1))])),
            ))],
        )],
    };
    let mut ctx = Context::new(Target::Wasm64);
    let ids = lower(&mut ctx, &[main, square, fact]);
    assert!(ctx.errors().is_empty(), "{:?}", ctx.errors());
    // `square` is internal: not exported.
    assert_eq!(ctx.module().func(ids[1]).linkage, Linkage::Private);
    for (n, sum_sq, fact) in [
        (0i64, 0i64, 1i64),
        (1, 0, 1),
        (5, 30, 120),
        (10, 285, 3_628_800),
    ] {
        let got = run(&ctx, ids[0], "main", &[Value::I64(n)]);
        assert_eq!(got, [Value::I64(sum_sq * 1000 + fact)], "main({n})");
    }
    assert_eq!(
        run(&ctx, ids[2], "fact", &[Value::I64(12)]),
        [Value::I64(479_001_600)]
    );
}

// ---------------------------------------------------------------- left to the verifier, named

/// The report of compiling `ctx`, which must fail.
fn report(ctx: &Context, func: FuncId) -> String {
    assert!(ctx.errors().is_empty(), "{:?}", ctx.errors());
    WasmBackend::new().compile(ctx, &func).unwrap_err().report()
}

#[test]
fn a_call_built_before_the_callee_has_its_signature_is_named() {
    // With `create_function`, the signature grows as the builder adds to
    // it; a call built before then takes the signature as it was.
    let mut ctx = Context::new(Target::Wasm64);
    let main = ctx.create_function("main");
    let g = ctx.create_function("g");
    {
        let mut b = ctx.builder(main);
        b.result(Type::I32);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        let results = b.call(g, &[]);
        assert!(results.is_empty(), "`g` has no results yet");
        let zero = b.iconst(Type::I32, 0);
        b.ret(&[zero]);
    }
    {
        let mut b = ctx.builder(g);
        b.result(Type::I32);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        let one = b.iconst(Type::I32, 1);
        b.ret(&[one]);
    }
    assert_eq!(
        report(&ctx, main),
        "error: wrong number of results: `call @g` defines 1, found 0\n  --> in function \
         `@main`, block `entry`, instruction 0 `call @g`"
    );
}

#[test]
fn branches_and_dominance_of_built_ir_are_named() {
    let mut ctx = Context::new(Target::Wasm64);
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        let x = b.param("x", Type::I32);
        b.result(Type::I32);
        let entry = b.create_block("entry");
        let then = b.create_block("then");
        let join = b.create_block("join");
        let j = b.block_param(join, "j", Type::I32);
        b.switch_to_block(entry);
        b.brif(x, Edge::new(then, vec![]), Edge::new(join, vec![]));
        b.switch_to_block(then);
        let t = b.iconst(Type::I32, 1);
        b.jump(join, &[t]);
        b.switch_to_block(join);
        let s = b.add(t, j);
        b.ret(&[s]);
    }
    assert_eq!(
        report(&ctx, f),
        "error: wrong number of block arguments: `join` takes 1, found 0\n  --> in function \
         `@f`, block `entry`, its terminator\n\
         error: value %v2 is used where its definition does not dominate\n  --> %v2 is defined \
         in function `@f`, block `then`, instruction 0 `i32.const`\n  --> in function `@f`, \
         block `join`, instruction 0 `i32.add`"
    );
}

// ----------------------------------------------------------------- locations

/// `f() -> i32 { return 1 }` with the location `location` set before its
/// instructions; the context's errors.
fn located(location: Option<Location>, files: &[&str]) -> (Context, FuncId) {
    let mut ctx = Context::new(Target::Wasm64);
    for file in files {
        ctx.module_mut().add_debug_file(file);
    }
    let f = ctx.create_function("f");
    {
        let mut b = ctx.builder(f);
        b.result(Type::I32);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        b.set_location(location);
        let one = b.iconst(Type::I32, 1);
        b.ret(&[one]);
    }
    (ctx, f)
}

#[test]
fn a_location_in_an_unregistered_file_or_at_line_0_is_an_error() {
    let at = |file, line, col| {
        Some(Location {
            file: DebugFileId(file),
            line,
            col,
        })
    };
    let (ctx, f) = located(at(1, 3, 4), &["demo.vt"]);
    let (e, text) = one_error(&ctx, f);
    assert!(matches!(e, BuildError::BadLocation { .. }), "{e:?}");
    assert_eq!(
        text,
        "in function `@f`, block `entry`: location file#1:3:4: no debug file with id 1 in this \
         module (it has 1)"
    );
    let (ctx, f) = located(at(0, 0, 4), &["demo.vt"]);
    let (_, text) = one_error(&ctx, f);
    assert!(
        text.ends_with("location file#0:0:4: lines and columns count from 1"),
        "{text}"
    );
    // The same file twice is one file; a good location compiles.
    let (mut ctx, f) = located(at(0, 3, 4), &["demo.vt", "demo.vt"]);
    assert_eq!(ctx.module().debug_files.len(), 1);
    assert_eq!(ctx.module_mut().add_debug_file("other.vt"), DebugFileId(1));
    assert_eq!(run(&ctx, f, "f", &[]), vec![Value::I32(1)]);
}

#[test]
fn locations_the_module_cannot_name_are_verifier_errors_not_panics() {
    let at = |line| {
        Some(Location {
            file: DebugFileId(0),
            line,
            col: 1,
        })
    };
    // A file name that cannot be one `;;@` line.
    let (ctx, f) = located(at(2), &["a\nb.vt"]);
    let message = ctx.verify().expect_err("refused").report();
    assert!(
        message.contains("debug file 0 (\"a\\nb.vt\") has a control"),
        "{message}"
    );
    assert!(WasmBackend::new().compile(&ctx, &f).is_err());
    // Ids written by hand, past the tables.
    let (mut ctx, f) = located(at(2), &["demo.vt"]);
    let module = ctx.module_mut();
    let bad = module.intern_location(Location {
        file: DebugFileId(9),
        line: 1,
        col: 1,
    });
    module.funcs[f.index()].blocks[0].term_loc = bad;
    let inst = &mut module.funcs[f.index()].blocks[0].insts[0];
    inst.loc = LocId::from_index(77);
    let message = ctx.verify().expect_err("refused").report();
    assert!(
        message.contains("names debug file 9, which does not exist"),
        "{message}"
    );
    assert!(
        message.contains(
            "function `@f`, block `entry`, instruction 0: location 77 is out of range \
             (the module has 2 locations)"
        ),
        "{message}"
    );
}
