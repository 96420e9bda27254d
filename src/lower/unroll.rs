//! Full unrolling of small counted loops: a loop whose trip count is a
//! constant the pass can compute, and whose copies stay small, becomes
//! that many copies of its body one after the other, with no counter test
//! and no back branch. A naive frontend writes `for (k i32 0 8)` over the
//! bits of a byte or `for (i i32 0 5)` over the bodies of a small system.
//!
//! The loops it takes: a natural loop whose header ends in `brif %c`, one
//! edge into the loop and one out of it, with one predecessor outside (one
//! edge from it) and one latch that jumps back;
//! `%c` compares a header parameter `%i` with a constant; `%i` enters as a
//! constant and the latch passes `%i + step` (`add` of a constant, i32 or
//! i64: `ptr` is left alone, its width depends on the target). The pass
//! runs the counter through the comparison with wasm's wrapping
//! arithmetic to get the trip count `T` exactly (at most [`MAX_TRIPS`];
//! zero trips are left to the loop).
//!
//! Other blocks of the loop may leave it too (side exits: `while (k < 8
//! && s[k] == t[k]) k++`, the frontends' search loops): the header's test
//! bounds the iterations, and a side exit leaves earlier. Every value the
//! code after the loop reads from it is one the header defines (the header
//! is an exiting block, so only what dominates it dominates the code
//! after the loop); when there are such values, every exit must go to one
//! block `E` that only the loop enters, and `E` gets one new parameter for
//! each, which every exit edge, in each iteration, passes that iteration's
//! value of; the code after the loop reads the parameters.
//!
//! The rewrite: iterations `0..T-1` are fresh copies of the loop's blocks
//! (the header's `brif` becomes a jump into the body, the latch jumps to
//! the next copy's header), the original blocks are iteration `T-1`, and a
//! last copy of the header, whose `brif` becomes a jump to the exit, takes
//! the original latch's edge. Every iteration runs the instructions the
//! loop would have run, in the same order with the same values, so traps
//! and effects are unchanged; only the comparisons, whose outcome is
//! known, go (when the `brif` was their only use). Uses of the header's
//! values after the loop, which the header dominated, are renamed to the
//! last copy's (or to `E`'s new parameters, with side exits). Each copy
//! of the header is then entered by one edge only, so its parameters are
//! replaced by the values that edge passes: the counter of each iteration
//! is its constant (an expression of constants, which `simplify` folds),
//! which a load of read-only data at an address computed from it can then
//! fold (`fold-const-loads` runs again after unrolling). Copies keep the
//! spans and frontend locations of what they copy, so a trap in an
//! unrolled iteration points at its source line.
//!
//! Growth is bounded twice ([`INNERMOST`]): a loop is unrolled only when
//! its copies add at most 192 instructions, and a function gains at most
//! 512 in all, in at most 8 unrollings (each re-analyses the function):
//! the pass stays linear in the size of its input. Only innermost loops
//! are unrolled: copies of an inner loop keep all its branches
//! (`unroll_outer.rs` takes outer loops where copying them pays, with this
//! file's rewrite). Irreducible functions and loops headed by the entry
//! block are left alone.

use super::inline::renumber_defs;
use crate::analysis::{Cfg, DomTree, Loops, natural_loop};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::ir::{
    BinaryOp, BlockId, CmpOp, Const, Function, Op, Terminator, Type, ValueDef, ValueId,
};

/// The most iterations unrolled.
const MAX_TRIPS: u64 = 16;

/// How much one run of the unroller may copy.
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    /// The most instructions the copies of one loop may add.
    pub per_loop: usize,
    /// The most instructions unrolling may add to one function.
    pub growth: usize,
    /// The most loops unrolled in one function.
    pub unrolls: usize,
}

/// This pass's limits: innermost loops of at most 192 added instructions.
const INNERMOST: Limits = Limits {
    per_loop: 192,
    growth: 512,
    unrolls: 8,
};

/// The function with its small counted loops unrolled, or `None` when it
/// has none.
pub(super) fn unroll_loops(func: &Function) -> Option<Function> {
    unroll_where(func, INNERMOST, |_, loops, plan| {
        innermost(plan.header, &plan.body, loops)
    })
}

/// The function with the counted loops `take` accepts unrolled, within
/// `limits`, or `None` when there are none.
pub(super) fn unroll_where(
    func: &Function,
    limits: Limits,
    take: impl Fn(&Function, &Loops, &Plan) -> bool,
) -> Option<Function> {
    // The analyses cost more than the rest of the pass: run them only
    // when some block ends in the counted test a plan needs.
    if !(0..func.blocks.len()).any(|b| counted_test(func, func.block_id(b))) {
        return None;
    }
    let mut out: Option<Function> = None;
    let mut budget = limits.growth;
    for _ in 0..limits.unrolls {
        let current = out.as_ref().unwrap_or(func);
        let Some(plan) = find(current, limits.per_loop.min(budget), &take) else {
            break;
        };
        budget -= plan.growth;
        let f = out.get_or_insert_with(|| func.clone());
        apply(f, &plan);
    }
    let mut f = out?;
    super::offsets::remove_dead_address_arithmetic(&mut f);
    Some(f)
}

/// A loop to unroll.
#[derive(Debug)]
pub(super) struct Plan {
    pub header: usize,
    /// The loop's blocks, the header among them.
    pub body: Vec<usize>,
    /// The block outside that enters the loop.
    pub pred: usize,
    pub latch: usize,
    /// Whether the `brif`'s then-edge is the one into the loop.
    enter_on_then: bool,
    /// The comparison to drop, when the `brif` is its only use.
    cmp: Option<ValueId>,
    /// The block the header's test leaves to.
    exit: usize,
    /// The header's values read after the loop when blocks other than the
    /// header leave it too (they become parameters of `exit`); empty
    /// otherwise.
    live_outs: Vec<ValueId>,
    trips: u64,
    growth: usize,
}

/// The first loop, innermost first, that `take` accepts and that may be
/// unrolled adding at most `budget` instructions.
fn find(
    func: &Function,
    budget: usize,
    take: &impl Fn(&Function, &Loops, &Plan) -> bool,
) -> Option<Plan> {
    let cfg = Cfg::new(func);
    let dom = DomTree::new(&cfg);
    let loops = Loops::new(&cfg, &dom);
    if loops.irreducible_edge.is_some() {
        return None;
    }
    let mut uses: Option<Vec<u32>> = None;
    let mut users: Option<Vec<Vec<u32>>> = None;
    for &h in cfg.rpo.iter().rev() {
        if !loops.is_header[h.index()] || h.index() == 0 {
            continue;
        }
        let uses = uses.get_or_insert_with(|| use_counts(func));
        let Some(mut plan) = plan(func, &cfg, &dom, h, uses, budget) else {
            continue;
        };
        if !take(func, &loops, &plan) {
            continue;
        }
        if side_exits(func, &plan.body, plan.header) {
            let users = users.get_or_insert_with(|| user_blocks(func));
            match live_outs(func, &cfg, &plan, users) {
                Some(values) => plan.live_outs = values,
                None => continue,
            }
        }
        return Some(plan);
    }
    None
}

/// Whether the loop holds no other loop: copying an inner loop saves none
/// of its branches, and only multiplies the code (strsearch's four
/// patterns around a search loop: 2.6 times the code, no faster).
pub(super) fn innermost(header: usize, body: &[usize], loops: &Loops) -> bool {
    (body.iter()).all(|&b| b == header || !loops.is_header[b])
}

/// A loop of the shape the unrolling passes take: a natural loop whose
/// header ends in `brif` on a comparison, one edge into the loop and the
/// loop's only exit, entered by one edge from one block outside, with one
/// latch that jumps back (`unroll.rs` and `unroll_partial.rs`).
#[derive(Debug)]
pub(super) struct CountedLoop {
    pub header: usize,
    /// The loop's blocks, the header among them.
    pub body: Vec<usize>,
    /// The block outside that enters the loop.
    pub pred: usize,
    pub latch: usize,
    /// Whether the `brif`'s then-edge is the one into the loop.
    pub enter_on_then: bool,
    /// The value the header's `brif` tests.
    pub cond: ValueId,
}

/// The loop of `h` when it has the shape of a [`CountedLoop`] and at
/// most `limit` blocks; with `side_exits`, blocks other than the header
/// may leave the loop too.
pub(super) fn counted_loop(
    func: &Function,
    cfg: &Cfg,
    dom: &DomTree,
    h: BlockId,
    limit: usize,
    side_exits: bool,
) -> Option<CountedLoop> {
    let body = natural_loop(cfg, dom, h, limit)?;
    let body: Vec<usize> = body.iter().map(|b| b.index()).collect();
    let in_loop: FxHashSet<usize> = body.iter().copied().collect();
    let header = h.index();
    let Some(Terminator::BrIf {
        cond,
        then_edge,
        else_edge,
    }) = &func.blocks[header].term
    else {
        return None;
    };
    let enter_on_then = match (
        in_loop.contains(&then_edge.block.index()),
        in_loop.contains(&else_edge.block.index()),
    ) {
        (true, false) => true,
        (false, true) => false,
        _ => return None,
    };
    let closed = side_exits
        || (body.iter().filter(|&&b| b != header))
            .all(|&b| (func.blocks[b].successors().iter()).all(|s| in_loop.contains(&s.index())));
    let (outside, inside): (Vec<BlockId>, Vec<BlockId>) =
        (cfg.preds[header].iter()).partition(|p| !in_loop.contains(&p.index()));
    let (&[pred], &[latch]) = (&outside[..], &inside[..]) else {
        return None;
    };
    let edges_in = |b: BlockId| {
        func.blocks[b.index()]
            .successors()
            .iter()
            .filter(|&&s| s == h)
            .count()
    };
    let latch_jumps = matches!(&func.blocks[latch.index()].term, Some(Terminator::Jump(_)));
    if !closed || !latch_jumps || edges_in(pred) != 1 {
        return None;
    }
    Some(CountedLoop {
        header,
        body,
        pred: pred.index(),
        latch: latch.index(),
        enter_on_then,
        cond: *cond,
    })
}

/// The plan for the loop of `header`, when it has the shape and its
/// copies add at most `budget` instructions (its side exits not checked).
fn plan(
    func: &Function,
    cfg: &Cfg,
    dom: &DomTree,
    h: BlockId,
    uses: &[u32],
    budget: usize,
) -> Option<Plan> {
    let shape = counted_loop(func, cfg, dom, h, budget, true)?;
    let (pred, latch) = (func.block_id(shape.pred), func.block_id(shape.latch));
    let cond = shape.cond;
    let trips = trip_count(func, h, cond, pred, latch, shape.enter_on_then)?;
    let size = loop_size(func, &shape.body);
    let growth =
        (trips as usize).checked_sub(1)? * size + func.blocks[shape.header].insts.len() + 1;
    if growth > budget {
        return None;
    }
    let Some(Terminator::BrIf {
        then_edge,
        else_edge,
        ..
    }) = &func.blocks[shape.header].term
    else {
        return None;
    };
    let exit = if shape.enter_on_then {
        else_edge
    } else {
        then_edge
    };
    Some(Plan {
        header: shape.header,
        body: shape.body,
        pred: shape.pred,
        latch: shape.latch,
        enter_on_then: shape.enter_on_then,
        cmp: (uses[cond.index()] == 1 && defined_in(func, cond, h)).then_some(cond),
        exit: exit.block.index(),
        live_outs: Vec::new(),
        trips,
        growth,
    })
}

/// Whether a block of the loop other than its header leaves it.
fn side_exits(func: &Function, body: &[usize], header: usize) -> bool {
    let in_loop: FxHashSet<usize> = body.iter().copied().collect();
    (body.iter().filter(|&&b| b != header))
        .any(|&b| (func.blocks[b].successors().iter()).any(|s| !in_loop.contains(&s.index())))
}

/// For each value, the blocks whose instructions or terminator read it
/// (a block once per instruction that does).
fn user_blocks(func: &Function) -> Vec<Vec<u32>> {
    let mut users = vec![Vec::new(); func.values.len()];
    for (b, block) in func.blocks.iter().enumerate() {
        let operands = block.insts.iter().flat_map(|i| i.op.operands());
        for v in operands.chain(block.term.iter().flat_map(|t| t.operands())) {
            users[v.index()].push(b as u32);
        }
    }
    users
}

/// The header's values read outside the loop of `plan`, a loop with side
/// exits, when it can pass them: every exit goes to `plan.exit`, which
/// only the loop enters (or nothing is read after the loop); `None` when
/// it cannot. Only the header's values can be read there: the header
/// leaves the loop, so whatever the code after it reads dominates the
/// header.
fn live_outs(func: &Function, cfg: &Cfg, plan: &Plan, users: &[Vec<u32>]) -> Option<Vec<ValueId>> {
    let in_loop: FxHashSet<usize> = plan.body.iter().copied().collect();
    let header = &func.blocks[plan.header];
    let results = header.insts.iter().flat_map(|i| i.results.iter());
    let values: Vec<ValueId> = (header.params.iter().chain(results))
        .copied()
        .filter(|v| (users[v.index()].iter()).any(|&b| !in_loop.contains(&(b as usize))))
        .collect();
    if values.is_empty() {
        return Some(values);
    }
    let one_exit = plan.body.iter().all(|&b| {
        (func.blocks[b].successors().iter())
            .all(|s| in_loop.contains(&s.index()) || s.index() == plan.exit)
    });
    let only_from_loop = cfg.preds[plan.exit]
        .iter()
        .all(|p| in_loop.contains(&p.index()));
    (one_exit && only_from_loop).then_some(values)
}

/// The instructions and terminators of `body`'s blocks.
pub(super) fn loop_size(func: &Function, body: &[usize]) -> usize {
    body.iter().map(|&b| func.blocks[b].insts.len() + 1).sum()
}

/// How many times the body runs: the counter from its constant start,
/// stepped by its constant, until the comparison leaves the loop; `None`
/// when the loop is not counted this way or runs more than [`MAX_TRIPS`].
fn trip_count(
    func: &Function,
    h: BlockId,
    cond: ValueId,
    pred: BlockId,
    latch: BlockId,
    enter_on_then: bool,
) -> Option<u64> {
    let Op::Compare(op, ty, a, b) = def_op(func, cond)? else {
        return None;
    };
    if !matches!(ty, Type::I32 | Type::I64) {
        return None;
    }
    let (param, counter_left, bound) = match (param_index(func, *a, h), param_index(func, *b, h)) {
        (Some(j), None) => (j, true, const_of(func, *b)?),
        (None, Some(j)) => (j, false, const_of(func, *a)?),
        _ => return None,
    };
    let arg = |from: BlockId| {
        let term = func.blocks[from.index()].term.as_ref()?;
        let edge = term.edges().find(|e| e.block == h)?;
        edge.args.get(param as usize).copied()
    };
    let start = const_of(func, arg(pred)?)?;
    let step = step_of(
        func,
        arg(latch)?,
        func.blocks[h.index()].params[param as usize],
        *ty,
    )?;
    let (mut i, mut trips) = (start, 0u64);
    loop {
        let (x, y) = if counter_left { (i, bound) } else { (bound, i) };
        if compare(*op, *ty, x, y)? != enter_on_then {
            return Some(trips);
        }
        trips += 1;
        if trips > MAX_TRIPS {
            return None;
        }
        i = wrap(*ty, i.wrapping_add(step));
    }
}

/// Whether `h` ends in `brif` on a comparison of one of its parameters
/// with an integer constant: the test of a counted loop's header
/// ([`trip_count`] checks the rest).
fn counted_test(func: &Function, h: BlockId) -> bool {
    let Some(Terminator::BrIf { cond, .. }) = &func.block(h).term else {
        return false;
    };
    let Some(Op::Compare(_, Type::I32 | Type::I64, a, b)) = def_op(func, *cond) else {
        return false;
    };
    let counter = |v: ValueId| param_index(func, v, h).is_some();
    let constant = |v: ValueId| const_of(func, v).is_some();
    (counter(*a) && constant(*b)) || (constant(*a) && counter(*b))
}

/// The step `c` when `next` is `add %counter, c` (or `c, %counter`) of `ty`.
pub(super) fn step_of(func: &Function, next: ValueId, counter: ValueId, ty: Type) -> Option<u64> {
    let Op::Binary(BinaryOp::Add, t, a, b) = def_op(func, next)? else {
        return None;
    };
    match (*t == ty, *a == counter, *b == counter) {
        (true, true, _) => const_of(func, *b),
        (true, _, true) => const_of(func, *a),
        _ => None,
    }
}

/// Which parameter of `h` the value `v` is.
pub(super) fn param_index(func: &Function, v: ValueId, h: BlockId) -> Option<u32> {
    match func.value(v).def {
        ValueDef::BlockParam(b, n) if b == h => Some(n),
        _ => None,
    }
}

pub(super) fn defined_in(func: &Function, v: ValueId, h: BlockId) -> bool {
    matches!(func.value(v).def, ValueDef::InstResult { block, .. } if block == h)
}

pub(super) fn def_op(func: &Function, v: ValueId) -> Option<&Op> {
    match func.value(v).def {
        ValueDef::InstResult { block, index, .. } => {
            Some(&func.block(block).insts.get(index as usize)?.op)
        }
        _ => None,
    }
}

/// An integer constant's bits (i32 ones zero-extended).
pub(super) fn const_of(func: &Function, v: ValueId) -> Option<u64> {
    match def_op(func, v)? {
        Op::Const(Const::I32(c)) => Some(*c as u32 as u64),
        Op::Const(Const::I64(c)) => Some(*c as u64),
        _ => None,
    }
}

pub(super) fn wrap(ty: Type, v: u64) -> u64 {
    match ty {
        Type::I32 => v as u32 as u64,
        _ => v,
    }
}

/// A comparison of two integers of `ty` (bits as [`const_of`] gives them).
fn compare(op: CmpOp, ty: Type, x: u64, y: u64) -> Option<bool> {
    let signed = |v: u64| match ty {
        Type::I32 => v as u32 as i32 as i64,
        _ => v as i64,
    };
    let (sx, sy) = (signed(x), signed(y));
    Some(match op {
        CmpOp::Eq => x == y,
        CmpOp::Ne => x != y,
        CmpOp::LtS => sx < sy,
        CmpOp::LtU => x < y,
        CmpOp::GtS => sx > sy,
        CmpOp::GtU => x > y,
        CmpOp::LeS => sx <= sy,
        CmpOp::LeU => x <= y,
        CmpOp::GeS => sx >= sy,
        CmpOp::GeU => x >= y,
        CmpOp::Lt | CmpOp::Gt | CmpOp::Le | CmpOp::Ge => return None,
    })
}

/// How many instructions and terminators read each value.
pub(super) fn use_counts(func: &Function) -> Vec<u32> {
    let mut uses = vec![0u32; func.values.len()];
    for block in &func.blocks {
        let operands = block.insts.iter().flat_map(|i| i.op.operands());
        for v in operands.chain(block.term.iter().flat_map(|t| t.operands())) {
            uses[v.index()] += 1;
        }
    }
    uses
}

/// Unrolls the loop of `plan` in `func` (definitions renumbered).
fn apply(func: &mut Function, plan: &Plan) {
    let (h, trips) = (plan.header, plan.trips as usize);
    let original_len = func.blocks.len();
    // Iterations 0..T-1 as copies, T-1 the original blocks, then the last test.
    let copies: Vec<Copy> = (0..trips - 1)
        .map(|k| copy_blocks(func, &plan.body, &format!("u{k}")))
        .collect();
    let last = copy_blocks(func, &[h], &format!("u{trips}"));
    let header_of = |k: usize| copies.get(k).map_or(h, |c| c.blocks[&h]);
    let latch_of = |k: usize| copies.get(k).map_or(plan.latch, |c| c.blocks[&plan.latch]);
    let h_id = func.block_id(h);
    for (k, copy) in copies.iter().enumerate() {
        let next = func.block_id(header_of(k + 1));
        let tag = func.tag();
        let map = |b: BlockId| match b == h_id {
            true => next,
            false => (copy.blocks.get(&b.index())).map_or(b, |&c| BlockId::new(tag, c as u32)),
        };
        for &block in copy.blocks.values() {
            retarget(func, block, map);
        }
    }
    let first = func.block_id(header_of(0));
    retarget(func, plan.pred, |b| if b == h_id { first } else { b });
    let last_header = last.blocks[&h];
    let last_id = func.block_id(last_header);
    retarget(func, plan.latch, |b| if b == h_id { last_id } else { b });
    for k in 0..trips {
        straighten(func, header_of(k), plan.enter_on_then);
    }
    straighten(func, last_header, !plan.enter_on_then);
    // The header's values after the loop are the last test's, or those
    // the exit now receives from each iteration.
    let in_loop: FxHashSet<usize> = plan.body.iter().copied().collect();
    let after: FxHashMap<ValueId, ValueId> = match plan.live_outs.is_empty() {
        true => last.values.clone(),
        false => pass_live_outs(func, plan, &copies, &last),
    };
    for block in (0..original_len).filter(|b| !in_loop.contains(b)) {
        map_block_operands(func, block, |v| after.get(&v).copied().unwrap_or(v));
    }
    if let Some(cmp) = plan.cmp {
        let mut drop = vec![(h, cmp), (last_header, last.values[&cmp])];
        drop.extend(copies.iter().map(|c| (c.blocks[&h], c.values[&cmp])));
        for (block, value) in drop {
            (func.blocks[block].insts).retain(|i| i.results.first() != Some(&value));
        }
    }
    // Each copy of the header is entered by one edge: from the block
    // entering the loop, from the previous iteration's latch, or (the last
    // test) from the original latch.
    let entered: Vec<(usize, usize)> = (0..=trips)
        .map(|k| match k {
            0 => (plan.pred, header_of(0)),
            k if k == trips => (latch_of(k - 1), last_header),
            k => (latch_of(k - 1), header_of(k)),
        })
        .collect();
    take_arguments(func, &entered);
    renumber_defs(func);
}

/// Gives the exit of `plan` a parameter for each of its live-outs, which
/// every edge to it from an iteration passes that iteration's value of:
/// each original live-out's parameter.
fn pass_live_outs(
    func: &mut Function,
    plan: &Plan,
    copies: &[Copy],
    last: &Copy,
) -> FxHashMap<ValueId, ValueId> {
    let exit_id = func.block_id(plan.exit);
    let first = func.blocks[plan.exit].params.len();
    let params: Vec<ValueId> = (plan.live_outs.iter().enumerate())
        .map(|(n, &v)| fresh_value(func, v, ValueDef::BlockParam(exit_id, (first + n) as u32)))
        .collect();
    func.blocks[plan.exit].params.extend(&params);
    let identity = Copy {
        blocks: plan.body.iter().map(|&b| (b, b)).collect(),
        values: FxHashMap::default(),
    };
    for iteration in copies.iter().chain([&identity, last]) {
        let args: Vec<ValueId> = (plan.live_outs.iter())
            .map(|v| iteration.values.get(v).copied().unwrap_or(*v))
            .collect();
        for &block in iteration.blocks.values() {
            if let Some(term) = &mut func.blocks[block].term {
                for edge in term.edges_mut().into_iter().filter(|e| e.block == exit_id) {
                    edge.args.extend(&args);
                }
            }
        }
    }
    plan.live_outs.iter().copied().zip(params).collect()
}

/// Each block `to` of `entered`, entered by the one edge from `from`,
/// loses its parameters: their uses read the values the edge passed.
fn take_arguments(func: &mut Function, entered: &[(usize, usize)]) {
    let mut passed: FxHashMap<ValueId, ValueId> = FxHashMap::default();
    for &(from, to) in entered {
        let to_id = func.block_id(to);
        let Some(term) = &mut func.blocks[from].term else {
            continue;
        };
        let Some(edge) = term.edges_mut().into_iter().find(|e| e.block == to_id) else {
            continue;
        };
        let args = std::mem::take(&mut edge.args);
        let params = std::mem::take(&mut func.blocks[to].params);
        passed.extend(params.into_iter().zip(args));
    }
    if passed.is_empty() {
        return;
    }
    // An argument may be an earlier copy's parameter: follow the chain,
    // which ends outside the loop or at an instruction (at most one link
    // per iteration).
    let resolve = |mut v: ValueId| {
        for _ in 0..=entered.len() {
            match passed.get(&v) {
                Some(&next) => v = next,
                None => break,
            }
        }
        v
    };
    for block in 0..func.blocks.len() {
        map_block_operands(func, block, resolve);
    }
}

/// Copies of some blocks: each original block's copy, each original
/// value's.
pub(super) struct Copy {
    pub blocks: FxHashMap<usize, usize>,
    pub values: FxHashMap<ValueId, ValueId>,
}

/// Appends copies of `blocks` (named with `_{suffix}`) whose parameters and
/// results are fresh values, their operands renamed; their edges still
/// target the originals.
pub(super) fn copy_blocks(func: &mut Function, blocks: &[usize], suffix: &str) -> Copy {
    let mut copy = Copy {
        blocks: FxHashMap::default(),
        values: FxHashMap::default(),
    };
    for &b in blocks {
        let index = func.blocks.len();
        let id = func.block_id(index);
        let mut block = func.blocks[b].clone();
        block.name = format!("{}_{suffix}", block.name);
        for (n, param) in block.params.iter_mut().enumerate() {
            let fresh = fresh_value(func, *param, ValueDef::BlockParam(id, n as u32));
            copy.values.insert(*param, fresh);
            *param = fresh;
        }
        for inst in &mut block.insts {
            for result in &mut inst.results {
                let fresh = fresh_value(func, *result, ValueDef::BlockParam(id, 0));
                copy.values.insert(*result, fresh);
                *result = fresh;
            }
        }
        func.blocks.push(block);
        copy.blocks.insert(b, index);
    }
    for &index in copy.blocks.values() {
        map_block_operands(func, index, |v| copy.values.get(&v).copied().unwrap_or(v));
    }
    copy
}

/// A new value of the type and name of `like` (its definition is set by
/// [`renumber_defs`] for instruction results).
pub(super) fn fresh_value(func: &mut Function, like: ValueId, def: ValueDef) -> ValueId {
    let data = func.value(like);
    let (ty, name) = (data.ty, data.name.clone());
    func.new_value(ty, name, def)
}

pub(super) fn map_block_operands(
    func: &mut Function,
    block: usize,
    mut f: impl FnMut(ValueId) -> ValueId,
) {
    let block = &mut func.blocks[block];
    for inst in &mut block.insts {
        inst.op.map_operands(&mut f);
    }
    if let Some(term) = &mut block.term {
        term.map_operands(&mut f);
    }
}

/// Every edge of `block` to `b` now goes to `f(b)`.
pub(super) fn retarget(func: &mut Function, block: usize, f: impl Fn(BlockId) -> BlockId) {
    if let Some(term) = &mut func.blocks[block].term {
        for edge in term.edges_mut() {
            edge.block = f(edge.block);
        }
    }
}

/// The `brif` ending `block` becomes a jump along its then-edge (or its
/// else-edge): the outcome is known.
pub(super) fn straighten(func: &mut Function, block: usize, take_then: bool) {
    let block = &mut func.blocks[block];
    if let Some(Terminator::BrIf {
        then_edge,
        else_edge,
        ..
    }) = block.term.take()
    {
        let edge = if take_then { then_edge } else { else_edge };
        block.term = Some(Terminator::Jump(edge));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Interpreter;
    use crate::ir::{Module, Target};
    use crate::lower::passes::testing::{parse, rewritten};
    use crate::value::Value;

    fn f(module: &Module) -> &Function {
        module.func(module.func_by_name("f").expect("f"))
    }

    /// Whether `@f` still has a loop.
    fn has_loop(module: &Module) -> bool {
        let cfg = Cfg::new(f(module));
        let dom = DomTree::new(&cfg);
        Loops::new(&cfg, &dom).is_header.iter().any(|&h| h)
    }

    /// `for k in START..END step STEP` (compared with `OP`) around a
    /// diamond on the low bit of `%c`, the counter's header value used
    /// after the loop, and a division that may trap in the body.
    fn counted(start: i32, op: &str, end: i32, step: i32) -> String {
        counted_in("i32", start.into(), op, end.into(), step.into())
    }

    /// [`counted`] with a counter of type `ty` (i32 or i64).
    fn counted_in(ty: &str, start: i64, op: &str, end: i64, step: i64) -> String {
        let last = match ty {
            "i64" => "%kw = i32.wrap_i64 %k",
            _ => "%kw = i32.add %k, %c0",
        };
        format!(
            "pub fn @f(%c0: i32, %d: i32) -> i32 {{\n\
             entry:\n  %s = {ty}.const {start}\n  jump for(%s, %c0)\n\
             for(%k: {ty}, %c: i32):\n  %end = {ty}.const {end}\n  %go = {ty}.{op} %k, %end\n  brif %go, body, out\n\
             body:\n  %one = i32.const 1\n  %bit = i32.and %c, %one\n  brif %bit, odd, even\n\
             odd:\n  %h = i32.shr_u %c, %one\n  %x = i32.const -306674912\n  %y = i32.xor %h, %x\n  jump step(%y)\n\
             even:\n  %q = i32.div_u %c, %d\n  jump step(%q)\n\
             step(%n: i32):\n  %st = {ty}.const {step}\n  %k1 = {ty}.add %k, %st\n  jump for(%k1, %n)\n\
             out:\n  {last}\n  %r = i32.add %c, %kw\n  return %r\n}}\n"
        )
    }

    fn same_results(before: &Module, after: &Module) {
        for target in [Target::Wasm64, Target::Wasm32] {
            for (c, d) in [(0x1234_5678, 3), (-1, 1), (6, 0), (7, 0)] {
                let args = [Value::I32(c), Value::I32(d)];
                let mut a = Interpreter::new(before, target).expect("instantiates");
                let mut b = Interpreter::new(after, target).expect("instantiates");
                a.set_fuel(Some(1_000_000));
                b.set_fuel(Some(1_000_000));
                assert_eq!(
                    format!("{:?}", b.call("f", &args)),
                    format!("{:?}", a.call("f", &args)),
                    "{target} c={c} d={d}"
                );
            }
        }
    }

    #[test]
    fn a_constant_trip_count_becomes_straight_line_code() {
        let module = parse(&counted(0, "lt_s", 8, 1));
        let after = rewritten(&module, |_, f| unroll_loops(f));
        let text = crate::text::print_module(&after);
        assert!(!has_loop(&after), "{text}");
        // Eight bodies: each iteration's division, no comparison left.
        let count = |m: &str| text.matches(m).count();
        assert_eq!(count("i32.div_u"), 8, "{text}");
        assert_eq!(count("i32.lt_s"), 0, "{text}");
        same_results(&module, &after);
    }

    #[test]
    fn wrapping_counters_and_other_comparisons_count_exactly() {
        // i32::MAX - 2 up by 2 while != 0 wraps after ... never: too long.
        let long = parse(&counted(i32::MAX - 2, "ne", 0, 2));
        assert_eq!(unroll_loops(f(&long)), None);
        // -3 up while <=u 2: -3 is large unsigned, so no trip at all.
        let none = parse(&counted(-3, "le_u", 2, 1));
        assert_eq!(unroll_loops(f(&none)), None);
        // Down from 5 by -2 while > 0: 5, 3, 1 (three trips, the counter
        // ends at -1, which the code after the loop adds).
        let down = parse(&counted(5, "gt_s", 0, -2));
        let after = rewritten(&down, |_, f| unroll_loops(f));
        assert!(!has_loop(&after));
        assert_eq!(
            crate::text::print_module(&after)
                .matches("i32.div_u")
                .count(),
            3
        );
        same_results(&down, &after);
        // 2147483646 up by 1 while != -2147483647: wraps after 3 trips.
        let wraps = parse(&counted(i32::MAX - 1, "ne", i32::MIN + 1, 1));
        let after = rewritten(&wraps, |_, f| unroll_loops(f));
        assert!(!has_loop(&after));
        same_results(&wraps, &after);
    }

    #[test]
    fn long_or_unknown_loops_stay() {
        for text in [counted(0, "lt_s", 17, 1), counted(0, "lt_s", 100, 1)] {
            assert_eq!(unroll_loops(f(&parse(&text))), None);
        }
        // A bound that is not a constant.
        let text =
            counted(0, "lt_s", 8, 1).replace("%go = i32.lt_s %k, %end", "%go = i32.lt_s %k, %d");
        assert_eq!(unroll_loops(f(&parse(&text))), None);
    }

    /// Random counted loops (the generated programs of `difftest` have
    /// none of this shape: their back edges spend a fuel budget): every
    /// start, bound, step and comparison, near the wrapping points too,
    /// gives the same results unrolled or not.
    #[test]
    fn random_counted_loops_compute_the_same_unrolled() {
        let mut rng = crate::testgen::rng::Rng::new(16);
        let ops = [
            "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
        ];
        let mut unrolled = 0;
        for _ in 0..400 {
            let ty = if rng.below(2) == 0 { "i32" } else { "i64" };
            let near = match (ty, rng.below(3)) {
                ("i32", 0) => i64::from(i32::MAX),
                ("i32", 1) => i64::from(i32::MIN),
                (_, 0) => i64::MAX,
                (_, 1) => i64::MIN,
                _ => 0,
            };
            let pick = |rng: &mut crate::testgen::rng::Rng| {
                let v = near.wrapping_add(rng.below(21) as i64 - 10);
                if ty == "i32" { i64::from(v as i32) } else { v }
            };
            let (start, end) = (pick(&mut rng), pick(&mut rng));
            let step = [1, 2, 3, -1, -2, 5][rng.below(6) as usize];
            let op = ops[rng.below(ops.len() as u64) as usize];
            let module = parse(&counted_in(ty, start, op, end, step));
            let after = rewritten(&module, |_, f| unroll_loops(f));
            // A loop left alone may run for 2^64 trips: only the
            // unrolled ones (at most 16 trips) are run.
            if !has_loop(&after) {
                unrolled += 1;
                same_results(&module, &after);
            } else {
                assert_eq!(module.funcs, after.funcs);
            }
        }
        assert!(unrolled >= 40, "only {unrolled} loops unrolled");
    }

    /// `for (k = 0; k < trips; k++)` summing `a / (b - k)` (a trap when
    /// `k == b`), left early when bit `k` of `a` is set. With `exit` "out",
    /// both exits go to `out`, which reads the header's `%k` and `%acc`;
    /// with "early", the side exit goes to `early` and the header's to
    /// `done`, each given `%acc` as an argument (nothing after the loop
    /// reads its values).
    fn searching(trips: i32, exit: &str) -> String {
        let (test, side, after) = match exit {
            "out" => (
                "brif %go, test, out",
                "brif %bit, out, step",
                "out:\n  %th = i32.const 1000\n  %r0 = i32.mul %k, %th\n  %r = i32.add %r0, %acc\n  return %r\n",
            ),
            _ => (
                "brif %go, test, done(%acc)",
                "brif %bit, early(%acc), step",
                "early(%e: i32):\n  %m = i32.const -1\n  %s = i32.mul %e, %m\n  return %s\n\
                 done(%o: i32):\n  %seven = i32.const 7\n  %t = i32.add %o, %seven\n  return %t\n",
            ),
        };
        format!(
            "pub fn @f(%a: i32, %b: i32) -> i32 {{\n\
             entry:\n  %z = i32.const 0\n  jump head(%z, %z)\n\
             head(%k: i32, %acc: i32):\n  %c = i32.const {trips}\n  %go = i32.lt_s %k, %c\n  {test}\n\
             test:\n  %sh = i32.shr_u %a, %k\n  %one = i32.const 1\n  %bit = i32.and %sh, %one\n  \
             %d = i32.sub %b, %k\n  %q = i32.div_u %a, %d\n  {side}\n\
             step:\n  %acc1 = i32.add %acc, %q\n  %k1 = i32.add %k, %one\n  jump head(%k1, %acc1)\n\
             {after}}}\n"
        )
    }

    /// `@f`'s results (or traps) on `args`, before and after, on both
    /// targets.
    fn same_on(before: &Module, after: &Module, args: &[[i32; 2]]) {
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut a = Interpreter::new(before, target).expect("instantiates");
            let mut b = Interpreter::new(after, target).expect("instantiates");
            for &[x, y] in args {
                let args = [Value::I32(x), Value::I32(y)];
                a.set_fuel(Some(1_000_000));
                b.set_fuel(Some(1_000_000));
                assert_eq!(
                    format!("{:?}", b.call("f", &args)),
                    format!("{:?}", a.call("f", &args)),
                    "{target} f({x}, {y})"
                );
            }
        }
    }

    /// Arguments that leave at each iteration (bit `j` of `a` the lowest
    /// set) or run them all (no bit below `trips` set), or trap at each.
    fn exits_and_traps(trips: i32) -> Vec<[i32; 2]> {
        let mut args = vec![[0, 100], [0, -1], [-1, 100], [0x7fff_fff0, 100]];
        for j in 0..trips {
            args.push([1 << j, 100]);
            args.push([(1 << j) | 6 << j, 100]);
            args.push([0x1000, j]);
            args.push([1 << j, j]);
        }
        args
    }

    #[test]
    fn loops_with_side_exits_unroll_with_each_iterations_values() {
        for exit in ["out", "early"] {
            for trips in 0..=8 {
                let module = parse(&searching(trips, exit));
                let after = rewritten(&module, |_, f| unroll_loops(f));
                let text = crate::text::print_module(&after);
                // Zero trips are left to the loop.
                assert_eq!(has_loop(&after), trips == 0, "{exit} {trips}\n{text}");
                if trips > 0 {
                    assert_eq!(text.matches("i32.div_u").count(), trips as usize, "{text}");
                    assert_eq!(text.matches("i32.lt_s").count(), 0, "{text}");
                }
                same_on(&module, &after, &exits_and_traps(trips.max(1)));
            }
        }
    }

    #[test]
    fn side_exits_to_two_blocks_unroll_only_when_nothing_after_reads_the_loop() {
        // Nothing after the loop reads its values but as arguments.
        let module = parse(&searching(4, "early"));
        assert!(unroll_loops(f(&module)).is_some());
        // `out` reads `%k` and `%acc`, and a side exit goes elsewhere.
        let text = searching(4, "out").replace(
            "brif %bit, out, step",
            "brif %bit, early(%acc), more\nmore:\n  brif %bit, out, step\n\
             early(%e: i32):\n  return %e",
        );
        let module = parse(&text);
        assert_eq!(unroll_loops(f(&module)), None);
    }

    #[test]
    fn copied_headers_take_the_values_entering_them() {
        let module = parse(&counted(0, "lt_s", 4, 1));
        let after = rewritten(&module, |_, f| unroll_loops(f));
        let f = f(&after);
        // Only blocks the loop's copies do not enter by one edge keep
        // parameters: the diamond's join.
        let with_params: Vec<&str> = (f.blocks.iter())
            .filter(|b| !b.params.is_empty())
            .map(|b| b.name.as_str())
            .collect();
        assert!(
            with_params.iter().all(|n| n.starts_with("step")),
            "{with_params:?}"
        );
        same_results(&module, &after);
    }
}
