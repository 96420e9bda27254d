//! `--json`: a run's reports as one JSON document, schema
//! `vitte-wat-spec/1` (described in the README). Written by hand: the
//! schema is small and fixed, and this keeps serde out of the build.

use super::report::{Report, Totals};
use std::fmt::Write as _;

/// The schema's name; a change that breaks readers changes its number.
pub const SCHEMA: &str = "vitte-wat-spec/1";

/// The document: totals over every report, and the reports `shown` (all,
/// or those that failed with `--failures-only`).
pub fn document(reports: &[Report], shown: impl Fn(&Report) -> bool) -> String {
    let t = Totals::of(reports);
    let mut out = String::new();
    out.push_str("{\n");
    let _ = writeln!(out, "  \"schema\": {},", string(SCHEMA));
    let _ = writeln!(
        out,
        "  \"totals\": {{\"files\": {}, \"files_clean\": {}, \"directives\": {}, \"passed\": {}, \
         \"failed\": {}, \"expected_failures\": {}, \"unexpected_passes\": {}, \"errors\": {}, \
         \"success\": {}}},",
        t.files,
        t.files_passed,
        t.directives,
        t.passed,
        t.failed,
        t.expected_failures,
        t.unexpected_passes,
        t.errors,
        t.success()
    );
    out.push_str("  \"files\": [");
    let mut first = true;
    for report in reports.iter().filter(|r| shown(r)) {
        out.push_str(if first { "\n" } else { ",\n" });
        first = false;
        file(&mut out, report);
    }
    out.push_str(if first { "]\n" } else { "\n  ]\n" });
    out.push_str("}\n");
    out
}

fn file(out: &mut String, r: &Report) {
    let _ = writeln!(
        out,
        "    {{\"path\": {}, \"directives\": {}, \"passed\": {}, \"failed\": {}, \
         \"expected_failures\": {}, \"unexpected_passes\": {}, \"error\": {}, \
         \"error_expected\": {}, \"duration_ms\": {:.3},",
        string(&r.path),
        r.total(),
        r.passed,
        r.failed(),
        r.expected_failures(),
        r.unexpected_passes.len(),
        optional(r.error.as_deref()),
        optional(r.error_expected.as_deref()),
        r.duration.as_secs_f64() * 1000.0
    );
    let failures: Vec<String> = r
        .failures
        .iter()
        .map(|f| {
            format!(
                "{{\"location\": {}, \"line\": {}, \"column\": {}, \"directive\": {}, \
                 \"expected\": {}, \"actual\": {}, \"expected_failure\": {}}}",
                string(&f.location),
                f.line,
                f.column,
                string(f.directive),
                string(&f.expected),
                string(&f.actual),
                optional(f.expected_failure.as_deref())
            )
        })
        .collect();
    let unexpected: Vec<String> = r
        .unexpected_passes
        .iter()
        .map(|u| {
            format!(
                "{{\"location\": {}, \"reason\": {}, \"detail\": {}}}",
                string(&u.location),
                string(&u.reason),
                string(&u.detail)
            )
        })
        .collect();
    let notes: Vec<String> = r
        .notes
        .iter()
        .map(|n| {
            format!(
                "{{\"location\": {}, \"directive\": {}, \"message\": {}}}",
                string(&n.location),
                string(n.directive),
                string(&n.message)
            )
        })
        .collect();
    let _ = write!(
        out,
        "     \"failures\": {},\n     \"unexpected\": {},\n     \"notes\": {}}}",
        array(&failures),
        array(&unexpected),
        array(&notes)
    );
}

fn array(items: &[String]) -> String {
    if items.is_empty() {
        return "[]".into();
    }
    format!("[\n       {}\n     ]", items.join(",\n       "))
}

fn optional(s: Option<&str>) -> String {
    s.map_or_else(|| "null".into(), string)
}

/// A JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
    }

    #[test]
    fn an_empty_run_is_a_document() {
        let doc = document(&[], |_| true);
        assert!(doc.contains("\"files\": []"), "{doc}");
        assert!(doc.contains("\"success\": true"), "{doc}");
    }
}
