;; wasi-threads on wasm32: main spawns threads that park forever until
;; thread-spawn fails, then prints how many it got and the error, and
;; returns (which ends the program, parked threads included).
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (loop $forever
      (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
      (br $forever)))
  (func (export "_start")
    (local $n i32) (local $tid i32)
    (block $refused
      (loop $more
        (local.set $tid (call $spawn (i32.const 0)))
        (br_if $refused (i32.le_s (local.get $tid) (i32.const 0)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        ;; A guard against a runner without a cap: stop at 100000.
        (br_if $more (i32.lt_u (local.get $n) (i32.const 100000)))))
    (call $print (i64.extend_i32_u (local.get $n)) (i32.const 32))
    (call $print (i64.extend_i32_u (i32.sub (i32.const 0) (local.get $tid))) (i32.const 10)))

  ;; Prints v in decimal and the character end.
  (func $print (param $v i64) (param $end i32)
    (local $p i32)
    (local.set $p (i32.const 95))
    (i32.store8 (local.get $p) (local.get $end))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (i32.store (i32.const 96) (local.get $p))
    (i32.store (i32.const 100) (i32.sub (i32.const 96) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 96) (i32.const 1) (i32.const 104)))))
