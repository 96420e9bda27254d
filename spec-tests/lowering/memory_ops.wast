;; Generated from tests/cases/memory_ops.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $memory_ops
  (type $t0 (func (result i64 i64)))
  (type $t1 (func (result i64)))
  (type $t2 (func (result i32 i32 i32 i32)))
  (type $t3 (func))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x20..0x100020, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048608))
  ;; the end of the data
  (global $__data_end i64 (i64.const 32))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048608))
  (export "grow_twice" (func $grow_twice))
  (export "grow_too_much" (func $grow_too_much))
  (export "fill_and_copy" (func $fill_and_copy))
  (export "copy_out_of_bounds" (func $copy_out_of_bounds))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @grow_twice
  (func $grow_twice (type $t0) (result i64 i64)
    (local $before i64)
    (local $old i64)
    ;; entry
    memory.size
    local.set $before
    i64.const 1
    memory.grow
    local.set $old
    memory.size
    local.get $before
    i64.sub
    i64.const 1
    memory.grow
    local.get $old
    i64.sub
    return
  )
  ;; fn @grow_too_much
  (func $grow_too_much (type $t1) (result i64)
    ;; entry
    i64.const 100000
    memory.grow
    return
  )
  ;; fn @fill_and_copy
  (func $fill_and_copy (type $t2) (result i32 i32 i32 i32)
    (local $buf i64)
    ;; entry
    i64.const 16
    local.tee $buf
    i32.const 7
    i64.const 4
    memory.fill
    local.get $buf
    i64.const 8
    i64.add
    local.get $buf
    i64.const 4
    memory.copy
    local.get $buf
    i32.load8_u
    local.get $buf
    i32.load8_u offset=3
    local.get $buf
    i32.load8_u offset=4
    local.get $buf
    i32.load8_u offset=11
    return
  )
  ;; fn @copy_out_of_bounds
  (func $copy_out_of_bounds (type $t3)
    ;; entry
    memory.size
    i64.const 65536
    i64.mul
    i64.const 16
    i64.sub
    i64.const 16
    i64.const 32
    memory.copy
    return
  )
)
(assert_return (invoke "grow_twice") (i64.const 1) (i64.const 1))
(assert_return (invoke "grow_too_much") (i64.const -1))
(assert_return (invoke "fill_and_copy") (i32.const 7) (i32.const 7) (i32.const 0) (i32.const 7))
(assert_trap (invoke "copy_out_of_bounds") "out of bounds memory access")
