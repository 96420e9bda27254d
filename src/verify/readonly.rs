//! The verifier's check of read-only data (`data @x const`, docs/ir.md
//! "Data"): an instruction that writes memory (a store, an atomic store,
//! read-modify-write or compare-exchange, the destination of `memory.fill`
//! or `memory.copy`) at an address that is plainly `data.addr` of a
//! read-only definition in that memory is an error at the instruction.
//!
//! "Plainly" is all a verifier can see: an address computed any other way
//! (an offset added, a pointer loaded or passed in) is not followed. Writing
//! read-only data by such a route is a program error that the verifier
//! cannot catch; the reference interpreter traps on it ("write to read-only
//! data"), so the differential tester reports a program that does it.

use crate::ir::{AtomicOp, DataId, Function, MemId, Module, Op, ValueDef, ValueId};

/// The read-only data definition that `op` plainly writes, if any.
pub(super) fn written(module: &Module, func: &Function, op: &Op) -> Option<DataId> {
    let (addr, mem) = match *op {
        Op::Store { addr, mem, .. } => (addr, mem),
        Op::Atomic { op, addr, .. } if writes(op) => (addr, MemId::DEFAULT),
        Op::MemoryFill { dst, mem, .. } => (dst, mem),
        Op::MemoryCopy { dst, dst_mem, .. } => (dst, dst_mem),
        _ => return None,
    };
    let data = data_addr_of(func, addr)?;
    let def = module.data.get(data.index())?;
    (def.readonly && module.data_mem(data) == mem).then_some(data)
}

fn writes(op: AtomicOp) -> bool {
    matches!(op, AtomicOp::Store | AtomicOp::Rmw(_) | AtomicOp::Cmpxchg)
}

/// The data definition whose `data.addr` defines `value`, if it is one
/// (anything out of range is `None`: other checks report it).
pub(crate) fn data_addr_of(func: &Function, value: ValueId) -> Option<DataId> {
    let ValueDef::InstResult { block, index, .. } = func.values.get(value.index())?.def else {
        return None;
    };
    let inst = func.blocks.get(block.index())?.insts.get(index as usize)?;
    match inst.op {
        Op::DataAddr(d) => Some(d),
        _ => None,
    }
}
