;; Generated from tests/cases/unroll_outer.vir by tests/golden.rs (wasm32, -O2 no-unroll): do not edit.
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
    (local $k i32)
    (local $pat i32)
    (local $k_1 i32)
    (local $full i32)
    ;; entry
    ;; body_u0
    i32.const 0
    local.set $k
    loop $inner_u0
      block $after_u0
        ;; inner_u0
        local.get $k
        i32.const 3
        i32.ge_s
        br_if $after_u0
        ;; cmp_u0
        i32.const 64
        local.get $a
        local.get $k
        i32.add
        i32.add
        i32.load8_u
        i32.const 16
        local.get $k
        i32.add
        i32.load8_u
        i32.ne
        br_if $after_u0
        ;; next_u0
        local.get $k
        i32.const 1
        i32.add
        local.set $k
        br $inner_u0
      end
      ;; after_u0
      local.get $k
      local.get $k
      i32.const 3
      i32.eq
      i32.add
      local.set $k
      ;; body_u1
      i32.const 16
      i32.const 8
      i32.add
      local.set $pat
      i32.const 0
      local.set $k_1
      loop $inner_u1
        block $after_u1
          ;; inner_u1
          local.get $k_1
          i32.const 2
          i32.ge_s
          br_if $after_u1
          ;; cmp_u1
          i32.const 64
          local.get $a
          local.get $k_1
          i32.add
          i32.add
          i32.load8_u
          local.get $pat
          local.get $k_1
          i32.add
          i32.load8_u
          i32.ne
          br_if $after_u1
          ;; next_u1
          local.get $k_1
          i32.const 1
          i32.add
          local.set $k_1
          br $inner_u1
        end
        ;; after_u1
        local.get $k_1
        i32.const 2
        i32.eq
        local.set $full
        local.get $k
        i32.const 10
        i32.mul
        local.get $k_1
        i32.add
        local.get $full
        i32.add
        local.set $k
        ;; body_u2
        i32.const 16
        i32.const 16
        i32.add
        local.set $pat
        i32.const 0
        local.set $k_1
        loop $inner_u2
          block $after_u2
            ;; inner_u2
            local.get $k_1
            i32.const 5
            i32.ge_s
            br_if $after_u2
            ;; cmp_u2
            i32.const 64
            local.get $a
            local.get $k_1
            i32.add
            i32.add
            i32.load8_u
            local.get $pat
            local.get $k_1
            i32.add
            i32.load8_u
            i32.ne
            br_if $after_u2
            ;; next_u2
            local.get $k_1
            i32.const 1
            i32.add
            local.set $k_1
            br $inner_u2
          end
          ;; after_u2
          local.get $k_1
          i32.const 5
          i32.eq
          local.set $full
          local.get $k
          i32.const 10
          i32.mul
          local.get $k_1
          i32.add
          local.get $full
          i32.add
          local.set $k
          ;; body
          i32.const 16
          i32.const 24
          i32.add
          local.set $pat
          i32.const 0
          local.set $k_1
          loop $inner
            block $after
              ;; inner
              local.get $k_1
              i32.const 1
              i32.ge_s
              br_if $after
              ;; cmp
              i32.const 64
              local.get $a
              local.get $k_1
              i32.add
              i32.add
              i32.load8_u
              local.get $pat
              local.get $k_1
              i32.add
              i32.load8_u
              i32.ne
              br_if $after
              ;; next
              local.get $k_1
              i32.const 1
              i32.add
              local.set $k_1
              br $inner
            end
            ;; after
            local.get $k_1
            i32.const 1
            i32.eq
            local.set $full
            local.get $k
            i32.const 10
            i32.mul
            local.get $k_1
            i32.add
            local.get $full
            i32.add
            local.tee $k
            ;; done
            local.get $b
            i32.add
            return
          end
        end
      end
    end
    unreachable
  )
  ;; fn @first_set
  (func $first_set (type $t0) (param $a i32) (param $d i32) (result i32)
    (local $k i32)
    (local $acc i32)
    (local $bit i32)
    (local $q i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $acc
    local.set $k
    loop $head
      block $out
        ;; head
        local.get $k
        i32.const 8
        i32.ge_s
        br_if $out
        ;; test
        local.get $a
        local.get $k
        i32.shr_u
        i32.const 1
        i32.and
        local.set $bit
        local.get $a
        local.get $d
        local.get $k
        i32.sub
        i32.div_u
        local.set $q
        local.get $bit
        br_if $out
        ;; step
        local.get $acc
        local.get $q
        i32.add
        local.set $acc
        local.get $k
        i32.const 1
        i32.add
        local.set $k
        br $head
      end
      ;; out
      local.get $k
      i32.const 1000
      i32.mul
      local.get $acc
      i32.add
      return
    end
    unreachable
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
