;; Generated from tests/cases/gvn.vir by tests/golden.rs (wasm64, -O2 no-gvn): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $gvn
  (type $t0 (func (param i32 i32 i32) (result i64)))
  (type $t1 (func (param i64 i64) (result i64)))
  (type $t2 (func (param i32 i32 i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x810..0x100810, growing down
  (global $__stack_pointer (mut i64) (i64.const 1050640))
  ;; the end of the data
  (global $__data_end i64 (i64.const 2064))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1050640))
  (export "index" (func $index))
  (export "fields" (func $fields))
  (export "quot" (func $quot))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @index
  (func $index (type $t0) (param $i i32) (param $n i32) (param $j i32) (result i64)
    (local $s1 i32)
    (local $p1 i64)
    (local $v i64)
    ;; entry
    local.get $i
    local.get $n
    i32.mul
    local.get $j
    i32.add
    local.set $s1
    i64.const 16
    local.get $s1
    i64.extend_i32_s
    i64.const 8
    i64.mul
    i64.add
    local.set $p1
    local.get $s1
    i64.extend_i32_s
    local.set $v
    local.get $p1
    local.get $v
    i64.store
    i64.const 1040
    local.get $n
    local.get $i
    i32.mul
    local.get $j
    i32.add
    i64.extend_i32_s
    i64.const 8
    i64.mul
    i64.add
    local.get $v
    i64.store
    local.get $p1
    i64.load
    local.get $v
    i64.add
    return
  )
  ;; fn @fields
  (func $fields (type $t1) (param $p i64) (param $n i64) (result i64)
    (local $f i64)
    (local $g i64)
    (local $h i64)
    (local $k i64)
    (local $kk i64)
    (local $new i64)
    ;; entry
    local.get $p
    i64.const 24
    i64.add
    local.tee $f
    i64.const 0
    i64.store
    local.get $p
    i64.const 24
    i64.add
    local.set $g
    i64.const 24
    local.get $p
    i64.add
    local.set $h
    i64.const 0
    i64.const 0
    local.set $kk
    local.set $k
    block $loop_exit
      ;; loop
      local.get $k
      local.get $n
      i64.ge_s
      br_if $loop_exit
      loop $loop
        ;; body
        local.get $g
        i64.load
        local.get $kk
        i64.add
        local.set $new
        local.get $h
        local.get $new
        i64.store
        local.get $k
        i64.const 1
        i64.add
        local.get $kk
        i64.const 10
        i64.add
        local.set $kk
        local.tee $k
        ;; loop
        local.get $n
        i64.lt_s
        br_if $loop
      end
    end
    ;; done
    local.get $f
    i64.load
    return
  )
  ;; fn @quot
  (func $quot (type $t2) (param $x i32) (param $d i32) (param $c i32) (result i32)
    (local $e i32)
    (local $q1 i32)
    (local $q2 i32)
    ;; entry
    local.get $c
    if
      ;; early
      local.get $x
      local.get $d
      i32.div_s
      local.set $e
    else
      local.get $c
      local.set $e
    end
    ;; join
    local.get $x
    local.get $d
    i32.div_s
    local.set $q1
    ;; last
    local.get $x
    local.get $d
    i32.div_s
    local.set $q2
    local.get $q1
    local.get $q2
    i32.add
    local.get $e
    i32.add
    return
  )
)
(assert_return (invoke "index" (i32.const 2) (i32.const 3) (i32.const 1)) (i64.const 14))
(assert_return (invoke "index" (i32.const 0) (i32.const 5) (i32.const 4)) (i64.const 8))
(assert_return (invoke "fields" (i64.const 1024) (i64.const 3)) (i64.const 30))
(assert_return (invoke "fields" (i64.const 2048) (i64.const 0)) (i64.const 0))
(assert_return (invoke "quot" (i32.const 7) (i32.const 2) (i32.const 1)) (i32.const 9))
(assert_return (invoke "quot" (i32.const 7) (i32.const 2) (i32.const 0)) (i32.const 6))
(assert_trap (invoke "quot" (i32.const 7) (i32.const 0) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "quot" (i32.const 7) (i32.const 0) (i32.const 1)) "integer divide by zero")
