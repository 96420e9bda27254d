;; Generated from tests/cases/arith_i32.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $arith_i32
  (type $t0 (func (param i32 i32) (result i32)))
  (type $t1 (func (param i32 i32) (result i32 i32 i32)))
  (type $t2 (func (param i32 i32) (result i32 i32)))
  (type $t3 (func (param i32) (result i32 i32 i32)))
  (type $t4 (func (param i32 i32) (result i32 i32 i32 i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "mix" (func $mix))
  (export "wrap_add" (func $wrap_add))
  (export "shifts" (func $shifts))
  (export "rot" (func $rot))
  (export "bits" (func $bits))
  (export "divs" (func $divs))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @mix
  (func $mix (type $t0) (param $a i32) (param $b i32) (result i32)
    (local $prod i32)
    ;; entry
    local.get $a
    local.get $b
    i32.add
    local.get $a
    local.get $b
    i32.sub
    i32.mul
    local.tee $prod
    local.get $a
    i32.and
    local.get $b
    i32.or
    local.get $prod
    i32.xor
    local.tee $prod
    i32.const 32
    i32.mul
    local.get $prod
    i32.add
    return
  )
  ;; fn @wrap_add
  (func $wrap_add (type $t0) (param $a i32) (param $b i32) (result i32)
    ;; entry
    local.get $a
    local.get $b
    i32.add
    return
  )
  ;; fn @shifts
  (func $shifts (type $t1) (param $a i32) (param $n i32) (result i32 i32 i32)
    ;; entry
    local.get $a
    local.get $n
    i32.shl
    i32.const -2
    local.get $n
    i32.shr_s
    i32.const -2
    local.get $n
    i32.shr_u
    local.get $n
    i32.shr_u
    i32.const 30
    i32.shr_u
    return
  )
  ;; fn @rot
  (func $rot (type $t2) (param $a i32) (param $n i32) (result i32 i32)
    ;; entry
    local.get $a
    local.get $n
    i32.rotl
    local.get $a
    local.get $n
    i32.rotr
    return
  )
  ;; fn @bits
  (func $bits (type $t3) (param $a i32) (result i32 i32 i32)
    ;; entry
    local.get $a
    i32.clz
    local.get $a
    i32.ctz
    local.get $a
    i32.popcnt
    return
  )
  ;; fn @divs
  (func $divs (type $t4) (param $a i32) (param $b i32) (result i32 i32 i32 i32)
    ;; entry
    local.get $a
    local.get $b
    i32.div_s
    local.get $a
    local.get $b
    i32.rem_s
    local.get $a
    local.get $b
    i32.div_u
    local.get $a
    local.get $b
    i32.rem_u
    return
  )
)
(assert_return (invoke "mix" (i32.const 7) (i32.const 3)) (i32.const 1419))
(assert_return (invoke "wrap_add" (i32.const 2147483647) (i32.const 1)) (i32.const -2147483648))
(assert_return (invoke "shifts" (i32.const 1) (i32.const 33)) (i32.const 2) (i32.const -1) (i32.const 0))
(assert_return (invoke "rot" (i32.const -2147483648) (i32.const 1)) (i32.const 1) (i32.const 1073741824))
(assert_return (invoke "bits" (i32.const 8)) (i32.const 28) (i32.const 3) (i32.const 1))
(assert_return (invoke "bits" (i32.const 0)) (i32.const 32) (i32.const 32) (i32.const 0))
(assert_return (invoke "divs" (i32.const -7) (i32.const 2)) (i32.const -3) (i32.const -1) (i32.const 2147483644) (i32.const 1))
