;; Generated from tests/cases/conversions.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $conversions
  (type $t0 (func (param i32) (result i64 i64 i64)))
  (type $t1 (func (param i64) (result i32)))
  (type $t2 (func (param i32 i64) (result i32 i32 i64)))
  (type $t3 (func (param f64) (result i64 i64 i32)))
  (type $t4 (func (param f64) (result i32)))
  (type $t5 (func (param i32) (result f64 f32 f64)))
  (type $t6 (func (param f64) (result i64 f64)))
  (type $t7 (func (param f64) (result f32 f64)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "ints" (func $ints))
  (export "narrow" (func $narrow))
  (export "sext" (func $sext))
  (export "to_int" (func $to_int))
  (export "trap_conv" (func $trap_conv))
  (export "floats" (func $floats))
  (export "bitcast" (func $bitcast))
  (export "demote" (func $demote))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @ints
  (func $ints (type $t0) (param $x i32) (result i64 i64 i64)
    (local $u i64)
    (local $s i64)
    (local $shifted i64)
    (local $low i64)
    (local $m i32)
    ;; entry
    local.get $x
    i64.extend_i32_u
    local.set $u
    local.get $x
    i64.extend_i32_s
    local.tee $s
    i64.const 32
    i64.shl
    local.tee $shifted
    i64.extend32_s
    local.set $low
    local.get $shifted
    i64.const 32
    i64.shr_s
    local.set $shifted
    local.get $low
    local.get $shifted
    i64.add
    local.get $s
    i64.xor
    local.get $s
    i64.xor
    local.get $shifted
    i64.sub
    local.set $shifted
    local.get $s
    i64.const -2147483648
    i64.eq
    local.tee $m
    i64.extend_i32_u
    drop
    local.get $shifted
    local.get $s
    local.get $m
    select
    local.set $shifted
    local.get $u
    local.get $s
    local.get $shifted
    return
  )
  ;; fn @narrow
  (func $narrow (type $t1) (param $x i64) (result i32)
    ;; entry
    local.get $x
    i32.wrap_i64
    return
  )
  ;; fn @sext
  (func $sext (type $t2) (param $a i32) (param $b i64) (result i32 i32 i64)
    (local $x i32)
    (local $y i32)
    (local $bb i64)
    ;; entry
    local.get $a
    i32.extend8_s
    local.set $x
    local.get $a
    i32.extend16_s
    local.set $y
    local.get $b
    i64.extend16_s
    local.set $bb
    local.get $y
    local.get $x
    i32.or
    local.set $y
    local.get $x
    local.get $y
    local.get $bb
    return
  )
  ;; fn @to_int
  (func $to_int (type $t3) (param $x f64) (result i64 i64 i32)
    (local $a i64)
    (local $c i32)
    ;; entry
    local.get $x
    i64.trunc_sat_f64_s
    local.set $a
    local.get $x
    i32.trunc_sat_f64_u
    local.set $c
    local.get $a
    local.get $a
    local.get $c
    return
  )
  ;; fn @trap_conv
  (func $trap_conv (type $t4) (param $x f64) (result i32)
    ;; entry
    local.get $x
    i32.trunc_f64_s
    return
  )
  ;; fn @floats
  (func $floats (type $t5) (param $x i32) (result f64 f32 f64)
    ;; entry
    local.get $x
    f64.convert_i32_s
    local.get $x
    i64.extend_i32_s
    f32.convert_i64_u
    local.get $x
    f64.convert_i32_u
    return
  )
  ;; fn @bitcast
  (func $bitcast (type $t6) (param $x f64) (result i64 f64)
    (local $bits i64)
    (local $back f64)
    ;; entry
    local.get $x
    i64.reinterpret_f64
    local.tee $bits
    f64.reinterpret_i64
    local.set $back
    local.get $bits
    local.get $back
    return
  )
  ;; fn @demote
  (func $demote (type $t7) (param $x f64) (result f32 f64)
    (local $d f32)
    (local $p f64)
    ;; entry
    local.get $x
    f32.demote_f64
    local.tee $d
    f64.promote_f32
    local.set $p
    local.get $d
    local.get $p
    return
  )
)
(assert_return (invoke "ints" (i32.const -1)) (i64.const 4294967295) (i64.const -1) (i64.const -1))
(assert_return (invoke "ints" (i32.const -2147483648)) (i64.const 2147483648) (i64.const -2147483648) (i64.const 0))
(assert_return (invoke "narrow" (i64.const 4294967298)) (i32.const 2))
(assert_return (invoke "sext" (i32.const 255) (i64.const 65535)) (i32.const -1) (i32.const -1) (i64.const -1))
(assert_return (invoke "to_int" (f64.const -3.7)) (i64.const -3) (i64.const -3) (i32.const 0))
(assert_return (invoke "to_int" (f64.const 1e20)) (i64.const 9223372036854775807) (i64.const 9223372036854775807) (i32.const -1))
(assert_return (invoke "to_int" (f64.const nan)) (i64.const 0) (i64.const 0) (i32.const 0))
(assert_trap (invoke "trap_conv" (f64.const nan)) "invalid conversion to integer")
(assert_trap (invoke "trap_conv" (f64.const 3000000000.0)) "integer overflow")
(assert_return (invoke "trap_conv" (f64.const 2147483647.9)) (i32.const 2147483647))
(assert_return (invoke "floats" (i32.const -1)) (f64.const -1.0) (f32.const 1.8446744e19) (f64.const 4294967295.0))
(assert_return (invoke "bitcast" (f64.const 1.0)) (i64.const 4607182418800017408) (f64.const 1.0))
(assert_return (invoke "demote" (f64.const 0.1)) (f32.const 0.1) (f64.const 0.10000000149011612))
