//! The library's top-level modules import each other one way only.
//!
//! Reads every `.rs` file of `src/` that belongs to a module declared in
//! `src/lib.rs`, finds the `crate::` paths in its code (comments, doc
//! comments, strings and `#[cfg(test)]` modules are not the library's
//! code: a unit test may reach up, as a lowering test that generates
//! programs with `testgen` does), and draws an arrow
//! from the file's top-level module to each top-level module it names, a
//! name re-exported at the root (`crate::WasmBackend`) counting for the
//! module it comes from. The tests fail on a cycle of arrows, naming the
//! files and lines that draw it, and when `ir`, the ground floor, imports
//! anything but the utilities under it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where an arrow is drawn: a file and a line.
type Sites = Vec<String>;
/// `from -> to -> where`, between top-level modules.
type Graph = BTreeMap<String, BTreeMap<String, Sites>>;

/// What `ir` may import: the utilities that import nothing of the IR.
const GROUND: &[&str] = &["diag", "fxhash", "parallel", "stack"];

#[test]
fn no_cycle_between_top_level_modules() {
    let graph = crate_graph(&src());
    assert!(graph.len() > 10, "too few modules read: {:?}", graph.keys());
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles between top-level modules:\n{}",
        describe(&graph, &cycles)
    );
}

#[test]
fn ir_is_the_ground_floor() {
    let graph = crate_graph(&src());
    let above: Vec<String> = graph["ir"]
        .iter()
        .filter(|(to, _)| !GROUND.contains(&to.as_str()))
        .map(|(to, sites)| format!("ir -> {to}: {}", sites.join(", ")))
        .collect();
    assert!(
        above.is_empty(),
        "`ir` imports modules above it:\n{}",
        above.join("\n")
    );
    // And the ground imports nothing above it either.
    for module in GROUND {
        for to in graph.get(*module).into_iter().flat_map(|m| m.keys()) {
            assert!(GROUND.contains(&to.as_str()), "{module} -> {to}");
        }
    }
}

/// The check itself: a cycle written into a small tree is found, with its
/// sites; a tree without one passes.
#[test]
fn a_cycle_is_found() {
    let dir = std::env::temp_dir().join(format!("vitte-layering-{}", std::process::id()));
    let files = [
        (
            "lib.rs",
            "pub mod a;\nmod b;\npub mod c;\npub use c::Thing;\n",
        ),
        ("a.rs", "use crate::b::X;\n// crate::c in a comment\n"),
        ("b/mod.rs", "mod inner;\n#[cfg(test)]\nmod tests;\n"),
        ("b/tests.rs", "use crate::a;\n"),
        ("b/inner.rs", "use crate::{\n    c::{self, Y},\n};\n"),
        (
            "c.rs",
            "fn f() -> crate::Thing { let s = \"crate::a\"; }\n#[cfg(test)]\nmod tests {\n    use crate::a;\n}\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let graph = crate_graph(&dir);
    assert!(cycles(&graph).is_empty(), "{graph:?}");
    std::fs::write(dir.join("c.rs"), "pub struct Thing;\nuse crate::a;\n").unwrap();
    let graph = crate_graph(&dir);
    let found = cycles(&graph);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found, vec![vec!["a", "b", "c"]], "{graph:?}");
    assert_eq!(graph["b"]["c"], vec!["src/b/inner.rs:2"]);
    assert_eq!(graph["c"]["a"], vec!["src/c.rs:2"]);
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The arrows between the top-level modules declared in `root/lib.rs`.
fn crate_graph(root: &Path) -> Graph {
    let lib = code_of(&std::fs::read_to_string(root.join("lib.rs")).unwrap());
    let modules: BTreeSet<String> = declared_modules(&lib);
    let reexports = root_reexports(&lib, &modules);
    let mut graph = Graph::new();
    for module in &modules {
        let from = graph.entry(module.clone()).or_default();
        let mut files = Vec::new();
        let file = root.join(format!("{module}.rs"));
        if file.is_file() {
            files.push(file);
        }
        rust_files(&root.join(module), &mut files);
        let mut test_files = BTreeSet::new();
        for file in files {
            if test_files.contains(&file) {
                continue;
            }
            let (text, tests) = without_tests(&code_of(&std::fs::read_to_string(&file).unwrap()));
            // `#[cfg(test)] mod tests;`: its file is a test module too.
            let dir = match file.file_stem().and_then(|s| s.to_str()) {
                Some("mod" | "lib") => file.parent().unwrap().to_path_buf(),
                _ => file.with_extension(""),
            };
            for name in tests {
                test_files.insert(dir.join(format!("{name}.rs")));
                test_files.insert(dir.join(name).join("mod.rs"));
            }
            let relative = file.strip_prefix(root).unwrap().display().to_string();
            for (line, name) in crate_paths(&text) {
                let to = match reexports.get(&name) {
                    Some(to) => to,
                    None if modules.contains(&name) => &name,
                    None => continue,
                };
                if to != module {
                    let sites = from.entry(to.clone()).or_default();
                    sites.push(format!("src/{relative}:{line}"));
                }
            }
        }
    }
    graph
}

/// `mod x;` and `pub mod x;` (any visibility) at the root.
fn declared_modules(lib: &str) -> BTreeSet<String> {
    lib.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix("pub ").unwrap_or(line);
            let rest = match rest.strip_prefix("pub(") {
                Some(r) => r.split_once(") ")?.1,
                None => rest,
            };
            let name = rest.strip_prefix("mod ")?.strip_suffix(';')?;
            Some(name.trim().to_string())
        })
        .collect()
}

/// The names `pub use module::{A, B}` puts at the root, and their module.
fn root_reexports(lib: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let path = path.trim_start_matches("crate::");
        let Some((module, rest)) = path.split_once("::") else {
            continue;
        };
        if !modules.contains(module) {
            continue;
        }
        let rest = rest.trim_start_matches('{').trim_end_matches('}');
        for item in rest.split(',') {
            let name = item.rsplit("::").next().unwrap_or("");
            let name = name.split(" as ").last().unwrap_or("").trim();
            if !name.is_empty() {
                names.insert(name.to_string(), module.to_string());
            }
        }
    }
    names
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text with comments and the contents of strings and character
/// literals blanked (line ends kept, so that lines still count).
fn code_of(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |out: &mut String, s: &[u8]| {
        for &b in s {
            out.push(if b == b'\n' { '\n' } else { ' ' });
        }
    };
    while i < bytes.len() {
        let rest = &bytes[i..];
        let end = if rest.starts_with(b"//") {
            rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            block_comment_end(rest)
        } else if rest[0] == b'"' {
            string_end(rest)
        } else if let Some(n) = raw_string_end(rest) {
            n
        } else if rest[0] == b'\'' && rest.len() > 2 && (rest[2] == b'\'' || rest[1] == b'\\') {
            // A character literal ('a', '\n', '\''); a lifetime has no closing quote.
            rest[2..]
                .iter()
                .position(|&b| b == b'\'')
                .map_or(1, |n| n + 3)
        } else {
            out.push(rest[0] as char);
            i += 1;
            continue;
        };
        blank(&mut out, &rest[..end]);
        i += end;
    }
    out
}

/// The code without its `#[cfg(test)] mod name { ... }` blocks (blanked),
/// and the names of the `#[cfg(test)] mod name;` it declares.
fn without_tests(code: &str) -> (String, Vec<String>) {
    let mut out = code.to_string();
    let mut files = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("#[cfg(test)]") {
        let start = from + at;
        from = start + "#[cfg(test)]".len();
        let rest = code[from..].trim_start();
        let rest = rest.strip_prefix("pub(crate) ").unwrap_or(rest);
        let Some(rest) = rest.strip_prefix("mod ") else {
            continue;
        };
        let name = identifier(rest);
        let after = rest[name.len()..].trim_start();
        if after.starts_with(';') {
            files.push(name);
            continue;
        }
        if !after.starts_with('{') {
            continue;
        }
        let open = code.len() - after.len();
        let mut depth = 0;
        let mut end = code.len();
        for (i, c) in code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let blank: String = code[start..end]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(start..end, &blank);
        from = end;
    }
    (out, files)
}

fn block_comment_end(s: &[u8]) -> usize {
    let (mut depth, mut i) = (0, 0);
    while i < s.len() {
        if s[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if s[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    s.len()
}

fn string_end(s: &[u8]) -> usize {
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    s.len()
}

/// `r"..."`, `r#"..."#`, `br"..."`: the length, when `s` starts with one.
fn raw_string_end(s: &[u8]) -> Option<usize> {
    let start = usize::from(s.first() == Some(&b'b'));
    if s.get(start) != Some(&b'r') {
        return None;
    }
    let hashes = s[start + 1..].iter().take_while(|&&b| b == b'#').count();
    let open = start + 1 + hashes;
    if s.get(open) != Some(&b'"') {
        return None;
    }
    let close: Vec<u8> = std::iter::once(b'"')
        .chain(std::iter::repeat_n(b'#', hashes))
        .collect();
    let body = &s[open + 1..];
    let at = body
        .windows(close.len())
        .position(|w| w == close.as_slice());
    Some(at.map_or(s.len(), |n| open + 1 + n + close.len()))
}

/// The first segment after each `crate::` (each one of a `crate::{...}`
/// group), with its line number.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        let before = start.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue; // `$crate::`, `my_crate::`
        }
        let rest = &code[from..];
        let rest_trimmed = rest.trim_start();
        if let Some(group) = rest_trimmed.strip_prefix('{') {
            let group_start = from + (rest.len() - rest_trimmed.len()) + 1;
            let mut depth = 0;
            let mut element_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => element_start = true,
                    c if element_start && (c.is_alphanumeric() || c == '_') => {
                        element_start = false;
                        if depth == 0 {
                            let name = identifier(&group[i..]);
                            found.push((line_of(group_start + i), name));
                        }
                    }
                    _ => {}
                }
            }
        } else {
            found.push((line_of(start), identifier(rest)));
        }
    }
    found
}

fn identifier(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The strongly connected components of more than one module (Tarjan's
/// algorithm), each sorted, in sorted order.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flat_map(|m| m.keys()) {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found.sort();
    state.found
}

/// Each cycle's arrows, with the first few places that draw them.
fn describe(graph: &Graph, cycles: &[Vec<String>]) -> String {
    let mut out = String::new();
    for cycle in cycles {
        out += &format!("cycle: {}\n", cycle.join(", "));
        for from in cycle {
            for (to, sites) in &graph[from] {
                if cycle.contains(to) {
                    let shown: Vec<_> = sites.iter().take(3).cloned().collect();
                    let more = sites.len().saturating_sub(3);
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    out += &format!("  {from} -> {to}: {}{more}\n", shown.join(", "));
                }
            }
        }
    }
    out
}
