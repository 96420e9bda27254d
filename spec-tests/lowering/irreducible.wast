;; Generated from tests/cases/irreducible.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $irreducible
  (type $t0 (func (param i32 i32) (result i32)))
  (type $t1 (func (param i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048592))
  ;; the end of the data
  (global $__data_end i64 (i64.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048592))
  (export "zigzag" (func $zigzag))
  (export "duff" (func $duff))
  (export "nested" (func $nested))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @zigzag
  (func $zigzag (type $t0) (param $c i32) (param $n i32) (result i32)
    (local $label i32)
    (local $bacc i32)
    (local $a.i i32)
    (local $a.acc i32)
    (local $b.j i32)
    (local $b.bacc i32)
    ;; entry
    local.get $c
    if
      ;; entry.to.a
      local.get $n
      local.set $a.i
      i32.const 0
      local.set $a.acc
      i32.const 0
      local.set $label
    else
      ;; entry.to.b
      local.get $n
      local.set $b.j
      i32.const 0
      local.set $b.bacc
      i32.const 1
      local.set $label
    end
    loop $dispatch_loop
      block $exit
        block $a
          ;; dispatch
          block $b
            local.get $label
            br_table $a $b $a
          end
          ;; b
          local.get $b.j
          local.set $label
          local.get $b.bacc
          local.set $bacc
          local.get $label
          i32.eqz
          if
            local.get $bacc
            local.set $label
            br $exit
          end
          ;; b_step
          local.get $bacc
          i32.const 2
          i32.mul
          local.set $bacc
          local.get $label
          i32.const 1
          i32.sub
          local.tee $label
          ;; b_step.to.a
          local.set $a.i
          local.get $bacc
          local.set $a.acc
          i32.const 0
          local.set $label
          br $dispatch_loop
        end
        ;; a
        local.get $a.i
        local.set $label
        local.get $a.acc
        local.set $bacc
        local.get $label
        i32.eqz
        if
          local.get $bacc
          local.set $label
          br $exit
        end
        ;; a_step
        local.get $bacc
        i32.const 1
        i32.add
        local.set $bacc
        local.get $label
        i32.const 1
        i32.sub
        local.tee $label
        ;; a_step.to.b
        local.set $b.j
        local.get $bacc
        local.set $b.bacc
        i32.const 1
        local.set $label
        br $dispatch_loop
      end
      ;; exit
      local.get $label
      return
    end
    unreachable
  )
  ;; fn @duff
  (func $duff (type $t1) (param $n i32) (result i32)
    (local $r i32)
    (local $loops i32)
    (local $s0.a0 i32)
    (local $s0.l0 i32)
    (local $s3.a3 i32)
    (local $s3.l3 i32)
    (local $s2.a2 i32)
    (local $s2.l2 i32)
    (local $s1.a1 i32)
    (local $s1.l1 i32)
    ;; entry
    local.get $n
    i32.eqz
    if $exit
      i32.const 0
      local.set $r
    else
      block $dispatch
        ;; start
        local.get $n
        i32.const 4
        i32.rem_u
        local.set $r
        local.get $n
        i32.const 3
        i32.add
        i32.const 4
        i32.div_u
        local.set $loops
        block $start.to.s0_1
          block $start.to.s3
            block $start.to.s2
              block $start.to.s1
                block $start.to.s0
                  local.get $r
                  br_table $start.to.s0 $start.to.s1 $start.to.s2 $start.to.s3 $start.to.s0_1
                end
                ;; start.to.s0
                i32.const 0
                local.set $s0.a0
                local.get $loops
                local.set $s0.l0
                i32.const 0
                local.set $r
                br $dispatch
              end
              ;; start.to.s1
              i32.const 0
              local.set $s1.a1
              local.get $loops
              local.set $s1.l1
              i32.const 3
              local.set $r
              br $dispatch
            end
            ;; start.to.s2
            i32.const 0
            local.set $s2.a2
            local.get $loops
            local.set $s2.l2
            i32.const 2
            local.set $r
            br $dispatch
          end
          ;; start.to.s3
          i32.const 0
          local.set $s3.a3
          local.get $loops
          local.set $s3.l3
          i32.const 1
          local.set $r
          br $dispatch
        end
        ;; start.to.s0
        i32.const 0
        local.set $s0.a0
        local.get $loops
        local.set $s0.l0
        i32.const 0
        local.set $r
      end
      loop $dispatch_loop
        block $s0
          ;; dispatch
          block $s1
            block $s2
              block $s3
                local.get $r
                br_table $s0 $s3 $s2 $s1 $s0
              end
              ;; s3
              local.get $s3.a3
              local.set $r
              local.get $s3.l3
              local.set $loops
              local.get $r
              i32.const 2
              i32.mul
              i32.const 1
              i32.add
              local.tee $r
              ;; s3.to.s2
              local.set $s2.a2
              local.get $loops
              local.set $s2.l2
              i32.const 2
              local.set $r
              br $dispatch_loop
            end
            ;; s2
            local.get $s2.a2
            local.set $r
            local.get $s2.l2
            local.set $loops
            local.get $r
            i32.const 2
            i32.mul
            i32.const 1
            i32.add
            local.tee $r
            ;; s2.to.s1
            local.set $s1.a1
            local.get $loops
            local.set $s1.l1
            i32.const 3
            local.set $r
            br $dispatch_loop
          end
          ;; s1
          local.get $s1.a1
          local.set $r
          local.get $s1.l1
          local.set $loops
          local.get $r
          i32.const 2
          i32.mul
          i32.const 1
          i32.add
          local.set $r
          local.get $loops
          i32.const 1
          i32.sub
          local.tee $loops
          i32.const 0
          i32.le_s
          br_if $exit
          ;; s1.to.s0
          local.get $r
          local.set $s0.a0
          local.get $loops
          local.set $s0.l0
          i32.const 0
          local.set $r
          br $dispatch_loop
        end
        ;; s0
        local.get $s0.a0
        local.set $r
        local.get $s0.l0
        local.set $loops
        local.get $r
        i32.const 2
        i32.mul
        i32.const 1
        i32.add
        local.tee $r
        ;; s0.to.s3
        local.set $s3.a3
        local.get $loops
        local.set $s3.l3
        i32.const 1
        local.set $r
        br $dispatch_loop
      end
    end
    ;; exit
    local.get $r
    return
  )
  ;; fn @nested
  (func $nested (type $t1) (param $n i32) (result i32)
    (local $i i32)
    (local $acc i32)
    (local $m i32)
    (local $a.x i32)
    (local $a.k i32)
    (local $b.y i32)
    (local $b.m i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $acc
    local.set $i
    block $head_exit
      ;; head
      local.get $i
      local.get $n
      i32.ge_s
      br_if $head_exit
      loop $head
        ;; pick
        local.get $i
        i32.const 1
        i32.and
        if
          ;; pick.to.a
          local.get $acc
          local.set $a.x
          i32.const 3
          local.set $a.k
          i32.const 0
          local.set $acc
        else
          ;; pick.to.b
          local.get $acc
          local.set $b.y
          i32.const 3
          local.set $b.m
          i32.const 1
          local.set $acc
        end
        loop $dispatch_loop
          block $latch
            block $a
              ;; dispatch
              block $b
                local.get $acc
                br_table $a $b $a
              end
              ;; b
              local.get $b.y
              local.set $acc
              local.get $b.m
              local.tee $m
              i32.eqz
              br_if $latch
              ;; b_step
              local.get $acc
              i32.const 3
              i32.mul
              local.set $acc
              local.get $m
              i32.const 1
              i32.sub
              local.set $m
              ;; b_step.to.a
              local.get $acc
              local.set $a.x
              local.get $m
              local.set $a.k
              i32.const 0
              local.set $acc
              br $dispatch_loop
            end
            ;; a
            local.get $a.x
            local.set $acc
            local.get $a.k
            local.tee $m
            i32.eqz
            br_if $latch
            ;; a_step
            local.get $acc
            i32.const 5
            i32.add
            local.set $acc
            local.get $m
            i32.const 1
            i32.sub
            local.set $m
            ;; a_step.to.b
            local.get $acc
            local.set $b.y
            local.get $m
            local.set $b.m
            i32.const 1
            local.set $acc
            br $dispatch_loop
          end
          ;; latch
          local.get $i
          i32.const 1
          i32.add
          local.tee $i
          ;; head
          local.get $n
          i32.lt_s
          br_if $head
        end
      end
    end
    ;; exit
    local.get $acc
    return
  )
)
(assert_return (invoke "zigzag" (i32.const 1) (i32.const 5)) (i32.const 7))
(assert_return (invoke "zigzag" (i32.const 0) (i32.const 5)) (i32.const 6))
(assert_return (invoke "zigzag" (i32.const 1) (i32.const 0)) (i32.const 0))
(assert_return (invoke "zigzag" (i32.const 0) (i32.const 31)) (i32.const 65534))
(assert_return (invoke "duff" (i32.const 0)) (i32.const 0))
(assert_return (invoke "duff" (i32.const 1)) (i32.const 1))
(assert_return (invoke "duff" (i32.const 4)) (i32.const 15))
(assert_return (invoke "duff" (i32.const 5)) (i32.const 31))
(assert_return (invoke "duff" (i32.const 10)) (i32.const 1023))
(assert_return (invoke "duff" (i32.const 33)) (i32.const -1))
(assert_return (invoke "nested" (i32.const 0)) (i32.const 0))
(assert_return (invoke "nested" (i32.const 1)) (i32.const 15))
(assert_return (invoke "nested" (i32.const 2)) (i32.const 65))
(assert_return (invoke "nested" (i32.const 7)) (i32.const 442860))
