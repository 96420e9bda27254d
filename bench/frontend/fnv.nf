; FNV-1a (64-bit) over a 4 KiB pseudo-random buffer, n rounds chained.
; Twin of bench/programs/fnv.c.
(data buf u8 4096)

(pub fn fnv ((n i32)) i64
  (var seed i32 42)
  (for (i i32 0 4096)
    (set seed (+ (* seed 1664525) 1013904223))
    (put buf i (>>u seed 24)))
  (var h i64 14695981039346656037)
  (for (r i32 0 n)
    (for (i i32 0 4096)
      (set h (^ h (u64 (get buf i))))
      (set h (* h 1099511628211)))
    (set h (^ h (i64 r))))
  (return h))
