//! Scalar replacement of aggregates (`sroa`): a stack slot whose address
//! never escapes, and whose fields are each written before they are read,
//! has its loads and stores replaced by `var.get` / `var.set` of one new
//! variable per field, which the pass then promotes to SSA values with
//! `promote.rs`'s construction. A frontend keeps every local struct in a
//! slot (`(local acc V)`), and once its helpers are inlined the struct's
//! fields are plain values. It runs after `inline` and `promote-vars`: an
//! inlined callee's parameters are variables set to the call's arguments,
//! so a slot's address passed to a helper reaches its accesses through a
//! variable until `promote-vars` has made it a value.
//!
//! A slot qualifies when every use of its address, `slot.addr $s` and the
//! `ptr.add`s of constants chained from it, is
//! - the address of a full-width load or store (not the stored value)
//!   whose bytes lie inside the slot: offset + `offset=` + width <= size,
//!   sums without overflow (a `ptr` access counts 8 bytes, its widest);
//! - or a `ptr.add` of a constant, whose result is such an address again.
//!
//! Any other use (a call argument, a stored value, a comparison, a
//! conversion, a block argument, a `memory.copy`/`fill`, an atomic access,
//! a narrow access) keeps the slot in memory. So does a field accessed at
//! overlapping bytes with another type or offset (an `f64` at 0 and an
//! `i32` at 4), and a field that some path may load before it stores it:
//! a slot starts with whatever the shadow stack held (docs/ir.md), which a
//! variable (zero) cannot reproduce, so the pass proves each load follows
//! a store on every path (a forward "definitely stored" data flow over the
//! blocks, intersected at joins) or leaves the slot alone.
//!
//! Why nothing observable changes: memory is reached through addresses,
//! and the slot's address is used only by these loads and stores, at
//! constant offsets, so each field is a separate cell that no other access
//! touches: the last store to it before a load is the store whose value
//! the variable holds (the data flow shows there is one). None of these
//! accesses can trap (the bytes are inside the slot, which is in memory).
//! Like a C compiler, the pass takes a slot's memory to be reached through
//! its address only, not through another slot's address or `stack.save`'s
//! pointer moved past its end. The slot itself stays declared, so the
//! frame, every other slot's address and the depth at which a recursion
//! overflows the stack are those the IR's layout gives (docs/ir.md: slots
//! in declaration order), only its bytes are no longer written.

use super::offsets::ptr_add_const;
use super::unroll::def_op;
use crate::fxhash::FxHashMap;
use crate::ir::{BinaryOp, Function, Inst, MemAccess, Op, Type, ValueId, Var};

/// The width counted for a `ptr` access (wasm64's; wasm32's 4 bytes lie
/// inside those 8, so the checks hold for both targets).
const PTR_BYTES: u32 = 8;
/// The most fields one slot is split into (each becomes a wasm local at
/// worst; an array indexed by constants beyond this stays in memory).
const MAX_FIELDS: usize = 64;

/// The function with its non-escaping slots' fields replaced by SSA
/// values, or `None` when no slot qualifies. The fields' variables are
/// promoted (`promote.rs`) when they are the function's only variables:
/// this pass runs after `promote-vars`, which then left none, unless it
/// is switched off or kept them (and then they stay, as the others).
pub(super) fn scalar_replace(func: &Function) -> Option<Function> {
    let split = split_slots(func)?;
    if !func.vars.is_empty() {
        return Some(split);
    }
    Some(super::promote::promote_vars(&split).unwrap_or(split))
}

/// The function with its non-escaping slots' fields replaced by one new
/// variable each, or `None` when no slot qualifies.
fn split_slots(func: &Function) -> Option<Function> {
    if func.slots.is_empty() || func.blocks.is_empty() {
        return None;
    }
    let addrs = slot_addresses(func);
    let mut slots = collect_fields(func, &addrs);
    drop_read_before_written(func, &addrs, &mut slots);
    if slots.iter().all(|s| !s.replaced) {
        return None;
    }
    Some(rewrite(func, &addrs, &slots))
}

/// A value that is a slot's address plus a constant: (slot, offset).
type Addr = Option<(usize, u64)>;

/// What the pass learns of one slot: whether it is replaced, and its
/// fields (offset, access) in order of offset.
#[derive(Default)]
struct SlotFields {
    replaced: bool,
    fields: Vec<(u64, MemAccess)>,
}

impl SlotFields {
    fn field(&self, offset: u64, access: MemAccess) -> Option<usize> {
        self.fields.iter().position(|&f| f == (offset, access))
    }
}

/// Each value's slot and offset, when it is `slot.addr` or a chain of
/// constant `ptr.add`s from one (`None` for an offset that overflows).
fn slot_addresses(func: &Function) -> Vec<Addr> {
    let mut addrs: Vec<Option<Addr>> = vec![None; func.values.len()];
    for v in 0..func.values.len() {
        resolve(func, func.value_id(v), &mut addrs);
    }
    addrs.into_iter().map(Option::flatten).collect()
}

/// Fills `addrs[v]` (and those of the chain below it) without recursion.
fn resolve(func: &Function, v: ValueId, addrs: &mut [Option<Addr>]) {
    let mut chain = Vec::new();
    let mut at = v;
    let mut base: Addr = loop {
        if let Some(known) = addrs[at.index()] {
            break known;
        }
        match def_op(func, at) {
            Some(Op::SlotAddr(slot)) => break Some((slot.index(), 0)),
            Some(Op::Binary(BinaryOp::Add, Type::Ptr, ..)) => {
                let Some((next, c)) = ptr_add_const(func, at) else {
                    break None;
                };
                chain.push((at, c));
                at = next;
            }
            _ => break None,
        }
        if chain.len() > func.values.len() {
            break None;
        }
    };
    addrs[at.index()] = Some(base);
    while let Some((value, c)) = chain.pop() {
        base = base.and_then(|(slot, off)| Some((slot, off.checked_add(c)?)));
        addrs[value.index()] = Some(base);
    }
}

/// The access a load or store makes through a slot address: (slot,
/// offset in the slot, access), when its address is one.
fn slot_access(op: &Op, addrs: &[Addr]) -> Option<(usize, u64, MemAccess)> {
    let (addr, offset, access) = match op {
        // An access to a named memory never reaches a slot (slots are in
        // the default memory): its address is only a number there.
        Op::Load {
            access,
            addr,
            offset,
            mem,
        }
        | Op::Store {
            access,
            addr,
            offset,
            mem,
            ..
        } if mem.is_default() => (*addr, *offset, *access),
        _ => return None,
    };
    let (slot, base) = addrs[addr.index()]?;
    Some((slot, base.checked_add(offset)?, access))
}

/// Every slot's fields, each slot marked replaced unless one use of its
/// address is not a field access (see the module comment) or its fields
/// overlap.
fn collect_fields(func: &Function, addrs: &[Addr]) -> Vec<SlotFields> {
    let mut slots: Vec<SlotFields> = (0..func.slots.len())
        .map(|_| SlotFields {
            replaced: true,
            fields: Vec::new(),
        })
        .collect();
    let slot_of = |v: ValueId| addrs[v.index()].map(|(s, _)| s);
    let escapes = |v: ValueId, slots: &mut Vec<SlotFields>| {
        if let Some(s) = slot_of(v) {
            slots[s].replaced = false;
        }
    };
    for block in &func.blocks {
        for inst in &block.insts {
            match &inst.op {
                Op::Load { addr, mem, .. } | Op::Store { addr, mem, .. }
                    if mem.is_default() && slot_of(*addr).is_some() =>
                {
                    if let Op::Store { value, .. } = inst.op {
                        escapes(value, &mut slots);
                    }
                    let s = slot_of(*addr).expect("a slot address");
                    match slot_access(&inst.op, addrs) {
                        Some((_, offset, access)) if fits(func, s, offset, access) => {
                            if !slots[s].fields.contains(&(offset, access)) {
                                slots[s].fields.push((offset, access));
                            }
                        }
                        _ => slots[s].replaced = false,
                    }
                }
                // A constant step whose result is a slot address again.
                Op::Binary(BinaryOp::Add, Type::Ptr, ..)
                    if inst
                        .results
                        .first()
                        .is_some_and(|r| addrs[r.index()].is_some()) => {}
                op => op.operands().for_each(|v| escapes(v, &mut slots)),
            }
        }
        if let Some(term) = &block.term {
            term.operands()
                .into_iter()
                .for_each(|v| escapes(v, &mut slots));
        }
    }
    for slot in &mut slots {
        slot.fields
            .sort_by_key(|&(offset, access)| (offset, access.ty as u8));
        let overlap = slot.fields.windows(2).any(|w| {
            let end = w[0].0 + u64::from(w[0].1.bytes(PTR_BYTES));
            end > w[1].0
        });
        if overlap || slot.fields.len() > MAX_FIELDS {
            slot.replaced = false;
        }
    }
    slots
}

/// A full-width access whose bytes lie inside the slot.
fn fits(func: &Function, slot: usize, offset: u64, access: MemAccess) -> bool {
    let end = offset.checked_add(u64::from(access.bytes(PTR_BYTES)));
    access.narrow.is_none() && end.is_some_and(|end| end <= func.slots[slot].size)
}

/// Clears `replaced` of every slot one of whose fields may be loaded
/// before it is stored on some path from the entry.
fn drop_read_before_written(func: &Function, addrs: &[Addr], slots: &mut [SlotFields]) {
    // One bit per field of the candidate slots, and each bit's slot.
    let mut first = vec![0usize; slots.len()];
    let mut owner = Vec::new();
    for (s, slot) in slots.iter().enumerate() {
        first[s] = owner.len();
        if slot.replaced {
            owner.extend(std::iter::repeat_n(s, slot.fields.len()));
        }
    }
    let count = owner.len();
    if count == 0 {
        return;
    }
    let bit = |op: &Op| -> Option<(usize, bool)> {
        let (s, offset, access) = slot_access(op, addrs)?;
        let field = slots[s]
            .replaced
            .then(|| slots[s].field(offset, access))??;
        Some((first[s] + field, matches!(op, Op::Store { .. })))
    };
    let stored_in = stored_at_start(func, count, &bit);
    let mut unsafe_bits = Vec::new();
    for (b, block) in func.blocks.iter().enumerate() {
        let mut stored = stored_in[b].clone();
        for inst in &block.insts {
            match bit(&inst.op) {
                Some((k, true)) => stored.insert(k),
                Some((k, false)) if !stored.contains(k) => unsafe_bits.push(k),
                _ => {}
            }
        }
    }
    for k in unsafe_bits {
        slots[owner[k]].replaced = false;
    }
}

/// For each block, the fields stored on every path from the entry to its
/// start: the greatest fixed point of in(b) = the intersection of out(p)
/// over b's predecessors (empty for the entry), out(b) = in(b) plus what
/// b stores. A block no edge reaches gets every field (it never runs).
fn stored_at_start(
    func: &Function,
    count: usize,
    bit: &impl Fn(&Op) -> Option<(usize, bool)>,
) -> Vec<Bits> {
    let n = func.blocks.len();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (b, block) in func.blocks.iter().enumerate() {
        for succ in block.successors() {
            preds[succ.index()].push(b);
        }
    }
    let gen_sets: Vec<Bits> = (func.blocks.iter())
        .map(|block| {
            let mut set = Bits::empty(count);
            for inst in &block.insts {
                if let Some((k, true)) = bit(&inst.op) {
                    set.insert(k);
                }
            }
            set
        })
        .collect();
    let mut at_start = vec![Bits::full(count); n];
    let mut at_end: Vec<Bits> = vec![Bits::full(count); n];
    let mut changed = true;
    while changed {
        changed = false;
        for b in 0..n {
            let mut set = Bits::full(count);
            if b == 0 {
                set = Bits::empty(count);
            }
            for &p in &preds[b] {
                set.intersect(&at_end[p]);
            }
            let mut end = set.clone();
            end.union(&gen_sets[b]);
            if end != at_end[b] || set != at_start[b] {
                changed = true;
                at_end[b] = end;
                at_start[b] = set;
            }
        }
    }
    at_start
}

/// A set of field numbers.
#[derive(Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(count: usize) -> Bits {
        Bits(vec![0; count.div_ceil(64)])
    }

    fn full(count: usize) -> Bits {
        Bits(vec![!0; count.div_ceil(64)])
    }

    fn insert(&mut self, k: usize) {
        self.0[k / 64] |= 1 << (k % 64);
    }

    fn contains(&self, k: usize) -> bool {
        self.0[k / 64] & (1 << (k % 64)) != 0
    }

    fn intersect(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= b);
    }

    fn union(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
    }
}

/// The function with the replaced slots' accesses turned into variable
/// accesses and their address arithmetic removed.
fn rewrite(func: &Function, addrs: &[Addr], slots: &[SlotFields]) -> Function {
    let mut out = func.clone();
    let mut vars: FxHashMap<(usize, usize), usize> = FxHashMap::default();
    for (s, slot) in slots.iter().enumerate().filter(|(_, s)| s.replaced) {
        for (k, &(offset, access)) in slot.fields.iter().enumerate() {
            vars.insert((s, k), out.vars.len());
            out.vars.push(Var {
                name: format!("{}.{offset}", func.slots[s].name),
                ty: access.ty,
                span: func.slots[s].span,
            });
        }
    }
    let replaced = |v: ValueId| addrs[v.index()].is_some_and(|(s, _)| slots[s].replaced);
    for block in &mut out.blocks {
        let insts = std::mem::take(&mut block.insts);
        let mut kept: Vec<Inst> = Vec::with_capacity(insts.len());
        for mut inst in insts {
            if let Some((s, offset, access)) = slot_access(&inst.op, addrs)
                && slots[s].replaced
            {
                let field = slots[s].field(offset, access).expect("a field");
                let var = func.var_id(vars[&(s, field)]);
                inst.op = match inst.op {
                    Op::Store { value, .. } => Op::VarSet(var, value),
                    _ => Op::VarGet(var),
                };
            } else if inst.results.first().is_some_and(|&r| replaced(r)) {
                // The address arithmetic: only the accesses used it.
                continue;
            }
            kept.push(inst);
        }
        block.insts = kept;
    }
    // The address arithmetic left is found through its values' definitions,
    // which name instructions by index: the ones removed above moved them.
    super::inline::renumber_defs(&mut out);
    super::offsets::remove_dead_address_arithmetic(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Interpreter;
    use crate::ir::Target;
    use crate::lower::passes::testing::{check_generated, parse, rewritten};
    use crate::value::Value;

    fn count(func: &Function, pick: impl Fn(&Op) -> bool) -> usize {
        (func.blocks.iter().flat_map(|b| &b.insts))
            .filter(|i| pick(&i.op))
            .count()
    }

    /// A frontend's 3-vector in a slot: set, then scaled and summed in a
    /// loop through `ptr.add` chains and `offset=`, read at the end.
    const VECTOR: &str = "pub fn @f(%n: i32, %x: f64) -> f64 {\n  slot $v: 24 align 8\n\
        entry:\n  %p = slot.addr $v\n  f64.store %p, %x\n  %c8 = ptr.const 8\n  %q = ptr.add %p, %c8\n\
          f64.store %q, %x\n  f64.store %p, %x offset=16\n  %z = i32.const 0\n  jump head(%z)\n\
        head(%i: i32):\n  %lt = i32.lt_s %i, %n\n  brif %lt, body, exit\n\
        body:\n  %a = slot.addr $v\n  %c4 = ptr.const 4\n  %b = ptr.add %a, %c4\n  %c = ptr.add %c4, %b\n\
          %y = f64.load %c\n  %h = f64.const 0.5\n  %y2 = f64.mul %y, %h\n  f64.store %c, %y2\n\
          %w = f64.load %a offset=16\n  %w2 = f64.add %w, %y2\n  f64.store %a, %w2 offset=16\n\
          %one = i32.const 1\n  %i2 = i32.add %i, %one\n  jump head(%i2)\n\
        exit:\n  %e = slot.addr $v\n  %r0 = f64.load %e\n  %r1 = f64.load %e offset=8\n\
          %r2 = f64.load %e offset=16\n  %s = f64.add %r0, %r1\n  %t = f64.add %s, %r2\n  return %t\n}\n";

    #[test]
    fn a_struct_in_a_slot_becomes_one_variable_per_field() {
        let module = parse(VECTOR);
        let after = rewritten(&module, |_, f| split_slots(f));
        let f = &after.funcs[0];
        let names: Vec<&str> = f.vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["v.0", "v.8", "v.16"]);
        let memory = |op: &Op| matches!(op, Op::Load { .. } | Op::Store { .. } | Op::SlotAddr(_));
        assert_eq!(count(f, memory), 0, "{}", crate::text::print_module(&after));
        assert_eq!(count(f, |op| matches!(op, Op::VarGet(_))), 5);
        // The slot stays declared: the frame's layout is the IR's.
        assert_eq!(f.slots.len(), 1);
        // With no other variable, the pass promotes them.
        let promoted = rewritten(&module, |_, f| scalar_replace(f));
        let f = &promoted.funcs[0];
        assert!(f.vars.is_empty());
        assert_eq!(count(f, memory), 0);
        assert_eq!(
            f.blocks[1].params.len(),
            3,
            "{}",
            crate::text::print_module(&promoted)
        );
        for target in [Target::Wasm64, Target::Wasm32] {
            for m in [&after, &promoted] {
                let mut before = Interpreter::new(&module, target).expect("instantiates");
                let mut now = Interpreter::new(m, target).expect("instantiates");
                for n in [0, 1, 5] {
                    let args = [Value::I32(n), Value::F64(3.0f64.to_bits())];
                    assert_eq!(now.call("f", &args), before.call("f", &args), "n={n}");
                }
            }
        }
    }

    /// Dead address arithmetic after the replaced accesses is removed
    /// through its values' definitions, which must name the instructions
    /// where they are now (a random program of `difftest` once made this
    /// look one past the end of the block).
    #[test]
    fn dead_arithmetic_after_replaced_accesses_goes() {
        let module = parse(
            "pub fn @f(%x: i64) -> i64 {\n  slot $s: 8 align 8\nentry:\n\
              %a = slot.addr $s\n  i64.store %a, %x\n  %b = slot.addr $s\n  %r = i64.load %b\n\
              %c = ptr.const 4\n  %d = ptr.add %c, %c\n  %e = ptr.add %d, %d\n  return %r\n}\n",
        );
        let after = rewritten(&module, |_, f| scalar_replace(f));
        let f = &after.funcs[0];
        let text = crate::text::print_module(&after);
        assert_eq!(f.blocks[0].insts.len(), 0, "{text}");
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut now = Interpreter::new(&after, target).expect("instantiates");
            let args = [Value::I64(-5)];
            assert_eq!(now.call("f", &args), Ok(vec![Value::I64(-5)]));
        }
    }

    /// `VECTOR` with one line changed: the slot is left alone.
    fn kept(from: &str, to: &str) {
        let text = VECTOR.replacen(from, to, 1);
        assert_ne!(text, VECTOR, "`{from}` is in the program");
        let module = parse(&text);
        assert_eq!(scalar_replace(&module.funcs[0]), None, "{to}");
    }

    #[test]
    fn an_address_that_escapes_keeps_the_slot() {
        // Stored as a value, compared, converted, passed to memory.fill.
        kept(
            "f64.store %q, %x",
            "ptr.store %q, %q offset=0\n  f64.store %q, %x",
        );
        kept(
            "%one = i32.const 1",
            "%cmp = ptr.lt_u %b, %a\n  %one = i32.const 1",
        );
        kept(
            "%e = slot.addr $v",
            "%e = slot.addr $v\n  %int = i64.extend_ptr_u %e",
        );
        kept(
            "%e = slot.addr $v",
            "%e = slot.addr $v\n  %len = ptr.const 8\n  %byte = i32.const 0\n  memory.fill %e, %byte, %len",
        );
        // Passed to a block, added to a non-constant.
        kept(
            "jump head(%z)",
            "jump pre(%p)\npre(%pp: ptr):\n  jump head(%z)",
        );
        kept(
            "%c = ptr.add %c4, %b",
            "%c = ptr.add %c4, %b\n  %d = ptr.add %b, %b",
        );
    }

    #[test]
    fn overlapping_narrow_or_outside_accesses_keep_the_slot() {
        // An i32 inside the f64 at 8; a narrow store; bytes 17..25; an
        // address one below the slot on wasm32 (2^32 - 1 past it on wasm64).
        kept(
            "%w = f64.load %a offset=16",
            "%o = i32.load %a offset=12\n  %w = f64.load %a offset=16",
        );
        kept(
            "f64.store %c, %y2",
            "f64.store %c, %y2\n  i32.store8 %c, %i",
        );
        kept("%r2 = f64.load %e offset=16", "%r2 = f64.load %e offset=17");
        kept("%c8 = ptr.const 8", "%c8 = ptr.const 4294967295");
    }

    /// A slot's address used as an address in a named memory is a number
    /// there: the access is not the slot's, and the slot stays.
    #[test]
    fn an_address_used_in_a_named_memory_keeps_the_slot() {
        let module = parse(
            "memory @m 1\npub fn @f(%x: i64) -> i64 {\n  slot $s: 8\n\
             entry:\n  %p = slot.addr $s\n  i64.store %p, %x\n  i64.store @m, %p, %x\n\
               %r = i64.load %p\n  return %r\n}\n",
        );
        let after = rewritten(&module, |_, f| split_slots(f));
        let f = &after.funcs[0];
        assert!(f.vars.is_empty(), "{}", crate::text::print_module(&after));
        assert_eq!(count(f, |op| matches!(op, Op::Store { .. })), 2);
    }

    #[test]
    fn a_field_loaded_before_it_is_stored_on_some_path_keeps_the_slot() {
        // The interpreter gives a fresh slot the stack's old bytes, which a
        // variable's zero would not reproduce. Without the store at 16
        // before the loop, the loop reads the field first; below, the
        // field is stored on one path to the load only.
        kept("f64.store %p, %x offset=16\n", "");
        let module = parse(
            "pub fn @f(%c: i32, %x: i64) -> i64 {\n  slot $s: 8\n\
             entry:\n  %p = slot.addr $s\n  brif %c, set, join\n\
             set:\n  i64.store %p, %x\n  jump join\n\
             join:\n  %r = i64.load %p\n  return %r\n}\n",
        );
        assert_eq!(scalar_replace(&module.funcs[0]), None);
    }

    /// The differential generator gives some functions a slot of fields
    /// reached only through loads and stores of constant offsets (its
    /// other slots are filled with `memory.fill` and escape), so that the
    /// campaign checks this pass: the rewritten programs compute the same.
    #[test]
    fn generated_programs_compute_the_same() {
        let changed = check_generated(0..60, |_, f| scalar_replace(f));
        assert!(changed >= 20, "only {changed} functions changed");
    }
}
