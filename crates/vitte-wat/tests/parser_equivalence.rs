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

fn vir_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            vir_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "vir") {
            out.push(path);
        }
    }
}

fn repository_files() -> Vec<(String, String)> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let mut files = Vec::new();
    for dir in ["tests", "examples", "docs", "spec-tests"] {
        vir_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "found only {} .vir files", files.len());
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect()
}

#[test]
fn every_repository_file_parses_the_same() {
    let mut valid = 0;
    for (name, text) in repository_files() {
        // Error files are checked too: the fast path must give up on them.
        if check(&name, &text, true) {
            valid += 1;
        }
    }
    assert!(valid > 30, "only {valid} valid files");
}

fn generated_programs() -> Vec<(String, String)> {
    let config = GenConfig::default();
    (0..300)
        .map(|seed| {
            let text = print_module(&generate(seed, &config));
            (format!("seed-{seed}.vir"), text)
        })
        .collect()
}

#[test]
fn generated_programs_parse_the_same() {
    for (name, text) in generated_programs() {
        assert!(check(&name, &text, true), "{name} does not parse:\n{text}");
    }
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

#[test]
fn mutated_texts_never_disagree() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut sources: Vec<(String, String)> = repository_files()
        .into_iter()
        .filter(|(_, t)| t.len() < 20_000)
        .collect();
    sources.extend(generated_programs().into_iter().take(40));
    let (mut accepted, mut total) = (0, 0);
    for (name, text) in &sources {
        for i in 0..60 {
            let mutated = mutate(text, &mut rng);
            total += 1;
            if check(&format!("{name} (mutation {i})"), &mutated, false) {
                accepted += 1;
            }
        }
    }
    // Enough mutations are still valid for the equality to mean something.
    assert!(
        accepted * 10 > total,
        "{accepted} of {total} mutations are valid"
    );
}

/// The fast path finds where a function ends by the first `}` outside a
/// comment, then reads the lines up to it: braces in comments must not end
/// a body early, and a brace anywhere else in a body must leave the error
/// to pest.
#[test]
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
