//! Lowering of one function body: values to locals, instructions to wasm
//! instructions, and the shadow-stack frame for stack slots.
//!
//! A value used exactly once, by the instruction right after its definition
//! (or by a chain of such definitions feeding one consumer in order), stays
//! on the operand stack. Every other used SSA value gets a wasm local named
//! after it; a result nobody uses is dropped. Nothing is reordered: each
//! instruction runs where the IR has it, so traps and side effects keep
//! their order. Block parameters are locals, assigned on each edge by a
//! parallel move (all arguments pushed, then stored in reverse). Control
//! flow is [`control`](super::control)'s business.

use super::control::Structurer;
use super::names::NameSpace;
use super::ops;
use super::{ModuleCx, val_type};
use crate::diag::Diagnostic;
use crate::fxhash::FxHashMap;
use crate::ir::{BlockId, Const, Edge, FuncId, Function, Inst, Op, Target, Type, ValueId};
use crate::memory::{Frame, STACK_ALIGN};
use crate::wat::{self, Instr, IntBinOp, IntCmpOp};

/// Lowers the function `id`, whose body after the IR-to-IR passes of the
/// options (`passes.rs`) is `optimized`.
pub(super) fn lower_function(
    cx: &ModuleCx,
    id: FuncId,
    optimized: &Function,
) -> Result<wat::Func, Diagnostic> {
    // The CFG made reducible for the structuring.
    let func = super::reducible::make_reducible(optimized);
    let func: &Function = &func;
    let mut fc = FuncCx::new(cx, func, id);
    let ty = fc.signature();
    let mut body = Vec::new();
    if cx.stack_limit.is_some() && cx.module.thread_start() == Some(id) {
        // The verifier checked `(%tid: i32, %arg: ptr)`; parameters always
        // have a local.
        if let Some((Some(arg), _)) = ty.params.get(1) {
            body.extend(super::threads::thread_entry(cx, arg));
        }
    }
    fc.prologue(&mut body);
    Structurer::new(func)?.lower(&mut fc, &mut body);
    let if_else = fc.cx.options.if_else;
    let rotate = fc.cx.options.rotate_loops;
    let mut body = super::control::tidy(body, if_else, !rotate);
    if rotate {
        // Tidied again: a dropped self-move can leave `if br $l end`.
        body = super::control::tidy(super::rotate::rotate_loops(body), if_else, true);
    }
    if !func.sig.results.is_empty() && !super::control::ends_in_jump(&body) {
        // Every path ended in a branch or return; tell the validator so.
        body.push(Instr::Unreachable);
    }
    if fc.cx.options.loop_guards {
        super::guards::drop_known_guards(&mut body);
    }
    if fc.cx.options.peephole {
        super::peephole::rewrite(&mut body);
    }
    let comment = fc.cx.name_comment(&format!("fn @{}", func.name));
    let vars = match fc.cx.origins {
        true => fc.debug_vars(fc.cx.module.func(id)),
        false => Vec::new(),
    };
    Ok(wat::Func {
        id: fc.cx.func_names[id.index()].clone(),
        ty,
        locals: fc.locals,
        body,
        comment,
        def: fc.cx.origin(id, func.span, func.loc),
        vars,
    })
}

pub(super) struct FuncCx<'a, 'm> {
    pub cx: &'a ModuleCx<'m>,
    /// The function being lowered, made reducible.
    pub func: &'a Function,
    /// Its id in the module: its file is the original's.
    id: FuncId,
    names: NameSpace,
    /// The local holding each value, if it is used and not kept on the stack.
    value_locals: Vec<Option<String>>,
    /// Values left on the operand stack for their single consumer.
    on_stack: Vec<bool>,
    /// Constants emitted again at each use instead of living in a local.
    remat: Vec<Option<Remat>>,
    /// Operands pushed before the code computing their consumer's later
    /// operands (`early-operands`).
    early: EarlyPushes,
    var_locals: Vec<String>,
    /// Whether each parameter's local holds it alone (no other value was
    /// given its color), so that DWARF may say where it is.
    param_alone: Vec<bool>,
    /// The position of each variable's local in `locals`.
    var_indices: Vec<usize>,
    locals: Vec<wat::Local>,
    frame: Frame,
    /// The local holding the frame base, when the function has stack slots.
    frame_local: Option<String>,
    /// A scratch local for `stack.alloc` and `stack.restore`.
    stack_scratch: Option<String>,
    pub labels: NameSpace,
}

impl<'a, 'm> FuncCx<'a, 'm> {
    fn new(cx: &'a ModuleCx<'m>, func: &'a Function, id: FuncId) -> FuncCx<'a, 'm> {
        let frame = cx.frame(id);
        let mut fc = FuncCx {
            cx,
            func,
            id,
            names: NameSpace::default(),
            value_locals: vec![None; func.values.len()],
            on_stack: Vec::new(),
            remat: Vec::new(),
            early: EarlyPushes::default(),
            var_locals: Vec::new(),
            param_alone: Vec::new(),
            var_indices: Vec::new(),
            locals: Vec::new(),
            frame,
            frame_local: None,
            stack_scratch: None,
            labels: NameSpace::default(),
        };
        if fc.cx.options.stack_values {
            (fc.on_stack, fc.remat, fc.early) = stack_plan(func, fc.cx.options.early_operands);
        } else {
            fc.on_stack = vec![false; func.values.len()];
            fc.remat = vec![None; func.values.len()];
        }
        fc.assign_locals();
        fc
    }

    fn signature(&mut self) -> wat::TypeUse {
        let mut ty = self.cx.type_use(&self.func.sig);
        for (slot, value) in ty.params.iter_mut().zip(&self.func.params) {
            slot.0 = self.value_locals[value.index()].clone();
        }
        ty
    }

    /// Parameters keep their names; the other values that need a local share
    /// them as `locals::allocate` decides; then each variable and the frame
    /// base get a local of their own.
    fn assign_locals(&mut self) {
        let func = self.func;
        let used = used_values(func);
        let needs_local: Vec<bool> = (0..func.values.len())
            .map(|v| used[v] && !self.on_stack[v] && self.remat[v].is_none())
            .collect();
        let allocation = super::locals::allocate(func, &needs_local, self.cx.options.reuse_locals);
        let mut color_names = Vec::with_capacity(allocation.first_value.len());
        for (color, &first) in allocation.first_value.iter().enumerate() {
            let data = func.value(first);
            let name = if color < func.params.len() {
                self.names.fresh(&data.name)
            } else {
                self.new_local(&data.name, val_type(data.ty, self.cx.target))
            };
            color_names.push(name);
        }
        let mut holders = vec![0u32; func.params.len()];
        for (value, color) in allocation.colors.iter().enumerate() {
            if let Some(c) = color {
                self.value_locals[value] = Some(color_names[*c as usize].clone());
                if let Some(count) = holders.get_mut(*c as usize) {
                    *count += 1;
                }
            }
        }
        // Each parameter has its own color (`locals.rs`); checked, not assumed.
        self.param_alone = (func.params.iter().enumerate())
            .map(|(i, p)| allocation.colors[p.index()] == Some(i as u32) && holders[i] == 1)
            .collect();
        for var in &func.vars {
            let name = self.new_local(&var.name, val_type(var.ty, self.cx.target));
            self.var_locals.push(name);
            self.var_indices.push(self.locals.len() - 1);
        }
        let ptr = val_type(Type::Ptr, self.cx.target);
        let dynamic_stack = uses_dynamic_stack(func);
        if self.frame.size > 0 || dynamic_stack {
            self.frame_local = Some(self.new_local("frame", ptr));
        }
        if dynamic_stack {
            self.stack_scratch = Some(self.new_local("stack", ptr));
        }
    }

    /// The parameters and variables of `original` (the function before the
    /// lowering's passes, which may add variables of their own) that DWARF
    /// can describe: each in a local that holds it alone for the whole
    /// function, its name printable on one line (see `DebugVar`'s text). A
    /// variable is described only while the lowered function still has it
    /// at its index and reads or writes it: a pass that took it out of its
    /// local must not leave a debugger showing a local that is not it.
    fn debug_vars(&self, original: &Function) -> Vec<wat::DebugVar> {
        let func = self.func;
        let printable = |name: &str| crate::ir::debug_file_name_error(name).is_none();
        let params = (func.params.iter().enumerate())
            .filter(|&(i, _)| self.param_alone[i])
            .filter_map(|(i, &p)| {
                let data = func.value(p);
                printable(&data.name).then(|| wat::DebugVar {
                    param: true,
                    name: data.name.clone(),
                    ty: data.ty,
                    local: i as u32,
                })
            });
        let mut accessed = vec![false; func.vars.len()];
        for inst in func.blocks.iter().flat_map(|b| &b.insts) {
            if let Op::VarGet(var) | Op::VarSet(var, _) = inst.op {
                accessed[var.index()] = true;
            }
        }
        let first_local = func.params.len();
        let kept = |j: usize| original.vars.get(j) == func.vars.get(j) && accessed[j];
        let vars = (func.vars.iter().zip(&self.var_indices).enumerate())
            .filter(|&(j, (var, _))| kept(j) && printable(&var.name))
            .map(|(_, (var, &index))| wat::DebugVar {
                param: false,
                name: var.name.clone(),
                ty: var.ty,
                local: (first_local + index) as u32,
            });
        params.chain(vars).collect()
    }

    fn new_local(&mut self, name: &str, ty: wat::ValType) -> String {
        let id = self.names.fresh(name);
        self.locals.push(wat::Local { id: id.clone(), ty });
        id
    }

    fn target(&self) -> Target {
        self.cx.target
    }

    /// `i64.add` on wasm64, `i32.add` on wasm32...
    fn ptr_op(&self, op: IntBinOp) -> Instr {
        Instr::IntBinary {
            ty: ops::ptr_type(self.target()),
            op,
        }
    }

    /// Allocates the frame on the shadow stack, trapping if it does not fit.
    fn prologue(&mut self, out: &mut Vec<Instr>) {
        let Some(frame_local) = self.frame_local.clone() else {
            return;
        };
        let sp = self.cx.stack_pointer.clone();
        if self.frame.size == 0 {
            // No slots, only `stack.alloc`: the return restores this.
            out.push(Instr::GlobalGet(sp));
            out.push(Instr::LocalSet(frame_local));
            return;
        }
        out.push(Instr::Comment(format!(
            "allocate a {}-byte frame; trap if the stack is exhausted",
            self.frame.size
        )));
        out.push(Instr::GlobalGet(sp.clone()));
        match &self.cx.stack_limit {
            Some(limit) => {
                out.push(Instr::GlobalGet(limit.clone()));
                out.push(self.cx.ptr_const(self.frame.size));
                out.push(self.ptr_op(IntBinOp::Add));
            }
            None => out.push(
                self.cx
                    .ptr_const(self.cx.layout.stack_base + self.frame.size),
            ),
        }
        out.push(Instr::IntCompare {
            ty: ops::ptr_type(self.target()),
            op: IntCmpOp::LtU,
        });
        out.push(Instr::If {
            label: String::new(),
            ty: wat::BlockType::default(),
            then_body: vec![Instr::Unreachable],
            else_body: vec![],
        });
        out.push(Instr::GlobalGet(sp.clone()));
        out.push(self.cx.ptr_const(self.frame.size));
        out.push(self.ptr_op(IntBinOp::Sub));
        out.push(Instr::LocalTee(frame_local));
        out.push(Instr::GlobalSet(sp));
    }

    /// The lowest address frames may use: `stack_base`, or in a threads
    /// program the running thread's `$__stack_limit`.
    fn push_stack_base(&self, out: &mut Vec<Instr>) {
        match &self.cx.stack_limit {
            Some(limit) => out.push(Instr::GlobalGet(limit.clone())),
            None => out.push(self.cx.ptr_const(self.cx.layout.stack_base)),
        }
    }

    /// Frees the frame before a return.
    fn epilogue(&mut self, out: &mut Vec<Instr>) {
        let Some(frame_local) = self.frame_local.clone() else {
            return;
        };
        out.push(Instr::LocalGet(frame_local));
        out.push(self.cx.ptr_const(self.frame.size));
        out.push(self.ptr_op(IntBinOp::Add));
        out.push(Instr::GlobalSet(self.cx.stack_pointer.clone()));
    }

    pub fn push_value(&self, value: ValueId, out: &mut Vec<Instr>) {
        if let Some(remat) = self.remat[value.index()] {
            out.push(self.remat_instr(remat));
            return;
        }
        if self.on_stack[value.index()] {
            // Its definition left it right where this use needs it.
            return;
        }
        let local = self.value_locals[value.index()]
            .clone()
            .expect("a used value has a local");
        out.push(Instr::LocalGet(local));
    }

    /// The name of a block, as a comment.
    pub fn comment(&self, what: &str) -> Option<Instr> {
        self.cx.name_comment(what).map(Instr::Comment)
    }

    /// The marker of the IR position of the code that follows.
    pub fn origin(&self, span: crate::diag::Span, loc: crate::ir::LocId) -> Option<Instr> {
        (self.cx)
            .origin_in_func(self.id, self.func, span, loc)
            .map(Instr::Origin)
    }

    /// Emits the instruction at `index` in `block`.
    pub fn emit_inst(&mut self, block: BlockId, index: usize, inst: &Inst, out: &mut Vec<Instr>) {
        let at = (block.index() as u32, index as u32);
        if let Some(pushes) = self.early.before.get(&at) {
            // Outermost consumer first: its operands go deepest.
            for (consumer, values) in pushes {
                let consumer = &self.func.block(block).insts[*consumer as usize];
                out.extend(self.origin(consumer.span, consumer.loc));
                for &value in values {
                    self.push_value(value, out);
                }
            }
        }
        if let [result] = inst.results.as_slice()
            && self.remat[result.index()].is_some()
        {
            // Emitted at each use, under its user's origin.
            return;
        }
        out.extend(self.origin(inst.span, inst.loc));
        let pushed = self.early.count.get(&at).copied().unwrap_or(0);
        for operand in inst.op.operands().skip(pushed) {
            self.push_value(operand, out);
        }
        self.emit_op(&inst.op, out);
        for result in inst.results.iter().rev() {
            if self.on_stack[result.index()] {
                continue;
            }
            match &self.value_locals[result.index()] {
                Some(local) => out.push(Instr::LocalSet(local.clone())),
                None => out.push(Instr::Drop),
            }
        }
    }

    /// The one instruction that gives a rematerialised value.
    fn remat_instr(&self, remat: Remat) -> Instr {
        match remat {
            Remat::Const(c) => const_instr(c, self.target()),
            Remat::Data(data) => {
                let addr = self.cx.layout.data_addr(data);
                self.cx.address_const(self.cx.module.data_mem(data), addr)
            }
            Remat::Func(f) => self.cx.ptr_const(self.cx.layout.func_ptr(f)),
        }
    }

    /// The instructions of an operator whose operands are on the stack.
    fn emit_op(&mut self, op: &Op, out: &mut Vec<Instr>) {
        let target = self.target();
        match op {
            Op::Const(c) => out.push(const_instr(*c, target)),
            Op::Unary(op, ty, _) => out.push(ops::unary(*op, *ty, target)),
            Op::Binary(op, ty, ..) => out.push(ops::binary(*op, *ty, target)),
            Op::Compare(op, ty, ..) => out.push(ops::compare(*op, *ty, target)),
            Op::Convert(conv, _) => out.extend(ops::convert(*conv, target)),
            Op::Select { .. } => out.push(Instr::Select),
            Op::Load {
                access,
                offset,
                mem,
                ..
            } => {
                let memory = self.cx.named_memory(*mem);
                out.push(ops::load(*access, *offset, target).in_memory(memory))
            }
            Op::Store {
                access,
                offset,
                mem,
                ..
            } => {
                let memory = self.cx.named_memory(*mem);
                out.push(ops::store(*access, *offset, target).in_memory(memory))
            }
            Op::Atomic {
                op, access, offset, ..
            } => out.push(ops::atomic(*op, *access, u64::from(*offset), target)),
            Op::AtomicFence => out.push(Instr::AtomicFence),
            Op::SlotAddr(slot) => {
                let frame_local = self.frame_local.clone().expect("slots imply a frame");
                out.push(Instr::LocalGet(frame_local));
                let offset = self.frame.slot_offsets[slot.index()];
                if offset != 0 {
                    out.push(self.cx.ptr_const(offset));
                    out.push(self.ptr_op(IntBinOp::Add));
                }
            }
            Op::DataAddr(data) => out.push(self.remat_instr(Remat::Data(*data))),
            Op::FuncAddr(f) => out.push(self.remat_instr(Remat::Func(*f))),
            Op::MemorySize(mem) => out.push(Instr::MemorySize(self.cx.named_memory(*mem))),
            Op::MemoryGrow(mem, _) => out.push(Instr::MemoryGrow(self.cx.named_memory(*mem))),
            Op::StackAlloc(_) => self.stack_alloc(out),
            Op::StackSave => out.push(Instr::GlobalGet(self.cx.stack_pointer.clone())),
            Op::StackRestore(_) => self.stack_restore(out),
            Op::MemoryCopy {
                dst_mem, src_mem, ..
            } => {
                let named = !(dst_mem.is_default() && src_mem.is_default());
                let memories =
                    named.then(|| (self.cx.memory_id(*dst_mem), self.cx.memory_id(*src_mem)));
                out.push(Instr::MemoryCopy { memories })
            }
            Op::MemoryFill { mem, .. } => out.push(Instr::MemoryFill(self.cx.named_memory(*mem))),
            Op::Call { func, .. } => {
                out.push(Instr::Call(self.cx.func_names[func.index()].clone()))
            }
            Op::CallIndirect { sig, .. } => {
                let ty = self.cx.type_use(sig);
                out.push(Instr::CallIndirect {
                    table: self.cx.table.clone(),
                    ty,
                });
            }
            Op::GlobalGet(g) => out.push(Instr::GlobalGet(self.cx.global_names[g.index()].clone())),
            Op::GlobalSet(g, _) => {
                out.push(Instr::GlobalSet(self.cx.global_names[g.index()].clone()))
            }
            Op::VarGet(v) => out.push(Instr::LocalGet(self.var_locals[v.index()].clone())),
            Op::VarSet(v, _) => out.push(Instr::LocalSet(self.var_locals[v.index()].clone())),
        }
    }

    /// `stack.alloc`, its size on the operand stack: traps unless the free
    /// stack (`sp - stack_base`) holds `size` bytes, then `sp = (sp - size)
    /// & -16`, the result. `stack_base` is 16-aligned, so rounding down never
    /// crosses it.
    fn stack_alloc(&mut self, out: &mut Vec<Instr>) {
        let size = self
            .stack_scratch
            .clone()
            .expect("stack ops imply a scratch local");
        let sp = self.cx.stack_pointer.clone();
        let ptr = ops::ptr_type(self.target());
        out.push(Instr::LocalSet(size.clone()));
        out.push(Instr::GlobalGet(sp.clone()));
        self.push_stack_base(out);
        out.push(self.ptr_op(IntBinOp::Sub));
        out.push(Instr::LocalGet(size.clone()));
        out.push(Instr::IntCompare {
            ty: ptr,
            op: IntCmpOp::LtU,
        });
        out.push(trap_if());
        out.push(Instr::GlobalGet(sp.clone()));
        out.push(Instr::LocalGet(size.clone()));
        out.push(self.ptr_op(IntBinOp::Sub));
        out.push(self.cx.ptr_const(!(STACK_ALIGN - 1)));
        out.push(self.ptr_op(IntBinOp::And));
        out.push(Instr::LocalTee(size.clone()));
        out.push(Instr::GlobalSet(sp));
        out.push(Instr::LocalGet(size));
    }

    /// `stack.restore`, its pointer on the operand stack: traps unless the
    /// pointer lies between the stack's base and this call's slots, then
    /// makes it the stack pointer.
    fn stack_restore(&mut self, out: &mut Vec<Instr>) {
        let saved = self
            .stack_scratch
            .clone()
            .expect("stack ops imply a scratch local");
        let frame = self
            .frame_local
            .clone()
            .expect("stack ops imply a frame local");
        let ptr = ops::ptr_type(self.target());
        out.push(Instr::LocalTee(saved.clone()));
        self.push_stack_base(out);
        out.push(Instr::IntCompare {
            ty: ptr,
            op: IntCmpOp::LtU,
        });
        out.push(Instr::LocalGet(saved.clone()));
        out.push(Instr::LocalGet(frame));
        out.push(Instr::IntCompare {
            ty: ptr,
            op: IntCmpOp::GtU,
        });
        out.push(Instr::IntBinary {
            ty: wat::IntType::I32,
            op: IntBinOp::Or,
        });
        out.push(trap_if());
        out.push(Instr::LocalGet(saved));
        out.push(Instr::GlobalSet(self.cx.stack_pointer.clone()));
    }

    /// Assigns the target's parameters from the edge's arguments, as a
    /// parallel move: every argument is read before any parameter is written.
    pub fn emit_edge_moves(&mut self, edge: &Edge, out: &mut Vec<Instr>) {
        let mut moves = edge_moves(self.func, edge);
        // An argument already in its parameter's local moves nothing. No
        // other move writes that local (the parameters of a block are live
        // together, so each has its own), and the stacked arguments, a
        // prefix, are in no local.
        moves.retain(|&(arg, param)| !self.in_same_local(arg, param));
        for (arg, _) in &moves {
            self.push_value(*arg, out);
        }
        for (_, param) in moves.iter().rev() {
            match &self.value_locals[param.index()] {
                Some(local) => out.push(Instr::LocalSet(local.clone())),
                None => out.push(Instr::Drop),
            }
        }
    }

    fn in_same_local(&self, arg: ValueId, param: ValueId) -> bool {
        let local = |v: ValueId| self.value_locals[v.index()].as_ref();
        !self.on_stack[arg.index()]
            && self.remat[arg.index()].is_none()
            && local(arg).is_some()
            && local(arg) == local(param)
    }

    pub fn emit_return(&mut self, values: &[ValueId], out: &mut Vec<Instr>) {
        for value in values {
            self.push_value(*value, out);
        }
        self.epilogue(out);
        out.push(Instr::Return);
    }
}

/// `if unreachable end`: the shadow stack's traps.
fn trap_if() -> Instr {
    Instr::If {
        label: String::new(),
        ty: wat::BlockType::default(),
        then_body: vec![Instr::Unreachable],
        else_body: vec![],
    }
}

fn uses_dynamic_stack(func: &Function) -> bool {
    let dynamic = |op: &Op| matches!(op, Op::StackAlloc(_) | Op::StackSave | Op::StackRestore(_));
    func.blocks
        .iter()
        .flat_map(|b| &b.insts)
        .any(|i| dynamic(&i.op))
}

/// Where each value lives when it is not in a local: left on the operand
/// stack for its single consumer, or a constant emitted again at each use.
///
/// For each consumer (an instruction, or a `brif`/`return`/`jump`), the
/// instructions right before it whose results are its first operands, in
/// order and each used only there, leave those results on the stack; the
/// code of their own stacked operands counts as part of them (`feeds`), so
/// whole expression trees stay on the stack.
/// Constants used once, and small integers, cost nothing where they are
/// defined, so the search steps over them.
///
/// With `early` (`early-operands`), an instruction's first operands may
/// instead be read from their locals (or be constants) before the code
/// that computes the operands after them, which then stay on the stack:
/// `local.get $p; <the value>; f64.store` rather than the value through a
/// local. Reading a local early is exact: the value was defined before
/// that code starts, and is live until its consumer, so no value computed
/// in between shares its local (`locals.rs`).
fn stack_plan(func: &Function, early: bool) -> (Vec<bool>, Vec<Option<Remat>>, EarlyPushes) {
    let uses = use_counts(func);
    let candidates = remat_candidates(func, &uses);
    let mut on_stack = vec![false; func.values.len()];
    // Constants a chain stepped over: never left on the stack later.
    let mut pinned = vec![false; func.values.len()];
    let mut pushes = EarlyPushes::default();
    // The position of each value's instruction in its block.
    let mut def_index = vec![u32::MAX; func.values.len()];
    for (b, block) in func.blocks.iter().enumerate() {
        for (i, inst) in block.insts.iter().enumerate() {
            for r in &inst.results {
                def_index[r.index()] = i as u32;
            }
        }
        let consumers = block
            .insts
            .iter()
            .map(|inst| inst.op.operands().collect::<Vec<_>>())
            .chain(std::iter::once(terminator_pushes(
                func,
                block.term.as_ref(),
            )));
        // Where the code of each consumer's stacked operands starts.
        let mut start: Vec<u32> = (0..=block.insts.len() as u32).collect();
        for (j, operands) in consumers.enumerate() {
            let before = &block.insts[..j];
            let is_inst = j < block.insts.len();
            let most_early = if early && is_inst {
                operands.len().saturating_sub(1).min(MAX_EARLY)
            } else {
                0
            };
            let mut best: Option<(usize, usize, Vec<ValueId>)> = None;
            for m in 0..=most_early {
                for k in (m + 1..=operands.len()).rev() {
                    let wanted = &operands[m..k];
                    let Some(skipped) = feeds(
                        before,
                        &start,
                        wanted,
                        &uses,
                        &candidates,
                        &on_stack,
                        &pinned,
                    ) else {
                        continue;
                    };
                    let chain_start = start[def_index[wanted[0].index()] as usize];
                    let pushable = |e: &ValueId| {
                        !on_stack[e.index()]
                            && !wanted.contains(e)
                            && (candidates[e.index()].is_some()
                                || def_index[e.index()] == u32::MAX
                                || def_index[e.index()] < chain_start)
                    };
                    // What stacking saves: the values that would otherwise
                    // go through a local (a constant is emitted at its use
                    // anyway, under its user's position).
                    let saved = |wanted: &[ValueId]| {
                        (wanted.iter())
                            .filter(|v| candidates[v.index()].is_none())
                            .count()
                    };
                    let better = match &best {
                        None => m == 0 || saved(wanted) > 0,
                        Some((bm, bk, _)) => saved(wanted) > saved(&operands[*bm..*bk]),
                    };
                    if better && operands[..m].iter().all(pushable) {
                        best = Some((m, k, skipped));
                    }
                    break;
                }
            }
            let Some((m, k, skipped)) = best else {
                continue;
            };
            let wanted = &operands[m..k];
            for op in wanted {
                on_stack[op.index()] = true;
            }
            // Stepped over: they must stay out of the way, emitted at their use.
            for c in skipped {
                pinned[c.index()] = true;
            }
            start[j] = start[def_index[wanted[0].index()] as usize];
            if m > 0 {
                let at = (b as u32, start[j]);
                pushes.count.insert((b as u32, j as u32), m);
                let list = pushes.before.entry(at).or_default();
                // Consumers come in order, so this one encloses those
                // already listed at the same place.
                list.insert(0, (j as u32, operands[..m].to_vec()));
            }
        }
    }
    let remat = candidates
        .iter()
        .zip(&on_stack)
        .map(|(c, stacked)| if *stacked { None } else { *c })
        .collect();
    (on_stack, remat, pushes)
}

/// The most operands of one instruction pushed early: a store's address, a
/// binary operator's first operand; calls with more are rare.
const MAX_EARLY: usize = 3;

/// An instruction's place: its block's index and its own in the block.
type InstAt = (u32, u32);

/// A consumer's index in its block, and its operands pushed early.
type Pushed = (u32, Vec<ValueId>);

/// The operands pushed early (`stack_plan`), by instruction.
#[derive(Default)]
struct EarlyPushes {
    /// How many of each consumer's first operands are already pushed.
    count: FxHashMap<InstAt, usize>,
    /// Before an instruction: the consumers whose first operands go here,
    /// outermost first, and those operands.
    before: FxHashMap<InstAt, Vec<Pushed>>,
}

/// Whether the instructions ending `before` compute `wanted` in order, each
/// result used once, with only free-standing constants between them; if so,
/// the constants stepped over. The code of an instruction's own stacked
/// operands, from `start[i]` to it, is stepped over as a whole: it leaves
/// nothing on the stack but the instruction's result, so a value defined
/// before it stays on the stack beneath (`a`, then `b * c` computed on the
/// stack, then `a - b * c`), as in an expression tree.
fn feeds(
    before: &[Inst],
    start: &[u32],
    wanted: &[ValueId],
    uses: &[u32],
    candidates: &[Option<Remat>],
    on_stack: &[bool],
    pinned: &[bool],
) -> Option<Vec<ValueId>> {
    let mut needed = wanted.iter().rev().peekable();
    let mut skipped = Vec::new();
    let mut at = before.len();
    while at > 0 {
        let Some(&&next) = needed.peek() else {
            return Some(skipped);
        };
        let inst = &before[at - 1];
        match inst.results.as_slice() {
            [r] if *r == next && uses[r.index()] == 1 && !pinned[r.index()] => {
                needed.next();
                at = start[at - 1] as usize;
            }
            [r] if candidates[r.index()].is_some()
                && !on_stack[r.index()]
                && !wanted.contains(r) =>
            {
                skipped.push(*r);
                at -= 1;
            }
            _ => return None,
        }
    }
    needed.peek().is_none().then_some(skipped)
}

/// The values a terminator pushes first, in order: a condition, returned
/// values, or the arguments a `jump` moves. Not a `switch` index: the
/// `br_table` sits inside the blocks its edges open, which cannot see
/// values pushed before them.
fn terminator_pushes(func: &Function, term: Option<&crate::ir::Terminator>) -> Vec<ValueId> {
    use crate::ir::Terminator;
    match term {
        Some(Terminator::BrIf { cond, .. }) => vec![*cond],
        Some(Terminator::Return(values)) => values.clone(),
        Some(Terminator::Jump(edge)) => {
            edge_moves(func, edge).into_iter().map(|(a, _)| a).collect()
        }
        _ => Vec::new(),
    }
}

/// The (argument, parameter) pairs an edge must move; `x -> x` needs nothing.
fn edge_moves(func: &Function, edge: &Edge) -> Vec<(ValueId, ValueId)> {
    let params = &func.block(edge.block).params;
    edge.args
        .iter()
        .zip(params)
        .filter(|(arg, param)| arg != param)
        .map(|(a, p)| (*a, *p))
        .collect()
}

fn use_counts(func: &Function) -> Vec<u32> {
    let mut uses = vec![0u32; func.values.len()];
    for block in &func.blocks {
        let term_operands = block.term.iter().flat_map(|t| t.operands());
        let inst_operands = block.insts.iter().flat_map(|i| i.op.operands());
        for v in inst_operands.chain(term_operands) {
            uses[v.index()] += 1;
        }
    }
    uses
}

/// A value that one constant instruction gives: a constant, a data
/// definition's address or a function pointer.
#[derive(Clone, Copy, Debug)]
pub(super) enum Remat {
    Const(Const),
    Data(crate::ir::DataId),
    Func(crate::ir::FuncId),
}

/// Constants cheaper to emit at each use than to keep in a local: those
/// used once (a data address or function pointer too: `data.addr @a` then
/// `ptr.add` of an index would otherwise go through a local), and small
/// integers.
fn remat_candidates(func: &Function, uses: &[u32]) -> Vec<Option<Remat>> {
    let mut remat = vec![None; func.values.len()];
    for inst in func.blocks.iter().flat_map(|b| &b.insts) {
        let [result] = inst.results.as_slice() else {
            continue;
        };
        let (candidate, small) = match inst.op {
            Op::Const(c) => (Remat::Const(c), small_const(c)),
            Op::DataAddr(data) => (Remat::Data(data), false),
            Op::FuncAddr(f) => (Remat::Func(f), false),
            _ => continue,
        };
        if uses[result.index()] == 1 || small {
            remat[result.index()] = Some(candidate);
        }
    }
    remat
}

/// A constant whose instruction is no longer than a `local.get`.
fn small_const(c: Const) -> bool {
    match c {
        Const::I32(v) => (-64..64).contains(&v),
        Const::I64(v) => (-64..64).contains(&v),
        Const::Ptr(v) => v < 64,
        Const::F32(_) | Const::F64(_) => false,
    }
}

/// Values read by some instruction or terminator of a reachable or
/// unreachable block alike (an unread value needs no local).
fn used_values(func: &Function) -> Vec<bool> {
    let mut used = vec![false; func.values.len()];
    for block in &func.blocks {
        for inst in &block.insts {
            for v in inst.op.operands() {
                used[v.index()] = true;
            }
        }
        if let Some(term) = &block.term {
            for v in term.operands() {
                used[v.index()] = true;
            }
        }
    }
    used
}

pub(super) fn const_instr(c: Const, target: Target) -> Instr {
    match c {
        Const::I32(v) => Instr::I32Const(v),
        Const::I64(v) => Instr::I64Const(v),
        Const::F32(bits) => Instr::F32Const(bits),
        Const::F64(bits) => Instr::F64Const(bits),
        Const::Ptr(v) => match target {
            Target::Wasm64 => Instr::I64Const(v as i64),
            Target::Wasm32 => Instr::I32Const(v as u32 as i32),
        },
    }
}
