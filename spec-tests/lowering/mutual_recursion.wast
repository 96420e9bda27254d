;; Generated from tests/cases/mutual_recursion.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $mutual_recursion
  (type $t0 (func (param i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "is_even" (func $is_even))
  (export "is_odd" (func $is_odd))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @is_even
  (func $is_even (type $t0) (param $n i32) (result i32)
    ;; entry
    local.get $n
    i32.eqz
    if
      ;; yes
      i32.const 1
      return
    end
    ;; ask
    local.get $n
    i32.const 1
    i32.sub
    call $is_odd
    return
  )
  ;; fn @is_odd
  (func $is_odd (type $t0) (param $n i32) (result i32)
    ;; entry
    local.get $n
    i32.eqz
    if
      ;; no
      i32.const 0
      return
    end
    ;; ask
    local.get $n
    i32.const 1
    i32.sub
    call $is_even
    return
  )
)
(assert_return (invoke "is_even" (i32.const 10)) (i32.const 1))
(assert_return (invoke "is_even" (i32.const 7)) (i32.const 0))
(assert_return (invoke "is_odd" (i32.const 7)) (i32.const 1))
