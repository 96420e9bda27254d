//! The direct binary path: the WAT AST encoded straight to a wasm binary
//! with `wasm-encoder`, without printing and re-parsing text.
//!
//! The output is byte-for-byte what the text path gives
//! ([`wat::print_module`](crate::wat::print_module) then
//! [`emit::assemble`](crate::emit::assemble)): the same sections in the same
//! order, the same type interning for block types, the same `name` section.
//! `tests/direct_encoding.rs` holds the two paths to that on every golden
//! case, on both targets, and on generated programs. `vitte-wat build
//! --direct` takes this path, through [`lower_and_encode`], which lowers
//! and encodes one function at a time; everything else goes through the
//! text, which stays the reference.
//!
//! - [`index`]: index spaces (`$name` to index) and type interning.
//! - [`code`]: function bodies and constant expressions.
//! - [`ops`]: the typed numeric instructions, loads and stores, to opcodes.
//! - [`names`]: the `name` custom section.
//!
//! A name the AST uses but never defines is an error here, as it is for the
//! assembler on the text path; the lowering never produces one.

mod atomic;
mod code;
mod index;
mod names;
mod ops;

use crate::diag::Diagnostic;
use crate::ir::{self, Target};
use crate::lower;
use crate::wat::{self, ExportKind, ImportDesc, IndexType, Module};
use code::FuncNames;
use index::{Indices, val_type};
use wasm_encoder::{
    CodeSection, DataCountSection, DataSection, ElementSection, Elements, EntityType,
    ExportSection, FunctionSection, GlobalSection, GlobalType, ImportSection, Imports,
    MemorySection, MemoryType, RefType, StartSection, TableSection, TableType, TypeSection,
};

/// A WAT AST that cannot be encoded: a name it uses but does not define, or
/// defines twice (the assembler would reject its text too). Every
/// instruction the AST can hold has an encoding.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot encode the lowered module: {message}")]
pub struct EncodeError {
    pub message: String,
}

impl EncodeError {
    pub(crate) fn new(message: impl Into<String>) -> EncodeError {
        EncodeError {
            message: message.into(),
        }
    }
}

/// Encodes a module to a wasm binary, with a `name` section (not validated).
pub fn encode_module(m: &Module) -> Result<Vec<u8>, EncodeError> {
    encode_with(m, |ix| {
        crate::parallel::map(&m.funcs, |f| code::function(ix, f))
            .into_iter()
            .collect()
    })
}

/// Lowers a verified module and encodes it, one function at a time: each
/// body is encoded as soon as it is lowered, on the thread that lowered
/// it, and dropped. The bytes are those of [`lower_module_with`] then
/// [`encode_module`], without the whole module's AST in memory at once
/// (it took more memory than the IR, and the time to fault it in). With
/// `with_origins`, the origins of the lowered functions come with them
/// (those of [`lower_module_with_origins`]); otherwise none, at no cost.
///
/// The error is the caller's: any type that a lowering error and an
/// encoding error convert into (the backend's [`Error`](crate::Error)), so
/// that this module, under the backend, does not name it.
///
/// [`lower_module_with`]: crate::lower::lower_module_with
/// [`lower_module_with_origins`]: crate::lower::lower_module_with_origins
pub fn lower_and_encode<E>(
    module: &ir::Module,
    target: Target,
    options: lower::Options,
    with_origins: bool,
) -> Result<(Vec<u8>, Vec<wat::FuncOrigins>), E>
where
    E: From<Diagnostic> + From<EncodeError> + Send,
{
    let mut lowering = lower::Lowering::new(module, target, options)?;
    if !with_origins {
        lowering = lowering.without_origins();
    }
    let shell = lowering.shell();
    let mut origins = Vec::new();
    let wasm = encode_with(shell, |ix| {
        let ids = lowering.function_ids();
        let lowered = crate::parallel::map(ids, |&id| -> Result<_, E> {
            let func = lowering.function(id)?;
            let func_origins = with_origins.then(|| lowering.origins(id, &func));
            Ok((code::function(ix, &func)?, func_origins))
        });
        let mut bodies = Vec::with_capacity(shell.funcs.len());
        for result in lowered {
            let (body, func_origins) = result?;
            bodies.push(body);
            origins.extend(func_origins);
        }
        // The wasm64 WASI adapters come complete, after the functions.
        for f in &shell.funcs[ids.len()..] {
            bodies.push(code::function(ix, f)?);
        }
        Ok::<_, E>(bodies)
    })?;
    Ok((wasm, origins))
}

/// Encodes `m`, whose function bodies `bodies` encodes, in order.
fn encode_with<E: From<EncodeError>>(
    m: &Module,
    bodies: impl FnOnce(&Indices<'_>) -> Result<Vec<(wasm_encoder::Function, FuncNames)>, E>,
) -> Result<Vec<u8>, E> {
    if m.name.as_deref() == Some("") {
        return Err(EncodeError::new("empty module identifier").into());
    }
    let ix = Indices::new(m)?;
    let mut out = wasm_encoder::Module::new();

    let mut types = TypeSection::new();
    for sig in &ix.signatures {
        types.ty().function(
            sig.params.iter().map(|t| val_type(*t)),
            sig.results.iter().map(|t| val_type(*t)),
        );
    }
    section(&mut out, &types, ix.signatures.len());

    let mut imports = ImportSection::new();
    for i in &m.imports {
        let ty = match &i.desc {
            ImportDesc::Func { ty, .. } => EntityType::Function(ix.type_use(ty)?),
            ImportDesc::Memory(mem) => EntityType::Memory(memory_type(mem)),
        };
        imports.imports(Imports::Single(wasm_encoder::Import {
            module: &i.module,
            name: &i.name,
            ty,
        }));
    }
    section(&mut out, &imports, m.imports.len());

    let mut funcs = FunctionSection::new();
    for f in &m.funcs {
        funcs.function(ix.type_use(&f.ty)?);
    }
    section(&mut out, &funcs, m.funcs.len());

    let mut tables = TableSection::new();
    for t in &m.tables {
        tables.table(TableType {
            element_type: RefType::FUNCREF,
            minimum: t.min,
            maximum: t.max,
            table64: t.index_type == IndexType::I64,
            shared: false,
        });
    }
    section(&mut out, &tables, m.tables.len());

    let mut memories = MemorySection::new();
    for mem in &m.memories {
        memories.memory(memory_type(mem));
    }
    section(&mut out, &memories, m.memories.len());

    let mut globals = GlobalSection::new();
    for g in &m.globals {
        let ty = GlobalType {
            val_type: val_type(g.ty),
            mutable: g.mutable,
            shared: false,
        };
        globals.global(ty, &code::const_expr(&ix, &g.init)?);
    }
    section(&mut out, &globals, m.globals.len());

    let mut exports = ExportSection::new();
    for e in &m.exports {
        let (kind, index) = export_target(&ix, e)?;
        exports.export(&e.name, kind, index);
    }
    section(&mut out, &exports, m.exports.len());

    if let Some(start) = &m.start {
        out.section(&StartSection {
            function_index: ix.funcs.get(start, "func")?,
        });
    }

    let mut elems = ElementSection::new();
    for e in &m.elems {
        let funcs = e
            .funcs
            .iter()
            .map(|f| ix.funcs.get(f, "func"))
            .collect::<Result<Vec<_>, _>>()?;
        elems.active(
            Some(ix.tables.get(&e.table, "table")?),
            &code::const_expr(&ix, &e.offset)?,
            Elements::Functions(funcs.into()),
        );
    }
    section(&mut out, &elems, m.elems.len());

    // The assembler writes the data count when a function uses a segment
    // by index; the shell's functions are enough to tell: only generated
    // ones, which come complete (a threads program's data initialiser), do.
    if m.funcs.iter().any(|f| uses_segments(&f.body)) {
        out.section(&DataCountSection {
            count: m.datas.len() as u32,
        });
    }

    let mut names = Vec::with_capacity(m.funcs.len());
    let mut code = CodeSection::new();
    for (func, func_names) in bodies(&ix)? {
        code.function(&func);
        names.push(func_names);
    }
    section(&mut out, &code, m.funcs.len());

    let mut datas = DataSection::new();
    for d in &m.datas {
        if d.offset.is_empty() {
            datas.passive(d.bytes.iter().copied());
            continue;
        }
        datas.active(
            ix.memories.get(&d.memory, "memory")?,
            &code::const_expr(&ix, &d.offset)?,
            d.bytes.iter().copied(),
        );
    }
    section(&mut out, &datas, m.datas.len());

    if let Some(names) = names::name_section(m, &names) {
        out.section(&names);
    }
    Ok(out.finish())
}

fn memory_type(mem: &wat::Memory) -> MemoryType {
    MemoryType {
        minimum: mem.min,
        maximum: mem.max,
        memory64: mem.index_type == IndexType::I64,
        shared: mem.shared,
        page_size_log2: None,
    }
}

/// Whether `body` has a `memory.init` or `data.drop`, at any depth.
fn uses_segments(body: &[wat::Instr]) -> bool {
    body.iter().any(|i| match i {
        wat::Instr::MemoryInit(_) | wat::Instr::DataDrop(_) => true,
        wat::Instr::Block { body, .. } | wat::Instr::Loop { body, .. } => uses_segments(body),
        wat::Instr::If {
            then_body,
            else_body,
            ..
        } => uses_segments(then_body) || uses_segments(else_body),
        _ => false,
    })
}

/// Adds a section unless it has no entries (the assembler leaves those out).
fn section(out: &mut wasm_encoder::Module, section: &impl wasm_encoder::Section, len: usize) {
    if len > 0 {
        out.section(section);
    }
}

fn export_target(
    ix: &Indices<'_>,
    e: &wat::Export,
) -> Result<(wasm_encoder::ExportKind, u32), EncodeError> {
    Ok(match e.kind {
        ExportKind::Func => (wasm_encoder::ExportKind::Func, ix.funcs.get(&e.id, "func")?),
        ExportKind::Table => (
            wasm_encoder::ExportKind::Table,
            ix.tables.get(&e.id, "table")?,
        ),
        ExportKind::Memory => (
            wasm_encoder::ExportKind::Memory,
            ix.memories.get(&e.id, "memory")?,
        ),
        ExportKind::Global => (
            wasm_encoder::ExportKind::Global,
            ix.globals.get(&e.id, "global")?,
        ),
    })
}
