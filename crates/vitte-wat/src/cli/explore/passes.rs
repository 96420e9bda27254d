//! The pass view: each function's WAT (and, for the IR-to-IR passes, its
//! IR) after each pass the options run, and what each pass changed.
//!
//! The stages come from the library, not from a list of pass names kept
//! here: the first is the plain lowering (`-O0`: structured control flow,
//! every value in a local); then one stage per IR-to-IR pass as
//! [`optimize_module`] reports them (the switch expansion included, which
//! every level runs), each with the IR after it; then one per lowering
//! pass of [`PASSES`] the options switch on. The WAT of a stage is the
//! module compiled with the passes up to it switched on, the first ones in
//! [`PASSES`] order: the last stage is the page's own WAT. A pass added to
//! [`PASSES`] appears here with no change to this file.
//!
//! The page embeds, per function, the first stage's lines and then, per
//! stage, an edit script from the stage before ([`Step`]): compact for a
//! module of many functions, and exactly "what the pass changed".

use super::diff::{Edit, diff};
use super::model::{self, Page};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use vitte_codegen_wasm64::ir::{Module, Target};
use vitte_codegen_wasm64::lower::{Options, PASSES, lower_module_with_origins, optimize_module};
use vitte_codegen_wasm64::{encode, text, wat};

/// A stage of the pipeline, the same for every function.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Stage {
    /// `-O0` for the first, then the pass's name.
    pub name: String,
    /// What the pass does, from [`PASSES`] (empty for the others).
    pub what: String,
    /// An IR-to-IR pass: its stage has the IR after it.
    pub ir: bool,
}

/// One function at one stage: its code size and what changed from the
/// stage before (for the first stage, all its lines as added).
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct FuncStage {
    pub size: u64,
    /// The IR's edit script, empty for a lowering pass.
    pub ir: Vec<Step>,
    pub wat: Vec<Step>,
}

/// One step of an edit script: `n > 0` keeps the next `n` lines, `-n`
/// removes them, a string is a line added.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
#[serde(untagged)]
pub enum Step {
    Run(i64),
    Add(String),
}

/// One stage's text for every defined function, in module order.
struct Snapshot {
    name: String,
    ir: Option<Vec<Vec<String>>>,
    wat: Vec<Vec<String>>,
    sizes: Vec<u64>,
}

/// Adds the stages of `options` to `page`, the page of `module`.
pub fn add(
    page: &mut Page,
    module: &Module,
    target: Target,
    options: Options,
) -> Result<(), String> {
    let snapshots = snapshots(module, target, options)?;
    let defined = defined_names(module);
    for snap in &snapshots {
        if snap.wat.len() != defined.len() || snap.sizes.len() != defined.len() {
            return Err(format!("the stage {} has other functions", snap.name));
        }
    }
    let index: HashMap<&str, usize> = (defined.iter().enumerate())
        .map(|(k, name)| (name.as_str(), k))
        .collect();
    let empty: Vec<String> = Vec::new();
    for func in page.funcs.iter_mut() {
        let k = *(index.get(func.name.as_str()))
            .ok_or_else(|| format!("`{}` is not in the IR", func.name))?;
        let mut ir_before = &empty;
        let mut wat_before = &empty;
        for snap in &snapshots {
            let ir = match &snap.ir {
                Some(ir) => {
                    let steps = script(ir_before, &ir[k]);
                    ir_before = &ir[k];
                    steps
                }
                None => Vec::new(),
            };
            func.stages.push(FuncStage {
                size: snap.sizes[k],
                ir,
                wat: script(wat_before, &snap.wat[k]),
            });
            wat_before = &snap.wat[k];
        }
    }
    page.passes = (snapshots.into_iter())
        .map(|s| {
            let what = PASSES.iter().find(|p| p.name == s.name);
            Stage {
                what: what.map_or("", |p| p.what).to_string(),
                ir: s.ir.is_some(),
                name: s.name,
            }
        })
        .collect();
    Ok(())
}

/// Every stage of `options`, in order.
fn snapshots(module: &Module, target: Target, options: Options) -> Result<Vec<Snapshot>, String> {
    let mut ir_stages = vec![("-O0".to_string(), text::print_module(module))];
    optimize_module(module, &options, |name, after| {
        ir_stages.push((name.to_string(), text::print_module(after)));
    });
    let lowering = PASSES
        .iter()
        .filter(|p| !p.rewrites_ir && options.enabled(p.name) == Some(true));
    let mut stages: Vec<(String, Option<String>)> = (ir_stages.into_iter())
        .map(|(n, ir)| (n, Some(ir)))
        .collect();
    stages.extend(lowering.map(|p| (p.name.to_string(), None)));
    let mut on = Options::none();
    let mut out: Vec<Snapshot> = Vec::with_capacity(stages.len());
    for (name, ir) in stages {
        // Not every stage is a switch (`-O0`, the switch expansion): those
        // lower as the stage before.
        let switched = on.set(&name, true).is_ok();
        let (wat, sizes) = match out.last() {
            Some(prev) if !switched => (prev.wat.clone(), prev.sizes.clone()),
            _ => lower(module, target, on)?,
        };
        out.push(Snapshot {
            name,
            ir: ir.map(|text| split_ir(&text)),
            wat,
            sizes,
        });
    }
    Ok(out)
}

/// The names of the functions with IR bodies, in module order: the
/// functions of every stage.
fn defined_names(module: &Module) -> Vec<String> {
    (module.funcs.iter())
        .filter(|f| !f.is_import())
        .map(|f| f.name.clone())
        .collect()
}

/// The WAT of each function with an IR body (without position markers)
/// and its code size, lowered with `options`: one lowering, printed and
/// encoded (the bytes `build` gives, without assembling the text again).
/// A function the lowering left out (`dead-functions`) has no lines and
/// size 0.
fn lower(
    module: &Module,
    target: Target,
    options: Options,
) -> Result<(Vec<Vec<String>>, Vec<u64>), String> {
    let (lowered, origins) =
        lower_module_with_origins(module, target, options).map_err(|e| e.to_string())?;
    let text = wat::print_module(&lowered);
    let wasm = encode::encode_module(&lowered).map_err(|e| e.to_string())?;
    let defined = defined_names(module);
    let index: HashMap<&str, usize> = (defined.iter().enumerate())
        .map(|(k, name)| (name.as_str(), k))
        .collect();
    let mut wat = vec![Vec::new(); defined.len()];
    let mut sizes = vec![0; defined.len()];
    // The emitted functions with IR bodies come first, in the order of
    // their origins; the generated ones after them (the wasm64 WASI
    // adapters, a threads program's data initialiser) have no IR and no
    // stages.
    let lines = model::split_wat(&text);
    let bodies = model::operators(&wasm)?;
    for ((origin, lines), body) in origins.iter().zip(lines).zip(&bodies) {
        let k = *(index.get(origin.ir_name.as_str()))
            .ok_or_else(|| format!("`{}` is not in the IR", origin.ir_name))?;
        wat[k] = lines.into_iter().map(str::to_string).collect();
        sizes[k] = body.size;
    }
    Ok((wat, sizes))
}

/// The printed IR's functions with bodies, each from its `fn` line to its
/// closing `}`, in module order.
fn split_ir(text: &str) -> Vec<Vec<String>> {
    let mut funcs = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in text.lines() {
        if let Some(lines) = current.as_mut() {
            lines.push(line.to_string());
            if line == "}" {
                funcs.extend(current.take());
            }
        } else if line.contains("fn @") && line.ends_with('{') {
            current = Some(vec![line.to_string()]);
        }
    }
    funcs
}

/// The edit script from `old` to `new`, runs of kept and removed lines
/// counted.
pub fn script(old: &[String], new: &[String]) -> Vec<Step> {
    let old: Vec<&str> = old.iter().map(String::as_str).collect();
    let new: Vec<&str> = new.iter().map(String::as_str).collect();
    let mut steps: Vec<Step> = Vec::new();
    for edit in diff(&old, &new) {
        let run = match edit {
            Edit::Same(_) => 1,
            Edit::Del(_) => -1,
            Edit::Add(line) => {
                steps.push(Step::Add(line.to_string()));
                continue;
            }
        };
        match steps.last_mut() {
            Some(Step::Run(n)) if (*n > 0) == (run > 0) => *n += run,
            _ => steps.push(Step::Run(run)),
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::{Step, script};

    /// Applies `steps` to `old`: the new lines (as the page's script does).
    fn apply(old: &[String], steps: &[Step]) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        let mut at = 0usize;
        for step in steps {
            match step {
                Step::Add(line) => out.push(line.clone()),
                Step::Run(n) => {
                    let len = n.unsigned_abs() as usize;
                    let run = old
                        .get(at..at + len)
                        .ok_or("the script runs past the lines")?;
                    if *n > 0 {
                        out.extend_from_slice(run);
                    }
                    at += len;
                }
            }
        }
        if at != old.len() {
            return Err(format!("the script covers {at} of {} lines", old.len()));
        }
        Ok(out)
    }

    fn lines(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn a_script_counts_runs_and_rebuilds_the_new_lines() {
        let (old, new) = (lines("a b c d e"), lines("a x c d f"));
        let steps = script(&old, &new);
        assert_eq!(
            steps,
            [
                Step::Run(1),
                Step::Run(-1),
                Step::Add("x".into()),
                Step::Run(2),
                Step::Run(-1),
                Step::Add("f".into()),
            ]
        );
        assert_eq!(apply(&old, &steps).unwrap(), new);
        assert!(apply(&lines("a b"), &steps).is_err());
        assert_eq!(script(&[], &lines("a")), [Step::Add("a".into())]);
    }
}
