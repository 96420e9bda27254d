//! Unique, readable WAT identifiers.
//!
//! WAT names live in separate index spaces (functions, globals, locals,
//! labels, ...). Within one space the IR's names are kept where they are
//! unique and valid, and a clash gets a numeric suffix, deterministically in
//! the order names are asked for.

use crate::fxhash::{FxHashMap, FxHashSet};

#[derive(Default)]
pub struct NameSpace {
    taken: FxHashSet<String>,
    /// For each name asked for more than once, the suffix to try next: N
    /// blocks of the same name cost N lookups, not N²/2.
    next_suffix: FxHashMap<String, u32>,
}

impl NameSpace {
    /// Reserves `wanted` (cleaned up), or `wanted_1`, `wanted_2`, ... if taken.
    pub fn fresh(&mut self, wanted: &str) -> String {
        let base = sanitize(wanted);
        if self.taken.insert(base.clone()) {
            return base;
        }
        let next = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}_{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Keeps the characters that are valid in a WAT identifier and readable;
/// anything else becomes `_`.
fn sanitize(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-+*/\\^~=<>!?@#$%&|:'`".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "_".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clashes_get_suffixes_in_request_order() {
        let mut names = NameSpace::default();
        assert_eq!(names.fresh("x"), "x");
        assert_eq!(names.fresh("x"), "x_1");
        assert_eq!(names.fresh("x_1"), "x_1_1");
        assert_eq!(names.fresh("x"), "x_2");
        assert_eq!(names.fresh("a b"), "a_b");
        assert_eq!(names.fresh(""), "_");
    }

    /// The suffix counter only skips names that are taken: the first free
    /// suffix is still the one chosen, as by a scan from 1.
    #[test]
    fn a_taken_suffix_is_skipped_and_a_free_one_is_not() {
        let mut names = NameSpace::default();
        assert_eq!(names.fresh("b_2"), "b_2");
        assert_eq!(names.fresh("b"), "b");
        assert_eq!(names.fresh("b"), "b_1");
        assert_eq!(names.fresh("b"), "b_3");
        assert_eq!(names.fresh("b_4"), "b_4");
        assert_eq!(names.fresh("b"), "b_5");
        for n in 6..1000 {
            assert_eq!(names.fresh("b"), format!("b_{n}"));
        }
    }
}
