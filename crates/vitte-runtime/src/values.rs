//! Conversions between the crate's [`Value`]s and IR types and wasmtime's.

use super::RunError;
use crate::ir::{Target, Type};
use crate::value::{Value, lower_type};
use wasmtime::{Val, ValType};

pub(crate) fn check_arity(name: &str, expected: usize, found: usize) -> Result<(), RunError> {
    if expected == found {
        return Ok(());
    }
    Err(RunError::BadArguments(format!(
        "`{name}` takes {expected} argument(s), {found} given"
    )))
}

/// The IR type for a wasm parameter type (only numeric types are supported).
pub(crate) fn ir_type(ty: &ValType) -> Result<Type, String> {
    match ty {
        ValType::I32 => Ok(Type::I32),
        ValType::I64 => Ok(Type::I64),
        ValType::F32 => Ok(Type::F32),
        ValType::F64 => Ok(Type::F64),
        other => Err(format!("unsupported parameter type {other}")),
    }
}

/// The wasm type of an IR type on a target (`ptr` is i64 or i32).
pub(crate) fn val_type(ty: Type, target: Target) -> ValType {
    match lower_type(ty, target) {
        Type::I32 => ValType::I32,
        Type::I64 => ValType::I64,
        Type::F32 => ValType::F32,
        _ => ValType::F64,
    }
}

pub(crate) fn value_type(v: Value) -> Type {
    match v {
        Value::I32(_) => Type::I32,
        Value::I64(_) => Type::I64,
        Value::F32(_) => Type::F32,
        Value::F64(_) => Type::F64,
    }
}

pub(crate) fn to_val(v: Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(bits) => Val::F32(bits),
        Value::F64(bits) => Val::F64(bits),
    }
}

pub(crate) fn from_val(v: &Val) -> Option<Value> {
    match v {
        Val::I32(x) => Some(Value::I32(*x)),
        Val::I64(x) => Some(Value::I64(*x)),
        Val::F32(bits) => Some(Value::F32(*bits)),
        Val::F64(bits) => Some(Value::F64(*bits)),
        _ => None,
    }
}
