//! Valid IR built from the fuzzer's bytes: the random-program generator of
//! `src/testgen` reads its choices from the input (`Rng::from_bytes`, the
//! PRNG once the bytes run out), so coverage guidance steers the program's
//! shape. The differential runner (`vitte_wat::difftest`) then checks it as
//! `vitte-wat difftest` does: it verifies and round-trips through its text; for wasm64 and wasm32
//! the lowering's WAT assembles and the binary validates; and every call,
//! run with fuel in wasmtime, gives what the reference interpreter gives.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use vitte_wat::difftest::{
    GenConfig, Runner, Verdict, failure_file, generate_from_bytes,
};

static RUNNER: LazyLock<Runner> = LazyLock::new(|| Runner::new().expect("wasmtime starts"));

fuzz_target!(|data: &[u8]| {
    let config = GenConfig::default();
    let program = generate_from_bytes(data, &config);
    let report = RUNNER.check(&program);
    // Only a mismatch or a broken promise of the generator fails; a program
    // the lowering refuses (where that verdict exists) is not a failure.
    if let Verdict::Mismatch(_) | Verdict::GeneratorBug(_) = &report.verdict {
        panic!("{:?}\n{}", report.verdict, failure_file(&program, &report));
    }
});
