//! The interpreter's atomic accesses, with wasm's semantics.
//!
//! An access whose `addr + offset` overflows 64 bits (for `wait` and
//! `notify`, the address type: 32 bits on wasm32) is out of bounds; otherwise
//! it first checks its alignment (`unaligned atomic`), then its bounds
//! (`out of bounds memory access`), in that order as wasmtime does. Read-modify-writes and compare-exchanges
//! work on the access's width and give the old value zero-extended.
//!
//! Waiting follows `memory.atomic.wait`: on a memory that is not shared it
//! traps (`expected shared memory`); when the value differs it gives 1
//! (not-equal). When it is equal, in a threads program the thread blocks
//! (`threads.rs`: a notify makes it 0, a timeout of virtual time 2); in any
//! other module no other thread could wake it, so a finite timeout
//! (non-negative, in nanoseconds) gives 2 (timed-out) at once and an
//! infinite (negative) one traps `deadlock: every thread waits forever`
//! instead of blocking forever: the same as a threads program with one
//! thread. `notify` wakes up to its count of the threads waiting at its
//! address, oldest first, and gives how many it woke (none without
//! threads).

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
    /// Runs one atomic access; its result, if it has one. `result` is the
    /// index of its result register (where a blocked wait's outcome goes).
    pub(super) fn atomic(
        &mut self,
        x: &AtomicArgs,
        result: usize,
    ) -> Result<Option<u64>, TrapKind> {
        let at = self.atomic_bounds(x)?;
        let n = x.bytes as usize;
        if matches!(x.op, AtomicOp::Store | AtomicOp::Rmw(_) | AtomicOp::Cmpxchg) {
            super::machine::writable(&self.readonly, at, n as u64)?;
        }
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
            AtomicOp::Wait => Some(self.wait(x, at, old == x.a & mask, result)?),
            AtomicOp::Notify => Some(self.notify(at, x.a as u32)),
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

    /// `memory.atomic.wait` at memory index `at`: in a threads program a
    /// wait that holds blocks the thread (`threads.rs`), otherwise see the
    /// module's docs.
    #[inline(never)]
    fn wait(
        &mut self,
        x: &AtomicArgs,
        at: usize,
        equal: bool,
        result: usize,
    ) -> Result<u64, TrapKind> {
        let timeout = x.b as i64;
        let Some(threads) = &mut self.threads else {
            return wait(x.shared, equal, x.b);
        };
        match (x.shared, equal) {
            (false, _) => return Err(TrapKind::ExpectedSharedMemory),
            (true, false) => return Ok(1),
            (true, true) if timeout == 0 => return Ok(2),
            (true, true) => threads.block(at, result, timeout),
        }
        self.yield_now();
        // What a notify gives; a timeout makes it 2.
        Ok(0)
    }

    /// `memory.atomic.notify` at memory index `at`: how many waiters it
    /// woke (none without threads).
    #[inline(never)]
    fn notify(&mut self, at: usize, count: u32) -> u64 {
        self.threads
            .as_mut()
            .map_or(0, |threads| u64::from(threads.notify(at, count)))
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
