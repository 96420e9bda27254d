//! Inputs the fuzz targets (`fuzz/`) once failed on, replayed through the
//! same checks: `tests/fuzz-regressions/TARGET/NAME` is an input of the
//! libFuzzer target TARGET (`parse_vir`, `compile_vir`, `asm_wat`,
//! `validate_wasm`, `spec_script`). The checks mirror
//! `fuzz/fuzz_targets/*.rs`; keep them in step. The corpus starts with a few
//! seeds per target, so that the checks themselves are exercised even when
//! no crash has been found.

mod common;

use std::path::Path;
use std::time::Duration;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::ir::Target;
use vitte_codegen_wasm64::text::print_module;
use vitte_codegen_wasm64::{Error, WasmBackend, emit, validate};
use vitte_codegen_wasm64::{text, verify};
use vitte_wat::difftest::{GenConfig, Runner, Verdict, failure_file, generate_from_bytes};

fn inputs(target: &str) -> Vec<std::path::PathBuf> {
    let dir = common::root().join("tests/fuzz-regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn replay(target: &str, check: impl Fn(&[u8])) {
    for path in inputs(target) {
        let bytes = std::fs::read(&path).expect("read input");
        let name = common::relative(&path);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&bytes)));
        assert!(
            outcome.is_ok(),
            "{name}: the {target} check failed (see above)"
        );
    }
}

fn parse_vir(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new("fuzz.vir", text.as_ref());
    let module = match text::load(&file) {
        Ok(module) => module,
        Err(diagnostics) => {
            for d in diagnostics {
                let _ = d.to_string();
            }
            return;
        }
    };
    let printed = print_module(&module);
    let again = SourceFile::new("printed.vir", printed.as_str());
    let reparsed = text::load(&again).unwrap_or_else(|ds| {
        let ds: Vec<String> = ds.iter().map(|d| d.to_string()).collect();
        panic!("printed text does not load:\n{}\n{printed}", ds.join("\n"))
    });
    assert_eq!(print_module(&reparsed), printed);
    if verify::verify_module(&module).is_err() {
        return;
    }
    for target in [Target::Wasm64, Target::Wasm32] {
        let backend = WasmBackend::new();
        match backend.compile_module(&module, target) {
            Ok(compiled) => {
                validate::validate(&compiled.wasm).expect("validates");
                let direct = backend.compile_module_direct(&module, target);
                // `-g` appends DWARF to the same bytes, on both paths.
                let debug = backend.clone().with_debug_info(true);
                let with_g = debug.compile_module(&module, target).expect("-g compiles");
                assert!(with_g.wasm.starts_with(&compiled.wasm), "-g on {target}");
                let direct_g = debug.compile_module_direct(&module, target);
                assert_eq!(direct_g.ok(), Some(with_g.wasm), "direct -g on {target}");
                assert_eq!(direct.ok(), Some(compiled.wasm), "direct path on {target}");
            }
            Err(
                e @ (Error::Assemble(_) | Error::Invalid(_) | Error::Encode(_) | Error::Dwarf(_)),
            ) => {
                panic!("the lowering wrote bad wasm on {target}: {e}")
            }
            Err(Error::Ir(_) | Error::Build(_)) => {}
        }
    }
}

fn asm_wat(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let wasm = match emit::assemble(&text, "fuzz.wat") {
        Ok(wasm) => wasm,
        Err(e) => {
            let rendered = e.to_string();
            let (line, col) = e.line_col().expect("a text error has a location");
            assert!(
                rendered.contains(&format!("fuzz.wat:{line}:{col}")),
                "{rendered}"
            );
            return;
        }
    };
    if validate::validate(&wasm).is_ok() {
        round_trip(&wasm);
    }
}

fn validate_wasm(data: &[u8]) {
    let valid = validate::validate(data).is_ok();
    match emit::disassemble(data) {
        Ok(_) if valid => round_trip(data),
        Ok(_) => {}
        Err(e) => assert!(!valid, "a valid module does not print: {e}"),
    }
}

fn round_trip(wasm: &[u8]) {
    let printed = emit::disassemble(wasm).expect("a valid binary prints");
    let again = match emit::assemble(&printed, "printed.wat") {
        Ok(again) => again,
        // wasmprinter writes a name that is no valid `$id` as an `(@name "...")`
        // annotation, which wast does not read on a label (crates beneath; the
        // validate_wasm target's first finding, kept as a regression input).
        Err(e) if e.to_string().contains("(@name ") => return,
        Err(e) => panic!("printed WAT does not assemble: {e}\n{printed}"),
    };
    validate::validate(&again).unwrap_or_else(|e| panic!("printed WAT is invalid: {e}"));
}

#[test]
fn parse_vir_inputs() {
    replay("parse_vir", parse_vir);
}

#[test]
fn asm_wat_inputs() {
    replay("asm_wat", asm_wat);
}

#[test]
fn validate_wasm_inputs() {
    replay("validate_wasm", validate_wasm);
}

#[test]
fn compile_vir_inputs() {
    let runner = Runner::new().expect("wasmtime starts");
    replay("compile_vir", |data| {
        let program = generate_from_bytes(data, &GenConfig::default());
        let report = runner.check(&program);
        // Only a mismatch or a broken promise of the generator fails (not
        // naming the other verdicts keeps this independent of them).
        if matches!(
            report.verdict,
            Verdict::Mismatch(_) | Verdict::GeneratorBug(_)
        ) {
            panic!("{:?}\n{}", report.verdict, failure_file(&program, &report));
        }
    });
}

#[test]
fn spec_script_inputs() {
    use vitte_wat::spec::{Engines, Profile, Settings, TextOptions, json, render_text, script};
    // As the target: Wasm 3.0 without threads.
    let features = Profile::WASM3.features.difference(
        wasmtime::WasmFeatures::THREADS | wasmtime::WasmFeatures::SHARED_EVERYTHING_THREADS,
    );
    let profile = Profile {
        name: "fuzz",
        features,
        intended: features,
    };
    let engine = Engines::new().get(&profile).expect("engine");
    replay("spec_script", |data| {
        let text = String::from_utf8_lossy(data);
        let settings = Settings {
            timeout: Duration::from_secs(1),
            ..Settings::default()
        };
        let report = script::run(&engine, "fuzz.wast", &text, settings);
        let _ = render_text(&report, TextOptions::default());
        let _ = json::document(std::slice::from_ref(&report), |_| true);
    });
}

#[test]
fn the_corpus_has_every_target() {
    for target in [
        "parse_vir",
        "compile_vir",
        "asm_wat",
        "validate_wasm",
        "spec_script",
    ] {
        assert!(
            Path::new(&common::root().join("tests/fuzz-regressions").join(target)).is_dir(),
            "tests/fuzz-regressions/{target}"
        );
    }
}
