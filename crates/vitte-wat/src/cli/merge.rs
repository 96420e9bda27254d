//! `vitte-wat merge`: the `--json` reports of a run's shards as the report
//! of the whole run, so that a campaign split over machines (`--shard K/N`)
//! ends with one report, equal to that of an unsharded run.

use super::Failure;
use super::io::Input;
use clap::Args;
use std::path::PathBuf;
use vitte_wat::{difftest, shard, spec};

#[derive(Args)]
pub struct MergeArgs {
    /// The shards' reports, in any order: all of `spec --json` or all of
    /// `difftest --json`, every shard of one run once.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Prints the merged report; fails as the whole run would have failed.
pub fn run(args: &MergeArgs) -> Result<(), Failure> {
    let mut docs = Vec::new();
    for path in &args.files {
        let input = Input::read(path)?;
        let text = input.text("JSON")?.to_string();
        docs.push((input.name, text));
    }
    let schema = schema_of(&docs[0])?;
    for doc in &docs[1..] {
        let other = schema_of(doc)?;
        if other != schema {
            return Err(Failure::error(format!(
                "{}: a `{other}` report, and {} a `{schema}` one: merge the shards of one run",
                doc.0, docs[0].0
            )));
        }
    }
    let (merged, success) = match schema.as_str() {
        spec::json::SCHEMA => spec::json::merge(&docs),
        difftest::json::SCHEMA => difftest::json::merge(&docs),
        other => Err(format!(
            "{}: schema `{other}`: only `{}` and `{}` reports merge",
            docs[0].0,
            spec::json::SCHEMA,
            difftest::json::SCHEMA
        )),
    }
    .map_err(Failure::error)?;
    print!("{merged}");
    if success {
        Ok(())
    } else {
        Err(Failure::error("the merged run failed (see the report)"))
    }
}

/// The `schema` field of a report.
fn schema_of((name, text): &(String, String)) -> Result<String, Failure> {
    #[derive(serde::Deserialize)]
    struct Head {
        schema: String,
    }
    serde_json::from_str::<Head>(text)
        .map(|h| h.schema)
        .map_err(|e| Failure::error(shard::json_error(name, &e)))
}
