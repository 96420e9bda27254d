;; Generated from tests/cases/stack_alloc.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $stack_alloc
  (type $t0 (func (param i64) (result i64)))
  (type $t1 (func (param i32) (result i32)))
  (type $t2 (func (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "vla_sum" (func $vla_sum))
  (export "loop_of_vlas" (func $loop_of_vlas))
  (export "aligned" (func $aligned))
  (export "nested" (func $nested))
  (export "too_big" (func $too_big))
  (export "restore_above_frame" (func $restore_above_frame))
  (export "no_restore_in_loop" (func $no_restore_in_loop))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @vla_sum
  (func $vla_sum (type $t0) (param $n i64) (result i64)
    (local $a i32)
    (local $i i64)
    (local $acc i64)
    (local $joff i32)
    (local $frame i32)
    (local $stack i32)
    global.get $__stack_pointer
    local.set $frame
    ;; entry
    local.get $n
    i32.wrap_i64
    i32.const 8
    i32.mul
    local.set $stack
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.get $stack
    i32.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    local.get $stack
    i32.sub
    i32.const -16
    i32.and
    local.tee $stack
    global.set $__stack_pointer
    local.get $stack
    local.set $a
    i64.const 0
    local.set $i
    block $fill_exit
      ;; fill
      local.get $i
      local.get $n
      i64.ge_s
      br_if $fill_exit
      loop $fill
        ;; store
        local.get $i
        i32.wrap_i64
        i32.const 8
        i32.mul
        local.set $joff
        local.get $a
        local.get $joff
        i32.add
        local.get $i
        i64.store
        local.get $i
        i64.const 1
        i64.add
        local.tee $i
        ;; fill
        local.get $n
        i64.lt_s
        br_if $fill
      end
    end
    ;; sum_start
    i64.const 0
    i64.const 0
    local.set $acc
    local.set $i
    block $sum_exit
      ;; sum
      local.get $i
      local.get $n
      i64.ge_s
      br_if $sum_exit
      loop $sum
        ;; add
        local.get $i
        i32.wrap_i64
        i32.const 8
        i32.mul
        local.set $joff
        local.get $acc
        local.get $a
        local.get $joff
        i32.add
        i64.load
        i64.add
        local.set $acc
        local.get $i
        i64.const 1
        i64.add
        local.tee $i
        ;; sum
        local.get $n
        i64.lt_s
        br_if $sum
      end
    end
    ;; done
    local.get $acc
    local.get $frame
    i32.const 0
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @loop_of_vlas
  (func $loop_of_vlas (type $t1) (param $n i32) (result i32)
    (local $i i32)
    (local $acc i32)
    (local $mark i32)
    (local $a i32)
    (local $frame i32)
    (local $stack i32)
    global.get $__stack_pointer
    local.set $frame
    ;; entry
    i32.const 0
    i32.const 0
    local.set $acc
    local.set $i
    block $head_exit
      ;; head
      local.get $i
      local.get $n
      i32.ge_s
      br_if $head_exit
      loop $head
        ;; body
        global.get $__stack_pointer
        local.set $mark
        i32.const 12
        local.set $stack
        global.get $__stack_pointer
        i32.const 16
        i32.sub
        local.get $stack
        i32.lt_u
        if
          unreachable
        end
        global.get $__stack_pointer
        local.get $stack
        i32.sub
        i32.const -16
        i32.and
        local.tee $stack
        global.set $__stack_pointer
        local.get $stack
        local.tee $a
        i32.const 1
        i32.store
        local.get $a
        i32.const 1
        i32.store offset=4
        local.get $a
        i32.const 1
        i32.store offset=8
        local.get $acc
        local.get $a
        i32.load
        local.get $a
        i32.load offset=4
        i32.add
        i32.const 1
        i32.add
        i32.add
        local.set $acc
        local.get $mark
        local.tee $stack
        i32.const 16
        i32.lt_u
        local.get $stack
        local.get $frame
        i32.gt_u
        i32.or
        if
          unreachable
        end
        local.get $stack
        global.set $__stack_pointer
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        ;; head
        local.get $n
        i32.lt_s
        br_if $head
      end
    end
    ;; exit
    local.get $acc
    local.get $frame
    i32.const 0
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @aligned
  (func $aligned (type $t1) (param $n i32) (result i32)
    (local $sp i32)
    (local $a i32)
    (local $below i32)
    (local $frame i32)
    (local $stack i32)
    ;; allocate a 16-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i32.const 32
    i32.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.tee $frame
    global.set $__stack_pointer
    ;; entry
    local.get $frame
    local.set $sp
    local.get $n
    local.set $stack
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.get $stack
    i32.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    local.get $stack
    i32.sub
    i32.const -16
    i32.and
    local.tee $stack
    global.set $__stack_pointer
    local.get $stack
    local.tee $a
    local.get $sp
    i32.lt_u
    local.set $below
    local.get $a
    i32.const 15
    i32.and
    local.get $below
    i32.eqz
    i32.or
    local.get $frame
    i32.const 16
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @square_on_stack
  (func $square_on_stack (type $t1) (param $k i32) (result i32)
    (local $a i32)
    (local $frame i32)
    (local $stack i32)
    global.get $__stack_pointer
    local.set $frame
    ;; entry
    i32.const 4
    local.set $stack
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.get $stack
    i32.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    local.get $stack
    i32.sub
    i32.const -16
    i32.and
    local.tee $stack
    global.set $__stack_pointer
    local.get $stack
    local.tee $a
    local.get $k
    local.get $k
    i32.mul
    i32.store
    local.get $a
    i32.load
    local.get $frame
    i32.const 0
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @nested
  (func $nested (type $t1) (param $n i32) (result i32)
    (local $before i32)
    (local $r i32)
    (local $frame i32)
    (local $stack i32)
    global.get $__stack_pointer
    local.set $frame
    ;; entry
    global.get $__stack_pointer
    local.set $before
    local.get $n
    call $square_on_stack
    local.set $r
    local.get $before
    global.get $__stack_pointer
    i32.eq
    if
      ;; ok
      local.get $r
      local.get $frame
      i32.const 0
      i32.add
      global.set $__stack_pointer
      return
    end
    ;; bad
    i32.const -1
    local.get $frame
    i32.const 0
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @too_big
  (func $too_big (type $t2) (result i32)
    (local $frame i32)
    (local $stack i32)
    global.get $__stack_pointer
    local.set $frame
    ;; entry
    i32.const -1
    local.set $stack
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.get $stack
    i32.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    local.get $stack
    i32.sub
    i32.const -16
    i32.and
    local.tee $stack
    global.set $__stack_pointer
    local.get $stack
    i32.load
    local.get $frame
    i32.const 0
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @restore_above_frame
  (func $restore_above_frame (type $t2) (result i32)
    (local $frame i32)
    (local $stack i32)
    global.get $__stack_pointer
    local.set $frame
    ;; entry
    global.get $__stack_pointer
    i32.const 16
    i32.add
    local.tee $stack
    i32.const 16
    i32.lt_u
    local.get $stack
    local.get $frame
    i32.gt_u
    i32.or
    if
      unreachable
    end
    local.get $stack
    global.set $__stack_pointer
    i32.const 0
    local.get $frame
    i32.const 0
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @no_restore_in_loop
  (func $no_restore_in_loop (type $t1) (param $n i32) (result i32)
    (local $i i32)
    (local $frame i32)
    (local $stack i32)
    global.get $__stack_pointer
    local.set $frame
    ;; entry
    i32.const 0
    local.set $i
    block $head_exit
      ;; head
      local.get $i
      local.get $n
      i32.ge_s
      br_if $head_exit
      loop $head
        ;; body
        i32.const 12
        local.set $stack
        global.get $__stack_pointer
        i32.const 16
        i32.sub
        local.get $stack
        i32.lt_u
        if
          unreachable
        end
        global.get $__stack_pointer
        local.get $stack
        i32.sub
        i32.const -16
        i32.and
        local.tee $stack
        global.set $__stack_pointer
        local.get $stack
        i32.const 1
        i32.store
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        ;; head
        local.get $n
        i32.lt_s
        br_if $head
      end
    end
    ;; exit
    i32.const 0
    local.get $frame
    i32.const 0
    i32.add
    global.set $__stack_pointer
    return
  )
)
(assert_return (invoke "vla_sum" (i64.const 10)) (i64.const 45))
(assert_return (invoke "vla_sum" (i64.const 0)) (i64.const 0))
(assert_return (invoke "loop_of_vlas" (i32.const 1000000)) (i32.const 3000000))
(assert_return (invoke "aligned" (i32.const 3)) (i32.const 0))
(assert_return (invoke "nested" (i32.const 5)) (i32.const 25))
(assert_trap (invoke "too_big") "unreachable")
(assert_trap (invoke "restore_above_frame") "unreachable")
(assert_trap (invoke "no_restore_in_loop" (i32.const 1000000)) "unreachable")
