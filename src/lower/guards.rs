//! The `loop-guards` pass: a `br_if` whose condition is known to be zero
//! where it runs goes, with the code that computes the condition.
//!
//! Loop rotation (`rotate.rs`) puts a copy of a loop's test before the
//! loop, `block $exit TEST br_if $exit loop ... end end`, for the case
//! where the loop runs no iteration. A counted loop over constants (`for i
//! in 0..5`) sets its counter just before: `i32.const 0 local.set $i
//! block $exit local.get $i i32.const 5 i32.ge_s br_if $exit loop ...`,
//! and that first test never branches. LLVM has no such test: it knows the
//! trip count before it rotates. Here the straight-line code is followed
//! with the constants it puts in locals; a `br_if` whose condition comes
//! out zero is dropped with its condition's code, and the `block` whose
//! label no branch names any more goes too (its code stays). About 10
//! bytes a loop.
//!
//! Only outside loops: inside one, the test's removal changed how
//! Cranelift allocated registers for the inner loop it guarded. On
//! `bench/frontend/crc32.vir` the inner loop then reloaded and spilled the
//! memory base every iteration and ended in a `jge` and a `jmp` instead of
//! one `jl`: 328.9 M to 353.5 M instructions under cachegrind for the same
//! wasm but for the test (fnv +1.8%, vec3 +1.2% likewise). Outer loops
//! keep their figures (hashtab +1.6%, the one exception measured).
//!
//! **The rule.** The walk models `i32.const`, `i64.const`, `local.get`,
//! `local.set`, `local.tee`, integer `add`, `sub`, comparisons and `eqz`;
//! a local is known when the code before, on the one path that reaches
//! this point, set it to a known value. Any other instruction leaves what
//! it pushes unknown; any control instruction but a `block` forgets every
//! local after it (its body may set them), and the body of a loop or an
//! `if` starts knowing nothing (a loop's start is also reached from its
//! end). A `block`'s body is entered only by falling in, so it starts
//! with what the code before knows. A condition is dropped only when all
//! of its code is modelled and has no effect (no `local.set` or `tee`
//! among it): removing code that reads locals and computes on them (no
//! integer operation modelled here traps) is not observable, and the
//! `br_if` it feeds was never taken.
//!
//! Cost: one walk, which counts the branches to each label as it goes (a
//! stack of the labels around it, as `tidy` keeps): linear. A local's
//! name is hashed only while some local is known, and copied only when
//! one becomes known: `build --direct` of the 10,000-function input runs
//! 6,255 M instructions with the pass, 6,195 M without (it ran 6,309 M
//! with a copy of each label and of each local set).

use super::control::{LabelScopes, branch_targets};
use crate::fxhash::FxHashMap;
use crate::stack::ensure_stack;
use crate::wat::{BlockType, Instr, IntBinOp, IntCmpOp, IntType, IntUnOp};

/// The code with the guards known never to branch removed.
pub(super) fn drop_known_guards(body: &mut Vec<Instr>) {
    Walk::default().body(body);
}

/// An integer value known at compile time: `value` holds an `i32`
/// sign-extended.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Known {
    ty: IntType,
    value: i64,
}

impl Known {
    fn new(ty: IntType, value: i64) -> Known {
        let value = match ty {
            IntType::I32 => value as i32 as i64,
            IntType::I64 => value,
        };
        Known { ty, value }
    }
}

/// A value on the operand stack: what it is, if known, and where the code
/// that computed it starts in the body (`None` when that code cannot be
/// removed on its own).
#[derive(Clone, Copy)]
struct Entry {
    value: Option<Known>,
    start: Option<usize>,
}

const UNKNOWN: Entry = Entry {
    value: None,
    start: None,
};

#[derive(Default)]
struct Walk {
    /// The locals known at the current point.
    locals: FxHashMap<String, Known>,
    /// The labels around the current point, with how many branches kept
    /// so far name each.
    scopes: LabelScopes,
    /// How many loops are around the current point.
    loops: u32,
}

impl Walk {
    /// Runs `walk` inside `label`'s scope; how many kept branches name it.
    /// (The label moves to the scope and back: no copy per block.)
    fn scoped(&mut self, label: &mut String, walk: impl FnOnce(&mut Walk)) -> u32 {
        self.scopes.enter(std::mem::take(label));
        walk(self);
        let (name, named) = self.scopes.leave();
        *label = name;
        named
    }

    fn body(&mut self, body: &mut Vec<Instr>) {
        ensure_stack(|| self.body_here(body))
    }

    fn body_here(&mut self, body: &mut Vec<Instr>) {
        // Below its bottom, the stack holds values pushed before this
        // body or by unmodelled code: unknown.
        let mut stack: Vec<Entry> = Vec::new();
        let mut i = 0;
        while i < body.len() {
            match &mut body[i] {
                Instr::Comment(_) | Instr::Origin(_) => {}
                Instr::I32Const(c) => stack.push(known(IntType::I32, i64::from(*c), i)),
                Instr::I64Const(c) => stack.push(known(IntType::I64, *c, i)),
                Instr::LocalGet(x) => stack.push(Entry {
                    // Mostly nothing is known: no hashing then.
                    value: match self.locals.is_empty() {
                        true => None,
                        false => self.locals.get(x.as_str()).copied(),
                    },
                    start: Some(i),
                }),
                Instr::LocalSet(x) | Instr::LocalTee(x) => {
                    let entry = stack.pop().unwrap_or(UNKNOWN);
                    match entry.value {
                        Some(k) => {
                            self.locals.insert(x.clone(), k);
                        }
                        None if !self.locals.is_empty() => {
                            self.locals.remove(x.as_str());
                        }
                        None => {}
                    }
                    let tee = matches!(body[i], Instr::LocalTee(_));
                    // A write is an effect: no code before it goes.
                    for e in &mut stack {
                        e.start = None;
                    }
                    if tee {
                        stack.push(Entry {
                            value: entry.value,
                            start: None,
                        });
                    }
                }
                &mut Instr::IntCompare { ty, op } => {
                    let (b, a) = (pop(&mut stack), pop(&mut stack));
                    let value = both(a, b, ty)
                        .map(|(x, y)| Known::new(IntType::I32, i64::from(compare(op, ty, x, y))));
                    stack.push(Entry {
                        value,
                        start: joined(a, b),
                    });
                }
                &mut Instr::IntBinary {
                    ty,
                    op: op @ (IntBinOp::Add | IntBinOp::Sub),
                } => {
                    let (b, a) = (pop(&mut stack), pop(&mut stack));
                    let value = both(a, b, ty).map(|(x, y)| match op {
                        IntBinOp::Add => Known::new(ty, x.wrapping_add(y)),
                        _ => Known::new(ty, x.wrapping_sub(y)),
                    });
                    stack.push(Entry {
                        value,
                        start: joined(a, b),
                    });
                }
                &mut Instr::IntUnary {
                    ty,
                    op: IntUnOp::Eqz,
                } => {
                    let a = pop(&mut stack);
                    let value = a
                        .value
                        .filter(|k| k.ty == ty)
                        .map(|k| Known::new(IntType::I32, i64::from(k.value == 0)));
                    stack.push(Entry {
                        value,
                        start: a.start,
                    });
                }
                Instr::BrIf(label) => {
                    let cond = pop(&mut stack);
                    let (Some(start), Some(Known { value: 0, .. }), 0) =
                        (cond.start, cond.value, self.loops)
                    else {
                        self.scopes.count(label);
                        stack.clear();
                        i += 1;
                        continue;
                    };
                    // Never taken: it and its condition's code go
                    // (annotations stay), and the walk goes on from where
                    // they were, with the stack as before them.
                    let kept: Vec<Instr> = body
                        .drain(start..=i)
                        .filter(|i| matches!(i, Instr::Comment(_) | Instr::Origin(_)))
                        .collect();
                    let n = kept.len();
                    body.splice(start..start, kept);
                    i = start + n;
                    continue;
                }
                Instr::Block {
                    label,
                    ty,
                    body: inner,
                } => {
                    // Entered only by falling in: what is known holds.
                    let named = self.scoped(label, |walk| walk.body(inner));
                    self.locals.clear();
                    stack.clear();
                    if named == 0 && *ty == BlockType::default() {
                        let inner = std::mem::take(inner);
                        let n = inner.len();
                        body.splice(i..=i, inner);
                        i += n;
                        continue;
                    }
                }
                Instr::Loop {
                    label, body: inner, ..
                } => {
                    self.locals.clear();
                    self.loops += 1;
                    self.scoped(label, |walk| walk.body(inner));
                    self.loops -= 1;
                    self.locals.clear();
                    stack.clear();
                }
                Instr::If {
                    label,
                    then_body,
                    else_body,
                    ..
                } => {
                    self.locals.clear();
                    self.scoped(label, |walk| {
                        walk.body(then_body);
                        walk.locals.clear();
                        walk.body(else_body);
                    });
                    self.locals.clear();
                    stack.clear();
                }
                // Any other instruction: what it leaves is unknown. Only
                // `local.set`/`tee` write locals; control that leaves
                // (`br`, `return`...) makes what follows unreachable,
                // where nothing matters.
                other => {
                    for label in branch_targets(other) {
                        self.scopes.count(label);
                    }
                    stack.clear()
                }
            }
            i += 1;
        }
    }
}

fn known(ty: IntType, value: i64, at: usize) -> Entry {
    Entry {
        value: Some(Known::new(ty, value)),
        start: Some(at),
    }
}

fn pop(stack: &mut Vec<Entry>) -> Entry {
    stack.pop().unwrap_or(UNKNOWN)
}

/// Both operands, known and of type `ty`.
fn both(a: Entry, b: Entry, ty: IntType) -> Option<(i64, i64)> {
    match (a.value, b.value) {
        (Some(x), Some(y)) if x.ty == ty && y.ty == ty => Some((x.value, y.value)),
        _ => None,
    }
}

/// Where the code of `a op b` starts, when the code of both can go.
fn joined(a: Entry, b: Entry) -> Option<usize> {
    a.start.filter(|_| b.start.is_some())
}

fn compare(op: IntCmpOp, ty: IntType, x: i64, y: i64) -> bool {
    let (ux, uy) = match ty {
        IntType::I32 => (u64::from(x as u32), u64::from(y as u32)),
        IntType::I64 => (x as u64, y as u64),
    };
    match op {
        IntCmpOp::Eq => x == y,
        IntCmpOp::Ne => x != y,
        IntCmpOp::LtS => x < y,
        IntCmpOp::LtU => ux < uy,
        IntCmpOp::GtS => x > y,
        IntCmpOp::GtU => ux > uy,
        IntCmpOp::LeS => x <= y,
        IntCmpOp::LeU => ux <= uy,
        IntCmpOp::GeS => x >= y,
        IntCmpOp::GeU => ux >= uy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(l: &str) -> Instr {
        Instr::LocalGet(l.into())
    }
    fn set(l: &str) -> Instr {
        Instr::LocalSet(l.into())
    }
    fn ge_s() -> Instr {
        Instr::IntCompare {
            ty: IntType::I32,
            op: IntCmpOp::GeS,
        }
    }
    fn block(label: &str, body: Vec<Instr>) -> Instr {
        Instr::Block {
            label: label.into(),
            ty: BlockType::default(),
            body,
        }
    }
    fn looped(body: Vec<Instr>) -> Instr {
        Instr::Loop {
            label: "$l".into(),
            ty: BlockType::default(),
            body,
        }
    }
    /// `block $x local.get $i i32.const 5 i32.ge_s br_if $x loop (body) end end`
    fn guarded(body: Vec<Instr>) -> Instr {
        block(
            "$x",
            vec![
                get("$i"),
                Instr::I32Const(5),
                ge_s(),
                Instr::BrIf("$x".into()),
                looped(body),
            ],
        )
    }
    fn dropped(mut body: Vec<Instr>) -> Vec<Instr> {
        drop_known_guards(&mut body);
        body
    }

    #[test]
    fn a_rotated_loops_test_on_its_constant_start_goes_with_its_block() {
        let loop_body = vec![Instr::Call("$f".into())];
        let body = vec![Instr::I32Const(0), set("$i"), guarded(loop_body.clone())];
        assert_eq!(
            dropped(body),
            vec![Instr::I32Const(0), set("$i"), looped(loop_body)]
        );
        // Through the stack, as edge moves leave it: `0 16 set $p set $i`.
        let body = vec![
            Instr::I32Const(0),
            Instr::I64Const(16),
            set("$p"),
            set("$i"),
            Instr::Comment("c".into()),
            guarded(vec![]),
        ];
        let out = dropped(body);
        assert!(matches!(out.last(), Some(Instr::Loop { .. })), "{out:?}");
    }

    #[test]
    fn a_block_other_branches_name_stays_without_the_guard() {
        let body = vec![
            Instr::I32Const(2),
            set("$i"),
            guarded(vec![Instr::BrIf("$x".into())]),
        ];
        let out = dropped(body);
        let [_, _, Instr::Block { body, .. }] = out.as_slice() else {
            panic!("the block stays: {out:?}")
        };
        assert!(matches!(body.as_slice(), [Instr::Loop { .. }]), "{body:?}");
    }

    #[test]
    fn unknown_or_passing_starts_and_effects_keep_the_guard() {
        let cases = [
            // Unknown start.
            vec![Instr::Call("$f".into()), set("$i"), guarded(vec![])],
            // A start that fails the test: the branch is taken.
            vec![Instr::I32Const(7), set("$i"), guarded(vec![])],
            // Set inside a loop before: not known after it.
            vec![
                Instr::I32Const(0),
                set("$i"),
                looped(vec![Instr::I32Const(9), set("$i")]),
                guarded(vec![]),
            ],
            // A wider value than the test's type is not folded.
            vec![Instr::I64Const(0), set("$i"), guarded(vec![])],
        ];
        for body in cases {
            assert_eq!(dropped(body.clone()), body);
        }
        // A `tee` in the condition's code is an effect: it stays.
        let body = vec![
            Instr::I32Const(0),
            Instr::LocalTee("$i".into()),
            Instr::I32Const(5),
            ge_s(),
            Instr::BrIf("$out".into()),
        ];
        assert_eq!(dropped(body.clone()), body);
    }

    /// Inside a loop, the guard of an inner loop stays (see the module's
    /// doc: Cranelift's register allocation).
    #[test]
    fn guards_inside_loops_stay() {
        let body = vec![looped(vec![Instr::I32Const(0), set("$i"), guarded(vec![])])];
        assert_eq!(dropped(body.clone()), body);
    }

    #[test]
    fn comparisons_follow_their_types() {
        let x = |v: i64| v;
        assert!(compare(IntCmpOp::LtU, IntType::I32, x(1), x(-1)));
        assert!(!compare(IntCmpOp::LtS, IntType::I32, x(1), x(-1)));
        assert!(compare(IntCmpOp::GtU, IntType::I64, x(-1), x(1)));
        assert_eq!(Known::new(IntType::I32, 1 << 32).value, 0);
        assert!(compare(IntCmpOp::GeS, IntType::I32, x(5), x(5)));
    }
}
