//! What running scripts found: per directive, per file and in total, and
//! its rendering as text.
//!
//! Every directive counts once: it passed, or it is a [`Failure`] (which the
//! expected-failure list may excuse). Entries of that list that turn out to
//! pass are [`UnexpectedPass`]es, so the list cannot rot silently.

use std::fmt::{self, Write as _};
use std::time::Duration;

/// The outcome of one script.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// The script's path as given (the name used in every location).
    pub path: String,
    /// Directives that did what the script says.
    pub passed: usize,
    /// Directives that did not, in file order.
    pub failures: Vec<Failure>,
    /// Expected-failure entries for this file that did not fail.
    pub unexpected_passes: Vec<UnexpectedPass>,
    /// Passes worth a second look (`-v`): an error message that does not
    /// correspond to the script's.
    pub notes: Vec<Note>,
    /// The script could not be run at all (unreadable, or not a `.wast`):
    /// `file:line:col: reason`. Directives before it are not counted.
    pub error: Option<String>,
    /// The expected-failure reason when `error` is listed as expected.
    pub error_expected: Option<String>,
    /// Why the script was not run at all (a `;;!` header asking for a
    /// feature this runner lacks, in compatibility mode). Neither a pass nor
    /// a failure: the file is not clean, and the run does not fail for it.
    pub skipped: Option<String>,
    pub duration: Duration,
}

impl Report {
    pub fn new(path: impl Into<String>) -> Report {
        Report {
            path: path.into(),
            ..Report::default()
        }
    }

    /// Directives run: passed or failed.
    pub fn total(&self) -> usize {
        self.passed + self.failures.len()
    }

    /// Failures not excused by the expected-failure list.
    pub fn failed(&self) -> usize {
        self.failures
            .iter()
            .filter(|f| f.expected_failure.is_none())
            .count()
    }

    /// Failures the expected-failure list excuses.
    pub fn expected_failures(&self) -> usize {
        self.failures.len() - self.failed()
    }

    /// An error that makes the run fail (not listed as expected).
    pub fn unexpected_error(&self) -> Option<&str> {
        match (&self.error, &self.error_expected) {
            (Some(error), None) => Some(error),
            _ => None,
        }
    }

    /// Whether this file makes the run fail.
    pub fn is_failure(&self) -> bool {
        self.failed() > 0 || !self.unexpected_passes.is_empty() || self.unexpected_error().is_some()
    }

    /// No failure at all (not even an expected one), no error, nothing
    /// unexpected: the file passes on its own.
    pub fn is_clean(&self) -> bool {
        self.failures.is_empty()
            && self.error.is_none()
            && self.unexpected_passes.is_empty()
            && self.skipped.is_none()
    }

    /// Adds another report's directives (a `thread`'s) to this one.
    pub fn absorb(&mut self, other: Report) {
        self.passed += other.passed;
        self.failures.extend(other.failures);
        self.notes.extend(other.notes);
    }
}

/// A directive that did not do what the script says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `file:line:col` of the directive.
    pub location: String,
    pub line: usize,
    pub column: usize,
    /// The directive's keyword: `assert_return`, `module`, ...
    pub directive: &'static str,
    /// What the script says should happen.
    pub expected: String,
    /// What happened.
    pub actual: String,
    /// The reason from the expected-failure list, when it is listed.
    pub expected_failure: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: expected {}, got {}",
            self.location, self.directive, self.expected, self.actual
        )
    }
}

/// An expected-failure entry whose directive (or file) passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedPass {
    /// `file` or `file:line`, as the entry names it.
    pub location: String,
    pub reason: String,
    pub detail: String,
}

impl fmt::Display for UnexpectedPass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: listed as an expected failure ({}), but {}",
            self.location, self.reason, self.detail
        )
    }
}

/// A directive that passed with something to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub location: String,
    pub directive: &'static str,
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location, self.directive, self.message)
    }
}

/// Counts over many files.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub directives: usize,
    pub passed: usize,
    pub failed: usize,
    pub expected_failures: usize,
    pub unexpected_passes: usize,
    /// Files that could not be run (not counting listed ones).
    pub errors: usize,
    /// Files with no failure, unexpected pass or error, and not skipped.
    pub files_passed: usize,
    /// Files not run, for a reason given in their report.
    pub skipped: usize,
}

impl Totals {
    pub fn of(reports: &[Report]) -> Totals {
        let mut t = Totals::default();
        for r in reports {
            t.files += 1;
            t.directives += r.total();
            t.passed += r.passed;
            t.failed += r.failed();
            t.expected_failures += r.expected_failures();
            t.unexpected_passes += r.unexpected_passes.len();
            t.errors += usize::from(r.unexpected_error().is_some());
            t.files_passed += usize::from(r.is_clean());
            t.skipped += usize::from(r.skipped.is_some());
        }
        t
    }

    /// Whether the run as a whole succeeded.
    pub fn success(&self) -> bool {
        self.failed == 0 && self.unexpected_passes == 0 && self.errors == 0
    }
}

impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "total: {} passed, {} failed, {} expected failures, {} unexpected passes \
             ({} of {} files clean, {} errors",
            self.passed,
            self.failed,
            self.expected_failures,
            self.unexpected_passes,
            self.files_passed,
            self.files,
            self.errors
        )?;
        // Only runs that skip files say so: the line stays as it was for
        // the official testsuite, which never skips.
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        f.write_str(")")
    }
}

/// What the text rendering of a report shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Only files that make the run fail (and their lines).
    pub failures_only: bool,
    /// Also excused failures and notes.
    pub verbose: bool,
}

/// The text lines of one file: its failures, then its summary line. An
/// error that kept the file from running is not among them (the CLI prints
/// it on stderr as `error: file:line:col: reason`), unless it is an
/// expected one and `verbose` is on.
pub fn render_text(report: &Report, options: TextOptions) -> String {
    let mut out = String::new();
    if options.failures_only && !report.is_failure() {
        return out;
    }
    if let (Some(error), Some(reason), true) =
        (&report.error, &report.error_expected, options.verbose)
    {
        writeln!(out, "XFAIL error: {error} (expected failure: {reason})").ok();
    }
    for failure in &report.failures {
        match &failure.expected_failure {
            None => writeln!(out, "FAIL {failure}").ok(),
            Some(reason) if options.verbose => {
                writeln!(out, "XFAIL {failure} (expected failure: {reason})").ok()
            }
            Some(_) => None,
        };
    }
    for pass in &report.unexpected_passes {
        writeln!(out, "XPASS {pass}").ok();
    }
    if options.verbose {
        for note in &report.notes {
            writeln!(out, "note: {note}").ok();
        }
    }
    write!(
        out,
        "{}: {} passed, {} failed",
        report.path,
        report.passed,
        report.failed()
    )
    .ok();
    if report.expected_failures() > 0 {
        write!(out, ", {} expected failures", report.expected_failures()).ok();
    }
    if !report.unexpected_passes.is_empty() {
        write!(
            out,
            ", {} unexpected passes",
            report.unexpected_passes.len()
        )
        .ok();
    }
    if let Some(reason) = &report.skipped {
        write!(out, ", skipped: {reason}").ok();
    }
    match (&report.error, &report.error_expected) {
        (Some(_), None) => out.push_str(", error"),
        (Some(_), Some(_)) => out.push_str(", error (expected failure)"),
        _ => {}
    }
    out.push('\n');
    out
}
