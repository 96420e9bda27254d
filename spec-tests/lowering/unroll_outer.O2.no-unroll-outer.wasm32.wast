;; Generated from tests/cases/unroll_outer.vir by tests/golden.rs (wasm32, -O2 no-unroll-outer): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $unroll_outer
  (type $t0 (func (param i32 i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x60..0x100060, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048672))
  ;; the end of the data
  (global $__data_end i32 (i32.const 82))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048672))
  (export "matches" (func $matches))
  (export "first_set" (func $first_set))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @matches
  (func $matches (type $t0) (param $a i32) (param $b i32) (result i32)
    (local $p i32)
    (local $total i32)
    (local $pe i32)
    (local $m i32)
    (local $k i32)
    (local $tc i32)
    (local $ke i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $total
    local.set $p
    ;; outer
    loop $outer
      ;; body
      local.get $p
      local.set $pe
      i32.const 48
      local.get $pe
      i32.const 4
      i32.mul
      i32.add
      i32.load
      local.set $m
      i32.const 16
      local.get $pe
      i32.const 8
      i32.mul
      i32.add
      local.set $pe
      i32.const 0
      local.set $k
      loop $inner
        block $after
          ;; inner
          local.get $k
          local.get $m
          i32.ge_s
          br_if $after
          ;; cmp
          i32.const 64
          local.get $a
          local.get $k
          i32.add
          i32.add
          i32.load8_u
          local.set $tc
          local.get $k
          local.set $ke
          local.get $tc
          local.get $pe
          local.get $ke
          i32.add
          i32.load8_u
          i32.ne
          br_if $after
          ;; next
          local.get $k
          i32.const 1
          i32.add
          local.set $k
          br $inner
        end
        ;; after
        local.get $k
        local.get $m
        i32.eq
        local.set $m
        local.get $total
        i32.const 10
        i32.mul
        local.get $k
        i32.add
        local.get $m
        i32.add
        local.set $total
        local.get $p
        i32.const 1
        i32.add
        local.tee $p
        ;; outer
        i32.const 4
        i32.lt_s
        br_if $outer
      end
    end
    ;; done
    local.get $total
    local.get $b
    i32.add
    return
  )
  ;; fn @first_set
  (func $first_set (type $t0) (param $a i32) (param $d i32) (result i32)
    (local $bit i32)
    (local $q i32)
    (local $q_1 i32)
    ;; entry
    ;; test_u0
    local.get $a
    i32.const 1
    i32.and
    local.set $bit
    local.get $a
    local.get $d
    i32.div_u
    local.set $q
    local.get $bit
    if $out
      i32.const 0
      i32.const 0
      local.set $q
      local.set $bit
    else
      ;; step_u0
      ;; test_u1
      local.get $a
      i32.const 1
      i32.shr_u
      i32.const 1
      i32.and
      local.set $bit
      local.get $a
      local.get $d
      i32.const 1
      i32.sub
      i32.div_u
      local.set $q_1
      local.get $bit
      if
        i32.const 1
        local.set $bit
        br $out
      end
      ;; step_u1
      local.get $q
      local.get $q_1
      i32.add
      local.set $bit
      ;; test_u2
      local.get $a
      i32.const 2
      i32.shr_u
      i32.const 1
      i32.and
      local.set $q
      local.get $a
      local.get $d
      i32.const 2
      i32.sub
      i32.div_u
      local.set $q_1
      local.get $q
      if
        i32.const 2
        local.get $bit
        local.set $q
        local.set $bit
        br $out
      end
      ;; step_u2
      local.get $bit
      local.get $q_1
      i32.add
      local.set $bit
      ;; test_u3
      local.get $a
      i32.const 3
      i32.shr_u
      i32.const 1
      i32.and
      local.set $q
      local.get $a
      local.get $d
      i32.const 3
      i32.sub
      i32.div_u
      local.set $q_1
      local.get $q
      if
        i32.const 3
        local.get $bit
        local.set $q
        local.set $bit
        br $out
      end
      ;; step_u3
      local.get $bit
      local.get $q_1
      i32.add
      local.set $bit
      ;; test_u4
      local.get $a
      i32.const 4
      i32.shr_u
      i32.const 1
      i32.and
      local.set $q
      local.get $a
      local.get $d
      i32.const 4
      i32.sub
      i32.div_u
      local.set $q_1
      local.get $q
      if
        i32.const 4
        local.get $bit
        local.set $q
        local.set $bit
        br $out
      end
      ;; step_u4
      local.get $bit
      local.get $q_1
      i32.add
      local.set $bit
      ;; test_u5
      local.get $a
      i32.const 5
      i32.shr_u
      i32.const 1
      i32.and
      local.set $q
      local.get $a
      local.get $d
      i32.const 5
      i32.sub
      i32.div_u
      local.set $q_1
      local.get $q
      if
        i32.const 5
        local.get $bit
        local.set $q
        local.set $bit
        br $out
      end
      ;; step_u5
      local.get $bit
      local.get $q_1
      i32.add
      local.set $bit
      ;; test_u6
      local.get $a
      i32.const 6
      i32.shr_u
      i32.const 1
      i32.and
      local.set $q
      local.get $a
      local.get $d
      i32.const 6
      i32.sub
      i32.div_u
      local.set $q_1
      local.get $q
      if
        i32.const 6
        local.get $bit
        local.set $q
        local.set $bit
        br $out
      end
      ;; step_u6
      local.get $bit
      local.get $q_1
      i32.add
      local.set $bit
      ;; test
      local.get $a
      i32.const 7
      i32.shr_u
      i32.const 1
      i32.and
      local.set $q
      local.get $a
      local.get $d
      i32.const 7
      i32.sub
      i32.div_u
      local.set $q_1
      local.get $q
      if
        i32.const 7
        local.get $bit
        local.set $q
        local.set $bit
        br $out
      end
      ;; step
      local.get $bit
      local.get $q_1
      i32.add
      local.set $bit
      i32.const 8
      local.get $bit
      local.set $q
      local.set $bit
    end
    ;; out
    local.get $bit
    i32.const 1000
    i32.mul
    local.get $q
    i32.add
    return
  )
  ;; data @text
  (data $text (memory $memory) (i32.const 64) "abcabcabzabcabdddd")
  ;; data @pats
  (data $pats (memory $memory) (i32.const 16) "abc\00\00\00\00\00dd\00\00\00\00\00\00abcab\00\00\00z\00\00\00\00\00\00\00")
  ;; data @lens
  (data $lens (memory $memory) (i32.const 48) "\03\00\00\00\02\00\00\00\05\00\00\00\01\00\00\00")
)
(assert_return (invoke "matches" (i32.const 0) (i32.const 7)) (i32.const 4067))
(assert_return (invoke "matches" (i32.const 3) (i32.const 7)) (i32.const 4067))
(assert_return (invoke "matches" (i32.const 6) (i32.const 7)) (i32.const 2027))
(assert_return (invoke "matches" (i32.const 8) (i32.const 7)) (i32.const 9))
(assert_return (invoke "matches" (i32.const 9) (i32.const 7)) (i32.const 4067))
(assert_return (invoke "matches" (i32.const 14) (i32.const 7)) (i32.const 307))
(assert_return (invoke "matches" (i32.const 16) (i32.const 7)) (i32.const 307))
(assert_trap (invoke "matches" (i32.const 2147483647) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "first_set" (i32.const 0) (i32.const 100)) (i32.const 8000))
(assert_return (invoke "first_set" (i32.const 1) (i32.const 100)) (i32.const 0))
(assert_return (invoke "first_set" (i32.const 40) (i32.const 100)) (i32.const 3000))
(assert_return (invoke "first_set" (i32.const 128) (i32.const 100)) (i32.const 7007))
(assert_trap (invoke "first_set" (i32.const 64) (i32.const 3)) "integer divide by zero")
