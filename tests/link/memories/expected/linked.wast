;; Generated from tests/link/memories by tests/link.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test link` rewrites it.
(module $linked
  (type $t0 (func (result i32)))
  (type $t1 (func (param i32) (result i32)))
  (type $t2 (func (result i64)))
  (memory $memory i64 17 16384)
  (memory $buf 1 4)
  (memory $scratch i64 2 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "read_tail" (func $read_tail))
  (export "write_then_read" (func $write_then_read))
  (export "scratch_size" (func $scratch_size))
  (export "read_buf" (func $read_buf))
  (export "tail_addr" (func $tail_addr))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @read_tail
  (func $read_tail (type $t0) (result i32)
    ;; entry
    i32.const 21
    i32.load $buf
    return
  )
  ;; fn @write_then_read
  (func $write_then_read (type $t1) (param $v i32) (result i32)
    (local $at i32)
    ;; entry
    i32.const 16
    local.tee $at
    local.get $v
    i32.store $buf
    local.get $at
    i32.load $buf
    return
  )
  ;; fn @scratch_size
  (func $scratch_size (type $t2) (result i64)
    ;; entry
    memory.size $scratch
    return
  )
  ;; fn @read_buf
  (func $read_buf (type $t1) (param $at i32) (result i32)
    ;; entry
    local.get $at
    i32.load $buf
    return
  )
  ;; fn @tail_addr
  (func $tail_addr (type $t0) (result i32)
    ;; entry
    i32.const 21
    return
  )
  ;; data @greeting
  (data $greeting (memory $buf) (i32.const 16) "hello")
  ;; data @tail
  (data $tail (memory $buf) (i32.const 21) "world")
)
(assert_return (invoke "tail_addr") (i32.const 21))
(assert_return (invoke "read_tail") (i32.const 1819438967))
(assert_return (invoke "write_then_read" (i32.const 7)) (i32.const 7))
(assert_return (invoke "scratch_size") (i64.const 2))
