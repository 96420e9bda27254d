//! Mnemonics of the WAT AST's instructions without immediates
//! ([`Instr::Plain`](crate::wat::Instr::Plain)) and of its loads and stores,
//! mapped to `wasm-encoder`'s instruction sink.
//!
//! The tables are checked against the `wast` assembler, entry by entry, in
//! this module's tests: each mnemonic must encode to the bytes that the text
//! path gives it.

use wasm_encoder::{InstructionSink, MemArg};

macro_rules! plain_ops {
    ($($name:literal => $method:ident,)*) => {
        /// Writes `op` (`i32.add`, `f64.sqrt`, `i64.trunc_sat_f32_s`...); false
        /// when the mnemonic is not an instruction without immediates.
        pub(super) fn plain(sink: &mut InstructionSink<'_>, op: &str) -> bool {
            match op {
                $($name => { sink.$method(); })*
                _ => return false,
            }
            true
        }

        #[cfg(test)]
        const PLAIN: &[&str] = &[$($name),*];
    };
}

macro_rules! access_ops {
    ($($name:literal => $method:ident,)*) => {
        /// Writes a load or store; false when `op` is neither.
        pub(super) fn memory_access(sink: &mut InstructionSink<'_>, op: &str, arg: MemArg) -> bool {
            match op {
                $($name => { sink.$method(arg); })*
                _ => return false,
            }
            true
        }

        #[cfg(test)]
        const MEMORY: &[&str] = &[$($name),*];
    };
}

plain_ops! {
    "i64.add" => i64_add, "i32.add" => i32_add, "i64.sub" => i64_sub, "i32.sub" => i32_sub,
    "i64.mul" => i64_mul, "i32.mul" => i32_mul, "i32.eqz" => i32_eqz, "i64.eqz" => i64_eqz,
    "i32.lt_u" => i32_lt_u, "i64.lt_u" => i64_lt_u, "i32.lt_s" => i32_lt_s, "i64.lt_s" => i64_lt_s,
    "i32.eq" => i32_eq, "i64.eq" => i64_eq, "i32.ne" => i32_ne, "i64.ne" => i64_ne,
    "i32.gt_s" => i32_gt_s, "i32.gt_u" => i32_gt_u, "i32.le_s" => i32_le_s,
    "i32.le_u" => i32_le_u, "i32.ge_s" => i32_ge_s, "i32.ge_u" => i32_ge_u,
    "i64.gt_s" => i64_gt_s, "i64.gt_u" => i64_gt_u, "i64.le_s" => i64_le_s,
    "i64.le_u" => i64_le_u, "i64.ge_s" => i64_ge_s, "i64.ge_u" => i64_ge_u,
    "i32.and" => i32_and, "i32.or" => i32_or, "i32.xor" => i32_xor, "i32.shl" => i32_shl,
    "i32.shr_s" => i32_shr_s, "i32.shr_u" => i32_shr_u, "i32.rotl" => i32_rotl,
    "i32.rotr" => i32_rotr, "i32.clz" => i32_clz, "i32.ctz" => i32_ctz,
    "i32.popcnt" => i32_popcnt, "i32.div_s" => i32_div_s, "i32.div_u" => i32_div_u,
    "i32.rem_s" => i32_rem_s, "i32.rem_u" => i32_rem_u,
    "i64.and" => i64_and, "i64.or" => i64_or, "i64.xor" => i64_xor, "i64.shl" => i64_shl,
    "i64.shr_s" => i64_shr_s, "i64.shr_u" => i64_shr_u, "i64.rotl" => i64_rotl,
    "i64.rotr" => i64_rotr, "i64.clz" => i64_clz, "i64.ctz" => i64_ctz,
    "i64.popcnt" => i64_popcnt, "i64.div_s" => i64_div_s, "i64.div_u" => i64_div_u,
    "i64.rem_s" => i64_rem_s, "i64.rem_u" => i64_rem_u,
    "i32.wrap_i64" => i32_wrap_i64, "i64.extend_i32_s" => i64_extend_i32_s,
    "i64.extend_i32_u" => i64_extend_i32_u,
    "f32.eq" => f32_eq, "f32.ne" => f32_ne, "f32.lt" => f32_lt, "f32.gt" => f32_gt,
    "f32.le" => f32_le, "f32.ge" => f32_ge,
    "f64.eq" => f64_eq, "f64.ne" => f64_ne, "f64.lt" => f64_lt, "f64.gt" => f64_gt,
    "f64.le" => f64_le, "f64.ge" => f64_ge,
    "f32.abs" => f32_abs, "f32.neg" => f32_neg, "f32.ceil" => f32_ceil, "f32.floor" => f32_floor,
    "f32.trunc" => f32_trunc, "f32.nearest" => f32_nearest, "f32.sqrt" => f32_sqrt,
    "f32.add" => f32_add, "f32.sub" => f32_sub, "f32.mul" => f32_mul, "f32.div" => f32_div,
    "f32.min" => f32_min, "f32.max" => f32_max, "f32.copysign" => f32_copysign,
    "f64.abs" => f64_abs, "f64.neg" => f64_neg, "f64.ceil" => f64_ceil, "f64.floor" => f64_floor,
    "f64.trunc" => f64_trunc, "f64.nearest" => f64_nearest, "f64.sqrt" => f64_sqrt,
    "f64.add" => f64_add, "f64.sub" => f64_sub, "f64.mul" => f64_mul, "f64.div" => f64_div,
    "f64.min" => f64_min, "f64.max" => f64_max, "f64.copysign" => f64_copysign,
    "i32.trunc_f32_s" => i32_trunc_f32_s, "i32.trunc_f32_u" => i32_trunc_f32_u,
    "i32.trunc_f64_s" => i32_trunc_f64_s, "i32.trunc_f64_u" => i32_trunc_f64_u,
    "i64.trunc_f32_s" => i64_trunc_f32_s, "i64.trunc_f32_u" => i64_trunc_f32_u,
    "i64.trunc_f64_s" => i64_trunc_f64_s, "i64.trunc_f64_u" => i64_trunc_f64_u,
    "f32.convert_i32_s" => f32_convert_i32_s, "f32.convert_i32_u" => f32_convert_i32_u,
    "f32.convert_i64_s" => f32_convert_i64_s, "f32.convert_i64_u" => f32_convert_i64_u,
    "f32.demote_f64" => f32_demote_f64,
    "f64.convert_i32_s" => f64_convert_i32_s, "f64.convert_i32_u" => f64_convert_i32_u,
    "f64.convert_i64_s" => f64_convert_i64_s, "f64.convert_i64_u" => f64_convert_i64_u,
    "f64.promote_f32" => f64_promote_f32,
    "i32.reinterpret_f32" => i32_reinterpret_f32, "i64.reinterpret_f64" => i64_reinterpret_f64,
    "f32.reinterpret_i32" => f32_reinterpret_i32, "f64.reinterpret_i64" => f64_reinterpret_i64,
    "i32.extend8_s" => i32_extend8_s, "i32.extend16_s" => i32_extend16_s,
    "i64.extend8_s" => i64_extend8_s, "i64.extend16_s" => i64_extend16_s,
    "i64.extend32_s" => i64_extend32_s,
    "i32.trunc_sat_f32_s" => i32_trunc_sat_f32_s, "i32.trunc_sat_f32_u" => i32_trunc_sat_f32_u,
    "i32.trunc_sat_f64_s" => i32_trunc_sat_f64_s, "i32.trunc_sat_f64_u" => i32_trunc_sat_f64_u,
    "i64.trunc_sat_f32_s" => i64_trunc_sat_f32_s, "i64.trunc_sat_f32_u" => i64_trunc_sat_f32_u,
    "i64.trunc_sat_f64_s" => i64_trunc_sat_f64_s, "i64.trunc_sat_f64_u" => i64_trunc_sat_f64_u,
    "select" => select, "drop" => drop, "nop" => nop, "unreachable" => unreachable,
    "return" => return_,
}

access_ops! {
    "i64.load" => i64_load, "i32.load" => i32_load, "i64.store" => i64_store,
    "i32.store" => i32_store, "f32.load" => f32_load, "f64.load" => f64_load,
    "f32.store" => f32_store, "f64.store" => f64_store,
    "i32.load8_s" => i32_load8_s, "i32.load8_u" => i32_load8_u,
    "i32.load16_s" => i32_load16_s, "i32.load16_u" => i32_load16_u,
    "i64.load8_s" => i64_load8_s, "i64.load8_u" => i64_load8_u,
    "i64.load16_s" => i64_load16_s, "i64.load16_u" => i64_load16_u,
    "i64.load32_s" => i64_load32_s, "i64.load32_u" => i64_load32_u,
    "i32.store8" => i32_store8, "i32.store16" => i32_store16,
    "i64.store8" => i64_store8, "i64.store16" => i64_store16, "i64.store32" => i64_store32,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes `wast` gives the body `op` (after the function's header).
    fn wast_body(instr: &str) -> Vec<u8> {
        let text = format!("(module (memory 1) (func {instr}))");
        let wasm = crate::emit::assemble(&text, "op.wat").expect(instr);
        let code = wasmparser::Parser::new(0)
            .parse_all(&wasm)
            .find_map(|p| match p.expect("parses") {
                wasmparser::Payload::CodeSectionEntry(body) => Some(body),
                _ => None,
            })
            .expect("a body");
        let mut reader = code.get_binary_reader();
        let _locals = reader.read_var_u32().expect("locals");
        let rest = reader.read_bytes(reader.bytes_remaining()).expect("bytes");
        rest[..rest.len() - 1].to_vec() // without the final `end`
    }

    #[test]
    fn every_plain_mnemonic_encodes_as_wast_does() {
        for name in PLAIN {
            let mut ours = Vec::new();
            assert!(plain(&mut InstructionSink::new(&mut ours), name), "{name}");
            assert_eq!(ours, wast_body(name), "{name}");
        }
        assert!(!plain(
            &mut InstructionSink::new(&mut Vec::new()),
            "i32.bogus"
        ));
    }

    #[test]
    fn every_access_encodes_as_wast_does() {
        for name in MEMORY {
            let arg = MemArg {
                offset: 300,
                align: 0,
                memory_index: 0,
            };
            let mut ours = Vec::new();
            assert!(memory_access(
                &mut InstructionSink::new(&mut ours),
                name,
                arg
            ));
            assert_eq!(
                ours,
                wast_body(&format!("{name} offset=300 align=1")),
                "{name}"
            );
        }
        assert!(!memory_access(
            &mut InstructionSink::new(&mut Vec::new()),
            "i32.add",
            MemArg {
                offset: 0,
                align: 0,
                memory_index: 0
            }
        ));
    }
}
