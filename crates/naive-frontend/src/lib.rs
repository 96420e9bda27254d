//! A deliberately naive frontend: a small S-expression language lowered to
//! Vitte IR statement by statement through the library's builder API, the
//! way a compiler's MIR is lowered (issue 16; the language is described in
//! bench/frontend/README.md).
//!
//! Nothing here optimizes, on purpose: every source variable and parameter
//! is a `var` (parameters copied in), every local array or struct a `slot`,
//! every element or field access an explicit `ptr.add` (of `+ 0` too) and
//! `ptr.mul` then a load or store, every condition a comparison then a
//! `brif`, and a fresh (dead) block follows each `break`, `continue` and
//! `return`. The output is the benchmark's frontend set (bench/frontend/):
//! what the backend must make fast without a hand-written SSA twin.

mod lower;
pub mod sexp;
mod ty;

use std::collections::HashMap;
use std::fmt;

use sexp::{Pos, Sexp};
use ty::{StructDef, Structs, Ty};
use vitte_codegen_wasm64::diag::Span;
use vitte_codegen_wasm64::ir::{Data, DataId, DataItem, FuncId, Linkage, Module, Signature};
use vitte_codegen_wasm64::{Context, Target};

/// An error in the source, at a line and column.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub pos: Pos,
    pub message: String,
}

impl Error {
    pub fn new(pos: Pos, message: impl Into<String>) -> Error {
        Error {
            pos,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.col, self.message)
    }
}

impl std::error::Error for Error {}

/// What a function body can name besides its locals.
pub(crate) struct Globals {
    pub structs: Structs,
    /// Data: its id and element type (the name is a `(ptr T)`).
    pub data: HashMap<String, (DataId, Ty)>,
    /// Functions: id, parameter types, result type.
    pub funcs: HashMap<String, (FuncId, Vec<Ty>, Ty)>,
}

/// The `.vir` text of a source file.
pub fn compile_to_vir(source: &str) -> Result<String, Error> {
    Ok(vitte_codegen_wasm64::text::print_module(&compile(source)?))
}

/// The IR module of a source file (target-independent: built with the
/// wasm64 context, but nothing in it depends on the target).
pub fn compile(source: &str) -> Result<Module, Error> {
    let forms = sexp::parse(source)?;
    let mut ctx = Context::new(Target::Wasm64);
    let mut g = Globals {
        structs: Structs::default(),
        data: HashMap::new(),
        funcs: HashMap::new(),
    };
    // Structs first (their names, then their fields: a field may point to
    // any struct), then data and function signatures, then bodies.
    let mut struct_forms = Vec::new();
    for form in &forms {
        if form.head() == Some("struct") {
            let items = form.list().unwrap_or_default();
            let name = items.get(1).and_then(Sexp::sym).ok_or_else(|| {
                Error::new(form.pos(), "expected `(struct NAME (FIELD TYPE) ...)`")
            })?;
            if g.structs.find(name).is_some() {
                return Err(Error::new(
                    form.pos(),
                    format!("struct `{name}` defined twice"),
                ));
            }
            g.structs.defs.push(StructDef {
                name: name.into(),
                fields: Vec::new(),
                size: 0,
                align: 1,
            });
            struct_forms.push(form);
        }
    }
    for (index, form) in struct_forms.into_iter().enumerate() {
        layout_struct(&mut g.structs, index, form)?;
    }
    let mut bodies = Vec::new();
    for form in &forms {
        match form.head() {
            Some("struct") => {}
            Some("data") => declare_data(&mut ctx, &mut g, form, false)?,
            Some("const-data") => declare_data(&mut ctx, &mut g, form, true)?,
            Some("fn") => bodies.push((declare_fn(&mut ctx, &mut g, form, false)?, form)),
            Some("pub") => bodies.push((declare_fn(&mut ctx, &mut g, form, true)?, form)),
            _ => {
                return Err(Error::new(
                    form.pos(),
                    "expected `(struct ...)`, `(data ...)`, `(const-data ...)`, `(fn ...)` or `(pub fn ...)`",
                ));
            }
        }
    }
    for (func, form) in bodies {
        lower::function(&mut ctx, &g, func, form)?;
    }
    if let Some(e) = ctx.errors().first() {
        // The lowering checks types before building: a builder error is a
        // bug of this frontend, reported rather than hidden.
        return Err(Error::new(Pos { line: 1, col: 1 }, format!("builder: {e}")));
    }
    Ok(ctx.module().clone())
}

fn layout_struct(structs: &mut Structs, index: usize, form: &Sexp) -> Result<(), Error> {
    let items = form.list().unwrap_or_default();
    let (mut offset, mut align) = (0u64, 1u64);
    let mut fields = Vec::new();
    for field in &items[2..] {
        let (name, ty) = match field.list() {
            Some([name, ty]) if name.sym().is_some() => (name.sym().unwrap_or_default(), ty),
            _ => return Err(Error::new(field.pos(), "expected `(FIELD TYPE)`")),
        };
        let ty = structs.parse(ty)?;
        if ty == Ty::Void || ty == Ty::Struct(index) {
            return Err(Error::new(
                field.pos(),
                "a field cannot be void or its own struct",
            ));
        }
        if let Ty::Struct(i) = ty
            && i > index
        {
            return Err(Error::new(
                field.pos(),
                "a struct field's struct must be defined first",
            ));
        }
        let a = structs.align(&ty);
        offset = offset.next_multiple_of(a);
        fields.push((name.to_string(), ty.clone(), offset));
        offset += structs.size(&ty);
        align = align.max(a);
    }
    let def = &mut structs.defs[index];
    def.fields = fields;
    def.align = align;
    def.size = offset.next_multiple_of(align);
    Ok(())
}

/// `(data NAME TYPE COUNT)` (zeros), `(data NAME TYPE (V ...))` (values),
/// `(data NAME u8 "bytes")`; `(const-data ...)` the same, read-only (C's
/// `static const`: `data @NAME const`, which loads may be folded from).
fn declare_data(
    ctx: &mut Context,
    g: &mut Globals,
    form: &Sexp,
    readonly: bool,
) -> Result<(), Error> {
    let bad = || {
        Error::new(
            form.pos(),
            "expected `(data NAME TYPE COUNT|(VALUES...)|\"BYTES\")`",
        )
    };
    let [_, name, ty, init] = form.list().unwrap_or_default() else {
        return Err(bad());
    };
    let name = name.sym().ok_or_else(bad)?;
    let ty = g.structs.parse(ty)?;
    if ty == Ty::Void {
        return Err(Error::new(form.pos(), "data of type void"));
    }
    let size = g.structs.size(&ty);
    let item = match init {
        Sexp::Int(n, _) if *n >= 0 => match size.checked_mul(*n as u64).filter(|&b| b < 1 << 32) {
            Some(bytes) => DataItem::Zero(bytes),
            None => return Err(Error::new(form.pos(), "data of 4 GiB or more")),
        },
        Sexp::Str(bytes, _) if ty == Ty::U8 => DataItem::Bytes(bytes.clone()),
        Sexp::List(values, _) => {
            let mut bytes = Vec::new();
            for v in values {
                match (&ty, v) {
                    (Ty::U8, Sexp::Int(x, _)) => bytes.push(*x as u8),
                    (Ty::I32, Sexp::Int(x, _)) => bytes.extend((*x as i32).to_le_bytes()),
                    (Ty::I64, Sexp::Int(x, _)) => bytes.extend(x.to_le_bytes()),
                    (Ty::F64, Sexp::Float(x, _)) => bytes.extend(x.to_le_bytes()),
                    (Ty::F64, Sexp::Int(x, _)) => bytes.extend((*x as f64).to_le_bytes()),
                    _ => {
                        return Err(Error::new(
                            v.pos(),
                            "a value of the data's type (i32, i64, u8 or f64)",
                        ));
                    }
                }
            }
            DataItem::Bytes(bytes)
        }
        _ => return Err(bad()),
    };
    if g.data.contains_key(name) {
        return Err(Error::new(
            form.pos(),
            format!("data `{name}` defined twice"),
        ));
    }
    let id = ctx.module_mut().add_data(Data {
        name: name.into(),
        align: g.structs.align(&ty).max(1) as u32,
        readonly,
        items: vec![item],
        span: Span::NONE,
    });
    g.data.insert(name.into(), (id, ty));
    Ok(())
}

/// `([pub] fn NAME ((PARAM TYPE) ...) RESULT STMT...)`: declared with its
/// signature before any body is built, so that calls may come first.
fn declare_fn(
    ctx: &mut Context,
    g: &mut Globals,
    form: &Sexp,
    public: bool,
) -> Result<FuncId, Error> {
    let items = form.list().unwrap_or_default();
    let items = if public { &items[1..] } else { items };
    let bad = || {
        Error::new(
            form.pos(),
            "expected `([pub] fn NAME ((PARAM TYPE) ...) RESULT STMT...)`",
        )
    };
    if items.len() < 4 || items[0].sym() != Some("fn") {
        return Err(bad());
    }
    let name = items[1].sym().ok_or_else(bad)?;
    let mut params = Vec::new();
    let mut sig = Signature::default();
    for p in items[2].list().ok_or_else(bad)? {
        let ty = match p.list() {
            Some([n, ty]) if n.sym().is_some() => g.structs.parse(ty)?,
            _ => return Err(Error::new(p.pos(), "expected `(PARAM TYPE)`")),
        };
        sig.params.push(
            ty.value()
                .ir()
                .ok_or_else(|| Error::new(p.pos(), "a parameter is a scalar or a pointer"))?,
        );
        params.push(ty.value());
    }
    let ret = g.structs.parse(&items[3])?.value();
    match (&ret, ret.ir()) {
        (Ty::Void, _) => {}
        (_, Some(t)) => sig.results.push(t),
        (_, None) => {
            return Err(Error::new(
                items[3].pos(),
                "a result is a scalar, a pointer or void",
            ));
        }
    }
    if g.funcs.contains_key(name) {
        return Err(Error::new(
            form.pos(),
            format!("function `{name}` defined twice"),
        ));
    }
    let linkage = if public {
        Linkage::Public
    } else {
        Linkage::Private
    };
    let id = ctx.declare_function(name, sig, linkage);
    g.funcs.insert(name.into(), (id, params, ret));
    Ok(id)
}
