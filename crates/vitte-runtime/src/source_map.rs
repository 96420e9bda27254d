//! From wasm code offsets back to the IR: which function, and which
//! instruction of its `.vir` file.
//!
//! The lowering gives, for each function, the IR origin of each operator of
//! its body in the binary's order ([`FuncOrigins`], in
//! [`vitte_codegen_wasm64::Compiled::origins`]); the binary gives the offset
//! of each operator, which wasmtime reports in a backtrace. Nothing is read
//! from the WAT text, so its comments and annotations are free to change.
//!
//! When the binary and the origins disagree on a function's operator count
//! (a binary not assembled from that lowering), that function falls back to
//! the position of its definition.

use std::collections::HashMap;
use vitte_codegen_wasm64::wat::{FuncOrigins, Origin};
use wasmparser::{Parser, Payload};

/// Where lowered functions came from in the IR.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// By wasm function name (the WAT `$id`, which the name section keeps).
    funcs: HashMap<String, FuncOrigins>,
    /// By wasm function index: the offset of each operator of the body,
    /// the final `end` left out.
    bodies: HashMap<u32, Vec<usize>>,
}

impl SourceMap {
    /// Maps code offsets of `wasm` to the origins of the lowering it was
    /// assembled from.
    pub fn new(origins: &[FuncOrigins], wasm: &[u8]) -> SourceMap {
        SourceMap {
            funcs: origins
                .iter()
                .map(|f| (f.wasm_name.clone(), f.clone()))
                .collect(),
            bodies: operator_offsets(wasm).unwrap_or_default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.funcs.is_empty()
    }

    /// `@name (file:line:col)` for a lowered IR function: the position of
    /// the instruction at the offset, else of the function's definition.
    pub(crate) fn describe(
        &self,
        wasm_name: &str,
        index: u32,
        offset: Option<usize>,
    ) -> Option<String> {
        let (ir_name, origin) = self.locate(wasm_name, index, offset)?;
        Some(match origin {
            Some(origin) => format!("@{ir_name} ({origin})"),
            None => format!("@{ir_name}"),
        })
    }

    /// The IR function's name and the origin of the instruction at the
    /// offset, else of the function's definition.
    pub(crate) fn locate(
        &self,
        wasm_name: &str,
        index: u32,
        offset: Option<usize>,
    ) -> Option<(&str, Option<&Origin>)> {
        let func = self.funcs.get(wasm_name)?;
        let origin = offset
            .and_then(|o| self.origin_at(func, index, o))
            .or(func.def.as_ref());
        Some((&func.ir_name, origin))
    }

    fn origin_at<'a>(
        &self,
        func: &'a FuncOrigins,
        index: u32,
        offset: usize,
    ) -> Option<&'a Origin> {
        let offsets = self.bodies.get(&index)?;
        if offsets.len() != func.operators.len() {
            return None;
        }
        // The last operator starting at or before the offset.
        let k = offsets.partition_point(|&o| o <= offset).checked_sub(1)?;
        func.operators[k].as_ref()
    }
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
    use crate::ir::Target;
    use vitte_codegen_wasm64::WasmBackend;
    use vitte_codegen_wasm64::diag::SourceFile;

    const VIR: &str = "fn @f(%a: i32, %b: i32) -> i32 {
entry:
  %q = i32.div_s %a, %b
  return %q
}

pub fn @main(%a: i32) -> i32 {
entry:
  %z = i32.const 0
  %r = call @f(%a, %z)
  return %r
}
";

    fn compiled(target: Target) -> vitte_codegen_wasm64::Compiled {
        let file = SourceFile::new("f.vir", VIR);
        WasmBackend::new()
            .compile_source(&file, target)
            .expect("compiles")
    }

    #[test]
    fn operators_map_to_their_instructions() {
        for target in [Target::Wasm64, Target::Wasm32] {
            let c = compiled(target);
            let map = SourceMap::new(&c.origins, &c.wasm);
            let body = &map.bodies[&0];
            // local.get $a, local.get $b, i32.div_s, return.
            assert_eq!(body.len(), 4, "{}", c.wat);
            let at = |i: usize| map.describe("f", 0, Some(body[i]));
            assert_eq!(at(2).as_deref(), Some("@f (f.vir:3:3)"));
            assert_eq!(at(3).as_deref(), Some("@f (f.vir:4:3)"));
            assert_eq!(
                map.describe("f", 0, None).as_deref(),
                Some("@f (f.vir:1:1)")
            );
            let main = &map.bodies[&1];
            let call = map.describe("main", 1, Some(main[2]));
            assert_eq!(call.as_deref(), Some("@main (f.vir:10:3)"), "{}", c.wat);
            assert_eq!(map.describe("helper", 2, Some(0)), None);
        }
    }

    /// A binary that is not the lowering's: the function's definition.
    #[test]
    fn a_mismatched_body_falls_back_to_the_definition() {
        let c = compiled(Target::Wasm64);
        let other =
            wat::parse_str("(module (func $f (param i32 i32) (result i32) i32.const 0))").unwrap();
        let map = SourceMap::new(&c.origins, &other);
        assert_eq!(
            map.describe("f", 0, Some(0x20)).as_deref(),
            Some("@f (f.vir:1:1)")
        );
    }

    /// Every function of every golden case, on both targets, has as many
    /// origins as its body has operators.
    #[test]
    fn every_lowered_function_maps_operator_by_operator() {
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
                let bodies = operator_offsets(&compiled.wasm).expect("valid");
                // Defined functions are numbered after the imported ones.
                let first = bodies.keys().min().copied().unwrap_or(0);
                for (i, func) in compiled.origins.iter().enumerate() {
                    assert_eq!(
                        bodies[&(first + i as u32)].len(),
                        func.operators.len(),
                        "{}: {}",
                        path.display(),
                        func.wasm_name
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} functions checked");
    }
}
