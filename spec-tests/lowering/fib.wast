;; Generated from tests/cases/fib.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $fib
  (type $t0 (func (param i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "fib" (func $fib))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @fib
  (func $fib (type $t0) (param $n i32) (result i32)
    (local $i i32)
    (local $a i32)
    (local $b i32)
    ;; entry
    i32.const 0
    i32.const 0
    i32.const 1
    local.set $b
    local.set $a
    local.set $i
    block $loop_exit
      ;; loop
      local.get $i
      local.get $n
      i32.ge_s
      br_if $loop_exit
      loop $loop
        ;; body
        local.get $a
        local.get $b
        i32.add
        local.set $a
        local.get $i
        i32.const 1
        i32.add
        local.get $b
        local.get $a
        local.set $b
        local.set $a
        local.tee $i
        ;; loop
        local.get $n
        i32.lt_s
        br_if $loop
      end
    end
    ;; exit
    local.get $a
    return
  )
)
(assert_return (invoke "fib" (i32.const 0)) (i32.const 0))
(assert_return (invoke "fib" (i32.const 1)) (i32.const 1))
(assert_return (invoke "fib" (i32.const 20)) (i32.const 6765))
(assert_return (invoke "fib" (i32.const 46)) (i32.const 1836311903))
