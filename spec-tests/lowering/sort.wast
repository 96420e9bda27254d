;; Generated from tests/cases/sort.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $sort
  (type $t0 (func (param i32 i32 i32 i32) (result i32 i32 i32 i32)))
  (type $t1 (func (param i64 i32)))
  (type $t2 (func (param i64 i32) (result i32)))
  (type $t3 (func (param i64 i32 i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "sort_and_check" (func $sort_and_check))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @sort_and_check
  (func $sort_and_check (type $t0) (param $a i32) (param $b i32) (param $c i32) (param $d i32) (result i32 i32 i32 i32)
    (local $p i64)
    (local $o_w i64)
    (local $i i32)
    (local $v i32)
    (local $j0 i32)
    (local $o_w_1 i64)
    (local $v_1 i32)
    (local $o i64)
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
    local.tee $p
    local.get $a
    i32.store
    local.get $p
    local.get $b
    i32.store offset=4
    local.get $p
    local.get $c
    i32.store offset=8
    local.get $p
    local.get $d
    i32.store offset=12
    ;; insertion_sort.entry
    i64.const 1
    i64.const 4
    i64.mul
    local.set $o_w
    i32.const 1
    local.set $i
    ;; insertion_sort.outer
    loop $insertion_sort.outer
      ;; insertion_sort.take
      local.get $p
      local.get $o_w
      i64.add
      i32.load
      local.set $v
      local.get $i
      i32.const 1
      i32.sub
      local.tee $j0
      i64.extend_i32_s
      i64.const 4
      i64.mul
      local.set $o_w_1
      loop $insertion_sort.inner
        block $insertion_sort.place
          ;; insertion_sort.inner
          local.get $j0
          i32.const 0
          i32.lt_s
          br_if $insertion_sort.place
          ;; insertion_sort.compare
          local.get $p
          local.get $o_w_1
          i64.add
          i32.load
          local.tee $v_1
          local.get $v
          i32.le_s
          br_if $insertion_sort.place
          ;; insertion_sort.shift
          local.get $j0
          i32.const 1
          i32.add
          i32.const 4
          i32.mul
          i64.extend_i32_u
          local.set $o
          local.get $p
          local.get $o
          i64.add
          local.get $v_1
          i32.store
          local.get $j0
          i32.const 1
          i32.sub
          local.get $o_w_1
          i64.const 4
          i64.sub
          local.set $o_w_1
          local.set $j0
          br $insertion_sort.inner
        end
        ;; insertion_sort.place
        local.get $j0
        i32.const 1
        i32.add
        i32.const 4
        i32.mul
        i64.extend_i32_u
        local.set $o_w_1
        local.get $p
        local.get $o_w_1
        i64.add
        local.get $v
        i32.store
        local.get $i
        i32.const 1
        i32.add
        local.get $o_w
        i64.const 4
        i64.add
        local.set $o_w
        local.tee $i
        ;; insertion_sort.outer
        i32.const 4
        i32.lt_s
        br_if $insertion_sort.outer
      end
    end
    ;; entry.after
    local.get $p
    i32.load
    local.get $p
    i32.load offset=4
    local.get $p
    i32.load offset=8
    local.get $p
    i32.load offset=12
    local.get $frame
    i64.const 16
    i64.add
    global.set $__stack_pointer
    return
  )
)
(assert_return (invoke "sort_and_check" (i32.const 5) (i32.const 3) (i32.const 9) (i32.const 1)) (i32.const 1) (i32.const 3) (i32.const 5) (i32.const 9))
(assert_return (invoke "sort_and_check" (i32.const -1) (i32.const -1) (i32.const 0) (i32.const -7)) (i32.const -7) (i32.const -1) (i32.const -1) (i32.const 0))
