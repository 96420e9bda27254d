//! Redundant loads removed: a load of an address that an earlier load or
//! store of the same shape already accessed, with nothing in between that
//! may write memory, reuses that value. A frontend reads a struct field
//! again for each source expression that names it (`p.x * p.x`), and
//! stores a field then reads it back; this gives each read once.
//!
//! Addresses are compared as a base plus a constant: `ptr.add %p, c1`
//! then `ptr.add _, c2` is `(%p, c1 + c2)`; a base that is `data.addr @x`
//! or `slot.addr $s` is that data or slot, whichever instruction took its
//! address; the sum wrapping like
//! `ptr.add` (two sums equal modulo 2^64 are equal modulo 2^32 too, so
//! one rule serves both targets), and the access's own `offset=` is part
//! of the key. Two accesses with the same key, the same type and the same
//! width read the same effective address, so:
//! - the second cannot trap where the first did not (the first ran, and
//!   memory only grows), and the value is the same unless memory was
//!   written in between;
//! - a full-width load after a full-width store of the same type reads
//!   what was stored (narrow stores truncate, and are not forwarded).
//!
//! Anything that may write memory forgets every known value: a store (of
//! any address: no alias analysis), a call (direct or indirect),
//! `memory.copy`/`fill`/`grow`, the stack operations, and every atomic
//! access and `atomic.fence` (a synchronisation point with other threads;
//! atomic loads themselves are never merged). The known values
//! flow down a block, and into a block whose only predecessor is the
//! block before it in reverse postorder's sense (that predecessor
//! dominates it, so the value is defined wherever it is reused).

use super::inline::renumber_defs;
use super::offsets::ptr_add_const;
use crate::analysis::Cfg;
use crate::fxhash::FxHashMap;
use crate::ir::{DataId, Function, MemAccess, MemId, Op, SlotId, ValueId};

/// An address as a base value plus a wrapping constant, the access's
/// offset and its shape, and the memory it is in.
type Key = (Addr, MemId);
type Addr = (Base, u64, u64, MemAccess);

/// What an address is relative to. Two `data.addr @x` (a frontend writes
/// one per access; `gvn` keeps them, as it keeps constants, to emit each
/// where it is used) are the same address, and so are two `slot.addr $s`
/// of one frame.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Base {
    Value(ValueId),
    Data(DataId),
    Slot(SlotId),
}

/// The function with its redundant loads removed, or `None` when it has none.
pub(super) fn cse_loads(func: &Function) -> Option<Function> {
    if !func.blocks.iter().any(|b| {
        b.insts
            .iter()
            .filter(|i| matches!(i.op, Op::Load { .. }))
            .nth(1)
            .is_some()
    }) {
        return None;
    }
    let cfg = Cfg::new(func);
    // The known values at the end of each processed block.
    let mut known_at_end: Vec<Option<FxHashMap<Key, ValueId>>> = vec![None; func.blocks.len()];
    let mut subst: FxHashMap<ValueId, ValueId> = FxHashMap::default();
    let mut removed: Vec<(usize, usize)> = Vec::new();
    for &block in &cfg.rpo {
        let b = block.index();
        let mut known = match cfg.preds[b].as_slice() {
            &[pred] if b != 0 => known_at_end[pred.index()].clone().unwrap_or_default(),
            _ => FxHashMap::default(),
        };
        for (i, inst) in func.blocks[b].insts.iter().enumerate() {
            match &inst.op {
                Op::Load {
                    access,
                    addr,
                    offset,
                    mem,
                } => {
                    let key = (key(func, &subst, *addr, *offset, *access), *mem);
                    match known.get(&key) {
                        Some(&value) => {
                            subst.insert(inst.results[0], value);
                            removed.push((b, i));
                        }
                        None => {
                            known.insert(key, inst.results[0]);
                        }
                    }
                }
                Op::Store {
                    access,
                    addr,
                    value,
                    offset,
                    mem,
                } => {
                    known.clear();
                    if access.narrow.is_none() {
                        let key = (key(func, &subst, *addr, *offset, *access), *mem);
                        known.insert(key, resolve(&subst, *value));
                    }
                }
                op if may_write_memory(op) => known.clear(),
                _ => {}
            }
        }
        known_at_end[b] = Some(known);
    }
    if removed.is_empty() {
        return None;
    }
    let mut func = func.clone();
    for &(b, i) in removed.iter().rev() {
        func.blocks[b].insts.remove(i);
    }
    func.map_operands(|v| resolve(&subst, v));
    renumber_defs(&mut func);
    // The address arithmetic only the removed loads used goes too.
    super::offsets::remove_dead_address_arithmetic(&mut func);
    Some(func)
}

/// Operators that may write memory (or, for the stack operations, move
/// what a frame's memory means). Every atomic access and fence is a
/// barrier too: another thread's writes may become visible across it, so
/// no load before it answers for one after it.
fn may_write_memory(op: &Op) -> bool {
    matches!(
        op,
        Op::Store { .. }
            | Op::Atomic { .. }
            | Op::AtomicFence
            | Op::MemoryCopy { .. }
            | Op::MemoryFill { .. }
            | Op::MemoryGrow(..)
            | Op::StackAlloc(_)
            | Op::StackRestore(_)
            | Op::Call { .. }
            | Op::CallIndirect { .. }
    )
}

fn resolve(subst: &FxHashMap<ValueId, ValueId>, mut v: ValueId) -> ValueId {
    while let Some(&next) = subst.get(&v) {
        v = next;
    }
    v
}

/// The key of an access: its address followed down `ptr.add`s of
/// constants to a base, the constants summed with wrapping.
fn key(
    func: &Function,
    subst: &FxHashMap<ValueId, ValueId>,
    addr: ValueId,
    offset: u64,
    access: MemAccess,
) -> Addr {
    let mut base = resolve(subst, addr);
    let mut added = 0u64;
    // A chain is as long as the function: bounded by its values.
    for _ in 0..func.values.len() {
        match ptr_add_const(func, base) {
            Some((next, c)) => {
                added = added.wrapping_add(c);
                base = resolve(subst, next);
            }
            None => break,
        }
    }
    let base = match super::unroll::def_op(func, base) {
        Some(&Op::DataAddr(data)) => Base::Data(data),
        Some(&Op::SlotAddr(slot)) => Base::Slot(slot),
        _ => Base::Value(base),
    };
    (base, added, offset, access)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Interpreter;
    use crate::ir::{Module, Target};
    use crate::lower::passes::testing::{check_generated, parse, rewritten};
    use crate::value::Value;

    fn loads(module: &Module) -> usize {
        let f = module.func(module.func_by_name("f").expect("f"));
        (f.blocks.iter().flat_map(|b| &b.insts))
            .filter(|i| matches!(i.op, Op::Load { .. }))
            .count()
    }

    /// `p.x * p.x + q.y` through separate `ptr.add`s, a store then a read
    /// back, a narrow store not forwarded, and a call that forgets all.
    const FIELDS: &str = "fn @g() {\nentry:\n  return\n}\n\
        pub fn @f(%p: ptr, %v: i64) -> i64 {\n\
        entry:\n  %c8 = ptr.const 8\n  %a = ptr.add %p, %c8\n  %x = i64.load %a\n\
          %b = ptr.add %c8, %p\n  %y = i64.load %b\n  %m = i64.mul %x, %y\n\
          %c4 = ptr.const 4\n  %c12 = ptr.const 12\n  %d = ptr.add %p, %c4\n  %e = ptr.add %d, %c8\n\
          %z = i64.load %p offset=16\n  %w = i64.load %e offset=4\n  %s = i64.add %z, %w\n\
          i64.store8 %p, %v offset=32\n  %n = i64.load8_u %p offset=32\n\
          i64.store %p, %v offset=24\n  %r = i64.load %p offset=24\n\
          jump next\n\
        next:\n  %again = i64.load %p offset=24\n  call @g()\n  %after = i64.load %p offset=24\n\
          %t1 = i64.add %m, %s\n  %t2 = i64.add %t1, %r\n  %t3 = i64.add %t2, %n\n  %t4 = i64.add %t3, %again\n\
          %t5 = i64.add %t4, %after\n  return %t5\n}\n";

    #[test]
    fn same_addresses_are_loaded_once_until_memory_may_change() {
        let module = parse(FIELDS);
        let after = rewritten(&module, |_, f| cse_loads(f));
        // Before: x y z w n r again after. After: y is x, r the stored
        // value, `again` that value through the one-predecessor block;
        // w is not z (`%p + 12` may wrap where `%p + 16 ` traps), n follows
        // a narrow store, `after` follows a call.
        assert_eq!(
            (loads(&module), loads(&after)),
            (8, 5),
            "{}",
            crate::text::print_module(&after)
        );
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut before = Interpreter::new(&module, target).expect("instantiates");
            let mut now = Interpreter::new(&after, target).expect("instantiates");
            let ptr = |p: u64| match target {
                Target::Wasm64 => Value::I64(p as i64),
                Target::Wasm32 => Value::I32(p as i32),
            };
            // In bounds, and out of bounds (the same trap either way).
            for p in [1024u64, 4096 + 3, 1 << 40, u64::MAX - 8] {
                let args = [ptr(p), Value::I64(0x1234_5678_9abc_def0)];
                assert_eq!(
                    now.call("f", &args),
                    before.call("f", &args),
                    "{target} p={p}"
                );
            }
        }
    }

    /// Another thread's store may become visible at any atomic access or
    /// fence: the load after one is kept, as are repeated atomic loads.
    #[test]
    fn atomics_are_barriers_and_are_never_merged() {
        for barrier in [
            "%o = i64.atomic.load %q",
            "%o = i32.atomic.rmw8.add_u %q, %k",
            "atomic.fence",
            "%o = memory.atomic.notify %q, %k",
        ] {
            let text = format!(
                "memory shared\npub fn @f(%p: ptr, %q: ptr) -> i64 {{\nentry:\n  \
                 %k = i32.const 1\n  %a = i64.load %p\n  {barrier}\n  %b = i64.load %p\n  \
                 %c = i64.atomic.load %p\n  %d = i64.atomic.load %p\n  %s = i64.add %a, %b\n  \
                 %t = i64.add %c, %d\n  %r = i64.add %s, %t\n  return %r\n}}\n"
            );
            let module = parse(&text);
            assert!(
                cse_loads(module.func(module.func_by_name("f").expect("f"))).is_none(),
                "{barrier}"
            );
        }
        // Without a barrier, the second load goes.
        let plain = "pub fn @f(%p: ptr) -> i64 {\nentry:\n  %a = i64.load %p\n  \
                     %b = i64.load %p\n  %s = i64.add %a, %b\n  return %s\n}\n";
        let module = parse(plain);
        assert!(cse_loads(module.func(module.func_by_name("f").expect("f"))).is_some());
    }

    /// A frontend takes a data item's address once per access: the two
    /// `data.addr @top` are one address, so the second load goes, and so
    /// does the `data.addr` only it read. A slot likewise.
    #[test]
    fn addresses_of_the_same_data_or_slot_are_one_base() {
        let module = parse(
            "data @top align 8 = i64 40\n\
             pub fn @f() -> i64 {\n  slot $s: 16 align 8\n\
             entry:\n  %a = data.addr @top\n  %x = i64.load %a\n\
               %b = data.addr @top\n  %y = i64.load %b\n\
               %s1 = slot.addr $s\n  i64.store %s1, %x offset=8\n\
               %s2 = slot.addr $s\n  %z = i64.load %s2 offset=8\n\
               %t = i64.add %x, %y\n  %r = i64.add %t, %z\n  return %r\n}\n",
        );
        let after = rewritten(&module, |_, f| cse_loads(f));
        let text = crate::text::print_module(&after);
        assert_eq!((loads(&module), loads(&after)), (3, 1), "{text}");
        assert_eq!(text.matches("data.addr").count(), 1, "{text}");
        assert_eq!(text.matches("slot.addr").count(), 1, "{text}");
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut before = Interpreter::new(&module, target).expect("instantiates");
            let mut now = Interpreter::new(&after, target).expect("instantiates");
            assert_eq!(now.call("f", &[]), before.call("f", &[]), "{target}");
            assert_eq!(before.call("f", &[]), Ok(vec![Value::I64(120)]));
        }
    }

    #[test]
    fn generated_programs_compute_the_same_without_repeated_loads() {
        let changed = check_generated(0..150, |_, f| cse_loads(f));
        assert!(changed >= 5, "only {changed} functions changed");
    }
}
