//! The `peephole` pass: `local.set $x` right before `local.get $x` becomes
//! `local.tee $x`, so the value stays on the stack instead of being read
//! back (2 bytes). The stack plan (`func.rs`) keeps a value in a local
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
use crate::wat::Instr;

/// Makes set-get pairs of `body` tees, at every depth. In place: the
/// instructions after the first pair move down by one slot per pair, and
/// no body is rebuilt (rebuilding them cost 0.7% more instructions in
/// `build --direct` of the 10,000-function input, under cachegrind).
pub(super) fn tee_locals(body: &mut Vec<Instr>) {
    ensure_stack(|| {
        let mut kept = 0;
        // Where the last code (not an annotation) kept so far is.
        let mut last_code: Option<usize> = None;
        for i in 0..body.len() {
            match &mut body[i] {
                Instr::Block { body, .. } | Instr::Loop { body, .. } => tee_locals(body),
                Instr::If {
                    then_body,
                    else_body,
                    ..
                } => {
                    tee_locals(then_body);
                    tee_locals(else_body);
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
    use crate::wat::BlockType;

    fn get(l: &str) -> Instr {
        Instr::LocalGet(l.into())
    }
    fn set(l: &str) -> Instr {
        Instr::LocalSet(l.into())
    }

    #[test]
    fn a_set_then_a_get_of_the_same_local_is_a_tee_at_any_depth() {
        let body = vec![Instr::Loop {
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
        let mut body = body;
        tee_locals(&mut body);
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
}
