//! A cheap, deterministic hash for the compiler's lookup tables (names,
//! mnemonics, signatures): FxHash's multiply-rotate, then a finaliser.
//!
//! The standard library's SipHash resists flooding by hostile keys, which a
//! compiler reading its own input does not need, and costs a few percent of
//! a whole build here. No random seed: iteration order is the same on every
//! run, although no output depends on it.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits, which pick the bucket, depending
        // on the first bytes of a name only (`%x1`, `%x2`... would share
        // buckets): mix the high bits down (splitmix64's finaliser).
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub(crate) type FxHashSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn names_that_differ_late_spread_over_buckets() {
        let build = BuildHasherDefault::<FxHasher>::default();
        let buckets: FxHashSet<u64> = (0..1000)
            .map(|i| build.hash_one(format!("x{i}")) & 1023)
            .collect();
        // 1,000 keys thrown at random into 1,024 buckets fill about 630.
        assert!(buckets.len() > 550, "{} buckets", buckets.len());
    }
}

/// A name as a hash-map key, with names of up to 15 bytes held in the entry
/// itself: a lookup then compares bytes in the table instead of following a
/// pointer to wherever the name lives (the source text, a WAT AST string),
/// which was a cache miss per lookup once a function holds tens of
/// thousands of names (`gen_ir --live 40000`, `perf`: the parser's value
/// lookups and the encoder's local lookups grew 20-35× for a tenfold input).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ShortKey<'a> {
    /// The bytes, zero-padded; the last byte is the length.
    Short([u8; 16]),
    Long(&'a str),
}

impl<'a> ShortKey<'a> {
    pub(crate) fn new(name: &'a str) -> ShortKey<'a> {
        let bytes = name.as_bytes();
        if bytes.len() >= 16 {
            return ShortKey::Long(name);
        }
        let mut short = [0u8; 16];
        short[..bytes.len()].copy_from_slice(bytes);
        short[15] = bytes.len() as u8;
        ShortKey::Short(short)
    }
}
