; Binary trees over a bump allocator: build a tree of depth n, count its
; nodes; then 2^(n-4) trees of depth 4; a node is two pointers.
; Twin of bench/programs/bintree.c.
(struct Node (left (ptr Node)) (right (ptr Node)))
(data arena u8 67108864)
(data top i64 1)

(fn alloc () (ptr Node)
  (var n (ptr Node) (cast (ptr Node) (at arena (load top))))
  (store top (+ (load top) 16))
  (return n))

(fn build ((depth i32)) (ptr Node)
  (var n (ptr Node) (alloc))
  (if (> depth 0)
    (do
      (fset n left (build (- depth 1)))
      (fset n right (build (- depth 1))))
    (do
      (fset n left (null Node))
      (fset n right (null Node))))
  (return n))

(fn check ((n (ptr Node))) i64
  (if (== (fget n left) (null Node))
    (return 1))
  (return (+ (+ 1 (check (fget n left))) (check (fget n right)))))

(pub fn bintree ((n i32)) i64
  (if (> n 20)
    (set n 20))
  (store top 0)
  (var total i64 (check (build n)))
  (var shift i32 0)
  (if (> (- n 4) 0)
    (set shift (- n 4)))
  (var iters i32 (<< 1 shift))
  (for (i i32 0 iters)
    (store top 0)
    (set total (+ total (* (check (build 4)) (i64 (+ i 1))))))
  (return total))
