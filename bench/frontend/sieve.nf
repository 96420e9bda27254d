; Sieve of Eratosthenes over a static byte array: count the primes <= n.
; Twin of bench/programs/sieve.c.
(data composite u8 4000001)

(pub fn sieve ((n i32)) i64
  (if (> n 4000000)
    (set n 4000000))
  (fill composite 0 (+ (u64 n) 1))
  (var count i64 0)
  (var i i32 2)
  (while (<= i n)
    (if (not (get composite i))
      (do
        (set count (+ count 1))
        (var j i64 (* (i64 i) (i64 i)))
        (while (<= j (i64 n))
          (put composite j 1)
          (set j (+ j (i64 i))))))
    (set i (+ i 1)))
  (return count))
