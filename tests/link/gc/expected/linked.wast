;; Generated from tests/link/gc by tests/link.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test link` rewrites it.
(module $linked
  (type $t0 (func (result i32)))
  (type $t1 (func (result i64)))
  (table $table i64 3 3 funcref)
  (memory $memory i64 17 16384)
  (global $fp i64 (i64.const 2))
  ;; shadow stack: 0x20..0x100020, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048608))
  ;; the end of the data
  (global $__data_end i64 (i64.const 24))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048608))
  (export "used" (func $used))
  (export "main" (func $main))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  (elem $functions (table $table) (i64.const 1) func $via_table $via_global)
  ;; fn @used
  (func $used (type $t0) (result i32)
    ;; entry
    i64.const 16
    i64.load
    call_indirect $table (type $t0) (result i32)
    global.get $fp
    call_indirect $table (type $t0) (result i32)
    i32.add
    return
  )
  ;; fn @main
  (func $main (type $t0) (result i32)
    ;; entry
    call $used
    i32.const 1
    i32.add
    return
  )
  ;; fn @via_table
  (func $via_table (type $t0) (result i32)
    ;; entry
    i32.const 3
    return
  )
  ;; fn @via_global
  (func $via_global (type $t0) (result i32)
    ;; entry
    i32.const 4
    return
  )
  ;; data @table
  (data $table (memory $memory) (i64.const 16) "\01\00\00\00\00\00\00\00")
)
(assert_return (invoke "used") (i32.const 7))
(assert_return (invoke "main") (i32.const 8))
