//! `difftest --json`: a campaign's verdicts and coverage as one JSON
//! document, schema `vitte-wat-difftest/1` (described in the README), and
//! [`merge`], which makes the documents of a campaign's shards the
//! document of the whole campaign.
//!
//! The document holds nothing that depends on the machine, the time or the
//! number of threads (the time taken is on stderr), so that the merge of
//! the shards of a campaign is byte for byte the document of one run. The
//! one exception is `reduced`: each run reduces its first four mismatches
//! in seed order, so a merge of shards may list more reduced files than
//! one run of the whole campaign.

use super::{Coverage, Summary};
use crate::shard::{self, Shard};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The schema's name; a change that breaks readers changes its number.
pub const SCHEMA: &str = "vitte-wat-difftest/1";

/// What the campaign was: the same for each of its shards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    pub first_seed: u64,
    /// Programs in the whole campaign.
    pub count: u64,
    pub reducible_only: bool,
}

#[derive(Serialize, Deserialize)]
struct Document {
    schema: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard: Option<Shard>,
    #[serde(flatten)]
    setup: Setup,
    totals: Totals,
    programs: Vec<ProgramView>,
    coverage: CoverageView,
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
struct Totals {
    programs: u64,
    passed: u64,
    failed: u64,
    success: bool,
}

#[derive(Serialize, Deserialize)]
struct ProgramView {
    seed: u64,
    /// `pass`, `mismatch`, `generator bug` or `panic`.
    verdict: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reduced: Option<String>,
}

/// [`Coverage`], with owned keys so that documents read back.
#[derive(Serialize, Deserialize, Default)]
struct CoverageView {
    programs: u64,
    /// Occurrences of each mnemonic in the generated code.
    ops: BTreeMap<String, u64>,
    /// Programs with a function of each CFG shape.
    shapes: BTreeMap<String, u64>,
    /// Programs in which a call trapped, by trap kind.
    traps: BTreeMap<String, u64>,
    trap_free: u64,
    entry_calls: u64,
    executed: u64,
    iterations: u64,
    calls: u64,
    calls_out_of_fuel: u64,
    calls_out_of_calls: u64,
}

/// The document of a campaign's run (of one shard of it, unless `shard`
/// is the whole), ending with a newline.
pub fn document(summary: &Summary, setup: Setup, shard: Shard) -> String {
    let failures: HashMap<u64, &super::Failure> =
        summary.failures.iter().map(|f| (f.seed, f)).collect();
    let shown = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let programs = summary
        .verdicts
        .iter()
        .map(|&(seed, verdict)| {
            let failure = failures.get(&seed);
            ProgramView {
                seed,
                verdict: verdict.into(),
                message: failure.map(|f| f.message.clone()),
                file: failure.and_then(|f| shown(&f.file)),
                reduced: failure.and_then(|f| shown(&f.reduced)),
            }
        })
        .collect();
    let failed = summary.failures.len() as u64;
    render(&Document {
        schema: SCHEMA.into(),
        shard: (!shard.is_whole()).then_some(shard),
        setup,
        totals: Totals {
            programs: summary.programs,
            passed: summary.passed,
            failed,
            success: failed == 0,
        },
        programs,
        coverage: coverage(&summary.coverage),
    })
}

fn render(doc: &Document) -> String {
    let mut out = serde_json::to_string_pretty(doc).expect("the views serialise");
    out.push('\n');
    out
}

fn coverage(c: &Coverage) -> CoverageView {
    let owned = |m: &BTreeMap<String, u64>| m.clone();
    CoverageView {
        programs: c.programs,
        ops: owned(&c.ops),
        shapes: c.shapes.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        traps: owned(&c.traps),
        trap_free: c.trap_free,
        entry_calls: c.entry_calls,
        executed: c.work.executed,
        iterations: c.work.iterations,
        calls: c.work.calls,
        calls_out_of_fuel: c.calls_out_of_fuel,
        calls_out_of_calls: c.calls_out_of_calls,
    }
}

impl CoverageView {
    fn add(&mut self, other: &CoverageView) {
        self.programs += other.programs;
        for (mine, theirs) in [
            (&mut self.ops, &other.ops),
            (&mut self.shapes, &other.shapes),
            (&mut self.traps, &other.traps),
        ] {
            for (k, v) in theirs {
                *mine.entry(k.clone()).or_default() += v;
            }
        }
        self.trap_free += other.trap_free;
        self.entry_calls += other.entry_calls;
        self.executed += other.executed;
        self.iterations += other.iterations;
        self.calls += other.calls;
        self.calls_out_of_fuel += other.calls_out_of_fuel;
        self.calls_out_of_calls += other.calls_out_of_calls;
    }
}

/// The documents of every shard of one campaign (`(name, text)`, in any
/// order) as the document of the whole campaign; also whether it
/// succeeded. Each shard must be of the same campaign and list exactly the
/// programs of its slice: a shard that stopped early cannot pass unseen.
pub fn merge(docs: &[(String, String)]) -> Result<(String, bool), String> {
    let (mut parsed, order) = shard::read_reports::<Document>(docs, SCHEMA)?;
    let setup = parsed[0].1.setup;
    let mut merged = Document {
        schema: SCHEMA.into(),
        shard: None,
        setup,
        totals: Totals::default(),
        programs: Vec::new(),
        coverage: CoverageView::default(),
    };
    for &i in &order {
        let (name, doc) = &parsed[i];
        let shard = doc.shard.unwrap_or_default();
        if doc.setup != setup {
            return Err(format!(
                "{name}: shard {shard} is of another campaign ({:?}, not {setup:?})",
                doc.setup
            ));
        }
        let slice = shard.range(setup.count);
        let seeds = doc.programs.iter().map(|p| p.seed);
        let expected = slice.clone().map(|i| setup.first_seed.wrapping_add(i));
        if doc.totals.programs != slice.end - slice.start || !seeds.eq(expected) {
            return Err(format!(
                "{name}: shard {shard} should list the programs of seeds {}..{}, in order",
                setup.first_seed.wrapping_add(slice.start),
                setup.first_seed.wrapping_add(slice.end)
            ));
        }
        merged.totals.programs += doc.totals.programs;
        merged.totals.passed += doc.totals.passed;
        merged.totals.failed += doc.totals.failed;
        merged.coverage.add(&doc.coverage);
    }
    for &i in &order {
        merged.programs.append(&mut parsed[i].1.programs);
    }
    merged.totals.success = merged.totals.failed == 0;
    let success = merged.totals.success;
    Ok((render(&merged), success))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::difftest::Failure;

    const SETUP: Setup = Setup {
        first_seed: 10,
        count: 5,
        reducible_only: false,
    };

    /// A summary of seeds `range` (positions in the campaign), where seed
    /// 13 fails.
    fn summary(range: std::ops::Range<u64>) -> Summary {
        let mut s = Summary::default();
        for seed in range.map(|i| SETUP.first_seed + i) {
            s.programs += 1;
            s.coverage.programs += 1;
            *s.coverage.ops.entry("i32.add".into()).or_default() += seed;
            if seed == 13 {
                s.verdicts.push((seed, "mismatch"));
                s.failures.push(Failure {
                    seed,
                    kind: "mismatch",
                    message: "wasm32 at call 0".into(),
                    file: Some("out/seed-13.vir".into()),
                    reduced: None,
                });
            } else {
                s.passed += 1;
                s.verdicts.push((seed, "pass"));
            }
        }
        s
    }

    fn shards(count: u64) -> Vec<(String, String)> {
        (1..=count)
            .rev()
            .map(|index| {
                let shard = Shard { index, count };
                let doc = document(&summary(shard.range(SETUP.count)), SETUP, shard);
                (format!("{shard}"), doc)
            })
            .collect()
    }

    #[test]
    fn merged_shards_are_the_whole_campaign() {
        let whole = document(&summary(0..5), SETUP, Shard::default());
        for count in [1, 2, 3, 5] {
            let (merged, success) = merge(&shards(count)).expect("merges");
            assert_eq!(merged, whole, "{count} shards");
            assert!(!success);
        }
        let doc: serde_json::Value = serde_json::from_str(&whole).expect("JSON");
        assert_eq!(doc["schema"], SCHEMA);
        assert_eq!(doc["programs"][3]["verdict"], "mismatch");
        assert_eq!(doc["programs"][3]["file"], "out/seed-13.vir");
        assert_eq!(
            doc["programs"][2],
            serde_json::json!({"seed": 12, "verdict": "pass"})
        );
        assert_eq!(doc["coverage"]["ops"]["i32.add"], 10 + 11 + 12 + 13 + 14);
        assert_eq!(doc["totals"]["failed"], 1);
    }

    #[test]
    fn a_shard_that_stopped_early_or_of_another_campaign_does_not_merge() {
        let mut docs = shards(2);
        let short = Shard { index: 2, count: 2 };
        docs[0].1 = document(&summary(3..4), SETUP, short);
        let error = merge(&docs).unwrap_err();
        assert!(
            error.contains("should list the programs of seeds 12..15"),
            "{error}"
        );
        let mut docs = shards(2);
        let other = Setup { count: 6, ..SETUP };
        docs[0].1 = document(&summary(2..5), other, short);
        assert!(merge(&docs).unwrap_err().contains("another campaign"));
    }
}
