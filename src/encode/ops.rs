//! The typed numeric, load and store instructions of the WAT AST
//! ([`wat::ops`](crate::wat::ops)) mapped to `wasm-encoder`'s instruction
//! sink.
//!
//! Every match here is exhaustive over operators that exist on every type
//! they are given, so every instruction the AST can hold has its encoding.
//! The tables are checked against the `wast` assembler in this module's
//! tests: each instruction must encode to the bytes that the text of its
//! [`mnemonic`](crate::wat::Instr::mnemonic) assembles to.

use crate::wat::{
    Conversion, FloatBinOp, FloatCmpOp, FloatType, FloatUnOp, IntBinOp, IntCmpOp, IntType, IntUnOp,
    LoadKind, SignExtend, StoreKind, ValType,
};
use wasm_encoder::{InstructionSink, MemArg};

/// Writes `ty.op` for an operator that both types of a family have: each
/// row names the operator and the sink's methods for the two types.
macro_rules! by_type {
    ($sink:ident, $ty:expr, $op:expr, $Ty:ident($a:ident, $b:ident), $Op:ident {
        $($variant:ident => $ma:ident $mb:ident,)*
    }) => {
        match ($ty, $op) {
            $(
                ($Ty::$a, $Op::$variant) => $sink.$ma(),
                ($Ty::$b, $Op::$variant) => $sink.$mb(),
            )*
        }
    }
}

pub(super) fn int_unary<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    ty: IntType,
    op: IntUnOp,
) -> &'s mut InstructionSink<'b> {
    by_type!(sink, ty, op, IntType(I32, I64), IntUnOp {
        Clz => i32_clz i64_clz, Ctz => i32_ctz i64_ctz, Popcnt => i32_popcnt i64_popcnt,
        Eqz => i32_eqz i64_eqz,
    })
}

pub(super) fn float_unary<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    ty: FloatType,
    op: FloatUnOp,
) -> &'s mut InstructionSink<'b> {
    by_type!(sink, ty, op, FloatType(F32, F64), FloatUnOp {
        Abs => f32_abs f64_abs, Neg => f32_neg f64_neg, Ceil => f32_ceil f64_ceil,
        Floor => f32_floor f64_floor, Trunc => f32_trunc f64_trunc,
        Nearest => f32_nearest f64_nearest, Sqrt => f32_sqrt f64_sqrt,
    })
}

pub(super) fn int_binary<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    ty: IntType,
    op: IntBinOp,
) -> &'s mut InstructionSink<'b> {
    by_type!(sink, ty, op, IntType(I32, I64), IntBinOp {
        Add => i32_add i64_add, Sub => i32_sub i64_sub, Mul => i32_mul i64_mul,
        DivS => i32_div_s i64_div_s, DivU => i32_div_u i64_div_u,
        RemS => i32_rem_s i64_rem_s, RemU => i32_rem_u i64_rem_u,
        And => i32_and i64_and, Or => i32_or i64_or, Xor => i32_xor i64_xor,
        Shl => i32_shl i64_shl, ShrS => i32_shr_s i64_shr_s, ShrU => i32_shr_u i64_shr_u,
        Rotl => i32_rotl i64_rotl, Rotr => i32_rotr i64_rotr,
    })
}

pub(super) fn float_binary<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    ty: FloatType,
    op: FloatBinOp,
) -> &'s mut InstructionSink<'b> {
    by_type!(sink, ty, op, FloatType(F32, F64), FloatBinOp {
        Add => f32_add f64_add, Sub => f32_sub f64_sub, Mul => f32_mul f64_mul,
        Div => f32_div f64_div, Min => f32_min f64_min, Max => f32_max f64_max,
        Copysign => f32_copysign f64_copysign,
    })
}

pub(super) fn int_compare<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    ty: IntType,
    op: IntCmpOp,
) -> &'s mut InstructionSink<'b> {
    by_type!(sink, ty, op, IntType(I32, I64), IntCmpOp {
        Eq => i32_eq i64_eq, Ne => i32_ne i64_ne,
        LtS => i32_lt_s i64_lt_s, LtU => i32_lt_u i64_lt_u,
        GtS => i32_gt_s i64_gt_s, GtU => i32_gt_u i64_gt_u,
        LeS => i32_le_s i64_le_s, LeU => i32_le_u i64_le_u,
        GeS => i32_ge_s i64_ge_s, GeU => i32_ge_u i64_ge_u,
    })
}

pub(super) fn float_compare<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    ty: FloatType,
    op: FloatCmpOp,
) -> &'s mut InstructionSink<'b> {
    by_type!(sink, ty, op, FloatType(F32, F64), FloatCmpOp {
        Eq => f32_eq f64_eq, Ne => f32_ne f64_ne, Lt => f32_lt f64_lt, Gt => f32_gt f64_gt,
        Le => f32_le f64_le, Ge => f32_ge f64_ge,
    })
}

pub(super) fn convert<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    conversion: Conversion,
) -> &'s mut InstructionSink<'b> {
    use FloatType::{F32, F64};
    use IntType::{I32, I64};
    match conversion {
        Conversion::Wrap => sink.i32_wrap_i64(),
        Conversion::Extend { signed: true } => sink.i64_extend_i32_s(),
        Conversion::Extend { signed: false } => sink.i64_extend_i32_u(),
        Conversion::SignExtend(low) => match low {
            SignExtend::I32From8 => sink.i32_extend8_s(),
            SignExtend::I32From16 => sink.i32_extend16_s(),
            SignExtend::I64From8 => sink.i64_extend8_s(),
            SignExtend::I64From16 => sink.i64_extend16_s(),
            SignExtend::I64From32 => sink.i64_extend32_s(),
        },
        Conversion::Trunc {
            to,
            from,
            signed,
            saturating: false,
        } => match (to, from, signed) {
            (I32, F32, true) => sink.i32_trunc_f32_s(),
            (I32, F32, false) => sink.i32_trunc_f32_u(),
            (I32, F64, true) => sink.i32_trunc_f64_s(),
            (I32, F64, false) => sink.i32_trunc_f64_u(),
            (I64, F32, true) => sink.i64_trunc_f32_s(),
            (I64, F32, false) => sink.i64_trunc_f32_u(),
            (I64, F64, true) => sink.i64_trunc_f64_s(),
            (I64, F64, false) => sink.i64_trunc_f64_u(),
        },
        Conversion::Trunc {
            to,
            from,
            signed,
            saturating: true,
        } => match (to, from, signed) {
            (I32, F32, true) => sink.i32_trunc_sat_f32_s(),
            (I32, F32, false) => sink.i32_trunc_sat_f32_u(),
            (I32, F64, true) => sink.i32_trunc_sat_f64_s(),
            (I32, F64, false) => sink.i32_trunc_sat_f64_u(),
            (I64, F32, true) => sink.i64_trunc_sat_f32_s(),
            (I64, F32, false) => sink.i64_trunc_sat_f32_u(),
            (I64, F64, true) => sink.i64_trunc_sat_f64_s(),
            (I64, F64, false) => sink.i64_trunc_sat_f64_u(),
        },
        Conversion::Convert { to, from, signed } => match (to, from, signed) {
            (F32, I32, true) => sink.f32_convert_i32_s(),
            (F32, I32, false) => sink.f32_convert_i32_u(),
            (F32, I64, true) => sink.f32_convert_i64_s(),
            (F32, I64, false) => sink.f32_convert_i64_u(),
            (F64, I32, true) => sink.f64_convert_i32_s(),
            (F64, I32, false) => sink.f64_convert_i32_u(),
            (F64, I64, true) => sink.f64_convert_i64_s(),
            (F64, I64, false) => sink.f64_convert_i64_u(),
        },
        Conversion::Demote => sink.f32_demote_f64(),
        Conversion::Promote => sink.f64_promote_f32(),
        Conversion::Reinterpret { to } => match to {
            ValType::I32 => sink.i32_reinterpret_f32(),
            ValType::I64 => sink.i64_reinterpret_f64(),
            ValType::F32 => sink.f32_reinterpret_i32(),
            ValType::F64 => sink.f64_reinterpret_i64(),
        },
    }
}

pub(super) fn load<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    kind: LoadKind,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match kind {
        LoadKind::I32 => sink.i32_load(arg),
        LoadKind::I64 => sink.i64_load(arg),
        LoadKind::F32 => sink.f32_load(arg),
        LoadKind::F64 => sink.f64_load(arg),
        LoadKind::I32_8S => sink.i32_load8_s(arg),
        LoadKind::I32_8U => sink.i32_load8_u(arg),
        LoadKind::I32_16S => sink.i32_load16_s(arg),
        LoadKind::I32_16U => sink.i32_load16_u(arg),
        LoadKind::I64_8S => sink.i64_load8_s(arg),
        LoadKind::I64_8U => sink.i64_load8_u(arg),
        LoadKind::I64_16S => sink.i64_load16_s(arg),
        LoadKind::I64_16U => sink.i64_load16_u(arg),
        LoadKind::I64_32S => sink.i64_load32_s(arg),
        LoadKind::I64_32U => sink.i64_load32_u(arg),
    }
}

pub(super) fn store<'s, 'b>(
    sink: &'s mut InstructionSink<'b>,
    kind: StoreKind,
    arg: MemArg,
) -> &'s mut InstructionSink<'b> {
    match kind {
        StoreKind::I32 => sink.i32_store(arg),
        StoreKind::I64 => sink.i64_store(arg),
        StoreKind::F32 => sink.f32_store(arg),
        StoreKind::F64 => sink.f64_store(arg),
        StoreKind::I32_8 => sink.i32_store8(arg),
        StoreKind::I32_16 => sink.i32_store16(arg),
        StoreKind::I64_8 => sink.i64_store8(arg),
        StoreKind::I64_16 => sink.i64_store16(arg),
        StoreKind::I64_32 => sink.i64_store32(arg),
    }
}

#[cfg(test)]
mod tests {
    use crate::wat::{
        self, Align, Conversion, FloatBinOp, FloatCmpOp, FloatType, FloatUnOp, IndexType, Instr,
        IntBinOp, IntCmpOp, IntType, IntUnOp, LoadKind, MemArg, StoreKind,
    };

    /// Every numeric instruction the AST can hold.
    fn numeric() -> Vec<Instr> {
        let mut all = Vec::new();
        for ty in [IntType::I32, IntType::I64] {
            all.extend(IntUnOp::ALL.iter().map(|&op| Instr::IntUnary { ty, op }));
            all.extend(IntBinOp::ALL.iter().map(|&op| Instr::IntBinary { ty, op }));
            all.extend(IntCmpOp::ALL.iter().map(|&op| Instr::IntCompare { ty, op }));
        }
        for ty in [FloatType::F32, FloatType::F64] {
            all.extend(
                FloatUnOp::ALL
                    .iter()
                    .map(|&op| Instr::FloatUnary { ty, op }),
            );
            all.extend(
                FloatBinOp::ALL
                    .iter()
                    .map(|&op| Instr::FloatBinary { ty, op }),
            );
            all.extend(
                FloatCmpOp::ALL
                    .iter()
                    .map(|&op| Instr::FloatCompare { ty, op }),
            );
        }
        all.extend(Conversion::all().into_iter().map(Instr::Convert));
        all
    }

    /// Every load and store, with `memarg`.
    fn accesses(memarg: &MemArg) -> Vec<Instr> {
        let loads = LoadKind::ALL.iter().map(|&kind| Instr::Load {
            kind,
            memarg: memarg.clone(),
        });
        let stores = StoreKind::ALL.iter().map(|&kind| Instr::Store {
            kind,
            memarg: memarg.clone(),
        });
        let atomics = wat::AtomicKind::all()
            .into_iter()
            .map(|kind| Instr::Atomic {
                kind,
                memarg: MemArg {
                    align: None,
                    ..memarg.clone()
                },
            });
        loads.chain(stores).chain(atomics).collect()
    }

    /// A module of two memories whose one function's body is `instr`.
    fn module(instr: Instr) -> wat::Module {
        let memory = |id: &str| wat::Memory {
            id: id.into(),
            index_type: IndexType::I32,
            min: 1,
            max: None,
            shared: false,
        };
        wat::Module {
            memories: vec![memory("main"), memory("second")],
            funcs: vec![wat::Func {
                id: "f".into(),
                ty: wat::TypeUse::default(),
                locals: vec![],
                body: vec![instr],
                comment: None,
                def: None,
                vars: Vec::new(),
            }],
            ..wat::Module::default()
        }
    }

    /// Each instruction encodes to the bytes its printed text assembles to,
    /// so the mnemonics and the encoder's tables agree entry by entry.
    #[test]
    fn every_typed_instruction_encodes_as_its_text_assembles() {
        let memargs = [
            MemArg::at(0),
            MemArg {
                memory: None,
                offset: 300,
                align: Some(Align::B1),
            },
            MemArg {
                memory: Some("second".into()),
                offset: 1 << 20,
                align: Some(Align::B2),
            },
        ];
        // With the instructions that name nothing, which the sink has
        // methods for one by one too, and `memory.size`, `grow` and `fill`
        // of the second memory.
        let mut all = vec![
            Instr::Return,
            Instr::Unreachable,
            Instr::Nop,
            Instr::Drop,
            Instr::Select,
            Instr::MemorySize(None),
            Instr::MemoryGrow(None),
            Instr::MemoryCopy { memories: None },
            Instr::MemoryFill(None),
            Instr::MemorySize(Some("second".into())),
            Instr::MemoryGrow(Some("second".into())),
            Instr::MemoryFill(Some("second".into())),
            Instr::AtomicFence,
        ];
        all.extend(numeric());
        for memarg in &memargs {
            all.extend(accesses(memarg));
        }
        assert_eq!(
            all.len(),
            13 + 2 * (4 + 15 + 10) + 2 * (7 + 7 + 6) + 38 + 3 * (14 + 9 + 66)
        );
        for instr in all {
            let m = module(instr.clone());
            let text = wat::print_module(&m);
            let assembled = crate::emit::assemble(&text, "op.wat").expect(&text);
            assert_eq!(crate::encode::encode_module(&m), Ok(assembled), "{text}");
        }
    }

    /// No two instructions share a mnemonic.
    #[test]
    fn mnemonics_are_distinct() {
        let mut all: Vec<&str> = numeric().iter().map(Instr::mnemonic).collect();
        all.extend(accesses(&MemArg::at(0)).iter().map(Instr::mnemonic));
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
    }

    /// An alignment equal to the natural one is the default, not printed;
    /// any other is, in bytes.
    #[test]
    fn alignment_is_printed_when_not_natural() {
        let text = |kind, align| {
            let m = module(Instr::Load {
                kind,
                memarg: MemArg {
                    memory: None,
                    offset: 0,
                    align,
                },
            });
            let text = wat::print_module(&m);
            let line = text.lines().find(|l| l.contains(".load")).unwrap();
            line.trim().to_string()
        };
        assert_eq!(text(LoadKind::I64, None), "i64.load");
        assert_eq!(text(LoadKind::I64, Some(Align::B8)), "i64.load");
        assert_eq!(text(LoadKind::I64, Some(Align::B4)), "i64.load align=4");
        assert_eq!(
            text(LoadKind::I32_16U, Some(Align::B1)),
            "i32.load16_u align=1"
        );
        assert_eq!(text(LoadKind::I32_8S, Some(Align::B1)), "i32.load8_s");
    }
}
