;; Generated from tests/cases/tailrec.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $tailrec
  (type $t0 (func (param i32) (result i64)))
  (type $t1 (func (param i64 i64) (result i64)))
  (type $t2 (func (param i32 i32) (result i32)))
  (type $t3 (func (param i32 i64) (result i32 i64)))
  (type $t4 (func (param i32) (result f64)))
  (type $t5 (func (param i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x30..0x100030, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048624))
  ;; the end of the data
  (global $__data_end i32 (i32.const 48))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048624))
  (export "fib" (func $fib))
  (export "gcd" (func $gcd))
  (export "prod" (func $prod))
  (export "quot" (func $quot))
  (export "pair" (func $pair))
  (export "fsum" (func $fsum))
  (export "twice" (func $twice))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @fib
  (func $fib (type $t0) (param $n i32) (result i64)
    (local $n_loop i32)
    (local $acc i64)
    (local $a i64)
    ;; entry
    local.get $n
    i64.const 0
    local.set $acc
    local.set $n_loop
    block $entry_tail_exit
      ;; entry_tail
      local.get $n_loop
      i32.const 2
      i32.lt_s
      br_if $entry_tail_exit
      loop $entry_tail
        ;; rec
        local.get $n_loop
        i32.const 1
        i32.sub
        call $fib
        local.set $a
        local.get $n_loop
        i32.const 2
        i32.sub
        local.get $acc
        local.get $a
        i64.add
        local.set $acc
        local.tee $n_loop
        ;; entry_tail
        i32.const 2
        i32.ge_s
        br_if $entry_tail
      end
    end
    ;; base
    local.get $acc
    local.get $n_loop
    i64.extend_i32_s
    i64.add
    return
  )
  ;; fn @gcd
  (func $gcd (type $t1) (param $a i64) (param $b i64) (result i64)
    (local $a_loop i64)
    (local $b_loop i64)
    ;; entry
    local.get $a
    local.get $b
    local.set $b_loop
    local.set $a_loop
    block $entry_tail_exit
      ;; entry_tail
      local.get $b_loop
      i64.eqz
      br_if $entry_tail_exit
      loop $entry_tail
        ;; step
        local.get $a_loop
        local.get $b_loop
        i64.rem_s
        local.set $a_loop
        local.get $b_loop
        local.get $a_loop
        local.set $b_loop
        local.set $a_loop
        ;; entry_tail
        local.get $b_loop
        i64.eqz
        i32.eqz
        br_if $entry_tail
      end
    end
    ;; out
    local.get $a_loop
    return
  )
  ;; fn @prod
  (func $prod (type $t0) (param $n i32) (result i64)
    (local $n_loop i32)
    (local $acc i64)
    ;; entry
    local.get $n
    i64.const 1
    local.set $acc
    local.set $n_loop
    block $entry_tail_exit
      ;; entry_tail
      local.get $n_loop
      i32.eqz
      br_if $entry_tail_exit
      loop $entry_tail
        ;; more
        local.get $n_loop
        i32.const 1
        i32.sub
        local.set $n_loop
        local.get $acc
        i32.const 16
        local.get $n_loop
        i32.const 8
        i32.mul
        i32.add
        i64.load
        i64.mul
        local.set $acc
        ;; entry_tail
        local.get $n_loop
        br_if $entry_tail
      end
    end
    ;; done
    local.get $acc
    return
  )
  ;; fn @quot
  (func $quot (type $t2) (param $n i32) (param $d i32) (result i32)
    (local $n_loop i32)
    (local $d_loop i32)
    (local $acc i32)
    (local $q i32)
    ;; entry
    local.get $n
    local.get $d
    i32.const 0
    local.set $acc
    local.set $d_loop
    local.set $n_loop
    block $entry_tail_exit
      ;; entry_tail
      local.get $n_loop
      i32.eqz
      br_if $entry_tail_exit
      loop $entry_tail
        ;; more
        i32.const 100
        local.get $d_loop
        i32.div_s
        local.set $q
        local.get $n_loop
        i32.const 1
        i32.sub
        local.get $d_loop
        i32.const 1
        i32.sub
        local.get $acc
        local.get $q
        i32.add
        local.set $acc
        local.set $d_loop
        local.tee $n_loop
        ;; entry_tail
        br_if $entry_tail
      end
    end
    ;; out
    local.get $acc
    return
  )
  ;; fn @pair
  (func $pair (type $t3) (param $n i32) (param $x i64) (result i32 i64)
    (local $n_loop i32)
    (local $x_loop i64)
    ;; entry
    local.get $n
    local.get $x
    local.set $x_loop
    local.set $n_loop
    block $entry_tail_exit
      ;; entry_tail
      local.get $n_loop
      i32.eqz
      br_if $entry_tail_exit
      loop $entry_tail
        ;; more
        local.get $n_loop
        i32.const 1
        i32.sub
        local.get $x_loop
        local.get $x_loop
        i64.mul
        local.set $x_loop
        local.tee $n_loop
        ;; entry_tail
        br_if $entry_tail
      end
    end
    ;; out
    local.get $n_loop
    local.get $x_loop
    return
  )
  ;; fn @fsum
  (func $fsum (type $t4) (param $n i32) (result f64)
    ;; entry
    local.get $n
    if
      ;; more
      local.get $n
      f64.convert_i32_s
      local.get $n
      i32.const 1
      i32.sub
      call $fsum
      f64.add
      return
    end
    ;; out
    f64.const 0.0
    return
  )
  ;; fn @twice
  (func $twice (type $t5) (param $n i32) (result i32)
    (local $s i32)
    ;; entry
    local.get $n
    if
      ;; more
      local.get $n
      local.get $n
      i32.const 1
      i32.sub
      call $twice
      i32.add
      local.set $s
      i32.const 0
      local.get $s
      i32.store
      local.get $s
      return
    end
    ;; out
    local.get $n
    return
  )
  ;; data @xs
  (data $xs (memory $memory) (i32.const 16) "\03\00\00\00\00\00\00\00\05\00\00\00\00\00\00\00\fe\ff\ff\ff\ff\ff\ff\ff\07\00\00\00\00\00\00\00")
)
(assert_return (invoke "fib" (i32.const 0)) (i64.const 0))
(assert_return (invoke "fib" (i32.const 1)) (i64.const 1))
(assert_return (invoke "fib" (i32.const 20)) (i64.const 6765))
(assert_return (invoke "gcd" (i64.const 12) (i64.const 18)) (i64.const 6))
(assert_return (invoke "gcd" (i64.const 17) (i64.const 0)) (i64.const 17))
(assert_return (invoke "prod" (i32.const 0)) (i64.const 1))
(assert_return (invoke "prod" (i32.const 4)) (i64.const -210))
(assert_return (invoke "quot" (i32.const 2) (i32.const 2)) (i32.const 150))
(assert_trap (invoke "quot" (i32.const 3) (i32.const 2)) "integer divide by zero")
(assert_return (invoke "pair" (i32.const 3) (i64.const 2)) (i32.const 0) (i64.const 256))
(assert_return (invoke "fsum" (i32.const 3)) (f64.const 6.0))
(assert_return (invoke "twice" (i32.const 3)) (i32.const 6))
