;; Generated from tests/link/three_modules by tests/link.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test link` rewrites it.
(module $linked
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (result i32)))
  (type $t2 (func (result i64)))
  (type $t3 (func (param i64 i32) (result i32)))
  (type $t4 (func (param i64 i64 i64 i32)))
  (type $t5 (func (param i32 i32) (result i32)))
  (type $t6 (func))
  (table $table i64 3 3 funcref)
  (memory $memory i64 17 16384)
  (global $third_ptr i64 (i64.const 40))
  (global $calls (mut i64) (i64.const 0))
  ;; shadow stack: 0x50..0x100050, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048656))
  ;; the end of the data
  (global $__data_end i64 (i64.const 80))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048656))
  (export "square" (func $square))
  (export "negate" (func $negate))
  (export "total" (func $total))
  (export "total_squares" (func $total_squares))
  (export "third" (func $third))
  (export "view_sum" (func $view_sum))
  (export "map_negate" (func $map_negate))
  (export "same_pointer" (func $same_pointer))
  (export "bump" (func $bump))
  (export "main" (func $main))
  (export "sum" (func $sum))
  (export "sum_squares" (func $sum_squares))
  (export "map" (func $map))
  (export "apply_op" (func $apply_op))
  (export "calls_seen" (func $calls_seen))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  (elem $functions (table $table) (i64.const 1) func $square $negate)
  ;; fn @square
  (func $square (type $t0) (param $x i32) (result i32)
    ;; entry
    local.get $x
    local.get $x
    i32.mul
    return
  )
  ;; fn @negate
  (func $negate (type $t0) (param $x i32) (result i32)
    ;; entry
    i32.const 0
    local.get $x
    i32.sub
    return
  )
  ;; fn @total
  (func $total (type $t1) (result i32)
    (local $addr_sr i64)
    (local $v i32)
    (local $v_1 i32)
    ;; entry
    ;; sum.entry
    i64.const 32
    local.tee $addr_sr
    ;; sum.body_u0
    i32.load
    local.set $v
    ;; sum.body_u1
    local.get $addr_sr
    i32.load offset=4
    local.set $v_1
    local.get $v
    local.get $v_1
    i32.add
    local.set $v
    ;; sum.body_u2
    local.get $addr_sr
    i32.load offset=8
    local.set $v_1
    local.get $v
    local.get $v_1
    i32.add
    local.tee $v
    ;; sum.body
    local.get $addr_sr
    i32.load offset=12
    i32.add
    local.tee $v
    ;; entry.after
    return
  )
  ;; fn @total_squares
  (func $total_squares (type $t1) (result i32)
    (local $addr_sr i64)
    (local $v i32)
    (local $v_1 i32)
    ;; entry
    ;; sum_squares.entry
    i64.const 32
    local.tee $addr_sr
    ;; sum_squares.body_u0
    i32.load
    local.tee $v
    local.get $v
    i32.mul
    local.set $v
    ;; sum_squares.body_u1
    local.get $addr_sr
    i32.load offset=4
    local.tee $v_1
    local.get $v_1
    i32.mul
    local.set $v_1
    local.get $v
    local.get $v_1
    i32.add
    local.set $v
    ;; sum_squares.body_u2
    local.get $addr_sr
    i32.load offset=8
    local.tee $v_1
    local.get $v_1
    i32.mul
    local.set $v_1
    local.get $v
    local.get $v_1
    i32.add
    local.set $v
    ;; sum_squares.body
    local.get $addr_sr
    i32.load offset=12
    local.set $v_1
    local.get $v
    local.get $v_1
    local.get $v_1
    i32.mul
    i32.add
    local.tee $v
    ;; entry.after
    return
  )
  ;; fn @third
  (func $third (type $t1) (result i32)
    ;; entry
    global.get $third_ptr
    i32.load
    return
  )
  ;; fn @view_sum
  (func $view_sum (type $t1) (result i32)
    (local $view i64)
    (local $n i32)
    (local $i i32)
    (local $acc i32)
    ;; entry
    i64.const 64
    local.tee $view
    i32.load
    local.set $n
    local.get $view
    i64.load offset=8
    local.set $view
    ;; sum.entry
    i32.const 0
    i32.const 0
    local.set $acc
    local.set $i
    block $sum.loop_exit
      ;; sum.loop
      local.get $i
      local.get $n
      i32.ge_s
      br_if $sum.loop_exit
      loop $sum.loop
        ;; sum.body
        local.get $acc
        local.get $view
        i32.load
        i32.add
        local.set $acc
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        local.get $view
        i64.const 4
        i64.add
        local.set $view
        ;; sum.loop
        local.get $i
        local.get $n
        i32.lt_s
        br_if $sum.loop
      end
    end
    ;; entry.after
    local.get $acc
    return
  )
  ;; fn @map_negate
  (func $map_negate (type $t1) (result i32)
    (local $addr_sr i64)
    (local $v i32)
    (local $v_1 i32)
    ;; entry
    i64.const 2
    i64.const 32
    i64.const 16
    i32.const 4
    call $map
    ;; sum.entry
    i64.const 16
    local.tee $addr_sr
    ;; sum.body_u0
    i32.load
    local.set $v
    ;; sum.body_u1
    local.get $addr_sr
    i32.load offset=4
    local.set $v_1
    local.get $v
    local.get $v_1
    i32.add
    local.set $v
    ;; sum.body_u2
    local.get $addr_sr
    i32.load offset=8
    local.set $v_1
    local.get $v
    local.get $v_1
    i32.add
    local.tee $v
    ;; sum.body
    local.get $addr_sr
    i32.load offset=12
    i32.add
    local.tee $v
    ;; entry.after
    return
  )
  ;; fn @same_pointer
  (func $same_pointer (type $t1) (result i32)
    ;; entry
    i64.const 2
    i64.const 56
    i64.load
    i64.eq
    return
  )
  ;; fn @bump
  (func $bump (type $t2) (result i64)
    (local $c1 i64)
    ;; entry
    global.get $calls
    i64.const 1
    i64.add
    local.tee $c1
    global.set $calls
    local.get $c1
    return
  )
  ;; fn @main
  (func $main (type $t1) (result i32)
    (local $a i32)
    (local $b i32)
    (local $c i32)
    ;; entry
    call $total
    local.set $a
    call $total_squares
    local.set $b
    i32.const 0
    global.get $third_ptr
    i32.load
    call $apply_op
    local.set $c
    local.get $a
    local.get $b
    i32.add
    local.get $c
    i32.add
    return
  )
  ;; fn @sum
  (func $sum (type $t3) (param $p i64) (param $n i32) (result i32)
    (local $i i32)
    (local $acc i32)
    (local $addr i64)
    ;; entry
    i32.const 0
    i32.const 0
    local.get $p
    local.set $addr
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
        local.get $addr
        i32.load
        i32.add
        local.set $acc
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        local.get $addr
        i64.const 4
        i64.add
        local.set $addr
        ;; loop
        local.get $i
        local.get $n
        i32.lt_s
        br_if $loop
      end
    end
    ;; exit
    local.get $acc
    return
  )
  ;; fn @sum_squares
  (func $sum_squares (type $t3) (param $p i64) (param $n i32) (result i32)
    (local $i i32)
    (local $acc i32)
    (local $addr i64)
    (local $v i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.get $p
    local.set $addr
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
        local.get $addr
        i32.load
        local.set $v
        local.get $acc
        local.get $v
        local.get $v
        i32.mul
        i32.add
        local.set $acc
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        local.get $addr
        i64.const 4
        i64.add
        local.set $addr
        ;; loop
        local.get $i
        local.get $n
        i32.lt_s
        br_if $loop
      end
    end
    ;; exit
    local.get $acc
    return
  )
  ;; fn @map
  (func $map (type $t4) (param $f i64) (param $src i64) (param $dst i64) (param $n i32)
    (local $i i32)
    (local $wide_w i64)
    (local $offset i64)
    (local $from i64)
    ;; entry
    i32.const 0
    i64.const 0
    local.set $wide_w
    local.set $i
    block $loop_exit
      ;; loop
      local.get $i
      local.get $n
      i32.ge_s
      br_if $loop_exit
      loop $loop
        ;; body
        local.get $wide_w
        i64.const 4
        i64.mul
        local.set $offset
        local.get $src
        local.get $offset
        i64.add
        local.set $from
        local.get $dst
        local.get $offset
        i64.add
        local.get $from
        i32.load
        local.get $f
        call_indirect $table (type $t0) (param i32) (result i32)
        i32.store
        global.get $calls
        i64.const 1
        i64.add
        global.set $calls
        local.get $i
        i32.const 1
        i32.add
        local.get $wide_w
        i64.const 1
        i64.add
        local.set $wide_w
        local.tee $i
        ;; loop
        local.get $n
        i32.lt_s
        br_if $loop
      end
    end
    ;; exit
    return
  )
  ;; fn @apply_op
  (func $apply_op (type $t5) (param $op i32) (param $x i32) (result i32)
    ;; entry
    local.get $x
    i64.const 56
    i64.const 48
    local.get $op
    select
    i64.load
    call_indirect $table (type $t0) (param i32) (result i32)
    return
  )
  ;; fn @calls_seen
  (func $calls_seen (type $t2) (result i64)
    ;; entry
    global.get $calls
    return
  )
  ;; data @numbers
  (data $numbers (memory $memory) (i64.const 32) "\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00")
  ;; data @op_square
  (data $op_square (memory $memory) (i64.const 48) "\01\00\00\00\00\00\00\00")
  ;; data @op_negate
  (data $op_negate (memory $memory) (i64.const 56) "\02\00\00\00\00\00\00\00")
  ;; data @view
  (data $view (memory $memory) (i64.const 64) "\03\00\00\00\00\00\00\00$\00\00\00\00\00\00\00")
)
(assert_return (invoke "total") (i32.const 10))
(assert_return (invoke "total_squares") (i32.const 30))
(assert_return (invoke "third") (i32.const 3))
(assert_return (invoke "view_sum") (i32.const 9))
(assert_return (invoke "map_negate") (i32.const -10))
(assert_return (invoke "apply_op" (i32.const 0) (i32.const 7)) (i32.const 49))
(assert_return (invoke "apply_op" (i32.const 1) (i32.const 7)) (i32.const -7))
(assert_return (invoke "same_pointer") (i32.const 1))
(assert_return (invoke "bump") (i64.const 5))
(assert_return (invoke "calls_seen") (i64.const 5))
(assert_return (invoke "main") (i32.const 49))
