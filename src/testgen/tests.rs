//! The generator's promises, checked on many seeds.

use super::*;
use crate::text::print_module;

#[test]
fn programs_verify_and_round_trip() {
    for config in [
        GenConfig::default(),
        GenConfig {
            irreducible: false,
            ..GenConfig::default()
        },
    ] {
        for seed in 0..300 {
            let program = generate_program(seed, &config);
            if let Err(e) = well_formed(&program.module) {
                panic!("seed {seed}: {e}\n{}", print_module(&program.module));
            }
            assert!(!program.calls.is_empty());
        }
    }
}

#[test]
fn a_seed_always_gives_the_same_program() {
    let config = GenConfig::default();
    for seed in [0, 1, 42, u64::MAX] {
        let a = generate_program(seed, &config);
        let b = generate_program(seed, &config);
        assert_eq!(print_module(&a.module), print_module(&b.module));
        assert_eq!(a.calls, b.calls);
    }
    let a = print_module(&generate(1, &config));
    let b = print_module(&generate(2, &config));
    assert_ne!(a, b);
}
