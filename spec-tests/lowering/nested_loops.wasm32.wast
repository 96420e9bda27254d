;; Generated from tests/cases/nested_loops.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $nested_loops
  (type $t0 (func (param i64) (result i64)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "sum_products" (func $sum_products))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @sum_products
  (func $sum_products (type $t0) (param $n i64) (result i64)
    (local $i i64)
    (local $acc i64)
    (local $limit i32)
    (local $limit_1 i64)
    (local $acc2 i64)
    (local $p i64)
    ;; entry
    i64.const 0
    i64.const 0
    local.set $acc
    local.set $i
    block $outer_exit
      ;; outer
      local.get $i
      local.get $n
      i64.ge_s
      br_if $outer_exit
      loop $outer
        ;; inner_start
        local.get $n
        i64.const -9223372036854775805
        i64.ge_s
        local.set $limit
        local.get $n
        i64.const 3
        i64.sub
        i64.const -9223372036854775808
        local.get $limit
        select
        local.set $limit_1
        i64.const 0
        local.get $acc
        i64.const 0
        local.set $p
        local.set $acc2
        local.set $acc
        block $inner_x4_exit
          ;; inner_x4
          local.get $acc
          local.get $limit_1
          i64.ge_s
          br_if $inner_x4_exit
          loop $inner_x4
            ;; inner_u0
            ;; inner_body_u0
            local.get $acc2
            local.get $p
            i64.add
            local.set $acc2
            local.get $acc
            i64.const 1
            i64.add
            local.set $acc
            local.get $p
            local.get $i
            i64.add
            local.set $p
            ;; inner_u1
            ;; inner_body_u1
            local.get $acc2
            local.get $p
            i64.add
            local.set $acc2
            local.get $acc
            i64.const 1
            i64.add
            local.set $acc
            local.get $p
            local.get $i
            i64.add
            local.set $p
            ;; inner_u2
            ;; inner_body_u2
            local.get $acc2
            local.get $p
            i64.add
            local.set $acc2
            local.get $acc
            i64.const 1
            i64.add
            local.set $acc
            local.get $p
            local.get $i
            i64.add
            local.set $p
            ;; inner
            ;; inner_body
            local.get $acc2
            local.get $p
            i64.add
            local.set $acc2
            local.get $acc
            i64.const 1
            i64.add
            local.set $acc
            local.get $p
            local.get $i
            i64.add
            local.set $p
            ;; inner_x4
            local.get $acc
            local.get $limit_1
            i64.lt_s
            br_if $inner_x4
          end
        end
        local.get $acc2
        local.get $p
        local.set $acc2
        local.set $limit_1
        block $inner_rest_exit
          ;; inner_rest
          local.get $acc
          local.get $n
          i64.ge_s
          br_if $inner_rest_exit
          loop $inner_rest
            ;; inner_body_rest
            local.get $limit_1
            local.get $acc2
            i64.add
            local.set $limit_1
            local.get $acc
            i64.const 1
            i64.add
            local.set $acc
            local.get $acc2
            local.get $i
            i64.add
            local.set $acc2
            ;; inner_rest
            local.get $acc
            local.get $n
            i64.lt_s
            br_if $inner_rest
          end
        end
        ;; inner_done
        local.get $i
        i64.const 1
        i64.add
        local.get $limit_1
        local.set $acc
        local.tee $i
        ;; outer
        local.get $n
        i64.lt_s
        br_if $outer
      end
    end
    ;; done
    local.get $acc
    return
  )
)
(assert_return (invoke "sum_products" (i64.const 0)) (i64.const 0))
(assert_return (invoke "sum_products" (i64.const 4)) (i64.const 36))
(assert_return (invoke "sum_products" (i64.const 100)) (i64.const 24502500))
