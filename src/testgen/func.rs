//! One function body: the scaffolding (budgets, the `exhausted` exit, stack
//! slots) around a region of random code ([`super::region`]).

use super::GenConfig;
use super::rng::Rng;
use super::values::{self, Pool, Val};
use crate::ir::{
    BlockId, CmpOp, Const, DataId, Edge, FuncId, FunctionBuilder, GlobalId, MemId, Module, Op,
    Signature, SlotId, Type, ValueId, VarId,
};

/// What every function of a module may refer to.
pub struct Env {
    pub config: GenConfig,
    pub region: DataId,
    /// Loop iterations left in this call of an entry.
    pub fuel: GlobalId,
    /// Function entries left in this call of an entry.
    pub calls: GlobalId,
    /// An i64 that values are folded into, so that more of what a program
    /// computes is seen by `@state`.
    pub sink: GlobalId,
    /// The internal functions: those that may be called and whose address
    /// may be taken (never an entry, so that only the harness resets budgets).
    pub funcs: Vec<Callee>,
    pub globals: Vec<GlobalInfo>,
    /// Data holding the pointer of `funcs[i]`.
    pub fp_data: Vec<(DataId, usize)>,
    /// Read-only data: loaded, never written.
    pub consts: Vec<ConstData>,
    /// The shadow stack on either target, widened by the widest wild access
    /// (`insts::out_of_bounds`): slots, live or dead, are reached only
    /// through their own addresses (docs/ir.md), so a wild pointer that
    /// lands here is moved out.
    pub stack: std::ops::Range<u64>,
}

/// A read-only data definition and its size in bytes on wasm32 (the
/// smaller target): accesses stay inside it on both.
#[derive(Clone, Copy, Debug)]
pub struct ConstData {
    pub id: DataId,
    pub size: u64,
}

#[derive(Clone, Debug)]
pub struct Callee {
    pub id: FuncId,
    pub sig: Signature,
}

#[derive(Clone, Copy, Debug)]
pub struct GlobalInfo {
    pub id: GlobalId,
    pub ty: Type,
    pub mutable: bool,
    pub kind: GlobalKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalKind {
    Plain,
    /// An immutable pointer to `region + offset`.
    RegionAddr(u64),
    /// An immutable pointer to `funcs[i]`.
    FuncPtr(usize),
}

/// An enclosing loop, for `break` and `continue`.
#[derive(Clone, Debug)]
pub struct LoopCx {
    pub header: BlockId,
    /// The header's parameters after the counter, and their values.
    pub params: Vec<Type>,
    pub values: Vec<ValueId>,
    /// The header's iteration counter (an i32 parameter).
    pub counter: ValueId,
    /// Fuel is spent on the edges back to the header (which may then be a
    /// block that branches to itself), not in the header.
    pub gated: bool,
    pub exit: BlockId,
    pub exit_params: Vec<Type>,
}

/// A stack slot and its size.
#[derive(Clone, Copy, Debug)]
pub struct SlotInfo {
    pub id: SlotId,
    pub size: u64,
}

/// A slot of 8-byte fields, each of one type, reached only by full-width
/// loads and stores of that type at the field's constant offset: the shape
/// of a frontend's local struct, which `sroa` replaces by values (every
/// other slot escapes, through `memory.fill` at least).
#[derive(Clone, Debug)]
pub struct FieldSlot {
    pub id: SlotId,
    pub fields: Vec<Type>,
}

/// The state of the generation of one function.
pub struct FuncGen<'a> {
    pub rng: &'a mut Rng,
    pub env: &'a Env,
    pub b: FunctionBuilder<'a>,
    pub pool: Pool,
    pub results: Vec<Type>,
    pub vars: Vec<(VarId, Type)>,
    pub slots: Vec<SlotInfo>,
    pub field_slots: Vec<FieldSlot>,
    pub loops: Vec<LoopCx>,
    /// In the body of a counted loop (`counted.rs`): no construct that
    /// leaves it or loops.
    pub flat: bool,
    /// Where a spent budget leads: a block that returns constants.
    pub exhausted: BlockId,
    pub current: BlockId,
    blocks: usize,
    /// This function's share of [`GenConfig::max_blocks`].
    max_blocks: usize,
}

/// Generates the body of `id`, whose signature and parameter values exist.
/// An entry resets the budgets; any other function spends one call.
pub fn generate_body(rng: &mut Rng, env: &Env, m: &mut Module, id: FuncId, entry: bool) {
    let func = m.func(id);
    let results = func.sig.results.clone();
    let params: Vec<(ValueId, Type)> = func
        .params
        .iter()
        .map(|&v| (v, func.value_type(v)))
        .collect();
    let mut b = FunctionBuilder::new(m, id);
    let entry_block = b.create_block("entry");
    let exhausted = b.create_block("exhausted");
    let mut g = FuncGen {
        rng,
        env,
        b,
        pool: Pool::default(),
        results,
        vars: Vec::new(),
        slots: Vec::new(),
        field_slots: Vec::new(),
        loops: Vec::new(),
        flat: false,
        exhausted,
        current: entry_block,
        blocks: 2,
        max_blocks: 0,
    };
    let max = env.config.max_blocks.max(4) as u64;
    g.max_blocks = g.rng.range(4, max) as usize;
    g.declare_locals();
    g.switch_to(entry_block);
    if entry {
        g.reset_budgets();
    } else {
        g.spend(env.calls, "start");
    }
    g.init_slots();
    for (id, ty) in params {
        // The harness's arguments have exact bits; a caller's may not.
        g.pool.push(Val {
            id,
            ty,
            exact: entry,
        });
    }
    g.region(0);
    for _ in 0..g.rng.range(0, 2) {
        g.sink();
    }
    g.ret();
    g.exhausted_block();
}

impl FuncGen<'_> {
    pub fn switch_to(&mut self, block: BlockId) {
        self.b.switch_to_block(block);
        self.current = block;
    }

    /// A new block named `<what><n>`, and its parameter values.
    pub fn block(&mut self, what: &str, params: &[Type]) -> (BlockId, Vec<ValueId>) {
        let id = self.b.create_block(&format!("{what}{}", self.blocks));
        self.blocks += 1;
        let values = params
            .iter()
            .enumerate()
            .map(|(i, &ty)| {
                self.b
                    .block_param(id, &format!("{what}{}_{i}", id.index()), ty)
            })
            .collect();
        (id, values)
    }

    /// Whether the function may still grow by a construct.
    pub fn has_room(&self) -> bool {
        self.blocks < self.max_blocks
    }

    fn declare_locals(&mut self) {
        for i in 0..self.rng.below(4) {
            let ty = values::any_type(self.rng);
            let var = self.b.var(&format!("x{i}"), ty);
            self.vars.push((var, ty));
        }
        for i in 0..self.rng.below(3) {
            // Now and then a big frame, so that recursion exhausts the shadow stack.
            let size = if self.rng.percent(3) {
                self.rng.range(4096, 16384)
            } else {
                *self.rng.pick(&[16, 32, 64, 128]).unwrap_or(&16)
            };
            let align = *self.rng.pick(&[1, 2, 4, 8, 16]).unwrap_or(&8);
            let id = self.b.slot(&format!("s{i}"), size, align);
            self.slots.push(SlotInfo { id, size });
        }
        // Not in every function: a function with a slot is never inlined.
        if self.rng.percent(25) {
            let n = self.rng.range(1, 5) as usize;
            let fields = (0..n).map(|_| values::any_type(self.rng)).collect();
            let id = self.b.slot("fields", 8 * n as u64, 8);
            self.field_slots.push(FieldSlot { id, fields });
        }
    }

    /// Slots start unspecified: write them before any read.
    fn init_slots(&mut self) {
        for slot in self.slots.clone() {
            let addr = self.hidden(Op::SlotAddr(slot.id));
            let byte = Const::I32(self.rng.below(256) as i32);
            let byte = self.hidden(Op::Const(byte));
            let len = self.hidden(Op::Const(Const::Ptr(slot.size)));
            self.b.ins(Op::MemoryFill {
                dst: addr,
                byte,
                len,
                mem: MemId::DEFAULT,
            });
        }
        for slot in 0..self.field_slots.len() {
            for field in 0..self.field_slots[slot].fields.len() {
                self.store_field(slot, field);
            }
        }
    }

    fn reset_budgets(&mut self) {
        for (global, amount) in [
            (self.env.fuel, self.env.config.loop_fuel),
            (self.env.calls, self.env.config.call_fuel),
        ] {
            let v = self.hidden(Op::Const(Const::I32(amount)));
            self.b.global_set(global, v);
        }
    }

    /// Spends one unit of a budget; continues in a new block `<what>`, or
    /// goes to `exhausted` when the budget is gone.
    pub fn spend(&mut self, budget: GlobalId, what: &str) {
        let left = self.b.global_get(budget);
        let one = self.hidden(Op::Const(Const::I32(1)));
        let left = self
            .b
            .binary(crate::ir::BinaryOp::Sub, Type::I32, left, one);
        self.b.global_set(budget, left);
        let zero = self.hidden(Op::Const(Const::I32(0)));
        let ok = self.b.compare(CmpOp::GtS, Type::I32, left, zero);
        let (next, _) = self.block(what, &[]);
        let exhausted = Edge::new(self.exhausted, vec![]);
        self.b.brif(ok, Edge::new(next, vec![]), exhausted);
        self.switch_to(next);
    }

    /// `cond` if a unit of the budget is left (spending it), else 0: for a
    /// back edge that spends fuel in the branch that takes it.
    pub fn gate(&mut self, budget: GlobalId, cond: ValueId) -> ValueId {
        let left = self.b.global_get(budget);
        let one = self.hidden(Op::Const(Const::I32(1)));
        let left = self
            .b
            .binary(crate::ir::BinaryOp::Sub, Type::I32, left, one);
        self.b.global_set(budget, left);
        let zero = self.hidden(Op::Const(Const::I32(0)));
        let ok = self.b.compare(CmpOp::GtS, Type::I32, left, zero);
        self.hidden(Op::Select {
            ty: Type::I32,
            cond: ok,
            if_true: cond,
            if_false: zero,
        })
    }

    /// Returns values of the function's result types from the pool.
    pub fn ret(&mut self) {
        let values = self.values_of(&self.results.clone());
        self.b.ret(&values);
    }

    /// One value of each type, from the pool or new constants.
    pub fn values_of(&mut self, types: &[Type]) -> Vec<ValueId> {
        types.iter().map(|&ty| self.value(ty).id).collect()
    }

    /// `exhausted:` returns constants; it uses nothing from elsewhere.
    fn exhausted_block(&mut self) {
        self.switch_to(self.exhausted);
        let saved = std::mem::take(&mut self.pool);
        let results = self.results.clone();
        let values: Vec<ValueId> = results.iter().map(|&ty| self.constant(ty).id).collect();
        self.b.ret(&values);
        self.pool = saved;
    }
}
