;; Generated from tests/cases/sroa.vir by tests/golden.rs (wasm32, -O2 no-sroa): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $sroa
  (type $t0 (func (param i32 f64 f64 f64)))
  (type $t1 (func (param f64 f64 f64) (result f64)))
  (type $t2 (func (param i32) (result i64)))
  (type $t3 (func (param i32) (result i32)))
  (type $t4 (func (param i32 i64) (result i64)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x20..0x100020, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048608))
  ;; the end of the data
  (global $__data_end i32 (i32.const 24))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048608))
  (export "length2" (func $length2))
  (export "sum_to" (func $sum_to))
  (export "escapes" (func $escapes))
  (export "maybe_set" (func $maybe_set))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @length2
  (func $length2 (type $t1) (param $x f64) (param $y f64) (param $z f64) (result f64)
    (local $v i32)
    (local $a f64)
    (local $b f64)
    (local $c2 f64)
    (local $frame i32)
    ;; allocate a 32-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i32.const 64
    i32.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    i32.const 32
    i32.sub
    local.tee $frame
    global.set $__stack_pointer
    ;; entry
    local.get $frame
    local.tee $v
    local.get $x
    f64.store
    local.get $v
    local.get $y
    f64.store offset=8
    local.get $v
    local.get $z
    f64.store offset=16
    local.get $v
    f64.load
    local.set $a
    local.get $v
    f64.load offset=8
    local.set $b
    local.get $a
    local.get $a
    f64.mul
    local.set $a
    local.get $b
    local.get $b
    f64.mul
    local.set $b
    local.get $z
    local.get $z
    f64.mul
    local.set $c2
    local.get $a
    local.get $b
    f64.add
    local.get $c2
    f64.add
    local.get $frame
    i32.const 32
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @sum_to
  (func $sum_to (type $t2) (param $n i32) (result i64)
    (local $p i32)
    (local $i i32)
    (local $frame i32)
    ;; allocate a 16-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i32.const 48
    i32.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.tee $frame
    global.set $__stack_pointer
    ;; entry
    local.get $frame
    local.tee $p
    i32.const 0
    i32.store
    local.get $p
    i64.const 0
    i64.store offset=8
    block $head_exit
      ;; head
      local.get $p
      i32.load
      local.tee $i
      local.get $n
      i32.ge_s
      br_if $head_exit
      loop $head
        ;; body
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        local.get $p
        local.get $i
        i32.store
        local.get $p
        local.get $p
        i64.load offset=8
        local.get $i
        i64.extend_i32_s
        i64.add
        i64.store offset=8
        ;; head
        local.get $p
        i32.load
        local.tee $i
        local.get $n
        i32.lt_s
        br_if $head
      end
    end
    ;; done
    local.get $p
    i64.load offset=8
    local.get $frame
    i32.const 16
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @escapes
  (func $escapes (type $t3) (param $x i32) (result i32)
    (local $q i32)
    (local $v i32)
    (local $frame i32)
    ;; allocate a 16-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i32.const 48
    i32.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.tee $frame
    global.set $__stack_pointer
    ;; entry
    local.get $frame
    local.tee $q
    local.get $x
    i32.store
    i32.const 16
    local.get $q
    i32.store
    local.get $q
    i32.load
    local.tee $v
    local.get $v
    i32.add
    local.get $frame
    i32.const 16
    i32.add
    global.set $__stack_pointer
    return
  )
  ;; fn @maybe_set
  (func $maybe_set (type $t4) (param $c i32) (param $x i64) (result i64)
    (local $p i32)
    (local $frame i32)
    ;; allocate a 16-byte frame; trap if the stack is exhausted
    global.get $__stack_pointer
    i32.const 48
    i32.lt_u
    if
      unreachable
    end
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.tee $frame
    global.set $__stack_pointer
    ;; entry
    local.get $frame
    local.set $p
    local.get $c
    if
      ;; set
      local.get $p
      local.get $x
      i64.store
    end
    ;; join
    local.get $p
    i64.load
    local.get $frame
    i32.const 16
    i32.add
    global.set $__stack_pointer
    return
  )
)
(assert_return (invoke "length2" (f64.const 3.0) (f64.const 4.0) (f64.const 12.0)) (f64.const 169.0))
(assert_return (invoke "sum_to" (i32.const 10)) (i64.const 55))
(assert_return (invoke "sum_to" (i32.const 0)) (i64.const 0))
(assert_return (invoke "escapes" (i32.const 7)) (i32.const 14))
(assert_return (invoke "maybe_set" (i32.const 1) (i64.const 5)) (i64.const 5))
