; Small functions in a hot loop: 3-vectors (structs in local slots) through
; tiny helpers, called several times per iteration. Twin of vec3.c.
(struct V (x f64) (y f64) (z f64))
(data pts V 1024)

(fn vset ((o (ptr V)) (x f64) (y f64) (z f64)) void
  (fset o x x)
  (fset o y y)
  (fset o z z))

(fn vdot ((a (ptr V)) (b (ptr V))) f64
  (return (+ (+ (* (fget a x) (fget b x)) (* (fget a y) (fget b y))) (* (fget a z) (fget b z)))))

(fn vadd ((o (ptr V)) (a (ptr V)) (b (ptr V))) void
  (vset o (+ (fget a x) (fget b x)) (+ (fget a y) (fget b y)) (+ (fget a z) (fget b z))))

(fn vscale ((o (ptr V)) (a (ptr V)) (s f64)) void
  (vset o (* (fget a x) s) (* (fget a y) s) (* (fget a z) s)))

(fn vcross ((o (ptr V)) (a (ptr V)) (b (ptr V))) void
  (vset o
    (- (* (fget a y) (fget b z)) (* (fget a z) (fget b y)))
    (- (* (fget a z) (fget b x)) (* (fget a x) (fget b z)))
    (- (* (fget a x) (fget b y)) (* (fget a y) (fget b x)))))

(pub fn vec3 ((n i32)) i64
  (for (i i32 0 1024)
    (vset (at pts i)
      (* (f64 (- (% i 7) 3)) 0.25)
      (* (f64 (- (% i 5) 2)) 0.5)
      (f64 (- (% i 3) 1))))
  (local acc V)
  (local c V)
  (local t V)
  (vset acc 0.0 0.0 0.0)
  (var total f64 0.0)
  (for (r i32 0 n)
    (for (i i32 0 1023)
      (vcross c (at pts i) (at pts (+ i 1)))
      (vscale t c 0.5)
      (vscale acc acc 0.75)
      (vadd acc acc t)
      (set total (+ total (vdot acc (at pts i))))))
  (return (i64 (* total 1000.0))))
