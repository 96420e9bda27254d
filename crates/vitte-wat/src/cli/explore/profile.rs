//! `explore --profile PROF`: the samples of a profile that `vitte-wat run
//! --profile` wrote, counted per IR function and line, so the page shades
//! the hot lines (and the WAT and bytes they became) by their share.
//!
//! Read from the files' documented formats only (README, Profiling), not
//! from the runtime's types: folded stacks (`.folded`, `.txt`: one line per
//! stack, `outer;inner COUNT`, each frame `func (file:line)` or `func`) and
//! the Firefox profiler's processed JSON (`.json`: the first thread's
//! samples, stack, frame and function tables). A sample counts for the
//! line of its innermost frame (its self time, as `perf report` shows).

use super::model::Page;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Self samples per `(function, file, line)`, and the profile's total.
#[derive(Debug, Default, PartialEq)]
pub struct Counts {
    pub lines: BTreeMap<(String, String, u32), u64>,
    pub total: u64,
}

/// Reads the profile at `path` (`name` in messages), by its extension.
pub fn read(path: &Path, name: &str, text: &str) -> Result<Counts, String> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => firefox(name, text),
        Some("folded" | "txt") => folded(name, text),
        _ => Err(format!(
            "{name}: a profile is .folded, .txt or .json (`vitte-wat run --profile`)"
        )),
    }
}

/// Folded stacks: `main (f.vir:20);heavy (f.vir:9) 3`.
pub fn folded(name: &str, text: &str) -> Result<Counts, String> {
    let mut counts = Counts::default();
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = |col: usize, what: &str| format!("{name}:{}:{col}: {what}", k + 1);
        let (stack, count) = line
            .rsplit_once(' ')
            .ok_or_else(|| at(1, "expected `STACK COUNT`"))?;
        let count: u64 = count
            .parse()
            .map_err(|_| at(stack.len() + 2, "the count is not a number"))?;
        let inner = stack.rsplit(';').next().unwrap_or(stack);
        counts.total = counts.total.saturating_add(count);
        if let Some(key) = frame(inner) {
            let n = counts.lines.entry(key).or_default();
            *n = n.saturating_add(count);
        }
    }
    Ok(counts)
}

/// `func (file:line)`: the three parts; `None` for a frame without a line.
fn frame(text: &str) -> Option<(String, String, u32)> {
    let (func, place) = text.strip_suffix(')')?.rsplit_once(" (")?;
    let (file, line) = place.rsplit_once(':')?;
    Some((func.to_string(), file.to_string(), line.parse().ok()?))
}

/// The Firefox profiler's processed profile: each sample's innermost frame
/// is its stack's `frame`, with the frame's line and its function's name
/// and file name in the thread's string array.
pub fn firefox(name: &str, text: &str) -> Result<Counts, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        let (line, col) = (e.line(), e.column());
        let what = e.to_string();
        let suffix = format!(" at line {line} column {col}");
        let what = what.strip_suffix(&suffix).unwrap_or(&what);
        format!("{name}:{line}:{col}: {what}")
    })?;
    let bad = |what: &str| format!("{name}:1:1: not a profile of `vitte-wat run`: {what}");
    let thread = &doc["threads"][0];
    let list = |table: &str, column: &str| -> Result<&Vec<Value>, String> {
        thread[table][column]
            .as_array()
            .ok_or_else(|| bad(&format!("no {table}.{column}")))
    };
    let index = |v: &Value| v.as_u64().map(|n| n as usize);
    let samples = list("samples", "stack")?;
    let stack_frame = list("stackTable", "frame")?;
    let frame_func = list("frameTable", "func")?;
    let frame_line = list("frameTable", "line")?;
    let func_name = list("funcTable", "name")?;
    let func_file = list("funcTable", "fileName")?;
    let strings = thread["stringArray"]
        .as_array()
        .ok_or_else(|| bad("no stringArray"))?;
    let string = |v: &Value| index(v).and_then(|i| strings.get(i)?.as_str());
    let mut counts = Counts::default();
    for sample in samples {
        counts.total += 1;
        let frame = (index(sample))
            .and_then(|s| index(stack_frame.get(s)?))
            .ok_or_else(|| bad("a sample's stack is out of range"))?;
        let func = (frame_func.get(frame).and_then(index))
            .ok_or_else(|| bad("a frame's function is out of range"))?;
        let line = frame_line.get(frame).and_then(Value::as_u64);
        let fname = func_name.get(func).and_then(string);
        let file = func_file.get(func).and_then(string);
        if let (Some(line), Some(fname), Some(file)) = (line, fname, file) {
            let key = (fname.to_string(), file.to_string(), line as u32);
            *counts.lines.entry(key).or_default() += 1;
        }
    }
    Ok(counts)
}

/// Marks each IR line of `page` with its samples. A profile's file is
/// matched by its last path component (the profile names the `.vir` as
/// `run` was given it); the functions by IR name.
pub fn apply(page: &mut Page, counts: &Counts) {
    let base = |file: &str| {
        Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    };
    let ours = base(&page.file);
    page.samples = counts.total;
    let mut by_func: BTreeMap<&str, Vec<(u32, u64)>> = BTreeMap::new();
    for ((func, file, line), &n) in &counts.lines {
        if base(file) == ours {
            by_func.entry(func.as_str()).or_default().push((*line, n));
        }
    }
    for func in &mut page.funcs {
        for &(line, n) in by_func.get(func.name.as_str()).into_iter().flatten() {
            if let Some(l) = func.ir.iter_mut().find(|l| l.n == line) {
                l.s = l.s.saturating_add(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_counts_the_innermost_frame() {
        let text = "main (f.vir:20);heavy (f.vir:9) 3\nmain (f.vir:20) 2\nmain;host 1\n";
        let counts = folded("p.folded", text).unwrap();
        assert_eq!(counts.total, 6);
        let key = |f: &str, l| (f.to_string(), "f.vir".to_string(), l);
        assert_eq!(
            counts.lines,
            BTreeMap::from([(key("heavy", 9), 3), (key("main", 20), 2)])
        );
        let err = folded("p.folded", "ok 1\nmain (f.vir:2) x\n").unwrap_err();
        assert_eq!(err, "p.folded:2:16: the count is not a number");
    }

    #[test]
    fn firefox_reads_the_tables() {
        let text = r#"{"threads":[{"samples":{"stack":[1,1,0]},
            "stackTable":{"frame":[0,1]},
            "frameTable":{"func":[0,1],"line":[20,9]},
            "funcTable":{"name":[0,1],"fileName":[2,2]},
            "stringArray":["main","heavy","f.vir"]}]}"#;
        let counts = firefox("p.json", text).unwrap();
        let key = |f: &str, l| (f.to_string(), "f.vir".to_string(), l);
        assert_eq!(counts.total, 3);
        assert_eq!(
            counts.lines,
            BTreeMap::from([(key("heavy", 9), 2), (key("main", 20), 1)])
        );
        assert_eq!(
            firefox("p.json", "[1,").unwrap_err(),
            "p.json:1:3: EOF while parsing a value"
        );
        assert!(firefox("p.json", "{}").is_err());
    }
}
