//! Named memories in generated programs: 0 to 2 memories of random index
//! types (`ptr`, `i32`, `i64`), some data in them, and one exported entry
//! `@mems` of straight-line code that stores, loads, fills, grows, sizes
//! and copies between them (and from the default memory's region), its
//! result a hash of everything it read.
//!
//! Its choices come from a stream of their own ([`Rng::fork`]), not from
//! the program's: a seed's other functions, data and calls are what they
//! were before named memories existed; a program only gains the memories,
//! their data, `@mems` and its call (last, then `@state`).

use super::rng::Rng;
use super::{Call, Program};
use crate::diag::Span;
use crate::ir::{
    BinaryOp, ConvKind, ConvOp, Data, DataId, DataItem, DataScalar, FunctionBuilder, Linkage,
    MemAccess, MemId, Memory, Module, Op, Signature, Type, ValueId,
};

/// The stream of [`Rng::fork`] the memories draw from.
const STREAM: u64 = 0x6d65_6d73;
/// How many operations `@mems` makes.
const OPS: u64 = 24;

/// Adds the memories and `@mems` to a generated program (seeded with its
/// seed); `region` is its data region in the default memory.
pub fn add_memories(program: &mut Program, region: DataId) {
    let mut rng = Rng::fork(program.seed, STREAM);
    let m = &mut program.module;
    let count = rng.weighted(&[40, 35, 25]);
    if count == 0 {
        return;
    }
    for i in 0..count {
        let index = [Type::Ptr, Type::I32, Type::I64][rng.index(3)];
        let pages = rng.range(1, 2);
        let mem = m.add_memory(Memory {
            name: format!("m{i}"),
            index,
            pages,
            max: Some(pages + rng.below(2)),
            span: Span::NONE,
        });
        if rng.percent(70) {
            let data = m.add_data(Data {
                name: format!("md{i}"),
                align: 8,
                readonly: false,
                items: vec![
                    DataItem::Scalar(DataScalar::I64(rng.next_u64())),
                    DataItem::Bytes(b"memory".to_vec()),
                ],
                span: Span::NONE,
            });
            m.data_memory.insert(data, mem);
        }
    }
    mems_function(&mut rng, m, region);
    program.calls.push(Call {
        func: "mems".into(),
        args: vec![],
    });
    program.calls.push(Call {
        func: "state".into(),
        args: vec![],
    });
}

/// `pub fn @mems() -> i64`.
fn mems_function(rng: &mut Rng, m: &mut Module, region: DataId) {
    let sig = Signature {
        params: vec![],
        results: vec![Type::I64],
    };
    let mems: Vec<Mem> = (m.memories.iter().enumerate())
        .map(|(i, memory)| Mem {
            id: MemId(i as u32 + 1),
            index: memory.index,
            bytes: memory.pages * 65536,
        })
        .collect();
    let id = m.add_function(crate::ir::Function::new("mems", sig, Linkage::Public));
    let mut g = Gen {
        b: FunctionBuilder::new(m, id),
        rng,
        mems,
        region,
    };
    let entry = g.b.create_block("entry");
    g.b.switch_to_block(entry);
    let mut h = g.b.iconst(Type::I64, 0x9e37_79b9);
    for _ in 0..OPS {
        if let Some(v) = g.op() {
            h = g.mix(h, v);
        }
    }
    g.b.ret(&[h]);
}

/// A named memory as the generator sees it: its initial size in bytes.
#[derive(Clone, Copy)]
struct Mem {
    id: MemId,
    index: Type,
    bytes: u64,
}

struct Gen<'a, 'm> {
    b: FunctionBuilder<'m>,
    rng: &'a mut Rng,
    mems: Vec<Mem>,
    /// The default memory's data region (the program's first data).
    region: DataId,
}

impl Gen<'_, '_> {
    /// One operation; its value (an i64) when it gives one.
    fn op(&mut self) -> Option<ValueId> {
        let mem = self.mems[self.rng.index(self.mems.len())];
        match self.rng.weighted(&[30, 30, 8, 8, 8, 16]) {
            0 => {
                self.store(mem);
                None
            }
            1 => Some(self.load(mem)),
            2 => Some(self.size(mem)),
            3 => Some(self.grow(mem)),
            4 => {
                self.fill(mem);
                None
            }
            _ => {
                self.copy(mem);
                None
            }
        }
    }

    /// An address of `len` bytes in `mem`'s first page, rarely past its
    /// initial size (a trap, unless it grew).
    fn address(&mut self, mem: Mem, len: u64) -> ValueId {
        let at = match self.rng.percent(1) {
            true => mem.bytes - len + 1 + self.rng.below(8),
            false => self.rng.below(512.min(mem.bytes - len)),
        };
        self.b.iconst(mem.index, at as i64)
    }

    /// A load's or a store's shape, of an integer type.
    fn access(&mut self, load: bool) -> MemAccess {
        let shapes = match load {
            true => MemAccess::loads(),
            false => MemAccess::stores(),
        };
        let shapes: Vec<MemAccess> = (shapes.into_iter())
            .filter(|a| matches!(a.ty, Type::I32 | Type::I64))
            .collect();
        shapes[self.rng.index(shapes.len())]
    }

    fn store(&mut self, mem: Mem) {
        let access = self.access(false);
        let addr = self.address(mem, 8);
        let value = self.b.iconst(access.ty, self.rng.next_u64() as i64);
        let offset = self.rng.below(4);
        self.b.ins(Op::Store {
            access,
            addr,
            value,
            offset,
            mem: mem.id,
        });
    }

    fn load(&mut self, mem: Mem) -> ValueId {
        let access = self.access(true);
        let addr = self.address(mem, 8);
        let offset = self.rng.below(4);
        let v = self.b.ins(Op::Load {
            access,
            addr,
            offset,
            mem: mem.id,
        })[0];
        self.wide(v, access.ty)
    }

    fn size(&mut self, mem: Mem) -> ValueId {
        let v = self.b.ins(Op::MemorySize(mem.id))[0];
        self.wide(v, mem.index)
    }

    /// Grows by 0 to 2 pages: past the maximum it fails (-1).
    fn grow(&mut self, mem: Mem) -> ValueId {
        let delta = self.b.iconst(mem.index, self.rng.below(3) as i64);
        let v = self.b.ins(Op::MemoryGrow(mem.id, delta))[0];
        self.wide(v, mem.index)
    }

    fn fill(&mut self, mem: Mem) {
        let len = self.rng.below(64);
        let dst = self.address(mem, len);
        let byte = self.b.iconst(Type::I32, self.rng.below(256) as i64);
        let len = self.b.iconst(mem.index, len as i64);
        self.b.ins(Op::MemoryFill {
            dst,
            byte,
            len,
            mem: mem.id,
        });
    }

    /// A copy into `dst` from another named memory, itself, or the default
    /// memory's data region.
    fn copy(&mut self, dst: Mem) {
        let len = self.rng.below(64);
        let (src, src_index, src_id) = match self.rng.percent(25) {
            true => {
                let base = self.b.ins(Op::DataAddr(self.region))[0];
                (base, Type::Ptr, MemId::DEFAULT)
            }
            false => {
                let src = self.mems[self.rng.index(self.mems.len())];
                (self.address(src, len), src.index, src.id)
            }
        };
        let to = self.address(dst, len);
        let len = self
            .b
            .iconst(Type::smaller_index(dst.index, src_index), len as i64);
        self.b.ins(Op::MemoryCopy {
            dst: to,
            src,
            len,
            dst_mem: dst.id,
            src_mem: src_id,
        });
    }

    /// A value of an integer type as an i64 (zero-extended).
    fn wide(&mut self, v: ValueId, ty: Type) -> ValueId {
        match ty {
            Type::I64 => v,
            from => self.b.convert(
                ConvOp {
                    kind: ConvKind::ExtendU,
                    from,
                    to: Type::I64,
                },
                v,
            ),
        }
    }

    /// `(h rotl 5 ^ x) * FNV prime`.
    fn mix(&mut self, h: ValueId, x: ValueId) -> ValueId {
        let five = self.b.iconst(Type::I64, 5);
        let r = self.b.binary(BinaryOp::Rotl, Type::I64, h, five);
        let t = self.b.binary(BinaryOp::Xor, Type::I64, r, x);
        let prime = self.b.iconst(Type::I64, 0x100_0000_01b3);
        self.b.binary(BinaryOp::Mul, Type::I64, t, prime)
    }
}
