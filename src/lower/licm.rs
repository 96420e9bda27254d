//! Loop-invariant code motion: a pure computation inside a loop whose
//! operands are all defined outside it gives the same value on every
//! iteration, so it is computed once, before the loop, in the loop's
//! preheader. A naive frontend recomputes `data.addr @table`, the
//! extension of a bound (`i64.extend_i32_s %n` in `j <= n`) or the row
//! address `a + i * n` of an inner loop on every iteration; the wasm then
//! carries that work in the loop body.
//!
//! What moves: instructions that cannot trap and have no effect, so that
//! running them once before the loop, even when the loop body would never
//! have run them, changes nothing observable: constants, `slot.addr`,
//! `data.addr`, `func.addr`, every unary operator, comparison and
//! `select`, binary operators but the integer divisions and remainders,
//! conversions but the trapping float-to-integer truncations. Loads do not
//! move: one may trap where the loop would have exited first, and without
//! alias analysis any store or call in the loop may change what it reads.
//! Nor do `global.get` (a call may set the global) and `memory.size`.
//! Constants and symbol addresses, which cost as much to keep as to
//! recompute, move only when a moved instruction uses them, and a loop
//! whose only invariants are such is left alone.
//!
//! It relies on the dominator tree and the natural loops of
//! [`crate::analysis`], computed once per function: loops are treated
//! innermost first (reverse postorder of their headers, reversed), so an
//! invariant of two nested loops moves to the inner preheader, then on to
//! the outer one. A preheader is the header's one predecessor from outside
//! the loop when that block only jumps to it; otherwise a new block,
//! taking the header's parameters, receives every edge from outside and
//! jumps to the header. A function whose CFG is irreducible, or a loop
//! headed by the entry block, is left as it is. Loops of more than
//! [`MAX_LOOP_INSTS`] instructions are skipped, so that nested loops cost
//! at most that many looks per instruction: the pass stays linear. Moved
//! instructions keep their spans and frontend locations.

use super::inline::renumber_defs;
use crate::analysis::{Cfg, DomTree, natural_loop, reducible_loops};
use crate::fxhash::FxHashSet;
use crate::ir::{
    BinaryOp, Block, BlockId, ConvKind, Edge, Function, Inst, Op, Terminator, ValueDef, ValueId,
};
use std::borrow::Cow;

/// Loops holding more instructions (or blocks) than this are not looked
/// into.
const MAX_LOOP_INSTS: usize = 4096;

/// The function with its loop invariants hoisted, or `None` when there is
/// nothing to hoist.
pub(super) fn hoist_invariants(func: &Function) -> Option<Function> {
    if func.blocks.len() < 2 {
        return None;
    }
    let (cfg, dom, loops) = reducible_loops(func)?;
    let headers: Vec<BlockId> = (cfg.rpo.iter().rev())
        .copied()
        .filter(|h| loops.is_header[h.index()] && h.index() != 0)
        .collect();
    if headers.is_empty() {
        return None;
    }
    let mut state = State::new(func);
    for header in headers {
        state.hoist_loop(&cfg, &dom, header);
    }
    state.changed.then(|| {
        let mut func = state.func.into_owned();
        renumber_defs(&mut func);
        func
    })
}

/// The function being rewritten, and where each value is defined now.
/// The function is copied at the first change only: most loops have
/// nothing to hoist, and a copy per function with a loop cost 13% of
/// `build --direct` on `gen_ir --functions 10000`.
struct State<'f> {
    func: Cow<'f, Function>,
    /// The block of each value's definition (`None`: a function parameter).
    def_block: Vec<Option<usize>>,
    /// The preheader created for a header, by the header's index.
    preheader_of: crate::fxhash::FxHashMap<usize, usize>,
    changed: bool,
}

impl<'f> State<'f> {
    fn new(func: &'f Function) -> State<'f> {
        let def_block = (func.values.iter())
            .map(|v| match v.def {
                ValueDef::Param(_) => None,
                ValueDef::BlockParam(b, _) | ValueDef::InstResult { block: b, .. } => {
                    Some(b.index())
                }
            })
            .collect();
        State {
            func: Cow::Borrowed(func),
            def_block,
            preheader_of: Default::default(),
            changed: false,
        }
    }

    /// Hoists the invariants of the loop of `header` into its preheader.
    fn hoist_loop(&mut self, cfg: &Cfg, dom: &DomTree, header: BlockId) {
        let Some(order) = self.loop_order(cfg, dom, header) else {
            return;
        };
        let size: usize = order.iter().map(|&b| self.func.blocks[b].insts.len()).sum();
        if size > MAX_LOOP_INSTS {
            return;
        }
        let in_loop: FxHashSet<usize> = order.iter().copied().collect();
        let moved = self.invariants(&order, &in_loop);
        if moved.is_empty() {
            return;
        }
        let pre = self.preheader(cfg, header.index(), &in_loop);
        let mut taken = Vec::with_capacity(moved.len());
        // `moved` is grouped by block, in `order`, indices ascending.
        for group in moved.chunk_by(|a, b| a.0 == b.0) {
            let b = group[0].0;
            let block = &mut self.func.to_mut().blocks[b];
            let insts = std::mem::take(&mut block.insts);
            let mut picked = group.iter().map(|&(_, i)| i).peekable();
            for (i, inst) in insts.into_iter().enumerate() {
                match picked.next_if_eq(&i) {
                    Some(_) => taken.push(inst),
                    None => block.insts.push(inst),
                }
            }
        }
        for inst in &taken {
            for r in &inst.results {
                self.def_block[r.index()] = Some(pre);
            }
        }
        self.func.to_mut().blocks[pre].insts.extend(taken);
        self.changed = true;
    }

    /// The loop's blocks in reverse postorder, the preheaders made for
    /// inner loops just before their headers.
    fn loop_order(&self, cfg: &Cfg, dom: &DomTree, header: BlockId) -> Option<Vec<usize>> {
        let mut blocks = natural_loop(cfg, dom, header, MAX_LOOP_INSTS)?;
        blocks.sort_by_key(|&b| cfg.rpo_number(b));
        let mut order = Vec::with_capacity(blocks.len());
        for b in blocks {
            if b != header
                && let Some(&pre) = self.preheader_of.get(&b.index())
            {
                order.push(pre);
            }
            order.push(b.index());
        }
        Some(order)
    }

    /// The instructions to hoist, `(block, index)` in the order they run:
    /// an invariant's operands are defined outside the loop or by an
    /// earlier invariant (a definition dominates its uses, and `order` is
    /// a reverse postorder). Free ones are kept only when a kept one uses
    /// them.
    fn invariants(&self, order: &[usize], in_loop: &FxHashSet<usize>) -> Vec<(usize, usize)> {
        let mut hoisted: FxHashSet<ValueId> = FxHashSet::default();
        let mut found: Vec<(usize, usize, &Inst)> = Vec::new();
        for &b in order {
            for (i, inst) in self.func.blocks[b].insts.iter().enumerate() {
                let outside = |v: ValueId| {
                    hoisted.contains(&v)
                        || self.def_block[v.index()].is_none_or(|d| !in_loop.contains(&d))
                };
                if movable(&inst.op) && inst.op.operands().all(outside) {
                    hoisted.extend(inst.results.iter().copied());
                    found.push((b, i, inst));
                }
            }
        }
        // Backwards: a free instruction stays unless a kept one reads it.
        let mut needed: FxHashSet<ValueId> = FxHashSet::default();
        let mut kept = Vec::new();
        for &(b, i, inst) in found.iter().rev() {
            if !free(&inst.op) || inst.results.iter().any(|r| needed.contains(r)) {
                needed.extend(inst.op.operands());
                kept.push((b, i));
            }
        }
        if kept
            .iter()
            .all(|&(b, i)| free(&self.func.blocks[b].insts[i].op))
        {
            return Vec::new();
        }
        kept.reverse();
        kept
    }

    /// The preheader of the loop of `header` ([`preheader`]), remembered
    /// when new so that the outer loops see it.
    fn preheader(&mut self, cfg: &Cfg, header: usize, in_loop: &FxHashSet<usize>) -> usize {
        if let Some(&pre) = self.preheader_of.get(&header) {
            return pre;
        }
        let func = self.func.to_mut();
        let (pre, new) = preheader(func, cfg, header, in_loop);
        if new {
            self.def_block.resize(func.values.len(), Some(pre));
            self.preheader_of.insert(header, pre);
        }
        pre
    }
}

/// The preheader of the loop of `header`, whose blocks are `in_loop`: its
/// one outside predecessor when that only jumps to it, or a new block
/// (then `true`) that receives every edge from outside. Shared by the
/// loop passes (licm, strength-reduce).
pub(super) fn preheader(
    func: &mut Function,
    cfg: &Cfg,
    header: usize,
    in_loop: &FxHashSet<usize>,
) -> (usize, bool) {
    let outside: Vec<usize> = (cfg.preds[header].iter())
        .map(|p| p.index())
        .filter(|p| !in_loop.contains(p))
        .collect();
    if let [pred] = outside[..]
        && matches!(&func.blocks[pred].term, Some(Terminator::Jump(_)))
    {
        return (pred, false);
    }
    let pre = new_preheader(func, header, outside[0]);
    let target = func.block_id(header);
    let pre_id = func.block_id(pre);
    for p in outside {
        if let Some(term) = &mut func.blocks[p].term {
            for edge in term.edges_mut() {
                if edge.block == target {
                    edge.block = pre_id;
                }
            }
        }
    }
    (pre, true)
}

/// A new block that takes the parameters of `header` and passes them on.
/// Its jump carries the position of the branch from `entering`, an
/// outside predecessor: it continues that branch (the header's label is
/// no instruction a debugger could stop at).
fn new_preheader(func: &mut Function, header: usize, entering: usize) -> usize {
    let pre = func.blocks.len();
    let pre_id = func.block_id(pre);
    let params: Vec<ValueId> = func.blocks[header].params.clone();
    let mut fresh = Vec::with_capacity(params.len());
    for (n, &p) in params.iter().enumerate() {
        let data = func.value(p).clone();
        fresh.push(func.new_value(data.ty, data.name, ValueDef::BlockParam(pre_id, n as u32)));
    }
    let h = &func.blocks[header];
    let mut block = Block::new(format!("{}_pre", h.name));
    block.span = h.span;
    let from = &func.blocks[entering];
    (block.term_span, block.term_loc) = (from.term_span, from.term_loc);
    block.params = fresh.clone();
    block.term = Some(Terminator::Jump(Edge::new(func.block_id(header), fresh)));
    func.blocks.push(block);
    pre
}

/// Whether running the operator once more, or earlier, changes nothing
/// but its result: no effect, no trap, no read of mutable state.
pub(super) fn movable(op: &Op) -> bool {
    use BinaryOp::{DivS, DivU, RemS, RemU};
    match op {
        Op::Const(_) | Op::SlotAddr(_) | Op::DataAddr(_) | Op::FuncAddr(_) => true,
        Op::Unary(..) | Op::Compare(..) | Op::Select { .. } => true,
        Op::Binary(op, ty, ..) => !(ty.is_int() && matches!(op, DivS | DivU | RemS | RemU)),
        Op::Convert(conv, _) => !matches!(conv.kind, ConvKind::TruncS | ConvKind::TruncU),
        _ => false,
    }
}

/// Operators as cheap to recompute as to keep in a local.
fn free(op: &Op) -> bool {
    matches!(op, Op::Const(_) | Op::DataAddr(_) | Op::FuncAddr(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Interpreter;
    use crate::ir::{Module, Target};
    use crate::lower::passes::testing::{check_generated, parse, rewritten};
    use crate::value::Value;

    /// The mnemonics of block `name` of `@f`.
    fn ops(module: &Module, name: &str) -> Vec<String> {
        let f = module.func(module.func_by_name("f").expect("f"));
        let block = f.blocks.iter().find(|b| b.name == name).expect("block");
        block.insts.iter().map(|i| i.op.mnemonic()).collect()
    }

    /// A loop entered from two places (so it needs a new preheader), with
    /// an inner loop: `%n * 8` and the extension of `%m` are invariant in
    /// both, `%p + %row` in the inner one only; the division may trap and
    /// the load may read what the store wrote: both stay.
    const NEST: &str = "pub fn @f(%p: ptr, %n: i64, %m: i32, %d: i64, %c: i32) -> i64 {\n\
        entry:\n  %z = i64.const 0\n  brif %c, a, b\n\
        a:\n  jump outer(%z, %z)\n\
        b:\n  %one = i64.const 1\n  jump outer(%one, %z)\n\
        outer(%i: i64, %acc: i64):\n  %lim = i64.const 4\n  %go = i64.lt_s %i, %lim\n  brif %go, obody, done\n\
        obody:\n  %row = ptr.wrap_i64 %i\n  jump inner(%z, %acc)\n\
        inner(%j: i64, %s: i64):\n  %w = i64.extend_i32_s %m\n  %lt = i64.lt_s %j, %w\n  brif %lt, ibody, onext\n\
        ibody:\n  %eight = i64.const 8\n  %n8 = i64.mul %n, %eight\n  %q = ptr.add %p, %row\n\
          %x = i64.load %q\n  %y = i64.div_s %x, %d\n  %t = i64.add %s, %y\n  %u = i64.add %t, %n8\n\
          i64.store %q, %u\n  %k = i64.const 1\n  %j1 = i64.add %j, %k\n  jump inner(%j1, %u)\n\
        onext:\n  %k1 = i64.const 1\n  %i1 = i64.add %i, %k1\n  jump outer(%i1, %s)\n\
        done:\n  return %acc\n}\n";

    #[test]
    fn invariants_move_out_of_nested_loops_and_loads_and_divisions_stay() {
        let module = parse(NEST);
        let after = rewritten(&module, |_, f| hoist_invariants(f));
        let text = crate::text::print_module(&after);
        // The new preheader of `outer` gets what both loops leave.
        let pre = ops(&after, "outer_pre");
        assert!(pre.contains(&"i64.mul".to_string()), "{text}");
        assert!(pre.contains(&"i64.extend_i32_s".to_string()), "{text}");
        // `obody` (the inner preheader) gets the row address.
        assert!(
            ops(&after, "obody").contains(&"ptr.add".to_string()),
            "{text}"
        );
        let body = ops(&after, "ibody");
        assert_eq!(
            body,
            [
                "i64.load",
                "i64.div_s",
                "i64.add",
                "i64.add",
                "i64.store",
                "i64.const",
                "i64.add"
            ],
            "{text}"
        );
        // Both entries now reach the loop through the preheader.
        assert!(text.contains("jump outer_pre(%z, %z)"), "{text}");
        for target in [Target::Wasm64, Target::Wasm32] {
            let ptr = |p: u64| match target {
                Target::Wasm64 => Value::I64(p as i64),
                Target::Wasm32 => Value::I32(p as i32),
            };
            for (m, d, c) in [(3, 7, 0), (0, 7, 1), (2, 0, 1), (-1, 1, 0)] {
                let args = [
                    ptr(1024),
                    Value::I64(5),
                    Value::I32(m),
                    Value::I64(d),
                    Value::I32(c),
                ];
                let mut a = Interpreter::new(&module, target).expect("instantiates");
                let mut b = Interpreter::new(&after, target).expect("instantiates");
                assert_eq!(
                    format!("{:?}", b.call("f", &args)),
                    format!("{:?}", a.call("f", &args)),
                    "{target} m={m} d={d} c={c}"
                );
            }
        }
    }

    /// A loop whose only invariants are constants is left alone: keeping
    /// them in locals would cost as much as recomputing them.
    #[test]
    fn constants_alone_do_not_move() {
        let module = parse(
            "pub fn @f(%n: i32) -> i32 {\nentry:\n  %z = i32.const 0\n  jump l(%z)\n\
             l(%i: i32):\n  %one = i32.const 1\n  %i1 = i32.add %i, %one\n  %go = i32.lt_s %i1, %n\n  brif %go, l(%i1), out\n\
             out:\n  return %i\n}\n",
        );
        let f = module.func(module.func_by_name("f").expect("f"));
        assert_eq!(hoist_invariants(f), None);
    }

    #[test]
    fn generated_programs_compute_the_same_with_invariants_hoisted() {
        let changed = check_generated(0..150, |_, f| hoist_invariants(f));
        assert!(changed >= 5, "only {changed} functions changed");
    }
}
