//! What the passes that give a loop new loop-carried values (`widen-iv`,
//! `strength-reduce`) share: a function's natural loops found on demand,
//! each header parameter that every back edge passes as a step of itself
//! (a counter: the pass says which steps it accepts), the new parameters
//! planned for each loop, and the rewrite that adds them to the headers,
//! entered from the preheaders and stepped on each back edge, in place of
//! the values they stand for.
//!
//! It finds and edits only; each pass's file says why its rewrite is
//! exact. The loops are those of [`crate::analysis`], with the
//! preheaders of [`super::licm::preheader`]: loops headed by the entry
//! block or entered from an unreachable block (that edge would lack the
//! new arguments), and loops of more than [`MAX_LOOP_BLOCKS`] blocks, are
//! left alone. Loops are made in the order the pass asks for them, and
//! each parameter is looked at once: deterministic (no hash map is
//! iterated) and linear but for the nesting depth.

use super::licm::preheader;
use crate::analysis::{Cfg, DomTree, Loops, natural_loop};
use crate::diag::Span;
use crate::fxhash::FxHashSet;
use crate::ir::{BinaryOp, BlockId, Function, Inst, LocId, Op, Type, ValueDef, ValueId};

/// Loops of more blocks than this are not looked into.
pub(super) const MAX_LOOP_BLOCKS: usize = 4096;
/// The most new loop-carried values one loop gets.
pub(super) const MAX_PER_LOOP: usize = 8;

/// One edge back to a loop's header: the block it leaves, its position
/// among that block's edges, and the step `S` it passes for a counter.
#[derive(Clone, Copy, Debug)]
pub(super) struct BackEdge<S> {
    from: usize,
    nth: usize,
    pub step: S,
}

/// A new header parameter a pass plans: it follows the counter at
/// position `counter` among the header's parameters, is of type `ty`, is
/// the value `what` says (in the pass's terms), and stands for the values
/// `replaced`.
#[derive(Debug)]
pub(super) struct Carried<W> {
    pub counter: u32,
    pub ty: Type,
    pub what: W,
    pub replaced: Vec<ValueId>,
    /// Values that computed the replaced ones (removed when unused).
    pub dead: Vec<ValueId>,
    /// The position of the first replaced instruction, for the new ones.
    pub at: (Span, LocId),
}

/// A loop a pass looks into, its counters stepped by `S`s, and the new
/// parameters it plans there, each a `W`.
#[derive(Debug)]
pub(super) struct Loop<S, W> {
    header: usize,
    pub in_loop: FxHashSet<usize>,
    /// Each header parameter asked about, by position: its back edges
    /// when it is a counter.
    counters: Vec<(u32, Option<Vec<BackEdge<S>>>)>,
    pub carried: Vec<Carried<W>>,
}

impl<S, W> Loop<S, W> {
    /// The back edges of the counter at parameter `param`.
    fn counter_edges(&self, param: u32) -> Option<&[BackEdge<S>]> {
        let (_, edges) = self.counters.iter().find(|(p, _)| *p == param)?;
        edges.as_deref()
    }

    /// Whether `v` is computed inside the loop (a parameter or result of
    /// one of its blocks).
    pub fn defines(&self, func: &Function, v: ValueId) -> bool {
        match func.value(v).def {
            ValueDef::Param(_) => false,
            ValueDef::BlockParam(b, _) | ValueDef::InstResult { block: b, .. } => {
                self.in_loop.contains(&b.index())
            }
        }
    }
}

impl<S, W: PartialEq> Loop<S, W> {
    /// The new parameter planned for `what` of type `ty` following the
    /// counter `counter` (identical ones are shared), made at `at` if
    /// the loop has fewer than [`MAX_PER_LOOP`].
    pub fn carry(
        &mut self,
        counter: u32,
        ty: Type,
        what: W,
        at: (Span, LocId),
    ) -> Option<&mut Carried<W>> {
        let same = |c: &Carried<W>| c.counter == counter && c.ty == ty && c.what == what;
        match self.carried.iter().position(same) {
            Some(index) => Some(&mut self.carried[index]),
            None if self.carried.len() < MAX_PER_LOOP => {
                self.carried.push(Carried {
                    counter,
                    ty,
                    what,
                    replaced: Vec::new(),
                    dead: Vec::new(),
                    at,
                });
                self.carried.last_mut()
            }
            None => None,
        }
    }
}

/// A function's loops, made on first asking.
pub(super) struct LoopFinder<'a, S, W> {
    func: &'a Function,
    cfg: &'a Cfg,
    dom: &'a DomTree,
    headers: &'a Loops,
    /// Whether an unreachable block jumps to each block.
    unreachable_pred: Vec<bool>,
    /// Each header's loop index (`Some(None)`: not a loop to look into).
    index_of: Vec<Option<Option<usize>>>,
    pub loops: Vec<Loop<S, W>>,
}

impl<'a, S, W> LoopFinder<'a, S, W> {
    pub fn new(func: &'a Function, cfg: &'a Cfg, dom: &'a DomTree, headers: &'a Loops) -> Self {
        let mut unreachable_pred = vec![false; func.blocks.len()];
        for (b, block) in func.blocks.iter().enumerate() {
            if !cfg.is_reachable(func.block_id(b)) {
                for s in block.successors() {
                    if let Some(mark) = unreachable_pred.get_mut(s.index()) {
                        *mark = true;
                    }
                }
            }
        }
        LoopFinder {
            func,
            cfg,
            dom,
            headers,
            unreachable_pred,
            index_of: vec![None; func.blocks.len()],
            loops: Vec::new(),
        }
    }

    /// The instructions of the reachable blocks, with their block, in
    /// order.
    pub fn reachable_insts(&self) -> impl Iterator<Item = (usize, &'a Inst)> + 'a {
        let (func, cfg) = (self.func, self.cfg);
        (func.blocks.iter().enumerate())
            .filter(move |(b, _)| cfg.is_reachable(func.block_id(*b)))
            .flat_map(|(b, block)| block.insts.iter().map(move |inst| (b, inst)))
    }

    /// The loop and parameter position of `p` when it is a counter of a
    /// loop holding block `b`: a parameter of the loop's header that
    /// every back edge passes as a step, `step(loop, arg)` reading the
    /// argument `arg` of an edge (`None` when it is not one).
    pub fn counter(
        &mut self,
        p: ValueId,
        b: usize,
        step: impl Fn(&Loop<S, W>, ValueId) -> Option<S>,
    ) -> Option<(usize, u32)> {
        let ValueDef::BlockParam(h, n) = self.func.value(p).def else {
            return None;
        };
        let index = self.loop_at(h.index())?;
        let lp = &self.loops[index];
        if !lp.in_loop.contains(&b) {
            return None;
        }
        let known = match lp.counters.iter().find(|(q, _)| *q == n) {
            Some((_, edges)) => edges.is_some(),
            None => {
                let edges = self.back_edges(lp, h, n, step);
                let found = edges.is_some();
                self.loops[index].counters.push((n, edges));
                found
            }
        };
        known.then_some((index, n))
    }

    /// The index of the loop headed by `h`, `None` when `h` heads no
    /// loop to look into.
    fn loop_at(&mut self, h: usize) -> Option<usize> {
        if let Some(known) = self.index_of[h] {
            return known;
        }
        let header = self.func.block_id(h);
        let ok = h != 0
            && self.headers.is_header[h]
            && self.cfg.is_reachable(header)
            && !self.unreachable_pred[h];
        let body = ok
            .then(|| natural_loop(self.cfg, self.dom, header, MAX_LOOP_BLOCKS))
            .flatten();
        let index = body.map(|body| {
            self.loops.push(Loop {
                header: h,
                in_loop: body.iter().map(|b| b.index()).collect(),
                counters: Vec::new(),
                carried: Vec::new(),
            });
            self.loops.len() - 1
        });
        self.index_of[h] = Some(index);
        index
    }

    /// The back edges of `lp`, headed by `h`, when `step` reads what each
    /// passes for the header's parameter `n`.
    fn back_edges(
        &self,
        lp: &Loop<S, W>,
        h: BlockId,
        n: u32,
        step: impl Fn(&Loop<S, W>, ValueId) -> Option<S>,
    ) -> Option<Vec<BackEdge<S>>> {
        let mut edges = Vec::new();
        for &from in &self.cfg.preds[h.index()] {
            if !lp.in_loop.contains(&from.index()) {
                continue;
            }
            let term = self.func.block(from).term.as_ref()?;
            for (nth, edge) in term.edges().enumerate().filter(|(_, e)| e.block == h) {
                let arg = *edge.args.get(n as usize)?;
                edges.push(BackEdge {
                    from: from.index(),
                    nth,
                    step: step(lp, arg)?,
                });
            }
        }
        Some(edges)
    }
}

/// The instruction (block, index) using each value used once, `None`
/// for the others (and for a value a terminator uses).
pub(super) fn single_users(func: &Function) -> Vec<Option<(usize, usize)>> {
    let uses = super::unroll::use_counts(func);
    let mut user = vec![None; func.values.len()];
    for (b, block) in func.blocks.iter().enumerate() {
        for (i, inst) in block.insts.iter().enumerate() {
            for v in inst.op.operands() {
                user[v.index()] = Some((b, i));
            }
        }
    }
    for (user, uses) in user.iter_mut().zip(uses) {
        if uses != 1 {
            *user = None;
        }
    }
    user
}

/// What the preheader `pre` passes the header for its parameter `param`.
pub(super) fn entry_arg(func: &Function, pre: usize, header: BlockId, param: u32) -> ValueId {
    let term = func.blocks[pre].term.as_ref();
    let edge = term.and_then(|t| t.edges().find(|e| e.block == header));
    edge.expect("the preheader jumps to the header").args[param as usize]
}

/// Appends `op` to the end of block `b`, its result named `name` and of
/// type `ty` unless it is a constant or an address: the result.
pub(super) fn append(
    func: &mut Function,
    b: usize,
    op: Op,
    ty: Type,
    name: String,
    (span, loc): (Span, LocId),
) -> ValueId {
    let ty = match op {
        Op::Const(k) => k.ty(),
        Op::DataAddr(_) => Type::Ptr,
        _ => ty,
    };
    let block = func.block_id(b);
    // The definition is set by `renumber_defs` once all are placed.
    let v = func.new_value(ty, name, ValueDef::BlockParam(block, 0));
    func.blocks[b].insts.push(Inst {
        op,
        results: vec![v],
        span,
        loc,
    });
    v
}

/// What a pass emits for a new parameter into the loop's preheader: its
/// name, its entry value, and each back edge's step (`None`: the edge
/// passes it unchanged).
pub(super) type Entry = (String, ValueId, Vec<Option<(BinaryOp, ValueId)>>);

/// `func` with the new parameters that `loops` plan, and each value they
/// replace renamed to its parameter (definitions renumbered); the
/// replaced values and those that computed them, for the pass to remove
/// where unused. `entry(func, preheader, header, carried, back_edges)`
/// emits a parameter's [`Entry`]. `None` when no loop plans any.
pub(super) fn add_all_carried<S, W>(
    func: &Function,
    cfg: &Cfg,
    loops: &[Loop<S, W>],
    mut entry: impl FnMut(&mut Function, usize, BlockId, &Carried<W>, &[BackEdge<S>]) -> Entry,
) -> Option<(Function, FxHashSet<ValueId>)> {
    if loops.iter().all(|l| l.carried.is_empty()) {
        return None;
    }
    let mut out = func.clone();
    let mut rename: Vec<Option<ValueId>> = vec![None; func.values.len()];
    let mut seeds = FxHashSet::default();
    for lp in loops.iter().filter(|l| !l.carried.is_empty()) {
        let h = lp.header;
        let (pre, _) = preheader(&mut out, cfg, h, &lp.in_loop);
        let header = out.block_id(h);
        for c in &lp.carried {
            let Some(edges) = lp.counter_edges(c.counter) else {
                continue;
            };
            let made = entry(&mut out, pre, header, c, edges);
            let new = add_carried(&mut out, (h, pre), c, edges, made);
            for &v in &c.replaced {
                rename[v.index()] = Some(new);
                seeds.insert(v);
            }
            seeds.extend(c.dead.iter().copied());
        }
    }
    out.map_operands(|v| rename.get(v.index()).copied().flatten().unwrap_or(v));
    super::inline::renumber_defs(&mut out);
    Some((out, seeds))
}

/// The new parameter `c` of the header `h`, named `name`: it enters from
/// the preheader `pre` as `start`, and each of `edges` passes it back
/// unchanged (`None`) or stepped, `op` by its step (named `{name}_next`,
/// in the edge's block).
fn add_carried<S, W>(
    func: &mut Function,
    (h, pre): (usize, usize),
    c: &Carried<W>,
    edges: &[BackEdge<S>],
    (name, start, steps): Entry,
) -> ValueId {
    let (ty, at) = (c.ty, c.at);
    let header = func.block_id(h);
    let n = func.blocks[h].params.len() as u32;
    let carried = func.new_value(ty, name.clone(), ValueDef::BlockParam(header, n));
    func.blocks[h].params.push(carried);
    push_arg(func, pre, None, header, start);
    for (edge, step) in edges.iter().zip(steps) {
        let next = match step {
            Some((op, step)) => {
                let op = Op::Binary(op, ty, carried, step);
                append(func, edge.from, op, ty, format!("{name}_next"), at)
            }
            None => carried,
        };
        push_arg(func, edge.from, Some(edge.nth), header, next);
    }
    carried
}

/// Appends `value` to the arguments of the `nth` edge of `block`, or of
/// its first edge to `target` when `nth` is `None` (a preheader's jump).
fn push_arg(
    func: &mut Function,
    block: usize,
    nth: Option<usize>,
    target: BlockId,
    value: ValueId,
) {
    let Some(term) = &mut func.blocks[block].term else {
        return;
    };
    let edges = term.edges_mut().into_iter().enumerate();
    let mut wanted = edges.filter(|(n, e)| nth.map_or(e.block == target, |nth| *n == nth));
    if let Some((_, edge)) = wanted.next() {
        edge.args.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::reducible_loops;
    use crate::ir::Module;
    use crate::lower::passes::testing::parse;

    /// A loop whose `%i` steps by one and whose `%t` doubles; with
    /// `unreachable`, a block that nothing reaches also jumps to its
    /// header.
    fn counting(unreachable: bool) -> Module {
        let dead = if unreachable {
            "dead:\n  jump l(%n, %n)\n"
        } else {
            ""
        };
        parse(&format!(
            "pub fn @f(%n: i32) -> i32 {{\nentry:\n  %z = i32.const 0\n  jump l(%z, %z)\n\
             l(%i: i32, %t: i32):\n  %go = i32.lt_s %i, %n\n  brif %go, body, out\n\
             body:\n  %one = i32.const 1\n  %i1 = i32.add %i, %one\n  %t1 = i32.add %t, %t\n\
               jump l(%i1, %t1)\n\
             {dead}out:\n  return %t\n}}\n"
        ))
    }

    /// The constant `arg` adds to `p`: the steps this test accepts.
    fn plus_const(func: &Function, p: ValueId, arg: ValueId) -> Option<i64> {
        match *super::super::unroll::def_op(func, arg)? {
            Op::Binary(BinaryOp::Add, _, a, c) if a == p => {
                super::super::ranges::const_value(func, c)
            }
            _ => None,
        }
    }

    /// What `counter` says of each parameter of the header (block 1),
    /// and each loop's back edges for the first: (from, nth, step).
    type Found = (Vec<Option<(usize, u32)>>, Vec<Vec<(usize, usize, i64)>>);

    /// The loops `counter` finds for `@f`'s parameters `%i` (position 0)
    /// and `%t` of the header, asked from block `b`.
    fn counters(module: &Module, b: usize) -> Found {
        let func = module.func(module.func_by_name("f").expect("f"));
        let (cfg, dom, headers) = reducible_loops(func).expect("reducible");
        let mut finder: LoopFinder<i64, ()> = LoopFinder::new(func, &cfg, &dom, &headers);
        let found = (func.blocks[1].params.iter())
            .map(|&p| finder.counter(p, b, |_, arg| plus_const(func, p, arg)))
            .collect();
        let edges = (finder.loops.iter())
            .map(|lp| {
                let edges = lp.counter_edges(0).unwrap_or_default();
                edges.iter().map(|e| (e.from, e.nth, e.step)).collect()
            })
            .collect();
        (found, edges)
    }

    #[test]
    fn a_counter_is_a_parameter_that_every_back_edge_steps() {
        let module = counting(false);
        // Asked from the body: `%i` is the loop's counter, stepped by 1 on
        // the body's one edge; `%t` is not one.
        assert_eq!(
            counters(&module, 2),
            (vec![Some((0, 0)), None], vec![vec![(2, 0, 1)]])
        );
        // Asked from `out`, outside the loop: neither.
        assert_eq!(counters(&module, 3).0, [None, None]);
        // An unreachable block's edge into the header would lack the new
        // arguments: that loop is not looked into.
        assert_eq!(counters(&counting(true), 2), (vec![None, None], vec![]));
    }

    #[test]
    fn single_users_are_the_instructions_of_values_used_once() {
        let module = counting(false);
        let func = module.func(module.func_by_name("f").expect("f"));
        let users = single_users(func);
        let user = |name: &str| {
            let v = (func.values.iter()).position(|v| v.name == name);
            users[v.expect("a value of that name")]
        };
        // `%one` feeds `%i1` alone; `%go` only a terminator; `%t` two
        // operands and the return.
        assert_eq!(user("one"), Some((2, 1)));
        assert_eq!((user("go"), user("t")), (None, None));
    }
}
