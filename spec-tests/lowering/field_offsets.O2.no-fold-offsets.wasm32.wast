;; Generated from tests/cases/field_offsets.vir by tests/golden.rs (wasm32, -O2 no-fold-offsets): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $field_offsets
  (type $t0 (func (param i64 i64) (result i64)))
  (type $t1 (func (param i32) (result i64)))
  (type $t2 (func (result i64)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x30..0x100030, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048624))
  ;; the end of the data
  (global $__data_end i32 (i32.const 40))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048624))
  (export "point_sum" (func $point_sum))
  (export "table_field" (func $table_field))
  (export "unknown_base" (func $unknown_base))
  (export "far_field" (func $far_field))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @point_sum
  (func $point_sum (type $t0) (param $x i64) (param $y i64) (result i64)
    (local $frame i32)
    ;; allocate a 16-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i32.const 64
    i32.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.tee $frame
    global.set $__stack_pointer
    ;; entry
    local.get $x
    local.get $y
    i64.add
    local.get $frame
    i32.const 16
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @table_field
  (func $table_field (type $t1) (param $i i32) (result i64)
    (local $second i32)
    (local $third i32)
    ;; entry
    i32.const 16
    i32.const 8
    i32.add
    local.set $second
    i32.const 8
    local.get $second
    i32.add
    local.set $third
    local.get $i
    i32.const 2
    i32.eq
    if
      ;; two
      local.get $third
      i64.load
      return
    end
    ;; one
    local.get $second
    i64.load
    return
  )
  ;; fn @unknown_base
  (func $unknown_base (type $t1) (param $p i32) (result i64)
    ;; entry
    i32.const 16
    local.get $p
    i32.add
    i64.load
    return
  )
  ;; fn @far_field
  (func $far_field (type $t2) (result i64)
    ;; entry
    i32.const 16
    i32.const -2147483648
    i32.add
    i64.load
    return
  )
  ;; data @table
  (data $table (memory $memory) (i32.const 16) "\0a\00\00\00\00\00\00\00\14\00\00\00\00\00\00\00\1e\00\00\00\00\00\00\00")
)
(assert_return (invoke "point_sum" (i64.const 3) (i64.const 4)) (i64.const 7))
(assert_return (invoke "table_field" (i32.const 1)) (i64.const 20))
(assert_return (invoke "table_field" (i32.const 2)) (i64.const 30))
(assert_return (invoke "unknown_base" (i32.const 8)) (i64.const 20))
(assert_trap (invoke "far_field") "out of bounds memory access")
