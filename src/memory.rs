//! The memory map of a compiled module: where data, the stack and the heap
//! live, and which function pointer each function gets.
//!
//! The lowering and the reference interpreter both take their addresses from
//! [`Layout`], so a pointer printed by one is the pointer printed by the other.
//!
//! ```text
//! 0 .. 16            never used: a null pointer is never a symbol's address
//! 16 .. data_end     data definitions, the read-only ones first, each
//!                    group in module order, each definition aligned
//! stack_base .. stack_top
//!                    the shadow stack (stack slots), growing down from
//!                    stack_top; stack_base is data_end aligned to 16
//! heap_base ..       free memory for the program (heap_base = stack_top)
//! ```
//!
//! A named memory (`memory @m ...`, docs/ir.md "Memories") has no stack:
//! its data definitions are placed from [`DATA_START`] by the same rules,
//! and must fit in its initial pages. `data_addrs` holds each definition's
//! address in its own memory.
//!
//! Function pointers are indices into the module's function table. Index 0
//! is null (a call through it traps); the functions whose address is taken
//! get 1, 2, ... in module order.

use crate::diag::Diagnostic;
use crate::ir::{
    DataId, DataItem, DataScalar, FuncId, Function, GlobalInit, MemId, Module, Op, Target,
};
use std::ops::Range;

pub const PAGE_SIZE: u64 = 65536;
/// The first address data may occupy.
pub const DATA_START: u64 = 16;
/// The size of the shadow stack: 1 MiB, enough for recursion tens of
/// thousands of frames deep through small stack slots.
pub const STACK_SIZE: u64 = 1024 * 1024;
/// The alignment of the stack pointer and of every frame.
pub const STACK_ALIGN: u64 = 16;
/// The most pages memory may grow to (1 GiB), on both targets: the compiled
/// memory declares it as its maximum and the interpreter enforces the same,
/// so `memory.grow` fails at the same point in both.
pub const MAX_PAGES: u64 = 16384;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub target: Target,
    /// The address of each data definition, by `DataId`.
    pub data_addrs: Vec<u64>,
    pub data_end: u64,
    pub stack_base: u64,
    pub stack_top: u64,
    pub heap_base: u64,
    /// Pages the memory starts with: enough for data and stack.
    pub min_pages: u64,
    /// `table[i]` is the function whose pointer is `i`; `table[0]` is `None`.
    pub table: Vec<Option<FuncId>>,
    /// The pointer of each function whose address is taken, by `FuncId`.
    pub func_ptrs: Vec<Option<u64>>,
    /// `memory shared`: the memory is a shared one (its maximum is always
    /// declared, [`MAX_PAGES`]).
    pub shared: bool,
    /// The addresses of each memory's read-only data, by `MemId` (one
    /// range: read-only data is placed first); `0..0` where there is none.
    pub readonly: Vec<Range<u64>>,
}

impl Layout {
    pub fn new(module: &Module, target: Target) -> Result<Layout, Diagnostic> {
        let (data_addrs, data_end) = data_layout(module, target)?;
        let stack_base = align_up(data_end, STACK_ALIGN).expect("data_layout bounds data_end");
        let stack_top = stack_base + STACK_SIZE;
        let (table, func_ptrs) = function_table(module);
        let readonly = readonly_ranges(module, target, &data_addrs);
        Ok(Layout {
            readonly,
            shared: module.shared_memory,
            target,
            data_addrs,
            data_end,
            stack_base,
            stack_top,
            heap_base: stack_top,
            min_pages: stack_top.div_ceil(PAGE_SIZE),
            table,
            func_ptrs,
        })
    }

    pub fn data_addr(&self, id: DataId) -> u64 {
        self.data_addrs[id.index()]
    }

    /// The pointer of a function; 0 for one whose address is never taken.
    pub fn func_ptr(&self, id: FuncId) -> u64 {
        self.func_ptrs[id.index()].unwrap_or(0)
    }

    /// The data segments of a data definition: its initial bytes, pointers
    /// resolved, as `(address, bytes)` pieces in address order. Memory starts
    /// zeroed, so what is zero need not be written: a `zero N` item of at
    /// least [`ZERO_RUN_SPLIT`] bytes ends a piece and is never materialised,
    /// and pieces of zeros only are left out (an all-zero definition has no
    /// segment). Shorter `zero` items are written out within their piece.
    pub fn data_segments(&self, module: &Module, id: DataId) -> Vec<(u64, Vec<u8>)> {
        let ptr_bytes = self.target.pointer_bits() as usize / 8;
        let items = &module.data_def(id).items;
        let base = self.data_addr(id);
        let mut segments = Vec::new();
        for (offset, range) in data_pieces(items, ptr_bytes as u64) {
            let mut bytes = Vec::new();
            let push_ptr = |bytes: &mut Vec<u8>, value: u64| {
                bytes.extend_from_slice(&value.to_le_bytes()[..ptr_bytes])
            };
            for item in &items[range] {
                match item {
                    DataItem::Bytes(b) => bytes.extend_from_slice(b),
                    // Shorter than ZERO_RUN_SPLIT: data_pieces splits at longer ones.
                    DataItem::Zero(n) => bytes.resize(bytes.len() + *n as usize, 0),
                    DataItem::Scalar(s) => match *s {
                        DataScalar::I8(v) => bytes.push(v),
                        DataScalar::I16(v) => bytes.extend_from_slice(&v.to_le_bytes()),
                        DataScalar::I32(v) | DataScalar::F32(v) => {
                            bytes.extend_from_slice(&v.to_le_bytes())
                        }
                        DataScalar::I64(v) | DataScalar::F64(v) => {
                            bytes.extend_from_slice(&v.to_le_bytes())
                        }
                    },
                    DataItem::DataAddr(target, offset) => {
                        push_ptr(&mut bytes, self.data_addr(*target).wrapping_add(*offset))
                    }
                    DataItem::FuncAddr(f) => push_ptr(&mut bytes, self.func_ptr(*f)),
                    DataItem::Ptr(n) => push_ptr(&mut bytes, *n),
                }
            }
            if bytes.iter().any(|b| *b != 0) {
                segments.push((base + offset, bytes));
            }
        }
        segments
    }
}

/// A `zero N` item of at least this many bytes is left to memory's initial
/// zeros: it splits its data definition's segment in two rather than being
/// written out (a segment costs at most 16 bytes of header).
pub const ZERO_RUN_SPLIT: u64 = 64;

/// The pieces of a data definition that [`Layout::data_segments`] may write:
/// the runs of items between `zero` items of at least [`ZERO_RUN_SPLIT`]
/// bytes, each as its offset from the definition's start and its item range.
/// Empty runs are left out.
pub fn data_pieces(items: &[DataItem], ptr_bytes: u64) -> Vec<(u64, std::ops::Range<usize>)> {
    let mut pieces = Vec::new();
    let (mut offset, mut start, mut start_offset) = (0u64, 0usize, 0u64);
    for (index, item) in items.iter().enumerate() {
        let size = item_size(item, ptr_bytes);
        if matches!(item, DataItem::Zero(n) if *n >= ZERO_RUN_SPLIT) {
            if start < index {
                pieces.push((start_offset, start..index));
            }
            start = index + 1;
            start_offset = offset.saturating_add(size);
        }
        offset = offset.saturating_add(size);
    }
    if start < items.len() {
        pieces.push((start_offset, start..items.len()));
    }
    pieces
}

/// An upper bound on the number of data segments of a module, on either
/// target: its pieces ([`data_pieces`]) that may hold a non-zero byte.
pub fn data_segment_bound(module: &Module) -> usize {
    let may_be_nonzero = |item: &DataItem| match item {
        DataItem::Bytes(b) => b.iter().any(|b| *b != 0),
        DataItem::Zero(_) => false,
        DataItem::Scalar(s) => match *s {
            DataScalar::I8(v) => v != 0,
            DataScalar::I16(v) => v != 0,
            DataScalar::I32(v) | DataScalar::F32(v) => v != 0,
            DataScalar::I64(v) | DataScalar::F64(v) => v != 0,
        },
        DataItem::Ptr(n) => *n != 0,
        // Function pointers start at 1; a data address is at least 16
        // unless an offset wraps it.
        DataItem::DataAddr(..) | DataItem::FuncAddr(_) => true,
    };
    (module.data.iter())
        .map(|data| {
            (data_pieces(&data.items, 8).into_iter())
                .filter(|(_, range)| data.items[range.clone()].iter().any(may_be_nonzero))
                .count()
        })
        .sum()
}

/// The address of each data definition in its memory and the end of the
/// default memory's data, checked to leave room for the shadow stack within
/// [`MAX_PAGES`] (a named memory's data within its pages): an error at the
/// first definition that does not fit.
pub fn data_layout(module: &Module, target: Target) -> Result<(Vec<u64>, u64), Diagnostic> {
    let ptr_bytes = target.pointer_bits() as u64 / 8;
    let mut data_addrs = vec![0; module.data.len()];
    // The next free address of each memory, by `MemId`.
    let mut next = vec![DATA_START; module.memories.len() + 1];
    for i in placement_order(module) {
        let data = &module.data[i];
        let mem = module.data_mem(DataId(i as u32));
        let Some(free) = next.get_mut(mem.index()) else {
            // An unknown memory: the verifier reports it.
            continue;
        };
        let addr = align_up(*free, data.align as u64);
        let end = addr.and_then(|a| a.checked_add(data_size(&data.items, ptr_bytes)));
        match (addr, end) {
            (Some(addr), Some(end)) if fits(module, mem, end) => {
                data_addrs[i] = addr;
                *free = end;
            }
            _ => return Err(too_large(module, mem, data, end, target)),
        }
    }
    Ok((data_addrs, next[0]))
}

/// The order data definitions are placed in, as indices: the read-only
/// ones (`data @x const`) first, then the others, each group in module
/// order. Read-only data is then one range of each memory
/// ([`Layout::readonly`]), which the interpreter checks writes against.
fn placement_order(module: &Module) -> impl Iterator<Item = usize> + '_ {
    let group = move |readonly: bool| {
        (module.data.iter().enumerate())
            .filter(move |(_, d)| d.readonly == readonly)
            .map(|(i, _)| i)
    };
    group(true).chain(group(false))
}

/// The range of each memory (by `MemId`) its read-only data occupies,
/// empty (`0..0`) in a memory that has none.
fn readonly_ranges(module: &Module, target: Target, data_addrs: &[u64]) -> Vec<Range<u64>> {
    let ptr_bytes = target.pointer_bits() as u64 / 8;
    let mut ranges = vec![0..0; module.memories.len() + 1];
    for (i, data) in module.data.iter().enumerate() {
        let mem = module.data_mem(DataId(i as u32));
        let (Some(range), true) = (ranges.get_mut(mem.index()), data.readonly) else {
            continue;
        };
        let start = data_addrs[i];
        let end = start + data_size(&data.items, ptr_bytes);
        // Data starts at DATA_START: an end of 0 is the initial `0..0`.
        *range = match range.end == 0 {
            true => start..end,
            false => range.start.min(start)..range.end.max(end),
        };
    }
    ranges
}

/// Whether data ending at `end` fits in memory `mem`: with the shadow
/// stack in [`MAX_PAGES`] for the default memory, in its initial pages for
/// a named one.
fn fits(module: &Module, mem: MemId, end: u64) -> bool {
    match module.memory(mem) {
        None => align_up(end, STACK_ALIGN)
            .and_then(|e| e.checked_add(STACK_SIZE))
            .is_some_and(|top| top.div_ceil(PAGE_SIZE) <= MAX_PAGES),
        Some(memory) => memory
            .pages
            .checked_mul(PAGE_SIZE)
            .is_some_and(|size| end <= size),
    }
}

/// Where each stack slot of a function sits in its frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Offset of each slot from the frame's base (the stack pointer after
    /// the frame is allocated), by `SlotId`.
    pub slot_offsets: Vec<u64>,
    /// The frame size, a multiple of [`STACK_ALIGN`]; 0 without slots.
    pub size: u64,
}

impl Frame {
    /// Slots are placed in declaration order, each at its alignment.
    pub fn new(func: &Function) -> Frame {
        let mut offset = 0u64;
        let mut slot_offsets = Vec::with_capacity(func.slots.len());
        for slot in &func.slots {
            // The verifier bounds sizes and alignments, so this cannot overflow.
            offset = offset.next_multiple_of(slot.align.max(1) as u64);
            slot_offsets.push(offset);
            offset += slot.size;
        }
        Frame {
            slot_offsets,
            size: offset.next_multiple_of(STACK_ALIGN),
        }
    }
}

fn function_table(module: &Module) -> (Vec<Option<FuncId>>, Vec<Option<u64>>) {
    let mut taken = vec![false; module.funcs.len()];
    for global in &module.globals {
        if let GlobalInit::FuncAddr(f) = global.init {
            taken[f.index()] = true;
        }
    }
    for data in &module.data {
        for item in &data.items {
            if let DataItem::FuncAddr(f) = item {
                taken[f.index()] = true;
            }
        }
    }
    for func in &module.funcs {
        for inst in func.blocks.iter().flat_map(|b| &b.insts) {
            if let Op::FuncAddr(f) = inst.op {
                taken[f.index()] = true;
            }
        }
    }
    let mut table = vec![None];
    let mut ptrs = vec![None; module.funcs.len()];
    for (index, _) in taken.iter().enumerate().filter(|(_, t)| **t) {
        ptrs[index] = Some(table.len() as u64);
        table.push(Some(FuncId(index as u32)));
    }
    (table, ptrs)
}

/// The size in bytes of a data definition's items.
pub fn data_size(items: &[DataItem], ptr_bytes: u64) -> u64 {
    (items.iter())
        .map(|item| item_size(item, ptr_bytes))
        .fold(0u64, |a, b| a.saturating_add(b))
}

fn item_size(item: &DataItem, ptr_bytes: u64) -> u64 {
    match item {
        DataItem::Bytes(b) => b.len() as u64,
        DataItem::Zero(n) => *n,
        DataItem::Scalar(s) => match s {
            DataScalar::I8(_) => 1,
            DataScalar::I16(_) => 2,
            DataScalar::I32(_) | DataScalar::F32(_) => 4,
            DataScalar::I64(_) | DataScalar::F64(_) => 8,
        },
        DataItem::DataAddr(..) | DataItem::FuncAddr(_) | DataItem::Ptr(_) => ptr_bytes,
    }
}

fn align_up(value: u64, align: u64) -> Option<u64> {
    value.checked_next_multiple_of(align.max(1))
}

fn too_large(
    module: &Module,
    mem: MemId,
    data: &crate::ir::Data,
    end: Option<u64>,
    target: Target,
) -> Diagnostic {
    let end = match end {
        Some(end) => format!("it ends at byte {end} ({target})"),
        None => format!("its end overflows ({target})"),
    };
    if let Some(memory) = module.memory(mem) {
        let pages = memory.pages;
        return Diagnostic::new(
            format!(
                "data @{} does not fit in memory @{}: {end}, past its {pages} pages",
                data.name, memory.name
            ),
            data.span,
        );
    }
    Diagnostic::new(
        format!(
            "data @{} does not fit in memory: {end}, and data with the {} MiB shadow stack \
             must fit in the memory's maximum of {MAX_PAGES} pages ({} GiB) on both targets",
            data.name,
            STACK_SIZE >> 20,
            (MAX_PAGES * PAGE_SIZE) >> 30,
        ),
        data.span,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use crate::ir::{Data, Linkage, Signature};

    fn data(name: &str, align: u32, items: Vec<DataItem>) -> Data {
        Data {
            name: name.into(),
            align,
            readonly: false,
            items,
            span: Span::NONE,
        }
    }

    #[test]
    fn data_is_aligned_and_pointers_resolve_per_target() {
        let mut m = Module::default();
        let a = m.add_data(data("a", 1, vec![DataItem::Bytes(b"abc".to_vec())]));
        let b = m.add_data(data("b", 8, vec![DataItem::DataAddr(a, 1)]));
        for (target, width) in [(Target::Wasm64, 8), (Target::Wasm32, 4)] {
            let layout = Layout::new(&m, target).unwrap();
            assert_eq!(layout.data_addr(a), 16);
            assert_eq!(layout.data_addr(b), 24);
            assert_eq!(layout.data_end, 24 + width);
            assert_eq!(layout.stack_base, 32);
            assert_eq!(layout.stack_top, layout.stack_base + STACK_SIZE);
            let segments = layout.data_segments(&m, b);
            assert_eq!(segments.len(), 1);
            let (addr, bytes) = &segments[0];
            assert_eq!((*addr, bytes.len() as u64), (24, width));
            assert_eq!(bytes[0], 17);
        }
    }

    #[test]
    fn read_only_data_is_placed_first_as_one_range() {
        let mut m = Module::default();
        let w = m.add_data(data("w", 1, vec![DataItem::Bytes(b"abc".to_vec())]));
        let mut ro = data("r", 4, vec![DataItem::Bytes(b"xy".to_vec())]);
        ro.readonly = true;
        let r = m.add_data(ro.clone());
        let s = m.add_data(ro);
        let layout = Layout::new(&m, Target::Wasm64).unwrap();
        assert_eq!(layout.data_addr(r), 16);
        assert_eq!(layout.data_addr(s), 20);
        assert_eq!(layout.data_addr(w), 22);
        assert_eq!(layout.readonly.first(), Some(&(16..22)));
        assert_eq!(layout.readonly.len(), 1);
        // Without read-only data, the range is empty and the order kept.
        let mut m = Module::default();
        m.add_data(data("w", 1, vec![DataItem::Bytes(b"abc".to_vec())]));
        let layout = Layout::new(&m, Target::Wasm32).unwrap();
        assert_eq!(layout.readonly.first(), Some(&(0..0)));
    }

    #[test]
    fn long_zero_runs_split_segments_and_are_never_written() {
        let mut m = Module::default();
        let small = vec![DataItem::Zero(ZERO_RUN_SPLIT - 1)];
        let d = m.add_data(data(
            "d",
            1,
            [
                vec![DataItem::Scalar(DataScalar::I8(1))],
                small.clone(),
                vec![DataItem::Scalar(DataScalar::I8(2)), DataItem::Zero(1 << 29)],
                vec![DataItem::Bytes(b"x".to_vec())],
                small,
                vec![DataItem::Zero(ZERO_RUN_SPLIT)],
            ]
            .concat(),
        ));
        let z = m.add_data(data(
            "z",
            1,
            vec![DataItem::Zero(8), DataItem::Zero(1 << 20)],
        ));
        let layout = Layout::new(&m, Target::Wasm64).unwrap();
        let mut first = vec![1];
        first.resize(ZERO_RUN_SPLIT as usize, 0);
        first.push(2);
        let after = 16 + ZERO_RUN_SPLIT + 1 + (1 << 29);
        let mut second = b"x".to_vec();
        second.resize(ZERO_RUN_SPLIT as usize, 0);
        assert_eq!(
            layout.data_segments(&m, d),
            vec![(16, first), (after, second)]
        );
        assert!(layout.data_segments(&m, z).is_empty());
        assert_eq!(data_segment_bound(&m), 2);
    }

    #[test]
    fn data_and_stack_must_fit_in_the_maximum_memory() {
        let mut m = Module::default();
        let fits = MAX_PAGES * PAGE_SIZE - STACK_SIZE - DATA_START;
        m.add_data(data("a", 1, vec![DataItem::Zero(fits)]));
        let layout = Layout::new(&m, Target::Wasm32).unwrap();
        assert_eq!(layout.min_pages, MAX_PAGES);
        m.data[0].items.push(DataItem::Scalar(DataScalar::I8(0)));
        for target in [Target::Wasm64, Target::Wasm32] {
            let err = Layout::new(&m, target).unwrap_err();
            assert!(err.message.starts_with("data @a does not fit"), "{err}");
        }
        m.data[0].items = vec![DataItem::Zero(u64::MAX)];
        assert!(Layout::new(&m, Target::Wasm64).is_err());
    }

    #[test]
    fn function_pointers_start_at_one_in_module_order() {
        let mut m = Module::default();
        let f = m.add_function(Function::new("f", Signature::default(), Linkage::Public));
        let g = m.add_function(Function::new("g", Signature::default(), Linkage::Public));
        m.add_data(data(
            "t",
            8,
            vec![DataItem::FuncAddr(g), DataItem::FuncAddr(f)],
        ));
        let layout = Layout::new(&m, Target::Wasm64).unwrap();
        assert_eq!(layout.table, vec![None, Some(f), Some(g)]);
        assert_eq!(layout.func_ptr(f), 1);
        assert_eq!(layout.func_ptr(g), 2);
    }
}
