;; Generated from tests/link/private_clash by tests/link.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test link` rewrites it.
(module $linked
  (type $t0 (func (result i32)))
  (memory $memory i64 17 16384)
  (global $a.count (mut i32) (i32.const 0))
  (global $b.count (mut i32) (i32.const 0))
  ;; shadow stack: 0x20..0x100020, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048608))
  ;; the end of the data
  (global $__data_end i64 (i64.const 18))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048608))
  (export "a.helper_1" (func $a.helper_1))
  (export "a_tick" (func $a_tick))
  (export "a_buf" (func $a_buf))
  (export "b.helper" (func $b.helper))
  (export "b_tick" (func $b_tick))
  (export "b_buf" (func $b_buf))
  (export "helper" (func $helper))
  (export "a.helper" (func $a.helper))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @a.helper_1
  (func $a.helper_1 (type $t0) (result i32)
    ;; entry
    i32.const 1
    return
  )
  ;; fn @a_tick
  (func $a_tick (type $t0) (result i32)
    (local $c1 i32)
    ;; entry
    global.get $a.count
    i32.const 1
    i32.add
    local.tee $c1
    global.set $a.count
    local.get $c1
    return
  )
  ;; fn @a_buf
  (func $a_buf (type $t0) (result i32)
    ;; entry
    i64.const 16
    i32.load8_u
    return
  )
  ;; fn @b.helper
  (func $b.helper (type $t0) (result i32)
    ;; entry
    i32.const 2
    return
  )
  ;; fn @b_tick
  (func $b_tick (type $t0) (result i32)
    (local $c1 i32)
    ;; entry
    global.get $b.count
    i32.const 1
    i32.add
    local.tee $c1
    global.set $b.count
    local.get $c1
    return
  )
  ;; fn @b_buf
  (func $b_buf (type $t0) (result i32)
    ;; entry
    i64.const 17
    i32.load8_u
    return
  )
  ;; fn @helper
  (func $helper (type $t0) (result i32)
    ;; entry
    i32.const 3
    return
  )
  ;; fn @a.helper
  (func $a.helper (type $t0) (result i32)
    ;; entry
    i32.const 4
    return
  )
  ;; data @a.buf
  (data $a.buf (memory $memory) (i64.const 16) "a")
  ;; data @b.buf
  (data $b.buf (memory $memory) (i64.const 17) "b")
)
(assert_return (invoke "a.helper_1") (i32.const 1))
(assert_return (invoke "b.helper") (i32.const 2))
(assert_return (invoke "helper") (i32.const 3))
(assert_return (invoke "a.helper") (i32.const 4))
(assert_return (invoke "a_tick") (i32.const 1))
(assert_return (invoke "a_tick") (i32.const 2))
(assert_return (invoke "b_tick") (i32.const 1))
(assert_return (invoke "a_buf") (i32.const 97))
(assert_return (invoke "b_buf") (i32.const 98))
