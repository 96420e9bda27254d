;; Older versions of the spec classed an out-of-bounds segment as a link
;; error; wasmtime's scripts still say `assert_unlinkable` for it.
(assert_unlinkable
  (module
    (memory 1)
    (data (i32.const 65536) "x"))
  "data segment does not fit")

(assert_unlinkable
  (module
    (table 1 funcref)
    (func $f)
    (elem (i32.const 1) $f))
  "elements segment does not fit")

;; A real link error is still one.
(assert_unlinkable
  (module (import "env" "missing" (func)))
  "unknown import")
