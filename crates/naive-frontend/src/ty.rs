//! The source language's types and the memory layout of structs.
//!
//! Pointers take 8 bytes in memory whatever the target (a `ptr.store` on
//! wasm32 writes the low 4 of them), so that one `.vir` file has one layout
//! on wasm64 and wasm32, and that layout is the C twin's on wasm64.

use crate::Error;
use crate::sexp::Sexp;
use vitte_codegen_wasm64::ir::{MemAccess, Type};

#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    I32,
    I64,
    F64,
    /// A byte in memory; a value of it is an i32 (loads zero-extend).
    U8,
    Ptr(Box<Ty>),
    /// An index into [`Structs::defs`].
    Struct(usize),
    Void,
}

pub struct StructDef {
    pub name: String,
    /// Name, type, byte offset.
    pub fields: Vec<(String, Ty, u64)>,
    pub size: u64,
    pub align: u64,
}

#[derive(Default)]
pub struct Structs {
    pub defs: Vec<StructDef>,
}

impl Structs {
    pub fn find(&self, name: &str) -> Option<usize> {
        self.defs.iter().position(|d| d.name == name)
    }

    pub fn size(&self, ty: &Ty) -> u64 {
        match ty {
            Ty::I32 => 4,
            Ty::I64 | Ty::F64 | Ty::Ptr(_) => 8,
            Ty::U8 => 1,
            Ty::Struct(i) => self.defs[*i].size,
            Ty::Void => 0,
        }
    }

    pub fn align(&self, ty: &Ty) -> u64 {
        match ty {
            Ty::Struct(i) => self.defs[*i].align,
            other => self.size(other).max(1),
        }
    }

    /// A type written in the source: `i32`, `i64`, `f64`, `u8`, `void`, a
    /// struct's name, or `(ptr T)`.
    pub fn parse(&self, e: &Sexp) -> Result<Ty, Error> {
        if let Some(name) = e.sym() {
            return Ok(match name {
                "i32" => Ty::I32,
                "i64" => Ty::I64,
                "f64" => Ty::F64,
                "u8" => Ty::U8,
                "void" => Ty::Void,
                _ => Ty::Struct(
                    self.find(name)
                        .ok_or_else(|| Error::new(e.pos(), format!("unknown type `{name}`")))?,
                ),
            });
        }
        match e.list() {
            Some([head, inner]) if head.sym() == Some("ptr") => {
                Ok(Ty::Ptr(Box::new(self.parse(inner)?)))
            }
            _ => Err(Error::new(e.pos(), "expected a type")),
        }
    }

    pub fn describe(&self, ty: &Ty) -> String {
        match ty {
            Ty::I32 => "i32".into(),
            Ty::I64 => "i64".into(),
            Ty::F64 => "f64".into(),
            Ty::U8 => "u8".into(),
            Ty::Void => "void".into(),
            Ty::Struct(i) => self.defs[*i].name.clone(),
            Ty::Ptr(t) => format!("(ptr {})", self.describe(t)),
        }
    }
}

impl Ty {
    /// The IR type of a value of this type; `None` for structs and `void`.
    pub fn ir(&self) -> Option<Type> {
        match self {
            Ty::I32 | Ty::U8 => Some(Type::I32),
            Ty::I64 => Some(Type::I64),
            Ty::F64 => Some(Type::F64),
            Ty::Ptr(_) => Some(Type::Ptr),
            Ty::Struct(_) | Ty::Void => None,
        }
    }

    /// The type of a value loaded from memory of this type.
    pub fn value(&self) -> Ty {
        match self {
            Ty::U8 => Ty::I32,
            other => other.clone(),
        }
    }

    /// The load or store of a scalar of this type in memory.
    pub fn access(&self) -> Option<MemAccess> {
        match self {
            Ty::U8 => Some(MemAccess::narrow(Type::I32, 8, false)),
            other => other.ir().map(MemAccess::full),
        }
    }

    pub fn is_int(&self) -> bool {
        matches!(self, Ty::I32 | Ty::I64)
    }
}
