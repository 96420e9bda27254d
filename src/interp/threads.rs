//! Threads in the reference interpreter: the IR's threads ABI (docs/ir.md,
//! "Threads in the reference interpreter"), run deterministically so that a
//! multi-threaded program has an oracle too.
//!
//! A module that imports `wasi`.`thread-spawn` is a threads program: the
//! interpreter implements that import itself. Each thread has its own
//! [`Context`] (registers, frames, globals, stack pointer and stack limit)
//! over the one memory; the running thread's context lives in the
//! [`Machine`] and the others' here, swapped in and out at a switch, so the
//! main loop runs one thread exactly as it runs a program without threads.
//!
//! Scheduling is round-robin in thread-id order, switching when the
//! running thread's slice of instructions is used up, when it blocks in
//! `memory.atomic.wait`, or when it returns. A slice is
//! [`ThreadOptions::quantum`] instructions, or, with a seed, a length drawn
//! from `1..=2*quantum` by a generator seeded with it. Slices ride on the
//! fuel counter the main loop already decrements (a slice's end is a fuel
//! check point), so switching costs the hot loop nothing.
//!
//! Time is virtual: it stands still while any thread can run; when none
//! can, it jumps to the earliest deadline of a timed wait, and every wait
//! due by then times out. With no timed wait left, the program deadlocks.

use super::machine::{ActiveFrame, Cursor, Machine};
use super::translate::{LoadShape, Program};
use super::{Stop, TrapKind};
use crate::ir::{Module, Target};

/// Threads a program may have running besides its main one, as
/// `vitte-runtime`'s default.
pub const MAX_THREADS: usize = 64;

/// What `thread-spawn` returns when the cap of [`MAX_THREADS`] is reached
/// (WASI's EAGAIN, negated).
pub const SPAWN_ERROR: i32 = -6;

/// Thread ids are below this.
const MAX_TID: usize = 1 << 29;

/// How the interpreter interleaves the threads of a threads program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreadOptions {
    /// Instructions (IR instructions and terminators, as fuel counts them)
    /// a thread runs before the next runnable one takes over; 0 counts as 1.
    pub quantum: u64,
    /// `None`: every slice is `quantum` instructions long. `Some(s)`: each
    /// slice's length is drawn from `1..=2*quantum` by a generator seeded
    /// with `s`, so that seeds explore other interleavings; the same seed
    /// always gives the same one.
    pub seed: Option<u64>,
}

impl Default for ThreadOptions {
    fn default() -> ThreadOptions {
        ThreadOptions {
            quantum: 1000,
            seed: None,
        }
    }
}

/// What one thread holds of its own; the memory is everyone's.
#[derive(Debug, Default)]
pub(super) struct Context {
    regs: Vec<u64>,
    frames: Vec<ActiveFrame>,
    globals: Vec<u64>,
    sp: u64,
    stack_base: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// Spawned, not yet started: its first turn reads its thread block.
    Start {
        arg: u64,
    },
    Runnable,
    /// In `memory.atomic.wait` at memory index `addr`; woken, it finds 0
    /// (notified) or 2 (timed out) in its register `result`. `seq` orders
    /// the waits (notify wakes the oldest first).
    Waiting {
        addr: usize,
        result: usize,
        deadline: Option<u64>,
        seq: u64,
    },
    Done,
}

#[derive(Debug)]
struct Thread {
    ctx: Context,
    status: Status,
}

/// The threads of a threads program, and its scheduler.
#[derive(Debug)]
pub(super) struct Threads {
    options: ThreadOptions,
    /// The `wasi`.`thread-spawn` imports, by `FuncId`.
    spawn: Vec<u32>,
    /// `@wasi_thread_start`.
    start: u32,
    /// Every global at its initialiser's value: a new thread's globals.
    initial_globals: Vec<u64>,
    /// How a pointer-sized field of a thread block is read.
    ptr_shape: LoadShape,
    ptr_mask: u64,
    /// By thread id: 0 is the main thread.
    list: Vec<Thread>,
    /// Spawned threads that have not returned.
    running: usize,
    current: usize,
    /// Virtual time, in nanoseconds.
    now: u64,
    /// Waits so far.
    seq: u64,
    /// Instructions left in the running thread's slice beyond the fuel
    /// handed out.
    pub(super) slice_left: u64,
    rng: u64,
}

impl Threads {
    /// The threads of `module` when it is a threads program (it imports
    /// `wasi`.`thread-spawn`). `Interpreter::new` has verified the module,
    /// so the rest of the ABI holds (`src/ir/threads.rs`, checked by the
    /// verifier).
    pub(super) fn for_module(
        module: &Module,
        target: Target,
        initial_globals: &[u64],
    ) -> Option<Threads> {
        let spawn: Vec<u32> = (0..module.funcs.len() as u32)
            .filter(|&f| crate::ir::threads::is_spawn(&module.funcs[f as usize].linkage))
            .collect();
        if spawn.is_empty() {
            return None;
        }
        let start = module.thread_start()?.0;
        let ptr_bytes = target.pointer_bits() / 8;
        Some(Threads {
            options: ThreadOptions::default(),
            spawn,
            start,
            initial_globals: initial_globals.to_vec(),
            ptr_shape: LoadShape {
                bytes: ptr_bytes as u8,
                signed: false,
                wide: ptr_bytes == 8,
            },
            ptr_mask: super::translate::ptr_mask(target),
            list: Vec::new(),
            running: 0,
            current: 0,
            now: 0,
            seq: 0,
            slice_left: u64::MAX,
            rng: 0,
        })
    }

    pub(super) fn set_options(&mut self, options: ThreadOptions) {
        self.options = options;
    }

    /// A new run: the main thread alone, at time 0, its first slice ahead.
    pub(super) fn restart(&mut self) {
        self.list = vec![Thread {
            ctx: Context::default(),
            status: Status::Runnable,
        }];
        (self.current, self.running, self.now, self.seq) = (0, 0, 0, 0);
        self.rng = self.options.seed.unwrap_or(0);
        self.slice_left = self.slice_len();
    }

    pub(super) fn current(&self) -> u32 {
        self.current as u32
    }

    /// The running thread must give way: its slice is over, or it waits or
    /// returned.
    pub(super) fn must_switch(&self) -> bool {
        self.slice_left == 0
            || self.list.get(self.current).map(|t| t.status) != Some(Status::Runnable)
    }

    pub(super) fn is_spawn(&self, func: u32) -> bool {
        self.spawn.contains(&func)
    }

    /// The length of the next slice.
    fn slice_len(&mut self) -> u64 {
        let quantum = self.options.quantum.max(1);
        match self.options.seed {
            None => quantum,
            Some(_) => 1 + splitmix64(&mut self.rng) % quantum.saturating_mul(2),
        }
    }

    /// `thread-spawn(arg)`: the new thread's id, or [`SPAWN_ERROR`].
    pub(super) fn spawn_thread(&mut self, arg: u64) -> i32 {
        // Ids stay below 2^29, as the runtime's (wasi-threads leaves the
        // top bits to the guest).
        if self.running >= MAX_THREADS || self.list.len() >= MAX_TID {
            return SPAWN_ERROR;
        }
        self.running += 1;
        self.list.push(Thread {
            ctx: Context {
                globals: self.initial_globals.clone(),
                ..Context::default()
            },
            status: Status::Start { arg },
        });
        (self.list.len() - 1) as i32
    }

    /// The running thread waits at memory index `addr` until notified or
    /// until `timeout` nanoseconds (negative: none, 0 is handled by the
    /// caller) of virtual time have passed.
    pub(super) fn block(&mut self, addr: usize, result: usize, timeout: i64) {
        self.seq += 1;
        let deadline = u64::try_from(timeout)
            .ok()
            .map(|t| self.now.saturating_add(t));
        if let Some(thread) = self.list.get_mut(self.current) {
            thread.status = Status::Waiting {
                addr,
                result,
                deadline,
                seq: self.seq,
            };
        }
    }

    /// `memory.atomic.notify`: wakes up to `count` threads waiting at
    /// `addr`, oldest wait first; how many it woke.
    pub(super) fn notify(&mut self, addr: usize, count: u32) -> u32 {
        let mut waiting: Vec<(u64, usize)> = (self.list.iter().enumerate())
            .filter_map(|(i, t)| match t.status {
                Status::Waiting { addr: a, seq, .. } if a == addr => Some((seq, i)),
                _ => None,
            })
            .collect();
        waiting.sort_unstable();
        waiting.truncate(count as usize);
        for &(_, i) in &waiting {
            self.wake(i, 0);
        }
        waiting.len() as u32
    }

    /// A waiting thread runs again, finding `result` as its wait's result.
    fn wake(&mut self, i: usize, result: u64) {
        let thread = &mut self.list[i];
        if let Status::Waiting { result: r, .. } = thread.status {
            if let Some(reg) = thread.ctx.regs.get_mut(r) {
                *reg = result;
            }
            thread.status = Status::Runnable;
        }
    }

    /// The running thread returned from `@wasi_thread_start`.
    pub(super) fn exit(&mut self) {
        if let Some(thread) = self.list.get_mut(self.current) {
            thread.status = Status::Done;
            self.running = self.running.saturating_sub(1);
        }
    }

    /// The next thread after `from`, round-robin, that can run (`from`
    /// itself last).
    fn next_runnable(&self, from: usize) -> Option<usize> {
        let n = self.list.len();
        (1..=n)
            .map(|k| (from + k) % n)
            .find(|&i| matches!(self.list[i].status, Status::Runnable | Status::Start { .. }))
    }

    /// No thread can run: time jumps to the earliest deadline, and every
    /// wait due by then times out. False when no wait has a deadline.
    fn advance_time(&mut self) -> bool {
        let deadlines = self.list.iter().filter_map(|t| match t.status {
            Status::Waiting { deadline, .. } => deadline,
            _ => None,
        });
        let Some(earliest) = deadlines.min() else {
            return false;
        };
        self.now = self.now.max(earliest);
        for i in 0..self.list.len() {
            if let Status::Waiting {
                deadline: Some(d), ..
            } = self.list[i].status
                && d <= self.now
            {
                self.wake(i, 2);
            }
        }
        true
    }

    /// The thread whose wait came last: the one a deadlock is reported in.
    fn last_to_wait(&self) -> usize {
        let seq = |t: &Thread| match t.status {
            Status::Waiting { seq, .. } => seq,
            _ => 0,
        };
        (0..self.list.len())
            .max_by_key(|&i| seq(&self.list[i]))
            .unwrap_or(0)
    }
}

impl Machine {
    /// `thread-spawn(arg)`, run by the interpreter itself: the new thread's
    /// id or [`SPAWN_ERROR`], as an i32's register bits.
    #[inline(never)]
    pub(super) fn spawn(&mut self, arg: u64) -> u64 {
        let tid = (self.threads.as_mut()).map_or(SPAWN_ERROR, |t| t.spawn_thread(arg));
        tid as u32 as u64
    }

    /// The outermost function of the running thread returned: the end of
    /// the run on the main thread (its results), else the end of a spawned
    /// thread, which gives way to the next.
    #[inline(never)]
    pub(super) fn outermost_return(&mut self) -> Result<Vec<u64>, Stop> {
        match &mut self.threads {
            Some(threads) if threads.current != 0 => {
                threads.exit();
                Err(Stop::Switch(0))
            }
            _ => Ok(std::mem::take(&mut self.ret_buf)),
        }
    }

    /// Exchanges the running thread's own state with `ctx`.
    fn swap_context(&mut self, ctx: &mut Context) {
        std::mem::swap(&mut self.regs, &mut ctx.regs);
        std::mem::swap(&mut self.frames, &mut ctx.frames);
        std::mem::swap(&mut self.globals, &mut ctx.globals);
        std::mem::swap(&mut self.sp, &mut ctx.sp);
        std::mem::swap(&mut self.stack_base, &mut ctx.stack_base);
    }

    /// The running thread stops here for a switch: what is left of its
    /// fuel goes back to the reserve, so that the next instruction is a
    /// check point ([`Machine::refuel`]).
    pub(super) fn yield_now(&mut self) {
        self.reserve += self.fuel;
        self.fuel = 0;
    }

    /// Gives the place of the running thread (stopped at `pc`) to the next
    /// runnable one (which may be itself): the cursor to go on at.
    #[inline(never)]
    pub(super) fn switch<'p>(&mut self, prog: &'p Program, pc: usize) -> Result<Cursor<'p>, Stop> {
        let Some(mut threads) = self.threads.take() else {
            return Err(Stop::Trap(TrapKind::Unreachable));
        };
        self.yield_now();
        let result = self.switch_in(&mut threads, prog, pc);
        self.threads = Some(threads);
        self.hand_out();
        result
    }

    fn switch_in<'p>(
        &mut self,
        t: &mut Threads,
        prog: &'p Program,
        pc: usize,
    ) -> Result<Cursor<'p>, Stop> {
        let from = t.current;
        if let Some(top) = self.frames.last_mut() {
            top.pc = pc;
        }
        self.swap_context(&mut t.list[from].ctx);
        if t.list[from].status == Status::Done {
            t.list[from].ctx = Context::default();
        }
        let next = match t.next_runnable(from) {
            Some(next) => next,
            None if t.advance_time() => t.next_runnable(from).unwrap_or(from),
            None => {
                // Report it in the thread that waited last.
                t.current = t.last_to_wait();
                self.swap_context(&mut t.list[t.current].ctx);
                return Err(Stop::Trap(TrapKind::Deadlock));
            }
        };
        t.current = next;
        self.swap_context(&mut t.list[next].ctx);
        t.slice_left = t.slice_len();
        if let Status::Start { arg } = t.list[next].status {
            t.list[next].status = Status::Runnable;
            return Ok(self.start_thread(t, prog, arg)?);
        }
        let top = self.frames.last().ok_or(TrapKind::Unreachable)?;
        Ok(Cursor {
            code: prog.code(top.func),
            base: top.base,
            pc: top.pc,
        })
    }

    /// A spawned thread's first turn: its stack from its thread block, then
    /// `@wasi_thread_start(tid, arg)`.
    fn start_thread<'p>(
        &mut self,
        t: &Threads,
        prog: &'p Program,
        arg: u64,
    ) -> Result<Cursor<'p>, TrapKind> {
        let width = u64::from(t.ptr_shape.bytes);
        let block = self
            .load(t.ptr_shape, arg, 0)
            .and_then(|low| Ok((low, self.load(t.ptr_shape, arg, width)?)));
        let Ok((low, size)) = block else {
            return Err(self.trap_at_start(t, block.err()));
        };
        let sp = low.wrapping_add(size) & t.ptr_mask & !(crate::memory::STACK_ALIGN - 1);
        if sp < low {
            // The block's stack would start below its own end (the sum
            // wrapped, or it is smaller than the rounding): the compiled
            // entry traps there too (docs/ir.md, Threads).
            return Err(self.trap_at_start(t, Some(TrapKind::Unreachable)));
        }
        self.sp = sp;
        self.stack_base = low;
        let at = self.enter(prog, t.start)?;
        let tid = t.current as u64;
        for (&param, bits) in at.code.params.iter().zip([tid, arg]) {
            self.set(at.base, param, bits);
        }
        Ok(at)
    }

    /// A trap before `@wasi_thread_start` runs, in its frame: the trap
    /// names the function the thread was to run.
    fn trap_at_start(&mut self, t: &Threads, trap: Option<TrapKind>) -> TrapKind {
        self.frames.push(ActiveFrame {
            func: t.start,
            pc: 0,
            base: 0,
            entry_sp: self.sp,
            frame_sp: self.sp,
        });
        trap.unwrap_or(TrapKind::Unreachable)
    }

    /// After a run, in whatever thread it ended: the main thread's own
    /// state (globals, stack pointer) is the machine's again.
    pub(super) fn back_to_main(&mut self) {
        let Some(mut t) = self.threads.take() else {
            return;
        };
        if t.current != 0 && !t.list.is_empty() {
            let current = t.current;
            self.swap_context(&mut t.list[current].ctx);
            self.swap_context(&mut t.list[0].ctx);
            t.current = 0;
        }
        t.list.truncate(1);
        self.threads = Some(t);
    }
}

/// SplitMix64: a small, well-mixed generator for slice lengths.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
