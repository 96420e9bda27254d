//! Deterministic generator of large Vitte IR inputs for the throughput
//! benchmark (`bench/throughput.sh`). Nothing random is read from the
//! environment: the same arguments always print the same bytes.
//!
//! ```sh
//! cargo run --release --example gen_ir -- --functions 10000 --seed 1 > big.vir
//! cargo run --release --example gen_ir -- --blocks 100000 > blocks.vir   # one function
//! cargo run --release --example gen_ir -- --nest 1000 > nest.vir         # loops 1,000 deep
//! cargo run --release --example gen_ir -- --live 10000 > live.vir        # 10,000 long live ranges
//! cargo run --release --example gen_ir -- --diamonds 10000 > d.vir       # 10,000 values across 10,000 diamonds
//! cargo run --release --example gen_ir -- --switch 10000 > s.vir         # a switch of 10,000 arms
//! ```
//!
//! `--functions N`: N functions of about 30 lines each (i64 and ptr
//! arithmetic, loads and stores with offsets into a data buffer, a counted
//! loop carrying two values in block parameters, a four-way `switch`, a
//! diamond, comparisons and a call to an earlier function), plus one data
//! definition and one global.

use std::fmt::Write as _;
use std::io::Write as _;

/// xorshift64*: small, fast and stable across platforms and versions.
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
const CMP: &[&str] = &["lt_u", "lt_s", "gt_u", "ne", "eq", "le_s"];

fn function(out: &mut String, k: u64, rng: &mut Rng) {
    let w = |out: &mut String, line: String| {
        out.push_str("  ");
        out.push_str(&line);
        out.push('\n');
    };
    let _ = writeln!(out, "pub fn @f{k}(%a: i64, %b: i64) -> i64 {{");
    out.push_str("entry:\n");
    w(out, "%buf = data.addr @buf".into());
    w(out, format!("%c0 = i64.const {}", rng.below(1 << 20)));
    w(out, format!("%x0 = i64.{} %a, %c0", rng.pick(ARITH)));
    w(out, format!("%x1 = i64.{} %x0, %b", rng.pick(ARITH)));
    let off = rng.below(32) * 8;
    w(out, format!("%m0 = i64.load %buf offset={off}"));
    w(out, format!("%x2 = i64.{} %x1, %m0", rng.pick(ARITH)));
    w(out, format!("%sh = i64.const {}", 1 + rng.below(63)));
    w(out, "%x3 = i64.rotl %x2, %sh".into());
    w(out, "%zero = i64.const 0".into());
    w(out, "%one = i64.const 1".into());
    w(out, format!("%n = i64.const {}", 2 + rng.below(6)));
    w(out, "jump loop(%zero, %x3)".into());
    out.push_str("loop(%i: i64, %acc: i64):\n");
    w(out, format!("%y0 = i64.{} %acc, %i", rng.pick(ARITH)));
    w(out, format!("%y1 = i64.{} %y0, %c0", rng.pick(ARITH)));
    w(
        out,
        format!("%m1 = i64.load32_u %buf offset={}", rng.below(64) * 4),
    );
    w(out, format!("%y2 = i64.{} %y1, %m1", rng.pick(ARITH)));
    w(
        out,
        format!("i64.store %buf, %y2 offset={}", rng.below(32) * 8),
    );
    w(out, "%i1 = i64.add %i, %one".into());
    w(out, "%more = i64.lt_u %i1, %n".into());
    w(out, "brif %more, loop(%i1, %y2), after(%y2)".into());
    out.push_str("after(%v: i64):\n");
    w(out, "%v32 = i32.wrap_i64 %v".into());
    w(out, "%four = i32.const 4".into());
    w(out, "%sel = i32.rem_u %v32, %four".into());
    w(out, "switch %sel, [s0, s1(%v), s2], s3".into());
    out.push_str("s0:\n");
    w(out, format!("%z0 = i64.{} %v, %a", rng.pick(ARITH)));
    w(out, "jump join(%z0)".into());
    out.push_str("s1(%u: i64):\n");
    w(out, format!("%z1 = i64.{} %u, %b", rng.pick(ARITH)));
    w(out, format!("%t = i64.{} %z1, %a", rng.pick(CMP)));
    w(out, "brif %t, join(%z1), s2".into());
    out.push_str("s2:\n");
    w(
        out,
        format!("%m2 = i64.load16_s %buf offset={}", rng.below(128) * 2),
    );
    w(out, "jump join(%m2)".into());
    out.push_str("s3:\n");
    w(
        out,
        format!("i64.store32 %buf, %v offset={}", rng.below(64) * 4),
    );
    w(out, "jump join(%v)".into());
    out.push_str("join(%r: i64):\n");
    if k == 0 {
        w(out, "return %r".into());
    } else {
        let callee = k - 1 - rng.below(k.min(8));
        w(out, format!("%cr = call @f{callee}(%r, %b)"));
        w(out, format!("%res = i64.{} %cr, %r", rng.pick(ARITH)));
        w(out, "return %res".into());
    }
    out.push_str("}\n\n");
}

/// N functions, each calling one of the (up to 8) functions before it.
fn program(functions: u64, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(functions as usize * 900);
    let _ = writeln!(out, "; gen_ir --functions {functions} --seed {seed}\n");
    out.push_str("data @buf align 8 = zero 512\n");
    out.push_str("global mut @counter: i64 = 0\n\n");
    for k in 0..functions {
        function(&mut out, k, &mut rng);
    }
    out
}

/// One function of `n` blocks: a chain of blocks with a block parameter
/// each, every third one branching over the next (a forward DAG).
fn blocks(n: u64, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n as usize * 80);
    let _ = writeln!(out, "; gen_ir --blocks {n} --seed {seed}\n");
    out.push_str("pub fn @chain(%a: i64) -> i64 {\nentry:\n  %c = i64.const 3\n  jump b0(%a)\n");
    for i in 0..n {
        let _ = writeln!(out, "b{i}(%x{i}: i64):");
        let _ = writeln!(out, "  %y{i} = i64.{} %x{i}, %c", rng.pick(ARITH));
        if i + 2 < n && i % 3 == 0 {
            let _ = writeln!(out, "  %t{i} = i64.lt_u %y{i}, %x{i}");
            let _ = writeln!(out, "  brif %t{i}, b{}(%y{i}), b{}(%x{i})", i + 1, i + 2);
        } else if i + 1 < n {
            let _ = writeln!(out, "  jump b{}(%y{i})", i + 1);
        } else {
            let _ = writeln!(out, "  return %y{i}");
        }
    }
    out.push_str("}\n");
    out
}

/// One function of `n + 1` blocks: block i defines `%v{i}` and jumps on;
/// the last block adds all of them up, so every value is live from its
/// block to the end (the live ranges overlap, n deep at the last block).
fn live(n: u64, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n as usize * 90);
    let _ = writeln!(out, "; gen_ir --live {n} --seed {seed}\n");
    out.push_str("pub fn @live(%a: i64) -> i64 {\nentry:\n  jump b0\n");
    for i in 0..n {
        let _ = writeln!(out, "b{i}:");
        let _ = writeln!(out, "  %k{i} = i64.const {}", rng.below(1 << 16));
        let _ = writeln!(out, "  %v{i} = i64.{} %a, %k{i}", rng.pick(ARITH));
        let _ = writeln!(out, "  jump b{}", i + 1);
    }
    let _ = writeln!(out, "b{n}:");
    let mut acc = "%a".to_string();
    for i in 0..n {
        let _ = writeln!(out, "  %s{i} = i64.add {acc}, %v{i}");
        acc = format!("%s{i}");
    }
    let _ = writeln!(out, "  return {acc}");
    out.push_str("}\n");
    out
}

/// One function whose entry defines `n` values, then a chain of `n`
/// diamonds (each head branches to two arms that join at the next head,
/// which takes an accumulator), then a block that adds all the values up:
/// every value stays live across every diamond.
fn diamonds(n: u64, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n as usize * 200);
    let _ = writeln!(out, "; gen_ir --diamonds {n} --seed {seed}\n");
    out.push_str("pub fn @diamonds(%a: i64) -> i64 {\nentry:\n");
    for i in 0..n {
        let _ = writeln!(out, "  %k{i} = i64.const {}", rng.below(1 << 16));
        let _ = writeln!(out, "  %v{i} = i64.{} %a, %k{i}", rng.pick(ARITH));
    }
    out.push_str("  %one = i64.const 1\n  jump h0(%a)\n");
    for i in 0..n {
        let next = i + 1;
        let _ = writeln!(out, "h{i}(%acc{i}: i64):");
        let _ = writeln!(out, "  %t{i} = i64.const {}", rng.below(1 << 16));
        let _ = writeln!(out, "  %c{i} = i64.lt_u %acc{i}, %t{i}");
        let _ = writeln!(out, "  brif %c{i}, l{i}, r{i}");
        let _ = writeln!(out, "l{i}:\n  %x{i} = i64.add %acc{i}, %one");
        let _ = writeln!(out, "  jump h{next}(%x{i})");
        let _ = writeln!(
            out,
            "r{i}:\n  %y{i} = i64.{} %acc{i}, %one",
            rng.pick(ARITH)
        );
        let _ = writeln!(out, "  jump h{next}(%y{i})");
    }
    let _ = writeln!(out, "h{n}(%acc{n}: i64):");
    let mut acc = format!("%acc{n}");
    for i in 0..n {
        let _ = writeln!(out, "  %s{i} = i64.add {acc}, %v{i}");
        acc = format!("%s{i}");
    }
    let _ = writeln!(out, "  return {acc}");
    out.push_str("}\n");
    out
}

/// One function whose entry defines `n` values and switches to `n` arms,
/// arm i using value i alone before the arms join.
fn switch(n: u64, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n as usize * 120);
    let _ = writeln!(out, "; gen_ir --switch {n} --seed {seed}\n");
    out.push_str("pub fn @switch(%a: i64, %i: i32) -> i64 {\nentry:\n");
    for i in 0..n {
        let _ = writeln!(out, "  %k{i} = i64.const {}", rng.below(1 << 16));
        let _ = writeln!(out, "  %v{i} = i64.{} %a, %k{i}", rng.pick(ARITH));
    }
    let arms: Vec<String> = (0..n).map(|i| format!("arm{i}")).collect();
    let _ = writeln!(out, "  switch %i, [{}], join(%a)", arms.join(", "));
    for i in 0..n {
        let _ = writeln!(out, "arm{i}:\n  %w{i} = i64.{} %v{i}, %a", rng.pick(ARITH));
        let _ = writeln!(out, "  jump join(%w{i})");
    }
    out.push_str("join(%r: i64):\n  return %r\n}\n");
    out
}

/// One function whose loops nest `depth` deep: the exit of loop k is the
/// latch of loop k - 1.
fn nest(depth: u64) -> String {
    let mut out = String::with_capacity(depth as usize * 200);
    let _ = writeln!(out, "; gen_ir --nest {depth}\n");
    out.push_str("pub fn @nest(%a: i64) -> i64 {\nentry:\n");
    out.push_str("  %zero = i64.const 0\n  %one = i64.const 1\n  %two = i64.const 2\n");
    out.push_str("  jump h0(%zero, %a)\n");
    for k in 0..depth {
        let _ = writeln!(out, "h{k}(%i{k}: i64, %acc{k}: i64):");
        let _ = writeln!(out, "  %c{k} = i64.lt_u %i{k}, %two");
        let _ = writeln!(out, "  brif %c{k}, body{k}, exit{k}");
        let _ = writeln!(out, "body{k}:");
        if k + 1 < depth {
            let _ = writeln!(out, "  jump h{}(%zero, %acc{k})", k + 1);
        } else {
            let _ = writeln!(out, "  %s{k} = i64.add %acc{k}, %i{k}");
            let _ = writeln!(out, "  %n{k} = i64.add %i{k}, %one");
            let _ = writeln!(out, "  jump h{k}(%n{k}, %s{k})");
        }
        let _ = writeln!(out, "exit{k}:");
        if k == 0 {
            let _ = writeln!(out, "  return %acc{k}");
        } else {
            let p = k - 1;
            let _ = writeln!(out, "  %e{k} = i64.add %i{p}, %one");
            let _ = writeln!(out, "  jump h{p}(%e{k}, %acc{k})");
        }
    }
    out.push_str("}\n");
    out
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
    let seed = value("--seed").unwrap_or(1);
    let text = if let Some(n) = value("--functions") {
        program(n, seed)
    } else if let Some(n) = value("--blocks") {
        blocks(n, seed)
    } else if let Some(d) = value("--nest") {
        nest(d)
    } else if let Some(n) = value("--live") {
        live(n, seed)
    } else if let Some(n) = value("--diamonds") {
        diamonds(n, seed)
    } else if let Some(n) = value("--switch") {
        switch(n, seed)
    } else {
        usage()
    };
    let out = args
        .iter()
        .position(|a| a == "-o")
        .and_then(|i| args.get(i + 1));
    let result = match out {
        Some(path) => std::fs::write(path, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    if let Err(e) = result {
        eprintln!("gen_ir: {e}");
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: gen_ir (--functions N | --blocks N | --nest DEPTH | --live N | --diamonds N\n              | --switch N) [--seed S] [-o FILE]"
    );
    std::process::exit(2)
}
