;; Bulk memory on an i64 memory, as aggregate copies and zeroing lower to:
;; memory.fill / memory.copy take i64 addresses and lengths, memory.init an
;; i64 destination (its source offset and length index the segment: i32).

(module
  (memory i64 1)
  (data $d "\01\02\03\04\05")
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i64 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $d))
  (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i64) (result i32) (i32.load (local.get 0)))
)

(invoke "fill" (i64.const 16) (i32.const 0xab) (i64.const 4))
(assert_return (invoke "load32" (i64.const 16)) (i32.const 0xabababab))
(assert_return (invoke "load8" (i64.const 20)) (i32.const 0))
;; Filling up to the last byte, and zero bytes at the very end, are fine.
(invoke "fill" (i64.const 65532) (i32.const 1) (i64.const 4))
(assert_return (invoke "load8" (i64.const 65535)) (i32.const 1))
(invoke "fill" (i64.const 65536) (i32.const 1) (i64.const 0))
;; Out of bounds, including lengths and ends that need 64 bits.
(assert_trap (invoke "fill" (i64.const 65533) (i32.const 0) (i64.const 4)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 65537) (i32.const 0) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 0) (i32.const 0) (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 1) (i32.const 0) (i64.const -1)) "out of bounds memory access")
;; A trapping fill writes nothing.
(assert_return (invoke "load8" (i64.const 65533)) (i32.const 1))

;; memory.copy, overlapping both ways.
(invoke "init" (i64.const 0) (i32.const 0) (i32.const 5))
(assert_return (invoke "load32" (i64.const 0)) (i32.const 0x04030201))
(invoke "copy" (i64.const 1) (i64.const 0) (i64.const 4))
(assert_return (invoke "load32" (i64.const 1)) (i32.const 0x04030201))
(assert_return (invoke "load8" (i64.const 0)) (i32.const 1))
(invoke "copy" (i64.const 0) (i64.const 2) (i64.const 3))
(assert_return (invoke "load8" (i64.const 0)) (i32.const 2))
(assert_return (invoke "load8" (i64.const 2)) (i32.const 4))
(assert_trap (invoke "copy" (i64.const 65535) (i64.const 0) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy" (i64.const 0) (i64.const 65535) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy" (i64.const 0) (i64.const 0) (i64.const -1)) "out of bounds memory access")

;; memory.init: i64 destination; segment bounds; a dropped segment is empty.
(invoke "init" (i64.const 65531) (i32.const 0) (i32.const 5))
(assert_return (invoke "load8" (i64.const 65535)) (i32.const 5))
(assert_trap (invoke "init" (i64.const 65532) (i32.const 0) (i32.const 5)) "out of bounds memory access")
(assert_trap (invoke "init" (i64.const 0) (i32.const 1) (i32.const 5)) "out of bounds memory access")
(assert_trap (invoke "init" (i64.const 0x1_0000_0000) (i32.const 0) (i32.const 1)) "out of bounds memory access")
(invoke "drop")
(invoke "init" (i64.const 0) (i32.const 0) (i32.const 0))
(assert_trap (invoke "init" (i64.const 0) (i32.const 0) (i32.const 1)) "out of bounds memory access")

;; The length's type follows the memory: i32 lengths are invalid here.
(assert_invalid
  (module (memory i64 1) (func (memory.fill (i64.const 0) (i32.const 0) (i32.const 1))))
  "type mismatch")
