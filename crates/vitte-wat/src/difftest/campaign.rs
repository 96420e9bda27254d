//! Many programs, checked in parallel: what `tests/differential.rs` and
//! `vitte-wat difftest` both run.

use super::diff::{ProgramReport, Runner, Verdict};
use super::{Coverage, GenConfig, Program, failure_file, generate_program, reduce};
use crate::ir::Target;
use crate::shard::Shard;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Seeds `first_seed .. first_seed + count` (the slice of them that
/// `shard` names), over `jobs` threads.
#[derive(Clone, Debug)]
pub struct Campaign {
    pub first_seed: u64,
    /// Programs in the whole campaign, all shards together.
    pub count: u64,
    /// Which slice of the seeds this run checks ([`Shard::range`]).
    pub shard: Shard,
    pub jobs: usize,
    pub config: GenConfig,
    /// Where failing programs are written as `seed-<seed>.vir`.
    pub failure_dir: Option<PathBuf>,
    /// Write every program there, not only failing ones (to read them).
    pub keep_all: bool,
    /// Also write the first failing programs (in seed order) reduced, as
    /// `seed-<seed>.min.vir`.
    pub reduce: bool,
    /// The lowering's optimisations (`-O`): the interpreter runs the IR as
    /// it is, wasmtime what the backend made of it with these.
    pub options: vitte_codegen_wasm64::lower::Options,
}

/// How long the reducer may work on one failing program.
pub const REDUCE_BUDGET: Duration = Duration::from_secs(120);
/// Mismatches reduced: the first ones in seed order, whatever the number of
/// threads or their scheduling, so that a run's report is the same on every
/// run. A run where one bug fails many programs must not reduce them all.
const REDUCED_FAILURES: usize = 4;

/// A program that failed.
#[derive(Clone, Debug)]
pub struct Failure {
    pub seed: u64,
    /// `mismatch`, `generator bug` or `panic`.
    pub kind: &'static str,
    pub message: String,
    pub file: Option<PathBuf>,
    /// The reduced program, when the failure is a mismatch.
    pub reduced: Option<PathBuf>,
}

#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub programs: u64,
    pub passed: u64,
    pub failures: Vec<Failure>,
    /// Every program checked, by seed: its verdict (`pass`, or a
    /// [`Failure::kind`]), in seed order.
    pub verdicts: Vec<(u64, &'static str)>,
    pub coverage: Coverage,
    pub elapsed: Duration,
}

impl Summary {
    pub fn mismatches(&self) -> usize {
        self.failures.len()
    }
}

/// Progress so far, for a caller that prints it.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub failures: u64,
    pub elapsed: Duration,
}

/// What one worker thread accumulates.
#[derive(Default)]
struct Tally {
    passed: u64,
    verdicts: Vec<(u64, &'static str)>,
    coverage: Coverage,
    /// The seeds of the programs that mismatched, and on which target.
    mismatches: Vec<(u64, Target)>,
}

impl Campaign {
    /// Checks every program; calls `progress` after each one.
    pub fn run(&self, progress: &(dyn Fn(Progress) + Sync)) -> Result<Summary, String> {
        let runner = Runner::new()?.with_options(self.options);
        let start = Instant::now();
        let next = AtomicU64::new(0);
        let done = AtomicU64::new(0);
        let failures = Mutex::new(Vec::new());
        let tallies = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..self.jobs.max(1) {
                let work = || {
                    let tally = self.worker(&runner, &next, &done, &failures, progress, start);
                    if let Ok(mut all) = tallies.lock() {
                        all.push(tally);
                    }
                };
                // The lowering and the WAT printer recurse on nesting depth.
                let spawned = std::thread::Builder::new()
                    .stack_size(64 << 20)
                    .spawn_scoped(scope, work);
                if let Err(e) = spawned {
                    eprintln!("cannot start a worker thread: {e}");
                }
            }
        });
        let mut mismatches = Vec::new();
        let mut summary = Summary {
            elapsed: start.elapsed(),
            failures: failures.into_inner().unwrap_or_default(),
            ..Summary::default()
        };
        summary.failures.sort_by_key(|f| f.seed);
        for tally in tallies.into_inner().unwrap_or_default() {
            summary.passed += tally.passed;
            summary.coverage.merge(&tally.coverage);
            summary.verdicts.extend(tally.verdicts);
            mismatches.extend(tally.mismatches);
        }
        if self.reduce {
            mismatches.sort_unstable_by_key(|&(seed, _)| seed.wrapping_sub(self.first_seed));
            mismatches.truncate(REDUCED_FAILURES);
            self.reduce_failures(&mismatches, &mut summary.failures);
        }
        // In the order of the seeds' positions (the seeds may wrap around).
        summary
            .verdicts
            .sort_unstable_by_key(|&(seed, _)| seed.wrapping_sub(self.first_seed));
        summary.programs = done.load(Ordering::Relaxed);
        Ok(summary)
    }

    fn worker(
        &self,
        runner: &Runner,
        next: &AtomicU64,
        done: &AtomicU64,
        failures: &Mutex<Vec<Failure>>,
        progress: &(dyn Fn(Progress) + Sync),
        start: Instant,
    ) -> Tally {
        let mut tally = Tally::default();
        let slice = self.shard.range(self.count);
        loop {
            let i = slice.start + next.fetch_add(1, Ordering::Relaxed);
            if i >= slice.end {
                return tally;
            }
            let seed = self.first_seed.wrapping_add(i);
            let failure = self.check_one(runner, seed, &mut tally);
            tally
                .verdicts
                .push((seed, failure.as_ref().map_or("pass", |f| f.kind)));
            if let Some(failure) = failure
                && let Ok(mut all) = failures.lock()
            {
                all.push(failure);
            }
            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
            let failed = failures.lock().map_or(0, |f| f.len() as u64);
            progress(Progress {
                done: finished,
                total: slice.end - slice.start,
                failures: failed,
                elapsed: start.elapsed(),
            });
        }
    }

    /// Generates and checks one program; a failure is written out.
    fn check_one(&self, runner: &Runner, seed: u64, tally: &mut Tally) -> Option<Failure> {
        let checked = catch_unwind(AssertUnwindSafe(|| {
            let program = generate_program(seed, &self.config);
            let report = runner.check(&program);
            (program, report)
        }));
        let (program, report) = match checked {
            Ok(done) => done,
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "a panic".into());
                return Some(Failure {
                    seed,
                    kind: "panic",
                    message,
                    file: None,
                    reduced: None,
                });
            }
        };
        tally.coverage.add_module(&program.module);
        if let Some((_, outcomes)) = report.interp.first() {
            tally.coverage.add_outcomes(outcomes);
        }
        tally.coverage.add_stats(&report.stats);
        let passed = match &report.verdict {
            Verdict::Pass => {
                tally.passed += 1;
                true
            }
            _ => false,
        };
        if passed {
            if self.keep_all {
                self.write_program(&program, &report);
            }
            return None;
        }
        let (kind, message) = match &report.verdict {
            Verdict::Mismatch(m) => {
                let at = m.call.map_or("compiling".into(), |i| {
                    format!("call {i} (@{})", program.calls[i].func)
                });
                let message = format!(
                    "{} at {at}: interpreter {}, wasmtime {}",
                    m.target, m.expected, m.actual
                );
                ("mismatch", message)
            }
            Verdict::GeneratorBug(message) => ("generator bug", message.clone()),
            Verdict::Pass => ("", String::new()),
        };
        if let Verdict::Mismatch(m) = &report.verdict {
            tally.mismatches.push((seed, m.target));
        }
        Some(Failure {
            seed,
            kind,
            message,
            file: self.write_program(&program, &report),
            reduced: None,
        })
    }

    /// Reduces the programs of `mismatches` (regenerated from their seeds),
    /// one thread each, and records the files in their failures.
    fn reduce_failures(&self, mismatches: &[(u64, Target)], failures: &mut [Failure]) {
        let reduced: Vec<(u64, Option<PathBuf>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (mismatches.iter())
                .map(|&(seed, target)| {
                    let work = move || {
                        let program = generate_program(seed, &self.config);
                        let written = self.write_reduced(&program, target);
                        (seed, written)
                    };
                    std::thread::Builder::new()
                        .stack_size(64 << 20)
                        .spawn_scoped(scope, work)
                })
                .collect();
            (handles.into_iter())
                .filter_map(|spawned| spawned.ok()?.join().ok())
                .collect()
        });
        for (seed, path) in reduced {
            if let Some(failure) = failures.iter_mut().find(|f| f.seed == seed) {
                failure.reduced = path;
            }
        }
    }

    /// Reduces a program that fails on `target` and writes `seed-<seed>.min.vir`.
    fn write_reduced(&self, program: &Program, target: Target) -> Option<PathBuf> {
        let dir = self.failure_dir.as_ref()?;
        let runner = Runner::new()
            .ok()?
            .with_options(self.options)
            .with_fuel(2_000_000, 20_000_000);
        let small = reduce(&runner, program, target, REDUCE_BUDGET);
        let report = runner.check(&small);
        let text = format!(
            ";; Reduced by delta debugging from the program of seed {}.\n{}",
            program.seed,
            failure_file(&small, &report)
        );
        let path = dir.join(format!("seed-{}.min.vir", program.seed));
        std::fs::create_dir_all(dir).ok()?;
        std::fs::write(&path, text).ok()?;
        Some(path)
    }

    /// Writes `seed-<seed>.vir` into the failure directory, if there is one.
    fn write_program(&self, program: &Program, report: &ProgramReport) -> Option<PathBuf> {
        let dir = self.failure_dir.as_ref()?;
        let path = dir.join(format!("seed-{}.vir", program.seed));
        std::fs::create_dir_all(dir).ok()?;
        std::fs::write(&path, failure_file(program, report)).ok()?;
        Some(path)
    }
}
