;; Generated from tests/cases/diamond.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $diamond
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i64) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "abs" (func $abs))
  (export "sign" (func $sign))
  (export "collatz_steps" (func $collatz_steps))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @abs
  (func $abs (type $t0) (param $x i32) (result i32)
    (local $r i32)
    ;; entry
    local.get $x
    i32.const 0
    i32.lt_s
    if
      ;; negate
      i32.const 0
      local.get $x
      i32.sub
      local.set $r
    else
      local.get $x
      local.set $r
    end
    ;; join
    local.get $r
    return
  )
  ;; fn @sign
  (func $sign (type $t0) (param $x i32) (result i32)
    (local $r i32)
    ;; entry
    local.get $x
    i32.const 0
    i32.lt_s
    if $join
      i32.const -1
      local.set $r
    else
      ;; not_minus
      local.get $x
      i32.eqz
      if
        i32.const 0
        local.set $r
        br $join
      end
      i32.const 1
      local.set $r
    end
    ;; join
    local.get $r
    return
  )
  ;; fn @collatz_steps
  (func $collatz_steps (type $t1) (param $n i64) (result i32)
    (local $x i64)
    (local $steps i32)
    ;; entry
    local.get $n
    i32.const 0
    local.set $steps
    local.set $x
    block $head_exit
      ;; head
      local.get $x
      i64.const 1
      i64.le_u
      br_if $head_exit
      loop $head
        ;; step
        local.get $x
        i64.const 2
        i64.rem_u
        i32.wrap_i64
        if
          ;; odd_case
          local.get $x
          i64.const 3
          i64.mul
          i64.const 1
          i64.add
          local.set $x
        else
          ;; even_case
          local.get $x
          i64.const 1
          i64.shr_u
          local.set $x
        end
        ;; next
        local.get $steps
        i32.const 1
        i32.add
        local.set $steps
        ;; head
        local.get $x
        i64.const 1
        i64.gt_u
        br_if $head
      end
    end
    ;; exit
    local.get $steps
    return
  )
)
(assert_return (invoke "abs" (i32.const -5)) (i32.const 5))
(assert_return (invoke "abs" (i32.const 7)) (i32.const 7))
(assert_return (invoke "sign" (i32.const -9)) (i32.const -1))
(assert_return (invoke "sign" (i32.const 0)) (i32.const 0))
(assert_return (invoke "sign" (i32.const 12)) (i32.const 1))
(assert_return (invoke "collatz_steps" (i64.const 27)) (i32.const 111))
(assert_return (invoke "collatz_steps" (i64.const 1)) (i32.const 0))
