//! `vitte-wat spec`: runs `.wast` scripts and reports every directive.
//!
//! Output on stdout, in path order whatever `-j` is: a `FAIL` line per
//! failed directive, a summary line per file and a `total:` line (or, with
//! `--json`, one JSON document). Files that cannot be run are reported on
//! stderr as `error: file:line:col: reason`. A progress bar is drawn on
//! stderr only when stderr is a terminal and the output is not `--json`.

use super::Failure;
use super::progress::Progress;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use vitte_codegen_wasm64::diag::printable;
use vitte_wat::shard::Shard;
use vitte_wat::spec::config::DEFAULT_TIMEOUT;
use vitte_wat::spec::suite::{self, Input};
use vitte_wat::spec::{
    Compat, ExpectedFailures, Report, Settings, Suite, TextOptions, Totals, json, render_text,
};

#[derive(Args)]
pub struct SpecArgs {
    /// `.wast` files, or directories searched recursively for them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Files run in parallel (default: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Only run files whose path contains this text (repeatable: any).
    #[arg(long, value_name = "TEXT")]
    pub filter: Vec<String>,
    /// Only print the files that fail, and their failures.
    #[arg(long)]
    pub failures_only: bool,
    /// Print one JSON document (schema `vitte-wat-spec/1`, see the README).
    #[arg(long)]
    pub json: bool,
    /// Also print expected failures, and passes whose error message is
    /// worded differently from the script's.
    #[arg(short, long)]
    pub verbose: bool,
    /// The expected-failure list to apply instead of the built-in one
    /// (spec-tests/expected-failures.txt).
    #[arg(long, value_name = "FILE", conflicts_with = "no_expected_failures")]
    pub expected_failures: Option<PathBuf>,
    /// Apply no expected-failure list: every failure counts.
    #[arg(long)]
    pub no_expected_failures: bool,
    /// Whose conventions the scripts follow: `strict` (the reference
    /// interpreter's, the official testsuite) or `wasmtime` (named modules
    /// importable without `register`, a trap at instantiation satisfies
    /// `assert_unlinkable`, `;;! feature = true|false` headers).
    #[arg(long, value_enum, default_value = "strict")]
    pub compat: CompatArg,
    /// Run only slice K of N of the files, in path order (`--shard 2/4`):
    /// shards' `--json` reports merge into the whole run's (`vitte-wat merge`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Seconds one directive may run before the guest is interrupted.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT.as_secs_f64())]
    pub timeout: f64,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CompatArg {
    Strict,
    Wasmtime,
}

impl From<CompatArg> for Compat {
    fn from(c: CompatArg) -> Compat {
        match c {
            CompatArg::Strict => Compat::Strict,
            CompatArg::Wasmtime => Compat::Wasmtime,
        }
    }
}

pub fn run(args: &SpecArgs) -> Result<(), Failure> {
    let inputs = inputs(args)?;
    let suite = Suite {
        expected: expected_failures(args)?,
        settings: Settings {
            timeout: timeout(args.timeout)?,
            compat: args.compat.into(),
        },
        jobs: match args.jobs {
            Some(0) => return Err(Failure::error("-j must be at least 1")),
            Some(n) => n,
            None => suite::default_jobs(),
        },
        ..Suite::default()
    };
    let text = TextOptions {
        failures_only: args.failures_only,
        verbose: args.verbose,
    };
    let progress = Progress::new(inputs.len() as u64, "files", !args.json && inputs.len() > 1);
    let mut failing = 0;
    let reports = suite.run(&inputs, |report, done| {
        let lines = if args.json {
            String::new()
        } else {
            render_text(report, text)
        };
        progress.suspend(|| {
            if let Some(error) = report.unexpected_error() {
                eprintln!("error: {error}");
            }
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(lines.as_bytes());
            let _ = out.flush();
        });
        failing += u64::from(report.is_failure());
        progress.set(done as u64, failing);
    });
    progress.finish();
    let totals = Totals::of(&reports);
    if args.json {
        let shown = |r: &Report| !args.failures_only || r.is_failure();
        let shard = args.shard.unwrap_or_default();
        print!("{}", json::document_for(&reports, shown, shard));
    } else {
        println!("{totals}");
    }
    if totals.success() {
        Ok(())
    } else {
        Err(Failure::error(format!(
            "{} directives failed, {} unexpected passes, {} files could not be run",
            totals.failed, totals.unexpected_passes, totals.errors
        )))
    }
}

fn inputs(args: &SpecArgs) -> Result<Vec<Input>, Failure> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for path in &args.paths {
        suite::collect_wast(path, &mut files, &mut skipped).map_err(Failure::error)?;
    }
    for line in skipped {
        eprintln!("warning: {line}");
    }
    let keep = |path: &Path| {
        let name = path.display().to_string();
        args.filter.is_empty() || args.filter.iter().any(|f| name.contains(f.as_str()))
    };
    files.retain(|f| keep(f));
    if files.is_empty() {
        return Err(Failure::error(if args.filter.is_empty() {
            "no .wast files found".to_string()
        } else {
            "no .wast files match the filter".to_string()
        }));
    }
    // A shard may be empty (more shards than files): its report is.
    let slice = args.shard.unwrap_or_default().range(files.len() as u64);
    Ok(files
        .into_iter()
        .skip(slice.start as usize)
        .take((slice.end - slice.start) as usize)
        .map(Input::File)
        .collect())
}

fn expected_failures(args: &SpecArgs) -> Result<ExpectedFailures, Failure> {
    if args.no_expected_failures {
        return Ok(ExpectedFailures::none());
    }
    match &args.expected_failures {
        None => Ok(ExpectedFailures::builtin()),
        Some(path) => {
            let name = printable(&path.display().to_string()).into_owned();
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::error(format!("cannot read {name}: {e}")))?;
            ExpectedFailures::parse(&name, &text).map_err(Failure::error)
        }
    }
}

fn timeout(secs: f64) -> Result<Duration, Failure> {
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            Failure::error(format!(
                "--timeout must be a positive number of seconds, not {secs}"
            ))
        })
}
