//! `vitte-wat inspect FILE... [--json] [--addr OFFSET]`: what a compiled
//! module holds and where each part comes from in the IR.
//!
//! A `.vir` is compiled as `build` compiles it, several are linked as
//! `link` links them, and the binary is read back: so the report describes
//! the very bytes `build` or `link` writes, named and located by the
//! lowering's origins and the memory layout. A `.wasm` (or `.wat`) is read
//! alone: names from its name section, IR positions from its DWARF if it
//! has any (`build -g`).

mod binary;
mod dwarf;
mod report;

use super::io::{Input, Kind, kind_of};
use super::{Failure, TargetArg};
use binary::Binary;
use clap::Args;
use dwarf::DebugInfo;
use std::path::PathBuf;
use std::sync::Arc;
use vitte_codegen_wasm64::diag::{self, SourceFile};
use vitte_codegen_wasm64::ir::{Module, Target};
use vitte_codegen_wasm64::link::{self, LinkOptions};
use vitte_codegen_wasm64::memory::Layout;
use vitte_codegen_wasm64::wat::FuncOrigins;
use vitte_codegen_wasm64::{WasmBackend, text, validate};

#[derive(Args)]
pub struct InspectArgs {
    /// A .wasm or .wat file, or .vir files (several are linked as by `link`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The target .vir files are compiled for.
    #[arg(long, value_enum, default_value = "wasm64")]
    pub target: TargetArg,
    /// One JSON document (schema `vitte-wat-inspect/1`, see the README).
    #[arg(long)]
    pub json: bool,
    /// A code offset, relative to the code section as DWARF's addresses are
    /// (`0x8c` or decimal): the function and IR position of its instruction.
    #[arg(long, value_name = "OFFSET", value_parser = parse_offset)]
    pub addr: Option<u64>,
}

/// What the report is made from.
struct Inspected {
    wasm: Vec<u8>,
    /// The lowering's origins (empty for a binary read alone).
    origins: Vec<FuncOrigins>,
    /// The IR and its memory layout, for a `.vir` input.
    ir: Option<(Module, Layout)>,
}

pub fn run(args: InspectArgs) -> Result<(), Failure> {
    let inspected = load(&args.files, args.target.into())?;
    let binary = Binary::read(&inspected.wasm).map_err(|e| Failure::error(e.to_string()))?;
    // A binary read alone is located by its own DWARF, if it has any.
    let debug = match inspected.ir {
        Some(_) => None,
        None => DebugInfo::read(&inspected.wasm).unwrap_or_else(|e| {
            let name = args.files[0].display();
            eprintln!("warning: {name}: unreadable DWARF, no source positions: {e}");
            None
        }),
    };
    let report = report::build(&inspected, &binary, debug.as_ref(), args.addr)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report).expect("a report serializes");
        println!("{json}");
    } else {
        print!("{}", report::text(&report));
    }
    Ok(())
}

fn load(files: &[PathBuf], target: Target) -> Result<Inspected, Failure> {
    let inputs = (files.iter())
        .map(|path| {
            let input = Input::read(path)?;
            Ok((kind_of(path, &input), input))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    match inputs.as_slice() {
        [(Kind::Wasm, input)] => binary_alone(input.bytes.clone(), &input.name),
        [(Kind::Wat, input)] => binary_alone(super::commands::assemble(input)?, &input.name),
        [(Kind::Vir, input)] => compile_one(input, target),
        _ => link_all(&inputs, target),
    }
}

fn binary_alone(wasm: Vec<u8>, name: &str) -> Result<Inspected, Failure> {
    validate::validate(&wasm).map_err(|e| Failure::error(format!("{name}: {e}")))?;
    Ok(Inspected {
        wasm,
        origins: Vec::new(),
        ir: None,
    })
}

fn source_of(input: &Input) -> Result<Arc<SourceFile>, Failure> {
    Ok(SourceFile::new(input.name.clone(), input.text("Vitte IR")?))
}

/// A `.vir` compiled as `build` compiles it.
fn compile_one(input: &Input, target: Target) -> Result<Inspected, Failure> {
    let file = source_of(input)?;
    let module = text::load(&file).map_err(|ds| Failure::error(diag::render_list(&ds)))?;
    let compiled = WasmBackend::new()
        .compile_module(&module, target)
        .map_err(|e| Failure::error(e.to_string()))?;
    with_layout(module, compiled.wasm, compiled.origins, target)
}

/// Several `.vir` files linked as `link` links them (its default options).
fn link_all(inputs: &[(Kind, Input)], target: Target) -> Result<Inspected, Failure> {
    let files = (inputs.iter())
        .map(|(kind, input)| match kind {
            Kind::Vir => source_of(input),
            _ => Err(Failure::error(format!(
                "{}: only Vitte IR (.vir) files are inspected together (linked)",
                input.name
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let linked = link::link_files(&files, &LinkOptions::default())
        .map_err(|ds| Failure::error(diag::render_list(&ds)))?;
    let compiled = linked
        .compile(target)
        .map_err(|e| Failure::error(e.to_string()))?;
    with_layout(linked.module, compiled.wasm, compiled.origins, target)
}

fn with_layout(
    module: Module,
    wasm: Vec<u8>,
    origins: Vec<FuncOrigins>,
    target: Target,
) -> Result<Inspected, Failure> {
    // The module compiled, so its layout exists: this is the lowering's.
    let layout = Layout::new(&module, target).map_err(|d| Failure::error(d.to_string()))?;
    Ok(Inspected {
        wasm,
        origins,
        ir: Some((module, layout)),
    })
}

/// `0x8c` or `140`.
fn parse_offset(text: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|e| format!("`{text}` is not an offset (0x8c or 140): {e}"))
}
