//! The machine: the state of a run (frames, the register file, memory,
//! globals, fuel and the clock) and what one instruction does to it. Calls
//! keep an explicit frame stack, so deep guest recursion cannot overflow the
//! host stack.

use super::*;

/// A function activation.
#[derive(Clone, Copy, Debug)]
pub(super) struct ActiveFrame {
    pub(super) func: u32,
    /// While a callee runs: the index of the call instruction.
    pub(super) pc: usize,
    /// Where this frame's registers start in `Machine::regs`.
    pub(super) base: usize,
    /// The stack pointer to restore on return.
    pub(super) entry_sp: u64,
    /// The base of its stack slots: the stack pointer after the prologue,
    /// whatever `stack.alloc` does later.
    pub(super) frame_sp: u64,
}

/// Where execution is: the current function's code, registers and pc.
#[derive(Clone, Copy)]
pub(super) struct Cursor<'p> {
    pub(super) code: &'p Code,
    pub(super) base: usize,
    pub(super) pc: usize,
}

/// The host functions and which import each serves, borrowed for a run.
pub(super) struct Hosts<'a, 'm> {
    pub(super) hosts: &'a mut [HostFn<'m>],
    pub(super) host_of: &'a [Option<usize>],
}

/// The arguments of a host call: from the caller's registers or the embedder.
pub(super) enum HostArgs<'a> {
    Regs {
        args: &'a [Reg],
        results: &'a [Reg],
        base: usize,
    },
    Bits(&'a [u64]),
}

/// Mutable state: what a wasm instance holds, plus the interpreter's stacks.
pub(super) struct Machine {
    pub(super) memory: Vec<u8>,
    /// The named memories, by `MemId` less one (`memories.rs`).
    pub(super) named: Vec<super::memories::NamedMemory>,
    pub(super) globals: Vec<u64>,
    /// The hidden shadow-stack pointer.
    pub(super) sp: u64,
    /// The lowest address the stack may reach.
    pub(super) stack_base: u64,
    pub(super) regs: Vec<u64>,
    pub(super) frames: Vec<ActiveFrame>,
    /// Instructions to run before the next check: of the clock, and of the
    /// fuel in `reserve`. Without a timeout, all the fuel left.
    pub(super) fuel: u64,
    /// Fuel left beyond `fuel`.
    pub(super) reserve: u64,
    pub(super) fuel_limited: bool,
    pub(super) timeout: Option<Duration>,
    pub(super) deadline: Option<Instant>,
    pub(super) edge_buf: Vec<u64>,
    pub(super) ret_buf: Vec<u64>,
    pub(super) ptr_mask: u64,
    /// The default memory's read-only data ([`Layout::readonly`]).
    pub(super) readonly: std::ops::Range<u64>,
    /// The other threads of a threads program (`threads.rs`); `None` for
    /// any other module.
    pub(super) threads: Option<Box<Threads>>,
}

impl Machine {
    pub(super) fn new(module: &Module, layout: &Layout) -> Machine {
        let mut memory = vec![0u8; (layout.min_pages * PAGE_SIZE) as usize];
        let default_data = (0..module.data.len() as u32).map(DataId);
        for id in default_data.filter(|&d| module.data_mem(d).is_default()) {
            for (start, bytes) in layout.data_segments(module, id) {
                let start = start as usize;
                if let Some(place) = memory.get_mut(start..start + bytes.len()) {
                    place.copy_from_slice(&bytes);
                }
            }
        }
        let mask = ptr_mask(layout.target);
        let globals = module
            .globals
            .iter()
            .map(|g| match g.init {
                GlobalInit::Const(c) => const_bits(c, layout.target),
                GlobalInit::DataAddr(d, offset) => layout.data_addr(d).wrapping_add(offset) & mask,
                GlobalInit::FuncAddr(f) => layout.func_ptr(f),
            })
            .collect();
        Machine {
            memory,
            named: super::memories::named_memories(module, layout),
            globals,
            sp: layout.stack_top,
            stack_base: layout.stack_base,
            regs: Vec::new(),
            frames: Vec::new(),
            fuel: u64::MAX,
            reserve: 0,
            fuel_limited: false,
            timeout: None,
            deadline: None,
            edge_buf: Vec::new(),
            ret_buf: Vec::new(),
            ptr_mask: mask,
            readonly: layout.readonly.first().cloned().unwrap_or(0..0),
            threads: None,
        }
    }

    /// Starts a call's clock (and, in a threads program, its threads):
    /// with a timeout, the fuel is handed out [`CLOCK_EVERY`] instructions
    /// at a time, so that running out of a handful ([`Machine::refuel`])
    /// is when the clock is read; with threads, at most a slice at a time.
    pub(super) fn start_clock(&mut self) {
        let total = self.fuel + self.reserve;
        self.deadline = self.timeout.and_then(|t| Instant::now().checked_add(t));
        (self.fuel, self.reserve) = (0, total);
        if let Some(threads) = &mut self.threads {
            threads.restart();
        }
        self.hand_out();
    }

    /// With `fuel` at 0: hands out the instructions to run before the next
    /// check point, from the reserve.
    pub(super) fn hand_out(&mut self) {
        let mut now = self.reserve;
        if self.deadline.is_some() {
            now = now.min(CLOCK_EVERY);
        }
        if let Some(threads) = &mut self.threads {
            now = now.min(threads.slice_left);
            threads.slice_left -= now;
        }
        (self.fuel, self.reserve) = (now, self.reserve - now);
    }

    /// `fuel` has run out: stops for the timeout or for the fuel, or for a
    /// switch when the running thread must give way ([`Stop::Switch`]), or
    /// hands out the next instructions.
    #[cold]
    pub(super) fn refuel(&mut self) -> Result<(), Stop> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Stop::Timeout);
        }
        if self.reserve == 0 {
            return Err(Stop::Trap(TrapKind::Interrupted));
        }
        if self.threads.as_ref().is_some_and(|t| t.must_switch()) {
            return Err(Stop::Switch(0));
        }
        self.hand_out();
        Ok(())
    }

    #[inline(always)]
    pub(super) fn reg(&self, base: usize, r: Reg) -> u64 {
        self.regs[base + r as usize]
    }

    #[inline(always)]
    pub(super) fn set(&mut self, base: usize, r: Reg, bits: u64) {
        self.regs[base + r as usize] = bits;
    }

    /// Pushes a frame for `func` and allocates its registers and stack slots.
    /// The frame is pushed first so that a trap here names the callee.
    pub(super) fn enter<'p>(
        &mut self,
        prog: &'p Program,
        func: u32,
    ) -> Result<Cursor<'p>, TrapKind> {
        let code = prog.code(func);
        let base = self.regs.len();
        self.frames.push(ActiveFrame {
            func,
            pc: 0,
            base,
            entry_sp: self.sp,
            frame_sp: self.sp,
        });
        if self.frames.len() > MAX_FRAMES {
            return Err(TrapKind::CallStackExhausted);
        }
        if code.frame_size > 0 {
            // The compiled prologue executes `unreachable` on stack overflow.
            self.sp = self
                .sp
                .checked_sub(code.frame_size)
                .filter(|&sp| sp >= self.stack_base)
                .ok_or(TrapKind::Unreachable)?;
            if let Some(frame) = self.frames.last_mut() {
                frame.frame_sp = self.sp;
            }
        }
        self.regs.resize(base + code.nregs, 0);
        Ok(Cursor { code, base, pc: 0 })
    }

    /// Executes a call instruction: a host call continues after it, a call
    /// of a defined function continues at the callee's entry.
    pub(super) fn call<'p>(
        &mut self,
        prog: &'p Program,
        hosts: &mut Hosts<'_, '_>,
        ins: &Instr,
        at: Cursor<'p>,
    ) -> Result<Cursor<'p>, Stop> {
        let (Instr::Call { args, results, .. } | Instr::CallIndirect { args, results, .. }) = ins
        else {
            return Err(Stop::Trap(TrapKind::Unreachable));
        };
        let callee = self.callee(prog, ins, at.base)?;
        if prog.funcs[callee as usize].body.is_none() {
            let base = at.base;
            if self.threads.as_ref().is_some_and(|t| t.is_spawn(callee)) {
                let arg = args.first().map_or(0, |&a| self.reg(base, a));
                let tid = self.spawn(arg);
                if let Some(&r) = results.first() {
                    self.set(base, r, tid);
                }
                return Ok(Cursor {
                    pc: at.pc + 1,
                    ..at
                });
            }
            self.call_host(
                hosts,
                prog,
                callee,
                HostArgs::Regs {
                    args,
                    results,
                    base,
                },
            )?;
            return Ok(Cursor {
                pc: at.pc + 1,
                ..at
            });
        }
        if let Some(top) = self.frames.last_mut() {
            top.pc = at.pc;
        }
        let new = self.enter(prog, callee)?;
        for (&param, &arg) in new.code.params.iter().zip(args.iter()) {
            self.set(new.base, param, self.reg(at.base, arg));
        }
        Ok(new)
    }

    /// Pops the frame, passing `values` to the caller; `None` when the
    /// outermost frame returned (the values are then in `ret_buf`).
    pub(super) fn return_from<'p>(
        &mut self,
        prog: &'p Program,
        values: &[Reg],
        base: usize,
    ) -> Option<Cursor<'p>> {
        self.ret_buf.clear();
        for &v in values {
            let bits = self.reg(base, v);
            self.ret_buf.push(bits);
        }
        self.leave();
        let caller = *self.frames.last()?;
        let code = prog.code(caller.func);
        if let Some(Instr::Call { results, .. } | Instr::CallIndirect { results, .. }) =
            code.instrs.get(caller.pc)
        {
            for (&r, &bits) in results.iter().zip(&self.ret_buf) {
                self.regs[caller.base + r as usize] = bits;
            }
        }
        Some(Cursor {
            code,
            base: caller.base,
            pc: caller.pc + 1,
        })
    }

    /// Takes the edge a `jump`, `brif` or `switch` selects; gives the next pc.
    #[inline(always)]
    pub(super) fn branch(&mut self, ins: &Instr, base: usize) -> usize {
        let edge = match ins {
            Instr::Jump(edge) => edge,
            Instr::BrIf {
                cond,
                then_edge,
                else_edge,
            } => {
                if self.reg(base, *cond) as u32 != 0 {
                    then_edge
                } else {
                    else_edge
                }
            }
            Instr::Switch {
                index,
                targets,
                default,
            } => {
                let i = self.reg(base, *index) as u32 as usize;
                targets.get(i).unwrap_or(default)
            }
            Instr::Cases {
                value,
                mask,
                cases,
                default,
            } => {
                let value = self.reg(base, *value) & mask;
                match cases.binary_search_by_key(&value, |&(case, _)| case) {
                    Ok(i) => &cases[i].1,
                    Err(_) => default,
                }
            }
            _ => return usize::MAX, // not a branch: an out-of-range pc, which traps
        };
        self.take_edge(edge, base)
    }

    /// The current call's slot base.
    fn frame_sp(&self) -> u64 {
        self.frames.last().map_or(self.sp, |frame| frame.frame_sp)
    }

    /// Pops the current frame, restoring the stack pointer.
    pub(super) fn leave(&mut self) {
        if let Some(frame) = self.frames.pop() {
            self.sp = frame.entry_sp;
            self.regs.truncate(frame.base);
        }
    }

    /// Passes block arguments (all at once) and gives the target's first instruction.
    #[inline(always)]
    pub(super) fn take_edge(&mut self, edge: &EdgeCode, base: usize) -> usize {
        if edge.parallel {
            self.edge_buf.clear();
            for &(src, _) in edge.moves.iter() {
                let bits = self.reg(base, src);
                self.edge_buf.push(bits);
            }
            for (&(_, dst), &bits) in edge.moves.iter().zip(&self.edge_buf) {
                self.regs[base + dst as usize] = bits;
            }
        } else {
            for &(src, dst) in edge.moves.iter() {
                let bits = self.reg(base, src);
                self.set(base, dst, bits);
            }
        }
        edge.pc as usize
    }

    /// The function a call instruction calls, checking function pointers as
    /// `call_indirect` does.
    pub(super) fn callee(&self, prog: &Program, ins: &Instr, base: usize) -> Result<u32, TrapKind> {
        let (sig, callee) = match *ins {
            Instr::Call { func, .. } => return Ok(func),
            Instr::CallIndirect { sig, callee, .. } => (sig, callee),
            _ => return Err(TrapKind::Unreachable),
        };
        let pointer = self.reg(base, callee) & prog.ptr_mask;
        let target = usize::try_from(pointer)
            .ok()
            .and_then(|i| prog.table.get(i).copied())
            .ok_or(TrapKind::UndefinedElement)?
            .ok_or(TrapKind::UninitializedElement)?;
        match prog.funcs.get(target as usize) {
            Some(info) if info.sig == sig => Ok(target),
            _ => Err(TrapKind::IndirectCallTypeMismatch),
        }
    }

    /// Calls the host function of an import.
    pub(super) fn call_host(
        &mut self,
        hosts: &mut Hosts<'_, '_>,
        prog: &Program,
        func: u32,
        call: HostArgs<'_>,
    ) -> Result<Vec<u64>, Stop> {
        let host = hosts.host_of.get(func as usize).copied().flatten();
        let (Some(host), Some(info)) = (host, prog.funcs.get(func as usize)) else {
            return Err(Stop::Unresolved(func));
        };
        let arg_bits: Vec<u64> = match &call {
            HostArgs::Regs { args, base, .. } => args.iter().map(|&a| self.reg(*base, a)).collect(),
            HostArgs::Bits(bits) => bits.to_vec(),
        };
        let values: Vec<Value> = arg_bits
            .iter()
            .zip(&info.params)
            .map(|(&b, &ty)| to_value(b, ty))
            .collect();
        let out = (hosts.hosts[host])(&values).map_err(|kind| Stop::HostTrap(kind, func))?;
        let bits = check_values(&info.results, &out).map_err(|found| Stop::BadHost(func, found))?;
        if let HostArgs::Regs { results, base, .. } = call {
            for (&r, &b) in results.iter().zip(&bits) {
                self.set(base, r, b);
            }
        }
        Ok(bits)
    }

    /// Executes a non-control instruction.
    #[inline(always)]
    pub(super) fn exec(&mut self, ins: &Instr, base: usize) -> Result<(), TrapKind> {
        match *ins {
            Instr::Const { dst, bits } => self.set(base, dst, bits),
            Instr::Move { dst, src } => self.set(base, dst, self.reg(base, src)),
            Instr::Unary { num, op, dst, a } => {
                let v = unary(num, op, self.reg(base, a))?;
                self.set(base, dst, v);
            }
            Instr::Binary { num, op, dst, a, b } => {
                let v = binary(num, op, self.reg(base, a), self.reg(base, b))?;
                self.set(base, dst, v);
            }
            Instr::Compare { num, op, dst, a, b } => {
                let v = compare(num, op, self.reg(base, a), self.reg(base, b))?;
                self.set(base, dst, v);
            }
            Instr::Convert { op, dst, a } => {
                let v = convert(op, self.reg(base, a))?;
                self.set(base, dst, v);
            }
            Instr::Select { dst, cond, a, b } => {
                let pick = if self.reg(base, cond) as u32 != 0 {
                    a
                } else {
                    b
                };
                self.set(base, dst, self.reg(base, pick));
            }
            Instr::GlobalGet { dst, global } => {
                self.set(base, dst, self.globals[global as usize]);
            }
            Instr::GlobalSet { global, src } => {
                self.globals[global as usize] = self.reg(base, src);
            }
            Instr::SlotAddr { dst, offset } => self.set(base, dst, self.frame_sp() + offset),
            Instr::StackAlloc { dst, size } => {
                // As the lowering: trap unless the free stack holds `size`
                // bytes, then round down to 16 (the base is 16-aligned).
                let size = self.reg(base, size);
                if size > self.sp.saturating_sub(self.stack_base) {
                    return Err(TrapKind::Unreachable);
                }
                self.sp = (self.sp - size) & !(crate::memory::STACK_ALIGN - 1);
                self.set(base, dst, self.sp);
            }
            Instr::StackSave { dst } => self.set(base, dst, self.sp),
            Instr::StackRestore { saved } => {
                let saved = self.reg(base, saved);
                if saved < self.stack_base || saved > self.frame_sp() {
                    return Err(TrapKind::Unreachable);
                }
                self.sp = saved;
            }
            _ => return self.exec_memory(ins, base),
        }
        Ok(())
    }

    pub(super) fn exec_memory(&mut self, ins: &Instr, base: usize) -> Result<(), TrapKind> {
        match *ins {
            Instr::Load {
                shape,
                dst,
                addr,
                offset,
            } => {
                let v = self.load(shape, self.reg(base, addr), offset)?;
                self.set(base, dst, v);
            }
            Instr::Store {
                bytes,
                addr,
                value,
                offset,
            } => {
                let at = self.bounds(self.reg(base, addr), offset, bytes as u64)?;
                writable(&self.readonly, at, bytes as u64)?;
                let bits = self.reg(base, value).to_le_bytes();
                self.memory[at..at + bytes as usize].copy_from_slice(&bits[..bytes as usize]);
            }
            Instr::Atomic {
                op,
                bytes,
                wide,
                shared,
                dst,
                addr,
                a,
                b,
                offset,
            } => {
                let args = AtomicArgs {
                    op,
                    bytes,
                    wide,
                    shared,
                    addr: self.reg(base, addr),
                    offset,
                    a: self.reg(base, a),
                    b: self.reg(base, b),
                };
                if let Some(v) = self.atomic(&args, base + dst as usize)? {
                    self.set(base, dst, v);
                }
            }
            Instr::Nop => {}
            Instr::MemorySize { dst } => self.set(base, dst, self.pages()),
            Instr::MemoryGrow { dst, delta } => {
                let old = self.grow(self.reg(base, delta));
                self.set(base, dst, old);
            }
            Instr::MemoryCopy { dst, src, len } => {
                let len = self.reg(base, len);
                let from = self.bounds(self.reg(base, src), 0, len)?;
                let to = self.bounds(self.reg(base, dst), 0, len)?;
                writable(&self.readonly, to, len)?;
                self.memory.copy_within(from..from + len as usize, to);
            }
            Instr::MemoryFill { dst, byte, len } => {
                let len = self.reg(base, len);
                let at = self.bounds(self.reg(base, dst), 0, len)?;
                writable(&self.readonly, at, len)?;
                let byte = self.reg(base, byte) as u8;
                self.memory[at..at + len as usize].fill(byte);
            }
            Instr::Named(ref named) => return self.exec_named(named, base),
            _ => return Err(TrapKind::Unreachable),
        }
        Ok(())
    }

    /// The start of `addr + offset .. + len` when it lies in memory. The sum
    /// is computed without wrapping: an overflow is out of bounds.
    #[inline(always)]
    pub(super) fn bounds(&self, addr: u64, offset: u64, len: u64) -> Result<usize, TrapKind> {
        let start = addr.checked_add(offset).ok_or(TrapKind::OutOfBounds)?;
        let end = start.checked_add(len).ok_or(TrapKind::OutOfBounds)?;
        if end > self.memory.len() as u64 {
            return Err(TrapKind::OutOfBounds);
        }
        Ok(start as usize)
    }

    #[inline(always)]
    pub(super) fn load(&self, shape: LoadShape, addr: u64, offset: u64) -> Result<u64, TrapKind> {
        let n = shape.bytes as usize;
        let at = self.bounds(addr, offset, n as u64)?;
        let mut buf = [0u8; 8];
        buf[..n].copy_from_slice(&self.memory[at..at + n]);
        Ok(shape.extend(u64::from_le_bytes(buf)))
    }

    pub(super) fn pages(&self) -> u64 {
        self.memory.len() as u64 / PAGE_SIZE
    }

    /// `memory.grow`: the old size in pages, or all ones (of the pointer
    /// width) when the new size would exceed [`MAX_PAGES`].
    pub(super) fn grow(&mut self, delta: u64) -> u64 {
        let old = self.pages();
        let delta = delta & self.ptr_mask;
        if delta > MAX_PAGES - old {
            return self.ptr_mask;
        }
        self.memory.resize(((old + delta) * PAGE_SIZE) as usize, 0);
        old
    }
}

/// A write of `len` bytes at `at` (in bounds) that touches no read-only
/// data of its memory (`readonly`, [`Layout::readonly`]); otherwise the
/// trap that reports the program error (docs/ir.md, "Data").
#[inline(always)]
pub(super) fn writable(
    readonly: &std::ops::Range<u64>,
    at: usize,
    len: u64,
) -> Result<(), TrapKind> {
    let start = at as u64;
    match len > 0 && start < readonly.end && start + len > readonly.start {
        true => Err(TrapKind::ReadOnlyWrite),
        false => Ok(()),
    }
}
