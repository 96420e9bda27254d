//! The bad-input corpus: every file in `tests/bad-input/` goes through the
//! `vitte-wat` subcommands that take it, and each must fail cleanly: exit
//! status 1, exactly the messages in the `.err` file beside it (blessed with
//! `VITTE_BLESS=1`, like `tests/errors`), no `panicked` on stderr, nothing
//! left in the output directory, and within a generous deadline (the child
//! is killed past it).
//!
//! Layout of `tests/bad-input/`:
//! - `NAME.EXT`: a malformed input, checked in (`.vir`, `.wat`, `.wasm`,
//!   `.wast`, `.cwasm`);
//! - `NAME.EXT.cmd` (optional): the commands to run, one a line (`#` starts
//!   a comment); `{in}` is the input's file name, `{out}` the output
//!   directory. Without it, every subcommand that takes `.EXT`.
//! - `NAME.EXT.gen`: an input too large to check in (a 10 MB line, 100,000
//!   nested blocks, a million instructions), generated at run time by the
//!   generator named `NAME.EXT` in this file; the `.gen` file describes it and
//!   holds its commands.
//! - `NAME.EXT.err`: what stderr must be, command by command.
//!
//! Verifier and parser errors of `.vir` files, each kind once, are in
//! `tests/errors/` (tests/diagnostics.rs); the cases here cover the kinds
//! that one does not, and every other format and subcommand.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A command that takes longer than this is killed and the case fails: a
/// bound against hangs, not a performance figure (the largest case, 20 MB,
/// takes 9 s of CPU, and over a minute on a 2-core machine loaded ten times
/// over: the bound leaves room for that).
const DEADLINE: Duration = Duration::from_secs(300);

/// One test per case, named by its path (`cargo test --release
/// --test bad_input truncated.wasm`); libtest-mimic runs them on its threads.
fn main() {
    let dir = common::root().join("tests/bad-input");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/bad-input")
        .flatten()
        .map(|e| e.path())
        .filter(|p| !matches!(extension(p), "cmd" | "err"))
        .collect();
    cases.sort();
    let count = cases.len();
    let mut trials = vec![common::trial("at_least_20_cases", move || match count {
        20.. => Ok(()),
        _ => Err(format!("bad-input cases: {count}")),
    })];
    trials.extend(common::file_trials(&cases, check_case));
    common::run_trials(trials)
}

fn extension(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("")
}

/// The commands of a case: its `.cmd` or `.gen` file, else every
/// subcommand that takes the input's extension.
fn commands(case: &Path, input_ext: &str) -> Result<Vec<String>, String> {
    let listed = if extension(case) == "gen" {
        Some(case.to_path_buf())
    } else {
        let cmd = PathBuf::from(format!("{}.cmd", case.display()));
        cmd.exists().then_some(cmd)
    };
    if let Some(file) = listed {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let lines: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect();
        if lines.is_empty() {
            return Err(format!("{}: no commands", common::relative(&file)));
        }
        return Ok(lines);
    }
    let defaults: &[&str] = match input_ext {
        "vir" => &[
            "check {in}",
            "emit {in} -o {out}/out.wat",
            "build {in} -o {out}/out.wasm",
            "validate {in}",
            "interp {in} --invoke f",
            "run {in}",
            "compile {in} -o {out}/out.cwasm",
            "link {in} -o {out}/out.wasm",
        ],
        "wat" => &[
            "asm {in} -o {out}/out.wasm",
            "validate {in}",
            "run {in} --invoke f",
            "compile {in} -o {out}/out.cwasm",
        ],
        "wasm" => &[
            "dis {in} -o {out}/out.wat",
            "validate {in}",
            "run {in} --invoke f",
            "compile {in} -o {out}/out.cwasm",
        ],
        "wast" => &["spec {in}"],
        "cwasm" => &["run {in}", "run {in} --invoke f"],
        other => return Err(format!("{}: unknown kind `.{other}`", case.display())),
    };
    Ok(defaults.iter().map(|s| s.to_string()).collect())
}

fn check_case(case: &Path) -> Result<(), String> {
    let name = common::relative(case);
    let work = common::TempDir::new("bad-input");
    let out_dir = work.path("out");
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    // The child runs in the input's directory and is given its bare name,
    // so messages read `NAME.EXT:line:col` wherever the input lives.
    let (input_dir, input_name) = if extension(case) == "gen" {
        let file = case
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let in_dir = work.path("in");
        std::fs::create_dir_all(&in_dir).map_err(|e| e.to_string())?;
        let bytes = generate(file).ok_or_else(|| format!("{name}: no generator for `{file}`"))?;
        std::fs::write(in_dir.join(file), bytes).map_err(|e| e.to_string())?;
        (in_dir, file.to_string())
    } else {
        let file = case
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        (case.parent().unwrap().to_path_buf(), file.to_string())
    };
    let input_ext = extension(Path::new(&input_name)).to_string();
    let mut transcript = String::new();
    for line in commands(case, &input_ext)? {
        let shown = line.replace("{in}", &input_name);
        let args: Vec<String> = shown
            .split_whitespace()
            .map(|a| a.replace("{out}", &out_dir.display().to_string()))
            .collect();
        let (status, stderr) = run_cli(&args, &input_dir, &work.path("cache"))
            .map_err(|e| format!("{name}: `vitte-wat {shown}`: {e}"))?;
        let stderr = stderr.replace(&out_dir.display().to_string(), "{out}");
        if stderr.contains("panicked") {
            return Err(format!("{name}: `vitte-wat {shown}` panicked:\n{stderr}"));
        }
        if status != Some(1) {
            return Err(format!(
                "{name}: `vitte-wat {shown}` exited with {status:?}, expected 1; stderr:\n{stderr}"
            ));
        }
        let left: Vec<String> = std::fs::read_dir(&out_dir)
            .map_err(|e| e.to_string())?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if !left.is_empty() {
            return Err(format!("{name}: `vitte-wat {shown}` left {left:?} behind"));
        }
        transcript.push_str(&format!("$ vitte-wat {shown}\n{stderr}"));
        if !stderr.ends_with('\n') {
            transcript.push('\n');
        }
    }
    let expected = match extension(case) {
        "gen" => format!("{}.err", case.with_extension("").display()),
        _ => format!("{}.err", case.display()),
    };
    common::check_golden(Path::new(&expected), &transcript).map_err(|e| format!("{name}: {e}"))
}

/// Runs `vitte-wat ARGS` in `dir`: its exit status (`None` for a signal)
/// and stderr. Killed past [`DEADLINE`].
fn run_cli(args: &[String], dir: &Path, cache: &Path) -> Result<(Option<i32>, String), String> {
    let err_path = cache.with_extension("stderr");
    let err_file = std::fs::File::create(&err_path).map_err(|e| e.to_string())?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vitte-wat"))
        .args(args)
        .current_dir(dir)
        .env("VITTE_CACHE_DIR", cache)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err_file)
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {DEADLINE:?}: killed"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = std::fs::read(&err_path).map_err(|e| e.to_string())?;
    Ok((status.code(), String::from_utf8_lossy(&stderr).into_owned()))
}

/// The generated inputs, by file name.
fn generate(file: &str) -> Option<Vec<u8>> {
    const NESTED: usize = 100_000;
    let nested_wat = |inner: &str| {
        format!(
            "(module\n  (func (export \"f\")\n    {}{inner}{}))\n",
            "(block ".repeat(NESTED),
            ")".repeat(NESTED)
        )
    };
    Some(match file {
        // A 10 MB line: an integer literal of ten million digits.
        "long_line.vir" => format!(
            "pub fn @f() -> i32 {{\nentry:\n  %x = i32.const {}\n  return %x\n}}\n",
            "9".repeat(10_000_000)
        )
        .into_bytes(),
        "long_line.wat" => format!(
            "(module\n  (func (export \"f\") (result i32)\n    i32.const {}))\n",
            "9".repeat(10_000_000)
        )
        .into_bytes(),
        "long_line.wast" => format!(
            "(module (func (export \"f\") (param i32)))\n(invoke \"f\" (i32.const {}))\n",
            "9".repeat(10_000_000)
        )
        .into_bytes(),
        // 100,000 nested blocks around an unknown instruction.
        "nested_blocks.wat" => nested_wat("i32.bogus").into_bytes(),
        // 100,000 nested blocks that assemble but do not validate.
        "nested_blocks_invalid.wat" => nested_wat("i32.add drop").into_bytes(),
        "nested_blocks.wast" => format!(
            "{}(assert_return (invoke \"f\"))\n",
            nested_wat("i32.bogus")
        )
        .into_bytes(),
        // A binary with 100,000 nested blocks whose `end`s are missing.
        "nested_blocks.wasm" => {
            let mut body = vec![0u8]; // no locals
            for _ in 0..NESTED {
                body.extend([0x02, 0x40]); // block (empty type)
            }
            body.push(0x0b);
            let mut code = leb(1);
            code.extend(leb(body.len() as u64));
            code.extend(body);
            let mut wasm = b"\0asm\x01\0\0\0".to_vec();
            wasm.extend([0x01, 0x04, 0x01, 0x60, 0x00, 0x00]); // type: [] -> []
            wasm.extend([0x03, 0x02, 0x01, 0x00]); // one function of type 0
            wasm.push(0x0a);
            wasm.extend(leb(code.len() as u64));
            wasm.extend(code);
            wasm
        }
        // A function of 1,000,000 instructions whose last uses a value
        // nothing defines.
        "million_instructions.vir" => {
            let mut text =
                String::from("pub fn @f(%a: i32) -> i32 {\nentry:\n  %v0 = i32.add %a, %a\n");
            for i in 1..1_000_000 {
                text.push_str(&format!("  %v{i} = i32.add %v{}, %a\n", i - 1));
            }
            text.push_str("  return %nope\n}\n");
            text.into_bytes()
        }
        // The limits of wasm engines (docs/ir.md): one past each.
        "too_many_params.vir" => {
            let params: Vec<String> = (0..1001).map(|i| format!("%p{i}: i32")).collect();
            format!(
                "pub fn @f({}) {{\nentry:\n  return\n}}\n",
                params.join(", ")
            )
            .into_bytes()
        }
        "too_many_results.vir" => format!(
            "pub fn @f(%a: i32) -> ({}) {{\nentry:\n  return {}\n}}\n",
            vec!["i32"; 1001].join(", "),
            vec!["%a"; 1001].join(", ")
        )
        .into_bytes(),
        "call_indirect_params.vir" => format!(
            "pub fn @f(%p: ptr, %a: i32) {{\nentry:\n  call_indirect %p({}) : ({})\n  return\n}}\n",
            vec!["%a"; 1001].join(", "),
            vec!["i32"; 1001].join(", ")
        )
        .into_bytes(),
        "too_many_vars.vir" => {
            let mut text = String::from("pub fn @f() {\n");
            for i in 0..50_000 {
                text.push_str(&format!("  var $x{i}: i32\n"));
            }
            text.push_str("entry:\n  return\n}\n");
            text.into_bytes()
        }
        "long_export_name.vir" => format!(
            "pub fn @{}() {{\nentry:\n  return\n}}\n",
            "a".repeat(100_001)
        )
        .into_bytes(),
        "long_import_name.vir" => {
            format!("extern fn @g() from \"env\" \"{}\"\n", "g".repeat(100_001)).into_bytes()
        }
        "too_many_data_segments.vir" => {
            let mut text = String::new();
            for i in 0..100_001 {
                text.push_str(&format!("data @d{i} = i8 1\n"));
            }
            text.into_bytes()
        }
        // 500,000 imports count as a million functions (each may get an
        // adapter on wasm64), and their signatures as a type size of 1,000,000.
        "too_many_imports.vir" => {
            let mut text = String::new();
            for i in 0..500_000 {
                text.push_str(&format!("extern fn @g{i}() from \"env\" \"g\"\n"));
            }
            text.into_bytes()
        }
        // 999 exported functions of 1,000 parameters: their signatures add
        // up past the type size of imports and exports.
        "type_size.vir" => {
            let params: Vec<String> = (0..1000).map(|i| format!("%p{i}: i32")).collect();
            let params = params.join(", ");
            let mut text = String::new();
            for i in 0..999 {
                text.push_str(&format!(
                    "pub fn @f{i}({params}) {{\nentry:\n  return\n}}\n"
                ));
            }
            text.into_bytes()
        }
        _ => return None,
    })
}

fn leb(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}
