//! Irreducible control flow made reducible, by dispatch through a label.
//!
//! A CFG is reducible when every cycle, at every level of loop nesting, has
//! a single entry. When a cycle has several (the textbook case: `entry`
//! branches into both `a` and `b`, which jump to each other), a new block
//! `dispatch(label: i32)` becomes its one entry, as in LLVM's
//! FixIrreducibleControlFlow:
//!
//! - every edge into an entry `e_i` sets `e_i`'s parameters, now variables,
//!   and jumps to `dispatch` with `i`;
//! - `dispatch` is a `switch` on the label to the entries;
//! - each entry reads its former parameters back with `var.get`, under the
//!   same value ids, so nothing else in the function changes.
//!
//! Whatever dominated a use inside the cycle dominates every outside
//! predecessor of every entry, hence the dispatch block too: the result
//! still verifies. The growth is one block per cycle and one small
//! trampoline per edge into it, never a copy of the cycle's code.

use crate::analysis::Cfg;
use crate::diag::Span;
use crate::ir::{
    Block, BlockId, Const, Edge, Function, Inst, LocId, Op, Terminator, Type, ValueDef, Var, VarId,
};
use std::borrow::Cow;

/// The function itself when it is reducible, else a reducible copy.
pub(super) fn make_reducible(func: &Function) -> Cow<'_, Function> {
    let mut func = Cow::Borrowed(func);
    while let Some(entries) = multi_entry_cycle(&func) {
        dispatch(func.to_mut(), &entries);
    }
    func
}

/// The entries of a cycle with more than one, looking at the whole CFG
/// first and then inside each single-entry cycle, below its entry.
fn multi_entry_cycle(func: &Function) -> Option<Vec<BlockId>> {
    let cfg = Cfg::new(func);
    let mut regions = vec![cfg.rpo.clone()];
    while let Some(region) = regions.pop() {
        for scc in strongly_connected(&cfg, &region) {
            let entries = entries_of(&cfg, &scc, func.entry());
            if entries.len() > 1 {
                return Some(entries);
            }
            let inner: Vec<BlockId> = scc.into_iter().filter(|b| !entries.contains(b)).collect();
            if !inner.is_empty() {
                regions.push(inner);
            }
        }
    }
    None
}

/// Blocks of `scc` entered from outside it (or the function entry), sorted.
fn entries_of(cfg: &Cfg, scc: &[BlockId], entry: BlockId) -> Vec<BlockId> {
    // A membership table, not `scc.contains`: a cycle nested 1,000 deep is
    // looked at once per level, and each look must stay linear in its size.
    let mut in_scc = vec![false; cfg.preds.len()];
    for b in scc {
        in_scc[b.index()] = true;
    }
    let mut entries: Vec<BlockId> = scc
        .iter()
        .copied()
        .filter(|&b| b == entry || cfg.preds[b.index()].iter().any(|p| !in_scc[p.index()]))
        .collect();
    entries.sort();
    entries
}

/// The cycles among `region`'s blocks (edges leaving the region ignored):
/// strongly connected components with an inner edge, by Tarjan's algorithm
/// made iterative so that long chains cannot overflow the stack.
fn strongly_connected(cfg: &Cfg, region: &[BlockId]) -> Vec<Vec<BlockId>> {
    let n = cfg.succs.len();
    let mut in_region = vec![false; n];
    for b in region {
        in_region[b.index()] = true;
    }
    let mut index = vec![u32::MAX; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0u32;
    let mut found = Vec::new();
    let mut roots: Vec<BlockId> = region.to_vec();
    roots.sort();
    for root in roots {
        if index[root.index()] != u32::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        index[root.index()] = next;
        low[root.index()] = next;
        next += 1;
        stack.push(root);
        on_stack[root.index()] = true;
        while let Some(&mut (b, ref mut i)) = work.last_mut() {
            let succs = &cfg.succs[b.index()];
            if let Some(&s) = succs.get(*i) {
                *i += 1;
                if !in_region[s.index()] {
                    continue;
                }
                if index[s.index()] == u32::MAX {
                    index[s.index()] = next;
                    low[s.index()] = next;
                    next += 1;
                    stack.push(s);
                    on_stack[s.index()] = true;
                    work.push((s, 0));
                } else if on_stack[s.index()] {
                    low[b.index()] = low[b.index()].min(index[s.index()]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent.index()] = low[parent.index()].min(low[b.index()]);
            }
            if low[b.index()] == index[b.index()] {
                let mut scc = Vec::new();
                while let Some(top) = stack.pop() {
                    on_stack[top.index()] = false;
                    scc.push(top);
                    if top == b {
                        break;
                    }
                }
                let cyclic = scc.len() > 1 || cfg.succs[b.index()].contains(&b);
                if cyclic {
                    scc.sort();
                    found.push(scc);
                }
            }
        }
    }
    found.sort();
    found
}

/// Routes every edge into `entries` through a new dispatch block.
///
/// The function's entry block is never among `entries`: a predecessor from
/// outside a cycle that contains the entry is reachable from the entry and
/// reaches the cycle, so it would be in the cycle; and inside a cycle the
/// entry is the one entry, removed before looking further in.
fn dispatch(func: &mut Function, entries: &[BlockId]) {
    let param_vars: Vec<Vec<VarId>> = entries.iter().map(|&e| params_to_vars(func, e)).collect();
    let dispatch = new_block(func, "dispatch");
    let label = func.new_value(Type::I32, "label", ValueDef::BlockParam(dispatch, 0));
    func.blocks[dispatch.index()].params.push(label);
    let targets: Vec<Edge> = entries.iter().map(|&e| Edge::new(e, vec![])).collect();
    func.blocks[dispatch.index()].term = Some(Terminator::Switch {
        index: label,
        default: targets[0].clone(),
        targets,
    });
    let sources: Vec<BlockId> = func.block_ids().filter(|&b| b != dispatch).collect();
    for source in sources {
        reroute_edges(func, source, entries, &param_vars, dispatch);
    }
}

/// Turns an entry's parameters into variables read at its start.
fn params_to_vars(func: &mut Function, entry: BlockId) -> Vec<VarId> {
    let params = std::mem::take(&mut func.blocks[entry.index()].params);
    let mut vars = Vec::with_capacity(params.len());
    let mut reads = Vec::with_capacity(params.len());
    for value in params {
        let data = func.value(value).clone();
        let var = func.var_id(func.vars.len());
        func.vars.push(Var {
            name: format!("{}.{}", func.blocks[entry.index()].name, data.name),
            ty: data.ty,
            span: data.span,
        });
        vars.push(var);
        reads.push(Inst {
            op: Op::VarGet(var),
            results: vec![value],
            span: data.span,
            loc: LocId::NONE,
        });
    }
    let block = &mut func.blocks[entry.index()];
    block.insts.splice(0..0, reads);
    renumber_defs(func, entry);
    vars
}

/// Records where each instruction result of `block` now sits.
fn renumber_defs(func: &mut Function, block: BlockId) {
    for (index, inst) in func.blocks[block.index()].insts.iter().enumerate() {
        for (result, value) in inst.results.iter().enumerate() {
            func.values[value.index()].def = ValueDef::InstResult {
                block,
                index: index as u32,
                result: result as u32,
            };
        }
    }
}

fn new_block(func: &mut Function, name: &str) -> BlockId {
    func.blocks.push(Block::new(name));
    func.block_id(func.blocks.len() - 1)
}

/// Sends `source`'s edges into an entry to the dispatch block instead,
/// through a trampoline that sets the entry's variables and the label.
fn reroute_edges(
    func: &mut Function,
    source: BlockId,
    entries: &[BlockId],
    param_vars: &[Vec<VarId>],
    dispatch: BlockId,
) {
    let Some(mut term) = func.blocks[source.index()].term.take() else {
        return;
    };
    for edge in term.edges_mut() {
        let Some(i) = entries.iter().position(|&e| e == edge.block) else {
            continue;
        };
        let name = format!(
            "{}.to.{}",
            func.blocks[source.index()].name,
            func.blocks[edge.block.index()].name
        );
        let trampoline = new_block(func, &name);
        let mut insts: Vec<Inst> = edge
            .args
            .iter()
            .zip(&param_vars[i])
            .map(|(&arg, &var)| Inst {
                op: Op::VarSet(var, arg),
                results: vec![],
                span: Span::NONE,
                loc: LocId::NONE,
            })
            .collect();
        let label = func.new_value(
            Type::I32,
            format!("label.{i}"),
            ValueDef::InstResult {
                block: trampoline,
                index: insts.len() as u32,
                result: 0,
            },
        );
        insts.push(Inst {
            op: Op::Const(Const::I32(i as i32)),
            results: vec![label],
            span: Span::NONE,
            loc: LocId::NONE,
        });
        let block = &mut func.blocks[trampoline.index()];
        block.insts = insts;
        block.term = Some(Terminator::Jump(Edge::new(dispatch, vec![label])));
        *edge = Edge::new(trampoline, vec![]);
    }
    func.blocks[source.index()].term = Some(term);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{DomTree, Loops};
    use crate::text::parse_str;
    use crate::verify::verify_module;

    fn is_reducible(func: &Function) -> bool {
        let cfg = Cfg::new(func);
        let dom = DomTree::new(&cfg);
        Loops::new(&cfg, &dom).irreducible_edge.is_none()
    }

    fn transformed(text: &str) -> crate::ir::Module {
        let mut module = parse_str("t.vir", text).expect("parses");
        verify_module(&module).expect("verifies before");
        let func = make_reducible(&module.funcs[0]).into_owned();
        module.funcs[0] = func;
        verify_module(&module).expect("verifies after");
        assert!(is_reducible(&module.funcs[0]));
        module
    }

    #[test]
    fn reducible_functions_are_left_alone() {
        let text = "fn @f(%n: i32) {\nentry:\n  jump l\nl:\n  brif %n, l, x\nx:\n  return\n}\n";
        let module = parse_str("t.vir", text).expect("parses");
        assert!(matches!(make_reducible(&module.funcs[0]), Cow::Borrowed(_)));
    }

    #[test]
    fn two_entry_cycle_gets_one_dispatch_block() {
        let m = transformed(
            "fn @f(%c: i32, %x: i32) -> i32 {\nentry:\n  brif %c, a(%x), b\n\
             a(%p: i32):\n  %d = i32.eqz %p\n  brif %d, out(%p), b\n\
             b:\n  %one = i32.const 1\n  %y = i32.sub %x, %one\n  jump a(%y)\n\
             out(%r: i32):\n  return %r\n}\n",
        );
        let f = &m.funcs[0];
        assert_eq!(f.blocks.iter().filter(|b| b.name == "dispatch").count(), 1);
        assert_eq!(f.vars.len(), 1, "a's parameter became a variable");
    }

    #[test]
    fn a_cycle_through_the_entry_has_one_entry_and_the_inner_one_two() {
        // entry -> {a, b}, a <-> b, b -> entry: the outer loop is headed by
        // `entry`; inside it, `a` and `b` are both entered from `entry`.
        let m = transformed(
            "fn @g(%c: i32) {\nentry:\n  brif %c, a, b\na:\n  brif %c, b, exit\nb:\n  brif %c, a, entry\nexit:\n  return\n}\n",
        );
        let f = &m.funcs[0];
        assert_eq!(f.blocks[0].name, "entry");
        assert_eq!(f.blocks.iter().filter(|b| b.name == "dispatch").count(), 1);
    }

    #[test]
    fn nested_irreducibility_inside_a_loop() {
        transformed(
            "fn @f(%c: i32) {\nentry:\n  jump head\nhead:\n  brif %c, a, b\n\
             a:\n  brif %c, b, latch\nb:\n  brif %c, a, latch\nlatch:\n  brif %c, head, exit\nexit:\n  return\n}\n",
        );
    }
}
