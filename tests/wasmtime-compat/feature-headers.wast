;;! wide_arithmetic = true
;;! memory64 = false
;;! bulk_memory = false
;; Headers configure the engine: a proposal switched on, two features off.

(module
  (func (export "add128") (param i64 i64 i64 i64) (result i64 i64)
    (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3))))
(assert_return
  (invoke "add128" (i64.const -1) (i64.const 0) (i64.const 1) (i64.const 0))
  (i64.const 0) (i64.const 1))

(assert_invalid
  (module (memory i64 1))
  "memory64 support is not enabled")

(assert_invalid
  (module
    (memory 1)
    (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))
  "bulk memory support is not enabled")
