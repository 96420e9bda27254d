//! `vitte-wat compile`: ahead-of-time compilation to a `.cwasm`.

use super::commands::binary_with_dwarf;
use super::io::{Input, Output};
use super::run::wasm_of;
use super::{Failure, TargetArg};
use clap::Args;
use std::path::{Path, PathBuf};
use vitte_runtime::Runtime;

#[derive(Args)]
pub struct CompileArgs {
    /// A .vir, .wat or .wasm file, or `-` for stdin.
    pub file: PathBuf,
    /// Where to write the .cwasm (`-` for stdout).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The target a .vir file is compiled for.
    #[arg(long, value_enum, default_value = "wasm64")]
    pub target: TargetArg,
    /// Compile the binary `build -g` (or `asm -g`) writes, with its DWARF,
    /// which wasmtime keeps in the .cwasm when it parses debug information
    /// (README, Debug information). A .wasm is compiled as it is.
    #[arg(short = 'g')]
    pub locations: bool,
    #[command(flatten)]
    pub opt: super::OptArgs,
}

/// Validates, compiles with the engine configuration `run` uses, and
/// writes the result; `run FILE.cwasm` loads it without compiling.
pub fn compile(args: CompileArgs) -> Result<(), Failure> {
    let input = Input::read(&args.file)?;
    let target = args.target.into();
    let wasm = match args.locations {
        true => binary_with_dwarf(&args.file, &input, target, &args.opt)?,
        false => wasm_of(&args.file, &input, target, false, &args.opt)?,
    };
    let runtime =
        Runtime::new().map_err(|e| Failure::error(format!("cannot start wasmtime: {e}")))?;
    let cwasm = runtime
        .precompile(&wasm)
        .map_err(|e| Failure::error(format!("{}: {e}", input.name)))?;
    let default = if args.file == Path::new("-") {
        Output::Stdout
    } else {
        Output::File(args.file.with_extension("cwasm"))
    };
    Output::new(args.output.as_deref(), default).write_binary(&cwasm)
}
