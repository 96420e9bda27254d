//! Constant address offsets folded into loads and stores after an access
//! to their base: `%q = ptr.add %p, 8` then `f64.load %q` becomes `f64.load
//! %p offset=8` when a load or store of address `%p` ran before it. A
//! naive frontend reads a struct through a pointer parameter as `p->x`,
//! `p->y`, `p->z`: the first field at `p` itself, then `p + 8`, `p + 16`,
//! each a constant and an add (3 to 4 bytes and a local) that wasm's
//! memory argument does for free.
//!
//! Why it is exact: `fold-offsets` (`offsets.rs`) folds only where the
//! sum cannot wrap, for bases it can bound (slot and data addresses). A
//! load or store of address `%p` (at any offset) that did not trap had its
//! whole access inside a memory, and every memory is at most 1 GiB (the
//! verifier and the interpreter hold them to `MAX_PAGES`, the lowering
//! declares it as the maximum): so `%p` is below 1 GiB, and `%p + c`, for
//! `c` below 3 GiB, wraps on neither target. That access must have run
//! before, on the same value of `%p`: it is earlier in the same block, or
//! in a block that strictly dominates this one (an SSA value is the same
//! from its definition on along any path that reaches a block through a
//! dominator of it). A program that trapped in the first access never
//! reaches the second. Atomics are not counted (they do not use offsets
//! here), nor later accesses: the access being folded could run, at a
//! wrapped address, before a later one traps.
//!
//! It is the last IR pass: after `load-cse` and the second `gvn` merged
//! the loads of one address, so that it does not split the loads of one
//! field into `p + 8` and `p offset=8` (docs/lowering.md has the figures).
//!
//! Cost: the accesses of each base are listed once; each fold looks at
//! the first [`LOOKED_AT`] of its base's, in block order, each an O(1)
//! dominance test: linear in the function.

use super::offsets::{access, fold_with};
use crate::analysis::{Cfg, DomTree};
use crate::ir::{BlockId, Function};

/// How many accesses of one base a fold looks at for one that ran before.
const LOOKED_AT: usize = 16;

/// The function with offsets folded onto bases accessed before, or `None`
/// when there is none to fold.
pub(super) fn fold_accessed_offsets(func: &Function) -> Option<Function> {
    let cfg = Cfg::new(func);
    let dom = DomTree::new(&cfg);
    let mut accesses: Vec<Vec<(usize, usize)>> = vec![Vec::new(); func.values.len()];
    for (b, block) in func.blocks.iter().enumerate() {
        for (i, inst) in block.insts.iter().enumerate() {
            if let Some((addr, _)) = access(&inst.op)
                && accesses[addr.index()].len() < LOOKED_AT
            {
                accesses[addr.index()].push((b, i));
            }
        }
    }
    let block = |b: usize| -> BlockId { func.block_id(b) };
    fold_with(func, |base, (b, i)| {
        let ran_before = |&(ab, ai): &(usize, usize)| {
            (ab == b && ai < i) || (ab != b && dom.dominates(block(ab), block(b)))
        };
        cfg.is_reachable(block(b)) && accesses[base.index()].iter().any(ran_before)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Interpreter;
    use crate::ir::{Module, Op, Target};
    use crate::lower::passes::testing::{check_generated, outcome, parse, rewritten};
    use crate::value::Value;

    /// The offsets of the loads and stores of `@f`, in block order.
    fn offsets(module: &Module) -> Vec<u64> {
        let f = module.func(module.func_by_name("f").expect("f"));
        (f.blocks.iter().flat_map(|b| &b.insts))
            .filter_map(|i| match i.op {
                Op::Load { offset, .. } | Op::Store { offset, .. } => Some(offset),
                _ => None,
            })
            .collect()
    }

    /// `p->x`, then `p->y` and `p->z` in the next block: both fold onto
    /// `p`; `q + 8` loaded before `q` itself is not folded (the load at
    /// the wrapped address would run before the one that traps), nor a
    /// base only accessed in the other arm of a branch.
    #[test]
    fn offsets_fold_after_an_access_to_their_base() {
        let module = parse(
            "pub fn @f(%p: ptr, %q: ptr, %c: i32) -> i64 {\nentry:\n\
             %x = i64.load %p\n  %e = ptr.const 8\n  %q8 = ptr.add %q, %e\n\
             %a = i64.load %q8\n  %b = i64.load %q\n  brif %c, then, else\n\
             then:\n  %p8 = ptr.add %p, %e\n  %y = i64.load %p8\n\
             %s = ptr.const 16\n  %p16 = ptr.add %p, %s\n  i64.store %p16, %y\n\
             %r = i64.add %y, %a\n  return %r\n\
             else:\n  %w = ptr.const 24\n  %p24 = ptr.add %p, %w\n\
             i64.store %p24, %x\n  jump more\n\
             more:\n  %u = ptr.const 32\n  %q32 = ptr.add %q, %u\n  %v = i64.load %q32\n\
             %t = i64.add %v, %b\n  return %t\n}\n",
        );
        let after = rewritten(&module, |_, f| fold_accessed_offsets(f));
        assert_eq!(
            offsets(&after),
            [0, 0, 0, 8, 16, 24, 32],
            "{}",
            crate::text::print_module(&after)
        );
        let m = 0x1000u64;
        let i = |v: u64| Value::I64(v as i64);
        let cases = [
            vec![i(16), i(64), Value::I32(1)],
            vec![i(16), i(64), Value::I32(0)],
            vec![i(u64::MAX - 3), i(64), Value::I32(1)],
            vec![i(16), i(u64::MAX - 3), Value::I32(0)],
            vec![i(m), i(m * 2), Value::I32(0)],
        ];
        let mut a = Interpreter::new(&module, Target::Wasm64).expect("instantiates");
        let mut b = Interpreter::new(&after, Target::Wasm64).expect("instantiates");
        for args in &cases {
            assert_eq!(
                outcome(b.call("f", args)),
                outcome(a.call("f", args)),
                "{args:?}"
            );
        }
    }

    #[test]
    fn generated_programs_compute_the_same_with_accessed_offsets_folded() {
        let changed = check_generated(0..150, |_, f| fold_accessed_offsets(f));
        assert!(changed >= 1, "only {changed} functions changed");
    }
}
