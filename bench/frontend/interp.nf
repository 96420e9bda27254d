; A bytecode interpreter: a switch on each instruction's opcode, registers
; in a local array (a slot: its address is taken). The program runs a
; linear congruential generator n times and mixes its bits into r1.
; Twin of interp.c.
(data code i32 (
  1 1 0 0            ;  0: r1 = 0
  1 2 1 0            ;  1: r2 = 1
  1 3 1103515245 0   ;  2: r3 = 1103515245
  1 4 12345 0        ;  3: r4 = 12345
  9 0 13 0           ;  4: if r0 == 0 goto 13
  4 2 2 3            ;  5: r2 = r2 * r3
  2 2 2 4            ;  6: r2 = r2 + r4
  6 5 2 16           ;  7: r5 = r2 >>u 16
  7 5 5 1023         ;  8: r5 = r5 & 1023
  5 1 1 5            ;  9: r1 = r1 ^ r5
  2 1 1 2            ; 10: r1 = r1 + r2
  8 0 0 0            ; 11: r0 = r0 - 1
  10 4 0 0           ; 12: goto 4
  0 1 0 0))          ; 13: return r1

(fn run ((code (ptr i32)) (n i32)) i64
  (array regs i64 8)
  (for (i i32 0 8)
    (put regs i 0))
  (put regs 0 (i64 n))
  (var pc i32 0)
  (while 1
    (var ins (ptr i32) (at code (* pc 4)))
    (var a i32 (get ins 1))
    (var b i32 (get ins 2))
    (var c i32 (get ins 3))
    (set pc (+ pc 1))
    (switch (get ins 0)
      (case 0 (return (get regs a)))
      (case 1 (put regs a (i64 b)))
      (case 2 (put regs a (+ (get regs b) (get regs c))))
      (case 3 (put regs a (- (get regs b) (get regs c))))
      (case 4 (put regs a (* (get regs b) (get regs c))))
      (case 5 (put regs a (^ (get regs b) (get regs c))))
      (case 6 (put regs a (>>u (get regs b) (i64 c))))
      (case 7 (put regs a (& (get regs b) (i64 c))))
      (case 8 (put regs a (- (get regs a) 1)))
      (case 9 (if (== (get regs a) 0) (set pc b)))
      (case 10 (set pc a))
      (default (return -1))))
  (return 0))

(pub fn interp ((n i32)) i64
  (return (run code n)))
