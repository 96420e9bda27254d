//! Control-flow analyses of a function: predecessors, reverse postorder, the
//! dominator tree and loop headers.
//!
//! Dominators are computed with the iterative algorithm of Cooper, Harvey and
//! Kennedy ("A Simple, Fast Dominance Algorithm", 2001) over reverse
//! postorder, which is near-linear on the CFGs compilers produce. Dominance
//! queries are O(1) through pre/post numbers of the dominator tree.

use crate::fxhash::FxHashSet;
use crate::ir::{BlockId, Function};

/// Successors, predecessors and a reverse postorder of the reachable blocks.
#[derive(Clone, Debug)]
pub struct Cfg {
    /// Successors of each block, without duplicates, in terminator order.
    pub succs: Vec<Vec<BlockId>>,
    /// Predecessors of each block, without duplicates, reachable ones only.
    pub preds: Vec<Vec<BlockId>>,
    /// The reachable blocks, entry first, in reverse postorder.
    pub rpo: Vec<BlockId>,
    /// Position of each block in `rpo`; `None` for unreachable blocks.
    pub rpo_index: Vec<Option<u32>>,
}

impl Cfg {
    pub fn new(func: &Function) -> Cfg {
        let n = func.blocks.len();
        let succs: Vec<Vec<BlockId>> = func
            .blocks
            .iter()
            .map(|b| {
                let mut s = b.successors();
                dedup_keep_order(&mut s);
                s.retain(|t| t.index() < n);
                s
            })
            .collect();
        let rpo = reverse_postorder(&succs, func.entry());
        let mut rpo_index = vec![None; n];
        for (i, b) in rpo.iter().enumerate() {
            rpo_index[b.index()] = Some(i as u32);
        }
        let mut preds = vec![Vec::new(); n];
        for &b in &rpo {
            for &s in &succs[b.index()] {
                preds[s.index()].push(b);
            }
        }
        Cfg {
            succs,
            preds,
            rpo,
            rpo_index,
        }
    }

    pub fn is_reachable(&self, block: BlockId) -> bool {
        self.rpo_index[block.index()].is_some()
    }

    pub fn rpo_number(&self, block: BlockId) -> u32 {
        self.rpo_index[block.index()].expect("rpo_number of an unreachable block")
    }
}

fn dedup_keep_order(blocks: &mut Vec<BlockId>) {
    if blocks.len() > 16 {
        let mut seen = FxHashSet::default();
        blocks.retain(|b| seen.insert(*b));
        return;
    }
    // A block has a few successors but for a switch: a scan costs less
    // than a hash set per block (Cfg::new runs in several passes).
    let mut kept = 0;
    for i in 0..blocks.len() {
        if !blocks[..kept].contains(&blocks[i]) {
            blocks[kept] = blocks[i];
            kept += 1;
        }
    }
    blocks.truncate(kept);
}

/// Iterative depth-first search, so that deep CFGs do not overflow the stack.
fn reverse_postorder(succs: &[Vec<BlockId>], entry: BlockId) -> Vec<BlockId> {
    let n = succs.len();
    if n == 0 {
        return Vec::new();
    }
    let mut visited = vec![false; n];
    let mut postorder = Vec::with_capacity(n);
    let mut stack = vec![(entry, 0usize)];
    visited[0] = true;
    while let Some((block, next)) = stack.last_mut() {
        if let Some(&succ) = succs[block.index()].get(*next) {
            *next += 1;
            if !visited[succ.index()] {
                visited[succ.index()] = true;
                stack.push((succ, 0));
            }
        } else {
            postorder.push(*block);
            stack.pop();
        }
    }
    postorder.reverse();
    postorder
}

/// The dominator tree of the reachable blocks.
#[derive(Clone, Debug)]
pub struct DomTree {
    idom: Vec<Option<BlockId>>,
    children: Vec<Vec<BlockId>>,
    pre: Vec<u32>,
    post: Vec<u32>,
}

impl DomTree {
    pub fn new(cfg: &Cfg) -> DomTree {
        let n = cfg.succs.len();
        let mut idom: Vec<Option<BlockId>> = vec![None; n];
        if let Some(&entry) = cfg.rpo.first() {
            idom[entry.index()] = Some(entry);
        }
        let mut changed = true;
        while changed {
            changed = false;
            for &b in cfg.rpo.iter().skip(1) {
                let mut new_idom: Option<BlockId> = None;
                for &p in &cfg.preds[b.index()] {
                    if idom[p.index()].is_none() {
                        continue;
                    }
                    new_idom = Some(match new_idom {
                        None => p,
                        Some(cur) => intersect(cfg, &idom, p, cur),
                    });
                }
                if new_idom.is_some() && idom[b.index()] != new_idom {
                    idom[b.index()] = new_idom;
                    changed = true;
                }
            }
        }
        // The entry has no immediate dominator.
        if let Some(&entry) = cfg.rpo.first() {
            idom[entry.index()] = None;
        }
        // Children in reverse postorder, which the lowering relies on.
        let mut children = vec![Vec::new(); n];
        for &b in &cfg.rpo {
            if let Some(parent) = idom[b.index()] {
                children[parent.index()].push(b);
            }
        }
        let (pre, post) = number_tree(cfg, &children, n);
        DomTree {
            idom,
            children,
            pre,
            post,
        }
    }

    /// The immediate dominator; `None` for the entry and unreachable blocks.
    pub fn idom(&self, block: BlockId) -> Option<BlockId> {
        self.idom[block.index()]
    }

    /// Blocks immediately dominated by `block`, in reverse postorder.
    pub fn children(&self, block: BlockId) -> &[BlockId] {
        &self.children[block.index()]
    }

    /// Whether `a` dominates `b` (every block dominates itself). Both must be reachable.
    pub fn dominates(&self, a: BlockId, b: BlockId) -> bool {
        self.pre[a.index()] <= self.pre[b.index()] && self.post[b.index()] <= self.post[a.index()]
    }
}

fn intersect(cfg: &Cfg, idom: &[Option<BlockId>], mut a: BlockId, mut b: BlockId) -> BlockId {
    while a != b {
        while cfg.rpo_number(a) > cfg.rpo_number(b) {
            a = idom[a.index()].expect("processed block has an idom");
        }
        while cfg.rpo_number(b) > cfg.rpo_number(a) {
            b = idom[b.index()].expect("processed block has an idom");
        }
    }
    a
}

/// Pre- and post-order numbers of the dominator tree, without recursion.
fn number_tree(cfg: &Cfg, children: &[Vec<BlockId>], n: usize) -> (Vec<u32>, Vec<u32>) {
    let mut pre = vec![u32::MAX; n];
    let mut post = vec![0; n];
    let Some(&entry) = cfg.rpo.first() else {
        return (pre, post);
    };
    let (mut pre_n, mut post_n) = (0, 0);
    let mut stack = vec![(entry, 0usize)];
    pre[entry.index()] = 0;
    pre_n += 1;
    while let Some((block, next)) = stack.last_mut() {
        if let Some(&child) = children[block.index()].get(*next) {
            *next += 1;
            pre[child.index()] = pre_n;
            pre_n += 1;
            stack.push((child, 0));
        } else {
            post[block.index()] = post_n;
            post_n += 1;
            stack.pop();
        }
    }
    (pre, post)
}

/// Loop structure of a reducible CFG.
#[derive(Clone, Debug)]
pub struct Loops {
    /// Whether each block is the target of a back edge.
    pub is_header: Vec<bool>,
    /// A retreating edge whose target does not dominate its source, if any:
    /// the CFG is then irreducible.
    pub irreducible_edge: Option<(BlockId, BlockId)>,
}

impl Loops {
    pub fn new(cfg: &Cfg, dom: &DomTree) -> Loops {
        let mut is_header = vec![false; cfg.succs.len()];
        let mut irreducible_edge = None;
        for &b in &cfg.rpo {
            for &s in &cfg.succs[b.index()] {
                if cfg.rpo_number(s) <= cfg.rpo_number(b) {
                    if dom.dominates(s, b) {
                        is_header[s.index()] = true;
                    } else if irreducible_edge.is_none() {
                        irreducible_edge = Some((b, s));
                    }
                }
            }
        }
        Loops {
            is_header,
            irreducible_edge,
        }
    }
}

/// The CFG, dominator tree and loops of `func` when its control flow is
/// reducible, `None` when it is not: the loop passes leave an irreducible
/// function alone (the lowering makes it reducible later).
pub fn reducible_loops(func: &Function) -> Option<(Cfg, DomTree, Loops)> {
    let cfg = Cfg::new(func);
    let dom = DomTree::new(&cfg);
    let loops = Loops::new(&cfg, &dom);
    loops
        .irreducible_edge
        .is_none()
        .then_some((cfg, dom, loops))
}

/// The natural loop of `header`: the header, then every block that reaches
/// one of its back edges (a predecessor it dominates) without passing
/// through it, found backwards from those edges. Unordered; reachable
/// blocks only; `None` when it holds more than `limit` blocks, found
/// without looking further. Costs the size of the loop (or `limit`), not
/// of the function, so that a pass bounding it stays linear however deep
/// loops nest.
pub fn natural_loop(
    cfg: &Cfg,
    dom: &DomTree,
    header: BlockId,
    limit: usize,
) -> Option<Vec<BlockId>> {
    let mut body = vec![header];
    let mut seen = FxHashSet::default();
    seen.insert(header);
    let mut work: Vec<BlockId> = (cfg.preds[header.index()].iter())
        .copied()
        .filter(|&p| dom.dominates(header, p))
        .collect();
    while let Some(b) = work.pop() {
        if seen.insert(b) {
            body.push(b);
            if body.len() > limit {
                return None;
            }
            work.extend(cfg.preds[b.index()].iter().copied());
        }
    }
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Block, Edge, FuncId, Linkage, Signature, Terminator};

    /// Block `i` of a function not added to a module: its ids carry tag 0.
    fn block(i: u32) -> BlockId {
        BlockId::new(FuncId(0), i)
    }

    /// A function whose block i jumps to each block in `edges[i]`.
    fn cfg_func(edges: &[&[u32]]) -> Function {
        let mut f = Function::new("f", Signature::default(), Linkage::Private);
        for (i, targets) in edges.iter().enumerate() {
            let mut b = Block::new(format!("b{i}"));
            let edge = |t: u32| Edge::new(block(t), vec![]);
            b.term = Some(match targets {
                [] => Terminator::Return(vec![]),
                [t] => Terminator::Jump(edge(*t)),
                many => Terminator::Switch {
                    index: f.value_id(0),
                    targets: many[1..].iter().map(|t| edge(*t)).collect(),
                    default: edge(many[0]),
                },
            });
            f.blocks.push(b);
        }
        f
    }

    #[test]
    fn diamond_with_loop() {
        // 0 -> 1, 2; 1 -> 3; 2 -> 3; 3 -> 0 (back edge), 4
        let f = cfg_func(&[&[1, 2], &[3], &[3], &[0, 4], &[]]);
        let cfg = Cfg::new(&f);
        let dom = DomTree::new(&cfg);
        assert_eq!(dom.idom(block(3)), Some(block(0)));
        assert_eq!(dom.idom(block(4)), Some(block(3)));
        assert!(dom.dominates(block(0), block(4)));
        assert!(!dom.dominates(block(1), block(3)));
        let loops = Loops::new(&cfg, &dom);
        assert!(loops.is_header[0]);
        assert!(!loops.is_header[3]);
        assert_eq!(loops.irreducible_edge, None);
    }

    #[test]
    fn natural_loops_hold_what_reaches_the_back_edge() {
        // 0 -> 1; 1 -> 2, 4; 2 -> 3; 3 -> 1 (back edge), 2 (inner back edge); 4 exits.
        let f = cfg_func(&[&[1], &[2, 4], &[3], &[1, 2], &[]]);
        let cfg = Cfg::new(&f);
        let dom = DomTree::new(&cfg);
        let mut outer = natural_loop(&cfg, &dom, block(1), 10).expect("small");
        outer.sort();
        assert_eq!(outer, [block(1), block(2), block(3)]);
        assert_eq!(natural_loop(&cfg, &dom, block(1), 2), None);
        let mut inner = natural_loop(&cfg, &dom, block(2), 10).expect("small");
        inner.sort();
        assert_eq!(inner, [block(2), block(3)]);
    }

    #[test]
    fn detects_irreducible_and_unreachable() {
        // 0 -> 1, 2; 1 <-> 2: two entries into the cycle. Block 3 is unreachable.
        let f = cfg_func(&[&[1, 2], &[2], &[1], &[]]);
        let cfg = Cfg::new(&f);
        assert!(!cfg.is_reachable(block(3)));
        let dom = DomTree::new(&cfg);
        assert!(Loops::new(&cfg, &dom).irreducible_edge.is_some());
    }

    #[test]
    fn long_chain_does_not_overflow_the_stack() {
        let n = 200_000u32;
        let edges: Vec<Vec<u32>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let refs: Vec<&[u32]> = edges.iter().map(|v| v.as_slice()).collect();
        let f = cfg_func(&refs);
        let cfg = Cfg::new(&f);
        let dom = DomTree::new(&cfg);
        assert!(dom.dominates(block(0), block(n - 1)));
        assert_eq!(dom.idom(block(n - 1)), Some(block(n - 2)));
    }
}
