;; An i64-indexed function table, as function pointers lower on wasm64:
;; call_indirect with an i64 index, table.size / table.grow in i64, and the
;; traps for a null entry, an index past the end and a wrong signature.

(module
  (type $i2i (func (param i32) (result i32)))
  (type $v2i (func (result i32)))
  (table $t i64 4 8 funcref)
  (func $double (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $i2i) (i32.mul (local.get 0) (local.get 0)))
  (func $seven (type $v2i) (i32.const 7))
  (elem (table $t) (i64.const 1) func $double $square $seven)
  (func (export "call") (param i64 i32) (result i32)
    (call_indirect $t (type $i2i) (local.get 1) (local.get 0)))
  (func (export "size") (result i64) (table.size $t))
  (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "set") (param i64) (table.set $t (local.get 0) (ref.func $square)))
)

(assert_return (invoke "call" (i64.const 1) (i32.const 21)) (i32.const 42))
(assert_return (invoke "call" (i64.const 2) (i32.const 5)) (i32.const 25))
(assert_trap (invoke "call" (i64.const 0) (i32.const 1)) "uninitialized element")
(assert_trap (invoke "call" (i64.const 3) (i32.const 1)) "indirect call type mismatch")
(assert_trap (invoke "call" (i64.const 4) (i32.const 1)) "undefined element")
(assert_trap (invoke "call" (i64.const 0x1_0000_0001) (i32.const 1)) "undefined element")
(assert_trap (invoke "call" (i64.const -1) (i32.const 1)) "undefined element")

(assert_return (invoke "size") (i64.const 4))
(assert_return (invoke "grow" (i64.const 2)) (i64.const 4))
(assert_return (invoke "size") (i64.const 6))
(assert_trap (invoke "call" (i64.const 5) (i32.const 1)) "uninitialized element")
(invoke "set" (i64.const 5))
(assert_return (invoke "call" (i64.const 5) (i32.const 3)) (i32.const 9))
(assert_return (invoke "grow" (i64.const 3)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "size") (i64.const 6))
(assert_trap (invoke "set" (i64.const 6)) "out of bounds table access")

;; An element segment past the end traps at instantiation.
(assert_trap
  (module (table i64 2 funcref) (func $f) (elem (i64.const 2) func $f))
  "out of bounds table access")
;; The index of an i64 table is an i64.
(assert_invalid
  (module
    (type $v (func))
    (table i64 1 funcref)
    (func (call_indirect (type $v) (i32.const 0))))
  "type mismatch")
