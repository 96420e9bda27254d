//! The direct encoding of the WAT AST's atomic instructions
//! ([`AtomicKind`]), one `wasm_encoder` method each; a test in
//! `encode/ops.rs` checks every one against the assembled text.

use crate::ir::RmwOp;
use crate::wat::{AtomicKind, AtomicWidth};
use wasm_encoder::{InstructionSink, MemArg};

pub(super) fn atomic<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    kind: AtomicKind,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match kind {
        AtomicKind::Notify => sink.memory_atomic_notify(arg),
        AtomicKind::Wait32 => sink.memory_atomic_wait32(arg),
        AtomicKind::Wait64 => sink.memory_atomic_wait64(arg),
        AtomicKind::Load(w) => load(sink, w, arg),
        AtomicKind::Store(w) => store(sink, w, arg),
        AtomicKind::Rmw(op, w) => rmw(sink, op, w, arg),
        AtomicKind::Cmpxchg(w) => cmpxchg(sink, w, arg),
    }
}

fn load<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    w: AtomicWidth,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match w {
        AtomicWidth::I32 => sink.i32_atomic_load(arg),
        AtomicWidth::I64 => sink.i64_atomic_load(arg),
        AtomicWidth::I32_8 => sink.i32_atomic_load8_u(arg),
        AtomicWidth::I32_16 => sink.i32_atomic_load16_u(arg),
        AtomicWidth::I64_8 => sink.i64_atomic_load8_u(arg),
        AtomicWidth::I64_16 => sink.i64_atomic_load16_u(arg),
        AtomicWidth::I64_32 => sink.i64_atomic_load32_u(arg),
    }
}

fn store<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    w: AtomicWidth,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match w {
        AtomicWidth::I32 => sink.i32_atomic_store(arg),
        AtomicWidth::I64 => sink.i64_atomic_store(arg),
        AtomicWidth::I32_8 => sink.i32_atomic_store8(arg),
        AtomicWidth::I32_16 => sink.i32_atomic_store16(arg),
        AtomicWidth::I64_8 => sink.i64_atomic_store8(arg),
        AtomicWidth::I64_16 => sink.i64_atomic_store16(arg),
        AtomicWidth::I64_32 => sink.i64_atomic_store32(arg),
    }
}

fn cmpxchg<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    w: AtomicWidth,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match w {
        AtomicWidth::I32 => sink.i32_atomic_rmw_cmpxchg(arg),
        AtomicWidth::I64 => sink.i64_atomic_rmw_cmpxchg(arg),
        AtomicWidth::I32_8 => sink.i32_atomic_rmw8_cmpxchg_u(arg),
        AtomicWidth::I32_16 => sink.i32_atomic_rmw16_cmpxchg_u(arg),
        AtomicWidth::I64_8 => sink.i64_atomic_rmw8_cmpxchg_u(arg),
        AtomicWidth::I64_16 => sink.i64_atomic_rmw16_cmpxchg_u(arg),
        AtomicWidth::I64_32 => sink.i64_atomic_rmw32_cmpxchg_u(arg),
    }
}

fn rmw<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    op: RmwOp,
    w: AtomicWidth,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match op {
        RmwOp::Add => rmw_add(sink, w, arg),
        RmwOp::Sub => rmw_sub(sink, w, arg),
        RmwOp::And => rmw_and(sink, w, arg),
        RmwOp::Or => rmw_or(sink, w, arg),
        RmwOp::Xor => rmw_xor(sink, w, arg),
        RmwOp::Xchg => rmw_xchg(sink, w, arg),
    }
}

fn rmw_add<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    w: AtomicWidth,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match w {
        AtomicWidth::I32 => sink.i32_atomic_rmw_add(arg),
        AtomicWidth::I64 => sink.i64_atomic_rmw_add(arg),
        AtomicWidth::I32_8 => sink.i32_atomic_rmw8_add_u(arg),
        AtomicWidth::I32_16 => sink.i32_atomic_rmw16_add_u(arg),
        AtomicWidth::I64_8 => sink.i64_atomic_rmw8_add_u(arg),
        AtomicWidth::I64_16 => sink.i64_atomic_rmw16_add_u(arg),
        AtomicWidth::I64_32 => sink.i64_atomic_rmw32_add_u(arg),
    }
}

fn rmw_sub<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    w: AtomicWidth,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match w {
        AtomicWidth::I32 => sink.i32_atomic_rmw_sub(arg),
        AtomicWidth::I64 => sink.i64_atomic_rmw_sub(arg),
        AtomicWidth::I32_8 => sink.i32_atomic_rmw8_sub_u(arg),
        AtomicWidth::I32_16 => sink.i32_atomic_rmw16_sub_u(arg),
        AtomicWidth::I64_8 => sink.i64_atomic_rmw8_sub_u(arg),
        AtomicWidth::I64_16 => sink.i64_atomic_rmw16_sub_u(arg),
        AtomicWidth::I64_32 => sink.i64_atomic_rmw32_sub_u(arg),
    }
}

fn rmw_and<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    w: AtomicWidth,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match w {
        AtomicWidth::I32 => sink.i32_atomic_rmw_and(arg),
        AtomicWidth::I64 => sink.i64_atomic_rmw_and(arg),
        AtomicWidth::I32_8 => sink.i32_atomic_rmw8_and_u(arg),
        AtomicWidth::I32_16 => sink.i32_atomic_rmw16_and_u(arg),
        AtomicWidth::I64_8 => sink.i64_atomic_rmw8_and_u(arg),
        AtomicWidth::I64_16 => sink.i64_atomic_rmw16_and_u(arg),
        AtomicWidth::I64_32 => sink.i64_atomic_rmw32_and_u(arg),
    }
}

fn rmw_or<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    w: AtomicWidth,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match w {
        AtomicWidth::I32 => sink.i32_atomic_rmw_or(arg),
        AtomicWidth::I64 => sink.i64_atomic_rmw_or(arg),
        AtomicWidth::I32_8 => sink.i32_atomic_rmw8_or_u(arg),
        AtomicWidth::I32_16 => sink.i32_atomic_rmw16_or_u(arg),
        AtomicWidth::I64_8 => sink.i64_atomic_rmw8_or_u(arg),
        AtomicWidth::I64_16 => sink.i64_atomic_rmw16_or_u(arg),
        AtomicWidth::I64_32 => sink.i64_atomic_rmw32_or_u(arg),
    }
}

fn rmw_xor<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    w: AtomicWidth,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match w {
        AtomicWidth::I32 => sink.i32_atomic_rmw_xor(arg),
        AtomicWidth::I64 => sink.i64_atomic_rmw_xor(arg),
        AtomicWidth::I32_8 => sink.i32_atomic_rmw8_xor_u(arg),
        AtomicWidth::I32_16 => sink.i32_atomic_rmw16_xor_u(arg),
        AtomicWidth::I64_8 => sink.i64_atomic_rmw8_xor_u(arg),
        AtomicWidth::I64_16 => sink.i64_atomic_rmw16_xor_u(arg),
        AtomicWidth::I64_32 => sink.i64_atomic_rmw32_xor_u(arg),
    }
}

fn rmw_xchg<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    w: AtomicWidth,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match w {
        AtomicWidth::I32 => sink.i32_atomic_rmw_xchg(arg),
        AtomicWidth::I64 => sink.i64_atomic_rmw_xchg(arg),
        AtomicWidth::I32_8 => sink.i32_atomic_rmw8_xchg_u(arg),
        AtomicWidth::I32_16 => sink.i32_atomic_rmw16_xchg_u(arg),
        AtomicWidth::I64_8 => sink.i64_atomic_rmw8_xchg_u(arg),
        AtomicWidth::I64_16 => sink.i64_atomic_rmw16_xchg_u(arg),
        AtomicWidth::I64_32 => sink.i64_atomic_rmw32_xchg_u(arg),
    }
}
