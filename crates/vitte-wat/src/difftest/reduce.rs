//! Shrinking a failing program, so that a mismatch is reported as a small
//! program that still shows it: delta debugging (ddmin) over edits that keep
//! the IR valid and never renumber anything.
//!
//! The edits, tried in this order until none helps: drop calls of the
//! harness; replace a function's body by `return` of zeros; turn a `brif` or
//! a `switch` into a `jump` along one of its edges; replace an instruction by
//! a constant (its result, or a dead one when it has none). Blocks that no
//! longer run are then emptied. Removing edges never breaks dominance, and a
//! constant keeps its result's type, so every candidate verifies; those
//! that stop failing (or stop ending) are rejected.

use super::Program;
use super::diff::{Runner, Verdict};
use crate::analysis::Cfg;
use crate::ir::{
    self, BlockId, Const, Edge, FuncId, Function, FunctionBuilder, Inst, Op, Target, Terminator,
    Type, ValueDef,
};
use std::time::{Duration, Instant};

/// One change to the code; positions stay valid after any set of edits
/// (nothing is ever removed, only replaced).
#[derive(Clone, Copy, Debug)]
enum Edit {
    TrivialBody(FuncId),
    /// Keep only edge `k` of a block's terminator (table order, default last).
    KeepEdge(FuncId, BlockId, usize),
    ConstInst(FuncId, BlockId, usize),
}

/// The smallest program found within `budget` that still fails with a
/// mismatch on `target`.
pub fn reduce(runner: &Runner, program: &Program, target: Target, budget: Duration) -> Program {
    let fails = |p: &Program| {
        let report = runner.check_on(p, &[target]);
        matches!(report.verdict, Verdict::Mismatch(_))
    };
    reduce_with(program, &fails, budget)
}

/// The smallest program found within `budget` for which `fails` holds
/// (it must hold for `program`).
pub fn reduce_with(
    program: &Program,
    fails: &dyn Fn(&Program) -> bool,
    budget: Duration,
) -> Program {
    let r = Reducer {
        fails,
        deadline: Instant::now() + budget,
    };
    let mut best = program.clone();
    loop {
        let before = size(&best);
        best = r.minimize_calls(best);
        best = r.minimize(best, body_edits);
        best = r.minimize(best, edge_edits);
        best = r.minimize(best, inst_edits);
        let emptied = empty_dead_blocks(&best);
        if r.fails(&emptied) {
            best = emptied;
        }
        best = r.minimize_dead(best);
        if let Some(fewer) = reparsed(&drop_dead_blocks(&best))
            && r.fails(&fewer)
        {
            best = fewer;
        }
        if size(&best) >= before || r.out_of_time() {
            return best;
        }
    }
}

struct Reducer<'a> {
    fails: &'a dyn Fn(&Program) -> bool,
    deadline: Instant,
}

impl Reducer<'_> {
    fn out_of_time(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Removes instructions without effects whose results are unused,
    /// chunk by chunk, as long as the program still fails. A removal shifts
    /// positions, so each candidate is printed and parsed again (the
    /// printer does not read value definitions) and the list is recomputed
    /// after each success.
    fn minimize_dead(&self, mut best: Program) -> Program {
        let mut chunk = usize::MAX;
        loop {
            let dead = dead_insts(&best);
            if dead.is_empty() || self.out_of_time() {
                return best;
            }
            chunk = chunk.min(dead.len());
            let candidate = dead
                .chunks(chunk)
                .filter_map(|part| reparsed(&remove_insts(&best, part)))
                .find(|c| self.fails(c));
            match candidate {
                Some(smaller) => best = smaller,
                None if chunk == 1 => return best,
                None => chunk /= 2,
            }
        }
    }

    fn fails(&self, program: &Program) -> bool {
        (self.fails)(program)
    }

    /// ddmin over the harness's calls: drops chunks of them.
    fn minimize_calls(&self, mut best: Program) -> Program {
        let mut chunk = best.calls.len().max(1);
        loop {
            let mut i = 0;
            while i < best.calls.len() && !self.out_of_time() {
                let end = (i + chunk).min(best.calls.len());
                let mut candidate = best.clone();
                candidate.calls.drain(i..end);
                if self.fails(&candidate) {
                    best = candidate;
                } else {
                    i = end;
                }
            }
            if chunk == 1 || self.out_of_time() {
                return best;
            }
            chunk /= 2;
        }
    }

    /// ddmin: applies chunks of edits, halving the chunks, keeping every
    /// chunk after which the program still fails.
    fn minimize(&self, mut best: Program, edits: fn(&Program) -> Vec<Edit>) -> Program {
        let mut pending = edits(&best);
        let mut chunk = pending.len().max(1);
        loop {
            let mut i = 0;
            while i < pending.len() && !self.out_of_time() {
                let end = (i + chunk).min(pending.len());
                let candidate = apply(&best, &pending[i..end]);
                if crate::verify::verify_module(&candidate.module).is_ok() && self.fails(&candidate)
                {
                    best = candidate;
                    pending.drain(i..end);
                } else {
                    i = end;
                }
            }
            if chunk == 1 || self.out_of_time() {
                return best;
            }
            chunk /= 2;
        }
    }
}

/// Instructions, blocks and calls: what the reducer makes smaller.
fn size(program: &Program) -> usize {
    let code: usize = program
        .module
        .funcs
        .iter()
        .flat_map(|f| &f.blocks)
        .map(|b| b.insts.len() + 1)
        .sum();
    code + program.calls.len()
}

fn body_edits(program: &Program) -> Vec<Edit> {
    defined(program)
        .filter(|(_, f)| f.blocks.len() > 1 || f.blocks.first().is_some_and(|b| b.insts.len() > 2))
        .map(|(id, _)| Edit::TrivialBody(id))
        .collect()
}

fn edge_edits(program: &Program) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (id, func) in defined(program) {
        for (b, block) in func.blocks.iter().enumerate() {
            let edges = block.term.as_ref().map_or(0, |t| t.edges().count());
            if edges > 1 {
                // One edit per block: the last edge (the default, or else).
                edits.push(Edit::KeepEdge(id, func.block_id(b), edges - 1));
                edits.push(Edit::KeepEdge(id, func.block_id(b), 0));
            }
        }
    }
    edits
}

fn inst_edits(program: &Program) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (id, func) in defined(program) {
        for (b, block) in func.blocks.iter().enumerate() {
            for (i, inst) in block.insts.iter().enumerate().rev() {
                if replaceable(program, inst) {
                    edits.push(Edit::ConstInst(id, func.block_id(b), i));
                }
            }
        }
    }
    edits.reverse();
    edits
}

/// Not constants already, not several results, and not the writes of the
/// loop and call budgets (without them a program may not end).
fn replaceable(program: &Program, inst: &Inst) -> bool {
    let budget = |g: &crate::ir::GlobalId| {
        let name = &program.module.global(*g).name;
        name == "fuel" || name == "calls"
    };
    match &inst.op {
        Op::Const(_) => false,
        Op::GlobalSet(g, _) if budget(g) => false,
        _ => inst.results.len() <= 1,
    }
}

fn defined(program: &Program) -> impl Iterator<Item = (FuncId, &Function)> {
    program
        .module
        .funcs
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_import())
        .map(|(i, f)| (FuncId(i as u32), f))
}

fn apply(program: &Program, edits: &[Edit]) -> Program {
    let mut p = program.clone();
    for &edit in edits {
        match edit {
            Edit::TrivialBody(f) => trivial_body(&mut p.module, f),
            Edit::KeepEdge(f, b, k) => keep_edge(&mut p.module.funcs[f.index()], b, k),
            Edit::ConstInst(f, b, i) => const_inst(&mut p.module.funcs[f.index()], b, i),
        }
    }
    p
}

fn zero(ty: Type) -> Const {
    Const::zero(ty)
}

/// `entry: return 0, ...` with the same signature and parameters.
fn trivial_body(m: &mut ir::Module, f: FuncId) {
    let old = &m.funcs[f.index()];
    if old.blocks.is_empty() {
        return;
    }
    let mut func = Function::new(old.name.clone(), old.sig.clone(), old.linkage.clone());
    // Its values carry its id, as those of a function added to the module do.
    func.retag(f);
    for (i, &ty) in old.sig.params.iter().enumerate() {
        let name = old
            .params
            .get(i)
            .map_or(String::new(), |&v| old.value(v).name.clone());
        let v = func.new_value(ty, name, ValueDef::Param(i as u32));
        func.params.push(v);
    }
    let results = old.sig.results.clone();
    m.funcs[f.index()] = func;
    let mut b = FunctionBuilder::new(m, f);
    let entry = b.create_block("entry");
    b.switch_to_block(entry);
    let values: Vec<_> = results
        .iter()
        .map(|&ty| b.ins(Op::Const(zero(ty)))[0])
        .collect();
    b.ret(&values);
}

fn keep_edge(func: &mut Function, block: BlockId, k: usize) {
    let Some(block) = func.blocks.get_mut(block.index()) else {
        return;
    };
    let edge: Option<Edge> = block.term.as_ref().and_then(|t| t.edges().nth(k).cloned());
    if let Some(edge) = edge {
        block.term = Some(Terminator::Jump(edge));
    }
}

/// The instruction becomes a constant of its result's type, or a dead i32
/// constant when it has no result.
fn const_inst(func: &mut Function, block: BlockId, index: usize) {
    let Some(inst) = func
        .blocks
        .get(block.index())
        .and_then(|b| b.insts.get(index))
    else {
        return;
    };
    let (op, results) = match inst.results.as_slice() {
        [] => {
            let def = ValueDef::InstResult {
                block,
                index: index as u32,
                result: 0,
            };
            let dead = func.new_value(Type::I32, "", def);
            (Op::Const(Const::I32(0)), vec![dead])
        }
        [one] => (Op::Const(zero(func.value_type(*one))), vec![*one]),
        _ => return,
    };
    let inst = &mut func.blocks[block.index()].insts[index];
    inst.op = op;
    inst.results = results;
}

/// Instructions without effects whose results are unused, as
/// `(function, block, index)`.
fn dead_insts(program: &Program) -> Vec<(usize, usize, usize)> {
    let mut dead = Vec::new();
    for (f, func) in program.module.funcs.iter().enumerate() {
        let mut used = vec![false; func.values.len()];
        for block in &func.blocks {
            let term = block.term.iter().flat_map(|t| t.operands());
            let insts = block.insts.iter().flat_map(|i| i.op.operands());
            for v in insts.chain(term) {
                used[v.index()] = true;
            }
        }
        for (b, block) in func.blocks.iter().enumerate() {
            for (i, inst) in block.insts.iter().enumerate() {
                if pure(&inst.op) && !inst.results.iter().any(|r| used[r.index()]) {
                    dead.push((f, b, i));
                }
            }
        }
    }
    dead
}

fn remove_insts(program: &Program, positions: &[(usize, usize, usize)]) -> Program {
    let mut p = program.clone();
    for &(f, b, i) in positions.iter().rev() {
        p.module.funcs[f].blocks[b].insts.remove(i);
    }
    p
}

/// Removes the blocks no path reaches (their code is already gone), fixing
/// the block numbers of the edges that remain.
fn drop_dead_blocks(program: &Program) -> Program {
    let mut p = program.clone();
    for func in p.module.funcs.iter_mut().filter(|f| !f.blocks.is_empty()) {
        let cfg = Cfg::new(func);
        let mut renumber = vec![None; func.blocks.len()];
        let mut next = 0;
        for (i, slot) in renumber.iter_mut().enumerate() {
            if cfg.is_reachable(func.block_id(i)) {
                *slot = Some(func.block_id(next));
                next += 1;
            }
        }
        let mut i = 0;
        func.blocks.retain(|_| {
            i += 1;
            renumber[i - 1].is_some()
        });
        for block in &mut func.blocks {
            let edges = block.term.as_mut().map_or(vec![], |t| t.edges_mut());
            for edge in edges {
                edge.block = renumber[edge.block.index()].unwrap_or(edge.block);
            }
        }
    }
    p
}

/// The program printed and parsed again, with clean value definitions.
fn reparsed(program: &Program) -> Option<Program> {
    let text = crate::text::print_module(&program.module);
    let file = crate::diag::SourceFile::new("reduced.vir", text);
    let module = crate::text::parse_module(&file).ok()?;
    Some(Program {
        module,
        ..program.clone()
    })
}

/// Neither traps nor writes anything, nor changes the function table.
fn pure(op: &Op) -> bool {
    use crate::ir::{BinaryOp, ConvKind};
    match op {
        Op::Const(_)
        | Op::Unary(..)
        | Op::Compare(..)
        | Op::Select { .. }
        | Op::GlobalGet(_)
        | Op::VarGet(_)
        | Op::DataAddr(_)
        | Op::SlotAddr(_)
        | Op::MemorySize(_) => true,
        Op::Binary(op, ty, ..) => {
            let division = matches!(
                op,
                BinaryOp::DivS | BinaryOp::DivU | BinaryOp::RemS | BinaryOp::RemU
            );
            !(division && ty.is_int())
        }
        Op::Convert(conv, _) => !matches!(conv.kind, ConvKind::TruncS | ConvKind::TruncU),
        _ => false,
    }
}

/// Blocks that no longer run lose their code: `unreachable` alone.
fn empty_dead_blocks(program: &Program) -> Program {
    let mut p = program.clone();
    for func in p.module.funcs.iter_mut().filter(|f| !f.is_import()) {
        if func.blocks.is_empty() {
            continue;
        }
        let cfg = Cfg::new(func);
        let tag = func.tag();
        for (i, block) in func.blocks.iter_mut().enumerate() {
            if !cfg.is_reachable(BlockId::new(tag, i as u32))
                && (block.term != Some(Terminator::Unreachable) || !block.insts.is_empty())
            {
                block.insts.clear();
                block.term = Some(Terminator::Unreachable);
            }
        }
    }
    p
}
