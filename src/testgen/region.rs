//! Control flow: a region is straight-line code interleaved with structured
//! pieces (diamonds, loops, switches, early exits), which nest. Exits that
//! jump out of the structure (`break` and `continue` to any enclosing loop,
//! `return`) keep the CFG reducible but far from structured; cycles with
//! two entries, when enabled, make it irreducible.
//!
//! Values: a block sees the pool as it was at its immediate dominator.
//! Arms of a branch truncate the pool back when they end, and a join or a
//! loop exit gets only what was defined before the branch (plus its own
//! parameters), so every use is dominated by its definition.

use super::func::{FuncGen, LoopCx};
use super::values::{self, Val};
use crate::ir::{BinaryOp, BlockId, CmpOp, Const, Edge, Op, Type, ValueId};

/// The pieces a region is made of, and their weights.
#[derive(Clone, Copy, Debug)]
enum Piece {
    Diamond,
    IfThen,
    Loop,
    Switch,
    EarlyReturn,
    Break,
    Continue,
    Irreducible,
    Trap,
    Dead,
    Fork,
    CountedLoop,
    Nothing,
}

/// Constructs nest at most this deep.
const MAX_DEPTH: u32 = 4;

impl FuncGen<'_> {
    /// Code from the current block on; ends in an open current block.
    pub fn region(&mut self, depth: u32) {
        for _ in 0..self.rng.range(1, 3) {
            let n = self.rng.range(0, 5);
            self.straight(n);
            if self.has_room() {
                self.piece(depth);
            }
        }
        let n = self.rng.range(0, 3);
        self.straight(n);
    }

    ///
    /// In the body of a counted loop ([`FuncGen::flat`]) only the pieces
    /// that keep to the loop, loop-free, are made: the loop keeps its one
    /// exit and its one latch, and needs no fuel.
    pub(super) fn piece(&mut self, depth: u32) {
        let nest = depth < MAX_DEPTH;
        let free = !self.flat;
        let in_loop = !self.loops.is_empty();
        let irreducible = self.env.config.irreducible && nest;
        let on = |cond: bool, w: u32| if cond { w } else { 0 };
        let pieces = [
            (Piece::Diamond, 20),
            (Piece::IfThen, 12),
            (Piece::Loop, on(nest && free, 16)),
            (Piece::Switch, on(nest, 10)),
            (Piece::EarlyReturn, on(free, 5)),
            (Piece::Break, on(in_loop && free, 10)),
            (Piece::Continue, on(in_loop && free, 8)),
            (Piece::Irreducible, on(irreducible && free, 10)),
            (Piece::Trap, on(free, 2)),
            (Piece::Dead, 2),
            (Piece::Fork, 4),
            (
                Piece::CountedLoop,
                on(nest && free, if in_loop { 14 } else { 5 }),
            ),
            (Piece::Nothing, 10),
        ];
        let weights: Vec<u32> = pieces.iter().map(|p| p.1).collect();
        match pieces[self.rng.weighted(&weights)].0 {
            Piece::Diamond => self.diamond(depth, true),
            Piece::IfThen => self.diamond(depth, false),
            Piece::Loop => self.loop_piece(depth),
            Piece::Switch => self.switch(depth),
            Piece::EarlyReturn => self.side_exit(false),
            Piece::Break => self.break_out(),
            Piece::Continue => self.continue_loop(),
            Piece::Irreducible => self.irreducible(depth),
            Piece::Trap => self.side_exit(true),
            Piece::Dead => self.dead_block(),
            Piece::Fork => self.fork(),
            Piece::CountedLoop => self.counted_loop(depth),
            Piece::Nothing => {}
        }
    }

    pub(super) fn small_types(&mut self) -> Vec<Type> {
        values::types(self.rng, 2)
    }

    /// Makes `block` current, its parameters in the pool.
    pub(super) fn enter(&mut self, block: BlockId, types: &[Type], params: &[ValueId]) {
        self.switch_to(block);
        for (&id, &ty) in params.iter().zip(types) {
            self.pool.push(Val {
                id,
                ty,
                exact: false,
            });
        }
    }

    pub(super) fn edge_to(&mut self, block: BlockId, types: &[Type]) -> Edge {
        let args = self.values_of(types);
        Edge::new(block, args)
    }

    /// `brif`, with the two edges in either order.
    fn branch(&mut self, cond: ValueId, yes: Edge, no: Edge) {
        if self.rng.percent(50) {
            self.b.brif(cond, yes, no);
        } else {
            let not = self.hidden(Op::Unary(crate::ir::UnaryOp::Eqz, Type::I32, cond));
            self.b.brif(not, no, yes);
        }
    }

    /// One arm of a branch: its own code, then a jump to `join`. The pool
    /// is back as it was afterwards.
    fn arm(&mut self, arm: (BlockId, &[Type], &[ValueId]), depth: u32, join: (BlockId, &[Type])) {
        let saved = self.pool.len();
        self.enter(arm.0, arm.1, arm.2);
        self.region(depth + 1);
        let edge = self.edge_to(join.0, join.1);
        self.b.jump(edge.block, &edge.args);
        self.pool.truncate(saved);
    }

    /// if/else (or if without else) and a join with parameters.
    fn diamond(&mut self, depth: u32, with_else: bool) {
        let cond = self.condition();
        let then_types = self.small_types();
        let join_types = self.small_types();
        let (then_block, then_params) = self.block("then", &then_types);
        let (join, join_params) = self.block("join", &join_types);
        let then_edge = self.edge_to(then_block, &then_types);
        let (else_edge, else_arm) = if with_else {
            let types = self.small_types();
            let (block, params) = self.block("else", &types);
            (self.edge_to(block, &types), Some((block, types, params)))
        } else {
            (self.edge_to(join, &join_types), None)
        };
        self.branch(cond, then_edge, else_edge);
        let join_sig = (join, join_types.as_slice());
        self.arm((then_block, &then_types, &then_params), depth, join_sig);
        if let Some((block, types, params)) = else_arm {
            self.arm((block, &types, &params), depth, join_sig);
        }
        self.enter(join, &join_types, &join_params);
    }

    /// `counter + 1`.
    fn next_count(&mut self, counter: ValueId) -> ValueId {
        let one = self.hidden(Op::Const(Const::I32(1)));
        self.hidden(Op::Binary(BinaryOp::Add, Type::I32, counter, one))
    }

    /// A trip count: a small constant, or a value masked to 0..=7.
    fn trip_count(&mut self) -> ValueId {
        if self.rng.percent(70) {
            let n = self.rng.range(1, 5) as i32;
            return self.hidden(Op::Const(Const::I32(n)));
        }
        let v = self.value(Type::I32).id;
        let seven = self.hidden(Op::Const(Const::I32(7)));
        self.hidden(Op::Binary(BinaryOp::And, Type::I32, v, seven))
    }

    /// A loop whose header counts iterations in its first parameter; its
    /// body may break out of it or continue it (or an outer one) anywhere.
    fn loop_piece(&mut self, depth: u32) {
        let trip = self.trip_count();
        let extra = self.small_types();
        let header_types: Vec<Type> = std::iter::once(Type::I32).chain(extra.clone()).collect();
        let (header, header_params) = self.block("loop", &header_types);
        let exit_types = self.small_types();
        let (exit, exit_params) = self.block("exit", &exit_types);
        let zero = self.hidden(Op::Const(Const::I32(0)));
        let mut args = vec![zero];
        args.extend(self.values_of(&extra));
        self.b.jump(header, &args);

        self.enter(header, &header_types, &header_params);
        let gated = self.rng.percent(40);
        if !gated {
            self.spend(self.env.fuel, "body");
        }
        let in_header = self.pool.len();
        let counter = header_params[0];
        let cx = LoopCx {
            header,
            params: extra,
            values: header_params[1..].to_vec(),
            counter,
            exit,
            exit_params: exit_types.clone(),
            gated,
        };
        self.loops.push(cx.clone());
        self.region(depth + 1);
        self.loops.pop();
        let next = self.next_count(counter);
        let mut more = self.hidden(Op::Compare(CmpOp::LtU, Type::I32, next, trip));
        if gated {
            more = self.gate(self.env.fuel, more);
        }
        let mut back = vec![next];
        back.extend(self.back_args(&cx));
        let out = self.edge_to(exit, &exit_types);
        self.branch(more, Edge::new(header, back), out);
        // The header dominates every exit; the body does not.
        self.pool.truncate(in_header);
        self.enter(exit, &exit_types, &exit_params);
    }

    /// Arguments for a loop's parameters on a back edge: often the
    /// parameters themselves, permuted (the swap problem of SSA destruction).
    pub(super) fn back_args(&mut self, cx: &LoopCx) -> Vec<ValueId> {
        cx.params
            .iter()
            .map(|&ty| {
                let same: Vec<ValueId> = (0..cx.params.len())
                    .filter(|&j| cx.params[j] == ty)
                    .map(|j| cx.values[j])
                    .collect();
                match self.rng.pick(&same) {
                    Some(&v) if self.rng.percent(40) => v,
                    _ => self.value(ty).id,
                }
            })
            .collect()
    }

    /// A `brif` whose two edges go to the same block with other arguments.
    fn fork(&mut self) {
        let cond = self.condition();
        let mut types = self.small_types();
        if types.is_empty() {
            types.push(values::any_type(self.rng));
        }
        let (join, params) = self.block("fork", &types);
        let yes = self.edge_to(join, &types);
        let no = self.edge_to(join, &types);
        self.branch(cond, yes, no);
        self.enter(join, &types, &params);
    }

    /// A conditional jump out of an enclosing loop, to its exit.
    fn break_out(&mut self) {
        let target = self.loops[self.rng.index(self.loops.len())].clone();
        let cond = self.condition();
        let out = self.edge_to(target.exit, &target.exit_params);
        let (next, _) = self.block("after_break", &[]);
        self.branch(cond, out, Edge::new(next, vec![]));
        self.switch_to(next);
    }

    /// A conditional jump back to an enclosing loop's header.
    fn continue_loop(&mut self) {
        let target = self.loops[self.rng.index(self.loops.len())].clone();
        let mut cond = self.condition();
        if target.gated {
            cond = self.gate(self.env.fuel, cond);
        }
        let mut args = vec![self.next_count(target.counter)];
        args.extend(self.back_args(&target));
        let (next, _) = self.block("after_continue", &[]);
        self.branch(
            cond,
            Edge::new(target.header, args),
            Edge::new(next, vec![]),
        );
        self.switch_to(next);
    }

    /// A conditional `return` (or `unreachable`, for a trap).
    fn side_exit(&mut self, trap: bool) {
        let cond = self.condition();
        let (exit, _) = self.block(if trap { "trap" } else { "ret" }, &[]);
        let (next, _) = self.block("n", &[]);
        self.branch(cond, Edge::new(exit, vec![]), Edge::new(next, vec![]));
        self.switch_to(exit);
        if trap {
            self.b.unreachable();
        } else {
            let saved = self.pool.len();
            self.ret();
            self.pool.truncate(saved);
        }
        self.switch_to(next);
    }

    /// A block no edge reaches, which the lowering must cope with.
    fn dead_block(&mut self) {
        let back = self.current;
        let saved = std::mem::take(&mut self.pool);
        let (dead, _) = self.block("dead", &[]);
        self.switch_to(dead);
        let n = self.rng.range(0, 3);
        self.straight(n);
        match self.rng.below(3) {
            0 => self.b.jump(self.exhausted, &[]),
            1 => self.ret(),
            _ => self.b.unreachable(),
        }
        self.pool = saved;
        self.switch_to(back);
    }

    /// A switch: cases with and without parameters, table entries sharing
    /// cases with different arguments, a default, and a join.
    fn switch(&mut self, depth: u32) {
        let count = self.rng.range(1, 3) as usize;
        // A default of its own (the last case), or one shared with a case.
        let own_default = self.rng.percent(40);
        let blocks = count + own_default as usize;
        let cases: Vec<(BlockId, Vec<Type>, Vec<ValueId>)> = (0..blocks)
            .map(|_| {
                let types = if self.rng.percent(50) {
                    vec![]
                } else {
                    self.small_types()
                };
                let (block, params) = self.block("case", &types);
                (block, types, params)
            })
            .collect();
        let default_case = if own_default {
            count
        } else {
            self.rng.index(count)
        };
        let general = self.rng.percent(35);
        let len = if self.rng.percent(5) {
            self.rng.range(16, 48) as usize
        } else if self.rng.percent(80) {
            self.rng.range(count as u64, count as u64 + 4) as usize
        } else {
            self.rng.range(0, 5) as usize
        };
        let (index, values) = match general {
            true => self.case_values(len.max(1)),
            false => (self.switch_index(len), vec![]),
        };
        let table: Vec<Edge> = (0..len.max(values.len()))
            .map(|i| {
                let case = if i < count { i } else { self.rng.index(count) };
                let (block, types) = (cases[case].0, cases[case].1.clone());
                self.edge_to(block, &types)
            })
            .collect();
        let default_types = cases[default_case].1.clone();
        let default = self.edge_to(cases[default_case].0, &default_types);
        let join_types = self.small_types();
        let (join, join_params) = self.block("join", &join_types);
        match general {
            true => self
                .b
                .switch_cases(index, values.into_iter().zip(table).collect(), default),
            false => self.b.switch(index, table, default),
        }
        for (block, types, params) in &cases {
            self.arm((*block, types, params), depth, (join, &join_types));
        }
        self.enter(join, &join_types, &join_params);
    }

    /// A general switch's scrutinee (i32, i64 or ptr) and `len` case values
    /// `base + k * stride` for distinct `k` below `len` or `2 * len`, in a
    /// random order: a stride of 1 makes a dense run (a table), a wide one sparse
    /// cases (compares). The scrutinee is mostly reduced to the same form, so
    /// that about half the runs hit a case.
    fn case_values(&mut self, len: usize) -> (ValueId, Vec<i64>) {
        let ty = [Type::I32, Type::I64, Type::Ptr][self.rng.index(3)];
        let stride: u64 = [1, 1, 3, 1000, 65_537, (1 << 32) + 1][self.rng.index(6)];
        let stride = if ty == Type::I64 {
            stride
        } else {
            stride.min(65_537)
        };
        // ptr values stay below 2^32 on both targets (the verifier's rule).
        let base = match ty {
            Type::Ptr => self.rng.below(1 << 20),
            _ => self.rng.next_u64(),
        };
        let span = len as u64 * self.rng.range(1, 2);
        let mut ks: Vec<u64> = (0..span).collect();
        for i in (1..ks.len()).rev() {
            ks.swap(i, self.rng.index(i + 1));
        }
        let bits = if ty == Type::I64 { 64 } else { 32 };
        let wrap = |v: u64| match bits {
            64 => v as i64,
            _ => v as u32 as i32 as i64,
        };
        let values = ks[..len]
            .iter()
            .map(|&k| wrap(base.wrapping_add(k.wrapping_mul(stride))))
            .collect();
        let constant = |v: u64| match ty {
            Type::I32 => Op::Const(Const::I32(v as u32 as i32)),
            Type::I64 => Op::Const(Const::I64(v as i64)),
            _ => Op::Const(Const::Ptr(v)),
        };
        let v = self.value(ty).id;
        if self.rng.percent(20) {
            return (v, values);
        }
        let n = self.hidden(constant(span));
        let k = self.hidden(Op::Binary(BinaryOp::RemU, ty, v, n));
        let stride = self.hidden(constant(stride));
        let step = self.hidden(Op::Binary(BinaryOp::Mul, ty, k, stride));
        let base = self.hidden(constant(base));
        (
            self.hidden(Op::Binary(BinaryOp::Add, ty, step, base)),
            values,
        )
    }

    /// An i32 index, mostly reduced to `0..=len` so that the default is
    /// taken about as often as each case.
    fn switch_index(&mut self, len: usize) -> ValueId {
        let v = self.value(Type::I32).id;
        if self.rng.percent(30) {
            return v;
        }
        let n = self.hidden(Op::Const(Const::I32(len as i32 + 1)));
        self.hidden(Op::Binary(BinaryOp::RemU, Type::I32, v, n))
    }

    /// A ring of 2 or 3 blocks entered at two or three of them: irreducible. Each
    /// node spends fuel and counts its trips around the ring.
    fn irreducible(&mut self, depth: u32) {
        let trip = self.trip_count();
        let size = self.rng.range(2, 3) as usize;
        let nodes: Vec<(BlockId, Vec<Type>, Vec<ValueId>)> = (0..size)
            .map(|_| {
                let types: Vec<Type> = std::iter::once(Type::I32)
                    .chain(self.small_types())
                    .collect();
                let (block, params) = self.block("ring", &types);
                (block, types, params)
            })
            .collect();
        let exit_types = self.small_types();
        let (exit, exit_params) = self.block("ring_exit", &exit_types);
        if size == 3 && self.rng.percent(40) {
            // Three entries, by a switch.
            let index = self.switch_index(2);
            let table = vec![self.ring_entry(&nodes[0]), self.ring_entry(&nodes[1])];
            let default = self.ring_entry(&nodes[2]);
            self.b.switch(index, table, default);
        } else {
            let second = self.rng.range(1, size as u64 - 1) as usize;
            let cond = self.condition();
            let first = self.ring_entry(&nodes[0]);
            let other = self.ring_entry(&nodes[second]);
            self.branch(cond, first, other);
        }
        let saved = self.pool.len();
        for i in 0..size {
            let next = &nodes[(i + 1) % size];
            let (next_block, next_types) = (next.0, next.1.clone());
            let (block, types, params) = &nodes[i];
            self.enter(*block, types, params);
            self.spend(self.env.fuel, "ring_body");
            self.region(depth + 1);
            let count = self.next_count(params[0]);
            let more = self.hidden(Op::Compare(CmpOp::LtU, Type::I32, count, trip));
            let mut args = vec![count];
            args.extend(self.values_of(&next_types[1..]));
            let out = self.edge_to(exit, &exit_types);
            self.branch(more, Edge::new(next_block, args), out);
            self.pool.truncate(saved);
        }
        self.enter(exit, &exit_types, &exit_params);
    }

    /// An edge entering a ring node with its count at zero.
    fn ring_entry(&mut self, node: &(BlockId, Vec<Type>, Vec<ValueId>)) -> Edge {
        let zero = self.hidden(Op::Const(Const::I32(0)));
        let mut args = vec![zero];
        args.extend(self.values_of(&node.1[1..]));
        Edge::new(node.0, args)
    }
}
