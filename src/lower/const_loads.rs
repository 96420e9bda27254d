//! Loads from read-only data folded to constants: a load whose address is
//! `data.addr @x` of read-only data (`data @x const`, docs/ir.md "Read-only
//! data"), plus constants added by `ptr.add`, plus its `offset=`, and that
//! lies entirely inside `@x`'s bytes, becomes the constant it reads. A
//! frontend keeps its string literals, `const` tables and switch tables in
//! read-only data; once an index is known (a constant subscript, an
//! unrolled loop) the table lookup is a number.
//!
//! Why it is exact:
//! - Read-only data is never written (the program's rule, which the
//!   verifier checks where it can see it and the interpreter traps on), so
//!   its bytes are its initial ones whenever the load runs.
//! - The address is `A + s + offset`, `A` the definition's address, `s` the
//!   sum of the `ptr.add` constants wrapped to 64 bits (a constant may be
//!   computed: `ptr.mul`, `ptr.add`, `ptr.sub` and `ptr.extend_i32_s/u` of
//!   constants, integer `add`, `sub`, `mul` below them; see [`constant`]). The fold needs `s +
//!   offset + width` at most the bytes it knows, so `s` is small: the same
//!   sum wrapped to 32 bits (wasm32's `ptr.add`) is `s` too, and the access
//!   lies inside the definition, which lies inside memory. The load could
//!   not trap, and the constant is what it reads, on either target.
//! - Only the items before the first pointer-sized one (`ptr N`, `ptr
//!   @sym`, `ptr @func`) are known: their bytes and offsets do not depend
//!   on the target or the layout. A `ptr`-typed load (its width depends on
//!   the target) and atomic loads are left alone.
//! - The value is the load's: the bytes little-endian, sign- or
//!   zero-extended as the access says, of the load's type (a float's bits
//!   as they are).
//!
//! The load's instruction becomes the constant in place (its result keeps
//! its name, so no use changes); the address arithmetic it alone used is
//! removed. One walk over the function; each address is followed through
//! at most [`MAX_CHAIN`] `ptr.add`s, and each definition's items are
//! indexed once per function, so the pass is linear in the function's size
//! plus the read-only data it reads.

use super::unroll::def_op;
use crate::fxhash::FxHashMap;
use crate::ir::{
    BinaryOp, Const, ConvKind, DataId, DataItem, DataScalar, Function, MemAccess, Module, Op, Type,
    ValueId,
};

/// The most `ptr.add`s followed from a load's address to its `data.addr`.
const MAX_CHAIN: usize = 16;

/// The function with its loads of read-only data folded, or `None` when
/// it has none to fold.
pub(super) fn fold_const_loads(module: &Module, func: &Function) -> Option<Function> {
    use BinaryOp::{Add, Mul, Sub};
    if !module.data.iter().any(|d| d.readonly) {
        return None;
    }
    let mut known: FxHashMap<DataId, Known> = FxHashMap::default();
    let mut folds = Vec::new();
    for (b, block) in func.blocks.iter().enumerate() {
        for (i, inst) in block.insts.iter().enumerate() {
            if let Some(c) = fold(module, func, &inst.op, &mut known) {
                folds.push((b, i, c));
            }
        }
    }
    if folds.is_empty() {
        return None;
    }
    let mut out = func.clone();
    for (b, i, c) in folds {
        out.blocks[b].insts[i].op = Op::Const(c);
    }
    // What the folded addresses used, none of which can trap.
    super::offsets::remove_dead(&mut out, |inst| match inst.op {
        Op::Binary(op, ty, ..) => ty.is_int() && matches!(op, Add | Sub | Mul),
        Op::Convert(conv, _) => matches!(conv.kind, ConvKind::ExtendS | ConvKind::ExtendU),
        Op::Const(_) | Op::DataAddr(_) => true,
        _ => false,
    });
    Some(out)
}

/// The constant `op` reads, when it is a load of read-only data it can fold.
fn fold<'m>(
    module: &'m Module,
    func: &Function,
    op: &Op,
    known: &mut FxHashMap<DataId, Known<'m>>,
) -> Option<Const> {
    let Op::Load {
        access,
        addr,
        offset,
        mem,
    } = *op
    else {
        return None;
    };
    let width = width(access)?;
    let (data, sum) = data_plus_constant(func, addr)?;
    let def = module.data.get(data.index())?;
    if !def.readonly || module.data_mem(data) != mem {
        return None;
    }
    let at = sum.checked_add(offset)?;
    let bytes = known
        .entry(data)
        .or_insert_with(|| Known::new(&def.items))
        .read(at, width)?;
    Some(value(access, bytes))
}

/// The bytes a load reads: `None` for a `ptr` load (its width depends on
/// the target).
fn width(access: MemAccess) -> Option<u64> {
    match (access.narrow, access.ty) {
        (Some(n), _) => Some(n.bits as u64 / 8),
        (None, Type::I32 | Type::F32) => Some(4),
        (None, Type::I64 | Type::F64) => Some(8),
        (None, Type::Ptr) => None,
    }
}

/// The load's value from `bits` (its bytes, little-endian, zero above).
fn value(access: MemAccess, bits: u64) -> Const {
    let bits = match access.narrow {
        Some(n) if n.signed => {
            let shift = 64 - n.bits as u32;
            (((bits << shift) as i64) >> shift) as u64
        }
        _ => bits,
    };
    match access.ty {
        Type::I32 => Const::I32(bits as u32 as i32),
        Type::F32 => Const::F32(bits as u32),
        Type::F64 => Const::F64(bits),
        Type::I64 | Type::Ptr => Const::I64(bits as i64),
    }
}

/// `addr` as `data.addr @x` plus the sum of the `ptr.add` constants on the
/// way, wrapped to 64 bits.
fn data_plus_constant(func: &Function, mut addr: ValueId) -> Option<(DataId, u64)> {
    let mut sum = 0u64;
    for _ in 0..=MAX_CHAIN {
        match def_op(func, addr)? {
            Op::DataAddr(d) => return Some((*d, sum)),
            Op::Binary(BinaryOp::Add, Type::Ptr, x, y) => {
                let (base, c) = match (constant(func, *x, 0), constant(func, *y, 0)) {
                    (_, Some(c)) => (*x, c),
                    (Some(c), None) => (*y, c),
                    (None, None) => return None,
                };
                sum = sum.wrapping_add(c);
                addr = base;
            }
            _ => return None,
        }
    }
    None
}

/// The value of `v` when it is computed from constants alone, as a
/// 64-bit pattern (an `i32` as its 32 bits): `ptr` and integer constants,
/// `add`, `sub` and `mul` of such values, and `ptr.extend_i32_s`/`_u` (a
/// frontend's `table[2]` is `ptr.add @t, ptr.mul(ptr.extend_i32_s 2, 4)`).
/// `ptr` arithmetic is done modulo 2^64; wasm32 does it modulo 2^32, and
/// these operations commute with that reduction, so both targets agree on
/// the result modulo 2^32 (which is all [`data_plus_constant`] needs).
fn constant(func: &Function, v: ValueId, depth: usize) -> Option<u64> {
    if depth > MAX_CHAIN {
        return None;
    }
    let value = |x: ValueId| constant(func, x, depth + 1);
    match *def_op(func, v)? {
        Op::Const(k) => k.int_bits(),
        Op::Binary(op, ty @ (Type::I32 | Type::I64 | Type::Ptr), x, y) => {
            let (x, y) = (value(x)?, value(y)?);
            let r = match op {
                BinaryOp::Add => x.wrapping_add(y),
                BinaryOp::Sub => x.wrapping_sub(y),
                BinaryOp::Mul => x.wrapping_mul(y),
                _ => return None,
            };
            Some(if ty == Type::I32 { r as u32 as u64 } else { r })
        }
        Op::Convert(conv, x) if conv.from == Type::I32 && conv.to == Type::Ptr => {
            let x = value(x)? as u32;
            match conv.kind {
                ConvKind::ExtendS => Some(x as i32 as i64 as u64),
                ConvKind::ExtendU => Some(x as u64),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The known bytes of a read-only definition: its items before the first
/// pointer-sized one, each with its offset, for a binary search.
struct Known<'m> {
    items: Vec<(u64, &'m DataItem)>,
    end: u64,
}

impl<'m> Known<'m> {
    fn new(items: &'m [DataItem]) -> Known<'m> {
        let mut known = Vec::new();
        let mut end = 0u64;
        for item in items {
            let size = match item {
                DataItem::Bytes(b) => b.len() as u64,
                DataItem::Zero(n) => *n,
                DataItem::Scalar(s) => scalar_le(*s).1,
                DataItem::Ptr(_) | DataItem::DataAddr(..) | DataItem::FuncAddr(_) => break,
            };
            known.push((end, item));
            end = end.saturating_add(size);
        }
        Known { items: known, end }
    }

    /// The `width` bytes at `at`, little-endian, when all are known.
    fn read(&self, at: u64, width: u64) -> Option<u64> {
        if at.checked_add(width)? > self.end {
            return None;
        }
        let mut bits = 0u64;
        for k in 0..width {
            bits |= (self.byte(at + k)? as u64) << (8 * k);
        }
        Some(bits)
    }

    fn byte(&self, at: u64) -> Option<u8> {
        let index = self.items.partition_point(|(start, _)| *start <= at);
        let (start, item) = self.items.get(index.checked_sub(1)?)?;
        let k = at - start;
        match item {
            DataItem::Bytes(b) => b.get(k as usize).copied(),
            DataItem::Zero(_) => Some(0),
            DataItem::Scalar(s) => Some((scalar_le(*s).0 >> (8 * k)) as u8),
            _ => None,
        }
    }
}

/// A scalar item's bits and its size in bytes.
fn scalar_le(s: DataScalar) -> (u64, u64) {
    match s {
        DataScalar::I8(v) => (v as u64, 1),
        DataScalar::I16(v) => (v as u64, 2),
        DataScalar::I32(v) | DataScalar::F32(v) => (v as u64, 4),
        DataScalar::I64(v) | DataScalar::F64(v) => (v, 8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Interpreter;
    use crate::ir::Target;
    use crate::lower::passes::testing::{parse, rewritten};
    use crate::value::Value;

    /// The mnemonics of `@f`'s entry block.
    fn ops(module: &Module) -> Vec<String> {
        let f = module.func(module.func_by_name("f").expect("f"));
        f.blocks[0].insts.iter().map(|i| i.op.mnemonic()).collect()
    }

    fn call(module: &Module, target: Target, args: &[Value]) -> Vec<Value> {
        let mut interp = Interpreter::new(module, target).expect("instantiates");
        interp.call("f", args).expect("runs")
    }

    /// Every shape of load, through chains of `ptr.add` and `offset=`,
    /// over bytes, scalars and zeros; each folds, and the function gives
    /// what it gave.
    const TABLE: &str = "data @t const align 8 = \"\\ff\\80ab\", i16 -2, zero 2, i32 7, i64 -9, f64 1.5\n\
        pub fn @f() -> i64 {\n\
        entry:\n  %a = data.addr @t\n  %two = ptr.const 2\n  %b = ptr.add %a, %two\n\
          %x = i64.load8_s %a\n  %y = i32.load8_u %a offset=1\n  %z = i32.load16_s %b offset=2\n\
          %w = i64.load32_u %b offset=6\n  %v = i64.load %a offset=12\n  %u = f64.load %b offset=18\n\
          %q = i32.load %b\n\
          %uy = i64.extend_i32_u %y\n  %sz = i64.extend_i32_s %z\n  %s = i64.trunc_f64_s %u\n\
          %sq = i64.extend_i32_u %q\n\
          %r1 = i64.add %x, %uy\n  %r2 = i64.add %r1, %sz\n  %r3 = i64.add %r2, %w\n\
          %r4 = i64.add %r3, %v\n  %r5 = i64.add %r4, %s\n  %r6 = i64.xor %r5, %sq\n  return %r6\n}\n";

    #[test]
    fn loads_inside_read_only_data_become_their_constants() {
        let module = parse(TABLE);
        let after = rewritten(&module, fold_const_loads);
        let text = crate::text::print_module(&after);
        assert!(!ops(&after).iter().any(|m| m.contains("load")), "{text}");
        assert!(!ops(&after).contains(&"data.addr".to_string()), "{text}");
        for target in [Target::Wasm64, Target::Wasm32] {
            assert_eq!(call(&after, target, &[]), call(&module, target, &[]));
        }
        // -1 + 128 + -2 + 7 + -9 + 1, xor the four bytes at 2.
        let want = (-1i64 + 128 - 2 + 7 - 9 + 1) ^ 0xfffe_6261;
        assert_eq!(call(&after, Target::Wasm64, &[]), [Value::I64(want)]);
    }

    /// A frontend's constant subscript, `lens[2]` as
    /// `ptr.add @lens, ptr.mul(ptr.extend_i32_s(i32.add 1, 1), 4)`, folds;
    /// a negative one brought back by `offset=` stays (its wrapped sum is
    /// not small, so the targets' addresses need not agree).
    #[test]
    fn computed_constant_subscripts_fold() {
        let module = parse(
            "data @lens const align 4 = i32 5, i32 4, i32 8, i32 2\n\
             pub fn @f() -> i32 {\nentry:\n  %t = data.addr @lens\n  %one = i32.const 1\n\
               %two = i32.add %one, %one\n  %w = ptr.extend_i32_s %two\n  %four = ptr.const 4\n\
               %o = ptr.mul %w, %four\n  %p = ptr.add %t, %o\n  %v = i32.load %p\n\
               %m = i32.sub %one, %two\n  %wm = ptr.extend_i32_s %m\n  %om = ptr.mul %wm, %four\n\
               %q = ptr.add %t, %om\n  %u = i32.load %q offset=4\n  %r = i32.add %v, %u\n  return %r\n}\n",
        );
        let after = rewritten(&module, fold_const_loads);
        let text = crate::text::print_module(&after);
        assert_eq!(
            ops(&after).iter().filter(|m| m.contains("load")).count(),
            1,
            "{text}"
        );
        for target in [Target::Wasm64, Target::Wasm32] {
            assert_eq!(call(&after, target, &[]), [Value::I32(13)]);
        }
    }

    /// Loads that must stay: writable data, one reaching past the end,
    /// one past a pointer item (its offset depends on the target), a
    /// `ptr` load, and one at a dynamic address.
    #[test]
    fn loads_it_cannot_know_stay() {
        let module = parse(
            "data @w align 4 = i32 5\n\
             data @r const align 4 = i32 6, ptr 3, i32 4\n\
             pub fn @f(%i: ptr) -> i32 {\n\
             entry:\n  %w = data.addr @w\n  %r = data.addr @r\n  %a = i32.load %w\n\
               %b = i32.load %r offset=2\n  %c = ptr.load %r offset=4\n\
               %d = i32.load %r offset=12\n  %p = ptr.add %r, %i\n  %e = i32.load %p\n\
               %x = i32.add %a, %b\n  %y = i32.add %x, %d\n  %z = i32.add %y, %e\n  return %z\n}\n",
        );
        let f = module.func_by_name("f").expect("f");
        assert_eq!(fold_const_loads(&module, module.func(f)), None);
        // And the first four bytes of `@r` fold.
        let module = parse(
            "data @r const align 4 = i32 6, ptr 3\n\
             pub fn @f() -> i32 {\nentry:\n  %r = data.addr @r\n  %a = i32.load %r\n  return %a\n}\n",
        );
        let after = rewritten(&module, fold_const_loads);
        assert_eq!(ops(&after), ["i32.const"]);
        assert_eq!(call(&after, Target::Wasm32, &[]), [Value::I32(6)]);
    }

    /// A sum of `ptr.add` constants past 2^32 that wasm32's wrapping
    /// would bring back inside the definition, but wasm64's would not:
    /// the addresses differ between targets, and the load stays.
    #[test]
    fn a_sum_that_wraps_on_wasm32_only_stays() {
        let module = parse(
            "data @r const align 4 = i32 6, i32 9\n\
             pub fn @f() -> i32 {\nentry:\n  %r = data.addr @r\n  %m = ptr.const 4294967295\n\
               %p = ptr.add %r, %m\n  %five = ptr.const 5\n  %q = ptr.add %p, %five\n\
               %a = i32.load %q\n  return %a\n}\n",
        );
        let f = module.func_by_name("f").expect("f");
        assert_eq!(fold_const_loads(&module, module.func(f)), None);
        assert_eq!(call(&module, Target::Wasm32, &[]), [Value::I32(9)]);
    }
}
