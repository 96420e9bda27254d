;; Generated from tests/cases/select.vir by tests/golden.rs (wasm64, -O2 no-early-operands): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $select
  (type $t0 (func (param i32 i32) (result i32)))
  (type $t1 (func (param i32) (result i32)))
  (type $t2 (func (param i32 f64 f64) (result f64)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "max" (func $max))
  (export "clamp" (func $clamp))
  (export "fpick" (func $fpick))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @max
  (func $max (type $t0) (param $a i32) (param $b i32) (result i32)
    (local $gt i32)
    ;; entry
    local.get $a
    local.get $b
    i32.gt_s
    local.set $gt
    local.get $a
    local.get $b
    local.get $gt
    select
    return
  )
  ;; fn @clamp
  (func $clamp (type $t1) (param $x i32) (result i32)
    (local $hundred i32)
    (local $neg i32)
    (local $big i32)
    ;; entry
    i32.const 100
    local.set $hundred
    local.get $x
    i32.const 0
    i32.lt_s
    local.set $neg
    i32.const 0
    local.get $x
    local.get $neg
    select
    local.tee $neg
    local.get $hundred
    i32.gt_s
    local.set $big
    local.get $hundred
    local.get $neg
    local.get $big
    select
    return
  )
  ;; fn @fpick
  (func $fpick (type $t2) (param $c i32) (param $a f64) (param $b f64) (result f64)
    ;; entry
    local.get $a
    local.get $b
    local.get $c
    select
    return
  )
)
(assert_return (invoke "max" (i32.const 3) (i32.const 9)) (i32.const 9))
(assert_return (invoke "max" (i32.const -3) (i32.const -9)) (i32.const -3))
(assert_return (invoke "clamp" (i32.const 150)) (i32.const 100))
(assert_return (invoke "clamp" (i32.const -5)) (i32.const 0))
(assert_return (invoke "clamp" (i32.const 42)) (i32.const 42))
(assert_return (invoke "fpick" (i32.const 0) (f64.const 1.5) (f64.const 2.5)) (f64.const 2.5))
