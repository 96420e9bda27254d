; Dense f64 matrix multiply, n x n (n <= 160), row-major static arrays.
; Twin of bench/programs/matmul.c.
(data a f64 25600)
(data b f64 25600)
(data c f64 25600)

(pub fn matmul ((n i32)) i64
  (if (> n 160)
    (set n 160))
  (for (i i32 0 n)
    (for (j i32 0 n)
      (put a (+ (* i n) j) (- (f64 (% (+ (* i 7) (* j 3)) 11)) 5.0))
      (put b (+ (* i n) j) (* (f64 (% (+ (* i 5) (* j 2)) 13)) 0.5))))
  (for (i i32 0 n)
    (for (j i32 0 n)
      (var sum f64 0.0)
      (for (k i32 0 n)
        (set sum (+ sum (* (get a (+ (* i n) k)) (get b (+ (* k n) j))))))
      (put c (+ (* i n) j) sum)))
  (var total f64 0.0)
  (for (i i32 0 (* n n))
    (set total (+ total (* (get c i) (f64 (+ (% i 7) 1))))))
  (return (i64 total)))
