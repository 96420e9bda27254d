;; Generated from tests/cases/opt_frontend.vir by tests/golden.rs (wasm64, -O2 no-promote-vars): do not edit.
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
    (local $x_1 i32)
    (local $y_1 i32)
    (local $p.0 i32)
    (local $p.4 i32)
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
    local.get $x_1
    local.set $p.0
    local.get $y_1
    local.set $p.4
    local.get $p.0
    local.get $p.0
    i32.mul
    local.get $p.4
    local.get $p.4
    i32.mul
    i32.add
    local.get $frame
    i64.const 16
    i64.add
    global.set $__stack_pointer
    return
  )
  ;; fn @sum_pairs
  (func $sum_pairs (type $t1) (param $n i32) (result i32)
    (local $i2 i32)
    (local $elem i64)
    (local $xy i32)
    (local $n_1 i32)
    (local $i i32)
    (local $acc i32)
    ;; entry
    local.get $n
    local.set $n_1
    i32.const 0
    local.set $i
    i32.const 0
    local.set $acc
    block $head_exit
      ;; head
      local.get $i
      local.get $n_1
      i32.ge_s
      br_if $head_exit
      loop $head
        ;; body
        local.get $i
        local.set $i2
        i64.const 16
        local.get $i2
        i64.extend_i32_u
        i64.const 8
        i64.mul
        i64.add
        local.tee $elem
        i32.load
        local.get $elem
        i32.load offset=4
        i32.mul
        local.set $xy
        local.get $acc
        local.get $xy
        i32.add
        local.set $acc
        local.get $i2
        i32.const 1
        i32.add
        local.tee $i
        ;; head
        local.get $n_1
        i32.lt_s
        br_if $head
      end
    end
    ;; exit
    local.get $acc
    return
  )
  ;; fn @safe_div
  (func $safe_div (type $t0) (param $a i32) (param $b i32) (result i32)
    (local $q i32)
    (local $a_1 i32)
    (local $b_1 i32)
    ;; entry
    i32.const 0
    local.set $a_1
    i32.const 0
    local.set $b_1
    ;; div.entry
    local.get $a
    local.set $a_1
    local.get $b
    local.tee $b_1
    i32.const -1
    i32.eq
    if
      ;; div.negate
      i32.const 0
      local.get $a_1
      i32.sub
      local.set $q
    else
      ;; div.divide
      local.get $a_1
      local.get $b_1
      i32.div_s
      local.set $q
    end
    ;; entry.after
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
