//! The direct binary path (`src/encode`, `vitte-wat build --direct`, which
//! lowers and encodes one function at a time, and `encode_module` of a whole
//! lowered AST) against the text path (print the WAT, assemble it with
//! `wast`): the same bytes, on
//! every `.vir` program of the repository (golden cases, examples, benchmark
//! programs, the linker's outputs), on both targets, and on generated programs.
//! `vitte-wat difftest` makes the same comparison on every program it runs.

mod common;

use common::{files_with_extension, relative, root};
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::encode::encode_module;
use vitte_codegen_wasm64::ir::{Module, Target};
use vitte_codegen_wasm64::testgen::{GenConfig, generate};
use vitte_codegen_wasm64::text;
use vitte_codegen_wasm64::wat::{self, Instr};
use vitte_codegen_wasm64::{Error, WasmBackend};

const TARGETS: [Target; 2] = [Target::Wasm64, Target::Wasm32];

/// Both paths on one module and target; `Err` says where they part.
fn compare(name: &str, module: &Module, target: Target) -> Result<usize, String> {
    let backend = WasmBackend::new();
    let via_text = backend
        .compile_module(module, target)
        .map_err(|e| format!("{name} ({target}): text path: {e}"))?
        .wasm;
    // One function at a time (`build --direct`)...
    let direct = backend
        .compile_module_direct(module, target)
        .map_err(|e| format!("{name} ({target}): direct path: {e}"))?;
    // ...and the whole lowered AST at once (`encode_module`).
    let lowered = vitte_codegen_wasm64::lower::lower_module(module, target)
        .map_err(|e| format!("{name} ({target}): lowering: {e}"))?;
    let from_ast =
        encode_module(&lowered).map_err(|e| format!("{name} ({target}): encode_module: {e}"))?;
    if from_ast != direct {
        return Err(format!(
            "{name} ({target}): encode_module differs from the function-at-a-time path"
        ));
    }
    // `-g` only adds comments to the text.
    let located = backend
        .clone()
        .with_locations(true)
        .compile_module(module, target)
        .map_err(|e| format!("{name} ({target}): text path with -g: {e}"))?;
    let has_origins = located
        .origins
        .iter()
        .any(|f| f.operators.iter().any(Option::is_some));
    if has_origins && !located.wat.contains("\n    ;;@ ") {
        return Err(format!("{name} ({target}): -g wrote no `;;@` annotation"));
    }
    if located.wasm != via_text {
        return Err(format!("{name} ({target}): -g changes the binary"));
    }
    if direct != via_text {
        let at = direct
            .iter()
            .zip(&via_text)
            .take_while(|(a, b)| a == b)
            .count();
        return Err(format!(
            "{name} ({target}): the paths differ at byte {at:#x} ({} bytes direct, {} via text)",
            direct.len(),
            via_text.len()
        ));
    }
    Ok(direct.len())
}

fn load(path: &std::path::Path) -> Module {
    let text = std::fs::read_to_string(path).expect("readable");
    let file = SourceFile::new(relative(path), text);
    text::load(&file).unwrap_or_else(|ds| panic!("{}: {}", relative(path), ds[0]))
}

#[test]
fn every_program_of_the_repository_encodes_as_its_text_assembles() {
    let mut programs = Vec::new();
    for dir in ["tests/cases", "examples", "bench/programs"] {
        programs.extend(files_with_extension(&root().join(dir), "vir"));
    }
    assert!(programs.len() >= 35, "found only {}", programs.len());
    let mut failures = Vec::new();
    let mut bytes = 0;
    for path in &programs {
        let module = load(path);
        for target in TARGETS {
            match compare(&relative(path), &module, target) {
                Ok(n) => bytes += n,
                Err(e) => failures.push(e),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(bytes > 10_000, "compared only {bytes} bytes");
}

#[test]
fn linked_modules_encode_as_their_text_assembles() {
    // Each link case's expected output is the linked module, as IR.
    let linked: Vec<_> = files_with_extension(&root().join("tests/link"), "vir")
        .into_iter()
        .filter(|p| p.ends_with("expected/linked.vir"))
        .collect();
    assert!(linked.len() >= 3, "found only {}", linked.len());
    for path in &linked {
        let module = load(path);
        for target in TARGETS {
            compare(&relative(path), &module, target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[test]
fn generated_programs_encode_as_their_text_assembles() {
    let config = GenConfig::default();
    let failures: Vec<String> = (0..150u64)
        .flat_map(|seed| {
            let module = generate(seed, &config);
            TARGETS
                .into_iter()
                .filter_map(move |t| compare(&format!("seed {seed}"), &module, t).err())
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A lowered module that the assembler would reject is an error on the
/// direct path too, never a panic or a silently wrong binary.
#[test]
fn names_that_do_not_resolve_are_errors() {
    let func = |body: Vec<Instr>| wat::Func {
        id: "f".into(),
        ty: wat::TypeUse::default(),
        locals: vec![wat::Local {
            id: "x".into(),
            ty: wat::ValType::I32,
        }],
        body,
        comment: None,
        def: None,
        vars: Vec::new(),
    };
    let module = |funcs: Vec<wat::Func>| wat::Module {
        funcs,
        ..wat::Module::default()
    };
    let cases = [
        (vec![Instr::LocalGet("nope".into())], "unknown local"),
        (vec![Instr::Br("out".into())], "unknown label"),
        (vec![Instr::Call("g".into())], "unknown func"),
        (vec![Instr::GlobalGet("sp".into())], "unknown global"),
        (
            vec![
                Instr::I32Const(0),
                Instr::Load {
                    kind: wat::LoadKind::I32,
                    memarg: wat::MemArg {
                        memory: Some("scratch".into()),
                        offset: 0,
                        align: None,
                    },
                },
            ],
            "unknown memory",
        ),
    ];
    for (body, expected) in cases {
        let m = module(vec![func(body.clone())]);
        let err = encode_module(&m).expect_err(expected).to_string();
        assert!(err.contains(expected), "{body:?}: {err}");
        // The text path refuses the same module.
        let text = wat::print_module(&m);
        assert!(
            vitte_codegen_wasm64::emit::assemble(&text, "m.wat").is_err(),
            "{text}"
        );
    }
    let twice = module(vec![func(vec![]), func(vec![])]);
    let err = encode_module(&twice).expect_err("duplicate").to_string();
    assert!(err.contains("duplicate func identifier `$f`"), "{err}");
}

/// Labels are resolved to depths through a table of the blocks in scope:
/// a label reused by a nested block (the inner one shadows it), reused by
/// a sibling after the first closed, and a `br_table` across both, encode
/// as `wast` assembles the printed text.
#[test]
fn shadowed_and_reused_labels_resolve_as_wast_resolves_them() {
    let block = |label: &str, body: Vec<Instr>| Instr::Block {
        label: label.into(),
        ty: wat::BlockType::default(),
        body,
    };
    let body = vec![
        block(
            "a",
            vec![block(
                "b",
                vec![
                    block(
                        "a",
                        vec![
                            Instr::I32Const(0),
                            Instr::BrTable {
                                labels: vec!["a".into(), "b".into()],
                                default: "a".into(),
                            },
                        ],
                    ),
                    // The inner `a` is closed: this is the outer one.
                    Instr::Br("a".into()),
                ],
            )],
        ),
        block("a", vec![Instr::Br("a".into())]),
        block("", vec![block("c", vec![Instr::Br("c".into())])]),
    ];
    let m = wat::Module {
        funcs: vec![wat::Func {
            id: "f".into(),
            ty: wat::TypeUse::default(),
            locals: vec![],
            body,
            comment: None,
            def: None,
            vars: Vec::new(),
        }],
        ..wat::Module::default()
    };
    let direct = encode_module(&m).expect("encodes");
    let text = wat::print_module(&m);
    let assembled = vitte_codegen_wasm64::emit::assemble(&text, "m.wat").expect("assembles");
    assert_eq!(direct, assembled, "{text}");
}

/// The error reaches a caller of the backend as `Error::Encode`.
#[test]
fn encode_errors_are_pipeline_errors() {
    let e: Error = encode_module(&wat::Module {
        name: Some(String::new()),
        ..wat::Module::default()
    })
    .expect_err("empty module name")
    .into();
    assert!(matches!(e, Error::Encode(_)), "{e}");
    assert!(e.to_string().contains("empty module identifier"), "{e}");
}

/// `vitte-wat build --direct` writes the bytes `vitte-wat build` writes.
#[test]
fn the_command_line_flag_writes_the_same_file() {
    let dir = std::env::temp_dir().join(format!("vitte-direct-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for target in ["wasm64", "wasm32"] {
        let mut outputs = Vec::new();
        for direct in [false, true] {
            let out = dir.join(format!("sieve-{target}-{direct}.wasm"));
            let mut cmd = common::vitte_wat_command();
            cmd.args(["build", "tests/cases/sieve.vir", "--target", target, "-o"])
                .arg(&out);
            if direct {
                cmd.arg("--direct");
            }
            let status = cmd.status().expect("runs");
            assert!(
                status.success(),
                "build --target {target} (direct: {direct})"
            );
            outputs.push(std::fs::read(&out).expect("written"));
        }
        assert_eq!(outputs[0], outputs[1], "{target}");
        assert_eq!(&outputs[0][..4], b"\0asm");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A module large enough to be parsed, verified, lowered and encoded on
/// several threads: the same bytes by both paths, the functions in the
/// order of the IR, and the same bytes on every run. (Public, so that
/// `dead-functions` keeps each one, inlined or not.)
#[test]
fn a_module_lowered_on_several_threads_keeps_its_order() {
    let mut text = String::from("pub fn @f0(%x: i64) -> i64 {\nentry:\n  return %x\n}\n");
    for i in 1..1500 {
        text.push_str(&format!(
            "\npub fn @f{i}(%x: i64) -> i64 {{\nentry:\n  %c = i64.const {i}\n  \
             %y = i64.mul %x, %c\n  %z = call @f{}(%y)\n  return %z\n}}\n",
            i - 1
        ));
    }
    text.push_str(
        "\npub fn @main(%x: i64) -> i64 {\nentry:\n  %r = call @f1499(%x)\n  return %r\n}\n",
    );
    assert!(text.len() > 1 << 17, "{} bytes", text.len());
    let file = SourceFile::new("many.vir", text);
    let module = text::load(&file).unwrap_or_else(|ds| panic!("{}", ds[0]));
    let first = compare("many.vir", &module, Target::Wasm64).unwrap_or_else(|e| panic!("{e}"));
    let again = compare("many.vir", &module, Target::Wasm64).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, again);
    let lowered = WasmBackend::new()
        .lower(&module, Target::Wasm64)
        .expect("lowers");
    let names: Vec<&str> = lowered.funcs.iter().map(|f| f.id.as_str()).collect();
    let expected: Vec<String> = (0..1500)
        .map(|i| format!("f{i}"))
        .chain(["main".to_string()])
        .collect();
    assert_eq!(names, expected);
}
