//! Constant address offsets folded into loads and stores: `%q = ptr.add %p,
//! %c` with `%c` a constant, then `i64.load %q`, becomes `i64.load %p
//! offset=c`, and the `ptr.add` goes when nothing else uses it. A frontend
//! writes exactly that for every field of a struct on the stack or in data;
//! wasm's memory argument does the addition for free.
//!
//! The fold is only made where it changes nothing observable. `ptr.add`
//! wraps modulo 2^bits and a memory argument's sum does not, so `%p + c`
//! must be known not to wrap: `c` is zero (a frontend's `+ 0` for a first
//! field), or `%p` is a stack slot's or a data definition's address (below
//! the 1 GiB memory maximum that the verifier's memory map holds them to)
//! and the sum stays below 2^32, on both targets. The offset itself must
//! stay below 2^32, the largest that wasm32 encodes.

use super::unroll::def_op;
use crate::ir::{BinaryOp, Const, Function, Inst, Op, Type, ValueDef, ValueId};

/// Addresses of slots and data are below the memory's maximum, 1 GiB.
const ADDRESS_BOUND: u64 = 1 << 30;
/// Sums and offsets stay below 2^32: no wrap on wasm32, an encodable offset.
const LIMIT: u64 = 1 << 32;

/// The function with address offsets folded, or `None` when there is none
/// to fold.
pub(super) fn fold_offsets(func: &Function) -> Option<Function> {
    fold_with(func, |base, _| bound(func, base).is_some())
}

/// Offsets folded onto the bases that `below(base, (block, index))`
/// vouches are below [`ADDRESS_BOUND`] whenever the access at `index` of
/// `block` runs: slot and data addresses here, bases accessed before in
/// `accessed.rs`.
pub(super) fn fold_with(
    func: &Function,
    below: impl Fn(ValueId, (usize, usize)) -> bool,
) -> Option<Function> {
    let folds: Vec<(usize, usize, ValueId, u64)> = (func.blocks.iter().enumerate())
        .flat_map(|(b, block)| {
            block
                .insts
                .iter()
                .enumerate()
                .map(move |(i, inst)| (b, i, inst))
        })
        .filter_map(|(b, i, inst)| {
            let (addr, offset) = access(&inst.op)?;
            let (base, added) = fold(func, addr, offset, |base| below(base, (b, i)))?;
            Some((b, i, base, added))
        })
        .collect();
    if folds.is_empty() {
        return None;
    }
    let mut func = func.clone();
    for (b, i, base, added) in folds {
        if let Op::Load { addr, offset, .. } | Op::Store { addr, offset, .. } =
            &mut func.blocks[b].insts[i].op
        {
            *addr = base;
            *offset += added;
        }
    }
    remove_dead_address_arithmetic(&mut func);
    Some(func)
}

/// The address operand and offset of a load or store.
pub(super) fn access(op: &Op) -> Option<(ValueId, u64)> {
    match op {
        Op::Load { addr, offset, .. } | Op::Store { addr, offset, .. } => Some((*addr, *offset)),
        _ => None,
    }
}

/// The base the access can use instead of `addr`, and what its offset grows
/// by: the deepest base of the chain of constant `ptr.add`s that ends in
/// `addr` whose sum is known not to wrap (adding zeros never wraps).
fn fold(
    func: &Function,
    addr: ValueId,
    offset: u64,
    below: impl Fn(ValueId) -> bool,
) -> Option<(ValueId, u64)> {
    let (mut base, mut added) = (addr, 0u64);
    let mut best = None;
    while let Some((p, c)) = ptr_add_const(func, base) {
        base = p;
        added = added.checked_add(c)?;
        let fits = added < LIMIT && offset + added < LIMIT;
        let no_wrap = added == 0 || (below(base) && ADDRESS_BOUND + added < LIMIT);
        if fits && no_wrap {
            best = Some((base, added));
        }
    }
    best
}

/// An upper bound of the value of an address, when it is known.
fn bound(func: &Function, v: ValueId) -> Option<u64> {
    match def_op(func, v)? {
        Op::SlotAddr(_) | Op::DataAddr(_) => Some(ADDRESS_BOUND),
        _ => None,
    }
}

/// `(p, c)` when `v` is `ptr.add p, c` (or `c, p`) with `c` a constant.
pub(super) fn ptr_add_const(func: &Function, v: ValueId) -> Option<(ValueId, u64)> {
    let Op::Binary(BinaryOp::Add, Type::Ptr, a, b) = *def_op(func, v)? else {
        return None;
    };
    match (ptr_const(func, a), ptr_const(func, b)) {
        (_, Some(c)) => Some((a, c)),
        (Some(c), None) => Some((b, c)),
        (None, None) => None,
    }
}

/// The value of `v` when it is a `ptr` constant.
fn ptr_const(func: &Function, v: ValueId) -> Option<u64> {
    match *def_op(func, v)? {
        Op::Const(Const::Ptr(c)) => Some(c),
        _ => None,
    }
}

/// Removes the `ptr.add`s, constants and `data.addr`/`slot.addr` that the
/// folds left unused (they cannot trap), and those that only they used
/// ([`remove_dead`]).
pub(super) fn remove_dead_address_arithmetic(func: &mut Function) {
    remove_dead(func, |inst| {
        matches!(
            inst.op,
            Op::Binary(BinaryOp::Add, Type::Ptr, ..)
                | Op::Const(_)
                | Op::DataAddr(_)
                | Op::SlotAddr(_)
        )
    });
}

/// Removes the unused instructions that `removable` accepts (the caller
/// vouches they have no effect and cannot trap), then those that only
/// they used, and renumbers the definitions: one count of uses, then a
/// worklist, however long the chains.
pub(super) fn remove_dead(func: &mut Function, removable: impl Fn(&Inst) -> bool) {
    let mut uses = vec![0u32; func.values.len()];
    for block in &func.blocks {
        let operands = block.insts.iter().flat_map(|i| i.op.operands());
        let term = block.term.iter().flat_map(|t| t.operands());
        for v in operands.chain(term) {
            uses[v.index()] += 1;
        }
    }
    let unused = |inst: &Inst, uses: &[u32]| inst.results.iter().all(|r| uses[r.index()] == 0);
    let mut work: Vec<(usize, usize)> = Vec::new();
    for (b, block) in func.blocks.iter().enumerate() {
        for (i, inst) in block.insts.iter().enumerate() {
            if removable(inst) && unused(inst, &uses) {
                work.push((b, i));
            }
        }
    }
    let mut removed: Vec<Vec<bool>> = (func.blocks.iter())
        .map(|block| vec![false; block.insts.len()])
        .collect();
    while let Some((b, i)) = work.pop() {
        removed[b][i] = true;
        for v in func.blocks[b].insts[i].op.operands() {
            uses[v.index()] -= 1;
            if uses[v.index()] > 0 {
                continue;
            }
            if let ValueDef::InstResult { block, index, .. } = func.value(v).def {
                let (db, di) = (block.index(), index as usize);
                let def = &func.blocks[db].insts[di];
                if removable(def) && unused(def, &uses) && !removed[db][di] {
                    work.push((db, di));
                }
            }
        }
    }
    for (block, gone) in func.blocks.iter_mut().zip(removed) {
        let mut gone = gone.into_iter();
        block.insts.retain(|_| !gone.next().unwrap_or(false));
    }
    super::inline::renumber_defs(func);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testgen::{GenConfig, generate};

    /// The random programs of `difftest` reach this pass, so that the
    /// campaign checks it against the interpreter: some of their functions
    /// have an access to fold.
    #[test]
    fn generated_programs_have_offsets_to_fold() {
        let config = GenConfig::default();
        let folded = (0..200)
            .flat_map(|seed| generate(seed, &config).funcs)
            .filter(|func| !func.is_import() && fold_offsets(func).is_some())
            .count();
        assert!(folded >= 10, "only {folded} functions with a fold");
    }
}
