//! `vitte-wat explore` (README, Exploring the pipeline): on every golden
//! case, the page is byte-identical from run to run, and its embedded data
//! links every IR instruction line to WAT lines and to operators of the
//! binary, whose offsets and bytes are checked against `build`'s binary;
//! an instruction without a link must be one the IR itself shows has no
//! code (a `jump`, an unused value, an unreachable block) or point at the
//! lines whose code computes it. Text from the `.vir` cannot end the
//! page's script; bad input fails with status 1 and no page; `--diff`
//! shows the changed lines and the size delta. The page in a browser:
//! tests/browser/explore.sh.

mod common;

use common::{TempDir, relative, root, stderr, vitte_wat};
use serde_json::Value;
use std::path::Path;

fn main() {
    let files = common::files_with_extension(&root().join("tests/cases"), "vir");
    let mut trials = vec![
        common::test_fn(
            "ir_text_cannot_end_the_script",
            ir_text_cannot_end_the_script,
        ),
        common::test_fn(
            "bad_input_fails_without_a_page",
            bad_input_fails_without_a_page,
        ),
        common::test_fn(
            "diff_shows_changed_lines_and_sizes",
            diff_shows_changed_lines_and_sizes,
        ),
        common::test_fn(
            "diff_of_one_file_at_two_levels",
            diff_of_one_file_at_two_levels,
        ),
    ];
    trials.extend(common::file_trials(&files, check_case));
    common::run_trials(trials)
}

/// Runs `explore ARGS -o DIR/NAME` and returns the page.
fn explore(dir: &TempDir, name: &str, args: &[&str]) -> Result<String, String> {
    let out = dir.path(name);
    let out_arg = out.to_string_lossy().into_owned();
    let mut all = vec!["explore"];
    all.extend(args);
    all.extend(["-o", &out_arg]);
    let o = vitte_wat(&all);
    if !o.status.success() {
        return Err(format!("explore {args:?} failed: {}", stderr(&o)));
    }
    std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))
}

/// The JSON the page embeds.
fn data(page: &str) -> Result<Value, String> {
    let open = "<script type=\"application/json\" id=\"data\">";
    let start = page.find(open).ok_or("no data element")? + open.len();
    let len = page[start..]
        .find("</script>")
        .ok_or("the data element is not closed")?;
    serde_json::from_str(&page[start..start + len]).map_err(|e| format!("the data: {e}"))
}

fn check_case(path: &Path) -> Result<(), String> {
    let name = relative(path);
    let dir = TempDir::new("explore");
    let first = explore(&dir, "a.html", &[&name])?;
    let second = explore(&dir, "b.html", &[&name])?;
    if first != second {
        return Err(format!("{name}: two runs wrote different pages"));
    }
    let wasm_path = dir.path("a.wasm");
    let o = vitte_wat(&["build", &name, "-o", &wasm_path.to_string_lossy()]);
    if !o.status.success() {
        return Err(format!("{name}: build failed: {}", stderr(&o)));
    }
    let wasm = std::fs::read(&wasm_path).map_err(|e| e.to_string())?;
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let data = data(&first)?;
    let funcs = data["funcs"].as_array().ok_or("no funcs")?;
    if funcs.is_empty() {
        return Err(format!("{name}: no functions in the page"));
    }
    for f in funcs {
        let fname = f["name"].as_str().unwrap_or("?");
        let at = |n: u64| format!("{name}:{n} (@{fname})");
        // The operators are the binary's: each one's bytes at its offset.
        for op in f["ops"].as_array().ok_or("no ops")? {
            let off = op["off"].as_u64().ok_or("op without offset")? as usize;
            let bytes: Vec<u8> = (op["hex"].as_str().unwrap_or("").split(' '))
                .map(|h| u8::from_str_radix(h, 16).map_err(|e| e.to_string()))
                .collect::<Result<_, _>>()?;
            if wasm.get(off..off + bytes.len()) != Some(&bytes[..]) {
                return Err(format!(
                    "{name}: @{fname}: the bytes at {off:#x} are not {bytes:02x?}"
                ));
            }
        }
        let linked = |n: u64| {
            let has = |key: &str| {
                (f[key].as_array().into_iter().flatten()).any(|x| x["l"].as_u64() == Some(n))
            };
            has("wat") && has("ops")
        };
        let body: Vec<&str> = (f["ir"].as_array().into_iter().flatten())
            .filter_map(|l| l["text"].as_str())
            .collect();
        for line in f["ir"].as_array().ok_or("no ir")? {
            let n = line["n"].as_u64().ok_or("ir line without number")?;
            let text = line["text"].as_str().unwrap_or("");
            // The page shows the source's own lines.
            if source.lines().nth(n as usize - 1) != Some(text) {
                return Err(format!(
                    "{}: the page's text differs from the file's",
                    at(n)
                ));
            }
            if line["inst"] != Value::Bool(true) || linked(n) {
                continue;
            }
            let via: Vec<u64> = (line["via"].as_array().into_iter().flatten())
                .filter_map(Value::as_u64)
                .collect();
            if !via.is_empty() {
                if let Some(v) = via.iter().find(|&&v| !linked(v)) {
                    return Err(format!(
                        "{}: computed by line {v}, which has no code",
                        at(n)
                    ));
                }
                continue;
            }
            // No code at all: the IR must say why, read here independently
            // of the page: a jump (a fall-through), a `var.set` (at -O2,
            // promote-vars makes the stored value the variable's: the code
            // is that value's), a value that nothing reads, or a block the
            // page marks unreachable.
            let trimmed = text.trim_start();
            // Unused, or only stored to variables (whose promoted values
            // are then code where the variables are read).
            let unused = trimmed.split_once(" = ").is_some_and(|(def, _)| {
                let reads = |l: &&&str| !l.trim_start().starts_with("var.set");
                let uses = (body.iter().filter(reads)).map(|l| l.matches(def).count());
                uses.sum::<usize>() == 1
            });
            let no_code = trimmed.starts_with("jump") || trimmed.starts_with("var.set");
            if !(no_code || unused || line["dead"] == Value::Bool(true)) {
                return Err(format!(
                    "{}: `{}` is linked to no WAT line and no operator",
                    at(n),
                    trimmed
                ));
            }
        }
    }
    Ok(())
}

/// A `.vir` is untrusted: text in it (here a comment inside a function,
/// which the page shows as an IR line) stays data.
fn ir_text_cannot_end_the_script() {
    let dir = TempDir::new("explore-script");
    let vir = dir.path("evil.vir");
    let evil = "; </script><script>alert(1)</script> <!-- & \" '";
    std::fs::write(
        &vir,
        format!("pub fn @f(%x: i32) -> i32 {{\nentry:\n  {evil}\n  return %x\n}}\n"),
    )
    .unwrap();
    let page = explore(&dir, "evil.html", &[&vir.to_string_lossy()]).unwrap();
    // The page's own two script elements close, nothing else.
    assert_eq!(page.matches("</script>").count(), 2, "{page}");
    assert!(!page.contains("<!--"));
    let data = data(&page).unwrap();
    let texts: Vec<&str> = (data["funcs"][0]["ir"].as_array().unwrap().iter())
        .filter_map(|l| l["text"].as_str())
        .collect();
    assert!(texts.contains(&format!("  {evil}").as_str()), "{texts:?}");
}

fn bad_input_fails_without_a_page() {
    let dir = TempDir::new("explore-bad");
    let vir = dir.path("bad.vir");
    std::fs::write(&vir, "pub fn @f() -> i32 {\nentry:\n  return %nope\n}\n").unwrap();
    let out = dir.path("bad.html");
    let o = vitte_wat(&[
        "explore",
        &vir.to_string_lossy(),
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("bad.vir:3:"), "{}", stderr(&o));
    assert!(!out.exists(), "a page was written");
    let leftovers = std::fs::read_dir(&dir.0).unwrap().count();
    assert_eq!(leftovers, 1, "only bad.vir should be left");
    let missing = vitte_wat(&["explore", "no/such.vir", "-o", &out.to_string_lossy()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(!out.exists());
}

/// fib with its addition turned into a multiplication: the diff shows the
/// `i32.add` removed and the `i32.mul` added, and each size and the delta
/// as the two pages' own data give them.
fn diff_shows_changed_lines_and_sizes() {
    let dir = TempDir::new("explore-diff");
    let old = root().join("examples/fib.vir");
    let text = std::fs::read_to_string(&old).unwrap();
    let changed = text.replace("%next = i32.add %a, %b", "%next = i32.mul %a, %b");
    assert_ne!(text, changed, "examples/fib.vir changed: update this test");
    // A longer body, so the size changes too.
    let changed = changed.replace(
        "  return %a\n",
        "  %r = i32.mul %a, %a\n  %s = i32.sub %r, %a\n  return %s\n",
    );
    let new = dir.path("fib2.vir");
    std::fs::write(&new, changed).unwrap();
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let size = |page: &str| -> u64 {
        let d = data(page).unwrap();
        d["funcs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["size"].as_u64().unwrap())
            .sum()
    };
    let old_size = size(&explore(&dir, "old.html", &[&old]).unwrap());
    let new_size = size(&explore(&dir, "new.html", &[&new]).unwrap());
    assert_ne!(old_size, new_size);
    let page = explore(&dir, "diff.html", &["--diff", &old, &new]).unwrap();
    let delta = new_size as i64 - old_size as i64;
    let sign = if delta > 0 { "+" } else { "" };
    let total = format!("total code size: {old_size} → {new_size} bytes ({sign}{delta})");
    assert!(page.contains(&total), "no `{total}` in {page}");
    let row =
        format!("<tr><td>@fib</td><td>{old_size}</td><td>{new_size}</td><td>{sign}{delta}</td>");
    assert!(page.contains(&row), "no `{row}` in {page}");
    let removed = page
        .lines()
        .filter(|l| l.starts_with("<div class=\"l del\">-") && l.contains("i32.add"))
        .count();
    let added = page
        .lines()
        .filter(|l| l.starts_with("<div class=\"l add\">+") && l.contains("i32.mul"))
        .count();
    assert!(
        removed >= 1 && added >= 2,
        "removed {removed} i32.add, added {added} i32.mul: {page}"
    );
    // The unchanged loop test is not in the diff's changed lines.
    assert!(
        !page
            .lines()
            .any(|l| l.starts_with("<div class=\"l add\">") && l.contains("i32.ge_s"))
    );
}

/// `--diff F F --old-opt O0`: the same program without and with the
/// passes; the totals are each level's own page's, and the lines the
/// passes removed show as removed.
fn diff_of_one_file_at_two_levels() {
    let dir = TempDir::new("explore-diff-levels");
    let file = root().join("tests/cases/opt_frontend.vir");
    let file = file.to_string_lossy();
    let size = |page: &str| -> u64 {
        let d = data(page).unwrap();
        let funcs = d["funcs"].as_array().unwrap();
        funcs.iter().map(|f| f["size"].as_u64().unwrap()).sum()
    };
    let o0 = size(&explore(&dir, "o0.html", &[&file, "-O0"]).unwrap());
    let o2 = size(&explore(&dir, "o2.html", &[&file]).unwrap());
    assert!(o2 < o0, "-O2 {o2} bytes, -O0 {o0}");
    let args = ["--diff", &file, &file, "--old-opt", "O0"];
    let page = explore(&dir, "diff.html", &args).unwrap();
    let delta = o2 as i64 - o0 as i64;
    let total = format!("total code size: {o0} → {o2} bytes ({delta})");
    assert!(page.contains(&total), "no `{total}` in {page}");
    let removed = (page.lines())
        .filter(|l| l.starts_with("<div class=\"l del\">-"))
        .count();
    assert!(removed > 0, "no removed line: {page}");
    // The same level on both sides: nothing changed.
    let same = explore(&dir, "same.html", &["--diff", &file, &file]).unwrap();
    assert!(
        same.contains(&format!("total code size: {o2} → {o2} bytes (0)")),
        "{same}"
    );
    assert!(
        !same
            .lines()
            .any(|l| l.starts_with("<div class=\"l del\">-"))
    );
}
