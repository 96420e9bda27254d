//! `vitte-wat`: the command line of the backend. Each subcommand is one
//! stage of the pipeline, or a way to run its output.

mod commands;
mod compile;
mod difftest;
mod explore;
mod inspect;
mod interp;
mod io;
mod link;
mod merge;
mod opt;
mod output;
mod profile;
mod progress;
mod run;
mod spec;
mod wasm_source_map;

use clap::{Args, Parser, Subcommand, ValueEnum};
pub use opt::OptArgs;
use std::path::PathBuf;
use vitte_codegen_wasm64::ir::Target;
use vitte_wat::shard::Shard;
use wasm_source_map::SourceMapArgs;

#[derive(Parser)]
#[command(
    name = "vitte-wat",
    version,
    about = "Text-first WebAssembly backend of the Vitte compiler: .vir -> WAT -> wasm64/wasm32",
    after_help = "FILE may be `-` for stdin; `-o -` writes to stdout.\n\
                  Exit status: 0 on success, 1 on an error in the input or the command, 2 when the guest traps,\n\
                  3 when it runs out of --fuel, 4 when it exceeds --timeout. `run` without --invoke exits\n\
                  with the guest's own status: 0 when `_start` returns, N when it calls proc_exit(N)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TargetArg {
    Wasm64,
    Wasm32,
}

impl From<TargetArg> for Target {
    fn from(t: TargetArg) -> Target {
        match t {
            TargetArg::Wasm64 => Target::Wasm64,
            TargetArg::Wasm32 => Target::Wasm32,
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Parse and verify a .vir file.
    Check { file: PathBuf },
    /// Lower a .vir file to WAT text (stdout unless -o).
    Emit {
        file: PathBuf,
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "wasm64")]
        target: TargetArg,
        /// Write each instruction's IR position before it, wherever it
        /// changes, as Binaryen does: `;;@ file:line:col` (a comment: the
        /// binary is the same).
        #[arg(short = 'g')]
        locations: bool,
        #[command(flatten)]
        opt: OptArgs,
    },
    /// Compile a .vir file to a validated wasm binary (FILE.wasm unless -o).
    Build {
        file: PathBuf,
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "wasm64")]
        target: TargetArg,
        /// Print the time of each pass and the peak memory on stderr
        /// (`time-passes: NAME SECONDS s` lines; see the README).
        #[arg(long)]
        time_passes: bool,
        /// Encode the lowered module straight to binary instead of printing
        /// and assembling WAT text: the same bytes, faster.
        #[arg(long)]
        direct: bool,
        /// Debug information: DWARF sections (`.debug_info`, `.debug_line`,
        /// ...) appended to the binary, mapping each operator to its IR
        /// line and column, the code itself unchanged; and the WAT that is
        /// assembled gets `;;@ file:line:col` positions (see `emit -g`).
        #[arg(short = 'g')]
        locations: bool,
        #[command(flatten)]
        source_map: SourceMapArgs,
        #[command(flatten)]
        opt: OptArgs,
    },
    /// Assemble WAT text to a validated binary (FILE.wasm unless -o).
    Asm {
        file: PathBuf,
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the time of each pass and the peak memory on stderr.
        #[arg(long)]
        time_passes: bool,
        /// Append DWARF: from the `;;@ file:line:col` annotations of
        /// `emit -g` (the bytes `build -g` gives), or, in text without any,
        /// pointing at the WAT's own lines.
        #[arg(short = 'g')]
        locations: bool,
        // The source map's positions are those `-g` gives DWARF.
        #[command(flatten)]
        source_map: SourceMapArgs,
    },
    /// Print a wasm binary as WAT text (stdout unless -o).
    Dis {
        file: PathBuf,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Validate a .wasm, .wat or .vir file.
    Validate {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "wasm64")]
        target: TargetArg,
    },
    /// Run a WASI command (`_start`) or, with --invoke, an export of a .vir,
    /// .wat, .wasm or .cwasm file in wasmtime, sandboxed.
    Run(run::RunArgs),
    /// Run like `run`, sampling the guest, then print its hottest functions
    /// and IR lines with their share of the samples on stderr (README,
    /// Profiling). `--profile OUT` also writes the profile.
    Profile(run::RunArgs),
    /// Compile a .vir, .wat or .wasm file ahead of time to a .cwasm (FILE.cwasm
    /// unless -o) that `run` loads without compiling.
    Compile(compile::CompileArgs),
    /// Run a function of a .vir file in the reference interpreter.
    Interp(interp::InterpArgs),
    /// Run spec-style .wast scripts (files or directories, recursively).
    Spec(spec::SpecArgs),
    /// Differential testing: run random programs in the reference
    /// interpreter and in wasmtime (wasm64 and wasm32) and compare.
    Difftest(DifftestArgs),
    /// Link .vir modules into one: OUT.wasm, OUT.wat or OUT.vir (docs/linking.md).
    Link(LinkArgs),
    /// What a module holds: functions with their IR file and line, code
    /// offsets and sizes, imports, exports, globals, data, the memory map and
    /// the function table; `--addr` locates a code offset (README, Inspecting).
    Inspect(inspect::InspectArgs),
    /// Merge the `--json` reports of the shards of one `spec` or `difftest`
    /// run into the report of the whole run (stdout).
    Merge(merge::MergeArgs),
    /// The IR after the optimisation passes (`--print-after-all`: after
    /// each), or the list of passes (`--list-passes`).
    Opt(opt::OptCommandArgs),
    /// One self-contained HTML page: the IR, the WAT and the binary side by
    /// side, linked line by line, and each function's CFG; `--diff OLD NEW`
    /// compares two modules (README, Exploring the pipeline).
    Explore(explore::ExploreArgs),
}

/// How many random programs to check, from which seed, on how many threads.
#[derive(Args)]
pub struct DifftestArgs {
    /// Number of programs.
    #[arg(long, default_value_t = 1000)]
    pub count: u64,
    /// The first seed; program i has seed S + i, so `--seed S --count 1`
    /// reruns the program of seed S.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (default: the number of cores).
    #[arg(short = 'j', long)]
    pub jobs: Option<usize>,
    /// Generate reducible control flow only (by default, programs also have
    /// cycles with two or three entries).
    #[arg(long)]
    pub reducible_only: bool,
    /// Where failing programs are written as `seed-<seed>.vir`.
    #[arg(long, default_value = "target/difftest-failures")]
    pub out: PathBuf,
    /// Write every program to the --out directory, passing ones too.
    #[arg(long)]
    pub keep: bool,
    /// Do not reduce failing programs (by default a mismatch is also
    /// written reduced, as seed-<seed>.min.vir).
    #[arg(long)]
    pub no_reduce: bool,
    /// Instead of generating programs, check FILE.vir (a failure file: its
    /// checks are the calls) and, if it fails, write it reduced to FILE.min.vir.
    #[arg(long, value_name = "FILE")]
    pub reduce: Option<PathBuf>,
    /// Print instruction coverage and trap statistics at the end.
    #[arg(long)]
    pub stats: bool,
    /// Check only slice K of N of the programs (`--shard 2/4`): shards'
    /// `--json` reports merge into the whole campaign's (`vitte-wat merge`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Print one JSON document, the verdict of every program and the
    /// coverage (schema `vitte-wat-difftest/1`, see the README), instead
    /// of the text report (the coverage of `--stats` is in it).
    #[arg(long, conflicts_with_all = ["reduce", "stats"])]
    pub json: bool,
    /// The optimisations of the compiled side (the interpreter runs the IR as it is).
    #[command(flatten)]
    pub opt: OptArgs,
}

/// `vitte-wat link`: inputs, output and the linker's options.
#[derive(Args)]
pub struct LinkArgs {
    /// The .vir modules, in order: it fixes the order of functions, data and function pointers.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// OUT.wasm (a validated binary), OUT.vir (the linked IR) or any other name
    /// for WAT text; `-` writes WAT to stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    #[arg(long, value_enum, default_value = "wasm64")]
    pub target: TargetArg,
    /// Export only this `pub fn` (repeatable) and the entry point; without it, every `pub fn`.
    #[arg(long = "export", value_name = "NAME")]
    pub exports: Vec<String>,
    /// Export every defined function, private ones under their linked names (`a.helper`).
    #[arg(long, conflicts_with = "exports")]
    pub export_all: bool,
    /// The entry point, always exported [default: main, when a module defines `pub fn @main`].
    #[arg(long, value_name = "NAME")]
    pub entry: Option<String>,
    /// Make an extern fn that no module defines an error instead of a wasm import.
    #[arg(long)]
    pub no_undefined: bool,
    /// Keep only what the exports and the entry point reach.
    #[arg(long)]
    pub gc: bool,
    /// Report renamed symbols, imports, the entry point and what --gc removed (stderr).
    #[arg(short, long)]
    pub verbose: bool,
    /// Debug information, as `build -g` writes it: DWARF in OUT.wasm and
    /// `;;@ file:line:col` in WAT, each function's positions in its own unit's file.
    #[arg(short = 'g')]
    pub locations: bool,
    // With an OUT.wasm only.
    #[command(flatten)]
    pub source_map: SourceMapArgs,
    #[command(flatten)]
    pub opt: OptArgs,
}

/// Why a command failed: the message is already rendered.
#[derive(Debug)]
pub enum Failure {
    /// Bad input or a failed command: exit status 1.
    Error(String),
    /// The guest trapped: exit status 2.
    Trap(String),
    /// Another exit status: the guest's own (`proc_exit`), or an exhausted
    /// limit. The message, already rendered, may be empty.
    Status(u8, String),
}

impl Failure {
    pub fn error(message: impl Into<String>) -> Failure {
        Failure::Error(message.into())
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Error(_) => 1,
            Failure::Trap(_) => 2,
            Failure::Status(code, _) => i32::from(*code),
        }
    }
}

pub fn run(cli: Cli) -> Result<(), Failure> {
    commands::run(cli.command)
}
