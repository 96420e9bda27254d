;; Generated from tests/cases/jump_threading_frontend.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $jump_threading_frontend
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i32 i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x20..0x100020, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048608))
  ;; the end of the data
  (global $__data_end i32 (i32.const 32))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048608))
  (export "prefix" (func $prefix))
  (export "either" (func $either))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @prefix
  (func $prefix (type $t0) (param $n i32) (result i32)
    (local $k i32)
    (local $v7 i32)
    (local $and i32)
    ;; entry
    i32.const 0
    local.set $k
    loop $while1
      block $endwhile3
        ;; while1
        local.get $k
        local.get $n
        i32.ge_s
        br_if $endwhile3
        ;; and4
        local.get $k
        local.set $v7
        i32.const 16
        local.get $v7
        i32.add
        i32.load8_u
        i32.const 24
        local.get $v7
        i32.add
        i32.load8_u
        i32.eq
        local.tee $and
        ;; endand5
        i32.eqz
        br_if $endwhile3
        ;; body2
        local.get $k
        i32.const 1
        i32.add
        local.set $k
        br $while1
      end
      ;; endwhile3
      local.get $k
      return
    end
    unreachable
  )
  ;; fn @either
  (func $either (type $t1) (param $x i32) (param $y i32) (result i32)
    (local $or i32)
    block $then3
      ;; entry
      local.get $x
      i32.eqz
      br_if $then3
      ;; or1
      local.get $y
      i32.eqz
      local.tee $or
      ;; endor2
      br_if $then3
      ;; endif4
      i32.const 0
      return
    end
    ;; then3
    i32.const 1
    return
  )
  ;; data @a
  (data $a (memory $memory) (i32.const 16) "abcdxyz\00")
  ;; data @b
  (data $b (memory $memory) (i32.const 24) "abcQxyz\00")
)
(assert_return (invoke "prefix" (i32.const 8)) (i32.const 3))
(assert_return (invoke "prefix" (i32.const 2)) (i32.const 2))
(assert_return (invoke "prefix" (i32.const 0)) (i32.const 0))
(assert_return (invoke "either" (i32.const 0) (i32.const 5)) (i32.const 1))
(assert_return (invoke "either" (i32.const 3) (i32.const 0)) (i32.const 1))
(assert_return (invoke "either" (i32.const 3) (i32.const 5)) (i32.const 0))
