//! The module around the functions: signatures, globals, data, the `@state`
//! export, and the calls the harness makes.

use super::func::{self, Callee, ConstData, Env, GlobalInfo, GlobalKind};
use super::rng::Rng;
use super::values::{self, any_type, arg_bits, constant};
use super::{Arg, Call, GenConfig, Program};
use crate::diag::Span;
use crate::ir::{
    BinaryOp, CmpOp, Const, ConvKind, ConvOp, Data, DataId, DataItem, DataScalar, Edge, Function,
    FunctionBuilder, Global, GlobalId, GlobalInit, Linkage, MemAccess, Module, Op, Signature,
    Target, Type, ValueDef, Visibility,
};
use crate::memory;

/// Bytes of the data region loads and stores mostly stay in.
pub const REGION_SIZE: u64 = 256;

pub fn generate(seed: u64, config: &GenConfig) -> Program {
    generate_with(Rng::new(seed), seed, config)
}

/// [`generate`] with the choices drawn from `rng`; `seed` names the program
/// and seeds the arguments of its calls.
pub fn generate_with(mut rng: Rng, seed: u64, config: &GenConfig) -> Program {
    // Half of the programs have a shared memory, where atomic waits do not trap.
    let mut m = Module {
        shared_memory: rng.percent(50),
        ..Module::default()
    };
    let fuel = budget_global(&mut m, "fuel");
    let calls = budget_global(&mut m, "calls");
    let sink = m.add_global(Global {
        name: "sink".into(),
        ty: Type::I64,
        mutable: true,
        init: GlobalInit::Const(Const::I64(0)),
        span: Span::NONE,
    });
    let funcs = declare(&mut rng, &mut m, "f", config.max_funcs, Linkage::Private);
    let entries = declare(&mut rng, &mut m, "e", config.max_entries, Linkage::Public);
    let region = DataId(m.data.len() as u32);
    m.add_data(region_data(&mut rng, region, &funcs));
    let fp_data = pointer_data(&mut rng, &mut m, &funcs);
    let consts = const_data(&mut rng, &mut m, region, &funcs);
    let globals = user_globals(&mut rng, &mut m, region, &funcs);
    let stack = stack_bounds(&m);
    let env = Env {
        stack,
        config: config.clone(),
        region,
        fuel,
        calls,
        sink,
        funcs,
        globals,
        fp_data,
        consts,
    };
    for callee in env.funcs.iter().chain(&entries) {
        let entry = entries.iter().any(|e| e.id == callee.id);
        func::generate_body(&mut rng, &env, &mut m, callee.id, entry);
    }
    state_function(&mut m, region);
    let calls = calls_of(seed, &entries, &m);
    let mut program = Program {
        seed,
        config: config.clone(),
        module: m,
        calls,
    };
    super::memories::add_memories(&mut program, region);
    program
}

/// The shadow stack of both targets (the default memory's data is all
/// declared by now), widened by 128 bytes below and 16 above: a wild start
/// of a 64-byte range may be 16 bytes past its pointer, or 1 byte before it
/// (`+ 0xffff_ffff` wraps on wasm32).
fn stack_bounds(m: &Module) -> std::ops::Range<u64> {
    let stack = |target| {
        let layout = memory::Layout::new(m, target).expect("the generator's data fits in memory");
        layout.stack_base..layout.stack_top
    };
    let (narrow, wide) = (stack(Target::Wasm32), stack(Target::Wasm64));
    let low = narrow.start.min(wide.start) - 128;
    let high = narrow.end.max(wide.end) + 16;
    low..high
}

fn budget_global(m: &mut Module, name: &str) -> GlobalId {
    m.add_global(Global {
        name: name.into(),
        ty: Type::I32,
        mutable: true,
        init: GlobalInit::Const(Const::I32(0)),
        span: Span::NONE,
    })
}

/// A random signature: up to 4 parameters, mostly one result, up to 3.
fn signature(rng: &mut Rng) -> Signature {
    let params = values::types(rng, 4);
    let results = (0..rng.weighted(&[15, 55, 20, 10]))
        .map(|_| any_type(rng))
        .collect();
    Signature { params, results }
}

/// Adds `1..=max` functions named `<prefix>0`, ... with random signatures;
/// their parameter values are created now, their bodies later.
fn declare(
    rng: &mut Rng,
    m: &mut Module,
    prefix: &str,
    max: usize,
    linkage: Linkage,
) -> Vec<Callee> {
    let n = rng.range(1, max.max(1) as u64);
    (0..n)
        .map(|i| {
            let sig = signature(rng);
            let mut f = Function::new(format!("{prefix}{i}"), sig.clone(), linkage.clone());
            for (index, &ty) in sig.params.iter().enumerate() {
                let v = f.new_value(ty, format!("p{index}"), ValueDef::Param(index as u32));
                f.params.push(v);
            }
            Callee {
                id: m.add_function(f),
                sig,
            }
        })
        .collect()
}

/// The data region: random scalars, bytes, zeros and pointers (to itself
/// and to functions), at least [`REGION_SIZE`] bytes on both targets.
fn region_data(rng: &mut Rng, id: DataId, funcs: &[Callee]) -> Data {
    let mut items = Vec::new();
    // Sizes with 4-byte pointers: the smaller of the two targets.
    let mut size = 0u64;
    while size < REGION_SIZE {
        let (item, bytes) = region_item(rng, id, funcs);
        items.push(item);
        size += bytes;
    }
    items.push(DataItem::Zero(8));
    Data {
        name: "region".into(),
        align: 16,
        readonly: false,
        items,
        span: Span::NONE,
    }
}

fn region_item(rng: &mut Rng, id: DataId, funcs: &[Callee]) -> (DataItem, u64) {
    let scalar = |s| DataItem::Scalar(s);
    match rng.below(11) {
        10 => (DataItem::Ptr(values::int_bits(rng, 32)), 4),
        0 => (scalar(DataScalar::I8(rng.next_u64() as u8)), 1),
        1 => (scalar(DataScalar::I16(rng.next_u64() as u16)), 2),
        2 => (scalar(DataScalar::I32(values::int_bits(rng, 32) as u32)), 4),
        3 => (scalar(DataScalar::I64(values::int_bits(rng, 64))), 8),
        4 => (
            scalar(DataScalar::F32(values::float_bits(rng, Type::F32) as u32)),
            4,
        ),
        5 => (
            scalar(DataScalar::F64(values::float_bits(rng, Type::F64))),
            8,
        ),
        6 => {
            let n = rng.range(1, 8) as usize;
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            (DataItem::Bytes(bytes), n as u64)
        }
        7 => {
            let n = rng.range(1, 16);
            (DataItem::Zero(n), n)
        }
        8 => (DataItem::DataAddr(id, rng.below(REGION_SIZE)), 4),
        _ => match rng.pick(funcs) {
            Some(f) => (DataItem::FuncAddr(f.id), 4),
            None => (DataItem::Zero(4), 4),
        },
    }
}

/// Data definitions that each hold one function pointer, for
/// `call_indirect` through a pointer loaded from memory.
fn pointer_data(rng: &mut Rng, m: &mut Module, funcs: &[Callee]) -> Vec<(DataId, usize)> {
    (0..rng.below(3))
        .map(|i| {
            let callee = rng.index(funcs.len());
            let id = m.add_data(Data {
                name: format!("fp{i}"),
                align: *rng.pick(&[1, 4, 8]).unwrap_or(&8),
                readonly: false,
                items: vec![DataItem::FuncAddr(funcs[callee].id)],
                span: Span::NONE,
            });
            (id, callee)
        })
        .collect()
}

/// In most programs, one to three read-only definitions (`data @k0 const`):
/// an array of one scalar type, or bytes, of 1 to 256 bytes, now and then
/// followed by a pointer-sized item (`fold-const-loads` knows only the
/// bytes before it). The memory map places them before the region.
fn const_data(rng: &mut Rng, m: &mut Module, region: DataId, funcs: &[Callee]) -> Vec<ConstData> {
    if rng.percent(35) {
        return Vec::new();
    }
    (0..rng.range(1, 3))
        .map(|i| {
            let (mut items, mut size) = const_items(rng);
            if rng.percent(15) {
                items.push(match rng.below(3) {
                    0 => DataItem::Ptr(values::int_bits(rng, 32)),
                    1 => DataItem::DataAddr(region, rng.below(REGION_SIZE)),
                    _ => DataItem::FuncAddr(funcs[rng.index(funcs.len())].id),
                });
                // Its size on wasm32, the smaller target.
                size += 4;
            }
            let id = m.add_data(Data {
                name: format!("k{i}"),
                align: *rng.pick(&[1, 2, 4, 8, 16]).unwrap_or(&8),
                readonly: true,
                items,
                span: Span::NONE,
            });
            ConstData { id, size }
        })
        .collect()
}

/// The scalars of a read-only definition, all of one type, and their bytes.
fn const_items(rng: &mut Rng) -> (Vec<DataItem>, u64) {
    let width = [1, 2, 4, 8, 4, 8, 0][rng.index(7)];
    let count = match rng.percent(70) {
        true => rng.range(1, 16),
        false => rng.range(17, 256 / width.max(1)),
    };
    if width == 0 {
        let bytes = (0..count).map(|_| rng.next_u64() as u8).collect();
        return (vec![DataItem::Bytes(bytes)], count);
    }
    let float = rng.percent(30) && width >= 4;
    let items = (0..count)
        .map(|_| {
            DataItem::Scalar(match (width, float) {
                (1, _) => DataScalar::I8(values::int_bits(rng, 32) as u8),
                (2, _) => DataScalar::I16(values::int_bits(rng, 32) as u16),
                (4, false) => DataScalar::I32(values::int_bits(rng, 32) as u32),
                (4, true) => DataScalar::F32(values::float_bits(rng, Type::F32) as u32),
                (_, false) => DataScalar::I64(values::int_bits(rng, 64)),
                (_, true) => DataScalar::F64(values::float_bits(rng, Type::F64)),
            })
        })
        .collect();
    (items, count * width)
}

/// 1 to 6 globals: plain ones of any type, mutable or not, and immutable
/// pointers into the region or to functions.
fn user_globals(
    rng: &mut Rng,
    m: &mut Module,
    region: DataId,
    funcs: &[Callee],
) -> Vec<GlobalInfo> {
    (0..rng.range(1, 6))
        .map(|i| {
            let kind = match rng.below(8) {
                0 => GlobalKind::RegionAddr(rng.below(REGION_SIZE / 2)),
                1 => GlobalKind::FuncPtr(rng.index(funcs.len())),
                _ => GlobalKind::Plain,
            };
            let (ty, mutable, init) = match kind {
                GlobalKind::RegionAddr(offset) => {
                    (Type::Ptr, false, GlobalInit::DataAddr(region, offset))
                }
                GlobalKind::FuncPtr(f) => (Type::Ptr, false, GlobalInit::FuncAddr(funcs[f].id)),
                GlobalKind::Plain => {
                    let ty = any_type(rng);
                    (ty, rng.percent(70), GlobalInit::Const(constant(rng, ty)))
                }
            };
            let id = m.add_global(Global {
                name: format!("g{i}"),
                ty,
                mutable,
                init,
                span: Span::NONE,
            });
            // `pub` only matters to the linker; the text must keep it.
            if rng.percent(20) {
                m.set_global_vis(id, Visibility::Public);
            }
            GlobalInfo {
                id,
                ty,
                mutable,
                kind,
            }
        })
        .collect()
}

/// The calls: each entry 1 to 3 times with random arguments, shuffled, and
/// `state()` after each, so that a difference in memory or globals shows at
/// the call that made it.
fn calls_of(seed: u64, entries: &[Callee], m: &Module) -> Vec<Call> {
    let mut rng = Rng::fork(seed, 1);
    let mut calls = Vec::new();
    for e in entries {
        for _ in 0..rng.range(1, 3) {
            let args = e
                .sig
                .params
                .iter()
                .map(|&ty| Arg {
                    ty,
                    bits: arg_bits(&mut rng, ty),
                })
                .collect();
            calls.push(Call {
                func: m.func(e.id).name.clone(),
                args,
            });
        }
    }
    rng.shuffle(&mut calls);
    let state = Call {
        func: "state".into(),
        args: vec![],
    };
    calls.into_iter().flat_map(|c| [c, state.clone()]).collect()
}

/// `pub fn @state() -> i64`: a hash of the region, of every global, of the
/// memory size and of the last 64 bytes of memory.
fn state_function(m: &mut Module, region: DataId) {
    let sig = Signature {
        params: vec![],
        results: vec![Type::I64],
    };
    let globals: Vec<(GlobalId, Type)> = m
        .globals
        .iter()
        .enumerate()
        .map(|(i, g)| (GlobalId(i as u32), g.ty))
        .collect();
    let id = m.add_function(Function::new("state", sig, Linkage::Public));
    let mut b = FunctionBuilder::new(m, id);
    let entry = b.create_block("entry");
    let head = b.create_block("loop");
    let i = b.block_param(head, "i", Type::Ptr);
    let h = b.block_param(head, "h", Type::I64);
    let done = b.create_block("done");
    let hd = b.block_param(done, "h", Type::I64);

    b.switch_to_block(entry);
    let zero = b.iconst(Type::Ptr, 0);
    let seed = b.iconst(Type::I64, 0x9e37_79b9_7f4a_7c15u64 as i64);
    b.jump(head, &[zero, seed]);

    b.switch_to_block(head);
    let base = b.ins(Op::DataAddr(region))[0];
    let at = b.binary(BinaryOp::Add, Type::Ptr, base, i);
    let word = b.load(i64_access(), at, 0);
    let h1 = mix(&mut b, h, word);
    let eight = b.iconst(Type::Ptr, 8);
    let next = b.binary(BinaryOp::Add, Type::Ptr, i, eight);
    let end = b.iconst(Type::Ptr, REGION_SIZE as i64);
    let more = b.compare(CmpOp::LtU, Type::Ptr, next, end);
    b.brif(
        more,
        Edge::new(head, vec![next, h1]),
        Edge::new(done, vec![h1]),
    );

    b.switch_to_block(done);
    let mut h = hd;
    for (g, ty) in globals {
        let v = b.global_get(g);
        let wide = to_i64(&mut b, v, ty);
        h = mix(&mut b, h, wide);
    }
    let pages = b.ins(Op::MemorySize(crate::ir::MemId::DEFAULT))[0];
    let wide = to_i64(&mut b, pages, Type::Ptr);
    h = mix(&mut b, h, wide);
    let page = b.iconst(Type::Ptr, 65536);
    let bytes = b.binary(BinaryOp::Mul, Type::Ptr, pages, page);
    let back = b.iconst(Type::Ptr, 64);
    let tail = b.binary(BinaryOp::Sub, Type::Ptr, bytes, back);
    for k in 0..8 {
        let word = b.load(i64_access(), tail, 8 * k);
        h = mix(&mut b, h, word);
    }
    b.ret(&[h]);
}

fn i64_access() -> MemAccess {
    MemAccess {
        ty: Type::I64,
        narrow: None,
    }
}

/// `(h rotl 5 ^ x) * FNV prime`.
fn mix(
    b: &mut FunctionBuilder,
    h: crate::ir::ValueId,
    x: crate::ir::ValueId,
) -> crate::ir::ValueId {
    let five = b.iconst(Type::I64, 5);
    let r = b.binary(BinaryOp::Rotl, Type::I64, h, five);
    let t = b.binary(BinaryOp::Xor, Type::I64, r, x);
    let prime = b.iconst(Type::I64, 0x100_0000_01b3);
    b.binary(BinaryOp::Mul, Type::I64, t, prime)
}

/// The bits of a value as an i64 (floats are exact here: stores of floats
/// and `global.set` never write a NaN of unknown payload).
fn to_i64(b: &mut FunctionBuilder, v: crate::ir::ValueId, ty: Type) -> crate::ir::ValueId {
    let conv = |kind, from, to| ConvOp { kind, from, to };
    match ty {
        Type::I64 => v,
        Type::I32 => b.convert(conv(ConvKind::ExtendU, Type::I32, Type::I64), v),
        Type::Ptr => b.convert(conv(ConvKind::ExtendU, Type::Ptr, Type::I64), v),
        Type::F64 => b.convert(conv(ConvKind::Reinterpret, Type::F64, Type::I64), v),
        Type::F32 => {
            let bits = b.convert(conv(ConvKind::Reinterpret, Type::F32, Type::I32), v);
            b.convert(conv(ConvKind::ExtendU, Type::I32, Type::I64), bits)
        }
    }
}
