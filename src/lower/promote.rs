//! Promotion of variables to SSA values: every `var.get` is replaced by the
//! value the variable holds there, every `var.set` is removed, and where
//! different values reach a block through different edges the block gets a
//! parameter, which each edge passes. A frontend that writes a `var` for
//! each source variable (its parameters copied into vars, MIR's places)
//! gets the code its SSA twin would: a value forwarded from its `var.set`
//! to its uses stays on the operand stack, and a loop counter is a block
//! parameter that the local allocator may share.
//!
//! The construction is Braun et al.'s ("Simple and Efficient Construction
//! of Static Single Assignment Form", CC 2013), which cranelift-frontend
//! uses, with every block "sealed" from the start since the whole CFG is
//! known: the value of a variable at the start of a block is
//! - in the entry, or in a block that no edge reaches (or in a cycle of
//!   one-predecessor blocks, which nothing enters), its zero (the IR's
//!   variables start at zero, docs/ir.md, and an unreachable block's value
//!   is never observed): a `const 0` at the start of that block;
//! - with one predecessor, its value at the end of that predecessor (the
//!   operand of the predecessor's last `var.set`, or recursively its value
//!   at the predecessor's start);
//! - otherwise a new block parameter, each incoming edge passing the value
//!   at the end of its source block.
//!
//! Parameters whose incoming values are all one value `v` (or the
//! parameter itself, around a loop) are then replaced by `v`, until none
//! is left: Braun et al.'s trivial-phi removal. Why it is correct: a
//! variable is a name for "the last value stored along the path taken",
//! and the parameter receives exactly that value on every edge; a value
//! used where a one-predecessor chain reaches it is defined in a block that
//! dominates the use. Variables are not addressable (docs/ir.md), so no
//! memory access or call can read or write one. Nothing traps, so the
//! order of traps and side effects is the same.
//!
//! Blocks that no path from the entry reaches (a frontend's code after a
//! `break` or a `return`) are removed first: their edges would pass a
//! variable's zero, or whatever they set, and keep a parameter where every
//! edge that can run passes one value (hashtab's inner loop had eleven).
//!
//! Functions whose entry block is also a branch target keep their
//! variables (the entry's value would be zero on entry and the edge's
//! otherwise), as do those that would need more than [`MAX_PARAMS`] new
//! parameters (the locals of a wasm function are bounded).

use super::inline::renumber_defs;
use crate::fxhash::FxHashMap as HashMap;
use crate::ir::{BlockId, Const, Function, Inst, Op, ValueDef, ValueId};
use std::collections::VecDeque;

/// The most block parameters the promotion adds to one function.
const MAX_PARAMS: usize = 10_000;

/// The function with its variables promoted, or `None` when it has no
/// variable access (or keeps its variables, see the module comment).
pub(super) fn promote_vars(func: &Function) -> Option<Function> {
    let accesses = |i: &Inst| matches!(i.op, Op::VarGet(_) | Op::VarSet(..));
    if func.vars.is_empty() || !func.blocks.iter().any(|b| b.insts.iter().any(accesses)) {
        return None;
    }
    // Blocks no path reaches (a frontend's code after a `break` or a
    // `return`) go first: an edge from one would pass the variable's zero
    // and make a parameter where every real edge passes one value.
    let reachable = super::jump_thread::without_unreachable(func);
    let func = reachable.as_ref();
    let preds = predecessors(func);
    if func.blocks.is_empty() || !preds[0].is_empty() {
        return None;
    }
    Promotion::new(func, preds).run()
}

/// The blocks with an edge to each block, without duplicates, in order.
fn predecessors(func: &Function) -> Vec<Vec<usize>> {
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); func.blocks.len()];
    for (b, block) in func.blocks.iter().enumerate() {
        for succ in block.successors() {
            let list = &mut preds[succ.index()];
            if list.last() != Some(&b) && !list.contains(&b) {
                list.push(b);
            }
        }
    }
    preds
}

struct Promotion {
    func: Function,
    preds: Vec<Vec<usize>>,
    /// The operand of each block's last `var.set` of each variable.
    set_at_end: Vec<HashMap<usize, ValueId>>,
    /// The value of a variable at the start of a block, once asked for.
    at_start: HashMap<(usize, usize), ValueId>,
    /// The `const 0`s to put at the start of each block.
    zeros: Vec<Vec<Inst>>,
    /// The new parameters, in the order they were made: (block, variable, value).
    params: Vec<(usize, usize, ValueId)>,
    /// Parameters whose incoming values are still to be found.
    pending: VecDeque<usize>,
    /// The value each incoming edge passes, per new parameter, per predecessor.
    incoming: Vec<Vec<ValueId>>,
    /// What removed `var.get` results and trivial parameters stand for.
    subst: HashMap<ValueId, ValueId>,
}

impl Promotion {
    fn new(func: &Function, preds: Vec<Vec<usize>>) -> Promotion {
        let set_at_end = func
            .blocks
            .iter()
            .map(|block| {
                let mut last = HashMap::default();
                for inst in &block.insts {
                    if let Op::VarSet(var, value) = inst.op {
                        last.insert(var.index(), value);
                    }
                }
                last
            })
            .collect();
        Promotion {
            zeros: vec![Vec::new(); func.blocks.len()],
            func: func.clone(),
            preds,
            set_at_end,
            at_start: HashMap::default(),
            params: Vec::new(),
            pending: VecDeque::new(),
            incoming: Vec::new(),
            subst: HashMap::default(),
        }
    }

    fn run(mut self) -> Option<Function> {
        // Each block's accesses, in order: a get reads the last set before
        // it in the block, or the value at the block's start.
        for b in 0..self.func.blocks.len() {
            let insts = std::mem::take(&mut self.func.blocks[b].insts);
            let mut current: HashMap<usize, ValueId> = HashMap::default();
            let mut kept = Vec::with_capacity(insts.len());
            for inst in insts {
                match inst.op {
                    Op::VarSet(var, value) => {
                        current.insert(var.index(), value);
                    }
                    Op::VarGet(var) => {
                        let value = match current.get(&var.index()) {
                            Some(&value) => value,
                            None => self.at_start(b, var.index()),
                        };
                        current.insert(var.index(), value);
                        self.subst.insert(inst.results[0], value);
                    }
                    _ => kept.push(inst),
                }
            }
            self.func.blocks[b].insts = kept;
        }
        // The incoming values of the new parameters; finding them may make
        // more parameters, which join the queue.
        while let Some(p) = self.pending.pop_front() {
            if self.params.len() > MAX_PARAMS {
                return None;
            }
            let (block, var, _) = self.params[p];
            let mut incoming = Vec::with_capacity(self.preds[block].len());
            for i in 0..self.preds[block].len() {
                let pred = self.preds[block][i];
                incoming.push(self.at_end(pred, var));
            }
            self.incoming[p] = incoming;
        }
        let removed = self.remove_trivial_params();
        self.finish(&removed);
        Some(self.func)
    }

    /// The variable's value at the start of block `b`.
    fn at_start(&mut self, b: usize, var: usize) -> ValueId {
        // Up a chain of single predecessors without recursion, then
        // remember the answer for every block of the chain.
        let mut chain = Vec::new();
        let mut block = b;
        let value = loop {
            if let Some(&value) = self.at_start.get(&(block, var)) {
                break value;
            }
            chain.push(block);
            if chain.len() > self.func.blocks.len() {
                // A cycle of one-predecessor blocks: no edge enters it, so
                // it is unreachable and any value will do.
                break self.zero(block, var);
            }
            match self.preds[block].len() {
                0 => break self.zero(block, var),
                1 => {
                    let pred = self.preds[block][0];
                    if let Some(&value) = self.set_at_end[pred].get(&var) {
                        break value;
                    }
                    block = pred;
                }
                _ => break self.new_param(block, var),
            }
        };
        for block in chain {
            self.at_start.insert((block, var), value);
        }
        value
    }

    /// The variable's value at the end of block `b`.
    fn at_end(&mut self, b: usize, var: usize) -> ValueId {
        match self.set_at_end[b].get(&var) {
            Some(&value) => value,
            None => self.at_start(b, var),
        }
    }

    /// `const 0` of the variable's type at the start of block `b`.
    /// It is attributed to the block's terminator: a position of code (the
    /// variable's declaration is none), in the block where it is made.
    fn zero(&mut self, b: usize, var: usize) -> ValueId {
        let data = &self.func.vars[var];
        let (ty, name) = (data.ty, data.name.clone());
        let (span, loc) = (self.func.blocks[b].term_span, self.func.blocks[b].term_loc);
        let value = self.func.new_value(ty, name, ValueDef::Param(0));
        self.zeros[b].push(Inst {
            op: Op::Const(Const::zero(ty)),
            results: vec![value],
            span,
            loc,
        });
        value
    }

    /// A new parameter of block `b` for the variable, its incoming values
    /// to be found (`pending`).
    fn new_param(&mut self, b: usize, var: usize) -> ValueId {
        let data = &self.func.vars[var];
        let (ty, name) = (data.ty, data.name.clone());
        let block = self.func.block_id(b);
        let index = self.func.blocks[b].params.len() as u32;
        let value = self
            .func
            .new_value(ty, name, ValueDef::BlockParam(block, index));
        self.func.blocks[b].params.push(value);
        self.at_start.insert((b, var), value);
        self.pending.push_back(self.params.len());
        self.params.push((b, var, value));
        self.incoming.push(Vec::new());
        value
    }

    fn resolve(&self, mut v: ValueId) -> ValueId {
        while let Some(&next) = self.subst.get(&v) {
            v = next;
        }
        v
    }

    /// Replaces each parameter whose incoming values are one value (itself
    /// aside) by that value, until none is left; the removed ones.
    fn remove_trivial_params(&mut self) -> Vec<bool> {
        let mut removed = vec![false; self.params.len()];
        let mut changed = true;
        while changed {
            changed = false;
            for (p, gone) in removed.iter_mut().enumerate() {
                if *gone {
                    continue;
                }
                let param = self.params[p].2;
                let mut only = None;
                let mut trivial = true;
                for &v in &self.incoming[p] {
                    let v = self.resolve(v);
                    if v == param || Some(v) == only {
                        continue;
                    }
                    if only.is_some() {
                        trivial = false;
                        break;
                    }
                    only = Some(v);
                }
                if let (true, Some(value)) = (trivial, only) {
                    self.subst.insert(param, value);
                    *gone = true;
                    changed = true;
                }
            }
        }
        removed
    }

    /// Adds the kept parameters' arguments to the edges, drops the removed
    /// parameters and the variables, puts the zeros in place and rewrites
    /// every use.
    fn finish(&mut self, removed: &[bool]) {
        let mut dropped = Vec::new();
        for (p, &(block, _, param)) in self.params.iter().enumerate() {
            let target = self.func.block_id(block);
            for (i, &pred) in self.preds[block].iter().enumerate() {
                let value = self.incoming[p][i];
                if let Some(term) = &mut self.func.blocks[pred].term {
                    for edge in term.edges_mut() {
                        if edge.block == target {
                            edge.args.push(value);
                        }
                    }
                }
            }
            if removed[p] {
                dropped.push((block, param));
            }
        }
        for (block, param) in dropped {
            self.drop_param(block, param);
        }
        for (b, zeros) in std::mem::take(&mut self.zeros).into_iter().enumerate() {
            if !zeros.is_empty() {
                let insts = &mut self.func.blocks[b].insts;
                insts.splice(0..0, zeros);
            }
        }
        let subst = std::mem::take(&mut self.subst);
        let resolve = |mut v: ValueId| {
            while let Some(&next) = subst.get(&v) {
                v = next;
            }
            v
        };
        self.func.map_operands(resolve);
        self.func.vars.clear();
        renumber_defs(&mut self.func);
    }

    /// Removes the parameter `param` of block `block` and the argument every
    /// edge passes it, and renumbers the parameters after it.
    fn drop_param(&mut self, block: usize, param: ValueId) {
        let Some(index) = self.func.blocks[block]
            .params
            .iter()
            .position(|&p| p == param)
        else {
            return;
        };
        let target: BlockId = self.func.block_id(block);
        self.func.blocks[block].params.remove(index);
        for &pred in &self.preds[block] {
            if let Some(term) = &mut self.func.blocks[pred].term {
                for edge in term.edges_mut() {
                    if edge.block == target {
                        edge.args.remove(index);
                    }
                }
            }
        }
        for (i, &p) in self.func.blocks[block].params.iter().enumerate() {
            self.func.values[p.index()].def = ValueDef::BlockParam(target, i as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Interpreter;
    use crate::ir::{Module, Target};
    use crate::lower::passes::testing::{check_generated, parse, rewritten};
    use crate::value::Value;

    fn promoted(module: &Module) -> Module {
        rewritten(module, |_, f| promote_vars(f))
    }

    /// A frontend's loop: parameters copied into vars, a counter and an
    /// accumulator updated in the body, a var read before any set (zero).
    const LOOP: &str = "pub fn @f(%n: i32, %k: i32) -> i32 {\n\
        var $n: i32\n  var $i: i32\n  var $acc: i32\n  var $z: i32\n\
        entry:\n  var.set $n, %n\n  %c0 = i32.const 0\n  var.set $i, %c0\n  jump head\n\
        head:\n  %i = var.get $i\n  %nn = var.get $n\n  %lt = i32.lt_s %i, %nn\n  brif %lt, body, exit\n\
        body:\n  %a = var.get $acc\n  %i2 = var.get $i\n  %s = i32.add %a, %i2\n  var.set $acc, %s\n\
          %one = i32.const 1\n  %i3 = i32.add %i2, %one\n  var.set $i, %i3\n  %odd = i32.and %i3, %k\n  brif %odd, head, skip\n\
        skip:\n  %z = var.get $z\n  %a2 = var.get $acc\n  %t = i32.add %a2, %z\n  var.set $acc, %t\n  jump head\n\
        exit:\n  %r = var.get $acc\n  return %r\n}\n";

    #[test]
    fn a_loop_of_vars_becomes_block_parameters_and_computes_the_same() {
        let module = parse(LOOP);
        let after = promoted(&module);
        let f = &after.funcs[0];
        assert!(f.vars.is_empty());
        let accesses = (f.blocks.iter().flat_map(|b| &b.insts))
            .filter(|i| matches!(i.op, Op::VarGet(_) | Op::VarSet(..)))
            .count();
        assert_eq!(accesses, 0);
        // $i and $acc vary around the loop; $n and $z do not, so their
        // parameters were trivial and removed.
        assert_eq!(
            f.blocks[1].params.len(),
            2,
            "{}",
            crate::text::print_module(&after)
        );
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut before = Interpreter::new(&module, target).expect("instantiates");
            let mut now = Interpreter::new(&after, target).expect("instantiates");
            for n in [-3, 0, 1, 2, 7, 100] {
                for k in [0, 1, 2, 3] {
                    let args = [Value::I32(n), Value::I32(k)];
                    assert_eq!(now.call("f", &args), before.call("f", &args), "n={n} k={k}");
                }
            }
        }
    }

    #[test]
    fn an_unreachable_block_and_the_entry_read_zero() {
        let module = parse(
            "pub fn @f() -> i64 {\n  var $x: i64\n\
             entry:\n  %a = var.get $x\n  %b = i64.const 5\n  %s = i64.add %a, %b\n  var.set $x, %s\n  jump join\n\
             dead:\n  %d = var.get $x\n  var.set $x, %d\n  jump join\n\
             join:\n  %r = var.get $x\n  return %r\n}\n",
        );
        let after = promoted(&module);
        let mut interp = Interpreter::new(&after, Target::Wasm64).expect("instantiates");
        assert_eq!(interp.call("f", &[]), Ok(vec![Value::I64(5)]));
    }

    /// A frontend's dead block after a `break` that jumps to the join: its
    /// edge would pass `$x`'s zero (or, here, a 5) and make a parameter
    /// where both real edges pass `%n`. It goes, and `%n` is used as it is.
    #[test]
    fn a_dead_block_makes_no_parameter_at_the_join() {
        let module = parse(
            "pub fn @f(%n: i32) -> i32 {\n  var $x: i32\n\
             entry:\n  var.set $x, %n\n  brif %n, a, b\n\
             a:\n  jump join\n\
             dead:\n  %z = i32.const 5\n  var.set $x, %z\n  jump join\n\
             b:\n  jump join\n\
             join:\n  %r = var.get $x\n  return %r\n}\n",
        );
        let after = promoted(&module);
        let f = &after.funcs[0];
        let text = crate::text::print_module(&after);
        assert_eq!(f.blocks.len(), 4, "{text}");
        assert!(f.blocks.iter().all(|b| b.params.is_empty()), "{text}");
        let mut interp = Interpreter::new(&after, Target::Wasm64).expect("instantiates");
        for n in [0, 1, -7] {
            assert_eq!(interp.call("f", &[Value::I32(n)]), Ok(vec![Value::I32(n)]));
        }
    }

    /// The random programs of `difftest` have vars in loops, switches and
    /// irreducible cycles: each promoted function computes what it did.
    #[test]
    fn generated_programs_compute_the_same_promoted() {
        let changed = check_generated(0..150, |_, f| promote_vars(f));
        assert!(changed >= 50, "only {changed} functions promoted");
    }
}
