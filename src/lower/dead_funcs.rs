//! `dead-functions`: private functions that nothing can call once the IR
//! passes ran are left out of the wasm module.
//!
//! Inlining copies a frontend's small helpers (`vset`, `vdot`, `hash`)
//! into their callers; when every call was inlined, the helper's own body
//! is dead code, a third of vec3's code section. wasm-ld's
//! `--gc-sections` drops such functions for clang; this is the same rule
//! on the optimized IR.
//!
//! Why it is exact: a private function (`fn`, not `pub fn`) is neither
//! exported nor imported by anyone, so the only ways to run it are a
//! direct call and a call through a function pointer. The roots are the
//! public functions, every function whose address the module takes (the
//! function table: its pointers may be stored anywhere) and a threads
//! program's `@wasi_thread_start`; a function is kept when it is a root or
//! a kept function's optimized body calls it. A pass that removed a call
//! removed it from every path, so what is left out was unreachable.
//! Imports are always kept: they are the module's interface.

use crate::ir::{FuncId, Function, Linkage, Module, Op};
use crate::memory::Layout;

/// The defined functions to emit, in module order: those of `defined`
/// that a root reaches through the direct calls of `optimized` (the body
/// of each function of `defined` after the IR passes, in the same order).
pub(super) fn live_functions(
    module: &Module,
    layout: &Layout,
    defined: &[FuncId],
    optimized: &[impl AsRef<Function>],
) -> Vec<FuncId> {
    // The optimized body of each function, by id (imports have none).
    let mut body: Vec<Option<&Function>> = vec![None; module.funcs.len()];
    for (&id, func) in defined.iter().zip(optimized) {
        body[id.index()] = Some(func.as_ref());
    }
    let mut live = vec![false; module.funcs.len()];
    let mut work: Vec<FuncId> = Vec::new();
    let mut reach = |id: FuncId, work: &mut Vec<FuncId>| {
        if !std::mem::replace(&mut live[id.index()], true) {
            work.push(id);
        }
    };
    let roots = (defined.iter().copied())
        .filter(|&id| module.func(id).linkage == Linkage::Public)
        .chain(layout.table.iter().flatten().copied())
        .chain(module.thread_start());
    for id in roots {
        reach(id, &mut work);
    }
    while let Some(id) = work.pop() {
        for callee in body[id.index()].into_iter().flat_map(direct_callees) {
            reach(callee, &mut work);
        }
    }
    (defined.iter().copied())
        .filter(|id| live[id.index()])
        .collect()
}

/// The functions `func` calls by name.
fn direct_callees(func: &Function) -> impl Iterator<Item = FuncId> + '_ {
    (func.blocks.iter())
        .flat_map(|b| &b.insts)
        .filter_map(|inst| match inst.op {
            Op::Call { func, .. } => Some(func),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use crate::ir::Target;
    use crate::lower::passes::testing::parse;
    use crate::lower::{Options, lower_module_with};

    /// The WAT names of the functions `options` emits for `text`.
    fn emitted(text: &str, options: Options) -> Vec<String> {
        let lowered = lower_module_with(&parse(text), Target::Wasm64, options).expect("lowers");
        lowered.funcs.into_iter().map(|f| f.id).collect()
    }

    const LEAF: &str =
        "fn @leaf(%x: i32) -> i32 {\nentry:\n  %r = i32.add %x, %x\n  return %r\n}\n";

    #[test]
    fn a_helper_inlined_at_every_call_is_left_out_and_kept_without_the_pass() {
        let text = format!(
            "{LEAF}pub fn @f(%x: i32) -> i32 {{\nentry:\n  %a = call @leaf(%x)\n  \
             %b = call @leaf(%a)\n  return %b\n}}\n"
        );
        assert_eq!(emitted(&text, Options::default()), ["f"]);
        let mut off = Options::default();
        off.set("dead-functions", false).unwrap();
        assert_eq!(emitted(&text, off), ["leaf", "f"]);
    }

    #[test]
    fn functions_reached_only_from_dead_ones_go_too_in_any_order() {
        // @b calls @a and itself: nothing inlines either; nothing public
        // reaches them.
        let text = "fn @a(%x: i32) -> i32 {\nentry:\n  %r = call @b(%x)\n  return %r\n}\n\
                    fn @b(%x: i32) -> i32 {\nentry:\n  %r = call @a(%x)\n  return %r\n}\n\
                    pub fn @main() -> i32 {\nentry:\n  %r = i32.const 1\n  return %r\n}\n";
        assert_eq!(emitted(text, Options::default()), ["main"]);
    }

    #[test]
    fn pointer_targets_and_their_callees_stay() {
        // @leaf is in the table through data only; @calls_leaf through a
        // global; each calls a private function that must stay callable.
        let text = format!(
            "{LEAF}data @ptrs align 8 = ptr @leaf\n\
             global @g: ptr = @calls_leaf\n\
             fn @inner(%x: i32) -> i32 {{\nentry:\n  %r = call @inner(%x)\n  return %r\n}}\n\
             fn @calls_leaf(%x: i32) -> i32 {{\nentry:\n  %r = call @inner(%x)\n  return %r\n}}\n\
             pub fn @main() -> i32 {{\nentry:\n  %r = i32.const 1\n  return %r\n}}\n"
        );
        assert_eq!(
            emitted(&text, Options::default()),
            ["leaf", "inner", "calls_leaf", "main"]
        );
    }
}
