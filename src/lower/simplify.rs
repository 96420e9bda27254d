//! Algebraic simplification: the exact integer identities and the
//! operations on constants that a naive frontend leaves everywhere. It
//! writes each source expression as it is: `a + i * 1` for the address of
//! a byte array's element, `(c & 1) != 0` as a branch's condition,
//! `ptr.extend_i32_s 3` for a constant index; and unrolling turns an
//! induction variable into constants. Each such instruction costs bytes
//! in the code section (a constant and an operator at least) and a
//! Cranelift instruction.
//!
//! The rules, on `i32`, `i64` and `ptr` (`c` a constant):
//! - `x + 0`, `0 + x`, `x - 0`, `x | 0`, `0 | x`, `x ^ 0`, `0 ^ x`,
//!   `x * 1`, `1 * x`, `x & -1`, `-1 & x`, `x div_s 1`, `x div_u 1`, and a
//!   shift or rotation by a multiple of the width, are `x`;
//! - `x * 0`, `0 * x`, `x & 0`, `0 & x`, `x - x`, `x ^ x` are `0`;
//!   `x & x` and `x | x` are `x`;
//! - `x eq x`, `le`, `ge` (signed or not) are 1; `ne`, `lt`, `gt` are 0;
//! - `x eq 0` and `0 eq x` are `eqz x`;
//! - an operator on constants only is the constant it gives (see below);
//! - `select c, x, x` is `x`; `select` of a constant condition is the arm
//!   it picks;
//! - a `brif` or `select` condition `i32.ne x, 0` is `x` itself.
//!
//! Why each is exact: integer arithmetic wraps modulo 2^bits, and each
//! identity above holds in that ring for every `x` (`ptr` wraps at the
//! target's width, and each rule holds at both: a shift by a multiple of
//! 64 is one by a multiple of 32; `-1` is `u64::MAX`, which is all ones at
//! either width). None of the removed operators can trap (`div` by 1
//! never does) and none has an effect, so removing one changes nothing
//! but the code. Float operators are left alone but for constants: `x +
//! 0.0` is not `x` when `x` is `-0.0`, and `x == x` is 0 for a NaN.
//! A `brif` and a `select` test their condition against zero, which is
//! what `i32.ne x, 0` computed.
//!
//! Constant folding evaluates the operator with the reference
//! interpreter's numeric code (`interp/fold.rs`), on both targets; a
//! `ptr` result (or operand) is folded only when both give the same bits,
//! so the rewritten function is the same program on either target. An
//! operation that traps (a division by zero, `INT_MIN / -1`, a float to
//! integer truncation out of range) is left to trap at run time, and a
//! float result that is a NaN is not folded (its payload is not fixed).
//!
//! The walk visits the reachable blocks in reverse postorder, so that an
//! instruction's operands are rewritten before it is (each operand is
//! defined in a block that dominates its use); one step per instruction,
//! then the instructions that lost their uses go ([`remove_dead`]).

use super::offsets::remove_dead;
use crate::analysis::Cfg;
use crate::interp::fold::fold;
use crate::ir::{
    BinaryOp, CmpOp, Const, ConvKind, Function, Inst, Op, Target, Terminator, Type, UnaryOp,
    ValueDef, ValueId,
};

/// The function simplified, or `None` when no rule applies.
pub(super) fn simplify(func: &Function) -> Option<Function> {
    let cfg = Cfg::new(func);
    let mut walk = Walk {
        out: func.clone(),
        known: vec![None; func.values.len()],
        replaced: vec![None; func.values.len()],
        changed: false,
    };
    for &block in &cfg.rpo {
        walk.block(block.index());
    }
    if !walk.changed {
        return None;
    }
    let Walk {
        mut out, replaced, ..
    } = walk;
    out.map_operands(|v| resolve(&replaced, v));
    remove_dead(&mut out, |inst| {
        pure(&inst.op) || (inst.results.iter()).any(|r| replaced[r.index()].is_some())
    });
    Some(out)
}

/// What an instruction becomes.
enum Rewrite {
    /// Its result is this other value; it goes.
    Value(ValueId),
    /// It computes this instead.
    Op(Op),
}

/// The state of the walk.
struct Walk {
    out: Function,
    /// The constant each value is, when it is one.
    known: Vec<Option<Const>>,
    /// The value each replaced result stands for (possibly replaced too).
    replaced: Vec<Option<ValueId>>,
    changed: bool,
}

impl Walk {
    fn block(&mut self, b: usize) {
        for i in 0..self.out.blocks[b].insts.len() {
            self.inst(b, i);
        }
        let replaced = &self.replaced;
        let Some(term) = &mut self.out.blocks[b].term else {
            return;
        };
        term.map_operands(|v| resolve(replaced, v));
        let Terminator::BrIf { cond, .. } = *term else {
            return;
        };
        if let Some(x) = nonzero_test(&self.out, &self.known, cond)
            && let Some(Terminator::BrIf { cond, .. }) = &mut self.out.blocks[b].term
        {
            *cond = x;
            self.changed = true;
        }
    }

    fn inst(&mut self, b: usize, i: usize) {
        let replaced = &self.replaced;
        let inst = &mut self.out.blocks[b].insts[i];
        inst.op.map_operands(|v| resolve(replaced, v));
        let [result] = inst.results[..] else {
            return;
        };
        if let Op::Const(c) = inst.op {
            self.known[result.index()] = Some(c);
            return;
        }
        let inst = &self.out.blocks[b].insts[i];
        let Some(rewrite) = rewrite(&self.out, &self.known, inst) else {
            return;
        };
        self.changed = true;
        match rewrite {
            Rewrite::Value(v) => self.replaced[result.index()] = Some(v),
            Rewrite::Op(op) => {
                if let Op::Const(c) = op {
                    self.known[result.index()] = Some(c);
                }
                self.out.blocks[b].insts[i].op = op;
            }
        }
    }
}

/// `v`, or what it was replaced by, to the end of the chain.
fn resolve(replaced: &[Option<ValueId>], mut v: ValueId) -> ValueId {
    while let Some(w) = replaced.get(v.index()).copied().flatten() {
        v = w;
    }
    v
}

/// The rewrite of one instruction, its operands already rewritten.
fn rewrite(func: &Function, known: &[Option<Const>], inst: &Inst) -> Option<Rewrite> {
    let constant = |v: ValueId| known[v.index()];
    let operands: Vec<ValueId> = inst.op.operands().collect();
    if !operands.is_empty()
        && let Some(consts) = operands
            .iter()
            .map(|&v| constant(v))
            .collect::<Option<Vec<_>>>()
        && let Some(c) = fold_on_both_targets(&inst.op, &consts)
    {
        return Some(Rewrite::Op(Op::Const(c)));
    }
    match inst.op {
        Op::Binary(op, ty, a, b) if ty.is_int() => binary(op, ty, a, b, constant),
        Op::Compare(op, ty, a, b) if ty.is_int() => compare(op, ty, a, b, constant),
        Op::Select {
            cond,
            if_true,
            if_false,
            ty,
        } => {
            if if_true == if_false {
                return Some(Rewrite::Value(if_true));
            }
            if let Some(Const::I32(c)) = constant(cond) {
                return Some(Rewrite::Value(if c != 0 { if_true } else { if_false }));
            }
            let x = nonzero_test(func, known, cond)?;
            Some(Rewrite::Op(Op::Select {
                ty,
                cond: x,
                if_true,
                if_false,
            }))
        }
        _ => None,
    }
}

/// The constant `op` gives on `consts`, the same on both targets.
fn fold_on_both_targets(op: &Op, consts: &[Const]) -> Option<Const> {
    let wide = fold(op, consts, Target::Wasm64)?;
    let narrow = fold(op, consts, Target::Wasm32)?;
    (wide == narrow).then_some(wide)
}

/// The integer identities of a binary operator.
fn binary(
    op: BinaryOp,
    ty: Type,
    a: ValueId,
    b: ValueId,
    constant: impl Fn(ValueId) -> Option<Const>,
) -> Option<Rewrite> {
    use BinaryOp::*;
    let bits = |v: ValueId| constant(v).and_then(Const::int_bits);
    let ones = if ty == Type::I32 {
        u32::MAX as u64
    } else {
        u64::MAX
    };
    let width = if ty == Type::I32 { 32 } else { 64 };
    let zero = || Rewrite::Op(Op::Const(Const::zero(ty)));
    let same = a == b;
    Some(match (op, bits(a), bits(b)) {
        (Add | Sub | Or | Xor, _, Some(0)) | (Mul | DivS | DivU, _, Some(1)) => Rewrite::Value(a),
        (And, _, Some(c)) if c == ones => Rewrite::Value(a),
        (Shl | ShrS | ShrU | Rotl | Rotr, _, Some(c)) if c % width == 0 => Rewrite::Value(a),
        (Add | Or | Xor, Some(0), _) | (Mul, Some(1), _) => Rewrite::Value(b),
        (And, Some(c), _) if c == ones => Rewrite::Value(b),
        (Mul | And, _, Some(0)) | (Mul | And, Some(0), _) => zero(),
        (Sub | Xor, _, _) if same => zero(),
        (And | Or, _, _) if same => Rewrite::Value(a),
        _ => return None,
    })
}

/// The integer identities of a comparison.
fn compare(
    op: CmpOp,
    ty: Type,
    a: ValueId,
    b: ValueId,
    constant: impl Fn(ValueId) -> Option<Const>,
) -> Option<Rewrite> {
    use CmpOp::*;
    if a == b {
        let holds = matches!(op, Eq | LeS | LeU | GeS | GeU);
        return Some(Rewrite::Op(Op::Const(Const::I32(holds as i32))));
    }
    let is_zero = |v: ValueId| constant(v).and_then(Const::int_bits) == Some(0);
    match op {
        Eq if is_zero(b) => Some(Rewrite::Op(Op::Unary(UnaryOp::Eqz, ty, a))),
        Eq if is_zero(a) => Some(Rewrite::Op(Op::Unary(UnaryOp::Eqz, ty, b))),
        _ => None,
    }
}

/// `x` when `cond` is `i32.ne x, 0` (or `0, x`): a test against zero
/// that a `brif` or `select` makes itself.
fn nonzero_test(func: &Function, known: &[Option<Const>], cond: ValueId) -> Option<ValueId> {
    let ValueDef::InstResult { block, index, .. } = func.value(cond).def else {
        return None;
    };
    let inst = func.block(block).insts.get(index as usize)?;
    let Op::Compare(CmpOp::Ne, Type::I32, a, b) = inst.op else {
        return None;
    };
    let zero = |v: ValueId| known[v.index()] == Some(Const::I32(0));
    match (zero(a), zero(b)) {
        (_, true) => Some(a),
        (true, false) => Some(b),
        (false, false) => None,
    }
}

/// Operators without effect that cannot trap: they go when unused.
fn pure(op: &Op) -> bool {
    match op {
        Op::Const(_) | Op::SlotAddr(_) | Op::DataAddr(_) | Op::FuncAddr(_) => true,
        Op::Unary(..) | Op::Compare(..) | Op::Select { .. } => true,
        Op::Binary(op, ty, ..) => {
            use BinaryOp::*;
            !(ty.is_int() && matches!(op, DivS | DivU | RemS | RemU))
        }
        Op::Convert(conv, _) => !matches!(conv.kind, ConvKind::TruncS | ConvKind::TruncU),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Module;
    use crate::lower::passes::testing::{check_generated, parse, rewritten, same_outcomes};
    use crate::value::Value;

    fn simplified(module: &Module) -> Module {
        rewritten(module, |_, f| simplify(f))
    }

    /// The mnemonics of the entry block of `@f`, and its terminator's.
    fn ops(module: &Module) -> Vec<String> {
        let f = module.func(module.func_by_name("f").expect("f"));
        f.blocks[0].insts.iter().map(|i| i.op.mnemonic()).collect()
    }

    fn i32s(values: &[i32]) -> Vec<Vec<Value>> {
        values.iter().map(|&x| vec![Value::I32(x)]).collect()
    }

    const EDGES: &[i32] = &[0, 1, -1, 7, i32::MIN, i32::MAX];

    /// Every identity of a frontend's arithmetic goes: what is left is
    /// the one multiplication that is not one.
    #[test]
    fn integer_identities_leave_their_operand() {
        let module = parse(
            "pub fn @f(%x: i32) -> i32 {\nentry:\n\
             %z = i32.const 0\n  %o = i32.const 1\n  %m = i32.const -1\n  %s = i32.const 64\n\
             %a = i32.add %x, %z\n  %b = i32.mul %o, %a\n  %c = i32.and %b, %m\n\
             %d = i32.shl %c, %s\n  %e = i32.sub %d, %z\n  %f = i32.xor %z, %e\n\
             %g = i32.div_s %f, %o\n  %h = i32.or %g, %g\n  %k = i32.mul %h, %h\n  return %k\n}\n",
        );
        let after = simplified(&module);
        assert_eq!(
            ops(&after),
            ["i32.mul"],
            "{}",
            crate::text::print_module(&after)
        );
        same_outcomes(&module, &after, &i32s(EDGES));
    }

    /// `x - x`, `x * 0` and `x ^ x` are 0 and `x <= x` is 1, whatever `x`;
    /// `x == 0` is `eqz`.
    #[test]
    fn self_operations_and_zero_tests() {
        let module = parse(
            "pub fn @f(%x: i32) -> i32 {\nentry:\n  %z = i32.const 0\n\
             %a = i32.sub %x, %x\n  %b = i32.mul %x, %z\n  %c = i32.xor %x, %x\n\
             %d = i32.le_s %x, %x\n  %e = i32.lt_u %x, %x\n  %q = i32.eq %z, %x\n\
             %s1 = i32.add %a, %b\n  %s2 = i32.add %s1, %c\n  %s3 = i32.add %s2, %d\n\
             %s4 = i32.add %s3, %e\n  %s5 = i32.add %s4, %q\n  return %s5\n}\n",
        );
        let after = simplified(&module);
        assert_eq!(
            ops(&after),
            ["i32.eqz", "i32.const", "i32.add"],
            "{}",
            crate::text::print_module(&after)
        );
        same_outcomes(&module, &after, &i32s(EDGES));
    }

    /// Operators on constants are folded with wrapping arithmetic; a
    /// division by zero and a float NaN stay for run time; a `ptr`
    /// constant is folded only where both targets agree.
    #[test]
    fn constants_fold_where_nothing_traps() {
        let module = parse(
            "pub fn @f(%x: i32) -> i64 {\nentry:\n\
             %big = i32.const 2147483647\n  %one = i32.const 1\n  %zero = i32.const 0\n\
             %w = i32.add %big, %one\n  %t = i32.div_s %x, %zero\n\
             %m = i32.const -1\n  %pm = ptr.extend_i32_s %m\n  %p3 = ptr.extend_i32_s %one\n\
             %pw = i64.extend_ptr_u %pm\n  %p = i64.extend_ptr_u %p3\n\
             %fz = f64.const 0.0\n  %nan = f64.div %fz, %fz\n  %nb = i64.reinterpret_f64 %nan\n\
             %wi = i64.extend_i32_s %w\n  %ti = i64.extend_i32_s %t\n\
             %r1 = i64.add %wi, %ti\n  %r2 = i64.add %r1, %pw\n  %r3 = i64.add %r2, %p\n\
             %r4 = i64.xor %r3, %nb\n  return %r4\n}\n",
        );
        let after = simplified(&module);
        let text = crate::text::print_module(&after);
        let ops = ops(&after);
        let count = |m: &str| ops.iter().filter(|o| *o == m).count();
        assert_eq!(count("i32.add"), 0, "{text}");
        assert_eq!(count("i32.div_s"), 1, "{text}");
        assert_eq!(count("f64.div"), 1, "{text}");
        assert_eq!(count("ptr.extend_i32_s"), 1, "{text}");
        assert!(text.contains("i64.const -2147483648"), "{text}");
        same_outcomes(&module, &after, &i32s(EDGES));
    }

    /// A branch on `(c & 1) != 0` tests `c & 1`; a `select` of equal arms
    /// is the arm, and one of a constant condition the arm it picks.
    #[test]
    fn conditions_test_against_zero_themselves() {
        let module = parse(
            "pub fn @f(%x: i32) -> i32 {\nentry:\n  %o = i32.const 1\n  %z = i32.const 0\n\
             %b = i32.and %x, %o\n  %c = i32.ne %b, %z\n\
             %s = i32.select %c, %x, %x\n  %t = i32.select %o, %s, %b\n\
             %u = i32.select %c, %t, %z\n  brif %c, odd, even\n\
             odd:\n  return %u\neven:\n  return %z\n}\n",
        );
        let after = simplified(&module);
        let text = crate::text::print_module(&after);
        assert!(!text.contains("i32.ne"), "{text}");
        assert_eq!(
            ops(&after),
            ["i32.const", "i32.const", "i32.and", "i32.select"],
            "{text}"
        );
        same_outcomes(&module, &after, &i32s(EDGES));
    }

    #[test]
    fn a_function_without_identities_is_left_alone() {
        let module =
            parse("pub fn @f(%x: i32) -> i32 {\nentry:\n  %y = i32.mul %x, %x\n  return %y\n}\n");
        let f = module.func(module.func_by_name("f").expect("f"));
        assert!(simplify(f).is_none());
    }

    #[test]
    fn generated_programs_compute_the_same_simplified() {
        let changed = check_generated(0..150, |_, f| simplify(f));
        assert!(changed >= 5, "only {changed} functions changed");
    }
}
