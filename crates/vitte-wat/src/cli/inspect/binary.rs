//! What `inspect` reads of a wasm binary: its functions and their code,
//! imports, exports, globals, table slots and names (the name section).
//!
//! Code offsets are relative to the code section's contents, as DWARF's
//! addresses are: `llvm-symbolizer` and `inspect --addr` take the same numbers.

use std::collections::BTreeMap;
use wasmparser::{
    CompositeInnerType, ElementItems, ElementKind, ExternalKind, FuncType, KnownCustom, Name,
    Operator, Parser, Payload, TypeRef,
};

/// The facts of one binary, by wasm index.
#[derive(Default)]
pub struct Binary {
    /// Each function type's signature, `(i32, i64) -> i32`.
    types: Vec<String>,
    /// The type of every function, imports first.
    pub func_types: Vec<u32>,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub globals: Vec<Global>,
    /// The defined functions' bodies, in order.
    pub bodies: Vec<Body>,
    /// `(slot, function index)` of the active element segments.
    pub table: Vec<(u64, u32)>,
    pub func_names: BTreeMap<u32, String>,
    pub global_names: BTreeMap<u32, String>,
    pub memory64: bool,
}

pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: &'static str,
    /// A function's signature, else the type of the memory, table or global.
    pub ty: String,
}

pub struct Export {
    pub name: String,
    pub kind: &'static str,
    pub index: u32,
}

pub struct Global {
    pub ty: String,
    pub mutable: bool,
}

/// A function body: where its code is, and where each operator starts (the
/// final `end` left out, as in [`vitte_codegen_wasm64::wat::FuncOrigins`]).
pub struct Body {
    pub offset: u64,
    pub size: u64,
    pub operators: Vec<u64>,
}

impl Binary {
    /// Reads a binary that passed validation.
    pub fn read(wasm: &[u8]) -> Result<Binary, wasmparser::BinaryReaderError> {
        let mut b = Binary::default();
        let mut code_start = 0;
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::TypeSection(r) => {
                    for group in r {
                        for sub in group?.into_types() {
                            b.types.push(match &sub.composite_type.inner {
                                CompositeInnerType::Func(f) => signature(f),
                                other => format!("{other:?}"),
                            });
                        }
                    }
                }
                Payload::ImportSection(r) => {
                    for import in r.into_imports() {
                        b.import(import?);
                    }
                }
                Payload::FunctionSection(r) => {
                    for ty in r {
                        b.func_types.push(ty?);
                    }
                }
                Payload::MemorySection(r) => {
                    for memory in r {
                        b.memory64 |= memory?.memory64;
                    }
                }
                Payload::GlobalSection(r) => {
                    for global in r {
                        let ty = global?.ty;
                        let (ty, mutable) = (format!("{}", ty.content_type), ty.mutable);
                        b.globals.push(Global { ty, mutable });
                    }
                }
                Payload::ExportSection(r) => {
                    for export in r {
                        let e = export?;
                        let (name, kind) = (e.name.to_string(), kind_name(e.kind));
                        b.exports.push(Export {
                            name,
                            kind,
                            index: e.index,
                        });
                    }
                }
                Payload::ElementSection(r) => {
                    for element in r {
                        b.element(element?)?;
                    }
                }
                Payload::CodeSectionStart { range, .. } => code_start = range.start,
                Payload::CodeSectionEntry(body) => b.bodies.push(read_body(&body, code_start)?),
                Payload::CustomSection(c) => {
                    if let KnownCustom::Name(names) = c.as_known() {
                        for name in names {
                            b.names(name?)?;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(b)
    }

    fn import(&mut self, import: wasmparser::Import<'_>) {
        let (kind, ty) = match import.ty {
            TypeRef::Func(t) => {
                self.func_types.push(t);
                ("func", self.signature(t))
            }
            TypeRef::Memory(m) => {
                self.memory64 |= m.memory64;
                ("memory", format!("{m:?}"))
            }
            TypeRef::Global(g) => ("global", format!("{}", g.content_type)),
            TypeRef::Table(t) => ("table", format!("{}", t.element_type)),
            other => ("other", format!("{other:?}")),
        };
        self.imports.push(Import {
            module: import.module.to_string(),
            name: import.name.to_string(),
            kind,
            ty,
        });
    }

    /// The slots an active segment of function indices fills.
    fn element(
        &mut self,
        element: wasmparser::Element<'_>,
    ) -> Result<(), wasmparser::BinaryReaderError> {
        let (ElementKind::Active { offset_expr, .. }, ElementItems::Functions(funcs)) =
            (element.kind, element.items)
        else {
            return Ok(());
        };
        let start = match offset_expr.get_operators_reader().read()? {
            Operator::I32Const { value } => u64::from(value as u32),
            Operator::I64Const { value } => value as u64,
            _ => return Ok(()),
        };
        for (slot, func) in (start..).zip(funcs) {
            self.table.push((slot, func?));
        }
        Ok(())
    }

    fn names(&mut self, name: Name<'_>) -> Result<(), wasmparser::BinaryReaderError> {
        let map = match name {
            Name::Function(map) => (map, &mut self.func_names),
            Name::Global(map) => (map, &mut self.global_names),
            _ => return Ok(()),
        };
        for naming in map.0 {
            let naming = naming?;
            map.1.insert(naming.index, naming.name.to_string());
        }
        Ok(())
    }

    /// The signature of the type `index`.
    pub fn signature(&self, index: u32) -> String {
        let ty = self.types.get(index as usize);
        ty.cloned().unwrap_or_else(|| format!("type {index}"))
    }

    /// How many functions are imported: the first defined one's index.
    pub fn imported_funcs(&self) -> u32 {
        (self.func_types.len() - self.bodies.len()) as u32
    }

    /// The signature of the function `index`.
    pub fn func_signature(&self, index: u32) -> String {
        match self.func_types.get(index as usize) {
            Some(&ty) => self.signature(ty),
            None => format!("function {index}"),
        }
    }
}

fn read_body(
    body: &wasmparser::FunctionBody<'_>,
    code_start: usize,
) -> Result<Body, wasmparser::BinaryReaderError> {
    let mut reader = body.get_operators_reader()?;
    let mut operators = Vec::new();
    while !reader.eof() {
        let (_, offset) = reader.read_with_offset()?;
        operators.push((offset - code_start) as u64);
    }
    operators.pop();
    let range = body.range();
    Ok(Body {
        offset: (range.start - code_start) as u64,
        size: range.len() as u64,
        operators,
    })
}

fn signature(f: &FuncType) -> String {
    let list = |types: &[wasmparser::ValType]| {
        let names: Vec<String> = types.iter().map(|t| t.to_string()).collect();
        names.join(", ")
    };
    format!("({}) -> ({})", list(f.params()), list(f.results()))
}

fn kind_name(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func => "func",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Table => "table",
        _ => "other",
    }
}
