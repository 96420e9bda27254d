//! The named memories of a run (docs/ir.md, "Memories"): each its own bytes,
//! bounds and grow limit, with the wasm semantics of the default memory.
//!
//! The default memory stays [`Machine::memory`], and its loads and stores
//! keep their own instructions (`Instr::Load`, `Instr::Store`), so that the
//! hot path of every program is what it was; the instructions naming a
//! memory ([`NamedInstr`]) are executed here, off that path.

use super::machine::{Machine, writable};
use super::translate::{LoadShape, Reg, ptr_mask};
use crate::ir::{DataId, MemId, Module, Op, Type};
use crate::memory::{Layout, MAX_PAGES, PAGE_SIZE};
use crate::value::TrapKind;
use std::ops::Range;

/// A named memory's state.
pub(super) struct NamedMemory {
    bytes: Vec<u8>,
    /// The most pages it may grow to.
    max_pages: u64,
    /// All ones of its index type: `memory.grow`'s failure, and the mask of
    /// its page counts.
    mask: u64,
    /// Its read-only data ([`Layout::readonly`]).
    readonly: Range<u64>,
}

/// The named memories of `module`, by `MemId` less one, with their data.
pub(super) fn named_memories(module: &Module, layout: &Layout) -> Vec<NamedMemory> {
    let mut memories: Vec<NamedMemory> = (module.memories.iter().enumerate())
        .map(|(i, m)| NamedMemory {
            bytes: vec![0; (m.pages * PAGE_SIZE) as usize],
            max_pages: m.max.unwrap_or(MAX_PAGES),
            mask: index_mask(m.index, layout),
            readonly: layout.readonly.get(i + 1).cloned().unwrap_or(0..0),
        })
        .collect();
    for (&id, &mem) in &module.data_memory {
        let id: DataId = id;
        let Some(memory) = mem.index().checked_sub(1).and_then(|i| memories.get_mut(i)) else {
            continue;
        };
        for (start, bytes) in layout.data_segments(module, id) {
            let start = start as usize;
            if let Some(place) = memory.bytes.get_mut(start..start + bytes.len()) {
                place.copy_from_slice(&bytes);
            }
        }
    }
    memories
}

fn index_mask(index: Type, layout: &Layout) -> u64 {
    match index {
        Type::I32 => u32::MAX as u64,
        Type::I64 => u64::MAX,
        _ => ptr_mask(layout.target),
    }
}

/// An instruction that names a memory other than the default one (or, for
/// `memory.copy`, memories one of which is named). Memory ids are `MemId`s.
#[derive(Debug)]
pub(super) enum NamedInstr {
    Load {
        mem: u32,
        shape: LoadShape,
        dst: Reg,
        addr: Reg,
        offset: u64,
    },
    Store {
        mem: u32,
        bytes: u8,
        addr: Reg,
        value: Reg,
        offset: u64,
    },
    Size {
        mem: u32,
        dst: Reg,
    },
    Grow {
        mem: u32,
        dst: Reg,
        delta: Reg,
    },
    Fill {
        mem: u32,
        dst: Reg,
        byte: Reg,
        len: Reg,
    },
    Copy {
        dst_mem: u32,
        src_mem: u32,
        dst: Reg,
        src: Reg,
        len: Reg,
    },
}

/// The start of `addr + offset .. + len` when it lies in `bytes`, computed
/// without wrapping, as for the default memory.
fn bounds(bytes: &[u8], addr: u64, offset: u64, len: u64) -> Result<usize, TrapKind> {
    let start = addr.checked_add(offset).ok_or(TrapKind::OutOfBounds)?;
    let end = start.checked_add(len).ok_or(TrapKind::OutOfBounds)?;
    match end <= bytes.len() as u64 {
        true => Ok(start as usize),
        false => Err(TrapKind::OutOfBounds),
    }
}

impl Machine {
    /// The bytes of memory `mem` (0: the default memory).
    fn mem_bytes(&mut self, mem: u32) -> &mut Vec<u8> {
        match (mem as usize).checked_sub(1) {
            None => &mut self.memory,
            Some(i) => &mut self.named[i].bytes,
        }
    }

    /// Whether `len` bytes at `at` (in bounds) of memory `mem` may be
    /// written: not when they touch its read-only data.
    fn writable_in(&self, mem: u32, at: usize, len: u64) -> Result<(), TrapKind> {
        let readonly = match (mem as usize).checked_sub(1) {
            None => &self.readonly,
            Some(i) => &self.named[i].readonly,
        };
        writable(readonly, at, len)
    }

    pub(super) fn exec_named(&mut self, ins: &NamedInstr, base: usize) -> Result<(), TrapKind> {
        match *ins {
            NamedInstr::Load {
                mem,
                shape,
                dst,
                addr,
                offset,
            } => {
                let addr = self.reg(base, addr);
                let bytes = self.mem_bytes(mem);
                let n = shape.bytes as usize;
                let at = bounds(bytes, addr, offset, n as u64)?;
                let mut buf = [0u8; 8];
                buf[..n].copy_from_slice(&bytes[at..at + n]);
                self.set(base, dst, shape.extend(u64::from_le_bytes(buf)));
            }
            NamedInstr::Store {
                mem,
                bytes: n,
                addr,
                value,
                offset,
            } => {
                let (addr, value) = (self.reg(base, addr), self.reg(base, value));
                let at = bounds(self.mem_bytes(mem), addr, offset, n as u64)?;
                self.writable_in(mem, at, n as u64)?;
                let bytes = self.mem_bytes(mem);
                bytes[at..at + n as usize].copy_from_slice(&value.to_le_bytes()[..n as usize]);
            }
            NamedInstr::Size { mem, dst } => {
                let pages = self.mem_bytes(mem).len() as u64 / PAGE_SIZE;
                self.set(base, dst, pages);
            }
            NamedInstr::Grow { mem, dst, delta } => {
                let old = self.grow_named(mem, self.reg(base, delta));
                self.set(base, dst, old);
            }
            NamedInstr::Fill {
                mem,
                dst,
                byte,
                len,
            } => {
                let (dst, byte, len) = (
                    self.reg(base, dst),
                    self.reg(base, byte),
                    self.reg(base, len),
                );
                let at = bounds(self.mem_bytes(mem), dst, 0, len)?;
                self.writable_in(mem, at, len)?;
                self.mem_bytes(mem)[at..at + len as usize].fill(byte as u8);
            }
            NamedInstr::Copy {
                dst_mem,
                src_mem,
                dst,
                src,
                len,
            } => {
                let (dst, src, len) = (
                    self.reg(base, dst),
                    self.reg(base, src),
                    self.reg(base, len),
                );
                // Both ranges are checked before anything is written.
                let from = bounds(self.mem_bytes(src_mem), src, 0, len)?;
                let to = bounds(self.mem_bytes(dst_mem), dst, 0, len)?;
                self.writable_in(dst_mem, to, len)?;
                let taken = self.mem_bytes(src_mem)[from..from + len as usize].to_vec();
                self.mem_bytes(dst_mem)[to..to + len as usize].copy_from_slice(&taken);
            }
        }
        Ok(())
    }

    /// `memory.grow` of a named memory: the old size in pages, or all ones
    /// of its index type past its maximum.
    fn grow_named(&mut self, mem: u32, delta: u64) -> u64 {
        if mem == 0 {
            return self.grow(delta);
        }
        let memory = &mut self.named[mem as usize - 1];
        let old = memory.bytes.len() as u64 / PAGE_SIZE;
        let delta = delta & memory.mask;
        if delta > memory.max_pages.saturating_sub(old) {
            return memory.mask;
        }
        memory.bytes.resize(((old + delta) * PAGE_SIZE) as usize, 0);
        old
    }
}

/// The instruction of an operator that names a memory other than the
/// default one; `None` for every other operator (which keeps its usual
/// instruction). `shape` is how the load, if it is one, reads.
pub(super) fn named_instr(op: &Op, dst: Reg, shape: LoadShape, bytes: u8) -> Option<NamedInstr> {
    let named = |mem: &MemId| (!mem.is_default()).then_some(mem.0);
    Some(match *op {
        Op::Load {
            addr, offset, mem, ..
        } => NamedInstr::Load {
            mem: named(&mem)?,
            shape,
            dst,
            addr: addr.as_u32(),
            offset,
        },
        Op::Store {
            addr,
            value,
            offset,
            mem,
            ..
        } => NamedInstr::Store {
            mem: named(&mem)?,
            bytes,
            addr: addr.as_u32(),
            value: value.as_u32(),
            offset,
        },
        Op::MemorySize(mem) => NamedInstr::Size {
            mem: named(&mem)?,
            dst,
        },
        Op::MemoryGrow(mem, delta) => NamedInstr::Grow {
            mem: named(&mem)?,
            dst,
            delta: delta.as_u32(),
        },
        Op::MemoryFill {
            dst: d,
            byte,
            len,
            mem,
        } => NamedInstr::Fill {
            mem: named(&mem)?,
            dst: d.as_u32(),
            byte: byte.as_u32(),
            len: len.as_u32(),
        },
        Op::MemoryCopy {
            dst: d,
            src,
            len,
            dst_mem,
            src_mem,
        } => {
            named(&dst_mem).or(named(&src_mem))?;
            NamedInstr::Copy {
                dst_mem: dst_mem.0,
                src_mem: src_mem.0,
                dst: d.as_u32(),
                src: src.as_u32(),
                len: len.as_u32(),
            }
        }
        _ => return None,
    })
}
