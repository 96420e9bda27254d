//! Golden tests of the linker.
//!
//! Each directory `tests/link/<case>/` holds the `.vir` units to link, in
//! file-name order. The first one's comments hold the checks
//! (`;; run: main() == 49`) and, optionally, the linker's options
//! (`;; link: --gc --export main`). The expected outputs are in
//! `tests/link/<case>/expected/` (`VITTE_BLESS=1` rewrites them):
//! - `linked.vir`: the linked IR, which the WAT comments point into;
//! - `linked.wast`: the wasm64 WAT with one directive per check, replayed in
//!   wasmtime (unless the module imports functions: nothing provides them);
//! - `report.txt`: what `-v` prints, when it prints anything;
//! - `errors.err`: for a case that must fail, the exact diagnostics, which
//!   the CLI must print too, exiting with status 1.
//!
//! A case that links is also run in the reference interpreter (wasm64 and
//! wasm32) and, compiled for wasm32, in wasmtime; linking it twice must give
//! byte-identical text and binaries.

mod common;

use common::stderr;

use common::checks;
use vitte_codegen_wasm64::text;

use common::TempDir;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, OnceLock};
use vitte_codegen_wasm64::Error;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::interp::Interpreter;
use vitte_codegen_wasm64::ir::{Module, Target, Visibility};
use vitte_codegen_wasm64::link::{self, LinkOptions, Linked};
use vitte_codegen_wasm64::value::Value;
use vitte_runtime::Runtime;
use vitte_wat::filetest::{self, TypedCheck};

/// One test per case directory (`tests/link/<case>`, and `<case> (cli)`
/// for the error cases run through `vitte-wat link`), named by its path, and
/// the tests of the linker's API and command line.
fn main() {
    let dirs = cases();
    let error_dirs = error_cases();
    let (count, errors) = (dirs.len(), error_dirs.len());
    let mut trials = vec![
        common::trial("at_least_10_cases_6_of_them_errors", move || {
            match count >= 10 && errors >= 6 {
                true => Ok(()),
                false => Err(format!("{count} cases, {errors} error cases")),
            }
        }),
        common::test_fn(
            "two_site_errors_name_both_files",
            two_site_errors_name_both_files,
        ),
        common::test_fn(
            "cli_output_is_byte_identical_and_runs_on_both_targets",
            cli_output_is_byte_identical_and_runs_on_both_targets,
        ),
        common::test_fn(
            "cli_writes_wat_and_linked_ir_by_extension",
            cli_writes_wat_and_linked_ir_by_extension,
        ),
        common::test_fn(
            "cli_gc_reports_what_it_removed",
            cli_gc_reports_what_it_removed,
        ),
        common::test_fn(
            "prebuilt_wasm_and_unknown_exports_are_refused",
            prebuilt_wasm_and_unknown_exports_are_refused,
        ),
        common::test_fn(
            "linking_syntax_round_trips_through_the_printer",
            linking_syntax_round_trips_through_the_printer,
        ),
        common::test_fn(
            "a_unit_with_extern_data_loads_but_does_not_compile_alone",
            a_unit_with_extern_data_loads_but_does_not_compile_alone,
        ),
        common::test_fn(
            "lowering_errors_point_back_into_the_units",
            lowering_errors_point_back_into_the_units,
        ),
        common::test_fn(
            "units_built_in_memory_link_under_unit_names",
            units_built_in_memory_link_under_unit_names,
        ),
        common::test_fn(
            "a_module_linked_alone_keeps_its_behaviour",
            a_module_linked_alone_keeps_its_behaviour,
        ),
        common::test_fn(
            "any_two_modules_link_or_fail_cleanly",
            any_two_modules_link_or_fail_cleanly,
        ),
    ];
    trials.extend(common::file_trials(&dirs, |dir| check_case(runtime(), dir)));
    trials.extend(error_dirs.iter().map(|dir| {
        let dir = dir.clone();
        common::trial(&format!("{} (cli)", common::relative(&dir)), move || {
            error_case_exits_1_with_its_exact_message_and_no_output(&dir)
        })
    }));
    common::run_trials(trials)
}

fn cases_dir() -> PathBuf {
    common::root().join("tests/link")
}

/// Every case directory, sorted.
fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/link exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The units of a case, in file-name order.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("case dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "vir"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> Result<Arc<SourceFile>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(SourceFile::new(common::relative(path), text))
}

/// The command-line options of a case: its `;; link:` line.
fn case_args(first: &SourceFile) -> Vec<String> {
    let line = first
        .text
        .lines()
        .find_map(|l| l.trim().strip_prefix(";;")?.trim().strip_prefix("link:"));
    line.map_or(Vec::new(), |l| {
        l.split_whitespace().map(String::from).collect()
    })
}

/// The same options as the CLI reads them, for the library.
fn options(args: &[String], name: String) -> Result<LinkOptions, String> {
    let mut options = LinkOptions {
        name,
        ..LinkOptions::default()
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().cloned().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--gc" => options.gc = true,
            "--export-all" => options.export_all = true,
            "--no-undefined" => options.no_undefined = true,
            "--export" => options.exports.push(value()?),
            "--entry" => options.entry = Some(value()?),
            other => return Err(format!("unknown option `{other}` in `;; link:`")),
        }
    }
    Ok(options)
}

/// The units of a case, and what linking them gave (errors rendered).
type CaseOutcome = (Vec<Arc<SourceFile>>, Result<Linked, String>);

fn link_case(dir: &Path) -> Result<CaseOutcome, String> {
    let files = inputs(dir)
        .iter()
        .map(|p| load(p))
        .collect::<Result<Vec<_>, _>>()?;
    let first = files.first().ok_or("no .vir inputs")?;
    let name = common::relative(&dir.join("expected/linked.vir"));
    let options = options(&case_args(first), name)?;
    let linked = link::link_files(&files, &options).map_err(|ds| common::render_errors(&ds));
    Ok((files, linked))
}

/// One engine for every case (it is shared by the trials' threads).
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| Runtime::new().expect("wasmtime starts"))
}

fn check_case(runtime: &Runtime, dir: &Path) -> Result<(), String> {
    let expected = dir.join("expected");
    if common::blessing() {
        std::fs::create_dir_all(&expected).map_err(|e| e.to_string())?;
    }
    let errors = expected.join("errors.err");
    let (files, linked) = link_case(dir)?;
    let linked = match linked {
        Err(rendered) if errors.exists() || common::blessing() => {
            return common::check_golden(&errors, &rendered);
        }
        Err(rendered) => return Err(format!("does not link:\n{rendered}")),
        Ok(_) if errors.exists() => return Err("links, but errors.err expects errors".into()),
        Ok(linked) => linked,
    };
    let (_, again) = link_case(dir)?;
    let again = again?;
    if again.text() != linked.text() {
        return Err("linking twice gives different IR".into());
    }
    common::check_golden(&expected.join("linked.vir"), linked.text())?;
    let report = linked.report.to_string();
    let report_path = expected.join("report.txt");
    if !report.is_empty() || report_path.exists() {
        common::check_golden(&report_path, &report)?;
    }
    run_checks(runtime, &files[0], &linked, &again, &expected)
}

fn run_checks(
    runtime: &Runtime,
    first: &SourceFile,
    linked: &Linked,
    again: &Linked,
    expected: &Path,
) -> Result<(), String> {
    let module = &linked.module;
    let checks = filetest::parse_checks(first).map_err(|d| d.to_string())?;
    let typed = |target| {
        (checks.iter())
            .map(|c| c.typed(module, target).map_err(|d| d.to_string()))
            .collect::<Result<Vec<TypedCheck>, String>>()
    };
    let (checks64, checks32) = (typed(Target::Wasm64)?, typed(Target::Wasm32)?);
    let compile = |l: &Linked, t| l.compile(t).map_err(|e| e.to_string());
    let wasm64 = compile(linked, Target::Wasm64)?;
    if wasm64 != compile(again, Target::Wasm64)? {
        return Err("linking twice gives different WAT or wasm".into());
    }
    let header = format!(
        "Generated from {} by tests/link.rs (wasm64): do not edit.\n\
         `VITTE_BLESS=1 cargo test --release --test link` rewrites it.",
        common::relative(expected.parent().unwrap_or(expected))
    );
    let script = filetest::spec_script(&header, &wasm64.wat, &checks64);
    let script_path = expected.join("linked.wast");
    common::check_golden(&script_path, &script)?;
    let imports = module.funcs.iter().any(|f| f.is_import());
    if !imports {
        checks::replay_script(runtime, &script_path, &script, checks64.len())?;
    }
    for (target, checks) in [(Target::Wasm64, &checks64), (Target::Wasm32, &checks32)] {
        checks::interpret_checks(module, target, checks)
            .map_err(|e| format!("{target}, interpreter: {e}"))?;
    }
    let wasm32 = compile(linked, Target::Wasm32)?;
    if !imports {
        checks::run_checks(runtime, &wasm32.wasm, &checks32).map_err(|e| format!("wasm32: {e}"))?;
    }
    Ok(())
}

// ------------------------------------------------------------------ the CLI

fn vitte_wat(args: &[String]) -> Output {
    common::vitte_wat_command()
        .args(args)
        .output()
        .expect("vitte-wat runs")
}

/// `vitte-wat link <units> <the case's options> EXTRA...`
fn link_command(dir: &Path, extra: &[&str]) -> Result<Output, String> {
    let files = inputs(dir);
    let first = load(files.first().ok_or("no inputs")?)?;
    let mut args = vec!["link".to_string()];
    args.extend(files.iter().map(|f| common::relative(f)));
    args.extend(case_args(&first));
    args.extend(extra.iter().map(|s| s.to_string()));
    Ok(vitte_wat(&args))
}

/// The error cases: `vitte-wat link` must exit 1 with exactly the expected
/// message, and write nothing.
fn error_cases() -> Vec<PathBuf> {
    cases()
        .into_iter()
        .filter(|d| d.join("expected/errors.err").exists())
        .collect()
}

fn error_case_exits_1_with_its_exact_message_and_no_output(dir: &Path) -> Result<(), String> {
    let tmp = TempDir::new("link-errors");
    let out = tmp.path("out.wasm");
    let o = link_command(dir, &["-o", &out.display().to_string()])?;
    let expected =
        std::fs::read_to_string(dir.join("expected/errors.err")).map_err(|e| e.to_string())?;
    let name = common::relative(dir);
    if o.status.code() != Some(1) || stderr(&o) != expected {
        return Err(format!(
            "{name}: status {}, stderr:\n{}",
            o.status,
            stderr(&o)
        ));
    }
    match out.exists() {
        true => Err(format!("{name}: an output was written")),
        false => Ok(()),
    }
}

fn two_site_errors_name_both_files() {
    for case in [
        "error_duplicate",
        "error_signature",
        "error_declarations_disagree",
    ] {
        let text = std::fs::read_to_string(cases_dir().join(case).join("expected/errors.err"))
            .expect("errors.err");
        let sites = text.matches(" --> tests/link/").count();
        assert!(sites >= 2, "{case}: {text}");
    }
}

fn cli_output_is_byte_identical_and_runs_on_both_targets() {
    let dir = cases_dir().join("three_modules");
    // The same output name in two directories: the name is the module's.
    let tmps = [TempDir::new("link-cli"), TempDir::new("link-cli")];
    for target in ["wasm64", "wasm32"] {
        let mut outputs = Vec::new();
        for tmp in &tmps {
            let out = tmp.path(&format!("{target}.wasm"));
            let o = link_command(
                &dir,
                &["--target", target, "-o", &out.display().to_string()],
            )
            .expect("runs");
            assert!(o.status.success(), "{}", stderr(&o));
            outputs.push(std::fs::read(&out).expect("written"));
        }
        assert_eq!(outputs[0], outputs[1], "{target}: two links differ");
        let wasm = tmps[0]
            .path(&format!("{target}.wasm"))
            .display()
            .to_string();
        let args = ["run", &wasm, "--invoke", "main"].map(String::from);
        let o = vitte_wat(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(String::from_utf8_lossy(&o.stdout), "49\n", "{target}");
    }
}

fn cli_writes_wat_and_linked_ir_by_extension() {
    let dir = cases_dir().join("three_modules");
    let tmp = TempDir::new("link-formats");
    let vir = tmp.path("prog.vir");
    let wat = tmp.path("prog.wat");
    for out in [&vir, &wat] {
        let o = link_command(&dir, &["-o", &out.display().to_string()]).expect("runs");
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let vir_text = std::fs::read_to_string(&vir).expect("vir");
    let wat_text = std::fs::read_to_string(&wat).expect("wat");
    assert!(vir_text.contains("pub fn @main() -> i32 {"), "{vir_text}");
    assert!(wat_text.starts_with("(module $prog\n"), "{wat_text}");
    // The linked IR runs as it is, in the interpreter.
    let args = ["interp", &vir.display().to_string(), "--invoke", "main"].map(String::from);
    let o = vitte_wat(&args);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "49\n", "{}", stderr(&o));
}

fn cli_gc_reports_what_it_removed() {
    let dir = cases_dir().join("gc");
    let tmp = TempDir::new("link-gc");
    let out = tmp.path("gc.wasm").display().to_string();
    let o = link_command(&dir, &["-v", "-o", &out]).expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = std::fs::read_to_string(dir.join("expected/report.txt")).expect("report");
    assert_eq!(stderr(&o), expected);
    assert!(expected.contains("gc removed fn @"), "{expected}");
}

fn prebuilt_wasm_and_unknown_exports_are_refused() {
    let tmp = TempDir::new("link-refused");
    let out = tmp.path("x.wasm").display().to_string();
    let wasm = tmp.path("m.wasm");
    std::fs::write(&wasm, b"\0asm\x01\0\0\0").expect("write");
    let args = ["link", &wasm.display().to_string(), "-o", &out].map(String::from);
    let o = vitte_wat(&args);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("only Vitte IR (.vir) modules can be linked"));
    let args = ["link", "examples/fib.vir", "--export", "nope", "-o", &out].map(String::from);
    let o = vitte_wat(&args);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: cannot export @nope: no linked module defines `pub fn @nope`\n"
    );
    assert!(!Path::new(&out).exists());
}

// ------------------------------------------------------------- the library

fn unit(name: &str, text: &str) -> Module {
    text::load(&SourceFile::new(name, text)).expect("unit loads")
}

fn linking_syntax_round_trips_through_the_printer() {
    let text = "extern global mut @count: i64\npub global @limit: i32 = 7\nglobal @p: ptr = @table + 4\n\n\
                extern data @table\npub data @msg align 4 = \"hi\"\n\n\
                extern fn @log(i32) from \"env\" \"log\"\n\
                extern fn @host(i64) -> i32 from \"host\" \"h\"\n";
    let short = text.replace(" from \"env\" \"log\"", "");
    let module = unit("t.vir", &short);
    assert_eq!(text::print_module(&module), text);
    let again = unit("t.vir", text);
    assert_eq!(text::print_module(&again), text);
    use vitte_codegen_wasm64::ir::{DataId, GlobalId};
    assert_eq!(module.global_vis(GlobalId(0)), Visibility::Extern);
    assert_eq!(module.global_vis(GlobalId(1)), Visibility::Public);
    assert_eq!(module.global_vis(GlobalId(2)), Visibility::Private);
    assert_eq!(module.data_vis(DataId(0)), Visibility::Extern);
    assert_eq!(module.data_vis(DataId(1)), Visibility::Public);
}

fn a_unit_with_extern_data_loads_but_does_not_compile_alone() {
    let module = unit("u.vir", "extern data @table\nglobal @p: ptr = @table\n");
    let err = vitte_codegen_wasm64::WasmBackend::new()
        .compile_module(&module, Target::Wasm64)
        .expect_err("unresolved");
    let text = err.to_string();
    assert!(
        text.starts_with("extern data `@table` is not defined in this module"),
        "{text}"
    );
    assert!(text.contains("--> u.vir:1:1"), "{text}");
}

/// An error of the lowering points into the unit the entity came from,
/// not into the linked text. (Here: a WASI function with a pointer that the
/// wasm64 adapter does not cover.)
fn lowering_errors_point_back_into_the_units() {
    let a = SourceFile::new(
        "first.vir",
        "pub fn @one() -> i32 {\nentry:\n  %x = i32.const 1\n  return %x\n}\n",
    );
    let b = SourceFile::new(
        "second.vir",
        "; a WASI function the adapter does not cover\n\
         extern fn @bogus(ptr) -> i32 from \"wasi_snapshot_preview1\" \"bogus\"\n",
    );
    let linked = link::link_files(&[a, b], &LinkOptions::default()).expect("links");
    let Err(Error::Ir(ds)) = linked.compile(Target::Wasm64) else {
        panic!("the uncovered WASI function must not compile");
    };
    assert_eq!(
        ds[0].location().as_deref(),
        Some("second.vir:2:1"),
        "{}",
        ds[0]
    );
    assert!(ds[0].message.starts_with("not yet supported"), "{}", ds[0]);
}

fn units_built_in_memory_link_under_unit_names() {
    use vitte_codegen_wasm64::ir::{Function, FunctionBuilder, Linkage, Signature, Type};
    let make = |value: i32, public: &str| {
        let mut m = Module::default();
        let sig = Signature {
            params: vec![],
            results: vec![Type::I32],
        };
        let f = m.add_function(Function::new("k", sig.clone(), Linkage::Private));
        let mut b = FunctionBuilder::new(&mut m, f);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        let v = b.iconst(Type::I32, value as i64);
        b.ret(&[v]);
        let g = m.add_function(Function::new(public, sig, Linkage::Public));
        let mut b = FunctionBuilder::new(&mut m, g);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        let r = b.call(f, &[]);
        b.ret(&r);
        m
    };
    let linked = link::link(&[make(1, "one"), make(2, "two")], &LinkOptions::default())
        .map_err(|ds| common::render_errors(&ds))
        .expect("links");
    assert!(linked.text().contains("fn @unit0.k()"), "{}", linked.text());
    assert!(linked.text().contains("fn @unit1.k()"), "{}", linked.text());
    let mut interp = Interpreter::new(&linked.module, Target::Wasm32).expect("runs");
    assert_eq!(interp.call("two", &[]), Ok(vec![Value::I32(2)]));
}

// ------------------------------------------------- the lowering's own cases

fn lowering_cases() -> Vec<PathBuf> {
    common::files_with_extension(&common::root().join("tests/cases"), "vir")
}

/// Linking one module alone changes nothing it does: every golden case of
/// the lowering passes its checks linked, in the interpreter.
fn a_module_linked_alone_keeps_its_behaviour() {
    common::run_all(&lowering_cases(), |path| {
        let file = load(path)?;
        let linked = link::link_files(std::slice::from_ref(&file), &LinkOptions::default())
            .map_err(|ds| common::render_errors(&ds))?;
        let checks = filetest::parse_checks(&file).map_err(|d| d.to_string())?;
        let typed = (checks.iter())
            .map(|c| c.typed(&linked.module, Target::Wasm64))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|d| d.to_string())?;
        checks::interpret_checks(&linked.module, Target::Wasm64, &typed)
            .map_err(|e| format!("{}: {e}", file.name))
    });
}

/// Any two of those modules link or fail with located errors, never a
/// panic, and what links compiles for both targets.
fn any_two_modules_link_or_fail_cleanly() {
    let files: Vec<Arc<SourceFile>> = lowering_cases()
        .iter()
        .map(|p| load(p).expect("reads"))
        .collect();
    let (mut linked, mut refused) = (0, 0);
    for (i, a) in files.iter().enumerate() {
        for b in &files[i + 1..] {
            let pair = [a.clone(), b.clone()];
            match link::link_files(&pair, &LinkOptions::default()) {
                Ok(l) => {
                    for target in [Target::Wasm64, Target::Wasm32] {
                        if let Err(e) = l.compile(target) {
                            panic!("{} + {} ({target}): {e}", a.name, b.name);
                        }
                    }
                    linked += 1;
                }
                Err(ds) => {
                    assert!(
                        ds.iter().all(|d| d.location().is_some()),
                        "{}",
                        common::render_errors(&ds)
                    );
                    refused += 1;
                }
            }
        }
    }
    eprintln!("{linked} pairs linked, {refused} refused");
    assert!(
        linked > 0 && refused > 0,
        "{linked} linked, {refused} refused"
    );
}
