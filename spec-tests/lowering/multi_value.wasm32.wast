;; Generated from tests/cases/multi_value.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $multi_value
  (type $t0 (func (param i32 i32) (result i32 i32)))
  (type $t1 (func (param i32 i32) (result i32)))
  (type $t2 (func (param i64 f64 i32) (result i32 f64 i64)))
  (type $t3 (func (param i32) (result i32 i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "divmod" (func $divmod))
  (export "sum_divmod" (func $sum_divmod))
  (export "swap3" (func $swap3))
  (export "minmax_loop" (func $minmax_loop))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @divmod
  (func $divmod (type $t0) (param $a i32) (param $b i32) (result i32 i32)
    ;; entry
    local.get $a
    local.get $b
    i32.div_u
    local.get $a
    local.get $b
    i32.rem_u
    return
  )
  ;; fn @sum_divmod
  (func $sum_divmod (type $t1) (param $a i32) (param $b i32) (result i32)
    ;; entry
    local.get $a
    local.get $b
    i32.div_u
    local.get $a
    local.get $b
    i32.rem_u
    i32.add
    return
  )
  ;; fn @swap3
  (func $swap3 (type $t2) (param $a i64) (param $b f64) (param $c i32) (result i32 f64 i64)
    ;; entry
    local.get $c
    local.get $b
    local.get $a
    return
  )
  ;; fn @minmax_loop
  (func $minmax_loop (type $t3) (param $n i32) (result i32 i32)
    (local $i i32)
    (local $lo i32)
    (local $hi i32)
    (local $v i32)
    ;; entry
    i32.const 0
    i32.const 2147483647
    i32.const -2147483648
    i32.const 0
    local.set $v
    local.set $hi
    local.set $lo
    local.set $i
    block $loop_exit
      ;; loop
      local.get $i
      local.get $n
      i32.ge_s
      br_if $loop_exit
      loop $loop
        ;; body
        local.get $v
        local.get $lo
        local.get $v
        local.get $lo
        i32.lt_s
        select
        local.set $lo
        local.get $v
        local.get $hi
        local.get $v
        local.get $hi
        i32.gt_s
        select
        local.set $hi
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        local.get $v
        i32.const 3
        i32.add
        local.set $v
        ;; loop
        local.get $i
        local.get $n
        i32.lt_s
        br_if $loop
      end
    end
    ;; exit
    local.get $lo
    local.get $hi
    return
  )
)
(assert_return (invoke "divmod" (i32.const 17) (i32.const 5)) (i32.const 3) (i32.const 2))
(assert_return (invoke "sum_divmod" (i32.const 17) (i32.const 5)) (i32.const 5))
(assert_return (invoke "swap3" (i64.const 1) (f64.const 2.5) (i32.const 3)) (i32.const 3) (f64.const 2.5) (i64.const 1))
(assert_return (invoke "minmax_loop" (i32.const 4)) (i32.const 0) (i32.const 9))
