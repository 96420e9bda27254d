;; Generated from tests/cases/simplify.vir by tests/golden.rs (wasm32, -O2 no-simplify): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $simplify
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x50..0x100050, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048656))
  ;; the end of the data
  (global $__data_end i32 (i32.const 80))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048656))
  (export "bits" (func $bits))
  (export "third" (func $third))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @bits
  (func $bits (type $t0) (param $x i32) (result i32)
    (local $c i32)
    (local $i i32)
    (local $n i32)
    (local $b i32)
    (local $t i32)
    ;; entry
    local.get $x
    i32.const 0
    i32.const 0
    local.set $n
    local.set $i
    local.set $c
    loop $loop
      ;; loop
      local.get $c
      i32.const 1
      i32.and
      local.tee $b
      i32.const 0
      i32.ne
      local.set $t
      i32.const 16
      local.get $i
      i32.const 1
      i32.mul
      i32.add
      local.get $b
      i32.store8
      local.get $n
      i32.const 0
      i32.add
      local.set $n
      local.get $t
      if
        ;; set
        local.get $n
        i32.const 1
        i32.add
        local.set $n
      end
      ;; next
      local.get $c
      i32.const 1
      i32.shr_u
      local.set $c
      local.get $i
      i32.const 1
      i32.add
      local.tee $i
      local.get $i
      i32.lt_s
      local.get $c
      i32.const 0
      i32.ne
      i32.or
      br_if $loop
      ;; done
      local.get $n
      return
    end
    unreachable
  )
  ;; fn @third
  (func $third (type $t1) (result i32)
    ;; entry
    i32.const 16
    i32.const 3
    i32.const 1
    i32.mul
    i32.add
    i32.load8_u
    return
  )
)
(assert_return (invoke "bits" (i32.const 11)) (i32.const 3))
(assert_return (invoke "bits" (i32.const 0)) (i32.const 0))
(assert_return (invoke "bits" (i32.const -1)) (i32.const 32))
(assert_return (invoke "third") (i32.const 1))
