;; Generated from tests/cases/licm.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $licm
  (type $t0 (func (param i32 i32 i32 i64) (result i64)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "rows" (func $rows))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @rows
  (func $rows (type $t0) (param $m i32) (param $n i32) (param $rows i32) (param $d i64) (result i64)
    (local $i i32)
    (local $acc i64)
    (local $nw i64)
    (local $stride i32)
    (local $row_sr i32)
    (local $j i32)
    (local $jw i64)
    (local $at i32)
    ;; entry
    local.get $n
    i32.const 0
    i32.lt_s
    if
      ;; neg
      i32.const 0
      i64.const 1
      local.set $acc
      local.set $i
    else
      ;; pos
      i32.const 0
      i64.const 0
      local.set $acc
      local.set $i
    end
    ;; outer_pre
    local.get $n
    i64.extend_i32_s
    local.set $nw
    local.get $n
    i32.const 8
    i32.mul
    local.set $stride
    local.get $i
    local.get $stride
    i32.mul
    local.get $m
    i32.add
    local.set $row_sr
    block $outer_exit
      ;; outer
      local.get $i
      local.get $rows
      i32.ge_s
      br_if $outer_exit
      loop $outer
        ;; obody
        i32.const 0
        local.set $j
        block $inner_exit
          ;; inner
          local.get $j
          i64.extend_i32_s
          local.tee $jw
          local.get $nw
          i64.ge_s
          br_if $inner_exit
          loop $inner
            ;; ibody
            local.get $row_sr
            local.get $j
            i32.const 8
            i32.mul
            i32.add
            local.set $at
            local.get $acc
            local.get $at
            i64.load
            local.get $d
            i64.div_s
            i64.add
            local.get $jw
            i64.add
            local.set $acc
            local.get $at
            local.get $acc
            i64.store
            local.get $j
            i32.const 1
            i32.add
            local.tee $j
            ;; inner
            i64.extend_i32_s
            local.tee $jw
            local.get $nw
            i64.lt_s
            br_if $inner
          end
        end
        ;; onext
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        local.get $row_sr
        local.get $stride
        i32.add
        local.set $row_sr
        ;; outer
        local.get $i
        local.get $rows
        i32.lt_s
        br_if $outer
      end
    end
    ;; done
    local.get $acc
    return
  )
)
(assert_return (invoke "rows" (i32.const 0) (i32.const 3) (i32.const 4) (i64.const 1)) (i64.const 12))
(assert_return (invoke "rows" (i32.const 1024) (i32.const 3) (i32.const 4) (i64.const 1)) (i64.const 12))
(assert_return (invoke "rows" (i32.const 1024) (i32.const 0) (i32.const 4) (i64.const 1)) (i64.const 0))
(assert_return (invoke "rows" (i32.const 1024) (i32.const -1) (i32.const 4) (i64.const 1)) (i64.const 1))
(assert_trap (invoke "rows" (i32.const 1024) (i32.const 3) (i32.const 4) (i64.const 0)) "integer divide by zero")
