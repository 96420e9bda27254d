//! `vitte-wat difftest`: many random programs, interpreter against wasmtime.

use super::io::{Input, Output};
use super::progress::Progress;
use super::{DifftestArgs, Failure};
use std::path::Path;
use vitte_wat::difftest::json::{self, Setup};
use vitte_wat::difftest::{
    Campaign, GenConfig, REDUCE_BUDGET, Runner, Summary, Verdict, failure_file, program_from_vir,
    reduce,
};

pub fn run(args: &DifftestArgs) -> Result<(), Failure> {
    if let Some(file) = &args.reduce {
        return reduce_file(file, args);
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let shard = args.shard.unwrap_or_default();
    let options = args.opt.options()?;
    let campaign = Campaign {
        first_seed: args.seed,
        count: args.count,
        shard,
        jobs,
        config: GenConfig {
            irreducible: !args.reducible_only,
            ..GenConfig::default()
        },
        failure_dir: Some(args.out.clone()),
        keep_all: args.keep,
        reduce: !args.no_reduce,
        options,
    };
    let slice = shard.range(args.count);
    let what = if shard.is_whole() {
        format!("{} programs from seed {}", args.count, args.seed)
    } else {
        format!(
            "shard {shard}: programs {}..{} of {} from seed {}",
            slice.start, slice.end, args.count, args.seed
        )
    };
    eprintln!(
        "checking {what} on {jobs} threads (wasm64 and wasm32, -{})",
        args.opt.level
    );
    let progress = Progress::new(slice.end - slice.start, "programs", !args.json);
    let summary = campaign
        .run(&|p| progress.advance(p.failures))
        .map_err(Failure::error)?;
    progress.finish();
    if args.json {
        let setup = Setup {
            first_seed: args.seed,
            count: args.count,
            reducible_only: args.reducible_only,
        };
        print!("{}", json::document(&summary, setup, shard));
        eprintln!(
            "{} programs, {} failed, in {:.1} s",
            summary.programs,
            summary.failures.len(),
            summary.elapsed.as_secs_f64()
        );
    } else {
        print_summary(&summary, args);
    }
    if summary.failures.is_empty() {
        Ok(())
    } else {
        Err(Failure::error(format!(
            "{} of {} programs failed; see {}",
            summary.failures.len(),
            summary.programs,
            args.out.display()
        )))
    }
}

/// Checks one `.vir` file with checks; writes it reduced if it fails.
fn reduce_file(path: &Path, args: &DifftestArgs) -> Result<(), Failure> {
    let input = Input::read(path)?;
    let text = input.text("Vitte IR")?;
    let program = program_from_vir(&input.name, text).map_err(Failure::error)?;
    let runner = Runner::new()
        .map_err(Failure::error)?
        .with_options(args.opt.options()?);
    let report = runner.check(&program);
    let target = match &report.verdict {
        Verdict::Mismatch(m) => m.target,
        Verdict::Pass => {
            println!(
                "{}: the interpreter and wasmtime agree on both targets",
                input.name
            );
            return Ok(());
        }
        other => return Err(Failure::error(format!("{}: {other:?}", input.name))),
    };
    eprintln!("{}: fails on {target}; reducing", input.name);
    let runner = runner.with_fuel(2_000_000, 20_000_000);
    let small = reduce(&runner, &program, target, REDUCE_BUDGET);
    let report = runner.check(&small);
    let out = path.with_extension("min.vir");
    Output::File(out.clone()).write_text(&failure_file(&small, &report))?;
    println!("{}: reduced to {}", input.name, out.display());
    Err(Failure::error(format!("{} fails on {target}", input.name)))
}

fn print_summary(s: &Summary, args: &DifftestArgs) {
    for f in &s.failures {
        let file = [&f.file, &f.reduced]
            .iter()
            .filter_map(|p| p.as_ref().map(|p| p.display().to_string()))
            .collect::<Vec<_>>()
            .join(", ");
        let file = if file.is_empty() {
            file
        } else {
            format!(" ({file})")
        };
        println!("seed {}: {}: {}{file}", f.seed, f.kind, f.message);
    }
    println!(
        "{} programs, {} mismatches ({} passed) in {:.1} s",
        s.programs,
        s.mismatches(),
        s.passed,
        s.elapsed.as_secs_f64()
    );
    if args.stats {
        print!("{}", s.coverage.report());
    }
}
