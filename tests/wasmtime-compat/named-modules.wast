;; wasmtime's runner registers a named module under its id: `$env` is
;; importable as "env" without a `register` directive.
(module $env
  (global (export "base") i32 (i32.const 40))
  (memory (export "mem") 1)
  (func (export "two") (result i32) (i32.const 2)))

(module $user
  (import "env" "base" (global $base i32))
  (import "env" "mem" (memory 1))
  (import "env" "two" (func $two (result i32)))
  (func (export "answer") (result i32)
    (i32.store (i32.const 8) (i32.add (global.get $base) (call $two)))
    (i32.load (i32.const 8))))

(assert_return (invoke "answer") (i32.const 42))
;; The store went to $env's memory, which $user shares.
(module
  (import "user" "answer" (func $answer (result i32)))
  (import "env" "mem" (memory 1))
  (func (export "check") (result i32)
    (drop (call $answer))
    (i32.load (i32.const 8))))
(assert_return (invoke "check") (i32.const 42))
