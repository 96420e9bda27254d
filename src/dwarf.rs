//! DWARF debug information for a finished binary (`vitte-wat build -g`),
//! so that debuggers, `llvm-symbolizer` and engines map code addresses back
//! to the `.vir` source without the WAT text.
//!
//! It follows WebAssembly/tool-conventions (`Debugging.md`): the sections
//! are custom sections named `.debug_info`, `.debug_abbrev`, `.debug_line`,
//! `.debug_str` and `.debug_ranges` (DWARF 4), appended after every other
//! section; an address is an offset from the start of the code section's
//! contents (the function count is at 0), 8 bytes wide on wasm64 and 4 on
//! wasm32. Per source file, one compile unit; per function with a
//! position, a `DW_TAG_subprogram` (its IR name, where it is defined, its
//! body's range) and a line-table sequence: a row at the body's start for
//! the definition, then one wherever the origin of an operator changes.
//! Under the subprogram, a `DW_TAG_formal_parameter` or `DW_TAG_variable`
//! for each IR parameter and variable the lowering keeps in one wasm local
//! for the whole function ([`crate::wat::DebugVar`]): its name, a
//! `DW_TAG_base_type` (`i32`, `i64`, `f32`, `f64`, and `ptr` an unsigned
//! integer of the address's width) and the location `DW_OP_WASM_location
//! 0x0 <local>, DW_OP_stack_value`, as LLVM writes a value held in a local
//! (the local holds the value itself, not its address).
//!
//! Code an inliner copied from a callee is described as a frame of its own,
//! a `DW_TAG_inlined_subroutine` under its caller's subprogram
//! (`dwarf/inlined.rs`), its line rows naming the callee's lines.
//!
//! The input is the binary and the lowering's per-operator origins
//! ([`FuncOrigins`]): each operator's offset is read back from the code
//! section, so the text path and the direct path, which give the same
//! bytes, give the same DWARF. Nothing depends on the time or the working
//! directory: paths are the names the origins carry.

mod inlined;

use crate::ir::{Target, Type};
use crate::wat::{DebugVar, FuncOrigins, Origin};
use gimli::write::{
    Address, AttributeValue, DirectoryId, Dwarf, EndianVec, Expression, FileId, LineProgram,
    LineString, Range, RangeList, Sections, Unit, UnitEntryId, UnitId,
};
use gimli::{Encoding, Format, LineEncoding, LittleEndian, constants};
use std::collections::BTreeMap;
use std::ops::Range as Span;
use std::sync::Arc;
use wasm_encoder::{CustomSection, Section};
use wasmparser::{CompositeInnerType, Parser, Payload, ValType};

/// Origins that do not fit the binary, or a binary that does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot write DWARF: {message}")]
pub struct DwarfError {
    pub message: String,
}

impl DwarfError {
    fn new(message: impl Into<String>) -> DwarfError {
        DwarfError {
            message: message.into(),
        }
    }
}

impl From<wasmparser::BinaryReaderError> for DwarfError {
    fn from(e: wasmparser::BinaryReaderError) -> DwarfError {
        DwarfError::new(e.to_string())
    }
}

impl From<gimli::write::Error> for DwarfError {
    fn from(e: gimli::write::Error) -> DwarfError {
        DwarfError::new(e.to_string())
    }
}

/// `wasm` with its DWARF sections appended. `origins[k]` describes the
/// k-th function body of the code section (later bodies, the WASI
/// adapters, have none).
pub fn append_debug_info(
    mut wasm: Vec<u8>,
    origins: &[FuncOrigins],
    target: Target,
) -> Result<Vec<u8>, DwarfError> {
    let sections = debug_sections(&wasm, origins, target)?;
    wasm.extend_from_slice(&sections);
    Ok(wasm)
}

/// The target `wasm` was built for, as far as DWARF cares (the width of an
/// address): wasm64 when its memory 0 (the default memory; an imported one
/// comes first) is 64-bit (`asm -g`, which has no `--target`). Other
/// memories, such as a 64-bit named memory of a wasm32 module, do not count.
pub fn target_of(wasm: &[u8]) -> Result<Target, DwarfError> {
    let width = |memory64: bool| match memory64 {
        true => Target::Wasm64,
        false => Target::Wasm32,
    };
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    if let wasmparser::TypeRef::Memory(ty) = import?.ty {
                        return Ok(width(ty.memory64));
                    }
                }
            }
            Payload::MemorySection(memories) => {
                if let Some(memory) = memories.into_iter().next() {
                    return Ok(width(memory?.memory64));
                }
            }
            _ => {}
        }
    }
    Ok(Target::Wasm32)
}

/// The DWARF custom sections of `wasm`, encoded, to append to it.
pub fn debug_sections(
    wasm: &[u8],
    origins: &[FuncOrigins],
    target: Target,
) -> Result<Vec<u8>, DwarfError> {
    let bodies = code_bodies(wasm)?;
    if origins.len() > bodies.len() {
        return Err(DwarfError::new(format!(
            "origins of {} functions for {} bodies",
            origins.len(),
            bodies.len()
        )));
    }
    let mut dwarf = Dwarf::new();
    let mut units = Units::new(target);
    for (func, body) in origins.iter().zip(&bodies) {
        units.function(&mut dwarf, func, body)?;
    }
    units.finish(&mut dwarf);
    let mut sections = Sections::new(EndianVec::new(LittleEndian));
    dwarf.write(&mut sections)?;
    let mut out = Vec::new();
    sections.for_each(|id, data| -> Result<(), DwarfError> {
        if !data.slice().is_empty() {
            let name = id.name().into();
            let data = data.slice().into();
            CustomSection { name, data }.append_to(&mut out);
        }
        Ok(())
    })?;
    Ok(out)
}

/// A function body in the code section, in addresses (offsets from the
/// start of the section's contents).
pub(crate) struct Body {
    pub(crate) range: Span<u64>,
    /// The address of each operator, the final `end` left out.
    pub(crate) operators: Vec<u64>,
    /// The types of the function's locals, its parameters first, in runs:
    /// the index after a run's last local, and their type. Empty when the
    /// function's type is not known.
    locals: Vec<(u64, ValType)>,
}

impl Body {
    /// The type of local `index`, if the function has it.
    fn local_type(&self, index: u32) -> Option<ValType> {
        let run = self
            .locals
            .partition_point(|&(end, _)| end <= u64::from(index));
        self.locals.get(run).map(|&(_, ty)| ty)
    }
}

/// Every function body of the code section, in order.
fn code_bodies(wasm: &[u8]) -> Result<Vec<Body>, DwarfError> {
    code_layout(wasm).map(|(_, bodies)| bodies)
}

/// Where the code section's contents start in `wasm` (the file offset of
/// address 0), and every function body, in order: the source map
/// (`crate::wasm_source_map`) places the same operators by file offset.
pub(crate) fn code_layout(wasm: &[u8]) -> Result<(u64, Vec<Body>), DwarfError> {
    let mut bodies = Vec::new();
    let mut start = 0;
    // The parameters of each type (`None`: not a function type), and the
    // type of each function with a body.
    let mut types: Vec<Option<Vec<ValType>>> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for ty in group?.into_types() {
                        types.push(match ty.composite_type.inner {
                            CompositeInnerType::Func(f) => Some(f.params().to_vec()),
                            _ => None,
                        });
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    func_types.push(ty?);
                }
            }
            Payload::CodeSectionStart { range, .. } => start = range.start as u64,
            Payload::CodeSectionEntry(body) => {
                let ty = func_types.get(bodies.len());
                let params = ty.and_then(|&t| types.get(t as usize)?.as_deref());
                let locals = match params {
                    Some(params) => local_runs(params, &body)?,
                    None => Vec::new(),
                };
                let address = |offset: usize| offset as u64 - start;
                let mut reader = body.get_operators_reader()?;
                let mut operators = Vec::new();
                while !reader.eof() {
                    operators.push(address(reader.read_with_offset()?.1));
                }
                operators.pop(); // the function's final `end`
                let range = body.range();
                bodies.push(Body {
                    range: address(range.start)..address(range.end),
                    operators,
                    locals,
                });
            }
            _ => {}
        }
    }
    Ok((start, bodies))
}

/// The locals of `body`, whose function has parameters `params`, in runs
/// (one per parameter, then one per declaration: a run may count billions
/// of locals in a hand-written module, which are not expanded).
fn local_runs(
    params: &[ValType],
    body: &wasmparser::FunctionBody,
) -> Result<Vec<(u64, ValType)>, DwarfError> {
    let mut runs: Vec<(u64, ValType)> = (1..).zip(params.iter().copied()).collect();
    let mut end = params.len() as u64;
    let mut reader = body.get_locals_reader()?;
    for _ in 0..reader.get_count() {
        let (count, ty) = reader.read()?;
        end += u64::from(count);
        runs.push((end, ty));
    }
    Ok(runs)
}

/// A compile unit: its id, the ranges of its functions, and the base types
/// its variables use, each made on first use.
struct UnitState {
    id: UnitId,
    ranges: Vec<Range>,
    types: BTreeMap<Type, UnitEntryId>,
    /// The abstract subprogram of each callee inlined in the unit.
    abstracts: BTreeMap<Arc<str>, UnitEntryId>,
}

/// The compile units made so far, one per source file.
struct Units {
    encoding: Encoding,
    target: Target,
    by_file: BTreeMap<String, usize>,
    units: Vec<UnitState>,
}

impl Units {
    fn new(target: Target) -> Units {
        let address_size = match target {
            Target::Wasm64 => 8,
            Target::Wasm32 => 4,
        };
        Units {
            encoding: Encoding {
                format: Format::Dwarf32,
                version: 4,
                address_size,
            },
            target,
            by_file: BTreeMap::new(),
            units: Vec::new(),
        }
    }

    /// Describes one function, in the unit of the file it is defined in
    /// (or of its first located operator); a function with no position,
    /// or whose file cannot be named in DWARF, is left out.
    fn function(
        &mut self,
        dwarf: &mut Dwarf,
        func: &FuncOrigins,
        body: &Body,
    ) -> Result<(), DwarfError> {
        fits(func, body)?;
        let Some(home) = home(func) else {
            return Ok(());
        };
        let target = self.target;
        let state = self.unit(dwarf, &home.file);
        state.ranges.push(Range::StartLength {
            begin: Address::Constant(body.range.start),
            length: body.range.end - body.range.start,
        });
        let name = nameable(&func.ir_name)
            .then(|| AttributeValue::StringRef(dwarf.strings.add(func.ir_name.as_str())));
        let unit = dwarf.units.get_mut(state.id);
        let entry = subprogram(unit, name, body);
        for var in &func.vars {
            describe_var(dwarf, state, target, entry, var, body);
        }
        inlined::describe_copies(dwarf, state.id, entry, &mut state.abstracts, func, body);
        let unit = dwarf.units.get_mut(state.id);
        let file = line_rows(&mut unit.line_program, home, func, body);
        if let Some(def) = &func.def {
            let entry = unit.get_mut(entry);
            entry.set(constants::DW_AT_decl_file, AttributeValue::FileIndex(file));
            entry.set(
                constants::DW_AT_decl_line,
                AttributeValue::Udata(def.line.into()),
            );
        }
        Ok(())
    }

    /// The unit of `file`, made on first use.
    fn unit(&mut self, dwarf: &mut Dwarf, file: &str) -> &mut UnitState {
        let index = match self.by_file.get(file) {
            Some(&index) => index,
            None => {
                let id = new_unit(dwarf, self.encoding, file);
                self.by_file.insert(file.to_owned(), self.units.len());
                self.units.push(UnitState {
                    id,
                    ranges: Vec::new(),
                    types: BTreeMap::new(),
                    abstracts: BTreeMap::new(),
                });
                self.units.len() - 1
            }
        };
        &mut self.units[index]
    }

    /// Gives each unit the ranges of its functions: they need not be
    /// contiguous once modules are linked.
    fn finish(self, dwarf: &mut Dwarf) {
        for UnitState { id, ranges, .. } in self.units {
            let unit = dwarf.units.get_mut(id);
            let list = unit.ranges.add(RangeList(ranges));
            let root = unit.root();
            let root = unit.get_mut(root);
            root.set(constants::DW_AT_ranges, AttributeValue::RangeListRef(list));
        }
    }
}

/// A compile unit for `file`. It has no `DW_AT_comp_dir`, so that tools
/// print the path as it is (`examples/fib.vir`, not `./examples/fib.vir`);
/// the line program's directory 0, implicit in DWARF 4, is `.`.
fn new_unit(dwarf: &mut Dwarf, encoding: Encoding, file: &str) -> UnitId {
    let program = LineProgram::new(
        encoding,
        LineEncoding::default(),
        LineString::String(b".".to_vec()),
        None,
        LineString::String(file.as_bytes().to_vec()),
        None,
    );
    let id = dwarf.units.add(Unit::new(encoding, program));
    let name = dwarf.strings.add(file);
    let producer = dwarf
        .strings
        .add(concat!("vitte-codegen-wasm64 ", env!("CARGO_PKG_VERSION")));
    let unit = dwarf.units.get_mut(id);
    let root = unit.get_mut(unit.root());
    root.set(constants::DW_AT_name, AttributeValue::StringRef(name));
    root.set(
        constants::DW_AT_producer,
        AttributeValue::StringRef(producer),
    );
    // The base of the unit's range list: its addresses are absolute.
    let zero = AttributeValue::Address(Address::Constant(0));
    root.set(constants::DW_AT_low_pc, zero);
    id
}

/// The origins describe the body's operators, one each.
pub(crate) fn fits(func: &FuncOrigins, body: &Body) -> Result<(), DwarfError> {
    if func.operators.len() != body.operators.len() {
        return Err(DwarfError::new(format!(
            "`{}` has origins for {} operators, its body {}",
            func.wasm_name,
            func.operators.len(),
            body.operators.len()
        )));
    }
    Ok(())
}

/// Where a function is described: its definition, or its first located
/// operator; none when that file cannot be named.
pub(crate) fn home(func: &FuncOrigins) -> Option<&Origin> {
    let first = func.operators.iter().flatten().next();
    func.def.as_ref().or(first).filter(|o| nameable(&o.file))
}

/// Whether DWARF can hold the name (of a file or a function): not empty,
/// no NUL (gimli refuses both; a builder may make such a function name).
pub(crate) fn nameable(file: &str) -> bool {
    !file.is_empty() && !file.contains('\0')
}

/// A `DW_TAG_subprogram` for the body, named `name` if it has one.
fn subprogram(unit: &mut Unit, name: Option<AttributeValue>, body: &Body) -> UnitEntryId {
    let root = unit.root();
    let id = unit.add(root, constants::DW_TAG_subprogram);
    let entry = unit.get_mut(id);
    if let Some(name) = name {
        entry.set(constants::DW_AT_name, name);
    }
    let low = Address::Constant(body.range.start);
    entry.set(constants::DW_AT_low_pc, AttributeValue::Address(low));
    let length = body.range.end - body.range.start;
    entry.set(constants::DW_AT_high_pc, AttributeValue::Udata(length));
    id
}

/// A `DW_TAG_formal_parameter` or `DW_TAG_variable` for `var` under the
/// subprogram `parent`, unless the body has no such local, or one of
/// another type than the lowering gives `var`'s (text read by `asm -g` may
/// say anything): no location rather than a wrong one.
fn describe_var(
    dwarf: &mut Dwarf,
    state: &mut UnitState,
    target: Target,
    parent: UnitEntryId,
    var: &DebugVar,
    body: &Body,
) {
    if body.local_type(var.local) != Some(wasm_type(var.ty, target)) || !nameable(&var.name) {
        return;
    }
    let name = dwarf.strings.add(var.name.as_str());
    let unit = dwarf.units.get_mut(state.id);
    let ty = *(state.types.entry(var.ty))
        .or_insert_with(|| base_type(unit, &mut dwarf.strings, var.ty, target));
    let tag = match var.param {
        true => constants::DW_TAG_formal_parameter,
        false => constants::DW_TAG_variable,
    };
    let id = unit.add(parent, tag);
    let entry = unit.get_mut(id);
    entry.set(constants::DW_AT_name, AttributeValue::StringRef(name));
    entry.set(constants::DW_AT_type, AttributeValue::UnitRef(ty));
    let mut location = Expression::new();
    location.op_wasm_local(var.local);
    location.op(constants::DW_OP_stack_value);
    entry.set(constants::DW_AT_location, AttributeValue::Exprloc(location));
}

/// The wasm type of a local holding an IR value of type `ty`.
fn wasm_type(ty: Type, target: Target) -> ValType {
    match (ty, target) {
        (Type::I32, _) | (Type::Ptr, Target::Wasm32) => ValType::I32,
        (Type::I64, _) | (Type::Ptr, Target::Wasm64) => ValType::I64,
        (Type::F32, _) => ValType::F32,
        (Type::F64, _) => ValType::F64,
    }
}

/// A `DW_TAG_base_type` for `ty`, a child of the unit's root: integers
/// signed (the IR's are sign-agnostic; a debugger shows `-1` rather than
/// `4294967295`), `ptr` an unsigned integer of the address's width.
fn base_type(
    unit: &mut Unit,
    strings: &mut gimli::write::StringTable,
    ty: Type,
    target: Target,
) -> UnitEntryId {
    let (encoding, size) = match ty {
        Type::I32 => (constants::DW_ATE_signed, 4),
        Type::I64 => (constants::DW_ATE_signed, 8),
        Type::F32 => (constants::DW_ATE_float, 4),
        Type::F64 => (constants::DW_ATE_float, 8),
        Type::Ptr => (constants::DW_ATE_unsigned, target.pointer_bits() / 8),
    };
    let root = unit.root();
    let id = unit.add(root, constants::DW_TAG_base_type);
    let entry = unit.get_mut(id);
    entry.set(
        constants::DW_AT_name,
        AttributeValue::StringRef(strings.add(ty.name())),
    );
    entry.set(
        constants::DW_AT_encoding,
        AttributeValue::Encoding(encoding),
    );
    entry.set(
        constants::DW_AT_byte_size,
        AttributeValue::Udata(size.into()),
    );
    id
}

/// The body's line-table sequence: a row at its start for `home` (the
/// definition: the prologue before the first located operator belongs to
/// it), then a row at each operator whose origin differs from the last
/// row's. Returns the file of `home`.
fn line_rows(
    program: &mut LineProgram,
    home: &Origin,
    func: &FuncOrigins,
    body: &Body,
) -> Option<FileId> {
    let dir = program.default_directory();
    let home_file = add_file(program, dir, &home.file)?;
    program.begin_sequence(Some(Address::Constant(body.range.start)));
    // The last row's origin and its file's id: a file is looked up (and
    // its name copied) only when it changes, not at every row.
    let (mut last, mut file) = (home, home_file);
    set_row(program, 0, file, home);
    let located = func.operators.iter().zip(&body.operators);
    for (origin, &address) in located.filter_map(|(o, a)| Some((o.as_ref()?, a))) {
        if origin == last {
            continue;
        }
        if origin.file != last.file {
            let Some(id) = add_file(program, dir, &origin.file) else {
                continue;
            };
            file = id;
        }
        set_row(program, address - body.range.start, file, origin);
        last = origin;
    }
    program.end_sequence(body.range.end - body.range.start);
    Some(home_file)
}

fn add_file(program: &mut LineProgram, dir: DirectoryId, file: &str) -> Option<FileId> {
    nameable(file)
        .then(|| program.add_file(LineString::String(file.as_bytes().to_vec()), dir, None))
}

fn set_row(program: &mut LineProgram, address_offset: u64, file: FileId, origin: &Origin) {
    let row = program.row();
    row.address_offset = address_offset;
    row.file = file;
    row.line = origin.line.into();
    row.column = origin.col.into();
    program.generate_row();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(wat: &str) -> Target {
        let wasm = crate::emit::assemble(wat, "t.wat").expect("assembles");
        target_of(&wasm).expect("parses")
    }

    /// Memory 0 gives the address width: a named 64-bit memory after a
    /// 32-bit default memory is still a wasm32 module, and the other way.
    #[test]
    fn the_address_width_is_memory_0_s() {
        assert_eq!(target("(module (memory 1) (memory i64 1))"), Target::Wasm32);
        assert_eq!(target("(module (memory i64 1) (memory 1))"), Target::Wasm64);
        let imported = r#"(module (import "env" "memory" (memory i64 1)) (memory 1))"#;
        assert_eq!(target(imported), Target::Wasm64);
        assert_eq!(target("(module)"), Target::Wasm32);
    }
}
