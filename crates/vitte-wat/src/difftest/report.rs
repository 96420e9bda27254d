//! A failing program as a `.vir` file whose `;; run:` / `;; trap:` lines are
//! the reference interpreter's outcomes, ready to become a golden case in
//! `tests/cases/` (see [`crate::filetest`]).

use super::diff::{Outcome, ProgramReport, Verdict};
use super::{Arg, Call, GenConfig, Program};
use crate::diag::SourceFile;
use crate::filetest;
use crate::ir::Target;
use crate::text::print_module;
use crate::value::Value;
use std::fmt::Write;

/// A program read back from a `.vir` file with checks (a failure file, or
/// a golden case): its module, and its checks as the calls to make.
pub fn program_from_vir(name: &str, text: &str) -> Result<Program, String> {
    let file = SourceFile::new(name, text);
    let module = crate::text::load(&file).map_err(|ds| ds.to_string())?;
    let checks = filetest::parse_checks(&file).map_err(|d| d.to_string())?;
    let calls = checks
        .iter()
        .map(|check| {
            let typed = check
                .typed(&module, Target::Wasm64)
                .map_err(|d| d.with_file(Some(&file)).to_string())?;
            let id = module.func_by_name(&check.func).ok_or("no such function")?;
            let params = &module.func(id).sig.params;
            let args = params
                .iter()
                .zip(&typed.args)
                .map(|(&ty, &v)| Arg { ty, bits: bits(v) })
                .collect();
            Ok(Call {
                func: check.func.clone(),
                args,
            })
        })
        .collect::<Result<Vec<Call>, String>>()?;
    let seed = text
        .lines()
        .find_map(|l| l.strip_prefix(";; A program of the differential test: seed "))
        .and_then(|rest| rest.trim_end_matches('.').parse().ok())
        .unwrap_or(0);
    Ok(Program {
        seed,
        config: GenConfig {
            irreducible: !text.contains("--reducible-only"),
            ..GenConfig::default()
        },
        module,
        calls,
    })
}

fn bits(value: Value) -> u64 {
    match value {
        Value::I32(v) => v as u32 as u64,
        Value::I64(v) => v as u64,
        Value::F32(b) => b as u64,
        Value::F64(b) => b,
    }
}

/// The text of the failure file of a checked program.
pub fn failure_file(program: &Program, report: &ProgramReport) -> String {
    let mut out = String::new();
    let flag = if program.config.irreducible {
        ""
    } else {
        " --reducible-only"
    };
    let _ = writeln!(
        out,
        ";; A program of the differential test: seed {seed}.\n\
         ;; Rerun: vitte-wat difftest --seed {seed} --count 1{flag}",
        seed = program.seed
    );
    let target = describe_verdict(&mut out, program, &report.verdict);
    let outcomes = report
        .interp
        .iter()
        .find(|(t, _)| *t == target)
        .map(|(_, o)| o.as_slice())
        .unwrap_or(&[]);
    let _ = writeln!(
        out,
        ";; The checks are the reference interpreter's outcomes on {target}, in order."
    );
    note_target_differences(&mut out, report, target);
    for (call, outcome) in program.calls.iter().zip(outcomes) {
        let _ = writeln!(out, "{}", check_line(call, outcome, target));
    }
    out.push('\n');
    out.push_str(&print_module(&program.module));
    out
}

/// Writes what went wrong; gives the target the checks are for.
fn describe_verdict(out: &mut String, program: &Program, verdict: &Verdict) -> Target {
    match verdict {
        Verdict::Mismatch(m) => {
            match m.call {
                Some(i) => {
                    let call = &program.calls[i];
                    let _ = writeln!(
                        out,
                        ";; Mismatch on {} at call {i}, {}:\n\
                         ;;   reference interpreter: {}\n\
                         ;;   wasmtime:              {}",
                        m.target,
                        call_text(call, m.target),
                        m.expected,
                        m.actual
                    );
                }
                None => {
                    let _ = writeln!(out, ";; The {} pipeline failed:", m.target);
                    for line in m.actual.to_string().lines() {
                        let _ = writeln!(out, ";;   {line}");
                    }
                }
            }
            m.target
        }
        Verdict::GeneratorBug(message) => {
            let _ = writeln!(out, ";; Generator bug: {message}");
            Target::Wasm64
        }
        Verdict::Pass => {
            let _ = writeln!(
                out,
                ";; The interpreter and wasmtime agree on both targets."
            );
            Target::Wasm64
        }
    }
}

/// Golden cases run their checks on both targets: say where they differ.
fn note_target_differences(out: &mut String, report: &ProgramReport, target: Target) {
    let [(_, a), (_, b)] = report.interp.as_slice() else {
        return;
    };
    let differ: Vec<String> = a
        .iter()
        .zip(b)
        .enumerate()
        .filter(|(_, (x, y))| !x.agrees(y))
        .map(|(i, _)| i.to_string())
        .collect();
    if !differ.is_empty() {
        let _ = writeln!(
            out,
            ";; Note: the interpreter gives other outcomes on the other target than on \
             {target} for calls {}; keep only portable checks in a golden case.",
            differ.join(", ")
        );
    }
}

fn call_text(call: &Call, target: Target) -> String {
    let args: Vec<String> = call
        .args
        .iter()
        .map(|a| a.value(target).to_string())
        .collect();
    format!("{}({})", call.func, args.join(", "))
}

/// `;; run: f(1, 2) == 3` or `;; trap: f(0) -> integer divide by zero`.
fn check_line(call: &Call, outcome: &Outcome, target: Target) -> String {
    let call_text = call_text(call, target);
    match outcome {
        Outcome::Return(values) if values.is_empty() => format!(";; run: {call_text}"),
        Outcome::Return(values) => {
            let parts: Vec<String> = values.iter().map(|v| result_text(*v)).collect();
            format!(";; run: {call_text} == {}", parts.join(", "))
        }
        Outcome::Trap(kind) => format!(";; trap: {call_text} -> {kind}"),
        Outcome::Error(message) => format!(";; (no check) {call_text}: {message}"),
    }
}

/// A result as a check expects it: any NaN is written `nan`.
fn result_text(value: Value) -> String {
    match value {
        Value::F32(bits) if f32::from_bits(bits).is_nan() => "nan".into(),
        Value::F64(bits) if f64::from_bits(bits).is_nan() => "nan".into(),
        other => other.to_string(),
    }
}
