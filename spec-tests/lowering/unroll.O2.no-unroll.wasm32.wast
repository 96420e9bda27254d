;; Generated from tests/cases/unroll.vir by tests/golden.rs (wasm32, -O2 no-unroll): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $unroll
  (type $t0 (func (param i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "crc_byte" (func $crc_byte))
  (export "down" (func $down))
  (export "long" (func $long))
  (export "bounded" (func $bounded))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @crc_byte
  (func $crc_byte (type $t0) (param $byte i32) (result i32)
    (local $k i32)
    (local $c i32)
    ;; entry
    i32.const 0
    local.get $byte
    local.set $c
    local.set $k
    ;; for
    loop $for
      ;; body
      local.get $c
      i32.const 1
      i32.and
      if
        ;; odd
        local.get $c
        i32.const 1
        i32.shr_u
        i32.const -306674912
        i32.xor
        local.set $c
      else
        ;; even
        local.get $c
        i32.const 1
        i32.shr_u
        local.set $c
      end
      ;; step
      local.get $k
      i32.const 1
      i32.add
      local.tee $k
      ;; for
      i32.const 8
      i32.lt_s
      br_if $for
    end
    ;; out
    local.get $c
    return
  )
  ;; fn @down
  (func $down (type $t0) (param $a i32) (result i32)
    (local $k i32)
    (local $s i32)
    ;; entry
    i32.const 5
    local.get $a
    local.set $s
    local.set $k
    ;; loop
    loop $loop
      ;; body
      local.get $s
      local.get $k
      i32.add
      local.set $s
      local.get $k
      i32.const -2
      i32.add
      local.tee $k
      ;; loop
      i32.const 0
      i32.gt_s
      br_if $loop
    end
    ;; out
    local.get $s
    local.get $k
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
