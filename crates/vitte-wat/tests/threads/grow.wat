;; A wasi-threads program's shared memory (1 to 5 pages declared) grows:
;; prints what growing by 4 pages, then 3, returns, and the size.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "memory" (memory 1 5 shared))
  (export "memory" (memory 0))
  (func (export "wasi_thread_start") (param i32 i32))
  (func (export "_start")
    (call $print (memory.grow (i32.const 4)) (i32.const 32))
    (call $print (memory.grow (i32.const 3)) (i32.const 32))
    (call $print (memory.size) (i32.const 10)))
  ;; Prints v (signed) in decimal and the character end.
  (func $print (param $v i32) (param $end i32)
    (local $p i32) (local $neg i32)
    (local.set $neg (i32.lt_s (local.get $v) (i32.const 0)))
    (if (local.get $neg) (then (local.set $v (i32.sub (i32.const 0) (local.get $v)))))
    (local.set $p (i32.const 95))
    (i32.store8 (local.get $p) (local.get $end))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $digit (i32.ne (local.get $v) (i32.const 0))))
    (if (local.get $neg)
      (then
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p) (i32.const 45))))
    (i32.store (i32.const 96) (local.get $p))
    (i32.store (i32.const 100) (i32.sub (i32.const 96) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 96) (i32.const 1) (i32.const 104)))))
