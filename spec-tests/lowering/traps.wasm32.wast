;; Generated from tests/cases/traps.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $traps
  (type $t0 (func))
  (type $t1 (func (param i32) (result i32)))
  (type $t2 (func (result i32)))
  (type $t3 (func (result i64)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "boom" (func $boom))
  (export "guarded" (func $guarded))
  (export "last_byte" (func $last_byte))
  (export "past_end" (func $past_end))
  (export "straddle" (func $straddle))
  (export "huge_offset" (func $huge_offset))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @boom
  (func $boom (type $t0)
    ;; entry
    unreachable
  )
  ;; fn @guarded
  (func $guarded (type $t1) (param $x i32) (result i32)
    ;; entry
    local.get $x
    if
      ;; ok
      local.get $x
      return
    end
    ;; bad
    unreachable
  )
  ;; fn @last_byte
  (func $last_byte (type $t2) (result i32)
    ;; entry
    memory.size
    i32.const 65536
    i32.mul
    i32.const 1
    i32.sub
    i32.load8_u
    return
  )
  ;; fn @past_end
  (func $past_end (type $t2) (result i32)
    ;; entry
    memory.size
    i32.const 65536
    i32.mul
    i32.load8_u
    return
  )
  ;; fn @straddle
  (func $straddle (type $t2) (result i32)
    ;; entry
    memory.size
    i32.const 65536
    i32.mul
    i32.const 2
    i32.sub
    i32.load
    return
  )
  ;; fn @huge_offset
  (func $huge_offset (type $t3) (result i64)
    ;; entry
    i32.const 16
    i64.load offset=4294967295
    return
  )
)
(assert_trap (invoke "boom") "unreachable")
(assert_return (invoke "guarded" (i32.const 1)) (i32.const 1))
(assert_trap (invoke "guarded" (i32.const 0)) "unreachable")
(assert_return (invoke "last_byte") (i32.const 0))
(assert_trap (invoke "past_end") "out of bounds memory access")
(assert_trap (invoke "straddle") "out of bounds memory access")
(assert_trap (invoke "huge_offset") "out of bounds memory access")
