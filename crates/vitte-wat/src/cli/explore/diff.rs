//! `explore --diff OLD NEW`: what a change did to the WAT and the code
//! sizes. Functions are paired by IR name; each pair's WAT is compared line
//! by line (the `;;@` position markers left out: a line moved in the IR
//! would change them all) and the page lists every function's size old,
//! new and delta with the total, then the changed lines. A static page: no
//! script, every text escaped.

use super::model::{Func, Page};
use std::collections::BTreeMap;
use vitte_runtime::profile::xml_escape as escape;

/// The largest `old × new` line product diffed exactly (a table of this
/// many cells, 4 bytes each); a bigger function, after its common prefix
/// and suffix are set aside, is shown as all its lines removed and added.
const MAX_CELLS: usize = 4_000_000;

/// One line of a diff.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Edit<'a> {
    Same(&'a str),
    Del(&'a str),
    Add(&'a str),
}

/// A shortest edit script from `old` to `new` (longest common subsequence).
pub fn diff<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Edit<'a>> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let suffix = (old_rest.iter().rev())
        .zip(new_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let a = &old_rest[..old_rest.len() - suffix];
    let b = &new_rest[..new_rest.len() - suffix];
    let mut out: Vec<Edit> = old[..prefix].iter().map(|l| Edit::Same(l)).collect();
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        out.extend(a.iter().map(|l| Edit::Del(l)));
        out.extend(b.iter().map(|l| Edit::Add(l)));
    } else {
        // lcs[i][j]: the LCS length of a[i..] and b[j..].
        let w = b.len() + 1;
        let mut lcs = vec![0u32; (a.len() + 1) * w];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i * w + j] = if a[i] == b[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            if i < a.len() && j < b.len() && a[i] == b[j] {
                out.push(Edit::Same(a[i]));
                (i, j) = (i + 1, j + 1);
            } else if j == b.len() || (i < a.len() && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                out.push(Edit::Del(a[i]));
                i += 1;
            } else {
                out.push(Edit::Add(b[j]));
                j += 1;
            }
        }
    }
    out.extend(
        old_rest[old_rest.len() - suffix..]
            .iter()
            .map(|l| Edit::Same(l)),
    );
    out
}

/// The WAT lines compared: without the position markers.
fn wat_lines(f: &Func) -> Vec<&str> {
    (f.wat.iter())
        .map(|w| w.text.as_str())
        .filter(|t| !t.trim_start().starts_with(";;@"))
        .collect()
}

/// The page comparing `old` and `new`.
pub fn write(old: &Page, new: &Page) -> String {
    let olds: BTreeMap<&str, &Func> = old.funcs.iter().map(|f| (f.name.as_str(), f)).collect();
    let news: BTreeMap<&str, &Func> = new.funcs.iter().map(|f| (f.name.as_str(), f)).collect();
    // New order first, then the functions that only OLD has.
    let mut names: Vec<&str> = new.funcs.iter().map(|f| f.name.as_str()).collect();
    names.extend(
        old.funcs
            .iter()
            .map(|f| f.name.as_str())
            .filter(|n| !news.contains_key(n)),
    );
    let title = escape(&format!(
        "vitte-wat explore --diff {} {}",
        old.file, new.file
    ));
    let mut rows = String::new();
    let mut bodies = String::new();
    let (mut total_old, mut total_new) = (0u64, 0u64);
    for name in names {
        let (o, n) = (olds.get(name), news.get(name));
        let size = |f: Option<&&Func>| f.map_or(0, |f| f.size);
        let (so, sn) = (size(o), size(n));
        total_old += so;
        total_new += sn;
        let edits = diff(
            &o.map(|f| wat_lines(f)).unwrap_or_default(),
            &n.map(|f| wat_lines(f)).unwrap_or_default(),
        );
        let changed = edits.iter().filter(|e| !matches!(e, Edit::Same(_))).count();
        rows.push_str(&format!(
            "<tr><td>@{}</td><td>{}</td><td>{}</td><td>{}</td><td>{changed}</td></tr>\n",
            escape(name),
            o.map_or("-".to_string(), |_| so.to_string()),
            n.map_or("-".to_string(), |_| sn.to_string()),
            delta(so, sn),
        ));
        if changed == 0 {
            continue;
        }
        bodies.push_str(&format!(
            "<details class=\"fn\" open><summary>@{} <span class=\"meta\">{so} → {sn} bytes ({}), {changed} lines changed</span></summary><div class=\"diff\">\n",
            escape(name),
            delta(so, sn)
        ));
        for e in edits {
            let (class, sign, text) = match e {
                Edit::Same(t) => ("l", ' ', t),
                Edit::Del(t) => ("l del", '-', t),
                Edit::Add(t) => ("l add", '+', t),
            };
            bodies.push_str(&format!(
                "<div class=\"{class}\">{sign} {}</div>\n",
                escape(text)
            ));
        }
        bodies.push_str("</div></details>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<header><h1>{title}</h1>\
         <p id=\"total\">total code size: {total_old} → {total_new} bytes ({})</p></header>\n\
         <table><thead><tr><th>function</th><th>old bytes</th><th>new bytes</th><th>delta</th>\
         <th>WAT lines changed</th></tr></thead><tbody>\n{rows}</tbody></table>\n{bodies}</body>\n</html>\n",
        delta(total_old, total_new)
    )
}

/// `+12`, `-3` or `0`.
fn delta(old: u64, new: u64) -> String {
    let d = new as i128 - old as i128;
    if d > 0 {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

const STYLE: &str = "body{font:13px/1.35 system-ui,sans-serif;margin:0}\
header{padding:6px 12px;background:#eef}h1{font-size:15px;margin:2px 0}\
table{border-collapse:collapse;margin:8px 12px}td,th{border:1px solid #ccc;padding:1px 8px;text-align:right}\
td:first-child{text-align:left;font-family:monospace}\
details.fn>summary{font-family:monospace;padding:3px 12px;cursor:pointer}.meta{color:#555}\
.l{font-family:monospace;white-space:pre;padding:0 12px}.add{background:#dfd}.del{background:#fdd}";

#[cfg(test)]
mod tests {
    use super::{Edit, diff};

    #[test]
    fn an_edit_script_rebuilds_both_sides() {
        let old = ["a", "b", "c", "d", "e"];
        let new = ["a", "c", "x", "d", "e", "f"];
        let edits = diff(&old, &new);
        let back_old: Vec<&str> = (edits.iter())
            .filter_map(|e| match e {
                Edit::Same(t) | Edit::Del(t) => Some(*t),
                Edit::Add(_) => None,
            })
            .collect();
        let back_new: Vec<&str> = (edits.iter())
            .filter_map(|e| match e {
                Edit::Same(t) | Edit::Add(t) => Some(*t),
                Edit::Del(_) => None,
            })
            .collect();
        assert_eq!(
            (back_old.as_slice(), back_new.as_slice()),
            (&old[..], &new[..])
        );
        // The LCS is a c d e: 4 kept, b removed, x and f added.
        let kept = edits.iter().filter(|e| matches!(e, Edit::Same(_))).count();
        assert_eq!((kept, edits.len()), (4, 7));
    }
}
