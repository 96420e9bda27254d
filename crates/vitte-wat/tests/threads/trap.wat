;; wasi-threads on wasm32: a spawned thread traps in $boom while main waits
;; forever for it.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))
  (func $boom (param i32) (result i32)
    (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (drop (call $boom (local.get $arg))))
  (func (export "_start")
    (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then unreachable))
    (loop $forever
      (drop (memory.atomic.wait32 (i32.const 4) (i32.const 0) (i64.const -1)))
      (br $forever))))
