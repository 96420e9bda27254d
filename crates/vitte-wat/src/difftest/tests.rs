//! The campaign's promises: failure files are golden cases, and the
//! reducer shrinks.

use super::*;

/// A failure file is a golden case: it loads, and its checks, read as
/// `tests/golden.rs` reads them, hold in the interpreter on the target they
/// were written for.
#[test]
fn failure_files_are_golden_cases() {
    use crate::diag::SourceFile;
    use crate::filetest::{self, TypedExpect};
    use crate::interp::{InterpError, Interpreter};
    use crate::ir::Target;

    for seed in 0..20 {
        let program = generate_program(seed, &GenConfig::default());
        let outcomes = interpret(&program.module, Target::Wasm64, &program.calls).unwrap();
        let report = ProgramReport {
            verdict: Verdict::Pass,
            interp: vec![(Target::Wasm64, outcomes)],
            stats: vec![],
        };
        let file = SourceFile::new("case.vir", failure_file(&program, &report));
        let module = crate::text::load(&file).expect("the file loads");
        let checks = filetest::parse_checks(&file).expect("the checks parse");
        assert_eq!(checks.len(), program.calls.len());
        let mut interp = Interpreter::new(&module, Target::Wasm64).unwrap();
        for check in checks {
            let check = check.typed(&module, Target::Wasm64).expect("typed");
            let got = interp.call(&check.func, &check.args);
            match (&check.expect, got) {
                (TypedExpect::Return(e), Ok(v)) => assert!(filetest::results_match(e, &v)),
                (TypedExpect::Trap(k), Err(InterpError::Trap(t))) => assert_eq!(*k, t.kind),
                (e, g) => panic!("seed {seed}: {}: expected {e:?}, got {g:?}", check.func),
            }
        }
    }
}

/// The reducer keeps what the predicate needs and little else.
#[test]
fn the_reducer_shrinks_to_what_fails() {
    use crate::ir::{Op, UnaryOp};
    use std::time::Duration;
    let has_popcnt = |p: &Program| {
        p.module
            .funcs
            .iter()
            .flat_map(|f| &f.blocks)
            .flat_map(|b| &b.insts)
            .any(|i| matches!(i.op, Op::Unary(UnaryOp::Popcnt, ..)))
            && well_formed(&p.module).is_ok()
    };
    let program = (0..50)
        .map(|seed| generate_program(seed, &GenConfig::default()))
        .find(|p| has_popcnt(p))
        .expect("a program with a popcnt");
    let small = reduce_with(&program, &has_popcnt, Duration::from_secs(60));
    assert!(has_popcnt(&small));
    let count = |p: &Program| {
        p.module
            .funcs
            .iter()
            .flat_map(|f| &f.blocks)
            .map(|b| b.insts.len() + 1)
            .sum::<usize>()
    };
    assert!(
        count(&small) * 5 < count(&program),
        "{} of {}",
        count(&small),
        count(&program)
    );
    assert!(small.calls.is_empty());
}
