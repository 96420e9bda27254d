//! Recursion as deep as the input is, without overflowing the stack.
//!
//! Some passes recurse as deep as the program is nested: the structuring
//! follows the dominator tree (a chain of 100,000 blocks is 100,000 deep),
//! and the printer follows nested blocks. Like rustc's
//! `ensure_sufficient_stack`, [`ensure_stack`] moves to a fresh stack
//! segment on the heap when the current one runs low, so the depth is
//! bounded by memory, not by the caller's thread stack.

/// Runs `f`, on a new 1 MiB stack segment if less than 128 KiB is left.
pub(crate) fn ensure_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(128 * 1024, 1024 * 1024, f)
}
