//! Counted loops: the shapes the loop passes take (`unroll`,
//! `unroll-partial`, `widen-iv`; docs/lowering.md). A header parameter
//! `%i` (i32 or i64) from a start, tested in the header against a bound
//! defined before the loop (`<`, `<=`, `>`, `>=`, signed or unsigned, the
//! counter on either side, the loop entered on either edge), stepped by a
//! constant 1 to 3 (`add %i, -c` counting down) on the one back edge; both
//! ends constant now and then (a trip count the full unroller computes).
//! The body is small and loop-free ([`FuncGen::flat`]): it indexes memory
//! with the counter (`@a + ext(i * m + x) * s`, what `widen-iv` takes),
//! and now and then leaves early, by a second test after the header
//! (`while (k < n && cond)`) or in its middle.
//!
//! Such a loop spends no fuel: it ends by itself, its counter never wraps.
//! Counting up, the start is at most 7 and the bound at most 31; counting
//! down, the start is at most 31 and the bound at least the step (an
//! unsigned counter stops before 0). So the body sees `%i` in `0..=31`,
//! and runs at most 32 times per entry; it holds no loop, and the loops
//! around it spend fuel.

use super::func::{FuncGen, LoopCx};
use super::insts::{int_const, low_mask};
use super::module::REGION_SIZE;
use crate::ir::{
    BinaryOp, CmpOp, Const, ConvKind, ConvOp, Edge, MemAccess, MemId, Op, Type, ValueId,
};

/// The largest counter the body sees.
const MAX_COUNT: u64 = 31;

impl FuncGen<'_> {
    /// A counted loop, then its exit block, current.
    pub(super) fn counted_loop(&mut self, depth: u32) {
        let ty = if self.rng.percent(75) {
            Type::I32
        } else {
            Type::I64
        };
        let up = self.rng.percent(60);
        let step = self.rng.range(1, 3);
        let (start, bound) = self.counted_ends(ty, up, step);
        let extra = self.small_types();
        let header_types: Vec<Type> = std::iter::once(ty).chain(extra.clone()).collect();
        let (header, header_params) = self.block("count", &header_types);
        let exit_types = self.small_types();
        let (exit, exit_params) = self.block("count_exit", &exit_types);
        let mut args = vec![start];
        args.extend(self.values_of(&extra));
        self.b.jump(header, &args);

        self.enter(header, &header_types, &header_params);
        let in_header = self.pool.len();
        let counter = header_params[0];
        let (body, _) = self.block("count_body", &[]);
        let out = self.edge_to(exit, &exit_types);
        self.counted_test(ty, up, counter, bound, Edge::new(body, vec![]), out);
        self.switch_to(body);
        let cx = LoopCx {
            header,
            params: extra,
            values: header_params[1..].to_vec(),
            counter,
            gated: false,
            exit,
            exit_params: exit_types,
        };
        if self.rng.percent(15) {
            self.early_exit(&cx);
        }
        let flat = std::mem::replace(&mut self.flat, true);
        self.counted_body(depth, &cx, ty);
        self.flat = flat;
        let delta = if up { step } else { step.wrapping_neg() };
        let delta = self.hidden(Op::Const(int_const(ty, delta)));
        let next = self.hidden(Op::Binary(BinaryOp::Add, ty, counter, delta));
        let mut back = vec![next];
        back.extend(self.back_args(&cx));
        self.b.jump(header, &back);
        // The header dominates the exit; the body does not.
        self.pool.truncate(in_header);
        self.enter(exit, &cx.exit_params, &exit_params);
    }

    /// The counter's start and the bound, within the module doc's limits:
    /// constants or values masked into range, computed before the loop.
    fn counted_ends(&mut self, ty: Type, up: bool, step: u64) -> (ValueId, ValueId) {
        let (start_max, bound_min, bound_max) = match up {
            true => (7, 0, MAX_COUNT),
            false => (MAX_COUNT, step, step + 7),
        };
        let start = self.counted_end(ty, 0, start_max);
        let bound = self.counted_end(ty, bound_min, bound_max);
        (start, bound)
    }

    /// A value in `lo..=hi`: a constant (small ones more often, for trip
    /// counts the full unroller takes), or `lo + (v & mask)`.
    fn counted_end(&mut self, ty: Type, lo: u64, hi: u64) -> ValueId {
        if self.rng.percent(45) {
            let hi = if self.rng.percent(60) {
                hi.min(lo + 10)
            } else {
                hi
            };
            let c = self.rng.range(lo, hi);
            return self.hidden(Op::Const(int_const(ty, c)));
        }
        let v = self.value(ty).id;
        let mask = self.hidden(Op::Const(int_const(ty, low_mask(hi - lo))));
        let masked = self.hidden(Op::Binary(BinaryOp::And, ty, v, mask));
        if lo == 0 {
            return masked;
        }
        let lo = self.hidden(Op::Const(int_const(ty, lo)));
        self.hidden(Op::Binary(BinaryOp::Add, ty, masked, lo))
    }

    /// The header's `brif`: `counter op bound` into the loop, written with
    /// the operands either way round and the edges either way.
    fn counted_test(
        &mut self,
        ty: Type,
        up: bool,
        counter: ValueId,
        bound: ValueId,
        stay: Edge,
        leave: Edge,
    ) {
        let strict = self.rng.percent(60);
        let signed = self.rng.percent(50);
        let mut op = match (up, strict, signed) {
            (true, true, true) => CmpOp::LtS,
            (true, true, false) => CmpOp::LtU,
            (true, false, true) => CmpOp::LeS,
            (true, false, false) => CmpOp::LeU,
            (false, true, true) => CmpOp::GtS,
            (false, true, false) => CmpOp::GtU,
            (false, false, true) => CmpOp::GeS,
            (false, false, false) => CmpOp::GeU,
        };
        let enter_on_then = self.rng.percent(60);
        if !enter_on_then {
            op = negated(op);
        }
        let cmp = match self.rng.percent(70) {
            true => Op::Compare(op, ty, counter, bound),
            false => Op::Compare(swapped(op), ty, bound, counter),
        };
        let cond = self.hidden(cmp);
        match enter_on_then {
            true => self.b.brif(cond, stay, leave),
            false => self.b.brif(cond, leave, stay),
        }
    }

    /// A conditional jump to the loop's exit, from the body.
    fn early_exit(&mut self, cx: &LoopCx) {
        let cond = self.condition();
        let out = self.edge_to(cx.exit, &cx.exit_params);
        let (next, _) = self.block("count_more", &[]);
        self.b.brif(cond, out, Edge::new(next, vec![]));
        self.switch_to(next);
    }

    /// A small body: a few instructions, mostly an access indexed by the
    /// counter, now and then a loop-free piece or an exit in the middle.
    fn counted_body(&mut self, depth: u32, cx: &LoopCx, ty: Type) {
        let n = self.rng.range(0, 2);
        self.straight(n);
        if self.rng.percent(65) {
            self.counter_access(cx.counter, ty);
        }
        if self.rng.percent(20) && self.has_room() {
            self.piece(depth + 1);
        }
        if self.rng.percent(10) {
            self.early_exit(cx);
        }
        let n = self.rng.range(0, 2);
        self.straight(n);
    }

    /// A load or a store at `base + ext(i * m + x) * s`, `i` the counter
    /// (`0..=MAX_COUNT` here): a frontend's `a[i * m + x]` with C's `int`
    /// index. The region, a slot, or (loads only) read-only data, and
    /// `m`, `s` and the largest `x` chosen so that the access stays inside.
    fn counter_access(&mut self, counter: ValueId, ty: Type) {
        let load = self.rng.percent(60);
        let shapes = match load {
            true => MemAccess::loads(),
            false => MemAccess::stores(),
        };
        let access = shapes[self.rng.index(shapes.len())];
        let width = access.bytes(8) as u64;
        let (base, room) = self.indexed_base(load);
        let scales: Vec<(u64, u64)> = [
            (1, 1),
            (2, 1),
            (3, 1),
            (4, 1),
            (1, 2),
            (1, 4),
            (1, 8),
            (2, 4),
        ]
        .into_iter()
        .filter(|&(m, s)| MAX_COUNT * m * s + width <= room)
        .collect();
        let Some(&(m, s)) = self.rng.pick(&scales) else {
            return;
        };
        let mut index = counter;
        if m > 1 {
            let m = self.hidden(Op::Const(int_const(ty, m)));
            index = self.hidden(Op::Binary(BinaryOp::Mul, ty, index, m));
        }
        let spare = (room - width - MAX_COUNT * m * s) / s;
        if spare > 0 && self.rng.percent(60) {
            let x = match self.rng.percent(50) {
                true => {
                    let x = self.rng.range(0, spare);
                    self.hidden(Op::Const(int_const(ty, x)))
                }
                false => {
                    let v = self.value(ty).id;
                    let mask = self.hidden(Op::Const(int_const(ty, low_mask(spare))));
                    self.hidden(Op::Binary(BinaryOp::And, ty, v, mask))
                }
            };
            index = self.hidden(Op::Binary(BinaryOp::Add, ty, index, x));
        }
        let kind = match ty {
            Type::I64 => ConvKind::Wrap,
            _ if self.rng.percent(75) => ConvKind::ExtendS,
            _ => ConvKind::ExtendU,
        };
        let conv = ConvOp {
            kind,
            from: ty,
            to: Type::Ptr,
        };
        let mut offset = self.hidden(Op::Convert(conv, index));
        if s > 1 {
            let (op, k) = match self.rng.percent(50) {
                true => (BinaryOp::Mul, s),
                false => (BinaryOp::Shl, s.trailing_zeros() as u64),
            };
            let k = self.hidden(Op::Const(Const::Ptr(k)));
            offset = self.hidden(Op::Binary(op, Type::Ptr, offset, k));
        }
        let addr = self.hidden(Op::Binary(BinaryOp::Add, Type::Ptr, base, offset));
        let mem = MemId::DEFAULT;
        if load {
            let op = Op::Load {
                access,
                addr,
                offset: 0,
                mem,
            };
            self.emit(op, &[access.ty], true);
        } else {
            let value = self.exact_value(access.ty).id;
            self.b.ins(Op::Store {
                access,
                addr,
                value,
                offset: 0,
                mem,
            });
        }
    }

    /// A base address and the bytes from it an indexed access may reach:
    /// the region, a slot, or for a load read-only data.
    fn indexed_base(&mut self, load: bool) -> (ValueId, u64) {
        match self.rng.below(4) {
            0 | 1 if load && !self.env.consts.is_empty() => {
                let datum = self.env.consts[self.rng.index(self.env.consts.len())];
                (self.hidden(Op::DataAddr(datum.id)), datum.size)
            }
            2 if !self.slots.is_empty() => {
                let slot = self.slots[self.rng.index(self.slots.len())];
                (self.hidden(Op::SlotAddr(slot.id)), slot.size.min(1024))
            }
            _ => (self.hidden(Op::DataAddr(self.env.region)), REGION_SIZE),
        }
    }
}

/// `b op' a` for `a op b`.
fn swapped(op: CmpOp) -> CmpOp {
    use CmpOp::*;
    match op {
        LtS => GtS,
        LtU => GtU,
        LeS => GeS,
        LeU => GeU,
        GtS => LtS,
        GtU => LtU,
        GeS => LeS,
        GeU => LeU,
        other => other,
    }
}

/// `!(a op b)` as one comparison, for the ordered integer ones.
fn negated(op: CmpOp) -> CmpOp {
    use CmpOp::*;
    match op {
        LtS => GeS,
        LtU => GeU,
        LeS => GtS,
        LeU => GtU,
        GtS => LeS,
        GtU => LeU,
        GeS => LtS,
        GeU => LtU,
        other => other,
    }
}
