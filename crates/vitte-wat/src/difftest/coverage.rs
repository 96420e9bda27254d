//! What a run of generated programs exercised: how often each instruction
//! and terminator appears (statically, in the generated code), and how many
//! programs trapped with each kind, so that a degenerate generator shows.

use super::diff::{CallStats, Outcome};
use crate::analysis::{Cfg, DomTree, Loops};
use crate::ir::{
    AtomicOp, BinaryOp, BlockId, CmpOp, ConvOp, FuncId, Function, MemAccess, Module, Op,
    Terminator, Type, UnaryOp,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Counts over many programs; [`Coverage::merge`] adds up the counts of
/// several threads.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    pub programs: u64,
    /// Occurrences of each mnemonic (`i32.add`, `brif`, ...) in the code.
    pub ops: BTreeMap<String, u64>,
    /// Programs in which at least one call trapped with the kind (in the
    /// interpreter on wasm64).
    pub traps: BTreeMap<String, u64>,
    /// Programs whose calls all returned.
    pub trap_free: u64,
    /// Programs with at least one function of each CFG shape.
    pub shapes: BTreeMap<&'static str, u64>,
    /// The sum of what calls of entries did (in the interpreter on wasm64).
    pub work: CallStats,
    pub entry_calls: u64,
    pub calls_out_of_fuel: u64,
    pub calls_out_of_calls: u64,
}

/// The families of instructions, for the report.
const FAMILIES: [&str; 15] = [
    "const",
    "unary",
    "binary",
    "compare",
    "convert",
    "select",
    "load",
    "store",
    "atomic",
    "memory",
    "address",
    "global",
    "var",
    "call",
    "terminator",
];

impl Coverage {
    pub fn add_module(&mut self, module: &Module) {
        self.programs += 1;
        let mut shapes = BTreeSet::new();
        // `@state` is the same in every program: only generated code counts.
        for (id, func) in module.funcs.iter().enumerate() {
            if func.name != "state" {
                cfg_shapes(func, FuncId(id as u32), &mut shapes);
            }
        }
        for shape in shapes {
            *self.shapes.entry(shape).or_default() += 1;
        }
        for func in &module.funcs {
            for block in &func.blocks {
                for inst in &block.insts {
                    *self.ops.entry(inst.op.mnemonic()).or_default() += 1;
                }
                if let Some(term) = &block.term {
                    *self.ops.entry(terminator(term).into()).or_default() += 1;
                }
            }
        }
    }

    /// Records the trap kinds of one program's calls.
    pub fn add_outcomes(&mut self, outcomes: &[Outcome]) {
        let kinds: BTreeSet<&'static str> = outcomes
            .iter()
            .filter_map(|o| match o {
                Outcome::Trap(kind) => Some(kind.message()),
                _ => None,
            })
            .collect();
        if kinds.is_empty() {
            self.trap_free += 1;
        }
        for kind in kinds {
            *self.traps.entry(kind.into()).or_default() += 1;
        }
    }

    /// Records what one program's calls of entries did.
    pub fn add_stats(&mut self, stats: &[CallStats]) {
        for s in stats {
            self.entry_calls += 1;
            self.work.executed += s.executed;
            self.work.iterations += s.iterations;
            self.work.calls += s.calls;
            self.calls_out_of_fuel += s.out_of_fuel as u64;
            self.calls_out_of_calls += s.out_of_calls as u64;
        }
    }

    pub fn merge(&mut self, other: &Coverage) {
        self.programs += other.programs;
        self.trap_free += other.trap_free;
        self.entry_calls += other.entry_calls;
        self.work.executed += other.work.executed;
        self.work.iterations += other.work.iterations;
        self.work.calls += other.work.calls;
        self.calls_out_of_fuel += other.calls_out_of_fuel;
        self.calls_out_of_calls += other.calls_out_of_calls;
        for (k, v) in &other.ops {
            *self.ops.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.traps {
            *self.traps.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.shapes {
            *self.shapes.entry(k).or_default() += v;
        }
    }

    /// Mnemonics the IR has that no program used.
    /// Programs with a function of this CFG shape (a name of [`cfg_shapes`],
    /// e.g. `irreducible control flow`).
    pub fn programs_with(&self, shape: &str) -> u64 {
        self.shapes.get(shape).copied().unwrap_or(0)
    }

    pub fn missing(&self) -> Vec<String> {
        all_mnemonics()
            .into_iter()
            .filter(|m| !self.ops.contains_key(m))
            .collect()
    }

    /// A table: per family, its share of all instructions and how many of its
    /// mnemonics were used; then the trap kinds.
    pub fn report(&self) -> String {
        let mut out = String::new();
        let all = all_mnemonics();
        let total: u64 = self.ops.values().sum();
        let used = all.iter().filter(|m| self.ops.contains_key(*m)).count();
        let _ = writeln!(
            out,
            "instructions: {total} in {} programs; {used} of {} mnemonics used",
            self.programs,
            all.len()
        );
        let _ = writeln!(out, "  {:<11} {:>7} {:>10}", "family", "share", "mnemonics");
        for family in FAMILIES {
            let names: Vec<&String> = all.iter().filter(|m| family_of(m) == family).collect();
            let count: u64 = names.iter().filter_map(|m| self.ops.get(*m)).sum();
            let hit = names.iter().filter(|m| self.ops.contains_key(**m)).count();
            let _ = writeln!(
                out,
                "  {family:<11} {:>6.2}% {:>5}/{:<4}",
                percent(count, total),
                hit,
                names.len()
            );
        }
        let missing = self.missing();
        if !missing.is_empty() {
            let _ = writeln!(out, "  never used: {}", missing.join(", "));
        }
        let _ = writeln!(out, "programs with a function that has:");
        for (shape, n) in &self.shapes {
            let _ = writeln!(
                out,
                "  {shape:<33} {n:>6} ({:.2}%)",
                percent(*n, self.programs)
            );
        }
        let per_call = |n: u64| n as f64 / self.entry_calls.max(1) as f64;
        let _ = writeln!(
            out,
            "calls of entries: {}; per call, on average: {:.0} IR instructions executed, \
             {:.1} loop iterations, {:.1} calls; {:.2}% ran out of loop fuel, {:.2}% out of calls",
            self.entry_calls,
            per_call(self.work.executed),
            per_call(self.work.iterations),
            per_call(self.work.calls),
            percent(self.calls_out_of_fuel, self.entry_calls),
            percent(self.calls_out_of_calls, self.entry_calls)
        );
        let _ = writeln!(out, "programs in which a call trapped, by trap kind:");
        for (kind, n) in &self.traps {
            let _ = writeln!(
                out,
                "  {kind:<33} {n:>6} ({:.2}%)",
                percent(*n, self.programs)
            );
        }
        let _ = writeln!(
            out,
            "  {:<33} {:>6} ({:.2}%)",
            "(no trap)",
            self.trap_free,
            percent(self.trap_free, self.programs)
        );
        out
    }
}

fn percent(n: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * n as f64 / total as f64
    }
}

/// The CFG shapes of a function that the lowering must get right.
fn cfg_shapes(func: &Function, id: FuncId, shapes: &mut BTreeSet<&'static str>) {
    if func.blocks.is_empty() {
        return;
    }
    let cfg = Cfg::new(func);
    let dom = DomTree::new(&cfg);
    let loops = Loops::new(&cfg, &dom);
    let mut add = |yes: bool, shape| {
        if yes {
            shapes.insert(shape);
        }
    };
    add(loops.is_header.iter().any(|&h| h), "a loop");
    add(loops.irreducible_edge.is_some(), "irreducible control flow");
    add(
        func.block_ids().any(|b| !cfg.is_reachable(b)),
        "an unreachable block",
    );
    for (i, block) in func.blocks.iter().enumerate() {
        let succs = block.successors();
        add(
            succs.contains(&func.block_id(i)),
            "a block branching to itself",
        );
        match &block.term {
            Some(Terminator::BrIf {
                then_edge,
                else_edge,
                ..
            }) => {
                add(
                    then_edge.block == else_edge.block,
                    "a brif with one target twice",
                );
            }
            Some(Terminator::Switch { targets, .. }) => {
                let distinct: BTreeSet<BlockId> = succs.iter().copied().collect();
                add(distinct.len() < succs.len(), "a switch sharing a target");
                add(targets.len() >= 16, "a switch of 16 cases or more");
            }
            Some(Terminator::Cases { value, cases, .. }) => {
                let wide = func.value_type(*value) != Type::I32;
                add(wide, "a general switch on i64 or ptr");
                let mut values: Vec<i64> = cases.iter().map(|c| c.value as i64).collect();
                values.sort_unstable();
                let run = values.windows(4).any(|w| w[3].wrapping_sub(w[0]) == 3);
                add(run, "a general switch with a dense run");
                let sparse = values.windows(2).all(|w| w[1].wrapping_sub(w[0]) > 2);
                add(
                    sparse && values.len() >= 4,
                    "a general switch of sparse cases",
                );
            }
            _ => {}
        }
        for inst in &block.insts {
            let recursive = matches!(inst.op, Op::Call { func, .. } if func == id);
            add(recursive, "a direct recursive call");
        }
    }
}

fn terminator(term: &Terminator) -> &'static str {
    match term {
        Terminator::Jump(_) => "jump",
        Terminator::BrIf { .. } => "brif",
        Terminator::Switch { .. } => "switch",
        Terminator::Cases { .. } => "switch cases",
        Terminator::Return(_) => "return",
        Terminator::Unreachable => "unreachable",
    }
}

/// Every mnemonic of the IR: operators for every type that has them,
/// conversions, memory shapes, the rest, and the terminators.
pub fn all_mnemonics() -> Vec<String> {
    let mut all = Vec::new();
    for ty in Type::ALL {
        all.push(format!("{ty}.const"));
        all.push(format!("{ty}.select"));
        all.extend(
            UnaryOp::ALL
                .iter()
                .filter(|o| o.accepts(ty))
                .map(|o| format!("{ty}.{}", o.name())),
        );
        all.extend(
            BinaryOp::ALL
                .iter()
                .filter(|o| o.accepts(ty))
                .map(|o| format!("{ty}.{}", o.name())),
        );
        all.extend(
            CmpOp::ALL
                .iter()
                .filter(|o| o.accepts(ty))
                .map(|o| format!("{ty}.{}", o.name())),
        );
    }
    all.extend(ConvOp::all().into_iter().map(|c| c.mnemonic()));
    all.extend(MemAccess::loads().into_iter().map(|a| a.load_mnemonic()));
    all.extend(MemAccess::stores().into_iter().map(|a| a.store_mnemonic()));
    all.extend(AtomicOp::all().into_iter().map(|(op, a)| op.mnemonic(a)));
    for name in [
        "atomic.fence",
        "slot.addr",
        "data.addr",
        "func.addr",
        "memory.size",
        "memory.grow",
        "memory.copy",
        "memory.fill",
        "stack.alloc",
        "stack.save",
        "stack.restore",
        "call",
        "call_indirect",
        "global.get",
        "global.set",
        "var.get",
        "var.set",
        "jump",
        "brif",
        "switch",
        "switch cases",
        "return",
        "unreachable",
    ] {
        all.push(name.into());
    }
    all
}

/// The family of a mnemonic (see [`FAMILIES`]).
fn family_of(mnemonic: &str) -> &'static str {
    if mnemonic.starts_with("atomic.") || mnemonic.contains(".atomic.") {
        return "atomic";
    }
    let (prefix, name) = mnemonic.split_once('.').unwrap_or(("", mnemonic));
    let by_type = Type::from_name(prefix).is_some();
    match (by_type, name) {
        (true, "const") => "const",
        (true, "select") => "select",
        (true, n) if n.starts_with("load") => "load",
        (true, n) if n.starts_with("store") => "store",
        (true, n) if UnaryOp::from_name(n).is_some() => "unary",
        (true, n) if BinaryOp::from_name(n).is_some() => "binary",
        (true, n) if CmpOp::from_name(n).is_some() => "compare",
        (true, _) => "convert",
        _ => match prefix {
            "memory" | "stack" => "memory",
            "slot" | "data" | "func" => "address",
            "global" => "global",
            "var" => "var",
            _ if mnemonic.starts_with("call") => "call",
            _ => "terminator",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mnemonic_is_unique_and_has_a_family() {
        let all = all_mnemonics();
        let unique: BTreeSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
        assert_eq!(family_of("i32.add"), "binary");
        assert_eq!(family_of("i64.extend_i32_u"), "convert");
        assert_eq!(family_of("i32.extend8_s"), "convert");
        assert_eq!(family_of("f32.trunc"), "unary");
        assert_eq!(family_of("i64.load8_s"), "load");
        assert_eq!(family_of("memory.grow"), "memory");
        assert_eq!(family_of("i64.atomic.rmw8.add_u"), "atomic");
        assert_eq!(family_of("memory.atomic.wait32"), "atomic");
        assert_eq!(family_of("atomic.fence"), "atomic");
        assert_eq!(family_of("call_indirect"), "call");
        assert_eq!(family_of("switch"), "terminator");
        for m in &all {
            assert!(FAMILIES.contains(&family_of(m)), "{m}");
        }
    }
}
