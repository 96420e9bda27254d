//! Index spaces: the `$name`s of the WAT AST resolved to the indices of the
//! binary, as the `wast` assembler resolves the printed text.
//!
//! Types follow `wast`'s interning: the module's own `(type ...)` entries in
//! order (the first of two equal signatures is the one used), then, in the
//! order the text uses them, one entry per new signature that a type use
//! without `(type $t)` or a block with parameters or several results needs.

use super::EncodeError;
use crate::fxhash::FxHashMap;
use crate::wat::{self, BlockType, FuncType, Instr, Module, TypeUse, ValType};

/// The names of one index space, in index order.
#[derive(Default)]
pub(super) struct Space<'m> {
    indices: FxHashMap<&'m str, u32>,
}

impl<'m> Space<'m> {
    /// The next index, named `name`; `what` names the space in errors.
    pub fn define(&mut self, name: &'m str, what: &str) -> Result<u32, EncodeError> {
        if name.is_empty() {
            return Err(EncodeError::new(format!("empty {what} identifier")));
        }
        let index = self.indices.len() as u32;
        if self.indices.insert(name, index).is_some() {
            return Err(EncodeError::new(format!(
                "duplicate {what} identifier `${name}`"
            )));
        }
        Ok(index)
    }

    pub fn get(&self, name: &str, what: &str) -> Result<u32, EncodeError> {
        self.indices
            .get(name)
            .copied()
            .ok_or_else(|| EncodeError::new(format!("unknown {what}: `${name}`")))
    }
}

/// Every module-level index space, and the type section's entries.
pub(super) struct Indices<'m> {
    pub types: Space<'m>,
    pub funcs: Space<'m>,
    pub tables: Space<'m>,
    pub memories: Space<'m>,
    pub globals: Space<'m>,
    pub elems: Space<'m>,
    pub datas: Space<'m>,
    /// The signatures of the type section, explicit ones first.
    pub signatures: Vec<FuncType>,
    interned: FxHashMap<FuncType, u32>,
}

impl<'m> Indices<'m> {
    pub fn new(m: &'m Module) -> Result<Indices<'m>, EncodeError> {
        let mut ix = Indices {
            types: Space::default(),
            funcs: Space::default(),
            tables: Space::default(),
            memories: Space::default(),
            globals: Space::default(),
            elems: Space::default(),
            datas: Space::default(),
            signatures: Vec::new(),
            interned: FxHashMap::default(),
        };
        for t in &m.types {
            let index = ix.types.define(&t.id, "type")?;
            ix.interned.entry(t.ty.clone()).or_insert(index);
            ix.signatures.push(t.ty.clone());
        }
        for i in &m.imports {
            match &i.desc {
                wat::ImportDesc::Func { id, .. } => ix.funcs.define(id, "func")?,
                wat::ImportDesc::Memory(mem) => ix.memories.define(&mem.id, "memory")?,
            };
        }
        for f in &m.funcs {
            ix.funcs.define(&f.id, "func")?;
        }
        for t in &m.tables {
            ix.tables.define(&t.id, "table")?;
        }
        for mem in &m.memories {
            ix.memories.define(&mem.id, "memory")?;
        }
        for g in &m.globals {
            ix.globals.define(&g.id, "global")?;
        }
        for e in &m.elems {
            ix.elems.define(&e.id, "elem")?;
        }
        for d in &m.datas {
            ix.datas.define(&d.id, "data")?;
        }
        ix.intern_implicit_types(m);
        Ok(ix)
    }

    /// Adds the signatures that type uses and block types need, in the
    /// order the printed text has them (imports, then functions in order,
    /// each function's own type before its body).
    fn intern_implicit_types(&mut self, m: &Module) {
        for i in &m.imports {
            let wat::ImportDesc::Func { ty, .. } = &i.desc else {
                continue;
            };
            if ty.type_id.is_none() {
                self.intern(signature(ty));
            }
        }
        for f in &m.funcs {
            if f.ty.type_id.is_none() {
                self.intern(signature(&f.ty));
            }
            self.intern_body(&f.body);
        }
    }

    fn intern_body(&mut self, body: &[Instr]) {
        crate::stack::ensure_stack(|| {
            for instr in body {
                match instr {
                    Instr::Block { ty, body, .. } | Instr::Loop { ty, body, .. } => {
                        self.intern_block(ty);
                        self.intern_body(body);
                    }
                    Instr::If {
                        ty,
                        then_body,
                        else_body,
                        ..
                    } => {
                        self.intern_block(ty);
                        self.intern_body(then_body);
                        self.intern_body(else_body);
                    }
                    Instr::CallIndirect { ty, .. } if ty.type_id.is_none() => {
                        self.intern(signature(ty));
                    }
                    _ => {}
                }
            }
        })
    }

    fn intern_block(&mut self, ty: &BlockType) {
        if needs_type_index(ty) {
            self.intern(block_signature(ty));
        }
    }

    fn intern(&mut self, ty: FuncType) -> u32 {
        if let Some(&index) = self.interned.get(&ty) {
            return index;
        }
        let index = self.signatures.len() as u32;
        self.signatures.push(ty.clone());
        self.interned.insert(ty, index);
        index
    }

    /// The type index of a function or `call_indirect`: its `(type $t)`, or
    /// the interned signature. A `(type $t)` with parameters or results
    /// written beside it must agree with them, as the assembler checks.
    pub fn type_use(&self, ty: &TypeUse) -> Result<u32, EncodeError> {
        let Some(id) = &ty.type_id else {
            return self.interned_index(&signature(ty));
        };
        let index = self.types.get(id, "type")?;
        let declared = &self.signatures[index as usize];
        let inline_given = !ty.params.is_empty() || !ty.results.is_empty();
        if inline_given && *declared != signature(ty) {
            return Err(EncodeError::new(format!(
                "inline function type doesn't match type reference `${id}`"
            )));
        }
        Ok(index)
    }

    /// How many parameters a function of this type use has.
    pub fn param_count(&self, ty: &TypeUse) -> Result<u32, EncodeError> {
        Ok(self.signatures[self.type_use(ty)? as usize].params.len() as u32)
    }

    pub fn block_type(&self, ty: &BlockType) -> Result<wasm_encoder::BlockType, EncodeError> {
        if needs_type_index(ty) {
            return self
                .interned_index(&block_signature(ty))
                .map(wasm_encoder::BlockType::FunctionType);
        }
        Ok(match ty.results.first() {
            Some(t) => wasm_encoder::BlockType::Result(val_type(*t)),
            None => wasm_encoder::BlockType::Empty,
        })
    }

    /// A signature that [`Indices::new`] interned (every one the module uses).
    fn interned_index(&self, ty: &FuncType) -> Result<u32, EncodeError> {
        self.interned
            .get(ty)
            .copied()
            .ok_or_else(|| EncodeError::new(format!("signature {ty:?} was not interned")))
    }
}

/// Blocks with parameters or several results refer to a type.
fn needs_type_index(ty: &BlockType) -> bool {
    !ty.params.is_empty() || ty.results.len() > 1
}

fn block_signature(ty: &BlockType) -> FuncType {
    FuncType {
        params: ty.params.clone(),
        results: ty.results.clone(),
    }
}

fn signature(ty: &TypeUse) -> FuncType {
    FuncType {
        params: ty.params.iter().map(|(_, t)| *t).collect(),
        results: ty.results.clone(),
    }
}

pub(super) fn val_type(t: ValType) -> wasm_encoder::ValType {
    match t {
        ValType::I32 => wasm_encoder::ValType::I32,
        ValType::I64 => wasm_encoder::ValType::I64,
        ValType::F32 => wasm_encoder::ValType::F32,
        ValType::F64 => wasm_encoder::ValType::F64,
    }
}
