//! Wasm locals for the values that need one, shared between values whose
//! live ranges do not overlap.
//!
//! This is register allocation on SSA with an unbounded register file per
//! type: liveness over the CFG, where block parameters are defined at the
//! start of their block (their edge moves are parallel copies), then greedy
//! coloring in dominator-tree order. SSA interference graphs are chordal, so
//! that order uses as few locals as the live ranges allow. Function
//! parameters keep their locals to themselves, even once dead: a reader
//! of the WAT takes `$n` to mean the parameter `n`. A shared local is named
//! after the first value it holds.

use crate::analysis::{Cfg, DomTree};
use crate::ir::{BlockId, Function, ValueId};

/// The local (color) of each value: parameters first, in order.
pub(super) struct Allocation {
    /// The color of each value that needs a local, by `ValueId`.
    pub colors: Vec<Option<u32>>,
    /// For each color, the value it was first given to (names the local).
    pub first_value: Vec<ValueId>,
}

/// Colors the values for which `needs_local` holds. Without `share`, every
/// value gets a local of its own.
pub(super) fn allocate(func: &Function, needs_local: &[bool], share: bool) -> Allocation {
    let cfg = Cfg::new(func);
    let order = definition_order(func, &cfg);
    let interference = if share {
        Interference::build(func, &cfg, needs_local)
    } else {
        Interference::empty(func.values.len())
    };
    let mut colors: Vec<Option<u32>> = vec![None; func.values.len()];
    let mut first_value: Vec<ValueId> = Vec::new();
    for &param in &func.params {
        colors[param.index()] = Some(first_value.len() as u32);
        first_value.push(param);
    }
    let mut taken = Vec::new();
    for value in order {
        if !needs_local[value.index()] || colors[value.index()].is_some() {
            continue;
        }
        taken.clear();
        taken.resize(first_value.len(), false);
        for &other in &interference.neighbors[value.index()] {
            if let Some(c) = colors[other as usize] {
                taken[c as usize] = true;
            }
        }
        let ty = func.value_type(value);
        // Parameters' own locals are not shared (see the module comment).
        let free = (func.params.len()..first_value.len())
            .find(|&c| share && !taken[c] && func.value_type(first_value[c]) == ty);
        let color = free.unwrap_or_else(|| {
            first_value.push(value);
            first_value.len() - 1
        });
        colors[value.index()] = Some(color as u32);
    }
    Allocation {
        colors,
        first_value,
    }
}

/// Values in dominator-tree preorder of their definitions: parameters, then
/// each block's parameters and results in order.
fn definition_order(func: &Function, cfg: &Cfg) -> Vec<ValueId> {
    let dom = DomTree::new(cfg);
    let mut order = func.params.clone();
    let Some(&entry) = cfg.rpo.first() else {
        return order;
    };
    let mut stack = vec![entry];
    while let Some(block) = stack.pop() {
        let b = func.block(block);
        order.extend(&b.params);
        order.extend(b.insts.iter().flat_map(|i| i.results.iter().copied()));
        // Reversed, so that children are visited in reverse postorder.
        stack.extend(dom.children(block).iter().rev());
    }
    order
}

struct Interference {
    neighbors: Vec<Vec<u32>>,
}

impl Interference {
    fn empty(values: usize) -> Interference {
        Interference {
            neighbors: vec![Vec::new(); values],
        }
    }

    /// Two values interfere when one is live where the other is defined.
    fn build(func: &Function, cfg: &Cfg, needs_local: &[bool]) -> Interference {
        let mut graph = Interference::empty(func.values.len());
        let live_in = live_in(func, cfg, needs_local);
        // One dense set, emptied after each block, keeps this linear.
        let mut live = LiveSet::new(func.values.len());
        for &block in &cfg.rpo {
            for &s in &cfg.succs[block.index()] {
                for &v in &live_in[s.index()] {
                    live.insert(ValueId(v), needs_local);
                }
            }
            graph.scan_block(func, block, needs_local, &mut live);
            live.clear();
        }
        for list in &mut graph.neighbors {
            list.sort_unstable();
            list.dedup();
        }
        graph
    }

    /// Walks a block backwards from its live-out set, recording the
    /// interference of each definition with what is live after it.
    fn scan_block(&mut self, func: &Function, block: BlockId, needs: &[bool], live: &mut LiveSet) {
        let b = func.block(block);
        if let Some(term) = &b.term {
            for v in term.operands() {
                live.insert(v, needs);
            }
        }
        for inst in b.insts.iter().rev() {
            for &r in &inst.results {
                self.define(r, live, needs);
            }
            for &r in &inst.results {
                live.remove(r);
            }
            for v in inst.op.operands() {
                live.insert(v, needs);
            }
        }
        let params: Vec<ValueId> = if block == func.entry() {
            func.params.iter().chain(&b.params).copied().collect()
        } else {
            b.params.clone()
        };
        // All parameters are written together, so they interfere pairwise too.
        for &p in &params {
            live.insert(p, needs);
        }
        for &p in &params {
            self.define(p, live, needs);
        }
    }

    fn define(&mut self, value: ValueId, live: &LiveSet, needs: &[bool]) {
        if !needs[value.index()] {
            return;
        }
        for &other in &live.members {
            if other != value.0 {
                self.neighbors[value.index()].push(other);
                self.neighbors[other as usize].push(value.0);
            }
        }
    }
}

/// A set of values with O(1) insertion, removal and membership.
struct LiveSet {
    /// Position of each member in `members`, or `u32::MAX`.
    position: Vec<u32>,
    members: Vec<u32>,
}

impl LiveSet {
    fn new(values: usize) -> LiveSet {
        LiveSet {
            position: vec![u32::MAX; values],
            members: Vec::new(),
        }
    }

    fn insert(&mut self, v: ValueId, needs: &[bool]) {
        if needs[v.index()] && self.position[v.index()] == u32::MAX {
            self.position[v.index()] = self.members.len() as u32;
            self.members.push(v.0);
        }
    }

    fn remove(&mut self, v: ValueId) {
        let at = self.position[v.index()];
        if at == u32::MAX {
            return;
        }
        self.position[v.index()] = u32::MAX;
        self.members.swap_remove(at as usize);
        if let Some(&moved) = self.members.get(at as usize) {
            self.position[moved as usize] = at;
        }
    }

    fn clear(&mut self) {
        for &m in &self.members {
            self.position[m as usize] = u32::MAX;
        }
        self.members.clear();
    }
}

/// The values live into each block, by walking back from every use to the
/// definition (path exploration, as in SSA register allocators): the cost
/// is the total size of the live ranges, with no fixpoint over the CFG. A
/// block's own parameters are not live into it: its predecessors define
/// them on their edges.
fn live_in(func: &Function, cfg: &Cfg, needs: &[bool]) -> Vec<Vec<u32>> {
    let n = func.blocks.len();
    let def_block = definition_blocks(func);
    let mut live_in: Vec<Vec<u32>> = vec![Vec::new(); n];
    // The last value marked live into each block, so each is marked once.
    let mut marked: Vec<u32> = vec![u32::MAX; n];
    let mut work = Vec::new();
    for (v, uses) in uses_by_value(func, cfg).into_iter().enumerate() {
        let Some(def) = def_block[v] else { continue };
        if !needs[v] {
            continue;
        }
        for used_in in uses {
            if used_in != def {
                work.push(used_in);
            }
        }
        while let Some(block) = work.pop() {
            if marked[block.index()] == v as u32 {
                continue;
            }
            marked[block.index()] = v as u32;
            live_in[block.index()].push(v as u32);
            for &p in &cfg.preds[block.index()] {
                if p != def {
                    work.push(p);
                }
            }
        }
    }
    live_in
}

/// The block where each value is defined (function parameters: the entry).
fn definition_blocks(func: &Function) -> Vec<Option<BlockId>> {
    let mut defs = vec![None; func.values.len()];
    for &p in &func.params {
        defs[p.index()] = Some(func.entry());
    }
    for (b, block) in func.blocks.iter().enumerate() {
        let id = BlockId(b as u32);
        for &v in block
            .params
            .iter()
            .chain(block.insts.iter().flat_map(|i| &i.results))
        {
            defs[v.index()] = Some(id);
        }
    }
    defs
}

/// The reachable blocks that use each value.
fn uses_by_value(func: &Function, cfg: &Cfg) -> Vec<Vec<BlockId>> {
    let mut uses: Vec<Vec<BlockId>> = vec![Vec::new(); func.values.len()];
    for &block in &cfg.rpo {
        let b = func.block(block);
        let operands = b.insts.iter().flat_map(|i| i.op.operands());
        let term = b.term.iter().flat_map(|t| t.operands());
        for v in operands.chain(term) {
            if uses[v.index()].last() != Some(&block) {
                uses[v.index()].push(block);
            }
        }
    }
    uses
}
