;; Generated from tests/cases/switch.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $switch
  (type $t0 (func (param i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "days_in_month" (func $days_in_month))
  (export "classify" (func $classify))
  (export "interpret" (func $interpret))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @days_in_month
  (func $days_in_month (type $t0) (param $m i32) (result i32)
    block $bad
      block $long
        block $short
          ;; entry
          block $feb
            local.get $m
            br_table $bad $long $feb $long $short $long $short $long $long $short $long $short $long $bad
          end
          ;; feb
          i32.const 28
          return
        end
        ;; short
        i32.const 30
        return
      end
      ;; long
      i32.const 31
      return
    end
    ;; bad
    i32.const -1
    return
  )
  ;; fn @classify
  (func $classify (type $t0) (param $x i32) (result i32)
    (local $v i32)
    block $add
      ;; entry
      block $add_case_3
        block $add_case_2
          block $add_case_1
            block $add_case
              block $zero
                local.get $x
                br_table $zero $add_case $add_case_1 $add_case_2 $add_case_3
              end
              ;; zero
              i32.const 100
              return
            end
            i32.const 11
            local.set $v
            br $add
          end
          i32.const 12
          local.set $v
          br $add
        end
        i32.const 10
        local.set $v
        br $add
      end
      i32.const 7
      local.set $v
    end
    ;; add
    local.get $v
    return
  )
  ;; fn @interpret
  (func $interpret (type $t0) (param $n i32) (result i32)
    (local $pc i32)
    (local $acc i32)
    (local $op i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $acc
    local.set $pc
    loop $dispatch
      block $exit
        ;; dispatch
        local.get $pc
        local.get $n
        i32.ge_s
        br_if $exit
        block $advance
          ;; fetch
          local.get $pc
          i32.const 3
          i32.rem_u
          local.set $op
          block $op_sub
            block $op_mul
              block $op_add
                local.get $op
                br_table $op_add $op_mul $op_sub $exit
              end
              ;; op_add
              local.get $acc
              i32.const 5
              i32.add
              local.set $acc
              br $advance
            end
            ;; op_mul
            local.get $acc
            i32.const 7
            i32.mul
            local.set $acc
            br $advance
          end
          ;; op_sub
          local.get $acc
          i32.const 2
          i32.sub
          local.set $acc
        end
        ;; advance
        local.get $pc
        i32.const 1
        i32.add
        local.set $pc
        br $dispatch
      end
      ;; exit
      local.get $acc
      return
    end
    unreachable
  )
)
(assert_return (invoke "days_in_month" (i32.const 1)) (i32.const 31))
(assert_return (invoke "days_in_month" (i32.const 2)) (i32.const 28))
(assert_return (invoke "days_in_month" (i32.const 4)) (i32.const 30))
(assert_return (invoke "days_in_month" (i32.const 12)) (i32.const 31))
(assert_return (invoke "days_in_month" (i32.const 13)) (i32.const -1))
(assert_return (invoke "days_in_month" (i32.const -1)) (i32.const -1))
(assert_return (invoke "classify" (i32.const 0)) (i32.const 100))
(assert_return (invoke "classify" (i32.const 1)) (i32.const 11))
(assert_return (invoke "classify" (i32.const 2)) (i32.const 12))
(assert_return (invoke "classify" (i32.const 3)) (i32.const 10))
(assert_return (invoke "classify" (i32.const 9)) (i32.const 7))
(assert_return (invoke "interpret" (i32.const 3)) (i32.const 33))
