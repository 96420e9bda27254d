//! Removal of dead loop counters: a block parameter whose only uses are
//! the arguments passed back to it, directly or through an `add` or `sub`
//! whose only uses are those arguments. `widen-iv` gives a loop a
//! pointer-wide counter that `strength-reduce` then reads only to make
//! its own pointer: afterwards the counter is stepped on every iteration
//! and read by nothing else.
//!
//! Why it is exact: the parameter's value flows only into itself, so no
//! instruction, terminator condition or other block ever sees it; the
//! `add`s and `sub`s that step it are pure and cannot trap. Removing the
//! parameter, its argument on every edge into its block and its steps
//! leaves every other value as it was. One count of uses, one walk over
//! the edges: linear.

use super::unroll::{def_op, use_counts};
use crate::ir::{BinaryOp, Function, Op, ValueDef, ValueId};

/// Removes the dead counters of `func` (definitions renumbered); the
/// values the removed arguments and steps read, which may be dead now.
pub(super) fn remove_dead_counters(func: &mut Function) -> Vec<ValueId> {
    let uses = use_counts(func);
    // Each value's uses as an argument to a parameter it is or steps.
    let mut own = vec![0u32; func.values.len()];
    for block in &func.blocks {
        let Some(term) = &block.term else { continue };
        for edge in term.edges() {
            let Some(target) = func.blocks.get(edge.block.index()) else {
                continue;
            };
            for (&arg, &param) in edge.args.iter().zip(&target.params) {
                if arg == param || stepped_from(func, arg) == Some(param) {
                    own[arg.index()] += 1;
                }
            }
        }
    }
    // The steps whose only uses are arguments to their own parameter,
    // counted by the parameter they read.
    let mut step_uses = vec![0u32; func.values.len()];
    let mut steps = Vec::new();
    for block in &func.blocks {
        for inst in &block.insts {
            if let [q] = inst.results[..]
                && let Some(p) = stepped_from(func, q)
                && own[q.index()] == uses[q.index()]
            {
                step_uses[p.index()] += 1;
                steps.push(q);
            }
        }
    }
    let dead: Vec<ValueId> = (func.blocks.iter().flat_map(|b| &b.params))
        .copied()
        .filter(|p| uses[p.index()] > 0 && uses[p.index()] == own[p.index()] + step_uses[p.index()])
        .collect();
    if dead.is_empty() {
        return Vec::new();
    }
    let mut is_dead = vec![false; func.values.len()];
    for &p in &dead {
        is_dead[p.index()] = true;
    }
    let mut freed = remove_arguments(func, &is_dead);
    let removed_step = |q: &ValueId| stepped_from(func, *q).is_some_and(|p| is_dead[p.index()]);
    let gone: Vec<ValueId> = steps.into_iter().filter(removed_step).collect();
    for &q in &gone {
        if let Some(op) = def_op(func, q) {
            freed.extend(op.operands());
        }
        is_dead[q.index()] = true;
    }
    for block in &mut func.blocks {
        block.params.retain(|p| !is_dead[p.index()]);
        block
            .insts
            .retain(|i| !i.results.iter().any(|r| is_dead[r.index()]));
    }
    renumber_params(func);
    super::inline::renumber_defs(func);
    freed.retain(|v| !is_dead[v.index()]);
    freed
}

/// The parameter `q` steps when it is `p + x`, `x + p` or `p - x`, `p` a
/// block parameter (`x` not `p`).
fn stepped_from(func: &Function, q: ValueId) -> Option<ValueId> {
    let param = |v: ValueId| matches!(func.value(v).def, ValueDef::BlockParam(..));
    match *def_op(func, q)? {
        Op::Binary(BinaryOp::Add, ty, a, b) if ty.is_int() && a != b => {
            [a, b].into_iter().find(|&v| param(v))
        }
        Op::Binary(BinaryOp::Sub, ty, a, b) if ty.is_int() && a != b && param(a) => Some(a),
        _ => None,
    }
}

/// Drops the arguments of the dead parameters from every edge: the values
/// they passed.
fn remove_arguments(func: &mut Function, is_dead: &[bool]) -> Vec<ValueId> {
    let params: Vec<Vec<ValueId>> = func.blocks.iter().map(|b| b.params.clone()).collect();
    let mut freed = Vec::new();
    for block in &mut func.blocks {
        let Some(term) = &mut block.term else {
            continue;
        };
        for edge in term.edges_mut() {
            let Some(target) = params.get(edge.block.index()) else {
                continue;
            };
            let mut keep = target.iter().map(|p| !is_dead[p.index()]);
            edge.args.retain(|a| {
                let kept = keep.next().unwrap_or(true);
                if !kept {
                    freed.push(*a);
                }
                kept
            });
        }
    }
    freed
}

/// Sets each block parameter's definition to its position.
fn renumber_params(func: &mut Function) {
    for b in 0..func.blocks.len() {
        let block = func.block_id(b);
        for (n, p) in func.blocks[b].params.iter().enumerate() {
            func.values[p.index()].def = ValueDef::BlockParam(block, n as u32);
        }
    }
}
