//! Jump threading: an edge into a block that only decides where to go
//! next, on a value the edge already knows, goes straight to where that
//! block would send it.
//!
//! A naive frontend computes `(and A B)` in a condition through a
//! temporary: after promote-vars, a join block whose parameter is the
//! condition, reached from the test of `A` (passing `A` itself, zero on
//! its `else` edge) and from the end of `B`, and which only does `brif`
//! on that parameter. The wasm then runs two branches where one is
//! enough. Here the `else` edge of `A`'s test goes to the join's `else`
//! successor directly. The same rule removes jumps to blocks that only
//! jump on, and a `brif` (or `switch`) whose edges are all the same
//! becomes a `jump`. Blocks this leaves unreachable are removed.
//!
//! **The rule.** Take an edge `P -> B(args)`, where `B` (not the entry,
//! not `P`) holds at most [`MAX_BLOCK_INSTS`] instructions, each pure and
//! unable to trap (licm's `movable`), and ends in `jump`, `brif` or
//! `switch`. Evaluate `B` on the edge: `B`'s parameters are the values the
//! edge passes; a value is known when it is a constant, or when it is
//! `P`'s own `brif` condition (zero on its `else` edge, non-zero on its
//! `then` edge) or `switch` index (`i` on the edge of table entry `i`);
//! `i32.eqz`, `eq` and `ne` of known integers are folded; nothing else is.
//! When that picks `B`'s successor `S(sargs)` and each of `sargs` is
//! available at `P` (a parameter of `B` becomes the value the edge passes,
//! a known result of `B`'s instructions a constant put at the end of `P`,
//! any other value is defined outside `B`), the edge becomes `P ->
//! S(sargs')`. This is exact: running `B` on that edge would have
//! computed `B`'s instructions (no effect, no trap, so skipping them is
//! not observable) and then taken `S` with those very values.
//!
//! It stays valid SSA when no value defined in `B` (a parameter or an
//! instruction result) is used outside `B`: a path that now goes `P -> S`
//! went `P -> B -> S` before, so every block but `B` that dominated a use
//! still does, and a value defined outside `B` but used by `B`'s
//! terminator dominates `B`, hence `P`. Threading adds uses only of
//! values that were already used outside their block (or of `P`'s new
//! constants, inside `P`), so that property, computed once, holds
//! throughout.
//!
//! **Reducibility.** An edge into a loop header threaded into the loop's
//! body can give the loop a second entry, which the structuring would
//! have to undo with a dispatch block (`reducible.rs`). A function that
//! is irreducible to begin with is left alone; when the threaded one is
//! irreducible, threading starts again from the original, checking the
//! CFG after each thread and undoing one that breaks it, for at most
//! [`MAX_CHECKS`] threads. A block that only jumps into a loop from
//! outside is kept: `licm` hoists into it, and would otherwise make a new
//! preheader whose parameter copies cost more than the jump. Each edge
//! follows at most [`MAX_HOPS`] blocks, so a cycle of empty blocks ends.
//! `eq`, `ne` and `eqz` only are folded, not `lt_s`: a counted loop's
//! test on its constant start stays, and so does the loop's shape that
//! `unroll` recognises.
//!
//! Cost: one scan for the uses, then a bounded evaluation per edge and
//! hop; the blocks, edges and constants are visited in index order, so
//! the output does not depend on hashing.

use super::inline::renumber_defs;
use super::licm::movable;
use crate::analysis::{Cfg, DomTree, Loops, reducible_loops};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::ir::{
    BlockId, CmpOp, Const, Edge, Function, Inst, LocId, Op, Terminator, UnaryOp, ValueDef, ValueId,
};
use std::borrow::Cow;

/// Blocks with more instructions than this are not evaluated.
const MAX_BLOCK_INSTS: usize = 8;

/// How many blocks one edge is threaded through at most.
const MAX_HOPS: usize = 8;

/// How many threads are tried one at a time, each checked for
/// reducibility, when threading them all made the CFG irreducible.
const MAX_CHECKS: usize = 64;

/// The function with its jumps threaded, or `None` when nothing changed.
pub(super) fn thread_jumps(func: &Function) -> Option<Function> {
    if func.blocks.len() < 2 {
        return None;
    }
    let (cfg, dom, loops) = reducible_loops(func)?;
    let kept = Kept {
        escapes: escaping_blocks(func),
        preheaders: preheaders(func, &cfg, &dom, &loops),
    };
    let mut out = func.clone();
    let mut changed = thread_all(&mut out, &kept, false);
    if changed && !is_reducible(&out) {
        out = func.clone();
        changed = thread_all(&mut out, &kept, true);
    }
    changed |= merge_same_edges(&mut out);
    if !changed {
        return None;
    }
    remove_unreachable(&mut out);
    Some(out)
}

/// What makes a block one not to thread through, by block: a value it
/// defines is used elsewhere, or it only jumps into a loop from outside.
struct Kept {
    escapes: Vec<bool>,
    preheaders: Vec<bool>,
}

/// The blocks that only jump to a loop header from outside its loop:
/// `licm` hoists into such a block; without it, it makes one with the
/// header's parameters, whose copies cost more than the jump.
fn preheaders(func: &Function, cfg: &Cfg, dom: &DomTree, loops: &Loops) -> Vec<bool> {
    let preheader = |(b, block): (usize, &crate::ir::Block)| match &block.term {
        Some(Terminator::Jump(edge)) => {
            let (s, b) = (edge.block, func.block_id(b));
            loops.is_header[s.index()] && cfg.is_reachable(b) && !dom.dominates(s, b)
        }
        _ => false,
    };
    func.blocks.iter().enumerate().map(preheader).collect()
}

fn is_reducible(func: &Function) -> bool {
    reducible_loops(func).is_some()
}

/// For each block, whether a value it defines is used in another block.
fn escaping_blocks(func: &Function) -> Vec<bool> {
    let def_block = |v: ValueId| match func.value(v).def {
        ValueDef::Param(_) => None,
        ValueDef::BlockParam(b, _) | ValueDef::InstResult { block: b, .. } => Some(b.index()),
    };
    let mut escapes = vec![false; func.blocks.len()];
    for (x, block) in func.blocks.iter().enumerate() {
        let insts = block.insts.iter().flat_map(|i| i.op.operands());
        let term = block.term.iter().flat_map(|t| t.operands());
        for v in insts.chain(term) {
            match def_block(v) {
                Some(d) if d != x => escapes[d] = true,
                _ => {}
            }
        }
    }
    escapes
}

/// Threads every edge of every block, in order; with `checked`, a
/// thread is kept only if the CFG stays reducible (the longest prefix of
/// its hops that keeps it so). Whether any was kept.
fn thread_all(func: &mut Function, kept: &Kept, checked: bool) -> bool {
    let mut changed = false;
    let mut checks = 0;
    for p in 0..func.blocks.len() {
        let edges = func.blocks[p].term.as_ref().map_or(0, edge_count);
        for e in 0..edges {
            let hops = hops(func, kept, p, e);
            if !checked {
                if let Some(last) = hops.into_iter().last() {
                    apply(func, p, e, last);
                    changed = true;
                }
                continue;
            }
            for hop in hops.into_iter().rev() {
                if checks == MAX_CHECKS {
                    return changed;
                }
                checks += 1;
                let saved = (func.blocks[p].clone(), func.values.len());
                apply(func, p, e, hop);
                if is_reducible(func) {
                    changed = true;
                    break;
                }
                func.blocks[p] = saved.0;
                func.values.truncate(saved.1);
            }
        }
    }
    changed
}

/// Where edge `e` of block `p` goes after each block it can be threaded
/// through: at most [`MAX_HOPS`] targets with their arguments.
fn hops(func: &Function, kept: &Kept, p: usize, e: usize) -> Vec<Hop> {
    let mut out: Vec<Hop> = Vec::new();
    let Some(term) = func.blocks[p].term.as_ref() else {
        return out;
    };
    let Some(edge) = edge_at(term, e) else {
        return out;
    };
    let known = known_on_edge(term, e);
    let mut at = (
        edge.block,
        edge.args.iter().map(|&v| Arg::Value(v)).collect(),
    );
    while out.len() < MAX_HOPS {
        let Some(next) = plan(func, kept, p, known, &at) else {
            break;
        };
        out.push(next.clone());
        at = next;
    }
    out
}

/// What a value is known to be on an edge.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fact {
    Known(Const),
    NonZero,
    Unknown,
}

/// An argument of a threaded edge: a value available at `P`, or a
/// constant to compute there.
#[derive(Clone, Copy, Debug)]
enum Arg {
    Value(ValueId),
    Const(Const),
}

/// A target and its arguments.
type Hop = (BlockId, Vec<Arg>);

/// Where an edge of block `p` to `at` (which knows `known`) goes if
/// threaded one block further, or `None` when it cannot be.
fn plan(
    func: &Function,
    kept: &Kept,
    p: usize,
    known: Option<(ValueId, Fact)>,
    (target, args): &Hop,
) -> Option<Hop> {
    let b = target.index();
    let block = &func.blocks[b];
    if b == 0 || b == p || kept.escapes[b] || kept.preheaders[b] {
        return None;
    }
    if block.insts.len() > MAX_BLOCK_INSTS {
        return None;
    }
    if !block.insts.iter().all(|i| movable(&i.op)) {
        return None;
    }
    let outside = |a: Arg| match a {
        Arg::Value(v) => fact_at(func, known, v),
        Arg::Const(c) => Fact::Known(c),
    };
    let mut env: FxHashMap<ValueId, Fact> = FxHashMap::default();
    for (&param, &arg) in block.params.iter().zip(args) {
        env.insert(param, outside(arg));
    }
    for inst in &block.insts {
        let fact = |v: ValueId| (env.get(&v).copied()).unwrap_or_else(|| outside(Arg::Value(v)));
        let value = evaluate(&inst.op, fact);
        for &r in &inst.results {
            env.insert(r, value);
        }
    }
    let fact = |v: ValueId| (env.get(&v).copied()).unwrap_or_else(|| outside(Arg::Value(v)));
    let next = successor(block.term.as_ref()?, fact)?;
    if next.block.index() == b {
        return None;
    }
    let next_args = (next.args.iter())
        .map(|&a| substitute(func, b, args, &env, a))
        .collect::<Option<Vec<Arg>>>()?;
    Some((next.block, next_args))
}

/// A successor argument as seen from the edge into block `b` that
/// passes `args`.
fn substitute(
    func: &Function,
    b: usize,
    args: &[Arg],
    env: &FxHashMap<ValueId, Fact>,
    a: ValueId,
) -> Option<Arg> {
    match func.value(a).def {
        ValueDef::BlockParam(d, n) if d.index() == b => args.get(n as usize).copied(),
        ValueDef::InstResult { block: d, .. } if d.index() == b => match env.get(&a) {
            Some(Fact::Known(c)) => Some(Arg::Const(*c)),
            _ => None,
        },
        _ => Some(Arg::Value(a)),
    }
}

/// The edge of `term` that `fact` selects, if it is known.
fn successor(term: &Terminator, fact: impl Fn(ValueId) -> Fact) -> Option<&Edge> {
    match term {
        Terminator::Jump(edge) => Some(edge),
        Terminator::BrIf {
            cond,
            then_edge,
            else_edge,
        } => match fact(*cond) {
            Fact::Known(Const::I32(0)) => Some(else_edge),
            Fact::Known(Const::I32(_)) | Fact::NonZero => Some(then_edge),
            _ => None,
        },
        Terminator::Switch {
            index,
            targets,
            default,
        } => match fact(*index) {
            Fact::Known(Const::I32(i)) => Some(targets.get(i as u32 as usize).unwrap_or(default)),
            _ => None,
        },
        _ => None,
    }
}

/// What edge `e` of `term` says about the value its block tested.
fn known_on_edge(term: &Terminator, e: usize) -> Option<(ValueId, Fact)> {
    match term {
        Terminator::BrIf { cond, .. } => Some(match e {
            0 => (*cond, Fact::NonZero),
            _ => (*cond, Fact::Known(Const::I32(0))),
        }),
        Terminator::Switch { index, targets, .. } if e < targets.len() => {
            Some((*index, Fact::Known(Const::I32(e as i32))))
        }
        _ => None,
    }
}

/// What `v`, defined outside the block being evaluated, is on the edge.
fn fact_at(func: &Function, known: Option<(ValueId, Fact)>, v: ValueId) -> Fact {
    if let Some((tested, fact)) = known
        && tested == v
    {
        return fact;
    }
    match func.value(v).def {
        ValueDef::InstResult { block, index, .. } => {
            match func.blocks[block.index()].insts.get(index as usize) {
                Some(Inst {
                    op: Op::Const(c),
                    results,
                    ..
                }) if results.first() == Some(&v) => Fact::Known(*c),
                _ => Fact::Unknown,
            }
        }
        _ => Fact::Unknown,
    }
}

/// The fact an instruction gives from its operands' facts: constants,
/// and `eqz`, `eq`, `ne` of integers.
fn evaluate(op: &Op, fact: impl Fn(ValueId) -> Fact) -> Fact {
    let bool_fact = |b: bool| Fact::Known(Const::I32(b as i32));
    match op {
        Op::Const(c) => Fact::Known(*c),
        Op::Unary(UnaryOp::Eqz, _, a) => match fact(*a) {
            Fact::Known(c) => c.int_bits().map_or(Fact::Unknown, |x| bool_fact(x == 0)),
            Fact::NonZero => bool_fact(false),
            Fact::Unknown => Fact::Unknown,
        },
        Op::Compare(cmp @ (CmpOp::Eq | CmpOp::Ne), ty, a, b) if ty.is_int() => {
            let equal = match (fact(*a), fact(*b)) {
                (Fact::Known(x), Fact::Known(y)) => match (x.int_bits(), y.int_bits()) {
                    (Some(a), Some(b)) if x.ty() == y.ty() => a == b,
                    _ => return Fact::Unknown,
                },
                (Fact::NonZero, Fact::Known(Const::I32(0)))
                | (Fact::Known(Const::I32(0)), Fact::NonZero) => false,
                _ => return Fact::Unknown,
            };
            bool_fact(equal == (*cmp == CmpOp::Eq))
        }
        _ => Fact::Unknown,
    }
}

/// Points edge `e` of block `p` at `target` with `args`, the constants
/// among them computed at the end of `p`.
fn apply(func: &mut Function, p: usize, e: usize, (target, args): Hop) {
    let args: Vec<ValueId> = (args.into_iter())
        .map(|a| match a {
            Arg::Value(v) => v,
            Arg::Const(c) => new_const(func, p, c),
        })
        .collect();
    if let Some(edge) = func.blocks[p].term.as_mut().and_then(|t| edge_at_mut(t, e)) {
        *edge = Edge::new(target, args);
    }
}

/// A constant appended to block `p`, before its terminator.
fn new_const(func: &mut Function, p: usize, c: Const) -> ValueId {
    let block = func.block_id(p);
    let index = func.blocks[p].insts.len() as u32;
    let def = ValueDef::InstResult {
        block,
        index,
        result: 0,
    };
    let value = func.new_value(c.ty(), "k", def);
    let span = func.blocks[p].term_span;
    func.blocks[p].insts.push(Inst {
        op: Op::Const(c),
        results: vec![value],
        span,
        loc: LocId::NONE,
    });
    value
}

/// Number of edges of a terminator, in [`Terminator::edges`] order.
fn edge_count(term: &Terminator) -> usize {
    match term {
        Terminator::Jump(_) => 1,
        Terminator::BrIf { .. } => 2,
        Terminator::Switch { targets, .. } => targets.len() + 1,
        Terminator::Cases { cases, .. } => cases.len() + 1,
        Terminator::Return(_) | Terminator::Unreachable => 0,
    }
}

/// Edge `e` of a terminator, in [`Terminator::edges`] order, in O(1).
fn edge_at(term: &Terminator, e: usize) -> Option<&Edge> {
    match term {
        Terminator::Jump(edge) => (e == 0).then_some(edge),
        Terminator::BrIf {
            then_edge,
            else_edge,
            ..
        } => [then_edge, else_edge].get(e).copied(),
        Terminator::Switch {
            targets, default, ..
        } => targets.get(e).or((e == targets.len()).then_some(default)),
        Terminator::Cases { cases, default, .. } => {
            (cases.get(e).map(|c| &c.edge)).or((e == cases.len()).then_some(default))
        }
        Terminator::Return(_) | Terminator::Unreachable => None,
    }
}

/// [`edge_at`], mutably.
fn edge_at_mut(term: &mut Terminator, e: usize) -> Option<&mut Edge> {
    match term {
        Terminator::Jump(edge) => (e == 0).then_some(edge),
        Terminator::BrIf {
            then_edge,
            else_edge,
            ..
        } => match e {
            0 => Some(then_edge),
            1 => Some(else_edge),
            _ => None,
        },
        Terminator::Switch {
            targets, default, ..
        } => match e.cmp(&targets.len()) {
            std::cmp::Ordering::Less => targets.get_mut(e),
            std::cmp::Ordering::Equal => Some(default),
            std::cmp::Ordering::Greater => None,
        },
        Terminator::Cases { cases, default, .. } => match e.cmp(&cases.len()) {
            std::cmp::Ordering::Less => cases.get_mut(e).map(|c| &mut c.edge),
            std::cmp::Ordering::Equal => Some(default),
            std::cmp::Ordering::Greater => None,
        },
        Terminator::Return(_) | Terminator::Unreachable => None,
    }
}

/// `brif` and `switch` whose edges are all the same (target and
/// arguments) become a `jump`, and the instructions that computed their
/// condition are removed when nothing else reads them; whether any did.
fn merge_same_edges(func: &mut Function) -> bool {
    let mut tested = Vec::new();
    for block in &mut func.blocks {
        let Some(term) = &block.term else { continue };
        let (same, value) = match term {
            Terminator::BrIf {
                cond,
                then_edge,
                else_edge,
            } => (then_edge == else_edge, *cond),
            Terminator::Switch {
                index,
                targets,
                default,
            } => (targets.iter().all(|t| t == default), *index),
            _ => continue,
        };
        if same {
            let edge = term.edges().next().cloned();
            block.term = edge.map(Terminator::Jump);
            tested.push(value);
        }
    }
    let changed = !tested.is_empty();
    if changed {
        remove_dead(func, tested);
    }
    changed
}

/// Removes the pure instructions among the definitions of `values` that
/// nothing reads any more, then those of their operands that this leaves
/// unread.
fn remove_dead(func: &mut Function, mut work: Vec<ValueId>) {
    let mut uses = vec![0u32; func.values.len()];
    for block in &func.blocks {
        let insts = block.insts.iter().flat_map(|i| i.op.operands());
        for v in insts.chain(block.term.iter().flat_map(|t| t.operands())) {
            uses[v.index()] += 1;
        }
    }
    let mut dead: FxHashSet<(usize, usize)> = FxHashSet::default();
    while let Some(v) = work.pop() {
        let ValueDef::InstResult { block, index, .. } = func.value(v).def else {
            continue;
        };
        let at = (block.index(), index as usize);
        let inst = &func.blocks[at.0].insts[at.1];
        let unread = inst.results.iter().all(|r| uses[r.index()] == 0);
        if !unread || !movable(&inst.op) || !dead.insert(at) {
            continue;
        }
        for operand in inst.op.operands() {
            uses[operand.index()] -= 1;
            work.push(operand);
        }
    }
    let mut dead: Vec<(usize, usize)> = dead.into_iter().collect();
    dead.sort_unstable();
    for group in dead.chunk_by(|a, b| a.0 == b.0) {
        let block = &mut func.blocks[group[0].0];
        let mut gone = group.iter().map(|&(_, i)| i).peekable();
        let insts = std::mem::take(&mut block.insts);
        for (i, inst) in insts.into_iter().enumerate() {
            if gone.next_if_eq(&i).is_none() {
                block.insts.push(inst);
            }
        }
    }
    renumber_defs(func);
}

/// `func` without the blocks the entry does not reach (borrowed when it
/// has none).
pub(super) fn without_unreachable(func: &Function) -> Cow<'_, Function> {
    if Cfg::new(func).rpo.len() == func.blocks.len() {
        return Cow::Borrowed(func);
    }
    let mut out = func.clone();
    remove_unreachable(&mut out);
    Cow::Owned(out)
}

/// Removes the blocks the entry does not reach, keeping the others in
/// order. The values they defined are no longer defined anywhere, and
/// unused (as the results of instructions other passes delete); their
/// records point at the entry.
pub(super) fn remove_unreachable(func: &mut Function) {
    let cfg = Cfg::new(func);
    if cfg.rpo.len() == func.blocks.len() {
        return;
    }
    let mut new_index = vec![None; func.blocks.len()];
    let mut kept = 0u32;
    for (b, slot) in new_index.iter_mut().enumerate() {
        if cfg.rpo_index[b].is_some() {
            *slot = Some(kept);
            kept += 1;
        }
    }
    let tag = func.tag();
    let map = |id: BlockId| BlockId::new(tag, new_index[id.index()].unwrap_or(0));
    let blocks = std::mem::take(&mut func.blocks);
    func.blocks = (blocks.into_iter().enumerate())
        .filter(|(b, _)| new_index[*b].is_some())
        .map(|(_, block)| block)
        .collect();
    for block in &mut func.blocks {
        if let Some(term) = &mut block.term {
            for edge in term.edges_mut() {
                edge.block = map(edge.block);
            }
        }
    }
    for value in &mut func.values {
        value.def.map_block(map);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Interpreter;
    use crate::ir::{Module, Target};
    use crate::lower::passes::testing::{check_generated, outcome, parse, rewritten};
    use crate::value::Value;

    /// `@f` rewritten, checked against the original on every argument
    /// tuple of `grid` (i32s), on both targets; the rewritten module.
    fn threaded(text: &str, grid: &[&[i32]]) -> Module {
        let module = parse(text);
        let after = rewritten(&module, |_, f| thread_jumps(f));
        let f = after.func(after.func_by_name("f").expect("f"));
        assert!(is_reducible(f), "{}", crate::text::print_module(&after));
        for target in [Target::Wasm64, Target::Wasm32] {
            for args in grid {
                let args: Vec<Value> = args.iter().map(|&x| Value::I32(x)).collect();
                let mut a = Interpreter::new(&module, target).expect("instantiates");
                let mut b = Interpreter::new(&after, target).expect("instantiates");
                a.set_fuel(Some(100_000));
                b.set_fuel(Some(100_000));
                assert_eq!(
                    outcome(b.call("f", &args)),
                    outcome(a.call("f", &args)),
                    "{target} {args:?}\n{}",
                    crate::text::print_module(&after)
                );
            }
        }
        after
    }

    /// The text of `@f`'s block `name`'s terminator, or `None` when the
    /// block is gone.
    fn term_of(module: &Module, name: &str) -> Option<String> {
        let text = crate::text::print_module(module);
        let label =
            |l: &&str| l.starts_with(&format!("{name}:")) || l.starts_with(&format!("{name}("));
        let mut lines = text.lines().skip_while(|l| !label(l));
        lines.next()?;
        let body = lines.take_while(|l| l.starts_with("  "));
        body.last().map(|l| l.trim().to_string())
    }

    const PAIRS: &[&[i32]] = &[&[0, 0, 0], &[1, 2, 1], &[3, 2, 3], &[2, 5, 7], &[-1, 0, -1]];

    /// `(and (< k m) (== x k))` as a frontend writes it: the `else` edge of
    /// the first test goes to `no` directly, the join stays for the second.
    #[test]
    fn and_skips_the_join_when_the_first_test_fails() {
        let after = threaded(
            "pub fn @f(%k: i32, %m: i32, %x: i32) -> i32 {\nentry:\n  %a = i32.lt_s %k, %m\n  brif %a, rhs, join(%a)\n\
             rhs:\n  %b = i32.eq %x, %k\n  jump join(%b)\n\
             join(%c: i32):\n  brif %c, yes, no\n\
             yes:\n  %one = i32.const 1\n  return %one\n\
             no:\n  %z = i32.const 0\n  return %z\n}\n",
            PAIRS,
        );
        assert_eq!(
            term_of(&after, "entry").as_deref(),
            Some("brif %a, rhs, no")
        );
        assert_eq!(term_of(&after, "rhs").as_deref(), Some("jump join(%b)"));
    }

    /// `(or A B)`: the `then` edge of `A`'s test, where `A` is non-zero,
    /// goes to `yes` directly.
    #[test]
    fn or_skips_the_join_when_the_first_test_holds() {
        let after = threaded(
            "pub fn @f(%k: i32, %m: i32, %x: i32) -> i32 {\nentry:\n  %a = i32.lt_s %k, %m\n  brif %a, join(%a), rhs\n\
             rhs:\n  %b = i32.eq %x, %k\n  jump join(%b)\n\
             join(%c: i32):\n  brif %c, yes, no\n\
             yes:\n  %one = i32.const 1\n  return %one\n\
             no:\n  %z = i32.const 0\n  return %z\n}\n",
            PAIRS,
        );
        assert_eq!(
            term_of(&after, "entry").as_deref(),
            Some("brif %a, yes, rhs")
        );
    }

    /// `(and (or A B) C)`, with `(not ...)` of the whole as the test: the
    /// `or`'s join threads its `else` edge past the `and`'s join, and the
    /// `eqz` in the last join is folded on the known edges.
    #[test]
    fn nested_and_or_not_thread_through_each_join() {
        let after = threaded(
            "pub fn @f(%x: i32, %y: i32, %w: i32) -> i32 {\nentry:\n  %zero = i32.const 0\n  %a = i32.eq %x, %zero\n  brif %a, orj(%a), orr\n\
             orr:\n  %b = i32.eq %y, %zero\n  jump orj(%b)\n\
             orj(%o: i32):\n  brif %o, andr, andj(%o)\n\
             andr:\n  %c = i32.lt_s %x, %w\n  jump andj(%c)\n\
             andj(%t: i32):\n  %n = i32.eqz %t\n  brif %n, yes, no\n\
             yes:\n  %one = i32.const 1\n  return %one\n\
             no:\n  return %zero\n}\n",
            &[
                &[0, 0, 0],
                &[0, 1, 1],
                &[1, 0, 2],
                &[1, 1, 1],
                &[-3, 0, -1],
                &[0, 5, -2],
            ],
        );
        assert_eq!(
            term_of(&after, "entry").as_deref(),
            Some("brif %a, andr, orr")
        );
        assert_eq!(
            term_of(&after, "orj").as_deref(),
            Some("brif %o, andr, yes")
        );
        assert_eq!(term_of(&after, "andr").as_deref(), Some("jump andj(%c)"));
    }

    /// Constants from both edges: both go past the join, which is removed;
    /// the `brif` left with two equal edges becomes a `jump`.
    #[test]
    fn constants_from_both_edges_remove_the_join() {
        let after = threaded(
            "pub fn @f(%c: i32, %x: i32, %y: i32) -> i32 {\n  var $v: i32\nentry:\n  brif %c, a, b\n\
             a:\n  var.set $v, %x\n  %t = i32.const 7\n  jump j(%t)\n\
             b:\n  var.set $v, %y\n  %f = i32.const 0\n  jump j(%f)\n\
             j(%p: i32):\n  %zero = i32.const 0\n  %q = i32.ne %p, %zero\n  brif %q, yes(%p), no\n\
             yes(%r: i32):\n  return %r\n\
             no:\n  %d = i32.sub %x, %y\n  brif %d, out, out\n\
             out:\n  %w = var.get $v\n  return %w\n}\n",
            PAIRS,
        );
        assert_eq!(term_of(&after, "a").as_deref(), Some("jump yes(%t)"));
        assert_eq!(term_of(&after, "b").as_deref(), Some("jump no"));
        assert_eq!(term_of(&after, "no").as_deref(), Some("jump out"));
        assert_eq!(term_of(&after, "j"), None);
        let text = crate::text::print_module(&after);
        assert!(!text.contains("i32.sub"), "the unread test stays:\n{text}");
    }

    /// An edge passing an unknown value stays, and so does one into a
    /// block whose parameter is used after it (skipping the block would
    /// leave that use undefined).
    #[test]
    fn unknown_values_and_escaping_parameters_are_left_alone() {
        let unknown = parse(
            "pub fn @f(%c: i32, %x: i32) -> i32 {\nentry:\n  %v = i32.add %c, %x\n  jump j(%v)\n\
             j(%p: i32):\n  brif %p, yes, no\n\
             yes:\n  return %x\n\
             no:\n  return %c\n}\n",
        );
        assert_eq!(thread_jumps(&unknown.funcs[0]), None);
        let escaping = parse(
            "pub fn @f(%c: i32, %x: i32) -> i32 {\nentry:\n  %one = i32.const 1\n  brif %c, j(%one), j(%x)\n\
             j(%p: i32):\n  brif %p, yes, no\n\
             yes:\n  return %p\n\
             no:\n  return %c\n}\n",
        );
        assert_eq!(thread_jumps(&escaping.funcs[0]), None);
    }

    /// A block that only jumps into a loop from outside stays: it is the
    /// preheader `licm` hoists into.
    #[test]
    fn preheaders_are_kept() {
        let module = parse(
            "pub fn @f(%n: i32) -> i32 {\nentry:\n  %z = i32.const 0\n  brif %n, pre, done(%z)\n\
             pre:\n  jump head(%z)\n\
             head(%i: i32):\n  %one = i32.const 1\n  %i1 = i32.add %i, %one\n  %go = i32.lt_s %i1, %n\n  brif %go, head(%i1), done(%i1)\n\
             done(%r: i32):\n  return %r\n}\n",
        );
        assert_eq!(thread_jumps(&module.funcs[0]), None);
    }

    /// A loop whose header tests a flag, entered from two blocks: the
    /// constant `true` from one would enter the loop below its header
    /// while the other still enters at the header (irreducible): that edge
    /// stays. With the latch's `brif` on the flag, both of its edges go
    /// past the header (the loop becomes `body` alone) and the entry's
    /// edge then may too.
    #[test]
    fn loop_headers_are_threaded_only_where_the_cfg_stays_reducible() {
        let loop_with = |latch: &str| {
            format!(
                "pub fn @f(%c: i32, %n: i32, %x: i32) -> i32 {{\n  var $i: i32\nentry:\n  var.set $i, %n\n  brif %c, pre1, pre2\n\
                 pre1:\n  var.set $i, %x\n  %t = i32.const 1\n  jump head(%t)\n\
                 pre2:\n  %u = var.get $i\n  jump head(%u)\n\
                 head(%go: i32):\n  brif %go, body, done\n\
                 body:\n  %i0 = var.get $i\n  %one = i32.const 1\n  %i1 = i32.sub %i0, %one\n  var.set $i, %i1\n  %z = i32.const 0\n  %more = i32.gt_s %i1, %z\n  {latch}\n\
                 done:\n  %r = var.get $i\n  return %r\n}}\n"
            )
        };
        let grid: &[&[i32]] = &[&[0, 0, 0], &[1, 5, 3], &[0, 5, 0], &[1, -2, 0], &[0, -2, 4]];
        let jumps = threaded(&loop_with("jump head(%more)"), grid);
        assert_eq!(term_of(&jumps, "pre1").as_deref(), Some("jump head(%t)"));
        let branches = threaded(&loop_with("brif %more, head(%more), head(%z)"), grid);
        assert_eq!(
            term_of(&branches, "body").as_deref(),
            Some("brif %more, body, done")
        );
        assert_eq!(term_of(&branches, "pre1").as_deref(), Some("jump body"));
    }

    /// A `switch` on a parameter: a known index picks its table entry (or
    /// the default past the table); the index a `switch` tested is known
    /// on each of its table's edges.
    #[test]
    fn switches_on_known_indices_go_to_their_entry() {
        let after = threaded(
            "pub fn @f(%c: i32, %x: i32, %y: i32) -> i32 {\n  var $v: i32\nentry:\n  brif %c, a, b\n\
             a:\n  var.set $v, %y\n  %k = i32.const 2\n  jump sw(%k)\n\
             b:\n  switch %x, [sw(%x), s2, sw(%x)], s3\n\
             s2:\n  %big = i32.const 9\n  jump sw(%big)\n\
             sw(%i: i32):\n  switch %i, [t0, t1, t2], t3\n\
             t0:\n  %r0 = i32.const 10\n  return %r0\n\
             t1:\n  %r1 = i32.const 11\n  return %r1\n\
             t2:\n  %r2 = i32.const 12\n  return %r2\n\
             t3:\n  return %y\n\
             s3:\n  return %x\n}\n",
            &[
                &[1, 0, 5],
                &[0, 0, 5],
                &[0, 1, 5],
                &[0, 2, 5],
                &[0, 3, 5],
                &[0, -1, 5],
            ],
        );
        assert_eq!(term_of(&after, "a").as_deref(), Some("jump t2"));
        assert_eq!(
            term_of(&after, "b").as_deref(),
            Some("switch %x, [t0, t3, t2], s3")
        );
        assert_eq!(term_of(&after, "sw"), None);
    }

    #[test]
    fn generated_programs_compute_the_same_with_jumps_threaded() {
        let changed = check_generated(0..150, |_, f| thread_jumps(f));
        assert!(changed >= 5, "only {changed} functions changed");
    }
}
