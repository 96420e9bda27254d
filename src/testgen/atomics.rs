//! Single-thread atomics in generated code: every atomic operator at every
//! width, mostly at an address aligned to its width inside the data region
//! (its last bits masked off), now and then at any address the plain
//! accesses use (misaligned: `unaligned atomic`; or out of bounds).
//!
//! A compare-exchange or a wait expects, half of the time, what an atomic
//! load of the same address just gave, so that both outcomes are tested
//! (the exchange happens; the wait times out). Waits always have a finite
//! timeout, 0 to 100 ns: one that never ends would hang wasmtime, where the
//! interpreter traps (`deadlock: every thread waits forever`). Half of the
//! modules declare `memory shared` (`module.rs`); in the others a wait
//! traps `expected shared memory`.

use super::func::FuncGen;
use super::module::REGION_SIZE;
use crate::ir::{AtomicOp, BinaryOp, Const, MemAccess, Op, Type, ValueId};

impl FuncGen<'_> {
    /// One atomic instruction, or `atomic.fence`.
    pub(super) fn atomic(&mut self) {
        let all = AtomicOp::all();
        if self.rng.percent(3) {
            self.b.ins(Op::AtomicFence);
            return;
        }
        let (op, access) = all[self.rng.index(all.len())];
        let width = access.bytes(8) as u64;
        let (addr, offset) = match self.rng.percent(92) {
            true => self.aligned_address(width),
            false => {
                let write = matches!(op, AtomicOp::Store | AtomicOp::Rmw(_) | AtomicOp::Cmpxchg);
                self.address(width, write)
            }
        };
        let mut args = [ValueId::INVALID; 2];
        match op {
            AtomicOp::Load => {}
            AtomicOp::Store | AtomicOp::Rmw(_) => args[0] = self.value(access.ty).id,
            AtomicOp::Notify => args[0] = self.value(Type::I32).id,
            AtomicOp::Cmpxchg => {
                args[0] = self.expected(access, addr, offset);
                args[1] = self.value(access.ty).id;
            }
            AtomicOp::Wait => {
                args[0] = self.expected(access, addr, offset);
                let ns = *self.rng.pick(&[0, 0, 1, 100]).unwrap_or(&0);
                args[1] = self.hidden(Op::Const(Const::I64(ns)));
            }
        }
        let atomic = Op::Atomic {
            op,
            access,
            addr,
            args,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
        };
        match op.result_type(access) {
            Some(ty) => {
                self.emit(atomic, &[ty], true);
            }
            None => {
                self.b.ins(atomic);
            }
        }
    }

    /// The address of `width` bytes in the region, its last bits masked off
    /// so that `addr + offset` is a multiple of `width` (the region is
    /// 16-aligned, so it stays in the region).
    fn aligned_address(&mut self, width: u64) -> (ValueId, u64) {
        let (addr, offset) = self.region_address(width);
        let mask = self.hidden(Op::Const(Const::Ptr(!(width - 1) & u32::MAX as u64)));
        let addr = self.hidden(Op::Binary(BinaryOp::And, Type::Ptr, addr, mask));
        debug_assert!(offset < REGION_SIZE);
        (addr, offset & !(width - 1))
    }

    /// The value a compare-exchange or a wait expects: half of the time
    /// what is in memory now (an atomic load of the same access), else any.
    fn expected(&mut self, access: MemAccess, addr: ValueId, offset: u64) -> ValueId {
        if !self.rng.percent(50) {
            return self.value(access.ty).id;
        }
        self.hidden(Op::Atomic {
            op: AtomicOp::Load,
            access,
            addr,
            args: [ValueId::INVALID; 2],
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
        })
    }
}
