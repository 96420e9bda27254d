;; Generated from tests/cases/pointers.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $pointers
  (type $t0 (func (param i64) (result i64)))
  (type $t1 (func (param i32) (result i64)))
  (type $t2 (func (param i32 i32) (result i32 i32 i32)))
  (type $t3 (func (param i32 i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "roundtrip" (func $roundtrip))
  (export "widen" (func $widen))
  (export "ptr_compare" (func $ptr_compare))
  (export "align_up" (func $align_up))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @roundtrip
  (func $roundtrip (type $t0) (param $x i64) (result i64)
    ;; entry
    local.get $x
    return
  )
  ;; fn @widen
  (func $widen (type $t1) (param $x i32) (result i64)
    ;; entry
    local.get $x
    i64.extend_i32_u
    return
  )
  ;; fn @ptr_compare
  (func $ptr_compare (type $t2) (param $a i32) (param $b i32) (result i32 i32 i32)
    (local $pa i64)
    (local $pb i64)
    ;; entry
    local.get $a
    i64.extend_i32_u
    local.set $pa
    local.get $b
    i64.extend_i32_u
    local.set $pb
    local.get $pa
    local.get $pb
    i64.lt_u
    local.get $pa
    local.get $pb
    i64.eq
    local.get $pb
    local.get $pa
    i64.sub
    i32.wrap_i64
    return
  )
  ;; fn @align_up
  (func $align_up (type $t3) (param $x i32) (param $align i32) (result i32)
    (local $p i64)
    (local $mask i64)
    ;; entry
    local.get $x
    i64.extend_i32_u
    local.set $p
    local.get $align
    i64.extend_i32_u
    i64.const 1
    i64.sub
    local.set $mask
    local.get $p
    local.get $mask
    i64.add
    local.get $mask
    i64.const 0
    i64.const 1
    i64.sub
    i64.xor
    i64.and
    i32.wrap_i64
    return
  )
)
(assert_return (invoke "roundtrip" (i64.const 4660)) (i64.const 4660))
(assert_return (invoke "widen" (i32.const -1)) (i64.const 4294967295))
(assert_return (invoke "ptr_compare" (i32.const 16) (i32.const 32)) (i32.const 1) (i32.const 0) (i32.const 16))
(assert_return (invoke "align_up" (i32.const 17) (i32.const 8)) (i32.const 24))
(assert_return (invoke "align_up" (i32.const 24) (i32.const 8)) (i32.const 24))
