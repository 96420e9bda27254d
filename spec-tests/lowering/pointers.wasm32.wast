;; Generated from tests/cases/pointers.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $pointers
  (type $t0 (func (param i64) (result i64)))
  (type $t1 (func (param i32) (result i64)))
  (type $t2 (func (param i32 i32) (result i32 i32 i32)))
  (type $t3 (func (param i32 i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
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
    i32.wrap_i64
    i64.extend_i32_u
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
    (local $pa i32)
    (local $pb i32)
    ;; entry
    local.get $a
    local.set $pa
    local.get $b
    local.set $pb
    local.get $pa
    local.get $pb
    i32.lt_u
    local.get $pa
    local.get $pb
    i32.eq
    local.get $pb
    local.get $pa
    i32.sub
    return
  )
  ;; fn @align_up
  (func $align_up (type $t3) (param $x i32) (param $align i32) (result i32)
    (local $p i32)
    (local $mask i32)
    ;; entry
    local.get $x
    local.set $p
    local.get $align
    i32.const 1
    i32.sub
    local.set $mask
    local.get $p
    local.get $mask
    i32.add
    local.get $mask
    i32.const 0
    i32.const 1
    i32.sub
    i32.xor
    i32.and
    return
  )
)
(assert_return (invoke "roundtrip" (i64.const 4660)) (i64.const 4660))
(assert_return (invoke "widen" (i32.const -1)) (i64.const 4294967295))
(assert_return (invoke "ptr_compare" (i32.const 16) (i32.const 32)) (i32.const 1) (i32.const 0) (i32.const 16))
(assert_return (invoke "align_up" (i32.const 17) (i32.const 8)) (i32.const 24))
(assert_return (invoke "align_up" (i32.const 24) (i32.const 8)) (i32.const 24))
