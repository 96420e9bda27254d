//! Script values: arguments as wasmtime values, results matched against
//! the script's patterns, and both printed in the script's own syntax
//! (`(i32.const 1)`, `(f32.const nan:canonical)`, `(ref.extern 2)`).
//!
//! Host references: `(ref.extern N)` is an `externref` carrying [`HostRef`]
//! `N`, and `(ref.host N)` is that same reference internalized
//! (`any.convert_extern`), the way the reference interpreter treats them.

use crate::text::float::{format_f32, format_f64};
use wasmtime::{AnyRef, AsContextMut, ExternRef, HeapType, RootScope, Val, ValType};
use wast::core::{AbstractHeapType, HeapType as WastHeapType, NanPattern, V128Pattern};
use wast::core::{WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

/// The payload of the scripts' host references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostRef(pub u32);

/// An argument as a value of the parameter type `ty`.
pub fn arg_val(
    store: &mut RootScope<impl AsContextMut>,
    arg: &WastArg<'_>,
    ty: &ValType,
) -> Result<Val, String> {
    let WastArg::Core(arg) = arg else {
        return Err("component-model values are not supported".into());
    };
    Ok(match arg {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes()).into()),
        WastArgCore::RefNull(heap) => match (abstract_heap_type(heap), ty) {
            (Some(heap), _) => Val::null_ref(&heap),
            // A concrete type's null: the parameter says which hierarchy.
            (None, ValType::Ref(r)) => Val::null_ref(r.heap_type()),
            (None, _) => return Err(format!("a null reference for a {ty} parameter")),
        },
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(extern_ref(store, *n)?)),
        WastArgCore::RefHost(n) => {
            let r = extern_ref(store, *n)?;
            Val::AnyRef(Some(AnyRef::convert_extern(store, r).map_err(err)?))
        }
    })
}

fn extern_ref(
    store: &mut RootScope<impl AsContextMut>,
    n: u32,
) -> Result<wasmtime::Rooted<ExternRef>, String> {
    ExternRef::new(store, HostRef(n)).map_err(err)
}

fn err(e: wasmtime::Error) -> String {
    format!("{e:#}")
}

fn abstract_heap_type(heap: &WastHeapType<'_>) -> Option<HeapType> {
    let WastHeapType::Abstract { shared: false, ty } = heap else {
        return None;
    };
    Some(match ty {
        AbstractHeapType::Func => HeapType::Func,
        AbstractHeapType::NoFunc => HeapType::NoFunc,
        AbstractHeapType::Extern => HeapType::Extern,
        AbstractHeapType::NoExtern => HeapType::NoExtern,
        AbstractHeapType::Any => HeapType::Any,
        AbstractHeapType::Eq => HeapType::Eq,
        AbstractHeapType::Struct => HeapType::Struct,
        AbstractHeapType::Array => HeapType::Array,
        AbstractHeapType::I31 => HeapType::I31,
        AbstractHeapType::None => HeapType::None,
        AbstractHeapType::Exn => HeapType::Exn,
        AbstractHeapType::NoExn => HeapType::NoExn,
        AbstractHeapType::Cont => HeapType::Cont,
        AbstractHeapType::NoCont => HeapType::NoCont,
    })
}

/// Which reference hierarchy a null of this (script) heap type is in;
/// `None` for a concrete type, which could be in any of them.
fn hierarchy(heap: &WastHeapType<'_>) -> Option<Hierarchy> {
    let heap = abstract_heap_type(heap)?.top();
    Some(if heap.is_func() {
        Hierarchy::Func
    } else if heap.is_extern() {
        Hierarchy::Extern
    } else if heap.is_exn() {
        Hierarchy::Exn
    } else if heap.is_cont() {
        Hierarchy::Cont
    } else {
        Hierarchy::Any
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hierarchy {
    Func,
    Extern,
    Any,
    Exn,
    Cont,
}

/// Whether a result matches the script's pattern.
pub fn matches(
    store: &mut RootScope<impl AsContextMut>,
    expected: &WastRet<'_>,
    actual: &Val,
) -> Result<bool, String> {
    let WastRet::Core(expected) = expected else {
        return Err("component-model values are not supported".into());
    };
    matches_core(store, expected, actual)
}

fn matches_core(
    store: &mut RootScope<impl AsContextMut>,
    expected: &WastRetCore<'_>,
    actual: &Val,
) -> Result<bool, String> {
    Ok(match (expected, actual) {
        (WastRetCore::I32(e), Val::I32(a)) => e == a,
        (WastRetCore::I64(e), Val::I64(a)) => e == a,
        (WastRetCore::F32(p), Val::F32(a)) => f32_matches(p, *a),
        (WastRetCore::F64(p), Val::F64(a)) => f64_matches(p, *a),
        (WastRetCore::V128(p), Val::V128(a)) => v128_matches(p, a.as_u128()),
        (WastRetCore::RefNull(heap), actual) => match (null_hierarchy(actual), heap) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(h), Some(heap)) => hierarchy(heap).is_none_or(|e| e == h),
        },
        (WastRetCore::RefExtern(n), Val::ExternRef(Some(r))) => match n {
            None => true,
            Some(n) => host_data(store, r)? == Some(HostRef(*n)),
        },
        (WastRetCore::RefHost(n), Val::AnyRef(Some(r))) => {
            // Host data lives on the externref: externalize to read it.
            let r = ExternRef::convert_any(&mut *store, *r).map_err(err)?;
            host_data(store, &r)? == Some(HostRef(*n))
        }
        (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
        (WastRetCore::RefAny, Val::AnyRef(Some(_))) => true,
        (WastRetCore::RefEq, Val::AnyRef(Some(r))) => r.is_eqref(&*store).map_err(err)?,
        (WastRetCore::RefStruct, Val::AnyRef(Some(r))) => r.is_struct(&*store).map_err(err)?,
        (WastRetCore::RefArray, Val::AnyRef(Some(r))) => r.is_array(&*store).map_err(err)?,
        (WastRetCore::RefI31, Val::AnyRef(Some(r))) => r.is_i31(&*store).map_err(err)?,
        (WastRetCore::RefI31Shared, _) => {
            return Err(
                "shared i31 references (shared-everything-threads) are not supported".into(),
            );
        }
        (WastRetCore::Either(options), actual) => {
            for option in options {
                if matches_core(store, option, actual)? {
                    return Ok(true);
                }
            }
            false
        }
        _ => false,
    })
}

fn null_hierarchy(val: &Val) -> Option<Hierarchy> {
    match val {
        Val::FuncRef(None) => Some(Hierarchy::Func),
        Val::ExternRef(None) => Some(Hierarchy::Extern),
        Val::AnyRef(None) => Some(Hierarchy::Any),
        Val::ExnRef(None) => Some(Hierarchy::Exn),
        Val::ContRef(None) => Some(Hierarchy::Cont),
        _ => None,
    }
}

fn host_data(
    store: &mut RootScope<impl AsContextMut>,
    r: &wasmtime::Rooted<ExternRef>,
) -> Result<Option<HostRef>, String> {
    let data = r.data(&*store).map_err(err)?;
    Ok(data.and_then(|d| d.downcast_ref::<HostRef>()).copied())
}

fn f32_matches(pattern: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match pattern {
        NanPattern::Value(e) => e.bits == bits,
        // Canonical: only the quiet bit of the payload is set, any sign.
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        // Arithmetic: any quiet NaN.
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
    }
}

fn f64_matches(pattern: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match pattern {
        NanPattern::Value(e) => e.bits == bits,
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
    }
}

fn v128_matches(pattern: &V128Pattern, bits: u128) -> bool {
    let bytes = bits.to_le_bytes();
    let lane = |i: usize, width: usize| {
        let mut buf = [0u8; 8];
        buf[..width].copy_from_slice(&bytes[i * width..(i + 1) * width]);
        u64::from_le_bytes(buf)
    };
    match pattern {
        V128Pattern::I8x16(e) => e
            .iter()
            .enumerate()
            .all(|(i, v)| lane(i, 1) == *v as u8 as u64),
        V128Pattern::I16x8(e) => e
            .iter()
            .enumerate()
            .all(|(i, v)| lane(i, 2) == *v as u16 as u64),
        V128Pattern::I32x4(e) => e
            .iter()
            .enumerate()
            .all(|(i, v)| lane(i, 4) == *v as u32 as u64),
        V128Pattern::I64x2(e) => e.iter().enumerate().all(|(i, v)| lane(i, 8) == *v as u64),
        V128Pattern::F32x4(e) => e
            .iter()
            .enumerate()
            .all(|(i, p)| f32_matches(p, lane(i, 4) as u32)),
        V128Pattern::F64x2(e) => e
            .iter()
            .enumerate()
            .all(|(i, p)| f64_matches(p, lane(i, 8))),
    }
}

/// A value in the script's syntax.
pub fn show_val(store: &mut RootScope<impl AsContextMut>, val: &Val) -> String {
    match val {
        Val::I32(v) => format!("(i32.const {v})"),
        Val::I64(v) => format!("(i64.const {v})"),
        Val::F32(bits) => format!("(f32.const {})", format_f32(*bits)),
        Val::F64(bits) => format!("(f64.const {})", format_f64(*bits)),
        Val::V128(v) => {
            let lanes: Vec<String> = v
                .as_u128()
                .to_le_bytes()
                .chunks(4)
                .map(|c| format!("0x{:08x}", u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                .collect();
            format!("(v128.const i32x4 {})", lanes.join(" "))
        }
        Val::FuncRef(None) => "(ref.null func)".into(),
        Val::FuncRef(Some(_)) => "(ref.func)".into(),
        Val::ExternRef(None) => "(ref.null extern)".into(),
        Val::ExternRef(Some(r)) => match host_data(store, r) {
            Ok(Some(HostRef(n))) => format!("(ref.extern {n})"),
            _ => "(ref.extern)".into(),
        },
        Val::AnyRef(None) => "(ref.null any)".into(),
        Val::AnyRef(Some(r)) => show_any(store, r),
        Val::ExnRef(None) => "(ref.null exn)".into(),
        Val::ExnRef(Some(_)) => "(ref.exn)".into(),
        Val::ContRef(None) => "(ref.null cont)".into(),
        Val::ContRef(Some(_)) => "(ref.cont)".into(),
    }
}

fn show_any(store: &mut RootScope<impl AsContextMut>, r: &wasmtime::Rooted<AnyRef>) -> String {
    if let Ok(Some(i)) = r.as_i31(&*store) {
        return format!("(ref.i31 {})", i.get_i32());
    }
    if r.is_struct(&*store).unwrap_or(false) {
        return "(ref.struct)".into();
    }
    if r.is_array(&*store).unwrap_or(false) {
        return "(ref.array)".into();
    }
    match ExternRef::convert_any(&mut *store, *r).map(|e| host_data(store, &e)) {
        Ok(Ok(Some(HostRef(n)))) => format!("(ref.host {n})"),
        _ => "(ref.any)".into(),
    }
}

/// Several values in the script's syntax, `()` for none.
pub fn show_vals(store: &mut RootScope<impl AsContextMut>, vals: &[Val]) -> String {
    show_actual(store, vals, &[])
}

/// Results as [`show_vals`] does, but a `v128` in the lane shape of the
/// expected pattern at its position, so that the two read side by side.
pub fn show_actual(
    store: &mut RootScope<impl AsContextMut>,
    vals: &[Val],
    expected: &[WastRet<'_>],
) -> String {
    if vals.is_empty() {
        return "()".into();
    }
    let parts: Vec<String> = vals
        .iter()
        .enumerate()
        .map(|(i, v)| match (v, expected.get(i)) {
            (Val::V128(bits), Some(WastRet::Core(WastRetCore::V128(p)))) => {
                format!("(v128.const {})", v128_in_shape(bits.as_u128(), p))
            }
            _ => show_val(store, v),
        })
        .collect();
    parts.join(" ")
}

/// A v128 in the lane shape of a pattern, integers signed as scripts write them.
fn v128_in_shape(bits: u128, shape: &V128Pattern) -> String {
    let b = bits.to_le_bytes();
    let lanes: Vec<String> = match shape {
        V128Pattern::I8x16(_) => b.iter().map(|x| (*x as i8).to_string()).collect(),
        V128Pattern::I16x8(_) => b
            .chunks(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]).to_string())
            .collect(),
        V128Pattern::I32x4(_) | V128Pattern::F32x4(_) => b
            .chunks(4)
            .map(|c| {
                let x = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                match shape {
                    V128Pattern::F32x4(_) => format_f32(x),
                    _ => (x as i32).to_string(),
                }
            })
            .collect(),
        V128Pattern::I64x2(_) | V128Pattern::F64x2(_) => b
            .chunks(8)
            .map(|c| {
                let mut a = [0u8; 8];
                a.copy_from_slice(c);
                let x = u64::from_le_bytes(a);
                match shape {
                    V128Pattern::F64x2(_) => format_f64(x),
                    _ => (x as i64).to_string(),
                }
            })
            .collect(),
    };
    let name = match shape {
        V128Pattern::I8x16(_) => "i8x16",
        V128Pattern::I16x8(_) => "i16x8",
        V128Pattern::I32x4(_) => "i32x4",
        V128Pattern::I64x2(_) => "i64x2",
        V128Pattern::F32x4(_) => "f32x4",
        V128Pattern::F64x2(_) => "f64x2",
    };
    format!("{name} {}", lanes.join(" "))
}

/// The script's expected results in its own syntax.
pub fn show_expected(expected: &[WastRet<'_>]) -> String {
    if expected.is_empty() {
        return "()".into();
    }
    let parts: Vec<String> = expected
        .iter()
        .map(|r| match r {
            WastRet::Core(r) => show_ret(r),
            _ => "(component value)".into(),
        })
        .collect();
    parts.join(" ")
}

fn show_ret(ret: &WastRetCore<'_>) -> String {
    match ret {
        WastRetCore::I32(v) => format!("(i32.const {v})"),
        WastRetCore::I64(v) => format!("(i64.const {v})"),
        WastRetCore::F32(p) => format!("(f32.const {})", show_nan(p, |f| format_f32(f.bits))),
        WastRetCore::F64(p) => format!("(f64.const {})", show_nan(p, |f| format_f64(f.bits))),
        WastRetCore::V128(p) => format!("(v128.const {})", show_v128(p)),
        WastRetCore::RefNull(None) => "(ref.null)".into(),
        WastRetCore::RefNull(Some(heap)) => format!("(ref.null {})", show_heap(heap)),
        WastRetCore::RefExtern(None) => "(ref.extern)".into(),
        WastRetCore::RefExtern(Some(n)) => format!("(ref.extern {n})"),
        WastRetCore::RefHost(n) => format!("(ref.host {n})"),
        WastRetCore::RefFunc(_) => "(ref.func)".into(),
        WastRetCore::RefAny => "(ref.any)".into(),
        WastRetCore::RefEq => "(ref.eq)".into(),
        WastRetCore::RefArray => "(ref.array)".into(),
        WastRetCore::RefStruct => "(ref.struct)".into(),
        WastRetCore::RefI31 => "(ref.i31)".into(),
        WastRetCore::RefI31Shared => "(ref.i31_shared)".into(),
        WastRetCore::Either(options) => {
            let parts: Vec<String> = options.iter().map(show_ret).collect();
            format!("(either {})", parts.join(" "))
        }
    }
}

fn show_nan<T>(pattern: &NanPattern<T>, value: impl Fn(&T) -> String) -> String {
    match pattern {
        NanPattern::CanonicalNan => "nan:canonical".into(),
        NanPattern::ArithmeticNan => "nan:arithmetic".into(),
        NanPattern::Value(v) => value(v),
    }
}

fn show_v128(pattern: &V128Pattern) -> String {
    fn join<T>(lanes: &[T], show: impl Fn(&T) -> String) -> String {
        lanes.iter().map(show).collect::<Vec<_>>().join(" ")
    }
    match pattern {
        V128Pattern::I8x16(l) => format!("i8x16 {}", join(l, |v| v.to_string())),
        V128Pattern::I16x8(l) => format!("i16x8 {}", join(l, |v| v.to_string())),
        V128Pattern::I32x4(l) => format!("i32x4 {}", join(l, |v| v.to_string())),
        V128Pattern::I64x2(l) => format!("i64x2 {}", join(l, |v| v.to_string())),
        V128Pattern::F32x4(l) => {
            format!("f32x4 {}", join(l, |p| show_nan(p, |f| format_f32(f.bits))))
        }
        V128Pattern::F64x2(l) => {
            format!("f64x2 {}", join(l, |p| show_nan(p, |f| format_f64(f.bits))))
        }
    }
}

fn show_heap(heap: &WastHeapType<'_>) -> String {
    match abstract_heap_type(heap) {
        Some(h) => h.to_string(),
        None => "$type".into(),
    }
}
