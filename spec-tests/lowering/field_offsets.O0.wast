;; Generated from tests/cases/field_offsets.vir by tests/golden.rs (wasm64, -O0): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $field_offsets
  (type $t0 (func (param i64 i64) (result i64)))
  (type $t1 (func (param i32) (result i64)))
  (type $t2 (func (param i64) (result i64)))
  (type $t3 (func (result i64)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x30..0x100030, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048624))
  ;; the end of the data
  (global $__data_end i64 (i64.const 40))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048624))
  (export "point_sum" (func $point_sum))
  (export "table_field" (func $table_field))
  (export "unknown_base" (func $unknown_base))
  (export "far_field" (func $far_field))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @point_sum
  (func $point_sum (type $t0) (param $x i64) (param $y i64) (result i64)
    (local $p i64)
    (local $zero i64)
    (local $px i64)
    (local $eight i64)
    (local $py i64)
    (local $a i64)
    (local $b i64)
    (local $s i64)
    (local $frame i64)
    ;; allocate a 16-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i64.const 64
    i64.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    i64.const 16
    i64.sub
    local.tee $frame
    global.set $__stack_pointer
    ;; entry
    local.get $frame
    local.set $p
    i64.const 0
    local.set $zero
    local.get $p
    local.get $zero
    i64.add
    local.set $px
    local.get $px
    local.get $x
    i64.store
    i64.const 8
    local.set $eight
    local.get $p
    local.get $eight
    i64.add
    local.set $py
    local.get $py
    local.get $y
    i64.store
    local.get $px
    i64.load
    local.set $a
    local.get $py
    i64.load
    local.set $b
    local.get $a
    local.get $b
    i64.add
    local.set $s
    local.get $s
    local.get $frame
    i64.const 16
    i64.add
    global.set $__stack_pointer
    return
  )
  ;; fn @table_field
  (func $table_field (type $t1) (param $i i32) (result i64)
    (local $t i64)
    (local $eight i64)
    (local $second i64)
    (local $third i64)
    (local $two i32)
    (local $is2 i32)
    (local $a i64)
    (local $b i64)
    ;; entry
    i64.const 16
    local.set $t
    i64.const 8
    local.set $eight
    local.get $t
    local.get $eight
    i64.add
    local.set $second
    local.get $eight
    local.get $second
    i64.add
    local.set $third
    i32.const 2
    local.set $two
    local.get $i
    local.get $two
    i32.eq
    local.set $is2
    local.get $is2
    if
      ;; two
      local.get $third
      i64.load
      local.set $b
      local.get $b
      return
    end
    ;; one
    local.get $second
    i64.load
    local.set $a
    local.get $a
    return
  )
  ;; fn @unknown_base
  (func $unknown_base (type $t2) (param $p i64) (result i64)
    (local $t i64)
    (local $base i64)
    (local $zero i64)
    (local $q i64)
    (local $v i64)
    ;; entry
    i64.const 16
    local.set $t
    local.get $t
    local.get $p
    i64.add
    local.set $base
    i64.const 0
    local.set $zero
    local.get $base
    local.get $zero
    i64.add
    local.set $q
    local.get $q
    i64.load
    local.set $v
    local.get $v
    return
  )
  ;; fn @far_field
  (func $far_field (type $t3) (result i64)
    (local $t i64)
    (local $far i64)
    (local $q i64)
    (local $v i64)
    ;; entry
    i64.const 16
    local.set $t
    i64.const 2147483648
    local.set $far
    local.get $t
    local.get $far
    i64.add
    local.set $q
    local.get $q
    i64.load
    local.set $v
    local.get $v
    return
  )
  ;; data @table
  (data $table (memory $memory) (i64.const 16) "\0a\00\00\00\00\00\00\00\14\00\00\00\00\00\00\00\1e\00\00\00\00\00\00\00")
)
(assert_return (invoke "point_sum" (i64.const 3) (i64.const 4)) (i64.const 7))
(assert_return (invoke "table_field" (i32.const 1)) (i64.const 20))
(assert_return (invoke "table_field" (i32.const 2)) (i64.const 30))
(assert_return (invoke "unknown_base" (i64.const 8)) (i64.const 20))
(assert_trap (invoke "far_field") "out of bounds memory access")
