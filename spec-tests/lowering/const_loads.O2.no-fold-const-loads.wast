;; Generated from tests/cases/const_loads.vir by tests/golden.rs (wasm64, -O2 no-fold-const-loads): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $const_loads
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (result i32)))
  (type $t2 (func (result i64)))
  (memory $memory i64 17 16384)
  ;; shadow stack: 0x70..0x100070, growing down
  (global $__stack_pointer (mut i64) (i64.const 1048688))
  ;; the end of the data
  (global $__data_end i64 (i64.const 100))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1048688))
  (export "days_in" (func $days_in))
  (export "march_and_last" (func $march_and_last))
  (export "pi_bits" (func $pi_bits))
  (export "signed_byte" (func $signed_byte))
  (export "bump" (func $bump))
  (export "after_ptr" (func $after_ptr))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @days_in
  (func $days_in (type $t0) (param $month i32) (result i32)
    ;; entry
    i64.const 16
    local.get $month
    i64.extend_i32_u
    i64.const 4
    i64.mul
    i64.add
    i32.load
    return
  )
  ;; fn @march_and_last
  (func $march_and_last (type $t1) (result i32)
    (local $t i64)
    ;; entry
    i64.const 16
    local.tee $t
    i32.load offset=8
    local.get $t
    i32.load offset=44
    i32.add
    return
  )
  ;; fn @pi_bits
  (func $pi_bits (type $t2) (result i64)
    ;; entry
    i64.const 64
    f64.load
    i64.reinterpret_f64
    return
  )
  ;; fn @signed_byte
  (func $signed_byte (type $t1) (result i32)
    ;; entry
    i64.const 64
    i32.load8_s offset=8
    return
  )
  ;; fn @bump
  (func $bump (type $t1) (result i32)
    (local $c i64)
    (local $v1 i32)
    ;; entry
    i64.const 96
    local.tee $c
    i32.load
    i32.const 1
    i32.add
    local.set $v1
    local.get $c
    local.get $v1
    i32.store
    local.get $v1
    return
  )
  ;; fn @after_ptr
  (func $after_ptr (type $t1) (result i32)
    (local $m i64)
    ;; entry
    i64.const 80
    local.tee $m
    i32.load offset=4
    local.get $m
    i32.load
    i32.add
    return
  )
  ;; data @days
  (data $days (memory $memory) (i64.const 16)
    "\1f\00\00\00\1c\00\00\00\1f\00\00\00\1e\00\00\00\1f\00\00\00\1e\00\00\00\1f\00\00\00\1f\00\00\00"
    "\1e\00\00\00\1f\00\00\00\1e\00\00\00\1f\00\00\00")
  ;; data @pi
  (data $pi (memory $memory) (i64.const 64) "\18-DT\fb!\09@\fe")
  ;; data @mixed
  (data $mixed (memory $memory) (i64.const 80) "\04\00\00\00\03\00\00\00\00\00\00\00\05\00\00\00")
)
(assert_return (invoke "days_in" (i32.const 1)) (i32.const 28))
(assert_return (invoke "march_and_last") (i32.const 62))
(assert_return (invoke "pi_bits") (i64.const 4614256656552045848))
(assert_return (invoke "signed_byte") (i32.const -2))
(assert_return (invoke "bump") (i32.const 1))
(assert_return (invoke "bump") (i32.const 2))
(assert_return (invoke "after_ptr") (i32.const 7))
