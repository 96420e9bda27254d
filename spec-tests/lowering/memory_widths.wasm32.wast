;; Generated from tests/cases/memory_widths.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $memory_widths
  (type $t0 (func (param i64) (result i64 i32 i32 i32 i64 i64 i64)))
  (type $t1 (func (param i32) (result i32 i32)))
  (type $t2 (func (param f64 f32) (result f64)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x30..0x100030, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048624))
  ;; the end of the data
  (global $__data_end i32 (i32.const 48))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048624))
  (export "roundtrip" (func $roundtrip))
  (export "bytes_le" (func $bytes_le))
  (export "floats_in_memory" (func $floats_in_memory))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @roundtrip
  (func $roundtrip (type $t0) (param $v i64) (result i64 i32 i32 i32 i64 i64 i64)
    (local $base i32)
    (local $u8 i32)
    (local $s8 i32)
    (local $u16 i32)
    (local $s16 i64)
    (local $u32 i64)
    (local $s32 i64)
    ;; entry
    i32.const 16
    local.tee $base
    local.get $v
    i64.store
    local.get $base
    i32.load8_u
    local.set $u8
    local.get $base
    i32.load8_s offset=1
    local.set $s8
    local.get $base
    i32.load16_u offset=2
    local.set $u16
    local.get $base
    i64.load16_s
    local.set $s16
    local.get $base
    i64.load32_u offset=4
    local.set $u32
    local.get $base
    i64.load32_s
    local.set $s32
    local.get $v
    local.get $u8
    local.get $s8
    local.get $u16
    local.get $s16
    local.get $u32
    local.get $s32
    return
  )
  ;; fn @bytes_le
  (func $bytes_le (type $t1) (param $v i32) (result i32 i32)
    (local $p i32)
    ;; entry
    i32.const 16
    local.tee $p
    local.get $v
    i32.store16 offset=8
    local.get $p
    i32.load8_u offset=8
    local.get $p
    i32.load8_u offset=9
    return
  )
  ;; fn @floats_in_memory
  (func $floats_in_memory (type $t2) (param $a f64) (param $b f32) (result f64)
    (local $p i32)
    ;; entry
    i32.const 16
    local.tee $p
    local.get $a
    f64.store offset=16
    local.get $p
    local.get $b
    f32.store offset=24
    local.get $p
    f64.load offset=16
    local.get $b
    f64.promote_f32
    f64.add
    return
  )
)
(assert_return (invoke "roundtrip" (i64.const -2)) (i64.const -2) (i32.const 254) (i32.const -1) (i32.const 65535) (i64.const -2) (i64.const 4294967295) (i64.const -2))
(assert_return (invoke "bytes_le" (i32.const 258)) (i32.const 2) (i32.const 1))
(assert_return (invoke "floats_in_memory" (f64.const 1.25) (f32.const 2.5)) (f64.const 3.75))
