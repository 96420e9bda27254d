//! `--json`: a run's reports as one JSON document, schema
//! `vitte-wat-spec/1` (described in the README), serialised by serde from
//! views of the reports: the schema's field names live here, apart from the
//! report types the runner fills. The views also read documents back, for
//! [`merge`]: the reports of the shards of a run, as one.

use super::report::{Failure, Note, Report, Totals, UnexpectedPass};
use crate::shard::{self, Shard};
use serde::{Deserialize, Serialize};

/// The schema's name; a change that breaks readers changes its number.
pub const SCHEMA: &str = "vitte-wat-spec/1";

#[derive(Serialize, Deserialize)]
struct Document {
    schema: String,
    /// Which slice of the files this is (`--shard`); absent for a whole run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard: Option<Shard>,
    totals: TotalsView,
    files: Vec<FileView>,
}

impl shard::Report for Document {
    fn schema(&self) -> &str {
        &self.schema
    }

    fn shard(&self) -> Option<Shard> {
        self.shard
    }
}

#[derive(Serialize, Deserialize, Default)]
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

#[derive(Serialize, Deserialize)]
struct FileView {
    path: String,
    directives: usize,
    passed: usize,
    failed: usize,
    expected_failures: usize,
    unexpected_passes: usize,
    error: Option<String>,
    error_expected: Option<String>,
    skipped: Option<String>,
    duration_ms: f64,
    failures: Vec<FailureView>,
    unexpected: Vec<UnexpectedView>,
    notes: Vec<NoteView>,
}

#[derive(Serialize, Deserialize)]
struct FailureView {
    location: String,
    line: usize,
    column: usize,
    directive: String,
    expected: String,
    actual: String,
    expected_failure: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct UnexpectedView {
    location: String,
    reason: String,
    detail: String,
}

#[derive(Serialize, Deserialize)]
struct NoteView {
    location: String,
    directive: String,
    message: String,
}

/// The document: totals over every report, and the reports `shown` (all,
/// or those that failed with `--failures-only`), ending with a newline.
pub fn document(reports: &[Report], shown: impl Fn(&Report) -> bool) -> String {
    document_for(reports, shown, Shard::default())
}

/// [`document`] for one shard of a run: it says which.
pub fn document_for(reports: &[Report], shown: impl Fn(&Report) -> bool, shard: Shard) -> String {
    render(&Document {
        schema: SCHEMA.into(),
        shard: (!shard.is_whole()).then_some(shard),
        totals: totals(&Totals::of(reports)),
        files: reports.iter().filter(|r| shown(r)).map(file).collect(),
    })
}

fn render(doc: &Document) -> String {
    let mut out = serde_json::to_string_pretty(doc).expect("the views serialise");
    out.push('\n');
    out
}

/// The documents of every shard of one run (`(name, text)`, in any order)
/// as the document of the whole run: files in shard order (the unsharded
/// run's path order), totals added up. Also whether the run succeeded.
pub fn merge(docs: &[(String, String)]) -> Result<(String, bool), String> {
    let (parsed, order) = shard::read_reports::<Document>(docs, SCHEMA)?;
    let mut slots: Vec<Option<Document>> = parsed.into_iter().map(|(_, doc)| Some(doc)).collect();
    let mut merged = Document {
        schema: SCHEMA.into(),
        shard: None,
        totals: TotalsView::default(),
        files: Vec::new(),
    };
    for i in order {
        let Some(doc) = slots[i].take() else { continue };
        add_totals(&mut merged.totals, &doc.totals);
        merged.files.extend(doc.files);
    }
    let t = &mut merged.totals;
    t.success = t.failed == 0 && t.unexpected_passes == 0 && t.errors == 0;
    let success = t.success;
    Ok((render(&merged), success))
}

fn add_totals(sum: &mut TotalsView, t: &TotalsView) {
    sum.files += t.files;
    sum.files_clean += t.files_clean;
    sum.directives += t.directives;
    sum.passed += t.passed;
    sum.failed += t.failed;
    sum.expected_failures += t.expected_failures;
    sum.unexpected_passes += t.unexpected_passes;
    sum.errors += t.errors;
    sum.skipped += t.skipped;
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

fn file(r: &Report) -> FileView {
    FileView {
        path: r.path.clone(),
        directives: r.total(),
        passed: r.passed,
        failed: r.failed(),
        expected_failures: r.expected_failures(),
        unexpected_passes: r.unexpected_passes.len(),
        error: r.error.clone(),
        error_expected: r.error_expected.clone(),
        skipped: r.skipped.clone(),
        // Microsecond resolution, as the text report: more digits are noise.
        duration_ms: (r.duration.as_secs_f64() * 1e6).round() / 1e3,
        failures: r.failures.iter().map(failure).collect(),
        unexpected: r.unexpected_passes.iter().map(unexpected).collect(),
        notes: r.notes.iter().map(note).collect(),
    }
}

fn failure(f: &Failure) -> FailureView {
    FailureView {
        location: f.location.clone(),
        line: f.line,
        column: f.column,
        directive: f.directive.into(),
        expected: f.expected.clone(),
        actual: f.actual.clone(),
        expected_failure: f.expected_failure.clone(),
    }
}

fn unexpected(u: &UnexpectedPass) -> UnexpectedView {
    UnexpectedView {
        location: u.location.clone(),
        reason: u.reason.clone(),
        detail: u.detail.clone(),
    }
}

fn note(n: &Note) -> NoteView {
    NoteView {
        location: n.location.clone(),
        directive: n.directive.into(),
        message: n.message.clone(),
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

    fn named(path: &str, failed: bool) -> Report {
        let mut report = Report::new(path);
        report.passed = 2;
        if failed {
            report.error = Some(format!("{path}:1:1: bad"));
        }
        report
    }

    #[test]
    fn the_shards_merge_into_the_whole_run() {
        let reports = [
            named("a.wast", false),
            named("b.wast", true),
            named("c.wast", false),
        ];
        let whole = document(&reports, |_| true);
        let shard = |index, files: &[Report]| {
            let doc = document_for(files, |_| true, Shard { index, count: 2 });
            (format!("shard{index}.json"), doc)
        };
        let (one, two) = (shard(1, &reports[..1]), shard(2, &reports[1..]));
        assert_eq!(parse(&two.1)["shard"]["index"], 2);
        let (merged, success) = merge(&[two.clone(), one.clone()]).expect("merges");
        assert_eq!(merged, whole);
        assert!(!success);
        assert!(
            merge(std::slice::from_ref(&one))
                .unwrap_err()
                .contains("missing shards: 2/2")
        );
        let bad = ("bad.json".to_string(), "{\n  \"schema\": 3\n}".to_string());
        let error = merge(&[bad]).unwrap_err();
        assert!(error.starts_with("bad.json:2:"), "{error}");
        assert!(!error.contains(" at line "), "{error}");
    }
}
