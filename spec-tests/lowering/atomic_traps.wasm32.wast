;; Generated from tests/cases/atomic_traps.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $atomic_traps
  (type $t0 (func (param i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x20..0x100020, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048608))
  ;; the end of the data
  (global $__data_end i32 (i32.const 32))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048608))
  (export "load" (func $load))
  (export "rmw8" (func $rmw8))
  (export "rmw16" (func $rmw16))
  (export "wait" (func $wait))
  (export "notify" (func $notify))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @load
  (func $load (type $t0) (param $at i32) (result i32)
    (local $a i32)
    (local $far i32)
    ;; entry
    i32.const 16
    local.get $at
    i32.add
    local.set $a
    local.get $at
    i32.const 65536
    i32.ge_u
    local.set $far
    memory.size
    i32.const 65536
    i32.mul
    local.get $a
    local.get $far
    select
    i32.atomic.load
    return
  )
  ;; fn @rmw8
  (func $rmw8 (type $t0) (param $at i32) (result i32)
    ;; entry
    i32.const 16
    local.get $at
    i32.add
    i32.const 1
    i32.atomic.rmw8.add_u
    return
  )
  ;; fn @rmw16
  (func $rmw16 (type $t0) (param $at i32) (result i32)
    ;; entry
    i32.const 16
    local.get $at
    i32.add
    i32.const 1
    i32.atomic.rmw16.add_u
    return
  )
  ;; fn @wait
  (func $wait (type $t0) (param $at i32) (result i32)
    ;; entry
    i32.const 16
    local.get $at
    i32.add
    i32.const 0
    i64.const 0
    memory.atomic.wait32
    return
  )
  ;; fn @notify
  (func $notify (type $t0) (param $at i32) (result i32)
    ;; entry
    i32.const 16
    local.get $at
    i32.add
    i32.const 1
    memory.atomic.notify
    return
  )
  ;; data @cell
  (data $cell (memory $memory) (i32.const 16) "\00\00\00\00\00\00\00\00\07\00\00\00\00\00\00\00")
)
(assert_return (invoke "load" (i32.const 8)) (i32.const 7))
(assert_trap (invoke "load" (i32.const 2)) "unaligned atomic")
(assert_trap (invoke "load" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "rmw8" (i32.const 3)) (i32.const 0))
(assert_trap (invoke "rmw16" (i32.const 3)) "unaligned atomic")
(assert_trap (invoke "wait" (i32.const 0)) "expected shared memory")
(assert_trap (invoke "wait" (i32.const 1)) "unaligned atomic")
(assert_return (invoke "notify" (i32.const 0)) (i32.const 0))
(assert_trap (invoke "notify" (i32.const 2)) "unaligned atomic")
