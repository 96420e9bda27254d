;; Generated from tests/cases/div_traps.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $div_traps
  (type $t0 (func (param i32 i32) (result i32)))
  (type $t1 (func (param i64 i64) (result i64)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "div" (func $div))
  (export "rem" (func $rem))
  (export "udiv64" (func $udiv64))
  (export "div64" (func $div64))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @div
  (func $div (type $t0) (param $a i32) (param $b i32) (result i32)
    ;; entry
    local.get $a
    local.get $b
    i32.div_s
    return
  )
  ;; fn @rem
  (func $rem (type $t0) (param $a i32) (param $b i32) (result i32)
    ;; entry
    local.get $a
    local.get $b
    i32.rem_s
    return
  )
  ;; fn @udiv64
  (func $udiv64 (type $t1) (param $a i64) (param $b i64) (result i64)
    ;; entry
    local.get $a
    local.get $b
    i64.div_u
    return
  )
  ;; fn @div64
  (func $div64 (type $t1) (param $a i64) (param $b i64) (result i64)
    ;; entry
    local.get $a
    local.get $b
    i64.div_s
    return
  )
)
(assert_return (invoke "div" (i32.const 7) (i32.const 2)) (i32.const 3))
(assert_return (invoke "div" (i32.const -7) (i32.const 2)) (i32.const -3))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const -2147483648) (i32.const -1)) "integer overflow")
(assert_return (invoke "rem" (i32.const -2147483648) (i32.const -1)) (i32.const 0))
(assert_trap (invoke "rem" (i32.const 5) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "udiv64" (i64.const 9) (i64.const 0)) "integer divide by zero")
(assert_trap (invoke "div64" (i64.const -9223372036854775808) (i64.const -1)) "integer overflow")
