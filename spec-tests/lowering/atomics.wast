;; Generated from tests/cases/atomics.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $atomics
  (type $t0 (func (param i32) (result i32 i32 i32 i32 i32 i32 i32)))
  (type $t1 (func (param i64) (result i64 i64 i64 i64 i64 i64 i64)))
  (type $t2 (func (param i64) (result i32 i32 i64 i64 i64 i64 i32 i64)))
  (type $t3 (func (param i32 i32) (result i32 i32 i64 i64 i32 i32)))
  (type $t4 (func (param i64) (result i64 i64 i64 i64)))
  (type $t5 (func (param i32) (result i32 i32 i32 i32)))
  (type $t6 (func (param i32) (result i32)))
  (memory $memory i64 17 16384 shared)
  ;; shadow stack: 0x50..0x100050, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048656))
  ;; the end of the data
  (global $__data_end i64 (i64.const 80))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048656))
  (export "rmw32" (func $rmw32))
  (export "rmw64" (func $rmw64))
  (export "narrow" (func $narrow))
  (export "cmpxchg" (func $cmpxchg))
  (export "ptrs" (func $ptrs))
  (export "wait" (func $wait))
  (export "notify" (func $notify))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @rmw32
  (func $rmw32 (type $t0) (param $v i32) (result i32 i32 i32 i32 i32 i32 i32)
    (local $p i64)
    ;; entry
    i64.const 16
    local.tee $p
    i32.const 100
    i32.atomic.store
    local.get $p
    local.get $v
    i32.atomic.rmw.add
    local.get $p
    i32.const 3
    i32.atomic.rmw.sub
    local.get $p
    i32.const 3
    i32.atomic.rmw.and
    local.get $p
    i32.const 8
    i32.atomic.rmw.or
    local.get $p
    i32.const 3
    i32.atomic.rmw.xor
    local.get $p
    i32.const 8
    i32.atomic.rmw.xchg
    local.get $p
    i32.atomic.load
    return
  )
  ;; fn @rmw64
  (func $rmw64 (type $t1) (param $v i64) (result i64 i64 i64 i64 i64 i64 i64)
    (local $p i64)
    ;; entry
    i64.const 16
    local.tee $p
    i64.const 1
    i64.atomic.store offset=8
    local.get $p
    local.get $v
    i64.atomic.rmw.add offset=8
    local.get $p
    i64.const 1
    i64.atomic.rmw.sub offset=8
    local.get $p
    local.get $v
    i64.atomic.rmw.and offset=8
    local.get $p
    i64.const 1
    i64.atomic.rmw.or offset=8
    local.get $p
    local.get $v
    i64.atomic.rmw.xor offset=8
    local.get $p
    local.get $v
    i64.atomic.rmw.xchg offset=8
    local.get $p
    i64.atomic.load offset=8
    return
  )
  ;; fn @narrow
  (func $narrow (type $t2) (param $v i64) (result i32 i32 i64 i64 i64 i64 i32 i64)
    (local $p i64)
    (local $a i32)
    (local $b i32)
    (local $c i64)
    (local $d i64)
    (local $e i64)
    (local $f i64)
    (local $g i32)
    (local $h i64)
    ;; entry
    i64.const 16
    local.tee $p
    i64.const -1
    i64.atomic.store offset=16
    local.get $p
    local.get $v
    i32.wrap_i64
    i32.atomic.store8 offset=16
    local.get $p
    i32.atomic.load8_u offset=16
    local.set $a
    local.get $p
    i32.atomic.load16_u offset=18
    local.set $b
    local.get $p
    local.get $v
    i64.atomic.rmw8.add_u offset=17
    local.set $c
    local.get $p
    i64.atomic.load offset=16
    local.set $d
    local.get $p
    local.get $v
    i64.atomic.store16 offset=24
    local.get $p
    local.get $v
    i64.atomic.store32 offset=28
    local.get $p
    i64.atomic.load32_u offset=28
    local.set $e
    local.get $p
    local.get $v
    i64.atomic.rmw16.xor_u offset=24
    local.set $f
    local.get $p
    i32.const 1
    i32.atomic.rmw16.or_u offset=24
    local.set $g
    local.get $p
    i64.atomic.load offset=24
    local.set $h
    local.get $a
    local.get $b
    local.get $c
    local.get $d
    local.get $e
    local.get $f
    local.get $g
    local.get $h
    return
  )
  ;; fn @cmpxchg
  (func $cmpxchg (type $t3) (param $expected i32) (param $new i32) (result i32 i32 i64 i64 i32 i32)
    (local $p i64)
    (local $old i32)
    (local $now i32)
    (local $old32 i64)
    (local $now64 i64)
    (local $old8 i32)
    (local $now8 i32)
    ;; entry
    i64.const 16
    local.tee $p
    i32.const 5
    i32.atomic.store offset=32
    local.get $p
    local.get $expected
    local.get $new
    i32.atomic.rmw.cmpxchg offset=32
    local.set $old
    local.get $p
    i32.atomic.load offset=32
    local.set $now
    local.get $p
    i64.const 5
    i64.atomic.store offset=40
    local.get $p
    local.get $expected
    i64.extend_i32_u
    i64.const 4294967296
    i64.or
    local.get $new
    i64.extend_i32_u
    i64.atomic.rmw32.cmpxchg_u offset=40
    local.set $old32
    local.get $p
    i64.atomic.load offset=40
    local.set $now64
    local.get $p
    i32.const 5
    i32.atomic.store8 offset=36
    local.get $p
    local.get $expected
    i32.const 65536
    i32.or
    local.get $new
    i32.atomic.rmw8.cmpxchg_u offset=36
    local.set $old8
    local.get $p
    i32.atomic.load8_u offset=36
    local.set $now8
    local.get $old
    local.get $now
    local.get $old32
    local.get $now64
    local.get $old8
    local.get $now8
    return
  )
  ;; fn @ptrs
  (func $ptrs (type $t4) (param $v i64) (result i64 i64 i64 i64)
    (local $p i64)
    (local $a i64)
    (local $b i64)
    (local $c i64)
    ;; entry
    i64.const 16
    local.tee $p
    i64.const 16
    i64.atomic.store offset=48
    local.get $p
    local.get $v
    i64.atomic.rmw.xchg offset=48
    local.set $a
    local.get $p
    local.get $v
    i64.const 16
    i64.atomic.rmw.cmpxchg offset=48
    local.set $b
    local.get $p
    i64.atomic.load offset=48
    local.set $c
    local.get $p
    local.get $v
    i64.atomic.rmw.add offset=48
    drop
    local.get $p
    i64.atomic.load offset=48
    local.set $p
    local.get $a
    local.get $b
    local.get $c
    local.get $p
    return
  )
  ;; fn @wait
  (func $wait (type $t5) (param $x i32) (result i32 i32 i32 i32)
    (local $p i64)
    (local $a i32)
    (local $b i32)
    (local $c i32)
    (local $d i32)
    ;; entry
    i64.const 16
    local.tee $p
    i32.const 7
    i32.atomic.store offset=56
    local.get $p
    i64.const 0
    i64.atomic.store offset=48
    local.get $p
    local.get $x
    i64.extend_i32_u
    i64.const 1000
    memory.atomic.wait64 offset=48
    local.set $a
    local.get $p
    local.get $x
    i64.const 0
    memory.atomic.wait32 offset=56
    local.set $b
    local.get $p
    i64.const 7
    i64.const 0
    memory.atomic.wait64 offset=48
    local.set $c
    local.get $p
    i32.const 7
    i64.const 0
    memory.atomic.wait32 offset=56
    local.set $d
    atomic.fence
    local.get $a
    local.get $b
    local.get $c
    local.get $d
    return
  )
  ;; fn @notify
  (func $notify (type $t6) (param $count i32) (result i32)
    ;; entry
    i64.const 16
    local.get $count
    memory.atomic.notify offset=4
    return
  )
)
(assert_return (invoke "rmw32" (i32.const 10)) (i32.const 100) (i32.const 110) (i32.const 107) (i32.const 3) (i32.const 11) (i32.const 8) (i32.const 8))
(assert_return (invoke "rmw64" (i64.const -1)) (i64.const 1) (i64.const 0) (i64.const -1) (i64.const -1) (i64.const -1) (i64.const 0) (i64.const -1))
(assert_return (invoke "narrow" (i64.const 511)) (i32.const 255) (i32.const 65535) (i64.const 255) (i64.const -257) (i64.const 511) (i64.const 511) (i32.const 0) (i64.const 2194728288257))
(assert_return (invoke "cmpxchg" (i32.const 5) (i32.const 9)) (i32.const 5) (i32.const 9) (i64.const 5) (i64.const 9) (i32.const 5) (i32.const 9))
(assert_return (invoke "cmpxchg" (i32.const 6) (i32.const 9)) (i32.const 5) (i32.const 5) (i64.const 5) (i64.const 5) (i32.const 5) (i32.const 5))
(assert_return (invoke "ptrs" (i64.const 40)) (i64.const 16) (i64.const 40) (i64.const 16) (i64.const 56))
(assert_return (invoke "wait" (i32.const 0)) (i32.const 2) (i32.const 1) (i32.const 1) (i32.const 2))
(assert_return (invoke "wait" (i32.const 7)) (i32.const 1) (i32.const 2) (i32.const 1) (i32.const 2))
(assert_return (invoke "notify" (i32.const 3)) (i32.const 0))
