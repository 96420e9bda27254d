;; Generated from tests/cases/unroll.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $unroll
  (type $t0 (func (param i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "crc_byte" (func $crc_byte))
  (export "down" (func $down))
  (export "long" (func $long))
  (export "bounded" (func $bounded))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @crc_byte
  (func $crc_byte (type $t0) (param $byte i32) (result i32)
    (local $n i32)
    ;; entry
    ;; body_u0
    local.get $byte
    i32.const 1
    i32.and
    if
      ;; odd_u0
      local.get $byte
      i32.const 1
      i32.shr_u
      i32.const -306674912
      i32.xor
      local.set $n
    else
      ;; even_u0
      local.get $byte
      i32.const 1
      i32.shr_u
      local.set $n
    end
    ;; step_u0
    ;; body_u1
    local.get $n
    i32.const 1
    i32.and
    if
      ;; odd_u1
      local.get $n
      i32.const 1
      i32.shr_u
      i32.const -306674912
      i32.xor
      local.set $n
    else
      ;; even_u1
      local.get $n
      i32.const 1
      i32.shr_u
      local.set $n
    end
    ;; step_u1
    ;; body_u2
    local.get $n
    i32.const 1
    i32.and
    if
      ;; odd_u2
      local.get $n
      i32.const 1
      i32.shr_u
      i32.const -306674912
      i32.xor
      local.set $n
    else
      ;; even_u2
      local.get $n
      i32.const 1
      i32.shr_u
      local.set $n
    end
    ;; step_u2
    ;; body_u3
    local.get $n
    i32.const 1
    i32.and
    if
      ;; odd_u3
      local.get $n
      i32.const 1
      i32.shr_u
      i32.const -306674912
      i32.xor
      local.set $n
    else
      ;; even_u3
      local.get $n
      i32.const 1
      i32.shr_u
      local.set $n
    end
    ;; step_u3
    ;; body_u4
    local.get $n
    i32.const 1
    i32.and
    if
      ;; odd_u4
      local.get $n
      i32.const 1
      i32.shr_u
      i32.const -306674912
      i32.xor
      local.set $n
    else
      ;; even_u4
      local.get $n
      i32.const 1
      i32.shr_u
      local.set $n
    end
    ;; step_u4
    ;; body_u5
    local.get $n
    i32.const 1
    i32.and
    if
      ;; odd_u5
      local.get $n
      i32.const 1
      i32.shr_u
      i32.const -306674912
      i32.xor
      local.set $n
    else
      ;; even_u5
      local.get $n
      i32.const 1
      i32.shr_u
      local.set $n
    end
    ;; step_u5
    ;; body_u6
    local.get $n
    i32.const 1
    i32.and
    if
      ;; odd_u6
      local.get $n
      i32.const 1
      i32.shr_u
      i32.const -306674912
      i32.xor
      local.set $n
    else
      ;; even_u6
      local.get $n
      i32.const 1
      i32.shr_u
      local.set $n
    end
    ;; step_u6
    ;; body
    local.get $n
    i32.const 1
    i32.and
    if
      ;; odd
      local.get $n
      i32.const 1
      i32.shr_u
      i32.const -306674912
      i32.xor
      local.set $n
    else
      ;; even
      local.get $n
      i32.const 1
      i32.shr_u
      local.set $n
    end
    ;; step
    ;; out
    local.get $n
    return
  )
  ;; fn @down
  (func $down (type $t0) (param $a i32) (result i32)
    (local $s1 i32)
    ;; entry
    ;; body_u0
    local.get $a
    i32.const 5
    i32.add
    local.tee $s1
    ;; body_u1
    i32.const 3
    i32.add
    local.tee $s1
    ;; body
    i32.const 1
    i32.add
    local.tee $s1
    ;; out
    i32.const -1
    i32.sub
    return
  )
  ;; fn @long
  (func $long (type $t0) (param $a i32) (result i32)
    (local $k i32)
    (local $s i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $s
    local.set $k
    ;; loop
    loop $loop
      ;; body
      local.get $s
      local.get $a
      i32.add
      local.set $s
      local.get $k
      i32.const 1
      i32.add
      local.tee $k
      ;; loop
      i32.const 100
      i32.lt_s
      br_if $loop
    end
    ;; out
    local.get $s
    return
  )
  ;; fn @bounded
  (func $bounded (type $t0) (param $n i32) (result i32)
    (local $k i32)
    (local $s i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $s
    local.set $k
    block $loop_exit
      ;; loop
      local.get $k
      local.get $n
      i32.ge_s
      br_if $loop_exit
      loop $loop
        ;; body
        local.get $s
        i32.const 2
        i32.add
        local.set $s
        local.get $k
        i32.const 1
        i32.add
        local.tee $k
        ;; loop
        local.get $n
        i32.lt_s
        br_if $loop
      end
    end
    ;; out
    local.get $s
    return
  )
)
(assert_return (invoke "crc_byte" (i32.const 0)) (i32.const 0))
(assert_return (invoke "crc_byte" (i32.const 1)) (i32.const 1996959894))
(assert_return (invoke "crc_byte" (i32.const 255)) (i32.const 755167117))
(assert_return (invoke "down" (i32.const 10)) (i32.const 20))
(assert_return (invoke "long" (i32.const 3)) (i32.const 300))
(assert_return (invoke "bounded" (i32.const 5)) (i32.const 10))
