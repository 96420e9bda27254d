//! Straight-line code: every instruction family of the IR, with operands
//! from the pool. Operations that would trap on most inputs (division,
//! trapping truncation, memory accesses, indirect calls) are guarded most
//! of the time and left unguarded now and then, so that traps are tested
//! without ending every call early.

use super::func::{FuncGen, GlobalKind};
use super::module::REGION_SIZE;
use super::values::{self, Val};
use crate::ir::{
    BinaryOp, CmpOp, Const, ConvKind, ConvOp, MemAccess, MemId, Op, Signature, Type, UnaryOp,
    ValueId,
};

/// The instruction families, with their weights in straight-line code.
#[derive(Clone, Copy)]
enum Family {
    Const,
    Unary,
    Binary,
    Compare,
    Convert,
    Select,
    Load,
    ConstLoad,
    Store,
    Atomic,
    Memory,
    Address,
    Field,
    Global,
    Var,
    Call,
    CallIndirect,
    Sink,
}

const FAMILIES: [(Family, u32); 18] = [
    (Family::Const, 3),
    (Family::Unary, 8),
    (Family::Binary, 16),
    (Family::Compare, 7),
    (Family::Convert, 13),
    (Family::Select, 4),
    (Family::Load, 10),
    (Family::ConstLoad, 3),
    (Family::Store, 8),
    (Family::Atomic, 2),
    (Family::Memory, 4),
    (Family::Address, 2),
    (Family::Field, 4),
    (Family::Global, 5),
    (Family::Var, 5),
    (Family::Call, 3),
    (Family::CallIndirect, 3),
    (Family::Sink, 4),
];

impl FuncGen<'_> {
    /// Appends `n` random instructions to the current block.
    pub fn straight(&mut self, n: u64) {
        for _ in 0..n {
            self.instruction();
        }
    }

    fn instruction(&mut self) {
        let weights: Vec<u32> = FAMILIES.iter().map(|f| f.1).collect();
        match FAMILIES[self.rng.weighted(&weights)].0 {
            Family::Const => {
                let ty = values::any_type(self.rng);
                self.constant(ty);
            }
            Family::Unary => self.unary(),
            Family::Binary => self.binary(),
            Family::Compare => {
                self.compare();
            }
            Family::Convert => self.convert(),
            Family::Select => self.select(),
            Family::Load => self.load(),
            Family::ConstLoad => self.const_load(),
            Family::Store => self.store(),
            Family::Atomic => self.atomic(),
            Family::Memory => self.memory(),
            Family::Address => self.address_of(),
            Family::Field => self.field(),
            Family::Global => self.global(),
            Family::Var => self.var(),
            Family::Call => self.call(),
            Family::CallIndirect => self.call_indirect(),
            Family::Sink => self.sink(),
        }
    }

    // -- Emitting ---------------------------------------------------------

    /// Appends an instruction whose results join the pool.
    pub fn emit(&mut self, op: Op, types: &[Type], exact: bool) -> Vec<Val> {
        let ids = self.b.ins(op);
        let vals: Vec<Val> = ids
            .iter()
            .zip(types)
            .map(|(&id, &ty)| Val { id, ty, exact })
            .collect();
        for &v in &vals {
            self.pool.push(v);
        }
        vals
    }

    fn emit1(&mut self, op: Op, ty: Type, exact: bool) -> Val {
        self.emit(op, &[ty], exact)[0]
    }

    /// Appends scaffolding (masks, addresses) that stays out of the pool.
    pub fn hidden(&mut self, op: Op) -> ValueId {
        self.b.ins(op)[0]
    }

    fn hidden_binary(&mut self, op: BinaryOp, ty: Type, a: ValueId, b: ValueId) -> ValueId {
        self.hidden(Op::Binary(op, ty, a, b))
    }

    fn ptr_const(&mut self, value: u64) -> ValueId {
        self.hidden(Op::Const(Const::Ptr(value)))
    }

    pub fn constant(&mut self, ty: Type) -> Val {
        let c = values::constant(self.rng, ty);
        self.emit1(Op::Const(c), ty, true)
    }

    /// A value of `ty`: mostly one from the pool, else a new constant.
    pub fn value(&mut self, ty: Type) -> Val {
        match self.pool.pick(self.rng, ty) {
            Some(v) if !self.rng.percent(12) => v,
            _ => self.constant(ty),
        }
    }

    /// A value of `ty` whose bits are the same on every engine: a float
    /// that may be a NaN of unknown payload becomes a constant when NaN.
    pub(super) fn exact_value(&mut self, ty: Type) -> Val {
        let v = self.value(ty);
        self.exact(v)
    }

    fn exact(&mut self, v: Val) -> Val {
        if !v.ty.is_float() || v.exact {
            return v;
        }
        let is_number = self.hidden(Op::Compare(CmpOp::Eq, v.ty, v.id, v.id));
        let c = values::constant(self.rng, v.ty);
        let replacement = self.hidden(Op::Const(c));
        let id = self.hidden(Op::Select {
            ty: v.ty,
            cond: is_number,
            if_true: v.id,
            if_false: replacement,
        });
        Val {
            id,
            ty: v.ty,
            exact: true,
        }
    }

    /// A value of `ty` other than `not` when the pool has one, so that
    /// binary operators rarely see the same operand twice.
    fn other_value(&mut self, ty: Type, not: ValueId) -> Val {
        let v = self.value(ty);
        if v.id != not {
            return v;
        }
        self.value(ty)
    }

    /// Two operands of `ty`: mostly from the pool; now and then computed
    /// right here, in either order, so that the lowering sees operands
    /// defined out of order (the second one first, or interleaved).
    fn operands(&mut self, ty: Type) -> (Val, Val) {
        if self.rng.percent(70) {
            let a = self.value(ty);
            return (a, self.other_value(ty, a.id));
        }
        if self.rng.percent(50) {
            let b = self.fresh(ty);
            let a = self.fresh(ty);
            (a, b)
        } else {
            let a = self.fresh(ty);
            let b = self.fresh(ty);
            (a, b)
        }
    }

    /// A value of `ty` computed now: a constant, an operator on a value of
    /// the pool, or a conversion from another type.
    fn fresh(&mut self, ty: Type) -> Val {
        match self.rng.below(3) {
            0 => self.constant(ty),
            1 => {
                let ops: Vec<UnaryOp> = UnaryOp::ALL
                    .iter()
                    .copied()
                    .filter(|op| op.accepts(ty) && op.result_type(ty) == ty)
                    .collect();
                let op = *self.rng.pick(&ops).unwrap_or(&UnaryOp::Neg);
                let a = self.value(ty);
                let exact = a.exact && matches!(op, UnaryOp::Abs | UnaryOp::Neg);
                self.emit1(Op::Unary(op, ty, a.id), ty, exact)
            }
            _ => {
                let into: Vec<ConvOp> = ConvOp::all()
                    .into_iter()
                    .filter(|c| {
                        c.to == ty && !matches!(c.kind, ConvKind::TruncS | ConvKind::TruncU)
                    })
                    .collect();
                let Some(&conv) = self.rng.pick(&into) else {
                    return self.constant(ty);
                };
                let mut a = self.value(conv.from);
                if conv.kind == ConvKind::Reinterpret && conv.from.is_float() {
                    a = self.exact(a);
                }
                let exact = !matches!(conv.kind, ConvKind::Demote | ConvKind::Promote);
                self.emit1(Op::Convert(conv, a.id), ty, exact)
            }
        }
    }

    /// Folds a recent value into `@sink`: `sink = sink * 31 + bits(v)`.
    pub fn sink(&mut self) {
        let ty = values::any_type(self.rng);
        let v = self.exact_value(ty);
        let conv = |kind, from| {
            Op::Convert(
                ConvOp {
                    kind,
                    from,
                    to: Type::I64,
                },
                v.id,
            )
        };
        let bits = match ty {
            Type::I64 => v.id,
            Type::I32 => self.hidden(conv(ConvKind::ExtendU, Type::I32)),
            Type::Ptr => self.hidden(conv(ConvKind::ExtendU, Type::Ptr)),
            Type::F64 => self.hidden(conv(ConvKind::Reinterpret, Type::F64)),
            Type::F32 => {
                let f = ConvOp {
                    kind: ConvKind::Reinterpret,
                    from: Type::F32,
                    to: Type::I32,
                };
                let i = self.hidden(Op::Convert(f, v.id));
                let wide = ConvOp {
                    kind: ConvKind::ExtendU,
                    from: Type::I32,
                    to: Type::I64,
                };
                self.hidden(Op::Convert(wide, i))
            }
        };
        let sink = self.env.sink;
        let old = self.hidden(Op::GlobalGet(sink));
        let k = self.hidden(Op::Const(Const::I64(31)));
        let scaled = self.hidden_binary(BinaryOp::Mul, Type::I64, old, k);
        let new = self.hidden_binary(BinaryOp::Add, Type::I64, scaled, bits);
        self.b.global_set(sink, new);
    }

    /// An integer value of any integer type, as a `ptr`.
    fn as_ptr(&mut self) -> ValueId {
        let ty = *self
            .rng
            .pick(&[Type::I32, Type::I64, Type::Ptr])
            .unwrap_or(&Type::Ptr);
        let v = self.value(ty).id;
        let kind = match ty {
            Type::I32 if self.rng.percent(50) => ConvKind::ExtendS,
            Type::I32 => ConvKind::ExtendU,
            Type::I64 => ConvKind::Wrap,
            _ => return v,
        };
        self.hidden(Op::Convert(
            ConvOp {
                kind,
                from: ty,
                to: Type::Ptr,
            },
            v,
        ))
    }

    /// An i32 condition: a comparison, a value, or its `eqz`.
    pub fn condition(&mut self) -> ValueId {
        match self.rng.below(10) {
            0..=5 => self.compare().id,
            6..=7 => self.value(Type::I32).id,
            _ => {
                let ty = *self
                    .rng
                    .pick(&[Type::I32, Type::I64, Type::Ptr])
                    .unwrap_or(&Type::I32);
                let v = self.value(ty).id;
                self.emit1(Op::Unary(UnaryOp::Eqz, ty, v), Type::I32, true)
                    .id
            }
        }
    }

    // -- Arithmetic -------------------------------------------------------

    fn unary(&mut self) {
        let ty = values::any_type(self.rng);
        let ops: Vec<UnaryOp> = UnaryOp::ALL
            .iter()
            .copied()
            .filter(|op| op.accepts(ty))
            .collect();
        let op = *self.rng.pick(&ops).unwrap_or(&UnaryOp::Eqz);
        let a = self.value(ty);
        // abs and neg only touch the sign: a NaN keeps its (exact) payload.
        let exact = a.exact && matches!(op, UnaryOp::Abs | UnaryOp::Neg);
        self.emit1(Op::Unary(op, ty, a.id), op.result_type(ty), exact);
    }

    fn binary(&mut self) {
        let ty = values::any_type(self.rng);
        let ops: Vec<BinaryOp> = BinaryOp::ALL
            .iter()
            .copied()
            .filter(|op| op.accepts(ty))
            .collect();
        let op = *self.rng.pick(&ops).unwrap_or(&BinaryOp::Add);
        let (a, mut b) = self.operands(ty);
        let mut exact = false;
        let division = matches!(
            op,
            BinaryOp::DivS | BinaryOp::RemS | BinaryOp::DivU | BinaryOp::RemU
        );
        match op {
            _ if division && self.rng.percent(90) => {
                b.id = self.safe_divisor(op, ty, b.id);
            }
            BinaryOp::Copysign => {
                // The sign of a NaN is observable here: make it exact.
                b = self.exact(b);
                exact = a.exact;
            }
            _ => {}
        }
        self.emit1(Op::Binary(op, ty, a.id, b.id), ty, exact);
    }

    /// A divisor that never traps: `b | 1`, and for signed division
    /// `(b >>u 1) | 1`, which is never -1 either.
    fn safe_divisor(&mut self, op: BinaryOp, ty: Type, b: ValueId) -> ValueId {
        let one = self.hidden(Op::Const(int_const(ty, 1)));
        let b = if matches!(op, BinaryOp::DivS | BinaryOp::RemS) {
            self.hidden_binary(BinaryOp::ShrU, ty, b, one)
        } else {
            b
        };
        self.hidden_binary(BinaryOp::Or, ty, b, one)
    }

    fn compare(&mut self) -> Val {
        let ty = values::any_type(self.rng);
        let ops: Vec<CmpOp> = CmpOp::ALL
            .iter()
            .copied()
            .filter(|op| op.accepts(ty))
            .collect();
        let op = *self.rng.pick(&ops).unwrap_or(&CmpOp::Eq);
        let (a, b) = self.operands(ty);
        self.emit1(Op::Compare(op, ty, a.id, b.id), Type::I32, true)
    }

    fn convert(&mut self) {
        let all = ConvOp::all();
        let conv = *self.rng.pick(&all).unwrap_or(&all[0]);
        let mut a = self.value(conv.from);
        let exact = match conv.kind {
            ConvKind::TruncS | ConvKind::TruncU => {
                if self.rng.percent(85) {
                    a.id = self.in_range(conv, a.id);
                }
                true
            }
            ConvKind::Reinterpret if conv.from.is_float() => {
                a = self.exact(a);
                true
            }
            ConvKind::Demote | ConvKind::Promote => false,
            _ => true,
        };
        self.emit1(Op::Convert(conv, a.id), conv.to, exact);
    }

    /// `x` when its truncation fits the integer type, else 0 (NaN too).
    fn in_range(&mut self, conv: ConvOp, x: ValueId) -> ValueId {
        let signed = conv.kind == ConvKind::TruncS;
        let (low, high) = match (signed, conv.to) {
            (true, Type::I32) => (-2.0e9, 2.0e9),
            (false, Type::I32) => (-1.0, 4.0e9),
            (true, _) => (-9.0e18, 9.0e18),
            (false, _) => (-1.0, 1.8e19),
        };
        let ty = conv.from;
        let float = |v: f64| match ty {
            Type::F32 => Const::F32((v as f32).to_bits()),
            _ => Const::F64(v.to_bits()),
        };
        let low = self.hidden(Op::Const(float(low)));
        let high = self.hidden(Op::Const(float(high)));
        let above = self.hidden(Op::Compare(CmpOp::Gt, ty, x, low));
        let below = self.hidden(Op::Compare(CmpOp::Lt, ty, x, high));
        let ok = self.hidden_binary(BinaryOp::And, Type::I32, above, below);
        let zero = self.hidden(Op::Const(float(0.0)));
        self.hidden(Op::Select {
            ty,
            cond: ok,
            if_true: x,
            if_false: zero,
        })
    }

    fn select(&mut self) {
        let ty = values::any_type(self.rng);
        let cond = self.condition();
        let (a, b) = self.operands(ty);
        let op = Op::Select {
            ty,
            cond,
            if_true: a.id,
            if_false: b.id,
        };
        self.emit1(op, ty, a.exact && b.exact);
    }

    // -- Memory -----------------------------------------------------------

    fn load(&mut self) {
        let shapes = MemAccess::loads();
        let access = *self.rng.pick(&shapes).unwrap_or(&shapes[0]);
        let (addr, offset) = self.address(access.bytes(8) as u64, false);
        // Memory holds exact bits: every float store is of an exact value.
        self.emit1(
            Op::Load {
                access,
                addr,
                offset,
                mem: MemId::DEFAULT,
            },
            access.ty,
            true,
        );
    }

    fn store(&mut self) {
        let shapes = MemAccess::stores();
        let access = *self.rng.pick(&shapes).unwrap_or(&shapes[0]);
        let (addr, offset) = self.address(access.bytes(8) as u64, true);
        let value = self.exact_value(access.ty).id;
        self.b.ins(Op::Store {
            access,
            addr,
            value,
            offset,
            mem: MemId::DEFAULT,
        });
    }

    /// A load from read-only data: at a constant offset inside it (which
    /// `fold-const-loads` replaces by what it reads) or at a dynamic index
    /// inside it (which it must leave); a plain load when there is none.
    fn const_load(&mut self) {
        let Some(&datum) = self.rng.pick(&self.env.consts) else {
            return self.load();
        };
        let shapes: Vec<MemAccess> = (MemAccess::loads().into_iter())
            .filter(|a| a.bytes(8) as u64 <= datum.size)
            .collect();
        let Some(&access) = self.rng.pick(&shapes) else {
            return self.load();
        };
        let width = access.bytes(8) as u64;
        let base = self.hidden(Op::DataAddr(datum.id));
        let (addr, offset) = match self.rng.percent(55) {
            true => {
                let offset = self.rng.range(0, datum.size - width);
                self.field_address(base, offset)
            }
            false => self.inside(base, datum.size, width),
        };
        let load = Op::Load {
            access,
            addr,
            offset,
            mem: MemId::DEFAULT,
        };
        self.emit1(load, access.ty, true);
    }

    /// A load or a store of a field of a [`super::func::FieldSlot`] (a
    /// plain load when the function has none).
    fn field(&mut self) {
        if self.field_slots.is_empty() {
            return self.load();
        }
        let slot = self.rng.index(self.field_slots.len());
        let field = self.rng.index(self.field_slots[slot].fields.len());
        if self.rng.percent(50) {
            self.store_field(slot, field);
            return;
        }
        let (addr, offset) = self.field_slot_address(slot, field);
        let ty = self.field_slots[slot].fields[field];
        let access = MemAccess { ty, narrow: None };
        let load = Op::Load {
            access,
            addr,
            offset,
            mem: MemId::DEFAULT,
        };
        self.emit1(load, ty, true);
    }

    /// A store of an exact value (memory holds exact bits) to a field.
    pub(super) fn store_field(&mut self, slot: usize, field: usize) {
        let ty = self.field_slots[slot].fields[field];
        let value = self.exact_value(ty).id;
        let (addr, offset) = self.field_slot_address(slot, field);
        self.b.ins(Op::Store {
            access: MemAccess { ty, narrow: None },
            addr,
            value,
            offset,
            mem: MemId::DEFAULT,
        });
    }

    /// The slot's address and the field's offset, part of it now and then
    /// in a `ptr.add` as a frontend writes it.
    fn field_slot_address(&mut self, slot: usize, field: usize) -> (ValueId, u64) {
        let base = self.hidden(Op::SlotAddr(self.field_slots[slot].id));
        self.field_address(base, 8 * field as u64)
    }

    /// An address and a static offset for an access of `width` bytes: inside
    /// the region, a slot or the last 256 bytes of memory, or now and then
    /// out of bounds; never in read-only data for a `write`.
    pub(super) fn address(&mut self, width: u64, write: bool) -> (ValueId, u64) {
        match self.rng.weighted(&[70, 15, 10, 3]) {
            1 if !self.slots.is_empty() => self.slot_address(width),
            2 => self.last_page_address(width),
            3 => self.out_of_bounds(width, write),
            _ => self.region_address(width),
        }
    }

    /// An address in the last `REGION_SIZE` bytes of memory.
    fn last_page_address(&mut self, width: u64) -> (ValueId, u64) {
        let base = self.heap_end(REGION_SIZE);
        self.inside(base, REGION_SIZE, width)
    }

    /// `base + (index & mask)` and an offset so that `width` bytes fit in `room`.
    pub(super) fn inside(&mut self, base: ValueId, room: u64, width: u64) -> (ValueId, u64) {
        let spare = room.saturating_sub(width);
        let mask = low_mask(spare);
        let offset = if self.rng.percent(50) {
            0
        } else {
            self.rng.range(0, spare - mask)
        };
        if mask == 0 || self.rng.percent(10) {
            return self.field_address(base, offset);
        }
        let index = self.as_ptr();
        let mask = self.ptr_const(mask);
        let index = self.hidden_binary(BinaryOp::And, Type::Ptr, index, mask);
        let element = self.hidden_binary(BinaryOp::Add, Type::Ptr, base, index);
        self.field_address(element, offset)
    }

    /// Now and then part of a static offset moved into the address, as a
    /// frontend writes a field's address: `ptr.add base, k` (`+ 0` too),
    /// the access's offset the rest. The same bytes are accessed; the
    /// lowering folds the constant back into the offset where it can
    /// (`lower/offsets.rs`), which the campaign then checks.
    pub(super) fn field_address(&mut self, base: ValueId, offset: u64) -> (ValueId, u64) {
        if !self.rng.percent(25) {
            return (base, offset);
        }
        let k = self.rng.range(0, offset);
        let field = self.ptr_const(k);
        let addr = self.hidden_binary(BinaryOp::Add, Type::Ptr, base, field);
        (addr, offset - k)
    }

    pub(super) fn region_address(&mut self, width: u64) -> (ValueId, u64) {
        let via_global: Vec<(crate::ir::GlobalId, u64)> = self
            .env
            .globals
            .iter()
            .filter_map(|g| match g.kind {
                GlobalKind::RegionAddr(off) => Some((g.id, off)),
                _ => None,
            })
            .collect();
        let (base, start) = match self.rng.pick(&via_global) {
            Some(&(g, off)) if self.rng.percent(30) => (self.hidden(Op::GlobalGet(g)), off),
            _ => (self.hidden(Op::DataAddr(self.env.region)), 0),
        };
        self.inside(base, REGION_SIZE - start, width)
    }

    fn slot_address(&mut self, width: u64) -> (ValueId, u64) {
        let slot = self.slots[self.rng.index(self.slots.len())];
        let base = self.hidden(Op::SlotAddr(slot.id));
        self.inside(base, slot.size.min(1024), width)
    }

    /// `memory.size * 65536 - back`.
    fn heap_end(&mut self, back: u64) -> ValueId {
        let pages = self.hidden(Op::MemorySize(MemId::DEFAULT));
        let page = self.ptr_const(65536);
        let end = self.hidden_binary(BinaryOp::Mul, Type::Ptr, pages, page);
        if back == 0 {
            return end;
        }
        let back = self.ptr_const(back);
        self.hidden_binary(BinaryOp::Sub, Type::Ptr, end, back)
    }

    /// An access that (mostly) does not fit: past the end, straddling it,
    /// at a huge address, with a huge offset, or at any pointer at all (on
    /// wasm64 that may be near 2^64, where `addr + offset` overflows; never
    /// in the shadow stack; for a `write`, not below the region, where
    /// read-only data lies).
    fn out_of_bounds(&mut self, width: u64, write: bool) -> (ValueId, u64) {
        match self.rng.below(5) {
            0 => {
                let end = self.heap_end(0);
                self.inside(end, 64, width)
            }
            1 => (self.heap_end(width / 2), 0),
            2 => (self.ptr_const(0xffff_fff0), self.rng.below(32)),
            3 => {
                let base = self.hidden(Op::DataAddr(self.env.region));
                (base, 0xffff_ffff - self.rng.below(4))
            }
            _ => {
                let anywhere = self.value(Type::Ptr).id;
                let mut anywhere = self.off_stack(anywhere);
                if write {
                    anywhere = self.above_read_only(anywhere);
                }
                let offset = *self.rng.pick(&[0, 16, 0xffff_ffff]).unwrap_or(&0);
                (anywhere, offset)
            }
        }
    }

    /// `addr`, or the region's address when `addr` lies in the shadow stack
    /// (`Env::stack`). A pool pointer may be a slot's address, this
    /// function's or, through a parameter, a caller's: a wild access from
    /// it would reach the neighbouring slots, whose dead stores `sroa` may
    /// remove (seed 1014343 read a caller's frame that way).
    fn off_stack(&mut self, addr: ValueId) -> ValueId {
        let low = self.ptr_const(self.env.stack.start);
        let size = self.ptr_const(self.env.stack.end - self.env.stack.start);
        let from_low = self.hidden_binary(BinaryOp::Sub, Type::Ptr, addr, low);
        let inside = self.hidden(Op::Compare(CmpOp::LtU, Type::Ptr, from_low, size));
        let region = self.hidden(Op::DataAddr(self.env.region));
        self.hidden(Op::Select {
            ty: Type::Ptr,
            cond: inside,
            if_true: region,
            if_false: addr,
        })
    }

    /// `addr`, or the region's address when `addr` is below it: the memory
    /// map places read-only data first (docs/ir.md), so a write from there
    /// on never touches it, as the program's rule wants. (Any pointer may
    /// be a small constant such as 32, which is read-only data.)
    fn above_read_only(&mut self, addr: ValueId) -> ValueId {
        if self.env.consts.is_empty() {
            return addr;
        }
        let region = self.hidden(Op::DataAddr(self.env.region));
        let below = self.hidden(Op::Compare(CmpOp::LtU, Type::Ptr, addr, region));
        self.hidden(Op::Select {
            ty: Type::Ptr,
            cond: below,
            if_true: region,
            if_false: addr,
        })
    }

    /// memory.size, memory.grow, memory.copy or memory.fill.
    fn memory(&mut self) {
        match self.rng.below(5) {
            4 => self.dynamic_stack(),
            0 => {
                self.emit1(Op::MemorySize(MemId::DEFAULT), Type::Ptr, true);
            }
            1 => self.grow(),
            2 => {
                let (dst, src, len) = self.copy_ranges();
                self.b.ins(Op::MemoryCopy {
                    dst,
                    src,
                    len,
                    dst_mem: MemId::DEFAULT,
                    src_mem: MemId::DEFAULT,
                });
            }
            _ => {
                let (dst, len) = match self.slots.is_empty() || !self.rng.percent(15) {
                    true => (self.range_start(true), self.length()),
                    false => {
                        let (dst, room) = self.slot_range_start();
                        (dst, self.length_within(room))
                    }
                };
                let byte = self.value(Type::I32).id;
                self.b.ins(Op::MemoryFill {
                    dst,
                    byte,
                    len,
                    mem: MemId::DEFAULT,
                });
            }
        }
    }

    /// A variable-length array: `stack.save`, `stack.alloc` of 8 to 71
    /// bytes, a value stored at its start and loaded back, and mostly a
    /// `stack.restore`. Without the restore a loop now and then exhausts the
    /// stack, a trap that both sides must give at the same iteration.
    fn dynamic_stack(&mut self) {
        let mark = self.hidden(Op::StackSave);
        let v = self.value(Type::Ptr).id;
        let mask = self.ptr_const(63);
        let low = self.hidden_binary(BinaryOp::And, Type::Ptr, v, mask);
        let eight = self.ptr_const(8);
        let size = self.hidden_binary(BinaryOp::Add, Type::Ptr, low, eight);
        let addr = self.hidden(Op::StackAlloc(size));
        let access = MemAccess::full(Type::I64);
        let value = self.value(Type::I64).id;
        let offset = 0;
        self.b.ins(Op::Store {
            access,
            addr,
            value,
            offset,
            mem: MemId::DEFAULT,
        });
        let load = Op::Load {
            access,
            addr,
            offset,
            mem: MemId::DEFAULT,
        };
        self.emit1(load, Type::I64, true);
        if self.rng.percent(85) {
            self.b.ins(Op::StackRestore(mark));
        }
    }

    /// The destination, source and length of a `memory.copy`. A range in a
    /// slot stays inside it (docs/ir.md: a slot's bytes are reached only
    /// through its own address, inside its size; `sroa` relies on it):
    /// each side is a slot now and then, and then the length fits.
    fn copy_ranges(&mut self) -> (ValueId, ValueId, ValueId) {
        let mut room = u64::MAX;
        let mut side = |g: &mut Self, write| match g.slots.is_empty() || !g.rng.percent(15) {
            true => g.range_start(write),
            false => {
                let (start, r) = g.slot_range_start();
                room = room.min(r);
                start
            }
        };
        let dst = side(self, true);
        let src = side(self, false);
        let len = match room {
            u64::MAX => self.length(),
            room => self.length_within(room),
        };
        (dst, src, len)
    }

    /// A start in a slot, and the bytes from it to the slot's end.
    fn slot_range_start(&mut self) -> (ValueId, u64) {
        let slot = self.slots[self.rng.index(self.slots.len())];
        let room = slot.size.min(1024);
        let start = self.rng.below(room / 2);
        let base = self.hidden(Op::SlotAddr(slot.id));
        if start == 0 {
            return (base, room);
        }
        let start_value = self.ptr_const(start);
        let addr = self.hidden_binary(BinaryOp::Add, Type::Ptr, base, start_value);
        (addr, room - start)
    }

    /// A length of at most `room` bytes.
    fn length_within(&mut self, room: u64) -> ValueId {
        let v = self.as_ptr();
        let mask = self.ptr_const(low_mask(room));
        self.hidden_binary(BinaryOp::And, Type::Ptr, v, mask)
    }

    /// A length for copy and fill: at most 63, or now and then 64 KiB (which
    /// overruns the region, and memory when it starts near the end). Not
    /// more: wasmtime charges fuel by the byte, even for a copy that traps.
    fn length(&mut self) -> ValueId {
        if self.rng.percent(3) {
            return self.ptr_const(0x1_0000);
        }
        self.length_within(63)
    }

    /// The start of a range of up to 64 bytes, outside the slots (and
    /// outside read-only data for a `write`).
    fn range_start(&mut self, write: bool) -> ValueId {
        let (addr, offset) = match self.rng.weighted(&[85, 12, 3]) {
            1 => self.last_page_address(64),
            2 => {
                // The sum wraps on wasm32: `0xffff_fff0 + 17` is 1, and
                // `region + 0xffff_fffc` just below the region.
                let (addr, offset) = self.out_of_bounds(64, false);
                // Checked again after the wrap: on wasm64 a pointer near
                // 2^64 - 2^32 plus 0xffff_ffff lands low.
                let start = self.offset_by(addr, offset);
                let start = self.off_stack(start);
                return match write {
                    true => self.above_read_only(start),
                    false => start,
                };
            }
            _ => self.region_address(64),
        };
        self.offset_by(addr, offset)
    }

    /// `addr + offset`, in a `ptr.add` (which wraps on wasm32).
    fn offset_by(&mut self, addr: ValueId, offset: u64) -> ValueId {
        if offset == 0 {
            return addr;
        }
        let offset = self.ptr_const(offset);
        self.hidden_binary(BinaryOp::Add, Type::Ptr, addr, offset)
    }

    /// Grows by 0 to 2 pages while memory is small, or by an amount that
    /// must fail; either way no engine allocates much.
    fn grow(&mut self) {
        let delta = if self.rng.percent(80) {
            let pages = self.hidden(Op::MemorySize(MemId::DEFAULT));
            let limit = self.ptr_const(24);
            let small = self.hidden(Op::Compare(CmpOp::LtU, Type::Ptr, pages, limit));
            let v = self.as_ptr();
            let three = self.ptr_const(3);
            let want = self.hidden_binary(BinaryOp::And, Type::Ptr, v, three);
            let zero = self.ptr_const(0);
            self.hidden(Op::Select {
                ty: Type::Ptr,
                cond: small,
                if_true: want,
                if_false: zero,
            })
        } else {
            let huge = *self
                .rng
                .pick(&[0xffff_ffff, 0x8000_0000, 16385, 65536])
                .unwrap_or(&65536);
            self.ptr_const(huge)
        };
        self.emit1(Op::MemoryGrow(MemId::DEFAULT, delta), Type::Ptr, true);
    }

    /// slot.addr, data.addr (of the region or read-only data) or
    /// func.addr, as a value.
    fn address_of(&mut self) {
        let op = match self.rng.below(4) {
            3 if !self.env.consts.is_empty() => {
                Op::DataAddr(self.env.consts[self.rng.index(self.env.consts.len())].id)
            }
            0 if !self.slots.is_empty() => {
                Op::SlotAddr(self.slots[self.rng.index(self.slots.len())].id)
            }
            1 if !self.env.funcs.is_empty() => {
                Op::FuncAddr(self.env.funcs[self.rng.index(self.env.funcs.len())].id)
            }
            _ => Op::DataAddr(self.env.region),
        };
        self.emit1(op, Type::Ptr, true);
    }

    // -- Globals and variables -------------------------------------------

    fn global(&mut self) {
        let g = self.env.globals[self.rng.index(self.env.globals.len())];
        if g.mutable && self.rng.percent(50) {
            // Globals hold exact bits, so that `@state` may hash them.
            let v = self.exact_value(g.ty).id;
            self.b.global_set(g.id, v);
        } else {
            self.emit1(Op::GlobalGet(g.id), g.ty, true);
        }
    }

    fn var(&mut self) {
        let Some(&(var, ty)) = self.rng.pick(&self.vars) else {
            return;
        };
        if self.rng.percent(50) {
            let v = self.value(ty).id;
            self.b.var_set(var, v);
        } else {
            self.emit1(Op::VarGet(var), ty, false);
        }
    }

    // -- Calls ------------------------------------------------------------

    fn call(&mut self) {
        let callee = self.env.funcs[self.rng.index(self.env.funcs.len())].clone();
        let args = self.values_of(&callee.sig.params);
        let op = Op::Call {
            func: callee.id,
            args,
        };
        self.emit(op, &callee.sig.results, false);
    }

    /// A call through a pointer: mostly right, now and then through null, a
    /// bogus pointer or with the wrong signature.
    fn call_indirect(&mut self) {
        let index = self.rng.index(self.env.funcs.len());
        let mut sig = self.env.funcs[index].sig.clone();
        let callee = match self.rng.weighted(&[88, 4, 4, 4]) {
            0 => self.function_pointer(index),
            1 => self.ptr_const(0),
            2 => self.bogus_pointer(index),
            _ => {
                sig = Signature {
                    params: values::types(self.rng, 3),
                    results: values::types(self.rng, 2),
                };
                self.function_pointer(index)
            }
        };
        let args = self.values_of(&sig.params);
        let results = sig.results.clone();
        let op = Op::CallIndirect {
            sig: Box::new(sig),
            callee,
            args,
        };
        self.emit(op, &results, false);
    }

    /// A pointer to no function: past the table, or a function's pointer
    /// plus 2^32 (on wasm32 the shift wraps, and that is the next function).
    fn bogus_pointer(&mut self, index: usize) -> ValueId {
        if self.rng.percent(50) {
            let bogus = *self.rng.pick(&[100, 0xffff_ffff]).unwrap_or(&100);
            return self.ptr_const(bogus);
        }
        let f = self.function_pointer(index);
        let one = self.ptr_const(1);
        let thirty_two = self.ptr_const(32);
        let high = self.hidden_binary(BinaryOp::Shl, Type::Ptr, one, thirty_two);
        self.hidden_binary(BinaryOp::Add, Type::Ptr, f, high)
    }

    /// The pointer of `funcs[index]`: taken directly, read from a global or
    /// from data, or chosen by a select between two functions of its type.
    fn function_pointer(&mut self, index: usize) -> ValueId {
        let env = self.env;
        let f = env.funcs[index].id;
        let global = env
            .globals
            .iter()
            .find(|g| g.kind == GlobalKind::FuncPtr(index));
        let data = env.fp_data.iter().find(|d| d.1 == index);
        let twin = env
            .funcs
            .iter()
            .find(|c| c.id != f && c.sig == env.funcs[index].sig);
        match self.rng.below(4) {
            0 if global.is_some() => self.hidden(Op::GlobalGet(global.map_or(env.fuel, |g| g.id))),
            1 if data.is_some() => {
                let at = self.hidden(Op::DataAddr(data.map_or(env.region, |d| d.0)));
                let access = MemAccess {
                    ty: Type::Ptr,
                    narrow: None,
                };
                self.hidden(Op::Load {
                    access,
                    addr: at,
                    offset: 0,
                    mem: MemId::DEFAULT,
                })
            }
            2 if twin.is_some() => {
                let a = self.hidden(Op::FuncAddr(f));
                let b = self.hidden(Op::FuncAddr(twin.map_or(f, |t| t.id)));
                let cond = self.condition();
                self.hidden(Op::Select {
                    ty: Type::Ptr,
                    cond,
                    if_true: a,
                    if_false: b,
                })
            }
            _ => self.hidden(Op::FuncAddr(f)),
        }
    }
}

/// The largest `2^k - 1` that is at most `x`.
pub(super) fn low_mask(x: u64) -> u64 {
    let p = (x + 1).next_power_of_two();
    if p == x + 1 { x } else { p / 2 - 1 }
}

pub(super) fn int_const(ty: Type, value: u64) -> Const {
    match ty {
        Type::I32 => Const::I32(value as i32),
        Type::I64 => Const::I64(value as i64),
        _ => Const::Ptr(value),
    }
}
