//! `--shard K/N` and `vitte-wat merge`: the shards of a `difftest` or a
//! `spec` run, merged, give the report of the unsharded run.
//!
//! `VITTE_SHARD_N` sets the number of programs (200 by default; the README
//! shows 4000).

mod common;

use common::{stderr, stdout, vitte_wat};

use common::TempDir;
use std::path::Path;
use std::process::Output;

fn programs() -> String {
    std::env::var("VITTE_SHARD_N").unwrap_or_else(|_| "200".into())
}

/// Writes each shard's stdout to `dir/NAME`, and returns the paths.
fn run_shards(dir: &TempDir, name: &str, args: &[&str], count: u64) -> Vec<String> {
    // In reverse: `merge` takes the shards in any order.
    (1..=count)
        .rev()
        .map(|k| {
            let shard = format!("{k}/{count}");
            let mut all = args.to_vec();
            all.extend(["--shard", &shard, "--json"]);
            let run = vitte_wat(&all);
            assert!(run.status.code().is_some(), "{}", stderr(&run));
            let path = dir.path(&format!("{name}{k}.json"));
            std::fs::write(&path, &run.stdout).expect("write");
            path.display().to_string()
        })
        .collect()
}

fn merge(paths: &[String]) -> Output {
    let mut args = vec!["merge"];
    args.extend(paths.iter().map(String::as_str));
    vitte_wat(&args)
}

#[test]
fn merged_difftest_shards_equal_the_unsharded_campaign() {
    let dir = TempDir::new("difftest-shards");
    let out = dir.path("failures").display().to_string();
    let n = programs();
    let args = ["difftest", "--count", &n, "--seed", "7", "--out", &out];
    let whole = vitte_wat(&[&args[..], &["--json"]].concat());
    assert_eq!(whole.status.code(), Some(0), "{}", stderr(&whole));
    // No progress into a pipe: stderr is the header and the final count.
    let err = stderr(&whole);
    assert!(!err.contains('\r'), "{err:?}");
    assert_eq!(err.lines().count(), 2, "{err}");
    let shards = run_shards(&dir, "d", &args, 4);
    let merged = merge(&shards);
    assert_eq!(merged.status.code(), Some(0), "{}", stderr(&merged));
    // Byte for byte: the same programs, verdicts and coverage.
    assert_eq!(stdout(&merged), stdout(&whole));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&whole)).expect("JSON");
    let n: u64 = n.parse().expect("a number");
    assert_eq!(doc["totals"]["programs"], n);
    assert_eq!(doc["programs"].as_array().map(Vec::len), Some(n as usize));
    assert_eq!(doc["programs"][0]["seed"], 7);
    assert_eq!(doc["coverage"]["programs"], n);
    // A shard is its slice, and says which.
    let one: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&shards[3]).expect("read")).expect("JSON");
    assert_eq!(one["shard"], serde_json::json!({"index": 1, "count": 4}));
    assert_eq!(one["totals"]["programs"], n / 4);
}

#[test]
fn merging_refuses_incomplete_or_mixed_shards() {
    let dir = TempDir::new("merge-refusals");
    let args = ["difftest", "--count", "8", "--no-reduce"];
    let shards = run_shards(&dir, "d", &args, 2);
    let missing = merge(&shards[..1]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("missing shards: 1/2"),
        "{}",
        stderr(&missing)
    );
    let spec = run_shards(&dir, "s", &["spec", "spec-tests"], 2);
    let mixed = merge(&[shards[0].clone(), spec[1].clone()]);
    assert_eq!(mixed.status.code(), Some(1));
    assert!(
        stderr(&mixed).contains("merge the shards of one run"),
        "{}",
        stderr(&mixed)
    );
    let whole = vitte_wat(&["spec", "--json", "spec-tests"]);
    let path = dir.path("whole.json");
    std::fs::write(&path, &whole.stdout).expect("write");
    // A whole run is shard 1/1: it merges into itself, not with shards.
    let alone = merge(&[path.display().to_string()]);
    assert_eq!(stdout(&alone), stdout(&whole));
    let with = merge(&[path.display().to_string(), spec[0].clone()]);
    assert!(
        stderr(&with).contains("of another split than 1"),
        "{}",
        stderr(&with)
    );
}

/// The document without its timings, which differ from run to run.
fn untimed(text: &str) -> serde_json::Value {
    let mut doc: serde_json::Value = serde_json::from_str(text).expect("JSON");
    for file in doc["files"].as_array_mut().expect("files") {
        file["duration_ms"] = serde_json::Value::Null;
    }
    doc
}

#[test]
fn merged_spec_shards_equal_the_unsharded_run() {
    let dir = TempDir::new("spec-shards");
    // A failing file among passing ones, so that the totals mean something.
    std::fs::write(
        dir.path("zz-fail.wast"),
        "(module (func (export \"f\") (result i32) (i32.const 1)))\n\
         (assert_return (invoke \"f\") (i32.const 2))\n",
    )
    .expect("write");
    let extra = dir.path("zz-fail.wast").display().to_string();
    let args = ["spec", "spec-tests/wasm64", &extra];
    let whole = vitte_wat(&[&args[..], &["--json"]].concat());
    assert_eq!(whole.status.code(), Some(1));
    let files = untimed(&stdout(&whole))["files"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(files, 6);
    // More shards than files: empty shards are fine.
    for count in [4, 8] {
        let shards = run_shards(&dir, &format!("s{count}-"), &args, count);
        let merged = merge(&shards);
        assert_eq!(merged.status.code(), Some(1), "{}", stderr(&merged));
        assert_eq!(
            untimed(&stdout(&merged)),
            untimed(&stdout(&whole)),
            "{count}"
        );
    }
    // Text output: the shards' file lines, in order, are the run's.
    let text = |shard: Option<&str>| {
        let mut all = args.to_vec();
        if let Some(shard) = shard {
            all.extend(["--shard", shard]);
        }
        let out = stdout(&vitte_wat(&all));
        out.lines()
            .filter(|l| !l.starts_with("total:"))
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
    };
    let parts: Vec<String> = ["1/2", "2/2"].iter().flat_map(|s| text(Some(s))).collect();
    let unsharded = text(None);
    assert_eq!(parts, unsharded);
    assert!(
        unsharded.iter().any(|l| l.starts_with("FAIL ")),
        "{unsharded:?}"
    );
    assert!(Path::new(&extra).exists());
}

#[test]
fn json_does_not_mix_with_the_text_options() {
    for extra in ["--stats", "--reduce=x.vir"] {
        let run = vitte_wat(&["difftest", "--count", "1", "--json", extra]);
        assert_eq!(run.status.code(), Some(1), "{extra}");
        assert!(
            stderr(&run).contains("cannot be used with"),
            "{}",
            stderr(&run)
        );
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn bad_shards_are_refused() {
    for bad in ["0/4", "5/4", "x", "1/0"] {
        let run = vitte_wat(&["difftest", "--count", "1", "--shard", bad]);
        assert_eq!(run.status.code(), Some(1), "{bad}");
        assert!(
            stderr(&run).contains("is not a shard: expected K/N"),
            "{}",
            stderr(&run)
        );
    }
}
