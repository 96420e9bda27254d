//! Inlining of tiny leaf functions: a call to a function of one block, with
//! no stack slots, no calls and nothing that can trap (at most [`MAX_INSTS`]
//! instructions ending in `return`, not counting variable accesses), is
//! replaced by a copy of that block. A bump allocator's `alloc`, a getter of
//! a global, an arithmetic helper: the call costs more than the body.
//!
//! The callee's variables are not copied: in one block, a `var.get` reads
//! the value of the last `var.set` before it (or the variable's zero), so
//! the copy uses that value directly. A frontend that copies its parameters
//! into variables (MIR's places) writes its helpers that way; they are
//! inlined as their SSA twins are.
//!
//! Nothing observable changes: the copied instructions run in the same order
//! with the same operands, the callee cannot trap, so it never appears in a
//! backtrace, and it makes no calls, so the stack depth at any trap is the
//! same. (Fuel, which counts wasm instructions, is spent a little slower.)
//! The copies keep their positions in the callee, inlined at the call
//! (`ir/inlined.rs`), as `inline_calls.rs`'s do: debuggers and the DWARF
//! see the callee's frame the same way whichever pass copied it.
//! The callee is still compiled on its own: it may be exported or have its
//! address taken.

use crate::diag::Span;
use crate::ir::{
    BinaryOp, Const, ConvKind, Function, Inst, LocId, Module, Op, Terminator, ValueDef, ValueId,
    VarId,
};

/// The largest callee body inlined, in instructions (the `return` and the
/// variable accesses not counted).
const MAX_INSTS: usize = 12;

/// The function with its calls to tiny leaves inlined, or `None` when it
/// calls none.
pub(super) fn inline_leaves(module: &Module, func: &Function) -> Option<Function> {
    let inlinable = |inst: &Inst| match &inst.op {
        Op::Call { func: callee, .. } => leaf_body(module.func(*callee)).is_some(),
        _ => false,
    };
    if !func.blocks.iter().any(|b| b.insts.iter().any(inlinable)) {
        return None;
    }
    let mut func = func.clone();
    // What each call result becomes: a value of the copied body.
    let mut subst: Vec<Option<ValueId>> = vec![None; func.values.len()];
    for b in 0..func.blocks.len() {
        let insts = std::mem::take(&mut func.blocks[b].insts);
        let mut out = Vec::with_capacity(insts.len());
        for inst in insts {
            let Op::Call { func: callee, args } = &inst.op else {
                out.push(inst);
                continue;
            };
            let callee_id = *callee;
            let callee = module.func(callee_id);
            let Some((body, returned)) = leaf_body(callee) else {
                out.push(inst);
                continue;
            };
            // The copies keep the call's span, and their own positions in
            // the callee inlined at the call (`ir/inlined.rs`).
            let site = func.add_inline_site(callee_id, inst.span, inst.loc);
            // Callee values to caller values: parameters to the arguments,
            // each instruction's results to fresh values.
            let mut map: Vec<Option<ValueId>> = vec![None; callee.values.len()];
            for (param, arg) in callee.params.iter().zip(args) {
                map[param.index()] = Some(resolve(&subst, *arg));
            }
            // What each callee variable holds at this point of the copy.
            let mut held: Vec<Option<ValueId>> = vec![None; callee.vars.len()];
            for callee_inst in body {
                match (&callee_inst.op, callee_inst.results.as_slice()) {
                    (Op::VarSet(var, value), _) => {
                        held[var.index()] = map[value.index()];
                        continue;
                    }
                    (Op::VarGet(var), &[result]) => {
                        let value = match held[var.index()] {
                            Some(value) => value,
                            None => {
                                let zero = zero_of(&mut func, callee, *var, (inst.span, inst.loc));
                                let value = zero.results[0];
                                out.push(zero);
                                held[var.index()] = Some(value);
                                value
                            }
                        };
                        map[result.index()] = Some(value);
                        continue;
                    }
                    _ => {}
                }
                let results = callee_inst
                    .results
                    .iter()
                    .map(|r| {
                        let data = callee.value(*r);
                        let v = func.new_value(data.ty, data.name.clone(), ValueDef::Param(0));
                        map[r.index()] = Some(v);
                        v
                    })
                    .collect();
                let mut op = callee_inst.op.clone();
                op.map_operands(|v| map[v.index()].expect("defined before use"));
                let loc = func.inlined_loc(site, callee, callee_inst.span, callee_inst.loc);
                out.push(Inst {
                    op,
                    results,
                    span: inst.span,
                    loc,
                });
            }
            subst.resize(func.values.len(), None);
            for (result, value) in inst.results.iter().zip(returned) {
                subst[result.index()] = Some(map[value.index()].expect("returned value defined"));
            }
        }
        func.blocks[b].insts = out;
    }
    // Uses of call results now read the copies' values.
    subst.resize(func.values.len(), None);
    func.map_operands(|v| resolve(&subst, v));
    renumber_defs(&mut func);
    Some(func)
}

/// Sets each instruction result's definition to where it now is, after
/// instructions were inserted or removed.
pub(super) fn renumber_defs(func: &mut Function) {
    for b in 0..func.blocks.len() {
        let block = func.block_id(b);
        for (index, inst) in func.blocks[b].insts.iter().enumerate() {
            for (result, value) in inst.results.iter().enumerate() {
                func.values[value.index()].def = ValueDef::InstResult {
                    block,
                    index: index as u32,
                    result: result as u32,
                };
            }
        }
    }
}

/// `const 0` of a callee variable's type, as a new value of `func`: what
/// the variable holds before its first `var.set`.
fn zero_of(func: &mut Function, callee: &Function, var: VarId, at: (Span, LocId)) -> Inst {
    let data = &callee.vars[var.index()];
    let value = func.new_value(data.ty, data.name.clone(), ValueDef::Param(0));
    Inst {
        op: Op::Const(Const::zero(data.ty)),
        results: vec![value],
        span: at.0,
        loc: at.1,
    }
}

/// A call result may stand for another call's result (a leaf returning what
/// an inlined call gave it is not possible, but a chain is cheap to follow).
fn resolve(subst: &[Option<ValueId>], mut v: ValueId) -> ValueId {
    while let Some(Some(next)) = subst.get(v.index()) {
        v = *next;
    }
    v
}

/// The body and returned values of a function that may be inlined.
fn leaf_body(callee: &Function) -> Option<(&[Inst], &[ValueId])> {
    if callee.is_import() || callee.blocks.len() != 1 || !callee.slots.is_empty() {
        return None;
    }
    let block = &callee.blocks[0];
    let Some(Terminator::Return(returned)) = &block.term else {
        return None;
    };
    let is_var_access = |i: &&Inst| matches!(i.op, Op::VarGet(_) | Op::VarSet(..));
    let code = || block.insts.iter().filter(|i| !is_var_access(i));
    if code().count() > MAX_INSTS || !code().all(|i| cannot_trap(&i.op)) {
        return None;
    }
    Some((&block.insts, returned))
}

/// Operators that neither trap, call nor touch memory or locals.
pub(super) fn cannot_trap(op: &Op) -> bool {
    match op {
        Op::Const(_)
        | Op::Unary(..)
        | Op::Compare(..)
        | Op::Select { .. }
        | Op::DataAddr(_)
        | Op::FuncAddr(_)
        | Op::GlobalGet(_)
        | Op::GlobalSet(..)
        | Op::MemorySize(_) => true,
        Op::Binary(op, ..) => !matches!(
            op,
            BinaryOp::DivS | BinaryOp::DivU | BinaryOp::RemS | BinaryOp::RemU
        ),
        Op::Convert(conv, _) => !matches!(conv.kind, ConvKind::TruncS | ConvKind::TruncU),
        _ => false,
    }
}
