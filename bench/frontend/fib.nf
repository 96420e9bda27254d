; Naive recursive Fibonacci: call overhead. Twin of bench/programs/fib.c.
(pub fn fib ((n i32)) i64
  (if (< n 2)
    (return (i64 n)))
  (return (+ (fib (- n 1)) (fib (- n 2)))))
