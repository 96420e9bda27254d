;;! simd = false
;; With SIMD off, a v128 is invalid; scalar code still runs.
(assert_invalid
  (module (func (result v128) (v128.const i64x2 0 0)))
  "SIMD support is not enabled")

(module $m
  (func (export "sq") (param i32) (result i32)
    (i32.mul (local.get 0) (local.get 0))))
(assert_return (invoke $m "sq" (i32.const 7)) (i32.const 49))
