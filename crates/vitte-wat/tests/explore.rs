//! `vitte-wat explore` (README, Exploring the pipeline): on every golden
//! case, the page is byte-identical from run to run, and its embedded data
//! links every IR instruction line to WAT lines and to operators of the
//! binary, whose offsets and bytes are checked against `build`'s binary;
//! an instruction without a link must be one the IR itself shows has no
//! code (a `jump`, an unused value, an unreachable block) or point at the
//! lines whose code computes it. The pass view's edit scripts rebuild, at
//! its last stage, the page's own WAT and size, and each stage is what
//! `emit` and `opt --print-after-all` give with the passes up to it; the
//! CFG's nesting brackets put every loop header in a `loop`. `--profile`
//! counts each sample at its innermost line, from folded stacks and from
//! Firefox JSON. Text from the `.vir` cannot end the page's script; bad
//! input fails with status 1 and no page; `--diff` shows the changed lines
//! and the size delta. The page in a browser: tests/browser/explore.sh.

mod common;

use common::{TempDir, relative, root, stderr, stdout, vitte_wat};
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
        common::test_fn(
            "stages_are_emit_and_opt_with_the_passes_so_far",
            stages_are_emit_and_opt_with_the_passes_so_far,
        ),
        common::test_fn(
            "profile_shades_the_lines_of_its_samples",
            profile_shades_the_lines_of_its_samples,
        ),
        common::test_fn("a_bad_profile_fails_located", a_bad_profile_fails_located),
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
    // The IR after the passes (`opt`), read independently of the page: an
    // instruction a pass removed (the test of a loop `unroll` unrolled, its
    // constant) has no code.
    let o = vitte_wat(&["opt", &name]);
    if !o.status.success() {
        return Err(format!("{name}: opt failed: {}", stderr(&o)));
    }
    let optimized = stdout(&o);
    // The function's lines in it: from its `fn @NAME(` to its closing `}`.
    let optimized_body = |fname: &str| -> Vec<&str> {
        let head = format!("fn @{fname}(");
        (optimized.lines())
            .skip_while(|l| !l.contains(&head))
            .take_while(|l| *l != "}")
            .map(str::trim)
            .collect()
    };
    let data = data(&first)?;
    let funcs = data["funcs"].as_array().ok_or("no funcs")?;
    if funcs.is_empty() {
        return Err(format!("{name}: no functions in the page"));
    }
    let passes = data["passes"].as_array().ok_or("no passes")?;
    for f in funcs {
        let fname = f["name"].as_str().unwrap_or("?");
        let at = |n: u64| format!("{name}:{n} (@{fname})");
        let kept = optimized_body(fname);
        let removed = |text: &str| !kept.contains(&text.trim());
        check_stages(f, passes).map_err(|e| format!("{name}: @{fname}: {e}"))?;
        check_nesting(f).map_err(|e| format!("{name}: @{fname}: {e}"))?;
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
            // of the page: a pass removed it, a jump (a fall-through), a
            // `var.set` (at -O2,
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
            let dead = line["dead"] == Value::Bool(true);
            if !(no_code || unused || dead || removed(trimmed)) {
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

/// Applies an edit script of the pass view (`n > 0` keeps `n` lines, `-n`
/// drops them, a string is a line added) to `old`.
fn apply(old: &[String], steps: &Value) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for step in steps.as_array().ok_or("a script is not an array")? {
        if let Some(line) = step.as_str() {
            out.push(line.to_string());
            continue;
        }
        let n = step
            .as_i64()
            .ok_or("a step is neither a line nor a count")?;
        let len = n.unsigned_abs() as usize;
        let run = old
            .get(at..at + len)
            .ok_or("a script runs past its lines")?;
        if n > 0 {
            out.extend_from_slice(run);
        }
        at += len;
    }
    if at != old.len() {
        return Err(format!("a script covers {at} of {} lines", old.len()));
    }
    Ok(out)
}

/// A function's IR lines and WAT lines at a stage of the pass view.
type StageLines = (Vec<String>, Vec<String>);

/// Each stage's lines of `f`, rebuilt from the scripts.
fn stage_lines(f: &Value, passes: &[Value]) -> Result<Vec<StageLines>, String> {
    let stages = f["stages"].as_array().ok_or("no stages")?;
    let (mut ir, mut wat) = (Vec::new(), Vec::new());
    let mut out = Vec::new();
    for (stage, pass) in stages.iter().zip(passes) {
        if pass["ir"] == Value::Bool(true) {
            ir = apply(&ir, &stage["ir"])?;
        } else if stage["ir"].as_array().is_none_or(|a| !a.is_empty()) {
            return Err("a lowering pass with an IR script".into());
        }
        wat = apply(&wat, &stage["wat"])?;
        out.push((ir.clone(), wat.clone()));
    }
    Ok(out)
}

/// The pass view of `f`: one stage per pass, the last one's WAT the
/// page's own (without the position markers) and its size the page's.
fn check_stages(f: &Value, passes: &[Value]) -> Result<(), String> {
    let stages = f["stages"].as_array().ok_or("no stages")?;
    if stages.len() != passes.len() || passes.is_empty() {
        return Err(format!(
            "{} stages, the page has {} passes",
            stages.len(),
            passes.len()
        ));
    }
    let all = stage_lines(f, passes)?;
    let wat = all.last().map(|(_, wat)| wat.clone()).unwrap_or_default();
    let main: Vec<String> = (f["wat"].as_array().into_iter().flatten())
        .filter_map(|w| w["text"].as_str())
        .filter(|t| !t.trim_start().starts_with(";;@"))
        .map(str::to_string)
        .collect();
    if wat != main {
        return Err(format!(
            "the last stage's WAT\n{wat:#?}\nis not the page's\n{main:#?}"
        ));
    }
    let last = stages.last().map(|s| &s["size"]);
    if last != Some(&f["size"]) {
        return Err(format!(
            "the last stage's size {last:?}, the page's {}",
            f["size"]
        ));
    }
    Ok(())
}

/// The nesting brackets are inside the CFG's rows, and every loop header
/// is inside a `loop` bracket (when the passes left every loop).
fn check_nesting(f: &Value) -> Result<(), String> {
    let blocks = f["cfg"]["blocks"].as_array().ok_or("no blocks")?;
    let mut nest = Vec::new();
    for n in f["cfg"]["nest"].as_array().ok_or("no nest")? {
        let v: Vec<u64> = (n.as_array().into_iter().flatten())
            .filter_map(Value::as_u64)
            .collect();
        match v[..] {
            [kind, _, first, last]
                if kind <= 2 && first <= last && (last as usize) < blocks.len() =>
            {
                nest.push((kind, first, last))
            }
            _ => return Err(format!("a bad bracket {n}")),
        }
    }
    // The CFG is the IR as written, the brackets the WAT after the passes:
    // when `unroll` has removed a loop there are fewer `loop` brackets than
    // headers, and the headers of the loops left cannot be told apart.
    let headers = blocks.iter().filter(|b| b["header"] == Value::Bool(true));
    let loops = nest.iter().filter(|&&(k, _, _)| k == 1).count();
    if loops < headers.clone().count() {
        return Ok(());
    }
    for b in headers {
        let row = b["row"].as_u64().ok_or("a block without a row")?;
        if !nest.iter().any(|&(k, a, z)| k == 1 && a <= row && row <= z) {
            return Err(format!(
                "the loop header {} is in no loop bracket",
                b["name"]
            ));
        }
    }
    Ok(())
}

/// The lines of each part of `text` from a line `starts` accepts to the
/// line equal to `end`, in order.
fn sections(text: &str, starts: impl Fn(&str) -> bool, end: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in text.lines() {
        if let Some(lines) = current.as_mut() {
            lines.push(line.to_string());
            if line == end {
                out.extend(current.take());
            }
        } else if starts(line) {
            current = Some(vec![line.to_string()]);
        }
    }
    out
}

fn run_ok(args: &[&str]) -> String {
    let o = vitte_wat(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// Stage K of the pass view is `emit -O0` with the passes of stages 1..=K
/// switched on, and an IR pass's stage the IR `opt --print-after-all`
/// prints after it: the page's stages are the library's own.
fn stages_are_emit_and_opt_with_the_passes_so_far() {
    let dir = TempDir::new("explore-stages");
    let known: Vec<String> = (run_ok(&["opt", "--list-passes"]).lines())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    for file in ["examples/fib.vir", "tests/cases/opt_frontend.vir"] {
        let file = root().join(file).to_string_lossy().into_owned();
        let page = explore(&dir, "p.html", &[&file]).unwrap();
        let data = data(&page).unwrap();
        let passes = data["passes"].as_array().unwrap();
        let names: Vec<&str> = passes.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names[0], "-O0");
        for pass in &known {
            assert!(
                names.contains(&pass.as_str()),
                "{pass} not a stage of {names:?}"
            );
        }
        let funcs = data["funcs"].as_array().unwrap();
        let stages: Vec<_> = funcs
            .iter()
            .map(|f| stage_lines(f, passes).unwrap())
            .collect();
        let after_all = run_ok(&["opt", &file, "--print-after-all"]);
        let mut changed = 0;
        for (k, name) in names.iter().enumerate() {
            let on: Vec<&str> = (names[1..=k].iter().copied())
                .filter(|n| known.iter().any(|p| p == n))
                .collect();
            let mut args = vec!["emit", &file, "-O0"];
            let joined = on.join(",");
            if !on.is_empty() {
                args.extend(["--enable-pass", &joined]);
            }
            let wat = sections(&run_ok(&args), |l| l.starts_with("  (func "), "  )");
            let ir = (passes[k]["ir"] == Value::Bool(true) && k > 0).then(|| {
                // `gvn` runs twice: its second stage is the second section.
                let nth = names[..=k].iter().filter(|n| *n == name).count();
                let marker = format!(";; IR after {name}");
                let part = after_all
                    .split(&marker)
                    .nth(nth)
                    .expect("a section per IR pass");
                let part = part.split(";; IR after ").next().unwrap();
                sections(part, |l| l.contains("fn @") && l.ends_with('{'), "}")
            });
            // The page has the functions the module emits; a stage before
            // `dead-functions` has more, and the page's stage of a function
            // that stage leaves out is empty.
            let named = |sections: &[Vec<String>], head: &str| -> Vec<String> {
                (sections.iter())
                    .find(|lines| lines[0].contains(head))
                    .cloned()
                    .unwrap_or_default()
            };
            if k + 1 == names.len() {
                assert_eq!(wat.len(), funcs.len(), "{file}: {name}");
            }
            for (f, stages) in funcs.iter().zip(&stages) {
                let func = f["name"].as_str().unwrap();
                let wat = named(&wat, &format!("(func ${func} "));
                assert_eq!(stages[k].1, wat, "{file}: the WAT after {name}, @{func}");
                if let Some(ir) = &ir {
                    let ir = named(ir, &format!("fn @{func}("));
                    assert_eq!(stages[k].0, ir, "{file}: the IR after {name}, @{func}");
                }
                changed += usize::from(k > 0 && stages[k] != stages[k - 1]);
            }
        }
        assert!(
            changed >= 2,
            "{file}: only {changed} stages changed a function"
        );
    }
}

/// Folded stacks written by hand: each sample at its innermost frame's
/// line, frames of other files and functions ignored; then a real run's
/// Firefox JSON, whose own sample count is the page's total.
fn profile_shades_the_lines_of_its_samples() {
    let dir = TempDir::new("explore-profile");
    let fib = root()
        .join("examples/fib.vir")
        .to_string_lossy()
        .into_owned();
    let folded = dir.path("p.folded");
    std::fs::write(
        &folded,
        "fib (examples/fib.vir:18) 3\nmain (other.vir:18);fib (fib.vir:15) 2\nfib (other.vir:19) 1\nhost 4\n",
    )
    .unwrap();
    let args = [fib.as_str(), "--profile", &folded.to_string_lossy()];
    let page = explore(&dir, "fib.html", &args).unwrap();
    assert_eq!(
        page,
        explore(&dir, "fib2.html", &args).unwrap(),
        "not deterministic"
    );
    let d = data(&page).unwrap();
    assert_eq!(d["samples"], 10);
    let hot: Vec<(u64, u64)> = (d["funcs"][0]["ir"].as_array().unwrap().iter())
        .filter(|l| l["s"].as_u64() != Some(0))
        .map(|l| (l["n"].as_u64().unwrap(), l["s"].as_u64().unwrap()))
        .collect();
    assert_eq!(hot, [(15, 2), (18, 3)]);

    let prog = root().join("tests/profile/two_loops.vir");
    let prog = prog.to_string_lossy();
    let json = dir.path("p.json");
    let json_arg = json.to_string_lossy();
    let run = [
        "run",
        &prog,
        "--disable-pass",
        "inline",
        "--profile",
        &json_arg,
        "--invoke",
        "main",
        "40",
        "200000",
    ];
    run_ok(&run);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let samples = written["threads"][0]["samples"]["stack"]
        .as_array()
        .unwrap()
        .len() as u64;
    assert!(samples > 0, "the run took no sample");
    let page = explore(
        &dir,
        "two.html",
        &[&prog, "--disable-pass", "inline", "--profile", &json_arg],
    )
    .unwrap();
    let d = data(&page).unwrap();
    assert_eq!(d["samples"], samples);
    let per_func = |name: &str| -> u64 {
        let f = (d["funcs"].as_array().unwrap().iter())
            .find(|f| f["name"] == name)
            .unwrap();
        (f["ir"].as_array().unwrap().iter())
            .map(|l| l["s"].as_u64().unwrap())
            .sum()
    };
    let (light, heavy) = (per_func("light"), per_func("heavy"));
    // Nearly all the time is in the two loops (each line's share is the
    // profiler's business: tests/profile.rs).
    let all: u64 = (d["funcs"].as_array().unwrap().iter())
        .flat_map(|f| f["ir"].as_array().unwrap())
        .map(|l| l["s"].as_u64().unwrap())
        .sum();
    assert!(
        all <= samples && light + heavy > samples / 2,
        "{light} {heavy} {all} of {samples}"
    );
    assert!(
        light > 0 && heavy > 0,
        "@heavy {heavy} samples, @light {light}"
    );
}

/// A malformed profile: status 1, its file, line and column, no page.
fn a_bad_profile_fails_located() {
    let dir = TempDir::new("explore-bad-profile");
    let fib = root()
        .join("examples/fib.vir")
        .to_string_lossy()
        .into_owned();
    let out = dir.path("p.html");
    for (name, text, want) in [
        (
            "p.folded",
            "fib (fib.vir:18) 3\nfib (fib.vir:15) x\n",
            "p.folded:2:18: the count is not a number",
        ),
        (
            "p.json",
            "{\"threads\": [",
            "p.json:1:13: EOF while parsing a list",
        ),
        ("p.svg", "<svg/>", "a profile is .folded, .txt or .json"),
    ] {
        let prof = dir.path(name);
        std::fs::write(&prof, text).unwrap();
        let o = vitte_wat(&[
            "explore",
            &fib,
            "--profile",
            &prof.to_string_lossy(),
            "-o",
            &out.to_string_lossy(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{name}: {}", stderr(&o));
        assert!(!out.exists(), "{name}: a page was written");
    }
}
