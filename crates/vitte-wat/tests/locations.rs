//! Source positions in the WAT: none without `-g`, so that a golden file
//! changes only where the code changed; Binaryen's `;;@ file:line:col`
//! annotations with it, wherever the IR position changes.

mod common;

use common::root;
use std::collections::BTreeSet;
use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::ir::Target;
use vitte_codegen_wasm64::text;

const CASE: &str = "tests/cases/arith_i32.vir";

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).expect("readable case")
}

fn emit(name: &str, text: &str, locations: bool) -> String {
    let file = SourceFile::new(name, text);
    let module = text::load(&file).unwrap_or_else(|ds| panic!("{name}: {}", ds[0]));
    WasmBackend::new()
        .with_locations(locations)
        .emit_wat(&module, Target::Wasm64)
        .expect("lowers")
}

/// The lines of `new` that are not in `old`, when `new` is `old` with one
/// run of lines inserted; `None` when lines were removed or changed.
fn inserted<'a>(old: &str, new: &'a str) -> Option<Vec<&'a str>> {
    let (old, new): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (prefix + suffix == old.len()).then(|| new[prefix..new.len() - suffix].to_vec())
}

/// A reviewer's edit: two IR lines at the top of a function. Without `-g`
/// the WAT diff is the new instructions and nothing else; with it, the
/// annotations below the edit move too, which is what they are for.
#[test]
fn inserting_two_ir_lines_changes_only_their_wat_lines() {
    let old = read(CASE);
    let at = old.find("pub fn @mix").expect("@mix");
    let entry = at + old[at..].find("entry:\n").expect("entry") + "entry:\n".len();
    let mut new = old.clone();
    new.insert_str(
        entry,
        "  %seven = i32.const 7\n  %unused = i32.mul %seven, %b\n",
    );
    let (before, after) = (emit(CASE, &old, false), emit(CASE, &new, false));
    let diff = inserted(&before, &after);
    assert_eq!(
        diff,
        Some(vec![
            "    i32.const 7",
            "    local.get $b",
            "    i32.mul",
            "    drop"
        ])
    );
    let (before, after) = (emit(CASE, &old, true), emit(CASE, &new, true));
    assert_eq!(
        inserted(&before, &after),
        None,
        "-g annotations below the edit must move"
    );
}

/// With `-g`, each annotation names the case's file and the position of an
/// IR instruction or terminator (for inlined code, the callee's, then the
/// call's); it is written only when it changes; and
/// the text without the annotations (and the `;; param`/`;; var` lines of
/// DWARF's variables) is the text without `-g`.
#[test]
fn annotations_give_the_position_of_each_instruction() {
    let cases = common::files_with_extension(&root().join("tests/cases"), "vir");
    assert!(cases.len() >= 25);
    for path in cases {
        let name = path
            .strip_prefix(root())
            .expect("under the root")
            .display()
            .to_string();
        let text = std::fs::read_to_string(&path).expect("readable");
        let file = SourceFile::new(name.clone(), text.clone());
        let Ok(module) = text::load(&file) else {
            continue;
        };
        // Instructions and terminators; block parameters, which the
        // moves `reducible.rs` makes of them are attributed to; and the
        // functions, whose definition is written above their `(func`.
        let mut positions = BTreeSet::new();
        for func in &module.funcs {
            let def = std::iter::once(func.span);
            let params = func.values.iter().map(|v| v.span);
            let insts = func
                .blocks
                .iter()
                .flat_map(|b| b.insts.iter().map(|i| i.span));
            let terms = func.blocks.iter().map(|b| b.term_span);
            for span in def.chain(params).chain(insts).chain(terms) {
                let (line, col) = file.line_col(span.start as usize);
                positions.insert(format!("{name}:{line}:{col}"));
            }
        }
        let plain = emit(&name, &text, false);
        let located = emit(&name, &text, true);
        let mut last = None;
        let mut count = 0;
        for line in located.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("(func ") {
                last = None;
            }
            let Some(position) = trimmed.strip_prefix(";;@ ") else {
                continue;
            };
            // Inlined code: `POS, @callee#site inlined at CALL...`, each
            // position an instruction's (the callee's, then the calls).
            let mut levels = position.split(", @");
            let own = levels.next().expect("a position");
            let calls = levels.map(|l| l.split_once(" inlined at ").map(|(_, call)| call));
            for position in std::iter::once(Some(own)).chain(calls) {
                assert!(
                    position.is_some_and(|p| positions.contains(p)),
                    "{name}: `{line}` is no instruction"
                );
            }
            assert_ne!(
                last,
                Some(position),
                "{name}: `{line}` written twice in a row"
            );
            last = Some(position);
            count += 1;
        }
        assert!(count > 0, "{name}: no annotation");
        // `-g` also lists each function's parameters and variables (DWARF's).
        let debug_var = |l: &str| l.starts_with(";; param %") || l.starts_with(";; var $");
        let stripped: Vec<&str> = located
            .lines()
            .filter(|l| !l.trim_start().starts_with(";;@ ") && !debug_var(l.trim_start()))
            .collect();
        assert_eq!(stripped, plain.lines().collect::<Vec<_>>(), "{name}");
    }
}

/// A small function, annotation by annotation: the constant used once is
/// emitted at its use, under its user's position.
#[test]
fn annotations_precede_the_code_of_their_instruction() {
    let text = "pub fn @f(%a: i32) -> i32 {\nentry:\n  %k = i32.const 3\n  %r = i32.mul %a, %k\n  return %r\n}\n";
    let wat = emit("f.vir", text, true);
    let body: Vec<&str> = wat
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("(func $f "))
        .skip(1)
        .take_while(|l| *l != "  )")
        .map(str::trim)
        .collect();
    assert_eq!(
        body,
        [
            ";; entry",
            ";;@ f.vir:4:3",
            "local.get $a",
            "i32.const 3",
            "i32.mul",
            ";;@ f.vir:5:3",
            "return"
        ],
        "{wat}"
    );
}
