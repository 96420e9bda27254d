//! Random valid IR programs for differential testing. The loop that runs
//! them through the reference interpreter and wasmtime and compares is
//! `vitte_wat::difftest` (crates/vitte-wat): it needs wasmtime, this
//! generator needs nothing beyond the IR (the lowering's unit tests use it).
//!
//! A program is a [`Module`] plus the calls to make on it, in order. The
//! generator is seeded ([`generate_program`]): the same seed and
//! [`GenConfig`] give the same program on every machine, because all
//! randomness comes from [`rng::Rng`] and nothing iterates a hash map.
//!
//! What a program looks like:
//! - internal functions `@f0`, `@f1`, ... with random signatures (several
//!   results included) that call one another, directly and through pointers,
//!   recursion included; exported entries `@e0`, ... that the harness calls;
//!   and `@state`, an export that hashes memory and globals, called after
//!   every entry so that a wrong store or global is seen at once;
//! - bodies made of structured pieces (diamonds, loops with several exits,
//!   `break`s and `continue`s to outer loops, switches with shared targets
//!   and edge arguments, early returns, dead blocks) so that the CFG is
//!   reducible, plus (unless [`GenConfig::irreducible`] is off) cycles with
//!   two or three entries;
//! - counted loops (`counted.rs`), mostly inside other loops: a counter
//!   from a start to a bound (constants, or values masked before the loop),
//!   tested in the header every way (`<`, `<=`, `>`, `>=`, signed or
//!   unsigned, either operand order, either edge), stepped by 1 to 3 up or
//!   down, around a small loop-free body that indexes memory with it
//!   (`@a + ext(i * m + x) * s`) and now and then leaves early: the shapes
//!   of `unroll`, `unroll-partial` and `widen-iv`;
//! - straight-line code from every instruction family (`insts.rs`), with
//!   operands sometimes computed on the spot in either order;
//! - stack slots, filled with `memory.fill` and then reached anywhere
//!   inside, and in some functions a slot of typed fields reached only by
//!   loads and stores of constant offsets ([`func::FieldSlot`], what `sroa`
//!   replaces); no access through a slot's address leaves the slot;
//! - in most programs, one to three read-only definitions (`data @k0
//!   const`, arrays of one scalar type or bytes, 1 to 256 bytes, any
//!   alignment, now and then a pointer item last), loaded at constant
//!   offsets (what `fold-const-loads` folds) and at masked dynamic indexes
//!   inside them, and never written: stores, fills, copies and atomics
//!   target the region, slots and the last page, and a write through a
//!   wild pointer, or to a range whose start wraps on wasm32, is raised to
//!   the region's address when below it (the memory map places read-only
//!   data before the region);
//! - in most programs, one or two named memories (`ptr`, `i32` or `i64`
//!   addresses) with data, and an entry `@mems` that accesses, sizes, grows,
//!   fills and copies between them (`memories.rs`, drawn from a stream of
//!   its own so that the rest of a seed's program is unchanged).
//!
//! Every program ends by itself: two mutable globals are budgets, `@fuel` for
//! loop iterations and `@calls` for function entries, reset by each entry.
//! Every block that can be entered again (a loop header, a node of an
//! irreducible cycle, a function entry) spends one unit first and, when the
//! budget is gone, jumps to a block that returns constants. Loops also count
//! their iterations, so most of them end long before the budget does. The
//! one exception, counted loops, spend no fuel (a test of the budget would
//! be a second exit, which the unrolling passes refuse): their counter stays
//! in `0..=34` and never wraps, their body holds no loop, so each runs at
//! most 32 times per entry, inside loops that spend fuel. Fuel in
//! the engines is only a safety net: running out of it is reported as a
//! generator bug.
//!
//! Things that legitimately differ between engines are kept out: a NaN's
//! payload and sign are never observed (a float whose bits may vary is
//! replaced by a constant when it is NaN before being stored, reinterpreted
//! or used as a sign; results compare any NaN equal to any NaN), recursion
//! stays shallow, and memory grows only a few pages (or by amounts that
//! must fail).
//!
//! Checking (`vitte_wat::difftest`): each program is verified and
//! round-tripped through its text, then run call by call on a fresh instance
//! in the interpreter and in wasmtime, for wasm64 and wasm32, over many seeds
//! with coverage statistics; a mismatching program is written as a `.vir`
//! file with the interpreter's outcomes as checks and shrunk by delta
//! debugging.
//!
//! Files: `rng.rs` (the PRNG), `values.rs` (constants, the value pool),
//! `module.rs` (globals, data, `@state`, calls), `func.rs` (budgets, slots),
//! `region.rs` (control flow), `counted.rs` (counted loops), `insts.rs`
//! (instructions), `atomics.rs` (atomic accesses), `memories.rs` (named
//! memories).
//!
//! Read-only data and counted loops came in December 2026: every seed's
//! program changed then (what a seed named before, figures and failure
//! files recorded with it, belong to the older generator). Over seeds
//! 0..2000, the functions that the passes of `-O2` change went from 0 to
//! 379 (in 358 programs) for `unroll`, 344 (315) for `unroll-partial`, 322
//! (301) for `widen-iv` and 3208 (1233) for `fold-const-loads`
//! (`VITTE_GEN_SEEDS=2000 cargo test --release --lib programs_reach --
//! --nocapture` counts them; the test asserts 1% of programs each).

mod atomics;
mod counted;
mod func;
mod insts;
mod memories;
mod module;
mod region;
pub mod rng;
mod values;

use crate::ir::{Module, Target, Type};
use crate::value::Value;

/// Knobs of the generator. The defaults are what `cargo test` runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenConfig {
    /// Generate cycles with two or three entries (irreducible control flow).
    /// On by default: every CFG that verifies must compile.
    pub irreducible: bool,
    /// At most this many internal functions (at least 1).
    pub max_funcs: usize,
    /// At most this many exported entries (at least 1).
    pub max_entries: usize,
    /// About this many blocks per function, at most (each function draws
    /// its own budget, from 4 up).
    pub max_blocks: usize,
    /// Loop iterations allowed per call of an entry.
    pub loop_fuel: i32,
    /// Function entries allowed per call of an entry; it bounds recursion.
    pub call_fuel: i32,
}

impl Default for GenConfig {
    fn default() -> GenConfig {
        GenConfig {
            irreducible: true,
            max_funcs: 4,
            max_entries: 3,
            max_blocks: 32,
            loop_fuel: 500,
            call_fuel: 100,
        }
    }
}

/// An argument: its IR type and bits (`ptr` arguments fit in 32 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arg {
    pub ty: Type,
    pub bits: u64,
}

impl Arg {
    /// The value passed on a target (`ptr` is i64 on wasm64, i32 on wasm32).
    pub fn value(self, target: Target) -> Value {
        match crate::value::lower_type(self.ty, target) {
            Type::I32 => Value::I32(self.bits as u32 as i32),
            Type::I64 => Value::I64(self.bits as i64),
            Type::F32 => Value::F32(self.bits as u32),
            _ => Value::F64(self.bits),
        }
    }
}

/// One call the harness makes, by export name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub func: String,
    pub args: Vec<Arg>,
}

/// A generated module and the calls to make on a fresh instance of it.
#[derive(Clone, Debug)]
pub struct Program {
    pub seed: u64,
    pub config: GenConfig,
    pub module: Module,
    pub calls: Vec<Call>,
}

/// The module of [`generate_program`].
pub fn generate(seed: u64, config: &GenConfig) -> Module {
    generate_program(seed, config).module
}

/// A program and its calls, from a seed. Always verifies.
pub fn generate_program(seed: u64, config: &GenConfig) -> Program {
    module::generate(seed, config)
}

/// A program whose choices are read from `bytes` (a fuzzer's input), then
/// from the PRNG when they run out ([`rng::Rng::from_bytes`]); its seed, which
/// also draws the calls' arguments, is a hash of the bytes. Always verifies,
/// like [`generate_program`], whatever the bytes.
pub fn generate_from_bytes(bytes: &[u8], config: &GenConfig) -> Program {
    let seed = rng::Rng::hash(bytes);
    module::generate_with(rng::Rng::from_bytes(bytes), seed, config)
}

/// The generator's promises: the module verifies, and its text parses back
/// to a module that prints the same.
pub fn well_formed(module: &Module) -> Result<(), String> {
    if let Err(errors) = crate::verify::verify_module(module) {
        let text: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        return Err(format!("the module does not verify: {}", text.join("; ")));
    }
    let text = crate::text::print_module(module);
    let file = crate::diag::SourceFile::new("generated.vir", text.clone());
    let parsed = crate::text::parse_module(&file).map_err(|d| {
        format!(
            "the printed module does not parse: {}",
            d.with_file(Some(&file))
        )
    })?;
    if crate::text::print_module(&parsed) != text {
        return Err("printing the parsed module gives other text".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
