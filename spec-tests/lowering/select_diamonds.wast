;; Generated from tests/cases/select_diamonds.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $select_diamonds
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32 i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "clamp" (func $clamp))
  (export "minmax" (func $minmax))
  (export "count" (func $count))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @clamp
  (func $clamp (type $t0) (param $n i32) (result i32)
    (local $x i32)
    ;; entry
    i32.const 20
    local.get $n
    local.get $n
    i32.const 20
    i32.gt_s
    select
    local.tee $x
    ;; join
    return
  )
  ;; fn @minmax
  (func $minmax (type $t1) (param $a i32) (param $b i32) (result i32)
    (local $lt i32)
    (local $hi i32)
    ;; entry
    local.get $a
    local.get $b
    i32.lt_s
    local.set $lt
    local.get $a
    local.get $b
    local.get $lt
    select
    local.get $b
    local.get $a
    local.get $lt
    select
    local.set $hi
    local.set $lt
    ;; join
    local.get $hi
    i32.const 10
    i32.mul
    local.get $lt
    i32.add
    return
  )
  ;; fn @count
  (func $count (type $t0) (param $n i32) (result i32)
    (local $i i32)
    (local $acc i32)
    (local $r i32)
    (local $acc1 i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $acc
    local.set $i
    loop $head
      ;; head
      local.get $i
      local.get $n
      i32.lt_s
      if
        ;; body
        local.get $i
        i32.const 3
        i32.rem_u
        local.set $r
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        local.get $acc
        i32.const 1
        i32.add
        local.set $acc1
        local.get $r
        br_if $head
        local.get $acc1
        local.set $acc
        br $head
      end
      ;; done
      local.get $acc
      return
    end
    unreachable
  )
)
(assert_return (invoke "clamp" (i32.const 150)) (i32.const 20))
(assert_return (invoke "clamp" (i32.const -5)) (i32.const -5))
(assert_return (invoke "clamp" (i32.const 20)) (i32.const 20))
(assert_return (invoke "minmax" (i32.const 3) (i32.const 9)) (i32.const 93))
(assert_return (invoke "minmax" (i32.const 9) (i32.const 3)) (i32.const 93))
(assert_return (invoke "minmax" (i32.const -4) (i32.const -4)) (i32.const -44))
(assert_return (invoke "count" (i32.const 10)) (i32.const 4))
