//! Full unrolling of small counted loops: a loop whose trip count is a
//! constant the pass can compute, and whose copies stay small, becomes
//! that many copies of its body one after the other, with no counter test
//! and no back branch. A naive frontend writes `for (k i32 0 8)` over the
//! bits of a byte or `for (i i32 0 5)` over the bodies of a small system.
//!
//! The loops it takes: a natural loop whose header ends in `brif %c`, one
//! edge into the loop and one out of it (the loop's only exit), with one
//! predecessor outside (one edge from it) and one latch that jumps back;
//! `%c` compares a header parameter `%i` with a constant; `%i` enters as a
//! constant and the latch passes `%i + step` (`add` of a constant, i32 or
//! i64: `ptr` is left alone, its width depends on the target). The pass
//! runs the counter through the comparison with wasm's wrapping
//! arithmetic to get the trip count `T` exactly (at most [`MAX_TRIPS`];
//! zero trips are left to the loop).
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
//! last copy's. Copies keep the spans and frontend locations of what they
//! copy, so a trap in an unrolled iteration points at its source line.
//!
//! Growth is bounded twice: a loop is unrolled only when its copies add at
//! most [`MAX_UNROLLED_INSTS`] instructions, and a function gains at most
//! [`MAX_GROWTH`] in all, in at most [`MAX_UNROLLS`] unrollings (each
//! re-analyses the function): the pass stays linear in the size of its
//! input. Only innermost loops are unrolled: copies of an inner loop keep
//! all its branches. Irreducible functions and loops headed by the entry
//! block are left alone.

use super::inline::renumber_defs;
use crate::analysis::{Cfg, DomTree, Loops, natural_loop};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::ir::{
    BinaryOp, BlockId, CmpOp, Const, Function, Op, Terminator, Type, ValueDef, ValueId,
};

/// The most iterations unrolled.
const MAX_TRIPS: u64 = 16;
/// The most instructions the copies of one loop may add.
const MAX_UNROLLED_INSTS: usize = 192;
/// The most instructions unrolling may add to one function.
const MAX_GROWTH: usize = 512;
/// The most loops unrolled in one function.
const MAX_UNROLLS: usize = 8;

/// The function with its small counted loops unrolled, or `None` when it
/// has none.
pub(super) fn unroll_loops(func: &Function) -> Option<Function> {
    // The analyses cost more than the rest of the pass: run them only
    // when some block ends in the counted test a plan needs.
    if !(0..func.blocks.len()).any(|b| counted_test(func, func.block_id(b))) {
        return None;
    }
    let mut out: Option<Function> = None;
    let mut budget = MAX_GROWTH;
    for _ in 0..MAX_UNROLLS {
        let Some(plan) = find(out.as_ref().unwrap_or(func), budget) else {
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
struct Plan {
    header: usize,
    /// The loop's blocks, the header among them.
    body: Vec<usize>,
    /// The block outside that enters the loop.
    pred: usize,
    latch: usize,
    /// Whether the `brif`'s then-edge is the one into the loop.
    enter_on_then: bool,
    /// The comparison to drop, when the `brif` is its only use.
    cmp: Option<ValueId>,
    trips: u64,
    growth: usize,
}

/// The first loop, innermost first, that may be unrolled within `budget`.
fn find(func: &Function, budget: usize) -> Option<Plan> {
    let cfg = Cfg::new(func);
    let dom = DomTree::new(&cfg);
    let loops = Loops::new(&cfg, &dom);
    if loops.irreducible_edge.is_some() {
        return None;
    }
    let mut uses: Option<Vec<u32>> = None;
    for &h in cfg.rpo.iter().rev() {
        if !loops.is_header[h.index()] || h.index() == 0 {
            continue;
        }
        let uses = uses.get_or_insert_with(|| use_counts(func));
        if let Some(plan) = plan(func, &cfg, &dom, h, uses)
            && innermost(plan.header, &plan.body, &loops)
            && plan.growth <= budget
        {
            return Some(plan);
        }
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
/// most `limit` blocks.
pub(super) fn counted_loop(
    func: &Function,
    cfg: &Cfg,
    dom: &DomTree,
    h: BlockId,
    limit: usize,
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
    let closed = body
        .iter()
        .filter(|&&b| b != header)
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

/// The plan for the loop of `header`, when it has the shape and size.
fn plan(func: &Function, cfg: &Cfg, dom: &DomTree, h: BlockId, uses: &[u32]) -> Option<Plan> {
    let shape = counted_loop(func, cfg, dom, h, MAX_UNROLLED_INSTS)?;
    let (pred, latch) = (func.block_id(shape.pred), func.block_id(shape.latch));
    let cond = shape.cond;
    let trips = trip_count(func, h, cond, pred, latch, shape.enter_on_then)?;
    let size = loop_size(func, &shape.body);
    let growth = (trips as usize - 1) * size + func.blocks[shape.header].insts.len() + 1;
    if trips == 0 || growth > MAX_UNROLLED_INSTS {
        return None;
    }
    Some(Plan {
        header: shape.header,
        body: shape.body,
        pred: shape.pred,
        latch: shape.latch,
        enter_on_then: shape.enter_on_then,
        cmp: (uses[cond.index()] == 1 && defined_in(func, cond, h)).then_some(cond),
        trips,
        growth,
    })
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
    // The header's values after the loop are the last test's.
    let in_loop: FxHashSet<usize> = plan.body.iter().copied().collect();
    let rename = |v: ValueId| last.values.get(&v).copied().unwrap_or(v);
    for block in (0..original_len).filter(|b| !in_loop.contains(b)) {
        map_block_operands(func, block, rename);
    }
    if let Some(cmp) = plan.cmp {
        let mut drop = vec![(h, cmp), (last_header, last.values[&cmp])];
        drop.extend(copies.iter().map(|c| (c.blocks[&h], c.values[&cmp])));
        for (block, value) in drop {
            (func.blocks[block].insts).retain(|i| i.results.first() != Some(&value));
        }
    }
    renumber_defs(func);
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
    use crate::lower::passes::testing::rewritten;
    use crate::value::Value;

    fn parse(text: &str) -> Module {
        let module = crate::text::parse_str("unroll.vir", text).expect("parses");
        crate::verify::verify_module(&module).expect("verifies");
        module
    }

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
}
