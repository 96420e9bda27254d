;; Generated from tests/cases/strength.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $strength
  (type $t0 (func (param i32 i32) (result i32)))
  (type $t1 (func (param i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x650..0x100650, growing down
  (global $__stack_pointer (mut i32) (i32.const 1050192))
  ;; the end of the data
  (global $__data_end i32 (i32.const 1616))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1050192))
  (export "colsum" (func $colsum))
  (export "down" (func $down))
  (export "shifted" (func $shifted))
  (export "eight" (func $eight))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @colsum
  (func $colsum (type $t0) (param $n i32) (param $j i32) (result i32)
    (local $nn i32)
    (local $t i32)
    (local $at i32)
    (local $v i32)
    ;; entry
    local.get $n
    local.get $n
    i32.mul
    local.set $nn
    i32.const 0
    i32.const 16
    i32.const 0
    local.set $v
    local.set $at
    local.set $t
    block $fill_exit
      ;; fill
      local.get $t
      local.get $nn
      i32.ge_s
      br_if $fill_exit
      loop $fill
        ;; fill_body
        local.get $at
        local.get $v
        i32.store
        local.get $t
        i32.const 1
        i32.add
        local.get $at
        i32.const 4
        i32.add
        local.get $v
        i32.const 3
        i32.add
        local.set $v
        local.set $at
        local.tee $t
        ;; fill
        local.get $nn
        i32.lt_s
        br_if $fill
      end
    end
    ;; sum_start
    i32.const 0
    i32.const 0
    local.get $j
    local.set $v
    local.set $t
    local.set $nn
    block $col_exit
      ;; col
      local.get $nn
      local.get $n
      i32.ge_s
      br_if $col_exit
      loop $col
        ;; col_body
        local.get $t
        i32.const 16
        local.get $v
        i32.const 4
        i32.mul
        i32.add
        i32.load
        i32.add
        local.set $t
        local.get $nn
        i32.const 1
        i32.add
        local.set $nn
        local.get $v
        local.get $n
        i32.add
        local.set $v
        ;; col
        local.get $nn
        local.get $n
        i32.lt_s
        br_if $col
      end
    end
    ;; done
    local.get $t
    return
  )
  ;; fn @down
  (func $down (type $t0) (param $n i32) (param $m i32) (result i32)
    (local $q_sr i32)
    (local $q_sr_1 i32)
    (local $acc i32)
    (local $q i32)
    ;; entry
    local.get $n
    local.get $m
    i32.mul
    i32.const 7
    i32.add
    local.set $q_sr
    i32.const -2
    local.get $m
    i32.mul
    local.set $q_sr_1
    local.get $n
    i32.const 0
    local.get $q_sr
    local.set $q
    local.set $acc
    local.set $q_sr
    block $loop_exit
      ;; loop
      local.get $q_sr
      i32.const 0
      i32.le_s
      br_if $loop_exit
      loop $loop
        ;; body
        local.get $acc
        local.get $q
        i32.add
        local.set $acc
        local.get $q_sr
        i32.const -2
        i32.add
        local.set $q_sr
        local.get $q
        local.get $q_sr_1
        i32.add
        local.set $q
        ;; loop
        local.get $q_sr
        i32.const 0
        i32.gt_s
        br_if $loop
      end
    end
    ;; out
    local.get $acc
    return
  )
  ;; fn @shifted
  (func $shifted (type $t0) (param $n i32) (param $x i32) (result i32)
    (local $i i32)
    (local $acc i32)
    (local $q i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.get $x
    local.set $q
    local.set $acc
    local.set $i
    block $loop_exit
      ;; loop
      local.get $i
      local.get $n
      i32.ge_s
      br_if $loop_exit
      loop $loop
        ;; body
        local.get $acc
        local.get $q
        i32.add
        local.set $acc
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        local.get $q
        i32.const 4
        i32.add
        local.set $q
        ;; loop
        local.get $i
        local.get $n
        i32.lt_s
        br_if $loop
      end
    end
    ;; out
    local.get $acc
    return
  )
  ;; fn @eight
  (func $eight (type $t1) (param $n i32) (result i32)
    (local $i i32)
    (local $acc i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $acc
    local.set $i
    block $loop_exit
      ;; loop
      local.get $i
      local.get $n
      i32.ge_s
      br_if $loop_exit
      loop $loop
        ;; body
        local.get $acc
        local.get $i
        i32.const 8
        i32.mul
        i32.xor
        local.set $acc
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        ;; loop
        local.get $n
        i32.lt_s
        br_if $loop
      end
    end
    ;; out
    local.get $acc
    return
  )
)
(assert_return (invoke "colsum" (i32.const 4) (i32.const 1)) (i32.const 84))
(assert_return (invoke "colsum" (i32.const 20) (i32.const 19)) (i32.const 12540))
(assert_return (invoke "colsum" (i32.const 0) (i32.const 0)) (i32.const 0))
(assert_return (invoke "down" (i32.const 9) (i32.const 5)) (i32.const 160))
(assert_return (invoke "down" (i32.const 10) (i32.const -2147483648)) (i32.const 35))
(assert_return (invoke "shifted" (i32.const 5) (i32.const 100)) (i32.const 540))
(assert_return (invoke "eight" (i32.const 6)) (i32.const 8))
