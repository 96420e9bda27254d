//! The interpreter against WebAssembly's semantics, one concern a test.

use super::*;
use TrapKind::*;

const W64: Target = Target::Wasm64;
const W32: Target = Target::Wasm32;

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature {
        params: params.to_vec(),
        results: results.to_vec(),
    }
}

/// Adds a function whose entry block is current; `body` builds the rest.
fn add_fn(
    m: &mut Module,
    name: &str,
    params: &[Type],
    results: &[Type],
    body: impl FnOnce(&mut FunctionBuilder, &[ValueId]),
) -> FuncId {
    let f = m.add_function(Function::new(name, Signature::default(), Linkage::Public));
    let mut b = FunctionBuilder::new(m, f);
    let args: Vec<ValueId> = params
        .iter()
        .enumerate()
        .map(|(i, &t)| b.param(&format!("p{i}"), t))
        .collect();
    for &r in results {
        b.result(r);
    }
    let entry = b.create_block("entry");
    b.switch_to_block(entry);
    body(&mut b, &args);
    f
}

fn run(m: &Module, target: Target, name: &str, args: &[Value]) -> Result<Vec<Value>, InterpError> {
    Interpreter::new(m, target)
        .expect("valid module")
        .call(name, args)
}

fn trap_of<T: fmt::Debug>(r: Result<T, InterpError>) -> Trap {
    match r {
        Err(InterpError::Trap(t)) => t,
        other => panic!("expected a trap, got {other:?}"),
    }
}

/// Computes one instruction on the parameters, on a target.
fn eval(
    target: Target,
    params: &[Type],
    result: Type,
    args: &[Value],
    op: impl FnOnce(&[ValueId]) -> Op,
) -> Result<Value, TrapKind> {
    let mut m = Module::default();
    add_fn(&mut m, "f", params, &[result], |b, p| {
        let v = b.ins(op(p))[0];
        b.ret(&[v]);
    });
    match run(&m, target, "f", args) {
        Ok(v) => Ok(v[0]),
        Err(InterpError::Trap(t)) => Err(t.kind),
        Err(e) => panic!("{e}"),
    }
}

fn bin(op: BinaryOp, ty: Type, a: Value, b: Value) -> Result<Value, TrapKind> {
    eval(W64, &[ty, ty], ty, &[a, b], |p| {
        Op::Binary(op, ty, p[0], p[1])
    })
}

fn un(op: UnaryOp, ty: Type, a: Value) -> Result<Value, TrapKind> {
    eval(W64, &[ty], op.result_type(ty), &[a], |p| {
        Op::Unary(op, ty, p[0])
    })
}

fn cmp(op: CmpOp, ty: Type, a: Value, b: Value) -> Value {
    eval(W64, &[ty, ty], Type::I32, &[a, b], |p| {
        Op::Compare(op, ty, p[0], p[1])
    })
    .unwrap()
}

fn conv(target: Target, mnemonic: &str, a: Value) -> Result<Value, TrapKind> {
    let op = ConvOp::from_mnemonic(mnemonic).expect(mnemonic);
    eval(target, &[op.from], op.to, &[a], |p| Op::Convert(op, p[0]))
}

fn i32v(v: i32) -> Value {
    Value::I32(v)
}
fn i64v(v: i64) -> Value {
    Value::I64(v)
}
fn f32v(v: f32) -> Value {
    Value::F32(v.to_bits())
}
fn f64v(v: f64) -> Value {
    Value::F64(v.to_bits())
}

#[test]
fn integer_arithmetic_wraps_and_traps_like_wasm() {
    use BinaryOp::*;
    let (i32t, i64t) = (Type::I32, Type::I64);
    assert_eq!(bin(Add, i32t, i32v(i32::MAX), i32v(1)), Ok(i32v(i32::MIN)));
    assert_eq!(bin(Mul, i64t, i64v(i64::MAX), i64v(2)), Ok(i64v(-2)));
    assert_eq!(
        bin(DivS, i32t, i32v(i32::MIN), i32v(-1)),
        Err(IntegerOverflow)
    );
    assert_eq!(bin(DivS, i32t, i32v(7), i32v(0)), Err(IntegerDivideByZero));
    assert_eq!(bin(DivU, i64t, i64v(7), i64v(0)), Err(IntegerDivideByZero));
    assert_eq!(bin(RemS, i32t, i32v(7), i32v(0)), Err(IntegerDivideByZero));
    assert_eq!(bin(RemU, i32t, i32v(7), i32v(0)), Err(IntegerDivideByZero));
    assert_eq!(bin(RemS, i64t, i64v(i64::MIN), i64v(-1)), Ok(i64v(0)));
    assert_eq!(bin(RemS, i32t, i32v(-7), i32v(2)), Ok(i32v(-1)));
    assert_eq!(bin(DivS, i32t, i32v(-7), i32v(2)), Ok(i32v(-3)));
    assert_eq!(bin(DivU, i32t, i32v(-1), i32v(2)), Ok(i32v(i32::MAX)));
    assert_eq!(bin(RemU, i64t, i64v(-1), i64v(10)), Ok(i64v(5)));
}

#[test]
fn shifts_and_rotates_take_the_count_modulo_the_width() {
    use BinaryOp::*;
    let (i32t, i64t) = (Type::I32, Type::I64);
    assert_eq!(bin(Shl, i32t, i32v(1), i32v(33)), Ok(i32v(2)));
    assert_eq!(bin(Shl, i64t, i64v(1), i64v(65)), Ok(i64v(2)));
    assert_eq!(bin(ShrS, i32t, i32v(-8), i32v(33)), Ok(i32v(-4)));
    assert_eq!(bin(ShrU, i32t, i32v(-8), i32v(1)), Ok(i32v(0x7fff_fffc)));
    assert_eq!(bin(ShrU, i64t, i64v(-1), i64v(-1)), Ok(i64v(1)));
    assert_eq!(
        bin(Rotl, i32t, i32v(0x8000_0001u32 as i32), i32v(33)),
        Ok(i32v(3))
    );
    assert_eq!(bin(Rotr, i64t, i64v(1), i64v(65)), Ok(i64v(i64::MIN)));
    assert_eq!(bin(And, i32t, i32v(0b1100), i32v(0b1010)), Ok(i32v(0b1000)));
    assert_eq!(bin(Xor, i64t, i64v(-1), i64v(1)), Ok(i64v(-2)));
}

#[test]
fn bit_counts_and_eqz() {
    use UnaryOp::*;
    assert_eq!(un(Clz, Type::I32, i32v(0)), Ok(i32v(32)));
    assert_eq!(un(Clz, Type::I64, i64v(1)), Ok(i64v(63)));
    assert_eq!(un(Ctz, Type::I64, i64v(0)), Ok(i64v(64)));
    assert_eq!(un(Ctz, Type::I32, i32v(8)), Ok(i32v(3)));
    assert_eq!(un(Popcnt, Type::I32, i32v(-1)), Ok(i32v(32)));
    assert_eq!(un(Eqz, Type::I64, i64v(0)), Ok(i32v(1)));
    assert_eq!(un(Eqz, Type::I32, i32v(5)), Ok(i32v(0)));
}

#[test]
fn comparisons_distinguish_signedness_and_nan() {
    use CmpOp::*;
    assert_eq!(cmp(LtS, Type::I32, i32v(-1), i32v(0)), i32v(1));
    assert_eq!(cmp(LtU, Type::I32, i32v(-1), i32v(0)), i32v(0));
    assert_eq!(cmp(GeU, Type::I64, i64v(-1), i64v(0)), i32v(1));
    assert_eq!(cmp(GtS, Type::I64, i64v(-1), i64v(0)), i32v(0));
    assert_eq!(cmp(Eq, Type::F64, f64v(f64::NAN), f64v(f64::NAN)), i32v(0));
    assert_eq!(cmp(Ne, Type::F64, f64v(f64::NAN), f64v(f64::NAN)), i32v(1));
    assert_eq!(cmp(Eq, Type::F32, f32v(-0.0), f32v(0.0)), i32v(1));
    assert_eq!(cmp(Lt, Type::F32, f32v(1.0), f32v(f32::NAN)), i32v(0));
    assert_eq!(cmp(Ge, Type::F64, f64v(2.0), f64v(2.0)), i32v(1));
}

#[test]
fn float_min_max_follow_wasm() {
    use BinaryOp::*;
    let f = Type::F64;
    let min = bin(Min, f, f64v(-0.0), f64v(0.0)).unwrap();
    assert_eq!(min, f64v(-0.0));
    assert_eq!(bin(Min, f, f64v(0.0), f64v(-0.0)), Ok(f64v(-0.0)));
    assert_eq!(bin(Max, f, f64v(-0.0), f64v(0.0)), Ok(f64v(0.0)));
    assert_eq!(bin(Max, f, f64v(0.0), f64v(-0.0)), Ok(f64v(0.0)));
    assert_eq!(
        bin(Min, f, f64v(1.0), f64v(f64::NAN)),
        Ok(Value::F64(0x7ff8_0000_0000_0000))
    );
    assert_eq!(
        bin(Max, Type::F32, f32v(f32::NAN), f32v(1.0)),
        Ok(Value::F32(0x7fc0_0000))
    );
    assert_eq!(bin(Max, Type::F32, f32v(-3.0), f32v(2.0)), Ok(f32v(2.0)));
    assert_eq!(bin(Min, Type::F32, f32v(-3.0), f32v(2.0)), Ok(f32v(-3.0)));
}

#[test]
fn float_arithmetic_is_ieee_with_canonical_nans() {
    use BinaryOp::*;
    assert_eq!(
        bin(Div, Type::F64, f64v(1.0), f64v(0.0)),
        Ok(f64v(f64::INFINITY))
    );
    assert_eq!(
        bin(Sub, Type::F64, f64v(f64::INFINITY), f64v(f64::INFINITY)),
        Ok(Value::F64(0x7ff8_0000_0000_0000))
    );
    assert_eq!(
        bin(Add, Type::F32, f32v(0.1), f32v(0.2)),
        Ok(f32v(0.1 + 0.2))
    );
    assert_eq!(
        bin(Mul, Type::F32, Value::F32(0xffc0_1234), f32v(1.0)),
        Ok(Value::F32(0x7fc0_0000))
    );
    assert_eq!(
        bin(Copysign, Type::F64, f64v(3.0), f64v(-0.0)),
        Ok(f64v(-3.0))
    );
    assert_eq!(
        bin(Copysign, Type::F32, Value::F32(0x7fc0_0001), f32v(-1.0)),
        Ok(Value::F32(0xffc0_0001))
    );
}

#[test]
fn float_unary_ops() {
    use UnaryOp::*;
    let f = Type::F64;
    assert_eq!(un(Nearest, f, f64v(2.5)), Ok(f64v(2.0)));
    assert_eq!(un(Nearest, f, f64v(3.5)), Ok(f64v(4.0)));
    assert_eq!(un(Nearest, f, f64v(-0.5)), Ok(f64v(-0.0)));
    assert_eq!(un(Nearest, Type::F32, f32v(-2.5)), Ok(f32v(-2.0)));
    assert_eq!(un(Ceil, f, f64v(-0.5)), Ok(f64v(-0.0)));
    assert_eq!(un(Floor, f, f64v(-0.5)), Ok(f64v(-1.0)));
    assert_eq!(un(Trunc, Type::F32, f32v(-1.7)), Ok(f32v(-1.0)));
    assert_eq!(un(Sqrt, f, f64v(16.0)), Ok(f64v(4.0)));
    assert_eq!(
        un(Sqrt, f, f64v(-1.0)),
        Ok(Value::F64(0x7ff8_0000_0000_0000))
    );
    // abs and neg only touch the sign bit, NaN payloads included.
    assert_eq!(
        un(Abs, Type::F32, Value::F32(0xffc0_0001)),
        Ok(Value::F32(0x7fc0_0001))
    );
    assert_eq!(
        un(Neg, f, Value::F64(0x7ff0_0000_0000_0001)),
        Ok(Value::F64(0xfff0_0000_0000_0001))
    );
    assert_eq!(un(Neg, f, f64v(0.0)), Ok(f64v(-0.0)));
}

#[test]
fn trapping_truncation_has_exact_bounds() {
    let t = |m, v| conv(W64, m, v);
    assert_eq!(t("i32.trunc_f64_s", f64v(2147483647.9)), Ok(i32v(i32::MAX)));
    assert_eq!(
        t("i32.trunc_f64_s", f64v(2147483648.0)),
        Err(IntegerOverflow)
    );
    assert_eq!(
        t("i32.trunc_f64_s", f64v(-2147483648.9)),
        Ok(i32v(i32::MIN))
    );
    assert_eq!(
        t("i32.trunc_f64_s", f64v(-2147483649.0)),
        Err(IntegerOverflow)
    );
    assert_eq!(t("i32.trunc_f64_s", f64v(f64::NAN)), Err(InvalidConversion));
    assert_eq!(
        t("i32.trunc_f32_s", f32v(-2147483648.0)),
        Ok(i32v(i32::MIN))
    );
    assert_eq!(
        t("i32.trunc_f32_s", f32v(2147483648.0)),
        Err(IntegerOverflow)
    );
    assert_eq!(t("i32.trunc_f32_u", f32v(-0.9)), Ok(i32v(0)));
    assert_eq!(t("i32.trunc_f32_u", f32v(-1.0)), Err(IntegerOverflow));
    assert_eq!(t("i32.trunc_f64_u", f64v(4294967295.9)), Ok(i32v(-1)));
    assert_eq!(
        t("i32.trunc_f64_u", f64v(4294967296.0)),
        Err(IntegerOverflow)
    );
    assert_eq!(
        t("i64.trunc_f64_s", f64v(-9223372036854775808.0)),
        Ok(i64v(i64::MIN))
    );
    assert_eq!(
        t("i64.trunc_f64_s", f64v(9223372036854775808.0)),
        Err(IntegerOverflow)
    );
    assert_eq!(
        t("i64.trunc_f32_u", f32v(18446742974197923840.0)),
        Ok(i64v(-1099511627776))
    );
    assert_eq!(
        t("i64.trunc_f64_u", f64v(18446744073709551616.0)),
        Err(IntegerOverflow)
    );
    assert_eq!(
        t("i64.trunc_f64_u", f64v(f64::INFINITY)),
        Err(IntegerOverflow)
    );
    assert_eq!(t("i64.trunc_f32_s", f32v(f32::NAN)), Err(InvalidConversion));
}

#[test]
fn saturating_truncation() {
    let t = |m, v| conv(W64, m, v).unwrap();
    assert_eq!(t("i32.trunc_sat_f64_s", f64v(f64::NAN)), i32v(0));
    assert_eq!(t("i32.trunc_sat_f64_s", f64v(1e10)), i32v(i32::MAX));
    assert_eq!(t("i32.trunc_sat_f32_s", f32v(-1e10)), i32v(i32::MIN));
    assert_eq!(t("i32.trunc_sat_f32_u", f32v(-5.0)), i32v(0));
    assert_eq!(t("i32.trunc_sat_f64_u", f64v(1e10)), i32v(-1));
    assert_eq!(t("i64.trunc_sat_f64_u", f64v(f64::INFINITY)), i64v(-1));
    assert_eq!(
        t("i64.trunc_sat_f32_s", f32v(f32::NEG_INFINITY)),
        i64v(i64::MIN)
    );
    assert_eq!(t("i64.trunc_sat_f64_s", f64v(-3.9)), i64v(-3));
}

#[test]
fn integer_conversions() {
    let t = |m, v| conv(W64, m, v).unwrap();
    assert_eq!(t("i64.extend_i32_s", i32v(-1)), i64v(-1));
    assert_eq!(t("i64.extend_i32_u", i32v(-1)), i64v(0xffff_ffff));
    assert_eq!(t("i32.wrap_i64", i64v(0x1_2345_6789)), i32v(0x2345_6789));
    assert_eq!(t("i32.extend8_s", i32v(0x80)), i32v(-128));
    assert_eq!(t("i32.extend16_s", i32v(0x1_7fff)), i32v(0x7fff));
    assert_eq!(t("i64.extend8_s", i64v(0xff)), i64v(-1));
    assert_eq!(t("i64.extend32_s", i64v(0x8000_0000)), i64v(-0x8000_0000));
}

#[test]
fn float_conversions() {
    let t = |m, v| conv(W64, m, v).unwrap();
    assert_eq!(
        t("f32.convert_i64_u", i64v(-1)),
        f32v(18446744073709551615u64 as f32)
    );
    assert_eq!(t("f64.convert_i32_u", i32v(-1)), f64v(4294967295.0));
    assert_eq!(t("f64.convert_i32_s", i32v(-1)), f64v(-1.0));
    // Rounded once, to nearest even: 2^53 + 1 is not representable.
    assert_eq!(
        t("f64.convert_i64_s", i64v((1 << 53) + 1)),
        f64v(9007199254740992.0)
    );
    assert_eq!(t("f32.convert_i64_s", i64v(16777217)), f32v(16777216.0));
    assert_eq!(t("f32.demote_f64", f64v(1e300)), f32v(f32::INFINITY));
    assert_eq!(t("f32.demote_f64", f64v(0.1)), f32v(0.1));
    assert_eq!(t("f64.promote_f32", f32v(1.5)), f64v(1.5));
    assert_eq!(t("i32.reinterpret_f32", f32v(-0.0)), i32v(i32::MIN));
    assert_eq!(
        t("f64.reinterpret_i64", i64v(0x7ff8_0000_0000_0001)),
        Value::F64(0x7ff8_0000_0000_0001)
    );
    assert_eq!(t("f32.reinterpret_i32", i32v(-1)), Value::F32(u32::MAX));
}

#[test]
fn pointer_conversions_depend_on_the_target() {
    let big = i64v(0x1_0000_0010);
    assert_eq!(conv(W64, "ptr.wrap_i64", big), Ok(big));
    assert_eq!(conv(W32, "ptr.wrap_i64", big), Ok(i32v(0x10)));
    assert_eq!(
        conv(W64, "ptr.extend_i32_u", i32v(-1)),
        Ok(i64v(0xffff_ffff))
    );
    assert_eq!(conv(W64, "ptr.extend_i32_s", i32v(-1)), Ok(i64v(-1)));
    assert_eq!(conv(W32, "ptr.extend_i32_s", i32v(-1)), Ok(i32v(-1)));
    assert_eq!(conv(W64, "i32.wrap_ptr", big), Ok(i32v(0x10)));
    assert_eq!(conv(W32, "i32.wrap_ptr", i32v(7)), Ok(i32v(7)));
    assert_eq!(conv(W64, "i64.extend_ptr_u", i64v(-1)), Ok(i64v(-1)));
    assert_eq!(
        conv(W32, "i64.extend_ptr_u", i32v(-1)),
        Ok(i64v(0xffff_ffff))
    );
    assert_eq!(conv(W32, "i64.extend_ptr_s", i32v(-1)), Ok(i64v(-1)));
}

#[test]
fn select_picks_by_nonzero_condition() {
    let f = |c| {
        eval(
            W64,
            &[Type::I32, Type::F64, Type::F64],
            Type::F64,
            &[i32v(c), f64v(1.0), f64v(2.0)],
            |p| Op::Select {
                ty: Type::F64,
                cond: p[0],
                if_true: p[1],
                if_false: p[2],
            },
        )
    };
    assert_eq!(f(0), Ok(f64v(2.0)));
    assert_eq!(f(-5), Ok(f64v(1.0)));
}

fn access(ty: Type, narrow: Option<(u8, bool)>) -> MemAccess {
    MemAccess {
        ty,
        narrow: narrow.map(|(bits, signed)| Narrow { bits, signed }),
    }
}

/// Stores `value` with `store` at `addr` and loads it back with `load`.
fn round_trip(
    target: Target,
    store: MemAccess,
    load: MemAccess,
    addr: u64,
    value: Value,
) -> Result<Value, TrapKind> {
    let mut m = Module::default();
    add_fn(&mut m, "f", &[store.ty], &[load.ty], |b, p| {
        let a = b.iconst(Type::Ptr, addr as i64);
        b.store(store, a, p[0], 4);
        let v = b.load(load, a, 4);
        b.ret(&[v]);
    });
    match run(&m, target, "f", &[value]) {
        Ok(v) => Ok(v[0]),
        Err(InterpError::Trap(t)) => Err(t.kind),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn memory_round_trips_little_endian() {
    let full = |ty| access(ty, None);
    let v = i64v(0x0102_0304_0506_0788);
    assert_eq!(
        round_trip(W64, full(Type::I64), full(Type::I64), 1000, v),
        Ok(v)
    );
    let narrow = access(Type::I64, Some((8, true)));
    assert_eq!(
        round_trip(W64, full(Type::I64), narrow, 1000, v),
        Ok(i64v(-120))
    );
    let narrow = access(Type::I64, Some((8, false)));
    assert_eq!(
        round_trip(W64, full(Type::I64), narrow, 1000, v),
        Ok(i64v(0x88))
    );
    let narrow = access(Type::I32, Some((16, true)));
    let store16 = access(Type::I32, Some((16, false)));
    assert_eq!(
        round_trip(W32, store16, narrow, 1000, i32v(0x1_8001)),
        Ok(i32v(-32767))
    );
    let load32 = access(Type::I64, Some((32, false)));
    assert_eq!(
        round_trip(W64, full(Type::I32), load32, 8, i32v(-1)),
        Ok(i64v(0xffff_ffff))
    );
    let f = f32v(1.25);
    assert_eq!(
        round_trip(W32, full(Type::F32), full(Type::F32), 64, f),
        Ok(f)
    );
    let p = i32v(0x1234_5678);
    assert_eq!(
        round_trip(W32, full(Type::Ptr), full(Type::Ptr), 64, p),
        Ok(p)
    );
}

#[test]
fn memory_bounds_are_exact() {
    let full = access(Type::I32, None);
    let mut m = Module::default();
    let layout = Layout::new(&m, W64).unwrap();
    let len = layout.min_pages * PAGE_SIZE;
    // The accesses add an offset of 4.
    assert_eq!(round_trip(W64, full, full, len - 8, i32v(1)), Ok(i32v(1)));
    assert_eq!(
        round_trip(W64, full, full, len - 7, i32v(1)),
        Err(OutOfBounds)
    );
    assert_eq!(
        round_trip(W32, full, full, 0xffff_fffc, i32v(1)),
        Err(OutOfBounds)
    );
    // On wasm64, address + offset overflowing is out of bounds, not a wrap.
    add_fn(&mut m, "f", &[Type::Ptr], &[Type::I32], |b, p| {
        let v = b.load(full, p[0], 8);
        b.ret(&[v]);
    });
    let r = run(&m, W64, "f", &[i64v(-4)]);
    assert_eq!(trap_of(r).kind, OutOfBounds);
    let r = run(&m, W32, "f", &[i32v(-4)]);
    assert_eq!(trap_of(r).kind, OutOfBounds);
}

#[test]
fn memory_grow_size_copy_and_fill() {
    let mut m = Module::default();
    add_fn(&mut m, "grow", &[Type::Ptr], &[Type::Ptr], |b, p| {
        let old = b.ins(Op::MemoryGrow(MemId::DEFAULT, p[0]))[0];
        b.ret(&[old]);
    });
    add_fn(&mut m, "size", &[], &[Type::Ptr], |b, _| {
        let s = b.ins(Op::MemorySize(MemId::DEFAULT))[0];
        b.ret(&[s]);
    });
    add_fn(
        &mut m,
        "copy",
        &[Type::Ptr, Type::Ptr, Type::Ptr],
        &[],
        |b, p| {
            b.ins(Op::MemoryCopy {
                dst: p[0],
                src: p[1],
                len: p[2],
                dst_mem: MemId::DEFAULT,
                src_mem: MemId::DEFAULT,
            });
            b.ret(&[]);
        },
    );
    add_fn(
        &mut m,
        "fill",
        &[Type::Ptr, Type::I32, Type::Ptr],
        &[],
        |b, p| {
            b.ins(Op::MemoryFill {
                dst: p[0],
                byte: p[1],
                len: p[2],
                mem: MemId::DEFAULT,
            });
            b.ret(&[]);
        },
    );
    for target in [W64, W32] {
        let p = |v: u64| match target {
            W64 => i64v(v as i64),
            _ => i32v(v as i32),
        };
        let mut it = Interpreter::new(&m, target).unwrap();
        let pages = it.layout().min_pages;
        assert_eq!(it.call("size", &[]).unwrap(), [p(pages)]);
        assert_eq!(it.call("grow", &[p(2)]).unwrap(), [p(pages)]);
        assert_eq!(it.memory().len() as u64, (pages + 2) * PAGE_SIZE);
        assert_eq!(it.call("grow", &[p(MAX_PAGES)]).unwrap(), [p(u64::MAX)]);
        assert_eq!(it.call("grow", &[p(u64::MAX)]).unwrap(), [p(u64::MAX)]);
        assert_eq!(it.call("size", &[]).unwrap(), [p(pages + 2)]);
        it.call("fill", &[p(100), i32v(0x1ab), p(4)]).unwrap();
        assert_eq!(&it.memory()[99..105], [0, 0xab, 0xab, 0xab, 0xab, 0]);
        // Overlapping copy, forwards.
        it.call("copy", &[p(102), p(100), p(4)]).unwrap();
        assert_eq!(
            &it.memory()[100..107],
            [0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0]
        );
        // Out of bounds: nothing is written.
        let end = it.memory().len() as u64;
        let r = it.call("fill", &[p(end - 2), i32v(1), p(4)]);
        assert_eq!(trap_of(r).kind, OutOfBounds);
        assert_eq!(it.memory()[end as usize - 1], 0);
        let r = it.call("copy", &[p(end - 2), p(100), p(4)]);
        assert_eq!(trap_of(r).kind, OutOfBounds);
        assert_eq!(it.memory()[end as usize - 2], 0);
        it.call("fill", &[p(end), i32v(1), p(0)]).unwrap();
    }
}

#[test]
fn growing_to_exactly_the_maximum_succeeds() {
    let mut m = Module::default();
    add_fn(&mut m, "grow", &[Type::Ptr], &[Type::Ptr], |b, p| {
        let old = b.ins(Op::MemoryGrow(MemId::DEFAULT, p[0]))[0];
        b.ret(&[old]);
    });
    let mut it = Interpreter::new(&m, W32).unwrap();
    let pages = it.layout().min_pages;
    let delta = (MAX_PAGES - pages) as i32;
    assert_eq!(it.call("grow", &[i32v(delta + 1)]).unwrap(), [i32v(-1)]);
    assert_eq!(
        it.call("grow", &[i32v(delta)]).unwrap(),
        [i32v(pages as i32)]
    );
    assert_eq!(
        it.call("grow", &[i32v(0)]).unwrap(),
        [i32v(MAX_PAGES as i32)]
    );
}

#[test]
fn data_and_globals_are_initialised_from_the_layout() {
    let mut m = Module::default();
    let msg = m.add_data(Data {
        name: "msg".into(),
        align: 4,
        readonly: false,
        items: vec![DataItem::Bytes(b"hi!".to_vec())],
        span: Span::NONE,
    });
    let f = add_fn(&mut m, "f", &[], &[Type::I32], |b, _| {
        let a = b.ins(Op::DataAddr(msg))[0];
        let v = b.load(access(Type::I32, Some((8, false))), a, 1);
        b.ret(&[v]);
    });
    m.add_data(Data {
        name: "table".into(),
        align: 8,
        readonly: false,
        items: vec![DataItem::DataAddr(msg, 2), DataItem::FuncAddr(f)],
        span: Span::NONE,
    });
    let global = |name: &str, ty, init| Global {
        name: name.into(),
        ty,
        mutable: true,
        init,
        span: Span::NONE,
    };
    m.add_global(global("p", Type::Ptr, GlobalInit::DataAddr(msg, 1)));
    m.add_global(global("fp", Type::Ptr, GlobalInit::FuncAddr(f)));
    m.add_global(global(
        "x",
        Type::F64,
        GlobalInit::Const(Const::F64(2.5f64.to_bits())),
    ));
    for target in [W64, W32] {
        let mut it = Interpreter::new(&m, target).unwrap();
        let layout = it.layout().clone();
        let at = layout.data_addr(msg) as usize;
        assert_eq!(&it.memory()[at..at + 3], b"hi!");
        let table = layout.data_addr(DataId(1)) as usize;
        assert_eq!(it.memory()[table], at as u8 + 2);
        let fp_at = table + target.pointer_bits() as usize / 8;
        assert_eq!(it.memory()[fp_at], 1);
        assert_eq!(it.call("f", &[]).unwrap(), [i32v(b'i' as i32)]);
        let p = it.global("@p").unwrap();
        assert_eq!(p, Value::zero(Type::Ptr, target).with_bits(at as u64 + 1));
        assert_eq!(
            it.global("fp").unwrap(),
            Value::zero(Type::Ptr, target).with_bits(1)
        );
        assert_eq!(it.global("x"), Some(f64v(2.5)));
        assert_eq!(it.stack_pointer(), layout.stack_top);
    }
}

trait WithBits {
    fn with_bits(self, bits: u64) -> Value;
}

impl WithBits for Value {
    fn with_bits(self, bits: u64) -> Value {
        match self {
            Value::I32(_) => Value::I32(bits as i32),
            _ => Value::I64(bits as i64),
        }
    }
}

#[test]
fn globals_and_vars() {
    let mut m = Module::default();
    let g = m.add_global(Global {
        name: "count".into(),
        ty: Type::I64,
        mutable: true,
        init: GlobalInit::Const(Const::I64(40)),
        span: Span::NONE,
    });
    add_fn(&mut m, "bump", &[], &[Type::I64, Type::I32], |b, _| {
        let x = b.var("x", Type::I32);
        let zero = b.var_get(x);
        let c = b.global_get(g);
        let one = b.iconst(Type::I64, 1);
        let c1 = b.binary(BinaryOp::Add, Type::I64, c, one);
        b.global_set(g, c1);
        let seven = b.iconst(Type::I32, 7);
        b.var_set(x, seven);
        let back = b.var_get(x);
        let sum = b.binary(BinaryOp::Add, Type::I32, zero, back);
        b.ret(&[c1, sum]);
    });
    let mut it = Interpreter::new(&m, W64).unwrap();
    assert_eq!(it.call("bump", &[]).unwrap(), [i64v(41), i32v(7)]);
    // Variables start at zero on every call; globals persist.
    assert_eq!(it.call("bump", &[]).unwrap(), [i64v(42), i32v(7)]);
    assert_eq!(it.global("count"), Some(i64v(42)));
}

/// `@sum(n)`: a loop with block parameters, summing 1..=n in i64.
fn sum_loop(m: &mut Module) {
    add_fn(m, "sum", &[Type::I64], &[Type::I64], |b, p| {
        let head = b.create_block("head");
        let i = b.block_param(head, "i", Type::I64);
        let acc = b.block_param(head, "acc", Type::I64);
        let body = b.create_block("body");
        let exit = b.create_block("exit");
        let zero = b.iconst(Type::I64, 0);
        b.jump(head, &[zero, zero]);
        b.switch_to_block(head);
        let done = b.compare(CmpOp::GeS, Type::I64, i, p[0]);
        b.brif(done, Edge::new(exit, vec![]), Edge::new(body, vec![]));
        b.switch_to_block(body);
        let one = b.iconst(Type::I64, 1);
        let next = b.binary(BinaryOp::Add, Type::I64, i, one);
        let acc2 = b.binary(BinaryOp::Add, Type::I64, acc, next);
        b.jump(head, &[next, acc2]);
        b.switch_to_block(exit);
        b.ret(&[acc]);
    });
}

#[test]
fn a_loop_with_block_parameters() {
    let mut m = Module::default();
    sum_loop(&mut m);
    assert_eq!(run(&m, W64, "sum", &[i64v(100)]).unwrap(), [i64v(5050)]);
    assert_eq!(run(&m, W32, "sum", &[i64v(0)]).unwrap(), [i64v(0)]);
}

#[test]
fn block_arguments_are_assigned_in_parallel() {
    // fib by iteration: (a, b) <- (b, a + b), and a swap-only edge (a, b) <- (b, a).
    let mut m = Module::default();
    add_fn(&mut m, "fib", &[Type::I32], &[Type::I32], |b, p| {
        let head = b.create_block("head");
        let n = b.block_param(head, "n", Type::I32);
        let x = b.block_param(head, "a", Type::I32);
        let y = b.block_param(head, "b", Type::I32);
        let body = b.create_block("body");
        let exit = b.create_block("exit");
        let zero = b.iconst(Type::I32, 0);
        let one = b.iconst(Type::I32, 1);
        b.jump(head, &[p[0], zero, one]);
        b.switch_to_block(head);
        b.brif(n, Edge::new(body, vec![]), Edge::new(exit, vec![]));
        b.switch_to_block(body);
        let s = b.binary(BinaryOp::Add, Type::I32, x, y);
        let one = b.iconst(Type::I32, 1);
        let n1 = b.binary(BinaryOp::Sub, Type::I32, n, one);
        b.jump(head, &[n1, y, s]);
        b.switch_to_block(exit);
        b.ret(&[x]);
    });
    add_fn(
        &mut m,
        "swap",
        &[Type::I32, Type::I32],
        &[Type::I32],
        |b, p| {
            let head = b.create_block("head");
            let x = b.block_param(head, "a", Type::I32);
            let y = b.block_param(head, "b", Type::I32);
            let twice = b.create_block("twice");
            let out = b.create_block("out");
            b.jump(head, &[p[0], p[1]]);
            b.switch_to_block(head);
            b.brif(x, Edge::new(twice, vec![]), Edge::new(out, vec![]));
            b.switch_to_block(twice);
            b.jump(head, &[y, x]);
            b.switch_to_block(out);
            b.ret(&[y]);
        },
    );
    assert_eq!(run(&m, W64, "fib", &[i32v(20)]).unwrap(), [i32v(6765)]);
    // (5, 0) -> (0, 5): out returns 5.
    assert_eq!(
        run(&m, W64, "swap", &[i32v(5), i32v(0)]).unwrap(),
        [i32v(5)]
    );
}

#[test]
fn switch_uses_the_index_as_unsigned() {
    let mut m = Module::default();
    add_fn(&mut m, "f", &[Type::I32], &[Type::I32], |b, p| {
        let blocks: Vec<BlockId> = (0..3).map(|i| b.create_block(&format!("b{i}"))).collect();
        let targets = blocks[..2].iter().map(|&t| Edge::new(t, vec![])).collect();
        b.switch(p[0], targets, Edge::new(blocks[2], vec![]));
        for (i, &blk) in blocks.iter().enumerate() {
            b.switch_to_block(blk);
            let v = b.iconst(Type::I32, 10 + i as i64);
            b.ret(&[v]);
        }
    });
    let r = |i| run(&m, W64, "f", &[i32v(i)]).unwrap()[0];
    assert_eq!(
        [r(0), r(1), r(2), r(-1)],
        [i32v(10), i32v(11), i32v(12), i32v(12)]
    );
}

/// `@fib(n)` recursively, and `@depth(n)` recursing n times.
fn recursive(m: &mut Module) {
    let fib = FuncId(m.funcs.len() as u32);
    add_fn(m, "fib", &[Type::I32], &[Type::I32], |b, p| {
        let small = b.create_block("small");
        let big = b.create_block("big");
        let two = b.iconst(Type::I32, 2);
        let lt = b.compare(CmpOp::LtS, Type::I32, p[0], two);
        b.brif(lt, Edge::new(small, vec![]), Edge::new(big, vec![]));
        b.switch_to_block(small);
        b.ret(&[p[0]]);
        b.switch_to_block(big);
        let one = b.iconst(Type::I32, 1);
        let n1 = b.binary(BinaryOp::Sub, Type::I32, p[0], one);
        let n2 = b.binary(BinaryOp::Sub, Type::I32, n1, one);
        let a = b.call(fib, &[n1])[0];
        let c = b.call(fib, &[n2])[0];
        let s = b.binary(BinaryOp::Add, Type::I32, a, c);
        b.ret(&[s]);
    });
    let depth = FuncId(m.funcs.len() as u32);
    add_fn(m, "depth", &[Type::I32], &[Type::I32], |b, p| {
        let rec = b.create_block("rec");
        let done = b.create_block("done");
        b.brif(p[0], Edge::new(rec, vec![]), Edge::new(done, vec![]));
        b.switch_to_block(rec);
        let one = b.iconst(Type::I32, 1);
        let n1 = b.binary(BinaryOp::Sub, Type::I32, p[0], one);
        let r = b.call(depth, &[n1])[0];
        let r1 = b.binary(BinaryOp::Add, Type::I32, r, one);
        b.ret(&[r1]);
        b.switch_to_block(done);
        b.ret(&[p[0]]);
    });
}

#[test]
fn recursion() {
    let mut m = Module::default();
    recursive(&mut m);
    assert_eq!(run(&m, W64, "fib", &[i32v(20)]).unwrap(), [i32v(6765)]);
    assert_eq!(
        run(&m, W32, "depth", &[i32v(99_999)]).unwrap(),
        [i32v(99_999)]
    );
}

#[test]
fn deep_recursion_exhausts_the_call_stack_without_crashing() {
    let mut m = Module::default();
    recursive(&mut m);
    let mut it = Interpreter::new(&m, W64).unwrap();
    let trap = trap_of(it.call("depth", &[i32v(1_000_000)]));
    assert_eq!(trap.kind, CallStackExhausted);
    assert_eq!(trap.backtrace.len(), MAX_FRAMES + 1);
    assert!(trap.backtrace.iter().all(|n| n == "depth"));
    // The interpreter is usable afterwards.
    assert_eq!(it.call("depth", &[i32v(10)]).unwrap(), [i32v(10)]);
}

/// `@slots(x)`: stores `x` in one of two slots and returns (load, addr).
fn slot_module() -> Module {
    let mut m = Module::default();
    add_fn(
        &mut m,
        "slots",
        &[Type::I64],
        &[Type::I64, Type::Ptr],
        |b, p| {
            let s1 = b.slot("a", 4, 4);
            let s2 = b.slot("b", 8, 8);
            let _ = s1;
            let addr = b.ins(Op::SlotAddr(s2))[0];
            let full = MemAccess {
                ty: Type::I64,
                narrow: None,
            };
            b.store(full, addr, p[0], 0);
            let v = b.load(full, addr, 0);
            b.ret(&[v, addr]);
        },
    );
    m
}

#[test]
fn stack_slots_live_below_the_stack_pointer() {
    let m = slot_module();
    for target in [W64, W32] {
        let mut it = Interpreter::new(&m, target).unwrap();
        let top = it.layout().stack_top;
        let out = it.call("slots", &[i64v(-2)]).unwrap();
        assert_eq!(out[0], i64v(-2));
        // Frame: a at 0 (4 bytes), b at 8 (8 bytes): 16 bytes.
        let expected = top - 16 + 8;
        assert_eq!(out[1], Value::zero(Type::Ptr, target).with_bits(expected));
        let at = expected as usize;
        assert_eq!(&it.memory()[at..at + 8], (-2i64).to_le_bytes());
        assert_eq!(it.stack_pointer(), top);
    }
}

#[test]
fn stack_overflow_traps_unreachable_and_keeps_the_stack_pointer() {
    let mut m = Module::default();
    let f = FuncId(0);
    add_fn(&mut m, "down", &[], &[], |b, _| {
        b.slot("big", 1000, 16);
        b.call(f, &[]);
        b.ret(&[]);
    });
    let mut it = Interpreter::new(&m, W32).unwrap();
    let base = it.layout().stack_base;
    let trap = trap_of(it.call("down", &[]));
    assert_eq!(trap.kind, Unreachable);
    // The frames of 1008 bytes that fit the shadow stack, then one that traps.
    let fit = (crate::memory::STACK_SIZE / 1008) as usize;
    assert_eq!(trap.backtrace.len(), fit + 1);
    assert!(it.stack_pointer() - base < 1008);
}

#[test]
fn call_indirect_checks_null_range_and_signature() {
    let mut m = Module::default();
    let target_fn = add_fn(&mut m, "twice", &[Type::I64], &[Type::I64], |b, p| {
        let s = b.binary(BinaryOp::Add, Type::I64, p[0], p[0]);
        b.ret(&[s]);
    });
    let call = |m: &mut Module, name: &str, params: Vec<Type>, results: Vec<Type>| {
        add_fn(
            m,
            name,
            &[Type::Ptr, params[0]],
            &results.clone(),
            |b, p| {
                let r = b.ins(Op::CallIndirect {
                    sig: Box::new(Signature { params, results }),
                    callee: p[0],
                    args: vec![p[1]],
                });
                b.ret(&r);
            },
        );
    };
    call(&mut m, "via_i64", vec![Type::I64], vec![Type::I64]);
    call(&mut m, "via_i32", vec![Type::I32], vec![Type::I32]);
    // Taking the address puts `twice` in the table, at 1.
    add_fn(&mut m, "addr", &[], &[Type::Ptr], |b, _| {
        let a = b.ins(Op::FuncAddr(target_fn))[0];
        b.ret(&[a]);
    });
    let mut it = Interpreter::new(&m, W64).unwrap();
    assert_eq!(it.call("addr", &[]).unwrap(), [i64v(1)]);
    assert_eq!(
        it.call("via_i64", &[i64v(1), i64v(21)]).unwrap(),
        [i64v(42)]
    );
    let kind = |r| trap_of(r).kind;
    assert_eq!(
        kind(it.call("via_i64", &[i64v(0), i64v(1)])),
        UninitializedElement
    );
    assert_eq!(
        kind(it.call("via_i64", &[i64v(2), i64v(1)])),
        UndefinedElement
    );
    assert_eq!(
        kind(it.call("via_i64", &[i64v(-1), i64v(1)])),
        UndefinedElement
    );
    assert_eq!(
        kind(it.call("via_i32", &[i64v(1), i32v(1)])),
        IndirectCallTypeMismatch
    );
    let trap = trap_of(it.call("via_i32", &[i64v(1), i32v(1)]));
    assert_eq!(trap.backtrace, ["via_i32"]);
}

#[test]
fn indirect_signatures_compare_after_lowering_ptr() {
    let mut m = Module::default();
    let id = add_fn(&mut m, "id", &[Type::I64], &[Type::I64], |b, p| {
        b.ret(&[p[0]])
    });
    add_fn(&mut m, "f", &[Type::Ptr], &[Type::Ptr], |b, p| {
        let fp = b.ins(Op::FuncAddr(id))[0];
        let r = b.ins(Op::CallIndirect {
            sig: Box::new(sig(&[Type::Ptr], &[Type::Ptr])),
            callee: fp,
            args: vec![p[0]],
        });
        b.ret(&r);
    });
    assert_eq!(run(&m, W64, "f", &[i64v(9)]).unwrap(), [i64v(9)]);
    let trap = trap_of(run(&m, W32, "f", &[i32v(9)]));
    assert_eq!(trap.kind, IndirectCallTypeMismatch);
}

/// `@three` runs three instructions (two and a return) and returns 2;
/// `@spin` loops forever.
fn three_and_spin() -> Module {
    let mut m = Module::default();
    add_fn(&mut m, "three", &[], &[Type::I32], |b, _| {
        let x = b.iconst(Type::I32, 1);
        let y = b.binary(BinaryOp::Add, Type::I32, x, x);
        b.ret(&[y]);
    });
    add_fn(&mut m, "spin", &[], &[], |b, _| {
        let lp = b.create_block("loop");
        b.jump(lp, &[]);
        b.switch_to_block(lp);
        b.jump(lp, &[]);
    });
    m
}

#[test]
fn fuel_counts_instructions_and_terminators() {
    let m = three_and_spin();
    let mut it = Interpreter::new(&m, W64).unwrap();
    it.set_fuel(Some(3));
    assert_eq!(it.call("three", &[]).unwrap(), [i32v(2)]);
    assert_eq!(it.fuel(), Some(0));
    it.set_fuel(Some(2));
    assert_eq!(trap_of(it.call("three", &[])).kind, Interrupted);
    it.set_fuel(Some(1_000_000));
    let trap = trap_of(it.call("spin", &[]));
    assert_eq!(
        (trap.kind, trap.backtrace),
        (Interrupted, vec!["spin".to_string()])
    );
    it.set_fuel(None);
    assert_eq!(it.fuel(), None);
    assert_eq!(it.call("three", &[]).unwrap(), [i32v(2)]);
}

#[test]
fn a_timeout_stops_a_loop_and_keeps_fuel_exact() {
    let m = three_and_spin();
    let mut it = Interpreter::new(&m, W64).unwrap();
    let limit = Duration::from_millis(50);
    it.set_timeout(Some(limit));
    let start = Instant::now();
    let err = it.call("spin", &[]).unwrap_err();
    let elapsed = start.elapsed();
    assert_eq!(
        err,
        InterpError::Timeout {
            limit,
            backtrace: vec!["spin".to_string()]
        }
    );
    assert!(elapsed >= limit && elapsed < limit * 20, "{elapsed:?}");
    // Fuel still counts every instruction, across the clock's checks.
    let fuel = 3 * CLOCK_EVERY + 5;
    it.set_fuel(Some(fuel));
    assert_eq!(it.call("three", &[]).unwrap(), [i32v(2)]);
    assert_eq!(it.fuel(), Some(fuel - 3));
    assert_eq!(trap_of(it.call("spin", &[])).kind, Interrupted);
    assert_eq!(it.fuel(), Some(0));
    it.set_fuel(None);
    it.set_timeout(None);
    assert_eq!(it.call("three", &[]).unwrap(), [i32v(2)]);
}

#[test]
fn unreachable_traps_with_a_backtrace() {
    let mut m = Module::default();
    add_fn(&mut m, "inner", &[], &[], |b, _| b.unreachable());
    add_fn(&mut m, "outer", &[], &[], |b, _| {
        b.call(FuncId(0), &[]);
        b.ret(&[]);
    });
    let trap = trap_of(run(&m, W64, "outer", &[]));
    assert_eq!(trap.kind, Unreachable);
    assert_eq!(trap.backtrace, ["inner", "outer"]);
    assert_eq!(
        trap.to_string(),
        "unreachable\n    at @inner\n    at @outer"
    );
}

fn import(m: &mut Module, name: &str, params: &[Type], results: &[Type]) -> FuncId {
    let linkage = Linkage::Import {
        module: "env".into(),
        name: name.into(),
    };
    m.add_function(Function::new(name, sig(params, results), linkage))
}

#[test]
fn imports_call_host_functions() {
    let mut m = Module::default();
    let add = import(&mut m, "add", &[Type::I32, Type::Ptr], &[Type::I32]);
    let boom = import(&mut m, "boom", &[], &[]);
    let missing = import(&mut m, "missing", &[], &[]);
    add_fn(&mut m, "f", &[Type::I32], &[Type::I32], |b, p| {
        let nine = b.iconst(Type::Ptr, 9);
        let r = b.call(add, &[p[0], nine])[0];
        b.ret(&[r]);
    });
    add_fn(&mut m, "g", &[], &[], |b, _| {
        b.call(boom, &[]);
        b.ret(&[]);
    });
    add_fn(&mut m, "h", &[], &[], |b, _| {
        b.call(missing, &[]);
        b.ret(&[]);
    });
    let mut seen = Vec::new();
    {
        let mut it = Interpreter::new(&m, W64).unwrap();
        it.define_host(
            "env",
            "add",
            Box::new(|args: &[Value]| {
                seen.push(args.to_vec());
                Ok(vec![i32v(args[0].as_i32() + args[1].as_i64() as i32)])
            }),
        );
        it.define_host("env", "boom", Box::new(|_: &[Value]| Err(IntegerOverflow)));
        assert_eq!(it.call("f", &[i32v(1)]).unwrap(), [i32v(10)]);
        assert_eq!(it.call("add", &[i32v(1), i64v(2)]).unwrap(), [i32v(3)]);
        let trap = trap_of(it.call("g", &[]));
        assert_eq!(
            (trap.kind, trap.backtrace),
            (IntegerOverflow, vec!["boom".into(), "g".into()])
        );
        assert_eq!(
            it.call("h", &[]),
            Err(InterpError::UnresolvedImport {
                module: "env".into(),
                name: "missing".into()
            })
        );
    }
    assert_eq!(seen, [vec![i32v(1), i64v(9)], vec![i32v(1), i64v(2)]]);
}

#[test]
fn host_results_are_checked() {
    let mut m = Module::default();
    let get = import(&mut m, "get", &[], &[Type::I32]);
    add_fn(&mut m, "f", &[], &[Type::I32], |b, _| {
        let r = b.call(get, &[])[0];
        b.ret(&[r]);
    });
    let mut it = Interpreter::new(&m, W64).unwrap();
    it.define_host("env", "get", Box::new(|_: &[Value]| Ok(vec![i64v(1)])));
    let err = it.call("f", &[]).unwrap_err();
    assert_eq!(err.to_string(), "`@get` returns (i32), found (i64)");
}

#[test]
fn bad_calls_are_errors() {
    let mut m = Module::default();
    add_fn(&mut m, "f", &[Type::I32], &[], |b, _| b.ret(&[]));
    let mut it = Interpreter::new(&m, W64).unwrap();
    assert_eq!(
        it.call("nope", &[]),
        Err(InterpError::NoSuchFunction("nope".into()))
    );
    let err = it.call("f", &[i64v(1)]).unwrap_err();
    assert_eq!(err.to_string(), "`@f` takes (i32), found (i64)");
    assert!(matches!(
        it.call("f", &[]),
        Err(InterpError::BadArguments(_))
    ));
    assert_eq!(it.call("@f", &[i32v(1)]), Ok(vec![]));
}

#[test]
fn invalid_modules_are_rejected_not_run() {
    let mut m = Module::default();
    add_fn(&mut m, "f", &[Type::I32], &[], |b, p| {
        b.binary(BinaryOp::Add, Type::I64, p[0], p[0]);
        b.ret(&[]);
    });
    // Out-of-range ids that would make the layout index out of bounds.
    m.add_global(Global {
        name: "g".into(),
        ty: Type::Ptr,
        mutable: false,
        init: GlobalInit::FuncAddr(FuncId(99)),
        span: Span::NONE,
    });
    let err = Interpreter::new(&m, W64).err().expect("rejected");
    assert_eq!(err.message, "function id 99 is out of range");
    let mut huge = Module::default();
    huge.add_data(Data {
        name: "big".into(),
        align: 1,
        readonly: false,
        items: vec![DataItem::Zero(1 << 40)],
        span: Span::NONE,
    });
    let err = Interpreter::new(&huge, W64).err().expect("rejected");
    assert!(
        err.message.contains("maximum of 16384 pages"),
        "{}",
        err.message
    );
    assert!(Interpreter::new(&huge, W32).is_err());
}

/// A wait at the data's first word (which holds 5) for `expected`, with
/// `timeout`, on a memory shared or not.
fn wait(shared: bool, expected: i32, timeout: i64) -> Result<Value, TrapKind> {
    let text = format!(
        "{}data @w align 4 = i32 5\n\
         pub fn @f(%e: i32, %t: i64) -> i32 {{\nentry:\n  %p = data.addr @w\n  \
         %r = memory.atomic.wait32 %p, %e, %t\n  return %r\n}}\n",
        if shared { "memory shared\n" } else { "" }
    );
    let m = crate::text::parse_str("wait.vir", &text).expect("parses");
    match run(
        &m,
        Target::Wasm64,
        "f",
        &[Value::I32(expected), Value::I64(timeout)],
    ) {
        Ok(v) => Ok(v[0]),
        Err(InterpError::Trap(t)) => Err(t.kind),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_wait_with_no_other_thread_times_out_differs_or_deadlocks() {
    assert_eq!(wait(true, 4, -1), Ok(Value::I32(1)));
    assert_eq!(wait(true, 5, 0), Ok(Value::I32(2)));
    assert_eq!(wait(true, 5, 1_000_000), Ok(Value::I32(2)));
    assert_eq!(wait(true, 5, -1), Err(Deadlock));
    assert_eq!(wait(false, 4, 0), Err(ExpectedSharedMemory));
    assert_eq!(Deadlock.message(), "deadlock: every thread waits forever");
    assert_eq!(
        TrapKind::from_message("unaligned atomic"),
        Some(UnalignedAtomic)
    );
}

#[test]
fn atomics_check_alignment_before_bounds() {
    let rmw16 = |addr: u64, offset: u32, v: i64| {
        eval(
            Target::Wasm64,
            &[Type::Ptr, Type::I64],
            Type::I64,
            &[Value::I64(addr as i64), Value::I64(v)],
            |p| Op::Atomic {
                op: AtomicOp::Rmw(RmwOp::Add),
                access: MemAccess::narrow(Type::I64, 16, false),
                addr: p[0],
                args: [p[1], ValueId::INVALID],
                offset,
            },
        )
    };
    assert_eq!(rmw16(1 << 40, 0, 1), Err(OutOfBounds));
    assert_eq!(rmw16((1 << 40) + 1, 0, 1), Err(UnalignedAtomic));
    assert_eq!(rmw16(u64::MAX, 0, 1), Err(UnalignedAtomic));
    // `addr + offset` overflows: out of bounds before misaligned.
    assert_eq!(rmw16(u64::MAX, 2, 1), Err(OutOfBounds));
    assert_eq!(rmw16(4096, 1, 1), Err(UnalignedAtomic));
    assert_eq!(rmw16(4096, 2, -1), Ok(Value::I64(0)));
}

/// On wasm32 wasmtime's `notify` and `wait` add the offset in 32 bits with
/// an overflow check, so a sum past 2^32 is out of bounds before it is
/// misaligned (difftest seed 4277 at -O0: `memory.atomic.notify` at offset
/// 4294967293); its inline read-modify-writes check the alignment of the
/// 64-bit sum first (seed 4295: `i64.atomic.rmw32.xchg_u` at 4294967295).
#[test]
fn atomics_on_wasm32_overflow_the_address_type_first() {
    let notify = |target: Target, addr: u64, offset: u32| {
        eval(
            target,
            &[Type::Ptr, Type::I32],
            Type::I32,
            &[
                match target {
                    Target::Wasm32 => Value::I32(addr as i32),
                    Target::Wasm64 => Value::I64(addr as i64),
                },
                Value::I32(1),
            ],
            |p| Op::Atomic {
                op: AtomicOp::Notify,
                access: MemAccess::full(Type::I32),
                addr: p[0],
                args: [p[1], ValueId::INVALID],
                offset,
            },
        )
    };
    assert_eq!(notify(Target::Wasm32, 1024, u32::MAX - 2), Err(OutOfBounds));
    assert_eq!(
        notify(Target::Wasm64, 1024, u32::MAX - 2),
        Err(UnalignedAtomic)
    );
    assert_eq!(notify(Target::Wasm32, 1025, 0), Err(UnalignedAtomic));
    assert_eq!(notify(Target::Wasm32, 1024, 0), Ok(Value::I32(0)));
    let xchg32 = |addr: u32, offset: u32| {
        eval(
            Target::Wasm32,
            &[Type::Ptr, Type::I64],
            Type::I64,
            &[Value::I32(addr as i32), Value::I64(3)],
            |p| Op::Atomic {
                op: AtomicOp::Rmw(RmwOp::Xchg),
                access: MemAccess::narrow(Type::I64, 32, false),
                addr: p[0],
                args: [p[1], ValueId::INVALID],
                offset,
            },
        )
    };
    assert_eq!(xchg32(4009595570, u32::MAX), Err(UnalignedAtomic));
    assert_eq!(xchg32(4009595569, u32::MAX), Err(OutOfBounds));
}

mod threads;

/// Writing read-only data by a route the verifier cannot see (a computed
/// address) traps, by a store, `memory.fill`, `memory.copy` and an atomic
/// write, in the default memory and a named one; writing the writable
/// data next to it, and a write of no bytes, do not.
#[test]
fn writes_to_read_only_data_trap() {
    let module = crate::text::parse_str(
        "ro.vir",
        "data @r const align 4 = i32 1, i32 2\ndata @w align 4 = i32 0\n\
         memory @m 1\ndata @n const in @m = \"ab\"\n\
         pub fn @f(%how: i32, %at: ptr, %len: ptr) -> i32 {\nentry:\n  %r = data.addr @r\n\
           %p = ptr.add %r, %at\n  %v = i32.const 9\n\
           switch %how, [store, fill, copy, atomic, named], store\n\
         store:\n  i32.store8 %p, %v\n  jump out\n\
         fill:\n  memory.fill %p, %v, %len\n  jump out\n\
         copy:\n  memory.copy %p, %r, %len\n  jump out\n\
         atomic:\n  %old = i32.atomic.rmw.add %p, %v\n  jump out\n\
         named:\n  %n = data.addr @n\n  %q = ptr.add %n, %at\n  i32.store8 @m, %q, %v\n  jump out\n\
         out:\n  %x = i32.load %r offset=4\n  return %x\n}\n",
    )
    .expect("parses");
    crate::verify::verify_module(&module).expect("verifies");
    let call = |how: i32, at: u64, len: u64| {
        let args = [
            Value::I32(how),
            Value::I64(at as i64),
            Value::I64(len as i64),
        ];
        run(&module, Target::Wasm64, "f", &args)
    };
    for (how, at, len) in [(0, 7, 0), (1, 6, 4), (2, 4, 1), (3, 4, 0), (4, 0, 0)] {
        assert_eq!(trap_of(call(how, at, len)).kind, ReadOnlyWrite, "{how}");
    }
    // @w starts at 8: its bytes, and no bytes of @r, may be written.
    assert_eq!(call(0, 8, 0).expect("runs"), [Value::I32(2)]);
    assert_eq!(call(1, 8, 4).expect("runs"), [Value::I32(2)]);
    assert_eq!(call(1, 4, 0).expect("runs"), [Value::I32(2)]);
}
