;; Generated from tests/cases/float_ops.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $float_ops
  (type $t0 (func (param f64 f64) (result f64)))
  (type $t1 (func (param f64 f64) (result f64 f64)))
  (type $t2 (func (param f64) (result f64 f64 f64 f64)))
  (type $t3 (func (param f64 f64) (result f64 f64 f64)))
  (type $t4 (func (param f32 f32) (result f32 f32 f32 f32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "hyp" (func $hyp))
  (export "minmax" (func $minmax))
  (export "rounding" (func $rounding))
  (export "signs" (func $signs))
  (export "single" (func $single))
  (export "divide" (func $divide))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @hyp
  (func $hyp (type $t0) (param $a f64) (param $b f64) (result f64)
    ;; entry
    local.get $a
    local.get $a
    f64.mul
    local.get $b
    local.get $b
    f64.mul
    f64.add
    f64.sqrt
    return
  )
  ;; fn @minmax
  (func $minmax (type $t1) (param $a f64) (param $b f64) (result f64 f64)
    ;; entry
    local.get $a
    local.get $b
    f64.min
    local.get $a
    local.get $b
    f64.max
    return
  )
  ;; fn @rounding
  (func $rounding (type $t2) (param $x f64) (result f64 f64 f64 f64)
    ;; entry
    local.get $x
    f64.nearest
    local.get $x
    f64.ceil
    local.get $x
    f64.floor
    local.get $x
    f64.trunc
    return
  )
  ;; fn @signs
  (func $signs (type $t3) (param $a f64) (param $b f64) (result f64 f64 f64)
    ;; entry
    local.get $a
    f64.abs
    local.get $a
    f64.neg
    local.get $a
    local.get $b
    f64.copysign
    return
  )
  ;; fn @single
  (func $single (type $t4) (param $a f32) (param $b f32) (result f32 f32 f32 f32)
    ;; entry
    local.get $a
    local.get $b
    f32.add
    local.get $a
    local.get $b
    f32.div
    local.get $a
    local.get $b
    f32.sub
    local.get $a
    local.get $b
    f32.mul
    return
  )
  ;; fn @divide
  (func $divide (type $t0) (param $a f64) (param $b f64) (result f64)
    ;; entry
    local.get $a
    local.get $b
    f64.div
    return
  )
)
(assert_return (invoke "hyp" (f64.const 3.0) (f64.const 4.0)) (f64.const 5.0))
(assert_return (invoke "minmax" (f64.const -0.0) (f64.const 0.0)) (f64.const -0.0) (f64.const 0.0))
(assert_return (invoke "minmax" (f64.const 1.0) (f64.const nan)) (f64.const nan:arithmetic) (f64.const nan:arithmetic))
(assert_return (invoke "rounding" (f64.const 2.5)) (f64.const 2.0) (f64.const 3.0) (f64.const 2.0) (f64.const 2.0))
(assert_return (invoke "rounding" (f64.const -2.5)) (f64.const -2.0) (f64.const -2.0) (f64.const -3.0) (f64.const -2.0))
(assert_return (invoke "signs" (f64.const -1.5) (f64.const 2.0)) (f64.const 1.5) (f64.const 1.5) (f64.const 1.5))
(assert_return (invoke "single" (f32.const 1.5) (f32.const 0.25)) (f32.const 1.75) (f32.const 6.0) (f32.const 1.25) (f32.const 0.375))
(assert_return (invoke "divide" (f64.const 1.0) (f64.const 0.0)) (f64.const inf))
(assert_return (invoke "divide" (f64.const 0.0) (f64.const 0.0)) (f64.const nan:arithmetic))
