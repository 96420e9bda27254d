;; Generated from tests/cases/accessed_offsets.vir by tests/golden.rs (wasm64, -O2 no-fold-accessed-offsets): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $accessed_offsets
  (type $t0 (func (param i64) (result f64)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x90..0x100090, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048720))
  ;; the end of the data
  (global $__data_end i64 (i64.const 144))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048720))
  (export "norm2" (func $norm2))
  (export "yfirst" (func $yfirst))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @norm2
  (func $norm2 (type $t0) (param $p i64) (result f64)
    (local $p8 i64)
    (local $p16 i64)
    (local $three f64)
    (local $x f64)
    (local $y f64)
    ;; entry
    local.get $p
    f64.const 1.0
    f64.store
    local.get $p
    i64.const 8
    i64.add
    local.tee $p8
    f64.const 2.0
    f64.store
    local.get $p
    i64.const 16
    i64.add
    local.set $p16
    f64.const 3.0
    local.set $three
    local.get $p16
    local.get $three
    f64.store
    local.get $p
    f64.load
    local.set $x
    local.get $p8
    f64.load
    local.set $y
    local.get $x
    local.get $x
    f64.mul
    local.set $x
    local.get $y
    local.get $y
    f64.mul
    local.set $y
    local.get $three
    local.get $three
    f64.mul
    local.set $three
    local.get $x
    local.get $y
    f64.add
    local.get $three
    f64.add
    return
  )
  ;; fn @yfirst
  (func $yfirst (type $t0) (param $p i64) (result f64)
    ;; entry
    local.get $p
    i64.const 8
    i64.add
    f64.load
    local.get $p
    f64.load
    f64.add
    return
  )
)
(assert_return (invoke "norm2" (i64.const 64)) (f64.const 14.0))
(assert_return (invoke "yfirst" (i64.const 64)) (f64.const 3.0))
