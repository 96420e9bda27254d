;; Generated from tests/cases/memory_ops.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $memory_ops
  (type $t0 (func (result i32 i32)))
  (type $t1 (func (result i32)))
  (type $t2 (func (result i32 i32 i32 i32)))
  (type $t3 (func))
  (memory $memory 17 16384)
  ;; shadow stack: 0x20..0x100020, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048608))
  ;; the end of the data
  (global $__data_end i32 (i32.const 32))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048608))
  (export "grow_twice" (func $grow_twice))
  (export "grow_too_much" (func $grow_too_much))
  (export "fill_and_copy" (func $fill_and_copy))
  (export "copy_out_of_bounds" (func $copy_out_of_bounds))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @grow_twice
  (func $grow_twice (type $t0) (result i32 i32)
    (local $before i32)
    (local $old i32)
    ;; entry
    memory.size
    local.set $before
    i32.const 1
    memory.grow
    local.set $old
    memory.size
    local.get $before
    i32.sub
    i32.const 1
    memory.grow
    local.get $old
    i32.sub
    return
  )
  ;; fn @grow_too_much
  (func $grow_too_much (type $t1) (result i32)
    ;; entry
    i32.const 100000
    memory.grow
    return
  )
  ;; fn @fill_and_copy
  (func $fill_and_copy (type $t2) (result i32 i32 i32 i32)
    (local $buf i32)
    ;; entry
    i32.const 16
    local.tee $buf
    i32.const 7
    i32.const 4
    memory.fill
    local.get $buf
    i32.const 8
    i32.add
    local.get $buf
    i32.const 4
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
    i32.const 65536
    i32.mul
    i32.const 16
    i32.sub
    i32.const 16
    i32.const 32
    memory.copy
    return
  )
)
(assert_return (invoke "grow_twice") (i32.const 1) (i32.const 1))
(assert_return (invoke "grow_too_much") (i32.const -1))
(assert_return (invoke "fill_and_copy") (i32.const 7) (i32.const 7) (i32.const 0) (i32.const 7))
(assert_trap (invoke "copy_out_of_bounds") "out of bounds memory access")
