;; Generated from tests/cases/loop_guards.vir by tests/golden.rs (wasm32, -O2 no-loop-guards): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $loop_guards
  (type $t0 (func (param i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "sum" (func $sum))
  (export "from" (func $from))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @sum
  (func $sum (type $t0) (param $a i32) (result i32)
    (local $i i32)
    (local $s i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $s
    local.set $i
    block $head_exit
      ;; head
      local.get $i
      i32.const 1000
      i32.ge_s
      br_if $head_exit
      loop $head
        ;; body
        local.get $s
        local.get $a
        i32.add
        local.set $s
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        ;; head
        i32.const 1000
        i32.lt_s
        br_if $head
      end
    end
    ;; done
    local.get $s
    return
  )
  ;; fn @from
  (func $from (type $t0) (param $start i32) (result i32)
    (local $i i32)
    (local $n i32)
    ;; entry
    local.get $start
    i32.const 0
    local.set $n
    local.set $i
    block $head_exit
      ;; head
      local.get $i
      i32.const 10
      i32.ge_s
      br_if $head_exit
      loop $head
        ;; body
        local.get $i
        i32.const 1
        i32.add
        local.get $n
        i32.const 1
        i32.add
        local.set $n
        local.tee $i
        ;; head
        i32.const 10
        i32.lt_s
        br_if $head
      end
    end
    ;; done
    local.get $n
    return
  )
)
(assert_return (invoke "sum" (i32.const 3)) (i32.const 3000))
(assert_return (invoke "from" (i32.const 0)) (i32.const 10))
(assert_return (invoke "from" (i32.const 12)) (i32.const 0))
