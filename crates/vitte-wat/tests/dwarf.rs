//! DWARF of `vitte-wat build -g` (src/dwarf.rs), on every golden case and
//! both targets:
//! - `llvm-dwarfdump --verify` accepts it (the tool must be installed: a
//!   missing tool fails the test, `.ci/run` installs it);
//! - `build -g` and `build -g --direct` give the same bytes, which are those
//!   of `build` followed by `.debug_*` custom sections only (so the code
//!   section, which the addresses point into, is the same);
//! - read back with gimli, the line table maps each operator's address to
//!   the IR line and column it was lowered from (`Compiled::origins`), and
//!   each function's range to a subprogram named after the IR function;
//! - every IR parameter and variable has a DIE whose `DW_OP_WASM_location`
//!   names a local of its type and name (the binary's name section), a
//!   parameter's local never written;
//! - `emit -g | asm -g` gives the bytes of `build -g --direct`, the origins
//!   read back from the annotations being the lowering's, and `asm`
//!   without -g the bytes of `build`.
//!
//! And `asm -g` on WAT without annotations: DWARF pointing at the WAT's
//! own lines (and `<stdin>`'s); a malformed annotation a located error.
//!
//! `link -g` of three units: the line table and each subprogram name the
//! unit each function comes from.
//!
//! A module built by a frontend with locations in its own `demo.vt`: the
//! line table names `demo.vt` and the lines given, alone and linked.
//!
//! One test per case, named by its path (`cargo test --release --test dwarf
//! fib`).

mod common;

use common::{TempDir, relative, root, stderr, vitte_wat};
use gimli::{ColumnType, EndianSlice, LittleEndian, SectionId};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::ir::{BinaryOp, CmpOp, Edge, FuncId, Location, Module, Op, Target, Type};
use vitte_codegen_wasm64::link::{self, LinkOptions};
use vitte_codegen_wasm64::wat::{FuncOrigins, Origin, annotations};
use vitte_codegen_wasm64::{Compiled, Context, WasmBackend, dwarf};
use wasmparser::{Operator, Parser, Payload};

const TARGETS: [(Target, &str); 2] = [(Target::Wasm64, "wasm64"), (Target::Wasm32, "wasm32")];

fn main() {
    let (files, enough) = common::golden_cases();
    let mut trials = vec![
        enough,
        common::test_fn(
            "fib_line_table_lists_its_lines",
            fib_line_table_lists_its_lines,
        ),
        common::test_fn(
            "origins_that_do_not_fit_are_an_error",
            origins_that_do_not_fit_are_an_error,
        ),
        common::test_fn(
            "plain_wat_points_at_its_own_lines",
            plain_wat_points_at_its_own_lines,
        ),
        common::test_fn(
            "malformed_annotations_are_located_errors",
            malformed_annotations_are_located_errors,
        ),
        common::test_fn(
            "linked_units_keep_their_own_files",
            linked_units_keep_their_own_files,
        ),
        common::test_fn(
            "fib_parameter_n_is_in_local_0",
            fib_parameter_n_is_in_local_0,
        ),
        common::test_fn(
            "frontend_locations_reach_the_line_table",
            frontend_locations_reach_the_line_table,
        ),
        common::test_fn(
            "linked_frontend_locations_keep_their_file",
            linked_frontend_locations_keep_their_file,
        ),
        common::test_fn(
            "llvm_symbolizer_names_an_inlined_callee_then_its_caller",
            llvm_symbolizer_names_an_inlined_callee_then_its_caller,
        ),
    ];
    trials.extend(common::file_trials(&files, check_case));
    common::run_trials(trials)
}

fn check_case(path: &Path) -> Result<(), String> {
    let name = relative(path);
    let dir = TempDir::new("dwarf");
    for (target, target_name) in TARGETS {
        let at = format!("{name} ({target_name})");
        let with_g = build(&dir, &name, target_name, &["-g"]).map_err(|e| format!("{at}: {e}"))?;
        let direct = build(&dir, &name, target_name, &["-g", "--direct"])
            .map_err(|e| format!("{at}: {e}"))?;
        if direct != with_g {
            return Err(format!("{at}: build -g --direct differs from build -g"));
        }
        let plain = build(&dir, &name, target_name, &[]).map_err(|e| format!("{at}: {e}"))?;
        only_debug_sections_added(&plain, &with_g).map_err(|e| format!("{at}: {e}"))?;
        verify(&dir, &with_g).map_err(|e| format!("{at}: {e}"))?;
        let compiled = compile(&name, target);
        if compiled.wasm != with_g {
            return Err(format!("{at}: the library's bytes differ from build -g's"));
        }
        lines_match_origins(&compiled).map_err(|e| format!("{at}: {e}"))?;
        inlined_frames_match_origins(&compiled).map_err(|e| format!("{at}: {e}"))?;
        vars_match_locals(&load(&name), &compiled, target).map_err(|e| format!("{at}: {e}"))?;
        let wat = dir.path(&format!("{target_name}.wat"));
        emit_g(&name, target_name, &wat).map_err(|e| format!("{at}: {e}"))?;
        origins_read_back(&wat, &compiled).map_err(|e| format!("{at}: {e}"))?;
        if asm(&dir, &wat, &["-g"]).map_err(|e| format!("{at}: {e}"))? != direct {
            return Err(format!("{at}: emit -g | asm -g differs from build -g"));
        }
        if asm(&dir, &wat, &[]).map_err(|e| format!("{at}: {e}"))? != plain {
            return Err(format!("{at}: asm of emit -g differs from build"));
        }
    }
    Ok(())
}

/// `vitte-wat emit -g --target T FILE -o WAT`.
fn emit_g(file: &str, target: &str, wat: &Path) -> Result<(), String> {
    let wat = wat.to_str().expect("utf-8 temp path");
    let o = vitte_wat(&["emit", "-g", "--target", target, file, "-o", wat]);
    match o.status.success() {
        true => Ok(()),
        false => Err(format!("emit -g failed: {}", stderr(&o))),
    }
}

/// `vitte-wat asm WAT -o OUT` with `args`: the output's bytes.
fn asm(dir: &TempDir, wat: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = dir.path("asm.wasm");
    let (wat, out_arg) = (wat.to_str(), out.to_str());
    let mut all = vec!["asm", wat.expect("utf-8"), "-o", out_arg.expect("utf-8")];
    all.extend(args);
    let o = vitte_wat(&all);
    if !o.status.success() {
        return Err(format!("asm {args:?} failed: {}", stderr(&o)));
    }
    std::fs::read(&out).map_err(|e| format!("asm.wasm: {e}"))
}

/// The origins `asm -g` reads from the text of `emit -g` are exactly the
/// lowering's; the WASI adapters after them have none.
fn origins_read_back(wat: &Path, compiled: &Compiled) -> Result<(), String> {
    let text = std::fs::read_to_string(wat).map_err(|e| e.to_string())?;
    let (_, read) = annotations::assemble_with_origins(&text, "emitted.wat")
        .map_err(|e| format!("asm -g: {e}"))?;
    if read.len() < compiled.origins.len() {
        return Err(format!("{} bodies read back", read.len()));
    }
    let (ours, adapters) = read.split_at(compiled.origins.len());
    let lowered = compiled.origins.iter().zip(ours);
    if let Some((want, got)) = lowered.into_iter().find(|(want, got)| want != got) {
        return Err(format!(
            "origins of `{}` read back as {got:?}, lowered as {want:?}",
            want.wasm_name
        ));
    }
    let located = |f: &FuncOrigins| f.def.is_some() || f.operators.iter().any(Option::is_some);
    match adapters.iter().any(located) {
        true => Err("an adapter has origins".into()),
        false => Ok(()),
    }
}

/// `vitte-wat build --target T FILE -o OUT` with `args`: the output's bytes.
fn build(dir: &TempDir, file: &str, target: &str, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = dir.path(&format!("{target}{}.wasm", args.join("")));
    let out_arg = out.to_str().expect("utf-8 temp path");
    let mut all = vec!["build", "--target", target, file, "-o", out_arg];
    all.extend(args);
    let o = vitte_wat(&all);
    if !o.status.success() {
        return Err(format!("build {args:?} failed: {}", stderr(&o)));
    }
    std::fs::read(&out).map_err(|e| format!("{out_arg}: {e}"))
}

/// The case, parsed and verified.
fn load(name: &str) -> Module {
    let text = std::fs::read_to_string(root().join(name)).expect("readable case");
    vitte_codegen_wasm64::text::load(&SourceFile::new(name, text))
        .unwrap_or_else(|ds| panic!("{name}: {}", ds[0]))
}

/// The case compiled by the library with debug information.
fn compile(name: &str, target: Target) -> Compiled {
    let text = std::fs::read_to_string(root().join(name)).expect("readable case");
    let file = SourceFile::new(name, text);
    WasmBackend::new()
        .with_debug_info(true)
        .compile_source(&file, target)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `with_g` is `plain` then custom sections named `.debug_*`, at least
/// `.debug_info` and `.debug_line`.
fn only_debug_sections_added(plain: &[u8], with_g: &[u8]) -> Result<(), String> {
    if !with_g.starts_with(plain) {
        return Err("-g changes the module's sections, not only appends".into());
    }
    let names: BTreeSet<String> = custom_sections(with_g).into_keys().collect();
    let plain_names: BTreeSet<String> = custom_sections(plain).into_keys().collect();
    let added: Vec<&String> = names.difference(&plain_names).collect();
    if added.iter().any(|n| !n.starts_with(".debug_")) {
        return Err(format!("-g adds other sections than DWARF: {added:?}"));
    }
    for needed in [".debug_info", ".debug_line", ".debug_abbrev", ".debug_str"] {
        if !names.contains(needed) {
            return Err(format!("no {needed} section"));
        }
    }
    Ok(())
}

/// Custom sections by name.
fn custom_sections(wasm: &[u8]) -> BTreeMap<String, &[u8]> {
    Parser::new(0)
        .parse_all(wasm)
        .filter_map(|payload| match payload.expect("a valid module") {
            Payload::CustomSection(c) => Some((c.name().to_owned(), c.data())),
            _ => None,
        })
        .collect()
}

/// `llvm-dwarfdump ARGS FILE` on `wasm` written to a file: its stdout.
fn dwarfdump(dir: &TempDir, wasm: &[u8], args: &[&str]) -> Result<String, String> {
    let path = dir.path("dump.wasm");
    std::fs::write(&path, wasm).expect("write temp file");
    let o = Command::new("llvm-dwarfdump")
        .args(args)
        .arg(&path)
        .output()
        .expect("llvm-dwarfdump runs (apt-get install llvm)");
    match o.status.success() {
        true => Ok(common::stdout(&o)),
        false => Err(format!(
            "llvm-dwarfdump {args:?}: {}\n{}",
            o.status,
            common::stdout(&o)
        )),
    }
}

fn verify(dir: &TempDir, wasm: &[u8]) -> Result<(), String> {
    let out = dwarfdump(dir, wasm, &["--verify"])?;
    match out.contains("No errors.") {
        true => Ok(()),
        false => Err(format!("llvm-dwarfdump --verify:\n{out}")),
    }
}

/// A row of the line table, read back.
#[derive(Debug)]
struct Row {
    address: u64,
    end_sequence: bool,
    file: String,
    line: u64,
    col: u64,
}

/// The DWARF of `wasm`, loaded with gimli's reader.
fn load_dwarf(wasm: &[u8]) -> gimli::Dwarf<EndianSlice<'_, LittleEndian>> {
    let sections = custom_sections(wasm);
    let section = |id: SectionId| -> Result<_, gimli::Error> {
        let data = sections.get(id.name()).copied().unwrap_or(&[]);
        Ok(EndianSlice::new(data, LittleEndian))
    };
    gimli::Dwarf::load(section).expect("DWARF loads")
}

type Reader<'a> = EndianSlice<'a, LittleEndian>;

/// The DWARF of `wasm` and each of its units, parsed.
fn units(wasm: &[u8]) -> gimli::Result<(gimli::Dwarf<Reader<'_>>, Vec<gimli::Unit<Reader<'_>>>)> {
    let dwarf = load_dwarf(wasm);
    let mut units = Vec::new();
    let mut headers = dwarf.units();
    while let Some(header) = headers.next()? {
        units.push(dwarf.unit(header)?);
    }
    Ok((dwarf, units))
}

/// The string a DIE's attribute names (`DW_AT_name` and the like).
fn string<'a>(
    dwarf: &gimli::Dwarf<Reader<'a>>,
    unit: &gimli::Unit<Reader<'a>>,
    attr: Option<gimli::AttributeValue<Reader<'a>>>,
) -> gimli::Result<String> {
    let value = attr.expect("a string attribute");
    Ok(dwarf
        .attr_string(unit, value)?
        .to_string_lossy()
        .into_owned())
}

/// The path of file `index` of `unit`'s line program.
fn file_path<'a>(
    dwarf: &gimli::Dwarf<Reader<'a>>,
    unit: &gimli::Unit<Reader<'a>>,
    index: u64,
) -> gimli::Result<String> {
    let program = unit.line_program.as_ref().expect("a line program");
    let file = program.header().file(index).expect("a file entry");
    Ok(dwarf
        .attr_string(unit, file.path_name())?
        .to_string_lossy()
        .into_owned())
}

/// Whether `entry` is a subprogram with code: not the abstract subprogram
/// an inlined callee's instances refer to.
fn is_concrete_subprogram(entry: &gimli::DebuggingInformationEntry<Reader<'_>>) -> bool {
    entry.tag() == gimli::DW_TAG_subprogram && entry.attr_value(gimli::DW_AT_inline).is_none()
}

/// Every row of every unit's line program, and each subprogram's name by
/// its low_pc.
fn read_back(wasm: &[u8]) -> gimli::Result<(Vec<Row>, BTreeMap<u64, String>)> {
    let (dwarf, units) = units(wasm)?;
    let (mut rows, mut subprograms) = (Vec::new(), BTreeMap::new());
    for unit in &units {
        let mut entries = unit.entries();
        while let Some(entry) = entries.next_dfs()? {
            if !is_concrete_subprogram(entry) {
                continue;
            }
            let name = string(&dwarf, unit, entry.attr_value(gimli::DW_AT_name))?;
            let Some(gimli::AttributeValue::Addr(low)) = entry.attr_value(gimli::DW_AT_low_pc)
            else {
                panic!("subprogram {name} without low_pc");
            };
            subprograms.insert(low, name);
        }
        let program = unit.line_program.clone().expect("a line program");
        let mut program_rows = program.rows();
        while let Some((header, row)) = program_rows.next_row()? {
            let file = row.file(header).expect("a file entry");
            let file = dwarf.attr_string(unit, file.path_name())?;
            rows.push(Row {
                address: row.address(),
                end_sequence: row.end_sequence(),
                file: file.to_string_lossy().into_owned(),
                line: row.line().map_or(0, |l| l.get()),
                col: match row.column() {
                    ColumnType::LeftEdge => 0,
                    ColumnType::Column(c) => c.get(),
                },
            });
        }
    }
    Ok((rows, subprograms))
}

/// The row in force at `address`: the last one at or before it in the
/// sequence that covers it.
fn row_at(rows: &[Row], address: u64) -> Option<&Row> {
    let mut found = None;
    let mut start = 0;
    for (i, row) in rows.iter().enumerate() {
        if row.end_sequence {
            let sequence = &rows[start..i];
            if sequence.first().is_some_and(|r| r.address <= address) && address < row.address {
                found = sequence.iter().rev().find(|r| r.address <= address);
            }
            start = i + 1;
        }
    }
    found
}

/// Each function's body start and operator addresses, code-section relative.
fn bodies(wasm: &[u8]) -> Vec<(u64, Vec<u64>)> {
    let mut start = 0;
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.expect("a valid module") {
            Payload::CodeSectionStart { range, .. } => start = range.start,
            Payload::CodeSectionEntry(body) => {
                let mut reader = body.get_operators_reader().expect("operators");
                let mut operators = Vec::new();
                while !reader.eof() {
                    let (_, offset) = reader.read_with_offset().expect("an operator");
                    operators.push((offset - start) as u64);
                }
                operators.pop(); // the final `end`, which has no origin
                out.push(((body.range().start - start) as u64, operators));
            }
            _ => {}
        }
    }
    out
}

fn lines_match_origins(compiled: &Compiled) -> Result<(), String> {
    let (rows, subprograms) = read_back(&compiled.wasm).map_err(|e| e.to_string())?;
    for (func, (start, operators)) in compiled.origins.iter().zip(bodies(&compiled.wasm)) {
        if func.def.is_none() {
            continue;
        }
        if subprograms.get(&start) != Some(&func.ir_name) {
            return Err(format!("no subprogram `{}` at {start:#x}", func.ir_name));
        }
        for (origin, address) in func.operators.iter().zip(operators) {
            // Before the first position, the prologue: the definition's.
            let expected = origin.as_ref().or(func.def.as_ref()).expect("a position");
            check_row(func, expected, row_at(&rows, address), address)?;
        }
    }
    Ok(())
}

/// A `DW_TAG_inlined_subroutine` read back: the name of its abstract
/// origin, its call's `file:line:col`, its depth in the unit and its
/// address ranges.
struct InlinedEntry {
    callee: String,
    call: String,
    depth: isize,
    ranges: Vec<(u64, u64)>,
}

fn read_inlined(wasm: &[u8]) -> gimli::Result<Vec<InlinedEntry>> {
    let (dwarf, units) = units(wasm)?;
    let mut out = Vec::new();
    for unit in &units {
        let mut entries = unit.entries();
        while let Some(entry) = entries.next_dfs()? {
            if entry.tag() != gimli::DW_TAG_inlined_subroutine {
                continue;
            }
            let Some(gimli::AttributeValue::UnitRef(origin)) =
                entry.attr_value(gimli::DW_AT_abstract_origin)
            else {
                panic!("an inlined subroutine without an abstract origin");
            };
            let callee = unit.entry(origin)?;
            let callee = string(&dwarf, unit, callee.attr_value(gimli::DW_AT_name))?;
            let Some(gimli::AttributeValue::FileIndex(file)) =
                entry.attr_value(gimli::DW_AT_call_file)
            else {
                panic!("{callee}: no call file");
            };
            let file = file_path(&dwarf, unit, file)?;
            let number = |at| entry.attr_value(at).and_then(|v| v.udata_value());
            let (line, col) = (
                number(gimli::DW_AT_call_line),
                number(gimli::DW_AT_call_column),
            );
            let call = format!(
                "{}:{}:{}",
                file,
                line.expect("a line"),
                col.expect("a column")
            );
            let mut ranges = Vec::new();
            let mut iter = dwarf.die_ranges(unit, entry)?;
            while let Some(range) = iter.next()? {
                ranges.push((range.begin, range.end));
            }
            out.push(InlinedEntry {
                callee,
                call,
                depth: entry.depth(),
                ranges,
            });
        }
    }
    Ok(out)
}

/// The inlined subroutines covering each operator's address, innermost
/// (deepest) first, name the callees and the calls of its origin's inline
/// chain, and no operator outside inlined code is covered by one.
fn inlined_frames_match_origins(compiled: &Compiled) -> Result<(), String> {
    let inlined = read_inlined(&compiled.wasm).map_err(|e| e.to_string())?;
    for (func, (_, operators)) in compiled.origins.iter().zip(bodies(&compiled.wasm)) {
        for (origin, address) in func.operators.iter().zip(operators) {
            let mut covering: Vec<&InlinedEntry> = (inlined.iter())
                .filter(|e| e.ranges.iter().any(|&(b, e)| b <= address && address < e))
                .collect();
            covering.sort_by_key(|e| -e.depth);
            let found: Vec<(String, String)> = (covering.iter())
                .map(|e| (e.callee.clone(), e.call.clone()))
                .collect();
            let chain = origin.iter().flat_map(|o| o.inline_chain());
            let expected: Vec<(String, String)> = chain
                .map(|at| (at.callee.to_string(), at.call.to_string()))
                .collect();
            if found != expected {
                return Err(format!(
                    "`{}`: the operator at {address:#x} is inlined at {expected:?} in the origins, {found:?} in the DWARF",
                    func.ir_name
                ));
            }
        }
    }
    Ok(())
}

fn check_row(
    func: &FuncOrigins,
    expected: &Origin,
    row: Option<&Row>,
    address: u64,
) -> Result<(), String> {
    let found = row.map(|r| format!("{}:{}:{}", r.file, r.line, r.col));
    match found == Some(expected.to_string()) {
        true => Ok(()),
        false => Err(format!(
            "`{}`: the operator at {address:#x} is {expected} in the origins, {found:?} in the line table",
            func.ir_name
        )),
    }
}

/// What a user sees: `llvm-dwarfdump --debug-line` names examples/fib.vir
/// and lists exactly the lines its operators come from, and
/// `llvm-symbolizer` names the function and its file and line.
fn fib_line_table_lists_its_lines() {
    let dir = TempDir::new("dwarf-fib");
    let with_g = build(&dir, "examples/fib.vir", "wasm64", &["-g"]).expect("builds");
    let dump = dwarfdump(&dir, &with_g, &["--debug-line"]).expect("dumps");
    assert!(dump.contains("name: \"examples/fib.vir\""), "{dump}");
    // Rows: `0x<address> <line> <column> <file> ...`.
    let listed: BTreeSet<u64> = dump
        .lines()
        .filter(|l| l.starts_with("0x"))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse().ok())
        .collect();
    let compiled = compile("examples/fib.vir", Target::Wasm64);
    let fib = &compiled.origins[0];
    let mut expected: BTreeSet<u64> = fib
        .operators
        .iter()
        .flatten()
        .map(|o| o.line.into())
        .collect();
    expected.insert(
        fib.def
            .as_ref()
            .expect("fib is defined in the file")
            .line
            .into(),
    );
    assert_eq!(listed, expected, "{dump}");

    let (start, operators) = &bodies(&with_g)[0];
    let (origin, address) = fib
        .operators
        .iter()
        .zip(operators)
        .find_map(|(o, a)| Some((o.as_ref()?, a)))
        .expect("a located operator");
    assert!(address > start);
    let o = Command::new("llvm-symbolizer")
        .arg(format!("--obj={}", dir.path("wasm64-g.wasm").display()))
        .arg(format!("{address:#x}"))
        .output()
        .expect("llvm-symbolizer runs (apt-get install llvm)");
    let out = common::stdout(&o);
    let expected = format!("fib\nexamples/fib.vir:{}:{}\n", origin.line, origin.col);
    assert!(out.starts_with(&expected), "llvm-symbolizer: {out}");
}

/// A trap three calls deep, @div inlined into @mid at -O2 (the default);
/// `@mid`, inlined into `@main` too, is public so that it keeps a body.
const DEEP: &str = "fn @div(%a: i32, %b: i32) -> i32 {\nentry:\n  %q = i32.div_s %a, %b\n  return %q\n}\n\n\
    pub fn @mid(%a: i32) -> i32 {\nentry:\n  %z = i32.const 0\n  %r = call @div(%a, %z)\n  return %r\n}\n\n\
    pub fn @main() -> i32 {\nentry:\n  %a = i32.const 7\n  %r = call @mid(%a)\n  return %r\n}\n";

/// `llvm-symbolizer --inlining` at the inlined division of `DEEP` prints
/// the callee's frame at the division, then the caller's at the call, on
/// both targets; and the DWARF's inlined subroutine is the origins'.
fn llvm_symbolizer_names_an_inlined_callee_then_its_caller() {
    let dir = TempDir::new("dwarf-inlined");
    for (target, target_name) in TARGETS {
        let backend = WasmBackend::new().with_debug_info(true);
        let file = SourceFile::new("deep.vir", DEEP);
        let compiled = backend.compile_source(&file, target).expect("compiles");
        let with_g = &compiled.wasm;
        verify(&dir, with_g).expect("valid DWARF");
        inlined_frames_match_origins(&compiled).expect("the inlined frames are the origins");
        let (mid, (_, operators)) = (compiled.origins.iter().zip(bodies(with_g)))
            .find(|(f, _)| f.ir_name == "mid")
            .expect("@mid");
        let (origin, address) = (mid.operators.iter().zip(operators))
            .find_map(|(o, a)| Some((o.as_ref().filter(|o| o.inlined.is_some())?, a)))
            .expect("code of @div in @mid");
        assert_eq!(origin.to_string(), "deep.vir:3:3");
        let wasm = dir.path(&format!("{target_name}-deep.wasm"));
        std::fs::write(&wasm, with_g).expect("write temp file");
        let o = Command::new("llvm-symbolizer")
            .args(["--inlining", &format!("--obj={}", wasm.display())])
            .arg(format!("{address:#x}"))
            .output()
            .expect("llvm-symbolizer runs (apt-get install llvm)");
        let out = common::stdout(&o);
        assert_eq!(
            out.lines().take(4).collect::<Vec<_>>(),
            ["div", "deep.vir:3:3", "mid", "deep.vir:10:3"],
            "{target_name}: {out}"
        );
    }
}

/// The library's entry point on inputs that do not fit: an error, never a
/// panic or sections describing the wrong code.
fn origins_that_do_not_fit_are_an_error() {
    let compiled = compile("examples/fib.vir", Target::Wasm64);
    let sections =
        |wasm: &[u8], origins: &[FuncOrigins]| dwarf::debug_sections(wasm, origins, Target::Wasm64);
    assert!(sections(&compiled.wasm, &compiled.origins).is_ok());
    assert!(sections(b"\0asm\x01\0\0\0\x0a\xff", &compiled.origins).is_err());
    let mut shorter = compiled.origins.clone();
    shorter[0].operators.pop();
    assert!(sections(&compiled.wasm, &shorter).is_err());
    let twice = [compiled.origins.clone(), compiled.origins.clone()].concat();
    assert!(sections(&compiled.wasm, &twice).is_err());
    let mut nul_name = compiled.origins.clone();
    nul_name[0].ir_name = "f\0ib".into();
    let unnamed = sections(&compiled.wasm, &nul_name).expect("no panic");
    assert!(String::from_utf8_lossy(&unnamed).contains("examples/fib.vir"));
    let mut nameless = compiled.origins.clone();
    for origin in nameless[0].operators.iter_mut().flatten() {
        origin.file = "a\0b".into();
    }
    nameless[0].def = None;
    let no_unit = sections(&compiled.wasm, &nameless).expect("no panic");
    assert!(!String::from_utf8_lossy(&no_unit).contains("fib.vir"));
}

/// WAT without annotations, flat and folded.
const PLAIN_WAT: &str = "(module
  (func $add (export \"add\") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)
  (func $twice (param i32) (result i32)
    (i32.mul
      (local.get 0)
      (i32.const 2))))
";

/// `asm -g` on WAT without annotations: valid DWARF whose rows are the
/// WAT's own positions (an operator where its text starts, the prologue at
/// the `func` keyword), named by the path given, `<stdin>` for `-`.
fn plain_wat_points_at_its_own_lines() {
    let dir = TempDir::new("dwarf-plain");
    let wat = dir.path("plain.wat");
    std::fs::write(&wat, PLAIN_WAT).expect("write temp file");
    let with_g = asm(&dir, &wat, &["-g"]).expect("asm -g");
    let plain = asm(&dir, &wat, &[]).expect("asm");
    only_debug_sections_added(&plain, &with_g).expect("only DWARF appended");
    verify(&dir, &with_g).expect("llvm-dwarfdump --verify");
    let name = wat.to_str().expect("utf-8 temp path");
    let expected = [
        ("add".to_string(), vec![(2, 4), (3, 5), (4, 5), (5, 5)]),
        ("twice".to_string(), vec![(6, 4), (8, 8), (9, 8), (7, 6)]),
    ];
    assert_eq!(positions(&with_g, name), expected);

    let stdin = std::fs::File::open(&wat).expect("readable");
    let o = common::vitte_wat_command()
        .args(["asm", "-g", "-"])
        .stdin(stdin)
        .output()
        .expect("vitte-wat runs");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(positions(&o.stdout, "<stdin>"), expected);
}

/// Per function: its subprogram's name, the row at its start, then the row
/// of each operator, as (line, column), every row in the file `file`.
fn positions(wasm: &[u8], file: &str) -> Vec<(String, Vec<(u64, u64)>)> {
    let (rows, subprograms) = read_back(wasm).expect("DWARF reads back");
    let row = |address| {
        let row = row_at(&rows, address).expect("a row");
        assert_eq!(row.file, file);
        (row.line, row.col)
    };
    bodies(wasm)
        .into_iter()
        .map(|(start, operators)| {
            let rows = std::iter::once(start).chain(operators).map(row).collect();
            (subprograms[&start].clone(), rows)
        })
        .collect()
}

/// A `;;@` line that is no `file:line:col` fails `asm -g` with an error at
/// it (not a panic); `asm` without -g reads it as the comment it is.
fn malformed_annotations_are_located_errors() {
    let dir = TempDir::new("dwarf-malformed");
    let wat = dir.path("bad.wat");
    let name = wat.to_str().expect("utf-8 temp path");
    for bad in [
        ";;@ foo",
        ";;@ f.vir:0:x",
        ";;@ f.vir:1:0",
        ";;@f.vir:1:1",
        ";;@ :1:1",
    ] {
        let text = format!("(module\n  (func\n    {bad}\n    nop))\n");
        std::fs::write(&wat, &text).expect("write temp file");
        let out = dir.path("bad.wasm");
        let o = vitte_wat(&["asm", "-g", name, "-o", out.to_str().expect("utf-8")]);
        assert_eq!(o.status.code(), Some(1), "{bad}: {}", stderr(&o));
        let message = stderr(&o);
        assert!(message.contains("malformed annotation"), "{bad}: {message}");
        assert!(message.contains(&format!("{name}:3:5")), "{bad}: {message}");
        asm(&dir, &wat, &[]).unwrap_or_else(|e| panic!("{bad}: {e}"));
    }
}

/// The units of tests/link/three_modules, as `link` is given them.
const UNITS: [&str; 3] = [
    "tests/link/three_modules/a.vir",
    "tests/link/three_modules/b.vir",
    "tests/link/three_modules/c.vir",
];

/// `link -g a.vir b.vir c.vir`: `--verify` passes, the line table names the
/// three files, the rows are the origins the library gives (each in its
/// unit's file), and each subprogram is declared at its `fn` line in its
/// own unit.
fn linked_units_keep_their_own_files() {
    let dir = TempDir::new("dwarf-link");
    let out = dir.path("linked.wasm");
    let out_arg = out.to_str().expect("utf-8 temp path");
    let o = vitte_wat(&[&["link", "-g", "-o", out_arg], &UNITS[..]].concat());
    assert!(o.status.success(), "link -g: {}", stderr(&o));
    let with_g = std::fs::read(&out).expect("link -g wrote its output");
    verify(&dir, &with_g).expect("valid DWARF");
    let dump = dwarfdump(&dir, &with_g, &["--debug-line"]).expect("dumps");
    for unit in UNITS {
        assert!(
            dump.contains(&format!("name: \"{unit}\"")),
            "{unit}:\n{dump}"
        );
    }

    let files: Vec<_> = UNITS
        .iter()
        .map(|u| SourceFile::new(*u, std::fs::read_to_string(root().join(u)).expect("a unit")))
        .collect();
    let linked = link::link_files(&files, &LinkOptions::default()).expect("links");
    let backend = WasmBackend::new().with_debug_info(true);
    let compiled = linked
        .compile_with(&backend, Target::Wasm64)
        .expect("compiles");
    assert_eq!(
        compiled.wasm, with_g,
        "the library's bytes differ from link -g's"
    );
    lines_match_origins(&compiled).expect("the line table is the origins");
    inlined_frames_match_origins(&compiled).expect("the inlined frames are the origins");
    // @sum_squares of b.vir calls @square of a.vir: inlined across units.
    let crossed = (compiled.origins.iter())
        .flat_map(|f| f.operators.iter().flatten())
        .any(|o| {
            o.inlined
                .as_ref()
                .is_some_and(|at| *at.call.file != *o.file)
        });
    assert!(crossed, "no code inlined from another unit");

    let decls = subprogram_decls(&with_g).expect("reads back");
    for func in &compiled.origins {
        let (file, line) = decls.get(&func.ir_name).expect("a subprogram");
        let expected = definition_line(&files, &func.ir_name);
        assert_eq!((file.as_str(), *line), expected, "`{}`", func.ir_name);
        let def = func.def.as_ref().expect("defined in a unit");
        assert_eq!((&*def.file, u64::from(def.line)), expected);
        // Its operators, too, are in its own file, but for code inlined
        // from a callee, in the callee's file, at a call in this one.
        for o in func.operators.iter().flatten() {
            let outermost = o.inline_chain().last().map_or(o, |at| &at.call);
            assert_eq!(*outermost.file, *file, "`{}`", func.ir_name);
            if let Some(at) = &o.inlined {
                assert_eq!(&*o.file, definition_line(&files, &at.callee).0);
            }
        }
    }
    assert_eq!(decls.len(), compiled.origins.len(), "{decls:?}");
    let decl_files: BTreeSet<&str> = decls.values().map(|(f, _)| f.as_str()).collect();
    assert_eq!(decl_files, BTreeSet::from(UNITS));
}

/// The unit and line where `fn @name` is defined (not declared `extern`).
fn definition_line<'a>(files: &'a [std::sync::Arc<SourceFile>], name: &str) -> (&'a str, u64) {
    let needle = format!("fn @{name}(");
    files
        .iter()
        .find_map(|f| {
            let defines = |l: &str| l.trim_start_matches("pub ").starts_with(&needle);
            let index = f.text.lines().position(defines)?;
            Some((f.name.as_str(), index as u64 + 1))
        })
        .unwrap_or_else(|| panic!("no unit defines @{name}"))
}

/// Each subprogram's name, and its `DW_AT_decl_file` and `DW_AT_decl_line`.
fn subprogram_decls(wasm: &[u8]) -> gimli::Result<BTreeMap<String, (String, u64)>> {
    let (dwarf, units) = units(wasm)?;
    let mut decls = BTreeMap::new();
    for unit in &units {
        let mut entries = unit.entries();
        while let Some(entry) = entries.next_dfs()? {
            if !is_concrete_subprogram(entry) {
                continue;
            }
            let name = string(&dwarf, unit, entry.attr_value(gimli::DW_AT_name))?;
            let Some(gimli::AttributeValue::FileIndex(index)) =
                entry.attr_value(gimli::DW_AT_decl_file)
            else {
                panic!("subprogram {name} without decl_file");
            };
            let file = file_path(&dwarf, unit, index)?;
            let line = entry
                .attr_value(gimli::DW_AT_decl_line)
                .and_then(|l| l.udata_value());
            decls.insert(name, (file, line.expect("a decl_line")));
        }
    }
    Ok(decls)
}

/// The lines of the made-up `demo.vt` the demo's instructions are given.
const DEMO_DEF: u32 = 1;
const DEMO_COMPARE: u32 = 3;
const DEMO_MUL: u32 = 4;
const DEMO_ADD: u32 = 6;
const DEMO_RETURN: u32 = 8;

/// A frontend's `demo(n)`, the sum of the squares below `n`, built with
/// locations in `demo.vt`: each instruction at its own line, except the
/// `acc + sq` addition, built after `set_location(None)`.
fn demo_context() -> (Context, FuncId) {
    let mut ctx = Context::new(Target::Wasm64);
    let file = ctx.module_mut().add_debug_file("demo.vt");
    let at = |line| Some(Location { file, line, col: 5 });
    let func = ctx.create_function("demo");
    let mut b = ctx.builder(func);
    b.set_function_location(at(DEMO_DEF));
    let n = b.param("n", Type::I64);
    b.result(Type::I64);
    let [entry, head, body, exit] = ["entry", "head", "body", "exit"].map(|n| b.create_block(n));
    let i = b.block_param(head, "i", Type::I64);
    let acc = b.block_param(head, "acc", Type::I64);
    b.switch_to_block(entry);
    b.set_location(at(2));
    let zero = b.iconst(Type::I64, 0);
    b.jump(head, &[zero, zero]);
    b.switch_to_block(head);
    b.set_location(at(DEMO_COMPARE));
    let done = b.compare(CmpOp::GeS, Type::I64, i, n);
    b.brif(done, Edge::new(exit, vec![]), Edge::new(body, vec![]));
    b.switch_to_block(body);
    b.set_location(at(DEMO_MUL));
    let sq = b.binary(BinaryOp::Mul, Type::I64, i, i);
    b.set_location(None);
    let acc1 = b.binary(BinaryOp::Add, Type::I64, acc, sq);
    b.set_location(at(DEMO_ADD));
    let one = b.iconst(Type::I64, 1);
    let i1 = b.binary(BinaryOp::Add, Type::I64, i, one);
    b.set_location(at(7));
    b.jump(head, &[i1, acc1]);
    b.switch_to_block(exit);
    b.set_location(at(DEMO_RETURN));
    b.ret(&[acc]);
    drop(b);
    assert!(ctx.errors().is_empty(), "{:?}", ctx.errors());
    (ctx, func)
}

/// The row of each `i64.ge_s`, `i64.mul` and `i64.add` of the first body
/// of `wasm`, in code order, as `(operator, file, line)`.
fn arithmetic_rows(wasm: &[u8]) -> Vec<(&'static str, String, u64)> {
    let (rows, _) = read_back(wasm).expect("DWARF reads back");
    let mut start = 0;
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.expect("a valid module") {
            Payload::CodeSectionStart { range, .. } => start = range.start,
            Payload::CodeSectionEntry(body) => {
                let mut reader = body.get_operators_reader().expect("operators");
                while !reader.eof() {
                    let (op, offset) = reader.read_with_offset().expect("an operator");
                    let name = match op {
                        Operator::I64GeS => "i64.ge_s",
                        Operator::I64Mul => "i64.mul",
                        Operator::I64Add => "i64.add",
                        _ => continue,
                    };
                    let row = row_at(&rows, (offset - start) as u64).expect("a row");
                    found.push((name, row.file.clone(), row.line));
                }
                return found;
            }
            _ => {}
        }
    }
    found
}

/// A builder-made module with locations in `demo.vt`: on both targets and
/// both paths the same bytes, valid DWARF (`--verify`), one compile unit
/// for `demo.vt` whose line table puts each operator at the line its
/// instruction was given (the one built without a location shares the row
/// of the code before it: it starts no row of its own), the subprogram
/// declared at the function's location; and `emit -g | asm -g` reads the
/// same origins back from the `;;@ demo.vt:...` lines.
fn frontend_locations_reach_the_line_table() {
    let dir = TempDir::new("dwarf-frontend");
    let (ctx, _) = demo_context();
    let module = ctx.verify().unwrap_or_else(|e| panic!("{}", e.report()));
    for (target, target_name) in TARGETS {
        let backend = WasmBackend::new().with_debug_info(true);
        let compiled = backend.compile_module(module, target).expect("compiles");
        let direct = backend
            .compile_module_direct(module, target)
            .expect("encodes");
        assert_eq!(
            compiled.wasm, direct,
            "{target_name}: text and direct paths"
        );
        verify(&dir, &compiled.wasm).unwrap_or_else(|e| panic!("{target_name}: {e}"));
        lines_match_origins(&compiled).unwrap_or_else(|e| panic!("{target_name}: {e}"));
        let rows = arithmetic_rows(&compiled.wasm);
        let lines = |op| -> Vec<(String, u64)> {
            let of_op = rows.iter().filter(|(o, ..)| *o == op);
            of_op.map(|(_, file, line)| (file.clone(), *line)).collect()
        };
        let at = |line: u32| ("demo.vt".to_string(), u64::from(line));
        // The loop's test may be copied to its bottom: one row or two.
        let compares = lines("i64.ge_s");
        assert!(!compares.is_empty() && compares.iter().all(|r| *r == at(DEMO_COMPARE)));
        assert_eq!(lines("i64.mul"), [at(DEMO_MUL)], "{target_name}");
        assert_eq!(
            lines("i64.add"),
            [at(DEMO_MUL), at(DEMO_ADD)],
            "{target_name}"
        );
        let (rows, _) = read_back(&compiled.wasm).expect("reads back");
        let lines: BTreeSet<u64> = rows.iter().map(|r| r.line).collect();
        assert!(rows.iter().all(|r| r.file == "demo.vt"), "{rows:?}");
        assert!(lines.contains(&DEMO_RETURN.into()), "{lines:?}");
        let decls = subprogram_decls(&compiled.wasm).expect("reads back");
        assert_eq!(decls["demo"], ("demo.vt".to_string(), DEMO_DEF.into()));

        let wat = WasmBackend::new()
            .with_locations(true)
            .emit_wat(module, target)
            .expect("emits");
        assert!(wat.contains(";;@ demo.vt:4:5\n"), "{wat}");
        let (wasm, origins) = annotations::assemble_with_origins(&wat, "demo.wat").expect("asm -g");
        assert_eq!(
            origins, compiled.origins,
            "{target_name}: origins read back"
        );
        let with_dwarf = dwarf::append_debug_info(wasm, &origins, target).expect("DWARF");
        assert_eq!(with_dwarf, compiled.wasm, "{target_name}: emit -g | asm -g");
    }
}

/// `link -g` of the builder-made unit and a text unit: each function keeps
/// its own file (the builder's `demo.vt`, the text's `b.vir`), and the
/// instruction built without a location falls back to its span, which for
/// a unit built in memory is in the linked text.
fn linked_frontend_locations_keep_their_file() {
    let (ctx, _) = demo_context();
    let text = "pub fn @twice(%x: i64) -> i64 {\nentry:\n  %y = i64.add %x, %x\n  return %y\n}\n";
    let b_unit = vitte_codegen_wasm64::text::load(&SourceFile::new("b.vir", text))
        .unwrap_or_else(|ds| panic!("{}", ds[0]));
    let linked = link::link(&[ctx.module().clone(), b_unit], &LinkOptions::default())
        .unwrap_or_else(|ds| panic!("{}", ds[0]));
    let backend = WasmBackend::new().with_debug_info(true);
    let compiled = linked
        .compile_with(&backend, Target::Wasm64)
        .expect("compiles");
    lines_match_origins(&compiled).expect("the line table is the origins");
    let decls = subprogram_decls(&compiled.wasm).expect("reads back");
    assert_eq!(decls["demo"], ("demo.vt".to_string(), DEMO_DEF.into()));
    assert_eq!(decls["twice"], ("b.vir".to_string(), 1));
    let rows = arithmetic_rows(&compiled.wasm);
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|(op, ..)| *op != "i64.ge_s")
        .collect();
    let mul_line = 1 + linked
        .text()
        .lines()
        .position(|l| l.contains("i64.mul"))
        .expect("the linked text has the mul") as u64;
    let add_line = mul_line + 1;
    assert!(
        linked
            .text()
            .lines()
            .nth(add_line as usize - 1)
            .is_some_and(|l| l.contains("i64.add"))
    );
    assert_eq!(
        rows,
        vec![
            ("i64.mul", "demo.vt".into(), DEMO_MUL.into()),
            ("i64.add", "linked.vir".into(), add_line),
            ("i64.add", "demo.vt".into(), DEMO_ADD.into()),
        ]
    );
}

/// A `DW_TAG_formal_parameter` or `DW_TAG_variable`, read back.
#[derive(Debug)]
struct VarDie {
    /// Its subprogram's `DW_AT_low_pc`.
    func: u64,
    param: bool,
    name: String,
    /// Its base type's name and byte size.
    ty: (String, u64),
    location: Vec<u8>,
}

/// Every parameter and variable DIE of `wasm`'s DWARF.
fn read_vars(wasm: &[u8]) -> gimli::Result<Vec<VarDie>> {
    let (dwarf, units) = units(wasm)?;
    let mut vars = Vec::new();
    for unit in &units {
        let mut entries = unit.entries();
        let mut func = None;
        while let Some(entry) = entries.next_dfs()? {
            let param = match entry.tag() {
                gimli::DW_TAG_subprogram => {
                    func = match entry.attr_value(gimli::DW_AT_low_pc) {
                        Some(gimli::AttributeValue::Addr(low)) => Some(low),
                        _ => None,
                    };
                    continue;
                }
                gimli::DW_TAG_formal_parameter => true,
                gimli::DW_TAG_variable => false,
                _ => continue,
            };
            let name = string(&dwarf, unit, entry.attr_value(gimli::DW_AT_name))?;
            let Some(gimli::AttributeValue::UnitRef(ty)) = entry.attr_value(gimli::DW_AT_type)
            else {
                panic!("{name} without a type");
            };
            let ty = unit.entry(ty)?;
            assert_eq!(ty.tag(), gimli::DW_TAG_base_type);
            let size = ty
                .attr_value(gimli::DW_AT_byte_size)
                .and_then(|s| s.udata_value());
            let ty = (
                string(&dwarf, unit, ty.attr_value(gimli::DW_AT_name))?,
                size.expect("a size"),
            );
            let Some(gimli::AttributeValue::Exprloc(location)) =
                entry.attr_value(gimli::DW_AT_location)
            else {
                panic!("{name} without a location expression");
            };
            vars.push(VarDie {
                func: func.expect("a variable inside a subprogram"),
                param,
                name,
                ty,
                location: location.0.slice().to_vec(),
            });
        }
    }
    Ok(vars)
}

/// A function body as the binary has it: its locals' names (the name
/// section's) and types, and the locals it writes.
#[derive(Default)]
struct BodyLocals {
    names: BTreeMap<u32, String>,
    types: Vec<wasmparser::ValType>,
    written: BTreeSet<u32>,
}

/// The locals of every body of `wasm`, by the body's address.
fn body_locals(wasm: &[u8]) -> BTreeMap<u64, BodyLocals> {
    let (mut types, mut func_types, mut imports) = (Vec::new(), Vec::new(), 0);
    let mut names: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    let (mut start, mut bodies) = (0, Vec::new());
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.expect("a valid module") {
            Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    types.push(ty.expect("a function type").params().to_vec());
                }
            }
            Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    let import = import.expect("an import");
                    imports += u32::from(matches!(import.ty, wasmparser::TypeRef::Func(_)));
                }
            }
            Payload::FunctionSection(r) => func_types.extend(r.into_iter().map(|t| t.unwrap())),
            Payload::CodeSectionStart { range, .. } => start = range.start,
            Payload::CodeSectionEntry(body) => {
                let mut locals = BodyLocals {
                    types: types[func_types[bodies.len()] as usize].clone(),
                    ..BodyLocals::default()
                };
                for run in body.get_locals_reader().expect("locals") {
                    let (count, ty) = run.expect("a local");
                    locals.types.extend(std::iter::repeat_n(ty, count as usize));
                }
                let mut reader = body.get_operators_reader().expect("operators");
                while !reader.eof() {
                    match reader.read().expect("an operator") {
                        Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                            locals.written.insert(local_index);
                        }
                        _ => {}
                    }
                }
                bodies.push(((body.range().start - start) as u64, locals));
            }
            Payload::CustomSection(c) => {
                if let wasmparser::KnownCustom::Name(reader) = c.as_known() {
                    for name in reader {
                        if let wasmparser::Name::Local(map) = name.expect("a name subsection") {
                            for func in map {
                                let func = func.expect("a function's names");
                                let locals = func.names.into_iter().map(|n| {
                                    let n = n.expect("a name");
                                    (n.index, n.name.to_string())
                                });
                                names.insert(func.index, locals.collect());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for (k, (address, mut locals)) in bodies.into_iter().enumerate() {
        locals.names = names.remove(&(imports + k as u32)).unwrap_or_default();
        out.insert(address, locals);
    }
    out
}

/// The DWARF of every parameter and variable of the IR (`module`) against
/// the binary, which is read independently: each DIE is at `DW_OP_WASM_location
/// 0x0 <local>, DW_OP_stack_value`, that local has the type of the IR's
/// (`ptr` the address's width) and is named after it in the name section,
/// a parameter's local is never written, and every parameter and every
/// variable left after the default passes is described.
fn vars_match_locals(module: &Module, compiled: &Compiled, target: Target) -> Result<(), String> {
    let bodies = body_locals(&compiled.wasm);
    let vars = read_vars(&compiled.wasm).map_err(|e| e.to_string())?;
    for var in &vars {
        let at = format!("`{}` ({})", var.name, var.func);
        let body = bodies
            .get(&var.func)
            .ok_or(format!("{at}: no body at its function"))?;
        let local = match var.location.as_slice() {
            [0xed, 0x00, rest @ .., 0x9f] => {
                uleb(rest).ok_or(format!("{at}: {:x?}", var.location))?
            }
            other => return Err(format!("{at}: location {other:x?}")),
        };
        let ty = body
            .types
            .get(local as usize)
            .ok_or(format!("{at}: no local {local}"))?;
        let wide = target == Target::Wasm64;
        let expected = match var.ty.0.as_str() {
            "i32" => (wasmparser::ValType::I32, 4),
            "i64" => (wasmparser::ValType::I64, 8),
            "f32" => (wasmparser::ValType::F32, 4),
            "f64" => (wasmparser::ValType::F64, 8),
            "ptr" if wide => (wasmparser::ValType::I64, 8),
            "ptr" => (wasmparser::ValType::I32, 4),
            other => return Err(format!("{at}: type {other}")),
        };
        if (*ty, var.ty.1) != expected {
            return Err(format!(
                "{at}: local {local} is {ty:?}, DWARF says {:?}",
                var.ty
            ));
        }
        let name = body.names.get(&local).map_or("", String::as_str);
        let suffix = name.strip_prefix(var.name.as_str());
        let named = suffix.is_some_and(|s| s.is_empty() || s.starts_with('_'));
        if !named {
            return Err(format!("{at}: local {local} is named `{name}`"));
        }
        if var.param && body.written.contains(&local) {
            return Err(format!("{at}: parameter local {local} is written"));
        }
    }
    let described = |param: bool| vars.iter().filter(|v| v.param == param).count();
    // A variable nothing reads or writes is left out (it is always 0).
    let accessed = |f: &vitte_codegen_wasm64::ir::Function| {
        let ops = f.blocks.iter().flat_map(|b| &b.insts).map(|i| &i.op);
        let vars = ops.filter_map(|op| match op {
            Op::VarGet(v) | Op::VarSet(v, _) => Some(*v),
            _ => None,
        });
        vars.collect::<BTreeSet<_>>().len()
    };
    // Counted in the IR the lowering sees, after the default passes:
    // `promote-vars` takes variables out of their locals, and a variable
    // in no single local is left out rather than described wrongly. Only
    // the functions the module has: `dead-functions` leaves out those
    // inlining made unreachable.
    let optimized =
        vitte_codegen_wasm64::lower::optimize_module(module, &Default::default(), |_, _| {});
    let emitted: BTreeSet<&str> = (compiled.origins.iter())
        .map(|f| f.ir_name.as_str())
        .collect();
    let defined =
        (optimized.funcs.iter()).filter(|f| !f.is_import() && emitted.contains(f.name.as_str()));
    let (params, locals): (usize, usize) = defined
        .map(|f| (f.params.len(), accessed(f)))
        .fold((0, 0), |(p, v), (a, b)| (p + a, v + b));
    if (described(true), described(false)) != (params, locals) {
        return Err(format!(
            "{} parameters and {} variables described, the IR has {params} and {locals}",
            described(true),
            described(false)
        ));
    }
    Ok(())
}

/// An unsigned LEB128 number that is all of `bytes`.
fn uleb(bytes: &[u8]) -> Option<u32> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate() {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return (i + 1 == bytes.len()).then_some(u32::try_from(value).ok()?);
        }
    }
    None
}

/// `fib`'s parameter `n`, as `llvm-dwarfdump --debug-info` shows it: a
/// `DW_TAG_formal_parameter` in local 0 (`(param $n i32)` in the WAT), its
/// type the 4-byte signed base type `i32`.
fn fib_parameter_n_is_in_local_0() {
    let compiled = compile("examples/fib.vir", Target::Wasm64);
    assert!(
        compiled
            .wat
            .contains("(func $fib (type $t0) (param $n i32)"),
        "{}",
        compiled.wat
    );
    let vars = read_vars(&compiled.wasm).expect("reads back");
    let n = vars
        .iter()
        .find(|v| v.name == "n")
        .expect("`n` is described");
    assert!(n.param);
    assert_eq!(n.location, [0xed, 0x00, 0x00, 0x9f]);
    assert_eq!(n.ty, ("i32".to_string(), 4));
    let dir = TempDir::new("dwarf-fib-n");
    let dump = dwarfdump(&dir, &compiled.wasm, &["--debug-info"]).expect("dumps");
    assert!(
        dump.contains("DW_OP_WASM_location 0x0 0x0, DW_OP_stack_value"),
        "{dump}"
    );
}
