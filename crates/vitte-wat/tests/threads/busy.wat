;; wasi-threads on wasm32: 4 threads and main spin forever; only --fuel
;; (or --timeout) ends it.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))
  (func $spin (loop $forever (br $forever)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (call $spin))
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (drop (call $spawn (i32.const 1)))
    (drop (call $spawn (i32.const 2)))
    (drop (call $spawn (i32.const 3)))
    (call $spin)))
