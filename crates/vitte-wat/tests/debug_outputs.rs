//! The debug outputs beside DWARF: source maps (`build`, `link` and `asm`
//! with `--source-map`, src/wasm_source_map.rs) and `compile -g`.
//!
//! On every golden case and both targets, `build -g --source-map` writes
//! a binary that validates and names its map in a `sourceMappingURL`
//! section, and a map whose mappings, decoded here independently, start
//! only at instructions of the code section (file offsets) and say at
//! every instruction what the DWARF line table (read with gimli) says;
//! `--direct` gives the same files, and without `-g` the same map, the
//! binary being `build`'s plus the URL section.
//!
//! One test per case, named by its path (`cargo test --release --test
//! debug_outputs fib`).

mod common;

use common::{TempDir, relative, stderr, vitte_wat, vitte_wat_command};
use gimli::{ColumnType, EndianSlice, LittleEndian, SectionId};
use std::collections::BTreeMap;
use std::path::Path;
use vitte_codegen_wasm64::validate;
use wasmparser::{Parser, Payload};

const TARGETS: [&str; 2] = ["wasm64", "wasm32"];

fn main() {
    let (files, enough) = common::golden_cases();
    let mut trials = vec![
        enough,
        common::test_fn(
            "vlq_decoder_reads_known_vectors",
            vlq_decoder_reads_known_vectors,
        ),
        common::test_fn(
            "linked_units_map_to_their_files",
            linked_units_map_to_their_files,
        ),
        common::test_fn("asm_maps_like_build", asm_maps_like_build),
        common::test_fn("url_override_and_paths", url_override_and_paths),
        common::test_fn("failures_leave_no_files", failures_leave_no_files),
        common::test_fn(
            "compile_g_keeps_dwarf_and_runs",
            compile_g_keeps_dwarf_and_runs,
        ),
    ];
    trials.extend(common::file_trials(&files, check_case));
    common::run_trials(trials)
}

fn check_case(path: &Path) -> Result<(), String> {
    let name = relative(path);
    let dir = TempDir::new("source-map");
    for target in TARGETS {
        let at = format!("{name} ({target})");
        let with_g = build(&dir, &name, target, &["-g"]).map_err(|e| format!("{at}: {e}"))?;
        check_map(&with_g.0, &with_g.1, "out.wasm.map").map_err(|e| format!("{at}: {e}"))?;
        let direct = build(&dir, &name, target, &["-g", "--direct"])?;
        if direct != with_g {
            return Err(format!("{at}: --direct changes the binary or the map"));
        }
        let (no_dwarf, map) = build(&dir, &name, target, &[])?;
        if map != with_g.1 {
            return Err(format!("{at}: the map without -g differs from -g's"));
        }
        let plain = plain_build(&dir, &name, target)?;
        let url_only = append_url(plain, "out.wasm.map");
        if no_dwarf != url_only {
            return Err(format!("{at}: --source-map adds more than its URL section"));
        }
    }
    Ok(())
}

/// `vitte-wat build --target T FILE -o DIR/out.wasm --source-map
/// DIR/out.wasm.map` with `args`: the binary and the map.
fn build(
    dir: &TempDir,
    file: &str,
    target: &str,
    args: &[&str],
) -> Result<(Vec<u8>, String), String> {
    let (out, map) = (dir.path("out.wasm"), dir.path("out.wasm.map"));
    let (out_arg, map_arg) = (out.to_str().expect("utf-8"), map.to_str().expect("utf-8"));
    let mut all = vec!["build", "--target", target, file, "-o", out_arg];
    all.extend(["--source-map", map_arg]);
    all.extend(args);
    let o = vitte_wat(&all);
    if !o.status.success() {
        return Err(format!(
            "build {args:?} --source-map failed: {}",
            stderr(&o)
        ));
    }
    let wasm = std::fs::read(&out).map_err(|e| format!("{out_arg}: {e}"))?;
    let map = std::fs::read_to_string(&map).map_err(|e| format!("{map_arg}: {e}"))?;
    Ok((wasm, map))
}

/// `vitte-wat build --target T FILE` without debug outputs.
fn plain_build(dir: &TempDir, file: &str, target: &str) -> Result<Vec<u8>, String> {
    let out = dir.path("plain.wasm");
    let out_arg = out.to_str().expect("utf-8");
    let o = vitte_wat(&["build", "--target", target, file, "-o", out_arg]);
    if !o.status.success() {
        return Err(format!("build failed: {}", stderr(&o)));
    }
    std::fs::read(&out).map_err(|e| format!("{out_arg}: {e}"))
}

/// `wasm` with a custom section `sourceMappingURL` holding `url`, encoded
/// here by hand (section id 0, size, name, then the URL as a string).
fn append_url(mut wasm: Vec<u8>, url: &str) -> Vec<u8> {
    let name = b"sourceMappingURL";
    let mut content = vec![name.len() as u8];
    content.extend(name);
    content.push(url.len() as u8); // short URLs: one LEB byte
    content.extend(url.as_bytes());
    wasm.push(0);
    wasm.push(content.len() as u8);
    wasm.extend(content);
    wasm
}

/// Custom sections by name.
fn custom_sections(wasm: &[u8]) -> BTreeMap<String, &[u8]> {
    Parser::new(0)
        .parse_all(wasm)
        .filter_map(|payload| match payload.expect("a valid module") {
            Payload::CustomSection(c) => Some((c.name().to_owned(), c.data())),
            _ => None,
        })
        .collect()
}

/// A decoded segment: its file offset, and the source position it names
/// (file, 1-based line and column) if any.
type Segment = (u64, Option<(String, u64, u64)>);

/// Checks `map` against `wasm`: see the module documentation.
fn check_map(wasm: &[u8], map: &str, url: &str) -> Result<(), String> {
    validate::validate(wasm).map_err(|e| format!("invalid binary: {e}"))?;
    let sections = custom_sections(wasm);
    let mut expected_url = vec![url.len() as u8];
    expected_url.extend(url.as_bytes());
    if sections.get("sourceMappingURL").copied() != Some(&expected_url[..]) {
        return Err(format!("no sourceMappingURL section holding {url:?}"));
    }
    let segments = decode_map(map)?;
    let (code_start, instructions) = instructions(wasm);
    let rows = read_rows(wasm).map_err(|e| format!("DWARF: {e}"))?;
    for (offset, _) in &segments {
        if instructions.binary_search(offset).is_err() {
            return Err(format!("a mapping at {offset:#x}, no instruction's start"));
        }
    }
    if segments.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Err("mappings not in increasing offsets".into());
    }
    // At every instruction: the segment in force says what the row does.
    let mut mapped = 0;
    for &offset in &instructions {
        let before = segments.partition_point(|s| s.0 <= offset);
        let from_map = before.checked_sub(1).and_then(|k| segments[k].1.clone());
        let from_dwarf = row_at(&rows, offset - code_start);
        if from_map != from_dwarf {
            return Err(format!(
                "at {offset:#x} (code {:#x}) the map says {from_map:?}, the line table {from_dwarf:?}",
                offset - code_start
            ));
        }
        mapped += usize::from(from_map.is_some());
    }
    match mapped {
        0 => Err("no instruction mapped".into()),
        _ => Ok(()),
    }
}

/// The segments of a map's single line, positions made absolute.
fn decode_map(map: &str) -> Result<Vec<Segment>, String> {
    let json: serde_json::Value = serde_json::from_str(map).map_err(|e| format!("map: {e}"))?;
    if json["version"] != 3 || !json["names"].is_array() {
        return Err(format!("not a version-3 map: {map}"));
    }
    let sources: Vec<&str> = (json["sources"].as_array().ok_or("no sources")?.iter())
        .map(|s| s.as_str().ok_or("a source that is no string"))
        .collect::<Result<_, _>>()?;
    let mappings = json["mappings"].as_str().ok_or("no mappings")?;
    if mappings.contains(';') {
        return Err("a binary's map has one line".into());
    }
    let mut fields = [0i64; 4];
    let mut segments = Vec::new();
    for segment in mappings.split(',') {
        let values = vlq_decode(segment)?;
        if !matches!(values.len(), 1 | 4 | 5) {
            return Err(format!("segment {segment:?} has {} fields", values.len()));
        }
        for (field, value) in fields.iter_mut().zip(&values) {
            *field += value;
        }
        let position = (values.len() >= 4).then(|| {
            let source = sources.get(fields[1] as usize).copied().unwrap_or("?");
            (
                source.to_string(),
                fields[2] as u64 + 1,
                fields[3] as u64 + 1,
            )
        });
        segments.push((fields[0] as u64, position));
    }
    Ok(segments)
}

/// Base64 VLQ values, written from the specification.
fn vlq_decode(text: &str) -> Result<Vec<i64>, String> {
    const DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut values, mut value, mut shift) = (Vec::new(), 0u64, 0);
    for c in text.chars() {
        let digit = DIGITS.find(c).ok_or(format!("{c:?} is no base64 digit"))? as u64;
        value |= (digit & 31) << shift;
        shift += 5;
        if digit & 32 == 0 {
            let magnitude = (value >> 1) as i64;
            values.push(if value & 1 == 1 {
                -magnitude
            } else {
                magnitude
            });
            (value, shift) = (0, 0);
        }
    }
    match shift {
        0 => Ok(values),
        _ => Err(format!("{text:?} ends inside a value")),
    }
}

fn vlq_decoder_reads_known_vectors() {
    assert_eq!(vlq_decode("AAAA"), Ok(vec![0, 0, 0, 0]));
    assert_eq!(vlq_decode("SAAQ"), Ok(vec![9, 0, 0, 8]));
    assert_eq!(vlq_decode("gBhB"), Ok(vec![16, -16]));
    assert_eq!(vlq_decode("w+B"), Ok(vec![1000]));
    assert_eq!(vlq_decode("hgggggE"), Ok(vec![-2147483648]));
    assert!(vlq_decode("g").is_err());
}

/// The code section's start (file offset) and the file offset of every
/// instruction of every body, the final `end`s included, sorted.
fn instructions(wasm: &[u8]) -> (u64, Vec<u64>) {
    let (mut start, mut offsets) = (0, Vec::new());
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.expect("a valid module") {
            Payload::CodeSectionStart { range, .. } => start = range.start as u64,
            Payload::CodeSectionEntry(body) => {
                let mut reader = body.get_operators_reader().expect("operators");
                while !reader.eof() {
                    offsets.push(reader.read_with_offset().expect("an operator").1 as u64);
                }
            }
            _ => {}
        }
    }
    (start, offsets)
}

/// A row of the line table: code address, end of sequence, position.
type Row = (u64, bool, (String, u64, u64));

fn read_rows(wasm: &[u8]) -> gimli::Result<Vec<Row>> {
    let sections = custom_sections(wasm);
    let section = |id: SectionId| -> gimli::Result<_> {
        let data = sections.get(id.name()).copied().unwrap_or(&[]);
        Ok(EndianSlice::new(data, LittleEndian))
    };
    let dwarf = gimli::Dwarf::load(section)?;
    let mut rows = Vec::new();
    let mut units = dwarf.units();
    while let Some(header) = units.next()? {
        let unit = dwarf.unit(header)?;
        let program = unit.line_program.clone().expect("a line program");
        let mut program_rows = program.rows();
        while let Some((header, row)) = program_rows.next_row()? {
            let file = row.file(header).expect("a file entry");
            let file = dwarf.attr_string(&unit, file.path_name())?;
            let col = match row.column() {
                ColumnType::LeftEdge => 0,
                ColumnType::Column(c) => c.get(),
            };
            let line = row.line().map_or(0, |l| l.get());
            let position = (file.to_string_lossy().into_owned(), line, col);
            rows.push((row.address(), row.end_sequence(), position));
        }
    }
    Ok(rows)
}

/// The position in force at `address`: the last row at or before it in
/// the sequence that covers it.
fn row_at(rows: &[Row], address: u64) -> Option<(String, u64, u64)> {
    let mut start = 0;
    for (i, row) in rows.iter().enumerate() {
        if row.1 {
            let sequence = &rows[start..i];
            if sequence.first().is_some_and(|r| r.0 <= address) && address < row.0 {
                return sequence
                    .iter()
                    .rev()
                    .find(|r| r.0 <= address)
                    .map(|r| r.2.clone());
            }
            start = i + 1;
        }
    }
    None
}

/// `link -g --source-map`: the map's sources are the three units, and it
/// agrees with the line table.
fn linked_units_map_to_their_files() {
    let units = [
        "tests/link/three_modules/a.vir",
        "tests/link/three_modules/b.vir",
        "tests/link/three_modules/c.vir",
    ];
    let dir = TempDir::new("source-map-link");
    let (out, map) = (dir.path("linked.wasm"), dir.path("linked.map"));
    let (out_arg, map_arg) = (out.to_str().expect("utf-8"), map.to_str().expect("utf-8"));
    let args = ["link", "-g", "-o", out_arg, "--source-map", map_arg];
    let o = vitte_wat(&[&args[..], &units[..]].concat());
    assert!(o.status.success(), "link -g --source-map: {}", stderr(&o));
    let wasm = std::fs::read(&out).expect("the binary");
    let map = std::fs::read_to_string(&map).expect("the map");
    check_map(&wasm, &map, "linked.map").expect("the map agrees with DWARF");
    let json: serde_json::Value = serde_json::from_str(&map).expect("JSON");
    assert_eq!(json["sources"], serde_json::json!(units));
}

/// `emit -g` then `asm -g --source-map`: the map `build -g` writes.
fn asm_maps_like_build() {
    let dir = TempDir::new("source-map-asm");
    let (_, built) = build(&dir, "examples/fib.vir", "wasm64", &["-g"]).expect("build");
    let wat = dir.path("fib.wat");
    let wat_arg = wat.to_str().expect("utf-8");
    let o = vitte_wat(&["emit", "-g", "examples/fib.vir", "-o", wat_arg]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (out, map) = (dir.path("fib.wasm"), dir.path("fib.map"));
    let (out_arg, map_arg) = (out.to_str().expect("utf-8"), map.to_str().expect("utf-8"));
    let o = vitte_wat(&["asm", "-g", wat_arg, "-o", out_arg, "--source-map", map_arg]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&map).expect("the map"), built);
    let wasm = std::fs::read(&out).expect("the binary");
    check_map(&wasm, &built, "fib.map").expect("the map agrees with DWARF");
}

/// `--source-map-url` is the section's content as given; by default the
/// URL is the map's path from the binary's directory.
fn url_override_and_paths() {
    let dir = TempDir::new("source-map-url");
    std::fs::create_dir_all(dir.path("bin")).expect("mkdir");
    std::fs::create_dir_all(dir.path("maps")).expect("mkdir");
    let (out, map) = (dir.path("bin/fib.wasm"), dir.path("maps/fib.map"));
    let (out_arg, map_arg) = (out.to_str().expect("utf-8"), map.to_str().expect("utf-8"));
    let base = [
        "build",
        "-g",
        "examples/fib.vir",
        "-o",
        out_arg,
        "--source-map",
        map_arg,
    ];
    let url_of = |wasm: &[u8]| {
        custom_sections(wasm)
            .get("sourceMappingURL")
            .map(|c| c.to_vec())
    };
    let o = vitte_wat(&base);
    assert!(o.status.success(), "{}", stderr(&o));
    let wasm = std::fs::read(&out).expect("the binary");
    assert_eq!(url_of(&wasm), Some(b"\x0f../maps/fib.map".to_vec()));
    let url = "https://example.com/maps/fib.wasm.map";
    let o = vitte_wat(&[&base[..], &["--source-map-url", url]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let wasm = std::fs::read(&out).expect("the binary");
    let mut expected = vec![url.len() as u8];
    expected.extend(url.as_bytes());
    assert_eq!(url_of(&wasm), Some(expected));
    let map = std::fs::read_to_string(&map).expect("the map");
    check_map(&wasm, &map, url).expect("the map agrees with DWARF");
}

/// A failed command writes neither file, and says why.
fn failures_leave_no_files() {
    let dir = TempDir::new("source-map-fail");
    let bad = dir.path("bad.vir");
    std::fs::write(&bad, "fn @f( {\n").expect("write");
    let (out, map) = (dir.path("bad.wasm"), dir.path("bad.map"));
    let (bad_arg, out_arg, map_arg) = (
        bad.to_str().expect("utf-8"),
        out.to_str().expect("utf-8"),
        map.to_str().expect("utf-8"),
    );
    let wat = dir.path("out.wat");
    let wat_arg = wat.to_str().expect("utf-8");
    let no_dir = dir.path("none/fib.wasm");
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec!["build", bad_arg, "-o", out_arg, "--source-map", map_arg],
            "bad.vir:1:8",
        ),
        (
            vec![
                "link",
                "examples/fib.vir",
                "-o",
                wat_arg,
                "--source-map",
                map_arg,
            ],
            "give an OUT.wasm output",
        ),
        (
            vec![
                "build",
                "examples/fib.vir",
                "-o",
                out_arg,
                "--source-map",
                "-",
            ],
            "--source-map needs a file name",
        ),
        (
            vec![
                "build",
                "examples/fib.vir",
                "-o",
                no_dir.to_str().expect("utf-8"),
                "--source-map",
                map_arg,
            ],
            "cannot write",
        ),
    ];
    for (args, expected) in cases {
        let o = vitte_wat(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
        for file in [&out, &map, &wat] {
            assert!(!file.exists(), "{args:?} left {}", file.display());
        }
    }
}

/// `compile -g` precompiles the binary of `build -g`, whose DWARF the
/// engine keeps when it parses debug information: the `.cwasm` differs
/// from plain `compile`'s and runs the same. wasmtime keeps the DWARF in
/// the artifact when its backtraces are to be symbolized
/// (`WASMTIME_BACKTRACE_DETAILS=1`, or the runtime's configuration), so
/// both commands and the run are given that variable.
fn compile_g_keeps_dwarf_and_runs() {
    let dir = TempDir::new("compile-g");
    let run = |args: &[&str]| {
        vitte_wat_command()
            .env("WASMTIME_BACKTRACE_DETAILS", "1")
            .args(args)
            .output()
            .expect("vitte-wat runs")
    };
    let (plain, with_g) = (dir.path("plain.cwasm"), dir.path("g.cwasm"));
    let (plain_arg, g_arg) = (
        plain.to_str().expect("utf-8"),
        with_g.to_str().expect("utf-8"),
    );
    let o = run(&["compile", "examples/fib.vir", "-o", plain_arg]);
    assert!(o.status.success(), "compile: {}", stderr(&o));
    let o = run(&["compile", "-g", "examples/fib.vir", "-o", g_arg]);
    assert!(o.status.success(), "compile -g: {}", stderr(&o));
    let (plain_bytes, g_bytes) = (
        std::fs::read(&plain).expect("cwasm"),
        std::fs::read(&with_g).expect("cwasm"),
    );
    assert_ne!(
        plain_bytes, g_bytes,
        "compile -g gives plain compile's bytes"
    );
    // The DWARF's own strings are in the artifact.
    let has = |bytes: &[u8], needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(
        has(&g_bytes, b"vitte-codegen-wasm64 "),
        "no DWARF producer string"
    );
    assert!(!has(&plain_bytes, b"vitte-codegen-wasm64 "));
    let plain_run = run(&["run", plain_arg, "--invoke", "fib", "20"]);
    let g_run = run(&["run", g_arg, "--invoke", "fib", "20"]);
    assert!(g_run.status.success(), "run g.cwasm: {}", stderr(&g_run));
    assert_eq!(g_run.stdout, plain_run.stdout);
    assert_eq!(common::stdout(&g_run).trim(), "6765");
}
