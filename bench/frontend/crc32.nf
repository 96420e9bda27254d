; Integer bit manipulation: CRC-32 with its table built at run time, over a
; 4 KiB pseudo-random buffer, n rounds chained; the rounds' CRCs and a
; population count make the checksum. Twin of crc32.c.
(data table i32 256)
(data buf u8 4096)

(pub fn crc32 ((n i32)) i64
  (for (i i32 0 256)
    (var c i32 i)
    (for (k i32 0 8)
      (if (& c 1)
        (set c (^ (>>u c 1) 0xEDB88320))
        (set c (>>u c 1))))
    (put table i c))
  (var seed i32 99)
  (for (i i32 0 4096)
    (set seed (+ (* seed 1664525) 1013904223))
    (put buf i (>>u seed 24)))
  (var crc i32 -1)
  (var acc i64 0)
  (for (r i32 0 n)
    (for (i i32 0 4096)
      (set crc (^ (get table (& (^ crc (get buf i)) 255)) (>>u crc 8))))
    (set acc (+ (* acc 31) (u64 (^ crc -1)))))
  (return (+ acc (i64 (popcnt crc)))))
