//! Persistent sets of value numbers for liveness: big-endian Patricia tries
//! (Okasaki and Gill, "Fast Mergeable Integer Maps"), hash-consed in one
//! arena, so that equal sets are the same node.
//!
//! Liveness sets of neighbouring program points are mostly equal: a value
//! live across a thousand diamonds is in the live-in set of every block of
//! them. Stored as lists, those sets are quadratic in total; here two sets
//! that differ in a few values share every subtree but the paths to those
//! values. A Patricia trie's shape depends on its elements only, so with
//! hash-consing a subtree is equal to another exactly when its node id is:
//! union, difference and symmetric difference stop at equal ids, and visit
//! only the paths to the elements in which their arguments differ (the
//! depth of a path is at most 33, the bits of a key and a leaf). Every
//! visit counts one unit of `work`.

use crate::fxhash::FxHashMap;

/// A set: the id of its root node in a [`Sets`] arena.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(super) struct Set(u32);

impl Set {
    pub const EMPTY: Set = Set(0);
}

/// A leaf (`bit` 0, `key` its element) or a branch (`key` the prefix its
/// elements share above `bit`; those with `bit` clear are on the left).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Node {
    key: u32,
    bit: u32,
    left: Set,
    right: Set,
}

/// The arena of nodes, and the table that makes equal nodes one.
pub(super) struct Sets {
    nodes: Vec<Node>,
    unique: FxHashMap<Node, Set>,
    /// Nodes visited by the operations: a measure tests hold to a bound.
    pub work: usize,
}

/// The bits of `key` above `bit`.
fn prefix(key: u32, bit: u32) -> u32 {
    // `bit << 1` is 0 for the top bit: no bits above it.
    key & !((bit << 1).wrapping_sub(1))
}

fn matches(key: u32, node: &Node) -> bool {
    prefix(key, node.bit) == node.key
}

fn goes_left(key: u32, bit: u32) -> bool {
    key & bit == 0
}

impl Sets {
    pub fn new() -> Sets {
        let empty = Node {
            key: 0,
            bit: 0,
            left: Set::EMPTY,
            right: Set::EMPTY,
        };
        Sets {
            nodes: vec![empty],
            unique: FxHashMap::default(),
            work: 0,
        }
    }

    fn node(&self, s: Set) -> Node {
        self.nodes[s.0 as usize]
    }

    fn intern(&mut self, node: Node) -> Set {
        if let Some(&s) = self.unique.get(&node) {
            return s;
        }
        let s = Set(self.nodes.len() as u32);
        self.nodes.push(node);
        self.unique.insert(node, s);
        s
    }

    fn leaf(&mut self, key: u32) -> Set {
        self.intern(Node {
            key,
            bit: 0,
            left: Set::EMPTY,
            right: Set::EMPTY,
        })
    }

    /// A branch, or its only non-empty side: tries have no empty subtrees.
    fn branch(&mut self, key: u32, bit: u32, left: Set, right: Set) -> Set {
        match (left, right) {
            (Set::EMPTY, s) | (s, Set::EMPTY) => s,
            _ => self.intern(Node {
                key,
                bit,
                left,
                right,
            }),
        }
    }

    /// The union of two non-empty tries whose prefixes disagree.
    fn join(&mut self, a: Set, x: Node, b: Set, y: Node) -> Set {
        let bit = 1 << (31 - (x.key ^ y.key).leading_zeros());
        let key = prefix(x.key, bit);
        if goes_left(x.key, bit) {
            self.branch(key, bit, a, b)
        } else {
            self.branch(key, bit, b, a)
        }
    }

    /// The set of the given values.
    pub fn set_of(&mut self, values: impl IntoIterator<Item = u32>) -> Set {
        let mut s = Set::EMPTY;
        for v in values {
            let leaf = self.leaf(v);
            s = self.union(s, leaf);
        }
        s
    }

    pub fn contains(&self, mut s: Set, key: u32) -> bool {
        while s != Set::EMPTY {
            let x = self.node(s);
            if x.bit == 0 {
                return x.key == key;
            }
            if !matches(key, &x) {
                return false;
            }
            s = if goes_left(key, x.bit) {
                x.left
            } else {
                x.right
            };
        }
        false
    }

    pub fn union(&mut self, a: Set, b: Set) -> Set {
        self.work += 1;
        if a == b || b == Set::EMPTY {
            return a;
        }
        if a == Set::EMPTY {
            return b;
        }
        let (x, y) = (self.node(a), self.node(b));
        if x.bit == y.bit && x.key == y.key {
            // Two different branches at the same place (equal leaves are one node).
            let left = self.union(x.left, y.left);
            let right = self.union(x.right, y.right);
            self.branch(x.key, x.bit, left, right)
        } else if x.bit > y.bit && matches(y.key, &x) {
            self.union_below(x, b)
        } else if y.bit > x.bit && matches(x.key, &y) {
            self.union_below(y, a)
        } else {
            self.join(a, x, b, y)
        }
    }

    /// The union of the branch `x` and a set `b` whose elements share its
    /// prefix: `b` joins one of its sides.
    fn union_below(&mut self, x: Node, b: Set) -> Set {
        let key = self.node(b).key;
        if goes_left(key, x.bit) {
            let left = self.union(x.left, b);
            self.branch(x.key, x.bit, left, x.right)
        } else {
            let right = self.union(x.right, b);
            self.branch(x.key, x.bit, x.left, right)
        }
    }

    /// The elements of `a` that are not in `b`.
    pub fn difference(&mut self, a: Set, b: Set) -> Set {
        self.work += 1;
        if a == b || a == Set::EMPTY {
            return Set::EMPTY;
        }
        if b == Set::EMPTY {
            return a;
        }
        let (x, y) = (self.node(a), self.node(b));
        if x.bit == y.bit && x.key == y.key {
            let left = self.difference(x.left, y.left);
            let right = self.difference(x.right, y.right);
            self.branch(x.key, x.bit, left, right)
        } else if x.bit > y.bit && matches(y.key, &x) {
            // `b` lies within one side of `a`.
            if goes_left(y.key, x.bit) {
                let left = self.difference(x.left, b);
                self.branch(x.key, x.bit, left, x.right)
            } else {
                let right = self.difference(x.right, b);
                self.branch(x.key, x.bit, x.left, right)
            }
        } else if y.bit > x.bit && matches(x.key, &y) {
            // `a` lies within one side of `b`.
            let side = if goes_left(x.key, y.bit) {
                y.left
            } else {
                y.right
            };
            self.difference(a, side)
        } else {
            a
        }
    }

    /// Appends the elements of `a` not in `b` to `only_a`, and those of `b`
    /// not in `a` to `only_b`, each in increasing order.
    pub fn symmetric_difference(
        &mut self,
        a: Set,
        b: Set,
        only_a: &mut Vec<u32>,
        only_b: &mut Vec<u32>,
    ) {
        self.work += 1;
        if a == b {
            return;
        }
        if a == Set::EMPTY || b == Set::EMPTY {
            self.elements(a, only_a);
            self.elements(b, only_b);
            return;
        }
        let (x, y) = (self.node(a), self.node(b));
        if x.bit == y.bit && x.key == y.key {
            self.symmetric_difference(x.left, y.left, only_a, only_b);
            self.symmetric_difference(x.right, y.right, only_a, only_b);
        } else if x.bit > y.bit && matches(y.key, &x) {
            self.split_difference(x, b, only_a, only_b);
        } else if y.bit > x.bit && matches(x.key, &y) {
            self.split_difference(y, a, only_b, only_a);
        } else {
            self.elements(a, only_a);
            self.elements(b, only_b);
        }
    }

    /// The symmetric difference of the branch `x` and a set `b` within one
    /// of its sides: the other side is all `x`'s.
    fn split_difference(&mut self, x: Node, b: Set, only_x: &mut Vec<u32>, only_b: &mut Vec<u32>) {
        if goes_left(self.node(b).key, x.bit) {
            self.symmetric_difference(x.left, b, only_x, only_b);
            self.elements(x.right, only_x);
        } else {
            self.elements(x.left, only_x);
            self.symmetric_difference(x.right, b, only_x, only_b);
        }
    }

    /// Appends the elements of `s` to `out`, in increasing order.
    pub fn elements(&mut self, s: Set, out: &mut Vec<u32>) {
        self.work += 1;
        if s == Set::EMPTY {
            return;
        }
        let x = self.node(s);
        if x.bit == 0 {
            out.push(x.key);
        } else {
            self.elements(x.left, out);
            self.elements(x.right, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// A few thousand pseudo-random sets, operated on both as tries and as
    /// `BTreeSet`s.
    #[test]
    fn operations_agree_with_btreeset() {
        let mut sets = Sets::new();
        let mut state = 12345u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u32
        };
        let mut pool: Vec<(Set, BTreeSet<u32>)> = vec![(Set::EMPTY, BTreeSet::new())];
        for round in 0..3000 {
            // Small keys collide often, large ones exercise the top bits.
            let range = if round % 3 == 0 { u32::MAX } else { 64 };
            let n = next() % 12;
            let values: Vec<u32> = (0..n).map(|_| next() % range).collect();
            let fresh = sets.set_of(values.iter().copied());
            pool.push((fresh, values.into_iter().collect()));
            let i = next() as usize % pool.len();
            let j = next() as usize % pool.len();
            let (a, sa) = pool[i].clone();
            let (b, sb) = pool[j].clone();
            let u = sets.union(a, b);
            let su: BTreeSet<u32> = sa.union(&sb).copied().collect();
            let d = sets.difference(a, b);
            let sd: BTreeSet<u32> = sa.difference(&sb).copied().collect();
            let (mut only_a, mut only_b) = (Vec::new(), Vec::new());
            sets.symmetric_difference(a, b, &mut only_a, &mut only_b);
            assert_eq!(only_a, sd.iter().copied().collect::<Vec<_>>());
            assert_eq!(only_b, sb.difference(&sa).copied().collect::<Vec<_>>());
            for (s, expected) in [(u, &su), (d, &sd)] {
                let mut elements = Vec::new();
                sets.elements(s, &mut elements);
                assert_eq!(elements, expected.iter().copied().collect::<Vec<_>>());
                // Hash-consing: the same elements make the same node.
                let rebuilt = sets.set_of(expected.iter().rev().copied());
                assert_eq!(rebuilt, s);
            }
            for k in sa.iter().chain(&sb).copied().chain([next() % range]) {
                assert_eq!(sets.contains(u, k), su.contains(&k));
            }
            pool.push((u, su));
            pool.push((d, sd));
        }
    }
}
