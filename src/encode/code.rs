//! Function bodies and constant expressions: instructions with their names
//! resolved (locals, labels as relative depths, functions, globals...).

use super::EncodeError;
use super::atomic;
use super::index::{Indices, val_type};
use super::ops;
use crate::fxhash::{FxHashMap, ShortKey};
use crate::wat::{self, Align, Func, Instr};
use wasm_encoder::{ConstExpr, Ieee32, Ieee64, InstructionSink, MemArg, NameMap};

/// The names a function body gives the name section: its locals and its
/// labels, by index; `None` when it has none. Owned, so that the body's
/// AST can be dropped once it is encoded.
#[derive(Default)]
pub(super) struct FuncNames {
    pub locals: Option<NameMap>,
    pub labels: Option<NameMap>,
}

/// Encodes a function's locals and body.
pub(super) fn function(
    ix: &Indices<'_>,
    f: &Func,
) -> Result<(wasm_encoder::Function, FuncNames), EncodeError> {
    let mut body = Body::new(ix);
    let mut locals = Vec::new();
    // Parameters are named only when the text writes them out beside
    // `(type $t)`, as the printer does whenever there are any.
    let written = !f.ty.params.is_empty() || !f.ty.results.is_empty();
    let mut next = if written { 0 } else { ix.param_count(&f.ty)? };
    if written {
        for (name, _) in &f.ty.params {
            body.scope.next_local = next;
            if let Some(name) = name {
                body.scope.define_local(name)?;
                locals.push((next, name.as_str()));
            }
            next += 1;
        }
    }
    for local in &f.locals {
        body.scope.next_local = next;
        body.scope.define_local(&local.id)?;
        locals.push((next, local.id.as_str()));
        next += 1;
    }
    body.instrs(&f.body)?;
    InstructionSink::new(&mut body.bytes).end();
    let mut func =
        wasm_encoder::Function::new_with_locals_types(f.locals.iter().map(|l| val_type(l.ty)));
    func.raw(body.bytes);
    let names = FuncNames {
        locals: name_map(&locals),
        labels: name_map(&body.label_names),
    };
    Ok((func, names))
}

fn name_map(names: &[(u32, &str)]) -> Option<NameMap> {
    if names.is_empty() {
        return None;
    }
    let mut map = NameMap::new();
    for (index, name) in names {
        map.append(*index, name);
    }
    Some(map)
}

/// A constant expression (a global's initializer, a segment's offset).
pub(super) fn const_expr(ix: &Indices<'_>, instrs: &[Instr]) -> Result<ConstExpr, EncodeError> {
    let mut body = Body::new(ix);
    body.instrs(instrs)?;
    Ok(ConstExpr::raw(body.bytes))
}

struct Body<'a, 'm> {
    ix: &'a Indices<'a>,
    scope: Scope<'m>,
    /// Blocks, loops and ifs seen so far, in the order of the text.
    label_count: u32,
    label_names: Vec<(u32, &'m str)>,
    bytes: Vec<u8>,
}

/// The names in scope inside a body: locals, and the enclosing labels.
#[derive(Default)]
struct Scope<'m> {
    locals: FxHashMap<ShortKey<'m>, u32>,
    next_local: u32,
    /// How many blocks enclose the current instruction.
    open_blocks: u32,
    /// For each label in scope, the nesting levels of the blocks that bear
    /// it, innermost last: a `br_table` of K labels inside K blocks then
    /// costs K lookups, not K scans of the block stack (K² in all).
    labels: FxHashMap<&'m str, Vec<u32>>,
}

impl<'m> Scope<'m> {
    fn define_local(&mut self, name: &'m str) -> Result<(), EncodeError> {
        if name.is_empty() {
            return Err(EncodeError::new("empty local identifier"));
        }
        if self
            .locals
            .insert(ShortKey::new(name), self.next_local)
            .is_some()
        {
            return Err(EncodeError::new(format!(
                "duplicate local identifier `${name}`"
            )));
        }
        Ok(())
    }

    fn local(&self, name: &str) -> Result<u32, EncodeError> {
        self.locals
            .get(&ShortKey::new(name))
            .copied()
            .ok_or_else(|| EncodeError::new(format!("unknown local: `${name}`")))
    }

    fn open_block(&mut self, label: &'m str) {
        if !label.is_empty() {
            self.labels.entry(label).or_default().push(self.open_blocks);
        }
        self.open_blocks += 1;
    }

    fn close_block(&mut self, label: &'m str) {
        self.open_blocks -= 1;
        if let Some(levels) = self.labels.get_mut(label) {
            levels.pop();
        }
    }

    /// The relative depth of the innermost enclosing block labelled `name`.
    fn depth(&self, name: &str) -> Result<u32, EncodeError> {
        let level = self.labels.get(name).and_then(|levels| levels.last());
        level
            .map(|&level| self.open_blocks - 1 - level)
            .ok_or_else(|| EncodeError::new(format!("unknown label: `${name}`")))
    }
}

impl<'a, 'm> Body<'a, 'm> {
    fn new(ix: &'a Indices<'a>) -> Body<'a, 'm> {
        Body {
            ix,
            scope: Scope::default(),
            label_count: 0,
            label_names: Vec::new(),
            bytes: Vec::new(),
        }
    }

    fn instrs(&mut self, instrs: &'m [Instr]) -> Result<(), EncodeError> {
        crate::stack::ensure_stack(|| instrs.iter().try_for_each(|i| self.instr(i)))
    }

    /// Opens a block, loop or if: counts it for the name section and pushes
    /// its label.
    fn open(&mut self, label: &'m str) {
        if !label.is_empty() {
            self.label_names.push((self.label_count, label));
        }
        self.label_count += 1;
        self.scope.open_block(label);
    }

    fn close(&mut self, label: &'m str) {
        self.scope.close_block(label);
        InstructionSink::new(&mut self.bytes).end();
    }

    fn instr(&mut self, instr: &'m Instr) -> Result<(), EncodeError> {
        let ix = self.ix;
        match instr {
            Instr::Block { label, ty, body } => {
                InstructionSink::new(&mut self.bytes).block(ix.block_type(ty)?);
                self.open(label);
                self.instrs(body)?;
                self.close(label);
            }
            Instr::Loop { label, ty, body } => {
                InstructionSink::new(&mut self.bytes).loop_(ix.block_type(ty)?);
                self.open(label);
                self.instrs(body)?;
                self.close(label);
            }
            Instr::If {
                label,
                ty,
                then_body,
                else_body,
            } => {
                InstructionSink::new(&mut self.bytes).if_(ix.block_type(ty)?);
                self.open(label);
                self.instrs(then_body)?;
                if !else_body.is_empty() {
                    InstructionSink::new(&mut self.bytes).else_();
                    self.instrs(else_body)?;
                }
                self.close(label);
            }
            Instr::Comment(_) | Instr::Origin(_) => {}
            _ => flat(ix, &self.scope, &mut self.bytes, instr)?,
        }
        Ok(())
    }
}

/// An instruction without a body.
fn flat(
    ix: &Indices<'_>,
    scope: &Scope<'_>,
    bytes: &mut Vec<u8>,
    instr: &Instr,
) -> Result<(), EncodeError> {
    let mut sink = InstructionSink::new(bytes);
    match instr {
        Instr::Br(l) => sink.br(scope.depth(l)?),
        Instr::BrIf(l) => sink.br_if(scope.depth(l)?),
        Instr::BrTable { labels, default } => {
            let depths = labels
                .iter()
                .map(|l| scope.depth(l))
                .collect::<Result<Vec<_>, _>>()?;
            sink.br_table(depths, scope.depth(default)?)
        }
        Instr::Return => sink.return_(),
        Instr::Unreachable => sink.unreachable(),
        Instr::Nop => sink.nop(),
        Instr::Drop => sink.drop(),
        Instr::Select => sink.select(),
        Instr::Call(f) => sink.call(ix.funcs.get(f, "func")?),
        Instr::CallIndirect { table, ty } => {
            sink.call_indirect(ix.tables.get(table, "table")?, ix.type_use(ty)?)
        }
        Instr::LocalGet(x) => sink.local_get(scope.local(x)?),
        Instr::LocalSet(x) => sink.local_set(scope.local(x)?),
        Instr::LocalTee(x) => sink.local_tee(scope.local(x)?),
        Instr::GlobalGet(x) => sink.global_get(ix.globals.get(x, "global")?),
        Instr::GlobalSet(x) => sink.global_set(ix.globals.get(x, "global")?),
        Instr::I32Const(v) => sink.i32_const(*v),
        Instr::I64Const(v) => sink.i64_const(*v),
        Instr::F32Const(bits) => sink.f32_const(Ieee32::new(*bits)),
        Instr::F64Const(bits) => sink.f64_const(Ieee64::new(*bits)),
        Instr::IntUnary { ty, op } => ops::int_unary(&mut sink, *ty, *op),
        Instr::FloatUnary { ty, op } => ops::float_unary(&mut sink, *ty, *op),
        Instr::IntBinary { ty, op } => ops::int_binary(&mut sink, *ty, *op),
        Instr::FloatBinary { ty, op } => ops::float_binary(&mut sink, *ty, *op),
        Instr::IntCompare { ty, op } => ops::int_compare(&mut sink, *ty, *op),
        Instr::FloatCompare { ty, op } => ops::float_compare(&mut sink, *ty, *op),
        Instr::Convert(conversion) => ops::convert(&mut sink, *conversion),
        Instr::Load { kind, memarg } => {
            ops::load(&mut sink, *kind, mem_arg(ix, memarg, kind.natural_align())?)
        }
        Instr::Store { kind, memarg } => {
            ops::store(&mut sink, *kind, mem_arg(ix, memarg, kind.natural_align())?)
        }
        Instr::Atomic { kind, memarg } => {
            atomic::atomic(&mut sink, *kind, mem_arg(ix, memarg, kind.natural_align())?)
        }
        Instr::AtomicFence => sink.atomic_fence(),
        Instr::MemorySize(mem) => sink.memory_size(memory_index(ix, mem)?),
        Instr::MemoryGrow(mem) => sink.memory_grow(memory_index(ix, mem)?),
        Instr::MemoryCopy { memories: None } => sink.memory_copy(0, 0),
        Instr::MemoryCopy {
            memories: Some((dst, src)),
        } => sink.memory_copy(
            ix.memories.get(dst, "memory")?,
            ix.memories.get(src, "memory")?,
        ),
        Instr::MemoryFill(mem) => sink.memory_fill(memory_index(ix, mem)?),
        Instr::MemoryInit(segment) => sink.memory_init(0, ix.datas.get(segment, "data")?),
        Instr::DataDrop(segment) => sink.data_drop(ix.datas.get(segment, "data")?),
        Instr::Block { .. }
        | Instr::Loop { .. }
        | Instr::If { .. }
        | Instr::Comment(_)
        | Instr::Origin(_) => {
            return Err(EncodeError::new(
                "a structured instruction in a flat position",
            ));
        }
    };
    Ok(())
}

/// The index of a named memory; memory 0 when none is named.
fn memory_index(ix: &Indices<'_>, memory: &Option<String>) -> Result<u32, EncodeError> {
    match memory {
        Some(m) => ix.memories.get(m, "memory"),
        None => Ok(0),
    }
}

/// A load's or store's immediates, with the memory's name resolved.
fn mem_arg(ix: &Indices<'_>, memarg: &wat::MemArg, natural: Align) -> Result<MemArg, EncodeError> {
    let memory_index = memory_index(ix, &memarg.memory)?;
    Ok(MemArg {
        offset: memarg.offset,
        align: memarg.align.unwrap_or(natural).log2(),
        memory_index,
    })
}
