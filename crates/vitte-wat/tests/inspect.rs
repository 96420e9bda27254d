//! `vitte-wat inspect`: the report of linked units, `--addr` against
//! `llvm-symbolizer`, a `.wasm` input against the `.vir` it was built
//! from, and bad inputs.

mod common;

use common::{TempDir, root, stderr, stdout, vitte_wat};
use serde_json::Value;
use std::process::Command;

const UNITS: [&str; 3] = [
    "tests/link/three_modules/a.vir",
    "tests/link/three_modules/b.vir",
    "tests/link/three_modules/c.vir",
];

/// `vitte-wat inspect --json ARGS`, which must succeed: the parsed report.
fn inspect_json(args: &[&str]) -> Value {
    let o = vitte_wat(&[&["inspect", "--json"], args].concat());
    assert!(o.status.success(), "inspect {args:?}: {}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(report["schema"], "vitte-wat-inspect/1");
    report
}

fn array<'a>(report: &'a Value, key: &str) -> &'a Vec<Value> {
    report[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is a list"))
}

/// The unit and line where `fn @name` is defined (not declared `extern`).
fn definition(name: &str) -> (&'static str, u64) {
    let needle = format!("fn @{name}(");
    UNITS
        .iter()
        .find_map(|unit| {
            let text = std::fs::read_to_string(root().join(unit)).expect("a unit");
            let defines = |l: &str| l.trim_start_matches("pub ").starts_with(&needle);
            let index = text.lines().position(defines)?;
            Some((*unit, index as u64 + 1))
        })
        .unwrap_or_else(|| panic!("no unit defines @{name}"))
}

#[test]
fn linked_units_list_each_function_with_its_own_file_and_line() {
    let report = inspect_json(&UNITS);
    let functions = array(&report, "functions");
    // 17 defined, less c.vir's private `@at` and `@count`: inlined at
    // every call, they are left out (`dead-functions`).
    assert_eq!(functions.len(), 15, "{functions:?}");
    for gone in ["at", "count"] {
        assert!(!functions.iter().any(|f| f["name"] == gone), "@{gone}");
    }
    for f in functions {
        let name = f["name"].as_str().expect("a name");
        let (file, line) = definition(name);
        assert_eq!(f["file"], file, "@{name}");
        assert_eq!(f["line"], line, "@{name}");
        assert!(f["code_size"].as_u64().expect("a size") > 0);
    }
    let numbers = (array(&report, "data").iter())
        .find(|d| d["name"] == "numbers")
        .expect("b.vir's @numbers");
    assert_eq!(numbers["size"], 16);
    let memory = &report["memory"];
    let heap_base = memory["heap_base"].as_u64().expect("a heap base");
    assert!(heap_base >= memory["stack_top"].as_u64().expect("a stack top"));
    let slots: Vec<&str> = (array(&report, "table").iter())
        .map(|s| s["function"].as_str().expect("a name"))
        .collect();
    assert_eq!(slots, ["square", "negate"]);
}

/// Every offset of fib's code maps to the position `llvm-symbolizer` reads
/// from the DWARF of `build -g`.
#[test]
fn addr_maps_code_offsets_to_the_lines_of_the_dwarf() {
    let dir = TempDir::new("inspect-addr");
    let wasm = dir.path("fib.wasm");
    let wasm_arg = wasm.to_str().expect("utf-8 temp path");
    let o = vitte_wat(&["build", "-g", "examples/fib.vir", "-o", wasm_arg]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = inspect_json(&["examples/fib.vir"]);
    let fib = &array(&report, "functions")[0];
    let start = fib["code_offset"].as_u64().expect("an offset");
    let end = start + fib["code_size"].as_u64().expect("a size");
    let mut lines = std::collections::BTreeSet::new();
    for offset in start..end {
        let addr = format!("{offset:#x}");
        let at = &inspect_json(&["examples/fib.vir", "--addr", &addr])["address"];
        assert_eq!(at["function"], "fib");
        let found = format!(
            "fib\n{}:{}:{}\n",
            at["file"].as_str().expect("a file"),
            at["line"],
            at["col"]
        );
        let o = Command::new("llvm-symbolizer")
            .arg(format!("--obj={wasm_arg}"))
            .arg(&addr)
            .output()
            .expect("llvm-symbolizer runs (apt-get install llvm)");
        assert!(
            stdout(&o).starts_with(&found),
            "{addr}: {found} against {}",
            stdout(&o)
        );
        lines.insert(at["line"].as_u64());
    }
    assert!(lines.len() > 3, "fib's code spans several lines: {lines:?}");
}

/// A binary `link` wrote reads as the `.vir` units it came from, but for
/// the IR's positions and layout: the same functions, code and table.
#[test]
fn a_wasm_input_reads_like_its_ir() {
    let dir = TempDir::new("inspect-wasm");
    let wasm = dir.path("linked.wasm");
    let wasm_arg = wasm.to_str().expect("utf-8 temp path");
    let o = vitte_wat(&[&["link", "-o", wasm_arg], &UNITS[..]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let from_ir = inspect_json(&UNITS);
    let from_wasm = inspect_json(&[wasm_arg]);
    let code = |r: &Value| -> Vec<(Value, Value, Value, Value)> {
        (array(r, "functions").iter())
            .map(|f| {
                (
                    f["index"].clone(),
                    f["name"].clone(),
                    f["code_offset"].clone(),
                    f["code_size"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(code(&from_wasm), code(&from_ir));
    for key in ["exports", "globals", "table", "imports"] {
        assert_eq!(from_wasm[key], from_ir[key], "{key}");
    }
    assert!(
        array(&from_wasm, "functions")
            .iter()
            .all(|f| f["file"].is_null())
    );
    assert!(from_wasm["memory"].is_null());
    let text = stdout(&vitte_wat(&["inspect", wasm_arg]));
    assert!(
        text.contains("@sum_squares") && text.contains("slot    2 = 1 @negate"),
        "{text}"
    );
}

/// Exit 1 with a located message, never a panic.
#[test]
fn bad_inputs_are_located_errors() {
    let dir = TempDir::new("inspect-bad");
    let bad_vir = dir.path("bad.vir");
    std::fs::write(&bad_vir, "fn @f( {\n").expect("write");
    let bad_wasm = dir.path("bad.wasm");
    std::fs::write(&bad_wasm, b"\0asm\x01\0\0\0\x01").expect("write");
    let (vir, wasm) = (
        bad_vir.to_str().expect("utf-8"),
        bad_wasm.to_str().expect("utf-8"),
    );
    let cases: [(&[&str], &str); 4] = [
        (&[vir], "bad.vir:1:8"),
        (&[wasm], "bad.wasm: invalid module at offset 0x9"),
        (
            &["examples/fib.vir", "--addr", "0x9999"],
            "--addr 0x9999: no function's code",
        ),
        (
            &[wasm, "examples/fib.vir"],
            "only Vitte IR (.vir) files are inspected together",
        ),
    ];
    for (args, expected) in cases {
        let o = vitte_wat(&[&["inspect"], args].concat());
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
    }
}

/// A binary built with `-g` reads its positions from its DWARF: each
/// function at the file and line `inspect` of the `.vir` units gives it,
/// and `--addr` at every code offset of `build -g examples/fib.vir` at the
/// position `--addr` on the `.vir` gives.
#[test]
fn a_wasm_with_dwarf_reads_like_its_ir() {
    let dir = TempDir::new("inspect-dwarf");
    let wasm = dir.path("linked.wasm");
    let wasm_arg = wasm.to_str().expect("utf-8 temp path");
    let o = vitte_wat(&[&["link", "-g", "-o", wasm_arg], &UNITS[..]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let from_ir = inspect_json(&UNITS);
    let from_wasm = inspect_json(&[wasm_arg]);
    let located = |r: &Value| -> Vec<(Value, Value, Value, Value)> {
        (array(r, "functions").iter())
            .map(|f| {
                let index = f["index"].clone();
                (
                    index,
                    f["name"].clone(),
                    f["file"].clone(),
                    f["line"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(located(&from_wasm), located(&from_ir));
    assert!(
        array(&from_wasm, "functions")
            .iter()
            .all(|f| f["file"].is_string())
    );
    let text = stdout(&vitte_wat(&["inspect", wasm_arg]));
    assert!(text.contains("tests/link/three_modules/a.vir:"), "{text}");

    let fib_wasm = dir.path("fib.wasm");
    let fib_arg = fib_wasm.to_str().expect("utf-8 temp path");
    let o = vitte_wat(&["build", "-g", "examples/fib.vir", "-o", fib_arg]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = inspect_json(&[fib_arg]);
    let fib = &array(&report, "functions")[0];
    let ir_report = inspect_json(&["examples/fib.vir"]);
    let ir_fib = &array(&ir_report, "functions")[0];
    assert_eq!(
        (&fib["file"], &fib["line"]),
        (&ir_fib["file"], &ir_fib["line"])
    );
    assert_eq!(fib["file"], "examples/fib.vir");
    let start = fib["code_offset"].as_u64().expect("an offset");
    let end = start + fib["code_size"].as_u64().expect("a size");
    for offset in start..end {
        let addr = format!("{offset:#x}");
        let from_wasm = &inspect_json(&[fib_arg, "--addr", &addr])["address"];
        let from_ir = &inspect_json(&["examples/fib.vir", "--addr", &addr])["address"];
        assert_eq!(from_wasm, from_ir, "{addr}");
        assert!(from_wasm["line"].is_u64(), "{addr}: {from_wasm}");
    }
    // Without DWARF, no positions (as before).
    let plain = dir.path("plain.wasm");
    let plain_arg = plain.to_str().expect("utf-8 temp path");
    let o = vitte_wat(&["build", "examples/fib.vir", "-o", plain_arg]);
    assert!(o.status.success(), "{}", stderr(&o));
    let at = &inspect_json(&[plain_arg, "--addr", &format!("{start:#x}")])["address"];
    assert!(at["file"].is_null(), "{at}");
}

/// DWARF that does not parse is warned about, not fatal: the report is the
/// one of a binary without it.
#[test]
fn unreadable_dwarf_is_a_warning() {
    let dir = TempDir::new("inspect-bad-dwarf");
    let wasm = dir.path("fib.wasm");
    let wasm_arg = wasm.to_str().expect("utf-8 temp path");
    let o = vitte_wat(&["build", "examples/fib.vir", "-o", wasm_arg]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut bytes = std::fs::read(&wasm).expect("the binary");
    // A custom section `.debug_info` holding a unit header cut short.
    let name = b".debug_info";
    let content = [&[name.len() as u8][..], name, &[0xff, 0xff, 0xff, 0x0f, 4]].concat();
    bytes.extend([0, content.len() as u8]);
    bytes.extend(content);
    std::fs::write(&wasm, bytes).expect("write");
    let o = vitte_wat(&["inspect", "--json", wasm_arg, "--addr", "0x10"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("unreadable DWARF"), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert!(report["functions"][0]["file"].is_null());
    assert!(report["address"]["file"].is_null());
}
