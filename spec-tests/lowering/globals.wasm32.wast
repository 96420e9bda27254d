;; Generated from tests/cases/globals.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $globals
  (type $t0 (func (param i64) (result i64)))
  (type $t1 (func (result i32)))
  (memory $memory 17 16384)
  (global $counter (mut i64) (i64.const 0))
  (global $limit i32 (i32.const 1000))
  (global $msg_ptr i32 (i32.const 16))
  ;; shadow stack: 0x20..0x100020, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048608))
  ;; the end of the data
  (global $__data_end i32 (i32.const 18))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048608))
  (export "bump" (func $bump))
  (export "get_limit" (func $get_limit))
  (export "read_msg" (func $read_msg))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @bump
  (func $bump (type $t0) (param $by i64) (result i64)
    (local $new i64)
    ;; entry
    global.get $counter
    local.get $by
    i64.add
    local.tee $new
    global.set $counter
    local.get $new
    return
  )
  ;; fn @get_limit
  (func $get_limit (type $t1) (result i32)
    ;; entry
    global.get $limit
    return
  )
  ;; fn @read_msg
  (func $read_msg (type $t1) (result i32)
    ;; entry
    global.get $msg_ptr
    i32.load8_u
    return
  )
  ;; data @msg
  (data $msg (memory $memory) (i32.const 16) "hi")
)
(assert_return (invoke "bump" (i64.const 5)) (i64.const 5))
(assert_return (invoke "get_limit") (i32.const 1000))
(assert_return (invoke "read_msg") (i32.const 104))
