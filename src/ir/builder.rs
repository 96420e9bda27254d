//! Building IR in memory, as a frontend does.
//!
//! ```
//! use vitte_codegen_wasm64::ir::{BinaryOp, Linkage, Module, Signature, Type, FunctionBuilder, Function};
//!
//! let mut module = Module::default();
//! let add = module.add_function(Function::new("add", Signature::default(), Linkage::Public));
//! let mut b = FunctionBuilder::new(&mut module, add);
//! let x = b.param("x", Type::I32);
//! let y = b.param("y", Type::I32);
//! b.result(Type::I32);
//! let entry = b.create_block("entry");
//! b.switch_to_block(entry);
//! let sum = b.binary(BinaryOp::Add, Type::I32, x, y);
//! b.ret(&[sum]);
//! ```

use super::*;

/// Appends parameters, blocks and instructions to one function of a module.
///
/// Values get the names `v0`, `v1`, ... unless a name is given; the printer
/// writes them as `%v0`, `%v1`, ...
pub struct FunctionBuilder<'m> {
    module: &'m mut Module,
    func: FuncId,
    current: Option<BlockId>,
}

impl<'m> FunctionBuilder<'m> {
    pub fn new(module: &'m mut Module, func: FuncId) -> FunctionBuilder<'m> {
        FunctionBuilder {
            module,
            func,
            current: None,
        }
    }

    fn func_mut(&mut self) -> &mut Function {
        &mut self.module.funcs[self.func.index()]
    }

    /// Adds a parameter to the signature and returns its value.
    pub fn param(&mut self, name: &str, ty: Type) -> ValueId {
        let func = self.func_mut();
        let index = func.params.len() as u32;
        let value = func.new_value(ty, name, ValueDef::Param(index));
        func.params.push(value);
        func.sig.params.push(ty);
        value
    }

    pub fn result(&mut self, ty: Type) {
        self.func_mut().sig.results.push(ty);
    }

    pub fn var(&mut self, name: &str, ty: Type) -> VarId {
        let func = self.func_mut();
        func.vars.push(Var {
            name: name.into(),
            ty,
            span: Span::NONE,
        });
        VarId(func.vars.len() as u32 - 1)
    }

    pub fn slot(&mut self, name: &str, size: u64, align: u32) -> SlotId {
        let func = self.func_mut();
        func.slots.push(Slot {
            name: name.into(),
            size,
            align,
            span: Span::NONE,
        });
        SlotId(func.slots.len() as u32 - 1)
    }

    /// Creates an empty block; the first one created is the entry.
    pub fn create_block(&mut self, name: &str) -> BlockId {
        let func = self.func_mut();
        func.blocks.push(Block::new(name));
        BlockId(func.blocks.len() as u32 - 1)
    }

    pub fn block_param(&mut self, block: BlockId, name: &str, ty: Type) -> ValueId {
        let func = self.func_mut();
        let index = func.blocks[block.index()].params.len() as u32;
        let value = func.new_value(ty, name, ValueDef::BlockParam(block, index));
        func.blocks[block.index()].params.push(value);
        value
    }

    /// Makes `block` the one instructions are appended to.
    pub fn switch_to_block(&mut self, block: BlockId) {
        self.current = Some(block);
    }

    fn current(&self) -> BlockId {
        self.current
            .expect("FunctionBuilder: call switch_to_block before adding instructions")
    }

    /// Appends an instruction and returns the values it defines.
    ///
    /// # Panics
    /// When no block is current, or when the operator names an operand or
    /// entity that does not exist: both are bugs in the caller.
    pub fn ins(&mut self, op: Op) -> Vec<ValueId> {
        let block = self.current();
        let func = &self.module.funcs[self.func.index()];
        let types = self
            .module
            .result_types(func, &op)
            .expect("FunctionBuilder::ins: operand or entity out of range");
        let func = &mut self.module.funcs[self.func.index()];
        let index = func.blocks[block.index()].insts.len() as u32;
        let results = types
            .into_iter()
            .enumerate()
            .map(|(result, ty)| {
                let def = ValueDef::InstResult {
                    block,
                    index,
                    result: result as u32,
                };
                let name = format!("v{}", func.values.len());
                func.new_value(ty, name, def)
            })
            .collect();
        func.blocks[block.index()].insts.push(Inst {
            op,
            results: Vec::clone(&results),
            span: Span::NONE,
        });
        results
    }

    fn ins1(&mut self, op: Op) -> ValueId {
        self.ins(op)[0]
    }

    pub fn iconst(&mut self, ty: Type, value: i64) -> ValueId {
        let c = match ty {
            Type::I32 => Const::I32(value as i32),
            Type::I64 => Const::I64(value),
            Type::Ptr => Const::Ptr(value as u64),
            Type::F32 => Const::F32((value as f32).to_bits()),
            Type::F64 => Const::F64((value as f64).to_bits()),
        };
        self.ins1(Op::Const(c))
    }

    pub fn f64const(&mut self, value: f64) -> ValueId {
        self.ins1(Op::Const(Const::F64(value.to_bits())))
    }

    pub fn f32const(&mut self, value: f32) -> ValueId {
        self.ins1(Op::Const(Const::F32(value.to_bits())))
    }

    pub fn unary(&mut self, op: UnaryOp, ty: Type, a: ValueId) -> ValueId {
        self.ins1(Op::Unary(op, ty, a))
    }

    pub fn binary(&mut self, op: BinaryOp, ty: Type, a: ValueId, b: ValueId) -> ValueId {
        self.ins1(Op::Binary(op, ty, a, b))
    }

    pub fn compare(&mut self, op: CmpOp, ty: Type, a: ValueId, b: ValueId) -> ValueId {
        self.ins1(Op::Compare(op, ty, a, b))
    }

    pub fn convert(&mut self, op: ConvOp, a: ValueId) -> ValueId {
        self.ins1(Op::Convert(op, a))
    }

    pub fn select(
        &mut self,
        ty: Type,
        cond: ValueId,
        if_true: ValueId,
        if_false: ValueId,
    ) -> ValueId {
        self.ins1(Op::Select {
            ty,
            cond,
            if_true,
            if_false,
        })
    }

    pub fn load(&mut self, access: MemAccess, addr: ValueId, offset: u64) -> ValueId {
        self.ins1(Op::Load {
            access,
            addr,
            offset,
        })
    }

    pub fn store(&mut self, access: MemAccess, addr: ValueId, value: ValueId, offset: u64) {
        self.ins(Op::Store {
            access,
            addr,
            value,
            offset,
        });
    }

    pub fn call(&mut self, func: FuncId, args: &[ValueId]) -> Vec<ValueId> {
        self.ins(Op::Call {
            func,
            args: args.to_vec(),
        })
    }

    pub fn var_get(&mut self, var: VarId) -> ValueId {
        self.ins1(Op::VarGet(var))
    }

    pub fn var_set(&mut self, var: VarId, value: ValueId) {
        self.ins(Op::VarSet(var, value));
    }

    pub fn global_get(&mut self, global: GlobalId) -> ValueId {
        self.ins1(Op::GlobalGet(global))
    }

    pub fn global_set(&mut self, global: GlobalId, value: ValueId) {
        self.ins(Op::GlobalSet(global, value));
    }

    fn terminate(&mut self, term: Terminator) {
        let block = self.current();
        self.func_mut().blocks[block.index()].term = Some(term);
    }

    pub fn jump(&mut self, block: BlockId, args: &[ValueId]) {
        self.terminate(Terminator::Jump(Edge::new(block, args.to_vec())));
    }

    pub fn brif(&mut self, cond: ValueId, then_edge: Edge, else_edge: Edge) {
        self.terminate(Terminator::BrIf {
            cond,
            then_edge,
            else_edge,
        });
    }

    pub fn switch(&mut self, index: ValueId, targets: Vec<Edge>, default: Edge) {
        self.terminate(Terminator::Switch {
            index,
            targets,
            default,
        });
    }

    pub fn ret(&mut self, values: &[ValueId]) {
        self.terminate(Terminator::Return(values.to_vec()));
    }

    pub fn unreachable(&mut self) {
        self.terminate(Terminator::Unreachable);
    }
}
