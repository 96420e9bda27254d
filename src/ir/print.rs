//! Placeholder: replaced by the IR printer.
use super::Module;

/// Prints a module in the `.vir` text format.
pub fn print_module(module: &Module) -> String {
    let _ = module;
    String::new()
}
