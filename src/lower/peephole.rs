//! The `peephole` pass, two rules on adjacent instructions:
//! - `local.set $x` right before `local.get $x` becomes `local.tee $x`, so
//!   the value stays on the stack instead of being read back (2 bytes);
//! - an integer comparison then `i32.eqz` becomes the negated comparison
//!   (`i32.lt_s i32.eqz` is `i32.ge_s`, 1 byte): loop rotation and the
//!   structuring negate a branch's condition that way.
//!
//! On the first rule: the stack plan (`func.rs`) keeps a value in a local
//! when it is used more than once, or by an instruction other than the
//! next; its first use is then often the very next instruction, as in
//! LLVM's output, where `WebAssemblyRegStackify` makes such tees.
//! Annotations (`;;` comments, `;;@` origins) between the two are kept,
//! after the `tee`.
//!
//! Not done here: a `return` that ends a function could go (1 byte a
//! function), but the `;;@` position of the `return` would then mark no
//! operator, and a debugger could not stop on that line (the DWARF line
//! table has no row for a function's final `end`).

use crate::stack::ensure_stack;
use crate::wat::{Instr, IntType, IntUnOp};

/// Applies the rules to `body`, at every depth. In place: the
/// instructions after the first rewrite move down by one slot per
/// instruction left out, and
/// no body is rebuilt (rebuilding them cost 0.7% more instructions in
/// `build --direct` of the 10,000-function input, under cachegrind).
pub(super) fn rewrite(body: &mut Vec<Instr>) {
    ensure_stack(|| {
        let mut kept = 0;
        // Where the last code (not an annotation) kept so far is.
        let mut last_code: Option<usize> = None;
        for i in 0..body.len() {
            match &mut body[i] {
                Instr::Block { body, .. } | Instr::Loop { body, .. } => rewrite(body),
                Instr::If {
                    then_body,
                    else_body,
                    ..
                } => {
                    rewrite(then_body);
                    rewrite(else_body);
                }
                _ => {}
            }
            // The set was kept before `i`: `at < kept <= i`.
            let (kept_part, rest) = body.split_at_mut(i);
            if let (Instr::LocalGet(local), Some(at)) = (&rest[0], last_code)
                && let Instr::LocalSet(set) = &mut kept_part[at]
                && set == local
            {
                kept_part[at] = Instr::LocalTee(std::mem::take(set));
                continue;
            }
            if let (
                Instr::IntUnary {
                    ty: IntType::I32,
                    op: IntUnOp::Eqz,
                },
                Some(at),
            ) = (&rest[0], last_code)
                && let Instr::IntCompare { op, .. } = &mut kept_part[at]
            {
                *op = op.negated();
                continue;
            }
            if !matches!(body[i], Instr::Comment(_) | Instr::Origin(_)) {
                last_code = Some(kept);
            }
            if kept != i {
                body.swap(kept, i);
            }
            kept += 1;
        }
        body.truncate(kept);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wat::{BlockType, FloatCmpOp, FloatType, IntCmpOp};

    fn get(l: &str) -> Instr {
        Instr::LocalGet(l.into())
    }
    fn set(l: &str) -> Instr {
        Instr::LocalSet(l.into())
    }

    #[test]
    fn a_set_then_a_get_of_the_same_local_is_a_tee_at_any_depth() {
        let mut body = vec![Instr::Loop {
            label: "l".into(),
            ty: BlockType::default(),
            body: vec![
                set("$a"),
                Instr::Comment("b1".into()),
                get("$a"),
                set("$b"),
                get("$a"),
            ],
        }];
        rewrite(&mut body);
        let Instr::Loop { body, .. } = &body[0] else {
            panic!("the loop stays")
        };
        assert_eq!(
            body,
            &vec![
                Instr::LocalTee("$a".into()),
                Instr::Comment("b1".into()),
                set("$b"),
                get("$a"),
            ]
        );
    }

    #[test]
    fn an_integer_comparison_then_eqz_is_the_negated_comparison() {
        let eqz = Instr::IntUnary {
            ty: IntType::I32,
            op: IntUnOp::Eqz,
        };
        let cmp = |ty, op| Instr::IntCompare { ty, op };
        let mut body = vec![
            cmp(IntType::I64, IntCmpOp::LtU),
            Instr::Comment("c".into()),
            eqz.clone(),
            Instr::BrIf("$l".into()),
            // A float comparison has no negation (NaN), so its eqz stays.
            Instr::FloatCompare {
                ty: FloatType::F64,
                op: FloatCmpOp::Lt,
            },
            eqz.clone(),
            // So does an eqz of something else.
            get("$a"),
            eqz.clone(),
        ];
        let mut expected = body.clone();
        expected[0] = cmp(IntType::I64, IntCmpOp::GeU);
        expected.remove(2);
        rewrite(&mut body);
        assert_eq!(body, expected);
    }

    #[test]
    fn every_integer_comparison_has_its_negation() {
        use IntCmpOp::*;
        let all = [Eq, Ne, LtS, LtU, GtS, GtU, LeS, LeU, GeS, GeU];
        for op in all {
            assert_ne!(op.negated(), op);
            assert_eq!(op.negated().negated(), op);
        }
        let truth = |op: IntCmpOp, a: i64, b: i64| match op {
            Eq => a == b,
            Ne => a != b,
            LtS => a < b,
            GtS => a > b,
            LeS => a <= b,
            GeS => a >= b,
            LtU => (a as u64) < (b as u64),
            GtU => (a as u64) > (b as u64),
            LeU => (a as u64) <= (b as u64),
            GeU => (a as u64) >= (b as u64),
        };
        for op in all {
            for (a, b) in [(0, 0), (-1, 1), (1, -1), (2, 3), (3, 2)] {
                assert_eq!(
                    truth(op.negated(), a, b),
                    !truth(op, a, b),
                    "{op:?} {a} {b}"
                );
            }
        }
    }
}
