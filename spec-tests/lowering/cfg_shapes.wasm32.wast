;; Generated from tests/cases/cfg_shapes.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $cfg_shapes
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32 i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "entry_loop" (func $entry_loop))
  (export "search" (func $search))
  (export "odd_sum" (func $odd_sum))
  (export "same_target" (func $same_target))
  (export "dead_code" (func $dead_code))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @entry_loop
  (func $entry_loop (type $t0) (param $n i32) (result i32)
    (local $i1 i32)
    (local $i i32)
    (local $acc i32)
    loop $entry
      ;; entry
      local.get $i
      i32.const 1
      i32.add
      local.tee $i1
      local.set $i
      local.get $acc
      local.get $i1
      i32.add
      local.set $acc
      local.get $i1
      local.get $n
      i32.lt_s
      br_if $entry
      ;; out
      local.get $acc
      return
    end
    unreachable
  )
  ;; fn @search
  (func $search (type $t1) (param $target i32) (param $limit i32) (result i32)
    (local $i i32)
    ;; entry
    local.get $target
    i32.const 0
    i32.lt_s
    if
      ;; negative
      i32.const -2
      return
    end
    i32.const 0
    local.set $i
    block $loop_exit
      ;; loop
      local.get $i
      local.get $limit
      i32.ge_s
      br_if $loop_exit
      loop $loop
        ;; test
        local.get $i
        local.get $target
        i32.eq
        if
          ;; found
          local.get $i
          return
        end
        ;; continue
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        ;; loop
        local.get $limit
        i32.lt_s
        br_if $loop
      end
    end
    ;; exhausted
    i32.const -1
    return
  )
  ;; fn @odd_sum
  (func $odd_sum (type $t0) (param $n i32) (result i32)
    (local $i i32)
    (local $acc i32)
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
        local.get $i
        i32.const 1
        i32.and
        if
          ;; odd
          local.get $acc
          local.get $i
          i32.add
          local.set $acc
        end
        ;; latch
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
    return
  )
  ;; fn @same_target
  (func $same_target (type $t0) (param $c i32) (result i32)
    (local $v i32)
    ;; entry
    i32.const 2
    local.tee $v
    ;; both
    return
  )
  ;; fn @dead_code
  (func $dead_code (type $t0) (param $x i32) (result i32)
    ;; entry
    local.get $x
    local.get $x
    i32.add
    return
  )
)
(assert_return (invoke "entry_loop" (i32.const 5)) (i32.const 15))
(assert_return (invoke "search" (i32.const 3) (i32.const 10)) (i32.const 3))
(assert_return (invoke "search" (i32.const 11) (i32.const 10)) (i32.const -1))
(assert_return (invoke "search" (i32.const -4) (i32.const 10)) (i32.const -2))
(assert_return (invoke "odd_sum" (i32.const 10)) (i32.const 25))
(assert_return (invoke "same_target" (i32.const 1)) (i32.const 2))
(assert_return (invoke "same_target" (i32.const 0)) (i32.const 2))
(assert_return (invoke "dead_code" (i32.const 4)) (i32.const 8))
