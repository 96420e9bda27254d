//! Partial unrolling of small counted loops: the body of a loop `for (i =
//! start; i < n; i += c)` whose bound `n` is not known, or whose constant
//! trip count is too large for `unroll.rs`, is copied `U` times (2 or 4)
//! into a main loop that tests once per `U` iterations, followed by the
//! original loop, which runs the iterations that remain. A naive frontend's
//! dot product (`bench/frontend/matmul.vir`) or byte loop (`fnv.vir`)
//! spends a comparison and a branch on every iteration of a body of a dozen
//! instructions; clang -O2 unrolls both.
//!
//! The loops it takes are those of `unroll.rs` ([`counted_loop`]: one
//! entering edge, one latch that jumps back, the header's `brif` the only
//! exit), innermost, whose `brif` compares a header parameter `%i` (i32 or
//! i64) with a bound `%n` that is a constant or defined outside the loop,
//! and whose latch passes `%i + c` for a constant `c`. Turned around so
//! that `%i` is on the left and the loop continues while the comparison
//! holds, it must be `lt`/`le` (signed or unsigned) with `c > 0`, or
//! `gt`/`ge` with `c < 0`.
//!
//! The rewrite, with `K = (U - 1) * |c|`:
//!
//! ```text
//! pred:  L = limit(n)                        ; pure, cannot trap
//!        jump main(start, ...)
//! main(i, ...):  brif i < L, copy0, rest(i, ...)   ; `>` counting down
//! copy0 .. copy{U-1}: the header (its test now known to pass, so a jump
//!        into the body) and the body, U times; the last latch jumps to main
//! rest(...): the original loop, as it was (or, see below, its header only)
//! ```
//!
//! The rule that makes the guard exact, in the wrapping arithmetic of the
//! counter's type: counting up with `<` (signed or unsigned, as the loop
//! tests), `L = n - K` when `n >= MIN + K` (so the subtraction does not
//! wrap), else `L = MIN` (no `i` is below it). Then `i < L` holds exactly
//! when `i + K < n` in mathematical integers: `i, i + c, ..., i + K` are
//! all below `n`, none wraps, and each of the `U` tests the copies leave
//! out would have passed. With `<=` the loop needs `i + K <= n`, which is
//! `i < n - (K - 1)` (same limit, `K - 1` for `K`). Counting down mirrors
//! it: `i > L` with `L = n + K` when `n <= MAX - K`, else `MAX`. When the
//! guard fails, the original loop takes over from `i` with every test in
//! place, so the guard need only be sufficient; it is also necessary, so
//! the original loop runs fewer than `U` iterations. The limit is computed
//! in `pred` (`select` of the two cases) or, for a constant `n`, folded.
//!
//! When the start and the bound are both constants, the trip count `T` is
//! known; when `U` divides it and the counter's value after the last trip
//! does not wrap (so the test exits there), the guard fails exactly when
//! the loop would exit, and the original loop is replaced by one copy of
//! its header jumping to the exit (the full unroller's last test).
//!
//! Every iteration runs the instructions the loop would have run, in the
//! same order with the same values; only the comparisons whose outcome is
//! known are gone, and the guard and its limit are pure and cannot trap,
//! so traps and effects are unchanged. Uses after the loop of the header's
//! values are renamed to those of the loop that now exits (the remainder
//! loop, or the last header copy).
//!
//! What pays: only the loop overhead (a comparison and a branch) of `U - 1`
//! iterations in `U` is saved, so only small bodies are unrolled: by 4 up
//! to [`MAX_COST_BY_4`] instructions that are not constants, by 2 up to
//! [`MAX_COST_BY_2`]. A function gains at most [`MAX_GROWTH`] instructions
//! in at most [`MAX_UNROLLS`] unrollings (each re-analyses the function),
//! so the pass stays linear. The loops it creates are not unrolled again
//! (only headers of the input are looked at).

use super::inline::renumber_defs;
use super::unroll::{
    Copy as LoopCopy, CountedLoop, const_of, copy_blocks, counted_loop, def_op, defined_in,
    innermost, loop_size, map_block_operands, param_index, retarget, step_of, straighten,
    use_counts,
};
use crate::analysis::reducible_loops;
use crate::fxhash::FxHashSet;
use crate::ir::{
    BinaryOp, Block, BlockId, CmpOp, Const, Edge, Function, Inst, Op, Terminator, Type, ValueDef,
    ValueId,
};

/// The most instructions (not counting constants) a loop unrolled by 4 may
/// hold.
const MAX_COST_BY_4: usize = 12;
/// The most a loop unrolled by 2 may hold.
const MAX_COST_BY_2: usize = 24;
/// The most instructions unrolling may add to one function.
const MAX_GROWTH: usize = 256;
/// The most loops unrolled in one function.
const MAX_UNROLLS: usize = 8;
/// The largest step `|c|`: `K` then fits every counter type.
const MAX_STEP: i64 = 1 << 16;

/// The function with its small counted loops partially unrolled, or `None`
/// when it has none.
pub(super) fn unroll_partially(func: &Function) -> Option<Function> {
    let candidates = (0..func.blocks.len()).any(|b| counted_test(func, b));
    if !candidates || func.blocks.len() < 2 {
        return None;
    }
    let original_blocks = func.blocks.len();
    let mut out: Option<Function> = None;
    let mut budget = MAX_GROWTH;
    for _ in 0..MAX_UNROLLS {
        let current = out.as_ref().unwrap_or(func);
        let Some(plan) = find(current, original_blocks, budget) else {
            break;
        };
        budget -= plan.growth;
        apply(out.get_or_insert_with(|| func.clone()), &plan);
    }
    out
}

/// Whether block `b` ends in `brif` on an integer comparison of one of its
/// parameters: a loop header the pass may take ([`plan`] checks the rest).
fn counted_test(func: &Function, b: usize) -> bool {
    let Some(Terminator::BrIf { cond, .. }) = &func.blocks[b].term else {
        return false;
    };
    let h = func.block_id(b);
    match def_op(func, *cond) {
        Some(Op::Compare(_, Type::I32 | Type::I64, x, y)) => {
            param_index(func, *x, h).is_some() || param_index(func, *y, h).is_some()
        }
        _ => false,
    }
}

/// A loop to unroll.
#[derive(Debug)]
struct Plan {
    shape: CountedLoop,
    /// Which header parameter is the counter.
    counter: usize,
    ty: Type,
    bound: Bound,
    /// The test the loop continues on, the counter on the left.
    test: Test,
    /// `K`, the counter's distance from the first to the last of the `U`
    /// iterations of one trip of the main loop.
    span: u64,
    factor: usize,
    /// Whether the original loop stays for the last iterations (else its
    /// header alone: `U` divides the trip count).
    remainder: bool,
    /// The comparison to drop from the copies, when the `brif` is its only
    /// use.
    cmp: Option<ValueId>,
    growth: usize,
}

/// What the counter is compared with.
#[derive(Clone, Copy, Debug)]
enum Bound {
    /// A constant (its bits, i32 ones zero-extended).
    Const(u64),
    /// A value defined before the loop.
    Value(ValueId),
}

/// `i < n`, `i <= n`, `i > n` or `i >= n`, signed or unsigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Test {
    up: bool,
    strict: bool,
    signed: bool,
}

impl Test {
    /// The test `op` makes with the counter on the left.
    fn of(op: CmpOp) -> Option<Test> {
        let (up, strict, signed) = match op {
            CmpOp::LtS => (true, true, true),
            CmpOp::LtU => (true, true, false),
            CmpOp::LeS => (true, false, true),
            CmpOp::LeU => (true, false, false),
            CmpOp::GtS => (false, true, true),
            CmpOp::GtU => (false, true, false),
            CmpOp::GeS => (false, false, true),
            CmpOp::GeU => (false, false, false),
            _ => return None,
        };
        Some(Test { up, strict, signed })
    }

    /// `x op y` is `y swapped(op) x`.
    fn swapped(self) -> Test {
        Test {
            up: !self.up,
            ..self
        }
    }

    /// `!(x op y)`: `<` becomes `>=`.
    fn negated(self) -> Test {
        Test {
            up: !self.up,
            strict: !self.strict,
            ..self
        }
    }

    /// The guard's comparison: `i < L` up, `i > L` down.
    fn guard_op(self) -> CmpOp {
        match (self.up, self.signed) {
            (true, true) => CmpOp::LtS,
            (true, false) => CmpOp::LtU,
            (false, true) => CmpOp::GtS,
            (false, false) => CmpOp::GtU,
        }
    }

    /// How far beyond the counter's `span` the bound must lie: `D = K`
    /// for a strict test, `K - 1` otherwise (`K >= 1`).
    fn distance(self, span: u64) -> u64 {
        if self.strict { span } else { span - 1 }
    }
}

/// The smallest and largest values of `ty` as the test reads them, in
/// mathematical integers.
fn range(ty: Type, signed: bool) -> (i128, i128) {
    match (ty, signed) {
        (Type::I32, true) => (i32::MIN.into(), i32::MAX.into()),
        (Type::I32, false) => (0, u32::MAX.into()),
        (_, true) => (i64::MIN.into(), i64::MAX.into()),
        _ => (0, u64::MAX.into()),
    }
}

/// Bits of `ty` (as [`const_of`] gives them) read as the test reads them.
fn read(ty: Type, signed: bool, bits: u64) -> i128 {
    match (ty, signed) {
        (Type::I32, true) => (bits as u32 as i32).into(),
        (Type::I32, false) => (bits as u32).into(),
        (_, true) => (bits as i64).into(),
        _ => bits.into(),
    }
}

/// The bits of the mathematical integer `v`, in range for `ty`.
fn bits(v: i128) -> u64 {
    v as u64
}

/// The limit `L` of the guard for a bound `n` (module doc): `n - D`
/// counting up when that does not go below the type's minimum, else the
/// minimum; `n + D` counting down when it does not go above the maximum,
/// else the maximum.
fn limit(ty: Type, test: Test, d: u64, n: i128) -> i128 {
    let (min, max) = range(ty, test.signed);
    let d = i128::from(d);
    match test.up {
        true if n >= min + d => n - d,
        true => min,
        false if n <= max - d => n + d,
        false => max,
    }
}

/// The first loop, innermost first, headed by a block of the input (not
/// one this pass made), that may be unrolled within `budget`.
fn find(func: &Function, original_blocks: usize, budget: usize) -> Option<Plan> {
    let (cfg, dom, loops) = reducible_loops(func)?;
    let mut uses: Option<Vec<u32>> = None;
    for &h in cfg.rpo.iter().rev() {
        let header = h.index();
        if !loops.is_header[header]
            || header == 0
            || header >= original_blocks
            || !counted_test(func, header)
        {
            continue;
        }
        let Some(shape) = counted_loop(func, &cfg, &dom, h, 4 * MAX_COST_BY_2) else {
            continue;
        };
        if !innermost(shape.header, &shape.body, &loops) {
            continue;
        }
        let uses = uses.get_or_insert_with(|| use_counts(func));
        if let Some(plan) = plan(func, shape, uses)
            && plan.growth <= budget
        {
            return Some(plan);
        }
    }
    None
}

/// The plan for a loop of the right shape, when its test, step and size
/// suit.
fn plan(func: &Function, shape: CountedLoop, uses: &[u32]) -> Option<Plan> {
    let h = func.block_id(shape.header);
    let Some(Op::Compare(op, ty, a, b)) = def_op(func, shape.cond).cloned() else {
        return None;
    };
    if !matches!(ty, Type::I32 | Type::I64) {
        return None;
    }
    let in_loop: FxHashSet<usize> = shape.body.iter().copied().collect();
    let (counter, other, mut test) = match (param_index(func, a, h), param_index(func, b, h)) {
        (Some(j), None) => (j, b, Test::of(op)?),
        (None, Some(j)) => (j, a, Test::of(op)?.swapped()),
        _ => return None,
    };
    if !shape.enter_on_then {
        test = test.negated();
    }
    let bound = match const_of(func, other) {
        Some(c) => Bound::Const(c),
        None if defined_outside(func, other, &in_loop) => Bound::Value(other),
        None => return None,
    };
    let param = func.blocks[shape.header].params[counter as usize];
    let next = arg_to(func, shape.latch, h, counter as usize)?;
    let step = read(ty, true, step_of(func, next, param, ty)?) as i64;
    let ok_step = match test.up {
        true => (1..=MAX_STEP).contains(&step),
        false => (-MAX_STEP..=-1).contains(&step),
    };
    if !ok_step {
        return None;
    }
    let cost = cost(func, &shape.body);
    let mut factor = match cost {
        c if c <= MAX_COST_BY_4 => 4,
        c if c <= MAX_COST_BY_2 => 2,
        _ => return None,
    };
    let trips = constant_trips(func, &shape, counter as usize, ty, test, bound, step);
    if let Some(t) = trips {
        if t % factor as u128 != 0 && t % 2 == 0 {
            factor = 2;
        }
        if t < 2 * factor as u128 {
            return None;
        }
    }
    let remainder = trips.is_none_or(|t| t % factor as u128 != 0);
    let size = loop_size(func, &shape.body);
    let exit_size = match remainder {
        true => size,
        false => func.blocks[shape.header].insts.len() + 1,
    };
    let growth = (factor - 1) * size + exit_size + 8;
    let cond = shape.cond;
    Some(Plan {
        cmp: (uses[cond.index()] == 1 && defined_in(func, cond, h)).then_some(cond),
        shape,
        counter: counter as usize,
        ty,
        bound,
        test,
        span: (factor as u64 - 1) * step.unsigned_abs(),
        factor,
        remainder,
        growth,
    })
}

/// The instructions of `body` that are not constants or symbol addresses
/// (the lowering emits those at their uses), and one for each `brif` or
/// switch: what a copy of the body costs to run.
fn cost(func: &Function, body: &[usize]) -> usize {
    let insts = |b: usize| {
        (func.blocks[b].insts.iter())
            .filter(|i| !matches!(i.op, Op::Const(_) | Op::DataAddr(_) | Op::FuncAddr(_)))
            .count()
    };
    let branches = |b: usize| match func.blocks[b].term {
        Some(Terminator::Jump(_)) => 0,
        _ => 1,
    };
    body.iter().map(|&b| insts(b) + branches(b)).sum()
}

/// The trip count when the counter starts at a constant and the bound is
/// one, and the counter's value after the last trip does not wrap (the
/// test then fails there, and the loop exits); `None` otherwise.
fn constant_trips(
    func: &Function,
    shape: &CountedLoop,
    counter: usize,
    ty: Type,
    test: Test,
    bound: Bound,
    step: i64,
) -> Option<u128> {
    let Bound::Const(n) = bound else {
        return None;
    };
    let h = func.block_id(shape.header);
    let start = const_of(func, arg_to(func, shape.pred, h, counter)?)?;
    let (s, n) = (read(ty, test.signed, start), read(ty, test.signed, n));
    // Counting down is counting up from `-s` to `-n`.
    let (s, n, c) = match test.up {
        true => (s, n, i128::from(step)),
        false => (-s, -n, -i128::from(step)),
    };
    let last = if test.strict { n - 1 } else { n };
    if s > last {
        return None;
    }
    let trips = (last - s) / c + 1;
    let end = s + trips * c;
    let (min, max) = range(ty, test.signed);
    let fits = match test.up {
        true => end <= max,
        false => -end >= min,
    };
    fits.then_some(trips as u128)
}

/// Whether `v` is defined outside the loop `in_loop` (a function
/// parameter, or in a block not in it).
fn defined_outside(func: &Function, v: ValueId, in_loop: &FxHashSet<usize>) -> bool {
    match func.value(v).def {
        ValueDef::InstResult { block, .. } | ValueDef::BlockParam(block, _) => {
            !in_loop.contains(&block.index())
        }
        _ => true,
    }
}

/// The argument `from` passes to parameter `n` of `h`.
fn arg_to(func: &Function, from: usize, h: BlockId, n: usize) -> Option<ValueId> {
    let term = func.blocks[from].term.as_ref()?;
    let edge = term.edges().find(|e| e.block == h)?;
    edge.args.get(n).copied()
}

/// Unrolls the loop of `plan` in `func` (definitions renumbered): copies
/// `0..U-1` fresh, the original blocks copy `U-1`, then the exit copy (the
/// whole loop, or its header), and the guard block taking copy 0's
/// parameters.
fn apply(func: &mut Function, plan: &Plan) {
    let shape = &plan.shape;
    let h = shape.header;
    let original_len = func.blocks.len();
    let limit = emit_limit(func, plan);
    let copies: Vec<LoopCopy> = (0..plan.factor - 1)
        .map(|k| copy_blocks(func, &shape.body, &format!("u{k}")))
        .collect();
    let mut exit = match plan.remainder {
        true => copy_blocks(func, &shape.body, "rest"),
        false => copy_blocks(func, &[h], "last"),
    };
    let exit_header = exit.blocks[&h];
    let main = add_guard(func, plan, copies[0].blocks[&h], exit_header, limit);
    if !plan.remainder {
        merge_last_header(func, main, &mut exit, h);
    }
    let h_id = func.block_id(h);
    let header_of = |k: usize| copies.get(k).map_or(h, |c| c.blocks[&h]);
    for (k, copy) in copies.iter().enumerate() {
        link_copy(func, copy, h_id, func.block_id(header_of(k + 1)));
    }
    if plan.remainder {
        link_copy(func, &exit, h_id, func.block_id(exit_header));
    }
    let main_id = func.block_id(main);
    for from in [shape.pred, shape.latch] {
        retarget(func, from, |b| if b == h_id { main_id } else { b });
    }
    for k in 0..plan.factor {
        straighten(func, header_of(k), shape.enter_on_then);
    }
    if !plan.remainder {
        straighten(func, exit_header, !shape.enter_on_then);
    }
    // The header's values after the loop are the exit copy's.
    let in_loop: FxHashSet<usize> = shape.body.iter().copied().collect();
    let rename = |v: ValueId| exit.values.get(&v).copied().unwrap_or(v);
    for block in (0..original_len).filter(|b| !in_loop.contains(b)) {
        map_block_operands(func, block, rename);
    }
    if let Some(cmp) = plan.cmp {
        let mut drop: Vec<(usize, ValueId)> = vec![(h, cmp)];
        drop.extend(copies.iter().map(|c| (c.blocks[&h], c.values[&cmp])));
        if !plan.remainder {
            drop.push((exit_header, exit.values[&cmp]));
        }
        for (block, value) in drop {
            (func.blocks[block].insts).retain(|i| i.results.first() != Some(&value));
        }
    }
    renumber_defs(func);
    // The bound's constant, when the comparison was its only use.
    super::offsets::remove_dead_address_arithmetic(func);
}

/// The last header copy has one predecessor, the main loop's header:
/// it reads that block's parameters instead of its own.
fn merge_last_header(func: &mut Function, main: usize, last: &mut LoopCopy, h: usize) {
    let index = last.blocks[&h];
    let params = std::mem::take(&mut func.blocks[index].params);
    let main_params = func.blocks[main].params.clone();
    let of = |v: ValueId| params.iter().position(|&p| p == v).map(|n| main_params[n]);
    map_block_operands(func, index, |v| of(v).unwrap_or(v));
    for value in last.values.values_mut() {
        *value = of(*value).unwrap_or(*value);
    }
    if let Some(Terminator::BrIf { else_edge, .. }) = &mut func.blocks[main].term {
        else_edge.args.clear();
    }
}

/// Sends the edges of `copy`'s blocks to the original header to `next`,
/// and those to other loop blocks to their copies.
fn link_copy(func: &mut Function, copy: &LoopCopy, h: BlockId, next: BlockId) {
    let tag = func.tag();
    let map = |b: BlockId| match b == h {
        true => next,
        false => (copy.blocks.get(&b.index())).map_or(b, |&c| BlockId::new(tag, c as u32)),
    };
    for &block in copy.blocks.values() {
        retarget(func, block, map);
    }
}

/// Appends the main loop's header: it takes the parameters of copy 0's
/// header `first` (which keeps its instructions and jumps), and branches on
/// `counter < limit` (or `>`) to `first` or to the exit copy's header.
fn add_guard(
    func: &mut Function,
    plan: &Plan,
    first: usize,
    exit_header: usize,
    limit: ValueId,
) -> usize {
    let index = func.blocks.len();
    let id = func.block_id(index);
    let params = std::mem::take(&mut func.blocks[first].params);
    for (n, &p) in params.iter().enumerate() {
        func.values[p.index()].def = ValueDef::BlockParam(id, n as u32);
    }
    let original = &func.blocks[plan.shape.header];
    let mut block = Block::new(format!("{}_x{}", original.name, plan.factor));
    let (span, loc) = (original.term_span, original.term_loc);
    let guard = func.new_value(Type::I32, "guard", ValueDef::Param(0));
    let op = Op::Compare(plan.test.guard_op(), plan.ty, params[plan.counter], limit);
    block.insts.push(Inst {
        op,
        results: vec![guard],
        span,
        loc,
    });
    block.term = Some(Terminator::BrIf {
        cond: guard,
        then_edge: Edge::new(func.block_id(first), vec![]),
        else_edge: Edge::new(func.block_id(exit_header), params.clone()),
    });
    block.params = params;
    (block.span, block.term_span, block.term_loc) = (span, span, loc);
    func.blocks.push(block);
    index
}

/// Appends to the entering block the computation of the guard's limit
/// (module doc); its value.
fn emit_limit(func: &mut Function, plan: &Plan) -> ValueId {
    let (ty, test) = (plan.ty, plan.test);
    let d = test.distance(plan.span);
    let n = match plan.bound {
        Bound::Const(c) => {
            let l = limit(ty, test, d, read(ty, test.signed, c));
            return push(func, plan, Op::Const(constant(ty, bits(l))));
        }
        Bound::Value(v) if d == 0 => return v,
        Bound::Value(v) => v,
    };
    let (min, max) = range(ty, test.signed);
    let d128 = i128::from(d);
    let (edge, cmp, arith, saturated) = match test.up {
        true => (min + d128, Cmp::Ge, BinaryOp::Sub, min),
        false => (max - d128, Cmp::Le, BinaryOp::Add, max),
    };
    let edge = push(func, plan, Op::Const(constant(ty, bits(edge))));
    let cmp = match (cmp, test.signed) {
        (Cmp::Ge, true) => CmpOp::GeS,
        (Cmp::Ge, false) => CmpOp::GeU,
        (Cmp::Le, true) => CmpOp::LeS,
        (Cmp::Le, false) => CmpOp::LeU,
    };
    let fits = push(func, plan, Op::Compare(cmp, ty, n, edge));
    let d = push(func, plan, Op::Const(constant(ty, d)));
    let moved = push(func, plan, Op::Binary(arith, ty, n, d));
    let saturated = push(func, plan, Op::Const(constant(ty, bits(saturated))));
    push(
        func,
        plan,
        Op::Select {
            ty,
            cond: fits,
            if_true: moved,
            if_false: saturated,
        },
    )
}

/// Which way the limit's fit is tested.
#[derive(Clone, Copy)]
enum Cmp {
    Ge,
    Le,
}

fn constant(ty: Type, bits: u64) -> Const {
    match ty {
        Type::I32 => Const::I32(bits as u32 as i32),
        _ => Const::I64(bits as i64),
    }
}

/// Appends `op` to the entering block, before its terminator, at the
/// header's test's position; its result.
fn push(func: &mut Function, plan: &Plan, op: Op) -> ValueId {
    let ty = match &op {
        Op::Compare(..) => Type::I32,
        _ => plan.ty,
    };
    let result = func.new_value(ty, "limit", ValueDef::Param(0));
    let header = &func.blocks[plan.shape.header];
    let (span, loc) = (header.term_span, header.term_loc);
    func.blocks[plan.shape.pred].insts.push(Inst {
        op,
        results: vec![result],
        span,
        loc,
    });
    result
}
