//! Wasm locals for the values that need one, shared between values whose
//! live ranges do not overlap.
//!
//! This is register allocation on SSA with an unbounded register file per
//! type: greedy coloring in dominator-tree order, where block parameters are
//! defined at the start of their block (their edge moves are parallel
//! copies). SSA interference graphs are chordal, so that order uses as few
//! locals as the live ranges allow. Function parameters keep their locals to
//! themselves, even once dead: a reader of the WAT takes `$n` to mean the
//! parameter `n`. A shared local is named after the first value it holds.
//!
//! No interference graph is built: in dominator-tree order, the values a
//! definition interferes with and that already have a color are exactly the
//! values live just after it, so one sweep keeps the colors of the live values
//! counted and gives each definition the lowest free one of its type.
//!
//! Liveness is computed on *segments*, maximal straight runs of blocks (each
//! one the only successor of the one before, which is its only predecessor):
//! within a segment a value is live from its definition, or the segment's
//! start, to its last use there, or to the end if it is live out. A long
//! chain of blocks is one segment, so values that stay live across many
//! blocks cost their uses, not the blocks they cross.
//!
//! Values that cross many *branching* blocks (a chain of diamonds, the arms
//! of a switch) are in the live sets of many segments, and those sets as
//! lists would be quadratic in total. So the sets are persistent and
//! hash-consed ([`super::liveset`]): two sets share all but the paths to the
//! values in which they differ, equal sets are one node, and union,
//! difference and symmetric difference cost that difference times the
//! depth of a trie (at most 33). Then:
//!
//! - live-in and live-out per segment come from a backward dataflow. On a
//!   reducible CFG (the lowering makes every CFG reducible first) that is
//!   one backward pass over the forward edges and one pass over the loop
//!   forest, which adds what is live into a loop's header to every segment
//!   of the loop, so the cost does not grow with the nesting depth; on an
//!   irreducible one (the allocator's tests run on raw ones), a worklist,
//!   exact on any CFG. The sets only ever hold values used outside the
//!   segment that defines them;
//! - the sweep moves from one segment to the next in dominator-tree
//!   preorder by releasing and taking only the colors of the values in
//!   which the live set it holds (the last segment's live-out) and the next
//!   live-in differ; a segment that defines nothing needs no colors and is
//!   passed over;
//! - whether a value is live out of the current segment is a membership
//!   query, not a mark on every value of the set.
//!
//! The cost is the instructions, plus a logarithm per definition for the
//! free colors, plus the differences between the live sets of segments
//! that meet on an edge or follow each other in the sweep, times the trie
//! depth (plus, on irreducible CFGs only, the worklist's revisits). On a
//! chain of diamonds, a switch whose arms each use their own value, loops
//! nested deep and long straight chains, that is linear up to the trie
//! depth; the tests hold the `work` measure to a bound on each.
//! The colors are the ones the former allocators gave (tests compare with
//! a reference that builds the interference graph).

use std::collections::{BTreeSet, BinaryHeap};

use super::liveset::{Set, Sets};

use crate::analysis::{Cfg, DomTree};
use crate::ir::{BlockId, Function, Type, ValueId};

/// The local (color) of each value: parameters first, in order.
pub(super) struct Allocation {
    /// The color of each value that needs a local, by `ValueId`.
    pub colors: Vec<Option<u32>>,
    /// For each color, the value it was first given to (names the local).
    pub first_value: Vec<ValueId>,
    /// Nodes visited by the operations on liveness sets plus changes to the
    /// live colors: a measure of the allocator's work, which tests hold to
    /// the input's size.
    #[cfg_attr(not(test), allow(dead_code))]
    pub work: usize,
}

/// Colors the values for which `needs_local` holds. Without `share`, every
/// value gets a local of its own.
pub(super) fn allocate(func: &Function, needs_local: &[bool], share: bool) -> Allocation {
    let cfg = Cfg::new(func);
    let dom = DomTree::new(&cfg);
    let mut colors: Vec<Option<u32>> = vec![None; func.values.len()];
    let mut first_value: Vec<ValueId> = Vec::new();
    for &param in &func.params {
        colors[param.index()] = Some(first_value.len() as u32);
        first_value.push(param);
    }
    if !share {
        for value in definition_order(func, &cfg, &dom) {
            if needs_local[value.index()] && colors[value.index()].is_none() {
                colors[value.index()] = Some(first_value.len() as u32);
                first_value.push(value);
            }
        }
        return Allocation {
            colors,
            first_value,
            work: 0,
        };
    }
    let segments = Segments::new(func, &cfg);
    let liveness = Liveness::new(func, &cfg, &dom, &segments, needs_local);
    let mut sweep = Sweep {
        func,
        needs: needs_local,
        segments: &segments,
        liveness,
        palette: Palette::new(func.params.len()),
        colors,
        first_value,
        live: LiveSet::new(func.values.len()),
        synced: Set::EMPTY,
        seg: u32::MAX,
        pos: 0,
        skip: false,
        last_use: vec![(u32::MAX, 0); func.values.len()],
        work: 0,
    };
    for block in dom_preorder(&cfg, &dom) {
        sweep.block(block);
    }
    Allocation {
        colors: sweep.colors,
        first_value: sweep.first_value,
        work: sweep.work + sweep.liveness.sets.work,
    }
}

/// The reachable blocks in dominator-tree preorder, children in reverse
/// postorder: the order in which definitions get their colors.
fn dom_preorder(cfg: &Cfg, dom: &DomTree) -> Vec<BlockId> {
    let mut order = Vec::with_capacity(cfg.rpo.len());
    let mut stack: Vec<BlockId> = cfg.rpo.first().copied().into_iter().collect();
    while let Some(block) = stack.pop() {
        order.push(block);
        // Reversed, so that children are visited in reverse postorder.
        stack.extend(dom.children(block).iter().rev());
    }
    order
}

/// Values in dominator-tree preorder of their definitions: parameters, then
/// each block's parameters and results in order.
fn definition_order(func: &Function, cfg: &Cfg, dom: &DomTree) -> Vec<ValueId> {
    let mut order = func.params.clone();
    for block in dom_preorder(cfg, dom) {
        let b = func.block(block);
        order.extend(&b.params);
        order.extend(b.insts.iter().flat_map(|i| i.results.iter().copied()));
    }
    order
}

/// Maximal straight runs of reachable blocks: a block continues its
/// predecessor's segment when it is that block's only successor and the
/// block is its only predecessor. Such a block is its predecessor's only
/// child in the dominator tree, so a segment is a contiguous run of the
/// dominator-tree preorder, and its last block's successors all start
/// segments.
struct Segments {
    /// The segment of each reachable block.
    of: Vec<Option<u32>>,
    /// The blocks of each segment, in order.
    blocks: Vec<Vec<BlockId>>,
}

impl Segments {
    fn new(func: &Function, cfg: &Cfg) -> Segments {
        let mut of: Vec<Option<u32>> = vec![None; func.blocks.len()];
        let mut blocks: Vec<Vec<BlockId>> = Vec::new();
        for &block in &cfg.rpo {
            let continues = match cfg.preds[block.index()].as_slice() {
                &[pred] if block != func.entry() && pred != block => {
                    cfg.succs[pred.index()].as_slice() == [block]
                }
                _ => false,
            };
            let seg = if continues {
                // The predecessor comes first in reverse postorder.
                of[cfg.preds[block.index()][0].index()].expect("predecessor has a segment")
            } else {
                blocks.push(Vec::new());
                blocks.len() as u32 - 1
            };
            of[block.index()] = Some(seg);
            blocks[seg as usize].push(block);
        }
        Segments { of, blocks }
    }

    fn head(&self, seg: usize) -> BlockId {
        self.blocks[seg][0]
    }

    fn tail(&self, seg: usize) -> BlockId {
        *self.blocks[seg].last().expect("segments are not empty")
    }
}

/// The values live into and out of each segment, as persistent sets.
/// Function parameters are left out: their locals are never shared.
struct Liveness {
    sets: Sets,
    live_in: Vec<Set>,
    live_out: Vec<Set>,
    /// Whether a segment defines values that need a local.
    defines: Vec<bool>,
}

impl Liveness {
    /// Backward dataflow over the segments: live-out is the union of the
    /// successors' live-in, live-in is live-out less the segment's own
    /// definitions (its blocks' parameters included, which predecessors
    /// define on their edges) plus the values it uses and does not define.
    /// On a reducible CFG (the lowering makes every CFG reducible) that is
    /// one backward pass and one pass over the loop forest; otherwise a
    /// worklist, exact on any CFG.
    fn new(
        func: &Function,
        cfg: &Cfg,
        dom: &DomTree,
        segments: &Segments,
        needs: &[bool],
    ) -> Liveness {
        let n = segments.blocks.len();
        let mut sets = Sets::new();
        let (gen_, kill, defines) = Self::uses_and_definitions(func, segments, needs, &mut sets);
        let of = |b: &BlockId| segments.of[b.index()];
        let succs = (0..n)
            .map(|s| {
                cfg.succs[segments.tail(s).index()]
                    .iter()
                    .filter_map(of)
                    .collect()
            })
            .collect();
        let preds = (0..n)
            .map(|s| {
                cfg.preds[segments.head(s).index()]
                    .iter()
                    .filter_map(of)
                    .collect()
            })
            .collect();
        let mut flow = Flow {
            sets,
            gen_,
            kill,
            succs,
            preds,
        };
        let live_in = match flow.loop_forest(segments, dom) {
            Some(enclosing) => flow.by_loop_forest(&enclosing),
            None => flow.by_worklist(),
        };
        let live_out = (0..n).map(|s| flow.out(s, &live_in, false)).collect();
        Liveness {
            sets: flow.sets,
            live_in,
            live_out,
            defines,
        }
    }

    /// Each segment's upward-exposed uses and the definitions that matter
    /// to the dataflow: those of values used in another segment (the only
    /// ones live sets hold, which keeps the sets' work to them), and
    /// whether it defines any value that needs a local. Only values that
    /// need a local and are defined in a reachable block count.
    fn uses_and_definitions(
        func: &Function,
        segments: &Segments,
        needs: &[bool],
        sets: &mut Sets,
    ) -> (Vec<Set>, Vec<Set>, Vec<bool>) {
        let mut def_seg: Vec<Option<u32>> = vec![None; func.values.len()];
        let mut defines = vec![false; segments.blocks.len()];
        for (seg, blocks) in segments.blocks.iter().enumerate() {
            for &block in blocks {
                let b = func.block(block);
                let results = b.insts.iter().flat_map(|i| &i.results);
                for &v in b.params.iter().chain(results) {
                    def_seg[v.index()] = Some(seg as u32);
                    defines[seg] |= needs[v.index()];
                }
            }
        }
        for &p in &func.params {
            def_seg[p.index()] = None;
        }
        let mut used_elsewhere = vec![false; func.values.len()];
        let mut uses: Vec<u32> = Vec::new();
        let mut gen_ = Vec::with_capacity(segments.blocks.len());
        for (seg, blocks) in segments.blocks.iter().enumerate() {
            uses.clear();
            for &block in blocks {
                let b = func.block(block);
                let operands = b.insts.iter().flat_map(|i| i.op.operands());
                let term = b.term.iter().flat_map(|t| t.operands());
                uses.extend(operands.chain(term).filter_map(|v| {
                    let def = def_seg[v.index()]?;
                    (needs[v.index()] && def != seg as u32).then_some(v.as_u32())
                }));
            }
            uses.sort_unstable();
            uses.dedup();
            for &v in &uses {
                used_elsewhere[v as usize] = true;
            }
            gen_.push(sets.set_of(uses.iter().copied()));
        }
        let mut defs: Vec<Vec<u32>> = vec![Vec::new(); segments.blocks.len()];
        for (v, &elsewhere) in used_elsewhere.iter().enumerate() {
            if let (true, Some(seg)) = (elsewhere, def_seg[v]) {
                defs[seg as usize].push(v as u32);
            }
        }
        let kill = defs.into_iter().map(|d| sets.set_of(d)).collect();
        (gen_, kill, defines)
    }
}

/// The dataflow's equations over the segments, numbered in reverse
/// postorder of their heads.
struct Flow {
    sets: Sets,
    /// Each segment's upward-exposed uses, and definitions of values that
    /// live sets may hold.
    gen_: Vec<Set>,
    kill: Vec<Set>,
    succs: Vec<Vec<u32>>,
    preds: Vec<Vec<u32>>,
}

impl Flow {
    /// The union of the successors' live-in sets; with `forward_only`,
    /// of those later in reverse postorder (not over a back edge).
    fn out(&mut self, s: usize, live_in: &[Set], forward_only: bool) -> Set {
        let mut out = Set::EMPTY;
        for &next in &self.succs[s] {
            if !forward_only || next as usize > s {
                out = self.sets.union(out, live_in[next as usize]);
            }
        }
        out
    }

    fn transfer(&mut self, s: usize, out: Set) -> Set {
        let through = self.sets.difference(out, self.kill[s]);
        self.sets.union(through, self.gen_[s])
    }

    /// The innermost loop around each segment, by its header (a header's
    /// own loop does not count), or `None` if the CFG is irreducible: a
    /// retreating edge to a segment that does not dominate its source.
    /// Headers from last to first collect their bodies by walking back
    /// from their latches; a union-find collapses each loop found into its
    /// header, so that the walk of an outer loop crosses an inner one in
    /// one step (Havlak's construction, restricted to reducible CFGs).
    fn loop_forest(&self, segments: &Segments, dom: &DomTree) -> Option<Vec<Option<u32>>> {
        let n = self.succs.len();
        let mut latches: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (s, succs) in self.succs.iter().enumerate() {
            for &h in succs.iter().filter(|&&h| h as usize <= s) {
                if !dom.dominates(segments.head(h as usize), segments.tail(s)) {
                    return None;
                }
                latches[h as usize].push(s as u32);
            }
        }
        let mut enclosing: Vec<Option<u32>> = vec![None; n];
        let mut rep: Vec<u32> = (0..n as u32).collect();
        let mut stack = Vec::new();
        for h in (0..n as u32)
            .rev()
            .filter(|&h| !latches[h as usize].is_empty())
        {
            stack.extend(latches[h as usize].iter().copied());
            while let Some(x) = stack.pop() {
                let x = find(&mut rep, x);
                if x == h {
                    continue;
                }
                // A segment of this loop, or the header of a loop inside it
                // (then the only way in, so its predecessors stand for all).
                rep[x as usize] = h;
                if enclosing[x as usize].is_none() {
                    enclosing[x as usize] = Some(h);
                }
                stack.extend(self.preds[x as usize].iter().copied());
            }
        }
        Some(enclosing)
    }

    /// Liveness on a reducible CFG in two passes (Boissinot, Hack, Grund,
    /// Dupont de Dinechin and Rastello, "Fast liveness checking for SSA-form
    /// programs" and "Computing liveness sets for SSA-form programs"):
    /// backwards over the forward edges, which form an acyclic graph; then
    /// what is live into a loop's header is live throughout the loop, so
    /// each segment gains what is live into the headers of the loops
    /// around it, accumulated from the outermost in.
    fn by_loop_forest(&mut self, enclosing: &[Option<u32>]) -> Vec<Set> {
        let n = self.succs.len();
        let mut live_in = vec![Set::EMPTY; n];
        for s in (0..n).rev() {
            let out = self.out(s, &live_in, true);
            live_in[s] = self.transfer(s, out);
        }
        // A loop's header comes before the rest of it in this order, so its
        // live-in set is complete when the segments inside take it.
        for s in 0..n {
            if let Some(h) = enclosing[s] {
                live_in[s] = self.sets.union(live_in[s], live_in[h as usize]);
            }
        }
        live_in
    }

    /// Liveness on any CFG: a segment is visited again while a successor's
    /// live-in grows, the latest in reverse postorder first.
    fn by_worklist(&mut self) -> Vec<Set> {
        let n = self.succs.len();
        let mut live_in = vec![Set::EMPTY; n];
        let mut queued = vec![true; n];
        let mut worklist: BinaryHeap<u32> = (0..n as u32).collect();
        while let Some(seg) = worklist.pop() {
            let s = seg as usize;
            queued[s] = false;
            let out = self.out(s, &live_in, false);
            let into = self.transfer(s, out);
            if into == live_in[s] {
                continue;
            }
            live_in[s] = into;
            for &p in &self.preds[s] {
                if !std::mem::replace(&mut queued[p as usize], true) {
                    worklist.push(p);
                }
            }
        }
        live_in
    }
}

/// The representative of `x` in a union-find, halving the path to it.
fn find(rep: &mut [u32], mut x: u32) -> u32 {
    while rep[x as usize] != x {
        let up = rep[rep[x as usize] as usize];
        rep[x as usize] = up;
        x = up;
    }
    x
}

/// The coloring sweep over the blocks in dominator-tree preorder.
struct Sweep<'a> {
    func: &'a Function,
    needs: &'a [bool],
    segments: &'a Segments,
    liveness: Liveness,
    palette: Palette,
    colors: Vec<Option<u32>>,
    first_value: Vec<ValueId>,
    /// The values live at the current point that hold a shareable color.
    live: LiveSet,
    /// The set `live` equals between segments: the live-out set of the
    /// last segment swept.
    synced: Set,
    /// The current segment and position in it (each block's instructions,
    /// then its terminator).
    seg: u32,
    pos: u32,
    /// Whether the current segment is passed over: it defines nothing.
    skip: bool,
    /// Segment and position of each value's last use there.
    last_use: Vec<(u32, u32)>,
    work: usize,
}

impl Sweep<'_> {
    fn block(&mut self, block: BlockId) {
        let seg = self.segments.of[block.index()].expect("reachable block");
        if self.segments.head(seg as usize) == block {
            self.enter_segment(seg);
        }
        if self.skip {
            return;
        }
        let b = self.func.block(block);
        // All parameters are written together, so they interfere pairwise:
        // each stays live while the later ones get their colors.
        for &p in &b.params {
            if self.needs[p.index()] && self.colors[p.index()].is_none() {
                self.color(p, &[]);
                self.occupy(p);
            }
        }
        for &p in &b.params {
            if !self.live_after_definition(p) {
                self.release(p);
            }
        }
        let mut dead_results: Vec<u32> = Vec::new();
        for inst in &b.insts {
            for v in inst.op.operands() {
                self.release_if_last_use(v);
            }
            dead_results.clear();
            for &r in &inst.results {
                if !self.needs[r.index()] || self.colors[r.index()].is_some() {
                    continue;
                }
                // A dead result interferes with what is live after the
                // instruction, the other results included.
                let live = self.live_after_definition(r);
                let c = self.color(r, if live { &dead_results } else { &[] });
                if live {
                    self.occupy(r);
                } else {
                    dead_results.push(c);
                }
            }
            self.pos += 1;
        }
        for v in b.term.iter().flat_map(|t| t.operands()) {
            self.release_if_last_use(v);
        }
        self.pos += 1;
    }

    /// Makes the live colors those of the values live into `seg`, and
    /// records the last uses in it. A segment that defines nothing colors
    /// nothing, so it is passed over and `live` left as it is: what the
    /// next segment needs is computed from `synced` anyway. Otherwise only
    /// the values in which `synced` and the live-in set differ change.
    fn enter_segment(&mut self, seg: u32) {
        self.skip = !self.liveness.defines[seg as usize];
        if self.skip {
            return;
        }
        let (mut leaving, mut entering) = (Vec::new(), Vec::new());
        let live_in = self.liveness.live_in[seg as usize];
        (self.liveness.sets).symmetric_difference(
            self.synced,
            live_in,
            &mut leaving,
            &mut entering,
        );
        for v in leaving {
            self.release(self.func.value_id(v as usize));
        }
        for v in entering {
            self.occupy(self.func.value_id(v as usize));
        }
        // Within the segment, values are released at their last uses
        // unless live out, and definitions live after them are taken:
        // at its end, `live` is its live-out set.
        self.synced = self.liveness.live_out[seg as usize];
        self.seg = seg;
        self.pos = 0;
        let mut pos = 0;
        for &block in &self.segments.blocks[seg as usize] {
            let b = self.func.block(block);
            let operands = b.insts.iter().map(|i| i.op.operands());
            let term = b.term.iter().flat_map(|t| t.operands());
            for vs in operands {
                for v in vs {
                    self.last_use[v.index()] = (seg, pos);
                }
                pos += 1;
            }
            for v in term {
                self.last_use[v.index()] = (seg, pos);
            }
            pos += 1;
        }
    }

    fn live_out(&self, v: ValueId) -> bool {
        let out = self.liveness.live_out[self.seg as usize];
        self.liveness.sets.contains(out, v.as_u32())
    }

    /// Whether a value defined at the current point is used after it.
    fn live_after_definition(&self, v: ValueId) -> bool {
        self.last_use[v.index()].0 == self.seg || self.live_out(v)
    }

    fn release_if_last_use(&mut self, v: ValueId) {
        if self.last_use[v.index()] == (self.seg, self.pos) && !self.live_out(v) {
            self.release(v);
        }
    }

    /// Gives `value` the lowest free color of its type (none of `also_taken`),
    /// or a new one; returns it.
    fn color(&mut self, value: ValueId, also_taken: &[u32]) -> u32 {
        let ty = self.func.value_type(value);
        let c = self.palette.lowest_free(ty, also_taken).unwrap_or_else(|| {
            self.first_value.push(value);
            self.palette.add(ty)
        });
        self.colors[value.index()] = Some(c);
        c
    }

    /// Marks `value` live; its color is taken while it is.
    fn occupy(&mut self, value: ValueId) {
        let Some(c) = self.colors[value.index()] else {
            return;
        };
        if self.palette.is_shared(c) && self.live.insert(value) {
            self.palette.take(c);
            self.work += 1;
        }
    }

    fn release(&mut self, value: ValueId) {
        if self.live.remove(value) {
            let c = self.colors[value.index()].expect("live values have a color");
            self.palette.free(c);
            self.work += 1;
        }
    }
}

/// The colors past the parameters', each with its type and the number of
/// live values holding it, and the free ones by type.
struct Palette {
    params: u32,
    types: Vec<Type>,
    holders: Vec<u32>,
    free: Vec<(Type, BTreeSet<u32>)>,
}

impl Palette {
    fn new(params: usize) -> Palette {
        Palette {
            params: params as u32,
            types: Vec::new(),
            holders: Vec::new(),
            free: Vec::new(),
        }
    }

    /// Parameters' colors are not shared (see the module comment).
    fn is_shared(&self, c: u32) -> bool {
        c >= self.params
    }

    fn free_set(&mut self, ty: Type) -> &mut BTreeSet<u32> {
        let i = match self.free.iter().position(|(t, _)| *t == ty) {
            Some(i) => i,
            None => {
                self.free.push((ty, BTreeSet::new()));
                self.free.len() - 1
            }
        };
        &mut self.free[i].1
    }

    fn lowest_free(&mut self, ty: Type, except: &[u32]) -> Option<u32> {
        let set = self.free.iter().find(|(t, _)| *t == ty).map(|(_, s)| s)?;
        set.iter().copied().find(|c| !except.contains(c))
    }

    /// A new color of type `ty`, free.
    fn add(&mut self, ty: Type) -> u32 {
        let c = self.params + self.types.len() as u32;
        self.types.push(ty);
        self.holders.push(0);
        self.free_set(ty).insert(c);
        c
    }

    fn take(&mut self, c: u32) {
        let i = (c - self.params) as usize;
        self.holders[i] += 1;
        if self.holders[i] == 1 {
            let ty = self.types[i];
            self.free_set(ty).remove(&c);
        }
    }

    fn free(&mut self, c: u32) {
        let i = (c - self.params) as usize;
        self.holders[i] -= 1;
        if self.holders[i] == 0 {
            let ty = self.types[i];
            self.free_set(ty).insert(c);
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

    /// Whether `v` was not a member.
    fn insert(&mut self, v: ValueId) -> bool {
        if self.position[v.index()] != u32::MAX {
            return false;
        }
        self.position[v.index()] = self.members.len() as u32;
        self.members.push(v.as_u32());
        true
    }

    /// Whether `v` was a member.
    fn remove(&mut self, v: ValueId) -> bool {
        let at = self.position[v.index()];
        if at == u32::MAX {
            return false;
        }
        self.position[v.index()] = u32::MAX;
        self.members.swap_remove(at as usize);
        if let Some(&moved) = self.members.get(at as usize) {
            self.position[moved as usize] = at;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testgen::{GenConfig, generate};
    use crate::text::parse_str;

    /// The allocator this one replaced: liveness per block, then an explicit
    /// interference graph, colored in the same order. Its `work` counts the
    /// live-in entries and the edges. The new one must color alike.
    mod reference {
        use super::super::Allocation;
        use crate::analysis::{Cfg, DomTree};
        use crate::ir::{BlockId, Function, ValueId};

        pub(super) fn allocate(func: &Function, needs_local: &[bool], share: bool) -> Allocation {
            let cfg = Cfg::new(func);
            let order = super::definition_order(func, &cfg, &DomTree::new(&cfg));
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
            let live_in: usize = live_in(func, &cfg, needs_local).iter().map(Vec::len).sum();
            let edges: usize = interference.neighbors.iter().map(Vec::len).sum();
            Allocation {
                colors,
                first_value,
                work: live_in + edges,
            }
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
                            live.insert(func.value_id(v as usize), needs_local);
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
            fn scan_block(
                &mut self,
                func: &Function,
                block: BlockId,
                needs: &[bool],
                live: &mut LiveSet,
            ) {
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
                    if other != value.as_u32() {
                        self.neighbors[value.index()].push(other);
                        self.neighbors[other as usize].push(value.as_u32());
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
                    self.members.push(v.as_u32());
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
                let id = func.block_id(b);
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
    }

    /// Values used anywhere: the ones the lowering could give a local.
    fn used(func: &Function) -> Vec<bool> {
        let mut used = vec![false; func.values.len()];
        for b in &func.blocks {
            let ops = b.insts.iter().flat_map(|i| i.op.operands());
            for v in ops.chain(b.term.iter().flat_map(|t| t.operands())) {
                used[v.index()] = true;
            }
        }
        used
    }

    fn assert_same(func: &Function, needs: &[bool]) -> (Allocation, Allocation) {
        let new = allocate(func, needs, true);
        let old = reference::allocate(func, needs, true);
        assert_eq!(new.colors, old.colors, "colors of @{}", func.name);
        assert_eq!(new.first_value, old.first_value, "locals of @{}", func.name);
        (new, old)
    }

    #[test]
    fn colors_like_the_interference_graph_on_generated_programs() {
        let mut functions = 0;
        for seed in 0..300 {
            let module = generate(seed, &GenConfig::default());
            for func in &module.funcs {
                let used = used(func);
                assert_same(func, &used);
                let all = vec![true; func.values.len()];
                assert_same(func, &all);
                // Every other value: dead ones and untracked ones interleave.
                let some: Vec<bool> = (0..func.values.len())
                    .map(|v| v % 2 == 0 && used[v])
                    .collect();
                assert_same(func, &some);
                functions += 1;
            }
        }
        assert!(functions > 300, "{functions} functions");
    }

    /// The hand-written cases (loops nested, irreducible cycles, switches)
    /// as written, before the lowering makes them reducible: the dataflow
    /// takes the loop forest on some, the worklist on others.
    #[test]
    fn colors_like_the_interference_graph_on_the_test_cases() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases");
        let mut paths: Vec<_> = (std::fs::read_dir(dir).expect("tests/cases").flatten())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "vir"))
            .collect();
        paths.sort();
        let (mut reducible, mut irreducible) = (0, 0);
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("readable");
            let module = parse_str("case.vir", &text).expect("parses");
            for func in &module.funcs {
                assert_same(func, &used(func));
                assert_same(func, &vec![true; func.values.len()]);
                let cfg = Cfg::new(func);
                let dom = DomTree::new(&cfg);
                match crate::analysis::Loops::new(&cfg, &dom).irreducible_edge {
                    None => reducible += 1,
                    Some(_) => irreducible += 1,
                }
            }
        }
        assert!(
            reducible > 20 && irreducible > 0,
            "{reducible} and {irreducible}"
        );
    }

    /// `blocks` blocks, each defining a value that the last block uses:
    /// every value stays live across all the blocks after its own.
    fn long_live_ranges(blocks: usize) -> Function {
        let mut text = String::from("pub fn @live(%a: i64) -> i64 {\nentry:\n  jump b0\n");
        for i in 0..blocks {
            text += &format!("b{i}:\n  %k{i} = i64.const {i}\n  %v{i} = i64.xor %a, %k{i}\n");
            text += &format!("  jump b{}\n", i + 1);
        }
        text += &format!("b{blocks}:\n  %s = i64.const 0\n");
        let mut acc = "%s".to_string();
        for i in 0..blocks {
            text += &format!("  %s{i} = i64.add {acc}, %v{i}\n");
            acc = format!("%s{i}");
        }
        text += &format!("  return {acc}\n}}\n");
        let mut module = parse_str("live.vir", &text).expect("parses");
        module.funcs.pop().expect("one function")
    }

    fn parse_one(text: &str) -> Function {
        let mut module = parse_str("shape.vir", text).expect("parses");
        module.funcs.pop().expect("one function")
    }

    /// The entry defines `n` values, then `n` diamonds follow (a head
    /// branching to two arms that join at the next head), then a block uses
    /// all the values: each is live into every block of every diamond.
    fn diamond_chain(n: usize) -> Function {
        let mut text = String::from("pub fn @d(%a: i64) -> i64 {\nentry:\n");
        for i in 0..n {
            text += &format!("  %k{i} = i64.const {i}\n  %v{i} = i64.xor %a, %k{i}\n");
        }
        text += "  %one = i64.const 1\n  jump h0(%a)\n";
        for i in 0..n {
            let j = i + 1;
            text += &format!("h{i}(%acc{i}: i64):\n  %c{i} = i64.lt_u %acc{i}, %one\n");
            text += &format!("  brif %c{i}, l{i}, r{i}\n");
            text += &format!("l{i}:\n  %x{i} = i64.add %acc{i}, %one\n  jump h{j}(%x{i})\n");
            text += &format!("r{i}:\n  jump h{j}(%acc{i})\n");
        }
        text += &format!("h{n}(%acc{n}: i64):\n");
        let mut acc = format!("%acc{n}");
        for i in 0..n {
            text += &format!("  %s{i} = i64.add {acc}, %v{i}\n");
            acc = format!("%s{i}");
        }
        parse_one(&(text + &format!("  return {acc}\n}}\n")))
    }

    /// The entry defines `n` values and switches to `n` arms, arm i using
    /// value i, before the arms join.
    fn switch_arms(n: usize) -> Function {
        let mut text = String::from("pub fn @s(%a: i64, %i: i32) -> i64 {\nentry:\n");
        for i in 0..n {
            text += &format!("  %k{i} = i64.const {i}\n  %v{i} = i64.xor %a, %k{i}\n");
        }
        let arms: Vec<String> = (0..n).map(|i| format!("arm{i}")).collect();
        text += &format!("  switch %i, [{}], join(%a)\n", arms.join(", "));
        for i in 0..n {
            text += &format!("arm{i}:\n  %w{i} = i64.add %v{i}, %a\n  jump join(%w{i})\n");
        }
        parse_one(&(text + "join(%r: i64):\n  return %r\n}\n"))
    }

    /// Colors like the reference on `shape(small)`, and takes work within
    /// `per_value` units per value on `shape(small)` and `shape(10 * small)`.
    fn check_linear(shape: fn(usize) -> Function, small: usize, per_value: usize) {
        let func = shape(small);
        let (new, old) = assert_same(&func, &vec![true; func.values.len()]);
        assert_same(&func, &used(&func));
        let bound = per_value * func.values.len();
        assert!(new.work <= bound, "{} > {bound}", new.work);
        // The reference's interference graph is quadratic here.
        assert!(old.work > 4 * bound, "the reference did {}", old.work);
        let big = shape(10 * small);
        let alloc = allocate(&big, &vec![true; big.values.len()], true);
        let bound = per_value * big.values.len();
        assert!(alloc.work <= bound, "{} > {bound}", alloc.work);
        // A tenfold input: ten times the values, each one a few bits deeper
        // in the tries.
        assert!(
            alloc.work <= 13 * new.work,
            "{} after {}",
            alloc.work,
            new.work
        );
    }

    /// Loops nested `depth` deep, the exit of each the latch of the one
    /// around it (`gen_ir --nest`): each loop's counter is live throughout
    /// the loops inside it, and an iterated dataflow would revisit them.
    fn nested_loops(depth: usize) -> Function {
        let mut text = String::from("pub fn @nest(%a: i64) -> i64 {\nentry:\n");
        text += "  %zero = i64.const 0\n  %one = i64.const 1\n  %two = i64.const 2\n";
        text += "  jump h0(%zero, %a)\n";
        for k in 0..depth {
            text += &format!("h{k}(%i{k}: i64, %acc{k}: i64):\n  %c{k} = i64.lt_u %i{k}, %two\n");
            text += &format!("  brif %c{k}, body{k}, exit{k}\nbody{k}:\n");
            if k + 1 < depth {
                text += &format!("  jump h{}(%zero, %acc{k})\n", k + 1);
            } else {
                text += &format!("  %n{k} = i64.add %i{k}, %one\n  jump h{k}(%n{k}, %acc{k})\n");
            }
            text += &format!("exit{k}:\n");
            if k == 0 {
                text += &format!("  return %acc{k}\n");
            } else {
                let p = k - 1;
                text += &format!("  %e{k} = i64.add %i{p}, %one\n  jump h{p}(%e{k}, %acc{k})\n");
            }
        }
        parse_one(&(text + "}\n"))
    }

    #[test]
    fn nested_loops_take_linear_work() {
        let small = nested_loops(100);
        let (new, _) = assert_same(&small, &vec![true; small.values.len()]);
        let big = nested_loops(1_000);
        let alloc = allocate(&big, &vec![true; big.values.len()], true);
        assert!(alloc.work <= 60 * big.values.len(), "{}", alloc.work);
        assert!(
            alloc.work <= 13 * new.work,
            "{} after {}",
            alloc.work,
            new.work
        );
    }

    #[test]
    fn values_live_across_a_chain_of_diamonds_take_linear_work() {
        check_linear(diamond_chain, 1_000, 60);
    }

    #[test]
    fn a_switch_to_arms_using_one_value_each_takes_linear_work() {
        check_linear(switch_arms, 1_000, 60);
    }

    #[test]
    fn long_live_ranges_take_linear_work() {
        // The bound: a few units of work per value. The interference graph
        // of this shape has blocks² / 2 edges.
        let bound = |func: &Function| 8 * func.values.len();
        let small = long_live_ranges(2_000);
        let needs = vec![true; small.values.len()];
        let (new, old) = assert_same(&small, &needs);
        assert!(
            new.work <= bound(&small),
            "{} > {}",
            new.work,
            bound(&small)
        );
        assert!(
            old.work > 100 * bound(&small),
            "the old allocator did {}",
            old.work
        );

        let big = long_live_ranges(20_000);
        let needs = vec![true; big.values.len()];
        let alloc = allocate(&big, &needs, true);
        assert!(
            alloc.work <= bound(&big),
            "{} > {}",
            alloc.work,
            bound(&big)
        );
        // All 20,000 values are live at once in the last block, so each
        // has a local of its own; the constants' locals are reused.
        let v_locals: std::collections::HashSet<Option<u32>> = (big.values.iter())
            .zip(&alloc.colors)
            .filter(|(d, _)| d.name.trim_start_matches('%').starts_with('v'))
            .map(|(_, c)| *c)
            .collect();
        assert_eq!(v_locals.len(), 20_000);
        assert!(
            alloc.first_value.len() <= 20_000 + 3,
            "{} locals",
            alloc.first_value.len()
        );
    }
}
