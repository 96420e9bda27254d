//! The data the explorer page shows, computed once in Rust and embedded in
//! the page as JSON: per function, the IR lines (with their block), the WAT
//! lines, the binary's operators (offset and bytes), the links between them
//! (all three are keyed by IR line) and the control-flow graph.
//!
//! Links come from the lowering's own origins, not from re-reading text:
//! the WAT lines from the `;;@ file:line:col` markers `-g` prints (each
//! applies to the instructions after it), the operators from
//! [`FuncOrigins::operators`] (the origin of each operator in binary order).
//! Code inlined from a callee is linked to the line of the outermost call,
//! in the function shown.

use super::cfg::{self, Cfg};
use super::passes::{FuncStage, Stage};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::ir::{Function, Module, ValueId};
use vitte_codegen_wasm64::wat::FuncOrigins;
use wasmparser::{Parser, Payload};

/// Everything the page shows. The field names are short: a module of
/// 1,000 functions embeds all of it.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Page {
    /// The input's name, as the diagnostics print it.
    pub file: String,
    pub target: String,
    pub funcs: Vec<Func>,
    /// The stages of the pass view ([`passes`](super::passes)); empty in
    /// the pages `--diff` compares.
    pub passes: Vec<Stage>,
    /// With `--profile`, the samples of the profile (0 without one).
    pub samples: u64,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Func {
    /// The IR name, without `@`.
    pub name: String,
    /// The body's size in the binary, in bytes (its locals included).
    pub size: u64,
    /// The WAT lines declaring its parameters and locals.
    pub locals: Vec<String>,
    /// The function's lines of IR source.
    pub ir: Vec<IrLine>,
    /// Its WAT, from `(func` to the closing `)`, comments included.
    pub wat: Vec<WatLine>,
    /// The body's operators in binary order, the final `end` included.
    pub ops: Vec<Op>,
    pub cfg: Cfg,
    /// The function at each of the page's [`Page::passes`].
    pub stages: Vec<FuncStage>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct IrLine {
    /// 1-based line in the input.
    pub n: u32,
    pub text: String,
    /// The index of the block the line belongs to in `cfg.blocks`, or -1
    /// (the signature, the closing brace).
    pub b: i32,
    /// An instruction or a terminator starts on this line.
    pub inst: bool,
    /// For an instruction with no code of its own (a constant the lowering
    /// rematerializes at each use, an address folded into a load's
    /// offset...): the lines whose code computes it in its place, found by
    /// following its value to its users.
    pub via: Vec<u32>,
    /// In a block unreachable from the entry: the lowering drops it.
    pub dead: bool,
    /// With `--profile`, the samples whose innermost frame is this line.
    pub s: u64,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct WatLine {
    pub text: String,
    /// The IR line it came from (0: none, e.g. a comment or `(local`).
    pub l: u32,
    /// For an instruction, its operator's index in `ops` (-1 otherwise, or
    /// when the text and the binary do not pair up one to one).
    pub op: i32,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Op {
    /// The file offset of the operator in the binary.
    pub off: u64,
    /// Its encoding, in hex.
    pub hex: String,
    /// Its IR line (0: none).
    pub l: u32,
    /// Its WAT line's index in `wat`, or -1.
    pub w: i32,
}

/// Builds the page's data for `module`, loaded from `source`, lowered to
/// `wat` (printed with `-g` markers) and assembled to `wasm` with
/// `origins`.
pub fn build(
    source: &Arc<SourceFile>,
    module: &Module,
    target: &str,
    wat: &str,
    wasm: &[u8],
    origins: &[FuncOrigins],
) -> Result<Page, String> {
    let bodies = operators(wasm)?;
    let wat_funcs = split_wat(wat);
    let defined: HashMap<&str, &Function> = (module.funcs.iter())
        .filter(|f| !f.is_import())
        .map(|f| (f.name.as_str(), f))
        .collect();
    let mut funcs = Vec::with_capacity(origins.len());
    // `origins` lists the functions the module emits with their IR bodies,
    // in module order (`dead-functions` leaves some out), then none for
    // the adapters: the bodies and the WAT functions are in its order.
    for (i, origin) in origins.iter().enumerate() {
        let func = (defined.get(origin.ir_name.as_str()))
            .ok_or_else(|| format!("the binary's `{}` is not in the IR", origin.ir_name))?;
        let body = bodies
            .get(i)
            .ok_or("the binary has fewer bodies than the IR")?;
        let wat_lines = wat_funcs
            .get(i)
            .ok_or("the WAT has fewer functions than the IR")?;
        funcs.push(function(source, func, origin, body, wat_lines));
    }
    Ok(Page {
        file: source.name.clone(),
        target: target.to_string(),
        funcs,
        passes: Vec::new(),
        samples: 0,
    })
}

fn function(
    source: &Arc<SourceFile>,
    func: &Function,
    origin: &FuncOrigins,
    body: &Body,
    wat_text: &[&str],
) -> Func {
    let cfg = cfg::of(func);
    let ir = ir_lines(source, func);
    let mut wat: Vec<WatLine> = Vec::with_capacity(wat_text.len());
    let mut current = 0;
    let mut instrs = Vec::new();
    let mut locals = Vec::new();
    let last = wat_text.len().saturating_sub(1);
    for (i, text) in wat_text.iter().enumerate() {
        let trimmed = text.trim_start();
        let mut l = 0;
        if let Some(marker) = trimmed.strip_prefix(";;@ ") {
            current = marker_line(marker, &source.name).unwrap_or(0);
        } else if trimmed.starts_with("(local") || trimmed.starts_with("(param") {
            locals.push(trimmed.to_string());
        } else if trimmed.starts_with("(func") {
            // `(func $f (type $t0) (param $n i32) (result i32)`: its params.
            locals.extend(params_of(trimmed));
        } else if !trimmed.starts_with(";;") && !trimmed.starts_with("(result") && i != last {
            l = current;
            instrs.push(wat.len());
        }
        wat.push(WatLine {
            text: text.to_string(),
            l,
            op: -1,
        });
    }
    let mut ops: Vec<Op> = body
        .ops
        .iter()
        .enumerate()
        .map(|(k, (off, bytes))| Op {
            off: *off,
            hex: hex(bytes),
            l: origin
                .operators
                .get(k)
                .and_then(|o| o.as_ref())
                // Inlined code is linked to the outermost call, in `func`.
                .map(|o| o.inline_chain().last().map_or(o, |at| &at.call))
                .filter(|o| *o.file == *source.name)
                .map_or(0, |o| o.line),
            w: -1,
        })
        .collect();
    // The printer writes one instruction a line, and the binary has one
    // more operator: the body's final `end` (the closing `)`). Paired only
    // when the counts agree, so a printer change cannot mislink silently.
    if instrs.len() + 1 == ops.len() {
        for (k, &w) in instrs.iter().enumerate() {
            wat[w].op = k as i32;
            ops[k].w = w as i32;
        }
        if let Some(end) = ops.last_mut() {
            end.w = last as i32;
            wat[last].op = (instrs.len()) as i32;
        }
    }
    let mut ir = ir;
    let mut cfg = cfg;
    cfg.nest = nesting(func, &cfg, &ir, &wat);
    let coded: BTreeSet<u32> = ops.iter().map(|o| o.l).filter(|&l| l != 0).collect();
    let flow = Flow::of(source, func);
    for line in &mut ir {
        line.dead = line.b >= 0 && cfg.blocks[line.b as usize].row >= cfg.reachable;
        if line.inst && !coded.contains(&line.n) {
            line.via = flow.coded_users(line.n, &coded);
        }
    }
    Func {
        name: func.name.clone(),
        size: body.size,
        locals,
        ir,
        wat,
        ops,
        cfg,
        stages: Vec::new(),
    }
}

/// The structured nesting of `wat`, each line given its IR block: a
/// block's `;; NAME` comment names it, an instruction has its IR line's.
fn nesting(func: &Function, cfg: &Cfg, ir: &[IrLine], wat: &[WatLine]) -> Vec<[u32; 4]> {
    let block_of_line: BTreeMap<u32, usize> = (ir.iter())
        .filter(|l| l.b >= 0)
        .map(|l| (l.n, l.b as usize))
        .collect();
    let named = |text: &str| {
        let name = text.trim_start().strip_prefix(";; ")?;
        func.blocks.iter().position(|b| b.name == name)
    };
    let lines = wat.iter().map(|w| {
        let block = named(&w.text).or_else(|| block_of_line.get(&w.l).copied());
        (w.text.as_str(), block)
    });
    cfg::nesting(cfg, lines)
}

/// `file:line:col` of a `;;@` marker: its line, when the file is ours.
fn marker_line(marker: &str, file: &str) -> Option<u32> {
    // Inlined code (`deep.vir:3:3, @div#0 inlined at deep.vir:10:3`) is
    // linked to the outermost call, the line of this function.
    let marker = marker.rsplit(" inlined at ").next()?;
    let mut parts = marker.trim_end().rsplitn(3, ':');
    let _col = parts.next()?;
    let line = parts.next()?.parse().ok()?;
    (parts.next()? == file).then_some(line)
}

/// The `(param ...)` groups of a `(func` line.
fn params_of(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("(param") {
        let tail = &rest[start..];
        let end = tail.find(')').map_or(tail.len(), |e| e + 1);
        out.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    out
}

/// The lines of `func` in its source, each with its block.
fn ir_lines(source: &Arc<SourceFile>, func: &Function) -> Vec<IrLine> {
    if func.span.is_none() {
        return Vec::new();
    }
    let line_of = |offset: u32| source.line_of(offset as usize) as u32;
    let first = line_of(func.span.start);
    // The function's span may be its signature only: its lines run to its
    // last block's, and the closing brace after them.
    let ends = func.blocks.iter().flat_map(|b| [b.span, b.term_span]);
    let mut last = ends
        .filter(|s| !s.is_none())
        .map(|s| line_of(s.end.saturating_sub(1)))
        .fold(line_of(func.span.end.saturating_sub(1)), u32::max)
        .max(first);
    if source.line_of(source.text.len()) as u32 > last
        && source.line_text(last as usize + 1).trim() == "}"
    {
        last += 1;
    }
    let mut block_of = vec![-1i32; (last - first + 1) as usize];
    let mut inst = vec![false; block_of.len()];
    let mark_inst = |offset: u32, inst: &mut Vec<bool>| {
        if let Some(slot) = line_of(offset).checked_sub(first)
            && let Some(s) = inst.get_mut(slot as usize)
        {
            *s = true;
        }
    };
    // A block's span is its label: it owns the lines from its label to the
    // next block's label (the last one, to the closing brace).
    let mut starts: Vec<(u32, usize)> = (func.blocks.iter().enumerate())
        .filter(|(_, b)| !b.span.is_none())
        .map(|(k, b)| (line_of(b.span.start), k))
        .collect();
    starts.sort_unstable();
    for (k, &(from, b)) in starts.iter().enumerate() {
        let to = starts
            .get(k + 1)
            .map_or(last, |&(next, _)| next.saturating_sub(1));
        for n in from..=to {
            if let Some(slot) = n
                .checked_sub(first)
                .and_then(|s| block_of.get_mut(s as usize))
            {
                *slot = b as i32;
            }
        }
    }
    if source.line_text(last as usize).trim() == "}" {
        block_of[(last - first) as usize] = -1;
    }
    for block in &func.blocks {
        for i in &block.insts {
            if !i.span.is_none() {
                mark_inst(i.span.start, &mut inst);
            }
        }
        if !block.term_span.is_none() {
            mark_inst(block.term_span.start, &mut inst);
        }
    }
    (first..=last)
        .map(|n| {
            let k = (n - first) as usize;
            IrLine {
                n,
                text: source.line_text(n as usize).to_string(),
                b: block_of[k],
                inst: inst[k],
                via: Vec::new(),
                dead: false,
                s: 0,
            }
        })
        .collect()
}

/// Splits printed WAT into its functions' lines, `(func` to `)`, in order.
pub fn split_wat(wat: &str) -> Vec<Vec<&str>> {
    let mut funcs = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in wat.lines() {
        if let Some(lines) = current.as_mut() {
            lines.push(line);
            if line == "  )" {
                funcs.extend(current.take());
            }
        } else if line.starts_with("  (func ") {
            current = Some(vec![line]);
        }
    }
    funcs
}

/// A function body of the binary: its size and its operators, each with
/// its file offset and bytes.
pub struct Body<'a> {
    pub size: u64,
    ops: Vec<(u64, &'a [u8])>,
}

pub fn operators(wasm: &[u8]) -> Result<Vec<Body<'_>>, String> {
    let mut bodies = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload.map_err(|e| e.to_string())? {
            let range = body.range();
            let mut reader = body.get_operators_reader().map_err(|e| e.to_string())?;
            let mut offsets = Vec::new();
            while !reader.eof() {
                let (_, offset) = reader.read_with_offset().map_err(|e| e.to_string())?;
                offsets.push(offset);
            }
            let ops = offsets
                .iter()
                .enumerate()
                .map(|(k, &start)| {
                    let end = offsets.get(k + 1).copied().unwrap_or(range.end);
                    (start as u64, &wasm[start..end])
                })
                .collect();
            bodies.push(Body {
                size: range.len() as u64,
                ops,
            });
        }
    }
    Ok(bodies)
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which values each IR line defines (a branch, the parameters of the
/// blocks it passes arguments to) and which lines read each value.
struct Flow {
    defs: BTreeMap<u32, Vec<ValueId>>,
    users: BTreeMap<ValueId, Vec<u32>>,
}

impl Flow {
    fn of(source: &SourceFile, func: &Function) -> Flow {
        let mut flow = Flow {
            defs: BTreeMap::new(),
            users: BTreeMap::new(),
        };
        let line_of = |offset: u32| source.line_of(offset as usize) as u32;
        for block in &func.blocks {
            for inst in block.insts.iter().filter(|i| !i.span.is_none()) {
                let line = line_of(inst.span.start);
                flow.defs.entry(line).or_default().extend(&inst.results);
                for v in inst.op.operands() {
                    flow.users.entry(v).or_default().push(line);
                }
            }
            if let (Some(term), false) = (&block.term, block.term_span.is_none()) {
                let line = line_of(block.term_span.start);
                for v in term.operands() {
                    flow.users.entry(v).or_default().push(line);
                }
                // Its arguments become the parameters of the blocks it
                // goes to: a constant an unrolled loop's copy reads in
                // place of its counter is code where the counter is read.
                for edge in term.edges() {
                    let params = &func.block(edge.block).params;
                    flow.defs.entry(line).or_default().extend(params);
                }
            }
        }
        flow
    }

    /// The lines with code that read `line`'s values, directly or through
    /// other lines without code of their own: sorted, without repeats.
    fn coded_users(&self, line: u32, coded: &BTreeSet<u32>) -> Vec<u32> {
        let mut seen = BTreeSet::from([line]);
        let mut todo = vec![line];
        let mut found = BTreeSet::new();
        while let Some(l) = todo.pop() {
            let values = self.defs.get(&l).map_or(&[][..], |v| v.as_slice());
            for user in values
                .iter()
                .flat_map(|v| self.users.get(v).into_iter().flatten())
            {
                if !seen.insert(*user) {
                    continue;
                }
                if coded.contains(user) {
                    found.insert(*user);
                } else {
                    todo.push(*user);
                }
            }
        }
        found.into_iter().collect()
    }
}
