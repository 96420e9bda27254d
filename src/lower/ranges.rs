//! Value ranges: a signed interval for each i32 and i64 value of a
//! function, valid wherever the value is available, and narrower ones
//! where a dominating `brif` tested it. The passes that widen i32 indices
//! to pointers ([`super::widen`]) ask it whether an i32 sum can wrap.
//!
//! What it knows: constants; `add`, `sub`, `mul` and shifts by constants
//! (computed exactly in 128 bits, the full range of the type when the
//! exact result leaves it: the operation may wrap); `and` with a
//! non-negative operand, `rem`, `shr`, extensions and wraps, narrow
//! unsigned loads, comparisons, `select`s; block parameters (the union of
//! what each edge passes, the argument narrowed by the edge's own `brif`
//! condition: `brif (n > 160), j(160), j(n)` gives `j`'s parameter at most
//! 160). A comparison `a < b` that guards a block narrows both operands in
//! the blocks that only its true edge reaches (`a <= max b - 1`, `b >= min
//! a + 1`), and its negation on the false edge; these facts hold in every
//! block the edge's target dominates.
//!
//! Loops: a loop header's parameter whose back edges pass it plus a
//! non-negative constant (or itself) is assumed to stay at or above what
//! the entry edges pass (at or below, for steps that are not positive):
//! an induction variable `k` from 0, stepped by 1, gets `[0, i32::MAX]` at
//! the header and `[0, max n - 1]` in a body entered when `k < n`. The
//! assumption is what the rule below checks, not a guess left standing.
//!
//! Why it is exact (the rule): the analysis walks the reachable blocks once
//! in reverse postorder, so every block's dominators and forward
//! predecessors come before it; a value's range is computed from its
//! operands' ranges where it is defined, and holds for every execution
//! provided that every parameter's assumed range held whenever control
//! entered its block. After the walk each assumption is checked against
//! every edge into its block (the argument's range there, as computed,
//! must lie inside it): when all hold, they hold for every execution, by
//! induction on the number of edges taken. A failed assumption is dropped
//! (its parameter gets the full range) and the walk is done again; after
//! [`MAX_ROUNDS`] walks a last one assumes nothing. So the cost is a
//! bounded number of linear walks, plus the facts each query looks at (at
//! most [`MAX_FACTS`] up the dominator tree: a deeper fact is ignored,
//! which only widens a range). Unknown values (floats, pointers, loads,
//! calls, unreachable code) have the full range of their type.

use crate::analysis::{Cfg, DomTree};
use crate::ir::{
    BinaryOp, BlockId, CmpOp, Const, ConvKind, Function, Op, Terminator, Type, UnaryOp, ValueDef,
    ValueId,
};

/// Walks that may make assumptions; one more makes none.
const MAX_ROUNDS: usize = 3;
/// Facts a query looks at, from the innermost dominating `brif` out.
const MAX_FACTS: usize = 64;

/// A signed interval `lo..=hi` (never empty).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub lo: i64,
    pub hi: i64,
}

impl Range {
    pub fn new(lo: i64, hi: i64) -> Range {
        Range { lo, hi }
    }

    pub fn constant(c: i64) -> Range {
        Range { lo: c, hi: c }
    }

    /// Every value of `ty` (i32 or i64).
    pub fn full(ty: Type) -> Range {
        match ty {
            Type::I32 => Range::new(i32::MIN.into(), i32::MAX.into()),
            _ => Range::new(i64::MIN, i64::MAX),
        }
    }

    /// The exact interval `lo..=hi` when it fits in `ty`, else all of `ty`
    /// (the operation that gave it may wrap).
    pub fn exact(lo: i128, hi: i128, ty: Type) -> Range {
        let full = Range::full(ty);
        if lo >= full.lo.into() && hi <= full.hi.into() && lo <= hi {
            Range::new(lo as i64, hi as i64)
        } else {
            full
        }
    }

    pub fn union(self, other: Range) -> Range {
        Range::new(self.lo.min(other.lo), self.hi.max(other.hi))
    }

    /// The intersection, or `self` when it is empty (an edge that cannot
    /// be taken: any range is right there).
    pub fn meet(self, other: Range) -> Range {
        let (lo, hi) = (self.lo.max(other.lo), self.hi.min(other.hi));
        if lo <= hi { Range::new(lo, hi) } else { self }
    }

    pub fn contains(self, other: Range) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }

    pub fn non_negative(self) -> bool {
        self.lo >= 0
    }
}

/// The types the analysis gives ranges to.
fn tracked(ty: Type) -> bool {
    matches!(ty, Type::I32 | Type::I64)
}

/// One fact: `value` lies in `range`; `parent` is the next fact out.
#[derive(Clone, Copy, Debug)]
struct Fact {
    value: ValueId,
    range: Range,
    parent: Option<u32>,
}

/// The ranges of a function's i32 and i64 values.
#[derive(Debug)]
pub struct Ranges {
    def: Vec<Range>,
    facts: Vec<Fact>,
    /// The innermost fact holding on entry to each block.
    block_facts: Vec<Option<u32>>,
}

impl Ranges {
    /// The ranges of `func`, whose CFG and dominator tree are given.
    pub fn new(func: &Function, cfg: &Cfg, dom: &DomTree) -> Ranges {
        let mut allowed = vec![true; func.values.len()];
        for round in 0..=MAX_ROUNDS {
            if round == MAX_ROUNDS {
                allowed.fill(false);
            }
            let mut walk = Walk::new(func, cfg, dom, &allowed);
            walk.run();
            let failed = walk.failed_assumptions();
            if failed.is_empty() {
                return walk.ranges;
            }
            for v in failed {
                allowed[v.index()] = false;
            }
        }
        unreachable!("the last round assumes nothing")
    }

    /// The range of `v` wherever it is available (`None`: not an i32 or
    /// i64 value).
    pub fn of(&self, func: &Function, v: ValueId) -> Option<Range> {
        tracked(func.value_type(v)).then(|| self.def[v.index()])
    }

    /// The range of `v` in `block` (where `v` must be available), narrowed
    /// by the conditions that guard the block.
    pub fn at(&self, func: &Function, v: ValueId, block: BlockId) -> Option<Range> {
        let mut range = self.of(func, v)?;
        let mut next = self.block_facts.get(block.index()).copied().flatten();
        for _ in 0..MAX_FACTS {
            let Some(index) = next else { break };
            let fact = self.facts[index as usize];
            if fact.value == v {
                range = range.meet(fact.range);
            }
            next = fact.parent;
        }
        Some(range)
    }

    /// Whether `a + b` (or `a - b` when `sub`), i32 or i64, computed in
    /// `block`, is the exact sum: it cannot wrap.
    pub fn sum_is_exact(
        &self,
        func: &Function,
        a: ValueId,
        b: ValueId,
        sub: bool,
        block: BlockId,
    ) -> bool {
        let (Some(ra), Some(rb)) = (self.at(func, a, block), self.at(func, b, block)) else {
            return false;
        };
        let ty = func.value_type(a);
        let full = Range::full(ty);
        let (lo, hi) = if sub {
            (ra.lo as i128 - rb.hi as i128, ra.hi as i128 - rb.lo as i128)
        } else {
            (ra.lo as i128 + rb.lo as i128, ra.hi as i128 + rb.hi as i128)
        };
        lo >= full.lo.into() && hi <= full.hi.into()
    }
}

/// One walk over the function.
struct Walk<'a> {
    func: &'a Function,
    cfg: &'a Cfg,
    dom: &'a DomTree,
    allowed: &'a [bool],
    ranges: Ranges,
    visited: Vec<bool>,
    /// The parameters given an assumed range.
    assumed: Vec<ValueId>,
}

impl<'a> Walk<'a> {
    fn new(func: &'a Function, cfg: &'a Cfg, dom: &'a DomTree, allowed: &'a [bool]) -> Self {
        let def = (func.values.iter()).map(|v| Range::full(v.ty)).collect();
        Walk {
            func,
            cfg,
            dom,
            allowed,
            ranges: Ranges {
                def,
                facts: Vec::new(),
                block_facts: vec![None; func.blocks.len()],
            },
            visited: vec![false; func.blocks.len()],
            assumed: Vec::new(),
        }
    }

    fn run(&mut self) {
        for &b in &self.cfg.rpo {
            self.enter(b);
            self.params(b);
            for inst in &self.func.block(b).insts {
                if let [r] = inst.results[..]
                    && tracked(self.func.value_type(r))
                {
                    let range = self.transfer(&inst.op, b, self.func.value_type(r));
                    self.ranges.def[r.index()] = range;
                }
            }
            self.visited[b.index()] = true;
        }
    }

    fn at(&self, v: ValueId, b: BlockId) -> Option<Range> {
        self.ranges.at(self.func, v, b)
    }

    /// The facts on entry to `b`: its dominator's, and those of the edge
    /// from its only predecessor.
    fn enter(&mut self, b: BlockId) {
        let preds = &self.cfg.preds[b.index()];
        let from_idom = (self.dom.idom(b))
            .filter(|&d| d != b)
            .and_then(|d| self.ranges.block_facts[d.index()]);
        self.ranges.block_facts[b.index()] = from_idom;
        if let [p] = preds[..]
            && p != b
            && let Some(term) = &self.func.block(p).term
            && term.edges().filter(|e| e.block == b).count() == 1
        {
            let nth = term.edges().position(|e| e.block == b).unwrap_or(0);
            let head = self.ranges.block_facts[p.index()];
            let facts = self.edge_facts(p, term, nth);
            let mut parent = head;
            for (value, range) in facts {
                self.ranges.facts.push(Fact {
                    value,
                    range,
                    parent,
                });
                parent = Some(self.ranges.facts.len() as u32 - 1);
            }
            self.ranges.block_facts[b.index()] = parent;
        }
    }

    /// What taking the `nth` edge of `term` (in block `p`) tells about
    /// values: a `brif` on a comparison narrows its operands.
    fn edge_facts(&self, p: BlockId, term: &Terminator, nth: usize) -> Vec<(ValueId, Range)> {
        let Terminator::BrIf { cond, .. } = term else {
            return Vec::new();
        };
        let taken = nth == 0;
        if let Some(facts) = self.comparison_facts(p, *cond, taken) {
            return facts;
        }
        let Some(op) = super::unroll::def_op(self.func, *cond) else {
            return Vec::new();
        };
        match *op {
            Op::Unary(UnaryOp::Eqz, ty, _) if tracked(ty) && !taken => {
                // `eqz a` false: a != 0, nothing an interval says.
                Vec::new()
            }
            Op::Unary(UnaryOp::Eqz, ty, a) if tracked(ty) => vec![(a, Range::constant(0))],
            _ if !taken => vec![(*cond, Range::constant(0))],
            _ => Vec::new(),
        }
    }

    /// The parameters' ranges: the union over the edges into `b`, or, at a
    /// block some of whose predecessors come later (a loop header), an
    /// assumption to check.
    fn params(&mut self, b: BlockId) {
        let params = &self.func.block(b).params;
        let later = (self.cfg.preds[b.index()].iter()).any(|p| !self.visited[p.index()]);
        for (n, &v) in params.iter().enumerate() {
            let ty = self.func.value_type(v);
            if !tracked(ty) {
                continue;
            }
            let entry = self.incoming(b, n, true);
            let range = match entry {
                None => Range::full(ty),
                Some(entry) if !later => entry,
                Some(entry) => match self.allowed[v.index()].then(|| self.assume(b, v, entry)) {
                    Some(Some(r)) => {
                        self.assumed.push(v);
                        r
                    }
                    _ => Range::full(ty),
                },
            };
            self.ranges.def[v.index()] = range;
        }
    }

    /// The union of what the edges into `b` pass for its `n`th parameter,
    /// from the visited predecessors only when `visited_only`, else from
    /// all (`None` when no edge or an argument is missing).
    fn incoming(&self, b: BlockId, n: usize, visited_only: bool) -> Option<Range> {
        let mut union: Option<Range> = None;
        for &p in &self.cfg.preds[b.index()] {
            if visited_only && !self.visited[p.index()] {
                continue;
            }
            let term = self.func.block(p).term.as_ref()?;
            for (nth, edge) in term.edges().enumerate().filter(|(_, e)| e.block == b) {
                let arg = *edge.args.get(n)?;
                let mut range = self.at(arg, p)?;
                for (v, fact) in self.edge_facts(p, term, nth) {
                    if v == arg {
                        range = range.meet(fact);
                    }
                }
                union = Some(union.map_or(range, |u| u.union(range)));
            }
        }
        union
    }

    /// The range assumed for the parameter `v` of the loop header `b`
    /// whose entry edges pass `entry`: when every later edge passes `v`
    /// plus or minus a constant, all steps of one sign, the side of
    /// `entry` the steps go to.
    fn assume(&self, b: BlockId, v: ValueId, entry: Range) -> Option<Range> {
        let ValueDef::BlockParam(_, n) = self.func.value(v).def else {
            return None;
        };
        let ty = self.func.value_type(v);
        let (mut up, mut down) = (false, false);
        for &p in &self.cfg.preds[b.index()] {
            if self.visited[p.index()] {
                continue;
            }
            let term = self.func.block(p).term.as_ref()?;
            for edge in term.edges().filter(|e| e.block == b) {
                let step = self.step(v, *edge.args.get(n as usize)?)?;
                up |= step > 0;
                down |= step < 0;
            }
        }
        let full = Range::full(ty);
        match (up, down) {
            (false, false) => Some(entry),
            (true, false) => Some(Range::new(entry.lo, full.hi)),
            (false, true) => Some(Range::new(full.lo, entry.hi)),
            (true, true) => None,
        }
    }

    /// The constant `arg - v` when `arg` is `v`, `v + c`, `c + v` or `v - c`.
    fn step(&self, v: ValueId, arg: ValueId) -> Option<i128> {
        if arg == v {
            return Some(0);
        }
        let konst = |x: ValueId| const_value(self.func, x).map(i128::from);
        match *super::unroll::def_op(self.func, arg)? {
            Op::Binary(BinaryOp::Add, _, a, c) if a == v => konst(c),
            Op::Binary(BinaryOp::Add, _, c, a) if a == v => konst(c),
            Op::Binary(BinaryOp::Sub, _, a, c) if a == v => konst(c).map(|c| -c),
            _ => None,
        }
    }

    /// The assumed parameters that an edge into their block contradicts.
    fn failed_assumptions(&self) -> Vec<ValueId> {
        let mut failed = Vec::new();
        for &v in &self.assumed {
            let ValueDef::BlockParam(b, n) = self.func.value(v).def else {
                continue;
            };
            let all = self.incoming(b, n as usize, false);
            if !all.is_some_and(|r| self.ranges.def[v.index()].contains(r)) {
                failed.push(v);
            }
        }
        failed
    }

    /// `range`, of `v`, narrowed by what `cond` (a comparison) being
    /// `holds` tells about `v`: the arm of a `select` is picked only when
    /// its condition says so (`select %n > 20, 20, %n` is at most 20).
    fn narrowed(&self, b: BlockId, cond: ValueId, holds: bool, v: ValueId, range: Range) -> Range {
        let facts = self.comparison_facts(b, cond, holds).unwrap_or_default();
        (facts.into_iter())
            .filter(|&(fact_of, _)| fact_of == v)
            .fold(range, |range, (_, fact)| range.meet(fact))
    }

    /// What `cond` being `holds` (true or false), in block `b`, tells about
    /// its operands, when it is a comparison of a tracked type (`None`
    /// otherwise; no facts when an operand's range is not known there).
    fn comparison_facts(
        &self,
        b: BlockId,
        cond: ValueId,
        holds: bool,
    ) -> Option<Vec<(ValueId, Range)>> {
        let &Op::Compare(cmp, ty, x, y) = super::unroll::def_op(self.func, cond)? else {
            return None;
        };
        if !tracked(ty) {
            return None;
        }
        let (Some(rx), Some(ry)) = (self.at(x, b), self.at(y, b)) else {
            return Some(Vec::new());
        };
        let cmp = if holds { cmp } else { negate(cmp) };
        Some(compare_facts(cmp, ty, (x, rx), (y, ry)))
    }

    /// The range of the result of `op`, in block `b`, of type `ty`.
    fn transfer(&self, op: &Op, b: BlockId, ty: Type) -> Range {
        let full = Range::full(ty);
        let at = |v: ValueId| self.at(v, b);
        match *op {
            Op::Const(k) => match k {
                Const::I32(c) => Range::constant(c.into()),
                Const::I64(c) => Range::constant(c),
                _ => full,
            },
            Op::Binary(op, t, x, y) if t == ty => match (at(x), at(y)) {
                (Some(rx), Some(ry)) => binary(op, ty, rx, ry),
                _ => full,
            },
            Op::Compare(..) => Range::new(0, 1),
            Op::Unary(UnaryOp::Eqz, ..) => Range::new(0, 1),
            Op::Unary(UnaryOp::Clz | UnaryOp::Ctz | UnaryOp::Popcnt, t, _) => {
                Range::new(0, if t == Type::I32 { 32 } else { 64 })
            }
            Op::Convert(conv, x) => match at(x) {
                Some(rx) => convert(conv.kind, conv.from, ty, rx),
                None => full,
            },
            Op::Select {
                cond,
                if_true,
                if_false,
                ..
            } => match (at(if_true), at(if_false)) {
                (Some(a), Some(c)) => {
                    let a = self.narrowed(b, cond, true, if_true, a);
                    let c = self.narrowed(b, cond, false, if_false, c);
                    a.union(c)
                }
                _ => full,
            },
            Op::Load { access, .. } => match access.narrow {
                Some(n) if n.bits < 64 && !n.signed => Range::new(0, (1i64 << n.bits) - 1),
                Some(n) if n.bits < 64 => {
                    Range::new(-(1i64 << (n.bits - 1)), (1i64 << (n.bits - 1)) - 1)
                }
                _ => full,
            },
            _ => full,
        }
    }
}

/// The negation of an integer comparison.
fn negate(cmp: CmpOp) -> CmpOp {
    use CmpOp::*;
    match cmp {
        Eq => Ne,
        Ne => Eq,
        LtS => GeS,
        GeS => LtS,
        GtS => LeS,
        LeS => GtS,
        LtU => GeU,
        GeU => LtU,
        GtU => LeU,
        LeU => GtU,
        // Float comparisons are not tracked.
        other => other,
    }
}

/// What `a cmp b` being true tells about `a` and `b`.
fn compare_facts(
    cmp: CmpOp,
    ty: Type,
    (a, ra): (ValueId, Range),
    (b, rb): (ValueId, Range),
) -> Vec<(ValueId, Range)> {
    use CmpOp::*;
    let full = Range::full(ty);
    // `x < y` (strict) or `x <= y`, signed.
    let below = |x: ValueId, rx: Range, y: ValueId, ry: Range, strict: bool| {
        let d = i64::from(strict);
        let mut facts = Vec::new();
        if ry.hi > full.lo || !strict {
            facts.push((x, Range::new(full.lo, ry.hi - d)));
        }
        if rx.lo < full.hi || !strict {
            facts.push((y, Range::new(rx.lo + d, full.hi)));
        }
        facts
    };
    // `x <u y` (strict) or `x <=u y` with `y` non-negative: `x` too.
    let below_u = |x: ValueId, y: ValueId, ry: Range, strict: bool| {
        let d = i64::from(strict);
        if ry.non_negative() && ry.hi - d >= 0 {
            vec![(x, Range::new(0, ry.hi - d))]
        } else {
            let _ = y;
            Vec::new()
        }
    };
    match cmp {
        LtS => below(a, ra, b, rb, true),
        LeS => below(a, ra, b, rb, false),
        GtS => below(b, rb, a, ra, true),
        GeS => below(b, rb, a, ra, false),
        LtU => below_u(a, b, rb, true),
        LeU => below_u(a, b, rb, false),
        GtU => below_u(b, a, ra, true),
        GeU => below_u(b, a, ra, false),
        Eq => vec![(a, rb), (b, ra)],
        _ => Vec::new(),
    }
}

/// The range of `x op y` of type `ty`.
fn binary(op: BinaryOp, ty: Type, x: Range, y: Range) -> Range {
    let full = Range::full(ty);
    let bits = if ty == Type::I32 { 32 } else { 64 };
    let (xl, xh, yl, yh) = (x.lo as i128, x.hi as i128, y.lo as i128, y.hi as i128);
    match op {
        BinaryOp::Add => Range::exact(xl + yl, xh + yh, ty),
        BinaryOp::Sub => Range::exact(xl - yh, xh - yl, ty),
        BinaryOp::Mul => {
            let corners = [xl * yl, xl * yh, xh * yl, xh * yh];
            let lo = corners.iter().copied().min().unwrap_or(0);
            let hi = corners.iter().copied().max().unwrap_or(0);
            Range::exact(lo, hi, ty)
        }
        BinaryOp::Shl if y.lo == y.hi => {
            let s = (y.lo as u64 % bits) as u32;
            Range::exact(xl << s, xh << s, ty)
        }
        BinaryOp::ShrS if y.lo == y.hi => {
            let s = (y.lo as u64 % bits) as u32;
            Range::new(x.lo >> s, x.hi >> s)
        }
        BinaryOp::ShrU if y.lo == y.hi && !(y.lo as u64).is_multiple_of(bits) => {
            let s = (y.lo as u64 % bits) as u32;
            if x.non_negative() {
                Range::new(x.lo >> s, x.hi >> s)
            } else {
                Range::new(0, (((1u128 << bits) - 1) >> s) as i64)
            }
        }
        BinaryOp::And => match (x.non_negative(), y.non_negative()) {
            (true, true) => Range::new(0, x.hi.min(y.hi)),
            (true, false) => Range::new(0, x.hi),
            (false, true) => Range::new(0, y.hi),
            (false, false) => full,
        },
        BinaryOp::RemU if y.non_negative() && y.hi > 0 => {
            let hi = if x.non_negative() {
                x.hi.min(y.hi - 1)
            } else {
                y.hi - 1
            };
            Range::new(0, hi)
        }
        BinaryOp::RemS => {
            // |x rem y| < |y| and <= |x|, of the sign of x.
            let m = yl.abs().max(yh.abs()) - 1;
            let lo = if x.lo >= 0 { 0 } else { (-m).max(xl) };
            let hi = if x.hi <= 0 { 0 } else { m.min(xh) };
            Range::exact(lo.min(hi), hi.max(lo), ty)
        }
        BinaryOp::DivU if x.non_negative() && y.lo > 0 => Range::new(x.lo / y.hi, x.hi / y.lo),
        _ => full,
    }
}

/// The range of a conversion of `x` (of type `from`) to `to`.
fn convert(kind: ConvKind, from: Type, to: Type, x: Range) -> Range {
    let full = Range::full(to);
    if !tracked(from) {
        return full;
    }
    match kind {
        ConvKind::ExtendS => x,
        ConvKind::ExtendU if x.non_negative() => x,
        ConvKind::ExtendU => Range::new(0, u32::MAX.into()),
        ConvKind::Wrap if Range::full(Type::I32).contains(x) => x,
        ConvKind::ExtendLowS(bits) if bits < 64 => {
            let half = 1i64 << (bits - 1);
            let low = Range::new(-half, half - 1);
            if low.contains(x) { x } else { low }
        }
        _ => full,
    }
}

/// The value of an i32 or i64 constant `v`.
pub(super) fn const_value(func: &Function, v: ValueId) -> Option<i64> {
    match super::unroll::def_op(func, v)? {
        Op::Const(Const::I32(c)) => Some((*c).into()),
        Op::Const(Const::I64(c)) => Some(*c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Module;
    use crate::lower::passes::testing::parse;

    /// The range of the value named `value` in the block named `block` of
    /// `@f`.
    fn range(module: &Module, value: &str, block: &str) -> Range {
        let func = module.func(module.func_by_name("f").expect("f"));
        let cfg = Cfg::new(func);
        let dom = DomTree::new(&cfg);
        let ranges = Ranges::new(func, &cfg, &dom);
        let v = (0..func.values.len())
            .map(|v| func.value_id(v))
            .find(|&v| func.value(v).name == value)
            .expect("value");
        let b = (0..func.blocks.len())
            .find(|&b| func.blocks[b].name == block)
            .expect("block");
        ranges.at(func, v, func.block_id(b)).expect("tracked")
    }

    /// A loop nest as the naive frontend writes a matrix product's, `n`
    /// capped at 160 by a `brif` first: the index `i * n + k` of the inner
    /// body lies in [0, 159 * 160 + 159], and `k + 1` cannot wrap.
    const NEST: &str = "pub fn @f(%n0: i32) -> i32 {\n\
        entry:\n  %cap = i32.const 160\n  %big = i32.gt_s %n0, %cap\n  brif %big, top(%cap), top(%n0)\n\
        top(%n: i32):\n  %z = i32.const 0\n  jump outer(%z, %z)\n\
        outer(%i: i32, %acc: i32):\n  %go = i32.lt_s %i, %n\n  brif %go, pre, done\n\
        pre:\n  %row = i32.mul %i, %n\n  %z2 = i32.const 0\n  jump inner(%z2, %acc)\n\
        inner(%k: i32, %s: i32):\n  %more = i32.lt_s %k, %n\n  brif %more, body, next\n\
        body:\n  %idx = i32.add %row, %k\n  %s1 = i32.add %s, %idx\n  %one = i32.const 1\n\
          %k1 = i32.add %k, %one\n  jump inner(%k1, %s1)\n\
        next:\n  %one2 = i32.const 1\n  %i1 = i32.add %i, %one2\n  jump outer(%i1, %s)\n\
        done:\n  return %acc\n}\n";

    #[test]
    fn a_capped_loop_nest_bounds_its_index() {
        let m = parse(NEST);
        assert_eq!(range(&m, "n", "top"), Range::new(i32::MIN.into(), 160));
        assert_eq!(range(&m, "n", "pre"), Range::new(1, 160));
        assert_eq!(range(&m, "i", "outer"), Range::new(0, i32::MAX.into()));
        assert_eq!(range(&m, "i", "pre"), Range::new(0, 159));
        assert_eq!(range(&m, "row", "pre"), Range::new(0, 159 * 160));
        assert_eq!(range(&m, "k", "body"), Range::new(0, 159));
        assert_eq!(range(&m, "k1", "body"), Range::new(1, 160));
        assert_eq!(range(&m, "idx", "body"), Range::new(0, 159 * 160 + 159));
        // The sum of the accumulator may wrap: nothing is known of it.
        assert_eq!(range(&m, "s1", "body"), Range::full(Type::I32));
    }

    /// Without the cap, `n` may be i32::MAX and `i * n` wraps: the row
    /// and the index are unknown, but `k` still stays below `n`.
    #[test]
    fn an_uncapped_product_may_wrap() {
        let m = parse(&NEST.replace("brif %big, top(%cap), top(%n0)", "jump top(%n0)"));
        assert_eq!(range(&m, "row", "pre"), Range::full(Type::I32));
        assert_eq!(range(&m, "idx", "body"), Range::full(Type::I32));
        assert_eq!(range(&m, "k", "body"), Range::new(0, i32::MAX as i64 - 1));
        assert_eq!(range(&m, "k1", "body"), Range::new(1, i32::MAX.into()));
    }

    /// A counter bounded by `<=` i32::MAX wraps after the last iteration:
    /// the assumption that it only grows fails, and the walk drops it.
    #[test]
    fn a_counter_that_wraps_is_unknown() {
        let text = NEST
            .replace("%more = i32.lt_s %k, %n", "%more = i32.le_s %k, %max")
            .replace(
                "inner(%k: i32, %s: i32):\n",
                "inner(%k: i32, %s: i32):\n  %max = i32.const 2147483647\n",
            );
        let m = parse(&text);
        assert_eq!(range(&m, "k", "inner"), Range::full(Type::I32));
        assert_eq!(range(&m, "k1", "body"), Range::full(Type::I32));
        // The same loop stopping one short is bounded.
        let m = parse(&text.replace("2147483647", "2147483646"));
        assert_eq!(range(&m, "k", "inner"), Range::new(0, i32::MAX.into()));
        assert_eq!(range(&m, "k1", "body"), Range::new(1, i32::MAX.into()));
    }

    /// A counter stepping down from `n` while `> 0`; masks, remainders and
    /// narrow loads; a `select`.
    #[test]
    fn down_counters_masks_remainders_and_selects() {
        let m = parse(
            "pub fn @f(%n: i32, %p: ptr, %x: i32) -> i32 {\n\
             entry:\n  %z = i32.const 0\n  jump l(%n, %z)\n\
             l(%i: i32, %acc: i32):\n  %go = i32.gt_s %i, %z\n  brif %go, body, out\n\
             body:\n  %m = i32.const 255\n  %a = i32.and %x, %m\n  %seven = i32.const 7\n\
               %r = i32.rem_s %x, %seven\n  %u = i32.rem_u %x, %seven\n  %b = i32.load8_u %p\n\
               %c = i32.lt_s %x, %z\n  %s = i32.select %c, %a, %u\n  %one = i32.const 1\n\
               %i1 = i32.sub %i, %one\n  jump l(%i1, %acc)\n\
             out:\n  return %acc\n}\n",
        );
        assert_eq!(
            range(&m, "i", "l"),
            Range::new(i32::MIN.into(), i32::MAX.into())
        );
        assert_eq!(range(&m, "i", "body"), Range::new(1, i32::MAX.into()));
        assert_eq!(range(&m, "i1", "body"), Range::new(0, i32::MAX as i64 - 1));
        assert_eq!(range(&m, "a", "body"), Range::new(0, 255));
        assert_eq!(range(&m, "r", "body"), Range::new(-6, 6));
        assert_eq!(range(&m, "u", "body"), Range::new(0, 6));
        assert_eq!(range(&m, "b", "body"), Range::new(0, 255));
        assert_eq!(range(&m, "s", "body"), Range::new(0, 255));
        assert_eq!(range(&m, "c", "body"), Range::new(0, 1));
    }

    /// A down counter whose entry value is known: its header range is
    /// bounded above by the entry, and the guard bounds it below.
    #[test]
    fn a_down_counter_from_a_constant() {
        let m = parse(
            "pub fn @f() -> i32 {\n\
             entry:\n  %z = i32.const 0\n  %ten = i32.const 10\n  jump l(%ten, %z)\n\
             l(%i: i32, %acc: i32):\n  %go = i32.ge_s %i, %z\n  brif %go, body, out\n\
             body:\n  %acc1 = i32.add %acc, %i\n  %one = i32.const 1\n  %i1 = i32.sub %i, %one\n  jump l(%i1, %acc1)\n\
             out:\n  return %acc\n}\n",
        );
        assert_eq!(range(&m, "i", "l"), Range::new(i32::MIN.into(), 10));
        assert_eq!(range(&m, "i", "body"), Range::new(0, 10));
        assert_eq!(range(&m, "i1", "body"), Range::new(-1, 9));
        assert_eq!(range(&m, "i", "out"), Range::new(i32::MIN.into(), -1));
    }
}
