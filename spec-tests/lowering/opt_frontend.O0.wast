;; Generated from tests/cases/opt_frontend.vir by tests/golden.rs (wasm64, -O0): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $opt_frontend
  (type $t0 (func (param i32 i32) (result i32)))
  (type $t1 (func (param i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x30..0x100030, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048624))
  ;; the end of the data
  (global $__data_end i64 (i64.const 48))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048624))
  (export "dot" (func $dot))
  (export "sum_pairs" (func $sum_pairs))
  (export "safe_div" (func $safe_div))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @dot
  (func $dot (type $t0) (param $x i32) (param $y i32) (result i32)
    (local $p i64)
    (local $off_x i64)
    (local $px i64)
    (local $x1 i32)
    (local $off_y i64)
    (local $py i64)
    (local $y1 i32)
    (local $px2 i64)
    (local $a i32)
    (local $px3 i64)
    (local $b i32)
    (local $xx i32)
    (local $py2 i64)
    (local $c i32)
    (local $py3 i64)
    (local $d i32)
    (local $yy i32)
    (local $r i32)
    (local $x_1 i32)
    (local $y_1 i32)
    (local $frame i64)
    ;; allocate a 16-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i64.const 64
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
    local.get $x
    local.set $x_1
    local.get $y
    local.set $y_1
    local.get $frame
    local.set $p
    i64.const 0
    local.set $off_x
    local.get $p
    local.get $off_x
    i64.add
    local.set $px
    local.get $x_1
    local.set $x1
    local.get $px
    local.get $x1
    i32.store
    i64.const 4
    local.set $off_y
    local.get $p
    local.get $off_y
    i64.add
    local.set $py
    local.get $y_1
    local.set $y1
    local.get $py
    local.get $y1
    i32.store
    local.get $p
    local.get $off_x
    i64.add
    local.set $px2
    local.get $px2
    i32.load
    local.set $a
    local.get $p
    local.get $off_x
    i64.add
    local.set $px3
    local.get $px3
    i32.load
    local.set $b
    local.get $a
    local.get $b
    i32.mul
    local.set $xx
    local.get $p
    local.get $off_y
    i64.add
    local.set $py2
    local.get $py2
    i32.load
    local.set $c
    local.get $p
    local.get $off_y
    i64.add
    local.set $py3
    local.get $py3
    i32.load
    local.set $d
    local.get $c
    local.get $d
    i32.mul
    local.set $yy
    local.get $xx
    local.get $yy
    i32.add
    local.set $r
    local.get $r
    local.get $frame
    i64.const 16
    i64.add
    global.set $__stack_pointer
    return
  )
  ;; fn @sum_pairs
  (func $sum_pairs (type $t1) (param $n i32) (result i32)
    (local $zero i32)
    (local $i i32)
    (local $n1 i32)
    (local $lt i32)
    (local $r i32)
    (local $base i64)
    (local $i2 i32)
    (local $iw i64)
    (local $eight i64)
    (local $off i64)
    (local $elem i64)
    (local $fx i64)
    (local $ax i64)
    (local $fy i64)
    (local $ay i64)
    (local $y i32)
    (local $ax2 i64)
    (local $x2 i32)
    (local $xy i32)
    (local $acc i32)
    (local $acc2 i32)
    (local $one i32)
    (local $i3 i32)
    (local $n_1 i32)
    (local $i_1 i32)
    (local $acc_1 i32)
    ;; entry
    local.get $n
    local.set $n_1
    i32.const 0
    local.set $zero
    local.get $zero
    local.set $i_1
    local.get $zero
    local.set $acc_1
    loop $head
      ;; head
      local.get $i_1
      local.set $i
      local.get $n_1
      local.set $n1
      local.get $i
      local.get $n1
      i32.lt_s
      local.set $lt
      local.get $lt
      if
        ;; body
        i64.const 16
        local.set $base
        local.get $i_1
        local.set $i2
        local.get $i2
        i64.extend_i32_u
        local.set $iw
        i64.const 8
        local.set $eight
        local.get $iw
        local.get $eight
        i64.mul
        local.set $off
        local.get $base
        local.get $off
        i64.add
        local.set $elem
        i64.const 0
        local.set $fx
        local.get $elem
        local.get $fx
        i64.add
        local.set $ax
        local.get $ax
        i32.load
        drop
        i64.const 4
        local.set $fy
        local.get $elem
        local.get $fy
        i64.add
        local.set $ay
        local.get $ay
        i32.load
        local.set $y
        local.get $elem
        local.get $fx
        i64.add
        local.set $ax2
        local.get $ax2
        i32.load
        local.set $x2
        local.get $x2
        local.get $y
        i32.mul
        local.set $xy
        local.get $acc_1
        local.set $acc
        local.get $acc
        local.get $xy
        i32.add
        local.set $acc2
        local.get $acc2
        local.set $acc_1
        i32.const 1
        local.set $one
        local.get $i2
        local.get $one
        i32.add
        local.set $i3
        local.get $i3
        local.set $i_1
        br $head
      end
      ;; exit
      local.get $acc_1
      local.set $r
      local.get $r
      return
    end
    unreachable
  )
  ;; fn @div
  (func $div (type $t0) (param $a i32) (param $b i32) (result i32)
    (local $b1 i32)
    (local $m1 i32)
    (local $is_m1 i32)
    (local $a2 i32)
    (local $b2 i32)
    (local $q i32)
    (local $a1 i32)
    (local $z i32)
    (local $n i32)
    (local $a_1 i32)
    (local $b_1 i32)
    ;; entry
    local.get $a
    local.set $a_1
    local.get $b
    local.set $b_1
    local.get $b_1
    local.set $b1
    i32.const -1
    local.set $m1
    local.get $b1
    local.get $m1
    i32.eq
    local.set $is_m1
    local.get $is_m1
    if
      ;; negate
      local.get $a_1
      local.set $a1
      i32.const 0
      local.set $z
      local.get $z
      local.get $a1
      i32.sub
      local.set $n
      local.get $n
      return
    end
    ;; divide
    local.get $a_1
    local.set $a2
    local.get $b_1
    local.set $b2
    local.get $a2
    local.get $b2
    i32.div_s
    local.set $q
    local.get $q
    return
  )
  ;; fn @safe_div
  (func $safe_div (type $t0) (param $a i32) (param $b i32) (result i32)
    (local $q i32)
    ;; entry
    local.get $a
    local.get $b
    call $div
    local.set $q
    local.get $q
    return
  )
  ;; data @pairs
  (data $pairs (memory $memory) (i64.const 16) "\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00\05\00\00\00\06\00\00\00\07\00\00\00\08\00\00\00")
)
(assert_return (invoke "dot" (i32.const 3) (i32.const 4)) (i32.const 25))
(assert_return (invoke "dot" (i32.const -2) (i32.const 0)) (i32.const 4))
(assert_return (invoke "sum_pairs" (i32.const 0)) (i32.const 0))
(assert_return (invoke "sum_pairs" (i32.const 3)) (i32.const 44))
(assert_return (invoke "safe_div" (i32.const 7) (i32.const 2)) (i32.const 3))
(assert_return (invoke "safe_div" (i32.const 7) (i32.const -1)) (i32.const -7))
(assert_trap (invoke "safe_div" (i32.const 7) (i32.const 0)) "integer divide by zero")
