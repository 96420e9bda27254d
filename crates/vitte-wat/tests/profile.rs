//! `vitte-wat run --profile` and `vitte-wat profile` (README, Profiling):
//! attribution to IR functions and lines, on both targets, the structure of
//! each format, and runs that profiling does not change.

mod common;

use common::{root, stderr, stdout, vitte_wat};
use serde_json::Value;
use std::collections::BTreeMap;

const PROGRAM: &str = "tests/profile/two_loops.vir";
const THREADS: &str = "tests/profile/threads.wat";
/// 40 rounds of 1M iterations of @light and 3M of @heavy: 0.2 s here,
/// some 200 samples at the default interval. @light and @heavy are small
/// leaves that `-O2` copies into @main: the profile is to show them apart
/// all the same, by the DWARF's inlined frames.
const MAIN: [&str; 4] = ["--invoke", "main", "40", "1000000"];
/// The switch that keeps @light and @heavy functions of their own.
const NO_INLINE: [&str; 2] = ["--disable-pass", "inline"];

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// `run PROGRAM --target TARGET --profile OUT MAIN`: its stdout, and OUT.
fn profiled(target: &str, out: &std::path::Path) -> (String, String) {
    profiled_with(target, out, &[])
}

/// [`profiled`] with more switches for `run`.
fn profiled_with(target: &str, out: &std::path::Path, switches: &[&str]) -> (String, String) {
    let mut args = vec!["run", PROGRAM, "--target", target];
    args.extend(switches);
    args.extend(["--profile", out.to_str().expect("utf-8 path")]);
    args.extend(MAIN);
    let o = vitte_wat(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(out).expect("the profile is written");
    (stdout(&o), text)
}

/// The line numbers of @heavy's inner loop (its block `spin` to `done:`).
fn heavy_loop_lines() -> std::ops::Range<u32> {
    let text = std::fs::read_to_string(root().join(PROGRAM)).expect("program");
    let lines: Vec<&str> = text.lines().collect();
    let heavy = lines
        .iter()
        .position(|l| l.starts_with("fn @heavy"))
        .unwrap();
    let find = |from: usize, prefix: &str| {
        from + lines[from..]
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap()
    };
    let spin = find(heavy, "spin(");
    let done = find(spin, "done:");
    // 1-based: the block's label line to the line before `done:`.
    (spin as u32 + 1)..(done as u32 + 1)
}

/// Self samples of a profile, from the innermost frames of folded stacks
/// (`main (f:l);heavy (f:l) N`).
struct SelfSamples {
    funcs: BTreeMap<String, u64>,
    lines: BTreeMap<u32, u64>,
}

impl SelfSamples {
    fn of(folded: &str) -> SelfSamples {
        let mut counts = SelfSamples {
            funcs: BTreeMap::new(),
            lines: BTreeMap::new(),
        };
        for line in folded.lines() {
            let (stack, count) = line.rsplit_once(' ').expect("`stack N`");
            let count: u64 = count.parse().expect("a count");
            let inner = stack.rsplit(';').next().unwrap();
            let (func, at) = inner.split_once(" (").expect("`func (file:line)`");
            *counts.funcs.entry(func.to_string()).or_default() += count;
            let number = at.trim_end_matches(')').rsplit(':').next().unwrap();
            *counts
                .lines
                .entry(number.parse().expect("a line"))
                .or_default() += count;
        }
        counts
    }

    fn func(&self, name: &str) -> u64 {
        self.funcs.get(name).copied().unwrap_or(0)
    }

    /// The line with the most samples (the first of a tie).
    fn hottest_line(&self) -> u32 {
        let most = self.lines.values().max().copied().unwrap_or(0);
        self.lines.iter().find(|l| *l.1 == most).map_or(0, |l| *l.0)
    }
}

/// 3:1 on both targets, with @light and @heavy inlined into @main (the
/// `-O2` default: the profile names them by the DWARF's inlined frames) and
/// kept as functions of their own.
#[test]
fn heavy_and_light_are_three_to_one_on_both_targets() {
    let dir = temp_dir();
    for switches in [&[][..], &NO_INLINE[..]] {
        for target in ["wasm64", "wasm32"] {
            let out = dir.path().join("p.folded");
            let (_, folded) = profiled_with(target, &out, switches);
            let context = format!("{target} {switches:?}");
            let counts = SelfSamples::of(&folded);
            let (heavy, light) = (counts.func("heavy"), counts.func("light"));
            assert!(heavy + light >= 50, "{context}: too few samples\n{folded}");
            let ratio = heavy as f64 / light.max(1) as f64;
            assert!((1.8..=5.0).contains(&ratio), "{context}: {ratio}\n{folded}");
            let hottest = counts.hottest_line();
            assert!(
                heavy_loop_lines().contains(&hottest),
                "{context}: hottest line {hottest}, not in @heavy's loop {:?}\n{folded}",
                heavy_loop_lines()
            );
            assert!(folded.lines().all(|l| l.starts_with("main (")), "{folded}");
        }
    }
}

/// What the test above relies on: at `-O2` @main calls neither @light nor
/// @heavy (they are inlined), with NO_INLINE it calls both.
#[test]
fn the_profiled_program_is_inlined_by_default() {
    let calls = |switches: &[&str]| {
        let o = vitte_wat(&[&["emit", PROGRAM][..], switches].concat());
        assert!(o.status.success(), "{}", stderr(&o));
        let wat = stdout(&o);
        ["$light", "$heavy"].map(|f| wat.contains(&format!("call {f}")))
    };
    assert_eq!(calls(&[]), [false, false]);
    assert_eq!(calls(&NO_INLINE), [true, true]);
}

/// A wasi-threads program: every thread is sampled. Thread 1 spins a
/// third as long as thread 2, main waits for both (tests/profile/threads.wat).
#[test]
fn every_thread_of_a_threads_program_is_sampled() {
    let dir = temp_dir();
    let json = dir.path().join("t.json");
    let o = vitte_wat(&["run", THREADS, "--profile", json.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let profile: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).expect("JSON");
    let threads = profile["threads"].as_array().expect("threads");
    let names: Vec<&str> = threads
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["GeckoMain", "wasi thread 1", "wasi thread 2"]);
    let samples = |t: &Value| t["samples"]["length"].as_u64().unwrap();
    let (one, two) = (samples(&threads[1]), samples(&threads[2]));
    assert!(one >= 5 && two > one, "thread 1: {one}, thread 2: {two}");
    for thread in &threads[1..] {
        // Each spawned thread's stacks are wasi_thread_start's: `start`
        // at the root, `work` (where the time goes) above it.
        let strings = thread["stringArray"].as_array().unwrap();
        let funcs = &thread["funcTable"]["name"];
        let frames = &thread["frameTable"]["func"];
        let stacks = &thread["stackTable"];
        let name = |stack: usize| {
            let frame = stacks["frame"][stack].as_u64().unwrap() as usize;
            let func = frames[frame].as_u64().unwrap() as usize;
            strings[funcs[func].as_u64().unwrap() as usize]
                .as_str()
                .unwrap()
        };
        // A tick may find the thread in `start` itself, before the call or
        // after it (on a loaded machine, once in a few runs): at most two.
        let mut in_start = 0;
        for stack in thread["samples"]["stack"].as_array().unwrap() {
            let mut at = stack.as_u64().unwrap() as usize;
            let inner = name(at);
            while let Some(prefix) = stacks["prefix"][at].as_u64() {
                at = prefix as usize;
            }
            assert_eq!(name(at), "start", "{}", thread["name"]);
            match inner {
                "work" => {}
                "start" => in_start += 1,
                other => panic!("{}: a sample in {other}", thread["name"]),
            }
        }
        assert!(
            in_start <= 2,
            "{}: {in_start} samples in start",
            thread["name"]
        );
    }
    // The terminal report counts every thread's samples, and says so.
    let o = vitte_wat(&["profile", THREADS]);
    assert!(o.status.success(), "{}", stderr(&o));
    // On stderr: stdout is the program's.
    let report = stderr(&o);
    let first = report.lines().next().unwrap_or_default();
    assert!(first.contains("; in 3 threads: main "), "{report}");
    assert!(report.contains("  work\n"), "{report}");
}

/// The lines come from the DWARF: a `build -g` binary of the program is
/// profiled by IR line as the `.vir` is; the binary of `build` alone by
/// function only.
#[test]
fn a_build_g_binary_profiles_by_line_and_a_plain_one_by_function() {
    let dir = temp_dir();
    let out = dir.path().join("p.folded");
    let profile = |wasm: &std::path::Path| {
        let mut args = vec!["run", wasm.to_str().expect("utf-8 path")];
        args.extend(["--profile", out.to_str().expect("utf-8 path")]);
        args.extend(MAIN);
        let o = vitte_wat(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(&out).expect("the profile is written")
    };
    let located = dir.path().join("g.wasm");
    // Built as `run` builds: @light and @heavy inlined, and named by the
    // DWARF's inlined frames.
    let located_arg = located.to_str().unwrap();
    let o = vitte_wat(&["build", "-g", PROGRAM, "-o", located_arg]);
    assert!(o.status.success(), "{}", stderr(&o));
    let folded = profile(&located);
    assert!(
        folded
            .lines()
            .all(|l| l.starts_with(&format!("main ({PROGRAM}:"))),
        "{folded}"
    );
    let hottest = SelfSamples::of(&folded).hottest_line();
    assert!(heavy_loop_lines().contains(&hottest), "{hottest}\n{folded}");

    let plain = dir.path().join("plain.wasm");
    let plain_arg = plain.to_str().unwrap();
    // Without DWARF, inlined code is its holder's: @light and @heavy kept.
    let o = vitte_wat(&[&["build", PROGRAM, "-o", plain_arg][..], &NO_INLINE].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let folded = profile(&plain);
    assert!(folded.lines().any(|l| l.contains("heavy")), "{folded}");
    assert!(!folded.contains(" ("), "{folded}");
}

#[test]
fn profiling_does_not_change_the_output() {
    let dir = temp_dir();
    for target in ["wasm64", "wasm32"] {
        let mut plain = vec!["run", PROGRAM, "--target", target];
        plain.extend(MAIN);
        let o = vitte_wat(&plain);
        assert!(o.status.success(), "{}", stderr(&o));
        let (out, _) = profiled(target, &dir.path().join("p.txt"));
        assert_eq!(out, stdout(&o), "{target}");
    }
    // A WASI command's output and exit status too.
    let hello = vitte_wat(&["run", "examples/hello.vir"]);
    let out = dir.path().join("hello.svg");
    let profiled = vitte_wat(&[
        "run",
        "examples/hello.vir",
        "--profile",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        (profiled.status.code(), stdout(&profiled)),
        (hello.status.code(), stdout(&hello))
    );
    assert!(stdout(&hello).len() > 3);
}

/// Each column of a table (an object of arrays) is `length` long.
fn table_length(table: &Value, what: &str) -> usize {
    let length = table["length"].as_u64().expect("length") as usize;
    for (column, values) in table.as_object().expect("a table") {
        if let Some(values) = values.as_array() {
            assert_eq!(values.len(), length, "{what}.{column}");
        }
    }
    length
}

/// Every value of `column` is an index below `bound` (or null, if allowed).
fn indices(table: &Value, column: &str, bound: usize, nullable: bool) {
    for v in table[column].as_array().expect(column) {
        match v.as_u64() {
            Some(i) => assert!((i as usize) < bound, "{column}: {i} >= {bound}"),
            None => assert!(nullable && v.is_null(), "{column}: {v}"),
        }
    }
}

#[test]
fn firefox_profile_tables_are_consistent_and_name_lines() {
    let dir = temp_dir();
    let (_, text) = profiled("wasm64", &dir.path().join("p.json"));
    let json: Value = serde_json::from_str(&text).expect("JSON");
    assert!(json["meta"]["interval"].as_f64().unwrap() > 0.0);
    assert!(
        json["meta"]["preprocessedProfileVersion"]
            .as_u64()
            .is_some()
    );
    let threads = json["threads"].as_array().expect("threads");
    assert_eq!(threads.len(), 1);
    let t = &threads[0];
    let strings = t["stringArray"].as_array().expect("stringArray");
    let samples = table_length(&t["samples"], "samples");
    let stacks = table_length(&t["stackTable"], "stackTable");
    let frames = table_length(&t["frameTable"], "frameTable");
    let funcs = table_length(&t["funcTable"], "funcTable");
    assert!(samples >= 50, "{samples} samples");
    indices(&t["samples"], "stack", stacks, false);
    indices(&t["stackTable"], "frame", frames, false);
    indices(&t["stackTable"], "prefix", stacks, true);
    indices(&t["frameTable"], "func", funcs, false);
    indices(&t["funcTable"], "name", strings.len(), false);
    indices(&t["funcTable"], "fileName", strings.len(), false);
    // A stack's caller comes before it: the table is a tree.
    let prefixes = t["stackTable"]["prefix"].as_array().unwrap();
    for (i, p) in prefixes.iter().enumerate() {
        assert!(p.as_u64().is_none_or(|p| (p as usize) < i), "stack {i}");
    }
    for line in t["frameTable"]["line"].as_array().unwrap() {
        assert!(
            line.as_u64().is_some_and(|l| l > 0),
            "a frame without a line"
        );
    }
    let names: Vec<&str> = strings.iter().filter_map(Value::as_str).collect();
    for name in ["main", "light", "heavy", PROGRAM] {
        assert!(names.contains(&name), "{name} not in {names:?}");
    }
    let times = t["samples"]["time"].as_array().unwrap();
    assert!(times.windows(2).all(|w| w[0].as_f64() <= w[1].as_f64()));
}

/// Parses `text` as XML; the element names of the document, in order.
fn elements(text: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("not well-formed: {e}\n{text}"));
    doc.descendants()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name().to_string())
        .collect()
}

#[test]
fn svg_and_html_are_well_formed() {
    let dir = temp_dir();
    let (_, svg) = profiled("wasm32", &dir.path().join("p.svg"));
    let tags = elements(&svg);
    assert_eq!(tags[0], "svg");
    // all, main, light, heavy: a box each at least.
    assert!(tags.iter().filter(|t| *t == "rect").count() >= 4, "{svg}");
    let (_, html) = profiled("wasm64", &dir.path().join("p.html"));
    let tags = elements(&html);
    assert_eq!(tags[0], "html");
    assert!(tags.iter().any(|t| t == "svg"));
    assert!(tags.iter().filter(|t| *t == "tr").count() >= 6, "{html}");
    assert!(html.contains("<td>heavy</td>"), "{html}");
    assert!(html.contains(&format!("<td>{PROGRAM}:")), "{html}");
}

#[test]
fn profile_prints_the_hottest_functions_and_lines() {
    let mut args = vec!["profile", PROGRAM];
    args.extend(MAIN);
    let o = vitte_wat(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = stderr(&o);
    assert!(report.contains("Function\n"), "{report}");
    assert!(report.contains("IR line\n"), "{report}");
    // The first row of each table: @heavy, and a line of its loop.
    let first_rows: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.ends_with("Function"))
        .nth(1)
        .into_iter()
        .collect();
    assert!(first_rows[0].ends_with(" heavy"), "{report}");
    assert!(first_rows[0].trim_start().contains('%'), "{report}");
    let line = report
        .lines()
        .skip_while(|l| !l.ends_with("IR line"))
        .nth(1)
        .and_then(|l| l.rsplit(':').next())
        .and_then(|n| n.parse::<u32>().ok())
        .expect("a `file:line` row");
    assert!(heavy_loop_lines().contains(&line), "{report}");
    // stdout is the program's alone.
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
}

#[test]
fn bad_profile_options_are_errors_naming_the_file() {
    let o = vitte_wat(&[
        "run",
        PROGRAM,
        "--profile",
        "p.data",
        "--invoke",
        "main",
        "1",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--profile p.data: unknown extension"),
        "{}",
        stderr(&o)
    );
    let o = vitte_wat(&[
        "profile",
        PROGRAM,
        "--profile-interval",
        "0",
        "--invoke",
        "main",
        "1",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("shorter than 1us"), "{}", stderr(&o));
    let dir = temp_dir();
    let out = dir.path().join("missing/p.json");
    let o = vitte_wat(&[
        "run",
        PROGRAM,
        "--profile",
        out.to_str().unwrap(),
        "--invoke",
        "main",
        "1",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("cannot write {}", out.display())),
        "{}",
        stderr(&o)
    );
}

/// `run --perf-map` lists the IR functions in /tmp/perf-PID.map, compiled
/// (the first run) or loaded from the compile cache (the second). Without
/// inlining, which would leave @light and @heavy out of the module.
#[test]
fn perf_map_names_the_ir_functions() {
    for round in ["compiled", "cached"] {
        let child = common::vitte_wat_command()
            .args(["run", PROGRAM, "--perf-map", "--invoke", "main", "1", "10"])
            .args(NO_INLINE)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("vitte-wat runs");
        let map = format!("/tmp/perf-{}.map", child.id());
        let o = child.wait_with_output().expect("vitte-wat runs");
        let text = std::fs::read_to_string(&map);
        let _ = std::fs::remove_file(&map);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = text.unwrap_or_else(|e| panic!("{round}: {map}: {e}"));
        // `START SIZE NAME` lines (Linux perf's jit-interface.txt).
        for name in ["main", "light", "heavy"] {
            let named = text.lines().any(|l| {
                let mut fields = l.splitn(3, ' ');
                let start = fields.next().unwrap_or("");
                let size = fields.next().unwrap_or("");
                start.starts_with("0x")
                    && u64::from_str_radix(size, 16).is_ok_and(|s| s > 0)
                    && fields.next().is_some_and(|n| n.ends_with(name))
            });
            assert!(named, "{round}: no `{name}` in {map}:\n{text}");
        }
    }
}

/// `run --jitdump` writes `jit-PID.dump` in its current directory: the
/// jitdump header (magic "JiTD" as 0x4A695444, its version, this process)
/// and a code-load record naming each IR function, compiled (the first
/// run) or loaded from the compile cache (the second). Without inlining,
/// as above.
#[test]
fn jitdump_names_the_ir_functions() {
    let dir = temp_dir();
    let program = root().join(PROGRAM);
    let program = program.to_str().expect("utf-8 path");
    for round in ["compiled", "cached"] {
        let o = common::vitte_wat_command()
            .current_dir(dir.path())
            .args(["run", program, "--jitdump", "--invoke", "main", "1", "10"])
            .args(NO_INLINE)
            .output()
            .expect("vitte-wat runs");
        assert!(o.status.success(), "{round}: {}", stderr(&o));
        let dumps: Vec<_> = std::fs::read_dir(dir.path())
            .expect("temp dir")
            .flatten()
            .map(|e| e.path())
            .collect();
        assert_eq!(dumps.len(), 1, "{round}: {dumps:?}");
        let dump = std::fs::read(&dumps[0]).expect("readable dump");
        std::fs::remove_file(&dumps[0]).expect("removable dump");
        let name = dumps[0].file_name().unwrap().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix("jit-")
            .and_then(|n| n.strip_suffix(".dump"))
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or_else(|| panic!("{round}: not jit-PID.dump: {name}"));
        let word = |at: usize| u32::from_le_bytes(dump[at..at + 4].try_into().unwrap());
        assert!(dump.len() > 40, "{round}: {} bytes", dump.len());
        assert_eq!(word(0), 0x4A69_5444, "{round}: magic");
        assert_eq!(word(8), 40, "{round}: header size");
        assert_eq!(word(20), pid, "{round}: the header's pid");
        // The records that follow: each starts with its id and total size.
        // A code load (id 0) has 56 bytes of fixed fields, then the
        // function's NUL-terminated name, then its code.
        let mut names = Vec::new();
        let mut at = 40;
        while at + 16 <= dump.len() {
            let (id, size) = (word(at), word(at + 4) as usize);
            assert!(
                size >= 16 && at + size <= dump.len(),
                "{round}: record at {at}"
            );
            if id == 0 {
                assert!(size > 56, "{round}: code load at {at}");
                let name = &dump[at + 56..at + size];
                let end = name.iter().position(|&b| b == 0).expect("NUL");
                names.push(String::from_utf8_lossy(&name[..end]).into_owned());
            }
            at += size;
        }
        assert_eq!(at, dump.len(), "{round}: a record runs past the end");
        for ir in ["main", "light", "heavy"] {
            assert!(
                names.iter().any(|n| n.ends_with(ir)),
                "{round}: no `{ir}` in {names:?}"
            );
        }
    }
}
