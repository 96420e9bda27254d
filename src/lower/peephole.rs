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

/// `body` with set-get pairs made tees, at every depth.
pub(super) fn tee_locals(body: Vec<Instr>) -> Vec<Instr> {
    ensure_stack(|| {
        let mut out: Vec<Instr> = Vec::with_capacity(body.len());
        for instr in body {
            let instr = match instr {
                Instr::Block { label, ty, body } => Instr::Block {
                    label,
                    ty,
                    body: tee_locals(body),
                },
                Instr::Loop { label, ty, body } => Instr::Loop {
                    label,
                    ty,
                    body: tee_locals(body),
                },
                Instr::If {
                    label,
                    ty,
                    then_body,
                    else_body,
                } => Instr::If {
                    label,
                    ty,
                    then_body: tee_locals(then_body),
                    else_body: tee_locals(else_body),
                },
                Instr::LocalGet(local) => match last_code(&mut out) {
                    Some(set @ Instr::LocalSet(_)) if matches!(&*set, Instr::LocalSet(l) if *l == local) =>
                    {
                        *set = Instr::LocalTee(local);
                        continue;
                    }
                    _ => Instr::LocalGet(local),
                },
                other => other,
            };
            out.push(instr);
        }
        out
    })
}

/// The last instruction of `body` that is code, not an annotation. The
/// annotations looked past are those after the last code, so over a body
/// each is looked at once per `local.get` that follows it directly.
fn last_code(body: &mut [Instr]) -> Option<&mut Instr> {
    body.iter_mut()
        .rev()
        .find(|i| !matches!(i, Instr::Comment(_) | Instr::Origin(_)))
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
        let Instr::Loop { body, .. } = &tee_locals(body)[0] else {
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
