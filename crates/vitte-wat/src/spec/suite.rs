//! Running many scripts: files in parallel on `jobs` worker threads, each
//! report handed back in input order (so the output is the same whatever
//! `-j` is), with the expected-failure list applied, and a watchdog for
//! guests that no deadline can interrupt.

use super::compat::{self, Compat, Headers};
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
            // Printable: a newline or an escape sequence in a file name
            // must not split a report line or reach the terminal.
            Input::File(path) => crate::diag::printable(&path.display().to_string()).into_owned(),
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
                        let (line, col) =
                            crate::diag::utf8_error_location(e.as_bytes(), &e.utf8_error());
                        return failed(format!("{name}:{line}:{col}: invalid UTF-8"));
                    }
                },
            },
        };
        let profile = match self.profile(name, &text) {
            Ok(Headers::Run(profile)) => profile,
            Ok(Headers::Skip(reason)) => {
                return Report {
                    skipped: Some(reason),
                    ..Report::new(name)
                };
            }
            Err(error) => return failed(error),
        };
        match self.engines.get(&profile) {
            Ok(engine) => script::run(&engine, name, &text, self.settings),
            Err(e) => failed(format!("{name}: {e}")),
        }
    }

    /// The features a script runs with: by its path, then, in wasmtime's
    /// conventions, as its `;;!` headers say.
    fn profile(&self, name: &str, text: &str) -> Result<Headers, String> {
        let profile = Profile::for_path(Path::new(name));
        match self.settings.compat {
            Compat::Strict => Ok(Headers::Run(profile)),
            Compat::Wasmtime => compat::headers(&crate::diag::SourceFile::new(name, text), profile),
        }
    }
}

/// The `.wast` files under a path, in sorted order: a file as it is, a
/// directory's `.wast` files recursively.
///
/// The path given is followed even when it is a symlink (it was named on
/// purpose); inside a directory, symlinks to directories are not followed,
/// so a link back to an ancestor cannot make the walk run scripts twice or
/// forever; each one skipped is a line in `skipped`. A `.wast` that is not a
/// regular file (a FIFO, a device, a socket: reading one can block forever)
/// is an error naming it, as is an unreadable directory.
pub fn collect_wast(
    path: &Path,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<String>,
) -> Result<(), String> {
    let shown = |p: &Path| crate::diag::printable(&p.display().to_string()).into_owned();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", shown(path)))?;
    if !meta.is_dir() {
        return match regular_file(&meta) {
            Ok(()) => {
                files.push(path.to_path_buf());
                Ok(())
            }
            Err(kind) => Err(format!("{}: not a regular file ({kind})", shown(path))),
        };
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read {}: {e}", shown(path)))?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for entry in entries {
        let Ok(link) = std::fs::symlink_metadata(&entry) else {
            continue;
        };
        let target_is_dir = std::fs::metadata(&entry).is_ok_and(|m| m.is_dir());
        if link.file_type().is_symlink() && target_is_dir {
            skipped.push(format!(
                "{}: a symlink to a directory, not followed",
                shown(&entry)
            ));
        } else if target_is_dir || entry.extension().is_some_and(|e| e == "wast") {
            collect_wast(&entry, files, skipped)?;
        }
    }
    Ok(())
}

/// `Err` with what the file is, when it is not a regular file.
fn regular_file(meta: &std::fs::Metadata) -> Result<(), &'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Err("a FIFO");
        }
        if kind.is_socket() {
            return Err("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Err("a device");
        }
    }
    Err("not a file")
}
