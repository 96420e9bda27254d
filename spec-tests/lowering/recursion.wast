;; Generated from tests/cases/recursion.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $recursion
  (type $t0 (func (param i64) (result i64)))
  (type $t1 (func (param i32 i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "fib_rec" (func $fib_rec))
  (export "ackermann" (func $ackermann))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @fib_rec
  (func $fib_rec (type $t0) (param $n i64) (result i64)
    (local $n_loop i64)
    (local $acc i64)
    (local $n1 i64)
    ;; entry
    local.get $n
    i64.const 0
    local.set $acc
    local.set $n_loop
    block $entry_tail_exit
      ;; entry_tail
      local.get $n_loop
      i64.const 2
      i64.lt_s
      br_if $entry_tail_exit
      loop $entry_tail
        ;; rec
        local.get $n_loop
        i64.const 1
        i64.sub
        local.set $n1
        local.get $n_loop
        i64.const 2
        i64.sub
        local.get $acc
        local.get $n1
        call $fib_rec
        i64.add
        local.set $acc
        local.tee $n_loop
        ;; entry_tail
        i64.const 2
        i64.ge_s
        br_if $entry_tail
      end
    end
    ;; base
    local.get $acc
    local.get $n_loop
    i64.add
    return
  )
  ;; fn @ackermann
  (func $ackermann (type $t1) (param $m i32) (param $n i32) (result i32)
    (local $m_loop i32)
    (local $n_loop i32)
    (local $m1 i32)
    ;; entry
    local.get $m
    local.get $n
    local.set $n_loop
    local.set $m_loop
    block $entry_tail_exit
      ;; entry_tail
      local.get $m_loop
      i32.eqz
      br_if $entry_tail_exit
      loop $entry_tail
        ;; m_pos
        local.get $m_loop
        i32.const 1
        i32.sub
        local.set $m1
        local.get $n_loop
        i32.eqz
        if
          local.get $m1
          i32.const 1
          local.set $n_loop
          local.tee $m_loop
          ;; entry_tail
          br_if $entry_tail
          br $entry_tail_exit
        end
        ;; n_pos
        local.get $m_loop
        local.get $n_loop
        i32.const 1
        i32.sub
        call $ackermann
        local.set $m_loop
        local.get $m1
        local.get $m_loop
        local.set $n_loop
        local.tee $m_loop
        ;; entry_tail
        br_if $entry_tail
      end
    end
    ;; m0
    local.get $n_loop
    i32.const 1
    i32.add
    return
  )
)
(assert_return (invoke "fib_rec" (i64.const 10)) (i64.const 55))
(assert_return (invoke "fib_rec" (i64.const 25)) (i64.const 75025))
(assert_return (invoke "ackermann" (i32.const 2) (i32.const 3)) (i32.const 9))
(assert_return (invoke "ackermann" (i32.const 3) (i32.const 3)) (i32.const 61))
