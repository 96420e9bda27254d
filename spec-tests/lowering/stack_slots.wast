;; Generated from tests/cases/stack_slots.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $stack_slots
  (type $t0 (func (param i32 i32) (result i32 i32)))
  (type $t1 (func (param i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "swap_via_memory" (func $swap_via_memory))
  (export "sum_digits" (func $sum_digits))
  (export "depth_sum" (func $depth_sum))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @swap_via_memory
  (func $swap_via_memory (type $t0) (param $a i32) (param $b i32) (result i32 i32)
    (local $frame i64)
    ;; allocate a 16-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i64.const 32
    i64.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    i64.const 16
    i64.sub
    local.tee $frame
    global.set $__stack_pointer
    ;; entry
    local.get $b
    local.get $a
    local.get $frame
    i64.const 16
    i64.add
    global.set $__stack_pointer
    return
  )
  ;; fn @sum_digits
  (func $sum_digits (type $t1) (param $n i32) (result i32)
    (local $base i64)
    (local $x i32)
    (local $at i64)
    (local $count i32)
    (local $frame i64)
    ;; allocate a 16-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i64.const 32
    i64.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    i64.const 16
    i64.sub
    local.tee $frame
    global.set $__stack_pointer
    ;; entry
    local.get $frame
    local.set $base
    local.get $n
    local.get $base
    i32.const 0
    local.set $count
    local.set $at
    local.set $x
    loop $split
      ;; split
      local.get $at
      local.get $x
      i32.const 10
      i32.rem_u
      i32.store8
      local.get $at
      i64.const 1
      i64.add
      local.set $at
      local.get $count
      i32.const 1
      i32.add
      local.set $count
      local.get $x
      i32.const 10
      i32.div_u
      local.tee $x
      br_if $split
      local.get $count
      i32.const 0
      local.set $count
      local.set $x
      block $add_exit
        ;; add
        local.get $x
        i32.eqz
        br_if $add_exit
        loop $add
          ;; add_one
          local.get $count
          local.get $base
          i32.load8_u
          i32.add
          local.set $count
          local.get $base
          i64.const 1
          i64.add
          local.get $x
          i32.const 1
          i32.sub
          local.set $x
          local.set $base
          ;; add
          local.get $x
          br_if $add
        end
      end
      ;; done
      local.get $count
      local.get $frame
      i64.const 16
      i64.add
      global.set $__stack_pointer
      return
    end
    unreachable
  )
  ;; fn @depth_sum
  (func $depth_sum (type $t1) (param $n i32) (result i32)
    (local $frame i64)
    ;; allocate a 1024-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i64.const 1040
    i64.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    i64.const 1024
    i64.sub
    local.tee $frame
    global.set $__stack_pointer
    ;; entry
    local.get $n
    i32.eqz
    if
      ;; base
      i32.const 0
      local.get $frame
      i64.const 1024
      i64.add
      global.set $__stack_pointer
      return
    end
    ;; rec
    local.get $n
    i32.const 1
    i32.sub
    call $depth_sum
    local.get $n
    i32.add
    local.get $frame
    i64.const 1024
    i64.add
    global.set $__stack_pointer
    return
  )
)
(assert_return (invoke "swap_via_memory" (i32.const 3) (i32.const 4)) (i32.const 4) (i32.const 3))
(assert_return (invoke "sum_digits" (i32.const 9875)) (i32.const 29))
(assert_return (invoke "depth_sum" (i32.const 50)) (i32.const 1275))
(assert_trap (invoke "depth_sum" (i32.const 100000)) "unreachable")
