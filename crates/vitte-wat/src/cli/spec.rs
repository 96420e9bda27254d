//! `vitte-wat spec`: runs `.wast` scripts and reports every directive.
//!
//! Output on stdout, in path order whatever `-j` is: a `FAIL` line per
//! failed directive, a summary line per file and a `total:` line (or, with
//! `--json`, one JSON document). Files that cannot be run are reported on
//! stderr as `error: file:line:col: reason`. A progress line is drawn on
//! stderr only when stderr is a terminal.

use super::Failure;
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use vitte_codegen_wasm64::diag::printable;
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
    let mut progress = Progress::new(inputs.len());
    let reports = suite.run(&inputs, |report, done| {
        let lines = if args.json {
            String::new()
        } else {
            render_text(report, text)
        };
        let error = report.unexpected_error();
        if !lines.is_empty() || error.is_some() {
            progress.clear();
        }
        if let Some(error) = error {
            eprintln!("error: {error}");
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(lines.as_bytes());
        let _ = out.flush();
        progress.update(done, report);
    });
    progress.clear();
    let totals = Totals::of(&reports);
    if args.json {
        let shown = |r: &Report| !args.failures_only || r.is_failure();
        print!("{}", json::document(&reports, shown));
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
    Ok(files.into_iter().map(Input::File).collect())
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

/// One line on stderr, redrawn as files finish (at most every 50 ms); only
/// on a terminal.
struct Progress {
    on: bool,
    total: usize,
    failing: usize,
    start: Instant,
    last_drawn: Option<Instant>,
    drawn: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            on: std::io::stderr().is_terminal() && total > 1,
            total,
            failing: 0,
            start: Instant::now(),
            last_drawn: None,
            drawn: false,
        }
    }

    fn update(&mut self, done: usize, report: &Report) {
        self.failing += usize::from(report.is_failure());
        let due = self
            .last_drawn
            .is_none_or(|t| t.elapsed() >= Duration::from_millis(50));
        if !self.on || (self.drawn && !due && done < self.total) {
            return;
        }
        const WIDTH: usize = 30;
        let filled = WIDTH * done / self.total.max(1);
        let bar: String = (0..WIDTH)
            .map(|i| if i < filled { '=' } else { ' ' })
            .collect();
        eprint!(
            "\r\x1b[2K[{bar}] {done}/{} files, {} failing, {:.1} s",
            self.total,
            self.failing,
            self.start.elapsed().as_secs_f64()
        );
        let _ = std::io::stderr().flush();
        self.drawn = true;
        self.last_drawn = Some(Instant::now());
    }

    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[2K");
            let _ = std::io::stderr().flush();
            self.drawn = false;
        }
    }
}
