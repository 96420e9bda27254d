//! Running many scripts: files in parallel on `jobs` worker threads, each
//! report handed back in input order (so the output is the same whatever
//! `-j` is), with the expected-failure list applied, and a watchdog for
//! guests that no deadline can interrupt.

use super::config::{Engines, Profile};
use super::expect::ExpectedFailures;
use super::report::Report;
use super::script::{self, Settings};
use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// A script to run: a file, or text already in memory (the embedded
/// testsuite) under a name that is used like a path.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Text {
        name: String,
        text: Cow<'static, str>,
    },
}

impl Input {
    /// The name reports use, and that picks the [`Profile`].
    pub fn name(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Text { name, .. } => name.clone(),
        }
    }
}

/// How a set of scripts is run.
#[derive(Clone)]
pub struct Suite {
    pub engines: Engines,
    pub settings: Settings,
    pub expected: ExpectedFailures,
    /// Worker threads (at least one).
    pub jobs: usize,
}

impl Default for Suite {
    fn default() -> Suite {
        Suite {
            engines: Engines::new(),
            settings: Settings::default(),
            expected: ExpectedFailures::none(),
            jobs: default_jobs(),
        }
    }
}

/// All cores.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Suite {
    /// Runs every input; `on_report` sees each report in input order as
    /// soon as it and all the ones before it are done, with the number of
    /// inputs finished so far (for a progress display).
    ///
    /// Workers are detached threads, so that a file whose guest is blocked
    /// where no deadline reaches (see [`script::activity`]) can be given up
    /// on: when no directive anywhere has started or finished for
    /// [`Suite::stall_limit`], the files not done are reported as stalled
    /// and their threads are left behind.
    pub fn run(&self, inputs: &[Input], mut on_report: impl FnMut(&Report, usize)) -> Vec<Report> {
        let shared: Arc<[Input]> = inputs.into();
        let next = Arc::new(AtomicUsize::new(0));
        let (send, receive) = mpsc::channel::<(usize, Report)>();
        for worker in 0..self.jobs.clamp(1, inputs.len().max(1)) {
            let (suite, files, next, sender) =
                (self.clone(), shared.clone(), next.clone(), send.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("spec-worker-{worker}"))
                .stack_size(super::WORKER_STACK)
                .spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = files.get(i) else { break };
                        if sender.send((i, suite.run_one(input))).is_err() {
                            break;
                        }
                    }
                });
            if spawned.is_err() && worker == 0 {
                // No thread at all: run here, one file after another.
                for (i, input) in inputs.iter().enumerate() {
                    let _ = send.send((i, self.run_one(input)));
                }
            }
        }
        drop(send);

        let mut reports: Vec<Option<Report>> = vec![None; inputs.len()];
        let (mut emitted, mut done) = (0, 0);
        let stall = self.stall_limit();
        loop {
            match receive.recv_timeout(Duration::from_millis(250)) {
                Ok((i, report)) => {
                    reports[i] = Some(report);
                    done += 1;
                }
                Err(RecvTimeoutError::Timeout) if script::activity::idle_for() < stall => {}
                Err(RecvTimeoutError::Timeout) => {
                    // Give up on the files still running or not started.
                    for (slot, input) in reports.iter_mut().zip(inputs) {
                        if slot.is_none() {
                            let mut report = Report::new(input.name());
                            report.error = Some(format!(
                                "{}: stalled: no directive finished for {} s (a guest blocked \
                                 outside wasm code, like `memory.atomic.wait` with no timeout?)",
                                input.name(),
                                stall.as_secs()
                            ));
                            self.expected.apply(&mut report);
                            *slot = Some(report);
                            done += 1;
                        }
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
            while let Some(Some(report)) = reports.get(emitted) {
                on_report(report, done);
                emitted += 1;
            }
            if emitted == reports.len() {
                break;
            }
        }
        reports.into_iter().flatten().collect()
    }

    /// How long nothing may happen before the suite gives up on the files
    /// still running: well past the per-directive deadline.
    pub fn stall_limit(&self) -> Duration {
        self.settings.timeout * 4 + Duration::from_secs(1)
    }

    /// One script, never panicking: a panic inside is the file's error.
    pub fn run_one(&self, input: &Input) -> Report {
        let name = input.name();
        let outcome = catch_unwind(AssertUnwindSafe(|| self.run_unguarded(input, &name)));
        let mut report = outcome.unwrap_or_else(|panic| {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("a panic");
            Report {
                error: Some(format!(
                    "{name}: internal error: the runner panicked: {why}"
                )),
                ..Report::new(name.clone())
            }
        });
        self.expected.apply(&mut report);
        report
    }

    fn run_unguarded(&self, input: &Input, name: &str) -> Report {
        let failed = |error: String| Report {
            error: Some(error),
            ..Report::new(name)
        };
        let text: Cow<'_, str> = match input {
            Input::Text { text, .. } => Cow::Borrowed(text),
            Input::File(path) => match std::fs::read(path) {
                Err(e) => return failed(format!("{name}: cannot read: {e}")),
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => Cow::Owned(text),
                    Err(e) => {
                        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                        let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
                        let start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                        // Valid by construction: the prefix before the error.
                        let col = 1 + String::from_utf8_lossy(&valid[start..]).chars().count();
                        return failed(format!("{name}:{line}:{col}: invalid UTF-8"));
                    }
                },
            },
        };
        let profile = Profile::for_path(Path::new(name));
        match self.engines.get(&profile) {
            Ok(engine) => script::run(&engine, name, &text, self.settings),
            Err(e) => failed(format!("{name}: {e}")),
        }
    }
}

/// The `.wast` files under a path: a file as it is, a directory's `.wast`
/// files recursively, in sorted order.
pub fn collect_wast(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !meta.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() || entry.extension().is_some_and(|e| e == "wast") {
            collect_wast(&entry, files)?;
        }
    }
    Ok(())
}
