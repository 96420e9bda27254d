;; Generated from tests/cases/tailrec_frontend.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $tailrec_frontend
  (type $t0 (func (param i64 i64) (result i64)))
  (type $t1 (func (param i32) (result i32)))
  (type $t2 (func (param i32) (result i64)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "gcd" (func $gcd))
  (export "digits" (func $digits))
  (export "fib" (func $fib))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @gcd
  (func $gcd (type $t0) (param $a i64) (param $b i64) (result i64)
    (local $a_loop i64)
    (local $b_loop i64)
    ;; entry
    local.get $a
    local.get $b
    local.set $b_loop
    local.set $a_loop
    block $entry_tail_exit
      ;; entry_tail
      local.get $b_loop
      i64.eqz
      br_if $entry_tail_exit
      loop $entry_tail
        ;; endif2
        local.get $a_loop
        local.get $b_loop
        i64.rem_s
        local.set $a_loop
        local.get $b_loop
        local.get $a_loop
        local.set $b_loop
        local.set $a_loop
        ;; entry_tail
        local.get $b_loop
        i64.eqz
        i32.eqz
        br_if $entry_tail
      end
    end
    ;; then1
    local.get $a_loop
    return
  )
  ;; fn @digits
  (func $digits (type $t1) (param $n i32) (result i32)
    (local $n_loop i32)
    (local $acc i32)
    (local $v7 i32)
    ;; entry
    local.get $n
    i32.const 0
    local.set $acc
    local.set $n_loop
    block $entry_tail_exit
      ;; entry_tail
      local.get $n_loop
      i32.eqz
      br_if $entry_tail_exit
      loop $entry_tail
        ;; endif2
        local.get $n_loop
        i32.const 10
        i32.rem_s
        local.set $v7
        local.get $n_loop
        i32.const 10
        i32.div_s
        local.get $acc
        local.get $v7
        i32.add
        local.set $acc
        local.tee $n_loop
        ;; entry_tail
        br_if $entry_tail
      end
    end
    ;; then1
    local.get $acc
    return
  )
  ;; fn @fib
  (func $fib (type $t2) (param $n i32) (result i64)
    (local $n_loop i32)
    (local $acc i64)
    (local $v9 i64)
    ;; entry
    local.get $n
    i64.const 0
    local.set $acc
    local.set $n_loop
    block $entry_tail_exit
      ;; entry_tail
      local.get $n_loop
      i32.const 2
      i32.lt_s
      br_if $entry_tail_exit
      loop $entry_tail
        ;; endif2
        local.get $n_loop
        i32.const 1
        i32.sub
        call $fib
        local.set $v9
        local.get $n_loop
        i32.const 2
        i32.sub
        local.get $acc
        local.get $v9
        i64.add
        local.set $acc
        local.tee $n_loop
        ;; entry_tail
        i32.const 2
        i32.ge_s
        br_if $entry_tail
      end
    end
    ;; then1
    local.get $acc
    local.get $n_loop
    i64.extend_i32_s
    i64.add
    return
  )
)
(assert_return (invoke "gcd" (i64.const 12) (i64.const 18)) (i64.const 6))
(assert_return (invoke "gcd" (i64.const 17) (i64.const 5)) (i64.const 1))
(assert_return (invoke "gcd" (i64.const -9) (i64.const 6)) (i64.const -3))
(assert_return (invoke "digits" (i32.const 0)) (i32.const 0))
(assert_return (invoke "digits" (i32.const 1999)) (i32.const 28))
(assert_return (invoke "digits" (i32.const -123)) (i32.const -6))
(assert_return (invoke "fib" (i32.const 1)) (i64.const 1))
(assert_return (invoke "fib" (i32.const 20)) (i64.const 6765))
