//! A runner for spec-style `.wast` scripts, on the [`runtime`](crate::runtime).
//!
//! This is the core the golden tests replay their generated scripts with:
//! `module` (text, binary or quoted), `invoke`, `assert_return` (with
//! `nan:canonical` and `nan:arithmetic`) and `assert_trap`. Every directive
//! counts: a failure records its `file:line:col` and the run goes on. A
//! directive this runner does not handle yet is a failure that says so,
//! never a silent pass.

use crate::diag::SourceFile;
use crate::runtime::{Instance, RunError, Runtime};
use crate::value::Value;
use std::fmt;
use wast::core::{NanPattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// The outcome of one script.
#[derive(Debug, Default)]
pub struct Report {
    pub passed: usize,
    pub failures: Vec<Failure>,
}

impl Report {
    pub fn total(&self) -> usize {
        self.passed + self.failures.len()
    }
}

/// A directive that did not do what the script says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `file:line:col` of the directive.
    pub location: String,
    pub directive: &'static str,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location, self.directive, self.message)
    }
}

/// Runs a whole script. A script that does not parse is an error, rendered
/// with its location; a directive that fails is recorded in the report.
pub fn run_script(runtime: &Runtime, path: &str, text: &str) -> Result<Report, String> {
    let file = SourceFile::new(path, text);
    let buffer = ParseBuffer::new(text).map_err(|e| located(e, path, text))?;
    let script: Wast = parser::parse(&buffer).map_err(|e| located(e, path, text))?;
    let mut runner = Runner {
        runtime,
        file: &file,
        instance: None,
        report: Report::default(),
    };
    for directive in script.directives {
        runner.directive(directive);
    }
    Ok(runner.report)
}

fn located(mut error: wast::Error, path: &str, text: &str) -> String {
    error.set_path(std::path::Path::new(path));
    error.set_text(text);
    error.to_string()
}

struct Runner<'a> {
    runtime: &'a Runtime,
    file: &'a SourceFile,
    instance: Option<Instance>,
    report: Report,
}

impl Runner<'_> {
    fn directive(&mut self, directive: WastDirective<'_>) {
        let span = directive.span();
        let (name, outcome) = match directive {
            WastDirective::Module(module) => ("module", self.module(module)),
            WastDirective::Invoke(invoke) => ("invoke", self.invoke(&invoke).map(|_| ())),
            WastDirective::AssertReturn { exec, results, .. } => {
                ("assert_return", self.assert_return(exec, &results))
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                ("assert_trap", self.assert_trap(exec, message))
            }
            other => (
                "directive",
                Err(format!("not supported by this runner yet: {other:?}")
                    .chars()
                    .take(120)
                    .collect()),
            ),
        };
        match outcome {
            Ok(()) => self.report.passed += 1,
            Err(message) => {
                let (line, col) = self.file.line_col(span.offset());
                self.report.failures.push(Failure {
                    location: format!("{}:{line}:{col}", self.file.name),
                    directive: name,
                    message,
                });
            }
        }
    }

    fn module(&mut self, mut module: QuoteWat<'_>) -> Result<(), String> {
        // A failed module leaves no current instance, so later directives fail too.
        self.instance = None;
        let bytes = module.encode().map_err(|e| e.to_string())?;
        let instance = self
            .runtime
            .instantiate(&bytes)
            .map_err(|e| e.to_string())?;
        self.instance = Some(instance);
        Ok(())
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Result<Vec<Value>, RunError>, String> {
        if invoke.module.is_some() {
            return Err("invoking a named module is not supported yet".into());
        }
        let args = invoke
            .args
            .iter()
            .map(arg_value)
            .collect::<Result<Vec<_>, _>>()?;
        let instance = self.instance.as_mut().ok_or("no module to invoke")?;
        Ok(instance.invoke(invoke.name, &args))
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Result<Vec<Value>, RunError>, String> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            _ => Err("only `invoke` is supported as an action yet".into()),
        }
    }

    fn assert_return(
        &mut self,
        exec: WastExecute<'_>,
        expected: &[WastRet<'_>],
    ) -> Result<(), String> {
        let actual = self
            .execute(exec)?
            .map_err(|e| format!("expected results, got {e}"))?;
        let matches = actual.len() == expected.len()
            && expected
                .iter()
                .zip(&actual)
                .all(|(e, a)| ret_matches(e, *a));
        if matches {
            Ok(())
        } else {
            let actual: Vec<String> = actual.iter().map(|v| v.to_string()).collect();
            Err(format!(
                "expected {}, got ({})",
                describe_expected(expected),
                actual.join(", ")
            ))
        }
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Result<(), String> {
        match self.execute(exec)? {
            Ok(values) => {
                let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                Err(format!(
                    "expected trap `{message}`, got ({})",
                    values.join(", ")
                ))
            }
            Err(RunError::Trap {
                kind,
                message: full,
            }) => {
                if kind.message().starts_with(message) || full.contains(message) {
                    Ok(())
                } else {
                    Err(format!("expected trap `{message}`, got trap `{kind}`"))
                }
            }
            Err(other) => Err(format!("expected trap `{message}`, got {other}")),
        }
    }
}

fn arg_value(arg: &WastArg<'_>) -> Result<Value, String> {
    match arg {
        WastArg::Core(WastArgCore::I32(v)) => Ok(Value::I32(*v)),
        WastArg::Core(WastArgCore::I64(v)) => Ok(Value::I64(*v)),
        WastArg::Core(WastArgCore::F32(v)) => Ok(Value::F32(v.bits)),
        WastArg::Core(WastArgCore::F64(v)) => Ok(Value::F64(v.bits)),
        other => Err(format!("unsupported argument {other:?}")),
    }
}

fn ret_matches(expected: &WastRet<'_>, actual: Value) -> bool {
    match (expected, actual) {
        (WastRet::Core(WastRetCore::I32(e)), Value::I32(a)) => *e == a,
        (WastRet::Core(WastRetCore::I64(e)), Value::I64(a)) => *e == a,
        (WastRet::Core(WastRetCore::F32(p)), Value::F32(bits)) => match p {
            NanPattern::Value(e) => e.bits == bits,
            NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
            NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        },
        (WastRet::Core(WastRetCore::F64(p)), Value::F64(bits)) => match p {
            NanPattern::Value(e) => e.bits == bits,
            NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
            NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        },
        _ => false,
    }
}

fn describe_expected(expected: &[WastRet<'_>]) -> String {
    let parts: Vec<String> = expected
        .iter()
        .map(|r| match r {
            WastRet::Core(WastRetCore::I32(v)) => v.to_string(),
            WastRet::Core(WastRetCore::I64(v)) => v.to_string(),
            WastRet::Core(WastRetCore::F32(NanPattern::Value(v))) => Value::F32(v.bits).to_string(),
            WastRet::Core(WastRetCore::F64(NanPattern::Value(v))) => Value::F64(v.bits).to_string(),
            WastRet::Core(WastRetCore::F32(_) | WastRetCore::F64(_)) => "nan".to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    format!("({})", parts.join(", "))
}
