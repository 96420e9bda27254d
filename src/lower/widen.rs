//! Widening of i32 indices: in a loop whose header parameter `%p` (i32)
//! enters as `p0` and comes back as `%p + c` on every back edge (`c` an
//! i32 constant), a sign extension `ptr.extend_i32_s x` (or to i64) of
//! `x = %p`, `%p + inv`, `%p * m` or `%p * m + inv` (`m`, `inv` invariant)
//! becomes a new header parameter `%w` of the wide type that enters as
//! `ext(p0) * ext(m) + ext(inv)`, computed in the preheader, and comes back
//! as `%w + ext(c) * ext(m)`. A frontend indexing with C's `int` computes
//! `@a + sext(i * n + k) * 8` on every iteration; with the extension gone,
//! `strength-reduce` turns the product and the base into a pointer
//! stepped by `8 * n`: the loop walks a pointer, as clang's does.
//!
//! Why it is exact (the rule): let `E(p) = ext(p) * ext(m) + ext(inv)`, the
//! exact integer (it fits in 64 bits: |p * m| < 2^62). The pass keeps `%w
//! = E(%p)` at the header: on entry by construction (computed in 64 bits,
//! it cannot wrap), and on each back edge provided `%p + c` does not wrap
//! in i32, for then `ext(p + c) = ext(p) + c` and `E(p + c) = E(p) + c *
//! ext(m)`, which is what the edge adds (each edge's own `c`: one that
//! passes `%p` unchanged passes `%w`, one that passes `%p - c` subtracts).
//! Where the loop computes `x` in i32, if neither its product nor its sum
//! wraps there, `x` is the exact integer `p * m + inv` and `ext(x) =
//! E(p) = %w`. Both "does not wrap" are proved by [`super::ranges`] at the
//! block that computes the sum: the value ranges there, narrowed by the
//! conditions that guard it (`k < n` with `n <= 160`), must keep the exact
//! result inside i32; where they do not (a bound near `i32::MAX`, a
//! counter that may wrap), nothing changes. A zero extension is the sign
//! extension of a value the ranges prove non-negative. On wasm32 `ptr` is
//! 32 bits and `ptr.extend_i32_s` does nothing: every step is then
//! arithmetic modulo 2^32, where the relation holds whatever wraps.
//!
//! When it pays: `x` with a product saves the i32 multiply; a bare
//! `ext(%p)` or `ext(%p + inv)` is widened only when its one use is a
//! product or a shift (an address's scale, which `strength-reduce` then
//! turns into a pointer step), else the step would merely replace an
//! extension.
//!
//! The extension may sit in one arm of a branch: the adds on the back
//! edges are pure and cannot trap. It uses the natural loops of
//! [`crate::analysis`] and the preheaders of [`super::licm::preheader`];
//! irreducible functions, loops headed by the entry block or entered from
//! an unreachable block, and loops of more than
//! [`MAX_LOOP_BLOCKS`](super::loops::MAX_LOOP_BLOCKS) blocks are left alone
//! ([`super::loops`] finds them and their counters). Identical expressions
//! share one parameter; a loop gets at most
//! [`MAX_PER_LOOP`](super::loops::MAX_PER_LOOP). One range analysis, one
//! look at each instruction, and each loop's blocks once: linear but for
//! the nesting depth, bounded by the loop size limit.

use super::licm::movable;
use super::loops::{
    BackEdge, Carried, Entry, Loop, LoopFinder, add_all_carried, append, entry_arg, single_users,
};
use super::ranges::{Range, Ranges, const_value};
use super::unroll::def_op;
use crate::analysis::{Cfg, DomTree, Loops, reducible_loops};
use crate::diag::Span;
use crate::ir::{
    BinaryOp, BlockId, Const, ConvKind, ConvOp, Function, Inst, LocId, Op, Type, ValueDef, ValueId,
};

/// The function with its widenable i32 extensions replaced by wide
/// induction variables, or `None` when there is none.
pub(super) fn widen_ivs(func: &Function) -> Option<Function> {
    if !(func.blocks.iter().flat_map(|b| &b.insts)).any(|i| extension(&i.op).is_some()) {
        return None;
    }
    let (cfg, dom, loops) = reducible_loops(func)?;
    let ranges = Ranges::new(func, &cfg, &dom);
    let plans = Finder::new(func, &cfg, &dom, &loops, &ranges).find();
    let (mut out, seeds) = add_all_carried(func, &cfg, &plans, entry)?;
    super::offsets::remove_dead(&mut out, |inst| {
        movable(&inst.op)
            && (matches!(inst.op, Op::Const(_)) || inst.results.iter().any(|r| seeds.contains(r)))
    });
    Some(out)
}

/// The wide type and operand of an extension of an i32 to `ptr` or i64.
fn extension(op: &Op) -> Option<(ConvKind, Type, ValueId)> {
    match *op {
        Op::Convert(conv, x)
            if conv.from == Type::I32
                && matches!(conv.to, Type::Ptr | Type::I64)
                && matches!(conv.kind, ConvKind::ExtendS | ConvKind::ExtendU) =>
        {
            Some((conv.kind, conv.to, x))
        }
        _ => None,
    }
}

/// A loop-invariant i32 operand: a value defined outside the loop, or a
/// constant (copied into the preheader).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inv {
    Value(ValueId),
    Const(i32),
}

/// What a back edge passes for the counter: itself (`None`), or itself
/// plus or minus an i32 constant.
type Step = Option<(BinaryOp, i32)>;

/// What a new header parameter is: `ext(p) * ext(m) + ext(inv)`, `p` the
/// counter it follows.
#[derive(Debug, PartialEq)]
struct Wide {
    m: Option<Inv>,
    inv: Option<Inv>,
}

/// One new header parameter of the wide type, standing for the
/// extensions it replaces (`dead`: the i32 values that computed `x`).
type Widened = Carried<Wide>;

/// The loop of one header and what it widens; its counters' steps
/// cannot wrap.
type Plan = Loop<Step, Wide>;

/// `x` as `p * m + inv`, with the i32 values computing it.
struct Affine {
    p: ValueId,
    m: Option<ValueId>,
    inv: Option<ValueId>,
    product: Option<ValueId>,
}

struct Finder<'a> {
    func: &'a Function,
    ranges: &'a Ranges,
    loops: LoopFinder<'a, Step, Wide>,
    /// The instruction using each value used once.
    user: Vec<Option<(usize, usize)>>,
}

impl<'a> Finder<'a> {
    fn new(
        func: &'a Function,
        cfg: &'a Cfg,
        dom: &'a DomTree,
        loops: &'a Loops,
        ranges: &'a Ranges,
    ) -> Self {
        Finder {
            func,
            ranges,
            loops: LoopFinder::new(func, cfg, dom, loops),
            user: single_users(func),
        }
    }

    fn find(mut self) -> Vec<Plan> {
        for (b, inst) in self.loops.reachable_insts() {
            self.consider(b, inst);
        }
        self.loops.loops
    }

    /// Records the widening of the extension `inst` in block `b` when the
    /// rule allows it.
    fn consider(&mut self, b: usize, inst: &Inst) {
        let Some((kind, ty, x)) = extension(&inst.op) else {
            return;
        };
        let [y] = inst.results[..] else { return };
        let scaled = self.scaled(y);
        let mut found = None;
        for form in self
            .affine(x)
            .into_iter()
            .filter(|f| f.m.is_some() || scaled)
        {
            if let Some(widening) = self.widening(&form, kind, x, b) {
                found = Some((form, widening));
                break;
            }
        }
        let Some((form, (plan, param, m, inv))) = found else {
            return;
        };
        let at = (inst.span, inst.loc);
        let wide = Wide { m, inv };
        let Some(widened) = self.loops.loops[plan].carry(param, ty, wide, at) else {
            return;
        };
        widened.replaced.push(y);
        widened.dead.push(x);
        widened.dead.extend(form.product);
    }

    /// Whether the one use of `y` is a product or shift, an address's
    /// scale, which `strength-reduce` turns into a step once `y` is a
    /// counter. A bare extension of the counter (or of the counter plus
    /// an invariant) used otherwise is left: an add on every iteration
    /// would replace an extension.
    fn scaled(&self, y: ValueId) -> bool {
        let Some((b, i)) = self.user[y.index()] else {
            return false;
        };
        let op = &self.func.blocks[b].insts[i].op;
        matches!(op, Op::Binary(BinaryOp::Mul | BinaryOp::Shl, ..))
    }

    /// The loop, counter position and invariants of `form` (read from
    /// the extension of kind `kind` of `x` in block `b`) when the rule
    /// allows widening it.
    fn widening(
        &mut self,
        form: &Affine,
        kind: ConvKind,
        x: ValueId,
        b: usize,
    ) -> Option<(usize, u32, Option<Inv>, Option<Inv>)> {
        let block = self.func.block_id(b);
        let (plan, param) = self.counter(form.p, b)?;
        let invariant = |v: ValueId| invariant(self.func, &self.loops.loops[plan], v);
        let m = match form.m {
            Some(m) => Some(invariant(m)?),
            None => None,
        };
        let inv = match form.inv {
            Some(v) => Some(invariant(v)?),
            None => None,
        };
        let non_negative =
            || (self.ranges.at(self.func, x, block)).is_some_and(Range::non_negative);
        let ok = self.exact(form, x, block) && (kind == ConvKind::ExtendS || non_negative());
        ok.then_some((plan, param, m, inv))
    }

    /// The ways to read `x` as `p`, `p + inv`, `p * m` or `p * m + inv`
    /// (either operand order), `p` a block parameter: a sum of two
    /// products is read both ways (the loop decides which is invariant).
    fn affine(&self, x: ValueId) -> Vec<Affine> {
        let param = |v: ValueId| matches!(self.func.value(v).def, ValueDef::BlockParam(..));
        let product = |t: ValueId| -> Vec<(ValueId, Option<ValueId>, Option<ValueId>)> {
            if param(t) {
                return vec![(t, None, None)];
            }
            let mut forms = Vec::new();
            if let Some(&Op::Binary(BinaryOp::Mul, Type::I32, a, c)) = def_op(self.func, t) {
                if param(a) {
                    forms.push((a, Some(c), Some(t)));
                }
                if param(c) && c != a {
                    forms.push((c, Some(a), Some(t)));
                }
            }
            forms
        };
        let mut forms: Vec<Affine> = (product(x).into_iter())
            .map(|(p, m, product)| Affine {
                p,
                m,
                inv: None,
                product,
            })
            .collect();
        if let Some(&Op::Binary(BinaryOp::Add, Type::I32, a, c)) = def_op(self.func, x) {
            for (t, inv) in [(a, c), (c, a)] {
                forms.extend(product(t).into_iter().map(|(p, m, product)| Affine {
                    p,
                    m,
                    inv: Some(inv),
                    product,
                }));
            }
        }
        forms
    }

    /// Whether the product and the sum that give `x`, computed in
    /// `block`, cannot wrap.
    fn exact(&self, form: &Affine, x: ValueId, block: BlockId) -> bool {
        let func = self.func;
        let product_exact = match form.m {
            None => true,
            Some(m) => match (
                self.ranges.at(func, form.p, block),
                self.ranges.at(func, m, block),
            ) {
                (Some(a), Some(b)) => {
                    let corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
                    let full = Range::full(Type::I32);
                    corners.iter().all(|c| full.lo <= *c && *c <= full.hi)
                }
                _ => false,
            },
        };
        let sum_exact = match (form.inv, def_op(func, x)) {
            (None, _) => true,
            (Some(_), Some(&Op::Binary(BinaryOp::Add, _, a, c))) => {
                self.ranges.sum_is_exact(func, a, c, false, block)
            }
            _ => false,
        };
        product_exact && sum_exact
    }

    /// The plan and parameter position of `p` when it is a counter of a
    /// loop holding block `b` whose steps cannot wrap.
    fn counter(&mut self, p: ValueId, b: usize) -> Option<(usize, u32)> {
        if !matches!(self.func.value(p).def, ValueDef::BlockParam(..))
            || self.func.value_type(p) != Type::I32
        {
            return None;
        }
        let (func, ranges) = (self.func, self.ranges);
        self.loops
            .counter(p, b, |_, arg| step(func, ranges, p, arg))
    }
}

/// How `arg` follows from `p` when it is `p`, `p + c`, `c + p` or `p - c`
/// computed without wrapping.
fn step(func: &Function, ranges: &Ranges, p: ValueId, arg: ValueId) -> Option<Step> {
    if arg == p {
        return Some(None);
    }
    let ValueDef::InstResult { block, .. } = func.value(arg).def else {
        return None;
    };
    let (c, sub) = match *def_op(func, arg)? {
        Op::Binary(BinaryOp::Add, Type::I32, a, c) if a == p => (c, false),
        Op::Binary(BinaryOp::Add, Type::I32, c, a) if a == p => (c, false),
        Op::Binary(BinaryOp::Sub, Type::I32, a, c) if a == p => (c, true),
        _ => return None,
    };
    let k = const_value(func, c)? as i32;
    let op = if sub { BinaryOp::Sub } else { BinaryOp::Add };
    let exact = ranges.sum_is_exact(func, p, c, sub, block);
    exact.then_some(Some((op, k)))
}

/// `v` as an invariant of the loop of `plan`.
fn invariant(func: &Function, plan: &Plan, v: ValueId) -> Option<Inv> {
    if let Some(k) = const_value(func, v) {
        return Some(Inv::Const(k as i32));
    }
    (!plan.defines(func, v)).then_some(Inv::Value(v))
}

/// The entry value and steps of the new parameter `w`, computed in the
/// preheader `pre` of `header` (`ext(c) * ext(m)` once for each distinct
/// constant `c`), named after the extension it replaces.
fn entry(
    func: &mut Function,
    pre: usize,
    header: BlockId,
    w: &Widened,
    edges: &[BackEdge<Step>],
) -> Entry {
    let name = format!("{}_w", func.value(w.replaced[0]).name);
    let mut at = Emitter {
        func,
        block: pre,
        at: w.at,
        ty: w.ty,
        name: name.clone(),
    };
    let p0 = at.entry_value(header, w.counter);
    let start = at.start(p0, w);
    let mut steps: Vec<(i32, ValueId)> = Vec::new();
    for (_, c) in edges.iter().filter_map(|e| e.step) {
        if !steps.iter().any(|(k, _)| *k == c) {
            let step = at.step(c, w.what.m);
            steps.push((c, step));
        }
    }
    let edge_steps = edges.iter().map(|edge| {
        let (op, c) = edge.step?;
        let step = steps.iter().find(|(k, _)| *k == c).map(|s| s.1);
        Some((op, step.expect("each constant's step was made")))
    });
    (name, start, edge_steps.collect())
}

/// Appends instructions to the end of one block.
struct Emitter<'f> {
    func: &'f mut Function,
    block: usize,
    at: (Span, LocId),
    /// The wide type.
    ty: Type,
    name: String,
}

impl Emitter<'_> {
    /// What the preheader passes the header for its parameter `param`.
    fn entry_value(&self, header: BlockId, param: u32) -> Inv {
        let v = entry_arg(self.func, self.block, header, param);
        match const_value(self.func, v) {
            Some(k) => Inv::Const(k as i32),
            None => Inv::Value(v),
        }
    }

    /// `ext(p0) * ext(m) + ext(inv)`, without the product by a zero
    /// `p0`.
    fn start(&mut self, p0: Inv, w: &Widened) -> ValueId {
        let mut value = match (p0, w.what.m) {
            (Inv::Const(0), _) => None,
            (_, None) => Some(self.extend(p0)),
            (_, Some(m)) => {
                let (a, m) = (self.extend(p0), self.extend(m));
                Some(self.emit(Op::Binary(BinaryOp::Mul, self.ty, a, m)))
            }
        };
        if let Some(inv) = w.what.inv {
            let inv = self.extend(inv);
            value = Some(match value {
                None => inv,
                Some(v) => self.emit(Op::Binary(BinaryOp::Add, self.ty, v, inv)),
            });
        }
        value.unwrap_or_else(|| self.extend(Inv::Const(0)))
    }

    /// `ext(c) * ext(m)`, `ext(m)` for a step of 1.
    fn step(&mut self, c: i32, m: Option<Inv>) -> ValueId {
        match m {
            None => self.extend(Inv::Const(c)),
            Some(m) if c == 1 => self.extend(m),
            Some(m) => {
                let (c, m) = (self.extend(Inv::Const(c)), self.extend(m));
                self.emit(Op::Binary(BinaryOp::Mul, self.ty, c, m))
            }
        }
    }

    /// The sign extension of an i32 to the wide type: a constant when it
    /// is one that fits both targets' pointers.
    fn extend(&mut self, v: Inv) -> ValueId {
        let x = match v {
            Inv::Const(k) if k >= 0 => {
                return self.emit(Op::Const(match self.ty {
                    Type::Ptr => Const::Ptr(k as u64),
                    _ => Const::I64(k.into()),
                }));
            }
            Inv::Const(k) => self.emit(Op::Const(Const::I32(k))),
            Inv::Value(v) => v,
        };
        let conv = ConvOp {
            kind: ConvKind::ExtendS,
            from: Type::I32,
            to: self.ty,
        };
        self.emit(Op::Convert(conv, x))
    }

    /// Appends `op` to the block: its result.
    fn emit(&mut self, op: Op) -> ValueId {
        let name = self.name.clone();
        append(self.func, self.block, op, self.ty, name, self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Module;
    use crate::lower::passes::testing::{check_generated, parse, rewritten, same_outcomes};
    use crate::value::Value;

    /// The module after `widen-iv` (which must verify), and its text.
    fn widened(module: &Module) -> (Module, String) {
        let after = rewritten(module, |_, f| widen_ivs(f));
        let text = crate::text::print_module(&after);
        (after, text)
    }

    fn i32s(lists: &[&[i32]]) -> Vec<Vec<Value>> {
        let list = |l: &&[i32]| l.iter().map(|&x| Value::I32(x)).collect();
        lists.iter().map(list).collect()
    }

    /// A matrix product's loop nest as the naive frontend writes it, `n`
    /// capped at 160: both addresses `@a + sext(i * n + k) * 8` and `@b +
    /// sext(k * n + j) * 8` get wide counters, no i32 index is extended in
    /// the inner loop, and `strength-reduce` then walks pointers.
    const MATMUL: &str = "data @a align 8 = zero 204800\n\
        pub fn @f(%n0: i32, %j: i32) -> f64 {\n\
        entry:\n  %cap = i32.const 160\n  %big = i32.gt_s %n0, %cap\n  brif %big, top(%cap), top(%n0)\n\
        top(%n: i32):\n  %z = i32.const 0\n  %zf = f64.const 0.0\n  %jn = i32.lt_s %j, %n\n\
          brif %jn, low, done(%zf)\n\
        low:\n  %j0 = i32.const 0\n  %jp = i32.ge_s %j, %j0\n  brif %jp, go, done(%zf)\n\
        go:\n  jump outer(%z, %zf)\n\
        outer(%i: i32, %acc: f64):\n  %more_i = i32.lt_s %i, %n\n  brif %more_i, pre, done(%acc)\n\
        pre:\n  %row = i32.mul %i, %n\n  %z2 = i32.const 0\n  jump inner(%z2, %acc)\n\
        inner(%k: i32, %s: f64):\n  %more = i32.lt_s %k, %n\n  brif %more, body, next\n\
        body:\n  %base = data.addr @a\n  %idx = i32.add %row, %k\n  %w = ptr.extend_i32_s %idx\n\
          %eight = ptr.const 8\n  %off = ptr.mul %w, %eight\n  %p = ptr.add %base, %off\n\
          %kf = f64.convert_i32_s %k\n  f64.store %p, %kf\n  %x = f64.load %p\n\
          %kn = i32.mul %k, %n\n  %idx2 = i32.add %kn, %j\n  %w2 = ptr.extend_i32_s %idx2\n\
          %off2 = ptr.mul %w2, %eight\n  %p2 = ptr.add %base, %off2\n  %y = f64.load %p2\n\
          %xy = f64.mul %x, %y\n  %s1 = f64.add %s, %xy\n\
          %one = i32.const 1\n  %k1 = i32.add %k, %one\n  jump inner(%k1, %s1)\n\
        next:\n  %one2 = i32.const 1\n  %i1 = i32.add %i, %one2\n  jump outer(%i1, %s)\n\
        done(%r: f64):\n  return %r\n}\n";

    #[test]
    fn a_capped_matrix_product_walks_pointers() {
        let module = parse(MATMUL);
        let (after, text) = widened(&module);
        let body = text.split("body:").nth(1).expect("body");
        let body = body.split("next:").next().expect("next");
        assert!(!body.contains("extend_i32_s"), "{text}");
        let args = i32s(&[
            &[0, 0],
            &[3, 1],
            &[17, 16],
            &[160, 5],
            &[1000, 159],
            &[-5, 0],
            &[9, 9],
        ]);
        same_outcomes(&module, &after, &args);
        // Strength reduction then leaves no product in the inner loop.
        let reduced = rewritten(&after, |_, f| super::super::strength::reduce_strength(f));
        let text = crate::text::print_module(&reduced);
        let body = text.split("body:").nth(1).expect("body");
        let body = body.split("next:").next().expect("next");
        assert!(
            !body.contains("ptr.mul") && !body.contains("i32.mul"),
            "{text}"
        );
        assert!(
            !text.contains("%w ="),
            "the widened counters are gone: {text}"
        );
        same_outcomes(&module, &reduced, &args);
    }

    /// Without the cap, `i * n + k` may wrap: the nest is left alone but
    /// for `k` itself... which is not extended here; nothing changes.
    #[test]
    fn an_uncapped_product_stays() {
        let text = MATMUL.replace("brif %big, top(%cap), top(%n0)", "jump top(%n0)");
        let module = parse(&text);
        let (after, printed) = widened(&module);
        let body = printed.split("body:").nth(1).expect("body");
        assert_eq!(body.matches("extend_i32_s").count(), 2, "{printed}");
        same_outcomes(&module, &after, &i32s(&[&[3, 1], &[40, 39]]));
    }

    /// A counter from `%s` while `cmp %n` (`lt_s`, `le_s`), at most 20
    /// trips, summing the extension of `index` (`%k`, or `%kx` = `%k +
    /// %x`) times 3 into an i64. When `guarded`, the function returns -1 unless
    /// `-1000 < %x < 1000`, `%s >= 0` and `%n < i32::MAX - 1000`.
    fn counter(cmp: &str, guarded: bool, index: &str) -> String {
        let guard = if guarded {
            "  %lim = i32.const 1000\n  %xs = i32.lt_s %x, %lim\n  brif %xs, g1, out0\n\
             g1:\n  %neg = i32.const -1000\n  %xg = i32.gt_s %x, %neg\n  brif %xg, g2, out0\n\
             g2:\n  %z0 = i32.const 0\n  %sg = i32.ge_s %s, %z0\n  brif %sg, g3, out0\n\
             g3:\n  %top = i32.const 2147482647\n  %ng = i32.lt_s %n, %top\n  brif %ng, go, out0\n"
        } else {
            "  jump go\n"
        };
        format!(
            "pub fn @f(%s: i32, %n: i32, %x: i32) -> i64 {{\n\
             entry:\n{guard}\
             out0:\n  %m1 = i64.const -1\n  return %m1\n\
             go:\n  %z = i32.const 0\n  %z64 = i64.const 0\n  jump l(%s, %z, %z64)\n\
             l(%k: i32, %t: i32, %acc: i64):\n  %lt = i32.{cmp} %k, %n\n  %twenty = i32.const 20\n\
               %tl = i32.lt_s %t, %twenty\n  brif %lt, check, out\n\
             check:\n  brif %tl, body, out\n\
             body:\n  %kx = i32.add %k, %x\n  %w = i64.extend_i32_s {index}\n  %three = i64.const 3\n\
               %w3 = i64.mul %w, %three\n  %acc1 = i64.add %acc, %w3\n\
               %one = i32.const 1\n  %k1 = i32.add %k, %one\n  %t1 = i32.add %t, %one\n\
               jump l(%k1, %t1, %acc1)\n\
             out:\n  return %acc\n}}\n"
        )
    }

    fn f(module: &Module) -> &Function {
        module.func(module.func_by_name("f").expect("f"))
    }

    /// `%k + %x` with the guards: neither the step nor the sum can wrap.
    #[test]
    fn a_guarded_sum_is_widened() {
        let module = parse(&counter("lt_s", true, "%kx"));
        let (after, text) = widened(&module);
        assert!(!text.contains("i64.extend_i32_s %kx"), "{text}");
        let max = i32::MAX;
        let args = i32s(&[
            &[0, 10, 5],
            &[max - 1500, max - 1002, 999],
            &[max - 1010, max - 1002, -999],
            &[0, 30, -999],
            &[5, 3, 0],
            &[-1, 3, 0],
            &[0, max, 0],
        ]);
        same_outcomes(&module, &after, &args);
    }

    /// `%k < %n` alone bounds `%k + 1` by i32::MAX: the counter is
    /// widened, also when it runs up to i32::MAX - 1 or starts at
    /// i32::MIN.
    #[test]
    fn a_bounded_counter_near_the_top_is_widened() {
        let module = parse(&counter("lt_s", false, "%k"));
        let (after, text) = widened(&module);
        assert!(!text.contains("i64.extend_i32_s %k\n"), "{text}");
        let (max, min) = (i32::MAX, i32::MIN);
        let args = i32s(&[
            &[max - 10, max, 0],
            &[min, min + 5, 0],
            &[-3, 40, 0],
            &[7, 2, 0],
        ]);
        same_outcomes(&module, &after, &args);
    }

    /// With `<=`, at `%n` = i32::MAX the counter wraps to i32::MIN, where a
    /// wide counter would hold 2^31: it stays. Without the guards, `%k +
    /// %x` may wrap: it stays. (Each is widened with the other bound:
    /// `a_bounded_counter_near_the_top_is_widened`,
    /// `a_guarded_sum_is_widened`.)
    #[test]
    fn a_counter_that_may_wrap_or_a_sum_that_may_stays() {
        let module = parse(&counter("le_s", false, "%k"));
        assert_eq!(widen_ivs(f(&module)), None);
        let module = parse(&counter("lt_s", false, "%kx"));
        assert_eq!(widen_ivs(f(&module)), None);
        // A bare extension that no product scales: an add per iteration
        // would only replace it.
        let bare = counter("lt_s", false, "%k")
            .replace("%acc1 = i64.add %acc, %w3", "%acc1 = i64.add %acc, %w");
        assert_eq!(widen_ivs(f(&parse(&bare))), None);
    }

    /// A zero extension is widened where the value is provably
    /// non-negative, and left where it may be negative.
    #[test]
    fn zero_extensions_of_non_negative_values() {
        let text = counter("lt_s", true, "%kx").replace("extend_i32_s", "extend_i32_u");
        let module = parse(&text);
        assert_eq!(widen_ivs(f(&module)), None);
        let non_negative = text.replace("%neg = i32.const -1000", "%neg = i32.const -1");
        let module = parse(&non_negative);
        let (after, printed) = widened(&module);
        assert!(!printed.contains("extend_i32_u %kx"), "{printed}");
        let args = i32s(&[&[0, 10, 5], &[3, 100, 999], &[0, 3, 0], &[0, 3, -1]]);
        same_outcomes(&module, &after, &args);
    }

    /// The random programs of `difftest` compute the same widened.
    #[test]
    fn generated_programs_compute_the_same_widened() {
        check_generated(0..300, |_, f| widen_ivs(f));
    }
}
