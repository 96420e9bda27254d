//! File-driven tests: expectations written in a `.vir` file's comments.
//!
//! ```text
//! ;; run: fib(20) == 6765
//! ;; run: divmod(7, 2) == 3, 1
//! ;; run: reset()
//! ;; trap: div(1, 0) -> integer divide by zero
//! ```
//!
//! Arguments and results are read with the function's IR types. A result
//! written `nan` matches any NaN; `nan:0x...` matches that payload exactly.
//! [`spec_script`] turns the checks into a spec-style `.wast` script that
//! holds the compiled module, so that any wast runner can replay them.

use crate::diag::{Diagnostic, SourceFile, Span};
use crate::ir::{Module, Target, Type};
use crate::value::{TrapKind, Value, lower_type};
use std::fmt::Write;

/// One `;; run:` or `;; trap:` line.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub func: String,
    pub args: Vec<String>,
    pub expect: Expect,
    /// The span of the line, for error messages.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    Return(Vec<String>),
    Trap(TrapKind),
}

/// A result the check expects.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expected {
    Exact(Value),
    /// `nan`: any NaN of the type.
    AnyNan(Type),
}

impl Expected {
    pub fn matches(self, actual: Value) -> bool {
        match (self, actual) {
            (Expected::Exact(e), a) => e == a,
            (Expected::AnyNan(Type::F32), Value::F32(bits)) => f32::from_bits(bits).is_nan(),
            (Expected::AnyNan(Type::F64), Value::F64(bits)) => f64::from_bits(bits).is_nan(),
            _ => false,
        }
    }
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::Exact(v) => write!(f, "{v}"),
            Expected::AnyNan(_) => f.write_str("nan"),
        }
    }
}

/// Reads every check line of a file.
pub fn parse_checks(file: &SourceFile) -> Result<Vec<Check>, Diagnostic> {
    let mut checks = Vec::new();
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let span = Span::new(offset, offset + line.trim_end().len());
        offset += line.len();
        let text = line.trim();
        let Some(rest) = text.strip_prefix(";;") else {
            continue;
        };
        let rest = rest.trim_start();
        let check = if let Some(body) = rest.strip_prefix("run:") {
            parse_run(body, span)
        } else if let Some(body) = rest.strip_prefix("trap:") {
            parse_trap(body, span)
        } else {
            continue;
        };
        checks.push(check.map_err(|m| Diagnostic::new(m, span))?);
    }
    Ok(checks)
}

fn parse_run(body: &str, span: Span) -> Result<Check, String> {
    let (call, results) = match body.split_once("==") {
        Some((call, results)) => (call, split_list(results)),
        None => (body, Vec::new()),
    };
    let (func, args) = parse_call(call)?;
    Ok(Check {
        func,
        args,
        expect: Expect::Return(results),
        span,
    })
}

fn parse_trap(body: &str, span: Span) -> Result<Check, String> {
    let (call, message) = body
        .split_once("->")
        .ok_or("a trap check needs `-> <trap message>`")?;
    let (func, args) = parse_call(call)?;
    let message = message.trim();
    let kind = TrapKind::from_message(message)
        .ok_or_else(|| format!("unknown trap message `{message}`"))?;
    Ok(Check {
        func,
        args,
        expect: Expect::Trap(kind),
        span,
    })
}

/// `name(a, b)` into the name and the argument texts.
fn parse_call(text: &str) -> Result<(String, Vec<String>), String> {
    let text = text.trim();
    let (name, rest) = text
        .split_once('(')
        .ok_or_else(|| format!("expected `name(args)`, found `{text}`"))?;
    let args = rest
        .strip_suffix(')')
        .ok_or_else(|| format!("missing `)` in `{text}`"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err("missing function name".into());
    }
    Ok((name.to_string(), split_list(args)))
}

fn split_list(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() || text == "()" {
        return Vec::new();
    }
    text.split(',').map(|s| s.trim().to_string()).collect()
}

/// A check with its values read against the function's signature.
#[derive(Clone, Debug)]
pub struct TypedCheck {
    pub func: String,
    pub args: Vec<Value>,
    pub expect: TypedExpect,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypedExpect {
    Return(Vec<Expected>),
    Trap(TrapKind),
}

impl Check {
    /// Reads the argument and result texts with the function's types.
    pub fn typed(&self, module: &Module, target: Target) -> Result<TypedCheck, Diagnostic> {
        let err = |m: String| Diagnostic::new(m, self.span);
        let id = module
            .func_by_name(&self.func)
            .ok_or_else(|| err(format!("no function `@{}`", self.func)))?;
        let sig = &module.func(id).sig;
        if sig.params.len() != self.args.len() {
            return Err(err(format!(
                "`@{}` takes {} arguments, the check gives {}",
                self.func,
                sig.params.len(),
                self.args.len()
            )));
        }
        let args = self
            .args
            .iter()
            .zip(&sig.params)
            .map(|(text, ty)| Value::parse(text, *ty, target).map_err(err))
            .collect::<Result<Vec<_>, _>>()?;
        let expect = match &self.expect {
            Expect::Trap(kind) => TypedExpect::Trap(*kind),
            Expect::Return(texts) => {
                if texts.len() != sig.results.len() {
                    return Err(err(format!(
                        "`@{}` returns {} values, the check expects {}",
                        self.func,
                        sig.results.len(),
                        texts.len()
                    )));
                }
                let values = texts
                    .iter()
                    .zip(&sig.results)
                    .map(|(text, ty)| expected(text, *ty, target).map_err(err))
                    .collect::<Result<Vec<_>, _>>()?;
                TypedExpect::Return(values)
            }
        };
        Ok(TypedCheck {
            func: self.func.clone(),
            args,
            expect,
            span: self.span,
        })
    }
}

fn expected(text: &str, ty: Type, target: Target) -> Result<Expected, String> {
    if text == "nan" && ty.is_float() {
        return Ok(Expected::AnyNan(ty));
    }
    Value::parse(text, ty, target).map(Expected::Exact)
}

/// Whether results are what a check expects.
pub fn results_match(expected: &[Expected], actual: &[Value]) -> bool {
    expected.len() == actual.len() && expected.iter().zip(actual).all(|(e, a)| e.matches(*a))
}

/// A spec-style script: the module's WAT followed by one directive per check.
pub fn spec_script(header: &str, wat: &str, checks: &[TypedCheck]) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, ";; {line}");
    }
    out.push_str(wat);
    for check in checks {
        let invoke = invoke_text(check);
        let _ = match &check.expect {
            TypedExpect::Return(values) => {
                let results: Vec<String> = values.iter().map(|v| wast_expected(*v)).collect();
                if results.is_empty() {
                    writeln!(out, "(assert_return {invoke})")
                } else {
                    writeln!(out, "(assert_return {invoke} {})", results.join(" "))
                }
            }
            TypedExpect::Trap(kind) => writeln!(out, "(assert_trap {invoke} \"{kind}\")"),
        };
    }
    out
}

fn invoke_text(check: &TypedCheck) -> String {
    let mut text = format!("(invoke \"{}\"", check.func);
    for arg in &check.args {
        text.push(' ');
        text.push_str(&wast_value(*arg));
    }
    text.push(')');
    text
}

fn wast_value(value: Value) -> String {
    let ty = match value {
        Value::I32(_) => "i32",
        Value::I64(_) => "i64",
        Value::F32(_) => "f32",
        Value::F64(_) => "f64",
    };
    format!("({ty}.const {value})")
}

fn wast_expected(expected: Expected) -> String {
    match expected {
        Expected::Exact(v) => wast_value(v),
        // Any NaN that arithmetic may produce.
        Expected::AnyNan(ty) => {
            format!("({}.const nan:arithmetic)", lower_type(ty, Target::Wasm64))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_run_and_trap_lines() {
        let file = SourceFile::new(
            "t.vir",
            ";; run: f(1, -2) == 3, nan\n; plain comment\n;; trap: g() -> integer overflow\n;; run: h()\n",
        );
        let checks = parse_checks(&file).unwrap();
        assert_eq!(checks.len(), 3);
        assert_eq!(checks[0].func, "f");
        assert_eq!(checks[0].args, vec!["1", "-2"]);
        assert_eq!(
            checks[0].expect,
            Expect::Return(vec!["3".into(), "nan".into()])
        );
        assert_eq!(checks[1].expect, Expect::Trap(TrapKind::IntegerOverflow));
        assert_eq!(checks[2].expect, Expect::Return(vec![]));
    }

    #[test]
    fn rejects_malformed_lines_with_their_location() {
        let file = SourceFile::new("t.vir", "\n;; trap: g() -> exploded\n");
        let err = parse_checks(&file).unwrap_err().with_file(Some(&file));
        assert_eq!(err.location().as_deref(), Some("t.vir:2:1"));
        assert!(err.message.contains("unknown trap message"));
        let file = SourceFile::new("t.vir", ";; run: f(1 == 2\n");
        assert!(parse_checks(&file).is_err());
    }

    #[test]
    fn nan_matches_any_nan_but_exact_values_do_not() {
        let any = Expected::AnyNan(Type::F64);
        assert!(any.matches(Value::F64(f64::NAN.to_bits())));
        assert!(any.matches(Value::F64(0xfff8_0000_0000_0001)));
        assert!(!any.matches(Value::F64(1.0f64.to_bits())));
        assert!(
            !Expected::Exact(Value::F64(0.0f64.to_bits())).matches(Value::F64((-0.0f64).to_bits()))
        );
    }
}
