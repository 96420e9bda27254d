;; Generated from tests/cases/compare.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $compare
  (type $t0 (func (param i32 i32) (result i32 i32 i32 i32 i32)))
  (type $t1 (func (param f64 f64) (result i32 i32 i32 i32)))
  (type $t2 (func (param i64 i64) (result i32 i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "icmp" (func $icmp))
  (export "fcmp" (func $fcmp))
  (export "ucmp64" (func $ucmp64))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @icmp
  (func $icmp (type $t0) (param $a i32) (param $b i32) (result i32 i32 i32 i32 i32)
    ;; entry
    local.get $a
    local.get $b
    i32.lt_s
    local.get $a
    local.get $b
    i32.lt_u
    local.get $a
    local.get $b
    i32.eq
    local.get $a
    local.get $b
    i32.ge_u
    local.get $a
    local.get $b
    i32.ne
    return
  )
  ;; fn @fcmp
  (func $fcmp (type $t1) (param $a f64) (param $b f64) (result i32 i32 i32 i32)
    ;; entry
    local.get $a
    local.get $b
    f64.eq
    local.get $a
    local.get $b
    f64.ne
    local.get $a
    local.get $b
    f64.le
    local.get $a
    local.get $b
    f64.gt
    return
  )
  ;; fn @ucmp64
  (func $ucmp64 (type $t2) (param $a i64) (param $b i64) (result i32 i32)
    ;; entry
    local.get $a
    local.get $b
    i64.gt_u
    local.get $a
    local.get $b
    i64.gt_s
    return
  )
)
(assert_return (invoke "icmp" (i32.const -1) (i32.const 1)) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 1))
(assert_return (invoke "icmp" (i32.const 5) (i32.const 5)) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 0))
(assert_return (invoke "fcmp" (f64.const 1.0) (f64.const nan)) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0))
(assert_return (invoke "fcmp" (f64.const -0.0) (f64.const 0.0)) (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0))
(assert_return (invoke "ucmp64" (i64.const -1) (i64.const 1)) (i32.const 1) (i32.const 0))
