//! Full unrolling of counted loops that hold other loops, where the copies
//! read read-only data at constant addresses or bound an inner loop by a
//! constant. A naive frontend's
//! `for (p i32 0 4)` over a table of patterns and their lengths
//! (`bench/frontend/strsearch.vir`) loads `lens[p]` and `pats[p]` in its
//! body: once the loop is copied four times, each copy's `p` is a
//! constant, `fold-const-loads` (run again after this pass) makes the
//! loads constants, and the inner loop bounded by `lens[p]` has a constant
//! trip count that `unroll` (which runs next) takes whole. Clang -O2 does
//! the same. `unroll` itself leaves loops holding loops alone: copying an
//! inner loop saves none of its branches, so only the loads this makes
//! constant pay for the copies.
//!
//! The loops it takes are those of `unroll.rs` (a constant trip count of
//! at most 16, side exits allowed) that hold another loop, and in which
//! some load of read-only data has an address, or an inner loop's header
//! a comparison operand (`for (j i32 0 i)`: its trip count), that depends
//! on the loop's induction values and becomes constant in each copy: computed
//! by `ptr.add`, integer `add`, `sub`, `mul` and `ptr.extend_i32_s/u` (the
//! operators `fold-const-loads` follows) from constants, `data.addr` of
//! read-only data, and header parameters that enter as such a value and
//! that the latch passes as such a value of the header's parameters (the
//! counter `p`, or the pointer `strength-reduce` steps by 4 through
//! `lens`). Unrolling gives each copy's parameters the values entering it
//! (`unroll.rs`), so by induction they are constants in every copy;
//! `simplify`, run again after `fold-const-loads`, folds them to the
//! constants `unroll` reads.
//!
//! Why it is exact: the rewrite is `unroll.rs`'s, which runs every
//! iteration's instructions in order with the same values; the test above
//! only decides whether it is worth it. Growth is bounded by [`OUTER`]:
//! at most 256 instructions added per loop, 512 per function, 4 loops, so
//! the pass stays linear; the test looks at each load's address through at
//! most [`MAX_WALK`] definitions.

use super::unroll::{Limits, Plan, def_op, innermost, unroll_where};
use crate::analysis::Loops;
use crate::fxhash::FxHashMap;
use crate::ir::{
    BinaryOp, BlockId, ConvKind, DataId, Function, Module, Op, Terminator, Type, ValueDef, ValueId,
};

/// This pass's limits: loops holding loops are larger than innermost ones.
const OUTER: Limits = Limits {
    per_loop: 256,
    growth: 512,
    unrolls: 4,
};

/// The most definitions looked at for one address.
const MAX_WALK: usize = 64;

/// The function with its counted outer loops unrolled where the copies
/// read read-only data at constant addresses or bound inner loops by
/// constants, or `None` when it has none.
pub(super) fn unroll_outer_loops(module: &Module, func: &Function) -> Option<Function> {
    unroll_where(func, OUTER, |func, loops, plan| {
        !innermost(plan.header, &plan.body, loops) && pays(module, func, loops, plan)
    })
}

/// What a value is in every iteration once the loop is unrolled: a
/// constant, or the address of a data definition plus a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    Constant,
    Data(DataId),
}

/// Whether copying the loop makes something constant in each copy that
/// is not in the loop: the address of a load of read-only data, or the
/// bound (or start) an inner loop's header compares its counter with.
fn pays(module: &Module, func: &Function, loops: &Loops, plan: &Plan) -> bool {
    let induction = induction_values(func, plan);
    if induction.is_empty() {
        return false;
    }
    let none = FxHashMap::default();
    let by_iteration = |v: ValueId| {
        let copied = known(func, v, &induction, &mut MAX_WALK.clone());
        copied.filter(|_| known(func, v, &none, &mut MAX_WALK.clone()).is_none())
    };
    let reads_data = |op: &Op| {
        let Op::Load { addr, mem, .. } = *op else {
            return false;
        };
        let Some(Known::Data(data)) = by_iteration(addr) else {
            return false;
        };
        let readonly = module.data.get(data.index()).is_some_and(|d| d.readonly);
        readonly && module.data_mem(data) == mem
    };
    let bounds_inner_loop = |b: usize| {
        let Some(Terminator::BrIf { cond, .. }) = &func.blocks[b].term else {
            return false;
        };
        let Some(Op::Compare(_, Type::I32 | Type::I64, x, y)) = def_op(func, *cond) else {
            return false;
        };
        b != plan.header
            && loops.is_header[b]
            && [*x, *y]
                .iter()
                .any(|&v| by_iteration(v) == Some(Known::Constant))
    };
    let insts = plan.body.iter().flat_map(|&b| &func.blocks[b].insts);
    insts.into_iter().any(|inst| reads_data(&inst.op))
        || plan.body.iter().any(|&b| bounds_inner_loop(b))
}

/// The header parameters that are known in every copy: each enters as a
/// known value and the latch passes a value known from them (the largest
/// such set: parameters are dropped until the rest is closed).
fn induction_values(func: &Function, plan: &Plan) -> FxHashMap<ValueId, Known> {
    let h = func.block_id(plan.header);
    let (entering, back) = (
        edge_args(func, plan.pred, h),
        edge_args(func, plan.latch, h),
    );
    let (Some(entering), Some(back)) = (entering, back) else {
        return FxHashMap::default();
    };
    let params = &func.blocks[plan.header].params;
    let none = FxHashMap::default();
    let mut values: FxHashMap<ValueId, Known> = (params.iter().zip(entering))
        .filter_map(|(&p, &a)| Some((p, known(func, a, &none, &mut MAX_WALK.clone())?)))
        .collect();
    // Each round drops a parameter or ends.
    for _ in 0..=params.len() {
        let closed = |(&p, &a): (&ValueId, &ValueId)| {
            let kind = values.get(&p)?;
            let next = known(func, a, &values, &mut MAX_WALK.clone());
            (next != Some(*kind)).then_some(p)
        };
        match params.iter().zip(back).find_map(closed) {
            Some(open) => values.remove(&open),
            None => break,
        };
    }
    values
}

/// The arguments the edge from block `from` to `to` passes.
fn edge_args(func: &Function, from: usize, to: BlockId) -> Option<&[ValueId]> {
    let term = func.blocks[from].term.as_ref()?;
    let edge = term.edges().find(|e| e.block == to)?;
    Some(&edge.args)
}

/// What `v` is in every copy when `values` are, following at most `fuel`
/// definitions: the rules of `fold-const-loads` (`ptr.add` of a data
/// address and a constant, `add`, `sub`, `mul` and extensions of
/// constants).
fn known(
    func: &Function,
    v: ValueId,
    values: &FxHashMap<ValueId, Known>,
    fuel: &mut usize,
) -> Option<Known> {
    use Known::{Constant, Data};
    *fuel = fuel.checked_sub(1)?;
    if let Some(&k) = values.get(&v) {
        return Some(k);
    }
    if matches!(
        func.value(v).def,
        ValueDef::BlockParam(..) | ValueDef::Param(_)
    ) {
        return None;
    }
    match *def_op(func, v)? {
        Op::Const(c) if c.ty().is_int() => Some(Constant),
        Op::DataAddr(d) => Some(Data(d)),
        Op::Binary(op, ty, x, y) if matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul) => {
            let (x, y) = (known(func, x, values, fuel)?, known(func, y, values, fuel)?);
            match (x, y) {
                (Constant, Constant) if ty.is_int() => Some(Constant),
                (Data(d), Constant) | (Constant, Data(d))
                    if op == BinaryOp::Add && ty == Type::Ptr =>
                {
                    Some(Data(d))
                }
                _ => None,
            }
        }
        Op::Convert(conv, x)
            if conv.from == Type::I32
                && conv.to == Type::Ptr
                && matches!(conv.kind, ConvKind::ExtendS | ConvKind::ExtendU) =>
        {
            (known(func, x, values, fuel)? == Constant).then_some(Constant)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Cfg, DomTree, Loops};
    use crate::interp::Interpreter;
    use crate::ir::Target;
    use crate::lower::Options;
    use crate::lower::passes::{
        optimize_module,
        testing::{parse, rewritten},
    };
    use crate::value::Value;

    /// strsearch's shape: for each of four patterns (`lens[p]` bytes at
    /// `pats + 8 * p`), how far the text at `a` matches it (`while (k <
    /// m && text[a + k] == pat[k]) k++`), folded into a number; `b` is
    /// added at the end. A text index out of memory traps.
    fn search(lens: &str, lens_const: bool) -> String {
        let constness = if lens_const { "const " } else { "" };
        format!(
            "data @text = \"abcabcabzabcabdddd\"\n\
             data @pats const = \"abc\\00\\00\\00\\00\\00dd\\00\\00\\00\\00\\00\\00abcab\\00\\00\\00z\\00\\00\\00\\00\\00\\00\\00\"\n\
             data @lens {constness}align 4 = \"{lens}\"\n\
             pub fn @f(%a: i32, %b: i32) -> i32 {{\n\
             entry:\n  %z = i32.const 0\n  jump outer(%z, %z)\n\
             outer(%p: i32, %total: i32):\n  %four = i32.const 4\n  %go = i32.lt_s %p, %four\n  brif %go, body, done\n\
             body:\n  %lens = data.addr @lens\n  %pe = ptr.extend_i32_s %p\n  %four_p = ptr.const 4\n  \
             %off = ptr.mul %pe, %four_p\n  %la = ptr.add %lens, %off\n  %m = i32.load %la\n  \
             %pats = data.addr @pats\n  %eight = ptr.const 8\n  %poff = ptr.mul %pe, %eight\n  \
             %pat = ptr.add %pats, %poff\n  jump inner(%z)\n\
             inner(%k: i32):\n  %more = i32.lt_s %k, %m\n  brif %more, cmp, after\n\
             cmp:\n  %ti = i32.add %a, %k\n  %tie = ptr.extend_i32_u %ti\n  %text = data.addr @text\n  \
             %ta = ptr.add %text, %tie\n  %tc = i32.load8_u %ta\n  %ke = ptr.extend_i32_s %k\n  \
             %pa = ptr.add %pat, %ke\n  %pc = i32.load8_u %pa\n  %eq = i32.eq %tc, %pc\n  brif %eq, next, after\n\
             next:\n  %one = i32.const 1\n  %k1 = i32.add %k, %one\n  jump inner(%k1)\n\
             after:\n  %full = i32.eq %k, %m\n  %ten = i32.const 10\n  %t1 = i32.mul %total, %ten\n  \
             %t2 = i32.add %t1, %k\n  %t3 = i32.add %t2, %full\n  %one2 = i32.const 1\n  \
             %p1 = i32.add %p, %one2\n  jump outer(%p1, %t3)\n\
             done:\n  %r = i32.add %total, %b\n  return %r\n}}\n"
        )
    }

    /// Lengths 3, 2, 5, 1 (little-endian i32s).
    const LENS: &str = "\\03\\00\\00\\00\\02\\00\\00\\00\\05\\00\\00\\00\\01\\00\\00\\00";

    fn f(module: &Module) -> &Function {
        module.func(module.func_by_name("f").expect("f"))
    }

    fn loops(module: &Module) -> usize {
        let cfg = Cfg::new(f(module));
        let dom = DomTree::new(&cfg);
        (Loops::new(&cfg, &dom).is_header.iter())
            .filter(|&&h| h)
            .count()
    }

    /// `@f` gives the same results or traps at every text position, past
    /// the text and past memory (and for divisors that trap at each
    /// iteration of [`TRIANGLE`]), on both targets.
    fn same_results(before: &Module, after: &Module) {
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut x = Interpreter::new(before, target).expect("instantiates");
            let mut y = Interpreter::new(after, target).expect("instantiates");
            let args = (0..24).chain([65_530, 65_536 * 17, i32::MAX, -1, i32::MIN]);
            for (a, b) in args.flat_map(|a| [(a, 7), (a, 0), (a, 2), (a, 3), (a, -1)]) {
                let args = [Value::I32(a), Value::I32(b)];
                assert_eq!(
                    format!("{:?}", y.call("f", &args)),
                    format!("{:?}", x.call("f", &args)),
                    "{target} f({a}, {b})"
                );
            }
        }
    }

    #[test]
    fn a_loop_over_a_constant_table_is_copied_per_entry() {
        let module = parse(&search(LENS, true));
        assert_eq!(loops(&module), 2);
        let after = rewritten(&module, unroll_outer_loops);
        // Four copies of the inner loop, the outer one gone.
        assert_eq!(loops(&after), 4, "{}", crate::text::print_module(&after));
        same_results(&module, &after);
    }

    #[test]
    fn then_each_copys_bound_is_read_and_its_loop_unrolled_whole() {
        let module = parse(&search(LENS, true));
        let after = optimize_module(&module, &Options::default(), |_, _| {});
        let text = crate::text::print_module(&after);
        assert_eq!(loops(&after), 0, "{text}");
        // The patterns' bytes are constants: each text byte is loaded and
        // compared with one, 3 + 2 + 5 + 1 times.
        assert_eq!(text.matches("i32.load8_u").count(), 11, "{text}");
        same_results(&module, &after);
        // Without the outer unrolling, the bounds are not known.
        let options = Options::from_words("O2 no-unroll-outer").expect("valid");
        let kept = optimize_module(&module, &options, |_, _| {});
        assert_eq!(loops(&kept), 2);
        same_results(&module, &kept);
    }

    #[test]
    fn an_empty_pattern_leaves_its_loop_of_no_trips() {
        let lens = LENS.replacen("\\02", "\\00", 1);
        let module = parse(&search(&lens, true));
        let after = optimize_module(&module, &Options::default(), |_, _| {});
        assert_eq!(loops(&after), 1, "{}", crate::text::print_module(&after));
        same_results(&module, &after);
    }

    /// `for (i = 1; i < 5; i++) for (j = 0; j < i; j++) t = t / (b - j) +
    /// j * i`: each copy of the outer loop bounds the inner one by a
    /// constant.
    const TRIANGLE: &str = "pub fn @f(%a: i32, %b: i32) -> i32 {
entry:
  %z = i32.const 0
  %one = i32.const 1
  jump outer(%one, %a)
outer(%i: i32, %s: i32):
  %five = i32.const 5
  %go = i32.lt_s %i, %five
  brif %go, pre, done
pre:
  jump inner(%z, %s)
inner(%j: i32, %t: i32):
  %more = i32.lt_s %j, %i
  brif %more, body, next
body:
  %d = i32.sub %b, %j
  %q = i32.div_s %t, %d
  %x = i32.mul %j, %i
  %t1 = i32.add %q, %x
  %j1 = i32.add %j, %one
  jump inner(%j1, %t1)
next:
  %i1 = i32.add %i, %one
  jump outer(%i1, %t)
done:
  return %s
}
";

    #[test]
    fn a_loop_bounding_its_inner_loop_by_its_counter_is_copied() {
        let module = parse(TRIANGLE);
        let after = optimize_module(&module, &Options::default(), |_, _| {});
        let text = crate::text::print_module(&after);
        assert_eq!(loops(&after), 0, "{text}");
        // 1 + 2 + 3 + 4 divisions.
        assert_eq!(text.matches("i32.div_s").count(), 10, "{text}");
        same_results(&module, &after);
    }

    #[test]
    fn a_table_that_may_change_is_not_a_reason_to_copy() {
        let module = parse(&search(LENS, false));
        assert_eq!(unroll_outer_loops(&module, f(&module)), None);
    }

    /// The generated programs (whose loops spend fuel and are not counted)
    /// are unchanged or behave the same.
    #[test]
    fn generated_programs_behave_the_same() {
        crate::lower::passes::testing::check_generated(0..40, unroll_outer_loops);
    }
}
