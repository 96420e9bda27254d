;; wasm64 addressing as the lowering emits it: i64 addresses, offset
;; immediates (up to 2^64-1 on memory64), and the trap when the effective
;; address `addr + offset` (computed without wrapping) is out of bounds.
;; Hand-written; the lowering's pointers are these i64 addresses.

(module
  (memory i64 1)  ;; 64 KiB: valid addresses 0 .. 65535
  (data (i64.const 0) "\01\02\03\04\05\06\07\08")
  (data (i64.const 65528) "\aa\bb\cc\dd\ee\ff\11\22")

  (func (export "load8_u") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i64) (result i32) (i32.load (local.get 0)))
  (func (export "load64") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "load32_off4") (param i64) (result i32) (i32.load offset=4 (local.get 0)))
  (func (export "load8_off_max") (param i64) (result i32)
    (i32.load8_u offset=0xffff_ffff_ffff_ffff (local.get 0)))
  (func (export "load8_off_4g") (param i64) (result i32)
    (i32.load8_u offset=0x1_0000_0000 (local.get 0)))
  (func (export "store32") (param i64 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "store16_off2") (param i64 i32) (i32.store16 offset=2 (local.get 0) (local.get 1)))
  (func (export "f64_roundtrip") (param i64 f64) (result f64)
    (f64.store (local.get 0) (local.get 1))
    (f64.load (local.get 0)))
)

;; In bounds, little-endian.
(assert_return (invoke "load8_u" (i64.const 0)) (i32.const 1))
(assert_return (invoke "load32" (i64.const 0)) (i32.const 0x04030201))
(assert_return (invoke "load64" (i64.const 0)) (i64.const 0x0807060504030201))
(assert_return (invoke "load32_off4" (i64.const 0)) (i32.const 0x08070605))
(assert_return (invoke "load8_u" (i64.const 65535)) (i32.const 0x22))
(assert_return (invoke "load64" (i64.const 65528)) (i64.const 0x2211ffeeddccbbaa))
(assert_return (invoke "load32_off4" (i64.const 65528)) (i32.const 0x2211ffee))

;; Stores then loads through another width.
(invoke "store32" (i64.const 100) (i32.const 0x11223344))
(assert_return (invoke "load8_u" (i64.const 100)) (i32.const 0x44))
(invoke "store16_off2" (i64.const 100) (i32.const 0xabcd))
(assert_return (invoke "load32" (i64.const 100)) (i32.const 0xabcd3344))
(assert_return (invoke "f64_roundtrip" (i64.const 65528) (f64.const -0x1.8p-3)) (f64.const -0x1.8p-3))

;; Out of bounds: the last byte of an access past the end.
(assert_trap (invoke "load8_u" (i64.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load32" (i64.const 65533)) "out of bounds memory access")
(assert_trap (invoke "load64" (i64.const 65529)) "out of bounds memory access")
(assert_trap (invoke "load32_off4" (i64.const 65529)) "out of bounds memory access")
(assert_trap (invoke "store32" (i64.const 65534) (i32.const 0)) "out of bounds memory access")
;; An address with bit 32 or bit 63 set is not truncated to 32 bits.
(assert_trap (invoke "load8_u" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load8_u" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "load8_u" (i64.const 0x8000_0000_0000_0000)) "out of bounds memory access")

;; address + offset overflows 64 bits: a trap, never a wrapped access to
;; address 0 (which holds 1 here).
(assert_trap (invoke "load8_off_max" (i64.const 1)) "out of bounds memory access")
(assert_trap (invoke "load8_off_max" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load32_off4" (i64.const -4)) "out of bounds memory access")
(assert_trap (invoke "load32_off4" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "load8_off_4g" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load8_off_4g" (i64.const -0x1_0000_0000)) "out of bounds memory access")

;; A failed store writes nothing (the f64 above left 0xbf in the last byte).
(assert_trap (invoke "store32" (i64.const 65533) (i32.const -1)) "out of bounds memory access")
(assert_return (invoke "load8_u" (i64.const 65535)) (i32.const 0xbf))
(assert_return (invoke "load8_u" (i64.const 65533)) (i32.const 0))

;; Offsets only fit the memory's index type: 2^32 is valid on i64 only.
(assert_invalid
  (module (memory 1) (func (drop (i32.load8_u offset=0x1_0000_0000 (i32.const 0)))))
  "offset out of range")
(assert_invalid
  (module (memory i64 1) (func (drop (i32.load (i32.const 0)))))
  "type mismatch")
