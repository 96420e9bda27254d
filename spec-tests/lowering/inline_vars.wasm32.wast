;; Generated from tests/cases/inline_vars.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $inline_vars
  (type $t0 (func (param i64 i64) (result i64)))
  (type $t1 (func (param i64) (result i64)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "add_scaled" (func $add_scaled))
  (export "caller" (func $caller))
  (export "divides" (func $divides))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @add_scaled
  (func $add_scaled (type $t0) (param $a i64) (param $b i64) (result i64)
    ;; entry
    local.get $a
    local.get $b
    i64.const 2
    i64.mul
    i64.add
    return
  )
  ;; fn @caller
  (func $caller (type $t1) (param $n i64) (result i64)
    (local $s i64)
    ;; entry
    local.get $n
    i64.const 2
    i64.add
    local.tee $s
    local.get $s
    i64.const 2
    i64.mul
    i64.add
    return
  )
  ;; fn @divides
  (func $divides (type $t0) (param $a i64) (param $b i64) (result i64)
    ;; entry
    local.get $a
    local.get $b
    i64.div_s
    return
  )
)
(assert_return (invoke "add_scaled" (i64.const 3) (i64.const 4)) (i64.const 11))
(assert_return (invoke "caller" (i64.const 20)) (i64.const 66))
(assert_return (invoke "caller" (i64.const -5)) (i64.const -9))
(assert_return (invoke "divides" (i64.const 7) (i64.const 2)) (i64.const 3))
(assert_trap (invoke "divides" (i64.const 7) (i64.const 0)) "integer divide by zero")
