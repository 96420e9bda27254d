;; memory.size and memory.grow on an i64 memory: page counts are i64, a
;; failed grow returns -1 (as i64) and leaves the size alone.

(module
  (memory i64 1 4)
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store8") (param i64 i32) (i32.store8 (local.get 0) (local.get 1)))
)

(assert_return (invoke "size") (i64.const 1))
(assert_trap (invoke "load8" (i64.const 65536)) "out of bounds memory access")
(assert_return (invoke "grow" (i64.const 0)) (i64.const 1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "size") (i64.const 2))
;; New pages are zeroed and addressable.
(assert_return (invoke "load8" (i64.const 65536)) (i32.const 0))
(invoke "store8" (i64.const 131071) (i32.const 7))
(assert_return (invoke "load8" (i64.const 131071)) (i32.const 7))
(assert_trap (invoke "load8" (i64.const 131072)) "out of bounds memory access")
;; Past the maximum, and sizes that only an i64 can hold: -1, unchanged.
(assert_return (invoke "grow" (i64.const 3)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "size") (i64.const 2))
(assert_return (invoke "grow" (i64.const 2)) (i64.const 2))
(assert_return (invoke "size") (i64.const 4))

;; Without a maximum, a huge request fails the same way.
(module
  (memory i64 0)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "size") (result i64) (memory.size)))
(assert_return (invoke "size") (i64.const 0))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 0))
(assert_return (invoke "size") (i64.const 1))
