;; Generated from tests/cases/widen.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $widen
  (type $t0 (func (param i32 i32) (result i64)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x2010..0x102010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1056784))
  ;; the end of the data
  (global $__data_end i64 (i64.const 8208))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1056784))
  (export "rows" (func $rows))
  (export "uncapped" (func $uncapped))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @rows
  (func $rows (type $t0) (param $n0 i32) (param $r i32) (result i64)
    (local $n i32)
    (local $i i32)
    (local $in i32)
    (local $acc i64)
    (local $at2 i64)
    (local $limit i32)
    (local $k i32)
    ;; entry
    i32.const 32
    local.get $n0
    local.get $n0
    i32.const 32
    i32.gt_s
    select
    local.set $n
    ;; top
    i32.const 0
    i32.const 0
    local.set $in
    local.set $i
    block $fill_exit
      ;; fill
      local.get $i
      local.get $n
      i32.ge_s
      br_if $fill_exit
      loop $fill
        ;; fill_row
        local.get $in
        i64.extend_i32_s
        i64.const 8
        i64.mul
        i64.const 16
        i64.add
        local.set $at2
        local.get $n
        i32.const -2147483645
        i32.ge_s
        local.set $limit
        local.get $n
        i32.const 3
        i32.sub
        i32.const -2147483648
        local.get $limit
        select
        local.set $limit
        i32.const 0
        local.set $k
        block $fill_col_x4_exit
          ;; fill_col_x4
          local.get $k
          local.get $limit
          i32.ge_s
          br_if $fill_col_x4_exit
          loop $fill_col_x4
            ;; fill_col_u0
            ;; store_u0
            local.get $at2
            local.get $in
            local.get $k
            i32.add
            i64.extend_i32_s
            i64.store
            local.get $k
            i32.const 1
            i32.add
            local.get $at2
            i64.const 8
            i64.add
            local.set $at2
            local.set $k
            ;; fill_col_u1
            ;; store_u1
            local.get $at2
            local.get $in
            local.get $k
            i32.add
            i64.extend_i32_s
            i64.store
            local.get $k
            i32.const 1
            i32.add
            local.get $at2
            i64.const 8
            i64.add
            local.set $at2
            local.set $k
            ;; fill_col_u2
            ;; store_u2
            local.get $at2
            local.get $in
            local.get $k
            i32.add
            i64.extend_i32_s
            i64.store
            local.get $k
            i32.const 1
            i32.add
            local.get $at2
            i64.const 8
            i64.add
            local.set $at2
            local.set $k
            ;; fill_col
            ;; store
            local.get $at2
            local.get $in
            local.get $k
            i32.add
            i64.extend_i32_s
            i64.store
            local.get $k
            i32.const 1
            i32.add
            local.get $at2
            i64.const 8
            i64.add
            local.set $at2
            local.tee $k
            ;; fill_col_x4
            local.get $limit
            i32.lt_s
            br_if $fill_col_x4
          end
        end
        local.get $k
        local.set $limit
        block $fill_col_rest_exit
          ;; fill_col_rest
          local.get $limit
          local.get $n
          i32.ge_s
          br_if $fill_col_rest_exit
          loop $fill_col_rest
            ;; store_rest
            local.get $at2
            local.get $in
            local.get $limit
            i32.add
            i64.extend_i32_s
            i64.store
            local.get $limit
            i32.const 1
            i32.add
            local.get $at2
            i64.const 8
            i64.add
            local.set $at2
            local.tee $limit
            ;; fill_col_rest
            local.get $n
            i32.lt_s
            br_if $fill_col_rest
          end
        end
        ;; fill_next
        local.get $i
        i32.const 1
        i32.add
        local.get $in
        local.get $n
        i32.add
        local.set $in
        local.tee $i
        ;; fill
        local.get $n
        i32.lt_s
        br_if $fill
      end
    end
    block $done0
      ;; sum
      local.get $r
      i32.const 0
      i32.lt_s
      br_if $done0
      ;; sum_low
      local.get $r
      local.get $n
      i32.ge_s
      br_if $done0
      ;; sum_go
      i32.const 0
      i64.const 0
      local.get $r
      local.get $n
      i32.mul
      i64.extend_i32_s
      i64.const 8
      i64.mul
      i64.const 16
      i64.add
      local.set $at2
      local.set $acc
      local.set $i
      block $sum_col_exit
        ;; sum_col
        local.get $i
        local.get $n
        i32.ge_s
        br_if $sum_col_exit
        loop $sum_col
          ;; add
          local.get $acc
          local.get $at2
          i64.load
          i64.add
          local.set $acc
          local.get $i
          i32.const 1
          i32.add
          local.set $i
          local.get $at2
          i64.const 8
          i64.add
          local.set $at2
          ;; sum_col
          local.get $i
          local.get $n
          i32.lt_s
          br_if $sum_col
        end
      end
      ;; done
      local.get $acc
      return
    end
    ;; done0
    i64.const -1
    return
  )
  ;; fn @uncapped
  (func $uncapped (type $t0) (param $n i32) (param $r i32) (result i64)
    (local $rn i32)
    (local $c i32)
    (local $acc i64)
    ;; entry
    local.get $r
    local.get $n
    i32.mul
    local.set $rn
    i32.const 0
    i64.const 0
    local.set $acc
    local.set $c
    block $sum_col_exit
      ;; sum_col
      local.get $c
      local.get $n
      i32.ge_s
      br_if $sum_col_exit
      loop $sum_col
        ;; add
        local.get $acc
        local.get $rn
        local.get $c
        i32.add
        i64.extend_i32_s
        i64.const 2
        i64.mul
        i64.add
        local.set $acc
        local.get $c
        i32.const 1
        i32.add
        local.tee $c
        ;; sum_col
        local.get $n
        i32.lt_s
        br_if $sum_col
      end
    end
    ;; done
    local.get $acc
    return
  )
)
(assert_return (invoke "rows" (i32.const 4) (i32.const 1)) (i64.const 22))
(assert_return (invoke "rows" (i32.const 32) (i32.const 31)) (i64.const 32240))
(assert_return (invoke "rows" (i32.const 100) (i32.const 2)) (i64.const 2544))
(assert_return (invoke "rows" (i32.const 0) (i32.const 0)) (i64.const -1))
(assert_return (invoke "rows" (i32.const 8) (i32.const -1)) (i64.const -1))
(assert_return (invoke "uncapped" (i32.const 5) (i32.const 7)) (i64.const 370))
