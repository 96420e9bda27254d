//! The WAT printer: exact text, assembly, validation, and bit-exact floats.

use vitte_codegen_wasm64::value::Value;
use vitte_codegen_wasm64::wat::*;
use vitte_codegen_wasm64::{emit, validate};
use vitte_runtime as runtime;
use wasmparser::{Operator, Parser, Payload};

use Instr::*;
use ValType::{F32, F64, I32, I64};

fn s(text: &str) -> String {
    text.to_string()
}

fn i32(op: IntBinOp) -> Instr {
    IntBinary {
        ty: IntType::I32,
        op,
    }
}

fn i64(op: IntBinOp) -> Instr {
    IntBinary {
        ty: IntType::I64,
        op,
    }
}

fn func_type(params: &[ValType], results: &[ValType]) -> FuncType {
    FuncType {
        params: params.to_vec(),
        results: results.to_vec(),
    }
}

fn type_def(id: &str, params: &[ValType], results: &[ValType]) -> TypeDef {
    TypeDef {
        id: s(id),
        ty: func_type(params, results),
    }
}

fn mem_arg(offset: u64, align: Option<Align>) -> MemArg {
    MemArg {
        memory: None,
        offset,
        align,
    }
}

fn load(kind: LoadKind, offset: u64, align: Option<Align>) -> Instr {
    Load {
        kind,
        memarg: mem_arg(offset, align),
    }
}

fn store(kind: StoreKind, offset: u64, align: Option<Align>) -> Instr {
    Store {
        kind,
        memarg: mem_arg(offset, align),
    }
}

fn block(label: &str, params: &[ValType], results: &[ValType], body: Vec<Instr>) -> Instr {
    Block {
        label: s(label),
        ty: BlockType {
            params: params.to_vec(),
            results: results.to_vec(),
        },
        body,
    }
}

fn fib() -> Func {
    Func {
        id: s("fib"),
        ty: TypeUse {
            type_id: Some(s("t0")),
            params: vec![(Some(s("n")), I32)],
            results: vec![I32],
        },
        locals: vec![
            Local {
                id: s("v3"),
                ty: I32,
            },
            Local {
                id: s("v4"),
                ty: I64,
            },
        ],
        body: vec![block(
            "done",
            &[],
            &[I32],
            vec![
                LocalGet(s("n")),
                LocalGet(s("n")),
                I32Const(2),
                IntCompare {
                    ty: IntType::I32,
                    op: IntCmpOp::LtS,
                },
                BrIf(s("done")),
                Drop,
                Comment(s("fib(n - 1) + fib(n - 2)")),
                LocalGet(s("n")),
                I32Const(1),
                i32(IntBinOp::Sub),
                Call(s("fib")),
                LocalGet(s("n")),
                I32Const(2),
                i32(IntBinOp::Sub),
                Call(s("fib")),
                i32(IntBinOp::Add),
            ],
        )],
        comment: Some(s("fn @fib (examples/fib.vir:3)")),
        def: None,
        vars: Vec::new(),
    }
}

/// Loads, stores, globals, bulk memory, `select` and `memory.*`.
fn misc_memory_part() -> Vec<Instr> {
    vec![
        LocalGet(s("p")),
        I64Const(i64::MIN),
        I32Const(1),
        Select,
        LocalSet(s("x")),
        LocalGet(s("p")),
        load(LoadKind::I64, 8, Some(Align::B4)),
        LocalGet(s("p")),
        load(LoadKind::I64_8S, 0, Some(Align::B1)),
        i64(IntBinOp::Add),
        LocalSet(s("x")),
        LocalGet(s("p")),
        LocalGet(s("x")),
        store(StoreKind::I64, 16, None),
        LocalGet(s("p")),
        LocalGet(s("x")),
        store(StoreKind::I64_32, 0, Some(Align::B2)),
        GlobalGet(s("__stack_pointer")),
        I64Const(16),
        i64(IntBinOp::Sub),
        GlobalSet(s("__stack_pointer")),
        I64Const(0),
        I64Const(16),
        I64Const(32),
        MemoryCopy { memories: None },
        I64Const(0),
        I32Const(0),
        I64Const(8),
        MemoryFill(None),
        MemorySize(None),
        MemoryGrow(None),
        Drop,
        Nop,
    ]
}

/// `if` with and without `else`, `br_table`, `call_indirect`, floats, a
/// block with parameters, `return` and `unreachable`.
fn misc_control_part() -> Vec<Instr> {
    vec![
        LocalGet(s("i")),
        If {
            label: s("pick"),
            ty: BlockType {
                params: vec![],
                results: vec![I64],
            },
            then_body: vec![LocalGet(s("x"))],
            else_body: vec![LocalGet(s("p"))],
        },
        Drop,
        LocalGet(s("i")),
        If {
            label: s("side"),
            ty: BlockType::default(),
            then_body: vec![F32Const(0x8000_0000), Drop],
            else_body: vec![],
        },
        block(
            "a",
            &[],
            &[],
            vec![
                block(
                    "b",
                    &[],
                    &[],
                    vec![
                        LocalGet(s("i")),
                        BrTable {
                            labels: vec![s("a"), s("b")],
                            default: s("a"),
                        },
                    ],
                ),
                I32Const(5),
                Call(s("print")),
            ],
        ),
        I32Const(4),
        I64Const(2),
        CallIndirect {
            table: s("table"),
            ty: TypeUse {
                type_id: Some(s("t1")),
                params: vec![(None, I32)],
                results: vec![],
            },
        },
        F64Const(0.1f64.to_bits()),
        F64Const(0x7ff0_0000_0000_0004),
        FloatBinary {
            ty: FloatType::F64,
            op: FloatBinOp::Max,
        },
        Drop,
        I32Const(1),
        I32Const(-2),
        block("pair", &[I32, I32], &[I32], vec![i32(IntBinOp::Add)]),
        Drop,
        LocalGet(s("x")),
        LocalGet(s("p")),
        Return,
        Unreachable,
    ]
}

fn misc() -> Func {
    let mut body = vec![
        I32Const(7),
        LocalSet(s("i")),
        Loop {
            label: s("top"),
            ty: BlockType::default(),
            body: vec![
                LocalGet(s("i")),
                I32Const(-1),
                i32(IntBinOp::Add),
                LocalTee(s("i")),
                BrIf(s("top")),
            ],
        },
    ];
    body.extend(misc_memory_part());
    body.extend(misc_control_part());
    Func {
        id: s("misc"),
        ty: TypeUse {
            type_id: None,
            params: vec![(Some(s("p")), I64), (None, F32), (None, F64)],
            results: vec![I64, I64],
        },
        locals: vec![
            Local {
                id: s("i"),
                ty: I32,
            },
            Local {
                id: s("x"),
                ty: I64,
            },
        ],
        body,
        comment: None,
        def: None,
        vars: Vec::new(),
    }
}

fn init() -> Func {
    Func {
        id: s("init"),
        ty: TypeUse::default(),
        locals: vec![],
        body: vec![],
        comment: Some(s("runs at instantiation\nsecond line")),
        def: None,
        vars: Vec::new(),
    }
}

fn every_construct() -> Module {
    Module {
        name: Some(s("demo")),
        types: vec![
            type_def("t0", &[I32], &[I32]),
            type_def("t1", &[I32], &[]),
            type_def("t2", &[I64, F32, F64], &[I64, I64]),
            type_def("t3", &[], &[]),
        ],
        imports: vec![Import {
            module: s("env"),
            name: s("print"),
            desc: ImportDesc::Func {
                id: s("print"),
                ty: TypeUse {
                    type_id: Some(s("t1")),
                    params: vec![(None, I32)],
                    results: vec![],
                },
            },
        }],
        funcs: vec![fib(), misc(), init()],
        tables: vec![Table {
            id: s("table"),
            index_type: IndexType::I64,
            min: 3,
            max: Some(3),
        }],
        memories: vec![Memory {
            id: s("memory"),
            index_type: IndexType::I64,
            min: 2,
            max: Some(16384),
            shared: false,
        }],
        globals: vec![
            Global {
                id: s("__stack_pointer"),
                ty: I64,
                mutable: true,
                init: vec![I64Const(66608)],
                comment: None,
            },
            Global {
                id: s("answer"),
                ty: F64,
                mutable: false,
                init: vec![F64Const(42.5f64.to_bits())],
                comment: Some(s("the answer")),
            },
        ],
        exports: vec![
            export("fib", ExportKind::Func, "fib"),
            export("memory", ExportKind::Memory, "memory"),
            export("table", ExportKind::Table, "table"),
            export("sp", ExportKind::Global, "__stack_pointer"),
        ],
        start: Some(s("init")),
        elems: vec![Elem {
            id: s("elem"),
            table: s("table"),
            offset: vec![I64Const(1)],
            funcs: vec![s("fib"), s("init")],
        }],
        datas: vec![
            Data {
                id: s("msg"),
                memory: s("memory"),
                offset: vec![I64Const(16)],
                bytes: b"hello\n\0\"\\~ \x7f\xff".to_vec(),
                comment: Some(s("greeting")),
            },
            Data {
                id: s("bytes"),
                memory: s("memory"),
                offset: vec![I64Const(64)],
                bytes: (0u8..40).collect(),
                comment: None,
            },
        ],
    }
}

fn export(name: &str, kind: ExportKind, id: &str) -> Export {
    Export {
        name: s(name),
        kind,
        id: s(id),
    }
}

const EXPECTED: &str = r#"(module $demo
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32)))
  (type $t2 (func (param i64 f32 f64) (result i64 i64)))
  (type $t3 (func))
  (import "env" "print" (func $print (type $t1) (param i32)))
  (table $table i64 3 3 funcref)
  (memory $memory i64 2 16384)
  (global $__stack_pointer (mut i64) (i64.const 66608))
  ;; the answer
  (global $answer f64 (f64.const 42.5))
  (export "fib" (func $fib))
  (export "memory" (memory $memory))
  (export "table" (table $table))
  (export "sp" (global $__stack_pointer))
  (start $init)
  (elem $elem (table $table) (i64.const 1) func $fib $init)
  ;; fn @fib (examples/fib.vir:3)
  (func $fib (type $t0) (param $n i32) (result i32)
    (local $v3 i32)
    (local $v4 i64)
    block $done (result i32)
      local.get $n
      local.get $n
      i32.const 2
      i32.lt_s
      br_if $done
      drop
      ;; fib(n - 1) + fib(n - 2)
      local.get $n
      i32.const 1
      i32.sub
      call $fib
      local.get $n
      i32.const 2
      i32.sub
      call $fib
      i32.add
    end
  )
  (func $misc (param $p i64) (param f32 f64) (result i64 i64)
    (local $i i32)
    (local $x i64)
    i32.const 7
    local.set $i
    loop $top
      local.get $i
      i32.const -1
      i32.add
      local.tee $i
      br_if $top
    end
    local.get $p
    i64.const -9223372036854775808
    i32.const 1
    select
    local.set $x
    local.get $p
    i64.load offset=8 align=4
    local.get $p
    i64.load8_s
    i64.add
    local.set $x
    local.get $p
    local.get $x
    i64.store offset=16
    local.get $p
    local.get $x
    i64.store32 align=2
    global.get $__stack_pointer
    i64.const 16
    i64.sub
    global.set $__stack_pointer
    i64.const 0
    i64.const 16
    i64.const 32
    memory.copy
    i64.const 0
    i32.const 0
    i64.const 8
    memory.fill
    memory.size
    memory.grow
    drop
    nop
    local.get $i
    if $pick (result i64)
      local.get $x
    else
      local.get $p
    end
    drop
    local.get $i
    if $side
      f32.const -0.0
      drop
    end
    block $a
      block $b
        local.get $i
        br_table $a $b $a
      end
      i32.const 5
      call $print
    end
    i32.const 4
    i64.const 2
    call_indirect $table (type $t1) (param i32)
    f64.const 0.1
    f64.const nan:0x4
    f64.max
    drop
    i32.const 1
    i32.const -2
    block $pair (param i32 i32) (result i32)
      i32.add
    end
    drop
    local.get $x
    local.get $p
    return
    unreachable
  )
  ;; runs at instantiation
  ;; second line
  (func $init
  )
  ;; greeting
  (data $msg (memory $memory) (i64.const 16) "hello\0a\00\22\5c~ \7f\ff")
  (data $bytes (memory $memory) (i64.const 64)
    "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\1a\1b\1c\1d\1e\1f"
    " !\22#$%&'")
)
"#;

#[test]
fn every_construct_prints_exactly() {
    let text = print_module(&every_construct());
    if text != EXPECTED {
        panic!("printed:\n{text}");
    }
}

#[test]
fn printed_module_assembles_and_validates() {
    let text = print_module(&every_construct());
    let bytes = emit::assemble(&text, "demo.wat").unwrap_or_else(|e| panic!("{e}"));
    validate::validate(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(wat::parse_str(&text).expect("wat crate agrees"), bytes);
}

/// The mnemonics of the instruction lines of function bodies, in order.
fn mnemonics(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_func = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("(func") {
            in_func = true;
        } else if in_func && line == ")" {
            in_func = false;
        } else if in_func && !line.starts_with('(') && !line.starts_with(";;") {
            out.extend(line.split_whitespace().next().map(str::to_string));
        }
    }
    out
}

#[test]
fn wasmprinter_sees_the_same_instructions() {
    let text = print_module(&every_construct());
    let bytes = emit::assemble(&text, "demo.wat").expect("assembles");
    let printed = emit::disassemble(&bytes).expect("disassembles");
    assert_eq!(mnemonics(&printed), mnemonics(&text), "{printed}");
    for line in [
        "i64.load offset=8 align=4",
        "i64.store32 align=2",
        "f64.const nan:0x4",
        "f32.const -0x0p+0",
        "i64.const -9223372036854775808",
        "i64 2 16384)",
        "i64 3 3 funcref)",
        "(export \"sp\" (global $__stack_pointer))",
    ] {
        assert!(printed.contains(line), "{line} missing from\n{printed}");
    }
}

#[test]
fn printing_is_deterministic() {
    let module = every_construct();
    let first = print_module(&module);
    for _ in 0..5 {
        assert_eq!(print_module(&module.clone()), first);
    }
}

#[test]
fn i32_index_types_print_without_index_type() {
    let module = Module {
        tables: vec![Table {
            id: s("table"),
            index_type: IndexType::I32,
            min: 3,
            max: Some(3),
        }],
        memories: vec![Memory {
            id: s("memory"),
            index_type: IndexType::I32,
            min: 2,
            max: None,
            shared: false,
        }],
        ..Module::default()
    };
    let text = print_module(&module);
    assert_eq!(
        text,
        "(module\n  (table $table 3 3 funcref)\n  (memory $memory 2)\n)\n"
    );
    validate::validate(&emit::assemble(&text, "m.wat").expect("assembles")).expect("valid");
}

#[test]
fn odd_names_are_quoted_ids() {
    let module = Module {
        name: Some(s("my module")),
        funcs: vec![Func {
            id: s("f(x)"),
            ty: TypeUse {
                type_id: None,
                params: vec![(Some(s("é")), I32)],
                results: vec![],
            },
            locals: vec![],
            body: vec![block(
                "",
                &[],
                &[],
                vec![block("a\"b", &[], &[], vec![Br(s("a\"b"))])],
            )],
            comment: None,
            def: None,
            vars: Vec::new(),
        }],
        exports: vec![export("f\u{1}", ExportKind::Func, "f(x)")],
        ..Module::default()
    };
    let text = print_module(&module);
    assert!(
        text.contains(r#"(func $"f(x)" (param $"\c3\a9" i32)"#),
        "{text}"
    );
    assert!(text.contains("    block\n"), "{text}");
    assert!(text.contains(r#"br $"a\22b""#), "{text}");
    let bytes = emit::assemble(&text, "m.wat").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let printed = emit::disassemble(&bytes).expect("disassembles");
    assert!(printed.contains(r#"(module $"my module""#), "{printed}");
    assert!(printed.contains(r#"(export "f\u{1}""#), "{printed}");
    assert!(printed.contains(r#"(param $"\u{e9}" i32)"#), "{printed}");
}

#[test]
fn empty_ids_fail_to_assemble_with_a_location() {
    let module = Module {
        funcs: vec![init()],
        start: Some(s("")),
        ..Module::default()
    };
    let text = print_module(&module);
    assert!(text.contains(r#"(start $"")"#), "{text}");
    let err = emit::assemble(&text, "m.wat").expect_err("empty id");
    assert!(err.to_string().contains("empty identifier"), "{err}");
    assert_eq!(err.line_col(), Some((2, 10)), "{err}\n{text}");
}

#[test]
fn multi_instruction_offsets_use_the_offset_form() {
    let module = Module {
        memories: vec![Memory {
            id: s("m"),
            index_type: IndexType::I64,
            min: 1,
            max: None,
            shared: false,
        }],
        globals: vec![Global {
            id: s("g"),
            ty: I64,
            mutable: false,
            init: vec![I64Const(8), I64Const(8), i64(IntBinOp::Add)],
            comment: None,
        }],
        datas: vec![Data {
            id: s("d"),
            memory: s("m"),
            offset: vec![GlobalGet(s("g")), I64Const(4), i64(IntBinOp::Add)],
            bytes: vec![],
            comment: None,
        }],
        ..Module::default()
    };
    let text = print_module(&module);
    assert!(
        text.contains("(global $g i64 (i64.const 8) (i64.const 8) (i64.add))"),
        "{text}"
    );
    assert!(
        text.contains(
            "(data $d (memory $m) (offset (global.get $g) (i64.const 4) (i64.add)) \"\")"
        ),
        "{text}"
    );
    // extended-const is outside the feature set, but the text is well-formed.
    let bytes = emit::assemble(&text, "m.wat").unwrap_or_else(|e| panic!("{e}"));
    assert!(validate::validate(&bytes).is_err());
}

/// Bit patterns worth checking by hand, then pseudo-random ones.
fn f32_patterns() -> Vec<u32> {
    let mut bits = vec![
        0,
        0x8000_0000,
        1,
        0x8000_0001,
        0x007f_ffff,
        0x0080_0000,
        0x7f7f_ffff,
        0xff7f_ffff,
        0x7f80_0000,
        0xff80_0000,
        0x7fc0_0000,
        0xffc0_0000,
        0x7f80_0001,
        0x7fa0_0000,
        0xffbf_ffff,
        0x7fff_ffff,
        0.1f32.to_bits(),
        16_777_217f32.to_bits(),
        0x4b80_0001,
    ];
    bits.extend(xorshift(0x1234_5678).take(2000).map(|x| x as u32));
    bits
}

fn f64_patterns() -> Vec<u64> {
    let mut bits = vec![
        0,
        1 << 63,
        1,
        0x000f_ffff_ffff_ffff,
        0x0010_0000_0000_0000,
        f64::MAX.to_bits(),
        f64::MIN.to_bits(),
        0x7ff0_0000_0000_0000,
        0xfff0_0000_0000_0000,
        0x7ff8_0000_0000_0000,
        0xfff8_0000_0000_0000,
        0x7ff0_0000_0000_0001,
        0x7ff4_0000_0000_0000,
        0xffff_ffff_ffff_ffff,
        0.1f64.to_bits(),
        (f32::MAX as f64).to_bits(),
        (2f64.powi(53) + 1.0).to_bits(),
    ];
    bits.extend(xorshift(0x9e37_79b9_7f4a_7c15).take(2000));
    bits
}

fn xorshift(mut state: u64) -> impl Iterator<Item = u64> {
    std::iter::repeat_with(move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    })
}

/// A module with one function that pushes and drops every constant.
fn const_module(consts: Vec<Instr>) -> String {
    let body = consts.into_iter().flat_map(|c| [c, Drop]).collect();
    print_module(&Module {
        funcs: vec![Func {
            id: s("consts"),
            ty: TypeUse::default(),
            locals: vec![],
            body,
            comment: None,
            def: None,
            vars: Vec::new(),
        }],
        ..Module::default()
    })
}

/// The float constants of a binary, as bits, in order (f32 widened).
fn float_consts(bytes: &[u8]) -> Vec<u64> {
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else {
            continue;
        };
        let reader = body.get_operators_reader().expect("operators");
        for op in reader.into_iter() {
            match op.expect("operator") {
                Operator::F32Const { value } => out.push(value.bits() as u64),
                Operator::F64Const { value } => out.push(value.bits()),
                _ => {}
            }
        }
    }
    out
}

#[test]
fn floats_round_trip_by_bits() {
    let f32s = f32_patterns();
    let f64s = f64_patterns();
    let consts: Vec<Instr> = f32s
        .iter()
        .map(|b| F32Const(*b))
        .chain(f64s.iter().map(|b| F64Const(*b)))
        .collect();
    let expected: Vec<u64> = f32s
        .iter()
        .map(|b| *b as u64)
        .chain(f64s.iter().copied())
        .collect();
    let text = const_module(consts);
    let ours = emit::assemble(&text, "floats.wat").unwrap_or_else(|e| panic!("{e}"));
    let theirs = wat::parse_str(&text).expect("wat crate assembles");
    assert_eq!(float_consts(&ours), expected);
    assert_eq!(float_consts(&theirs), expected);
}

#[test]
fn special_floats_print_readably() {
    let text = const_module(vec![
        F32Const(0x7f7f_ffff),
        F32Const(1),
        F32Const(0xffc0_0000),
        F32Const(0x7f80_0001),
        F64Const(0xfff0_0000_0000_0000),
        F64Const(1),
    ]);
    for line in [
        "f32.const 3.4028235e38",
        "f32.const 1e-45",
        "f32.const -nan\n",
        "f32.const nan:0x1",
        "f64.const -inf",
        "f64.const 5e-324",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
}

#[test]
fn printed_fib_runs_in_wasmtime() {
    let module = Module {
        name: Some(s("fib")),
        types: vec![type_def("t0", &[I32], &[I32])],
        funcs: vec![fib()],
        exports: vec![export("fib", ExportKind::Func, "fib")],
        ..Module::default()
    };
    let bytes = emit::assemble(&print_module(&module), "fib.wat").expect("assembles");
    validate::validate(&bytes).expect("valid");
    let runtime = runtime::Runtime::new().expect("engine");
    let mut instance = runtime.instantiate(&bytes).expect("instantiates");
    assert_eq!(
        instance.invoke("fib", &[Value::I32(10)]),
        Ok(vec![Value::I32(55)])
    );
}

#[test]
fn hostile_comments_stay_comments() {
    let nasty = "a\r\nb\rc\n(; ;) )\u{202e}z ;;";
    let module = Module {
        globals: vec![Global {
            id: s("g"),
            ty: I32,
            mutable: false,
            init: vec![Comment(s(nasty)), I32Const(1)],
            comment: Some(s(nasty)),
        }],
        funcs: vec![Func {
            id: s("f"),
            ty: TypeUse::default(),
            locals: vec![],
            body: vec![Comment(s(nasty)), Comment(s(""))],
            comment: Some(s(nasty)),
            def: None,
            vars: Vec::new(),
        }],
        ..Module::default()
    };
    let text = print_module(&module);
    assert!(
        text.contains("    ;; (; ;) )\\u{202e}z ;;\n    ;;\n"),
        "{text}"
    );
    let bytes = emit::assemble(&text, "c.wat").unwrap_or_else(|e| panic!("{e}\n{text}"));
    validate::validate(&bytes).expect("valid");
}
