//! Deterministic generator of the assembly benchmark's input
//! (`bench/assembly.sh`): a memory64 module in folded WAT, which every
//! assembler compared accepts (`wasm-as` reads only the folded syntax).
//!
//! ```sh
//! cargo run --release --example gen_wat -- --functions 20000 --seed 1 > asm.wat   # about 25 MB
//! ```
//!
//! Each function has about 75 i64 instructions: arithmetic on parameters and
//! locals, loads and stores with offsets (addresses masked into the first
//! page), a block containing a counted loop with `br_if`/`br`, an `if` and
//! a call to an earlier function.

use std::fmt::Write as _;
use std::io::Write as _;

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const ARITH: &[&str] = &[
    "add", "sub", "mul", "and", "or", "xor", "rotl", "shl", "shr_u",
];
const CMP: &[&str] = &["lt_u", "lt_s", "gt_u", "ne", "eq", "le_s", "ge_u"];
const VARS: &[&str] = &["$a", "$b", "$x", "$y"];

/// One statement; returns how many instructions it has.
fn statement(out: &mut String, rng: &mut Rng, indent: &str) -> u32 {
    let dst = rng.pick(&["$x", "$y"]);
    match rng.below(4) {
        // x = (a op b) op k: 6 instructions
        0 | 1 => {
            let _ = writeln!(
                out,
                "{indent}(local.set {dst} (i64.{} (i64.{} (local.get {}) (local.get {})) (i64.const {})))",
                rng.pick(ARITH),
                rng.pick(ARITH),
                rng.pick(VARS),
                rng.pick(VARS),
                rng.below(100_000)
            );
            6
        }
        // x = x op load(addr & mask offset=k): 7 instructions
        2 => {
            let _ = writeln!(
                out,
                "{indent}(local.set {dst} (i64.{} (local.get {dst}) (i64.load offset={} (i64.and (local.get {}) (i64.const 0xff8)))))",
                rng.pick(ARITH),
                rng.below(64) * 8,
                rng.pick(VARS)
            );
            7
        }
        // store(addr & mask offset=k, x op y): 7 instructions
        _ => {
            let _ = writeln!(
                out,
                "{indent}(i64.store offset={} (i64.and (local.get {}) (i64.const 0xff8)) (i64.{} (local.get $x) (local.get $y)))",
                rng.below(64) * 8,
                rng.pick(VARS),
                rng.pick(ARITH)
            );
            7
        }
    }
}

fn function(out: &mut String, k: u64, rng: &mut Rng) {
    let _ = writeln!(
        out,
        "  (func $f{k} (export \"f{k}\") (param $a i64) (param $b i64) (result i64)"
    );
    out.push_str("    (local $x i64) (local $y i64) (local $i i64)\n");
    let mut count = 0;
    while count < 24 {
        count += statement(out, rng, "    ");
    }
    out.push_str("    (block $done\n      (loop $l\n");
    // i += 1; statements; br_if done (i >= n); br l: 4 + ... + 4 + 1
    out.push_str("        (local.set $i (i64.add (local.get $i) (i64.const 1)))\n");
    count += 4;
    let body = count + 20;
    while count < body {
        count += statement(out, rng, "        ");
    }
    let _ = writeln!(
        out,
        "        (br_if $done (i64.ge_u (local.get $i) (i64.const {})))",
        2 + rng.below(6)
    );
    out.push_str("        (br $l)))\n");
    count += 7;
    let _ = writeln!(
        out,
        "    (if (i64.{} (local.get $x) (local.get $y))\n      (then",
        rng.pick(CMP)
    );
    count += 4;
    let body = count + 12;
    while count < body {
        count += statement(out, rng, "        ");
    }
    out.push_str("))\n");
    if k == 0 {
        out.push_str("    (i64.xor (local.get $x) (local.get $y)))\n");
    } else {
        let callee = k - 1 - rng.below(k.min(16));
        let _ = writeln!(
            out,
            "    (i64.{} (call $f{callee} (local.get $x) (local.get $y)) (local.get $a)))",
            rng.pick(ARITH)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| -> Option<u64> {
        let i = args.iter().position(|a| a == flag)?;
        let v = args.get(i + 1).unwrap_or_else(|| usage());
        Some(
            v.replace([',', '_'], "")
                .parse()
                .unwrap_or_else(|_| usage()),
        )
    };
    let functions = value("--functions").unwrap_or(20_000);
    let seed = value("--seed").unwrap_or(1);
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(functions as usize * 1300);
    let _ = writeln!(out, ";; gen_wat --functions {functions} --seed {seed}");
    out.push_str("(module\n  (memory $mem i64 1)\n");
    for k in 0..functions {
        function(&mut out, k, &mut rng);
    }
    out.push_str(")\n");
    let path = args
        .iter()
        .position(|a| a == "-o")
        .and_then(|i| args.get(i + 1));
    let result = match path {
        Some(path) => std::fs::write(path, out),
        None => std::io::stdout().lock().write_all(out.as_bytes()),
    };
    if let Err(e) = result {
        eprintln!("gen_wat: {e}");
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!("usage: gen_wat [--functions N] [--seed S] [-o FILE]");
    std::process::exit(2)
}
