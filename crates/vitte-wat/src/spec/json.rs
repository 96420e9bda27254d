//! `--json`: a run's reports as one JSON document, schema
//! `vitte-wat-spec/1` (described in the README), serialised by serde from
//! views of the reports: the schema's field names live here, apart from the
//! report types the runner fills.

use super::report::{Failure, Note, Report, Totals, UnexpectedPass};
use serde::Serialize;

/// The schema's name; a change that breaks readers changes its number.
pub const SCHEMA: &str = "vitte-wat-spec/1";

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    totals: TotalsView,
    files: Vec<FileView<'a>>,
}

#[derive(Serialize)]
struct TotalsView {
    files: usize,
    files_clean: usize,
    directives: usize,
    passed: usize,
    failed: usize,
    expected_failures: usize,
    unexpected_passes: usize,
    errors: usize,
    skipped: usize,
    success: bool,
}

#[derive(Serialize)]
struct FileView<'a> {
    path: &'a str,
    directives: usize,
    passed: usize,
    failed: usize,
    expected_failures: usize,
    unexpected_passes: usize,
    error: Option<&'a str>,
    error_expected: Option<&'a str>,
    skipped: Option<&'a str>,
    duration_ms: f64,
    failures: Vec<FailureView<'a>>,
    unexpected: Vec<UnexpectedView<'a>>,
    notes: Vec<NoteView<'a>>,
}

#[derive(Serialize)]
struct FailureView<'a> {
    location: &'a str,
    line: usize,
    column: usize,
    directive: &'static str,
    expected: &'a str,
    actual: &'a str,
    expected_failure: Option<&'a str>,
}

#[derive(Serialize)]
struct UnexpectedView<'a> {
    location: &'a str,
    reason: &'a str,
    detail: &'a str,
}

#[derive(Serialize)]
struct NoteView<'a> {
    location: &'a str,
    directive: &'static str,
    message: &'a str,
}

/// The document: totals over every report, and the reports `shown` (all,
/// or those that failed with `--failures-only`), ending with a newline.
pub fn document(reports: &[Report], shown: impl Fn(&Report) -> bool) -> String {
    let doc = Document {
        schema: SCHEMA,
        totals: totals(&Totals::of(reports)),
        files: reports.iter().filter(|r| shown(r)).map(file).collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("the views serialise");
    out.push('\n');
    out
}

fn totals(t: &Totals) -> TotalsView {
    TotalsView {
        files: t.files,
        files_clean: t.files_passed,
        directives: t.directives,
        passed: t.passed,
        failed: t.failed,
        expected_failures: t.expected_failures,
        unexpected_passes: t.unexpected_passes,
        errors: t.errors,
        skipped: t.skipped,
        success: t.success(),
    }
}

fn file(r: &Report) -> FileView<'_> {
    FileView {
        path: &r.path,
        directives: r.total(),
        passed: r.passed,
        failed: r.failed(),
        expected_failures: r.expected_failures(),
        unexpected_passes: r.unexpected_passes.len(),
        error: r.error.as_deref(),
        error_expected: r.error_expected.as_deref(),
        skipped: r.skipped.as_deref(),
        // Microsecond resolution, as the text report: more digits are noise.
        duration_ms: (r.duration.as_secs_f64() * 1e6).round() / 1e3,
        failures: r.failures.iter().map(failure).collect(),
        unexpected: r.unexpected_passes.iter().map(unexpected).collect(),
        notes: r.notes.iter().map(note).collect(),
    }
}

fn failure(f: &Failure) -> FailureView<'_> {
    FailureView {
        location: &f.location,
        line: f.line,
        column: f.column,
        directive: f.directive,
        expected: &f.expected,
        actual: &f.actual,
        expected_failure: f.expected_failure.as_deref(),
    }
}

fn unexpected(u: &UnexpectedPass) -> UnexpectedView<'_> {
    UnexpectedView {
        location: &u.location,
        reason: &u.reason,
        detail: &u.detail,
    }
}

fn note(n: &Note) -> NoteView<'_> {
    NoteView {
        location: &n.location,
        directive: n.directive,
        message: &n.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn parse(doc: &str) -> serde_json::Value {
        serde_json::from_str(doc).unwrap_or_else(|e| panic!("{e}: {doc}"))
    }

    #[test]
    fn an_empty_run_is_a_successful_document() {
        let doc = parse(&document(&[], |_| true));
        assert_eq!(doc["schema"], SCHEMA);
        assert_eq!(doc["files"], serde_json::json!([]));
        assert_eq!(doc["totals"]["success"], true);
    }

    #[test]
    fn control_characters_and_quotes_survive_the_round_trip() {
        let report = Report {
            path: "a\"b\\c\n\u{1}é.wast".into(),
            error: Some("bad\tline".into()),
            duration: Duration::from_micros(1500),
            ..Report::default()
        };
        let doc = parse(&document(std::slice::from_ref(&report), |_| true));
        let file = &doc["files"][0];
        assert_eq!(file["path"], "a\"b\\c\n\u{1}é.wast");
        assert_eq!(file["error"], "bad\tline");
        assert_eq!(file["error_expected"], serde_json::Value::Null);
        assert_eq!(file["duration_ms"], 1.5);
        assert_eq!(doc["totals"]["errors"], 1);
        assert_eq!(doc["totals"]["success"], false);
    }

    #[test]
    fn only_the_shown_reports_are_listed_but_all_are_counted() {
        let reports = [
            Report {
                path: "one.wast".into(),
                ..Report::default()
            },
            Report {
                path: "two.wast".into(),
                ..Report::default()
            },
        ];
        let doc = parse(&document(&reports, |r| r.path == "two.wast"));
        assert_eq!(doc["totals"]["files"], 2);
        assert_eq!(doc["files"].as_array().map(Vec::len), Some(1));
        assert_eq!(doc["files"][0]["path"], "two.wast");
    }
}
