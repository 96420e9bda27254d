//! Inlining of small leaf functions of any shape: a call to a function of
//! at most [`MAX_BLOCKS`] blocks and [`MAX_INSTS`] instructions, with
//! variables, loops and operators that can trap, but no call, no stack
//! slot and no stack operation, is replaced by a copy of its blocks.
//! (`inline.rs` handles the one-block leaves that cannot trap first, more
//! cheaply; this pass takes the rest.) So is a helper whose only calls are
//! to such leaves, once they are inlined into it and its variables are SSA
//! values, when it is then a leaf of at most [`MAX_FLAT_INSTS`]
//! instructions ([`flattened`]): a frontend's `vscale` that calls `vset`.
//! Its copy of a leaf keeps the leaf's frame below the helper's: a chain
//! of two inlined frames (`ir/inlined.rs`).
//!
//! The calling block is split at the call: its first part ends in a jump
//! to the copy of the callee's entry, the copy's `return`s jump to a new
//! block whose parameters are the call's results (the same values, so
//! their uses need no rewriting), and that block holds the rest of the
//! calling block and its terminator. The callee's parameters are the
//! call's arguments; its variables become new variables of the caller,
//! set to zero at the call (a variable starts at zero on every call, and
//! the call may be in a loop); `promote-vars`, which runs next, turns them
//! into SSA values.
//!
//! Why nothing observable changes: the copied instructions run in the same
//! order on the same operands, so results, side effects and traps are the
//! same (a wasm trap carries its reason: the same operator traps with the
//! same message). The call stack a backtrace shows is the same too: each
//! copied instruction keeps its own position in the callee, inlined at
//! the call (`ir/inlined.rs`), which DWARF describes as an inlined frame
//! (`DW_TAG_inlined_subroutine`, `dwarf/inlined.rs`) and wasmtime's
//! backtraces list as a frame of its own, as issue 15 requires: a trap in
//! a copy of `@div` in `@mid` shows `@div` at the division, then `@mid` at
//! the call. Only the wasm stack is shallower. Leaves (and helpers of
//! leaves) only: no recursion is possible, and inlining cannot hide a call
//! that overflows the stack (none of them has a slot). A function grows by at most [`MAX_GROWTH`] inlined
//! instructions.

use crate::fxhash::FxHashMap;
use crate::ir::{
    Block, Const, Edge, FuncId, Function, InlinedPosition, Inst, LocId, Module, Op, Terminator,
    ValueDef, ValueId,
};

/// The largest callee inlined: blocks and instructions.
const MAX_BLOCKS: usize = 8;
const MAX_INSTS: usize = 48;
/// The largest callee inlined with its leaves inlined into it, once its
/// variables are SSA values ([`flattened`]): most of its body is its
/// leaves', which were small enough each.
const MAX_FLAT_INSTS: usize = 64;
/// The most instructions inlined into one function.
const MAX_GROWTH: usize = 2_000;

/// The function with its calls to small leaves inlined, or `None` when it
/// calls none. A callee that only calls such leaves is inlined too, with
/// its leaves inlined into it first ([`flattened`]).
pub(super) fn inline_calls(module: &Module, func: &Function) -> Option<Function> {
    inline_with(module, func, true)
}

/// [`inline_calls`]; `nested` also takes the callees that [`flattened`]
/// makes leaves (one level: their leaves are leaves already).
fn inline_with(module: &Module, func: &Function, nested: bool) -> Option<Function> {
    let mut bodies = Bodies {
        module,
        nested,
        flat: FxHashMap::default(),
    };
    let calls = |inst: &Inst| matches!(inst.op, Op::Call { .. });
    if !func.blocks.iter().any(|b| b.insts.iter().any(calls)) {
        return None;
    }
    if !(func.blocks.iter()).any(|b| bodies.first_target(&b.insts).is_some()) {
        return None;
    }
    let mut func = func.clone();
    let mut subst = FxHashMap::default();
    let mut grown = 0;
    let mut b = 0;
    // The rest of a split block is appended, so it is visited later.
    while b < func.blocks.len() {
        if let Some(i) = bodies.first_target(&func.blocks[b].insts) {
            let Op::Call { func: callee, .. } = func.blocks[b].insts[i].op else {
                unreachable!("found a call")
            };
            let callee = bodies.body(callee).expect("an inlinable callee");
            let size = insts(callee);
            if grown + size > MAX_GROWTH {
                break;
            }
            grown += size;
            if inline_at(&mut func, b, i, callee, &mut subst) {
                // Copied in place: the rest of the block may call again.
                continue;
            }
        }
        b += 1;
    }
    if !subst.is_empty() {
        let resolve = |mut v: ValueId| {
            while let Some(&next) = subst.get(&v) {
                v = next;
            }
            v
        };
        func.map_operands(resolve);
    }
    super::inline::renumber_defs(&mut func);
    Some(func)
}

/// The body each callee is inlined as: the module's function when it is
/// an inlinable leaf, or its [`flattened`] copy (made once per callee).
struct Bodies<'m> {
    module: &'m Module,
    nested: bool,
    flat: FxHashMap<FuncId, Option<Function>>,
}

impl Bodies<'_> {
    /// The first call in `insts` to a callee that is inlined.
    fn first_target(&mut self, insts: &[Inst]) -> Option<usize> {
        insts.iter().position(|inst| match &inst.op {
            Op::Call { func, .. } => self.body(*func).is_some(),
            _ => false,
        })
    }

    fn body(&mut self, id: FuncId) -> Option<&Function> {
        let callee = self.module.func(id);
        if inlinable(callee) {
            return Some(callee);
        }
        if !self.nested {
            return None;
        }
        let module = self.module;
        let flat = self
            .flat
            .entry(id)
            .or_insert_with(|| flattened(module, callee));
        flat.as_ref()
    }
}

/// `callee` with its calls inlined, when every call in it is a direct call
/// to an inlinable leaf and the result is small enough to inline in turn:
/// a helper that calls helpers (a frontend's `vscale` calling `vset`).
/// Its inlined code keeps its frames: `inline_at` chains them below the
/// new call site.
fn flattened(module: &Module, callee: &Function) -> Option<Function> {
    if callee.is_import() || !callee.slots.is_empty() {
        return None;
    }
    let leaf_calls = (callee.blocks.iter().flat_map(|b| &b.insts)).all(|i| match &i.op {
        Op::Call { func, .. } => inlinable(module.func(*func)),
        Op::CallIndirect { .. } => false,
        _ => true,
    });
    if !leaf_calls {
        return None;
    }
    let leaves = super::inline::inline_leaves(module, callee);
    let rest = inline_with(module, leaves.as_ref().unwrap_or(callee), false);
    let flat = rest.or(leaves)?;
    // Its variables (its own, its leaves') as SSA values: the size that
    // counts is that of the code the callee becomes.
    let flat = super::promote::promote_vars(&flat).unwrap_or(flat);
    leaf_within(&flat, MAX_FLAT_INSTS).then_some(flat)
}

fn insts(func: &Function) -> usize {
    func.blocks.iter().map(|b| b.insts.len() + 1).sum()
}

/// A leaf small enough, whose entry no branch targets.
fn inlinable(callee: &Function) -> bool {
    leaf_within(callee, MAX_INSTS)
}

/// A leaf of at most [`MAX_BLOCKS`] blocks and `max_insts` instructions,
/// whose entry no branch targets.
fn leaf_within(callee: &Function, max_insts: usize) -> bool {
    if callee.is_import()
        || !callee.slots.is_empty()
        || callee.blocks.is_empty()
        || callee.blocks.len() > MAX_BLOCKS
        || insts(callee) > max_insts
        || !callee.blocks[0].params.is_empty()
    {
        return false;
    }
    let entry = callee.entry();
    let targets_entry = (callee.blocks.iter().flat_map(|b| b.term.iter()))
        .any(|t| t.edges().any(|e| e.block == entry));
    let leaf = (callee.blocks.iter().flat_map(|b| &b.insts)).all(|i| {
        !matches!(
            i.op,
            Op::Call { .. }
                | Op::CallIndirect { .. }
                | Op::StackAlloc(_)
                | Op::StackSave
                | Op::StackRestore(_)
        )
    });
    leaf && !targets_entry && callee.blocks.iter().all(|b| b.term.is_some())
}

/// Replaces the call at `func.blocks[b].insts[i]` by a copy of `callee`.
/// With one `return` in the callee, the call's results stand for the
/// returned values (`subst`, applied once at the end): the block after the
/// call has that `return`'s block as its only predecessor, which the
/// values' definitions dominate, and needs no parameters.
fn inline_at(
    func: &mut Function,
    b: usize,
    i: usize,
    callee: &Function,
    subst: &mut FxHashMap<ValueId, ValueId>,
) -> bool {
    let returns = (callee.blocks.iter())
        .filter(|cb| matches!(cb.term, Some(Terminator::Return(_))))
        .count();
    let block = &mut func.blocks[b];
    let rest = block.insts.split_off(i + 1);
    let call = block.insts.pop().expect("the call");
    let term = block.term.take();
    let (term_span, term_loc) = (block.term_span, block.term_loc);
    let Op::Call {
        func: callee_id,
        args,
    } = call.op
    else {
        unreachable!("a call")
    };
    let (span, loc) = (call.span, call.loc);
    // The copies keep the call's span (what a diagnostic points at) and
    // their own positions in the callee, inlined at the call (`loc`).
    let site = func.add_inline_site(callee_id, span, loc);
    let locs = copied_locs(func, site, callee);
    // The callee's variables, new in the caller, zero at the call.
    let var_base = func.vars.len();
    for var in &callee.vars {
        func.vars.push(var.clone());
    }
    for (k, var) in callee.vars.iter().enumerate() {
        let zero = func.new_value(var.ty, var.name.clone(), ValueDef::Param(0));
        let id = func.var_id(var_base + k);
        let insts = &mut func.blocks[b].insts;
        insts.push(Inst {
            op: Op::Const(Const::zero(var.ty)),
            results: vec![zero],
            span,
            loc,
        });
        insts.push(Inst {
            op: Op::VarSet(id, zero),
            results: vec![],
            span,
            loc,
        });
    }
    // Every callee value gets its caller value first: parameters are the
    // arguments, the rest new values (definitions set by the renumbering).
    let block_base = func.blocks.len();
    let cont = block_base + callee.blocks.len();
    let mut map: Vec<ValueId> = vec![ValueId::INVALID; callee.values.len()];
    for (param, arg) in callee.params.iter().zip(&args) {
        map[param.index()] = *arg;
    }
    for (k, cb) in callee.blocks.iter().enumerate() {
        let id = func.block_id(block_base + k);
        for (p, param) in cb.params.iter().enumerate() {
            let data = callee.value(*param);
            let def = ValueDef::BlockParam(id, p as u32);
            map[param.index()] = func.new_value(data.ty, data.name.clone(), def);
        }
        for result in cb.insts.iter().flat_map(|inst| &inst.results) {
            let data = callee.value(*result);
            map[result.index()] = func.new_value(data.ty, data.name.clone(), ValueDef::Param(0));
        }
    }
    let var_of = |var: crate::ir::VarId| func.var_id(var_base + var.index());
    let block_of = |block: crate::ir::BlockId| func.block_id(block_base + block.index());
    let cont_id = func.block_id(cont);
    let mut copies = Vec::with_capacity(callee.blocks.len() + 1);
    for (cb, (inst_locs, term_loc)) in callee.blocks.iter().zip(locs) {
        let mut copy = Block::new(format!("{}.{}", callee.name, cb.name));
        copy.params = cb.params.iter().map(|p| map[p.index()]).collect();
        copy.span = span;
        copy.term_span = span;
        copy.term_loc = term_loc;
        for (inst, loc) in cb.insts.iter().zip(inst_locs) {
            let mut op = inst.op.clone();
            op.map_operands(|v| map[v.index()]);
            match &mut op {
                Op::VarGet(var) | Op::VarSet(var, _) => *var = var_of(*var),
                _ => {}
            }
            copy.insts.push(Inst {
                op,
                results: inst.results.iter().map(|r| map[r.index()]).collect(),
                span,
                loc,
            });
        }
        let mut t = cb.term.clone().expect("a verified callee");
        t.map_operands(|v| map[v.index()]);
        for edge in t.edges_mut() {
            edge.block = block_of(edge.block);
        }
        if let Terminator::Return(values) = t {
            let args = match returns {
                1 => {
                    for (result, value) in call.results.iter().zip(values) {
                        subst.insert(*result, value);
                    }
                    Vec::new()
                }
                _ => values,
            };
            t = Terminator::Jump(Edge::new(cont_id, args));
        }
        copy.term = Some(t);
        copies.push(copy);
    }
    // The rest of the calling block, after the returns meet.
    let mut after = Block::new(format!("{}.after", func.blocks[b].name));
    if returns != 1 {
        after.params = call.results.clone();
        for (k, result) in call.results.iter().enumerate() {
            func.values[result.index()].def = ValueDef::BlockParam(cont_id, k as u32);
        }
    }
    after.insts = rest;
    after.term = term;
    after.span = span;
    after.term_span = term_span;
    after.term_loc = term_loc;
    if let (1, [copy]) = (returns, copies.as_mut_slice()) {
        // A one-block callee: its copy goes in place, no block is added.
        let block = &mut func.blocks[b];
        block.insts.append(&mut copy.insts);
        block.insts.append(&mut after.insts);
        block.term = after.term;
        block.term_span = after.term_span;
        block.term_loc = after.term_loc;
        return true;
    }
    copies.push(after);
    let entry_copy = func.block_id(block_base);
    func.blocks[b].term = Some(Terminator::Jump(Edge::new(entry_copy, vec![])));
    func.blocks[b].term_span = span;
    func.blocks[b].term_loc = loc;
    func.blocks.extend(copies);
    false
}

/// The inlined `loc` of each instruction and terminator of each block of
/// `callee`, copied into `func` as the copy `site`. Code the callee had
/// itself inlined ([`flattened`]) keeps its frame: its position, in a copy
/// of its inline site whose call is the callee's call instruction's
/// position, inlined at `site` (a chain of two links).
fn copied_locs(func: &mut Function, site: u32, callee: &Function) -> Vec<(Vec<LocId>, LocId)> {
    let mut sites: FxHashMap<u32, u32> = FxHashMap::default();
    let mut at = |span, loc| match callee.inlined_position(loc) {
        None => func.inlined_loc(site, callee, span, loc),
        Some((position, inner)) => {
            let inner_site = *sites.entry(position.site).or_insert_with(|| {
                let call = func.inlined_loc(site, callee, inner.call_span, inner.call_loc);
                func.add_inline_site(inner.callee, inner.call_span, call)
            });
            let position = InlinedPosition {
                site: inner_site,
                ..position
            };
            if func.inlined.positions.last() != Some(&position) {
                func.inlined.positions.push(position);
            }
            LocId::inlined(func.inlined.positions.len() - 1)
        }
    };
    (callee.blocks.iter())
        .map(|cb| {
            let insts = cb.insts.iter().map(|i| at(i.span, i.loc)).collect();
            (insts, at(cb.term_span, cb.term_loc))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::InterpError;
    use crate::interp::Interpreter;
    use crate::ir::Target;
    use crate::lower::passes::testing::{check_generated, outcome, parse, rewritten};
    use crate::value::Value;

    /// A callee with a var, a loop, a division that traps and two returns,
    /// called twice in a loop of the caller (its var must restart at zero).
    const PROGRAM: &str = "fn @sum_div(%n: i32, %d: i32) -> i32 {\n  var $acc: i32\n\
        entry:\n  %z = i32.const 0\n  %neg = i32.lt_s %n, %z\n  brif %neg, early(%n), loop(%z)\n\
        early(%e: i32):\n  return %e\n\
        loop(%i: i32):\n  %a = var.get $acc\n  %q = i32.div_s %i, %d\n  %a2 = i32.add %a, %q\n  var.set $acc, %a2\n\
          %one = i32.const 1\n  %i2 = i32.add %i, %one\n  %more = i32.lt_s %i2, %n\n  brif %more, loop(%i2), done\n\
        done:\n  %r = var.get $acc\n  return %r\n}\n\
        pub fn @f(%n: i32, %d: i32) -> i32 {\n\
        entry:\n  %z = i32.const 0\n  jump head(%z, %z)\n\
        head(%k: i32, %t: i32):\n  %x = call @sum_div(%n, %d)\n  %y = call @sum_div(%k, %d)\n\
          %s = i32.add %x, %y\n  %t2 = i32.add %t, %s\n  %one = i32.const 1\n  %k2 = i32.add %k, %one\n\
          %c3 = i32.const 3\n  %more = i32.lt_s %k2, %c3\n  brif %more, head(%k2, %t2), out\n\
        out:\n  return %t2\n}\n";

    #[test]
    fn a_callee_with_vars_loops_and_traps_is_copied_and_computes_the_same() {
        let module = parse(PROGRAM);
        let after = rewritten(&module, inline_calls);
        let f = after.func(after.func_by_name("f").expect("f"));
        let calls = (f.blocks.iter().flat_map(|b| &b.insts))
            .filter(|i| matches!(i.op, Op::Call { .. }))
            .count();
        assert_eq!(calls, 0, "{}", crate::text::print_module(&after));
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut before = Interpreter::new(&module, target).expect("instantiates");
            let mut now = Interpreter::new(&after, target).expect("instantiates");
            for (n, d) in [(5, 1), (5, 2), (-4, 1), (0, 0), (7, 0), (3, -1)] {
                let args = [Value::I32(n), Value::I32(d)];
                // Division by zero traps for the same reason, inlined or not.
                let (want, got) = (before.call("f", &args), now.call("f", &args));
                // The interpreter knows nothing of the inlined frames
                // (DWARF describes them): its backtrace has `f` alone.
                if let Err(InterpError::Trap(trap)) = &got {
                    assert_eq!(trap.backtrace, ["f"]);
                }
                assert_eq!(outcome(got), outcome(want), "n={n} d={d}");
            }
        }
    }

    #[test]
    fn recursive_and_calling_functions_are_not_inlined() {
        let module = parse(
            "fn @r(%n: i32) -> i32 {\nentry:\n  %c = call @r(%n)\n  return %c\n}\n\
             pub fn @f(%n: i32) -> i32 {\nentry:\n  %c = call @r(%n)\n  return %c\n}\n",
        );
        assert!(inline_calls(&module, &module.funcs[1]).is_none());
    }

    /// The random programs of `difftest`: every inlined function computes
    /// what it did.
    #[test]
    fn generated_programs_compute_the_same_inlined() {
        let changed = check_generated(0..150, inline_calls);
        assert!(changed >= 10, "only {changed} functions changed");
    }

    /// Each copied instruction and terminator is at its own position in
    /// the callee, inlined at the call's; the caller's own code is not.
    #[test]
    fn copies_keep_their_positions_in_the_callee_inlined_at_the_call() {
        let module = parse(PROGRAM);
        let id = module.func_by_name("f").expect("f");
        let f = inline_calls(&module, module.func(id)).expect("inlines");
        let callee = module.func_by_name("sum_div").expect("sum_div");
        let source = module.source.as_ref().expect("parsed");
        let line = |span: crate::diag::Span| source.line_col(span.start as usize).0;
        // The two calls, on lines 27 and 28 of PROGRAM, are two sites.
        let sites: Vec<_> = f
            .inlined
            .sites
            .iter()
            .map(|s| (s.callee, line(s.call_span)))
            .collect();
        assert_eq!(sites, [(callee, 27), (callee, 28)]);
        let mut divisions = Vec::new();
        for block in &f.blocks {
            for inst in &block.insts {
                let Some((at, site)) = f.inlined_position(inst.loc) else {
                    assert!(!matches!(
                        inst.op,
                        Op::Binary(crate::ir::BinaryOp::DivS, ..)
                    ));
                    continue;
                };
                // A diagnostic still points at the call.
                assert_eq!(inst.span, site.call_span);
                if matches!(inst.op, Op::Binary(crate::ir::BinaryOp::DivS, ..)) {
                    divisions.push((line(at.span), at.site));
                }
            }
        }
        assert_eq!(divisions, [(11, 0), (11, 1)]);
    }

    /// A helper that calls a leaf (a frontend's `vscale` calling `vset`)
    /// is inlined with the leaf inlined into it; the leaf's code keeps
    /// both frames: its own position, inlined at the helper's call, itself
    /// inlined at the caller's.
    #[test]
    fn a_helper_of_leaves_is_inlined_with_a_chain_of_two_frames() {
        let module = parse(
            "fn @leaf(%p: ptr, %x: i32) {\nentry:\n  %z = i32.const 0\n  %q = i32.div_s %x, %x\n  i32.store %p, %q\n  return\n}\n\
             fn @helper(%p: ptr, %x: i32) {\n  var $p: ptr\nentry:\n  var.set $p, %p\n  %pp = var.get $p\n  call @leaf(%pp, %x)\n  return\n}\n\
             pub fn @f(%x: i32) -> i32 {\nentry:\n  %p = ptr.const 64\n  call @helper(%p, %x)\n  %r = i32.load %p\n  return %r\n}\n",
        );
        let id = module.func_by_name("f").expect("f");
        let f = inline_calls(&module, module.func(id)).expect("inlines");
        let calls = (f.blocks.iter().flat_map(|b| &b.insts))
            .filter(|i| matches!(i.op, Op::Call { .. }))
            .count();
        assert_eq!(calls, 0);
        let (leaf, helper) = (module.func_by_name("leaf"), module.func_by_name("helper"));
        let source = module.source.as_ref().expect("parsed");
        let line = |span: crate::diag::Span| source.line_col(span.start as usize).0;
        let division = (f.blocks.iter().flat_map(|b| &b.insts))
            .find(|i| matches!(i.op, Op::Binary(crate::ir::BinaryOp::DivS, ..)))
            .expect("the division");
        let (at, site) = f.inlined_position(division.loc).expect("inlined");
        assert_eq!((Some(site.callee), line(at.span)), (leaf, 4));
        let (call, outer) = f.inlined_position(site.call_loc).expect("a chain");
        assert_eq!((Some(outer.callee), line(call.span)), (helper, 13));
        assert!(!outer.call_loc.is_inlined());
        assert_eq!(line(outer.call_span), 19);
        let mut module_after = module.clone();
        module_after.funcs[id.index()] = f;
        for x in [3, 0] {
            let mut a = Interpreter::new(&module, Target::Wasm64).expect("instantiates");
            let mut b = Interpreter::new(&module_after, Target::Wasm64).expect("instantiates");
            let args = [Value::I32(x)];
            assert_eq!(
                outcome(b.call("f", &args)),
                outcome(a.call("f", &args)),
                "x={x}"
            );
        }
    }
}
