;; Generated from tests/cases/early_return.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $early_return
  (type $t0 (func (param i32 i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "find_first_multiple" (func $find_first_multiple))
  (export "gcd" (func $gcd))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @find_first_multiple
  (func $find_first_multiple (type $t0) (param $k i32) (param $limit i32) (result i32)
    (local $i i32)
    block $none
      ;; entry
      local.get $k
      i32.eqz
      br_if $none
      i32.const 1
      local.tee $i
      ;; loop
      local.get $limit
      i32.gt_s
      br_if $none
      loop $loop
        ;; check
        local.get $i
        local.get $k
        i32.rem_u
        i32.eqz
        if
          ;; found
          local.get $i
          return
        end
        ;; next
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        ;; loop
        local.get $limit
        i32.le_s
        br_if $loop
      end
    end
    ;; none
    i32.const -1
    return
  )
  ;; fn @gcd
  (func $gcd (type $t0) (param $a i32) (param $b i32) (result i32)
    (local $x i32)
    (local $y i32)
    ;; entry
    local.get $a
    local.get $b
    local.set $y
    local.set $x
    block $loop_exit
      ;; loop
      local.get $y
      i32.eqz
      br_if $loop_exit
      loop $loop
        ;; step
        local.get $x
        local.get $y
        i32.rem_u
        local.set $x
        local.get $y
        local.get $x
        local.set $y
        local.set $x
        ;; loop
        local.get $y
        br_if $loop
      end
    end
    ;; done
    local.get $x
    return
  )
)
(assert_return (invoke "find_first_multiple" (i32.const 7) (i32.const 50)) (i32.const 7))
(assert_return (invoke "find_first_multiple" (i32.const 0) (i32.const 50)) (i32.const -1))
(assert_return (invoke "find_first_multiple" (i32.const 60) (i32.const 50)) (i32.const -1))
(assert_return (invoke "gcd" (i32.const 48) (i32.const 18)) (i32.const 6))
(assert_return (invoke "gcd" (i32.const 17) (i32.const 0)) (i32.const 17))
