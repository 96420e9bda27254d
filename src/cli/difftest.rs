//! `vitte-wat difftest`: many random programs, interpreter against wasmtime.

use super::{DifftestArgs, Failure};
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use vitte_codegen_wasm64::testgen::{Campaign, GenConfig, Progress, Summary};

pub fn run(args: &DifftestArgs) -> Result<(), Failure> {
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let campaign = Campaign {
        first_seed: args.seed,
        count: args.count,
        jobs,
        config: GenConfig {
            irreducible: args.irreducible,
            ..GenConfig::default()
        },
        failure_dir: Some(args.out.clone()),
        keep_all: args.keep,
        reduce: !args.no_reduce,
    };
    eprintln!(
        "checking {} programs from seed {} on {jobs} threads (wasm64 and wasm32)",
        args.count, args.seed
    );
    let last = Mutex::new(Instant::now());
    let summary = campaign
        .run(&|p| print_progress(&last, p))
        .map_err(Failure::error)?;
    print_summary(&summary, args);
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

/// A progress line on stderr every two seconds, and at the end.
fn print_progress(last: &Mutex<Instant>, p: Progress) {
    let Ok(mut last) = last.lock() else {
        return;
    };
    if p.done < p.total && last.elapsed() < Duration::from_secs(2) {
        return;
    }
    *last = Instant::now();
    let rate = p.done as f64 / p.elapsed.as_secs_f64().max(1e-9);
    let eta = (p.total - p.done) as f64 / rate.max(1e-9);
    eprint!(
        "\r{}/{} programs, {} failed, {rate:.0}/s, {eta:.0} s left   ",
        p.done, p.total, p.failures
    );
    if p.done == p.total {
        eprintln!();
    }
    let _ = std::io::stderr().flush();
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
    if let Some(refusal) = &s.refusal {
        let first = refusal.lines().next().unwrap_or_default();
        println!("refused {} programs, e.g.: {first}", s.refused);
    }
    println!(
        "{} programs, {} mismatches ({} passed, {} refused) in {:.1} s",
        s.programs,
        s.mismatches(),
        s.passed,
        s.refused,
        s.elapsed.as_secs_f64()
    );
    if args.stats {
        print!("{}", s.coverage.report());
    }
}
