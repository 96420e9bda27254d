//! From wasm code offsets back to the IR: which function, and which block.
//!
//! The lowering writes `;; fn @name, line N` before each function and
//! `;; label, line N` where each IR block's code starts, and prints one wasm
//! instruction per line. So the k-th instruction line of a function in the
//! WAT is the k-th operator of its body in the binary, whose offset wasmtime
//! reports in a backtrace: the block comment above that line gives the IR
//! block and its line. (The IR line of the instruction itself is not in the
//! WAT; the block's label line is the finest the comments give.)
//!
//! When the WAT and the binary disagree on a function's instruction count
//! (WAT written by hand, another printer), that function falls back to the
//! line of its definition.

use std::collections::HashMap;
use wasmparser::{Parser, Payload};

/// Where lowered functions came from in the IR.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    file: String,
    /// By wasm function name (the WAT `$id`, which the name section keeps).
    funcs: HashMap<String, FuncSource>,
    /// By wasm function index: the offset of each operator of the body,
    /// the final `end` left out.
    bodies: HashMap<u32, Vec<usize>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct FuncSource {
    /// The IR name and the line of `fn @name`.
    name: String,
    line: usize,
    /// For each instruction line: the IR block (label, line) it belongs to.
    blocks: Vec<Option<(String, usize)>>,
}

impl SourceMap {
    /// Function names and definition lines from the WAT alone.
    pub fn from_wat(wat: &str, file: &str) -> SourceMap {
        SourceMap {
            file: file.to_string(),
            funcs: read_wat(wat),
            bodies: HashMap::new(),
        }
    }

    /// Also maps code offsets of `wasm` (assembled from `wat`) to IR blocks.
    pub fn new(wat: &str, wasm: &[u8], file: &str) -> SourceMap {
        let mut map = SourceMap::from_wat(wat, file);
        map.bodies = operator_offsets(wasm).unwrap_or_default();
        map
    }

    pub fn is_empty(&self) -> bool {
        self.funcs.is_empty()
    }

    /// `@name (file:line)` for a lowered IR function, with the block when
    /// the offset falls in one: `@name, block loop (file:14)`.
    pub(crate) fn describe(
        &self,
        wasm_name: &str,
        index: u32,
        offset: Option<usize>,
    ) -> Option<String> {
        let func = self.funcs.get(wasm_name)?;
        let block = offset.and_then(|o| self.block_at(func, index, o));
        Some(match block {
            Some((label, line)) => format!("@{}, block {label} ({}:{line})", func.name, self.file),
            None => format!("@{} ({}:{})", func.name, self.file, func.line),
        })
    }

    fn block_at<'a>(
        &self,
        func: &'a FuncSource,
        index: u32,
        offset: usize,
    ) -> Option<&'a (String, usize)> {
        let offsets = self.bodies.get(&index)?;
        if offsets.len() != func.blocks.len() {
            return None;
        }
        // The last operator starting at or before the offset.
        let k = offsets.partition_point(|&o| o <= offset).checked_sub(1)?;
        func.blocks[k].as_ref()
    }
}

/// Each function's IR name, line and the block of each instruction line.
fn read_wat(wat: &str) -> HashMap<String, FuncSource> {
    let mut funcs = HashMap::new();
    let mut pending: Option<(String, usize)> = None;
    let mut current: Option<(String, usize, FuncSource)> = None;
    let mut block: Option<(String, usize)> = None;
    for raw in wat.lines() {
        let line = raw.trim_start();
        let indent = raw.len() - line.len();
        if let Some((id, func_indent, source)) = &mut current {
            if line == ")" && indent == *func_indent {
                funcs.insert(std::mem::take(id), std::mem::take(source));
                current = None;
            } else if let Some(comment) = line.strip_prefix(";; ") {
                block = parse_line_comment(comment).or(block.take());
            } else if !line.is_empty() && !line.starts_with('(') {
                source.blocks.push(block.clone());
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix(";; fn @") {
            pending = parse_line_comment(rest);
        } else if let Some(rest) = line.strip_prefix("(func $") {
            let id: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != ')')
                .collect();
            if let Some((name, line_no)) = pending.take() {
                let source = FuncSource {
                    name,
                    line: line_no,
                    blocks: Vec::new(),
                };
                block = None;
                if closes_on_its_line(rest) {
                    funcs.insert(id, source);
                } else {
                    current = Some((id, indent, source));
                }
            }
        } else if !line.starts_with(";;") {
            pending = None;
        }
    }
    funcs
}

/// Whether a `(func` header line also closes the function (no body lines):
/// its parentheses balance the `(func` that opened it.
fn closes_on_its_line(rest: &str) -> bool {
    let opened = rest.matches('(').count();
    let closed = rest.matches(')').count();
    closed > opened
}

/// `NAME, line N` -> (NAME, N).
fn parse_line_comment(text: &str) -> Option<(String, usize)> {
    let (name, line) = text.split_once(", line ")?;
    Some((name.to_string(), line.trim().parse().ok()?))
}

/// The operator offsets of every function body, by function index.
fn operator_offsets(wasm: &[u8]) -> Option<HashMap<u32, Vec<usize>>> {
    let mut bodies = HashMap::new();
    let mut imported = 0u32;
    let mut defined = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.ok()? {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    if matches!(import.ok()?.ty, wasmparser::TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut reader = body.get_operators_reader().ok()?;
                let mut offsets = Vec::new();
                while !reader.eof() {
                    offsets.push(reader.read_with_offset().ok()?.1);
                }
                offsets.pop(); // the function's final `end`
                bodies.insert(imported + defined, offsets);
                defined += 1;
            }
            _ => {}
        }
    }
    Some(bodies)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAT: &str = "(module
  ;; fn @f, line 1
  (func $f (param $a i32) (param $b i32) (result i32)
    (local $t i32)
    ;; entry, line 2
    local.get $a
    local.get $b
    i32.div_s
  )
  ;; fn @a.b, line 12
  (func $a.b_1 (type 0))
  (func $helper
    nop
  )
)";

    #[test]
    fn functions_and_blocks_are_found() {
        let wasm = wat::parse_str(WAT).expect("wat");
        let map = SourceMap::new(WAT, &wasm, "f.vir");
        let body = &map.bodies[&0];
        assert_eq!(body.len(), 3);
        let at = |i: usize| map.describe("f", 0, Some(body[i]));
        assert_eq!(at(2).as_deref(), Some("@f, block entry (f.vir:2)"));
        assert_eq!(map.describe("f", 0, None).as_deref(), Some("@f (f.vir:1)"));
        assert_eq!(
            map.describe("a.b_1", 1, None).as_deref(),
            Some("@a.b (f.vir:12)")
        );
        assert_eq!(map.describe("helper", 2, Some(0)), None);
        // Without the binary, or when counts disagree: the function's line.
        let text_only = SourceMap::from_wat(WAT, "f.vir");
        assert_eq!(
            text_only.describe("f", 0, Some(body[2])).as_deref(),
            Some("@f (f.vir:1)")
        );
        let other =
            wat::parse_str("(module (func $f (param i32 i32) (result i32) i32.const 0))").unwrap();
        let mismatched = SourceMap::new(WAT, &other, "f.vir");
        assert_eq!(
            mismatched.describe("f", 0, Some(0x20)).as_deref(),
            Some("@f (f.vir:1)")
        );
    }

    /// The lowering prints one instruction per line: every function of every
    /// golden case, on both targets, maps instruction by instruction.
    #[test]
    fn every_lowered_function_maps_to_its_blocks() {
        use crate::ir::Target;
        use vitte_codegen_wasm64::WasmBackend;
        use vitte_codegen_wasm64::diag::SourceFile;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).expect("tests/cases").flatten() {
            let path = entry.path();
            let text = std::fs::read_to_string(&path).expect("case");
            for target in [Target::Wasm64, Target::Wasm32] {
                let file = SourceFile::new(path.display().to_string(), text.clone());
                let Ok(compiled) = WasmBackend::new().compile_source(&file, target) else {
                    continue;
                };
                let map = SourceMap::new(&compiled.wat, &compiled.wasm, "case.vir");
                let lengths: Vec<usize> = map.bodies.values().map(Vec::len).collect();
                for (name, func) in &map.funcs {
                    assert!(
                        lengths.contains(&func.blocks.len()),
                        "{}: {name}: {} instruction lines match no body",
                        path.display(),
                        func.blocks.len()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} functions checked");
    }
}
