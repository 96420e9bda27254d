//! A small seeded PRNG, so that a seed names the same program on every
//! machine and with every build: xoshiro256** (Blackman and Vigna), seeded
//! through SplitMix64. No dependency, no platform-dependent state.
//!
//! [`Rng::from_bytes`] makes the same generator draw its choices from a byte
//! string first (a fuzzer's input, so that coverage guidance steers the
//! program's shape) and fall back to the PRNG when the bytes run out.

/// xoshiro256**: fast, 256 bits of state, good statistical quality.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
    /// Choices to make before the PRNG takes over (empty for [`Rng::new`]).
    tape: Vec<u8>,
    pos: usize,
}

/// One step of SplitMix64: spreads a seed (even 0) over the state.
fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        Rng {
            s: [
                splitmix64(&mut x),
                splitmix64(&mut x),
                splitmix64(&mut x),
                splitmix64(&mut x),
            ],
            tape: Vec::new(),
            pos: 0,
        }
    }

    /// A generator that reads its choices from `bytes` (one byte per small
    /// choice, eight per 64-bit number) and, once they are used up, goes on
    /// with the PRNG seeded by a hash of them. Every byte string is a valid
    /// stream: whatever the bytes, the generator ends and its program is valid.
    pub fn from_bytes(bytes: &[u8]) -> Rng {
        let mut rng = Rng::new(Rng::hash(bytes));
        rng.tape = bytes.to_vec();
        rng
    }

    /// FNV-1a of a byte string: a seed that names it.
    pub fn hash(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }

    /// The bytes of the tape not yet used.
    pub fn tape_left(&self) -> usize {
        self.tape.len() - self.pos
    }

    /// The next byte of the tape, if any is left.
    fn tape_byte(&mut self) -> Option<u8> {
        let b = *self.tape.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// An independent stream for another purpose (arguments, say), so that
    /// changing how one part draws numbers does not change the other.
    pub fn fork(seed: u64, stream: u64) -> Rng {
        Rng::new(seed ^ stream.wrapping_mul(0xd605_bbb5_8c8a_bbd9))
    }

    pub fn next_u64(&mut self) -> u64 {
        if self.tape_left() > 0 {
            let mut bytes = self.prng().to_le_bytes();
            for b in bytes.iter_mut() {
                match self.tape_byte() {
                    Some(t) => *b = t,
                    None => break,
                }
            }
            return u64::from_le_bytes(bytes);
        }
        self.prng()
    }

    fn prng(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A number in `0..n` (0 when `n` is 0), without modulo bias worth noting
    /// for the small `n` used here (Lemire's multiply-shift).
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 256
            && let Some(b) = self.tape_byte()
        {
            return (b as u64 * n) >> 8;
        }
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// An index in `0..n`.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// An element of a non-empty slice; `None` when it is empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.index(items.len()))
        }
    }

    /// An index into `weights`, each chosen in proportion to its weight;
    /// 0 when every weight is 0.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| w as u64).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < w as u64 {
                return i;
            }
            x -= w as u64;
        }
        0
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_stream_everywhere() {
        // Fixed outputs: a change here changes every generated program.
        let mut r = Rng::new(0);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(
            first,
            [0x99ec5f36cb75f2b4, 0xbf6e1f784956452a, 0x1a5f849d4933e6e0]
        );
        assert_ne!(Rng::new(1).next_u64(), Rng::new(0).next_u64());
    }

    #[test]
    fn helpers_stay_in_range() {
        let mut r = Rng::new(7);
        for _ in 0..1000 {
            assert!(r.below(5) < 5);
            assert!((3..=9).contains(&r.range(3, 9)));
            assert_eq!(r.weighted(&[0, 4, 0]), 1);
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(r.pick::<u8>(&[]), None);
    }

    #[test]
    fn a_tape_is_read_first_then_the_prng_takes_over() {
        let mut r = Rng::from_bytes(&[0, 255, 128, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(r.below(10), 0);
        assert_eq!(r.below(10), 9);
        assert_eq!(r.below(2), 1);
        assert_eq!(r.next_u64(), 0x0807_0605_0403_0201);
        assert_eq!(r.tape_left(), 0);
        // Then the PRNG seeded by the tape's hash, which the 64-bit draw from
        // the tape advanced once (it fills missing bytes from it).
        let mut prng = Rng::new(Rng::hash(&[0, 255, 128, 1, 2, 3, 4, 5, 6, 7, 8]));
        prng.next_u64();
        assert_eq!(r.next_u64(), prng.next_u64());
        // A short tape: the missing bytes of a number come from the PRNG.
        let mut short = Rng::from_bytes(&[0xaa]);
        assert_eq!(short.next_u64() & 0xff, 0xaa);
        assert_eq!(Rng::from_bytes(&[]).below(0), 0);
    }
}
