//! Loop rotation on the structured code: a loop that tests its condition at
//! the top and jumps back at the bottom,
//!
//! ```text
//! loop $l                          block $l_exit
//!   HEADER   ;; -> i32               HEADER  i32.eqz  br_if $l_exit
//!   if                               loop $l
//!     BODY  br $l                      BODY  HEADER  br_if $l
//!   end                              end
//!   EXIT                           end
//! end                              EXIT
//! ```
//!
//! runs one conditional branch per iteration instead of a conditional branch
//! and a jump, and Cranelift (which does not rotate loops itself) keeps the
//! loop one block shorter. The header's straight-line code is copied to each
//! back edge, so every instruction still runs exactly when and as often as
//! before, in the same order: traps and side effects are unchanged. Also
//! handled: `loop $l HEADER br_if $out BODY end` (the exit is a branch out),
//! which becomes `HEADER br_if $out loop $l BODY HEADER i32.eqz br_if $l br
//! $out end`, and `loop $l HEADER if EXIT end BODY end` where both EXIT and
//! BODY end in a jump, which becomes `block $l_exit HEADER br_if $l_exit
//! loop $l BODY HEADER i32.eqz br_if $l end end EXIT`. Loops whose header holds control flow, is long, or whose body
//! continues with `br_if`/`br_table` to the loop are left as they are.
//!
//! A header whose exit leads to code placed inside the loop, `loop $l block
//! $x HEADER if BODY end end EXIT end` (EXIT not branching back), becomes
//! `block $x HEADER i32.eqz br_if $x loop $l BODY HEADER br_if $l end end
//! EXIT`.
//!
//! The header copies keep its `;; block` comment and its origin markers, so a
//! trap in a copy maps to the header's IR instruction. Loops larger than
//! [`MAX_LOOP_SIZE`] instructions are not rotated, which keeps the pass
//! linear in the size of the code however deep loops nest.

use crate::fxhash::FxHashSet as HashSet;
use crate::stack::ensure_stack;
use crate::wat::{BlockType, Instr, IntType, IntUnOp};

/// Instructions of a header that may be copied (comments and origins not
/// counted).
const MAX_HEADER: usize = 12;
/// Back edges a loop may have, each getting a copy of the header.
const MAX_BACK_EDGES: usize = 4;
/// Instructions a loop's body may hold (nested ones included) to be
/// rotated. Rotating looks through the whole body, so without a bound loops
/// nested `d` deep would cost `d` times the code; with it, each instruction
/// is looked at by at most this many enclosing loops (in practice far
/// fewer). The branch saved per iteration is noise next to a larger body.
const MAX_LOOP_SIZE: usize = 4096;

pub(super) fn rotate_loops(body: Vec<Instr>) -> Vec<Instr> {
    let mut labels = HashSet::default();
    collect_labels(&body, &mut labels);
    rotate(body, &mut labels).0
}

/// The rotated code, and about how many instructions it holds, nested ones
/// included (before the rotations at this level: enough for a bound).
fn rotate(body: Vec<Instr>, labels: &mut HashSet<String>) -> (Vec<Instr>, usize) {
    ensure_stack(|| rotate_here(body, labels))
}

fn rotate_here(body: Vec<Instr>, labels: &mut HashSet<String>) -> (Vec<Instr>, usize) {
    let mut out = Vec::with_capacity(body.len());
    let mut size = 0;
    for instr in body {
        size += 1;
        match instr {
            Instr::Block { label, ty, body } => {
                let (body, n) = rotate(body, labels);
                size += n;
                out.push(Instr::Block { label, ty, body });
            }
            Instr::If {
                label,
                ty,
                then_body,
                else_body,
            } => {
                let (then_body, n) = rotate(then_body, labels);
                let (else_body, m) = rotate(else_body, labels);
                size += n + m;
                out.push(Instr::If {
                    label,
                    ty,
                    then_body,
                    else_body,
                });
            }
            Instr::Loop { label, ty, body } => {
                let (body, n) = rotate(body, labels);
                size += n;
                if n <= MAX_LOOP_SIZE {
                    rotate_loop(label, ty, body, labels, &mut out);
                } else {
                    out.push(Instr::Loop { label, ty, body });
                }
            }
            other => out.push(other),
        }
    }
    (drop_self_moves(out), size)
}

/// Appends the loop to `out`, rotated when it has one of the shapes.
fn rotate_loop(
    label: String,
    ty: BlockType,
    mut body: Vec<Instr>,
    labels: &mut HashSet<String>,
    out: &mut Vec<Instr>,
) {
    if ty == BlockType::default() && block_header(&body, &label) {
        // loop $l block $x HEADER if BODY end end EXIT end: $x is the exit.
        let rest = body.split_off(1);
        let Some(Instr::Block {
            label: exit,
            body: mut header,
            ..
        }) = body.pop()
        else {
            unreachable!("checked by block_header")
        };
        let Some(Instr::If { then_body, .. }) = header.pop() else {
            unreachable!("checked by block_header")
        };
        let again = |tail: bool| {
            let mut code = header.clone();
            code.push(Instr::BrIf(label.clone()));
            if !tail {
                code.push(Instr::Br(exit.clone()));
            }
            code
        };
        let mut block = header.clone();
        negate(&mut block);
        block.push(Instr::BrIf(exit.clone()));
        block.push(Instr::Loop {
            label: label.clone(),
            ty,
            body: replace_back_edges(then_body, &label, &again),
        });
        out.push(Instr::Block {
            label: exit,
            ty: BlockType::default(),
            body: block,
        });
        out.extend(rest);
        return;
    }
    let h = body.iter().position(is_control).unwrap_or(body.len());
    let header_len = header_len(&body[..h]);
    let shape = match body.get(h) {
        _ if ty != BlockType::default() || header_len == 0 || header_len > MAX_HEADER => None,
        // loop $l HEADER if BODY [else EXIT] end [EXIT] end
        Some(Instr::If {
            label: if_label,
            ty: if_ty,
            then_body,
            else_body,
        }) if if_label.is_empty()
            && *if_ty == BlockType::default()
            && (else_body.is_empty() || never_falls_through(then_body))
            && !uses_label(else_body, &label)
            && !uses_label(&body[h + 1..], &label)
            && back_edges(then_body, &label).is_some_and(|n| n <= MAX_BACK_EDGES) =>
        {
            Some(Shape::If)
        }
        // loop $l HEADER if EXIT end BODY end, where EXIT and BODY jump
        Some(Instr::If {
            label: if_label,
            ty: if_ty,
            then_body,
            else_body,
        }) if if_label.is_empty()
            && *if_ty == BlockType::default()
            && else_body.is_empty()
            && never_falls_through(then_body)
            && !uses_label(then_body, &label)
            && never_falls_through(&body[h + 1..])
            && back_edges(&body[h + 1..], &label)
                .is_some_and(|n| (1..=MAX_BACK_EDGES).contains(&n)) =>
        {
            Some(Shape::IfExit)
        }
        // loop $l HEADER br_if $out BODY end
        Some(Instr::BrIf(exit))
            if *exit != label
                && back_edges(&body[h + 1..], &label)
                    .is_some_and(|n| (1..=MAX_BACK_EDGES).contains(&n)) =>
        {
            Some(Shape::BrIf(exit.clone()))
        }
        _ => None,
    };
    let Some(shape) = shape else {
        out.push(Instr::Loop { label, ty, body });
        return;
    };
    let rest = body.split_off(h + 1);
    let test = body.pop().expect("the test");
    let header = body;
    match (shape, test) {
        (
            Shape::If,
            Instr::If {
                then_body,
                else_body,
                ..
            },
        ) => {
            let exit = fresh(labels, &format!("{label}_exit"));
            // Each back edge: the header, then around again or out.
            let again = |tail: bool| {
                let mut code = header.clone();
                code.push(Instr::BrIf(label.clone()));
                if !tail {
                    code.push(Instr::Br(exit.clone()));
                }
                code
            };
            let mut block = header.clone();
            negate(&mut block);
            block.push(Instr::BrIf(exit.clone()));
            block.push(Instr::Loop {
                label: label.clone(),
                ty,
                body: replace_back_edges(then_body, &label, &again),
            });
            out.push(Instr::Block {
                label: exit,
                ty: BlockType::default(),
                body: block,
            });
            out.extend(else_body);
            out.extend(rest);
        }
        (Shape::IfExit, Instr::If { then_body, .. }) => {
            let exit = fresh(labels, &format!("{label}_exit"));
            // The loop ends the block: from its tail, falling out is leaving.
            let again = |tail: bool| {
                let mut code = header.clone();
                negate(&mut code);
                code.push(Instr::BrIf(label.clone()));
                if !tail {
                    code.push(Instr::Br(exit.clone()));
                }
                code
            };
            let mut block = header.clone();
            block.push(Instr::BrIf(exit.clone()));
            block.push(Instr::Loop {
                label: label.clone(),
                ty,
                body: replace_back_edges(rest, &label, &again),
            });
            out.push(Instr::Block {
                label: exit,
                ty: BlockType::default(),
                body: block,
            });
            // The exit always jumps: what follows the loop is reached only
            // through the loop's other exits, as before.
            out.extend(then_body);
        }
        (Shape::BrIf(exit), _) => {
            let again = |_tail: bool| {
                let mut code = header.clone();
                negate(&mut code);
                code.push(Instr::BrIf(label.clone()));
                code.push(Instr::Br(exit.clone()));
                code
            };
            out.extend(header.iter().cloned());
            out.push(Instr::BrIf(exit.clone()));
            out.push(Instr::Loop {
                label: label.clone(),
                ty,
                body: replace_back_edges(rest, &label, &again),
            });
        }
        (Shape::If | Shape::IfExit, _) => unreachable!("the shape was matched on the test"),
    }
}

enum Shape {
    If,
    IfExit,
    BrIf(String),
}

fn header_len(header: &[Instr]) -> usize {
    header
        .iter()
        .filter(|i| !matches!(i, Instr::Comment(_) | Instr::Origin(_)))
        .count()
}

/// Whether a loop's body is `block $x HEADER if BODY end end EXIT`, where
/// BODY branches back to the loop and EXIT does not: a header whose exit
/// (falling out of the `if`) leads to code placed inside the loop.
fn block_header(body: &[Instr], label: &str) -> bool {
    let Some(Instr::Block {
        ty, body: inner, ..
    }) = body.first()
    else {
        return false;
    };
    let h = inner.iter().position(is_control).unwrap_or(inner.len());
    *ty == BlockType::default()
        && h + 1 == inner.len()
        && (1..=MAX_HEADER).contains(&header_len(&inner[..h]))
        && matches!(&inner[h], Instr::If { label: l, ty, then_body, else_body }
            if l.is_empty()
                && *ty == BlockType::default()
                && else_body.is_empty()
                && back_edges(then_body, label).is_some_and(|n| (1..=MAX_BACK_EDGES).contains(&n)))
        && !uses_label(&body[1..], label)
}

/// Whether control never reaches the end of `body`: it ends in a jump, or in
/// a loop whose body does, or in a block whose body does and that nothing
/// branches to.
fn never_falls_through(body: &[Instr]) -> bool {
    match body.last() {
        Some(Instr::Loop { body, .. }) => never_falls_through(body),
        Some(Instr::Block { label, body, .. }) => {
            never_falls_through(body) && !uses_label(body, label)
        }
        _ => super::control::ends_in_jump(body),
    }
}

fn is_control(instr: &Instr) -> bool {
    matches!(
        instr,
        Instr::Block { .. }
            | Instr::Loop { .. }
            | Instr::If { .. }
            | Instr::Br(_)
            | Instr::BrIf(_)
            | Instr::BrTable { .. }
            | Instr::Return
            | Instr::Unreachable
    )
}

/// Turns the condition the code leaves on the stack into its negation. An
/// `i32.eqz` ending the code goes instead, though an origin marker (the
/// branch's) follows it: markers never change the code.
fn negate(code: &mut Vec<Instr>) {
    let eqz = Instr::IntUnary {
        ty: IntType::I32,
        op: IntUnOp::Eqz,
    };
    let last = code.iter().rposition(|i| !matches!(i, Instr::Origin(_)));
    match last {
        Some(k) if code[k] == eqz => {
            code.remove(k);
        }
        _ => code.push(eqz),
    }
}

/// The number of `br $label` in `body`, or `None` when another instruction
/// (`br_if`, `br_table`) branches to it.
fn back_edges(body: &[Instr], label: &str) -> Option<usize> {
    let mut n = 0;
    for instr in body {
        match instr {
            Instr::Br(l) if l == label => n += 1,
            Instr::BrIf(l) if l == label => return None,
            Instr::BrTable { labels, default }
                if default == label || labels.iter().any(|l| l == label) =>
            {
                return None;
            }
            Instr::Block { body, .. } | Instr::Loop { body, .. } => n += back_edges(body, label)?,
            Instr::If {
                then_body,
                else_body,
                ..
            } => n += back_edges(then_body, label)? + back_edges(else_body, label)?,
            _ => {}
        }
    }
    Some(n)
}

fn uses_label(body: &[Instr], label: &str) -> bool {
    back_edges(body, label) != Some(0)
}

/// Replaces each `br $label` with `again(false)`, or `again(true)` when it
/// is the last instruction of `body` itself.
fn replace_back_edges(
    mut body: Vec<Instr>,
    label: &str,
    again: &dyn Fn(bool) -> Vec<Instr>,
) -> Vec<Instr> {
    let tail = matches!(body.last(), Some(Instr::Br(l)) if l == label);
    if tail {
        body.pop();
    }
    let mut out = replace_nested(body, label, again);
    if tail {
        out.extend(again(true));
    }
    out
}

fn replace_nested(body: Vec<Instr>, label: &str, again: &dyn Fn(bool) -> Vec<Instr>) -> Vec<Instr> {
    let mut out = Vec::with_capacity(body.len());
    for instr in body {
        match instr {
            Instr::Br(l) if l == label => out.extend(again(false)),
            Instr::Block { label: l, ty, body } => out.push(Instr::Block {
                label: l,
                ty,
                body: replace_nested(body, label, again),
            }),
            Instr::Loop { label: l, ty, body } => out.push(Instr::Loop {
                label: l,
                ty,
                body: replace_nested(body, label, again),
            }),
            Instr::If {
                label: l,
                ty,
                then_body,
                else_body,
            } => out.push(Instr::If {
                label: l,
                ty,
                then_body: replace_nested(then_body, label, again),
                else_body: replace_nested(else_body, label, again),
            }),
            other => out.push(other),
        }
    }
    out
}

/// `local.get $x local.set $x` (a block argument already in its
/// parameter's local) does nothing.
fn drop_self_moves(body: Vec<Instr>) -> Vec<Instr> {
    let mut out: Vec<Instr> = Vec::with_capacity(body.len());
    for instr in body {
        if let Instr::LocalSet(set) = &instr
            && matches!(out.last(), Some(Instr::LocalGet(get)) if get == set)
        {
            out.pop();
            continue;
        }
        out.push(instr);
    }
    out
}

fn collect_labels(body: &[Instr], labels: &mut HashSet<String>) {
    for instr in body {
        match instr {
            Instr::Block { label, body, .. } | Instr::Loop { label, body, .. } => {
                labels.insert(label.clone());
                collect_labels(body, labels);
            }
            Instr::If {
                label,
                then_body,
                else_body,
                ..
            } => {
                labels.insert(label.clone());
                collect_labels(then_body, labels);
                collect_labels(else_body, labels);
            }
            _ => {}
        }
    }
}

fn fresh(labels: &mut HashSet<String>, wanted: &str) -> String {
    let mut name = wanted.to_string();
    let mut n = 1;
    while labels.contains(&name) {
        name = format!("{wanted}_{n}");
        n += 1;
    }
    labels.insert(name.clone());
    name
}
