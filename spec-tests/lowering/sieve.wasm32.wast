;; Generated from tests/cases/sieve.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $sieve
  (type $t0 (func (param i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x7550..0x107550, growing down
  (global $__stack_pointer (mut i32) (i32.const 1078608))
  ;; the end of the data
  (global $__data_end i32 (i32.const 30017))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1078608))
  (export "count_primes" (func $count_primes))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @count_primes
  (func $count_primes (type $t0) (param $n i32) (result i32)
    (local $base i32)
    (local $i i32)
    (local $count i32)
    (local $iptr i32)
    (local $c i32)
    ;; entry
    i32.const 16
    local.set $base
    i32.const 2
    i32.const 0
    local.set $count
    local.set $i
    block $outer_exit
      ;; outer
      local.get $i
      local.get $n
      i32.gt_s
      br_if $outer_exit
      loop $outer
        block $next
          ;; check
          local.get $i
          local.set $iptr
          local.get $base
          local.get $iptr
          i32.add
          i32.load8_u
          br_if $next
          ;; prime
          local.get $count
          i32.const 1
          i32.add
          local.set $count
          local.get $i
          local.get $i
          i32.mul
          local.get $count
          local.set $c
          local.set $count
          block $mark_exit
            ;; mark
            local.get $count
            local.get $n
            i32.gt_s
            br_if $mark_exit
            loop $mark
              ;; set
              local.get $count
              local.set $iptr
              local.get $base
              local.get $iptr
              i32.add
              i32.const 1
              i32.store8
              local.get $count
              local.get $i
              i32.add
              local.tee $count
              ;; mark
              local.get $n
              i32.le_s
              br_if $mark
            end
          end
          local.get $c
          local.set $count
        end
        ;; next
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        ;; outer
        local.get $n
        i32.le_s
        br_if $outer
      end
    end
    ;; done
    local.get $count
    return
  )
)
(assert_return (invoke "count_primes" (i32.const 10)) (i32.const 4))
(assert_return (invoke "count_primes" (i32.const 1000)) (i32.const 168))
(assert_return (invoke "count_primes" (i32.const 30000)) (i32.const 3245))
