//! The frontend-style benchmark set (`bench/frontend/`, issue 16): each
//! `NAME.nf` lowered by the naive frontend (crates/naive-frontend) must give
//! its checked-in `NAME.vir` byte for byte (nobody edits those by hand:
//! `bench/frontend/generate.sh` rewrites them), and that IR must verify and
//! return the same results in the reference interpreter and compiled for
//! wasm64 and wasm32, and the same as its hand-written SSA twin
//! (`bench/programs/NAME.vir`) where it has one. The C twins are checked
//! against them by the benchmark (`bench/codegen.sh`, it needs clang).

mod common;

use std::path::Path;

use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::diag::{SourceFile, render_list};
use vitte_codegen_wasm64::interp::Interpreter;
use vitte_codegen_wasm64::ir::{Module, Target};
use vitte_codegen_wasm64::text;
use vitte_codegen_wasm64::value::Value;

/// Each program's entry (its file name) and small workloads.
const WORKLOADS: &[(&str, &[i32])] = &[
    ("fib", &[0, 1, 2, 15]),
    ("sieve", &[0, 2, 1000, 5000]),
    ("matmul", &[0, 1, 7]),
    ("quicksort", &[0, 1, 2, 300]),
    ("nbody", &[0, 1, 20]),
    ("fnv", &[0, 1, 2]),
    ("bintree", &[0, 4, 6]),
    ("strsearch", &[0, 3, 2000]),
    ("interp", &[0, 1, 100]),
    ("crc32", &[0, 1, 3]),
    ("fannkuch", &[-1, 0, 1, 2, 3, 6]),
    ("vec3", &[0, 1, 2]),
    ("hashtab", &[0, 1, 100, 3000]),
];

/// Sources the frontend must refuse, each with the position of the error
/// it must name (and no panic).
const BAD_SOURCES: &[(&str, &str)] = &[
    ("(fn f () i32", "1:1: unclosed `(`"),
    ("(fn f () i32 (return x))", "1:22: unknown name `x`"),
    (
        "(fn f ((a i32)) i64\n  (return a))",
        "2:11: expected i64, found i32",
    ),
    (
        "(fn f () void (break))",
        "1:15: `break` or `continue` outside a loop",
    ),
    (
        "(fn f () i32 (return (+ 1 2.5)))",
        "1:27: expected i32, found f64",
    ),
    (
        "(struct S (a i32))\n(fn f ((p (ptr S))) i32 (return (fget p b)))",
        "2:41: struct S has no field `b`",
    ),
    (
        "(fn f () i32 (return (g 1)))",
        "1:22: unknown function or operator `g`",
    ),
    (
        "(fn f ((x i32)) i32 (switch x (case 1) (case 1)) (return 0))",
        "1:46: case 1 twice",
    ),
    (
        "(data d i32 \"abc\")",
        "1:1: expected `(data NAME TYPE COUNT|(VALUES...)|\"BYTES\")`",
    ),
    (
        "(fn f () i32 (return 99999999999999999999))",
        "1:22: bad integer literal `99999999999999999999`",
    ),
    (
        "(bogus)",
        "1:1: expected `(struct ...)`, `(data ...)`, `(const-data ...)`, `(fn ...)` or `(pub fn ...)`",
    ),
];

/// One test per program (`cargo test --release -p vitte-wat --test
/// frontend_programs sieve`), one that the table above lists exactly the
/// programs there are, and one for the frontend's errors.
fn main() {
    let dir = common::root().join("bench/frontend");
    let files = common::files_with_extension(&dir, "nf");
    let names: Vec<String> = files.iter().map(|f| stem(f)).collect();
    let mut trials = vec![
        common::trial("every_program_has_workloads", move || {
            let mut listed: Vec<&str> = WORKLOADS.iter().map(|(n, _)| *n).collect();
            listed.sort();
            match names == listed {
                true => Ok(()),
                false => Err(format!("programs {names:?}, workloads for {listed:?}")),
            }
        }),
        common::trial("bad_sources_are_errors", bad_sources),
        common::trial("every_form_runs", every_form_runs),
    ];
    trials.extend(common::file_trials(&files, check_program));
    common::run_trials(trials)
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

use common::agree::runtime;

fn bad_sources() -> Result<(), String> {
    // Nesting deep enough to overflow a recursive reader's stack.
    let deep = "(".repeat(100_000);
    let deep_error = ("1:201: lists nested more than 200 deep", deep.as_str());
    let cases = BAD_SOURCES.iter().map(|&(s, e)| (e, s)).chain([deep_error]);
    for (expected, source) in cases {
        match naive_frontend::compile_to_vir(source) {
            Ok(_) => return Err(format!("accepted {:?}", &source[..source.len().min(80)])),
            Err(e) if e.to_string() == expected => {}
            Err(e) => {
                let source = &source[..source.len().min(80)];
                return Err(format!("{source:?}: `{e}`, expected `{expected}`"));
            }
        }
    }
    Ok(())
}

/// The forms the benchmark programs do not use (or use little), each in a
/// function whose expected results are computed here in Rust, independently
/// of the frontend and the backend.
const FORMS: &str = r#"
(struct P (a i32) (b i64) (c u8) (d f64))
(data tbl i32 (10 20 30))
(pub fn bits ((x i32)) i64
  (return (+ (+ (i64 (rotl x 3)) (i64 (rotr x 5))) (+ (i64 (clz x)) (i64 (ctz x))))))
(pub fn unsigned ((x i32) (y i32)) i32
  (var r i32 0)
  (if (<u x y) (set r (+ r 1)))
  (if (<=u x y) (set r (+ r 2)))
  (if (>u x y) (set r (+ r 4)))
  (if (>=u x y) (set r (+ r 8)))
  (return (+ (* r 1000) (+ (/u x 7) (%u y 5)))))
(pub fn fields ((k i32)) f64
  (local s P)
  (fset s a k)
  (fset s b (* (i64 k) 3))
  (fset s c 300)
  (fset s d 0.5)
  (return (+ (+ (f64 (fget s a)) (f64 (fget s b))) (+ (f64 (fget s c)) (fget s d)))))
(pub fn loops ((n i32)) i32
  (var s i32 0)
  (for (i i32 0 n)
    (if (== (% i 3) 0) (continue))
    (if (> i 50) (break))
    (set s (+ s i)))
  (var j i32 0)
  (while (or (< j 3) (and (< j 10) (== (% j 2) 1)))
    (set j (+ j 1)))
  (return (+ (* s 100) j)))
(pub fn dynamic ((n i32)) i64
  (var a (ptr i64) (stack-alloc i64 n))
  (fill a 0 (* (i64 n) 8))
  (for (i i32 1 n)
    (put a i (+ (get a (- i 1)) (i64 i))))
  (return (get a (- n 1))))
(pub fn vla_loop ((n i32)) i64
  (var total i64 0)
  (for (i i32 0 n)
    (var k i32 (+ 1 (% i 4)))
    (var a (ptr i64) (stack-alloc i64 k))
    (for (j i32 0 k)
      (put a j (i64 (+ i j))))
    (if (== (% i 7) 3) (continue))
    (set total (+ total (get a (- k 1)))))
  (return total))
(pub fn pick ((x i64)) i32
  (switch x
    (case -1 (return 10))
    (case 5000000000 (return 20))
    (default (return 30)))
  (return 0))
(pub fn table ((i i32)) i32
  (return (get tbl i)))
(pub fn negate ((x i32) (y f64)) f64
  (return (+ (f64 (neg x)) (neg y))))
(pub fn convert ((x f64)) i64
  (return (+ (i64 (i32 x)) (u64 (i32 -1)))))
"#;

fn every_form_runs() -> Result<(), String> {
    type Case = (&'static str, Vec<Value>, Value);
    let f64v = |x: f64| Value::F64(x.to_bits());
    let mut cases: Vec<Case> = Vec::new();
    for x in [0i32, 1, -1, 0x1234_5678, i32::MIN] {
        let expected = x.rotate_left(3) as i64
            + x.rotate_right(5) as i64
            + x.leading_zeros() as i64
            + x.trailing_zeros() as i64;
        cases.push(("bits", vec![Value::I32(x)], Value::I64(expected)));
    }
    for (x, y) in [(1i32, 2i32), (2, 1), (-1, 3), (3, -1), (7, 7)] {
        let (ux, uy) = (x as u32, y as u32);
        let r =
            (ux < uy) as i32 + 2 * (ux <= uy) as i32 + 4 * (ux > uy) as i32 + 8 * (ux >= uy) as i32;
        let expected = (r * 1000).wrapping_add((ux / 7).wrapping_add(uy % 5) as i32);
        cases.push((
            "unsigned",
            vec![Value::I32(x), Value::I32(y)],
            Value::I32(expected),
        ));
    }
    for k in [0i32, 5, -7] {
        let expected = k as f64 + (k as i64 * 3) as f64 + (300 & 255) as f64 + 0.5;
        cases.push(("fields", vec![Value::I32(k)], f64v(expected)));
    }
    for n in [0i32, 10, 100] {
        let mut s = 0;
        for i in 0..n {
            if i % 3 == 0 {
                continue;
            }
            if i > 50 {
                break;
            }
            s += i;
        }
        let mut j = 0;
        while j < 3 || (j < 10 && j % 2 == 1) {
            j += 1;
        }
        cases.push(("loops", vec![Value::I32(n)], Value::I32(s * 100 + j)));
    }
    for n in [1i32, 10, 1000] {
        let expected = (0..n as i64).sum::<i64>();
        cases.push(("dynamic", vec![Value::I32(n)], Value::I64(expected)));
    }
    // A million iterations of a loop allocating up to 32 bytes each: 32 MB
    // without the frontend's `stack.save`/`stack.restore`, far past the
    // 1 MiB stack, so this runs in constant stack or traps.
    for n in [0i32, 5, 1_000_000] {
        let expected = (0..n as i64)
            .filter(|i| i % 7 != 3)
            .map(|i| i + i % 4)
            .sum::<i64>();
        cases.push(("vla_loop", vec![Value::I32(n)], Value::I64(expected)));
    }
    for (x, expected) in [(-1i64, 10), (5_000_000_000, 20), (0, 30), (705_032_704, 30)] {
        cases.push(("pick", vec![Value::I64(x)], Value::I32(expected)));
    }
    for (i, expected) in [(0, 10), (2, 30)] {
        cases.push(("table", vec![Value::I32(i)], Value::I32(expected)));
    }
    for (x, y) in [(3i32, 0.25f64), (-8, -1.5)] {
        let args = vec![Value::I32(x), f64v(y)];
        cases.push(("negate", args, f64v(-(x as f64) + -y)));
    }
    for x in [2.75f64, -2.75] {
        let expected = (x as i32) as i64 + u32::MAX as i64;
        cases.push(("convert", vec![f64v(x)], Value::I64(expected)));
    }
    let vir = naive_frontend::compile_to_vir(FORMS).map_err(|e| e.to_string())?;
    let module = text::load(&SourceFile::new("forms.vir", vir)).map_err(|ds| render_list(&ds))?;
    for target in [Target::Wasm64, Target::Wasm32] {
        let compiled = WasmBackend::new()
            .compile_module(&module, target)
            .map_err(|e| format!("({target}): {e}"))?;
        let program = runtime()
            .compile(&compiled.wasm)
            .map_err(|e| e.to_string())?;
        let mut interp = Interpreter::new(&module, target).map_err(|d| d.to_string())?;
        for (name, args, expected) in &cases {
            let expected = vec![*expected];
            let from_interp = interp
                .call(name, args)
                .map_err(|e| format!("{name}{args:?} ({target}, interpreter): {e}"))?;
            let mut instance = runtime()
                .session()
                .target(target)
                .instantiate(&program)
                .map_err(|e| e.to_string())?;
            let compiled = instance
                .invoke(name, args)
                .map_err(|e| format!("{name}{args:?} ({target}, wasmtime): {e}"))?;
            if from_interp != expected || compiled != expected {
                return Err(format!(
                    "{name}{args:?} ({target}): interpreter {from_interp:?}, wasmtime {compiled:?}, expected {expected:?}"
                ));
            }
        }
    }
    Ok(())
}

fn load(path: &Path) -> Result<Module, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = SourceFile::new(common::relative(path), text);
    text::load(&file).map_err(|ds| render_list(&ds))
}

fn check_program(path: &Path) -> Result<(), String> {
    let name = stem(path);
    let args = WORKLOADS
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| format!("{name}: no workloads in WORKLOADS"))?
        .1;
    // (a) The checked-in IR is what the frontend writes.
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let generated = naive_frontend::compile_to_vir(&source)
        .map_err(|e| format!("{}:{e}", common::relative(path)))?;
    let vir = path.with_extension("vir");
    let checked_in = std::fs::read_to_string(&vir).unwrap_or_default();
    if generated != checked_in {
        return Err(format!(
            "{} is not what the frontend writes (run bench/frontend/generate.sh):\n{}",
            common::relative(&vir),
            common::line_diff(&checked_in, &generated)
        ));
    }
    // (b) It verifies (compile_module does), and the interpreter, wasm64,
    // wasm32 and the SSA twin agree.
    let module = load(&vir)?;
    let twin_path = common::root().join(format!("bench/programs/{name}.vir"));
    let twin = match twin_path.exists() {
        true => Some(load(&twin_path)?),
        false => None,
    };
    let results = common::agree::interpreter_and_wasmtime_agree(&module, &name, args)?;
    if let Some(twin) = &twin {
        for (target, arg, expected) in results {
            let mut twin_interp = Interpreter::new(twin, target).map_err(|d| d.to_string())?;
            let theirs = twin_interp
                .call(&name, &[Value::I32(arg)])
                .map_err(|e| format!("{name}({arg}) ({target}, SSA twin): {e}"))?;
            if theirs != expected {
                return Err(format!(
                    "{name}({arg}) ({target}): frontend set {expected:?}, SSA twin {theirs:?}"
                ));
            }
        }
    }
    Ok(())
}
