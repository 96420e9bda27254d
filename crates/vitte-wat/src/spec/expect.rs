//! The checked-in list of expected failures, each with its reason.
//!
//! One entry a line: `PATH[:LINE]  reason`. `#` starts a comment line.
//! PATH matches a script whose path ends with it, whole components only
//! (`proposals/threads/atomic.wast` matches
//! `/any/copy/testsuite/proposals/threads/atomic.wast`). With `:LINE`, the
//! entry excuses the directive(s) starting on that line; without, it
//! excuses every failure of the file, and the file not running at all.
//!
//! An entry that finds nothing to excuse in a file that ran (the directive
//! passed, the file passed, no directive starts on that line) is reported
//! as an unexpected pass and fails the run: fix the list when the runner
//! gets better.

use super::report::{Report, UnexpectedPass};
use std::path::Path;

/// The list the CLI applies unless told otherwise: it covers the official
/// testsuite (`../shared/testsuite` or any copy of it).
pub const DEFAULT_LIST: &str = include_str!("../../../../spec-tests/expected-failures.txt");

/// A parsed list.
#[derive(Debug, Clone, Default)]
pub struct ExpectedFailures {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    /// Path components to match at the end of a script's path.
    suffix: Vec<String>,
    line: Option<usize>,
    reason: String,
}

impl ExpectedFailures {
    /// The list that excuses nothing.
    pub fn none() -> ExpectedFailures {
        ExpectedFailures::default()
    }

    /// The built-in list ([`DEFAULT_LIST`]).
    pub fn builtin() -> ExpectedFailures {
        // Checked by a unit test, so this cannot fail at run time.
        ExpectedFailures::parse("spec-tests/expected-failures.txt", DEFAULT_LIST)
            .unwrap_or_default()
    }

    /// Parses a list; `name` is used in error messages (`name:line: ...`).
    pub fn parse(name: &str, text: &str) -> Result<ExpectedFailures, String> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (target, reason) = line
                .split_once(char::is_whitespace)
                .map(|(t, r)| (t, r.trim()))
                .unwrap_or((line, ""));
            if reason.is_empty() {
                return Err(format!(
                    "{name}:{}: `{target}` needs a reason after it",
                    i + 1
                ));
            }
            let (path, line_no) = match target.rsplit_once(':') {
                Some((path, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
                    let n = n
                        .parse()
                        .map_err(|_| format!("{name}:{}: bad line number `{n}`", i + 1))?;
                    (path, Some(n))
                }
                _ => (target, None),
            };
            entries.push(Entry {
                suffix: components(Path::new(path)),
                line: line_no,
                reason: reason.to_string(),
            });
        }
        Ok(ExpectedFailures { entries })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Marks the report's excused failures and adds its unexpected passes.
    pub fn apply(&self, report: &mut Report) {
        let path = components(Path::new(&report.path));
        let entries: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| path.ends_with(&e.suffix))
            .collect();
        if entries.is_empty() {
            return;
        }
        let file_entry = entries.iter().find(|e| e.line.is_none());
        if let (Some(entry), Some(_)) = (file_entry, &report.error) {
            report.error_expected = Some(entry.reason.clone());
        }
        for failure in &mut report.failures {
            let by_line = entries.iter().find(|e| e.line == Some(failure.line));
            if let Some(entry) = by_line.or(file_entry) {
                failure.expected_failure = Some(entry.reason.clone());
            }
        }
        // Entries for a file that could not be parsed, or was skipped,
        // cannot be judged.
        let ran = report.error.is_none() && report.skipped.is_none();
        for entry in &entries {
            let target = match entry.line {
                Some(line) => format!("{}:{line}", report.path),
                None => report.path.clone(),
            };
            let detail = match entry.line {
                None if ran && report.failures.is_empty() => {
                    format!("all {} directives passed", report.passed)
                }
                Some(line) if ran && !report.failures.iter().any(|f| f.line == line) => {
                    format!("no directive on line {line} failed")
                }
                _ => continue,
            };
            report.unexpected_passes.push(UnexpectedPass {
                location: target,
                reason: entry.reason.clone(),
                detail,
            });
        }
    }
}

fn components(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::report::Failure;

    fn failure(path: &str, line: usize) -> Failure {
        Failure {
            location: format!("{path}:{line}:1"),
            line,
            column: 1,
            directive: "assert_return",
            expected: "x".into(),
            actual: "y".into(),
            expected_failure: None,
        }
    }

    #[test]
    fn the_builtin_list_parses() {
        ExpectedFailures::parse("builtin", DEFAULT_LIST).expect("valid list");
    }

    #[test]
    fn entries_need_reasons_and_numbers() {
        assert!(ExpectedFailures::parse("l", "a.wast").is_err());
        let list = ExpectedFailures::parse("l", "# c\n\na.wast:12  why\nb/c.wast  because\n")
            .expect("parses");
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn line_entries_excuse_their_directive_and_report_passes() {
        let list = ExpectedFailures::parse(
            "l",
            "proposals/x/a.wast:3  known\nproposals/x/a.wast:9  fixed since\n",
        )
        .expect("parses");
        let mut report = Report::new("/t/proposals/x/a.wast");
        report.passed = 5;
        report.failures = vec![
            failure("/t/proposals/x/a.wast", 3),
            failure("/t/proposals/x/a.wast", 4),
        ];
        list.apply(&mut report);
        assert_eq!(
            report.failures[0].expected_failure.as_deref(),
            Some("known")
        );
        assert_eq!(report.failures[1].expected_failure, None);
        assert_eq!(report.unexpected_passes.len(), 1);
        assert!(report.unexpected_passes[0].location.ends_with("a.wast:9"));
        assert!(report.is_failure());
    }

    #[test]
    fn file_entries_match_whole_components() {
        let list = ExpectedFailures::parse("l", "x/a.wast  known\n").expect("parses");
        let mut other = Report::new("/t/xx/a.wast");
        other.failures = vec![failure("/t/xx/a.wast", 1)];
        list.apply(&mut other);
        assert_eq!(other.failed(), 1);

        let mut clean = Report::new("/t/x/a.wast");
        clean.passed = 7;
        list.apply(&mut clean);
        assert_eq!(clean.unexpected_passes.len(), 1);
        assert!(clean.unexpected_passes[0].detail.contains("all 7"));

        let mut broken = Report::new("x/a.wast");
        broken.error = Some("x/a.wast:1:1: nope".into());
        list.apply(&mut broken);
        assert!(!broken.is_failure());
    }
}
