//! Placeholder: replaced by the reference interpreter.
