//! The interpreter's atomic accesses, with wasm's semantics on one thread.
//!
//! An access whose `addr + offset` overflows 64 bits (for `wait` and
//! `notify`, the address type: 32 bits on wasm32) is out of bounds; otherwise
//! it first checks its alignment (`unaligned atomic`), then its bounds
//! (`out of bounds memory access`), in that order as wasmtime does. Read-modify-writes and compare-exchanges
//! work on the access's width and give the old value zero-extended.
//!
//! Waiting follows `memory.atomic.wait` with no other thread to wake it:
//! on a memory that is not shared it traps (`expected shared memory`);
//! when the value differs it gives 1 (not-equal); when it is equal and the
//! timeout is finite (non-negative, in nanoseconds) it gives 2 (timed-out)
//! at once, as a thread no one notifies would after the timeout; equal with
//! an infinite (negative) timeout would block forever, and traps
//! `deadlock: wait with no other thread` instead. `notify` wakes no one and
//! gives 0.

use super::machine::Machine;
use crate::ir::{AtomicOp, RmwOp};
use crate::value::TrapKind;

/// An atomic access's operands, read from the registers.
pub(super) struct AtomicArgs {
    pub(super) op: AtomicOp,
    pub(super) bytes: u8,
    pub(super) wide: bool,
    pub(super) shared: bool,
    pub(super) addr: u64,
    pub(super) offset: u64,
    pub(super) a: u64,
    pub(super) b: u64,
}

impl Machine {
    /// Runs one atomic access; its result, if it has one.
    pub(super) fn atomic(&mut self, x: &AtomicArgs) -> Result<Option<u64>, TrapKind> {
        let at = self.atomic_bounds(x)?;
        let n = x.bytes as usize;
        let old = self.read(at, n);
        let mask = width_mask(x.bytes);
        let result = match x.op {
            AtomicOp::Load => Some(old),
            AtomicOp::Store => {
                self.write(at, n, x.a);
                None
            }
            AtomicOp::Rmw(op) => {
                self.write(at, n, rmw(op, old, x.a));
                Some(old)
            }
            AtomicOp::Cmpxchg => {
                if old == x.a & mask {
                    self.write(at, n, x.b);
                }
                Some(old)
            }
            AtomicOp::Wait => Some(wait(x.shared, old == x.a & mask, x.b)?),
            AtomicOp::Notify => Some(0),
        };
        Ok(result.map(|v| if x.wide { v } else { v as u32 as u64 }))
    }

    /// The start of an atomic access: aligned to its width, then in bounds.
    fn atomic_bounds(&self, x: &AtomicArgs) -> Result<usize, TrapKind> {
        // As wasmtime: a sum that overflows 64 bits is out of bounds before
        // anything. Its `wait` and `notify` (calls into the runtime) add
        // the offset in the address type, so on wasm32 a sum past 32 bits
        // is out of bounds before it is misaligned too; its inline accesses
        // check the alignment of the sum widened to 64 bits first.
        let limit = match x.op {
            AtomicOp::Wait | AtomicOp::Notify => self.ptr_mask,
            _ => u64::MAX,
        };
        let start = (x.addr.checked_add(x.offset))
            .filter(|&s| s <= limit)
            .ok_or(TrapKind::OutOfBounds)?;
        if start % x.bytes as u64 != 0 {
            return Err(TrapKind::UnalignedAtomic);
        }
        self.bounds(x.addr, x.offset, x.bytes as u64)
    }

    fn read(&self, at: usize, n: usize) -> u64 {
        let mut buf = [0u8; 8];
        buf[..n].copy_from_slice(&self.memory[at..at + n]);
        u64::from_le_bytes(buf)
    }

    fn write(&mut self, at: usize, n: usize, value: u64) {
        self.memory[at..at + n].copy_from_slice(&value.to_le_bytes()[..n]);
    }
}

/// The mask of an access of `bytes` bytes.
fn width_mask(bytes: u8) -> u64 {
    match bytes {
        8 => u64::MAX,
        n => (1u64 << (8 * n as u32)) - 1,
    }
}

/// The value a read-modify-write stores (`write` keeps its low bytes).
fn rmw(op: RmwOp, old: u64, value: u64) -> u64 {
    match op {
        RmwOp::Add => old.wrapping_add(value),
        RmwOp::Sub => old.wrapping_sub(value),
        RmwOp::And => old & value,
        RmwOp::Or => old | value,
        RmwOp::Xor => old ^ value,
        RmwOp::Xchg => value,
    }
}

/// `memory.atomic.wait` with no other thread: see the module's docs.
fn wait(shared: bool, equal: bool, timeout: u64) -> Result<u64, TrapKind> {
    match (shared, equal) {
        (false, _) => Err(TrapKind::ExpectedSharedMemory),
        (true, false) => Ok(1),
        (true, true) if (timeout as i64) < 0 => Err(TrapKind::Deadlock),
        (true, true) => Ok(2),
    }
}
