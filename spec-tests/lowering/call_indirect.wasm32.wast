;; Generated from tests/cases/call_indirect.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $call_indirect
  (type $t0 (func (param i32 i32) (result i32)))
  (type $t1 (func (param i32) (result i32)))
  (type $t2 (func (param i32 i32 i32) (result i32)))
  (table $table 5 5 funcref)
  (memory $memory 17 16384)
  (global $inc_ptr i32 (i32.const 4))
  ;; shadow stack: 0x20..0x100020, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048608))
  ;; the end of the data
  (global $__data_end i32 (i32.const 28))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048608))
  (export "apply" (func $apply))
  (export "via_global" (func $via_global))
  (export "call_null" (func $call_null))
  (export "call_wrong_signature" (func $call_wrong_signature))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  (elem $functions (table $table) (i32.const 1) func $add $mul $sub $inc)
  ;; fn @add
  (func $add (type $t0) (param $a i32) (param $b i32) (result i32)
    ;; entry
    local.get $a
    local.get $b
    i32.add
    return
  )
  ;; fn @mul
  (func $mul (type $t0) (param $a i32) (param $b i32) (result i32)
    ;; entry
    local.get $a
    local.get $b
    i32.mul
    return
  )
  ;; fn @sub
  (func $sub (type $t0) (param $a i32) (param $b i32) (result i32)
    ;; entry
    local.get $a
    local.get $b
    i32.sub
    return
  )
  ;; fn @inc
  (func $inc (type $t1) (param $a i32) (result i32)
    ;; entry
    local.get $a
    i32.const 1
    i32.add
    return
  )
  ;; fn @apply
  (func $apply (type $t2) (param $which i32) (param $a i32) (param $b i32) (result i32)
    (local $f i32)
    block $call
      block $use_sub
        ;; entry
        block $use_mul
          block $use_add
            local.get $which
            br_table $use_add $use_mul $use_sub $use_sub
          end
          ;; use_add
          i32.const 1
          local.set $f
          br $call
        end
        ;; use_mul
        i32.const 2
        local.set $f
        br $call
      end
      ;; use_sub
      i32.const 3
      local.set $f
    end
    ;; call
    local.get $a
    local.get $b
    local.get $f
    call_indirect $table (type $t0) (param i32 i32) (result i32)
    return
  )
  ;; fn @via_global
  (func $via_global (type $t1) (param $x i32) (result i32)
    ;; entry
    local.get $x
    global.get $inc_ptr
    call_indirect $table (type $t1) (param i32) (result i32)
    return
  )
  ;; fn @call_null
  (func $call_null (type $t1) (param $x i32) (result i32)
    ;; entry
    local.get $x
    i32.const 0
    call_indirect $table (type $t1) (param i32) (result i32)
    return
  )
  ;; fn @call_wrong_signature
  (func $call_wrong_signature (type $t1) (param $x i32) (result i32)
    ;; entry
    local.get $x
    i32.const 1
    call_indirect $table (type $t1) (param i32) (result i32)
    return
  )
  ;; data @ops
  (data $ops (memory $memory) (i32.const 16) "\01\00\00\00\02\00\00\00\03\00\00\00")
)
(assert_return (invoke "apply" (i32.const 0) (i32.const 6) (i32.const 7)) (i32.const 13))
(assert_return (invoke "apply" (i32.const 1) (i32.const 6) (i32.const 7)) (i32.const 42))
(assert_return (invoke "apply" (i32.const 2) (i32.const 6) (i32.const 7)) (i32.const -1))
(assert_return (invoke "via_global" (i32.const 20)) (i32.const 21))
(assert_trap (invoke "call_null" (i32.const 1)) "uninitialized element")
(assert_trap (invoke "call_wrong_signature" (i32.const 1)) "indirect call type mismatch")
