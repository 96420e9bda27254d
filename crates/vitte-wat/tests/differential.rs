//! Differential testing: random valid programs (`testgen`) run in the
//! reference interpreter and in wasmtime, on wasm64 and on wasm32, must give
//! the same results or the same trap, call after call.
//!
//! - `VITTE_DIFF_N=<n>`: how many programs (500 by default);
//! - `VITTE_DIFF_SEED=<s>`: the first seed (0 by default); program i has
//!   seed s + i, and `vitte-wat difftest --seed S --count 1` reruns one.
//!
//! A failing program is written to `target/difftest-failures/seed-<S>.vir`
//! with the interpreter's outcomes as `;; run:` / `;; trap:` checks, so that
//! it can be copied into `tests/cases/` as a golden case.
//!
//! The first two trials compile at the default level, `-O2`; one trial per
//! lower level (`-O0`, `-O1`) checks a fifth as many programs each.

mod common;

use vitte_codegen_wasm64::lower::{OptLevel, Options};
use vitte_wat::difftest::{Campaign, GenConfig, Summary};

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, found `{text}`")),
        Err(_) => default,
    }
}

fn campaign(count: u64, config: GenConfig, options: Options) -> Summary {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| common::root().join("target"));
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
    let campaign = Campaign {
        first_seed: env_u64("VITTE_DIFF_SEED", 0),
        count,
        shard: Default::default(),
        jobs,
        config,
        failure_dir: Some(target_dir.join("difftest-failures")),
        keep_all: false,
        reduce: true,
        options,
    };
    campaign.run(&|_| {}).expect("the campaign starts")
}

/// Fails listing every failing seed, with where its program was written.
fn assert_no_failures(summary: &Summary) {
    let lines: Vec<String> = summary
        .failures
        .iter()
        .map(|f| {
            let file = f
                .file
                .as_ref()
                .map(|p| common::relative(p))
                .unwrap_or_default();
            format!("seed {}: {}: {}\n    {file}", f.seed, f.kind, f.message)
        })
        .collect();
    assert!(
        lines.is_empty(),
        "{} of {} programs failed:\n{}",
        lines.len(),
        summary.programs,
        lines.join("\n")
    );
}

/// The generator's default: reducible and irreducible control flow.
#[test]
fn generated_programs_agree_with_the_interpreter() {
    let summary = campaign(
        env_u64("VITTE_DIFF_N", 500),
        GenConfig::default(),
        Options::default(),
    );
    eprintln!(
        "{} programs, {} mismatches in {:.1} s",
        summary.programs,
        summary.mismatches(),
        summary.elapsed.as_secs_f64()
    );
    assert_no_failures(&summary);
    // The generator is not degenerate: every mnemonic of the IR shows up, and
    // irreducible cycles are common.
    if summary.programs >= 500 {
        let missing = summary.coverage.missing();
        assert!(missing.is_empty(), "never generated: {missing:?}");
        let irreducible = summary.coverage.programs_with("irreducible control flow");
        assert!(
            irreducible * 2 > summary.programs,
            "only {irreducible} of {} programs have irreducible control flow",
            summary.programs
        );
    }
}

/// Reducible programs only (`--reducible-only`): the structured lowering
/// without the dispatch block, in shapes the default mix makes rarer.
#[test]
fn reducible_programs_agree_with_the_interpreter() {
    let config = GenConfig {
        irreducible: false,
        ..GenConfig::default()
    };
    let summary = campaign(env_u64("VITTE_DIFF_N", 500) / 5, config, Options::default());
    assert_no_failures(&summary);
    assert_eq!(
        summary.coverage.programs_with("irreducible control flow"),
        0,
        "the generator made irreducible control flow when told not to"
    );
}

/// Every optimisation off: the plain lowering is checked too.
#[test]
fn programs_agree_with_the_interpreter_at_o0() {
    let options = Options::at(OptLevel::O0);
    let summary = campaign(
        env_u64("VITTE_DIFF_N", 500) / 5,
        GenConfig::default(),
        options,
    );
    assert_no_failures(&summary);
}

/// `-O1`: the passes of one block or one value at a time, without those
/// of `-O2` that would hide their mistakes.
#[test]
fn programs_agree_with_the_interpreter_at_o1() {
    let options = Options::at(OptLevel::O1);
    let summary = campaign(
        env_u64("VITTE_DIFF_N", 500) / 5,
        GenConfig::default(),
        options,
    );
    assert_no_failures(&summary);
}

/// Seeds that once failed, each at the level where it did, so that a fix
/// of the generator or the backend keeps holding. (A change to the
/// generator that draws numbers differently makes each seed another
/// program: the entry then keeps only the shape it names.)
#[test]
fn seeds_that_once_failed_agree_with_the_interpreter() {
    let seeds = [
        // A wild read through a caller's slot pointer reached the caller's
        // next slot, whose dead stores `sroa` removed: the generator now
        // keeps wild pointers out of the shadow stack.
        (1_014_343, OptLevel::O1),
        (1_014_343, OptLevel::O2),
    ];
    for (seed, level) in seeds {
        let campaign = Campaign {
            first_seed: seed,
            count: 1,
            shard: Default::default(),
            jobs: 1,
            config: GenConfig::default(),
            failure_dir: None,
            keep_all: false,
            reduce: false,
            options: Options::at(level),
        };
        let summary = campaign.run(&|_| {}).expect("the campaign starts");
        assert_eq!(summary.programs, 1, "seed {seed}");
        assert_no_failures(&summary);
    }
}
