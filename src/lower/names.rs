//! Unique, readable WAT identifiers.
//!
//! WAT names live in separate index spaces (functions, globals, locals,
//! labels, ...). Within one space the IR's names are kept where they are
//! unique and valid, and a clash gets a numeric suffix, deterministically in
//! the order names are asked for.

use crate::fxhash::FxHashSet;

#[derive(Default)]
pub struct NameSpace {
    taken: FxHashSet<String>,
}

impl NameSpace {
    /// Reserves `wanted` (cleaned up), or `wanted_1`, `wanted_2`, ... if taken.
    pub fn fresh(&mut self, wanted: &str) -> String {
        let base = sanitize(wanted);
        if self.taken.insert(base.clone()) {
            return base;
        }
        (1..)
            .map(|n| format!("{base}_{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
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
}
