;; Generated from tests/link/imports by tests/link.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test link` rewrites it.
(module $linked
  (type $t0 (func (param i32)))
  (type $t1 (func (result i32)))
  (type $t2 (func))
  (import "env" "host_log" (func $host_log (type $t0) (param i32)))
  (import "host" "print_i32" (func $print (type $t0) (param i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "answer" (func $answer))
  (export "log_answer" (func $log_answer))
  (export "print_twice" (func $print_twice))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @answer
  (func $answer (type $t1) (result i32)
    ;; entry
    i32.const 42
    return
  )
  ;; fn @log_answer
  (func $log_answer (type $t2)
    ;; entry
    i32.const 42
    call $host_log
    i32.const 42
    call $print
    return
  )
  ;; fn @print_twice
  (func $print_twice (type $t0) (param $x i32)
    ;; entry
    local.get $x
    call $print
    local.get $x
    call $print
    return
  )
)
(assert_return (invoke "answer") (i32.const 42))
