//! Global value numbering: an instruction that computes what an
//! instruction dominating it already computed (the same operator on the
//! same operands) reuses that value, and goes. A naive frontend
//! recomputes each source expression where it is written: `i * n` for
//! each of two arrays indexed by `i * n + j`, the address of a struct
//! field once per use of the field (`b.vx` read then written). After
//! this pass each is computed once, and `licm` hoists one copy, not
//! several; `load-cse`, which compares addresses by value, sees one
//! address where there were several.
//!
//! What is numbered: instructions of one result whose operator depends
//! only on its operands: constants, `slot.addr`, `data.addr`,
//! `func.addr`, unary and binary operators, comparisons, `select` and
//! conversions. Two instructions are equal when their operators (type
//! included) and the value numbers of their operands are: a constant's
//! number is the first equal constant that dominates it (constants are
//! compared bit for bit: `-0.0` is not `0.0`), and the integer `add`,
//! `mul`, `and`, `or`, `xor`, and every `eq` and `ne`, are commutative:
//! their operands are sorted. Float `add` and `mul` are not sorted: which
//! NaN payload comes out of two NaN operands depends on their order.
//!
//! Why it is exact: the instruction that is kept dominates the one that
//! goes, so it ran first on every path to it, on operands of the same
//! values, and gave the same result. That holds for the instructions
//! that may trap too (integer `div` and `rem`, the float-to-integer
//! truncations): the kept one ran on the same operands and did not trap
//! (or the program would have stopped there), so the removed one would
//! not have trapped either. Nothing is computed anywhere it was not, so
//! no trap, effect or stack depth appears or moves. Loads are not
//! numbered (memory may change between two; `load_cse.rs` handles them),
//! nor calls, `global.get`, `memory.size`, atomics and the stack
//! operations, whose results depend on more than their operands.
//!
//! Constants, `data.addr` and `func.addr` get a number but stay where
//! they are: the lowering emits a constant where it is used, where a
//! shared one would live in a local from its first use to its last. One
//! that only a removed instruction read goes with it.
//!
//! The walk is a preorder of the dominator tree (`crate::analysis`) with
//! one table, from a key to the last instruction seen with it and its
//! block: an entry is reused only when its block dominates the current
//! one (an O(1) test on the tree's numbering); otherwise its subtree is
//! done and the entry is overwritten, which scopes the table as removing
//! a block's entries after its subtree would, for one hash lookup per
//! instruction: the pass is linear. Blocks no edge reaches are not looked
//! into. The table is only looked up, never iterated: the output does
//! not depend on hashing.

use super::inline::renumber_defs;
use crate::analysis::{Cfg, DomTree};
use crate::fxhash::FxHashMap;
use crate::ir::{
    BinaryOp, BlockId, CmpOp, Const, ConvOp, DataId, FuncId, Function, Op, SlotId, Type, UnaryOp,
    ValueId,
};
use std::collections::hash_map::Entry;

/// What an instruction computes: its operator with its operands' value
/// numbers, commutative ones sorted.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Const(Const),
    SlotAddr(SlotId),
    DataAddr(DataId),
    FuncAddr(FuncId),
    Unary(UnaryOp, Type, ValueId),
    Binary(BinaryOp, Type, ValueId, ValueId),
    Compare(CmpOp, Type, ValueId, ValueId),
    Convert(ConvOp, ValueId),
    Select(Type, ValueId, ValueId, ValueId),
}

/// The function with its repeated computations removed, or `None` when
/// it has none.
pub(super) fn number_values(func: &Function) -> Option<Function> {
    let numbered = (func.blocks.iter().flat_map(|b| &b.insts))
        .filter(|i| i.results.len() == 1 && !free(&i.op) && key(&i.op, |v| v).is_some())
        .count();
    if numbered < 2 {
        return None;
    }
    let cfg = Cfg::new(func);
    let dom = DomTree::new(&cfg);
    let mut walk = Walk::new(func, numbered);
    walk.run(&dom);
    walk.rewrite()
}

/// The state of the walk down the dominator tree.
struct Walk<'f> {
    func: &'f Function,
    /// Each value's number: the value that stands for it in keys.
    number: Vec<ValueId>,
    /// What each removed instruction's result is replaced by.
    replaced: Vec<Option<ValueId>>,
    /// The instructions that go, `(block, index)`.
    removed: Vec<(usize, usize)>,
    /// The last instruction seen with each key, and its block. An entry
    /// whose block does not dominate the current one is stale: its
    /// subtree is done (a preorder visits a subtree at once), and the
    /// next instruction with its key takes it over. Checking dominance
    /// costs less than taking each block's entries out after its subtree.
    table: FxHashMap<Key, (ValueId, BlockId)>,
}

impl<'f> Walk<'f> {
    fn new(func: &'f Function, numbered: usize) -> Walk<'f> {
        let n = func.values.len();
        let mut table = FxHashMap::default();
        table.reserve(numbered);
        Walk {
            func,
            number: (0..n).map(|i| func.value_id(i)).collect(),
            replaced: vec![None; n],
            removed: Vec::new(),
            table,
        }
    }

    /// Visits the reachable blocks in a preorder of the dominator tree,
    /// without recursion (dominator trees can be as deep as the function).
    fn run(&mut self, dom: &DomTree) {
        let mut stack = vec![self.func.entry()];
        while let Some(block) = stack.pop() {
            self.visit(dom, block);
            // Reversed: the children are then visited in reverse postorder.
            stack.extend(dom.children(block).iter().rev());
        }
    }

    /// Numbers the instructions of `block`, in order.
    fn visit(&mut self, dom: &DomTree, block: BlockId) {
        let b = block.index();
        for (i, inst) in self.func.blocks[b].insts.iter().enumerate() {
            let [result] = inst.results[..] else {
                continue;
            };
            let Some(key) = key(&inst.op, |v| self.number[v.index()]) else {
                continue;
            };
            match self.table.entry(key) {
                Entry::Occupied(entry) if dom.dominates(entry.get().1, block) => {
                    let same = entry.get().0;
                    self.number[result.index()] = same;
                    if !free(&inst.op) {
                        self.replaced[result.index()] = Some(same);
                        self.removed.push((b, i));
                    }
                }
                Entry::Occupied(mut stale) => {
                    stale.insert((result, block));
                }
                Entry::Vacant(entry) => {
                    entry.insert((result, block));
                }
            }
        }
    }

    /// The function without the removed instructions, their results
    /// replaced, and without the constants only they read.
    fn rewrite(self) -> Option<Function> {
        if self.removed.is_empty() {
            return None;
        }
        let mut func = self.func.clone();
        // Constants the removed instructions read: they may be unused now.
        let mut maybe_dead = Vec::new();
        for &(b, i) in self.removed.iter().rev() {
            let inst = func.blocks[b].insts.remove(i);
            maybe_dead.extend(inst.op.operands());
        }
        // The kept instruction dominates the removed one, and is never
        // itself removed: no chains.
        func.map_operands(|v| self.replaced[v.index()].unwrap_or(v));
        remove_unused_free(&mut func, &maybe_dead);
        renumber_defs(&mut func);
        Some(func)
    }
}

/// The key of an operator that is numbered, its operands given by
/// `number`; `None` for the others.
fn key(op: &Op, number: impl Fn(ValueId) -> ValueId) -> Option<Key> {
    Some(match *op {
        Op::Const(c) => Key::Const(c),
        Op::SlotAddr(s) => Key::SlotAddr(s),
        Op::DataAddr(d) => Key::DataAddr(d),
        Op::FuncAddr(f) => Key::FuncAddr(f),
        Op::Unary(op, ty, a) => Key::Unary(op, ty, number(a)),
        Op::Binary(op, ty, a, b) => {
            let (a, b) = (number(a), number(b));
            let (a, b) = if commutative(op, ty) {
                sorted(a, b)
            } else {
                (a, b)
            };
            Key::Binary(op, ty, a, b)
        }
        Op::Compare(op, ty, a, b) => {
            let (a, b) = (number(a), number(b));
            let (a, b) = match op {
                CmpOp::Eq | CmpOp::Ne => sorted(a, b),
                _ => (a, b),
            };
            Key::Compare(op, ty, a, b)
        }
        Op::Convert(conv, a) => Key::Convert(conv, number(a)),
        Op::Select {
            ty,
            cond,
            if_true,
            if_false,
        } => Key::Select(ty, number(cond), number(if_true), number(if_false)),
        _ => return None,
    })
}

/// Whether `a op b` is `b op a` bit for bit: integer operators only (a
/// float sum of two NaNs carries the first one's payload).
fn commutative(op: BinaryOp, ty: Type) -> bool {
    use BinaryOp::{Add, And, Mul, Or, Xor};
    ty.is_int() && matches!(op, Add | Mul | And | Or | Xor)
}

fn sorted(a: ValueId, b: ValueId) -> (ValueId, ValueId) {
    if b.as_u32() < a.as_u32() {
        (b, a)
    } else {
        (a, b)
    }
}

/// Operators as cheap to compute again as to keep: numbered, never
/// removed.
fn free(op: &Op) -> bool {
    matches!(op, Op::Const(_) | Op::DataAddr(_) | Op::FuncAddr(_))
}

/// Removes the instructions of `candidates` that are free operators whose
/// result nothing reads any more.
fn remove_unused_free(func: &mut Function, candidates: &[ValueId]) {
    let mut uses = vec![0u32; func.values.len()];
    for block in &func.blocks {
        let operands = block.insts.iter().flat_map(|i| i.op.operands());
        for v in operands.chain(block.term.iter().flat_map(|t| t.operands())) {
            uses[v.index()] += 1;
        }
    }
    let mut dead = vec![false; func.values.len()];
    for &v in candidates {
        dead[v.index()] = uses[v.index()] == 0;
    }
    for block in &mut func.blocks {
        block
            .insts
            .retain(|inst| !(free(&inst.op) && inst.results.iter().any(|r| dead[r.index()])));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Module;
    use crate::lower::passes::testing::{check_generated, parse, rewritten, same_outcomes};
    use crate::value::Value;

    fn gvn(module: &Module) -> Module {
        rewritten(module, |_, f| number_values(f))
    }

    /// The mnemonics of block `name` of `@f`.
    fn ops(module: &Module, name: &str) -> Vec<String> {
        let f = module.func(module.func_by_name("f").expect("f"));
        let block = f.blocks.iter().find(|b| b.name == name).expect("block");
        block.insts.iter().map(|i| i.op.mnemonic()).collect()
    }

    fn i32s(lists: &[&[i32]]) -> Vec<Vec<Value>> {
        let all = lists
            .iter()
            .map(|l| l.iter().map(|&x| Value::I32(x)).collect());
        all.collect()
    }

    /// A frontend's two element addresses `a + (i*n + j) * 8` and
    /// `b + (i*n + j) * 8`, each from its own constants: the index is
    /// computed once, the second `ptr.const 8` goes with its `ptr.mul`,
    /// and the two different bases stay.
    #[test]
    fn a_repeated_index_in_one_block_is_computed_once() {
        let module = parse(
            "data @a align 8 = zero 64\ndata @b align 8 = zero 64\n\
             pub fn @f(%i: i32, %n: i32, %j: i32) -> i64 {\nentry:\n\
             %a = data.addr @a\n  %m1 = i32.mul %i, %n\n  %s1 = i32.add %m1, %j\n\
             %x1 = ptr.extend_i32_s %s1\n  %e1 = ptr.const 8\n  %o1 = ptr.mul %x1, %e1\n\
             %p1 = ptr.add %a, %o1\n  %v = i64.extend_i32_s %s1\n  i64.store %p1, %v\n\
             %b = data.addr @b\n  %m2 = i32.mul %i, %n\n  %s2 = i32.add %m2, %j\n\
             %x2 = ptr.extend_i32_s %s2\n  %e2 = ptr.const 8\n  %o2 = ptr.mul %x2, %e2\n\
             %p2 = ptr.add %b, %o2\n  i64.store %p2, %v\n\
             %r1 = i64.load %p1\n  %r2 = i64.load %p2\n  %r = i64.add %r1, %r2\n  return %r\n}\n",
        );
        let after = gvn(&module);
        assert_eq!(
            ops(&after, "entry"),
            [
                "data.addr",
                "i32.mul",
                "i32.add",
                "ptr.extend_i32_s",
                "ptr.const",
                "ptr.mul",
                "ptr.add",
                "i64.extend_i32_s",
                "i64.store",
                "data.addr",
                "ptr.add",
                "i64.store",
                "i64.load",
                "i64.load",
                "i64.add"
            ],
            "{}",
            crate::text::print_module(&after)
        );
        same_outcomes(
            &module,
            &after,
            &i32s(&[&[1, 2, 3], &[0, 0, 7], &[-1, 1, 1]]),
        );
    }

    /// Diamond: `%x * %y` in the entry is reused in `then` and at the
    /// join; `%x - %y` computed in both arms is not reused at the join
    /// (neither arm dominates it), nor from one arm in the other.
    #[test]
    fn values_flow_to_dominated_blocks_only() {
        let module = parse(
            "pub fn @f(%x: i32, %y: i32) -> i32 {\nentry:\n  %p = i32.mul %x, %y\n\
             brif %x, then, else\n\
             then:\n  %p1 = i32.mul %x, %y\n  %d1 = i32.sub %x, %y\n  %t = i32.add %p1, %d1\n  jump join(%t)\n\
             else:\n  %d2 = i32.sub %x, %y\n  jump join(%d2)\n\
             join(%v: i32):\n  %p2 = i32.mul %x, %y\n  %d3 = i32.sub %x, %y\n\
             %u = i32.add %v, %p2\n  %w = i32.add %u, %d3\n  %r = i32.add %w, %p\n  return %r\n}\n",
        );
        let after = gvn(&module);
        let text = crate::text::print_module(&after);
        assert_eq!(ops(&after, "then"), ["i32.sub", "i32.add"], "{text}");
        assert_eq!(ops(&after, "else"), ["i32.sub"], "{text}");
        assert_eq!(
            ops(&after, "join"),
            ["i32.sub", "i32.add", "i32.add", "i32.add"],
            "{text}"
        );
        same_outcomes(&module, &after, &i32s(&[&[0, 5], &[3, 4], &[-7, 9]]));
    }

    /// `a + b` is `b + a` for integers (and so are `mul`, `and`, `or`,
    /// `xor`, `eq`, `ne`); `a - b` is not `b - a`, `lt_s` is not swapped,
    /// and float sums are not sorted.
    #[test]
    fn commutative_integer_operands_are_sorted() {
        let module = parse(
            "pub fn @f(%a: i64, %b: i64, %x: f64, %y: f64) -> i64 {\nentry:\n\
             %s1 = i64.add %a, %b\n  %s2 = i64.add %b, %a\n\
             %m1 = i64.xor %a, %b\n  %m2 = i64.xor %b, %a\n\
             %e1 = i64.eq %a, %b\n  %e2 = i64.eq %b, %a\n\
             %d1 = i64.sub %a, %b\n  %d2 = i64.sub %b, %a\n\
             %l1 = i64.lt_s %a, %b\n  %l2 = i64.lt_s %b, %a\n\
             %f1 = f64.add %x, %y\n  %f2 = f64.add %y, %x\n  %fe = f64.eq %f1, %f2\n\
             %t1 = i64.add %s1, %s2\n  %t2 = i64.add %t1, %m1\n  %t3 = i64.add %t2, %m2\n\
             %t4 = i64.add %t3, %d1\n  %t5 = i64.add %t4, %d2\n\
             %c1 = i32.add %e1, %e2\n  %c2 = i32.add %c1, %l1\n  %c3 = i32.add %c2, %l2\n\
             %c4 = i32.add %c3, %fe\n  %c = i64.extend_i32_u %c4\n  %r = i64.add %t5, %c\n  return %r\n}\n",
        );
        let after = gvn(&module);
        let f = after.func(after.func_by_name("f").expect("f"));
        let count = |m: &str| {
            (f.blocks[0].insts.iter())
                .filter(|i| i.op.mnemonic() == m)
                .count()
        };
        let text = crate::text::print_module(&after);
        // add: s1, t1 to t5 and r (s2 gone); xor and eq once each.
        assert_eq!(count("i64.add"), 7, "{text}");
        assert_eq!(count("i64.xor"), 1, "{text}");
        assert_eq!(count("i64.eq"), 1, "{text}");
        assert_eq!(count("i64.sub"), 2, "{text}");
        assert_eq!(count("i64.lt_s"), 2, "{text}");
        assert_eq!(count("f64.add"), 2, "{text}");
        let nan = f64::from_bits(0x7ff8_0000_0000_0001);
        let args: Vec<Vec<Value>> = [(3, 5, 1.5, 2.0), (-1, i64::MIN, nan, f64::NAN)]
            .iter()
            .map(|&(a, b, x, y)| {
                let f = |v: f64| Value::F64(v.to_bits());
                vec![Value::I64(a), Value::I64(b), f(x), f(y)]
            })
            .collect();
        same_outcomes(&module, &after, &args);
    }

    /// A division repeated in a block it dominates is reused (the first
    /// one ran without trapping on the same operands); one in a branch is
    /// not reused at the join, and the trap stays where it was.
    #[test]
    fn a_division_is_reused_only_where_one_dominates() {
        let module = parse(
            "pub fn @f(%x: i32, %d: i32, %c: i32) -> i32 {\nentry:\n  brif %c, early, join\n\
             early:\n  %q0 = i32.div_s %x, %d\n  jump join\n\
             join:\n  %q1 = i32.div_s %x, %d\n  jump last\n\
             last:\n  %q2 = i32.div_s %x, %d\n  %r1 = i32.rem_u %x, %d\n  %r2 = i32.rem_u %x, %d\n\
             %s = i32.add %q1, %q2\n  %t = i32.add %s, %r1\n  %u = i32.add %t, %r2\n  return %u\n}\n",
        );
        let after = gvn(&module);
        let text = crate::text::print_module(&after);
        assert_eq!(ops(&after, "early"), ["i32.div_s"], "{text}");
        assert_eq!(ops(&after, "join"), ["i32.div_s"], "{text}");
        assert_eq!(
            ops(&after, "last"),
            ["i32.rem_u", "i32.add", "i32.add", "i32.add"],
            "{text}"
        );
        let args = i32s(&[
            &[7, 2, 0],
            &[7, 2, 1],
            &[7, 0, 0],
            &[7, 0, 1],
            &[i32::MIN, -1, 1],
        ]);
        same_outcomes(&module, &after, &args);
    }

    /// Loads of one address with a store between, calls and `global.get`
    /// have results that depend on more than their operands: none goes.
    #[test]
    fn loads_calls_and_globals_are_never_merged() {
        let module = parse(
            "global mut @g: i64 = 0\n\
             fn @h() -> i64 {\nentry:\n  %v = global.get @g\n  %one = i64.const 1\n  %w = i64.add %v, %one\n  global.set @g, %w\n  return %w\n}\n\
             pub fn @f(%p: ptr) -> i64 {\nentry:\n  %a = i64.load %p\n  %k = i64.const 9\n  i64.store %p, %k\n\
             %b = i64.load %p\n  %c1 = call @h()\n  %c2 = call @h()\n  %g1 = global.get @g\n  %g2 = global.get @g\n\
             %s1 = i64.add %a, %b\n  %s2 = i64.add %s1, %c1\n  %s3 = i64.add %s2, %c2\n  %s4 = i64.add %s3, %g1\n\
             %s5 = i64.add %s4, %g2\n  return %s5\n}\n",
        );
        for func in &module.funcs {
            assert_eq!(number_values(func), None, "{}", func.name);
        }
    }

    /// A block no edge reaches is not looked into, but its uses of a
    /// removed value are renamed; a chain of 50,000 blocks (a dominator
    /// tree as deep) is walked without recursion.
    #[test]
    fn unreachable_blocks_and_deep_trees() {
        let module = parse(
            "pub fn @f(%x: i32) -> i32 {\nentry:\n  %a = i32.mul %x, %x\n  %b = i32.mul %x, %x\n  jump out\n\
             dead:\n  %c = i32.mul %x, %x\n  %d = i32.add %b, %c\n  return %d\n\
             out:\n  %r = i32.add %a, %b\n  return %r\n}\n",
        );
        let after = gvn(&module);
        assert_eq!(ops(&after, "dead"), ["i32.mul", "i32.add"]);
        same_outcomes(&module, &after, &i32s(&[&[3], &[-70000]]));
        let mut text = String::from("pub fn @f(%x: i32) -> i32 {\nentry:\n  jump b0\n");
        for k in 0..50_000 {
            text += &format!("b{k}:\n  %v{k} = i32.add %x, %x\n  jump b{}\n", k + 1);
        }
        text += "b50000:\n  %r = i32.add %x, %x\n  return %r\n}\n";
        let module = parse(&text);
        let after = gvn(&module);
        let f = after.func(after.func_by_name("f").expect("f"));
        assert_eq!(f.blocks.iter().map(|b| b.insts.len()).sum::<usize>(), 1);
    }

    #[test]
    fn generated_programs_compute_the_same_with_values_numbered() {
        let changed = check_generated(0..150, |_, f| number_values(f));
        assert!(changed >= 5, "only {changed} functions changed");
    }
}
