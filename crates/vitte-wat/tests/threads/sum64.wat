;; wasi-threads on wasm64: sum.wat with a 64-bit shared memory (so
;; thread-spawn and wasi_thread_start take start_arg as an i64, a pointer:
;; here the address of the thread's first number). WASI reaches a 32-bit
;; scratch memory of each instance, exported as `memory`, as the wasm64
;; adapter of the backend does.
;; Shared memory: 0 the total (i64), 8 the done counter (i32), 16.. each
;; thread's first and last numbers (2 x i64).
(module
  (import "wasi" "thread-spawn" (func $spawn (param i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "memory" (memory $shared i64 1 1 shared))
  (memory $scratch 1)
  (export "memory" (memory $scratch))
  (global $n i64 (i64.const 1000000))

  (func (export "wasi_thread_start") (param $tid i32) (param $range i64)
    (local $k i64) (local $end i64)
    (local.set $k (i64.load $shared (local.get $range)))
    (local.set $end (i64.load $shared offset=8 (local.get $range)))
    (block $done
      (loop $next
        (br_if $done (i64.gt_u (local.get $k) (local.get $end)))
        (drop (i64.atomic.rmw.add $shared (i64.const 0) (local.get $k)))
        (local.set $k (i64.add (local.get $k) (i64.const 1)))
        (br $next)))
    (drop (i32.atomic.rmw.add $shared (i64.const 8) (i32.const 1)))
    (drop (memory.atomic.notify $shared (i64.const 8) (i32.const 1))))

  (func (export "_start")
    (local $i i64) (local $range i64) (local $done i32)
    (loop $spawn_all
      (local.set $range (i64.add (i64.const 16) (i64.mul (local.get $i) (i64.const 16))))
      (i64.store $shared (local.get $range)
        (i64.add (i64.div_u (i64.mul (local.get $i) (global.get $n)) (i64.const 4)) (i64.const 1)))
      (i64.store $shared offset=8 (local.get $range)
        (i64.div_u (i64.mul (i64.add (local.get $i) (i64.const 1)) (global.get $n)) (i64.const 4)))
      (if (i32.le_s (call $spawn (local.get $range)) (i32.const 0)) (then unreachable))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $spawn_all (i64.lt_u (local.get $i) (i64.const 4))))
    (block $all
      (loop $wait
        (local.set $done (i32.atomic.load $shared (i64.const 8)))
        (br_if $all (i32.eq (local.get $done) (i32.const 4)))
        (drop (memory.atomic.wait32 $shared (i64.const 8) (local.get $done) (i64.const -1)))
        (br $wait)))
    (call $print (i64.atomic.load $shared (i64.const 0))))

  (func $print (param $v i64)
    (local $p i32)
    (local.set $p (i32.const 95))
    (i32.store8 $scratch (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 $scratch (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (i32.store $scratch (i32.const 96) (local.get $p))
    (i32.store $scratch (i32.const 100) (i32.sub (i32.const 96) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 96) (i32.const 1) (i32.const 104)))))
