//! Running one program through the reference interpreter and wasmtime, on
//! wasm64 and wasm32, and comparing the outcomes call by call.

use super::{Call, Program, well_formed};
use crate::WasmBackend;
use crate::interp::{InterpError, Interpreter};
use crate::ir::{Module, Target};
use crate::runtime::{RunError, Runtime};
use crate::value::{TrapKind, Value};
use std::fmt;

/// Instructions the interpreter may run per call: a safety net, far above
/// what the budgets of a generated program allow.
const INTERP_FUEL: u64 = 20_000_000;
/// The same net for wasmtime: its units are roughly wasm instructions, plus
/// about one per byte of `memory.copy` and `memory.fill`.
const WASM_FUEL: u64 = 200_000_000;

/// How one call ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Return(Vec<Value>),
    Trap(TrapKind),
    /// Neither: a harness or embedding error (bad export, link error, ...).
    Error(String),
}

impl Outcome {
    /// The same results (a NaN equals any NaN: wasm leaves payloads open),
    /// or the same trap kind.
    pub fn agrees(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Return(a), Outcome::Return(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(*x, *y))
            }
            (Outcome::Trap(a), Outcome::Trap(b)) => a == b,
            (Outcome::Error(a), Outcome::Error(b)) => a == b,
            _ => false,
        }
    }

    fn interrupted(&self) -> bool {
        matches!(self, Outcome::Trap(TrapKind::Interrupted))
    }
}

fn same_value(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::F32(x), Value::F32(y)) => {
            x == y || (f32::from_bits(x).is_nan() && f32::from_bits(y).is_nan())
        }
        (Value::F64(x), Value::F64(y)) => {
            x == y || (f64::from_bits(x).is_nan() && f64::from_bits(y).is_nan())
        }
        _ => a == b,
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Return(values) => {
                let parts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                write!(f, "({})", parts.join(", "))
            }
            Outcome::Trap(kind) => write!(f, "trap `{kind}`"),
            Outcome::Error(message) => write!(f, "error: {message}"),
        }
    }
}

/// Two engines that disagree, or a pipeline that failed on a valid program.
#[derive(Clone, Debug)]
pub struct Mismatch {
    pub target: Target,
    /// The call that differs; `None` when the program did not compile or
    /// instantiate.
    pub call: Option<usize>,
    /// The reference interpreter's outcome.
    pub expected: Outcome,
    /// wasmtime's outcome (an error when compiling failed).
    pub actual: Outcome,
}

/// What checking one program found.
#[derive(Clone, Debug)]
pub enum Verdict {
    Pass,
    Mismatch(Mismatch),
    /// The program breaks a promise of the generator (it does not verify or
    /// round-trip, or runs out of fuel): a bug in the generator.
    GeneratorBug(String),
}

/// A verdict, and the interpreter's outcome of each call on each target
/// (wasm64 first), for the failure file and the statistics.
#[derive(Clone, Debug)]
pub struct ProgramReport {
    pub verdict: Verdict,
    pub interp: Vec<(Target, Vec<Outcome>)>,
    /// What each call of an entry did in the interpreter on wasm64.
    pub stats: Vec<CallStats>,
}

/// What one call of an entry did, to see whether programs do real work.
#[derive(Clone, Copy, Debug, Default)]
pub struct CallStats {
    /// IR instructions executed.
    pub executed: u64,
    /// Loop iterations (and irreducible cycle trips) taken.
    pub iterations: u64,
    /// Function entries (calls of internal functions).
    pub calls: u64,
    /// The loop budget ran out.
    pub out_of_fuel: bool,
    /// The call budget ran out.
    pub out_of_calls: bool,
}

/// Checks programs; one runner serves many threads.
pub struct Runner {
    runtime: Runtime,
    backend: WasmBackend,
    interp_fuel: u64,
    wasm_fuel: u64,
}

pub const TARGETS: [Target; 2] = [Target::Wasm64, Target::Wasm32];

impl Runner {
    pub fn new() -> Result<Runner, String> {
        let runtime = Runtime::new().map_err(|e| format!("cannot start wasmtime: {e}"))?;
        Ok(Runner {
            runtime,
            backend: WasmBackend::new(),
            interp_fuel: INTERP_FUEL,
            wasm_fuel: WASM_FUEL,
        })
    }

    /// The same runner compiling with chosen optimisations (`-O`).
    pub fn with_options(self, options: vitte_codegen_wasm64::lower::Options) -> Runner {
        Runner {
            backend: WasmBackend::with_options(options),
            ..self
        }
    }

    /// The same runner with other safety nets: the reducer uses small ones,
    /// since its candidates may loop until the net stops them.
    pub fn with_fuel(self, interp_fuel: u64, wasm_fuel: u64) -> Runner {
        Runner {
            interp_fuel,
            wasm_fuel,
            ..self
        }
    }

    /// Verifies, round-trips and runs a program on both targets.
    pub fn check(&self, program: &Program) -> ProgramReport {
        self.check_on(program, &TARGETS)
    }

    /// [`Runner::check`] on some targets only.
    pub fn check_on(&self, program: &Program, targets: &[Target]) -> ProgramReport {
        let mut report = ProgramReport {
            verdict: Verdict::Pass,
            interp: Vec::new(),
            stats: Vec::new(),
        };
        if let Err(message) = well_formed(&program.module) {
            report.verdict = Verdict::GeneratorBug(message);
            return report;
        }
        for &target in targets {
            let expected = run_interpreter(program, target, self.interp_fuel);
            let verdict = match &expected {
                Ok((outcomes, _)) => self.compare(program, target, outcomes),
                Err(message) => Verdict::GeneratorBug(message.clone()),
            };
            let (outcomes, stats) = expected.unwrap_or_default();
            if target == Target::Wasm64 {
                report.stats = stats;
            }
            report.interp.push((target, outcomes));
            if !matches!(verdict, Verdict::Pass) {
                report.verdict = verdict;
                return report;
            }
        }
        report
    }

    /// Runs the compiled program and compares with the interpreter's outcomes.
    fn compare(&self, program: &Program, target: Target, expected: &[Outcome]) -> Verdict {
        if let Some(i) = expected.iter().position(Outcome::interrupted) {
            let func = &program.calls[i].func;
            return Verdict::GeneratorBug(format!(
                "the interpreter ran out of fuel in call {i} (@{func}) on {target}"
            ));
        }
        let actual = match self.run_wasm(&program.module, target, &program.calls) {
            Ok(actual) => actual,
            Err(message) => {
                return Verdict::Mismatch(Mismatch {
                    target,
                    call: None,
                    expected: Outcome::Return(vec![]),
                    actual: Outcome::Error(message),
                });
            }
        };
        for (i, (e, a)) in expected.iter().zip(&actual).enumerate() {
            if !e.agrees(a) {
                if a.interrupted() {
                    return Verdict::GeneratorBug(format!(
                        "wasmtime ran out of fuel in call {i} on {target}"
                    ));
                }
                return Verdict::Mismatch(Mismatch {
                    target,
                    call: Some(i),
                    expected: e.clone(),
                    actual: a.clone(),
                });
            }
        }
        Verdict::Pass
    }

    /// Compiles, instantiates once and makes every call in order.
    fn run_wasm(
        &self,
        module: &Module,
        target: Target,
        calls: &[Call],
    ) -> Result<Vec<Outcome>, String> {
        let compiled = self
            .backend
            .compile_module(module, target)
            .map_err(|e| e.to_string())?;
        same_binary_directly(&self.backend, module, target, &compiled.wasm)?;
        let mut instance = self
            .runtime
            .instantiate(&compiled.wasm)
            .map_err(|e| e.to_string())?;
        let mut outcomes = Vec::with_capacity(calls.len());
        for call in calls {
            let args: Vec<Value> = call.args.iter().map(|a| a.value(target)).collect();
            instance
                .set_fuel(self.wasm_fuel)
                .map_err(|e| format!("cannot set fuel: {e}"))?;
            outcomes.push(match instance.invoke(&call.func, &args) {
                Ok(values) => Outcome::Return(values),
                Err(RunError::Trap { kind, .. }) => Outcome::Trap(kind),
                Err(e) => Outcome::Error(e.to_string()),
            });
        }
        Ok(outcomes)
    }
}

/// The direct binary path must give the bytes the text path gave.
fn same_binary_directly(
    backend: &WasmBackend,
    module: &Module,
    target: Target,
    via_text: &[u8],
) -> Result<(), String> {
    let direct = backend
        .compile_module_direct(module, target)
        .map_err(|e| format!("direct binary path: {e}"))?;
    match direct.iter().zip(via_text).position(|(a, b)| a != b) {
        None if direct.len() == via_text.len() => Ok(()),
        at => Err(format!(
            "the direct binary path differs from the text path at byte {} ({} bytes against {})",
            at.unwrap_or(direct.len().min(via_text.len())),
            direct.len(),
            via_text.len()
        )),
    }
}

/// The reference interpreter's outcome of each call, on a fresh instance.
pub fn interpret(module: &Module, target: Target, calls: &[Call]) -> Result<Vec<Outcome>, String> {
    let mut interp = Interpreter::new(module, target).map_err(|d| d.to_string())?;
    Ok(calls
        .iter()
        .map(|call| interpret_call(&mut interp, call, target, INTERP_FUEL))
        .collect())
}

fn interpret_call(interp: &mut Interpreter, call: &Call, target: Target, fuel: u64) -> Outcome {
    let args: Vec<Value> = call.args.iter().map(|a| a.value(target)).collect();
    interp.set_fuel(Some(fuel));
    match interp.call(&call.func, &args) {
        Ok(values) => Outcome::Return(values),
        Err(InterpError::Trap(trap)) => Outcome::Trap(trap.kind),
        Err(e) => Outcome::Error(e.to_string()),
    }
}

/// [`interpret`], plus what each call of an entry did (read from the
/// interpreter's fuel and the program's budget globals).
fn run_interpreter(
    program: &Program,
    target: Target,
    fuel: u64,
) -> Result<(Vec<Outcome>, Vec<CallStats>), String> {
    let mut interp = Interpreter::new(&program.module, target).map_err(|d| d.to_string())?;
    let budget = |interp: &Interpreter, name: &str| match interp.global(name) {
        Some(Value::I32(v)) => v as i64,
        _ => 0,
    };
    let mut outcomes = Vec::new();
    let mut stats = Vec::new();
    for call in &program.calls {
        outcomes.push(interpret_call(&mut interp, call, target, fuel));
        if call.func == "state" {
            continue;
        }
        let loops_left = budget(&interp, "fuel");
        let calls_left = budget(&interp, "calls");
        stats.push(CallStats {
            executed: fuel - interp.fuel().unwrap_or(fuel),
            iterations: (program.config.loop_fuel as i64 - loops_left.max(0)) as u64,
            calls: (program.config.call_fuel as i64 - calls_left.max(0)) as u64,
            out_of_fuel: loops_left <= 0,
            out_of_calls: calls_left <= 0,
        });
    }
    Ok((outcomes, stats))
}
