//! Function bodies, statement by statement, as a naive MIR lowering
//! writes them: no value is kept in an SSA value across statements.

use std::collections::HashMap;

use crate::sexp::{Pos, Sexp};
use crate::ty::Ty;
use crate::{Error, Globals};
use vitte_codegen_wasm64::Context;
use vitte_codegen_wasm64::ir::{
    BinaryOp, BlockId, CmpOp, ConvKind, Edge, FuncId, FunctionBuilder, MemId, Op, SlotId, Type,
    UnaryOp, ValueId, VarId,
};

enum Local {
    /// A variable: its name reads it.
    Var(VarId, Ty),
    /// A local array or struct in a slot: its name is its address, a
    /// `(ptr T)` of the element type.
    Slot(SlotId, Ty),
}

struct Lower<'g, 'm> {
    g: &'g Globals,
    b: FunctionBuilder<'m>,
    scopes: Vec<HashMap<String, Local>>,
    /// The enclosing loops, innermost last.
    loops: Vec<Loop>,
    ret: Ty,
    blocks: usize,
    /// How many variables and slots of each source name there are so far:
    /// the second `i` of a function is `$i_2` (the printer would make it
    /// `$varN`, which no longer says which source variable it is).
    names: HashMap<String, usize>,
}

/// What `break` and `continue` need to know of a loop.
struct Loop {
    cont: BlockId,
    brk: BlockId,
    /// The variable holding the stack's top at the start of the body, when
    /// the body allocates on the stack: restored at the end of every
    /// iteration, as C frees a block's variable-length arrays at its end.
    mark: Option<VarId>,
}

type Result<T> = std::result::Result<T, Error>;

fn err<T>(pos: Pos, message: impl Into<String>) -> Result<T> {
    Err(Error::new(pos, message))
}

/// Builds the body of `func` from its `(fn ...)` form.
pub(crate) fn function(ctx: &mut Context, g: &Globals, func: FuncId, form: &Sexp) -> Result<()> {
    let items = form.list().unwrap_or_default();
    let items = if form.head() == Some("pub") {
        &items[1..]
    } else {
        items
    };
    let name = items[1].sym().unwrap_or_default();
    let (_, param_tys, ret) = &g.funcs[name];
    let mut l = Lower {
        g,
        b: ctx.builder(func),
        scopes: vec![HashMap::new()],
        loops: Vec::new(),
        ret: ret.clone(),
        blocks: 0,
        names: HashMap::new(),
    };
    let entry = l.b.create_block("entry");
    l.b.switch_to_block(entry);
    // Parameters are copied into variables, as MIR does with its locals.
    let values = l.b.params();
    for ((p, ty), value) in items[2]
        .list()
        .unwrap_or_default()
        .iter()
        .zip(param_tys)
        .zip(values)
    {
        let pname = p
            .list()
            .and_then(|l| l.first())
            .and_then(Sexp::sym)
            .unwrap_or_default();
        l.b.set_value_name(value, pname);
        let var = l.var(pname, ty.ir().unwrap_or(Type::I32));
        l.b.var_set(var, value);
        l.define(pname, Local::Var(var, ty.clone()));
    }
    for s in &items[4..] {
        l.stmt(s)?;
    }
    if !l.b.is_unreachable() {
        if l.ret == Ty::Void {
            l.b.ret(&[]);
        } else {
            // Falling off the end of a function with a result: undefined in
            // the source, a trap here (the dead block after a last `return`).
            l.b.unreachable();
        }
    }
    // Every block has its terminator by construction: an error here is a
    // bug of this frontend, reported rather than hidden.
    l.b.finish().map_err(|errors| {
        Error::new(
            form.pos(),
            format!(
                "builder: {}",
                errors.first().map(ToString::to_string).unwrap_or_default()
            ),
        )
    })
}

/// Whether `s` has a `(stack-alloc ...)` anywhere in it.
fn allocates(s: &Sexp) -> bool {
    s.head() == Some("stack-alloc") || s.list().is_some_and(|l| l.iter().any(allocates))
}

const ARITH: &[&str] = &[
    "+", "-", "*", "/", "%", "/u", "%u", "&", "|", "^", "<<", ">>", ">>u", "rotl", "rotr",
];
const COMPARE: &[&str] = &["==", "!=", "<", "<=", ">", ">=", "<u", "<=u", ">u", ">=u"];

impl Lower<'_, '_> {
    fn define(&mut self, name: &str, local: Local) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_string(), local);
        }
    }

    fn lookup(&self, name: &str) -> Option<&Local> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    /// A name for a new variable or slot of source name `name`.
    fn unique(&mut self, name: &str) -> String {
        let count = self.names.entry(name.to_string()).or_insert(0);
        *count += 1;
        match *count {
            1 => name.to_string(),
            n => format!("{name}_{n}"),
        }
    }

    fn var(&mut self, name: &str, ty: Type) -> VarId {
        let name = self.unique(name);
        self.b.var(&name, ty)
    }

    fn block(&mut self, name: &str) -> BlockId {
        self.blocks += 1;
        self.b.create_block(&format!("{name}{}", self.blocks))
    }

    /// After a terminator in the middle of a statement list: the rest goes
    /// to a fresh block no edge reaches.
    fn dead_block(&mut self) {
        let dead = self.block("dead");
        self.b.switch_to_block(dead);
    }

    fn ty_name(&self, ty: &Ty) -> String {
        self.g.structs.describe(ty)
    }

    fn parse_ty(&self, e: &Sexp) -> Result<Ty> {
        self.g.structs.parse(e)
    }

    fn args<'e>(&self, e: &'e Sexp, n: usize, shape: &str) -> Result<&'e [Sexp]> {
        let items = e.list().unwrap_or_default();
        if items.len() != n + 1 {
            return err(e.pos(), format!("expected `{shape}`"));
        }
        Ok(&items[1..])
    }

    fn stmts(&mut self, list: &[Sexp]) -> Result<()> {
        self.scopes.push(HashMap::new());
        for s in list {
            self.stmt(s)?;
        }
        self.scopes.pop();
        Ok(())
    }

    fn stmt(&mut self, s: &Sexp) -> Result<()> {
        let items = s.list().unwrap_or_default();
        match s.head() {
            Some("var") => {
                if !(3..=4).contains(&items.len()) {
                    return err(s.pos(), "expected `(var NAME TYPE [INIT])`");
                }
                let name = items[1]
                    .sym()
                    .ok_or_else(|| Error::new(s.pos(), "a variable's name"))?;
                let ty = self.parse_ty(&items[2])?.value();
                let Some(ir) = ty.ir() else {
                    return err(items[2].pos(), "a variable is a scalar or a pointer");
                };
                let value = match items.get(3) {
                    Some(init) => self.expr_of(init, &ty)?,
                    None => self.b.iconst(ir, 0),
                };
                let var = self.var(name, ir);
                self.b.var_set(var, value);
                self.define(name, Local::Var(var, ty));
            }
            Some("set") => {
                let [name, e] = self.args(s, 2, "(set NAME EXPR)")? else {
                    unreachable!()
                };
                let n = name.sym().unwrap_or_default();
                let (var, ty) = match self.lookup(n) {
                    Some(Local::Var(v, ty)) => (*v, ty.clone()),
                    _ => return err(name.pos(), format!("`{n}` is not a variable")),
                };
                let value = self.expr_of(e, &ty)?;
                self.b.var_set(var, value);
            }
            Some("array") | Some("local") => {
                let (count, shape) = match s.head() {
                    Some("array") => (items.get(3), "(array NAME TYPE COUNT)"),
                    _ => (None, "(local NAME TYPE)"),
                };
                let n = match (count, items.len(), s.head()) {
                    (Some(Sexp::Int(n, _)), 4, _) if *n > 0 => *n as u64,
                    (None, 3, Some("local")) => 1,
                    _ => return err(s.pos(), format!("expected `{shape}`")),
                };
                let name = items
                    .get(1)
                    .and_then(Sexp::sym)
                    .ok_or_else(|| Error::new(s.pos(), format!("expected `{shape}`")))?;
                let ty = self.parse_ty(
                    items
                        .get(2)
                        .ok_or_else(|| Error::new(s.pos(), format!("expected `{shape}`")))?,
                )?;
                if ty == Ty::Void {
                    return err(s.pos(), "an array of void");
                }
                let (size, align) = (self.g.structs.size(&ty), self.g.structs.align(&ty));
                let Some(bytes) = size.checked_mul(n).filter(|&b| b < 1 << 32) else {
                    return err(s.pos(), "a local array of 4 GiB or more");
                };
                let slot_name = self.unique(name);
                let slot = self.b.slot(&slot_name, bytes, align.max(1) as u32);
                self.define(name, Local::Slot(slot, ty));
            }
            Some("store") => {
                let [p, e] = self.args(s, 2, "(store PTR EXPR)")? else {
                    unreachable!()
                };
                let (addr, elem) = self.pointer(p)?;
                self.store(addr, &elem, e)?;
            }
            Some("put") => {
                let [a, i, e] = self.args(s, 3, "(put PTR INDEX EXPR)")? else {
                    unreachable!()
                };
                let (addr, elem) = self.element(s, a, i)?;
                self.store(addr, &elem, e)?;
            }
            Some("fset") => {
                let [p, f, e] = self.args(s, 3, "(fset PTR FIELD EXPR)")? else {
                    unreachable!()
                };
                let (addr, elem) = self.field(s, p, f)?;
                self.store(addr, &elem, e)?;
            }
            Some("fill") => {
                let [p, byte, len] = self.args(s, 3, "(fill PTR BYTE LEN)")? else {
                    unreachable!()
                };
                let (dst, _) = self.pointer(p)?;
                let byte = self.expr_of(byte, &Ty::I32)?;
                let (len, lty) = self.expr(len, Some(&Ty::I64))?;
                let len = self.index_as_ptr(len, &lty, s.pos())?;
                self.b.ins(Op::MemoryFill {
                    dst,
                    byte,
                    len,
                    mem: MemId::DEFAULT,
                });
            }
            Some("do") => self.stmts(&items[1..])?,
            Some("if") => {
                if !(3..=4).contains(&items.len()) {
                    return err(s.pos(), "expected `(if COND THEN [ELSE])`");
                }
                let cond = self.cond(&items[1])?;
                let then = self.block("then");
                let join = self.block("endif");
                let other = if items.len() == 4 {
                    self.block("else")
                } else {
                    join
                };
                self.b
                    .brif(cond, Edge::new(then, vec![]), Edge::new(other, vec![]));
                self.b.switch_to_block(then);
                self.stmts(&items[2..3])?;
                self.b.jump(join, &[]);
                if items.len() == 4 {
                    self.b.switch_to_block(other);
                    self.stmts(&items[3..4])?;
                    self.b.jump(join, &[]);
                }
                self.b.switch_to_block(join);
            }
            Some("while") => {
                if items.len() < 2 {
                    return err(s.pos(), "expected `(while COND STMT...)`");
                }
                let head = self.block("while");
                let body = self.block("body");
                let exit = self.block("endwhile");
                self.b.jump(head, &[]);
                self.b.switch_to_block(head);
                let cond = self.cond(&items[1])?;
                self.b
                    .brif(cond, Edge::new(body, vec![]), Edge::new(exit, vec![]));
                self.b.switch_to_block(body);
                self.loop_body(head, exit, &items[2..])?;
                self.b.jump(head, &[]);
                self.b.switch_to_block(exit);
            }
            Some("for") => self.for_loop(s, items)?,
            Some("break") | Some("continue") => {
                let Some(inner) = self.loops.last() else {
                    return err(s.pos(), "`break` or `continue` outside a loop");
                };
                let (target, mark) = match s.head() {
                    Some("break") => (inner.brk, inner.mark),
                    _ => (inner.cont, inner.mark),
                };
                self.restore_stack(mark);
                self.b.jump(target, &[]);
                self.dead_block();
            }
            Some("return") => {
                match (items.get(1), self.ret.clone()) {
                    (None, Ty::Void) => self.b.ret(&[]),
                    (Some(e), ty) if ty != Ty::Void && items.len() == 2 => {
                        let v = self.expr_of(e, &ty)?;
                        self.b.ret(&[v]);
                    }
                    _ => {
                        return err(
                            s.pos(),
                            "`return` with a value exactly when the function has a result",
                        );
                    }
                }
                self.dead_block();
            }
            Some("switch") => self.switch(s, items)?,
            _ => {
                // An expression statement: a call (its result is dropped).
                if s.list().is_none() {
                    return err(s.pos(), "expected a statement");
                }
                self.expr(s, None)?;
            }
        }
        Ok(())
    }

    /// A loop's body, `continue` going to `cont` and `break` to `brk`. A
    /// body with a `stack-alloc` in it saves the stack's top first and
    /// restores it at its end (and before each `break` and `continue`), so
    /// that a variable-length array in a loop takes the same stack at every
    /// iteration, as a C compiler does with `stacksave`/`stackrestore`.
    fn loop_body(&mut self, cont: BlockId, brk: BlockId, body: &[Sexp]) -> Result<()> {
        let mark = body.iter().any(allocates).then(|| {
            let mark = self.var("stack_mark", Type::Ptr);
            let top = self.b.ins(Op::StackSave)[0];
            self.b.var_set(mark, top);
            mark
        });
        self.loops.push(Loop { cont, brk, mark });
        self.stmts(body)?;
        self.loops.pop();
        self.restore_stack(mark);
        Ok(())
    }

    /// `stack.restore` of the mark a loop body saved, if it saved one.
    fn restore_stack(&mut self, mark: Option<VarId>) {
        if let Some(mark) = mark {
            let top = self.b.var_get(mark);
            self.b.ins(Op::StackRestore(top));
        }
    }

    /// `(for (I TYPE FROM TO) STMT...)`: `for (I = FROM; I < TO; I++)`, with
    /// `TO` read at every iteration as C does; `continue` goes to the step.
    fn for_loop(&mut self, s: &Sexp, items: &[Sexp]) -> Result<()> {
        let bad = || Error::new(s.pos(), "expected `(for (VAR TYPE FROM TO) STMT...)`");
        let [var, ty, from, to] = items.get(1).and_then(Sexp::list).ok_or_else(bad)? else {
            return Err(bad());
        };
        let name = var.sym().ok_or_else(bad)?;
        let ty = self.parse_ty(ty)?;
        if !ty.is_int() {
            return err(s.pos(), "a `for` variable is an i32 or an i64");
        }
        self.scopes.push(HashMap::new());
        let init = self.expr_of(from, &ty)?;
        let v = self.var(name, ty.ir().unwrap_or(Type::I32));
        self.b.var_set(v, init);
        self.define(name, Local::Var(v, ty.clone()));
        let head = self.block("for");
        let body = self.block("body");
        let step = self.block("step");
        let exit = self.block("endfor");
        self.b.jump(head, &[]);
        self.b.switch_to_block(head);
        let i = self.b.var_get(v);
        let end = self.expr_of(to, &ty)?;
        let cond = self.b.cmp(CmpOp::LtS, i, end);
        self.b
            .brif(cond, Edge::new(body, vec![]), Edge::new(exit, vec![]));
        self.b.switch_to_block(body);
        self.loop_body(step, exit, &items[2..])?;
        self.b.jump(step, &[]);
        self.b.switch_to_block(step);
        let i = self.b.var_get(v);
        let one = self.b.iconst(ty.ir().unwrap_or(Type::I32), 1);
        let next = self.b.add(i, one);
        self.b.var_set(v, next);
        self.b.jump(head, &[]);
        self.b.switch_to_block(exit);
        self.scopes.pop();
        Ok(())
    }

    /// `(switch EXPR (case V STMT...) ... [(default STMT...)])`: no fall
    /// through, and `break` still means the enclosing loop's.
    fn switch(&mut self, s: &Sexp, items: &[Sexp]) -> Result<()> {
        if items.len() < 2 {
            return err(
                s.pos(),
                "expected `(switch EXPR (case V STMT...) ... [(default STMT...)])`",
            );
        }
        let (value, ty) = self.expr(&items[1], None)?;
        if !ty.is_int() {
            return err(items[1].pos(), "a switch is on an i32 or an i64");
        }
        let end = self.block("endswitch");
        let mut cases: Vec<(i64, Edge)> = Vec::new();
        let mut bodies = Vec::new();
        let mut default = None;
        for arm in &items[2..] {
            let a = arm.list().unwrap_or_default();
            match (arm.head(), a.get(1)) {
                (Some("case"), Some(Sexp::Int(v, p))) => {
                    if cases.iter().any(|(c, _)| c == v) {
                        return err(*p, format!("case {v} twice"));
                    }
                    let blk = self.block("case");
                    cases.push((*v, Edge::new(blk, vec![])));
                    bodies.push((blk, &a[2..]));
                }
                (Some("default"), _) if default.is_none() => {
                    let blk = self.block("default");
                    default = Some(blk);
                    bodies.push((blk, &a[1..]));
                }
                _ => {
                    return err(
                        arm.pos(),
                        "expected `(case INT STMT...)` or one `(default STMT...)`",
                    );
                }
            }
        }
        let dflt = default.unwrap_or(end);
        self.b.switch_cases(value, cases, Edge::new(dflt, vec![]));
        for (blk, body) in bodies {
            self.b.switch_to_block(blk);
            self.stmts(body)?;
            self.b.jump(end, &[]);
        }
        self.b.switch_to_block(end);
        Ok(())
    }

    /// A condition: a comparison as it is, any other integer compared with 0.
    fn cond(&mut self, e: &Sexp) -> Result<ValueId> {
        let (v, ty) = self.expr(e, None)?;
        let is_test = e
            .head()
            .is_some_and(|h| COMPARE.contains(&h) || ["and", "or", "not"].contains(&h));
        if is_test {
            return Ok(v);
        }
        match ty.ir() {
            Some(t @ (Type::I32 | Type::I64 | Type::Ptr)) => {
                let zero = self.b.iconst(t, 0);
                Ok(self.b.cmp(CmpOp::Ne, v, zero))
            }
            _ => err(
                e.pos(),
                format!("a condition is an integer, not {}", self.ty_name(&ty)),
            ),
        }
    }

    fn store(&mut self, addr: ValueId, elem: &Ty, e: &Sexp) -> Result<()> {
        let Some(access) = elem.access() else {
            return err(
                e.pos(),
                format!("cannot store a whole {}", self.ty_name(elem)),
            );
        };
        let value = self.expr_of(e, &elem.value())?;
        self.b.store(access, addr, value, 0);
        Ok(())
    }

    /// An expression that must have type `ty`.
    fn expr_of(&mut self, e: &Sexp, ty: &Ty) -> Result<ValueId> {
        let (v, got) = self.expr(e, Some(ty))?;
        if &got != ty {
            return err(
                e.pos(),
                format!(
                    "expected {}, found {}",
                    self.ty_name(ty),
                    self.ty_name(&got)
                ),
            );
        }
        Ok(v)
    }

    /// A pointer expression and the type it points to.
    fn pointer(&mut self, e: &Sexp) -> Result<(ValueId, Ty)> {
        match self.expr(e, None)? {
            (v, Ty::Ptr(elem)) => Ok((v, *elem)),
            (_, ty) => err(
                e.pos(),
                format!("expected a pointer, found {}", self.ty_name(&ty)),
            ),
        }
    }

    fn index_as_ptr(&mut self, v: ValueId, ty: &Ty, pos: Pos) -> Result<ValueId> {
        let kind = match ty {
            Ty::I32 => ConvKind::ExtendS,
            Ty::I64 => ConvKind::Wrap,
            _ => {
                return err(
                    pos,
                    format!("expected an integer, found {}", self.ty_name(ty)),
                );
            }
        };
        Ok(self.b.conv(kind, Type::Ptr, v))
    }

    /// `(at P I)`: `P + I * sizeof(*P)`, the multiplication explicit.
    fn element(&mut self, s: &Sexp, p: &Sexp, i: &Sexp) -> Result<(ValueId, Ty)> {
        let (base, elem) = self.pointer(p)?;
        let (index, ity) = self.expr(i, None)?;
        let index = self.index_as_ptr(index, &ity, s.pos())?;
        let size = self.b.iconst(Type::Ptr, self.g.structs.size(&elem) as i64);
        let offset = self.b.mul(index, size);
        Ok((self.b.add(base, offset), elem))
    }

    /// `(field P F)`: `P + offsetof(F)`, `+ 0` included.
    fn field(&mut self, s: &Sexp, p: &Sexp, f: &Sexp) -> Result<(ValueId, Ty)> {
        let (base, elem) = self.pointer(p)?;
        let Ty::Struct(index) = elem else {
            return err(
                s.pos(),
                format!("a field of {}, not a struct", self.ty_name(&elem)),
            );
        };
        let fname = f.sym().unwrap_or_default();
        let def = &self.g.structs.defs[index];
        let Some((_, fty, off)) = def.fields.iter().find(|(n, _, _)| n == fname) else {
            return err(
                f.pos(),
                format!("struct {} has no field `{fname}`", def.name),
            );
        };
        let (fty, off) = (fty.clone(), *off);
        let offset = self.b.iconst(Type::Ptr, off as i64);
        Ok((self.b.add(base, offset), fty))
    }

    fn load(&mut self, pos: Pos, addr: ValueId, elem: &Ty) -> Result<(ValueId, Ty)> {
        let Some(access) = elem.access() else {
            return err(pos, format!("cannot load a whole {}", self.ty_name(elem)));
        };
        Ok((self.b.load(access, addr, 0), elem.value()))
    }

    /// An expression's value and type. `hint` types an integer literal (i32
    /// without one); a binary operator's literal operand takes the type of
    /// the other operand.
    fn expr(&mut self, e: &Sexp, hint: Option<&Ty>) -> Result<(ValueId, Ty)> {
        match e {
            Sexp::Int(v, _) => Ok(match hint {
                Some(Ty::I64) => (self.b.iconst(Type::I64, *v), Ty::I64),
                Some(Ty::F64) => (self.b.f64const(*v as f64), Ty::F64),
                _ => (self.b.iconst(Type::I32, *v), Ty::I32),
            }),
            Sexp::Float(f, _) => Ok((self.b.f64const(*f), Ty::F64)),
            Sexp::Str(_, p) => err(*p, "a string is only data"),
            Sexp::Sym(name, p) => match self.lookup(name) {
                Some(Local::Var(v, ty)) => {
                    let (v, ty) = (*v, ty.clone());
                    Ok((self.b.var_get(v), ty))
                }
                Some(Local::Slot(s, ty)) => {
                    let (s, ty) = (*s, ty.clone());
                    Ok((self.b.slot_addr(s), Ty::Ptr(Box::new(ty))))
                }
                None => match self.g.data.get(name.as_str()) {
                    Some((d, ty)) => Ok((self.b.data_addr(*d), Ty::Ptr(Box::new(ty.clone())))),
                    None => err(*p, format!("unknown name `{name}`")),
                },
            },
            Sexp::List(items, pos) => {
                let Some(head) = e.head() else {
                    return err(*pos, "expected an operator or a function name");
                };
                if ARITH.contains(&head) || COMPARE.contains(&head) {
                    return self.binary(e, head, hint);
                }
                self.form(e, head, &items[1..], hint)
            }
        }
    }

    fn binary(&mut self, e: &Sexp, head: &str, hint: Option<&Ty>) -> Result<(ValueId, Ty)> {
        let [a, b] = self.args(e, 2, &format!("({head} A B)"))? else {
            unreachable!()
        };
        let literal = |x: &Sexp| matches!(x, Sexp::Int(..) | Sexp::Float(..));
        let compare = COMPARE.contains(&head);
        let hint = if compare { None } else { hint };
        // A literal operand has no type of its own: lower the other first.
        let (va, vb, ty) = if literal(a) && !literal(b) {
            let (vb, ty) = self.expr(b, None)?;
            let va = self.expr_of(a, &ty)?;
            (va, vb, ty)
        } else {
            let (va, ty) = self.expr(a, hint)?;
            let vb = self.expr_of(b, &ty)?;
            (va, vb, ty)
        };
        let float = ty == Ty::F64;
        let pos = e.pos();
        if compare {
            use CmpOp::*;
            let op = match (head, float) {
                ("==", _) => Eq,
                ("!=", _) => Ne,
                ("<", false) => LtS,
                ("<=", false) => LeS,
                (">", false) => GtS,
                (">=", false) => GeS,
                ("<", true) => Lt,
                ("<=", true) => Le,
                (">", true) => Gt,
                (">=", true) => Ge,
                ("<u", false) => LtU,
                ("<=u", false) => LeU,
                (">u", false) => GtU,
                (">=u", false) => GeU,
                _ => return err(pos, format!("`{head}` on {}", self.ty_name(&ty))),
            };
            if !ty.is_int() && !float && !matches!(ty, Ty::Ptr(_)) {
                return err(pos, format!("`{head}` on {}", self.ty_name(&ty)));
            }
            return Ok((self.b.cmp(op, va, vb), Ty::I32));
        }
        use BinaryOp::*;
        let op = match (head, float) {
            ("+", _) => Add,
            ("-", _) => Sub,
            ("*", _) => Mul,
            ("/", true) => Div,
            ("/", false) => DivS,
            ("%", false) => RemS,
            ("/u", false) => DivU,
            ("%u", false) => RemU,
            ("&", false) => And,
            ("|", false) => Or,
            ("^", false) => Xor,
            ("<<", false) => Shl,
            (">>", false) => ShrS,
            (">>u", false) => ShrU,
            ("rotl", false) => Rotl,
            ("rotr", false) => Rotr,
            _ => return err(pos, format!("`{head}` on {}", self.ty_name(&ty))),
        };
        if !ty.is_int() && !float {
            return err(
                pos,
                format!("`{head}` on {} (use `at` for addresses)", self.ty_name(&ty)),
            );
        }
        Ok((self.b.binop(op, va, vb), ty))
    }

    /// Every other expression form: a built-in, or a call.
    fn form(
        &mut self,
        e: &Sexp,
        head: &str,
        args: &[Sexp],
        hint: Option<&Ty>,
    ) -> Result<(ValueId, Ty)> {
        let pos = e.pos();
        let one = |me: &Self| me.args(e, 1, &format!("({head} X)")).map(|a| &a[0]);
        match head {
            "and" | "or" => {
                let [a, b] = self.args(e, 2, &format!("({head} A B)"))? else {
                    unreachable!()
                };
                // A temporary, as MIR has for a short-circuit operator.
                let tmp = self.var(head, Type::I32);
                let va = self.cond(a)?;
                self.b.var_set(tmp, va);
                let rhs = self.block(head);
                let join = self.block(&format!("end{head}"));
                let (t, f) = if head == "and" {
                    (rhs, join)
                } else {
                    (join, rhs)
                };
                self.b.brif(va, Edge::new(t, vec![]), Edge::new(f, vec![]));
                self.b.switch_to_block(rhs);
                let vb = self.cond(b)?;
                self.b.var_set(tmp, vb);
                self.b.jump(join, &[]);
                self.b.switch_to_block(join);
                Ok((self.b.var_get(tmp), Ty::I32))
            }
            "not" => {
                let x = one(self)?;
                let v = self.cond(x)?;
                Ok((self.b.unop(UnaryOp::Eqz, v), Ty::I32))
            }
            "neg" | "sqrt" | "popcnt" | "clz" | "ctz" => {
                let x = one(self)?;
                let (v, ty) = self.expr(x, hint)?;
                let op = match (head, &ty) {
                    ("neg", Ty::F64) => UnaryOp::Neg,
                    ("sqrt", Ty::F64) => UnaryOp::Sqrt,
                    ("neg", Ty::I32 | Ty::I64) => {
                        let zero = self.b.iconst(ty.ir().unwrap_or(Type::I32), 0);
                        return Ok((self.b.sub(zero, v), ty));
                    }
                    ("popcnt", Ty::I32 | Ty::I64) => UnaryOp::Popcnt,
                    ("clz", Ty::I32 | Ty::I64) => UnaryOp::Clz,
                    ("ctz", Ty::I32 | Ty::I64) => UnaryOp::Ctz,
                    _ => return err(pos, format!("`{head}` on {}", self.ty_name(&ty))),
                };
                Ok((self.b.unop(op, v), ty))
            }
            "i32" | "i64" | "u64" | "f64" => {
                let x = one(self)?;
                let (v, from) = self.expr(x, None)?;
                let (kind, to) = match (head, &from) {
                    ("i32", Ty::I32) | ("i64", Ty::I64) | ("f64", Ty::F64) => return Ok((v, from)),
                    ("i32", Ty::I64) => (ConvKind::Wrap, Ty::I32),
                    ("i32", Ty::F64) => (ConvKind::TruncS, Ty::I32),
                    ("i64", Ty::I32) => (ConvKind::ExtendS, Ty::I64),
                    ("u64", Ty::I32) => (ConvKind::ExtendU, Ty::I64),
                    ("i64", Ty::F64) => (ConvKind::TruncS, Ty::I64),
                    ("f64", Ty::I32 | Ty::I64) => (ConvKind::ConvertS, Ty::F64),
                    _ => {
                        return err(
                            pos,
                            format!("no conversion `{head}` of {}", self.ty_name(&from)),
                        );
                    }
                };
                let ir = to.ir().unwrap_or(Type::I32);
                Ok((self.b.conv(kind, ir, v), to))
            }
            "at" => {
                let [p, i] = self.args(e, 2, "(at PTR INDEX)")? else {
                    unreachable!()
                };
                let (v, elem) = self.element(e, p, i)?;
                Ok((v, Ty::Ptr(Box::new(elem))))
            }
            "field" => {
                let [p, f] = self.args(e, 2, "(field PTR FIELD)")? else {
                    unreachable!()
                };
                let (v, fty) = self.field(e, p, f)?;
                Ok((v, Ty::Ptr(Box::new(fty))))
            }
            "load" => {
                let p = one(self)?;
                let (addr, elem) = self.pointer(p)?;
                self.load(pos, addr, &elem)
            }
            "get" => {
                let [p, i] = self.args(e, 2, "(get PTR INDEX)")? else {
                    unreachable!()
                };
                let (addr, elem) = self.element(e, p, i)?;
                self.load(pos, addr, &elem)
            }
            "fget" => {
                let [p, f] = self.args(e, 2, "(fget PTR FIELD)")? else {
                    unreachable!()
                };
                let (addr, fty) = self.field(e, p, f)?;
                self.load(pos, addr, &fty)
            }
            "null" => {
                let t = self.parse_ty(one(self)?)?;
                Ok((self.b.iconst(Type::Ptr, 0), Ty::Ptr(Box::new(t))))
            }
            "cast" => {
                let [t, x] = self.args(e, 2, "(cast (ptr T) PTR)")? else {
                    unreachable!()
                };
                let to = self.parse_ty(t)?;
                let (v, _) = self.pointer(x)?;
                match to {
                    Ty::Ptr(_) => Ok((v, to)),
                    _ => err(t.pos(), "a cast is to a pointer type"),
                }
            }
            "stack-alloc" => {
                let [t, n] = self.args(e, 2, "(stack-alloc TYPE COUNT)")? else {
                    unreachable!()
                };
                let elem = self.parse_ty(t)?;
                let (count, cty) = self.expr(n, None)?;
                let count = self.index_as_ptr(count, &cty, pos)?;
                let size = self.b.iconst(Type::Ptr, self.g.structs.size(&elem) as i64);
                let bytes = self.b.mul(count, size);
                let p = self
                    .b
                    .ins(Op::StackAlloc(bytes))
                    .first()
                    .copied()
                    .unwrap_or(ValueId::INVALID);
                Ok((p, Ty::Ptr(Box::new(elem))))
            }
            _ => self.call(e, head, args),
        }
    }

    fn call(&mut self, e: &Sexp, head: &str, args: &[Sexp]) -> Result<(ValueId, Ty)> {
        let Some((func, params, ret)) = self.g.funcs.get(head) else {
            return err(e.pos(), format!("unknown function or operator `{head}`"));
        };
        let (func, params, ret) = (*func, params.clone(), ret.clone());
        if params.len() != args.len() {
            return err(
                e.pos(),
                format!(
                    "`{head}` takes {} arguments, not {}",
                    params.len(),
                    args.len()
                ),
            );
        }
        let mut values = Vec::new();
        for (a, ty) in args.iter().zip(&params) {
            values.push(self.expr_of(a, ty)?);
        }
        let results = self.b.call(func, &values);
        Ok((results.first().copied().unwrap_or(ValueId::INVALID), ret))
    }
}
