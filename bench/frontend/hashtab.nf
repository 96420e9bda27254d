; Pointer chasing and a small function in the hot loop: n lookups of
; pseudo-random keys in a 256-bucket table of chains, whose nodes come from
; a pool on the stack (stack.alloc); a key not found is inserted while the
; pool has room, and counted as a miss once it is full. Twin of hashtab.c.
(struct Node (key i64) (count i64) (next (ptr Node)))

(fn hash ((k i64)) i32
  (var h i64 (* (^ k (>>u k 29)) 0xBF58476D1CE4E5B9))
  (return (i32 (>>u h 32))))

(pub fn hashtab ((n i32)) i64
  (array heads (ptr Node) 256)
  (for (i i32 0 256)
    (put heads i (null Node)))
  (var cap i32 1024)
  (var pool (ptr Node) (stack-alloc Node cap))
  (var used i32 0)
  (var seed i64 1)
  (var misses i64 0)
  (for (r i32 0 n)
    (set seed (+ (* seed 6364136223846793005) 1442695040888963407))
    (var k i64 (+ (%u (>>u seed 33) 1500) 1))
    (var b i32 (& (hash k) 255))
    (var p (ptr Node) (get heads b))
    (var found i32 0)
    (while (!= p (null Node))
      (if (== (fget p key) k)
        (do
          (fset p count (+ (fget p count) 1))
          (set found 1)
          (break)))
      (set p (fget p next)))
    (if (or (== found 1) (>= used cap))
      (do
        (if (== found 0)
          (set misses (+ misses 1)))
        (continue)))
    (var node (ptr Node) (at pool used))
    (set used (+ used 1))
    (fset node key k)
    (fset node count 1)
    (fset node next (get heads b))
    (put heads b node))
  (var sum i64 misses)
  (for (i i32 0 used)
    (var node (ptr Node) (at pool i))
    (set sum (+ (* sum 31) (^ (fget node key) (* (fget node count) 1000003)))))
  (return sum))
