//! General switches (`switch %x, [-3: a, 10: b, 11: c(%v)], d` on an i32,
//! i64 or ptr) expanded into what the rest of the lowering knows: dense
//! `switch` tables (a wasm `br_table`) and `brif` on compares. A frontend
//! writes its `match` on sparse, negative or 64-bit values this way, and the
//! choice between a table and compares is the backend's, as in LLVM's
//! switch lowering:
//! - the cases, in the scrutinee's order (signed for i32 and i64, unsigned
//!   for ptr), are cut into runs that are dense enough for a table: at least
//!   [`MIN_TABLE_CASES`] cases filling at least [`MIN_DENSITY_PERCENT`] of
//!   their range. A table is indexed by `x - low`, its holes go to the
//!   default;
//! - the other cases and the tables are found by a balanced binary search on
//!   `x` (a `lt` compare per level), and the last few by equality tests in a
//!   row.
//!
//! The new blocks are reached only from the switch's block, so the values
//! its edges pass still dominate their uses. Each new instruction carries
//! the switch's position, for the debug info.

use crate::diag::Span;
use crate::ir::{
    BinaryOp, Block, BlockId, Case, CmpOp, Const, ConvKind, ConvOp, Edge, Function, Inst, LocId,
    Op, Terminator, Type, ValueDef, ValueId,
};

/// Fewest cases that make a jump table.
const MIN_TABLE_CASES: usize = 4;
/// The least share of a table's entries that are cases, not holes.
const MIN_DENSITY_PERCENT: u128 = 40;
/// At most this many items are tested one after the other rather than
/// split by a compare.
const MAX_LINEAR_ITEMS: usize = 3;

/// The function with its general switches expanded, or `None` when it has
/// none.
pub(super) fn expand_switches(func: &Function) -> Option<Function> {
    let has_cases = |block: &Block| matches!(block.term, Some(Terminator::Cases { .. }));
    if !func.blocks.iter().any(has_cases) {
        return None;
    }
    let mut func = func.clone();
    for b in 0..func.blocks.len() {
        if has_cases(&func.blocks[b]) {
            let block = func.block_id(b);
            Expander::expand(&mut func, block);
        }
    }
    Some(func)
}

/// What the binary search sorts: one case, or a dense run of them.
enum Item {
    Single(u64, Edge),
    Table { low: u64, cases: Vec<(u64, Edge)> },
}

impl Item {
    fn first(&self) -> u64 {
        match self {
            Item::Single(value, _) => *value,
            Item::Table { low, .. } => *low,
        }
    }
}

struct Expander<'f> {
    func: &'f mut Function,
    value: ValueId,
    ty: Type,
    default: Edge,
    /// The switch block's name, for the blocks made from it.
    name: String,
    span: Span,
    loc: LocId,
}

impl Expander<'_> {
    fn expand(func: &mut Function, block: BlockId) {
        let at = &mut func.blocks[block.index()];
        let Some(Terminator::Cases {
            value,
            cases,
            default,
        }) = at.term.take()
        else {
            return;
        };
        let (name, span, loc) = (at.name.clone(), at.term_span, at.term_loc);
        let ty = func.value_type(value);
        let mut expander = Expander {
            func,
            value,
            ty,
            default,
            name,
            span,
            loc,
        };
        let items = expander.items(cases);
        expander.search(block, &items);
    }

    /// The cases masked to the type's width, in its order, cut into items.
    fn items(&self, cases: Vec<Case>) -> Vec<Item> {
        let mut cases: Vec<(u64, Edge)> = cases
            .into_iter()
            .map(|case| (case.in_width(self.ty), case.edge))
            .collect();
        cases.sort_by_key(|&(value, _)| self.order(value));
        let mut items = Vec::new();
        let mut rest = cases.as_slice();
        while !rest.is_empty() {
            let run = self.dense_run(rest);
            if run >= MIN_TABLE_CASES {
                let low = rest[0].0;
                let cases = rest[..run].to_vec();
                items.push(Item::Table { low, cases });
            } else {
                items.extend(rest[..run].iter().cloned().map(|(v, e)| Item::Single(v, e)));
            }
            rest = &rest[run..];
        }
        items
    }

    /// How many of `cases` (sorted) form a run dense enough for a table,
    /// grown one case at a time; at least one.
    fn dense_run(&self, cases: &[(u64, Edge)]) -> usize {
        let low = self.order(cases[0].0);
        let dense = |count: usize, high: i128| {
            let span = (high - low + 1) as u128;
            count as u128 * 100 >= span * MIN_DENSITY_PERCENT
        };
        let mut run = 1;
        while run < cases.len() && dense(run + 1, self.order(cases[run].0)) {
            run += 1;
        }
        run
    }

    /// The position of a canonical value in the type's order.
    fn order(&self, value: u64) -> i128 {
        match self.ty {
            Type::I32 => value as u32 as i32 as i128,
            Type::I64 => value as i64 as i128,
            _ => value as i128,
        }
    }

    /// Ends `block` with the search for `x` among `items`.
    fn search(&mut self, block: BlockId, items: &[Item]) {
        if items.len() <= MAX_LINEAR_ITEMS {
            return self.linear(block, items);
        }
        let (low, high) = items.split_at(items.len() / 2);
        let pivot = self.constant(block, high[0].first());
        let below = match self.ty {
            Type::Ptr => CmpOp::LtU,
            _ => CmpOp::LtS,
        };
        let cond = self.compare(block, below, pivot);
        let (low_block, high_block) = (self.new_block(), self.new_block());
        self.terminate(
            block,
            Terminator::BrIf {
                cond,
                then_edge: Edge::new(low_block, vec![]),
                else_edge: Edge::new(high_block, vec![]),
            },
        );
        self.search(low_block, low);
        self.search(high_block, high);
    }

    /// Tests the items one after the other; the last miss takes the default.
    fn linear(&mut self, mut block: BlockId, items: &[Item]) {
        for (i, item) in items.iter().enumerate() {
            let last = i + 1 == items.len();
            let miss = match last {
                true => self.default.clone(),
                false => Edge::new(self.new_block(), vec![]),
            };
            let next = miss.block;
            match item {
                Item::Single(value, edge) => {
                    let value = self.constant(block, *value);
                    let cond = self.compare(block, CmpOp::Eq, value);
                    let term = Terminator::BrIf {
                        cond,
                        then_edge: edge.clone(),
                        else_edge: miss,
                    };
                    self.terminate(block, term);
                }
                Item::Table { low, cases } => self.table(block, *low, cases, miss),
            }
            block = next;
        }
        if items.is_empty() {
            let default = self.default.clone();
            self.terminate(block, Terminator::Jump(default));
        }
    }

    /// A `switch` on `x - low`, holes and values out of range to `miss`.
    fn table(&mut self, block: BlockId, low: u64, cases: &[(u64, Edge)], miss: Edge) {
        let index = match low {
            0 => self.value,
            _ => {
                let low = self.constant(block, low);
                self.binary(block, BinaryOp::Sub, self.value, low)
            }
        };
        // Positions in the type's order: `x - low` wraps in its width.
        let at = |value: u64| (self.order(value) - self.order(low)) as usize;
        let span = at(cases.last().expect("a table has cases").0) + 1;
        let mut targets = vec![miss.clone(); span];
        for (value, edge) in cases {
            targets[at(*value)] = edge.clone();
        }
        let (block, index) = match self.ty {
            // The i32 `switch` checks the range itself, unsigned.
            Type::I32 => (block, index),
            wide => {
                let size = self.constant(block, span as u64);
                let inside = self.inst(block, Op::Compare(CmpOp::LtU, wide, index, size));
                let table_block = self.new_block();
                let term = Terminator::BrIf {
                    cond: inside,
                    then_edge: Edge::new(table_block, vec![]),
                    else_edge: miss.clone(),
                };
                self.terminate(block, term);
                let wrap = ConvOp::new(ConvKind::Wrap, wide, Type::I32).expect("a wrap to i32");
                (
                    table_block,
                    self.inst(table_block, Op::Convert(wrap, index)),
                )
            }
        };
        let term = Terminator::Switch {
            index,
            targets,
            default: miss,
        };
        self.terminate(block, term);
    }

    fn constant(&mut self, block: BlockId, value: u64) -> ValueId {
        let c = match self.ty {
            Type::I32 => Const::I32(value as u32 as i32),
            Type::I64 => Const::I64(value as i64),
            _ => Const::Ptr(value),
        };
        self.inst(block, Op::Const(c))
    }

    fn compare(&mut self, block: BlockId, op: CmpOp, with: ValueId) -> ValueId {
        self.inst(block, Op::Compare(op, self.ty, self.value, with))
    }

    fn binary(&mut self, block: BlockId, op: BinaryOp, a: ValueId, b: ValueId) -> ValueId {
        self.inst(block, Op::Binary(op, self.ty, a, b))
    }

    /// Appends an instruction of one result to `block`.
    fn inst(&mut self, block: BlockId, op: Op) -> ValueId {
        let ty = match &op {
            Op::Const(c) => c.ty(),
            Op::Compare(..) => Type::I32,
            Op::Convert(conv, _) => conv.to,
            _ => self.ty,
        };
        let insts = &self.func.blocks[block.index()].insts;
        let def = ValueDef::InstResult {
            block,
            index: insts.len() as u32,
            result: 0,
        };
        let result = self.func.new_value(ty, "case", def);
        self.func.blocks[block.index()].insts.push(Inst {
            op,
            results: vec![result],
            span: self.span,
            loc: self.loc,
        });
        result
    }

    fn new_block(&mut self) -> BlockId {
        let mut block = Block::new(format!("{}_case", self.name));
        block.span = self.span;
        self.func.blocks.push(block);
        self.func.block_id(self.func.blocks.len() - 1)
    }

    fn terminate(&mut self, block: BlockId, term: Terminator) {
        let block = &mut self.func.blocks[block.index()];
        block.term = Some(term);
        block.term_span = self.span;
        block.term_loc = self.loc;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Interpreter;
    use crate::ir::{Module, Target};
    use crate::testgen::rng::Rng;
    use crate::value::Value;

    /// `@f(%x: ty) -> i32` switching on `%x`: case i returns i, the default
    /// returns -1; odd cases pass `%x` on to a shared block instead.
    fn switch_module(ty: Type, values: &[i64]) -> Module {
        let mut text = format!("pub fn @f(%x: {ty}) -> i32 {{\nentry:\n  %m = i32.const -7\n");
        let cases: Vec<String> = (values.iter().enumerate())
            .map(|(i, v)| match i % 2 {
                0 => format!("{v}: r{i}"),
                _ => format!("{v}: shared(%m)"),
            })
            .collect();
        text += &format!("  switch %x, [{}], none\n", cases.join(", "));
        for i in (0..values.len()).step_by(2) {
            text += &format!("r{i}:\n  %c{i} = i32.const {i}\n  return %c{i}\n");
        }
        text += "shared(%s: i32):\n  return %s\nnone:\n  %n = i32.const -1\n  return %n\n}\n";
        let module = crate::text::parse_str("cases.vir", &text).expect("parses");
        crate::verify::verify_module(&module).expect("verifies");
        module
    }

    fn expanded(module: &Module) -> Module {
        let mut module = module.clone();
        let func = &mut module.funcs[0];
        *func = expand_switches(func).expect("a general switch to expand");
        crate::verify::verify_module(&module).expect("the expansion verifies");
        module
    }

    fn arg(ty: Type, x: i64, target: Target) -> Value {
        match (ty, target) {
            (Type::I64, _) | (Type::Ptr, Target::Wasm64) => Value::I64(x),
            _ => Value::I32(x as i32),
        }
    }

    /// The switch and its expansion agree on every case value, its
    /// neighbours and the type's extremes, in the reference interpreter.
    fn agree(ty: Type, values: &[i64]) {
        let module = switch_module(ty, values);
        let expanded = expanded(&module);
        let mut probes: Vec<i64> = vec![0, -1, 1, i32::MIN.into(), i32::MAX.into()];
        probes.extend([i64::MIN, i64::MAX, u32::MAX.into()]);
        probes.extend(
            values
                .iter()
                .flat_map(|&v| [v.wrapping_sub(1), v, v.wrapping_add(1)]),
        );
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut before = Interpreter::new(&module, target).expect("instantiates");
            let mut after = Interpreter::new(&expanded, target).expect("instantiates");
            for &x in &probes {
                let x = arg(ty, x, target);
                let (want, got) = (before.call("f", &[x]), after.call("f", &[x]));
                assert_eq!(
                    got, want,
                    "{ty} switch on {values:?}, x = {x:?}, {target:?}"
                );
            }
        }
    }

    fn terminators(module: &Module) -> (usize, usize) {
        let terms = module.funcs[0]
            .blocks
            .iter()
            .filter_map(|b| b.term.as_ref());
        let tables = terms
            .clone()
            .filter(|t| matches!(t, Terminator::Switch { .. }))
            .count();
        let tests = terms
            .filter(|t| matches!(t, Terminator::BrIf { .. }))
            .count();
        (tables, tests)
    }

    #[test]
    fn hand_picked_case_sets_keep_their_meaning() {
        let sets: &[&[i64]] = &[
            &[5],
            &[0, 1, 2, 3],
            &[3, 1, 2, 0, 9, 7],
            &[-2, -1, 0, 1, 2],
            &[200, 204, 301, 404, 500],
            &[
                1000, 1001, 1003, 1004, 5, -5, 77_000, 77_001, 77_002, 77_003,
            ],
            &[i32::MIN as i64, -1, 0, i32::MAX as i64],
        ];
        for values in sets {
            agree(Type::I32, values);
            agree(Type::I64, values);
        }
        agree(
            Type::I64,
            &[i64::MIN, -4_294_967_296, 4_294_967_296, i64::MAX],
        );
        agree(Type::Ptr, &[0, 8, 16, 24, 32, 4096, u32::MAX as i64]);
    }

    #[test]
    fn random_case_sets_keep_their_meaning() {
        let mut rng = Rng::new(7);
        for round in 0..300 {
            let ty = [Type::I32, Type::I64, Type::Ptr][round % 3];
            let count = 1 + rng.index(40);
            let spread = [4, 40, 400, 1 << 20][rng.index(4)];
            let base = rng.below(1 << 16) as i64 - (1 << 15);
            let mut values: Vec<i64> = (0..count)
                .map(|_| base + rng.below(spread) as i64)
                .map(|v| {
                    if ty == Type::Ptr {
                        v.rem_euclid(1 << 32)
                    } else {
                        v
                    }
                })
                .collect();
            values.sort();
            values.dedup();
            values.reverse(); // the text's order is not the values' order
            agree(ty, &values);
        }
    }

    #[test]
    fn dense_runs_become_tables_and_sparse_cases_compares() {
        let dense: Vec<i64> = (10..30).collect();
        assert_eq!(
            terminators(&expanded(&switch_module(Type::I32, &dense))).0,
            1
        );
        let sparse: Vec<i64> = (0..20).map(|i| i * 1000).collect();
        let (tables, tests) = terminators(&expanded(&switch_module(Type::I32, &sparse)));
        assert_eq!(tables, 0);
        // A binary search: a compare per level and an equality test per case,
        // so the tests grow as the cases do, not as the spread.
        assert!(
            tests < 2 * sparse.len(),
            "{tests} tests for {} cases",
            sparse.len()
        );
        // A run of 4 at 40% density and more is a table; 3 cases are not.
        let (tables, _) = terminators(&expanded(&switch_module(Type::I64, &[0, 2, 5, 9])));
        assert_eq!(tables, 1);
        let (tables, _) = terminators(&expanded(&switch_module(Type::I64, &[0, 1, 2])));
        assert_eq!(tables, 0);
    }
}
