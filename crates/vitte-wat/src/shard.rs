//! `--shard K/N`: one deterministic slice of a campaign's work, so that N
//! machines (a CI matrix, a batch system) run one campaign between them.
//!
//! Shard K of N gets the K-th of N contiguous, nearly equal ranges of the
//! work list (programs in seed order, or script files in path order). The
//! slices cover the list exactly once, and the JSON reports of the shards,
//! concatenated in shard order (`vitte-wat merge`), list the work in the
//! same order as one unsharded run.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// Shard `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Default for Shard {
    /// The whole work: shard 1 of 1.
    fn default() -> Shard {
        Shard { index: 1, count: 1 }
    }
}

impl Shard {
    /// Whether this is the whole work.
    pub fn is_whole(&self) -> bool {
        self.count == 1
    }

    /// The positions of this shard's work in a list of `total` items:
    /// `total·(K-1)/N .. total·K/N` (so sizes differ by at most one).
    pub fn range(&self, total: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(total) * u128::from(k) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not a shard: expected K/N with 1 <= K <= N, like 2/4");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Checks that `shards` are the N shards of one campaign, each once, and
/// gives the order to concatenate them in (positions in `shards`). A
/// report without a shard is the whole run, shard 1/1.
pub fn merge_order(shards: &[Shard]) -> Result<Vec<usize>, String> {
    let count = shards.first().ok_or("nothing to merge")?.count;
    let mut order = vec![None; count as usize];
    for (i, &shard) in shards.iter().enumerate() {
        if shard.count != count {
            return Err(format!(
                "report {} is shard {shard}, of another split than {count}",
                i + 1
            ));
        }
        let slot = &mut order[shard.index as usize - 1];
        if slot.is_some() {
            return Err(format!("shard {shard} is given twice"));
        }
        *slot = Some(i);
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| order[*k as usize - 1].is_none())
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(format!("missing shards: {}", missing.join(", ")));
    }
    Ok(order.into_iter().flatten().collect())
}

/// A `--json` report read back to be merged: its schema and its shard.
pub trait Report: serde::de::DeserializeOwned {
    fn schema(&self) -> &str;
    fn shard(&self) -> Option<Shard>;
}

/// Reports with their names, in the order given, and the order to
/// concatenate them in.
pub type ReadReports<'a, R> = (Vec<(&'a str, R)>, Vec<usize>);

/// Reads the reports of a sharded run (`(name, text)`, in any order), each
/// of schema `schema`: the reports with their names, in the order given,
/// and the order to concatenate them in ([`merge_order`]).
pub fn read_reports<'a, R: Report>(
    docs: &'a [(String, String)],
    schema: &str,
) -> Result<ReadReports<'a, R>, String> {
    let mut parsed = Vec::new();
    for (name, text) in docs {
        let doc: R = serde_json::from_str(text).map_err(|e| json_error(name, &e))?;
        if doc.schema() != schema {
            return Err(format!("{name}: schema `{}`, not `{schema}`", doc.schema()));
        }
        parsed.push((name.as_str(), doc));
    }
    let shards: Vec<Shard> = (parsed.iter())
        .map(|(_, doc)| doc.shard().unwrap_or_default())
        .collect();
    let order = merge_order(&shards)?;
    Ok((parsed, order))
}

/// `name:line:col: reason` for a report that does not read back.
pub fn json_error(name: &str, error: &serde_json::Error) -> String {
    let (line, column) = (error.line(), error.column());
    let text = error.to_string();
    // serde_json ends its message with the location, which leads here.
    let reason = text
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&text);
    format!("{name}:{line}:{column}: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_print() {
        let shard: Shard = "2/4".parse().unwrap();
        assert_eq!(shard, Shard { index: 2, count: 4 });
        assert_eq!(shard.to_string(), "2/4");
        for bad in ["0/4", "5/4", "1", "a/b", "1/0", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_slices_cover_the_work_once_in_order() {
        for total in [0, 1, 3, 4, 10, 4000, 1_000_001] {
            for count in [1, 2, 3, 4, 7] {
                let mut next = 0;
                for index in 1..=count {
                    let range = Shard { index, count }.range(total);
                    assert_eq!(range.start, next);
                    assert!(range.end - range.start <= total / count + 1);
                    next = range.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn merging_needs_every_shard_of_one_split_once() {
        let s = |index, count| Shard { index, count };
        assert_eq!(merge_order(&[s(2, 2), s(1, 2)]), Ok(vec![1, 0]));
        assert!(
            merge_order(&[s(1, 2)])
                .unwrap_err()
                .contains("missing shards: 2/2")
        );
        assert!(
            merge_order(&[s(1, 2), s(1, 2)])
                .unwrap_err()
                .contains("twice")
        );
        assert!(
            merge_order(&[s(1, 2), s(2, 3)])
                .unwrap_err()
                .contains("another split")
        );
        assert_eq!(merge_order(&[Shard::default()]), Ok(vec![0]));
        assert!(merge_order(&[]).is_err());
    }
}
