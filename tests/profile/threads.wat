;; The profiler's threads test (crates/vitte-wat/tests/profile.rs): main
;; spawns two threads that spin in $work, thread 1 for N iterations and
;; thread 2 for 3N (N is the spawn argument), and waits for both: the i32 at
;; 0 counts the threads still working. A profile samples every thread.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))
  (func $work (param $n i32) (result i64)
    (local $h i64)
    (local.set $h (i64.const 1))
    (block $done
      (loop $spin
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $h
          (i64.xor (i64.mul (local.get $h) (i64.const 6364136223846793005))
                   (i64.extend_i32_u (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $spin)))
    (local.get $h))
  ;; Thread `tid` stores its hash at 8 * tid, then counts itself done.
  (func $start (export "wasi_thread_start") (param $tid i32) (param $n i32)
    (i64.store (i32.shl (local.get $tid) (i32.const 3)) (call $work (local.get $n)))
    (drop (i32.atomic.rmw.sub (i32.const 0) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))
  (func $main (export "_start")
    (local $left i32)
    (i32.atomic.store (i32.const 0) (i32.const 2))
    (if (i32.le_s (call $spawn (i32.const 40000000)) (i32.const 0)) (then unreachable))
    (if (i32.le_s (call $spawn (i32.const 120000000)) (i32.const 0)) (then unreachable))
    (block $joined
      (loop $wait
        (local.set $left (i32.atomic.load (i32.const 0)))
        (br_if $joined (i32.eqz (local.get $left)))
        (drop (memory.atomic.wait32 (i32.const 0) (local.get $left) (i64.const -1)))
        (br $wait)))))
