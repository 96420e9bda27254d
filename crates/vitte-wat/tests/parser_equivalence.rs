//! The `.vir` parser's fast path (src/text/fast.rs) against the pest
//! grammar, the reference: wherever the fast path accepts a text, pest must
//! accept it and build the same module (every span included), and on every
//! valid file of the repository and every generated program the fast path
//! must not give up (it would only be slower, but then it is not tested).
//! Mutations of those texts (bytes removed, doubled or replaced by
//! punctuation, whitespace, comments and line ends) exercise the places
//! where the two could disagree: whitespace and comment skipping, ordered
//! choices, keywords, literals. Every text is also read in 2 and 5
//! pieces, as the fast path reads a large text on several threads: the
//! module must be the same.
//!
//! One test per repository file, generated program and mutated source
//! (libtest-mimic), named by it: `cargo test --release -p vitte-wat --test
//! parser_equivalence fib` checks the files whose path holds `fib`.

mod common;

use std::path::{Path, PathBuf};
use vitte_codegen_wasm64::testgen::{GenConfig, generate};
use vitte_codegen_wasm64::text::print_module;
use vitte_codegen_wasm64::text::{parse_str_fast, parse_str_fast_in_chunks, parse_str_reference};

/// Checks one text; returns whether pest accepted it.
fn check(name: &str, text: &str, must_be_fast: bool) -> bool {
    let fast = parse_str_fast(name, text);
    // A large text is read in pieces on several threads: never differently.
    let whole = format!("{fast:?}");
    for chunks in [2, 5] {
        let pieces = format!("{:?}", parse_str_fast_in_chunks(name, text, chunks));
        assert!(
            pieces == whole,
            "{name}: read in {chunks} pieces, another result:\n{text}"
        );
    }
    let reference = parse_str_reference(name, text);
    match (&fast, &reference) {
        (Some(f), Ok(r)) => {
            let (f, r) = (format!("{f:?}"), format!("{r:?}"));
            if f != r {
                let at = f.bytes().zip(r.bytes()).take_while(|(a, b)| a == b).count();
                panic!(
                    "{name}: the fast path builds another module than pest:\n{text}\n\
                     fast: ...{}\npest: ...{}",
                    &f[at.saturating_sub(200)..(at + 200).min(f.len())],
                    &r[at.saturating_sub(200)..(at + 200).min(r.len())]
                );
            }
        }
        (Some(_), Err(e)) => {
            panic!("{name}: the fast path accepts what pest rejects ({e}):\n{text}")
        }
        (None, Ok(_)) if must_be_fast => {
            panic!("{name}: the fast path gave up on a valid file:\n{text}")
        }
        _ => {}
    }
    reference.is_ok()
}

/// Every `.vir` file of the repository that is text, valid or not (error
/// files are checked too: the fast path must give up on them; the bad-input
/// corpus's invalid UTF-8 is `bad_input`'s).
fn repository_files() -> Vec<PathBuf> {
    let root = common::root();
    ["tests", "examples", "docs", "spec-tests"]
        .iter()
        .flat_map(|dir| common::files_with_extension(&root.join(dir), "vir"))
        .filter(|path| std::fs::read_to_string(path).is_ok())
        .collect()
}

fn read(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).expect("a repository file is readable");
    (common::relative(path), text)
}

fn generated_program(seed: u64) -> (String, String) {
    let text = print_module(&generate(seed, &GenConfig::default()));
    (format!("seed-{seed}.vir"), text)
}

const GENERATED: u64 = 300;
/// The generated programs that are mutated too.
const GENERATED_MUTATED: u64 = 40;
const MUTATIONS: usize = 60;

fn main() {
    let files = repository_files();
    let mut trials = vec![
        common::trial("enough_repository_files_are_valid", enough_valid_files),
        common::trial("enough_mutations_are_valid", enough_valid_mutations),
        common::test_fn("braces_in_function_bodies", braces_in_function_bodies),
    ];
    trials.extend(common::file_trials(&files, |path| {
        let (name, text) = read(path);
        check(&name, &text, true);
        Ok(())
    }));
    for seed in 0..GENERATED {
        trials.push(common::trial(
            &format!("generated/seed-{seed}"),
            move || {
                let (name, text) = generated_program(seed);
                match check(&name, &text, true) {
                    true => Ok(()),
                    false => Err(format!("{name} does not parse:\n{text}")),
                }
            },
        ));
    }
    for (name, text) in mutation_sources(&files) {
        trials.push(common::trial(&format!("mutated/{name}"), move || {
            for (i, mutated) in mutations(&name, &text).iter().enumerate() {
                check(&format!("{name} (mutation {i})"), mutated, false);
            }
            Ok(())
        }));
    }
    common::run_trials(trials)
}

fn enough_valid_files() -> Result<(), String> {
    let files = repository_files();
    let valid = files
        .iter()
        .map(|path| read(path))
        .filter(|(name, text)| parse_str_reference(name, text).is_ok())
        .count();
    match (files.len(), valid) {
        (50.., 30..) => Ok(()),
        (total, valid) => Err(format!("{valid} valid of {total} .vir files")),
    }
}

/// Enough mutations are still valid for the equality to mean something.
fn enough_valid_mutations() -> Result<(), String> {
    let (mut accepted, mut total) = (0, 0);
    for (name, text) in mutation_sources(&repository_files()) {
        for mutated in mutations(&name, &text) {
            total += 1;
            accepted += usize::from(parse_str_reference(&name, &mutated).is_ok());
        }
    }
    match accepted * 10 > total {
        true => Ok(()),
        false => Err(format!("{accepted} of {total} mutations are valid")),
    }
}

/// The texts that are mutated: the repository's smaller files and the
/// first generated programs.
fn mutation_sources(files: &[PathBuf]) -> Vec<(String, String)> {
    let mut sources: Vec<(String, String)> = files
        .iter()
        .map(|path| read(path))
        .filter(|(_, t)| t.len() < 20_000)
        .collect();
    sources.extend((0..GENERATED_MUTATED).map(generated_program));
    sources
}

/// A source's mutations: the same on every run, whatever else runs.
fn mutations(name: &str, text: &str) -> Vec<String> {
    let seed = name.bytes().fold(0x9E37_79B9_7F4A_7C15u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    });
    let mut rng = Rng(seed | 1);
    (0..MUTATIONS).map(|_| mutate(text, &mut rng)).collect()
}

/// xorshift: deterministic mutations.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const INSERTS: &[&str] = &[
    " ", "\t", "\n", "\r", "\r\n", ";", "; c\n", ",", ":", "=", "(", ")", "[", "]", "{", "}", "->",
    "+", "-", "%", "@", "$", ".", "_", "0", "0x", "1e", "e", "x", "\"", "\\", "nan:0x", "inf",
    "call ", "offset=", "align ", "pub ", "var ", "slot ", "jump ", "return", "é",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 if at < bytes.len() => {
                let len = 1 + rng.below(4).min(bytes.len() - at - 1);
                bytes.drain(at..at + len);
            }
            1 if at < bytes.len() => {
                let len = 1 + rng.below(8).min(bytes.len() - at - 1);
                let copy = bytes[at..at + len].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => {
                let insert = INSERTS[rng.below(INSERTS.len())].as_bytes();
                bytes.splice(at..at, insert.iter().copied());
            }
        }
    }
    // Mutations that cut a UTF-8 sequence are not text.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The fast path finds where a function ends by the first `}` outside a
/// comment, then reads the lines up to it: braces in comments must not end
/// a body early, and a brace anywhere else in a body must leave the error
/// to pest.
fn braces_in_function_bodies() {
    let valid = "pub fn @f(%x: i32) -> i32 { ; } {\n\
                 entry: ; }\n\
                 \x20 %y = i32.add %x, %x ; }}\n\
                 \x20 return %y ; {\r\n\
                 ; }\n\
                 } ; }\n\
                 fn @g() {\n\
                 entry:\n\
                 \x20 return\n\
                 }";
    assert!(check("braces in comments", valid, true));
    let invalid = [
        "pub fn @f() {\nentry:\n  }\n  return\n}\n",
        "pub fn @f() {\nentry:\n  return }\n}\n",
        "pub fn @f() {\nentry:\n  return\n}}\n",
        "pub fn @f() {\nentry:\n  return\n",
        "pub fn @f() {\nentry:\n  return ; }",
    ];
    for text in invalid {
        assert!(!check("a stray or missing brace", text, false), "{text}");
        assert!(parse_str_fast("", text).is_none(), "{text}");
    }
}
