;; Generated from tests/cases/arith_i64.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $arith_i64
  (type $t0 (func (param i64) (result i64)))
  (type $t1 (func (param i64) (result i64 i64 i64)))
  (type $t2 (func (param i64 i64) (result i64 i64)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "poly" (func $poly))
  (export "count" (func $count))
  (export "rotate" (func $rotate))
  (export "udiv" (func $udiv))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @poly
  (func $poly (type $t0) (param $x i64) (result i64)
    ;; entry
    local.get $x
    local.get $x
    i64.mul
    i64.const 2
    i64.mul
    local.get $x
    i64.const 3
    i64.mul
    i64.sub
    i64.const 5
    i64.sub
    i64.const 10
    i64.mul
    local.get $x
    i64.add
    i64.const 3
    i64.add
    return
  )
  ;; fn @count
  (func $count (type $t1) (param $x i64) (result i64 i64 i64)
    ;; entry
    local.get $x
    i64.clz
    local.get $x
    i64.ctz
    local.get $x
    i64.popcnt
    return
  )
  ;; fn @rotate
  (func $rotate (type $t2) (param $x i64) (param $n i64) (result i64 i64)
    ;; entry
    local.get $x
    local.get $n
    i64.rotl
    local.get $x
    local.get $n
    i64.rotr
    return
  )
  ;; fn @udiv
  (func $udiv (type $t2) (param $a i64) (param $b i64) (result i64 i64)
    ;; entry
    local.get $a
    local.get $b
    i64.div_u
    local.get $a
    local.get $b
    i64.rem_u
    return
  )
)
(assert_return (invoke "poly" (i64.const 3)) (i64.const 46))
(assert_return (invoke "poly" (i64.const -1000000)) (i64.const 20000028999953))
(assert_return (invoke "count" (i64.const -1)) (i64.const 0) (i64.const 0) (i64.const 64))
(assert_return (invoke "count" (i64.const 1099511627776)) (i64.const 23) (i64.const 40) (i64.const 1))
(assert_return (invoke "rotate" (i64.const 1) (i64.const 65)) (i64.const 2) (i64.const -9223372036854775808))
(assert_return (invoke "udiv" (i64.const -1) (i64.const 3)) (i64.const 6148914691236517205) (i64.const 0))
