//! Threads programs (the IR's threads ABI, docs/ir.md "Threads in the
//! reference interpreter"), written by hand, on both targets.

use super::*;

const BOTH: [Target; 2] = [W64, W32];

/// What every program here shares: the spawn import, the stacks, the
/// thread blocks, a count of running threads and
/// - `@spawn_with(%i, %stack, %work)`: fills thread block `%i` (a stack of
///   `%stack` bytes at `@stacks + %i * %stack`, `%work` at offset 16) and
///   spawns a thread with it, giving its id;
/// - `@done()`: a thread's last act (`@running` minus one, and a notify);
/// - `@join()`: waits until `@running` is 0.
///
/// `{P}` is the pointer size: the block's `size` field is at offset `{P}`.
const PRELUDE: &str = "memory shared
extern fn @spawn(ptr) -> i32 from \"wasi\" \"thread-spawn\"
data @stacks align 16 = zero 262144
data @blocks align 16 = zero 4096
data @running align 4 = i32 0

fn @spawn_with(%i: i32, %stack: i32, %work: i64) -> i32 {
entry:
  %stacks = data.addr @stacks
  %blocks = data.addr @blocks
  %ip = ptr.extend_i32_u %i
  %sz = ptr.extend_i32_u %stack
  %off = ptr.mul %ip, %sz
  %low = ptr.add %stacks, %off
  %c32 = ptr.const 32
  %boff = ptr.mul %ip, %c32
  %b = ptr.add %blocks, %boff
  ptr.store %b, %low
  ptr.store %b, %sz offset={P}
  i64.store %b, %work offset=16
  %tid = call @spawn(%b)
  return %tid
}

fn @done() {
entry:
  %p = data.addr @running
  %one = i32.const 1
  %old = i32.atomic.rmw.sub %p, %one
  %n = memory.atomic.notify %p, %one
  return
}

fn @join() {
entry:
  %p = data.addr @running
  jump top
top:
  %n = i32.atomic.load %p
  %zero = i32.const 0
  %z = i32.eq %n, %zero
  brif %z, out, wait
wait:
  %inf = i64.const -1
  %r = memory.atomic.wait32 %p, %n, %inf
  jump top
out:
  return
}

; Spawns %n threads with stacks of 16 KiB, thread i's work being i.
fn @spawn_n(%n: i32) {
entry:
  %p = data.addr @running
  i32.atomic.store %p, %n
  %zero = i32.const 0
  jump top(%zero)
top(%i: i32):
  %more = i32.lt_u %i, %n
  brif %more, body, out
body:
  %stack = i32.const 16384
  %work = i64.extend_i32_u %i
  %tid = call @spawn_with(%i, %stack, %work)
  %one = i32.const 1
  %next = i32.add %i, %one
  jump top(%next)
out:
  return
}
";

/// The prelude and `body`, parsed for `target`.
fn program(target: Target, body: &str) -> Module {
    let bytes = target.pointer_bits() / 8;
    let text = PRELUDE.replace("{P}", &bytes.to_string()) + body;
    match crate::text::parse_str("threads.vir", &text) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    }
}

/// Calls `@main()` with these options: its results, and the memory after.
fn run_main(
    m: &Module,
    target: Target,
    options: ThreadOptions,
) -> (Result<Vec<Value>, InterpError>, Vec<u8>) {
    let mut it = Interpreter::new(m, target).expect("valid module");
    it.set_threads(options);
    let r = it.call("main", &[]);
    (r, it.memory().to_vec())
}

fn opts(quantum: u64, seed: Option<u64>) -> ThreadOptions {
    ThreadOptions { quantum, seed }
}

/// Four threads each sum a quarter of 0..20000 and add it to a total with
/// an i64 atomic add; main joins them by wait/notify.
const PARALLEL_SUM: &str = "
data @total align 8 = i64 0

pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {
entry:
  %k = i64.load %arg offset=16
  %quarter = i64.const 5000
  %from = i64.mul %k, %quarter
  %to = i64.add %from, %quarter
  %zero = i64.const 0
  jump top(%from, %zero)
top(%i: i64, %acc: i64):
  %more = i64.lt_u %i, %to
  brif %more, body, out
body:
  %acc1 = i64.add %acc, %i
  %one = i64.const 1
  %i1 = i64.add %i, %one
  jump top(%i1, %acc1)
out:
  %t = data.addr @total
  %old = i64.atomic.rmw.add %t, %acc
  call @done()
  return
}

pub fn @main() -> i64 {
entry:
  %four = i32.const 4
  call @spawn_n(%four)
  call @join()
  %t = data.addr @total
  %sum = i64.atomic.load %t
  return %sum
}
";

#[test]
fn four_threads_sum_exactly_with_an_atomic_add() {
    for target in BOTH {
        let m = program(target, PARALLEL_SUM);
        for options in [opts(1000, None), opts(1, None), opts(50, Some(3))] {
            let (r, _) = run_main(&m, target, options);
            assert_eq!(
                r,
                Ok(vec![Value::I64(19999 * 20000 / 2)]),
                "{target:?} {options:?}"
            );
        }
    }
}

/// Four threads increment a plain counter 1000 times each under a mutex
/// of compare-exchange and wait/notify.
const MUTEX: &str = "
data @lockword align 4 = i32 0
data @counter align 4 = i32 0

fn @lock() {
entry:
  %p = data.addr @lockword
  jump top
top:
  %zero = i32.const 0
  %one = i32.const 1
  %old = i32.atomic.rmw.cmpxchg %p, %zero, %one
  %free = i32.eq %old, %zero
  brif %free, out, wait
wait:
  %inf = i64.const -1
  %r = memory.atomic.wait32 %p, %one, %inf
  jump top
out:
  return
}

fn @unlock() {
entry:
  %p = data.addr @lockword
  %zero = i32.const 0
  i32.atomic.store %p, %zero
  %one = i32.const 1
  %n = memory.atomic.notify %p, %one
  return
}

pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {
entry:
  %zero = i32.const 0
  jump top(%zero)
top(%i: i32):
  %limit = i32.const 1000
  %more = i32.lt_u %i, %limit
  brif %more, body, out
body:
  call @lock()
  %c = data.addr @counter
  %v = i32.load %c
  %one = i32.const 1
  %v1 = i32.add %v, %one
  i32.store %c, %v1
  call @unlock()
  %i1 = i32.add %i, %one
  jump top(%i1)
out:
  call @done()
  return
}

pub fn @main() -> i32 {
entry:
  %four = i32.const 4
  call @spawn_n(%four)
  call @join()
  %c = data.addr @counter
  %v = i32.load %c
  return %v
}
";

#[test]
fn a_mutex_of_compare_exchange_and_wait_counts_exactly_under_any_schedule() {
    for target in BOTH {
        let m = program(target, MUTEX);
        for quantum in [1, 3, 7, 64, 1000] {
            for seed in [None, Some(1), Some(2), Some(99)] {
                let (r, _) = run_main(&m, target, opts(quantum, seed));
                assert_eq!(
                    r,
                    Ok(vec![Value::I32(4000)]),
                    "{target:?} {quantum} {seed:?}"
                );
            }
        }
    }
}

/// Thread 1 produces 1..=1000 into a ring of 8 words, thread 2 consumes
/// them and folds them in order (acc * 31 + v), each waiting on the
/// other's index when the ring is full or empty.
const RING: &str = "
data @ring align 4 = zero 32
data @head align 4 = i32 0
data @tail align 4 = i32 0
data @folded align 8 = i64 0

fn @produce() {
entry:
  %one = i32.const 1
  jump top(%one)
top(%v: i32):
  %last = i32.const 1000
  %more = i32.le_u %v, %last
  brif %more, room, out
room:
  %hp = data.addr @head
  %tp = data.addr @tail
  %h = i32.atomic.load %hp
  %t = i32.atomic.load %tp
  %used = i32.sub %h, %t
  %eight = i32.const 8
  %full = i32.eq %used, %eight
  brif %full, wait, put
wait:
  %inf = i64.const -1
  %r = memory.atomic.wait32 %tp, %t, %inf
  jump room
put:
  %seven = i32.const 7
  %slot = i32.and %h, %seven
  %four = i32.const 4
  %off = i32.mul %slot, %four
  %offp = ptr.extend_i32_u %off
  %ring = data.addr @ring
  %at = ptr.add %ring, %offp
  i32.store %at, %v
  %h1 = i32.add %h, %one
  i32.atomic.store %hp, %h1
  %n = memory.atomic.notify %hp, %one
  %v1 = i32.add %v, %one
  jump top(%v1)
out:
  return
}

fn @consume() {
entry:
  %zero = i64.const 0
  %izero = i32.const 0
  jump top(%izero, %zero)
top(%k: i32, %acc: i64):
  %count = i32.const 1000
  %more = i32.lt_u %k, %count
  brif %more, look, out(%acc)
look:
  %hp = data.addr @head
  %tp = data.addr @tail
  %h = i32.atomic.load %hp
  %t = i32.atomic.load %tp
  %empty = i32.eq %h, %t
  brif %empty, wait, take
wait:
  %inf = i64.const -1
  %r = memory.atomic.wait32 %hp, %h, %inf
  jump look
take:
  %seven = i32.const 7
  %slot = i32.and %t, %seven
  %four = i32.const 4
  %off = i32.mul %slot, %four
  %offp = ptr.extend_i32_u %off
  %ring = data.addr @ring
  %at = ptr.add %ring, %offp
  %v = i32.load %at
  %v64 = i64.extend_i32_u %v
  %c31 = i64.const 31
  %m = i64.mul %acc, %c31
  %acc1 = i64.add %m, %v64
  %one = i32.const 1
  %t1 = i32.add %t, %one
  i32.atomic.store %tp, %t1
  %n = memory.atomic.notify %tp, %one
  %k1 = i32.add %k, %one
  jump top(%k1, %acc1)
out(%final: i64):
  %f = data.addr @folded
  i64.store %f, %final
  return
}

pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {
entry:
  %work = i64.load %arg offset=16
  %zero = i64.const 0
  %producer = i64.eq %work, %zero
  brif %producer, p, c
p:
  call @produce()
  jump out
c:
  call @consume()
  jump out
out:
  call @done()
  return
}

pub fn @main() -> i64 {
entry:
  %two = i32.const 2
  call @spawn_n(%two)
  call @join()
  %f = data.addr @folded
  %v = i64.load %f
  return %v
}
";

#[test]
fn a_producer_and_a_consumer_pass_every_value_in_order_through_a_ring() {
    let expected = (1..=1000i64).fold(0i64, |acc, v| acc.wrapping_mul(31).wrapping_add(v));
    for target in BOTH {
        let m = program(target, RING);
        for options in [opts(1000, None), opts(1, None), opts(13, Some(5))] {
            let (r, _) = run_main(&m, target, options);
            assert_eq!(r, Ok(vec![Value::I64(expected)]), "{target:?} {options:?}");
        }
    }
}

/// Thread 1 waits forever on a word no one changes, main waits for it.
const DEADLOCK: &str = "
data @never align 4 = i32 0

fn @stuck() {
entry:
  %p = data.addr @never
  %zero = i32.const 0
  %inf = i64.const -1
  %r = memory.atomic.wait32 %p, %zero, %inf
  return
}

pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {
entry:
  call @stuck()
  call @done()
  return
}

pub fn @main() -> i32 {
entry:
  %one = i32.const 1
  call @spawn_n(%one)
  call @join()
  return %one
}
";

#[test]
fn threads_that_all_wait_forever_deadlock_in_the_last_one_to_wait() {
    for target in BOTH {
        let m = program(target, DEADLOCK);
        let trap = trap_of(run_main(&m, target, ThreadOptions::default()).0);
        assert_eq!(trap.kind, Deadlock);
        assert_eq!(trap.thread, 1);
        assert_eq!(trap.backtrace, ["stuck", "wasi_thread_start"]);
        assert!(trap.to_string().starts_with("deadlock"), "{trap}");
        assert!(trap.to_string().contains("(in thread 1)"), "{trap}");
        // With a slice of one instruction, thread 1 waits first: main is
        // the last to wait.
        let trap = trap_of(run_main(&m, target, opts(1, None)).0);
        assert_eq!((trap.kind, trap.thread), (Deadlock, 0));
        assert_eq!(trap.backtrace, ["join", "main"]);
    }
}

/// 70 threads wait at a gate: the first 64 spawn (ids 1 to 64), the other
/// six get -6. Main waits until they all wait (a wait with a timeout,
/// which expires only when no other thread can run), opens the gate
/// (waking all 64), waits with a timeout (which
/// expires only when no other thread can run: all have ended), and spawns
/// once more: id 65.
const CAP: &str = "
data @gate align 4 = i32 0
data @ids align 4 = zero 400
data @alone align 4 = i32 0

pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {
entry:
  %g = data.addr @gate
  %zero = i32.const 0
  %inf = i64.const -1
  %r = memory.atomic.wait32 %g, %zero, %inf
  return
}

pub fn @main() -> (i32, i32, i32, i32, i32) {
entry:
  %zero = i32.const 0
  jump top(%zero)
top(%i: i32):
  %n = i32.const 70
  %more = i32.lt_u %i, %n
  brif %more, body, open
body:
  %stack = i32.const 1024
  %work = i64.const 0
  %tid = call @spawn_with(%i, %stack, %work)
  %four = i32.const 4
  %off = i32.mul %i, %four
  %offp = ptr.extend_i32_u %off
  %ids = data.addr @ids
  %at = ptr.add %ids, %offp
  i32.store %at, %tid
  %one = i32.const 1
  %next = i32.add %i, %one
  jump top(%next)
open:
  %a = data.addr @alone
  %timeout = i64.const 1000000
  %settled = memory.atomic.wait32 %a, %zero, %timeout
  %g = data.addr @gate
  %one2 = i32.const 1
  i32.atomic.store %g, %one2
  %all = i32.const -1
  %woken = memory.atomic.notify %g, %all
  %timed_out = memory.atomic.wait32 %a, %zero, %timeout
  %seventy = i32.const 70
  %stack2 = i32.const 1024
  %work2 = i64.const 0
  %again = call @spawn_with(%seventy, %stack2, %work2)
  %ids2 = data.addr @ids
  %first = i32.load %ids2
  %last_ok = i32.load %ids2 offset=252
  %first_refused = i32.load %ids2 offset=256
  return %first, %last_ok, %first_refused, %woken, %again
}
";

#[test]
fn sixty_four_threads_run_besides_main_and_the_next_spawn_gets_eagain() {
    for target in BOTH {
        let m = program(target, CAP);
        let (r, memory) = run_main(&m, target, ThreadOptions::default());
        let values = [1, 64, SPAWN_ERROR, MAX_THREADS as i32, 65];
        assert_eq!(r, Ok(values.map(Value::I32).to_vec()), "{target:?}");
        let it = Interpreter::new(&m, target).unwrap();
        let index = m.data.iter().position(|d| d.name == "ids").unwrap();
        let ids = it.layout().data_addr(DataId(index as u32)) as usize;
        let id =
            |i: usize| i32::from_le_bytes(memory[ids + 4 * i..ids + 4 * i + 4].try_into().unwrap());
        assert_eq!(
            (0..64).map(id).collect::<Vec<_>>(),
            (1..=64).collect::<Vec<_>>()
        );
        assert!((64..70).all(|i| id(i) == SPAWN_ERROR));
    }
}

/// Main sets its global to 100 before spawning; the thread sees the
/// initialiser (7), sets its own to 55, and main still sees 100.
const GLOBALS: &str = "
global mut @g: i32 = 7
data @seen align 4 = i32 0

pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {
entry:
  %v = global.get @g
  %s = data.addr @seen
  i32.store %s, %v
  %c = i32.const 55
  global.set @g, %c
  call @done()
  return
}

pub fn @main() -> (i32, i32) {
entry:
  %c = i32.const 100
  global.set @g, %c
  %one = i32.const 1
  call @spawn_n(%one)
  call @join()
  %s = data.addr @seen
  %seen = i32.load %s
  %mine = global.get @g
  return %seen, %mine
}
";

#[test]
fn each_thread_has_its_own_globals_from_their_initialisers() {
    for target in BOTH {
        let m = program(target, GLOBALS);
        for quantum in [1, 1000] {
            let mut it = Interpreter::new(&m, target).unwrap();
            it.set_threads(opts(quantum, None));
            let r = it.call("main", &[]);
            assert_eq!(r, Ok(vec![Value::I32(7), Value::I32(100)]), "{target:?}");
            assert_eq!(it.global("g"), Some(Value::I32(100)));
        }
    }
}

/// A thread whose stack is `%work` bytes calls `@deep`, whose frame is 512
/// bytes: below its block's `low` it traps `unreachable` in `@deep`'s
/// prologue, as the main thread does below the stack's base.
const OVERFLOW: &str = "
data @ok align 4 = i32 0

fn @deep() {
  slot $buf: 512 align 16
entry:
  %p = slot.addr $buf
  %one = i32.const 1
  i32.store %p, %one
  %o = data.addr @ok
  i32.store %o, %one
  return
}

pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {
entry:
  call @deep()
  call @done()
  return
}

pub fn @main(%stack: i32) -> i32 {
entry:
  %p = data.addr @running
  %one = i32.const 1
  i32.atomic.store %p, %one
  %zero = i32.const 0
  %work = i64.const 0
  %tid = call @spawn_with(%zero, %stack, %work)
  call @join()
  %o = data.addr @ok
  %ok = i32.load %o
  return %ok
}
";

#[test]
fn a_frame_below_the_thread_blocks_low_traps_in_that_thread() {
    for target in BOTH {
        let m = program(target, OVERFLOW);
        let run = |stack: i32| {
            Interpreter::new(&m, target)
                .unwrap()
                .call("main", &[Value::I32(stack)])
        };
        assert_eq!(run(600), Ok(vec![Value::I32(1)]), "{target:?}");
        let trap = trap_of(run(500));
        assert_eq!((trap.kind, trap.thread), (Unreachable, 1), "{target:?}");
        assert_eq!(trap.backtrace, ["deep", "wasi_thread_start"]);
    }
}

/// Four threads increment a counter 1000 times each with plain loads and
/// stores: a race, whose outcome only the interleaving decides.
const RACY: &str = "
data @counter align 4 = i32 0

pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {
entry:
  %zero = i32.const 0
  jump top(%zero)
top(%i: i32):
  %limit = i32.const 1000
  %more = i32.lt_u %i, %limit
  brif %more, body, out
body:
  %c = data.addr @counter
  %v = i32.load %c
  %one = i32.const 1
  %v1 = i32.add %v, %one
  i32.store %c, %v1
  %i1 = i32.add %i, %one
  jump top(%i1)
out:
  call @done()
  return
}

pub fn @main() -> i32 {
entry:
  %four = i32.const 4
  call @spawn_n(%four)
  call @join()
  %c = data.addr @counter
  %v = i32.load %c
  return %v
}
";

#[test]
fn the_same_options_give_the_same_interleaving_and_others_another() {
    for target in BOTH {
        let m = program(target, RACY);
        let count = |options| match run_main(&m, target, options).0 {
            Ok(v) => v[0],
            other => panic!("{other:?}"),
        };
        for options in [opts(5, None), opts(5, Some(1)), opts(40, Some(7))] {
            let (a, memory_a) = run_main(&m, target, options);
            let (b, memory_b) = run_main(&m, target, options);
            assert_eq!(a, b);
            assert!(memory_a == memory_b, "{options:?}: the memories differ");
        }
        // A slice longer than a thread's whole loop: no update is lost.
        assert_eq!(count(opts(1 << 20, None)), Value::I32(4000));
        let counts: std::collections::BTreeSet<i32> = [1, 2, 3, 5, 7, 11]
            .into_iter()
            .map(|q| match count(opts(q, None)) {
                Value::I32(v) => v,
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(counts.len() > 1, "{counts:?}");
        assert!(
            counts.iter().all(|&c| (1..=4000).contains(&c)),
            "{counts:?}"
        );
        let seeded: std::collections::BTreeSet<String> = (0..6)
            .map(|s| format!("{:?}", count(opts(6, Some(s)))))
            .collect();
        assert!(seeded.len() > 1, "{seeded:?}");
    }
}

#[test]
fn the_mutex_program_ends_in_the_same_memory_for_the_same_seed() {
    let m = program(W64, MUTEX);
    let (a, memory_a) = run_main(&m, W64, opts(9, Some(42)));
    let (b, memory_b) = run_main(&m, W64, opts(9, Some(42)));
    assert_eq!(
        (&a, &b),
        (&Ok(vec![Value::I32(4000)]), &Ok(vec![Value::I32(4000)]))
    );
    assert!(memory_a == memory_b);
}

/// Main waits 1 ms for a word no one changes while thread 1 works: virtual
/// time stands still while a thread can run, so the wait times out (2)
/// only after the thread has finished.
const TIMED: &str = "
data @word align 4 = i32 0
data @work_done align 4 = i32 0

pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {
entry:
  %zero = i32.const 0
  jump top(%zero)
top(%i: i32):
  %limit = i32.const 5000
  %more = i32.lt_u %i, %limit
  brif %more, body, out
body:
  %one = i32.const 1
  %i1 = i32.add %i, %one
  jump top(%i1)
out:
  %d = data.addr @work_done
  i32.store %d, %i
  return
}

pub fn @main() -> (i32, i32, i32) {
entry:
  %one = i32.const 1
  call @spawn_n(%one)
  %w = data.addr @word
  %zero = i32.const 0
  %ms = i64.const 1000000
  %r = memory.atomic.wait32 %w, %zero, %ms
  %d = data.addr @work_done
  %done = i32.load %d
  %now = i64.const 0
  %r0 = memory.atomic.wait32 %w, %zero, %now
  return %r, %done, %r0
}
";

#[test]
fn a_timed_wait_expires_when_no_other_thread_can_run() {
    for target in BOTH {
        let m = program(target, TIMED);
        for quantum in [1, 100, 1 << 20] {
            let (r, _) = run_main(&m, target, opts(quantum, None));
            let expected = [2, 5000, 2].map(Value::I32).to_vec();
            assert_eq!(r, Ok(expected), "{target:?} {quantum}");
        }
    }
}

#[test]
fn fuel_counts_the_instructions_of_every_thread() {
    let m = program(W64, PARALLEL_SUM);
    let mut it = Interpreter::new(&m, W64).unwrap();
    it.set_fuel(Some(10_000));
    let trap = trap_of(it.call("main", &[]));
    assert_eq!(trap.kind, Interrupted);
    // Main alone runs far fewer than 10,000 instructions before it waits.
    assert_ne!(trap.thread, 0);
    let mut it = Interpreter::new(&m, W64).unwrap();
    it.set_fuel(Some(1_000_000));
    assert!(it.call("main", &[]).is_ok());
    let used = 1_000_000 - it.fuel().unwrap();
    assert!(used > 4 * 5000 * 5, "{used}");
}

#[test]
fn the_threads_abi_is_checked_when_the_interpreter_is_made() {
    let error = |text: &str| {
        let m = crate::text::parse_str("abi.vir", text).expect("parses");
        match Interpreter::new(&m, W64) {
            Err(d) => format!("{}: {}", d.location().unwrap_or_default(), d.message),
            Ok(_) => panic!("accepted:\n{text}"),
        }
    };
    let spawn = "extern fn @spawn(ptr) -> i32 from \"wasi\" \"thread-spawn\"\n";
    let start = "pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {\nentry:\n  return\n}\n";
    let e = error(&format!("{spawn}{start}"));
    assert!(e.contains("must declare `memory shared`"), "{e}");
    assert!(e.starts_with("abi.vir:1:"), "{e}");
    let e = error(&format!("memory shared\n{spawn}"));
    assert!(e.contains("must define `pub fn @wasi_thread_start"), "{e}");
    let e = error(&format!(
        "memory shared\n{spawn}pub fn @wasi_thread_start(%tid: i32) {{\nentry:\n  return\n}}\n"
    ));
    // The verifier's check, which `Interpreter::new` runs first.
    assert!(e.starts_with("abi.vir:3:"), "{e}");
    assert!(e.contains("with no result, not a pub fn `(i32)`"), "{e}");
    let e = error(&format!(
        "memory shared\nextern fn @spawn(i32) -> i32 from \"wasi\" \"thread-spawn\"\n{start}"
    ));
    assert!(e.contains("(ptr) -> i32"), "{e}");
}

#[test]
fn a_host_function_for_thread_spawn_is_never_called() {
    let m = program(W64, GLOBALS);
    let mut it = Interpreter::new(&m, W64).unwrap();
    it.define_host("wasi", "thread-spawn", Box::new(|_| panic!("called")));
    assert_eq!(
        it.call("main", &[]),
        Ok(vec![Value::I32(7), Value::I32(100)])
    );
}
