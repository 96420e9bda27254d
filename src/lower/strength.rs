//! Strength reduction of induction-variable products: in a loop whose
//! header parameter `%i` enters as `i0` and comes back as `%i + c` on every
//! back edge (`c` a constant or a value defined outside the loop), a
//! product `%i * m` (or `%i << s`), possibly plus `x`, with `m`, `s`, `x`
//! loop-invariant (defined outside the loop, or a constant or a
//! `data.addr`, copied into the preheader), becomes a new header parameter `%j` that enters as
//! `i0 * m (+ x)`, computed in the preheader, and comes back as
//! `%j + c * m`. A naive frontend writes `a[k * n + j]` in the inner loop
//! of a matrix product: the multiply runs on every iteration, where an
//! add of `n` carried from one iteration to the next gives the same value.
//!
//! Why it is exact: integer arithmetic wraps, so it is arithmetic modulo
//! 2^w (w the type's width: 32, 64, or the target's pointer width), a ring
//! where multiplication distributes over addition: `(i + c) * m = i * m +
//! c * m`. So if `j = i * m + x` holds at the header, it holds again at the
//! next iteration when `j` is passed back as `j + c * m`, whatever
//! overflows (the wrapped product in the original is the wrapped sum
//! here), and it holds on entry by construction. A shift is a product by
//! `2^(s mod w)`, and `(i + c) << s = (i << s) + (c << s)` likewise; the
//! step is computed with the same shift, so it is exact on both targets
//! for `ptr`. Each back edge is treated on its own: one that passes `%i +
//! c` passes `%j + c * m`, one that passes `%i - c` passes `%j - c * m`,
//! one that passes `%i` itself passes `%j`, so the relation holds on
//! entering the header whichever edge was taken. A step `c` that is not a
//! constant but is defined outside the loop is the same on every
//! iteration: `c * m` is computed once, in the preheader. Inside an
//! iteration `%i` does not change, so `%j` equals the expression wherever
//! the loop evaluates it, and after the loop, where a use of the
//! expression was dominated by its definition (hence by the header), `%j`
//! still holds the last iteration's value.
//!
//! The expression need not run on every iteration (it may sit in one arm
//! of a branch): the add on the back edge is pure and cannot trap, so
//! running it on iterations that would not have computed the product
//! changes nothing observable; it costs one add per iteration.
//!
//! When it pays: each reduction costs a new loop-carried value and an add
//! per back edge. It saves a multiply when `m` is not a constant power of
//! two, and a multiply or shift and an add when the product's only use is
//! `+ x` with `x` invariant (then the pair becomes `%j`). A product by a
//! power of two (a shift) that is not followed by such an add is left
//! alone: an add instead of a shift saves nothing. Identical expressions
//! (same `%i`, operator, `m` and `x`) share one parameter; a loop gets at
//! most [`MAX_PER_LOOP`](super::loops::MAX_PER_LOOP) new parameters. A
//! matrix product's address `sext(k * n + j) * 8 + @b` reduces to
//! `sext(%j) * 8 + @b`: the sign extension stops the reduction at i32
//! (`sext(j + n)` is not `sext(j) + sext(n)` when the sum wraps).
//!
//! It runs after `licm` (the row `i * n` of an inner loop is then in the
//! inner preheader, inside the outer loop, where it is reduced in turn)
//! and before `unroll` (an unrolled copy then adds instead of
//! multiplying). It uses the natural loops of [`crate::analysis`] and the
//! preheaders of [`super::licm::preheader`]; irreducible functions, loops
//! headed by the entry block and loops of more than
//! [`MAX_LOOP_BLOCKS`](super::loops::MAX_LOOP_BLOCKS) blocks are left
//! alone ([`super::loops`] finds them and their induction variables).
//! Each instruction is looked at once, and each loop's blocks once per
//! header that has a product to reduce: the pass stays linear but for the
//! nesting depth, bounded by the loop size limit.

use super::licm::movable;
use super::loops::{
    BackEdge, Carried, Entry, Loop, LoopFinder, add_all_carried, append, entry_arg, single_users,
};
use super::unroll::def_op;
use crate::analysis::{Cfg, DomTree, Loops, reducible_loops};
use crate::diag::Span;
use crate::fxhash::FxHashSet;
use crate::ir::{
    BinaryOp, BlockId, Const, DataId, Function, Inst, LocId, Op, Type, ValueDef, ValueId,
};

/// The function with its induction-variable products strength-reduced, or
/// `None` when there is none to reduce.
pub(super) fn reduce_strength(func: &Function) -> Option<Function> {
    // The analyses cost more than the rest: run them only when some
    // product reads a block parameter.
    if !func
        .blocks
        .iter()
        .flat_map(|b| &b.insts)
        .any(|i| product_of_param(func, i))
    {
        return None;
    }
    let (cfg, dom, loops) = reducible_loops(func)?;
    let plans = Finder::new(func, &cfg, &dom, &loops).find();
    let (mut out, seeds) = add_all_carried(func, &cfg, &plans, entry)?;
    // The replaced products and sums, then what only they read (the
    // frontend's constants in the loop).
    super::offsets::remove_dead(&mut out, |inst| {
        movable(&inst.op)
            && (matches!(inst.op, Op::Const(_) | Op::DataAddr(_))
                || inst.results.iter().any(|r| seeds.contains(r)))
    });
    // The counters that only the replaced products read (those `widen-iv`
    // made), then their entry values.
    let freed: FxHashSet<ValueId> = super::dead_counters::remove_dead_counters(&mut out)
        .into_iter()
        .collect();
    if !freed.is_empty() {
        super::offsets::remove_dead(&mut out, |inst| {
            movable(&inst.op) && inst.results.iter().any(|r| freed.contains(r))
        });
    }
    Some(out)
}

/// Whether `inst` is an integer `mul` or `shl` reading a block parameter:
/// a product worth the analyses.
fn product_of_param(func: &Function, inst: &Inst) -> bool {
    let Op::Binary(BinaryOp::Mul | BinaryOp::Shl, ty, a, b) = inst.op else {
        return false;
    };
    let param = |v: ValueId| matches!(func.value(v).def, ValueDef::BlockParam(..));
    ty.is_int() && (param(a) || param(b))
}

/// A loop-invariant operand: a value defined outside the loop, or a
/// constant or a data symbol's address (wherever the frontend put it: it
/// is copied into the preheader).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Inv {
    Value(ValueId),
    Const(Const),
    Data(DataId),
}

/// What a back edge passes for the induction variable.
#[derive(Clone, Copy, Debug)]
enum Delta {
    Same,
    Add(Inv),
    Sub(Inv),
}

/// What a new header parameter is: `iv ⊗ m (+ x)`, `iv` the induction
/// variable it follows.
#[derive(Debug, PartialEq)]
struct Product {
    scale: BinaryOp,
    m: Inv,
    x: Option<Inv>,
}

/// One new header parameter, standing for the products or sums it
/// replaces (`dead`: the products folded into a replaced sum).
type Reduction = Carried<Product>;

/// The reductions of one loop, the back edges of its induction variables
/// passing [`Delta`]s.
type Plan = Loop<Delta, Product>;

/// The analysis: loops found on demand, in the order their products
/// appear.
struct Finder<'a> {
    func: &'a Function,
    loops: LoopFinder<'a, Delta, Product>,
    /// The single user of each value used once: (block, instruction).
    user: Vec<Option<(usize, usize)>>,
}

impl<'a> Finder<'a> {
    fn new(func: &'a Function, cfg: &'a Cfg, dom: &'a DomTree, loops: &'a Loops) -> Self {
        Finder {
            func,
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

    /// Records the reduction of `inst`, in block `b`, when it is an
    /// induction variable's product worth reducing.
    fn consider(&mut self, b: usize, inst: &Inst) {
        let Op::Binary(scale @ (BinaryOp::Mul | BinaryOp::Shl), ty, a, c) = inst.op else {
            return;
        };
        if !ty.is_int() || inst.results.len() != 1 {
            return;
        }
        let mut tries = vec![(a, c)];
        if scale == BinaryOp::Mul {
            tries.push((c, a));
        }
        for (iv, m) in tries {
            if let Some((plan, param)) = self.induction(iv, b)
                && let Some(m) = invariant(self.func, &self.loops.loops[plan], m)
                && !matches!(m, Inv::Const(k) if k.int_bits() == Some(0) && scale == BinaryOp::Mul)
            {
                self.record(plan, param, scale, ty, m, inst);
                return;
            }
        }
    }

    /// The plan and parameter position of `v` when it is an induction
    /// variable of a loop holding block `b`.
    fn induction(&mut self, v: ValueId, b: usize) -> Option<(usize, u32)> {
        let func = self.func;
        self.loops
            .counter(v, b, |plan, arg| delta(func, plan, v, arg))
    }

    /// Adds the reduction of the product `inst` (`iv ⊗ m`): of its sum
    /// when its one use is `+ x` in the loop, `x` invariant, else of the
    /// product itself when that pays.
    fn record(&mut self, plan: usize, param: u32, scale: BinaryOp, ty: Type, m: Inv, inst: &Inst) {
        let p = inst.results[0];
        let sum = self.sum_of(plan, p, ty);
        if sum.is_none() && !product_pays(scale, m) {
            return;
        }
        let x = sum.map(|(_, x)| x);
        let replaced = sum.map_or(p, |(q, _)| q);
        let product = Product { scale, m, x };
        let at = (inst.span, inst.loc);
        let Some(reduction) = self.loops.loops[plan].carry(param, ty, product, at) else {
            return;
        };
        reduction.replaced.push(replaced);
        if sum.is_some() {
            reduction.dead.push(p);
        }
    }

    /// `(q, x)` when the one use of `p` is `q = p + x` (or `x + p`) in the
    /// loop of `plan`, `x` invariant.
    fn sum_of(&self, plan: usize, p: ValueId, ty: Type) -> Option<(ValueId, Inv)> {
        let (b, i) = self.user[p.index()]?;
        let inst = &self.func.blocks[b].insts[i];
        let Op::Binary(BinaryOp::Add, t, l, r) = inst.op else {
            return None;
        };
        let plan = &self.loops.loops[plan];
        let other = if l == p { r } else { l };
        if t != ty || other == p || !plan.in_loop.contains(&b) {
            return None;
        }
        Some((inst.results[0], invariant(self.func, plan, other)?))
    }
}

/// How `arg`, passed back to the header of `plan` for `iv`, follows from
/// it.
fn delta(func: &Function, plan: &Plan, iv: ValueId, arg: ValueId) -> Option<Delta> {
    if arg == iv {
        return Some(Delta::Same);
    }
    let ty = func.value_type(iv);
    match *def_op(func, arg)? {
        Op::Binary(BinaryOp::Add, t, a, c) if t == ty && a == iv => {
            Some(Delta::Add(invariant(func, plan, c)?))
        }
        Op::Binary(BinaryOp::Add, t, c, a) if t == ty && a == iv => {
            Some(Delta::Add(invariant(func, plan, c)?))
        }
        Op::Binary(BinaryOp::Sub, t, a, c) if t == ty && a == iv => {
            Some(Delta::Sub(invariant(func, plan, c)?))
        }
        _ => None,
    }
}

/// `v` as an invariant of the loop of `plan`: a constant, or a value
/// defined outside the loop.
fn invariant(func: &Function, plan: &Plan, v: ValueId) -> Option<Inv> {
    match def_op(func, v) {
        Some(&Op::Const(k)) => Some(Inv::Const(k)),
        Some(&Op::DataAddr(d)) => Some(Inv::Data(d)),
        _ => (!plan.defines(func, v)).then_some(Inv::Value(v)),
    }
}

/// Whether a product on its own is worth a loop-carried value: a multiply
/// but by zero or a power of two (a shift, as cheap as the add).
fn product_pays(scale: BinaryOp, m: Inv) -> bool {
    scale == BinaryOp::Mul
        && !matches!(m, Inv::Const(k) if k.int_bits().is_some_and(|b| b == 0 || b.is_power_of_two()))
}

/// The entry value and steps of the new parameter `r`, computed in the
/// preheader `pre` of `header` (each `c * m` once), named after the value
/// it replaces.
fn entry(
    func: &mut Function,
    pre: usize,
    header: BlockId,
    r: &Reduction,
    edges: &[BackEdge<Delta>],
) -> Entry {
    let name = func.value(r.replaced[0]).name.clone();
    let mut at = Emitter {
        func,
        block: pre,
        at: r.at,
        ty: r.ty,
        name: format!("{name}_sr"),
    };
    let start = at.start(header, r);
    let steps = at.steps(edges, r);
    (name, start, steps)
}

/// Appends instructions to the end of one block, folding what constants
/// allow.
struct Emitter<'f> {
    func: &'f mut Function,
    block: usize,
    at: (Span, LocId),
    ty: Type,
    /// The name of the values it makes.
    name: String,
}

impl Emitter<'_> {
    /// The new parameter's entry value, `i0 * m (+ x)`.
    fn start(&mut self, header: BlockId, r: &Reduction) -> ValueId {
        let i0 = self.entry_value(header, r.counter);
        let product = self.scaled(i0, r.what.m, r.what.scale);
        let start = match r.what.x {
            Some(x) => self.add(product, x),
            None => product,
        };
        self.value(start)
    }

    /// What each back edge adds to (or subtracts from) the new parameter:
    /// `c * m` for its `c`, made once per distinct `c`; `None` for an
    /// edge that passes the counter unchanged.
    fn steps(
        &mut self,
        edges: &[BackEdge<Delta>],
        r: &Reduction,
    ) -> Vec<Option<(BinaryOp, ValueId)>> {
        let mut made: Vec<(Inv, ValueId)> = Vec::new();
        let mut steps = Vec::with_capacity(edges.len());
        for edge in edges {
            let (op, c) = match edge.step {
                Delta::Same => {
                    steps.push(None);
                    continue;
                }
                Delta::Add(c) => (BinaryOp::Add, c),
                Delta::Sub(c) => (BinaryOp::Sub, c),
            };
            let step = match made.iter().find(|(k, _)| *k == c) {
                Some(&(_, step)) => step,
                None => {
                    let scaled = self.scaled(c, r.what.m, r.what.scale);
                    let step = self.value(scaled);
                    made.push((c, step));
                    step
                }
            };
            steps.push(Some((op, step)));
        }
        steps
    }

    /// What the preheader passes the header for its parameter `param`.
    fn entry_value(&self, header: BlockId, param: u32) -> Inv {
        let v = entry_arg(self.func, self.block, header, param);
        match def_op(self.func, v) {
            Some(&Op::Const(k)) => Inv::Const(k),
            _ => Inv::Value(v),
        }
    }

    /// `a * m` or `a << m`.
    fn scaled(&mut self, a: Inv, m: Inv, scale: BinaryOp) -> Inv {
        let (ka, km) = (self.bits(a), self.bits(m));
        match (scale, ka, km) {
            (_, Some(0), _) => a,
            (BinaryOp::Mul, _, Some(0)) => m,
            (BinaryOp::Mul, Some(1), _) => m,
            (BinaryOp::Mul, _, Some(1)) | (BinaryOp::Shl, _, Some(0)) => a,
            (BinaryOp::Mul, Some(x), Some(y)) if self.ty != Type::Ptr => {
                self.fold(x.wrapping_mul(y))
            }
            (BinaryOp::Shl, Some(x), Some(y)) if self.ty != Type::Ptr => {
                let width = if self.ty == Type::I32 { 32 } else { 64 };
                self.fold(x << (y % width))
            }
            _ => {
                let (a, m) = (self.value(a), self.value(m));
                Inv::Value(self.emit(Op::Binary(scale, self.ty, a, m)))
            }
        }
    }

    /// `a + x`.
    fn add(&mut self, a: Inv, x: Inv) -> Inv {
        match (self.bits(a), self.bits(x)) {
            (Some(0), _) => x,
            (_, Some(0)) => a,
            (Some(p), Some(q)) if self.ty != Type::Ptr => self.fold(p.wrapping_add(q)),
            _ => {
                let (a, x) = (self.value(a), self.value(x));
                Inv::Value(self.emit(Op::Binary(BinaryOp::Add, self.ty, a, x)))
            }
        }
    }

    fn bits(&self, v: Inv) -> Option<u64> {
        match v {
            Inv::Const(k) => k.int_bits(),
            Inv::Value(_) | Inv::Data(_) => None,
        }
    }

    /// A constant of the emitter's type (i32 or i64) from wrapped bits.
    fn fold(&self, bits: u64) -> Inv {
        Inv::Const(match self.ty {
            Type::I32 => Const::I32(bits as u32 as i32),
            _ => Const::I64(bits as i64),
        })
    }

    /// The value of `v`, a new constant in the block for a constant.
    fn value(&mut self, v: Inv) -> ValueId {
        match v {
            Inv::Value(v) => v,
            Inv::Const(k) => self.emit(Op::Const(k)),
            Inv::Data(d) => self.emit(Op::DataAddr(d)),
        }
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
    use crate::interp::Interpreter;
    use crate::ir::{Module, Target};
    use crate::lower::passes::testing::{check_generated, parse, rewritten};
    use crate::value::Value;

    fn f(module: &Module) -> &Function {
        module.func(module.func_by_name("f").expect("f"))
    }

    /// The rewritten module (which must verify), its text.
    fn reduced(module: &Module) -> (Module, String) {
        let after = rewritten(module, |_, f| reduce_strength(f));
        let text = crate::text::print_module(&after);
        (after, text)
    }

    /// `@f` gives the same results (or traps) before and after, for each
    /// argument list, on both targets; `ptr` arguments given as i64 are
    /// wrapped to i32 on wasm32.
    fn same_results(before: &Module, after: &Module, args: &[Vec<Value>]) {
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut a = Interpreter::new(before, target).expect("instantiates");
            let mut b = Interpreter::new(after, target).expect("instantiates");
            let params = &f(before).sig.params;
            for args in args {
                let args: Vec<Value> = (args.iter().zip(params))
                    .map(|(v, ty)| match (v, ty, target) {
                        (Value::I64(x), Type::Ptr, Target::Wasm32) => Value::I32(*x as i32),
                        _ => *v,
                    })
                    .collect();
                a.set_fuel(Some(10_000_000));
                b.set_fuel(Some(10_000_000));
                assert_eq!(
                    format!("{:?}", b.call("f", &args)),
                    format!("{:?}", a.call("f", &args)),
                    "{target} {args:?}"
                );
            }
        }
    }

    /// A loop of `%n` trips whose counter `%i` of type `ty` starts at
    /// `start` and is passed back as `BACK` (`%i + %c`, ...); the body
    /// folds `%i * %m + %x` into a hash.
    fn stepped(ty: &str, start: i64, back: &str) -> String {
        // A `ptr` constant fits in 32 bits.
        let start = if ty == "ptr" {
            start as u32 as i64
        } else {
            start
        };
        format!(
            "pub fn @f(%n: i32, %m: {ty}, %x: {ty}, %s: {ty}) -> {ty} {{\n\
             entry:\n  %i0 = {ty}.const {start}\n  %t0 = i32.const 0\n  jump l(%i0, %t0, %i0)\n\
             l(%i: {ty}, %t: i32, %acc: {ty}):\n  %go = i32.lt_s %t, %n\n  brif %go, body, out\n\
             body:\n  %k = {ty}.const 31\n  %c = {ty}.const 3\n  %p = {ty}.mul %i, %m\n\
               %q = {ty}.add %p, %x\n  %h = {ty}.mul %acc, %k\n  %acc1 = {ty}.xor %h, %q\n\
               %one = i32.const 1\n  %t1 = i32.add %t, %one\n  %i1 = {back}\n  jump l(%i1, %t1, %acc1)\n\
             out:\n  return %acc\n}}\n"
        )
    }

    fn stepped_args() -> Vec<Vec<Value>> {
        let mut all = Vec::new();
        for (n, m, x, s) in [
            (0, 7, 1, 2),
            (10, 7, 1, 2),
            (25, -3, 100, -7),
            (40, 0x7fff_ffff, -1, 0x4000_0001),
            (40, i64::MIN + 3, 5, i64::MAX),
        ] {
            all.push(vec![
                Value::I32(n),
                Value::I64(m),
                Value::I64(x),
                Value::I64(s),
            ]);
        }
        all
    }

    /// The same argument lists with i32 values for `m`, `x`, `s`.
    fn as_i32(args: &[Vec<Value>]) -> Vec<Vec<Value>> {
        let narrow = |v: &Value| match v {
            Value::I64(x) => Value::I32(*x as i32),
            other => *other,
        };
        args.iter()
            .map(|a| a.iter().map(narrow).collect())
            .collect()
    }

    /// Every type, start and step form: the product and its sum become a
    /// header parameter (no multiply by `%m` is left in the body) and the
    /// results are the same, also where the product wraps.
    #[test]
    fn steps_of_any_sign_and_wrapping_products_give_the_same_results() {
        let forms = [
            ("step of 3", "add %i, %c"),
            ("step first", "add %c, %i"),
            ("negative step", "sub %i, %c"),
            ("invariant step", "add %i, %s"),
        ];
        for ty in ["i32", "i64", "ptr"] {
            for start in [0, 5, -2_000_000_000] {
                for (what, back) in forms {
                    let text = stepped(ty, start, &format!("{ty}.{back}"));
                    let module = parse(&text);
                    let (after, printed) = reduced(&module);
                    let body = printed.split("body:").nth(1).expect("body");
                    let body = body.split("out:").next().expect("out");
                    assert!(!body.contains("mul %i, %m"), "{ty} {what}: {printed}");
                    assert_eq!(body.matches(".mul").count(), 1, "{ty} {what}: {printed}");
                    let args = match ty {
                        "i32" => as_i32(&stepped_args()),
                        _ => stepped_args(),
                    };
                    same_results(&module, &after, &args);
                }
            }
        }
    }

    /// A loop nest as a naive frontend writes a matrix product's: `k * n +
    /// j` in the inner loop, `i * n` in the outer one (hoisted there by
    /// licm): both become loop-carried values.
    const MATMUL: &str = "pub fn @f(%n: i32) -> i32 {\n\
        entry:\n  %z = i32.const 0\n  jump outer(%z, %z)\n\
        outer(%i: i32, %acc: i32):\n  %go = i32.lt_s %i, %n\n  brif %go, pre, done\n\
        pre:\n  %row = i32.mul %i, %n\n  %z2 = i32.const 0\n  jump inner(%z2, %acc)\n\
        inner(%k: i32, %s: i32):\n  %more = i32.lt_s %k, %n\n  brif %more, body, next\n\
        body:\n  %kn = i32.mul %k, %n\n  %idx = i32.add %kn, %i\n  %a = i32.add %row, %k\n\
          %ab = i32.mul %a, %idx\n  %s1 = i32.add %s, %ab\n  %one = i32.const 1\n  %k1 = i32.add %k, %one\n\
          jump inner(%k1, %s1)\n\
        next:\n  %one2 = i32.const 1\n  %i1 = i32.add %i, %one2\n  jump outer(%i1, %s)\n\
        done:\n  return %acc\n}\n";

    #[test]
    fn a_matrix_product_nest_adds_instead_of_multiplying() {
        let module = parse(MATMUL);
        let (after, text) = reduced(&module);
        // Only the product of two varying values is left.
        assert_eq!(text.matches("i32.mul").count(), 1, "{text}");
        assert!(text.contains("i32.mul %a, "), "{text}");
        let args: Vec<Vec<Value>> = [0, 1, 3, 17, 100, 70_000]
            .iter()
            .map(|&n| vec![Value::I32(n)])
            .take(5)
            .collect();
        same_results(&module, &after, &args);
    }

    /// Three back edges: `+ 3`, `- 5` and the counter unchanged; the
    /// reduced value follows each.
    #[test]
    fn several_back_edges_each_step_their_own_way() {
        let module = parse(
            "pub fn @f(%n: i32, %m: i32, %x: i32) -> i32 {\n\
             entry:\n  %z = i32.const 0\n  jump l(%z, %z, %z)\n\
             l(%i: i32, %t: i32, %acc: i32):\n  %go = i32.lt_s %t, %n\n  brif %go, body, out\n\
             body:\n  %p = i32.mul %i, %m\n  %q = i32.add %x, %p\n  %acc1 = i32.xor %acc, %q\n\
               %one = i32.const 1\n  %t1 = i32.add %t, %one\n  %three = i32.const 3\n\
               %r = i32.rem_u %t, %three\n  switch %r, [a, b], c\n\
             a:\n  %i1 = i32.add %i, %three\n  %k = i32.const 7\n  %h = i32.mul %acc1, %k\n  jump l(%i1, %t1, %h)\n\
             b:\n  %five = i32.const 5\n  %i2 = i32.sub %i, %five\n  jump l(%i2, %t1, %acc1)\n\
             c:\n  jump l(%i, %t1, %acc1)\n\
             out:\n  return %acc\n}\n",
        );
        let (after, text) = reduced(&module);
        assert!(!text.contains("mul %i, %m"), "{text}");
        let args: Vec<Vec<Value>> = [(0, 3, 4), (20, 7, -9), (31, i32::MAX, 1)]
            .iter()
            .map(|&(n, m, x)| vec![Value::I32(n), Value::I32(m), Value::I32(x)])
            .collect();
        same_results(&module, &after, &args);
    }

    /// A counter passed back as `%i * 2 + 1` is no induction variable, a
    /// product by a value computed in the loop is not invariant, and a
    /// product by 8 with no `+ x` is a shift already: all stay.
    #[test]
    fn non_inductions_variant_factors_and_shifts_stay() {
        let not_iv = stepped("i32", 1, "i32.mul %i, %c");
        assert_eq!(reduce_strength(f(&parse(&not_iv))), None);
        let variant = stepped("i32", 0, "i32.add %i, %c").replace("mul %i, %m", "mul %i, %acc");
        assert_eq!(reduce_strength(f(&parse(&variant))), None);
        let shift = stepped("i32", 0, "i32.add %i, %c")
            .replace("mul %i, %m", "mul %i, %e")
            .replace("add %p, %x", "add %p, %p")
            .replace("body:", "body:\n  %e = i32.const 8");
        assert_eq!(reduce_strength(f(&parse(&shift))), None);
        // With `+ x` after it, the pair goes.
        let pair = stepped("i32", 0, "i32.add %i, %c").replace("mul %i, %m", "shl %i, %c");
        let module = parse(&pair);
        let (after, text) = reduced(&module);
        assert!(!text.contains("shl %i"), "{text}");
        same_results(&module, &after, &as_i32(&stepped_args()));
    }

    /// A loop that an unreachable block also jumps to is left alone: that
    /// edge would lack the new parameter's argument.
    #[test]
    fn a_header_with_an_unreachable_predecessor_stays() {
        let text = stepped("i32", 0, "i32.add %i, %c")
            .replace("out:\n", "dead:\n  jump l(%n, %n, %n)\nout:\n");
        let module = parse(&text);
        assert!(text.contains("dead:"), "{text}");
        assert_eq!(reduce_strength(f(&module)), None);
    }

    /// The random programs of `difftest` compute the same reduced; a few of
    /// their loops (5 functions of 400 programs) step a counter
    /// that a product reads.
    #[test]
    fn generated_programs_compute_the_same_reduced() {
        let changed = check_generated(0..400, |_, f| reduce_strength(f));
        assert!(changed >= 4, "only {changed} functions changed");
    }
}
