;; Generated from tests/cases/dead_functions.vir by tests/golden.rs (wasm32, -O2 no-dead-functions): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $dead_functions
  (type $t0 (func (param i32) (result i32)))
  (table $table 2 2 funcref)
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "affine" (func $affine))
  (export "chain" (func $chain))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  (elem $functions (table $table) (i32.const 1) func $leaf_of_twice)
  ;; fn @scale
  (func $scale (type $t0) (param $x i32) (result i32)
    ;; entry
    local.get $x
    i32.const 4
    i32.mul
    return
  )
  ;; fn @offset
  (func $offset (type $t0) (param $x i32) (result i32)
    ;; entry
    local.get $x
    i32.const 3
    i32.add
    return
  )
  ;; fn @affine
  (func $affine (type $t0) (param $x i32) (result i32)
    ;; entry
    local.get $x
    i32.const 4
    i32.mul
    i32.const 3
    i32.add
    return
  )
  ;; fn @leaf_of_twice
  (func $leaf_of_twice (type $t0) (param $x i32) (result i32)
    ;; entry
    local.get $x
    local.get $x
    i32.add
    return
  )
  ;; fn @twice
  (func $twice (type $t0) (param $x i32) (result i32)
    (local $f i32)
    ;; entry
    i32.const 1
    local.set $f
    local.get $x
    local.get $f
    call_indirect $table (type $t0) (param i32) (result i32)
    local.get $f
    call_indirect $table (type $t0) (param i32) (result i32)
    return
  )
  ;; fn @chain
  (func $chain (type $t0) (param $x i32) (result i32)
    ;; entry
    local.get $x
    i32.const 1
    i32.add
    call $twice
    return
  )
  ;; fn @never
  (func $never (type $t0) (param $x i32) (result i32)
    (local $x_loop i32)
    ;; entry
    local.get $x
    local.set $x_loop
    loop $entry_tail
      ;; entry_tail
      br $entry_tail
    end
    unreachable
  )
)
(assert_return (invoke "affine" (i32.const 5)) (i32.const 23))
(assert_return (invoke "chain" (i32.const 3)) (i32.const 16))
