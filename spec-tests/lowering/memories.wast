;; Generated from tests/cases/memories.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $memories
  (type $t0 (func (result i64 i32)))
  (type $t1 (func (result i32 i32)))
  (type $t2 (func (result i32 i32 i64 i64)))
  (type $t3 (func (result i32 i32 i32 i32)))
  (type $t4 (func (result i64 i64 i64)))
  (type $t5 (func (result i32)))
  (type $t6 (func))
  (memory $memory i64 17 16384)
  (memory $big i64 1 2)
  (memory $small 1 3)
  (memory $p i64 2 16384)
  ;; shadow stack: 0x20..0x100020, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048608))
  ;; the end of the data
  (global $__data_end i64 (i64.const 20))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048608))
  (export "copy_64_to_32" (func $copy_64_to_32))
  (export "copy_between_default_and_named" (func $copy_between_default_and_named))
  (export "sizes" (func $sizes))
  (export "grow_to_max" (func $grow_to_max))
  (export "grow_64" (func $grow_64))
  (export "fill_named" (func $fill_named))
  (export "independent" (func $independent))
  (export "load_past_32" (func $load_past_32))
  (export "copy_past_64" (func $copy_past_64))
  (export "fill_past_p" (func $fill_past_p))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @copy_64_to_32
  (func $copy_64_to_32 (type $t0) (result i64 i32)
    (local $dst i32)
    ;; entry
    i32.const 1000
    local.tee $dst
    i64.const 16
    i32.const 8
    memory.copy $small $big
    local.get $dst
    i64.load $small
    i32.const 16
    return
  )
  ;; fn @copy_between_default_and_named
  (func $copy_between_default_and_named (type $t1) (result i32 i32)
    (local $to i32)
    (local $back i64)
    (local $b i32)
    ;; entry
    i32.const 200
    local.tee $to
    i64.const 16
    i32.const 4
    memory.copy $small $memory
    local.get $to
    i32.load $small
    local.set $to
    i64.const 300
    local.tee $back
    i32.const 16
    i32.const 4
    memory.copy $memory $small
    local.get $back
    i32.load
    local.set $b
    local.get $to
    local.get $b
    return
  )
  ;; fn @sizes
  (func $sizes (type $t2) (result i32 i32 i64 i64)
    ;; entry
    memory.size
    i64.const 0
    i64.ne
    memory.size $small
    memory.size $big
    memory.size $p
    return
  )
  ;; fn @grow_to_max
  (func $grow_to_max (type $t3) (result i32 i32 i32 i32)
    ;; entry
    i32.const 1
    memory.grow $small
    i32.const 1
    memory.grow $small
    i32.const 2
    memory.grow $small
    memory.size $small
    return
  )
  ;; fn @grow_64
  (func $grow_64 (type $t4) (result i64 i64 i64)
    ;; entry
    i64.const 1
    memory.grow $big
    i64.const 1
    memory.grow $big
    memory.size $big
    return
  )
  ;; fn @fill_named
  (func $fill_named (type $t1) (result i32 i32)
    (local $at i64)
    ;; entry
    i64.const 4096
    local.tee $at
    i32.const 30
    i64.const 4
    memory.fill $p
    local.get $at
    i32.load $p
    local.get $at
    i32.load $p offset=4
    return
  )
  ;; fn @independent
  (func $independent (type $t1) (result i32 i32)
    (local $hello i32)
    (local $plain i64)
    (local $a i32)
    ;; entry
    i32.const 16
    local.tee $hello
    i32.const 7
    i32.store $small
    i64.const 16
    local.tee $plain
    i32.load
    local.set $a
    local.get $plain
    i32.const 9
    i32.store
    local.get $hello
    i32.load $small
    local.set $hello
    local.get $a
    local.get $hello
    return
  )
  ;; fn @load_past_32
  (func $load_past_32 (type $t5) (result i32)
    ;; entry
    i32.const 196605
    i32.load $small
    return
  )
  ;; fn @copy_past_64
  (func $copy_past_64 (type $t6)
    ;; entry
    i64.const 131066
    i64.const 0
    i64.const 8
    memory.copy $big $big
    return
  )
  ;; fn @fill_past_p
  (func $fill_past_p (type $t6)
    ;; entry
    i64.const 131071
    i32.const 1
    i64.const 2
    memory.fill $p
    return
  )
  ;; data @words
  (data $words (memory $big) (i64.const 16) "\01\02\03\04\05\06\07\08\ff\ff\ff\ff\ff\ff\ff\ff")
  ;; data @hello
  (data $hello (memory $small) (i32.const 16) "hello")
  ;; data @plain
  (data $plain (memory $memory) (i64.const 16) "hell")
)
(assert_return (invoke "copy_64_to_32") (i64.const 578437695752307201) (i32.const 16))
(assert_return (invoke "copy_between_default_and_named") (i32.const 1819043176) (i32.const 1819043176))
(assert_return (invoke "sizes") (i32.const 1) (i32.const 1) (i64.const 1) (i64.const 2))
(assert_return (invoke "grow_to_max") (i32.const 1) (i32.const 2) (i32.const -1) (i32.const 3))
(assert_return (invoke "grow_64") (i64.const 1) (i64.const -1) (i64.const 2))
(assert_return (invoke "fill_named") (i32.const 505290270) (i32.const 0))
(assert_return (invoke "independent") (i32.const 1819043176) (i32.const 7))
(assert_trap (invoke "load_past_32") "out of bounds memory access")
(assert_trap (invoke "copy_past_64") "out of bounds memory access")
(assert_trap (invoke "fill_past_p") "out of bounds memory access")
