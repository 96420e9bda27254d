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
//! [`MAX_COST_BY_2`]; and only loops inside another loop ([`nested`]): one
//! that is not runs once per call, and its copies would cost more code
//! bytes than its tests cost time (taking them made matmul's code 2.3
//! times larger, fnv's 2.2 times). A function gains at most [`MAX_GROWTH`] instructions
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
const MAX_COST_BY_2: usize = 16;
/// How many blocks [`nested`] looks at, from a loop's exit, for the way
/// back to its entry.
const MAX_SEARCH: usize = 32;
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
        let Some(shape) = counted_loop(func, &cfg, &dom, h, 4 * MAX_COST_BY_2, false) else {
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
    if cost > MAX_COST_BY_2 || !nested(func, &shape) {
        return None;
    }
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

/// Whether the loop sits inside another loop: a path of at most
/// [`MAX_SEARCH`] blocks leads from its exit back to the block entering
/// it. A loop that does not runs once per call of its function, and
/// unrolling it would cost bytes for one comparison per iteration of one
/// run (matmul's and fnv's fill loops).
fn nested(func: &Function, shape: &CountedLoop) -> bool {
    let Some(Terminator::BrIf {
        then_edge,
        else_edge,
        ..
    }) = &func.blocks[shape.header].term
    else {
        return false;
    };
    let exit = if shape.enter_on_then {
        else_edge
    } else {
        then_edge
    };
    let mut seen = FxHashSet::default();
    let mut work = vec![exit.block.index()];
    while let Some(b) = work.pop() {
        if b == shape.pred {
            return true;
        }
        if seen.len() < MAX_SEARCH && seen.insert(b) {
            work.extend(func.blocks[b].successors().iter().map(|s| s.index()));
        }
    }
    false
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Interpreter;
    use crate::ir::{Module, Target};
    use crate::lower::passes::testing::{outcome, parse, rewritten};
    use crate::testgen::rng::Rng;
    use crate::value::Value;

    fn unrolled(module: &Module) -> Module {
        rewritten(module, |_, f| unroll_partially(f))
    }

    /// A counted loop over `%k` of type `ty` from `start` while `k OP
    /// bound` (`go` says whether the `brif` enters on then; `swap` puts
    /// the counter on the right), stepped by `step`: a diamond on the low
    /// bit of a running value, whose one arm divides by `%d` (it may trap);
    /// `pad` more instructions in the body; the counter and the running
    /// value used after the loop. `start` and `bound` are texts: a
    /// constant or `%s` / `%n`, the function's parameters.
    struct Shape<'a> {
        ty: &'a str,
        start: String,
        op: &'a str,
        bound: String,
        step: i64,
        enter_on_then: bool,
        swap: bool,
        pad: usize,
        /// Whether an outer loop runs the loop twice.
        outer: bool,
    }

    impl Shape<'_> {
        fn text(&self) -> String {
            let ty = self.ty;
            let value = |v: &str, name: &str| match v.strip_prefix('%') {
                Some(_) => (String::new(), v.to_string()),
                None => (format!("  %{name} = {ty}.const {v}\n"), format!("%{name}")),
            };
            let (start_def, start) = value(&self.start, "start");
            let (bound_def, bound) = value(&self.bound, "bound");
            let (x, y) = match self.swap {
                true => (bound.as_str(), "%k"),
                false => ("%k", bound.as_str()),
            };
            let (then, other) = match self.enter_on_then {
                true => ("body", "out"),
                false => ("out", "body"),
            };
            let wrap = match ty {
                "i64" => "i32.wrap_i64 %k",
                _ => "i32.add %k, %zero",
            };
            let pad: String = (0..self.pad)
                .map(|p| format!("  %p{} = i32.xor %p{p}, %kw\n", p + 1))
                .collect();
            // Twice in an outer loop, or once.
            let (enter, leave) = match self.outer {
                true => (
                    "  jump outer(%zero, %zero)\n\
                     outer(%r: i32, %acc: i32):\n  %two = i32.const 2\n  %again = i32.lt_s %r, %two\n  brif %again, pre, end\n\
                     pre:\n",
                    "  %one_r = i32.const 1\n  %r1 = i32.add %r, %one_r\n  jump outer(%r1, %res)\n\
                     end:\n  return %acc\n",
                ),
                false => ("", "  return %res\n"),
            };
            let acc = if self.outer { "%acc" } else { "%zero" };
            format!(
                "pub fn @f(%s: {ty}, %n: {ty}, %d: i32) -> i32 {{\n\
                 entry:\n{start_def}  %zero = i32.const 0\n{enter}  jump for({start}, {acc})\n\
                 for(%k: {ty}, %c: i32):\n{bound_def}  %go = {ty}.{op} {x}, {y}\n  brif %go, {then}, {other}\n\
                 body:\n  %kw = {wrap}\n  %p0 = i32.add %c, %kw\n{pad}  %one = i32.const 1\n  %bit = i32.and %p{p}, %one\n  brif %bit, odd, even\n\
                 odd:\n  %three = i32.const 3\n  %t = i32.mul %p{p}, %three\n  jump step(%t)\n\
                 even:\n  %q = i32.div_u %p{p}, %d\n  jump step(%q)\n\
                 step(%m: i32):\n  %st = {ty}.const {step}\n  %k1 = {ty}.add %k, %st\n  jump for(%k1, %m)\n\
                 out:\n  %kw2 = {wrap}\n  %res = i32.xor %c, %kw2\n{leave}}}\n",
                op = self.op,
                step = self.step,
                p = self.pad,
            )
        }
    }

    fn shape(ty: &str, start: &str, op: &'static str, bound: &str, step: i64) -> Shape<'static> {
        let ty = if ty == "i64" { "i64" } else { "i32" };
        Shape {
            ty,
            start: start.to_string(),
            op,
            bound: bound.to_string(),
            step,
            enter_on_then: true,
            swap: false,
            pad: 0,
            outer: true,
        }
    }

    /// The factor the pass unrolled `@f` by (0: not unrolled), and whether
    /// it kept the original loop for the remainder.
    fn factor(module: &Module) -> (usize, bool) {
        let text = crate::text::print_module(module);
        let factor = [2, 4]
            .into_iter()
            .find(|u| text.contains(&format!("for_x{u}(")))
            .unwrap_or(0);
        (factor, text.contains("for_rest("))
    }

    /// Enough for 4096 trips, and not much more.
    const FUEL: u64 = 100_000;

    /// Calls `@f` on both modules with each `(s, n)`: same results, or
    /// the same trap; calls that run out of fuel in either (loops that
    /// wrap around for 2^32 trips) are skipped.
    fn same_results(before: &Module, after: &Module, ty: &str, pairs: &[(i64, i64)]) {
        let arg = |v: i64| match ty {
            "i64" => Value::I64(v),
            _ => Value::I32(v as i32),
        };
        for &(s, n) in pairs {
            for d in [3, 0] {
                let args = [arg(s), arg(n), Value::I32(d)];
                let mut a = Interpreter::new(before, Target::Wasm64).expect("instantiates");
                let mut b = Interpreter::new(after, Target::Wasm64).expect("instantiates");
                a.set_fuel(Some(FUEL));
                b.set_fuel(Some(FUEL));
                let (want, got) = (outcome(a.call("f", &args)), outcome(b.call("f", &args)));
                let fuel =
                    |r: &Result<_, String>| r.as_ref().is_err_and(|e| e.contains("Interrupted"));
                if !fuel(&want) && !fuel(&got) {
                    assert_eq!(got, want, "s={s} n={n} d={d}");
                }
            }
        }
    }

    /// Trip counts 0, 1, U-1, U, U+1, many, negative bounds.
    fn small_pairs() -> Vec<(i64, i64)> {
        let mut pairs = vec![(0, 1000), (-7, 9), (5, -5), (-100, -90), (3, 3)];
        pairs.extend((0..10).map(|n| (0, n)));
        pairs
    }

    #[test]
    fn a_runtime_bound_unrolls_by_4_with_the_original_loop_after() {
        let module = parse(&shape("i32", "%s", "lt_s", "%n", 1).text());
        let after = unrolled(&module);
        assert_eq!(factor(&after), (4, true));
        let text = crate::text::print_module(&after);
        // Four copies of the body in the main loop and one in the rest.
        assert_eq!(text.matches("i32.div_u").count(), 5, "{text}");
        // One test per trip of the main loop, one in the rest, the outer
        // loop's, and the limit's fit in the entering block.
        assert_eq!(text.matches("i32.lt_s").count(), 3, "{text}");
        assert_eq!(text.matches("i32.ge_s").count(), 1, "{text}");
        same_results(&module, &after, "i32", &small_pairs());
    }

    #[test]
    fn a_bigger_body_unrolls_by_2() {
        let mut s = shape("i64", "%s", "lt_s", "%n", 1);
        s.pad = 5;
        let module = parse(&s.text());
        let after = unrolled(&module);
        assert_eq!(factor(&after), (2, true));
        same_results(&module, &after, "i64", &small_pairs());
    }

    fn f(module: &Module) -> &Function {
        module.func(module.func_by_name("f").expect("f"))
    }

    #[test]
    fn a_constant_trip_count_the_factor_divides_needs_no_remainder() {
        // 4096 trips: by 4, the original loop's test only where it exits.
        let module = parse(&shape("i32", "0", "lt_s", "4096", 1).text());
        let after = unrolled(&module);
        assert_eq!(factor(&after), (4, false));
        let text = crate::text::print_module(&after);
        assert!(text.contains("for_last:"), "{text}");
        assert_eq!(text.matches("i32.div_u").count(), 4, "{text}");
        same_results(&module, &after, "i32", &[(0, 0)]);
        // 30 trips, down by 3 from 90 while >= 1 (`ge_u`): 4 does not
        // divide it, 2 does.
        let module = parse(&shape("i32", "90", "ge_u", "1", -3).text());
        let after = unrolled(&module);
        assert_eq!(factor(&after), (2, false));
        same_results(&module, &after, "i32", &[(0, 0)]);
        // 21 trips: a remainder loop.
        let module = parse(&shape("i64", "0", "le_s", "20", 1).text());
        let after = unrolled(&module);
        assert_eq!(factor(&after), (4, true));
        same_results(&module, &after, "i64", &[(0, 0)]);
    }

    #[test]
    fn loops_of_other_shapes_stay() {
        let cases = [
            // A step against the direction of the test, or none.
            shape("i32", "%s", "lt_s", "%n", -1),
            shape("i32", "%s", "lt_s", "%n", 0),
            shape("i32", "%s", "gt_s", "%n", 2),
            // Equality tests.
            shape("i32", "%s", "ne", "%n", 1),
            // Few trips (full unrolling's, or fewer than two main trips).
            shape("i32", "0", "lt_s", "7", 1),
            // A bound that changes in the loop: the counter itself.
            shape("i32", "%s", "lt_s", "%k", 1),
            // A body too big.
            Shape {
                pad: 20,
                ..shape("i32", "%s", "lt_s", "%n", 1)
            },
            // Not inside another loop.
            Shape {
                outer: false,
                ..shape("i32", "%s", "lt_s", "%n", 1)
            },
        ];
        for case in cases {
            let text = case.text();
            assert_eq!(unroll_partially(f(&parse(&text))), None, "{text}");
        }
    }

    /// Random loops of every test, direction, step, type and operand
    /// order, their start and bound parameters near the points where the
    /// counter wraps (0, the signed and unsigned extremes) or constants
    /// there: each gives the same results unrolled.
    #[test]
    fn random_counted_loops_compute_the_same_unrolled() {
        let mut rng = Rng::new(29);
        let ops = [
            "lt_s", "lt_u", "le_s", "le_u", "gt_s", "gt_u", "ge_s", "ge_u",
        ];
        let (mut by2, mut by4, mut rest, mut last) = (0, 0, 0, 0);
        for _ in 0..300 {
            let ty = ["i32", "i64"][rng.below(2) as usize];
            let near = match (ty, rng.below(4)) {
                ("i32", 0) => i64::from(i32::MAX),
                ("i32", 1) => i64::from(i32::MIN),
                (_, 0) => i64::MAX,
                (_, 1) => i64::MIN,
                (_, 2) => -1,
                _ => 0,
            };
            let pick = |rng: &mut Rng| {
                let v = near.wrapping_add(rng.below(41) as i64 - 20);
                if ty == "i32" { i64::from(v as i32) } else { v }
            };
            let pairs: Vec<(i64, i64)> = (0..6).map(|_| (pick(&mut rng), pick(&mut rng))).collect();
            let step = [1, 2, 3, 7, -1, -2, -5][rng.below(7) as usize];
            let constant = rng.below(3) == 0;
            let (start, bound) = match constant {
                true => (pairs[0].0.to_string(), pairs[0].1.to_string()),
                false => ("%s".to_string(), "%n".to_string()),
            };
            let mut s = shape(ty, &start, ops[rng.below(8) as usize], &bound, step);
            s.enter_on_then = rng.below(2) == 0;
            s.swap = rng.below(2) == 0;
            s.pad = [0, 0, 5][rng.below(3) as usize];
            let module = parse(&s.text());
            let after = unrolled(&module);
            match factor(&after) {
                (0, _) => assert_eq!(module.funcs, after.funcs),
                (u, r) => {
                    (by2, by4) = (by2 + usize::from(u == 2), by4 + usize::from(u == 4));
                    (rest, last) = (rest + usize::from(r), last + usize::from(!r));
                    same_results(&module, &after, ty, &pairs);
                }
            }
        }
        assert!(by2 >= 20 && by4 >= 40, "by 2: {by2}, by 4: {by4}");
        assert!(
            rest >= 40 && last >= 3,
            "remainder loops: {rest}, none: {last}"
        );
    }
}
