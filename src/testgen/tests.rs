//! The generator's promises, checked on many seeds.

use super::*;
use crate::text::print_module;

#[test]
fn programs_verify_and_round_trip() {
    for config in [
        GenConfig::default(),
        GenConfig {
            irreducible: false,
            ..GenConfig::default()
        },
    ] {
        for seed in 0..300 {
            let program = generate_program(seed, &config);
            if let Err(e) = well_formed(&program.module) {
                panic!("seed {seed}: {e}\n{}", print_module(&program.module));
            }
            assert!(!program.calls.is_empty());
        }
    }
}

#[test]
fn a_seed_always_gives_the_same_program() {
    let config = GenConfig::default();
    for seed in [0, 1, 42, u64::MAX] {
        let a = generate_program(seed, &config);
        let b = generate_program(seed, &config);
        assert_eq!(print_module(&a.module), print_module(&b.module));
        assert_eq!(a.calls, b.calls);
    }
    let a = print_module(&generate(1, &config));
    let b = print_module(&generate(2, &config));
    assert_ne!(a, b);
}

/// How many functions of the programs of `seeds` each IR pass of `-O2`
/// changes, and in how many programs it changes at least one.
fn changes_by_pass(
    seeds: std::ops::Range<u64>,
) -> std::collections::BTreeMap<String, (usize, usize)> {
    use crate::lower::{Options, optimize_module};
    let mut counts = std::collections::BTreeMap::new();
    for seed in seeds {
        let module = generate(seed, &GenConfig::default());
        let mut before = module.clone();
        // `gvn` runs twice: a program counts once for it.
        let mut changed = std::collections::BTreeMap::new();
        optimize_module(&module, &Options::default(), |pass, after| {
            let funcs = (before.funcs.iter().zip(&after.funcs))
                .filter(|(a, b)| a != b)
                .count();
            *changed.entry(pass.to_string()).or_insert(0) += funcs;
            before = after.clone();
        });
        for (pass, funcs) in changed {
            let (all, programs) = counts.entry(pass).or_insert((0, 0));
            *all += funcs;
            *programs += usize::from(funcs > 0);
        }
    }
    counts
}

/// The generator reaches the passes that want a particular shape: counted
/// loops (full and partial unrolling, widened indices) and loads of
/// read-only data. `VITTE_GEN_SEEDS=2000` counts over more programs (the
/// README's figures); `--nocapture` prints the counts.
#[test]
fn programs_reach_the_loop_and_read_only_data_passes() {
    let seeds = std::env::var("VITTE_GEN_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let counts = changes_by_pass(0..seeds);
    for (pass, (funcs, programs)) in &counts {
        eprintln!("{pass}: {funcs} functions changed, in {programs} of {seeds} programs");
    }
    for pass in ["unroll", "unroll-partial", "widen-iv", "fold-const-loads"] {
        let programs = counts.get(pass).map_or(0, |c| c.1) as u64;
        assert!(
            programs * 100 >= seeds,
            "{pass} changes only {programs} of {seeds} programs"
        );
    }
}

/// No call of a generated program writes read-only data (the interpreter
/// would trap, compiled code would not): the programs keep the rule.
#[test]
fn programs_never_write_read_only_data() {
    use crate::interp::{InterpError, Interpreter};
    use crate::value::TrapKind;
    let mut with_const = 0;
    for seed in 0..300 {
        let program = generate_program(seed, &GenConfig::default());
        with_const += program.module.data.iter().any(|d| d.readonly) as u32;
        for target in [Target::Wasm64, Target::Wasm32] {
            let mut interp = Interpreter::new(&program.module, target).expect("instantiates");
            for call in &program.calls {
                let args: Vec<_> = call.args.iter().map(|a| a.value(target)).collect();
                interp.set_fuel(Some(50_000_000));
                if let Err(InterpError::Trap(trap)) = interp.call(&call.func, &args) {
                    assert_ne!(trap.kind, TrapKind::ReadOnlyWrite, "seed {seed}, {target}");
                }
            }
        }
    }
    assert!(
        with_const > 150,
        "only {with_const} programs with read-only data"
    );
}
