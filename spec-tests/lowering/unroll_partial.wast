;; Generated from tests/cases/unroll_partial.vir by tests/golden.rs (wasm64): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $unroll_partial
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32 i32) (result i32)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x1330..0x101330, growing down
  (global $__stack_pointer (mut i64) (i64.const 1053488))
  ;; the end of the data
  (global $__data_end i64 (i64.const 4912))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1053488))
  (export "squares" (func $squares))
  (export "bytes" (func $bytes))
  (export "dot" (func $dot))
  (export "down" (func $down))
  (export "big" (func $big))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @squares
  (func $squares (type $t0) (param $n i32) (result i32)
    (local $t i32)
    (local $acc i32)
    (local $limit i32)
    (local $s i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $acc
    local.set $t
    ;; twice
    loop $twice
      ;; pre
      local.get $n
      i32.const -2147483645
      i32.ge_s
      local.set $limit
      local.get $n
      i32.const 3
      i32.sub
      i32.const -2147483648
      local.get $limit
      select
      local.set $limit
      i32.const 0
      local.get $acc
      local.set $s
      local.set $acc
      block $for_x4_exit
        ;; for_x4
        local.get $acc
        local.get $limit
        i32.ge_s
        br_if $for_x4_exit
        loop $for_x4
          ;; for_u0
          ;; body_u0
          local.get $s
          local.get $acc
          local.get $acc
          i32.mul
          i32.add
          local.set $s
          local.get $acc
          i32.const 1
          i32.add
          local.set $acc
          ;; for_u1
          ;; body_u1
          local.get $s
          local.get $acc
          local.get $acc
          i32.mul
          i32.add
          local.set $s
          local.get $acc
          i32.const 1
          i32.add
          local.set $acc
          ;; for_u2
          ;; body_u2
          local.get $s
          local.get $acc
          local.get $acc
          i32.mul
          i32.add
          local.set $s
          local.get $acc
          i32.const 1
          i32.add
          local.set $acc
          ;; for
          ;; body
          local.get $s
          local.get $acc
          local.get $acc
          i32.mul
          i32.add
          local.set $s
          local.get $acc
          i32.const 1
          i32.add
          local.tee $acc
          ;; for_x4
          local.get $limit
          i32.lt_s
          br_if $for_x4
        end
      end
      local.get $s
      local.set $limit
      block $for_rest_exit
        ;; for_rest
        local.get $acc
        local.get $n
        i32.ge_s
        br_if $for_rest_exit
        loop $for_rest
          ;; body_rest
          local.get $limit
          local.get $acc
          local.get $acc
          i32.mul
          i32.add
          local.set $limit
          local.get $acc
          i32.const 1
          i32.add
          local.tee $acc
          ;; for_rest
          local.get $n
          i32.lt_s
          br_if $for_rest
        end
      end
      ;; out
      local.get $t
      i32.const 1
      i32.add
      local.get $limit
      local.set $acc
      local.tee $t
      ;; twice
      i32.const 2
      i32.lt_s
      br_if $twice
    end
    ;; done
    local.get $acc
    return
  )
  ;; fn @bytes
  (func $bytes (type $t0) (param $seed i32) (result i32)
    (local $i i32)
    (local $r i32)
    (local $h i32)
    ;; entry
    i32.const 0
    local.get $seed
    local.set $r
    local.set $i
    ;; fill
    loop $fill
      ;; fill_body
      local.get $r
      i32.const 1664525
      i32.mul
      i32.const 1013904223
      i32.add
      local.set $r
      i64.const 16
      local.get $i
      i64.extend_i32_s
      i64.add
      local.get $r
      i32.const 24
      i32.shr_u
      i32.store8
      local.get $i
      i32.const 1
      i32.add
      local.tee $i
      ;; fill
      i32.const 4096
      i32.lt_s
      br_if $fill
    end
    ;; hash
    i32.const 0
    i32.const -2128831035
    local.set $r
    local.set $i
    ;; twice
    loop $twice
      ;; pre
      i32.const 0
      local.get $r
      local.set $h
      local.set $r
      block $scan_x4_exit
        ;; scan_x4
        local.get $r
        i32.const 4093
        i32.ge_s
        br_if $scan_x4_exit
        loop $scan_x4
          ;; scan_u0
          ;; scan_body_u0
          local.get $h
          i64.const 16
          local.get $r
          i64.extend_i32_s
          i64.add
          i32.load8_u
          i32.xor
          i32.const 16777619
          i32.mul
          local.set $h
          local.get $r
          i32.const 1
          i32.add
          local.set $r
          ;; scan_u1
          ;; scan_body_u1
          local.get $h
          i64.const 16
          local.get $r
          i64.extend_i32_s
          i64.add
          i32.load8_u
          i32.xor
          i32.const 16777619
          i32.mul
          local.set $h
          local.get $r
          i32.const 1
          i32.add
          local.set $r
          ;; scan_u2
          ;; scan_body_u2
          local.get $h
          i64.const 16
          local.get $r
          i64.extend_i32_s
          i64.add
          i32.load8_u
          i32.xor
          i32.const 16777619
          i32.mul
          local.set $h
          local.get $r
          i32.const 1
          i32.add
          local.set $r
          ;; scan
          ;; scan_body
          local.get $h
          i64.const 16
          local.get $r
          i64.extend_i32_s
          i64.add
          i32.load8_u
          i32.xor
          i32.const 16777619
          i32.mul
          local.set $h
          local.get $r
          i32.const 1
          i32.add
          local.tee $r
          ;; scan_x4
          i32.const 4093
          i32.lt_s
          br_if $scan_x4
        end
      end
      ;; scan_last
      ;; next
      local.get $i
      i32.const 1
      i32.add
      local.get $h
      local.set $r
      local.tee $i
      ;; twice
      i32.const 2
      i32.lt_s
      br_if $twice
    end
    ;; done
    local.get $r
    return
  )
  ;; fn @dot
  (func $dot (type $t0) (param $n i32) (result i32)
    (local $i i32)
    (local $p i64)
    (local $tot f64)
    (local $limit i32)
    (local $k i32)
    ;; entry
    i32.const 0
    i64.const 4112
    local.set $p
    local.set $i
    block $fill_exit
      ;; fill
      local.get $i
      local.get $n
      i32.ge_s
      br_if $fill_exit
      loop $fill
        ;; fill_body
        local.get $p
        local.get $i
        f64.convert_i32_s
        f64.store
        local.get $i
        i32.const 1
        i32.add
        local.get $p
        i64.const 8
        i64.add
        local.set $p
        local.tee $i
        ;; fill
        local.get $n
        i32.lt_s
        br_if $fill
      end
    end
    ;; sum
    i32.const 0
    f64.const 0.0
    local.set $tot
    local.set $i
    block $twice_exit
      ;; twice
      local.get $i
      i32.const 2
      i32.ge_s
      br_if $twice_exit
      loop $twice
        ;; pre
        local.get $n
        i32.const -2147483647
        i32.ge_s
        local.set $limit
        local.get $n
        i32.const 1
        i32.sub
        i32.const -2147483648
        local.get $limit
        select
        local.set $limit
        i32.const 0
        i64.const 4112
        local.set $p
        local.set $k
        block $for_x2_exit
          ;; for_x2
          local.get $k
          local.get $limit
          i32.ge_s
          br_if $for_x2_exit
          loop $for_x2
            ;; for_u0
            ;; body_u0
            local.get $tot
            local.get $p
            f64.load
            i64.const 4112
            local.get $n
            local.get $k
            i32.sub
            i32.const 1
            i32.sub
            i64.extend_i32_s
            i64.const 8
            i64.mul
            i64.add
            f64.load
            f64.mul
            f64.add
            local.set $tot
            local.get $k
            i32.const 1
            i32.add
            local.set $k
            local.get $p
            i64.const 8
            i64.add
            local.set $p
            ;; for
            ;; body
            local.get $tot
            local.get $p
            f64.load
            i64.const 4112
            local.get $n
            local.get $k
            i32.sub
            i32.const 1
            i32.sub
            i64.extend_i32_s
            i64.const 8
            i64.mul
            i64.add
            f64.load
            f64.mul
            f64.add
            local.set $tot
            local.get $k
            i32.const 1
            i32.add
            local.set $k
            local.get $p
            i64.const 8
            i64.add
            local.set $p
            ;; for_x2
            local.get $k
            local.get $limit
            i32.lt_s
            br_if $for_x2
          end
        end
        local.get $k
        local.set $limit
        block $for_rest_exit
          ;; for_rest
          local.get $limit
          local.get $n
          i32.ge_s
          br_if $for_rest_exit
          loop $for_rest
            ;; body_rest
            local.get $tot
            local.get $p
            f64.load
            i64.const 4112
            local.get $n
            local.get $limit
            i32.sub
            i32.const 1
            i32.sub
            i64.extend_i32_s
            i64.const 8
            i64.mul
            i64.add
            f64.load
            f64.mul
            f64.add
            local.set $tot
            local.get $limit
            i32.const 1
            i32.add
            local.set $limit
            local.get $p
            i64.const 8
            i64.add
            local.set $p
            ;; for_rest
            local.get $limit
            local.get $n
            i32.lt_s
            br_if $for_rest
          end
        end
        ;; out
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        ;; twice
        i32.const 2
        i32.lt_s
        br_if $twice
      end
    end
    ;; done
    local.get $tot
    i32.trunc_f64_s
    return
  )
  ;; fn @down
  (func $down (type $t1) (param $start i32) (param $n i32) (result i32)
    (local $t i32)
    (local $acc i32)
    (local $limit i32)
    (local $s i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $acc
    local.set $t
    ;; twice
    loop $twice
      ;; pre
      local.get $n
      i32.const -9
      i32.le_u
      local.set $limit
      local.get $n
      i32.const 8
      i32.add
      i32.const -1
      local.get $limit
      select
      local.set $limit
      local.get $start
      local.get $acc
      local.set $s
      local.set $acc
      block $for_x4_exit
        ;; for_x4
        local.get $acc
        local.get $limit
        i32.le_u
        br_if $for_x4_exit
        loop $for_x4
          ;; for_u0
          ;; body_u0
          local.get $s
          i32.const 97
          local.get $acc
          i32.div_u
          i32.add
          local.get $acc
          i32.add
          local.set $s
          local.get $acc
          i32.const -3
          i32.add
          local.set $acc
          ;; for_u1
          ;; body_u1
          local.get $s
          i32.const 97
          local.get $acc
          i32.div_u
          i32.add
          local.get $acc
          i32.add
          local.set $s
          local.get $acc
          i32.const -3
          i32.add
          local.set $acc
          ;; for_u2
          ;; body_u2
          local.get $s
          i32.const 97
          local.get $acc
          i32.div_u
          i32.add
          local.get $acc
          i32.add
          local.set $s
          local.get $acc
          i32.const -3
          i32.add
          local.set $acc
          ;; for
          ;; body
          local.get $s
          i32.const 97
          local.get $acc
          i32.div_u
          i32.add
          local.get $acc
          i32.add
          local.set $s
          local.get $acc
          i32.const -3
          i32.add
          local.tee $acc
          ;; for_x4
          local.get $limit
          i32.gt_u
          br_if $for_x4
        end
      end
      local.get $s
      local.set $limit
      block $for_rest_exit
        ;; for_rest
        local.get $acc
        local.get $n
        i32.lt_u
        br_if $for_rest_exit
        loop $for_rest
          ;; body_rest
          local.get $limit
          i32.const 97
          local.get $acc
          i32.div_u
          i32.add
          local.get $acc
          i32.add
          local.set $limit
          local.get $acc
          i32.const -3
          i32.add
          local.tee $acc
          ;; for_rest
          local.get $n
          i32.ge_u
          br_if $for_rest
        end
      end
      ;; out
      local.get $limit
      local.get $acc
      i32.add
      local.set $acc
      local.get $t
      i32.const 1
      i32.add
      local.tee $t
      ;; twice
      i32.const 2
      i32.lt_s
      br_if $twice
    end
    ;; done
    local.get $acc
    return
  )
  ;; fn @big
  (func $big (type $t0) (param $n i32) (result i32)
    (local $k i32)
    (local $s i32)
    (local $a1 i32)
    (local $a2 i32)
    (local $a3 i32)
    (local $a4 i32)
    (local $a5 i32)
    (local $a8 i32)
    ;; entry
    i32.const 0
    i32.const 0
    local.set $s
    local.set $k
    block $for_exit
      ;; for
      local.get $k
      local.get $n
      i32.ge_s
      br_if $for_exit
      loop $for
        ;; body
        local.get $k
        local.get $k
        i32.mul
        local.tee $a1
        local.get $s
        i32.xor
        local.tee $a2
        local.get $k
        i32.add
        local.tee $a3
        local.get $a3
        i32.mul
        local.tee $a4
        local.get $k
        i32.shr_u
        local.tee $a5
        local.get $a1
        i32.xor
        local.tee $a1
        local.get $a2
        i32.add
        local.tee $a2
        local.get $k
        i32.rotl
        local.tee $a8
        local.get $a3
        i32.sub
        local.tee $a3
        local.get $a4
        i32.or
        local.tee $a4
        local.get $a5
        i32.and
        local.tee $a5
        local.get $a1
        i32.add
        local.tee $a1
        local.get $a2
        i32.xor
        local.tee $a2
        local.get $a8
        i32.mul
        local.tee $a8
        local.get $a3
        i32.add
        local.set $a3
        local.get $s
        local.get $a3
        local.get $a4
        i32.xor
        local.get $a5
        i32.add
        local.get $a1
        i32.sub
        local.get $a2
        i32.xor
        local.get $a8
        i32.add
        local.get $s
        i32.and
        local.get $a3
        i32.xor
        i32.add
        local.set $s
        local.get $k
        i32.const 1
        i32.add
        local.tee $k
        ;; for
        local.get $n
        i32.lt_s
        br_if $for
      end
    end
    ;; out
    local.get $s
    return
  )
)
(assert_return (invoke "squares" (i32.const 0)) (i32.const 0))
(assert_return (invoke "squares" (i32.const 1)) (i32.const 0))
(assert_return (invoke "squares" (i32.const 3)) (i32.const 10))
(assert_return (invoke "squares" (i32.const 4)) (i32.const 28))
(assert_return (invoke "squares" (i32.const 5)) (i32.const 60))
(assert_return (invoke "squares" (i32.const 1000)) (i32.const 665667000))
(assert_return (invoke "squares" (i32.const -5)) (i32.const 0))
(assert_return (invoke "squares" (i32.const -2147483647)) (i32.const 0))
(assert_return (invoke "bytes" (i32.const 1)) (i32.const -542973023))
(assert_return (invoke "dot" (i32.const 0)) (i32.const 0))
(assert_return (invoke "dot" (i32.const 7)) (i32.const 70))
(assert_return (invoke "dot" (i32.const 100)) (i32.const 323400))
(assert_return (invoke "down" (i32.const 100) (i32.const 20)) (i32.const 3412))
(assert_return (invoke "down" (i32.const 1000) (i32.const 10)) (i32.const 334458))
(assert_trap (invoke "down" (i32.const 9) (i32.const 0)) "integer divide by zero")
(assert_return (invoke "big" (i32.const 9)) (i32.const 569434986))
