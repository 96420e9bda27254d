//! `vitte-wat` given random byte strings as `.vir`, `.wat`, `.wasm` and
//! `.wast`, through every subcommand that takes each, never panics (exit
//! status 101, or `panicked` / `internal error` on stderr) and is never
//! killed by a signal; guests run with fuel and a timeout, and each process
//! is killed (and the test fails) past a generous deadline.
//!
//! The inputs are seeded (`VITTE_FUZZ_CLI_SEED`, default 0): a quarter are
//! pure random bytes, the rest mutations of valid inputs (the `.vir` files of
//! tests/cases and examples, their WAT and binaries for both targets, the
//! scripts of spec-tests) so that they get past the lexers. `VITTE_FUZZ_CLI_N`
//! is the number of strings per extension (default 1,000). A failing input
//! is written to `target/fuzz-cli-failures/` to rerun by hand.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::ir::Target;
use vitte_codegen_wasm64::testgen::rng::Rng;
use vitte_codegen_wasm64::text;

/// Past this a process is killed and the test fails (a hang).
const DEADLINE: Duration = Duration::from_secs(60);

/// The subcommands for each extension; `{in}` is the input, `{out}` an
/// empty output directory.
const COMMANDS: &[(&str, &[&str])] = &[
    (
        "vir",
        &[
            "check {in}",
            "emit {in} -o {out}/o.wat",
            "build {in} -o {out}/o.wasm --target wasm32",
            "validate {in}",
            "interp {in} --invoke f",
            "run {in} --fuel 1000000 --timeout 5s",
            "compile {in} -o {out}/o.cwasm",
            "link {in} -o {out}/o.wasm",
        ],
    ),
    (
        "wat",
        &[
            "asm {in} -o {out}/o.wasm",
            "validate {in}",
            "run {in} --invoke f --fuel 1000000 --timeout 5s",
            "compile {in} -o {out}/o.cwasm",
        ],
    ),
    (
        "wasm",
        &[
            "dis {in} -o {out}/o.wat",
            "validate {in}",
            "run {in} --fuel 1000000 --timeout 5s",
            "compile {in} -o {out}/o.cwasm",
        ],
    ),
    ("wast", &["spec --timeout 2 -j 1 {in}"]),
];

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_inputs_never_crash_the_cli() {
    let n = env_u64("VITTE_FUZZ_CLI_N", 1000) as usize;
    let seed = env_u64("VITTE_FUZZ_CLI_SEED", 0);
    let seeds = seed_inputs();
    let work = common::TempDir::new("fuzz-cli");
    // Every (extension, string) pair; each runs all the extension's commands.
    let jobs: Vec<(usize, usize)> = (0..COMMANDS.len())
        .flat_map(|e| (0..n).map(move |i| (e, i)))
        .collect();
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (seeds, work, jobs, next) = (&seeds, &work, &jobs, &next);
                s.spawn(move || {
                    let mut failures = Vec::new();
                    let out = work.path(&format!("out{t}"));
                    let cache = work.path("cache");
                    while let Some(&(e, i)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let (ext, commands) = COMMANDS[e];
                        let mut rng = Rng::fork(seed, (e as u64) << 32 | i as u64);
                        let bytes = random_input(&mut rng, &seeds[e]);
                        let input = work.path(&format!("in{t}.{ext}"));
                        std::fs::write(&input, &bytes).expect("write input");
                        for command in commands.iter() {
                            let _ = std::fs::remove_dir_all(&out);
                            std::fs::create_dir_all(&out).expect("out dir");
                            if let Err(why) = run(command, &input, &out, &cache) {
                                let kept = keep_failure(ext, seed, i, &bytes);
                                failures.push(format!(
                                    "`vitte-wat {command}` on string {i} (.{ext}, seed {seed}, \
                                     kept as {}): {why}",
                                    kept.display()
                                ));
                            }
                        }
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    eprintln!(
        "{} strings per extension, {} processes, in {:.1?}",
        n,
        n * COMMANDS.iter().map(|(_, c)| c.len()).sum::<usize>(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn run(command: &str, input: &Path, out: &Path, cache: &Path) -> Result<(), String> {
    let args: Vec<String> = command
        .split_whitespace()
        .map(|a| {
            a.replace("{in}", &input.display().to_string())
                .replace("{out}", &out.display().to_string())
        })
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vitte-wat"))
        .args(&args)
        .env("VITTE_CACHE_DIR", cache)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    // stderr is read on a thread so that a chatty child cannot block.
    let mut pipe = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut pipe, &mut text);
        String::from_utf8_lossy(&text).into_owned()
    });
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
        std::thread::sleep(Duration::from_millis(2));
    };
    let stderr = reader.join().unwrap_or_default();
    if stderr.contains("panicked") || stderr.contains("internal error") {
        return Err(format!("panicked ({status}):\n{stderr}"));
    }
    match status.code() {
        None => Err(format!("killed by a signal ({status}):\n{stderr}")),
        Some(101) => Err(format!("exit status 101:\n{stderr}")),
        Some(_) => Ok(()),
    }
}

fn keep_failure(ext: &str, seed: u64, i: usize, bytes: &[u8]) -> PathBuf {
    let dir = common::root().join("target/fuzz-cli-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("seed{seed}-{i}.{ext}"));
    let _ = std::fs::write(&path, bytes);
    path
}

/// Valid inputs to mutate, per extension (in the order of [`COMMANDS`]).
fn seed_inputs() -> Vec<Vec<Vec<u8>>> {
    let root = common::root();
    let mut vir = Vec::new();
    let mut wat = Vec::new();
    let mut wasm = Vec::new();
    let mut vir_files = common::files_with_extension(&root.join("tests/cases"), "vir");
    vir_files.extend(common::files_with_extension(&root.join("examples"), "vir"));
    for path in vir_files {
        let text = std::fs::read_to_string(&path).expect("read a case");
        let file = SourceFile::new(common::relative(&path), text.clone());
        vir.push(text.into_bytes());
        let Ok(module) = text::load(&file) else {
            continue;
        };
        for target in [Target::Wasm64, Target::Wasm32] {
            if let Ok(compiled) = WasmBackend::new().compile_module(&module, target) {
                wat.push(compiled.wat.into_bytes());
                wasm.push(compiled.wasm);
            }
        }
    }
    let wast = common::files_with_extension(&root.join("spec-tests"), "wast")
        .into_iter()
        .map(|p| std::fs::read(p).expect("read a script"))
        .filter(|b| b.len() <= 64 * 1024)
        .collect();
    vec![vir, wat, wasm, wast]
}

/// Bytes that tend to matter to the lexers and parsers.
const TOKENS: &[&[u8]] = &[
    b"(",
    b")",
    b"(block ",
    b"(loop ",
    b"end",
    b"(module",
    b"(func",
    b"\"",
    b";;",
    b"(;",
    b"\n",
    b"%",
    b"@",
    b"$",
    b":",
    b",",
    b"{",
    b"}",
    b"entry:",
    b"jump ",
    b"brif ",
    b"return",
    b"i32.const ",
    b"i64.const ",
    b"f64.const ",
    b"ptr",
    b"4294967296",
    b"-1",
    b"0x",
    b"18446744073709551616",
    b"nan:0x1",
    b"inf",
    b"\0",
    b"\xff",
    b"\xc3",
    b"\0asm\x01\0\0\0",
    b"(assert_return (invoke \"f\"))",
    b"(assert_trap ",
    b"(module binary \"\\00asm\")",
];

fn random_input(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    if seeds.is_empty() || rng.percent(25) {
        let len = rng.below(512) as usize;
        return (0..len).map(|_| rng.next_u64() as u8).collect();
    }
    let mut bytes = seeds[rng.index(seeds.len())].clone();
    for _ in 0..rng.range(1, 8) {
        mutate(rng, &mut bytes, seeds);
    }
    bytes
}

fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let len = bytes.len();
    let at = |rng: &mut Rng| rng.index(len + 1);
    match rng.below(8) {
        // Flip a byte.
        0 if len > 0 => {
            let i = rng.index(len);
            bytes[i] ^= 1 << rng.below(8);
        }
        // A random byte anywhere.
        1 => {
            let i = at(rng);
            bytes.insert(i, rng.next_u64() as u8);
        }
        // Delete a range.
        2 if len > 0 => {
            let i = rng.index(len);
            let n = rng.range(1, 64).min((len - i) as u64) as usize;
            bytes.drain(i..i + n);
        }
        // Duplicate a range.
        3 if len > 0 => {
            let i = rng.index(len);
            let n = rng.range(1, 256).min((len - i) as u64) as usize;
            let piece = bytes[i..i + n].to_vec();
            let j = at(rng);
            bytes.splice(j..j, piece);
        }
        // Truncate.
        4 if len > 0 => bytes.truncate(rng.index(len)),
        // Splice in a piece of another seed.
        5 => {
            let other = &seeds[rng.index(seeds.len())];
            if !other.is_empty() {
                let i = rng.index(other.len());
                let n = rng.range(1, 128).min((other.len() - i) as u64) as usize;
                let j = at(rng);
                bytes.splice(j..j, other[i..i + n].iter().copied());
            }
        }
        // Overwrite a byte with an extreme value (binary lengths, LEBs).
        6 if len > 0 => {
            let i = rng.index(len);
            bytes[i] = *rng.pick(&[0x00, 0x7f, 0x80, 0xff, 0x40, 0x41]).unwrap();
        }
        // Insert a token.
        _ => {
            let token = rng.pick(TOKENS).unwrap();
            let j = at(rng);
            bytes.splice(j..j, token.iter().copied());
        }
    }
}
