//! The `.vir` text format: parsing and printing round-trip to a fixed point,
//! literals are range-checked at their edges, and no input makes the parser
//! panic.

mod common;

use std::collections::BTreeSet;
use vitte_codegen_wasm64::ir::{
    BinaryOp, CmpOp, Const, ConvOp, DataId, DataItem, DataScalar, Edge, Function, FunctionBuilder,
    Global, GlobalInit, Linkage, MemAccess, Module, Op, Signature, Terminator, Type, UnaryOp,
};
use vitte_codegen_wasm64::text::parse_str;
use vitte_codegen_wasm64::text::print_module;

/// One test per function below, and one per file under `tests/cases` and
/// `examples` (libtest-mimic: `cargo test --release -p vitte-wat --test
/// ir_text fib` runs the files whose path holds `fib`).
fn main() {
    let root = common::root();
    let mut trials = vec![
        common::test_fn("coverage_module_round_trips", coverage_module_round_trips),
        common::test_fn(
            "coverage_module_uses_every_construct",
            coverage_module_uses_every_construct,
        ),
        common::test_fn(
            "every_mnemonic_round_trips_exactly",
            every_mnemonic_round_trips_exactly,
        ),
        common::test_fn(
            "builder_module_prints_to_text_that_parses_back",
            builder_module_prints_to_text_that_parses_back,
        ),
        common::test_fn(
            "half_built_functions_print_their_signature",
            half_built_functions_print_their_signature,
        ),
        common::test_fn(
            "examples_in_the_reference_round_trip",
            examples_in_the_reference_round_trip,
        ),
        common::test_fn(
            "builder_example_of_the_reference_prints_as_documented",
            builder_example_of_the_reference_prints_as_documented,
        ),
        common::test_fn(
            "documented_spellings_are_accepted",
            documented_spellings_are_accepted,
        ),
        common::test_fn(
            "empty_and_comment_only_files_are_empty_modules",
            empty_and_comment_only_files_are_empty_modules,
        ),
        common::test_fn("spans_and_source_are_filled", spans_and_source_are_filled),
        common::test_fn(
            "values_may_be_used_before_their_definition",
            values_may_be_used_before_their_definition,
        ),
        common::test_fn(
            "result_types_come_from_the_operator",
            result_types_come_from_the_operator,
        ),
        common::test_fn(
            "errors_carry_the_file_and_a_location",
            errors_carry_the_file_and_a_location,
        ),
        common::test_fn(
            "integer_literals_at_the_edges_of_their_range",
            integer_literals_at_the_edges_of_their_range,
        ),
        common::test_fn(
            "float_literals_keep_their_bits",
            float_literals_keep_their_bits,
        ),
        common::test_fn(
            "floats_print_in_their_shortest_exact_form",
            floats_print_in_their_shortest_exact_form,
        ),
        common::test_fn(
            "data_scalars_at_the_edges_of_their_range",
            data_scalars_at_the_edges_of_their_range,
        ),
        common::test_fn("string_escapes_read_as_bytes", string_escapes_read_as_bytes),
        common::test_fn("strings_print_escaped", strings_print_escaped),
        common::test_fn(
            "import_names_are_escaped_utf8",
            import_names_are_escaped_utf8,
        ),
        common::test_fn(
            "mutated_modules_parse_or_fail_without_panicking",
            mutated_modules_parse_or_fail_without_panicking,
        ),
        common::test_fn(
            "random_bytes_are_rejected_without_panicking",
            random_bytes_are_rejected_without_panicking,
        ),
        common::test_fn(
            "huge_functions_parse_without_recursion",
            huge_functions_parse_without_recursion,
        ),
    ];
    for dir in ["tests/cases", "examples"] {
        let files = common::files_with_extension(&root.join(dir), "vir");
        trials.extend(common::file_trials(&files, |path| {
            let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            round_trip(&common::relative(path), &text);
            Ok(())
        }));
    }
    common::run_trials(trials)
}

/// The hand-written coverage module: every construct of the format and every
/// instruction family, with comments, in non-canonical spellings (hex,
/// escapes, `-> ()`, default alignments) that the printer normalises.
const COVERAGE: &str = r#";; A module that uses every construct of the text format.
memory shared                         ; threads: a shared memory
; Globals: every kind of initialiser.
global @counter: i64 = 0              ; immutable
global mut @sp: ptr = 1024
global @neg: i32 = -2147483648
global @big: i32 = 0xffffffff
global @half: f32 = 0.5
global @third: f64 = 0.3333333333333333
global @qnan: f64 = -nan:0x1234
global @msgp: ptr = @msg + 2
global @msg0: ptr = @msg
global @fibp: ptr = @fib

data @msg = "hello\n\00\"quoted\" \\ \t \'x\' \7f é"
data @tbl align 8 = i64 1, i32 2, i16 3, i8 4, f32 1.5, f64 -0.0, zero 8, ptr @msg, ptr @msg + 4, ptr @fib, ptr 13, "xyz"
data @edges align 16 = i8 -128, i8 255, i16 -32768, i16 65535, i32 -1, i64 -9223372036854775808, i64 0xffffffffffffffff
data @empty =

extern fn @print(i32, ptr) -> i32 from "env" "print"
extern fn @abort() from "env" "abort"
extern fn @pair(i64) -> (i32, f64) from "host" "pair"

pub fn @fib(%n: i32) -> i32 {
entry:
  %zero = i32.const 0
  %one = i32.const 1
  jump loop(%n, %zero, %one)
loop(%i: i32, %a: i32, %b: i32):
  %done = i32.eqz %i
  brif %done, exit(%a), body
body:
  %next = i32.add %a, %b
  %i1 = i32.sub %i, %one
  jump loop(%i1, %b, %next)
exit(%r: i32):
  return %r
}

fn @divmod(%a: i32, %b: i32) -> (i32, i32) {
entry:
  %q = i32.div_s %a, %b
  %r = i32.rem_s %a, %b
  return %q, %r
}

fn @nothing() -> () {
entry:
  return
}

fn @everything(%x: i32, %y: i64, %f: f32, %d: f64, %p: ptr) -> f64 {
  var $acc: i64
  var $flag: i32
  slot $buf: 16 align 8
  slot $small: 3
entry:
  ; constants
  %c1 = i32.const -1
  %c2 = i64.const 0x7fffffffffffffff
  %c3 = f32.const inf
  %c4 = f64.const -inf
  %c5 = f64.const nan
  %c6 = ptr.const 18446744073709551615
  %c7 = f32.const 1e-45
  %c8 = f64.const 1e300
  ; unary
  %u1 = i32.clz %x
  %u2 = i64.ctz %y
  %u3 = ptr.popcnt %p
  %u4 = i64.eqz %y
  %u5 = f32.abs %f
  %u6 = f64.neg %d
  %u7 = f64.sqrt %d
  %u8 = f32.ceil %f
  %u9 = f32.floor %f
  %u10 = f64.trunc %d
  %u11 = f64.nearest %d
  ; binary
  %b1 = i32.mul %x, %x
  %b2 = i64.div_u %y, %y
  %b3 = i32.rem_u %x, %x
  %b4 = i32.and %x, %x
  %b5 = i32.or %x, %x
  %b6 = i64.xor %y, %y
  %b7 = i32.shl %x, %x
  %b8 = i32.shr_s %x, %x
  %b9 = i32.shr_u %x, %x
  %b10 = i64.rotl %y, %y
  %b11 = i64.rotr %y, %y
  %b12 = f64.div %d, %d
  %b13 = f32.min %f, %f
  %b14 = f32.max %f, %f
  %b15 = f64.copysign %d, %d
  %b16 = ptr.add %p, %p
  ; comparisons
  %k1 = i32.eq %x, %x
  %k2 = i64.ne %y, %y
  %k3 = i32.lt_s %x, %x
  %k4 = ptr.lt_u %p, %p
  %k5 = i32.gt_s %x, %x
  %k6 = i32.gt_u %x, %x
  %k7 = i64.le_s %y, %y
  %k8 = i64.le_u %y, %y
  %k9 = i32.ge_s %x, %x
  %k10 = i32.ge_u %x, %x
  %k11 = f64.lt %d, %d
  %k12 = f32.gt %f, %f
  %k13 = f64.le %d, %d
  %k14 = f64.ge %d, %d
  ; conversions
  %v1 = i32.wrap_i64 %y
  %v2 = i64.extend_i32_s %x
  %v3 = i64.extend_i32_u %x
  %v4 = ptr.extend_i32_u %x
  %v5 = ptr.wrap_i64 %y
  %v6 = i32.wrap_ptr %p
  %v7 = i64.extend_ptr_u %p
  %v8 = i32.extend8_s %x
  %v9 = i64.extend32_s %y
  %v10 = i32.trunc_f32_s %f
  %v11 = i64.trunc_f64_u %d
  %v12 = i32.trunc_sat_f64_u %d
  %v13 = f64.convert_i64_s %y
  %v14 = f32.convert_i32_u %x
  %v15 = f32.demote_f64 %d
  %v16 = f64.promote_f32 %f
  %v17 = i32.reinterpret_f32 %f
  %v18 = f64.reinterpret_i64 %y
  ; select
  %s1 = f64.select %x, %d, %d
  ; memory
  %addr = slot.addr $buf
  %m1 = i32.load %addr
  %m2 = i64.load8_s %addr offset=1
  %m3 = i64.load32_u %addr offset=0x10
  %m4 = ptr.load %addr
  %m5 = f64.load %addr offset=8
  i32.store %addr, %x
  i64.store32 %addr, %y offset=4
  i32.store8 %addr, %x offset=1
  ptr.store %addr, %p
  f32.store %addr, %f
  ; atomics
  %a1 = i32.atomic.load %addr
  %a2 = i64.atomic.load16_u %addr offset=2
  ptr.atomic.store %addr, %p
  i64.atomic.store8 %addr, %y offset=3
  %a3 = i32.atomic.rmw.add %addr, %x
  %a4 = i64.atomic.rmw32.xchg_u %addr, %y offset=4
  %a5 = ptr.atomic.rmw.sub %addr, %p
  %a6 = i32.atomic.rmw8.cmpxchg_u %addr, %x, %x offset=1
  %a7 = memory.atomic.wait64 %addr, %y, %y
  %a8 = memory.atomic.notify %addr, %x offset=8
  atomic.fence
  %msg = data.addr @msg
  %fp = func.addr @fib
  %pages = memory.size
  %old = memory.grow %pages
  %mark = stack.save
  %vla = stack.alloc %pages
  stack.restore %mark
  memory.copy %addr, %msg, %pages
  memory.fill %addr, %x, %pages
  ; calls
  %r1 = call @fib(%x)
  %q, %r = call @divmod(%x, %x)
  call @nothing()
  call @abort()
  %r2 = call_indirect %fp(%x) : (i32) -> i32
  call_indirect %fp() : ()
  %r3, %r4 = call_indirect %fp(%y) : (i64) -> (i32, f64)
  ; globals and variables
  %g = global.get @sp
  global.set @sp, %g
  var.set $acc, %y
  %acc = var.get $acc
  switch %x, [one, two(%d), entry2], other(%d)
one:
  unreachable
two(%t: f64):
  return %t
entry2:
  jump two(%d)
other(%o: f64):
  brif %x, two(%o), two(%later)
late:
  %later = f64.const 2.5
  jump two(%later)
}

; A general switch: sparse, negative and 64-bit case values.
fn @cases(%k: i64) -> i32 {
entry:
  switch %k, [-3: a, 0x10: b(%k), 4294967296: a], c
a:
  %one = i32.const 1
  return %one
b(%bk: i64):
  %two = i32.wrap_i64 %bk
  return %two
c:
  %three = i32.const 3
  return %three
}

fn @noterm() {
entry:
  %x = i32.const 1
}
"#;

/// Parses, prints, parses the printed text and prints again: the two
/// printed texts must be equal. Returns the canonical text.
fn round_trip(name: &str, text: &str) -> String {
    let module = parse_str(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let printed = print_module(&module);
    let again = parse_str(&format!("{name} (printed)"), &printed)
        .unwrap_or_else(|e| panic!("{name}: the printed text does not parse: {e}\n{printed}"));
    let reprinted = print_module(&again);
    assert!(
        reprinted == printed,
        "{name}: printing is not a fixed point:\n{}",
        common::line_diff(&printed, &reprinted)
    );
    printed
}

fn parse_ok(text: &str) -> Module {
    parse_str("test.vir", text).unwrap_or_else(|e| panic!("{e}"))
}

fn parse_err(text: &str) -> String {
    match parse_str("test.vir", text) {
        Ok(_) => panic!("accepted, but an error was expected:\n{text}"),
        Err(e) => e.message,
    }
}

// ------------------------------------------------------------ round trips

fn coverage_module_round_trips() {
    let printed = round_trip("coverage", COVERAGE);
    // The canonical text of canonical text is itself.
    assert_eq!(round_trip("coverage (canonical)", &printed), printed);
}

fn op_kind(op: &Op) -> &'static str {
    match op {
        Op::Const(_) => "const",
        Op::Unary(..) => "unary",
        Op::Binary(..) => "binary",
        Op::Compare(..) => "compare",
        Op::Convert(..) => "convert",
        Op::Select { .. } => "select",
        Op::Load { .. } => "load",
        Op::Store { .. } => "store",
        Op::SlotAddr(_) => "slot.addr",
        Op::DataAddr(_) => "data.addr",
        Op::FuncAddr(_) => "func.addr",
        Op::MemorySize(_) => "memory.size",
        Op::MemoryGrow(..) => "memory.grow",
        Op::StackAlloc(_) => "stack.alloc",
        Op::StackSave => "stack.save",
        Op::StackRestore(_) => "stack.restore",
        Op::MemoryCopy { .. } => "memory.copy",
        Op::MemoryFill { .. } => "memory.fill",
        Op::Atomic { .. } => "atomic",
        Op::AtomicFence => "atomic.fence",
        Op::Call { .. } => "call",
        Op::CallIndirect { .. } => "call_indirect",
        Op::GlobalGet(_) => "global.get",
        Op::GlobalSet(..) => "global.set",
        Op::VarGet(_) => "var.get",
        Op::VarSet(..) => "var.set",
    }
}

fn term_kind(term: &Terminator) -> &'static str {
    match term {
        Terminator::Jump(_) => "jump",
        Terminator::BrIf { .. } => "brif",
        Terminator::Switch { .. } => "switch",
        Terminator::Cases { .. } => "switch cases",
        Terminator::Return(_) => "return",
        Terminator::Unreachable => "unreachable",
    }
}

fn item_kind(item: &DataItem) -> &'static str {
    match item {
        DataItem::Bytes(_) => "bytes",
        DataItem::Scalar(DataScalar::I8(_)) => "i8",
        DataItem::Scalar(DataScalar::I16(_)) => "i16",
        DataItem::Scalar(DataScalar::I32(_)) => "i32",
        DataItem::Scalar(DataScalar::I64(_)) => "i64",
        DataItem::Scalar(DataScalar::F32(_)) => "f32",
        DataItem::Scalar(DataScalar::F64(_)) => "f64",
        DataItem::Zero(_) => "zero",
        DataItem::DataAddr(..) => "ptr @data",
        DataItem::FuncAddr(_) => "ptr @func",
        DataItem::Ptr(_) => "ptr N",
    }
}

fn coverage_module_uses_every_construct() {
    let module = parse_ok(COVERAGE);
    let mut seen = BTreeSet::new();
    for func in &module.funcs {
        seen.insert(match func.linkage {
            Linkage::Public => "pub fn",
            Linkage::Private => "fn",
            Linkage::Import { .. } => "extern fn",
        });
        for block in &func.blocks {
            seen.extend(block.insts.iter().map(|i| op_kind(&i.op)));
            seen.extend(block.term.iter().map(term_kind));
            if block.term.is_none() {
                seen.insert("no terminator");
            }
        }
        if !func.vars.is_empty() && !func.slots.is_empty() {
            seen.insert("locals");
        }
    }
    for global in &module.globals {
        seen.insert(match global.init {
            GlobalInit::Const(_) => "global literal",
            GlobalInit::DataAddr(..) => "global @data",
            GlobalInit::FuncAddr(_) => "global @func",
        });
    }
    for data in &module.data {
        seen.extend(data.items.iter().map(item_kind));
    }
    if module.shared_memory {
        seen.insert("memory shared");
    }
    let expected = [
        "atomic",
        "atomic.fence",
        "binary",
        "brif",
        "bytes",
        "call",
        "call_indirect",
        "compare",
        "const",
        "convert",
        "data.addr",
        "extern fn",
        "f32",
        "f64",
        "fn",
        "func.addr",
        "global @data",
        "global @func",
        "global literal",
        "global.get",
        "global.set",
        "i16",
        "i32",
        "i64",
        "ptr N",
        "i8",
        "jump",
        "load",
        "locals",
        "memory.copy",
        "memory.fill",
        "memory.grow",
        "memory.size",
        "memory shared",
        "no terminator",
        "ptr @data",
        "ptr @func",
        "pub fn",
        "return",
        "select",
        "slot.addr",
        "stack.alloc",
        "stack.restore",
        "stack.save",
        "store",
        "switch",
        "switch cases",
        "unary",
        "unreachable",
        "var.get",
        "var.set",
        "zero",
    ];
    let missing: Vec<_> = expected.iter().filter(|k| !seen.contains(*k)).collect();
    assert!(missing.is_empty(), "the coverage module lacks {missing:?}");
}

/// Every mnemonic of the opcode tables, written in canonical form, prints
/// back exactly as written.
fn every_mnemonic_round_trips_exactly() {
    let mut lines = Vec::new();
    let mut n = 0;
    let mut def = |text: String| {
        n += 1;
        lines.push(format!("  %r{n} = {text}"));
    };
    for ty in Type::ALL {
        for op in UnaryOp::ALL.iter().filter(|op| op.accepts(ty)) {
            def(format!("{ty}.{} %{ty}", op.name()));
        }
        for op in BinaryOp::ALL.iter().filter(|op| op.accepts(ty)) {
            def(format!("{ty}.{} %{ty}, %{ty}", op.name()));
        }
        for op in CmpOp::ALL.iter().filter(|op| op.accepts(ty)) {
            def(format!("{ty}.{} %{ty}, %{ty}", op.name()));
        }
        def(format!("{ty}.select %i32, %{ty}, %{ty}"));
    }
    for conv in ConvOp::all() {
        def(format!("{} %{}", conv.mnemonic(), conv.from));
    }
    for access in MemAccess::loads() {
        def(format!("{} %ptr offset=8", access.load_mnemonic()));
    }
    for access in MemAccess::stores() {
        lines.push(format!(
            "  {} %ptr, %{}",
            access.store_mnemonic(),
            access.ty
        ));
    }
    let text = format!(
        "fn @all(%i32: i32, %i64: i64, %f32: f32, %f64: f64, %ptr: ptr) {{\nentry:\n{}\n  return\n}}\n",
        lines.join("\n")
    );
    assert_eq!(round_trip("all mnemonics", &text), text);
}

/// A module as a frontend builds it: names empty, clashing or invalid.
fn builder_module() -> Module {
    let mut module = Module::default();
    module.add_global(Global {
        name: "count".into(),
        ty: Type::I64,
        mutable: true,
        init: GlobalInit::Const(Const::I64(-5)),
        span: Default::default(),
    });
    let sig = Signature::default();
    let callee = module.add_function(Function::new("", sig.clone(), Linkage::Private));
    let main = module.add_function(Function::new("main", sig.clone(), Linkage::Public));
    module.add_function(Function::new("main", sig, Linkage::Private));
    let mut b = FunctionBuilder::new(&mut module, callee);
    b.result(Type::I32);
    let entry = b.create_block("");
    b.switch_to_block(entry);
    let one = b.iconst(Type::I32, 1);
    b.ret(&[one]);

    let mut b = FunctionBuilder::new(&mut module, main);
    let x = b.param("x", Type::I32);
    let y = b.param("x", Type::I32); // clashes with the first
    let z = b.param("v4", Type::F64); // clashes with a generated name
    b.param("a b", Type::I32); // not a valid name
    let var = b.var("", Type::I32);
    b.slot("", 4, 4);
    let entry = b.create_block("entry");
    let exit = b.create_block("entry");
    b.switch_to_block(entry);
    let sum = b.binary(BinaryOp::Add, Type::I32, x, y);
    let r = b.call(callee, &[]);
    b.var_set(var, sum);
    let half = b.f64const(0.5);
    b.binary(BinaryOp::Mul, Type::F64, z, half);
    let cond = b.compare(CmpOp::LtS, Type::I32, sum, r[0]);
    // Created in text order, so that parsing numbers the values alike.
    let p = b.block_param(exit, "", Type::I32);
    b.brif(
        cond,
        Edge::new(exit, vec![sum]),
        Edge::new(exit, vec![r[0]]),
    );
    b.switch_to_block(exit);
    let got = b.var_get(var);
    let _ = (p, got);
    b.ret(&[]);
    module
}

/// What text preserves of a module whose values are numbered in text order:
/// everything but spans and names.
fn shape(module: &Module) -> Vec<String> {
    let mut out = Vec::new();
    for func in &module.funcs {
        let blocks: Vec<_> = func
            .blocks
            .iter()
            .map(|b| {
                let insts: Vec<_> = b.insts.iter().map(|i| (&i.op, &i.results)).collect();
                (&b.params, insts, &b.term)
            })
            .collect();
        let values: Vec<_> = func.values.iter().map(|v| (v.ty, v.def)).collect();
        let vars: Vec<_> = func.vars.iter().map(|v| v.ty).collect();
        let slots: Vec<_> = func.slots.iter().map(|s| (s.size, s.align)).collect();
        out.push(format!(
            "{:?} {:?} {:?} {blocks:?} {values:?} {vars:?} {slots:?}",
            func.sig, func.linkage, func.params
        ));
    }
    for g in &module.globals {
        out.push(format!("{:?} {} {:?}", g.ty, g.mutable, g.init));
    }
    for d in &module.data {
        out.push(format!("{} {:?}", d.align, d.items));
    }
    out
}

fn builder_module_prints_to_text_that_parses_back() {
    let module = builder_module();
    let printed = round_trip("builder", &print_module(&module));
    let parsed = parse_ok(&printed);
    assert_eq!(shape(&parsed), shape(&module));
    // Clashing and invalid names were replaced, valid unique ones kept.
    assert!(
        printed.contains("pub fn @main(%x: i32, %v1: i32, %v4: f64, %v3: i32) {"),
        "{printed}"
    );
    assert!(printed.contains("fn @func0() -> i32 {"), "{printed}");
    assert!(printed.contains("fn @func2() {"), "{printed}");
    assert!(
        printed.contains("  var $var0: i32\n  slot $slot0: 4 align 4\n"),
        "{printed}"
    );
    assert!(
        printed.contains("entry:\n") && printed.contains("block1(%v"),
        "{printed}"
    );
    assert!(
        printed.contains("global mut @count: i64 = -5\n"),
        "{printed}"
    );
}

/// A function declared with a signature but no parameter values yet keeps
/// its signature in print.
fn half_built_functions_print_their_signature() {
    let mut module = Module::default();
    let sig = Signature {
        params: vec![Type::I32, Type::F64],
        results: vec![Type::I32],
    };
    module.add_function(Function::new("decl", sig.clone(), Linkage::Private));
    let printed = print_module(&module);
    assert_eq!(
        printed,
        "fn @decl(%param0: i32, %param1: f64) -> i32 {\n}\n"
    );
    assert_eq!(parse_ok(&printed).funcs[0].sig, sig);
}

/// Every complete module in the reference (a ```vir block) is valid text.
fn examples_in_the_reference_round_trip() {
    let path = common::root().join("docs/ir.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("docs/ir.md: {e}"));
    let mut blocks = 0;
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("```vir\n") {
        let body = &rest[start + 7..];
        let end = body
            .find("```")
            .unwrap_or_else(|| panic!("unclosed ```vir block"));
        blocks += 1;
        round_trip(&format!("docs/ir.md block {blocks}"), &body[..end]);
        rest = &body[end + 3..];
    }
    assert!(blocks >= 2, "docs/ir.md has no ```vir examples");
}

/// The builder example of `docs/ir.md`, which shows this exact output.
fn builder_example_of_the_reference_prints_as_documented() {
    let mut module = Module::default();
    let count = module.add_function(Function::new(
        "count",
        Signature::default(),
        Linkage::Public,
    ));
    let mut b = FunctionBuilder::new(&mut module, count);
    let n = b.param("n", Type::I32);
    b.result(Type::I32);
    let entry = b.create_block("entry");
    let head = b.create_block("head");
    let i = b.block_param(head, "i", Type::I32);
    let exit = b.create_block("exit");
    b.switch_to_block(entry);
    let zero = b.iconst(Type::I32, 0);
    b.jump(head, &[zero]);
    b.switch_to_block(head);
    let one = b.iconst(Type::I32, 1);
    let next = b.binary(BinaryOp::Add, Type::I32, i, one);
    let done = b.compare(CmpOp::GeS, Type::I32, next, n);
    b.brif(done, Edge::new(exit, vec![]), Edge::new(head, vec![next]));
    b.switch_to_block(exit);
    b.ret(&[n]);
    let printed = print_module(&module);
    let doc = std::fs::read_to_string(common::root().join("docs/ir.md")).unwrap_or_default();
    assert!(
        doc.contains(&format!("prints\n\n```vir\n{printed}```")),
        "docs/ir.md does not show:\n{printed}"
    );
}

/// Spellings the reference promises, beyond the canonical ones.
fn documented_spellings_are_accepted() {
    let text = "fn @f(%a:i32)->() {\r\n  var $x:i32 ; a comment\r\nreturn:\r  %b=i32.add %a,%a\n  %c = f64.const 1.\n  %d = f32.const -3\n  jump return\n}";
    let module = parse_ok(text);
    let func = &module.funcs[0];
    assert_eq!(func.blocks[0].name, "return");
    assert!(func.sig.results.is_empty());
    assert_eq!(
        func.blocks[0].term,
        Some(Terminator::Jump(Edge::new(func.entry(), vec![])))
    );
    round_trip("spellings", text);
    // Keywords are labels where a label is expected.
    round_trip(
        "keyword labels",
        "fn @f() {\nentry:\n  jump call\ncall:\n  jump var\nvar:\n  return\n}\n",
    );
}

// ------------------------------------------------------------ the module

fn empty_and_comment_only_files_are_empty_modules() {
    for text in ["", "\n\n", "; nothing\n;; at all", "  \t\r\n"] {
        let module = parse_ok(text);
        assert!(module.globals.is_empty() && module.data.is_empty() && module.funcs.is_empty());
        assert_eq!(print_module(&module), "");
    }
}

fn spans_and_source_are_filled() {
    let text = "global @g: i32 = 1\ndata @d = \"x\"\npub fn @f(%a: i32) -> i32 {\n  var $v: i32\nentry:\n  %b = i32.add %a, %a\n  return %b\n}\n";
    let module = parse_ok(text);
    let at = |span: vitte_codegen_wasm64::diag::Span| &text[span.start as usize..span.end as usize];
    assert_eq!(module.source.as_ref().map(|s| s.text.as_str()), Some(text));
    assert_eq!(at(module.globals[0].span), "global @g: i32 = 1");
    assert_eq!(at(module.data[0].span), "data @d = \"x\"");
    let func = &module.funcs[0];
    assert_eq!(at(func.span), "pub fn @f(%a: i32) -> i32");
    assert_eq!(at(func.vars[0].span), "var $v: i32");
    assert_eq!(at(func.values[0].span), "%a");
    assert_eq!(at(func.values[1].span), "%b");
    let block = &func.blocks[0];
    assert_eq!(at(block.span), "entry:");
    assert_eq!(at(block.insts[0].span), "%b = i32.add %a, %a");
    assert_eq!(at(block.term_span), "return %b");
}

fn values_may_be_used_before_their_definition() {
    let module = parse_ok(
        "fn @f() -> i32 {\nentry:\n  jump b\na:\n  return %x\nb:\n  %x = i32.const 7\n  jump a\n}\n",
    );
    let func = &module.funcs[0];
    let x = func.value_id(0);
    assert_eq!(func.blocks[1].term, Some(Terminator::Return(vec![x])));
    assert_eq!(func.value(x).ty, Type::I32);
}

fn result_types_come_from_the_operator() {
    let module = parse_ok(
        "global @g: f32 = 0.0\nextern fn @h() -> (i64, f64) from \"m\" \"h\"\nfn @f(%p: ptr) {\n  var $v: i64\nentry:\n  %a = global.get @g\n  %b, %c = call @h()\n  %d = var.get $v\n  %e = f64.lt %c, %c\n  %f = memory.size\n  %g = i64.load32_u %p\n  return\n}\n",
    );
    let types: Vec<Type> = module.funcs[1].values.iter().map(|v| v.ty).collect();
    use Type::*;
    assert_eq!(types, [Ptr, F32, I64, F64, I64, I32, Ptr, I64]);
}

fn errors_carry_the_file_and_a_location() {
    let err = parse_str("t.vir", "fn @f() {\nentry:\n  %x = i32.frob 1\n}\n").unwrap_err();
    assert_eq!(err.message, "unknown instruction `i32.frob`");
    assert_eq!(err.location().as_deref(), Some("t.vir:3:8"));
}

// -------------------------------------------------------------- literals

fn constant(ty: &str, literal: &str) -> Result<Const, String> {
    let text = format!("fn @f() {{\nentry:\n  %x = {ty}.const {literal}\n  return\n}}\n");
    let module = parse_str("t.vir", &text).map_err(|e| e.message)?;
    match &module.funcs[0].blocks[0].insts[0].op {
        Op::Const(c) => Ok(*c),
        other => panic!("not a constant: {other:?}"),
    }
}

fn integer_literals_at_the_edges_of_their_range() {
    assert_eq!(constant("i32", "-2147483648"), Ok(Const::I32(i32::MIN)));
    assert_eq!(constant("i32", "4294967295"), Ok(Const::I32(-1)));
    assert_eq!(constant("i32", "0xffffffff"), Ok(Const::I32(-1)));
    assert_eq!(constant("i32", "-0x80000000"), Ok(Const::I32(i32::MIN)));
    assert!(
        constant("i32", "4294967296")
            .unwrap_err()
            .contains("out of range for i32")
    );
    assert!(constant("i32", "-2147483649").is_err());
    assert!(constant("i32", "0x100000000").is_err());
    assert_eq!(
        constant("i64", "-9223372036854775808"),
        Ok(Const::I64(i64::MIN))
    );
    assert_eq!(constant("i64", "18446744073709551615"), Ok(Const::I64(-1)));
    assert!(constant("i64", "18446744073709551616").is_err());
    assert!(constant("i64", "-9223372036854775809").is_err());
    assert!(constant("i64", "99999999999999999999999999999").is_err());
    assert_eq!(constant("ptr", "0"), Ok(Const::Ptr(0)));
    assert_eq!(
        constant("ptr", "18446744073709551615"),
        Ok(Const::Ptr(u64::MAX))
    );
    assert_eq!(
        constant("ptr", "0xffffffffffffffff"),
        Ok(Const::Ptr(u64::MAX))
    );
    assert!(
        constant("ptr", "-1")
            .unwrap_err()
            .contains("out of range for ptr")
    );
    assert!(constant("ptr", "18446744073709551616").is_err());
    assert!(
        constant("i32", "1.0")
            .unwrap_err()
            .contains("expected an integer")
    );
    assert!(constant("i64", "nan").is_err());
}

fn float_literals_keep_their_bits() {
    let f64c = |text| constant("f64", text);
    let f32c = |text| constant("f32", text);
    assert_eq!(f64c("-0.0"), Ok(Const::F64(1 << 63)));
    assert_eq!(f64c("1e300"), Ok(Const::F64(1e300f64.to_bits())));
    assert_eq!(f64c("5e-324"), Ok(Const::F64(1)));
    assert_eq!(f64c("3"), Ok(Const::F64(3f64.to_bits())));
    assert_eq!(f64c("inf"), Ok(Const::F64(f64::INFINITY.to_bits())));
    assert_eq!(f64c("-inf"), Ok(Const::F64(f64::NEG_INFINITY.to_bits())));
    assert_eq!(f64c("nan"), Ok(Const::F64(0x7ff8_0000_0000_0000)));
    assert_eq!(f64c("-nan:0x1"), Ok(Const::F64(0xfff0_0000_0000_0001)));
    assert_eq!(
        f64c("nan:0xfffffffffffff"),
        Ok(Const::F64(0x7fff_ffff_ffff_ffff))
    );
    assert!(f64c("nan:0x10000000000000").is_err());
    assert!(f64c("nan:0x0").is_err());
    assert!(f64c("1e309").unwrap_err().contains("out of range for f64"));
    assert!(f64c("0x10").is_err());
    assert_eq!(f32c("1.5"), Ok(Const::F32(1.5f32.to_bits())));
    assert_eq!(f32c("3.4028235e38"), Ok(Const::F32(f32::MAX.to_bits())));
    assert!(f32c("3.5e38").is_err());
    assert_eq!(f32c("nan:0x7fffff"), Ok(Const::F32(0x7fff_ffff)));
    assert!(f32c("nan:0x800000").is_err());
    assert_eq!(f32c("-nan"), Ok(Const::F32(0xffc0_0000)));
}

fn floats_print_in_their_shortest_exact_form() {
    for (ty, literal) in [
        ("f64", "0.1"),
        ("f64", "-0.0"),
        ("f64", "1e300"),
        ("f64", "nan:0x1234"),
        ("f64", "-nan"),
        ("f32", "0.1"),
        ("f32", "1e-45"),
        ("f32", "-inf"),
    ] {
        let text = format!("fn @f() {{\nentry:\n  %x = {ty}.const {literal}\n  return\n}}\n");
        assert_eq!(round_trip(literal, &text), text);
    }
}

fn data_items(items: &str) -> Result<Vec<DataItem>, String> {
    let text = format!("data @d = {items}\nfn @f() {{\n}}\n");
    let mut module = parse_str("t.vir", &text).map_err(|e| e.message)?;
    Ok(module.data.remove(0).items)
}

fn data_scalars_at_the_edges_of_their_range() {
    use DataScalar::*;
    let items = data_items("i8 -128, i8 255, i16 -32768, i16 65535, i32 -1, i64 -1").unwrap();
    let expected = [
        I8(0x80),
        I8(0xff),
        I16(0x8000),
        I16(0xffff),
        I32(u32::MAX),
        I64(u64::MAX),
    ];
    assert_eq!(items, expected.map(DataItem::Scalar).to_vec());
    assert!(
        data_items("i8 256")
            .unwrap_err()
            .contains("out of range for i8")
    );
    assert!(data_items("i8 -129").is_err());
    assert!(data_items("i16 65536").is_err());
    assert!(data_items("zero -1").is_err());
    assert_eq!(data_items("zero 0x10"), Ok(vec![DataItem::Zero(16)]));
    assert_eq!(
        data_items("ptr @d + 18446744073709551615"),
        Ok(vec![DataItem::DataAddr(DataId(0), u64::MAX)])
    );
    assert!(data_items("ptr @f + 1").unwrap_err().contains("no offset"));
    assert!(data_items("f32 1").is_ok());
    assert!(data_items("i32 1.5").is_err());
}

fn string_escapes_read_as_bytes() {
    let items = data_items(r#""a\n\t\r\\\"\'\00\7f\FFé""#).unwrap();
    let mut expected = b"a\n\t\r\\\"'\x00\x7f\xff".to_vec();
    expected.extend("é".as_bytes());
    assert_eq!(items, vec![DataItem::Bytes(expected)]);
    assert!(
        data_items(r#""\q""#)
            .unwrap_err()
            .contains("invalid escape")
    );
    assert!(data_items(r#""\4""#).is_err());
    assert!(data_items(r#""\x41""#).is_err());
    assert_eq!(parse_err("data @d = \"abc\n"), "unterminated string");
    assert_eq!(parse_err("data @d = \"abc\\\"\n"), "unterminated string");
}

fn strings_print_escaped() {
    let text = "data @d = \"\\00\\01\\09\\n\\0d \\\" \\\\ ' ~\\7f\\80\\ff\\c3\\a9\"\n";
    assert_eq!(round_trip("escapes", text), text);
    let module = parse_ok("data @d = \"\\t\\r\\'é\"\n");
    assert_eq!(print_module(&module), "data @d = \"\\09\\0d'\\c3\\a9\"\n");
}

fn import_names_are_escaped_utf8() {
    let text = "extern fn @f() from \"env\\n\" \"\\c3\\a9\"\n";
    let module = parse_ok(text);
    assert_eq!(
        module.funcs[0].linkage,
        Linkage::Import {
            module: "env\n".into(),
            name: "é".into()
        }
    );
    assert_eq!(round_trip("import", text), text);
    assert!(parse_err("extern fn @f() from \"\\ff\" \"x\"\n").contains("UTF-8"));
}

// -------------------------------------------------------------- robustness

/// A small deterministic generator, so that failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The text with a few characters deleted, duplicated or replaced.
fn mutate(rng: &mut XorShift, text: &str) -> String {
    const ALPHABET: &[char] = &[
        '%', '@', '$', ':', ',', '(', ')', '{', '}', '[', ']', '=', '"', '\\', '\n', ' ', '-', '0',
        '9', 'x', 'e', '.', ';', '\0', 'é', '+',
    ];
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(chars.len());
        match rng.below(3) {
            0 if !chars.is_empty() => {
                chars.remove(at);
            }
            1 if !chars.is_empty() => chars.insert(at, chars[at]),
            _ => chars.insert(at, ALPHABET[rng.below(ALPHABET.len())]),
        }
    }
    chars.into_iter().collect()
}

fn mutated_modules_parse_or_fail_without_panicking() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    for i in 0..3000 {
        let text = mutate(&mut rng, COVERAGE);
        match parse_str("fuzz.vir", &text) {
            Ok(_) => {
                accepted += 1;
                round_trip(&format!("mutation {i}"), &text);
            }
            Err(e) => {
                let rendered = e.to_string();
                assert!(rendered.contains("--> fuzz.vir:"), "{rendered}");
            }
        }
    }
    assert!(accepted > 0 && accepted < 3000);
}

fn random_bytes_are_rejected_without_panicking() {
    let mut rng = XorShift(42);
    for len in [1, 2, 7, 100, 10_000] {
        for _ in 0..20 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse_str("random.vir", &text);
        }
    }
    let wasm = "\0asm\u{1}\0\0\0\u{1}\u{7}\u{1}`\u{2}\u{7f}\u{7f}\u{1}\u{7f}";
    assert!(parse_err(wasm).starts_with("expected a declaration"));
}

fn huge_functions_parse_without_recursion() {
    let mut text = String::from("pub fn @big(%a: i32) -> i32 {\nentry:\n  %v0 = i32.const 1\n");
    let lines = 100_000;
    for i in 1..lines {
        text.push_str(&format!("  %v{i} = i32.add %v{}, %a\n", i - 1));
    }
    text.push_str(&format!("  return %v{}\n}}\n", lines - 1));
    let module = parse_ok(&text);
    assert_eq!(module.funcs[0].blocks[0].insts.len(), lines);
    assert_eq!(print_module(&module), text);
    // A long line and many blocks are no deeper than short ones.
    let args = vec!["%a"; 50_000].join(", ");
    let mut text = format!("fn @g(%a: i32) {{\nentry:\n  call @g({args})\n  jump b0\n");
    for i in 0..20_000 {
        text.push_str(&format!("b{i}:\n  jump b{}\n", i + 1));
    }
    text.push_str("b20000:\n  return\n}\n");
    assert_eq!(parse_ok(&text).funcs[0].blocks.len(), 20_002);
}
