//! The `select-diamonds` pass: a `brif` whose two edges reach the same block, with
//! different arguments, becomes `select`s of those arguments and one
//! `jump`.
//!
//! A frontend writes `if (n > 20) n = 20;` as a test, an assignment in
//! its own block and a join; once promote-vars made `n` a block
//! parameter, that is `brif %c, then, join(%n)` with `then: jump
//! join(%k)`. In wasm it costs an `if`, an `else`, two `local.set`s and an
//! `end`, where `select` takes one byte and no branch (clang's output
//! for the same clamp: LLVM's SimplifyCFG speculates such a diamond).
//!
//! **The rule.** Take `brif %c, T(a), E(b)`. Each side goes to its target,
//! or past it when the target is a forwarder: no parameters, no
//! instructions, one incoming edge (this one) and a `jump J(x)`; then the
//! side is `J(x)`. When both sides reach the same block `J`, which has no
//! other incoming edge, and at most [`MAX_SELECTS`] argument positions
//! differ, the block ends instead in
//! `%s = select %c, a_i, b_i` for each differing position and `jump
//! J(...)`. It is exact: the arguments are SSA values, already computed
//! whichever way the branch goes, and `select` picks the one the taken
//! edge would have passed; skipping a forwarder skips nothing but a jump.
//! A forwarder's arguments are available at the `brif`: its one
//! predecessor is the `brif`'s block, so whatever dominates the forwarder
//! (and is not defined in it: nothing is) dominates that block's end.
//! Forwarders left unreachable are removed.
//!
//! Cost: one count of the incoming edges, then constant work per `brif`.

use super::jump_thread::remove_unreachable;
use crate::ir::{Edge, Function, Inst, Op, Terminator, ValueDef, ValueId};
use std::borrow::Cow;

/// A diamond that needs more `select`s than this keeps its branch: each
/// costs its two operands' reads, and the branch's cost is fixed.
const MAX_SELECTS: usize = 4;

/// The function with its value diamonds made `select`s, or `None` when
/// there were none.
pub(super) fn select_diamonds(func: &Function) -> Option<Function> {
    let incoming = incoming_edges(func);
    let mut out = Cow::Borrowed(func);
    for b in 0..func.blocks.len() {
        let Some(Terminator::BrIf {
            cond,
            then_edge,
            else_edge,
        }) = &func.blocks[b].term
        else {
            continue;
        };
        let (t, e) = (
            past_forwarder(func, &incoming, then_edge),
            past_forwarder(func, &incoming, else_edge),
        );
        // The join has no other way in: it is the diamond's own (as in
        // LLVM's two-entry rule). A loop header reached also by other
        // edges keeps its branch: `if c then x = y` into it is `if`, two
        // `local`s and an `end`, its `select` a local for `c` and three
        // reads.
        let join = t.block;
        if join != e.block || join.index() == b || incoming[join.index()] != 2 {
            continue;
        }
        let differing = (t.args.iter().zip(&e.args)).filter(|(x, y)| x != y).count();
        if differing > MAX_SELECTS {
            continue;
        }
        let (cond, t_args, e_args) = (*cond, t.args.clone(), e.args.clone());
        let out = out.to_mut();
        let mut args = Vec::with_capacity(t_args.len());
        for (&if_true, &if_false) in t_args.iter().zip(&e_args) {
            if if_true == if_false {
                args.push(if_true);
                continue;
            }
            args.push(push_select(out, b, cond, if_true, if_false));
        }
        out.blocks[b].term = Some(Terminator::Jump(Edge { block: join, args }));
    }
    let mut out = match out {
        Cow::Borrowed(_) => return None,
        Cow::Owned(out) => out,
    };
    remove_unreachable(&mut out);
    Some(out)
}

/// How many edges come into each block (a `brif` with both edges to one
/// block counts twice).
fn incoming_edges(func: &Function) -> Vec<u32> {
    let mut incoming = vec![0u32; func.blocks.len()];
    for block in &func.blocks {
        for edge in block.term.iter().flat_map(|t| t.edges()) {
            incoming[edge.block.index()] += 1;
        }
    }
    incoming
}

/// Where `edge` leads once past its target, when that target only jumps
/// on: no parameters, no instructions, and `edge` its one way in.
fn past_forwarder<'f>(func: &'f Function, incoming: &[u32], edge: &'f Edge) -> &'f Edge {
    let target = func.block(edge.block);
    match &target.term {
        Some(Terminator::Jump(next))
            if target.params.is_empty()
                && target.insts.is_empty()
                && incoming[edge.block.index()] == 1
                && next.block != edge.block =>
        {
            next
        }
        _ => edge,
    }
}

/// Appends `%s = select %cond, %if_true, %if_false` to block `b`, at the
/// `brif`'s location; `%s`.
fn push_select(
    func: &mut Function,
    b: usize,
    cond: ValueId,
    if_true: ValueId,
    if_false: ValueId,
) -> ValueId {
    let ty = func.value_type(if_true);
    let block = func.block_id(b);
    let index = func.blocks[b].insts.len() as u32;
    let result = func.new_value(
        ty,
        "sel",
        ValueDef::InstResult {
            block,
            index,
            result: 0,
        },
    );
    let (span, loc) = (func.blocks[b].term_span, func.blocks[b].term_loc);
    func.blocks[b].insts.push(Inst {
        op: Op::Select {
            ty,
            cond,
            if_true,
            if_false,
        },
        results: vec![result],
        span,
        loc,
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::passes::testing::{check_generated, parse, rewritten, same_outcomes};
    use crate::value::Value;

    fn grid() -> Vec<Vec<Value>> {
        let xs = [-5, 0, 7, 20, 21, 1000];
        let mut out = Vec::new();
        for &a in &xs {
            for &b in &xs {
                out.push(vec![Value::I32(a), Value::I32(b)]);
            }
        }
        out
    }

    #[test]
    fn a_clamp_through_a_forwarder_becomes_a_select() {
        let module = parse(
            "pub fn @f(%n: i32, %m: i32) -> i32 {\nentry:\n  %k = i32.const 20\n  %c = i32.gt_s %n, %k\n  brif %c, then, join(%n, %m)\n\
             then:\n  jump join(%k, %m)\n\
             join(%x: i32, %y: i32):\n  %r = i32.add %x, %y\n  return %r\n}\n",
        );
        let after = rewritten(&module, |_, f| select_diamonds(f));
        let text = crate::text::print_module(&after);
        assert!(text.contains("i32.select %c, %k, %n"), "{text}");
        assert!(!text.contains("then:"), "the forwarder is gone:\n{text}");
        assert_eq!(text.matches("select").count(), 1, "%m is passed as it is");
        same_outcomes(&module, &after, &grid());
    }

    #[test]
    fn both_edges_to_one_block_become_a_jump() {
        let module = parse(
            "pub fn @f(%a: i32, %b: i32) -> i32 {\nentry:\n  %c = i32.lt_u %a, %b\n  brif %c, join(%a), join(%b)\n\
             join(%x: i32):\n  return %x\n}\n",
        );
        let after = rewritten(&module, |_, f| select_diamonds(f));
        let text = crate::text::print_module(&after);
        assert!(text.contains("jump join(%sel)"), "{text}");
        same_outcomes(&module, &after, &grid());
    }

    /// A target with an instruction, or reached from elsewhere too, is no
    /// forwarder, and a join with a third way in is not the diamond's
    /// own: the branch stays.
    #[test]
    fn arms_that_compute_or_are_shared_keep_the_branch() {
        for text in [
            "pub fn @f(%a: i32, %b: i32) -> i32 {\nentry:\n  brif %a, then, join(%b)\n\
             then:\n  %d = i32.div_s %a, %b\n  jump join(%d)\n\
             join(%x: i32):\n  return %x\n}\n",
            "pub fn @f(%a: i32, %b: i32) -> i32 {\nentry:\n  brif %a, mid, other\n\
             other:\n  brif %b, mid, join(%b)\n\
             mid:\n  jump join(%a)\n\
             join(%x: i32):\n  return %x\n}\n",
            "pub fn @f(%a: i32, %b: i32) -> i32 {\nentry:\n  brif %a, other, test\n\
             test:\n  brif %b, join(%a), join(%b)\n\
             other:\n  jump join(%b)\n\
             join(%x: i32):\n  return %x\n}\n",
        ] {
            let module = parse(text);
            assert_eq!(select_diamonds(&module.funcs[0]), None, "{text}");
        }
    }

    #[test]
    fn generated_programs_compute_the_same_with_selects() {
        let changed = check_generated(0..150, |_, f| select_diamonds(f));
        assert!(changed >= 5, "only {changed} functions changed");
    }
}
