;; wasi-threads on wasm32: 4 threads add the numbers 1..=1000000 into one
;; shared i64, one `i64.atomic.rmw.add` per number; main waits for them on
;; a done counter (`memory.atomic.wait32`) and prints the total.
;; Memory: 0 the total (i64), 8 the done counter (i32), 64.. the digits.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))
  (global $n i64 (i64.const 1000000))

  ;; Thread i adds i*n/4+1 ..= (i+1)*n/4.
  (func $add_range (export "wasi_thread_start") (param $tid i32) (param $i i32)
    (local $k i64) (local $end i64)
    (local.set $k (i64.add (i64.div_u (i64.mul (i64.extend_i32_u (local.get $i))
                                               (global.get $n))
                                      (i64.const 4))
                           (i64.const 1)))
    (local.set $end (i64.div_u (i64.mul (i64.extend_i32_u (i32.add (local.get $i) (i32.const 1)))
                                        (global.get $n))
                               (i64.const 4)))
    (block $done
      (loop $next
        (br_if $done (i64.gt_u (local.get $k) (local.get $end)))
        (drop (i64.atomic.rmw.add (i32.const 0) (local.get $k)))
        (local.set $k (i64.add (local.get $k) (i64.const 1)))
        (br $next)))
    (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 8) (i32.const 1))))

  (func (export "_start")
    (local $i i32) (local $done i32)
    (loop $spawn_all
      (if (i32.le_s (call $spawn (local.get $i)) (i32.const 0)) (then unreachable))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spawn_all (i32.lt_u (local.get $i) (i32.const 4))))
    (block $all
      (loop $wait
        (local.set $done (i32.atomic.load (i32.const 8)))
        (br_if $all (i32.eq (local.get $done) (i32.const 4)))
        (drop (memory.atomic.wait32 (i32.const 8) (local.get $done) (i64.const -1)))
        (br $wait)))
    (call $print (i64.atomic.load (i32.const 0))))

  ;; Prints v in decimal and a newline: digits backwards from 95, the iovec
  ;; at 96, the count written at 104.
  (func $print (param $v i64)
    (local $p i32)
    (local.set $p (i32.const 95))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (i32.store (i32.const 96) (local.get $p))
    (i32.store (i32.const 100) (i32.sub (i32.const 96) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 96) (i32.const 1) (i32.const 104)))))
