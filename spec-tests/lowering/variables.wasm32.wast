;; Generated from tests/cases/variables.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $variables
  (type $t0 (func (param i64) (result i64)))
  (type $t1 (func (param i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "factorial" (func $factorial))
  (export "sum_to" (func $sum_to))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @factorial
  (func $factorial (type $t0) (param $n i64) (result i64)
    (local $i i64)
    (local $acc i64)
    ;; entry
    local.get $n
    i64.const 1
    local.set $acc
    local.set $i
    block $head_exit
      ;; head
      local.get $i
      i64.const 1
      i64.le_s
      br_if $head_exit
      loop $head
        ;; body
        local.get $acc
        local.get $i
        i64.mul
        local.set $acc
        local.get $i
        i64.const 1
        i64.sub
        local.tee $i
        ;; head
        i64.const 1
        i64.gt_s
        br_if $head
      end
    end
    ;; done
    local.get $acc
    return
  )
  ;; fn @sum_to
  (func $sum_to (type $t1) (param $n i32) (result i32)
    (local $i i32)
    (local $sum i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $sum
    local.set $i
    block $head_exit
      ;; head
      local.get $i
      local.get $n
      i32.gt_s
      br_if $head_exit
      loop $head
        ;; body
        local.get $sum
        local.get $i
        i32.add
        local.set $sum
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        ;; head
        local.get $n
        i32.le_s
        br_if $head
      end
    end
    ;; exit
    local.get $sum
    return
  )
)
(assert_return (invoke "factorial" (i64.const 10)) (i64.const 3628800))
(assert_return (invoke "factorial" (i64.const 0)) (i64.const 1))
(assert_return (invoke "sum_to" (i32.const 100)) (i32.const 5050))
