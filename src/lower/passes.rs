//! Optimisation levels, the passes they run, and the IR-to-IR pipeline.
//!
//! Every optimisation of the backend is a named pass that can be switched
//! off on its own, so that a reviewer can see what each one does to the
//! WAT: [`PASSES`] lists them with the lowest level that runs them.
//! `-O0` gives the plain form (each IR instruction lowered as it is,
//! every value in a local), `-O2`, the default, everything. The IR-to-IR
//! passes run on one function at a time, in the order of [`PASSES`], before
//! the function is structured and lowered ([`optimize`]); the others are
//! choices the lowering itself makes. `vitte-wat opt --print-after-all`
//! prints the IR after each IR-to-IR pass ([`optimize_module`]).
//!
//! A pass never changes what a program does: each one's file states the
//! rule that makes it correct, and its unit tests run the rewritten
//! functions against the originals in the reference interpreter; the
//! differential campaign runs at every level.

use super::Options;
use crate::ir::{FuncId, Function, Module};
use std::borrow::Cow;
use std::fmt;

/// An optimisation level: which passes run by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum OptLevel {
    /// Nothing: the plain form.
    O0,
    /// The cheap passes that only look at one block or one value at a time.
    O1,
    /// Everything (the default).
    #[default]
    O2,
}

impl OptLevel {
    /// `0`, `1` or `2` (also `O0`, `O1`, `O2`).
    pub fn parse(text: &str) -> Option<OptLevel> {
        match text.strip_prefix('O').unwrap_or(text) {
            "0" => Some(OptLevel::O0),
            "1" => Some(OptLevel::O1),
            "2" => Some(OptLevel::O2),
            _ => None,
        }
    }
}

impl fmt::Display for OptLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = match self {
            OptLevel::O0 => 0,
            OptLevel::O1 => 1,
            OptLevel::O2 => 2,
        };
        write!(f, "O{n}")
    }
}

/// One pass: its name on the command line, the lowest level that runs it,
/// whether it rewrites the IR (and so shows in `opt --print-after-all`),
/// and what it does.
#[derive(Clone, Copy, Debug)]
pub struct PassInfo {
    pub name: &'static str,
    pub level: OptLevel,
    pub rewrites_ir: bool,
    pub what: &'static str,
}

/// Every pass, IR-to-IR ones first in the order they run.
pub const PASSES: &[PassInfo] = &[
    PassInfo {
        name: "inline",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "calls to small leaf functions (no calls, no slots; vars, loops and traps allowed) replaced by their body, which keeps its positions inlined at the call (inline.rs, inline_calls.rs)",
    },
    PassInfo {
        name: "promote-vars",
        level: OptLevel::O1,
        rewrites_ir: true,
        what: "`var`s promoted to SSA values and block parameters, `var.get`/`var.set` removed (promote.rs)",
    },
    PassInfo {
        name: "tailrec",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "a self-call whose results are returned, or combined with an earlier value by an integer add, mul, and, or or xor, replaced by a jump to a loop around the body, with an accumulator (tailrec.rs)",
    },
    PassInfo {
        name: "sroa",
        level: OptLevel::O1,
        rewrites_ir: true,
        what: "stack slots whose address is only used by loads and stores of constant offsets inside them, each field stored before it is loaded, replaced by one SSA value per field (sroa.rs)",
    },
    PassInfo {
        name: "simplify",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "exact integer identities (`x + 0`, `x * 1`, `x & -1`, `x - x`, `x eq 0` to `eqz`, a `brif` on `x ne 0`, ...), `select` of equal arms, and operators on constants folded where they cannot trap (simplify.rs)",
    },
    PassInfo {
        name: "jump-threading",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "an edge passing a value its target block only branches on (a constant, or the condition its own `brif` tested) goes straight to the successor that value selects; jumps through empty blocks and `brif`s with two equal edges removed (jump_thread.rs)",
    },
    PassInfo {
        name: "select-diamonds",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "a `brif` whose two edges reach one block (directly, or through a block that only jumps there) replaced by `select`s of the arguments that differ, at most 4, and a `jump` (selects.rs)",
    },
    PassInfo {
        name: "fold-offsets",
        level: OptLevel::O1,
        rewrites_ir: true,
        what: "`ptr.add` of a constant folded into the `offset=` of loads and stores where it cannot wrap (offsets.rs)",
    },
    PassInfo {
        name: "gvn",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "a pure computation (operator and operands, commutative ones in either order) that a dominating instruction already made reuses its value; loads and calls stay (gvn.rs)",
    },
    PassInfo {
        name: "fold-const-loads",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "a load from read-only data (`data @x const`) at `data.addr @x` plus constants, inside its bytes, replaced by the constant it reads (const_loads.rs)",
    },
    PassInfo {
        name: "load-cse",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "a load of an address already loaded or stored, with no write to memory between, reuses the value (load_cse.rs)",
    },
    PassInfo {
        name: "licm",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "pure computations that cannot trap and whose operands are defined outside a loop hoisted into its preheader; loads stay (licm.rs)",
    },
    PassInfo {
        name: "widen-iv",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "sign extensions of `i * m + x` (i32) of a loop's counter `i` by invariants, where value ranges prove that neither the counter's steps nor the expression wrap, replaced by a new pointer-wide loop-carried value stepped by `c * m` (widen.rs, ranges.rs, loops.rs)",
    },
    PassInfo {
        name: "strength-reduce",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "products `i * m` (or `i << s`, possibly `+ x`) of a loop's induction variable `i` by invariants replaced by a new loop-carried value stepped by `c * m` (strength.rs, loops.rs)",
    },
    PassInfo {
        name: "unroll-outer",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "loops of a constant trip count up to 16 that hold other loops, where a load of read-only data has an address, or an inner loop a bound, constant in each copy, replaced by copies of their body; `fold-const-loads` and `simplify` run again after it (unroll_outer.rs)",
    },
    PassInfo {
        name: "unroll",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "innermost loops of a constant trip count up to 16 whose copies stay small, side exits included, replaced by that many copies of their body; then `fold-const-loads`, `simplify` and `jump-threading` run again on what full unrolling changed (unroll.rs)",
    },
    PassInfo {
        name: "unroll-partial",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "small innermost loops inside another loop, `i < n` (n invariant, i stepped by a constant) unrolled by 2 or 4: a main loop testing once per 2 or 4 iterations, then the original loop for the rest (unroll_partial.rs)",
    },
    PassInfo {
        name: "fold-accessed-offsets",
        level: OptLevel::O2,
        rewrites_ir: true,
        what: "`ptr.add` of a constant folded into the `offset=` of loads and stores whose base a load or store ran on before (earlier in the block or in a dominator), which bounds it below the 1 GiB memory maximum ; last, after the second `gvn` and `load-cse` have merged the accesses it would otherwise split into two forms (accessed.rs)",
    },
    PassInfo {
        name: "stack-values",
        level: OptLevel::O1,
        rewrites_ir: false,
        what: "single-use values kept on the operand stack, constants emitted where used (func.rs)",
    },
    PassInfo {
        name: "reuse-locals",
        level: OptLevel::O1,
        rewrites_ir: false,
        what: "values whose live ranges do not overlap share a wasm local (locals.rs)",
    },
    PassInfo {
        name: "early-operands",
        level: OptLevel::O2,
        rewrites_ir: false,
        what: "an instruction's first operands read from their locals (or constants) before the code computing its later operands, which then stay on the operand stack: `local.get $p`, the value, `f64.store` instead of the value through a local (func.rs)",
    },
    PassInfo {
        name: "if-else",
        level: OptLevel::O1,
        rewrites_ir: false,
        what: "the `block` that a diamond's join ends made the `else` of its `if`: `block $l if T br $l end E end` becomes `if T else E end` (control.rs)",
    },
    PassInfo {
        name: "peephole",
        level: OptLevel::O1,
        rewrites_ir: false,
        what: "`local.set $x local.get $x` becomes `local.tee $x`; an integer comparison then `i32.eqz` becomes the negated comparison (peephole.rs)",
    },
    PassInfo {
        name: "rotate-loops",
        level: OptLevel::O2,
        rewrites_ir: false,
        what: "loop conditions tested at the bottom: one branch per iteration (rotate.rs)",
    },
    PassInfo {
        name: "loop-guards",
        level: OptLevel::O2,
        rewrites_ir: false,
        what: "a `br_if` whose condition the straight-line code before it makes zero removed with that code: a rotated loop's first test when its counter starts at a constant that passes it; outside loops only (guards.rs)",
    },
    PassInfo {
        name: "dead-functions",
        level: OptLevel::O2,
        rewrites_ir: false,
        what: "private functions that no call reaches from a public function, the function table or a thread's start, once the IR passes ran (inlining leaves many), left out of the module (dead_funcs.rs)",
    },
];

impl Options {
    /// The passes of a level.
    pub fn at(level: OptLevel) -> Options {
        let mut options = Options::none();
        for pass in PASSES.iter().filter(|p| p.level <= level) {
            *options.flag(pass.name).expect("every pass has a flag") = true;
        }
        options
    }

    /// Every pass off: `-O0`.
    pub fn none() -> Options {
        Options {
            stack_values: false,
            reuse_locals: false,
            rotate_loops: false,
            inline_leaves: false,
            fold_offsets: false,
            gvn: false,
            promote_vars: false,
            tailrec: false,
            sroa: false,
            load_cse: false,
            licm: false,
            widen_iv: false,
            strength_reduce: false,
            unroll_outer: false,
            unroll: false,
            unroll_partial: false,
            jump_threading: false,
            select_diamonds: false,
            loop_guards: false,
            fold_const_loads: false,
            simplify: false,
            fold_accessed_offsets: false,
            dead_functions: false,
            early_operands: false,
            if_else: false,
            peephole: false,
        }
    }

    fn flag(&mut self, name: &str) -> Option<&mut bool> {
        Some(match name {
            "inline" => &mut self.inline_leaves,
            "promote-vars" => &mut self.promote_vars,
            "tailrec" => &mut self.tailrec,
            "sroa" => &mut self.sroa,
            "fold-offsets" => &mut self.fold_offsets,
            "gvn" => &mut self.gvn,
            "load-cse" => &mut self.load_cse,
            "licm" => &mut self.licm,
            "widen-iv" => &mut self.widen_iv,
            "strength-reduce" => &mut self.strength_reduce,
            "unroll-outer" => &mut self.unroll_outer,
            "unroll" => &mut self.unroll,
            "unroll-partial" => &mut self.unroll_partial,
            "jump-threading" => &mut self.jump_threading,
            "select-diamonds" => &mut self.select_diamonds,
            "loop-guards" => &mut self.loop_guards,
            "fold-const-loads" => &mut self.fold_const_loads,
            "simplify" => &mut self.simplify,
            "fold-accessed-offsets" => &mut self.fold_accessed_offsets,
            "stack-values" => &mut self.stack_values,
            "reuse-locals" => &mut self.reuse_locals,
            "rotate-loops" => &mut self.rotate_loops,
            "dead-functions" => &mut self.dead_functions,
            "early-operands" => &mut self.early_operands,
            "if-else" => &mut self.if_else,
            "peephole" => &mut self.peephole,
            _ => return None,
        })
    }

    /// Whether the pass `name` runs (`None` for an unknown name).
    pub fn enabled(&self, name: &str) -> Option<bool> {
        let mut copy = *self;
        copy.flag(name).map(|on| *on)
    }

    /// Switches the pass `name` on or off; an unknown name is an error
    /// listing the known ones.
    pub fn set(&mut self, name: &str, on: bool) -> Result<(), String> {
        match self.flag(name) {
            Some(flag) => {
                *flag = on;
                Ok(())
            }
            None => {
                let known: Vec<&str> = PASSES.iter().map(|p| p.name).collect();
                Err(format!(
                    "unknown pass `{name}`; the passes are: {}",
                    known.join(", ")
                ))
            }
        }
    }

    /// Options from words: a level (`O0`, `O1`, `O2`), then passes to
    /// switch off (`no-NAME`) or on (`NAME`), in order: `O2 no-load-cse`,
    /// `O0 fold-offsets`. The golden cases' `;; opt:` lines use it.
    pub fn from_words(text: &str) -> Result<Options, String> {
        let mut words = text.split_whitespace();
        let first = words.next().unwrap_or_default();
        let level = OptLevel::parse(first)
            .ok_or_else(|| format!("`{first}` is not an optimisation level (O0, O1 or O2)"))?;
        let mut options = Options::at(level);
        for word in words {
            match word.strip_prefix("no-") {
                Some(name) => options.set(name, false)?,
                None => options.set(word, true)?,
            }
        }
        Ok(options)
    }
}

/// Runs one IR-to-IR pass on `func` (a function of `module`, or its
/// rewrite by earlier passes): the rewritten function, or `None` when the
/// pass changed nothing. `expand-switches` is not optional (the
/// structuring knows only tables and `brif`) and is not in [`PASSES`].
fn run_pass(name: &str, module: &Module, func: &Function) -> Option<Function> {
    match name {
        "inline" => {
            // The one-block leaves that cannot trap, cheaply; then the rest.
            let leaves = super::inline::inline_leaves(module, func);
            let rest = super::inline_calls::inline_calls(module, leaves.as_ref().unwrap_or(func));
            rest.or(leaves)
        }
        "promote-vars" => super::promote::promote_vars(func),
        "tailrec" => super::tailrec::eliminate_tail_calls(func),
        "sroa" => super::sroa::scalar_replace(func),
        "simplify" => super::simplify::simplify(func),
        "jump-threading" => super::jump_thread::thread_jumps(func),
        "select-diamonds" => super::selects::select_diamonds(func),
        "expand-switches" => super::switches::expand_switches(func),
        "fold-offsets" => super::offsets::fold_offsets(func),
        "fold-accessed-offsets" => super::accessed::fold_accessed_offsets(func),
        "gvn" => super::gvn::number_values(func),
        "fold-const-loads" => super::const_loads::fold_const_loads(module, func),
        "load-cse" => super::load_cse::cse_loads(func),
        "licm" => super::licm::hoist_invariants(func),
        "widen-iv" => super::widen::widen_ivs(func),
        "strength-reduce" => super::strength::reduce_strength(func),
        "unroll-outer" => super::unroll_outer::unroll_outer_loops(module, func),
        "unroll" => super::unroll::unroll_loops(func),
        "unroll-partial" => super::unroll_partial::unroll_partially(func),
        _ => None,
    }
}

/// The IR-to-IR passes `options` runs, in order, with the switch expansion
/// where it belongs (after the passes that may meet a general switch and
/// before those that want plain `brif`s), and `gvn` once more at the end:
/// before `load-cse`, it gives that pass one address where the frontend
/// computed several; `licm` then hoists invariants of sibling loops into
/// one preheader, and `unroll` copies code, which makes new repeats (the
/// second run is skipped where nothing changed since the first: see
/// [`Fresh`]). Full unrolling makes counters constants: `fold-const-loads`
/// and `simplify` run again after `unroll-outer` (so that `unroll` sees
/// the bounds the copies read from tables or computed from their
/// counters), and the [`CLEANUPS`] after the unrolling passes, on the
/// functions full unrolling changed.
fn pipeline(options: &Options) -> Vec<&'static str> {
    let mut names = Vec::new();
    for pass in PASSES.iter().filter(|p| p.rewrites_ir) {
        if pass.name == "fold-offsets" {
            names.push("expand-switches");
        }
        // The second `gvn` runs before the last pass, which folds offsets
        // only once repeated loads of one address are merged.
        if pass.name == "fold-accessed-offsets" && options.gvn {
            names.push("gvn");
        }
        if options.enabled(pass.name) == Some(true) {
            names.push(pass.name);
        }
        let unrolling = options.unroll || options.unroll_outer;
        let cleanups = match pass.name {
            "unroll-outer" if options.unroll_outer => &CLEANUPS[..2],
            "unroll-partial" if unrolling => &CLEANUPS[..],
            _ => &[],
        };
        names.extend(cleanups.iter().filter(|c| options.enabled(c) == Some(true)));
    }
    names
}

/// The passes that run again after full unrolling, on the functions it
/// changed: each copy's counter is an expression of constants, which
/// `simplify` folds, and so may be an address in read-only data, a bound
/// or a value that an exit block only compares (a search loop's side exits
/// with the counter they left at).
const CLEANUPS: [&str; 3] = ["fold-const-loads", "simplify", "jump-threading"];

/// The full unrolling passes, after which the [`CLEANUPS`] run again.
const FULL_UNROLLING: [&str; 2] = ["unroll-outer", "unroll"];

/// The function `id` of `module` after the IR-to-IR passes of `options`
/// (borrowed when none changed it). Inlining copies the callees as the
/// module has them, before their own optimisation.
pub(crate) fn optimize<'m>(module: &'m Module, id: FuncId, options: &Options) -> Cow<'m, Function> {
    let mut func = Cow::Borrowed(module.func(id));
    let mut fresh = Fresh::default();
    for name in pipeline(options) {
        if fresh.worth_running(name) {
            let changed = run_pass(name, module, &func);
            fresh.ran(name, changed.is_some());
            if let Some(changed) = changed {
                func = Cow::Owned(changed);
            }
        }
    }
    func
}

/// Which passes a function needs again. `gvn` leaves nothing for itself
/// to find (each instruction is numbered after the instructions that
/// dominate it, so one walk sees every repeat), so it runs again only on
/// a function that another pass changed since: on `gen_ir --functions
/// 10000`, where `licm` and `unroll` change nothing, the second run would
/// cost 5% of `build --direct`. A cleanup ([`CLEANUPS`]) runs again only
/// on a function full unrolling changed since it last ran.
#[derive(Clone, Copy)]
struct Fresh {
    changed_since_gvn: bool,
    /// Bit `i`: [`CLEANUPS`]`[i]` ran since full unrolling last changed
    /// the function.
    cleaned: u8,
}

impl Default for Fresh {
    fn default() -> Fresh {
        Fresh {
            changed_since_gvn: true,
            cleaned: 0,
        }
    }
}

impl Fresh {
    fn worth_running(self, name: &str) -> bool {
        match CLEANUPS.iter().position(|c| *c == name) {
            Some(i) => self.cleaned & (1 << i) == 0,
            None => name != "gvn" || self.changed_since_gvn,
        }
    }

    /// Records that `name` ran, and whether it changed the function.
    fn ran(&mut self, name: &str, changed: bool) {
        self.changed_since_gvn = name != "gvn" && (changed || self.changed_since_gvn);
        if let Some(i) = CLEANUPS.iter().position(|c| *c == name) {
            self.cleaned |= 1 << i;
        }
        if changed && FULL_UNROLLING.contains(&name) {
            self.cleaned = 0;
        }
    }
}

/// The whole module after the IR-to-IR passes of `options`, one pass over
/// every function at a time; `after(pass, module)` sees the module after
/// each pass (`vitte-wat opt --print-after-all`). The functions are those
/// [`optimize`] gives the lowering.
pub fn optimize_module(
    module: &Module,
    options: &Options,
    mut after: impl FnMut(&str, &Module),
) -> Module {
    let original = module;
    let mut module = module.clone();
    let mut fresh = vec![Fresh::default(); module.funcs.len()];
    for name in pipeline(options) {
        for (func, fresh) in module.funcs.iter_mut().zip(&mut fresh) {
            if func.is_import() || !fresh.worth_running(name) {
                continue;
            }
            // Inlining reads the callees of the original module, as
            // `optimize` does; the other passes look at one function.
            let changed = run_pass(name, original, func);
            fresh.ran(name, changed.is_some());
            if let Some(changed) = changed {
                *func = changed;
            }
        }
        after(name, &module);
    }
    module
}

/// What the passes' unit tests share: a rewritten module must behave as
/// its original in the reference interpreter.
#[cfg(test)]
pub(crate) mod testing {
    use crate::interp::{InterpError, Interpreter};
    use crate::ir::{Module, Target};
    use crate::testgen::{GenConfig, Program, generate_program};
    use crate::value::Value;

    /// A safety net far above what a generated program spends: the
    /// programs stop on their own budgets.
    const FUEL: u64 = 50_000_000;

    /// The module of `text`, which the test wrote valid: it must parse
    /// and verify.
    pub fn parse(text: &str) -> Module {
        let module = crate::text::parse_str("test.vir", text).expect("parses");
        crate::verify::verify_module(&module).expect("verifies");
        module
    }

    /// `rewrite` applied to every defined function of `module`.
    pub fn rewritten(
        module: &Module,
        rewrite: impl Fn(&Module, &crate::ir::Function) -> Option<crate::ir::Function>,
    ) -> Module {
        let mut out = module.clone();
        for (index, func) in module.funcs.iter().enumerate() {
            if !func.is_import()
                && let Some(f) = rewrite(module, func)
            {
                out.funcs[index] = f;
            }
        }
        if let Err(errors) = crate::verify::verify_module(&out) {
            panic!(
                "the rewritten module does not verify: {errors:?}\n{}",
                crate::text::print_module(&out)
            );
        }
        out
    }

    /// The program's calls give the same results or traps on the rewritten
    /// module, on both targets (a call that exhausts the safety net ends
    /// the comparison: the state after it is not comparable).
    pub fn assert_same_outcomes(program: &Program, after: &Module) {
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut a = Interpreter::new(&program.module, target).expect("instantiates");
            let mut b = Interpreter::new(after, target).expect("instantiates");
            for call in &program.calls {
                let args: Vec<_> = call.args.iter().map(|x| x.value(target)).collect();
                a.set_fuel(Some(FUEL));
                b.set_fuel(Some(FUEL));
                let want = outcome(a.call(&call.func, &args));
                let got = outcome(b.call(&call.func, &args));
                let exhausted = |r: &Result<_, String>| matches!(r, Err(e) if e.contains("fuel"));
                if exhausted(&want) || exhausted(&got) {
                    break;
                }
                assert_eq!(
                    got,
                    want,
                    "seed {}, {target}, call {} {:?}\n{}",
                    program.seed,
                    call.func,
                    call.args,
                    crate::text::print_module(after)
                );
            }
        }
    }

    /// `@f` of both modules gives the same results or traps on each
    /// argument list, on both targets.
    pub fn same_outcomes(before: &Module, after: &Module, args: &[Vec<Value>]) {
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut a = Interpreter::new(before, target).expect("instantiates");
            let mut b = Interpreter::new(after, target).expect("instantiates");
            for args in args {
                a.set_fuel(Some(FUEL));
                b.set_fuel(Some(FUEL));
                let want = outcome(a.call("f", args));
                assert_eq!(outcome(b.call("f", args)), want, "{target} {args:?}");
            }
        }
    }

    /// A call's results, or its trap's reason without the backtrace
    /// (inlining removes frames), or another error's text.
    pub fn outcome(result: Result<Vec<Value>, InterpError>) -> Result<Vec<Value>, String> {
        result.map_err(|e| match e {
            InterpError::Trap(trap) => format!("trap: {:?}", trap.kind),
            other => other.to_string(),
        })
    }

    /// Generated programs of seeds `seeds`, each checked rewritten; how
    /// many functions the rewrite changed.
    pub fn check_generated(
        seeds: std::ops::Range<u64>,
        rewrite: impl Fn(&Module, &crate::ir::Function) -> Option<crate::ir::Function> + Copy,
    ) -> usize {
        let mut changed = 0;
        for seed in seeds {
            let program = generate_program(seed, &GenConfig::default());
            let after = rewritten(&program.module, rewrite);
            changed += (program.module.funcs.iter().zip(&after.funcs))
                .filter(|(a, b)| a != b)
                .count();
            assert_same_outcomes(&program, &after);
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_o2_and_o0_is_plain() {
        assert_eq!(Options::default(), Options::at(OptLevel::O2));
        assert_eq!(Options::at(OptLevel::O0), Options::none());
        let o1 = Options::at(OptLevel::O1);
        assert!(o1.fold_offsets && o1.stack_values && !o1.load_cse && !o1.inline_leaves);
        assert!(
            !o1.licm
                && !o1.unroll
                && !o1.unroll_partial
                && !o1.gvn
                && !o1.tailrec
                && !o1.jump_threading
        );
    }

    #[test]
    fn gvn_runs_again_only_on_a_function_changed_since() {
        let mut fresh = Fresh::default();
        assert!(fresh.worth_running("gvn"));
        fresh.ran("gvn", true);
        assert!(!fresh.worth_running("gvn") && fresh.worth_running("licm"));
        fresh.ran("licm", false);
        assert!(!fresh.worth_running("gvn"));
        fresh.ran("licm", true);
        fresh.ran("unroll", false);
        assert!(fresh.worth_running("gvn"));
        fresh.ran("gvn", false);
        assert!(!fresh.worth_running("gvn"));
    }

    #[test]
    fn cleanups_run_again_only_on_a_function_full_unrolling_changed() {
        let mut fresh = Fresh::default();
        assert!(fresh.worth_running("simplify") && fresh.worth_running("fold-const-loads"));
        fresh.ran("simplify", true);
        fresh.ran("fold-const-loads", false);
        fresh.ran("licm", true);
        fresh.ran("unroll-partial", true);
        assert!(!fresh.worth_running("simplify") && !fresh.worth_running("fold-const-loads"));
        fresh.ran("unroll-outer", true);
        assert!(fresh.worth_running("simplify") && fresh.worth_running("jump-threading"));
        fresh.ran("fold-const-loads", true);
        fresh.ran("unroll", false);
        assert!(!fresh.worth_running("fold-const-loads") && fresh.worth_running("simplify"));
    }

    #[test]
    fn words_pick_a_level_then_switch_passes() {
        let o = Options::from_words("O2 no-load-cse").expect("valid");
        assert!(!o.load_cse && o.inline_leaves);
        let o = Options::from_words("O0 fold-offsets").expect("valid");
        assert_eq!(o.enabled("fold-offsets"), Some(true));
        assert_eq!(o.enabled("stack-values"), Some(false));
        let err = Options::from_words("O2 no-frobnicate").unwrap_err();
        assert!(err.starts_with("unknown pass `frobnicate`"), "{err}");
        assert!(Options::from_words("O3").is_err());
    }

    #[test]
    fn every_pass_has_a_flag_and_the_switch_expansion_comes_before_folding() {
        for pass in PASSES {
            assert!(
                Options::none().enabled(pass.name).is_some(),
                "{}",
                pass.name
            );
        }
        let all = pipeline(&Options::default());
        let at = |n| all.iter().position(|p| *p == n).expect("in the pipeline");
        assert!(at("expand-switches") < at("fold-offsets"));
        // Slots split once inlining exposed them and the addresses the
        // inlined parameters held are SSA values; before offsets fold.
        assert!(at("inline") < at("promote-vars") && at("promote-vars") < at("sroa"));
        assert!(at("sroa") < at("fold-offsets"));
        assert!(at("fold-offsets") < at("fold-accessed-offsets"));
        // Tail calls found once the frontend's variables are values (a
        // function with variables keeps its frames).
        assert!(at("promote-vars") < at("tailrec") && at("tailrec") < at("sroa"));
        // Threading on SSA values (the frontends' `and` temporaries are
        // block parameters once promoted), before licm makes preheaders.
        assert!(at("promote-vars") < at("jump-threading") && at("jump-threading") < at("licm"));
        // Identities removed on SSA values, before threading folds the
        // conditions they hid and offsets fold the additions of zero.
        assert!(at("sroa") < at("simplify") && at("simplify") < at("jump-threading"));
        // licm on SSA values with offsets folded and loads reused; unroll
        // after it, on loops whose invariants are gone; strength-reduce
        // between them, on the products licm left in outer loops, before
        // unrolled copies would multiply.
        assert!(at("load-cse") < at("licm") && at("licm") < at("unroll"));
        // Values numbered with offsets folded, so that loads see one
        // address; and again last, after the passes that move code.
        assert!(at("fold-offsets") < at("gvn") && at("gvn") < at("load-cse"));
        // Loads of read-only data folded once gvn gave each address one
        // value, before load-cse would reuse them.
        assert!(at("gvn") < at("fold-const-loads") && at("fold-const-loads") < at("load-cse"));
        // Offsets onto accessed bases fold last, after the second gvn and
        // once load-cse merged the loads of one address: folding before
        // would leave `p + 8` and `p offset=8` side by side for one field.
        assert_eq!(all[all.len() - 2..], ["gvn", "fold-accessed-offsets"]);
        assert!(at("licm") < at("strength-reduce") && at("strength-reduce") < at("unroll"));
        // Partial unrolling after full unrolling, which takes the short
        // loops whole; `gvn` then sees the copies.
        assert!(at("unroll") < at("unroll-partial") && at("unroll-partial") < all.len() - 1);
        // Outer loops copied before the inner ones, whose bounds the
        // copies' loads of tables give once folded; what full unrolling
        // made constant cleaned up after it.
        assert!(at("strength-reduce") < at("unroll-outer") && at("unroll-outer") < at("unroll"));
        let outer = at("unroll-outer");
        assert_eq!(all[outer + 1..outer + 3], ["fold-const-loads", "simplify"]);
        for cleanup in CLEANUPS {
            assert!(all[at("unroll-partial")..].contains(&cleanup), "{cleanup}");
        }
        let without =
            pipeline(&Options::from_words("O2 no-unroll no-unroll-outer").expect("valid"));
        assert_eq!(without.iter().filter(|p| **p == "simplify").count(), 1);
        // Extensions widened before the products of the wide values are
        // reduced.
        assert!(at("licm") < at("widen-iv") && at("widen-iv") < at("strength-reduce"));
        assert_eq!(pipeline(&Options::none()), ["expand-switches"]);
    }
}
