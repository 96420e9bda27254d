//! The report of `inspect`: built from the binary and, for IR inputs, the
//! origins and the layout; printed as text or serialized as JSON
//! (`vitte-wat-inspect/1`). Everything is in index order: the same input
//! gives the same bytes.

use super::Inspected;
use super::binary::{Binary, Body};
use super::dwarf::DebugInfo;
use crate::cli::Failure;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use vitte_codegen_wasm64::memory::data_size;
use vitte_codegen_wasm64::wat::{FuncOrigins, Origin};

pub const SCHEMA: &str = "vitte-wat-inspect/1";

#[derive(Serialize)]
pub struct Report {
    schema: &'static str,
    target: &'static str,
    functions: Vec<Function>,
    imports: Vec<Import>,
    exports: Vec<Export>,
    globals: Vec<Global>,
    /// The IR's data definitions (none for a binary read alone).
    data: Vec<Data>,
    /// The memory layout of the IR (`null` for a binary read alone).
    memory: Option<MemoryMap>,
    table: Vec<Slot>,
    /// What `--addr` asked for.
    address: Option<Address>,
}

#[derive(Serialize)]
struct Function {
    index: u32,
    /// The IR name, else the name section's, else `func<index>`.
    name: String,
    file: Option<String>,
    line: Option<u32>,
    code_offset: u64,
    code_size: u64,
    signature: String,
}

#[derive(Serialize)]
struct Import {
    module: String,
    name: String,
    kind: &'static str,
    #[serde(rename = "type")]
    ty: String,
}

#[derive(Serialize)]
struct Export {
    name: String,
    kind: &'static str,
    index: u32,
    /// A function's signature.
    signature: Option<String>,
}

#[derive(Serialize)]
struct Global {
    index: u32,
    name: Option<String>,
    #[serde(rename = "type")]
    ty: String,
    mutable: bool,
}

#[derive(Serialize)]
struct Data {
    name: String,
    address: u64,
    size: u64,
    align: u32,
    /// `data @x const`; left out of the JSON when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    readonly: bool,
}

#[derive(Serialize)]
struct MemoryMap {
    data_end: u64,
    stack_base: u64,
    stack_top: u64,
    heap_base: u64,
    min_pages: u64,
}

#[derive(Serialize)]
struct Slot {
    slot: u64,
    index: u32,
    function: String,
}

#[derive(Serialize)]
struct Address {
    offset: u64,
    function: String,
    index: u32,
    file: Option<String>,
    line: Option<u32>,
    col: Option<u32>,
}

pub fn build(
    i: &Inspected,
    b: &Binary,
    debug: Option<&DebugInfo>,
    addr: Option<u64>,
) -> Result<Report, Failure> {
    let names = Names::new(b, &i.origins);
    let functions = functions(b, &names, debug);
    let address = addr.map(|a| address(b, &names, debug, a)).transpose()?;
    let (data, memory) = layout(i);
    Ok(Report {
        schema: SCHEMA,
        target: if b.memory64 { "wasm64" } else { "wasm32" },
        imports: imports(b),
        exports: exports(b),
        globals: globals(b),
        table: (b.table.iter())
            .map(|&(slot, index)| Slot {
                slot,
                index,
                function: names.of(index),
            })
            .collect(),
        functions,
        data,
        memory,
        address,
    })
}

/// Function names and origins by wasm index.
struct Names<'a> {
    binary: &'a Binary,
    origins: BTreeMap<u32, &'a FuncOrigins>,
}

impl<'a> Names<'a> {
    /// The origins are keyed by the wasm names the name section keeps.
    fn new(binary: &'a Binary, origins: &'a [FuncOrigins]) -> Names<'a> {
        let by_name: BTreeMap<&str, &FuncOrigins> =
            origins.iter().map(|f| (f.wasm_name.as_str(), f)).collect();
        let origins = (binary.func_names.iter())
            .filter_map(|(&index, name)| Some((index, *by_name.get(name.as_str())?)))
            .collect();
        Names { binary, origins }
    }

    fn of(&self, index: u32) -> String {
        match (self.origins.get(&index), self.binary.func_names.get(&index)) {
            (Some(origins), _) => origins.ir_name.clone(),
            (None, Some(name)) => name.clone(),
            (None, None) => format!("func{index}"),
        }
    }
}

/// Each defined function, located by the IR's origins, else by the
/// binary's DWARF (its subprogram's declaration).
fn functions(b: &Binary, names: &Names, debug: Option<&DebugInfo>) -> Vec<Function> {
    (b.imported_funcs()..)
        .zip(&b.bodies)
        .map(|(index, body)| {
            let def = names.origins.get(&index).and_then(|o| o.def.as_ref());
            let (file, line) = match (def, debug) {
                (Some(o), _) => (Some(o.file.to_string()), Some(o.line)),
                (None, Some(debug)) => match debug.decls.get(&body.offset) {
                    Some(p) => (Some(p.file.clone()), Some(p.line)),
                    None => (None, None),
                },
                (None, None) => (None, None),
            };
            Function {
                index,
                name: names.of(index),
                file,
                line,
                code_offset: body.offset,
                code_size: body.size,
                signature: b.func_signature(index),
            }
        })
        .collect()
}

fn imports(b: &Binary) -> Vec<Import> {
    (b.imports.iter())
        .map(|i| Import {
            module: i.module.clone(),
            name: i.name.clone(),
            kind: i.kind,
            ty: i.ty.clone(),
        })
        .collect()
}

fn exports(b: &Binary) -> Vec<Export> {
    (b.exports.iter())
        .map(|e| Export {
            name: e.name.clone(),
            kind: e.kind,
            index: e.index,
            signature: (e.kind == "func").then(|| b.func_signature(e.index)),
        })
        .collect()
}

fn globals(b: &Binary) -> Vec<Global> {
    let imported = b.imports.iter().filter(|i| i.kind == "global").count() as u32;
    (imported..)
        .zip(&b.globals)
        .map(|(index, g)| Global {
            index,
            name: b.global_names.get(&index).cloned(),
            ty: g.ty.clone(),
            mutable: g.mutable,
        })
        .collect()
}

/// The data symbols and the memory map of the IR's layout.
fn layout(i: &Inspected) -> (Vec<Data>, Option<MemoryMap>) {
    let Some((module, layout)) = &i.ir else {
        return (Vec::new(), None);
    };
    let ptr_bytes = u64::from(layout.target.pointer_bits() / 8);
    let data = (module.data.iter().zip(&layout.data_addrs))
        .map(|(d, &address)| Data {
            name: d.name.clone(),
            address,
            size: data_size(&d.items, ptr_bytes),
            align: d.align,
            readonly: d.readonly,
        })
        .collect();
    let memory = MemoryMap {
        data_end: layout.data_end,
        stack_base: layout.stack_base,
        stack_top: layout.stack_top,
        heap_base: layout.heap_base,
        min_pages: layout.min_pages,
    };
    (data, Some(memory))
}

/// The function whose code holds `offset`, and the IR position of the
/// instruction there: the origins', else the DWARF line table's.
fn address(
    b: &Binary,
    names: &Names,
    debug: Option<&DebugInfo>,
    offset: u64,
) -> Result<Address, Failure> {
    let found = (b.imported_funcs()..)
        .zip(&b.bodies)
        .find(|(_, body)| body.offset <= offset && offset < body.offset + body.size);
    let Some((index, body)) = found else {
        return Err(Failure::error(format!(
            "--addr {offset:#x}: no function's code is at that offset of the code section"
        )));
    };
    let origin = names
        .origins
        .get(&index)
        .and_then(|o| origin_at(o, body, offset));
    let position = match (origin, debug) {
        (Some(o), _) => Some((o.file.to_string(), o.line, o.col)),
        (None, Some(debug)) => (debug.position(offset)).map(|p| (p.file.clone(), p.line, p.col)),
        (None, None) => None,
    };
    let (file, line, col) = match position {
        Some((file, line, col)) => (Some(file), Some(line), Some(col)),
        None => (None, None, None),
    };
    Ok(Address {
        offset,
        function: names.of(index),
        index,
        file,
        line,
        col,
    })
}

/// The origin of the last operator at or before `offset`; the definition's
/// before the first one, or when the origins do not fit the body.
fn origin_at<'a>(func: &'a FuncOrigins, body: &Body, offset: u64) -> Option<&'a Origin> {
    if func.operators.len() != body.operators.len() {
        return func.def.as_ref();
    }
    let before = body.operators.partition_point(|&o| o <= offset);
    let at = before
        .checked_sub(1)
        .and_then(|k| func.operators[k].as_ref());
    at.or(func.def.as_ref())
}

/// The report for a reader: one section per kind of entity.
pub fn text(r: &Report) -> String {
    let mut out = format!("target {}\n", r.target);
    let at = |file: &Option<String>, line: Option<u32>| match (file, line) {
        (Some(file), Some(line)) => format!("{file}:{line}"),
        _ => "-".to_string(),
    };
    out += "\nfunctions (index, code offset, size, name, source):\n";
    for f in &r.functions {
        let source = at(&f.file, f.line);
        let (index, offset, size) = (f.index, f.code_offset, f.code_size);
        let _ = writeln!(
            out,
            "  {index:>4}  {offset:#08x}  {size:>6}  @{}  {source}  {}",
            f.name, f.signature
        );
    }
    section(&mut out, "imports", &r.imports, |i| {
        format!("{} {:?} {:?}: {}", i.kind, i.module, i.name, i.ty)
    });
    section(&mut out, "exports", &r.exports, |e| {
        let sig = e
            .signature
            .as_ref()
            .map_or(String::new(), |s| format!(" {s}"));
        format!("{} {:?} = {}{sig}", e.kind, e.name, e.index)
    });
    section(&mut out, "globals", &r.globals, |g| {
        let name = g.name.as_deref().unwrap_or("-");
        let mutable = if g.mutable { "mut " } else { "" };
        format!("{:>4}  {name}: {mutable}{}", g.index, g.ty)
    });
    section(&mut out, "data", &r.data, |d| {
        format!(
            "{:#010x}  {:>6} bytes  align {}  @{}{}",
            d.address,
            d.size,
            d.align,
            d.name,
            if d.readonly { "  const" } else { "" }
        )
    });
    if let Some(m) = &r.memory {
        let _ = writeln!(
            out,
            "\nmemory:\n  data end    {:#x}\n  stack       {:#x}..{:#x}\n  heap base   {:#x}\n  min pages   {}",
            m.data_end, m.stack_base, m.stack_top, m.heap_base, m.min_pages
        );
    }
    section(&mut out, "table", &r.table, |s| {
        format!("slot {:>4} = {} @{}", s.slot, s.index, s.function)
    });
    if let Some(a) = &r.address {
        let source = match (&a.file, a.line, a.col) {
            (Some(file), Some(line), Some(col)) => format!("{file}:{line}:{col}"),
            _ => "no IR position".to_string(),
        };
        let _ = writeln!(
            out,
            "\naddress {:#x}: @{} (function {}) {source}",
            a.offset, a.function, a.index
        );
    }
    out
}

/// A titled list, left out when empty.
fn section<T>(out: &mut String, title: &str, items: &[T], line: impl Fn(&T) -> String) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}:");
    for item in items {
        let _ = writeln!(out, "  {}", line(item));
    }
}
