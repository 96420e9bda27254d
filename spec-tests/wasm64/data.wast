;; Data segments at i64 offsets, as the lowering lays out its static data,
;; and the instantiation trap of a segment that does not fit.

(module
  (memory i64 1)
  (data (i64.const 0) "lo")
  (data (i64.const 0xfffe) "hi")
  (data (i64.const 0x1000) "\2a")
  (data (i64.const 0x1008) "\2b")
  (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
)
(assert_return (invoke "load8" (i64.const 0)) (i32.const 0x6c))
(assert_return (invoke "load8" (i64.const 1)) (i32.const 0x6f))
(assert_return (invoke "load8" (i64.const 0xfffe)) (i32.const 0x68))
(assert_return (invoke "load8" (i64.const 0xffff)) (i32.const 0x69))
(assert_return (invoke "load8" (i64.const 0x1000)) (i32.const 42))
(assert_return (invoke "load8" (i64.const 0x1008)) (i32.const 43))
(assert_return (invoke "load8" (i64.const 0x1001)) (i32.const 0))

;; A segment that ends one byte past the memory traps at instantiation.
(assert_trap
  (module (memory i64 1) (data (i64.const 0xffff) "ab"))
  "out of bounds memory access")
;; So does an offset only an i64 can hold.
(assert_trap
  (module (memory i64 1) (data (i64.const 0x1_0000_0000) "a"))
  "out of bounds memory access")
(assert_trap
  (module (memory i64 1) (data (i64.const -1) "a"))
  "out of bounds memory access")
;; An empty segment at the very end is fine.
(module (memory i64 1) (data (i64.const 0x10000) ""))
;; The offset must be an i64 for an i64 memory.
(assert_invalid
  (module (memory i64 1) (data (i32.const 0) "a"))
  "type mismatch")
