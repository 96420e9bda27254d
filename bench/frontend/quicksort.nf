; Quicksort (Lomuto partition, recursive) of n pseudo-random i32s.
; Twin of bench/programs/quicksort.c.
(data data i32 1000000)

(fn sort ((v (ptr i32)) (lo i32) (hi i32)) void
  (while (< lo hi)
    (var pivot i32 (get v hi))
    (var i i32 lo)
    (for (j i32 lo hi)
      (if (< (get v j) pivot)
        (do
          (var t i32 (get v i))
          (put v i (get v j))
          (put v j t)
          (set i (+ i 1)))))
    (var t i32 (get v i))
    (put v i (get v hi))
    (put v hi t)
    (sort v lo (- i 1))
    (set lo (+ i 1))))

(pub fn quicksort ((n i32)) i64
  (if (> n 1000000)
    (set n 1000000))
  (var seed i32 12345)
  (for (i i32 0 n)
    (set seed (+ (* seed 1103515245) 12345))
    (put data i (>>u seed 1)))
  (sort data 0 (- n 1))
  (var check i64 0)
  (for (i i32 0 n)
    (set check (+ (* check 31) (i64 (get data i)))))
  (return check))
